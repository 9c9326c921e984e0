/* Lint family "select": selectors and named ports held against the input's namespaces,
 * workloads and Services (selects-nothing, hostNetwork, unknown namespaces, ports). */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

/* Hand-made labels that usually repeat the namespace's name. */
static const char *const name_like_keys[] = { "name", "namespace", "ns" };

static bool is_name_like(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(name_like_keys); i++)
		if (!strcmp(key, name_like_keys[i]))
			return true;
	return false;
}

/* Namespaces every cluster has, whether the input declares them or not: the API server
 * creates them at start (kube-system, kube-public, kube-node-lease, default), and
 * "default" also receives every object written without a namespace. A selector naming
 * one is not unknown-namespace, though the input may hold none of its pods. */
static const char *const builtin_namespaces[] = { "default", "kube-system", "kube-public",
						  "kube-node-lease" };

static bool ns_known(const struct lint_ctx *c, const char *name)
{
	const struct namespace *ns = model_namespace(c->m, name);
	for (size_t i = 0; i < ARRAY_SIZE(builtin_namespaces); i++)
		if (!strcmp(name, builtin_namespaces[i]))
			return true;
	return ns && c->ns_known[ns->index];
}

static size_t ns_workloads(const struct lint_ctx *c, const char *name)
{
	const struct namespace *ns = model_namespace(c->m, name);
	return ns ? c->ns_workloads[ns->index] : 0;
}

/* Each (key, value) pair a selector requires: its matchLabels entries and each value of
 * its In expressions, with the node a finding about it points at. */
struct required {
	const char *key, *val;
	const struct ynode *node;
};

static size_t selector_required(const struct selector *sel, struct required **out)
{
	size_t n = sel->nml;
	for (size_t i = 0; i < sel->nexprs; i++)
		if (sel->exprs[i].key && sel->exprs[i].op == SEL_IN)
			n += sel->exprs[i].nvalues;
	struct required *r = *out = xmalloc(sizeof(*r) * (n + 1));
	n = 0;
	for (size_t i = 0; i < sel->nml; i++)
		r[n++] = (struct required){ sel->ml[i].key, sel->ml[i].val, sel->ml[i].node };
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct sel_expr *e = &sel->exprs[i];
		for (size_t j = 0; e->key && e->op == SEL_IN && j < e->nvalues; j++)
			r[n++] = (struct required){ e->key, e->values[j], e->node };
	}
	return n;
}

/* A namespaceSelector naming, through kubernetes.io/metadata.name, a namespace absent
 * from the input; when report, each such name is reported. */
static bool names_unknown_namespace(struct lint_ctx *c, const struct lint_at *at,
				    const struct selector *sel, bool report)
{
	struct required *r;
	size_t n = selector_required(sel, &r);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(r[i].key, NS_NAME_LABEL) || ns_known(c, r[i].val))
			continue;
		any = true;
		if (report)
			lint_report(c, RULE_UNKNOWN_NAMESPACE, r[i].node, at->p->obj,
				    "namespaceSelector names namespace '%s', absent from the input",
				    r[i].val);
	}
	free(r);
	return any;
}

/* Does the selector only constrain kubernetes.io/metadata.name, the one label an implied
 * namespace is known to carry? */
static bool only_name_label(const struct selector *sel)
{
	for (size_t i = 0; i < sel->nml; i++)
		if (strcmp(sel->ml[i].key, NS_NAME_LABEL))
			return false;
	for (size_t i = 0; i < sel->nexprs; i++)
		if (!sel->exprs[i].key || strcmp(sel->exprs[i].key, NS_NAME_LABEL))
			return false;
	return true;
}

/* The hostNetwork workloads a test matches: their display names, heap array. */
static const char **host_net_matches(const struct lint_ctx *c, const struct policy *p,
				     const struct peer *peer, size_t *n)
{
	const struct model *m = c->m;
	const char **names = xmalloc(sizeof(*names) * (m->nhost_net + 1));
	*n = 0;
	for (size_t i = 0; i < m->nhost_net; i++) {
		const struct endpoint *e = m->host_net[i];
		bool hit = peer ? lint_peer_matches(c, p, peer, e)
				: !strcmp(e->ns, p->obj->ns) && selector_matches(&p->pod_sel, &e->labels);
		if (hit)
			names[(*n)++] = e->display;
	}
	return names;
}

/*
 * "hostNetwork pods ... no policy selects them and pod selectors never match them." A
 * selector that names them explicitly is flagged; an empty one ("every pod") only when
 * hostNetwork workloads are all it would match. Returns whether it reported.
 */
static bool check_host_network(struct lint_ctx *c, const struct lint_at *at,
			       const struct ynode *where, bool sel_empty, size_t matched)
{
	size_t n;
	const char **names = host_net_matches(c, at->p, at->peer, &n);
	bool report = n && (!sel_empty || !matched);
	if (report) {
		struct strbuf sb = STRBUF_INIT;
		lint_add_names(&sb, names, n);
		if (at->peer)
			lint_report(c, RULE_HOST_NETWORK_POD, where, at->p->obj,
				    "peer selects hostNetwork %s %s: %s traffic carries the node's "
				    "address, which pod selectors never match",
				    n == 1 ? "workload" : "workloads", sb.buf, n == 1 ? "its" : "their");
		else
			lint_report(c, RULE_HOST_NETWORK_POD, where, at->p->obj,
				    "podSelector selects hostNetwork %s %s: NetworkPolicy does not "
				    "apply to hostNetwork pods", n == 1 ? "workload" : "workloads", sb.buf);
		strbuf_release(&sb);
	}
	free(names);
	return report;
}

/* Does the peer match some endpoint? Only the namespaces it can reach are scanned
 * (endpoints are sorted by namespace, so each one's are a range). */
static bool peer_matches_any(const struct lint_ctx *c, const struct policy *p,
			     const struct peer *peer)
{
	const struct model *m = c->m;
	const struct namespace *own = model_namespace(m, p->obj->ns);
	for (size_t k = 0; k < m->nnamespaces; k++) {
		const struct namespace *ns = m->namespaces[k];
		/* podSelector alone looks in the policy's namespace only. */
		if (peer->ns_sel.node ? !selector_matches(&peer->ns_sel, &ns->labels) : ns != own)
			continue;
		for (size_t i = c->s.ns_range[k][0]; i < c->s.ns_range[k][1]; i++)
			if (solver_peer_matches_endpoint(m, p, peer, m->endpoints[i]))
				return true;
	}
	return false;
}

/* "; namespace 'NS' holds ... custom resources": pods that an operator makes from them
 * are in no manifest (or "" when the namespace holds none). Arena-owned. */
static const char *custom_hint(const struct lint_ctx *c, const char *ns)
{
	size_t n;
	const struct custom_obj *first = model_custom_in(c->m, ns, &n);
	if (!first)
		return "";
	return arena_printf(c->arena,
			    "; the namespace holds %zu custom resource%s npcheck does not model "
			    "(first: %s %s at %s:%d:%d): if an operator makes pods from %s, "
			    "describe the kind under operators in the configuration",
			    n, n == 1 ? "" : "s", first->kind, first->api_version, first->pos.file,
			    first->pos.line, first->pos.col, n == 1 ? "it" : "them");
}

static void on_policy(struct lint_ctx *c, const struct lint_at *at)
{
	const struct policy *p = at->p;
	const struct object *o = p->obj;

	if (o->ns_given && !ns_known(c, o->ns))
		lint_report(c, RULE_UNKNOWN_NAMESPACE, ynode_key(o->meta_node, "namespace"), o,
			    "namespace '%s' of NetworkPolicy '%s' is absent from the input", o->ns,
			    o->name ? o->name : "");

	size_t matched = c->s.selected[at->pi].n;
	/* "spec.podSelector:" itself, or the policy's name when it is absent ({}). */
	const struct ynode *where = p->pod_sel.key_node ? p->pod_sel.key_node : NULL;
	if (check_host_network(c, at, where, selector_is_empty(&p->pod_sel), matched))
		return;
	if (!matched && ns_workloads(c, o->ns) &&
	    !lint_sel_depends(c, at, &p->pod_sel, SEL_ROLE_POLICY))
		lint_report(c, RULE_POLICY_SELECTS_NOTHING, where, o,
			    "podSelector matches no pod or workload in namespace '%s'%s", o->ns,
			    custom_hint(c, o->ns));
}

static void on_peer(struct lint_ctx *c, const struct lint_at *at)
{
	const struct model *m = c->m;
	const struct peer *peer = at->peer;
	const struct object *o = at->p->obj;

	if (peer->ipb)
		return;
	size_t matched = peer_matches_any(c, at->p, peer);
	bool pod_empty = !peer->pod_sel.node || selector_is_empty(&peer->pod_sel);
	const struct ynode *where = peer->pod_sel.node ? peer->pod_sel.key_node : peer->ns_sel.key_node;
	if (check_host_network(c, at, where, pod_empty, matched) || matched)
		return;
	/* unknown-label-value speaks when the answer rests on a value set at run time. */
	if (peer->pod_sel.node && lint_sel_depends(c, at, &peer->pod_sel, SEL_ROLE_PEER_POD))
		return;

	if (!peer->ns_sel.node) {
		/* podSelector alone: the policy's own namespace. */
		if (ns_workloads(c, o->ns))
			lint_report(c, RULE_PEER_SELECTS_NOTHING, peer->pod_sel.key_node, o,
				    "podSelector matches no pod or workload in namespace '%s'%s",
				    o->ns, custom_hint(c, o->ns));
		return;
	}
	const char **names = xmalloc(sizeof(*names) * (m->nnamespaces + 1));
	size_t nns = 0, busy = 0;
	bool all_declared = true;
	for (size_t i = 0; i < m->nnamespaces; i++) {
		const struct namespace *ns = m->namespaces[i];
		all_declared &= ns->declared;
		if (!selector_matches(&peer->ns_sel, &ns->labels))
			continue;
		nns++;
		if (c->ns_workloads[i])
			names[busy++] = ns->name;
	}
	/* Those namespaces exist even when the input does not mention them, with no
	 * label but their name (as a fresh cluster creates them). */
	for (size_t i = 0; i < ARRAY_SIZE(builtin_namespaces); i++) {
		struct kv kv = { NS_NAME_LABEL, builtin_namespaces[i], NULL };
		struct labels l = { &kv, 1 };
		if (!model_namespace(m, builtin_namespaces[i]) && selector_matches(&peer->ns_sel, &l))
			nns++;
	}
	if (!nns) {
		/* An implied namespace's labels are unknown beyond its name, and a name
		 * absent from the input is unknown-namespace's finding. */
		if ((all_declared || only_name_label(&peer->ns_sel)) &&
		    !names_unknown_namespace(c, at, &peer->ns_sel, false))
			lint_report(c, RULE_PEER_SELECTS_NOTHING, peer->ns_sel.key_node, o,
				    "namespaceSelector matches no namespace in the input");
	} else if (busy) {
		/* Only namespaces whose workloads the input holds say anything. */
		struct strbuf sb = STRBUF_INIT;
		lint_add_names(&sb, names, busy);
		lint_report(c, RULE_PEER_SELECTS_NOTHING, peer->pod_sel.key_node, o,
			    "podSelector matches no pod or workload in %s %s",
			    busy == 1 ? "namespace" : "namespaces", sb.buf);
		strbuf_release(&sb);
	}
	free(names);
}

static void on_selector(struct lint_ctx *c, const struct lint_at *at, const struct selector *sel,
			enum lint_sel_role role)
{
	if (role != SEL_ROLE_PEER_NS)
		return;
	names_unknown_namespace(c, at, sel, true);

	/* "kubernetes.io/metadata.name ... set by the control plane": any other label
	 * whose value is a namespace's name, with a name-like key or carried by that
	 * namespace with its own name, can be set by whoever edits namespaces. */
	struct required *r;
	size_t n = selector_required(sel, &r);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(r[i].key, NS_NAME_LABEL))
			continue;
		const struct namespace *ns = model_namespace(c->m, r[i].val);
		const char *v = ns ? labels_get(&ns->labels, r[i].key) : NULL;
		if (ns && (is_name_like(r[i].key) || (v && !strcmp(v, ns->name))))
			lint_report(c, RULE_MUTABLE_NAMESPACE_LABEL, r[i].node, at->p->obj,
				    "namespaceSelector label '%s=%s' merely repeats the namespace name, "
				    "and anyone who can edit namespaces can set it; select "
				    NS_NAME_LABEL ": %s", r[i].key, r[i].val, r[i].val);
	}
	free(r);
}

/* The container port of e that a port name resolves to (0 when none). */
static int resolve_name(const struct endpoint *e, const char *name, int proto)
{
	for (size_t i = 0; i < e->nports; i++)
		if (e->ports[i].name && e->ports[i].proto == proto && !strcmp(e->ports[i].name, name))
			return e->ports[i].port;
	return 0;
}

static bool exposes(const struct endpoint *e, int proto, int port)
{
	for (size_t i = 0; i < e->nports; i++)
		if (e->ports[i].proto == proto && e->ports[i].port == port)
			return true;
	return false;
}

/* Does the rule allow (proto, port) towards e through any of its ports? */
static bool rule_allows(const struct np_rule *r, const struct endpoint *e, int proto, int port)
{
	for (size_t i = 0; i < r->nports; i++) {
		const struct np_port *pt = &r->ports[i];
		if (pt->proto != proto)
			continue;
		if (!pt->has_port)
			return true;
		if (pt->port_name ? resolve_name(e, pt->port_name, proto) == port
				  : pt->port <= port && port <= (pt->has_end_port ? pt->end_port : pt->port))
			return true;
	}
	return false;
}

static bool service_selects(const struct service *s, const struct endpoint *e)
{
	if (!s->has_selector || !s->selector.n || s->obj->invalid)
		return false;
	for (size_t i = 0; i < s->selector.n; i++) {
		const char *v = labels_get(&e->labels, s->selector.kv[i].key);
		if (!v || strcmp(v, s->selector.kv[i].val))
			return false;
	}
	return true;
}

/*
 * The port checks are asked once per port of every rule, and a rule's destinations can
 * be every endpoint of the cluster (a namespaceSelector: {} peer), so they are answered
 * from indexes built once rather than by walking the destinations:
 * - byname: (protocol, container port name) → the endpoints exposing it, sorted;
 * - bysvc: (protocol, port) → the endpoints a Service port of that number forwards to
 *   another pod port (the endpoint does not expose the number itself, the Service
 *   selects it and its target resolves to a port other than the number), sorted;
 * - svc_of: per endpoint, the Services of its namespace selecting it, in the order of
 *   c->ns_services.
 * A check then walks the smaller of the destination set and the index's list, testing
 * membership in the other, in increasing endpoint order as the walk over the
 * destinations did, so findings are the same.
 *
 * The lists are collected endpoint by endpoint, so each key's is already in increasing
 * order: they are grouped by key through a hash of the keys (a counting sort, stable),
 * not sorted, and a key's run is found through the same hash.
 */
struct port_ref {
	int proto, port;    /* bysvc */
	const char *name;   /* byname */
	uint32_t ep;
};

/* A key's run [lo, hi) in its index; while building, lo counts its references. */
struct port_group {
	int proto, port;
	const char *name;
	size_t lo, hi;
};

struct port_groups {
	struct port_group *v;
	size_t n, cap;
	uint32_t *slot; /* open addressing: group index + 1, 0 when free */
	size_t nslot;
};

struct lint_port_index {
	struct port_ref *byname, *bysvc;
	size_t nbyname, nbysvc;
	struct port_groups gname, gsvc;
	const struct service **svc;  /* svc_of lists, end to end */
	size_t *svc_first;           /* per endpoint, + 1: [svc_first[i], svc_first[i + 1]) */
};

static uint64_t port_key_hash(const struct port_ref *r)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(unsigned)r->proto;
	h = (h ^ (uint64_t)(unsigned)r->port) * 1099511628211ull;
	for (const unsigned char *q = (const unsigned char *)r->name; q && *q; q++)
		h = (h ^ *q) * 1099511628211ull;
	return h * 1099511628211ull;
}

static bool port_key_eq(const struct port_group *g, const struct port_ref *r)
{
	return g->proto == r->proto && g->port == r->port &&
	       (g->name == r->name || (g->name && r->name && !strcmp(g->name, r->name)));
}

/* The slot of r's key: its group's, or the free one where it would go. */
static uint32_t *group_slot(const struct port_groups *g, const struct port_ref *r)
{
	size_t i = (size_t)port_key_hash(r) & (g->nslot - 1);
	while (g->slot[i] && !port_key_eq(&g->v[g->slot[i] - 1], r))
		i = (i + 1) & (g->nslot - 1);
	return &g->slot[i];
}

static struct port_group *group_find(const struct port_groups *g, const struct port_ref *r)
{
	if (!g->nslot)
		return NULL;
	uint32_t at = *group_slot(g, r);
	return at ? &g->v[at - 1] : NULL;
}

/* The group of r's key, added when new. */
static size_t group_of(struct port_groups *g, const struct port_ref *r)
{
	if ((g->n + 1) * 2 > g->nslot) {
		free(g->slot);
		g->nslot = g->nslot ? g->nslot * 2 : 64;
		g->slot = xcalloc(g->nslot, sizeof(*g->slot));
		for (size_t k = 0; k < g->n; k++) {
			struct port_ref key = { g->v[k].proto, g->v[k].port, g->v[k].name, 0 };
			*group_slot(g, &key) = (uint32_t)(k + 1);
		}
	}
	uint32_t *at = group_slot(g, r);
	if (!*at) {
		XGROW(g->v, g->cap, g->n + 1);
		g->v[g->n] = (struct port_group){ r->proto, r->port, r->name, 0, 0 };
		*at = (uint32_t)++g->n;
	}
	return *at - 1;
}

/* v[0, *n), collected in increasing endpoint order, grouped by key (stable) with the
 * repeats of an endpoint within a key dropped; each group's run recorded in g. */
static void group_refs(struct port_ref **v, size_t *n, struct port_groups *g)
{
	uint32_t *gid = xmalloc(sizeof(*gid) * (*n + 1));
	for (size_t k = 0; k < *n; k++) {
		gid[k] = (uint32_t)group_of(g, &(*v)[k]);
		g->v[gid[k]].lo++;
	}
	size_t at = 0;
	for (size_t k = 0; k < g->n; k++) {
		size_t c = g->v[k].lo;
		g->v[k].lo = g->v[k].hi = at;
		at += c;
	}
	struct port_ref *out = xmalloc(sizeof(*out) * (*n + 1));
	for (size_t k = 0; k < *n; k++) {
		struct port_group *pg = &g->v[gid[k]];
		if (pg->hi > pg->lo && out[pg->hi - 1].ep == (*v)[k].ep)
			continue;
		out[pg->hi++] = (*v)[k];
	}
	free(gid);
	free(*v);
	*v = out;
}

static void groups_release(struct port_groups *g)
{
	free(g->v);
	free(g->slot);
}

/* The endpoints of namespace nsi the Service selects, through the label index on the
 * rarest of its selector's pairs; added to out (sorted within the namespace). */
static size_t service_endpoints(const struct lint_ctx *c, const struct service *s, size_t nsi,
				uint32_t *out)
{
	const struct model *m = c->m;
	if (!s->has_selector || !s->selector.n || s->obj->invalid)
		return 0;
	const uint32_t *best = NULL;
	size_t nbest = 0;
	for (size_t i = 0; i < s->selector.n; i++) {
		size_t n;
		const uint32_t *v = solver_label_endpoints(&c->s, s->selector.kv[i].key,
							   s->selector.kv[i].val, &n);
		if (!i || n < nbest)
			best = v, nbest = n;
	}
	size_t lo = c->s.ns_range[nsi][0], hi = c->s.ns_range[nsi][1], k = 0, a = 0, b = nbest;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (best[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < nbest && best[a] < hi; a++)
		if (service_selects(s, m->endpoints[best[a]]))
			out[k++] = best[a];
	return k;
}

static struct lint_port_index *port_index(struct lint_ctx *c)
{
	if (c->ports)
		return c->ports;
	const struct model *m = c->m;
	struct lint_port_index *x = c->ports = xcalloc(1, sizeof(*x));
	size_t nep = m->nendpoints;

	/* Services per endpoint: (endpoint, service) pairs, counted then placed. */
	size_t *count = xcalloc(nep + 1, sizeof(*count));
	uint32_t *tmp = xmalloc(sizeof(*tmp) * (nep + 1));
	size_t total = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t nsi = 0; nsi < m->nnamespaces; nsi++) {
			const struct lint_ns_services *nss = &c->ns_services[nsi];
			for (size_t si = 0; si < nss->n; si++) {
				size_t k = service_endpoints(c, nss->v[si], nsi, tmp);
				for (size_t j = 0; j < k; j++) {
					if (pass)
						x->svc[count[tmp[j]]++] = nss->v[si];
					else
						count[tmp[j]]++, total++;
				}
			}
		}
		if (!pass) {
			x->svc = xmalloc(sizeof(*x->svc) * (total + 1));
			x->svc_first = xmalloc(sizeof(*x->svc_first) * (nep + 1));
			size_t at = 0;
			for (size_t i = 0; i < nep; i++) {
				size_t n = count[i];
				x->svc_first[i] = count[i] = at;
				at += n;
			}
			x->svc_first[nep] = at;
		}
	}
	free(count);
	free(tmp);

	size_t nnamed = 0, capsvc = 0;
	for (size_t i = 0; i < nep; i++)
		nnamed += m->endpoints[i]->nports;
	x->byname = xmalloc(sizeof(*x->byname) * (nnamed + 1));
	for (size_t i = 0; i < nep; i++) {
		const struct endpoint *e = m->endpoints[i];
		/* As resolve_name answers: the first port of that name and protocol. */
		for (size_t j = 0; j < e->nports; j++)
			if (e->ports[j].name &&
			    resolve_name(e, e->ports[j].name, e->ports[j].proto))
				x->byname[x->nbyname++] = (struct port_ref){ e->ports[j].proto, 0,
									     e->ports[j].name, (uint32_t)i };
		for (size_t si = x->svc_first[i]; si < x->svc_first[i + 1]; si++) {
			const struct service *s = x->svc[si];
			for (size_t k = 0; k < s->nports; k++) {
				const struct service_port *sp = &s->ports[k];
				if (exposes(e, sp->proto, sp->port))
					continue;
				int target = sp->target_name ? resolve_name(e, sp->target_name, sp->proto)
							     : sp->target_port;
				if (!target || target == sp->port)
					continue;
				XGROW(x->bysvc, capsvc, x->nbysvc + 1);
				x->bysvc[x->nbysvc++] = (struct port_ref){ sp->proto, sp->port, NULL,
									   (uint32_t)i };
			}
		}
	}
	group_refs(&x->byname, &x->nbyname, &x->gname);
	group_refs(&x->bysvc, &x->nbysvc, &x->gsvc);
	return x;
}

void lint_select_release(struct lint_ctx *c)
{
	if (!c->ports)
		return;
	free(c->ports->byname);
	free(c->ports->bysvc);
	free(c->ports->svc);
	free(c->ports->svc_first);
	groups_release(&c->ports->gname);
	groups_release(&c->ports->gsvc);
	free(c->ports);
	c->ports = NULL;
}

/* The run [*lo, *hi) of key (its endpoint aside) in an index grouped by g. */
static void port_run(const struct port_groups *g, const struct port_ref *key, size_t *lo,
		     size_t *hi)
{
	const struct port_group *pg = group_find(g, key);
	*lo = pg ? pg->lo : 0;
	*hi = pg ? pg->hi : 0;
}

static bool run_has(const struct port_ref *v, size_t lo, size_t hi, size_t ep)
{
	size_t a = lo, b = hi;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (v[mid].ep < ep)
			a = mid + 1;
		else
			b = mid;
	}
	return a < hi && v[a].ep == ep;
}

/* Where a walk over the members of a destination set and an index run stands. */
struct common_walk {
	size_t at; /* next position in the run, or next endpoint index of dests */
	size_t k;  /* epset_next's cursor */
};

/* The next member of dests in v[lo, hi), in increasing order (w starts zeroed); false
 * when none is left. Walks the smaller of the two, testing membership in the other. */
static bool next_common(const struct lint_ctx *c, const struct epset *dests,
			const struct port_ref *v, size_t lo, size_t hi, struct common_walk *w,
			size_t *ep)
{
	if (hi - lo <= dests->n) {
		for (size_t k = lo + w->at; k < hi; k++)
			if (epset_has(dests, v[k].ep)) {
				w->at = k - lo + 1;
				*ep = v[k].ep;
				return true;
			}
		w->at = hi - lo;
		return false;
	}
	for (size_t i = w->at; epset_next(dests, c->m->nendpoints, &i, &w->k); i++)
		if (run_has(v, lo, hi, i)) {
			w->at = i + 1;
			*ep = i;
			return true;
		}
	w->at = c->m->nendpoints;
	return false;
}

/* Does some member of dests expose the port name with this protocol? */
static bool dests_resolve(struct lint_ctx *c, const struct epset *dests, const char *name,
			  int proto)
{
	const struct lint_port_index *x = port_index(c);
	struct port_ref key = { proto, 0, name, 0 };
	struct common_walk w = { 0, 0 };
	size_t lo, hi, ep;
	port_run(&x->gname, &key, &lo, &hi);
	return lo < hi && next_common(c, dests, x->byname, lo, hi, &w, &ep);
}

/* The display names of the first LINT_LIST_SHOWN members of dests (for lint_add_names,
 * with dests->n as the count). */
static void first_names(const struct lint_ctx *c, const struct epset *dests,
			const char *names[LINT_LIST_SHOWN])
{
	size_t k = 0;
	EPSET_FOREACH(dests, c->m->nendpoints, i) {
		if (k == LINT_LIST_SHOWN)
			break;
		names[k++] = c->m->endpoints[i]->display;
	}
}

/* "Policies see the pod's port": a Service port that forwards elsewhere. */
static void check_service_port(struct lint_ctx *c, const struct lint_at *at, const struct epset *dests)
{
	const struct model *m = c->m;
	const struct np_port *pt = at->port;
	const struct lint_port_index *x = port_index(c);
	struct port_ref key = { pt->proto, pt->port, NULL, 0 };
	struct common_walk w = { 0, 0 };
	size_t lo, hi, i;

	port_run(&x->gsvc, &key, &lo, &hi);
	while (lo < hi && next_common(c, dests, x->bysvc, lo, hi, &w, &i)) {
		const struct endpoint *e = m->endpoints[i];
		for (size_t si = x->svc_first[i]; si < x->svc_first[i + 1]; si++) {
			const struct service *s = x->svc[si];
			for (size_t k = 0; k < s->nports; k++) {
				const struct service_port *sp = &s->ports[k];
				if (sp->proto != pt->proto || sp->port != pt->port)
					continue;
				int target = sp->target_name ? resolve_name(e, sp->target_name, sp->proto)
							     : sp->target_port;
				if (!target || target == pt->port || rule_allows(at->rule, e, pt->proto, target))
					continue;
				lint_report(c, RULE_SERVICE_PORT, pt->port_key, at->p->obj,
					    "port %d is the port of Service '%s/%s', which forwards it to "
					    "pod port %d of '%s': policies see pod ports", pt->port,
					    s->obj->ns, s->obj->name ? s->obj->name : "", target,
					    e->display);
				return;
			}
		}
	}
}

/*
 * A named port in an egress rule whose peers are all ipBlocks. "A named port ... never
 * matches an external IP", but an ipBlock also matches a pod whose IP is known and inside
 * it, and the name is resolved on that pod: the solver's peer set of the rule holds those
 * pods (except entries respected), so the port can never match only when none of them
 * exposes the name with the port's protocol.
 */
static void check_named_ipblock(struct lint_ctx *c, const struct lint_at *at)
{
	const struct np_port *pt = at->port;
	const struct epset *dests = lint_rule_dests(c, at);

	if (dests_resolve(c, dests, pt->port_name, pt->proto))
		return;
	if (!dests->n) {
		lint_report(c, RULE_NAMED_PORT_IPBLOCK, pt->port_key, at->p->obj,
			    "named port '%s' can never match: the rule's only peers are ipBlocks, "
			    "which hold no known pod IP, and addresses outside the cluster have no "
			    "named ports", pt->port_name);
	} else {
		const char *names[LINT_LIST_SHOWN];
		struct strbuf sb = STRBUF_INIT;
		first_names(c, dests, names);
		lint_add_names(&sb, names, dests->n);
		lint_report(c, RULE_NAMED_PORT_IPBLOCK, pt->port_key, at->p->obj,
			    "named port '%s' can never match: the rule's only peers are ipBlocks, "
			    "addresses outside the cluster have no named ports, and no pod with a "
			    "known IP inside them (%s) has a %s port of that name",
			    pt->port_name, sb.buf, proto_name(pt->proto));
		strbuf_release(&sb);
	}
}

static void on_port(struct lint_ctx *c, const struct lint_at *at)
{
	const struct np_port *pt = at->port;
	const struct np_rule *r = at->rule;

	if (pt->proto < 0 || !pt->has_port)
		return;
	bool only_ipb = r->npeers > 0;
	for (size_t i = 0; i < r->npeers; i++)
		only_ipb &= r->peers[i].ipb != NULL;
	if (at->dir == DIR_EGRESS && only_ipb) {
		/* named-port-ipblock speaks for names; numbers go to addresses, where
		 * Service ports play no part. */
		if (pt->port_name)
			check_named_ipblock(c, at);
		return;
	}

	const struct epset *dests = lint_rule_dests(c, at);
	if (!dests->n)
		return; /* policy- or peer-selects-nothing speaks */
	if (pt->port_name) {
		if (!dests_resolve(c, dests, pt->port_name, pt->proto)) {
			const char *names[LINT_LIST_SHOWN];
			struct strbuf sb = STRBUF_INIT;
			first_names(c, dests, names);
			lint_add_names(&sb, names, dests->n);
			lint_report(c, RULE_NAMED_PORT_UNRESOLVED, pt->port_key, at->p->obj,
				    "named port '%s' matches no %s container port of %s",
				    pt->port_name, proto_name(pt->proto), sb.buf);
			strbuf_release(&sb);
		}
	} else if (!pt->has_end_port) {
		check_service_port(c, at, dests);
	}
}

const struct lint_visitor lint_select_visitor = {
	.policy = on_policy,
	.peer = on_peer,
	.port = on_port,
	.selector = on_selector,
};

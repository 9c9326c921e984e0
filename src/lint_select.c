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
	return arena_printf(c->m->arena,
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

/* "Policies see the pod's port": a Service port that forwards elsewhere. */
static void check_service_port(struct lint_ctx *c, const struct lint_at *at, const struct epset *dests)
{
	const struct model *m = c->m;
	const struct np_port *pt = at->port;

	EPSET_FOREACH(dests, m->nendpoints, i) {
		const struct endpoint *e = m->endpoints[i];
		if (exposes(e, pt->proto, pt->port))
			continue;
		const struct lint_ns_services *nss = &c->ns_services[e->ns_index];
		for (size_t si = 0; si < nss->n; si++) {
			const struct service *s = nss->v[si];
			if (!service_selects(s, e))
				continue;
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
	const struct model *m = c->m;
	const struct epset *dests = lint_rule_dests(c, at);
	const char **names = xmalloc(sizeof(*names) * (dests->n + 1));
	size_t k = 0;

	EPSET_FOREACH(dests, m->nendpoints, i) {
		if (resolve_name(m->endpoints[i], pt->port_name, pt->proto)) {
			free(names);
			return;
		}
		names[k++] = m->endpoints[i]->display;
	}
	if (!k) {
		lint_report(c, RULE_NAMED_PORT_IPBLOCK, pt->port_key, at->p->obj,
			    "named port '%s' can never match: the rule's only peers are ipBlocks, "
			    "which hold no known pod IP, and addresses outside the cluster have no "
			    "named ports", pt->port_name);
	} else {
		struct strbuf sb = STRBUF_INIT;
		lint_add_names(&sb, names, k);
		lint_report(c, RULE_NAMED_PORT_IPBLOCK, pt->port_key, at->p->obj,
			    "named port '%s' can never match: the rule's only peers are ipBlocks, "
			    "addresses outside the cluster have no named ports, and no pod with a "
			    "known IP inside them (%s) has a %s port of that name",
			    pt->port_name, sb.buf, proto_name(pt->proto));
		strbuf_release(&sb);
	}
	free(names);
}

static void on_port(struct lint_ctx *c, const struct lint_at *at)
{
	const struct np_port *pt = at->port;
	const struct np_rule *r = at->rule;
	const struct model *m = c->m;

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
		const char **names = xmalloc(sizeof(*names) * dests->n);
		size_t k = 0;
		bool found = false;
		EPSET_FOREACH(dests, m->nendpoints, i) {
			found |= resolve_name(m->endpoints[i], pt->port_name, pt->proto) != 0;
			names[k++] = m->endpoints[i]->display;
		}
		if (!found) {
			struct strbuf sb = STRBUF_INIT;
			lint_add_names(&sb, names, k);
			lint_report(c, RULE_NAMED_PORT_UNRESOLVED, pt->port_key, at->p->obj,
				    "named port '%s' matches no %s container port of %s",
				    pt->port_name, proto_name(pt->proto), sb.buf);
			strbuf_release(&sb);
		}
		free(names);
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

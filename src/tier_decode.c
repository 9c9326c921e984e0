/* The policy tiers' trees → the one tier model of tiers.h, with the CRDs' validation
 * (TIERS.md §3, §6) reported as invalid-spec in the API server's words, and Nodes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiers.h"
#include "validate.h"

static const struct tkind {
	const char *kind;
	const char *version; /* the one version served */
	int which;           /* schema: 0 ANP, 1 BANP, 2 CNP */
} tkinds[] = {
	{ "AdminNetworkPolicy", "v1alpha1", 0 },
	{ "BaselineAdminNetworkPolicy", "v1alpha1", 1 },
	{ "ClusterNetworkPolicy", "v1alpha2", 2 },
};

static const struct tkind *tkind_of(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(tkinds); i++)
		if (!strcmp(tkinds[i].kind, kind))
			return &tkinds[i];
	return NULL;
}

const char *tier_name(enum tier t)
{
	return t == TIER_ADMIN ? "admin" : "baseline";
}

const char *tier_action_name(const struct tpolicy *p, enum tier_action a)
{
	return a == TACT_DENY ? "Deny" : a == TACT_PASS ? "Pass" : p->version == 1 ? "Allow" : "Accept";
}

const char *tpolicy_kind(const struct tpolicy *p)
{
	return p->obj->kind;
}

static struct tiers *tiers_of(struct model *m)
{
	if (!m->tiers)
		m->tiers = ARENA_NEW(m->arena, struct tiers);
	return m->tiers;
}

/* ---- reporting ---- */

struct tc {
	struct model *m;
	struct tpolicy *p;
	bool v2;
	bool banp;      /* v1alpha1 baseline: no Pass, no domainNames */
	size_t lim;     /* rules, peers and ports: 100 (v1alpha1) or 25 (v1alpha2) */
	const struct ynode *doc;
};

static void bad(struct tc *c, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void bad(struct tc *c, const struct ynode *at, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!at)
		at = c->p->obj->name_node ? c->p->obj->name_node : c->p->obj->node;
	diag_report(c->m->diag, RULE_INVALID_SPEC, &at->pos, &c->p->obj->dobj, "%s", buf);
	c->p->invalid = true;
}

static const char *str_of(const struct ynode *n)
{
	return n && n->kind == YN_SCALAR && !ynode_is_null(n) ? ynode_str(n) : NULL;
}

static bool present(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_get(map, key);
	return v && !ynode_is_null(v);
}

/* The key node of key in map, or fallback. */
static const struct ynode *key_or(const struct ynode *map, const char *key,
				  const struct ynode *fallback)
{
	const struct ynode *k = ynode_key(map, key);
	return k ? k : fallback;
}

/* How many of these fields are set (unknown fields are pruned before validation). */
static size_t nset(const struct ynode *map, const char *const *keys)
{
	size_t n = 0;
	for (; *keys; keys++)
		n += present(map, *keys);
	return n;
}

static void one_of(struct tc *c, const struct ynode *at, const char *path, size_t n)
{
	if (n == 1)
		return;
	bad(c, at, "%s: Invalid value: \"object\": %s in body should have %s 1 properties", path,
	    path, n ? "at most" : "at least");
}

/* A list that must have 1..max items: its items, or NULL (reported when empty or long). */
static const struct ynode *list_of(struct tc *c, const struct ynode *map, const char *key,
				   const char *path, size_t max)
{
	const struct ynode *l = ynode_get(map, key);
	if (!l || l->kind != YN_SEQ)
		return NULL;
	const struct ynode *at = key_or(map, key, l);
	if (l->n == 0)
		bad(c, at, "%s: Invalid value: 0: %s in body should have at least 1 items", path, path);
	else if (l->n > max)
		bad(c, at, "%s: Too many: %zu: must have at most %zu items", path, l->n, max);
	return l;
}

/* An integer field in lo..hi: true and *out when it is one (a type error was reported
 * by the schema walk otherwise). */
static bool int_in(struct tc *c, const struct ynode *map, const char *key, const char *path,
		   long long lo, long long hi, bool required, const struct ynode *req_at,
		   long long *out)
{
	const struct ynode *v = ynode_get(map, key);
	if (!v || ynode_is_null(v)) {
		if (required)
			bad(c, req_at, "%s: Required value", path);
		return false;
	}
	if (ynode_int(v, out))
		return false;
	const struct ynode *at = key_or(map, key, v);
	if (*out < lo) {
		bad(c, at, "%s: Invalid value: %lld: %s in body should be greater than or equal to %lld",
		    path, *out, path, lo);
		return false;
	}
	if (*out > hi) {
		bad(c, at, "%s: Invalid value: %lld: %s in body should be less than or equal to %lld",
		    path, *out, path, hi);
		return false;
	}
	return true;
}

/* ---- peers ---- */

/* DNS names as the CRD's pattern has them: an optional "*." then two or more labels of
 * letters, digits and inner hyphens (at most 63 each), an optional final dot. */
static bool domain_ok(const char *s)
{
	if (!strncmp(s, "*.", 2))
		s += 2;
	size_t labels = 0;
	while (*s) {
		size_t n = 0;
		while (s[n] && s[n] != '.') {
			char ch = s[n];
			bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				     (ch >= '0' && ch <= '9');
			if (!alnum && ch != '-')
				return false;
			n++;
		}
		if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
			return false;
		labels++;
		s += n;
		if (*s == '.')
			s++;
	}
	return labels >= 2;
}

static const char domain_pattern[] =
	"^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\\.?$";

static void decode_pods(struct tc *c, const struct ynode *pods, const struct ynode *key,
			const char *path, struct tpeer *pe)
{
	if (!pods || pods->kind != YN_MAP)
		return;
	k8s_decode_selector(c->m, pods, "namespaceSelector", &pe->ns_sel);
	k8s_decode_selector(c->m, pods, "podSelector", &pe->pod_sel);
	if (!present(pods, "podSelector"))
		bad(c, key, "%s.podSelector: Required value", path);
	/* v1alpha2 makes namespaceSelector optional: absent means every namespace. */
	if (!c->v2 && !present(pods, "namespaceSelector"))
		bad(c, key, "%s.namespaceSelector: Required value", path);
}

static void decode_peer(struct tc *c, const struct ynode *it, const char *path,
			struct tpeer *pe, bool egress, bool subject)
{
	static const char *const in_keys[] = { "namespaces", "pods", NULL };
	static const char *const out_keys[] = { "namespaces", "pods", "nodes", "networks",
						"domainNames", NULL };
	pe->node = it;
	pe->kind = TP_NONE;
	if (!it || it->kind != YN_MAP) {
		if (!it || ynode_is_null(it))
			one_of(c, it, path, 0);
		return;
	}
	const char *const *keys = egress && !subject ? out_keys : in_keys;
	one_of(c, it, path, nset(it, keys));
	if (present(it, "namespaces")) {
		pe->kind = TP_NAMESPACES;
		k8s_decode_selector(c->m, it, "namespaces", &pe->ns_sel);
	} else if (present(it, "pods")) {
		pe->kind = TP_PODS;
		decode_pods(c, ynode_get(it, "pods"), key_or(it, "pods", it),
			    arena_printf(c->m->arena, "%s.pods", path), pe);
	} else if (egress && !subject && present(it, "nodes")) {
		pe->kind = TP_NODES;
		k8s_decode_selector(c->m, it, "nodes", &pe->node_sel);
	} else if (egress && !subject && present(it, "networks")) {
		pe->kind = TP_NETWORKS;
		const char *np = arena_printf(c->m->arena, "%s.networks", path);
		const struct ynode *l = list_of(c, it, "networks", np, 25);
		if (!l)
			return;
		pe->nets = ARENA_ARRAY(c->m->arena, struct cidr, l->n ? l->n : 1);
		pe->net_text = ARENA_ARRAY(c->m->arena, const char *, l->n ? l->n : 1);
		for (size_t i = 0; i < l->n; i++) {
			const char *s = str_of(l->kids[i]);
			struct cidr cd;
			if (!s)
				continue;
			if (strlen(s) > 43) {
				bad(c, l->kids[i], "%s[%zu]: Too long: may not be longer than 43", np, i);
				continue;
			}
			/* isCIDR: Go's netip.ParsePrefix, which refuses leading zeros. */
			int flags = 0;
			if (cidr_parse(s, &cd, &flags) || (flags & CIDR_LEADING_ZEROS)) {
				bad(c, l->kids[i], "%s[%zu]: Invalid value: \"string\": Invalid CIDR format provided",
				    np, i);
				continue;
			}
			pe->net_text[pe->nnets] = s;
			pe->nets[pe->nnets++] = cd;
		}
	} else if (egress && !subject && present(it, "domainNames")) {
		pe->kind = TP_DOMAINS;
		const char *dp = arena_printf(c->m->arena, "%s.domainNames", path);
		const struct ynode *l = list_of(c, it, "domainNames", dp, 25);
		for (size_t i = 0; l && i < l->n; i++) {
			const char *s = str_of(l->kids[i]);
			if (s && !domain_ok(s))
				bad(c, l->kids[i], "%s[%zu]: Invalid value: \"%s\": %s[%zu] in body should match '%s'",
				    dp, i, s, dp, i, domain_pattern);
		}
		pe->ndomains = l ? l->n : 0;
	}
}

/* ---- ports ---- */

static int proto_of(struct tc *c, const struct ynode *map, const char *path)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP" };
	const char *s = str_of(ynode_get(map, "protocol"));
	if (!s)
		return PROTO_TCP; /* the CRD's default */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]))
			return proto_parse(s);
	bad(c, key_or(map, "protocol", map),
	    "%s.protocol: Unsupported value: \"%s\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
	    path, s);
	return -1;
}

static void decode_port_v1(struct tc *c, const struct ynode *it, const char *path,
			   struct tport *pt)
{
	static const char *const keys[] = { "portNumber", "portRange", "namedPort", NULL };
	pt->node = it;
	pt->proto = -1;
	pt->lo = 1;
	pt->hi = 0; /* empty until decoded */
	if (!it || it->kind != YN_MAP) {
		one_of(c, it, path, 0);
		return;
	}
	one_of(c, it, path, nset(it, keys));
	long long a, b;
	if (present(it, "portNumber")) {
		const struct ynode *pn = ynode_get(it, "portNumber");
		const char *pp = arena_printf(c->m->arena, "%s.portNumber", path);
		if (pn->kind != YN_MAP)
			return;
		pt->proto = proto_of(c, pn, pp);
		if (int_in(c, pn, "port", arena_printf(c->m->arena, "%s.port", pp), 1, 65535, true,
			   pn, &a))
			pt->lo = pt->hi = (int)a;
	} else if (present(it, "portRange")) {
		const struct ynode *pr = ynode_get(it, "portRange");
		const char *pp = arena_printf(c->m->arena, "%s.portRange", path);
		if (pr->kind != YN_MAP)
			return;
		pt->proto = proto_of(c, pr, pp);
		bool ok = int_in(c, pr, "start", arena_printf(c->m->arena, "%s.start", pp), 1, 65535,
				 true, pr, &a);
		ok &= int_in(c, pr, "end", arena_printf(c->m->arena, "%s.end", pp), 1, 65535, true,
			     pr, &b);
		/* v1alpha1 has no start < end check: a reversed range is valid and empty. */
		if (ok) {
			pt->lo = (int)a;
			pt->hi = (int)b;
		}
	} else if (present(it, "namedPort")) {
		pt->name = str_of(ynode_get(it, "namedPort"));
	}
}

static void decode_port_v2(struct tc *c, const struct ynode *it, const char *path,
			   struct tport *pt)
{
	static const char *const keys[] = { "tcp", "udp", "sctp", "destinationNamedPort", NULL };
	static const char *const protos[] = { "tcp", "udp", "sctp" };
	static const int proto_ids[] = { PROTO_TCP, PROTO_UDP, PROTO_SCTP };
	pt->node = it;
	pt->proto = -1;
	pt->lo = 1;
	pt->hi = 0;
	if (!it || it->kind != YN_MAP) {
		one_of(c, it, path, 0);
		return;
	}
	one_of(c, it, path, nset(it, keys));
	if (present(it, "destinationNamedPort")) {
		pt->name = str_of(ynode_get(it, "destinationNamedPort"));
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
		const struct ynode *pm = ynode_get(it, protos[i]);
		if (!pm || pm->kind != YN_MAP)
			continue;
		const char *pp = arena_printf(c->m->arena, "%s.%s", path, protos[i]);
		pt->proto = proto_ids[i];
		const struct ynode *dp = ynode_get(pm, "destinationPort");
		if (!dp || ynode_is_null(dp)) {
			bad(c, key_or(it, protos[i], pm),
			    "%s: Invalid value: \"object\": %s in body should have at least 1 properties",
			    pp, pp);
			return;
		}
		if (dp->kind != YN_MAP)
			return;
		const char *dpp = arena_printf(c->m->arena, "%s.destinationPort", pp);
		static const char *const dkeys[] = { "number", "range", NULL };
		one_of(c, key_or(pm, "destinationPort", dp), dpp, nset(dp, dkeys));
		long long a, b;
		if (present(dp, "number")) {
			if (int_in(c, dp, "number", arena_printf(c->m->arena, "%s.number", dpp), 1,
				   65535, true, dp, &a))
				pt->lo = pt->hi = (int)a;
		} else if (present(dp, "range")) {
			const struct ynode *r = ynode_get(dp, "range");
			if (r->kind != YN_MAP)
				return;
			const char *rp = arena_printf(c->m->arena, "%s.range", dpp);
			bool ok = int_in(c, r, "start", arena_printf(c->m->arena, "%s.start", rp), 1,
					 65535, true, r, &a);
			ok &= int_in(c, r, "end", arena_printf(c->m->arena, "%s.end", rp), 1, 65535,
				     true, r, &b);
			if (ok && a >= b)
				bad(c, key_or(dp, "range", r),
				    "%s: Invalid value: \"object\": Start port must be less than End port", rp);
			else if (ok) {
				pt->lo = (int)a;
				pt->hi = (int)b;
			}
		}
		return;
	}
}

/* ---- rules ---- */

static void decode_rules(struct tc *c, const struct ynode *spec, enum direction dir)
{
	struct tpolicy *p = c->p;
	const char *key = dir == DIR_INGRESS ? "ingress" : "egress";
	const char *peers_key = dir == DIR_INGRESS ? "from" : "to";
	const char *ports_key = c->v2 ? "protocols" : "ports";
	const struct ynode *list = ynode_get(spec, key);
	if (!list || list->kind != YN_SEQ || !list->n)
		return;
	if (list->n > c->lim)
		bad(c, key_or(spec, key, list), "spec.%s: Too many: %zu: must have at most %zu items",
		    key, list->n, c->lim);
	p->rules[dir] = ARENA_ARRAY(c->m->arena, struct trule, list->n);
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *it = list->kids[i];
		struct trule *r = &p->rules[dir][p->nrules[dir]++];
		const char *path = arena_printf(c->m->arena, "spec.%s[%zu]", key, i);
		r->node = it;
		r->index = (int)i;
		if (!it || it->kind != YN_MAP) {
			bad(c, it, "%s.action: Required value", path);
			continue;
		}
		r->name = str_of(ynode_get(it, "name"));
		if (r->name && strlen(r->name) > 100)
			bad(c, key_or(it, "name", it), "%s.name: Too long: may not be longer than 100", path);
		const char *act = str_of(ynode_get(it, "action"));
		if (!act) {
			bad(c, it, "%s.action: Required value", path);
		} else if (!strcmp(act, "Deny")) {
			r->action = TACT_DENY;
		} else if (!strcmp(act, "Pass") && !c->banp) {
			r->action = TACT_PASS;
		} else if (!strcmp(act, c->v2 ? "Accept" : "Allow")) {
			r->action = TACT_ALLOW;
		} else {
			bad(c, key_or(it, "action", it),
			    "%s.action: Unsupported value: \"%s\": supported values: %s", path, act,
			    c->v2 ? "\"Accept\", \"Deny\", \"Pass\""
				  : c->banp ? "\"Allow\", \"Deny\"" : "\"Allow\", \"Deny\", \"Pass\"");
		}
		const char *pp = arena_printf(c->m->arena, "%s.%s", path, peers_key);
		if (!present(it, peers_key))
			bad(c, it, "%s: Required value", pp);
		const struct ynode *peers = list_of(c, it, peers_key, pp, c->lim);
		if (peers && peers->n) {
			r->peers = ARENA_ARRAY(c->m->arena, struct tpeer, peers->n);
			for (size_t j = 0; j < peers->n; j++)
				decode_peer(c, peers->kids[j],
					    arena_printf(c->m->arena, "%s[%zu]", pp, j),
					    &r->peers[r->npeers++], dir == DIR_EGRESS, false);
		}
		r->ports_given = present(it, ports_key);
		const char *portp = arena_printf(c->m->arena, "%s.%s", path, ports_key);
		const struct ynode *ports = list_of(c, it, ports_key, portp, c->v2 ? 25 : 100);
		if (ports && ports->n) {
			r->ports = ARENA_ARRAY(c->m->arena, struct tport, ports->n);
			for (size_t j = 0; j < ports->n; j++) {
				const char *one = arena_printf(c->m->arena, "%s[%zu]", portp, j);
				if (c->v2)
					decode_port_v2(c, ports->kids[j], one, &r->ports[r->nports++]);
				else
					decode_port_v1(c, ports->kids[j], one, &r->ports[r->nports++]);
			}
		}
		/* The CRD's rules across a rule's fields. */
		bool domains = false, ipish = false, named = false;
		for (size_t j = 0; j < r->npeers; j++) {
			domains |= r->peers[j].kind == TP_DOMAINS;
			ipish |= r->peers[j].kind == TP_DOMAINS || r->peers[j].kind == TP_NODES ||
				 r->peers[j].kind == TP_NETWORKS;
		}
		for (size_t j = 0; j < r->nports; j++)
			named |= r->ports[j].name != NULL;
		if (domains && act && r->action != TACT_ALLOW)
			bad(c, it, "%s: Invalid value: \"object\": domainNames peer is only allowed in %s rules",
			    path, c->v2 ? "Accept" : "Allow");
		if (dir == DIR_EGRESS && ipish && named)
			bad(c, it, "%s: Invalid value: \"object\": networks/nodes/domainNames peer cannot be set "
				   "with namedPorts since there are no namedPorts for networks/nodes/domainNames",
			    path);
	}
}

void tiers_decode(struct model *m, struct object *o, const struct ynode *doc)
{
	const struct tkind *k = tkind_of(o->kind);
	struct tpolicy *p = ARENA_NEW(m->arena, struct tpolicy);
	struct tiers *t = tiers_of(m);
	struct tc c = { m, p, k->which == 2, k->which == 1, k->which == 2 ? 25 : 100, doc };
	p->obj = o;
	p->version = k->which == 2 ? 2 : 1;
	p->tier = k->which == 1 ? TIER_BASELINE : TIER_ADMIN;
	XGROW(t->pol, t->pol_cap, t->npol + 1);
	t->pol[t->npol++] = p;

	/* An apiVersion of the group that does not serve this kind (kubectl's words). */
	const char *slash = o->api_version ? strchr(o->api_version, '/') : NULL;
	if (!slash || strcmp(slash + 1, k->version)) {
		const struct ynode *at = ynode_get(doc, "apiVersion");
		diag_report(m->diag, RULE_INVALID_SPEC, &(at ? at : doc)->pos, &o->dobj,
			    "no matches for kind \"%s\" in version \"%s\"", o->kind,
			    o->api_version ? o->api_version : "");
		p->invalid = true;
		return;
	}
	t->versions[p->version] = true;
	k8s_check_tier_schema(m, o, doc, k->which);
	if (o->invalid)
		p->invalid = true;

	const struct ynode *meta = ynode_get(doc, "metadata");
	if (!o->name) {
		bad(&c, meta, "metadata.name: Required value: name or generateName is required");
	} else {
		/* The name's syntax is checked in tiers_finish: pcre2 runs on one thread. */
		if (c.banp && strcmp(o->name, "default"))
			bad(&c, o->name_node,
			    "<nil>: Invalid value: \"object\": Only one baseline admin network policy with "
			    "metadata.name=\"default\" can be created in the cluster");
	}
	const struct ynode *spec = ynode_get(doc, "spec");
	if (!spec || spec->kind != YN_MAP) {
		if (!spec || ynode_is_null(spec))
			bad(&c, doc, "spec: Required value");
		p->invalid = true;
		return;
	}
	const struct ynode *spec_key = key_or(doc, "spec", spec);
	if (c.v2) {
		const char *tier = str_of(ynode_get(spec, "tier"));
		if (!tier)
			bad(&c, spec_key, "spec.tier: Required value");
		else if (!strcmp(tier, "Baseline"))
			p->tier = TIER_BASELINE;
		else if (strcmp(tier, "Admin"))
			bad(&c, key_or(spec, "tier", spec),
			    "spec.tier: Unsupported value: \"%s\": supported values: \"Admin\", \"Baseline\"",
			    tier);
	}
	if (k->which != 1) {
		p->priority_node = key_or(spec, "priority", NULL);
		int_in(&c, spec, "priority", "spec.priority", 0, 1000, true, spec_key, &p->priority);
	}
	const struct ynode *sub = ynode_get(spec, "subject");
	if (!sub || ynode_is_null(sub))
		bad(&c, spec_key, "spec.subject: Required value");
	else
		decode_peer(&c, sub, "spec.subject", &p->subject, false, true);
	decode_rules(&c, spec, DIR_INGRESS);
	decode_rules(&c, spec, DIR_EGRESS);
}

/* ---- Nodes ---- */

void tiers_decode_node(struct model *m, struct object *o, const struct ynode *doc)
{
	struct tiers *t = tiers_of(m);
	struct node *n = ARENA_NEW(m->arena, struct node);
	n->obj = o;
	n->labels = o->labels;
	const struct ynode *addrs = ynode_path(doc, "status.addresses");
	if (addrs && addrs->kind == YN_SEQ && addrs->n) {
		n->ips = ARENA_ARRAY(m->arena, struct ip_addr, addrs->n);
		for (size_t i = 0; i < addrs->n; i++) {
			const char *s = str_of(ynode_get(addrs->kids[i], "address"));
			struct ip_addr a;
			if (!s || ip_parse(s, false, &a.family, &a.addr))
				continue; /* a Hostname entry */
			a.text = arena_strdup(m->arena, s);
			n->ips[n->nips++] = a;
		}
	}
	XGROW(t->nodes, t->nodes_cap, t->nnodes + 1);
	t->nodes[t->nnodes++] = n;
}

/* ---- evaluation order ---- */

static int order_cmp(const void *pa, const void *pb)
{
	const struct tpolicy *a = *(const struct tpolicy *const *)pa;
	const struct tpolicy *b = *(const struct tpolicy *const *)pb;
	if (a->tier != b->tier)
		return a->tier == TIER_ADMIN ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	/* Ties at one priority: by name, as Calico orders them (TIERS.md §10). */
	int c = strcmp(a->obj->name ? a->obj->name : "", b->obj->name ? b->obj->name : "");
	if (c)
		return c;
	return strcmp(a->obj->kind, b->obj->kind);
}

void tiers_finish(struct model *m)
{
	struct tiers *t = m->tiers;
	if (!t)
		return;
	t->order = ARENA_ARRAY(m->arena, struct tpolicy *, t->npol ? t->npol : 1);
	for (size_t i = 0; i < t->npol; i++) {
		struct tpolicy *p = t->pol[i];
		const char *msg = p->obj->name ? validate_dns1123_subdomain(p->obj->name) : NULL;
		if (msg) {
			const struct ynode *at = p->obj->name_node ? p->obj->name_node : p->obj->node;
			diag_report(m->diag, RULE_INVALID_SPEC, &at->pos, &p->obj->dobj,
				    "metadata.name: Invalid value: \"%s\": %s", p->obj->name, msg);
			p->invalid = true;
		}
		if (t->pol[i]->obj->invalid)
			t->pol[i]->invalid = true;
		if (!t->pol[i]->invalid)
			t->order[t->norder++] = t->pol[i];
	}
	if (t->norder > 1)
		qsort(t->order, t->norder, sizeof(*t->order), order_cmp);
	for (size_t i = 0; i < t->norder; i++)
		t->order[i]->order = i;
}

/* ---- the heap arrays, across parts (load.c) and at model_free ---- */

void tiers_merge(struct model *dst, struct model *src)
{
	struct tiers *s = src->tiers;
	if (!s)
		return;
	struct tiers *d = tiers_of(dst);
	XGROW(d->pol, d->pol_cap, d->npol + s->npol);
	for (size_t i = 0; i < s->npol; i++)
		d->pol[d->npol++] = s->pol[i];
	XGROW(d->nodes, d->nodes_cap, d->nnodes + s->nnodes);
	for (size_t i = 0; i < s->nnodes; i++)
		d->nodes[d->nnodes++] = s->nodes[i];
	for (int v = 0; v < 3; v++)
		d->versions[v] |= s->versions[v];
}

void tiers_release(struct model *m)
{
	if (!m->tiers)
		return;
	free(m->tiers->pol);
	free(m->tiers->nodes);
	m->tiers->pol = NULL;
	m->tiers->nodes = NULL;
	m->tiers->npol = m->tiers->nnodes = m->tiers->pol_cap = m->tiers->nodes_cap = 0;
}

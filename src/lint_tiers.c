/* Lint rules for the policy tiers (TIERS.md §6, §7): shadowed rules, ties at one
 * priority, Pass that means allow, networks over cluster addresses, OVN-Kubernetes's
 * priority range, mixed API versions, and peers that cannot be evaluated offline. */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"
#include "tiers.h"

/* Is every member of b in a? */
static bool epset_covers(const struct epset *a, const struct epset *b, size_t nep)
{
	EPSET_FOREACH(b, nep, i)
		if (!epset_has(a, i))
			return false;
	return true;
}

static bool epset_meets(const struct epset *a, const struct epset *b, size_t nep)
{
	EPSET_FOREACH(b, nep, i)
		if (epset_has(a, i))
			return true;
	return false;
}

static bool ipset_covers(const struct ipset *a, const struct ipset *b)
{
	struct ipset x;
	ipset_init(&x, b->family);
	ipset_copy(&x, b);
	ipset_subtract(&x, a);
	bool ok = ipset_is_empty(&x);
	ipset_release(&x);
	return ok;
}

static bool connset_covers(const struct connset *a, const struct connset *b)
{
	struct connset x;
	connset_init(&x);
	connset_copy(&x, b);
	connset_subtract(&x, a);
	bool ok = connset_is_empty(&x);
	connset_release(&x);
	return ok;
}

/* The index of p in the evaluation order (its subject epset). */
static size_t order_index(const struct tiers *t, const struct tpolicy *p)
{
	(void)t;
	return p->order;
}

static bool matches_nothing(const struct strule *r)
{
	return r->eps.n == 0 && ipset_is_empty(&r->ip[0]) && ipset_is_empty(&r->ip[1]);
}

/* Does e decide first for everything r matches, wherever r applies? */
static bool shadows(const struct lint_ctx *c, const struct strule *e, size_t ei,
		    const struct strule *r, size_t ri)
{
	const struct tier_solver *ts = c->s.tiers;
	if (e->dir != r->dir || e->tp->tier != r->tp->tier)
		return false;
	if (e->nnamed || r->nnamed)
		return false; /* ports that depend on the destination: not judged */
	/* The cheap tests first; the endpoint sets last. */
	return connset_covers(&e->fixed, &r->fixed) && ipset_covers(&e->ip[0], &r->ip[0]) &&
	       ipset_covers(&e->ip[1], &r->ip[1]) &&
	       (e->tp == r->tp || epset_covers(&ts->subject[ei], &ts->subject[ri], c->s.nep)) &&
	       epset_covers(&e->eps, &r->eps, c->s.nep);
}

static void shadowed_rules(struct lint_ctx *c, const struct tiers *t)
{
	const struct tier_solver *ts = c->s.tiers;
	/* Quadratic in the rules, and each test may walk endpoint sets: bounded by a budget
	 * of rule pairs weighed by the endpoints, so lint stays fast on any input. */
	if (ts->nrules > 2000)
		return;
	size_t budget = 50000000;
	for (size_t k = 0; k < ts->nrules && budget; k++) {
		const struct strule *r = &ts->rules[k];
		size_t ri = order_index(t, r->tp);
		if (matches_nothing(r) || ts->subject[ri].n == 0)
			continue;
		for (size_t j = 0; j < k && budget; j++) {
			const struct strule *e = &ts->rules[j];
			size_t cost = 1 + r->eps.n;
			budget = budget > cost ? budget - cost : 0;
			size_t ei = order_index(t, e->tp);
			/* Ties are taken in name order, but no implementation promises it. */
			if (e->tp != r->tp && e->tp->priority == r->tp->priority)
				continue;
			if (!shadows(c, e, ei, r, ri))
				continue;
			struct strbuf sb = STRBUF_INIT;
			tiers_name_rule(e, &sb);
			lint_report(c, RULE_TIER_SHADOWED_RULE, r->rule->node, r->tp->obj,
				    "%s rule %d never decides: %s decides first for every peer and "
				    "port it matches", r->dir == DIR_INGRESS ? "ingress" : "egress",
				    r->rule->index + 1, sb.buf);
			strbuf_release(&sb);
			break;
		}
	}
}

/* Do two rules of one direction meet: a common peer and a common port? */
static bool rules_meet(const struct lint_ctx *c, const struct strule *a, const struct strule *b)
{
	bool peer = epset_meets(&a->eps, &b->eps, c->s.nep) || ipset_overlaps(&a->ip[0], &b->ip[0]) ||
		    ipset_overlaps(&a->ip[1], &b->ip[1]);
	if (!peer)
		return false;
	if (a->nnamed || b->nnamed)
		return true; /* may meet on some destination's port */
	struct connset x;
	connset_init(&x);
	connset_copy(&x, &a->fixed);
	connset_intersect(&x, &b->fixed);
	bool meet = !connset_is_empty(&x);
	connset_release(&x);
	return meet;
}

static void priority_ties(struct lint_ctx *c, const struct tiers *t)
{
	const struct tier_solver *ts = c->s.tiers;
	size_t *first = xcalloc(t->norder + 1, sizeof(*first));
	for (size_t i = 0, r = 0; i < t->norder; i++) {
		first[i] = r;
		r += t->order[i]->nrules[DIR_INGRESS] + t->order[i]->nrules[DIR_EGRESS];
		first[i + 1] = r;
	}
	/* Bounded: ties among thousands of policies are compared up to a budget. */
	size_t budget = 5000000;
	for (size_t i = 0; i < t->norder && budget; i++)
		for (size_t j = i + 1; j < t->norder && budget; j++) {
			const struct tpolicy *a = t->order[i], *b = t->order[j];
			if (a->tier != b->tier || a->priority != b->priority)
				break; /* sorted by tier and priority */
			if (a->version == 1 && a->tier == TIER_BASELINE)
				continue; /* BaselineAdminNetworkPolicy: a singleton */
			if (!epset_meets(&ts->subject[i], &ts->subject[j], c->s.nep))
				continue;
			bool clash = false;
			for (size_t x = first[i]; x < first[i + 1] && !clash && budget; x++)
				for (size_t y = first[j]; y < first[j + 1] && !clash && budget; y++) {
					budget--;
					const struct strule *ra = &ts->rules[x], *rb = &ts->rules[y];
					clash = ra->dir == rb->dir && ra->rule->action != rb->rule->action &&
						rules_meet(c, ra, rb);
				}
			if (!clash)
				continue;
			struct strbuf sb = STRBUF_INIT;
			tiers_name_policy(a, &sb);
			lint_report(c, RULE_TIER_PRIORITY_TIE, b->priority_node, b->obj,
				    "same priority %lld as %s, with rules that match the same "
				    "connections and decide otherwise: which applies depends on the "
				    "implementation (npcheck takes them in name order)",
				    b->priority, sb.buf);
			strbuf_release(&sb);
		}
	free(first);
}

/* An admin Pass where, for every pod it applies to, no NetworkPolicy isolates the
 * direction and no baseline rule of that direction applies: the Pass allows. */
static void pass_allows(struct lint_ctx *c, const struct tiers *t)
{
	const struct tier_solver *ts = c->s.tiers;
	size_t budget = 50000000; /* rules visited, over all Pass rules */
	for (size_t k = 0; k < ts->nrules && budget; k++) {
		const struct strule *r = &ts->rules[k];
		if (r->tp->tier != TIER_ADMIN || r->rule->action != TACT_PASS || matches_nothing(r))
			continue;
		const struct epset *sub = &ts->subject[order_index(t, r->tp)];
		if (!sub->n)
			continue;
		bool decided = false;
		EPSET_FOREACH(sub, c->s.nep, e) {
			if (c->s.eps[e].isolated[r->dir]) {
				decided = true;
				break;
			}
			struct tier_iter it;
			const struct strule *b;
			tier_iter_init(&it, &c->s, e, r->dir);
			while (!decided && budget && (b = tier_iter_next(&it))) {
				decided = b->tp->tier == TIER_BASELINE;
				budget--;
			}
			if (decided)
				break;
		}
		if (!decided && budget)
			lint_report(c, RULE_TIER_PASS_ALLOWS, r->rule->node, r->tp->obj,
				    "Pass in %s rule %d allows: no NetworkPolicy isolates and no "
				    "baseline rule applies to the pods it selects in this direction",
				    r->dir == DIR_INGRESS ? "ingress" : "egress", r->rule->index + 1);
	}
}

static bool cidr_holds(const struct cidr *c, int family, u128 a)
{
	return c->family == family && a >= c->lo && a <= c->hi;
}

/* networks CIDRs over pod IPs and node addresses, and domainNames. */
static void peers(struct lint_ctx *c, const struct tpolicy *p)
{
	const struct tiers *t = c->m->tiers;
	for (int d = 0; d < DIR__COUNT; d++)
		for (size_t r = 0; r < p->nrules[d]; r++)
			for (size_t k = 0; k < p->rules[d][r].npeers; k++) {
				const struct tpeer *pe = &p->rules[d][r].peers[k];
				if (pe->kind == TP_DOMAINS)
					lint_report(c, RULE_TIER_OFFLINE_PEER, pe->node, p->obj,
						    "domainNames cannot be resolved offline: npcheck "
						    "takes the peer as matching nothing");
				for (size_t n = 0; n < pe->nnets; n++) {
					const struct cidr *cd = &pe->nets[n];
					const char *what = NULL;
					for (size_t i = 0; i < c->s.nips && !what; i++)
						if (cidr_holds(cd, c->s.ips[i].family, c->s.ips[i].addr))
							what = c->s.ips[i].endpoint->display;
					for (size_t i = 0; t && i < t->nnodes && !what; i++)
						for (size_t a = 0; a < t->nodes[i]->nips && !what; a++)
							if (cidr_holds(cd, t->nodes[i]->ips[a].family,
								       t->nodes[i]->ips[a].addr))
								what = arena_printf(c->arena, "node %s",
										    t->nodes[i]->obj->name);
					if (what)
						lint_report(c, RULE_TIER_NETWORKS_IN_CLUSTER, pe->node, p->obj,
							    "networks %s holds the address of %s: networks "
							    "match pods and nodes too, not only traffic leaving "
							    "the cluster", pe->net_text[n], what);
				}
			}
}

/* A baseline policy with rules of a direction in which a NetworkPolicy isolates every
 * pod it selects: NetworkPolicy is final there, so those rules are never reached. */
static void baseline_overridden(struct lint_ctx *c, const struct tiers *t)
{
	const struct tier_solver *ts = c->s.tiers;
	for (size_t i = 0; i < t->norder; i++) {
		const struct tpolicy *p = t->order[i];
		const struct epset *sub = &ts->subject[i];
		if (p->tier != TIER_BASELINE || !sub->n)
			continue;
		for (int d = 0; d < DIR__COUNT; d++) {
			if (!p->nrules[d])
				continue;
			bool reached = false;
			EPSET_FOREACH(sub, c->s.nep, e) {
				if (!c->s.eps[e].isolated[d]) {
					reached = true;
					break;
				}
			}
			if (reached)
				continue;
			const struct ynode *at = p->rules[d][0].node;
			lint_report(c, RULE_TIER_BASELINE_OVERRIDDEN, at, p->obj,
				    "the %s rules of this baseline policy are never reached: a "
				    "NetworkPolicy isolates every pod it selects for %s, and "
				    "NetworkPolicy is final", d == DIR_INGRESS ? "ingress" : "egress",
				    d == DIR_INGRESS ? "ingress" : "egress");
		}
	}
}

/* A named port that no destination declares: the pods the policy selects (ingress) or
 * those the rule's peers match (egress). */
static void named_ports(struct lint_ctx *c, const struct tiers *t)
{
	const struct tier_solver *ts = c->s.tiers;
	const struct model *m = c->m;
	for (size_t k = 0; k < ts->nrules; k++) {
		const struct strule *r = &ts->rules[k];
		const struct epset *dests = r->dir == DIR_INGRESS ? &ts->subject[r->tp->order] : &r->eps;
		if (!r->nnamed || !dests->n)
			continue;
		for (size_t i = 0; i < r->nnamed; i++) {
			const struct tport *pt = r->named[i];
			const char **names = xmalloc(sizeof(*names) * dests->n);
			size_t n = 0;
			bool found = false;
			EPSET_FOREACH(dests, m->nendpoints, e) {
				const struct endpoint *ep = m->endpoints[e];
				for (size_t j = 0; j < ep->nports && !found; j++)
					found = ep->ports[j].name && !strcmp(ep->ports[j].name, pt->name);
				names[n++] = ep->display;
			}
			if (!found) {
				struct strbuf sb = STRBUF_INIT;
				lint_add_names(&sb, names, n);
				lint_report(c, RULE_NAMED_PORT_UNRESOLVED, pt->node, r->tp->obj,
					    "named port '%s' matches no container port of %s", pt->name,
					    sb.buf);
				strbuf_release(&sb);
			}
			free(names);
		}
	}
	(void)t;
}

/* ---- cluster DNS ---- */

/* Does the peer match the cluster DNS: its pods (the configured labels in the configured
 * namespace) or its configured addresses? */
static bool peer_is_dns(const struct lint_ctx *c, const struct tpeer *pe,
			const struct labels *ns_labels, const struct labels *pod_labels)
{
	switch (pe->kind) {
	case TP_NAMESPACES:
		return selector_matches(&pe->ns_sel, ns_labels);
	case TP_PODS:
		return (!pe->ns_sel.node || selector_matches(&pe->ns_sel, ns_labels)) &&
		       selector_matches(&pe->pod_sel, pod_labels);
	case TP_NETWORKS:
		for (size_t i = 0; i < c->cfg->ndns_ips; i++)
			for (size_t n = 0; n < pe->nnets; n++)
				if (cidr_holds(&pe->nets[n], c->cfg->dns_ips[i].family,
					       c->cfg->dns_ips[i].lo))
					return true;
		return false;
	default:
		return false;
	}
}

/* Does the rule cover UDP 53 (a named port "dns" is CoreDNS's)? */
static bool covers_dns_port(const struct trule *r)
{
	if (!r->nports)
		return true;
	for (size_t i = 0; i < r->nports; i++) {
		const struct tport *pt = &r->ports[i];
		if (pt->name ? !strcmp(pt->name, "dns")
			     : pt->proto == PROTO_UDP && pt->lo <= 53 && pt->hi >= 53)
			return true;
	}
	return false;
}

/* The first tier rule of e's egress that decides its lookups to cluster DNS on UDP 53,
 * when it denies them; else NULL. */
static const struct strule *dns_denier(struct lint_ctx *c, size_t e, const struct labels *nsl,
				       const struct labels *podl)
{
	struct tier_iter it;
	const struct strule *r;
	int tier = TIER_ADMIN;
	tier_iter_init(&it, &c->s, e, DIR_EGRESS);
	while ((r = tier_iter_next(&it))) {
		if (r->tp->tier == TIER_BASELINE && tier == TIER_ADMIN) {
			/* No admin rule decided: NetworkPolicy does if it isolates. */
			if (c->s.eps[e].isolated[DIR_EGRESS])
				return NULL;
			tier = TIER_BASELINE;
		}
		if ((int)r->tp->tier != tier || !covers_dns_port(r->rule))
			continue;
		bool hit = false;
		for (size_t k = 0; k < r->rule->npeers && !hit; k++)
			hit = peer_is_dns(c, &r->rule->peers[k], nsl, podl);
		if (!hit)
			continue;
		if (r->rule->action == TACT_DENY)
			return r;
		if (r->rule->action == TACT_ALLOW || tier == TIER_BASELINE)
			return NULL;
		/* An admin Pass: NetworkPolicy decides if it isolates (missing-dns-egress
		 * speaks for it), else the baseline. */
		if (c->s.eps[e].isolated[DIR_EGRESS])
			return NULL;
		tier = TIER_BASELINE;
	}
	return NULL;
}

static void dns_cut(struct lint_ctx *c, const struct tiers *t)
{
	const struct model *m = c->m;
	const struct config *cfg = c->cfg;
	const struct namespace *ns = model_namespace(m, cfg->dns_namespace);
	struct kv own = { "kubernetes.io/metadata.name", cfg->dns_namespace, NULL };
	struct labels nsl = ns ? ns->labels : (struct labels){ &own, 1 };
	struct labels podl = { xcalloc(cfg->ndns_labels + 1, sizeof(struct kv)), 0 };
	for (size_t i = 0; i < cfg->ndns_labels; i++)
		podl.kv[podl.n++] = (struct kv){ cfg->dns_label_keys[i], cfg->dns_label_values[i], NULL };
	struct lint_list *by = xcalloc(c->s.tiers->nrules, sizeof(*by));
	for (size_t e = 0; e < m->nendpoints; e++) {
		const struct endpoint *ep = m->endpoints[e];
		if (!strcmp(ep->ns, cfg->dns_namespace) && selector_matches(&(struct selector){
			    .node = NULL, .ml = podl.kv, .nml = podl.n }, &ep->labels))
			continue; /* the DNS pods themselves */
		const struct strule *r = dns_denier(c, e, &nsl, &podl);
		if (r)
			lint_list_add(c, &by[r - c->s.tiers->rules], "'%s'", ep->display);
	}
	for (size_t k = 0; k < c->s.tiers->nrules; k++) {
		if (!by[k].n)
			continue;
		const struct strule *r = &c->s.tiers->rules[k];
		struct strbuf sb = STRBUF_INIT, sel = STRBUF_INIT;
		lint_list_format(&by[k], &sb);
		for (size_t i = 0; i < podl.n; i++)
			strbuf_addf(&sel, "%s%s=%s", i ? "," : "", podl.kv[i].key, podl.kv[i].val);
		lint_report(c, RULE_TIER_DENIES_DNS, r->rule->node, r->tp->obj,
			    "egress rule %d denies cluster DNS on UDP port 53 (pods '%s' in namespace "
			    "'%s') for %s, before anything allows it", r->rule->index + 1,
			    sel.buf, cfg->dns_namespace, sb.buf);
		strbuf_release(&sb);
		strbuf_release(&sel);
	}
	(void)t;
	free(by);
	free(podl.kv);
}

/* unknown-label-value for the tiers' pod selectors: one finding per selector, naming
 * the first endpoint concerned. */
struct unknown_at {
	struct lint_ctx *c;
	const struct endpoint *e;
	const struct ynode **seen;
	size_t nseen, cap;
};

static void on_unknown(void *ctx, const char *key, const struct tpolicy *p, const struct ynode *at)
{
	struct unknown_at *u = ctx;
	for (size_t i = 0; i < u->nseen; i++)
		if (u->seen[i] == at)
			return;
	XGROW(u->seen, u->cap, u->nseen + 1);
	u->seen[u->nseen++] = at;
	lint_report(u->c, RULE_UNKNOWN_LABEL_VALUE, at, p->obj,
		    "'%s' is set by the controller of '%s' at run time: whether this selector "
		    "matches its pods is unknown offline (taken as none of the values written "
		    "here)", key, u->e->display);
}

static void unknown_labels(struct lint_ctx *c)
{
	struct unknown_at u = { c, NULL, NULL, 0, 0 };
	for (size_t i = 0; i < c->m->nendpoints && u.nseen < 10000; i++) {
		u.e = c->m->endpoints[i];
		tiers_unknown_deps(c->m, u.e, on_unknown, &u);
	}
	free(u.seen);
}

void lint_tiers_run(struct lint_ctx *c)
{
	const struct tiers *t = c->m->tiers;
	if (!t)
		return;
	const struct tpolicy *first[3] = { NULL, NULL, NULL };
	for (size_t i = 0; i < t->npol; i++) {
		const struct tpolicy *p = t->pol[i];
		if (p->invalid)
			continue;
		if (!first[p->version])
			first[p->version] = p;
		/* OVN-Kubernetes creates AdminNetworkPolicies of priority 0-99 only. */
		if (p->version == 1 && p->tier == TIER_ADMIN && p->priority > 99)
			lint_report(c, RULE_TIER_PRIORITY_RANGE, p->priority_node, p->obj,
				    "priority %lld is above 99: OVN-Kubernetes does not create such an "
				    "AdminNetworkPolicy", p->priority);
		peers(c, p);
	}
	if (first[1] && first[2]) {
		/* Reported at the first object of the version that came second in input order
		 * (t->pol is in input order). */
		const struct tpolicy *other = NULL, *later;
		for (size_t i = 0; i < t->npol && !other; i++)
			if (t->pol[i] == first[1] || t->pol[i] == first[2])
				other = t->pol[i];
		later = other == first[1] ? first[2] : first[1];
		lint_report(c, RULE_TIER_MIXED_VERSIONS, NULL, later->obj,
			    "%s (%s) beside %s (%s, first '%s'): no implementation defines an "
			    "order between the two versions", later->obj->kind, later->obj->api_version,
			    other->obj->kind, other->obj->api_version,
			    other->obj->name ? other->obj->name : "?");
	}
	unknown_labels(c);
	if (!c->s.tiers)
		return;
	shadowed_rules(c, t);
	priority_ties(c, t);
	pass_allows(c, t);
	baseline_overridden(c, t);
	named_ports(c, t);
	dns_cut(c, t);
}

bool lint_tier_default_deny(const struct lint_ctx *c, size_t e, enum direction d)
{
	const struct tier_solver *ts = c->s.tiers;
	if (!ts)
		return false;
	/* A baseline Deny of every pod on every port: the cluster-wide default deny. */
	struct tier_iter it;
	const struct strule *r;
	tier_iter_init(&it, &c->s, e, d);
	while ((r = tier_iter_next(&it))) {
		if (r->tp->tier == TIER_BASELINE && r->rule->action == TACT_DENY &&
		    r->eps.n == c->s.nep && connset_is_all(&r->fixed))
			return true;
	}
	return false;
}

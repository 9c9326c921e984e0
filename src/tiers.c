/* The tier walk of TIERS.md §2: per direction, admin rules by priority and rule order,
 * then NetworkPolicy, then baseline, then allowed; Allow, Deny and Pass, first match. */
#include <stdlib.h>
#include <string.h>

#include "tiers.h"

/* ---- endpoint sets ---- */

/* A bitset over the endpoints, turned into an epset (sorted indexes when sparse). */
static void bits_finish(const struct solver *s, uint64_t *bits, struct epset *out)
{
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	for (size_t w = 0; w < s->words; w++)
		n += (size_t)__builtin_popcountll(bits[w]);
	out->n = n;
	if (n * 32 >= s->nep && s->nep) {
		out->bits = bits;
		return;
	}
	out->idx = xmalloc(sizeof(uint32_t) * (n ? n : 1));
	size_t k = 0;
	for (size_t i = 0; i < s->nep; i++)
		if ((bits[i / 64] >> (i % 64)) & 1)
			out->idx[k++] = (uint32_t)i;
	free(bits);
}

static void set_bit(uint64_t *bits, size_t i)
{
	bits[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Pods in namespaces matching ns_sel (absent: every namespace) whose labels match
 * pod_sel (NULL: every pod). Subjects and pod peers never match hostNetwork pods, which
 * are no endpoints. */
static void add_pods(const struct solver *s, const struct selector *ns_sel,
		     const struct selector *pod_sel, uint64_t *bits)
{
	const struct model *m = s->m;
	for (size_t n = 0; n < m->nnamespaces; n++) {
		if (s->ns_range[n][0] >= s->ns_range[n][1])
			continue;
		if (ns_sel->node && !selector_matches(ns_sel, &m->namespaces[n]->labels))
			continue;
		for (size_t i = s->ns_range[n][0]; i < s->ns_range[n][1]; i++)
			if (!pod_sel || selector_matches(pod_sel, &m->endpoints[i]->labels))
				set_bit(bits, i);
	}
}

static bool cidr_holds(const struct cidr *c, int family, u128 addr)
{
	return c->family == family && addr >= c->lo && addr <= c->hi;
}

/* The endpoints one peer matches: networks match pods by their IPs too (TIERS.md §4:
 * "cluster-internal traffic will be checked against the rule as well"). */
static void peer_eps(const struct solver *s, const struct tpeer *pe, uint64_t *bits)
{
	switch (pe->kind) {
	case TP_NAMESPACES:
		add_pods(s, &pe->ns_sel, NULL, bits);
		break;
	case TP_PODS:
		add_pods(s, &pe->ns_sel, &pe->pod_sel, bits);
		break;
	case TP_NETWORKS:
		for (size_t k = 0; k < s->nips; k++)
			for (size_t c = 0; c < pe->nnets && s->ips[k].ep != SIZE_MAX; c++)
				if (cidr_holds(&pe->nets[c], s->ips[k].family, s->ips[k].addr))
					set_bit(bits, s->ips[k].ep);
		break;
	case TP_NODES:   /* node addresses: hostNetwork pods are no endpoints */
	case TP_DOMAINS: /* not resolvable offline: matches nothing (fail closed) */
	case TP_NONE:
		break;
	}
}

static void peer_ips(const struct model *m, const struct tpeer *pe, struct ipset ip[2])
{
	if (pe->kind == TP_NETWORKS) {
		for (size_t c = 0; c < pe->nnets; c++)
			ipset_add_range(&ip[pe->nets[c].family == AF_V6], pe->nets[c].lo, pe->nets[c].hi);
	} else if (pe->kind == TP_NODES && m->tiers) {
		for (size_t n = 0; n < m->tiers->nnodes; n++) {
			const struct node *nd = m->tiers->nodes[n];
			if (nd->obj->invalid || !selector_matches(&pe->node_sel, &nd->labels))
				continue;
			for (size_t k = 0; k < nd->nips; k++)
				ipset_add_range(&ip[nd->ips[k].family == AF_V6], nd->ips[k].addr,
						nd->ips[k].addr);
		}
	}
}

static void build_rule(const struct solver *s, struct strule *r)
{
	const struct trule *tr = r->rule;
	uint64_t *bits = xcalloc(s->words ? s->words : 1, sizeof(uint64_t));
	ipset_init(&r->ip[0], AF_V4);
	ipset_init(&r->ip[1], AF_V6);
	for (size_t j = 0; j < tr->npeers; j++) {
		peer_eps(s, &tr->peers[j], bits);
		peer_ips(s->m, &tr->peers[j], r->ip);
	}
	bits_finish(s, bits, &r->eps);
	connset_init(&r->fixed);
	if (!tr->nports) {
		connset_add_all(&r->fixed);
		return;
	}
	r->named = xcalloc(tr->nports, sizeof(*r->named));
	for (size_t j = 0; j < tr->nports; j++) {
		const struct tport *pt = &tr->ports[j];
		if (pt->name)
			r->named[r->nnamed++] = pt;
		else if (pt->proto >= 0 && pt->lo <= pt->hi)
			connset_add(&r->fixed, pt->proto, pt->lo, pt->hi);
	}
}

void tiers_solver_init(struct solver *s)
{
	const struct tiers *t = s->m->tiers;
	s->tiers = NULL;
	if (!t || !t->norder)
		return;
	struct tier_solver *ts = xcalloc(1, sizeof(*ts));
	size_t n = 0;
	for (size_t i = 0; i < t->norder; i++)
		n += t->order[i]->nrules[DIR_INGRESS] + t->order[i]->nrules[DIR_EGRESS];
	ts->rules = xcalloc(n ? n : 1, sizeof(*ts->rules));
	ts->subject = xcalloc(t->norder, sizeof(*ts->subject));
	ts->first = xcalloc(t->norder, sizeof(*ts->first));
	ts->of = xcalloc(s->nep ? s->nep : 1, sizeof(*ts->of));
	ts->nof = xcalloc(s->nep ? s->nep : 1, sizeof(*ts->nof));
	ts->has = xcalloc(s->nep ? s->nep : 1, sizeof(*ts->has));
	size_t *caps = xcalloc(s->nep ? s->nep : 1, sizeof(size_t));
	for (size_t i = 0; i < t->norder; i++) {
		const struct tpolicy *p = t->order[i];
		for (int d = 0; d < DIR__COUNT; d++) {
			ts->first[i][d] = ts->nrules;
			for (size_t r = 0; r < p->nrules[d]; r++) {
				struct strule *sr = &ts->rules[ts->nrules++];
				sr->tp = p;
				sr->rule = &p->rules[d][r];
				sr->dir = (enum direction)d;
				build_rule(s, sr);
			}
		}
		uint64_t *bits = xcalloc(s->words ? s->words : 1, sizeof(uint64_t));
		if (p->subject.kind == TP_NAMESPACES || p->subject.kind == TP_PODS)
			peer_eps(s, &p->subject, bits);
		bits_finish(s, bits, &ts->subject[i]);
		if (!p->nrules[DIR_INGRESS] && !p->nrules[DIR_EGRESS])
			continue;
		/* Policies come in evaluation order, so each endpoint's list is too. */
		EPSET_FOREACH(&ts->subject[i], s->nep, e) {
			XGROW(ts->of[e], caps[e], ts->nof[e] + 1);
			ts->of[e][ts->nof[e]++] = (uint32_t)i;
			for (int d = 0; d < DIR__COUNT; d++)
				ts->has[e][d] |= p->nrules[d] != 0;
		}
	}
	free(caps);
	s->tiers = ts;
}

void tiers_solver_free(struct solver *s)
{
	struct tier_solver *ts = s->tiers;
	if (!ts)
		return;
	for (size_t i = 0; i < ts->nrules; i++) {
		struct strule *r = &ts->rules[i];
		free(r->eps.bits);
		free(r->eps.idx);
		ipset_release(&r->ip[0]);
		ipset_release(&r->ip[1]);
		connset_release(&r->fixed);
		free(r->named);
	}
	free(ts->rules);
	for (size_t i = 0; i < s->m->tiers->norder; i++) {
		free(ts->subject[i].bits);
		free(ts->subject[i].idx);
	}
	free(ts->subject);
	free(ts->first);
	for (size_t e = 0; e < s->nep; e++)
		free(ts->of[e]);
	free(ts->of);
	free(ts->nof);
	free(ts->has);
	free(ts);
	s->tiers = NULL;
}

bool tiers_apply(const struct solver *s, const struct sref *self, enum direction dir)
{
	return s->tiers && self->ep && s->tiers->has[self->ep->index][dir];
}

void tier_iter_init(struct tier_iter *it, const struct solver *s, size_t e, enum direction d)
{
	it->s = s;
	it->e = e;
	it->d = d;
	it->k = 0;
	it->r = 0;
}

const struct strule *tier_iter_next(struct tier_iter *it)
{
	const struct tier_solver *ts = it->s->tiers;
	if (!ts)
		return NULL;
	const struct tiers *t = it->s->m->tiers;
	while (it->k < ts->nof[it->e]) {
		size_t pi = ts->of[it->e][it->k];
		if (it->r < t->order[pi]->nrules[it->d])
			return &ts->rules[ts->first[pi][it->d] + it->r++];
		it->k++;
		it->r = 0;
	}
	return NULL;
}

bool tiers_rule_matches(const struct strule *r, const struct sref *peer)
{
	if (peer->ep)
		return epset_has(&r->eps, (size_t)peer->ep->index);
	return ipset_holds_range(&r->ip[peer->family == AF_V6], peer->lo, peer->hi);
}

void tiers_rule_ports(const struct strule *r, const struct sref *dst, struct connset *out)
{
	connset_copy(out, &r->fixed);
	/* A named port is the destination pod's container port of that name, with its
	 * protocol (TIERS.md §3.1, §4); an address has none. */
	if (!dst->ep)
		return;
	for (size_t i = 0; i < r->nnamed; i++)
		for (size_t j = 0; j < dst->ep->nports; j++) {
			const struct container_port *cp = &dst->ep->ports[j];
			if (cp->name && cp->proto >= 0 && !strcmp(cp->name, r->named[i]->name))
				connset_add(out, cp->proto, cp->port, cp->port);
		}
}

/* ---- the walk ---- */

struct walk {
	struct tier_decision **dec;
	size_t *ndec, cap;
	/* Ports an admin Pass handed down, by rule. */
	const struct strule **pass;
	struct connset *passed;
	size_t npass;
};

static void record(struct walk *w, enum tier_step step, const struct strule *r, bool allows,
		   const struct connset *c)
{
	if (!w->dec || connset_is_empty(c))
		return;
	struct connset rest;
	connset_init(&rest);
	connset_copy(&rest, c);
	/* Split by the Pass that brought each part here, if any. */
	for (size_t i = 0; i <= w->npass && !connset_is_empty(&rest); i++) {
		struct connset part;
		connset_init(&part);
		connset_copy(&part, &rest);
		if (i < w->npass && step != TSTEP_ADMIN)
			connset_intersect(&part, &w->passed[i]);
		else if (i < w->npass)
			connset_clear(&part);
		if (connset_is_empty(&part)) {
			connset_release(&part);
			continue;
		}
		connset_subtract(&rest, &part);
		XGROW(*w->dec, w->cap, *w->ndec + 1);
		struct tier_decision *d = &(*w->dec)[(*w->ndec)++];
		memset(d, 0, sizeof(*d));
		d->step = step;
		d->rule = r;
		d->allows = allows;
		d->passed = i < w->npass;
		d->pass = i < w->npass ? w->pass[i] : NULL;
		d->conns = part;
	}
	connset_release(&rest);
}

/* Another policy of the same tier and priority whose first matching rule for these
 * ports has another outcome: the implementation may apply either (TIERS.md §2). */
static const struct tpolicy *tie_with(const struct solver *s, size_t self, enum direction d,
				      const struct strule *r, const struct sref *other,
				      const struct sref *dst, const struct connset *c)
{
	struct connset x;
	struct tier_iter it;
	const struct strule *o;
	connset_init(&x);
	const struct tpolicy *found = NULL;
	const struct tpolicy *seen = NULL;
	tier_iter_init(&it, s, self, d);
	while (!found && (o = tier_iter_next(&it))) {
		if (o->tp == r->tp || o->tp->tier != r->tp->tier || o->tp->priority != r->tp->priority)
			continue;
		if (o->tp == seen || !tiers_rule_matches(o, other))
			continue;
		tiers_rule_ports(o, dst, &x);
		connset_intersect(&x, c);
		if (connset_is_empty(&x))
			continue;
		seen = o->tp; /* its first matching rule decides within it */
		if (o->rule->action != r->rule->action)
			found = o->tp;
	}
	connset_release(&x);
	return found;
}

/* One tier's rules over the undecided ports: Allow adds to out, Deny drops, Pass hands
 * down (into *passed). */
static void walk_tier(const struct solver *s, enum tier tier, const struct sref *self,
		      enum direction d, const struct sref *other, const struct sref *dst,
		      struct connset *undecided, struct connset *out, struct walk *w, bool admin)
{
	struct connset c;
	struct tier_iter it;
	const struct strule *r;
	if (!s->tiers || !self->ep)
		return;
	connset_init(&c);
	tier_iter_init(&it, s, (size_t)self->ep->index, d);
	while (!connset_is_empty(undecided) && (r = tier_iter_next(&it))) {
		if (r->tp->tier != tier || !tiers_rule_matches(r, other))
			continue;
		tiers_rule_ports(r, dst, &c);
		connset_intersect(&c, undecided);
		if (connset_is_empty(&c))
			continue;
		connset_subtract(undecided, &c);
		size_t before = w->ndec ? *w->ndec : 0;
		switch (r->rule->action) {
		case TACT_ALLOW:
			connset_union(out, &c);
			record(w, admin ? TSTEP_ADMIN : TSTEP_BASELINE, r, true, &c);
			break;
		case TACT_DENY:
			record(w, admin ? TSTEP_ADMIN : TSTEP_BASELINE, r, false, &c);
			break;
		case TACT_PASS:
			if (admin) {
				/* Every remaining admin rule is skipped for these ports: they go on
				 * to NetworkPolicy. */
				w->pass = xrealloc(w->pass, sizeof(*w->pass) * (w->npass + 1));
				w->passed = xrealloc(w->passed, sizeof(*w->passed) * (w->npass + 1));
				w->pass[w->npass] = r;
				connset_init(&w->passed[w->npass]);
				connset_copy(&w->passed[w->npass], &c);
				w->npass++;
			} else {
				/* A baseline Pass skips the rest of the baseline: allowed by default. */
				connset_union(out, &c);
				record(w, TSTEP_DEFAULT, r, true, &c);
			}
			break;
		}
		if (w->dec && r->rule->action != TACT_PASS) {
			const struct tpolicy *tw = tie_with(s, (size_t)self->ep->index, d, r, other,
							    dst, &c);
			for (size_t i = before; tw && i < *w->ndec; i++) {
				(*w->dec)[i].tie = true;
				(*w->dec)[i].tie_with = tw;
			}
		}
	}
	connset_release(&c);
}

/* ---- the verdict alone, port interval by port interval ---- */

static int int_cmp(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;
	return (a > b) - (a < b);
}

/*
 * The same walk without explanations, for list, matrix and diff: the rules matching the
 * other end, in order, cut each protocol's ports into intervals on which every rule
 * answers alike; each interval takes the first rule's answer. No set operation per rule,
 * so the cost is the number of matching rules times the intervals, in plain integers.
 */
/* The rules of SELF's tiers in DIR that match OTHER, in order, into *MP, with their
 * named ports resolved against DST into *PORTSP. Returns how many. */
static size_t matching_rules(const struct solver *s, enum direction dir, const struct sref *self,
			     const struct sref *other, const struct sref *dst,
			     const struct strule ***mp, struct connset **portsp)
{
	const struct strule **m = NULL;
	struct connset *ports = NULL;
	size_t n = 0, cap = 0;
	struct tier_iter it;
	const struct strule *r;

	tier_iter_init(&it, s, (size_t)self->ep->index, dir);
	while ((r = tier_iter_next(&it))) {
		if (!tiers_rule_matches(r, other))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			m = xrealloc(m, sizeof(*m) * cap);
			ports = xrealloc(ports, sizeof(*ports) * cap);
		}
		m[n] = r;
		connset_init(&ports[n]);
		if (r->nnamed)
			tiers_rule_ports(r, dst, &ports[n]);
		n++;
	}
	*mp = m;
	*portsp = ports;
	return n;
}

/* The cuts of PROTO into *CUTSP: every range start and end + 1 of the N rules M, sorted
 * and unique. Returns the number of atoms: [cuts[a], cuts[a + 1] - 1] for a < it. */
static size_t atom_cuts(const struct strule **m, const struct connset *ports, size_t n,
			int proto, int **cutsp)
{
	size_t nc = 0, ccap = 2;
	int *cuts = xmalloc(sizeof(int) * ccap);
	cuts[nc++] = PORT_MIN;
	cuts[nc++] = PORT_MAX + 1;
	for (size_t k = 0; k < n; k++) {
		const struct portset *ps = m[k]->nnamed ? &ports[k].p[proto] : &m[k]->fixed.p[proto];
		for (size_t x = 0; x < ps->n; x++) {
			if (ps->r[x].lo == PORT_MIN && ps->r[x].hi == PORT_MAX)
				continue; /* the whole range: its cuts are there already */
			XGROW(cuts, ccap, nc + 2);
			cuts[nc++] = ps->r[x].lo;
			cuts[nc++] = ps->r[x].hi + 1;
		}
	}
	if (nc > 2)
		qsort(cuts, nc, sizeof(*cuts), int_cmp);
	size_t na = 0;
	for (size_t c = 0; c < nc; c++)
		if (!na || cuts[c] != cuts[na - 1])
			cuts[na++] = cuts[c];
	*cutsp = cuts;
	return na - 1;
}

/* The verdict V of each of the NA atoms of PROTO, the admin tier first, then the
 * baseline tier on what is left (unless NetworkPolicy decides it): 0 undecided,
 * 1 allowed, 2 denied, 3 passed by an admin rule. NEXT is scratch of NA + 1. */
static void paint_atoms(const struct strule **m, const struct connset *ports, size_t n,
			int proto, const int *cuts, size_t na, bool np_isolated,
			unsigned char *v, size_t *next)
{
	for (int phase = 0; phase < 2; phase++) {
		/* next[a]: the first atom at or after a still open in this phase. */
		for (size_t a = 0; a <= na; a++)
			next[a] = a == na || v[a] == 0 || (phase && v[a] == 3) ? a : a + 1;
		if (phase && np_isolated)
			break; /* NetworkPolicy decides what the admin tier left */
		enum tier want = phase ? TIER_BASELINE : TIER_ADMIN;
		for (size_t k = 0; k < n; k++) {
			const struct strule *x = m[k];
			if (x->tp->tier != want)
				continue;
			const struct portset *ps = x->nnamed ? &ports[k].p[proto] : &x->fixed.p[proto];
			unsigned char val = x->rule->action == TACT_ALLOW ? 1
					    : x->rule->action == TACT_DENY ? 2
					    : phase ? 1 : 3;
			for (size_t q = 0; q < ps->n; q++) {
				/* The first atom starting at ps->r[q].lo (a cut). */
				size_t lo = 0, hi = na;
				while (lo < hi) {
					size_t mid = (lo + hi) / 2;
					if (cuts[mid] < ps->r[q].lo)
						lo = mid + 1;
					else
						hi = mid;
				}
				for (size_t a = lo;;) {
					/* find with path halving */
					while (next[a] != a) {
						next[a] = next[next[a]];
						a = next[a];
					}
					if (a >= na || cuts[a] > ps->r[q].hi)
						break;
					v[a] = val;
					next[a] = a + 1;
				}
			}
		}
	}
}

static void fast_direction(const struct solver *s, enum direction dir, const struct sref *self,
			   const struct sref *other, const struct sref *dst, bool np_isolated,
			   const struct connset *np, struct connset *out)
{
	const struct strule **m;
	struct connset *ports, to_np;
	size_t n = matching_rules(s, dir, self, other, dst, &m, &ports);

	connset_clear(out);
	connset_init(&to_np);
	for (int proto = 0; proto < PROTO__COUNT; proto++) {
		int *cuts;
		size_t na = atom_cuts(m, ports, n, proto, &cuts);
		unsigned char *v = xcalloc(na + 1, 1);
		size_t *next = xmalloc(sizeof(*next) * (na + 1));
		paint_atoms(m, ports, n, proto, cuts, na, np_isolated, v, next);
		for (size_t a = 0; a < na; a++) {
			int lo = cuts[a], hi = cuts[a + 1] - 1;
			if (v[a] == 3 || (v[a] == 0 && np_isolated)) {
				if (np_isolated)
					connset_add(&to_np, proto, lo, hi);
				else
					connset_add(out, proto, lo, hi); /* passed, no baseline rule: allowed */
			} else if (v[a] != 2) {
				connset_add(out, proto, lo, hi);
			}
		}
		free(v);
		free(next);
		free(cuts);
	}
	connset_intersect(&to_np, np);
	connset_union(out, &to_np);
	connset_release(&to_np);
	for (size_t k = 0; k < n; k++)
		connset_release(&ports[k]);
	free(ports);
	free(m);
}

void tiers_direction(const struct solver *s, enum direction dir, const struct sref *src,
		     const struct sref *dst, bool np_isolated, const struct connset *np,
		     struct connset *out, struct tier_decision **dec, size_t *ndec)
{
	if (!dec && s->tiers && (dir == DIR_EGRESS ? src : dst)->ep) {
		fast_direction(s, dir, dir == DIR_EGRESS ? src : dst, dir == DIR_EGRESS ? dst : src,
			       dst, np_isolated, np, out);
		return;
	}
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	const struct sref *other = dir == DIR_EGRESS ? dst : src;
	struct walk w = { dec, ndec, 0, NULL, NULL, 0 };
	struct connset undecided, c;

	if (dec) {
		*dec = NULL;
		*ndec = 0;
	}
	connset_clear(out);
	connset_init(&undecided);
	connset_init(&c);
	connset_add_all(&undecided);
	walk_tier(s, TIER_ADMIN, self, dir, other, dst, &undecided, out, &w, true);
	for (size_t i = 0; i < w.npass; i++)
		connset_union(&undecided, &w.passed[i]);
	if (np_isolated) {
		/* A NetworkPolicy that isolates the pod decides the rest: final either way. */
		connset_copy(&c, &undecided);
		connset_intersect(&c, np);
		connset_union(out, &c);
		record(&w, TSTEP_NP, NULL, true, &c);
		connset_subtract(&undecided, np);
		record(&w, TSTEP_NP, NULL, false, &undecided);
		connset_clear(&undecided);
	}
	walk_tier(s, TIER_BASELINE, self, dir, other, dst, &undecided, out, &w, false);
	connset_union(out, &undecided);
	record(&w, TSTEP_DEFAULT, NULL, true, &undecided);
	for (size_t i = 0; i < w.npass; i++)
		connset_release(&w.passed[i]);
	free(w.pass);
	free(w.passed);
	connset_release(&undecided);
	connset_release(&c);
}

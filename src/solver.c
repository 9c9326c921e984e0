/* The solver of SPEC §2: isolation per direction, rules as endpoint bitsets and address
 * sets, verdict = egress of the source ∩ ingress of the destination. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "solver.h"
#include "tiers.h"

bool solver_policy_selects(const struct policy *p, const struct endpoint *e)
{
	/* "Selects the pods to which this NetworkPolicy object applies ... in the
	 * policy's namespace"; an absent podSelector is {}; hostNetwork pods are never
	 * endpoints, so they are never selected. */
	return !strcmp(p->obj->ns, e->ns) && selector_matches(&p->pod_sel, &e->labels);
}

static bool ipblock_holds(const struct ipblock *b, int family, u128 lo, u128 hi)
{
	if (b->cidr_parsed.family != family || lo < b->cidr_parsed.lo || hi > b->cidr_parsed.hi)
		return false;
	for (size_t i = 0; i < b->nexcept; i++) {
		const struct cidr *x = &b->except_parsed[i];
		if (x->family == family && !(hi < x->lo || lo > x->hi))
			return false;
	}
	return true;
}

bool solver_peer_matches_endpoint(const struct model *m, const struct policy *p,
				  const struct peer *peer, const struct endpoint *e)
{
	if (peer->ipb) {
		/* An ipBlock matches a pod whose IP is known and inside it, as the conformance
		 * suite expects (netpol-analyzer differs here). */
		if (!peer->ipb->except_parsed && peer->ipb->nexcept)
			return false;
		for (size_t i = 0; i < e->nips; i++)
			if (ipblock_holds(peer->ipb, e->ips[i].family, e->ips[i].addr, e->ips[i].addr))
				return true;
		return false;
	}
	if (!peer->ns_sel.node) {
		/* podSelector alone: pods of the policy's own namespace. */
		return !strcmp(e->ns, p->obj->ns) && selector_matches(&peer->pod_sel, &e->labels);
	}
	/* namespaceSelector, with the podSelector ANDed when both stand in one peer. */
	const struct namespace *ns = m->namespaces[e->ns_index];
	if (!selector_matches(&peer->ns_sel, &ns->labels))
		return false;
	return !peer->pod_sel.node || selector_matches(&peer->pod_sel, &e->labels);
}

/* ---- endpoint sets ---- */

/* The first position in sorted v[0..n) whose value is not below x. */
static size_t lower_bound_u32(const uint32_t *v, size_t n, size_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool epset_has(const struct epset *s, size_t i)
{
	if (s->bits)
		return (s->bits[i / 64] >> (i % 64)) & 1;
	size_t k = lower_bound_u32(s->idx, s->n, i);
	return k < s->n && s->idx[k] == i;
}

bool epset_next(const struct epset *s, size_t nep, size_t *i, size_t *k)
{
	if (s->bits) {
		/* Word by word: a dense set over many endpoints has long runs of zeros too. */
		while (*i < nep) {
			uint64_t w = s->bits[*i / 64] >> (*i % 64);
			if (w) {
				*i += (size_t)__builtin_ctzll(w);
				return *i < nep;
			}
			*i = (*i / 64 + 1) * 64;
		}
		return false;
	}
	while (*k < s->n && s->idx[*k] < *i)
		(*k)++;
	if (*k >= s->n)
		return false;
	*i = s->idx[*k];
	return true;
}

static void epset_release(struct epset *s)
{
	free(s->bits);
	free(s->idx);
	memset(s, 0, sizeof(*s));
}

/* A growing list of endpoint indexes, turned into an epset once complete. */
struct eplist {
	uint32_t *v;
	size_t n, cap;
	bool sorted; /* appended in increasing order so far */
};

static void eplist_add(struct eplist *l, size_t i)
{
	if (l->n && l->v[l->n - 1] == i)
		return;
	if (l->n && l->v[l->n - 1] > i)
		l->sorted = false;
	XGROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = (uint32_t)i;
}

/* Add v[0, n), sorted and unique (a cached match), to l. */
static void eplist_add_all(struct eplist *l, const uint32_t *v, size_t n)
{
	if (l->n) {
		for (size_t k = 0; k < n; k++)
			eplist_add(l, v[k]);
		return;
	}
	XGROW(l->v, l->cap, n + 1);
	if (n)
		memcpy(l->v, v, sizeof(*v) * n);
	l->n = n;
}

static int u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

/* Dense sets (one member in 32 or more) become bitsets; the list is consumed. */
static void eplist_finish(const struct solver *s, struct eplist *l, struct epset *out)
{
	memset(out, 0, sizeof(*out));
	if (!l->sorted && l->n > 1) {
		qsort(l->v, l->n, sizeof(*l->v), u32_cmp);
		size_t k = 1;
		for (size_t i = 1; i < l->n; i++)
			if (l->v[i] != l->v[k - 1])
				l->v[k++] = l->v[i];
		l->n = k;
	}
	out->n = l->n;
	if (l->n * 32 >= s->nep && s->nep) {
		out->bits = xcalloc(s->words, sizeof(uint64_t));
		for (size_t i = 0; i < l->n; i++)
			out->bits[l->v[i] / 64] |= (uint64_t)1 << (l->v[i] % 64);
		free(l->v);
	} else {
		out->idx = l->v;
	}
	memset(l, 0, sizeof(*l));
	l->sorted = true;
}

/* ---- label index: (key, value) → endpoints carrying that label ---- */


struct lentry {
	const char *key, *val;
	struct eplist eps;
};

struct labelidx {
	struct lentry *t;
	size_t cap, n;
};

static uint64_t label_hash(const char *k, const char *v)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)k; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static struct lentry *lidx_slot(const struct labelidx *x, const char *k, const char *v)
{
	size_t i = (size_t)label_hash(k, v) & (x->cap - 1);
	/* Keys and values are interned where the model was loaded by one thread: mostly,
	 * equal strings are one string. */
	while (x->t[i].key && ((x->t[i].key != k && strcmp(x->t[i].key, k)) ||
			       (x->t[i].val != v && strcmp(x->t[i].val, v))))
		i = (i + 1) & (x->cap - 1);
	return &x->t[i];
}

static const struct labels *ep_labels(const struct model *m, size_t i)
{
	return &m->endpoints[i]->labels;
}

static const struct labels *ns_labels(const struct model *m, size_t i)
{
	return &m->namespaces[i]->labels;
}

/* Twice the slots, the entries moved to theirs. */
static void lidx_grow(struct labelidx *x)
{
	struct labelidx old = *x;
	x->cap *= 2;
	x->t = xcalloc(x->cap, sizeof(*x->t));
	for (size_t i = 0; i < old.cap; i++)
		if (old.t[i].key)
			*lidx_slot(x, old.t[i].key, old.t[i].val) = old.t[i];
	free(old.t);
}

/* An index of n label sets (endpoints' or namespaces'), read through get. The table is
 * sized by the distinct labels, which pods share: sized by all of them, most of it
 * would be empty memory, written once by calloc and read again by lidx_free. */
static struct labelidx *lidx_build(const struct model *m, size_t n,
				   const struct labels *(*get)(const struct model *, size_t))
{
	struct labelidx *x = xcalloc(1, sizeof(*x));
	x->cap = 64;
	x->t = xcalloc(x->cap, sizeof(*x->t));
	for (size_t i = 0; i < n; i++) {
		/* The label arrays lie far apart (each where its object was decoded): asked
		 * for ahead, their misses overlap. */
		if (i + 4 < n)
			PREFETCH(get(m, i + 4)->kv);
		const struct labels *l = get(m, i);
		for (size_t j = 0; j < l->n; j++) {
			struct lentry *e = lidx_slot(x, l->kv[j].key, l->kv[j].val);
			if (!e->key) {
				if ((x->n + 1) * 2 > x->cap) {
					lidx_grow(x);
					e = lidx_slot(x, l->kv[j].key, l->kv[j].val);
				}
				e->key = l->kv[j].key;
				e->val = l->kv[j].val;
				e->eps.sorted = true;
				x->n++;
			}
			eplist_add(&e->eps, i);
		}
	}
	return x;
}

static void lidx_free(struct labelidx *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->cap; i++)
		free(x->t[i].eps.v);
	free(x->t);
	free(x);
}

/* The shortest index list among the selector's matchLabels pairs (NULL: none to use). */
static const struct eplist *lidx_best(const struct labelidx *x, const struct selector *sel)
{
	static const struct eplist none = { NULL, 0, 0, true };
	const struct eplist *best = NULL;
	for (size_t i = 0; i < sel->nml; i++) {
		const struct lentry *e = lidx_slot(x, sel->ml[i].key, sel->ml[i].val);
		const struct eplist *c = e->key ? &e->eps : &none;
		if (!best || c->n < best->n)
			best = c;
	}
	return best;
}

const uint32_t *solver_label_endpoints(const struct solver *s, const char *key, const char *val,
				       size_t *n)
{
	const struct lentry *e = lidx_slot(s->lidx, key, val);
	*n = e->key ? e->eps.n : 0;
	return e->key ? e->eps.v : NULL;
}

/* Add to out the endpoints in [lo, hi) that sel matches, through the label index when
 * the selector has an equality requirement to narrow the candidates. */
static void match_pods(const struct solver *s, const struct selector *sel, size_t lo, size_t hi,
		       struct eplist *out)
{
	const struct model *m = s->m;
	const struct eplist *best = lidx_best(s->lidx, sel);
	if (best) {
		for (size_t k = lower_bound_u32(best->v, best->n, lo); k < best->n && best->v[k] < hi;
		     k++)
			if (selector_matches(sel, &m->endpoints[best->v[k]]->labels))
				eplist_add(out, best->v[k]);
		return;
	}
	for (size_t i = lo; i < hi; i++)
		if (selector_matches(sel, &m->endpoints[i]->labels))
			eplist_add(out, i);
}

/* ---- selector cache: (scope, selector) → the endpoints matched, while building ---- */

struct sc_entry {
	char *key;
	uint32_t *v;
	size_t n;
};

struct selcache {
	struct sc_entry *t;
	size_t cap, n;
	struct strbuf key; /* the key being looked up */
};

/* n in decimal, then c (keys are built for every selector of every policy: no printf). */
static void sc_num(struct strbuf *sb, size_t n, char c)
{
	char buf[24];
	size_t k = sizeof(buf);
	buf[--k] = c;
	do
		buf[--k] = (char)('0' + n % 10);
	while (n /= 10);
	strbuf_add(sb, buf + k, sizeof(buf) - k);
}

static void sc_str(struct strbuf *sb, const char *str)
{
	if (!str) {
		strbuf_add(sb, "-;", 2);
		return;
	}
	size_t n = strlen(str);
	sc_num(sb, n, ':');
	strbuf_add(sb, str, n);
	strbuf_addch(sb, ';');
}

/* A selector as a key: its requirements in written order, strings length-prefixed. */
static void sc_selector(struct strbuf *sb, const struct selector *sel)
{
	strbuf_addch(sb, 'm');
	sc_num(sb, sel->nml, 'x');
	for (size_t i = 0; i < sel->nml; i++) {
		sc_str(sb, sel->ml[i].key);
		sc_str(sb, sel->ml[i].val);
	}
	sc_num(sb, sel->nexprs, 'e');
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct sel_expr *e = &sel->exprs[i];
		sc_str(sb, e->key);
		strbuf_addch(sb, 'o');
		sc_num(sb, (size_t)e->op, 'v');
		sc_num(sb, e->nvalues, ';');
		for (size_t j = 0; j < e->nvalues; j++)
			sc_str(sb, e->values[j]);
	}
}

static struct sc_entry *sc_slot(const struct selcache *c, const char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *q = (const unsigned char *)key; *q; q++)
		h = (h ^ *q) * 1099511628211ull;
	size_t i = (size_t)h & (c->cap - 1);
	while (c->t[i].key && strcmp(c->t[i].key, key))
		i = (i + 1) & (c->cap - 1);
	return &c->t[i];
}

/* Remember what key matched (list sorted, as match_pods produces it). */
static void sc_store(struct selcache *c, const struct eplist *l)
{
	if ((c->n + 1) * 2 > c->cap) {
		struct sc_entry *old = c->t;
		size_t oldcap = c->cap;
		c->cap = c->cap ? c->cap * 2 : 64;
		c->t = xcalloc(c->cap, sizeof(*c->t));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].key)
				*sc_slot(c, old[i].key) = old[i];
		free(old);
	}
	struct sc_entry *e = sc_slot(c, c->key.buf);
	e->key = xstrdup(c->key.buf);
	e->n = l->n;
	e->v = xmalloc(sizeof(*e->v) * (l->n + 1));
	if (l->n)
		memcpy(e->v, l->v, sizeof(*e->v) * l->n);
	c->n++;
}

static void sc_release(struct selcache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		free(c->t[i].key);
		free(c->t[i].v);
	}
	free(c->t);
	strbuf_release(&c->key);
}

/* match_pods(sel) over namespace ns's endpoints, through the cache when there is one. */
static void match_pods_cached(const struct solver *s, struct selcache *c,
			      const struct selector *sel, size_t ns, struct eplist *out);

static size_t ns_of_policy(const struct solver *s, const struct policy *p)
{
	const struct namespace *ns = model_namespace(s->m, p->obj->ns);
	if (!ns)
		BUG("policy in an unknown namespace");
	return (size_t)ns->index;
}

static void match_peer_ns(const struct solver *s, const struct peer *peer,
			  const struct selector *ps, struct eplist *out);

/* The endpoints a peer matches, SPEC §2.4 (through the cache sc when not NULL). */
static void match_peer(const struct solver *s, struct selcache *sc, const struct policy *p,
		       const struct peer *peer, struct eplist *out)
{
	const struct model *m = s->m;
	static const struct selector all = { 0 };
	if (peer->ipb) {
		/* Pods with a known IP inside the block: a range of the sorted addresses. */
		const struct cidr *c = &peer->ipb->cidr_parsed;
		size_t lo = 0, hi = s->nips;
		if (!c->family)
			return;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct ep_ip *x = &s->ips[mid];
			if (x->family < c->family || (x->family == c->family && x->addr < c->lo))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < s->nips && s->ips[k].family == c->family &&
				    s->ips[k].addr <= c->hi; k++)
			if (s->ips[k].ep != SIZE_MAX &&
			    solver_peer_matches_endpoint(m, p, peer, m->endpoints[s->ips[k].ep]))
				eplist_add(out, s->ips[k].ep);
		(void)m;
		return;
	}
	const struct selector *ps = peer->pod_sel.node ? &peer->pod_sel : &all;
	if (!peer->ns_sel.node) {
		match_pods_cached(s, sc, ps, ns_of_policy(s, p), out);
		return;
	}
	struct eplist one = { NULL, 0, 0, true };
	if (sc) {
		strbuf_reset(&sc->key);
		strbuf_addch(&sc->key, 's');
		sc_selector(&sc->key, &peer->ns_sel);
		strbuf_addch(&sc->key, 'p');
		sc_selector(&sc->key, ps);
		const struct sc_entry *e = sc->cap ? sc_slot(sc, sc->key.buf) : NULL;
		if (e && e->key) {
			eplist_add_all(out, e->v, e->n);
			return;
		}
	}
	match_peer_ns(s, peer, ps, sc ? &one : out);
	if (sc) {
		sc_store(sc, &one);
		eplist_add_all(out, one.v, one.n);
		free(one.v);
	}
}

static void match_pods_cached(const struct solver *s, struct selcache *c,
			      const struct selector *sel, size_t ns, struct eplist *out)
{
	if (!c) {
		match_pods(s, sel, s->ns_range[ns][0], s->ns_range[ns][1], out);
		return;
	}
	strbuf_reset(&c->key);
	strbuf_addch(&c->key, 'n');
	sc_num(&c->key, ns, 'p');
	sc_selector(&c->key, sel);
	const struct sc_entry *e = c->cap ? sc_slot(c, c->key.buf) : NULL;
	if (e && e->key) {
		eplist_add_all(out, e->v, e->n);
		return;
	}
	struct eplist one = { NULL, 0, 0, true };
	match_pods(s, sel, s->ns_range[ns][0], s->ns_range[ns][1], &one);
	sc_store(c, &one);
	eplist_add_all(out, one.v, one.n);
	free(one.v);
}

/* The endpoints of the namespaces peer's namespaceSelector matches that ps matches. */
static void match_peer_ns(const struct solver *s, const struct peer *peer,
			  const struct selector *ps, struct eplist *out)
{
	const struct model *m = s->m;
	const struct eplist *cand = lidx_best(s->nslidx, &peer->ns_sel);
	size_t n = cand ? cand->n : m->nnamespaces;
	for (size_t k = 0; k < n; k++) {
		size_t i = cand ? cand->v[k] : k;
		if (s->ns_range[i][0] < s->ns_range[i][1] &&
		    selector_matches(&peer->ns_sel, &m->namespaces[i]->labels))
			match_pods(s, ps, s->ns_range[i][0], s->ns_range[i][1], out);
	}
}

bool solver_peer_matches_any(const struct solver *s, const struct policy *p,
			     const struct peer *peer)
{
	struct eplist l = { NULL, 0, 0, true };
	match_peer(s, NULL, p, peer, &l);
	free(l.v);
	return l.n > 0;
}

static void build_rule(const struct solver *s, struct selcache *sc, struct srule *r)
{
	const struct np_rule *nr = r->rule;
	struct eplist l = { NULL, 0, 0, true };

	r->all_peers = nr->npeers == 0;
	ipset_init(&r->ip[0], AF_V4);
	ipset_init(&r->ip[1], AF_V6);
	if (r->all_peers) {
		ipset_add_all(&r->ip[0]);
		ipset_add_all(&r->ip[1]);
		for (size_t i = 0; i < s->nep; i++)
			eplist_add(&l, i);
	}
	for (size_t j = 0; j < nr->npeers; j++) {
		const struct peer *peer = &nr->peers[j];
		match_peer(s, sc, r->policy, peer, &l);
		if (peer->ipb && peer->ipb->cidr_parsed.family) {
			const struct cidr *c = &peer->ipb->cidr_parsed;
			struct ipset blk, ex;
			ipset_init(&blk, c->family);
			ipset_init(&ex, c->family);
			ipset_add_range(&blk, c->lo, c->hi);
			for (size_t k = 0; k < peer->ipb->nexcept; k++)
				if (peer->ipb->except_parsed[k].family == c->family)
					ipset_add_range(&ex, peer->ipb->except_parsed[k].lo,
							peer->ipb->except_parsed[k].hi);
			ipset_subtract(&blk, &ex);
			ipset_union(&r->ip[c->family == AF_V6], &blk);
			ipset_release(&blk);
			ipset_release(&ex);
		}
	}
	eplist_finish(s, &l, &r->eps);
	connset_init(&r->fixed);
	if (nr->nports == 0) {
		connset_add_all(&r->fixed);
		return;
	}
	r->named = xcalloc(nr->nports, sizeof(*r->named));
	for (size_t j = 0; j < nr->nports; j++) {
		const struct np_port *pt = &nr->ports[j];
		if (pt->proto < 0)
			continue;
		if (pt->port_name)
			r->named[r->nnamed++] = pt;
		else if (!pt->has_port)
			connset_add(&r->fixed, pt->proto, PORT_MIN, PORT_MAX);
		else
			connset_add(&r->fixed, pt->proto, pt->port,
				    pt->has_end_port ? pt->end_port : pt->port);
	}
}

/* Sorted, unique boundaries → the disjoint ranges covering the address space. */
static int u128_cmp(const void *pa, const void *pb)
{
	u128 a = *(const u128 *)pa, b = *(const u128 *)pb;
	return a < b ? -1 : a > b;
}

static void cut_ranges(u128 *cuts, size_t n, u128 max, struct iprange **out, size_t *nout)
{
	if (n > 1)
		qsort(cuts, n, sizeof(*cuts), u128_cmp);
	*out = xmalloc(sizeof(**out) * (n + 1));
	*nout = 0;
	u128 lo = 0;
	for (size_t i = 0; i < n; i++) {
		if (cuts[i] == 0 || cuts[i] <= lo)
			continue;
		(*out)[*nout].lo = lo;
		(*out)[*nout].hi = cuts[i] - 1;
		(*nout)++;
		lo = cuts[i];
	}
	(*out)[*nout].lo = lo;
	(*out)[*nout].hi = max;
	(*nout)++;
}

static void add_cut(u128 **cuts, size_t *n, size_t *cap, const struct cidr *c, u128 max)
{
	XGROW(*cuts, *cap, *n + 2);
	(*cuts)[(*n)++] = c->lo;
	if (c->hi != max)
		(*cuts)[(*n)++] = c->hi + 1;
}

static void build_external(struct solver *s)
{
	const struct model *m = s->m;
	u128 *cuts[DIR__COUNT][2] = { { NULL, NULL }, { NULL, NULL } };
	size_t n[DIR__COUNT][2] = { { 0, 0 }, { 0, 0 } }, cap[DIR__COUNT][2] = { { 0, 0 }, { 0, 0 } };

	for (size_t i = 0; i < m->nendpoints; i++)
		for (size_t j = 0; j < m->endpoints[i]->nips; j++)
			if (m->endpoints[i]->ips[j].family == AF_V6)
				s->has_v6 = true;
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *p = m->policies[i];
		if (p->invalid)
			continue;
		for (int d = 0; d < DIR__COUNT; d++) {
			if (!p->types[d])
				continue;
			for (size_t r = 0; r < p->nrules[d]; r++)
				for (size_t k = 0; k < p->rules[d][r].npeers; k++) {
					const struct ipblock *b = p->rules[d][r].peers[k].ipb;
					if (!b || !b->cidr_parsed.family)
						continue;
					int f = b->cidr_parsed.family == AF_V6;
					u128 max = f ? IPV6_MAX : IPV4_MAX;
					s->has_v6 |= f;
					add_cut(&cuts[d][f], &n[d][f], &cap[d][f], &b->cidr_parsed, max);
					for (size_t x = 0; x < b->nexcept; x++)
						add_cut(&cuts[d][f], &n[d][f], &cap[d][f],
							&b->except_parsed[x], max);
				}
		}
	}
	/* The tiers' egress networks and the addresses of Nodes cut destinations too. */
	const struct tiers *t = m->tiers;
	for (size_t i = 0; t && i < t->norder; i++)
		for (size_t r = 0; r < t->order[i]->nrules[DIR_EGRESS]; r++) {
			const struct trule *tr = &t->order[i]->rules[DIR_EGRESS][r];
			for (size_t k = 0; k < tr->npeers; k++) {
				const struct tpeer *pe = &tr->peers[k];
				for (size_t c = 0; c < pe->nnets; c++) {
					const struct cidr *cd = &pe->nets[c];
					int f = cd->family == AF_V6;
					s->has_v6 |= f;
					add_cut(&cuts[DIR_EGRESS][f], &n[DIR_EGRESS][f],
						&cap[DIR_EGRESS][f], cd, f ? IPV6_MAX : IPV4_MAX);
				}
				for (size_t x = 0; pe->kind == TP_NODES && x < t->nnodes; x++) {
					const struct node *nd = t->nodes[x];
					if (nd->obj->invalid || !selector_matches(&pe->node_sel, &nd->labels))
						continue;
					for (size_t a = 0; a < nd->nips; a++) {
						const struct ip_addr *ip = &nd->ips[a];
						int f = ip->family == AF_V6;
						struct cidr cd = { ip->family, f ? 128 : 32, ip->addr,
								   ip->addr, ip->addr };
						s->has_v6 |= f;
						add_cut(&cuts[DIR_EGRESS][f], &n[DIR_EGRESS][f],
							&cap[DIR_EGRESS][f], &cd, f ? IPV6_MAX : IPV4_MAX);
					}
				}
			}
		}
	for (int d = 0; d < DIR__COUNT; d++)
		for (int f = 0; f < 2; f++) {
			cut_ranges(cuts[d][f], n[d][f], f ? IPV6_MAX : IPV4_MAX, &s->ext[d][f],
				   &s->next[d][f]);
			free(cuts[d][f]);
		}
}

static void init(struct solver *s, const struct model *m, const struct endpoint *const *only,
		 size_t nonly, unsigned jobs, bool pair_index);

void solver_init(struct solver *s, const struct model *m)
{
	init(s, m, NULL, 0, 1, true);
}

void solver_init_threads(struct solver *s, const struct model *m, unsigned jobs,
			 bool pair_index)
{
	init(s, m, NULL, 0, jobs, pair_index);
}

void solver_init_for(struct solver *s, const struct model *m, const struct endpoint *const *only,
		     size_t nonly)
{
	init(s, m, only, nonly, 1, true);
}

/* Does the policy select one of these endpoints? */
static bool selects_any(const struct policy *p, const struct endpoint *const *only, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (only[i] && solver_policy_selects(p, only[i]))
			return true;
	return false;
}

static int ep_ip_cmp(const void *pa, const void *pb)
{
	const struct ep_ip *a = pa, *b = pb;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void index_ips(struct solver *s, const struct model *m)
{
	size_t n = 0;
	for (int host = 0; host < 2; host++) {
		struct endpoint *const *eps = host ? m->host_net : m->endpoints;
		size_t neps = host ? m->nhost_net : m->nendpoints;
		for (size_t i = 0; i < neps; i++) {
			/* Endpoints lie far apart: asked for ahead, their misses overlap. */
			if (i + 8 < neps)
				PREFETCH(&eps[i + 8]->nips);
			n += eps[i]->nips;
		}
	}
	s->ips = xcalloc(n ? n : 1, sizeof(*s->ips));
	for (int host = 0; host < 2; host++) {
		struct endpoint *const *eps = host ? m->host_net : m->endpoints;
		size_t neps = host ? m->nhost_net : m->nendpoints;
		for (size_t i = 0; i < neps; i++) {
			if (i + 4 < neps)
				PREFETCH(eps[i + 4]->ips);
			for (size_t j = 0; j < eps[i]->nips; j++, s->nips++)
				s->ips[s->nips] = (struct ep_ip){ eps[i]->ips[j].family,
								  eps[i]->ips[j].addr,
								  host ? SIZE_MAX : i, eps[i], s->nips };
		}
	}
	if (s->nips > 1)
		qsort(s->ips, s->nips, sizeof(*s->ips), ep_ip_cmp);
}

/* The rules of p the solver lays out: those of the directions in its policyTypes. */
static size_t rules_in_force(const struct policy *p)
{
	size_t n = 0;
	for (int d = 0; d < DIR__COUNT; d++)
		if (p->types[d])
			n += p->nrules[d];
	return n;
}

/* Policy P (the I-th of the model), its rules laid out from s->rules[first]: the rules
 * built, in direction order, and the endpoints it selects matched into *out. Reads the
 * solver and writes only P's rules, *out and the cache c: policies are built on threads. */
static void build_policy(const struct solver *s, struct selcache *c, const struct policy *p,
			 size_t i, size_t first, struct epset *out)
{
	size_t k = first;
	for (int d = 0; d < DIR__COUNT; d++) {
		/* "Rules for a direction not in policyTypes are ignored." */
		if (!p->types[d])
			continue;
		for (size_t r = 0; r < p->nrules[d]; r++) {
			struct srule *sr = &s->rules[k++];
			sr->policy = p;
			sr->policy_index = i;
			sr->dir = (enum direction)d;
			sr->rule = &p->rules[d][r];
			build_rule(s, c, sr);
		}
	}
	struct eplist sel = { NULL, 0, 0, true };
	match_pods_cached(s, c, &p->pod_sel, ns_of_policy(s, p), &sel);
	eplist_finish(s, &sel, out);
}

/*
 * The endpoints each policy selects are isolated for its types, and its rules become
 * theirs, in model order. Counted first, then laid out in two blocks that the
 * per-endpoint lists point into (s->policies_block, s->rules_block).
 */
static void select_policies(struct solver *s, const size_t *first)
{
	const struct model *m = s->m;
	size_t npol = 0, nrul = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->npolicies; i++) {
			const struct policy *p = m->policies[i];
			if (first[i] == SIZE_MAX)
				continue;
			size_t end = first[i] + rules_in_force(p);
			EPSET_FOREACH(&s->selected[i], s->nep, e) {
				struct sendpoint *se = &s->eps[e];
				for (int d = 0; d < DIR__COUNT; d++) {
					if (!p->types[d])
						continue;
					se->isolated[d] = true;
					if (pass)
						se->policies[d][se->npolicies[d]] = p;
					se->npolicies[d]++;
				}
				for (size_t r = first[i]; r < end; r++) {
					int d = s->rules[r].dir;
					if (pass)
						se->rules[d][se->nrules[d]] = r;
					se->nrules[d]++;
				}
			}
		}
		if (pass)
			break;
		for (size_t e = 0; e < s->nep; e++)
			for (int d = 0; d < DIR__COUNT; d++)
				npol += s->eps[e].npolicies[d], nrul += s->eps[e].nrules[d];
		s->policies_block = xmalloc(sizeof(*s->policies_block) * (npol + 1));
		s->rules_block = xmalloc(sizeof(*s->rules_block) * (nrul + 1));
		npol = nrul = 0;
		for (size_t e = 0; e < s->nep; e++)
			for (int d = 0; d < DIR__COUNT; d++) {
				struct sendpoint *se = &s->eps[e];
				se->policies[d] = s->policies_block + npol;
				se->rules[d] = s->rules_block + nrul;
				npol += se->npolicies[d];
				nrul += se->nrules[d];
				se->npolicies[d] = se->nrules[d] = 0;
			}
	}
}

/* The inverse of the ingress rules' peer sets, for connlist: counted, then laid out in
 * one block (s->in_rules_block) that the per-endpoint lists point into. */
static void index_ingress_rules(struct solver *s)
{
	size_t nep = s->nep ? s->nep : 1, total = 0;
	s->in_rules_of = xcalloc(nep, sizeof(*s->in_rules_of));
	s->nin_rules_of = xcalloc(nep, sizeof(*s->nin_rules_of));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t r = 0; r < s->nrules; r++) {
			const struct srule *sr = &s->rules[r];
			if (sr->dir != DIR_INGRESS)
				continue;
			if (sr->all_peers) {
				if (pass)
					s->all_peer_in_rules[s->nall_peer_in_rules++] = (uint32_t)r;
				else
					s->nall_peer_in_rules++;
				continue;
			}
			EPSET_FOREACH(&sr->eps, s->nep, e) {
				if (pass)
					s->in_rules_of[e][s->nin_rules_of[e]++] = (uint32_t)r;
				else
					s->nin_rules_of[e]++, total++;
			}
		}
		if (pass)
			break;
		s->in_rules_block = xmalloc(sizeof(uint32_t) * (total + 1));
		s->all_peer_in_rules = xmalloc(sizeof(uint32_t) * (s->nall_peer_in_rules + 1));
		s->nall_peer_in_rules = 0;
		for (size_t e = 0, at = 0; e < s->nep; e++) {
			s->in_rules_of[e] = s->in_rules_block + at;
			at += s->nin_rules_of[e];
			s->nin_rules_of[e] = 0;
		}
	}
}

#define MAX_SOLVER_JOBS 64

#define POLICY_BLOCK 16

/* Policies a thread takes at a time, and below which none is started. Tests set 1 so
 * that small inputs are built on threads too, to compare with one. */
static size_t policy_block(void)
{
	const char *v = getenv("NPCHECK_TEST_POLICY_BLOCK");
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;
	return v && *v && !*end && n ? (size_t)n : POLICY_BLOCK;
}

/* Policies are built in blocks taken in turn by the threads (a block keeps a
 * namespace's policies, which repeat selectors, together on one thread's cache). */
struct policy_pool {
	const struct solver *s;
	const size_t *first;   /* per policy: its first rule; SIZE_MAX when left out */
	size_t n, block;
	atomic_size_t next;
};

static void *build_policies(void *arg)
{
	struct policy_pool *pp = arg;
	struct selcache c = { NULL, 0, 0, STRBUF_INIT };
	for (size_t b; (b = atomic_fetch_add(&pp->next, pp->block)) < pp->n;)
		for (size_t i = b; i < pp->n && i < b + pp->block; i++)
			if (pp->first[i] != SIZE_MAX)
				build_policy(pp->s, &c, pp->s->m->policies[i], i, pp->first[i],
					     &pp->s->selected[i]);
	sc_release(&c);
	return NULL;
}

/*
 * Every valid policy (of those selecting one of only, when only is set), in model
 * order. With jobs > 1, the policies' rules and selections, which read only the model
 * and the indexes, are built on that many threads; what they select is then applied
 * on this one in model order, so the solver is the same whatever the threads.
 */
static void add_policies(struct solver *s, const struct endpoint *const *only, size_t nonly,
			 unsigned jobs)
{
	const struct model *m = s->m;
	size_t np = m->npolicies;
	size_t *first = xmalloc(sizeof(*first) * (np + 1));
	for (size_t i = 0; i < np; i++) {
		const struct policy *p = m->policies[i];
		first[i] = SIZE_MAX;
		if (p->invalid || (only && !selects_any(p, only, nonly)))
			continue;
		first[i] = s->nrules;
		s->nrules += rules_in_force(p);
	}
	s->rules = xcalloc(s->nrules ? s->nrules : 1, sizeof(*s->rules));
	struct policy_pool pp = { s, first, np, policy_block(), 0 };
	pthread_t threads[MAX_SOLVER_JOBS];
	size_t nthreads = 0;
	if (jobs > 1 && np > pp.block) {
		if (pp.block == POLICY_BLOCK && pp.block < np / (jobs * 16u))
			pp.block = np / (jobs * 16u);
		while (nthreads + 1 < jobs && nthreads < MAX_SOLVER_JOBS &&
		       !pthread_create(&threads[nthreads], NULL, build_policies, &pp))
			nthreads++;
	}
	build_policies(&pp);
	for (size_t t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
	select_policies(s, first);
	free(first);
}

/* solver.named_ports and each rule's named_by_ptr (see solver.h). */
static void index_named_ports(struct solver *s)
{
	struct intern *t = intern_new(s->port_names = arena_new());
	size_t n = 0;
	s->named_of = xcalloc(s->nep + 1, sizeof(*s->named_of));
	for (size_t e = 0; e < s->nep; e++) {
		const struct endpoint *ep = s->m->endpoints[e];
		for (size_t j = 0; j < ep->nports; j++)
			n += ep->ports[j].name != NULL;
		s->named_of[e + 1] = n;
	}
	s->named_ports = xcalloc(n ? n : 1, sizeof(*s->named_ports));
	for (size_t e = 0, k = 0; e < s->nep; e++) {
		const struct endpoint *ep = s->m->endpoints[e];
		for (size_t j = 0; j < ep->nports; j++) {
			const struct container_port *cp = &ep->ports[j];
			if (cp->name)
				s->named_ports[k++] = (struct sport){
					intern_str(t, cp->name, strlen(cp->name)), cp->proto, cp->port
				};
		}
	}
	for (size_t i = 0; i < s->nrules; i++) {
		struct srule *r = &s->rules[i];
		if (!r->nnamed)
			continue;
		r->named_by_ptr = xcalloc(r->nnamed, sizeof(*r->named_by_ptr));
		for (size_t j = 0; j < r->nnamed; j++) {
			const char *name = r->named[j]->port_name;
			r->named_by_ptr[j] = (struct sport){ intern_str(t, name, strlen(name)),
							     r->named[j]->proto, 0 };
		}
	}
	intern_free(t);
}

static void init(struct solver *s, const struct model *m, const struct endpoint *const *only,
		 size_t nonly, unsigned jobs, bool pair_index)
{
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->nep = m->nendpoints;
	s->words = (s->nep + 63) / 64;
	s->eps = xcalloc(s->nep ? s->nep : 1, sizeof(*s->eps));
	s->selected = xcalloc(m->npolicies ? m->npolicies : 1, sizeof(*s->selected));
	/* Endpoints are sorted by "NS/NAME[KIND]", so each namespace's are contiguous. */
	s->ns_range = xcalloc(m->nnamespaces ? m->nnamespaces : 1, sizeof(*s->ns_range));
	for (size_t i = s->nep; i-- > 0;) {
		if (i >= 8)
			PREFETCH(&m->endpoints[i - 8]->ns_index);
		size_t ns = (size_t)m->endpoints[i]->ns_index;
		if (s->ns_range[ns][1] == 0)
			s->ns_range[ns][1] = i + 1;
		s->ns_range[ns][0] = i;
	}
	s->lidx = lidx_build(m, m->nendpoints, ep_labels);
	s->nslidx = lidx_build(m, m->nnamespaces, ns_labels);
	index_ips(s, m);
	add_policies(s, only, nonly, jobs);
	build_external(s);
	tiers_solver_init(s);

	if (!pair_index)
		return;
	index_ingress_rules(s);
	index_named_ports(s);
	s->open_ingress = xmalloc(sizeof(uint32_t) * (s->nep ? s->nep : 1));
	for (size_t e = 0; e < s->nep; e++)
		if (!s->eps[e].isolated[DIR_INGRESS])
			s->open_ingress[s->nopen_ingress++] = (uint32_t)e;
}

void solver_free(struct solver *s)
{
	tiers_solver_free(s);
	for (size_t i = 0; i < s->nrules; i++) {
		epset_release(&s->rules[i].eps);
		ipset_release(&s->rules[i].ip[0]);
		ipset_release(&s->rules[i].ip[1]);
		connset_release(&s->rules[i].fixed);
		free(s->rules[i].named);
		free(s->rules[i].named_by_ptr);
	}
	free(s->named_ports);
	free(s->named_of);
	arena_free(s->port_names);
	free(s->rules);
	free(s->policies_block);
	free(s->rules_block);
	free(s->eps);
	for (size_t i = 0; i < s->m->npolicies; i++)
		epset_release(&s->selected[i]);
	free(s->selected);
	free(s->ns_range);
	free(s->ips);
	lidx_free(s->lidx);
	lidx_free(s->nslidx);
	free(s->in_rules_block);
	free(s->in_rules_of);  /* NULL without the pair indexes */
	free(s->nin_rules_of);
	free(s->open_ingress);
	free(s->all_peer_in_rules);
	for (int d = 0; d < DIR__COUNT; d++)
		for (int f = 0; f < 2; f++)
			free(s->ext[d][f]);
	memset(s, 0, sizeof(*s));
}

bool solver_rule_matches(const struct solver *s, const struct srule *r, const struct sref *peer)
{
	(void)s;
	if (r->all_peers)
		return true;
	if (peer->ep)
		return epset_has(&r->eps, (size_t)peer->ep->index);
	/* The range must lie inside one range of the set. */
	return ipset_holds_range(&r->ip[peer->family == AF_V6], peer->lo, peer->hi);
}

const struct peer *solver_matching_peer(const struct solver *s, const struct srule *r,
					const struct sref *ref)
{
	for (size_t i = 0; i < r->rule->npeers; i++) {
		const struct peer *p = &r->rule->peers[i];
		if (ref->ep) {
			if (solver_peer_matches_endpoint(s->m, r->policy, p, ref->ep))
				return p;
		} else if (p->ipb && p->ipb->cidr_parsed.family &&
			   ipblock_holds(p->ipb, ref->family, ref->lo, ref->hi)) {
			return p;
		}
	}
	return NULL;
}

/* Add to out the ports of rule r's named ports that dst resolves. */
static void add_named_ports(const struct solver *s, const struct srule *r,
			    const struct sref *dst, struct connset *out)
{
	/* A named port matches a destination pod's container port with that name and
	 * protocol; an external address has no named ports. */
	if (!dst->ep)
		return;
	if (r->named_by_ptr) {
		size_t e = (size_t)dst->ep->index;
		for (size_t i = 0; i < r->nnamed; i++)
			for (size_t j = s->named_of[e]; j < s->named_of[e + 1]; j++) {
				const struct sport *p = &s->named_ports[j];
				if (p->name == r->named_by_ptr[i].name &&
				    p->proto == r->named_by_ptr[i].proto)
					connset_add(out, p->proto, p->port, p->port);
			}
		return;
	}
	for (size_t i = 0; i < r->nnamed; i++)
		for (size_t j = 0; j < dst->ep->nports; j++) {
			const struct container_port *cp = &dst->ep->ports[j];
			if (cp->name && cp->proto == r->named[i]->proto &&
			    !strcmp(cp->name, r->named[i]->port_name))
				connset_add(out, cp->proto, cp->port, cp->port);
		}
}

void solver_rule_ports(const struct solver *s, const struct srule *r, const struct sref *dst,
		       struct connset *out)
{
	connset_copy(out, &r->fixed);
	add_named_ports(s, r, dst, out);
}

void solver_np_direction(const struct solver *s, enum direction dir, const struct sref *src,
			 const struct sref *dst, struct connset *out)
{
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	const struct sref *other = dir == DIR_EGRESS ? dst : src;

	connset_clear(out);
	if (!self->ep || !s->eps[self->ep->index].isolated[dir]) {
		connset_add_all(out);
		return;
	}
	const struct sendpoint *se = &s->eps[self->ep->index];
	for (size_t i = 0; i < se->nrules[dir]; i++) {
		const struct srule *r = &s->rules[se->rules[dir][i]];
		if (!solver_rule_matches(s, r, other))
			continue;
		/* The union of the rules' ports (solver_rule_ports), built in place. */
		connset_union(out, &r->fixed);
		add_named_ports(s, r, dst, out);
		if (connset_is_all(out))
			break;
	}
}

void solver_direction(const struct solver *s, enum direction dir, const struct sref *src,
		      const struct sref *dst, struct connset *out)
{
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	if (!tiers_apply(s, self, dir)) {
		solver_np_direction(s, dir, src, dst, out);
		return;
	}
	/* The tiers around the NetworkPolicy step (TIERS.md §2). */
	struct connset np;
	bool iso = s->eps[self->ep->index].isolated[dir];
	connset_init(&np);
	if (iso)
		solver_np_direction(s, dir, src, dst, &np);
	tiers_direction(s, dir, src, dst, iso, &np, out, NULL, NULL);
	connset_release(&np);
}

/* Does this side allow everything in direction dir, without a look at the other side?
 * (Not an isolated pod, and no policy tier applies to it.) */
static bool direction_open(const struct solver *s, enum direction dir, const struct sref *self)
{
	return (!self->ep || !s->eps[self->ep->index].isolated[dir]) && !tiers_apply(s, self, dir);
}

void solver_allowed_tmp(const struct solver *s, const struct sref *src, const struct sref *dst,
			struct connset *out, struct connset *tmp)
{
	/* Loopback is never subject to policy; between two pods of one workload it is. */
	if (src->ep && src->ep == dst->ep && src->ep->is_pod) {
		connset_clear(out);
		connset_add_all(out);
		return;
	}
	/* A side that is not an isolated pod allows everything (all ∩ x = x): the other
	 * side alone is the answer, built straight into out. */
	if (direction_open(s, DIR_EGRESS, src)) {
		solver_direction(s, DIR_INGRESS, src, dst, out);
		return;
	}
	solver_direction(s, DIR_EGRESS, src, dst, out);
	if (connset_is_empty(out) || direction_open(s, DIR_INGRESS, dst))
		return;
	solver_direction(s, DIR_INGRESS, src, dst, tmp);
	connset_intersect(out, tmp);
}

void solver_allowed(const struct solver *s, const struct sref *src, const struct sref *dst,
		    struct connset *out)
{
	struct connset in;

	connset_init(&in);
	solver_allowed_tmp(s, src, dst, out, &in);
	connset_release(&in);
}

void sref_format(const struct sref *r, struct strbuf *out)
{
	char a[IP_BUFLEN], b[IP_BUFLEN];
	if (r->ep) {
		strbuf_addstr(out, r->ep->display);
		return;
	}
	ip_format(r->family, r->lo, a);
	if (r->lo == r->hi) {
		strbuf_addf(out, "%s[External]", a);
		return;
	}
	ip_format(r->family, r->hi, b);
	strbuf_addf(out, "%s-%s[External]", a, b);
}

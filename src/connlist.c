/* Enumerate every allowed connection in output order, visiting only candidate pairs. */
#include <stdlib.h>
#include <string.h>

#include "connlist.h"

/* A source or destination: an endpoint, or an external range, with its name. */
struct side {
	struct sref ref;
	char *name;
};

static int side_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct side *)pa)->name, ((const struct side *)pb)->name);
}

static char *name_of(const struct sref *r)
{
	struct strbuf sb = STRBUF_INIT;
	sref_format(r, &sb);
	return strbuf_detach(&sb);
}

/* External ranges of one direction (both families), named and sorted. */
static struct side *externals(const struct solver *s, enum direction d, size_t *n)
{
	int families = s->has_v6 ? 2 : 1;
	size_t total = 0, k = 0;
	for (int f = 0; f < families; f++)
		total += s->next[d][f];
	struct side *v = xcalloc(total ? total : 1, sizeof(*v));
	for (int f = 0; f < families; f++)
		for (size_t i = 0; i < s->next[d][f]; i++) {
			v[k].ref = (struct sref){ NULL, f ? AF_V6 : AF_V4, s->ext[d][f][i].lo,
						  s->ext[d][f][i].hi };
			v[k].name = name_of(&v[k].ref);
			k++;
		}
	if (k > 1)
		qsort(v, k, sizeof(*v), side_cmp);
	*n = k;
	return v;
}


void cand_init(struct cand *c, const struct solver *s)
{
	memset(c, 0, sizeof(*c));
	c->stamp = xcalloc(s->nep ? s->nep : 1, sizeof(uint32_t));
}

void cand_release(struct cand *c)
{
	free(c->v);
	free(c->stamp);
	memset(c, 0, sizeof(*c));
}

static void cand_add(struct cand *c, size_t j)
{
	if (c->stamp[j] == c->tag)
		return;
	c->stamp[j] = c->tag;
	XGROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = (uint32_t)j;
}

static void cand_add_set(struct cand *c, const struct epset *set, size_t nep)
{
	EPSET_FOREACH(set, nep, j)
		cand_add(c, j);
}

/* Those not isolated for ingress plus those selected by a policy with an ingress rule
 * matching src: the destinations whose ingress may admit src. */
static void add_ingress(const struct solver *s, size_t src, struct cand *c)
{
	for (size_t i = 0; i < s->nopen_ingress; i++)
		cand_add(c, s->open_ingress[i]);
	for (size_t i = 0; i < s->nin_rules_of[src]; i++)
		cand_add_set(c, &s->selected[s->rules[s->in_rules_of[src][i]].policy_index], s->nep);
	for (size_t i = 0; i < s->nall_peer_in_rules; i++)
		cand_add_set(c, &s->selected[s->rules[s->all_peer_in_rules[i]].policy_index],
			     s->nep);
}

/*
 * The destinations src may reach: with its egress isolated, those its egress rules'
 * peers match and whose ingress may admit src (the smaller side is gathered and the
 * other tested, so a rule towards every pod of the cluster, as DNS rules are often
 * written, costs what the other side holds); otherwise those whose ingress may admit
 * src. Any other destination denies everything.
 */
void connlist_candidates(const struct solver *s, size_t src, struct cand *c)
{
	const struct sendpoint *se = &s->eps[src];
	c->n = 0;
	c->tag++;
	if (s->tiers) {
		/* An admin Allow can open what no NetworkPolicy rule names: every endpoint is
		 * a candidate. */
		for (size_t j = 0; j < s->nep; j++)
			cand_add(c, j);
		return;
	}
	if (!se->isolated[DIR_EGRESS]) {
		add_ingress(s, src, c);
		return;
	}
	size_t nout = 0, nin = s->nopen_ingress;
	const size_t *out = se->rules[DIR_EGRESS];
	for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++)
		nout += s->rules[out[i]].eps.n;
	for (size_t i = 0; i < s->nin_rules_of[src]; i++)
		nin += s->selected[s->rules[s->in_rules_of[src][i]].policy_index].n;
	for (size_t i = 0; i < s->nall_peer_in_rules; i++)
		nin += s->selected[s->rules[s->all_peer_in_rules[i]].policy_index].n;
	if (nout <= nin) {
		for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++)
			cand_add_set(c, &s->rules[out[i]].eps, s->nep);
		return;
	}
	add_ingress(s, src, c);
	/* Keep those an egress rule's peers match; the others lose their stamp. */
	c->tag++;
	size_t k = 0;
	for (size_t j = 0; j < c->n; j++) {
		size_t d = c->v[j];
		for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++)
			if (epset_has(&s->rules[out[i]].eps, d)) {
				c->stamp[d] = c->tag;
				c->v[k++] = (uint32_t)d;
				break;
			}
	}
	c->n = k;
}

/*
 * The sources that may reach endpoint dst: with its ingress isolated, those its ingress
 * rules' peers match, and dst itself when it is one pod (loopback); otherwise every
 * endpoint. Any other source is denied everything by dst.
 */
static void sources_of(const struct solver *s, size_t dst, struct cand *c)
{
	const struct sendpoint *se = &s->eps[dst];
	c->n = 0;
	c->tag++;
	if (s->tiers || !se->isolated[DIR_INGRESS]) {
		for (size_t j = 0; j < s->nep; j++)
			cand_add(c, j);
		return;
	}
	for (size_t i = 0; i < se->nrules[DIR_INGRESS]; i++)
		cand_add_set(c, &s->rules[se->rules[DIR_INGRESS][i]].eps, s->nep);
	if (s->m->endpoints[dst]->is_pod)
		cand_add(c, dst);
}

uint64_t *connlist_sources(const struct solver *s, const uint32_t *dsts, size_t n)
{
	size_t words = (n * s->nep + 63) / 64;
	uint64_t *bits = xcalloc(words ? words : 1, sizeof(*bits));
	struct cand c;
	cand_init(&c, s);
	for (size_t k = 0; k < n; k++) {
		sources_of(s, dsts[k], &c);
		for (size_t t = 0; t < c.n; t++) {
			size_t b = k * s->nep + c.v[t];
			bits[b / 64] |= (uint64_t)1 << (b % 64);
		}
	}
	cand_release(&c);
	return bits;
}

/* The lines of one source, sorted by destination before they are passed on: each
 * destination has a rank, its place in name order among endpoints and external
 * ranges, computed once, so the sort compares integers. */
struct pend_line {
	size_t rank;
	struct conn_line l;
};

/* The lines' connection sets stay allocated from one source to the next (live of
 * them initialized), so a line costs no allocation once the sets have grown. */
struct pending {
	struct pend_line *l;
	size_t n, cap, live;
	uint64_t *order; /* rank << 32 | place in l, sorted when the ranks are not in order */
	size_t order_cap;
};

static void pend(struct pending *p, const struct side *src, const struct side *dst,
		 size_t rank, const struct connset *c)
{
	XGROW(p->l, p->cap, p->n + 1);
	struct pend_line *pl = &p->l[p->n];
	if (p->n == p->live) {
		connset_init(&pl->l.conns);
		p->live++;
	}
	p->n++;
	pl->rank = rank;
	pl->l.src = src->name;
	pl->l.dst = dst->name;
	pl->l.src_ref = src->ref;
	pl->l.dst_ref = dst->ref;
	connset_copy(&pl->l.conns, c);
}

static void pend_release(struct pending *p)
{
	for (size_t i = 0; i < p->live; i++)
		connset_release(&p->l[i].l.conns);
	free(p->l);
	free(p->order);
}

static int u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a > b) - (a < b);
}

/* Ranks and places fit 32 bits: endpoints and ranges are counted in uint32_t. */
static void flush(struct pending *p, void (*fn)(void *, const struct conn_line *), void *ctx)
{
	bool sorted = true;
	for (size_t i = 1; i < p->n && sorted; i++)
		sorted = p->l[i - 1].rank < p->l[i].rank;
	if (sorted) {
		for (size_t i = 0; i < p->n; i++)
			fn(ctx, &p->l[i].l);
		p->n = 0;
		return;
	}
	XGROW(p->order, p->order_cap, p->n);
	for (size_t i = 0; i < p->n; i++)
		p->order[i] = (uint64_t)p->l[i].rank << 32 | i;
	qsort(p->order, p->n, sizeof(*p->order), u64_cmp);
	for (size_t i = 0; i < p->n; i++)
		fn(ctx, &p->l[p->order[i] & 0xffffffffu].l);
	p->n = 0;
}

/*
 * Destinations every rule treats alike. Without policy tiers, what an endpoint source
 * may open to another endpoint dst depends on dst through: which of the source's egress
 * rules match dst, dst's ingress isolation and ingress rules, and dst's container ports
 * (named ports). The last three make dst's class; with the first (a mask over the
 * source's egress rules), the class keys a memo of verdicts kept for one source, so a
 * source's verdict towards many like destinations is computed once.
 */
#define MEMO_MAX_RULES 64
/* Below this many destinations a source seldom meets a class twice, and a memo entry
 * costs a copy of the verdict: each is weighed on its own. */
#define MEMO_MIN_DESTINATIONS 8

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 1099511628211u;
}

static uint64_t str_hash(uint64_t h, const char *str)
{
	if (!str)
		return mix(h, 0xff);
	for (; *str; str++)
		h = mix(h, (unsigned char)*str);
	return mix(h, 0);
}

static uint64_t class_hash(const struct solver *s, size_t j)
{
	const struct sendpoint *se = &s->eps[j];
	const struct endpoint *e = s->m->endpoints[j];
	uint64_t h = mix(1469598103934665603u, se->isolated[DIR_INGRESS]);
	h = mix(h, se->nrules[DIR_INGRESS]);
	for (size_t i = 0; i < se->nrules[DIR_INGRESS]; i++)
		h = mix(h, se->rules[DIR_INGRESS][i]);
	h = mix(h, e->nports);
	for (size_t i = 0; i < e->nports; i++) {
		h = mix(h, (uint64_t)(e->ports[i].proto + 1));
		h = mix(h, (uint64_t)e->ports[i].port);
		h = str_hash(h, e->ports[i].name);
	}
	return h ^ (h >> 31);
}

static bool same_class(const struct solver *s, size_t a, size_t b)
{
	const struct sendpoint *sa = &s->eps[a], *sb = &s->eps[b];
	const struct endpoint *ea = s->m->endpoints[a], *eb = s->m->endpoints[b];
	if (sa->isolated[DIR_INGRESS] != sb->isolated[DIR_INGRESS] ||
	    sa->nrules[DIR_INGRESS] != sb->nrules[DIR_INGRESS] || ea->nports != eb->nports)
		return false;
	for (size_t i = 0; i < sa->nrules[DIR_INGRESS]; i++)
		if (sa->rules[DIR_INGRESS][i] != sb->rules[DIR_INGRESS][i])
			return false;
	for (size_t i = 0; i < ea->nports; i++) {
		const struct container_port *pa = &ea->ports[i], *pb = &eb->ports[i];
		if (pa->proto != pb->proto || pa->port != pb->port || !pa->name != !pb->name ||
		    (pa->name && strcmp(pa->name, pb->name)))
			return false;
	}
	return true;
}

static size_t pow2_at_least(size_t n)
{
	size_t c = 16;
	while (c < n)
		c *= 2;
	return c;
}

/* The class of every endpoint (its first member's index), through a hash table. */
static uint32_t *classes(const struct solver *s)
{
	size_t cap = pow2_at_least(2 * s->nep);
	uint32_t *slot = xcalloc(cap, sizeof(*slot)); /* endpoint + 1; 0: free */
	uint32_t *cls = xcalloc(s->nep ? s->nep : 1, sizeof(*cls));
	for (size_t j = 0; j < s->nep; j++) {
		size_t k = class_hash(s, j) & (cap - 1);
		while (slot[k] && !same_class(s, slot[k] - 1, j))
			k = (k + 1) & (cap - 1);
		if (!slot[k])
			slot[k] = (uint32_t)j + 1;
		cls[j] = slot[k] - 1;
	}
	free(slot);
	return cls;
}

struct memo_entry {
	uint32_t stamp, cls;   /* stamp: the source the entry is for; 0 none */
	uint64_t mask;
	bool live;             /* verdict initialized */
	struct connset verdict;
};

struct memo {
	const uint32_t *cls;   /* per endpoint; NULL: no memo (policy tiers) */
	struct memo_entry *e;
	size_t cap, used;
	uint32_t stamp;        /* this source's; entries of others are free */
	bool on;               /* this source's egress rules fit the mask */
	const struct solver *s;
};

static void memo_release(struct memo *mm)
{
	for (size_t i = 0; i < mm->cap; i++)
		if (mm->e[i].live)
			connset_release(&mm->e[i].verdict);
	free(mm->e);
}

/* A new source with about n destinations to weigh. */
static void memo_source(const struct solver *s, struct memo *mm, size_t src, size_t n)
{
	mm->on = mm->cls && n >= MEMO_MIN_DESTINATIONS &&
		 s->eps[src].nrules[DIR_EGRESS] <= MEMO_MAX_RULES;
	if (!mm->on)
		return;
	if (mm->cap < 2 * n) {
		size_t cap = pow2_at_least(2 * n);
		memo_release(mm);
		mm->e = xcalloc(cap, sizeof(*mm->e));
		mm->cap = cap;
		mm->stamp = 0;
	}
	mm->used = 0;
	if (++mm->stamp == 0) {
		/* The stamps wrapped: every entry is free again. */
		for (size_t i = 0; i < mm->cap; i++)
			mm->e[i].stamp = 0;
		mm->stamp = 1;
	}
}

/* src's verdict towards the endpoint dst (src != dst), from the memo when a like
 * destination was weighed before. */
static const struct connset *memo_allowed(const struct solver *s, struct memo *mm,
					  const struct sref *src, const struct sref *dst,
					  struct connset *conns, struct connset *tmp)
{
	size_t d = (size_t)dst->ep->index;
	const struct sendpoint *se = &s->eps[src->ep->index];
	uint64_t mask = 0;
	if (se->isolated[DIR_EGRESS])
		for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++)
			if (solver_rule_matches(s, &s->rules[se->rules[DIR_EGRESS][i]], dst))
				mask |= (uint64_t)1 << i;
	uint32_t c = mm->cls[d];
	size_t k = (mix(mix(1469598103934665603u, c), mask) >> 7) & (mm->cap - 1);
	struct memo_entry *e;
	while ((e = &mm->e[k])->stamp == mm->stamp) {
		if (e->cls == c && e->mask == mask)
			return &e->verdict;
		k = (k + 1) & (mm->cap - 1);
	}
	solver_allowed_tmp(s, src, dst, conns, tmp);
	if (mm->used * 2 >= mm->cap)
		return conns; /* full enough: no more entries for this source */
	if (!e->live) {
		connset_init(&e->verdict);
		e->live = true;
	}
	e->stamp = mm->stamp;
	e->cls = c;
	e->mask = mask;
	connset_copy(&e->verdict, conns);
	mm->used++;
	return conns;
}

struct verdict_memo *verdict_memo_new(const struct solver *s)
{
	struct memo *mm = xcalloc(1, sizeof(*mm));
	mm->cls = s->tiers ? NULL : classes(s);
	mm->s = s;
	return (struct verdict_memo *)mm;
}

void verdict_memo_free(struct verdict_memo *vm)
{
	struct memo *mm = (struct memo *)vm;
	if (!mm)
		return;
	memo_release(mm);
	free((uint32_t *)mm->cls);
	free(mm);
}

void verdict_memo_source(struct verdict_memo *vm, size_t src, size_t n)
{
	struct memo *mm = (struct memo *)vm;
	memo_source(mm->s, mm, src, n);
}

const struct connset *verdict_memo_allowed(struct verdict_memo *vm, const struct sref *src,
					   const struct sref *dst, struct connset *out,
					   struct connset *tmp)
{
	struct memo *mm = (struct memo *)vm;
	if (mm->on && src->ep && dst->ep && src->ep != dst->ep)
		return memo_allowed(mm->s, mm, src, dst, out, tmp);
	solver_allowed_tmp(mm->s, src, dst, out, tmp);
	return out;
}

/* May the endpoint src open anything towards an external range? Not when its egress is
 * isolated and none of its egress rules names addresses or every peer: then each
 * external destination's verdict is empty (SPEC 2), and none is visited. */
static bool egress_leaves_cluster(const struct solver *s, size_t src)
{
	const struct sendpoint *se = &s->eps[src];
	if (s->tiers || !se->isolated[DIR_EGRESS])
		return true;
	for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++) {
		const struct srule *r = &s->rules[se->rules[DIR_EGRESS][i]];
		if (r->all_peers || r->ip[0].n || r->ip[1].n)
			return true;
	}
	return false;
}

/* The pair's connections, narrowed to the focus, kept for output when any is left. */
static void visit(const struct solver *s, const struct focus *f, struct pending *p,
		  const struct side *src, const struct side *dst, size_t rank,
		  struct connset *conns, struct memo *mm)
{
	if (!focus_keeps(f, &src->ref, &dst->ref))
		return;
	if (mm && mm->on && src->ref.ep && dst->ref.ep && src->ref.ep != dst->ref.ep) {
		const struct connset *v = memo_allowed(s, mm, &src->ref, &dst->ref, conns,
							  conns + 1);
		if (!f) {
			if (!connset_is_empty(v))
				pend(p, src, dst, rank, v);
			return;
		}
		if (v != conns)
			connset_copy(conns, v);
	} else {
		solver_allowed_tmp(s, &src->ref, &dst->ref, conns, conns + 1);
	}
	if (focus_narrow(f, conns))
		pend(p, src, dst, rank, conns);
}

void connlist_each(const struct solver *s, void (*fn)(void *ctx, const struct conn_line *l),
		   void *ctx)
{
	connlist_each_focus(s, NULL, fn, ctx);
}

void connlist_each_focus(const struct solver *s, const struct focus *f,
			 void (*fn)(void *ctx, const struct conn_line *l), void *ctx)
{
	const struct model *m = s->m;
	size_t nsrc_ext, ndst_ext;
	struct side *src_ext = externals(s, DIR_INGRESS, &nsrc_ext);
	struct side *dst_ext = externals(s, DIR_EGRESS, &ndst_ext);
	struct side *eps = xcalloc(s->nep ? s->nep : 1, sizeof(*eps));
	size_t *ep_rank = xcalloc(s->nep + 1, sizeof(*ep_rank));
	size_t *ext_rank = xcalloc(ndst_ext + 1, sizeof(*ext_rank));
	struct cand c;
	struct pending p = { NULL, 0, 0, 0, NULL, 0 };
	/* The pair's verdict and the solver's scratch set */
	struct connset conns[2];
	struct memo mm = { s->tiers ? NULL : classes(s), NULL, 0, 0, 0, false, s };
	/* Sources that keep only the focused destinations visit those alone, and only
	 * those that let them in. */
	bool to_focus = f && f->nitems && f->dir != FOCUS_EGRESS;
	uint64_t *may = to_focus ? connlist_sources(s, f->eps, f->neps) : NULL;

	/* Endpoints are already sorted by name. */
	for (size_t i = 0; i < s->nep; i++) {
		eps[i].ref = (struct sref){ .ep = m->endpoints[i] };
		eps[i].name = (char *)m->endpoints[i]->display;
	}
	/* Destinations in name order: endpoints and external ranges merged. */
	for (size_t a = 0, b = 0, r = 0; a < ndst_ext || b < s->nep; r++) {
		if (b >= s->nep || (a < ndst_ext && strcmp(dst_ext[a].name, eps[b].name) < 0))
			ext_rank[a++] = r;
		else
			ep_rank[b++] = r;
	}
	cand_init(&c, s);
	connset_init(&conns[0]);
	connset_init(&conns[1]);
	/* Sources in name order: external ranges and endpoints merged. */
	for (size_t a = 0, b = 0; a < nsrc_ext || b < s->nep;) {
		bool ext = b >= s->nep || (a < nsrc_ext && strcmp(src_ext[a].name, eps[b].name) < 0);
		const struct side *src = ext ? &src_ext[a++] : &eps[b++];
		size_t i = ext ? 0 : b - 1;
		/* A source's name is read (escaped) at its first line: ask for it ahead, it
		 * lies in the model, away from everything else walked here. */
		if (b + 4 < s->nep)
			PREFETCH(eps[b + 4].name);
		if (!focus_src_all(f, &src->ref)) {
			/* Only the focused destinations (f->eps, in name order; the focused
			 * external ranges after them are merged by the sort in flush). */
			for (size_t k = 0; to_focus && k < f->neps; k++)
				if (ext || (f->eps[k] != i && CONNLIST_MAY(may, s, k, i)))
					visit(s, f, &p, src, &eps[f->eps[k]], ep_rank[f->eps[k]], conns, NULL);
			for (size_t k = 0; !ext && to_focus && f->nips && k < ndst_ext; k++)
				visit(s, f, &p, src, &dst_ext[k], ext_rank[k], conns, NULL);
		} else if (ext) {
			for (size_t j = 0; j < s->nep; j++)
				visit(s, f, &p, src, &eps[j], ep_rank[j], conns, NULL);
		} else {
			connlist_candidates(s, i, &c);
			memo_source(s, &mm, i, c.n);
			for (size_t k = 0; k < c.n; k++)
				if (c.v[k] != i)
					visit(s, f, &p, src, &eps[c.v[k]], ep_rank[c.v[k]], conns,
					      &mm);
			size_t next = ndst_ext && egress_leaves_cluster(s, i) ? ndst_ext : 0;
			for (size_t k = 0; k < next; k++)
				visit(s, f, &p, src, &dst_ext[k], ext_rank[k], conns, NULL);
		}
		flush(&p, fn, ctx);
	}
	connset_release(&conns[0]);
	connset_release(&conns[1]);
	pend_release(&p);
	memo_release(&mm);
	free((uint32_t *)mm.cls);
	free(may);
	cand_release(&c);
	free(eps);
	free(ep_rank);
	free(ext_rank);
	for (size_t i = 0; i < nsrc_ext; i++)
		free(src_ext[i].name);
	for (size_t i = 0; i < ndst_ext; i++)
		free(dst_ext[i].name);
	free(src_ext);
	free(dst_ext);
}

void conn_line_format(const struct conn_line *l, struct strbuf *out)
{
	strbuf_addf(out, "%s => %s : ", l->src, l->dst);
	connset_format(&l->conns, out);
}

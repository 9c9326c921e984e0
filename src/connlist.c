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

struct pending {
	struct pend_line *l;
	size_t n, cap;
};

static void pend(struct pending *p, const struct side *src, const struct side *dst,
		 size_t rank, struct connset *c)
{
	XGROW(p->l, p->cap, p->n + 1);
	struct pend_line *pl = &p->l[p->n++];
	pl->rank = rank;
	pl->l.src = src->name;
	pl->l.dst = dst->name;
	pl->l.src_ref = src->ref;
	pl->l.dst_ref = dst->ref;
	pl->l.conns = *c; /* taken over */
	connset_init(c);
}

static int line_rank_cmp(const void *pa, const void *pb)
{
	size_t a = ((const struct pend_line *)pa)->rank, b = ((const struct pend_line *)pb)->rank;
	return (a > b) - (a < b);
}

static void flush(struct pending *p, void (*fn)(void *, const struct conn_line *), void *ctx)
{
	if (p->n > 1)
		qsort(p->l, p->n, sizeof(*p->l), line_rank_cmp);
	for (size_t i = 0; i < p->n; i++) {
		fn(ctx, &p->l[i].l);
		connset_release(&p->l[i].l.conns);
	}
	p->n = 0;
}

/* The pair's connections, narrowed to the focus, kept for output when any is left. */
static void visit(const struct solver *s, const struct focus *f, struct pending *p,
		  const struct side *src, const struct side *dst, size_t rank,
		  struct connset *conns)
{
	if (!focus_keeps(f, &src->ref, &dst->ref))
		return;
	solver_allowed(s, &src->ref, &dst->ref, conns);
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
	struct pending p = { NULL, 0, 0 };
	struct connset conns;
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
	connset_init(&conns);
	/* Sources in name order: external ranges and endpoints merged. */
	for (size_t a = 0, b = 0; a < nsrc_ext || b < s->nep;) {
		bool ext = b >= s->nep || (a < nsrc_ext && strcmp(src_ext[a].name, eps[b].name) < 0);
		const struct side *src = ext ? &src_ext[a++] : &eps[b++];
		size_t i = ext ? 0 : b - 1;
		if (!focus_src_all(f, &src->ref)) {
			/* Only the focused destinations (f->eps, in name order; the focused
			 * external ranges after them are merged by the sort in flush). */
			for (size_t k = 0; to_focus && k < f->neps; k++)
				if (ext || (f->eps[k] != i && CONNLIST_MAY(may, s, k, i)))
					visit(s, f, &p, src, &eps[f->eps[k]], ep_rank[f->eps[k]], &conns);
			for (size_t k = 0; !ext && to_focus && f->nips && k < ndst_ext; k++)
				visit(s, f, &p, src, &dst_ext[k], ext_rank[k], &conns);
		} else if (ext) {
			for (size_t j = 0; j < s->nep; j++)
				visit(s, f, &p, src, &eps[j], ep_rank[j], &conns);
		} else {
			connlist_candidates(s, i, &c);
			for (size_t k = 0; k < c.n; k++)
				if (c.v[k] != i)
					visit(s, f, &p, src, &eps[c.v[k]], ep_rank[c.v[k]], &conns);
			for (size_t k = 0; k < ndst_ext; k++)
				visit(s, f, &p, src, &dst_ext[k], ext_rank[k], &conns);
		}
		flush(&p, fn, ctx);
	}
	connset_release(&conns);
	free(p.l);
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

/* Enumerate every allowed connection: endpoint pairs and external ranges. */
#include <stdlib.h>
#include <string.h>

#include "connlist.h"

struct builder {
	struct conn_line *lines;
	size_t n, cap;
};

static void add_line(struct builder *b, const struct sref *src, const struct sref *dst,
		     struct connset *conns)
{
	struct strbuf sb = STRBUF_INIT;
	XGROW(b->lines, b->cap, b->n + 1);
	struct conn_line *l = &b->lines[b->n++];
	l->src_ref = *src;
	l->dst_ref = *dst;
	sref_format(src, &sb);
	l->src = strbuf_detach(&sb);
	sref_format(dst, &sb);
	l->dst = strbuf_detach(&sb);
	l->conns = *conns; /* takes ownership */
	connset_init(conns);
}

static int line_cmp(const void *pa, const void *pb)
{
	const struct conn_line *a = pa, *b = pb;
	int c = strcmp(a->src, b->src);
	return c ? c : strcmp(a->dst, b->dst);
}

void connlist_build(const struct solver *s, struct conn_line **out, size_t *n)
{
	const struct model *m = s->m;
	struct builder b = { NULL, 0, 0 };
	struct connset c;
	int families = s->has_v6 ? 2 : 1;

	connset_init(&c);
	for (size_t i = 0; i < m->nendpoints; i++) {
		struct sref src = { .ep = m->endpoints[i] };
		for (size_t j = 0; j < m->nendpoints; j++) {
			if (i == j)
				continue;
			struct sref dst = { .ep = m->endpoints[j] };
			solver_allowed(s, &src, &dst, &c);
			if (!connset_is_empty(&c))
				add_line(&b, &src, &dst, &c);
		}
		for (int f = 0; f < families; f++)
			for (size_t k = 0; k < s->next[DIR_EGRESS][f]; k++) {
				struct sref dst = { NULL, f ? AF_V6 : AF_V4, s->ext[DIR_EGRESS][f][k].lo,
						    s->ext[DIR_EGRESS][f][k].hi };
				solver_allowed(s, &src, &dst, &c);
				if (!connset_is_empty(&c))
					add_line(&b, &src, &dst, &c);
			}
	}
	for (int f = 0; f < families; f++)
		for (size_t k = 0; k < s->next[DIR_INGRESS][f]; k++) {
			struct sref src = { NULL, f ? AF_V6 : AF_V4, s->ext[DIR_INGRESS][f][k].lo,
					    s->ext[DIR_INGRESS][f][k].hi };
			for (size_t j = 0; j < m->nendpoints; j++) {
				struct sref dst = { .ep = m->endpoints[j] };
				solver_allowed(s, &src, &dst, &c);
				if (!connset_is_empty(&c))
					add_line(&b, &src, &dst, &c);
			}
		}
	connset_release(&c);
	if (b.n > 1)
		qsort(b.lines, b.n, sizeof(*b.lines), line_cmp);
	*out = b.lines;
	*n = b.n;
}

void connlist_free(struct conn_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(lines[i].src);
		free(lines[i].dst);
		connset_release(&lines[i].conns);
	}
	free(lines);
}

void conn_line_format(const struct conn_line *l, struct strbuf *out)
{
	strbuf_addf(out, "%s => %s : ", l->src, l->dst);
	connset_format(&l->conns, out);
}

/* Every allowed connection of a model, as the lines `list` prints, in sorted order. */
#ifndef NPCHECK_CONNLIST_H
#define NPCHECK_CONNLIST_H

#include "focus.h"
#include "solver.h"

struct conn_line {
	const char *src, *dst; /* endpoint names as in the output contract */
	struct sref src_ref, dst_ref;
	struct connset conns;  /* never empty */
};

/*
 * Call fn for every pair with some allowed connection, sorted by source then
 * destination name; a pair of an endpoint with itself is left out, as are
 * external-to-external pairs. The line and its strings are valid during the call only.
 * The work grows with the output, not with the number of pairs: candidates come from
 * the rules' peer sets, not from a walk over every destination.
 */
void connlist_each(const struct solver *s, void (*fn)(void *ctx, const struct conn_line *l),
		   void *ctx);
/* The same, for the pairs the focus keeps (f may be NULL: every pair), each connection
 * set narrowed to --focus-conn. A source that keeps only the focused destinations is
 * paired with those alone, so a focus on a few endpoints costs a few pairs per source. */
void connlist_each_focus(const struct solver *s, const struct focus *f,
			 void (*fn)(void *ctx, const struct conn_line *l), void *ctx);
/* The endpoints (indexes, unsorted) an endpoint may reach: every other destination
 * denies it everything. cand_init sizes the set for a solver; cand_release frees it. */
struct cand {
	uint32_t *v;
	size_t n, cap;
	uint32_t *stamp; /* stamp[j] == tag: j is already a candidate */
	uint32_t tag;
};
void cand_init(struct cand *c, const struct solver *s);
void cand_release(struct cand *c);
void connlist_candidates(const struct solver *s, size_t src, struct cand *c);

/*
 * Verdicts between endpoints, remembered per source: destinations alike for every rule
 * (same ingress isolation and rules, same container ports, same matching egress rules of
 * the source) share one verdict. verdict_memo_source starts a source with about n
 * destinations to weigh (entries of the previous source are dropped);
 * verdict_memo_allowed gives src's verdict towards dst: the memo's, or out, computed with
 * the scratch set tmp (both initialized, the caller's); valid until the next call. Heap;
 * the memo reads the solver, which must outlive it.
 */
struct verdict_memo;
struct verdict_memo *verdict_memo_new(const struct solver *s);
void verdict_memo_free(struct verdict_memo *vm);
void verdict_memo_source(struct verdict_memo *vm, size_t src, size_t n);
const struct connset *verdict_memo_allowed(struct verdict_memo *vm, const struct sref *src,
					   const struct sref *dst, struct connset *out,
					   struct connset *tmp);

/* For destinations dsts[0 .. n): which endpoints may reach each, as bits k * nep + i
 * (source i, destination dsts[k]); a source not marked is denied everything, loopback
 * of a single pod included as allowed. Heap; the caller frees. */
uint64_t *connlist_sources(const struct solver *s, const uint32_t *dsts, size_t n);
#define CONNLIST_MAY(bits, s, k, i) \
	(((bits)[((k) * (s)->nep + (i)) / 64] >> (((k) * (s)->nep + (i)) % 64)) & 1)

/* "SRC => DST : CONNS" */
void conn_line_format(const struct conn_line *l, struct strbuf *out);

#endif

/* Every allowed connection of a model, as the lines `list` and `diff` print. */
#ifndef NPCHECK_CONNLIST_H
#define NPCHECK_CONNLIST_H

#include "solver.h"

struct conn_line {
	char *src, *dst;       /* heap: endpoint names as in the output contract */
	struct sref src_ref, dst_ref;
	struct connset conns;  /* never empty */
};

/* All pairs with some allowed connection, sorted by source then destination; a pair of
 * an endpoint with itself is left out, as are external-to-external pairs. The caller
 * frees the array with connlist_free. */
void connlist_build(const struct solver *s, struct conn_line **out, size_t *n);
void connlist_free(struct conn_line *lines, size_t n);
/* "SRC => DST : CONNS" */
void conn_line_format(const struct conn_line *l, struct strbuf *out);

#endif

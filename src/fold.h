/* Folding pods into their owners, exactly (fold.c): internal to model building. */
#ifndef NPCHECK_FOLD_H
#define NPCHECK_FOLD_H

#include "model.h"

/* What every owner is folded against: the selectors and ipBlocks of the valid policies.
 * Built after validation, before any endpoint is final; the caller frees it. */
struct fold *fold_new(struct model *m);
void fold_free(struct fold *f);

/*
 * The endpoints of one owner: grp holds the provisional endpoints (Pods, and templates)
 * whose owner is owner_display; owner is the owner's object when the input has it.
 * Appends one endpoint, or one per class when policies tell the pods apart, to *out
 * (a heap array of *cap), and points every member's object at its endpoint.
 */
void fold_owner(struct fold *f, struct endpoint **grp, size_t n, struct object *owner,
		const char *owner_kind, const char *owner_name, const char *owner_display,
		struct endpoint ***out, size_t *nout, size_t *cap);

#endif

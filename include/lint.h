/* The lint rules beyond loading and validation (their writers: out.h). */
#ifndef NPCHECK_LINT_H
#define NPCHECK_LINT_H

#include "config.h"
#include "diag.h"
#include "model.h"

/* Run every lint rule over a loaded model, reporting to d. The solver-backed rules
 * (missing-dns-egress, redundant-rule, ...) build their own solver over m. */
void lint_run(struct model *m, const struct config *cfg, struct diag *d);
/* The same on up to jobs threads (1: this one only); the findings are the same, in the
 * same order, whatever jobs. */
void lint_run_threads(struct model *m, const struct config *cfg, struct diag *d,
		      unsigned jobs);

#endif

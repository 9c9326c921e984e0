/* The lint rules beyond loading and validation (their writers: out.h). */
#ifndef NPCHECK_LINT_H
#define NPCHECK_LINT_H

#include "config.h"
#include "diag.h"
#include "model.h"

/* Run every lint rule over a loaded model, reporting to d. The solver-backed rules
 * (missing-dns-egress, redundant-rule, ...) build their own solver over m. */
void lint_run(struct model *m, const struct config *cfg, struct diag *d);

#endif

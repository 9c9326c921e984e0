/* The lint rules beyond loading and validation, and the writers of their findings. */
#ifndef NPCHECK_LINT_H
#define NPCHECK_LINT_H

#include "cli.h"
#include "config.h"
#include "diag.h"
#include "model.h"

/* Run every lint rule over a loaded model, reporting to d. The solver-backed rules
 * (missing-dns-egress, redundant-rule, ...) build their own solver over m. */
void lint_run(struct model *m, const struct config *cfg, struct diag *d);
/* Write the (sorted) findings in the given format to stdout. */
void lint_write(struct cli *cli, const char *format, const struct diag *d);

#endif

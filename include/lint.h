/* The lint rules beyond loading and validation, and the writers of their findings. */
#ifndef NPCHECK_LINT_H
#define NPCHECK_LINT_H

#include "cli.h"
#include "diag.h"
#include "model.h"

/* Run every lint rule over a loaded model, reporting to d. */
void lint_run(struct model *m, struct diag *d);
/* Write the (sorted) findings in the given format to stdout. */
void lint_write(struct cli *cli, const char *format, const struct diag *d);

#endif

/* Lint findings as text: FILE:LINE:COL: SEVERITY: MESSAGE [RULE], with a summary. */
#include <stdio.h>
#include <string.h>

#include "lint.h"

static const char *sev_color(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "\033[1;31m";
	case SEV_WARNING: return "\033[1;33m";
	default: return "\033[1;36m";
	}
}

static void write_text(struct cli *cli, const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed)
			continue;
		if (cli->color_on)
			printf("\033[1m%s:%d:%d:\033[0m %s%s:\033[0m %s [%s]\n",
			       f->pos.file ? f->pos.file : "<input>", f->pos.line, f->pos.col,
			       sev_color(f->severity), severity_name(f->severity), f->message,
			       rule_table[f->rule].id);
		else
			printf("%s:%d:%d: %s: %s [%s]\n", f->pos.file ? f->pos.file : "<input>",
			       f->pos.line, f->pos.col, severity_name(f->severity), f->message,
			       rule_table[f->rule].id);
	}
	if (!cli->quiet && d->n)
		fprintf(stderr, "%zu error(s), %zu warning(s), %zu info\n",
			diag_count(d, SEV_ERROR), diag_count(d, SEV_WARNING), diag_count(d, SEV_INFO));
}

void lint_write(struct cli *cli, const char *format, const struct diag *d)
{
	if (!strcmp(format, "text"))
		write_text(cli, d);
	else
		write_text(cli, d);
}

/* Lint findings as text (FILE:LINE:COL: SEVERITY: MESSAGE [RULE]), and the table of lint
 * writers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "lint.h"
#include "out.h"

static const struct lint_writer {
	const char *format;
	void (*write)(const struct lint_report *r);
} lint_writers[] = {
	{ "text", out_lint_text },
	{ "json", out_lint_json },
	{ "sarif", out_lint_sarif },
	{ "junit", out_lint_junit },
	{ "github", out_lint_github },
	{ "md", out_lint_md },
};

void lint_write_report(const char *format, const struct lint_report *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(lint_writers); i++) {
		if (!strcmp(lint_writers[i].format, format)) {
			lint_writers[i].write(r);
			return;
		}
	}
	BUG("lint format without a writer");
}

static const char *sev_color(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "\033[1;31m";
	case SEV_WARNING: return "\033[1;33m";
	default: return "\033[1;36m";
	}
}

/* Suppressed findings are not shown; the summary on stderr counts the others. */
void out_lint_text(const struct lint_report *r)
{
	const struct diag *d = r->d;
	struct strbuf file = STRBUF_INIT, msg = STRBUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed)
			continue;
		escape_text_str(&file, f->pos.file ? f->pos.file : "<input>");
		escape_text_str(&msg, f->message);
		if (r->color)
			printf("\033[1m%s:%d:%d:\033[0m %s%s:\033[0m %s [%s]\n", file.buf, f->pos.line,
			       f->pos.col, sev_color(f->severity), severity_name(f->severity), msg.buf,
			       rule_table[f->rule].id);
		else
			printf("%s:%d:%d: %s: %s [%s]\n", file.buf, f->pos.line, f->pos.col,
			       severity_name(f->severity), msg.buf, rule_table[f->rule].id);
	}
	strbuf_release(&file);
	strbuf_release(&msg);
	if (!r->quiet && d->n)
		fprintf(stderr, "%zu error(s), %zu warning(s), %zu info\n",
			diag_count(d, SEV_ERROR), diag_count(d, SEV_WARNING), diag_count(d, SEV_INFO));
}

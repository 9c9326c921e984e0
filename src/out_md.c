/* Lint findings as Markdown: a summary line and a table, for a CI job summary
 * ($GITHUB_STEP_SUMMARY) or a merge request comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "out.h"

/* A table cell: escape.h's md form (no new cell, row or HTML), and emphasis, links and
 * code spans kept literal. */
static void add_cell(struct strbuf *sb, const char *s)
{
	struct strbuf md = STRBUF_INIT;
	escape_md(&md, s);
	for (const char *p = md.buf; *p; p++) {
		if (strchr("`*_[]", *p))
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *p);
	}
	strbuf_release(&md);
}

static void add_count(struct strbuf *sb, size_t n, const char *one, const char *many)
{
	strbuf_addf(sb, "%zu %s", n, n == 1 ? one : many);
}

/*
 * ### npcheck lint
 * **1 error, 2 warnings, 0 info** (1 suppressed)
 * | Severity | Rule | Location | Message |
 * Files are named from the repository root; suppressed findings are counted, not listed.
 */
void out_lint_md(const struct lint_report *r)
{
	const struct diag *d = r->d;
	struct strbuf sb = STRBUF_INIT;
	size_t suppressed = 0, shown = 0;

	for (size_t i = 0; i < d->n; i++)
		suppressed += d->items[i].suppressed;
	strbuf_addstr(&sb, "### npcheck lint\n\n**");
	add_count(&sb, diag_count(d, SEV_ERROR), "error", "errors");
	strbuf_addstr(&sb, ", ");
	add_count(&sb, diag_count(d, SEV_WARNING), "warning", "warnings");
	strbuf_addf(&sb, ", %zu info**", diag_count(d, SEV_INFO));
	if (suppressed)
		strbuf_addf(&sb, " (%zu suppressed)", suppressed);
	strbuf_addstr(&sb, "\n\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed)
			continue;
		if (!shown++)
			strbuf_addstr(&sb, "| Severity | Rule | Location | Message |\n"
					   "|---|---|---|---|\n");
		char *file = out_repo_path(f->pos.file ? f->pos.file : "<input>");
		strbuf_addf(&sb, "| %s | `%s` | ", severity_name(f->severity), rule_table[f->rule].id);
		add_cell(&sb, file);
		strbuf_addf(&sb, ":%d:%d | ", f->pos.line, f->pos.col);
		add_cell(&sb, f->message);
		strbuf_addstr(&sb, " |\n");
		free(file);
	}
	if (!shown)
		strbuf_addstr(&sb, "No findings.\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

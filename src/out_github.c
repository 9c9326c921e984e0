/* Lint findings as GitHub Actions workflow commands, shown as annotations on the lines. */
#include <stdio.h>
#include <stdlib.h>

#include "escape.h"
#include "out.h"

/* ::error file=F,line=L,col=C,title=RULE::MESSAGE (warning; notice for info), with F
 * relative to the repository, each escaped as GitHub reads a workflow command (escape.h):
 * no message can end the line and start a command of its own. Suppressed findings are
 * left out. */
void out_lint_github(const struct lint_report *r)
{
	static const char *const cmd[] = { "notice", "notice", "warning", "error" };
	const struct diag *d = r->d;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed)
			continue;
		char *file = out_repo_path(f->pos.file ? f->pos.file : "<input>");
		strbuf_addf(&sb, "::%s file=", cmd[f->severity]);
		escape_github(&sb, file, true);
		strbuf_addf(&sb, ",line=%d,col=%d,title=", f->pos.line, f->pos.col);
		escape_github(&sb, rule_table[f->rule].id, true);
		strbuf_addstr(&sb, "::");
		escape_github(&sb, f->message, false);
		strbuf_addch(&sb, '\n');
		free(file);
	}
	if (sb.len)
		fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

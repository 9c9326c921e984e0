/* Lint findings as GitHub Actions workflow commands, shown as annotations on the lines. */
#include <stdio.h>
#include <stdlib.h>

#include "out.h"

/* GitHub's escaping: '%', CR and LF in a message; also ':' and ',' in a property. */
static void add_escaped(struct strbuf *sb, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			strbuf_addstr(sb, "%25");
		else if (*s == '\r')
			strbuf_addstr(sb, "%0D");
		else if (*s == '\n')
			strbuf_addstr(sb, "%0A");
		else if (property && *s == ':')
			strbuf_addstr(sb, "%3A");
		else if (property && *s == ',')
			strbuf_addstr(sb, "%2C");
		else
			strbuf_addch(sb, *s);
	}
}

/* ::error file=F,line=L,col=C,title=RULE::MESSAGE (warning; notice for info), with F
 * relative to the repository. Suppressed findings are left out. */
void out_lint_github(struct cli *cli, const struct lint_report *r)
{
	static const char *const cmd[] = { "notice", "notice", "warning", "error" };
	const struct diag *d = r->d;
	struct strbuf sb = STRBUF_INIT;

	(void)cli;
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed)
			continue;
		char *file = out_repo_path(f->pos.file ? f->pos.file : "<input>");
		strbuf_addf(&sb, "::%s file=", cmd[f->severity]);
		add_escaped(&sb, file, true);
		strbuf_addf(&sb, ",line=%d,col=%d,title=", f->pos.line, f->pos.col);
		add_escaped(&sb, rule_table[f->rule].id, true);
		strbuf_addstr(&sb, "::");
		add_escaped(&sb, f->message, false);
		strbuf_addch(&sb, '\n');
		free(file);
	}
	if (sb.len)
		fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

/* Lint findings as JSON (SPEC §3), and the small JSON writer the JSON formats share. */
#include <stdio.h>
#include <string.h>

#include "out.h"

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
	strbuf_init(&w->sb);
}

/* Two spaces for each container, of the depth first ones, that is not on one line. */
static void jw_indent(struct jw *w, int depth)
{
	for (int i = 0; i < depth; i++)
		if (!w->inline_[i])
			strbuf_addstr(&w->sb, "  ");
}

/* Whatever goes before a value: the separator, a line break, the key. */
static void jw_member(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		int d = w->depth - 1;
		if (!w->first[d])
			strbuf_addch(&w->sb, ',');
		if (w->inline_[d]) {
			if (!w->first[d])
				strbuf_addch(&w->sb, ' ');
		} else {
			strbuf_addch(&w->sb, '\n');
			jw_indent(w, w->depth);
		}
		w->first[d] = false;
	}
	if (key) {
		strbuf_add_json_str(&w->sb, key);
		strbuf_addstr(&w->sb, ": ");
	}
}

static void jw_open(struct jw *w, const char *key, char open, char close, bool inline_,
		    bool lines)
{
	if (w->depth >= JW_MAX_DEPTH)
		BUG("JSON nested too deep");
	jw_member(w, key);
	strbuf_addch(&w->sb, open);
	w->close[w->depth] = close;
	w->first[w->depth] = true;
	w->inline_[w->depth] = !lines && (inline_ || (w->depth > 0 && w->inline_[w->depth - 1]));
	w->depth++;
}

void jw_object(struct jw *w, const char *key, bool inline_)
{
	jw_open(w, key, '{', '}', inline_, false);
}

void jw_array(struct jw *w, const char *key, bool inline_)
{
	jw_open(w, key, '[', ']', inline_, false);
}

void jw_lines(struct jw *w, const char *key)
{
	jw_open(w, key, '[', ']', false, true);
}

void jw_end(struct jw *w)
{
	if (w->depth <= 0)
		BUG("JSON container closed twice");
	int d = --w->depth;
	if (!w->inline_[d] && !w->first[d]) {
		strbuf_addch(&w->sb, '\n');
		jw_indent(w, d);
	}
	strbuf_addch(&w->sb, w->close[d]);
}

void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_member(w, key);
	if (s)
		strbuf_add_json_str(&w->sb, s);
	else
		strbuf_addstr(&w->sb, "null");
}

void jw_int(struct jw *w, const char *key, long long v)
{
	jw_member(w, key);
	strbuf_addf(&w->sb, "%lld", v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_member(w, key);
	strbuf_addstr(&w->sb, v ? "true" : "false");
}

void jw_flush(struct jw *w, FILE *f, size_t at_least)
{
	if (w->sb.len && w->sb.len >= at_least) {
		fwrite(w->sb.buf, 1, w->sb.len, f);
		strbuf_reset(&w->sb);
	}
}

void jw_finish(struct jw *w, FILE *f)
{
	if (w->depth)
		BUG("JSON left open");
	strbuf_addch(&w->sb, '\n');
	fwrite(w->sb.buf, 1, w->sb.len, f);
	strbuf_release(&w->sb);
}

/*
 * {"findings":[{"rule","severity","message","file","line","column",
 * "object":{"kind","namespace","name"}}],"summary":{"error":N,"warning":N,"info":N}},
 * one finding a line. Suppressed findings are left out, as in text: the JSON shape is
 * the SPEC's and has no place for them (SARIF and JUnit carry them). "object" is null
 * for a finding about no object (a file that does not parse), "namespace" is null for
 * a cluster-scoped one.
 */
void out_lint_json(struct cli *cli, const struct lint_report *r)
{
	const struct diag *d = r->d;
	struct jw w;

	(void)cli;
	jw_init(&w);
	jw_object(&w, NULL, false);
	jw_int(&w, "version", NPCHECK_JSON_VERSION);
	jw_array(&w, "findings", false);
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed)
			continue;
		jw_object(&w, NULL, true);
		jw_str(&w, "rule", rule_table[f->rule].id);
		jw_str(&w, "severity", severity_name(f->severity));
		jw_str(&w, "message", f->message);
		jw_str(&w, "file", f->pos.file ? f->pos.file : "<input>");
		jw_int(&w, "line", f->pos.line);
		jw_int(&w, "column", f->pos.col);
		if (f->obj_kind) {
			jw_object(&w, "object", true);
			jw_str(&w, "kind", f->obj_kind);
			jw_str(&w, "namespace", f->obj_ns);
			jw_str(&w, "name", f->obj_name);
			jw_end(&w);
		} else {
			jw_str(&w, "object", NULL);
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_object(&w, "summary", true);
	jw_int(&w, "error", (long long)diag_count(d, SEV_ERROR));
	jw_int(&w, "warning", (long long)diag_count(d, SEV_WARNING));
	jw_int(&w, "info", (long long)diag_count(d, SEV_INFO));
	jw_end(&w);
	jw_end(&w);
	jw_finish(&w, stdout);
}

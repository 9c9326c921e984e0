/* Lint findings as a JUnit XML report: a test suite per file, a test case per finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

static const char *file_of(const struct finding *f)
{
	return f->pos.file ? f->pos.file : "<input>";
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Findings by file name as shown (a finding without a file is "<input>"), each file's
 * in their order: the diag's sort puts a missing file first, not where "<input>" sorts. */
struct by_file {
	const char *file;
	size_t i;
};

static int by_file_cmp(const void *pa, const void *pb)
{
	const struct by_file *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

static struct by_file *findings_by_file(const struct diag *d)
{
	struct by_file *v = xcalloc(d->n + 1, sizeof(*v));
	for (size_t i = 0; i < d->n; i++) {
		v[i].file = file_of(&d->items[i]);
		v[i].i = i;
	}
	if (d->n > 1)
		qsort(v, d->n, sizeof(*v), by_file_cmp);
	return v;
}

/* The suites: every file read, and every file a finding names (sorted, unique). */
static const char **suite_names(const struct lint_report *r, size_t *n)
{
	const struct diag *d = r->d;
	const char **names = xcalloc(r->nfiles + d->n + 1, sizeof(*names));
	size_t k = 0, u = 0;

	for (size_t i = 0; i < r->nfiles; i++)
		names[k++] = r->files[i];
	for (size_t i = 0; i < d->n; i++)
		names[k++] = file_of(&d->items[i]);
	if (k > 1)
		qsort(names, k, sizeof(*names), strp_cmp);
	for (size_t i = 0; i < k; i++)
		if (!u || strcmp(names[u - 1], names[i]))
			names[u++] = names[i];
	*n = u;
	return names;
}

static void add_attr(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, " %s=\"", name);
	strbuf_add_xml(sb, value);
	strbuf_addch(sb, '"');
}

/* A test fails as the run does: at or above --fail-on (error unless set). */
static bool fails(const struct lint_report *r, const struct finding *f)
{
	return !f->suppressed && (int)f->severity >= (r->fail_on > SEV_OFF ? r->fail_on : SEV_ERROR);
}

static void add_finding(struct strbuf *sb, const struct lint_report *r, const struct finding *f)
{
	struct strbuf name = STRBUF_INIT, text = STRBUF_INIT;
	const char *sev = severity_name(f->severity);

	strbuf_addf(&name, "%d:%d: %s", f->pos.line, f->pos.col, f->message);
	char *file = out_repo_path(file_of(f));
	strbuf_addf(&text, "%s:%d:%d: %s: %s [%s]", file, f->pos.line, f->pos.col, sev,
		    f->message, rule_table[f->rule].id);
	free(file);
	strbuf_addstr(sb, "    <testcase");
	add_attr(sb, "classname", rule_table[f->rule].id);
	add_attr(sb, "name", name.buf);
	strbuf_addstr(sb, ">\n");
	if (f->suppressed) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addstr(&why, "suppressed by an npcheck.io/ignore annotation");
		if (f->suppress_reason)
			strbuf_addf(&why, ": %s", f->suppress_reason);
		strbuf_addstr(sb, "      <skipped");
		add_attr(sb, "message", why.buf);
		strbuf_addstr(sb, "/>\n");
		strbuf_release(&why);
	} else if (fails(r, f)) {
		strbuf_addstr(sb, "      <failure");
		add_attr(sb, "message", f->message);
		add_attr(sb, "type", sev);
		strbuf_addch(sb, '>');
		strbuf_add_xml(sb, text.buf);
		strbuf_addstr(sb, "</failure>\n");
	} else {
		/* below --fail-on: reported, but not a failure */
		strbuf_addstr(sb, "      <system-out>");
		strbuf_add_xml(sb, text.buf);
		strbuf_addstr(sb, "</system-out>\n");
	}
	strbuf_addstr(sb, "    </testcase>\n");
	strbuf_release(&name);
	strbuf_release(&text);
}

/*
 * <testsuites> holding one <testsuite> per file (name = its path) with a <testcase> per
 * finding (classname = rule id, name = "LINE:COL: MESSAGE"): a <failure> for a finding at
 * or above --fail-on, <skipped/> for a suppressed finding, <system-out> for the others,
 * so that the report fails exactly when the exit status says findings. A file without
 * findings is a suite with one passing test case.
 */
void out_lint_junit(const struct lint_report *r)
{
	const struct diag *d = r->d;
	struct strbuf sb = STRBUF_INIT, body = STRBUF_INIT;
	size_t nsuites, j = 0, tests = 0, failures = 0, skipped = 0;
	const char **suites = suite_names(r, &nsuites);
	struct by_file *order = findings_by_file(d);

	for (size_t s = 0; s < nsuites; s++) {
		size_t t = 0, fl = 0, sk = 0;
		struct strbuf cases = STRBUF_INIT;
		for (; j < d->n && !strcmp(order[j].file, suites[s]); j++) {
			const struct finding *f = &d->items[order[j].i];
			add_finding(&cases, r, f);
			t++;
			sk += f->suppressed;
			fl += fails(r, f);
		}
		if (!t) {
			strbuf_addstr(&cases, "    <testcase classname=\"npcheck\" name=\"no findings\"/>\n");
			t = 1;
		}
		/* named from the repository root, as SARIF and GitHub name files */
		char *name = out_repo_path(suites[s]);
		strbuf_addstr(&body, "  <testsuite");
		add_attr(&body, "name", name);
		free(name);
		strbuf_addf(&body, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
			    t, fl, sk);
		strbuf_add(&body, cases.buf, cases.len);
		strbuf_addstr(&body, "  </testsuite>\n");
		strbuf_release(&cases);
		tests += t;
		failures += fl;
		skipped += sk;
	}
	if (j != d->n)
		BUG("a finding's file is not a suite");
	strbuf_addstr(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(&sb, "<testsuites name=\"npcheck lint\" tests=\"%zu\" failures=\"%zu\" "
			 "errors=\"0\" skipped=\"%zu\">\n", tests, failures, skipped);
	if (body.len)
		strbuf_add(&sb, body.buf, body.len);
	strbuf_addstr(&sb, "</testsuites>\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	strbuf_release(&body);
	free(suites);
	free(order);
}

/* The lint writers, one per format in src/out_<format>.c, and the helpers they share. */
#ifndef NPCHECK_OUT_H
#define NPCHECK_OUT_H

#include <stdio.h>

#include "cli.h"
#include "diag.h"

/*
 * What a lint writer reports: the sorted findings, suppressed ones included (each
 * format decides what to do with them), and the files that were read, sorted and
 * without duplicates, so that a format with a section per file (junit) names the clean
 * ones too. files may be NULL: then only the files with findings are known. The writer
 * owns nothing here.
 */
struct lint_report {
	const struct diag *d;
	const char *const *files;
	size_t nfiles;
	int fail_on;   /* the severity that fails the run (--fail-on, failOn); 0: error */
};

/* lint_write (lint.h) when the files read are known. format must be one that the lint
 * command accepts. */
void lint_write_report(struct cli *cli, const char *format, const struct lint_report *r);

/* The writers, each printing to stdout (out_<format>.c). */
void out_lint_text(struct cli *cli, const struct lint_report *r);
void out_lint_json(struct cli *cli, const struct lint_report *r);
void out_lint_sarif(struct cli *cli, const struct lint_report *r);
void out_lint_junit(struct cli *cli, const struct lint_report *r);
void out_lint_github(struct cli *cli, const struct lint_report *r);
void out_lint_md(struct cli *cli, const struct lint_report *r);

/*
 * The repository findings are named from (out_path.c): GITHUB_WORKSPACE when set, else
 * git's top level for the current directory, else the current directory; an absolute,
 * resolved path without a trailing '/', found once per run. NULL when none is known.
 */
const char *out_repo_root(void);
/*
 * A finding's file as a path relative to the repository root, whatever the current
 * directory: made absolute from the current directory, "." and ".." resolved, and the
 * root taken off. A file outside the root stays absolute; a name that is no path
 * ("<stdin>", "<input>") is kept. Returns a heap string the caller frees.
 */
char *out_repo_path(const char *path);

/*
 * A small JSON writer that indents by two spaces. A container opened "inline" prints
 * its members, and all it contains, on one line. key is NULL for array elements and
 * the top-level value. jw_lines opens an array whose elements go one a line even
 * inside a one-line container; lines are indented by the containers not on one line.
 * jw_flush writes the text so far to f once it holds at_least bytes (the document goes
 * on). jw_finish writes the text and a newline to f and releases it.
 */
#define JW_MAX_DEPTH 16
struct jw {
	struct strbuf sb;
	int depth;
	char close[JW_MAX_DEPTH];
	bool first[JW_MAX_DEPTH], inline_[JW_MAX_DEPTH];
};
void jw_init(struct jw *w);
void jw_object(struct jw *w, const char *key, bool inline_);
void jw_array(struct jw *w, const char *key, bool inline_);
void jw_lines(struct jw *w, const char *key);
void jw_end(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *s); /* NULL: null */
void jw_int(struct jw *w, const char *key, long long v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_flush(struct jw *w, FILE *f, size_t at_least);
void jw_finish(struct jw *w, FILE *f);

#endif

/* npcheck lint: load, validate and run the lint rules; print the findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "lint.h"
#include "out.h"

static int cmd_lint(struct cli *cli);

const struct command cmd_lint_entry = {
	.name = "lint",
	.exec = cmd_lint,
	.usage = "[PATH...]",
	.summary = "validate manifests and report lint findings",
	.formats = "text,json,sarif,junit,github,md",
	.reads_input = true,
	.options = {
		{ OPT_FAIL_ON, NULL, NULL },
	},
};

/* ignorePaths: findings in matching files are dropped entirely, as if never reported. */
static void drop_ignored(const struct config *cfg, struct diag *d)
{
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!config_ignores(cfg, d->items[i].pos.file))
			d->items[k++] = d->items[i];
	d->n = k;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files read, as the model knows them (each object's file), without the ignored
 * ones; sorted and unique. The array is the caller's; the strings are the arena's. */
static const char **files_read(const struct model *m, const struct config *cfg, size_t *n)
{
	const char **files = xcalloc(m->nobjects + 1, sizeof(*files));
	size_t k = 0, u = 0;
	for (size_t i = 0; i < m->nobjects; i++)
		if (m->objects[i]->file && !config_ignores(cfg, m->objects[i]->file))
			files[k++] = m->objects[i]->file;
	if (k > 1)
		qsort(files, k, sizeof(*files), strp_cmp);
	for (size_t i = 0; i < k; i++)
		if (!u || strcmp(files[u - 1], files[i]))
			files[u++] = files[i];
	*n = u;
	return files;
}

static int cmd_lint(struct cli *cli)
{
	const char *const *paths;
	size_t npaths;
	const char *fmt = cli_format(cli);
	struct arena *a;
	struct diag d;
	struct model m;
	struct model_options mo;
	struct lint_report report;
	const char **files;
	int fail_on = SEV_ERROR, rc;

	if (!fmt)
		return EXIT_USAGE;
	if (cli->fail_on) {
		fail_on = severity_parse(cli->fail_on);
		if (fail_on <= SEV_OFF)
			return cli_usage_error(cli, "--fail-on takes error, warning or info, not '%s'%s",
					       cli->fail_on,
					       cli_did_you_mean(cli->fail_on, "error,warning,info"));
	}
	if (cli_input_paths(cli, &paths, &npaths))
		return EXIT_USAGE;
	/* main.c loaded the configuration; --fail-on wins over its failOn */
	const struct config *cfg = cli->config;
	if (!cfg)
		BUG("lint runs without the configuration");
	if (!cli->fail_on && cfg->fail_on > SEV_OFF)
		fail_on = cfg->fail_on;
	a = arena_new();
	diag_init(&d, a);
	config_apply(cfg, &d);
	cli_model_options(cli, &mo);
	mo.quiet_unmodelled = true;
	model_load(&m, a, &d, paths, npaths, &mo);
	lint_run_threads(&m, cfg, &d, model_jobs(cli->jobs));
	drop_ignored(cfg, &d);
	diag_sort(&d);
	files = files_read(&m, cfg, &report.nfiles);
	report.d = &d;
	report.files = files;
	report.fail_on = fail_on;
	report.color = cli->color_on;
	report.quiet = cli->quiet;
	lint_write_report(fmt, &report);

	/* SPEC §3: an unreadable input wins; then unsuppressed findings at --fail-on. */
	if (d.input_error)
		rc = EXIT_INPUT;
	else if ((int)diag_worst(&d) >= fail_on)
		rc = EXIT_FINDINGS;
	else
		rc = EXIT_CLEAN;
	free(files);
	model_free(&m);
	diag_release(&d);
	arena_free(a);
	return rc;
}

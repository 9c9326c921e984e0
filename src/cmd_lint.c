/* npcheck lint: load, validate and run the lint rules; print the findings. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lint.h"

int cmd_lint(struct cli *cli)
{
	const char *const *paths;
	size_t npaths;
	const char *fmt = cli_format(cli);
	struct arena *a;
	struct diag d;
	struct model m;
	struct model_options mo = { cli->ns, cli->verbose };
	int fail_on = SEV_ERROR, rc;

	if (!fmt)
		return EXIT_USAGE;
	if (cli->fail_on) {
		fail_on = severity_parse(cli->fail_on);
		if (fail_on <= SEV_OFF)
			return cli_usage_error(cli, "--fail-on takes error, warning or info, not '%s'",
					       cli->fail_on);
	}
	if (cli_input_paths(cli, &paths, &npaths))
		return EXIT_USAGE;
	struct config cfg;
	config_defaults(&cfg);
	if (config_load(&cfg, cli->config_path)) {
		config_release(&cfg);
		return EXIT_USAGE;
	}
	if (!cli->fail_on && cfg.fail_on > SEV_OFF)
		fail_on = cfg.fail_on;
	a = arena_new();
	diag_init(&d, a);
	config_apply(&cfg, &d);
	model_load(&m, a, &d, paths, npaths, &mo);
	lint_run(&m, &cfg, &d);
	diag_sort(&d);
	lint_write(cli, fmt, &d);

	if (d.input_error)
		rc = EXIT_INPUT;
	else if ((int)diag_worst(&d) >= fail_on)
		rc = EXIT_FINDINGS;
	else
		rc = EXIT_CLEAN;
	model_free(&m);
	diag_release(&d);
	arena_free(a);
	config_release(&cfg);
	return rc;
}

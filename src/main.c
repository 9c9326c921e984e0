/* npcheck's entry point: the command table, one command run (its options checked, the
 * configuration loaded), shared helpers of the commands, and the exit status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "escape.h"
#include "suggest.h"

/* The commands, in the order of the help: each declared in its cmd_<name>.c. */
const struct command *const commands[] = {
	&cmd_lint_entry, &cmd_reach_entry, &cmd_list_entry, &cmd_matrix_entry,
	&cmd_explain_entry, &cmd_diff_entry, &cmd_exposure_entry, &cmd_rules_entry, NULL,
};

const struct command *command_lookup(const char *name)
{
	for (const struct command *const *c = commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

/* "no such command 'lnit'; did you mean 'lint'?" (help is a command too). Returns
 * whether there was a suggestion. */
static bool no_such_command(const char *name)
{
	struct suggest sg;
	suggest_init(&sg, name);
	for (const struct command *const *c = commands; *c; c++)
		suggest_add(&sg, (*c)->name);
	suggest_add(&sg, "help");
	/* the name is as typed: escaped (a suggestion is one of ours) */
	if (suggest_best(&sg))
		escape_eprintf("npcheck: no such command '%s'; did you mean '%s'?", name,
			       suggest_best(&sg));
	else
		escape_eprintf("npcheck: no such command '%s'", name);
	return suggest_best(&sg) != NULL;
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	struct strbuf msg = STRBUF_INIT, cmd = STRBUF_INIT, text = STRBUF_INIT;
	/* The arguments quoted in a usage error may hold anything: escape it all. */
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "npcheck%s%s: %s\n", cli->command ? " " : "",
		cli->command ? escape_text_str(&cmd, cli->command) : "",
		escape_text_str(&text, msg.buf ? msg.buf : ""));
	strbuf_release(&msg);
	strbuf_release(&cmd);
	strbuf_release(&text);
	return EXIT_USAGE;
}

int cli_input_paths(struct cli *cli, const char *const **paths, size_t *n)
{
	static const char *const stdin_path[] = { "-" };
	if (cli->nargs) {
		*paths = cli->args;
		*n = cli->nargs;
		return 0;
	}
	if (isatty(STDIN_FILENO)) {
		command_usage(command_lookup(cli->command), false);
		return -1;
	}
	*paths = stdin_path;
	*n = 1;
	cli->stdin_implicit = true;
	return 0;
}

const char *cli_did_you_mean(const char *word, const char *choices)
{
	static char hint[96];
	char buf[256];
	struct suggest sg;
	snprintf(buf, sizeof(buf), "%s", choices);
	suggest_init(&sg, word);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		suggest_add(&sg, t);
	if (!suggest_best(&sg))
		return "";
	snprintf(hint, sizeof(hint), "; did you mean '%s'?", suggest_best(&sg));
	return hint;
}

const char *cli_format(struct cli *cli)
{
	const struct command *c = command_lookup(cli->command);
	const char *f = c->formats;
	size_t first = strcspn(f, ",");
	static char def[16];
	if (!cli->output) {
		if (first >= sizeof(def))
			BUG("format name too long");
		memcpy(def, f, first);
		def[first] = '\0';
		return def;
	}
	for (const char *p = f; *p;) {
		size_t n = strcspn(p, ",");
		if (strlen(cli->output) == n && !strncmp(p, cli->output, n))
			return cli->output;
		p += n + (p[n] == ',');
	}
	cli_usage_error(cli, "unknown output format '%s' (expected one of: %s)%s", cli->output, f,
			cli_did_you_mean(cli->output, f));
	return NULL;
}

void cli_print_input_errors(struct cli *cli, const struct diag *d)
{
	struct strbuf file = STRBUF_INIT, msg = STRBUF_INIT;
	(void)cli;
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (f->suppressed || f->severity < SEV_ERROR)
			continue;
		if (f->rule != RULE_YAML_SYNTAX && f->rule != RULE_INVALID_SPEC &&
		    f->rule != RULE_UNSUPPORTED_PROTOCOL && f->rule != RULE_UNKNOWN_FIELD &&
		    f->rule != RULE_DUPLICATE_OBJECT)
			continue;
		fprintf(stderr, "%s:%d:%d: %s: %s [%s]\n",
			escape_text_str(&file, f->pos.file ? f->pos.file : "<input>"), f->pos.line,
			f->pos.col, severity_name(f->severity), escape_text_str(&msg, f->message),
			rule_table[f->rule].id);
	}
	strbuf_release(&file);
	strbuf_release(&msg);
}

static bool skip_ignored(void *ctx, const char *path)
{
	return config_ignores(ctx, path);
}

void cli_model_options(const struct cli *cli, struct model_options *mo)
{
	*mo = (struct model_options){ .default_ns = cli->ns, .verbose = cli->verbose,
				      .jobs = cli->jobs, .max_file = cli->max_input,
				      .max_total = cli->max_total,
				      .stdin_implicit = cli->stdin_implicit };
	if (cli->config) {
		mo->skip_file = skip_ignored;
		mo->skip_ctx = (void *)cli->config;
		mo->operators = &cli->config->operators;
	}
}

int cli_load(struct cli *cli, const char *const *paths, size_t npaths, struct loaded *l)
{
	struct model_options mo;
	cli_model_options(cli, &mo);
	l->arena = arena_new();
	diag_init(&l->diag, l->arena);
	model_load(&l->model, l->arena, &l->diag, paths, npaths, &mo);
	diag_sort(&l->diag);
	cli_print_input_errors(cli, &l->diag);
	return l->diag.input_error ? EXIT_INPUT : EXIT_CLEAN;
}

void cli_unload(struct loaded *l)
{
	model_free(&l->model);
	diag_release(&l->diag);
	arena_free(l->arena);
}

/*
 * Every byte written to stdout is checked once, at the end: stdio keeps the first error
 * (ferror), and the final flush and close report any later one (a full disk, /dev/full,
 * a closed pipe when SIGPIPE is ignored). A failed write is a system error (exit 4)
 * whatever the command found: its output is incomplete. SIGPIPE keeps its default
 * action, so `npcheck list | head` ends quietly, as every filter does.
 */
static int close_stdout(int rc)
{
	bool failed = ferror(stdout) != 0;
	errno = 0;
	if (fclose(stdout) != 0)
		failed = true;
	if (!failed)
		return rc;
	fprintf(stderr, "npcheck: cannot write the output: %s\n",
		strerror(errno ? errno : EIO));
	return EXIT_INTERNAL;
}

static int run(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct config cfg;
	int rc;

	/* Completion takes the words as typed, options included: before getopt sees them. */
	const char *base = argc ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : argc ? argv[0] : "";
	if (!strcmp(base, "kubectl_complete-npcheck") || (argc > 1 && !strcmp(argv[1], "__complete"))) {
		int skip = strcmp(base, "kubectl_complete-npcheck") ? 2 : 1;
		cli.command = "__complete";
		cli.args = (const char **)argv + skip;
		cli.nargs = (size_t)(argc - skip);
		return cmd_complete(&cli);
	}
	if (cli_parse(&cli, argc, argv))
		return EXIT_USAGE;
	if (cli.version) {
		printf("npcheck %s\n", NPCHECK_VERSION);
		return EXIT_CLEAN;
	}
	if (!cli.command) {
		cli_usage(cli.help ? stdout : stderr);
		return cli.help ? EXIT_CLEAN : EXIT_USAGE;
	}
	if (!strcmp(cli.command, "help")) {
		if (!cli.nargs) {
			cli_usage(stdout);
			return EXIT_CLEAN;
		}
		const struct command *hc = command_lookup(cli.args[0]);
		if (!hc) {
			no_such_command(cli.args[0]);
			return EXIT_USAGE;
		}
		command_usage(hc, true);
		return EXIT_CLEAN;
	}
	const struct command *cmd = command_lookup(cli.command);
	if (!cmd) {
		/* The whole usage only when no command comes close. */
		if (!no_such_command(cli.command)) {
			fprintf(stderr, "\n");
			cli_usage(stderr);
		}
		return EXIT_USAGE;
	}
	if (cli.help) {
		command_usage(cmd, true);
		return EXIT_CLEAN;
	}
	if (cli_check_options(&cli, cmd))
		return EXIT_USAGE;
	const char *nc = getenv("NO_COLOR");
	cli.color_on = cli.color == COLOR_ALWAYS ||
		       (cli.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !(nc && *nc));
	/* One configuration for every command that reads manifests: a bad one is a usage
	 * error (SPEC 5) wherever it is given. */
	if (cmd->reads_input) {
		config_defaults(&cfg);
		if (config_load(&cfg, cli.config_path)) {
			config_release(&cfg);
			return EXIT_USAGE;
		}
		cli.config = &cfg;
	}
	rc = cmd->exec(&cli);
	if (cli.config)
		config_release(&cfg);
	return rc;
}

int main(int argc, char **argv)
{
	return close_stdout(run(argc, argv));
}

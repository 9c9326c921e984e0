/* npcheck's entry point: global options, the command table, and the exit status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "suggest.h"

const struct command commands[] = {
	{ "lint", cmd_lint, "npcheck lint [options] [PATH...]",
	  "validate manifests and report lint findings", "text,json,sarif,junit,github,md" },
	{ "reach", cmd_reach, "npcheck reach [options] SRC DST [-p PORT] [--protocol P] [PATH...]",
	  "verdict for one connection, with the deciding policies", "text,json" },
	{ "list", cmd_list, "npcheck list [options] [PATH...]",
	  "every allowed connection between endpoints", "text,json,csv,md,dot" },
	{ "matrix", cmd_matrix,
	  "npcheck matrix [options] [--port LIST] [--protocol LIST] [PATH...]",
	  "the truth table over all endpoint pairs", "text,csv,json,md" },
	{ "explain", cmd_explain, "npcheck explain [options] [--pod ENDPOINT] [PATH...]",
	  "what each endpoint's policies allow, in words", "text,json" },
	{ "diff", cmd_diff, "npcheck diff [options] OLD NEW\n       npcheck diff [options] --base REV [PATH...]",
	  "connections added, removed and changed between two manifest sets", "text,json,csv,md" },
	{ "rules", cmd_rules, "npcheck rules [-o json] [RULE...]",
	  "every lint rule: id, default severity, summary (with RULE: its rationale)",
	  "text,json" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const char global_options[] =
	"Options:\n"
	"  -n, --namespace NS     namespace for objects without metadata.namespace\n"
	"  -c, --config FILE      configuration (default: .npcheck.yaml or .npcheck.yml)\n"
	"  -o, --output FORMAT    output format\n"
	"      --color WHEN       auto, always or never (NO_COLOR is honoured)\n"
	"      --fail-on SEV      lint: exit 1 at or above error, warning or info\n"
	"  -p, --port PORT        reach: a port number or name; matrix: a list\n"
	"      --protocol P       TCP, UDP or SCTP (matrix: a list)\n"
	"      --pod ENDPOINT     explain: only this endpoint\n"
	"      --base REV         diff: compare PATH at git revision REV with the work tree\n"
	"      --max-rows N       matrix: print at most N rows (default 1000000)\n"
	"      --focus ENDPOINT[,...]\n"
	"                         list, matrix, explain, diff: only connections of these\n"
	"      --focus-direction ingress|egress\n"
	"                         with --focus: only into (ingress) or out of (egress) them\n"
	"      --focus-conn PROTO-PORT\n"
	"                         only connections that allow this one (tcp-8080)\n"
	"  -j, --jobs N           threads for parsing (default: one per CPU)\n"
	"      --max-input-size N bytes read from one file or stdin (default 256M)\n"
	"      --max-total-input N\n"
	"                         bytes read from all inputs (default 1G)\n"
	"  -q, --quiet            print less\n"
	"  -v, --verbose          print more (the documents and kinds skipped)\n"
	"  -h, --help             this help\n"
	"      --version          print the version\n";

const struct command *command_lookup(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* "no such command 'lnit'; did you mean 'lint'?" (help is a command too). Returns
 * whether there was a suggestion. */
static bool no_such_command(const char *name)
{
	struct suggest sg;
	suggest_init(&sg, name);
	for (const struct command *c = commands; c->name; c++)
		suggest_add(&sg, c->name);
	suggest_add(&sg, "help");
	/* the name is as typed: escaped (a suggestion is one of ours) */
	if (suggest_best(&sg))
		escape_eprintf("npcheck: no such command '%s'; did you mean '%s'?", name,
			       suggest_best(&sg));
	else
		escape_eprintf("npcheck: no such command '%s'", name);
	return suggest_best(&sg) != NULL;
}

void command_usage(const struct command *c, bool full)
{
	printf("usage: %s\n\n%s.\nFormats (-o): %s\n", c->usage, c->summary, c->formats);
	if (full)
		printf("\n%s", global_options);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: npcheck COMMAND [options] [ARGS...]\n\n"
		   "Offline analyzer and linter for Kubernetes NetworkPolicy.\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "  %-8s %s\n", "help", "usage of a command");
	fprintf(f, "\n%s\nRun 'npcheck help COMMAND' for a command's usage; 'man npcheck' for "
		   "the rules and semantics.\n", global_options);
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

int cli_load(struct cli *cli, const char *const *paths, size_t npaths, struct loaded *l)
{
	struct model_options mo = { .default_ns = cli->ns, .verbose = cli->verbose,
				    .jobs = cli->jobs, .max_file = cli->max_input,
				    .max_total = cli->max_total, .stdin_implicit = cli->stdin_implicit };
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

enum {
	OPT_COLOR = 256, OPT_FAIL_ON, OPT_PROTOCOL, OPT_POD, OPT_BASE, OPT_VERSION, OPT_MAX_ROWS,
	OPT_MAX_INPUT, OPT_MAX_TOTAL,
	OPT_FOCUS, OPT_FOCUS_DIR, OPT_FOCUS_CONN,
};

/* --focus values, every one (the option repeats), joined by commas. */
static struct strbuf focus_values = STRBUF_INIT;

/* A byte count: digits, then an optional K, M or G (KiB, MiB, GiB; "KiB" too), from 1
 * byte to 1 TiB. Returns 0 when s is not one. */
static size_t parse_size(const char *s)
{
	static const struct { const char *suffix; unsigned shift; } units[] = {
		{ "", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 },
		{ "G", 30 }, { "GiB", 30 },
	};
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		if (v > (1ULL << 40) >> units[i].shift)
			return 0;
		return (size_t)(v << units[i].shift);
	}
	return 0;
}

static const struct option long_options[] = {
	{ "namespace", required_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "port", required_argument, NULL, 'p' },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "pod", required_argument, NULL, OPT_POD },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "max-rows", required_argument, NULL, OPT_MAX_ROWS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "max-input-size", required_argument, NULL, OPT_MAX_INPUT },
	{ "max-total-input", required_argument, NULL, OPT_MAX_TOTAL },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "focus-direction", required_argument, NULL, OPT_FOCUS_DIR },
	{ "focus-conn", required_argument, NULL, OPT_FOCUS_CONN },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* "unknown option '--fial-on'; did you mean '--fail-on'?" */
static int unknown_option(struct cli *cli, const char *arg)
{
	struct suggest sg;
	char word[64];
	size_t n;
	if (strncmp(arg, "--", 2))
		return cli_usage_error(cli, "unknown option '%s'", arg);
	n = strcspn(arg + 2, "=");
	if (n >= sizeof(word))
		return cli_usage_error(cli, "unknown option '%s'", arg);
	memcpy(word, arg + 2, n);
	word[n] = '\0';
	suggest_init(&sg, word);
	for (const struct option *o = long_options; o->name; o++)
		suggest_add(&sg, o->name);
	if (!suggest_best(&sg))
		return cli_usage_error(cli, "unknown option '--%s'", word);
	return cli_usage_error(cli, "unknown option '--%s'; did you mean '--%s'?", word,
			       suggest_best(&sg));
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
	bool help = false;
	int c;

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
	/* Options may stand anywhere: GNU getopt moves the operands to the end, and the
	 * first operand is the command. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:c:o:p:j:qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'n': cli.ns = optarg; break;
		case 'c': cli.config_path = optarg; break;
		case 'o': cli.output = optarg; break;
		case 'p': cli.port = optarg; break;
		case 'j': {
			char *end;
			errno = 0;
			unsigned long n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' || n < 1 || n > 1024)
				return cli_usage_error(&cli, "--jobs takes a number from 1 to 1024, not '%s'", optarg);
			cli.jobs = (unsigned)n;
			break;
		}
		case 'q': cli.quiet = true; break;
		case 'v': cli.verbose = true; break;
		case 'h': help = true; break;
		case OPT_FAIL_ON: cli.fail_on = optarg; break;
		case OPT_PROTOCOL: cli.protocol = optarg; break;
		case OPT_POD: cli.pod = optarg; break;
		case OPT_BASE: cli.base = optarg; break;
		case OPT_MAX_ROWS: {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' || *optarg == '+' || n < 1)
				return cli_usage_error(&cli, "--max-rows takes a positive number, not '%s'", optarg);
			cli.max_rows = (uint64_t)n;
			break;
		}
		case OPT_MAX_INPUT:
		case OPT_MAX_TOTAL: {
			size_t n = parse_size(optarg);
			if (!n)
				return cli_usage_error(&cli, "%s takes a size in bytes (a number, then K, M "
						       "or G) from 1 to 1T, not '%s'",
						       c == OPT_MAX_INPUT ? "--max-input-size"
									  : "--max-total-input", optarg);
			*(c == OPT_MAX_INPUT ? &cli.max_input : &cli.max_total) = n;
			break;
		}
		case OPT_FOCUS:
			if (focus_values.len)
				strbuf_addch(&focus_values, ',');
			strbuf_addstr(&focus_values, optarg);
			cli.focus = focus_values.buf;
			break;
		case OPT_FOCUS_DIR: cli.focus_dir = optarg; break;
		case OPT_FOCUS_CONN: cli.focus_conn = optarg; break;
		case OPT_VERSION:
			printf("npcheck %s\n", NPCHECK_VERSION);
			return EXIT_CLEAN;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				cli.color = COLOR_AUTO;
			else if (!strcmp(optarg, "always"))
				cli.color = COLOR_ALWAYS;
			else if (!strcmp(optarg, "never"))
				cli.color = COLOR_NEVER;
			else
				return cli_usage_error(&cli, "--color takes auto, always or never, not '%s'%s",
						       optarg, cli_did_you_mean(optarg, "auto,always,never"));
			break;
		case ':':
			return cli_usage_error(&cli, "option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt && optopt < 256)
				return cli_usage_error(&cli, "unknown option '-%c'", optopt);
			return unknown_option(&cli, argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli.command = argv[optind++];
	cli.args = (const char **)argv + optind;
	cli.nargs = (size_t)(argc - optind);

	if (!cli.command) {
		usage(help ? stdout : stderr);
		return help ? EXIT_CLEAN : EXIT_USAGE;
	}
	if (!strcmp(cli.command, "help")) {
		if (!cli.nargs) {
			usage(stdout);
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
			usage(stderr);
		}
		return EXIT_USAGE;
	}
	if (help) {
		command_usage(cmd, true);
		return EXIT_CLEAN;
	}
	if (cli.max_rows && cmd->exec != cmd_matrix)
		return cli_usage_error(&cli, "--max-rows applies to matrix only");
	if ((cli.focus || cli.focus_dir || cli.focus_conn) && cmd->exec != cmd_list &&
	    cmd->exec != cmd_matrix && cmd->exec != cmd_explain && cmd->exec != cmd_diff)
		return cli_usage_error(&cli, "%s applies to list, matrix, explain and diff only",
				       cli.focus ? "--focus" : cli.focus_dir ? "--focus-direction"
									   : "--focus-conn");
	const char *nc = getenv("NO_COLOR");
	cli.color_on = cli.color == COLOR_ALWAYS ||
		       (cli.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !(nc && *nc));
	return cmd->exec(&cli);
}

int main(int argc, char **argv)
{
	int rc = run(argc, argv);
	strbuf_release(&focus_values);
	return close_stdout(rc);
}

/* The command line: the option table (options.def), reading argv into struct cli, which
 * options each command takes, and the help made from the commands' declarations. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "suggest.h"

/* The type of the struct cli field each kind of option writes. */
#define OPT_TYPE_STR const char *
#define OPT_TYPE_FLAG bool
#define OPT_TYPE_JOBS unsigned
#define OPT_TYPE_ROWS uint64_t
#define OPT_TYPE_SIZE size_t
#define OPT_TYPE_COLOR enum color_mode
#define OPT_TYPE_LIST const char *

const struct cli_opt cli_opts[OPT__COUNT] = {
#define OPTION(id, sh, lo, ar, ki, fi, sc, va, he)                                          \
	[OPT_##id] = { sh, lo, ar, OPTK_##ki, offsetof(struct cli, fi), SCOPE_##sc, va, he },
#include "options.def"
#undef OPTION
};

/* A field of the wrong type for its kind would be written through the wrong pointer;
 * a flag has no value to name, every other kind has one. */
#define OPTION(id, sh, lo, ar, ki, fi, sc, va, he)                                          \
	_Static_assert(_Generic(((struct cli *)0)->fi, OPT_TYPE_##ki: 1, default: 0),        \
		       "--" lo ": struct cli's " #fi " is not of kind " #ki);                 \
	_Static_assert(_Generic(1 ? (ar) : (ar), void *: OPTK_##ki == OPTK_FLAG,              \
				default: OPTK_##ki != OPTK_FLAG),                            \
		       "--" lo ": ARG is NULL exactly for a FLAG");
#include "options.def"
#undef OPTION

/* Option id in c's own list, or NULL (c may be NULL). */
static const struct command_option *own_option(const struct command *c, enum cli_opt_id id)
{
	for (size_t i = 0; c && i < COMMAND_MAX_OPTIONS && c->options[i].id; i++)
		if (c->options[i].id == id)
			return &c->options[i];
	return NULL;
}

bool command_takes(const struct command *c, enum cli_opt_id id)
{
	switch (cli_opts[id].scope) {
	case SCOPE_ALL:
		return true;
	case SCOPE_INPUT:
		return c->reads_input;
	case SCOPE_OWN:
		return own_option(c, id) != NULL;
	}
	BUG("unknown option scope");
}

const char *command_option_help(const struct command *c, enum cli_opt_id id)
{
	const struct command_option *co = own_option(c, id);
	/* A hidden option stays hidden whatever a command says of it. */
	return co && co->help && cli_opts[id].help ? co->help : cli_opts[id].help;
}

const char *command_option_arg(const struct command *c, enum cli_opt_id id)
{
	const struct command_option *co = own_option(c, id);
	return co && co->arg ? co->arg : cli_opts[id].arg;
}

/* ---- reading argv ---- */

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

/* Store the value of option id, read as its kind says. Returns 0, or EXIT_USAGE after
 * saying what the option takes. */
static int set_value(struct cli *cli, enum cli_opt_id id, const char *arg)
{
	const struct cli_opt *o = &cli_opts[id];
	void *field = (char *)cli + o->offset;
	char *end;

	switch (o->kind) {
	case OPTK_STR:
		*(const char **)field = arg;
		return 0;
	case OPTK_FLAG:
		*(bool *)field = true;
		return 0;
	case OPTK_LIST: {
		/* Given again: the values so far, a comma, this one (held until exit). */
		static struct strbuf lists[OPT__COUNT];
		struct strbuf *sb = &lists[id];
		if (*(const char **)field) {
			if (!sb->len)
				strbuf_addstr(sb, *(const char **)field);
			strbuf_addch(sb, ',');
			strbuf_addstr(sb, arg);
			*(const char **)field = sb->buf;
		} else {
			*(const char **)field = arg;
		}
		return 0;
	}
	case OPTK_JOBS: {
		errno = 0;
		unsigned long n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || *arg == '-' || n < 1 || n > 1024)
			return cli_usage_error(cli, "--%s takes a number from 1 to 1024, not '%s'",
					       o->long_name, arg);
		*(unsigned *)field = (unsigned)n;
		return 0;
	}
	case OPTK_ROWS: {
		errno = 0;
		unsigned long long n = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || *arg == '-' || *arg == '+' || n < 1)
			return cli_usage_error(cli, "--%s takes a positive number, not '%s'",
					       o->long_name, arg);
		*(uint64_t *)field = (uint64_t)n;
		return 0;
	}
	case OPTK_SIZE: {
		size_t n = parse_size(arg);
		if (!n)
			return cli_usage_error(cli, "--%s takes a size in bytes (a number, then K, M "
					       "or G) from 1 to 1T, not '%s'", o->long_name, arg);
		*(size_t *)field = n;
		return 0;
	}
	case OPTK_COLOR: {
		static const char *const words[] = { "auto", "always", "never" };
		for (size_t i = 0; i < ARRAY_SIZE(words); i++)
			if (!strcmp(arg, words[i])) {
				*(enum color_mode *)field = (enum color_mode)i;
				return 0;
			}
		return cli_usage_error(cli, "--%s takes auto, always or never, not '%s'%s",
				       o->long_name, arg,
				       cli_did_you_mean(arg, "auto,always,never"));
	}
	}
	BUG("unknown option kind");
}

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
	/* getopt takes a prefix of one long name for it; a prefix of several is no option */
	struct strbuf names = STRBUF_INIT;
	int nprefix = 0;
	for (int i = 1; i < OPT__COUNT; i++)
		if (cli_opts[i].help && !strncmp(cli_opts[i].long_name, word, n))
			strbuf_addf(&names, "%s--%s", nprefix++ ? ", " : "", cli_opts[i].long_name);
	if (nprefix > 1) {
		cli_usage_error(cli, "option '--%s' is ambiguous: %s", word, names.buf);
		strbuf_release(&names);
		return EXIT_USAGE;
	}
	strbuf_release(&names);
	suggest_init(&sg, word);
	for (int i = 1; i < OPT__COUNT; i++)
		suggest_add(&sg, cli_opts[i].long_name);
	if (!suggest_best(&sg))
		return cli_usage_error(cli, "unknown option '--%s'", word);
	return cli_usage_error(cli, "unknown option '--%s'; did you mean '--%s'?", word,
			       suggest_best(&sg));
}

int cli_parse(struct cli *cli, int argc, char **argv)
{
	/* getopt's tables, made from cli_opts: a long option's value is 256 + its id. */
	struct option longopts[OPT__COUNT];
	char shortopts[1 + 2 * OPT__COUNT + 1];
	size_t nl = 0, ns = 0;
	unsigned order = 0;
	int c;

	shortopts[ns++] = ':';
	for (int i = 1; i < OPT__COUNT; i++) {
		const struct cli_opt *o = &cli_opts[i];
		/* A hidden option setting the field of an earlier one is its alias (--colour):
		 * it is that option, and a prefix of both is no ambiguity. */
		int id = i;
		for (int j = 1; j < i && !o->help; j++)
			if (cli_opts[j].offset == o->offset)
				id = j;
		longopts[nl++] = (struct option){ o->long_name,
						  o->arg ? required_argument : no_argument, NULL,
						  256 + id };
		if (o->short_name) {
			shortopts[ns++] = o->short_name;
			if (o->arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[ns] = '\0';

	/* Options may stand anywhere: GNU getopt moves the operands to the end, and the
	 * first operand is the command. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int id = 0;
		if (c == ':')
			return cli_usage_error(cli, "option '%s' needs an argument", argv[optind - 1]);
		if (c >= 256) {
			id = c - 256;
		} else if (c != '?') {
			for (int i = 1; i < OPT__COUNT && !id; i++)
				if (cli_opts[i].short_name == c)
					id = i;
		}
		if (!id) {
			if (optopt && optopt < 256)
				return cli_usage_error(cli, "unknown option '-%c'", optopt);
			return unknown_option(cli, argv[optind - 1]);
		}
		if (!cli->given[id])
			cli->given[id] = ++order;
		cli->given_short[id] = c < 256;
		if (set_value(cli, (enum cli_opt_id)id, optarg))
			return EXIT_USAGE;
		/* --version is the whole answer: what follows it is not read. */
		if (id == OPT_VERSION)
			return 0;
	}
	if (optind < argc)
		cli->command = argv[optind++];
	cli->args = (const char **)argv + optind;
	cli->nargs = (size_t)(argc - optind);
	return 0;
}

int cli_check_options(struct cli *cli, const struct command *c)
{
	int bad = 0;
	for (int i = 1; i < OPT__COUNT; i++)
		if (cli->given[i] && !command_takes(c, (enum cli_opt_id)i) &&
		    (!bad || cli->given[i] < cli->given[bad]))
			bad = i;
	if (!bad)
		return 0;

	const struct cli_opt *o = &cli_opts[bad];
	struct strbuf typed = STRBUF_INIT, owners = STRBUF_INIT;
	size_t n = 0, k = 0;
	if (cli->given_short[bad])
		strbuf_addf(&typed, "-%c", o->short_name);
	else
		strbuf_addf(&typed, "--%s", o->long_name);
	/* "explain", "reach and matrix", "list, matrix and diff" */
	for (const struct command *const *p = commands; *p; p++)
		n += command_takes(*p, (enum cli_opt_id)bad);
	for (const struct command *const *p = commands; *p; p++) {
		if (!command_takes(*p, (enum cli_opt_id)bad))
			continue;
		k++;
		strbuf_addf(&owners, "%s%s", k == 1 ? "" : k == n ? " and " : ", ", (*p)->name);
	}
	if (n)
		cli_usage_error(cli, "option '%s' does not apply to %s (it is an option of %s)",
				typed.buf, c->name, owners.buf);
	else
		cli_usage_error(cli, "option '%s' does not apply to %s", typed.buf, c->name);
	strbuf_release(&typed);
	strbuf_release(&owners);
	return EXIT_USAGE;
}

/* ---- help ---- */

/* "  -n, --namespace NS     namespace for ..."; the help starts at column 25, on a line
 * of its own after a long name and value. */
static void print_option(FILE *f, const struct command *c, enum cli_opt_id id)
{
	const struct cli_opt *o = &cli_opts[id];
	const char *help = command_option_help(c, id), *arg = command_option_arg(c, id);
	char left[96];

	if (!help)
		return;
	snprintf(left, sizeof(left), "--%s%s%s", o->long_name, arg ? " " : "", arg ? arg : "");
	if (o->short_name)
		fprintf(f, "  -%c, ", o->short_name);
	else
		fprintf(f, "      ");
	if (strlen(left) > 18)
		fprintf(f, "%s\n%25s%s\n", left, "", help);
	else
		fprintf(f, "%-18s %s\n", left, help);
}

/* The options every command takes, and those of every command that reads manifests
 * (when c is NULL, or takes them). */
static void print_global_options(FILE *f, const struct command *c)
{
	for (int i = 1; i < OPT__COUNT; i++)
		if (cli_opts[i].scope != SCOPE_OWN && (!c || command_takes(c, (enum cli_opt_id)i)))
			print_option(f, c, (enum cli_opt_id)i);
}

void command_usage(const struct command *c, bool full)
{
	const char *u = c->usage;
	/* one synopsis a line of c->usage */
	for (bool first = true; first || *u; first = false) {
		size_t n = strcspn(u, "\n");
		printf("%s npcheck %s [options]%s%.*s\n", first ? "usage:" : "      ", c->name,
		       n ? " " : "", (int)n, u);
		u += n + (u[n] == '\n');
	}
	printf("\n%s.\nFormats (-o): %s\n", c->summary, c->formats);
	if (!full)
		return;
	if (c->options[0].id) {
		printf("\nOptions:\n");
		for (size_t i = 0; i < COMMAND_MAX_OPTIONS && c->options[i].id; i++)
			print_option(stdout, c, c->options[i].id);
	}
	printf("\nGlobal options:\n");
	print_global_options(stdout, c);
}

void cli_usage(FILE *f)
{
	fprintf(f, "usage: npcheck COMMAND [options] [ARGS...]\n\n"
		   "Offline analyzer and linter for Kubernetes NetworkPolicy.\n\nCommands:\n");
	for (const struct command *const *c = commands; *c; c++)
		fprintf(f, "  %-8s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "  %-8s %s\n", "help", "usage of a command");
	fprintf(f, "\nGlobal options:\n");
	print_global_options(f, NULL);
	fprintf(f, "\nRun 'npcheck help COMMAND' for a command's usage and options; "
		   "'man npcheck' for the rules and semantics.\n");
}

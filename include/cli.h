/* The command line: global options, the command table, and what every command shares. */
#ifndef NPCHECK_CLI_H
#define NPCHECK_CLI_H

#include <stdio.h>

#include "base.h"
#include "diag.h"
#include "model.h"
#include "out.h" /* NPCHECK_JSON_VERSION */

/* Exit status, SPEC §3. */
enum {
	EXIT_CLEAN = 0,    /* clean / allowed / no difference */
	EXIT_FINDINGS = 1, /* findings at or above --fail-on, reach denied, diff differs */
	EXIT_INPUT = 2,    /* some input could not be read or parsed */
	EXIT_USAGE = 3,
	EXIT_INTERNAL = 4,
};

/* matrix prints at most this many rows (cells) unless --max-rows says otherwise: a
 * table of 1,000 endpoints by 1,000 at one port; tens of MB of csv. */
#define MATRIX_MAX_ROWS ((uint64_t)1000000)
/* ... and states the size of a table larger than this on stderr before printing it. */
#define MATRIX_ANNOUNCE_ROWS ((uint64_t)10000)

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* The options, one id each (options.def); OPT_NONE ends a command's list. */
enum cli_opt_id {
	OPT_NONE,
#define OPTION(id, sh, lo, arg, kind, field, scope, values, help) OPT_##id,
#include "options.def"
#undef OPTION
	OPT__COUNT
};

enum cli_opt_kind { OPTK_STR, OPTK_FLAG, OPTK_JOBS, OPTK_ROWS, OPTK_SIZE, OPTK_COLOR, OPTK_LIST };
enum cli_opt_scope { SCOPE_ALL, SCOPE_INPUT, SCOPE_OWN };

/* One row of options.def. */
struct cli_opt {
	char short_name;          /* 0: none */
	const char *long_name;    /* without "--" */
	const char *arg;          /* NULL: a flag */
	enum cli_opt_kind kind;
	size_t offset;            /* of its field in struct cli */
	enum cli_opt_scope scope;
	const char *values;       /* for completion; NULL: none */
	const char *help;         /* NULL: hidden (an alias) */
};
/* Indexed by enum cli_opt_id; [OPT_NONE] is empty. */
extern const struct cli_opt cli_opts[OPT__COUNT];

struct config;

struct cli {
	const char *command;
	const char *ns;          /* -n */
	const char *config_path; /* -c */
	const char *output;      /* -o; NULL = the command's default */
	enum color_mode color;
	bool color_on;           /* resolved for stdout */
	bool quiet, verbose;
	bool help, version;      /* -h, --version */
	unsigned jobs;           /* -j; 0 = one per CPU */
	const char *fail_on;     /* --fail-on */
	const char *port;        /* -p/--port (reach: one; matrix: a list) */
	const char *protocol;    /* --protocol (a list for matrix) */
	const char *pod;         /* --pod (explain) */
	const char *base;        /* --base REV (diff) */
	uint64_t max_rows;       /* --max-rows N (matrix); 0 = MATRIX_MAX_ROWS */
	bool exposure;           /* --exposure (list) */
	size_t max_input;        /* --max-input-size; 0: MODEL_MAX_FILE */
	size_t max_total;        /* --max-total-input; 0: MODEL_MAX_TOTAL */
	/* --focus (every value, joined by commas), --focus-direction, --focus-conn: list,
	 * matrix, explain and diff (focus.h). */
	const char *focus;
	const char *focus_dir;
	const char *focus_conn;
	bool stdin_implicit;     /* no path given: stdin is read (cli_input_paths) */
	const char **args;       /* positional arguments after the command */
	size_t nargs;
	/* The configuration (-c or the default file), loaded before a command that reads
	 * manifests runs; NULL for the others. main.c owns it. */
	const struct config *config;
	/* Which options were given: 0, or their order on the line from 1 (the first one
	 * that does not apply to the command is named); and whether by their letter. */
	unsigned given[OPT__COUNT];
	bool given_short[OPT__COUNT];
};

/* An option a command takes as its own, with its own value name and help line for
 * this command (NULL: those of options.def). */
struct command_option {
	enum cli_opt_id id;
	const char *arg, *help;
};

#define COMMAND_MAX_OPTIONS 12

/*
 * A command, declared in its cmd_<name>.c as cmd_<name>_entry beside its code, and
 * listed in main.c's table. Its help (`npcheck help NAME`, `NAME --help`), the check of
 * the options given, and shell completion are all made from this declaration.
 */
struct command {
	const char *name;
	int (*exec)(struct cli *cli);
	const char *usage;   /* the operands, one synopsis a line: "SRC DST [PATH...]" */
	const char *summary; /* one line */
	const char *formats; /* accepted -o values, comma-separated; first is the default */
	bool reads_input;    /* reads manifests: the SCOPE_INPUT options apply, and the
			      * configuration is loaded before exec */
	/* Its own options (SCOPE_OWN), in the order of its help; the rest are OPT_NONE. */
	struct command_option options[COMMAND_MAX_OPTIONS];
};

/* Each command, in its own cmd_<name>.c. */
extern const struct command cmd_lint_entry, cmd_reach_entry, cmd_list_entry,
	cmd_matrix_entry, cmd_explain_entry, cmd_diff_entry, cmd_exposure_entry, cmd_rules_entry;
/* The commands, in the order of the help; NULL-terminated (main.c). */
extern const struct command *const commands[];
const struct command *command_lookup(const char *name);

/* cli.c: the command line. */
/* Read argv: options (anywhere), then the command and its arguments; --version ends
 * the reading (cli->version). Returns 0, or EXIT_USAGE after printing the error. */
int cli_parse(struct cli *cli, int argc, char **argv);
/* Does command c take option id? */
bool command_takes(const struct command *c, enum cli_opt_id id);
/* The first option given that c does not take is a usage error: returns EXIT_USAGE
 * after saying whose option it is, else 0. */
int cli_check_options(struct cli *cli, const struct command *c);
/* A command's usage on stdout: synopsis, summary and formats; full adds its options
 * and the global ones. */
void command_usage(const struct command *c, bool full);
/* The usage of npcheck: every command and the global options. */
void cli_usage(FILE *f);
/* The help line and value name of option id for command c (NULL: no command). */
const char *command_option_help(const struct command *c, enum cli_opt_id id);
const char *command_option_arg(const struct command *c, enum cli_opt_id id);

/* Shell completion (hidden): `npcheck __complete WORD... CUR`, or run as
 * kubectl_complete-npcheck WORD... CUR. */
int cmd_complete(struct cli *cli);

/* Helpers every command uses (main.c). */
/* Paths to read: the arguments, or "-" when none are given and stdin is not a terminal.
 * Returns -1 (after printing usage) when there is nothing to read. */
int cli_input_paths(struct cli *cli, const char *const **paths, size_t *n);
/* "; did you mean 'json'?" when word is near one of the comma-separated choices, else "".
 * The string is static: use it before the next call. */
const char *cli_did_you_mean(const char *word, const char *choices);
/* The -o value, checked against the command's formats (prints an error, returns NULL). */
const char *cli_format(struct cli *cli);
/* Print findings as FILE:LINE:COL: SEVERITY: MESSAGE [RULE] on stderr (for commands other
 * than lint, which prints them itself), and say whether any input error happened. */
void cli_print_input_errors(struct cli *cli, const struct diag *d);
/* What the query commands share: the run's arena, its findings and the model. */
struct loaded {
	struct arena *arena;
	struct diag diag;
	struct model model;
};
/* The model options the command line sets, the same for every command: -n, -v, -j,
 * the input limits, stdin_implicit, and the configuration's ignorePaths (files not
 * read). Call it after cli_input_paths. */
void cli_model_options(const struct cli *cli, struct model_options *mo);
/* Load the paths (cli_model_options) and print input errors on stderr. Returns EXIT_INPUT when
 * some input could not be read or parsed, else EXIT_CLEAN; release with cli_unload. */
int cli_load(struct cli *cli, const char *const *paths, size_t npaths, struct loaded *l);
void cli_unload(struct loaded *l);
/* Usage error: message on stderr, returns EXIT_USAGE. */
int cli_usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

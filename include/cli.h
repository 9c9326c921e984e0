/* The command line: global options, the command table, and what every command shares. */
#ifndef NPCHECK_CLI_H
#define NPCHECK_CLI_H

#include "base.h"
#include "diag.h"
#include "model.h"

/* The version of every command's JSON output (its "version" key): raised when a key
 * is renamed or removed or its meaning changes; the shapes are in the manual, JSON. */
#define NPCHECK_JSON_VERSION 1

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

struct cli {
	const char *command;
	const char *ns;          /* -n */
	const char *config_path; /* -c */
	const char *output;      /* -o; NULL = the command's default */
	enum color_mode color;
	bool color_on;           /* resolved for stdout */
	bool quiet, verbose;
	unsigned jobs;           /* -j; 0 = one per CPU */
	const char *fail_on;     /* --fail-on */
	const char *port;        /* -p/--port (reach: one; matrix: a list) */
	const char *protocol;    /* --protocol (a list for matrix) */
	const char *pod;         /* --pod (explain) */
	const char *base;        /* --base REV (diff) */
	uint64_t max_rows;       /* --max-rows N (matrix); 0 = MATRIX_MAX_ROWS */
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
};

struct command {
	const char *name;
	int (*exec)(struct cli *cli);
	const char *usage;   /* synopsis line(s) */
	const char *summary; /* one line */
	const char *formats; /* accepted -o values, comma-separated; first is the default */
};

extern const struct command commands[];
const struct command *command_lookup(const char *name);
void command_usage(const struct command *c, bool full);

/* Each command, in its own cmd_<name>.c. */
int cmd_lint(struct cli *cli);
int cmd_reach(struct cli *cli);
int cmd_list(struct cli *cli);
int cmd_matrix(struct cli *cli);
int cmd_explain(struct cli *cli);
int cmd_diff(struct cli *cli);
int cmd_rules(struct cli *cli);
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
/* Load the paths (-n applies) and print input errors on stderr. Returns EXIT_INPUT when
 * some input could not be read or parsed, else EXIT_CLEAN; release with cli_unload. */
int cli_load(struct cli *cli, const char *const *paths, size_t npaths, struct loaded *l);
void cli_unload(struct loaded *l);
/* Usage error: message on stderr, returns EXIT_USAGE. */
int cli_usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

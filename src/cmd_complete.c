/* npcheck __complete WORD... CUR: shell completion, one engine for bash, zsh, fish and
 * kubectl (which runs kubectl_complete-npcheck, a link to npcheck, with the words). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/*
 * The protocol is cobra's, which kubectl reads from a plugin: one candidate a line,
 * "WORD<TAB>DESCRIPTION" where there is one, then ":DIRECTIVE" as the last line, 0 to let
 * the shell complete file names (no candidate given) and 4 for no file names.
 */
enum { COMP_FILES = 0, COMP_NO_FILES = 4 };

/* Every option: short and long name, whether it takes a value, the commands it belongs
 * to (NULL: every command), and what it does. */
static const struct comp_option {
	const char *shortopt, *longopt;
	bool value;
	const char *commands;
	const char *desc;
} comp_options[] = {
	{ "-n", "--namespace", true, NULL, "namespace for objects without metadata.namespace" },
	{ "-o", "--output", true, NULL, "output format" },
	{ "-j", "--jobs", true, NULL, "threads for parsing" },
	{ NULL, "--max-input-size", true, NULL, "bytes read from one file or stdin" },
	{ NULL, "--max-total-input", true, NULL, "bytes read from all inputs" },
	{ "-q", "--quiet", false, NULL, "print less" },
	{ "-v", "--verbose", false, NULL, "print more" },
	{ "-h", "--help", false, NULL, "the usage" },
	{ "-c", "--config", true, " lint ", "configuration file" },
	{ NULL, "--color", true, " lint ", "colour the text output" },
	{ NULL, "--colour", true, "", "" }, /* accepted, not offered */
	{ NULL, "--fail-on", true, " lint ", "exit 1 at or above this severity" },
	{ "-p", "--port", true, " reach matrix ", "port number or name (matrix: a list)" },
	{ NULL, "--protocol", true, " reach matrix ", "TCP, UDP or SCTP (matrix: a list)" },
	{ NULL, "--pod", true, " explain ", "only this endpoint" },
	{ NULL, "--max-rows", true, " matrix ", "print at most N rows" },
	{ NULL, "--base", true, " diff ", "compare with the paths at this git revision" },
	{ NULL, "--focus", true, " list matrix explain diff ", "only connections of these endpoints" },
	{ NULL, "--focus-direction", true, " list matrix explain diff ",
	  "only into (ingress) or out of (egress) the focused endpoints" },
	{ NULL, "--focus-conn", true, " list matrix explain diff ",
	  "only this connection (tcp-8080)" },
};

static const struct comp_option *option_named(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(comp_options); i++)
		if ((comp_options[i].shortopt && !strcmp(w, comp_options[i].shortopt)) ||
		    !strcmp(w, comp_options[i].longopt))
			return &comp_options[i];
	return NULL;
}

static bool applies(const struct comp_option *o, const char *cmd)
{
	char key[32];
	if (!o->commands)
		return true;
	if (!cmd)
		return false;
	snprintf(key, sizeof(key), " %s ", cmd);
	return strstr(o->commands, key) != NULL;
}

struct out {
	const char *cur;    /* the word being completed */
	const char *prefix; /* put before each candidate ("--fail-on=") */
	size_t n;
};

static void offer(struct out *o, const char *word, const char *desc)
{
	size_t pl = strlen(o->prefix);
	/* one candidate a line, TAB before a description: no control character in it */
	for (const char *p = word; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return;
	/* the candidate must extend what is typed (after the prefix, for --opt=) */
	if (strncmp(o->cur, o->prefix, pl) || strncmp(word, o->cur + pl, strlen(o->cur + pl)))
		return;
	printf("%s%s", o->prefix, word);
	if (desc && *desc)
		printf("\t%s", desc);
	printf("\n");
	o->n++;
}

static void offer_list(struct out *o, const char *list, char sep)
{
	char word[64];
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, (char[]){ sep, '\0' });
		if (n && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			offer(o, word, NULL);
		}
		p += n + (p[n] == sep);
	}
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Endpoint names of the paths on the line: NS/NAME (and NS/svc/NAME for a destination),
 * sorted and unique. Nothing when no path is given: stdin is the terminal. */
static void offer_endpoints(struct out *o, const char *const *paths, size_t npaths,
			    bool services)
{
	struct cli cli = { .command = "reach", .quiet = true };
	struct loaded l;
	char **names;
	size_t n = 0;

	if (!npaths)
		return;
	/* Notes and errors about the input are no completion. */
	if (!freopen("/dev/null", "w", stderr))
		return;
	cli_load(&cli, paths, npaths, &l);
	names = xcalloc(l.model.nendpoints + l.model.nservices + 1, sizeof(*names));
	for (size_t i = 0; i < l.model.nendpoints; i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s/%s", l.model.endpoints[i]->ns, l.model.endpoints[i]->name);
		names[n++] = strbuf_detach(&sb);
	}
	for (size_t i = 0; services && i < l.model.nservices; i++) {
		const struct object *so = l.model.services[i]->obj;
		if (so->invalid || !so->name)
			continue;
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s/svc/%s", so->ns, so->name);
		names[n++] = strbuf_detach(&sb);
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), strp_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(names[i], names[i - 1]))
			offer(o, names[i], NULL);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cli_unload(&l);
}

static void offer_git_revisions(struct out *o)
{
	char line[512];
	offer(o, "HEAD", NULL);
	FILE *f = popen("git for-each-ref --format='%(refname:short)' refs/heads refs/remotes "
			"refs/tags 2>/dev/null", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			offer(o, line, NULL);
	}
	pclose(f);
}

/* The value of option opt for command cmd; returns the directive. */
static int complete_value(struct out *o, const struct comp_option *opt, const char *cmd,
			  const char *const *pos, size_t npos)
{
	const char *l = opt->longopt;
	if (!strcmp(l, "--output")) {
		const struct command *c = cmd ? command_lookup(cmd) : NULL;
		offer_list(o, c ? c->formats : "text,json,sarif,junit,github,csv,md,dot", ',');
	} else if (!strcmp(l, "--color") || !strcmp(l, "--colour")) {
		offer_list(o, "auto,always,never", ',');
	} else if (!strcmp(l, "--fail-on")) {
		offer_list(o, "error,warning,info", ',');
	} else if (!strcmp(l, "--protocol")) {
		offer_list(o, "TCP,UDP,SCTP", ',');
	} else if (!strcmp(l, "--config")) {
		return COMP_FILES;
	} else if (!strcmp(l, "--base")) {
		offer_git_revisions(o);
	} else if (!strcmp(l, "--pod")) {
		offer_endpoints(o, pos, npos, false);
	} else if (!strcmp(l, "--focus")) {
		offer_endpoints(o, pos, npos, true);
	} else if (!strcmp(l, "--focus-direction")) {
		offer_list(o, "ingress,egress", ',');
	}
	return COMP_NO_FILES;
}

/* The positional words of w[0..n) (options and their values skipped) into pos. */
static size_t positionals(const char *const *w, size_t n, const char **pos, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct comp_option *opt;
		if (!strcmp(w[i], "-") || !strcmp(w[i], "="))
			continue; /* stdin is no input for completion; bash's "=" word */
		if (w[i][0] == '-') {
			opt = option_named(w[i]);
			if (opt && opt->value)
				i++;
			continue;
		}
		if (k < cap)
			pos[k++] = w[i];
	}
	return k;
}

static int complete(const char *const *w, size_t n, const char *const *rest, size_t nrest)
{
	const char *cur = n ? w[n - 1] : "";
	const char *cmd = NULL;
	const char *pos[256], *after[256];
	size_t npos = 0, nafter = positionals(rest, nrest, after, ARRAY_SIZE(after));
	const struct comp_option *pending = NULL; /* the option whose value cur is */
	struct out o = { cur, "", 0 };

	for (size_t i = 0; i + 1 < n; i++) {
		const struct comp_option *opt;
		if (pending) {
			/* bash splits "--fail-on=x" into three words: "=" keeps the option */
			if (strcmp(w[i], "="))
				pending = NULL;
		} else if (!strcmp(w[i], "--")) {
			continue;
		} else if (w[i][0] == '-' && w[i][1] && (opt = option_named(w[i]))) {
			pending = opt->value ? opt : NULL;
		} else if (w[i][0] == '-' && w[i][1]) {
			/* --opt=value, a bundle, or unknown: takes no word of its own */
		} else if (!cmd) {
			cmd = w[i];
		} else if (npos < ARRAY_SIZE(pos) && strcmp(w[i], "-")) {
			pos[npos++] = w[i];
		}
	}
	/* The paths on the line: before the cursor, then after it (the words after the
	 * cursor come from our shell scripts; kubectl gives none). */
	const char *paths[512];
	size_t npaths = 0;
	for (size_t i = 0; i < npos; i++)
		paths[npaths++] = pos[i];
	for (size_t i = 0; i < nafter; i++)
		paths[npaths++] = after[i];
	const char *eq = !pending && !strncmp(cur, "--", 2) ? strchr(cur, '=') : NULL;
	if (eq) {
		char name[64];
		size_t len = (size_t)(eq - cur);
		if (len < sizeof(name)) {
			memcpy(name, cur, len);
			name[len] = '\0';
			pending = option_named(name);
			if (pending && pending->value) {
				char prefix[64];
				memcpy(prefix, cur, len + 1);
				prefix[len + 1] = '\0';
				o.prefix = prefix;
				return complete_value(&o, pending, cmd, paths, npaths);
			}
		}
		return COMP_NO_FILES;
	}
	if (pending)
		return complete_value(&o, pending, cmd, paths, npaths);
	if (cur[0] == '-') {
		for (size_t i = 0; i < ARRAY_SIZE(comp_options); i++) {
			const struct comp_option *opt = &comp_options[i];
			if (!applies(opt, cmd) || !*opt->desc)
				continue;
			offer(&o, opt->longopt, opt->desc);
		}
		if (!cmd)
			offer(&o, "--version", "print the version");
		return COMP_NO_FILES;
	}
	if (!cmd || (!strcmp(cmd, "help") && !npos)) {
		for (const struct command *c = commands; c->name; c++)
			offer(&o, c->name, c->summary);
		offer(&o, "help", "usage of a command");
		return COMP_NO_FILES;
	}
	if (!strcmp(cmd, "help"))
		return COMP_NO_FILES;
	if (!strcmp(cmd, "rules")) {
		for (int i = 0; i < RULE__COUNT; i++) {
			bool given = false;
			for (size_t k = 0; k < npos; k++)
				given |= !strcmp(pos[k], rule_table[i].id);
			if (!given)
				offer(&o, rule_table[i].id, rule_table[i].short_desc);
		}
		return COMP_NO_FILES;
	}
	if (!strcmp(cmd, "reach") && npos < 2) {
		/* SRC or DST: the paths are the words after the cursor that name a file or
		 * directory (the other endpoint may not be typed yet). */
		const char *files[256];
		size_t nfiles = 0;
		struct stat st;
		for (size_t i = 0; i < nafter; i++)
			if (!stat(after[i], &st))
				files[nfiles++] = after[i];
		offer_endpoints(&o, files, nfiles, npos == 1);
		return COMP_NO_FILES;
	}
	return COMP_FILES;
}

int cmd_complete(struct cli *cli)
{
	/* NPCHECK_COMPLETE_REST: the words after the cursor, one a line. */
	const char *env = getenv("NPCHECK_COMPLETE_REST");
	char *copy = env ? xstrdup(env) : NULL;
	const char *rest[256];
	size_t nrest = 0;
	char *save = NULL;
	for (char *t = copy ? strtok_r(copy, "\n", &save) : NULL; t; t = strtok_r(NULL, "\n", &save))
		if (nrest < ARRAY_SIZE(rest))
			rest[nrest++] = t;
	int directive = complete(cli->args, cli->nargs, rest, nrest);
	free(copy);
	printf(":%d\n", directive);
	return EXIT_CLEAN;
}

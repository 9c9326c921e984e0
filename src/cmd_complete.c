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

/* The option a word names ("-n", "--namespace"), or OPT_NONE. */
static enum cli_opt_id option_named(const char *w)
{
	for (int i = 1; i < OPT__COUNT; i++) {
		const struct cli_opt *o = &cli_opts[i];
		if ((w[0] == '-' && o->short_name && w[1] == o->short_name && !w[2]) ||
		    (!strncmp(w, "--", 2) && !strcmp(w + 2, o->long_name)))
			return (enum cli_opt_id)i;
	}
	return OPT_NONE;
}

/* Does option id belong on a line of cmd? Without a command (or with an unknown one),
 * the options every command that reads manifests takes. */
static bool applies(enum cli_opt_id id, const char *cmd)
{
	const struct command *c = cmd ? command_lookup(cmd) : NULL;
	if (c)
		return command_takes(c, id);
	return cli_opts[id].scope != SCOPE_OWN;
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

/* The value of option id for command cmd, as options.def's VALUES says; returns the
 * directive. */
static int complete_value(struct out *o, enum cli_opt_id id, const char *cmd,
			  const char *const *pos, size_t npos)
{
	const char *v = cli_opts[id].values;
	if (!v)
		return COMP_NO_FILES;
	if (!strcmp(v, "@formats")) {
		const struct command *c = cmd ? command_lookup(cmd) : NULL;
		offer_list(o, c ? c->formats : "text,json,sarif,junit,github,csv,md,dot", ',');
	} else if (!strcmp(v, "@files")) {
		return COMP_FILES;
	} else if (!strcmp(v, "@revisions")) {
		offer_git_revisions(o);
	} else if (!strcmp(v, "@endpoints")) {
		offer_endpoints(o, pos, npos, false);
	} else if (v[0] == '@') {
		BUG("unknown completion of option values");
	} else {
		offer_list(o, v, ',');
	}
	return COMP_NO_FILES;
}

/* The positional words of w[0..n) (options and their values skipped) into pos. */
static size_t positionals(const char *const *w, size_t n, const char **pos, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		enum cli_opt_id opt;
		if (!strcmp(w[i], "-") || !strcmp(w[i], "="))
			continue; /* stdin is no input for completion; bash's "=" word */
		if (w[i][0] == '-') {
			opt = option_named(w[i]);
			if (opt && cli_opts[opt].arg)
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
	enum cli_opt_id pending = OPT_NONE; /* the option whose value cur is */
	struct out o = { cur, "", 0 };

	for (size_t i = 0; i + 1 < n; i++) {
		enum cli_opt_id opt;
		if (pending) {
			/* bash splits "--fail-on=x" into three words: "=" keeps the option */
			if (strcmp(w[i], "="))
				pending = OPT_NONE;
		} else if (!strcmp(w[i], "--")) {
			continue;
		} else if (w[i][0] == '-' && w[i][1] && (opt = option_named(w[i]))) {
			pending = cli_opts[opt].arg ? opt : OPT_NONE;
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
			if (pending && cli_opts[pending].arg) {
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
		const struct command *c = cmd ? command_lookup(cmd) : NULL;
		for (int i = 1; i < OPT__COUNT; i++) {
			const char *desc = command_option_help(c, (enum cli_opt_id)i);
			struct strbuf word = STRBUF_INIT;
			if (!desc || !applies((enum cli_opt_id)i, cmd))
				continue;
			strbuf_addf(&word, "--%s", cli_opts[i].long_name);
			offer(&o, word.buf, desc);
			strbuf_release(&word);
		}
		return COMP_NO_FILES;
	}
	if (!cmd || (!strcmp(cmd, "help") && !npos)) {
		for (const struct command *const *c = commands; *c; c++)
			offer(&o, (*c)->name, (*c)->summary);
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

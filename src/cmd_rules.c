/* npcheck rules [RULE...]: the lint rules of include/rules.def, with their default
 * severity; given rule ids, each one's rationale, fix and example too. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "out.h"
#include "suggest.h"

static int cmd_rules(struct cli *cli);

const struct command cmd_rules_entry = {
	.name = "rules",
	.exec = cmd_rules,
	.usage = "[RULE...]",
	.summary = "every lint rule: id, default severity, summary (with RULE: its rationale)",
	.formats = "text,json",
	.reads_input = false,
};

/* Text wrapped at 78 columns, each line indented by two spaces. */
static void print_wrapped(const char *text)
{
	size_t col = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");
		if (col && col + 1 + n > 78) {
			printf("\n");
			col = 0;
		}
		printf("%s%.*s", col ? " " : "  ", (int)n, p);
		col += (col ? 1 : 2) + n;
		p += n;
		while (*p == ' ')
			p++;
	}
	printf("\n");
}

/* "Fix: ..." wrapped like the rationale, then the example indented by four spaces. */
static void print_fix(const struct rule_info *ri)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "Fix: %s", ri->fix);
	print_wrapped(sb.buf);
	strbuf_release(&sb);
	printf("\n");
	for (const char *p = ri->example; *p;) {
		size_t n = strcspn(p, "\n");
		printf("%s%.*s\n", n ? "    " : "", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* The rules asked for: every rule (a table), or the ones named (in full). */
struct rules_result {
	bool pick[RULE__COUNT];
	bool all;
};

static void write_text(const struct rules_result *res)
{
	int width = 0;
	if (!res->all) {
		bool first = true;
		for (int i = 0; i < RULE__COUNT; i++) {
			if (!res->pick[i])
				continue;
			printf("%s%s (%s): %s\n", first ? "" : "\n", rule_table[i].id,
			       severity_name(rule_table[i].severity), rule_table[i].short_desc);
			print_wrapped(rule_table[i].help);
			printf("\n");
			print_fix(&rule_table[i]);
			first = false;
		}
		return;
	}
	for (int i = 0; i < RULE__COUNT; i++)
		if ((int)strlen(rule_table[i].id) > width)
			width = (int)strlen(rule_table[i].id);
	for (int i = 0; i < RULE__COUNT; i++)
		printf("%-*s  %-7s  %s\n", width, rule_table[i].id,
		       severity_name(rule_table[i].severity), rule_table[i].short_desc);
}

static void write_json(const struct rules_result *res)
{
	struct jw j;
	jw_init(&j);
	jw_object(&j, NULL, true);
	jw_int(&j, "version", NPCHECK_JSON_VERSION);
	jw_lines(&j, "rules");
	for (int i = 0; i < RULE__COUNT; i++) {
		if (!res->pick[i])
			continue;
		jw_object(&j, NULL, true);
		jw_str(&j, "id", rule_table[i].id);
		jw_str(&j, "severity", severity_name(rule_table[i].severity));
		jw_str(&j, "summary", rule_table[i].short_desc);
		if (!res->all) {
			jw_str(&j, "help", rule_table[i].help);
			jw_str(&j, "fix", rule_table[i].fix);
			jw_str(&j, "example", rule_table[i].example);
		}
		jw_end(&j);
	}
	jw_end(&j);
	jw_end(&j);
	jw_finish(&j, stdout);
}

static const struct rules_writer {
	const char *fmt;
	void (*write)(const struct rules_result *res);
} writers[] = {
	{ "text", write_text },
	{ "json", write_json },
};

static int cmd_rules(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	struct rules_result res;

	if (!fmt)
		return EXIT_USAGE;
	res.all = !cli->nargs;
	memset(res.pick, res.all, sizeof(res.pick));
	for (size_t i = 0; i < cli->nargs; i++) {
		int r = rule_lookup(cli->args[i]);
		if (r < 0) {
			struct suggest sg;
			suggest_init(&sg, cli->args[i]);
			for (int k = 0; k < RULE__COUNT; k++)
				suggest_add(&sg, rule_table[k].id);
			if (suggest_best(&sg))
				return cli_usage_error(cli, "no rule '%s'; did you mean '%s'?",
						       cli->args[i], suggest_best(&sg));
			return cli_usage_error(cli, "no rule '%s' (npcheck rules lists them)",
					       cli->args[i]);
		}
		res.pick[r] = true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			writers[i].write(&res);
	return EXIT_CLEAN;
}

/* npcheck rules [RULE...]: the lint rules of include/rules.def, with their default
 * severity; given rule ids, each one's rationale, fix and example too. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
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

static int cmd_rules(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	bool pick[RULE__COUNT];
	int width = 0;
	bool all = !cli->nargs;

	if (!fmt)
		return EXIT_USAGE;
	memset(pick, all, sizeof(pick));
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
		pick[r] = true;
	}
	if (!strcmp(fmt, "json")) {
		struct strbuf sb = STRBUF_INIT;
		bool first = true;
		strbuf_addf(&sb, "{\"version\": %d, \"rules\": [", NPCHECK_JSON_VERSION);
		for (int i = 0; i < RULE__COUNT; i++) {
			if (!pick[i])
				continue;
			strbuf_addstr(&sb, first ? "\n  {\"id\": " : ",\n  {\"id\": ");
			first = false;
			strbuf_add_json_str(&sb, rule_table[i].id);
			strbuf_addf(&sb, ", \"severity\": \"%s\", \"summary\": ",
				    severity_name(rule_table[i].severity));
			strbuf_add_json_str(&sb, rule_table[i].short_desc);
			if (!all) {
				strbuf_addstr(&sb, ", \"help\": ");
				strbuf_add_json_str(&sb, rule_table[i].help);
				strbuf_addstr(&sb, ", \"fix\": ");
				strbuf_add_json_str(&sb, rule_table[i].fix);
				strbuf_addstr(&sb, ", \"example\": ");
				strbuf_add_json_str(&sb, rule_table[i].example);
			}
			strbuf_addch(&sb, '}');
		}
		strbuf_addstr(&sb, "\n]}\n");
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return EXIT_CLEAN;
	}
	if (!all) {
		bool first = true;
		for (int i = 0; i < RULE__COUNT; i++) {
			if (!pick[i])
				continue;
			printf("%s%s (%s): %s\n", first ? "" : "\n", rule_table[i].id,
			       severity_name(rule_table[i].severity), rule_table[i].short_desc);
			print_wrapped(rule_table[i].help);
			printf("\n");
			print_fix(&rule_table[i]);
			first = false;
		}
		return EXIT_CLEAN;
	}
	for (int i = 0; i < RULE__COUNT; i++)
		if ((int)strlen(rule_table[i].id) > width)
			width = (int)strlen(rule_table[i].id);
	for (int i = 0; i < RULE__COUNT; i++)
		printf("%-*s  %-7s  %s\n", width, rule_table[i].id,
		       severity_name(rule_table[i].severity), rule_table[i].short_desc);
	return EXIT_CLEAN;
}

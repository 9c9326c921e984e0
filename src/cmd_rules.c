/* npcheck rules: every lint rule of include/rules.def with its default severity. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_rules(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	int width = 0;

	if (!fmt)
		return EXIT_USAGE;
	if (cli->nargs)
		return cli_usage_error(cli, "takes no arguments, not '%s' (see 'npcheck help rules')",
				       cli->args[0]);
	if (!strcmp(fmt, "json")) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "{\"version\": 1, \"rules\": [");
		for (int i = 0; i < RULE__COUNT; i++) {
			strbuf_addstr(&sb, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
			strbuf_add_json_str(&sb, rule_table[i].id);
			strbuf_addf(&sb, ", \"severity\": \"%s\", \"summary\": ",
				    severity_name(rule_table[i].severity));
			strbuf_add_json_str(&sb, rule_table[i].short_desc);
			strbuf_addch(&sb, '}');
		}
		strbuf_addstr(&sb, "\n]}\n");
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
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

/* npcheck list: every allowed connection between endpoints, as connection sets. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "connlist.h"

static void write_dot(const struct model *m, const struct conn_line *l, size_t n)
{
	printf("digraph npcheck {\n\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\"];\n"
	       "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	for (size_t i = 0; i < m->nnamespaces; i++) {
		const struct namespace *ns = m->namespaces[i];
		bool any = false;
		for (size_t j = 0; j < m->nendpoints; j++) {
			const struct endpoint *e = m->endpoints[j];
			if (strcmp(e->ns, ns->name))
				continue;
			if (!any) {
				struct strbuf sb = STRBUF_INIT;
				strbuf_add_json_str(&sb, ns->name);
				printf("\tsubgraph \"cluster_%s\" {\n\t\tlabel=%s;\n", ns->name, sb.buf);
				strbuf_release(&sb);
				any = true;
			}
			struct strbuf id = STRBUF_INIT, label = STRBUF_INIT;
			strbuf_add_json_str(&id, e->display);
			strbuf_addf(&label, "%s[%s]", e->name, e->kind);
			printf("\t\t%s [label=", id.buf);
			strbuf_reset(&id);
			strbuf_add_json_str(&id, label.buf);
			printf("%s];\n", id.buf);
			strbuf_release(&id);
			strbuf_release(&label);
		}
		if (any)
			printf("\t}\n");
	}
	for (size_t i = 0; i < n; i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT, conns = STRBUF_INIT;
		strbuf_add_json_str(&a, l[i].src);
		strbuf_add_json_str(&b, l[i].dst);
		connset_format(&l[i].conns, &conns);
		strbuf_add_json_str(&c, conns.buf);
		for (int side = 0; side < 2; side++) {
			const struct sref *r = side ? &l[i].dst_ref : &l[i].src_ref;
			if (!r->ep)
				printf("\t%s [shape=ellipse, style=dashed];\n", side ? b.buf : a.buf);
		}
		printf("\t%s -> %s [label=%s];\n", a.buf, b.buf, c.buf);
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&c);
		strbuf_release(&conns);
	}
	printf("}\n");
}

static void write_lines(const char *fmt, const struct model *m, const struct conn_line *l, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	if (!strcmp(fmt, "dot")) {
		write_dot(m, l, n);
		return;
	}
	if (!strcmp(fmt, "json"))
		printf("[");
	else if (!strcmp(fmt, "csv"))
		printf("src,dst,conn\n");
	else if (!strcmp(fmt, "md"))
		printf("| src | dst | conn |\n|-----|-----|------|\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&sb);
		if (!strcmp(fmt, "text")) {
			conn_line_format(&l[i], &sb);
			printf("%s\n", sb.buf);
			continue;
		}
		struct strbuf conns = STRBUF_INIT;
		connset_format(&l[i].conns, &conns);
		if (!strcmp(fmt, "json")) {
			strbuf_addstr(&sb, i ? ",\n  {\"src\": " : "\n  {\"src\": ");
			strbuf_add_json_str(&sb, l[i].src);
			strbuf_addstr(&sb, ", \"dst\": ");
			strbuf_add_json_str(&sb, l[i].dst);
			strbuf_addstr(&sb, ", \"conn\": ");
			strbuf_add_json_str(&sb, conns.buf);
			strbuf_addstr(&sb, "}");
			fputs(sb.buf, stdout);
		} else if (!strcmp(fmt, "csv")) {
			/* Connection sets hold commas: quote the field. */
			printf("%s,%s,\"%s\"\n", l[i].src, l[i].dst, conns.buf);
		} else {
			printf("| %s | %s | %s |\n", l[i].src, l[i].dst, conns.buf);
		}
		strbuf_release(&conns);
	}
	if (!strcmp(fmt, "json"))
		printf(n ? "\n]\n" : "]\n");
	strbuf_release(&sb);
}

int cmd_list(struct cli *cli)
{
	const char *const *paths;
	size_t npaths, n;
	const char *fmt = cli_format(cli);
	struct model_options mo = { cli->ns, cli->verbose };
	struct conn_line *lines;
	struct solver s;
	struct model m;
	struct diag d;

	if (!fmt)
		return EXIT_USAGE;
	if (cli_input_paths(cli, &paths, &npaths))
		return EXIT_USAGE;
	struct arena *a = arena_new();
	diag_init(&d, a);
	model_load(&m, a, &d, paths, npaths, &mo);
	diag_sort(&d);
	cli_print_input_errors(cli, &d);
	solver_init(&s, &m);
	connlist_build(&s, &lines, &n);
	write_lines(fmt, &m, lines, n);
	connlist_free(lines, n);
	solver_free(&s);
	int rc = d.input_error ? EXIT_INPUT : EXIT_CLEAN;
	model_free(&m);
	diag_release(&d);
	arena_free(a);
	return rc;
}

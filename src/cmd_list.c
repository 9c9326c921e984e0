/* npcheck list: every allowed connection between endpoints, as connection sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "connlist.h"
#include "escape.h"
#include "exposure.h"

static int cmd_list(struct cli *cli);

const struct command cmd_list_entry = {
	.name = "list",
	.exec = cmd_list,
	.usage = "[PATH...]",
	.summary = "every allowed connection between endpoints",
	.formats = "text,json,csv,md,dot",
	.reads_input = true,
	.options = {
		{ OPT_EXPOSURE, NULL, NULL },
		{ OPT_FOCUS, NULL, NULL },
		{ OPT_FOCUS_DIR, NULL, NULL },
		{ OPT_FOCUS_CONN, NULL, NULL },
	},
};

struct writer {
	const char *fmt;
	size_t n;
	struct strbuf sb, conns;
	/* dot with --focus: the lines are kept until the nodes they name are known */
	struct strbuf *keep;
	bool *named;
};

/* The dot graph's head and its endpoint nodes by namespace; with only, those marked. */
static void dot_header(const struct model *m, const bool *only)
{
	printf("digraph npcheck {\n\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\"];\n"
	       "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	for (size_t i = 0; i < m->nnamespaces; i++) {
		const struct namespace *ns = m->namespaces[i];
		bool any = false;
		for (size_t j = 0; j < m->nendpoints; j++) {
			const struct endpoint *e = m->endpoints[j];
			if (strcmp(e->ns, ns->name) || (only && !only[j]))
				continue;
			struct strbuf id = STRBUF_INIT, label = STRBUF_INIT;
			if (!any) {
				struct strbuf cl = STRBUF_INIT;
				strbuf_addf(&cl, "cluster_%s", ns->name);
				escape_dot(&id, cl.buf);
				strbuf_reset(&cl);
				escape_dot(&cl, ns->name);
				printf("\tsubgraph %s {\n\t\tlabel=%s;\n", id.buf, cl.buf);
				strbuf_reset(&id);
				strbuf_release(&cl);
				any = true;
			}
			escape_dot(&id, e->display);
			strbuf_addf(&label, "%s[%s]", e->name, e->kind);
			printf("\t\t%s [label=", id.buf);
			strbuf_reset(&id);
			escape_dot(&id, label.buf);
			printf("%s];\n", id.buf);
			strbuf_release(&id);
			strbuf_release(&label);
		}
		if (any)
			printf("\t}\n");
	}
}

/* One line of the list, in the chosen format. */
static void write_line(void *ctx, const struct conn_line *l)
{
	struct writer *w = ctx;
	struct strbuf *sb = &w->sb;

	strbuf_reset(sb);
	strbuf_reset(&w->conns);
	connset_format(&l->conns, &w->conns);
	if (!strcmp(w->fmt, "text")) {
		escape_text(sb, l->src);
		strbuf_addstr(sb, " => ");
		escape_text(sb, l->dst);
		strbuf_addf(sb, " : %s\n", w->conns.buf);
	} else if (!strcmp(w->fmt, "json")) {
		strbuf_addstr(sb, w->n ? ",\n  {\"source\": " : "\n  {\"source\": ");
		strbuf_add_json_str(sb, l->src);
		strbuf_addstr(sb, ", \"destination\": ");
		strbuf_add_json_str(sb, l->dst);
		strbuf_addstr(sb, ", \"connections\": ");
		strbuf_add_json_str(sb, w->conns.buf);
		strbuf_addstr(sb, "}");
	} else if (!strcmp(w->fmt, "csv")) {
		/* Connection sets hold commas: quote the field. */
		escape_csv(sb, l->src);
		strbuf_addch(sb, ',');
		escape_csv(sb, l->dst);
		strbuf_addf(sb, ",\"%s\"\n", w->conns.buf);
	} else if (!strcmp(w->fmt, "md")) {
		strbuf_addstr(sb, "| ");
		escape_md(sb, l->src);
		strbuf_addstr(sb, " | ");
		escape_md(sb, l->dst);
		strbuf_addf(sb, " | %s |\n", w->conns.buf);
	} else {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
		escape_dot(&a, l->src);
		escape_dot(&b, l->dst);
		escape_dot(&c, w->conns.buf);
		if (!l->src_ref.ep)
			strbuf_addf(sb, "\t%s [shape=ellipse, style=dashed];\n", a.buf);
		if (!l->dst_ref.ep)
			strbuf_addf(sb, "\t%s [shape=ellipse, style=dashed];\n", b.buf);
		strbuf_addf(sb, "\t%s -> %s [label=%s];\n", a.buf, b.buf, c.buf);
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&c);
	}
	if (w->keep) {
		strbuf_add(w->keep, sb->buf, sb->len);
		if (l->src_ref.ep)
			w->named[l->src_ref.ep->index] = true;
		if (l->dst_ref.ep)
			w->named[l->dst_ref.ep->index] = true;
	} else {
		fwrite(sb->buf, 1, sb->len, stdout);
	}
	w->n++;
}

static void write_list(const char *fmt, const struct solver *s, const struct focus *f,
		       bool exposure)
{
	struct writer w = { fmt, 0, STRBUF_INIT, STRBUF_INIT, NULL, NULL };
	struct strbuf keep = STRBUF_INIT;
	bool focus_dot = !strcmp(fmt, "dot") && f->nitems;
	/* With --focus, the graph's nodes are the focused endpoints and their peers (as
	 * netpol-analyzer draws it), known once the lines are. */
	if (focus_dot) {
		w.keep = &keep;
		w.named = xcalloc(s->nep + 1, sizeof(bool));
		connlist_each_focus(s, f, write_line, &w);
		for (size_t i = 0; i < s->nep; i++)
			w.named[i] |= f->ep[i];
		dot_header(s->m, w.named);
		if (keep.len)
			fwrite(keep.buf, 1, keep.len, stdout);
		printf("}\n");
		free(w.named);
		strbuf_release(&keep);
		strbuf_release(&w.sb);
		strbuf_release(&w.conns);
		return;
	}
	if (!strcmp(fmt, "dot"))
		dot_header(s->m, NULL);
	else if (!strcmp(fmt, "json"))
		printf("{\"version\": %d, \"connections\": [", NPCHECK_JSON_VERSION);
	else if (!strcmp(fmt, "csv"))
		printf("src,dst,conn\n");
	else if (!strcmp(fmt, "md"))
		printf("| src | dst | conn |\n|-----|-----|------|\n");
	connlist_each_focus(s, focus_active(f) ? f : NULL, write_line, &w);
	if (!strcmp(fmt, "json") && exposure) {
		/* list --exposure: netpol-analyzer's exposure section after the list. */
		printf(w.n ? "\n], " : "], ");
		exposure_print(fmt, s, f, true);
		printf("}\n");
	} else if (!strcmp(fmt, "json")) {
		printf(w.n ? "\n]}\n" : "]}\n");
	} else if (exposure) {
		if (w.n)
			printf("\n");
		exposure_print(fmt, s, f, false);
	}
	else if (!strcmp(fmt, "dot"))
		printf("}\n");
	strbuf_release(&w.sb);
	strbuf_release(&w.conns);
}

static int cmd_list(struct cli *cli)
{
	const char *const *paths;
	size_t npaths;
	const char *fmt = cli_format(cli);
	struct solver s;
	struct loaded l;
	struct focus f;

	if (!fmt || focus_parse(&f, cli))
		return EXIT_USAGE;
	if (cli->exposure && strcmp(fmt, "text") && strcmp(fmt, "json")) {
		focus_release(&f);
		return cli_usage_error(cli, "--exposure is written as text or json, not %s", fmt);
	}
	if (cli_input_paths(cli, &paths, &npaths)) {
		focus_release(&f);
		return EXIT_USAGE;
	}
	int rc = cli_load(cli, paths, npaths, &l);
	/* The exposure part is per workload: an address is no focus there. */
	if (focus_resolve(&f, &l.model, cli->ns, false) ||
	    (cli->exposure && f.nips && exposure_focus_refused(cli))) {
		rc = EXIT_USAGE;
		goto out;
	}
	solver_init(&s, &l.model);
	write_list(fmt, &s, &f, cli->exposure);
	solver_free(&s);
out:
	focus_release(&f);
	cli_unload(&l);
	return rc;
}

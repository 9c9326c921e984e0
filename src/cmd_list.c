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

/* Connection sets already formatted, by a hash of their ranges: a list repeats a few
 * distinct sets over many lines, so each is formatted about once. */
#define CONNS_CACHE 256
struct conns_text {
	bool used;
	struct connset set;
	struct strbuf text;
};

static uint64_t connset_hash(const struct connset *c)
{
	uint64_t h = 1469598103934665603u;
	for (int p = 0; p < PROTO__COUNT; p++) {
		h = (h ^ (uint64_t)c->p[p].n) * 1099511628211u;
		for (size_t i = 0; i < c->p[p].n; i++) {
			h = (h ^ (uint64_t)c->p[p].r[i].lo) * 1099511628211u;
			h = (h ^ (uint64_t)c->p[p].r[i].hi) * 1099511628211u;
		}
	}
	return h ^ (h >> 29);
}

/* The text of c (SPEC §3), from the cache or formatted into it. */
static const char *conns_text(struct conns_text *cache, const struct connset *c)
{
	struct conns_text *e = &cache[connset_hash(c) % CONNS_CACHE];
	if (e->used && connset_equal(&e->set, c))
		return e->text.buf;
	if (!e->used) {
		connset_init(&e->set);
		strbuf_init(&e->text);
		e->used = true;
	}
	connset_copy(&e->set, c);
	strbuf_reset(&e->text);
	connset_format(c, &e->text);
	return e->text.buf;
}

static void conns_cache_release(struct conns_text *cache)
{
	for (size_t i = 0; i < CONNS_CACHE; i++)
		if (cache[i].used) {
			connset_release(&cache[i].set);
			strbuf_release(&cache[i].text);
		}
}

struct writer {
	const char *fmt;
	size_t n;
	struct strbuf sb;
	struct conns_text *cache;
	/* text: the last source's name, escaped (a source's lines come together) */
	const char *src;
	struct strbuf src_text;
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

	const char *conns = conns_text(w->cache, &l->conns);

	strbuf_reset(sb);
	if (!strcmp(w->fmt, "text")) {
		if (l->src != w->src) {
			strbuf_reset(&w->src_text);
			escape_text(&w->src_text, l->src);
			w->src = l->src;
		}
		strbuf_add(sb, w->src_text.buf, w->src_text.len);
		strbuf_addstr(sb, " => ");
		escape_text(sb, l->dst);
		strbuf_addstr(sb, " : ");
		strbuf_addstr(sb, conns);
		strbuf_addch(sb, '\n');
	} else if (!strcmp(w->fmt, "json")) {
		strbuf_addstr(sb, w->n ? ",\n  {\"source\": " : "\n  {\"source\": ");
		strbuf_add_json_str(sb, l->src);
		strbuf_addstr(sb, ", \"destination\": ");
		strbuf_add_json_str(sb, l->dst);
		strbuf_addstr(sb, ", \"connections\": ");
		strbuf_add_json_str(sb, conns);
		strbuf_addstr(sb, "}");
	} else if (!strcmp(w->fmt, "csv")) {
		/* Connection sets hold commas: quote the field. */
		escape_csv(sb, l->src);
		strbuf_addch(sb, ',');
		escape_csv(sb, l->dst);
		strbuf_addf(sb, ",\"%s\"\n", conns);
	} else if (!strcmp(w->fmt, "md")) {
		strbuf_addstr(sb, "| ");
		escape_md(sb, l->src);
		strbuf_addstr(sb, " | ");
		escape_md(sb, l->dst);
		strbuf_addf(sb, " | %s |\n", conns);
	} else {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
		escape_dot(&a, l->src);
		escape_dot(&b, l->dst);
		escape_dot(&c, conns);
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
	struct writer w = { fmt, 0, STRBUF_INIT, NULL, NULL, STRBUF_INIT, NULL, NULL };
	struct strbuf keep = STRBUF_INIT;
	bool focus_dot = !strcmp(fmt, "dot") && f->nitems;
	/* With --focus, the graph's nodes are the focused endpoints and their peers (as
	 * netpol-analyzer draws it), known once the lines are. */
	w.cache = xcalloc(CONNS_CACHE, sizeof(*w.cache));
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
		conns_cache_release(w.cache);
		free(w.cache);
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
	strbuf_release(&w.src_text);
	conns_cache_release(w.cache);
	free(w.cache);
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

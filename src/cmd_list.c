/* npcheck list: every allowed connection between endpoints, as connection sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "connlist.h"
#include "escape.h"
#include "exposure.h"
#include "out.h"

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

/* What the writers keep while the list is written. */
struct list_out {
	const struct list_writer *w;
	size_t n;
	struct strbuf sb;         /* the line */
	const char *ctext;        /* its connections, from cache */
	struct conns_text *cache;
	/* text: the last source's name, escaped (a source's lines come together) */
	const char *src;
	struct strbuf src_text;
	/* text: each endpoint's name escaped once, at its first line as a destination (into
	 * dst_text), for the many lines that name it again */
	struct esc_name {
		size_t off, len;
		bool done;
	} *dst_esc;
	struct strbuf dst_text;
	struct jw j;
	/* dot with --focus: the lines are kept until the nodes they name are known */
	struct strbuf *keep;
	bool *named;
};

/* The destination's name, escaped: an endpoint's from dst_text, escaped there the first
 * time; an external range's (a few per list) each time. */
static void add_dst(struct list_out *o, const struct conn_line *l)
{
	if (!l->dst_ref.ep || !o->dst_esc) {
		escape_text(&o->sb, l->dst);
		return;
	}
	struct esc_name *e = &o->dst_esc[l->dst_ref.ep->index];
	if (!e->done) {
		e->off = o->dst_text.len;
		escape_text(&o->dst_text, l->dst);
		e->len = o->dst_text.len - e->off;
		e->done = true;
	}
	strbuf_add(&o->sb, o->dst_text.buf + e->off, e->len);
}

static void text_line(struct list_out *o, const struct conn_line *l)
{
	if (l->src != o->src) {
		strbuf_reset(&o->src_text);
		escape_text(&o->src_text, l->src);
		o->src = l->src;
	}
	strbuf_add(&o->sb, o->src_text.buf, o->src_text.len);
	strbuf_add(&o->sb, " => ", 4);
	add_dst(o, l);
	strbuf_add(&o->sb, " : ", 3);
	strbuf_addstr(&o->sb, o->ctext);
	strbuf_addch(&o->sb, '\n');
}

static void json_line(struct list_out *o, const struct conn_line *l)
{
	jw_object(&o->j, NULL, true);
	jw_str(&o->j, "source", l->src);
	jw_str(&o->j, "destination", l->dst);
	jw_str(&o->j, "connections", o->ctext);
	jw_end(&o->j);
	jw_flush(&o->j, stdout, 65536);
}

static void csv_line(struct list_out *o, const struct conn_line *l)
{
	/* Connection sets hold commas: quote the field. */
	escape_csv(&o->sb, l->src);
	strbuf_addch(&o->sb, ',');
	escape_csv(&o->sb, l->dst);
	strbuf_addf(&o->sb, ",\"%s\"\n", o->ctext);
}

static void md_line(struct list_out *o, const struct conn_line *l)
{
	strbuf_addstr(&o->sb, "| ");
	escape_md(&o->sb, l->src);
	strbuf_addstr(&o->sb, " | ");
	escape_md(&o->sb, l->dst);
	strbuf_addf(&o->sb, " | %s |\n", o->ctext);
}

static void dot_line(struct list_out *o, const struct conn_line *l)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	escape_dot(&a, l->src);
	escape_dot(&b, l->dst);
	escape_dot(&c, o->ctext);
	if (!l->src_ref.ep)
		strbuf_addf(&o->sb, "\t%s [shape=ellipse, style=dashed];\n", a.buf);
	if (!l->dst_ref.ep)
		strbuf_addf(&o->sb, "\t%s [shape=ellipse, style=dashed];\n", b.buf);
	strbuf_addf(&o->sb, "\t%s -> %s [label=%s];\n", a.buf, b.buf, c.buf);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
}

static void no_head(struct list_out *o, const struct model *m)
{
	(void)o;
	(void)m;
}

static void json_head(struct list_out *o, const struct model *m)
{
	(void)m;
	jw_init(&o->j);
	jw_object(&o->j, NULL, true);
	jw_int(&o->j, "version", NPCHECK_JSON_VERSION);
	jw_lines(&o->j, "connections");
}

static void csv_head(struct list_out *o, const struct model *m)
{
	(void)o;
	(void)m;
	printf("src,dst,conn\n");
}

static void md_head(struct list_out *o, const struct model *m)
{
	(void)o;
	(void)m;
	printf("| src | dst | conn |\n|-----|-----|------|\n");
}

static void dot_head(struct list_out *o, const struct model *m)
{
	(void)o;
	dot_header(m, NULL);
}

/* After the lines: with exposure (text and json only), its section. */
static void no_tail(struct list_out *o, const struct solver *s, const struct focus *f,
		    bool exposure)
{
	(void)o;
	(void)s;
	(void)f;
	(void)exposure;
}

static void text_tail(struct list_out *o, const struct solver *s, const struct focus *f,
		      bool exposure)
{
	if (!exposure)
		return;
	if (o->n)
		printf("\n");
	exposure_write_text(s, f);
}

static void json_tail(struct list_out *o, const struct solver *s, const struct focus *f,
		      bool exposure)
{
	jw_end(&o->j);
	if (exposure) {
		/* list --exposure: netpol-analyzer's exposure section after the list. */
		jw_object(&o->j, "exposure", true);
		exposure_write_json(s, f, &o->j);
		jw_end(&o->j);
	}
	jw_end(&o->j);
	jw_finish(&o->j, stdout);
}

static void dot_tail(struct list_out *o, const struct solver *s, const struct focus *f,
		     bool exposure)
{
	(void)o;
	(void)s;
	(void)f;
	(void)exposure;
	printf("}\n");
}

static const struct list_writer {
	const char *fmt;
	void (*head)(struct list_out *o, const struct model *m);
	void (*line)(struct list_out *o, const struct conn_line *l);
	void (*tail)(struct list_out *o, const struct solver *s, const struct focus *f,
		     bool exposure);
	bool exposure; /* list --exposure writes this format */
} writers[] = {
	{ "text", no_head, text_line, text_tail, true },
	{ "json", json_head, json_line, json_tail, true },
	{ "csv", csv_head, csv_line, no_tail, false },
	{ "md", md_head, md_line, no_tail, false },
	{ "dot", dot_head, dot_line, dot_tail, false },
};

/* One line of the list, through the writer. */
static void write_line(void *ctx, const struct conn_line *l)
{
	struct list_out *o = ctx;

	strbuf_reset(&o->sb);
	o->ctext = conns_text(o->cache, &l->conns);
	o->w->line(o, l);
	if (o->keep) {
		strbuf_add(o->keep, o->sb.buf, o->sb.len);
		if (l->src_ref.ep)
			o->named[l->src_ref.ep->index] = true;
		if (l->dst_ref.ep)
			o->named[l->dst_ref.ep->index] = true;
	} else if (o->sb.len) {
		fwrite(o->sb.buf, 1, o->sb.len, stdout);
	}
	o->n++;
}

/* dot with --focus: the graph's nodes are the focused endpoints and their peers (as
 * netpol-analyzer draws it), known once the lines are. */
static void write_focus_dot(struct list_out *o, const struct solver *s, const struct focus *f)
{
	struct strbuf keep = STRBUF_INIT;
	o->keep = &keep;
	o->named = xcalloc(s->nep + 1, sizeof(bool));
	connlist_each_focus(s, f, write_line, o);
	for (size_t i = 0; i < s->nep; i++)
		o->named[i] |= f->ep[i];
	dot_header(s->m, o->named);
	if (keep.len)
		fwrite(keep.buf, 1, keep.len, stdout);
	printf("}\n");
	free(o->named);
	strbuf_release(&keep);
}

static void write_list(const struct list_writer *w, const struct solver *s,
		       const struct focus *f, bool exposure)
{
	struct list_out o;
	memset(&o, 0, sizeof(o));
	o.w = w;
	strbuf_init(&o.sb);
	strbuf_init(&o.src_text);
	strbuf_init(&o.dst_text);
	if (w->line == text_line)
		o.dst_esc = xcalloc(s->nep + 1, sizeof(*o.dst_esc));
	o.cache = xcalloc(CONNS_CACHE, sizeof(*o.cache));
	if (w->line == dot_line && f->nitems) {
		write_focus_dot(&o, s, f);
	} else {
		w->head(&o, s->m);
		connlist_each_focus(s, focus_active(f) ? f : NULL, write_line, &o);
		w->tail(&o, s, f, exposure);
	}
	strbuf_release(&o.sb);
	strbuf_release(&o.src_text);
	strbuf_release(&o.dst_text);
	free(o.dst_esc);
	conns_cache_release(o.cache);
	free(o.cache);
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
	const struct list_writer *w = &writers[0];
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			w = &writers[i];
	if (cli->exposure && !w->exposure) {
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
	write_list(w, &s, &f, cli->exposure);
	/* The output is complete: its reader sees the end now, not after the teardown (the
	 * solver and model of a large input take a while to free). A write error stays
	 * on stdout and is reported when it is closed (main.c). */
	(void)fflush(stdout);
	solver_free(&s);
out:
	focus_release(&f);
	cli_unload(&l);
	return rc;
}

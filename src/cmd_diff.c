/* npcheck diff: connections added, removed and changed between two manifest sets. */
/*
 * Every pair of endpoints (a workload with itself included: traffic between two of its
 * pods; a single pod with itself is loopback and left out), and every endpoint with
 * every external address range, whose
 * allowed connection set differs between OLD (ref1) and NEW (ref2) is one row:
 * "added" (nothing before, something after), "removed" (the reverse) or "changed" (both
 * non-empty, different). Endpoints are matched by their display name NS/NAME[KIND]; one
 * that exists on one side only has no connection on the other. External ranges are
 * compared on the common refinement of both sides' ranges, then adjacent ranges with the
 * same (ref1, ref2) are merged back, as netpol-analyzer prints them.
 *
 * Rows are ordered as netpol-analyzer orders them: changed, then added, then removed;
 * within each, by source then destination. Every format lists the same rows:
 *   text  "Connectivity diff:", then per row
 *         "diff-type: T, source: S, destination: D, ref1: C1, ref2: C2"
 *         followed by ", workloads-diff-info: workload X [and Y] added|removed" when an
 *         endpoint of the row exists on one side only. Nothing at all when nothing differs.
 *   json  {"diff": [{"type", "source", "destination", "ref1", "ref2", "info"}]}, info
 *         being that workloads-diff-info sentence or "".
 *   csv   header "diff-type,source,destination,ref1,ref2,workloads-diff-info", fields
 *         quoted when they hold a comma, a quote or a line break.
 *   md    a table with the csv columns.
 * C1 and C2 are connection sets (SPEC §3), "No Connections" for an empty side.
 *
 * With --base REV, OLD is PATH... as committed at REV, read into memory through git
 * (revision.c) and loaded from there under the same display paths as the work tree
 * side (NEW).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "connlist.h"
#include "escape.h"
#include "focus.h"
#include "out.h"
#include "revision.h"
#include "run.h"
#include "solver.h"

static int cmd_diff(struct cli *cli);

const struct command cmd_diff_entry = {
	.name = "diff",
	.exec = cmd_diff,
	.usage = "OLD NEW\n--base REV [PATH...]",
	.summary = "connections added, removed and changed between two manifest sets",
	.formats = "text,json,csv,md",
	.reads_input = true,
	.options = {
		{ OPT_BASE, NULL, NULL },
		{ OPT_FOCUS, NULL, NULL },
		{ OPT_FOCUS_DIR, NULL, NULL },
		{ OPT_FOCUS_CONN, NULL, NULL },
	},
};

enum diff_type { DIFF_CHANGED, DIFF_ADDED, DIFF_REMOVED };
static const char *const diff_type_names[] = { "changed", "added", "removed" };

/* One side of the comparison: its own arena, findings, model and solver. */
struct side {
	struct arena *a;
	struct diag d;
	struct model m;
	struct solver s;
};

/* An endpoint of either side, matched by display name; ep[k] is NULL when side k lacks it. */
struct uep {
	const char *name;
	const struct endpoint *ep[2];
};

/* One end of a compared pair: an endpoint of the union, or an external range (u == NULL). */
struct end {
	const struct uep *u;
	int family;
	u128 lo, hi;
};

/* A row to print: its type, ends, the two connection sets (ref1, ref2). */
struct row {
	enum diff_type type;
	struct end src, dst;
	struct connset c[2];
};

/* --focus on both sides: which endpoints of the union are focused; NULL without it. */
struct dfocus {
	const struct focus *f[2]; /* resolved on OLD and NEW */
	const struct uep *u;      /* the union, for indexes */
	bool *foc;                /* per endpoint of the union: focused on either side */
};

/* Rows kept a while before they are printed (heap; ends' names formatted in name). */
struct rows {
	const struct dfocus *df;
	struct row *r;
	char **name; /* the external end's name, for sorting */
	size_t n, cap;
};

/* Where rows go as they are found, in order: what to print and how. */
struct out {
	const struct diff_writer *w;
	size_t n;           /* rows printed */
	struct strbuf sb, c1, c2, info, src, dst;
	struct jw j;        /* json: the document, flushed as it grows */
	bool write_failed;
};

static void side_load(struct side *sd, const char *const *paths, size_t n,
		      const struct model_options *mo)
{
	sd->a = arena_new();
	diag_init(&sd->d, sd->a);
	model_load(&sd->m, sd->a, &sd->d, paths, n, mo);
	diag_sort(&sd->d);
	solver_init(&sd->s, &sd->m);
}

static void side_free(struct side *sd)
{
	solver_free(&sd->s);
	model_free(&sd->m);
	diag_release(&sd->d);
	arena_free(sd->a);
}

/* Would cli_print_input_errors print anything for these findings? */
static bool has_printed_errors(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		if (!f->suppressed && f->severity >= SEV_ERROR &&
		    (f->rule == RULE_YAML_SYNTAX || f->rule == RULE_INVALID_SPEC ||
		     f->rule == RULE_UNSUPPORTED_PROTOCOL || f->rule == RULE_UNKNOWN_FIELD ||
		     f->rule == RULE_DUPLICATE_OBJECT))
			return true;
	}
	return false;
}

/* ---- comparison ---- */

static void end_sref(const struct end *e, int k, struct sref *out)
{
	if (e->u) {
		*out = (struct sref){ .ep = e->u->ep[k] };
		return;
	}
	*out = (struct sref){ NULL, e->family, e->lo, e->hi };
}

static void end_format(const struct end *e, struct strbuf *sb)
{
	struct sref r = { NULL, e->family, e->lo, e->hi };
	if (e->u)
		strbuf_addstr(sb, e->u->name);
	else
		sref_format(&r, sb);
}

/* Is this end focused: a focused endpoint, or a range holding a focused address? */
static bool df_has(const struct dfocus *df, const struct end *e)
{
	if (e->u)
		return df->foc[e->u - df->u];
	struct sref r = { NULL, e->family, e->lo, e->hi };
	return focus_has(df->f[0], &r) || focus_has(df->f[1], &r);
}

static bool df_keeps(const struct dfocus *df, const struct end *src, const struct end *dst)
{
	if (!df || !df->f[0]->nitems)
		return true;
	switch (df->f[0]->dir) {
	case FOCUS_INGRESS: return df_has(df, dst);
	case FOCUS_EGRESS: return df_has(df, src);
	default: return df_has(df, src) || df_has(df, dst);
	}
}

/* Both sides' sets cut to --focus-conn. */
static void df_narrow(const struct dfocus *df, struct connset c[2])
{
	if (df)
		for (int k = 0; k < 2; k++)
			focus_narrow(df->f[0], &c[k]);
}

/* What side k allows from src to dst: nothing when an endpoint is missing there. */
static void side_allowed(const struct side *sd, int k, const struct end *src,
			 const struct end *dst, struct connset *out)
{
	struct sref a, b;
	if ((src->u && !src->u->ep[k]) || (dst->u && !dst->u->ep[k])) {
		connset_clear(out);
		return;
	}
	end_sref(src, k, &a);
	end_sref(dst, k, &b);
	solver_allowed(&sd->s, &a, &b, out);
}

/* The type of a pair's difference, or -1 when both sides allow the same. */
static int diff_type_of(const struct connset c[2])
{
	bool e0 = connset_is_empty(&c[0]), e1 = connset_is_empty(&c[1]);
	if ((e0 && e1) || connset_equal(&c[0], &c[1]))
		return -1;
	return e0 ? DIFF_ADDED : e1 ? DIFF_REMOVED : DIFF_CHANGED;
}

static int u128_cmp(const void *pa, const void *pb)
{
	u128 a = *(const u128 *)pa, b = *(const u128 *)pb;
	return a < b ? -1 : a > b;
}

/* The common refinement of both sides' external ranges for one direction and family:
 * each side's ranges tile the address space, so the union of their first addresses
 * cuts it into ranges inside one range of each side. The caller frees *out. */
static void refine(struct side sides[2], int dir, int f, struct iprange **out, size_t *nout)
{
	u128 max = f ? IPV6_MAX : IPV4_MAX;
	size_t n = 0, total = sides[0].s.next[dir][f] + sides[1].s.next[dir][f];
	u128 *starts = xmalloc(sizeof(*starts) * (total + 1));

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < sides[k].s.next[dir][f]; i++)
			starts[n++] = sides[k].s.ext[dir][f][i].lo;
	starts[n++] = 0;
	qsort(starts, n, sizeof(*starts), u128_cmp);
	*out = xmalloc(sizeof(**out) * n);
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && starts[i] == starts[i - 1])
			continue;
		if (*nout)
			(*out)[*nout - 1].hi = starts[i] - 1;
		(*out)[*nout].lo = starts[i];
		(*out)[(*nout)++].hi = max;
	}
	free(starts);
}

/* Keep a row (copies of its sets) to print later. */
static void rows_add(struct rows *rs, int type, const struct end *src, const struct end *dst,
		     const struct connset c[2])
{
	if (!df_keeps(rs->df, src, dst))
		return;
	if (rs->n == rs->cap) {
		XGROW(rs->r, rs->cap, rs->n + 1);
		rs->name = xrealloc(rs->name, sizeof(*rs->name) * rs->cap);
	}
	struct row *r = &rs->r[rs->n];
	struct strbuf sb = STRBUF_INIT;
	r->type = (enum diff_type)type;
	r->src = *src;
	r->dst = *dst;
	for (int k = 0; k < 2; k++) {
		connset_init(&r->c[k]);
		connset_copy(&r->c[k], &c[k]);
	}
	end_format(src->u ? dst : src, &sb);
	rs->name[rs->n++] = strbuf_detach(&sb);
}

static void rows_clear(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		connset_release(&rs->r[i].c[0]);
		connset_release(&rs->r[i].c[1]);
		free(rs->name[i]);
	}
	rs->n = 0;
}

static void rows_free(struct rows *rs)
{
	rows_clear(rs);
	free(rs->r);
	free(rs->name);
}

/*
 * One endpoint against every external range of one direction and family: runs of
 * adjacent ranges with the same (ref1, ref2) are one row, kept in rs when it differs.
 */
static void compare_external(struct side sides[2], struct rows *rs, const struct uep *u,
			     int dir, int f, const struct iprange *rg, size_t nrg)
{
	struct end ep = { u, 0, 0, 0 };
	struct end run = { NULL, f ? AF_V6 : AF_V4, 0, 0 };
	struct connset rc[2], c[2];
	bool have = false;

	for (int k = 0; k < 2; k++) {
		connset_init(&rc[k]);
		connset_init(&c[k]);
	}
	for (size_t i = 0; i <= nrg; i++) {
		if (i < nrg) {
			struct end x = { NULL, run.family, rg[i].lo, rg[i].hi };
			for (int k = 0; k < 2; k++) {
				if (dir == DIR_INGRESS)
					side_allowed(&sides[k], k, &x, &ep, &c[k]);
				else
					side_allowed(&sides[k], k, &ep, &x, &c[k]);
			}
			df_narrow(rs->df, c);
			if (have && connset_equal(&c[0], &rc[0]) && connset_equal(&c[1], &rc[1])) {
				run.hi = rg[i].hi;
				continue;
			}
		}
		int t = have ? diff_type_of(rc) : -1;
		if (t >= 0)
			rows_add(rs, t, dir == DIR_INGRESS ? &run : &ep, dir == DIR_INGRESS ? &ep : &run, rc);
		if (i == nrg)
			break;
		for (int k = 0; k < 2; k++)
			connset_copy(&rc[k], &c[k]);
		run.lo = rg[i].lo;
		run.hi = rg[i].hi;
		have = true;
	}
	for (int k = 0; k < 2; k++) {
		connset_release(&rc[k]);
		connset_release(&c[k]);
	}
}

/* Kept rows by type, then external end's name, then the endpoint's name. */
static const struct rows *sort_rows;

static int row_index_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct row *ra = &sort_rows->r[a], *rb = &sort_rows->r[b];
	if (ra->type != rb->type)
		return ra->type < rb->type ? -1 : 1;
	int c = strcmp(sort_rows->name[a], sort_rows->name[b]);
	if (c)
		return c;
	const struct uep *ua = ra->src.u ? ra->src.u : ra->dst.u, *ub = rb->src.u ? rb->src.u : rb->dst.u;
	return strcmp(ua->name, ub->name);
}

/* The order to print kept rows in: indexes into rs, heap. */
static size_t *rows_order(const struct rows *rs)
{
	size_t *ix = xmalloc(sizeof(*ix) * (rs->n + 1));
	for (size_t i = 0; i < rs->n; i++)
		ix[i] = i;
	sort_rows = rs;
	if (rs->n > 1)
		qsort(ix, rs->n, sizeof(*ix), row_index_cmp);
	sort_rows = NULL;
	return ix;
}

/* The union of both sides' endpoints, sorted by name (each model's list is sorted). */
static struct uep *union_endpoints(struct side sides[2], size_t *nout)
{
	const struct model *m0 = &sides[0].m, *m1 = &sides[1].m;
	struct uep *u = xmalloc(sizeof(*u) * (m0->nendpoints + m1->nendpoints + 1));
	size_t i = 0, j = 0, n = 0;

	while (i < m0->nendpoints || j < m1->nendpoints) {
		int c = i == m0->nendpoints ? 1 : j == m1->nendpoints ? -1
			: strcmp(m0->endpoints[i]->display, m1->endpoints[j]->display);
		u[n].ep[0] = c <= 0 ? m0->endpoints[i++] : NULL;
		u[n].ep[1] = c >= 0 ? m1->endpoints[j++] : NULL;
		u[n].name = u[n].ep[0] ? u[n].ep[0]->display : u[n].ep[1]->display;
		n++;
	}
	*nout = n;
	return u;
}

/* Is the endpoint one pod wherever it exists (its traffic to itself is loopback)? */
static bool self_is_loopback(const struct uep *u)
{
	for (int k = 0; k < 2; k++)
		if (u->ep[k] && !u->ep[k]->is_pod)
			return false;
	return true;
}

/* ---- output ---- */

/* "workload S [and D] added|removed" (S once when S is D), or nothing when both ends
 * exist on both sides. netpol-analyzer names an endpoint of an added (removed) row that
 * the other side lacks; an external range is never "new". */
static void row_info(const struct row *r, const char *src, const char *dst, struct strbuf *sb)
{
	int other = r->type == DIFF_ADDED ? 0 : 1;
	bool src_one = r->type != DIFF_CHANGED && r->src.u && !r->src.u->ep[other];
	bool dst_one = r->type != DIFF_CHANGED && r->dst.u && !r->dst.u->ep[other];
	if (!src_one && !dst_one)
		return;
	/* A workload to itself is named once. */
	bool both = src_one && dst_one && strcmp(src, dst);
	strbuf_addstr(sb, "workload ");
	if (src_one)
		strbuf_addstr(sb, src);
	if (both)
		strbuf_addstr(sb, " and ");
	if (dst_one && (both || !src_one))
		strbuf_addstr(sb, dst);
	strbuf_addf(sb, " %s", diff_type_names[r->type]);
}

/* Write what sb holds once it is large, or always when final. */
static void out_flush(struct out *o, struct strbuf *sb, bool final)
{
	if (sb->len && (final || sb->len >= 65536)) {
		if (fwrite(sb->buf, 1, sb->len, stdout) != sb->len)
			o->write_failed = true;
		strbuf_reset(sb);
	}
}

/* The writers: each row's fields are formatted (o->src, o->dst, o->c1, o->c2, o->info)
 * before row is called with its type. */

static void text_row(struct out *o, const char *type)
{
	struct strbuf *sb = &o->sb;
	if (!o->n)
		strbuf_addstr(sb, "Connectivity diff:\n");
	strbuf_addf(sb, "diff-type: %s, source: ", type);
	escape_text(sb, o->src.buf);
	strbuf_addstr(sb, ", destination: ");
	escape_text(sb, o->dst.buf);
	strbuf_addf(sb, ", ref1: %s, ref2: %s", o->c1.buf, o->c2.buf);
	if (o->info.len) {
		strbuf_addstr(sb, ", workloads-diff-info: ");
		escape_text(sb, o->info.buf);
	}
	strbuf_addch(sb, '\n');
}

static void csv_row(struct out *o, const char *type)
{
	const char *f[] = { type, o->src.buf, o->dst.buf, o->c1.buf, o->c2.buf, o->info.buf };
	for (size_t k = 0; k < ARRAY_SIZE(f); k++) {
		if (k)
			strbuf_addch(&o->sb, ',');
		escape_csv(&o->sb, f[k]); /* quoted as Go's encoding/csv quotes */
	}
	strbuf_addch(&o->sb, '\n');
}

static void md_row(struct out *o, const char *type)
{
	const char *f[] = { type, o->src.buf, o->dst.buf, o->c1.buf, o->c2.buf, o->info.buf };
	for (size_t k = 0; k < ARRAY_SIZE(f); k++) {
		strbuf_addstr(&o->sb, k ? " | " : "| ");
		escape_md(&o->sb, f[k]);
	}
	strbuf_addstr(&o->sb, " |\n");
}

static void json_row(struct out *o, const char *type)
{
	jw_object(&o->j, NULL, true);
	jw_str(&o->j, "type", type);
	jw_str(&o->j, "source", o->src.buf);
	jw_str(&o->j, "destination", o->dst.buf);
	jw_str(&o->j, "ref1", o->c1.buf);
	jw_str(&o->j, "ref2", o->c2.buf);
	jw_str(&o->j, "info", o->info.buf);
	jw_end(&o->j);
	out_flush(o, &o->j.sb, false);
}

static const struct diff_writer {
	const char *fmt;
	const char *head;   /* before the rows */
	bool json;          /* the rows go into the JSON writer */
	void (*row)(struct out *o, const char *type);
} writers[] = {
	{ "text", "", false, text_row },
	{ "json", "", true, json_row },
	{ "csv", "diff-type,source,destination,ref1,ref2,workloads-diff-info\n", false, csv_row },
	{ "md", "| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |\n"
		"|-----------|--------|-------------|------|------|---------------------|\n",
	  false, md_row },
};

static void out_init(struct out *o, const char *fmt)
{
	*o = (struct out){ .sb = STRBUF_INIT, .c1 = STRBUF_INIT, .c2 = STRBUF_INIT,
			   .info = STRBUF_INIT, .src = STRBUF_INIT, .dst = STRBUF_INIT };
	o->w = &writers[0];
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			o->w = &writers[i];
	strbuf_addstr(&o->sb, o->w->head);
	if (o->w->json) {
		jw_init(&o->j);
		jw_object(&o->j, NULL, true);
		jw_int(&o->j, "version", NPCHECK_JSON_VERSION);
		jw_lines(&o->j, "diff");
	}
}

/* Print one row, in its place in the order. */
static void out_row(struct out *o, const struct row *r)
{
	strbuf_reset(&o->c1);
	strbuf_reset(&o->c2);
	strbuf_reset(&o->info);
	strbuf_reset(&o->src);
	strbuf_reset(&o->dst);
	connset_format(&r->c[0], &o->c1);
	connset_format(&r->c[1], &o->c2);
	end_format(&r->src, &o->src);
	end_format(&r->dst, &o->dst);
	row_info(r, o->src.buf, o->dst.buf, &o->info);
	o->w->row(o, diff_type_names[r->type]);
	o->n++;
	out_flush(o, &o->sb, false);
}

static void out_finish(struct out *o)
{
	out_flush(o, &o->sb, true);
	if (o->w->json) {
		jw_end(&o->j);
		jw_end(&o->j);
		if (!o->write_failed)
			jw_finish(&o->j, stdout);
		else
			strbuf_release(&o->j.sb);
	}
	strbuf_release(&o->sb);
	strbuf_release(&o->c1);
	strbuf_release(&o->c2);
	strbuf_release(&o->info);
	strbuf_release(&o->src);
	strbuf_release(&o->dst);
}

/* ---- the walk: rows printed as they are found ---- */

/*
 * Rows come in netpol-analyzer's order: every changed row, then every added, then every
 * removed; each by source, then destination name. So the pairs are walked once per type,
 * by source: an endpoint's rows towards endpoints come in name order as they are
 * computed, its rows towards external ranges (a few) are kept and merged in; rows from
 * external ranges are kept (one per endpoint and run) and merged in by name. The first
 * walk notes which sources have added or removed rows, so that the later walks visit
 * only those.
 */
struct walk {
	struct side *sides;
	struct uep *u;
	size_t nu;
	struct iprange *rg[DIR__COUNT][2];
	size_t nrg[DIR__COUNT][2];
	int families;
	struct rows from_ext; /* rows from an external range, every endpoint's */
	size_t *from_ext_order;
	struct rows to_ext;   /* one source's rows towards external ranges */
	bool *has[3];         /* per source: has rows of this type */
	struct out *o;
	const struct dfocus *df; /* NULL without --focus options */
	/* A source's candidate destinations: those either side may let it reach (every
	 * other pair is denied everything on both sides, so it has no row), as indexes of
	 * the union in name order. */
	struct cand cand[2];
	struct verdict_memo *memo[2]; /* per side, for the source being walked */
	struct connset tmp[2];
	uint32_t *upos[2];    /* side k's endpoint index -> its index in the union */
	uint32_t *js;         /* the candidates of the source being walked */
	uint32_t *ustamp;     /* ustamp[j] == utag: j is already among them */
	uint32_t utag;
};

static int u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return (a > b) - (a < b);
}

static void walk_cand_init(struct walk *w)
{
	w->js = xmalloc(sizeof(uint32_t) * (w->nu + 1));
	w->ustamp = xcalloc(w->nu + 1, sizeof(uint32_t));
	for (int k = 0; k < 2; k++) {
		cand_init(&w->cand[k], &w->sides[k].s);
		w->memo[k] = verdict_memo_new(&w->sides[k].s);
		connset_init(&w->tmp[k]);
		w->upos[k] = xcalloc(w->sides[k].s.nep + 1, sizeof(uint32_t));
	}
	for (size_t i = 0; i < w->nu; i++)
		for (int k = 0; k < 2; k++)
			if (w->u[i].ep[k])
				w->upos[k][w->u[i].ep[k]->index] = (uint32_t)i;
}

static void walk_cand_release(struct walk *w)
{
	for (int k = 0; k < 2; k++) {
		cand_release(&w->cand[k]);
		verdict_memo_free(w->memo[k]);
		connset_release(&w->tmp[k]);
		free(w->upos[k]);
	}
	free(w->js);
	free(w->ustamp);
}

/* What side k allows between two endpoints of the union, through its memo. */
static void walk_allowed(struct walk *w, int k, const struct end *src, const struct end *dst,
			 struct connset *out)
{
	if (!src->u->ep[k] || !dst->u->ep[k]) {
		connset_clear(out);
		return;
	}
	struct sref a = { .ep = src->u->ep[k] }, b = { .ep = dst->u->ep[k] };
	const struct connset *v = verdict_memo_allowed(w->memo[k], &a, &b, out, &w->tmp[k]);
	if (v != out)
		connset_copy(out, v);
}

/* Source i's candidate destinations on either side, and i itself, in name order. */
static size_t walk_candidates(struct walk *w, size_t i)
{
	size_t n = 0;
	w->utag++;
	w->ustamp[i] = w->utag;
	w->js[n++] = (uint32_t)i;
	for (int k = 0; k < 2; k++) {
		if (!w->u[i].ep[k])
			continue;
		connlist_candidates(&w->sides[k].s, w->u[i].ep[k]->index, &w->cand[k]);
		for (size_t c = 0; c < w->cand[k].n; c++) {
			uint32_t j = w->upos[k][w->cand[k].v[c]];
			if (w->ustamp[j] != w->utag) {
				w->ustamp[j] = w->utag;
				w->js[n++] = j;
			}
		}
	}
	qsort(w->js, n, sizeof(*w->js), u32_cmp);
	/* Either side weighs every candidate (a pair only one side proposes too). */
	for (int k = 0; k < 2; k++)
		if (w->u[i].ep[k])
			verdict_memo_source(w->memo[k], w->u[i].ep[k]->index, n);
	return n;
}

/* Print the kept row ix[*p] ... while of type t and named before name (NULL: all). */
static void print_kept(struct walk *w, const struct rows *rs, const size_t *ix, size_t *p,
		       int t, const char *name)
{
	for (; *p < rs->n; (*p)++) {
		const struct row *r = &rs->r[ix[*p]];
		if ((int)r->type != t)
			continue;
		if (name && strcmp(rs->name[ix[*p]], name) > 0)
			break;
		out_row(w->o, r);
	}
}

/* Source i's rows of type t, in destination order. */
static void walk_source(struct walk *w, size_t i, int t)
{
	struct end a = { &w->u[i], 0, 0, 0 };
	struct connset c[2];
	struct row r;
	const struct focus *fo = w->df ? w->df->f[0] : NULL;
	/* A source not asked about as a whole: only the focused destinations. */
	bool all = !fo || !fo->nitems || (fo->dir != FOCUS_INGRESS && w->df->foc[i]);
	bool to_focus = !all && fo->dir != FOCUS_EGRESS;
	bool ips = w->df && (w->df->f[0]->nips || w->df->f[1]->nips);

	rows_clear(&w->to_ext);
	for (int f = 0; f < w->families && (all || (to_focus && ips)); f++)
		compare_external(w->sides, &w->to_ext, &w->u[i], DIR_EGRESS, f,
				 w->rg[DIR_EGRESS][f], w->nrg[DIR_EGRESS][f]);
	size_t *ix = rows_order(&w->to_ext), p = 0;
	for (size_t k = 0; k < w->to_ext.n; k++)
		w->has[w->to_ext.r[k].type][i] = true;

	connset_init(&c[0]);
	connset_init(&c[1]);
	size_t ncand = walk_candidates(w, i);
	for (size_t q = 0; q < ncand && !w->o->write_failed; q++) {
		size_t j = w->js[q];
		/* A workload to itself is compared too (unlike `list`): it is traffic between
		 * two of its pods, which policy governs. A single pod to itself is loopback,
		 * never subject to policy (SPEC §2.7): nothing to compare. */
		if (i == j && self_is_loopback(&w->u[i]))
			continue;
		if (!all && (!to_focus || !w->df->foc[j]))
			continue;
		struct end b = { &w->u[j], 0, 0, 0 };
		print_kept(w, &w->to_ext, ix, &p, t, w->u[j].name);
		for (int k = 0; k < 2; k++)
			walk_allowed(w, k, &a, &b, &c[k]);
		int ty = diff_type_of(c);
		if (ty < 0)
			continue;
		/* Equal sets are equal at any port: only a difference is narrowed. */
		if (w->df && w->df->f[0]->port) {
			df_narrow(w->df, c);
			if ((ty = diff_type_of(c)) < 0)
				continue;
		}
		w->has[ty][i] = true;
		if (ty != t)
			continue;
		r = (struct row){ (enum diff_type)ty, a, b, { c[0], c[1] } };
		out_row(w->o, &r);
	}
	print_kept(w, &w->to_ext, ix, &p, t, NULL);
	connset_release(&c[0]);
	connset_release(&c[1]);
	free(ix);
}

static void walk_type(struct walk *w, int t)
{
	size_t p = 0;
	for (size_t i = 0; i < w->nu && !w->o->write_failed; i++) {
		print_kept(w, &w->from_ext, w->from_ext_order, &p, t, w->u[i].name);
		/* The first walk visits every source and notes what the others need. */
		if (t == DIFF_CHANGED || w->has[t][i])
			walk_source(w, i, t);
	}
	print_kept(w, &w->from_ext, w->from_ext_order, &p, t, NULL);
}

/* Compare two loaded sides, print as it goes, and give the exit status. With focus
 * options (fo[0] unresolved options, or NULL), only the pairs they ask about. */
static int diff_sides(struct cli *cli, const char *fmt, struct side sides[2],
		      const struct focus *fo)
{
	struct out o;
	struct walk w = { .sides = sides, .o = &o };
	struct focus f[2];
	struct dfocus df = { { &f[0], &f[1] }, NULL, NULL };

	w.u = union_endpoints(sides, &w.nu);
	if (fo) {
		struct focus *fp[2] = { &f[0], &f[1] };
		const struct model *mp[2] = { &sides[0].m, &sides[1].m };
		focus_copy_options(&f[0], fo);
		focus_copy_options(&f[1], fo);
		if (focus_resolve_either(fp, mp, cli->ns)) {
			focus_release(&f[0]);
			focus_release(&f[1]);
			free(w.u);
			return EXIT_USAGE;
		}
		df.u = w.u;
		df.foc = xcalloc(w.nu + 1, sizeof(bool));
		for (size_t i = 0; i < w.nu; i++)
			for (int k = 0; k < 2; k++)
				if (w.u[i].ep[k] && f[k].ep[w.u[i].ep[k]->index])
					df.foc[i] = true;
		w.df = &df;
		w.from_ext.df = w.to_ext.df = &df;
	}
	out_init(&o, fmt);
	w.families = sides[0].s.has_v6 || sides[1].s.has_v6 ? 2 : 1;
	for (int t = 0; t < 3; t++)
		w.has[t] = xcalloc(w.nu + 1, sizeof(bool));
	for (int dir = 0; dir < DIR__COUNT; dir++)
		for (int fam = 0; fam < w.families; fam++)
			refine(sides, dir, fam, &w.rg[dir][fam], &w.nrg[dir][fam]);
	/* Rows from external ranges: towards a focused endpoint, or from a focused address
	 * (to any endpoint). */
	bool fips = fo && (f[0].nips || f[1].nips) && fo->dir != FOCUS_INGRESS;
	for (size_t i = 0; i < w.nu; i++)
		for (int fam = 0; fam < w.families; fam++)
			if (!fo || !fo->nitems || fips || (df.foc[i] && fo->dir != FOCUS_EGRESS))
				compare_external(sides, &w.from_ext, &w.u[i], DIR_INGRESS, fam,
						 w.rg[DIR_INGRESS][fam], w.nrg[DIR_INGRESS][fam]);
	w.from_ext_order = rows_order(&w.from_ext);
	walk_cand_init(&w);
	for (int t = DIFF_CHANGED; t <= DIFF_REMOVED; t++)
		walk_type(&w, t);
	walk_cand_release(&w);
	out_finish(&o);

	int rc = sides[0].d.input_error || sides[1].d.input_error ? EXIT_INPUT
		 : o.n ? EXIT_FINDINGS : EXIT_CLEAN;
	if (o.write_failed || fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "npcheck diff: cannot write the output: %s\n", strerror(errno));
		rc = EXIT_INTERNAL;
	}
	rows_free(&w.from_ext);
	rows_free(&w.to_ext);
	free(w.from_ext_order);
	for (int t = 0; t < 3; t++)
		free(w.has[t]);
	for (int dir = 0; dir < DIR__COUNT; dir++)
		for (int fam = 0; fam < w.families; fam++)
			free(w.rg[dir][fam]);
	free(w.u);
	if (fo) {
		focus_release(&f[0]);
		focus_release(&f[1]);
		free(df.foc);
	}
	return rc;
}

/* ---- --base: the old side read through git ---- */

static int diff_base(struct cli *cli, const char *fmt, const struct model_options *mo,
		     const struct focus *fo)
{
	static const char *const dot[] = { "." };
	const char *const *paths = cli->nargs ? cli->args : dot;
	size_t npaths = cli->nargs ? cli->nargs : 1;
	struct side sides[2];
	struct revision rev;

	if (!*cli->base || cli->base[0] == '-')
		return cli_usage_error(cli, "--base takes a git revision, not '%s'", cli->base);
	for (size_t i = 0; i < npaths; i++)
		if (!strcmp(paths[i], "-") || !*paths[i])
			return cli_usage_error(cli, "--base compares paths, not '%s'", paths[i]);
	/* Interrupted while git runs: git goes too. Nothing else to clean: no file is made.
	 * The input limits are checked on the sizes git lists, before any file is read. */
	run_forward_signals(true);
	int rc = revision_read(&rev, "npcheck diff", cli->base, paths, npaths,
			       mo->max_file ? mo->max_file : MODEL_MAX_FILE,
			       mo->max_total ? mo->max_total : MODEL_MAX_TOTAL);
	run_forward_signals(false);
	if (rc) {
		revision_release(&rev);
		return EXIT_INPUT;
	}
	sides[0].a = arena_new();
	diag_init(&sides[0].d, sides[0].a);
	model_load_sources(&sides[0].m, sides[0].a, &sides[0].d, rev.srcs, rev.nsrcs, mo);
	for (size_t i = 0; i < rev.nover; i++) {
		struct ypos pos = { arena_strdup(sides[0].a, rev.over[i].name), 1, 1 };
		if (rev.over[i].total)
			diag_report(&sides[0].d, RULE_YAML_SYNTAX, &pos, NULL,
				    "cannot read: the input is over the limit of %zu bytes in all "
				    "(--max-total-input)", rev.over[i].limit);
		else
			diag_report(&sides[0].d, RULE_YAML_SYNTAX, &pos, NULL,
				    "cannot read: the file is over the limit of %zu bytes "
				    "(--max-input-size)", rev.over[i].limit);
		sides[0].d.input_error = true;
	}
	revision_release(&rev);
	diag_sort(&sides[0].d);
	solver_init(&sides[0].s, &sides[0].m);
	side_load(&sides[1], paths, npaths, mo);
	/* Same display paths on both sides: say which side these are. */
	if (has_printed_errors(&sides[0].d))
		escape_eprintf("npcheck diff: at revision %s:", cli->base);
	cli_print_input_errors(cli, &sides[0].d);
	cli_print_input_errors(cli, &sides[1].d);
	rc = diff_sides(cli, fmt, sides, fo);
	for (int k = 0; k < 2; k++)
		side_free(&sides[k]);
	return rc;
}

static int cmd_diff(struct cli *cli)
{
	/* A side with no object is a change from or to nothing, not an input error. */
	struct model_options mo;
	struct side sides[2];
	const char *fmt = cli_format(cli);
	struct focus f;
	int rc;

	if (!fmt || focus_parse(&f, cli))
		return EXIT_USAGE;
	cli_model_options(cli, &mo);
	mo.allow_empty = true;
	const struct focus *fo = focus_active(&f) ? &f : NULL;
	if (cli->base) {
		rc = diff_base(cli, fmt, &mo, fo);
	} else if (cli->nargs != 2) {
		rc = cli_usage_error(cli, "expected two paths, OLD and NEW (or --base REV [PATH...])");
	} else if (!strcmp(cli->args[0], "-") && !strcmp(cli->args[1], "-")) {
		rc = cli_usage_error(cli, "only one of OLD and NEW can be read from stdin");
	} else {
		for (int k = 0; k < 2; k++)
			side_load(&sides[k], &cli->args[k], 1, &mo);
		for (int k = 0; k < 2; k++)
			cli_print_input_errors(cli, &sides[k].d);
		rc = diff_sides(cli, fmt, sides, fo);
		for (int k = 0; k < 2; k++)
			side_free(&sides[k]);
	}
	focus_release(&f);
	return rc;
}

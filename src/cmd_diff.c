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
 * With --base REV, OLD is PATH... as committed at REV, read through git into a private
 * temporary directory that mirrors the repository, and loaded from there under the same
 * display paths as the work tree side (NEW).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "focus.h"
#include "out.h"
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
	memset(o, 0, sizeof(*o));
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
	strbuf_addstr(&o->info, ""); /* never NULL, even when empty */
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
};

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
	for (size_t j = 0; j < w->nu && !w->o->write_failed; j++) {
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
			side_allowed(&w->sides[k], k, &a, &b, &c[k]);
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
	for (int t = DIFF_CHANGED; t <= DIFF_REMOVED; t++)
		walk_type(&w, t);
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

/* The git process running, for the signal handler: killed with us on SIGINT/SIGTERM. */
static volatile sig_atomic_t git_child;

static void on_signal(int sig)
{
	if (git_child > 0)
		kill((pid_t)git_child, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Run git with argv (argv[0] is "git"), no shell; feed it in (inlen bytes; stdin from
 * /dev/null when in is NULL) while collecting its stdout and stderr. Returns its exit
 * status, 128 + signal when killed, or -1 when it could not be run (errno set).
 */
static int git_run(const char *const *argv, const char *in, size_t inlen, struct strbuf *out,
		   struct strbuf *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 }, st;
	pid_t pid = -1;

	strbuf_reset(out);
	strbuf_reset(err);
	fflush(stdout);
	fflush(stderr);
	if (!pipe(po) && !pipe(pe) && (!in || !pipe(pi)))
		pid = fork();
	if (pid < 0) {
		int e = errno;
		int fds[] = { po[0], po[1], pe[0], pe[1], pi[0], pi[1] };
		for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
			if (fds[i] >= 0)
				close(fds[i]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (in) {
			dup2(pi[0], 0);
			close(pi[0]);
			close(pi[1]);
		} else {
			int nul = open("/dev/null", O_RDONLY);
			if (nul > 0) {
				dup2(nul, 0);
				close(nul);
			}
		}
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	git_child = (sig_atomic_t)pid;
	close(po[1]);
	close(pe[1]);
	if (in) {
		close(pi[0]);
		fcntl(pi[1], F_SETFL, fcntl(pi[1], F_GETFL) | O_NONBLOCK);
		if (!inlen) {
			close(pi[1]);
			pi[1] = -1;
		}
	}
	/* git may stop reading (an error): a write to it fails with EPIPE, not a signal. */
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	struct pollfd fds[3] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 },
				 { pi[1], POLLOUT, 0 } };
	size_t off = 0;
	int open_fds = 2 + (pi[1] >= 0);
	while (open_fds) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char buf[65536];
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			ssize_t r = read(fds[i].fd, buf, sizeof(buf));
			if (r > 0) {
				strbuf_add(i ? err : out, buf, (size_t)r);
			} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
		if (fds[2].fd >= 0 && fds[2].revents) {
			ssize_t w = write(fds[2].fd, in + off, inlen - off);
			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EINTR && errno != EAGAIN) || off == inlen) {
				close(fds[2].fd);
				fds[2].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 3; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	signal(SIGPIPE, old_pipe);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			git_child = 0;
			return -1;
		}
	git_child = 0;
	strbuf_addstr(out, "");
	strbuf_addstr(err, "");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* git's own message, first line, for ours. */
static const char *git_message(struct strbuf *err)
{
	char *nl = strchr(err->buf, '\n');
	if (nl)
		*nl = '\0';
	return *err->buf ? err->buf : "git failed without a message";
}

/* Run git; 0 with its output, or -1 after saying what went wrong (what: our words). */
static int git_ask(const char *const *argv, const char *in, size_t inlen, struct strbuf *out,
		   const char *what)
{
	struct strbuf err = STRBUF_INIT;
	int st = git_run(argv, in, inlen, out, &err);
	if (st < 0)
		escape_eprintf("npcheck diff: %s: cannot run git: %s", what, strerror(errno));
	else if (st)
		escape_eprintf("npcheck diff: %s: %s", what, git_message(&err));
	strbuf_release(&err);
	return st ? -1 : 0;
}

/*
 * A path argument as a path from the top of the work tree ("" for the top itself),
 * lexically: prefix is the current directory's ("sub/dir/" or ""), top the work tree's
 * absolute path. Returns NULL (heap otherwise) when it leads outside the work tree.
 */
static char *repo_relative(const char *path, const char *prefix, const char *top)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	size_t tl = strlen(top);
	char *res = NULL;

	if (path[0] == '/') {
		char real[PATH_MAX];
		const char *p = path;
		if (!(strncmp(p, top, tl) == 0 && (p[tl] == '/' || !p[tl])) && realpath(path, real))
			p = real;
		if (strncmp(p, top, tl) == 0 && (p[tl] == '/' || !p[tl]))
			strbuf_addstr(&in, p + tl);
		else
			goto done;
	} else {
		strbuf_addf(&in, "%s/%s", prefix, path);
	}
	strbuf_addstr(&out, "");
	for (const char *s = in.buf; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* empty or "." */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (!out.len)
				goto done;
			char *slash = strrchr(out.buf, '/');
			out.len = slash ? (size_t)(slash - out.buf) : 0;
			out.buf[out.len] = '\0';
		} else {
			if (out.len)
				strbuf_addch(&out, '/');
			strbuf_add(&out, s, n);
		}
		s += n + (s[n] == '/');
	}
	res = strbuf_detach(&out);
done:
	strbuf_release(&in);
	strbuf_release(&out);
	return res;
}

static bool manifest_name(const char *path)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json" };
	const char *base = strrchr(path, '/');
	size_t n;
	base = base ? base + 1 : path;
	n = strlen(base);
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcmp(base + n - e, exts[i]))
			return true;
	}
	return false;
}

/* Is path rel, or inside rel ("" is the whole tree)? */
static bool path_under(const char *path, const char *rel)
{
	size_t n = strlen(rel);
	return !n || (!strncmp(path, rel, n) && (!path[n] || path[n] == '/'));
}

/* One blob of the revision to read: where it is in the tree, under which name it is shown. */
struct blob {
	const char *path; /* in the ls-tree output */
	const char *oid;  /* idem */
	unsigned long long size; /* idem (ls-tree -l) */
	size_t arg;       /* the first path argument it falls under */
	char *name;       /* heap: its display name, as the work tree's walk names it */
};

/* The walk's order (source.c): the entries of a directory sorted by name, each
 * directory's files where its name sorts; i.e. paths compared component by component. */
static int walk_cmp(const char *a, const char *b)
{
	for (;;) {
		size_t na = strcspn(a, "/"), nb = strcspn(b, "/");
		int c = strncmp(a, b, na < nb ? na : nb);
		if (c)
			return c;
		if (na != nb)
			return na < nb ? -1 : 1;
		if (!a[na] || !b[nb])
			return !a[na] && !b[nb] ? 0 : !a[na] ? -1 : 1;
		a += na + 1;
		b += nb + 1;
	}
}

static int blob_cmp(const void *pa, const void *pb)
{
	const struct blob *a = pa, *b = pb;
	if (a->arg != b->arg)
		return a->arg < b->arg ? -1 : 1;
	return walk_cmp(a->path, b->path);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Does some path of the tree stand where another has a directory (a/b and a/b/c), or
 * twice (*twice)? No checkout can hold that: the tree was crafted. paths is sorted. */
static const char *tree_conflict(const char **paths, size_t n, bool *twice)
{
	for (size_t i = 0; i + 1 < n; i++) {
		size_t l = strlen(paths[i]);
		/* a/b's children sort after it, though not right after ("a/b.yaml" is between
		 * "a/b" and "a/b/c"): look on while the prefix holds. */
		for (size_t j = i + 1; j < n && !strncmp(paths[j], paths[i], l); j++)
			if (!paths[j][l] || paths[j][l] == '/') {
				*twice = !paths[j][l];
				return paths[i];
			}
	}
	return NULL;
}

/* Is any component of path (from its start) hidden, as the walk skips ".name"? */
static bool hidden_below(const char *path)
{
	for (const char *s = path; *s;) {
		if (*s == '.')
			return true;
		s += strcspn(s, "/");
		s += *s == '/';
	}
	return false;
}

/* The name the work tree's walk gives a file found at rest below path argument arg. */
static char *walk_name(const char *arg, const char *rest)
{
	struct strbuf sb = STRBUF_INIT;
	size_t al = strlen(arg);
	if (strcmp(arg, ".")) {
		strbuf_addstr(&sb, arg);
		if (al && arg[al - 1] != '/')
			strbuf_addch(&sb, '/');
	}
	strbuf_addstr(&sb, rest);
	return strbuf_detach(&sb);
}

/*
 * PATH... as they are at REV, read into memory with one `git ls-tree` and one
 * `git cat-file --batch`: the files the work tree's walk would read there, in its order,
 * under the names it would give them. Returns 0, or an exit status after saying why.
 */
static int base_read(const char *rev, const char *const *paths, size_t npaths,
		     const struct model_options *mo, struct source_mem **out, size_t *nout,
		     struct source_mem **over, size_t *nover)
{
	/* The input limits, checked on the sizes ls-tree gives, before any blob is read. */
	size_t max_file = mo->max_file ? mo->max_file : MODEL_MAX_FILE;
	size_t max_total = mo->max_total ? mo->max_total : MODEL_MAX_TOTAL, total = 0;
	struct strbuf info = STRBUF_INIT, tree = STRBUF_INIT, list = STRBUF_INIT,
		      spec = STRBUF_INIT, req = STRBUF_INIT, data = STRBUF_INIT;
	char **rels = xcalloc(npaths + 1, sizeof(*rels));
	const char **argv = NULL, **all = NULL;
	struct blob *blobs = NULL;
	size_t nblobs = 0, cap = 0, nall = 0, allcap = 0;
	int rc = EXIT_INPUT;
	const char *top, *prefix;

	*out = NULL;
	*nout = 0;
	{
		const char *a[] = { "git", "rev-parse", "--show-toplevel", "--show-prefix", NULL };
		if (git_ask(a, NULL, 0, &info, "--base needs a git work tree"))
			goto out;
		/* Two lines: the top, then the prefix (empty at the top). */
		char *nl = strchr(info.buf, '\n');
		if (!nl) {
			fprintf(stderr, "npcheck diff: --base needs a git work tree\n");
			goto out;
		}
		*nl = '\0';
		top = info.buf;
		prefix = nl + 1;
		nl = strchr(nl + 1, '\n');
		if (nl)
			*nl = '\0';
	}
	{
		strbuf_addf(&spec, "%s^{tree}", rev);
		const char *a[] = { "git", "rev-parse", "--verify", "--quiet", "--end-of-options",
				    spec.buf, NULL };
		struct strbuf err = STRBUF_INIT;
		int st = git_run(a, NULL, 0, &tree, &err);
		strbuf_release(&err);
		if (st) {
			escape_eprintf("npcheck diff: unknown revision '%s'", rev);
			goto out;
		}
		while (tree.len && (tree.buf[tree.len - 1] == '\n' || tree.buf[tree.len - 1] == '\r'))
			tree.buf[--tree.len] = '\0';
	}
	for (size_t i = 0; i < npaths; i++) {
		rels[i] = repo_relative(paths[i], prefix, top);
		if (!rels[i]) {
			escape_eprintf("npcheck diff: '%s' is outside the repository '%s'",
				paths[i], top);
			goto out;
		}
	}

	/* Every entry under the paths, as "MODE TYPE OID SIZE\tPATH\0", paths from the top
	 * (SIZE padded with spaces; "-" for what is no blob). */
	argv = xcalloc(npaths + 10, sizeof(*argv)); /* 9 words, the paths, NULL */
	size_t na = 0;
	bool whole = false;
	for (size_t i = 0; i < npaths; i++)
		whole |= !*rels[i];
	argv[na++] = "git";
	argv[na++] = "--literal-pathspecs";
	argv[na++] = "ls-tree";
	argv[na++] = "-r";
	argv[na++] = "-z";
	argv[na++] = "-l";
	argv[na++] = "--full-tree";
	argv[na++] = tree.buf;
	argv[na++] = "--";
	for (size_t i = 0; i < npaths && !whole; i++)
		argv[na++] = rels[i];
	argv[na] = NULL;
	strbuf_reset(&spec);
	strbuf_addf(&spec, "cannot list '%s'", rev);
	if (git_ask(argv, NULL, 0, &list, spec.buf))
		goto out;

	for (size_t off = 0; off < list.len;) {
		char *ent = list.buf + off, *tab = strchr(ent, '\t');
		off += strlen(ent) + 1;
		if (!tab)
			continue;
		*tab = '\0';
		const char *path = tab + 1;
		char *sp1 = strchr(ent, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
		if (!sp3)
			continue;
		*sp1 = *sp2 = *sp3 = '\0';
		const char *mode = ent, *type = sp1 + 1, *oid = sp2 + 1;
		unsigned long long size = strtoull(sp3 + 1 + strspn(sp3 + 1, " "), NULL, 10);
		XGROW(all, allcap, nall + 1);
		all[nall++] = path;
		/* Regular files only: no symbolic links (120000), no submodules. */
		if (strcmp(type, "blob") ||
		    (strcmp(mode, "100644") && strcmp(mode, "100755") && strcmp(mode, "100664")))
			continue;
		for (size_t i = 0; i < npaths; i++) {
			size_t rl = strlen(rels[i]);
			if (!path_under(path, rels[i]))
				continue;
			const char *rest = path + rl + (rl > 0);
			bool named = !*rest;
			/* What the walk of the work tree would read: a file named, or manifests
			 * not hidden below a directory named. */
			if (!named && (!manifest_name(path) || hidden_below(rest)))
				break;
			XGROW(blobs, cap, nblobs + 1);
			blobs[nblobs++] = (struct blob){ path, oid, size, i,
							 named ? xstrdup(paths[i]) : walk_name(paths[i], rest) };
			break;
		}
	}
	if (nall > 1)
		qsort(all, nall, sizeof(*all), str_cmp);
	bool twice = false;
	const char *bad = tree_conflict(all, nall, &twice);
	if (bad) {
		escape_eprintf("npcheck diff: '%s' is %s at revision '%s': not a tree git can "
			"check out", bad, twice ? "there twice" : "both a file and a directory", rev);
		goto out;
	}
	if (nblobs > 1)
		qsort(blobs, nblobs, sizeof(*blobs), blob_cmp);

	/* A blob over a limit is not read: it is reported as a file over it would be. */
	*over = xcalloc(nblobs + 1, sizeof(**over));
	size_t kept = 0;
	for (size_t i = 0; i < nblobs; i++) {
		bool by_total = blobs[i].size <= max_file && blobs[i].size > max_total - total;
		if (blobs[i].size > max_file || by_total) {
			struct source_mem *o = &(*over)[(*nover)++];
			o->name = blobs[i].name;
			o->len = by_total ? max_total : max_file;
			o->buf = by_total ? (char *)"total" : NULL;
			blobs[i].name = NULL;
			continue;
		}
		total += (size_t)blobs[i].size;
		blobs[kept++] = blobs[i];
	}
	nblobs = kept;
	/* Every blob at once: "OID\n" each in, "OID blob SIZE\nBYTES\n" each out. */
	for (size_t i = 0; i < nblobs; i++)
		strbuf_addf(&req, "%s\n", blobs[i].oid);
	if (nblobs) {
		const char *a[] = { "git", "cat-file", "--batch", NULL };
		strbuf_reset(&spec);
		strbuf_addf(&spec, "cannot read the files of '%s'", rev);
		if (git_ask(a, req.buf, req.len, &data, spec.buf))
			goto out;
	}
	*out = xcalloc(nblobs + 1, sizeof(**out));
	size_t pos = 0;
	for (size_t i = 0; i < nblobs; i++) {
		const char *hdr = data.buf + pos, *nl = memchr(hdr, '\n', data.len - pos);
		char *end;
		const char *sp = nl ? memchr(hdr, ' ', (size_t)(nl - hdr)) : NULL;
		const char *sp2 = sp ? memchr(sp + 1, ' ', (size_t)(nl - sp - 1)) : NULL;
		unsigned long long size = sp2 ? strtoull(sp2 + 1, &end, 10) : 0;
		if (!sp2 || end != nl || strncmp(sp + 1, "blob ", 5) ||
		    size > data.len - (size_t)(nl + 1 - data.buf)) {
			escape_eprintf("npcheck diff: cannot read '%s' at '%s': git cat-file said "
				"'%.*s'", blobs[i].path, rev,
				nl ? (int)(nl - hdr) : (int)(data.len - pos > 80 ? 80 : data.len - pos), hdr);
			goto out;
		}
		pos = (size_t)(nl + 1 - data.buf);
		struct source_mem *sm = &(*out)[(*nout)++];
		sm->name = blobs[i].name;
		blobs[i].name = NULL;
		sm->buf = xmalloc((size_t)size + 1);
		memcpy(sm->buf, data.buf + pos, (size_t)size);
		sm->buf[size] = '\0';
		sm->len = (size_t)size;
		pos += (size_t)size + 1; /* and its newline */
	}
	rc = 0;
out:
	for (size_t i = 0; i < nblobs; i++)
		free(blobs[i].name);
	free(blobs);
	free(all);
	free(argv);
	for (size_t i = 0; i < npaths; i++)
		free(rels[i]);
	free(rels);
	strbuf_release(&info);
	strbuf_release(&tree);
	strbuf_release(&list);
	strbuf_release(&spec);
	strbuf_release(&req);
	strbuf_release(&data);
	return rc;
}

static void sources_free(struct source_mem *srcs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)srcs[i].name);
		free(srcs[i].buf);
	}
	free(srcs);
}

/* The blobs base_read left unread: their names are heap, their buf a marker. */
static void over_free(struct source_mem *over, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)over[i].name);
	free(over);
}

static int diff_base(struct cli *cli, const char *fmt, const struct model_options *mo,
		     const struct focus *fo)
{
	static const char *const dot[] = { "." };
	const char *const *paths = cli->nargs ? cli->args : dot;
	size_t npaths = cli->nargs ? cli->nargs : 1;
	struct side sides[2];
	struct source_mem *srcs = NULL, *over = NULL;
	size_t nsrcs = 0, nover = 0;
	int rc;

	if (!*cli->base || cli->base[0] == '-')
		return cli_usage_error(cli, "--base takes a git revision, not '%s'", cli->base);
	for (size_t i = 0; i < npaths; i++)
		if (!strcmp(paths[i], "-") || !*paths[i])
			return cli_usage_error(cli, "--base compares paths, not '%s'", paths[i]);
	/* Interrupted while git runs: git goes too. Nothing else to clean: no file is made. */
	void (*old_int)(int) = signal(SIGINT, on_signal);
	void (*old_term)(int) = signal(SIGTERM, on_signal);
	rc = base_read(cli->base, paths, npaths, mo, &srcs, &nsrcs, &over, &nover);
	signal(SIGINT, old_int);
	signal(SIGTERM, old_term);
	if (rc) {
		sources_free(srcs, nsrcs);
		over_free(over, nover);
		return rc;
	}
	sides[0].a = arena_new();
	diag_init(&sides[0].d, sides[0].a);
	model_load_memory(&sides[0].m, sides[0].a, &sides[0].d, srcs, nsrcs, mo);
	for (size_t i = 0; i < nover; i++) {
		struct ypos pos = { arena_strdup(sides[0].a, over[i].name), 1, 1 };
		if (over[i].buf)
			diag_report(&sides[0].d, RULE_YAML_SYNTAX, &pos, NULL,
				    "cannot read: the input is over the limit of %zu bytes in all "
				    "(--max-total-input)", over[i].len);
		else
			diag_report(&sides[0].d, RULE_YAML_SYNTAX, &pos, NULL,
				    "cannot read: the file is over the limit of %zu bytes "
				    "(--max-input-size)", over[i].len);
		sides[0].d.input_error = true;
	}
	over_free(over, nover);
	diag_sort(&sides[0].d);
	solver_init(&sides[0].s, &sides[0].m);
	sources_free(srcs, nsrcs);
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

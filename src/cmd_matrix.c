/* npcheck matrix: the truth table over all endpoint pairs for some ports and protocols. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "connlist.h"
#include "escape.h"
#include "out.h"
#include "focus.h"
#include "query.h"

static int cmd_matrix(struct cli *cli);

const struct command cmd_matrix_entry = {
	.name = "matrix",
	.exec = cmd_matrix,
	.usage = "[PATH...]",
	.summary = "the truth table over all endpoint pairs",
	.formats = "text,csv,json,md",
	.reads_input = true,
	.options = {
		{ OPT_PORT, "LIST", "ports and ranges (default: every port the input names)" },
		{ OPT_PROTOCOL, "LIST", "TCP, UDP, SCTP (default: TCP with --port, else all)" },
		{ OPT_MAX_ROWS, NULL, NULL },
		{ OPT_FOCUS, NULL, NULL },
		{ OPT_FOCUS_DIR, NULL, NULL },
		{ OPT_FOCUS_CONN, NULL, NULL },
	},
};

/* "Every port named in the input": numeric policy ports and container ports. */
static void input_ports(const struct model *m, const bool protos[PROTO__COUNT],
			struct portset ps[PROTO__COUNT])
{
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *p = m->policies[i];
		if (p->invalid)
			continue;
		for (int d = 0; d < DIR__COUNT; d++)
			for (size_t r = 0; r < p->nrules[d]; r++)
				for (size_t k = 0; k < p->rules[d][r].nports; k++) {
					const struct np_port *pt = &p->rules[d][r].ports[k];
					if (pt->proto >= 0 && protos[pt->proto] && pt->has_port &&
					    !pt->port_name)
						portset_add_range(&ps[pt->proto], pt->port, pt->port);
				}
	}
	for (size_t i = 0; i < m->nendpoints; i++)
		for (size_t k = 0; k < m->endpoints[i]->nports; k++) {
			const struct container_port *cp = &m->endpoints[i]->ports[k];
			if (cp->proto >= 0 && protos[cp->proto])
				portset_add_range(&ps[cp->proto], cp->port, cp->port);
		}
}

struct column {
	int proto, port;
};

/* The grids print one block per port; a run of blocks is computed together while its
 * bits fit in this many bytes, so each pair is solved once per run, not once per port. */
#define GRID_BYTES ((size_t)8 << 20)

/* What every writer needs: the model, the solver, the columns, the candidates. */
struct mx {
	const struct model *m;
	struct solver s;
	const struct column *cols;
	size_t n, ncols;
	struct cand cand;
	struct connset c;
	char **names; /* endpoint names as the format writes them, escaped once (escape.h);
		       * NULL for json, which escapes as it writes */
	bool write_failed;
	const struct focus *f; /* NULL without --focus */
	uint32_t *all;         /* 0 .. n - 1: every endpoint as rows or columns */
	uint64_t *may;         /* with focused columns: the sources each lets in
				* (connlist_sources); the others are denied everything */
};

/* a * b, or UINT64_MAX when that does not fit. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

/* Source i's candidates (everything else denies it everything), i itself when it is one
 * pod (loopback is always allowed). */
static void mx_candidates(struct mx *x, size_t i)
{
	connlist_candidates(&x->s, i, &x->cand);
	if (x->m->endpoints[i]->is_pod && x->cand.stamp[i] != x->cand.tag) {
		x->cand.stamp[i] = x->cand.tag;
		XGROW(x->cand.v, x->cand.cap, x->cand.n + 1);
		x->cand.v[x->cand.n++] = (uint32_t)i;
	}
}

/* What source i may open to destination j (after mx_candidates(x, i) when cand): NULL
 * when nothing. Without cand, the pair is solved whatever the candidates (a source
 * asked about a few focused destinations only). Valid until the next call. */
static const struct connset *mx_allowed(struct mx *x, size_t i, size_t j, bool cand)
{
	if (cand && x->cand.stamp[j] != x->cand.tag)
		return NULL;
	struct sref src = { .ep = x->m->endpoints[i] }, dst = { .ep = x->m->endpoints[j] };
	solver_allowed(&x->s, &src, &dst, &x->c);
	return &x->c;
}

/* The destinations of source i: every endpoint, the focused ones, or none (*n == 0). */
static const uint32_t *mx_dsts(struct mx *x, size_t i, size_t *n, bool *all)
{
	struct sref src = { .ep = x->m->endpoints[i] };
	*all = focus_src_all(x->f, &src);
	if (*all) {
		*n = x->n;
		return x->all;
	}
	*n = x->f->dir != FOCUS_EGRESS ? x->f->neps : 0;
	return x->f->eps;
}

/* Write what sb holds once it is large, or always when final; false once a write failed. */
static bool mx_flush(struct mx *x, struct strbuf *sb, bool final)
{
	if (sb->len && (final || sb->len >= 65536)) {
		if (fwrite(sb->buf, 1, sb->len, stdout) != sb->len)
			x->write_failed = true;
		strbuf_reset(sb);
	}
	return !x->write_failed;
}

/* Every cell of the rows form (csv, json), as computed: cell(ctx, i, j, k, ok) for
 * source i, destination j, column k; stops once cell returns false. */
static void each_cell(struct mx *x, bool (*cell)(void *ctx, size_t i, size_t j, size_t k, bool ok),
		      void *ctx)
{
	for (size_t i = 0; i < x->n; i++) {
		size_t nd;
		bool all;
		const uint32_t *dsts = mx_dsts(x, i, &nd, &all);
		if (!nd)
			continue;
		if (all)
			mx_candidates(x, i);
		for (size_t t = 0; t < nd; t++) {
			size_t j = dsts[t];
			const struct connset *c =
				all || CONNLIST_MAY(x->may, &x->s, t, i) ? mx_allowed(x, i, j, all) : NULL;
			for (size_t k = 0; k < x->ncols; k++)
				if (!cell(ctx, i, j, k,
					  c && connset_contains(c, x->cols[k].proto, x->cols[k].port)))
					return;
		}
	}
}

struct csv_rows {
	struct mx *x;
	struct strbuf sb;
	char (*colname)[24]; /* ",PROTO,PORT" per column, formatted once */
};

static bool csv_cell(void *ctx, size_t i, size_t j, size_t k, bool ok)
{
	struct csv_rows *w = ctx;
	/* The bulk of a large run: plain appends, no format parsing. */
	strbuf_addstr(&w->sb, w->x->names[i]);
	strbuf_addch(&w->sb, ',');
	strbuf_addstr(&w->sb, w->x->names[j]);
	strbuf_addstr(&w->sb, w->colname[k]);
	strbuf_addstr(&w->sb, ok ? ",allow\n" : ",deny\n");
	return mx_flush(w->x, &w->sb, false);
}

/* csv: one row per source, destination, protocol and port. */
static void write_csv(struct mx *x)
{
	struct csv_rows w = { x, STRBUF_INIT, NULL };
	w.colname = xcalloc(x->ncols ? x->ncols : 1, sizeof(*w.colname));
	for (size_t k = 0; k < x->ncols; k++)
		snprintf(w.colname[k], sizeof(w.colname[k]), ",%s,%d", proto_name(x->cols[k].proto),
			 x->cols[k].port);
	strbuf_addstr(&w.sb, "source,destination,protocol,port,verdict\n");
	each_cell(x, csv_cell, &w);
	mx_flush(x, &w.sb, true);
	strbuf_release(&w.sb);
	free(w.colname);
}

struct json_rows {
	struct mx *x;
	struct jw j;
};

static bool json_cell(void *ctx, size_t i, size_t j, size_t k, bool ok)
{
	struct json_rows *w = ctx;
	const struct mx *x = w->x;
	jw_object(&w->j, NULL, true);
	jw_str(&w->j, "source", x->m->endpoints[i]->display);
	jw_str(&w->j, "destination", x->m->endpoints[j]->display);
	jw_str(&w->j, "protocol", proto_name(x->cols[k].proto));
	jw_int(&w->j, "port", x->cols[k].port);
	jw_str(&w->j, "verdict", ok ? "allow" : "deny");
	jw_end(&w->j);
	return mx_flush(w->x, &w->j.sb, false);
}

/* json: the rows of the csv form, through the JSON writer, written as they come. */
static void write_json(struct mx *x)
{
	struct json_rows w;
	w.x = x;
	jw_init(&w.j);
	jw_object(&w.j, NULL, true);
	jw_int(&w.j, "version", NPCHECK_JSON_VERSION);
	jw_lines(&w.j, "rows");
	each_cell(x, json_cell, &w);
	jw_end(&w.j);
	jw_end(&w.j);
	if (!x->write_failed)
		jw_finish(&w.j, stdout);
	else
		strbuf_release(&w.j.sb);
}

/* One grid: the source rows ri[0 .. nr) by the destination columns ci[0 .. nc), both
 * endpoint indexes; every endpoint (the whole table) or the focused ones. */
struct grid {
	const uint32_t *ri, *ci;
	size_t nr, nc;
};

/* Row i of the blocks k0 .. k1 - 1: cell (column b, k) is row[b * (k1 - k0) + k - k0]. */
static void grid_row(struct mx *x, const struct grid *g, size_t i, size_t k0, size_t k1,
		     unsigned char *row)
{
	size_t w = k1 - k0;
	memset(row, 0, g->nc * w);
	if (g->nc != x->n) {
		/* A few focused columns: each solved. */
		for (size_t b = 0; b < g->nc; b++) {
			if (!CONNLIST_MAY(x->may, &x->s, b, i))
				continue;
			const struct connset *c = mx_allowed(x, i, g->ci[b], false);
			for (size_t k = k0; k < k1; k++)
				row[b * w + k - k0] = connset_contains(c, x->cols[k].proto,
								       x->cols[k].port);
		}
		return;
	}
	mx_candidates(x, i);
	for (size_t t = 0; t < x->cand.n; t++) {
		size_t j = x->cand.v[t];
		const struct connset *c = mx_allowed(x, i, j, true);
		for (size_t k = k0; k < k1; k++)
			row[j * w + k - k0] = connset_contains(c, x->cols[k].proto, x->cols[k].port);
	}
}

/* One block's heading and column numbers (text), or heading and table head (md). */
static void block_head(struct mx *x, const struct grid *g, size_t k, bool md,
		       struct strbuf *sb)
{
	const struct column *col = &x->cols[k];
	if (md) {
		strbuf_addf(sb, "\n### %s %d\n\n| source \\ destination |", proto_name(col->proto),
			    col->port);
		for (size_t b = 0; b < g->nc; b++)
			strbuf_addf(sb, " %s |", x->names[g->ci[b]]);
		strbuf_addstr(sb, "\n|---|");
		for (size_t b = 0; b < g->nc; b++)
			strbuf_addstr(sb, "---|");
		strbuf_addch(sb, '\n');
		return;
	}
	/* Cells as wide as the largest endpoint number, so columns line up. */
	int w = snprintf(NULL, 0, "%zu", x->n);
	strbuf_addf(sb, "\n%s %d\n%*s", proto_name(col->proto), col->port, w + 3, "");
	for (size_t b = 0; b < g->nc; b++)
		strbuf_addf(sb, " %*zu", w, (size_t)g->ci[b] + 1);
	strbuf_addch(sb, '\n');
}

/* One line of a block: source i's verdicts, cell(b) for each destination column b. */
static void block_line(struct mx *x, const struct grid *g, size_t i, bool md,
		       const unsigned char *cells, struct strbuf *sb)
{
	if (md) {
		strbuf_addf(sb, "| %s |", x->names[i]);
		for (size_t b = 0; b < g->nc; b++)
			strbuf_addstr(sb, cells[b] ? " allow |" : " deny |");
		strbuf_addch(sb, '\n');
		return;
	}
	int w = snprintf(NULL, 0, "%zu", x->n);
	strbuf_addf(sb, "  %*zu ", w, i + 1);
	for (size_t b = 0; b < g->nc; b++)
		strbuf_addf(sb, " %*s", w, cells[b] ? "." : "X");
	strbuf_addch(sb, '\n');
}

/* text and md: one block per port, rows sources, columns destinations. Blocks are
 * computed in runs whose bits fit in GRID_BYTES; a run of one block is printed line by
 * line as it is computed. */
static void write_grid(struct mx *x, const struct grid *g, bool md, struct strbuf *sb)
{
	size_t nr = g->nr, nc = g->nc, cells = nr * nc;
	size_t per = cells ? GRID_BYTES * 8 / cells : 0;
	size_t run = per < 1 ? 1 : per > x->ncols ? x->ncols : per;
	unsigned char *row = xcalloc(nc * (run ? run : 1) + 1, 1);
	uint8_t *grid = run > 1 ? xcalloc((cells * run + 7) / 8 + 1, 1) : NULL;
	unsigned char *line = xcalloc(nc + 1, 1);

	for (size_t k0 = 0; k0 < x->ncols && !x->write_failed; k0 += run) {
		size_t k1 = k0 + run < x->ncols ? k0 + run : x->ncols, w = k1 - k0;
		if (!grid) {
			block_head(x, g, k0, md, sb);
			for (size_t a = 0; a < nr && mx_flush(x, sb, false); a++) {
				grid_row(x, g, g->ri[a], k0, k1, row);
				block_line(x, g, g->ri[a], md, row, sb);
			}
			continue;
		}
		memset(grid, 0, (cells * w + 7) / 8 + 1);
		for (size_t a = 0; a < nr; a++) {
			grid_row(x, g, g->ri[a], k0, k1, row);
			for (size_t b = 0; b < nc; b++)
				for (size_t k = 0; k < w; k++)
					if (row[b * w + k]) {
						size_t bit = (k * nr + a) * nc + b;
						grid[bit / 8] |= (uint8_t)(1u << (bit % 8));
					}
		}
		for (size_t k = 0; k < w && !x->write_failed; k++) {
			block_head(x, g, k0 + k, md, sb);
			for (size_t a = 0; a < nr && mx_flush(x, sb, false); a++) {
				for (size_t b = 0; b < nc; b++) {
					size_t bit = (k * nr + a) * nc + b;
					line[b] = (grid[bit / 8] >> (bit % 8)) & 1;
				}
				block_line(x, g, g->ri[a], md, line, sb);
			}
		}
	}
	free(row);
	free(grid);
	free(line);
}

/*
 * The grids: the whole table; with --focus, the focused endpoints' rows by every column
 * (egress), every row by the focused endpoints' columns (ingress), or both, one after
 * the other, each with its heading. Endpoints keep their numbers in the whole table.
 */
static void write_grids(struct mx *x, bool md)
{
	struct strbuf sb = STRBUF_INIT;
	struct grid g[2];
	size_t ng = 0;
	const struct focus *f = x->f && x->f->nitems ? x->f : NULL;

	if (!f) {
		g[ng++] = (struct grid){ x->all, x->all, x->n, x->n };
	} else {
		if (f->dir != FOCUS_INGRESS)
			g[ng++] = (struct grid){ f->eps, x->all, f->neps, x->n };
		if (f->dir != FOCUS_EGRESS)
			g[ng++] = (struct grid){ x->all, f->eps, x->n, f->neps };
	}
	if (!md) {
		int w = snprintf(NULL, 0, "%zu", x->n);
		strbuf_addstr(&sb, "Endpoints:\n");
		for (size_t i = 0; i < x->n && mx_flush(x, &sb, false); i++)
			strbuf_addf(&sb, "  %*zu  %s\n", w, i + 1, x->names[i]);
		strbuf_addstr(&sb, "Rows are sources, columns destinations: '.' allowed, 'X' denied.\n");
	}
	for (size_t k = 0; k < ng && !x->write_failed; k++) {
		if (f) {
			bool out = g[k].ri == f->eps;
			const char *what = out ? "From the focused endpoints (egress)"
					       : "To the focused endpoints (ingress)";
			strbuf_addf(&sb, md ? "\n## %s\n" : "\n%s:\n", what);
		}
		write_grid(x, &g[k], md, &sb);
	}
	mx_flush(x, &sb, true);
	strbuf_release(&sb);
}

static void write_text(struct mx *x)
{
	write_grids(x, false);
}

static void write_md(struct mx *x)
{
	write_grids(x, true);
}

/* The writers: how each format escapes endpoint names (NULL: as it writes them), and
 * how it writes the table. */
static const struct mx_writer {
	const char *fmt;
	void (*escape)(struct strbuf *sb, const char *s);
	void (*write)(struct mx *x);
} writers[] = {
	{ "text", escape_text, write_text },
	{ "csv", escape_csv, write_csv },
	{ "json", NULL, write_json },
	{ "md", escape_md, write_md },
};

/* --protocol, --port and --focus-conn against them. Returns an exit status for a usage
 * error, else 0. */
static int parse_options(struct cli *cli, const struct focus *f, bool protos[PROTO__COUNT],
			 struct portset *asked)
{
	if (cli->protocol) {
		const char *bad;
		int r = query_parse_protocols(cli->protocol, protos, &bad);
		if (r == -2)
			return cli_usage_error(cli, "NetworkPolicy does not define %s: its "
					       "behaviour under a policy is up to the CNI "
					       "plugin", bad);
		if (r)
			return cli_usage_error(cli, "unknown protocol '%s' (TCP, UDP or SCTP)", bad);
	}
	if (cli->port && query_parse_ports(cli->port, asked))
		return cli_usage_error(cli, "cannot read port list '%s' (e.g. 80,443,8000-8080)",
				       cli->port);
	/* --focus-conn narrows the columns to its one port: among --port and --protocol when
	 * they are given. */
	if (f->port && ((cli->port && !portset_contains(asked, f->port)) ||
			(cli->protocol && !protos[f->proto])))
		return cli_usage_error(cli, "--focus-conn %s is not among the ports asked for with "
				       "--port and --protocol", cli->focus_conn);
	return 0;
}

/* The columns: every port asked for (at most 3 x 65,535), the focused connection's, or
 * every port the input names. */
static void make_columns(const struct cli *cli, const struct focus *f, struct mx *x,
			 bool protos[PROTO__COUNT], const struct portset *asked)
{
	struct portset ps[PROTO__COUNT];
	struct column *cols = NULL;
	size_t ncols = 0, cap = 0;

	for (int p = 0; p < PROTO__COUNT; p++)
		portset_init(&ps[p]);
	for (int p = 0; p < PROTO__COUNT; p++)
		if (protos[p] && cli->port && !f->port)
			portset_copy(&ps[p], asked);
	if (f->port)
		portset_add_range(&ps[f->proto], f->port, f->port);
	else if (!cli->port) {
		if (!cli->protocol)
			protos[PROTO_UDP] = protos[PROTO_SCTP] = true;
		input_ports(x->m, protos, ps);
	}
	for (int p = 0; p < PROTO__COUNT; p++)
		for (size_t r = 0; r < ps[p].n; r++)
			for (int port = ps[p].r[r].lo; port <= ps[p].r[r].hi; port++) {
				XGROW(cols, cap, ncols + 1);
				cols[ncols].proto = p;
				cols[ncols++].port = port;
			}
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_release(&ps[p]);
	x->cols = cols;
	x->ncols = ncols;
}

/* The size of the table, before any of it is computed or printed: one row of the csv
 * form per source, destination, protocol and port (every format prints as many cells).
 * Stated when large (or asked with -v), unless -q; EXIT_USAGE over the limit. */
static int check_size(const struct cli *cli, const struct focus *f, const struct mx *x)
{
	uint64_t limit = cli->max_rows ? cli->max_rows : MATRIX_MAX_ROWS;
	uint64_t npairs = mul_sat(x->n, x->n);
	size_t ncols = x->ncols;
	if (f->nitems)
		npairs = mul_sat(mul_sat(f->neps, x->n), f->dir == FOCUS_BOTH ? 2 : 1);
	uint64_t nrows = mul_sat(npairs, ncols);
	if (f->nitems && (nrows > limit || cli->verbose ||
			  (nrows > MATRIX_ANNOUNCE_ROWS && !cli->quiet))) {
		fprintf(stderr, "npcheck matrix: %s%" PRIu64 " rows (%zu focused endpoint%s x %zu "
			"x %zu port%s%s)%s\n", nrows == UINT64_MAX ? "over " : "", nrows, f->neps,
			f->neps == 1 ? "" : "s", x->n, ncols, ncols == 1 ? "" : "s",
			f->dir == FOCUS_BOTH ? ", both directions" : "",
			nrows > limit ? ", over the limit; ask for fewer ports with --port and "
					"--protocol, or raise the limit with --max-rows" : "");
		return nrows > limit ? EXIT_USAGE : 0;
	}
	if (nrows > limit) {
		fprintf(stderr, "npcheck matrix: the table has %s%" PRIu64 " rows (%zu endpoints x "
			"%zu x %zu ports), over the limit of %" PRIu64 "; ask for fewer ports with "
			"--port and --protocol, or raise the limit with --max-rows\n",
			nrows == UINT64_MAX ? "over " : "", nrows, x->n, x->n, ncols, limit);
		return EXIT_USAGE;
	}
	if (cli->verbose || (nrows > MATRIX_ANNOUNCE_ROWS && !cli->quiet))
		fprintf(stderr, "npcheck matrix: %" PRIu64 " rows (%zu endpoints x %zu x %zu ports)\n",
			nrows, x->n, x->n, ncols);
	return 0;
}

/* The table through writer w, computed as it is written. Returns EXIT_INTERNAL when the
 * output cannot be written, else 0. */
static int render(struct mx *x, const struct focus *f, const struct mx_writer *w)
{
	int rc = 0;
	x->all = xcalloc(x->n + 1, sizeof(*x->all));
	for (size_t i = 0; i < x->n; i++)
		x->all[i] = (uint32_t)i;
	solver_init(&x->s, x->m);
	if (f->nitems && f->dir != FOCUS_EGRESS)
		x->may = connlist_sources(&x->s, f->eps, f->neps);
	connset_init(&x->c);
	cand_init(&x->cand, &x->s);
	if (w->escape) {
		x->names = xcalloc(x->n + 1, sizeof(*x->names));
		for (size_t i = 0; i < x->n; i++) {
			struct strbuf e = STRBUF_INIT;
			w->escape(&e, x->m->endpoints[i]->display);
			x->names[i] = e.buf ? strbuf_detach(&e) : xstrdup("");
		}
	}
	w->write(x);
	for (size_t i = 0; x->names && i < x->n; i++)
		free(x->names[i]);
	free(x->names);
	if (fflush(stdout) || ferror(stdout))
		x->write_failed = true;
	if (x->write_failed) {
		fprintf(stderr, "npcheck matrix: cannot write the output: %s\n", strerror(errno));
		rc = EXIT_INTERNAL;
	}
	connset_release(&x->c);
	cand_release(&x->cand);
	solver_free(&x->s);
	return rc;
}

static int cmd_matrix(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	const char *const *paths;
	size_t npaths;
	bool protos[PROTO__COUNT] = { false, true, false };
	struct portset asked;
	struct loaded l;
	struct mx x = { 0 };
	struct focus f;
	const struct mx_writer *w = NULL;

	if (!fmt || focus_parse(&f, cli))
		return EXIT_USAGE;
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			w = &writers[i];
	portset_init(&asked);
	int rc = parse_options(cli, &f, protos, &asked);
	if (rc || cli_input_paths(cli, &paths, &npaths)) {
		portset_release(&asked);
		focus_release(&f);
		return rc ? rc : EXIT_USAGE;
	}
	rc = cli_load(cli, paths, npaths, &l);
	x.m = &l.model;
	if (focus_resolve(&f, x.m, cli->ns, false)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (f.nips) {
		rc = cli_usage_error(cli, "--focus names an external address: the matrix has "
				     "endpoints of the input only");
		goto out;
	}
	if (focus_active(&f))
		x.f = &f;
	make_columns(cli, &f, &x, protos, &asked);
	x.n = x.m->nendpoints;
	int r = check_size(cli, &f, &x);
	if (r)
		rc = r;
	else if ((r = render(&x, &f, w)))
		rc = r;
out:
	free(x.may);
	free(x.all);
	focus_release(&f);
	free((void *)x.cols);
	portset_release(&asked);
	cli_unload(&l);
	return rc;
}

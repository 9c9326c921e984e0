/* npcheck diff: connections added, removed and changed between two manifest sets. */
/*
 * Every pair of endpoints (and every endpoint with every external address range) whose
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "solver.h"

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

struct row {
	enum diff_type type;
	char *src, *dst;            /* heap */
	bool src_one, dst_one;      /* that endpoint exists on one side only */
	struct connset c[2];        /* ref1, ref2 */
};

struct rows {
	struct row *r;
	size_t n, cap;
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

/* Record the pair when its two connection sets differ; takes c[] over when it does. */
static void add_row(struct rows *rs, const struct end *src, const struct end *dst,
		    struct connset c[2])
{
	bool e0 = connset_is_empty(&c[0]), e1 = connset_is_empty(&c[1]);
	struct strbuf sb = STRBUF_INIT;
	struct row *r;

	if ((e0 && e1) || connset_equal(&c[0], &c[1]))
		return;
	XGROW(rs->r, rs->cap, rs->n + 1);
	r = &rs->r[rs->n++];
	r->type = e0 ? DIFF_ADDED : e1 ? DIFF_REMOVED : DIFF_CHANGED;
	end_format(src, &sb);
	r->src = strbuf_detach(&sb);
	end_format(dst, &sb);
	r->dst = strbuf_detach(&sb);
	/* netpol-analyzer names an endpoint of an added (removed) row that the other side
	 * lacks; an external range is never "new". */
	int other = r->type == DIFF_ADDED ? 0 : 1;
	r->src_one = r->type != DIFF_CHANGED && src->u && !src->u->ep[other];
	r->dst_one = r->type != DIFF_CHANGED && dst->u && !dst->u->ep[other];
	for (int k = 0; k < 2; k++) {
		r->c[k] = c[k];
		connset_init(&c[k]);
	}
}

static void compare_pair(struct side sides[2], struct rows *rs, const struct end *src,
			 const struct end *dst)
{
	struct connset c[2];
	for (int k = 0; k < 2; k++) {
		connset_init(&c[k]);
		side_allowed(&sides[k], k, src, dst, &c[k]);
	}
	add_row(rs, src, dst, c);
	connset_release(&c[0]);
	connset_release(&c[1]);
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

/* One endpoint against every external range of one direction and family: runs of
 * adjacent ranges with the same (ref1, ref2) are one row. */
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
	for (size_t i = 0; i < nrg; i++) {
		struct end x = { NULL, run.family, rg[i].lo, rg[i].hi };
		for (int k = 0; k < 2; k++) {
			if (dir == DIR_INGRESS)
				side_allowed(&sides[k], k, &x, &ep, &c[k]);
			else
				side_allowed(&sides[k], k, &ep, &x, &c[k]);
		}
		if (have && connset_equal(&c[0], &rc[0]) && connset_equal(&c[1], &rc[1])) {
			run.hi = rg[i].hi;
			continue;
		}
		if (have)
			add_row(rs, dir == DIR_INGRESS ? &run : &ep, dir == DIR_INGRESS ? &ep : &run, rc);
		for (int k = 0; k < 2; k++)
			connset_copy(&rc[k], &c[k]);
		run.lo = rg[i].lo;
		run.hi = rg[i].hi;
		have = true;
	}
	if (have)
		add_row(rs, dir == DIR_INGRESS ? &run : &ep, dir == DIR_INGRESS ? &ep : &run, rc);
	for (int k = 0; k < 2; k++) {
		connset_release(&rc[k]);
		connset_release(&c[k]);
	}
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	c = strcmp(a->src, b->src);
	return c ? c : strcmp(a->dst, b->dst);
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

static void compare(struct side sides[2], struct rows *rs)
{
	size_t nu;
	struct uep *u = union_endpoints(sides, &nu);
	int families = sides[0].s.has_v6 || sides[1].s.has_v6 ? 2 : 1;

	for (size_t i = 0; i < nu; i++)
		for (size_t j = 0; j < nu; j++) {
			/* A workload to itself is left out, as in `list`. */
			if (i == j)
				continue;
			struct end a = { &u[i], 0, 0, 0 }, b = { &u[j], 0, 0, 0 };
			compare_pair(sides, rs, &a, &b);
		}
	for (int dir = 0; dir < DIR__COUNT; dir++)
		for (int f = 0; f < families; f++) {
			struct iprange *rg;
			size_t nrg;
			refine(sides, dir, f, &rg, &nrg);
			for (size_t i = 0; i < nu; i++)
				compare_external(sides, rs, &u[i], dir, f, rg, nrg);
			free(rg);
		}
	free(u);
	if (rs->n > 1)
		qsort(rs->r, rs->n, sizeof(*rs->r), row_cmp);
}

static void rows_free(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->r[i].src);
		free(rs->r[i].dst);
		connset_release(&rs->r[i].c[0]);
		connset_release(&rs->r[i].c[1]);
	}
	free(rs->r);
}

/* ---- output ---- */

/* "workload S [and D] added|removed", or nothing when both ends exist on both sides. */
static void row_info(const struct row *r, struct strbuf *sb)
{
	if (!r->src_one && !r->dst_one)
		return;
	strbuf_addstr(sb, "workload ");
	if (r->src_one)
		strbuf_addstr(sb, r->src);
	if (r->src_one && r->dst_one)
		strbuf_addstr(sb, " and ");
	if (r->dst_one)
		strbuf_addstr(sb, r->dst);
	strbuf_addf(sb, " %s", diff_type_names[r->type]);
}

/* A CSV field, quoted as Go's encoding/csv (netpol-analyzer's writer) quotes it. */
static void csv_field(struct strbuf *sb, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && *s != ' ' && *s != '\t') {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void write_rows(const char *fmt, const struct rows *rs)
{
	struct strbuf sb = STRBUF_INIT, c1 = STRBUF_INIT, c2 = STRBUF_INIT, info = STRBUF_INIT;
	bool json = !strcmp(fmt, "json"), csv = !strcmp(fmt, "csv"), md = !strcmp(fmt, "md");

	if (json)
		fputs("{\"diff\": [", stdout);
	else if (csv)
		fputs("diff-type,source,destination,ref1,ref2,workloads-diff-info\n", stdout);
	else if (md)
		fputs("| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |\n"
		      "|-----------|--------|-------------|------|------|---------------------|\n",
		      stdout);
	else if (rs->n)
		fputs("Connectivity diff:\n", stdout);
	for (size_t i = 0; i < rs->n; i++) {
		const struct row *r = &rs->r[i];
		const char *type = diff_type_names[r->type];
		strbuf_reset(&sb);
		strbuf_reset(&c1);
		strbuf_reset(&c2);
		strbuf_reset(&info);
		connset_format(&r->c[0], &c1);
		connset_format(&r->c[1], &c2);
		strbuf_addstr(&info, ""); /* never NULL, even when empty */
		row_info(r, &info);
		if (json) {
			strbuf_addstr(&sb, i ? ",\n  {\"type\": " : "\n  {\"type\": ");
			strbuf_add_json_str(&sb, type);
			strbuf_addstr(&sb, ", \"source\": ");
			strbuf_add_json_str(&sb, r->src);
			strbuf_addstr(&sb, ", \"destination\": ");
			strbuf_add_json_str(&sb, r->dst);
			strbuf_addstr(&sb, ", \"ref1\": ");
			strbuf_add_json_str(&sb, c1.buf);
			strbuf_addstr(&sb, ", \"ref2\": ");
			strbuf_add_json_str(&sb, c2.buf);
			strbuf_addstr(&sb, ", \"info\": ");
			strbuf_add_json_str(&sb, info.buf);
			strbuf_addch(&sb, '}');
		} else if (csv) {
			const char *f[] = { type, r->src, r->dst, c1.buf, c2.buf, info.buf };
			for (size_t k = 0; k < ARRAY_SIZE(f); k++) {
				if (k)
					strbuf_addch(&sb, ',');
				csv_field(&sb, f[k]);
			}
			strbuf_addch(&sb, '\n');
		} else if (md) {
			const char *f[] = { type, r->src, r->dst, c1.buf, c2.buf, info.buf };
			strbuf_addch(&sb, '|');
			for (size_t k = 0; k < ARRAY_SIZE(f); k++) {
				strbuf_addch(&sb, ' ');
				strbuf_add_md(&sb, f[k]);
				strbuf_addstr(&sb, " |");
			}
			strbuf_addch(&sb, '\n');
		} else {
			strbuf_addf(&sb, "diff-type: %s, source: %s, destination: %s, ref1: %s, ref2: %s",
				    type, r->src, r->dst, c1.buf, c2.buf);
			if (info.len)
				strbuf_addf(&sb, ", workloads-diff-info: %s", info.buf);
			strbuf_addch(&sb, '\n');
		}
		fputs(sb.buf, stdout);
	}
	if (json)
		fputs(rs->n ? "\n]}\n" : "]}\n", stdout);
	strbuf_release(&sb);
	strbuf_release(&c1);
	strbuf_release(&c2);
	strbuf_release(&info);
}

/* Compare two loaded sides, print, and give the exit status. */
static int diff_sides(const char *fmt, struct side sides[2])
{
	struct rows rs = { NULL, 0, 0 };
	compare(sides, &rs);
	write_rows(fmt, &rs);
	int rc = sides[0].d.input_error || sides[1].d.input_error ? EXIT_INPUT
		 : rs.n ? EXIT_FINDINGS : EXIT_CLEAN;
	rows_free(&rs);
	return rc;
}

/* ---- --base: the old side read through git ---- */

/*
 * Run git with argv (argv[0] is "git"), no shell, stdin from /dev/null; collect its
 * stdout and stderr. Returns its exit status, 128 + signal when killed, or -1 when it
 * could not be run (errno set).
 */
static int git_run(const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	int po[2], pe[2], st;
	pid_t pid;

	strbuf_reset(out);
	strbuf_reset(err);
	if (pipe(po))
		return -1;
	if (pipe(pe)) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul > 0) {
			dup2(nul, 0);
			close(nul);
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
	close(po[1]);
	close(pe[1]);
	struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds) {
		if (poll(fds, 2, -1) < 0) {
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
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
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
static int git_ask(const char *const *argv, struct strbuf *out, const char *what)
{
	struct strbuf err = STRBUF_INIT;
	int st = git_run(argv, out, &err);
	if (st < 0)
		fprintf(stderr, "npcheck diff: %s: cannot run git: %s\n", what, strerror(errno));
	else if (st)
		fprintf(stderr, "npcheck diff: %s: %s\n", what, git_message(&err));
	strbuf_release(&err);
	return st ? -1 : 0;
}

static void chomp(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		sb->buf[--sb->len] = '\0';
}

/*
 * The private copy of the old tree: a directory made by mkdtemp, and everything created
 * in it, in creation order, so that exactly that is removed again.
 */
struct snapshot {
	char *root; /* heap; NULL until created */
	struct made {
		char *path; /* heap */
		bool dir;
	} *made;
	size_t n, cap;
};

static void snapshot_note(struct snapshot *t, const char *path, bool dir)
{
	XGROW(t->made, t->cap, t->n + 1);
	t->made[t->n].path = xstrdup(path);
	t->made[t->n++].dir = dir;
}

/* Create root/rel's directories (rel's last component too when last is true). */
static int snapshot_mkdirs(struct snapshot *t, const char *rel, bool last)
{
	struct strbuf p = STRBUF_INIT;
	int rc = 0;
	strbuf_addstr(&p, t->root);
	for (const char *s = rel; *s;) {
		size_t n = strcspn(s, "/");
		if (!s[n] && !last)
			break;
		strbuf_addch(&p, '/');
		strbuf_add(&p, s, n);
		if (mkdir(p.buf, 0700) == 0) {
			snapshot_note(t, p.buf, true);
		} else if (errno != EEXIST) {
			fprintf(stderr, "npcheck diff: cannot create '%s': %s\n", p.buf, strerror(errno));
			rc = -1;
			break;
		}
		s += n + (s[n] == '/');
	}
	strbuf_release(&p);
	return rc;
}

static int snapshot_write(struct snapshot *t, const char *rel, const struct strbuf *data)
{
	struct strbuf p = STRBUF_INIT;
	int rc = -1, fd;
	if (snapshot_mkdirs(t, rel, false))
		return -1;
	strbuf_addf(&p, "%s/%s", t->root, rel);
	fd = open(p.buf, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		snapshot_note(t, p.buf, false);
		size_t off = 0;
		while (off < data->len) {
			ssize_t w = write(fd, data->buf + off, data->len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (close(fd) == 0 && off == data->len)
			rc = 0;
	}
	if (rc)
		fprintf(stderr, "npcheck diff: cannot write '%s': %s\n", p.buf, strerror(errno));
	strbuf_release(&p);
	return rc;
}

static void snapshot_remove(struct snapshot *t)
{
	for (size_t i = t->n; i-- > 0;) {
		const struct made *m = &t->made[i];
		if ((m->dir ? rmdir(m->path) : unlink(m->path)) != 0)
			fprintf(stderr, "npcheck diff: cannot remove '%s': %s\n", m->path,
				strerror(errno));
		free(m->path);
	}
	free(t->made);
	if (t->root && rmdir(t->root) != 0)
		fprintf(stderr, "npcheck diff: cannot remove '%s': %s\n", t->root, strerror(errno));
	free(t->root);
	memset(t, 0, sizeof(*t));
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

/* A tree path git gave us, safe to create under our directory: relative, no empty, "."
 * or ".." component (git refuses such trees too, but a crafted one must not escape). */
static bool safe_tree_path(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n + (s[n] == '/');
	}
	return true;
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

/*
 * Copy PATH... as they are at REV into a new private directory t->root, laid out as the
 * repository; *old_dir is where the current directory corresponds to in it. Returns 0,
 * or an exit status after saying why.
 */
static int snapshot_take(struct snapshot *t, const char *rev, const char *const *paths,
			 size_t npaths, char **old_dir, char ***rels)
{
	struct strbuf top = STRBUF_INIT, prefix = STRBUF_INIT, tree = STRBUF_INIT,
		      list = STRBUF_INIT, blob = STRBUF_INIT, spec = STRBUF_INIT;
	const char **argv = NULL;
	bool *found = xcalloc(npaths + 1, sizeof(*found));
	int rc = EXIT_INPUT;

	*rels = xcalloc(npaths + 1, sizeof(**rels));
	*old_dir = NULL;
	{
		const char *a[] = { "git", "rev-parse", "--show-toplevel", NULL };
		if (git_ask(a, &top, "--base needs a git work tree"))
			goto out;
		chomp(&top);
	}
	{
		const char *a[] = { "git", "rev-parse", "--show-prefix", NULL };
		if (git_ask(a, &prefix, "--base needs a git work tree"))
			goto out;
		chomp(&prefix);
	}
	{
		strbuf_addf(&spec, "%s^{tree}", rev);
		const char *a[] = { "git", "rev-parse", "--verify", "--quiet", spec.buf, NULL };
		struct strbuf err = STRBUF_INIT;
		int st = git_run(a, &tree, &err);
		strbuf_release(&err);
		if (st) {
			fprintf(stderr, "npcheck diff: unknown revision '%s'\n", rev);
			goto out;
		}
		chomp(&tree);
	}
	for (size_t i = 0; i < npaths; i++) {
		(*rels)[i] = repo_relative(paths[i], prefix.buf, top.buf);
		if (!(*rels)[i]) {
			fprintf(stderr, "npcheck diff: '%s' is outside the repository '%s'\n",
				paths[i], top.buf);
			goto out;
		}
	}

	/* Every blob under the paths, as "MODE TYPE OID\tPATH\0", paths from the top. */
	argv = xcalloc(npaths + 9, sizeof(*argv)); /* 8 words, the paths, NULL */
	size_t na = 0;
	bool whole = false;
	for (size_t i = 0; i < npaths; i++)
		whole |= !*(*rels)[i];
	argv[na++] = "git";
	argv[na++] = "--literal-pathspecs";
	argv[na++] = "ls-tree";
	argv[na++] = "-r";
	argv[na++] = "-z";
	argv[na++] = "--full-tree";
	argv[na++] = tree.buf;
	argv[na++] = "--";
	for (size_t i = 0; i < npaths && !whole; i++)
		argv[na++] = (*rels)[i];
	argv[na] = NULL;
	strbuf_reset(&spec);
	strbuf_addf(&spec, "cannot list '%s'", rev);
	if (git_ask(argv, &list, spec.buf))
		goto out;

	{
		const char *tmp = getenv("TMPDIR");
		struct strbuf tpl = STRBUF_INIT;
		strbuf_addf(&tpl, "%s/npcheck-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tpl.buf)) {
			fprintf(stderr, "npcheck diff: cannot create a temporary directory '%s': %s\n",
				tpl.buf, strerror(errno));
			strbuf_release(&tpl);
			rc = EXIT_INTERNAL;
			goto out;
		}
		t->root = strbuf_detach(&tpl);
	}
	for (size_t off = 0; off < list.len;) {
		char *ent = list.buf + off, *tab = strchr(ent, '\t');
		off += strlen(ent) + 1;
		if (!tab)
			continue;
		const char *path = tab + 1;
		char mode[8], type[8], oid[72];
		if (sscanf(ent, "%7s %7s %71s", mode, type, oid) != 3 || strcmp(type, "blob"))
			continue;
		/* Regular files only: no symbolic links (120000), no submodules. */
		if (strcmp(mode, "100644") && strcmp(mode, "100755") && strcmp(mode, "100664"))
			continue;
		bool named = false, under = false;
		for (size_t i = 0; i < npaths; i++) {
			if (path_under(path, (*rels)[i])) {
				found[i] = under = true;
				named |= !strcmp(path, (*rels)[i]);
			}
		}
		/* What the walk of the work tree would read: manifests, or a file named. */
		if (!under || (!named && !manifest_name(path)))
			continue;
		if (!safe_tree_path(path)) {
			fprintf(stderr, "npcheck diff: skipping unsafe path '%s' in '%s'\n", path, rev);
			continue;
		}
		const char *a[] = { "git", "cat-file", "blob", oid, NULL };
		strbuf_reset(&spec);
		strbuf_addf(&spec, "cannot read '%s' at '%s'", path, rev);
		if (git_ask(a, &blob, spec.buf))
			goto out;
		if (snapshot_write(t, path, &blob)) {
			rc = EXIT_INTERNAL;
			goto out;
		}
	}
	/* A path absent at REV is an empty directory there: everything in it is new. */
	for (size_t i = 0; i < npaths; i++)
		if (!found[i] && snapshot_mkdirs(t, (*rels)[i], true)) {
			rc = EXIT_INTERNAL;
			goto out;
		}
	if (snapshot_mkdirs(t, prefix.buf, true)) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	strbuf_reset(&spec);
	strbuf_addf(&spec, "%s/%s", t->root, prefix.buf);
	*old_dir = strbuf_detach(&spec);
	rc = 0;
out:
	free(argv);
	free(found);
	strbuf_release(&top);
	strbuf_release(&prefix);
	strbuf_release(&tree);
	strbuf_release(&list);
	strbuf_release(&blob);
	strbuf_release(&spec);
	return rc;
}

/*
 * Load the old side from the snapshot under the same display paths as the work tree:
 * from inside the snapshot's copy of the current directory, relative paths name the
 * same files; an absolute path becomes its copy in the snapshot.
 */
static int load_old(struct side *sd, const struct snapshot *t, const char *old_dir,
		    const char *const *paths, char **rels, size_t npaths,
		    const struct model_options *mo)
{
	const char **p = xcalloc(npaths + 1, sizeof(*p));
	char **owned = xcalloc(npaths + 1, sizeof(*owned));
	int here = open(".", O_RDONLY | O_DIRECTORY), rc = 0;

	if (here < 0 || chdir(old_dir) != 0) {
		fprintf(stderr, "npcheck diff: cannot enter '%s': %s\n", old_dir, strerror(errno));
		rc = EXIT_INTERNAL;
	} else {
		for (size_t i = 0; i < npaths; i++) {
			if (paths[i][0] != '/') {
				p[i] = paths[i];
				continue;
			}
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "%s%s%s", t->root, *rels[i] ? "/" : "", rels[i]);
			p[i] = owned[i] = strbuf_detach(&sb);
		}
		side_load(sd, p, npaths, mo);
		if (fchdir(here) != 0) {
			fprintf(stderr, "npcheck diff: cannot return to the current directory: %s\n",
				strerror(errno));
			side_free(sd);
			rc = EXIT_INTERNAL;
		}
	}
	if (here >= 0)
		close(here);
	for (size_t i = 0; i < npaths; i++)
		free(owned[i]);
	free(owned);
	free(p);
	return rc;
}

static int diff_base(struct cli *cli, const char *fmt, const struct model_options *mo)
{
	static const char *const dot[] = { "." };
	const char *const *paths = cli->nargs ? cli->args : dot;
	size_t npaths = cli->nargs ? cli->nargs : 1;
	struct snapshot t = { 0 };
	struct side sides[2];
	char *old_dir = NULL, **rels = NULL;
	int rc;

	if (!*cli->base || cli->base[0] == '-')
		return cli_usage_error(cli, "--base takes a git revision, not '%s'", cli->base);
	for (size_t i = 0; i < npaths; i++)
		if (!strcmp(paths[i], "-") || !*paths[i])
			return cli_usage_error(cli, "--base compares paths, not '%s'", paths[i]);
	rc = snapshot_take(&t, cli->base, paths, npaths, &old_dir, &rels);
	if (!rc)
		rc = load_old(&sides[0], &t, old_dir, paths, rels, npaths, mo);
	snapshot_remove(&t);
	free(old_dir);
	for (size_t i = 0; rels && i < npaths; i++)
		free(rels[i]);
	free(rels);
	if (rc)
		return rc;
	side_load(&sides[1], paths, npaths, mo);
	/* Same display paths on both sides: say which side these are. */
	if (has_printed_errors(&sides[0].d))
		fprintf(stderr, "npcheck diff: at revision %s:\n", cli->base);
	cli_print_input_errors(cli, &sides[0].d);
	cli_print_input_errors(cli, &sides[1].d);
	rc = diff_sides(fmt, sides);
	for (int k = 0; k < 2; k++)
		side_free(&sides[k]);
	return rc;
}

int cmd_diff(struct cli *cli)
{
	struct model_options mo = { .default_ns = cli->ns, .verbose = cli->verbose,
				    .jobs = cli->jobs };
	struct side sides[2];
	const char *fmt = cli_format(cli);

	if (!fmt)
		return EXIT_USAGE;
	if (cli->base)
		return diff_base(cli, fmt, &mo);
	if (cli->nargs != 2)
		return cli_usage_error(cli, "expected two paths, OLD and NEW (or --base REV [PATH...])");
	if (!strcmp(cli->args[0], "-") && !strcmp(cli->args[1], "-"))
		return cli_usage_error(cli, "only one of OLD and NEW can be read from stdin");
	for (int k = 0; k < 2; k++)
		side_load(&sides[k], &cli->args[k], 1, &mo);
	for (int k = 0; k < 2; k++)
		cli_print_input_errors(cli, &sides[k].d);
	int rc = diff_sides(fmt, sides);
	for (int k = 0; k < 2; k++)
		side_free(&sides[k]);
	return rc;
}

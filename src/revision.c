/* Input paths as committed at a git revision, read into memory through one git ls-tree and one git cat-file --batch. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "path.h"
#include "revision.h"
#include "run.h"

/* What git may write in answer to a question other than the blobs: a listing of this
 * size is millions of files. */
#define GIT_MAX_ANSWER ((size_t)256 << 20)

/* One blob of the revision to read: where it is in the tree, under which name it is shown. */
struct blob {
	const char *path; /* in the ls-tree output */
	const char *oid;  /* idem */
	unsigned long long size; /* idem (ls-tree -l) */
	size_t arg;       /* the first path argument it falls under */
	char *name;       /* heap: its display name, as the work tree's walk names it */
};

/* One revision_read at work. */
struct rctx {
	const char *who, *rev;
	const char *const *paths;
	size_t npaths;
	const char *top, *prefix; /* the work tree's absolute path; the current directory's */
	char **rels;              /* heap: each path from the top of the work tree */
	struct strbuf info, tree, list, msg;
	struct blob *blobs;
	size_t nblobs, cap;
};

/* git's own message, first line, for ours. */
static const char *git_message(struct strbuf *err)
{
	char *nl = strchr(err->buf, '\n');
	if (nl)
		*nl = '\0';
	return *err->buf ? err->buf : "git failed without a message";
}

/* Run git; 0 with its output (at most max bytes), or -1 after saying what went wrong
 * (what: our words). */
static int git_ask(const struct rctx *c, const char *const *argv, const char *in,
		   size_t inlen, struct strbuf *out, size_t max, const char *what)
{
	struct strbuf err = STRBUF_INIT;
	int st = run_capture(argv, in, inlen, out, max, &err);
	if (st == RUN_FAILED)
		escape_eprintf("%s: %s: cannot run git: %s", c->who, what, strerror(errno));
	else if (st == RUN_TOO_BIG)
		escape_eprintf("%s: %s: git wrote more than %zu bytes", c->who, what, max);
	else if (st)
		escape_eprintf("%s: %s: %s", c->who, what, git_message(&err));
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
	struct strbuf out = STRBUF_INIT;
	const char *rest = path;
	char real[PATH_MAX];

	if (path[0] == '/') {
		rest = path_inside(path, top);
		if (!rest && realpath(path, real))
			rest = path_inside(real, top);
	} else if (path_add(&out, prefix, PATH_DOTDOT_FAIL)) {
		rest = NULL;
	}
	if (!rest || path_add(&out, rest, PATH_DOTDOT_FAIL)) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out);
}

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

/* Where the work tree is, which tree rev names, and each path from the top. */
static int locate(struct rctx *c)
{
	const char *a[] = { "git", "rev-parse", "--show-toplevel", "--show-prefix", NULL };
	if (git_ask(c, a, NULL, 0, &c->info, GIT_MAX_ANSWER, "--base needs a git work tree"))
		return -1;
	/* Two lines: the top, then the prefix (empty at the top). */
	char *nl = strchr(c->info.buf, '\n');
	if (!nl) {
		fprintf(stderr, "%s: --base needs a git work tree\n", c->who);
		return -1;
	}
	*nl = '\0';
	c->top = c->info.buf;
	c->prefix = nl + 1;
	nl = strchr(nl + 1, '\n');
	if (nl)
		*nl = '\0';

	strbuf_addf(&c->msg, "%s^{tree}", c->rev);
	const char *v[] = { "git", "rev-parse", "--verify", "--quiet", "--end-of-options",
			    c->msg.buf, NULL };
	struct strbuf err = STRBUF_INIT;
	int st = run_capture(v, NULL, 0, &c->tree, GIT_MAX_ANSWER, &err);
	strbuf_release(&err);
	if (st) {
		escape_eprintf("%s: unknown revision '%s'", c->who, c->rev);
		return -1;
	}
	while (c->tree.len && (c->tree.buf[c->tree.len - 1] == '\n' ||
			       c->tree.buf[c->tree.len - 1] == '\r'))
		strbuf_setlen(&c->tree, c->tree.len - 1);

	c->rels = xcalloc(c->npaths + 1, sizeof(*c->rels));
	for (size_t i = 0; i < c->npaths; i++) {
		c->rels[i] = repo_relative(c->paths[i], c->prefix, c->top);
		if (!c->rels[i]) {
			escape_eprintf("%s: '%s' is outside the repository '%s'", c->who,
				       c->paths[i], c->top);
			return -1;
		}
	}
	return 0;
}

/* One entry of the listing: a blob to read if the walk would read it there. */
static void take_entry(struct rctx *c, const char *mode, const char *type, const char *oid,
		       unsigned long long size, const char *path)
{
	/* Regular files only: no symbolic links (120000), no submodules. */
	if (strcmp(type, "blob") ||
	    (strcmp(mode, "100644") && strcmp(mode, "100755") && strcmp(mode, "100664")))
		return;
	for (size_t i = 0; i < c->npaths; i++) {
		const char *rest = path_inside(path, c->rels[i]);
		if (!rest)
			continue;
		/* What the walk of the work tree would read: a file named, or manifests not
		 * hidden below a directory named, under the name the walk gives them. */
		struct strbuf name = STRBUF_INIT;
		if (!*rest)
			strbuf_addstr(&name, c->paths[i]);
		else if (path_is_manifest(path) && !hidden_below(rest))
			path_child(&name, c->paths[i], rest);
		else
			return;
		XGROW(c->blobs, c->cap, c->nblobs + 1);
		c->blobs[c->nblobs++] = (struct blob){ path, oid, size, i, strbuf_detach(&name) };
		return;
	}
}

/* Every entry under the paths, the blobs to read in the walk's order. */
static int list_tree(struct rctx *c)
{
	const char **argv = xcalloc(c->npaths + 10, sizeof(*argv)); /* 9 words, the paths, NULL */
	const char **all = NULL;
	size_t na = 0, nall = 0, allcap = 0;
	bool whole = false;
	int rc = -1;

	for (size_t i = 0; i < c->npaths; i++)
		whole |= !*c->rels[i];
	argv[na++] = "git";
	argv[na++] = "--literal-pathspecs";
	argv[na++] = "ls-tree";
	argv[na++] = "-r";
	argv[na++] = "-z";
	argv[na++] = "-l";
	argv[na++] = "--full-tree";
	argv[na++] = c->tree.buf;
	argv[na++] = "--";
	for (size_t i = 0; i < c->npaths && !whole; i++)
		argv[na++] = c->rels[i];
	argv[na] = NULL;
	strbuf_reset(&c->msg);
	strbuf_addf(&c->msg, "cannot list '%s'", c->rev);
	if (git_ask(c, argv, NULL, 0, &c->list, GIT_MAX_ANSWER, c->msg.buf))
		goto out;

	/* "MODE TYPE OID SIZE\tPATH\0", paths from the top (SIZE padded with spaces; "-" for
	 * what is no blob). */
	for (size_t off = 0; off < c->list.len;) {
		char *ent = c->list.buf + off, *tab = strchr(ent, '\t');
		off += strlen(ent) + 1;
		if (!tab)
			continue;
		*tab = '\0';
		char *sp1 = strchr(ent, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
		if (!sp3)
			continue;
		*sp1 = *sp2 = *sp3 = '\0';
		XGROW(all, allcap, nall + 1);
		all[nall++] = tab + 1;
		take_entry(c, ent, sp1 + 1, sp2 + 1,
			   strtoull(sp3 + 1 + strspn(sp3 + 1, " "), NULL, 10), tab + 1);
	}
	if (nall > 1)
		qsort(all, nall, sizeof(*all), str_cmp);
	bool twice = false;
	const char *bad = tree_conflict(all, nall, &twice);
	if (bad) {
		escape_eprintf("%s: '%s' is %s at revision '%s': not a tree git can check out",
			       c->who, bad, twice ? "there twice" : "both a file and a directory",
			       c->rev);
		goto out;
	}
	if (c->nblobs > 1)
		qsort(c->blobs, c->nblobs, sizeof(*c->blobs), blob_cmp);
	rc = 0;
out:
	free(all);
	free(argv);
	return rc;
}

/* A blob over a limit is not read: it is reported as a file over it would be. */
static void hold_to_limits(struct revision *r, struct rctx *c, size_t max_file,
			   size_t max_total)
{
	size_t kept = 0, total = 0;
	r->over = xcalloc(c->nblobs + 1, sizeof(*r->over));
	for (size_t i = 0; i < c->nblobs; i++) {
		struct blob *b = &c->blobs[i];
		bool by_total = b->size <= max_file && b->size > max_total - total;
		if (b->size > max_file || by_total) {
			r->over[r->nover++] = (struct revision_over){
				b->name, by_total ? max_total : max_file, by_total
			};
			b->name = NULL;
			continue;
		}
		total += (size_t)b->size;
		c->blobs[kept++] = *b;
	}
	c->nblobs = kept;
}

/* Every blob at once: "OID\n" each in, "OID blob SIZE\nBYTES\n" each out. The sources
 * point into r->data. */
static int fetch(struct revision *r, struct rctx *c)
{
	struct strbuf req = STRBUF_INIT;
	size_t max = 0, pos = 0;
	int rc = -1;

	/* What git may answer: each blob's bytes, its header, its newline. */
	for (size_t i = 0; i < c->nblobs; i++) {
		strbuf_addf(&req, "%s\n", c->blobs[i].oid);
		max += (size_t)c->blobs[i].size + strlen(c->blobs[i].oid) + 32;
	}
	r->srcs = xcalloc(c->nblobs + 1, sizeof(*r->srcs));
	if (c->nblobs) {
		const char *a[] = { "git", "cat-file", "--batch", NULL };
		strbuf_reset(&c->msg);
		strbuf_addf(&c->msg, "cannot read the files of '%s'", c->rev);
		if (git_ask(c, a, req.buf, req.len, &r->data, max, c->msg.buf))
			goto out;
	}
	for (size_t i = 0; i < c->nblobs; i++) {
		const char *data = r->data.buf, *hdr = data + pos;
		const char *nl = memchr(hdr, '\n', r->data.len - pos);
		char *end;
		const char *sp = nl ? memchr(hdr, ' ', (size_t)(nl - hdr)) : NULL;
		const char *sp2 = sp ? memchr(sp + 1, ' ', (size_t)(nl - sp - 1)) : NULL;
		unsigned long long size = sp2 ? strtoull(sp2 + 1, &end, 10) : 0;
		if (!sp2 || end != nl || strncmp(sp + 1, "blob ", 5) ||
		    size > r->data.len - (size_t)(nl + 1 - data)) {
			size_t left = r->data.len - pos;
			escape_eprintf("%s: cannot read '%s' at '%s': git cat-file said '%.*s'",
				       c->who, c->blobs[i].path, c->rev,
				       nl ? (int)(nl - hdr) : (int)(left > 80 ? 80 : left), hdr);
			goto out;
		}
		pos = (size_t)(nl + 1 - data);
		r->srcs[r->nsrcs++] = (struct source){ c->blobs[i].name, data + pos, (size_t)size };
		c->blobs[i].name = NULL;
		pos += (size_t)size + 1; /* and its newline */
	}
	rc = 0;
out:
	strbuf_release(&req);
	return rc;
}

int revision_read(struct revision *r, const char *who, const char *rev,
		  const char *const *paths, size_t npaths, size_t max_file, size_t max_total)
{
	struct rctx c = { .who = who, .rev = rev, .paths = paths, .npaths = npaths,
			  .info = STRBUF_INIT, .tree = STRBUF_INIT, .list = STRBUF_INIT,
			  .msg = STRBUF_INIT };
	int rc = -1;

	memset(r, 0, sizeof(*r));
	strbuf_init(&r->data);
	if (!locate(&c) && !list_tree(&c)) {
		hold_to_limits(r, &c, max_file, max_total);
		rc = fetch(r, &c);
	}
	for (size_t i = 0; i < c.nblobs; i++)
		free(c.blobs[i].name);
	free(c.blobs);
	for (size_t i = 0; c.rels && i < npaths; i++)
		free(c.rels[i]);
	free(c.rels);
	strbuf_release(&c.info);
	strbuf_release(&c.tree);
	strbuf_release(&c.list);
	strbuf_release(&c.msg);
	return rc;
}

void revision_release(struct revision *r)
{
	for (size_t i = 0; i < r->nsrcs; i++)
		free((char *)r->srcs[i].name);
	free(r->srcs);
	for (size_t i = 0; i < r->nover; i++)
		free(r->over[i].name);
	free(r->over);
	strbuf_release(&r->data);
	memset(r, 0, sizeof(*r));
}

/* Input paths → the files to read (directories walked recursively in sorted order, regular
 * files only), and reading each within the load's byte budget. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escape.h"
#include "load_int.h"
#include "path.h"

struct collect {
	struct arena *a;
	struct diag *d;
	struct source_file *files;
	size_t n, cap;
	struct {
		dev_t dev;
		ino_t ino;
	} *ids, *dirs;
	size_t nids, ids_cap, ndirs, dirs_cap;
	int rc;
};

static void read_error(struct collect *c, const char *path, const char *what)
{
	struct ypos pos = { arena_strdup(c->a, path), 1, 1 };
	/* An unreadable input is a yaml-syntax error at its first position: it has no
	 * better one, and the run must still end with status 2. */
	diag_report(c->d, RULE_YAML_SYNTAX, &pos, NULL, "cannot read: %s", what);
	c->rc = -1;
}

static void add_file(struct collect *c, const char *path)
{
	struct stat st;
	/* The same file named twice (a directory and a file inside it) is read once. */
	if (strcmp(path, "-") && !stat(path, &st)) {
		for (size_t i = 0; i < c->nids; i++)
			if (c->ids[i].dev == st.st_dev && c->ids[i].ino == st.st_ino)
				return;
		XGROW(c->ids, c->ids_cap, c->nids + 1);
		c->ids[c->nids].dev = st.st_dev;
		c->ids[c->nids++].ino = st.st_ino;
	}
	XGROW(c->files, c->cap, c->n + 1);
	c->files[c->n].path = arena_strdup(c->a, strcmp(path, "-") ? path : "<stdin>");
	c->files[c->n].open_path = strcmp(path, "-") ? c->files[c->n].path : "-";
	c->files[c->n].buf = c->files[c->n].heap = NULL;
	c->files[c->n].len = 0;
	c->files[c->n].budget = NULL;
	c->n++;
}

int source_read(struct diag *d, struct source_file *f)
{
	struct source_budget *b = f->budget;
	size_t max = b ? b->max_file : MODEL_MAX_FILE;
	bool by_total = false;
	struct ypos pos = { f->path, 1, 1 };

	if (!f->open_path) {
		if (b)
			b->used += f->len;
		return 0;
	}
	if (b && b->max_total - b->used < max) {
		max = b->max_total - b->used;
		by_total = true;
	}
	switch (read_bounded(f->open_path, max, &f->heap, &f->len)) {
	case 0:
		f->buf = f->heap;
		if (b)
			b->used += f->len;
		return 0;
	case READ_NOT_REGULAR:
		diag_report(d, RULE_YAML_SYNTAX, &pos, NULL,
			    "cannot read: not a regular file (only files and stdin are read)");
		break;
	case READ_TOO_BIG:
		if (by_total)
			diag_report(d, RULE_YAML_SYNTAX, &pos, NULL,
				    "cannot read: the input is over the limit of %zu bytes in all "
				    "(--max-total-input)", b->max_total);
		else
			diag_report(d, RULE_YAML_SYNTAX, &pos, NULL,
				    "cannot read: the file is over the limit of %zu bytes "
				    "(--max-input-size)", max);
		break;
	default:
		diag_report(d, RULE_YAML_SYNTAX, &pos, NULL, "cannot read: %s", strerror(errno));
	}
	f->buf = NULL;
	f->len = 0;
	return -1;
}

void source_done(struct source_file *f)
{
	free(f->heap);
	f->heap = NULL;
	f->buf = NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Each directory is walked once, however many symlinks lead to it (loops included). */
static bool seen_dir(struct collect *c, const char *dir)
{
	struct stat st;
	if (stat(dir, &st))
		return false;
	for (size_t i = 0; i < c->ndirs; i++)
		if (c->dirs[i].dev == st.st_dev && c->dirs[i].ino == st.st_ino)
			return true;
	XGROW(c->dirs, c->dirs_cap, c->ndirs + 1);
	c->dirs[c->ndirs].dev = st.st_dev;
	c->dirs[c->ndirs++].ino = st.st_ino;
	return false;
}

/* Helm charts: a directory holding Chart.yaml is a chart, and its templates/ hold Go
 * templates, not manifests; they are left out with a note that says how to check what
 * the chart renders. A kustomization is read as written, with a note that its patches
 * and generators are not applied. */
static bool has_name(char *const *names, size_t n, const char *name)
{
	return n && bsearch(&name, names, n, sizeof(*names), name_cmp);
}

static void chart_note(const char *chart)
{
	fprintf(stderr,
		"npcheck: note: %s is a Helm chart: its templates/ are not manifests and are "
		"not read; check what it renders with: helm template NAME %s | npcheck lint -\n",
		chart, chart);
}

/* Is the explicitly named file under the templates/ of a chart (an ancestor directory
 * "templates" whose parent holds Chart.yaml)? Then it is noted and left out. */
static bool in_chart_templates(const char *path)
{
	for (const char *p = path; (p = strstr(p, "templates/")); p++) {
		if (p != path && p[-1] != '/')
			continue;
		struct strbuf sb = STRBUF_INIT;
		struct stat st;
		strbuf_add(&sb, path, (size_t)(p - path));
		strbuf_addstr(&sb, "Chart.yaml");
		bool chart = !stat(sb.buf, &st) && S_ISREG(st.st_mode);
		if (chart) {
			size_t n = (size_t)(p - path);
			/* the chart directory, without its '/' */
			strbuf_setlen(&sb, n > 1 ? n - 1 : n);
			chart_note(sb.len ? sb.buf : ".");
		}
		strbuf_release(&sb);
		if (chart)
			return true;
	}
	return false;
}

static void walk(struct collect *c, const char *dir, int depth)
{
	DIR *dp;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (seen_dir(c, dir))
		return;
	dp = opendir(dir);

	if (!dp) {
		read_error(c, dir, strerror(errno));
		return;
	}
	if (depth > 64) {
		closedir(dp);
		read_error(c, dir, "directories nested too deep");
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* ., .., and hidden entries such as .git */
		XGROW(names, cap, n + 1);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	bool chart = has_name(names, n, "Chart.yaml");
	if (chart && has_name(names, n, "templates"))
		chart_note(dir);
	if (has_name(names, n, "kustomization.yaml") || has_name(names, n, "kustomization.yml"))
		fprintf(stderr,
			"npcheck: note: %s holds a kustomization: its files are read as written, "
			"without its patches and generators; check what it builds with: "
			"kubectl kustomize %s | npcheck lint -\n",
			dir, dir);
	for (size_t i = 0; i < n; i++) {
		struct strbuf p = STRBUF_INIT;
		struct stat st;
		path_child(&p, dir, names[i]);
		if (stat(p.buf, &st) != 0) {
			if (lstat(p.buf, &st) != 0 || !S_ISLNK(st.st_mode))
				read_error(c, p.buf, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (!chart || strcmp(names[i], "templates"))
				walk(c, p.buf, depth + 1);
		} else if (S_ISREG(st.st_mode) && path_is_manifest(names[i])) {
			add_file(c, p.buf);
		} else if (!S_ISREG(st.st_mode) && path_is_manifest(names[i])) {
			/* Reading a FIFO could wait forever, a device never end. */
			struct strbuf q = STRBUF_INIT;
			escape_text_n(&q, p.buf, p.len);
			fprintf(stderr, "%s: note: not a regular file, skipped\n", q.buf);
			strbuf_release(&q);
		}
		strbuf_release(&p);
		free(names[i]);
	}
	free(names);
}

int source_collect(struct arena *a, struct diag *d, const char *const *paths, size_t npaths,
		   struct source_file **files, size_t *nfiles)
{
	struct collect c = { .a = a, .d = d };
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		if (!strcmp(paths[i], "-")) {
			add_file(&c, "-");
		} else if (stat(paths[i], &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
			/* A path given that does not exist is the user's mistake, not something
			 * in a manifest: said on stderr, not a finding, and the run exits 2. */
			fprintf(stderr, "npcheck: no such file or directory: '%s'\n", paths[i]);
			d->input_error = true;
			c.rc = -1;
		} else if (stat(paths[i], &st) != 0) {
			read_error(&c, paths[i], strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			walk(&c, paths[i], 0);
		} else if (!in_chart_templates(paths[i])) {
			add_file(&c, paths[i]);
		}
	}
	free(c.ids);
	free(c.dirs);
	*files = c.files;
	*nfiles = c.n;
	return c.rc;
}

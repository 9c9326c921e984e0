/* File names in reports for CI (SARIF, GitHub annotations, JUnit): relative to the
 * repository root, whatever the directory npcheck runs in. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

static char *root;
static bool root_known;

/* git's top level of the current directory, or NULL outside a work tree. */
static char *git_toplevel(void)
{
	char line[PATH_MAX + 2];
	char *top = NULL;
	FILE *f = popen("git rev-parse --show-toplevel 2>/dev/null", "r");
	if (!f)
		return NULL;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '/')
			top = xstrdup(line);
	}
	pclose(f);
	return top;
}

static void free_root(void)
{
	free(root);
}

const char *out_repo_root(void)
{
	if (root_known)
		return root;
	root_known = true;
	const char *ws = getenv("GITHUB_WORKSPACE");
	char *found = ws && ws[0] == '/' ? xstrdup(ws) : git_toplevel();
	if (!found) {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) && cwd[0] == '/')
			found = xstrdup(cwd);
	}
	if (found) {
		/* The current directory is physical: so must the root be. */
		char *real = realpath(found, NULL);
		root = real ? real : found;
		if (real)
			free(found);
		size_t n = strlen(root);
		while (n > 1 && root[n - 1] == '/')
			root[--n] = '\0';
		atexit(free_root);
	}
	return root;
}

/* Append path's components to sb (an absolute path so far), "." dropped, ".." going up
 * but never above "/". */
static void add_components(struct strbuf *sb, const char *p)
{
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (sb->len > 1 && sb->buf[sb->len - 1] != '/')
				sb->len--;
			if (sb->len > 1)
				sb->len--;
			sb->buf[sb->len] = '\0';
		} else if (n && !(n == 1 && *p == '.')) {
			if (sb->buf[sb->len - 1] != '/')
				strbuf_addch(sb, '/');
			strbuf_add(sb, p, n);
		}
		p += n;
	}
}

char *out_repo_path(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char cwd[PATH_MAX];
	const char *top = out_repo_root();

	if (path[0] == '<' || !path[0])
		return xstrdup(path);
	strbuf_addch(&sb, '/');
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) && cwd[0] == '/')
		add_components(&sb, cwd);
	add_components(&sb, path);
	if (top) {
		size_t tl = strlen(top);
		if (tl == 1 && sb.len > 1) {
			char *rel = xstrdup(sb.buf + 1);
			strbuf_release(&sb);
			return rel;
		}
		if (!strncmp(sb.buf, top, tl) && sb.buf[tl] == '/') {
			char *rel = xstrdup(sb.buf + tl + 1);
			strbuf_release(&sb);
			return rel;
		}
	}
	return strbuf_detach(&sb);
}

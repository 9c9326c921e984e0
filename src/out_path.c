/* File names in reports for CI (SARIF, GitHub annotations, JUnit): relative to the
 * repository root, whatever the directory npcheck runs in. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "path.h"
#include "run.h"

static char *root;
static bool root_known;

/* git's top level of the current directory, or NULL outside a work tree. */
static char *git_toplevel(void)
{
	const char *argv[] = { "git", "rev-parse", "--show-toplevel", NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *top = NULL;

	if (!run_capture(argv, NULL, 0, &out, PATH_MAX + 1, &err)) {
		strbuf_setlen(&out, strcspn(out.buf, "\n"));
		if (out.buf[0] == '/')
			top = xstrdup(out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&err);
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
		struct strbuf cwd = STRBUF_INIT;
		if (path_cwd(&cwd))
			found = strbuf_detach(&cwd);
		strbuf_release(&cwd);
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

char *out_repo_path(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *top = out_repo_root(), *rest;

	if (path[0] == '<' || !path[0])
		return xstrdup(path);
	path_absolute(&sb, path);
	if (top && (rest = path_inside(sb.buf, top)) && *rest) {
		char *rel = xstrdup(rest);
		strbuf_release(&sb);
		return rel;
	}
	return strbuf_detach(&sb);
}

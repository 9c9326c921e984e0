/* Path text, lexically: cleaning, joining, containment, the current directory, manifest names. */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

/* Take the last component off sb; false when there is none (sb is "" or "/"). */
static bool path_up(struct strbuf *sb)
{
	if (!sb->len || (sb->len == 1 && sb->buf[0] == '/'))
		return false;
	char *slash = strrchr(sb->buf, '/');
	strbuf_setlen(sb, !slash ? 0 : slash == sb->buf ? 1 : (size_t)(slash - sb->buf));
	return true;
}

int path_add(struct strbuf *sb, const char *p, enum path_dotdot dd)
{
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.' && dd != PATH_DOTDOT_KEEP) {
			if (!path_up(sb) && dd == PATH_DOTDOT_FAIL)
				return -1;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (sb->len && sb->buf[sb->len - 1] != '/')
				strbuf_addch(sb, '/');
			strbuf_add(sb, p, n);
		}
		p += n;
		p += *p == '/';
	}
	return 0;
}

void path_clean(struct strbuf *sb, const char *p)
{
	strbuf_reset(sb);
	if (*p == '/')
		strbuf_addch(sb, '/');
	path_add(sb, p, PATH_DOTDOT_KEEP);
}

bool path_cwd(struct strbuf *sb)
{
	char cwd[PATH_MAX];
	strbuf_reset(sb);
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
		return false;
	strbuf_addstr(sb, cwd);
	return true;
}

void path_absolute(struct strbuf *sb, const char *p)
{
	char cwd[PATH_MAX];
	strbuf_reset(sb);
	strbuf_addch(sb, '/');
	if (p[0] != '/' && getcwd(cwd, sizeof(cwd)) && cwd[0] == '/')
		path_add(sb, cwd, PATH_DOTDOT_CLAMP);
	path_add(sb, p, PATH_DOTDOT_CLAMP);
}

const char *path_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (!n)
		return path[0] == '/' ? NULL : path;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, dir, n) || (path[n] && path[n] != '/'))
		return NULL;
	return path + n + (path[n] == '/');
}

void path_child(struct strbuf *sb, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	/* "npcheck lint ." names files as "a.yaml", not "./a.yaml". */
	if (strcmp(dir, ".")) {
		strbuf_addstr(sb, dir);
		if (dl && dir[dl - 1] != '/')
			strbuf_addch(sb, '/');
	}
	strbuf_addstr(sb, name);
}

bool path_is_manifest(const char *path)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json" };
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcmp(base + n - e, exts[i]))
			return true;
	}
	return false;
}

/*
 * Path text, handled lexically (the file system is asked only for the current
 * directory): cleaning, joining, containment, manifest names. One place for what the
 * directory walk (source.c), ignorePaths (config.c), the report writers (out_path.c) and
 * diff --base (revision.c) each need. Paths are '/'-separated; results go to a strbuf
 * the caller owns, or point into the caller's string.
 */
#ifndef NPCHECK_PATH_H
#define NPCHECK_PATH_H

#include "base.h"

/* What a ".." component does. */
enum path_dotdot {
	PATH_DOTDOT_KEEP,  /* kept as written (the form a pattern is written in) */
	PATH_DOTDOT_CLAMP, /* takes the last component off; at the top it is dropped */
	PATH_DOTDOT_FAIL,  /* the same, but at the top it is a failure */
};

/*
 * Append p's components to sb, which holds a clean path ("", "/", "a/b" or "/a/b"):
 * empty and "." components dropped, ".." as dd says ("/.." is "/" when clamped).
 * Returns 0, or -1 when dd is PATH_DOTDOT_FAIL and a ".." would go above where sb
 * started (sb is then partly appended).
 */
int path_add(struct strbuf *sb, const char *p, enum path_dotdot dd);
/* sb = p cleaned, ".." kept: "./a//b/./c/" is "a/b/c", "/x/" is "/x", "./" is "". */
void path_clean(struct strbuf *sb, const char *p);
/* sb = the current directory, absolute; false (sb empty) when it cannot be known. */
bool path_cwd(struct strbuf *sb);
/* sb = p made absolute from the current directory (p itself when it is absolute or the
 * current directory is unknown), ".." resolved, never above "/". */
void path_absolute(struct strbuf *sb, const char *p);
/*
 * Where path is dir or inside it: the rest of path after dir and its '/' ("" for dir
 * itself), pointing into path; NULL when path is outside dir. By text: dir is clean,
 * "" stands for the top of a relative tree (every relative path is inside it) and "/"
 * for the root.
 */
const char *path_inside(const char *path, const char *dir);
/* Append the name a directory walk gives entry name of directory dir: "dir/name" (one
 * '/' between), and just "name" in ".". */
void path_child(struct strbuf *sb, const char *dir, const char *name);
/* Is the last component of path a manifest's name: *.yaml, *.yml or *.json, with
 * something before the extension? */
bool path_is_manifest(const char *path);

#endif

/*
 * Input paths as they are at a git revision, read into memory through git (one
 * `git ls-tree`, one `git cat-file --batch`): the files the work tree's walk (source.c)
 * would read there, in its order, under the names it would give them. No temporary copy,
 * no change of directory. diff --base loads them with model_load_sources.
 */
#ifndef NPCHECK_REVISION_H
#define NPCHECK_REVISION_H

#include "model.h"

/* A file of the revision over an input limit: not read, reported by the caller. */
struct revision_over {
	char *name;   /* heap: its display name */
	size_t limit; /* the limit it is over, in bytes */
	bool total;   /* the limit of all files together (--max-total-input), else per file */
};

/* What revision_read read; release with revision_release. */
struct revision {
	struct source *srcs; /* heap: the files, names heap, bytes inside data */
	size_t nsrcs;
	struct revision_over *over; /* heap: files not read, in the walk's order */
	size_t nover;
	struct strbuf data;  /* git cat-file's answer, holding every file's bytes */
};

/*
 * Read paths (relative to the current directory, or absolute inside the work tree) as
 * they are at rev, within max_file bytes per file and max_total in all (checked on the
 * sizes git lists, before any file is read). Messages start with who ("npcheck diff").
 * Returns 0, or -1 after saying why on stderr; r is to be released either way.
 */
int revision_read(struct revision *r, const char *who, const char *rev,
		  const char *const *paths, size_t npaths, size_t max_file, size_t max_total);
void revision_release(struct revision *r);

#endif

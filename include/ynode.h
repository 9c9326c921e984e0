/* libyaml events → a tree of nodes, each with its 1-based line and column. */
#ifndef NPCHECK_YNODE_H
#define NPCHECK_YNODE_H

#include "base.h"
#include "diag.h"

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

/*
 * One YAML node. All nodes, strings and child arrays are arena-owned. A node reached
 * through an alias is shared, not copied, so the tree is a DAG whose expanded size is
 * bounded by the alias budget.
 */
struct ynode {
	enum ynode_kind kind;
	bool plain;     /* plain scalar (unquoted): may read as null, bool or number */
	struct ypos pos; /* start; for an item of a block sequence, its '-' */
	const char *str; /* scalar text, NUL-terminated (may hold NULs: see len) */
	size_t len;
	size_t n;             /* sequence items, or mapping pairs */
	struct ynode **kids;  /* sequence: n items; mapping: 2n as key, value, key, ... */
};

#define YNODE_MAX_DEPTH 256
#define YNODE_ALIAS_BUDGET 1000000 /* nodes a document may expand to through aliases */

/*
 * Parse every document of buf (len bytes, named file in positions) and append their
 * roots to *docs (heap array the caller frees, grown with *cap). Empty documents are
 * skipped. On a YAML error, or when a limit is exceeded, report yaml-syntax with the
 * position, keep the documents completed before it, and return -1; else 0.
 */
int ynode_parse(struct arena *a, struct diag *d, const char *file, const char *buf,
		size_t len, struct ynode ***docs, size_t *ndocs, size_t *cap);

/* Mapping lookup: the value (or key) node for key, or NULL (also when m is not a map). */
const struct ynode *ynode_get(const struct ynode *m, const char *key);
const struct ynode *ynode_key(const struct ynode *m, const char *key);
/* Walk a dotted path of mapping keys ("spec.template.metadata"). */
const struct ynode *ynode_path(const struct ynode *m, const char *path);

bool ynode_is_null(const struct ynode *n);
/* A scalar that reads as a string (any scalar except null): its text, else NULL. */
const char *ynode_str(const struct ynode *n);
/* A plain scalar that reads as an integer: 0 and *out; else -1. */
int ynode_int(const struct ynode *n, long long *out);
/* A plain scalar true/false: 0 and *out; else -1. */
int ynode_bool(const struct ynode *n, bool *out);
const char *ynode_kind_name(const struct ynode *n);

#endif

/* libyaml events → a tree of nodes, each with its 1-based line and column. */
#ifndef NPCHECK_YNODE_H
#define NPCHECK_YNODE_H

#include <string.h>

#include "base.h"
#include "diag.h"
#include "yaml11.h"

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

/*
 * One YAML node. All nodes, strings and child arrays are arena-owned. A node reached
 * through an alias is shared, not copied, so the tree is a DAG whose expanded size is
 * bounded by the alias budget. A mapping with YAML 1.1 merge keys ("<<") holds the
 * merged pairs instead, as go-yaml v2 resolves them (ynode.c: merge_pairs), their nodes
 * shared with the mappings they come from and positioned where they are written.
 */
struct ynode {
	/* The first word holds kind, plain, tag and len, and a scalar's text shares a word
	 * with a collection's children, so that a node is 40 bytes: a tree has one per
	 * scalar and collection, and NetworkPolicy trees are kept. */
	unsigned char kind; /* enum ynode_kind */
	bool plain;     /* plain scalar (unquoted, untagged): may read as null, bool or number */
	unsigned char tag; /* enum ytag: a scalar's tag (!!int "80" is a number) */
	uint32_t len;    /* of str: at most YNODE_MAX_SCALAR; 0 for a collection */
	struct ypos pos; /* start; for an item of a block sequence, its '-' */
	size_t n;        /* sequence items, or mapping pairs; 0 for a scalar */
	union {
		/* Read str only when kind is YN_SCALAR: a collection's is its kids. */
		const char *str;     /* scalar text, NUL-terminated (may hold NULs: see len) */
		struct ynode **kids; /* sequence: n items; mapping: 2n as key, value, key, ... */
	};
};

#define YNODE_MAX_DEPTH 256
#define YNODE_MAX_SCALAR UINT32_MAX /* bytes of a scalar's text */
#define YNODE_ALIAS_BUDGET 1000000 /* nodes aliases and merges may add to a document */

/*
 * Where parsed units go. A unit is a document's root, or an item of a document's
 * top-level "items" sequence that has its own "kind" (a kubectl List dump), delivered as
 * soon as it is complete so that a whole-cluster dump never sits in memory as one tree.
 * unit() returns true to keep the unit's nodes; otherwise they are freed when it returns
 * (so it must copy whatever it keeps). Items delivered this way are not in their
 * document's tree; items without a kind stay there.
 */
/*
 * What of a unit to build, once its kind is known: a NULL-terminated array of keys, each
 * keeping everything below it (all) or only what its own array names (sub); the key "[]"
 * stands for a sequence's items. Keys, and the scalars of the unit's root mapping, are
 * always built; anything else not named is parsed but stands in the tree as a null.
 */
struct ypath {
	const char *key;
	bool all;
	const struct ypath *sub;
};

struct ynode_sink {
	bool (*unit)(void *ctx, const struct ynode *n);
	void *ctx;
	/* Keys whose collection values are never read (NULL-terminated, or NULL): such a
	 * value is parsed but not built, and stands in the tree as a null at its position. */
	const char *const *skip_keys;
	/* The paths to build for a unit of this kind, or NULL to build all of it. */
	const struct ypath *(*filter)(void *ctx, const char *kind);
};

/*
 * Parse every document of buf (len bytes, named file in positions), allocating nodes
 * in a and handing units to sink. Empty documents are skipped. On a YAML error, or when
 * a limit is exceeded, report yaml-syntax with the position (units completed before
 * it have been delivered) and return -1; else 0.
 */
int ynode_parse(struct arena *a, struct diag *d, const char *file, const char *buf,
		size_t len, const struct ynode_sink *sink);
/* The same for a part of a file that starts at a line boundary after line0 lines (a
 * run of whole documents): positions are the file's. */
int ynode_parse_part(struct arena *a, struct diag *d, const char *file, const char *buf,
		     size_t len, size_t line0, const struct ynode_sink *sink);
/* The same for a piece that starts col0 characters into a line (a JSON document after
 * another on the same line): columns on its first line count from there. */
int ynode_parse_at(struct arena *a, struct diag *d, const char *file, const char *buf,
		   size_t len, size_t line0, size_t col0, const struct ynode_sink *sink);

/* ynode_parse_part for a buf that is a heap buffer the caller only frees after the
 * parse: the memory of the documents already parsed is given back to the system as the
 * parse moves on (their bytes then read as zeros), so that a large file is not held
 * whole beside the model built from it. */
int ynode_parse_release(struct arena *a, struct diag *d, const char *file, const char *buf,
			size_t len, size_t line0, const struct ynode_sink *sink);

/* Mapping lookup: the value (or key) node for key, or NULL (also when m is not a map).
 * Inline, so that the length of a literal key is a constant: the _n forms take it. */
const struct ynode *ynode_get_n(const struct ynode *m, const char *key, size_t len);
const struct ynode *ynode_key_n(const struct ynode *m, const char *key, size_t len);
static inline const struct ynode *ynode_get(const struct ynode *m, const char *key)
{
	return ynode_get_n(m, key, strlen(key));
}
static inline const struct ynode *ynode_key(const struct ynode *m, const char *key)
{
	return ynode_key_n(m, key, strlen(key));
}
/* Walk a dotted path of mapping keys ("spec.template.metadata"). */
const struct ynode *ynode_path(const struct ynode *m, const char *path);

bool ynode_is_null(const struct ynode *n);
/* The key "<<" of a merge (plain or !!merge): the tree holds the merged pairs instead. */
bool ynode_is_merge_key(const struct ynode *k);
/* A scalar that reads as a string (any scalar except null): its text, else NULL. */
const char *ynode_str(const struct ynode *n);
/* What a scalar resolves to under YAML 1.1 (yaml11.h); a collection or NULL is Y11_BAD. */
enum y11_type ynode_resolve(const struct ynode *n, struct y11_value *v);
/* A scalar that an integer field reads as an integer (yaml11_int: YAML 1.1 ints, and
 * floats with an integral value): 0 and *out; else -1 (also beyond long long). */
int ynode_int(const struct ynode *n, long long *out);
/* A scalar that reads as a floating-point number (1.5, 1e3, 0800, .inf). */
bool ynode_is_float(const struct ynode *n);
/* A scalar that reads as a boolean (true, yes, on, y ... in YAML 1.1): 0 and *out; else -1. */
int ynode_bool(const struct ynode *n, bool *out);
/* "null", "object", "array", "number", "boolean" or "string". */
const char *ynode_kind_name(const struct ynode *n);

#endif

/* YAML 1.1 scalars as kubectl's YAML-to-JSON step (go-yaml v2) resolves them. */
#ifndef NPCHECK_YAML11_H
#define NPCHECK_YAML11_H

#include <stdbool.h>
#include <stddef.h>

/* A scalar's tag as libyaml reports it, reduced to what resolution needs. */
enum ytag {
	YT_NONE,  /* no tag */
	YT_STR,   /* !!str (and !!binary: any text is accepted) */
	YT_INT,   /* !!int */
	YT_FLOAT, /* !!float */
	YT_BOOL,  /* !!bool */
	YT_NULL,  /* !!null */
	YT_MERGE, /* !!merge */
	YT_OTHER  /* !!timestamp, "!", a local or unknown tag: the text stays a string */
};

enum ytag yaml11_tag(const char *tag);

enum y11_type { Y11_NULL, Y11_BOOL, Y11_INT, Y11_FLOAT, Y11_STR, Y11_BAD };

/* What a scalar resolves to. */
struct y11_value {
	enum y11_type type;
	bool b;         /* Y11_BOOL */
	bool big;       /* Y11_INT beyond the range of long long (uint64 or larger) */
	long long i;    /* Y11_INT, when !big */
	double f;       /* Y11_FLOAT (also +-inf and nan) */
	const char *form; /* the table row that matched: "bool", "int-hex", ... */
};

/*
 * Resolve the scalar text s (len bytes, may hold NULs) written plain (unquoted) or not,
 * with its tag, as go-yaml v2 does: a quoted scalar without a tag is a string; a plain
 * one is resolved by the table in yaml11.c; a tag !!int, !!float, !!bool or !!null
 * resolves the text (quoted or not) and must agree with it (else Y11_BAD, the error
 * kubectl reports); !!str and other tags keep the text. Returns out->type.
 */
enum y11_type yaml11_resolve(const char *s, size_t len, bool plain, enum ytag tag,
			     struct y11_value *out);

/*
 * The value an integer field reads from it: kubectl turns YAML into JSON, and a JSON
 * number with an integral value fits an integer field whether YAML made it an int or a
 * float (80.0, 8e1 and 0800 are 80). 0 and *out, or -1 (not a number, not integral,
 * or beyond long long).
 */
int yaml11_int(const struct y11_value *v, long long *out);

/* "null", "boolean", "number" or "string" (for type errors). */
const char *yaml11_type_name(enum y11_type t);

/* The table's rows, for tests: name and an example of each form. */
struct y11_form_info {
	const char *name;
	const char *example;
};
const struct y11_form_info *yaml11_forms(size_t *n);

#endif

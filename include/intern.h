/*
 * Interned strings (intern.c): one copy of each distinct string a load keeps (label
 * keys and values, namespaces, port names), so that a dump of thousands of pods that
 * repeat the same few labels holds each once, and what is learned about a string (that
 * it passed a validation) is learned once. A table belongs to one model being loaded
 * (one thread); its strings live in that model's arena, the table itself is heap.
 */
#ifndef NPCHECK_INTERN_H
#define NPCHECK_INTERN_H

#include "base.h"

struct intern;

/* A table whose strings are allocated in a (and live as long as it). */
struct intern *intern_new(struct arena *a);
/* The table only; the strings stay valid as long as the arena. NULL is allowed. */
void intern_free(struct intern *t);
/* The table's copy of s (len bytes, which may hold NULs; NUL-terminated), added when it
 * is new. Equal strings give the same pointer. */
const char *intern_str(struct intern *t, const char *s, size_t len);
/* A copy of the len bytes at p in the table's arena (aligned for any scalar or
 * pointer), shared with an equal block interned shortly before (a small cache, apart
 * from the strings: no flags, no NUL): for arrays that objects listed near each other
 * often repeat and nobody changes (a pod's labels). */
const void *intern_block(struct intern *t, const void *p, size_t len);
/* Facts about an interned string (a result of intern_str, nothing else), zero when it
 * was added: the INTERN_* bits, set by whoever established them. */
unsigned *intern_flags(const char *interned);
/* The length of an interned string (which may hold NULs). */
size_t intern_len(const char *interned);
/* Distinct strings held. */
size_t intern_count(const struct intern *t);

/* What validate.c has found a string to be, so that it checks each string once. */
enum {
	INTERN_LABEL_KEY = 1u << 0,   /* a valid label key (IsLabelKey) */
	INTERN_LABEL_VALUE = 1u << 1, /* a valid label value (IsLabelValue) */
	INTERN_DNS_LABEL = 1u << 2,   /* a valid DNS-1123 label (a namespace's name) */
};

#endif

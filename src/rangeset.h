/*
 * The interval-set algebra, written once for the address sets of cidrset.c and the port
 * sets of portset.c: a set is a sorted array of disjoint, non-adjacent inclusive ranges,
 * and every operation is a merge of two such arrays, linear in their lengths.
 *
 * A template, as C has them: the including file defines
 *   RS_VALUE  the integer type of a value (u128, int)
 *   RS_RANGE  the range type: a struct with RS_VALUE lo, hi
 *   RS_SET    the set type: a struct with RS_RANGE *r and size_t n, cap
 *   RS(name)  the name given to each function (and the build type) defined here
 * and may define RS_BUILD_INLINE, the ranges a result is built in without allocating
 * (16 if not), then includes this file, which defines them static inline and #undefs
 * them. The typed wrappers check what is theirs (families, the port domain) and call these.
 * Values may reach the top of their type: nothing here computes the value after the
 * largest one or before 0.
 */
#if !defined(RS_VALUE) || !defined(RS_RANGE) || !defined(RS_SET) || !defined(RS)
#error "define RS_VALUE, RS_RANGE, RS_SET and RS(name) before including rangeset.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "base.h"

/* The empty set, owning nothing. */
static inline void RS(init)(RS_SET *s)
{
	s->r = NULL;
	s->n = s->cap = 0;
}

static inline void RS(release)(RS_SET *s)
{
	free(s->r);
	RS(init)(s);
}

/* Does a range starting at lo touch or overlap one ending at hi (no gap between)?
 * Written without hi + 1, which wraps at the top of the type. */
static inline bool RS(touches)(RS_VALUE hi, RS_VALUE lo)
{
	return lo <= hi || lo - 1 <= hi;
}

/* Add [lo, hi] (lo <= hi): ranges it touches melt into it. */
static inline void RS(add)(RS_SET *s, RS_VALUE lo, RS_VALUE hi)
{
	size_t i, k, a = 0, b = s->n;

	/* i: the first range that touches or follows [lo, hi]; k: the first one after it
	 * that stays apart. Ranges i..k-1 melt into the new one. */
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (RS(touches)(s->r[m].hi, lo))
			b = m;
		else
			a = m + 1;
	}
	i = a;
	for (k = i; k < s->n && RS(touches)(hi, s->r[k].lo); k++)
		;
	if (i == k) {
		XGROW(s->r, s->cap, s->n + 1);
		memmove(s->r + i + 1, s->r + i, sizeof(*s->r) * (s->n - i));
		s->n++;
	} else {
		if (s->r[i].lo < lo)
			lo = s->r[i].lo;
		if (s->r[k - 1].hi > hi)
			hi = s->r[k - 1].hi;
		memmove(s->r + i + 1, s->r + k, sizeof(*s->r) * (s->n - k));
		s->n -= k - i - 1;
	}
	s->r[i].lo = lo;
	s->r[i].hi = hi;
}

/* dst's ranges become src's (dst may be src). */
static inline void RS(copy)(RS_SET *dst, const RS_SET *src)
{
	if (dst == src)
		return;
	XGROW(dst->r, dst->cap, src->n);
	if (src->n)
		memcpy(dst->r, src->r, sizeof(*src->r) * src->n);
	dst->n = src->n;
}

/* A result under construction: ranges arrive in order and melt into the last one.
 * Small results are built in buf, so the usual operation allocates nothing. */
#ifndef RS_BUILD_INLINE
#define RS_BUILD_INLINE 16
#endif
struct RS(build) {
	RS_RANGE *r;
	size_t n, cap;
	RS_RANGE buf[RS_BUILD_INLINE];
};

static inline void RS(push)(struct RS(build) *b, RS_VALUE lo, RS_VALUE hi)
{
	if (b->n && RS(touches)(b->r[b->n - 1].hi, lo)) {
		if (hi > b->r[b->n - 1].hi)
			b->r[b->n - 1].hi = hi;
		return;
	}
	if (b->n == b->cap)
		BUG("range buffer overrun");
	b->r[b->n].lo = lo;
	b->r[b->n].hi = hi;
	b->n++;
}

/* Room for any union, intersection or difference of the two: at most n + m ranges. */
static inline void RS(start)(struct RS(build) *out, const RS_SET *a, const RS_SET *b)
{
	out->cap = a->n + b->n;
	out->r = out->cap <= RS_BUILD_INLINE ? out->buf : xmalloc(sizeof(*out->r) * out->cap);
	out->n = 0;
}

/* Called once both operands are read, so dst may also be the other operand. */
static inline void RS(finish)(struct RS(build) *b, RS_SET *dst)
{
	if (b->r == b->buf) {
		XGROW(dst->r, dst->cap, b->n);
		if (b->n)
			memcpy(dst->r, b->buf, sizeof(*b->buf) * b->n);
		dst->n = b->n;
		return;
	}
	free(dst->r);
	dst->r = b->r;
	dst->n = b->n;
	dst->cap = b->cap;
}

static inline void RS(union)(RS_SET *dst, const RS_SET *src)
{
	/* The usual cases: one side empty (most protocols of most rules), or the same set. */
	if (!src->n || dst == src)
		return;
	if (!dst->n) {
		RS(copy)(dst, src);
		return;
	}
	struct RS(build) b;
	RS(start)(&b, dst, src);
	size_t i = 0, j = 0;

	while (i < dst->n || j < src->n) {
		if (j == src->n || (i < dst->n && dst->r[i].lo <= src->r[j].lo)) {
			RS(push)(&b, dst->r[i].lo, dst->r[i].hi);
			i++;
		} else {
			RS(push)(&b, src->r[j].lo, src->r[j].hi);
			j++;
		}
	}
	RS(finish)(&b, dst);
}

static inline void RS(intersect)(RS_SET *dst, const RS_SET *src)
{
	if (!dst->n || dst == src)
		return;
	if (!src->n) {
		dst->n = 0;
		return;
	}
	struct RS(build) b;
	RS(start)(&b, dst, src);
	size_t i = 0, j = 0;

	while (i < dst->n && j < src->n) {
		RS_VALUE lo = dst->r[i].lo > src->r[j].lo ? dst->r[i].lo : src->r[j].lo;
		RS_VALUE hi = dst->r[i].hi < src->r[j].hi ? dst->r[i].hi : src->r[j].hi;
		if (lo <= hi)
			RS(push)(&b, lo, hi);
		if (dst->r[i].hi < src->r[j].hi)
			i++;
		else
			j++;
	}
	RS(finish)(&b, dst);
}

static inline void RS(subtract)(RS_SET *dst, const RS_SET *src)
{
	struct RS(build) b;
	RS(start)(&b, dst, src);
	size_t j = 0;

	for (size_t i = 0; i < dst->n; i++) {
		RS_VALUE lo = dst->r[i].lo, hi = dst->r[i].hi;
		bool left = true;

		while (j < src->n && src->r[j].hi < lo)
			j++;
		for (size_t k = j; k < src->n && src->r[k].lo <= hi; k++) {
			if (src->r[k].lo > lo)
				RS(push)(&b, lo, src->r[k].lo - 1);
			if (src->r[k].hi >= hi) {
				left = false;
				break;
			}
			lo = src->r[k].hi + 1; /* below hi, so no wrap */
		}
		if (left)
			RS(push)(&b, lo, hi);
	}
	RS(finish)(&b, dst);
}

static inline bool RS(contains)(const RS_SET *s, RS_VALUE v)
{
	size_t a = 0, b = s->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->r[m].hi < v)
			a = m + 1;
		else if (s->r[m].lo > v)
			b = m;
		else
			return true;
	}
	return false;
}

/* Does one range of s hold all of [lo, hi]? */
static inline bool RS(holds)(const RS_SET *s, RS_VALUE lo, RS_VALUE hi)
{
	size_t a = 0, b = s->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->r[m].hi < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < s->n && s->r[a].lo <= lo && hi <= s->r[a].hi;
}

static inline bool RS(equal)(const RS_SET *a, const RS_SET *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].lo != b->r[i].lo || a->r[i].hi != b->r[i].hi)
			return false;
	return true;
}

static inline bool RS(overlaps)(const RS_SET *a, const RS_SET *b)
{
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		if (a->r[i].hi < b->r[j].lo)
			i++;
		else if (b->r[j].hi < a->r[i].lo)
			j++;
		else
			return true;
	}
	return false;
}

#undef RS_BUILD_INLINE
#undef RS_VALUE
#undef RS_RANGE
#undef RS_SET
#undef RS

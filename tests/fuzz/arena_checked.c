/*
 * The arena API of include/base.h with one heap allocation per arena_alloc, used in
 * place of src/arena.c by the fuzz targets: a pointer kept into memory that arena_reset or
 * arena_free gave back is then a heap-use-after-free AddressSanitizer reports, where the
 * bump allocator would silently hand the same bytes out again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

struct alloc {
	struct alloc *prev;
	max_align_t data[];
};

struct arena {
	struct alloc *top;
	size_t total;
	struct arena *adopted, *next_adopted; /* arena_adopt */
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

static void release_to(struct arena *a, const struct alloc *keep)
{
	while (a->top && a->top != keep) {
		struct alloc *prev = a->top->prev;
		free(a->top);
		a->top = prev;
	}
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct arena *c = a->adopted, *next; c; c = next) {
		next = c->next_adopted;
		arena_free(c);
	}
	release_to(a, NULL);
	free(a);
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	struct alloc *b = xmalloc(sizeof(*b) + n);
	b->prev = a->top;
	a->top = b;
	a->total += n;
	/* not zeroed: a pattern, so that relying on zeroes shows */
	memset(b->data, 0xA5, n);
	return b->data;
}

/* Each allocation is a heap block of its own, aligned for anything anyway. */
void *arena_alloc_raw_word(struct arena *a, size_t n)
{
	return arena_alloc_raw(a, n);
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = arena_alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->top, 0, a->total };
	return m;
}

void arena_reset(struct arena *a, struct arena_mark m)
{
	release_to(a, m.block);
	a->total = m.total;
}

void arena_adopt(struct arena *a, struct arena *child)
{
	child->next_adopted = a->adopted;
	a->adopted = child;
	a->total += child->total;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

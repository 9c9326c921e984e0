/* A bump allocator for everything that lives as long as the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct block *head;
	struct block *spare; /* standard blocks freed by arena_reset, kept for reuse */
	size_t nspare;
	size_t total;
	struct arena *adopted; /* arenas handed over by arena_adopt, freed with this one */
	struct arena *next_adopted;
};

#define MAX_SPARE 8

#define BLOCK_SIZE (256 * 1024)

/* A block's pages are all written (the model, the trees): made present in one call
 * rather than by a page fault each (xalloc.c). */
static struct block *block_new(size_t size)
{
	struct block *b = xmalloc(sizeof(*b) + size);
	mem_populate(b, sizeof(*b) + size);
	return b;
}

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct arena *c = a->adopted, *next; c; c = next) {
		next = c->next_adopted;
		arena_free(c);
	}
	for (struct block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	for (struct block *b = a->spare, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* A new head block for n bytes: a spare one, or a fresh one. Out of line, so that the
 * fast path of alloc saves no registers. */
static __attribute__((noinline)) void *alloc_block(struct arena *a, size_t n)
{
	struct block *b;
	size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
	if (size == BLOCK_SIZE && a->spare) {
		/* Reuse a block a reset gave back: its pages are already mapped. */
		b = a->spare;
		a->spare = b->next;
		a->nspare--;
	} else {
		b = block_new(size);
	}
	b->size = size;
	b->used = n;
	b->next = a->head;
	a->head = b;
	a->total += n;
	return b->data;
}

/* Aligned allocations round their start up; strings (align 1) pack tightly. align is a
 * power of two, and a constant where this is inlined. */
static inline void *alloc(struct arena *a, size_t n, size_t align)
{
	struct block *b = a->head;
	if (b) {
		size_t start = (b->used + align - 1) & ~(align - 1);
		if (start <= b->size && b->size - start >= n) {
			a->total += start - b->used + n;
			b->used = start + n;
			return (char *)b->data + start;
		}
	}
	return alloc_block(a, n);
}

/* Aligned for anything: max_align_t's alignment (16 on x86-64), not its size (32,
 * which would pad a 40-byte struct to 64). */
void *arena_alloc(struct arena *a, size_t n)
{
	void *p = alloc(a, n ? n : 1, _Alignof(max_align_t));
	memset(p, 0, n);
	return p;
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
	return alloc(a, n ? n : 1, _Alignof(max_align_t));
}

void *arena_alloc_raw_word(struct arena *a, size_t n)
{
	return alloc(a, n ? n : 1, _Alignof(union { void *p; size_t z; long long ll; double d; }));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->head, a->head ? a->head->used : 0, a->total };
	return m;
}

void arena_reset(struct arena *a, struct arena_mark m)
{
	while (a->head && a->head != m.block) {
		struct block *next = a->head->next;
		if (a->head->size == BLOCK_SIZE && a->nspare < MAX_SPARE) {
			a->head->next = a->spare;
			a->spare = a->head;
			a->nspare++;
		} else {
			free(a->head);
		}
		a->head = next;
	}
	if (a->head)
		a->head->used = m.used;
	a->total = m.total;
}

void arena_adopt(struct arena *a, struct arena *child)
{
	/* Blocks kept for reuse are empty: give them back now. */
	for (struct block *b = child->spare, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	child->spare = NULL;
	child->nspare = 0;
	/* Kept apart rather than spliced into a's blocks, so that no mark of a sees them. */
	child->next_adopted = a->adopted;
	a->adopted = child;
	a->total += child->total;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

/* A bump allocator for everything that lives as long as the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_UNDEFINED
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)(p), (void)(n))
#endif

struct block {
	struct block *next;
	size_t used, size;
	size_t mapped; /* bytes mapped by block_new, or 0 for a malloc'd block */
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

/*
 * Blocks are mapped with their pages populated at once: an arena's memory is all
 * written (the model, the trees), and one call that maps 64 pages costs far less than
 * 64 page faults, each a trap into the kernel (and, on a virtual machine, out of it).
 */
static struct block *block_new(size_t size)
{
	size_t bytes = sizeof(struct block) + size;
#ifdef MAP_POPULATE
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);
	if (p != MAP_FAILED) {
		struct block *b = p;
		/* Read before written is still a bug memcheck should see, as in malloc'd
		 * memory: the pages are zero only because the kernel made them so. */
		VALGRIND_MAKE_MEM_UNDEFINED(b->data, size);
		b->mapped = bytes;
		return b;
	}
#endif
	struct block *b = xmalloc(bytes);
	b->mapped = 0;
	return b;
}

static void block_free(struct block *b)
{
	if (b->mapped)
		munmap(b, b->mapped);
	else
		free(b);
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
		block_free(b);
	}
	for (struct block *b = a->spare, *next; b; b = next) {
		next = b->next;
		block_free(b);
	}
	free(a);
}

/* Aligned allocations round their start up; strings (align 1) pack tightly. align is a
 * power of two, and a constant where this is inlined. */
static inline void *alloc(struct arena *a, size_t n, size_t align)
{
	struct block *b = a->head;
	size_t start = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || start > b->size || b->size - start < n) {
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
		b->used = 0;
		b->next = a->head;
		a->head = b;
		start = 0;
	}
	void *p = (char *)b->data + start;
	a->total += start - b->used + n;
	b->used = start + n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = alloc(a, n ? n : 1, sizeof(max_align_t));
	memset(p, 0, n);
	return p;
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
	return alloc(a, n ? n : 1, sizeof(max_align_t));
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
			block_free(a->head);
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
		block_free(b);
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

/* Interned strings: an open-addressing hash of entries that live in an arena. */
#include <stdlib.h>
#include <string.h>

#include "intern.h"

/* An entry: its facts and length ahead of the text, so that a string's facts are found
 * from the string alone. */
struct ientry {
	unsigned flags;
	uint32_t hash;
	size_t len;
	char s[];
};

/* A slot of intern_block's cache: the block's hash and length beside it, so that a
 * block that differs is told apart without reading it, and the block needs no header
 * (a block of its own costs no more than the caller's own copy would). */
struct bslot {
	uint32_t hash, len;
	const void *p;
};

struct intern {
	struct arena *a;
	struct ientry **slot; /* NULL = empty */
	size_t mask, n;
	/* intern_block's, apart (they are no strings): a direct-mapped cache of
	 * BLOCK_SLOTS entries, made on first use. */
	struct bslot *blk;
	/* Entries are carved from chunks of the arena, so that the few hundred distinct
	 * strings of a load lie together: allocated one by one, each would sit in its own
	 * cache line among the pods' data, and every lookup would miss on it. */
	char *chunk;
	size_t chunk_left, chunk_size;
};

#define INTERN_CHUNK_MIN 4096
#define INTERN_CHUNK_MAX 65536

#define INTERN_MIN_SLOTS 1024
/* Label sets repeat among the pods of one app, which a dump lists together: a small
 * cache finds the recent ones. A table of every distinct set would grow (and fault
 * pages) for as many bytes as it saves, and a large cache is cold: each lookup a miss
 * that costs more than writing the array afresh. */
#define BLOCK_SLOTS 64

struct intern *intern_new(struct arena *a)
{
	struct intern *t = xcalloc(1, sizeof(*t));
	t->a = a;
	t->slot = xcalloc(INTERN_MIN_SLOTS, sizeof(*t->slot));
	t->mask = INTERN_MIN_SLOTS - 1;
	return t;
}

void intern_free(struct intern *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t->blk);
	free(t);
}

/* Eight bytes at a time (the last eight, or the first and last four, overlapping what
 * came before), then mixed so that the low bits (the slot) depend on all of them: every
 * label key and value of every object is looked up here (inline: out of line, as two
 * functions call it, it cost intern_str a call and its spills). */
static inline uint32_t hash_of(const void *p, size_t len)
{
	const char *s = p;
	const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
	uint64_t h = (len + 1) * k, w = 0;
	uint32_t lo, hi;
	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			memcpy(&w, s + i, 8);
			h = (h ^ w) * k;
			h ^= h >> 29;
		}
		memcpy(&w, s + len - 8, 8);
	} else if (len >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + len - 4, 4);
		w = (uint64_t)hi << 32 | lo;
	} else {
		for (size_t i = 0; i < len; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (h ^ w) * k;
	h ^= h >> 32;
	h *= UINT64_C(0xFF51AFD7ED558CCD);
	h ^= h >> 33;
	return (uint32_t)h;
}

static void grow(struct intern *t)
{
	size_t cap = 2 * (t->mask + 1);
	struct ientry **slot = xcalloc(cap, sizeof(*slot));
	for (size_t i = 0; i <= t->mask; i++) {
		struct ientry *e = t->slot[i];
		if (!e)
			continue;
		size_t j = e->hash & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = e;
	}
	free(t->slot);
	t->slot = slot;
	t->mask = cap - 1;
}

/* Room for an entry of len bytes: from the current chunk, or a new one (a string too
 * long for a chunk gets an allocation of its own). */
static struct ientry *entry_alloc(struct intern *t, size_t len)
{
	size_t need = (sizeof(struct ientry) + len + 1 + _Alignof(struct ientry) - 1) &
		      ~(_Alignof(struct ientry) - 1);
	if (need > INTERN_CHUNK_MAX / 4)
		return arena_alloc_raw(t->a, need);
	if (need > t->chunk_left) {
		t->chunk_size = t->chunk_size ? t->chunk_size * 2 : INTERN_CHUNK_MIN;
		if (t->chunk_size > INTERN_CHUNK_MAX)
			t->chunk_size = INTERN_CHUNK_MAX;
		t->chunk = arena_alloc_raw(t->a, t->chunk_size);
		t->chunk_left = t->chunk_size;
	}
	struct ientry *e = (struct ientry *)(void *)t->chunk;
	t->chunk += need;
	t->chunk_left -= need;
	return e;
}

const char *intern_str(struct intern *t, const char *s, size_t len)
{
	uint32_t h = hash_of(s, len);
	size_t i = h & t->mask;
	for (struct ientry *e; (e = t->slot[i]); i = (i + 1) & t->mask)
		if (e->hash == h && e->len == len && !memcmp(e->s, s, len))
			return e->s;
	struct ientry *e = entry_alloc(t, len);
	e->flags = 0;
	e->hash = h;
	e->len = len;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	t->slot[i] = e;
	/* At most half full, so that a probe stays short. */
	if (2 * ++t->n > t->mask + 1)
		grow(t);
	return e->s;
}

const void *intern_block(struct intern *t, const void *p, size_t len)
{
	if (!t->blk)
		t->blk = xcalloc(BLOCK_SLOTS, sizeof(*t->blk));
	uint32_t h = hash_of(p, len);
	struct bslot *slot = &t->blk[h & (BLOCK_SLOTS - 1)];
	if (slot->p && slot->hash == h && slot->len == len && !memcmp(slot->p, p, len))
		return slot->p;
	void *c = arena_alloc_raw(t->a, len);
	memcpy(c, p, len);
	if (len <= UINT32_MAX) /* the newer of two that collide */
		*slot = (struct bslot){ h, (uint32_t)len, c };
	return c;
}

unsigned *intern_flags(const char *interned)
{
	return &((struct ientry *)(void *)(interned - offsetof(struct ientry, s)))->flags;
}

size_t intern_len(const char *interned)
{
	return ((const struct ientry *)(const void *)(interned - offsetof(struct ientry, s)))->len;
}

size_t intern_count(const struct intern *t)
{
	return t->n;
}

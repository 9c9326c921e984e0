/* arena.c: alignment of each kind of allocation, packing, new blocks, mark and reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base.h"

#define WORD_ALIGN _Alignof(union { void *p; size_t z; long long ll; double d; })

/* Word allocations pack at 8 bytes where the default ones round to max_align_t: a
 * tree's nodes with their text after them leave no more than 7 bytes between them. */
static void test_word_alignment(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *p = arena_alloc_raw_word(a, 41);
	char *q = arena_alloc_raw_word(a, 8);
	assert_int_equal((uintptr_t)p % WORD_ALIGN, 0);
	assert_int_equal((uintptr_t)q % WORD_ALIGN, 0);
	assert_ptr_equal(q, p + 48);
	/* A string packs at once after; the next word allocation rounds up past it. */
	char *s = arena_strndup(a, "abc", 3);
	assert_ptr_equal(s, q + 8);
	char *r = arena_alloc_raw_word(a, 1);
	assert_ptr_equal(r, q + 16);
	/* The default allocation is still aligned for anything. */
	char *m = arena_alloc(a, 1);
	assert_int_equal((uintptr_t)m % _Alignof(max_align_t), 0);
	assert_true(m > r);
	/* ... and no more: max_align_t's alignment (16 on x86-64), not its size (32). */
	char *m2 = arena_alloc(a, 1);
	assert_ptr_equal(m2, m + _Alignof(max_align_t));
	assert_int_equal(arena_used(a), (size_t)(m2 + 1 - p));
	arena_free(a);
}

/* Allocations that do not fit the head block go to a new one, and what was written
 * before stays; a large one gets a block of its own. */
static void test_new_blocks(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	enum { N = 20000, SIZE = 40 };
	unsigned char *ptrs[N];
	size_t want = 0;
	for (size_t i = 0; i < N; i++) {
		ptrs[i] = arena_alloc_raw_word(a, SIZE);
		memset(ptrs[i], (int)(i & 0xFF), SIZE);
		want += SIZE;
	}
	char *big = arena_alloc_raw(a, (size_t)1 << 20);
	memset(big, 0x5A, (size_t)1 << 20);
	want += (size_t)1 << 20;
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ptrs[i][0], i & 0xFF);
		assert_int_equal(ptrs[i][SIZE - 1], i & 0xFF);
		assert_int_equal((uintptr_t)ptrs[i] % WORD_ALIGN, 0);
	}
	assert_int_equal(arena_used(a), want);
	arena_free(a);
}

/* A reset gives back everything after the mark, also across blocks: the next
 * allocation starts where the mark was, and the count is the mark's. */
static void test_mark_reset(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	(void)arena_alloc_raw_word(a, 24);
	struct arena_mark mk = arena_mark(a);
	size_t used = arena_used(a);
	char *first = arena_alloc_raw_word(a, 16);
	for (int i = 0; i < 10000; i++)
		(void)arena_alloc_raw_word(a, 100);
	size_t before = arena_used(a);
	arena_reset(a, mk);
	assert_int_equal(arena_used(a), used);
	assert_ptr_equal(arena_alloc_raw_word(a, 16), first);
	/* Blocks the reset freed are used again, the same way. */
	for (int i = 0; i < 10000; i++)
		memset(arena_alloc_raw_word(a, 100), 1, 100);
	assert_int_equal(arena_used(a), before);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_alignment),
		cmocka_unit_test(test_new_blocks),
		cmocka_unit_test(test_mark_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* intern.c: one copy per distinct string, and the facts validation remembers on it
 * (validate.c checks each distinct label key, label value and namespace once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "intern.h"
#include "testutil.h"

static void test_same_pointer(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct intern *t = intern_new(a);
	char buf[] = "app.kubernetes.io/name";
	const char *x = intern_str(t, buf, strlen(buf));
	assert_ptr_not_equal(x, buf);
	assert_string_equal(x, "app.kubernetes.io/name");
	buf[0] = 'b'; /* a copy, not the caller's bytes */
	assert_ptr_equal(intern_str(t, "app.kubernetes.io/name", 22), x);
	assert_ptr_not_equal(intern_str(t, "app.kubernetes.io/nam", 21), x);
	/* Lengths count: a NUL inside makes another string, and the copy ends in one. */
	const char *n1 = intern_str(t, "a\0b", 3), *n2 = intern_str(t, "a", 1);
	assert_ptr_not_equal(n1, n2);
	assert_memory_equal(n1, "a\0b", 4);
	assert_ptr_equal(intern_str(t, "", 0), intern_str(t, "", 0));
	assert_int_equal(intern_count(t), 5);
	assert_int_equal(intern_len(n1), 3);
	assert_int_equal(intern_len(n2), 1);
	assert_int_equal(intern_len(x), 22);
	/* A string longer than the table's chunks has an entry of its own, facts included. */
	enum { LONG = 100000 };
	char *big = malloc(LONG);
	assert_non_null(big);
	memset(big, 'x', LONG);
	const char *b1 = intern_str(t, big, LONG);
	*intern_flags(b1) = 7;
	assert_ptr_equal(intern_str(t, big, LONG), b1);
	assert_int_equal(intern_len(b1), LONG);
	assert_int_equal(*intern_flags(b1), 7);
	assert_int_equal(*intern_flags(x), 0);
	assert_ptr_equal(intern_str(t, "a\0b", 3), n1);
	free(big);
	intern_free(t);
	arena_free(a);
}

/* Many strings: the table grows, and every one still finds its copy and its facts. */
static void test_grow(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct intern *t = intern_new(a);
	enum { N = 20000 };
	const char **p = malloc(N * sizeof(*p));
	assert_non_null(p);
	char s[32];
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "value-%d", i);
		p[i] = intern_str(t, s, strlen(s));
		assert_int_equal(*intern_flags(p[i]), 0);
		*intern_flags(p[i]) = (unsigned)i;
	}
	assert_int_equal(intern_count(t), N);
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "value-%d", i);
		const char *q = intern_str(t, s, strlen(s));
		assert_ptr_equal(q, p[i]);
		assert_int_equal(*intern_flags(q), (unsigned)i);
	}
	assert_int_equal(intern_count(t), N);
	free(p);
	intern_free(t);
	arena_free(a);
}

/* Blocks: equal bytes give one copy, aligned; they are not strings. */
static void test_blocks(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct intern *t = intern_new(a);
	const char *w1[3] = { "a", "b", "c" }, *w2[3] = { "a", "b", "c" }, *w3[3] = { "a", "c", "b" };
	const void *b1 = intern_block(t, w1, sizeof(w1));
	assert_ptr_not_equal(b1, w1);
	assert_int_equal((uintptr_t)b1 % _Alignof(max_align_t), 0);
	assert_memory_equal(b1, w1, sizeof(w1));
	assert_ptr_equal(intern_block(t, w2, sizeof(w2)), b1);
	assert_ptr_not_equal(intern_block(t, w3, sizeof(w3)), b1);
	assert_ptr_not_equal(intern_block(t, w1, sizeof(w1[0])), b1);
	/* A string of the same bytes is another entry, with facts of its own. */
	const char *s = intern_str(t, (const char *)w1, sizeof(w1));
	assert_ptr_not_equal(s, b1);
	assert_int_equal(intern_count(t), 1);
	intern_free(t);
	arena_free(a);
}

#define POD(name, key, val)                                                             \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: ns1\n"       \
	"  labels:\n    '" key "': '" val "'\nspec:\n  containers: [{name: c, image: i}]\n---\n"

/*
 * A string valid as one thing and not another is remembered as what it passed, not as
 * valid: "a.b/c" is a valid label key, not a valid value; "" the reverse. A string that
 * fails is reported every time it occurs, on every thread count.
 */
static void test_validation_facts(void **state)
{
	(void)state;
	static const char yaml[] =
		POD("p1", "a.b/c", "ok") POD("p2", "k", "a.b/c") POD("p3", "k", "a.b/c")
		POD("p4", "", "x") POD("p5", "e", "") POD("p6", "", "y")
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n";
	for (unsigned jobs = 1; jobs <= 4; jobs += 3) {
		struct model_options opt = { .jobs = jobs };
		struct tu t;
		setenv("NPCHECK_TEST_PART_BYTES", "1", 1);
		tu_load_opt(&t, yaml, &opt);
		unsetenv("NPCHECK_TEST_PART_BYTES");
		/* p2 and p3's value; p4 and p6's key (empty name part, and not matching). */
		size_t n = tu_count(&t.d, RULE_INVALID_SPEC);
		assert_int_equal(n, 2 + 2 * 2);
		const char *want[] = { "p2", "p3", "p4", "p4", "p6", "p6" };
		for (size_t i = 0; i < n; i++) {
			const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, i);
			assert_non_null(f);
			assert_string_equal(f->obj_name, want[i]);
		}
		tu_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_pointer),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_validation_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

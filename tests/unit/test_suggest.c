/* Unit tests for suggest: edit distance (with transpositions) and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(edit_distance("", ""), 0);
	assert_int_equal(edit_distance("lint", "lint"), 0);
	assert_int_equal(edit_distance("", "abc"), 3);
	assert_int_equal(edit_distance("abc", ""), 3);
	assert_int_equal(edit_distance("lnit", "lint"), 1);   /* transposition */
	assert_int_equal(edit_distance("reahc", "reach"), 1);
	assert_int_equal(edit_distance("or-trp", "or-trap"), 1); /* deletion */
	assert_int_equal(edit_distance("podCIDRS", "podCIDRs"), 1);
	assert_int_equal(edit_distance("kitten", "sitting"), 3);
	/* symmetric */
	assert_int_equal(edit_distance("sitting", "kitten"), 3);
	assert_int_equal(edit_distance("ca", "abc"), edit_distance("abc", "ca"));
}

static const char *best_of(const char *word, const char *const *cands)
{
	struct suggest sg;
	suggest_init(&sg, word);
	for (; *cands; cands++)
		suggest_add(&sg, *cands);
	return suggest_best(&sg);
}

static void test_suggest_best(void **state)
{
	static const char *const commands[] = { "lint", "reach", "list", "matrix", "explain",
						"diff", "rules", "help", NULL };
	static const char *const rules[] = { "or-trap", "rule-split", "pod-not-isolated",
					     "policy-selects-nothing", NULL };
	(void)state;
	assert_string_equal(best_of("lnit", commands), "lint");
	assert_string_equal(best_of("expalin", commands), "explain");
	assert_string_equal(best_of("rule", commands), "rules");
	assert_string_equal(best_of("ortrap", rules), "or-trap");
	assert_string_equal(best_of("pod-isolated", rules), "pod-not-isolated");
	/* nothing near: no suggestion */
	assert_null(best_of("frobnicate", commands));
	assert_null(best_of("x", commands));
	assert_null(best_of("foo", rules));
	/* an exact name is no typo */
	assert_null(best_of("lint", commands));
	/* no candidates */
	static const char *const none[] = { NULL };
	assert_null(best_of("lint", none));
	/* the first of equally near candidates wins: deterministic */
	static const char *const two[] = { "lisp", "lint", NULL };
	assert_string_equal(best_of("list", two), "lisp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_suggest_best),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for pathglob: the ignorePaths glob semantics, and linear time on patterns
 * that make a backtracking matcher exponential. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base.h"
#include "pathglob.h"

static void test_semantics(void **state)
{
	static const struct { const char *pat, *path; bool prefixes, want; } cases[] = {
		{ "*.yaml", "a.yaml", false, true },
		{ "*.yaml", "d/a.yaml", false, false },     /* '*' stays in one directory */
		{ "**/*.yaml", "d/e/a.yaml", false, true },
		{ "**/*.yaml", "a.yaml", false, true },     /* "**" + "/" spans zero directories */
		{ "a/**/b", "a/b", false, true },
		{ "a/**/b", "a/x/y/b", false, true },
		{ "a/**/b", "a/xb", false, false },
		{ "a/**", "a/x/y", false, true },
		{ "**", "", false, true },
		{ "?", "/", false, false },
		{ "?", "x", false, true },
		{ "[a-c]x", "bx", false, true },
		{ "[!a-c]x", "bx", false, false },
		{ "[a-c]x", "/x", false, false },
		{ "[ab", "[ab", false, true },              /* no complete class: '[' is literal */
		{ "\\*", "*", false, true },
		{ "\\*", "a", false, false },
		{ "a\\", "a\\", false, true },
		{ "vendor", "vendor/x/y.yaml", true, true }, /* a leading directory */
		{ "vendor", "vendor/x/y.yaml", false, false },
		{ "vendor", "vendored/x.yaml", true, false },
		{ "vendor", "/vendor", true, false },
		{ "", "", false, true },
		{ "", "a", true, false },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool got = pathglob_match(cases[i].pat, cases[i].path, cases[i].prefixes);
		if (got != cases[i].want)
			fail_msg("'%s' against '%s' (prefixes %d): %d", cases[i].pat, cases[i].path,
				 cases[i].prefixes, got);
	}
}

/* The pattern against a long almost-matching name: a backtracking matcher never
 * finishes; this one takes microseconds. */
static void test_linear(void **state)
{
	char path[4001], pat[256] = "";
	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(pat, "*a");
	strcat(pat, "*b");
	clock_t t0 = clock();
	assert_false(pathglob_match(pat, path, true));
	assert_false(pathglob_match("**/*a*a*a*a*a*a*a*a*a*a*a*a*b/**", path, true));
	path[sizeof(path) - 2] = 'b';
	assert_true(pathglob_match(pat, path, false));
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_linear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for run_capture: input fed while output is read (more than a pipe holds
 * both ways), exit statuses, stdout over its bound stopped, stderr kept to its bound,
 * a program that cannot be run, one that stops reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run.h"

/* n bytes of a pattern that shows where a byte came from. */
static char *pattern(size_t n)
{
	char *s = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('a' + (i * 7 + i / 26) % 26);
	s[n] = '\0';
	return s;
}

static void test_round_trip(void **state)
{
	(void)state;
	size_t n = (size_t)1 << 20; /* more than a pipe holds */
	char *in = pattern(n);
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *argv[] = { "cat", NULL };
	assert_int_equal(run_capture(argv, in, n, &out, n, &err), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.buf, in, n);
	assert_int_equal(err.len, 0);
	free(in);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_status_and_stderr(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *exit3[] = { "sh", "-c", "echo out; echo oops >&2; exit 3", NULL };
	assert_int_equal(run_capture(exit3, NULL, 0, &out, 100, &err), 3);
	assert_string_equal(out.buf, "out\n");
	assert_string_equal(err.buf, "oops\n");
	/* Killed by a signal: 128 + its number. */
	const char *killed[] = { "sh", "-c", "kill -9 $$", NULL };
	assert_int_equal(run_capture(killed, NULL, 0, &out, 100, &err), 128 + 9);
	/* stdin is /dev/null without input: cat ends at once. */
	const char *cat[] = { "cat", NULL };
	assert_int_equal(run_capture(cat, NULL, 0, &out, 100, &err), 0);
	assert_int_equal(out.len, 0);
	assert_non_null(out.buf);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_bounds(void **state)
{
	(void)state;
	size_t n = (size_t)256 << 10;
	char *in = pattern(n);
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *cat[] = { "cat", NULL };
	/* Exactly the bound is fine; one byte more stops it. */
	assert_int_equal(run_capture(cat, in, n, &out, n, &err), 0);
	assert_int_equal(out.len, n);
	assert_int_equal(run_capture(cat, in, n, &out, n - 1, &err), RUN_TOO_BIG);
	assert_true(out.len <= n - 1);
	assert_memory_equal(out.buf, in, out.len);
	/* A program that writes forever is stopped too. */
	const char *yes[] = { "yes", NULL };
	assert_int_equal(run_capture(yes, NULL, 0, &out, 1000, &err), RUN_TOO_BIG);
	assert_true(out.len <= 1000);
	/* stderr: the first RUN_MAX_ERR bytes kept, the rest read and dropped. */
	const char *noisy[] = { "sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x >&2; echo done",
				NULL };
	assert_int_equal(run_capture(noisy, NULL, 0, &out, 100, &err), 0);
	assert_int_equal(err.len, RUN_MAX_ERR);
	assert_string_equal(out.buf, "done\n");
	free(in);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_cannot_run(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *argv[] = { "npcheck-no-such-program", NULL };
	assert_int_equal(run_capture(argv, "x\n", 2, &out, 100, &err), 127);
	assert_non_null(strstr(err.buf, "cannot run npcheck-no-such-program: "));
	/* A program that stops reading: the write fails, npcheck goes on. */
	size_t n = (size_t)1 << 20;
	char *in = pattern(n);
	const char *t[] = { "true", NULL };
	assert_int_equal(run_capture(t, in, n, &out, 100, &err), 0);
	free(in);
	strbuf_release(&out);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_status_and_stderr),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_cannot_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

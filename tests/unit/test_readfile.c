/* Unit tests for read_bounded: regular files within and over the limit, the exact
 * boundary, and FIFOs and devices refused without waiting on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base.h"

static char dir[256];

static const char *file_of(const char *name, size_t n)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), f);
	fclose(f);
	return path;
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	(void)state;
	snprintf(dir, sizeof(dir), "%s/npcheck-readfile-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_within_and_over(void **state)
{
	char *buf;
	size_t len;
	(void)state;
	assert_int_equal(read_bounded(file_of("ok", 1000), 1000, &buf, &len), 0);
	assert_int_equal((int)len, 1000);
	assert_int_equal(buf[len], '\0');
	assert_memory_equal(buf, "abcdef", 6);
	free(buf);
	assert_int_equal(read_bounded(file_of("over", 1001), 1000, &buf, &len), READ_TOO_BIG);
	assert_null(buf);
	assert_int_equal(read_bounded(file_of("empty", 0), 0, &buf, &len), 0);
	assert_int_equal((int)len, 0);
	free(buf);
	/* Larger than a chunk: grown while read. */
	assert_int_equal(read_bounded(file_of("big", 300000), 300000, &buf, &len), 0);
	assert_int_equal((int)len, 300000);
	free(buf);
}

static void test_not_regular(void **state)
{
	char path[512];
	char *buf;
	size_t len;
	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* No writer: a blocking open would wait forever. */
	assert_int_equal(read_bounded(path, 1000, &buf, &len), READ_NOT_REGULAR);
	assert_int_equal(read_bounded("/dev/zero", 1000, &buf, &len), READ_NOT_REGULAR);
	assert_int_equal(read_bounded(dir, 1000, &buf, &len), READ_NOT_REGULAR);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(read_bounded(path, 1000, &buf, &len), READ_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_within_and_over),
		cmocka_unit_test(test_not_regular),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

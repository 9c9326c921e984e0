/* Unit tests for strbuf: buf is never NULL (an empty one points at the shared ""), the
 * shared "" is never written, detach always gives a heap string, setlen cuts. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base.h"

static void test_empty_is_a_string(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT, other;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	strbuf_init(&other);
	assert_ptr_equal(other.buf, strbuf_slopbuf);
	/* Nothing of this writes to the shared "" or frees it. */
	strbuf_reset(&sb);
	strbuf_setlen(&sb, 0);
	strbuf_release(&sb);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	assert_int_equal(strbuf_slopbuf[0], '\0');
	/* An empty add still allocates: the buffer is the caller's from then on. */
	strbuf_add(&sb, "", 0);
	assert_true(sb.buf != strbuf_slopbuf);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
}

static void test_detach(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	char *p = strbuf_detach(&sb);
	assert_true(p != strbuf_slopbuf);
	assert_string_equal(p, "");
	free(p); /* a heap string, even when empty */
	strbuf_addf(&sb, "%s-%d", "a", 1);
	char *q = sb.buf;
	p = strbuf_detach(&sb);
	assert_ptr_equal(p, q);
	assert_string_equal(p, "a-1");
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	assert_int_equal(sb.len, 0);
	free(p);
}

static void test_grow_and_cut(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 1000; i++)
		strbuf_addch(&sb, (char)('a' + i % 26));
	assert_int_equal(sb.len, 1000);
	assert_int_equal(strlen(sb.buf), 1000);
	strbuf_setlen(&sb, 3);
	assert_string_equal(sb.buf, "abc");
	strbuf_addstr(&sb, "-x");
	assert_string_equal(sb.buf, "abc-x");
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

/* Numbers without a format read as printf writes them, at both ends of their range. */
static void test_numbers(void **state)
{
	(void)state;
	static const long long ints[] = { 0, 7, -1, 10, -10, 1234567890, LLONG_MAX, LLONG_MIN };
	static const unsigned long long uints[] = { 0, 9, 10, 4294967296ULL, ULLONG_MAX };
	char want[32];
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		strbuf_reset(&sb);
		strbuf_add_int(&sb, ints[i]);
		snprintf(want, sizeof(want), "%lld", ints[i]);
		assert_string_equal(sb.buf, want);
	}
	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
		strbuf_reset(&sb);
		strbuf_addch(&sb, '[');
		strbuf_add_uint(&sb, uints[i]);
		snprintf(want, sizeof(want), "[%llu", uints[i]);
		assert_string_equal(sb.buf, want);
	}
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_a_string),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_grow_and_cut),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

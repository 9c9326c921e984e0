/* Unit tests for the JSON writer (out_json.c): the layouts the commands' documents use
 * (one-line objects, jw_lines arrays inside them, block containers), values, and
 * jw_flush writing a document in parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "out.h"

/* jw_finish's output, as a heap string. */
static char *finish(struct jw *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	jw_finish(w, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The commands' shape: {"version": 1, "rows": [ one element a line ]}. */
static void test_lines_in_inline_object(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	jw_object(&w, NULL, true);
	jw_int(&w, "version", 1);
	jw_lines(&w, "rows");
	for (int i = 0; i < 2; i++) {
		jw_object(&w, NULL, true);
		jw_int(&w, "i", i);
		jw_array(&w, "a", false); /* inside a one-line container: one line too */
		jw_str(&w, NULL, "x");
		jw_bool(&w, NULL, i == 1);
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	char *s = finish(&w);
	assert_string_equal(s, "{\"version\": 1, \"rows\": [\n"
			       "  {\"i\": 0, \"a\": [\"x\", false]},\n"
			       "  {\"i\": 1, \"a\": [\"x\", true]}\n"
			       "]}\n");
	free(s);
}

/* An empty jw_lines array closes on its line; a second one follows with ", ". */
static void test_lines_empty_and_nested(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	jw_object(&w, NULL, true);
	jw_lines(&w, "a");
	jw_end(&w);
	jw_object(&w, "m", true);
	jw_lines(&w, "b");
	jw_str(&w, NULL, NULL);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	char *s = finish(&w);
	assert_string_equal(s, "{\"a\": [], \"m\": {\"b\": [\n  null\n]}}\n");
	free(s);
}

/* Block containers indent two spaces a level, as before jw_lines. */
static void test_block_layout(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	jw_object(&w, NULL, false);
	jw_str(&w, "k", "a\"b");
	jw_array(&w, "v", false);
	jw_object(&w, NULL, true);
	jw_int(&w, "n", -3);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	char *s = finish(&w);
	assert_string_equal(s, "{\n  \"k\": \"a\\\"b\",\n  \"v\": [\n    {\"n\": -3}\n  ]\n}\n");
	free(s);
}

/* jw_flush writes what is there once it holds at_least bytes; the document goes on. */
static void test_flush(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct jw w;
	jw_init(&w);
	jw_object(&w, NULL, true);
	jw_lines(&w, "r");
	jw_int(&w, NULL, 1);
	jw_flush(&w, f, 1000); /* too little: kept */
	assert_int_not_equal(w.sb.len, 0);
	jw_flush(&w, f, 1);
	assert_int_equal(w.sb.len, 0);
	jw_int(&w, NULL, 2);
	jw_end(&w);
	jw_end(&w);
	jw_finish(&w, f);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "{\"r\": [\n  1,\n  2\n]}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_in_inline_object),
		cmocka_unit_test(test_lines_empty_and_nested),
		cmocka_unit_test(test_block_layout),
		cmocka_unit_test(test_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

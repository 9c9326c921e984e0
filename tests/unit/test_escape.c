/* Unit tests for escape.c: each format's escaping of hostile strings, and that plain
 * names pass through unchanged (the output contracts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"

typedef void (*escape_fn)(struct strbuf *sb, const char *s);

static void expect(escape_fn fn, const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	fn(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void github_msg(struct strbuf *sb, const char *s)
{
	escape_github(sb, s, false);
}

static void github_prop(struct strbuf *sb, const char *s)
{
	escape_github(sb, s, true);
}

/* Valid UTF-8 with no control character (DEL allowed when del: JSON may hold it). */
static bool clean_utf8(const char *s, bool del)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || (*p == 0x7f && !del))
			return false;
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static void test_plain_names_unchanged(void **state)
{
	static const char *const names[] = {
		"shop/web[Deployment]", "0.0.0.0-255.255.255.255[External]", "::-ffff::[External]",
		"data/db[StatefulSet]", "café", "名前",
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		expect(escape_text, names[i], names[i]);
		expect(escape_md, names[i], names[i]);
		expect(escape_csv, names[i], names[i]);
		expect(escape_xml, names[i], names[i]);
		expect(github_msg, names[i], names[i]);
	}
}

static void test_text(void **state)
{
	(void)state;
	expect(escape_text, "x\n::error file=a.yaml,line=1::INJECTED",
	       "x\\n::error file=a.yaml,line=1::INJECTED");
	expect(escape_text, "a\tb\rc\a\b\f\v", "a\\tb\\rc\\a\\b\\f\\v");
	expect(escape_text, "\x1b[31mred\x7f", "\\x1b[31mred\\x7f");
	expect(escape_text, "bad\xff\xfe utf8 \xc3", "bad\\xff\\xfe utf8 \\xc3");
	expect(escape_text, "over\xc0\xaflong", "over\\xc0\\xaflong");
	expect(escape_text, "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80");
	expect(escape_text, "c1 \xc2\x9b", "c1 \\u009b");
	expect(escape_text, "rtl \xe2\x80\xae x \xe2\x81\xa6", "rtl \\u202e x \\u2066");
	expect(escape_text, "ls \xe2\x80\xa8 bom \xef\xbb\xbf", "ls \\u2028 bom \\ufeff");
	expect(escape_text, "tag \xf3\xa0\x80\x81", "tag \\U000e0001");
	expect(escape_text, "back\\slash", "back\\slash");
	expect(escape_text, "", "");
}

static void test_json(void **state)
{
	(void)state;
	expect(escape_json, "plain", "\"plain\"");
	expect(escape_json, "q\"b\\", "\"q\\\"b\\\\\"");
	expect(escape_json, "nl\n\x01\x1f\x7f", "\"nl\\n\\u0001\\u001f\x7f\"");
	expect(escape_json, "bad\xff", "\"bad\\ufffd\"");
	expect(escape_json, "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"");
	expect(escape_json, "é", "\"é\"");
}

static void test_xml(void **state)
{
	(void)state;
	expect(escape_xml, "<a href=\"x\">&'", "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
	expect(escape_xml, "t\tn\nr\r", "t&#9;n&#10;r&#13;");
	expect(escape_xml, "nul-ish \x01 esc \x1b", "nul-ish \\x01 esc \\x1b");
	expect(escape_xml, "nonchar \xef\xbf\xbe \xef\xbf\xbf", "nonchar \\ufffe \\uffff");
	expect(escape_xml, "bad \xff", "bad \\xff");
}

static void test_csv(void **state)
{
	(void)state;
	expect(escape_csv, "a,b", "\"a,b\"");
	expect(escape_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
	expect(escape_csv, "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	expect(escape_csv, "+1", "'+1");
	expect(escape_csv, "-1", "'-1");
	expect(escape_csv, "@SUM(A1)", "'@SUM(A1)");
	expect(escape_csv, "line\nbreak", "line\\nbreak");
	expect(escape_csv, " lead", "\" lead\"");
	expect(escape_csv, "", "");
}

static void test_md(void **state)
{
	(void)state;
	expect(escape_md, "a|b", "a\\|b");
	expect(escape_md, "a\\|b", "a\\\\\\|b");
	expect(escape_md, "<script>&", "&lt;script&gt;&amp;");
	expect(escape_md, "row\n| x |", "row\\\\n\\| x \\|");
}

static void test_dot(void **state)
{
	(void)state;
	expect(escape_dot, "shop/web[Deployment]", "\"shop/web[Deployment]\"");
	expect(escape_dot, "a\"b\\", "\"a\\\"b\\\\\"");
	expect(escape_dot, "nl\n", "\"nl\\\\n\"");
}

static void test_github(void **state)
{
	(void)state;
	expect(github_msg, "100%\r\n::error::x", "100%25\\r\\n::error::x");
	expect(github_prop, "a:b,c%", "a%3Ab%2Cc%25");
	expect(github_msg, "a:b,c", "a:b,c");
}

static void test_go_quote(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	escape_go_quote(&sb, "a\"\\\n\xff\xe2\x80\xa8", 8);
	assert_string_equal(sb.buf, "\"a\\\"\\\\\\n\\xff\\u2028\"");
	strbuf_release(&sb);
}

/* Every byte value, alone and after a valid lead: text, md, csv, github never hold a
 * control character or invalid UTF-8. */
static void test_all_bytes_clean(void **state)
{
	escape_fn fns[] = { escape_text, escape_md, escape_csv, escape_dot, escape_json,
			    github_msg, github_prop };
	(void)state;
	for (unsigned b = 1; b < 256; b++) {
		char in[8] = { 'x', (char)b, (char)0xE2, (char)b, 'y', 0 };
		for (size_t f = 0; f < ARRAY_SIZE(fns); f++) {
			struct strbuf sb = STRBUF_INIT;
			fns[f](&sb, in);
			if (!clean_utf8(sb.buf, fns[f] == escape_json))
				fail_msg("format %zu, byte 0x%02x: %s", f, b, sb.buf);
			strbuf_release(&sb);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_names_unchanged),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_github),
		cmocka_unit_test(test_go_quote),
		cmocka_unit_test(test_all_bytes_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

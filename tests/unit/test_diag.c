/* Unit tests for diag: the npcheck.io/ignore annotation's entries, and suppression. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"

/* Every (id, reason) pair as "id=reason|" ("id|" without a reason). */
static bool collect(void *ctx, const char *id, size_t n, const char *reason, size_t rlen)
{
	struct strbuf *sb = ctx;
	strbuf_add(sb, id, n);
	if (reason) {
		strbuf_addch(sb, '=');
		strbuf_add(sb, reason, rlen);
	}
	strbuf_addch(sb, '|');
	return false;
}

static void parses_to(const char *value, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	diag_ignore_each(value, collect, &sb);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_ignore_entries(void **state)
{
	(void)state;
	parses_to("", "");
	parses_to("or-trap", "or-trap|");
	parses_to("or-trap,allow-all", "or-trap|allow-all|");
	parses_to(" or-trap , allow-all  ", "or-trap|allow-all|");
	parses_to("or-trap: meant", "or-trap=meant|");
	parses_to("or-trap:   meant, see T-12: yes  ", "or-trap=meant, see T-12: yes|");
	parses_to("or-trap: a\nallow-all\n", "or-trap=a|allow-all|");
	parses_to("or-trap: a; allow-all: b", "or-trap=a|allow-all=b|");
	parses_to("rule-split, allow-all: reviewed", "rule-split=reviewed|allow-all=reviewed|");
	parses_to("or-trap:", "or-trap|");
	parses_to(": orphan reason\n\n;;", "");
	parses_to("a\r\nb", "a|b|");
}

static void test_suppression_reason(void **state)
{
	struct arena *a = arena_new();
	struct diag d;
	struct diag_obj o = { "NetworkPolicy", "shop", "api",
			      "allow-all\nor-trap: the whole namespace is meant" };
	(void)state;
	diag_init(&d, a);
	diag_report(&d, RULE_OR_TRAP, NULL, &o, "x");
	diag_report(&d, RULE_ALLOW_ALL, NULL, &o, "y");
	diag_report(&d, RULE_RULE_SPLIT, NULL, &o, "z");
	assert_int_equal(d.n, 3);
	assert_true(d.items[0].suppressed);
	assert_string_equal(d.items[0].suppress_reason, "the whole namespace is meant");
	assert_true(d.items[1].suppressed);
	assert_null(d.items[1].suppress_reason);
	assert_false(d.items[2].suppressed);
	/* "or-tra" is no prefix match */
	o.ignore = "or-tra, all-ish";
	diag_report(&d, RULE_OR_TRAP, NULL, &o, "x");
	assert_false(d.items[3].suppressed);
	o.ignore = "all: generated";
	diag_report(&d, RULE_OR_TRAP, NULL, &o, "x");
	assert_true(d.items[4].suppressed);
	assert_string_equal(d.items[4].suppress_reason, "generated");
	diag_release(&d);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ignore_entries),
		cmocka_unit_test(test_suppression_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for labelsel: matchLabels and matchExpressions, their AND, and labels_get. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Pod labels used throughout: app=web, tier=front, env=prod. */
static struct kv web_kv[] = {
	{ "app", "web", NULL }, { "tier", "front", NULL }, { "env", "prod", NULL },
};
static const struct labels web = { web_kv, N(web_kv) };
static const struct labels none = { NULL, 0 };

/* A present selector node, so that a selector built here is "given". */
static const struct ynode present = { .kind = YN_MAP };

static struct selector ml(struct kv *kv, size_t n)
{
	struct selector s = { .node = &present, .ml = kv, .nml = n };
	return s;
}

static struct sel_expr expr(const char *key, enum sel_op op, const char **values, size_t n)
{
	static const char *const names[] = { "In", "NotIn", "Exists", "DoesNotExist", "Bad" };
	struct sel_expr e = { .key = key, .op_text = names[op], .op = op, .values = values,
			      .nvalues = n };
	return e;
}

static bool match1(struct sel_expr e, const struct labels *l)
{
	struct selector s = { .node = &present, .exprs = &e, .nexprs = 1 };
	return selector_matches(&s, l);
}

static void test_labels_get(void **state)
{
	(void)state;
	assert_string_equal(labels_get(&web, "app"), "web");
	assert_string_equal(labels_get(&web, "env"), "prod");
	assert_null(labels_get(&web, "App"));
	assert_null(labels_get(&web, "ap"));
	assert_null(labels_get(&web, ""));
	assert_null(labels_get(&none, "app"));
	/* An empty value is a value, not an absent key. */
	struct kv kv[] = { { "empty", "", NULL } };
	struct labels l = { kv, 1 };
	assert_non_null(labels_get(&l, "empty"));
	assert_string_equal(labels_get(&l, "empty"), "");
}

static void test_empty_selector_matches_all(void **state)
{
	(void)state;
	struct selector empty = { .node = &present };
	assert_true(selector_matches(&empty, &web));
	assert_true(selector_matches(&empty, &none));
	assert_true(selector_is_empty(&empty));
	/* An absent selector reads as {} here; callers decide what absence means. */
	struct selector absent = { 0 };
	assert_true(selector_matches(&absent, &web));
	assert_true(selector_matches(&absent, &none));
	assert_true(selector_is_empty(&absent));
}

static void test_match_labels(void **state)
{
	(void)state;
	struct kv one[] = { { "app", "web", NULL } };
	struct kv two[] = { { "app", "web", NULL }, { "env", "prod", NULL } };
	struct kv wrong_val[] = { { "app", "db", NULL } };
	struct kv missing[] = { { "app", "web", NULL }, { "team", "a", NULL } };
	struct kv empty_val[] = { { "app", "", NULL } };
	struct selector s;

	s = ml(one, 1);
	assert_true(selector_matches(&s, &web));
	assert_false(selector_matches(&s, &none));
	assert_false(selector_is_empty(&s));
	s = ml(two, 2);
	assert_true(selector_matches(&s, &web));
	s = ml(wrong_val, 1);
	assert_false(selector_matches(&s, &web));
	/* Every pair must hold: one missing key is enough to fail. */
	s = ml(missing, 2);
	assert_false(selector_matches(&s, &web));
	/* Values compare exactly: "" is not "web", and an absent key is not "". */
	s = ml(empty_val, 1);
	assert_false(selector_matches(&s, &web));
	assert_false(selector_matches(&s, &none));
	struct kv has_empty[] = { { "app", "", NULL } };
	struct labels l = { has_empty, 1 };
	assert_true(selector_matches(&s, &l));
}

static void test_op_in(void **state)
{
	(void)state;
	const char *web_db[] = { "web", "db" };
	const char *db[] = { "db" };
	assert_true(match1(expr("app", SEL_IN, web_db, 2), &web));
	assert_false(match1(expr("app", SEL_IN, db, 1), &web));
	/* An absent key is in no set. */
	assert_false(match1(expr("team", SEL_IN, web_db, 2), &web));
	assert_false(match1(expr("app", SEL_IN, web_db, 2), &none));
	assert_false(match1(expr("app", SEL_IN, NULL, 0), &web));
}

static void test_op_not_in(void **state)
{
	(void)state;
	const char *web_db[] = { "web", "db" };
	const char *db[] = { "db" };
	assert_false(match1(expr("app", SEL_NOT_IN, web_db, 2), &web));
	assert_true(match1(expr("app", SEL_NOT_IN, db, 1), &web));
	/* NotIn holds when the key is absent. */
	assert_true(match1(expr("team", SEL_NOT_IN, db, 1), &web));
	assert_true(match1(expr("app", SEL_NOT_IN, web_db, 2), &none));
}

static void test_op_exists(void **state)
{
	(void)state;
	assert_true(match1(expr("tier", SEL_EXISTS, NULL, 0), &web));
	assert_false(match1(expr("team", SEL_EXISTS, NULL, 0), &web));
	assert_false(match1(expr("tier", SEL_EXISTS, NULL, 0), &none));
	struct kv kv[] = { { "flag", "", NULL } };
	struct labels l = { kv, 1 };
	assert_true(match1(expr("flag", SEL_EXISTS, NULL, 0), &l));
}

static void test_op_does_not_exist(void **state)
{
	(void)state;
	assert_false(match1(expr("tier", SEL_DOES_NOT_EXIST, NULL, 0), &web));
	assert_true(match1(expr("team", SEL_DOES_NOT_EXIST, NULL, 0), &web));
	assert_true(match1(expr("tier", SEL_DOES_NOT_EXIST, NULL, 0), &none));
	struct kv kv[] = { { "flag", "", NULL } };
	struct labels l = { kv, 1 };
	assert_false(match1(expr("flag", SEL_DOES_NOT_EXIST, NULL, 0), &l));
}

static void test_bad_op_never_matches(void **state)
{
	(void)state;
	const char *web_v[] = { "web" };
	assert_false(match1(expr("app", SEL_BAD_OP, web_v, 1), &web));
	assert_false(match1(expr("team", SEL_BAD_OP, NULL, 0), &web));
	assert_false(match1(expr("app", SEL_BAD_OP, NULL, 0), &none));
	/* Not even next to requirements that all hold. */
	struct kv one[] = { { "app", "web", NULL } };
	struct sel_expr ex[] = { expr("tier", SEL_EXISTS, NULL, 0), expr("app", SEL_BAD_OP, NULL, 0) };
	struct selector s = ml(one, 1);
	s.exprs = ex;
	s.nexprs = 2;
	assert_false(selector_matches(&s, &web));
}

static void test_requirements_are_anded(void **state)
{
	(void)state;
	const char *fronts[] = { "front", "edge" };
	const char *stagings[] = { "staging" };
	const char *prods[] = { "prod" };
	struct kv app[] = { { "app", "web", NULL } };
	struct sel_expr ok[] = {
		expr("tier", SEL_IN, fronts, 2),
		expr("env", SEL_NOT_IN, stagings, 1),
		expr("app", SEL_EXISTS, NULL, 0),
		expr("team", SEL_DOES_NOT_EXIST, NULL, 0),
	};
	struct selector s = ml(app, 1);
	s.exprs = ok;
	s.nexprs = N(ok);
	assert_true(selector_matches(&s, &web));
	assert_false(selector_is_empty(&s));
	/* Each requirement alone failing makes the whole selector fail. */
	for (size_t i = 0; i < N(ok); i++) {
		struct sel_expr ex[N(ok)];
		memcpy(ex, ok, sizeof(ok));
		switch (ex[i].op) {
		case SEL_IN: ex[i] = expr("tier", SEL_IN, stagings, 1); break;
		case SEL_NOT_IN: ex[i] = expr("env", SEL_NOT_IN, prods, 1); break;
		case SEL_EXISTS: ex[i] = expr("team", SEL_EXISTS, NULL, 0); break;
		default: ex[i] = expr("app", SEL_DOES_NOT_EXIST, NULL, 0); break;
		}
		s.exprs = ex;
		if (selector_matches(&s, &web))
			fail_msg("requirement %zu failing should fail the selector", i);
	}
	/* matchLabels failing fails the selector even when every expression holds. */
	struct kv other[] = { { "app", "db", NULL } };
	s = ml(other, 1);
	s.exprs = ok;
	s.nexprs = N(ok);
	assert_false(selector_matches(&s, &web));
	/* Expressions only: their AND. */
	struct selector only = { .node = &present, .exprs = ok, .nexprs = N(ok) };
	assert_true(selector_matches(&only, &web));
	assert_false(selector_matches(&only, &none));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_get),
		cmocka_unit_test(test_empty_selector_matches_all),
		cmocka_unit_test(test_match_labels),
		cmocka_unit_test(test_op_in),
		cmocka_unit_test(test_op_not_in),
		cmocka_unit_test(test_op_exists),
		cmocka_unit_test(test_op_does_not_exist),
		cmocka_unit_test(test_bad_op_never_matches),
		cmocka_unit_test(test_requirements_are_anded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

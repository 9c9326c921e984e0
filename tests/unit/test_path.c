/* Unit tests for path.c: cleaning with each ".." policy, containment, the walk's names,
 * manifest names, absolute paths from the current directory. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "path.h"

/* start, then p added with dd: want, or NULL for a failure. */
static void adds_to(const char *start, const char *p, enum path_dotdot dd, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, start);
	int rc = path_add(&sb, p, dd);
	if (!want) {
		if (!rc)
			fail_msg("'%s' + '%s': '%s', want a failure", start, p, sb.buf);
	} else if (rc || strcmp(sb.buf, want)) {
		fail_msg("'%s' + '%s': %d '%s', want '%s'", start, p, rc, sb.buf, want);
	}
	assert_int_equal(strlen(sb.buf), sb.len);
	strbuf_release(&sb);
}

static void test_add(void **state)
{
	(void)state;
	adds_to("", "./a//b/./c/", PATH_DOTDOT_KEEP, "a/b/c");
	adds_to("", "a/../b", PATH_DOTDOT_KEEP, "a/../b");
	adds_to("", "../x", PATH_DOTDOT_KEEP, "../x");
	adds_to("/", "a/b", PATH_DOTDOT_KEEP, "/a/b");
	adds_to("", "", PATH_DOTDOT_KEEP, "");
	adds_to("", ".", PATH_DOTDOT_KEEP, "");
	/* Clamped: ".." takes a component off, never above the top. */
	adds_to("/", "a/b/../c", PATH_DOTDOT_CLAMP, "/a/c");
	adds_to("/", "a/../..", PATH_DOTDOT_CLAMP, "/");
	adds_to("/", "../../x", PATH_DOTDOT_CLAMP, "/x");
	adds_to("/r/s", "../t", PATH_DOTDOT_CLAMP, "/r/t");
	adds_to("/r", "..", PATH_DOTDOT_CLAMP, "/");
	adds_to("a", "..", PATH_DOTDOT_CLAMP, "");
	/* Failing: above where it started is an error. */
	adds_to("", "k8s/../x", PATH_DOTDOT_FAIL, "x");
	adds_to("sub/dir", "../../k8s", PATH_DOTDOT_FAIL, "k8s");
	adds_to("sub", "../..", PATH_DOTDOT_FAIL, NULL);
	adds_to("", "..", PATH_DOTDOT_FAIL, NULL);
	adds_to("", "a/../../b", PATH_DOTDOT_FAIL, NULL);
	adds_to("/", "..", PATH_DOTDOT_FAIL, NULL);
	/* ".." as part of a name is a name. */
	adds_to("", "a/..b/c..", PATH_DOTDOT_FAIL, "a/..b/c..");
	adds_to("", ".hidden/x", PATH_DOTDOT_FAIL, ".hidden/x");
}

static void test_clean(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	path_clean(&sb, "./dir/");
	assert_string_equal(sb.buf, "dir");
	path_clean(&sb, "//x//y/");
	assert_string_equal(sb.buf, "/x/y");
	path_clean(&sb, "./");
	assert_string_equal(sb.buf, "");
	path_clean(&sb, "a/../b");
	assert_string_equal(sb.buf, "a/../b");
	strbuf_release(&sb);
}

static void test_inside(void **state)
{
	(void)state;
	assert_string_equal(path_inside("/r/a/b", "/r"), "a/b");
	assert_string_equal(path_inside("/r", "/r"), "");
	assert_string_equal(path_inside("/r/", "/r"), "");
	assert_null(path_inside("/rx/a", "/r"));
	assert_null(path_inside("/q/a", "/r"));
	assert_string_equal(path_inside("/a", "/"), "a");
	assert_string_equal(path_inside("/", "/"), "");
	assert_null(path_inside("a", "/"));
	/* "" is the top of a relative tree. */
	assert_string_equal(path_inside("k8s/a.yaml", ""), "k8s/a.yaml");
	assert_null(path_inside("/abs", ""));
	assert_string_equal(path_inside("k8s/a.yaml", "k8s"), "a.yaml");
	assert_string_equal(path_inside("k8s", "k8s"), "");
	assert_null(path_inside("k8s.yaml", "k8s"));
}

static void child_is(const char *dir, const char *name, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	path_child(&sb, dir, name);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_child(void **state)
{
	(void)state;
	child_is(".", "a.yaml", "a.yaml");
	child_is("k8s", "a.yaml", "k8s/a.yaml");
	child_is("k8s/", "a.yaml", "k8s/a.yaml");
	child_is("/", "a.yaml", "/a.yaml");
	child_is("./k8s", "sub/a.yaml", "./k8s/sub/a.yaml");
}

static void test_manifest(void **state)
{
	(void)state;
	assert_true(path_is_manifest("a.yaml"));
	assert_true(path_is_manifest("a.yml"));
	assert_true(path_is_manifest("dir/a.json"));
	assert_true(path_is_manifest("d.yaml/x.yml"));
	assert_false(path_is_manifest(".yaml"));
	assert_false(path_is_manifest("dir/.yaml"));
	assert_false(path_is_manifest("a.yaml/x"));
	assert_false(path_is_manifest("a.YAML"));
	assert_false(path_is_manifest("a.txt"));
	assert_false(path_is_manifest(""));
}

static void test_absolute(void **state)
{
	(void)state;
	char cwd[PATH_MAX], want[PATH_MAX + 16];
	struct strbuf sb = STRBUF_INIT, c = STRBUF_INIT;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_true(path_cwd(&c));
	assert_string_equal(c.buf, cwd);
	path_absolute(&sb, "x/./y/../z.yaml");
	snprintf(want, sizeof(want), "%s/x/z.yaml", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(sb.buf, want);
	path_absolute(&sb, "/a//b/../c");
	assert_string_equal(sb.buf, "/a/c");
	strbuf_release(&sb);
	strbuf_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_child),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_absolute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

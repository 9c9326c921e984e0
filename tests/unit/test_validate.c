/* Unit tests for validate.c: Kubernetes name and label syntax, in the API server's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "validate.h"

#define SUBDOMAIN_RE \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, " \
	"'-' or '.', and must start and end with an alphanumeric character (e.g. " \
	"'example.com', regex used for validation is " \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_RE \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or " \
	"'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or " \
	"'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define KEY_RE \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end " \
	"with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex " \
	"used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define VALUE_RE \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', " \
	"'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  " \
	"or 'my_value',  or '12345', regex used for validation is " \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

static char *repeat(const char *unit, size_t n, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(ul * n + tl + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * n, tail, tl + 1);
	return s;
}

static void test_subdomain_valid(void **state)
{
	(void)state;
	static const char *const ok[] = { "a", "web", "web-1", "0", "my.policy.example.com",
		"a-b.c-d", "123", "x1.2y" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_null(validate_dns1123_subdomain(ok[i]));
	char *max = repeat("a", 253, "");
	assert_null(validate_dns1123_subdomain(max));
	free(max);
}

static void test_subdomain_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "Web", "web_policy", "-web", "web-", "web.",
		".web", "a..b", "a.-b", "web\n", "wéb", "a b" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(validate_dns1123_subdomain(bad[i]), SUBDOMAIN_RE);
	char *s = repeat("a", 254, "");
	assert_string_equal(validate_dns1123_subdomain(s), "must be no more than 253 characters");
	free(s);
	s = repeat("a", 254, "-");
	assert_string_equal(validate_dns1123_subdomain(s),
			    "must be no more than 253 characters; " SUBDOMAIN_RE);
	/* The joined message is built once and kept. */
	assert_ptr_equal(validate_dns1123_subdomain(s), validate_dns1123_subdomain(s));
	free(s);
}

static void test_dns_label(void **state)
{
	(void)state;
	assert_null(validate_dns1123_label("default"));
	assert_null(validate_dns1123_label("kube-system"));
	assert_null(validate_dns1123_label("1a"));
	assert_string_equal(validate_dns1123_label("a.b"), "must not contain dots");
	assert_string_equal(validate_dns1123_label("Shop"), LABEL_RE);
	assert_string_equal(validate_dns1123_label("a."), LABEL_RE);
	assert_string_equal(validate_dns1123_label(""), LABEL_RE);
	char *s = repeat("a", 63, "");
	assert_null(validate_dns1123_label(s));
	free(s);
	s = repeat("a", 64, "");
	assert_string_equal(validate_dns1123_label(s), "must be no more than 63 characters");
	free(s);
	/* Too long and with dots: both, as the API server lists both. */
	s = repeat("a.", 40, "a");
	assert_string_equal(validate_dns1123_label(s),
			    "must be no more than 63 characters; must not contain dots");
	free(s);
}

static void test_label_key(void **state)
{
	(void)state;
	static const char *const ok[] = { "app", "App_Name", "a.b-c_d", "1", "example.com/app",
		"kubernetes.io/metadata.name", "node-role.kubernetes.io/control-plane", "x/Y" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_null(validate_label_key(ok[i]));

	assert_string_equal(validate_label_key("bad key"), "name part " KEY_RE);
	assert_string_equal(validate_label_key("-app"), "name part " KEY_RE);
	assert_string_equal(validate_label_key("app."), "name part " KEY_RE);
	assert_string_equal(validate_label_key(""),
			    "name part must be non-empty; name part " KEY_RE);
	assert_string_equal(validate_label_key("example.com/"),
			    "name part must be non-empty; name part " KEY_RE);
	assert_string_equal(validate_label_key("/app"), "prefix part must be non-empty");
	assert_string_equal(validate_label_key("Example.com/app"), "prefix part " SUBDOMAIN_RE);
	assert_string_equal(validate_label_key("example_com/app"), "prefix part " SUBDOMAIN_RE);
	assert_string_equal(validate_label_key("a/b/c"),
			    "a valid label key " KEY_RE " with an optional DNS subdomain prefix "
			    "and '/' (e.g. 'example.com/MyName')");

	char *s = repeat("a", 63, "");
	assert_null(validate_label_key(s));
	free(s);
	s = repeat("a", 64, "");
	assert_string_equal(validate_label_key(s), "name part must be no more than 63 bytes");
	free(s);
	s = repeat("a", 254, "/x");
	assert_string_equal(validate_label_key(s), "prefix part must be no more than 253 bytes");
	free(s);
	s = repeat("a", 253, "/x");
	assert_null(validate_label_key(s));
	free(s);
}

static void test_label_value(void **state)
{
	(void)state;
	static const char *const ok[] = { "", "web", "My_Value", "1.2.3", "a-b", "12345" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_null(validate_label_value(ok[i]));
	static const char *const bad[] = { "-web", "web-", ".x", "a b", "a/b", "rā", "x\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(validate_label_value(bad[i]), VALUE_RE);
	char *s = repeat("a", 63, "");
	assert_null(validate_label_value(s));
	free(s);
	s = repeat("a", 64, "");
	assert_string_equal(validate_label_value(s), "must be no more than 63 bytes");
	free(s);
	s = repeat("a", 64, "!");
	assert_string_equal(validate_label_value(s), "must be no more than 63 bytes; " VALUE_RE);
	free(s);
}

/* Megabyte texts built to make a backtracking matcher slow still get the right answer. */
static void test_long_inputs(void **state)
{
	(void)state;
	char *s = repeat("a-", 1000000, "!");
	assert_string_equal(validate_dns1123_label(s),
			    "must be no more than 63 characters; " LABEL_RE);
	free(s);
	s = repeat("a.", 1000000, "a");
	assert_string_equal(validate_dns1123_subdomain(s), "must be no more than 253 characters");
	assert_string_equal(validate_dns1123_label(s),
			    "must be no more than 63 characters; must not contain dots");
	free(s);
	s = repeat("a-a.", 500000, "!");
	assert_string_equal(validate_dns1123_subdomain(s),
			    "must be no more than 253 characters; " SUBDOMAIN_RE);
	free(s);
	s = repeat("a", 2000000, "");
	assert_string_equal(validate_label_value(s), "must be no more than 63 bytes");
	free(s);
	s = repeat("-a", 1000000, "/b");
	assert_string_equal(validate_label_key(s), "prefix part must be no more than 253 bytes; "
			    "prefix part " SUBDOMAIN_RE);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subdomain_valid),
		cmocka_unit_test(test_subdomain_invalid),
		cmocka_unit_test(test_dns_label),
		cmocka_unit_test(test_label_key),
		cmocka_unit_test(test_label_value),
		cmocka_unit_test(test_long_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

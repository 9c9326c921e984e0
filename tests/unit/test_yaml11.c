/* yaml11.c and the input it serves: YAML 1.1 scalars, merge keys and JSON streams read as
 * kubectl reads them (one test per row of the resolution table, then whole manifests). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "load_int.h"
#include "testutil.h"
#include "yaml11.h"

/* ---- the table, row by row ---- */

static enum y11_type res(const char *s, struct y11_value *v)
{
	return yaml11_resolve(s, strlen(s), true, YT_NONE, v);
}

static void expect_form(const char *s, enum y11_type t, const char *form)
{
	struct y11_value v;
	if (res(s, &v) != t || strcmp(v.form, form))
		fail_msg("'%s' resolved to %s (type %d), want %s", s, v.form, (int)v.type, form);
}

static long long int_of(const char *s)
{
	struct y11_value v;
	long long i = -12345;
	res(s, &v);
	if (yaml11_int(&v, &i))
		fail_msg("'%s' should read as an integer (form %s)", s, v.form);
	return i;
}

static void not_int(const char *s)
{
	struct y11_value v;
	long long i = -12345;
	res(s, &v);
	if (!yaml11_int(&v, &i))
		fail_msg("'%s' should not read as an integer (got %lld)", s, i);
}

static void test_row_null(void **state)
{
	(void)state;
	static const char *const w[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		expect_form(w[i], Y11_NULL, "null");
	expect_form("nULL", Y11_STR, "string");
}

static void test_row_bool_true(void **state)
{
	(void)state;
	static const char *const w[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					 "on", "On", "ON" };
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		struct y11_value v;
		expect_form(w[i], Y11_BOOL, "bool-true");
		res(w[i], &v);
		assert_true(v.b);
	}
	/* Only these spellings: mixed case and longer words are strings. */
	expect_form("yEs", Y11_STR, "string");
	expect_form("oN", Y11_STR, "string");
	expect_form("yess", Y11_STR, "string");
	expect_form("t", Y11_STR, "string");
}

static void test_row_bool_false(void **state)
{
	(void)state;
	static const char *const w[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					 "off", "Off", "OFF" };
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		struct y11_value v;
		expect_form(w[i], Y11_BOOL, "bool-false");
		res(w[i], &v);
		assert_false(v.b);
	}
	expect_form("nO", Y11_STR, "string");
	expect_form("oFF", Y11_STR, "string");
}

static void test_row_float_inf(void **state)
{
	(void)state;
	struct y11_value v;
	expect_form(".inf", Y11_FLOAT, "float-inf");
	expect_form("+.Inf", Y11_FLOAT, "float-inf");
	expect_form("-.INF", Y11_FLOAT, "float-inf");
	res("-.inf", &v);
	assert_true(isinf(v.f) && v.f < 0);
	expect_form("inf", Y11_STR, "string");
	not_int(".inf");
}

static void test_row_float_nan(void **state)
{
	(void)state;
	expect_form(".nan", Y11_FLOAT, "float-nan");
	expect_form(".NaN", Y11_FLOAT, "float-nan");
	expect_form(".NAN", Y11_FLOAT, "float-nan");
	expect_form("-.nan", Y11_STR, "string");
	not_int(".nan");
}

static void test_row_float_dot(void **state)
{
	(void)state;
	expect_form(".5", Y11_FLOAT, "float-dot");
	expect_form(".5e2", Y11_FLOAT, "float-dot");
	assert_int_equal(int_of(".8e2"), 80);
	/* ParseFloat of the text as written: no '_' after a '.' first */
	expect_form("._5", Y11_STR, "string");
	expect_form(".", Y11_STR, "string");
	expect_form(".e1", Y11_STR, "string");
	not_int(".5");
}

static void test_row_int_decimal(void **state)
{
	(void)state;
	expect_form("80", Y11_INT, "int-decimal");
	expect_form("0", Y11_INT, "int-decimal");
	expect_form("+80", Y11_INT, "int-decimal");
	assert_int_equal(int_of("+80"), 80);
	assert_int_equal(int_of("-7"), -7);
	assert_int_equal(int_of("8_0"), 80);
	assert_int_equal(int_of("80_"), 80);
	assert_int_equal(int_of("9223372036854775807"), LLONG_MAX);
	assert_true(int_of("-9223372036854775808") == LLONG_MIN);
	/* '_' first is no number at all */
	expect_form("_80", Y11_STR, "string");
	expect_form("+", Y11_STR, "string");
	expect_form("12abc", Y11_STR, "string");
}

/* Runs of digits of every length, and words around the longest of null and bool: what
 * yaml11.c resolves without its table is what the table gives. */
static void test_digits_and_words(void **state)
{
	(void)state;
	char s[32];
	for (size_t n = 1; n <= 21; n++) {
		for (int first = 1; first <= 9; first += 8) {
			s[0] = (char)('0' + first);
			for (size_t i = 1; i < n; i++)
				s[i] = (char)('0' + (i * 7) % 10);
			s[n] = '\0';
			errno = 0;
			long long want = strtoll(s, NULL, 10);
			struct y11_value v;
			if (!errno) {
				expect_form(s, Y11_INT, "int-decimal");
				assert_true(int_of(s) == want);
			} else {
				assert_int_not_equal(res(s, &v), Y11_STR);
				assert_string_not_equal(v.form, "int-decimal");
			}
		}
	}
	expect_form("0", Y11_INT, "int-decimal");
	expect_form("0800", Y11_FLOAT, "float");
	expect_form("0120", Y11_INT, "int-octal");
	expect_form("80x", Y11_STR, "string");
	expect_form("FALSE", Y11_BOOL, "bool-false");
	expect_form("FALSEx", Y11_STR, "string");
	expect_form("Yes", Y11_BOOL, "bool-true");
	expect_form("offset", Y11_STR, "string");
	expect_form("TCP", Y11_STR, "string");
}

static void test_row_int_hex(void **state)
{
	(void)state;
	expect_form("0x50", Y11_INT, "int-hex");
	assert_int_equal(int_of("0x50"), 80);
	assert_int_equal(int_of("0X5_0"), 80);
	assert_int_equal(int_of("0x_50"), 80);
	assert_int_equal(int_of("-0x10"), -16);
	expect_form("0x", Y11_STR, "string");
	expect_form("0xg", Y11_STR, "string");
}

static void test_row_int_octal_0o(void **state)
{
	(void)state;
	expect_form("0o120", Y11_INT, "int-octal-0o");
	assert_int_equal(int_of("0o120"), 80);
	assert_int_equal(int_of("0O120"), 80);
	expect_form("0o", Y11_STR, "string");
	expect_form("0o8", Y11_STR, "string");
}

static void test_row_int_octal(void **state)
{
	(void)state;
	expect_form("0120", Y11_INT, "int-octal");
	assert_int_equal(int_of("0120"), 80);
	assert_int_equal(int_of("-010"), -8);
	/* A leading 0 with an 8 or a 9 is no octal: the float row reads it, as decimal. */
	expect_form("0800", Y11_FLOAT, "float");
	assert_int_equal(int_of("0800"), 800);
	assert_int_equal(int_of("09"), 9);
}

static void test_row_int_binary(void **state)
{
	(void)state;
	expect_form("0b1010000", Y11_INT, "int-binary");
	assert_int_equal(int_of("0b1010000"), 80);
	assert_int_equal(int_of("+0b11"), 3);
	assert_int_equal(int_of("-0b11"), -3);
	expect_form("0b", Y11_STR, "string");
	expect_form("0b2", Y11_STR, "string");
}

static void test_row_int_uint64(void **state)
{
	(void)state;
	struct y11_value v;
	expect_form("18446744073709551615", Y11_INT, "int-uint64");
	expect_form("9223372036854775808", Y11_INT, "int-uint64");
	res("9223372036854775808", &v);
	assert_true(v.big);
	/* an integer field cannot hold it */
	not_int("9223372036854775808");
}

static void test_row_float(void **state)
{
	(void)state;
	expect_form("80.0", Y11_FLOAT, "float");
	expect_form("80.", Y11_FLOAT, "float");
	expect_form("8e1", Y11_FLOAT, "float");
	expect_form("-1.5E-3", Y11_FLOAT, "float");
	expect_form("+.5", Y11_FLOAT, "float");
	/* beyond uint64 a decimal integer is a float; beyond a double, a string */
	expect_form("99999999999999999999", Y11_FLOAT, "float");
	expect_form("-9223372036854775809", Y11_FLOAT, "float");
	expect_form("1e400", Y11_STR, "string");
	/* an integer field takes a float with an integral value */
	assert_int_equal(int_of("80.0"), 80);
	assert_int_equal(int_of("8e1"), 80);
	assert_int_equal(int_of("8_0.0"), 80);
	assert_int_equal(int_of("-0.0"), 0);
	not_int("80.5");
	not_int("1e19");
	expect_form("1.2.3", Y11_STR, "string");
	expect_form("1e", Y11_STR, "string");
	expect_form("1,5", Y11_STR, "string");
}

static void test_row_int_big(void **state)
{
	(void)state;
	struct y11_value v;
	expect_form("0x10000000000000000", Y11_INT, "int-big");
	res("0x10000000000000000", &v);
	assert_true(v.big);
	not_int("0x10000000000000000");
	/* with a sign ParseUint fails for its syntax, not its range: a string */
	expect_form("-0x10000000000000000", Y11_STR, "string");
}

/* Every row's example reads as that row. */
static void test_table_examples(void **state)
{
	(void)state;
	size_t n;
	const struct y11_form_info *f = yaml11_forms(&n);
	assert_int_equal(n, 14);
	for (size_t i = 0; i < n; i++) {
		struct y11_value v;
		res(f[i].example, &v);
		if (strcmp(v.form, f[i].name))
			fail_msg("example '%s' of row %s reads as %s", f[i].example, f[i].name,
				 v.form);
	}
}

static void test_quoted_and_tags(void **state)
{
	(void)state;
	struct y11_value v;
	/* quoted, without a tag: a string whatever it says */
	assert_int_equal(yaml11_resolve("yes", 3, false, YT_NONE, &v), Y11_STR);
	assert_int_equal(yaml11_resolve("80", 2, false, YT_NONE, &v), Y11_STR);
	/* !!int "80" is 80, !!str 80 a string, !!float 80 a float */
	assert_int_equal(yaml11_resolve("80", 2, false, YT_INT, &v), Y11_INT);
	assert_int_equal(v.i, 80);
	assert_int_equal(yaml11_resolve("80", 2, true, YT_STR, &v), Y11_STR);
	assert_int_equal(yaml11_resolve("80", 2, true, YT_FLOAT, &v), Y11_FLOAT);
	assert_true(v.f == 80.0);
	assert_int_equal(yaml11_resolve("yes", 3, false, YT_BOOL, &v), Y11_BOOL);
	assert_true(v.b);
	/* a tag the text does not fit: kubectl's "cannot decode !!bool `yes` as a !!int" */
	assert_int_equal(yaml11_resolve("yes", 3, true, YT_INT, &v), Y11_BAD);
	assert_int_equal(yaml11_resolve("8.5", 3, true, YT_INT, &v), Y11_BAD);
	assert_int_equal(yaml11_resolve("x", 1, true, YT_NULL, &v), Y11_BAD);
	/* local and unknown tags keep the text */
	assert_int_equal(yaml11_resolve("80", 2, true, YT_OTHER, &v), Y11_STR);
	assert_int_equal(yaml11_tag("tag:yaml.org,2002:int"), YT_INT);
	assert_int_equal(yaml11_tag("!"), YT_OTHER);
	assert_int_equal(yaml11_tag(NULL), YT_NONE);
	/* a NUL inside is never a number */
	assert_int_equal(yaml11_resolve("8\0" "0", 3, false, YT_INT, &v), Y11_BAD);
	/* long texts are read whole */
	char big[300];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_form(big, Y11_FLOAT, "float");
	big[5] = '_';
	expect_form(big, Y11_FLOAT, "float");
}

/* ---- whole manifests ---- */

static const char *const policy_head =
	"apiVersion: networking.k8s.io/v1\n"
	"kind: NetworkPolicy\n"
	"metadata: {name: web, namespace: default}\n"
	"spec:\n"
	"  podSelector: {}\n"
	"  ingress:\n"
	"  - ports:\n";

static void load_policy(struct tu *t, const char *ports)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s%s", policy_head, ports);
	tu_load(t, buf);
}

/* port: 0800, 80.0, 0o120, !!int "80" ... all read as 80, as kubectl reads them. */
static void test_port_forms(void **state)
{
	(void)state;
	static const char *const forms[] = { "80.0", "0o120", "!!int \"80\"", "0x50",
		"8_0", "+80", "8e1", "0120", "0b1010000", "!!float 80", ".8e2" };
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		struct tu t;
		char ports[128];
		snprintf(ports, sizeof(ports), "    - port: %s\n", forms[i]);
		load_policy(&t, ports);
		const struct policy *p = tu_policy(&t.m, "default", "web");
		if (!p || p->invalid || t.d.n)
			fail_msg("port: %s: the policy should be valid", forms[i]);
		const struct np_port *pt = &p->rules[DIR_INGRESS][0].ports[0];
		if (pt->port_name || pt->port != 80)
			fail_msg("port: %s should be 80 (got %d)", forms[i], pt->port);
		assert_int_equal(t.rc, 0);
		tu_free(&t);
	}
	/* 0800 has an 8: no octal, the decimal 800 */
	struct tu t;
	load_policy(&t, "    - port: 0800\n");
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_false(p->invalid);
	assert_int_equal(p->rules[DIR_INGRESS][0].ports[0].port, 800);
	tu_free(&t);
}

static void test_port_not_integral(void **state)
{
	(void)state;
	static const char *const bad[] = { "80.5", "yes", "on", "!!int \"8.5\"", ".inf",
		"1e10" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct tu t;
		char ports[128];
		snprintf(ports, sizeof(ports), "    - port: %s\n", bad[i]);
		load_policy(&t, ports);
		const struct policy *p = tu_policy(&t.m, "default", "web");
		if (!p || !p->invalid)
			fail_msg("port: %s should make the policy invalid", bad[i]);
		assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 1);
		assert_true(t.d.input_error);
		tu_free(&t);
	}
	/* quoted, it is a port name */
	struct tu t;
	load_policy(&t, "    - port: \"yes\"\n");
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_false(p->invalid);
	assert_int_equal(t.d.n, 0);
	assert_string_equal(p->rules[DIR_INGRESS][0].ports[0].port_name, "yes");
	tu_free(&t);
}

static void test_endport_forms(void **state)
{
	(void)state;
	struct tu t;
	load_policy(&t, "    - port: 80\n      endPort: 0x1F90\n");
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_false(p->invalid);
	assert_int_equal(p->rules[DIR_INGRESS][0].ports[0].end_port, 8080);
	tu_free(&t);
}

static const char *const pod_fmt =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, labels: {app: web}}\n"
	"spec:\n  hostNetwork: %s\n";

static void test_host_network_yes(void **state)
{
	(void)state;
	static const char *const yes[] = { "yes", "Yes", "YES", "on", "On", "ON", "y", "Y",
					   "true", "True" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		struct tu t;
		char buf[512];
		snprintf(buf, sizeof(buf), pod_fmt, yes[i]);
		tu_load(&t, buf);
		if (t.m.nhost_net != 1 || t.m.nendpoints != 0)
			fail_msg("hostNetwork: %s should make a hostNetwork pod", yes[i]);
		tu_free(&t);
	}
	struct tu t;
	char buf[512];
	snprintf(buf, sizeof(buf), pod_fmt, "off");
	tu_load(&t, buf);
	assert_int_equal(t.m.nhost_net, 0);
	assert_int_equal(t.m.nendpoints, 1);
	tu_free(&t);
	/* quoted, it is a string: the Pod is rejected */
	snprintf(buf, sizeof(buf), pod_fmt, "\"yes\"");
	tu_load(&t, buf);
	assert_int_equal(t.m.nhost_net, 0);
	assert_null(tu_ep(&t.m, "default/p[Pod]"));
	const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, 0);
	assert_non_null(f);
	assert_string_equal(f->message,
			    "spec.hostNetwork: Invalid type: got string, expected boolean");
	assert_int_equal(f->pos.line, 5);
	assert_int_equal(f->pos.col, 3);
	tu_free(&t);
}

/* matchLabels: {app: yes} is a bool where a string is required: the policy takes no
 * part, the rest is analysed. */
static void test_match_labels_bool(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: bad, namespace: default}\n"
		"spec:\n  podSelector:\n    matchLabels: {app: yes}\n"
		"---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: good, namespace: default}\n"
		"spec:\n  podSelector:\n    matchLabels: {app: \"yes\"}\n");
	const struct policy *bad = tu_policy(&t.m, "default", "bad");
	const struct policy *good = tu_policy(&t.m, "default", "good");
	assert_true(bad->invalid);
	assert_false(good->invalid);
	assert_true(t.d.input_error);
	const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, 0);
	assert_string_equal(f->message, "spec.podSelector.matchLabels[app]: Invalid type: got "
					"boolean, expected string");
	assert_int_equal(f->pos.line, 6);
	assert_int_equal(f->pos.col, 19);
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 1);
	tu_free(&t);
}

/* The same in the labels of the objects policies select. */
static void test_workload_label_bool(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: default}\n"
		"spec:\n  template:\n    metadata:\n      labels: {app: web, canary: n}\n"
		"---\n"
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {team: on}}\n"
		"---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: default}\n");
	assert_null(tu_ep(&t.m, "default/d[Deployment]"));
	assert_non_null(tu_ep(&t.m, "default/ok[Pod]"));
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 2);
	assert_string_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 0)->message,
			    "spec.template.metadata.labels[canary]: Invalid type: got boolean, "
			    "expected string");
	assert_string_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 1)->message,
			    "metadata.labels[team]: Invalid type: got boolean, expected string");
	/* namespace team is not declared (its object is rejected) */
	const struct namespace *ns = model_namespace(&t.m, "team");
	assert_true(!ns || !ns->declared);
	tu_free(&t);
}


/* ---- merge keys ---- */

static const char *ml_get(const struct selector *s, const char *key, const struct ynode **node)
{
	for (size_t i = 0; i < s->nml; i++)
		if (!strcmp(s->ml[i].key, key)) {
			if (node)
				*node = s->ml[i].node;
			return s->ml[i].val;
		}
	return NULL;
}

/* <<: *alias brings in the anchored mapping's keys; a key written after it wins; every
 * merged key keeps the position where it is written. */
static void test_merge_alias(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\n"     /* 1 */
		"kind: NetworkPolicy\n"                   /* 2 */
		"metadata: {name: web, namespace: default}\n" /* 3 */
		"spec:\n"                                  /* 4 */
		"  podSelector:\n"                         /* 5 */
		"    matchLabels: &web\n"                  /* 6 */
		"      app: web\n"                         /* 7 */
		"      tier: front\n"                      /* 8 */
		"  ingress:\n"                             /* 9 */
		"  - from:\n"                              /* 10 */
		"    - podSelector:\n"                     /* 11 */
		"        matchLabels:\n"                   /* 12 */
		"          <<: *web\n"                     /* 13 */
		"          tier: back\n");                 /* 14 */
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_false(p->invalid);
	assert_int_equal(t.d.n, 0); /* no unknown field "<<" */
	const struct selector *s = &p->rules[DIR_INGRESS][0].peers[0].pod_sel;
	const struct ynode *at = NULL;
	assert_int_equal(s->nml, 2);
	assert_string_equal(ml_get(s, "app", &at), "web");
	assert_int_equal(at->pos.line, 7);
	assert_int_equal(at->pos.col, 7);
	assert_string_equal(ml_get(s, "tier", &at), "back");
	assert_int_equal(at->pos.line, 14);
	tu_free(&t);
}

/* <<: [*a, *b, {...}]: the earlier mappings win; a mapping written in place merges too. */
static void test_merge_sequence(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: web, namespace: default}\n"
		"spec:\n"
		"  podSelector:\n"
		"    matchLabels:\n"
		"      <<: [&a {x: a1, y: a2}, &b {y: b2, z: b3}, {z: c3, w: c4}]\n"
		"  ingress:\n"
		"  - from:\n"
		"    - podSelector:\n"
		"        matchLabels: {<<: [*b, *a]}\n");
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_false(p->invalid);
	assert_int_equal(t.d.n, 0);
	const struct selector *s = &p->pod_sel;
	assert_int_equal(s->nml, 4);
	assert_string_equal(ml_get(s, "x", NULL), "a1");
	assert_string_equal(ml_get(s, "y", NULL), "a2");
	assert_string_equal(ml_get(s, "z", NULL), "b3");
	assert_string_equal(ml_get(s, "w", NULL), "c4");
	s = &p->rules[DIR_INGRESS][0].peers[0].pod_sel;
	assert_string_equal(ml_get(s, "y", NULL), "b2");
	assert_string_equal(ml_get(s, "x", NULL), "a1");
	tu_free(&t);
}

/* go-yaml v2 applies a merge where it stands: a key written before "<<" is overridden,
 * one written after it is not; repeated merges apply in order. */
static void test_merge_order(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: web, namespace: default}\n"
		"spec:\n"
		"  podSelector:\n"
		"    matchLabels: {before: mine, <<: {before: merged, after: merged}, "
		"after: mine}\n");
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_false(p->invalid);
	assert_int_equal(t.d.n, 0);
	assert_int_equal(p->pod_sel.nml, 2);
	assert_string_equal(ml_get(&p->pod_sel, "before", NULL), "merged");
	assert_string_equal(ml_get(&p->pod_sel, "after", NULL), "mine");
	tu_free(&t);
}

/* Merged values are type-checked like written ones. */
static void test_merge_type_error(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: web, namespace: default}\n"
		"spec:\n"
		"  podSelector: {}\n"
		"  ingress:\n"
		"  - ports:\n"
		"    - <<: {port: yes}\n");
	const struct policy *p = tu_policy(&t.m, "default", "web");
	assert_true(p->invalid);
	const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, 0);
	assert_non_null(f);
	assert_int_equal(f->pos.line, 8);
	assert_int_equal(f->pos.col, 12);
	tu_free(&t);
}

/* A workload's template labels merged from its selector, whose value npcheck otherwise
 * does not build: the anchored mapping is built for the merge. */
static void test_merge_workload(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: default}\n"
		"x-base: &base {tier: front}\n"
		"spec:\n"
		"  selector:\n"
		"    matchLabels: &sel {app: web}\n"
		"  template:\n"
		"    metadata:\n"
		"      labels:\n"
		"        <<: [*sel, *base]\n"
		"        extra: x\n"
		"    spec: {hostNetwork: off}\n"
		"---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, labels: *nope}\n");
	const struct endpoint *e = tu_ep(&t.m, "default/d[Deployment]");
	assert_non_null(e);
	assert_string_equal(labels_get(&e->labels, "app"), "web");
	assert_string_equal(labels_get(&e->labels, "tier"), "front");
	assert_string_equal(labels_get(&e->labels, "extra"), "x");
	assert_null(labels_get(&e->labels, "<<"));
	/* the second document's unknown alias is a YAML error */
	assert_int_equal(tu_count(&t.d, RULE_YAML_SYNTAX), 1);
	tu_free(&t);
}

/* Only a mapping or a sequence of mappings merges: anything else is kubectl's "map merge
 * requires map or sequence of maps as the value". A quoted "<<" is a plain key. */
static void test_merge_bad_value(void **state)
{
	(void)state;
	static const char *const bad[] = { "5", "[{a: b}, 5]", "~", "[x]" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct tu t;
		char buf[512];
		snprintf(buf, sizeof(buf),
			 "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			 "metadata: {name: web, namespace: default}\n"
			 "spec:\n  podSelector:\n    matchLabels:\n      <<: %s\n", bad[i]);
		tu_load(&t, buf);
		assert_int_equal(t.rc, -1);
		const struct finding *f = tu_finding(&t.d, RULE_YAML_SYNTAX, 0);
		assert_non_null(f);
		assert_string_equal(f->message,
				    "map merge requires map or sequence of maps as the value");
		assert_int_equal(f->pos.line, 7);
		assert_int_equal(f->pos.col, 7);
		tu_free(&t);
	}
	struct tu t;
	/* an alias of a sequence, even of mappings, does not merge (go-yaml checks the alias) */
	tu_load(&t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		    "metadata: {name: web, namespace: default, annotations: {a: &s [{a: b}]}}\n"
		    "spec:\n  podSelector:\n    matchLabels: {<<: [{c: d}]}\n  ingress:\n"
		    "  - from:\n    - podSelector:\n        matchLabels: {<<: *s}\n");
	assert_int_equal(t.rc, -1);
	assert_int_equal(tu_count(&t.d, RULE_YAML_SYNTAX), 1);
	assert_int_equal(tu_finding(&t.d, RULE_YAML_SYNTAX, 0)->pos.line, 10);
	assert_int_equal(tu_finding(&t.d, RULE_YAML_SYNTAX, 0)->pos.col, 23);
	tu_free(&t);
	tu_load(&t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		    "metadata: {name: web, namespace: default}\n"
		    "spec:\n  \"<<\": {podSelector: {}}\n");
	assert_int_equal(tu_count(&t.d, RULE_UNKNOWN_FIELD), 1);
	tu_free(&t);
	/* !!merge << is a merge key too */
	tu_load(&t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		    "metadata: {name: web, namespace: default}\n"
		    "spec:\n  !!merge <<: {podSelector: {matchLabels: {a: b}}}\n");
	assert_int_equal(t.d.n, 0);
	assert_int_equal(tu_policy(&t.m, "default", "web")->pod_sel.nml, 1);
	tu_free(&t);
}

/* Chained merges cost what they copy, within the alias budget. */
static void test_merge_budget(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "a0: &a0 {");
	for (int i = 0; i < 2000; i++)
		strbuf_addf(&sb, "%sk%d: v", i ? ", " : "", i);
	strbuf_addstr(&sb, "}\n");
	for (int i = 1; i < 1000; i++)
		strbuf_addf(&sb, "a%d: &a%d {<<: *a%d, x%d: y}\n", i, i, i - 1, i);
	struct tu t;
	tu_load(&t, sb.buf);
	assert_int_equal(t.rc, -1);
	const struct finding *f = tu_finding(&t.d, RULE_YAML_SYNTAX, 0);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "more than 1000000 nodes"));
	tu_free(&t);
	strbuf_release(&sb);
}

/* ---- streams of JSON documents ---- */

static size_t starts_of(const char *s, size_t *out, size_t max)
{
	size_t *st, n = model_json_starts(s, strlen(s), &st);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = st[i];
	free(st);
	return n;
}

static void test_json_starts(void **state)
{
	(void)state;
	size_t o[8];
	assert_int_equal(starts_of("{}{}", o, 8), 2);
	assert_int_equal(o[1], 2);
	assert_int_equal(starts_of("\xEF\xBB\xBF \n{\"a\": [1, {}]}\n\n  [true]\n{}", o, 8), 3);
	assert_int_equal(o[0], 5);
	assert_int_equal(o[1], 23);
	assert_int_equal(o[2], 30);
	/* brackets, quotes and escapes inside strings do not count */
	assert_int_equal(starts_of("{\"a\": \"}{[\\\"]\"}{\"b\": 1}", o, 8), 2);
	assert_int_equal(o[1], 15);
	/* not JSON (a YAML quote, a comment): the rest from that value is one piece */
	assert_int_equal(starts_of("{}{'a': '}'}{}", o, 8), 2);
	assert_int_equal(o[1], 2);
	assert_int_equal(starts_of("{\"a\": 1} # }\n{}", o, 8), 2);
	assert_int_equal(o[1], 9);
	assert_int_equal(starts_of("{a: b\"c}{}", o, 8), 1);
	assert_int_equal(starts_of("{a: b \"}\"}{}", o, 8), 1);
	/* a missing comma between strings is libyaml's error inside that document */
	assert_int_equal(starts_of("{\"a\" \"b\"}{}", o, 8), 2);
	/* after the values, something else: a piece of its own */
	assert_int_equal(starts_of("{}\n---\n{}", o, 8), 2);
	assert_int_equal(o[1], 3);
	/* unterminated */
	assert_int_equal(starts_of("{}{\"a", o, 8), 2);
	assert_int_equal(starts_of("{}{[", o, 8), 2);
	/* YAML, or a scalar first: no JSON stream */
	assert_int_equal(starts_of("a: 1\n{}", o, 8), 0);
	assert_int_equal(starts_of("\"a\"{}", o, 8), 0);
	assert_int_equal(starts_of("", o, 8), 0);
}

#define POD_JSON(name) \
	"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"" name \
	"\", \"namespace\": \"default\", \"labels\": {\"app\": \"" name "\"}}}"

/* Every document of the stream is read, with positions in the file. */
static void test_json_stream(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, POD_JSON("a") POD_JSON("b") "\n  " POD_JSON("c") "\r\n" POD_JSON("d"));
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.n, 0);
	const char *names[] = { "a", "b", "c", "d" };
	int lines[] = { 1, 1, 2, 3 }, cols[] = { 1, 111, 3, 1 };
	for (size_t i = 0; i < 4; i++) {
		char disp[64];
		snprintf(disp, sizeof(disp), "default/%s[Pod]", names[i]);
		const struct endpoint *e = tu_ep(&t.m, disp);
		if (!e)
			fail_msg("%s missing", disp);
		const struct ynode *nn = e->obj->name_node;
		assert_int_equal(nn->pos.line, lines[i]);
		assert_int_equal(nn->pos.col, cols[i] + 57);
	}
	tu_free(&t);
}

/* Columns count characters, as libyaml does, also after a multi-byte one; a broken
 * document is reported where it is and the next one is still read. */
static void test_json_stream_errors(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "{\"a\": \"\xC3\xA9\"}{\"b\" 1}{\"apiVersion\": \"v1\", \"kind\": \"Pod\", "
		    "\"metadata\": {\"name\": \"p\"}}");
	assert_int_equal(t.rc, -1);
	assert_int_equal(tu_count(&t.d, RULE_YAML_SYNTAX), 1);
	const struct finding *f = tu_finding(&t.d, RULE_YAML_SYNTAX, 0);
	assert_int_equal(f->pos.line, 1);
	assert_int_equal(f->pos.col, 16); /* the 1, counting the é as one */
	const struct endpoint *e = tu_ep(&t.m, "default/p[Pod]");
	assert_non_null(e);
	assert_int_equal(e->obj->name_node->pos.col, 75);
	tu_free(&t);
}

/* Parsed in parts on threads, a JSON stream reads as one parser reads it. */
static void test_json_stream_parts(void **state)
{
	(void)state;
	struct model_options four = { .jobs = 4 };
	struct tu t;
	setenv("NPCHECK_TEST_PART_BYTES", "1", 1);
	tu_load_opt(&t, POD_JSON("a") "\n---\n" POD_JSON("b") POD_JSON("c") "\n", &four);
	unsetenv("NPCHECK_TEST_PART_BYTES");
	/* "---" after a JSON value: kubectl's JSON reader and libyaml both stop there */
	assert_int_equal(t.rc, -1);
	assert_non_null(tu_ep(&t.m, "default/a[Pod]"));
	assert_int_equal(tu_count(&t.d, RULE_YAML_SYNTAX), 1);
	tu_free(&t);
	setenv("NPCHECK_TEST_PART_BYTES", "1", 1);
	tu_load_opt(&t, POD_JSON("a") "\n" POD_JSON("b") "\n" POD_JSON("c") "\n", &four);
	unsetenv("NPCHECK_TEST_PART_BYTES");
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.m.nendpoints, 3);
	assert_int_equal(tu_ep(&t.m, "default/c[Pod]")->obj->name_node->pos.line, 3);
	tu_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_null),
		cmocka_unit_test(test_row_bool_true),
		cmocka_unit_test(test_row_bool_false),
		cmocka_unit_test(test_row_float_inf),
		cmocka_unit_test(test_row_float_nan),
		cmocka_unit_test(test_row_float_dot),
		cmocka_unit_test(test_row_int_decimal),
		cmocka_unit_test(test_digits_and_words),
		cmocka_unit_test(test_row_int_hex),
		cmocka_unit_test(test_row_int_octal_0o),
		cmocka_unit_test(test_row_int_octal),
		cmocka_unit_test(test_row_int_binary),
		cmocka_unit_test(test_row_int_uint64),
		cmocka_unit_test(test_row_float),
		cmocka_unit_test(test_row_int_big),
		cmocka_unit_test(test_table_examples),
		cmocka_unit_test(test_quoted_and_tags),
		cmocka_unit_test(test_port_forms),
		cmocka_unit_test(test_port_not_integral),
		cmocka_unit_test(test_endport_forms),
		cmocka_unit_test(test_host_network_yes),
		cmocka_unit_test(test_match_labels_bool),
		cmocka_unit_test(test_workload_label_bool),
		cmocka_unit_test(test_merge_alias),
		cmocka_unit_test(test_merge_sequence),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_merge_type_error),
		cmocka_unit_test(test_merge_workload),
		cmocka_unit_test(test_merge_bad_value),
		cmocka_unit_test(test_merge_budget),
		cmocka_unit_test(test_json_starts),
		cmocka_unit_test(test_json_stream),
		cmocka_unit_test(test_json_stream_errors),
		cmocka_unit_test(test_json_stream_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* load.c: where a file is cut into parts, and that parsing in parts on threads gives what
 * one parser gives (objects, positions, findings and their order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "load_int.h"
#include "testutil.h"

static size_t next(const char *s, size_t from)
{
	return model_next_doc_start(s, strlen(s), from);
}

static void test_next_doc_start(void **state)
{
	(void)state;
	const char *s = "a: 1\n---\nb: 2\n--- !x\nc: 3\n---x\n----\n ---\n---";
	assert_int_equal(next(s, 0), 5);
	assert_int_equal(next(s, 5), 5);
	assert_int_equal(next(s, 6), 14);  /* "--- !x" */
	/* "---x", "----" and " ---" are not markers; the last line, at the end, is. */
	assert_int_equal(next(s, 15), strlen(s) - 3);
	assert_int_equal(next("---\na: 1", 0), 0);
	assert_int_equal(next("---\ta: 1\n---\r\n", 1), 9);
	assert_int_equal(next("a: 1\n", 0), 5);
	assert_int_equal(next("", 0), 0);
}

static void test_jobs(void **state)
{
	(void)state;
	assert_true(model_jobs(0) >= 1 && model_jobs(0) <= 8);
	assert_int_equal(model_jobs(1), 1);
	assert_int_equal(model_jobs(3), 3);
	assert_int_equal(model_jobs(1000), 8);
}

/* Load yaml whole (-j 1) and in parts (-j 4, every part as small as allowed). */
static void load_both(struct tu *whole, struct tu *parts, const char *yaml)
{
	struct model_options one = { .jobs = 1 }, four = { .jobs = 4 };
	tu_load_opt(whole, yaml, &one);
	setenv("NPCHECK_TEST_PART_BYTES", "1", 1);
	tu_load_opt(parts, yaml, &four);
	unsetenv("NPCHECK_TEST_PART_BYTES");
	assert_int_equal(whole->m.parts, 0);
}

static void assert_pos_equal(const struct ynode *a, const struct ynode *b)
{
	assert_true(!a == !b);
	if (a) {
		assert_int_equal(a->pos.line, b->pos.line);
		assert_int_equal(a->pos.col, b->pos.col);
	}
}

/* Same objects in the same order at the same positions, same findings in the same order. */
static void assert_same(const struct tu *a, const struct tu *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->d.input_error, b->d.input_error);
	assert_int_equal(a->m.nobjects, b->m.nobjects);
	for (size_t i = 0; i < a->m.nobjects; i++) {
		const struct object *x = a->m.objects[i], *y = b->m.objects[i];
		assert_string_equal(x->kind, y->kind);
		assert_true(!x->name == !y->name);
		if (x->name)
			assert_string_equal(x->name, y->name);
		assert_pos_equal(x->node, y->node);
		assert_pos_equal(x->name_node, y->name_node);
	}
	assert_int_equal(a->m.npolicies, b->m.npolicies);
	for (size_t i = 0; i < a->m.npolicies; i++)
		assert_pos_equal(a->m.policies[i]->spec_node, b->m.policies[i]->spec_node);
	assert_int_equal(a->m.nendpoints, b->m.nendpoints);
	for (size_t i = 0; i < a->m.nendpoints; i++)
		assert_string_equal(a->m.endpoints[i]->display, b->m.endpoints[i]->display);
	assert_int_equal(a->m.nservices, b->m.nservices);
	assert_int_equal(a->d.n, b->d.n);
	for (size_t i = 0; i < a->d.n; i++) {
		assert_int_equal(a->d.items[i].rule, b->d.items[i].rule);
		assert_int_equal(a->d.items[i].pos.line, b->d.items[i].pos.line);
		assert_int_equal(a->d.items[i].pos.col, b->d.items[i].pos.col);
		assert_string_equal(a->d.items[i].message, b->d.items[i].message);
	}
}

static const char cluster[] =
	"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: a}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n"
	"spec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
	"      containers:\n      - name: c\n        ports:\n        - containerPort: 80\n"
	"          name: http\n"
	"--- # a comment on the marker line\n"
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n"
	"  namespace: shop\nspec:\n  podSelector: {}\n  bogus: 1\n  ingress:\n"
	"  - from:\n    - podSelector: {matchLabels: {app: web}}\n"
	"---\n"
	"apiVersion: v1\nkind: List\nitems:\n"
	"- apiVersion: v1\n  kind: Service\n  metadata: {name: s, namespace: shop}\n"
	"  spec:\n    selector: {app: web}\n    ports: [{port: 80}]\n"
	"- apiVersion: v1\n  kind: Pod\n  metadata: {name: lone, namespace: shop}\n"
	"  spec: {containers: [{name: c}]}\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: q_bad\n"
	"  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n";

static void test_parts_same_as_whole(void **state)
{
	(void)state;
	struct tu whole, parts;
	load_both(&whole, &parts, cluster);
	assert_int_equal(parts.m.parts, 5); /* four parts a thread allowed: one a document */
	assert_true(whole.d.n >= 2); /* the unknown field, the invalid name */
	assert_int_equal(whole.m.nobjects, 6);
	assert_same(&whole, &parts);
	tu_free(&whole);
	tu_free(&parts);
}

/* Names and labels checked and generated names numbered on the loader threads exactly
 * as one parser does; the regular expressions run on every thread at once. */
static void test_parts_validation(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 40; i++) {
		strbuf_addf(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s-%d\n"
			    "  namespace: shop\n  labels: {app: web, tier: %s}\n",
			    i % 3 ? "web" : "Web", i, i % 5 ? "front" : "bad value");
		strbuf_addf(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata:\n"
			    "  generateName: job-\n  namespace: shop\n");
	}
	struct tu whole, parts;
	load_both(&whole, &parts, sb.buf);
	strbuf_release(&sb);
	assert_int_equal(parts.m.parts, 16); /* four threads, four parts each */
	assert_same(&whole, &parts);
	/* 14 bad names, 8 bad labels: findings, not input errors. */
	assert_int_equal(tu_count(&whole.d, RULE_INVALID_SPEC), 14 + 8);
	assert_false(whole.d.input_error);
	assert_non_null(tu_ep(&parts.m, "shop/job-<generated>[Pod]"));
	assert_non_null(tu_ep(&parts.m, "shop/job-<generated-40>[Pod]"));
	assert_null(tu_ep(&parts.m, "shop/job-<generated-41>[Pod]"));
	assert_null(tu_ep(&parts.m, "shop/Web-0[Pod]"));
	assert_null(tu_ep(&parts.m, "shop/web-5[Pod]"));
	assert_non_null(tu_ep(&parts.m, "shop/web-1[Pod]"));
	tu_free(&whole);
	tu_free(&parts);
}

/* A syntax error in one part: the file is parsed again whole, and reports just that. */
static void test_parts_error_parsed_whole(void **state)
{
	(void)state;
	struct tu whole, parts;
	static const char yaml[] =
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: [c}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: d}\n";
	load_both(&whole, &parts, yaml);
	assert_int_equal(parts.m.parts, 0);
	assert_int_equal(whole.rc, -1);
	assert_int_equal(whole.m.nobjects, 2);
	assert_same(&whole, &parts);
	tu_free(&whole);
	tu_free(&parts);
}

/* A marker inside a quoted scalar or a flow collection is an error for libyaml either way. */
static void test_parts_marker_inside_scalar(void **state)
{
	(void)state;
	struct tu whole, parts;
	static const char yaml[] =
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n"
		"  annotations:\n    x: \"first line\n---\n    last line\"\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
	load_both(&whole, &parts, yaml);
	assert_int_equal(parts.m.parts, 0);
	assert_true(whole.d.input_error);
	assert_same(&whole, &parts);
	tu_free(&whole);
	tu_free(&parts);
}

/* A block scalar ends at a marker, for one parser as for parts. */
static void test_parts_block_scalar(void **state)
{
	(void)state;
	struct tu whole, parts;
	static const char yaml[] =
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: |\n    one\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
	load_both(&whole, &parts, yaml);
	assert_int_equal(parts.m.parts, 2);
	assert_false(whole.d.input_error);
	assert_same(&whole, &parts);
	tu_free(&whole);
	tu_free(&parts);
}

/* Line breaks libyaml counts but a count of LFs would not: the file is parsed whole. */
static void test_parts_other_line_breaks(void **state)
{
	(void)state;
	static const char *const yamls[] = {
		"apiVersion: v1\rkind: Namespace\rmetadata: {name: a}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: b}\nspec: {podSelector: {}, bad_key: 1}\n",
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n# \xc2\x85 \xe2\x80\xa8\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: b}\nspec: {podSelector: {}, bad_key: 1}\n",
	};
	for (size_t i = 0; i < sizeof(yamls) / sizeof(*yamls); i++) {
		struct tu whole, parts;
		load_both(&whole, &parts, yamls[i]);
		assert_int_equal(parts.m.parts, 0);
		assert_same(&whole, &parts);
		tu_free(&whole);
		tu_free(&parts);
	}
}

/* CRLF line ends are counted right. */
static void test_parts_crlf(void **state)
{
	(void)state;
	struct tu whole, parts;
	static const char yaml[] =
		"apiVersion: v1\r\nkind: Namespace\r\nmetadata: {name: a}\r\n"
		"---\r\napiVersion: networking.k8s.io/v1\r\nkind: NetworkPolicy\r\n"
		"metadata: {name: b}\r\nspec: {podSelector: {}, bad_key: 1}\r\n";
	load_both(&whole, &parts, yaml);
	assert_int_equal(parts.m.parts, 2);
	assert_int_equal(whole.d.n, 1);
	assert_int_equal(whole.d.items[0].pos.line, 8);
	assert_same(&whole, &parts);
	tu_free(&whole);
	tu_free(&parts);
}

/* A directive belongs to the document after it: a part ending on one is an error. */
static void test_parts_directive(void **state)
{
	(void)state;
	struct tu whole, parts;
	static const char yaml[] =
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n...\n%YAML 1.1\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
	load_both(&whole, &parts, yaml);
	assert_false(whole.d.input_error);
	assert_int_equal(whole.m.nobjects, 2);
	assert_same(&whole, &parts);
	tu_free(&whole);
	tu_free(&parts);
}

/* Sources in memory load as files of those names would: in order, positions named after
 * them; their bytes are only read (static here: freeing them would crash), up to their
 * length (what follows is never seen) with no NUL needed; an empty one is no error; a
 * broken one is an input error with its position. */
static void test_load_sources(void **state)
{
	(void)state;
	static const char a[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\n"
				"this is past the length: [";
	static const char b[] = "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"y\"}\n---\n{";
	const struct source srcs[3] = { { "k8s/a.yaml", a, (size_t)(strstr(a, "this is") - a) },
					{ "k8s/empty.yaml", NULL, 0 },
					{ "k8s/b.yaml", b, sizeof(b) - 1 } };
	struct arena *ar = arena_new();
	struct diag d;
	struct model m;
	diag_init(&d, ar);
	for (int jobs = 1; jobs <= 4; jobs += 3) {
		struct model_options opt = { .jobs = (unsigned)jobs };
		d.n = 0;
		d.input_error = false;
		assert_int_equal(model_load_sources(&m, ar, &d, srcs, 3, &opt), -1);
		assert_int_equal(m.nfiles, 3);
		assert_int_equal(m.nobjects, 2);
		assert_string_equal(m.objects[0]->file, "k8s/a.yaml");
		assert_string_equal(m.objects[1]->file, "k8s/b.yaml");
		assert_non_null(tu_ep(&m, "x/p[Pod]"));
		assert_true(d.input_error);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.items[0].pos.file, "k8s/b.yaml");
		assert_int_equal(d.items[0].pos.line, 6); /* as read from a file */
		model_free(&m);
	}
	diag_release(&d);
	arena_free(ar);
}

/* Load the file at path with jobs threads. */
static void load_path(struct tu *t, const char *path, unsigned jobs)
{
	struct model_options opt = { .jobs = jobs };
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->a = arena_new();
	diag_init(&t->d, t->a);
	t->rc = model_load(&t->m, t->a, &t->d, &path, 1, &opt);
}

/*
 * A large file read from disk is parsed in parts that give back their memory as they go;
 * when a part does not parse, the file is read again and parsed whole, and reports what
 * one parser reports (and what one parser that gives back memory too reports).
 */
static void test_parts_reread(void **state)
{
	(void)state;
	char path[] = "/tmp/npcheck-test-reread-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	size_t bytes = 0;
	for (int i = 0; bytes < ((size_t)6 << 20); i++) {
		int n = fprintf(f, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\n"
				"  namespace: ns%d\n  labels: {app: a%d, tier: web}\nspec:\n"
				"  containers:\n  - name: c\n    ports:\n    - containerPort: 80\n"
				"      name: http\n", i, i % 7, i % 13);
		assert_true(n > 0);
		bytes += (size_t)n;
	}
	/* Broken near the end: the last part fails, so the file is parsed again whole. */
	fputs("---\nkind: Pod\nmetadata: {name: broken\n---\napiVersion: v1\nkind: Namespace\n"
	      "metadata: {name: ns1}\n", f);
	assert_int_equal(fclose(f), 0);

	struct tu one, two;
	load_path(&one, path, 1);
	setenv("NPCHECK_TEST_PART_BYTES", "1048576", 1);
	load_path(&two, path, 4);
	unsetenv("NPCHECK_TEST_PART_BYTES");
	unlink(path);
	assert_int_equal(one.rc, -1);
	assert_int_equal(two.rc, -1);
	assert_int_equal(two.m.parts, 0); /* parsed again whole */
	assert_true(one.m.nobjects > 20000);
	assert_int_equal(two.m.nobjects, one.m.nobjects);
	assert_int_equal(two.m.nendpoints, one.m.nendpoints);
	assert_int_equal(two.d.n, one.d.n);
	assert_true(one.d.n >= 1);
	for (size_t i = 0; i < one.d.n; i++) {
		assert_string_equal(two.d.items[i].message, one.d.items[i].message);
		assert_int_equal(two.d.items[i].pos.line, one.d.items[i].pos.line);
		assert_int_equal(two.d.items[i].pos.col, one.d.items[i].pos.col);
	}
	for (size_t i = 0; i < one.m.nobjects; i++) {
		assert_string_equal(two.m.objects[i]->name, one.m.objects[i]->name);
		assert_int_equal(two.m.objects[i]->name_node->pos.line,
				 one.m.objects[i]->name_node->pos.line);
	}
	tu_free(&one);
	tu_free(&two);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_doc_start),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_load_sources),
		cmocka_unit_test(test_parts_validation),
		cmocka_unit_test(test_parts_same_as_whole),
		cmocka_unit_test(test_parts_error_parsed_whole),
		cmocka_unit_test(test_parts_marker_inside_scalar),
		cmocka_unit_test(test_parts_block_scalar),
		cmocka_unit_test(test_parts_other_line_breaks),
		cmocka_unit_test(test_parts_crlf),
		cmocka_unit_test(test_parts_directive),
		cmocka_unit_test(test_parts_reread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

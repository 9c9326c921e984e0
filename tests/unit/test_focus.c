/* Unit tests for focus: option parsing, resolution, the pair predicate and narrowing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "focus.h"
#include "testutil.h"

/* main.c is not in the library: the two helpers focus_cli.c uses, recording the error. */
static char last_error[256];

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	(void)cli;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

const char *cli_did_you_mean(const char *word, const char *choices)
{
	(void)word;
	(void)choices;
	return "";
}

static const char cluster[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: web}}}}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: api}}}}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: db}}}}\n";

static int parse(struct focus *f, const char *focus, const char *dir, const char *conn)
{
	struct cli cli = { 0 };
	cli.focus = focus;
	cli.focus_dir = dir;
	cli.focus_conn = conn;
	last_error[0] = '\0';
	return focus_parse(f, &cli);
}

static void test_parse(void **state)
{
	struct focus f;
	(void)state;

	assert_int_equal(parse(&f, NULL, NULL, NULL), 0);
	assert_false(focus_active(&f));
	focus_release(&f);

	assert_int_equal(parse(&f, "web,shop/api", "EGRESS", "Tcp-8080"), 0);
	assert_true(focus_active(&f));
	assert_int_equal(f.nitems, 2);
	assert_string_equal(f.items[0], "web");
	assert_string_equal(f.items[1], "shop/api");
	assert_int_equal(f.dir, FOCUS_EGRESS);
	assert_int_equal(f.proto, PROTO_TCP);
	assert_int_equal(f.port, 8080);
	focus_release(&f);

	/* --focus-conn alone is a focus; a direction needs endpoints. */
	assert_int_equal(parse(&f, NULL, NULL, "udp-53"), 0);
	assert_true(focus_active(&f));
	focus_release(&f);
	assert_int_equal(parse(&f, NULL, "ingress", NULL), EXIT_USAGE);
	assert_non_null(strstr(last_error, "needs --focus"));

	assert_int_equal(parse(&f, "web", "xgress", NULL), EXIT_USAGE);
	assert_non_null(strstr(last_error, "ingress or egress"));
	assert_int_equal(parse(&f, "web,", NULL, NULL), EXIT_USAGE);
	assert_int_equal(parse(&f, ",web", NULL, NULL), EXIT_USAGE);
	assert_int_equal(parse(&f, NULL, NULL, "udp90"), EXIT_USAGE);
	assert_int_equal(parse(&f, NULL, NULL, "tcp-0"), EXIT_USAGE);
	assert_int_equal(parse(&f, NULL, NULL, "tcp-65536"), EXIT_USAGE);
	assert_int_equal(parse(&f, NULL, NULL, "tcp-80x"), EXIT_USAGE);
	assert_int_equal(parse(&f, NULL, NULL, "-80"), EXIT_USAGE);
	assert_int_equal(parse(&f, NULL, NULL, "icmp-8"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "unknown protocol 'icmp'"));
}

static void test_keeps(void **state)
{
	struct tu t;
	struct focus f;
	(void)state;

	tu_load(&t, cluster);
	assert_int_equal(t.rc, 0);
	struct sref web = { .ep = tu_ep(&t.m, "shop/web[Deployment]") };
	struct sref api = { .ep = tu_ep(&t.m, "shop/api[Deployment]") };
	struct sref db = { .ep = tu_ep(&t.m, "shop/db[Deployment]") };
	struct sref ext = { NULL, AF_V4, 0, IPV4_MAX };
	assert_non_null(web.ep);

	/* Both directions: either end focused. */
	assert_int_equal(parse(&f, "web", NULL, NULL), 0);
	assert_int_equal(focus_resolve(&f, &t.m, NULL, true), 0);
	assert_int_equal(f.neps, 1);
	assert_true(focus_keeps(&f, &web, &api));
	assert_true(focus_keeps(&f, &api, &web));
	assert_true(focus_keeps(&f, &ext, &web));
	assert_false(focus_keeps(&f, &api, &db));
	assert_false(focus_keeps(&f, &ext, &api));
	assert_true(focus_src_all(&f, &web));
	assert_false(focus_src_all(&f, &api));
	focus_release(&f);

	/* Ingress: into a focused endpoint only. */
	assert_int_equal(parse(&f, "shop/web", "ingress", NULL), 0);
	assert_int_equal(focus_resolve(&f, &t.m, NULL, true), 0);
	assert_true(focus_keeps(&f, &api, &web));
	assert_false(focus_keeps(&f, &web, &api));
	assert_false(focus_src_all(&f, &web));
	focus_release(&f);

	/* Egress: out of a focused endpoint only. */
	assert_int_equal(parse(&f, "deploy/web,db", "egress", NULL), 0);
	assert_int_equal(focus_resolve(&f, &t.m, NULL, true), 0);
	assert_int_equal(f.neps, 2);
	assert_true(focus_keeps(&f, &web, &api));
	assert_true(focus_keeps(&f, &db, &ext));
	assert_false(focus_keeps(&f, &api, &web));
	focus_release(&f);

	/* An address that is no pod's: the external ranges holding it. */
	assert_int_equal(parse(&f, "10.1.2.3", NULL, NULL), 0);
	assert_int_equal(focus_resolve(&f, &t.m, NULL, true), 0);
	assert_int_equal(f.nips, 1);
	assert_true(focus_keeps(&f, &ext, &api));
	struct sref other = { NULL, AF_V4, 0, 5 };
	assert_false(focus_keeps(&f, &other, &api));
	focus_release(&f);

	/* A name of nothing is an error. */
	assert_int_equal(parse(&f, "web,nope", NULL, NULL), 0);
	assert_int_equal(focus_resolve(&f, &t.m, NULL, true), -1);
	focus_release(&f);

	/* Without --focus every pair is kept. */
	assert_int_equal(parse(&f, NULL, NULL, "tcp-80"), 0);
	assert_int_equal(focus_resolve(&f, &t.m, NULL, true), 0);
	assert_true(focus_keeps(&f, &api, &db));
	assert_true(focus_keeps(NULL, &api, &db));
	focus_release(&f);
	tu_free(&t);
}

static void test_either(void **state)
{
	struct tu a, b;
	struct focus f0, f1;
	(void)state;

	tu_load(&a, cluster);
	tu_load(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: new, namespace: shop}\n"
		    "spec: {template: {metadata: {labels: {app: new}}}}\n");
	assert_int_equal(parse(&f0, "web,new", NULL, NULL), 0);
	focus_copy_options(&f1, &f0);
	struct focus *fp[2] = { &f0, &f1 };
	const struct model *mp[2] = { &a.m, &b.m };
	/* web is OLD's only, new NEW's only: both are asked about. */
	assert_int_equal(focus_resolve_either(fp, mp, NULL), 0);
	assert_int_equal(f0.neps, 1);
	assert_int_equal(f1.neps, 1);
	focus_release(&f0);
	focus_release(&f1);

	assert_int_equal(parse(&f0, "gone", NULL, NULL), 0);
	focus_copy_options(&f1, &f0);
	assert_int_equal(focus_resolve_either(fp, mp, NULL), -1);
	focus_release(&f0);
	focus_release(&f1);
	tu_free(&a);
	tu_free(&b);
}

static void test_narrow(void **state)
{
	struct focus f;
	struct connset c;
	(void)state;

	connset_init(&c);
	assert_int_equal(parse(&f, NULL, NULL, "tcp-8080"), 0);
	connset_add(&c, PROTO_TCP, 8000, 9000);
	connset_add(&c, PROTO_UDP, 53, 53);
	assert_true(focus_narrow(&f, &c));
	assert_true(connset_contains(&c, PROTO_TCP, 8080));
	assert_false(connset_contains(&c, PROTO_TCP, 8081));
	assert_false(connset_contains(&c, PROTO_UDP, 53));

	connset_clear(&c);
	connset_add(&c, PROTO_UDP, 8080, 8080);
	assert_false(focus_narrow(&f, &c));
	assert_true(connset_is_empty(&c));

	connset_add_all(&c);
	assert_true(focus_narrow(&f, &c));
	assert_false(connset_is_all(&c));
	focus_release(&f);

	/* No --focus-conn: the set as it is. */
	assert_int_equal(parse(&f, "web", NULL, NULL), 0);
	connset_add_all(&c);
	assert_true(focus_narrow(&f, &c));
	assert_true(connset_is_all(&c));
	connset_clear(&c);
	assert_false(focus_narrow(&f, &c));
	focus_release(&f);
	connset_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_keeps),
		cmocka_unit_test(test_either),
		cmocka_unit_test(test_narrow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

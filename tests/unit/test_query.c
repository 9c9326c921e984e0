/* Unit tests for query: endpoint arguments (names, kinds, Services, IPs), port and protocol lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"
#include "testutil.h"

static const char cluster[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: web}}}}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n"
	"spec: {template: {metadata: {labels: {app: web}}}}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: api, tier: back}}}}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: worker, tier: back}}}}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other, namespace: prod}\n"
	"spec: {template: {metadata: {labels: {app: other, tier: back}}}}\n"
	"---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: db}}}}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: db-0\n  namespace: shop\n  labels: {app: db}\n"
	"  ownerReferences: [{kind: StatefulSet, name: db, controller: true}]\n"
	"status: {podIP: 10.0.0.9}\n"
	"---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: agent}}}}\n"
	"---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs1, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: rs1}}}}\n"
	"---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: once}}}}\n"
	"---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\n"
	"spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: nightly}}}}}}\n"
	"---\napiVersion: v1\nkind: ReplicationController\nmetadata: {name: legacy, namespace: shop}\n"
	"spec: {template: {metadata: {labels: {app: legacy}}}}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: tool, namespace: shop, labels: {app: tool}}\n"
	"status: {podIP: 10.0.0.7, podIPs: [{ip: 10.0.0.7}, {ip: 'fd00::7'}]}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: hn, namespace: shop}\nspec: {hostNetwork: true}\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: web-svc, namespace: shop}\n"
	"spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: web-svc, namespace: prod}\n"
	"spec: {selector: {app: web}, ports: [{port: 80}]}\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: back, namespace: shop}\n"
	"spec: {selector: {tier: back}, ports: [{port: 9000}]}\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: empty, namespace: shop}\n"
	"spec: {selector: {app: none}, ports: [{port: 1}]}\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: nosel, namespace: shop}\n"
	"spec: {ports: [{port: 1}]}\n";

static int setup(void **state)
{
	static struct tu t;
	tu_load(&t, cluster);
	if (t.rc || t.d.n)
		return -1;
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	tu_free(*state);
	return 0;
}

/* text must resolve to exactly one endpoint, displayed as want. */
static void resolves(const struct model *m, const char *text, const char *dns, const char *want)
{
	struct query_target q;
	if (query_resolve(m, text, dns, false, &q))
		fail_msg("'%s' should resolve to %s", text, want);
	assert_int_equal(q.n, 1);
	assert_non_null(q.refs[0].ep);
	if (strcmp(q.refs[0].ep->display, want))
		fail_msg("'%s' resolved to %s, want %s", text, q.refs[0].ep->display, want);
	assert_null(q.svc);
	query_target_release(&q);
}

static void fails(const struct model *m, const char *text, const char *dns, bool svc)
{
	struct query_target q;
	if (!query_resolve(m, text, dns, svc, &q)) {
		query_target_release(&q);
		fail_msg("'%s' should not resolve", text);
	}
	assert_int_equal(q.n, 0);
	assert_null(q.refs);
}

static void test_name(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	resolves(m, "tool", NULL, "shop/tool[Pod]");
	resolves(m, "db", NULL, "shop/db[StatefulSet]");
	resolves(m, "nightly", NULL, "shop/nightly[CronJob]");
	/* In two namespaces: ambiguous, unless the default namespace narrows it. */
	fails(m, "web", NULL, false);
	resolves(m, "web", "prod", "prod/web[Deployment]");
	resolves(m, "web", "shop", "shop/web[Deployment]");
	fails(m, "web", "elsewhere", false);
	/* The default namespace only narrows: a name elsewhere is still found. */
	resolves(m, "tool", "prod", "shop/tool[Pod]");
	fails(m, "nosuch", NULL, false);
	resolves(m, "db-0", NULL, "shop/db[StatefulSet]"); /* a Pod folded into its StatefulSet */
	fails(m, "", NULL, false);
	/* hostNetwork pods are no endpoints. */
	fails(m, "hn", NULL, false);
}

static void test_ns_name(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	resolves(m, "shop/web", NULL, "shop/web[Deployment]");
	resolves(m, "prod/web", NULL, "prod/web[Deployment]");
	resolves(m, "prod/web", "shop", "prod/web[Deployment]");
	resolves(m, "shop/tool", NULL, "shop/tool[Pod]");
	fails(m, "prod/tool", NULL, false);
	fails(m, "nons/web", NULL, false);
	fails(m, "shop/hn", NULL, false);
}

static void test_kind_name(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	static const char *const ok[][2] = {
		{ "deploy/api", "shop/api[Deployment]" },
		{ "deployment/api", "shop/api[Deployment]" },
		{ "deployments/api", "shop/api[Deployment]" },
		{ "Deployment/api", "shop/api[Deployment]" },
		{ "sts/db", "shop/db[StatefulSet]" },
		{ "statefulset/db", "shop/db[StatefulSet]" },
		{ "StatefulSets/db", "shop/db[StatefulSet]" },
		{ "po/tool", "shop/tool[Pod]" },
		{ "pod/tool", "shop/tool[Pod]" },
		{ "pods/tool", "shop/tool[Pod]" },
		{ "ds/agent", "shop/agent[DaemonSet]" },
		{ "daemonset/agent", "shop/agent[DaemonSet]" },
		{ "rs/rs1", "shop/rs1[ReplicaSet]" },
		{ "replicasets/rs1", "shop/rs1[ReplicaSet]" },
		{ "job/once", "shop/once[Job]" },
		{ "jobs/once", "shop/once[Job]" },
		{ "cj/nightly", "shop/nightly[CronJob]" },
		{ "cronjob/nightly", "shop/nightly[CronJob]" },
		{ "rc/legacy", "shop/legacy[ReplicationController]" },
		{ "replicationcontroller/legacy", "shop/legacy[ReplicationController]" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		resolves(m, ok[i][0], NULL, ok[i][1]);
	/* The kind must be the endpoint's. */
	fails(m, "deploy/db", NULL, false);
	fails(m, "pod/db", NULL, false);
	fails(m, "sts/tool", NULL, false);
	/* A kind alone does not pick a namespace. */
	fails(m, "deploy/web", NULL, false);
	resolves(m, "deploy/web", "prod", "prod/web[Deployment]");
}

static void test_ns_kind_name(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	resolves(m, "shop/deploy/web", NULL, "shop/web[Deployment]");
	resolves(m, "prod/deployment/web", NULL, "prod/web[Deployment]");
	resolves(m, "shop/sts/db", NULL, "shop/db[StatefulSet]");
	resolves(m, "shop/po/tool", NULL, "shop/tool[Pod]");
	fails(m, "prod/sts/db", NULL, false);
	fails(m, "shop/sts/web", NULL, false);
	fails(m, "shop/widget/web", NULL, false);
	fails(m, "a/b/c/d", NULL, false);
}

static void test_ns_name_kind(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	resolves(m, "shop/web[Deployment]", NULL, "shop/web[Deployment]");
	resolves(m, "prod/web[Deployment]", NULL, "prod/web[Deployment]");
	resolves(m, "shop/db[StatefulSet]", NULL, "shop/db[StatefulSet]");
	resolves(m, "shop/tool[Pod]", NULL, "shop/tool[Pod]");
	fails(m, "shop/web[Pod]", NULL, false);
	fails(m, "shop/db[Deployment]", NULL, false);
	fails(m, "prod/db[StatefulSet]", NULL, false);
	/* Every endpoint's display name resolves back to it. */
	for (size_t i = 0; i < m->nendpoints; i++)
		resolves(m, m->endpoints[i]->display, NULL, m->endpoints[i]->display);
}

static void test_ip(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	struct query_target q;

	/* The pod that has the address (any of its addresses). */
	assert_int_equal(query_resolve(m, "10.0.0.7", NULL, false, &q), 0);
	assert_int_equal(q.n, 1);
	assert_non_null(q.refs[0].ep);
	assert_string_equal(q.refs[0].ep->display, "shop/tool[Pod]");
	query_target_release(&q);
	assert_int_equal(query_resolve(m, "fd00::7", NULL, false, &q), 0);
	assert_string_equal(q.refs[0].ep->display, "shop/tool[Pod]");
	query_target_release(&q);
	/* A folded pod's address is its workload's. */
	assert_int_equal(query_resolve(m, "10.0.0.9", NULL, false, &q), 0);
	assert_string_equal(q.refs[0].ep->display, "shop/db[StatefulSet]");
	query_target_release(&q);

	/* Any other address is external: that one address. */
	assert_int_equal(query_resolve(m, "8.8.8.8", NULL, false, &q), 0);
	assert_int_equal(q.n, 1);
	assert_null(q.refs[0].ep);
	assert_int_equal(q.refs[0].family, AF_V4);
	assert_true(q.refs[0].lo == (u128)0x08080808);
	assert_true(q.refs[0].hi == q.refs[0].lo);
	query_target_release(&q);
	assert_int_equal(query_resolve(m, "2001:db8::1", NULL, true, &q), 0);
	assert_null(q.refs[0].ep);
	assert_int_equal(q.refs[0].family, AF_V6);
	assert_true(q.refs[0].lo == (((u128)0x20010db8 << 96) | 1));
	assert_true(q.refs[0].hi == q.refs[0].lo);
	query_target_release(&q);
	assert_int_equal(q.n, 0);
	assert_null(q.refs);
}

static void test_service(void **state)
{
	const struct model *m = &((struct tu *)*state)->m;
	struct query_target q;

	/* The endpoints behind the Service, and the Service itself for port translation. */
	assert_int_equal(query_resolve(m, "shop/svc/web-svc", NULL, true, &q), 0);
	assert_int_equal(q.n, 1);
	assert_string_equal(q.refs[0].ep->display, "shop/web[Deployment]");
	assert_non_null(q.svc);
	assert_string_equal(q.svc->obj->name, "web-svc");
	assert_string_equal(q.svc->obj->ns, "shop");
	assert_int_equal(q.svc->ports[0].target_port, 8080);
	query_target_release(&q);
	assert_null(q.svc);

	assert_int_equal(query_resolve(m, "prod/svc/web-svc", NULL, true, &q), 0);
	assert_int_equal(q.n, 1);
	assert_string_equal(q.refs[0].ep->display, "prod/web[Deployment]");
	assert_string_equal(q.svc->obj->ns, "prod");
	query_target_release(&q);

	/* Several endpoints, of the Service's namespace only. */
	static const char *const words[] = { "svc/back", "service/back", "services/back",
		"shop/svc/back", "shop/service/back" };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		if (query_resolve(m, words[w], NULL, true, &q))
			fail_msg("'%s' should resolve", words[w]);
		assert_int_equal(q.n, 2);
		bool api = false, worker = false;
		for (size_t i = 0; i < q.n; i++) {
			api |= !strcmp(q.refs[i].ep->display, "shop/api[Deployment]");
			worker |= !strcmp(q.refs[i].ep->display, "shop/worker[Deployment]");
		}
		assert_true(api);
		assert_true(worker);
		query_target_release(&q);
	}

	/* A name in two namespaces needs one; a Service must be a destination; and a
	 * Service with no endpoint behind it in the input answers nothing. */
	fails(m, "svc/web-svc", NULL, true);
	fails(m, "shop/svc/back", NULL, false);
	fails(m, "svc/back", NULL, false);
	fails(m, "svc/empty", NULL, true);
	fails(m, "svc/nosel", NULL, true);
	fails(m, "svc/nosuch", NULL, true);
	fails(m, "prod/svc/back", NULL, true);
}

static void test_parse_ports(void **state)
{
	(void)state;
	struct portset s;
	struct strbuf sb = STRBUF_INIT;
	static const char *const ok[][2] = {
		{ "80", "80" },
		{ "80,443,8000-8080", "80,443,8000-8080" },
		{ "443,80", "80,443" },
		{ "1-65535", "1-65535" },
		{ "65535", "65535" },
		{ "5000-5000", "5000" },
		{ "80,81,82", "80-82" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		portset_init(&s);
		if (query_parse_ports(ok[i][0], &s))
			fail_msg("'%s' should parse", ok[i][0]);
		strbuf_reset(&sb);
		portset_format(&s, &sb);
		assert_string_equal(sb.buf, ok[i][1]);
		portset_release(&s);
	}
	static const char *const bad[] = { "", "0", "65536", "80-79", "80-", "-80", "abc", "80;443",
		"http", "80,,443", "1-65536", "80 443" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		portset_init(&s);
		if (!query_parse_ports(bad[i], &s))
			fail_msg("'%s' should not parse", bad[i]);
		portset_release(&s);
	}
	strbuf_release(&sb);
}

static void test_parse_protocols(void **state)
{
	(void)state;
	bool p[PROTO__COUNT];
	const char *bad = NULL;

	memset(p, 1, sizeof(p));
	assert_int_equal(query_parse_protocols("TCP", p, &bad), 0);
	assert_true(p[PROTO_TCP]);
	assert_false(p[PROTO_UDP]);
	assert_false(p[PROTO_SCTP]);
	assert_int_equal(query_parse_protocols("tcp,UDP,Sctp", p, &bad), 0);
	assert_true(p[PROTO_TCP] && p[PROTO_UDP] && p[PROTO_SCTP]);
	assert_int_equal(query_parse_protocols("udp", p, &bad), 0);
	assert_false(p[PROTO_TCP]);
	assert_true(p[PROTO_UDP]);

	/* What NetworkPolicy cannot express: -2, naming it. */
	static const char *const undefined[] = { "ICMP", "icmp", "ICMPv6", "ARP" };
	for (size_t i = 0; i < sizeof(undefined) / sizeof(undefined[0]); i++) {
		bad = NULL;
		assert_int_equal(query_parse_protocols(undefined[i], p, &bad), -2);
		assert_non_null(bad);
		assert_string_equal(bad, undefined[i]);
	}
	bad = NULL;
	assert_int_equal(query_parse_protocols("TCP,icmp", p, &bad), -2);
	assert_string_equal(bad, "icmp");

	/* Not a protocol at all: -1. */
	bad = NULL;
	assert_int_equal(query_parse_protocols("foo", p, &bad), -1);
	assert_string_equal(bad, "foo");
	bad = NULL;
	assert_int_equal(query_parse_protocols("TCP,HTTP", p, &bad), -1);
	assert_string_equal(bad, "HTTP");
	bad = NULL;
	assert_int_equal(query_parse_protocols("TCP,,UDP", p, &bad), -1);
	assert_non_null(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_kind_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_name_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service, setup, teardown),
		cmocka_unit_test(test_parse_ports),
		cmocka_unit_test(test_parse_protocols),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

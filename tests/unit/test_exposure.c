/* Unit tests for exposure analysis: representative peers, their matching and refinement,
 * the entire cluster, named ports, external ranges, unprotected endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exposure.h"
#include "focus.h"
#include "testutil.h"

/* A model, its solver and its exposure. */
struct xt {
	struct tu t;
	struct solver s;
	struct exposure x;
};

static void xt_load(struct xt *x, const char *yaml)
{
	tu_load(&x->t, yaml);
	for (size_t i = 0; i < x->t.d.n; i++)
		if (x->t.d.items[i].severity == SEV_ERROR)
			fail_msg("unexpected finding %d:%d %s", x->t.d.items[i].pos.line,
				 x->t.d.items[i].pos.col, x->t.d.items[i].message);
	solver_init(&x->s, &x->t.m);
	exposure_init(&x->x, &x->s);
}

static void xt_free(struct xt *x)
{
	exposure_free(&x->x);
	solver_free(&x->s);
	tu_free(&x->t);
}

static void collect(void *ctx, const struct expo_line *l)
{
	strbuf_addf(ctx, "%s : %s\n", l->peer, l->conns);
}

/* The lines of an endpoint in one direction, "PEER : CONNS\n" each, in order. */
static void expect_lines(struct xt *x, const char *display, enum direction d, const char *want)
{
	const struct endpoint *e = tu_ep(&x->t.m, display);
	struct strbuf sb = STRBUF_INIT;
	if (!e)
		fail_msg("no endpoint %s", display);
	size_t n = exposure_lines(&x->x, (size_t)e->index, d, collect, &sb);
	assert_string_equal(sb.buf, want);
	size_t nl = 0;
	for (const char *p = want; *p; p++)
		nl += *p == '\n';
	assert_int_equal(n, nl);
	strbuf_release(&sb);
}

#define NS(name) "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " name "\n"
#define NS_LABELED(name, labels) \
	"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " name "\n  labels: " labels "\n"
#define POD(ns, name, labels)                                                         \
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: " ns \
	"\n  labels: " labels "\nspec:\n  containers:\n  - name: c\n    image: x\n"    \
	"    ports:\n    - {containerPort: 8080, name: http}\n"
#define NP(ns, name, spec)                                                             \
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " \
	name "\n  namespace: " ns "\nspec: " spec "\n"

static void test_unprotected(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}"));
	assert_false(exposure_protected(&x.x, 0, DIR_INGRESS));
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS,
		     "0.0.0.0-255.255.255.255[External] : All Connections\n"
		     "entire-cluster : All Connections\n");
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS,
		     "0.0.0.0-255.255.255.255[External] : All Connections\n"
		     "entire-cluster : All Connections\n");
	xt_free(&x);
}

/* Selectors with the same requirements, however written, are one representative peer,
 * shown as the first is written; a selector that only contains another is not it. */
static void test_equivalent_and_contained_selectors(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress],"
		   " ingress: [{from: [{podSelector: {matchLabels: {role: mon}}}],"
		   " ports: [{port: 80}]},"
		   " {from: [{podSelector: {matchExpressions: [{key: tier, operator: NotIn,"
		   " values: [p, q]}]}}], ports: [{port: 81}]},"
		   " {from: [{podSelector: {matchExpressions: [{key: tier, operator: NotIn,"
		   " values: [q, p, o]}]}}], ports: [{port: 82}]}],"
		   " egress: [{to: [{podSelector: {matchExpressions: [{key: role, operator: In,"
		   " values: [mon]}]}}]}]}"));
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS,
		     "a/[pod with {role=mon}] : TCP 80\n"
		     "a/[pod with {{Key:tier,Operator:NotIn,Values:[p q],}}] : TCP 81\n"
		     "a/[pod with {{Key:tier,Operator:NotIn,Values:[q p o],}}] : TCP 82\n");
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS, "a/[pod with {role=mon}] : All Connections\n");
	xt_free(&x);
}

/* A matchLabels-only peer that a pod of the input matches is taken as meant for it;
 * one with an expression, or all pods of a namespace, stays. */
static void test_refined_by_input_pods(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") NS_LABELED("b", "{team: b}") POD("a", "web", "{app: web}")
		POD("b", "mon", "{role: mon}")
		NP("a", "p", "{podSelector: {matchLabels: {app: web}}, ingress: ["
		   "{from: [{namespaceSelector: {matchLabels: {team: b}},"
		   " podSelector: {matchLabels: {role: mon}}}], ports: [{port: 80}]},"
		   "{from: [{namespaceSelector: {matchLabels: {team: b}},"
		   " podSelector: {matchExpressions: [{key: role, operator: Exists}]}}],"
		   " ports: [{port: 81}]},"
		   "{from: [{namespaceSelector: {matchLabels: {team: b}}}], ports: [{port: 82}]},"
		   "{from: [{namespaceSelector: {matchLabels: {team: c}},"
		   " podSelector: {matchLabels: {role: mon}}}], ports: [{port: 83}]}]}"));
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS,
		     "[namespace with {team=b}]/[all pods] : TCP 82\n"
		     "[namespace with {team=b}]/[pod with {{Key:role,Operator:Exists,Values:[],}}] : "
		     "TCP 81-82\n"
		     "[namespace with {team=c}]/[pod with {role=mon}] : TCP 83\n");
	xt_free(&x);
}

/* What the entire cluster gets, every representative gets too; one that gets no more
 * is not shown. */
static void test_entire_cluster_subsumes(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {}, policyTypes: [Ingress], ingress: ["
		   "{from: [{namespaceSelector: {}}], ports: [{port: 80}]},"
		   "{from: [{namespaceSelector: {matchLabels: {x: v}}}], ports: [{port: 80}]},"
		   "{from: [{namespaceSelector: {matchLabels: {x: w}}}], ports: [{port: 81}]}]}"));
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS,
		     "[namespace with {x=w}]/[all pods] : TCP 80-81\n"
		     "entire-cluster : TCP 80\n");
	xt_free(&x);
}

/* Egress named ports stay names (the pods are unknown); ingress ones are the
 * endpoint's own ports. */
static void test_named_ports(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: ["
		   "{from: [{namespaceSelector: {}}], ports: [{port: http}, {port: nope}]}],"
		   " egress: [{to: [{namespaceSelector: {}}], ports: [{port: dns, protocol: UDP},"
		   " {port: 53, protocol: UDP}, {port: http}]}]}"));
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS, "entire-cluster : TCP 8080\n");
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS, "entire-cluster : TCP http,UDP 53,dns\n");
	xt_free(&x);
}

/* --focus-conn: the lines that allow the connection, cut down to it; an egress named
 * port is no number (the destination pod names it), an ingress one is the endpoint's. */
static void test_focus_conn(void **state)
{
	(void)state;
	struct xt x;
	struct focus f = { 0 };
	xt_load(&x, NS("a") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: ["
		   "{from: [{namespaceSelector: {}}], ports: [{port: http}]}],"
		   " egress: [{to: [{namespaceSelector: {}}], ports: [{port: dns, protocol: UDP},"
		   " {port: 53, protocol: UDP}, {port: http}]}]}"));
	x.x.focus = &f;
	f.proto = PROTO_TCP;
	f.port = 8080;
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS, "entire-cluster : TCP 8080\n");
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS, "");
	f.proto = PROTO_UDP;
	f.port = 53;
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS, "");
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS, "entire-cluster : UDP 53\n");
	xt_free(&x);
}

/* --focus and --focus-direction: the focused endpoints' lines, in that direction; a peer
 * that gets no more of the focused connection than the entire cluster has no line. */
static void test_focus_endpoints(void **state)
{
	(void)state;
	struct xt x;
	bool ep[2] = { false, true };
	struct focus f = { .nitems = 1, .dir = FOCUS_INGRESS, .nep = 2, .ep = ep };
	xt_load(&x, NS("a") POD("a", "api", "{app: api}") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {}, policyTypes: [Ingress], ingress: ["
		   "{from: [{namespaceSelector: {}}], ports: [{port: 80}]},"
		   "{from: [{podSelector: {matchLabels: {app: probe}}}], ports: [{port: 80},"
		   " {port: 90}]}]}"));
	x.x.focus = &f;
	assert_true(exposure_shown(&x.x, 1, DIR_INGRESS));
	assert_false(exposure_shown(&x.x, 1, DIR_EGRESS));
	assert_false(exposure_shown(&x.x, 0, DIR_INGRESS));
	expect_lines(&x, "a/api[Pod]", DIR_INGRESS, "");
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS, "");
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS,
		     "a/[pod with {app=probe}] : TCP 80,90\nentire-cluster : TCP 80\n");
	f.proto = PROTO_TCP;
	f.port = 80;
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS, "entire-cluster : TCP 80\n");
	f.port = 90;
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS, "a/[pod with {app=probe}] : TCP 90\n");
	xt_free(&x);
}

/* The namespaces every cluster has are namespaces whose pods the input does not hold. */
static void test_system_namespace(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {}, policyTypes: [Egress], egress: ["
		   "{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},"
		   " podSelector: {matchLabels: {k8s-app: kube-dns}}}],"
		   " ports: [{port: 53, protocol: UDP}]}]}"));
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS,
		     "kube-system/[pod with {k8s-app=kube-dns}] : UDP 53\n");
	xt_free(&x);
}

/* External ranges are those `list` cuts; shown for a workload with nothing else too. */
static void test_external_ranges(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}")
		NP("a", "p", "{podSelector: {}, policyTypes: [Ingress, Egress], egress: ["
		   "{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}],"
		   " ports: [{port: 443}]}]}"));
	assert_true(exposure_protected(&x.x, 0, DIR_EGRESS));
	expect_lines(&x, "a/web[Pod]", DIR_EGRESS,
		     "10.0.0.0-10.0.255.255[External] : TCP 443\n"
		     "10.2.0.0-10.255.255.255[External] : TCP 443\n");
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS, "");
	xt_free(&x);
}

/* A rule's peer with only a namespaceSelector matches every representative of those
 * namespaces; an empty one matches all of them. */
static void test_namespace_peer_matches_its_representatives(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") POD("a", "web", "{app: web}") POD("a", "api", "{app: api}")
		NP("a", "p", "{podSelector: {matchLabels: {app: web}}, ingress: ["
		   "{from: [{namespaceSelector: {matchLabels: {t: u}}}], ports: [{port: 80}]}]}")
		NP("a", "q", "{podSelector: {matchLabels: {app: api}}, ingress: ["
		   "{from: [{namespaceSelector: {matchLabels: {t: u}},"
		   " podSelector: {matchLabels: {r: s}}}], ports: [{port: 81}]},"
		   "{from: [{namespaceSelector: {}, podSelector: {matchLabels: {r: s}}}],"
		   " ports: [{port: 82}]}]}"));
	expect_lines(&x, "a/web[Pod]", DIR_INGRESS,
		     "[namespace with {t=u}]/[all pods] : TCP 80\n"
		     "[namespace with {t=u}]/[pod with {r=s}] : TCP 80\n");
	expect_lines(&x, "a/api[Pod]", DIR_INGRESS,
		     "[all namespaces]/[pod with {r=s}] : TCP 82\n"
		     "[namespace with {t=u}]/[pod with {r=s}] : TCP 81-82\n");
	xt_free(&x);
}

static void test_no_policies_no_endpoints(void **state)
{
	(void)state;
	struct xt x;
	xt_load(&x, NS("a") NP("a", "p", "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}"));
	assert_int_equal(x.t.m.nendpoints, 0);
	xt_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unprotected),
		cmocka_unit_test(test_equivalent_and_contained_selectors),
		cmocka_unit_test(test_refined_by_input_pods),
		cmocka_unit_test(test_entire_cluster_subsumes),
		cmocka_unit_test(test_named_ports),
		cmocka_unit_test(test_focus_conn),
		cmocka_unit_test(test_focus_endpoints),
		cmocka_unit_test(test_system_namespace),
		cmocka_unit_test(test_external_ranges),
		cmocka_unit_test(test_namespace_peer_matches_its_representatives),
		cmocka_unit_test(test_no_policies_no_endpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for folding (fold.c): pods are one endpoint while no policy tells them
 * apart, and split into classes by every way that policies can tell pods apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "solver.h"
#include "testutil.h"

static const struct endpoint *must_ep(const struct model *m, const char *display)
{
	const struct endpoint *e = tu_ep(m, display);
	if (!e) {
		for (size_t i = 0; i < m->nendpoints; i++)
			fprintf(stderr, "  have %s\n", m->endpoints[i]->display);
		fail_msg("no endpoint %s", display);
	}
	return e;
}

/* The displays of the endpoints, joined by spaces. */
static void displays(const struct model *m, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < m->nendpoints; i++) {
		strncat(buf, i ? " " : "", len - strlen(buf) - 1);
		strncat(buf, m->endpoints[i]->display, len - strlen(buf) - 1);
	}
}

#define ASSERT_ENDPOINTS(t, want)                                  \
	do {                                                       \
		char got_[2048];                                   \
		displays(&(t)->m, got_, sizeof(got_));             \
		assert_string_equal(got_, (want));                 \
	} while (0)

/* Two pods of ReplicaSet rs (in the input), each with extra YAML in its metadata and
 * status, plus a policy. */
#define RS "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: \"n\"}\n" \
	   "spec: {template: {metadata: {labels: {app: a}}}}\n"
#define POD(name, labels, spec, ip)                                                      \
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: \"n\"\n"   \
	"  labels: " labels "\n"                                                          \
	"  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, "          \
	"controller: true}]\n"                                                            \
	"spec: " spec "\nstatus: {podIP: " ip "}\n"
#define NP(name, spec)                                                                    \
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"                     \
	"metadata: {name: " name ", namespace: \"n\"}\nspec: " spec "\n"

static const char spec_plain[] = "{containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}";

static void test_identical_pods_fold(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, RS POD("rs-a", "{app: a, v: '1'}", "{containers: [{name: c}]}", "10.0.0.1")
			POD("rs-b", "{app: a, v: '2'}", "{containers: [{name: c}]}", "10.0.0.2")
			NP("p", "{podSelector: {matchLabels: {app: a}}}"));
	/* The pods differ in v, which no selector reads: one endpoint. */
	ASSERT_ENDPOINTS(&t, "n/rs[ReplicaSet]");
	const struct endpoint *e = must_ep(&t.m, "n/rs[ReplicaSet]");
	assert_false(e->split);
	assert_int_equal(e->npods, 2);
	assert_int_equal(e->nips, 2);
	tu_free(&t);
}

static void test_label_read_by_selector_splits(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, RS POD("rs-a", "{app: a, v: '1'}", "{containers: [{name: c}]}", "10.0.0.1")
			POD("rs-b", "{app: a, v: '2'}", "{containers: [{name: c}]}", "10.0.0.2")
			NP("p", "{podSelector: {matchLabels: {v: '2'}}}"));
	ASSERT_ENDPOINTS(&t, "n/rs-a[Pod] n/rs-b[Pod]");
	const struct endpoint *a = must_ep(&t.m, "n/rs-a[Pod]");
	const struct endpoint *b = must_ep(&t.m, "n/rs-b[Pod]");
	assert_true(a->split && b->split);
	assert_true(a->is_pod && b->is_pod);
	assert_ptr_equal(a->why, b->why);
	assert_int_equal(a->why->nclasses, 2);
	assert_string_equal(a->owner_display, "n/rs[ReplicaSet]");
	assert_non_null(strstr(a->why->what, "podSelector of policy n/p"));
	assert_int_equal(a->why->pos.line, 29); /* the policy's podSelector */
	/* Each class keeps its own labels and address. */
	assert_string_equal(labels_get(&b->labels, "v"), "2");
	assert_int_equal(a->nips, 1);
	assert_string_equal(a->ips[0].text, "10.0.0.1");
	/* The solver sees the difference: only rs-b is isolated. */
	struct solver s;
	solver_init(&s, &t.m);
	assert_false(s.eps[a->index].isolated[DIR_INGRESS]);
	assert_true(s.eps[b->index].isolated[DIR_INGRESS]);
	solver_free(&s);
	tu_free(&t);
}

static void test_peer_selector_splits_by_namespace(void **state)
{
	(void)state;
	struct tu t;
	/* A peer podSelector alone looks at its policy's namespace only. */
	tu_load(&t, RS POD("rs-a", "{app: a, v: '1'}", "{}", "10.0.0.1")
			POD("rs-b", "{app: a, v: '2'}", "{}", "10.0.0.2")
			"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			"metadata: {name: q, namespace: other}\n"
			"spec: {podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {v: '1'}}}]}]}\n");
	ASSERT_ENDPOINTS(&t, "n/rs[ReplicaSet]");
	tu_free(&t);
	/* With a namespaceSelector matching n, it does tell them apart. */
	tu_load(&t, RS POD("rs-a", "{app: a, v: '1'}", "{}", "10.0.0.1")
			POD("rs-b", "{app: a, v: '2'}", "{}", "10.0.0.2")
			"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			"metadata: {name: q, namespace: other}\n"
			"spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {}, "
			"podSelector: {matchExpressions: [{key: v, operator: NotIn, values: ['1']}]}}]}]}\n");
	ASSERT_ENDPOINTS(&t, "n/rs-a[Pod] n/rs-b[Pod]");
	assert_non_null(strstr(must_ep(&t.m, "n/rs-a[Pod]")->why->what, "a peer's podSelector"));
	tu_free(&t);
}

/* Selector keys are sorted by their first 8 bytes, then the rest: keys of 8 bytes and
 * keys sharing their first 8 are found all the same. */
static void test_long_and_8_byte_keys(void **state)
{
	(void)state;
	static const char *const keys[] = { "app.kube", "app.kubernetes.io/component",
					    "app.kubernetes.io/name" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char yaml[4096];
		snprintf(yaml, sizeof(yaml),
			 RS "%s%s" NP("p0", "{podSelector: {matchLabels: {app.kub: x}}}")
			 NP("p1", "{podSelector: {matchLabels: {app.kube: x}}}")
			 NP("p2", "{podSelector: {matchLabels: {app.kubernetes.io/name: x}}}")
			 NP("p4", "{podSelector: {matchLabels: {app.kubernetes.io/nam: x}}}")
			 NP("p5", "{podSelector: {matchLabels: {tier: x}}}")
			 NP("p3", "{podSelector: {matchExpressions: [{key: app.kubernetes.io/component, "
				  "operator: Exists}]}}"),
			 k == 0 ? POD("rs-a", "{app: a, app.kube: x}", "{}", "10.0.0.1")
				: k == 1 ? POD("rs-a", "{app: a, app.kubernetes.io/component: x}", "{}",
					       "10.0.0.1")
				: POD("rs-a", "{app: a, app.kubernetes.io/name: x}", "{}", "10.0.0.1"),
			 POD("rs-b", "{app: a}", "{}", "10.0.0.2"));
		struct tu t;
		tu_load(&t, yaml);
		/* Only the key's selector tells the pods apart. */
		ASSERT_ENDPOINTS(&t, "n/rs-a[Pod] n/rs-b[Pod]");
		assert_non_null(strstr(must_ep(&t.m, "n/rs-a[Pod]")->why->what,
				       k == 0 ? "policy n/p1" : k == 1 ? "policy n/p3" : "policy n/p2"));
		tu_free(&t);
	}
}

static void test_invalid_policy_does_not_split(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, RS POD("rs-a", "{app: a, v: '1'}", "{}", "10.0.0.1")
			POD("rs-b", "{app: a, v: '2'}", "{}", "10.0.0.2")
			NP("p", "{podSelector: {matchLabels: {v: '2'}}, policyTypes: [Sideways]}"));
	ASSERT_ENDPOINTS(&t, "n/rs[ReplicaSet]");
	tu_free(&t);
}

static void test_ipblock_splits(void **state)
{
	(void)state;
	struct tu t;
	/* A /32 holding one pod's address tells it from its sibling. */
	tu_load(&t, RS POD("rs-a", "{app: a}", "{}", "10.0.0.1") POD("rs-b", "{app: a}", "{}", "10.0.0.2")
			NP("p", "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.2/32}}]}]}"));
	ASSERT_ENDPOINTS(&t, "n/rs-a[Pod] n/rs-b[Pod]");
	const struct endpoint *b = must_ep(&t.m, "n/rs-b[Pod]");
	assert_non_null(strstr(b->why->what, "ipBlock 10.0.0.2/32 of policy n/p"));
	tu_free(&t);
	/* A block holding both, or neither (except), does not. */
	tu_load(&t, RS POD("rs-a", "{app: a}", "{}", "10.0.0.1") POD("rs-b", "{app: a}", "{}", "10.0.0.2")
			NP("p", "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}, "
				"{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/16]}}]}]}"));
	ASSERT_ENDPOINTS(&t, "n/rs[ReplicaSet]");
	tu_free(&t);
	/* An except that takes out one of them splits. */
	tu_load(&t, RS POD("rs-a", "{app: a}", "{}", "10.0.0.1") POD("rs-b", "{app: a}", "{}", "10.0.0.2")
			NP("p", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24, "
				"except: [10.0.0.1/32]}}]}]}"));
	ASSERT_ENDPOINTS(&t, "n/rs-a[Pod] n/rs-b[Pod]");
	tu_free(&t);
}

static void test_named_ports_split(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, RS POD("rs-a", "{app: a}", "{containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}", "10.0.0.1")
			POD("rs-b", "{app: a}", "{containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}", "10.0.0.2")
			POD("rs-c", "{app: a}", "{containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}", "10.0.0.3"));
	ASSERT_ENDPOINTS(&t, "n/rs-a[Pod] n/rs[ReplicaSet]{rs-b,rs-c}");
	const struct endpoint *bc = must_ep(&t.m, "n/rs[ReplicaSet]{rs-b,rs-c}");
	assert_false(bc->is_pod);
	assert_int_equal(bc->npods, 2);
	assert_int_equal(bc->nips, 2);
	assert_string_equal(bc->name, "rs");
	assert_string_equal(bc->kind, "ReplicaSet");
	assert_string_equal(bc->why->what, "their named container ports");
	assert_null(bc->why->file);
	/* The same ports in another order are the same. */
	tu_free(&t);
	tu_load(&t, RS POD("rs-a", "{app: a}", "{containers: [{name: c, ports: [{name: x, containerPort: 1}, {name: y, containerPort: 2}]}]}", "10.0.0.1")
			POD("rs-b", "{app: a}", "{containers: [{name: c, ports: [{name: y, containerPort: 2}, {name: x, containerPort: 1}]}]}", "10.0.0.2"));
	ASSERT_ENDPOINTS(&t, "n/rs[ReplicaSet]");
	tu_free(&t);
	(void)spec_plain;
}

static void test_host_network_splits(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, RS POD("rs-a", "{app: a}", "{hostNetwork: true}", "10.0.0.1")
			POD("rs-b", "{app: a}", "{}", "10.0.0.2"));
	ASSERT_ENDPOINTS(&t, "n/rs-b[Pod]");
	assert_int_equal(t.m.nhost_net, 1);
	assert_string_equal(t.m.host_net[0]->display, "n/rs-a[Pod]");
	assert_string_equal(must_ep(&t.m, "n/rs-b[Pod]")->why->what, "hostNetwork");
	tu_free(&t);
}

#define STS(replicas)                                                                    \
	"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: \"n\"}\n"    \
	"spec:\n  replicas: " replicas "\n  template: {metadata: {labels: {app: db}}}\n"

static void test_statefulset_replicas(void **state)
{
	(void)state;
	struct tu t;
	/* A selector on one replica's name: that replica, and the rest. */
	tu_load(&t, STS("3") NP("p", "{podSelector: {matchLabels: "
				     "{statefulset.kubernetes.io/pod-name: db-1}}}"));
	ASSERT_ENDPOINTS(&t, "n/db-1[Pod] n/db[StatefulSet]{db-0,db-2}");
	const struct endpoint *one = must_ep(&t.m, "n/db-1[Pod]");
	assert_true(one->is_pod);
	assert_int_equal(one->npods, 1);
	assert_string_equal(labels_get(&one->labels, "apps.kubernetes.io/pod-index"), "1");
	const struct endpoint *rest = must_ep(&t.m, "n/db[StatefulSet]{db-0,db-2}");
	assert_int_equal(rest->npods, 2);
	assert_false(rest->is_pod);
	assert_string_equal(rest->obj->kind, "StatefulSet");
	tu_free(&t);

	/* By ordinal, with spec.ordinals.start, many replicas: counted beyond three. */
	tu_load(&t, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: \"n\"}\n"
		    "spec:\n  replicas: 10\n  ordinals: {start: 5}\n"
		    "  template: {metadata: {labels: {app: db}}}\n"
		    NP("p", "{podSelector: {matchExpressions: [{key: apps.kubernetes.io/pod-index, "
			    "operator: In, values: ['5', '14', '15', '007']}]}}"));
	/* db-5 and db-14 are selected alike: one class of two (15 is beyond the last
	 * replica, 007 is no ordinal the controller writes). */
	ASSERT_ENDPOINTS(&t, "n/db[StatefulSet]{db-10,db-11,db-12,+5} n/db[StatefulSet]{db-14,db-5}");
	assert_int_equal(must_ep(&t.m, "n/db[StatefulSet]{db-10,db-11,db-12,+5}")->npods, 8);
	assert_int_equal(must_ep(&t.m, "n/db[StatefulSet]{db-14,db-5}")->npods, 2);
	tu_free(&t);

	/* Nothing names a replica: one endpoint. A huge replica count costs nothing. */
	tu_load(&t, STS("2000000000") NP("p", "{podSelector: {matchLabels: {app: db}}}"));
	ASSERT_ENDPOINTS(&t, "n/db[StatefulSet]");
	assert_int_equal(must_ep(&t.m, "n/db[StatefulSet]")->npods, 2000000000);
	tu_free(&t);
	tu_load(&t, STS("2000000000") NP("p", "{podSelector: {matchLabels: "
					      "{statefulset.kubernetes.io/pod-name: db-1999999999}}}"));
	ASSERT_ENDPOINTS(&t, "n/db-1999999999[Pod] n/db[StatefulSet]{db-0,db-1,db-10,+1999999996}");
	tu_free(&t);
}

static void test_job_labels(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: \"n\"}\n"
		    "spec: {template: {metadata: {labels: {app: m}}}}\n"
		    "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: manual, namespace: \"n\"}\n"
		    "spec: {manualSelector: true, template: {metadata: {labels: {app: m}}}}\n"
		    "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: own, namespace: \"n\"}\n"
		    "spec: {template: {metadata: {labels: {app: m, job-name: mine}}}}\n"
		    NP("p", "{podSelector: {matchLabels: {job-name: migrate}}}"));
	struct solver s;
	solver_init(&s, &t.m);
	assert_true(s.eps[must_ep(&t.m, "n/migrate[Job]")->index].isolated[DIR_INGRESS]);
	assert_false(s.eps[must_ep(&t.m, "n/manual[Job]")->index].isolated[DIR_INGRESS]);
	assert_null(labels_get(&must_ep(&t.m, "n/manual[Job]")->labels, "job-name"));
	/* The template's own value wins (generateSelector only fills what is absent). */
	assert_string_equal(labels_get(&must_ep(&t.m, "n/own[Job]")->labels, "job-name"), "mine");
	assert_string_equal(labels_get(&must_ep(&t.m, "n/own[Job]")->labels,
				       "batch.kubernetes.io/job-name"), "own");
	solver_free(&s);
	tu_free(&t);
}

/* A template without labels still gets its controller's labels (a regression: copying
 * zero labels passed a null pointer to memcpy). */
static void test_template_without_labels(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: \"n\"}\n"
		    "spec: {replicas: 2, template: {metadata: {labels: {}}}}\n"
		    "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: \"n\"}\n"
		    "spec: {template: {metadata: {}}}\n");
	assert_string_equal(labels_get(&must_ep(&t.m, "n/j[Job]")->labels, "job-name"), "j");
	assert_non_null(labels_get(&must_ep(&t.m, "n/db[StatefulSet]")->labels,
				   "controller-revision-hash"));
	tu_free(&t);
}

static void test_unknown_hash(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: \"n\"}\n"
		    "spec: {template: {metadata: {labels: {app: web}}}}\n"
		    NP("in", "{podSelector: {matchLabels: {pod-template-hash: abc}}}")
		    NP("exists", "{podSelector: {matchExpressions: [{key: pod-template-hash, operator: Exists}]}, "
			     "policyTypes: [Egress]}"));
	const struct endpoint *e = must_ep(&t.m, "n/web[Deployment]");
	struct solver s;
	solver_init(&s, &t.m);
	/* The value is unknown: it equals nothing written, but the label exists. */
	assert_false(s.eps[e->index].isolated[DIR_INGRESS]);
	assert_true(s.eps[e->index].isolated[DIR_EGRESS]);
	solver_free(&s);
	tu_free(&t);
}

/* A dump's pods replace the template; the template's ports do not count then. */
static void test_pods_stand_for_owner(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: \"n\"}\n"
		    "spec: {template: {metadata: {labels: {app: a, v: '3'}}}}\n"
		    POD("rs-a", "{app: a, v: '1'}", "{}", "10.0.0.1")
		    NP("p", "{podSelector: {matchLabels: {v: '3'}}}"));
	ASSERT_ENDPOINTS(&t, "n/rs[ReplicaSet]");
	assert_string_equal(labels_get(&must_ep(&t.m, "n/rs[ReplicaSet]")->labels, "v"), "1");
	tu_free(&t);
}

/* no_fold: every pod apart (differential tests compare the two). */
static void test_no_fold(void **state)
{
	(void)state;
	struct tu t;
	struct model_options opt = { .no_fold = true };
	tu_load_opt(&t, RS POD("rs-a", "{app: a}", "{}", "10.0.0.1") POD("rs-b", "{app: a}", "{}", "10.0.0.2")
			    "---\n" STS("2"), &opt);
	ASSERT_ENDPOINTS(&t, "n/db-0[Pod] n/db-1[Pod] n/rs-a[Pod] n/rs-b[Pod]");
	tu_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_pods_fold),
		cmocka_unit_test(test_label_read_by_selector_splits),
		cmocka_unit_test(test_peer_selector_splits_by_namespace),
		cmocka_unit_test(test_long_and_8_byte_keys),
		cmocka_unit_test(test_invalid_policy_does_not_split),
		cmocka_unit_test(test_ipblock_splits),
		cmocka_unit_test(test_named_ports_split),
		cmocka_unit_test(test_host_network_splits),
		cmocka_unit_test(test_statefulset_replicas),
		cmocka_unit_test(test_job_labels),
		cmocka_unit_test(test_template_without_labels),
		cmocka_unit_test(test_unknown_hash),
		cmocka_unit_test(test_pods_stand_for_owner),
		cmocka_unit_test(test_no_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

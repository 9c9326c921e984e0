/* Unit tests for the one kind table (kinds.h): a kind of a group is found by its group
 * before a kind of any group, by name alone the first entry; what is built of a unit;
 * and the one pod-IP index (solver.h): pods and hostNetwork workloads, sorted, pods first
 * on a tie, the solver's ipBlock peers never matching a hostNetwork pod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kinds.h"
#include "load_int.h"
#include "solver.h"
#include "testutil.h"

static void test_find_by_group(void **state)
{
	(void)state;
	const struct k8s_kind *k = k8s_kind_find("NetworkPolicy", "networking.k8s.io/v1");
	assert_non_null(k);
	assert_null(k->group);
	assert_non_null(k->decode);
	assert_true(k->kept && k->namespaced);
	assert_string_equal(k->api_version, "networking.k8s.io/v1");
	/* Calico's NetworkPolicy shares the name: the group decides. */
	k = k8s_kind_find("NetworkPolicy", "crd.projectcalico.org/v1");
	assert_non_null(k);
	assert_null(k->decode);
	assert_string_equal(k->group, "crd.projectcalico.org");
	/* An unserved version of a kind npcheck reads is still that kind (reported). */
	k = k8s_kind_find("NetworkPolicy", "extensions/v1beta1");
	assert_non_null(k);
	assert_null(k->group);
	/* A group that is a prefix of another is not it. */
	k = k8s_kind_find("NetworkPolicy", "crd.projectcalico.orgx/v1");
	assert_null(k->group);
}

static void test_tier_or_unmodelled(void **state)
{
	(void)state;
	const struct k8s_kind *tier = k8s_kind_find("ClusterNetworkPolicy", NULL);
	assert_non_null(tier);
	assert_non_null(tier->decode);
	assert_null(tier->api_version);
	assert_false(tier->namespaced);
	assert_ptr_equal(k8s_kind_find("ClusterNetworkPolicy",
				       "policy.networking.k8s.io/v1alpha2"), tier);
	const struct k8s_kind *antrea = k8s_kind_find("ClusterNetworkPolicy",
						      "crd.antrea.io/v1beta1");
	assert_non_null(antrea);
	assert_ptr_not_equal(antrea, tier);
	assert_null(antrea->decode);
	assert_false(antrea->namespaced);
	assert_true(k8s_kind_find("CiliumNetworkPolicy", "cilium.io/v2")->namespaced);
	/* Neither group's: a kind npcheck does not know. */
	assert_null(k8s_kind_find("ClusterNetworkPolicy", "example.com/v1"));
	assert_null(k8s_kind_find("Rollout", "argoproj.io/v1alpha1"));
}

static void test_scope_and_names(void **state)
{
	(void)state;
	const struct k8s_kind *k = k8s_kind_find("Namespace", "v1");
	assert_false(k->namespaced);
	assert_int_equal(k->name, NAME_DNS_LABEL);
	assert_false(k8s_kind_find("Node", "v1")->namespaced);
	assert_true(k8s_kind_find("Pod", "v1")->namespaced);
	k = k8s_kind_find("Service", "v1");
	assert_int_equal(k->name, NAME_DNS1035_LABEL);
	assert_string_equal(k->labels_path, "spec.selector");
	k = k8s_kind_find("CronJob", "batch/v1");
	assert_int_equal(k->name, NAME_CRONJOB);
	assert_string_equal(k->template_path, "spec.jobTemplate.spec.template");
	assert_string_equal(k->labels_path, "spec.jobTemplate.spec.template.metadata.labels");
}

static void test_build_paths(void **state)
{
	(void)state;
	assert_null(k8s_build_paths(NULL, "PodList"));
	assert_null(k8s_build_paths(NULL, "NetworkPolicy"));
	assert_null(k8s_build_paths(NULL, "AdminNetworkPolicy"));
	assert_non_null(k8s_build_paths(NULL, "Pod"));
	assert_ptr_equal(k8s_build_paths(NULL, "Deployment"), k8s_build_paths(NULL, "Job"));
	/* An unknown kind: what makes a workload by its shape; an unmodelled one: its
	 * metadata, as a Namespace's. */
	const struct ypath *shape = k8s_build_paths(NULL, "Rollout");
	assert_non_null(shape);
	assert_ptr_not_equal(shape, k8s_build_paths(NULL, "Deployment"));
	assert_ptr_equal(k8s_build_paths(NULL, "CiliumNetworkPolicy"),
			 k8s_build_paths(NULL, "Namespace"));
}

static void test_pod_ip_index(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: ns, labels: {app: b}}\n"
		"spec: {containers: [{name: c}]}\nstatus: {podIP: 10.0.0.9}\n---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: ns}\n"
		"spec: {hostNetwork: true, containers: [{name: c}]}\n"
		"status: {podIP: 10.0.0.1}\n---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns, labels: {app: a}}\n"
		"spec: {containers: [{name: c}]}\nstatus: {podIPs: [{ip: 10.0.0.1}, {ip: 'fd00::1'}]}\n"
		"---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: p, namespace: ns}\n"
		"spec: {podSelector: {matchLabels: {app: b}}, ingress: [{from: [{ipBlock: "
		"{cidr: 10.0.0.0/24}}]}]}\n");
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.m.nhost_net, 1);
	struct solver s;
	solver_init(&s, &t.m);
	assert_int_equal(s.nips, 4);
	const struct endpoint *a = tu_ep(&t.m, "ns/a[Pod]"),
			      *b = tu_ep(&t.m, "ns/b[Pod]");
	assert_non_null(a);
	assert_non_null(b);
	/* 10.0.0.1 twice: the pod first, then the hostNetwork one; then 10.0.0.9; IPv6 last. */
	assert_ptr_equal(s.ips[0].endpoint, a);
	assert_int_equal(s.ips[0].ep, (size_t)a->index);
	assert_true(s.ips[1].endpoint->host_network);
	assert_int_equal(s.ips[1].ep, SIZE_MAX);
	assert_true(s.ips[0].addr == s.ips[1].addr);
	assert_ptr_equal(s.ips[2].endpoint, b);
	assert_int_equal(s.ips[3].family, AF_V6);
	/* The ipBlock peer admits a, past the hostNetwork pod at the same address (no
	 * endpoint: an index out of m->endpoints would be read). */
	assert_int_equal(s.nrules, 1);
	struct sref from_a = { .ep = a }, from_b = { .ep = b };
	assert_true(solver_rule_matches(&s, &s.rules[0], &from_a));
	assert_true(solver_rule_matches(&s, &s.rules[0], &from_b));
	solver_free(&s);
	tu_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_by_group),
		cmocka_unit_test(test_tier_or_unmodelled),
		cmocka_unit_test(test_scope_and_names),
		cmocka_unit_test(test_build_paths),
		cmocka_unit_test(test_pod_ip_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

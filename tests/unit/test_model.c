/* Unit tests for model_load: namespaces, endpoints folded by owner, workloads, Services,
 * Lists, duplicates, policy defaulting and the decoder's findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
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

static const struct policy *must_policy(const struct model *m, const char *ns, const char *name)
{
	const struct policy *p = tu_policy(m, ns, name);
	if (!p)
		fail_msg("no policy %s/%s", ns, name);
	return p;
}

static void no_findings(const struct tu *t)
{
	for (size_t i = 0; i < t->d.n; i++)
		fprintf(stderr, "  %d:%d %s %s\n", t->d.items[i].pos.line, t->d.items[i].pos.col,
			rule_table[t->d.items[i].rule].id, t->d.items[i].message);
	assert_int_equal(t->d.n, 0);
	assert_int_equal(t->rc, 0);
}

/* ---- namespaces ---- */

static void test_implied_namespaces(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: p, namespace: other}\nspec: {podSelector: {}}\n");
	no_findings(&t);
	assert_int_equal(t.m.nnamespaces, 3);
	static const char *const names[] = { "default", "other", "shop" };
	for (size_t i = 0; i < 3; i++) {
		const struct namespace *ns = t.m.namespaces[i];
		assert_string_equal(ns->name, names[i]);
		assert_ptr_equal(model_namespace(&t.m, names[i]), ns);
		assert_int_equal(ns->index, (int)i);
		assert_false(ns->declared);
		assert_null(ns->obj);
		assert_int_equal(ns->labels.n, 1);
		assert_string_equal(labels_get(&ns->labels, "kubernetes.io/metadata.name"), names[i]);
	}
	assert_null(model_namespace(&t.m, "kube-system"));
	assert_string_equal(must_ep(&t.m, "default/b[Pod]")->ns, "default");
	tu_free(&t);
}

static void test_declared_namespace_labels(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
		"  labels: {team: a, kubernetes.io/metadata.name: wrong}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: empty}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n");
	no_findings(&t);
	assert_int_equal(t.m.nnamespaces, 2);
	const struct namespace *shop = model_namespace(&t.m, "shop");
	assert_non_null(shop);
	assert_true(shop->declared);
	assert_non_null(shop->obj);
	assert_string_equal(shop->obj->kind, "Namespace");
	assert_int_equal(shop->labels.n, 2);
	assert_string_equal(labels_get(&shop->labels, "team"), "a");
	/* The control plane's label is always the name, whatever the manifest says. */
	assert_string_equal(labels_get(&shop->labels, "kubernetes.io/metadata.name"), "shop");
	const struct namespace *empty = model_namespace(&t.m, "empty");
	assert_non_null(empty);
	assert_true(empty->declared);
	assert_int_equal(empty->labels.n, 1);
	assert_string_equal(labels_get(&empty->labels, "kubernetes.io/metadata.name"), "empty");
	tu_free(&t);
}

static void test_default_namespace_option(void **state)
{
	(void)state;
	struct tu t;
	struct model_options opt = { .default_ns = "dev" };
	tu_load_opt(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: blank, namespace: \"\"}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: cluster-scoped}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: p}\nspec: {podSelector: {}}\n", &opt);
	no_findings(&t);
	assert_string_equal(must_ep(&t.m, "dev/web[Pod]")->ns, "dev");
	must_ep(&t.m, "shop/api[Pod]");
	must_ep(&t.m, "dev/blank[Pod]");
	const struct policy *p = must_policy(&t.m, "dev", "p");
	assert_false(p->obj->ns_given);
	assert_non_null(model_namespace(&t.m, "dev"));
	assert_null(model_namespace(&t.m, "default"));
	/* A Namespace has no namespace of its own. */
	assert_non_null(model_namespace(&t.m, "cluster-scoped"));
	for (size_t i = 0; i < t.m.nobjects; i++)
		if (!strcmp(t.m.objects[i]->kind, "Namespace"))
			assert_null(t.m.objects[i]->ns);
	tu_free(&t);

	/* Without -n: "default". */
	tu_load(&t, "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n");
	must_ep(&t.m, "default/web[Pod]");
	tu_free(&t);
}

/* ---- endpoints ---- */

static const char owners_yaml[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
	"spec:\n  template:\n    metadata: {labels: {app: web}}\n"
	"    spec:\n      containers:\n      - name: c\n        ports:\n"
	"        - {name: http, containerPort: 8080}\n"
	"---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-5d4f\n  namespace: shop\n"
	"  ownerReferences:\n  - {apiVersion: apps/v1, kind: Deployment, name: web, controller: true}\n"
	"spec:\n  template:\n    metadata: {labels: {app: web, pod-template-hash: 5d4f}}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-5d4f-aaaaa\n  namespace: shop\n"
	"  labels: {app: web, pod-template-hash: 5d4f}\n"
	"  ownerReferences:\n  - {kind: ReplicaSet, name: web-5d4f, controller: true}\n"
	"status: {podIP: 10.0.0.1}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-5d4f-bbbbb\n  namespace: shop\n"
	"  labels: {app: web, pod-template-hash: 5d4f}\n"
	"  ownerReferences:\n  - {kind: ReplicaSet, name: web-5d4f, controller: true}\n"
	"status: {podIP: 10.0.0.2}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api-7c9-xyz\n  namespace: shop\n  labels: {app: api}\n"
	"  ownerReferences:\n  - {kind: ReplicaSet, name: api-7c9, controller: true}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver-node1\n  namespace: kube-system\n"
	"  labels: {component: kube-apiserver}\n"
	"  ownerReferences:\n  - {apiVersion: v1, kind: Node, name: node1, controller: true}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: loose\n  namespace: shop\n"
	"  ownerReferences:\n  - {kind: ReplicaSet, name: other, controller: false}\n";

static void test_pods_folded_into_owners(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, owners_yaml);
	no_findings(&t);
	static const char *const want[] = {
		"kube-system/kube-apiserver-node1[Pod]",
		"shop/api-7c9[ReplicaSet]",
		"shop/loose[Pod]",
		"shop/web[Deployment]",
	};
	assert_int_equal(t.m.nendpoints, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(t.m.endpoints[i]->display, want[i]);
		assert_int_equal(t.m.endpoints[i]->index, (int)i);
	}

	/* Pod → ReplicaSet → Deployment, all in the input: one endpoint named after the
	 * Deployment, standing for both pods as they are (their labels, with the real
	 * pod-template-hash, and their addresses; these pods declare no ports). */
	const struct endpoint *web = must_ep(&t.m, "shop/web[Deployment]");
	assert_string_equal(web->name, "web");
	assert_string_equal(web->kind, "Deployment");
	assert_string_equal(web->ns, "shop");
	assert_false(web->is_pod);
	assert_false(web->split);
	assert_int_equal(web->npods, 2);
	assert_int_equal(web->nips, 2);
	assert_int_equal(web->labels.n, 2);
	assert_string_equal(labels_get(&web->labels, "app"), "web");
	assert_string_equal(labels_get(&web->labels, "pod-template-hash"), "5d4f");
	assert_int_equal(web->nports, 0);
	assert_int_equal(web->npod_names, 2);
	assert_string_equal(web->pods[0], "web-5d4f-aaaaa");
	assert_string_equal(web->pods[1], "web-5d4f-bbbbb");
	assert_int_equal(web->ns_index, model_namespace(&t.m, "shop")->index);
	/* The Deployment's object stands for the endpoint in findings. */
	assert_string_equal(web->obj->kind, "Deployment");

	/* The owner is not in the input: the pod stands for it, named after it. */
	const struct endpoint *api = must_ep(&t.m, "shop/api-7c9[ReplicaSet]");
	assert_false(api->is_pod);
	assert_int_equal(api->npods, 1);
	assert_string_equal(labels_get(&api->labels, "app"), "api");

	/* A mirror pod's Node owner, and an owner that is not the controller: no folding. */
	const struct endpoint *mirror = must_ep(&t.m, "kube-system/kube-apiserver-node1[Pod]");
	assert_true(mirror->is_pod);
	assert_int_equal(mirror->npods, 1);
	assert_true(must_ep(&t.m, "shop/loose[Pod]")->is_pod);
	tu_free(&t);
}

static void test_host_network_kept_apart(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube-system}\n"
		"spec:\n  template:\n    metadata: {labels: {app: agent}}\n"
		"    spec: {hostNetwork: true, containers: [{name: a}]}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: agent-x1\n  namespace: kube-system\n"
		"  labels: {app: agent}\n"
		"  ownerReferences: [{kind: DaemonSet, name: agent, controller: true}]\n"
		"spec: {hostNetwork: true}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: hn}\nspec: {hostNetwork: true}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: normal}\nspec: {hostNetwork: false}\n");
	no_findings(&t);
	assert_int_equal(t.m.nendpoints, 1);
	assert_string_equal(t.m.endpoints[0]->display, "default/normal[Pod]");
	assert_false(t.m.endpoints[0]->host_network);
	assert_int_equal(t.m.nhost_net, 2);
	bool agent = false, hn = false;
	for (size_t i = 0; i < t.m.nhost_net; i++) {
		const struct endpoint *e = t.m.host_net[i];
		assert_true(e->host_network);
		agent |= !strcmp(e->display, "kube-system/agent[DaemonSet]");
		hn |= !strcmp(e->display, "default/hn[Pod]");
	}
	assert_true(agent);
	assert_true(hn);
	tu_free(&t);
}

static void test_workload_templates(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: apps/v1\nkind: Deployment\n"
		"metadata: {name: dep, namespace: w, labels: {wrong: x}}\n"
		"spec:\n  template:\n    metadata: {labels: {app: dep}}\n"
		"    spec:\n"
		"      initContainers:\n      - name: init\n        ports:\n"
		"        - {name: init-port, containerPort: 9000}\n"
		"      containers:\n      - name: a\n        ports:\n"
		"        - {name: http, containerPort: 8080}\n"
		"        - {name: dns, containerPort: 53, protocol: UDP}\n"
		"        - {containerPort: 9090}\n"
		"        - {name: bad, containerPort: 70000}\n"
		"        - {name: zero, containerPort: 0}\n"
		"      - name: b\n        ports:\n"
		"        - {name: sctp, containerPort: 3868, protocol: SCTP}\n"
		"---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: sts, namespace: w}\n"
		"spec: {template: {metadata: {labels: {app: sts}}}}\n"
		"---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds, namespace: w}\n"
		"spec: {template: {metadata: {labels: {app: ds}}}}\n"
		"---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: w}\n"
		"spec: {template: {metadata: {labels: {app: rs}}}}\n"
		"---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: job, namespace: w}\n"
		"spec: {template: {metadata: {labels: {app: job}}}}\n"
		"---\napiVersion: batch/v1\nkind: CronJob\n"
		"metadata: {name: cron, namespace: w, labels: {wrong: x}}\n"
		"spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
		"        metadata: {labels: {app: cron}}\n"
		"        spec:\n          containers:\n          - name: c\n"
		"            ports: [{name: metrics, containerPort: 9100}]\n"
		"---\napiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc, namespace: w}\n"
		"spec: {template: {metadata: {labels: {app: rc}}}}\n"
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: w}\n");
	no_findings(&t);
	static const char *const want[][2] = {
		{ "w/cron[CronJob]", "cron" }, { "w/dep[Deployment]", "dep" },
		{ "w/ds[DaemonSet]", "ds" }, { "w/job[Job]", "job" },
		{ "w/rc[ReplicationController]", "rc" }, { "w/rs[ReplicaSet]", "rs" },
		{ "w/sts[StatefulSet]", "sts" },
	};
	/* The labels the controllers add (fold.c's table), beyond the template's app. */
	static const size_t nlabels[] = { 5, 2, 3, 5, 1, 1, 4 };
	assert_int_equal(t.m.nendpoints, 7);
	for (size_t i = 0; i < 7; i++) {
		const struct endpoint *e = t.m.endpoints[i];
		assert_string_equal(e->display, want[i][0]);
		/* The pod template's labels, not the workload's own. */
		assert_int_equal(e->labels.n, nlabels[i]);
		assert_null(labels_get(&e->labels, "wrong"));
		assert_string_equal(labels_get(&e->labels, "app"), want[i][1]);
		assert_false(e->is_pod);
		assert_false(e->split);
		/* spec.replicas absent: 1 for a StatefulSet, unknown (0) otherwise. */
		assert_int_equal(e->npods, i == 6 ? 1 : 0);
	}
	const struct labels *l = &must_ep(&t.m, "w/dep[Deployment]")->labels;
	assert_ptr_equal(labels_get(l, "pod-template-hash"), LABEL_UNKNOWN);
	l = &must_ep(&t.m, "w/ds[DaemonSet]")->labels;
	assert_ptr_equal(labels_get(l, "controller-revision-hash"), LABEL_UNKNOWN);
	assert_ptr_equal(labels_get(l, "pod-template-generation"), LABEL_UNKNOWN);
	l = &must_ep(&t.m, "w/sts[StatefulSet]")->labels;
	assert_ptr_equal(labels_get(l, "controller-revision-hash"), LABEL_UNKNOWN);
	assert_string_equal(labels_get(l, "statefulset.kubernetes.io/pod-name"), "sts-0");
	assert_string_equal(labels_get(l, "apps.kubernetes.io/pod-index"), "0");
	l = &must_ep(&t.m, "w/job[Job]")->labels;
	assert_string_equal(labels_get(l, "job-name"), "job");
	assert_string_equal(labels_get(l, "batch.kubernetes.io/job-name"), "job");
	assert_ptr_equal(labels_get(l, "controller-uid"), LABEL_UNKNOWN);
	assert_ptr_equal(labels_get(l, "batch.kubernetes.io/controller-uid"), LABEL_UNKNOWN);
	/* A CronJob's Jobs are named at run time. */
	l = &must_ep(&t.m, "w/cron[CronJob]")->labels;
	assert_ptr_equal(labels_get(l, "job-name"), LABEL_UNKNOWN);
	assert_ptr_equal(labels_get(l, "batch.kubernetes.io/job-name"), LABEL_UNKNOWN);
	assert_null(labels_get(&must_ep(&t.m, "w/rs[ReplicaSet]")->labels, "pod-template-hash"));
	assert_true(t.m.has_unknown_labels);

	const struct endpoint *dep = must_ep(&t.m, "w/dep[Deployment]");
	assert_int_equal(dep->nports, 5);
	bool seen[5] = { false };
	for (size_t i = 0; i < dep->nports; i++) {
		const struct container_port *cp = &dep->ports[i];
		if (cp->name && !strcmp(cp->name, "http")) {
			assert_int_equal(cp->port, 8080);
			assert_int_equal(cp->proto, PROTO_TCP); /* defaulted */
			seen[0] = true;
		} else if (cp->name && !strcmp(cp->name, "dns")) {
			assert_int_equal(cp->port, 53);
			assert_int_equal(cp->proto, PROTO_UDP);
			seen[1] = true;
		} else if (cp->name && !strcmp(cp->name, "sctp")) {
			assert_int_equal(cp->port, 3868);
			assert_int_equal(cp->proto, PROTO_SCTP);
			seen[2] = true;
		} else if (cp->name && !strcmp(cp->name, "init-port")) {
			assert_int_equal(cp->port, 9000);
			seen[3] = true;
		} else if (!cp->name) {
			assert_int_equal(cp->port, 9090);
			seen[4] = true;
		} else {
			fail_msg("unexpected container port %s", cp->name);
		}
		assert_null(cp->node); /* a workload's tree is not kept (model.h) */
	}
	for (size_t i = 0; i < 5; i++)
		assert_true(seen[i]);

	const struct endpoint *cron = must_ep(&t.m, "w/cron[CronJob]");
	assert_int_equal(cron->nports, 1);
	assert_string_equal(cron->ports[0].name, "metrics");
	assert_int_equal(cron->ports[0].port, 9100);
	tu_free(&t);
}

/* Pods with equal labels (in the same order) share one label array; others do not, and
 * a NetworkPolicy's labels (kept with their nodes) are its own. */
static void test_shared_labels(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: web, tier: fe}}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, labels: {app: web, tier: fe}}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: c, labels: {tier: fe, app: web}}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: d, labels: {app: web, tier: ~}}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: e, labels: {app: web, tier: ''}}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: p, labels: {app: web, tier: fe}}\nspec: {podSelector: {}}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: q, labels: {app: web, tier: fe}}\nspec: {podSelector: {}}\n");
	no_findings(&t);
	const struct endpoint *a = must_ep(&t.m, "default/a[Pod]");
	const struct endpoint *b = must_ep(&t.m, "default/b[Pod]");
	const struct endpoint *c = must_ep(&t.m, "default/c[Pod]");
	const struct endpoint *d = must_ep(&t.m, "default/d[Pod]");
	const struct endpoint *e = must_ep(&t.m, "default/e[Pod]");
	assert_int_equal(a->labels.n, 2);
	assert_ptr_equal(a->labels.kv, b->labels.kv);
	assert_ptr_equal(a->obj->labels.kv, b->obj->labels.kv);
	assert_ptr_not_equal(a->labels.kv, c->labels.kv);
	assert_string_equal(c->labels.kv[0].key, "tier");
	assert_string_equal(labels_get(&d->labels, "tier"), "");
	assert_string_equal(labels_get(&e->labels, "tier"), "");
	assert_ptr_not_equal(a->labels.kv, d->labels.kv);
	assert_int_equal(t.m.npolicies, 2);
	const struct object *p = t.m.policies[0]->obj, *q = t.m.policies[1]->obj;
	assert_ptr_not_equal(p->labels.kv, q->labels.kv);
	assert_non_null(p->labels.kv[0].node);
	assert_null(a->labels.kv[0].node);
	tu_free(&t);
}

static void test_pod_ips(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nstatus: {podIP: 10.0.0.5}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: dual}\n"
		"status:\n  podIP: 10.0.0.6\n  podIPs: [{ip: 10.0.0.6}, {ip: 'fd00::6'}]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: junk}\nstatus: {podIP: not-an-ip}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: pending}\nstatus: {phase: Pending}\n");
	no_findings(&t);
	const struct endpoint *one = must_ep(&t.m, "default/one[Pod]");
	assert_int_equal(one->nips, 1);
	assert_int_equal(one->ips[0].family, AF_V4);
	assert_true(one->ips[0].addr == (u128)0x0A000005);
	assert_string_equal(one->ips[0].text, "10.0.0.5");
	const struct endpoint *dual = must_ep(&t.m, "default/dual[Pod]");
	assert_int_equal(dual->nips, 2);
	assert_int_equal(dual->ips[0].family, AF_V4);
	assert_true(dual->ips[0].addr == (u128)0x0A000006);
	assert_int_equal(dual->ips[1].family, AF_V6);
	assert_true(dual->ips[1].addr == (((u128)0xfd00 << 112) | 6));
	assert_int_equal(must_ep(&t.m, "default/junk[Pod]")->nips, 0);
	assert_int_equal(must_ep(&t.m, "default/pending[Pod]")->nips, 0);
	tu_free(&t);
}

/* ---- Services ---- */

static const struct service *must_svc(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nservices; i++)
		if (!strcmp(m->services[i]->obj->name, name))
			return m->services[i];
	fail_msg("no Service %s", name);
	return NULL;
}

static void test_services(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
		"spec:\n  selector: {app: web}\n  clusterIP: 10.96.0.10\n"
		"  clusterIPs: [10.96.0.10, 'fd00::10']\n"
		"  ports:\n"
		"  - {name: http, port: 80, targetPort: 8080}\n"
		"  - {name: https, port: 443, targetPort: https}\n"
		"  - {name: dns, port: 53, protocol: UDP}\n"
		"  - {name: bad, port: 70000}\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: headless, namespace: shop}\n"
		"spec: {clusterIP: None, ports: [{port: 80}]}\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: default}\n"
		"spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443, targetPort: 6443}]}\n");
	no_findings(&t);
	assert_int_equal(t.m.nservices, 3);
	const struct service *web = must_svc(&t.m, "web");
	assert_true(web->has_selector);
	assert_string_equal(labels_get(&web->selector, "app"), "web");
	assert_int_equal(web->nports, 3);
	assert_string_equal(web->ports[0].name, "http");
	assert_int_equal(web->ports[0].port, 80);
	assert_int_equal(web->ports[0].proto, PROTO_TCP);
	assert_int_equal(web->ports[0].target_port, 8080);
	assert_null(web->ports[0].target_name);
	assert_int_equal(web->ports[1].port, 443);
	assert_int_equal(web->ports[1].target_port, 0);
	assert_string_equal(web->ports[1].target_name, "https");
	/* No targetPort: the port itself. */
	assert_int_equal(web->ports[2].proto, PROTO_UDP);
	assert_int_equal(web->ports[2].target_port, 53);
	assert_int_equal(web->ncluster_ips, 2);
	assert_int_equal(web->cluster_ips[0].family, AF_V4);
	assert_true(web->cluster_ips[0].addr == (u128)0x0A60000A);
	assert_int_equal(web->cluster_ips[1].family, AF_V6);
	assert_string_equal(web->obj->ns, "shop");

	const struct service *hl = must_svc(&t.m, "headless");
	assert_false(hl->has_selector);
	assert_int_equal(hl->ncluster_ips, 0);
	assert_int_equal(hl->nports, 1);
	assert_int_equal(hl->ports[0].target_port, 80);

	const struct service *api = must_svc(&t.m, "api");
	assert_int_equal(api->ncluster_ips, 1);
	assert_string_equal(api->cluster_ips[0].text, "10.96.0.1");
	assert_int_equal(api->ports[0].target_port, 6443);
	/* Services are no endpoints. */
	assert_int_equal(t.m.nendpoints, 0);
	tu_free(&t);
}

/* ---- Lists ---- */

static void test_lists(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: shop}\n"
		"- metadata: {name: nokind, namespace: shop}\n"
		"---\napiVersion: v1\nkind: PodList\nitems:\n"
		"- metadata: {name: b, namespace: shop}\n"
		"- apiVersion: v1\n  kind: Pod\n  metadata: {name: c, namespace: shop}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n"
		"- metadata: {name: np, namespace: shop}\n  spec: {podSelector: {}}\n"
		"---\napiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
		"- metadata: {name: d, namespace: shop}\n"
		"  spec: {template: {metadata: {labels: {app: d}}}}\n"
		"---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceList\n  items:\n"
		"  - metadata: {name: s, namespace: shop}\n    spec: {selector: {app: d}}\n");
	no_findings(&t);
	assert_int_equal(t.m.nendpoints, 4);
	must_ep(&t.m, "shop/a[Pod]");
	must_ep(&t.m, "shop/b[Pod]");
	must_ep(&t.m, "shop/c[Pod]");
	assert_string_equal(labels_get(&must_ep(&t.m, "shop/d[Deployment]")->labels, "app"), "d");
	/* Items without a kind in a plain List are not objects. */
	for (size_t i = 0; i < t.m.nobjects; i++)
		assert_string_not_equal(t.m.objects[i]->name, "nokind");
	const struct policy *np = must_policy(&t.m, "shop", "np");
	assert_string_equal(np->obj->kind, "NetworkPolicy");
	assert_false(np->invalid);
	/* The item's position is its '-'. */
	assert_int_equal(np->obj->node->pos.col, 1);
	assert_int_equal(t.m.nservices, 1);
	assert_string_equal(t.m.services[0]->obj->kind, "Service");
	tu_free(&t);
}

/* An apiVersion the API server does not serve for the kind: reported as kubectl reports
 * it, an input error, and the object is not read at all. */
static void test_unserved_api_version(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: extensions/v1beta1\nkind: NetworkPolicy\n"       /* 1-2 */
		"metadata: {name: old, namespace: shop}\nspec: {podSelector: {}}\n" /* 3-4 */
		"---\nkind: Pod\nmetadata: {name: nover, namespace: shop}\n"   /* 5-7 */
		"---\napiVersion: v1\nkind: PodList\nitems:\n"                 /* 8-11 */
		"- metadata: {name: a, namespace: shop}\n"                      /* 12 */
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n");
	assert_int_equal(t.m.npolicies, 0);
	assert_int_equal(t.m.nobjects, 1);
	must_ep(&t.m, "shop/a[Pod]");
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 2);
	const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, 0);
	assert_string_equal(f->message,
			    "no matches for kind \"NetworkPolicy\" in version \"extensions/v1beta1\"");
	assert_int_equal(f->pos.line, 1);
	assert_int_equal(f->pos.col, 1);
	assert_string_equal(f->obj_kind, "NetworkPolicy");
	assert_string_equal(f->obj_ns, "shop");
	assert_string_equal(f->obj_name, "old");
	f = tu_finding(&t.d, RULE_INVALID_SPEC, 1);
	assert_string_equal(f->message, "apiVersion not set");
	assert_int_equal(f->pos.line, 7);
	assert_int_equal(f->pos.col, 18);
	assert_true(t.d.input_error);
	assert_int_equal(t.rc, -1);
	tu_free(&t);
}

/* kind: List is kubectl's, read as v1: without it, none of its items is read, even
 * those decoded while the List was still being read. */
static void test_list_api_version(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: before, namespace: shop}\n"
		"---\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: shop}\n"
		"- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n"
		"  metadata: {name: p, namespace: shop}\n  spec: {podSelector: {}}\n"
		"---\napiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Pod\n  metadata: {name: b, namespace: shop}\n");
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 1);
	assert_string_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 0)->message, "apiVersion not set");
	assert_int_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 0)->pos.line, 5);
	assert_int_equal(t.m.nendpoints, 2);
	must_ep(&t.m, "shop/before[Pod]");
	must_ep(&t.m, "shop/b[Pod]");
	assert_true(must_policy(&t.m, "shop", "p")->invalid);
	assert_true(t.d.input_error);
	tu_free(&t);
}

/* generateName alone: a name that says so, numbered where two would collide. */
static void test_generate_name(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-, namespace: shop}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: web-, namespace: shop}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: web-, namespace: other}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: \"\", generateName: web-, namespace: shop}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {generateName: web-, namespace: shop}\nspec: {podSelector: {}}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {namespace: shop}\n");
	must_ep(&t.m, "shop/web-<generated>[Pod]");
	must_ep(&t.m, "shop/web-<generated-2>[Pod]");
	must_ep(&t.m, "shop/web-<generated-3>[Pod]");
	must_ep(&t.m, "other/web-<generated>[Pod]");
	assert_int_equal(t.m.nendpoints, 4);
	const struct policy *p = must_policy(&t.m, "shop", "web-<generated>");
	assert_false(p->invalid);
	assert_true(p->obj->generated);
	/* Neither name nor generateName: still an error, and no endpoint. */
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 1);
	assert_string_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 0)->message,
			    "metadata.name: Required value: name or generateName is required");
	assert_int_equal(tu_count(&t.d, RULE_DUPLICATE_OBJECT), 0);
	tu_free(&t);

	/* Findings made while decoding name the object as it is finally named. */
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\nmetadata: {generateName: w-, labels: {a: \"b c\"}}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: w-, labels: {a: \"b d\"}}\n");
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 2);
	assert_string_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 0)->obj_name, "w-<generated>");
	assert_string_equal(tu_finding(&t.d, RULE_INVALID_SPEC, 1)->obj_name, "w-<generated-2>");
	assert_int_equal(t.m.nendpoints, 0);
	tu_free(&t);
}

/* A NetworkPolicy read from a List keeps its tree (and positions) past its document. */
static void test_list_item_policy_kept(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb,
		"kind: List\n"                                   /* 1 */
		"items:\n"                                       /* 2 */
		"- {apiVersion: v1, kind: Pod,\n"                /* 3 */
		"   metadata: {name: a, namespace: shop, labels: {app: a}}}\n" /* 4 */
		"- apiVersion: networking.k8s.io/v1\n"           /* 5 */
		"  kind: NetworkPolicy\n"                        /* 6 */
		"  metadata: {name: np, namespace: shop}\n"      /* 7 */
		"  spec:\n"                                      /* 8 */
		"    podSelector: {matchLabels: {app: a}}\n"     /* 9 */
		"    ingress:\n"                                 /* 10 */
		"    - from: [{podSelector: {}}]\n"              /* 11 */
		"      ports: [{port: 80}]\n"                    /* 12 */
		"- {apiVersion: v1, kind: Pod,\n"                /* 13 */
		"   metadata: {name: b, namespace: shop}}\n"     /* 14 */
		"apiVersion: v1\n");                             /* 15 */
	for (int i = 0; i < 2000; i++)
		strbuf_addf(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: filler-%d, namespace: shop, "
			    "labels: {app: filler, i: 'x%d'}}\n", i, i);
	struct tu t;
	tu_load(&t, sb.buf);
	strbuf_release(&sb);
	no_findings(&t);
	assert_int_equal(t.m.nendpoints, 2002);
	const struct policy *p = must_policy(&t.m, "shop", "np");
	assert_false(p->invalid);
	assert_string_equal(p->obj->kind, "NetworkPolicy");
	assert_int_equal(p->obj->node->pos.line, 5);
	assert_int_equal(p->obj->node->pos.col, 1);
	assert_int_equal(p->obj->name_node->pos.line, 7);
	assert_int_equal(p->obj->name_node->pos.col, 20);
	assert_int_equal(p->pod_sel.key_node->pos.line, 9);
	assert_int_equal(p->pod_sel.key_node->pos.col, 5);
	assert_int_equal(p->pod_sel.nml, 1);
	assert_string_equal(p->pod_sel.ml[0].key, "app");
	assert_string_equal(p->pod_sel.ml[0].val, "a");
	assert_int_equal(p->nrules[DIR_INGRESS], 1);
	const struct np_rule *r = &p->rules[DIR_INGRESS][0];
	assert_int_equal(r->node->pos.line, 11);
	assert_int_equal(r->node->pos.col, 5);
	assert_int_equal(r->npeers, 1);
	assert_int_equal(r->peers[0].node->pos.line, 11);
	assert_int_equal(r->peers[0].node->pos.col, 14);
	assert_int_equal(r->nports, 1);
	assert_int_equal(r->ports[0].port, 80);
	assert_int_equal(r->ports[0].port_key->pos.line, 12);
	assert_int_equal(r->ports[0].port_key->pos.col, 16);
	tu_free(&t);
}

/* ---- duplicates ---- */

static void test_duplicate_object(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: v1\nkind: Pod\n"                                            /* 1-2 */
		"metadata: {name: dup, namespace: shop, labels: {v: first}}\n"          /* 3 */
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: dup\n  namespace: shop\n" /* 4-9 */
		"  labels: {v: second}\n"                                               /* 10 */
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"          /* 11-13 */
		"metadata: {name: p, namespace: shop}\nspec: {podSelector: {}}\n"        /* 14-15 */
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"          /* 16-18 */
		"metadata: {name: p, namespace: shop}\n"                                /* 19 */
		"spec: {podSelector: {}, policyTypes: [Egress]}\n"                      /* 20 */
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: dup, namespace: other}\n"); /* 21-24 */
	assert_int_equal(tu_count(&t.d, RULE_DUPLICATE_OBJECT), 2);
	const struct finding *f = tu_finding(&t.d, RULE_DUPLICATE_OBJECT, 0);
	char want[512];
	snprintf(want, sizeof(want), "Pod 'shop/dup' is already defined at %s:3:18", t.path);
	const struct finding *pod = !strcmp(f->obj_kind, "Pod") ? f
		: tu_finding(&t.d, RULE_DUPLICATE_OBJECT, 1);
	assert_string_equal(pod->message, want);
	assert_int_equal(pod->pos.line, 8);
	assert_int_equal(pod->pos.col, 9);
	assert_string_equal(pod->pos.file, t.path);
	assert_string_equal(pod->obj_name, "dup");
	assert_string_equal(pod->obj_ns, "shop");
	/* The first is kept, the second takes no part. */
	assert_string_equal(labels_get(&must_ep(&t.m, "shop/dup[Pod]")->labels, "v"), "first");
	must_ep(&t.m, "other/dup[Pod]");
	assert_int_equal(t.m.nendpoints, 2);
	assert_int_equal(t.m.npolicies, 2);
	assert_false(t.m.policies[0]->invalid);
	assert_true(t.m.policies[1]->invalid);
	assert_true(t.m.policies[0]->types[DIR_INGRESS]);
	tu_free(&t);
}

/* The first object in input order is kept however many objects stand in between. */
static void test_duplicate_object_far_apart(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "apiVersion: v1\nkind: Pod\nmetadata: {name: dup, labels: {v: first}}\n");
	for (int i = 0; i < 3000; i++)
		strbuf_addf(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: filler-%d, labels: {a: b}}\n", i);
	strbuf_addstr(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: dup, labels: {v: second}}\n");
	struct tu t;
	tu_load(&t, sb.buf);
	strbuf_release(&sb);
	assert_int_equal(tu_count(&t.d, RULE_DUPLICATE_OBJECT), 1);
	const struct finding *f = tu_finding(&t.d, RULE_DUPLICATE_OBJECT, 0);
	assert_int_equal(f->pos.line, 3 + 4 * 3000 + 4);
	assert_string_equal(labels_get(&must_ep(&t.m, "default/dup[Pod]")->labels, "v"), "first");
	tu_free(&t);
}

/* ---- NetworkPolicy decoding ---- */

#define NP(name) "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" \
	"metadata: {name: " name ", namespace: shop}\n"

static void test_policy_types_defaulting(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		NP("none") "spec: {podSelector: {}}\n"
		NP("ingress-rules") "spec: {podSelector: {}, ingress: [{}]}\n"
		NP("egress-rules") "spec: {podSelector: {}, egress: [{}]}\n"
		NP("egress-empty") "spec: {podSelector: {}, egress: []}\n"
		NP("egress-null") "spec: {podSelector: {}, egress: null}\n"
		NP("egress-only") "spec: {podSelector: {}, policyTypes: [Egress], ingress: [{}]}\n"
		NP("both") "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
		NP("explicit-ingress") "spec: {podSelector: {}, policyTypes: [Ingress], egress: [{}]}\n"
		NP("no-spec") "\n");
	no_findings(&t);
	static const struct {
		const char *name;
		bool in, eg, given;
	} want[] = {
		{ "none", true, false, false },
		{ "ingress-rules", true, false, false },
		{ "egress-rules", true, true, false },
		{ "egress-empty", true, false, false },
		{ "egress-null", true, false, false },
		{ "egress-only", false, true, true },
		{ "both", true, true, true },
		{ "explicit-ingress", true, false, true },
		{ "no-spec", true, false, false },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct policy *p = must_policy(&t.m, "shop", want[i].name);
		if (p->types[DIR_INGRESS] != want[i].in || p->types[DIR_EGRESS] != want[i].eg ||
		    p->types_given != want[i].given)
			fail_msg("policy %s: types ingress=%d egress=%d given=%d", want[i].name,
				 p->types[DIR_INGRESS], p->types[DIR_EGRESS], p->types_given);
		assert_false(p->invalid);
	}
	/* An empty list is given but holds no rule; its absence or null is not given. */
	const struct policy *empty = must_policy(&t.m, "shop", "egress-empty");
	assert_true(empty->rules_given[DIR_EGRESS]);
	assert_int_equal(empty->nrules[DIR_EGRESS], 0);
	assert_false(must_policy(&t.m, "shop", "egress-null")->rules_given[DIR_EGRESS]);
	assert_false(must_policy(&t.m, "shop", "none")->rules_given[DIR_INGRESS]);
	/* An absent podSelector is absent (it selects everything). */
	assert_null(must_policy(&t.m, "shop", "no-spec")->pod_sel.node);
	assert_non_null(must_policy(&t.m, "shop", "none")->pod_sel.node);
	tu_free(&t);
}

/* The API server defaults policyTypes when the list is empty, not only when absent. */
static void test_policy_types_empty_list_defaulted(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		NP("empty") "spec: {podSelector: {}, policyTypes: []}\n"
		NP("empty-egress") "spec: {podSelector: {}, policyTypes: [], egress: [{}]}\n");
	no_findings(&t);
	const struct policy *p = must_policy(&t.m, "shop", "empty");
	assert_false(p->invalid);
	assert_true(p->types[DIR_INGRESS]);
	assert_false(p->types[DIR_EGRESS]);
	p = must_policy(&t.m, "shop", "empty-egress");
	assert_true(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
	tu_free(&t);
}

static void test_ports_decoded_and_defaulted(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		NP("ports")
		"spec:\n  podSelector: {}\n  ingress:\n  - ports:\n"
		"    - port: 80\n"
		"    - {port: 53, protocol: UDP}\n"
		"    - protocol: SCTP\n"
		"    - {port: http}\n"
		"    - {port: 8000, endPort: 8080, protocol: TCP}\n"
		"    - {port: 'metrics'}\n"
		"    - {}\n");
	no_findings(&t);
	const struct policy *p = must_policy(&t.m, "shop", "ports");
	assert_int_equal(p->nrules[DIR_INGRESS], 1);
	const struct np_rule *r = &p->rules[DIR_INGRESS][0];
	assert_true(r->ports_given);
	assert_false(r->peers_given);
	assert_int_equal(r->nports, 7);
	const struct np_port *pt = r->ports;
	assert_int_equal(pt[0].proto, PROTO_TCP); /* defaulted */
	assert_null(pt[0].proto_text);
	assert_true(pt[0].has_port);
	assert_int_equal(pt[0].port, 80);
	assert_null(pt[0].port_name);
	assert_int_equal(pt[1].proto, PROTO_UDP);
	assert_int_equal(pt[1].port, 53);
	assert_int_equal(pt[2].proto, PROTO_SCTP);
	assert_false(pt[2].has_port);
	assert_int_equal(pt[3].proto, PROTO_TCP);
	assert_true(pt[3].has_port);
	assert_string_equal(pt[3].port_name, "http");
	assert_int_equal(pt[4].port, 8000);
	assert_true(pt[4].has_end_port);
	assert_int_equal(pt[4].end_port, 8080);
	assert_string_equal(pt[5].port_name, "metrics");
	assert_int_equal(pt[6].proto, PROTO_TCP);
	assert_false(pt[6].has_port);
	/* Positions: each port is its item (its '-'), its fields their keys. */
	assert_int_equal(pt[0].node->pos.line, 9);
	assert_int_equal(pt[0].node->pos.col, 5);
	assert_int_equal(pt[0].port_key->pos.line, 9);
	assert_int_equal(pt[0].port_key->pos.col, 7);
	assert_int_equal(pt[4].node->pos.line, 13);
	assert_int_equal(pt[4].node->pos.col, 5);
	assert_int_equal(pt[4].end_port_key->pos.line, 13);
	assert_int_equal(pt[4].end_port_key->pos.col, 20);
	tu_free(&t);
}

static void test_unknown_fields(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\n"   /* 1 */
		"kind: NetworkPolicy\n"                /* 2 */
		"metadata:\n"                          /* 3 */
		"  name: typo\n"                       /* 4 */
		"  namespace: shop\n"                  /* 5 */
		"  labelz: {}\n"                       /* 6 */
		"spec:\n"                              /* 7 */
		"  podSelecter: {}\n"                  /* 8 */
		"  ingress:\n"                         /* 9 */
		"  - from:\n"                          /* 10 */
		"    - podSelector: {}\n"              /* 11 */
		"      ports:\n"                       /* 12 */
		"      - port: 80\n"                   /* 13 */
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, extra: 1}\nbogus: 2\n");
	assert_int_equal(tu_count(&t.d, RULE_UNKNOWN_FIELD), 3);
	const struct finding *f = tu_finding(&t.d, RULE_UNKNOWN_FIELD, 0);
	assert_string_equal(f->message, "unknown field \"metadata.labelz\"");
	assert_int_equal(f->pos.line, 6);
	assert_int_equal(f->pos.col, 3);
	f = tu_finding(&t.d, RULE_UNKNOWN_FIELD, 1);
	assert_string_equal(f->message, "unknown field \"spec.podSelecter\"");
	assert_int_equal(f->pos.line, 8);
	assert_int_equal(f->pos.col, 3);
	assert_string_equal(f->obj_kind, "NetworkPolicy");
	assert_string_equal(f->obj_name, "typo");
	f = tu_finding(&t.d, RULE_UNKNOWN_FIELD, 2);
	assert_string_equal(f->message, "unknown field \"spec.ingress[0].from[0].ports\"");
	assert_int_equal(f->pos.line, 12);
	assert_int_equal(f->pos.col, 7);
	/* The policy is analysed as stored: without the field, not invalid; the input
	 * itself was read. */
	const struct policy *p = must_policy(&t.m, "shop", "typo");
	assert_false(p->invalid);
	assert_null(p->pod_sel.node);
	assert_int_equal(p->rules[DIR_INGRESS][0].nports, 0);
	assert_int_equal(t.rc, 0);
	assert_false(t.d.input_error);
	tu_free(&t);
}

static void test_type_errors(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\n"   /* 1 */
		"kind: NetworkPolicy\n"                /* 2 */
		"metadata: {name: types, namespace: shop}\n" /* 3 */
		"spec:\n"                              /* 4 */
		"  podSelector: {}\n"                  /* 5 */
		"  policyTypes: Ingress\n"             /* 6 */
		"  ingress:\n"                         /* 7 */
		"  - ports:\n"                         /* 8 */
		"    - port: [80]\n"                   /* 9 */
		"      endPort: \"90\"\n"              /* 10 */
		"    - 5\n"                            /* 11 */
		"    from:\n"                          /* 12 */
		"    - podSelector:\n"                 /* 13 */
		"        matchLabels: {app: 5}\n"      /* 14 */
		NP("fine") "spec: {podSelector: {}}\n");
	static const struct {
		int line, col;
		const char *msg;
	} want[] = {
		{ 6, 3, "spec.policyTypes: Invalid type: got string, expected array" },
		{ 9, 7, "spec.ingress[0].ports[0].port: Invalid type: got array, expected integer or string" },
		{ 10, 7, "spec.ingress[0].ports[0].endPort: Invalid type: got string, expected integer" },
		{ 11, 5, "spec.ingress[0].ports[1]: Invalid type: got number, expected object" },
		{ 14, 23, "spec.ingress[0].from[0].podSelector.matchLabels[app]: Invalid type: got number, expected string" },
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), n);
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, i);
		assert_string_equal(f->message, want[i].msg);
		if (f->pos.line != want[i].line || f->pos.col != want[i].col)
			fail_msg("'%s' at %d:%d, want %d:%d", f->message, f->pos.line, f->pos.col,
				 want[i].line, want[i].col);
	}
	assert_true(must_policy(&t.m, "shop", "types")->invalid);
	assert_false(must_policy(&t.m, "shop", "fine")->invalid);
	/* A document that cannot be decoded is an input error. */
	assert_true(t.d.input_error);
	assert_int_equal(t.rc, -1);
	tu_free(&t);
}

static void test_invalid_policy_flagged(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		NP("bad-port") "spec: {podSelector: {}, ingress: [{ports: [{port: 70000}]}]}\n"
		NP("bad-proto") "spec: {podSelector: {}, ingress: [{ports: [{protocol: ICMP}]}]}\n"
		NP("bad-cidr") "spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}\n"
		NP("bad-op") "spec:\n  podSelector:\n    matchExpressions: [{key: a, operator: Has}]\n"
		NP("no-peer") "spec: {podSelector: {}, ingress: [{from: [{}]}]}\n"
		NP("quoted-number") "spec: {podSelector: {}, ingress: [{ports: [{port: '443'}]}]}\n"
		NP("lower-case") "spec: {podSelector: {}, ingress: [{ports: [{port: 80, protocol: tcp}]}]}\n"
		NP("good") "spec:\n  podSelector: {matchLabels: {app: db}}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}],"
		" ports: [{port: 5432}]}]\n");
	static const char *const bad[] = { "bad-port", "bad-proto", "bad-cidr", "bad-op", "no-peer",
		"quoted-number", "lower-case" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!must_policy(&t.m, "shop", bad[i])->invalid)
			fail_msg("policy %s should be invalid", bad[i]);
	const struct policy *good = must_policy(&t.m, "shop", "good");
	assert_false(good->invalid);
	/* Validation parses the ipBlock of a valid policy. */
	const struct ipblock *b = good->rules[DIR_INGRESS][0].peers[0].ipb;
	assert_non_null(b);
	assert_int_equal(b->cidr_parsed.family, AF_V4);
	assert_int_equal(b->cidr_parsed.prefix, 8);
	assert_int_equal(b->nexcept, 1);
	assert_int_equal(b->except_parsed[0].prefix, 16);
	assert_int_equal(tu_count(&t.d, RULE_INVALID_SPEC), 5);
	/* A quoted number is a port name, as the API server reads an int-or-string. */
	const struct np_port *q = &must_policy(&t.m, "shop", "quoted-number")->rules[DIR_INGRESS][0].ports[0];
	assert_string_equal(q->port_name, "443");
	assert_int_equal(tu_count(&t.d, RULE_UNSUPPORTED_PROTOCOL), 2);
	const struct finding *f = tu_finding(&t.d, RULE_INVALID_SPEC, 0);
	assert_string_equal(f->message,
		"spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive");
	/* Invalid policies are findings, not input errors. */
	assert_false(t.d.input_error);
	assert_int_equal(t.rc, 0);
	tu_free(&t);
}

static void test_repeated_key(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t,
		"apiVersion: networking.k8s.io/v1\n"          /* 1 */
		"kind: NetworkPolicy\n"                       /* 2 */
		"metadata: {name: twice, namespace: shop}\n"  /* 3 */
		"spec:\n"                                     /* 4 */
		"  podSelector: {matchLabels: {app: a}}\n"    /* 5 */
		"  podSelector: {}\n"                         /* 6 */
		NP("once") "spec: {podSelector: {}}\n");
	/* sigs.k8s.io/yaml refuses it: a syntax error at the second key, the policy out. */
	assert_int_equal(tu_count(&t.d, RULE_YAML_SYNTAX), 1);
	const struct finding *f = tu_finding(&t.d, RULE_YAML_SYNTAX, 0);
	assert_string_equal(f->message, "mapping key \"podSelector\" already defined at line 5");
	assert_int_equal(f->pos.line, 6);
	assert_int_equal(f->pos.col, 3);
	assert_true(must_policy(&t.m, "shop", "twice")->invalid);
	assert_false(must_policy(&t.m, "shop", "once")->invalid);
	assert_true(t.d.input_error);
	tu_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: before other tests' freed blocks change where malloc puts new ones. */
		cmocka_unit_test(test_duplicate_object_far_apart),
		cmocka_unit_test(test_implied_namespaces),
		cmocka_unit_test(test_declared_namespace_labels),
		cmocka_unit_test(test_default_namespace_option),
		cmocka_unit_test(test_pods_folded_into_owners),
		cmocka_unit_test(test_host_network_kept_apart),
		cmocka_unit_test(test_workload_templates),
		cmocka_unit_test(test_pod_ips),
		cmocka_unit_test(test_shared_labels),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_unserved_api_version),
		cmocka_unit_test(test_list_api_version),
		cmocka_unit_test(test_generate_name),
		cmocka_unit_test(test_list_item_policy_kept),
		cmocka_unit_test(test_duplicate_object),
		cmocka_unit_test(test_policy_types_defaulting),
		cmocka_unit_test(test_policy_types_empty_list_defaulted),
		cmocka_unit_test(test_ports_decoded_and_defaulted),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_repeated_key),
		cmocka_unit_test(test_invalid_policy_flagged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

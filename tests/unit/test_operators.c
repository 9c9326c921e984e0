/* Unit tests for operators.c: templates, table lookup by kind and API group, and the
 * endpoint a custom resource stands for (labels over its own, ports, replicas). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "operators.h"
#include "testutil.h"

static void test_expand(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *err;
	assert_string_equal(operators_expand(a, "prometheus-{name}", "k8s", "mon", 0, &err),
			    "prometheus-k8s");
	assert_null(err);
	assert_string_equal(operators_expand(a, "{namespace}/{name}-{shard}", "k8s", "mon", 3,
					     &err), "mon/k8s-3");
	assert_string_equal(operators_expand(a, "", "k8s", "mon", 0, &err), "");
	assert_string_equal(operators_expand(a, "plain", NULL, NULL, 0, &err), "plain");
	/* A brace that opens no placeholder is an error, so is {shard} when unknown. */
	assert_null(operators_expand(a, "x-{nme}", "k8s", "mon", 0, &err));
	assert_non_null(err);
	assert_null(operators_expand(a, "{", "k8s", "mon", 0, &err));
	assert_null(operators_expand(a, "p-{shard}", "k8s", "mon", -1, &err));
	assert_string_equal(err, "the shard is not known");
	/* A closing brace alone is text. */
	assert_string_equal(operators_expand(a, "a}b", "k8s", "mon", 0, &err), "a}b");
	assert_null(operators_check_template("{name}{namespace}{shard}"));
	assert_non_null(operators_check_template("{Name}"));
	arena_free(a);
}

static void test_find(void **state)
{
	(void)state;
	const struct op_kind *k = operators_find(NULL, "Prometheus", "monitoring.coreos.com/v1");
	assert_non_null(k);
	assert_string_equal(k->workload, "prometheus-{name}");
	assert_non_null(k->source);
	/* The group decides; the version does not; the core group has no custom kinds. */
	assert_non_null(operators_find(NULL, "Alertmanager", "monitoring.coreos.com/v1beta1"));
	assert_null(operators_find(NULL, "Prometheus", "example.com/v1"));
	assert_null(operators_find(NULL, "Prometheus", "v1"));
	assert_null(operators_find(NULL, "prometheus", "monitoring.coreos.com/v1"));
	assert_true(operators_has_kind(NULL, "ThanosRuler"));
	assert_false(operators_has_kind(NULL, "Rollout"));
	/* A disabled entry hides the kind, and an entry first in the table wins. */
	struct op_kind mine[2] = { { .kind = "Prometheus", .group = "monitoring.coreos.com",
				     .disabled = true },
				   { .kind = "Prometheus", .group = "monitoring.coreos.com" } };
	struct op_table t = { mine, 2 };
	assert_null(operators_find(&t, "Prometheus", "monitoring.coreos.com/v1"));
	assert_false(operators_has_kind(&t, "Alertmanager"));
}

static const struct endpoint *find_ep(const struct model *m, const char *display)
{
	for (size_t i = 0; i < m->nendpoints; i++)
		if (!strcmp(m->endpoints[i]->display, display))
			return m->endpoints[i];
	return NULL;
}

static bool has_port(const struct endpoint *e, const char *name, int port, int proto)
{
	for (size_t i = 0; i < e->nports; i++)
		if (e->ports[i].name && !strcmp(e->ports[i].name, name) &&
		    e->ports[i].port == port && e->ports[i].proto == proto)
			return true;
	return false;
}

static void test_prometheus_endpoint(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "apiVersion: monitoring.coreos.com/v1\n"
		    "kind: Prometheus\n"
		    "metadata: {name: k8s, namespace: mon}\n"
		    "spec:\n"
		    "  replicas: 2\n"
		    "  portName: http-web\n"
		    "  podMetadata:\n"
		    "    labels: {team: obs, prometheus: other, app.kubernetes.io/version: '9'}\n");
	const struct endpoint *e = find_ep(&t.m, "mon/k8s[Prometheus]");
	assert_non_null(e);
	assert_int_equal(e->npods, 2);
	/* Its own labels, under the operator's, which it cannot override. */
	assert_string_equal(labels_get(&e->labels, "team"), "obs");
	assert_string_equal(labels_get(&e->labels, "prometheus"), "k8s");
	assert_string_equal(labels_get(&e->labels, "app.kubernetes.io/instance"), "k8s");
	assert_string_equal(labels_get(&e->labels, "operator.prometheus.io/shard"), "0");
	assert_ptr_equal(labels_get(&e->labels, "app.kubernetes.io/version"), LABEL_UNKNOWN);
	/* The StatefulSet's own labels: its name is prometheus-k8s. */
	assert_ptr_equal(labels_get(&e->labels, "controller-revision-hash"), LABEL_UNKNOWN);
	assert_true(has_port(e, "http-web", 9090, PROTO_TCP));
	assert_true(has_port(e, "reloader-web", 8080, PROTO_TCP));
	assert_false(has_port(e, "grpc", 10901, PROTO_TCP));
	assert_string_equal(e->obj->kind, "Prometheus");
	tu_free(&t);
}

static void test_alertmanager_ports(void **state)
{
	(void)state;
	struct tu t;
	tu_load(&t, "apiVersion: monitoring.coreos.com/v1\n"
		    "kind: Alertmanager\n"
		    "metadata: {name: main, namespace: mon}\n"
		    "spec: {listenLocal: true}\n");
	const struct endpoint *e = find_ep(&t.m, "mon/main[Alertmanager]");
	assert_non_null(e);
	assert_int_equal(e->npods, 1); /* the operator's default */
	assert_false(has_port(e, "web", 9093, PROTO_TCP));
	assert_false(has_port(e, "reloader-web", 8080, PROTO_TCP));
	assert_true(has_port(e, "mesh-tcp", 9094, PROTO_TCP));
	assert_true(has_port(e, "mesh-udp", 9094, PROTO_UDP));
	assert_string_equal(labels_get(&e->labels, "alertmanager"), "main");
	tu_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_prometheus_endpoint),
		cmocka_unit_test(test_alertmanager_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

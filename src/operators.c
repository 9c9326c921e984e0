/* Pods that operators make from custom resources without a pod template: the built-in
 * table, with the source of every label and port, template expansion, and the endpoint
 * a resource stands for. */
#include <stdint.h>
#include <string.h>

#include "load_int.h"
#include "model.h"
#include "operators.h"

/*
 * prometheus-operator (monitoring.coreos.com). Each kind becomes one StatefulSet named
 * "<prefix>-<name>" whose pods carry the resource's spec.podMetadata.labels under the
 * labels the operator reserves (the API documentation of podMetadata: "the following
 * items are reserved and cannot be overridden"). app.kubernetes.io/version is the
 * version the operator resolves (spec.version, else its own default, parsed as semver):
 * unknown offline. The operator's --labels flag adds labels to every pod; they are not
 * in the input and not modelled.
 */
#define PO "prometheus-operator "
static const struct op_label prom_labels[] = {
	{ "app.kubernetes.io/name", "prometheus" },
	{ "app.kubernetes.io/managed-by", "prometheus-operator" },
	{ "app.kubernetes.io/instance", "{name}" },
	{ "prometheus", "{name}" },
	{ "operator.prometheus.io/name", "{name}" },
	{ "operator.prometheus.io/shard", "{shard}" },
	{ "app.kubernetes.io/version", NULL },
};
static const struct op_port prom_ports[] = {
	{ "web", 9090, PROTO_TCP, "spec.portName", "spec.listenLocal", NULL },
	{ "reloader-web", 8080, PROTO_TCP, NULL, "spec.listenLocal", NULL },
	{ "http", 10902, PROTO_TCP, NULL, NULL, "spec.thanos" },
	{ "grpc", 10901, PROTO_TCP, NULL, NULL, "spec.thanos" },
};
static const struct op_label am_labels[] = {
	{ "app.kubernetes.io/name", "alertmanager" },
	{ "app.kubernetes.io/managed-by", "prometheus-operator" },
	{ "app.kubernetes.io/instance", "{name}" },
	{ "alertmanager", "{name}" },
	{ "app.kubernetes.io/version", NULL },
};
static const struct op_port am_ports[] = {
	{ "web", 9093, PROTO_TCP, "spec.portName", "spec.listenLocal", NULL },
	{ "mesh-tcp", 9094, PROTO_TCP, NULL, NULL, NULL },
	{ "mesh-udp", 9094, PROTO_UDP, NULL, NULL, NULL },
	{ "reloader-web", 8080, PROTO_TCP, NULL, "spec.listenLocal", NULL },
};
static const struct op_label tr_labels[] = {
	{ "app.kubernetes.io/name", "thanos-ruler" },
	{ "app.kubernetes.io/managed-by", "prometheus-operator" },
	{ "app.kubernetes.io/instance", "{name}" },
	{ "thanos-ruler", "{name}" },
};
static const struct op_port tr_ports[] = {
	{ "grpc", 10901, PROTO_TCP, NULL, NULL, NULL },
	{ "web", 10902, PROTO_TCP, "spec.portName", "spec.listenLocal", NULL },
};

static const struct op_kind builtin[] = {
	{ .kind = "Prometheus", .group = "monitoring.coreos.com",
	  .workload = "prometheus-{name}", .pod_labels = "spec.podMetadata.labels",
	  .labels = prom_labels, .nlabels = ARRAY_SIZE(prom_labels),
	  .ports = prom_ports, .nports = ARRAY_SIZE(prom_ports),
	  .containers = "spec.containers", .replicas = "spec.replicas", .default_replicas = 1,
	  .shards = "spec.shards", .host_network = "spec.hostNetwork",
	  .source = PO "pkg/prometheus/server/statefulset.go at cec7972516ad "
	  "(makeStatefulSetSpec: podSelectorLabels; port web 9090 unless listenLocal; "
	  "thanos-sidecar http 10902, grpc 10901; hostNetwork), pkg/prometheus "
	  "(prometheusNameByShard, ShardLabelName, BuildPodMetadata), "
	  "pkg/operator/config_reloader.go at ab87afc83000 (CreateConfigReloader: reloader-web "
	  "8080 unless listenLocal), pkg/apis/monitoring/v1/prometheus_types.go at "
	  "d9f72134bfb9 (podMetadata: reserved labels)" },
	{ .kind = "Alertmanager", .group = "monitoring.coreos.com",
	  .workload = "alertmanager-{name}", .pod_labels = "spec.podMetadata.labels",
	  .labels = am_labels, .nlabels = ARRAY_SIZE(am_labels),
	  .ports = am_ports, .nports = ARRAY_SIZE(am_ports),
	  .containers = "spec.containers", .replicas = "spec.replicas", .default_replicas = 1,
	  .source = PO "pkg/alertmanager/statefulset.go (makeStatefulSetSpec: "
	  "podSelectorLabels; ports web 9093 unless listenLocal, mesh-tcp 9094, mesh-udp "
	  "9094/UDP; prefixedName), pkg/operator/config_reloader.go at ab87afc83000 "
	  "(reloader-web 8080 unless listenLocal), pkg/apis/monitoring/v1/alertmanager_types.go "
	  "at 1aa717277920 (podMetadata: reserved labels)" },
	{ .kind = "ThanosRuler", .group = "monitoring.coreos.com",
	  .workload = "thanos-ruler-{name}", .pod_labels = "spec.podMetadata.labels",
	  .labels = tr_labels, .nlabels = ARRAY_SIZE(tr_labels),
	  .ports = tr_ports, .nports = ARRAY_SIZE(tr_ports),
	  .containers = "spec.containers", .replicas = "spec.replicas", .default_replicas = 1,
	  .source = PO "pkg/thanos/statefulset.go at afba05267513 (makeStatefulSetSpec: ports "
	  "grpc 10901, web 10902 unless listenLocal; prefixedName), "
	  "pkg/apis/monitoring/v1/thanos_types.go at 60a731f3afca (podMetadata: reserved "
	  "labels)" },
};

static const struct op_table builtin_table = { builtin, ARRAY_SIZE(builtin) };

const struct op_table *operators_default(void)
{
	return &builtin_table;
}

const struct op_kind *operators_find(const struct op_table *t, const char *kind,
				     const char *api_version)
{
	if (!t)
		t = &builtin_table;
	if (!kind || !api_version)
		return NULL;
	const char *slash = strchr(api_version, '/');
	if (!slash)
		return NULL; /* the core group has no custom kinds */
	size_t gl = (size_t)(slash - api_version);
	for (size_t i = 0; i < t->n; i++) {
		const struct op_kind *k = &t->kinds[i];
		if (!strcmp(k->kind, kind) && strlen(k->group) == gl &&
		    !memcmp(k->group, api_version, gl))
			return k->disabled ? NULL : k;
	}
	return NULL;
}

bool operators_has_kind(const struct op_table *t, const char *kind)
{
	if (!t)
		t = &builtin_table;
	for (size_t i = 0; i < t->n; i++)
		if (!t->kinds[i].disabled && !strcmp(t->kinds[i].kind, kind))
			return true;
	return false;
}

/* ---- templates ---- */

static const char *const placeholders[] = { "{name}", "{namespace}", "{shard}" };

/* The placeholder at p (which is '{'), as an index, or -1. */
static int placeholder_at(const char *p)
{
	for (int i = 0; i < (int)ARRAY_SIZE(placeholders); i++)
		if (!strncmp(p, placeholders[i], strlen(placeholders[i])))
			return i;
	return -1;
}

const char *operators_check_template(const char *tpl)
{
	for (const char *p = tpl; *p; p++)
		if (*p == '{' && placeholder_at(p) < 0)
			return "unknown placeholder (expected {name}, {namespace} or {shard})";
	return NULL;
}

const char *operators_expand(struct arena *a, const char *tpl, const char *name,
			     const char *ns, long long shard, const char **err)
{
	struct strbuf sb = STRBUF_INIT;
	*err = NULL;
	for (const char *p = tpl; *p;) {
		if (*p != '{') {
			size_t n = strcspn(p, "{");
			strbuf_add(&sb, p, n);
			p += n;
			continue;
		}
		int ph = placeholder_at(p);
		if (ph < 0 || (ph == 2 && shard < 0)) {
			*err = ph < 0 ? "unknown placeholder (expected {name}, {namespace} or {shard})"
				      : "the shard is not known";
			strbuf_release(&sb);
			return NULL;
		}
		if (ph == 0)
			strbuf_addstr(&sb, name ? name : "");
		else if (ph == 1)
			strbuf_addstr(&sb, ns ? ns : "");
		else
			strbuf_addf(&sb, "%lld", shard);
		p += strlen(placeholders[ph]);
	}
	const char *out = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* ---- the endpoint ---- */

static const char *str_at(const struct ynode *doc, const char *path)
{
	const struct ynode *n = path ? ynode_path(doc, path) : NULL;
	return n && n->kind == YN_SCALAR && !ynode_is_null(n) ? ynode_str(n) : NULL;
}

static bool true_at(const struct ynode *doc, const char *path)
{
	bool b = false;
	return path && !ynode_bool(ynode_path(doc, path), &b) && b;
}

/* The labels: the resource's own pod labels, then the operator's over them. */
static void op_labels(struct model *m, const struct object *o, const struct ynode *doc,
		      const struct op_kind *k, long long shard, struct labels *out)
{
	const struct ynode *own = k->pod_labels ? ynode_path(doc, k->pod_labels) : NULL;
	size_t cap = k->nlabels + 2 + (own && own->kind == YN_MAP ? own->n : 0);
	out->kv = ARENA_ARRAY(m->arena, struct kv, cap);
	out->n = 0;
	for (size_t i = 0; own && own->kind == YN_MAP && i < own->n; i++) {
		const struct ynode *key = own->kids[2 * i], *val = own->kids[2 * i + 1];
		if (key->kind != YN_SCALAR || val->kind != YN_SCALAR)
			continue;
		out->kv[out->n].key = arena_strdup(m->arena, key->str);
		out->kv[out->n].val = ynode_is_null(val) ? "" : arena_strdup(m->arena, val->str);
		out->kv[out->n].node = NULL;
		out->n++;
	}
	for (size_t i = 0; i < k->nlabels; i++) {
		const char *err, *v = LABEL_UNKNOWN;
		if (k->labels[i].value)
			v = operators_expand(m->arena, k->labels[i].value, o->name, o->ns, shard, &err);
		if (!v)
			v = LABEL_UNKNOWN; /* {shard} of a resource with several shards */
		size_t j = 0;
		while (j < out->n && strcmp(out->kv[j].key, k->labels[i].key))
			j++;
		if (j == out->n) {
			out->kv[j].key = k->labels[i].key;
			out->kv[j].node = NULL;
			out->n++;
		}
		out->kv[j].val = v;
	}
}

static void op_ports(struct model *m, const struct ynode *doc, const struct op_kind *k,
		     struct endpoint *e)
{
	const struct ynode *cs = k->containers ? ynode_path(doc, k->containers) : NULL;
	size_t total = k->nports + k8s_container_ports_count(cs);
	if (!total)
		return;
	e->ports = ARENA_ARRAY(m->arena, struct container_port, total);
	for (size_t i = 0; i < k->nports; i++) {
		const struct op_port *p = &k->ports[i];
		if (p->when_field && !ynode_path(doc, p->when_field))
			continue;
		if (p->when_field && ynode_is_null(ynode_path(doc, p->when_field)))
			continue;
		if (true_at(doc, p->unless_field))
			continue;
		struct container_port *cp = &e->ports[e->nports++];
		const char *nm = str_at(doc, p->name_field);
		cp->name = nm && *nm ? arena_strdup(m->arena, nm) : p->name;
		cp->port = p->port;
		cp->proto = p->proto;
		cp->node = NULL;
	}
	/* Containers the resource adds, or patches into the operator's, by name. */
	k8s_add_container_ports(m, cs, e);
}

static void set_label(struct model *m, struct labels *l, const char *key, const char *val)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].key, key)) {
			l->kv[i].val = val;
			return;
		}
	struct kv *kv = ARENA_ARRAY(m->arena, struct kv, l->n + 1);
	if (l->n)
		memcpy(kv, l->kv, sizeof(*kv) * l->n);
	kv[l->n].key = key;
	kv[l->n].val = val;
	kv[l->n].node = NULL;
	l->kv = kv;
	l->n++;
}

void operators_decode(struct model *m, struct object *o, const struct ynode *doc,
		      const struct op_kind *k)
{
	struct endpoint *e = ARENA_NEW(m->arena, struct endpoint);
	long long replicas = k->default_replicas, shards = 1, v;
	const char *err;

	e->ns = o->ns;
	e->name = o->name;
	e->kind = o->kind;
	e->obj = o;
	e->op_source = k->source;
	o->workload = true;
	/* The operators read a negative count as 0 and shards below 2 as one. */
	if (k->replicas && !ynode_int(ynode_path(doc, k->replicas), &v) && v <= INT32_MAX)
		replicas = v < 0 ? 0 : v;
	if (k->shards && !ynode_int(ynode_path(doc, k->shards), &v) && v > 1 && v <= INT32_MAX)
		shards = v;
	op_labels(m, o, doc, k, shards > 1 ? -1 : 0, &e->labels);
	op_ports(m, doc, k, e);
	e->host_network = true_at(doc, k->host_network);
	e->ctl_kind = k->workload_kind ? k->workload_kind : "StatefulSet";
	if (shards == 1) {
		e->ctl_name = k->workload ? operators_expand(m->arena, k->workload, o->name, o->ns,
							     0, &err) : NULL;
		e->replicas = replicas;
	} else {
		/* One StatefulSet per shard ("<prefix>-<name>-shard-<n>" beyond the first):
		 * one endpoint stands for them all, and the labels that tell them apart
		 * are unknown here, so verdicts that depend on them say so. */
		e->ctl_name = NULL;
		e->replicas = replicas * shards;
		set_label(m, &e->labels, "statefulset.kubernetes.io/pod-name", LABEL_UNKNOWN);
		set_label(m, &e->labels, "apps.kubernetes.io/pod-index", LABEL_UNKNOWN);
	}
	XGROW(m->endpoints, m->endpoints_cap, m->nendpoints + 1);
	m->endpoints[m->nendpoints++] = e;
}

/* gen_cluster: write a deterministic synthetic cluster dump (Namespaces, Deployments,
 * Services, NetworkPolicies) of N workloads as one multi-document YAML stream. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shape (documented in bench/README.md): N workloads in ceil(N/50) application
 * namespaces of 50, plus kube-system (kube-dns), ingress-nginx and monitoring.
 * Each application namespace holds 8 frontends, 25 backends, 10 workers and 7
 * datastores, one Service per workload and 10 NetworkPolicies, so the policy count is
 * about N/5. Objects are written as the API server returns them (`kubectl get -o yaml`:
 * keys sorted, defaulted fields and status present, no managedFields), either as
 * `---` documents or, with -l, as one `kind: List`.
 */

#define PER_NS 50

enum tier { T_FRONTEND, T_BACKEND, T_WORKER, T_DB };
static const char *const tier_names[] = { "frontend", "backend", "worker", "db" };

static const char *const frontends[] = { "web", "portal", "storefront", "admin-ui",
					 "landing", "docs", "gateway", "bff" };
static const char *const backends[] = {
	"api", "orders", "payments", "catalog", "inventory", "users", "auth", "search",
	"cart", "pricing", "shipping", "notify", "billing", "reviews", "recommend", "ledger",
	"quotes", "media", "profile", "session", "tax", "fraud", "loyalty", "export", "import"
};
static const char *const workers[] = { "mailer", "indexer", "thumbnailer", "reporter", "sync",
				       "scheduler", "etl", "cleanup", "webhooks", "audit" };
struct db {
	const char *name, *image, *port_name;
	int port, end_port; /* end_port: a second port used by endPort ranges (0: none) */
};
static const struct db dbs[] = {
	{ "postgres", "postgres:16.4", "postgres", 5432, 0 },
	{ "postgres-replica", "postgres:16.4", "postgres", 5432, 0 },
	{ "redis", "redis:7.4", "redis", 6379, 0 },
	{ "redis-cache", "redis:7.4", "redis", 6379, 0 },
	{ "mongo", "mongo:7.0", "mongodb", 27017, 0 },
	{ "kafka", "bitnami/kafka:3.8", "kafka", 9092, 0 },
	{ "elasticsearch", "elasticsearch:8.15.0", "http", 9200, 9300 },
};
static const char *const products[] = { "checkout", "identity", "catalog", "payments",
					"logistics", "search", "media", "analytics",
					"support", "billing", "growth", "platform" };
static const char *const envs[] = { "prod", "staging", "dev" };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- deterministic randomness (splitmix64) ---- */
static uint64_t rng_state;
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static unsigned pick(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* ---- output ---- */
static FILE *out;
static bool as_list;
static unsigned long resource_version = 100000;
static unsigned long nobjects;

static void line(int ind, const char *fmt, ...)
{
	va_list ap;
	if (as_list)
		ind += 2;
	fprintf(out, "%*s", ind, "");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* Start an object: a `---` document, or a `- ` item of the List's items. */
static void object_begin(const char *api_version, const char *kind)
{
	if (as_list)
		fprintf(out, "- apiVersion: %s\n", api_version);
	else
		fprintf(out, "---\napiVersion: %s\n", api_version);
	line(0, "kind: %s", kind);
	nobjects++;
}

static void uid(char buf[37])
{
	uint64_t a = rng(), b = rng();
	snprintf(buf, 37, "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
		 a >> 32, (a >> 16) & 0xffff, a & 0xfff, (b >> 48 & 0x3fff) | 0x8000,
		 b & UINT64_C(0xffffffffffff));
}

static void timestamp(int ind, const char *key, unsigned long n)
{
	/* Spread creation times over 2024 deterministically. */
	unsigned long s = n * 7919 % (360UL * 86400);
	line(ind, "%s: \"2024-%02lu-%02luT%02lu:%02lu:%02luZ\"", key, s / (30 * 86400) + 1,
	     s / 86400 % 30 + 1, s / 3600 % 24, s / 60 % 60, s % 60);
}

/* metadata of a namespaced (ns != NULL) or cluster-scoped object; labels as k=v pairs,
 * already sorted by key, NULL-terminated. */
static void metadata(const char *name, const char *ns, const char *const *labels,
		     const char *annotation, bool generation)
{
	char u[37];
	uid(u);
	line(0, "metadata:");
	if (annotation) {
		line(2, "annotations:");
		line(4, "%s", annotation);
	}
	timestamp(2, "creationTimestamp", nobjects);
	if (generation)
		line(2, "generation: 1");
	if (labels && labels[0]) {
		line(2, "labels:");
		for (size_t i = 0; labels[i]; i += 2)
			line(4, "%s: %s", labels[i], labels[i + 1]);
	}
	line(2, "name: %s", name);
	if (ns)
		line(2, "namespace: %s", ns);
	line(2, "resourceVersion: \"%lu\"", resource_version++);
	line(2, "uid: %s", u);
}

/* ---- objects ---- */

struct nsinfo {
	char name[64];
	char team[16];
	char product[32];
	const char *env;
	int team_index;
};

static void write_namespace(const char *name, const char *team, const char *env)
{
	object_begin("v1", "Namespace");
	const char *labels[] = { "env", env, "kubernetes.io/metadata.name", name, "team", team, NULL };
	if (!team)
		labels[0] = "kubernetes.io/metadata.name", labels[1] = name, labels[2] = NULL;
	metadata(name, NULL, labels, NULL, false);
	line(0, "spec:");
	line(2, "finalizers:");
	line(2, "- kubernetes");
	line(0, "status:");
	line(2, "phase: Active");
}

struct cport {
	const char *name;
	int port;
	const char *proto;
};

struct workload {
	const char *ns, *name, *image;
	const char *const *labels; /* pod template labels, sorted k=v, NULL-terminated */
	const char *const *sel;    /* selector matchLabels, sorted k=v, NULL-terminated */
	struct cport ports[4];
	size_t nports;
	int replicas;
};

static void write_deployment(const struct workload *w)
{
	char rev[48];
	int replicas = w->replicas;
	snprintf(rev, sizeof rev, "deployment.kubernetes.io/revision: \"%u\"", 1 + pick(9));
	object_begin("apps/v1", "Deployment");
	metadata(w->name, w->ns, w->sel, rev, true);
	line(0, "spec:");
	line(2, "progressDeadlineSeconds: 600");
	line(2, "replicas: %d", replicas);
	line(2, "revisionHistoryLimit: 10");
	line(2, "selector:");
	line(4, "matchLabels:");
	for (size_t i = 0; w->sel[i]; i += 2)
		line(6, "%s: %s", w->sel[i], w->sel[i + 1]);
	line(2, "strategy:");
	line(4, "rollingUpdate:");
	line(6, "maxSurge: 25%%");
	line(6, "maxUnavailable: 25%%");
	line(4, "type: RollingUpdate");
	line(2, "template:");
	line(4, "metadata:");
	line(6, "creationTimestamp: null");
	line(6, "labels:");
	for (size_t i = 0; w->labels[i]; i += 2)
		line(8, "%s: %s", w->labels[i], w->labels[i + 1]);
	line(4, "spec:");
	line(6, "containers:");
	if (pick(3) == 0) {
		line(6, "- env:");
		line(8, "- name: LOG_LEVEL");
		line(10, "value: %s", pick(2) ? "info" : "debug");
		line(8, "- name: POD_NAMESPACE");
		line(10, "valueFrom:");
		line(12, "fieldRef:");
		line(14, "apiVersion: v1");
		line(14, "fieldPath: metadata.namespace");
		line(8, "image: %s", w->image);
	} else {
		line(6, "- image: %s", w->image);
	}
	line(8, "imagePullPolicy: IfNotPresent");
	line(8, "name: %s", w->name);
	line(8, "ports:");
	for (size_t i = 0; i < w->nports; i++) {
		line(8, "- containerPort: %d", w->ports[i].port);
		line(10, "name: %s", w->ports[i].name);
		line(10, "protocol: %s", w->ports[i].proto);
	}
	if (w->nports && !strcmp(w->ports[0].name, "http")) {
		line(8, "readinessProbe:");
		line(10, "failureThreshold: 3");
		line(10, "httpGet:");
		line(12, "path: /healthz");
		line(12, "port: http");
		line(12, "scheme: HTTP");
		line(10, "periodSeconds: 10");
		line(10, "successThreshold: 1");
		line(10, "timeoutSeconds: 1");
	}
	line(8, "resources:");
	line(10, "limits:");
	line(12, "memory: %dMi", 128 << pick(4));
	line(10, "requests:");
	line(12, "cpu: %dm", 50 * (1 + (int)pick(8)));
	line(12, "memory: %dMi", 64 << pick(4));
	line(8, "terminationMessagePath: /dev/termination-log");
	line(8, "terminationMessagePolicy: File");
	line(6, "dnsPolicy: ClusterFirst");
	line(6, "restartPolicy: Always");
	line(6, "schedulerName: default-scheduler");
	line(6, "securityContext: {}");
	line(6, "terminationGracePeriodSeconds: 30");
	line(0, "status:");
	line(2, "availableReplicas: %d", replicas);
	line(2, "conditions:");
	timestamp(2, "- lastTransitionTime", nobjects + 1);
	timestamp(4, "lastUpdateTime", nobjects + 1);
	line(4, "message: Deployment has minimum availability.");
	line(4, "reason: MinimumReplicasAvailable");
	line(4, "status: \"True\"");
	line(4, "type: Available");
	timestamp(2, "- lastTransitionTime", nobjects);
	timestamp(4, "lastUpdateTime", nobjects + 2);
	line(4, "message: ReplicaSet \"%s-%06" PRIx64 "\" has successfully progressed.", w->name,
	     rng() & 0xffffff);
	line(4, "reason: NewReplicaSetAvailable");
	line(4, "status: \"True\"");
	line(4, "type: Progressing");
	line(2, "observedGeneration: 1");
	line(2, "readyReplicas: %d", replicas);
	line(2, "replicas: %d", replicas);
	line(2, "updatedReplicas: %d", replicas);
}

static unsigned long cluster_ip_next = 11; /* 10.96.0.10 is kube-dns */

static void write_service(const struct workload *w)
{
	unsigned long ip = cluster_ip_next++;
	char cip[32];
	snprintf(cip, sizeof cip, "10.%lu.%lu.%lu", 96 + (ip >> 16), (ip >> 8) & 255, ip & 255);
	if (!strcmp(w->name, "kube-dns"))
		snprintf(cip, sizeof cip, "10.96.0.10");
	object_begin("v1", "Service");
	metadata(w->name, w->ns, w->sel, NULL, false);
	line(0, "spec:");
	line(2, "clusterIP: %s", cip);
	line(2, "clusterIPs:");
	line(2, "- %s", cip);
	line(2, "internalTrafficPolicy: Cluster");
	line(2, "ipFamilies:");
	line(2, "- IPv4");
	line(2, "ipFamilyPolicy: SingleStack");
	line(2, "ports:");
	for (size_t i = 0; i < w->nports; i++) {
		int port = w->ports[i].port;
		/* Web ports are exposed as 80 (and gRPC as itself), as charts usually do. */
		if (!strcmp(w->ports[i].name, "http") && port == 8080)
			port = 80;
		line(2, "- name: %s", w->ports[i].name);
		line(4, "port: %d", port);
		line(4, "protocol: %s", w->ports[i].proto);
		line(4, "targetPort: %s", w->ports[i].name);
	}
	line(2, "selector:");
	for (size_t i = 0; w->sel[i]; i += 2)
		line(4, "%s: %s", w->sel[i], w->sel[i + 1]);
	line(2, "sessionAffinity: None");
	line(2, "type: ClusterIP");
	line(0, "status:");
	line(2, "loadBalancer: {}");
}

/* ---- NetworkPolicy pieces ---- */

static unsigned long npolicies;

static void policy_begin(const char *ns, const char *name)
{
	object_begin("networking.k8s.io/v1", "NetworkPolicy");
	metadata(name, ns, NULL, NULL, true);
	line(0, "spec:");
	npolicies++;
}

static void policy_types(bool ingress, bool egress)
{
	line(2, "policyTypes:");
	if (ingress)
		line(2, "- Ingress");
	if (egress)
		line(2, "- Egress");
}

/* A selector with matchLabels k=v (pairs, NULL-terminated) under `key:` at ind;
 * a key written "- key" is the first key of a list item, two columns further in. */
static void match_labels(int ind, const char *key, const char *const *kv)
{
	line(ind, "%s:", key);
	if (key[0] == '-')
		ind += 2;
	line(ind + 2, "matchLabels:");
	for (size_t i = 0; kv[i]; i += 2)
		line(ind + 4, "%s: %s", kv[i], kv[i + 1]);
}

static void port_item(int ind, const char *proto, const char *port, int end_port)
{
	if (end_port)
		line(ind, "- endPort: %d", end_port), line(ind + 2, "port: %s", port);
	else
		line(ind, "- port: %s", port);
	line(ind + 2, "protocol: %s", proto);
}

static void policies_for(const struct nsinfo *ns, const struct nsinfo *peer_ns, int nsi)
{
	const char *n = ns->name;

	/* 1. Default deny, both directions. */
	policy_begin(n, "default-deny-all");
	line(2, "podSelector: {}");
	policy_types(true, true);

	/* 2. DNS egress to kube-dns: namespaceSelector AND podSelector, UDP and TCP 53. */
	policy_begin(n, "allow-dns-egress");
	line(2, "egress:");
	line(2, "- ports:");
	port_item(4, "UDP", "53", 0);
	port_item(4, "TCP", "53", 0);
	line(4, "to:");
	line(4, "- namespaceSelector:");
	line(8, "matchLabels:");
	line(10, "kubernetes.io/metadata.name: kube-system");
	match_labels(6, "podSelector", (const char *const[]){ "k8s-app", "kube-dns", NULL });
	line(2, "podSelector: {}");
	policy_types(false, true);

	/* 3. Frontends: from the ingress controller on the named port, and from the
	 * internet (not private ranges) on 8443. */
	policy_begin(n, "frontend-ingress");
	line(2, "ingress:");
	line(2, "- from:");
	line(4, "- namespaceSelector:");
	line(8, "matchLabels:");
	line(10, "kubernetes.io/metadata.name: ingress-nginx");
	match_labels(6, "podSelector",
		     (const char *const[]){ "app.kubernetes.io/name", "ingress-nginx", NULL });
	line(4, "ports:");
	port_item(4, "TCP", "http", 0);
	line(2, "- from:");
	line(4, "- ipBlock:");
	line(8, "cidr: 0.0.0.0/0");
	line(8, "except:");
	line(8, "- 10.0.0.0/8");
	line(8, "- 172.16.0.0/12");
	line(8, "- 192.168.0.0/16");
	line(4, "ports:");
	port_item(4, "TCP", "8443", 0);
	match_labels(2, "podSelector", (const char *const[]){ "tier", "frontend", NULL });
	policy_types(true, false);

	/* 4. Frontends call backends on their named ports. */
	policy_begin(n, "frontend-egress");
	line(2, "egress:");
	line(2, "- ports:");
	port_item(4, "TCP", "http", 0);
	port_item(4, "TCP", "grpc", 0);
	line(4, "to:");
	match_labels(4, "- podSelector", (const char *const[]){ "tier", "backend", NULL });
	match_labels(2, "podSelector", (const char *const[]){ "tier", "frontend", NULL });
	policy_types(false, true);

	/* 5. Backends accept frontends, backends and workers (matchExpressions). */
	policy_begin(n, "backend-ingress");
	line(2, "ingress:");
	line(2, "- from:");
	line(4, "- podSelector:");
	line(8, "matchExpressions:");
	line(8, "- key: tier");
	line(10, "operator: In");
	line(10, "values:");
	line(10, "- frontend");
	line(10, "- backend");
	line(10, "- worker");
	line(4, "ports:");
	port_item(4, "TCP", "http", 0);
	port_item(4, "TCP", "grpc", 0);
	line(2, "podSelector:");
	line(4, "matchLabels:");
	line(6, "tier: backend");
	policy_types(true, false);

	/* 6. Backends and workers: datastores by number, backends by name, and the
	 * backends of the next team's namespace of the same env (AND peer). */
	policy_begin(n, "backend-egress");
	line(2, "egress:");
	line(2, "- ports:");
	port_item(4, "TCP", "5432", 0);
	port_item(4, "TCP", "6379", 0);
	port_item(4, "TCP", "27017", 0);
	port_item(4, "TCP", "9092", 0);
	port_item(4, "TCP", "9200", 9300);
	line(4, "to:");
	match_labels(4, "- podSelector", (const char *const[]){ "tier", "db", NULL });
	line(2, "- ports:");
	port_item(4, "TCP", "http", 0);
	port_item(4, "TCP", "grpc", 0);
	line(4, "to:");
	match_labels(4, "- podSelector", (const char *const[]){ "tier", "backend", NULL });
	line(2, "- ports:");
	port_item(4, "TCP", "9090", 0);
	line(4, "to:");
	line(4, "- namespaceSelector:");
	line(8, "matchLabels:");
	line(10, "env: %s", peer_ns->env);
	line(10, "team: %s", peer_ns->team);
	match_labels(6, "podSelector", (const char *const[]){ "tier", "backend", NULL });
	line(2, "podSelector:");
	line(4, "matchExpressions:");
	line(4, "- key: tier");
	line(6, "operator: In");
	line(6, "values:");
	line(6, "- backend");
	line(6, "- worker");
	policy_types(false, true);

	/* 7. Datastores accept backends and workers; Elasticsearch's two ports as a range. */
	policy_begin(n, "db-ingress");
	line(2, "ingress:");
	line(2, "- from:");
	line(4, "- podSelector:");
	line(8, "matchExpressions:");
	line(8, "- key: tier");
	line(10, "operator: In");
	line(10, "values:");
	line(10, "- backend");
	line(10, "- worker");
	line(4, "ports:");
	port_item(4, "TCP", "postgres", 0);
	port_item(4, "TCP", "redis", 0);
	port_item(4, "TCP", "27017", 0);
	port_item(4, "TCP", "9092", 0);
	port_item(4, "TCP", "9200", 9300);
	match_labels(2, "podSelector", (const char *const[]){ "tier", "db", NULL });
	policy_types(true, false);

	/* 8. Prometheus scrapes every pod's metrics port. */
	policy_begin(n, "allow-prometheus-scrape");
	line(2, "ingress:");
	line(2, "- from:");
	line(4, "- namespaceSelector:");
	line(8, "matchLabels:");
	line(10, "kubernetes.io/metadata.name: monitoring");
	match_labels(6, "podSelector",
		     (const char *const[]){ "app.kubernetes.io/name", "prometheus", NULL });
	line(4, "ports:");
	port_item(4, "TCP", "metrics", 0);
	line(2, "podSelector: {}");
	policy_types(true, false);

	/* 9. Backends accept the previous team's backends (mirror of 6), matchExpressions
	 * on the namespace. */
	policy_begin(n, "cross-namespace-ingress");
	line(2, "ingress:");
	line(2, "- from:");
	line(4, "- namespaceSelector:");
	line(8, "matchExpressions:");
	line(8, "- key: team");
	line(10, "operator: In");
	line(10, "values:");
	line(10, "- team-%03d", ns->team_index ? ns->team_index - 1 : 0);
	line(8, "- key: env");
	line(10, "operator: In");
	line(10, "values:");
	line(10, "- prod");
	line(10, "- staging");
	match_labels(6, "podSelector", (const char *const[]){ "tier", "backend", NULL });
	line(4, "ports:");
	port_item(4, "TCP", "grpc", 0);
	match_labels(2, "podSelector", (const char *const[]){ "tier", "backend", NULL });
	policy_types(true, false);

	/* 10. The payments backend calls its partner's API: a /22 minus a /26, HTTPS and
	 * a high port range; plus the internet on 443 outside private ranges. */
	policy_begin(n, "partner-egress");
	line(2, "egress:");
	line(2, "- ports:");
	port_item(4, "TCP", "443", 0);
	port_item(4, "TCP", "30000", 32767);
	line(4, "to:");
	line(4, "- ipBlock:");
	line(8, "cidr: %d.%d.%d.0/22", 52 + nsi / 16384 % 8, nsi / 64 % 256, nsi % 64 * 4);
	line(8, "except:");
	line(8, "- %d.%d.%d.192/26", 52 + nsi / 16384 % 8, nsi / 64 % 256, nsi % 64 * 4 + 3);
	line(2, "- ports:");
	port_item(4, "TCP", "443", 0);
	line(4, "to:");
	line(4, "- ipBlock:");
	line(8, "cidr: 0.0.0.0/0");
	line(8, "except:");
	line(8, "- 10.0.0.0/8");
	line(8, "- 172.16.0.0/12");
	line(8, "- 192.168.0.0/16");
	match_labels(2, "podSelector", (const char *const[]){ "app", "payments", NULL });
	policy_types(false, true);
}

/* kube-system, ingress-nginx and monitoring, with their own few policies. */
static void write_infra(void)
{
	static const char *const dns_labels[] = { "k8s-app", "kube-dns", NULL };
	static const char *const nginx_labels[] = { "app.kubernetes.io/component", "controller",
						    "app.kubernetes.io/name", "ingress-nginx", NULL };
	static const char *const nginx_sel[] = { "app.kubernetes.io/name", "ingress-nginx", NULL };
	static const char *const prom_labels[] = { "app.kubernetes.io/name", "prometheus", NULL };
	struct workload w[] = {
		{ "kube-system", "kube-dns", "registry.k8s.io/coredns/coredns:v1.11.1", dns_labels,
		  dns_labels,
		  { { "dns", 53, "UDP" }, { "dns-tcp", 53, "TCP" }, { "metrics", 9153, "TCP" } },
		  3, 2 },
		{ "ingress-nginx", "ingress-nginx-controller",
		  "registry.k8s.io/ingress-nginx/controller:v1.11.2", nginx_labels, nginx_sel,
		  { { "http", 80, "TCP" }, { "https", 443, "TCP" }, { "metrics", 10254, "TCP" } },
		  3, 3 },
		{ "monitoring", "prometheus", "quay.io/prometheus/prometheus:v2.54.1", prom_labels,
		  prom_labels, { { "web", 9090, "TCP" } }, 1, 1 },
	};
	write_namespace("kube-system", NULL, NULL);
	write_namespace("ingress-nginx", "team-platform", "prod");
	write_namespace("monitoring", "team-platform", "prod");
	for (size_t i = 0; i < NELEM(w); i++) {
		write_deployment(&w[i]);
		write_service(&w[i]);
	}

	policy_begin("kube-system", "allow-dns-ingress");
	line(2, "ingress:");
	line(2, "- from:");
	line(4, "- namespaceSelector: {}");
	line(4, "ports:");
	port_item(4, "UDP", "dns", 0);
	port_item(4, "TCP", "dns-tcp", 0);
	match_labels(2, "podSelector", dns_labels);
	policy_types(true, false);

	policy_begin("monitoring", "default-deny-ingress");
	line(2, "podSelector: {}");
	policy_types(true, false);

	policy_begin("monitoring", "prometheus-scrape-egress");
	line(2, "egress:");
	line(2, "- ports:");
	port_item(4, "TCP", "metrics", 0);
	port_item(4, "TCP", "9100", 9199);
	line(4, "to:");
	line(4, "- namespaceSelector: {}");
	match_labels(2, "podSelector", prom_labels);
	policy_types(false, true);
}

static void write_app_namespace(const struct nsinfo *ns, const struct nsinfo *peer_ns, int nsi,
				int nworkloads)
{
	write_namespace(ns->name, ns->team, ns->env);
	for (int j = 0; j < nworkloads; j++) {
		struct workload w = { .ns = ns->name, .replicas = 1 + (int)pick(4) };
		char image[128];
		enum tier t;
		const char *name;
		if (j < 8) {
			t = T_FRONTEND, name = frontends[j];
			w.ports[0] = (struct cport){ "http", 8080, "TCP" };
			w.ports[1] = (struct cport){ "metrics", 9102, "TCP" };
			w.nports = 2;
		} else if (j < 33) {
			t = T_BACKEND, name = backends[j - 8];
			w.ports[0] = (struct cport){ "http", 8080, "TCP" };
			w.ports[1] = (struct cport){ "grpc", 9090, "TCP" };
			w.ports[2] = (struct cport){ "metrics", 9102, "TCP" };
			w.nports = 3;
		} else if (j < 43) {
			t = T_WORKER, name = workers[j - 33];
			w.ports[0] = (struct cport){ "metrics", 9102, "TCP" };
			w.nports = 1;
		} else {
			const struct db *d = &dbs[j - 43];
			t = T_DB, name = d->name;
			w.ports[0] = (struct cport){ d->port_name, d->port, "TCP" };
			w.nports = 1;
			if (d->end_port)
				w.ports[w.nports++] = (struct cport){ "transport", d->end_port, "TCP" };
			w.ports[w.nports++] = (struct cport){ "metrics", 9187, "TCP" };
		}
		w.name = name;
		if (t == T_DB)
			snprintf(image, sizeof image, "%s", dbs[j - 43].image);
		else
			snprintf(image, sizeof image, "registry.example.com/%s/%s:%u.%u.%u",
				 ns->product, name, 1 + pick(3), pick(20), pick(10));
		w.image = image;
		char version[8];
		snprintf(version, sizeof version, "v%u", 1 + pick(3));
		const char *labels[] = { "app", name, "app.kubernetes.io/part-of", ns->product,
					 "team", ns->team, "tier", tier_names[t], "version", version,
					 NULL };
		const char *sel[] = { "app", name, NULL };
		w.labels = labels;
		w.sel = sel;
		write_deployment(&w);
		write_service(&w);
	}
	policies_for(ns, peer_ns, nsi);
}

static void ns_info(struct nsinfo *ns, int i)
{
	ns->team_index = i / 3;
	ns->env = envs[i % 3];
	snprintf(ns->team, sizeof ns->team, "team-%03d", ns->team_index);
	snprintf(ns->product, sizeof ns->product, "%s%d", products[ns->team_index % NELEM(products)],
		 ns->team_index / (int)NELEM(products));
	snprintf(ns->name, sizeof ns->name, "%s-%s", ns->product, ns->env);
}

/* The tier-heavy variant (-t): 1,000 admin and 100 baseline ClusterNetworkPolicies, each
 * selecting the namespaces of one team or environment, with a Pass, a Deny and an egress
 * networks rule, at distinct priorities. */
static void write_tiers(int nteams)
{
	for (int i = 0; i < 1100; i++) {
		bool admin = i < 1000;
		char name[32];
		snprintf(name, sizeof name, "%s-%04d", admin ? "admin" : "baseline", i);
		object_begin("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy");
		metadata(name, NULL, NULL, NULL, true);
		line(0, "spec:");
		line(2, "tier: %s", admin ? "Admin" : "Baseline");
		line(2, "priority: %d", admin ? i : i - 1000);
		line(2, "subject:");
		line(4, "namespaces:");
		line(6, "matchLabels:");
		if (i % 2)
			line(8, "team: team-%03d", (i / 2) % (nteams ? nteams : 1));
		else
			line(8, "env: %s", envs[(i / 2) % 3]);
		line(2, "ingress:");
		line(2, "- name: same-team");
		line(4, "action: Pass");
		line(4, "from:");
		line(4, "- namespaces:");
		line(8, "matchLabels: {team: team-%03d}", (i / 2) % (nteams ? nteams : 1));
		line(2, "- name: deny-port");
		line(4, "action: Deny");
		line(4, "from:");
		line(4, "- namespaces: {}");
		line(4, "protocols:");
		line(4, "- tcp:");
		line(8, "destinationPort: {number: %d}", 10000 + i);
		line(2, "egress:");
		line(2, "- name: deny-range");
		line(4, "action: Deny");
		line(4, "to:");
		line(4, "- networks: [198.18.%d.0/24]", i % 256);
	}
}

/* ---- pod-heavy shapes ---- */

/*
 * The pods shape (-P N): N standalone Pods (no owner), about PODS_PER_NS per namespace,
 * each with 3-7 labels and 1-3 containers with named ports, and about POLS_PER_NS
 * NetworkPolicies per namespace whose selectors repeat (one per app, a few per tier).
 * The dump shape (-D N): what `kubectl get pods,deploy,rs,sts,ds,svc,netpol,ns -A -o yaml`
 * prints for N pods at the Kubernetes limits' density (30 pods and 6 policies per
 * namespace): Deployments with a ReplicaSet and Pods owned by it, a StatefulSet, a node
 * agent DaemonSet with one Pod per node, Services and policies.
 */
#define PODS_PER_NS 820
#define PODS_APPS 80
#define DUMP_PODS_PER_NS 30
#define DUMP_NODE_PODS 110

static const char *const pod_tiers[] = { "frontend", "backend", "worker", "db", "cache" };
static const char *const pod_components[] = { "server", "api", "consumer", "scheduler",
					      "exporter", "proxy" };
static const char *const pod_port_names[] = { "http", "grpc", "metrics", "admin", "health",
					      "debug" };
static const int pod_port_numbers[] = { 8080, 9090, 9102, 8081, 8086, 6060 };

static unsigned long pod_ip_next = 2;
/* For -r: the first two application Pods written (the pods shape), or the first web and
 * api Pods (the dump shape), as NAMESPACE/NAME. */
static char first_pod[2][160];

static void pod_ip(char buf[32])
{
	unsigned long ip = pod_ip_next++;
	snprintf(buf, 32, "10.%lu.%lu.%lu", 128 + (ip >> 16) % 64, (ip >> 8) & 255, ip & 255);
}

struct owner {
	const char *api_version, *kind, *name;
};

/* metadata's labels (sorted k=v pairs, NULL-terminated), name, namespace and
 * ownerReferences (none when own is NULL), in the API server's key order. */
static void meta_owned(const char *ns, const char *name, const char *const *labels,
		       const struct owner *own)
{
	line(2, "labels:");
	for (size_t i = 0; labels[i]; i += 2)
		line(4, "%s: %s", labels[i], labels[i + 1]);
	line(2, "name: %s", name);
	line(2, "namespace: %s", ns);
	if (own) {
		char ou[37];
		uid(ou);
		line(2, "ownerReferences:");
		line(2, "- apiVersion: %s", own->api_version);
		line(4, "blockOwnerDeletion: true");
		line(4, "controller: true");
		line(4, "kind: %s", own->kind);
		line(4, "name: %s", own->name);
		line(4, "uid: %s", ou);
	}
}

/* One running Pod. labels: sorted k=v pairs, NULL-terminated; ports[i] of container
 * i % ncontainers. */
static void write_pod(const char *ns, const char *name, const char *const *labels,
		      const struct owner *own, const char *image, int ncontainers,
		      const struct cport *ports, size_t nports, unsigned node)
{
	char u[37], ip[32];
	if (strcmp(ns, "kube-system")) {
		int slot = !first_pod[0][0] ? 0 : !first_pod[1][0] ? 1 : -1;
		if (slot == 1 && !strncmp(name, "web-", 4))
			slot = -1;
		if (slot == 1 && own && strncmp(name, "api-", 4))
			slot = -1;
		if (slot >= 0)
			snprintf(first_pod[slot], sizeof first_pod[slot], "%s/%s", ns, name);
	}
	object_begin("v1", "Pod");
	uid(u);
	line(0, "metadata:");
	timestamp(2, "creationTimestamp", nobjects);
	if (own && !strcmp(own->kind, "ReplicaSet"))
		line(2, "generateName: %.*s", (int)(strrchr(name, '-') - name + 1), name);
	meta_owned(ns, name, labels, own);
	line(2, "resourceVersion: \"%lu\"", resource_version++);
	line(2, "uid: %s", u);
	line(0, "spec:");
	line(2, "containers:");
	for (int c = 0; c < ncontainers; c++) {
		line(2, "- image: %s%s", image, c ? "-sidecar" : "");
		line(4, "imagePullPolicy: IfNotPresent");
		line(4, "name: %s", c ? (c == 1 ? "sidecar" : "proxy") : "main");
		bool any = false;
		for (size_t i = (size_t)c; i < nports; i += (size_t)ncontainers) {
			if (!any)
				line(4, "ports:");
			any = true;
			line(4, "- containerPort: %d", ports[i].port);
			line(6, "name: %s", ports[i].name);
			line(6, "protocol: %s", ports[i].proto);
		}
		line(4, "resources: {}");
		line(4, "terminationMessagePath: /dev/termination-log");
		line(4, "terminationMessagePolicy: File");
	}
	line(2, "dnsPolicy: ClusterFirst");
	line(2, "enableServiceLinks: true");
	line(2, "nodeName: node-%04u", node);
	line(2, "restartPolicy: Always");
	line(2, "schedulerName: default-scheduler");
	line(2, "serviceAccountName: default");
	line(0, "status:");
	line(2, "conditions:");
	static const char *const conds[] = { "Initialized", "Ready", "ContainersReady",
					     "PodScheduled" };
	for (size_t i = 0; i < NELEM(conds); i++) {
		line(2, "- lastProbeTime: null");
		timestamp(4, "lastTransitionTime", nobjects + i);
		line(4, "status: \"True\"");
		line(4, "type: %s", conds[i]);
	}
	pod_ip(ip);
	line(2, "hostIP: 10.0.%u.%u", node / 250 % 256, node % 250 + 1);
	line(2, "phase: Running");
	line(2, "podIP: %s", ip);
	line(2, "podIPs:");
	line(2, "- ip: %s", ip);
	line(2, "qosClass: BestEffort");
	timestamp(2, "startTime", nobjects + 1);
}

/* A policy selecting matchLabels k=v, allowing from/to (k2=v2 pods, optionally in the
 * namespaces labelled team) on ports (names or numbers). */
static void pod_policy(const char *ns, const char *name, const char *k, const char *v,
		       bool egress, const char *pk, const char *pv, const char *peer_team,
		       const char *const *ports, size_t nports)
{
	policy_begin(ns, name);
	line(2, "%s:", egress ? "egress" : "ingress");
	line(2, "- %s:", egress ? "to" : "from");
	if (peer_team) {
		line(4, "- namespaceSelector:");
		line(8, "matchLabels:");
		line(10, "team: %s", peer_team);
		line(6, "podSelector:");
	} else {
		line(4, "- podSelector:");
	}
	line(8, "matchLabels:");
	line(10, "%s: %s", pk, pv);
	line(4, "ports:");
	for (size_t i = 0; i < nports; i++)
		port_item(4, "TCP", ports[i], 0);
	line(2, "podSelector:");
	line(4, "matchLabels:");
	line(6, "%s: %s", k, v);
	policy_types(!egress, egress);
}

static void write_dump_service(const char *ns, const char *app, const struct cport *ports,
			       size_t nports);

/* Egress to every namespace on UDP and TCP 53, as DNS policies are often written: every
 * pod of the cluster is a destination of the rule. */
static void dns_everywhere(const char *ns)
{
	policy_begin(ns, "allow-dns-anywhere");
	line(2, "egress:");
	line(2, "- ports:");
	port_item(4, "UDP", "53", 0);
	port_item(4, "TCP", "53", 0);
	line(4, "to:");
	line(4, "- namespaceSelector: {}");
	line(2, "podSelector: {}");
	policy_types(false, true);
}

static void write_pods_namespace(const struct nsinfo *ns, const struct nsinfo *peer, long npods)
{
	write_namespace(ns->name, ns->team, ns->env);
	for (long j = 0; j < npods; j++) {
		unsigned app = pick(PODS_APPS);
		const char *tier = pod_tiers[app % NELEM(pod_tiers)];
		char appname[32], podname[64], version[8], release[16], image[96];
		snprintf(appname, sizeof appname, "app-%02u", app);
		snprintf(podname, sizeof podname, "%s-%05ld", appname, j);
		snprintf(version, sizeof version, "v%u", 1 + pick(3));
		snprintf(release, sizeof release, "r%u", pick(40));
		snprintf(image, sizeof image, "registry.example.com/%s/%s:1.%u", ns->product,
			 appname, pick(20));
		/* 3 to 7 labels, keys sorted. */
		unsigned nl = 3 + pick(5);
		const char *labels[16];
		size_t k = 0;
		labels[k++] = "app", labels[k++] = appname;
		if (nl > 5)
			labels[k++] = "component", labels[k++] = pod_components[app % NELEM(pod_components)];
		if (nl > 6)
			labels[k++] = "release", labels[k++] = release;
		labels[k++] = "team", labels[k++] = ns->team;
		labels[k++] = "tier", labels[k++] = tier;
		if (nl > 3)
			labels[k++] = "version", labels[k++] = version;
		if (nl > 4)
			labels[k++] = "zone", labels[k++] = pick(2) ? "a" : "b";
		labels[k] = NULL;
		/* 1 to 3 containers, one to three named ports among them. */
		int nc = 1 + (int)pick(3);
		struct cport ports[3];
		size_t np = 1 + app % 3;
		for (size_t i = 0; i < np; i++) {
			size_t pi = (app + i * 2) % NELEM(pod_port_names);
			ports[i] = (struct cport){ pod_port_names[pi], pod_port_numbers[pi], "TCP" };
		}
		write_pod(ns->name, podname, labels, NULL, image, nc, ports, np, pick(200));
	}
	/* Per app: an ingress policy from its tier's callers on its named ports (two thirds
	 * of the apps also get an egress policy); a few per tier; a default deny. */
	policy_begin(ns->name, "default-deny");
	line(2, "podSelector: {}");
	policy_types(true, true);
	dns_everywhere(ns->name);
	for (unsigned app = 0; app < PODS_APPS; app++) {
		char appname[32], name[64];
		snprintf(appname, sizeof appname, "app-%02u", app);
		/* Its Service: port 80 to the first named port, and each port as itself. */
		struct cport sp[3];
		size_t nsp = 1 + app % 3;
		for (size_t i = 0; i < nsp; i++) {
			size_t pi = (app + i * 2) % NELEM(pod_port_names);
			sp[i] = (struct cport){ pod_port_names[pi], pod_port_numbers[pi], "TCP" };
		}
		write_dump_service(ns->name, appname, sp, nsp);
		const char *ports[2] = { pod_port_names[app % NELEM(pod_port_names)],
					 pod_port_names[(app + 2) % NELEM(pod_port_names)] };
		const char *caller = pod_tiers[(app + 4) % NELEM(pod_tiers)];
		snprintf(name, sizeof name, "%s-ingress", appname);
		pod_policy(ns->name, name, "app", appname, false, "tier", caller, NULL, ports, 2);
		snprintf(name, sizeof name, "%s-ingress-peer", appname);
		pod_policy(ns->name, name, "app", appname, false, "tier", caller, peer->team,
			   ports, 1);
		if (app % 3) {
			const char *num[2] = { "8080", "9090" };
			snprintf(name, sizeof name, "%s-egress", appname);
			pod_policy(ns->name, name, "app", appname, true, "tier",
				   pod_tiers[(app + 1) % NELEM(pod_tiers)], NULL, num, 2);
		}
	}
	for (size_t t = 0; t < NELEM(pod_tiers); t++) {
		char name[64];
		const char *m[1] = { "metrics" };
		snprintf(name, sizeof name, "%s-scrape", pod_tiers[t]);
		pod_policy(ns->name, name, "tier", pod_tiers[t], false, "app", "app-00", NULL, m, 1);
	}
}

static void write_pods_shape(long n)
{
	long nns = (n + PODS_PER_NS - 1) / PODS_PER_NS;
	for (long k = 0; k < nns; k++) {
		struct nsinfo ns, peer;
		ns_info(&ns, (int)k);
		ns_info(&peer, (int)((k + 3) % nns));
		long left = n - k * PODS_PER_NS;
		write_pods_namespace(&ns, &peer, left < PODS_PER_NS ? left : PODS_PER_NS);
	}
}

/* A workload object of the dump (Deployment, ReplicaSet, StatefulSet, DaemonSet) with the
 * pod template labels given; short, as its pods carry what the analysis reads. */
static void write_controller(const char *api, const char *kind, const char *ns,
			     const char *name, const char *const *labels, const struct owner *own,
			     int replicas, const struct cport *ports, size_t nports)
{
	object_begin(api, kind);
	line(0, "metadata:");
	timestamp(2, "creationTimestamp", nobjects);
	line(2, "generation: 1");
	meta_owned(ns, name, labels, own);
	line(2, "resourceVersion: \"%lu\"", resource_version++);
	char u[37];
	uid(u);
	line(2, "uid: %s", u);
	line(0, "spec:");
	if (strcmp(kind, "DaemonSet"))
		line(2, "replicas: %d", replicas);
	line(2, "selector:");
	line(4, "matchLabels:");
	line(6, "app: %s", labels[1]);
	line(2, "template:");
	line(4, "metadata:");
	line(6, "labels:");
	for (size_t i = 0; labels[i]; i += 2)
		line(8, "%s: %s", labels[i], labels[i + 1]);
	line(4, "spec:");
	line(6, "containers:");
	line(6, "- image: registry.example.com/%s:1.0", labels[1]);
	line(8, "name: main");
	line(8, "ports:");
	for (size_t i = 0; i < nports; i++) {
		line(8, "- containerPort: %d", ports[i].port);
		line(10, "name: %s", ports[i].name);
		line(10, "protocol: %s", ports[i].proto);
	}
	line(0, "status:");
	line(2, "observedGeneration: 1");
	line(2, "readyReplicas: %d", replicas);
	line(2, "replicas: %d", replicas);
}

static void write_dump_service(const char *ns, const char *app, const struct cport *ports,
			       size_t nports)
{
	const char *sel[] = { "app", app, NULL };
	struct workload w = { .ns = ns, .name = app, .sel = sel, .nports = nports };
	memcpy(w.ports, ports, nports * sizeof(*ports));
	write_service(&w);
}

static void write_dump_shape(long n)
{
	long nns = (n + DUMP_PODS_PER_NS - 1) / DUMP_PODS_PER_NS;
	long nnodes = (n + DUMP_NODE_PODS - 1) / DUMP_NODE_PODS;
	static const struct cport web[] = { { "http", 8080, "TCP" }, { "metrics", 9102, "TCP" } };
	static const struct cport api[] = { { "grpc", 9090, "TCP" }, { "http", 8080, "TCP" },
					    { "metrics", 9102, "TCP" } };
	static const struct cport db[] = { { "postgres", 5432, "TCP" }, { "metrics", 9187, "TCP" } };
	static const struct cport agent[] = { { "metrics", 9100, "TCP" } };
	long left = n;

	/* The node agent: one Pod per node in kube-system. */
	write_namespace("kube-system", NULL, NULL);
	{
		const char *labels[] = { "app", "node-agent", "tier", "system", NULL };
		struct owner own = { "apps/v1", "DaemonSet", "node-agent" };
		write_controller("apps/v1", "DaemonSet", "kube-system", "node-agent", labels, NULL,
				 (int)nnodes, agent, 1);
		for (long i = 0; i < nnodes && left > 0; i++, left--) {
			char name[64];
			/* Unique for up to 2^20 nodes: an odd multiplier is a bijection mod 2^20
			 * (rng() is still drawn, so the rest of the dump is unchanged). */
			(void)rng();
			snprintf(name, sizeof name, "node-agent-%05lx",
				 (unsigned long)(i * 40503 + 12345) & 0xfffff);
			write_pod("kube-system", name, labels, &own, "registry.example.com/agent", 1,
				  agent, 1, (unsigned)i);
		}
	}
	for (long k = 0; k < nns && left > 0; k++) {
		struct nsinfo ns, peer;
		ns_info(&ns, (int)k);
		ns_info(&peer, (int)((k + 3) % nns));
		write_namespace(ns.name, ns.team, ns.env);
		/* Three Deployments (web, api, worker) and a StatefulSet (db). */
		static const char *const apps[] = { "web", "api", "worker", "db" };
		static const int replicas[] = { 8, 12, 7, 3 };
		for (size_t a = 0; a < NELEM(apps) && left > 0; a++) {
			const char *tier = a == 0 ? "frontend" : a == 3 ? "db" : "backend";
			const char *labels[] = { "app", apps[a], "team", ns.team, "tier", tier, NULL };
			const struct cport *ports = a == 0 ? web : a == 3 ? db : api;
			size_t np = a == 0 ? 2 : a == 3 ? 2 : 3;
			bool sts = a == 3;
			char rsname[64];
			struct owner own;
			if (sts) {
				write_controller("apps/v1", "StatefulSet", ns.name, apps[a], labels,
						 NULL, replicas[a], ports, np);
				own = (struct owner){ "apps/v1", "StatefulSet", apps[a] };
			} else {
				struct owner dep = { "apps/v1", "Deployment", apps[a] };
				snprintf(rsname, sizeof rsname, "%s-%08lx", apps[a],
					 (unsigned long)rng() & 0xffffffff);
				write_controller("apps/v1", "Deployment", ns.name, apps[a], labels,
						 NULL, replicas[a], ports, np);
				write_controller("apps/v1", "ReplicaSet", ns.name, rsname, labels,
						 &dep, replicas[a], ports, np);
				own = (struct owner){ "apps/v1", "ReplicaSet", rsname };
			}
			for (int r = 0; r < replicas[a] && left > 0; r++, left--) {
				char name[80];
				if (sts)
					snprintf(name, sizeof name, "%s-%d", apps[a], r);
				else
					/* The low hex digit is the replica: unique in its set. */
					snprintf(name, sizeof name, "%s-%05lx", rsname,
						 ((unsigned long)rng() & 0xffff0) | (unsigned long)r);
				write_pod(ns.name, name, labels, &own, "registry.example.com/app",
					  1 + (int)pick(2), ports, np, (unsigned)pick((unsigned)nnodes));
			}
			write_dump_service(ns.name, apps[a], ports, np);
		}
		/* Seven policies: deny, DNS to every namespace, web from anywhere on http, api from web and the peer
		 * team's api, db from api, egress of web and api. */
		const char *http[] = { "http" }, *grpc[] = { "grpc", "http" }, *pg[] = { "5432" };
		policy_begin(ns.name, "default-deny");
		line(2, "podSelector: {}");
		policy_types(true, true);
		dns_everywhere(ns.name);
		pod_policy(ns.name, "web-ingress", "app", "web", false, "app", "web", NULL, http, 1);
		pod_policy(ns.name, "api-ingress", "app", "api", false, "tier", "frontend", NULL,
			   grpc, 2);
		pod_policy(ns.name, "api-from-peer", "app", "api", false, "app", "api", peer.team,
			   grpc, 1);
		pod_policy(ns.name, "db-ingress", "tier", "db", false, "app", "api", NULL, pg, 1);
		pod_policy(ns.name, "web-egress", "app", "web", true, "app", "api", NULL, grpc, 2);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: gen_cluster [-l] [-t] [-P|-D] [-s SEED] [-o FILE] WORKLOADS\n"
		   "       gen_cluster -r WORKLOADS   (print a reach question: SRC DST PORT)\n"
		   "  -l  one `kind: List` document, as `kubectl get -o yaml` prints\n"
		   "  -P  the pods shape: N standalone Pods, ~820 and ~210 policies per namespace\n"
		   "  -D  the dump shape: N Pods owned by ReplicaSets, StatefulSets, a DaemonSet\n"
		   "  -s  random seed (default 1)\n"
		   "  -t  add 1,000 admin and 100 baseline ClusterNetworkPolicies\n");
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1;
	const char *path = NULL;
	bool reach = false, tiers = false;
	char shape = 0;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-l"))
			as_list = true;
		else if (!strcmp(argv[i], "-r"))
			reach = true;
		else if (!strcmp(argv[i], "-P") || !strcmp(argv[i], "-D"))
			shape = argv[i][1];
		else if (!strcmp(argv[i], "-t"))
			tiers = true;
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 3;
		}
	}
	if (i + 1 != argc) {
		usage(stderr);
		return 3;
	}
	char *end;
	long n = strtol(argv[i], &end, 10);
	if (*end || n < 1 || n > 10000000) {
		fprintf(stderr, "gen_cluster: WORKLOADS must be 1..10000000, not '%s'\n", argv[i]);
		return 3;
	}
	int nns = (int)((n + PER_NS - 1) / PER_NS);
	if (reach && shape) {
		/* The first two application Pods: generated to nowhere to learn their names. */
		out = fopen("/dev/null", "w");
		if (!out)
			return 2;
		rng_state = seed;
		if (shape == 'P')
			write_pods_shape(n);
		else
			write_dump_shape(n);
		printf("%s %s 8080\n", first_pod[0], first_pod[1]);
		return 0;
	}
	if (reach) {
		/* A frontend asking a backend of its own namespace on the named http port:
		 * allowed through frontend-egress and backend-ingress. */
		struct nsinfo ns;
		ns_info(&ns, 0);
		if (n > 8)
			printf("%s/web %s/api 8080\n", ns.name, ns.name);
		else
			printf("%s/web %s/portal 8080\n", ns.name, ns.name);
		return 0;
	}
	rng_state = seed;
	out = path ? fopen(path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "gen_cluster: %s: %s\n", path, strerror(errno));
		return 2;
	}
	static char buf[1 << 16];
	setvbuf(out, buf, _IOFBF, sizeof buf);
	if (as_list)
		fprintf(out, "apiVersion: v1\nitems:\n");
	if (shape == 'P')
		write_pods_shape(n);
	else if (shape == 'D')
		write_dump_shape(n);
	else
		write_infra();
	for (int k = 0; k < nns && !shape; k++) {
		struct nsinfo ns, peer;
		ns_info(&ns, k);
		/* The next team's namespace of the same env (wrapping around). */
		int p = k + 3 < nns ? k + 3 : k % 3;
		ns_info(&peer, p < nns ? p : k);
		long left = n - (long)k * PER_NS;
		write_app_namespace(&ns, &peer, k, left < PER_NS ? (int)left : PER_NS);
	}
	if (tiers)
		write_tiers(nns / 3 + 1);
	if (as_list)
		fprintf(out, "kind: List\nmetadata:\n  resourceVersion: \"\"\n");
	if (fflush(out) || (path && fclose(out))) {
		fprintf(stderr, "gen_cluster: %s: %s\n", path ? path : "stdout", strerror(errno));
		return 2;
	}
	if (shape)
		fprintf(stderr, "gen_cluster: %ld pods, %lu policies, %lu objects\n", n, npolicies,
			nobjects);
	else
		fprintf(stderr, "gen_cluster: %ld workloads (+3 infra), %d namespaces (+3), %lu policies, "
			"%lu objects\n", n, nns, npolicies, nobjects);
	return 0;
}

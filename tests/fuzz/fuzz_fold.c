/*
 * libFuzzer target, differential, for folding (src/fold.c). The input bytes drive a small
 * generator that writes a cluster as YAML: namespaces with labels; owners (ReplicaSets
 * with Pods whose labels, podIPs, named container ports and hostNetwork differ,
 * StatefulSet templates with replicas and ordinals.start, or with their Pods, Deployments
 * with and without the Pods of their ReplicaSets, Jobs and DaemonSets with and without
 * Pods, CronJobs, bare Pods); and NetworkPolicies (ingress and egress, podSelector and
 * namespaceSelector with matchLabels and matchExpressions, ipBlock with except, named and
 * numeric ports, endPort).
 *
 * The text is loaded twice: folded, and with model_options.no_fold (every pod and every
 * StatefulSet replica an endpoint of its own). Each pod is mapped to the class of the
 * folded model holding it (by owner and pod name). The property: folding changes no
 * verdict. For every pod it checks that it is a hostNetwork pod in both models or in
 * neither, that its class is isolated per direction exactly as the pod is, and that for
 * every pair of pods (a pod to itself excepted, which folding cannot express) and every
 * pod with each of a few external addresses, in both directions, solver_allowed on the
 * classes gives the same connections (all protocols and ports) as on the pods. Also, as
 * reach asks: "NS/pod/NAME" resolves (query.c) to the pod's class, and a solver for two
 * classes only (solver_init_for) agrees with the whole one. Any difference prints the
 * YAML and aborts. FUZZ_FOLD_PRINT=1 prints every generated input, with a summary.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "query.h"
#include "solver.h"

static bool print_all;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	print_all = getenv("FUZZ_FOLD_PRINT") != NULL;
	return 0;
}

/* ---- the generator: every choice is one input byte; past the end, always choice 0 ---- */

struct gen {
	const unsigned char *d;
	size_t n, i;
	struct strbuf *y;
};

static unsigned pick(struct gen *g, unsigned k)
{
	if (k <= 1 || g->i >= g->n)
		return 0;
	return g->d[g->i++] % k;
}

#define PICK(g, arr) ((arr)[pick((g), ARRAY_SIZE(arr))])

#define POD_NAME "statefulset.kubernetes.io/pod-name"
#define POD_INDEX "apps.kubernetes.io/pod-index"

static const char *const ns_names[] = { "a", "b", "c" };
static const char *const pod_keys[] = { "app", "v", "tier", POD_NAME, POD_INDEX,
					"pod-template-hash", "job-name", "controller-revision-hash" };
static const char *const ns_keys[] = { "team", "env", "kubernetes.io/metadata.name" };
#define MAX_OWNERS 5

struct lset {
	const char *k[16];
	char v[16][24];
	size_t n;
};

static void lset_put(struct lset *l, const char *k, const char *v)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->k[i], k)) {
			snprintf(l->v[i], sizeof(l->v[i]), "%s", v);
			return;
		}
	if (l->n == ARRAY_SIZE(l->k))
		return;
	l->k[l->n] = k;
	snprintf(l->v[l->n], sizeof(l->v[0]), "%s", v);
	l->n++;
}

static void lset_del(struct lset *l, const char *k)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->k[i], k)) {
			l->k[i] = l->k[l->n - 1];
			memcpy(l->v[i], l->v[l->n - 1], sizeof(l->v[i]));
			l->n--;
			return;
		}
}

/* A value for a pod label key, or for a selector on it: names of the generated objects
 * and replicas where the key holds one. */
static void gen_value(struct gen *g, const char *key, char *buf, size_t len)
{
	static const char *const plain[] = { "x", "y", "z" };
	static const char *const index[] = { "0", "1", "2", "3", "4", "01", "5" };
	static const char *const hash[] = { "h1", "h2" };
	if (!strcmp(key, POD_NAME)) {
		unsigned o = pick(g, MAX_OWNERS), r = pick(g, 6);
		if (pick(g, 6) == 5)
			snprintf(buf, len, "%u", r); /* a bare ordinal: no replica's name */
		else
			snprintf(buf, len, "s%u-%u", o, r);
	} else if (!strcmp(key, POD_INDEX)) {
		snprintf(buf, len, "%s", PICK(g, index));
	} else if (!strcmp(key, "job-name")) {
		snprintf(buf, len, "j%u", pick(g, MAX_OWNERS));
	} else if (!strcmp(key, "pod-template-hash") || !strcmp(key, "controller-revision-hash")) {
		snprintf(buf, len, "%s", PICK(g, hash));
	} else {
		snprintf(buf, len, "%s", PICK(g, plain));
	}
}

static void gen_ns_value(struct gen *g, const char *key, char *buf, size_t len)
{
	static const char *const v[] = { "x", "y", "p" };
	if (!strcmp(key, "kubernetes.io/metadata.name"))
		snprintf(buf, len, "%s", PICK(g, ns_names));
	else
		snprintf(buf, len, "%s", PICK(g, v));
}

static void emit_labels(struct strbuf *y, const struct lset *l)
{
	strbuf_addch(y, '{');
	for (size_t i = 0; i < l->n; i++)
		strbuf_addf(y, "%s'%s': '%s'", i ? ", " : "", l->k[i], l->v[i]);
	strbuf_addch(y, '}');
}

/* Template labels: app, and up to two more. */
static void gen_labels(struct gen *g, struct lset *l)
{
	static const char *const apps[] = { "x", "y", "z" };
	char v[24];
	l->n = 0;
	lset_put(l, "app", PICK(g, apps));
	for (unsigned i = pick(g, 3); i > 0; i--) {
		const char *k = PICK(g, pod_keys);
		gen_value(g, k, v, sizeof(v));
		lset_put(l, k, v);
	}
}

/* A pod's labels: its owner's, with a few set or removed. */
static void mutate_labels(struct gen *g, struct lset *l)
{
	char v[24];
	for (unsigned i = pick(g, 3); i > 0; i--) {
		const char *k = PICK(g, pod_keys);
		if (pick(g, 4) == 3) {
			lset_del(l, k);
		} else {
			gen_value(g, k, v, sizeof(v));
			lset_put(l, k, v);
		}
	}
}

/* A pod spec into y: container ports, hostNetwork now and then (maybe_host). */
static void emit_podspec(struct gen *g, struct strbuf *y, bool maybe_host)
{
	static const char *const ports[] = {
		"{name: http, containerPort: 80}",
		"{name: http, containerPort: 8080}",
		"{name: metrics, containerPort: 9090}",
		"{name: dns, containerPort: 53, protocol: UDP}",
		"{containerPort: 443}",
		"{name: http, containerPort: 80, protocol: SCTP}",
		"{name: dns, containerPort: 5353, protocol: UDP}",
	};
	strbuf_addch(y, '{');
	if (maybe_host && pick(g, 12) == 11)
		strbuf_addstr(y, "hostNetwork: true, ");
	strbuf_addstr(y, "containers: [{name: c, ports: [");
	for (unsigned i = 0, n = pick(g, 4); i < n; i++)
		strbuf_addf(y, "%s%s", i ? ", " : "", PICK(g, ports));
	strbuf_addstr(y, "]}]}");
}

static void emit_status(struct gen *g)
{
	unsigned c = pick(g, 14);
	struct strbuf *y = g->y;
	if (c < 8)
		strbuf_addf(y, "status: {podIP: 10.0.0.%u}\n", c + 1);
	else if (c == 8)
		strbuf_addstr(y, "status: {podIP: 10.0.1.1}\n");
	else if (c == 9)
		strbuf_addstr(y, "status: {podIP: 'fd00::1', podIPs: [{ip: 'fd00::1'}]}\n");
	else if (c == 10)
		strbuf_addf(y, "status: {podIP: 10.0.0.%u, podIPs: [{ip: 10.0.0.%u}, {ip: 'fd00::2'}]}\n",
			    pick(g, 8) + 1, pick(g, 8) + 1);
	else if (c == 11)
		strbuf_addstr(y, "status: {podIP: 192.168.0.7}\n");
	else if (c == 12) /* IPv4-mapped: an IPv6 address to ipBlocks */
		strbuf_addstr(y, "status: {podIP: '::ffff:10.0.0.2'}\n");
	/* 13: no address known */
}

/* A pod: its owner's spec (three times in four), or one of its own. */
static void emit_pod(struct gen *g, const char *ns, const char *name, const struct lset *l,
		     const char *okind, const char *oname, const char *spec)
{
	struct strbuf *y = g->y;
	strbuf_addf(y, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: %s\n"
		       "  labels: ", name, ns);
	emit_labels(y, l);
	strbuf_addch(y, '\n');
	if (okind)
		strbuf_addf(y, "  ownerReferences: [{apiVersion: apps/v1, kind: %s, name: %s, "
			       "controller: true}]\n", okind, oname);
	strbuf_addstr(y, "spec: ");
	if (spec && pick(g, 4) != 3)
		strbuf_addstr(y, spec);
	else
		emit_podspec(g, y, true);
	strbuf_addch(y, '\n');
	emit_status(g);
}

static void emit_template(struct gen *g, const char *kind, const char *api, const char *ns,
			  const char *name, const struct lset *l, const char *extra_spec,
			  const char *spec)
{
	struct strbuf *y = g->y;
	strbuf_addf(y, "---\napiVersion: %s\nkind: %s\nmetadata: {name: %s, namespace: %s}\n"
		       "spec: {%stemplate: {metadata: {labels: ", api, kind, name, ns, extra_spec);
	emit_labels(y, l);
	strbuf_addf(y, "}, spec: %s}}\n", spec);
}

static void gen_owner(struct gen *g, unsigned i)
{
	const char *ns = PICK(g, ns_names);
	char name[32], pname[48], extra[96], oname[48];
	struct lset t, l;
	struct strbuf spec = STRBUF_INIT;
	gen_labels(g, &t);
	emit_podspec(g, &spec, false);
	switch (pick(g, 6)) {
	case 0: { /* a ReplicaSet and its pods, each a little different */
		snprintf(name, sizeof(name), "rs%u", i);
		if (pick(g, 3))
			emit_template(g, "ReplicaSet", "apps/v1", ns, name, &t, "", spec.buf);
		for (unsigned k = 0, n = 1 + pick(g, 4); k < n; k++) {
			l = t;
			mutate_labels(g, &l);
			snprintf(pname, sizeof(pname), "%s-%u", name, k);
			emit_pod(g, ns, pname, &l, "ReplicaSet", name, spec.buf);
		}
		break;
	}
	case 1: { /* a StatefulSet's template */
		snprintf(name, sizeof(name), "s%u", i);
		unsigned r = pick(g, 6), start = pick(g, 3);
		char rep[24] = "", ord[32] = "";
		if (r < 5) /* 5: replicas absent (one) */
			snprintf(rep, sizeof(rep), "replicas: %u, ", r);
		if (start)
			snprintf(ord, sizeof(ord), "ordinals: {start: %u}, ", start);
		snprintf(extra, sizeof(extra), "%s%s", rep, ord);
		emit_template(g, "StatefulSet", "apps/v1", ns, name, &t, extra, spec.buf);
		break;
	}
	case 2: { /* a StatefulSet and its pods (a dump) */
		snprintf(name, sizeof(name), "s%u", i);
		unsigned n = 1 + pick(g, 4);
		snprintf(extra, sizeof(extra), "replicas: %u, ", n);
		if (pick(g, 2))
			emit_template(g, "StatefulSet", "apps/v1", ns, name, &t, extra, spec.buf);
		for (unsigned k = 0; k < n; k++) {
			char idx[8];
			l = t;
			snprintf(pname, sizeof(pname), "%s-%u", name, k);
			snprintf(idx, sizeof(idx), "%u", k);
			lset_put(&l, POD_NAME, pname);
			lset_put(&l, POD_INDEX, idx);
			lset_put(&l, "controller-revision-hash", pick(g, 4) ? "h1" : "h2");
			mutate_labels(g, &l);
			emit_pod(g, ns, pname, &l, "StatefulSet", name, spec.buf);
		}
		break;
	}
	case 3: { /* a Deployment, with the pods of its ReplicaSet or not */
		snprintf(name, sizeof(name), "d%u", i);
		snprintf(extra, sizeof(extra), "replicas: %u, ", pick(g, 4));
		emit_template(g, "Deployment", "apps/v1", ns, name, &t, extra, spec.buf);
		unsigned n = pick(g, 4);
		for (unsigned k = 0; k < n; k++) {
			const char *h = pick(g, 4) ? "h1" : "h2";
			l = t;
			lset_put(&l, "pod-template-hash", h);
			mutate_labels(g, &l);
			snprintf(oname, sizeof(oname), "%s-%s", name, h);
			snprintf(pname, sizeof(pname), "%s-%u", oname, k);
			emit_pod(g, ns, pname, &l, "ReplicaSet", oname, spec.buf);
		}
		break;
	}
	case 4: { /* a Job, a DaemonSet or a CronJob, with pods of the first two or not */
		unsigned kind = pick(g, 3), n = pick(g, 3);
		if (kind == 2) {
			snprintf(name, sizeof(name), "cj%u", i);
			strbuf_addf(g->y, "---\napiVersion: batch/v1\nkind: CronJob\n"
					  "metadata: {name: %s, namespace: %s}\nspec: {schedule: '0 * * * *', "
					  "jobTemplate: {spec: {template: {metadata: {labels: ", name, ns);
			emit_labels(g->y, &t);
			strbuf_addf(g->y, "}, spec: %s}}}}\n", spec.buf);
			break;
		}
		snprintf(name, sizeof(name), kind ? "ds%u" : "j%u", i);
		if (kind)
			emit_template(g, "DaemonSet", "apps/v1", ns, name, &t, "", spec.buf);
		else
			emit_template(g, "Job", "batch/v1", ns, name, &t,
				      pick(g, 3) == 2 ? "manualSelector: true, " : "", spec.buf);
		for (unsigned k = 0; k < n; k++) {
			l = t;
			if (kind) {
				lset_put(&l, "controller-revision-hash", pick(g, 4) ? "h1" : "h2");
			} else {
				lset_put(&l, "job-name", name);
			}
			mutate_labels(g, &l);
			snprintf(pname, sizeof(pname), "%s-%u", name, k);
			emit_pod(g, ns, pname, &l, kind ? "DaemonSet" : "Job", name, spec.buf);
		}
		break;
	}
	default: { /* bare pods */
		for (unsigned k = 0, n = 1 + pick(g, 2); k < n; k++) {
			snprintf(pname, sizeof(pname), "p%u-%u", i, k);
			l = t;
			mutate_labels(g, &l);
			emit_pod(g, ns, pname, &l, NULL, NULL, NULL);
		}
		break;
	}
	}
	strbuf_release(&spec);
}

static void gen_selector(struct gen *g, bool ns)
{
	static const char *const ops[] = { "In", "NotIn", "Exists", "DoesNotExist" };
	struct strbuf *y = g->y;
	const char *used[4];
	size_t nused = 0;
	char v[24];
	strbuf_addch(y, '{');
	/* Mostly one requirement: selectors that tell pods apart rather than match none. */
	static const unsigned char shapes[][2] = { { 0, 0 }, { 1, 0 }, { 1, 0 }, { 0, 1 },
						   { 0, 1 }, { 1, 1 }, { 2, 0 }, { 2, 2 } };
	unsigned shape = pick(g, ARRAY_SIZE(shapes));
	unsigned nml = shapes[shape][0], nex = shapes[shape][1];
	if (nml) {
		strbuf_addstr(y, "matchLabels: {");
		for (unsigned i = 0; i < nml; i++) {
			const char *k = ns ? PICK(g, ns_keys) : PICK(g, pod_keys);
			bool dup = false;
			for (size_t j = 0; j < nused; j++)
				dup |= !strcmp(used[j], k);
			if (dup)
				continue;
			used[nused++] = k;
			if (ns)
				gen_ns_value(g, k, v, sizeof(v));
			else
				gen_value(g, k, v, sizeof(v));
			strbuf_addf(y, "%s'%s': '%s'", nused > 1 ? ", " : "", k, v);
		}
		strbuf_addstr(y, "}");
	}
	if (nex) {
		strbuf_addf(y, "%smatchExpressions: [", nml ? ", " : "");
		for (unsigned i = 0; i < nex; i++) {
			const char *k = ns ? PICK(g, ns_keys) : PICK(g, pod_keys);
			const char *op = PICK(g, ops);
			strbuf_addf(y, "%s{key: '%s', operator: %s", i ? ", " : "", k, op);
			if (op[0] == 'I' || op[0] == 'N') {
				strbuf_addstr(y, ", values: [");
				for (unsigned j = 0, n = 1 + pick(g, 3); j < n; j++) {
					if (ns)
						gen_ns_value(g, k, v, sizeof(v));
					else
						gen_value(g, k, v, sizeof(v));
					strbuf_addf(y, "%s'%s'", j ? ", " : "", v);
				}
				strbuf_addch(y, ']');
			}
			strbuf_addch(y, '}');
		}
		strbuf_addch(y, ']');
	}
	strbuf_addch(y, '}');
}

static void gen_peer(struct gen *g)
{
	static const struct {
		const char *cidr;
		const char *except[3];
	} blocks[] = {
		{ "10.0.0.0/24", { "10.0.0.4/30", "10.0.0.1/32", "10.0.0.6/31" } },
		{ "10.0.0.0/30", { "10.0.0.2/32", NULL, NULL } },
		{ "10.0.0.2/31", { "10.0.0.3/32", NULL, NULL } },
		{ "10.0.0.4/32", { NULL, NULL, NULL } },
		{ "10.0.0.0/16", { "10.0.0.0/29", "10.0.1.0/24", NULL } },
		{ "0.0.0.0/0", { "10.0.0.0/8", "10.0.0.4/30", "192.168.0.0/16" } },
		{ "fd00::/64", { "fd00::2/128", NULL, NULL } },
		{ "fd00::1/128", { NULL, NULL, NULL } },
		{ "10.0.1.0/24", { NULL, NULL, NULL } },
		{ "192.168.0.0/24", { "192.168.0.7/32", NULL, NULL } },
	};
	struct strbuf *y = g->y;
	switch (pick(g, 5)) {
	case 0:
		strbuf_addstr(y, "{podSelector: ");
		gen_selector(g, false);
		strbuf_addch(y, '}');
		break;
	case 1:
		strbuf_addstr(y, "{namespaceSelector: ");
		gen_selector(g, true);
		strbuf_addch(y, '}');
		break;
	case 2:
		strbuf_addstr(y, "{namespaceSelector: ");
		gen_selector(g, true);
		strbuf_addstr(y, ", podSelector: ");
		gen_selector(g, false);
		strbuf_addch(y, '}');
		break;
	default: {
		unsigned b = pick(g, ARRAY_SIZE(blocks));
		strbuf_addf(y, "{ipBlock: {cidr: '%s'", blocks[b].cidr);
		unsigned ne = pick(g, 3);
		bool any = false;
		for (unsigned k = 0; k < ne; k++) {
			const char *x = blocks[b].except[pick(g, 3)];
			if (!x)
				continue;
			strbuf_addf(y, "%s'%s'", any ? ", " : ", except: [", x);
			any = true;
		}
		strbuf_addf(y, "%s}}", any ? "]" : "");
		break;
	}
	}
}

static void gen_rule(struct gen *g, enum direction d)
{
	static const char *const ports[] = {
		"{port: 80}", "{port: 53, protocol: UDP}", "{port: http}", "{port: metrics}",
		"{port: dns, protocol: UDP}", "{port: 8000, endPort: 9000}", "{protocol: TCP}",
		"{port: http, protocol: SCTP}", "{port: 9090}",
	};
	struct strbuf *y = g->y;
	strbuf_addch(y, '{');
	unsigned np = pick(g, 4);
	bool sep = false;
	if (np) { /* 0: from/to absent, every peer */
		strbuf_addf(y, "%s: [", d == DIR_INGRESS ? "from" : "to");
		for (unsigned i = 0; i < np - 1 + (np == 3); i++) {
			if (i)
				strbuf_addstr(y, ", ");
			gen_peer(g);
		}
		strbuf_addch(y, ']');
		sep = true;
	}
	unsigned nports = pick(g, 4);
	if (nports) {
		strbuf_addf(y, "%sports: [", sep ? ", " : "");
		for (unsigned i = 0; i < nports; i++)
			strbuf_addf(y, "%s%s", i ? ", " : "", PICK(g, ports));
		strbuf_addch(y, ']');
	}
	strbuf_addch(y, '}');
}

static void gen_policy(struct gen *g, unsigned i)
{
	static const char *const types[] = { "", "  policyTypes: [Ingress]\n",
					     "  policyTypes: [Egress]\n",
					     "  policyTypes: [Ingress, Egress]\n" };
	struct strbuf *y = g->y;
	strbuf_addf(y, "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		       "metadata: {name: np%u, namespace: %s}\nspec:\n  podSelector: ",
		    i, PICK(g, ns_names));
	gen_selector(g, false);
	strbuf_addf(y, "\n%s", PICK(g, types));
	for (int d = 0; d < DIR__COUNT; d++) {
		unsigned n = pick(g, 4);
		if (!n)
			continue;
		strbuf_addf(y, "  %s: [", d == DIR_INGRESS ? "ingress" : "egress");
		for (unsigned r = 0; r + 1 < n; r++) { /* 1: an empty list */
			if (r)
				strbuf_addstr(y, ", ");
			gen_rule(g, (enum direction)d);
		}
		strbuf_addstr(y, "]\n");
	}
}

static void gen_cluster(struct gen *g)
{
	char v[24];
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++) {
		if (pick(g, 4) == 3)
			continue; /* implied by what is in it */
		struct lset l = { .n = 0 };
		for (unsigned k = pick(g, 3); k > 0; k--) {
			const char *key = PICK(g, ns_keys);
			if (!strcmp(key, "kubernetes.io/metadata.name"))
				continue;
			gen_ns_value(g, key, v, sizeof(v));
			lset_put(&l, key, v);
		}
		strbuf_addf(g->y, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n"
				  "  labels: ", ns_names[i]);
		emit_labels(g->y, &l);
		strbuf_addch(g->y, '\n');
	}
	for (unsigned i = 0, n = 1 + pick(g, MAX_OWNERS); i < n; i++)
		gen_owner(g, i);
	for (unsigned i = 0, n = pick(g, 5); i < n; i++)
		gen_policy(g, i);
}

/* ---- the two models ---- */

struct run {
	struct arena *a;
	struct diag d;
	struct model m;
	struct solver s;
};

static void load(struct run *r, const char *yaml, bool no_fold)
{
	const struct source src = { "fuzz.yaml", yaml, strlen(yaml) };
	struct model_options mo = { .no_fold = no_fold };
	r->a = arena_new();
	diag_init(&r->d, r->a);
	model_load_sources(&r->m, r->a, &r->d, &src, 1, &mo);
	solver_init(&r->s, &r->m);
}

static void release(struct run *r)
{
	solver_free(&r->s);
	model_free(&r->m);
	diag_release(&r->d);
	arena_free(r->a);
}

/* One pod (or the pods of a template that nothing tells apart), by owner and name, and
 * the endpoint holding it. */
struct pod {
	char *id;
	const char *name; /* "" for a template's pods */
	const struct endpoint *ep;
	bool host;
};

struct pods {
	struct pod *v;
	size_t n, cap;
};

static void pods_add(struct pods *p, const struct endpoint *e, const char *name, bool host)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s %s", e->owner_display, name);
	XGROW(p->v, p->cap, p->n + 1);
	p->v[p->n].id = strbuf_detach(&sb);
	p->v[p->n].name = name;
	p->v[p->n].ep = e;
	p->v[p->n++].host = host;
}

/* The pods an endpoint stands for: its pods' names, the Pod it was made from, or "" for
 * a template whose pods have no names offline. Returns how many. */
static size_t add_pods(struct pods *p, const struct endpoint *e, bool host)
{
	if (e->npod_names) {
		for (size_t i = 0; i < e->npod_names; i++)
			pods_add(p, e, e->pods[i], host);
		return e->npod_names;
	}
	pods_add(p, e, e->obj && !strcmp(e->obj->kind, "Pod") ? e->obj->name : "", host);
	return 1;
}

static void collect(const struct model *m, struct pods *p, bool one_each)
{
	for (int host = 0; host < 2; host++) {
		struct endpoint *const *eps = host ? m->host_net : m->endpoints;
		size_t n = host ? m->nhost_net : m->nendpoints;
		for (size_t i = 0; i < n; i++) {
			size_t k = add_pods(p, eps[i], host);
			FUZZ_CHECK(!one_each || k == 1, "no_fold endpoint %s stands for %zu pods",
				   eps[i]->display, k);
		}
	}
}

static void pods_free(struct pods *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].id);
	free(p->v);
}

static const char *yaml_text;

/* A difference: show the cluster, then abort (libFuzzer keeps the input). */
#define DIFF(cond, ...)                                                                 \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "---- fuzz_fold cluster ----\n%s\n---- end ----\n", \
				yaml_text);                                             \
			FUZZ_CHECK(cond, __VA_ARGS__);                                  \
		}                                                                       \
	} while (0)

static const struct pod *find(const struct pods *p, const char *id)
{
	const struct pod *hit = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].id, id)) {
			DIFF(!hit, "pod '%s' in two classes: %s and %s", id, hit->ep->display,
			     p->v[i].ep->display);
			hit = &p->v[i];
		}
	return hit;
}

static void compare(const struct run *f, const struct run *u, const struct sref *fs,
		    const struct sref *fd, const struct sref *us, const struct sref *ud)
{
	struct connset a, b;
	connset_init(&a);
	connset_init(&b);
	solver_allowed(&f->s, fs, fd, &a);
	solver_allowed(&u->s, us, ud, &b);
	if (!connset_equal(&a, &b)) {
		struct strbuf x = STRBUF_INIT, y = STRBUF_INIT, src = STRBUF_INIT, dst = STRBUF_INIT;
		connset_format(&a, &x);
		connset_format(&b, &y);
		sref_format(us, &src);
		sref_format(ud, &dst);
		strbuf_addch(&src, ' ');
		strbuf_addch(&dst, ' ');
		sref_format(fs, &src);
		sref_format(fd, &dst);
		DIFF(false, "%s => %s (folded: classes %s and %s): folded allows '%s', per pod '%s'",
		     src.buf, dst.buf, fs->ep ? fs->ep->display : "-",
		     fd->ep ? fd->ep->display : "-", x.buf, y.buf);
	}
	connset_release(&a);
	connset_release(&b);
}

/* What reach does with a pod's name ("NS/pod/NAME"): query.c finds its class. */
static void check_query(const struct run *f, const struct pod *p, const struct endpoint *cls)
{
	struct strbuf sb = STRBUF_INIT;
	struct query_target t;
	strbuf_addf(&sb, "%s/pod/%s", p->ep->ns, p->name);
	int rc = query_resolve(&f->m, sb.buf, NULL, false, &t);
	DIFF(!rc && t.n == 1 && t.refs[0].ep == cls, "'%s' resolves to %s, its class is %s", sb.buf,
	     rc || !t.n ? "nothing" : t.refs[0].ep ? t.refs[0].ep->display : "an address",
	     cls->display);
	query_target_release(&t);
	strbuf_release(&sb);
}

/* What reach computes: a solver for the two ends only (solver_init_for) must agree with
 * the solver over everything. */
static void check_init_for(const struct run *f, const struct endpoint *a, const struct endpoint *b)
{
	const struct endpoint *only[2] = { a, b };
	struct solver s;
	struct connset x, y;
	struct sref ra = { .ep = a }, rb = { .ep = b };
	solver_init_for(&s, &f->m, only, 2);
	connset_init(&x);
	connset_init(&y);
	for (int k = 0; k < 2; k++) {
		const struct sref *src = k ? &rb : &ra, *dst = k ? &ra : &rb;
		solver_allowed(&s, src, dst, &x);
		solver_allowed(&f->s, src, dst, &y);
		DIFF(connset_equal(&x, &y), "%s => %s: solver_init_for differs from solver_init",
		     src->ep->display, dst->ep->display);
	}
	connset_release(&x);
	connset_release(&y);
	solver_free(&s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const externals[] = { "10.0.0.3", "10.0.0.200", "10.0.1.9",
						 "192.168.0.7", "172.16.0.1", "fd00::1", "fd00::9",
						 "2001:db8::1" };
	struct strbuf y = STRBUF_INIT;
	struct gen g = { data, size, 0, &y };
	gen_cluster(&g);
	yaml_text = y.buf;
	if (print_all)
		fprintf(stderr, "%s\n....\n", yaml_text);

	struct run f, u;
	load(&f, yaml_text, false);
	load(&u, yaml_text, true);
	struct pods fp = { NULL, 0, 0 }, up = { NULL, 0, 0 };
	collect(&f.m, &fp, false);
	collect(&u.m, &up, true);
	DIFF(fp.n == up.n, "%zu pods folded, %zu per pod", fp.n, up.n);
	DIFF(f.m.npolicies == u.m.npolicies, "policies");
	if (print_all) {
		size_t invalid = 0, split = 0;
		for (size_t i = 0; i < f.m.npolicies; i++)
			invalid += f.m.policies[i]->invalid;
		for (size_t i = 0; i < f.m.nendpoints; i++)
			split += f.m.endpoints[i]->split;
		fprintf(stderr, "%zu policies (%zu invalid), %zu endpoints (%zu split classes) "
				"folded, %zu per pod, %zu findings\n", f.m.npolicies, invalid,
			f.m.nendpoints, split, u.m.nendpoints, f.d.n);
		for (size_t i = 0; i < f.m.nendpoints; i++)
			if (f.m.endpoints[i]->split)
				fprintf(stderr, "  class %s: %s\n", f.m.endpoints[i]->display,
					f.m.endpoints[i]->why->what);
		for (size_t i = 0; i < f.d.n; i++)
			fprintf(stderr, "  %d:%d %s\n", f.d.items[i].pos.line, f.d.items[i].pos.col,
				f.d.items[i].message);
	}

	/* Each pod's class, isolation and hostNetwork. */
	const struct endpoint **cls = xcalloc(up.n ? up.n : 1, sizeof(*cls));
	for (size_t i = 0; i < up.n; i++) {
		const struct pod *q = find(&fp, up.v[i].id);
		const struct endpoint *pe = up.v[i].ep;
		DIFF(q, "pod '%s' (%s) in no folded class", up.v[i].id, pe->display);
		DIFF(q->host == up.v[i].host, "pod '%s': hostNetwork %d folded, %d per pod",
		     up.v[i].id, (int)q->host, (int)up.v[i].host);
		if (q->host)
			continue;
		cls[i] = q->ep;
		if (*up.v[i].name)
			check_query(&f, &up.v[i], q->ep);
		for (int d = 0; d < DIR__COUNT; d++)
			DIFF(f.s.eps[q->ep->index].isolated[d] == u.s.eps[pe->index].isolated[d],
			     "%s: class %s isolated for %s: %d, the pod: %d", pe->display,
			     q->ep->display, d == DIR_INGRESS ? "ingress" : "egress",
			     (int)f.s.eps[q->ep->index].isolated[d],
			     (int)u.s.eps[pe->index].isolated[d]);
	}
	/* Every pair of pods, and each pod with the external addresses. */
	for (size_t i = 0; i < up.n; i++) {
		if (!cls[i])
			continue;
		struct sref fs = { .ep = cls[i] }, us = { .ep = up.v[i].ep };
		for (size_t k = 0; k < up.n; k++) {
			if (!cls[k] || (k == i && us.ep->is_pod))
				continue;
			struct sref fd = { .ep = cls[k] }, ud = { .ep = up.v[k].ep };
			compare(&f, &u, &fs, &fd, &us, &ud);
		}
		for (size_t k = 0; k < ARRAY_SIZE(externals); k++) {
			struct sref x = { .ep = NULL };
			if (ip_parse(externals[k], false, &x.family, &x.lo))
				abort();
			x.hi = x.lo;
			compare(&f, &u, &fs, &x, &us, &x);
			compare(&f, &u, &x, &fs, &x, &us);
		}
	}
	/* One pair, chosen by the input's last byte, the way reach asks. */
	if (up.n && size) {
		size_t i = data[size - 1] % up.n, k = (data[size - 1] / up.n) % up.n;
		if (cls[i] && cls[k])
			check_init_for(&f, cls[i], cls[k]);
	}
	free(cls);
	pods_free(&fp);
	pods_free(&up);
	release(&f);
	release(&u);
	strbuf_release(&y);
	yaml_text = NULL;
	return 0;
}

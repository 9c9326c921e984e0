/* Build the model: read every input, fold pods into their owners, imply namespaces. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

struct namespace *model_namespace(const struct model *m, const char *name)
{
	size_t lo = 0, hi = m->nnamespaces;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->namespaces[mid]->name, name);
		if (!c)
			return m->namespaces[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int obj_key_cmp(const struct object *a, const struct object *b)
{
	int c = strcmp(a->kind, b->kind);
	if (c)
		return c;
	c = strcmp(a->ns ? a->ns : "", b->ns ? b->ns : "");
	if (c)
		return c;
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

static int obj_ptr_cmp(const void *pa, const void *pb)
{
	const struct object *a = *(struct object *const *)pa, *b = *(struct object *const *)pb;
	int c = obj_key_cmp(a, b);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq; /* input order */
}

/* A second object with the same kind/namespace/name: report it and drop it. */
static void find_duplicates(struct model *m, struct object **sorted)
{
	for (size_t i = 1; i < m->nobjects; i++) {
		struct object *a = sorted[i - 1], *b = sorted[i];
		if (!a->name || !b->name || obj_key_cmp(a, b))
			continue;
		const struct ynode *at = b->name_node ? b->name_node : b->node;
		diag_report(m->diag, RULE_DUPLICATE_OBJECT, &at->pos, &b->dobj,
			    "%s '%s%s%s' is already defined at %s:%d:%d", b->kind,
			    b->ns ? b->ns : "", b->ns ? "/" : "", b->name, a->file,
			    (a->name_node ? a->name_node : a->node)->pos.line,
			    (a->name_node ? a->name_node : a->node)->pos.col);
		b->invalid = true;
		sorted[i] = a; /* a third copy is a duplicate of the first as well */
	}
}

static struct object *find_object(struct object **sorted, size_t n, const char *kind,
				  const char *ns, const char *name)
{
	struct object key = { .kind = kind, .ns = ns, .name = name };
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = obj_key_cmp(sorted[mid], &key);
		if (!c) {
			while (mid > 0 && !obj_key_cmp(sorted[mid - 1], &key))
				mid--;
			return sorted[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int name_cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int ep_cmp(const void *pa, const void *pb)
{
	const struct endpoint *a = *(struct endpoint *const *)pa, *b = *(struct endpoint *const *)pb;
	return strcmp(a->display, b->display);
}

/* Every namespace carries kubernetes.io/metadata.name, as the control plane sets it. */
static void build_namespaces(struct model *m, struct object **sorted)
{
	const char **names = xmalloc(sizeof(*names) * (m->nobjects + 1));
	size_t n = 0;
	for (size_t i = 0; i < m->nobjects; i++) {
		struct object *o = m->objects[i];
		if (o->invalid && !strcmp(o->kind, "Namespace"))
			continue;
		if (!strcmp(o->kind, "Namespace") && o->name)
			names[n++] = o->name;
		else if (o->ns)
			names[n++] = o->ns;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		struct namespace *ns = ARENA_NEW(m->arena, struct namespace);
		ns->name = names[i];
		ns->index = (int)m->nnamespaces;
		struct object *o = find_object(sorted, m->nobjects, "Namespace", NULL, names[i]);
		size_t nl = 1;
		if (o && !o->invalid) {
			ns->declared = true;
			ns->obj = o;
			nl += o->labels.n;
		}
		ns->labels.kv = ARENA_ARRAY(m->arena, struct kv, nl);
		if (ns->obj)
			for (size_t j = 0; j < o->labels.n; j++)
				if (strcmp(o->labels.kv[j].key, "kubernetes.io/metadata.name"))
					ns->labels.kv[ns->labels.n++] = o->labels.kv[j];
		ns->labels.kv[ns->labels.n].key = "kubernetes.io/metadata.name";
		ns->labels.kv[ns->labels.n].val = ns->name;
		ns->labels.n++;
		XGROW(m->namespaces, m->namespaces_cap, m->nnamespaces + 1);
		m->namespaces[m->nnamespaces++] = ns;
	}
	free(names);
}

static bool is_workload(const struct object *o)
{
	static const char *const kinds[] = { "Deployment", "ReplicaSet", "StatefulSet",
		"DaemonSet", "Job", "CronJob", "ReplicationController" };
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(o->kind, kinds[i]))
			return true;
	return false;
}

/*
 * A dump without the ReplicaSets (kubectl get pods,deploy) still names them as the
 * Pods' owners. The controller names them "<deployment>-<pod-template-hash>", and a
 * CronJob names its Jobs "<cronjob>-<schedule time>": when that owner is absent but
 * the one above it is present, and its pod template's labels are the Pod's, the Pod is
 * folded into it instead of standing for an owner of its own.
 */
static struct object *implied_owner(struct model *m, struct object **sorted,
				    const struct object *o)
{
	static const struct {
		const char *owner, *above;
	} pairs[] = { { "ReplicaSet", "Deployment" }, { "Job", "CronJob" } };
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		if (strcmp(o->owner_kind, pairs[i].owner))
			continue;
		const char *dash = strrchr(o->owner_name, '-');
		if (!dash || !dash[1])
			return NULL;
		char *base = arena_strndup(m->arena, o->owner_name, (size_t)(dash - o->owner_name));
		struct object *up = find_object(sorted, m->nobjects, pairs[i].above, o->ns, base);
		if (!up || up->invalid)
			return NULL;
		/* The template's labels must all be on the Pod. */
		for (size_t j = 0; j < m->nendpoints; j++) {
			const struct endpoint *e = m->endpoints[j];
			if (e->obj != up)
				continue;
			for (size_t k = 0; k < e->labels.n; k++) {
				const char *v = labels_get(&o->labels, e->labels.kv[k].key);
				if (!v || strcmp(v, e->labels.kv[k].val))
					return NULL;
			}
			return up;
		}
		return NULL;
	}
	return NULL;
}

/*
 * "Pods of one owner are one endpoint": a Pod (or a workload) with a controller owner is
 * reported as that owner, walking up while the owner is in the input with an owner of
 * its own (Pod → ReplicaSet → Deployment).
 */
static void fold_endpoints(struct model *m, struct object **sorted)
{
	size_t n = m->nendpoints, k = 0;
	struct endpoint **eps = m->endpoints;

	for (size_t i = 0; i < n; i++) {
		struct endpoint *e = eps[i];
		struct object *cur = e->obj;
		if (cur->invalid || !cur->name)
			continue;
		const char *kind = cur->kind, *name = cur->name;
		/* A mirror (static) pod is owned by its Node: it is no workload's replica. */
		for (int hops = 0; hops < 16 && cur->owner_kind && strcmp(cur->owner_kind, "Node");
		     hops++) {
			struct object *own = find_object(sorted, m->nobjects, cur->owner_kind,
							 cur->ns, cur->owner_name);
			kind = cur->owner_kind;
			name = cur->owner_name;
			if (!own)
				own = implied_owner(m, sorted, cur);
			if (!own || !is_workload(own) || own->invalid)
				break;
			cur = own;
			kind = cur->kind;
			name = cur->name;
		}
		e->kind = kind;
		e->name = name;
		e->display = arena_printf(m->arena, "%s/%s[%s]", e->ns, name, kind);
		eps[k++] = e;
	}
	if (k > 1)
		qsort(eps, k, sizeof(*eps), ep_cmp);

	/* Merge each run of one display name into its first member, preferring the
	 * workload object itself (its template) over pods. */
	size_t out = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i + 1, nips = eps[i]->nips;
		struct endpoint *best = eps[i];
		while (j < k && !strcmp(eps[j]->display, eps[i]->display)) {
			if (!strcmp(eps[j]->obj->kind, eps[j]->kind) &&
			    !strcmp(eps[j]->obj->name, eps[j]->name))
				best = eps[j];
			nips += eps[j]->nips;
			j++;
		}
		struct endpoint *e = best;
		for (size_t t = i; t < j; t++)
			eps[t]->obj->endpoint = e;
		if (j - i > 1 || !e->is_pod || strcmp(e->kind, "Pod")) {
			struct ip_addr *ips = ARENA_ARRAY(m->arena, struct ip_addr, nips ? nips : 1);
			size_t ni = 0, npods = 0;
			for (size_t t = i; t < j; t++) {
				npods += eps[t]->npods;
				for (size_t u = 0; u < eps[t]->nips; u++)
					ips[ni++] = eps[t]->ips[u];
			}
			e->ips = ips;
			e->nips = ni;
			e->npods = npods;
			e->is_pod = false;
		}
		m->endpoints[out++] = e;
		i = j;
	}
	m->nendpoints = out;

	/* hostNetwork pods are node traffic: no policy selects them and no pod selector
	 * matches them; they are kept apart for lint. */
	k = 0;
	for (size_t i = 0; i < m->nendpoints; i++) {
		struct endpoint *e = m->endpoints[i];
		if (e->host_network) {
			XGROW(m->host_net, m->host_net_cap, m->nhost_net + 1);
			m->host_net[m->nhost_net++] = e;
			continue;
		}
		e->index = (int)k;
		struct namespace *ns = model_namespace(m, e->ns);
		if (!ns)
			BUG("endpoint in an unknown namespace");
		e->ns_index = ns->index;
		m->endpoints[k++] = e;
	}
	m->nendpoints = k;
}

struct unit_ctx {
	struct model *m;
	const char *file;
	const struct model_options *opt;
};

static bool decode_unit(void *ctx, const struct ynode *n)
{
	struct unit_ctx *uc = ctx;
	return k8s_decode_document(uc->m, uc->file, n, uc->opt);
}

int model_load(struct model *m, struct arena *a, struct diag *d, const char *const *paths,
	       size_t npaths, const struct model_options *opt)
{
	struct source_file *files = NULL;
	size_t nfiles = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->diag = d;
	rc = source_collect(a, d, paths, npaths, &files, &nfiles);
	m->nfiles = nfiles;
	/* Trees live in their own arena so that a decoded document's tree can be dropped
	 * without touching the model; trees that are kept move to the model's arena. */
	m->trees = arena_new();
	for (size_t i = 0; i < nfiles; i++) {
		struct unit_ctx uc = { m, files[i].path, opt };
		struct ynode_sink sink = { decode_unit, &uc, k8s_skip_keys, k8s_build_paths };
		if (opt && opt->skip_file && opt->skip_file(opt->skip_ctx, files[i].path))
			continue;
		if (source_read(d, &files[i])) {
			rc = -1;
			continue;
		}
		if (ynode_parse(m->trees, d, files[i].path, files[i].buf, files[i].len, &sink))
			rc = -1;
		free(files[i].buf);
	}
	free(files);

	struct object **sorted = xmalloc(sizeof(*sorted) * (m->nobjects + 1));
	if (m->nobjects)
		memcpy(sorted, m->objects, sizeof(*sorted) * m->nobjects);
	if (m->nobjects > 1)
		qsort(sorted, m->nobjects, sizeof(*sorted), obj_ptr_cmp);
	find_duplicates(m, sorted);
	build_namespaces(m, sorted);
	fold_endpoints(m, sorted);
	free(sorted);

	for (size_t i = 0; i < m->npolicies; i++) {
		struct policy *p = m->policies[i];
		if (p->obj->invalid)
			p->invalid = true;
		normalize_policy(p);
		validate_policy(m, p);
	}
	if (d->input_error)
		rc = -1;
	return rc;
}

void model_free(struct model *m)
{
	arena_free(m->trees);
	free(m->objects);
	free(m->namespaces);
	free(m->endpoints);
	free(m->host_net);
	free(m->policies);
	free(m->services);
	memset(m, 0, sizeof(*m));
}

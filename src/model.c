/* Build the model: read every input, fold pods into their owners, imply namespaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fold.h"
#include "intern.h"
#include "load_int.h"
#include "tiers.h"
#include "validate.h"

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

/* The passes over all objects and endpoints ask for memory this many ahead: the
 * objects lie far apart in the arenas, and a first touch is a miss the loop can
 * overlap with the next ones. */
#define AHEAD 8

/* The cache lines of an object that the passes read. */
static void prefetch_object(const struct object *o)
{
	PREFETCH(&o->name);
	PREFETCH(&o->invalid);
	PREFETCH(&o->key_hash);
}

/* Objects by kind, namespace and name: an open-addressing hash of the named objects.
 * A slot keeps the high half of its object's key_hash (the low bits chose the slot),
 * so that probing past it reads no object, and the object's place in m->objects:
 * 8 bytes, not 16, as the table is touched all over and each of its pages is a fault. */
struct objslot {
	uint32_t h;
	uint32_t i; /* index in objs plus one; 0: empty */
};

struct objidx {
	struct objslot *t;
	size_t cap;
	struct object *const *objs;
};

static uint64_t str_hash(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

/* Equal strings are often one (interned) string: no need to read them. */
static bool same_str(const char *a, const char *b)
{
	return a == b || !strcmp(a, b);
}

static bool same_key(const struct object *o, const char *kind, const char *ns, const char *name)
{
	return same_str(o->kind, kind) && same_str(o->ns ? o->ns : "", ns ? ns : "") &&
	       same_str(o->name, name);
}

uint64_t model_key_hash(const char *kind, const char *ns, const char *name)
{
	return str_hash(str_hash(str_hash(1469598103934665603ull, kind), ns), name);
}

/* An object's key_hash, made now if it was not on a loader thread. */
static uint64_t object_hash(struct object *o)
{
	if (!o->key_hash)
		o->key_hash = model_key_hash(o->kind, o->ns, o->name);
	return o->key_hash;
}

/* The slot of kind, ns, name (whose key_hash is h): every object in the index has its
 * key_hash, so that most slots are passed by without reading their strings. */
static struct objslot *objidx_slot(const struct objidx *x, uint64_t h, const char *kind,
				   const char *ns, const char *name)
{
	size_t i = (size_t)h & (x->cap - 1);
	while (x->t[i].i && (x->t[i].h != (uint32_t)(h >> 32) ||
			     !same_key(x->objs[x->t[i].i - 1], kind, ns, name)))
		i = (i + 1) & (x->cap - 1);
	return &x->t[i];
}

/* The object of a slot, or NULL. */
static struct object *objidx_obj(const struct objidx *x, const struct objslot *slot)
{
	return slot->i ? x->objs[slot->i - 1] : NULL;
}

/* The distinct names of the namespaces the objects imply (a hash set), in order of
 * first appearance: namespaces are few, objects many. */
struct ns_names {
	const char **set, **names;
	size_t cap, n;
	const char *last; /* objects come in runs of one namespace */
};

static void ns_names_init(struct ns_names *s, size_t nobjects)
{
	s->cap = 16;
	while (s->cap < 2 * nobjects)
		s->cap *= 2;
	s->set = xcalloc(s->cap, sizeof(*s->set));
	s->names = xmalloc(sizeof(*s->names) * (nobjects + 1));
	s->n = 0;
	s->last = NULL;
}

static bool is_kind(const char *kind, const char *name)
{
	return kind[0] == name[0] && !strcmp(kind, name);
}

static void ns_names_add(struct ns_names *s, const struct object *o)
{
	/* A Namespace, Pod, workload or Service the API server would reject implies
	 * no namespace (an invalid policy's namespace stays, for its findings). */
	if (o->invalid && !is_kind(o->kind, "NetworkPolicy"))
		return;
	const char *nm = is_kind(o->kind, "Namespace") ? o->name : o->ns;
	if (!nm || (s->last && same_str(nm, s->last)))
		return;
	s->last = nm;
	size_t h = (size_t)str_hash(1469598103934665603ull, nm) & (s->cap - 1);
	while (s->set[h] && !same_str(s->set[h], nm))
		h = (h + 1) & (s->cap - 1);
	if (!s->set[h]) {
		s->set[h] = nm;
		s->names[s->n++] = nm;
	}
}

/* Index the objects in input order; a second object with the same kind, namespace and
 * name is reported (pointing at the first) and takes no part. The namespaces each
 * object implies are noted in the same pass (once it is known to be no duplicate), so
 * that each object is read once more after loading, not twice. */
static void objidx_build(struct model *m, struct objidx *x, struct ns_names *ns)
{
	x->cap = 16;
	while (x->cap < 2 * m->nobjects)
		x->cap *= 2;
	x->t = xcalloc(x->cap, sizeof(*x->t));
	x->objs = m->objects;
	if (m->nobjects >= UINT32_MAX)
		BUG("too many objects for the index");
	for (size_t i = 0; i < m->nobjects; i++) {
		if (i + AHEAD < m->nobjects)
			prefetch_object(m->objects[i + AHEAD]);
		struct object *b = m->objects[i];
		struct objslot *slot = NULL;
		if (b->name)
			slot = objidx_slot(x, object_hash(b), b->kind, b->ns, b->name);
		if (slot && !slot->i) {
			slot->h = (uint32_t)(b->key_hash >> 32);
			slot->i = (uint32_t)i + 1;
		} else if (slot) {
			const struct object *a = objidx_obj(x, slot);
			const struct ynode *at = b->name_node ? b->name_node : b->node;
			const struct ynode *first = a->name_node ? a->name_node : a->node;
			diag_report(m->diag, RULE_DUPLICATE_OBJECT, &at->pos, &b->dobj,
				    "%s '%s%s%s' is already defined at %s:%d:%d", b->kind,
				    b->ns ? b->ns : "", b->ns ? "/" : "", b->name, a->file,
				    first->pos.line, first->pos.col);
			b->invalid = true;
		}
		ns_names_add(ns, b);
	}
}

static struct object *find_object(const struct objidx *x, const char *kind, const char *ns,
				  const char *name)
{
	return name ? objidx_obj(x, objidx_slot(x, model_key_hash(kind, ns, name), kind, ns, name))
		    : NULL;
}

static int gen_cmp_key(const struct object *a, const struct object *b)
{
	int c = strcmp(a->kind, b->kind);
	if (!c)
		c = strcmp(a->ns ? a->ns : "", b->ns ? b->ns : "");
	return c ? c : strcmp(a->name, b->name);
}

struct gen_ref {
	struct object *o;
	size_t index; /* input order */
};

static int gen_cmp(const void *pa, const void *pb)
{
	const struct gen_ref *a = pa, *b = pb;
	int c = gen_cmp_key(a->o, b->o);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

struct rename {
	const char *old, *new_name;
};

static int rename_cmp(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const struct rename *)pa)->old;
	uintptr_t b = (uintptr_t)((const struct rename *)pb)->old;
	return (a > b) - (a < b);
}

static void rename_findings(struct diag *d, const struct rename *r, size_t nr)
{
	for (size_t k = 0; k < d->n; k++) {
		struct finding *f = &d->items[k];
		struct rename key = { f->obj_name, NULL };
		const struct rename *hit = f->obj_name
			? bsearch(&key, r, nr, sizeof(*r), rename_cmp) : NULL;
		if (hit)
			f->obj_name = hit->new_name;
	}
}

/*
 * Objects named from generateName get different names from the API server; here the
 * second and later ones of a kind, namespace and prefix are numbered in input order
 * ("web-<generated>", "web-<generated-2>", ...), before anything looks them up. The
 * decoder made the others' key_hash; any it did not is made in the same pass.
 */
static void number_generated(struct model *m)
{
	struct gen_ref *g = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < m->nobjects; i++) {
		/* Only the flags and key_hash are read here: their cache line. */
		if (i + AHEAD < m->nobjects)
			PREFETCH(&m->objects[i + AHEAD]->key_hash);
		struct object *o = m->objects[i];
		if (o->generated) {
			XGROW(g, cap, n + 1);
			g[n].o = o;
			g[n].index = i;
			n++;
		} else if (o->name) {
			object_hash(o);
		}
	}
	if (n > 1)
		qsort(g, n, sizeof(*g), gen_cmp);
	struct rename *r = NULL;
	size_t nr = 0, rcap = 0;
	for (size_t i = 0, j; i < n; i = j) {
		const char *name = g[i].o->name;
		size_t len = strlen(name) - strlen(">");
		for (j = i + 1; j < n && !gen_cmp_key(g[i].o, g[j].o); j++) {
			struct object *o = g[j].o;
			XGROW(r, rcap, nr + 1);
			r[nr].old = o->name;
			o->name = arena_printf(m->arena, "%.*s-%zu>", (int)len, name, j - i + 1);
			o->key_hash = 0;
			o->dobj.name = r[nr++].new_name = o->name;
		}
	}
	free(g);
	if (!nr)
		return;
	/* Findings already made about a renamed object (each generated name is a string of
	 * its own), and its endpoint, take the new name. */
	qsort(r, nr, sizeof(*r), rename_cmp);
	rename_findings(m->diag, r, nr);
	if (m->checked)
		rename_findings(m->checked, r, nr);
	for (size_t i = 0; i < m->nendpoints; i++)
		m->endpoints[i]->name = m->endpoints[i]->obj->name;
	free(r);
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

/* An endpoint with its owner, as folding sorts them. */
struct owned {
	const char *display; /* e->owner_display */
	struct endpoint *e;
	struct object *owner; /* what find_object gives for the owner's key: NULL if absent */
	size_t index;         /* input order */
};

/* Sorted by pointer: qsort moves pointers faster than records. */
static int owner_cmp(const void *pa, const void *pb)
{
	const struct owned *a = *(const struct owned *const *)pa;
	const struct owned *b = *(const struct owned *const *)pb;
	int c = strcmp(a->display, b->display);
	/* Stable within an owner: input order (the objects' addresses need not follow it,
	 * as parts of a file are parsed into arenas of their own). */
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Every namespace carries kubernetes.io/metadata.name, as the control plane sets it. The
 * names are those objidx_build noted (freed here). */
static void build_namespaces(struct model *m, const struct objidx *idx, struct ns_names *s)
{
	const char **names = s->names;
	size_t n = s->n;
	free(s->set);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct namespace *ns = ARENA_NEW(m->arena, struct namespace);
		ns->name = names[i];
		ns->index = (int)m->nnamespaces;
		struct object *o = find_object(idx, "Namespace", NULL, names[i]);
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

/*
 * A dump without the ReplicaSets (kubectl get pods,deploy) still names them as the
 * Pods' owners. The controller names them "<deployment>-<pod-template-hash>", and a
 * CronJob names its Jobs "<cronjob>-<schedule time>": when that owner is absent but
 * the one above it is present, and its pod template's labels are the Pod's, the Pod is
 * folded into it instead of standing for an owner of its own.
 */
static struct object *implied_owner(struct model *m, const struct objidx *idx,
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
		struct object *up = find_object(idx, pairs[i].above, o->ns, base);
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

/* Keys that some endpoint made from an operator's table holds with a value set at run
 * time (a version, a shard): lint's unknown-label-value and selects-nothing ask. Few
 * kinds, few such keys: a short list. */
static void collect_unknown_keys(struct model *m)
{
	size_t cap = 0;
	for (size_t i = 0; i < m->nendpoints; i++) {
		const struct endpoint *e = m->endpoints[i];
		if (!e->op_source)
			continue;
		for (size_t j = 0; j < e->labels.n; j++) {
			const char *key = e->labels.kv[j].key;
			if (e->labels.kv[j].val != LABEL_UNKNOWN || model_key_may_be_unknown(m, key))
				continue;
			m->has_unknown_labels = true;
			if (m->nunknown_keys == cap) {
				size_t nc = cap ? 2 * cap : 8;
				const char **nk = ARENA_ARRAY(m->arena, const char *, nc);
				if (m->nunknown_keys)
					memcpy(nk, m->unknown_keys, sizeof(*nk) * m->nunknown_keys);
				m->unknown_keys = nk;
				cap = nc;
			}
			m->unknown_keys[m->nunknown_keys++] = key;
		}
	}
}

/* "NS/NAME[KIND]", as arena_printf would make it: one per endpoint, so without the
 * cost of a format. */
static const char *owner_label(struct arena *a, const char *ns, const char *name,
			       const char *kind)
{
	size_t ln = strlen(ns), lm = strlen(name), lk = strlen(kind);
	char *s = arena_alloc_raw(a, ln + lm + lk + 4);
	memcpy(s, ns, ln);
	s[ln] = '/';
	memcpy(s + ln + 1, name, lm);
	s[ln + 1 + lm] = '[';
	memcpy(s + ln + lm + 2, kind, lk);
	memcpy(s + ln + lm + lk + 2, "]", 2);
	return s;
}

/* Each valid endpoint of eps with its owner, into ow (in input order); returns how many.
 * A Pod (or a workload) with a controller owner is reported as that owner, walking up
 * while the owner is in the input with an owner of its own. */
static size_t resolve_owners(struct model *m, const struct objidx *idx, struct endpoint **eps,
			     size_t n, struct owned *ow)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + AHEAD < n)
			PREFETCH(eps[i + AHEAD]);
		if (i + AHEAD / 2 < n)
			prefetch_object(eps[i + AHEAD / 2]->obj);
		if (i + 2 < n)
			PREFETCH(eps[i + 2]->obj->name);
		struct endpoint *e = eps[i];
		struct object *cur = e->obj;
		if (cur->invalid || !cur->name)
			continue;
		const char *kind = cur->kind, *name = cur->name;
		/* The object of the owner's key: the endpoint's own (valid, so indexed), or
		 * the last one looked up. */
		struct object *owner = cur;
		/* A mirror (static) pod is owned by its Node: it is no workload's replica. */
		for (int hops = 0; hops < 16 && cur->owner_kind && strcmp(cur->owner_kind, "Node");
		     hops++) {
			struct object *own = find_object(idx, cur->owner_kind, cur->ns,
							 cur->owner_name);
			kind = cur->owner_kind;
			name = cur->owner_name;
			owner = own;
			if (!own)
				own = implied_owner(m, idx, cur);
			if (!own || !own->workload || own->invalid)
				break;
			cur = own;
			kind = cur->kind;
			name = cur->name;
			owner = cur;
		}
		e->owner_kind = kind;
		e->owner_name = name;
		e->owner_display = owner_label(m->arena, e->ns, name, kind);
		e->index = (int)i; /* input order: hostNetwork endpoints keep it */
		ow[k++] = (struct owned){ e->owner_display, e, owner, i };
	}
	return k;
}

/* Folding reads each endpoint, its object's name, its labels and ports, all cold since
 * resolve_owners: asked for a few owners ahead (from *pf up to before end). */
static void prefetch_owned(struct endpoint *const *eps, size_t k, size_t *pf, size_t end)
{
	for (; *pf < k && *pf < end; ++*pf) {
		const struct endpoint *p = eps[*pf];
		PREFETCH(p);
		PREFETCH((const char *)p + 64);
		PREFETCH((const char *)p + 128);
		if (*pf >= AHEAD / 2) {
			p = eps[*pf - AHEAD / 2];
			PREFETCH(p->labels.kv);
			PREFETCH(p->ports);
			PREFETCH(&p->obj->name);
		}
	}
}

/*
 * "Pods of one owner are one endpoint" while no policy tells them apart (fold.c): a Pod
 * (or a workload) with a controller owner is reported as that owner, walking up while
 * the owner is in the input with an owner of its own (Pod → ReplicaSet → Deployment).
 */
static void fold_endpoints(struct model *m, const struct objidx *idx)
{
	size_t n = m->nendpoints;
	struct endpoint **eps = m->endpoints;
	struct owned *ow = xmalloc(sizeof(*ow) * (n ? n : 1));
	size_t k = resolve_owners(m, idx, eps, n, ow);
	struct owned **po = xmalloc(sizeof(*po) * (k ? k : 1));
	for (size_t i = 0; i < k; i++)
		po[i] = &ow[i];
	/* Often in order already (kubectl lists by namespace and name): then not sorted. */
	size_t sorted = 1;
	while (sorted < k && owner_cmp(&po[sorted - 1], &po[sorted]) < 0)
		sorted++;
	if (sorted < k)
		qsort(po, k, sizeof(*po), owner_cmp);
	for (size_t i = 0; i < k; i++)
		eps[i] = po[i]->e;

	/* Each run of one owner becomes its endpoint, or the classes of its pods. */
	struct endpoint **out = NULL;
	size_t nout = 0, cap = 0;
	struct fold *f = fold_new(m);
	for (size_t i = 0, pf = 0; i < k;) {
		size_t j = i + 1;
		while (j < k && !strcmp(po[j]->display, po[i]->display))
			j++;
		prefetch_owned(eps, k, &pf, j + AHEAD);
		struct endpoint *e = eps[i];
		fold_owner(f, eps + i, j - i, po[i]->owner, e->owner_kind, e->owner_name,
			   e->owner_display, &out, &nout, &cap);
		i = j;
	}
	fold_free(f);
	free(po);
	free(ow);
	/* Owners come sorted, and an owner folded whole is named as its owner: often the
	 * endpoints are in order already (strictly: no two share a name). */
	sorted = 1;
	while (sorted < nout && ep_cmp(&out[sorted - 1], &out[sorted]) < 0)
		sorted++;
	if (sorted < nout)
		qsort(out, nout, sizeof(*out), ep_cmp);
	free(m->endpoints);
	m->endpoints = out;
	m->endpoints_cap = cap;

	/* hostNetwork pods are node traffic: no policy selects them and no pod selector
	 * matches them; they are kept apart for lint. */
	k = 0;
	const struct namespace *ns = NULL;
	for (size_t i = 0; i < nout; i++) {
		if (i + AHEAD < nout)
			PREFETCH(out[i + AHEAD]);
		struct endpoint *e = out[i];
		if (e->host_network) {
			XGROW(m->host_net, m->host_net_cap, m->nhost_net + 1);
			m->host_net[m->nhost_net++] = e;
			continue;
		}
		e->index = (int)k;
		/* In display order, one namespace's endpoints are a run. */
		if (!ns || !same_str(ns->name, e->ns))
			ns = model_namespace(m, e->ns);
		if (!ns)
			BUG("endpoint in an unknown namespace");
		e->ns_index = ns->index;
		m->endpoints[k++] = e;
	}
	m->nendpoints = k;
	collect_unknown_keys(m);
}

bool model_key_may_be_unknown(const struct model *m, const char *key)
{
	if (fold_key_may_be_unknown(key))
		return true;
	for (size_t i = 0; i < m->nunknown_keys; i++)
		if (!strcmp(m->unknown_keys[i], key))
			return true;
	return false;
}

/* The unmodelled objects by kind and API group, in order of first appearance; one note
 * on stderr per kind unless the caller reports them (lint). */
static void group_unmodelled(struct model *m, const struct model_options *opt)
{
	if (!m->nunmodelled)
		return;
	m->unmodelled_kinds = ARENA_ARRAY(m->arena, struct unmodelled_kind, m->nunmodelled);
	for (size_t i = 0; i < m->nunmodelled; i++) {
		const struct unmodelled *u = &m->unmodelled[i];
		const char *slash = strchr(u->api_version, '/');
		size_t gl = slash ? (size_t)(slash - u->api_version) : strlen(u->api_version);
		size_t k = 0;
		for (; k < m->nunmodelled_kinds; k++) {
			const struct unmodelled_kind *g = &m->unmodelled_kinds[k];
			if (!strcmp(g->kind, u->kind) && !strncmp(g->api_version, u->api_version, gl) &&
			    (g->api_version[gl] == '/' || !g->api_version[gl]))
				break;
		}
		if (k == m->nunmodelled_kinds)
			m->unmodelled_kinds[m->nunmodelled_kinds++] = (struct unmodelled_kind){
				u->kind, u->api_version, 0, u->pos, !u->ns
			};
		m->unmodelled_kinds[k].count++;
	}
	if (opt && opt->quiet_unmodelled)
		return;
	for (size_t k = 0; k < m->nunmodelled_kinds; k++) {
		const struct unmodelled_kind *g = &m->unmodelled_kinds[k];
		fprintf(stderr,
			"npcheck: note: %zu %s object%s (%s, first at %s:%d:%d) not modelled: "
			"verdicts do not account for %s\n",
			g->count, g->kind, g->count == 1 ? "" : "s", g->api_version, g->first.file,
			g->first.line, g->first.col, g->count == 1 ? "it" : "them");
	}
}

const struct unmodelled_kind *model_unmodelled_for(const struct model *m, const char *ns)
{
	/* The namespace's own first, then a cluster-wide one. */
	for (size_t i = 0; i < m->nunmodelled; i++) {
		const struct unmodelled *u = &m->unmodelled[i];
		if (u->ns && !strcmp(u->ns, ns))
			for (size_t k = 0; k < m->nunmodelled_kinds; k++)
				if (!strcmp(m->unmodelled_kinds[k].kind, u->kind) &&
				    !m->unmodelled_kinds[k].cluster)
					return &m->unmodelled_kinds[k];
	}
	for (size_t k = 0; k < m->nunmodelled_kinds; k++)
		if (m->unmodelled_kinds[k].cluster)
			return &m->unmodelled_kinds[k];
	return NULL;
}

static int custom_cmp(const void *pa, const void *pb)
{
	const struct custom_obj *a = pa, *b = pb;
	int c = strcmp(a->ns, b->ns);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The custom resources by namespace, for model_custom_in. */
static void sort_custom(struct model *m)
{
	for (size_t i = 0; i < m->ncustom; i++)
		m->custom[i].seq = i;
	if (m->ncustom > 1)
		qsort(m->custom, m->ncustom, sizeof(*m->custom), custom_cmp);
}

const struct custom_obj *model_custom_in(const struct model *m, const char *ns,
					 size_t *count)
{
	size_t lo = 0, hi = m->ncustom;
	*count = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->custom[mid].ns, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < m->ncustom && !strcmp(m->custom[i].ns, ns); i++)
		(*count)++;
	return *count ? &m->custom[lo] : NULL;
}

/* A policy as the API server takes it: its defaults, then its validation. */
static void check_policy(struct model *m, struct policy *p)
{
	if (p->obj->invalid)
		p->invalid = true;
	normalize_policy(p);
	validate_policy(m, p);
}

void model_check_part(struct model *m, struct diag *checked)
{
	for (size_t i = 0; i < m->nobjects; i++)
		if (m->objects[i]->name)
			object_hash(m->objects[i]);
	struct diag *d = m->diag;
	m->diag = checked;
	for (size_t i = 0; i < m->npolicies; i++) {
		struct policy *p = m->policies[i];
		if (p->obj->invalid)
			continue;
		p->check_first = checked->n;
		check_policy(m, p);
		p->check_n = checked->n - p->check_first;
		p->checked = true;
	}
	m->diag = d;
}

/* Every policy checked, in model order: those checked while loading report what they
 * found now, where validating them here would have; a duplicate (found since) is one
 * the API server never validates. */
static void check_policies(struct model *m)
{
	struct diag *d = m->diag;
	for (size_t i = 0; i < m->npolicies; i++) {
		struct policy *p = m->policies[i];
		if (!p->checked) {
			check_policy(m, p);
		} else if (p->obj->invalid) {
			p->invalid = true;
			validate_policy_forget(p);
		} else if (p->check_n) {
			XGROW(d->items, d->cap, d->n + p->check_n);
			memcpy(d->items + d->n, m->checked->items + p->check_first,
			       p->check_n * sizeof(*d->items));
			d->n += p->check_n;
		}
	}
	if (m->checked)
		diag_release(m->checked);
	m->checked = NULL;
}

/* Parse the files (a heap array, freed here) and build the model; rc is what
 * collecting them returned. With no object at all, the no-input error is at where
 * (a file name), about what ("this path", "standard input"...). */
static int model_build(struct model *m, struct diag *d, struct source_file *files,
		       size_t nfiles, const struct model_options *opt, int rc,
		       const char *where, const char *what)
{
	m->nfiles = nfiles;
	struct source_budget *budget = ARENA_NEW(m->arena, struct source_budget);
	budget->max_file = opt && opt->max_file ? opt->max_file : MODEL_MAX_FILE;
	budget->max_total = opt && opt->max_total ? opt->max_total : MODEL_MAX_TOTAL;
	for (size_t i = 0; i < nfiles; i++)
		files[i].budget = budget;
	/* Trees live in their own arena so that a decoded document's tree can be dropped
	 * without touching the model; trees that are kept move to the model's arena. */
	m->trees = arena_new();
	if (model_parse_files(m, files, nfiles, opt))
		rc = -1;
	free(files);
	group_unmodelled(m, opt);
	sort_custom(m);
	/* No input at all is an input error (SPEC 1): a check of nothing must not pass. */
	if (!m->nobjects && !d->input_error && !(opt && opt->allow_empty)) {
		/* Positioned at the first path's start, like an unreadable file. */
		escape_eprintf("%s:1:1: error: no input: no object of a kind npcheck reads "
			       "(NetworkPolicy, Namespace, Pod, Service or a workload) in %s%s",
			       where, what, opt && opt->stdin_implicit ?
			       " (no path was given: name the files or directories to read)" : "");
		d->input_error = true;
		rc = -1;
	}

	number_generated(m);
	struct objidx idx;
	struct ns_names ns;
	ns_names_init(&ns, m->nobjects);
	objidx_build(m, &idx, &ns);
	build_namespaces(m, &idx, &ns);
	/* Policies first: folding asks the valid ones which pods they tell apart. */
	check_policies(m);
	/* The policy tiers in evaluation order (duplicates are invalid by now). */
	tiers_finish(m);
	fold_endpoints(m, &idx);
	free(idx.t);
	/* Its strings stay in the arena; the table is only for loading. */
	intern_free(m->intern);
	m->intern = NULL;
	if (d->input_error)
		rc = -1;
	return rc;
}

static void model_start(struct model *m, struct arena *a, struct diag *d,
			const struct model_options *opt)
{
	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->diag = d;
	m->no_fold = opt && opt->no_fold;
}

int model_load_sources(struct model *m, struct arena *a, struct diag *d,
		       const struct source *srcs, size_t n, const struct model_options *opt)
{
	struct source_file *files = xcalloc(n + 1, sizeof(*files));

	model_start(m, a, d, opt);
	for (size_t i = 0; i < n; i++) {
		files[i].path = arena_strdup(a, srcs[i].name);
		/* Never NULL: a NULL buf is a file that was not read. */
		files[i].buf = srcs[i].buf ? srcs[i].buf : "";
		files[i].len = srcs[i].buf ? srcs[i].len : 0;
	}
	return model_build(m, d, files, n, opt, 0, n ? files[0].path : "<input>", "the input");
}

int model_load(struct model *m, struct arena *a, struct diag *d, const char *const *paths,
	       size_t npaths, const struct model_options *opt)
{
	struct source_file *files = NULL;
	size_t nfiles = 0;

	model_start(m, a, d, opt);
	int rc = source_collect(a, d, paths, npaths, &files, &nfiles);
	bool std_in = !npaths || !strcmp(paths[0], "-");
	return model_build(m, d, files, nfiles, opt, rc, std_in ? "<stdin>" : paths[0],
			   npaths > 1 ? "any path given" : std_in ? "standard input" : "this path");
}

void model_free(struct model *m)
{
	arena_free(m->trees);
	intern_free(m->intern);
	free(m->objects);
	free(m->namespaces);
	free(m->endpoints);
	free(m->host_net);
	free(m->policies);
	free(m->services);
	free(m->unmodelled);
	free(m->custom);
	tiers_release(m);
	memset(m, 0, sizeof(*m));
}

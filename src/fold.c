/* Folding: the pods of one owner become one endpoint while no policy can tell them apart,
 * and otherwise one endpoint per class of pods that behave alike (SPEC §2, "Endpoints are
 * exact"). Pods differ for policy by the selectors that match them, the ipBlocks that
 * hold their addresses, their named ports and hostNetwork: nothing else. */
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "tiers.h"

const char LABEL_UNKNOWN[] = "<set at run time>";

/*
 * The labels that controllers and the API server put on the pods of a template, beyond
 * the template's own. Values are the object's name, the replica's name or ordinal, or
 * something only the running cluster knows.
 */
enum ctl_value { V_UNKNOWN, V_OBJECT_NAME, V_POD_NAME, V_POD_INDEX };

static const struct ctl_label {
	const char *kind;
	const char *key;
	enum ctl_value value;
	bool if_absent; /* only when the template does not set it, and not with
			 * spec.manualSelector: true (Jobs) */
} ctl_labels[] = {
	/* pkg/controller/deployment/sync.go (getNewReplicaSet): the ReplicaSet's template,
	 * and so every pod, gets pod-template-hash, a hash of the template. */
	{ "Deployment", "pod-template-hash", V_UNKNOWN, false },
	/* pkg/controller/daemon/util/daemonset_util.go (CreatePodTemplate): the template
	 * generation and controller-revision-hash, the hash of the revision. */
	{ "DaemonSet", "controller-revision-hash", V_UNKNOWN, false },
	{ "DaemonSet", "pod-template-generation", V_UNKNOWN, false },
	/* pkg/controller/statefulset/stateful_set_utils.go (newVersionedStatefulSetPod,
	 * initIdentity, updateIdentity): the revision hash, and per replica its name
	 * "<set>-<ordinal>" and (Kubernetes 1.28 and later) its ordinal. */
	{ "StatefulSet", "controller-revision-hash", V_UNKNOWN, false },
	{ "StatefulSet", "statefulset.kubernetes.io/pod-name", V_POD_NAME, false },
	{ "StatefulSet", "apps.kubernetes.io/pod-index", V_POD_INDEX, false },
	/* pkg/registry/batch/job/strategy.go (generateSelector), unless manualSelector:
	 * job-name and batch.kubernetes.io/job-name (the Job's name), controller-uid and
	 * batch.kubernetes.io/controller-uid (its UID), each where the template lacks it. */
	{ "Job", "job-name", V_OBJECT_NAME, true },
	{ "Job", "batch.kubernetes.io/job-name", V_OBJECT_NAME, true },
	{ "Job", "controller-uid", V_UNKNOWN, true },
	{ "Job", "batch.kubernetes.io/controller-uid", V_UNKNOWN, true },
	/* A CronJob's Jobs are named "<cronjob>-<scheduled time>" (pkg/controller/cronjob,
	 * getJobName), so the job-name of their pods is unknown offline as well. */
	{ "CronJob", "job-name", V_UNKNOWN, true },
	{ "CronJob", "batch.kubernetes.io/job-name", V_UNKNOWN, true },
	{ "CronJob", "controller-uid", V_UNKNOWN, true },
	{ "CronJob", "batch.kubernetes.io/controller-uid", V_UNKNOWN, true },
};

bool fold_key_may_be_unknown(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ctl_labels); i++)
		if (ctl_labels[i].value == V_UNKNOWN && !strcmp(ctl_labels[i].key, key))
			return true;
	return false;
}

#define POD_NAME_KEY "statefulset.kubernetes.io/pod-name"
#define POD_INDEX_KEY "apps.kubernetes.io/pod-index"

/* A pod selector of a valid policy, and the namespaces where it looks at pods. */
struct fsel {
	const struct selector *sel;
	const struct policy *p;
	const struct selector *ns_sel; /* a peer's namespaceSelector, or NULL */
	bool spec;                     /* the policy's own spec.podSelector */
	const struct tpolicy *tp;      /* a tier policy's pod selector (p is NULL); its
					* ns_sel absent means every namespace */
};

struct fkey {
	const char *key;
	size_t sel;
	uint64_t head; /* key's first 8 bytes, big-endian, zero-padded: sorting reads them,
			* not the key (policy text, far apart in memory) */
};

struct fblock {
	const struct ipblock *b;
	const struct policy *p;
};

/* A tier policy's networks CIDR. */
struct ftblock {
	const struct cidr *c;
	const char *text;
	const struct tpolicy *tp;
	const struct ynode *at;
};

struct fold {
	struct model *m;
	struct fsel *sels;
	size_t nsels, sels_cap;
	struct fkey *keys; /* (label key, selector), sorted by key then selector */
	size_t nkeys, keys_cap;
	size_t *stamp;     /* per selector: the last group that collected it, plus one */
	size_t group;
	/* The values selectors name for a StatefulSet pod's name or ordinal. */
	const char **named;
	size_t nnamed, named_cap;
	/* ipBlock boundaries per family ([0] IPv4, [1] IPv6): the addresses between two
	 * neighbouring cuts are held by the same blocks. */
	u128 *cuts[2];
	size_t ncuts[2], cuts_cap[2];
	struct fblock *blocks;
	size_t nblocks, blocks_cap;
	struct ftblock *tblocks;
	size_t ntblocks, tblocks_cap;
};

/* One pod, or the pods of a template that are alike by construction. */
struct member {
	const struct endpoint *src; /* the Pod's provisional endpoint, or the template's */
	struct labels labels;
	const char *name;            /* the pod's name; NULL for a template's pods */
	size_t count;                /* pods it stands for */
	const char **names;          /* the other replicas of a StatefulSet: their names */
	size_t nnames;
	char *sig;                   /* what policy can see of it (heap) */
};

/* Ordered as strcmp orders the keys. */
static int fkey_cmp(const void *pa, const void *pb)
{
	const struct fkey *a = pa, *b = pb;
	int c = (a->head > b->head) - (a->head < b->head);
	/* Equal heads with a NUL in them are equal keys. */
	if (!c && (a->head & 0xff) && a->key != b->key)
		c = strcmp(a->key + 8, b->key + 8);
	return c ? c : (a->sel > b->sel) - (a->sel < b->sel);
}

static uint64_t key_head(const char *key)
{
	uint64_t h = 0;
	size_t i = 0;
	for (; i < 8 && key[i]; i++)
		h = h << 8 | (unsigned char)key[i];
	return h << (8 * (8 - i));
}

static int u128_cmp(const void *pa, const void *pb)
{
	u128 a = *(const u128 *)pa, b = *(const u128 *)pb;
	return (a > b) - (a < b);
}

static int fam(int family)
{
	return family == AF_V6;
}

static void add_key(struct fold *f, const char *key, size_t sel)
{
	XGROW(f->keys, f->keys_cap, f->nkeys + 1);
	f->keys[f->nkeys].key = key;
	f->keys[f->nkeys].head = key_head(key);
	f->keys[f->nkeys++].sel = sel;
}

static void add_named(struct fold *f, const char *key, const char *val)
{
	if (strcmp(key, POD_NAME_KEY) && strcmp(key, POD_INDEX_KEY))
		return;
	XGROW(f->named, f->named_cap, f->nnamed + 1);
	f->named[f->nnamed++] = val;
}

static void add_sel(struct fold *f, const struct policy *p, const struct selector *s,
		    const struct selector *ns_sel, bool spec)
{
	/* An absent or empty selector matches every pod alike. */
	if (!s->node || selector_is_empty(s))
		return;
	size_t i = f->nsels;
	XGROW(f->sels, f->sels_cap, i + 1);
	f->sels[f->nsels++] = (struct fsel){ s, p, ns_sel, spec, NULL };
	for (size_t k = 0; k < s->nml; k++) {
		add_key(f, s->ml[k].key, i);
		add_named(f, s->ml[k].key, s->ml[k].val);
	}
	for (size_t k = 0; k < s->nexprs; k++) {
		if (!s->exprs[k].key)
			continue;
		add_key(f, s->exprs[k].key, i);
		for (size_t v = 0; v < s->exprs[k].nvalues; v++)
			add_named(f, s->exprs[k].key, s->exprs[k].values[v]);
	}
}

static void add_cut(struct fold *f, int family, u128 at)
{
	int k = fam(family);
	XGROW(f->cuts[k], f->cuts_cap[k], f->ncuts[k] + 1);
	f->cuts[k][f->ncuts[k]++] = at;
}

static void add_range(struct fold *f, int family, u128 lo, u128 hi)
{
	u128 max = family == AF_V6 ? ~(u128)0 : 0xffffffffu;
	add_cut(f, family, lo);
	if (hi != max)
		add_cut(f, family, hi + 1);
}

static void add_block(struct fold *f, const struct policy *p, const struct ipblock *b)
{
	if (!b->cidr_parsed.family || (b->nexcept && !b->except_parsed))
		return;
	XGROW(f->blocks, f->blocks_cap, f->nblocks + 1);
	f->blocks[f->nblocks++] = (struct fblock){ b, p };
	add_range(f, b->cidr_parsed.family, b->cidr_parsed.lo, b->cidr_parsed.hi);
	for (size_t i = 0; i < b->nexcept; i++)
		add_range(f, b->except_parsed[i].family, b->except_parsed[i].lo,
			  b->except_parsed[i].hi);
}

/* The pod selectors and networks of the tier policies tell pods apart too. */
static void add_tiers(struct fold *f, const struct tiers *t)
{
	for (size_t i = 0; t && i < t->npol; i++) {
		const struct tpolicy *tp = t->pol[i];
		if (tp->invalid || tp->obj->invalid)
			continue;
		for (int d = -1; d < DIR__COUNT; d++) {
			const struct tpeer *pe = d < 0 ? &tp->subject : NULL;
			size_t n = d < 0 ? 1 : tp->nrules[d];
			for (size_t r = 0; r < n; r++) {
				size_t np = d < 0 ? 1 : tp->rules[d][r].npeers;
				for (size_t k = 0; k < np; k++) {
					if (d >= 0)
						pe = &tp->rules[d][r].peers[k];
					if (pe->kind == TP_PODS && pe->pod_sel.node &&
					    !selector_is_empty(&pe->pod_sel)) {
						const struct selector *s = &pe->pod_sel;
						size_t at = f->nsels;
						add_sel(f, NULL, s, pe->ns_sel.node ? &pe->ns_sel : NULL,
							false);
						if (f->nsels > at)
							f->sels[at].tp = tp;
					}
					for (size_t c = 0; pe->kind == TP_NETWORKS && c < pe->nnets; c++) {
						XGROW(f->tblocks, f->tblocks_cap, f->ntblocks + 1);
						f->tblocks[f->ntblocks++] = (struct ftblock){
							&pe->nets[c], pe->net_text[c], tp, pe->node
						};
						add_range(f, pe->nets[c].family, pe->nets[c].lo,
							  pe->nets[c].hi);
					}
				}
			}
		}
	}
}

struct fold *fold_new(struct model *m)
{
	struct fold *f = xcalloc(1, sizeof(*f));
	f->m = m;
	for (size_t i = 0; i < m->npolicies; i++) {
		/* Policies lie far apart in memory: asked for ahead, their misses overlap. */
		if (i + 4 < m->npolicies)
			PREFETCH(m->policies[i + 4]);
		const struct policy *p = m->policies[i];
		if (p->invalid)
			continue;
		add_sel(f, p, &p->pod_sel, NULL, true);
		for (int d = 0; d < DIR__COUNT; d++)
			for (size_t r = 0; r < p->nrules[d]; r++)
				for (size_t k = 0; k < p->rules[d][r].npeers; k++) {
					const struct peer *pe = &p->rules[d][r].peers[k];
					if (pe->ipb)
						add_block(f, p, pe->ipb);
					else
						add_sel(f, p, &pe->pod_sel,
							pe->ns_sel.node ? &pe->ns_sel : NULL, false);
				}
	}
	add_tiers(f, m->tiers);
	if (f->nkeys > 1)
		qsort(f->keys, f->nkeys, sizeof(*f->keys), fkey_cmp);
	f->stamp = xcalloc(f->nsels + 1, sizeof(*f->stamp));
	for (int k = 0; k < 2; k++) {
		if (f->ncuts[k] < 2)
			continue;
		qsort(f->cuts[k], f->ncuts[k], sizeof(u128), u128_cmp);
		size_t w = 1;
		for (size_t i = 1; i < f->ncuts[k]; i++)
			if (f->cuts[k][i] != f->cuts[k][w - 1])
				f->cuts[k][w++] = f->cuts[k][i];
		f->ncuts[k] = w;
	}
	return f;
}

void fold_free(struct fold *f)
{
	if (!f)
		return;
	free(f->sels);
	free(f->keys);
	free(f->stamp);
	free(f->named);
	free(f->cuts[0]);
	free(f->cuts[1]);
	free(f->blocks);
	free(f->tblocks);
	free(f);
}

/* ---- the pods of a template ---- */

/* labels plus (key, val): replaced where present unless if_absent. */
static void labels_set(struct labels *l, const char *key, const char *val, bool if_absent)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].key, key)) {
			if (!if_absent)
				l->kv[i].val = val;
			return;
		}
	l->kv[l->n].key = key;
	l->kv[l->n].val = val;
	l->kv[l->n].node = NULL;
	l->n++;
}

/* The kind whose controller makes a template's pods, and that controller's object name
 * (NULL when unknown): the object's own, or what an operator's table says. */
static const char *ctl_kind(const struct endpoint *t)
{
	return t->ctl_kind ? t->ctl_kind : t->obj->kind;
}

static const char *ctl_name(const struct endpoint *t)
{
	return t->ctl_kind ? t->ctl_name : t->obj->name;
}

/* The template's labels with its controller's, for the replica of this ordinal (or
 * none: ordinal < 0). Arena-owned. */
static struct labels template_labels(struct model *m, const struct endpoint *t,
				     long long ordinal)
{
	struct labels l;
	l.kv = ARENA_ARRAY(m->arena, struct kv, t->labels.n + ARRAY_SIZE(ctl_labels));
	l.n = t->labels.n;
	if (t->labels.n)
		memcpy(l.kv, t->labels.kv, sizeof(*l.kv) * t->labels.n);
	for (size_t i = 0; i < ARRAY_SIZE(ctl_labels); i++) {
		const struct ctl_label *c = &ctl_labels[i];
		if (strcmp(c->kind, ctl_kind(t)) || (c->if_absent && t->manual_selector))
			continue;
		const char *v = LABEL_UNKNOWN;
		if (c->value == V_UNKNOWN)
			m->has_unknown_labels = true;
		if (c->value == V_OBJECT_NAME && ctl_name(t))
			v = ctl_name(t);
		else if (c->value == V_POD_NAME || c->value == V_POD_INDEX) {
			if (ordinal < 0 || !ctl_name(t))
				continue;
			v = c->value == V_POD_NAME
				    ? arena_printf(m->arena, "%s-%lld", ctl_name(t), ordinal)
				    : arena_printf(m->arena, "%lld", ordinal);
		}
		labels_set(&l, c->key, v, c->if_absent);
	}
	return l;
}

/* The decimal ordinal a selector value names for StatefulSet name: "<name>-<n>" or
 * "<n>", as the controller writes it (no sign, no leading zero); -1 otherwise. */
static long long named_ordinal(const char *val, const char *name)
{
	size_t nl = strlen(name);
	if (!strncmp(val, name, nl) && val[nl] == '-')
		val += nl + 1;
	if (!*val || (val[0] == '0' && val[1]) || strlen(val) > 10)
		return -1;
	long long v = 0;
	for (const char *p = val; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static int ll_cmp(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;
	return (a > b) - (a < b);
}

/*
 * The members standing for a template's pods. A StatefulSet's replicas differ in their
 * name and ordinal labels: each replica some selector names is a member of its own, and
 * the others (alike for every selector) are one member; other templates are one member.
 */
static size_t template_members(struct fold *f, const struct endpoint *t, struct member **out)
{
	struct model *m = f->m;
	long long replicas = t->replicas < 0 ? 1 : t->replicas;
	const char *name = ctl_name(t);
	if (strcmp(ctl_kind(t), "StatefulSet") || !replicas || !name) {
		*out = xcalloc(1, sizeof(**out));
		(*out)->src = t;
		(*out)->labels = template_labels(m, t, -1);
		(*out)->count = t->replicas < 0 ? 0 : (size_t)t->replicas;
		return 1;
	}
	long long start = t->ordinal_start;
	long long *ord = xmalloc(sizeof(*ord) * (f->nnamed + 65));
	size_t nord = 0;
	for (size_t i = 0; i < f->nnamed; i++) {
		long long o = named_ordinal(f->named[i], name);
		if (o >= start && o - start < replicas)
			ord[nord++] = o;
	}
	qsort(ord, nord, sizeof(*ord), ll_cmp);
	size_t w = 0;
	for (size_t i = 0; i < nord; i++)
		if (!w || ord[i] != ord[w - 1])
			ord[w++] = ord[i];
	nord = w;
	if (m->no_fold && replicas <= 64) {
		/* Every replica on its own (differential tests). */
		nord = 0;
		for (long long o = start; o < start + replicas; o++)
			ord[nord++] = o;
	}
	size_t rest = (size_t)replicas - nord;
	*out = xcalloc(nord + 1, sizeof(**out));
	for (size_t i = 0; i < nord; i++) {
		struct member *mb = &(*out)[i];
		mb->src = t;
		mb->labels = template_labels(m, t, ord[i]);
		mb->name = arena_printf(m->arena, "%s-%lld", name, ord[i]);
		mb->count = 1;
	}
	if (rest) {
		struct member *mb = &(*out)[nord];
		size_t keep = rest < FOLD_MAX_NAMES ? rest : FOLD_MAX_NAMES;
		mb->src = t;
		mb->count = rest;
		mb->names = ARENA_ARRAY(m->arena, const char *, keep);
		long long o = start;
		for (size_t k = 0; mb->nnames < keep; o++) {
			while (k < nord && ord[k] < o)
				k++;
			if (k < nord && ord[k] == o)
				continue;
			if (!mb->nnames)
				mb->labels = template_labels(m, t, o);
			mb->names[mb->nnames++] = arena_printf(m->arena, "%s-%lld", name, o);
		}
	}
	free(ord);
	return nord + (rest != 0);
}

/* ---- what policy can see of a pod ---- */

static bool sel_applies(const struct fsel *s, const struct namespace *ns)
{
	if (s->tp)
		return !s->ns_sel || selector_matches(s->ns_sel, &ns->labels);
	if (s->spec || !s->ns_sel)
		return !strcmp(s->p->obj->ns, ns->name);
	return selector_matches(s->ns_sel, &ns->labels);
}

/* Keys whose value (or presence) is not the same on every member. */
static void differing_keys(const struct member *mb, size_t n, const char ***keys, size_t *nk,
			   size_t *cap)
{
	*nk = 0;
	const struct labels *a = &mb[0].labels;
	for (size_t i = 1; i < n; i++) {
		const struct labels *b = &mb[i].labels;
		for (size_t k = 0; k < a->n; k++) {
			const char *v = labels_get(b, a->kv[k].key);
			if (!v || strcmp(v, a->kv[k].val)) {
				XGROW(*keys, *cap, *nk + 1);
				(*keys)[(*nk)++] = a->kv[k].key;
			}
		}
		for (size_t k = 0; k < b->n; k++)
			if (!labels_get(a, b->kv[k].key)) {
				XGROW(*keys, *cap, *nk + 1);
				(*keys)[(*nk)++] = b->kv[k].key;
			}
	}
}

static size_t lower_key(const struct fold *f, const char *key)
{
	size_t lo = 0, hi = f->nkeys;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(f->keys[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int size_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return (a > b) - (a < b);
}

/* The selectors, applying in ns, that name a key whose value differs between members,
 * in policy order. */
static size_t relevant_selectors(struct fold *f, const struct namespace *ns, const char **keys,
				 size_t nk, size_t **out, size_t *cap)
{
	size_t n = 0;
	f->group++;
	for (size_t i = 0; i < nk; i++)
		for (size_t k = lower_key(f, keys[i]); k < f->nkeys && !strcmp(f->keys[k].key, keys[i]);
		     k++) {
			size_t s = f->keys[k].sel;
			if (f->stamp[s] == f->group || !sel_applies(&f->sels[s], ns))
				continue;
			f->stamp[s] = f->group;
			XGROW(*out, *cap, n + 1);
			(*out)[n++] = s;
		}
	if (n > 1)
		qsort(*out, n, sizeof(**out), size_cmp);
	return n;
}

/* The interval of addr between the cuts of its family. */
static size_t cut_interval(const struct fold *f, int family, u128 addr)
{
	const u128 *c = f->cuts[fam(family)];
	size_t lo = 0, hi = f->ncuts[fam(family)];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int port_cmp(const void *pa, const void *pb)
{
	const struct container_port *a = *(const struct container_port *const *)pa;
	const struct container_port *b = *(const struct container_port *const *)pb;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (a->proto != b->proto)
		return a->proto - b->proto;
	return a->port - b->port;
}

static int sizev_cmp(const void *pa, const void *pb)
{
	return size_cmp(pa, pb);
}

/* The signature: the result of each relevant selector, the address intervals, the
 * named ports and hostNetwork. Members with equal signatures behave alike. */
static void member_sig(const struct fold *f, struct member *mb, const size_t *rel, size_t nrel,
		       struct strbuf *sb)
{
	strbuf_reset(sb);
	for (size_t i = 0; i < nrel; i++)
		strbuf_addch(sb, selector_matches(f->sels[rel[i]].sel, &mb->labels) ? '1' : '0');
	strbuf_addch(sb, mb->src->host_network ? 'H' : '-');
	if (f->m->no_fold)
		strbuf_addf(sb, "#%p", (const void *)mb);
	const struct endpoint *e = mb->src;
	if (e->nips) {
		size_t *iv = xmalloc(sizeof(*iv) * e->nips);
		for (size_t i = 0; i < e->nips; i++)
			iv[i] = cut_interval(f, e->ips[i].family, e->ips[i].addr) * 2 +
				(size_t)fam(e->ips[i].family);
		qsort(iv, e->nips, sizeof(*iv), sizev_cmp);
		/* No format: members are many. */
		for (size_t i = 0; i < e->nips; i++) {
			if (i && iv[i] == iv[i - 1])
				continue;
			strbuf_addch(sb, '|');
			strbuf_add_uint(sb, iv[i]);
		}
		free(iv);
	}
	size_t nn = 0;
	for (size_t i = 0; i < e->nports; i++)
		nn += e->ports[i].name != NULL;
	if (nn) {
		const struct container_port **ps = xmalloc(sizeof(*ps) * nn);
		nn = 0;
		for (size_t i = 0; i < e->nports; i++)
			if (e->ports[i].name)
				ps[nn++] = &e->ports[i];
		qsort(ps, nn, sizeof(*ps), port_cmp);
		for (size_t i = 0; i < nn; i++) {
			strbuf_addch(sb, ';');
			strbuf_addstr(sb, ps[i]->name);
			strbuf_addch(sb, '/');
			strbuf_add_int(sb, ps[i]->proto);
			strbuf_addch(sb, '/');
			strbuf_add_int(sb, ps[i]->port);
		}
		free(ps);
	}
	mb->sig = xstrdup(sb->buf);
}

/* ---- why an owner is split ---- */

static bool block_holds_any(const struct ipblock *b, const struct endpoint *e)
{
	for (size_t i = 0; i < e->nips; i++) {
		int family = e->ips[i].family;
		u128 a = e->ips[i].addr;
		if (b->cidr_parsed.family != family || a < b->cidr_parsed.lo || a > b->cidr_parsed.hi)
			continue;
		bool out = false;
		for (size_t k = 0; k < b->nexcept; k++) {
			const struct cidr *x = &b->except_parsed[k];
			out |= x->family == family && a >= x->lo && a <= x->hi;
		}
		if (!out)
			return true;
	}
	return false;
}

static const char *policy_name(struct model *m, const struct policy *p)
{
	return arena_printf(m->arena, "%s/%s", p->obj->ns, p->obj->name);
}

/* The first thing in policy order whose answer differs between members. */
static struct fold_split *split_reason(struct fold *f, const struct member *mb, size_t n,
				       const size_t *rel, size_t nrel)
{
	struct model *m = f->m;
	struct fold_split *w = ARENA_NEW(m->arena, struct fold_split);
	for (size_t i = 0; i < nrel; i++) {
		const struct fsel *s = &f->sels[rel[i]];
		bool first = selector_matches(s->sel, &mb[0].labels);
		for (size_t k = 1; k < n; k++)
			if (selector_matches(s->sel, &mb[k].labels) != first && s->tp) {
				const struct ynode *at = s->sel->key_node ? s->sel->key_node : s->sel->node;
				w->what = arena_printf(m->arena, "a podSelector of %s policy %s",
						       tier_name(s->tp->tier), s->tp->obj->name);
				w->file = s->tp->obj->file;
				w->pos = at->pos;
				return w;
			} else if (selector_matches(s->sel, &mb[k].labels) != first) {
				const struct ynode *at = s->sel->key_node ? s->sel->key_node : s->sel->node;
				w->what = arena_printf(m->arena, "%s of policy %s",
						       s->spec ? "the podSelector" : "a peer's podSelector",
						       policy_name(m, s->p));
				w->file = s->p->obj->file;
				w->pos = at->pos;
				return w;
			}
	}
	for (size_t i = 0; i < f->nblocks; i++) {
		const struct fblock *b = &f->blocks[i];
		bool first = block_holds_any(b->b, mb[0].src);
		for (size_t k = 1; k < n; k++)
			if (block_holds_any(b->b, mb[k].src) != first) {
				const struct ynode *at = b->b->key_node ? b->b->key_node : b->b->node;
				w->what = arena_printf(m->arena, "ipBlock %s of policy %s",
						       b->b->cidr, policy_name(m, b->p));
				w->file = b->p->obj->file;
				w->pos = at->pos;
				return w;
			}
	}
	for (size_t i = 0; i < f->ntblocks; i++) {
		const struct ftblock *b = &f->tblocks[i];
		struct ipblock one = { 0 };
		one.cidr_parsed = *b->c;
		bool first = block_holds_any(&one, mb[0].src);
		for (size_t k = 1; k < n; k++)
			if (block_holds_any(&one, mb[k].src) != first) {
				w->what = arena_printf(m->arena, "networks %s of %s policy %s", b->text,
						       tier_name(b->tp->tier), b->tp->obj->name);
				w->file = b->tp->obj->file;
				w->pos = b->at->pos;
				return w;
			}
	}
	bool hn = mb[0].src->host_network;
	for (size_t k = 1; k < n; k++)
		if (mb[k].src->host_network != hn) {
			w->what = "hostNetwork";
			return w;
		}
	w->what = "their named container ports";
	return w;
}

/* ---- classes ---- */

static int member_name_cmp(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	if (!a->name || !b->name)
		return (a->name == NULL) - (b->name == NULL);
	return strcmp(a->name, b->name);
}

static int str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int member_sig_cmp(const void *pa, const void *pb)
{
	const struct member *a = *(const struct member *const *)pa;
	const struct member *b = *(const struct member *const *)pb;
	int c = strcmp(a->sig, b->sig);
	return c ? c : (a > b) - (a < b);
}

static void push(struct endpoint ***out, size_t *nout, size_t *cap, struct endpoint *e)
{
	XGROW(*out, *cap, *nout + 1);
	(*out)[(*nout)++] = e;
}

/* The endpoint of members cls[0..n). */
static struct endpoint *make_class(struct fold *f, struct member *const *cls, size_t n,
				   struct object *owner, const char *owner_kind,
				   const char *owner_name, const char *owner_display,
				   const struct fold_split *why)
{
	struct model *m = f->m;
	struct endpoint *e = ARENA_NEW(m->arena, struct endpoint);
	const struct member *rep = cls[0];
	*e = *rep->src;
	e->labels = rep->labels;
	e->owner_kind = owner_kind;
	e->owner_name = owner_name;
	e->owner_display = owner_display;
	e->obj = owner && !owner->invalid ? owner : rep->src->obj;
	size_t nips = 0, count = 0, nnames = 0;
	for (size_t i = 0; i < n; i++) {
		nips += cls[i]->src->nips;
		count += cls[i]->count;
		nnames += cls[i]->name ? 1 : cls[i]->nnames;
	}
	if (nips) {
		/* A StatefulSet's template members share src; pods have addresses of their own. */
		e->ips = ARENA_ARRAY(m->arena, struct ip_addr, nips);
		e->nips = 0;
		for (size_t i = 0; i < n; i++)
			if (!i || cls[i]->src != cls[i - 1]->src)
				for (size_t k = 0; k < cls[i]->src->nips; k++)
					e->ips[e->nips++] = cls[i]->src->ips[k];
	}
	e->npods = count;
	e->kind = owner_kind;
	e->name = owner_name;
	e->display = owner_display;
	e->is_pod = n == 1 && rep->src->is_pod && !strcmp(owner_kind, "Pod");
	if (nnames > FOLD_MAX_NAMES)
		nnames = FOLD_MAX_NAMES;
	e->pods = ARENA_ARRAY(m->arena, const char *, nnames ? nnames : 1);
	for (size_t i = 0; i < n && e->npod_names < nnames; i++) {
		if (cls[i]->name)
			e->pods[e->npod_names++] = cls[i]->name;
		for (size_t k = 0; k < cls[i]->nnames && e->npod_names < nnames; k++)
			e->pods[e->npod_names++] = cls[i]->names[k];
	}
	if (e->npod_names > 1)
		qsort(e->pods, e->npod_names, sizeof(*e->pods), str_cmp);
	if (!why)
		return e;
	e->split = true;
	e->why = why;
	if (count == 1 && e->npod_names == 1) {
		/* One pod: named as the Pod it is. */
		e->name = e->pods[0];
		e->kind = "Pod";
		e->display = arena_printf(m->arena, "%s/%s[Pod]", e->ns, e->name);
		e->is_pod = true;
		if (n == 1 && rep->src->is_pod)
			e->obj = rep->src->obj;
		return e;
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s{", owner_display);
	for (size_t i = 0; i < e->npod_names && i < 3; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", e->pods[i]);
	if (count > 3)
		strbuf_addf(&sb, ",+%zu", count - 3);
	else if (!e->npod_names)
		strbuf_addf(&sb, "%zu pods", count);
	strbuf_addch(&sb, '}');
	e->display = arena_strdup(m->arena, sb.buf);
	strbuf_release(&sb);
	return e;
}

/* The members of an owner's group: its pods, when the input has them (a dump): they
 * are what runs. Otherwise the owner's own template stands for its pods. */
static size_t gather_members(struct fold *f, struct endpoint **grp, size_t n,
			     const struct object *owner, struct member **mbp)
{
	struct member *mb = NULL;
	size_t nm = 0;

	for (size_t i = 0; i < n; i++)
		nm += grp[i]->is_pod;
	if (nm) {
		mb = xcalloc(nm, sizeof(*mb));
		nm = 0;
		for (size_t i = 0; i < n; i++)
			if (grp[i]->is_pod) {
				mb[nm].src = grp[i];
				mb[nm].labels = grp[i]->labels;
				mb[nm].name = grp[i]->obj->name;
				mb[nm++].count = 1;
			}
		if (nm > 1)
			qsort(mb, nm, sizeof(*mb), member_name_cmp);
	} else {
		/* The owner's own template; but a template an operator's table stands for
		 * gives way to the one the operator made, when the input has it (a dump). */
		const struct endpoint *t = grp[0];
		for (size_t i = 0; i < n; i++)
			if (grp[i]->obj == owner)
				t = grp[i];
		for (size_t i = 0; i < n && t->op_source; i++)
			if (!grp[i]->op_source)
				t = grp[i];
		nm = template_members(f, t, &mb);
	}
	*mbp = mb;
	return nm;
}

/* The classes of NM > 1 members: each member's signature over the selectors that
 * tell them apart (*RELV, *NREL), *ORDER the members sorted by it when they differ.
 * Returns the number of classes. */
static size_t classify_members(struct fold *f, struct member *mb, size_t nm,
			       struct member ***orderp, size_t **relvp, size_t *nrelp)
{
	size_t nclasses = 1, nrel = 0, *relv = NULL, relcap = 0;
	const char **keys = NULL;
	size_t nk = 0, kcap = 0;
	differing_keys(mb, nm, &keys, &nk, &kcap);
	const struct namespace *ns = model_namespace(f->m, mb[0].src->ns);
	if (nk && ns)
		nrel = relevant_selectors(f, ns, keys, nk, &relv, &relcap);
	free(keys);
	struct strbuf sb = STRBUF_INIT;
	struct member **order = xmalloc(sizeof(*order) * nm);
	for (size_t i = 0; i < nm; i++) {
		member_sig(f, &mb[i], relv, nrel, &sb);
		order[i] = &mb[i];
	}
	strbuf_release(&sb);
	bool same = true;
	for (size_t i = 1; i < nm && same; i++)
		same = !strcmp(mb[i].sig, mb[0].sig);
	if (!same) {
		qsort(order, nm, sizeof(*order), member_sig_cmp);
		nclasses = 1;
		for (size_t i = 1; i < nm; i++)
			nclasses += strcmp(order[i]->sig, order[i - 1]->sig) != 0;
	}
	*orderp = order;
	*relvp = relv;
	*nrelp = nrel;
	return nclasses;
}

void fold_owner(struct fold *f, struct endpoint **grp, size_t n, struct object *owner,
		const char *owner_kind, const char *owner_name, const char *owner_display,
		struct endpoint ***out, size_t *nout, size_t *cap)
{
	struct model *m = f->m;
	struct member *mb = NULL;
	size_t nm = 0;

	/* One pod, or one template that is not a StatefulSet's: one endpoint, as it is. */
	if (n == 1 && (grp[0]->is_pod || strcmp(ctl_kind(grp[0]), "StatefulSet"))) {
		struct endpoint *e = grp[0];
		if (!e->is_pod) {
			e->labels = template_labels(m, e, -1);
			e->npods = e->replicas < 0 ? 0 : (size_t)e->replicas;
		}
		e->owner_kind = e->kind = owner_kind;
		e->owner_name = e->name = owner_name;
		e->owner_display = e->display = owner_display;
		e->is_pod = e->is_pod && !strcmp(owner_kind, "Pod");
		e->obj->endpoint = e;
		push(out, nout, cap, e);
		return;
	}

	nm = gather_members(f, grp, n, owner, &mb);
	size_t nclasses = 1;
	struct member **order = NULL;
	size_t nrel = 0, *relv = NULL;
	if (nm > 1)
		nclasses = classify_members(f, mb, nm, &order, &relv, &nrel);
	const size_t *rel = relv;

	struct endpoint *first = NULL;
	if (nclasses == 1) {
		struct member **all = order;
		struct member *one = mb;
		first = make_class(f, all ? all : &one, nm, owner, owner_kind, owner_name,
				   owner_display, NULL);
		push(out, nout, cap, first);
	} else {
		struct fold_split *why = split_reason(f, mb, nm, rel, nrel);
		why->owner_display = owner_display;
		why->nclasses = nclasses;
		for (size_t i = 0; i < nm;) {
			size_t j = i + 1;
			while (j < nm && !strcmp(order[j]->sig, order[i]->sig))
				j++;
			struct endpoint *e = make_class(f, order + i, j - i, owner, owner_kind,
							owner_name, owner_display, why);
			if (!first || strcmp(e->display, first->display) < 0)
				first = e;
			push(out, nout, cap, e);
			for (size_t k = i; k < j; k++)
				if (order[k]->src->is_pod)
					order[k]->src->obj->endpoint = e;
			i = j;
		}
		why->first = first;
	}
	/* Objects point at their endpoint: a split owner's own at the first class. */
	for (size_t i = 0; i < n; i++)
		if (nclasses == 1 || !grp[i]->is_pod)
			grp[i]->obj->endpoint = first;
	for (size_t i = 0; i < nm; i++)
		free(mb[i].sig);
	free(mb);
	free(order);
	free(relv);
}

/* ---- verdicts that depend on a value set at run time ---- */

/* A requirement comparing the value of a label that l holds as unknown. */
static bool req_unknown(const struct labels *l, const char *key, bool compares)
{
	return compares && key && labels_get(l, key) == LABEL_UNKNOWN;
}

const char *fold_selector_depends(const struct selector *s, const struct labels *l,
				  const struct ynode **at)
{
	const char *key = NULL;
	for (size_t i = 0; i < s->nml; i++) {
		const struct kv *kv = &s->ml[i];
		if (req_unknown(l, kv->key, true)) {
			if (!key) {
				key = kv->key;
				*at = kv->node ? kv->node : s->key_node;
			}
		} else if (!labels_get(l, kv->key) || strcmp(labels_get(l, kv->key), kv->val)) {
			return NULL; /* decided by a known value */
		}
	}
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_expr *x = &s->exprs[i];
		if (req_unknown(l, x->key, x->op == SEL_IN || x->op == SEL_NOT_IN)) {
			if (!key) {
				key = x->key;
				*at = x->node;
			}
			continue;
		}
		struct selector one = { 0 };
		one.exprs = (struct sel_expr *)x;
		one.nexprs = 1;
		if (!selector_matches(&one, l))
			return NULL;
	}
	return key;
}

size_t fold_unknown_deps(const struct model *m, const struct endpoint *e,
			 void (*fn)(void *ctx, const char *key, const struct policy *p,
				    const struct ynode *at),
			 void *ctx)
{
	size_t n = 0;
	if (!e || !m->has_unknown_labels)
		return 0;
	const struct namespace *ns = model_namespace(m, e->ns);
	for (size_t i = 0; i < m->npolicies && ns; i++) {
		const struct policy *p = m->policies[i];
		const struct ynode *at = NULL;
		const char *key;
		if (p->invalid)
			continue;
		bool own = !strcmp(p->obj->ns, e->ns);
		if (own && (key = fold_selector_depends(&p->pod_sel, &e->labels, &at))) {
			fn(ctx, key, p, at);
			n++;
		}
		for (int d = 0; d < DIR__COUNT; d++)
			for (size_t r = 0; r < p->nrules[d]; r++)
				for (size_t k = 0; k < p->rules[d][r].npeers; k++) {
					const struct peer *pe = &p->rules[d][r].peers[k];
					if (pe->ipb || !pe->pod_sel.node)
						continue;
					if (pe->ns_sel.node ? !selector_matches(&pe->ns_sel, &ns->labels) : !own)
						continue;
					if ((key = fold_selector_depends(&pe->pod_sel, &e->labels, &at))) {
						fn(ctx, key, p, at);
						n++;
					}
				}
	}
	return n;
}

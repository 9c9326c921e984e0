/* Exposure analysis: what each endpoint is open to beyond the input, per direction. */
#include <stdlib.h>
#include <string.h>

#include "exposure.h"
#include "focus.h"

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

/* ---- connection sets whose named ports stay names (egress to unknown pods) ---- */

struct expo_conns {
	struct connset c;
	const char **names[PROTO__COUNT]; /* sorted, unique; the model's strings */
	size_t nnames[PROTO__COUNT], cap[PROTO__COUNT];
};

static void ec_init(struct expo_conns *e)
{
	memset(e, 0, sizeof(*e));
	connset_init(&e->c);
}

static void ec_release(struct expo_conns *e)
{
	connset_release(&e->c);
	for (int p = 0; p < PROTO__COUNT; p++)
		free(e->names[p]);
	memset(e, 0, sizeof(*e));
}

static void ec_clear(struct expo_conns *e)
{
	connset_clear(&e->c);
	for (int p = 0; p < PROTO__COUNT; p++)
		e->nnames[p] = 0;
}

static bool ec_is_empty(const struct expo_conns *e)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		if (e->nnames[p])
			return false;
	return connset_is_empty(&e->c);
}

static void ec_add_name(struct expo_conns *e, int proto, const char *name)
{
	size_t lo = 0, hi = e->nnames[proto];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(e->names[proto][mid], name);
		if (!c)
			return;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	XGROW(e->names[proto], e->cap[proto], e->nnames[proto] + 1);
	memmove(&e->names[proto][lo + 1], &e->names[proto][lo],
		sizeof(*e->names[proto]) * (e->nnames[proto] - lo));
	e->names[proto][lo] = name;
	e->nnames[proto]++;
}

static void ec_union(struct expo_conns *dst, const struct expo_conns *src)
{
	connset_union(&dst->c, &src->c);
	for (int p = 0; p < PROTO__COUNT; p++)
		for (size_t i = 0; i < src->nnames[p]; i++)
			ec_add_name(dst, p, src->names[p][i]);
}

static bool has_name(const struct expo_conns *e, int p, const char *name)
{
	for (size_t i = 0; i < e->nnames[p]; i++)
		if (!strcmp(e->names[p][i], name))
			return true;
	return false;
}

/* Is every connection of a one of b? A named port is, when b has the name or every
 * port of its protocol. */
static bool ec_contained(const struct expo_conns *a, const struct expo_conns *b)
{
	struct connset rest;
	bool in;
	connset_init(&rest);
	connset_copy(&rest, &a->c);
	connset_subtract(&rest, &b->c);
	in = connset_is_empty(&rest);
	connset_release(&rest);
	for (int p = 0; in && p < PROTO__COUNT; p++)
		for (size_t i = 0; in && i < a->nnames[p]; i++)
			in = portset_is_all(&b->c.p[p]) || has_name(b, p, a->names[p][i]);
	return in;
}

/* The SPEC's grammar; per protocol the port ranges, then the named ports ("TCP
 * 80,http"), as netpol-analyzer prints them. A protocol with every port needs no name. */
static void ec_format(const struct expo_conns *e, struct strbuf *out)
{
	bool first = true;
	if (connset_is_all(&e->c) || ec_is_empty(e)) {
		connset_format(&e->c, out);
		return;
	}
	for (int p = 0; p < PROTO__COUNT; p++) {
		bool ports = !portset_is_empty(&e->c.p[p]);
		size_t nn = portset_is_all(&e->c.p[p]) ? 0 : e->nnames[p];
		if (!ports && !nn)
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = false;
		strbuf_addf(out, "%s ", proto_name(p));
		portset_format(&e->c.p[p], out);
		for (size_t i = 0; i < nn; i++) {
			if (ports || i)
				strbuf_addch(out, ',');
			strbuf_addstr(out, e->names[p][i]);
		}
	}
}

/* ---- selectors in canonical form ---- */

static int str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int cstr_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/*
 * A selector as a string equal for selectors with the same requirements whatever the
 * order they are written in: each requirement "key OP values" (values sorted, "In" one
 * value the same as a matchLabels entry), sorted. An absent or empty selector is "".
 * ns_of_policy: the namespace an absent namespaceSelector stands for (NULL for a
 * podSelector). Heap; the caller frees it.
 */
static char *canon(const struct selector *sel, const char *ns_of_policy)
{
	struct strbuf sb = STRBUF_INIT;
	char **req;
	size_t n = 0;

	if (!sel->node) {
		if (ns_of_policy)
			strbuf_addf(&sb, "%s\x01=\x01%s", NS_NAME_LABEL, ns_of_policy);
		return strbuf_detach(&sb);
	}
	req = xcalloc(sel->nml + sel->nexprs + 1, sizeof(*req));
	for (size_t i = 0; i < sel->nml; i++) {
		strbuf_addf(&sb, "%s\x01=\x01%s", sel->ml[i].key, sel->ml[i].val);
		req[n++] = strbuf_detach(&sb);
	}
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct sel_expr *x = &sel->exprs[i];
		const char **v = xcalloc(x->nvalues + 1, sizeof(*v));
		size_t nv = 0;
		for (size_t j = 0; j < x->nvalues; j++)
			v[nv++] = x->values[j];
		if (nv > 1)
			qsort(v, nv, sizeof(*v), cstr_cmp);
		strbuf_addstr(&sb, x->key ? x->key : "");
		switch (x->op) {
		case SEL_IN: strbuf_addstr(&sb, nv == 1 ? "\x01=" : "\x01in"); break;
		case SEL_NOT_IN: strbuf_addstr(&sb, "\x01notin"); break;
		case SEL_EXISTS: strbuf_addstr(&sb, "\x01exists"); break;
		case SEL_DOES_NOT_EXIST: strbuf_addstr(&sb, "\x01!"); break;
		default: strbuf_addstr(&sb, "\x01?"); break;
		}
		for (size_t j = 0; j < nv; j++) {
			if (j && !strcmp(v[j], v[j - 1]))
				continue;
			strbuf_addch(&sb, j ? '\x02' : '\x01');
			strbuf_addstr(&sb, v[j]);
		}
		free(v);
		req[n++] = strbuf_detach(&sb);
	}
	if (n > 1)
		qsort(req, n, sizeof(*req), str_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, '\x03');
		strbuf_addstr(&sb, req[i]);
		free(req[i]);
	}
	free(req);
	return strbuf_detach(&sb);
}

struct text_ml {
	const char *key, *val;
};

static int ml_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct text_ml *)pa)->key, ((const struct text_ml *)pb)->key);
}

/*
 * A selector's requirements as netpol-analyzer writes them: matchLabels "k=v" sorted by
 * key, then each expression "{Key:k,Operator:Op,Values:[a b],}" (values as written),
 * sorted.
 */
static void selector_text(const struct selector *sel, struct strbuf *out)
{
	struct text_ml *ml = xcalloc(sel->nml + 1, sizeof(*ml));
	char **ex = xcalloc(sel->nexprs + 1, sizeof(*ex));
	bool first = true;

	for (size_t i = 0; i < sel->nml; i++)
		ml[i] = (struct text_ml){ sel->ml[i].key, sel->ml[i].val };
	if (sel->nml > 1)
		qsort(ml, sel->nml, sizeof(*ml), ml_cmp);
	for (size_t i = 0; i < sel->nml; i++) {
		strbuf_addf(out, "%s%s=%s", first ? "" : ",", ml[i].key, ml[i].val);
		first = false;
	}
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct sel_expr *x = &sel->exprs[i];
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "{Key:%s,Operator:%s,Values:[", x->key ? x->key : "",
			    x->op_text ? x->op_text : "");
		for (size_t j = 0; j < x->nvalues; j++)
			strbuf_addf(&sb, "%s%s", j ? " " : "", x->values[j]);
		strbuf_addstr(&sb, "],}");
		ex[i] = strbuf_detach(&sb);
	}
	if (sel->nexprs > 1)
		qsort(ex, sel->nexprs, sizeof(*ex), str_cmp);
	for (size_t i = 0; i < sel->nexprs; i++) {
		strbuf_addf(out, "%s%s", first ? "" : ",", ex[i]);
		first = false;
		free(ex[i]);
	}
	free(ex);
	free(ml);
}

static bool sel_empty(const struct selector *s)
{
	return !s->nml && !s->nexprs;
}

/* "ns/[all pods]", "[namespace with {a=b}]/[pod with {c=d}]", "[all namespaces]/..." */
static char *peer_text(const struct policy *p, const struct peer *peer)
{
	struct strbuf sb = STRBUF_INIT;
	const struct selector *ns = &peer->ns_sel, *pod = &peer->pod_sel;

	if (!ns->node)
		strbuf_addstr(&sb, p->obj->ns);
	else if (ns->nml == 1 && !ns->nexprs && !strcmp(ns->ml[0].key, NS_NAME_LABEL))
		strbuf_addstr(&sb, ns->ml[0].val);
	else if (sel_empty(ns))
		strbuf_addstr(&sb, "[all namespaces]");
	else {
		strbuf_addstr(&sb, "[namespace with {");
		selector_text(ns, &sb);
		strbuf_addstr(&sb, "}]");
	}
	if (!pod->node || sel_empty(pod)) {
		strbuf_addstr(&sb, "/[all pods]");
	} else {
		strbuf_addstr(&sb, "/[pod with {");
		selector_text(pod, &sb);
		strbuf_addstr(&sb, "}]");
	}
	return strbuf_detach(&sb);
}

/* ---- representative peers ---- */

/*
 * A distinct (namespaceSelector, podSelector) of some rule peer: the pods it stands for
 * may lie outside the input. Keyed by the canonical forms; shown as its first peer is
 * written (input order, ingress rules before egress).
 */
struct expo_rep {
	char *text;
	bool removed;         /* the input holds a pod its selectors match exactly */
};

/* String → index, open addressing. */
struct smap {
	const char **k;
	uint32_t *v;
	size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static size_t smap_slot(const struct smap *m, const char *k)
{
	size_t i = (size_t)str_hash(k) & (m->cap - 1);
	while (m->k[i] && strcmp(m->k[i], k))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void smap_init(struct smap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < n * 2)
		m->cap *= 2;
	m->k = xcalloc(m->cap, sizeof(*m->k));
	m->v = xcalloc(m->cap, sizeof(*m->v));
	m->n = 0;
}

static void smap_release(struct smap *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* The index stored for k, or -1. */
static long smap_get(const struct smap *m, const char *k)
{
	size_t i = smap_slot(m, k);
	return m->k[i] ? (long)m->v[i] : -1;
}

/* k's index, storing v for a new key (k must live as long as the map). */
static uint32_t smap_put(struct smap *m, const char *k, uint32_t v)
{
	size_t i = smap_slot(m, k);
	if (!m->k[i]) {
		m->k[i] = k;
		m->v[i] = v;
		m->n++;
	}
	return m->v[i];
}

/* Lists of representative peers sharing a namespace (or pod) key. */
struct groups {
	struct smap map;
	struct { uint32_t *v; size_t n, cap; } *g;
	size_t n;
};

static void groups_add(struct groups *gr, const char *key, uint32_t rep)
{
	uint32_t gi = smap_put(&gr->map, key, (uint32_t)gr->n);
	if (gi == gr->n)
		gr->n++;
	XGROW(gr->g[gi].v, gr->g[gi].cap, gr->g[gi].n + 1);
	gr->g[gi].v[gr->g[gi].n++] = rep;
}

static void groups_release(struct groups *gr)
{
	for (size_t i = 0; i < gr->n; i++)
		free(gr->g[i].v);
	free(gr->g);
	smap_release(&gr->map);
}

/* A peer that matches every pod of every namespace: namespaceSelector {} alone or with
 * podSelector {} (not external addresses: those are the external ranges). */
static bool peer_is_cluster(const struct peer *peer)
{
	return !peer->ipb && peer->ns_sel.node && sel_empty(&peer->ns_sel) &&
	       (!peer->pod_sel.node || sel_empty(&peer->pod_sel));
}

/*
 * netpol-analyzer's refinement: a representative peer whose selectors are matchLabels
 * only, naming some namespace labels and some pod labels, is dropped when a pod of the
 * input matches both: its rule is then taken as meant for that pod. Selectors with
 * expressions, and "all pods of" or "any namespace" peers, always stay.
 */
static bool refinable(const struct peer *peer)
{
	const struct selector *ns = &peer->ns_sel, *pod = &peer->pod_sel;
	if (!pod->node || !pod->nml || pod->nexprs)
		return false;
	return !ns->node || (ns->nml && !ns->nexprs);
}

/* Append representative rep to the current rule's matches (once; not a removed one). */
static void add_match(struct exposure *x, uint32_t rep, size_t *n, size_t *cap)
{
	if (x->reps[rep].removed || x->stamp[rep] == x->tag)
		return;
	x->stamp[rep] = x->tag;
	XGROW(x->rmatch, *cap, *n + 1);
	x->rmatch[(*n)++] = rep;
}

/* The representative peers, in rule order: input order, ingress before egress; per
 * rule peer K, its keys NSK[K], PODK[K], PAIRK[K] (NULL for external and
 * entire-cluster peers). */
static void collect_reps(struct exposure *x, const struct solver *s, struct smap *pairs,
			 struct groups *by_ns, struct groups *by_pod, char **nsk, char **podk,
			 char **pairk)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cap = 0, k = 0;

	for (size_t r = 0; r < s->nrules; r++) {
		const struct srule *sr = &s->rules[r];
		for (size_t j = 0; j < sr->rule->npeers; j++, k++) {
			const struct peer *peer = &sr->rule->peers[j];
			if (peer->ipb || peer_is_cluster(peer))
				continue;
			nsk[k] = canon(&peer->ns_sel, sr->policy->obj->ns);
			podk[k] = canon(&peer->pod_sel, NULL);
			strbuf_addf(&sb, "%s\x1e%s", nsk[k], podk[k]);
			pairk[k] = strbuf_detach(&sb);
			if (smap_get(pairs, pairk[k]) >= 0)
				continue;
			XGROW(x->reps, cap, x->nreps + 1);
			struct expo_rep *rep = &x->reps[x->nreps];
			rep->text = peer_text(sr->policy, peer);
			rep->removed = refinable(peer) && solver_peer_matches_any(s, sr->policy, peer);
			smap_put(pairs, pairk[k], (uint32_t)x->nreps);
			groups_add(by_ns, nsk[k], (uint32_t)x->nreps);
			groups_add(by_pod, podk[k], (uint32_t)x->nreps);
			x->nreps++;
		}
	}
	strbuf_release(&sb);
}

/* Each rule: does it open the entire cluster, and which representatives do its
 * peers match? A peer matches one when each of its selectors is absent, empty or
 * has the same requirements (netpol-analyzer's "full match"), not when it merely
 * contains the other. */
static void match_reps(struct exposure *x, const struct solver *s, const struct smap *pairs,
		       const struct groups *by_ns, const struct groups *by_pod, char **nsk,
		       char **podk, char **pairk)
{
	size_t mcap = 0, nm = 0, k = 0;

	x->stamp = xcalloc(x->nreps + 1, sizeof(*x->stamp));
	x->rule_all = xcalloc(s->nrules + 1, sizeof(*x->rule_all));
	x->roff = xcalloc(s->nrules + 1, sizeof(*x->roff));
	for (size_t r = 0; r < s->nrules; r++) {
		const struct srule *sr = &s->rules[r];
		x->roff[r] = nm;
		x->tag++;
		x->rule_all[r] = sr->all_peers;
		for (size_t j = 0; j < sr->rule->npeers; j++, k++) {
			const struct peer *peer = &sr->rule->peers[j];
			long g;
			if (peer->ipb)
				continue;
			if (!nsk[k]) {
				x->rule_all[r] = true;
				continue;
			}
			if (!*nsk[k]) {
				g = smap_get(&by_pod->map, podk[k]);
				for (size_t i = 0; g >= 0 && i < by_pod->g[g].n; i++)
					add_match(x, by_pod->g[g].v[i], &nm, &mcap);
			} else if (!*podk[k]) {
				g = smap_get(&by_ns->map, nsk[k]);
				for (size_t i = 0; g >= 0 && i < by_ns->g[g].n; i++)
					add_match(x, by_ns->g[g].v[i], &nm, &mcap);
			} else {
				add_match(x, (uint32_t)smap_get(pairs, pairk[k]), &nm, &mcap);
			}
		}
	}
	x->roff[s->nrules] = nm;
}

void exposure_init(struct exposure *x, const struct solver *s)
{
	struct smap pairs;
	struct groups by_ns = { 0 }, by_pod = { 0 };
	size_t npeers = 0;
	char **nsk, **podk, **pairk;

	memset(x, 0, sizeof(*x));
	x->s = s;
	for (size_t r = 0; r < s->nrules; r++)
		npeers += s->rules[r].rule->npeers;
	smap_init(&pairs, npeers);
	smap_init(&by_ns.map, npeers);
	smap_init(&by_pod.map, npeers);
	by_ns.g = xcalloc(npeers + 1, sizeof(*by_ns.g));
	by_pod.g = xcalloc(npeers + 1, sizeof(*by_pod.g));
	/* Per rule peer, its keys (NULL for external and entire-cluster peers). */
	nsk = xcalloc(npeers + 1, sizeof(*nsk));
	podk = xcalloc(npeers + 1, sizeof(*podk));
	pairk = xcalloc(npeers + 1, sizeof(*pairk));

	collect_reps(x, s, &pairs, &by_ns, &by_pod, nsk, podk, pairk);
	match_reps(x, s, &pairs, &by_ns, &by_pod, nsk, podk, pairk);

	for (size_t i = 0; i < npeers; i++) {
		free(nsk[i]);
		free(podk[i]);
		free(pairk[i]);
	}
	free(nsk);
	free(podk);
	free(pairk);
	smap_release(&pairs);
	groups_release(&by_ns);
	groups_release(&by_pod);

	x->acc = xcalloc(x->nreps + 1, sizeof(*x->acc));
	for (size_t i = 0; i < x->nreps; i++)
		ec_init(&x->acc[i]);
	x->touched = xcalloc(x->nreps + 1, sizeof(*x->touched));
}

void exposure_free(struct exposure *x)
{
	for (size_t i = 0; i < x->nreps; i++) {
		free(x->reps[i].text);
		ec_release(&x->acc[i]);
	}
	free(x->reps);
	free(x->acc);
	free(x->rule_all);
	free(x->roff);
	free(x->rmatch);
	free(x->stamp);
	free(x->touched);
	memset(x, 0, sizeof(*x));
}

bool exposure_shown(const struct exposure *x, size_t e, enum direction d)
{
	const struct focus *f = x->focus;
	if (!f || !f->nitems)
		return true;
	if (f->dir == FOCUS_INGRESS ? d != DIR_INGRESS : f->dir == FOCUS_EGRESS && d != DIR_EGRESS)
		return false;
	return e < f->nep && f->ep[e];
}

/* --focus-conn: cut c to the focused connection (focus_narrow's rule, here so that the
 * analysis needs no command-line code). Returns whether something is left. */
static bool conns_narrow(const struct exposure *x, struct connset *c)
{
	const struct focus *f = x->focus;
	if (!f || !f->port)
		return !connset_is_empty(c);
	bool has = connset_contains(c, f->proto, f->port);
	connset_clear(c);
	if (has)
		connset_add(c, f->proto, f->port, f->port);
	return has;
}

/* The same for e; a named port is no number (an egress one is the destination pod's
 * to resolve), so it never holds it. */
static bool ec_narrow(const struct exposure *x, struct expo_conns *e)
{
	const struct focus *f = x->focus;
	if (!f || !f->port)
		return !ec_is_empty(e);
	for (int p = 0; p < PROTO__COUNT; p++)
		e->nnames[p] = 0;
	return conns_narrow(x, &e->c);
}

bool exposure_protected(const struct exposure *x, size_t e, enum direction d)
{
	return x->s->eps[e].isolated[d];
}

/* What rule r allows endpoint e in direction d towards pods unknown to the input:
 * ingress named ports are e's own container ports; egress ones stay names. */
static void rule_conns(const struct solver *s, const struct srule *r, const struct endpoint *e,
		       enum direction d, struct expo_conns *out)
{
	ec_clear(out);
	if (d == DIR_INGRESS) {
		solver_rule_ports(s, r, &(struct sref){ .ep = e }, &out->c);
		return;
	}
	connset_copy(&out->c, &r->fixed);
	for (size_t i = 0; i < r->nnamed; i++)
		ec_add_name(out, r->named[i]->proto, r->named[i]->port_name);
}

struct pending_line {
	struct expo_line l;
	char *peer, *conns;
};

static int pending_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct pending_line *)pa)->peer,
		      ((const struct pending_line *)pb)->peer);
}

static void pend(struct pending_line **v, size_t *n, size_t *cap, enum expo_peer type,
		 char *peer, struct strbuf *conns)
{
	XGROW(*v, *cap, *n + 1);
	(*v)[*n].peer = peer;
	(*v)[*n].conns = strbuf_detach(conns);
	(*v)[*n].l = (struct expo_line){ type, (*v)[*n].peer, (*v)[*n].conns };
	(*n)++;
}

/* The lines of protected endpoint E in direction D towards the cluster: the entire
 * cluster, and each representative that gets more than it. */
static void pend_cluster(struct exposure *x, size_t e, enum direction d,
			 struct pending_line **v, size_t *n, size_t *cap, struct strbuf *sb)
{
	const struct solver *s = x->s;
	const struct endpoint *ep = s->m->endpoints[e];
	const struct sendpoint *se = &s->eps[e];
	struct expo_conns all, rc;
	ec_init(&all);
	ec_init(&rc);
	for (size_t i = 0; i < se->nrules[d]; i++) {
		size_t r = se->rules[d][i];
		if (!x->rule_all[r])
			continue;
		rule_conns(s, &s->rules[r], ep, d, &rc);
		ec_union(&all, &rc);
	}
	x->tag++;
	x->ntouched = 0;
	for (size_t i = 0; i < se->nrules[d]; i++) {
		size_t r = se->rules[d][i];
		if (x->roff[r] == x->roff[r + 1])
			continue;
		rule_conns(s, &s->rules[r], ep, d, &rc);
		if (ec_is_empty(&rc))
			continue;
		for (size_t j = x->roff[r]; j < x->roff[r + 1]; j++) {
			uint32_t rep = x->rmatch[j];
			if (x->stamp[rep] != x->tag) {
				x->stamp[rep] = x->tag;
				ec_clear(&x->acc[rep]);
				x->touched[x->ntouched++] = rep;
			}
			ec_union(&x->acc[rep], &rc);
		}
	}
	if (ec_narrow(x, &all)) {
		ec_format(&all, sb);
		pend(v, n, cap, EXPO_CLUSTER, xstrdup("entire-cluster"), sb);
	}
	/* What the entire cluster gets, a representative gets too; one that gets no
	 * more is not shown. */
	for (size_t i = 0; i < x->ntouched; i++) {
		struct expo_conns *a = &x->acc[x->touched[i]];
		/* Narrowed first: one that gets no more of the focused connection is
		 * not shown either. */
		if (!ec_narrow(x, a) || ec_contained(a, &all))
			continue;
		ec_union(a, &all);
		ec_format(a, sb);
		pend(v, n, cap, EXPO_PODS, xstrdup(x->reps[x->touched[i]].text), sb);
	}
	ec_release(&all);
	ec_release(&rc);
}

/* External ranges: what endpoint E's NetworkPolicies allow with each range cut by the
 * input's ipBlocks (the ranges of `list`). */
static void pend_external(const struct exposure *x, size_t e, enum direction d,
			  struct pending_line **v, size_t *n, size_t *cap, struct strbuf *sb)
{
	const struct solver *s = x->s;
	const struct endpoint *ep = s->m->endpoints[e];
	struct connset c;
	connset_init(&c);
	for (int f = 0; f < (s->has_v6 ? 2 : 1); f++)
		for (size_t i = 0; i < s->next[d][f]; i++) {
			struct sref self = { .ep = ep };
			struct sref ext = { NULL, f ? AF_V6 : AF_V4, s->ext[d][f][i].lo,
					    s->ext[d][f][i].hi };
			if (d == DIR_EGRESS)
				solver_np_direction(s, d, &self, &ext, &c);
			else
				solver_np_direction(s, d, &ext, &self, &c);
			if (!conns_narrow(x, &c))
				continue;
			struct strbuf name = STRBUF_INIT;
			sref_format(&ext, &name);
			connset_format(&c, sb);
			pend(v, n, cap, EXPO_EXTERNAL, strbuf_detach(&name), sb);
		}
	connset_release(&c);
}

size_t exposure_lines(struct exposure *x, size_t e, enum direction d,
		      void (*fn)(void *ctx, const struct expo_line *l), void *ctx)
{
	struct pending_line *v = NULL;
	size_t n = 0, cap = 0;
	struct strbuf sb = STRBUF_INIT;

	if (!exposure_shown(x, e, d))
		return 0;
	if (!exposure_protected(x, e, d)) {
		struct expo_conns all;
		ec_init(&all);
		connset_add_all(&all.c);
		ec_narrow(x, &all);
		ec_format(&all, &sb);
		ec_release(&all);
		pend(&v, &n, &cap, EXPO_CLUSTER, xstrdup("entire-cluster"), &sb);
	} else {
		pend_cluster(x, e, d, &v, &n, &cap, &sb);
	}
	pend_external(x, e, d, &v, &n, &cap, &sb);

	if (n > 1)
		qsort(v, n, sizeof(*v), pending_cmp);
	for (size_t i = 0; i < n; i++) {
		fn(ctx, &v[i].l);
		free(v[i].peer);
		free(v[i].conns);
	}
	free(v);
	strbuf_release(&sb);
	return n;
}

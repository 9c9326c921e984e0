/* Lint: the table of rule families run over the frozen model, the walk they share over
 * every valid policy, and their reporting helpers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

/*
 * The families, in the order they run. A family is either a visitor called during one
 * walk over the valid policies, or a pass over the whole model (solver included).
 * Invalid policies (rejected by the API server) take no part in any of them.
 */
static const struct lint_family {
	const char *name;
	const struct lint_visitor *visit;
	void (*run)(struct lint_ctx *c);
} families[] = {
	{ "policy", &lint_policy_visitor, NULL },   /* lint_policy.c */
	{ "select", &lint_select_visitor, NULL },   /* lint_select.c */
	{ "cidr", &lint_cidr_visitor, NULL },       /* lint_cidr.c */
	{ "cluster", NULL, lint_cluster_run },      /* lint_cluster.c */
	{ "dns", NULL, lint_dns_run },              /* lint_dns.c */
	{ "redundant", NULL, lint_redundant_run },  /* lint_redundant.c */
	{ "fold", &lint_fold_visitor, lint_fold_run }, /* lint_fold.c */
	{ "tiers", NULL, lint_tiers_run },          /* lint_tiers.c */
	{ "ignore", NULL, lint_ignore_run },        /* lint_ignore.c */
};

const struct lint_dir lint_dirs[DIR__COUNT] = {
	[DIR_INGRESS] = { "ingress", "Ingress", "source" },
	[DIR_EGRESS] = { "egress", "Egress", "destination" },
};

const char *const lint_sel_role_name[] = {
	[SEL_ROLE_POLICY] = "podSelector",
	[SEL_ROLE_PEER_POD] = "podSelector",
	[SEL_ROLE_PEER_NS] = "namespaceSelector",
};

const struct ynode *lint_object_node(const struct object *o)
{
	return o->name_node ? o->name_node : o->node;
}

static void report_v(struct lint_ctx *c, enum rule_id rule, int sev, const struct ynode *at,
		     const struct diag_obj *obj, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	size_t before = c->d->n;

	strbuf_vaddf(&sb, fmt, ap);
	diag_report(c->d, rule, at ? &at->pos : NULL, obj, "%s", sb.buf);
	strbuf_release(&sb);
	/* diag drops a rule configured off; only a recorded finding gets a severity. */
	if (sev > SEV_OFF && c->d->n > before)
		c->d->items[c->d->n - 1].severity = (enum severity)sev;
}

void lint_report(struct lint_ctx *c, enum rule_id rule, const struct ynode *at,
		 const struct object *obj, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(c, rule, -1, at ? at : lint_object_node(obj), &obj->dobj, fmt, ap);
	va_end(ap);
}

void lint_report_sev(struct lint_ctx *c, enum rule_id rule, enum severity sev,
		     const struct ynode *at, const struct object *obj, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(c, rule, sev, at ? at : lint_object_node(obj), &obj->dobj, fmt, ap);
	va_end(ap);
}

void lint_report_obj(struct lint_ctx *c, enum rule_id rule, const struct ynode *at,
		     const struct diag_obj *obj, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(c, rule, -1, at, obj, fmt, ap);
	va_end(ap);
}

static void add_list(struct strbuf *sb, const char *const *items, size_t n, const char *quote)
{
	size_t shown = n > LINT_LIST_SHOWN ? LINT_LIST_SHOWN : n;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			strbuf_addstr(sb, i + 1 == n ? " and " : ", ");
		strbuf_addf(sb, "%s%s%s", quote, items[i], quote);
	}
	if (n > shown)
		strbuf_addf(sb, " and %zu more", n - shown);
}

void lint_list_add(struct lint_ctx *c, struct lint_list *l, const char *fmt, ...)
{
	if (l->n < LINT_LIST_SHOWN) {
		va_list ap;
		struct strbuf sb = STRBUF_INIT;
		va_start(ap, fmt);
		strbuf_vaddf(&sb, fmt, ap);
		va_end(ap);
		l->item[l->n] = arena_strdup(c->arena, sb.buf);
		strbuf_release(&sb);
	}
	l->n++;
}

void lint_list_format(const struct lint_list *l, struct strbuf *sb)
{
	add_list(sb, l->item, l->n, "");
}

void lint_add_names(struct strbuf *sb, const char *const *names, size_t n)
{
	add_list(sb, names, n, "'");
}

void lint_add_list(struct strbuf *sb, const char *const *items, size_t n)
{
	add_list(sb, items, n, "");
}

bool lint_peer_matches(const struct lint_ctx *c, const struct policy *p,
		       const struct peer *peer, const struct endpoint *e)
{
	if (!e->host_network)
		return solver_peer_matches_endpoint(c->m, p, peer, e);
	struct endpoint copy = *e;
	const struct namespace *ns = model_namespace(c->m, e->ns);
	if (!ns)
		BUG("hostNetwork workload in an unknown namespace");
	copy.ns_index = ns->index;
	return solver_peer_matches_endpoint(c->m, p, peer, &copy);
}

const struct epset *lint_rule_dests(const struct lint_ctx *c, const struct lint_at *at)
{
	return at->dir == DIR_INGRESS ? &c->s.selected[at->pi] : &at->sr->eps;
}

int lint_ipblock_set(const struct ipblock *b, struct ipset *set, struct cidr *cidr)
{
	if (!b->cidr || cidr_parse(b->cidr, cidr, NULL))
		return -1;
	cidr_unmap(cidr);
	ipset_init(set, cidr->family);
	ipset_add_range(set, cidr->lo, cidr->hi);
	for (size_t i = 0; i < b->nexcept; i++) {
		struct cidr x;
		if (cidr_parse(b->except[i], &x, NULL))
			continue;
		cidr_unmap(&x);
		if (x.family == cidr->family) {
			struct ipset ex;
			ipset_init(&ex, x.family);
			ipset_add_range(&ex, x.lo, x.hi);
			ipset_subtract(set, &ex);
			ipset_release(&ex);
		}
	}
	return 0;
}

static int pol_ref_cmp(const void *pa, const void *pb)
{
	const struct lint_pol_ref *a = pa, *b = pb;
	return (a->p > b->p) - (a->p < b->p);
}

size_t lint_policy_index(const struct lint_ctx *c, const struct policy *p)
{
	struct lint_pol_ref key = { (uintptr_t)p, 0 };
	const struct lint_pol_ref *r = bsearch(&key, c->pol_by_addr, c->m->npolicies,
					       sizeof(key), pol_ref_cmp);
	if (!r)
		BUG("policy not in the model");
	return r->index;
}

/* The solver's rule for a rule of policy pi (in force: valid, direction listed). */
static const struct srule *solver_rule_of(const struct lint_ctx *c, size_t pi,
					  const struct np_rule *rule)
{
	for (size_t i = c->first_rule[pi]; i < c->s.nrules; i++)
		if (c->s.rules[i].rule == rule)
			return &c->s.rules[i];
	BUG("rule in force without a solver rule");
}

/* One walk over every valid policy, calling a family's visitor. */
static void walk(struct lint_ctx *c, const struct lint_visitor *v)
{
	const struct model *m = c->m;
	for (size_t pi = 0; pi < m->npolicies; pi++) {
		const struct policy *p = m->policies[pi];
		if (p->invalid)
			continue;
		struct lint_at at = { .p = p, .pi = pi };
		if (v->policy)
			v->policy(c, &at);
		if (v->selector && p->pod_sel.node)
			v->selector(c, &at, &p->pod_sel, SEL_ROLE_POLICY);
		for (int d = 0; d < DIR__COUNT; d++) {
			/* "Rules for a direction not in policyTypes are ignored": only
			 * ignored-rules speaks about them. */
			if (!p->types[d])
				continue;
			at.dir = (enum direction)d;
			for (size_t r = 0; r < p->nrules[d]; r++) {
				const struct np_rule *rule = &p->rules[d][r];
				at.rule = rule;
				at.sr = solver_rule_of(c, pi, rule);
				if (v->rule)
					v->rule(c, &at);
				for (size_t k = 0; k < rule->npeers; k++) {
					at.peer = &rule->peers[k];
					if (v->peer)
						v->peer(c, &at);
					if (v->selector && at.peer->pod_sel.node)
						v->selector(c, &at, &at.peer->pod_sel, SEL_ROLE_PEER_POD);
					if (v->selector && at.peer->ns_sel.node)
						v->selector(c, &at, &at.peer->ns_sel, SEL_ROLE_PEER_NS);
				}
				at.peer = NULL;
				for (size_t k = 0; k < rule->nports; k++) {
					at.port = &rule->ports[k];
					if (v->port)
						v->port(c, &at);
				}
				at.port = NULL;
			}
			at.rule = NULL;
			at.sr = NULL;
		}
	}
}

/* What namespaces the input really holds, beyond those only policies name. */
static void index_namespaces(struct lint_ctx *c)
{
	const struct model *m = c->m;
	size_t n = m->nnamespaces ? m->nnamespaces : 1;
	c->ns_known = xcalloc(n, sizeof(*c->ns_known));
	c->ns_workloads = xcalloc(n, sizeof(*c->ns_workloads));
	for (size_t i = 0; i < m->nnamespaces; i++)
		c->ns_known[i] = m->namespaces[i]->declared;
	/* Objects come in runs of one namespace: the last one looked up is kept. */
	const char *last = NULL;
	const struct namespace *in = NULL;
	for (size_t i = 0; i < m->nobjects; i++) {
		const struct object *o = m->objects[i];
		if (!o->ns || !strcmp(o->kind, "NetworkPolicy"))
			continue;
		if (!last || (o->ns != last && strcmp(o->ns, last)))
			in = model_namespace(m, last = o->ns);
		if (in)
			c->ns_known[in->index] = true;
	}
	for (size_t i = 0; i < m->nendpoints; i++)
		c->ns_workloads[m->endpoints[i]->ns_index]++;
	c->ns_services = xcalloc(n, sizeof(*c->ns_services));
	for (size_t i = 0; i < m->nservices; i++) {
		const struct namespace *ns = model_namespace(m, m->services[i]->obj->ns);
		struct lint_ns_services *l = ns ? &c->ns_services[ns->index] : NULL;
		if (!l)
			continue;
		l->v = xrealloc(l->v, sizeof(*l->v) * (l->n + 1));
		l->v[l->n++] = m->services[i];
	}
	for (size_t i = 0; i < m->nhost_net; i++) {
		const struct namespace *ns = model_namespace(m, m->host_net[i]->ns);
		if (ns)
			c->ns_workloads[ns->index]++;
	}
}

static void run_family(struct lint_ctx *c, size_t i)
{
	if (families[i].visit)
		walk(c, families[i].visit);
	if (families[i].run)
		families[i].run(c);
}

#define MAX_FAMILY_JOBS 8

/*
 * With several threads, each takes the next family in turn and reports into that
 * family's own findings, allocating in an arena of its own. Families share only what is
 * read (the model, the solver, lint_ctx's indexes); what one builds for itself (the port
 * indexes) is its thread's. The findings are appended in family order: the same, in the
 * same order, as one thread's.
 */
struct family_pool {
	const struct lint_ctx *c;
	struct diag d[ARRAY_SIZE(families)];
	atomic_size_t next;
};

static void *family_worker(void *arg)
{
	struct family_pool *fp = arg;
	struct lint_ctx c = *fp->c;
	c.arena = arena_new();
	c.ports = NULL;
	for (size_t i; (i = atomic_fetch_add(&fp->next, 1)) < ARRAY_SIZE(families);) {
		diag_init(&fp->d[i], c.arena);
		memcpy(fp->d[i].severity, fp->c->d->severity, sizeof(fp->d[i].severity));
		c.d = &fp->d[i];
		run_family(&c, i);
	}
	lint_select_release(&c);
	return c.arena;
}

static void run_families(struct lint_ctx *c, unsigned jobs)
{
	if (jobs < 2) {
		for (size_t i = 0; i < ARRAY_SIZE(families); i++)
			run_family(c, i);
		return;
	}
	struct family_pool *fp = xcalloc(1, sizeof(*fp));
	pthread_t threads[MAX_FAMILY_JOBS];
	size_t nthreads = 0;
	fp->c = c;
	while (nthreads + 1 < jobs && nthreads < MAX_FAMILY_JOBS &&
	       !pthread_create(&threads[nthreads], NULL, family_worker, fp))
		nthreads++;
	arena_adopt(c->d->arena, family_worker(fp));
	for (size_t t = 0; t < nthreads; t++) {
		void *a;
		pthread_join(threads[t], &a);
		arena_adopt(c->d->arena, a);
	}
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		diag_append(c->d, &fp->d[i]);
		diag_release(&fp->d[i]);
	}
	free(fp);
}

void lint_run(struct model *m, const struct config *cfg, struct diag *d)
{
	lint_run_threads(m, cfg, d, 1);
}

void lint_run_threads(struct model *m, const struct config *cfg, struct diag *d,
		      unsigned jobs)
{
	struct lint_ctx c = { .m = m, .cfg = cfg, .d = d, .arena = m->arena };

	index_namespaces(&c);
	solver_init_threads(&c.s, m, jobs, false);
	c.pol_by_addr = xcalloc(m->npolicies + 1, sizeof(*c.pol_by_addr));
	for (size_t pi = 0; pi < m->npolicies; pi++)
		c.pol_by_addr[pi] = (struct lint_pol_ref){ (uintptr_t)m->policies[pi], pi };
	if (m->npolicies > 1)
		qsort(c.pol_by_addr, m->npolicies, sizeof(*c.pol_by_addr), pol_ref_cmp);
	/* The solver lays out its rules policy by policy, in model order. */
	c.first_rule = xcalloc(m->npolicies + 1, sizeof(*c.first_rule));
	for (size_t pi = 0, r = 0; pi < m->npolicies; pi++) {
		c.first_rule[pi] = r;
		while (r < c.s.nrules && c.s.rules[r].policy == m->policies[pi])
			r++;
	}
	run_families(&c, jobs);
	lint_select_release(&c);
	solver_free(&c.s);
	free(c.ns_known);
	free(c.ns_workloads);
	free(c.first_rule);
	free(c.pol_by_addr);
	for (size_t i = 0; i < m->nnamespaces; i++)
		free(c.ns_services[i].v);
	free(c.ns_services);
}

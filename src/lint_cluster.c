/* Lint family "cluster": namespaces and workloads as a whole (no-default-deny,
 * pod-not-isolated), from the solver's isolation of every endpoint. */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

static int pos_cmp(const struct ypos *a, const struct ypos *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return (a->col > b->col) - (a->col < b->col);
}

/* When a policy of a kind npcheck does not model may select the pods of namespace ns,
 * the words that say so (arena-owned), else "". */
static const char *unmodelled_note(struct lint_ctx *c, const char *ns)
{
	const struct unmodelled_kind *k = model_unmodelled_for(c->m, ns);
	if (!k)
		return "";
	return arena_printf(c->arena, " (a %s in the input, which npcheck does not model, "
					 "may isolate them)", k->kind);
}

/* One finding per unmodelled policy kind, at its first object. */
static void check_unmodelled(struct lint_ctx *c)
{
	const struct model *m = c->m;
	for (size_t k = 0; k < m->nunmodelled_kinds; k++) {
		const struct unmodelled_kind *g = &m->unmodelled_kinds[k];
		diag_report(c->d, RULE_UNMODELLED_POLICY, &g->first, NULL,
			    "%zu %s object%s (%s) not modelled: verdicts do not account for %s",
			    g->count, g->kind, g->count == 1 ? "" : "s", g->api_version,
			    g->count == 1 ? "it" : "them");
	}
}

/*
 * "A pod is isolated for a direction iff at least one policy that selects it lists that
 * direction": a default deny is a policy whose empty podSelector selects every pod of
 * its namespace, present and future, for that direction.
 */
static void check_default_deny(struct lint_ctx *c)
{
	const struct model *m = c->m;
	size_t nns = m->nnamespaces;
	bool(*deny)[DIR__COUNT] = xcalloc(nns ? nns : 1, sizeof(*deny));
	const struct endpoint **first = xcalloc(nns ? nns : 1, sizeof(*first));

	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *p = m->policies[i];
		const struct namespace *ns = model_namespace(m, p->obj->ns);
		if (p->invalid || !ns || !selector_is_empty(&p->pod_sel))
			continue;
		for (int d = 0; d < DIR__COUNT; d++)
			deny[ns->index][d] |= p->types[d];
	}
	/* A baseline tier's default deny of every pod of the namespace counts too. */
	bool(*tier)[DIR__COUNT] = xcalloc(nns ? nns : 1, sizeof(*tier));
	for (size_t i = 0; i < nns; i++)
		tier[i][DIR_INGRESS] = tier[i][DIR_EGRESS] = true;
	for (size_t i = 0; i < m->nendpoints; i++)
		for (int d = 0; d < DIR__COUNT; d++)
			tier[m->endpoints[i]->ns_index][d] &= lint_tier_default_deny(c, i, (enum direction)d);
	for (size_t i = 0; i < nns; i++)
		for (int d = 0; d < DIR__COUNT; d++)
			deny[i][d] |= tier[i][d];
	free(tier);
	/* Where an undeclared namespace's finding points: its first workload. */
	for (size_t i = 0; i < m->nendpoints; i++) {
		const struct endpoint *e = m->endpoints[i];
		const struct endpoint **f = &first[e->ns_index];
		if (!*f || pos_cmp(&lint_object_node(e->obj)->pos, &lint_object_node((*f)->obj)->pos) < 0)
			*f = e;
	}
	for (size_t i = 0; i < nns; i++) {
		const struct namespace *ns = m->namespaces[i];
		if (!first[i])
			continue;
		struct diag_obj implied = { "Namespace", NULL, ns->name, NULL };
		const struct diag_obj *obj = ns->obj ? &ns->obj->dobj : &implied;
		const struct ynode *at = lint_object_node(ns->obj ? ns->obj : first[i]->obj);
		for (int d = 0; d < DIR__COUNT; d++)
			if (!deny[i][d])
				lint_report_obj(c, RULE_NO_DEFAULT_DENY, at, obj,
						"no default-deny for %s in namespace '%s': no policy with "
						"an empty podSelector lists %s%s", lint_dirs[d].field,
						ns->name, lint_dirs[d].type,
						unmodelled_note(c, ns->name));
	}
	free(deny);
	free(first);
}

static void check_isolation(struct lint_ctx *c)
{
	const struct model *m = c->m;
	for (size_t i = 0; i < m->nendpoints; i++) {
		const struct endpoint *e = m->endpoints[i];
		const struct sendpoint *se = &c->s.eps[i];
		bool in = se->isolated[DIR_INGRESS] || lint_tier_default_deny(c, i, DIR_INGRESS);
		bool out = se->isolated[DIR_EGRESS] || lint_tier_default_deny(c, i, DIR_EGRESS);
		if (in && out)
			continue;
		lint_report(c, RULE_POD_NOT_ISOLATED, NULL, e->obj, "no policy isolates '%s' %s%s",
			    e->display, !in && !out ? "in either direction"
				      : !in ? "for ingress" : "for egress",
			    unmodelled_note(c, e->ns));
	}
}

void lint_cluster_run(struct lint_ctx *c)
{
	check_unmodelled(c);
	check_default_deny(c);
	check_isolation(c);
}

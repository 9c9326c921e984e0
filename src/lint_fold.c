/* Lint family "fold": owners whose pods policies tell apart (owner-split), and selectors
 * that compare a label value only the running cluster knows (unknown-label-value). */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

static int split_cmp(const void *pa, const void *pb)
{
	const struct endpoint *a = *(const struct endpoint *const *)pa;
	const struct endpoint *b = *(const struct endpoint *const *)pb;
	if (a->why != b->why)
		return (uintptr_t)a->why < (uintptr_t)b->why ? -1 : 1;
	return strcmp(a->display, b->display);
}

/* One finding per split owner, naming its classes and what tells them apart. */
static void check_split(struct lint_ctx *c)
{
	const struct model *m = c->m;
	const struct endpoint **v = NULL;
	size_t n = 0, cap = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct endpoint **eps = pass ? m->host_net : m->endpoints;
		size_t ne = pass ? m->nhost_net : m->nendpoints;
		for (size_t i = 0; i < ne; i++)
			if (eps[i]->split) {
				XGROW(v, cap, n + 1);
				v[n++] = eps[i];
			}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), split_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[j]->why == v[i]->why)
			j++;
		const struct fold_split *w = v[i]->why;
		const char **names = xmalloc(sizeof(*names) * (j - i));
		for (size_t k = i; k < j; k++)
			names[k - i] = v[k]->display;
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "the pods of '%s' are told apart by %s", w->owner_display, w->what);
		if (w->file)
			strbuf_addf(&sb, " (%s:%d:%d)", w->file, w->pos.line, w->pos.col);
		strbuf_addf(&sb, ": analysed as %zu endpoints, ", w->nclasses);
		lint_add_names(&sb, names, j - i);
		lint_report(c, RULE_OWNER_SPLIT, NULL, w->first->obj, "%s", sb.buf);
		strbuf_release(&sb);
		free(names);
		i = j;
	}
	free(v);
}

void lint_fold_run(struct lint_ctx *c)
{
	check_split(c);
}

/* The first endpoint in the selector's reach for which its result depends on a label
 * value set at run time, and the requirement that compares it. */
static const struct endpoint *depends_on(const struct lint_ctx *c, const struct lint_at *at,
					 const struct selector *sel, enum lint_sel_role role,
					 const char **key, const struct ynode **node)
{
	const struct model *m = c->m;
	for (size_t i = 0; i < m->nendpoints; i++) {
		const struct endpoint *e = m->endpoints[i];
		if (role == SEL_ROLE_POLICY || !at->peer->ns_sel.node) {
			if (strcmp(e->ns, at->p->obj->ns))
				continue;
		} else if (!selector_matches(&at->peer->ns_sel, &m->namespaces[e->ns_index]->labels)) {
			continue;
		}
		if ((*key = fold_selector_depends(sel, &e->labels, node)))
			return e;
	}
	return NULL;
}

static bool may_depend(const struct model *m, const struct selector *sel)
{
	for (size_t i = 0; i < sel->nml; i++)
		if (model_key_may_be_unknown(m, sel->ml[i].key))
			return true;
	for (size_t i = 0; i < sel->nexprs; i++)
		if (sel->exprs[i].key && model_key_may_be_unknown(m, sel->exprs[i].key))
			return true;
	return false;
}

bool lint_sel_depends(const struct lint_ctx *c, const struct lint_at *at,
		      const struct selector *sel, enum lint_sel_role role)
{
	const char *key;
	const struct ynode *node;
	return c->m->has_unknown_labels && may_depend(c->m, sel) &&
	       depends_on(c, at, sel, role, &key, &node);
}

static void on_selector(struct lint_ctx *c, const struct lint_at *at, const struct selector *sel,
			enum lint_sel_role role)
{
	const char *key;
	const struct ynode *node = NULL;
	if (role == SEL_ROLE_PEER_NS || !c->m->has_unknown_labels || !may_depend(c->m, sel))
		return;
	const struct endpoint *e = depends_on(c, at, sel, role, &key, &node);
	if (e)
		lint_report(c, RULE_UNKNOWN_LABEL_VALUE, node, at->p->obj,
			    "'%s' is set by the controller of '%s' at run time: whether this "
			    "selector matches its pods is unknown offline (taken as none of the "
			    "values written here)", key, e->display);
}

const struct lint_visitor lint_fold_visitor = { .selector = on_selector };

/* Helpers shared by the unit tests: load a model from YAML text, find endpoints and findings. */
#ifndef NPCHECK_TESTUTIL_H
#define NPCHECK_TESTUTIL_H

#include <string.h>

#include "model.h"

/* One loaded model with everything it owns; release with tu_free. */
struct tu {
	struct arena *a;
	struct diag d;
	struct model m;
	int rc;           /* what model_load_sources returned */
	const char *path; /* the name the text was loaded under */
};

/* The name tu_load gives the text: positions say it. */
#define TU_PATH "unit.yaml"

/* Load yaml (from memory, as a file named TU_PATH) with opt. */
static inline void tu_load_opt(struct tu *t, const char *yaml, const struct model_options *opt)
{
	memset(t, 0, sizeof(*t));
	t->path = TU_PATH;
	t->a = arena_new();
	diag_init(&t->d, t->a);
	struct source src = { t->path, yaml, strlen(yaml) };
	t->rc = model_load_sources(&t->m, t->a, &t->d, &src, 1, opt);
}

static inline void tu_load(struct tu *t, const char *yaml)
{
	tu_load_opt(t, yaml, NULL);
}

static inline void tu_free(struct tu *t)
{
	model_free(&t->m);
	diag_release(&t->d);
	arena_free(t->a);
	memset(t, 0, sizeof(*t));
}

/* The endpoint displayed as "NS/NAME[KIND]", or NULL. */
static inline const struct endpoint *tu_ep(const struct model *m, const char *display)
{
	for (size_t i = 0; i < m->nendpoints; i++)
		if (!strcmp(m->endpoints[i]->display, display))
			return m->endpoints[i];
	return NULL;
}

/* The n-th finding of a rule (0-based), or NULL. */
static inline const struct finding *tu_finding(const struct diag *d, enum rule_id rule, size_t nth)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].rule == rule && nth-- == 0)
			return &d->items[i];
	return NULL;
}

static inline size_t tu_count(const struct diag *d, enum rule_id rule)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->items[i].rule == rule;
	return n;
}

/* The policy named ns/name, or NULL. */
static inline const struct policy *tu_policy(const struct model *m, const char *ns, const char *name)
{
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct object *o = m->policies[i]->obj;
		if (o->name && !strcmp(o->name, name) && !strcmp(o->ns, ns))
			return m->policies[i];
	}
	return NULL;
}

#endif

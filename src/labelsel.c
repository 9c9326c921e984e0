/* Label selectors: matchLabels and matchExpressions, ANDed. */
#include <string.h>

#include "model.h"

const char *labels_get(const struct labels *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].key, key))
			return l->kv[i].val;
	return NULL;
}

bool selector_is_empty(const struct selector *s)
{
	return s->nml == 0 && s->nexprs == 0;
}

/*
 * "matchLabels is a map of {key,value} pairs ... The requirements are ANDed."
 * NotIn and DoesNotExist hold when the key is absent.
 */
bool selector_matches(const struct selector *s, const struct labels *l)
{
	for (size_t i = 0; i < s->nml; i++) {
		const char *v = labels_get(l, s->ml[i].key);
		if (!v || strcmp(v, s->ml[i].val))
			return false;
	}
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_expr *e = &s->exprs[i];
		const char *v = e->key ? labels_get(l, e->key) : NULL;
		bool in = false;
		for (size_t j = 0; v && j < e->nvalues; j++)
			if (!strcmp(v, e->values[j]))
				in = true;
		switch (e->op) {
		case SEL_IN:
			if (!in)
				return false;
			break;
		case SEL_NOT_IN:
			if (in)
				return false;
			break;
		case SEL_EXISTS:
			if (!v)
				return false;
			break;
		case SEL_DOES_NOT_EXIST:
			if (v)
				return false;
			break;
		case SEL_BAD_OP:
			return false; /* invalid: validation rejects the policy */
		}
	}
	return true;
}

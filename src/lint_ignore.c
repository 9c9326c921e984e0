/* Lint family "ignore": the npcheck.io/ignore annotations themselves (unknown-rule). */
#include <string.h>

#include "lint_int.h"
#include "suggest.h"

struct unknown_ids {
	struct lint_ctx *c;
	const struct object *o;
};

static bool check_id(void *ctx, const char *id, size_t n, const char *reason, size_t rlen)
{
	struct unknown_ids *u = ctx;
	char word[128];
	struct suggest sg;
	(void)reason;
	(void)rlen;
	if (n >= sizeof(word))
		n = sizeof(word) - 1;
	memcpy(word, id, n);
	word[n] = '\0';
	if (!strcmp(word, "all") || rule_lookup(word) >= 0)
		return false;
	suggest_init(&sg, word);
	for (int i = 0; i < RULE__COUNT; i++)
		suggest_add(&sg, rule_table[i].id);
	const struct ynode *at = u->o->ignore_node ? u->o->ignore_node : lint_object_node(u->o);
	if (suggest_best(&sg))
		lint_report(u->c, RULE_UNKNOWN_RULE, at, u->o,
			    "npcheck.io/ignore names no rule '%s'; did you mean '%s'?", word,
			    suggest_best(&sg));
	else
		lint_report(u->c, RULE_UNKNOWN_RULE, at, u->o,
			    "npcheck.io/ignore names no rule '%s' (npcheck rules lists them)", word);
	return false;
}

/* Every object's annotation, valid or not: a misspelt id suppresses nothing. */
void lint_ignore_run(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->nobjects; i++) {
		const struct object *o = c->m->objects[i];
		struct unknown_ids u = { c, o };
		if (o->ignore)
			diag_ignore_each(o->ignore, check_id, &u);
	}
}

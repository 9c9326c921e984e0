/* "Did you mean": the closest of a set of names to a mistyped word. */
#ifndef NPCHECK_SUGGEST_H
#define NPCHECK_SUGGEST_H

#include <stddef.h>

/* Edit distance with adjacent transpositions (optimal string alignment): "lnit" is one
 * edit from "lint". */
size_t edit_distance(const char *a, const char *b);

/* Feed the candidates one by one; suggest_best is the closest one near enough to be a
 * likely typo of word, or NULL. The strings are the caller's and must outlive the
 * struct; nothing is allocated. */
struct suggest {
	const char *word;
	const char *best;
	size_t dist;
};
void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *cand);
const char *suggest_best(const struct suggest *s);

#endif

/* "Did you mean": edit distance and the closest candidate to a mistyped word. */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "suggest.h"

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* Three rows: the one before the previous is needed for transpositions. */
	size_t *rows = xcalloc(3 * (lb + 1), sizeof(*rows));
	size_t *pp = rows, *p = rows + lb + 1, *c = rows + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (c[j - 1] + 1 < best)
				best = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			c[j] = best;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	size_t d = p[lb];
	free(rows);
	return d;
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = (size_t)-1;
}

void suggest_add(struct suggest *s, const char *cand)
{
	size_t d = edit_distance(s->word, cand);
	if (d < s->dist) {
		s->dist = d;
		s->best = cand;
	}
}

const char *suggest_best(const struct suggest *s)
{
	size_t n = strlen(s->word);
	/* Near enough to be a typo: one edit in a short word, up to a third of a long one;
	 * never a candidate that shares (almost) nothing with the word. */
	size_t limit = n <= 4 ? 1 : n <= 8 ? 2 : n / 3;
	if (!s->best || !s->dist || s->dist > limit || s->dist >= n)
		return NULL;
	return s->best;
}

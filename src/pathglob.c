/* ignorePaths globs as an NFA run over the path: linear in pattern x path, never exponential. */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "pathglob.h"

/*
 * The pattern compiles to one token per element. Each token is a state of the NFA
 * (DIRS has two: its entry, and the loop inside the directories it spans); the state
 * after the last token accepts. A run keeps the set of live states, so each character
 * of the path costs O(tokens) and nothing is ever retried.
 */
enum tok_kind {
	T_LIT,   /* one given character */
	T_ANY,   /* '?': one character but '/' */
	T_CLASS, /* "[...]": one character but '/' in the class */
	T_STAR,  /* '*': any run of characters but '/' */
	T_ALL,   /* a run of '*' not followed by '/': any run of characters */
	T_DIRS,  /* a run of '*' then '/': nothing, or any run of characters ending in '/' */
};

struct tok {
	enum tok_kind kind;
	char c;            /* T_LIT */
	const char *cls;   /* T_CLASS: its '[' in the pattern */
	size_t state;      /* its first state */
};

/* A bracket expression at p ("[a-z]", "[!0-9]"): does it match ch? *end is set past it;
 * NULL when p does not start a complete one (then '[' is literal). */
static bool class_match(const char *p, char ch, const char **end)
{
	bool neg = false, hit = false;
	const char *q = p + 1;
	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	for (bool first = true; *q && (first || *q != ']'); first = false) {
		char lo = *q, hi = lo;
		if (q[1] == '-' && q[2] && q[2] != ']') {
			hi = q[2];
			q += 3;
		} else {
			q++;
		}
		if (ch >= lo && ch <= hi)
			hit = true;
	}
	if (*q != ']') {
		*end = NULL;
		return false;
	}
	*end = q + 1;
	return hit != neg;
}

/* The tokens of pat (at most strlen(pat) of them) into t; returns how many, and the
 * number of states (the accepting one included) in *nstates. */
static size_t compile(const char *p, struct tok *t, size_t *nstates)
{
	size_t n = 0, st = 0;
	while (*p) {
		struct tok *k = &t[n++];
		k->state = st++;
		if (*p == '*') {
			size_t run = strspn(p, "*");
			p += run;
			if (run == 1) {
				k->kind = T_STAR;
			} else if (*p == '/') {
				k->kind = T_DIRS;
				p++;
				st++; /* the loop state */
			} else {
				k->kind = T_ALL;
			}
		} else if (*p == '?') {
			k->kind = T_ANY;
			p++;
		} else if (*p == '[') {
			const char *end;
			class_match(p, 'a', &end);
			if (end) {
				k->kind = T_CLASS;
				k->cls = p;
				p = end;
			} else {
				k->kind = T_LIT;
				k->c = *p++;
			}
		} else {
			if (*p == '\\' && p[1])
				p++;
			k->kind = T_LIT;
			k->c = *p++;
		}
	}
	*nstates = st + 1;
	return n;
}

struct nfa {
	const struct tok *t;
	size_t ntok, accept;
	size_t *tok_of; /* state -> its token */
};

/* Add state s to set, with every state it reaches without consuming a character. */
static void add_state(const struct nfa *a, unsigned char *set, size_t s)
{
	while (!set[s]) {
		set[s] = 1;
		if (s == a->accept)
			return;
		const struct tok *k = &a->t[a->tok_of[s]];
		if (s != k->state) /* a DIRS loop state: it must see a '/' */
			return;
		switch (k->kind) {
		case T_STAR:
		case T_ALL:
			s = k + 1 < a->t + a->ntok ? k[1].state : a->accept;
			break;
		case T_DIRS:
			set[s + 1] = 1; /* the loop */
			s = k + 1 < a->t + a->ntok ? k[1].state : a->accept;
			break;
		default:
			return;
		}
	}
}

bool pathglob_match(const char *pat, const char *path, bool prefixes)
{
	size_t plen = strlen(pat), nstates;
	struct tok *t = xcalloc(plen + 1, sizeof(*t));
	size_t ntok = compile(pat, t, &nstates);
	size_t *tok_of = xcalloc(nstates, sizeof(*tok_of));
	unsigned char *cur = xcalloc(nstates, 1), *next = xcalloc(nstates, 1);
	struct nfa a = { t, ntok, nstates - 1, tok_of };
	bool hit = false, live = true;

	for (size_t i = 0; i < ntok; i++) {
		tok_of[t[i].state] = i;
		if (t[i].kind == T_DIRS)
			tok_of[t[i].state + 1] = i;
	}
	add_state(&a, cur, 0);
	for (const char *s = path; *s && live && !hit; s++) {
		char c = *s;
		/* A leading directory matching is enough: the text before this '/'. */
		if (prefixes && c == '/' && s > path && cur[a.accept])
			hit = true;
		memset(next, 0, nstates);
		live = false;
		for (size_t q = 0; q < a.accept; q++) {
			if (!cur[q])
				continue;
			const struct tok *k = &t[tok_of[q]];
			size_t after = tok_of[q] + 1 < ntok ? t[tok_of[q] + 1].state : a.accept;
			const char *end;
			switch (k->kind) {
			case T_LIT:
				if (c == k->c)
					add_state(&a, next, after);
				break;
			case T_ANY:
				if (c != '/')
					add_state(&a, next, after);
				break;
			case T_CLASS:
				if (c != '/' && class_match(k->cls, c, &end))
					add_state(&a, next, after);
				break;
			case T_STAR:
				if (c != '/')
					add_state(&a, next, q);
				break;
			case T_ALL:
				add_state(&a, next, q);
				break;
			case T_DIRS:
				if (q == k->state)
					break; /* the entry consumes nothing */
				next[q] = 1;
				if (c == '/')
					add_state(&a, next, after);
				break;
			}
		}
		for (size_t q = 0; q < nstates && !live; q++)
			live = next[q];
		unsigned char *tmp = cur;
		cur = next;
		next = tmp;
		if (!s[1] && cur[a.accept])
			hit = true;
	}
	if (!*path && cur[a.accept])
		hit = true;
	free(t);
	free(tok_of);
	free(cur);
	free(next);
	return hit;
}

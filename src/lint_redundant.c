/* Lint family "redundant": rules and policies whose every allowed connection is
 * allowed by others already, decided by the solver pair by pair. */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

/*
 * The check visits every (selected endpoint, peer) pair of every direction and resolves
 * each applicable rule's ports there: endpoints² × rules. Beyond these bounds it is
 * skipped rather than slowing lint down on whole-cluster dumps (SPEC §6: lint costs a
 * small multiple of parsing); the finding is only info.
 */
#define REDUNDANT_MAX_ENDPOINTS 2000
#define REDUNDANT_MAX_WORK 5000000 /* rule evaluations: about 0.3 s */

/* One rule that allows something at the pair being visited. */
struct cell {
	size_t rule; /* index in solver.rules */
	struct connset ports;
};

struct red {
	struct lint_ctx *c;
	size_t *pol;        /* per solver rule: its policy's index in m->policies */
	bool *rule_used;    /* allows something at some pair */
	bool *rule_needed;  /* allows something no other applicable rule does */
	bool *pol_used, *pol_needed;
	/* Second pass: who covers each redundant rule / policy. */
	long *rule_flag, *pol_flag; /* index into the cover tables, or -1 */
	bool *rule_cover, *pol_cover; /* [flag][policy] */
	struct connset tmp, acc;
};

typedef void (*visit_fn)(struct red *st, const struct cell *cells, size_t n);

/*
 * The endpoints some rule of rules[0, n) names as a peer, as a bitset by endpoint
 * index in cand (words of it); false when one of them matches every peer, and then
 * every endpoint is a candidate. A pair where no rule matches visits nothing, so the
 * scan need not look at the others.
 */
static bool peer_candidates(const struct solver *s, const size_t *rules, size_t n,
			    uint64_t *cand)
{
	memset(cand, 0, sizeof(*cand) * s->words);
	for (size_t j = 0; j < n; j++) {
		const struct srule *r = &s->rules[rules[j]];
		if (r->all_peers)
			return false;
		if (r->eps.bits) {
			for (size_t w = 0; w < s->words; w++)
				cand[w] |= r->eps.bits[w];
			continue;
		}
		for (size_t k = 0; k < r->eps.n; k++)
			cand[r->eps.idx[k] / 64] |= (uint64_t)1 << (r->eps.idx[k] % 64);
	}
	return true;
}

/* Call fn at every pair where some rule allows something. */
static void scan(struct red *st, visit_fn fn)
{
	const struct solver *s = &st->c->s;
	const struct model *m = st->c->m;
	size_t maxk = 1;
	for (size_t i = 0; i < m->nendpoints; i++)
		for (int d = 0; d < DIR__COUNT; d++)
			if (s->eps[i].nrules[d] > maxk)
				maxk = s->eps[i].nrules[d];
	struct cell *cells = xcalloc(maxk, sizeof(*cells));
	for (size_t j = 0; j < maxk; j++)
		connset_init(&cells[j].ports);
	uint64_t *cand = xmalloc(sizeof(*cand) * (s->words + 1));

	for (size_t i = 0; i < m->nendpoints; i++)
		for (int d = 0; d < DIR__COUNT; d++) {
			const struct sendpoint *se = &s->eps[i];
			struct sref self = { .ep = m->endpoints[i] };
			size_t next4 = s->next[d][0], next6 = s->has_v6 ? s->next[d][1] : 0;
			size_t nx = m->nendpoints + next4 + next6;
			bool sparse = se->nrules[d] &&
				      peer_candidates(s, se->rules[d], se->nrules[d], cand);
			for (size_t xi = 0; se->nrules[d] && xi < nx; xi++) {
				struct sref x = { .ep = NULL };
				if (xi < m->nendpoints) {
					x.ep = m->endpoints[xi];
					size_t ix = (size_t)x.ep->index;
					if (sparse && !(cand[ix / 64] >> (ix % 64) & 1))
						continue;
				} else {
					size_t k = xi - m->nendpoints;
					int f = k >= next4;
					const struct iprange *r = &s->ext[d][f][f ? k - next4 : k];
					x.family = f ? AF_V6 : AF_V4;
					x.lo = r->lo;
					x.hi = r->hi;
				}
				size_t n = 0;
				for (size_t j = 0; j < se->nrules[d]; j++) {
					const struct srule *r = &s->rules[se->rules[d][j]];
					if (!solver_rule_matches(s, r, &x))
						continue;
					solver_rule_ports(s, r, d == DIR_EGRESS ? &x : &self, &cells[n].ports);
					if (connset_is_empty(&cells[n].ports))
						continue;
					cells[n++].rule = se->rules[d][j];
				}
				if (n)
					fn(st, cells, n);
			}
		}
	for (size_t j = 0; j < maxk; j++)
		connset_release(&cells[j].ports);
	free(cells);
	free(cand);
}

/* Does a's set minus every other cell (or every cell of another policy) stay non-empty? */
static bool beyond_others(struct red *st, const struct cell *cells, size_t n, size_t a,
			  bool whole_policy)
{
	size_t pa = st->pol[cells[a].rule];
	connset_clear(&st->tmp);
	for (size_t j = 0; j < n; j++)
		if (whole_policy ? st->pol[cells[j].rule] == pa : j == a)
			connset_union(&st->tmp, &cells[j].ports);
	for (size_t j = 0; j < n && !connset_is_empty(&st->tmp); j++)
		if (whole_policy ? st->pol[cells[j].rule] != pa : j != a)
			connset_subtract(&st->tmp, &cells[j].ports);
	return !connset_is_empty(&st->tmp);
}

static void visit_needed(struct red *st, const struct cell *cells, size_t n)
{
	for (size_t a = 0; a < n; a++) {
		size_t r = cells[a].rule, p = st->pol[r];
		st->rule_used[r] = st->pol_used[p] = true;
		if (!st->rule_needed[r] && beyond_others(st, cells, n, a, false))
			st->rule_needed[r] = true;
		if (!st->pol_needed[p] && beyond_others(st, cells, n, a, true))
			st->pol_needed[p] = true;
	}
}

static bool overlaps(struct red *st, const struct connset *a, const struct connset *b)
{
	connset_copy(&st->acc, a);
	connset_intersect(&st->acc, b);
	return !connset_is_empty(&st->acc);
}

static void visit_covers(struct red *st, const struct cell *cells, size_t n)
{
	size_t np = st->c->m->npolicies;
	for (size_t a = 0; a < n; a++) {
		size_t r = cells[a].rule, p = st->pol[r];
		long rf = st->rule_flag[r], pf = st->pol_flag[p];
		if (rf < 0 && pf < 0)
			continue;
		for (size_t b = 0; b < n; b++) {
			size_t q = st->pol[cells[b].rule];
			if (b == a || !overlaps(st, &cells[a].ports, &cells[b].ports))
				continue;
			if (rf >= 0)
				st->rule_cover[(size_t)rf * np + q] = true;
			if (pf >= 0 && q != p)
				st->pol_cover[(size_t)pf * np + q] = true;
		}
	}
}

/* "'a', 'b' and another rule of this policy" */
static void add_covers(struct red *st, struct strbuf *sb, const bool *cover, size_t self)
{
	const struct model *m = st->c->m;
	const char **items = xmalloc(sizeof(*items) * (m->npolicies + 1));
	size_t n = 0;
	for (size_t q = 0; q < m->npolicies; q++)
		if (cover[q] && q != self)
			items[n++] = arena_printf(st->c->arena, "'%s'", m->policies[q]->obj->name ? m->policies[q]->obj->name : "");
	if (self < m->npolicies && cover[self])
		items[n++] = "another rule of this policy";
	lint_add_list(sb, items, n);
	free(items);
}

static void report(struct red *st)
{
	struct lint_ctx *c = st->c;
	const struct model *m = c->m;
	const struct solver *s = &c->s;
	size_t np = m->npolicies;

	for (size_t pi = 0; pi < np; pi++) {
		const struct policy *p = m->policies[pi];
		struct strbuf sb = STRBUF_INIT;
		if (st->pol_flag[pi] >= 0) {
			add_covers(st, &sb, &st->pol_cover[(size_t)st->pol_flag[pi] * np], np);
			lint_report(c, RULE_REDUNDANT_RULE, NULL, p->obj,
				    "redundant policy: other policies already isolate its pods and "
				    "allow everything it allows (%s)", sb.buf);
			strbuf_release(&sb);
			continue;
		}
		for (size_t r = 0; r < s->nrules; r++) {
			if (st->pol[r] != pi || st->rule_flag[r] < 0)
				continue;
			strbuf_reset(&sb);
			add_covers(st, &sb, &st->rule_cover[(size_t)st->rule_flag[r] * np], pi);
			lint_report(c, RULE_REDUNDANT_RULE, s->rules[r].rule->node, p->obj,
				    "redundant %s rule: everything it allows is already allowed by %s",
				    lint_dirs[s->rules[r].dir].field, sb.buf);
		}
		strbuf_release(&sb);
	}
}

void lint_redundant_run(struct lint_ctx *c)
{
	const struct model *m = c->m;
	const struct solver *s = &c->s;
	size_t np = m->npolicies, nr = s->nrules, work = 0;

	if (m->nendpoints > REDUNDANT_MAX_ENDPOINTS || !nr)
		return;
	for (size_t i = 0; i < m->nendpoints; i++)
		for (int d = 0; d < DIR__COUNT; d++)
			work += s->eps[i].nrules[d] * (m->nendpoints + s->next[d][0] + s->next[d][1]);
	if (work > REDUNDANT_MAX_WORK)
		return;

	struct red st = { .c = c };
	st.pol = xcalloc(nr, sizeof(*st.pol));
	st.rule_used = xcalloc(nr, sizeof(bool));
	st.rule_needed = xcalloc(nr, sizeof(bool));
	st.rule_flag = xcalloc(nr, sizeof(long));
	st.pol_used = xcalloc(np, sizeof(bool));
	st.pol_needed = xcalloc(np, sizeof(bool));
	st.pol_flag = xcalloc(np, sizeof(long));
	connset_init(&st.tmp);
	connset_init(&st.acc);
	/* The solver lays out rules policy by policy, in model order. */
	for (size_t r = 0, pi = 0; r < nr; r++) {
		while (m->policies[pi] != s->rules[r].policy)
			pi++;
		st.pol[r] = pi;
	}
	/* A policy is needed where it alone isolates an endpoint for a direction. */
	for (size_t i = 0; i < m->nendpoints; i++)
		for (int d = 0; d < DIR__COUNT; d++)
			if (s->eps[i].npolicies[d] == 1)
				st.pol_needed[lint_policy_index(c, s->eps[i].policies[d][0])] = true;

	scan(&st, visit_needed);

	size_t nrf = 0, npf = 0;
	for (size_t pi = 0; pi < np; pi++)
		st.pol_flag[pi] = st.pol_used[pi] && !st.pol_needed[pi] ? (long)npf++ : -1;
	for (size_t r = 0; r < nr; r++)
		st.rule_flag[r] = st.rule_used[r] && !st.rule_needed[r] && st.pol_flag[st.pol[r]] < 0
			? (long)nrf++ : -1;
	if (nrf || npf) {
		st.rule_cover = xcalloc(nrf * np + 1, sizeof(bool));
		st.pol_cover = xcalloc(npf * np + 1, sizeof(bool));
		scan(&st, visit_covers);
		report(&st);
		free(st.rule_cover);
		free(st.pol_cover);
	}
	connset_release(&st.tmp);
	connset_release(&st.acc);
	free(st.pol);
	free(st.rule_used);
	free(st.rule_needed);
	free(st.rule_flag);
	free(st.pol_used);
	free(st.pol_needed);
	free(st.pol_flag);
}

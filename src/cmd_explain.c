/* npcheck explain: per endpoint, which policies isolate it and what they allow, in words. */
/*
 * Output grows with what the policies say, not with how often they are repeated: a
 * peer list already shown in full (YAML aliases repeat one list in many rules) is
 * referred to ("the same peers as NS/POLICY ingress rule N"), and a policy's rules
 * already explained for an earlier endpoint are one line ("as for ENDPOINT above").
 * Short lists and policies are said again (PEERS_AGAIN_ITEMS, SAY_AGAIN_ITEMS).
 * Each endpoint is written as soon as it is explained.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "out.h"
#include "focus.h"
#include "query.h"
#include "tiers.h"

static int cmd_explain(struct cli *cli);

const struct command cmd_explain_entry = {
	.name = "explain",
	.exec = cmd_explain,
	.usage = "[PATH...]",
	.summary = "what each endpoint's policies allow, in words",
	.formats = "text,json",
	.reads_input = true,
	.options = {
		{ OPT_POD, NULL, NULL },
		{ OPT_FOCUS, NULL, NULL },
		{ OPT_FOCUS_DIR, NULL, NULL },
		{ OPT_FOCUS_CONN, NULL, NULL },
	},
};

static void describe_selector(const struct selector *s, struct strbuf *sb)
{
	static const char *const ops[] = { "in", "notin", "exists", "does not exist", "?" };
	for (size_t i = 0; i < s->nml; i++)
		strbuf_addf(sb, "%s%s=%s", i ? ", " : "", s->ml[i].key, s->ml[i].val);
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_expr *e = &s->exprs[i];
		strbuf_addf(sb, "%s%s %s", i || s->nml ? ", " : "", e->key ? e->key : "?", ops[e->op]);
		if (e->op == SEL_IN || e->op == SEL_NOT_IN) {
			strbuf_addstr(sb, " (");
			for (size_t j = 0; j < e->nvalues; j++)
				strbuf_addf(sb, "%s%s", j ? ", " : "", e->values[j]);
			strbuf_addch(sb, ')');
		}
	}
}

static void describe_peer(const struct policy *p, const struct peer *peer, struct strbuf *sb)
{
	if (peer->ipb) {
		strbuf_addf(sb, "addresses in %s", peer->ipb->cidr ? peer->ipb->cidr : "?");
		for (size_t i = 0; i < peer->ipb->nexcept; i++)
			strbuf_addf(sb, "%s%s", i ? ", " : " except ", peer->ipb->except[i]);
		return;
	}
	if (peer->pod_sel.node && !selector_is_empty(&peer->pod_sel)) {
		strbuf_addstr(sb, "pods with ");
		describe_selector(&peer->pod_sel, sb);
	} else {
		strbuf_addstr(sb, "every pod");
	}
	if (!peer->ns_sel.node) {
		strbuf_addf(sb, " in namespace %s", p->obj->ns);
	} else if (selector_is_empty(&peer->ns_sel)) {
		strbuf_addstr(sb, " in every namespace");
	} else {
		strbuf_addstr(sb, " in namespaces with ");
		describe_selector(&peer->ns_sel, sb);
	}
}

static void describe_ports(const struct np_rule *r, struct strbuf *sb)
{
	if (!r->nports) {
		strbuf_addstr(sb, "on every port and protocol");
		return;
	}
	strbuf_addstr(sb, "on ");
	for (size_t i = 0; i < r->nports; i++) {
		const struct np_port *pt = &r->ports[i];
		const char *pn = pt->proto >= 0 ? proto_name(pt->proto) : "?";
		if (i)
			strbuf_addstr(sb, ", ");
		if (pt->port_name)
			strbuf_addf(sb, "%s port '%s'", pn, pt->port_name);
		else if (!pt->has_port)
			strbuf_addf(sb, "every %s port", pn);
		else if (pt->has_end_port)
			strbuf_addf(sb, "%s %d-%d", pn, pt->port, pt->end_port);
		else
			strbuf_addf(sb, "%s %d", pn, pt->port);
	}
}

/* "from X, Y or Z" / "to ...", or "from anyone (every pod and every address)". */
static void describe_peers(const struct srule *r, struct strbuf *sb)
{
	const struct np_rule *nr = r->rule;
	bool in = r->dir == DIR_INGRESS;
	if (!nr->npeers) {
		strbuf_addf(sb, "%s anyone (every pod and every address)", in ? "from" : "to");
		return;
	}
	strbuf_addstr(sb, in ? "from " : "to ");
	for (size_t i = 0; i < nr->npeers; i++) {
		if (i)
			strbuf_addstr(sb, i + 1 == nr->npeers ? " or " : ", ");
		describe_peer(r->policy, &nr->peers[i], sb);
	}
}

static const char *const dir_names[] = { "ingress", "egress" };

/* What this output has shown in full already. */
struct shown {
	/* Peer lists by their words, each with the first rule (solver index) shown with it:
	 * open addressing, a power of two slots. */
	struct peers_seen {
		char *words; /* heap; NULL: free slot */
		size_t rule;
	} *tab;
	size_t cap, n;
	/* Per solver rule: the endpoint (model index) it was first shown for, or SIZE_MAX. */
	size_t *rule_for;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static struct peers_seen *shown_slot(struct shown *sh, const char *words)
{
	size_t i = (size_t)hash_str(words) & (sh->cap - 1);
	while (sh->tab[i].words && strcmp(sh->tab[i].words, words))
		i = (i + 1) & (sh->cap - 1);
	return &sh->tab[i];
}

/* The rule first shown with these peer words, or SIZE_MAX after noting rule as that. */
static size_t shown_peers(struct shown *sh, const char *words, size_t rule)
{
	if ((sh->n + 1) * 2 > sh->cap) {
		struct peers_seen *old = sh->tab;
		size_t ocap = sh->cap;
		sh->cap = ocap ? ocap * 2 : 64;
		sh->tab = xcalloc(sh->cap, sizeof(*sh->tab));
		for (size_t i = 0; i < ocap; i++)
			if (old[i].words)
				*shown_slot(sh, old[i].words) = old[i];
		free(old);
	}
	struct peers_seen *e = shown_slot(sh, words);
	if (e->words)
		return e->rule;
	e->words = xstrdup(words);
	e->rule = rule;
	sh->n++;
	return SIZE_MAX;
}

static void shown_release(struct shown *sh)
{
	for (size_t i = 0; i < sh->cap; i++)
		free(sh->tab[i].words);
	free(sh->tab);
	free(sh->rule_for);
}

static void policy_name(const struct policy *p, struct strbuf *sb)
{
	strbuf_addf(sb, "%s/%s", p->obj->ns, p->obj->name);
}

/* How much a policy's rules take to say, in items (rules, peers, selector terms, except
 * entries, ports), up to limit: a policy that says little is said again rather than
 * referred to. */
#define SAY_AGAIN_ITEMS 32
/* The same for one peer list shown before. */
#define PEERS_AGAIN_ITEMS 8

static size_t selector_items(const struct selector *sel)
{
	size_t n = sel->nml;
	for (size_t i = 0; i < sel->nexprs; i++)
		n += 1 + sel->exprs[i].nvalues;
	return n;
}

/* A rule's peer list, in items. */
static size_t peers_items(const struct np_rule *nr)
{
	size_t items = 0;
	for (size_t k = 0; k < nr->npeers; k++) {
		const struct peer *pe = &nr->peers[k];
		items += 1 + selector_items(&pe->pod_sel) + selector_items(&pe->ns_sel) +
			 (pe->ipb ? pe->ipb->nexcept : 0);
	}
	return items;
}

static size_t rules_items(const struct solver *s, const size_t *rules, size_t n, size_t limit)
{
	size_t items = 0;
	for (size_t i = 0; i < n && items <= limit; i++) {
		const struct np_rule *nr = s->rules[rules[i]].rule;
		items += 1 + nr->nports + peers_items(nr);
	}
	return items;
}

/* Write what out holds when it has grown large (always when final). */
static void flush_out(struct strbuf *out, bool final)
{
	if (out->len && (final || out->len >= 65536)) {
		fwrite(out->buf, 1, out->len, stdout);
		strbuf_reset(out);
	}
}

/* Does rule ri allow the --focus-conn connection towards endpoint e (ingress), or
 * towards some destination (egress: its fixed ports, or a named port, which each
 * destination resolves for itself)? */
static bool rule_allows_focus(const struct solver *s, size_t ri, const struct endpoint *e,
			      const struct focus *f)
{
	const struct srule *r = &s->rules[ri];
	if (!f->port)
		return true;
	if (r->dir == DIR_EGRESS)
		return r->nnamed || connset_contains(&r->fixed, f->proto, f->port);
	struct connset c;
	connset_init(&c);
	solver_rule_ports(s, r, &(struct sref){ .ep = e }, &c);
	bool ok = connset_contains(&c, f->proto, f->port);
	connset_release(&c);
	return ok;
}

/* One item of a direction: a rule said in full, or a policy's rules said in full for an
 * earlier endpoint, as one line. */
struct said {
	size_t first, last;         /* solver rule indexes: the rule, or the policy's rules */
	size_t as_for;              /* again: the endpoint (model index); SIZE_MAX: in full */
	char *words;                /* in full: what the rule allows, in words */
	const struct srule *same;   /* in full: the rule first shown with the same peers */
	size_t nmatch, nexamples;   /* in full: the endpoints its peers match, the first five */
	const struct endpoint *examples[5];
};

/* One direction of an endpoint (shown unless --focus-direction leaves it out). */
struct dir_expl {
	bool shown, isolated, tiers_apply;
	size_t nrules, nkept;       /* its rules, those allowing --focus-conn */
	struct said *items;
	size_t nitems;
};

/* An endpoint, explained. */
struct ep_expl {
	const struct endpoint *e;
	const struct object *op;    /* pods an operator makes from a resource */
	const struct ynode *at;     /* where that resource is */
	const struct focus *f;
	struct dir_expl dir[DIR__COUNT];
};

/* One rule in full: its words (peers referred to when shown before) and the endpoints
 * its peers match. */
static void said_rule(const struct solver *s, struct shown *sh, size_t ri, struct said *it)
{
	const struct model *m = s->m;
	const struct srule *r = &s->rules[ri];
	struct strbuf peers = STRBUF_INIT, words = STRBUF_INIT;

	memset(it, 0, sizeof(*it));
	it->first = it->last = ri;
	it->as_for = SIZE_MAX;
	describe_peers(r, &peers);
	/* A short list is clearer said again than referred to. */
	if (peers_items(r->rule) > PEERS_AGAIN_ITEMS) {
		size_t prev = shown_peers(sh, peers.buf, ri);
		if (prev != SIZE_MAX && prev != ri)
			it->same = &s->rules[prev];
	}
	if (it->same) {
		struct strbuf ref = STRBUF_INIT;
		policy_name(it->same->policy, &ref);
		strbuf_addf(&words, "%s the same peers as %s %s rule %d ",
			    r->dir == DIR_INGRESS ? "from" : "to", ref.buf,
			    dir_names[it->same->dir], it->same->rule->index + 1);
		strbuf_release(&ref);
	} else {
		strbuf_add(&words, peers.buf, peers.len);
		strbuf_addch(&words, ' ');
	}
	describe_ports(r->rule, &words);
	it->words = strbuf_detach(&words);
	/* Which endpoints of the input the rule's peers match, as a hint: how many, and the
	 * first five. */
	it->nmatch = r->all_peers ? 0 : r->eps.n;
	if (!r->all_peers)
		EPSET_FOREACH(&r->eps, m->nendpoints, j) {
			if (it->nexamples == 5)
				break;
			it->examples[it->nexamples++] = m->endpoints[j];
		}
	strbuf_release(&peers);
}

/* The rules of direction d of e that are shown: all, or those allowing --focus-conn.
 * A policy's rules come together: shown before as a whole, they are one line. */
static void said_rules(const struct solver *s, struct shown *sh, const struct endpoint *e,
		       const struct focus *f, enum direction d, struct dir_expl *dx)
{
	const struct sendpoint *se = &s->eps[e->index];
	const size_t *rules = se->rules[d];
	size_t nrules = se->nrules[d];
	size_t *kept = NULL;
	if (f->port) {
		kept = xcalloc(nrules + 1, sizeof(*kept));
		nrules = 0;
		for (size_t i = 0; i < se->nrules[d]; i++)
			if (rule_allows_focus(s, se->rules[d][i], e, f))
				kept[nrules++] = se->rules[d][i];
		rules = kept;
	}
	dx->nrules = se->nrules[d];
	dx->nkept = nrules;
	dx->items = xcalloc(nrules + 1, sizeof(*dx->items));
	for (size_t i = 0, j; i < nrules; i = j) {
		size_t pi = s->rules[rules[i]].policy_index;
		bool again = true;
		for (j = i; j < nrules && s->rules[rules[j]].policy_index == pi; j++)
			again &= sh->rule_for[rules[j]] != SIZE_MAX;
		if (again && rules_items(s, rules + i, j - i, SAY_AGAIN_ITEMS) > SAY_AGAIN_ITEMS) {
			dx->items[dx->nitems++] = (struct said){ .first = rules[i],
				.last = rules[j - 1], .as_for = sh->rule_for[rules[i]] };
			continue;
		}
		for (size_t k = i; k < j; k++) {
			said_rule(s, sh, rules[k], &dx->items[dx->nitems++]);
			if (sh->rule_for[rules[k]] == SIZE_MAX)
				sh->rule_for[rules[k]] = (size_t)e->index;
		}
	}
	free(kept);
}

static void explain_endpoint(const struct solver *s, struct shown *sh,
			     const struct endpoint *e, const struct focus *f, struct ep_expl *x)
{
	const struct sendpoint *se = &s->eps[e->index];
	memset(x, 0, sizeof(*x));
	x->e = e;
	x->f = f;
	x->op = e->op_source ? e->obj : NULL;
	x->at = x->op ? (x->op->name_node ? x->op->name_node : x->op->node) : NULL;
	for (int d = 0; d < DIR__COUNT; d++) {
		struct dir_expl *dx = &x->dir[d];
		/* --focus-direction: that direction only. */
		if (f->nitems && f->dir != FOCUS_BOTH &&
		    d != (f->dir == FOCUS_INGRESS ? DIR_INGRESS : DIR_EGRESS))
			continue;
		dx->shown = true;
		dx->isolated = se->isolated[d];
		dx->tiers_apply = tiers_apply(s, &(struct sref){ .ep = e }, (enum direction)d);
		if (dx->isolated)
			said_rules(s, sh, e, f, (enum direction)d, dx);
	}
}

static void ep_expl_release(struct ep_expl *x)
{
	for (int d = 0; d < DIR__COUNT; d++) {
		for (size_t i = 0; i < x->dir[d].nitems; i++)
			free(x->dir[d].items[i].words);
		free(x->dir[d].items);
	}
}

/* Text writer. */

static void text_said(const struct solver *s, const struct said *it, struct strbuf *out)
{
	const struct srule *r = &s->rules[it->first], *r1 = &s->rules[it->last];
	const struct ynode *n = r->rule->node;
	int a = r->rule->index + 1, b = r1->rule->index + 1;
	bool again = it->as_for != SIZE_MAX;

	strbuf_addstr(out, "    ");
	escape_text(out, r->policy->obj->ns);
	strbuf_addch(out, '/');
	escape_text(out, r->policy->obj->name);
	if (again) {
		strbuf_addf(out, " %s rule%s %d", dir_names[r->dir], it->first != it->last ? "s" : "", a);
		if (it->first != it->last)
			strbuf_addf(out, "-%d", b);
		strbuf_addstr(out, " (");
		escape_text(out, n->pos.file);
		strbuf_addf(out, ":%d:%d): as for ", n->pos.line, n->pos.col);
		escape_text(out, s->m->endpoints[it->as_for]->display);
		strbuf_addstr(out, " above\n");
		return;
	}
	strbuf_addf(out, " %s rule %d (", dir_names[r->dir], a);
	escape_text(out, n->pos.file);
	strbuf_addf(out, ":%d:%d) allows ", n->pos.line, n->pos.col);
	escape_text(out, it->words);
	strbuf_addch(out, '\n');
	/* The same peers match the same endpoints: said once, at the first. */
	if (r->all_peers || it->same)
		return;
	if (it->nmatch) {
		strbuf_addf(out, "      matching %zu endpoint%s of the input: ", it->nmatch,
			    it->nmatch == 1 ? "" : "s");
		for (size_t k = 0; k < it->nexamples; k++) {
			strbuf_addstr(out, k ? ", " : "");
			escape_text(out, it->examples[k]->display);
		}
		strbuf_addf(out, "%s\n", it->nmatch > 5 ? ", ..." : "");
	} else if (r->ip[0].n == 0 && r->ip[1].n == 0) {
		strbuf_addstr(out, "      matching no endpoint of the input\n");
	}
}

static void text_direction(const struct solver *s, const struct ep_expl *x, enum direction d,
			   struct strbuf *out)
{
	const struct dir_expl *dx = &x->dir[d];
	const struct sendpoint *se = &s->eps[x->e->index];
	if (!dx->isolated) {
		if (dx->tiers_apply) {
			strbuf_addf(out, "  %s: not isolated by NetworkPolicy\n", dir_names[d]);
			tiers_explain_endpoint(s, x->e, d, out);
		} else {
			strbuf_addf(out, "  %s: not isolated: every %s allowed\n", dir_names[d],
				    d == DIR_INGRESS ? "source is" : "destination is");
		}
		return;
	}
	strbuf_addf(out, "  %s: isolated by", dir_names[d]);
	for (size_t i = 0; i < se->npolicies[d]; i++) {
		const struct policy *p = se->policies[d][i];
		const struct ynode *n = p->obj->name_node ? p->obj->name_node : p->obj->node;
		strbuf_addstr(out, i ? ", " : " ");
		escape_text(out, p->obj->ns);
		strbuf_addch(out, '/');
		escape_text(out, p->obj->name);
		strbuf_addstr(out, " (");
		escape_text(out, n->pos.file);
		strbuf_addf(out, ":%d:%d)", n->pos.line, n->pos.col);
	}
	strbuf_addch(out, '\n');
	if (!dx->nrules)
		strbuf_addf(out, "    no rule allows any %s traffic\n", dir_names[d]);
	else if (!dx->nkept)
		strbuf_addf(out, "    no rule allows %s %d\n", proto_name(x->f->proto), x->f->port);
	for (size_t i = 0; i < dx->nitems; i++) {
		text_said(s, &dx->items[i], out);
		flush_out(out, false);
	}
	tiers_explain_endpoint(s, x->e, d, out);
}

/* What a writer keeps between endpoints. */
struct ex_out {
	const struct solver *s;
	struct strbuf sb;
	struct jw j;
	size_t shown;
	bool all;   /* every endpoint asked for (no --pod, no --focus) */
};

static void text_begin(struct ex_out *o)
{
	(void)o;
}

static void text_endpoint(struct ex_out *o, const struct ep_expl *x)
{
	struct strbuf *out = &o->sb;
	const struct object *op = x->op;
	strbuf_addstr(out, o->shown++ ? "\n" : "");
	escape_text(out, x->e->display);
	strbuf_addch(out, '\n');
	if (op) {
		/* Pods that an operator makes from a resource: where the resource is, and
		 * where the table's labels and ports come from. */
		strbuf_addstr(out, "  pods the operator makes from ");
		escape_text(out, op->kind);
		strbuf_addch(out, ' ');
		escape_text(out, op->ns ? op->ns : "");
		strbuf_addch(out, '/');
		escape_text(out, op->name ? op->name : "");
		strbuf_addstr(out, " (");
		escape_text(out, op->file);
		strbuf_addf(out, ":%d:%d), labels and ports as the table of operators says: ",
			    x->at ? x->at->pos.line : 1, x->at ? x->at->pos.col : 1);
		escape_text(out, x->e->op_source);
		strbuf_addch(out, '\n');
	}
	for (int d = 0; d < DIR__COUNT; d++)
		if (x->dir[d].shown)
			text_direction(o->s, x, (enum direction)d, out);
	flush_out(out, false);
}

/* After the endpoints, the hostNetwork pods, which no policy applies to. */
static void text_end(struct ex_out *o)
{
	const struct model *mp = o->s->m;
	for (size_t i = 0; i < mp->nhost_net && o->all; i++) {
		strbuf_addstr(&o->sb, o->shown++ ? "\n" : "");
		escape_text(&o->sb, mp->host_net[i]->display);
		strbuf_addstr(&o->sb, "\n  hostNetwork: node traffic, no policy applies\n");
	}
	flush_out(&o->sb, true);
}

/* JSON writer. */

static void json_said(const struct solver *s, const struct said *it, struct jw *j)
{
	const struct srule *r = &s->rules[it->first];
	const struct ynode *n = r->rule->node;
	struct strbuf pn = STRBUF_INIT;

	policy_name(r->policy, &pn);
	jw_object(j, NULL, true);
	jw_str(j, "policy", pn.buf);
	if (it->as_for != SIZE_MAX) {
		jw_int(j, "first_rule", r->rule->index + 1);
		jw_int(j, "last_rule", s->rules[it->last].rule->index + 1);
		jw_str(j, "file", n->pos.file);
		jw_int(j, "line", n->pos.line);
		jw_str(j, "as_for_endpoint", s->m->endpoints[it->as_for]->display);
	} else {
		jw_int(j, "rule", r->rule->index + 1);
		jw_str(j, "file", n->pos.file);
		jw_int(j, "line", n->pos.line);
		jw_str(j, "allows", it->words);
		if (it->same) {
			strbuf_reset(&pn);
			policy_name(it->same->policy, &pn);
			jw_object(j, "same_peers_as", true);
			jw_str(j, "policy", pn.buf);
			jw_str(j, "direction", dir_names[it->same->dir]);
			jw_int(j, "rule", it->same->rule->index + 1);
			jw_end(j);
		}
		jw_int(j, "matching_endpoints", (long long)it->nmatch);
		jw_array(j, "examples", true);
		for (size_t k = 0; k < it->nexamples; k++)
			jw_str(j, NULL, it->examples[k]->display);
		jw_end(j);
	}
	jw_end(j);
	strbuf_release(&pn);
}

static void json_direction(const struct solver *s, const struct ep_expl *x, enum direction d,
			   struct jw *j)
{
	const struct dir_expl *dx = &x->dir[d];
	const struct sendpoint *se = &s->eps[x->e->index];
	jw_object(j, dir_names[d], true);
	jw_bool(j, "isolated", dx->isolated);
	jw_array(j, "policies", true);
	for (size_t i = 0; i < se->npolicies[d]; i++) {
		struct strbuf pn = STRBUF_INIT;
		policy_name(se->policies[d][i], &pn);
		jw_str(j, NULL, pn.buf);
		strbuf_release(&pn);
	}
	jw_end(j);
	jw_array(j, "rules", true);
	for (size_t i = 0; i < dx->nitems; i++)
		json_said(s, &dx->items[i], j);
	jw_end(j);
	if (s->tiers)
		tiers_json_endpoint(s, x->e, d, j);
	jw_end(j);
}

static void json_begin(struct ex_out *o)
{
	jw_init(&o->j);
	jw_object(&o->j, NULL, true);
	jw_int(&o->j, "version", NPCHECK_JSON_VERSION);
	jw_lines(&o->j, "endpoints");
}

static void json_endpoint(struct ex_out *o, const struct ep_expl *x)
{
	struct jw *j = &o->j;
	jw_object(j, NULL, true);
	jw_str(j, "endpoint", x->e->display);
	if (x->op) {
		jw_object(j, "operator", true);
		jw_str(j, "kind", x->op->kind);
		jw_str(j, "file", x->op->file);
		jw_int(j, "line", x->at ? x->at->pos.line : 1);
		jw_int(j, "column", x->at ? x->at->pos.col : 1);
		jw_str(j, "source", x->e->op_source);
		jw_end(j);
	}
	for (int d = 0; d < DIR__COUNT; d++)
		if (x->dir[d].shown)
			json_direction(o->s, x, (enum direction)d, j);
	jw_end(j);
	o->shown++;
	flush_out(&j->sb, false);
}

static void json_end(struct ex_out *o)
{
	jw_end(&o->j);
	jw_end(&o->j);
	jw_finish(&o->j, stdout);
}

static const struct ex_writer {
	const char *fmt;
	void (*begin)(struct ex_out *o);
	void (*endpoint)(struct ex_out *o, const struct ep_expl *x);
	void (*end)(struct ex_out *o);
} writers[] = {
	{ "text", text_begin, text_endpoint, text_end },
	{ "json", json_begin, json_endpoint, json_end },
};

/* --pod and --focus resolved: rc for a usage error, else 0. */
static int resolve_endpoints(struct cli *cli, const struct model *mp, struct focus *f,
			     struct query_target *t)
{
	if (cli->pod) {
		if (query_resolve(mp, cli->pod, cli->ns, false, t) || !t->refs[0].ep) {
			if (t->n && !t->refs[0].ep) {
				struct strbuf sb = STRBUF_INIT;
				fprintf(stderr, "npcheck explain: '%s' is not a pod or workload of the input\n",
					escape_text_str(&sb, cli->pod));
				strbuf_release(&sb);
			}
			return EXIT_USAGE;
		}
	}
	if (focus_resolve(f, mp, cli->ns, false))
		return EXIT_USAGE;
	if (f->nips)
		return cli_usage_error(cli, "--focus names an external address: explain tells of "
				       "endpoints of the input only");
	return 0;
}

static int cmd_explain(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	const char *const *paths;
	size_t npaths;
	struct loaded l;
	struct solver s;
	struct focus f;
	int rc;

	if (!fmt || focus_parse(&f, cli))
		return EXIT_USAGE;
	if (cli->pod && f.nitems) {
		focus_release(&f);
		return cli_usage_error(cli, "--pod and --focus both name endpoints: give one");
	}
	if (cli_input_paths(cli, &paths, &npaths)) {
		focus_release(&f);
		return EXIT_USAGE;
	}
	rc = cli_load(cli, paths, npaths, &l);
	const struct model *mp = &l.model;
	solver_init(&s, mp);

	const struct ex_writer *w = &writers[0];
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			w = &writers[i];
	struct query_target t = { 0 };
	struct shown sh = { NULL, 0, 0, NULL };
	sh.rule_for = xmalloc(sizeof(*sh.rule_for) * (s.nrules + 1));
	for (size_t i = 0; i < s.nrules; i++)
		sh.rule_for[i] = SIZE_MAX;
	int r = resolve_endpoints(cli, mp, &f, &t);
	if (r) {
		rc = r;
		goto out;
	}
	struct ex_out o;
	memset(&o, 0, sizeof(o));
	o.s = &s;
	strbuf_init(&o.sb);
	o.all = !t.n && !f.nitems;
	w->begin(&o);
	for (size_t i = 0; i < mp->nendpoints; i++) {
		struct ep_expl x;
		if (t.n && t.refs[0].ep != mp->endpoints[i])
			continue;
		if (f.nitems && !f.ep[i])
			continue;
		explain_endpoint(&s, &sh, mp->endpoints[i], &f, &x);
		w->endpoint(&o, &x);
		ep_expl_release(&x);
	}
	w->end(&o);
	strbuf_release(&o.sb);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "npcheck explain: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
out:
	focus_release(&f);
	shown_release(&sh);
	query_target_release(&t);
	solver_free(&s);
	cli_unload(&l);
	return rc;
}

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

/* One rule in full: its words (peers referred to when shown before) and the endpoints
 * its peers match. */
static void explain_rule(const struct solver *s, struct shown *sh, size_t ri, bool json,
			 bool first, struct strbuf *out)
{
	const struct model *m = s->m;
	const struct srule *r = &s->rules[ri];
	struct strbuf peers = STRBUF_INIT, words = STRBUF_INIT, ref = STRBUF_INIT;
	const struct srule *same = NULL;

	describe_peers(r, &peers);
	/* A short list is clearer said again than referred to. */
	if (peers_items(r->rule) > PEERS_AGAIN_ITEMS) {
		size_t prev = shown_peers(sh, peers.buf, ri);
		if (prev != SIZE_MAX && prev != ri) {
			same = &s->rules[prev];
			policy_name(same->policy, &ref);
			strbuf_addf(&ref, " %s rule %d", dir_names[same->dir], same->rule->index + 1);
		}
	}
	if (same) {
		strbuf_addf(&words, "%s the same peers as %s ", r->dir == DIR_INGRESS ? "from" : "to",
			    ref.buf);
	} else {
		strbuf_add(&words, peers.buf, peers.len);
		strbuf_addch(&words, ' ');
	}
	describe_ports(r->rule, &words);

	/* Which endpoints of the input the rule's peers match, as a hint: how many, and the
	 * first five. */
	size_t nmatch = r->all_peers ? 0 : r->eps.n, k = 0;
	struct strbuf matches = STRBUF_INIT;
	if (!r->all_peers)
		EPSET_FOREACH(&r->eps, m->nendpoints, j) {
			if (k == 5)
				break;
			if (json) {
				strbuf_addstr(&matches, k ? ", " : "");
				strbuf_add_json_str(&matches, m->endpoints[j]->display);
			} else {
				strbuf_addstr(&matches, k ? ", " : "");
				escape_text(&matches, m->endpoints[j]->display);
			}
			k++;
		}
	const struct ynode *n = r->rule->node;
	if (json) {
		strbuf_addstr(out, first ? "{\"policy\": " : ", {\"policy\": ");
		struct strbuf pn = STRBUF_INIT;
		policy_name(r->policy, &pn);
		strbuf_add_json_str(out, pn.buf);
		strbuf_release(&pn);
		strbuf_addf(out, ", \"rule\": %d, \"file\": ", r->rule->index + 1);
		strbuf_add_json_str(out, n->pos.file);
		strbuf_addf(out, ", \"line\": %d, \"allows\": ", n->pos.line);
		strbuf_add_json_str(out, words.buf);
		if (same) {
			struct strbuf pn2 = STRBUF_INIT;
			policy_name(same->policy, &pn2);
			strbuf_addstr(out, ", \"same_peers_as\": {\"policy\": ");
			strbuf_add_json_str(out, pn2.buf);
			strbuf_addf(out, ", \"direction\": \"%s\", \"rule\": %d}", dir_names[same->dir],
				    same->rule->index + 1);
			strbuf_release(&pn2);
		}
		strbuf_addf(out, ", \"matching_endpoints\": %zu, \"examples\": [%s]}", nmatch,
			    matches.buf);
	} else {
		strbuf_addstr(out, "    ");
		escape_text(out, r->policy->obj->ns);
		strbuf_addch(out, '/');
		escape_text(out, r->policy->obj->name);
		strbuf_addf(out, " %s rule %d (", dir_names[r->dir], r->rule->index + 1);
		escape_text(out, n->pos.file);
		strbuf_addf(out, ":%d:%d) allows ", n->pos.line, n->pos.col);
		escape_text(out, words.buf);
		strbuf_addch(out, '\n');
		/* The same peers match the same endpoints: said once, at the first. */
		if (!r->all_peers && !same) {
			if (nmatch)
				strbuf_addf(out, "      matching %zu endpoint%s of the input: %s%s\n",
					    nmatch, nmatch == 1 ? "" : "s", matches.buf,
					    nmatch > 5 ? ", ..." : "");
			else if (r->ip[0].n == 0 && r->ip[1].n == 0)
				strbuf_addstr(out, "      matching no endpoint of the input\n");
		}
	}
	strbuf_release(&peers);
	strbuf_release(&words);
	strbuf_release(&ref);
	strbuf_release(&matches);
}

/* A policy's rules (solver indexes rules[0..n), in order) shown in full for endpoint
 * `for` before: one line that says so. */
static void explain_rules_again(const struct solver *s, const size_t *rules, size_t n,
				size_t for_ep, bool json, bool first, struct strbuf *out)
{
	const struct srule *r0 = &s->rules[rules[0]], *r1 = &s->rules[rules[n - 1]];
	const struct ynode *node = r0->rule->node;
	const char *ep = s->m->endpoints[for_ep]->display;
	int a = r0->rule->index + 1, b = r1->rule->index + 1;

	if (json) {
		strbuf_addstr(out, first ? "{\"policy\": " : ", {\"policy\": ");
		struct strbuf pn = STRBUF_INIT;
		policy_name(r0->policy, &pn);
		strbuf_add_json_str(out, pn.buf);
		strbuf_release(&pn);
		strbuf_addf(out, ", \"first_rule\": %d, \"last_rule\": %d, \"file\": ", a, b);
		strbuf_add_json_str(out, node->pos.file);
		strbuf_addf(out, ", \"line\": %d, \"as_for_endpoint\": ", node->pos.line);
		strbuf_add_json_str(out, ep);
		strbuf_addch(out, '}');
		return;
	}
	strbuf_addstr(out, "    ");
	escape_text(out, r0->policy->obj->ns);
	strbuf_addch(out, '/');
	escape_text(out, r0->policy->obj->name);
	strbuf_addf(out, " %s rule%s %d", dir_names[r0->dir], n > 1 ? "s" : "", a);
	if (n > 1)
		strbuf_addf(out, "-%d", b);
	strbuf_addstr(out, " (");
	escape_text(out, node->pos.file);
	strbuf_addf(out, ":%d:%d): as for ", node->pos.line, node->pos.col);
	escape_text(out, ep);
	strbuf_addstr(out, " above\n");
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

static void explain_endpoint(const struct solver *s, struct shown *sh,
			     const struct endpoint *e, const struct focus *f, bool json,
			     bool first, struct strbuf *out)
{
	const struct sendpoint *se = &s->eps[e->index];
	size_t *kept = NULL;

	/* Pods that an operator makes from a resource: where the resource is, and where
	 * the table's labels and ports come from. */
	const struct object *op = e->op_source ? e->obj : NULL;
	const struct ynode *at = op ? (op->name_node ? op->name_node : op->node) : NULL;
	if (json) {
		strbuf_addstr(out, first ? "\n  {\"endpoint\": " : ",\n  {\"endpoint\": ");
		strbuf_add_json_str(out, e->display);
		if (op) {
			strbuf_addstr(out, ", \"operator\": {\"kind\": ");
			strbuf_add_json_str(out, op->kind);
			strbuf_addstr(out, ", \"file\": ");
			strbuf_add_json_str(out, op->file);
			strbuf_addf(out, ", \"line\": %d, \"column\": %d, \"source\": ",
				    at ? at->pos.line : 1, at ? at->pos.col : 1);
			strbuf_add_json_str(out, e->op_source);
			strbuf_addstr(out, "}");
		}
	} else {
		strbuf_addstr(out, first ? "" : "\n");
		escape_text(out, e->display);
		strbuf_addch(out, '\n');
		if (op) {
			strbuf_addstr(out, "  pods the operator makes from ");
			escape_text(out, op->kind);
			strbuf_addch(out, ' ');
			escape_text(out, op->ns ? op->ns : "");
			strbuf_addch(out, '/');
			escape_text(out, op->name ? op->name : "");
			strbuf_addstr(out, " (");
			escape_text(out, op->file);
			strbuf_addf(out, ":%d:%d), labels and ports as the table of operators says: ",
				    at ? at->pos.line : 1, at ? at->pos.col : 1);
			escape_text(out, e->op_source);
			strbuf_addch(out, '\n');
		}
	}
	for (int d = 0; d < DIR__COUNT; d++) {
		/* --focus-direction: that direction only. */
		if (f->nitems && f->dir != FOCUS_BOTH &&
		    d != (f->dir == FOCUS_INGRESS ? DIR_INGRESS : DIR_EGRESS))
			continue;
		if (json) {
			strbuf_addf(out, ", \"%s\": {\"isolated\": %s, \"policies\": [", dir_names[d],
				    se->isolated[d] ? "true" : "false");
			for (size_t i = 0; i < se->npolicies[d]; i++) {
				struct strbuf pn = STRBUF_INIT;
				strbuf_addstr(out, i ? ", " : "");
				policy_name(se->policies[d][i], &pn);
				strbuf_add_json_str(out, pn.buf);
				strbuf_release(&pn);
			}
			strbuf_addstr(out, "], \"rules\": [");
		}
		if (!se->isolated[d]) {
			if (json) {
				strbuf_addstr(out, "]");
				if (s->tiers)
					tiers_explain_endpoint(s, e, (enum direction)d, true, out);
				strbuf_addstr(out, "}");
			} else if (tiers_apply(s, &(struct sref){ .ep = e }, (enum direction)d)) {
				strbuf_addf(out, "  %s: not isolated by NetworkPolicy\n", dir_names[d]);
				tiers_explain_endpoint(s, e, (enum direction)d, false, out);
			} else {
				strbuf_addf(out, "  %s: not isolated: every %s allowed\n", dir_names[d],
					    d == DIR_INGRESS ? "source is" : "destination is");
			}
			continue;
		}
		if (!json) {
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
		}
		/* --focus-conn: the rules that allow it. */
		const size_t *rules = se->rules[d];
		size_t nrules = se->nrules[d];
		if (f->port) {
			kept = xrealloc(kept, sizeof(*kept) * (nrules + 1));
			nrules = 0;
			for (size_t i = 0; i < se->nrules[d]; i++)
				if (rule_allows_focus(s, se->rules[d][i], e, f))
					kept[nrules++] = se->rules[d][i];
			rules = kept;
		}
		if (!json && !se->nrules[d])
			strbuf_addf(out, "    no rule allows any %s traffic\n", dir_names[d]);
		else if (!json && !nrules)
			strbuf_addf(out, "    no rule allows %s %d\n", proto_name(f->proto), f->port);
		/* A policy's rules come together: shown before as a whole, they are one line. */
		size_t items = 0;
		for (size_t i = 0, j; i < nrules; i = j) {
			size_t pi = s->rules[rules[i]].policy_index;
			bool again = true;
			for (j = i; j < nrules && s->rules[rules[j]].policy_index == pi; j++)
				again &= sh->rule_for[rules[j]] != SIZE_MAX;
			if (again && rules_items(s, rules + i, j - i, SAY_AGAIN_ITEMS) > SAY_AGAIN_ITEMS) {
				explain_rules_again(s, rules + i, j - i, sh->rule_for[rules[i]], json,
						    !items++, out);
				continue;
			}
			for (size_t k = i; k < j; k++) {
				explain_rule(s, sh, rules[k], json, !items++, out);
				if (sh->rule_for[rules[k]] == SIZE_MAX)
					sh->rule_for[rules[k]] = (size_t)e->index;
				flush_out(out, false);
			}
		}
		if (json) {
			strbuf_addstr(out, "]");
			if (s->tiers)
				tiers_explain_endpoint(s, e, (enum direction)d, true, out);
			strbuf_addstr(out, "}");
		} else {
			tiers_explain_endpoint(s, e, (enum direction)d, false, out);
		}
	}
	if (json)
		strbuf_addch(out, '}');
	free(kept);
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

	bool json = !strcmp(fmt, "json");
	struct strbuf out = STRBUF_INIT;
	struct query_target t = { 0 };
	struct shown sh = { NULL, 0, 0, NULL };
	sh.rule_for = xmalloc(sizeof(*sh.rule_for) * (s.nrules + 1));
	for (size_t i = 0; i < s.nrules; i++)
		sh.rule_for[i] = SIZE_MAX;
	if (cli->pod) {
		if (query_resolve(mp, cli->pod, cli->ns, false, &t) || !t.refs[0].ep) {
			if (t.n && !t.refs[0].ep)
				fprintf(stderr, "npcheck explain: '%s' is not a pod or workload of the input\n",
					escape_text_str(&out, cli->pod));
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (focus_resolve(&f, mp, cli->ns, false)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (f.nips) {
		rc = cli_usage_error(cli, "--focus names an external address: explain tells of "
				     "endpoints of the input only");
		goto out;
	}
	if (json)
		strbuf_addf(&out, "{\"version\": %d, \"endpoints\": [", NPCHECK_JSON_VERSION);
	size_t shown = 0;
	for (size_t i = 0; i < mp->nendpoints; i++) {
		if (t.n && t.refs[0].ep != mp->endpoints[i])
			continue;
		if (f.nitems && !f.ep[i])
			continue;
		explain_endpoint(&s, &sh, mp->endpoints[i], &f, json, shown++ == 0, &out);
		flush_out(&out, false);
	}
	if (!json)
		for (size_t i = 0; i < mp->nhost_net && !t.n && !f.nitems; i++) {
			strbuf_addstr(&out, shown++ ? "\n" : "");
			escape_text(&out, mp->host_net[i]->display);
			strbuf_addstr(&out, "\n  hostNetwork: node traffic, no policy applies\n");
		}
	if (json)
		strbuf_addstr(&out, shown ? "\n]}\n" : "]}\n");
	flush_out(&out, true);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "npcheck explain: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
out:
	focus_release(&f);
	strbuf_release(&out);
	shown_release(&sh);
	query_target_release(&t);
	solver_free(&s);
	cli_unload(&l);
	return rc;
}

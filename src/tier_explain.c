/* The tiers in words: which tier, policy and rule decided each part of a direction
 * (reach), and the tier rules that apply to an endpoint (explain). */
#include <string.h>

#include "out.h"
#include "tiers.h"

static const char *const dir_names[] = { "ingress", "egress" };

/* A name as written, with control characters and non-ASCII bytes escaped (\xNN). */
static void add_text(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			strbuf_addf(sb, "\\x%02x", *p);
		else
			strbuf_addch(sb, (char)*p);
	}
}

void tiers_name_policy(const struct tpolicy *p, struct strbuf *sb)
{
	strbuf_addf(sb, "%s policy ", tier_name(p->tier));
	add_text(sb, p->obj->name ? p->obj->name : "?");
	if (p->version == 1 && p->tier == TIER_BASELINE)
		strbuf_addf(sb, " (%s)", p->obj->kind);
	else
		strbuf_addf(sb, " (%s, priority %lld)", p->obj->kind, p->priority);
}

void tiers_name_rule(const struct strule *r, struct strbuf *sb)
{
	tiers_name_policy(r->tp, sb);
	strbuf_addf(sb, " %s rule %d", dir_names[r->dir], r->rule->index + 1);
	if (r->rule->name) {
		strbuf_addstr(sb, " '");
		add_text(sb, r->rule->name);
		strbuf_addch(sb, '\'');
	}
	strbuf_addf(sb, " (%s:%d:%d)", r->rule->node->pos.file, r->rule->node->pos.line,
		    r->rule->node->pos.col);
}

static void json_rule(const struct strule *r, struct jw *j)
{
	const struct tpolicy *p = r->tp;
	jw_str(j, "tier", tier_name(p->tier));
	jw_str(j, "kind", p->obj->kind);
	jw_str(j, "policy", p->obj->name ? p->obj->name : "");
	if (p->version == 1 && p->tier == TIER_BASELINE)
		jw_str(j, "priority", NULL); /* a BANP has none */
	else
		jw_int(j, "priority", p->priority);
	jw_int(j, "rule", r->rule->index + 1);
	jw_str(j, "name", r->rule->name);
	jw_str(j, "action", tier_action_name(p, r->rule->action));
	jw_str(j, "file", r->rule->node->pos.file);
	jw_int(j, "line", r->rule->node->pos.line);
	jw_int(j, "column", r->rule->node->pos.col);
}

void tiers_explain_decisions(const struct tier_decision *dec, size_t ndec, bool np_isolated,
			     struct strbuf *sb)
{
	for (size_t i = 0; i < ndec; i++) {
		const struct tier_decision *d = &dec[i];
		struct strbuf cs = STRBUF_INIT;
		if (connset_is_empty(&d->conns))
			continue;
		connset_format(&d->conns, &cs);
		const char *ind = d->passed ? "      " : "    ";
		if (d->passed) {
			strbuf_addstr(sb, "    passed to NetworkPolicy by ");
			tiers_name_rule(d->pass, sb);
			strbuf_addf(sb, ": %s\n", cs.buf);
		}
		const char *verdict = d->allows ? "allowed" : "denied";
		switch (d->step) {
		case TSTEP_ADMIN:
			strbuf_addf(sb, "%s%s by ", ind, verdict);
			tiers_name_rule(d->rule, sb);
			strbuf_addf(sb, ", before any NetworkPolicy: %s\n", cs.buf);
			break;
		case TSTEP_NP:
			strbuf_addf(sb, "%s%s by NetworkPolicy, which isolates it: %s\n", ind, verdict,
				    cs.buf);
			break;
		case TSTEP_BASELINE:
			strbuf_addf(sb, "%s%s by ", ind, verdict);
			tiers_name_rule(d->rule, sb);
			strbuf_addf(sb, ", as no NetworkPolicy isolates it: %s\n", cs.buf);
			break;
		case TSTEP_DEFAULT:
			if (d->rule) {
				strbuf_addf(sb, "%sallowed: passed by ", ind);
				tiers_name_rule(d->rule, sb);
				strbuf_addf(sb, ", nothing below decides: %s\n", cs.buf);
			} else {
				strbuf_addf(sb, "%sallowed: no %s rule%s or baseline rule decides: %s\n",
					    ind, d->passed ? "later" : "admin",
					    np_isolated ? "" : ", NetworkPolicy", cs.buf);
			}
			break;
		}
		if (d->tie) {
			strbuf_addstr(sb, "      tie: ");
			tiers_name_policy(d->tie_with, sb);
			strbuf_addstr(sb, " has the same priority and decides otherwise; which one "
					  "applies depends on the implementation (npcheck takes them "
					  "in name order)\n");
		}
		strbuf_release(&cs);
	}
}

void tiers_json_decisions(const struct tier_decision *dec, size_t ndec, struct jw *j)
{
	static const char *const steps[] = { "admin", "networkPolicy", "baseline", "default" };
	jw_array(j, "tiers", true);
	for (size_t i = 0; i < ndec; i++) {
		const struct tier_decision *d = &dec[i];
		struct strbuf cs = STRBUF_INIT;
		if (connset_is_empty(&d->conns))
			continue;
		connset_format(&d->conns, &cs);
		jw_object(j, NULL, true);
		jw_str(j, "step", steps[d->step]);
		jw_bool(j, "allows", d->allows);
		if (d->rule)
			json_rule(d->rule, j);
		if (d->passed) {
			jw_object(j, "passedBy", true);
			json_rule(d->pass, j);
			jw_end(j);
		}
		if (d->tie)
			jw_str(j, "tieWith", d->tie_with->obj->name ? d->tie_with->obj->name : "");
		jw_str(j, "connections", cs.buf);
		jw_end(j);
		strbuf_release(&cs);
	}
	jw_end(j);
}

/* ---- explain: the tier rules of one endpoint ---- */

static void describe_sel(const struct selector *s, struct strbuf *sb)
{
	static const char *const ops[] = { "in", "notin", "exists", "does not exist", "?" };
	for (size_t i = 0; i < s->nml; i++) {
		strbuf_addstr(sb, i ? ", " : "");
		add_text(sb, s->ml[i].key);
		strbuf_addch(sb, '=');
		add_text(sb, s->ml[i].val);
	}
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_expr *e = &s->exprs[i];
		strbuf_addstr(sb, i || s->nml ? ", " : "");
		add_text(sb, e->key ? e->key : "?");
		strbuf_addf(sb, " %s", ops[e->op]);
		if (e->op == SEL_IN || e->op == SEL_NOT_IN) {
			strbuf_addstr(sb, " (");
			for (size_t j = 0; j < e->nvalues; j++) {
				strbuf_addstr(sb, j ? ", " : "");
				add_text(sb, e->values[j]);
			}
			strbuf_addch(sb, ')');
		}
	}
}

static void describe_ns(const struct selector *s, struct strbuf *sb)
{
	if (!s->node || selector_is_empty(s)) {
		strbuf_addstr(sb, "every namespace");
		return;
	}
	strbuf_addstr(sb, "namespaces with ");
	describe_sel(s, sb);
}

static void describe_peer(const struct tpeer *pe, struct strbuf *sb)
{
	switch (pe->kind) {
	case TP_NAMESPACES:
		strbuf_addstr(sb, "every pod in ");
		describe_ns(&pe->ns_sel, sb);
		break;
	case TP_PODS:
		if (selector_is_empty(&pe->pod_sel)) {
			strbuf_addstr(sb, "every pod");
		} else {
			strbuf_addstr(sb, "pods with ");
			describe_sel(&pe->pod_sel, sb);
		}
		strbuf_addstr(sb, " in ");
		describe_ns(&pe->ns_sel, sb);
		break;
	case TP_NODES:
		if (selector_is_empty(&pe->node_sel)) {
			strbuf_addstr(sb, "every node");
		} else {
			strbuf_addstr(sb, "nodes with ");
			describe_sel(&pe->node_sel, sb);
		}
		break;
	case TP_NETWORKS:
		strbuf_addstr(sb, "addresses in ");
		for (size_t i = 0; i < pe->nnets; i++) {
			strbuf_addstr(sb, i ? ", " : "");
			add_text(sb, pe->net_text[i]);
		}
		strbuf_addstr(sb, " (pods included)");
		break;
	case TP_DOMAINS:
		strbuf_addstr(sb, "domain names (not evaluated offline: match nothing)");
		break;
	case TP_NONE:
		strbuf_addstr(sb, "nothing");
		break;
	}
}

static void describe_ports(const struct trule *r, struct strbuf *sb)
{
	if (!r->nports) {
		strbuf_addstr(sb, "on every port and protocol");
		return;
	}
	strbuf_addstr(sb, "on ");
	for (size_t i = 0; i < r->nports; i++) {
		const struct tport *pt = &r->ports[i];
		strbuf_addstr(sb, i ? ", " : "");
		if (pt->name) {
			strbuf_addstr(sb, "port '");
			add_text(sb, pt->name);
			strbuf_addch(sb, '\'');
		} else if (pt->proto < 0 || pt->lo > pt->hi) {
			strbuf_addstr(sb, "no port");
		} else if (pt->lo == pt->hi) {
			strbuf_addf(sb, "%s %d", proto_name(pt->proto), pt->lo);
		} else {
			strbuf_addf(sb, "%s %d-%d", proto_name(pt->proto), pt->lo, pt->hi);
		}
	}
}

/* What a tier rule's peers and ports match, in words. */
static void rule_words(const struct strule *r, enum direction d, struct strbuf *words)
{
	strbuf_addstr(words, d == DIR_INGRESS ? "from " : "to ");
	for (size_t j = 0; j < r->rule->npeers; j++) {
		if (j)
			strbuf_addstr(words, j + 1 == r->rule->npeers ? " or " : ", ");
		describe_peer(&r->rule->peers[j], words);
	}
	strbuf_addch(words, ' ');
	describe_ports(r->rule, words);
}

void tiers_explain_endpoint(const struct solver *s, const struct endpoint *e, enum direction d,
			    struct strbuf *out)
{
	struct tier_iter it;
	const struct strule *r;
	if (tiers_apply(s, &(struct sref){ .ep = e }, d))
		strbuf_addf(out, "  %s tiers, in the order they decide:\n", dir_names[d]);
	tier_iter_init(&it, s, (size_t)e->index, d);
	while ((r = tier_iter_next(&it))) {
		struct strbuf words = STRBUF_INIT;
		rule_words(r, d, &words);
		strbuf_addf(out, "    %s: ", tier_action_name(r->tp, r->rule->action));
		tiers_name_rule(r, out);
		strbuf_addf(out, " %s\n", words.buf);
		strbuf_release(&words);
	}
}

void tiers_json_endpoint(const struct solver *s, const struct endpoint *e, enum direction d,
			 struct jw *j)
{
	struct tier_iter it;
	const struct strule *r;
	jw_array(j, "tiers", true);
	tier_iter_init(&it, s, (size_t)e->index, d);
	while ((r = tier_iter_next(&it))) {
		struct strbuf words = STRBUF_INIT;
		rule_words(r, d, &words);
		jw_object(j, NULL, true);
		json_rule(r, j);
		jw_str(j, "matches", words.buf);
		jw_end(j);
		strbuf_release(&words);
	}
	jw_end(j);
}

/* ---- label values set at run time ---- */

size_t tiers_unknown_deps(const struct model *m, const struct endpoint *e,
			  void (*fn)(void *ctx, const char *key, const struct tpolicy *p,
				     const struct ynode *at),
			  void *ctx)
{
	const struct tiers *t = m->tiers;
	size_t n = 0;
	if (!e || !t || !m->has_unknown_labels)
		return 0;
	const struct labels *nsl = &m->namespaces[e->ns_index]->labels;
	for (size_t i = 0; i < t->norder; i++) {
		const struct tpolicy *p = t->order[i];
		for (int d = -1; d < DIR__COUNT; d++) {
			size_t nr = d < 0 ? 1 : p->nrules[d];
			for (size_t r = 0; r < nr; r++) {
				size_t np = d < 0 ? 1 : p->rules[d][r].npeers;
				for (size_t k = 0; k < np; k++) {
					const struct tpeer *pe = d < 0 ? &p->subject : &p->rules[d][r].peers[k];
					const struct ynode *at = NULL;
					const char *key;
					if (pe->kind != TP_PODS ||
					    (pe->ns_sel.node && !selector_matches(&pe->ns_sel, nsl)))
						continue;
					if ((key = fold_selector_depends(&pe->pod_sel, &e->labels, &at))) {
						fn(ctx, key, p, at ? at : pe->node);
						n++;
					}
				}
			}
		}
	}
	return n;
}

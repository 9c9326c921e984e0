/* npcheck explain: per endpoint, which policies isolate it and what they allow, in words. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "query.h"
#include "tiers.h"

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

static void describe_rule(const struct srule *r, struct strbuf *sb)
{
	const struct np_rule *nr = r->rule;
	bool in = r->dir == DIR_INGRESS;
	if (!nr->npeers) {
		strbuf_addf(sb, "%s anyone (every pod and every address) ", in ? "from" : "to");
	} else {
		strbuf_addstr(sb, in ? "from " : "to ");
		for (size_t i = 0; i < nr->npeers; i++) {
			if (i)
				strbuf_addstr(sb, i + 1 == nr->npeers ? " or " : ", ");
			describe_peer(r->policy, &nr->peers[i], sb);
		}
		strbuf_addch(sb, ' ');
	}
	describe_ports(nr, sb);
}

static const char *const dir_names[] = { "ingress", "egress" };

static void explain_endpoint(const struct solver *s, const struct endpoint *e, bool json,
			     bool first, struct strbuf *out)
{
	const struct model *m = s->m;
	const struct sendpoint *se = &s->eps[e->index];

	if (json) {
		strbuf_addstr(out, first ? "\n  {\"endpoint\": " : ",\n  {\"endpoint\": ");
		strbuf_add_json_str(out, e->display);
	} else {
		strbuf_addf(out, "%s%s\n", first ? "" : "\n", e->display);
	}
	for (int d = 0; d < DIR__COUNT; d++) {
		if (json) {
			strbuf_addf(out, ", \"%s\": {\"isolated\": %s, \"policies\": [", dir_names[d],
				    se->isolated[d] ? "true" : "false");
			for (size_t i = 0; i < se->npolicies[d]; i++) {
				const struct policy *p = se->policies[d][i];
				strbuf_addstr(out, i ? ", " : "");
				struct strbuf pn = STRBUF_INIT;
				strbuf_addf(&pn, "%s/%s", p->obj->ns, p->obj->name);
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
				strbuf_addf(out, "%s %s/%s (%s:%d:%d)", i ? "," : "", p->obj->ns,
					    p->obj->name, n->pos.file, n->pos.line, n->pos.col);
			}
			strbuf_addch(out, '\n');
			if (!se->nrules[d])
				strbuf_addf(out, "    no rule allows any %s traffic\n", dir_names[d]);
		}
		for (size_t i = 0; i < se->nrules[d]; i++) {
			const struct srule *r = &s->rules[se->rules[d][i]];
			struct strbuf words = STRBUF_INIT;
			describe_rule(r, &words);
			/* Which endpoints of the input the rule's peers match, as a hint. */
			size_t nmatch = 0;
			struct strbuf matches = STRBUF_INIT;
			for (size_t j = 0; j < m->nendpoints && !r->all_peers; j++) {
				if (!epset_has(&r->eps, j))
					continue;
				if (nmatch < 5) {
					if (json) {
						strbuf_addstr(&matches, nmatch ? ", " : "");
						strbuf_add_json_str(&matches, m->endpoints[j]->display);
					} else {
						strbuf_addf(&matches, "%s%s", nmatch ? ", " : "",
							    m->endpoints[j]->display);
					}
				}
				nmatch++;
			}
			if (json) {
				strbuf_addstr(out, i ? ", {\"policy\": " : "{\"policy\": ");
				struct strbuf pn = STRBUF_INIT;
				strbuf_addf(&pn, "%s/%s", r->policy->obj->ns, r->policy->obj->name);
				strbuf_add_json_str(out, pn.buf);
				strbuf_release(&pn);
				strbuf_addf(out, ", \"rule\": %d, \"file\": ", r->rule->index);
				strbuf_add_json_str(out, r->rule->node->pos.file);
				strbuf_addf(out, ", \"line\": %d, \"allows\": ", r->rule->node->pos.line);
				strbuf_add_json_str(out, words.buf);
				strbuf_addf(out, ", \"matching_endpoints\": %zu, \"examples\": [%s]}", nmatch,
					    matches.buf ? matches.buf : "");
			} else {
				strbuf_addf(out, "    %s/%s %s rule %d (%s:%d:%d) allows %s\n",
					    r->policy->obj->ns, r->policy->obj->name, dir_names[d],
					    r->rule->index + 1, r->rule->node->pos.file,
					    r->rule->node->pos.line, r->rule->node->pos.col, words.buf);
				if (!r->all_peers) {
					if (nmatch)
						strbuf_addf(out, "      matching %zu endpoint%s of the input: %s%s\n",
							    nmatch, nmatch == 1 ? "" : "s", matches.buf,
							    nmatch > 5 ? ", ..." : "");
					else if (r->ip[0].n == 0 && r->ip[1].n == 0)
						strbuf_addstr(out, "      matching no endpoint of the input\n");
				}
			}
			strbuf_release(&words);
			strbuf_release(&matches);
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
}

int cmd_explain(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	const char *const *paths;
	size_t npaths;
	struct loaded l;
	struct solver s;
	int rc;

	if (!fmt)
		return EXIT_USAGE;
	if (cli_input_paths(cli, &paths, &npaths))
		return EXIT_USAGE;
	rc = cli_load(cli, paths, npaths, &l);
	const struct model *mp = &l.model;
	solver_init(&s, mp);

	bool json = !strcmp(fmt, "json");
	struct strbuf out = STRBUF_INIT;
	struct query_target t = { 0 };
	if (cli->pod) {
		if (query_resolve(mp, cli->pod, cli->ns, false, &t) || !t.refs[0].ep) {
			if (t.n && !t.refs[0].ep)
				fprintf(stderr, "npcheck explain: '%s' is not a pod or workload of the input\n",
					cli->pod);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (json)
		strbuf_addstr(&out, "[");
	size_t shown = 0;
	for (size_t i = 0; i < mp->nendpoints; i++) {
		if (t.n && t.refs[0].ep != mp->endpoints[i])
			continue;
		explain_endpoint(&s, mp->endpoints[i], json, shown++ == 0, &out);
	}
	if (!json)
		for (size_t i = 0; i < mp->nhost_net && !t.n; i++)
			strbuf_addf(&out, "%s%s\n  hostNetwork: node traffic, no policy applies\n",
				    shown++ ? "\n" : "", mp->host_net[i]->display);
	if (json)
		strbuf_addstr(&out, shown ? "\n]\n" : "]\n");
	fputs(out.buf ? out.buf : "", stdout);
out:
	strbuf_release(&out);
	query_target_release(&t);
	solver_free(&s);
	cli_unload(&l);
	return rc;
}

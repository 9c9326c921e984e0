/* npcheck reach: the verdict for one connection, with the policies and rules deciding it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "query.h"
#include "tiers.h"
#include "suggest.h"

static int cmd_reach(struct cli *cli);

const struct command cmd_reach_entry = {
	.name = "reach",
	.exec = cmd_reach,
	.usage = "SRC DST [PATH...]",
	.summary = "verdict for one connection, with the deciding policies",
	.formats = "text,json",
	.reads_input = true,
	.options = {
		{ OPT_PORT, "PORT", "a port number, or the name of a container port of DST" },
		{ OPT_PROTOCOL, "P", "TCP (the default), UDP or SCTP" },
	},
};

struct ask {
	bool has_port;
	int proto;       /* when has_port, or -1 for "every protocol" */
	int port;
	bool undefined;  /* a protocol NetworkPolicy does not define */
	const char *undefined_name;
};

static void pos_of(const struct ynode *n, struct strbuf *sb)
{
	escape_text(sb, n->pos.file);
	strbuf_addf(sb, ":%d:%d", n->pos.line, n->pos.col);
}

static const struct ynode *policy_node(const struct policy *p)
{
	return p->obj->name_node ? p->obj->name_node : p->obj->node;
}

/* Restrict a connection set to the question asked. */
static void narrow(struct connset *c, const struct ask *q)
{
	if (!q->has_port)
		return;
	bool in = connset_contains(c, q->proto, q->port);
	connset_clear(c);
	if (in)
		connset_add(c, q->proto, q->port, q->port);
}

static const char *const dir_names[] = { "ingress", "egress" };

/* One direction, explained: text into sb, JSON into js. Returns whether it allows. */
static bool explain_direction(const struct solver *s, enum direction dir, const struct sref *src,
			      const struct sref *dst, const struct ask *q, struct strbuf *sb,
			      struct strbuf *js)
{
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	struct strbuf name = STRBUF_INIT, tname = STRBUF_INIT;
	struct connset total, c;
	bool allows;

	sref_format(self, &name);
	escape_text(&tname, name.buf);
	connset_init(&total);
	connset_init(&c);
	strbuf_addf(js, "\"%s\": {\"endpoint\": ", dir_names[dir]);
	strbuf_add_json_str(js, name.buf);
	if (!self->ep || !s->eps[self->ep->index].isolated[dir]) {
		strbuf_addf(sb, "  %s %s %s: not isolated, everything allowed\n",
			    dir_names[dir], dir == DIR_EGRESS ? "from" : "to", tname.buf);
		if (!self->ep)
			strbuf_addstr(js, ", \"isolated\": false, \"external\": true");
		else
			strbuf_addstr(js, ", \"isolated\": false");
		strbuf_addstr(js, ", \"policies\": [], \"rules\": []}");
		strbuf_release(&name);
		strbuf_release(&tname);
		connset_release(&total);
		connset_release(&c);
		return true;
	}
	const struct sendpoint *se = &s->eps[self->ep->index];
	strbuf_addf(sb, "  %s %s %s: isolated by", dir_names[dir],
		    dir == DIR_EGRESS ? "from" : "to", tname.buf);
	strbuf_addstr(js, ", \"isolated\": true, \"policies\": [");
	for (size_t i = 0; i < se->npolicies[dir]; i++) {
		const struct policy *p = se->policies[dir][i];
		strbuf_addstr(sb, i ? ", " : " ");
		escape_text(sb, p->obj->ns);
		strbuf_addch(sb, '/');
		escape_text(sb, p->obj->name);
		strbuf_addstr(sb, " (");
		pos_of(policy_node(p), sb);
		strbuf_addch(sb, ')');
		strbuf_addf(js, "%s{\"namespace\": ", i ? ", " : "");
		strbuf_add_json_str(js, p->obj->ns);
		strbuf_addstr(js, ", \"name\": ");
		strbuf_add_json_str(js, p->obj->name);
		strbuf_addstr(js, ", \"file\": ");
		strbuf_add_json_str(js, p->obj->file);
		strbuf_addf(js, ", \"line\": %d}", policy_node(p)->pos.line);
	}
	strbuf_addstr(sb, "\n");
	strbuf_addstr(js, "], \"rules\": [");
	const struct sref *other = dir == DIR_EGRESS ? dst : src;
	size_t shown = 0;
	for (size_t i = 0; i < se->nrules[dir]; i++) {
		const struct srule *r = &s->rules[se->rules[dir][i]];
		if (!solver_rule_matches(s, r, other))
			continue;
		solver_rule_ports(s, r, dst, &c);
		narrow(&c, q);
		if (connset_is_empty(&c))
			continue;
		connset_union(&total, &c);
		strbuf_addstr(sb, "    allowed by ");
		escape_text(sb, r->policy->obj->ns);
		strbuf_addch(sb, '/');
		escape_text(sb, r->policy->obj->name);
		strbuf_addf(sb, " %s rule %d (", dir_names[dir], r->rule->index + 1);
		pos_of(r->rule->node, sb);
		const struct peer *peer = solver_matching_peer(s, r, other);
		if (peer) {
			strbuf_addf(sb, "), %s peer %d (", dir == DIR_INGRESS ? "from" : "to",
				    (int)(peer - r->rule->peers) + 1);
			pos_of(peer->node, sb);
		} else {
			strbuf_addf(sb, "), any %s", dir == DIR_INGRESS ? "source" : "destination");
			strbuf_addstr(sb, " (");
			pos_of(r->rule->peers_key ? r->rule->peers_key : r->rule->node, sb);
		}
		strbuf_addstr(sb, "): ");
		connset_format(&c, sb);
		strbuf_addch(sb, '\n');
		strbuf_addf(js, "%s{\"policy\": ", shown++ ? ", " : "");
		struct strbuf pn = STRBUF_INIT;
		strbuf_addf(&pn, "%s/%s", r->policy->obj->ns, r->policy->obj->name);
		strbuf_add_json_str(js, pn.buf);
		strbuf_release(&pn);
		strbuf_addf(js, ", \"rule\": %d, \"file\": ", r->rule->index + 1);
		strbuf_add_json_str(js, r->rule->node->pos.file);
		strbuf_addf(js, ", \"line\": %d, \"column\": %d, ",
			    r->rule->node->pos.line, r->rule->node->pos.col);
		if (peer)
			strbuf_addf(js, "\"peer\": {\"index\": %d, \"line\": %d, \"column\": %d}, ",
				    (int)(peer - r->rule->peers) + 1, peer->node->pos.line, peer->node->pos.col);
		strbuf_addstr(js, "\"connections\": ");
		struct strbuf cs = STRBUF_INIT;
		connset_format(&c, &cs);
		strbuf_add_json_str(js, cs.buf);
		strbuf_release(&cs);
		strbuf_addch(js, '}');
	}
	allows = !connset_is_empty(&total);
	if (!allows)
		strbuf_addf(sb, "    no %s rule of these policies allows it\n", dir_names[dir]);
	strbuf_addstr(js, "]}");
	strbuf_release(&name);
	strbuf_release(&tname);
	connset_release(&total);
	connset_release(&c);
	return allows;
}

/* One direction where the policy tiers apply (TIERS.md §2): what decided each part, in
 * tier order, with the NetworkPolicy step explained as above where it decides. */
static bool explain_tiered(const struct solver *s, enum direction dir, const struct sref *src,
			   const struct sref *dst, const struct ask *q, struct strbuf *sb,
			   struct strbuf *js)
{
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	if (!tiers_apply(s, self, dir))
		return explain_direction(s, dir, src, dst, q, sb, js);
	bool iso = s->eps[self->ep->index].isolated[dir];
	struct connset np, out;
	struct tier_decision *dec = NULL;
	size_t ndec = 0;
	connset_init(&np);
	connset_init(&out);
	if (iso)
		solver_np_direction(s, dir, src, dst, &np);
	tiers_direction(s, dir, src, dst, iso, &np, &out, &dec, &ndec);
	narrow(&out, q);
	bool np_decides = false;
	for (size_t i = 0; i < ndec; i++) {
		narrow(&dec[i].conns, q);
		np_decides |= dec[i].step == TSTEP_NP && !connset_is_empty(&dec[i].conns);
	}
	struct strbuf name = STRBUF_INIT, tj = STRBUF_INIT;
	sref_format(self, &name);
	strbuf_addf(sb, "  %s %s %s: policy tiers apply%s\n", dir_names[dir],
		    dir == DIR_EGRESS ? "from" : "to", name.buf,
		    iso ? ", and NetworkPolicy isolates it" : "; no NetworkPolicy isolates it");
	tiers_explain_decisions(dec, ndec, iso, sb, &tj);
	strbuf_addf(js, "\"%s\": {\"endpoint\": ", dir_names[dir]);
	strbuf_add_json_str(js, name.buf);
	strbuf_addf(js, ", \"isolated\": %s, \"tiers\": %s", iso ? "true" : "false", tj.buf);
	if (np_decides) {
		struct strbuf nsb = STRBUF_INIT, njs = STRBUF_INIT;
		explain_direction(s, dir, src, dst, q, &nsb, &njs);
		for (const char *p = nsb.buf; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
			strbuf_addstr(sb, "    ");
			strbuf_add(sb, p, len);
			p += len;
		}
		strbuf_addf(js, ", \"networkPolicy\": {%s}", njs.buf);
		strbuf_release(&nsb);
		strbuf_release(&njs);
	}
	strbuf_addch(js, '}');
	bool allows = !connset_is_empty(&out);
	for (size_t i = 0; i < ndec; i++)
		connset_release(&dec[i].conns);
	free(dec);
	connset_release(&np);
	connset_release(&out);
	strbuf_release(&name);
	strbuf_release(&tj);
	return allows;
}

/* Resolve -p for one destination: a number, a container port name on the destination,
 * or (for svc/NAME) a Service port translated to its targetPort. */
static int resolve_port(const struct cli *cli, const struct query_target *dt, const struct sref *dst,
			struct ask *q, int proto_given)
{
	char *end;
	long v;
	const char *p = cli->port;
	q->has_port = p != NULL;
	q->proto = proto_given >= 0 ? proto_given : PROTO_TCP;
	if (!p)
		return 0;
	v = strtol(p, &end, 10);
	bool numeric = *p && !*end;
	if (dt->svc) {
		for (size_t i = 0; i < dt->svc->nports; i++) {
			const struct service_port *sp = &dt->svc->ports[i];
			if ((numeric && sp->port == v) || (!numeric && sp->name && !strcmp(sp->name, p))) {
				if (proto_given >= 0 && sp->proto != proto_given)
					continue;
				q->proto = sp->proto;
				if (!sp->target_name) {
					q->port = sp->target_port;
					return 0;
				}
				for (size_t j = 0; dst->ep && j < dst->ep->nports; j++)
					if (dst->ep->ports[j].name &&
					    !strcmp(dst->ep->ports[j].name, sp->target_name) &&
					    dst->ep->ports[j].proto == sp->proto) {
						q->port = dst->ep->ports[j].port;
						return 0;
					}
				escape_eprintf("npcheck reach: %s has no container port named '%s'",
					       dst->ep ? dst->ep->display : "destination",
					       sp->target_name);
				return -1;
			}
		}
		struct suggest sg;
		suggest_init(&sg, p);
		for (size_t i = 0; !numeric && i < dt->svc->nports; i++)
			if (dt->svc->ports[i].name)
				suggest_add(&sg, dt->svc->ports[i].name);
		if (suggest_best(&sg))
			escape_eprintf("npcheck reach: Service %s/%s has no port '%s'; did you mean '%s'?",
				       dt->svc->obj->ns, dt->svc->obj->name, p, suggest_best(&sg));
		else
			escape_eprintf("npcheck reach: Service %s/%s has no port '%s'",
				       dt->svc->obj->ns, dt->svc->obj->name, p);
		return -1;
	}
	if (numeric) {
		if (v < PORT_MIN || v > PORT_MAX) {
			escape_eprintf("npcheck reach: port %s is not between 1 and 65535", p);
			return -1;
		}
		q->port = (int)v;
		return 0;
	}
	for (size_t j = 0; dst->ep && j < dst->ep->nports; j++)
		if (dst->ep->ports[j].name && !strcmp(dst->ep->ports[j].name, p) &&
		    (proto_given < 0 || dst->ep->ports[j].proto == proto_given)) {
			q->port = dst->ep->ports[j].port;
			q->proto = dst->ep->ports[j].proto;
			return 0;
		}
	struct suggest sg;
	suggest_init(&sg, p);
	for (size_t j = 0; dst->ep && j < dst->ep->nports; j++)
		if (dst->ep->ports[j].name)
			suggest_add(&sg, dst->ep->ports[j].name);
	if (suggest_best(&sg))
		escape_eprintf("npcheck reach: %s has no container port named '%s'; did you mean '%s'?",
			       dst->ep ? dst->ep->display : "an external address", p, suggest_best(&sg));
	else
		escape_eprintf("npcheck reach: %s has no container port named '%s'",
			       dst->ep ? dst->ep->display : "an external address", p);
	return -1;
}

struct deps {
	const struct endpoint *e;
	struct strbuf *text, *json;
	size_t n;
};

/* One "depends on" line and its JSON object: policy is "NS/NAME" or "TIER policy NAME"
 * in the text, name its JSON "policy", tier its JSON "tier" (NULL for NetworkPolicy). */
static void dep_add(struct deps *d, const char *key, const char *policy, const char *name,
		    const char *tier, const char *file, const struct ynode *at)
{
	struct strbuf t = STRBUF_INIT;
	strbuf_addf(&t, "  depends on: label '%s' of %s is set by its controller at run time; "
			"%s compares it at ", key, d->e->display, policy);
	escape_text(d->text, t.buf);
	strbuf_release(&t);
	pos_of(at, d->text);
	strbuf_addstr(d->text, ", taken as none of the values written there\n");
	strbuf_addstr(d->json, d->n++ ? ", {\"endpoint\": " : "{\"endpoint\": ");
	strbuf_add_json_str(d->json, d->e->display);
	strbuf_addstr(d->json, ", \"label\": ");
	strbuf_add_json_str(d->json, key);
	strbuf_addstr(d->json, ", \"policy\": ");
	strbuf_add_json_str(d->json, name);
	if (tier)
		strbuf_addf(d->json, ", \"tier\": \"%s\"", tier);
	strbuf_addstr(d->json, ", \"file\": ");
	strbuf_add_json_str(d->json, file);
	strbuf_addf(d->json, ", \"line\": %d, \"column\": %d}", at->pos.line, at->pos.col);
}

static void add_dep(void *ctx, const char *key, const struct policy *p, const struct ynode *at)
{
	struct strbuf pn = STRBUF_INIT;
	strbuf_addf(&pn, "%s/%s", p->obj->ns, p->obj->name);
	dep_add(ctx, key, pn.buf, pn.buf, NULL, p->obj->file, at);
	strbuf_release(&pn);
}

static void add_tier_dep(void *ctx, const char *key, const struct tpolicy *p,
			 const struct ynode *at)
{
	struct strbuf words = STRBUF_INIT;
	strbuf_addf(&words, "%s policy %s", tier_name(p->tier), p->obj->name);
	dep_add(ctx, key, words.buf, p->obj->name, tier_name(p->tier), p->obj->file, at);
	strbuf_release(&words);
}

/* "Depends on" lines: selectors comparing a label value only the cluster knows. */
static void explain_deps(const struct model *m, const struct sref *src, const struct sref *dst,
			 struct strbuf *sb, struct strbuf *js)
{
	struct strbuf dj = STRBUF_INIT;
	struct deps d = { NULL, sb, &dj, 0 };
	d.e = src->ep;
	fold_unknown_deps(m, src->ep, add_dep, &d);
	tiers_unknown_deps(m, src->ep, add_tier_dep, &d);
	if (dst->ep != src->ep) {
		d.e = dst->ep;
		fold_unknown_deps(m, dst->ep, add_dep, &d);
		tiers_unknown_deps(m, dst->ep, add_tier_dep, &d);
	}
	if (d.n)
		strbuf_addf(js, ", \"dependsOn\": [%s]", dj.buf);
	strbuf_release(&dj);
}

static int cmd_reach(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	struct query_target st = { 0 }, dt = { 0 };
	struct solver s;
	struct loaded l;
	int proto = -1, rc = EXIT_CLEAN;
	const char *undefined = NULL;

	if (!fmt)
		return EXIT_USAGE;
	if (cli->nargs < 2)
		return cli_usage_error(cli, "needs a source and a destination (see 'npcheck help reach')");
	/* "reach frontend examples/shop": the destination was forgotten, and reading stdin
	 * for input would only end in "no endpoint named 'frontend'". */
	struct stat path_st;
	if (cli->nargs == 2 && !stat(cli->args[1], &path_st))
		return cli_usage_error(cli, "the destination is missing: '%s' is a path (npcheck reach "
				       "SRC DST [PATH...]); for an endpoint named so, give the "
				       "input as '-' or a path", cli->args[1]);
	if (cli->protocol) {
		bool set[PROTO__COUNT];
		const char *bad;
		int r = query_parse_protocols(cli->protocol, set, &bad);
		if (r == -1)
			return cli_usage_error(cli, "unknown protocol '%s' (TCP, UDP or SCTP)", bad);
		if (r == -2) {
			undefined = cli->protocol;
		} else {
			int count = 0;
			for (int i = 0; i < PROTO__COUNT; i++)
				if (set[i]) {
					proto = i;
					count++;
				}
			if (count != 1)
				return cli_usage_error(cli, "--protocol takes one protocol here");
		}
	}
	const char *const *paths = cli->args + 2;
	size_t npaths = cli->nargs - 2;
	static const char *const stdin_path[] = { "-" };
	if (!npaths) {
		if (isatty(STDIN_FILENO)) {
			command_usage(command_lookup(cli->command), false);
			return EXIT_USAGE;
		}
		paths = stdin_path;
		npaths = 1;
		cli->stdin_implicit = true;
	}
	bool input_error = cli_load(cli, paths, npaths, &l) == EXIT_INPUT;
	const struct model *mm = &l.model;
	if (query_resolve(mm, cli->args[0], cli->ns, false, &st) ||
	    query_resolve(mm, cli->args[1], cli->ns, true, &dt)) {
		solver_init_for(&s, mm, NULL, 0);
		rc = EXIT_USAGE;
		goto out;
	}
	/* Only the policies selecting the source or a destination matter here. */
	const struct endpoint **ends = xcalloc(dt.n + 1, sizeof(*ends));
	ends[0] = st.refs[0].ep;
	for (size_t i = 0; i < dt.n; i++)
		ends[i + 1] = dt.refs[i].ep;
	solver_init_for(&s, mm, ends, dt.n + 1);
	free(ends);
	bool json = !strcmp(fmt, "json");
	struct strbuf out = STRBUF_INIT;
	if (json)
		strbuf_addf(&out, "{\"version\": %d, \"verdicts\": [", NPCHECK_JSON_VERSION);
	for (size_t i = 0; i < dt.n; i++) {
		const struct sref *src = &st.refs[0], *dst = &dt.refs[i];
		struct strbuf sb = STRBUF_INIT, js = STRBUF_INIT, sn = STRBUF_INIT, dn = STRBUF_INIT;
		struct ask q = { 0 };
		struct connset c;

		sref_format(src, &sn);
		sref_format(dst, &dn);
		if (undefined) {
			if (json) {
				strbuf_addf(&out, "%s\n  {\"source\": ", i ? "," : "");
				strbuf_add_json_str(&out, sn.buf);
				strbuf_addstr(&out, ", \"destination\": ");
				strbuf_add_json_str(&out, dn.buf);
				strbuf_addstr(&out, ", \"protocol\": ");
				strbuf_add_json_str(&out, undefined);
				strbuf_addstr(&out, ", \"verdict\": \"undefined\"}");
			} else {
				struct strbuf t = STRBUF_INIT;
				strbuf_addf(&t, "%s => %s %s: undefined", sn.buf, dn.buf, undefined);
				escape_text(&out, t.buf);
				strbuf_addch(&out, '\n');
				strbuf_reset(&t);
				strbuf_addf(&t, "\n  NetworkPolicy only defines TCP, UDP and SCTP; what "
					    "happens to %s under a policy is up to the CNI plugin",
					    undefined);
				escape_text_n(&out, t.buf + 1, t.len - 1);
				strbuf_addch(&out, '\n');
				strbuf_release(&t);
			}
			rc = EXIT_FINDINGS;
			strbuf_release(&sn);
			strbuf_release(&dn);
			continue;
		}
		if (resolve_port(cli, &dt, dst, &q, proto)) {
			rc = EXIT_USAGE;
			strbuf_release(&sn);
			strbuf_release(&dn);
			break;
		}
		if (!q.has_port && proto >= 0) {
			/* --protocol without -p: every port of that protocol. */
		}
		connset_init(&c);
		solver_allowed(&s, src, dst, &c);
		if (!q.has_port && proto >= 0) {
			struct connset only;
			connset_init(&only);
			connset_add(&only, proto, PORT_MIN, PORT_MAX);
			connset_intersect(&c, &only);
			connset_release(&only);
		}
		narrow(&c, &q);
		bool loop = src->ep && src->ep == dst->ep && src->ep->is_pod;
		bool allowed = !connset_is_empty(&c);
		struct strbuf cs = STRBUF_INIT;
		connset_format(&c, &cs);
		if (!allowed)
			rc = rc == EXIT_CLEAN ? EXIT_FINDINGS : rc;
		escape_text(&sb, sn.buf);
		strbuf_addstr(&sb, " => ");
		escape_text(&sb, dn.buf);
		if (q.has_port)
			strbuf_addf(&sb, " %s %d: %s\n", proto_name(q.proto), q.port,
				    allowed ? "allowed" : "denied");
		else
			strbuf_addf(&sb, " : %s\n", cs.buf);
		if (dt.svc && q.has_port) {
			struct strbuf t = STRBUF_INIT;
			strbuf_addf(&t, "  through Service %s/%s port %s, which sends it to port %d of "
				    "the pods", dt.svc->obj->ns, dt.svc->obj->name, cli->port, q.port);
			escape_text(&sb, t.buf);
			strbuf_addch(&sb, '\n');
			strbuf_release(&t);
		}
		if (loop) {
			strbuf_addstr(&sb, "  a pod's traffic to itself is loopback, never subject to policy\n");
			strbuf_addstr(&js, "\"loopback\": true");
		} else {
			strbuf_addstr(&js, "\"loopback\": false, ");
			explain_tiered(&s, DIR_EGRESS, src, dst, &q, &sb, &js);
			strbuf_addstr(&js, ", ");
			explain_tiered(&s, DIR_INGRESS, src, dst, &q, &sb, &js);
		}
		explain_deps(mm, src, dst, &sb, &js);
		if (json) {
			strbuf_addf(&out, "%s\n  {\"source\": ", i ? "," : "");
			strbuf_add_json_str(&out, sn.buf);
			strbuf_addstr(&out, ", \"destination\": ");
			strbuf_add_json_str(&out, dn.buf);
			if (q.has_port)
				strbuf_addf(&out, ", \"protocol\": \"%s\", \"port\": %d", proto_name(q.proto), q.port);
			strbuf_addf(&out, ", \"verdict\": \"%s\", \"connections\": ",
				    allowed ? "allow" : "deny");
			strbuf_add_json_str(&out, cs.buf);
			strbuf_addf(&out, ", %s}", js.buf);
		} else {
			strbuf_addstr(&out, sb.buf);
		}
		connset_release(&c);
		strbuf_release(&cs);
		strbuf_release(&sb);
		strbuf_release(&js);
		strbuf_release(&sn);
		strbuf_release(&dn);
	}
	if (json)
		strbuf_addstr(&out, "\n]}\n");
	if (rc != EXIT_USAGE)
		fputs(out.buf ? out.buf : "", stdout);
	strbuf_release(&out);
out:
	query_target_release(&st);
	query_target_release(&dt);
	solver_free(&s);
	if (input_error && rc != EXIT_USAGE)
		rc = EXIT_INPUT;
	cli_unload(&l);
	return rc;
}

/* npcheck reach: the verdict for one connection, with the policies and rules deciding it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "out.h"
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

/* A rule allowing part of the connection, and the peer of it that matches. */
struct rule_hit {
	const struct srule *r;
	const struct peer *peer;
	char *conns;
};

/* One direction of a verdict: the NetworkPolicy view, or the policy tiers' decisions
 * with the NetworkPolicy view nested where it decides. */
struct why {
	enum direction dir;
	char *endpoint;
	bool external, isolated, tiered;
	const struct policy *const *policies;
	size_t npolicies, nhits;
	struct rule_hit *hits;
	struct tier_decision *dec;     /* tiered: what decided each part, narrowed */
	size_t ndec;
	struct why *np;                /* tiered, where NetworkPolicy decides */
};

/* A selector comparing a label value only the cluster knows. */
struct dep {
	const struct endpoint *e;
	char *key, *words, *name;      /* words: "NS/NAME" or "TIER policy NAME" */
	const char *tier, *file;       /* tier NULL for NetworkPolicy */
	const struct ynode *at;
};

struct verdict {
	char *src, *dst, *conns;
	bool has_port, allowed, loopback;
	int proto, port;
	const struct service *svc;     /* when asked through a Service port */
	struct why why[2];             /* egress, ingress */
	struct dep *deps;
	size_t ndeps;
};

struct reach_result {
	const char *undefined;         /* a protocol NetworkPolicy does not define */
	const char *port;              /* -p as given */
	struct verdict *v;
	size_t n;
};

/* One direction, as NetworkPolicy decides it. */
static void why_direction(const struct solver *s, enum direction dir, const struct sref *src,
			  const struct sref *dst, const struct ask *q, struct why *w)
{
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	const struct sref *other = dir == DIR_EGRESS ? dst : src;
	struct strbuf name = STRBUF_INIT;
	struct connset c;

	memset(w, 0, sizeof(*w));
	w->dir = dir;
	sref_format(self, &name);
	w->endpoint = strbuf_detach(&name);
	w->external = !self->ep;
	if (!self->ep || !s->eps[self->ep->index].isolated[dir])
		return;
	const struct sendpoint *se = &s->eps[self->ep->index];
	w->isolated = true;
	w->policies = (const struct policy *const *)se->policies[dir];
	w->npolicies = se->npolicies[dir];
	w->hits = xcalloc(se->nrules[dir] + 1, sizeof(*w->hits));
	connset_init(&c);
	for (size_t i = 0; i < se->nrules[dir]; i++) {
		const struct srule *r = &s->rules[se->rules[dir][i]];
		if (!solver_rule_matches(s, r, other))
			continue;
		solver_rule_ports(s, r, dst, &c);
		narrow(&c, q);
		if (connset_is_empty(&c))
			continue;
		struct strbuf cs = STRBUF_INIT;
		connset_format(&c, &cs);
		w->hits[w->nhits].r = r;
		w->hits[w->nhits].peer = solver_matching_peer(s, r, other);
		w->hits[w->nhits++].conns = strbuf_detach(&cs);
	}
	connset_release(&c);
}

/* One direction where the policy tiers apply (TIERS.md §2): what decided each part, in
 * tier order, with the NetworkPolicy step explained as above where it decides. */
static void why_tiered(const struct solver *s, enum direction dir, const struct sref *src,
		       const struct sref *dst, const struct ask *q, struct why *w)
{
	const struct sref *self = dir == DIR_EGRESS ? src : dst;
	if (!tiers_apply(s, self, dir)) {
		why_direction(s, dir, src, dst, q, w);
		return;
	}
	bool iso = s->eps[self->ep->index].isolated[dir];
	struct connset np, out;
	struct tier_decision *dec = NULL;
	size_t ndec = 0;
	connset_init(&np);
	connset_init(&out);
	if (iso)
		solver_np_direction(s, dir, src, dst, &np);
	tiers_direction(s, dir, src, dst, iso, &np, &out, &dec, &ndec);
	bool np_decides = false;
	for (size_t i = 0; i < ndec; i++) {
		narrow(&dec[i].conns, q);
		np_decides |= dec[i].step == TSTEP_NP && !connset_is_empty(&dec[i].conns);
	}
	struct strbuf name = STRBUF_INIT;
	sref_format(self, &name);
	memset(w, 0, sizeof(*w));
	w->dir = dir;
	w->endpoint = strbuf_detach(&name);
	w->isolated = iso;
	w->tiered = true;
	w->dec = dec;
	w->ndec = ndec;
	if (np_decides) {
		w->np = xcalloc(1, sizeof(*w->np));
		why_direction(s, dir, src, dst, q, w->np);
	}
	connset_release(&np);
	connset_release(&out);
}

static void why_release(struct why *w)
{
	for (size_t i = 0; i < w->nhits; i++)
		free(w->hits[i].conns);
	free(w->hits);
	free(w->endpoint);
	for (size_t i = 0; i < w->ndec; i++)
		connset_release(&w->dec[i].conns);
	free(w->dec);
	if (w->np) {
		why_release(w->np);
		free(w->np);
	}
}

struct deps {
	const struct endpoint *e;
	struct verdict *v;
};

static void dep_add(struct deps *d, const char *key, const char *words, const char *name,
		    const char *tier, const char *file, const struct ynode *at)
{
	struct verdict *v = d->v;
	v->deps = xrealloc(v->deps, (v->ndeps + 1) * sizeof(*v->deps));
	v->deps[v->ndeps++] = (struct dep){ d->e, xstrdup(key), xstrdup(words), xstrdup(name),
					    tier, file, at };
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

/* The selectors of either end comparing a label value only the cluster knows. */
static void find_deps(const struct model *m, const struct sref *src, const struct sref *dst,
		      struct verdict *v)
{
	struct deps d = { src->ep, v };
	fold_unknown_deps(m, src->ep, add_dep, &d);
	tiers_unknown_deps(m, src->ep, add_tier_dep, &d);
	if (dst->ep != src->ep) {
		d.e = dst->ep;
		fold_unknown_deps(m, dst->ep, add_dep, &d);
		tiers_unknown_deps(m, dst->ep, add_tier_dep, &d);
	}
}

/* The verdict for one destination, -p already resolved into q. */
static void compute_verdict(const struct solver *s, const struct sref *src,
			    const struct sref *dst, const struct ask *q, int proto,
			    struct verdict *v)
{
	struct connset c;
	connset_init(&c);
	solver_allowed(s, src, dst, &c);
	if (!q->has_port && proto >= 0) {
		/* --protocol without -p: every port of that protocol. */
		struct connset only;
		connset_init(&only);
		connset_add(&only, proto, PORT_MIN, PORT_MAX);
		connset_intersect(&c, &only);
		connset_release(&only);
	}
	narrow(&c, q);
	struct strbuf cs = STRBUF_INIT;
	connset_format(&c, &cs);
	v->conns = strbuf_detach(&cs);
	v->has_port = q->has_port;
	v->proto = q->proto;
	v->port = q->port;
	v->allowed = !connset_is_empty(&c);
	v->loopback = src->ep && src->ep == dst->ep && src->ep->is_pod;
	if (!v->loopback) {
		why_tiered(s, DIR_EGRESS, src, dst, q, &v->why[DIR_EGRESS]);
		why_tiered(s, DIR_INGRESS, src, dst, q, &v->why[DIR_INGRESS]);
	}
	find_deps(s->m, src, dst, v);
	connset_release(&c);
}

static void result_release(struct reach_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct verdict *v = &res->v[i];
		free(v->src);
		free(v->dst);
		free(v->conns);
		{
			why_release(&v->why[DIR_EGRESS]);
			why_release(&v->why[DIR_INGRESS]);
		}
		for (size_t j = 0; j < v->ndeps; j++) {
			free(v->deps[j].key);
			free(v->deps[j].words);
			free(v->deps[j].name);
		}
		free(v->deps);
	}
	free(res->v);
}

/* Text writer. */

static const char *const dir_words[] = { "to", "from" }; /* by direction: "ingress to" */

static void text_direction(const struct why *w, struct strbuf *sb)
{
	const char *dn = dir_names[w->dir], *dw = dir_words[w->dir];
	struct strbuf tname = STRBUF_INIT;
	escape_text(&tname, w->endpoint);
	if (!w->isolated) {
		strbuf_addf(sb, "  %s %s %s: not isolated, everything allowed\n", dn, dw, tname.buf);
		strbuf_release(&tname);
		return;
	}
	strbuf_addf(sb, "  %s %s %s: isolated by", dn, dw, tname.buf);
	strbuf_release(&tname);
	for (size_t i = 0; i < w->npolicies; i++) {
		const struct policy *p = w->policies[i];
		strbuf_addstr(sb, i ? ", " : " ");
		escape_text(sb, p->obj->ns);
		strbuf_addch(sb, '/');
		escape_text(sb, p->obj->name);
		strbuf_addstr(sb, " (");
		pos_of(policy_node(p), sb);
		strbuf_addch(sb, ')');
	}
	strbuf_addstr(sb, "\n");
	for (size_t i = 0; i < w->nhits; i++) {
		const struct srule *r = w->hits[i].r;
		const struct peer *peer = w->hits[i].peer;
		strbuf_addstr(sb, "    allowed by ");
		escape_text(sb, r->policy->obj->ns);
		strbuf_addch(sb, '/');
		escape_text(sb, r->policy->obj->name);
		strbuf_addf(sb, " %s rule %d (", dn, r->rule->index + 1);
		pos_of(r->rule->node, sb);
		if (peer) {
			strbuf_addf(sb, "), %s peer %d (", w->dir == DIR_INGRESS ? "from" : "to",
				    (int)(peer - r->rule->peers) + 1);
			pos_of(peer->node, sb);
		} else {
			strbuf_addf(sb, "), any %s (", w->dir == DIR_INGRESS ? "source" : "destination");
			pos_of(r->rule->peers_key ? r->rule->peers_key : r->rule->node, sb);
		}
		strbuf_addf(sb, "): %s\n", w->hits[i].conns);
	}
	if (!w->nhits)
		strbuf_addf(sb, "    no %s rule of these policies allows it\n", dn);
}

static void text_tiered(const struct why *w, struct strbuf *sb)
{
	if (!w->tiered) {
		text_direction(w, sb);
		return;
	}
	strbuf_addf(sb, "  %s %s %s: policy tiers apply%s\n", dir_names[w->dir],
		    dir_words[w->dir], w->endpoint,
		    w->isolated ? ", and NetworkPolicy isolates it" : "; no NetworkPolicy isolates it");
	tiers_explain_decisions(w->dec, w->ndec, w->isolated, sb);
	if (!w->np)
		return;
	struct strbuf nsb = STRBUF_INIT;
	text_direction(w->np, &nsb);
	for (const char *p = nsb.buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		strbuf_addstr(sb, "    ");
		strbuf_add(sb, p, len);
		p += len;
	}
	strbuf_release(&nsb);
}

static void text_undefined(const struct verdict *v, const char *undefined, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	strbuf_addf(&t, "%s => %s %s: undefined", v->src, v->dst, undefined);
	escape_text(out, t.buf);
	strbuf_addch(out, '\n');
	strbuf_reset(&t);
	strbuf_addf(&t, "\n  NetworkPolicy only defines TCP, UDP and SCTP; what "
		    "happens to %s under a policy is up to the CNI plugin", undefined);
	escape_text_n(out, t.buf + 1, t.len - 1);
	strbuf_addch(out, '\n');
	strbuf_release(&t);
}

static void text_verdict(const struct verdict *v, const char *port, struct strbuf *sb)
{
	escape_text(sb, v->src);
	strbuf_addstr(sb, " => ");
	escape_text(sb, v->dst);
	if (v->has_port)
		strbuf_addf(sb, " %s %d: %s\n", proto_name(v->proto), v->port,
			    v->allowed ? "allowed" : "denied");
	else
		strbuf_addf(sb, " : %s\n", v->conns);
	if (v->svc && v->has_port) {
		struct strbuf t = STRBUF_INIT;
		strbuf_addf(&t, "  through Service %s/%s port %s, which sends it to port %d of "
			    "the pods", v->svc->obj->ns, v->svc->obj->name, port, v->port);
		escape_text(sb, t.buf);
		strbuf_addch(sb, '\n');
		strbuf_release(&t);
	}
	if (v->loopback) {
		strbuf_addstr(sb, "  a pod's traffic to itself is loopback, never subject to policy\n");
	} else {
		text_tiered(&v->why[DIR_EGRESS], sb);
		text_tiered(&v->why[DIR_INGRESS], sb);
	}
	for (size_t i = 0; i < v->ndeps; i++) {
		const struct dep *d = &v->deps[i];
		struct strbuf t = STRBUF_INIT;
		strbuf_addf(&t, "  depends on: label '%s' of %s is set by its controller at run "
				"time; %s compares it at ", d->key, d->e->display, d->words);
		escape_text(sb, t.buf);
		strbuf_release(&t);
		pos_of(d->at, sb);
		strbuf_addstr(sb, ", taken as none of the values written there\n");
	}
}

static void write_text(const struct reach_result *res)
{
	struct strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < res->n; i++) {
		if (res->undefined)
			text_undefined(&res->v[i], res->undefined, &out);
		else
			text_verdict(&res->v[i], res->port, &out);
	}
	if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
}

/* JSON writer. */

static void json_direction(const struct why *w, struct jw *j)
{
	jw_str(j, "endpoint", w->endpoint);
	jw_bool(j, "isolated", w->isolated);
	if (!w->isolated && w->external)
		jw_bool(j, "external", true);
	jw_array(j, "policies", true);
	for (size_t i = 0; i < w->npolicies; i++) {
		const struct policy *p = w->policies[i];
		jw_object(j, NULL, true);
		jw_str(j, "namespace", p->obj->ns);
		jw_str(j, "name", p->obj->name);
		jw_str(j, "file", p->obj->file);
		jw_int(j, "line", policy_node(p)->pos.line);
		jw_end(j);
	}
	jw_end(j);
	jw_array(j, "rules", true);
	for (size_t i = 0; i < w->nhits; i++) {
		const struct srule *r = w->hits[i].r;
		const struct peer *peer = w->hits[i].peer;
		struct strbuf pn = STRBUF_INIT;
		strbuf_addf(&pn, "%s/%s", r->policy->obj->ns, r->policy->obj->name);
		jw_object(j, NULL, true);
		jw_str(j, "policy", pn.buf);
		strbuf_release(&pn);
		jw_int(j, "rule", r->rule->index + 1);
		jw_str(j, "file", r->rule->node->pos.file);
		jw_int(j, "line", r->rule->node->pos.line);
		jw_int(j, "column", r->rule->node->pos.col);
		if (peer) {
			jw_object(j, "peer", true);
			jw_int(j, "index", (int)(peer - r->rule->peers) + 1);
			jw_int(j, "line", peer->node->pos.line);
			jw_int(j, "column", peer->node->pos.col);
			jw_end(j);
		}
		jw_str(j, "connections", w->hits[i].conns);
		jw_end(j);
	}
	jw_end(j);
}

static void json_tiered(const struct why *w, struct jw *j)
{
	jw_object(j, dir_names[w->dir], true);
	if (!w->tiered) {
		json_direction(w, j);
		jw_end(j);
		return;
	}
	jw_str(j, "endpoint", w->endpoint);
	jw_bool(j, "isolated", w->isolated);
	tiers_json_decisions(w->dec, w->ndec, j);
	if (w->np) {
		jw_object(j, "networkPolicy", true);
		jw_object(j, dir_names[w->dir], true);
		json_direction(w->np, j);
		jw_end(j);
		jw_end(j);
	}
	jw_end(j);
}

static void json_verdict(const struct verdict *v, const char *undefined, struct jw *j)
{
	jw_object(j, NULL, true);
	jw_str(j, "source", v->src);
	jw_str(j, "destination", v->dst);
	if (undefined) {
		jw_str(j, "protocol", undefined);
		jw_str(j, "verdict", "undefined");
		jw_end(j);
		return;
	}
	if (v->has_port) {
		jw_str(j, "protocol", proto_name(v->proto));
		jw_int(j, "port", v->port);
	}
	jw_str(j, "verdict", v->allowed ? "allow" : "deny");
	jw_str(j, "connections", v->conns);
	jw_bool(j, "loopback", v->loopback);
	if (!v->loopback) {
		json_tiered(&v->why[DIR_EGRESS], j);
		json_tiered(&v->why[DIR_INGRESS], j);
	}
	if (v->ndeps) {
		jw_array(j, "dependsOn", true);
		for (size_t i = 0; i < v->ndeps; i++) {
			const struct dep *d = &v->deps[i];
			jw_object(j, NULL, true);
			jw_str(j, "endpoint", d->e->display);
			jw_str(j, "label", d->key);
			jw_str(j, "policy", d->name);
			if (d->tier)
				jw_str(j, "tier", d->tier);
			jw_str(j, "file", d->file);
			jw_int(j, "line", d->at->pos.line);
			jw_int(j, "column", d->at->pos.col);
			jw_end(j);
		}
		jw_end(j);
	}
	jw_end(j);
}

static void write_json(const struct reach_result *res)
{
	struct jw j;
	jw_init(&j);
	jw_object(&j, NULL, true);
	jw_int(&j, "version", NPCHECK_JSON_VERSION);
	jw_lines(&j, "verdicts");
	for (size_t i = 0; i < res->n; i++)
		json_verdict(&res->v[i], res->undefined, &j);
	jw_end(&j);
	jw_end(&j);
	jw_finish(&j, stdout);
}

static const struct reach_writer {
	const char *fmt;
	void (*write)(const struct reach_result *res);
} writers[] = {
	{ "text", write_text },
	{ "json", write_json },
};

/* --protocol: one protocol into *proto, or a name NetworkPolicy does not define into
 * *undefined. Returns an exit status for a usage error, else 0. */
static int parse_protocol(struct cli *cli, int *proto, const char **undefined)
{
	bool set[PROTO__COUNT];
	const char *bad;
	if (!cli->protocol)
		return 0;
	int r = query_parse_protocols(cli->protocol, set, &bad);
	if (r == -1)
		return cli_usage_error(cli, "unknown protocol '%s' (TCP, UDP or SCTP)", bad);
	if (r == -2) {
		*undefined = cli->protocol;
		return 0;
	}
	int count = 0;
	for (int i = 0; i < PROTO__COUNT; i++)
		if (set[i]) {
			*proto = i;
			count++;
		}
	if (count != 1)
		return cli_usage_error(cli, "--protocol takes one protocol here");
	return 0;
}

/* Every verdict, the source against each destination. Returns EXIT_USAGE when -p names
 * no port of a destination, else EXIT_FINDINGS when one is denied or undefined. */
static int compute(struct cli *cli, const struct solver *s, const struct query_target *st,
		   const struct query_target *dt, int proto, struct reach_result *res)
{
	int rc = EXIT_CLEAN;
	res->v = xcalloc(dt->n + 1, sizeof(*res->v));
	res->port = cli->port;
	for (size_t i = 0; i < dt->n; i++) {
		const struct sref *src = &st->refs[0], *dst = &dt->refs[i];
		struct verdict *v = &res->v[res->n++];
		struct strbuf sn = STRBUF_INIT, dn = STRBUF_INIT;
		struct ask q = { 0 };

		sref_format(src, &sn);
		sref_format(dst, &dn);
		v->src = strbuf_detach(&sn);
		v->dst = strbuf_detach(&dn);
		if (res->undefined) {
			rc = EXIT_FINDINGS;
			continue;
		}
		if (resolve_port(cli, dt, dst, &q, proto))
			return EXIT_USAGE;
		v->svc = dt->svc;
		compute_verdict(s, src, dst, &q, proto, v);
		if (!v->allowed)
			rc = EXIT_FINDINGS;
	}
	return rc;
}

static int cmd_reach(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	struct query_target st = { 0 }, dt = { 0 };
	struct reach_result res = { 0 };
	struct solver s;
	struct loaded l;
	int proto = -1, rc;

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
	if ((rc = parse_protocol(cli, &proto, &res.undefined)))
		return rc;
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
	rc = compute(cli, &s, &st, &dt, proto, &res);
	for (size_t i = 0; rc != EXIT_USAGE && i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			writers[i].write(&res);
	result_release(&res);
out:
	query_target_release(&st);
	query_target_release(&dt);
	solver_free(&s);
	if (input_error && rc != EXIT_USAGE)
		rc = EXIT_INPUT;
	cli_unload(&l);
	return rc;
}

/* Resolve endpoint arguments (names, kinds, Services, IPs) and port/protocol lists. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "query.h"
#include "suggest.h"

/* kubectl's names and short names for the kinds that become endpoints. */
static const struct {
	const char *alias, *kind;
} kind_aliases[] = {
	{ "pod", "Pod" }, { "pods", "Pod" }, { "po", "Pod" },
	{ "deployment", "Deployment" }, { "deployments", "Deployment" }, { "deploy", "Deployment" },
	{ "replicaset", "ReplicaSet" }, { "replicasets", "ReplicaSet" }, { "rs", "ReplicaSet" },
	{ "statefulset", "StatefulSet" }, { "statefulsets", "StatefulSet" }, { "sts", "StatefulSet" },
	{ "daemonset", "DaemonSet" }, { "daemonsets", "DaemonSet" }, { "ds", "DaemonSet" },
	{ "job", "Job" }, { "jobs", "Job" },
	{ "cronjob", "CronJob" }, { "cronjobs", "CronJob" }, { "cj", "CronJob" },
	{ "replicationcontroller", "ReplicationController" },
	{ "replicationcontrollers", "ReplicationController" }, { "rc", "ReplicationController" },
};

static const char *kind_of(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_aliases); i++)
		if (!strcasecmp(kind_aliases[i].alias, s))
			return kind_aliases[i].kind;
	return NULL;
}

/* Set while a caller asks quietly (query_resolve_quiet): messages are not printed. */
static bool quiet;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static bool is_service_word(const char *s)
{
	return !strcasecmp(s, "svc") || !strcasecmp(s, "service") || !strcasecmp(s, "services");
}

static void push(struct query_target *t, const struct sref *r)
{
	t->refs = xrealloc(t->refs, sizeof(*t->refs) * (t->n + 1));
	t->refs[t->n++] = *r;
}

static void suggest(const struct model *m, const char *text, const char *name)
{
	size_t best = (size_t)-1;
	for (size_t i = 0; i < m->nendpoints; i++) {
		size_t d = edit_distance(name, m->endpoints[i]->name);
		if (d < best)
			best = d;
	}
	struct strbuf e = STRBUF_INIT;
	say("npcheck: no endpoint named '%s'", escape_text_str(&e, text));
	if (best == (size_t)-1 || best > 3 + strlen(name) / 3) {
		say("\n");
		strbuf_release(&e);
		return;
	}
	say("; did you mean:\n");
	for (size_t i = 0, shown = 0; i < m->nendpoints && shown < 8; i++)
		if (edit_distance(name, m->endpoints[i]->name) == best) {
			say("  %s\n", escape_text_str(&e, m->endpoints[i]->display));
			shown++;
		}
	strbuf_release(&e);
}

static int resolve_service(const struct model *m, const char *ns, const char *name,
			   const char *text, struct query_target *out)
{
	const struct service *svc = NULL;
	for (size_t i = 0; i < m->nservices; i++) {
		const struct service *s = m->services[i];
		if (s->obj->invalid || !s->obj->name || strcmp(s->obj->name, name))
			continue;
		if (ns && strcmp(s->obj->ns, ns))
			continue;
		if (svc) {
			struct strbuf e[5] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
					       STRBUF_INIT };
			say("npcheck: '%s' names several Services; add a namespace:\n"
					"  %s/svc/%s\n  %s/svc/%s\n", escape_text_str(&e[0], text),
				escape_text_str(&e[1], svc->obj->ns), escape_text_str(&e[2], name),
				escape_text_str(&e[3], s->obj->ns), escape_text_str(&e[4], name));
			for (size_t k = 0; k < ARRAY_SIZE(e); k++)
				strbuf_release(&e[k]);
			return -1;
		}
		svc = s;
	}
	if (!svc) {
		struct strbuf e = STRBUF_INIT;
		say("npcheck: no Service named '%s'\n", escape_text_str(&e, text));
		strbuf_release(&e);
		return -1;
	}
	out->svc = svc;
	if (svc->has_selector && svc->selector.n) {
		struct selector sel = { 0 };
		sel.ml = svc->selector.kv;
		sel.nml = svc->selector.n;
		for (size_t i = 0; i < m->nendpoints; i++) {
			const struct endpoint *e = m->endpoints[i];
			if (!strcmp(e->ns, svc->obj->ns) && selector_matches(&sel, &e->labels)) {
				struct sref r = { .ep = e };
				push(out, &r);
			}
		}
	}
	if (!out->n) {
		struct strbuf e = STRBUF_INIT, f = STRBUF_INIT;
		say("npcheck: Service '%s/%s' selects no endpoint in the input\n",
			escape_text_str(&e, svc->obj->ns), escape_text_str(&f, name));
		strbuf_release(&e);
		strbuf_release(&f);
		return -1;
	}
	return 0;
}

/* An IP address is an external endpoint, or the pod that has it. */
static bool resolve_ip(const struct model *m, const char *text, struct query_target *out)
{
	struct sref ip = { 0 };
	if (ip_parse(text, false, &ip.family, &ip.lo))
		return false;
	/* An IPv4-mapped address is IPv4 traffic, as ipBlocks are read (cidr_unmap). */
	ip_unmap(&ip.family, &ip.lo);
	ip.hi = ip.lo;
	for (size_t i = 0; i < m->nendpoints; i++)
		for (size_t j = 0; j < m->endpoints[i]->nips; j++)
			if (m->endpoints[i]->ips[j].family == ip.family &&
			    m->endpoints[i]->ips[j].addr == ip.lo)
				ip.ep = m->endpoints[i];
	push(out, &ip);
	return true;
}

/* The first endpoint whose display name is not before key: endpoints are sorted by
 * display name in strcmp order (model.c), and each name starts with "NS/", so that
 * one namespace's endpoints are a run. A search reads a few endpoints, not all. */
static size_t first_display_from(const struct model *m, const char *key)
{
	size_t lo = 0, hi = m->nendpoints;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->endpoints[mid]->display, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* An endpoint as printed, a class of a split owner ("NS/NAME[KIND]{a,b}") included. */
static bool resolve_display(const struct model *m, const char *text, struct query_target *out)
{
	size_t i = first_display_from(m, text);
	if (i < m->nendpoints && !strcmp(m->endpoints[i]->display, text)) {
		struct sref r = { .ep = m->endpoints[i] };
		push(out, &r);
		return true;
	}
	return false;
}

static void add_cand(const struct endpoint ***cands, size_t *nc, const struct endpoint *e)
{
	*cands = xrealloc(*cands, sizeof(**cands) * (*nc + 1));
	(*cands)[(*nc)++] = e;
}

static void add_cand_once(const struct endpoint ***cands, size_t *nc, const struct endpoint *e)
{
	bool dup = false;
	for (size_t k = 0; k < *nc; k++)
		dup |= (*cands)[k] == e;
	if (!dup)
		add_cand(cands, nc, e);
}

/* The endpoints NAME (in NS, of KIND, either optional) may stand for; if several and
 * no NS was given, those in DEFAULT_NS are preferred. */
static size_t find_candidates(const struct model *m, const char *ns, const char *kind,
			      const char *name, const char *default_ns,
			      const struct endpoint ***candsp)
{
	const struct endpoint **cands = NULL;
	size_t nc = 0, from = 0, to = m->nendpoints;
	if (ns) {
		/* NS's run of endpoints: those whose display name starts with "NS/". */
		size_t len = strlen(ns);
		char *prefix = xmalloc(len + 2);
		memcpy(prefix, ns, len);
		memcpy(prefix + len, "/", 2);
		from = to = first_display_from(m, prefix);
		while (to < m->nendpoints && !strncmp(m->endpoints[to]->display, prefix, len + 1))
			to++;
		free(prefix);
	}
	for (size_t i = from; i < to; i++) {
		const struct endpoint *e = m->endpoints[i];
		if (ns && strcmp(e->ns, ns))
			continue;
		/* A split owner's name stands for all of its classes (the answer differs). */
		bool by_name = !strcmp(e->name, name) && (!kind || !strcmp(e->kind, kind));
		bool by_owner = e->split && !strcmp(e->owner_name, name) &&
				(!kind || !strcmp(e->owner_kind, kind));
		if (!by_name && !by_owner)
			continue;
		add_cand(&cands, &nc, e);
	}
	if (nc == 0 && (!kind || !strcmp(kind, "Pod"))) {
		/* A pod of a folded owner (a StatefulSet's replica, say) by its name: the
		 * endpoint of its class. */
		for (size_t i = 0; i < m->nendpoints; i++) {
			const struct endpoint *e = m->endpoints[i];
			if (ns && strcmp(e->ns, ns))
				continue;
			for (size_t k = 0; k < e->npod_names; k++)
				if (!strcmp(e->pods[k], name)) {
					add_cand(&cands, &nc, e);
					break;
				}
		}
	}
	if (nc == 0) {
		/* A Pod (or workload) folded into its owner is found by its own name too, as
		 * `kubectl get pods` shows it. */
		for (size_t i = 0; i < m->nobjects; i++) {
			const struct object *o = m->objects[i];
			const struct endpoint *e = o->endpoint;
			if (!e || o->invalid || !o->name || strcmp(o->name, name) ||
			    (ns && strcmp(o->ns, ns)) || (kind && strcmp(o->kind, kind)) ||
			    e->host_network)
				continue;
			add_cand_once(&cands, &nc, e);
		}
	}
	if (nc == 0) {
		/* A generateName prefix ("web-") names the objects generated from it: no real
		 * name ends in a dash. */
		size_t nl = strlen(name);
		for (size_t i = 0; i < m->nobjects; i++) {
			const struct object *o = m->objects[i];
			const struct endpoint *e = o->endpoint;
			if (!e || o->invalid || !o->generated || strncmp(o->name, name, nl) ||
			    o->name[nl] != '<' || (ns && strcmp(o->ns, ns)) ||
			    (kind && strcmp(o->kind, kind)) || e->host_network)
				continue;
			add_cand_once(&cands, &nc, e);
		}
	}
	if (nc > 1 && !ns && default_ns) {
		size_t k = 0;
		for (size_t i = 0; i < nc; i++)
			if (!strcmp(cands[i]->ns, default_ns))
				cands[k++] = cands[i];
		if (k)
			nc = k;
	}
	*candsp = cands;
	return nc;
}

/* The one candidate into OUT (0), or why there is none or no single one (-1). */
static int pick_candidate(const struct model *m, const char *text, const char *ns,
			  const char *name, const struct endpoint **cands, size_t nc,
			  struct query_target *out, struct strbuf *e1, struct strbuf *e2)
{
	if (nc == 1) {
		struct sref r = { .ep = cands[0] };
		push(out, &r);
		return 0;
	}
	if (nc > 1) {
		say("npcheck: '%s' matches %zu endpoints; name one of:\n",
			escape_text_str(e1, text), nc);
		for (size_t i = 0; i < nc; i++)
			say("  %s\n", escape_text_str(e2, cands[i]->display));
		return -1;
	}
	bool host = false;
	for (size_t i = 0; i < m->nhost_net; i++)
		if (!strcmp(m->host_net[i]->name, name) && (!ns || !strcmp(m->host_net[i]->ns, ns)))
			host = true;
	if (host)
		say("npcheck: '%s' uses hostNetwork: its traffic is node traffic, "
				"which NetworkPolicy does not govern\n", escape_text_str(e1, text));
	else
		suggest(m, text, name);
	return -1;
}

int query_resolve(const struct model *m, const char *text, const char *default_ns,
		  bool allow_service, struct query_target *out)
{
	char *copy, *parts[3] = { NULL, NULL, NULL };
	const char *ns = NULL, *kind = NULL, *name = NULL;
	size_t nparts = 0;
	int rc = -1;
	struct strbuf e1 = STRBUF_INIT, e2 = STRBUF_INIT; /* names in messages, escaped */

	memset(out, 0, sizeof(*out));
	if (resolve_ip(m, text, out) || resolve_display(m, text, out))
		return 0;
	copy = xstrdup(text);
	/* NS/NAME[KIND] */
	size_t len = strlen(copy);
	if (len > 2 && copy[len - 1] == ']') {
		char *lb = strrchr(copy, '[');
		if (lb) {
			copy[len - 1] = '\0';
			*lb = '\0';
			kind = lb + 1;
		}
	}
	for (char *p = copy, *slash; nparts < 3; p = slash + 1) {
		parts[nparts++] = p;
		slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		if (nparts == 3) {
			say("npcheck: cannot read endpoint '%s'\n", escape_text_str(&e1, text));
			goto out;
		}
	}
	/* svc/NAME or NS/svc/NAME: the endpoints behind a Service. */
	if (nparts >= 2 && is_service_word(parts[nparts - 2])) {
		if (!allow_service)
			say("npcheck: a Service can only be a destination: '%s'\n",
				escape_text_str(&e1, text));
		else
			rc = resolve_service(m, nparts == 3 ? parts[0] : NULL, parts[nparts - 1], text,
					     out);
		goto out;
	}
	if (nparts == 1) {
		name = parts[0];
	} else if (nparts == 2) {
		const char *k = kind_of(parts[0]);
		if (k && !kind && !model_namespace(m, parts[0])) {
			kind = k;
		} else {
			ns = parts[0];
		}
		name = parts[1];
	} else {
		ns = parts[0];
		kind = kind_of(parts[1]);
		if (!kind) {
			say("npcheck: unknown kind '%s' in '%s'\n",
				escape_text_str(&e2, parts[1]), escape_text_str(&e1, text));
			goto out;
		}
		name = parts[2];
	}
	if (kind && kind_of(kind))
		kind = kind_of(kind);

	const struct endpoint **cands = NULL;
	size_t nc = find_candidates(m, ns, kind, name, default_ns, &cands);
	rc = pick_candidate(m, text, ns, name, cands, nc, out, &e1, &e2);
	free(cands);
out:
	strbuf_release(&e1);
	strbuf_release(&e2);
	free(copy);
	if (rc)
		query_target_release(out);
	return rc;
}

int query_resolve_quiet(const struct model *m, const char *text, const char *default_ns,
			bool allow_service, struct query_target *out)
{
	quiet = true;
	int rc = query_resolve(m, text, default_ns, allow_service, out);
	quiet = false;
	return rc;
}

void query_target_release(struct query_target *t)
{
	free(t->refs);
	memset(t, 0, sizeof(*t));
}

int query_parse_ports(const char *text, struct portset *out)
{
	const char *p = text;
	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi;
		if (end == p || lo < PORT_MIN || lo > PORT_MAX)
			return -1;
		hi = lo;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			if (end == p + 1 || hi < lo || hi > PORT_MAX)
				return -1;
			p = end;
		}
		portset_add_range(out, (int)lo, (int)hi);
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return portset_is_empty(out) ? -1 : 0;
}

int query_parse_protocols(const char *text, bool out[PROTO__COUNT], const char **bad)
{
	static char word[32];
	memset(out, 0, sizeof(bool) * PROTO__COUNT);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(word)) {
			*bad = text;
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		int pr = proto_parse(word);
		if (pr < 0) {
			*bad = word;
			return !strcasecmp(word, "ICMP") || !strcasecmp(word, "ICMPv6") ||
			       !strcasecmp(word, "ARP") || !strcasecmp(word, "GRE") ||
			       !strcasecmp(word, "ESP") || !strcasecmp(word, "IGMP") ? -2 : -1;
		}
		out[pr] = true;
		p += n + (p[n] == ',');
	}
	return 0;
}

/* Lint family "dns": missing-dns-egress, decided by the solver on the whole connection
 * (the pod's egress and the DNS pods' ingress) from every endpoint to cluster DNS. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

#define DNS_PORT 53

/* The two connections a lookup needs, as bits: UDP first, TCP for large answers. */
#define DNS_UDP 1u
#define DNS_TCP 2u
#define DNS_BOTH (DNS_UDP | DNS_TCP)

/*
 * When the input holds no DNS pods, a stand-in for them: CoreDNS as kubeadm and most
 * distributions deploy it, so that rules naming its container ports resolve.
 */
static const struct container_port coredns_ports[] = {
	{ "dns", PROTO_UDP, DNS_PORT, NULL },
	{ "dns-tcp", PROTO_TCP, DNS_PORT, NULL },
	{ "metrics", PROTO_TCP, 9153, NULL },
};

/* A DNS pod as a destination: what its ingress lets through, per source. */
struct dns_pod {
	const struct endpoint *ep;      /* an endpoint of the input, or the stand-in */
	const struct policy *isolating; /* first policy (input order) isolating its ingress */
	unsigned all;                   /* DNS_* bits its ingress allows from every source */
	uint8_t *from;                  /* per source endpoint: further DNS_* bits allowed;
					 * NULL when not isolated (everything allowed) */
};

/* What "cluster DNS" is for this run. */
struct dns {
	const char *ns;
	struct labels labels;
	size_t *targets; /* indexes of the DNS endpoints in the input */
	size_t ntargets;
	bool *is_target;
	struct dns_pod *pods; /* the targets, or the stand-in alone */
	size_t npods;
	/* No DNS pod in the input: a synthetic one, in a view of the model that holds its
	 * namespace even when the input does not. */
	struct endpoint syn;
	struct container_port syn_ports[ARRAY_SIZE(coredns_ports)];
	struct model view;
	struct namespace syn_ns;
	struct kv syn_ns_label;
	char *desc;      /* heap: "pods 'k8s-app=kube-dns' in namespace 'kube-system'", plus
			  * the configured addresses */
	size_t pods_len; /* the length of its part naming the pods */
};

static void dns_init(struct lint_ctx *c, struct dns *dns)
{
	const struct config *cfg = c->cfg;
	const struct model *m = c->m;
	struct strbuf sb = STRBUF_INIT;

	memset(dns, 0, sizeof(*dns));
	dns->ns = cfg->dns_namespace && *cfg->dns_namespace ? cfg->dns_namespace : "kube-system";
	size_t n = cfg->ndns_labels ? cfg->ndns_labels : 1;
	dns->labels.kv = arena_alloc(c->arena, sizeof(struct kv) * n);
	dns->labels.n = n;
	for (size_t i = 0; i < n; i++) {
		dns->labels.kv[i].key = cfg->ndns_labels ? cfg->dns_label_keys[i] : "k8s-app";
		dns->labels.kv[i].val = cfg->ndns_labels ? cfg->dns_label_values[i] : "kube-dns";
	}

	dns->is_target = xcalloc(m->nendpoints + 1, sizeof(*dns->is_target));
	dns->targets = xcalloc(m->nendpoints + 1, sizeof(*dns->targets));
	for (size_t i = 0; i < m->nendpoints; i++) {
		const struct endpoint *e = m->endpoints[i];
		bool hit = !strcmp(e->ns, dns->ns);
		for (size_t k = 0; hit && k < dns->labels.n; k++) {
			const char *v = labels_get(&e->labels, dns->labels.kv[k].key);
			hit = v && !strcmp(v, dns->labels.kv[k].val);
		}
		if (hit) {
			dns->is_target[i] = true;
			dns->targets[dns->ntargets++] = i;
		}
	}

	dns->view = *m;
	dns->view.namespaces = NULL;
	if (!dns->ntargets) {
		const struct namespace *ns = model_namespace(m, dns->ns);
		memcpy(dns->syn_ports, coredns_ports, sizeof(coredns_ports));
		dns->syn.ns = dns->ns;
		dns->syn.name = dns->syn.kind = dns->syn.display = "cluster DNS";
		dns->syn.labels = dns->labels;
		dns->syn.ports = dns->syn_ports;
		dns->syn.nports = ARRAY_SIZE(coredns_ports);
		dns->syn.index = -1;
		if (ns) {
			dns->syn.ns_index = ns->index;
		} else {
			/* "Every namespace carries kubernetes.io/metadata.name". */
			dns->syn_ns_label.key = "kubernetes.io/metadata.name";
			dns->syn_ns_label.val = dns->ns;
			dns->syn_ns.name = dns->ns;
			dns->syn_ns.labels.kv = &dns->syn_ns_label;
			dns->syn_ns.labels.n = 1;
			dns->syn_ns.index = (int)m->nnamespaces;
			dns->view.namespaces = xmalloc(sizeof(*dns->view.namespaces) * (m->nnamespaces + 1));
			if (m->nnamespaces)
				memcpy(dns->view.namespaces, m->namespaces,
				       sizeof(*m->namespaces) * m->nnamespaces);
			dns->view.namespaces[m->nnamespaces] = &dns->syn_ns;
			dns->view.nnamespaces = m->nnamespaces + 1;
			dns->syn.ns_index = dns->syn_ns.index;
		}
	}

	strbuf_addstr(&sb, "pods '");
	for (size_t k = 0; k < dns->labels.n; k++)
		strbuf_addf(&sb, "%s%s=%s", k ? "," : "", dns->labels.kv[k].key, dns->labels.kv[k].val);
	strbuf_addf(&sb, "' in namespace '%s'", dns->ns);
	dns->pods_len = sb.len;
	for (size_t i = 0; i < cfg->ndns_ips; i++) {
		char buf[IP_BUFLEN];
		strbuf_addf(&sb, "%s%s", i + 1 == cfg->ndns_ips ? " or " : ", ",
			    ip_format(cfg->dns_ips[i].family, cfg->dns_ips[i].lo, buf));
	}
	dns->desc = strbuf_detach(&sb);
}

static void dns_release(struct dns *dns)
{
	for (size_t i = 0; i < dns->npods; i++)
		free(dns->pods[i].from);
	free(dns->pods);
	free(dns->is_target);
	free(dns->targets);
	free(dns->view.namespaces);
	free(dns->desc);
}

static unsigned dns_bits(const struct connset *cs)
{
	return (connset_contains(cs, PROTO_UDP, DNS_PORT) ? DNS_UDP : 0) |
	       (connset_contains(cs, PROTO_TCP, DNS_PORT) ? DNS_TCP : 0);
}

/*
 * What the ingress rules of a DNS pod allow, read the other way round: from each rule's
 * peer set (the solver's) the sources it lets reach port 53 of the pod. This touches
 * the peer sets of the DNS pods' rules only, never every source against every rule.
 */
static void pod_ingress(const struct lint_ctx *c, struct dns_pod *d, const size_t *rules,
			size_t nrules)
{
	const struct solver *s = &c->s;
	struct sref to = { .ep = d->ep };
	struct connset ports;

	d->from = xcalloc(s->nep + 1, sizeof(*d->from));
	connset_init(&ports);
	for (size_t i = 0; i < nrules; i++) {
		const struct srule *r = &s->rules[rules[i]];
		solver_rule_ports(s, r, &to, &ports);
		unsigned bits = dns_bits(&ports);
		if (!bits)
			continue;
		if (r->all_peers) {
			d->all |= bits;
			continue;
		}
		EPSET_FOREACH(&r->eps, s->nep, e)
			d->from[e] |= (uint8_t)bits;
	}
	connset_release(&ports);
}

/* The DNS pods and what their ingress allows. The stand-in is selected by the input's
 * policies of its namespace as a CoreDNS pod would be. */
static void dns_pods_init(const struct lint_ctx *c, struct dns *dns)
{
	const struct solver *s = &c->s;
	const struct model *m = c->m;

	dns->npods = dns->ntargets ? dns->ntargets : 1;
	dns->pods = xcalloc(dns->npods, sizeof(*dns->pods));
	for (size_t i = 0; i < dns->ntargets; i++) {
		struct dns_pod *d = &dns->pods[i];
		const struct sendpoint *se = &s->eps[dns->targets[i]];
		d->ep = m->endpoints[dns->targets[i]];
		if (!se->isolated[DIR_INGRESS])
			continue;
		d->isolating = se->policies[DIR_INGRESS][0];
		pod_ingress(c, d, se->rules[DIR_INGRESS], se->nrules[DIR_INGRESS]);
	}
	if (dns->ntargets)
		return;

	struct dns_pod *d = &dns->pods[0];
	size_t *rules = NULL, n = 0, cap = 0;
	d->ep = &dns->syn;
	for (size_t pi = 0; pi < m->npolicies; pi++) {
		const struct policy *p = m->policies[pi];
		if (p->invalid || !p->types[DIR_INGRESS] || !solver_policy_selects(p, &dns->syn))
			continue;
		if (!d->isolating)
			d->isolating = p;
		/* The solver lays out a policy's rules together, from first_rule. */
		for (size_t r = c->first_rule[pi]; r < s->nrules && s->rules[r].policy == p; r++) {
			if (s->rules[r].dir != DIR_INGRESS)
				continue;
			XGROW(rules, cap, n + 1);
			rules[n++] = r;
		}
	}
	if (d->isolating)
		pod_ingress(c, d, rules, n);
	free(rules);
}

/* What DNS pod d's ingress allows from source e. */
static unsigned pod_allows(const struct dns_pod *d, size_t e)
{
	return d->from ? d->all | d->from[e] : DNS_BOTH;
}

/*
 * What src's egress allows towards each DNS pod (eg[i] for dns->pods[i]) and towards the
 * configured addresses (*ip), as DNS_* bits.
 */
static void pod_egress(const struct lint_ctx *c, const struct dns *dns,
		       const struct endpoint *src, unsigned *eg, unsigned *ip)
{
	const struct solver *s = &c->s;
	struct sref from = { .ep = src };
	struct connset got, tmp;

	connset_init(&got);
	connset_init(&tmp);
	for (size_t i = 0; i < dns->ntargets; i++) {
		struct sref to = { .ep = dns->pods[i].ep };
		solver_direction(s, DIR_EGRESS, &from, &to, &got);
		eg[i] = dns_bits(&got);
	}
	if (!dns->ntargets) {
		/* The union of src's egress rules whose peers match the stand-in. */
		const struct model *view = dns->view.namespaces ? &dns->view : c->m;
		const struct sendpoint *se = &s->eps[src->index];
		struct sref to = { .ep = &dns->syn };
		connset_clear(&got);
		for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++) {
			const struct srule *r = &s->rules[se->rules[DIR_EGRESS][i]];
			bool hit = r->all_peers;
			for (size_t k = 0; !hit && k < r->rule->npeers; k++)
				hit = solver_peer_matches_endpoint(view, r->policy, &r->rule->peers[k],
								   &dns->syn);
			if (!hit)
				continue;
			solver_rule_ports(s, r, &to, &tmp);
			connset_union(&got, &tmp);
		}
		eg[0] = dns_bits(&got);
	}
	/* NodeLocal DNSCache: addresses outside every pod, so no pod's ingress decides. */
	*ip = 0;
	for (size_t i = 0; i < c->cfg->ndns_ips; i++) {
		const struct cidr *a = &c->cfg->dns_ips[i];
		struct sref to = { .ep = NULL, .family = a->family, .lo = a->lo, .hi = a->hi };
		solver_direction(s, DIR_EGRESS, &from, &to, &got);
		*ip |= dns_bits(&got);
	}
	connset_release(&tmp);
	connset_release(&got);
}

/* A finding: which protocol, and which side of the connection denies it. */
enum dns_miss { MISS_UDP_EGRESS, MISS_UDP_INGRESS, MISS_TCP_EGRESS, MISS_TCP_INGRESS };

static void report_group(struct lint_ctx *c, const struct dns *dns, const struct policy *p,
			 enum dns_miss kind, const char **names, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	int pods = (int)dns->pods_len;
	const char *pname = p->obj->name ? p->obj->name : "";

	lint_add_names(&sb, names, n);
	switch (kind) {
	case MISS_UDP_EGRESS:
		lint_report(c, RULE_MISSING_DNS_EGRESS, NULL, p->obj,
			    "egress to cluster DNS on UDP port 53 is denied for %s: no rule allows "
			    "it to %s", sb.buf, dns->desc);
		break;
	case MISS_UDP_INGRESS:
		lint_report(c, RULE_MISSING_DNS_EGRESS, NULL, p->obj,
			    "ingress to cluster DNS on UDP port 53 is denied for %s: policy '%s/%s' "
			    "isolates %.*s and no ingress rule allows it from them", sb.buf,
			    p->obj->ns, pname, pods, dns->desc);
		break;
	case MISS_TCP_EGRESS:
		lint_report_sev(c, RULE_MISSING_DNS_EGRESS, SEV_INFO, NULL, p->obj,
				"egress to cluster DNS on TCP port 53 is denied for %s: only UDP is "
				"allowed, and answers too large for UDP are retried over TCP", sb.buf);
		break;
	case MISS_TCP_INGRESS:
		lint_report_sev(c, RULE_MISSING_DNS_EGRESS, SEV_INFO, NULL, p->obj,
				"ingress to cluster DNS on TCP port 53 is denied for %s: policy "
				"'%s/%s' isolates %.*s, whose ingress allows only UDP from them, and "
				"answers too large for UDP are retried over TCP", sb.buf, p->obj->ns,
				pname, pods,
				dns->desc);
		break;
	}
	strbuf_release(&sb);
}

/* An endpoint missing DNS, keyed by where its finding goes. */
struct group {
	size_t policy; /* index in m->policies */
	enum dns_miss kind;
	size_t ep;
};

static int group_cmp(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	if (a->policy != b->policy)
		return a->policy < b->policy ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return (a->ep > b->ep) - (a->ep < b->ep);
}

/*
 * Sources by the policies isolating their egress: the solver gives every endpoint
 * selected by the same policies the same egress rules, so its egress towards DNS is
 * computed once per such set.
 */
struct src {
	const struct sendpoint *se;
	size_t ep;
};

static int src_cmp(const void *pa, const void *pb)
{
	const struct src *sa = pa, *sb = pb;
	const struct sendpoint *a = sa->se, *b = sb->se;
	if (a->npolicies[DIR_EGRESS] != b->npolicies[DIR_EGRESS])
		return a->npolicies[DIR_EGRESS] < b->npolicies[DIR_EGRESS] ? -1 : 1;
	for (size_t i = 0; i < a->npolicies[DIR_EGRESS]; i++) {
		uintptr_t x = (uintptr_t)a->policies[DIR_EGRESS][i];
		uintptr_t y = (uintptr_t)b->policies[DIR_EGRESS][i];
		if (x != y)
			return x < y ? -1 : 1;
	}
	return (sa->ep > sb->ep) - (sa->ep < sb->ep);
}

static bool same_egress(const struct sendpoint *x, const struct sendpoint *y)
{
	return x->npolicies[DIR_EGRESS] == y->npolicies[DIR_EGRESS] &&
	       (!x->npolicies[DIR_EGRESS] ||
		!memcmp(x->policies[DIR_EGRESS], y->policies[DIR_EGRESS],
			sizeof(*x->policies[DIR_EGRESS]) * x->npolicies[DIR_EGRESS]));
}

/*
 * The findings for one source, given what its egress allows (eg per DNS pod, ip to the
 * configured addresses). A lookup works over a protocol when some DNS destination is
 * allowed by both sides. When none is, each side that denies is reported: the egress
 * when it allows no DNS destination, the ingress when it denies every DNS pod or every
 * one the egress allows. UDP is reported alone when it fails, TCP only when UDP works.
 */
static size_t judge(const struct lint_ctx *c, const struct dns *dns, size_t e, const unsigned *eg,
		    unsigned ip, struct group *out)
{
	unsigned works = ip, eg_any = ip, in_any = 0;
	size_t n = 0;

	for (size_t i = 0; i < dns->npods; i++) {
		unsigned in = pod_allows(&dns->pods[i], e);
		works |= eg[i] & in;
		eg_any |= eg[i];
		in_any |= in;
	}
	unsigned b = !(works & DNS_UDP) ? DNS_UDP : !(works & DNS_TCP) ? DNS_TCP : 0;
	if (!b)
		return 0;
	if (!(eg_any & b))
		out[n++] = (struct group){
			lint_policy_index(c, c->s.eps[e].policies[DIR_EGRESS][0]),
			b == DNS_UDP ? MISS_UDP_EGRESS : MISS_TCP_EGRESS, e };
	if ((eg_any & b) || !(in_any & b)) {
		/* Name the policy of the first DNS pod the egress reaches and the ingress
		 * refuses, else of the first DNS pod (all of them refuse). */
		const struct dns_pod *d = NULL;
		for (size_t i = 0; !d && i < dns->npods; i++)
			if ((eg[i] & b) && !(pod_allows(&dns->pods[i], e) & b))
				d = &dns->pods[i];
		for (size_t i = 0; !d && i < dns->npods; i++)
			if (!(pod_allows(&dns->pods[i], e) & b))
				d = &dns->pods[i];
		if (!d || !d->isolating)
			BUG("DNS denied by an ingress that isolates nothing");
		out[n++] = (struct group){ lint_policy_index(c, d->isolating),
					   b == DNS_UDP ? MISS_UDP_INGRESS : MISS_TCP_INGRESS, e };
	}
	return n;
}

void lint_dns_run(struct lint_ctx *c)
{
	const struct model *m = c->m;
	const struct solver *s = &c->s;
	struct dns dns;

	dns_init(c, &dns);
	dns_pods_init(c, &dns);

	/* Every source but the DNS pods, grouped by the policies isolating their egress. */
	struct src *order = xmalloc(sizeof(*order) * (m->nendpoints + 1));
	size_t norder = 0;
	for (size_t i = 0; i < m->nendpoints; i++)
		if (!dns.is_target[i])
			order[norder++] = (struct src){ &s->eps[i], i };
	if (norder > 1)
		qsort(order, norder, sizeof(*order), src_cmp);

	unsigned *eg = xmalloc(sizeof(*eg) * dns.npods);
	unsigned ip = DNS_BOTH;
	struct group *g = xmalloc(sizeof(*g) * (2 * m->nendpoints + 1));
	size_t ng = 0;
	for (size_t k = 0; k < norder; k++) {
		const struct src *o = &order[k];
		if (k == 0 || !same_egress(order[k - 1].se, o->se)) {
			if (o->se->isolated[DIR_EGRESS]) {
				pod_egress(c, &dns, m->endpoints[o->ep], eg, &ip);
			} else {
				for (size_t i = 0; i < dns.npods; i++)
					eg[i] = DNS_BOTH;
				ip = c->cfg->ndns_ips ? DNS_BOTH : 0;
			}
		}
		ng += judge(c, &dns, o->ep, eg, ip, &g[ng]);
	}

	/* One finding per policy, protocol and side: at the first policy (input order)
	 * isolating the endpoints' egress, or the DNS pods' ingress, naming the endpoints. */
	const char **names = xmalloc(sizeof(*names) * (m->nendpoints + 1));
	if (ng > 1)
		qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t a = 0, b; a < ng; a = b) {
		size_t n = 0;
		for (b = a; b < ng && g[b].policy == g[a].policy && g[b].kind == g[a].kind; b++)
			names[n++] = m->endpoints[g[b].ep]->display;
		report_group(c, &dns, m->policies[g[a].policy], g[a].kind, names, n);
	}
	free(names);
	free(g);
	free(eg);
	free(order);
	dns_release(&dns);
}

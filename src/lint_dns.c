/* Lint family "dns": missing-dns-egress, decided by the solver for every endpoint
 * isolated for egress, against the cluster DNS pods and NodeLocal DNSCache addresses. */
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

#define DNS_PORT 53

/*
 * When the input holds no DNS pods, a stand-in for them: CoreDNS as kubeadm and most
 * distributions deploy it, so that rules naming its container ports resolve.
 */
static const struct container_port coredns_ports[] = {
	{ "dns", PROTO_UDP, DNS_PORT, NULL },
	{ "dns-tcp", PROTO_TCP, DNS_PORT, NULL },
	{ "metrics", PROTO_TCP, 9153, NULL },
};

/* What "cluster DNS" is for this run. */
struct dns {
	const char *ns;
	struct labels labels;
	size_t *targets; /* indexes of the DNS endpoints in the input */
	size_t ntargets;
	bool *is_target;
	/* No DNS pod in the input: a synthetic one, in a view of the model that holds its
	 * namespace even when the input does not. */
	struct endpoint syn;
	struct container_port syn_ports[ARRAY_SIZE(coredns_ports)];
	struct model view;
	struct namespace syn_ns;
	struct kv syn_ns_label;
	char *desc; /* heap: "pods 'k8s-app=kube-dns' in namespace 'kube-system'" */
};

static void dns_init(struct lint_ctx *c, struct dns *dns)
{
	const struct config *cfg = c->cfg;
	const struct model *m = c->m;
	struct strbuf sb = STRBUF_INIT;

	memset(dns, 0, sizeof(*dns));
	dns->ns = cfg->dns_namespace && *cfg->dns_namespace ? cfg->dns_namespace : "kube-system";
	size_t n = cfg->ndns_labels ? cfg->ndns_labels : 1;
	dns->labels.kv = arena_alloc(m->arena, sizeof(struct kv) * n);
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
	for (size_t i = 0; i < cfg->ndns_ips; i++) {
		char buf[IP_BUFLEN];
		strbuf_addf(&sb, "%s%s", i + 1 == cfg->ndns_ips ? " or " : ", ",
			    ip_format(cfg->dns_ips[i].family, cfg->dns_ips[i].lo, buf));
	}
	dns->desc = strbuf_detach(&sb);
}

static void dns_release(struct dns *dns)
{
	free(dns->is_target);
	free(dns->targets);
	free(dns->view.namespaces);
	free(dns->desc);
}

/* Everything src's egress allows towards cluster DNS, into got. */
static void dns_egress(const struct lint_ctx *c, const struct dns *dns, const struct endpoint *src,
		       struct connset *got)
{
	const struct solver *s = &c->s;
	struct sref from = { .ep = src };
	struct connset tmp;

	connset_init(&tmp);
	connset_clear(got);
	for (size_t i = 0; i < dns->ntargets; i++) {
		struct sref to = { .ep = c->m->endpoints[dns->targets[i]] };
		solver_direction(s, DIR_EGRESS, &from, &to, &tmp);
		connset_union(got, &tmp);
	}
	if (!dns->ntargets) {
		/* The union of src's egress rules whose peers match the stand-in. */
		const struct model *view = dns->view.namespaces ? &dns->view : c->m;
		const struct sendpoint *se = &s->eps[src->index];
		struct sref to = { .ep = &dns->syn };
		for (size_t i = 0; i < se->nrules[DIR_EGRESS]; i++) {
			const struct srule *r = &s->rules[se->rules[DIR_EGRESS][i]];
			bool hit = r->all_peers;
			for (size_t k = 0; !hit && k < r->rule->npeers; k++)
				hit = solver_peer_matches_endpoint(view, r->policy, &r->rule->peers[k],
								   &dns->syn);
			if (!hit)
				continue;
			solver_rule_ports(s, r, &to, &tmp);
			connset_union(got, &tmp);
		}
	}
	/* NodeLocal DNSCache: addresses outside every pod. */
	for (size_t i = 0; i < c->cfg->ndns_ips; i++) {
		const struct cidr *ip = &c->cfg->dns_ips[i];
		struct sref to = { .ep = NULL, .family = ip->family, .lo = ip->lo, .hi = ip->hi };
		solver_direction(s, DIR_EGRESS, &from, &to, &tmp);
		connset_union(got, &tmp);
	}
	connset_release(&tmp);
}

/* The two findings, one per protocol: UDP at the rule's severity, TCP at info. */
enum dns_miss { MISS_NONE, MISS_UDP, MISS_TCP };

static void report_group(struct lint_ctx *c, const struct dns *dns, const struct policy *p,
			 enum dns_miss kind, const char **names, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	lint_add_names(&sb, names, n);
	if (kind == MISS_UDP)
		lint_report(c, RULE_MISSING_DNS_EGRESS, NULL, p->obj,
			    "egress to cluster DNS on UDP port 53 is denied for %s: no rule allows "
			    "it to %s", sb.buf, dns->desc);
	else
		lint_report_sev(c, RULE_MISSING_DNS_EGRESS, SEV_INFO, NULL, p->obj,
				"egress to cluster DNS on TCP port 53 is denied for %s: only UDP is "
				"allowed, and answers too large for UDP are retried over TCP", sb.buf);
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

void lint_dns_run(struct lint_ctx *c)
{
	const struct model *m = c->m;
	struct dns dns;
	struct connset got;
	enum dns_miss *miss = xcalloc(m->nendpoints + 1, sizeof(*miss));
	const char **names = xmalloc(sizeof(*names) * (m->nendpoints + 1));

	dns_init(c, &dns);
	connset_init(&got);
	for (size_t i = 0; i < m->nendpoints; i++) {
		if (!c->s.eps[i].isolated[DIR_EGRESS] || dns.is_target[i])
			continue;
		dns_egress(c, &dns, m->endpoints[i], &got);
		if (!connset_contains(&got, PROTO_UDP, DNS_PORT))
			miss[i] = MISS_UDP;
		else if (!connset_contains(&got, PROTO_TCP, DNS_PORT))
			miss[i] = MISS_TCP;
	}
	connset_release(&got);

	/* One finding per policy and protocol, at the first policy (input order) that
	 * isolates each endpoint's egress, naming the endpoints. */
	struct group *g = xmalloc(sizeof(*g) * (m->nendpoints + 1));
	size_t ng = 0;
	for (size_t i = 0; i < m->nendpoints; i++)
		if (miss[i] != MISS_NONE)
			g[ng++] = (struct group){ lint_policy_index(c, c->s.eps[i].policies[DIR_EGRESS][0]),
						  miss[i], i };
	if (ng > 1)
		qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t a = 0, b; a < ng; a = b) {
		size_t n = 0;
		for (b = a; b < ng && g[b].policy == g[a].policy && g[b].kind == g[a].kind; b++)
			names[n++] = m->endpoints[g[b].ep]->display;
		report_group(c, &dns, m->policies[g[a].policy], g[a].kind, names, n);
	}
	free(g);
	free(names);
	free(miss);
	dns_release(&dns);
}

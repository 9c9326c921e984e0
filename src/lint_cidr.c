/* Lint family "cidr": ipBlocks held against their canonical form and the cluster's own
 * addresses (pod, Service and node CIDRs, pod IPs, Service cluster IPs). */
#include <string.h>

#include "lint_int.h"

/* What cidr_parse found non-canonical, in words. */
static const struct {
	int flag;
	const char *what;
} cidr_flaws[] = {
	{ CIDR_HOST_BITS, "host bits set" },
	{ CIDR_LEADING_ZEROS, "leading zeros" },
	{ CIDR_V4_MAPPED, "an IPv4-mapped IPv6 address" },
};

/* The conventional cluster IP of Service default/kubernetes (the API server). */
#define APISERVER_IP "10.96.0.1"

static const char *cidr_text(struct lint_ctx *c, int family, u128 lo, int prefix)
{
	char buf[IP_BUFLEN];
	return arena_printf(c->arena, "%s/%d", ip_format(family, lo, buf), prefix);
}

static void check_canonical(struct lint_ctx *c, const struct lint_at *at, const char *text,
			    const char *field, const struct ynode *where)
{
	struct cidr x;
	int flags;
	if (!text || cidr_parse(text, &x, &flags) || !flags)
		return;
	const char *what[ARRAY_SIZE(cidr_flaws)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cidr_flaws); i++)
		if (flags & cidr_flaws[i].flag)
			what[n++] = cidr_flaws[i].what;
	/* An IPv4-mapped prefix of at least /96 is an IPv4 CIDR in disguise. */
	const char *canon = (flags & CIDR_V4_MAPPED) && x.prefix >= 96
		? cidr_text(c, AF_V4, x.lo & IPV4_MAX, x.prefix - 96)
		: cidr_text(c, x.family, x.lo, x.prefix);
	struct strbuf sb = STRBUF_INIT;
	lint_add_list(&sb, what, n);
	lint_report(c, RULE_NON_CANONICAL_CIDR, where, at->p->obj,
		    "%s '%s' has %s (strict CIDR validation rejects it); canonical form: %s",
		    field, text, sb.buf, canon);
	strbuf_release(&sb);
}

static bool range_overlaps(const struct ipset *set, u128 lo, u128 hi)
{
	struct ipset r;
	ipset_init(&r, set->family);
	ipset_add_range(&r, lo, hi);
	bool hit = ipset_overlaps(set, &r);
	ipset_release(&r);
	return hit;
}

/* The first known pod IP at or above (family, lo). */
static size_t first_ip(const struct lint_ctx *c, int family, u128 lo)
{
	size_t a = 0, b = c->s.nips;
	while (a < b) {
		size_t mid = (a + b) / 2;
		const struct ep_ip *x = &c->s.ips[mid];
		if (x->family < family || (x->family == family && x->addr < lo))
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

/* Pod, Service and node addresses the block covers, as "pod CIDR 10.244.0.0/16". */
static void check_in_cluster(struct lint_ctx *c, const struct lint_at *at, const struct ipset *set)
{
	const struct config *cfg = c->cfg;
	const struct {
		const char *what;
		const struct cidr *list;
		size_t n;
	} cidrs[] = {
		{ "pod CIDR", cfg->pod_cidrs, cfg->npod_cidrs },
		{ "service CIDR", cfg->service_cidrs, cfg->nservice_cidrs },
		{ "node CIDR", cfg->node_cidrs, cfg->nnode_cidrs },
	};
	struct lint_list l = { .n = 0 };
	char buf[IP_BUFLEN];

	for (size_t k = 0; k < ARRAY_SIZE(cidrs); k++)
		for (size_t i = 0; i < cidrs[k].n; i++) {
			const struct cidr *x = &cidrs[k].list[i];
			if (x->family == set->family && range_overlaps(set, x->lo, x->hi))
				lint_list_add(c, &l, "%s %s", cidrs[k].what,
					      cidr_text(c, x->family, x->lo, x->prefix));
		}
	/* Known pod IPs, and the node IPs hostNetwork workloads report; past the ones
	 * shown, only counted. */
	for (size_t r = 0; r < set->n; r++) {
		size_t i = first_ip(c, set->family, set->r[r].lo);
		/* One past the range: past the whole family when it ends at its top. */
		size_t end = set->r[r].hi == (set->family == AF_V6 ? IPV6_MAX : IPV4_MAX)
			? first_ip(c, set->family + 1, 0) : first_ip(c, set->family, set->r[r].hi + 1);
		for (; i < end && l.n < LINT_LIST_SHOWN; i++) {
			const struct endpoint *e = c->s.ips[i].endpoint;
			lint_list_add(c, &l, "%s IP %s of '%s'", e->host_network ? "node" : "pod",
				      ip_format(set->family, c->s.ips[i].addr, buf), e->display);
		}
		l.n += end - i;
	}
	if (l.n) {
		struct strbuf sb = STRBUF_INIT;
		lint_list_format(&l, &sb);
		lint_report(c, RULE_IPBLOCK_IN_CLUSTER, at->peer->ipb->cidr_key, at->p->obj,
			    "ipBlock %s overlaps in-cluster addresses (%s): whether pod traffic "
			    "matches it depends on the CNI; select pods and namespaces instead",
			    at->peer->ipb->cidr, sb.buf);
		strbuf_release(&sb);
	}
}

/*
 * Service cluster IPs the block names: "DNAT'd to backend pods before policy". A block
 * names them when it is a single address, or lies inside a configured service CIDR;
 * a wider block (10.0.0.0/8) is ipblock-in-cluster's finding, not a Service's.
 */
static void check_service_ip(struct lint_ctx *c, const struct lint_at *at, const struct ipset *set,
			     const struct cidr *cidr)
{
	const struct model *m = c->m;
	struct lint_list l = { .n = 0 };
	bool apiserver = false, names = cidr->lo == cidr->hi;
	char buf[IP_BUFLEN];
	int fam;
	u128 api;

	for (size_t i = 0; i < c->cfg->nservice_cidrs; i++)
		names |= cidr_contains(&c->cfg->service_cidrs[i], cidr);
	if (!names)
		return;
	if (ip_parse(APISERVER_IP, false, &fam, &api))
		BUG("cannot parse the API server's conventional IP");
	for (size_t i = 0; i < m->nservices; i++) {
		const struct service *s = m->services[i];
		for (size_t j = 0; j < s->ncluster_ips; j++) {
			const struct ip_addr *ip = &s->cluster_ips[j];
			if (s->obj->invalid || ip->family != set->family || !ipset_contains(set, ip->addr))
				continue;
			apiserver |= ip->family == fam && ip->addr == api;
			lint_list_add(c, &l, "cluster IP %s of Service '%s/%s'",
				      ip_format(ip->family, ip->addr, buf), s->obj->ns,
				      s->obj->name ? s->obj->name : "");
		}
	}
	/* Not guessed: only a block that is exactly that one address names it. */
	if (!apiserver && cidr->family == fam && cidr->lo == api && cidr->hi == api) {
		lint_list_add(c, &l, "%s, by convention the cluster IP of the API server's Service "
			      "'default/kubernetes'", APISERVER_IP);
		apiserver = true;
	}
	if (l.n) {
		struct strbuf sb = STRBUF_INIT;
		lint_list_format(&l, &sb);
		lint_report(c, RULE_IPBLOCK_SERVICE_IP, at->peer->ipb->cidr_key, at->p->obj,
			    "ipBlock %s names %s: most CNIs translate a Service IP to a backend pod "
			    "address before policy applies; select the backend pods%s",
			    at->peer->ipb->cidr, sb.buf,
			    apiserver ? " (for the API server, its endpoint addresses)" : "");
		strbuf_release(&sb);
	}
}

static void on_peer(struct lint_ctx *c, const struct lint_at *at)
{
	const struct ipblock *b = at->peer->ipb;
	struct ipset set;
	struct cidr cidr;

	if (!b)
		return;
	check_canonical(c, at, b->cidr, "cidr", b->cidr_key);
	for (size_t i = 0; i < b->nexcept; i++)
		check_canonical(c, at, b->except[i], "except", b->except_nodes[i]);
	if (lint_ipblock_set(b, &set, &cidr))
		return;
	/* A /0 means "anywhere": its author does not count on matching pods, so neither
	 * rule has anything to add (allow-all speaks when nothing is excepted). */
	if (cidr.prefix) {
		check_in_cluster(c, at, &set);
		check_service_ip(c, at, &set, &cidr);
	}
	ipset_release(&set);
}

const struct lint_visitor lint_cidr_visitor = {
	.peer = on_peer,
};

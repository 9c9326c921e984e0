/* Lint family "policy": what one policy's own text gets wrong, whatever else the input
 * holds (or-trap, rule-split, policyTypes pitfalls, allow-all, ports and selectors). */
#include <string.h>

#include "lint_int.h"

/* A peer item's shape: which of its three fields are present. */
enum peer_shape { PEER_POD_ONLY, PEER_NS_ONLY, PEER_POD_AND_NS, PEER_IPBLOCK };

static enum peer_shape peer_shape(const struct peer *peer)
{
	if (peer->ipb)
		return PEER_IPBLOCK;
	if (peer->pod_sel.node && peer->ns_sel.node)
		return PEER_POD_AND_NS;
	return peer->ns_sel.node ? PEER_NS_ONLY : PEER_POD_ONLY;
}

/*
 * Node labels. "Pod selectors select pods; namespace selectors select namespaces":
 * no NetworkPolicy selector ever sees a node's labels. A trailing '/' is a prefix.
 */
static const char *const node_labels[] = {
	"node-role.kubernetes.io/",
	"kubernetes.io/hostname",
	"kubernetes.io/os",
	"kubernetes.io/arch",
	"topology.kubernetes.io/",
	"failure-domain.beta.kubernetes.io/",
	"node.kubernetes.io/",
};

static bool is_node_label(const char *key)
{
	for (size_t i = 0; key && i < ARRAY_SIZE(node_labels); i++) {
		size_t n = strlen(node_labels[i]);
		if (node_labels[i][n - 1] == '/' ? !strncmp(key, node_labels[i], n)
						 : !strcmp(key, node_labels[i]))
			return true;
	}
	return false;
}

static void check_policy_types(struct lint_ctx *c, const struct policy *p)
{
	const struct object *o = p->obj;

	for (int d = 0; d < DIR__COUNT; d++)
		if (p->types_given && !p->types[d] && p->nrules[d])
			lint_report(c, RULE_IGNORED_RULES, p->rules_key[d], o,
				    "%s rules are ignored: policyTypes does not list %s",
				    lint_dirs[d].field, lint_dirs[d].type);

	/* "All policies (whether or not they contain an ingress section) are assumed to
	 * affect ingress." Only a policy without any ingress key is flagged: an explicit
	 * ingress: [] says the denial is meant. */
	if (!p->types_given && p->nrules[DIR_EGRESS] && !p->rules_key[DIR_INGRESS])
		lint_report(c, RULE_IMPLICIT_INGRESS_ISOLATION, NULL, o,
			    "policy denies all ingress to the pods it selects: without policyTypes "
			    "Ingress is implied, and it has no ingress rules; write policyTypes: [Egress]");

	/* "Policies that contain an egress section are assumed to affect egress" only
	 * when that section holds a rule. */
	if (!p->types[DIR_EGRESS] && p->rules_key[DIR_EGRESS] && !p->nrules[DIR_EGRESS])
		lint_report(c, RULE_EGRESS_NOT_ISOLATED, p->rules_key[DIR_EGRESS], o,
			    "empty egress does not isolate egress: %s; add Egress to policyTypes",
			    p->types_given ? "policyTypes does not list Egress"
					   : "without policyTypes only Ingress is implied");
}

/* A rule with ports but no peers beside a rule with peers but no ports. */
static void check_rule_split(struct lint_ctx *c, const struct policy *p, enum direction d)
{
	const struct np_rule *rules = p->rules[d];
	for (size_t i = 0; i < p->nrules[d]; i++) {
		if (rules[i].npeers || !rules[i].nports)
			continue;
		/* Pair it with the nearest peers-only rule, the earlier one on a tie. */
		const struct np_rule *mate = NULL;
		for (size_t dist = 1; !mate && dist < p->nrules[d]; dist++) {
			if (dist <= i && rules[i - dist].npeers && !rules[i - dist].nports)
				mate = &rules[i - dist];
			else if (i + dist < p->nrules[d] && rules[i + dist].npeers &&
				 !rules[i + dist].nports)
				mate = &rules[i + dist];
		}
		if (mate)
			lint_report(c, RULE_RULE_SPLIT, rules[i].node, p->obj,
				    "%s rule with ports but no peers allows every %s on its ports, and "
				    "the rule at line %d allows its peers on every port: probably one "
				    "rule split in two",
				    lint_dirs[d].field, lint_dirs[d].peer, mate->node->pos.line);
	}
}

static void on_policy(struct lint_ctx *c, const struct lint_at *at)
{
	const struct policy *p = at->p;

	if (!p->obj->ns_given)
		lint_report(c, RULE_MISSING_NAMESPACE, NULL, p->obj,
			    "no metadata.namespace: NetworkPolicy '%s' lands in whatever namespace "
			    "it is applied to", p->obj->name ? p->obj->name : "");
	check_policy_types(c, p);
	for (int d = 0; d < DIR__COUNT; d++)
		if (p->types[d])
			check_rule_split(c, p, (enum direction)d);
}

static void on_rule(struct lint_ctx *c, const struct lint_at *at)
{
	const struct np_rule *r = at->rule;
	const struct peer *ns_only = NULL, *pod_only = NULL;

	/* "If this field is empty or missing, this rule matches all sources"; no ports
	 * "matches all ports". */
	if (!r->npeers && !r->nports)
		lint_report(c, RULE_ALLOW_ALL, r->node, at->p->obj,
			    "%s rule allows every %s on every port", lint_dirs[at->dir].field,
			    lint_dirs[at->dir].peer);

	for (size_t i = 0; i < r->npeers; i++) {
		enum peer_shape s = peer_shape(&r->peers[i]);
		if (s == PEER_NS_ONLY && !ns_only)
			ns_only = &r->peers[i];
		if (s == PEER_POD_ONLY && !pod_only)
			pod_only = &r->peers[i];
	}
	if (ns_only && pod_only)
		lint_report(c, RULE_OR_TRAP, r->peers_key, at->p->obj,
			    "peers with only a namespaceSelector (line %d) and only a podSelector "
			    "(line %d) are OR'd: every pod of the selected namespaces is allowed; "
			    "one peer with both selectors ANDs them",
			    ns_only->node->pos.line, pod_only->node->pos.line);
}

static void on_peer(struct lint_ctx *c, const struct lint_at *at)
{
	struct cidr cidr;
	const struct ipblock *b = at->peer->ipb;

	/* 0.0.0.0/0 or ::/0 with nothing excepted is every address of the family. The
	 * conformance semantics let it match pods too; namespaceSelector: {} alone is not
	 * flagged, as it keeps external addresses out and is the usual "whole cluster". */
	if (!b || b->nexcept || at->rule->nports || !b->cidr || cidr_parse(b->cidr, &cidr, NULL))
		return;
	cidr_unmap(&cidr);
	if (cidr.prefix == 0)
		lint_report(c, RULE_ALLOW_ALL, at->peer->node, at->p->obj,
			    "ipBlock %s without except or ports allows every %s address on every port",
			    b->cidr, cidr.family == AF_V6 ? "IPv6" : "IPv4");
}

static void on_port(struct lint_ctx *c, const struct lint_at *at)
{
	const struct np_port *pt = at->port;
	const struct object *o = at->p->obj;

	if (pt->has_end_port) {
		/* Only a configuration that says the CNI lacks endPort raises the finding
		 * above its severity; a severity set in the configuration wins. */
		bool lacks = !c->cfg->cni_endport && c->cfg->rule_severity[RULE_ENDPORT_SUPPORT] < 0;
		if (lacks)
			lint_report_sev(c, RULE_ENDPORT_SUPPORT, SEV_WARNING, pt->end_port_key, o,
					"port range %d-%d is not supported by the cluster's CNI "
					"(cni.endPort: false)", pt->port, pt->end_port);
		else
			lint_report(c, RULE_ENDPORT_SUPPORT, pt->end_port_key, o,
				    "port range %d-%d (endPort) needs CNI support: plugins without it "
				    "ignore the range or the rule", pt->port, pt->end_port);
	}
	if (pt->proto == PROTO_SCTP) {
		bool lacks = !c->cfg->cni_sctp && c->cfg->rule_severity[RULE_SCTP_SUPPORT] < 0;
		const struct ynode *at_node = pt->proto_key ? pt->proto_key : pt->node;
		if (lacks)
			lint_report_sev(c, RULE_SCTP_SUPPORT, SEV_WARNING, at_node, o,
					"protocol SCTP is not supported by the cluster's CNI "
					"(cni.sctp: false)");
		else
			lint_report(c, RULE_SCTP_SUPPORT, at_node, o,
				    "protocol SCTP needs CNI support: plugins without it do not "
				    "enforce this port");
	}
}

static void on_selector(struct lint_ctx *c, const struct lint_at *at, const struct selector *sel,
			enum lint_sel_role role)
{
	/* matchLabels keys, then matchExpressions items. */
	for (size_t i = 0; i < sel->nml + sel->nexprs; i++) {
		bool ml = i < sel->nml;
		const char *key = ml ? sel->ml[i].key : sel->exprs[i - sel->nml].key;
		if (is_node_label(key))
			lint_report(c, RULE_NODE_SELECTOR,
				    ml ? sel->ml[i].node : sel->exprs[i - sel->nml].node, at->p->obj,
				    "%s key '%s' is a node label: policies select pods and namespaces, "
				    "never nodes (use an ipBlock of node addresses)",
				    lint_sel_role_name[role], key);
	}
}

const struct lint_visitor lint_policy_visitor = {
	.policy = on_policy,
	.rule = on_rule,
	.peer = on_peer,
	.port = on_port,
	.selector = on_selector,
};

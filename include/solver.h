/*
 * The solver: which connections SPEC §2 allows between two endpoints, and why.
 * A solver is built once over a frozen model; it owns its tables (heap) and is
 * released with solver_free. It never changes the model.
 */
#ifndef NPCHECK_SOLVER_H
#define NPCHECK_SOLVER_H

#include "cidrset.h"
#include "model.h"
#include "portset.h"

/* One side of a connection: an endpoint, or an external address range of one family. */
struct sref {
	const struct endpoint *ep; /* NULL for an external range */
	int family;
	u128 lo, hi;
};

/* A set of endpoints (by index): a bitset when dense, sorted indexes when sparse. */
struct epset {
	uint64_t *bits; /* NULL when sparse */
	uint32_t *idx;  /* sorted; NULL when dense */
	size_t n;       /* members */
};
bool epset_has(const struct epset *s, size_t i);
/* Call fn for each member in increasing order. */
#define EPSET_FOREACH(s, nep, i) \
	for (size_t i = 0, _k = 0; epset_next((s), (nep), &i, &_k); i++)
bool epset_next(const struct epset *s, size_t nep, size_t *i, size_t *k);

/* A rule as the solver sees it: its peers as an endpoint bitset plus address sets,
 * its ports as a fixed connection set plus named ports resolved per destination. */
struct srule {
	const struct policy *policy;
	size_t policy_index;     /* in model.policies (and solver.selected) */
	enum direction dir;
	const struct np_rule *rule;
	bool all_peers;          /* from/to absent or empty */
	struct epset eps;        /* endpoints matched by some peer */
	struct ipset ip[2];      /* [0] IPv4, [1] IPv6: ipBlock peers' addresses */
	struct connset fixed;    /* ports that do not depend on the destination */
	const struct np_port **named;
	size_t nnamed;
	/* With the pair indexes: named[i]'s name and protocol, the name interned with the
	 * endpoints' (solver.named_ports), so that it resolves by pointer; else NULL. */
	struct sport *named_by_ptr;
};

/* A named container port, or a rule's named port, for resolving one against the other. */
struct sport {
	const char *name; /* interned in solver.port_names */
	int proto, port;
};

struct sendpoint {
	bool isolated[DIR__COUNT];
	const struct policy **policies[DIR__COUNT]; /* valid policies selecting it, per type */
	size_t npolicies[DIR__COUNT];
	size_t *rules[DIR__COUNT];                  /* indexes into solver.rules */
	size_t nrules[DIR__COUNT];
};

struct solver {
	const struct model *m;
	size_t nep, words;
	struct srule *rules;
	size_t nrules;
	struct sendpoint *eps;
	const struct policy **policies_block; /* what eps' policies lists point into */
	size_t *rules_block;                  /* and their rules lists */
	struct epset *selected; /* per policy (model order): endpoints it selects; empty if invalid */
	size_t (*ns_range)[2];  /* per namespace: [first, last) in model.endpoints */
	struct labelidx *lidx;  /* (key, value) → endpoints, for selector candidates */
	struct labelidx *nslidx; /* (key, value) → namespaces */
	/* Every known pod IP, and the node IPs hostNetwork workloads report, sorted by
	 * family and address, pods first (the one pod-IP index: ipBlock peers here, lint's
	 * in-cluster checks). */
	struct ep_ip {
		int family;
		u128 addr;
		size_t ep;                    /* index in m->endpoints; SIZE_MAX: m->host_net */
		const struct endpoint *endpoint;
		size_t seq;                   /* pods, then hostNetwork workloads, in model order */
	} *ips;
	size_t nips;
	/* External ranges: [dir][family] — sources are cut by ingress blocks, destinations by
	 * egress blocks. */
	struct iprange *ext[DIR__COUNT][2];
	size_t next[DIR__COUNT][2];
	bool has_v6;
	/* For enumerating connections without visiting every pair: per endpoint, the
	 * ingress rules (of other endpoints' policies) whose peers match it; and the
	 * endpoints not isolated for ingress; and ingress rules that match every peer. */
	uint32_t **in_rules_of;     /* into in_rules_block */
	size_t *nin_rules_of;
	uint32_t *in_rules_block;
	uint32_t *open_ingress;
	size_t nopen_ingress;
	uint32_t *all_peer_in_rules;
	size_t nall_peer_in_rules;
	/* And every endpoint's named container ports in one array, endpoint e's at
	 * named_ports[named_of[e] .. named_of[e + 1]), names interned in port_names: a
	 * named port resolves on memory the enumeration walks anyway, not on the model's
	 * strings. */
	struct sport *named_ports;
	size_t *named_of;
	struct arena *port_names;
	/* The policy tiers' rules (tiers.c), or NULL when the input has no valid one. */
	struct tier_solver *tiers;
};

void solver_init(struct solver *s, const struct model *m);
/* The same, the policies built on up to jobs threads (the same solver whatever jobs;
 * jobs <= 1: none is started); without pair_index, the indexes that enumerate
 * candidate pairs (in_rules_of, open_ingress, all_peer_in_rules: connlist's) are left
 * empty (lint needs none). */
void solver_init_threads(struct solver *s, const struct model *m, unsigned jobs,
			 bool pair_index);
/* The same, for questions about these endpoints only (reach): policies selecting none of
 * them are left out, so isolation and rules are right for these endpoints alone. */
void solver_init_for(struct solver *s, const struct model *m, const struct endpoint *const *only,
		     size_t nonly);
void solver_free(struct solver *s);

/* Does rule r's peer list match this side of the connection? */
bool solver_rule_matches(const struct solver *s, const struct srule *r, const struct sref *peer);
/* The first peer of rule r that matches this side of the connection (for explanations),
 * or NULL when the rule has no peers (it matches everything) or none matches. */
const struct peer *solver_matching_peer(const struct solver *s, const struct srule *r,
					const struct sref *ref);
/* The ports rule r allows towards destination dst (named ports resolved on dst). */
void solver_rule_ports(const struct solver *s, const struct srule *r, const struct sref *dst,
		       struct connset *out);
/* What one direction allows: the egress of src towards dst (dir == DIR_EGRESS), or the
 * ingress of dst from src (DIR_INGRESS). ALL when that side is not an isolated pod. */
void solver_direction(const struct solver *s, enum direction dir, const struct sref *src,
		      const struct sref *dst, struct connset *out);
/* The NetworkPolicy step alone (SPEC §2.2-2.6), without the policy tiers. */
void solver_np_direction(const struct solver *s, enum direction dir, const struct sref *src,
			 const struct sref *dst, struct connset *out);
/* The verdict of SPEC §2.7: egress ∩ ingress; a pod to itself is always allowed. */
void solver_allowed(const struct solver *s, const struct sref *src, const struct sref *dst,
		    struct connset *out);
/* The same with the caller's initialized scratch set tmp for the ingress side, so a loop
 * over many pairs allocates nothing per pair. */
void solver_allowed_tmp(const struct solver *s, const struct sref *src, const struct sref *dst,
			struct connset *out, struct connset *tmp);

/* The endpoints carrying the label key=val, sorted by index (NULL, *n = 0: none). */
const uint32_t *solver_label_endpoints(const struct solver *s, const char *key, const char *val,
				       size_t *n);

/* Does the endpoint match this peer of a policy (in the policy's namespace)? */
bool solver_peer_matches_endpoint(const struct model *m, const struct policy *p,
				  const struct peer *peer, const struct endpoint *e);
/* Does the peer (not an ipBlock) match some endpoint of the input? */
bool solver_peer_matches_any(const struct solver *s, const struct policy *p,
			     const struct peer *peer);
/* Does the policy select this endpoint? */
bool solver_policy_selects(const struct policy *p, const struct endpoint *e);

/* "NS/NAME[KIND]", "FIRST-LAST[External]" or a single address. */
void sref_format(const struct sref *r, struct strbuf *out);


#endif

/*
 * Cluster-scoped policy tiers (TIERS.md): AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy
 * (v1alpha2) in one model (TIERS.md §10): a tier, a priority, ordered rules with an
 * action Allow, Deny or Pass, and normalised port sets. Everything here is owned by the
 * model's arena and valid until model_free, like the rest of the model.
 */
#ifndef NPCHECK_TIERS_H
#define NPCHECK_TIERS_H

#include "model.h"
#include "solver.h"

enum tier { TIER_ADMIN, TIER_BASELINE };
/* v1alpha1 Allow and v1alpha2 Accept are both TACT_ALLOW. */
enum tier_action { TACT_ALLOW, TACT_DENY, TACT_PASS };

enum tpeer_kind { TP_NAMESPACES, TP_PODS, TP_NODES, TP_NETWORKS, TP_DOMAINS, TP_NONE };

struct tpeer {
	const struct ynode *node; /* the list item (or the subject mapping) */
	enum tpeer_kind kind;
	struct selector ns_sel;   /* namespaces:, or pods.namespaceSelector (node NULL: all) */
	struct selector pod_sel;  /* pods.podSelector */
	struct selector node_sel; /* nodes: */
	struct cidr *nets;        /* networks: the valid CIDRs */
	const char **net_text;
	size_t nnets;
	size_t ndomains;          /* domainNames: never matched offline (fail closed) */
};

/* A port entry: a protocol and a range, or a named port (any protocol). */
struct tport {
	const struct ynode *node; /* the list item */
	int proto;                /* enum proto; -1 for a named port */
	int lo, hi;               /* lo > hi: an empty v1alpha1 portRange */
	const char *name;         /* named port, or NULL */
};

struct trule {
	const struct ynode *node; /* the list item */
	int index;                /* position in its list */
	const char *name;         /* the rule's name:, or NULL */
	enum tier_action action;
	struct tpeer *peers;
	size_t npeers;
	struct tport *ports;      /* ports:/protocols:; none given: every port */
	size_t nports;
	bool ports_given;
};

struct tpolicy {
	struct object *obj;
	int version;              /* 1: v1alpha1 (ANP, BANP), 2: v1alpha2 (CNP) */
	enum tier tier;
	long long priority;       /* BANP: 0 (it has none) */
	const struct ynode *priority_node;
	struct tpeer subject;     /* kind TP_NAMESPACES or TP_PODS */
	struct trule *rules[DIR__COUNT];
	size_t nrules[DIR__COUNT];
	bool invalid;             /* rejected by validation: takes no part */
	size_t order;             /* its index in tiers.order (valid ones) */
};

/* A Node: its labels and the addresses of status.addresses (for nodes peers). */
struct node {
	struct object *obj;
	struct labels labels;
	struct ip_addr *ips;
	size_t nips;
};

/* The model's tier objects. Kept apart from struct model so that the model header only
 * grows by one pointer. */
struct tiers {
	struct tpolicy **pol;   /* valid and invalid, in input order */
	size_t npol, pol_cap;
	struct tpolicy **order; /* valid ones in evaluation order: Admin then Baseline, by
				 * priority, then name (TIERS.md §10) */
	size_t norder;
	struct node **nodes;
	size_t nnodes, nodes_cap;
	bool versions[3];        /* [1] v1alpha1 seen, [2] v1alpha2 seen */
};

/* ---- decoding (tier_decode.c) ---- */

/* Is this kind of this apiVersion a tier kind npcheck reads (any version of the group,
 * so that an unserved version is reported)? */
bool tiers_is_kind(const char *kind, const char *api_version);
/* Decode and validate one tier object (its tree is kept) into m->tiers. */
void tiers_decode(struct model *m, struct object *o, const struct ynode *doc);
/* Decode one Node (labels, status.addresses); its tree is not kept. */
void tiers_decode_node(struct model *m, struct object *o, const struct ynode *doc);
/* k8s_decode.c: the schema walk (unknown fields, types) of an ANP (0), BANP (1) or
 * CNP (2), and its selector and label decoders. */
void k8s_check_tier_schema(struct model *m, struct object *o, const struct ynode *doc,
			   int which);
void k8s_decode_selector(struct model *m, const struct ynode *parent, const char *key,
			 struct selector *s);
void k8s_decode_labels(struct model *m, const struct ynode *n, struct labels *out);
/* load.c: move src's tier objects after dst's (parts parsed side by side); free the
 * heap arrays of m's (part_release, model_free). */
void tiers_merge(struct model *dst, struct model *src);
void tiers_release(struct model *m);
/* After loading: sort the valid policies into evaluation order. */
void tiers_finish(struct model *m);
/* "admin" / "baseline"; "Allow"/"Accept", "Deny", "Pass" as the version writes it. */
const char *tier_name(enum tier t);
const char *tier_action_name(const struct tpolicy *p, enum tier_action a);
/* "AdminNetworkPolicy", ... as written in the object. */
const char *tpolicy_kind(const struct tpolicy *p);

/* ---- evaluation (tiers.c) ---- */

/* A rule as the solver sees it. */
struct strule {
	const struct tpolicy *tp;
	const struct trule *rule;
	enum direction dir;
	struct epset eps;     /* endpoints some peer matches */
	struct ipset ip[2];   /* networks and nodes addresses, [0] IPv4, [1] IPv6 */
	struct connset fixed; /* ports that do not depend on the destination */
	const struct tport **named;
	size_t nnamed;
};

struct tier_solver {
	struct strule *rules;     /* in evaluation order, per policy: ingress then egress */
	size_t nrules;
	struct epset *subject;    /* per policy of tiers.order: the endpoints it selects */
	size_t (*first)[DIR__COUNT]; /* per policy of tiers.order: its first rule per direction */
	/* Per endpoint: the policies selecting it (indexes into tiers.order, in order), and
	 * whether any of them has rules of a direction. Policies, not rules, so that memory
	 * stays linear in subjects whatever the number of rules. */
	uint32_t **of;
	size_t *nof;
	bool (*has)[DIR__COUNT];
};

/* The tier rules that apply to endpoint e in direction d, in evaluation order:
 * tier_iter_init, then tier_iter_next until it returns NULL. */
struct tier_iter {
	const struct solver *s;
	size_t e, k, r;
	enum direction d;
};
void tier_iter_init(struct tier_iter *it, const struct solver *s, size_t e, enum direction d);
const struct strule *tier_iter_next(struct tier_iter *it);

/* Build and release s->tiers (NULL when the model has no valid tier policy). */
void tiers_solver_init(struct solver *s);
void tiers_solver_free(struct solver *s);
/* Does any tier rule apply to this endpoint in this direction? */
bool tiers_apply(const struct solver *s, const struct sref *self, enum direction dir);

/* What decided a part of one direction of a connection. */
enum tier_step { TSTEP_ADMIN, TSTEP_NP, TSTEP_BASELINE, TSTEP_DEFAULT };
struct tier_decision {
	enum tier_step step;
	const struct strule *rule;  /* admin and baseline steps; NULL otherwise */
	bool passed;                /* reached here through an admin Pass */
	const struct strule *pass;  /* that Pass rule */
	bool tie;                   /* another policy at the same priority could decide too */
	const struct tpolicy *tie_with;
	bool allows;
	struct connset conns;       /* the part it decides */
};
/*
 * One direction of a connection through the tiers: admin rules by priority and rule
 * order, then NetworkPolicy (np: what it allows; used only when isolated), then
 * baseline, then allowed. out gets what the direction allows. When dec is not NULL,
 * the decisions are appended to it (*ndec; the caller frees each conns and the array).
 */
void tiers_direction(const struct solver *s, enum direction dir, const struct sref *src,
		     const struct sref *dst, bool np_isolated, const struct connset *np,
		     struct connset *out, struct tier_decision **dec, size_t *ndec);
/* The ports rule r covers towards dst (named ports resolved on dst). */
void tiers_rule_ports(const struct strule *r, const struct sref *dst, struct connset *out);
bool tiers_rule_matches(const struct strule *r, const struct sref *peer);

/* ---- in words (tier_explain.c) ---- */

/* "admin policy NAME (KIND, priority N)"; with the rule: "... egress rule 2 'name'
 * (file:line:col)". Names are escaped for the terminal. */
void tiers_name_policy(const struct tpolicy *p, struct strbuf *sb);
void tiers_name_rule(const struct strule *r, struct strbuf *sb);
/* reach: one line per decision (already narrowed to the question) into sb; or the
 * decisions as the member "tiers" of the JSON object open in j. */
struct jw;
void tiers_explain_decisions(const struct tier_decision *dec, size_t ndec, bool np_isolated,
			     struct strbuf *sb);
void tiers_json_decisions(const struct tier_decision *dec, size_t ndec, struct jw *j);
/* explain: the tier rules applying to e in direction d, in evaluation order, as text
 * into out; or as the member "tiers" of the JSON object open in j. */
void tiers_explain_endpoint(const struct solver *s, const struct endpoint *e, enum direction d,
			    struct strbuf *out);
void tiers_json_endpoint(const struct solver *s, const struct endpoint *e, enum direction d,
			 struct jw *j);
/* Each pod selector of a tier policy (subject or pods peer) that looks at e's namespace
 * and compares a label of e whose value is set at run time: calls fn, returns how many
 * (the tiers' part of fold_unknown_deps). */
size_t tiers_unknown_deps(const struct model *m, const struct endpoint *e,
			  void (*fn)(void *ctx, const char *key, const struct tpolicy *p,
				     const struct ynode *at),
			  void *ctx);

#endif

/*
 * Lint internals shared by lint.c and the rule families in lint_<family>.c: the run's
 * context, the walk over every valid policy, and the reporting helpers. Everything a
 * family allocates is either arena-owned (messages, through diag) or freed before the
 * family returns; the solver is built once by lint_run and freed by it.
 */
#ifndef NPCHECK_LINT_INT_H
#define NPCHECK_LINT_INT_H

#include "lint.h"
#include "solver.h"

struct lint_ctx {
	struct model *m;
	const struct config *cfg;
	struct diag *d;
	/* What the findings' texts are allocated in: m's arena, or on a thread the
	 * thread's own (adopted by m's at the end); never m->arena directly. */
	struct arena *arena;
	struct solver s;      /* over m; valid during the whole run */
	bool *ns_known;       /* per namespace: declared, or holding a non-policy object */
	size_t *ns_workloads; /* per namespace: endpoints plus hostNetwork workloads */
	size_t *first_rule;   /* per policy: index of its first rule in s.rules */
	struct lint_ns_services {
		const struct service **v;
		size_t n;
	} *ns_services;       /* per namespace: its Services */
	struct lint_pol_ref {
		uintptr_t p;
		size_t index;
	} *pol_by_addr;       /* the policies sorted by address, for lint_policy_index */
	struct lint_port_index *ports; /* lint_select.c's, built on first use */
};

/* Free what lint_select.c built (lint_run calls it at the end). */
void lint_select_release(struct lint_ctx *c);

/* A list for a message: the first LINT_LIST_SHOWN items formatted, the rest counted. */
#define LINT_LIST_SHOWN 3
struct lint_list {
	const char *item[LINT_LIST_SHOWN];
	size_t n;
};
void lint_list_add(struct lint_ctx *c, struct lint_list *l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append "a", "a and b", "a, b, c and 2 more". */
void lint_list_format(const struct lint_list *l, struct strbuf *sb);

/* What each direction's fields are called, for messages. */
struct lint_dir {
	const char *field;  /* "ingress" */
	const char *type;   /* "Ingress" */
	const char *peer;   /* "source": what a peer of this direction is */
};
extern const struct lint_dir lint_dirs[DIR__COUNT];

/* Where the walk stands. Fields deeper than the current callback are NULL. */
struct lint_at {
	const struct policy *p;
	size_t pi;                   /* index of p in m->policies */
	enum direction dir;
	const struct np_rule *rule;
	const struct srule *sr;      /* the solver's view of rule */
	const struct peer *peer;
	const struct np_port *port;
};

enum lint_sel_role { SEL_ROLE_POLICY, SEL_ROLE_PEER_POD, SEL_ROLE_PEER_NS };
extern const char *const lint_sel_role_name[]; /* "podSelector", ..., "namespaceSelector" */

/*
 * A family's callbacks for the walk over every valid policy (model order), then each
 * direction its policyTypes lists, rule, peer and port. selector is called for the
 * policy's podSelector and for each present peer selector. Any callback may be NULL.
 */
struct lint_visitor {
	void (*policy)(struct lint_ctx *c, const struct lint_at *at);
	void (*rule)(struct lint_ctx *c, const struct lint_at *at);
	void (*peer)(struct lint_ctx *c, const struct lint_at *at);
	void (*port)(struct lint_ctx *c, const struct lint_at *at);
	void (*selector)(struct lint_ctx *c, const struct lint_at *at, const struct selector *sel,
			 enum lint_sel_role role);
};

/* The families (lint_<family>.c). */
extern const struct lint_visitor lint_policy_visitor; /* structure of one policy */
extern const struct lint_visitor lint_select_visitor; /* selectors against the input */
extern const struct lint_visitor lint_cidr_visitor;   /* ipBlocks and addresses */
void lint_cluster_run(struct lint_ctx *c);            /* namespaces and workloads */
void lint_dns_run(struct lint_ctx *c);                /* missing-dns-egress */
void lint_redundant_run(struct lint_ctx *c);          /* redundant-rule */
extern const struct lint_visitor lint_fold_visitor;   /* unknown-label-value */
void lint_fold_run(struct lint_ctx *c);               /* owner-split */
void lint_tiers_run(struct lint_ctx *c);              /* the policy tiers */
/* Does a baseline tier rule deny every pod on every port to or from endpoint e in
 * direction d (lint_tiers.c)? Then a NetworkPolicy default deny is not missing. */
bool lint_tier_default_deny(const struct lint_ctx *c, size_t e, enum direction d);
void lint_ignore_run(struct lint_ctx *c);             /* unknown-rule */
/* Does the selector's result on some pod in its reach depend on a label value set at run
 * time (lint_fold.c)? Then "matches nothing" would be a guess. */
bool lint_sel_depends(const struct lint_ctx *c, const struct lint_at *at,
		      const struct selector *sel, enum lint_sel_role role);

/* Report at node (or, when NULL, at the object's metadata.name or document). */
void lint_report(struct lint_ctx *c, enum rule_id rule, const struct ynode *at,
		 const struct object *obj, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same at an explicit severity (a rule configured off stays off). */
void lint_report_sev(struct lint_ctx *c, enum rule_id rule, enum severity sev,
		     const struct ynode *at, const struct object *obj, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The same with an explicit diag_obj (namespace-level findings). */
void lint_report_obj(struct lint_ctx *c, enum rule_id rule, const struct ynode *at,
		     const struct diag_obj *obj, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The index of a policy in m->policies. */
size_t lint_policy_index(const struct lint_ctx *c, const struct policy *p);

/* The node a whole-object finding points at: metadata.name, else the document. */
const struct ynode *lint_object_node(const struct object *o);

/* Append "'a'", "'a' and 'b'", "'a', 'b', 'c' and 2 more" (at most three named: only
 * names[0 .. LINT_LIST_SHOWN - 1] are read, n is the count). */
void lint_add_names(struct strbuf *sb, const char *const *names, size_t n);
/* The same without quotes, for items that quote what they name themselves. */
void lint_add_list(struct strbuf *sb, const char *const *items, size_t n);

/* Does the peer match the endpoint? Also for hostNetwork workloads (m->host_net),
 * whose ns_index the model leaves unset. */
bool lint_peer_matches(const struct lint_ctx *c, const struct policy *p,
		       const struct peer *peer, const struct endpoint *e);
/* The endpoints a rule's ports are resolved on: the pods the policy selects (ingress),
 * or the pods its peers match (egress). Owned by the solver. */
const struct epset *lint_rule_dests(const struct lint_ctx *c, const struct lint_at *at);

/* An ipBlock's addresses, cidr minus except, parsed from the text (so lint does not
 * depend on validation having run). Returns 0 and fills *set (the caller releases it)
 * and *cidr, or -1 when the cidr does not parse. */
int lint_ipblock_set(const struct ipblock *b, struct ipset *set, struct cidr *cidr);

#endif

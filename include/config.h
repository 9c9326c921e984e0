/* .npcheck.yaml: failOn, rule severities, ignorePaths, the cluster's addresses and DNS,
 * and the CNI's capabilities (SPEC §5), loaded with libcyaml. */
#ifndef NPCHECK_CONFIG_H
#define NPCHECK_CONFIG_H

#include "cidrset.h"
#include "diag.h"
#include "operators.h"

struct config {
	int fail_on;                      /* enum severity; -1 when not set */
	int rule_severity[RULE__COUNT];   /* enum severity (SEV_OFF = off); -1 when not set */
	char **ignore_paths;              /* glob patterns ("**" spans directories) */
	size_t nignore_paths;
	struct cidr *pod_cidrs, *service_cidrs, *node_cidrs;
	size_t npod_cidrs, nservice_cidrs, nnode_cidrs;
	char *dns_namespace;              /* default "kube-system" */
	char **dns_label_keys, **dns_label_values; /* default k8s-app=kube-dns */
	size_t ndns_labels;
	struct cidr *dns_ips;             /* NodeLocal DNSCache addresses (as /32 or /128) */
	size_t ndns_ips;
	bool cni_endport, cni_sctp;       /* default true: a conformant plugin */
	/* operators: the configuration's entries first, then the built-in ones they do not
	 * replace (the same kind and group). Its kinds, and everything they point to, are
	 * the config's (op_merged, op_own, op_strings), or the built-in table's. */
	struct op_table operators;
	struct op_kind *op_merged, *op_own;
	size_t nop_own;
	char **op_strings;
	size_t nop_strings, op_strings_cap;
	const char *path;                 /* file it came from, or NULL for defaults */
};

/* Defaults: everything unset, DNS in kube-system with k8s-app=kube-dns, CNI conformant. */
void config_defaults(struct config *c);
/*
 * Load path (or, when path is NULL, .npcheck.yaml / .npcheck.yml in the current directory
 * if present) over the defaults. Returns 0, or -1 after printing FILE:LINE:COL: message
 * on stderr (the caller exits 3). All memory is the config's; config_release frees it.
 */
int config_load(struct config *c, const char *path);
void config_release(struct config *c);
/* Apply rule severities to the diagnostics (before any finding is reported). */
void config_apply(const struct config *c, struct diag *d);
/* Does a path match one of ignorePaths? */
bool config_ignores(const struct config *c, const char *path);

#endif

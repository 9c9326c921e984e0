/* Pods that operators make from custom resources without a pod template: a table of
 * kinds (built in, with its sources; .npcheck.yaml adds or replaces entries) mapping a
 * resource to the labels and named ports of the pods its operator creates. */
#ifndef NPCHECK_OPERATORS_H
#define NPCHECK_OPERATORS_H

#include "base.h"

struct model;
struct object;
struct ynode;
struct arena;

/* A container port of the pods. name_field, when set, is the resource's field holding
 * the port's name (the name is used when the field is absent or empty); unless_field a
 * boolean field that, when true, means the port is not declared (listenLocal);
 * when_field a field whose presence declares the port (spec.thanos). */
struct op_port {
	const char *name;
	int port;
	int proto; /* enum proto */
	const char *name_field, *unless_field, *when_field;
};

/* A label the operator sets, over the resource's own pod labels. The value is a
 * template ({name}, {namespace}, {shard}); NULL: set at run time, unknown offline. */
struct op_label {
	const char *key, *value;
};

struct op_kind {
	const char *kind;
	const char *group;           /* API group, the apiVersion before '/' */
	const char *workload;        /* the StatefulSet's name: a template, e.g. "prometheus-{name}" */
	const char *workload_kind;   /* the kind of what the operator makes; NULL: StatefulSet */
	const char *pod_labels;      /* field path of the resource's own pod labels, or NULL */
	const struct op_label *labels;
	size_t nlabels;
	const struct op_port *ports;
	size_t nports;
	const char *containers;      /* field path of extra containers whose ports count, or NULL */
	const char *replicas;        /* field path of the replica count, or NULL */
	long long default_replicas;  /* when that field is absent */
	const char *shards;          /* field path of a shard count, or NULL */
	const char *host_network;    /* field path of a hostNetwork boolean, or NULL */
	const char *source;          /* where the labels and ports come from */
	bool disabled;               /* a configuration entry that turns a kind off */
};

/* Entries in lookup order: a kind and group found first wins. */
struct op_table {
	const struct op_kind *kinds;
	size_t n;
};

/* The built-in table (static). */
const struct op_table *operators_default(void);
/* The entry for kind at apiVersion (its group: the part before '/'), or NULL; a NULL
 * table is the built-in one; a disabled entry is none. */
const struct op_kind *operators_find(const struct op_table *t, const char *kind,
				     const char *api_version);
/* Is kind (any group) in the table? (what the tree builder keeps for it) */
bool operators_has_kind(const struct op_table *t, const char *kind);

/*
 * Expand a template: {name} and {namespace} of the resource, {shard} (its number, or
 * "{shard}" stays an error when shard < 0). Returns the expansion (arena-owned), or NULL
 * when the template is not valid; then *err says why (static).
 */
const char *operators_expand(struct arena *a, const char *tpl, const char *name,
			     const char *ns, long long shard, const char **err);
/* Check a template without expanding it: NULL when valid, else why (static). */
const char *operators_check_template(const char *tpl);

/* k8s_decode.c: the endpoint of the pods the resource o (decoded from doc) makes. */
void operators_decode(struct model *m, struct object *o, const struct ynode *doc,
		      const struct op_kind *k);

#endif

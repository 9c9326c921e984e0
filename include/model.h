/*
 * The in-memory model: objects read from the input, namespaces, endpoints (pods and
 * workloads), Services and NetworkPolicies. Built once by model_load_sources or
 * model_load, then frozen: readers (solver, lint, commands) never change it.
 * Ownership: the objects, their strings, arrays and YAML nodes are the arena's (the one
 * given to model_load, and m->trees for the nodes), valid until it is freed; the arrays
 * of pointers in struct model (objects, namespaces, endpoints, host_net, policies,
 * services, unmodelled) are heap, freed by model_free.
 * How it is built is internal: src/load_int.h (reading, parsing, decoding) and
 * src/validate.h (what the API server rejects).
 */
#ifndef NPCHECK_MODEL_H
#define NPCHECK_MODEL_H

#include "base.h"
#include "cidrset.h"
#include "diag.h"
#include "portset.h"
#include "ynode.h"

struct kv {
	const char *key, *val;
	const struct ynode *node; /* the key node ("key:"); NULL outside NetworkPolicies */
};

struct labels {
	struct kv *kv;
	size_t n;
};
/* The value for key, or NULL. */
const char *labels_get(const struct labels *l, const char *key);

enum sel_op { SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST, SEL_BAD_OP };

struct sel_expr {
	const char *key;
	const char *op_text; /* as written */
	enum sel_op op;
	const char **values;
	size_t nvalues;
	const struct ynode *node;        /* the list item */
	const struct ynode *values_node; /* the values: key, or NULL */
};

/* A label selector. node == NULL: absent (or null). A present {} matches everything. */
struct selector {
	const struct ynode *node;     /* the mapping */
	const struct ynode *key_node; /* its key ("podSelector:") */
	struct kv *ml;
	size_t nml;
	struct sel_expr *exprs;
	size_t nexprs;
};

struct ipblock {
	const struct ynode *node;     /* the ipBlock mapping */
	const struct ynode *key_node; /* "ipBlock:" */
	const char *cidr;             /* NULL when missing */
	const struct ynode *cidr_key; /* "cidr:" */
	const char **except;
	const struct ynode **except_nodes; /* each list item */
	size_t nexcept;
	/* Filled by validation when valid. */
	struct cidr cidr_parsed;
	struct cidr *except_parsed;
};

struct peer {
	const struct ynode *node; /* the list item */
	struct selector pod_sel, ns_sel;
	struct ipblock *ipb; /* NULL when absent */
};

struct np_port {
	const struct ynode *node;          /* the list item */
	const char *proto_text;            /* NULL when absent */
	const struct ynode *proto_key;     /* "protocol:" or NULL */
	int proto;                         /* enum proto after defaulting; -1 unsupported */
	bool has_port;
	int port;                          /* numeric port (when port_name == NULL) */
	const char *port_name;             /* named port, or NULL */
	const struct ynode *port_key;      /* "port:" or NULL */
	bool has_end_port;
	int end_port;
	const struct ynode *end_port_key;  /* "endPort:" or NULL */
};

enum direction { DIR_INGRESS, DIR_EGRESS, DIR__COUNT };

struct np_rule {
	const struct ynode *node; /* the list item */
	bool peers_given;         /* from:/to: present and not null */
	const struct ynode *peers_key;
	struct peer *peers;
	size_t npeers;
	bool ports_given;
	const struct ynode *ports_key;
	struct np_port *ports;
	size_t nports;
	int index;                /* position in its list */
};

struct object;

struct policy {
	struct object *obj;
	struct selector pod_sel;          /* absent spec.podSelector: node == NULL, matches all */
	const struct ynode *spec_node;
	bool types_given;                 /* policyTypes present */
	const struct ynode *types_key;
	const struct ynode **type_nodes;  /* each policyTypes item */
	size_t ntypes;
	bool types[DIR__COUNT];           /* after defaulting (normalize.c) */
	bool rules_given[DIR__COUNT];     /* ingress:/egress: key present */
	const struct ynode *rules_key[DIR__COUNT];
	struct np_rule *rules[DIR__COUNT];
	size_t nrules[DIR__COUNT];
	bool invalid;                     /* rejected by validation: takes no part */
	/* Private to loading: validated on a loader thread (load.c), its findings kept
	 * aside in model.checked[check_first .. + check_n) until the model is built. */
	bool checked;
	size_t check_first, check_n;
};

struct container_port {
	const char *name; /* NULL when unnamed */
	int proto;        /* enum proto, -1 unsupported */
	int port;
	const struct ynode *node;  /* NULL: the tree is not kept for these kinds */
};

/* The address first: an int ahead of it would pad 12 bytes (48 bytes, not 32, per pod). */
struct ip_addr {
	u128 addr;
	const char *text;
	int family;
};

/* A pod, or a workload standing for its pods (Deployment, ..., or an owner of Pods). */
struct endpoint {
	const char *ns, *name, *kind;
	const char *display; /* "NS/NAME[KIND]" */
	struct object *obj;  /* the object it was built from (the owner, or the first pod) */
	struct labels labels;
	struct container_port *ports;
	size_t nports;
	bool host_network;
	struct ip_addr *ips;
	size_t nips;
	bool is_pod;    /* one pod: a Pod with no controller, or a class of one pod */
	size_t npods;   /* pods it stands for (replicas of a template; 0 when unknown) */
	int index;      /* position in model.endpoints */
	int ns_index;   /* position of its namespace in model.namespaces */
	/* Folding (fold.c). An owner's pods are one endpoint while no policy can tell them
	 * apart; otherwise the owner is split and each endpoint is one class of its pods. */
	const char *owner_name, *owner_kind; /* the owner (== name, kind unless split) */
	const char *owner_display;           /* "NS/OWNER[KIND]" */
	bool split;                          /* one class of a split owner */
	const char **pods;                   /* names of the pods of a split class, sorted */
	size_t npod_names;                   /* (at most FOLD_MAX_NAMES of them kept) */
	const struct fold_split *why;        /* what split the owner (shared by its classes) */
	/* Decoded from a workload (k8s_decode.c): spec.replicas (-1 when absent), the
	 * StatefulSet's spec.ordinals.start, a Job's spec.manualSelector. */
	long long replicas, ordinal_start;
	bool manual_selector;
	/* Pods an operator makes from a resource without a template (operators.c): the
	 * kind of the controller that makes them (StatefulSet) and its object's name (NULL
	 * when unknown: several shards); NULL ctl_kind means the object itself. op_source
	 * says where the table entry's labels and ports come from. */
	const char *ctl_kind, *ctl_name;
	const char *op_source;
};

/* What tells the pods of a split owner apart: the first discriminator that differs. */
struct fold_split {
	const char *owner_display;
	size_t nclasses;
	const char *what;          /* "the podSelector of policy ns/p", "ipBlock 10.0.0.1/32 ..." */
	const char *file;          /* where it is written, or NULL (named ports, hostNetwork) */
	struct ypos pos;
	const struct endpoint *first; /* the first class in display order (reported once) */
};
#define FOLD_MAX_NAMES 4096

/* The value of a label that a controller sets at run time (pod-template-hash, ...):
 * unknown offline. Compared by pointer; it is no valid label value, so no selector
 * value ever equals it (In is false, NotIn true, Exists true). */
extern const char LABEL_UNKNOWN[];
struct model;
/* Does whether s matches labels l depend on a value set at run time? Then the key of the
 * first such requirement, with its node in *at; else NULL. (fold.c) */
const char *fold_selector_depends(const struct selector *s, const struct labels *l,
				  const struct ynode **at);
/* Is key one that a controller may set to a value unknown offline? (fold.c) */
bool fold_key_may_be_unknown(const char *key);
/* The same, or one an operator's table marks so in this model (model.c). */
bool model_key_may_be_unknown(const struct model *m, const char *key);
/* Each requirement of a valid policy's pod selector that looks at e's namespace and
 * compares a label of e whose value is set at run time: the verdicts about e depend on
 * it (fold.c). Calls fn for each; returns how many. */
size_t fold_unknown_deps(const struct model *m, const struct endpoint *e,
			 void (*fn)(void *ctx, const char *key, const struct policy *p,
				    const struct ynode *at),
			 void *ctx);

struct namespace {
	const char *name;
	struct labels labels; /* includes kubernetes.io/metadata.name */
	bool declared;
	struct object *obj;   /* NULL when implied */
	int index;
};

struct service_port {
	const char *name;
	int proto;
	int port;
	int target_port;         /* 0 when named or absent */
	const char *target_name; /* named targetPort, or NULL */
	const struct ynode *node;
};

struct service {
	struct object *obj;
	struct labels selector;  /* spec.selector (equality only) */
	bool has_selector;
	struct service_port *ports;
	size_t nports;
	struct ip_addr *cluster_ips;
	size_t ncluster_ips;
};

/* Every object read, whatever its kind. */
struct object {
	const char *kind, *api_version;
	const char *ns;   /* after defaulting; NULL for cluster-scoped kinds */
	const char *name; /* NULL when missing */
	const char *file;
	/* The document (or List item) and its metadata. For kinds other than NetworkPolicy
	 * the document, name and namespace nodes are childless copies kept for their
	 * positions, and meta_node (like container and Service port nodes) is NULL. */
	const struct ynode *node;
	const struct ynode *meta_node;
	const struct ynode *name_node; /* value of metadata.name */
	const struct ynode *ns_node;   /* value of metadata.namespace */
	struct labels labels;
	struct labels annotations;     /* NetworkPolicy only; other kinds keep just ignore */
	const char *ignore;            /* npcheck.io/ignore annotation */
	const struct ynode *ignore_node; /* its value, for positions */
	const char *owner_kind, *owner_name; /* controller ownerReference */
	/* The flags together (one object per pod: padding around each costs 16 bytes). */
	bool ns_given;                 /* metadata.namespace present */
	bool invalid;                  /* some part could not be decoded, or the API server
					* would reject it (validate.c) */
	bool workload;                 /* modelled from a pod template (a read workload kind,
					* or any kind with spec.template: k8s_decode.c) */
	bool generated;                /* name made from metadata.generateName (model.c
					* numbers those that would collide) */
	struct endpoint *endpoint;     /* a Pod's or workload's endpoint, after folding */
	struct diag_obj dobj;          /* for diag_report */
	/* Private to loading: a hash of kind, namespace and name (model_key_hash), made
	 * when the object is decoded (its strings are in cache then); 0 until made. */
	uint64_t key_hash;
};
/* Private to loading: the key_hash of an object of this kind, namespace (NULL for
 * none) and name (model.c). */
uint64_t model_key_hash(const char *kind, const char *ns, const char *name);

struct op_table;

struct model_options {
	const char *default_ns; /* -n; NULL means "default" */
	bool verbose;           /* -v: name skipped kinds on stderr */
	/* Files not to read at all (ignorePaths), or NULL. */
	bool (*skip_file)(void *ctx, const char *path);
	void *skip_ctx;
	unsigned jobs;          /* -j: threads for parsing a large file; 0: one per CPU */
	bool no_fold;           /* every pod (and StatefulSet replica) an endpoint of its own:
				 * for differential tests of folding */
	bool quiet_unmodelled;  /* no stderr note for unmodelled policy kinds (lint reports
				 * them as findings) */
	bool allow_empty;       /* no object at all is not an input error (diff's sides) */
	size_t max_file;        /* --max-input-size: bytes per file; 0: MODEL_MAX_FILE */
	size_t max_total;       /* --max-total-input: bytes of all files; 0: MODEL_MAX_TOTAL */
	bool stdin_implicit;    /* stdin is read because no path was given: "no input" says so */
	/* Kinds whose operators make pods without a template in the resource (operators.h);
	 * NULL: the built-in table. */
	const struct op_table *operators;
};
/* The threads opt.jobs asks for (0: one per CPU), bounded; analysis after loading
 * (lint's solver) uses as many (load.c). */
unsigned model_jobs(unsigned asked);

/* An object of a kind that carries network policy npcheck does not model (Cilium,
 * Calico, MultiNetworkPolicy, the policy tiers): it takes no part, but is counted and
 * named so that no verdict is trusted as if it did not exist. */
struct unmodelled {
	const char *kind, *api_version; /* api_version as written */
	const char *ns;                 /* NULL: a cluster-wide kind */
	struct ypos pos;                /* the object's kind */
};

/* The unmodelled objects of one kind (and API group), in order of first appearance. */
struct unmodelled_kind {
	const char *kind, *api_version; /* of the first */
	size_t count;
	struct ypos first;
	bool cluster; /* cluster-wide: may apply to pods of every namespace */
};

/* An object of a kind npcheck does not read, of an API group outside Kubernetes' own,
 * with metadata.namespace: a custom resource whose operator may make pods that no
 * manifest holds (k8s_decode.c records them; lint names them where a selector matches
 * nothing). */
struct custom_obj {
	const char *kind, *api_version, *ns;
	struct ypos pos; /* the object's kind */
	size_t seq;      /* input order */
};

/* What a stranger's merge request may make npcheck read (SPEC §6): per file (stdin
 * included), and all files of one load together. */
#define MODEL_MAX_FILE ((size_t)256 << 20)
#define MODEL_MAX_TOTAL ((size_t)1 << 30)

struct tiers;

struct model {
	struct arena *arena;
	struct arena *trees; /* YAML trees still referenced (NetworkPolicies' positions) */
	struct diag *diag;
	struct object **objects;
	size_t nobjects, objects_cap;
	struct namespace **namespaces; /* sorted by name */
	size_t nnamespaces, namespaces_cap;
	struct endpoint **endpoints;   /* sorted by display name */
	size_t nendpoints, endpoints_cap;
	struct endpoint **host_net;    /* hostNetwork pods and workloads (not endpoints) */
	size_t nhost_net, host_net_cap;
	struct policy **policies;      /* in input order; invalid ones included, flagged */
	size_t npolicies, policies_cap;
	struct service **services;
	size_t nservices, services_cap;
	struct unmodelled *unmodelled; /* in input order */
	size_t nunmodelled, unmodelled_cap;
	struct unmodelled_kind *unmodelled_kinds; /* arena */
	size_t nunmodelled_kinds;
	struct custom_obj *custom; /* sorted by namespace, then input order, once loaded */
	size_t ncustom, custom_cap;
	size_t nfiles;
	size_t parts; /* file parts parsed side by side and merged (load.c); 0: one parser */
	bool has_unknown_labels; /* some endpoint has a label value set at run time (fold.c) */
	/* Keys with a value set at run time beyond the controllers' own (fold.c knows
	 * those): what operators' tables mark so (operators.c), distinct. */
	const char **unknown_keys;
	size_t nunknown_keys;
	bool no_fold;  /* from model_options */
	/* Private to the decoder. */
	bool decoding_kept, kept_unit;
	/* Private to loading: the distinct strings kept and what validation learned of
	 * them (intern.h); freed once the model is built. */
	struct intern *intern;
	/* Private to loading: the findings of the policies validated on loader threads,
	 * in policy order (NULL when none were); released once the model is built. */
	struct diag *checked;
	/* The policy tiers and Nodes (tiers.h), or NULL when the input has none. */
	struct tiers *tiers;
};

/*
 * Build the model from sources in memory, in this order, as if read from files of these
 * names: decode every document, validate policies, index. Problems are reported to d;
 * the model holds whatever could be read. Returns 0, or -1 if some input could not be
 * parsed (d->input_error is set too). The sources' names and bytes stay the caller's and
 * are only read while it runs (the model copies what it keeps).
 */
struct source {
	const char *name; /* display name: positions and messages say it */
	const char *buf;  /* len bytes, no NUL needed; NULL when len is 0 */
	size_t len;
};
int model_load_sources(struct model *m, struct arena *a, struct diag *d,
		       const struct source *srcs, size_t n, const struct model_options *opt);
/*
 * The same from paths (a file, a directory walked recursively and sorted, or "-" for
 * stdin): each file read in its turn, within opt's byte limits, into the build that
 * model_load_sources runs. Returns -1 also if some path could not be read.
 */
int model_load(struct model *m, struct arena *a, struct diag *d, const char *const *paths,
	       size_t npaths, const struct model_options *opt);
void model_free(struct model *m);

struct namespace *model_namespace(const struct model *m, const char *name);
/* The first custom resource of the input in namespace ns (input order), and how many
 * there are in *count; NULL when none. */
const struct custom_obj *model_custom_in(const struct model *m, const char *ns,
					 size_t *count);
/* An unmodelled policy kind of the input that may select pods of namespace ns (one in
 * ns, or a cluster-wide one), or NULL. */
const struct unmodelled_kind *model_unmodelled_for(const struct model *m, const char *ns);

/* Selector matching (labelsel.c). A selector with node == NULL matches everything
 * only where the caller decides so; selector_matches treats it as {}. */
bool selector_matches(const struct selector *s, const struct labels *l);
/* True for a present selector with no requirement ({}), or absent. */
bool selector_is_empty(const struct selector *s);

#endif

/* The YAML tree → model objects: NetworkPolicy (strictly, against its schema), Namespace,
 * Pod, Service, the workloads' pod templates, and List wrappers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "intern.h"
#include "kinds.h"
#include "load_int.h"
#include "operators.h"
#include "tiers.h"
#include "validate.h"

/*
 * The NetworkPolicy schema as data: which fields exist and what type each has. One
 * walk over it reports unknown fields and wrong types; the extraction below can then
 * trust the shapes it reads.
 */
enum ftype { F_ANY, F_STR, F_INT, F_INT_OR_STR, F_BOOL, F_MAP, F_SEQ, F_STRMAP, F_STRSEQ };

struct field {
	const char *name;
	enum ftype type;
	const struct field *sub; /* F_MAP: its fields; F_SEQ: the item's fields */
};

static const struct field f_expr[] = {
	{ "key", F_STR, NULL }, { "operator", F_STR, NULL }, { "values", F_STRSEQ, NULL },
	{ NULL, F_ANY, NULL }
};
static const struct field f_selector[] = {
	{ "matchLabels", F_STRMAP, NULL }, { "matchExpressions", F_SEQ, f_expr },
	{ NULL, F_ANY, NULL }
};
static const struct field f_ipblock[] = {
	{ "cidr", F_STR, NULL }, { "except", F_STRSEQ, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_peer[] = {
	{ "podSelector", F_MAP, f_selector }, { "namespaceSelector", F_MAP, f_selector },
	{ "ipBlock", F_MAP, f_ipblock }, { NULL, F_ANY, NULL }
};
static const struct field f_port[] = {
	{ "protocol", F_STR, NULL }, { "port", F_INT_OR_STR, NULL }, { "endPort", F_INT, NULL },
	{ NULL, F_ANY, NULL }
};
static const struct field f_ingress[] = {
	{ "from", F_SEQ, f_peer }, { "ports", F_SEQ, f_port }, { NULL, F_ANY, NULL }
};
static const struct field f_egress[] = {
	{ "to", F_SEQ, f_peer }, { "ports", F_SEQ, f_port }, { NULL, F_ANY, NULL }
};
static const struct field f_spec[] = {
	{ "podSelector", F_MAP, f_selector }, { "ingress", F_SEQ, f_ingress },
	{ "egress", F_SEQ, f_egress }, { "policyTypes", F_STRSEQ, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_owner[] = {
	{ "apiVersion", F_STR, NULL }, { "kind", F_STR, NULL }, { "name", F_STR, NULL },
	{ "uid", F_STR, NULL }, { "controller", F_BOOL, NULL },
	{ "blockOwnerDeletion", F_BOOL, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_meta[] = {
	{ "name", F_STR, NULL }, { "generateName", F_STR, NULL }, { "namespace", F_STR, NULL },
	{ "selfLink", F_STR, NULL }, { "uid", F_STR, NULL }, { "resourceVersion", F_STR, NULL },
	{ "generation", F_INT, NULL }, { "creationTimestamp", F_ANY, NULL },
	{ "deletionTimestamp", F_ANY, NULL }, { "deletionGracePeriodSeconds", F_INT, NULL },
	{ "labels", F_STRMAP, NULL }, { "annotations", F_STRMAP, NULL },
	{ "ownerReferences", F_SEQ, f_owner }, { "finalizers", F_STRSEQ, NULL },
	{ "managedFields", F_ANY, NULL }, { "clusterName", F_STR, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_netpol[] = {
	{ "apiVersion", F_STR, NULL }, { "kind", F_STR, NULL }, { "metadata", F_MAP, f_meta },
	{ "spec", F_MAP, f_spec }, { "status", F_ANY, NULL }, { NULL, F_ANY, NULL }
};

static const char *const type_names[] = {
	[F_ANY] = "any", [F_STR] = "string", [F_INT] = "integer",
	[F_INT_OR_STR] = "integer or string", [F_BOOL] = "boolean", [F_MAP] = "object",
	[F_SEQ] = "array", [F_STRMAP] = "object", [F_STRSEQ] = "array",
};

struct walk {
	struct model *m;
	struct object *obj;
	struct strbuf path;
};

/* A wrong value is reported at its key (SPEC §4), a wrong list item at the item. */
static void type_error(struct walk *w, const struct ynode *at, const struct ynode *n,
		       enum ftype want)
{
	struct ypos pos = at->pos;
	diag_report(w->m->diag, RULE_INVALID_SPEC, &pos, &w->obj->dobj,
		    "%s: Invalid type: got %s, expected %s", w->path.buf, ynode_kind_name(n),
		    type_names[want]);
	w->obj->invalid = true;
	w->m->diag->input_error = true;
}

/*
 * Does a scalar fit a field of type t? Kubernetes decodes YAML through JSON (yaml11.c):
 * a plain 5 is a number and a plain yes a boolean, neither a string; 80.0 and 0800 are
 * numbers an integer field takes; quoted, any of them is a string.
 */
static bool scalar_ok(const struct ynode *n, enum ftype t)
{
	struct y11_value v;
	long long i;
	if (n->kind != YN_SCALAR)
		return false;
	enum y11_type y = ynode_resolve(n, &v);
	bool is_int = !yaml11_int(&v, &i) && i >= INT32_MIN && i <= INT32_MAX;
	switch (t) {
	case F_STR:
		return y == Y11_STR;
	case F_INT:
		return is_int;
	case F_INT_OR_STR:
		return is_int || y == Y11_STR;
	case F_BOOL:
		return y == Y11_BOOL;
	default:
		return true;
	}
}

static void check_fields(struct walk *w, const struct ynode *n, const struct field *fields);

/* The path grows by "[key]" or "[index]" for every map entry and list item checked, and
 * is printed only on an error: no printf here. */
static void path_key(struct walk *w, const char *key)
{
	strbuf_addch(&w->path, '[');
	strbuf_addstr(&w->path, key);
	strbuf_addch(&w->path, ']');
}

static void path_index(struct walk *w, size_t i)
{
	strbuf_addch(&w->path, '[');
	strbuf_add_uint(&w->path, i);
	strbuf_addch(&w->path, ']');
}

static void check_value(struct walk *w, const struct ynode *at, const struct ynode *v,
			const struct field *f)
{
	size_t base = w->path.len;
	if (ynode_is_null(v))
		return; /* null is "absent" for every optional field */
	switch (f->type) {
	case F_ANY:
		break;
	case F_STR:
	case F_INT:
	case F_INT_OR_STR:
	case F_BOOL:
		if (!scalar_ok(v, f->type))
			type_error(w, at, v, f->type);
		break;
	case F_MAP:
		if (v->kind != YN_MAP)
			type_error(w, at, v, f->type);
		else
			check_fields(w, v, f->sub);
		break;
	case F_STRMAP:
		if (v->kind != YN_MAP) {
			type_error(w, at, v, f->type);
			break;
		}
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1];
			if (k->kind != YN_SCALAR) {
				type_error(w, k, k, F_STR);
				continue;
			}
			path_key(w, k->str);
			if (!ynode_is_null(val) && !scalar_ok(val, F_STR))
				type_error(w, k, val, F_STR);
			strbuf_setlen(&w->path, base);
		}
		break;
	case F_SEQ:
	case F_STRSEQ:
		if (v->kind != YN_SEQ) {
			type_error(w, at, v, f->type);
			break;
		}
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *item = v->kids[i];
			path_index(w, i);
			if (f->type == F_STRSEQ) {
				if (ynode_is_null(item) || !scalar_ok(item, F_STR))
					type_error(w, item, item, F_STR);
			} else if (ynode_is_null(item)) {
				/* a null item decodes as an empty object */
			} else if (item->kind != YN_MAP) {
				type_error(w, item, item, F_MAP);
			} else {
				check_fields(w, item, f->sub);
			}
			strbuf_setlen(&w->path, base);
		}
		break;
	}
}

static void check_fields(struct walk *w, const struct ynode *n, const struct field *fields)
{
	size_t base = w->path.len;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->kids[2 * i], *v = n->kids[2 * i + 1];
		const struct field *f = NULL;
		if (k->kind == YN_SCALAR)
			for (const struct field *p = fields; p->name; p++)
				if (p->name[0] == k->str[0] && !strcmp(p->name, k->str))
					f = p;
		if (base)
			strbuf_addch(&w->path, '.');
		strbuf_addstr(&w->path, k->kind == YN_SCALAR ? k->str : "?");
		const struct ynode *dup = NULL;
		for (size_t j = 0; j < i && k->kind == YN_SCALAR; j++)
			if (n->kids[2 * j]->kind == YN_SCALAR && n->kids[2 * j]->str[0] == k->str[0] &&
			    !strcmp(n->kids[2 * j]->str, k->str))
				dup = n->kids[2 * j];
		if (dup) {
			/* sigs.k8s.io/yaml refuses a mapping with a repeated key. */
			diag_report(w->m->diag, RULE_YAML_SYNTAX, &k->pos, &w->obj->dobj,
				    "mapping key \"%s\" already defined at line %d", k->str,
				    dup->pos.line);
			w->obj->invalid = true;
		} else if (!f) {
			diag_report(w->m->diag, RULE_UNKNOWN_FIELD, &k->pos, &w->obj->dobj,
				    "unknown field \"%s\"", w->path.buf);
		} else {
			check_value(w, k, v, f);
		}
		strbuf_setlen(&w->path, base);
	}
}

/*
 * Fields of pods, workloads and their status that npcheck never reads. Their values are
 * parsed (to find errors) but not built into the tree, which is most of a cluster
 * dump's bulk. None of them is a NetworkPolicy field, so a policy that carries one still
 * gets its unknown-field finding (the key is kept; its value reads as null).
 */
const char *const k8s_skip_keys[] = {
	"managedFields", "resources", "strategy", "updateStrategy", "conditions",
	"securityContext", "env", "envFrom", "volumes", "volumeMounts", "volumeClaimTemplates",
	"livenessProbe", "readinessProbe", "startupProbe", "affinity", "tolerations",
	"lifecycle", "args", "command", "containerStatuses", "initContainerStatuses",
	"ephemeralContainerStatuses", "topologySpreadConstraints", "imagePullSecrets",
	"dnsConfig", "hostAliases", "readinessGates", "rollingUpdate", "persistentVolumeClaimRetentionPolicy",
	NULL
};

/*
 * What each kind needs built, once its kind is read (kubectl writes kind before
 * metadata, spec and status). NetworkPolicy and List kinds are built whole; a kind
 * npcheck does not read keeps only its root scalars.
 */
static const struct ypath p_ports[] = { { "ports", true, NULL }, { NULL, false, NULL } };
static const struct ypath p_containers[] = { { "[]", false, p_ports }, { NULL, false, NULL } };
static const struct ypath p_pod_spec[] = {
	{ "hostNetwork", true, NULL }, { "containers", false, p_containers },
	{ "initContainers", false, p_containers }, { NULL, false, NULL }
};
static const struct ypath p_template[] = {
	{ "metadata", true, NULL }, { "spec", false, p_pod_spec }, { NULL, false, NULL }
};
static const struct ypath p_job_spec[] = {
	{ "template", false, p_template }, { "manualSelector", true, NULL }, { NULL, false, NULL }
};
static const struct ypath p_job_template[] = { { "spec", false, p_job_spec }, { NULL, false, NULL } };
static const struct ypath p_workload_spec[] = {
	{ "template", false, p_template }, { "jobTemplate", false, p_job_template },
	{ "replicas", true, NULL }, { "ordinals", true, NULL }, { "manualSelector", true, NULL },
	{ NULL, false, NULL }
};
static const struct ypath p_workload[] = {
	{ "metadata", true, NULL }, { "spec", false, p_workload_spec }, { NULL, false, NULL }
};
static const struct ypath p_pod_status[] = {
	{ "podIP", true, NULL }, { "podIPs", true, NULL }, { NULL, false, NULL }
};
static const struct ypath p_pod[] = {
	{ "metadata", true, NULL }, { "spec", false, p_pod_spec },
	{ "status", false, p_pod_status }, { NULL, false, NULL }
};
static const struct ypath p_service_spec[] = {
	{ "selector", true, NULL }, { "ports", true, NULL }, { "clusterIP", true, NULL },
	{ "clusterIPs", true, NULL }, { NULL, false, NULL }
};
static const struct ypath p_service[] = {
	{ "metadata", true, NULL }, { "spec", false, p_service_spec }, { NULL, false, NULL }
};
static const struct ypath p_namespace[] = { { "metadata", true, NULL }, { NULL, false, NULL } };
/* A kind npcheck does not know may still be a workload by its shape (Argo Rollouts'
 * Rollout, OpenKruise's CloneSet, ...): its metadata and spec.template are built. */
static const struct ypath p_shape_spec[] = {
	{ "template", false, p_template }, { "replicas", true, NULL }, { NULL, false, NULL }
};
static const struct ypath p_shape[] = {
	{ "metadata", true, NULL }, { "spec", false, p_shape_spec }, { NULL, false, NULL }
};
static const struct ypath p_node_status[] = { { "addresses", true, NULL }, { NULL, false, NULL } };
static const struct ypath p_node[] = {
	{ "metadata", true, NULL }, { "status", false, p_node_status }, { NULL, false, NULL }
};

/* ---- extraction ---- */

/*
 * Only NetworkPolicy trees are kept after decoding (lint points into every field of
 * them); other objects' trees are freed as soon as they are decoded, so what the model
 * keeps of them is copied: strings into the model's arena, and the few nodes it points
 * at for positions as childless clones.
 */
static const char *str_of(const struct ynode *n)
{
	return n && n->kind == YN_SCALAR ? ynode_str(n) : NULL;
}

/* Kept strings are interned: pods repeat their label keys and values, namespaces,
 * port names and owners thousands of times, and the model holds each once. */
static const char *keep_str(struct model *m, const char *s)
{
	if (!s || m->decoding_kept)
		return s;
	if (!m->intern)
		m->intern = intern_new(m->arena);
	return intern_str(m->intern, s, strlen(s));
}

/* The same for a string that is rarely repeated (an IP address). */
static const char *keep_unique(struct model *m, const char *s)
{
	return s && !m->decoding_kept ? arena_strdup(m->arena, s) : s;
}

static const struct ynode *keep_node(struct model *m, const struct ynode *n)
{
	if (!n || m->decoding_kept)
		return n;
	struct ynode *c = ARENA_NEW(m->arena, struct ynode);
	c->kind = n->kind;
	c->plain = n->plain;
	c->tag = n->tag;
	c->pos = n->pos;
	if (n->kind == YN_SCALAR) {
		c->str = arena_strndup(m->arena, n->str, n->len);
		c->len = n->len;
	}
	return c;
}

/* The same for a scalar whose text repeats (a namespace): the text is interned. */
static const struct ynode *keep_shared_node(struct model *m, const struct ynode *n)
{
	if (!n || m->decoding_kept || n->kind != YN_SCALAR)
		return keep_node(m, n);
	struct ynode *c = ARENA_NEW(m->arena, struct ynode);
	*c = *n;
	c->n = 0;
	c->kids = NULL;
	if (!m->intern)
		m->intern = intern_new(m->arena);
	c->str = intern_str(m->intern, n->str, n->len);
	return c;
}

/* Label sets at most this long are shared: read into a buffer on the stack first. */
#define SHARED_LABELS 32

static void decode_labels(struct model *m, const struct ynode *n, struct labels *out)
{
	size_t k = 0;
	struct kv buf[SHARED_LABELS];
	out->n = 0;
	out->kv = NULL;
	if (!n || n->kind != YN_MAP || n->n == 0)
		return;
	/* Outside kept trees the strings are interned and the nodes NULL: then equal
	 * label sets (pods of one app) are one array, interned too. Nobody changes a
	 * decoded object's labels in place. */
	bool share = !m->decoding_kept && n->n <= SHARED_LABELS;
	out->kv = share ? buf : ARENA_ARRAY(m->arena, struct kv, n->n);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *key = n->kids[2 * i], *val = n->kids[2 * i + 1];
		if (key->kind != YN_SCALAR || val->kind != YN_SCALAR)
			continue;
		out->kv[k].key = keep_str(m, key->str);
		out->kv[k].val = ynode_is_null(val) ? "" : keep_str(m, val->str);
		out->kv[k].node = m->decoding_kept ? key : NULL;
		k++;
	}
	out->n = k;
	if (share)
		out->kv = k ? (struct kv *)intern_block(m->intern, buf, sizeof(*buf) * k) : NULL;
}

static void decode_selector(struct model *m, const struct ynode *parent, const char *key,
			    struct selector *s)
{
	const struct ynode *n = ynode_get(parent, key);
	memset(s, 0, sizeof(*s));
	if (!n || n->kind != YN_MAP)
		return;
	s->node = n;
	s->key_node = ynode_key(parent, key);
	struct labels l;
	decode_labels(m, ynode_get(n, "matchLabels"), &l);
	s->ml = l.kv;
	s->nml = l.n;
	const struct ynode *ex = ynode_get(n, "matchExpressions");
	if (!ex || ex->kind != YN_SEQ || ex->n == 0)
		return;
	s->exprs = ARENA_ARRAY(m->arena, struct sel_expr, ex->n);
	for (size_t i = 0; i < ex->n; i++) {
		const struct ynode *it = ex->kids[i];
		struct sel_expr *e = &s->exprs[s->nexprs++];
		static const char *const ops[] = { "In", "NotIn", "Exists", "DoesNotExist" };
		e->node = it;
		e->key = str_of(ynode_get(it, "key"));
		e->op_text = str_of(ynode_get(it, "operator"));
		e->op = SEL_BAD_OP;
		for (int o = 0; o < 4; o++)
			if (e->op_text && !strcmp(e->op_text, ops[o]))
				e->op = (enum sel_op)o;
		const struct ynode *vals = ynode_get(it, "values");
		if (vals && vals->kind == YN_SEQ) {
			e->values_node = ynode_key(it, "values");
			e->values = ARENA_ARRAY(m->arena, const char *, vals->n ? vals->n : 1);
			for (size_t j = 0; j < vals->n; j++)
				if (vals->kids[j]->kind == YN_SCALAR)
					e->values[e->nvalues++] = vals->kids[j]->str;
		}
	}
}

static void decode_peer(struct model *m, const struct ynode *it, struct peer *p)
{
	p->node = it;
	decode_selector(m, it, "podSelector", &p->pod_sel);
	decode_selector(m, it, "namespaceSelector", &p->ns_sel);
	const struct ynode *ib = ynode_get(it, "ipBlock");
	if (!ib || ib->kind != YN_MAP)
		return;
	p->ipb = ARENA_NEW(m->arena, struct ipblock);
	p->ipb->node = ib;
	p->ipb->key_node = ynode_key(it, "ipBlock");
	p->ipb->cidr = str_of(ynode_get(ib, "cidr"));
	p->ipb->cidr_key = ynode_key(ib, "cidr");
	const struct ynode *ex = ynode_get(ib, "except");
	if (ex && ex->kind == YN_SEQ && ex->n) {
		p->ipb->except = ARENA_ARRAY(m->arena, const char *, ex->n);
		p->ipb->except_nodes = ARENA_ARRAY(m->arena, const struct ynode *, ex->n);
		for (size_t i = 0; i < ex->n; i++) {
			if (ex->kids[i]->kind != YN_SCALAR)
				continue;
			p->ipb->except[p->ipb->nexcept] = ex->kids[i]->str;
			p->ipb->except_nodes[p->ipb->nexcept++] = ex->kids[i];
		}
	}
}

static void decode_port(const struct ynode *it, struct np_port *p)
{
	long long v;
	struct y11_value y;
	p->node = it;
	p->proto_key = ynode_key(it, "protocol");
	p->proto_text = str_of(ynode_get(it, "protocol"));
	p->proto = -1;
	const struct ynode *port = ynode_get(it, "port");
	p->port_key = ynode_key(it, "port");
	if (port && !ynode_is_null(port) && port->kind == YN_SCALAR) {
		p->has_port = true;
		if (ynode_resolve(port, &y) == Y11_STR)
			p->port_name = port->str;
		else if (!yaml11_int(&y, &v))
			p->port = v < -1 ? -1 : v > 1000000 ? 1000000 : (int)v;
		else
			p->port_name = port->str; /* a type error already */
	}
	const struct ynode *end = ynode_get(it, "endPort");
	p->end_port_key = ynode_key(it, "endPort");
	if (end && !ynode_int(end, &v)) {
		p->has_end_port = true;
		p->end_port = v < -1 ? -1 : v > 1000000 ? 1000000 : (int)v;
	}
}

static void decode_rules(struct model *m, struct policy *p, const struct ynode *spec,
			 enum direction dir)
{
	const char *key = dir == DIR_INGRESS ? "ingress" : "egress";
	const char *peers_key = dir == DIR_INGRESS ? "from" : "to";
	const struct ynode *list = ynode_get(spec, key);
	p->rules_key[dir] = ynode_key(spec, key);
	p->rules_given[dir] = p->rules_key[dir] != NULL && !ynode_is_null(list);
	if (!list || list->kind != YN_SEQ || list->n == 0)
		return;
	p->rules[dir] = ARENA_ARRAY(m->arena, struct np_rule, list->n);
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *it = list->kids[i];
		struct np_rule *r = &p->rules[dir][p->nrules[dir]++];
		r->node = it;
		r->index = (int)i;
		const struct ynode *peers = ynode_get(it, peers_key);
		r->peers_key = ynode_key(it, peers_key);
		r->peers_given = peers && !ynode_is_null(peers);
		if (peers && peers->kind == YN_SEQ && peers->n) {
			r->peers = ARENA_ARRAY(m->arena, struct peer, peers->n);
			for (size_t j = 0; j < peers->n; j++)
				decode_peer(m, peers->kids[j], &r->peers[r->npeers++]);
		}
		const struct ynode *ports = ynode_get(it, "ports");
		r->ports_key = ynode_key(it, "ports");
		r->ports_given = ports && !ynode_is_null(ports);
		if (ports && ports->kind == YN_SEQ && ports->n) {
			r->ports = ARENA_ARRAY(m->arena, struct np_port, ports->n);
			for (size_t j = 0; j < ports->n; j++)
				decode_port(ports->kids[j], &r->ports[r->nports++]);
		}
	}
}

static void decode_policy(struct model *m, struct object *o, const struct ynode *doc)
{
	struct walk w = { m, o, STRBUF_INIT };
	check_fields(&w, doc, f_netpol);
	strbuf_release(&w.path);

	struct policy *p = ARENA_NEW(m->arena, struct policy);
	p->obj = o;
	const struct ynode *spec = ynode_get(doc, "spec");
	p->spec_node = spec;
	if (spec && spec->kind == YN_MAP) {
		decode_selector(m, spec, "podSelector", &p->pod_sel);
		p->types_key = ynode_key(spec, "policyTypes");
		const struct ynode *types = ynode_get(spec, "policyTypes");
		p->types_given = types && !ynode_is_null(types);
		if (types && types->kind == YN_SEQ && types->n) {
			p->type_nodes = ARENA_ARRAY(m->arena, const struct ynode *, types->n);
			for (size_t i = 0; i < types->n; i++)
				p->type_nodes[p->ntypes++] = types->kids[i];
		}
		decode_rules(m, p, spec, DIR_INGRESS);
		decode_rules(m, p, spec, DIR_EGRESS);
	}
	p->invalid = o->invalid;
	XGROW(m->policies, m->policies_cap, m->npolicies + 1);
	m->policies[m->npolicies++] = p;
}

/* ---- other kinds: read leniently, only what the analysis needs ---- */

static void expect_kind(struct model *m, struct object *o, const struct ynode *n,
			enum ynode_kind k, const char *path)
{
	if (!n || ynode_is_null(n) || n->kind == k)
		return;
	diag_report(m->diag, RULE_INVALID_SPEC, &n->pos, &o->dobj,
		    "%s: Invalid type: got %s, expected %s", path, ynode_kind_name(n),
		    k == YN_MAP ? "object" : k == YN_SEQ ? "array" : "string");
	o->invalid = true;
	m->diag->input_error = true;
}

/*
 * Label, annotation and selector values are strings. Written plain, yes, 5 or 1.5 is not
 * one: kubectl's JSON step makes it a boolean or a number, and the object is rejected
 * ("cannot unmarshal bool into ... of type string"). Reported at the key, as for policies.
 */
static void expect_strings(struct model *m, struct object *o, const struct ynode *map,
			   const char *path)
{
	if (!map || map->kind != YN_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
		struct y11_value y;
		if (ynode_is_null(v) || (v->kind == YN_SCALAR && ynode_resolve(v, &y) == Y11_STR))
			continue;
		diag_report(m->diag, RULE_INVALID_SPEC, &k->pos, &o->dobj,
			    "%s[%s]: Invalid type: got %s, expected string", path,
			    k->kind == YN_SCALAR ? k->str : "?", ynode_kind_name(v));
		o->invalid = true;
		m->diag->input_error = true;
	}
}

/* The same for the named string fields of a mapping. */
static void expect_strings_of(struct model *m, struct object *o, const struct ynode *map,
			      const char *const *keys, const char *path)
{
	for (; *keys; keys++) {
		const struct ynode *v = ynode_get(map, *keys);
		struct y11_value y;
		if (ynode_is_null(v) || (v->kind == YN_SCALAR && ynode_resolve(v, &y) == Y11_STR))
			continue;
		diag_report(m->diag, RULE_INVALID_SPEC, &ynode_key(map, *keys)->pos, &o->dobj,
			    "%s.%s: Invalid type: got %s, expected string", path, *keys,
			    ynode_kind_name(v));
		o->invalid = true;
		m->diag->input_error = true;
	}
}

static const char *const meta_strings[] = { "name", "namespace", "generateName", NULL };

static void decode_ips(struct model *m, const struct ynode *status, struct ip_addr **out,
		       size_t *n)
{
	const struct ynode *list = ynode_get(status, "podIPs");
	const char *one = str_of(ynode_get(status, "podIP"));
	/* podIP is read only when no item of podIPs is: room for the larger of the two. */
	size_t cap = list && list->kind == YN_SEQ && list->n ? list->n : 1;
	*out = ARENA_ARRAY(m->arena, struct ip_addr, cap);
	*n = 0;
	for (size_t i = 0; list && list->kind == YN_SEQ && i < list->n; i++) {
		const char *s = str_of(ynode_get(list->kids[i], "ip"));
		struct ip_addr a;
		if (s && !ip_parse(s, false, &a.family, &a.addr)) {
			a.text = keep_unique(m, s);
			bool dup = false;
			for (size_t j = 0; j < *n; j++)
				dup |= (*out)[j].family == a.family && (*out)[j].addr == a.addr;
			if (!dup)
				(*out)[(*n)++] = a;
		}
	}
	if (one && *n == 0) {
		struct ip_addr a;
		if (!ip_parse(one, false, &a.family, &a.addr)) {
			a.text = keep_unique(m, one);
			(*out)[(*n)++] = a;
		}
	}
}

/* A pod spec (of a Pod or a template): container ports and hostNetwork. */
static void decode_pod_spec(struct model *m, struct object *o, const struct ynode *spec,
			    const char *path, struct endpoint *e)
{
	bool hn = false;
	expect_kind(m, o, spec, YN_MAP, "spec");
	if (!spec || spec->kind != YN_MAP)
		return;
	/* YAML 1.1: hostNetwork: yes (or on, y, True) is true. */
	const struct ynode *hnn = ynode_get(spec, "hostNetwork");
	if (!ynode_bool(hnn, &hn)) {
		e->host_network = hn;
	} else if (!ynode_is_null(hnn)) {
		diag_report(m->diag, RULE_INVALID_SPEC, &ynode_key(spec, "hostNetwork")->pos,
			    &o->dobj, "%s.hostNetwork: Invalid type: got %s, expected boolean",
			    path, ynode_kind_name(hnn));
		o->invalid = true;
		m->diag->input_error = true;
	}
	size_t total = 0;
	static const char *const lists[] = { "containers", "initContainers" };
	for (int l = 0; l < 2; l++) {
		const struct ynode *cs = ynode_get(spec, lists[l]);
		expect_kind(m, o, cs, YN_SEQ, lists[l]);
		total += k8s_container_ports_count(cs);
	}
	if (!total)
		return;
	e->ports = ARENA_ARRAY(m->arena, struct container_port, total);
	for (int l = 0; l < 2; l++)
		k8s_add_container_ports(m, ynode_get(spec, lists[l]), e);
}

size_t k8s_container_ports_count(const struct ynode *cs)
{
	size_t total = 0;
	for (size_t i = 0; cs && cs->kind == YN_SEQ && i < cs->n; i++) {
		const struct ynode *ps = ynode_get(cs->kids[i], "ports");
		if (ps && ps->kind == YN_SEQ)
			total += ps->n;
	}
	return total;
}

void k8s_add_container_ports(struct model *m, const struct ynode *cs, struct endpoint *e)
{
	for (size_t i = 0; cs && cs->kind == YN_SEQ && i < cs->n; i++) {
		const struct ynode *ps = ynode_get(cs->kids[i], "ports");
		for (size_t j = 0; ps && ps->kind == YN_SEQ && j < ps->n; j++) {
			const struct ynode *it = ps->kids[j];
			long long v;
			if (ynode_int(ynode_get(it, "containerPort"), &v) || v < 1 || v > 65535)
				continue;
			struct container_port *cp = &e->ports[e->nports++];
			cp->port = (int)v;
			cp->name = keep_str(m, str_of(ynode_get(it, "name")));
			const char *pr = str_of(ynode_get(it, "protocol"));
			cp->proto = pr ? proto_parse(pr) : PROTO_TCP;
			cp->node = m->decoding_kept ? it : NULL;
		}
	}
}


/* A workload or Pod becomes a provisional endpoint; model.c folds them by owner. */
static struct endpoint *new_endpoint(struct model *m, struct object *o)
{
	struct endpoint *e = ARENA_NEW(m->arena, struct endpoint);
	e->ns = o->ns;
	e->name = o->name;
	e->kind = o->kind;
	e->obj = o;
	return e;
}

static void add_endpoint(struct model *m, struct endpoint *e)
{
	XGROW(m->endpoints, m->endpoints_cap, m->nendpoints + 1);
	m->endpoints[m->nendpoints++] = e;
}

static void decode_workload(struct model *m, struct object *o, const struct ynode *doc,
			    const char *tpath)
{
	const struct ynode *tpl = ynode_path(doc, tpath);
	struct endpoint *e = new_endpoint(m, o);
	expect_kind(m, o, tpl, YN_MAP, tpath);
	const struct ynode *md = ynode_get(tpl, "metadata");
	expect_kind(m, o, md, YN_MAP, "metadata");
	const struct ynode *lab = ynode_get(md, "labels");
	expect_kind(m, o, lab, YN_MAP, "labels");
	char path[64];
	snprintf(path, sizeof(path), "%s.metadata.labels", tpath);
	expect_strings(m, o, lab, path);
	decode_labels(m, lab, &e->labels);
	snprintf(path, sizeof(path), "%s.spec", tpath);
	decode_pod_spec(m, o, ynode_get(tpl, "spec"), path, e);
	/* What fold.c needs to give the pods the labels their controller adds. */
	const struct ynode *spec = ynode_get(doc, "spec");
	long long v;
	e->replicas = -1;
	/* Both are int32 in the API; anything else is left at its default. */
	if (!ynode_int(ynode_get(spec, "replicas"), &v) && v >= 0 && v <= INT32_MAX)
		e->replicas = v;
	if (!ynode_int(ynode_path(doc, "spec.ordinals.start"), &v) && v >= 0 && v <= INT32_MAX)
		e->ordinal_start = v;
	bool manual = false;
	const struct ynode *ms = ynode_get(spec, "manualSelector");
	if (!ms)
		ms = ynode_path(doc, "spec.jobTemplate.spec.manualSelector");
	if (!ynode_bool(ms, &manual))
		e->manual_selector = manual;
	add_endpoint(m, e);
}

static void decode_pod(struct model *m, struct object *o, const struct ynode *doc)
{
	struct endpoint *e = new_endpoint(m, o);
	e->labels = o->labels;
	e->is_pod = true;
	e->npods = 1;
	decode_pod_spec(m, o, ynode_get(doc, "spec"), "spec", e);
	const struct ynode *st = ynode_get(doc, "status");
	if (st && st->kind == YN_MAP)
		decode_ips(m, st, &e->ips, &e->nips);
	add_endpoint(m, e);
}

static void decode_service(struct model *m, struct object *o, const struct ynode *doc)
{
	struct service *s = ARENA_NEW(m->arena, struct service);
	const struct ynode *spec = ynode_get(doc, "spec");
	s->obj = o;
	expect_kind(m, o, spec, YN_MAP, "spec");
	const struct ynode *sel = ynode_get(spec, "selector");
	expect_kind(m, o, sel, YN_MAP, "spec.selector");
	expect_strings(m, o, sel, "spec.selector");
	if (sel && sel->kind == YN_MAP) {
		s->has_selector = true;
		decode_labels(m, sel, &s->selector);
	}
	const struct ynode *ps = ynode_get(spec, "ports");
	expect_kind(m, o, ps, YN_SEQ, "spec.ports");
	if (ps && ps->kind == YN_SEQ && ps->n) {
		s->ports = ARENA_ARRAY(m->arena, struct service_port, ps->n);
		for (size_t i = 0; i < ps->n; i++) {
			const struct ynode *it = ps->kids[i];
			long long v;
			if (ynode_int(ynode_get(it, "port"), &v) || v < 1 || v > 65535)
				continue;
			struct service_port *sp = &s->ports[s->nports++];
			sp->node = m->decoding_kept ? it : NULL;
			sp->port = (int)v;
			sp->name = keep_str(m, str_of(ynode_get(it, "name")));
			const char *pr = str_of(ynode_get(it, "protocol"));
			sp->proto = pr ? proto_parse(pr) : PROTO_TCP;
			const struct ynode *tp = ynode_get(it, "targetPort");
			if (!tp || ynode_is_null(tp))
				sp->target_port = sp->port;
			else if (!ynode_int(tp, &v))
				sp->target_port = (int)v;
			else
				sp->target_name = keep_str(m, str_of(tp));
		}
	}
	const struct ynode *ips = ynode_get(spec, "clusterIPs");
	const char *one = str_of(ynode_get(spec, "clusterIP"));
	size_t cap = (ips && ips->kind == YN_SEQ ? ips->n : 0) + 1;
	s->cluster_ips = ARENA_ARRAY(m->arena, struct ip_addr, cap);
	for (size_t i = 0; ips && ips->kind == YN_SEQ && i < ips->n; i++) {
		struct ip_addr a;
		const char *t = str_of(ips->kids[i]);
		if (t && !ip_parse(t, false, &a.family, &a.addr)) {
			a.text = keep_unique(m, t);
			s->cluster_ips[s->ncluster_ips++] = a;
		}
	}
	if (one && !s->ncluster_ips) {
		struct ip_addr a;
		if (!ip_parse(one, false, &a.family, &a.addr)) {
			a.text = keep_unique(m, one);
			s->cluster_ips[s->ncluster_ips++] = a;
		}
	}
	XGROW(m->services, m->services_cap, m->nservices + 1);
	m->services[m->nservices++] = s;
}

/* ---- the kind table ---- */

static void kd_policy(struct model *m, struct object *o, const struct ynode *doc,
		      const struct k8s_kind *k, const struct op_kind *op)
{
	(void)k, (void)op;
	decode_policy(m, o, doc); /* validated after loading (validate_policy) */
}

static void kd_tier(struct model *m, struct object *o, const struct ynode *doc,
		    const struct k8s_kind *k, const struct op_kind *op)
{
	(void)k, (void)op;
	tiers_decode(m, o, doc);
}

static void kd_node(struct model *m, struct object *o, const struct ynode *doc,
		    const struct k8s_kind *k, const struct op_kind *op)
{
	(void)k, (void)op;
	tiers_decode_node(m, o, doc);
}

static void kd_pod(struct model *m, struct object *o, const struct ynode *doc,
		   const struct k8s_kind *k, const struct op_kind *op)
{
	(void)k, (void)op;
	decode_pod(m, o, doc);
}

static void kd_service(struct model *m, struct object *o, const struct ynode *doc,
		       const struct k8s_kind *k, const struct op_kind *op)
{
	(void)k, (void)op;
	decode_service(m, o, doc);
}

static void kd_namespace(struct model *m, struct object *o, const struct ynode *doc,
			 const struct k8s_kind *k, const struct op_kind *op)
{
	(void)m, (void)o, (void)doc, (void)k, (void)op; /* model.c builds namespaces */
}

static void kd_workload(struct model *m, struct object *o, const struct ynode *doc,
			const struct k8s_kind *k, const struct op_kind *op)
{
	(void)op;
	o->workload = true;
	decode_workload(m, o, doc, k->template_path);
}

static void kd_operator(struct model *m, struct object *o, const struct ynode *doc,
			const struct k8s_kind *k, const struct op_kind *op)
{
	(void)k;
	operators_decode(m, o, doc, op);
}

/*
 * The kinds npcheck knows. Those it reads: the one apiVersion the API server serves each
 * under (the beta versions are gone: NetworkPolicy and the apps kinds from
 * extensions/v1beta1 and apps/v1beta1,2 since v1.16, CronJob from batch/v1beta1 since
 * v1.25), whether it is namespaced, how it checks their names, what is built of it and
 * how it is decoded, where a workload's pod template sits, and the labels beyond
 * metadata.labels that the API server validates as labels and npcheck reads (a
 * template's labels, a Service's selector). The policy tiers of policy.networking.k8s.io
 * (tier_decode.c judges their versions), and the Nodes their nodes peers select. Then the
 * kinds that carry network policy npcheck does not model, by API group: they are never
 * skipped silently (SPEC 1); their metadata says where they apply. Calico's
 * NetworkPolicy shares its kind with Kubernetes', so the group decides; a kind of a
 * group is found before a kind of any group, and by name alone the first entry is.
 */
#define TPL_LABELS(t) t ".metadata.labels"
#define READ(kind, api, ns, rule, decode, build, tpl, labels)                              \
	{ kind, NULL, api, ns, false, true, false, rule, decode, build, tpl, labels }
#define WORKLOAD(kind, api, rule, tpl) \
	READ(kind, api, true, rule, kd_workload, p_workload, tpl, TPL_LABELS(tpl))
#define TIER(kind) \
	{ kind, "policy.networking.k8s.io", NULL, false, true, false, false, \
	  NAME_DNS_SUBDOMAIN, kd_tier, NULL, NULL, NULL }
#define UNMODELLED(group, kind, ns) \
	{ kind, group, NULL, ns, false, false, false, NAME_DNS_SUBDOMAIN, NULL, p_namespace, \
	  NULL, NULL }
static const struct k8s_kind kinds[] = {
	{ "NetworkPolicy", NULL, "networking.k8s.io/v1", true, true, false, true,
	  NAME_DNS_SUBDOMAIN, kd_policy, NULL, NULL, NULL },
	READ("Namespace", "v1", false, NAME_DNS_LABEL, kd_namespace, p_namespace, NULL, NULL),
	READ("Pod", "v1", true, NAME_DNS_SUBDOMAIN, kd_pod, p_pod, NULL, NULL),
	READ("Service", "v1", true, NAME_DNS1035_LABEL, kd_service, p_service, NULL,
	     "spec.selector"),
	WORKLOAD("Deployment", "apps/v1", NAME_DNS_SUBDOMAIN, "spec.template"),
	WORKLOAD("ReplicaSet", "apps/v1", NAME_DNS_SUBDOMAIN, "spec.template"),
	WORKLOAD("StatefulSet", "apps/v1", NAME_DNS_SUBDOMAIN, "spec.template"),
	WORKLOAD("DaemonSet", "apps/v1", NAME_DNS_SUBDOMAIN, "spec.template"),
	WORKLOAD("Job", "batch/v1", NAME_DNS_SUBDOMAIN, "spec.template"),
	WORKLOAD("CronJob", "batch/v1", NAME_CRONJOB, "spec.jobTemplate.spec.template"),
	WORKLOAD("ReplicationController", "v1", NAME_DNS_SUBDOMAIN, "spec.template"),
	{ "Node", NULL, "v1", false, false, false, false, NAME_DNS_SUBDOMAIN, kd_node, p_node,
	  NULL, NULL },
	TIER("AdminNetworkPolicy"),
	TIER("BaselineAdminNetworkPolicy"),
	TIER("ClusterNetworkPolicy"),
	UNMODELLED("cilium.io", "CiliumNetworkPolicy", true),
	UNMODELLED("cilium.io", "CiliumClusterwideNetworkPolicy", false),
	UNMODELLED("crd.projectcalico.org", "NetworkPolicy", true),
	UNMODELLED("crd.projectcalico.org", "GlobalNetworkPolicy", false),
	UNMODELLED("projectcalico.org", "NetworkPolicy", true),
	UNMODELLED("projectcalico.org", "GlobalNetworkPolicy", false),
	UNMODELLED("k8s.cni.cncf.io", "MultiNetworkPolicy", true),
	UNMODELLED("crd.antrea.io", "NetworkPolicy", true),
	UNMODELLED("crd.antrea.io", "ClusterNetworkPolicy", false),
	UNMODELLED("networking.gke.io", "FQDNNetworkPolicy", true),
};
/* What is decoded of a kind npcheck does not know: a workload by its shape (Argo
 * Rollouts' Rollout, OpenKruise's CloneSet, ...), or an operator's custom resource that
 * makes pods without a template in it (operators.c); the document names the kind. */
static const struct k8s_kind shape_kind =
	READ(NULL, NULL, true, NAME_DNS_SUBDOMAIN, kd_workload, p_shape, "spec.template",
	     TPL_LABELS("spec.template"));
static const struct k8s_kind operator_kind =
	READ(NULL, NULL, true, NAME_DNS_SUBDOMAIN, kd_operator, NULL, NULL, NULL);

/* Is api_version ("GROUP/VERSION") of this group? */
static bool of_group(const char *api_version, const char *group)
{
	size_t gl = strlen(group);
	return !strncmp(api_version, group, gl) && api_version[gl] == '/';
}

const struct k8s_kind *k8s_kind_find(const char *kind, const char *api_version)
{
	const struct k8s_kind *any = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct k8s_kind *k = &kinds[i];
		/* Called for every document: the first letter rules most rows out. */
		if (k->kind[0] != kind[0] || strcmp(k->kind, kind))
			continue;
		if (!api_version)
			return k;
		if (!k->group && !any)
			any = k;
		else if (k->group && of_group(api_version, k->group))
			return k;
	}
	return any;
}

static const struct k8s_kind *kind_of_any_group(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!kinds[i].group && !strcmp(kinds[i].kind, kind))
			return &kinds[i];
	return NULL;
}

static bool is_list_kind(const char *kind)
{
	size_t kl = strlen(kind);
	return kl >= 4 && !strcmp(kind + kl - 4, "List");
}

/*
 * What each kind needs built, once its kind is read (kubectl writes kind before
 * metadata, spec and status): the table's, a List kind whole, a kind of the operators'
 * table whole (its fields are the table's to name; a custom resource is small), and of
 * a kind npcheck does not know what would make it a workload by its shape.
 */
const struct ypath *k8s_build_paths(const struct model_options *opt, const char *kind)
{
	if (is_list_kind(kind))
		return NULL;
	const struct k8s_kind *k = k8s_kind_find(kind, NULL);
	if (k && k->decode)
		return k->build;
	if (operators_has_kind(opt ? opt->operators : NULL, kind))
		return NULL;
	return k ? k->build : p_shape;
}

/*
 * Is the document's apiVersion (api, or NULL when absent) one the API server serves for
 * kind (want)? If not, the object is reported as kubectl reports it, as an input error,
 * and takes no part. The finding names the object as it would have been read.
 */
static bool api_version_served(struct model *m, const char *file, const struct ynode *doc,
			       const char *kind, bool namespaced, const char *api,
			       const char *want, const struct model_options *opt)
{
	if (api && !strcmp(api, want))
		return true;
	const struct ynode *meta = ynode_get(doc, "metadata");
	const struct ynode *name = ynode_get(meta, "name");
	const char *ns = str_of(ynode_get(meta, "namespace"));
	struct diag_obj dobj = { arena_strdup(m->arena, kind), NULL, NULL, NULL };
	if (str_of(name))
		dobj.name = arena_strdup(m->arena, str_of(name));
	if (namespaced)
		dobj.ns = ns && *ns ? arena_strdup(m->arena, ns)
			: opt && opt->default_ns ? opt->default_ns : "default";
	struct ypos pos = doc->pos;
	pos.file = file;
	if (api) {
		const struct ynode *at = ynode_key(doc, "apiVersion");
		if (at)
			pos = at->pos;
		/* kubectl: `resource mapping not found for name: ...: no matches for kind`. */
		diag_report(m->diag, RULE_INVALID_SPEC, &pos, &dobj,
			    "no matches for kind \"%s\" in version \"%s\"", kind, api);
	} else {
		if (name && name->kind == YN_SCALAR)
			pos = name->pos;
		diag_report(m->diag, RULE_INVALID_SPEC, &pos, &dobj, "apiVersion not set");
	}
	m->diag->input_error = true;
	return false;
}

/* The API server generates the name of an object that has only generateName: it is
 * shown as the prefix with "<generated>" (model.c numbers any that would collide). */
static const char *generated_name(struct model *m, const struct ynode *meta)
{
	const char *gen = str_of(ynode_get(meta, "generateName"));
	if (!gen || !*gen)
		return NULL;
	/* Concatenated by hand: formatting is not free, and pods of a ReplicaSet all
	 * have a generateName. */
	static const char suffix[] = "<generated>";
	size_t n = strlen(gen);
	char *s = arena_alloc_raw(m->arena, n + sizeof(suffix));
	memcpy(s, gen, n);
	memcpy(s + n, suffix, sizeof(suffix));
	return s;
}

/* The metadata every kind's object keeps: name, namespace, labels, the npcheck.io/ignore
 * annotation, the controlling owner. */
static void decode_meta(struct model *m, struct object *o, const struct ynode *meta,
			const struct k8s_kind *k, const struct model_options *opt)
{
	expect_kind(m, o, meta, YN_MAP, "metadata");
	o->name_node = keep_node(m, ynode_get(meta, "name"));
	o->name = str_of(o->name_node);
	if (!o->name || !*o->name) {
		const char *gen = generated_name(m, meta);
		if (gen) {
			o->name = gen;
			o->generated = true;
		}
	}
	o->ns_node = keep_shared_node(m, ynode_get(meta, "namespace"));
	const char *ns = str_of(o->ns_node);
	if (ns && !*ns)
		ns = NULL; /* namespace: "" is no namespace, as kubectl reads it */
	o->ns_given = ns != NULL;
	if (k->namespaced)
		o->ns = ns ? ns : opt && opt->default_ns ? opt->default_ns : "default";
	const struct ynode *lab = ynode_get(meta, "labels");
	const struct ynode *ann = ynode_get(meta, "annotations");
	if (!k->meta_schema) {
		expect_kind(m, o, lab, YN_MAP, "metadata.labels");
		expect_kind(m, o, ann, YN_MAP, "metadata.annotations");
		expect_strings(m, o, lab, "metadata.labels");
		expect_strings(m, o, ann, "metadata.annotations");
		if (meta && meta->kind == YN_MAP)
			expect_strings_of(m, o, meta, meta_strings, "metadata");
	}
	decode_labels(m, lab, &o->labels);
	if (m->decoding_kept) {
		decode_labels(m, ann, &o->annotations);
		o->ignore = labels_get(&o->annotations, "npcheck.io/ignore");
	} else {
		/* Annotations can be large (last-applied-configuration); only one is used. */
		o->ignore = keep_str(m, str_of(ynode_get(ann, "npcheck.io/ignore")));
	}
	if (o->ignore)
		o->ignore_node = keep_node(m, ynode_get(ann, "npcheck.io/ignore"));
	const struct ynode *owners = ynode_get(meta, "ownerReferences");
	for (size_t i = 0; owners && owners->kind == YN_SEQ && i < owners->n; i++) {
		bool ctl = false;
		const struct ynode *it = owners->kids[i];
		if (!ynode_bool(ynode_get(it, "controller"), &ctl) && ctl) {
			o->owner_kind = keep_str(m, str_of(ynode_get(it, "kind")));
			o->owner_name = keep_str(m, str_of(ynode_get(it, "name")));
			if (!o->owner_kind || !o->owner_name)
				o->owner_kind = o->owner_name = NULL;
			break;
		}
	}
}

static void decode_object(struct model *m, const char *file, const struct ynode *doc,
			  const struct k8s_kind *k, const char *api,
			  const struct model_options *opt, const struct op_kind *op)
{
	if (k->api_version &&
	    !api_version_served(m, file, doc, k->kind, k->namespaced, api, k->api_version, opt))
		return;
	struct object *o = ARENA_NEW(m->arena, struct object);
	m->decoding_kept = k->kept;
	/* A kind the table serves at one version is named by the table; any other (a
	 * policy tier, whose version its decoder judges, a workload by its shape, an
	 * operator's kind) by the document, kept. */
	o->kind = k->api_version ? k->kind : keep_str(m, k->kind);
	o->api_version = k->api_version ? k->api_version : keep_str(m, api);
	o->file = file;
	const struct ynode *meta = ynode_get(doc, "metadata");
	o->node = keep_node(m, doc);
	o->meta_node = m->decoding_kept ? meta : NULL;
	decode_meta(m, o, meta, k, opt);
	/* Now, while its strings are in cache: model.c indexes every object by it. */
	if (o->name)
		o->key_hash = model_key_hash(o->kind, o->ns, o->name);
	o->dobj.kind = o->kind;
	o->dobj.ns = o->ns;
	o->dobj.name = o->name;
	o->dobj.ignore = o->ignore;
	XGROW(m->objects, m->objects_cap, m->nobjects + 1);
	m->objects[m->nobjects++] = o;

	if (k->kept)
		m->kept_unit = true;
	k->decode(m, o, doc, k, op);
	/* What could not be decoded never reaches the API server's validation. */
	if (k->check_meta && !o->invalid)
		validate_object_meta(m, o, meta, k, doc);
}

/*
 * kubectl rejects a List it cannot read whole. Its items that have a kind were decoded
 * while the List was still being read (ynode.c hands them over one by one): they are the
 * last objects added from this file at or after the List's start, and take no part.
 */
static void reject_list_items(struct model *m, const char *file, const struct ynode *doc)
{
	for (size_t i = m->nobjects; i-- > 0;) {
		struct object *o = m->objects[i];
		const struct ypos *p = &o->node->pos;
		if (strcmp(o->file, file) || p->line < doc->pos.line ||
		    (p->line == doc->pos.line && p->col < doc->pos.col))
			break;
		o->invalid = true;
	}
}

/* Record an object of an unmodelled policy kind (k); false without an apiVersion. */
static bool note_unmodelled(struct model *m, const char *file, const struct ynode *doc,
			    const struct k8s_kind *k, const struct model_options *opt)
{
	const char *api = str_of(ynode_get(doc, "apiVersion"));
	if (!api || !strchr(api, '/'))
		return false;
	const struct ynode *kn = ynode_get(doc, "kind");
	const char *ns = NULL;
	if (k->namespaced) {
		ns = str_of(ynode_get(ynode_get(doc, "metadata"), "namespace"));
		if (!ns || !*ns)
			ns = opt && opt->default_ns ? opt->default_ns : "default";
	}
	XGROW(m->unmodelled, m->unmodelled_cap, m->nunmodelled + 1);
	m->unmodelled[m->nunmodelled++] = (struct unmodelled){
		.kind = arena_strdup(m->arena, k->kind),
		.api_version = arena_strdup(m->arena, api),
		.ns = ns ? arena_strdup(m->arena, ns) : NULL,
		.pos = { file, (kn ? kn : doc)->pos.line, (kn ? kn : doc)->pos.col },
	};
	if (opt && opt->verbose)
		fprintf(stderr, "%s:%d:%d: not modelled: kind %s (%s)\n", file, doc->pos.line,
			doc->pos.col, k->kind, api);
	return true;
}

/*
 * A namespaced object of a kind npcheck does not read, in an API group outside
 * Kubernetes' own (a group with a dot, not *.k8s.io): a custom resource whose operator
 * may make pods no manifest holds. Recorded for lint's selects-nothing findings; a
 * document without metadata.namespace may be of a cluster-wide kind and is not.
 */
static void note_custom(struct model *m, const char *file, const struct ynode *doc,
			const char *kind, const char *api)
{
	const char *slash = api ? strchr(api, '/') : NULL;
	const char *ns = str_of(ynode_get(ynode_get(doc, "metadata"), "namespace"));
	if (!slash || !ns || !*ns)
		return;
	size_t gl = (size_t)(slash - api);
	const char *dot = memchr(api, '.', gl);
	if (!dot || (gl >= 6 && !memcmp(api + gl - 6, "k8s.io", 6) &&
		     (gl == 6 || api[gl - 7] == '.')))
		return;
	const struct ynode *kn = ynode_get(doc, "kind");
	XGROW(m->custom, m->custom_cap, m->ncustom + 1);
	m->custom[m->ncustom++] = (struct custom_obj){
		.kind = arena_strdup(m->arena, kind),
		.api_version = arena_strdup(m->arena, api),
		.ns = arena_strdup(m->arena, ns),
		.pos = { file, (kn ? kn : doc)->pos.line, (kn ? kn : doc)->pos.col },
	};
}

/* A pod template: a mapping whose spec lists containers. */
static bool is_pod_template(const struct ynode *t)
{
	const struct ynode *c = ynode_path(t, "spec.containers");
	return t && t->kind == YN_MAP && c && c->kind == YN_SEQ;
}

/* A document of a kind npcheck does not know: a workload by its shape, whatever its
 * kind and version (SPEC 1), an operator's custom resource, or skipped. */
static void decode_unknown(struct model *m, const char *file, const struct ynode *doc,
			   const char *kind, const char *api, const struct model_options *opt)
{
	struct k8s_kind k;
	const struct op_kind *op = NULL;
	if (is_pod_template(ynode_path(doc, "spec.template"))) {
		k = shape_kind;
	} else if ((op = operators_find(opt ? opt->operators : NULL, kind, api))) {
		k = operator_kind;
	} else {
		note_custom(m, file, doc, kind, api);
		if (opt && opt->verbose)
			escape_eprintf("%s:%d:%d: skipping kind %s", file, doc->pos.line,
				       doc->pos.col, kind);
		return;
	}
	k.kind = kind;
	decode_object(m, file, doc, &k, api, opt, op);
}

static void decode_doc(struct model *m, const char *file, const struct ynode *doc,
		       const char *default_kind, const char *default_api,
		       const struct model_options *opt, int depth)
{
	if (doc->kind != YN_MAP) {
		/* Not a Kubernetes object (a JSON report, a values list): skipped, as a
		 * document of a kind npcheck does not read is. */
		if (opt && opt->verbose)
			escape_eprintf("%s:%d:%d: skipping a document that is not an object", file,
				       doc->pos.line, doc->pos.col);
		return;
	}
	const struct ynode *kn = ynode_get(doc, "kind");
	const char *kind = str_of(kn);
	if (!kind)
		kind = default_kind;
	if (!kind) {
		if (opt && opt->verbose)
			escape_eprintf("%s:%d:%d: skipping a document without kind", file,
				       doc->pos.line, doc->pos.col);
		return;
	}
	const struct ynode *items = ynode_get(doc, "items");
	const char *api = str_of(ynode_get(doc, "apiVersion"));
	if (!api)
		api = default_api;
	if (is_list_kind(kind) && items && depth < 4) {
		if (items->kind != YN_SEQ) {
			if (!ynode_is_null(items)) {
				diag_report(m->diag, RULE_INVALID_SPEC, &items->pos, NULL,
					    "items: Invalid type: got %s, expected array",
					    ynode_kind_name(items));
				m->diag->input_error = true;
			}
			return;
		}
		/* A typed list (PodList) names its items' kind and apiVersion; kind: List
		 * does not. kubectl reads a List itself, as apiVersion v1 (its items are
		 * judged on their own); a typed list's apiVersion is judged in its items. */
		size_t kl = strlen(kind);
		const char *item_kind = kl > 4 ? arena_strndup(m->arena, kind, kl - 4) : NULL;
		if (!item_kind && !api_version_served(m, file, doc, kind, false, api, "v1", opt)) {
			reject_list_items(m, file, doc);
			return;
		}
		for (size_t i = 0; i < items->n; i++)
			decode_doc(m, file, items->kids[i], item_kind, item_kind ? api : NULL, opt,
				   depth + 1);
		return;
	}
	const struct k8s_kind *k = k8s_kind_find(kind, api);
	if (k && !k->decode) {
		if (note_unmodelled(m, file, doc, k, opt))
			return;
		/* The document has no apiVersion of its own (a typed list's item): the kind
		 * of no group, if npcheck reads one by that name. */
		k = kind_of_any_group(kind);
	}
	if (k) {
		decode_object(m, file, doc, k, api, opt, NULL);
		return;
	}
	decode_unknown(m, file, doc, kind, api, opt);
}

bool k8s_decode_document(struct model *m, const char *file, const struct ynode *doc,
			 const struct model_options *opt)
{
	m->kept_unit = false;
	decode_doc(m, file, doc, NULL, NULL, opt, 0);
	return m->kept_unit;
}

/* ---- the policy tiers (tier_decode.c decodes them; their schemas live here so that
 * one walk reports unknown fields and wrong types for every kind) ---- */

static const struct field f_tpods[] = {
	{ "namespaceSelector", F_MAP, f_selector }, { "podSelector", F_MAP, f_selector },
	{ NULL, F_ANY, NULL }
};
static const struct field f_tsubject[] = {
	{ "namespaces", F_MAP, f_selector }, { "pods", F_MAP, f_tpods }, { NULL, F_ANY, NULL }
};
static const struct field f_tpeer_in[] = {
	{ "namespaces", F_MAP, f_selector }, { "pods", F_MAP, f_tpods }, { NULL, F_ANY, NULL }
};
static const struct field f_tpeer_out_anp[] = {
	{ "namespaces", F_MAP, f_selector }, { "pods", F_MAP, f_tpods },
	{ "nodes", F_MAP, f_selector }, { "networks", F_STRSEQ, NULL },
	{ "domainNames", F_STRSEQ, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_tpeer_out_banp[] = {
	{ "namespaces", F_MAP, f_selector }, { "pods", F_MAP, f_tpods },
	{ "nodes", F_MAP, f_selector }, { "networks", F_STRSEQ, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_tportnum[] = {
	{ "protocol", F_STR, NULL }, { "port", F_INT, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_tportrange[] = {
	{ "protocol", F_STR, NULL }, { "start", F_INT, NULL }, { "end", F_INT, NULL },
	{ NULL, F_ANY, NULL }
};
static const struct field f_tport1[] = {
	{ "portNumber", F_MAP, f_tportnum }, { "portRange", F_MAP, f_tportrange },
	{ "namedPort", F_STR, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_trange2[] = {
	{ "start", F_INT, NULL }, { "end", F_INT, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_tdport2[] = {
	{ "number", F_INT, NULL }, { "range", F_MAP, f_trange2 }, { NULL, F_ANY, NULL }
};
static const struct field f_tproto2[] = {
	{ "destinationPort", F_MAP, f_tdport2 }, { NULL, F_ANY, NULL }
};
static const struct field f_tprotocols2[] = {
	{ "tcp", F_MAP, f_tproto2 }, { "udp", F_MAP, f_tproto2 }, { "sctp", F_MAP, f_tproto2 },
	{ "destinationNamedPort", F_STR, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_tin1[] = {
	{ "name", F_STR, NULL }, { "action", F_STR, NULL }, { "from", F_SEQ, f_tpeer_in },
	{ "ports", F_SEQ, f_tport1 }, { NULL, F_ANY, NULL }
};
static const struct field f_teg_anp[] = {
	{ "name", F_STR, NULL }, { "action", F_STR, NULL }, { "to", F_SEQ, f_tpeer_out_anp },
	{ "ports", F_SEQ, f_tport1 }, { NULL, F_ANY, NULL }
};
static const struct field f_teg_banp[] = {
	{ "name", F_STR, NULL }, { "action", F_STR, NULL }, { "to", F_SEQ, f_tpeer_out_banp },
	{ "ports", F_SEQ, f_tport1 }, { NULL, F_ANY, NULL }
};
static const struct field f_tin2[] = {
	{ "name", F_STR, NULL }, { "action", F_STR, NULL }, { "from", F_SEQ, f_tpeer_in },
	{ "protocols", F_SEQ, f_tprotocols2 }, { NULL, F_ANY, NULL }
};
static const struct field f_teg2[] = {
	{ "name", F_STR, NULL }, { "action", F_STR, NULL }, { "to", F_SEQ, f_tpeer_out_anp },
	{ "protocols", F_SEQ, f_tprotocols2 }, { NULL, F_ANY, NULL }
};
static const struct field f_anp_spec[] = {
	{ "priority", F_INT, NULL }, { "subject", F_MAP, f_tsubject },
	{ "ingress", F_SEQ, f_tin1 }, { "egress", F_SEQ, f_teg_anp }, { NULL, F_ANY, NULL }
};
static const struct field f_banp_spec[] = {
	{ "subject", F_MAP, f_tsubject }, { "ingress", F_SEQ, f_tin1 },
	{ "egress", F_SEQ, f_teg_banp }, { NULL, F_ANY, NULL }
};
static const struct field f_cnp_spec[] = {
	{ "tier", F_STR, NULL }, { "priority", F_INT, NULL }, { "subject", F_MAP, f_tsubject },
	{ "ingress", F_SEQ, f_tin2 }, { "egress", F_SEQ, f_teg2 }, { NULL, F_ANY, NULL }
};
static const struct field f_anp[] = {
	{ "apiVersion", F_STR, NULL }, { "kind", F_STR, NULL }, { "metadata", F_MAP, f_meta },
	{ "spec", F_MAP, f_anp_spec }, { "status", F_ANY, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_banp[] = {
	{ "apiVersion", F_STR, NULL }, { "kind", F_STR, NULL }, { "metadata", F_MAP, f_meta },
	{ "spec", F_MAP, f_banp_spec }, { "status", F_ANY, NULL }, { NULL, F_ANY, NULL }
};
static const struct field f_cnp[] = {
	{ "apiVersion", F_STR, NULL }, { "kind", F_STR, NULL }, { "metadata", F_MAP, f_meta },
	{ "spec", F_MAP, f_cnp_spec }, { "status", F_ANY, NULL }, { NULL, F_ANY, NULL }
};

void k8s_check_tier_schema(struct model *m, struct object *o, const struct ynode *doc,
			   int which)
{
	static const struct field *const schemas[] = { f_anp, f_banp, f_cnp };
	struct walk w = { m, o, STRBUF_INIT };
	check_fields(&w, doc, schemas[which]);
	strbuf_release(&w.path);
}

void k8s_decode_selector(struct model *m, const struct ynode *parent, const char *key,
			 struct selector *s)
{
	decode_selector(m, parent, key, s);
}

void k8s_decode_labels(struct model *m, const struct ynode *n, struct labels *out)
{
	decode_labels(m, n, out);
}

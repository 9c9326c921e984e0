/* .npcheck.yaml through libcyaml: the schema, error positions, and ignorePaths (pathglob.c). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "config.h"
#include "escape.h"
#include "model.h"
#include "pathglob.h"
#include "suggest.h"
#include "ynode.h"

#define CONFIG_MAX_BYTES (256u << 10) /* a configuration is a few hundred bytes */
#define CONFIG_MAX_MEM (16u << 20)    /* libcyaml's allocations while loading it */
#define CONFIG_MAX_LABELS 64          /* cluster.dns.podSelector */

/* Defaults that need no allocation, so config_defaults cannot leak: config_release
 * frees only what is not one of these. */
static char default_dns_ns[] = "kube-system";
static char default_dns_key[] = "k8s-app", default_dns_value[] = "kube-dns";
static char *default_dns_keys[] = { default_dns_key };
static char *default_dns_values[] = { default_dns_value };

/* ---- the libcyaml schema ---- */

/* What libcyaml loads. cni's booleans are typed here but read from the tree: libcyaml
 * takes any word other than a few false ones as true, and absence must mean true. */
struct raw_dns {
	char *ns;
	char **ips;
	unsigned ips_count;
};
struct raw_cluster {
	char **pod, **svc, **node;
	unsigned pod_count, svc_count, node_count;
	struct raw_dns *dns;
};
struct raw_cni {
	bool end_port, sctp;
};
struct raw_rules {
	char *sev[RULE__COUNT];
};
/* operators: strings and lists through libcyaml (so unknown keys get their "did you
 * mean"); labels, numbers and booleans from the tree, checked there. */
struct raw_op_port {
	char *name, *protocol;
};
struct raw_op {
	char *kind, *group, *workload, *workload_kind, *pod_labels, *containers, *replicas,
		*shards, *host_network, *source;
	struct raw_op_port *ports;
	unsigned ports_count;
};
struct raw {
	char *fail_on;
	struct raw_op *ops;
	unsigned ops_count;
	struct raw_rules *rules;
	char **ignore;
	unsigned ignore_count;
	struct raw_cluster *cluster;
	struct raw_cni *cni;
};

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

/* Optional lists and mappings; empty or null reads as absent. */
#define OPT_PTR (CYAML_FLAG_OPTIONAL | CYAML_FLAG_POINTER_NULL_STR)
#define STRING_LIST(key, type, member) \
	CYAML_FIELD_SEQUENCE(key, OPT_PTR, type, member, &string_entry, 0, CYAML_UNLIMITED)

/* One field per rule of the registry: an id that is not a rule is an unknown key. */
static const cyaml_schema_field_t rules_fields[] = {
#define RULE(e, id, sev, shortd, help, fix, example)                                        \
	{ .key = id, .data_offset = RULE_##e * sizeof(char *),                              \
	  .value = { CYAML_VALUE_STRING(CYAML_FLAG_OPTIONAL | CYAML_FLAG_POINTER, char, 0,  \
					CYAML_UNLIMITED) } },
#include "rules.def"
#undef RULE
	CYAML_FIELD_END
};

static const cyaml_schema_field_t dns_fields[] = {
	CYAML_FIELD_STRING_PTR("namespace", CYAML_FLAG_OPTIONAL, struct raw_dns, ns, 0,
			       CYAML_UNLIMITED),
	/* A map of any labels, which a libcyaml schema cannot describe: read from the tree. */
	CYAML_FIELD_IGNORE("podSelector", CYAML_FLAG_OPTIONAL),
	STRING_LIST("ips", struct raw_dns, ips),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t cluster_fields[] = {
	STRING_LIST("podCIDRs", struct raw_cluster, pod),
	STRING_LIST("serviceCIDRs", struct raw_cluster, svc),
	STRING_LIST("nodeCIDRs", struct raw_cluster, node),
	CYAML_FIELD_MAPPING_PTR("dns", OPT_PTR, struct raw_cluster, dns, dns_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t cni_fields[] = {
	CYAML_FIELD_BOOL("endPort", CYAML_FLAG_OPTIONAL, struct raw_cni, end_port),
	CYAML_FIELD_BOOL("sctp", CYAML_FLAG_OPTIONAL, struct raw_cni, sctp),
	CYAML_FIELD_END
};

#define OPT_STRING(key, type, member) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_OPTIONAL, type, member, 0, CYAML_UNLIMITED)

static const cyaml_schema_field_t op_port_fields[] = {
	OPT_STRING("name", struct raw_op_port, name),
	CYAML_FIELD_IGNORE("port", CYAML_FLAG_OPTIONAL),
	OPT_STRING("protocol", struct raw_op_port, protocol),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t op_port_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_op_port, op_port_fields),
};

static const cyaml_schema_field_t op_fields[] = {
	OPT_STRING("kind", struct raw_op, kind),
	OPT_STRING("group", struct raw_op, group),
	CYAML_FIELD_IGNORE("disabled", CYAML_FLAG_OPTIONAL),
	OPT_STRING("workload", struct raw_op, workload),
	OPT_STRING("workloadKind", struct raw_op, workload_kind),
	OPT_STRING("podLabels", struct raw_op, pod_labels),
	CYAML_FIELD_IGNORE("labels", CYAML_FLAG_OPTIONAL),
	CYAML_FIELD_SEQUENCE("ports", OPT_PTR, struct raw_op, ports, &op_port_entry, 0,
			     CYAML_UNLIMITED),
	OPT_STRING("containers", struct raw_op, containers),
	OPT_STRING("replicas", struct raw_op, replicas),
	CYAML_FIELD_IGNORE("defaultReplicas", CYAML_FLAG_OPTIONAL),
	OPT_STRING("shards", struct raw_op, shards),
	OPT_STRING("hostNetwork", struct raw_op, host_network),
	OPT_STRING("source", struct raw_op, source),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t op_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_op, op_fields),
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_STRING_PTR("failOn", CYAML_FLAG_OPTIONAL, struct raw, fail_on, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("rules", OPT_PTR, struct raw, rules, rules_fields),
	STRING_LIST("ignorePaths", struct raw, ignore),
	CYAML_FIELD_MAPPING_PTR("cluster", OPT_PTR, struct raw, cluster, cluster_fields),
	CYAML_FIELD_MAPPING_PTR("cni", OPT_PTR, struct raw, cni, cni_fields),
	CYAML_FIELD_SEQUENCE("operators", OPT_PTR, struct raw, ops, &op_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t top_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw, top_fields),
};

/* ---- libcyaml's memory and log ---- */

/* Every allocation carries its size in front, so the total can be capped. */
struct memcap {
	size_t used, limit;
};
#define MEM_HDR sizeof(max_align_t)

static void *capped_mem(void *ctx, void *ptr, size_t size)
{
	struct memcap *mc = ctx;
	unsigned char *base = ptr ? (unsigned char *)ptr - MEM_HDR : NULL;
	size_t old = 0;

	if (base)
		memcpy(&old, base, sizeof(old));
	if (size == 0) {
		free(base);
		mc->used -= old;
		return NULL;
	}
	if (size > mc->limit - (mc->used - old))
		return NULL;
	unsigned char *nb = realloc(base, MEM_HDR + size);
	if (!nb)
		return NULL;
	memcpy(nb, &size, sizeof(size));
	mc->used = mc->used - old + size;
	return nb + MEM_HDR;
}

/* libcyaml says where an error is only in its log: keep the log to read it. */
static void capture_log(cyaml_log_t level, void *ctx, const char *fmt, va_list ap)
{
	(void)level;
	strbuf_vaddf(ctx, fmt, ap);
}

/*
 * libcyaml's error, read back from its log: "Load: MESSAGE", then "Load: Backtrace:" and
 * frames from the innermost out, "  in mapping field 'KEY' (line: L, column: C)",
 * "  in mapping (line: L, column: C)" or "  in sequence entry 'N' (line: L, column: C)".
 * Its positions are 1-based.
 */
#define CY_MAX_FIELDS 8
struct cy_error {
	char msg[512];
	char fields[CY_MAX_FIELDS][64]; /* mapping keys, innermost first */
	int index[CY_MAX_FIELDS];        /* the entry of the list a field holds, or -1 */
	int nfields;
	bool in_entry; /* the innermost frame is a sequence entry */
	int line, col; /* of the innermost frame; 0 when there is none */
};

static void parse_cyaml_log(const char *log, struct cy_error *ce)
{
	int pending = -1; /* a list entry: of the next field out */
	memset(ce, 0, sizeof(*ce));
	for (const char *p = log; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[512], key[64];
		int l, c, consumed = 0;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : NULL;
		if (!strncmp(line, "Load: ", 6)) {
			if (!ce->msg[0] && strcmp(line + 6, "Backtrace:"))
				snprintf(ce->msg, sizeof(ce->msg), "%s", line + 6);
			continue;
		}
		bool frame = false, entry = false;
		unsigned idx;
		if (sscanf(line, "  in mapping field '%63[^']' (line: %d, column: %d)%n", key, &l, &c,
			   &consumed) == 3 && consumed) {
			if (ce->nfields < CY_MAX_FIELDS) {
				ce->index[ce->nfields] = pending;
				snprintf(ce->fields[ce->nfields++], sizeof(ce->fields[0]), "%s", key);
			}
			pending = -1;
			frame = true;
		} else if (sscanf(line, "  in mapping (line: %d, column: %d)%n", &l, &c, &consumed) ==
				   2 && consumed) {
			frame = true;
		} else if (sscanf(line, "  in sequence entry '%u' (line: %d, column: %d)%n", &idx, &l,
				  &c, &consumed) == 3 && consumed) {
			frame = entry = true;
			/* libcyaml counts entries from 1 here */
			pending = idx >= 1 && idx < 1000000 ? (int)idx - 1 : -1;
		}
		if (frame && !ce->line) {
			ce->line = l;
			ce->col = c;
			ce->in_entry = entry;
		}
	}
}

/* ---- errors ---- */

/* Errors are collected and printed in file order once loading is over. */
struct cfg_error {
	int line, col, seq;
	char *msg;
};

struct loadctx {
	const char *file;
	const struct ynode *root; /* the document; NULL when empty */
	struct cfg_error *errs;
	size_t nerrs, cap;
};

static void error_at(struct loadctx *x, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void error_at(struct loadctx *x, int line, int col, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	XGROW(x->errs, x->cap, x->nerrs + 1);
	x->errs[x->nerrs].line = line > 0 ? line : 1;
	x->errs[x->nerrs].col = col > 0 ? col : 1;
	x->errs[x->nerrs].seq = (int)x->nerrs;
	x->errs[x->nerrs].msg = strbuf_detach(&sb);
	x->nerrs++;
}

static int error_cmp(const void *pa, const void *pb)
{
	const struct cfg_error *a = pa, *b = pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Print FILE:LINE:COL: error: MESSAGE for each, in file order; free them. */
static void print_errors(struct loadctx *x)
{
	if (x->nerrs > 1)
		qsort(x->errs, x->nerrs, sizeof(*x->errs), error_cmp);
	struct strbuf file = STRBUF_INIT, msg = STRBUF_INIT;
	escape_text(&file, x->file);
	for (size_t i = 0; i < x->nerrs; i++) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", file.buf, x->errs[i].line, x->errs[i].col,
			escape_text_str(&msg, x->errs[i].msg));
		free(x->errs[i].msg);
	}
	strbuf_release(&file);
	strbuf_release(&msg);
	free(x->errs);
}

#define error_node(x, n, ...) \
	error_at((x), (n) ? (n)->pos.line : 1, (n) ? (n)->pos.col : 1, __VA_ARGS__)

/* The dotted path of the error's mapping fields, outermost first, with the list entries
 * ("operators[1].kind") when indexed. */
static void cy_path_of(const struct cy_error *ce, int skip_inner, bool indexed,
		       struct strbuf *sb)
{
	for (int i = ce->nfields - 1; i >= skip_inner; i--) {
		if (sb->len)
			strbuf_addch(sb, '.');
		strbuf_addstr(sb, ce->fields[i]);
		/* An error at a list item itself says "an item of" the list instead. */
		if (indexed && ce->index[i] >= 0 && !(i == 0 && ce->in_entry))
			strbuf_addf(sb, "[%d]", ce->index[i]);
	}
}

static void cy_path(const struct cy_error *ce, int skip_inner, struct strbuf *sb)
{
	cy_path_of(ce, skip_inner, true, sb);
}

/* The tree's mapping at the error's path (minus skip_inner innermost fields). */
static const struct ynode *cy_mapping(const struct loadctx *x, const struct cy_error *ce,
				      int skip_inner)
{
	const struct ynode *m = x->root;
	for (int i = ce->nfields - 1; i >= skip_inner && m; i--) {
		m = ynode_get(m, ce->fields[i]);
		if (m && m->kind == YN_SEQ && ce->index[i] >= 0)
			m = (size_t)ce->index[i] < m->n ? m->kids[ce->index[i]] : NULL;
	}
	return m && m->kind == YN_MAP ? m : NULL;
}

static const char *cy_type_name(const char *t)
{
	static const char *const names[][2] = {
		{ "STRING", "a string" }, { "MAPPING", "a mapping" }, { "SEQUENCE", "a list" },
		{ "BOOL", "a boolean" }, { "SCALAR", "a scalar" }, { "SEQUENCE_START", "a list" },
		{ "MAPPING_START", "a mapping" }, { "ALIAS", "an alias" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i][0], t))
			return names[i][1];
	return t;
}

/* Where the first alias is: libcyaml reports an alias at the mapping around it. The
 * tree pass has already parsed buf, so this event loop ends. */
static bool first_alias(const char *buf, size_t len, int *line, int *col)
{
	yaml_parser_t p;
	yaml_event_t e;
	bool found = false, done = false;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && yaml_parser_parse(&p, &e)) {
		if (e.type == YAML_ALIAS_EVENT) {
			*line = (int)e.start_mark.line + 1;
			*col = (int)e.start_mark.column + 1;
			found = true;
		}
		done = found || e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return found;
}

/* The schema's fields of the mapping at a dotted path ("" is the top), or NULL. */
static const cyaml_schema_field_t *fields_at(const char *path)
{
	const cyaml_schema_field_t *f = top_fields;
	while (*path) {
		size_t n = strcspn(path, ".");
		const cyaml_schema_field_t *k = f;
		while (k->key && (strlen(k->key) != n || strncmp(k->key, path, n)))
			k++;
		if (k->key && k->value.type == CYAML_SEQUENCE &&
		    k->value.sequence.entry->type == CYAML_MAPPING)
			f = k->value.sequence.entry->mapping.fields; /* a list of mappings */
		else if (!k->key || k->value.type != CYAML_MAPPING)
			return NULL;
		else
			f = k->value.mapping.fields;
		path += n + (path[n] == '.');
	}
	return f;
}

/* "; did you mean 'failOn'?" for a key unknown at path, or "". */
static void did_you_mean_key(const char *path, const char *key, struct strbuf *out)
{
	const cyaml_schema_field_t *f = fields_at(path);
	struct suggest sg;
	suggest_init(&sg, key);
	for (; f && f->key; f++)
		suggest_add(&sg, f->key);
	if (suggest_best(&sg))
		strbuf_addf(out, "; did you mean '%s'?", suggest_best(&sg));
}

/* Report libcyaml's error in npcheck's words, at the best position known. */
static void report_cyaml_error(struct loadctx *x, cyaml_err_t err, const char *log,
			       const char *buf, size_t len)
{
	struct cy_error ce;
	struct strbuf path = STRBUF_INIT;
	char want[32], got[32];
	int line, col;

	parse_cyaml_log(log, &ce);
	line = ce.line;
	col = ce.col;
	if (!line && x->root) {
		line = x->root->pos.line;
		col = x->root->pos.col;
	}
	if (err == CYAML_ERR_ALIAS) {
		first_alias(buf, len, &line, &col);
		error_at(x, line, col, "aliases are not allowed in the configuration");
	} else if (err == CYAML_ERR_OOM) {
		error_at(x, line, col, "the configuration needs too much memory");
	} else if (!strncmp(ce.msg, "Unexpected key: ", 16)) {
		/* libcyaml places this at its mapping (and not always there): the tree
		 * knows where the key itself is. */
		const char *key = ce.msg + 16;
		const struct ynode *k = ynode_key(cy_mapping(x, &ce, 0), key);
		if (k) {
			line = k->pos.line;
			col = k->pos.col;
		}
		struct strbuf hint = STRBUF_INIT, plain = STRBUF_INIT;
		cy_path(&ce, 0, &path);
		cy_path_of(&ce, 0, false, &plain);
		did_you_mean_key(plain.buf ? plain.buf : "", key, &hint);
		strbuf_release(&plain);
		if (!strcmp(path.buf ? path.buf : "", "rules"))
			error_at(x, line, col, "unknown rule '%s'%s", key, hint.len ? hint.buf : "");
		else
			error_at(x, line, col, "unknown key '%s%s%s'%s", path.len ? path.buf : "",
				 path.len ? "." : "", key, hint.len ? hint.buf : "");
		strbuf_release(&hint);
	} else if (!strncmp(ce.msg, "Mapping field already seen: ", 28)) {
		/* libcyaml points at the first one; the second is the mistake. */
		const char *key = ce.msg + 28;
		int inner = ce.nfields && !strcmp(ce.fields[0], key) ? 1 : 0;
		const struct ynode *m = cy_mapping(x, &ce, inner);
		bool seen = false;
		for (size_t i = 0; m && i < m->n; i++) {
			const struct ynode *k = m->kids[2 * i];
			if (k->kind != YN_SCALAR || strcmp(k->str, key))
				continue;
			if (seen) {
				line = k->pos.line;
				col = k->pos.col;
				break;
			}
			seen = true;
		}
		cy_path(&ce, inner, &path);
		error_at(x, line, col, "duplicate key '%s%s%s'", path.len ? path.buf : "",
			 path.len ? "." : "", key);
	} else if (sscanf(ce.msg, "Expecting %31[A-Z_], got event: %31[A-Z_]", want, got) == 2) {
		cy_path(&ce, 0, &path);
		if (!path.len)
			error_at(x, line, col, "the configuration must be %s, not %s",
				 cy_type_name(want), cy_type_name(got));
		else
			error_at(x, line, col, "%s'%s' must be %s, not %s",
				 ce.in_entry ? "an item of " : "", path.buf, cy_type_name(want),
				 cy_type_name(got));
	} else if (!strncmp(ce.msg, "libyaml: ", 9)) {
		error_at(x, line, col, "%s", ce.msg + 9);
	} else {
		char text[sizeof(ce.msg)];
		snprintf(text, sizeof(text), "%s", ce.msg[0] ? ce.msg : cyaml_strerror(err));
		if (text[0] >= 'A' && text[0] <= 'Z')
			text[0] = (char)(text[0] - 'A' + 'a');
		error_at(x, line, col, "%s", text);
	}
	strbuf_release(&path);
}

/* ---- the tree pass: parse errors with libyaml's positions, one document ---- */

struct doc_sink {
	const struct ynode *root;
	int ndocs;
	struct ypos second; /* where a second document starts */
};

static bool keep_doc(void *ctx, const struct ynode *n)
{
	struct doc_sink *s = ctx;
	if (s->ndocs++ == 0)
		s->root = n;
	else if (s->ndocs == 2)
		s->second = n->pos;
	return true;
}

/* Parse buf into a tree in a (positions for every later message). Returns 0, or -1
 * after reporting. */
static int parse_tree(struct loadctx *x, struct arena *a, const char *buf, size_t len)
{
	struct diag d;
	struct doc_sink sink = { NULL, 0, { NULL, 0, 0 } };
	const struct ynode_sink ys = { keep_doc, &sink, NULL, NULL };
	int rc;

	diag_init(&d, a);
	rc = ynode_parse(a, &d, x->file, buf, len, &ys);
	for (size_t i = 0; i < d.n; i++)
		error_at(x, d.items[i].pos.line, d.items[i].pos.col, "%s", d.items[i].message);
	if (rc && !d.n)
		error_at(x, 1, 1, "cannot parse the configuration");
	diag_release(&d);
	if (rc)
		return -1;
	if (sink.ndocs > 1) {
		error_at(x, sink.second.line, sink.second.col,
			 "the configuration must be one YAML document");
		return -1;
	}
	x->root = sink.root;
	return 0;
}

/* ---- values libcyaml accepts but npcheck does not ---- */

static const struct ynode *seq_item(const struct ynode *seq, unsigned i)
{
	return seq && seq->kind == YN_SEQ && i < seq->n ? seq->kids[i] : NULL;
}

static void check_cidrs(struct loadctx *x, const char *name, char **v, unsigned n,
			struct cidr **out, size_t *nout)
{
	const struct ynode *seq = ynode_path(x->root, name);
	*out = n ? xcalloc(n, sizeof(**out)) : NULL;
	*nout = 0;
	for (unsigned i = 0; i < n; i++) {
		if (cidr_parse(v[i], &(*out)[*nout], NULL))
			error_node(x, seq_item(seq, i), "invalid CIDR '%s' in %s", v[i], name);
		else
			cidr_unmap(&(*out)[(*nout)++]);
	}
}

static void set_dns_ips(struct loadctx *x, struct config *c, char **v, unsigned n)
{
	const struct ynode *seq = ynode_path(x->root, "cluster.dns.ips");
	c->dns_ips = n ? xcalloc(n, sizeof(*c->dns_ips)) : NULL;
	c->ndns_ips = 0;
	for (unsigned i = 0; i < n; i++) {
		struct cidr *ip = &c->dns_ips[c->ndns_ips];
		if (ip_parse(v[i], false, &ip->family, &ip->addr)) {
			error_node(x, seq_item(seq, i), "invalid IP address '%s' in cluster.dns.ips",
				   v[i]);
			continue;
		}
		ip->prefix = ip->family == AF_V4 ? 32 : 128;
		ip->lo = ip->hi = ip->addr;
		c->ndns_ips++;
	}
}

static void set_dns_labels(struct loadctx *x, struct config *c)
{
	const struct ynode *sel = ynode_path(x->root, "cluster.dns.podSelector");
	const char *msg;

	if (!sel)
		return;
	if (ynode_is_null(sel) || sel->kind != YN_MAP) {
		error_node(x, sel, "'cluster.dns.podSelector' must be a mapping of labels");
		return;
	}
	if (sel->n > CONFIG_MAX_LABELS) {
		error_node(x, sel, "'cluster.dns.podSelector' has more than %d labels",
			   CONFIG_MAX_LABELS);
		return;
	}
	char **keys = xcalloc(sel->n + 1, sizeof(*keys));
	char **values = xcalloc(sel->n + 1, sizeof(*values));
	size_t n = 0;
	for (size_t i = 0; i < sel->n; i++) {
		const struct ynode *k = sel->kids[2 * i], *v = sel->kids[2 * i + 1];
		const char *ks = ynode_str(k), *vs = ynode_is_null(v) ? "" : ynode_str(v);
		bool dup = false;
		if (!ks) {
			error_node(x, k, "label keys in cluster.dns.podSelector must be strings");
			continue;
		}
		for (size_t j = 0; j < i && !dup; j++)
			dup = sel->kids[2 * j]->kind == YN_SCALAR && !strcmp(sel->kids[2 * j]->str, ks);
		if (dup) {
			error_node(x, k, "duplicate key 'cluster.dns.podSelector.%s'", ks);
			continue;
		}
		if (!vs || v->kind != YN_SCALAR) {
			error_node(x, v, "the value of label '%s' in cluster.dns.podSelector must be a "
				   "string", ks);
			continue;
		}
		if ((msg = validate_label_key(ks)) != NULL) {
			error_node(x, k, "invalid label key '%s' in cluster.dns.podSelector: %s", ks, msg);
			continue;
		}
		if ((msg = validate_label_value(vs)) != NULL) {
			error_node(x, v, "invalid label value '%s' in cluster.dns.podSelector: %s", vs,
				   msg);
			continue;
		}
		keys[n] = xstrdup(ks);
		values[n] = xstrdup(vs);
		n++;
	}
	c->dns_label_keys = keys;
	c->dns_label_values = values;
	c->ndns_labels = n;
}

/* The configuration is npcheck's own file, not a manifest: only true and false are
 * booleans there (not YAML 1.1's yes, on, y ...). */
static int config_bool(const struct ynode *n, bool *out)
{
	static const char *const words[] = { "true", "True", "TRUE", "false", "False", "FALSE" };
	bool b;
	if (ynode_bool(n, &b))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(n->str, words[i])) {
			*out = b;
			return 0;
		}
	return -1;
}

static void set_cni(struct loadctx *x, const char *name, bool *out)
{
	const struct ynode *n = ynode_path(x->root, name);
	if (n && config_bool(n, out))
		error_node(x, n, "invalid %s '%s' (expected true or false)", name,
			   n->kind == YN_SCALAR ? n->str : "");
}

/* ---- operators ---- */

#define CONFIG_MAX_OPERATORS 256

static const char *op_keep(struct config *c, const char *s)
{
	if (!s)
		return NULL;
	XGROW(c->op_strings, c->op_strings_cap, c->nop_strings + 1);
	return c->op_strings[c->nop_strings++] = xstrdup(s);
}

/* A field path of the resource: dotted keys, none empty. */
static bool valid_field_path(const char *s)
{
	if (!*s || *s == '.' || s[strlen(s) - 1] == '.')
		return false;
	return strstr(s, "..") == NULL;
}

/* A template (workload, label values): its placeholders, and what it expands to for a
 * sample resource must be a valid label value (when label is true). */
static bool check_template(struct loadctx *x, const struct ynode *at, const char *what,
			   const char *tpl, bool label)
{
	const char *msg = operators_check_template(tpl);
	if (!msg && label) {
		struct arena *a = arena_new();
		const char *err, *v = operators_expand(a, tpl, "name", "namespace", 0, &err);
		msg = v ? validate_label_value(v) : err;
		if (msg)
			error_node(x, at, "invalid %s '%s': %s", what, tpl, msg);
		arena_free(a);
		return !msg;
	}
	if (msg)
		error_node(x, at, "invalid %s '%s': %s", what, tpl, msg);
	return !msg;
}

static void op_labels_from(struct loadctx *x, struct config *c, const struct ynode *lab,
			   const char *where, struct op_kind *k)
{
	if (!lab)
		return;
	if (ynode_is_null(lab) || lab->kind != YN_MAP) {
		error_node(x, lab, "'%s.labels' must be a mapping of labels", where);
		return;
	}
	if (lab->n > CONFIG_MAX_LABELS) {
		error_node(x, lab, "'%s.labels' has more than %d labels", where, CONFIG_MAX_LABELS);
		return;
	}
	struct op_label *l = xcalloc(lab->n + 1, sizeof(*l));
	size_t n = 0;
	for (size_t i = 0; i < lab->n; i++) {
		const struct ynode *kn = lab->kids[2 * i], *vn = lab->kids[2 * i + 1];
		const char *ks = ynode_str(kn), *msg;
		bool dup = false;
		if (!ks || kn->kind != YN_SCALAR) {
			error_node(x, kn, "label keys in '%s.labels' must be strings", where);
			continue;
		}
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(l[j].key, ks);
		if (dup) {
			error_node(x, kn, "duplicate key '%s.labels.%s'", where, ks);
			continue;
		}
		if ((msg = validate_label_key(ks)) != NULL) {
			error_node(x, kn, "invalid label key '%s' in '%s.labels': %s", ks, where, msg);
			continue;
		}
		if (ynode_is_null(vn)) {
			l[n].key = op_keep(c, ks); /* set at run time */
			l[n++].value = NULL;
			continue;
		}
		if (vn->kind != YN_SCALAR) {
			error_node(x, vn, "the value of label '%s' in '%s.labels' must be a string "
				   "or null", ks, where);
			continue;
		}
		if (!check_template(x, vn, "label value", vn->str, true))
			continue;
		l[n].key = op_keep(c, ks);
		l[n++].value = op_keep(c, vn->str);
	}
	k->labels = l;
	k->nlabels = n;
}

static void op_ports_from(struct loadctx *x, struct config *c, const struct raw_op *r,
			  const struct ynode *seq, const char *where, struct op_kind *k)
{
	struct op_port *p = xcalloc(r->ports_count + 1, sizeof(*p));
	size_t n = 0;
	for (unsigned i = 0; i < r->ports_count; i++) {
		const struct ynode *it = seq_item(seq, i), *pn = ynode_get(it, "port");
		const struct raw_op_port *rp = &r->ports[i];
		long long v;
		int proto = PROTO_TCP;
		if (!pn) {
			error_node(x, it, "'%s.ports[%u]' needs a port", where, i);
			continue;
		}
		if (ynode_int(pn, &v) || v < 1 || v > 65535) {
			error_node(x, pn, "invalid port '%s' in '%s.ports[%u]' (expected 1 to 65535)",
				   pn->kind == YN_SCALAR ? pn->str : "", where, i);
			continue;
		}
		if (rp->protocol && (proto = proto_parse(rp->protocol)) < 0) {
			error_node(x, ynode_get(it, "protocol"),
				   "invalid protocol '%s' in '%s.ports[%u]' (expected TCP, UDP or SCTP)",
				   rp->protocol, where, i);
			continue;
		}
		if (rp->name && !*rp->name) {
			error_node(x, ynode_get(it, "name"), "empty port name in '%s.ports[%u]'", where,
				   i);
			continue;
		}
		p[n].name = op_keep(c, rp->name);
		p[n].port = (int)v;
		p[n++].proto = proto;
	}
	k->ports = p;
	k->nports = n;
}

/* One entry of operators: checked, into k (strings kept in c). */
static void op_entry_from(struct loadctx *x, struct config *c, const struct raw_op *r,
			  const struct ynode *it, unsigned idx, struct op_kind *k)
{
	char where[32];
	const struct ynode *n;
	snprintf(where, sizeof(where), "operators[%u]", idx);
	memset(k, 0, sizeof(*k));
	k->default_replicas = 1;
	if (!r->kind || !*r->kind)
		error_node(x, it, "'%s' needs a kind", where);
	if (!r->group || !*r->group || strchr(r->group, '/'))
		error_node(x, r->group ? ynode_get(it, "group") : it,
			   "'%s' needs a group: the API group of the kind, without version (e.g. "
			   "monitoring.coreos.com)", where);
	k->kind = op_keep(c, r->kind);
	k->group = op_keep(c, r->group);
	if ((n = ynode_get(it, "disabled")) != NULL) {
		bool b;
		if (config_bool(n, &b))
			error_node(x, n, "invalid %s.disabled '%s' (expected true or false)", where,
				   n->kind == YN_SCALAR ? n->str : "");
		else
			k->disabled = b;
	}
	if (r->workload && check_template(x, ynode_get(it, "workload"), "workload", r->workload,
					  false))
		k->workload = op_keep(c, r->workload);
	if (r->workload_kind) {
		static const char *const kinds[] = { "StatefulSet", "Deployment", "DaemonSet" };
		for (size_t i = 0; i < ARRAY_SIZE(kinds) && !k->workload_kind; i++)
			if (!strcmp(kinds[i], r->workload_kind))
				k->workload_kind = kinds[i];
		if (!k->workload_kind)
			error_node(x, ynode_get(it, "workloadKind"),
				   "invalid %s.workloadKind '%s' (expected StatefulSet, Deployment or "
				   "DaemonSet)", where, r->workload_kind);
	}
	static const char *const paths[] = { "podLabels", "containers", "replicas", "shards",
					     "hostNetwork" };
	const char *vals[] = { r->pod_labels, r->containers, r->replicas, r->shards,
			       r->host_network };
	const char **outs[] = { &k->pod_labels, &k->containers, &k->replicas, &k->shards,
				&k->host_network };
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!vals[i])
			continue;
		if (!valid_field_path(vals[i]))
			error_node(x, ynode_get(it, paths[i]),
				   "invalid %s.%s '%s' (expected a field path such as spec.replicas)",
				   where, paths[i], vals[i]);
		else
			*outs[i] = op_keep(c, vals[i]);
	}
	if ((n = ynode_get(it, "defaultReplicas")) != NULL) {
		long long v;
		if (ynode_int(n, &v) || v < 0 || v > INT32_MAX)
			error_node(x, n, "invalid %s.defaultReplicas '%s' (expected 0 or more)", where,
				   n->kind == YN_SCALAR ? n->str : "");
		else
			k->default_replicas = v;
	}
	op_labels_from(x, c, ynode_get(it, "labels"), where, k);
	op_ports_from(x, c, r, ynode_get(it, "ports"), where, k);
	if (r->source)
		k->source = op_keep(c, r->source);
	else {
		char src[64];
		snprintf(src, sizeof(src), "line %d of the configuration", it ? it->pos.line : 1);
		k->source = op_keep(c, src);
	}
}

/* The configuration's entries, then the built-in ones none of them replaces. */
static void set_operators(struct loadctx *x, struct config *c, const struct raw *r)
{
	const struct ynode *seq = ynode_get(x->root, "operators");
	const struct op_table *def = operators_default();
	if (!r->ops_count)
		return;
	if (r->ops_count > CONFIG_MAX_OPERATORS) {
		error_node(x, seq, "more than %d entries in operators", CONFIG_MAX_OPERATORS);
		return;
	}
	c->op_own = xcalloc(r->ops_count, sizeof(*c->op_own));
	c->nop_own = r->ops_count;
	for (unsigned i = 0; i < r->ops_count; i++) {
		const struct ynode *it = seq_item(seq, i);
		op_entry_from(x, c, &r->ops[i], it, i, &c->op_own[i]);
		for (unsigned j = 0; j < i; j++)
			if (c->op_own[i].kind && c->op_own[j].kind && c->op_own[i].group &&
			    c->op_own[j].group && !strcmp(c->op_own[i].kind, c->op_own[j].kind) &&
			    !strcmp(c->op_own[i].group, c->op_own[j].group)) {
				error_node(x, it, "operators[%u] repeats kind %s of group %s "
					   "(operators[%u])", i, c->op_own[i].kind, c->op_own[i].group,
					   j);
				break;
			}
	}
	c->op_merged = xcalloc(r->ops_count + def->n, sizeof(*c->op_merged));
	size_t n = 0;
	for (unsigned i = 0; i < r->ops_count; i++)
		c->op_merged[n++] = c->op_own[i];
	for (size_t d = 0; d < def->n; d++) {
		bool replaced = false;
		for (unsigned i = 0; i < r->ops_count && !replaced; i++)
			replaced = c->op_own[i].kind && c->op_own[i].group &&
				   !strcmp(c->op_own[i].kind, def->kinds[d].kind) &&
				   !strcmp(c->op_own[i].group, def->kinds[d].group);
		if (!replaced)
			c->op_merged[n++] = def->kinds[d];
	}
	c->operators.kinds = c->op_merged;
	c->operators.n = n;
}

/* Move what libcyaml loaded into c, checking each value. */
static void set_config(struct loadctx *x, struct config *c, const struct raw *r)
{
	const struct ynode *n;
	const char *msg;

	if (r->fail_on) {
		int s = severity_parse(r->fail_on);
		if (s <= SEV_OFF)
			error_node(x, ynode_get(x->root, "failOn"),
				   "unknown failOn value '%s' (expected error, warning or info)",
				   r->fail_on);
		else
			c->fail_on = s;
	}
	for (int i = 0; r->rules && i < RULE__COUNT; i++) {
		const char *v = r->rules->sev[i];
		if (!v)
			continue;
		int s = severity_parse(v);
		if (s < 0)
			error_node(x, ynode_get(ynode_get(x->root, "rules"), rule_table[i].id),
				   "unknown severity '%s' for rule '%s' (expected off, info, warning "
				   "or error)", v, rule_table[i].id);
		else
			c->rule_severity[i] = s;
	}
	if (r->ignore_count) {
		n = ynode_get(x->root, "ignorePaths");
		c->ignore_paths = xcalloc(r->ignore_count, sizeof(*c->ignore_paths));
		for (unsigned i = 0; i < r->ignore_count; i++) {
			if (!r->ignore[i][0])
				error_node(x, seq_item(n, i), "empty pattern in ignorePaths");
			else
				c->ignore_paths[c->nignore_paths++] = xstrdup(r->ignore[i]);
		}
	}
	if (r->cluster) {
		const struct raw_cluster *cl = r->cluster;
		check_cidrs(x, "cluster.podCIDRs", cl->pod, cl->pod_count, &c->pod_cidrs,
			    &c->npod_cidrs);
		check_cidrs(x, "cluster.serviceCIDRs", cl->svc, cl->svc_count, &c->service_cidrs,
			    &c->nservice_cidrs);
		check_cidrs(x, "cluster.nodeCIDRs", cl->node, cl->node_count, &c->node_cidrs,
			    &c->nnode_cidrs);
		if (cl->dns && cl->dns->ns) {
			n = ynode_path(x->root, "cluster.dns.namespace");
			if ((msg = validate_dns1123_label(cl->dns->ns)) != NULL)
				error_node(x, n, "invalid cluster.dns.namespace '%s': %s", cl->dns->ns,
					   msg);
			else
				c->dns_namespace = xstrdup(cl->dns->ns);
		}
		if (cl->dns)
			set_dns_ips(x, c, cl->dns->ips, cl->dns->ips_count);
		set_dns_labels(x, c);
	}
	set_cni(x, "cni.endPort", &c->cni_endport);
	set_cni(x, "cni.sctp", &c->cni_sctp);
	set_operators(x, c, r);
}

/* ---- the interface ---- */

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_on = -1;
	for (int i = 0; i < RULE__COUNT; i++)
		c->rule_severity[i] = -1;
	c->dns_namespace = default_dns_ns;
	c->dns_label_keys = default_dns_keys;
	c->dns_label_values = default_dns_values;
	c->ndns_labels = ARRAY_SIZE(default_dns_keys);
	c->cni_endport = c->cni_sctp = true;
	c->operators = *operators_default();
}

void config_release(struct config *c)
{
	for (size_t i = 0; i < c->nignore_paths; i++)
		free(c->ignore_paths[i]);
	free(c->ignore_paths);
	free(c->pod_cidrs);
	free(c->service_cidrs);
	free(c->node_cidrs);
	if (c->dns_namespace != default_dns_ns)
		free(c->dns_namespace);
	if (c->dns_label_keys != default_dns_keys) {
		for (size_t i = 0; i < c->ndns_labels; i++) {
			free(c->dns_label_keys[i]);
			free(c->dns_label_values[i]);
		}
		free(c->dns_label_keys);
		free(c->dns_label_values);
	}
	free(c->dns_ips);
	for (size_t i = 0; i < c->nop_own; i++) {
		free((void *)(uintptr_t)c->op_own[i].labels);
		free((void *)(uintptr_t)c->op_own[i].ports);
	}
	free(c->op_own);
	free(c->op_merged);
	for (size_t i = 0; i < c->nop_strings; i++)
		free(c->op_strings[i]);
	free(c->op_strings);
	config_defaults(c);
}

/* .npcheck.yaml, else .npcheck.yml, in the current directory; NULL when neither is. */
static const char *default_path(void)
{
	static const char *const names[] = { ".npcheck.yaml", ".npcheck.yml" };
	struct stat st;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (stat(names[i], &st) == 0)
			return names[i];
	return NULL;
}

int config_load(struct config *c, const char *path)
{
	struct loadctx x = { NULL, NULL, NULL, 0, 0 };
	struct memcap mc = { 0, CONFIG_MAX_MEM };
	struct strbuf log = STRBUF_INIT;
	cyaml_config_t cy = {
		.log_fn = capture_log, .log_ctx = &log, .mem_fn = capped_mem, .mem_ctx = &mc,
		.log_level = CYAML_LOG_ERROR, .flags = CYAML_CFG_NO_ALIAS,
	};
	struct raw *raw = NULL;
	struct arena *a;
	char *buf;
	size_t len;
	cyaml_err_t err;

	if (!path && !(path = default_path()))
		return 0;
	x.file = path;
	switch (read_bounded(path, CONFIG_MAX_BYTES, &buf, &len)) {
	case 0:
		break;
	case READ_NOT_REGULAR:
		fprintf(stderr, "%s:1:1: error: cannot read the configuration: not a regular file\n",
			escape_text_str(&log, path));
		strbuf_release(&log);
		return -1;
	case READ_TOO_BIG:
		fprintf(stderr, "%s:1:1: error: the configuration is larger than %u bytes\n",
			escape_text_str(&log, path), CONFIG_MAX_BYTES);
		strbuf_release(&log);
		return -1;
	default:
		fprintf(stderr, "%s: error: cannot read the configuration: %s\n",
			escape_text_str(&log, path), strerror(errno));
		strbuf_release(&log);
		return -1;
	}
	a = arena_new();
	if (parse_tree(&x, a, buf, len))
		goto out;
	err = cyaml_load_data((const uint8_t *)buf, len, &cy, &top_schema, (cyaml_data_t **)&raw,
			      NULL);
	if (err != CYAML_OK) {
		report_cyaml_error(&x, err, log.buf ? log.buf : "", buf, len);
		goto out;
	}
	if (raw) {
		struct config nc;
		config_defaults(&nc);
		set_config(&x, &nc, raw);
		if (x.nerrs) {
			config_release(&nc);
		} else {
			config_release(c);
			*c = nc;
		}
		cyaml_free(&cy, &top_schema, raw, 0);
	}
out:
	if (!x.nerrs)
		c->path = path;
	print_errors(&x);
	strbuf_release(&log);
	arena_free(a);
	free(buf);
	return x.nerrs ? -1 : 0;
}

void config_apply(const struct config *c, struct diag *d)
{
	for (int i = 0; i < RULE__COUNT; i++)
		if (c->rule_severity[i] >= 0)
			d->severity[i] = (enum severity)c->rule_severity[i];
}

/* ---- ignorePaths ---- */

/* "./a//b/./c" → "a/b/c": the form a pattern is written in. */
static void clean_path(const char *p, struct strbuf *out)
{
	bool abs = *p == '/';
	strbuf_reset(out);
	if (abs)
		strbuf_addch(out, '/');
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n) {
			if (out->len && out->buf[out->len - 1] != '/')
				strbuf_addch(out, '/');
			strbuf_add(out, p, n);
		}
		p += n;
	}
}

bool config_ignores(const struct config *c, const char *path)
{
	struct strbuf forms[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, pat = STRBUF_INIT;
	char cwd[4096];
	size_t nforms = 0;
	bool hit = false;

	if (!c->nignore_paths || !path)
		return false;
	/* The path as given and cleaned, plus: relative to the current directory when it
	 * is absolute and inside it, absolute when it is relative. */
	clean_path(path, &forms[nforms++]);
	if (getcwd(cwd, sizeof(cwd)) && cwd[0] == '/') {
		size_t cl = strlen(cwd);
		const char *f = forms[0].buf;
		if (f[0] == '/') {
			if (cl == 1)
				strbuf_addstr(&forms[nforms++], f + 1);
			else if (!strncmp(f, cwd, cl) && f[cl] == '/')
				strbuf_addstr(&forms[nforms++], f + cl + 1);
		} else {
			strbuf_addf(&forms[nforms], "%s/%s", cl == 1 ? "" : cwd, f);
			nforms++;
		}
	}
	for (size_t i = 0; i < c->nignore_paths && !hit; i++) {
		clean_path(c->ignore_paths[i], &pat); /* "./dir/" is "dir" */
		hit = pathglob_match(c->ignore_paths[i], path, false);
		for (size_t f = 0; f < nforms && !hit; f++)
			hit = pathglob_match(pat.buf, forms[f].buf, true);
	}
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++)
		strbuf_release(&forms[i]);
	strbuf_release(&pat);
	return hit;
}

/*
 * libFuzzer target: bytes → ynode_parse (a JSON stream cut into its documents as the
 * loader cuts it; every other input with the decoder's filter, which builds only what it
 * reads) → k8s_decode_document (every unit, into a
 * fresh model) → normalize_policy + validate_policy, checking the tree's and the
 * diagnostics' promises on the way; then everything is freed (LeakSanitizer watches).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "kinds.h"
#include "load_int.h"
#include "validate.h"

static const char file_name[] = "fuzz.yaml";

struct walk {
	size_t len;      /* input length: no position can lie beyond it */
	size_t visits;   /* nodes visited in this document (aliases expanded) */
	size_t total;    /* nodes visited in this input */
};

/* Expanded walk of one document; aliases make the tree a DAG, so the visit count is the
 * expanded size the loader promised to bound (YNODE_ALIAS_BUDGET). */
static void check_node(struct walk *w, const struct ynode *n)
{
	long long v;
	bool b;

	FUZZ_CHECK(n != NULL, "null node in the tree");
	if (++w->visits > YNODE_ALIAS_BUDGET + 1 || ++w->total > 4 * (size_t)YNODE_ALIAS_BUDGET)
		return;
	if (!n->pos.file) {
		/* The stand-in for a scalar the decoder's filter did not build: a null. */
		FUZZ_CHECK(n->kind == YN_SCALAR && n->len == 0 && ynode_is_null(n),
			   "node without its file");
		return;
	}
	FUZZ_CHECK(!strcmp(n->pos.file, file_name), "node without its file");
	FUZZ_CHECK(n->pos.line >= 1 && n->pos.col >= 1, "position %d:%d", n->pos.line, n->pos.col);
	FUZZ_CHECK((size_t)n->pos.line <= w->len + 1 && (size_t)n->pos.col <= w->len + 1,
		   "position %d:%d beyond an input of %zu bytes", n->pos.line, n->pos.col, w->len);
	FUZZ_CHECK(ynode_kind_name(n) != NULL, "no kind name");
	switch (n->kind) {
	case YN_SCALAR:
		FUZZ_CHECK(n->str != NULL, "scalar without text");
		FUZZ_CHECK(n->str[n->len] == '\0', "scalar not NUL-terminated at len %zu", (size_t)n->len);
		FUZZ_CHECK(strlen(n->str) <= n->len, "scalar longer than its len");
		FUZZ_CHECK(n->n == 0, "scalar with %zu children", n->n);
		if (!ynode_int(n, &v) || !ynode_bool(n, &b))
			FUZZ_CHECK(n->plain || n->tag == YT_INT || n->tag == YT_FLOAT ||
					   n->tag == YT_BOOL,
				   "a quoted scalar read as a number or boolean");
		if (ynode_is_null(n))
			FUZZ_CHECK(ynode_str(n) == NULL, "null reads as a string");
		else
			FUZZ_CHECK(ynode_str(n) == n->str, "scalar does not read as its text");
		break;
	case YN_MAP:
		FUZZ_CHECK(n->n == 0 || n->kids != NULL, "mapping without its array");
		FUZZ_CHECK(ynode_str(n) == NULL && ynode_int(n, &v) && ynode_bool(n, &b),
			   "a mapping reads as a scalar");
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *k = n->kids[2 * i];
			FUZZ_CHECK(k != NULL && n->kids[2 * i + 1] != NULL, "mapping pair %zu", i);
			FUZZ_CHECK(!ynode_is_merge_key(k), "a merge key left in the tree");
			if (k->kind == YN_SCALAR && strlen(k->str) == k->len) {
				/* Lookup finds the first key with that text (a key holding a NUL
				 * cannot be asked for by a C string, and matches none). */
				const struct ynode *kk = ynode_key(n, k->str);
				const struct ynode *vv = ynode_get(n, k->str);
				FUZZ_CHECK(kk != NULL && vv != NULL, "key '%s' not found", k->str);
				FUZZ_CHECK(kk->kind == YN_SCALAR && !strcmp(kk->str, k->str),
					   "ynode_key returned another key");
			}
			check_node(w, k);
			check_node(w, n->kids[2 * i + 1]);
		}
		break;
	case YN_SEQ:
		FUZZ_CHECK(n->n == 0 || n->kids != NULL, "sequence without its array");
		FUZZ_CHECK(ynode_get(n, "a") == NULL && ynode_key(n, "a") == NULL,
			   "lookup in a sequence");
		for (size_t i = 0; i < n->n; i++)
			check_node(w, n->kids[i]);
		break;
	default:
		FUZZ_CHECK(0, "node kind %d", (int)n->kind);
	}
}

/* Every finding names a file and a 1-based position, and has a message. */
static void check_findings(const struct diag *d, size_t from)
{
	for (size_t i = from; i < d->n; i++) {
		const struct finding *f = &d->items[i];
		FUZZ_CHECK(f->rule < RULE__COUNT, "rule %d", (int)f->rule);
		FUZZ_CHECK(f->message != NULL, "finding without a message");
		FUZZ_CHECK(f->pos.file != NULL, "finding '%s' without a file", f->message);
		FUZZ_CHECK(f->pos.line >= 1 && f->pos.col >= 1, "finding '%s' at %d:%d",
			   f->message, f->pos.line, f->pos.col);
	}
}

struct unit_ctx {
	struct model *m;
	struct walk *w;
	const struct model_options *opt;
	size_t units;
};

/* The sink model_load uses, with the unit's tree checked while it is alive. */
static bool on_unit(void *ctx, const struct ynode *n)
{
	struct unit_ctx *uc = ctx;
	FUZZ_CHECK(!ynode_is_null(n), "an empty unit was delivered");
	uc->units++;
	uc->w->visits = 0;
	check_node(uc->w, n);
	FUZZ_CHECK(uc->w->visits <= YNODE_ALIAS_BUDGET ||
		   uc->w->total > 4 * (size_t)YNODE_ALIAS_BUDGET,
		   "unit %zu expands beyond the alias budget", uc->units);
	(void)ynode_path(n, "spec.template.metadata.labels");
	(void)ynode_path(n, "spec.jobTemplate.spec.template.spec.containers");
	return k8s_decode_document(uc->m, file_name, n, uc->opt);
}

static const struct ypath *build_paths(void *ctx, const char *kind)
{
	const struct unit_ctx *uc = ctx;
	return k8s_build_paths(uc->opt, kind);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct arena *a = arena_new();
	struct diag d;
	struct model m;
	struct model_options opt = { .default_ns = NULL };
	struct walk w = { size, 0, 0 };
	struct unit_ctx uc = { &m, &w, &opt, 0 };
	struct ynode_sink sink = { .unit = on_unit, .ctx = &uc };
	if (size % 2) {
		sink.skip_keys = k8s_skip_keys;
		sink.filter = build_paths;
	}

	diag_init(&d, a);
	memset(&m, 0, sizeof(m));
	m.arena = a;
	m.diag = &d;
	m.trees = arena_new();
	size_t *starts = NULL, nstarts = model_json_starts((const char *)data, size, &starts);
	int rc = 0;
	if (nstarts < 2) {
		rc = ynode_parse(m.trees, &d, file_name, (const char *)data, size, &sink);
	} else {
		/* Positions of each piece are checked against the whole input's length. */
		for (size_t k = 0; k < nstarts; k++) {
			size_t end = k + 1 < nstarts ? starts[k + 1] : size;
			FUZZ_CHECK(starts[k] < end && end <= size, "piece %zu: %zu..%zu", k,
				   starts[k], end);
			if (ynode_parse_at(m.trees, &d, file_name, (const char *)data + starts[k],
					   end - starts[k], 0, starts[k], &sink))
				rc = -1;
		}
	}
	free(starts);
	bool syntax = false;
	for (size_t i = 0; i < d.n; i++)
		syntax |= d.items[i].rule == RULE_YAML_SYNTAX;
	if (rc) {
		FUZZ_CHECK(rc == -1, "ynode_parse returned %d", rc);
		FUZZ_CHECK(d.input_error, "a parse error that is not an input error");
		FUZZ_CHECK(syntax, "a parse error without a yaml-syntax finding");
	}
	/* (a clean parse may still carry yaml-syntax findings: the decoder reports repeated
	 * keys under that rule) */
	check_findings(&d, 0);

	/* What the model kept must still be there (the checked arena makes a freed tree a
	 * use-after-free): walk every object's nodes again. */
	for (size_t i = 0; i < m.nobjects; i++) {
		const struct object *o = m.objects[i];
		FUZZ_CHECK(o->kind && o->file && o->node, "object %zu incomplete", i);
		/* Cluster-scoped as the kind table says (Namespace, Node, the policy
		 * tiers); a kind it does not know is read only when namespaced. */
		const struct k8s_kind *k = k8s_kind_find(o->kind, o->api_version);
		bool cluster = k && !k->namespaced;
		FUZZ_CHECK(cluster || o->ns, "namespaced %s without ns", o->kind);
		w.visits = 0;
		check_node(&w, o->node);
		if (o->name)
			FUZZ_CHECK(strlen(o->name) < (size_t)-1, "name");
		for (size_t j = 0; j < o->labels.n; j++)
			FUZZ_CHECK(o->labels.kv[j].key && o->labels.kv[j].val, "label %zu", j);
	}
	size_t before = d.n;
	for (size_t i = 0; i < m.npolicies; i++) {
		struct policy *p = m.policies[i];
		if (p->obj->invalid)
			p->invalid = true;
		normalize_policy(p);
		validate_policy(&m, p);
		for (int dir = 0; dir < DIR__COUNT; dir++)
			FUZZ_CHECK(p->nrules[dir] == 0 || p->rules[dir], "rules without their array");
	}
	check_findings(&d, before);

	model_free(&m);
	diag_release(&d);
	arena_free(a);
	return 0;
}

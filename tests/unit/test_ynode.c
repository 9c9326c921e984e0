/* Unit tests for ynode: positions, documents, the unit sink, aliases, limits and scalar reading. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ynode.h"

#define MAX_UNITS 16

/* A parse, the units its sink received, and what the sink decides about them. */
struct yt {
	struct arena *a;
	struct diag d;
	const struct ynode *u[MAX_UNITS];
	size_t n;
	bool keep;                       /* sink's answer for every unit ... */
	bool (*decide)(const struct ynode *n); /* ... unless this says otherwise */
	char first_key[MAX_UNITS][32];   /* each unit's first key, read during the call */
	int rc;
};

static bool collect(void *ctx, const struct ynode *n)
{
	struct yt *t = ctx;
	if (t->n == MAX_UNITS)
		fail_msg("too many units");
	if (n->kind == YN_MAP && n->n && n->kids[0]->kind == YN_SCALAR)
		snprintf(t->first_key[t->n], sizeof(t->first_key[t->n]), "%s", n->kids[0]->str);
	t->u[t->n++] = n;
	return t->decide ? t->decide(n) : t->keep;
}

static void yt_init(struct yt *t)
{
	memset(t, 0, sizeof(*t));
	t->a = arena_new();
	diag_init(&t->d, t->a);
	t->keep = true;
}

static int yt_run(struct yt *t, const char *text, size_t len)
{
	struct ynode_sink sink = { .unit = collect, .ctx = t };
	t->rc = ynode_parse(t->a, &t->d, "f.yaml", text, len, &sink);
	return t->rc;
}

static int yt_parse(struct yt *t, const char *text)
{
	return yt_run(t, text, strlen(text));
}

static void yt_free(struct yt *t)
{
	diag_release(&t->d);
	arena_free(t->a);
}

/* Parse text, which must be one valid document, and keep its root. */
static const struct ynode *parse_one(struct yt *t, const char *text)
{
	yt_init(t);
	assert_int_equal(yt_parse(t, text), 0);
	assert_int_equal(t->d.n, 0);
	assert_int_equal(t->n, 1);
	return t->u[0];
}

#define assert_pos(node, l, c) do { \
	const struct ynode *n_ = (node); \
	assert_non_null(n_); \
	assert_int_equal(n_->pos.line, (l)); \
	assert_int_equal(n_->pos.col, (c)); \
} while (0)

static const struct ynode *item(const struct ynode *seq, size_t i)
{
	assert_non_null(seq);
	assert_int_equal(seq->kind, YN_SEQ);
	assert_true(i < seq->n);
	return seq->kids[i];
}

/* ---- positions ---- */

static void test_scalar_and_map_positions(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t, "a: 1\nbb:   two\nc:\n  d: 'x'\n  e:\n    f: g\n");
	assert_int_equal(r->kind, YN_MAP);
	assert_pos(r, 1, 1);
	assert_string_equal(r->pos.file, "f.yaml");
	assert_int_equal(r->n, 3);
	assert_pos(ynode_key(r, "a"), 1, 1);
	assert_pos(ynode_get(r, "a"), 1, 4);
	assert_pos(ynode_key(r, "bb"), 2, 1);
	assert_pos(ynode_get(r, "bb"), 2, 7);
	/* A block mapping value starts at its first key. */
	assert_pos(ynode_get(r, "c"), 4, 3);
	assert_pos(ynode_key(ynode_get(r, "c"), "d"), 4, 3);
	assert_pos(ynode_get(ynode_get(r, "c"), "d"), 4, 6);
	assert_pos(ynode_path(r, "c.e.f"), 6, 8);
	assert_pos(ynode_key(ynode_path(r, "c.e"), "f"), 6, 5);
	yt_free(&t);
}

static void test_flow_positions(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t, "c: [p,  q]\nd: {e: f, g: [h]}\nj: {\"k\": [1,\n  2]}\n");
	const struct ynode *c = ynode_get(r, "c");
	assert_pos(c, 1, 4);
	assert_int_equal(c->n, 2);
	/* Flow items are where they stand: no '-' to move to. */
	assert_pos(item(c, 0), 1, 5);
	assert_pos(item(c, 1), 1, 9);
	const struct ynode *d = ynode_get(r, "d");
	assert_int_equal(d->kind, YN_MAP);
	assert_pos(d, 2, 4);
	assert_pos(ynode_key(d, "e"), 2, 5);
	assert_pos(ynode_get(d, "e"), 2, 8);
	assert_pos(ynode_key(d, "g"), 2, 11);
	assert_pos(item(ynode_get(d, "g"), 0), 2, 15);
	const struct ynode *k = ynode_path(r, "j.k");
	assert_pos(k, 3, 10);
	assert_pos(item(k, 0), 3, 11);
	assert_pos(item(k, 1), 4, 3);
	yt_free(&t);
}

static void test_block_item_at_dash(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t,
		"b:\n"                 /* 1 */
		"  - x\n"              /* 2 */
		"  - k: v\n"           /* 3 */
		"    k2: w\n"          /* 4 */
		"  - - a\n"            /* 5 */
		"    - b\n"            /* 6 */
		"e:\n"                 /* 7 */
		"- y\n"                /* 8 */
		"-    z\n"             /* 9 */
		"- - - deep\n"         /* 10 */
		"- \"quoted\"\n"       /* 11 */
		"- &an anchored\n"     /* 12 */
		"- !!str tagged\n"     /* 13 */
		"- {f: 1}\n"           /* 14 */
		"- [g]\n");            /* 15 */
	const struct ynode *b = ynode_get(r, "b");
	assert_pos(b, 2, 3);
	assert_int_equal(b->n, 3);
	assert_pos(item(b, 0), 2, 3);
	/* A mapping item is at its '-'; its first key keeps its own column. */
	const struct ynode *m = item(b, 1);
	assert_int_equal(m->kind, YN_MAP);
	assert_pos(m, 3, 3);
	assert_pos(ynode_key(m, "k"), 3, 5);
	assert_pos(ynode_key(m, "k2"), 4, 5);
	/* Nested "- - a": the outer item at the first '-', its items at theirs. */
	const struct ynode *nested = item(b, 2);
	assert_int_equal(nested->kind, YN_SEQ);
	assert_pos(nested, 5, 3);
	assert_pos(item(nested, 0), 5, 5);
	assert_pos(item(nested, 1), 6, 5);

	const struct ynode *e = ynode_get(r, "e");
	assert_pos(e, 8, 1);
	assert_int_equal(e->n, 8);
	assert_pos(item(e, 0), 8, 1);
	assert_pos(item(e, 1), 9, 1); /* however many spaces follow the '-' */
	const struct ynode *deep = item(e, 2);
	assert_pos(deep, 10, 1);
	assert_pos(item(deep, 0), 10, 3);
	assert_pos(item(item(deep, 0), 0), 10, 5);
	assert_string_equal(item(item(deep, 0), 0)->str, "deep");
	assert_pos(item(e, 3), 11, 1);
	assert_false(item(e, 3)->plain);
	assert_pos(item(e, 4), 12, 1);
	assert_string_equal(item(e, 4)->str, "anchored");
	assert_pos(item(e, 5), 13, 1);
	assert_string_equal(item(e, 5)->str, "tagged");
	assert_pos(item(e, 6), 14, 1);
	assert_pos(ynode_key(item(e, 6), "f"), 14, 4);
	assert_pos(item(e, 7), 15, 1);
	assert_pos(item(item(e, 7), 0), 15, 4);
	yt_free(&t);
}

/* An empty (null) item of a block sequence is an item too, and stands at its '-'. */
static void test_block_item_null_at_dash(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t, "k:\n- \n-\n- # comment\n- x\n");
	const struct ynode *k = ynode_get(r, "k");
	assert_int_equal(k->n, 4);
	for (size_t i = 0; i < 3; i++) {
		assert_true(ynode_is_null(item(k, i)));
		assert_pos(item(k, i), (int)i + 2, 1);
	}
	assert_pos(item(k, 3), 5, 1);
	yt_free(&t);
}

/* libyaml columns count characters, not bytes: positions after UTF-8 text do too. */
static void test_utf8_columns(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t,
		"ä: [x, ö, y]\n"
		"l:\n"
		"- [ä, ö, x]\n"
		"- ключ: значение\n"
		"- - ü\n"
		"  - ü2\n"
		"- ö: -x\n");
	const struct ynode *a = ynode_get(r, "ä");
	assert_pos(a, 1, 4);
	assert_pos(item(a, 0), 1, 5);
	assert_pos(item(a, 1), 1, 8);
	assert_pos(item(a, 2), 1, 11);
	const struct ynode *l = ynode_get(r, "l");
	assert_int_equal(l->n, 4);
	assert_pos(item(l, 0), 3, 1);
	assert_pos(item(item(l, 0), 0), 3, 4);
	assert_pos(item(item(l, 0), 1), 3, 7);
	assert_pos(item(item(l, 0), 2), 3, 10);
	assert_pos(item(l, 1), 4, 1);
	assert_pos(ynode_key(item(l, 1), "ключ"), 4, 3);
	assert_pos(ynode_get(item(l, 1), "ключ"), 4, 9);
	assert_pos(item(l, 2), 5, 1);
	assert_pos(item(item(l, 2), 0), 5, 3);
	assert_pos(item(item(l, 2), 1), 6, 3);
	assert_pos(item(l, 3), 7, 1);
	assert_pos(ynode_get(item(l, 3), "ö"), 7, 6);
	assert_string_equal(ynode_get(item(l, 3), "ö")->str, "-x");
	yt_free(&t);
}

/* A byte order mark is no character for libyaml: the first item is still at its '-'. */
static void test_utf8_bom_item_at_dash(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t, "\xEF\xBB\xBF- a\n- b\n");
	assert_int_equal(r->kind, YN_SEQ);
	assert_pos(item(r, 0), 1, 1);
	assert_pos(item(r, 1), 2, 1);
	yt_free(&t);
}

/* ---- documents and the sink ---- */

static void test_multi_document(void **state)
{
	(void)state;
	struct yt t;
	yt_init(&t);
	assert_int_equal(yt_parse(&t,
		"---\n"                /* 1 */
		"a: 1\n"               /* 2 */
		"---\n"                /* 3 */
		"---\n"                /* 4 */
		"# only a comment\n"   /* 5 */
		"---\n"                /* 6 */
		"b: 2\n"               /* 7 */
		"...\n"                /* 8 */
		"---\n"                /* 9 */
		"~\n"                  /* 10 */
		"---\n"                /* 11 */
		"{\"c\": [3]}\n"),     /* 12 */
		0);
	assert_int_equal(t.d.n, 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.first_key[0], "a");
	assert_pos(t.u[0], 2, 1);
	assert_string_equal(t.first_key[1], "b");
	assert_pos(t.u[1], 7, 1);
	assert_string_equal(t.first_key[2], "c");
	assert_pos(t.u[2], 12, 1);
	assert_pos(ynode_get(t.u[2], "c"), 12, 7);
	yt_free(&t);

	/* Nothing at all, or only empty documents: no unit, no error. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, ""), 0);
	assert_int_equal(yt_parse(&t, "---\n---\n...\n"), 0);
	assert_int_equal(yt_parse(&t, "# nothing\n"), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.d.n, 0);
	yt_free(&t);
}

static void test_sink_list_items(void **state)
{
	(void)state;
	struct yt t;
	yt_init(&t);
	assert_int_equal(yt_parse(&t,
		"apiVersion: v1\n"         /* 1 */
		"kind: List\n"             /* 2 */
		"items:\n"                 /* 3 */
		"- kind: Pod\n"            /* 4 */
		"  metadata:\n"            /* 5 */
		"    name: a\n"            /* 6 */
		"- metadata:\n"            /* 7 */
		"    name: nokind\n"       /* 8 */
		"-   kind: Service\n"      /* 9 */
		"    metadata: {name: s}\n" /* 10 */
		"spec:\n"                  /* 11 */
		"  items:\n"               /* 12 */
		"  - kind: Pod\n"),        /* 13 */
		0);
	/* Items with a kind come one by one as they complete, the document last. */
	assert_int_equal(t.n, 3);
	assert_string_equal(t.first_key[0], "kind");
	assert_string_equal(ynode_get(t.u[0], "kind")->str, "Pod");
	assert_string_equal(ynode_path(t.u[0], "metadata.name")->str, "a");
	assert_pos(t.u[0], 4, 1);
	assert_string_equal(ynode_get(t.u[1], "kind")->str, "Service");
	assert_pos(t.u[1], 9, 1);
	const struct ynode *doc = t.u[2];
	assert_string_equal(t.first_key[2], "apiVersion");
	/* The item without a kind stays in its document; delivered ones are not there. */
	const struct ynode *items = ynode_get(doc, "items");
	assert_int_equal(items->n, 1);
	assert_string_equal(ynode_path(items->kids[0], "metadata.name")->str, "nokind");
	assert_pos(items->kids[0], 7, 1);
	/* Only the document's own top-level items are units. */
	assert_int_equal(ynode_path(doc, "spec.items")->n, 1);
	yt_free(&t);

	/* Flow items, and a typed list. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "kind: PodList\nitems: [{kind: Pod, x: 1}, {y: 2}]\n"), 0);
	assert_int_equal(t.n, 2);
	assert_pos(t.u[0], 2, 9);
	assert_int_equal(ynode_get(t.u[1], "items")->n, 1);
	yt_free(&t);

	/* A root sequence of objects is one unit: only "items" of a mapping is split. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "- kind: Pod\n- kind: Pod\n"), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.u[0]->kind, YN_SEQ);
	assert_int_equal(t.u[0]->n, 2);
	yt_free(&t);
}

static bool keep_items_only(const struct ynode *n)
{
	return ynode_get(n, "items") == NULL;
}

static bool keep_root_only(const struct ynode *n)
{
	return ynode_get(n, "items") != NULL;
}

static const char list_doc[] =
	"kind: List\n"
	"items:\n"
	"- kind: Pod\n"
	"  metadata: {name: first, labels: {a: b, c: d, e: f, g: h}}\n"
	"- kind: Pod\n"
	"  metadata: {name: second, labels: {a: b, c: d, e: f, g: h}}\n";

static void test_sink_keep_discard(void **state)
{
	(void)state;
	struct yt t;
	size_t before;

	/* Discarded units: the sink saw them whole, and their memory is given back. */
	yt_init(&t);
	t.keep = false;
	before = arena_used(t.a);
	assert_int_equal(yt_parse(&t, "a: 1\n---\nb: [1, 2, 3]\n---\nc: {d: e}\n"), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.first_key[0], "a");
	assert_string_equal(t.first_key[1], "b");
	assert_string_equal(t.first_key[2], "c");
	assert_int_equal(arena_used(t.a), before);
	yt_free(&t);

	/* Kept units stay whole after later documents have been parsed. */
	yt_init(&t);
	before = arena_used(t.a);
	assert_int_equal(yt_parse(&t, "a: 1\n---\nb: [1, 2, 3]\n---\nc: {d: e}\n"), 0);
	assert_int_equal(t.n, 3);
	assert_true(arena_used(t.a) > before);
	assert_string_equal(ynode_get(t.u[0], "a")->str, "1");
	assert_int_equal(ynode_get(t.u[1], "b")->n, 3);
	assert_string_equal(item(ynode_get(t.u[1], "b"), 2)->str, "3");
	assert_string_equal(ynode_path(t.u[2], "c.d")->str, "e");
	yt_free(&t);

	/* Kept List items survive their discarded document, and later documents. */
	yt_init(&t);
	t.decide = keep_items_only;
	assert_int_equal(yt_parse(&t, "kind: List\nitems:\n- kind: Pod\n  metadata: {name: first}\n"
				      "- kind: Pod\n  metadata: {name: second}\n"
				      "---\nx: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]\n"
				      "y: {a: b, c: d, e: f, g: h, i: j}\n"), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(ynode_path(t.u[0], "metadata.name")->str, "first");
	assert_string_equal(ynode_path(t.u[1], "metadata.name")->str, "second");
	assert_string_equal(ynode_get(t.u[0], "kind")->str, "Pod");
	assert_int_equal(ynode_path(t.u[0], "metadata")->n, 1);
	yt_free(&t);

	/* Items discarded one by one cost nothing once handed over: keeping only the
	 * document uses less than keeping everything. */
	size_t all, root_only;
	yt_init(&t);
	assert_int_equal(yt_parse(&t, list_doc), 0);
	all = arena_used(t.a);
	yt_free(&t);
	yt_init(&t);
	t.decide = keep_root_only;
	assert_int_equal(yt_parse(&t, list_doc), 0);
	assert_int_equal(t.n, 3);
	root_only = arena_used(t.a);
	assert_int_equal(ynode_get(t.u[2], "items")->n, 0);
	yt_free(&t);
	assert_true(root_only < all);
}

static const char *const skip_keys[] = { "conditions", "res", NULL };

static int yt_parse_skipping(struct yt *t, const char *text)
{
	struct ynode_sink sink = { .unit = collect, .ctx = t, .skip_keys = skip_keys };
	t->rc = ynode_parse(t->a, &t->d, "f.yaml", text, strlen(text), &sink);
	return t->rc;
}

/* Collection values of keys the sink never reads stand as nulls at their position. */
static void test_sink_skip_keys(void **state)
{
	(void)state;
	struct yt t;
	yt_init(&t);
	assert_int_equal(yt_parse_skipping(&t,
		"a: 1\n"                   /* 1 */
		"status:\n"                /* 2 */
		"  conditions:\n"          /* 3 */
		"  - type: x\n"            /* 4 */
		"    deep: [[1]]\n"        /* 5 */
		"  podIP: 1.2.3.4\n"       /* 6 */
		"res: &r {x: &in 1}\n"     /* 7 */
		"ref: *r\n"                /* 8 */
		"ref2: *in\n"              /* 9 */
		"conditions: scalar\n"),   /* 10 */
		0);
	assert_int_equal(t.d.n, 0);
	assert_int_equal(t.n, 1);
	const struct ynode *r = t.u[0];
	const struct ynode *c = ynode_path(r, "status.conditions");
	assert_non_null(c);
	assert_true(ynode_is_null(c));
	assert_pos(c, 4, 3);
	assert_pos(ynode_key(ynode_get(r, "status"), "conditions"), 3, 3);
	assert_string_equal(ynode_path(r, "status.podIP")->str, "1.2.3.4");
	/* An anchored value is built all the same: an alias or a merge key may read it
	 * where other keys are read. */
	assert_string_equal(ynode_get(ynode_get(r, "res"), "x")->str, "1");
	assert_ptr_equal(ynode_get(r, "ref"), ynode_get(r, "res"));
	assert_string_equal(ynode_get(r, "ref2")->str, "1");
	assert_pos(ynode_get(r, "ref2"), 7, 13); /* libyaml marks a node at its anchor */
	/* A scalar value of such a key is kept. */
	assert_string_equal(ynode_get(r, "conditions")->str, "scalar");
	yt_free(&t);
}

/* An anchor inside a value that is not built: the value stays a null, the anchored node
 * is built off the tree for the aliases and merges that use it. */
static void test_sink_skip_keys_inner_anchor(void **state)
{
	(void)state;
	struct yt t;
	yt_init(&t);
	assert_int_equal(yt_parse_skipping(&t,
		"res:\n"                              /* 1 */
		"  a: [1, {b: &in {x: 1, y: [2]}}]\n"  /* 2 */
		"  c: &s text\n"                       /* 3 */
		"  conditions: {d: &deep {z: 3}}\n"    /* 4 */
		"ref: *in\n"                           /* 5 */
		"m: {<<: [*in, *deep], w: 4}\n"        /* 6 */
		"s: *s\n"),                            /* 7 */
		0);
	assert_int_equal(t.d.n, 0);
	const struct ynode *r = t.u[0];
	assert_true(ynode_is_null(ynode_get(r, "res")));
	const struct ynode *ref = ynode_get(r, "ref");
	assert_int_equal(ref->kind, YN_MAP);
	assert_pos(ref, 2, 14);
	assert_string_equal(ynode_get(ref, "x")->str, "1");
	assert_int_equal(ynode_get(ref, "y")->kind, YN_SEQ);
	const struct ynode *m = ynode_get(r, "m");
	assert_int_equal(m->n, 4);
	assert_string_equal(ynode_get(m, "z")->str, "3");
	assert_pos(ynode_key(m, "z"), 4, 26);
	assert_string_equal(ynode_get(r, "s")->str, "text");
	yt_free(&t);
}

static void test_sink_skip_keys_unknown_alias(void **state)
{
	(void)state;
	struct yt t;
	/* A value that is not built is still parsed: an undefined anchor is an error. */
	yt_init(&t);
	assert_int_equal(yt_parse_skipping(&t, "a:\n  conditions: [*nope]\n"), -1);
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].rule, RULE_YAML_SYNTAX);
	assert_string_equal(t.d.items[0].message, "unknown alias '*nope'");
	assert_int_equal(t.d.items[0].pos.line, 2);
	assert_int_equal(t.d.items[0].pos.col, 16);
	yt_free(&t);
}

/* What a Pod unit builds: metadata.name, and of spec only its containers' names. */
static const struct ypath name_only[] = { { "name", true, NULL }, { NULL, false, NULL } };
static const struct ypath container_items[] = { { "[]", false, name_only }, { NULL, false, NULL } };
static const struct ypath pod_spec[] = { { "containers", false, container_items },
					 { NULL, false, NULL } };
static const struct ypath pod_paths[] = {
	{ "metadata", false, name_only }, { "spec", false, pod_spec }, { "data", true, NULL },
	{ NULL, false, NULL }
};

static const struct ypath *pod_filter(void *ctx, const char *kind)
{
	(void)ctx;
	return strcmp(kind, "Pod") ? NULL : pod_paths;
}

static void test_sink_filter(void **state)
{
	(void)state;
	struct yt t;
	struct ynode_sink sink = { .unit = collect, .ctx = &t, .filter = pod_filter };
	static const char text[] =
		"kind: Pod\n"                                    /* 1 */
		"apiVersion: v1\n"                               /* 2 */
		"metadata:\n"                                    /* 3 */
		"  name: a\n"                                    /* 4 */
		"  labels: {x: y}\n"                             /* 5 */
		"  namespace: ns\n"                              /* 6 */
		"spec:\n"                                        /* 7 */
		"  containers:\n"                                /* 8 */
		"  - {name: c, image: nginx, ports: [{containerPort: 80}]}\n" /* 9 */
		"  hostNetwork: true\n"                          /* 10 */
		"data: {deep: {deeper: [1, 2]}}\n"               /* 11 */
		"status: {podIP: 1.2.3.4}\n"                     /* 12 */
		"extra: scalar\n"                                /* 13 */
		"---\n"
		"metadata: {labels: {x: y}}\n"                   /* 15: before its kind: all built */
		"kind: Pod\n"
		"---\n"
		"kind: Other\n"
		"status: {podIP: 5.6.7.8}\n"
		"---\n"
		"kind: List\n"
		"items:\n"
		"- kind: Pod\n"
		"  metadata: {name: item, labels: {x: y}}\n";
	yt_init(&t);
	t.rc = ynode_parse(t.a, &t.d, "f.yaml", text, strlen(text), &sink);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.n, 0);
	assert_int_equal(t.n, 5);

	const struct ynode *r = t.u[0];
	/* The root's scalars and every key are built; named paths are, the rest is null. */
	assert_string_equal(ynode_get(r, "apiVersion")->str, "v1");
	assert_string_equal(ynode_get(r, "extra")->str, "scalar");
	assert_string_equal(ynode_path(r, "metadata.name")->str, "a");
	assert_non_null(ynode_key(ynode_get(r, "metadata"), "labels"));
	assert_true(ynode_is_null(ynode_path(r, "metadata.labels")));
	assert_true(ynode_is_null(ynode_path(r, "metadata.namespace")));
	const struct ynode *cs = ynode_path(r, "spec.containers");
	assert_int_equal(cs->kind, YN_SEQ);
	assert_int_equal(cs->n, 1);
	assert_pos(cs->kids[0], 9, 3);
	assert_string_equal(ynode_get(cs->kids[0], "name")->str, "c");
	assert_true(ynode_is_null(ynode_get(cs->kids[0], "image")));
	assert_true(ynode_is_null(ynode_get(cs->kids[0], "ports")));
	assert_true(ynode_is_null(ynode_path(r, "spec.hostNetwork")));
	assert_string_equal(ynode_path(r, "data.deep.deeper")->kids[1]->str, "2");
	assert_non_null(ynode_key(r, "status"));
	assert_true(ynode_is_null(ynode_get(r, "status")));
	/* A collection not built stands as a null at its position. */
	assert_pos(ynode_get(r, "status"), 12, 9);

	/* What comes before the kind is built whole. */
	assert_string_equal(ynode_path(t.u[1], "metadata.labels.x")->str, "y");
	/* A kind the filter does not name is built whole. */
	assert_string_equal(ynode_path(t.u[2], "status.podIP")->str, "5.6.7.8");
	/* List items are units of their own kind. */
	assert_string_equal(ynode_path(t.u[3], "metadata.name")->str, "item");
	assert_true(ynode_is_null(ynode_path(t.u[3], "metadata.labels")));
	yt_free(&t);
}

/* ---- aliases ---- */

static void test_alias_shared(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t,
		"a: &x {k: v}\nb: *x\nc: [*x, *x]\nd: &s str\ne: *s\nf:\n- *x\n");
	const struct ynode *a = ynode_get(r, "a");
	assert_int_equal(a->kind, YN_MAP);
	assert_ptr_equal(ynode_get(r, "b"), a);
	assert_ptr_equal(item(ynode_get(r, "c"), 0), a);
	assert_ptr_equal(item(ynode_get(r, "c"), 1), a);
	assert_ptr_equal(ynode_get(r, "e"), ynode_get(r, "d"));
	assert_string_equal(ynode_get(r, "e")->str, "str");
	/* A shared node keeps the anchor's position, even as a block item. */
	assert_ptr_equal(item(ynode_get(r, "f"), 0), a);
	assert_pos(a, 1, 4);
	yt_free(&t);

	/* An anchor defined again: later aliases see the later node. */
	r = parse_one(&t, "a: &x 1\nb: &x 2\nc: *x\n");
	assert_ptr_equal(ynode_get(r, "c"), ynode_get(r, "b"));
	yt_free(&t);
}

static void test_alias_errors(void **state)
{
	(void)state;
	struct yt t;

	yt_init(&t);
	assert_int_equal(yt_parse(&t, "a: 1\nb: *nope\n"), -1);
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].rule, RULE_YAML_SYNTAX);
	assert_string_equal(t.d.items[0].message, "unknown alias '*nope'");
	assert_int_equal(t.d.items[0].pos.line, 2);
	assert_int_equal(t.d.items[0].pos.col, 4);
	assert_string_equal(t.d.items[0].pos.file, "f.yaml");
	assert_true(t.d.input_error);
	yt_free(&t);

	/* A collection cannot contain itself: its anchor is not defined until it ends. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "a: &a [*a]\n"), -1);
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].rule, RULE_YAML_SYNTAX);
	assert_string_equal(t.d.items[0].message, "unknown alias '*a'");
	assert_int_equal(t.d.items[0].pos.line, 1);
	assert_int_equal(t.d.items[0].pos.col, 8);
	assert_int_equal(t.n, 0);
	yt_free(&t);

	/* Anchors belong to their document. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "a: &x 1\n---\nb: *x\n"), -1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.d.items[0].pos.line, 3);
	yt_free(&t);
}

/* Levels a..e of a "billion laughs", then a line with n aliases of e (111111 nodes each). */
static char *laughs(int n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (char c = 'b'; c <= 'e'; c++) {
		strbuf_addf(&sb, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++)
			strbuf_addf(&sb, "%s*%c", i ? "," : "", c - 1);
		strbuf_addstr(&sb, "]\n");
	}
	strbuf_addstr(&sb, "f: &f [");
	for (int i = 0; i < n; i++)
		strbuf_addf(&sb, "%s*e", i ? "," : "");
	strbuf_addstr(&sb, "]\n");
	return strbuf_detach(&sb);
}

static void test_alias_budget(void **state)
{
	(void)state;
	struct yt t;
	/* a..e add 123440 nodes through aliases; six more *e make 790106: allowed. */
	char *ok = laughs(6), *bomb = laughs(10);

	yt_init(&t);
	assert_int_equal(yt_parse(&t, ok), 0);
	assert_int_equal(t.d.n, 0);
	const struct ynode *f = ynode_get(t.u[0], "f");
	assert_int_equal(f->n, 6);
	assert_ptr_equal(item(f, 5), ynode_get(t.u[0], "e"));
	yt_free(&t);

	/* The budget is per document: two such documents in one stream are fine. */
	struct strbuf two = STRBUF_INIT;
	strbuf_addf(&two, "%s---\n%s", ok, ok);
	yt_init(&t);
	assert_int_equal(yt_parse(&t, two.buf), 0);
	assert_int_equal(t.n, 2);
	yt_free(&t);
	strbuf_release(&two);

	/* The eighth *e passes 1000000: reported there; the earlier document was delivered. */
	struct strbuf s = STRBUF_INIT;
	strbuf_addf(&s, "ok: 1\n---\n%s", bomb);
	yt_init(&t);
	assert_int_equal(yt_parse(&t, s.buf), -1);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.first_key[0], "ok");
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].rule, RULE_YAML_SYNTAX);
	assert_string_equal(t.d.items[0].message,
			    "document expands to more than 1000000 nodes through aliases");
	assert_int_equal(t.d.items[0].pos.line, 8);
	assert_int_equal(t.d.items[0].pos.col, 8 + 3 * 7);
	assert_true(t.d.input_error);
	yt_free(&t);
	strbuf_release(&s);
	free(ok);
	free(bomb);
}

/* ---- limits and errors ---- */

static char *nested(int depth)
{
	char *s = malloc(2 * (size_t)depth + 2);
	assert_non_null(s);
	memset(s, '[', (size_t)depth);
	memset(s + depth, ']', (size_t)depth);
	s[2 * depth] = '\n';
	s[2 * depth + 1] = '\0';
	return s;
}

static void test_depth_limit(void **state)
{
	(void)state;
	struct yt t;
	char *ok = nested(YNODE_MAX_DEPTH), *deep = nested(YNODE_MAX_DEPTH + 1);

	yt_init(&t);
	assert_int_equal(yt_parse(&t, ok), 0);
	assert_int_equal(t.n, 1);
	const struct ynode *n = t.u[0];
	int depth = 1;
	while (n->kind == YN_SEQ && n->n == 1) {
		n = n->kids[0];
		depth++;
	}
	assert_int_equal(depth, YNODE_MAX_DEPTH);
	assert_int_equal(n->kind, YN_SEQ);
	assert_int_equal(n->n, 0);
	yt_free(&t);

	yt_init(&t);
	assert_int_equal(yt_parse(&t, deep), -1);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].rule, RULE_YAML_SYNTAX);
	assert_string_equal(t.d.items[0].message, "nesting deeper than 256 levels");
	assert_int_equal(t.d.items[0].pos.line, 1);
	assert_int_equal(t.d.items[0].pos.col, YNODE_MAX_DEPTH + 1);
	yt_free(&t);

	/* Block mappings count the same way. */
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < YNODE_MAX_DEPTH; i++)
		strbuf_addf(&sb, "%*sk:\n", i, "");
	strbuf_addf(&sb, "%*sv: 1\n", YNODE_MAX_DEPTH, "");
	yt_init(&t);
	assert_int_equal(yt_parse(&t, sb.buf), -1);
	assert_int_equal(t.d.items[0].pos.line, YNODE_MAX_DEPTH + 1);
	assert_int_equal(t.d.items[0].pos.col, YNODE_MAX_DEPTH + 1);
	yt_free(&t);
	strbuf_release(&sb);
	free(ok);
	free(deep);
}

static void test_syntax_error_position(void **state)
{
	(void)state;
	struct yt t;

	yt_init(&t);
	assert_int_equal(yt_parse(&t, "a: b: c\n"), -1);
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].rule, RULE_YAML_SYNTAX);
	assert_string_equal(t.d.items[0].message, "mapping values are not allowed in this context");
	assert_int_equal(t.d.items[0].pos.line, 1);
	assert_int_equal(t.d.items[0].pos.col, 5);
	assert_true(t.d.input_error);
	yt_free(&t);

	/* After a good document: that one was delivered, the error has the parser's
	 * position and its context's. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "ok: 1\n---\nk:\n  - a\n - b\n"), -1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.d.n, 1);
	assert_string_equal(t.d.items[0].message,
			    "did not find expected key while parsing a block mapping at line 3 column 1");
	assert_int_equal(t.d.items[0].pos.line, 5);
	assert_int_equal(t.d.items[0].pos.col, 2);
	yt_free(&t);

	/* A reader error (bad UTF-8) carries a byte offset, turned into a line and column. */
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "ok: 1\nb: \xff\n"), -1);
	assert_int_equal(t.d.n, 1);
	assert_string_equal(t.d.items[0].message, "invalid leading UTF-8 octet");
	assert_int_equal(t.d.items[0].pos.line, 2);
	assert_int_equal(t.d.items[0].pos.col, 4);
	yt_free(&t);
}

static void test_reader_error_column_counts_characters(void **state)
{
	(void)state;
	struct yt t;
	yt_init(&t);
	assert_int_equal(yt_parse(&t, "ok: 1\nbé: \xff\n"), -1);
	assert_int_equal(t.d.n, 1);
	assert_int_equal(t.d.items[0].pos.line, 2);
	assert_int_equal(t.d.items[0].pos.col, 5);
	yt_free(&t);
}

/* ---- scalars ---- */

static struct ynode plain(const char *s)
{
	struct ynode n = { .kind = YN_SCALAR, .plain = true, .str = s, .len = strlen(s) };
	return n;
}

static struct ynode quoted(const char *s)
{
	struct ynode n = plain(s);
	n.plain = false;
	return n;
}

static long long int_of(const char *s)
{
	struct ynode n = plain(s);
	long long v = -12345;
	if (ynode_int(&n, &v))
		fail_msg("'%s' should read as an integer", s);
	return v;
}

static void not_int(const char *s)
{
	struct ynode n = plain(s);
	long long v = -12345;
	if (!ynode_int(&n, &v))
		fail_msg("'%s' should not read as an integer (got %lld)", s, v);
	assert_int_equal(v, -12345);
}

static void test_ynode_int(void **state)
{
	(void)state;
	assert_int_equal(int_of("0"), 0);
	assert_int_equal(int_of("42"), 42);
	assert_int_equal(int_of("+7"), 7);
	assert_int_equal(int_of("-7"), -7);
	assert_int_equal(int_of("-0"), 0);
	assert_int_equal(int_of("0x1F"), 31);
	assert_int_equal(int_of("0X1f"), 31);
	assert_int_equal(int_of("-0x10"), -16);
	assert_int_equal(int_of("0b101"), 5);
	assert_int_equal(int_of("+0b11"), 3);
	assert_int_equal(int_of("017"), 15);
	assert_int_equal(int_of("-010"), -8);
	assert_int_equal(int_of("1_000"), 1000);
	assert_int_equal(int_of("1_2_3"), 123);
	assert_int_equal(int_of("9223372036854775807"), LLONG_MAX);
	assert_int_equal(int_of("-9223372036854775807"), -LLONG_MAX);
	/* YAML 1.1 as kubectl reads it (yaml11.c): '_' anywhere after the first character,
	 * 08 is no octal but the decimal 8, and a float with an integral value fits */
	assert_int_equal(int_of("0x_ff"), 255);
	assert_int_equal(int_of("08"), 8);
	assert_int_equal(int_of("1e3"), 1000);

	not_int("");
	not_int("+");
	not_int("-");
	not_int("0x");
	not_int("0b");
	not_int("_1");
	not_int("0b2");
	not_int("0xg");
	not_int("1.5");
	not_int("12abc");
	not_int(".inf");
	not_int("true");
	not_int("9223372036854775808");
	/* beyond int64, a decimal is a float: this one rounds to -2^63 */
	assert_true(int_of("-9223372036854775809") == LLONG_MIN);
	not_int("99999999999999999999999");
	not_int("0x10000000000000000");

	/* Quoted numbers are strings; so are collections and NULL. */
	struct ynode q = quoted("42");
	long long v = 7;
	assert_int_equal(ynode_int(&q, &v), -1);
	assert_int_equal(v, 7);
	assert_int_equal(ynode_int(NULL, &v), -1);
	struct ynode seq = { .kind = YN_SEQ };
	assert_int_equal(ynode_int(&seq, &v), -1);
	/* A scalar holding a NUL is not a number even if its first part is. */
	struct ynode nul = { .kind = YN_SCALAR, .plain = true, .str = "1\0002", .len = 3 };
	assert_int_equal(ynode_int(&nul, &v), -1);
}

/* Lookup compares whole keys: a quoted key holding a NUL is not the key before it. */
static void test_key_with_nul(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t, "\"a\\0b\": 1\nab: 2\na: 3\n");
	assert_string_equal(ynode_str(ynode_get(r, "a")), "3");
	assert_pos(ynode_key(r, "a"), 3, 1);
	assert_string_equal(ynode_str(ynode_get(r, "ab")), "2");
	yt_free(&t);
}

static void test_ynode_int_from_parse(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t, "a: 8080\nb: \"8080\"\nc: '8080'\nd: 0x1F90\ne: |\n  80\n");
	long long v;
	assert_int_equal(ynode_int(ynode_get(r, "a"), &v), 0);
	assert_int_equal(v, 8080);
	assert_int_equal(ynode_int(ynode_get(r, "b"), &v), -1);
	assert_int_equal(ynode_int(ynode_get(r, "c"), &v), -1);
	assert_int_equal(ynode_int(ynode_get(r, "d"), &v), 0);
	assert_int_equal(v, 8080);
	assert_int_equal(ynode_int(ynode_get(r, "e"), &v), -1);
	yt_free(&t);
}

static void test_ynode_int_min(void **state)
{
	(void)state;
	assert_true(int_of("-9223372036854775808") == LLONG_MIN);
}

static void test_ynode_is_float(void **state)
{
	(void)state;
	static const char *const yes[] = { "1.5", "-1.5", "+0.5", ".5", "1.", "1e3", "1E3",
		"1.5e-3", "2e+10", ".inf", "-.inf", "+.Inf", ".INF", ".nan", ".NaN" };
	static const char *const no[] = { "", ".", "-", "e3", "1e", "1e+", "1.2.3", "abc",
		"1,5", "0x1F", "-.nan", "1.5x", "inf", "nan" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct ynode n = plain(yes[i]);
		if (!ynode_is_float(&n))
			fail_msg("'%s' should read as a float", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct ynode n = plain(no[i]);
		if (ynode_is_float(&n))
			fail_msg("'%s' should not read as a float", no[i]);
	}
	struct ynode q = quoted("1.5");
	assert_false(ynode_is_float(&q));
	assert_false(ynode_is_float(NULL));
	struct ynode map = { .kind = YN_MAP };
	assert_false(ynode_is_float(&map));
}

static void test_ynode_bool(void **state)
{
	(void)state;
	static const char *const t_[] = { "true", "True", "TRUE" };
	static const char *const f_[] = { "false", "False", "FALSE" };
	static const char *const no[] = { "", "tRUE", "t", "1", "0", "null", "truex" };
	for (size_t i = 0; i < 3; i++) {
		struct ynode n = plain(t_[i]);
		bool b = false;
		assert_int_equal(ynode_bool(&n, &b), 0);
		assert_true(b);
		n = plain(f_[i]);
		b = true;
		assert_int_equal(ynode_bool(&n, &b), 0);
		assert_false(b);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct ynode n = plain(no[i]);
		bool b = true;
		if (!ynode_bool(&n, &b))
			fail_msg("'%s' should not read as a boolean", no[i]);
		assert_true(b);
	}
	struct ynode q = quoted("true");
	bool b;
	assert_int_equal(ynode_bool(&q, &b), -1);
	assert_int_equal(ynode_bool(NULL, &b), -1);
}

static void test_ynode_is_null_and_str(void **state)
{
	(void)state;
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		struct ynode n = plain(nulls[i]);
		assert_true(ynode_is_null(&n));
		assert_null(ynode_str(&n));
		/* Quoted, the same text is a string. */
		n = quoted(nulls[i]);
		assert_false(ynode_is_null(&n));
		assert_string_equal(ynode_str(&n), nulls[i]);
	}
	assert_true(ynode_is_null(NULL));
	assert_null(ynode_str(NULL));
	struct ynode n = plain("nul");
	assert_false(ynode_is_null(&n));
	assert_string_equal(ynode_str(&n), "nul");
	n = plain("NuLL");
	assert_false(ynode_is_null(&n));
	struct ynode map = { .kind = YN_MAP }, seq = { .kind = YN_SEQ };
	assert_false(ynode_is_null(&map));
	assert_false(ynode_is_null(&seq));
	assert_null(ynode_str(&map));

	/* From the parser: a missing value, a tagged null, an explicitly quoted null. */
	struct yt t;
	const struct ynode *r = parse_one(&t, "a:\nb: !!null ''\nc: \"null\"\nd: ~\n");
	assert_true(ynode_is_null(ynode_get(r, "a")));
	assert_true(ynode_is_null(ynode_get(r, "b")));
	assert_false(ynode_is_null(ynode_get(r, "c")));
	assert_string_equal(ynode_str(ynode_get(r, "c")), "null");
	assert_true(ynode_is_null(ynode_get(r, "d")));
	assert_true(ynode_is_null(ynode_get(r, "missing")));
	yt_free(&t);
}

static void test_ynode_kind_name(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t,
		"m: {a: 1}\ns: [1]\nn: ~\ni: 80\nx: 0x50\nf: 1.5\ninf: .inf\nb: true\n"
		"w: web\nq: \"80\"\nqb: 'true'\nempty:\n");
	assert_string_equal(ynode_kind_name(ynode_get(r, "m")), "object");
	assert_string_equal(ynode_kind_name(ynode_get(r, "s")), "array");
	assert_string_equal(ynode_kind_name(ynode_get(r, "n")), "null");
	assert_string_equal(ynode_kind_name(ynode_get(r, "empty")), "null");
	assert_string_equal(ynode_kind_name(NULL), "null");
	assert_string_equal(ynode_kind_name(ynode_get(r, "i")), "number");
	assert_string_equal(ynode_kind_name(ynode_get(r, "x")), "number");
	assert_string_equal(ynode_kind_name(ynode_get(r, "f")), "number");
	assert_string_equal(ynode_kind_name(ynode_get(r, "inf")), "number");
	assert_string_equal(ynode_kind_name(ynode_get(r, "b")), "boolean");
	assert_string_equal(ynode_kind_name(ynode_get(r, "w")), "string");
	assert_string_equal(ynode_kind_name(ynode_get(r, "q")), "string");
	assert_string_equal(ynode_kind_name(ynode_get(r, "qb")), "string");
	yt_free(&t);
}

static void test_ynode_get_key_path(void **state)
{
	(void)state;
	struct yt t;
	const struct ynode *r = parse_one(&t,
		"spec:\n"
		"  template:\n"
		"    metadata:\n"
		"      labels: {app: web}\n"
		"  list: [a]\n"
		"1: one\n"
		"[k]: complex\n"
		"dup: first\n"
		"dup: second\n");
	const struct ynode *md = ynode_path(r, "spec.template.metadata");
	assert_non_null(md);
	assert_int_equal(md->kind, YN_MAP);
	assert_pos(md, 4, 7);
	assert_string_equal(ynode_path(r, "spec.template.metadata.labels.app")->str, "web");
	assert_ptr_equal(ynode_path(r, "spec"), ynode_get(r, "spec"));
	assert_ptr_equal(ynode_path(r, ""), r);
	assert_null(ynode_path(r, "spec.template.nope"));
	assert_null(ynode_path(r, "spec.list.a")); /* through a sequence: no */
	assert_null(ynode_path(NULL, "spec"));
	/* ynode_key is the key node, ynode_get its value. */
	const struct ynode *k = ynode_key(r, "spec");
	assert_non_null(k);
	assert_string_equal(k->str, "spec");
	assert_pos(k, 1, 1);
	assert_pos(ynode_get(r, "spec"), 2, 3);
	/* Keys are compared as text, whatever they would read as. */
	assert_string_equal(ynode_get(r, "1")->str, "one");
	assert_null(ynode_get(r, "[k]"));
	/* With a key written twice, the first wins. */
	assert_string_equal(ynode_get(r, "dup")->str, "first");
	assert_pos(ynode_key(r, "dup"), 8, 1);
	/* Not a mapping, or no such key. */
	assert_null(ynode_get(r, "absent"));
	assert_null(ynode_key(r, "absent"));
	assert_null(ynode_get(ynode_path(r, "spec.list"), "a"));
	assert_null(ynode_key(ynode_path(r, "spec.list"), "a"));
	assert_null(ynode_get(ynode_get(r, "1"), "one"));
	assert_null(ynode_get(NULL, "a"));
	assert_null(ynode_key(NULL, "a"));
	/* A path part too long for any key is just not found. */
	char longpath[300];
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_null(ynode_path(r, longpath));
	yt_free(&t);
}

/* Every node's position, folded into one number. */
static unsigned long long pos_sum(const struct ynode *n, int depth)
{
	unsigned long long h = (unsigned long long)n->pos.line * 1000003u + (unsigned)n->pos.col;
	if (n->kind == YN_SCALAR)
		for (size_t i = 0; i < n->len; i++)
			h = h * 31 + (unsigned char)n->str[i];
	for (size_t i = 0; n->kind != YN_SCALAR && i < (n->kind == YN_MAP ? 2 * n->n : n->n); i++)
		h = h * 131 + pos_sum(n->kids[i], depth + 1);
	return h;
}

struct sums {
	size_t n;
	unsigned long long h;
};

static bool sum_unit(void *ctx, const struct ynode *n)
{
	struct sums *s = ctx;
	s->n++;
	s->h = s->h * 7 + pos_sum(n, 0);
	return false;
}

/*
 * ynode_parse_release gives back the memory of the documents it has parsed (it reads as
 * zeros after), and reads what ynode_parse reads: the same nodes at the same positions
 * (block sequence items are positioned by looking back at their line), and a reader
 * error's line, counted from the start of the file, the same. After a line break other
 * than LF or CRLF (odd, inserted after 3 MB), where libyaml's line numbers and LF lines
 * part, it gives back nothing more and still reads the same.
 */
static void parse_release_same(const char *odd)
{
	struct strbuf sb = STRBUF_INIT;
	bool odd_done = !odd;
	for (int i = 0; sb.len < ((size_t)5 << 20); i++) {
		strbuf_addf(&sb, "---\nkind: Pod\nmetadata: {name: p%d}\nitems:\n- a: 1\n"
			    "  b: [x, y]\n-   c: \"%d\"\n-\n  d: e\n", i, i);
		if (!odd_done && sb.len > ((size_t)3 << 20)) {
			strbuf_addf(&sb, "x: 1%sy: 2\n", odd);
			odd_done = true;
		}
	}
	strbuf_addstr(&sb, "---\nbad: \"\xff\"\n");
	size_t len = sb.len;
	char *heap = malloc(len + 1);
	assert_non_null(heap);
	memcpy(heap, sb.buf, len + 1);

	struct arena *a = arena_new();
	struct diag d1, d2;
	struct sums s1 = { 0, 0 }, s2 = { 0, 0 };
	diag_init(&d1, a);
	diag_init(&d2, a);
	struct ynode_sink k1 = { .unit = sum_unit, .ctx = &s1 }, k2 = { .unit = sum_unit, .ctx = &s2 };
	assert_int_equal(ynode_parse_part(a, &d1, "f.yaml", sb.buf, len, 0, &k1), -1);
	assert_int_equal(ynode_parse_release(a, &d2, "f.yaml", heap, len, 0, &k2), -1);
	assert_true(s1.n > 10000);
	assert_int_equal(s2.n, s1.n);
	assert_true(s2.h == s1.h);
	assert_int_equal(d1.n, 1);
	assert_int_equal(d2.n, 1);
	assert_string_equal(d2.items[0].message, d1.items[0].message);
	assert_int_equal(d2.items[0].pos.line, d1.items[0].pos.line);
	assert_int_equal(d2.items[0].pos.col, d1.items[0].pos.col);
	/* The first megabytes were given back; what follows an odd break was not. */
	size_t zeros = 0;
	for (size_t i = 0; i < ((size_t)2 << 20); i++)
		zeros += heap[i] == 0;
	assert_true(zeros > ((size_t)1 << 20));
	if (odd)
		assert_memory_equal(heap + ((size_t)7 << 19), sb.buf + ((size_t)7 << 19),
				    len - ((size_t)7 << 19));
	assert_memory_equal(heap + len - 12, sb.buf + len - 12, 12);
	diag_release(&d1);
	diag_release(&d2);
	arena_free(a);
	free(heap);
	strbuf_release(&sb);
}

static void test_parse_release(void **state)
{
	(void)state;
	parse_release_same(NULL);
	parse_release_same("\r");
	parse_release_same("\xc2\x85");
	parse_release_same("\xe2\x80\xa8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_and_map_positions),
		cmocka_unit_test(test_flow_positions),
		cmocka_unit_test(test_block_item_at_dash),
		cmocka_unit_test(test_block_item_null_at_dash),
		cmocka_unit_test(test_utf8_columns),
		cmocka_unit_test(test_utf8_bom_item_at_dash),
		cmocka_unit_test(test_multi_document),
		cmocka_unit_test(test_sink_list_items),
		cmocka_unit_test(test_sink_keep_discard),
		cmocka_unit_test(test_sink_skip_keys),
		cmocka_unit_test(test_sink_skip_keys_inner_anchor),
		cmocka_unit_test(test_sink_skip_keys_unknown_alias),
		cmocka_unit_test(test_sink_filter),
		cmocka_unit_test(test_alias_shared),
		cmocka_unit_test(test_alias_errors),
		cmocka_unit_test(test_alias_budget),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_reader_error_column_counts_characters),
		cmocka_unit_test(test_ynode_int),
		cmocka_unit_test(test_ynode_int_from_parse),
		cmocka_unit_test(test_key_with_nul),
		cmocka_unit_test(test_ynode_int_min),
		cmocka_unit_test(test_ynode_is_float),
		cmocka_unit_test(test_ynode_bool),
		cmocka_unit_test(test_ynode_is_null_and_str),
		cmocka_unit_test(test_ynode_kind_name),
		cmocka_unit_test(test_ynode_get_key_path),
		cmocka_unit_test(test_parse_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

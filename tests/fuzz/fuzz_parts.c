/*
 * libFuzzer target, differential: one manifest file (model_load_sources) loaded and linted
 * with one parser (jobs 1), and again cut at every document marker the parts allow
 * (NPCHECK_TEST_PART_BYTES=1, jobs 4, src/load.c). The two runs must agree on the
 * return code, every object (kind, name, positions), policy, endpoint and Service, and
 * every finding (rule, position, message) in order; then everything is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_check.h"
#include "lint.h"

struct run {
	struct arena *a;
	struct diag d;
	struct model m;
	int rc;
};

static void load(struct run *r, const unsigned char *data, size_t size, unsigned jobs)
{
	const struct source src = { "fuzz.yaml", (const char *)data, size };
	struct model_options mo = { .jobs = jobs };
	struct config cfg;

	config_defaults(&cfg);
	r->a = arena_new();
	diag_init(&r->d, r->a);
	config_apply(&cfg, &r->d);
	r->rc = model_load_sources(&r->m, r->a, &r->d, &src, 1, &mo);
	lint_run(&r->m, &cfg, &r->d);
	diag_sort(&r->d);
}

static void release(struct run *r)
{
	model_free(&r->m);
	diag_release(&r->d);
	arena_free(r->a);
}

static void same_pos(const struct ynode *a, const struct ynode *b, const char *what)
{
	FUZZ_CHECK(!a == !b, "%s: present in one run only", what);
	if (a)
		FUZZ_CHECK(a->pos.line == b->pos.line && a->pos.col == b->pos.col,
			   "%s at %d:%d and %d:%d", what, a->pos.line, a->pos.col, b->pos.line,
			   b->pos.col);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct run one, parts;

	load(&one, data, size, 1);
	setenv("NPCHECK_TEST_PART_BYTES", "1", 1);
	load(&parts, data, size, 4);
	unsetenv("NPCHECK_TEST_PART_BYTES");

	FUZZ_CHECK(one.rc == parts.rc, "model_load_sources returned %d whole, %d in parts", one.rc,
		   parts.rc);
	FUZZ_CHECK(one.m.nobjects == parts.m.nobjects, "%zu objects whole, %zu in parts",
		   one.m.nobjects, parts.m.nobjects);
	for (size_t i = 0; i < one.m.nobjects; i++) {
		const struct object *x = one.m.objects[i], *y = parts.m.objects[i];
		FUZZ_CHECK(same_str(x->kind, y->kind) && same_str(x->name, y->name) &&
				   same_str(x->ns, y->ns),
			   "object %zu differs", i);
		same_pos(x->node, y->node, "object");
		same_pos(x->name_node, y->name_node, "metadata.name");
	}
	FUZZ_CHECK(one.m.npolicies == parts.m.npolicies, "policies");
	for (size_t i = 0; i < one.m.npolicies; i++)
		FUZZ_CHECK(one.m.policies[i]->invalid == parts.m.policies[i]->invalid,
			   "policy %zu valid in one run only", i);
	FUZZ_CHECK(one.m.nendpoints == parts.m.nendpoints, "endpoints");
	for (size_t i = 0; i < one.m.nendpoints; i++)
		FUZZ_CHECK(same_str(one.m.endpoints[i]->display, parts.m.endpoints[i]->display),
			   "endpoint %zu", i);
	FUZZ_CHECK(one.m.nservices == parts.m.nservices, "services");
	FUZZ_CHECK(one.m.nnamespaces == parts.m.nnamespaces, "namespaces");
	FUZZ_CHECK(one.d.n == parts.d.n, "%zu findings whole, %zu in parts", one.d.n, parts.d.n);
	for (size_t i = 0; i < one.d.n; i++) {
		const struct finding *f = &one.d.items[i], *g = &parts.d.items[i];
		FUZZ_CHECK(f->rule == g->rule && f->severity == g->severity &&
				   f->suppressed == g->suppressed && f->pos.line == g->pos.line &&
				   f->pos.col == g->pos.col && same_str(f->message, g->message),
			   "finding %zu: '%s' at %d:%d whole, '%s' at %d:%d in parts", i,
			   f->message, f->pos.line, f->pos.col, g->message, g->pos.line,
			   g->pos.col);
	}
	release(&one);
	release(&parts);
	return 0;
}

/*
 * libFuzzer target: the whole pipeline on one manifest file — model_load (through a
 * memfd, so the real source/ynode/decode/validate path runs) → lint_run → the writers →
 * a solver over the model → connlist_each → the exposure of every endpoint; then
 * everything is freed. Checks that every finding is positioned, that connection sets
 * print and parse back to themselves, and that exposure lines come sorted, each peer
 * once, an unprotected endpoint open to the entire cluster.
 */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "connlist.h"
#include "exposure.h"
#include "fuzz_check.h"
#include "fuzz_memfd.h"
#include "lint.h"

static int mfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mfd = fuzz_memfd("npcheck-fuzz", path, sizeof(path));
	/* the writers print findings; libFuzzer reports on stderr */
	if (!freopen("/dev/null", "w", stdout)) {
		perror("/dev/null");
		exit(1);
	}
	return 0;
}

static void check_connset_text(const struct connset *c)
{
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	struct connset back;

	connset_format(c, &sb);
	connset_init(&back);
	FUZZ_CHECK(!connset_parse(sb.buf, &back), "'%s' does not parse back", sb.buf);
	FUZZ_CHECK(connset_equal(c, &back), "'%s' parses back to another set", sb.buf);
	connset_format(&back, &sb2);
	FUZZ_CHECK(!strcmp(sb.buf, sb2.buf), "'%s' reprints as '%s'", sb.buf, sb2.buf);
	connset_release(&back);
	strbuf_release(&sb);
	strbuf_release(&sb2);
}

/* The lines come sorted by source then destination, each pair once, never empty. */
struct lines {
	struct strbuf src, dst; /* the previous line's ends */
	size_t n;
};

static void on_line(void *ctx, const struct conn_line *l)
{
	struct lines *lc = ctx;
	struct strbuf sb = STRBUF_INIT;

	FUZZ_CHECK(l->src && l->dst, "line %zu without ends", lc->n);
	FUZZ_CHECK(!connset_is_empty(&l->conns), "line %zu is empty", lc->n);
	FUZZ_CHECK(l->src_ref.ep || l->dst_ref.ep, "an external-to-external line");
	FUZZ_CHECK(l->src_ref.ep != l->dst_ref.ep, "a line from an endpoint to itself");
	if (lc->n++) {
		int c = strcmp(lc->src.buf, l->src);
		FUZZ_CHECK(c < 0 || (c == 0 && strcmp(lc->dst.buf, l->dst) < 0),
			   "'%s => %s' after '%s => %s'", l->src, l->dst, lc->src.buf, lc->dst.buf);
	}
	strbuf_reset(&lc->src);
	strbuf_addstr(&lc->src, l->src);
	strbuf_reset(&lc->dst);
	strbuf_addstr(&lc->dst, l->dst);
	conn_line_format(l, &sb);
	FUZZ_CHECK(sb.len > 0, "an empty line");
	strbuf_release(&sb);
	check_connset_text(&l->conns);
}

/* Exposure lines of one endpoint and direction: sorted by peer, each once, never empty. */
struct xlines {
	struct strbuf prev;
	size_t n;
	bool cluster_all; /* an "entire-cluster : All Connections" line */
};

static void on_exposure(void *ctx, const struct expo_line *l)
{
	struct xlines *x = ctx;
	FUZZ_CHECK(l->peer && *l->peer && l->conns && *l->conns, "exposure line %zu", x->n);
	FUZZ_CHECK(strcmp(l->conns, "No Connections"), "'%s' with no connection", l->peer);
	if (x->n++)
		FUZZ_CHECK(strcmp(x->prev.buf, l->peer) < 0, "'%s' after '%s'", l->peer,
			   x->prev.buf);
	strbuf_reset(&x->prev);
	strbuf_addstr(&x->prev, l->peer);
	if (l->type == EXPO_CLUSTER && !strcmp(l->conns, "All Connections"))
		x->cluster_all = true;
}

static void check_exposure(const struct solver *s)
{
	struct exposure x;
	struct xlines xl = { STRBUF_INIT, 0, false };
	exposure_init(&x, s);
	for (size_t e = 0; e < s->nep; e++)
		for (int d = 0; d < DIR__COUNT; d++) {
			xl.n = 0;
			xl.cluster_all = false;
			exposure_lines(&x, e, (enum direction)d, on_exposure, &xl);
			if (!exposure_protected(&x, e, (enum direction)d))
				FUZZ_CHECK(xl.cluster_all, "%s unprotected but not open to the cluster",
					   s->m->endpoints[e]->display);
		}
	strbuf_release(&xl.prev);
	exposure_free(&x);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const formats[] = { "text", "json", "sarif", "junit", "github" };
	const char *paths[1] = { path };
	struct model_options mo = { .default_ns = NULL };
	struct config cfg;
	struct model m;
	struct diag d;
	struct solver s;

	fuzz_memfd_put(mfd, data, size);
	config_defaults(&cfg);
	struct arena *a = arena_new();
	diag_init(&d, a);
	config_apply(&cfg, &d);
	int rc = model_load(&m, a, &d, paths, 1, &mo);
	FUZZ_CHECK((rc != 0) == d.input_error, "model_load returned %d, input_error %d", rc,
		   (int)d.input_error);
	lint_run(&m, &cfg, &d);
	diag_sort(&d);
	for (size_t i = 0; i < d.n; i++) {
		const struct finding *f = &d.items[i];
		FUZZ_CHECK(f->message && f->pos.file, "finding %zu without message or file", i);
		FUZZ_CHECK(f->pos.line >= 1 && f->pos.col >= 1, "'%s' at %d:%d", f->message,
			   f->pos.line, f->pos.col);
		if (i && !strcmp(d.items[i - 1].pos.file, f->pos.file))
			FUZZ_CHECK(d.items[i - 1].pos.line <= f->pos.line, "findings out of order");
	}
	if (size && data[0] % 4 == 0) {
		/* the writers, on one input in four: they are not what this target is for */
		struct cli cli;
		memset(&cli, 0, sizeof(cli));
		cli.command = "lint";
		cli.quiet = true;
		cli.color_on = data[size - 1] & 1;
		for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
			lint_write(&cli, formats[i], &d);
		fflush(stdout);
	}

	for (size_t i = 0; i < m.nendpoints; i++)
		FUZZ_CHECK(m.endpoints[i]->index == (int)i && m.endpoints[i]->display,
			   "endpoint %zu", i);
	solver_init(&s, &m);
	struct lines lc = { STRBUF_INIT, STRBUF_INIT, 0 };
	connlist_each(&s, on_line, &lc);
	strbuf_release(&lc.src);
	strbuf_release(&lc.dst);
	check_exposure(&s);
	/* a pod to itself: loopback is never subject to policy */
	for (size_t i = 0; i < m.nendpoints; i++) {
		struct sref self = { .ep = m.endpoints[i] };
		struct connset c;
		connset_init(&c);
		solver_allowed(&s, &self, &self, &c);
		if (m.endpoints[i]->is_pod)
			FUZZ_CHECK(connset_is_all(&c), "%s to itself", m.endpoints[i]->display);
		check_connset_text(&c);
		connset_release(&c);
	}
	solver_free(&s);
	model_free(&m);
	diag_release(&d);
	arena_free(a);
	config_release(&cfg);
	return 0;
}

/* npcheck exposure (and list --exposure): what each workload is open to beyond the
 * input, in netpol-analyzer's exposure format or as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "exposure.h"
#include "focus.h"
#include "out.h"
#include "tiers.h"

static int cmd_exposure(struct cli *cli);

const struct command cmd_exposure_entry = {
	.name = "exposure",
	.exec = cmd_exposure,
	.usage = "[PATH...]",
	.summary = "what each workload is open to beyond the input",
	.formats = "text,json",
	.reads_input = true,
	.options = {
		{ OPT_FOCUS, NULL, NULL },
		{ OPT_FOCUS_DIR, NULL, NULL },
		{ OPT_FOCUS_CONN, NULL, NULL },
	},
};

static const char *const dir_names[] = { "ingress", "egress" };
static const char *const dir_titles[] = { "Ingress", "Egress" };
static const char *const type_names[] = { "entire-cluster", "pods", "external" };

/* The policy tiers are not part of this analysis: say so, once, never silently. */
static void tiers_note(const struct solver *s)
{
	const struct tiers *t = s->m->tiers;
	const char *kinds[3] = { NULL, NULL, NULL };
	size_t nk = 0;
	struct strbuf sb = STRBUF_INIT;

	if (!s->tiers || !t)
		return;
	for (size_t i = 0; i < t->norder; i++) {
		const char *k = tpolicy_kind(t->order[i]);
		bool seen = false;
		for (size_t j = 0; j < nk; j++)
			seen |= !strcmp(kinds[j], k);
		if (!seen && nk < ARRAY_SIZE(kinds))
			kinds[nk++] = k;
	}
	for (size_t j = 0; j < nk; j++)
		strbuf_addf(&sb, "%s%s", j ? ", " : "", kinds[j]);
	fprintf(stderr,
		"npcheck: note: exposure does not account for the %zu policy tier object%s (%s) "
		"of the input: what it shows is what the NetworkPolicies alone allow\n",
		t->norder, t->norder == 1 ? "" : "s", sb.buf);
	strbuf_release(&sb);
}

struct text_ctx {
	const char *workload; /* escaped */
	int width;
	enum direction d;
	bool blank;           /* a blank line before the direction's title */
	size_t lines;         /* of this direction, so far */
	struct strbuf sb;
};

static void count_line(void *ctx, const struct expo_line *l)
{
	(void)ctx;
	(void)l;
}

/* "WORKLOAD \t=> \tPEER : CONNS", the workload padded to the longest one shown. */
static void text_line(void *ctx, const struct expo_line *l)
{
	struct text_ctx *t = ctx;
	if (!t->lines)
		printf("%s%s Exposure:\n", t->blank ? "\n" : "", dir_titles[t->d]);
	t->lines++;
	strbuf_reset(&t->sb);
	strbuf_addf(&t->sb, "%-*s \t%s \t", t->width, t->workload,
		    t->d == DIR_EGRESS ? "=>" : "<=");
	escape_text(&t->sb, l->peer);
	strbuf_addstr(&t->sb, " : ");
	escape_text(&t->sb, l->conns);
	strbuf_addch(&t->sb, '\n');
	fwrite(t->sb.buf, 1, t->sb.len, stdout);
}

int exposure_focus_refused(struct cli *cli)
{
	return cli_usage_error(cli, "--focus names an external address: exposure is per "
			       "workload of the input");
}

static int str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static void write_text(struct exposure *x)
{
	const struct model *m = x->s->m;
	struct text_ctx t = { 0 };
	struct strbuf name = STRBUF_INIT;
	char **unprot = xcalloc(2 * m->nendpoints + 1, sizeof(*unprot));
	size_t nunprot = 0;
	int width = 0;

	/* The width: the longest workload with some line. An unprotected one has one (in a
	 * direction the focus asks about); the lines of another are computed only when
	 * its name is longer than the width so far. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t e = 0; e < m->nendpoints; e++) {
			bool open = false;
			for (int d = DIR_EGRESS; d >= DIR_INGRESS; d--)
				open |= exposure_shown(x, e, (enum direction)d) &&
					!exposure_protected(x, e, (enum direction)d);
			if (open != !pass)
				continue;
			strbuf_reset(&name);
			escape_text(&name, m->endpoints[e]->display);
			if ((int)name.len <= width)
				continue;
			if (open || exposure_lines(x, e, DIR_EGRESS, count_line, NULL) ||
			    exposure_lines(x, e, DIR_INGRESS, count_line, NULL))
				width = (int)name.len;
		}
	printf("Exposure Analysis Result:\n");
	size_t egress_lines = 0;
	for (int d = DIR_EGRESS; d >= DIR_INGRESS; d--) {
		t.d = (enum direction)d;
		t.lines = 0;
		t.width = width;
		t.blank = d == DIR_INGRESS && egress_lines;
		for (size_t e = 0; e < m->nendpoints; e++) {
			strbuf_reset(&name);
			escape_text(&name, m->endpoints[e]->display);
			t.workload = name.buf;
			exposure_lines(x, e, t.d, text_line, &t);
		}
		if (d == DIR_EGRESS)
			egress_lines = t.lines;
	}
	for (size_t e = 0; e < m->nendpoints; e++)
		for (int d = DIR_EGRESS; d >= DIR_INGRESS; d--) {
			if (!exposure_shown(x, e, (enum direction)d) ||
			    exposure_protected(x, e, (enum direction)d))
				continue;
			strbuf_reset(&name);
			escape_text(&name, m->endpoints[e]->display);
			strbuf_addf(&name, " is not protected on %s", dir_titles[d]);
			unprot[nunprot++] = xstrdup(name.buf);
		}
	if (nunprot > 1)
		qsort(unprot, nunprot, sizeof(*unprot), str_cmp);
	if (nunprot)
		printf("\nWorkloads not protected by network policies:\n");
	for (size_t i = 0; i < nunprot; i++) {
		printf("%s\n", unprot[i]);
		free(unprot[i]);
	}
	free(unprot);
	strbuf_release(&name);
	strbuf_release(&t.sb);
}

struct json_ctx {
	const char *workload; /* raw */
	struct jw *j;
};

static void json_line(void *ctx, const struct expo_line *l)
{
	struct json_ctx *c = ctx;
	jw_object(c->j, NULL, true);
	jw_str(c->j, "workload", c->workload);
	jw_str(c->j, "peer", l->peer);
	jw_str(c->j, "type", type_names[l->type]);
	jw_str(c->j, "connections", l->conns);
	jw_end(c->j);
	jw_flush(c->j, stdout, 65536);
}

/* The members "egress", "ingress" and "unprotected". */
static void write_json_members(struct exposure *x, struct jw *j)
{
	const struct model *m = x->s->m;
	struct json_ctx c = { NULL, j };

	for (int d = DIR_EGRESS; d >= DIR_INGRESS; d--) {
		jw_lines(j, dir_names[d]);
		for (size_t e = 0; e < m->nendpoints; e++) {
			c.workload = m->endpoints[e]->display;
			exposure_lines(x, e, (enum direction)d, json_line, &c);
		}
		jw_end(j);
	}
	jw_lines(j, "unprotected");
	for (size_t e = 0; e < m->nendpoints; e++)
		for (int d = DIR_EGRESS; d >= DIR_INGRESS; d--) {
			if (!exposure_shown(x, e, (enum direction)d) ||
			    exposure_protected(x, e, (enum direction)d))
				continue;
			jw_object(j, NULL, true);
			jw_str(j, "workload", m->endpoints[e]->display);
			jw_str(j, "direction", dir_names[d]);
			jw_end(j);
			jw_flush(j, stdout, 65536);
		}
	jw_end(j);
}

static void exposure_start(struct exposure *x, const struct solver *s, const struct focus *f)
{
	tiers_note(s);
	exposure_init(x, s);
	x->focus = f && focus_active(f) ? f : NULL;
}

void exposure_write_text(const struct solver *s, const struct focus *f)
{
	struct exposure x;
	exposure_start(&x, s, f);
	write_text(&x);
	exposure_free(&x);
}

void exposure_write_json(const struct solver *s, const struct focus *f, struct jw *j)
{
	struct exposure x;
	exposure_start(&x, s, f);
	write_json_members(&x, j);
	exposure_free(&x);
}

static void write_json(const struct solver *s, const struct focus *f)
{
	struct jw j;
	jw_init(&j);
	jw_object(&j, NULL, true);
	jw_int(&j, "version", NPCHECK_JSON_VERSION);
	exposure_write_json(s, f, &j);
	jw_end(&j);
	jw_finish(&j, stdout);
}

static const struct exposure_writer {
	const char *fmt;
	void (*write)(const struct solver *s, const struct focus *f);
} writers[] = {
	{ "text", exposure_write_text },
	{ "json", write_json },
};

static int cmd_exposure(struct cli *cli)
{
	const char *const *paths;
	size_t npaths;
	const char *fmt = cli_format(cli);
	struct solver s;
	struct loaded l;
	struct focus f;

	if (!fmt || focus_parse(&f, cli))
		return EXIT_USAGE;
	if (cli_input_paths(cli, &paths, &npaths)) {
		focus_release(&f);
		return EXIT_USAGE;
	}
	int rc = cli_load(cli, paths, npaths, &l);
	if (focus_resolve(&f, &l.model, cli->ns, false) ||
	    (f.nips && exposure_focus_refused(cli))) {
		rc = EXIT_USAGE;
		goto out;
	}
	solver_init(&s, &l.model);
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].fmt, fmt))
			writers[i].write(&s, &f);
	/* Its reader sees the end now, not after the teardown (as list). */
	(void)fflush(stdout);
	solver_free(&s);
out:
	focus_release(&f);
	cli_unload(&l);
	return rc;
}

/* Lint findings as a SARIF 2.1.0 log, in the shape GitHub code scanning accepts. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
/* Where npcheck is documented (make HOMEPAGE=...): the manual's HTML rendering
 * (mandoc -Thtml, `make dist` ships it) is HOMEPAGE/npcheck.1.html, where each rule's
 * entry has its id as anchor. */
#ifndef NPCHECK_HOMEPAGE
#define NPCHECK_HOMEPAGE "https://example.com/npcheck"
#endif
#define NPCHECK_MANUAL NPCHECK_HOMEPAGE "/npcheck.1.html"
#define SRCROOT "%SRCROOT%"

static const char *sarif_level(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "note";
	}
}

/* RFC 3986: everything but unreserved characters and '/' percent-encoded, so that no
 * path reads as a scheme, query or fragment. */
static void add_uri_path(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p))
			strbuf_addch(sb, (char)*p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
}

/* "or-trap" → "OrTrap": the rule's name, as SARIF viewers show it. */
static void add_rule_name(struct strbuf *sb, const char *id)
{
	bool up = true;
	for (const char *p = id; *p; p++) {
		if (*p == '-') {
			up = true;
			continue;
		}
		strbuf_addch(sb, up ? (char)toupper((unsigned char)*p) : *p);
		up = false;
	}
}

static void write_rules(struct jw *w)
{
	struct strbuf sb = STRBUF_INIT;
	jw_array(w, "rules", false);
	for (int i = 0; i < RULE__COUNT; i++) {
		const struct rule_info *ri = &rule_table[i];
		jw_object(w, NULL, false);
		jw_str(w, "id", ri->id);
		strbuf_reset(&sb);
		add_rule_name(&sb, ri->id);
		jw_str(w, "name", sb.buf);
		jw_object(w, "shortDescription", true);
		jw_str(w, "text", ri->short_desc);
		jw_end(w);
		jw_object(w, "fullDescription", true);
		jw_str(w, "text", ri->help);
		jw_end(w);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s#%s", NPCHECK_MANUAL, ri->id);
		jw_str(w, "helpUri", sb.buf);
		/* help: the rationale, then how to fix a finding, with its example. */
		jw_object(w, "help", false);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s\n\nFix: %s\n\n%s", ri->help, ri->fix, ri->example);
		jw_str(w, "text", sb.buf);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "**%s** (%s): %s.\n\n%s\n\n**Fix:** %s\n\n```yaml\n%s```\n\n"
			    "See [%s in the manual](%s#%s); "
			    "suppress with the annotation `npcheck.io/ignore: \"%s: REASON\"`.",
			    ri->id, severity_name(ri->severity), ri->short_desc, ri->help, ri->fix,
			    ri->example, ri->id, NPCHECK_MANUAL, ri->id, ri->id);
		jw_str(w, "markdown", sb.buf);
		jw_end(w);
		jw_object(w, "defaultConfiguration", true);
		jw_str(w, "level", sarif_level(ri->severity));
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	strbuf_release(&sb);
}

/* The artifact location: relative to %SRCROOT% (the repository root) when the file is
 * inside it, else an absolute file: URI. Standard input is the relative URI "stdin",
 * described as such (an escaped "<stdin>" would be a file name no one has). */
static void write_artifact(struct jw *w, const char *file)
{
	struct strbuf uri = STRBUF_INIT;
	char *rel = out_repo_path(file ? file : "<input>");
	bool abs = rel[0] == '/';

	if (!strcmp(rel, "<stdin>")) {
		jw_object(w, "artifactLocation", false);
		jw_str(w, "uri", "stdin");
		jw_object(w, "description", true);
		jw_str(w, "text", "standard input");
		jw_end(w);
		jw_end(w);
		free(rel);
		strbuf_release(&uri);
		return;
	}

	if (abs)
		strbuf_addstr(&uri, "file://");
	add_uri_path(&uri, rel);
	jw_object(w, "artifactLocation", true);
	jw_str(w, "uri", uri.buf);
	if (!abs)
		jw_str(w, "uriBaseId", SRCROOT);
	jw_end(w);
	strbuf_release(&uri);
	free(rel);
}

/* FNV-1a, 64 bits: fingerprints need stability, not secrecy. */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull; /* a separator: "ab","c" is not "a","bc" */
}

/* What a finding is about, independent of lines: its rule and object (kind, namespace,
 * name), or for a finding about no object its file. */
static uint64_t finding_key(const struct finding *f)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, rule_table[f->rule].id);
	if (f->obj_kind) {
		h = fnv(h, f->obj_kind);
		h = fnv(h, f->obj_ns);
		return fnv(h, f->obj_name);
	}
	char *file = out_repo_path(f->pos.file ? f->pos.file : "<input>");
	h = fnv(h, file);
	free(file);
	return h;
}

struct keyed {
	uint64_t key;
	size_t i;
};

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/*
 * partialFingerprints: the finding's key and its place among the findings with the same
 * key (in file order), so that a result keeps its fingerprint when unrelated lines move,
 * and code scanning tracks one alert across commits. Heap array, one per finding.
 */
static uint64_t *fingerprints(const struct diag *d)
{
	struct keyed *k = xcalloc(d->n + 1, sizeof(*k));
	uint64_t *fp = xcalloc(d->n + 1, sizeof(*fp));
	for (size_t i = 0; i < d->n; i++) {
		k[i].key = finding_key(&d->items[i]);
		k[i].i = i;
	}
	if (d->n > 1)
		qsort(k, d->n, sizeof(*k), keyed_cmp);
	for (size_t i = 0, nth = 0; i < d->n; i++) {
		nth = i && k[i].key == k[i - 1].key ? nth + 1 : 0;
		char n[32];
		snprintf(n, sizeof(n), "%zu", nth);
		fp[k[i].i] = fnv(k[i].key, n);
	}
	free(k);
	return fp;
}

static void write_result(struct jw *w, const struct finding *f, uint64_t fp)
{
	jw_object(w, NULL, false);
	jw_str(w, "ruleId", rule_table[f->rule].id);
	jw_int(w, "ruleIndex", (long long)f->rule);
	jw_str(w, "level", sarif_level(f->severity));
	jw_object(w, "message", true);
	jw_str(w, "text", f->message);
	jw_end(w);
	jw_array(w, "locations", false);
	jw_object(w, NULL, false);
	jw_object(w, "physicalLocation", false);
	write_artifact(w, f->pos.file);
	jw_object(w, "region", true);
	jw_int(w, "startLine", f->pos.line > 0 ? f->pos.line : 1);
	jw_int(w, "startColumn", f->pos.col > 0 ? f->pos.col : 1);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	char hex[17];
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)fp);
	jw_object(w, "partialFingerprints", true);
	jw_str(w, "npcheckFinding/v1", hex);
	jw_end(w);
	if (f->suppressed) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "npcheck.io/ignore annotation");
		if (f->obj_kind)
			strbuf_addf(&sb, " on %s %s%s%s", f->obj_kind, f->obj_ns ? f->obj_ns : "",
				    f->obj_ns ? "/" : "", f->obj_name ? f->obj_name : "");
		jw_array(w, "suppressions", false);
		jw_object(w, NULL, true);
		jw_str(w, "kind", "inSource");
		/* The annotation's reason when it gives one ("or-trap: meant, see T-12"). */
		jw_str(w, "justification", f->suppress_reason ? f->suppress_reason : sb.buf);
		jw_end(w);
		jw_end(w);
		strbuf_release(&sb);
	}
	jw_end(w);
}

/*
 * One run: the driver lists every rule of the registry (ruleIndex is its place there),
 * each finding is a result, and suppressed findings are results with an inSource
 * suppression. URIs are relative to %SRCROOT%, which originalUriBaseIds resolves to
 * the repository root (out_repo_root), wherever npcheck runs.
 */
void out_lint_sarif(struct cli *cli, const struct lint_report *r)
{
	const struct diag *d = r->d;
	struct strbuf root = STRBUF_INIT;
	const char *top = out_repo_root();
	struct jw w;

	(void)cli;
	jw_init(&w);
	jw_object(&w, NULL, false);
	jw_str(&w, "$schema", SARIF_SCHEMA);
	jw_str(&w, "version", "2.1.0");
	jw_array(&w, "runs", false);
	jw_object(&w, NULL, false);

	jw_object(&w, "tool", false);
	jw_object(&w, "driver", false);
	jw_str(&w, "name", "npcheck");
	jw_str(&w, "version", NPCHECK_VERSION);
	jw_str(&w, "semanticVersion", NPCHECK_VERSION);
	jw_str(&w, "informationUri", NPCHECK_HOMEPAGE);
	write_rules(&w);
	jw_end(&w);
	jw_end(&w);

	if (top) {
		strbuf_addstr(&root, "file://");
		add_uri_path(&root, top);
		if (root.buf[root.len - 1] != '/')
			strbuf_addch(&root, '/');
		jw_object(&w, "originalUriBaseIds", false);
		jw_object(&w, SRCROOT, true);
		jw_str(&w, "uri", root.buf);
		jw_end(&w);
		jw_end(&w);
	}
	/* libyaml counts columns in characters */
	jw_str(&w, "columnKind", "unicodeCodePoints");

	uint64_t *fp = fingerprints(d);
	jw_array(&w, "results", false);
	for (size_t i = 0; i < d->n; i++)
		write_result(&w, &d->items[i], fp[i]);
	jw_end(&w);
	free(fp);

	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	jw_finish(&w, stdout);
	strbuf_release(&root);
}

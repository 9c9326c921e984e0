/* The rule registry and the list of findings every command reports from. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"

const struct rule_info rule_table[RULE__COUNT] = {
#define RULE(e, id, sev, shortd, help, fix, example) \
	[RULE_##e] = { id, sev, shortd, help, fix, example },
#include "rules.def"
#undef RULE
};

int rule_lookup(const char *id)
{
	for (int i = 0; i < RULE__COUNT; i++)
		if (!strcmp(rule_table[i].id, id))
			return i;
	return -1;
}

const char *severity_name(enum severity s)
{
	static const char *const names[] = { "off", "info", "warning", "error" };
	return names[s];
}

int severity_parse(const char *s)
{
	for (int i = SEV_OFF; i <= SEV_ERROR; i++)
		if (!strcmp(severity_name((enum severity)i), s))
			return i;
	return -1;
}

void diag_init(struct diag *d, struct arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	for (int i = 0; i < RULE__COUNT; i++)
		d->severity[i] = rule_table[i].severity;
}

void diag_append(struct diag *d, const struct diag *from)
{
	if (from->n) {
		XGROW(d->items, d->cap, d->n + from->n);
		memcpy(d->items + d->n, from->items, from->n * sizeof(*from->items));
		d->n += from->n;
	}
	d->input_error |= from->input_error;
}

void diag_release(struct diag *d)
{
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void diag_ignore_each(const char *value, diag_ignore_fn fn, void *ctx)
{
	for (const char *p = value; *p;) {
		const char *end = p + strcspn(p, "\n;");
		const char *colon = memchr(p, ':', (size_t)(end - p));
		const char *ids_end = colon ? colon : end;
		const char *reason = NULL;
		size_t rlen = 0;
		if (colon) {
			reason = colon + 1;
			while (reason < end && is_space(*reason))
				reason++;
			rlen = (size_t)(end - reason);
			while (rlen && is_space(reason[rlen - 1]))
				rlen--;
			if (!rlen)
				reason = NULL;
		}
		for (const char *q = p; q < ids_end;) {
			while (q < ids_end && (is_space(*q) || *q == ','))
				q++;
			const char *e = q;
			while (e < ids_end && !is_space(*e) && *e != ',')
				e++;
			if (e > q && fn(ctx, q, (size_t)(e - q), reason, rlen))
				return;
			q = e;
		}
		p = *end ? end + 1 : end;
	}
}

/* Suppression of one rule by an annotation: found, and its reason. */
struct ignore_match {
	const char *id;
	bool found;
	const char *reason;
	size_t rlen;
};

static bool ignore_match_one(void *ctx, const char *id, size_t n, const char *reason,
			     size_t rlen)
{
	struct ignore_match *im = ctx;
	if ((n == strlen(im->id) && !strncmp(id, im->id, n)) || (n == 3 && !strncmp(id, "all", 3))) {
		im->found = true;
		im->reason = reason;
		im->rlen = rlen;
		return true;
	}
	return false;
}

void diag_report(struct diag *d, enum rule_id rule, const struct ypos *pos,
		 const struct diag_obj *obj, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	struct finding *f;

	if (rule == RULE_YAML_SYNTAX)
		d->input_error = true;
	if (d->severity[rule] == SEV_OFF)
		return;
	XGROW(d->items, d->cap, d->n + 1);
	f = &d->items[d->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = d->severity[rule];
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	f->message = arena_strndup(d->arena, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	if (pos)
		f->pos = *pos;
	if (obj) {
		f->obj_kind = obj->kind;
		f->obj_ns = obj->ns;
		f->obj_name = obj->name;
		struct ignore_match im = { rule_table[rule].id, false, NULL, 0 };
		if (obj->ignore)
			diag_ignore_each(obj->ignore, ignore_match_one, &im);
		if (im.found) {
			f->suppressed = true;
			if (im.reason)
				f->suppress_reason = arena_strndup(d->arena, im.reason, im.rlen);
		}
	}
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c = strcmp0(a->pos.file, b->pos.file);
	if (c)
		return c;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	/* The API server's errors for one field come in the order it finds them. */
	if (a->rule == RULE_INVALID_SPEC)
		return (a->seq > b->seq) - (a->seq < b->seq);
	return strcmp(a->message, b->message);
}

void diag_sort(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		d->items[i].seq = i;
	if (d->n > 1)
		qsort(d->items, d->n, sizeof(*d->items), finding_cmp);
}

enum severity diag_worst(const struct diag *d)
{
	enum severity w = SEV_OFF;
	for (size_t i = 0; i < d->n; i++)
		if (!d->items[i].suppressed && d->items[i].severity > w)
			w = d->items[i].severity;
	return w;
}

size_t diag_count(const struct diag *d, enum severity s)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += !d->items[i].suppressed && d->items[i].severity == s;
	return n;
}

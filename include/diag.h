/* Diagnostics: the rule registry, source positions and the findings of a run. */
#ifndef NPCHECK_DIAG_H
#define NPCHECK_DIAG_H

#include "base.h"

enum severity { SEV_OFF = 0, SEV_INFO = 1, SEV_WARNING = 2, SEV_ERROR = 3 };

enum rule_id {
#define RULE(e, id, sev, shortd, help, fix, example) RULE_##e,
#include "rules.def"
#undef RULE
	RULE__COUNT
};

struct rule_info {
	const char *id;
	enum severity severity;
	const char *short_desc;
	const char *help;
	const char *fix;     /* one sentence: how to resolve a finding */
	const char *example; /* YAML showing the fix, '\n'-terminated lines */
};
/* The registry, indexed by enum rule_id. */
extern const struct rule_info rule_table[RULE__COUNT];
/* -1 when no rule has that id. */
int rule_lookup(const char *id);
const char *severity_name(enum severity s);
/* "error", "warning", "info", "off" → severity; -1 when not one of them. */
int severity_parse(const char *s);

/* A source position: 1-based line and column; file is arena-owned (or static). */
struct ypos {
	const char *file;
	int line, col;
};

struct finding {
	enum rule_id rule;
	enum severity severity; /* after configuration */
	bool suppressed;        /* by an npcheck.io/ignore annotation */
	const char *suppress_reason; /* the annotation's reason for it, or NULL */
	const char *message;
	struct ypos pos;
	const char *obj_kind, *obj_ns, *obj_name; /* NULL when not about an object */
	size_t seq;             /* position in report order (set by diag_sort) */
};

/* The object a finding is about, and the annotations that may suppress it. */
struct diag_obj {
	const char *kind, *ns, *name;
	const char *ignore; /* value of npcheck.io/ignore, or NULL */
};

/*
 * The findings of one run. Everything in it is allocated from the arena given to
 * diag_init. severity[] starts from the registry and the configuration may change it.
 */
struct diag {
	struct arena *arena;
	struct finding *items;
	size_t n, cap;
	enum severity severity[RULE__COUNT];
	bool input_error; /* some input could not be read or parsed: exit 2 */
};

void diag_init(struct diag *d, struct arena *a);
void diag_release(struct diag *d);
/* Append from's findings (in order) to d; their strings stay in from's arena. */
void diag_append(struct diag *d, const struct diag *from);
/* Record a finding. obj may be NULL. A rule configured off is dropped here. */
void diag_report(struct diag *d, enum rule_id rule, const struct ypos *pos,
		 const struct diag_obj *obj, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * The npcheck.io/ignore annotation: entries separated by newlines or ';', each "IDS" or
 * "IDS: REASON", where IDS are rule ids (or "all") separated by commas or spaces and
 * REASON runs to the end of the entry:
 *     npcheck.io/ignore: |
 *       or-trap: the whole namespace is meant, see TICKET-12
 *       pod-not-isolated
 * fn is called for each id (not NUL-terminated) with its reason trimmed (NULL when
 * none), in order, until it returns true.
 */
typedef bool (*diag_ignore_fn)(void *ctx, const char *id, size_t idlen, const char *reason,
			       size_t reasonlen);
void diag_ignore_each(const char *value, diag_ignore_fn fn, void *ctx);

/* Sort by file, line, column, rule, then message (invalid-spec: report order, the order
 * the API server lists its errors for one field); stable and deterministic. */
void diag_sort(struct diag *d);
/* Worst severity among unsuppressed findings (SEV_OFF when none). */
enum severity diag_worst(const struct diag *d);
size_t diag_count(const struct diag *d, enum severity s);

#endif

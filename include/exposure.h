/*
 * Exposure analysis: per endpoint and direction, what it is open to beyond the input —
 * the entire cluster, pods that rule selectors name but the input does not hold
 * ("representative peers"), external ranges — and whether any policy isolates it.
 * Computed per distinct rule peer and endpoint class, never per pair of pods. An
 * exposure is built over a solver and owns its tables (heap); release it with
 * exposure_free. Lines handed to callbacks are valid during the call only.
 */
#ifndef NPCHECK_EXPOSURE_H
#define NPCHECK_EXPOSURE_H

#include "solver.h"

/* What a line's peer is. */
enum expo_peer { EXPO_CLUSTER, EXPO_PODS, EXPO_EXTERNAL };

/* One line: the endpoint is open, in one direction, to peer on conns. */
struct expo_line {
	enum expo_peer type;
	const char *peer;  /* "entire-cluster", "ns/[pod with {app=x}]", "FIRST-LAST[External]" */
	const char *conns; /* the SPEC's grammar; egress named ports stay names: "TCP http" */
};

struct expo_rep;
struct focus;
struct cli;

struct exposure {
	const struct solver *s;
	/* --focus, --focus-direction and --focus-conn (NULL: none), set after exposure_init:
	 * only the lines of focused endpoints, in the focused direction, holding the
	 * focused connection, cut down to it. Resolved against s's model, no address. */
	const struct focus *focus;
	struct expo_rep *reps; /* distinct rule peers whose pods the input may not hold */
	size_t nreps;
	/* Per solver rule: whether it opens the entire cluster, and the representative
	 * peers its peers match (rmatch[roff[r] .. roff[r + 1])). */
	bool *rule_all;
	size_t *roff;
	uint32_t *rmatch;
	/* Scratch for one endpoint and direction. */
	struct expo_conns *acc;
	uint32_t *stamp, tag, *touched;
	size_t ntouched;
};

void exposure_init(struct exposure *x, const struct solver *s);
void exposure_free(struct exposure *x);

/* Does the focus ask about endpoint e in direction d (true without a focus)? */
bool exposure_shown(const struct exposure *x, size_t e, enum direction d);
/* Is endpoint e isolated in direction d (SPEC §2.2)? Not: "not protected". */
bool exposure_protected(const struct exposure *x, size_t e, enum direction d);
/*
 * The lines of endpoint e in direction d, sorted by peer name (bytes): for an endpoint
 * no policy isolates, the entire cluster on every connection; else the entire cluster
 * on what rules with no peers or an empty namespaceSelector allow, and each
 * representative peer that some rule matches on what those rules allow, unless the
 * entire cluster gets it all already. Then the external ranges the verdicts open.
 * With a focus: no line for an endpoint or direction it leaves out, and with
 * --focus-conn, the lines whose connections hold it, showing it only; an egress named
 * port ("TCP http") holds no port number: its number is the destination pod's.
 * Returns how many lines fn was called for.
 */
struct jw;

size_t exposure_lines(struct exposure *x, size_t e, enum direction d,
		      void (*fn)(void *ctx, const struct expo_line *l), void *ctx);

/* cmd_exposure.c: the exposure of the model s was built on, narrowed by f (NULL or
 * inactive: everything; resolved against s's model), written to stdout as text
 * (netpol-analyzer's section, from "Exposure Analysis Result:"), or as the members
 * "egress", "ingress" and "unprotected" of the JSON object open in j (flushed to stdout
 * as it grows). */
void exposure_write_text(const struct solver *s, const struct focus *f);
void exposure_write_json(const struct solver *s, const struct focus *f, struct jw *j);
/* The usage error of a --focus that names an external address (exposure lines are a
 * workload's; its external peers are ranges of the rules, not the input's): prints it
 * and returns EXIT_USAGE. */
int exposure_focus_refused(struct cli *cli);

#endif

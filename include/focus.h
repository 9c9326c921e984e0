/*
 * --focus ENDPOINT[,...], --focus-direction ingress|egress and --focus-conn PROTO-PORT:
 * the connections a reviewer asks about, as netpol-analyzer's --focusworkload,
 * --focus-direction and --focus-conn select them. Parsed once from the command line,
 * resolved against each model it applies to; then focus_keeps says whether a pair is
 * asked about and focus_narrow cuts its connection set to the focused connection.
 * A struct focus owns its arrays (heap); release with focus_release.
 */
#ifndef NPCHECK_FOCUS_H
#define NPCHECK_FOCUS_H

#include "solver.h"

struct cli;

enum focus_dir {
	FOCUS_BOTH,    /* into or out of a focused endpoint */
	FOCUS_INGRESS, /* into a focused endpoint: the destination is focused */
	FOCUS_EGRESS,  /* out of a focused endpoint: the source is focused */
};

struct focus {
	/* The options, as parsed. */
	char **items;           /* the --focus values, split at commas; nitems == 0: none */
	size_t nitems;
	enum focus_dir dir;
	int proto, port;        /* --focus-conn; port == 0: none */
	/* Resolved against one model (focus_resolve). */
	size_t nep;
	bool *ep;               /* per endpoint index: focused */
	uint32_t *eps;          /* the focused endpoint indexes, increasing (name order) */
	size_t neps;
	struct focus_ip {
		int family;
		u128 addr;
	} *ips;                 /* focused addresses that are no pod's: external ranges */
	size_t nips;
};

/* Read the options of cli into f (zeroed first). Returns 0, or EXIT_USAGE after printing
 * the usage error (a bad direction or connection, --focus-direction without --focus). */
int focus_parse(struct focus *f, struct cli *cli);
/* Is any focus option given? */
bool focus_active(const struct focus *f);
/* Resolve the --focus items against m (endpoint syntax of reach). On a name that matches
 * nothing or several endpoints, print why (with "did you mean") and return -1. With
 * quiet, print nothing (diff asks each side). */
int focus_resolve(struct focus *f, const struct model *m, const char *default_ns, bool quiet);
/* The same for two models (diff's OLD and NEW): an item may name endpoints of either
 * side; one that names nothing on both sides is the error, printed as for m[1]. */
int focus_resolve_either(struct focus *f[2], const struct model *m[2], const char *default_ns);
/* The same focus, unresolved (for a second model). */
void focus_copy_options(struct focus *dst, const struct focus *src);
void focus_release(struct focus *f);

/* Is this side focused: a focused endpoint, or an external range holding a focused
 * address? */
bool focus_has(const struct focus *f, const struct sref *r);
/* Is the pair asked about (direction included)? True for every pair without --focus. */
bool focus_keeps(const struct focus *f, const struct sref *src, const struct sref *dst);
/* Does a source keep every destination: no --focus, or a focused source that is not
 * asked about for ingress only? Otherwise only the focused destinations (f->eps and the
 * focused external ranges) are asked about, and none with --focus-direction egress. */
bool focus_src_all(const struct focus *f, const struct sref *src);
/* Cut c to the --focus-conn connection (nothing to do without it). Returns whether
 * something is left. */
bool focus_narrow(const struct focus *f, struct connset *c);

#endif

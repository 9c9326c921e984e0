/* Endpoint arguments of reach, explain and matrix: names, kinds, Services and IPs. */
#ifndef NPCHECK_QUERY_H
#define NPCHECK_QUERY_H

#include "solver.h"

/* What an endpoint argument names: one or more endpoints (several for svc/NAME), or an
 * external address. The arrays are heap-owned; release with query_target_release. */
struct query_target {
	struct sref *refs;
	size_t n;
	const struct service *svc; /* when the argument was svc/NAME */
};

/*
 * Resolve text as NAME, NS/NAME, KIND/NAME, NS/KIND/NAME, NS/NAME[KIND], svc/NAME,
 * NS/svc/NAME or an IP address. default_ns (may be NULL) narrows a bare NAME when it is
 * ambiguous. On failure print a message to stderr (candidates for an ambiguous name,
 * the closest names for an unknown one) and return -1.
 */
int query_resolve(const struct model *m, const char *text, const char *default_ns,
		  bool allow_service, struct query_target *out);
/* The same, printing nothing on failure. */
int query_resolve_quiet(const struct model *m, const char *text, const char *default_ns,
			bool allow_service, struct query_target *out);
void query_target_release(struct query_target *t);

/* Parse a comma-separated list of port numbers and ranges ("80,443,8000-8080") into
 * out. Returns -1 on bad syntax or a port outside 1..65535. */
int query_parse_ports(const char *text, struct portset *out);
/* Parse a comma-separated protocol list into flags per enum proto; -1 on a bad name,
 * -2 on a name NetworkPolicy does not define (ICMP and friends). */
int query_parse_protocols(const char *text, bool out[PROTO__COUNT], const char **bad);

#endif

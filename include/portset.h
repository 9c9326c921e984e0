/* Sets of ports per protocol ("connection sets") and their text form. */
#ifndef NPCHECK_PORTSET_H
#define NPCHECK_PORTSET_H

#include "base.h"

/* The protocols NetworkPolicy knows, in output order (groups are sorted by name). */
enum proto { PROTO_SCTP, PROTO_TCP, PROTO_UDP, PROTO__COUNT };
#define PORT_MIN 1
#define PORT_MAX 65535

/* "TCP", "udp", ... (any case) → enum proto; -1 for anything else. */
int proto_parse(const char *s);
const char *proto_name(int proto); /* "SCTP", "TCP", "UDP" */

/* A set of ports 1..65535: sorted, disjoint, non-adjacent inclusive ranges.
 * The caller owns r and frees it with portset_release. dst of copy and of the set
 * operations must be initialized (copy replaces it); it may be the same set as src. */
struct portrange {
	int lo, hi;
};
struct portset {
	struct portrange *r;
	size_t n, cap;
};
void portset_init(struct portset *s);
void portset_release(struct portset *s);
void portset_clear(struct portset *s);
void portset_copy(struct portset *dst, const struct portset *src);
void portset_add_range(struct portset *s, int lo, int hi); /* clamped to 1..65535 */
void portset_add_all(struct portset *s);
void portset_union(struct portset *dst, const struct portset *src);
void portset_intersect(struct portset *dst, const struct portset *src);
void portset_subtract(struct portset *dst, const struct portset *src);
bool portset_contains(const struct portset *s, int port);
bool portset_equal(const struct portset *a, const struct portset *b);
bool portset_is_empty(const struct portset *s);
bool portset_is_all(const struct portset *s);
/* Appends "80,443,8000-8080" (nothing for the empty set). */
void portset_format(const struct portset *s, struct strbuf *out);

/* A connection set: ports per protocol. */
struct connset {
	struct portset p[PROTO__COUNT];
};
void connset_init(struct connset *c);
void connset_release(struct connset *c);
void connset_clear(struct connset *c);
void connset_copy(struct connset *dst, const struct connset *src);
void connset_add_all(struct connset *c);
void connset_add(struct connset *c, int proto, int lo, int hi);
void connset_union(struct connset *dst, const struct connset *src);
void connset_intersect(struct connset *dst, const struct connset *src);
void connset_subtract(struct connset *dst, const struct connset *src);
bool connset_equal(const struct connset *a, const struct connset *b);
bool connset_is_empty(const struct connset *c);
bool connset_is_all(const struct connset *c);
bool connset_contains(const struct connset *c, int proto, int port);
/* The output contract of SPEC §3: "All Connections", "No Connections", or groups sorted
 * by protocol "SCTP 1-65535,TCP 80,443,UDP 53" (a protocol with no port is left out). */
void connset_format(const struct connset *c, struct strbuf *out);
/* Parse that text form back (for round-trip tests and the peer comparison); groups may
 * come in any order and any case. out must be initialized; its contents are replaced.
 * Returns 0, or -1 on malformed text (out then empty). connset_format appends. */
int connset_parse(const char *s, struct connset *out);

#endif

/* IPv4 and IPv6 addresses, CIDRs, and sets of address ranges. */
#ifndef NPCHECK_CIDRSET_H
#define NPCHECK_CIDRSET_H

#include "base.h"

/* One integer type for both families: IPv4 addresses use the low 32 bits. */
__extension__ typedef unsigned __int128 u128;

enum { AF_V4 = 4, AF_V6 = 6 };

#define IPV4_MAX ((u128)0xFFFFFFFFu)
#define IPV6_MAX (~(u128)0)

/* Parse an address: dotted IPv4 or any RFC 4291 IPv6 text form (including ::ffff:1.2.3.4).
 * Returns 0 and sets *family and *addr, or -1. An IPv4 part with leading zeros
 * ("010.1.1.1") is rejected unless allow_leading_zeros. */
int ip_parse(const char *s, bool allow_leading_zeros, int *family, u128 *addr);
/* Canonical text: dotted IPv4, RFC 5952 IPv6 (lower case, longest zero run as ::,
 * IPv4-mapped as ::ffff:a.b.c.d). buf must hold at least IP_BUFLEN bytes. Returns buf. */
#define IP_BUFLEN 48
char *ip_format(int family, u128 addr, char *buf);

struct cidr {
	int family;
	int prefix;
	u128 addr;   /* as written (may have host bits set) */
	u128 lo, hi; /* the range it covers: addr with host bits cleared, and set */
};

/* Flags describing what is non-canonical about a CIDR that otherwise parses. */
enum {
	CIDR_HOST_BITS = 1,     /* address has bits set beyond the prefix */
	CIDR_LEADING_ZEROS = 2, /* an IPv4 octet written with leading zeros (also a prefix
				 * length like "/08", or an IPv6 group of 5+ digits) */
	CIDR_V4_MAPPED = 4,     /* IPv6 text holding an IPv4-mapped address (::ffff:a.b.c.d);
				 * family stays AF_V6, though Go treats it as IPv4 */
};
/* Parse "ADDR/PREFIX". Returns 0 and fills *out and *flags (may be NULL), or -1 when the
 * text is not a CIDR at all (what Go's net.ParseCIDR rejects, leading zeros accepted). */
int cidr_parse(const char *s, struct cidr *out, int *flags);
/* An IPv4-mapped IPv6 network (::ffff:a.b.c.d/96+N) becomes the IPv4 network a.b.c.d/N
 * it denotes; other CIDRs are left alone. Go's IPNet.Contains, which the API server and
 * CNI plugins use, matches such a block against IPv4 addresses only, so every consumer of
 * a parsed ipBlock (solver, lint, cluster CIDRs) reduces it once it is parsed. */
void cidr_unmap(struct cidr *c);
/* The same for one address: ::ffff:a.b.c.d becomes the IPv4 address a.b.c.d. */
void ip_unmap(int *family, u128 *addr);
/* a contains all of b (same family). */
bool cidr_contains(const struct cidr *a, const struct cidr *b);

/* A set of addresses of one family: sorted, disjoint, non-adjacent inclusive ranges.
 * The caller owns r and frees it with ipset_release. dst of copy and of the set
 * operations must be initialized (copy replaces it, family included); it may be the
 * same set as src. Mixing families in an operation, or adding a range with lo > hi or
 * beyond the family, is a bug (abort); equal and overlaps just say false. */
struct iprange {
	u128 lo, hi;
};
struct ipset {
	int family;
	struct iprange *r;
	size_t n, cap;
};
void ipset_init(struct ipset *s, int family);
void ipset_release(struct ipset *s);
void ipset_clear(struct ipset *s);
void ipset_copy(struct ipset *dst, const struct ipset *src);
void ipset_add_range(struct ipset *s, u128 lo, u128 hi);
void ipset_add_all(struct ipset *s); /* the whole address space of the family */
void ipset_union(struct ipset *dst, const struct ipset *src);
void ipset_intersect(struct ipset *dst, const struct ipset *src);
void ipset_subtract(struct ipset *dst, const struct ipset *src);
bool ipset_contains(const struct ipset *s, u128 addr);
/* Does one range of s hold all of [lo, hi]? */
bool ipset_holds_range(const struct ipset *s, u128 lo, u128 hi);
bool ipset_equal(const struct ipset *a, const struct ipset *b);
bool ipset_is_empty(const struct ipset *s);
bool ipset_overlaps(const struct ipset *a, const struct ipset *b);

#endif

/* IPv4/IPv6 address and CIDR text, and address sets: the interval-set core typed for addresses of one family. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidrset.h"

/* The interval-set algebra (rangeset.h) on addresses. */
#define RS_VALUE u128
#define RS_RANGE struct iprange
#define RS_SET struct ipset
#define RS(name) ip_rs_##name
#include "rangeset.h"

/*
 * Parsing follows what the API server accepts: Kubernetes validates ipBlock CIDRs with
 * netutils.ParseCIDRSloppy, a fork of Go 1.16's net.ParseCIDR kept because Go 1.17
 * began rejecting leading zeros that stored objects already use. Numbers may carry any
 * number of leading zeros and are read as decimal, never octal; we accept them and
 * report them, since strict validation (netip.ParsePrefix) rejects them.
 */

/* Reads a run of decimal digits worth at most max. Returns the digits consumed, or 0
 * when there is no digit or the value is too large; *lz says a zero led a longer run. */
static size_t dec_parse(const char *p, const char *end, unsigned max, unsigned *v, bool *lz)
{
	size_t n = 0;
	unsigned x = 0;

	while (p + n < end && p[n] >= '0' && p[n] <= '9') {
		x = x * 10 + (unsigned)(p[n] - '0');
		if (x > max)
			return 0;
		n++;
	}
	if (n > 1 && p[0] == '0')
		*lz = true;
	*v = x;
	return n;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Like dec_parse for one IPv6 group. More than four digits can only mean leading zeros
 * once the value fits 16 bits; the sloppy parser accepts them, RFC 4291 does not. */
static size_t hex_parse(const char *p, const char *end, unsigned *v, bool *lz)
{
	size_t n = 0;
	unsigned x = 0;
	int d;

	while (p + n < end && (d = hex_digit(p[n])) >= 0) {
		x = x * 16 + (unsigned)d;
		if (x > 0xFFFF)
			return 0;
		n++;
	}
	if (n > 4)
		*lz = true;
	*v = x;
	return n;
}

/* Exactly [p, end) as a.b.c.d. */
static int v4_parse(const char *p, const char *end, u128 *addr, bool *lz)
{
	uint32_t a = 0;
	unsigned v;
	size_t n;

	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (p == end || *p != '.')
				return -1;
			p++;
		}
		n = dec_parse(p, end, 255, &v, lz);
		if (!n)
			return -1;
		p += n;
		a = a << 8 | v;
	}
	if (p != end)
		return -1;
	*addr = a;
	return 0;
}

/* Exactly [p, end) as RFC 4291 text: at most one "::" standing for at least one zero
 * group, and an optional dotted IPv4 tail taking the place of the last two groups. */
static int v6_parse(const char *p, const char *end, u128 *addr, bool *lz)
{
	unsigned g[8];
	int n = 0, gap = -1;
	unsigned v;
	size_t k;
	u128 a = 0;

	if (end - p >= 2 && p[0] == ':' && p[1] == ':') {
		gap = 0;
		p += 2;
	}
	while (p < end && n < 8) {
		k = hex_parse(p, end, &v, lz);
		if (!k)
			return -1;
		if (p + k < end && p[k] == '.') {
			u128 tail;
			/* The tail must end the text and fill groups 7 and 8 exactly, or sit
			 * after a "::" with room left. */
			if (n > 6 || (gap < 0 && n != 6))
				return -1;
			if (v4_parse(p, end, &tail, lz))
				return -1;
			g[n++] = (unsigned)(tail >> 16);
			g[n++] = (unsigned)(tail & 0xFFFF);
			p = end;
			break;
		}
		g[n++] = v;
		p += k;
		if (p == end)
			break;
		if (*p != ':' || p + 1 == end)
			return -1;
		p++;
		if (*p == ':') {
			if (gap >= 0)
				return -1;
			gap = n;
			p++;
		}
	}
	if (p != end)
		return -1;
	if (n < 8) {
		if (gap < 0)
			return -1;
		memmove(g + gap + (8 - n), g + gap, sizeof(g[0]) * (size_t)(n - gap));
		for (int i = gap; i < gap + (8 - n); i++)
			g[i] = 0;
	} else if (gap >= 0) {
		return -1;
	}
	for (int i = 0; i < 8; i++)
		a = a << 16 | g[i];
	*addr = a;
	return 0;
}

/* Either family over [p, end); IPv4 first, as Go does (text with a colon is never v4). */
static int addr_parse(const char *p, const char *end, int *family, u128 *addr, bool *lz)
{
	if (!v4_parse(p, end, addr, lz)) {
		*family = AF_V4;
		return 0;
	}
	*lz = false;
	if (!v6_parse(p, end, addr, lz)) {
		*family = AF_V6;
		return 0;
	}
	return -1;
}

int ip_parse(const char *s, bool allow_leading_zeros, int *family, u128 *addr)
{
	bool lz = false;
	int fam;
	u128 a;

	if (!s || addr_parse(s, s + strlen(s), &fam, &a, &lz))
		return -1;
	if (lz && !allow_leading_zeros)
		return -1;
	*family = fam;
	*addr = a;
	return 0;
}

/* ::ffff:0:0/96, the addresses RFC 4291 §2.5.5.2 reserves for IPv4 hosts. */
static bool v4_mapped(u128 a)
{
	return a >> 32 == 0xFFFF;
}

static void v4_format(uint32_t a, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)(a >> 16) & 0xFF,
		(unsigned)(a >> 8) & 0xFF, (unsigned)a & 0xFF);
}

char *ip_format(int family, u128 addr, char *buf)
{
	unsigned g[8];
	int best = -1, bestlen = 1;
	char *p = buf;

	if (family == AF_V4) {
		if (addr > IPV4_MAX)
			BUG("IPv4 address out of range");
		v4_format((uint32_t)addr, buf, IP_BUFLEN);
		return buf;
	}
	if (family != AF_V6)
		BUG("unknown address family");
	/* RFC 5952 §5: an IPv4-mapped address keeps its IPv4 part dotted. */
	if (v4_mapped(addr)) {
		memcpy(buf, "::ffff:", 7);
		v4_format((uint32_t)addr, buf + 7, IP_BUFLEN - 7);
		return buf;
	}
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(addr >> (16 * (7 - i))) & 0xFFFF;
	/* RFC 5952 §4.2: "::" replaces the longest run of two or more zero groups, the
	 * first one when runs tie. */
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			*p++ = ':';
		p += snprintf(p, (size_t)(buf + IP_BUFLEN - p), "%x", g[i]);
	}
	*p = '\0';
	return buf;
}

int cidr_parse(const char *s, struct cidr *out, int *flags)
{
	const char *slash, *end;
	bool lz = false, plz = false;
	unsigned prefix = 0;
	int family, bits;
	u128 addr, host;

	if (flags)
		*flags = 0;
	if (!s || !(slash = strchr(s, '/')))
		return -1;
	end = slash + 1 + strlen(slash + 1);
	if (addr_parse(s, slash, &family, &addr, &lz))
		return -1;
	bits = family == AF_V4 ? 32 : 128;
	/* Go reads the length as plain decimal: no sign, leading zeros allowed. */
	if (end == slash + 1 ||
		dec_parse(slash + 1, end, (unsigned)bits, &prefix, &plz) != (size_t)(end - slash - 1))
		return -1;
	host = (int)prefix == bits ? 0 : (family == AF_V4 ? IPV4_MAX : IPV6_MAX) >> prefix;
	out->family = family;
	out->prefix = (int)prefix;
	out->addr = addr;
	out->lo = addr & ~host;
	out->hi = out->lo | host;
	if (flags) {
		if (out->lo != addr)
			*flags |= CIDR_HOST_BITS;
		/* netip.ParsePrefix, the strict parser, rejects "/08" as it rejects "010." */
		if (lz || plz)
			*flags |= CIDR_LEADING_ZEROS;
		if (family == AF_V6 && v4_mapped(addr))
			*flags |= CIDR_V4_MAPPED;
	}
	return 0;
}

void cidr_unmap(struct cidr *c)
{
	/* The network (host bits cleared) is mapped only when the prefix is at least 96. */
	if (c->family != AF_V6 || !v4_mapped(c->lo))
		return;
	c->family = AF_V4;
	c->prefix -= 96;
	c->addr &= IPV4_MAX;
	c->lo &= IPV4_MAX;
	c->hi &= IPV4_MAX;
}

void ip_unmap(int *family, u128 *addr)
{
	if (*family == AF_V6 && v4_mapped(*addr)) {
		*family = AF_V4;
		*addr &= IPV4_MAX;
	}
}

bool cidr_contains(const struct cidr *a, const struct cidr *b)
{
	return a->family == b->family && a->lo <= b->lo && b->hi <= a->hi;
}

static u128 family_max(int family)
{
	if (family == AF_V4)
		return IPV4_MAX;
	if (family != AF_V6)
		BUG("unknown address family");
	return IPV6_MAX;
}

void ipset_init(struct ipset *s, int family)
{
	if (family != AF_V4 && family != AF_V6)
		BUG("unknown address family");
	s->family = family;
	ip_rs_init(s);
}

void ipset_release(struct ipset *s)
{
	ip_rs_release(s);
}

void ipset_clear(struct ipset *s)
{
	s->n = 0;
}

void ipset_copy(struct ipset *dst, const struct ipset *src)
{
	dst->family = src->family;
	ip_rs_copy(dst, src);
}

void ipset_add_range(struct ipset *s, u128 lo, u128 hi)
{
	if (lo > hi || hi > family_max(s->family))
		BUG("bad address range");
	ip_rs_add(s, lo, hi);
}

void ipset_add_all(struct ipset *s)
{
	ipset_clear(s);
	ipset_add_range(s, 0, family_max(s->family));
}

static void same_family(const struct ipset *a, const struct ipset *b)
{
	if (a->family != b->family)
		BUG("address families differ");
}

void ipset_union(struct ipset *dst, const struct ipset *src)
{
	same_family(dst, src);
	ip_rs_union(dst, src);
}

void ipset_intersect(struct ipset *dst, const struct ipset *src)
{
	same_family(dst, src);
	ip_rs_intersect(dst, src);
}

void ipset_subtract(struct ipset *dst, const struct ipset *src)
{
	same_family(dst, src);
	ip_rs_subtract(dst, src);
}

bool ipset_contains(const struct ipset *s, u128 addr)
{
	return ip_rs_contains(s, addr);
}

bool ipset_holds_range(const struct ipset *s, u128 lo, u128 hi)
{
	return ip_rs_holds(s, lo, hi);
}

bool ipset_equal(const struct ipset *a, const struct ipset *b)
{
	return a->family == b->family && ip_rs_equal(a, b);
}

bool ipset_is_empty(const struct ipset *s)
{
	return s->n == 0;
}

bool ipset_overlaps(const struct ipset *a, const struct ipset *b)
{
	return a->family == b->family && ip_rs_overlaps(a, b);
}

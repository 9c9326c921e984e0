/* IPv4/IPv6 address and CIDR text, and address sets kept as sorted inclusive ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidrset.h"

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

/* Written without hi + 1, which wraps at the top of the IPv6 space. */
static bool touches(u128 hi, u128 lo)
{
	return lo == 0 || lo - 1 <= hi;
}

void ipset_init(struct ipset *s, int family)
{
	if (family != AF_V4 && family != AF_V6)
		BUG("unknown address family");
	s->family = family;
	s->r = NULL;
	s->n = s->cap = 0;
}

void ipset_release(struct ipset *s)
{
	free(s->r);
	s->r = NULL;
	s->n = s->cap = 0;
}

void ipset_clear(struct ipset *s)
{
	s->n = 0;
}

void ipset_copy(struct ipset *dst, const struct ipset *src)
{
	if (dst == src)
		return;
	dst->family = src->family;
	XGROW(dst->r, dst->cap, src->n);
	if (src->n)
		memcpy(dst->r, src->r, sizeof(*src->r) * src->n);
	dst->n = src->n;
}

void ipset_add_range(struct ipset *s, u128 lo, u128 hi)
{
	size_t i, k, a = 0, b = s->n;

	if (lo > hi || hi > family_max(s->family))
		BUG("bad address range");
	/* i: the first range that touches or follows [lo, hi]; k: the first one after it
	 * that stays apart. Ranges i..k-1 melt into the new one. */
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (touches(s->r[m].hi, lo))
			b = m;
		else
			a = m + 1;
	}
	i = a;
	for (k = i; k < s->n && touches(hi, s->r[k].lo); k++)
		;
	if (i == k) {
		XGROW(s->r, s->cap, s->n + 1);
		memmove(s->r + i + 1, s->r + i, sizeof(*s->r) * (s->n - i));
		s->n++;
	} else {
		if (s->r[i].lo < lo)
			lo = s->r[i].lo;
		if (s->r[k - 1].hi > hi)
			hi = s->r[k - 1].hi;
		memmove(s->r + i + 1, s->r + k, sizeof(*s->r) * (s->n - k));
		s->n -= k - i - 1;
	}
	s->r[i].lo = lo;
	s->r[i].hi = hi;
}

void ipset_add_all(struct ipset *s)
{
	ipset_clear(s);
	ipset_add_range(s, 0, family_max(s->family));
}

/* A result under construction: ranges arrive in order and melt into the last one. */
struct ipbuild {
	struct iprange *r;
	size_t n, cap;
};

static void ipbuild_push(struct ipbuild *b, u128 lo, u128 hi)
{
	if (b->n && touches(b->r[b->n - 1].hi, lo)) {
		if (hi > b->r[b->n - 1].hi)
			b->r[b->n - 1].hi = hi;
		return;
	}
	if (b->n == b->cap)
		BUG("range buffer overrun");
	b->r[b->n].lo = lo;
	b->r[b->n].hi = hi;
	b->n++;
}

/* Room for any union, intersection or difference of the two: at most n + m ranges. */
static struct ipbuild ipbuild_start(const struct ipset *a, const struct ipset *b)
{
	struct ipbuild out;

	if (a->family != b->family)
		BUG("address families differ");
	out.cap = a->n + b->n;
	out.r = xmalloc(sizeof(*out.r) * out.cap);
	out.n = 0;
	return out;
}

/* Read from dst until here, so dst may also be the other operand. */
static void ipbuild_finish(struct ipbuild *b, struct ipset *dst)
{
	free(dst->r);
	dst->r = b->r;
	dst->n = b->n;
	dst->cap = b->cap;
}

void ipset_union(struct ipset *dst, const struct ipset *src)
{
	struct ipbuild b = ipbuild_start(dst, src);
	size_t i = 0, j = 0;

	while (i < dst->n || j < src->n) {
		if (j == src->n || (i < dst->n && dst->r[i].lo <= src->r[j].lo)) {
			ipbuild_push(&b, dst->r[i].lo, dst->r[i].hi);
			i++;
		} else {
			ipbuild_push(&b, src->r[j].lo, src->r[j].hi);
			j++;
		}
	}
	ipbuild_finish(&b, dst);
}

void ipset_intersect(struct ipset *dst, const struct ipset *src)
{
	struct ipbuild b = ipbuild_start(dst, src);
	size_t i = 0, j = 0;

	while (i < dst->n && j < src->n) {
		u128 lo = dst->r[i].lo > src->r[j].lo ? dst->r[i].lo : src->r[j].lo;
		u128 hi = dst->r[i].hi < src->r[j].hi ? dst->r[i].hi : src->r[j].hi;
		if (lo <= hi)
			ipbuild_push(&b, lo, hi);
		if (dst->r[i].hi < src->r[j].hi)
			i++;
		else
			j++;
	}
	ipbuild_finish(&b, dst);
}

void ipset_subtract(struct ipset *dst, const struct ipset *src)
{
	struct ipbuild b = ipbuild_start(dst, src);
	size_t j = 0;

	for (size_t i = 0; i < dst->n; i++) {
		u128 lo = dst->r[i].lo, hi = dst->r[i].hi;
		bool left = true;

		while (j < src->n && src->r[j].hi < lo)
			j++;
		for (size_t k = j; k < src->n && src->r[k].lo <= hi; k++) {
			if (src->r[k].lo > lo)
				ipbuild_push(&b, lo, src->r[k].lo - 1);
			if (src->r[k].hi >= hi) {
				left = false;
				break;
			}
			lo = src->r[k].hi + 1; /* below hi, so no wrap */
		}
		if (left)
			ipbuild_push(&b, lo, hi);
	}
	ipbuild_finish(&b, dst);
}

bool ipset_contains(const struct ipset *s, u128 addr)
{
	size_t a = 0, b = s->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->r[m].hi < addr)
			a = m + 1;
		else if (s->r[m].lo > addr)
			b = m;
		else
			return true;
	}
	return false;
}

bool ipset_holds_range(const struct ipset *s, u128 lo, u128 hi)
{
	size_t a = 0, b = s->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->r[m].hi < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < s->n && s->r[a].lo <= lo && hi <= s->r[a].hi;
}

bool ipset_equal(const struct ipset *a, const struct ipset *b)
{
	if (a->family != b->family || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].lo != b->r[i].lo || a->r[i].hi != b->r[i].hi)
			return false;
	return true;
}

bool ipset_is_empty(const struct ipset *s)
{
	return s->n == 0;
}

bool ipset_overlaps(const struct ipset *a, const struct ipset *b)
{
	size_t i = 0, j = 0;

	if (a->family != b->family)
		return false;
	while (i < a->n && j < b->n) {
		if (a->r[i].hi < b->r[j].lo)
			i++;
		else if (b->r[j].hi < a->r[i].lo)
			j++;
		else
			return true;
	}
	return false;
}

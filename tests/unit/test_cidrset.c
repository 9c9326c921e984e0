/* Unit tests for cidrset: address and CIDR text, and the laws of the address-set algebra. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cidrset.h"

#define U128(hi, lo) (((u128)(hi) << 64) | (u128)(lo))

static u128 v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (u128)(a << 24 | b << 16 | c << 8 | d);
}

/* Parses s, which must succeed, and checks its family and value. */
static void parses_to(const char *s, bool lz, int family, u128 want)
{
	int fam = 0;
	u128 a = 0;

	if (ip_parse(s, lz, &fam, &a) != 0)
		fail_msg("'%s' should parse", s);
	if (fam != family || a != want)
		fail_msg("'%s' parsed to the wrong address", s);
}

static void rejects(const char *s, bool lz)
{
	int fam = -7;
	u128 a = 42;

	if (ip_parse(s, lz, &fam, &a) == 0)
		fail_msg("'%s' should be rejected", s ? s : "(null)");
	/* A failed parse leaves the outputs alone. */
	assert_int_equal(fam, -7);
	assert_true(a == 42);
}

static void test_ipv4_parse(void **state)
{
	(void)state;
	parses_to("0.0.0.0", false, AF_V4, 0);
	parses_to("255.255.255.255", false, AF_V4, IPV4_MAX);
	parses_to("10.1.2.3", false, AF_V4, v4(10, 1, 2, 3));
	parses_to("192.168.0.1", false, AF_V4, v4(192, 168, 0, 1));
	/* Leading zeros read as decimal (never octal), and only when allowed. */
	parses_to("010.001.000.009", true, AF_V4, v4(10, 1, 0, 9));
	parses_to("0000000000000000000001.2.3.4", true, AF_V4, v4(1, 2, 3, 4));
	rejects("010.1.1.1", false);
	rejects("1.2.3.00", false);
	rejects("256.1.1.1", false);
	rejects("1.2.3.256", true);
	rejects("1.2.3", false);
	rejects("1.2.3.4.5", false);
	rejects("1..2.3", false);
	rejects(".1.2.3", false);
	rejects("1.2.3.", false);
	rejects("1.2.3.4.", false);
	rejects("-1.2.3.4", false);
	rejects("+1.2.3.4", false);
	rejects(" 1.2.3.4", false);
	rejects("1.2.3.4 ", false);
	rejects("1.2.3.4/32", false);
	rejects("0x1.2.3.4", false);
	rejects("99999999999999999999.1.1.1", true);
	rejects("", false);
	rejects("abc", false);
	rejects(NULL, false);
}

static void test_ipv6_parse(void **state)
{
	(void)state;
	parses_to("::", false, AF_V6, 0);
	parses_to("::1", false, AF_V6, 1);
	parses_to("1::", false, AF_V6, (u128)1 << 112);
	parses_to("2001:db8::", false, AF_V6, (u128)0x20010db8 << 96);
	parses_to("2001:DB8::1", false, AF_V6, ((u128)0x20010db8 << 96) | 1);
	parses_to("2001:0db8:0000:0000:0000:ff00:0042:8329", false, AF_V6,
		U128(0x20010db800000000ull, 0x0000ff0000428329ull));
	parses_to("1:2:3:4:5:6:7:8", false, AF_V6, U128(0x0001000200030004ull, 0x0005000600070008ull));
	parses_to("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false, AF_V6, IPV6_MAX);
	/* "::" may stand for a single zero group at either end or inside. */
	parses_to("1:2:3:4:5:6:7::", false, AF_V6, U128(0x0001000200030004ull, 0x0005000600070000ull));
	parses_to("::2:3:4:5:6:7:8", false, AF_V6, U128(0x0000000200030004ull, 0x0005000600070008ull));
	parses_to("1:2:3::5:6:7:8", false, AF_V6, U128(0x0001000200030000ull, 0x0005000600070008ull));
	/* Embedded IPv4: mapped, compatible, and a full eight-group spelling. */
	parses_to("::ffff:10.0.0.1", false, AF_V6, ((u128)0xffff << 32) | v4(10, 0, 0, 1));
	parses_to("::FFFF:10.0.0.1", false, AF_V6, ((u128)0xffff << 32) | v4(10, 0, 0, 1));
	parses_to("::1.2.3.4", false, AF_V6, v4(1, 2, 3, 4));
	parses_to("1:2:3:4:5:6:1.2.3.4", false, AF_V6,
		U128(0x0001000200030004ull, 0x0005000601020304ull));
	parses_to("1::6:1.2.3.4", false, AF_V6, ((u128)1 << 112) | ((u128)6 << 32) | v4(1, 2, 3, 4));
	parses_to("::ffff:010.0.0.1", true, AF_V6, ((u128)0xffff << 32) | v4(10, 0, 0, 1));
	/* More than four digits can only be leading zeros; the sloppy parser takes them. */
	parses_to("00001::", true, AF_V6, (u128)1 << 112);
	rejects("00001::", false);
	rejects("::ffff:010.0.0.1", false);

	rejects(":::", false);
	rejects("::::", false);
	rejects(":", false);
	rejects(":1::", false);
	rejects("1:", false);
	rejects("1::2:", false);
	rejects("1::2::3", false);
	rejects("1:2:3:4:5:6:7", false);
	rejects("1:2:3:4:5:6:7:8:9", false);
	rejects("1:2:3:4:5:6:7:8::", false);
	rejects("::1:2:3:4:5:6:7:8", false);
	rejects("1:2:3:4::5:6:7:8", false);
	rejects("10000::", true);
	rejects("g::", false);
	rejects("::ffff:1.2.3", false);
	rejects("::ffff:1.2.3.256", false);
	rejects("::1.2.3.4:5", false);
	rejects("1:2:3:4:5:6:7:1.2.3.4", false);
	rejects("1:2:3:4:5:6::1.2.3.4", false);
	rejects("1:2:3:4:5:1.2.3.4", false);
	rejects("::ffff:99999.1.1.1", true);
	rejects("fe80::1%eth0", false);
	rejects("[::1]", false);
	rejects(" ::1", false);
	rejects("::1 ", false);
}

static void check_format(int family, u128 a, const char *want)
{
	char buf[IP_BUFLEN];
	int fam;
	u128 back;

	assert_string_equal(ip_format(family, a, buf), want);
	/* What we print parses back to the same address. */
	assert_int_equal(ip_parse(buf, false, &fam, &back), 0);
	assert_int_equal(fam, family);
	assert_true(back == a);
}

static void format_of(const char *in, const char *want)
{
	int fam;
	u128 a;

	if (ip_parse(in, true, &fam, &a))
		fail_msg("'%s' should parse", in);
	check_format(fam, a, want);
}

static void test_ip_format(void **state)
{
	(void)state;
	check_format(AF_V4, 0, "0.0.0.0");
	check_format(AF_V4, IPV4_MAX, "255.255.255.255");
	check_format(AF_V4, v4(10, 0, 0, 1), "10.0.0.1");
	format_of("010.000.001.002", "10.0.1.2");
	check_format(AF_V6, 0, "::");
	check_format(AF_V6, 1, "::1");
	check_format(AF_V6, IPV6_MAX, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	format_of("1:0:0:0:0:0:0:0", "1::");
	format_of("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
	format_of("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329");
	/* RFC 5952 §4.2.2: a lone zero group stays. */
	format_of("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	format_of("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0");
	/* §4.2.3: the longest run wins, then the leftmost. */
	format_of("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	format_of("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	format_of("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0");
	format_of("1:0:0:2:0:0:0:0", "1:0:0:2::");
	format_of("0:0:0:0:0:0:0:1", "::1");
	format_of("0:1:0:0:0:0:0:0", "0:1::");
	format_of("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
	format_of("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
	format_of("ABCD:EF01::", "abcd:ef01::");
	/* §5: IPv4-mapped addresses keep the dotted tail; other embeddings do not. */
	format_of("::ffff:10.0.0.1", "::ffff:10.0.0.1");
	format_of("::ffff:0:0", "::ffff:0.0.0.0");
	format_of("::1.2.3.4", "::102:304");
	format_of("::fffe:1.2.3.4", "::fffe:102:304");
	format_of("1::ffff:1.2.3.4", "1::ffff:102:304");
}

/* Randomized round trip: print, parse back, print again. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static void test_format_roundtrip(void **state)
{
	(void)state;
	rng_state = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 20000; i++) {
		u128 a = U128(rng(), rng());
		/* Zero some groups so every shape of zero run shows up. */
		uint64_t zero = rng();
		for (int g = 0; g < 8; g++)
			if (zero >> g & 1)
				a &= ~((u128)0xFFFF << (16 * g));
		char buf[IP_BUFLEN], again[IP_BUFLEN];
		int fam;
		u128 back;

		ip_format(AF_V6, a, buf);
		assert_true(strlen(buf) <= 39);
		assert_int_equal(ip_parse(buf, false, &fam, &back), 0);
		assert_true(fam == AF_V6 && back == a);
		assert_string_equal(ip_format(AF_V6, back, again), buf);
		/* Never a lone "::" for one group, never upper case, never "0000". */
		assert_null(strstr(buf, ":::"));
		for (const char *p = buf; *p; p++)
			assert_false(*p >= 'A' && *p <= 'F');

		ip_format(AF_V4, a & IPV4_MAX, buf);
		assert_int_equal(ip_parse(buf, false, &fam, &back), 0);
		assert_true(fam == AF_V4 && back == (a & IPV4_MAX));
	}
}

static void cidr_ok(const char *s, int family, int prefix, u128 addr, u128 lo, u128 hi, int flags)
{
	struct cidr c;
	int f = -1;

	if (cidr_parse(s, &c, &f))
		fail_msg("'%s' should parse", s);
	assert_int_equal(c.family, family);
	assert_int_equal(c.prefix, prefix);
	assert_true(c.addr == addr);
	assert_true(c.lo == lo);
	assert_true(c.hi == hi);
	if (f != flags)
		fail_msg("'%s' has flags %d, want %d", s, f, flags);
	/* flags may be NULL. */
	assert_int_equal(cidr_parse(s, &c, NULL), 0);
}

static void cidr_bad(const char *s)
{
	struct cidr c;
	int f = -1;

	if (cidr_parse(s, &c, &f) == 0)
		fail_msg("'%s' should be rejected", s ? s : "(null)");
}

static void unmap_ok(const char *s, int family, int prefix, u128 lo, u128 hi)
{
	struct cidr c;
	if (cidr_parse(s, &c, NULL))
		fail_msg("'%s' should parse", s);
	cidr_unmap(&c);
	if (c.family != family || c.prefix != prefix || c.lo != lo || c.hi != hi)
		fail_msg("'%s' unmapped to family %d /%d", s, c.family, c.prefix);
}

/* An IPv4-mapped network is the IPv4 network it denotes; nothing else changes. */
static void test_cidr_unmap(void **state)
{
	(void)state;
	unmap_ok("::ffff:10.0.0.0/104", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 255, 255, 255));
	unmap_ok("::ffff:10.1.2.3/128", AF_V4, 32, v4(10, 1, 2, 3), v4(10, 1, 2, 3));
	unmap_ok("::ffff:0.0.0.0/96", AF_V4, 0, 0, IPV4_MAX);
	unmap_ok("::ffff:10.1.2.3/104", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 255, 255, 255));
	/* Below /96 the network is no longer mapped: an IPv6 block. */
	unmap_ok("::ffff:0:0/95", AF_V6, 95, (u128)0xfffe << 32, ((u128)0xffff << 32) | IPV4_MAX);
	unmap_ok("::1.2.3.4/128", AF_V6, 128, v4(1, 2, 3, 4), v4(1, 2, 3, 4));
	unmap_ok("10.0.0.0/8", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 255, 255, 255));
	unmap_ok("2001:db8::/32", AF_V6, 32, (u128)0x20010db8 << 96,
		 ((u128)0x20010db8 << 96) | (IPV6_MAX >> 32));

	int fam = AF_V6;
	u128 a = ((u128)0xffff << 32) | v4(10, 1, 2, 3);
	ip_unmap(&fam, &a);
	assert_int_equal(fam, AF_V4);
	assert_true(a == v4(10, 1, 2, 3));
	fam = AF_V6;
	a = v4(10, 1, 2, 3); /* ::10.1.2.3, IPv4-compatible, not mapped */
	ip_unmap(&fam, &a);
	assert_int_equal(fam, AF_V6);
}

static void test_cidr_parse(void **state)
{
	(void)state;
	cidr_ok("10.0.0.0/8", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 0, 0, 0), v4(10, 255, 255, 255), 0);
	cidr_ok("0.0.0.0/0", AF_V4, 0, 0, 0, IPV4_MAX, 0);
	cidr_ok("1.2.3.4/32", AF_V4, 32, v4(1, 2, 3, 4), v4(1, 2, 3, 4), v4(1, 2, 3, 4), 0);
	cidr_ok("255.255.255.255/32", AF_V4, 32, IPV4_MAX, IPV4_MAX, IPV4_MAX, 0);
	cidr_ok("255.255.255.255/31", AF_V4, 31, IPV4_MAX, IPV4_MAX - 1, IPV4_MAX,
		CIDR_HOST_BITS);
	cidr_ok("10.0.0.1/8", AF_V4, 8, v4(10, 0, 0, 1), v4(10, 0, 0, 0), v4(10, 255, 255, 255),
		CIDR_HOST_BITS);
	cidr_ok("010.0.0.0/8", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 0, 0, 0), v4(10, 255, 255, 255),
		CIDR_LEADING_ZEROS);
	cidr_ok("010.0.0.1/8", AF_V4, 8, v4(10, 0, 0, 1), v4(10, 0, 0, 0), v4(10, 255, 255, 255),
		CIDR_LEADING_ZEROS | CIDR_HOST_BITS);
	/* Go's net.ParseCIDR reads the length with dtoi, leading zeros and all; the strict
	 * netip.ParsePrefix does not, hence the flag. */
	cidr_ok("10.0.0.0/08", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 0, 0, 0), v4(10, 255, 255, 255),
		CIDR_LEADING_ZEROS);
	cidr_ok("10.0.0.0/0008", AF_V4, 8, v4(10, 0, 0, 0), v4(10, 0, 0, 0), v4(10, 255, 255, 255),
		CIDR_LEADING_ZEROS);
	cidr_ok("0.0.0.0/00", AF_V4, 0, 0, 0, IPV4_MAX, CIDR_LEADING_ZEROS);
	cidr_ok("2001:db8::/32", AF_V6, 32, (u128)0x20010db8 << 96, (u128)0x20010db8 << 96,
		((u128)0x20010db8 << 96) | (IPV6_MAX >> 32), 0);
	cidr_ok("::/0", AF_V6, 0, 0, 0, IPV6_MAX, 0);
	cidr_ok("::1/128", AF_V6, 128, 1, 1, 1, 0);
	cidr_ok("::/128", AF_V6, 128, 0, 0, 0, 0);
	cidr_ok("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1", AF_V6, 1, IPV6_MAX,
		(u128)1 << 127, IPV6_MAX, CIDR_HOST_BITS);
	cidr_ok("2001:db8::1/64", AF_V6, 64, ((u128)0x20010db8 << 96) | 1,
		(u128)0x20010db8 << 96, ((u128)0x20010db8 << 96) | UINT64_MAX, CIDR_HOST_BITS);
	cidr_ok("::ffff:10.0.0.0/104", AF_V6, 104, ((u128)0xffff << 32) | v4(10, 0, 0, 0),
		((u128)0xffff << 32) | v4(10, 0, 0, 0), ((u128)0xffff << 32) | v4(10, 255, 255, 255),
		CIDR_V4_MAPPED);
	/* Mapped by value, however it is spelt. */
	cidr_ok("::ffff:a00:0/104", AF_V6, 104, ((u128)0xffff << 32) | v4(10, 0, 0, 0),
		((u128)0xffff << 32) | v4(10, 0, 0, 0), ((u128)0xffff << 32) | v4(10, 255, 255, 255),
		CIDR_V4_MAPPED);
	cidr_ok("::ffff:010.0.0.1/96", AF_V6, 96, ((u128)0xffff << 32) | v4(10, 0, 0, 1),
		(u128)0xffff << 32, ((u128)0xffff << 32) | IPV4_MAX,
		CIDR_V4_MAPPED | CIDR_LEADING_ZEROS | CIDR_HOST_BITS);
	cidr_ok("::1.2.3.4/128", AF_V6, 128, v4(1, 2, 3, 4), v4(1, 2, 3, 4), v4(1, 2, 3, 4), 0);
	cidr_ok("00002001:db8::/32", AF_V6, 32, (u128)0x20010db8 << 96, (u128)0x20010db8 << 96,
		((u128)0x20010db8 << 96) | (IPV6_MAX >> 32), CIDR_LEADING_ZEROS);

	cidr_bad("256.1.1.1/8");
	cidr_bad("1.2.3/24");
	cidr_bad("1.2.3.4/33");
	cidr_bad("1.2.3.4/-1");
	cidr_bad("1.2.3.4/+8");
	cidr_bad("1.2.3.4/ 8");
	cidr_bad("1.2.3.4/8 ");
	cidr_bad("1.2.3.4 /8");
	cidr_bad("1.2.3.4/8/8");
	cidr_bad("1.2.3.4/0x8");
	cidr_bad("1.2.3.4/99999999999999999999");
	cidr_bad("1.2.3.4/");
	cidr_bad("1.2.3.4");
	cidr_bad("/8");
	cidr_bad("/");
	cidr_bad("2001:db8::/129");
	cidr_bad("2001:db8::/");
	cidr_bad("2001:db8::");
	cidr_bad(":::/0");
	cidr_bad("fe80::1%eth0/64");
	cidr_bad("");
	cidr_bad("abc");
	cidr_bad("abc/8");
	cidr_bad(NULL);
}

static void test_cidr_contains(void **state)
{
	struct cidr a, b, c, d, e;

	(void)state;
	assert_int_equal(cidr_parse("10.0.0.0/8", &a, NULL), 0);
	assert_int_equal(cidr_parse("10.1.0.0/16", &b, NULL), 0);
	assert_int_equal(cidr_parse("11.0.0.0/8", &c, NULL), 0);
	assert_int_equal(cidr_parse("::/0", &d, NULL), 0);
	assert_int_equal(cidr_parse("0.0.0.0/0", &e, NULL), 0);
	assert_true(cidr_contains(&a, &b));
	assert_true(cidr_contains(&a, &a));
	assert_false(cidr_contains(&b, &a));
	assert_false(cidr_contains(&a, &c));
	assert_true(cidr_contains(&e, &a));
	/* Families never contain each other, even when the numbers would. */
	assert_false(cidr_contains(&d, &a));
	assert_false(cidr_contains(&e, &d));
}

/* The structural invariant: sorted, disjoint, non-adjacent, inside the family. */
static void check_ipset(const struct ipset *s)
{
	u128 max = s->family == AF_V4 ? IPV4_MAX : IPV6_MAX;

	assert_true(s->n <= s->cap || s->n == 0);
	for (size_t i = 0; i < s->n; i++) {
		assert_true(s->r[i].lo <= s->r[i].hi);
		assert_true(s->r[i].hi <= max);
		if (i > 0) {
			assert_true(s->r[i - 1].hi < s->r[i].lo);
			assert_true(s->r[i].lo - s->r[i - 1].hi >= 2);
		}
	}
}

/* A range is held only when one range of the set holds all of it. */
static void test_ipset_holds_range(void **state)
{
	struct ipset s;

	(void)state;
	ipset_init(&s, AF_V4);
	assert_false(ipset_holds_range(&s, 1, 1));
	ipset_add_range(&s, 10, 20);
	ipset_add_range(&s, 30, 40);
	assert_true(ipset_holds_range(&s, 10, 20));
	assert_true(ipset_holds_range(&s, 12, 15));
	assert_true(ipset_holds_range(&s, 40, 40));
	assert_false(ipset_holds_range(&s, 15, 31)); /* spans the gap */
	assert_false(ipset_holds_range(&s, 5, 12));
	assert_false(ipset_holds_range(&s, 41, 50));
	assert_false(ipset_holds_range(&s, 21, 29));
	ipset_release(&s);
}

static void test_ipset_basics(void **state)
{
	struct ipset s, t;

	(void)state;
	ipset_init(&s, AF_V4);
	ipset_init(&t, AF_V4);
	assert_true(ipset_is_empty(&s));
	assert_false(ipset_contains(&s, 0));

	/* Adjacent ranges melt, in either order. */
	ipset_add_range(&s, 10, 20);
	ipset_add_range(&s, 21, 30);
	ipset_add_range(&s, 0, 9);
	check_ipset(&s);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].lo == 0 && s.r[0].hi == 30);
	ipset_add_range(&s, 32, 40);
	assert_int_equal(s.n, 2);
	ipset_add_range(&s, 31, 31);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].hi == 40);

	/* A range bridging several melts them all. */
	ipset_clear(&s);
	ipset_add_range(&s, 100, 100);
	ipset_add_range(&s, 102, 102);
	ipset_add_range(&s, 104, 104);
	ipset_add_range(&s, 50, 60);
	assert_int_equal(s.n, 4);
	ipset_add_range(&s, 101, 103);
	check_ipset(&s);
	assert_int_equal(s.n, 2);
	assert_true(s.r[1].lo == 100 && s.r[1].hi == 104);

	/* The top of the IPv4 space: no wrap when testing hi + 1. */
	ipset_clear(&s);
	ipset_add_range(&s, IPV4_MAX, IPV4_MAX);
	ipset_add_range(&s, 0, 0);
	assert_int_equal(s.n, 2);
	ipset_add_range(&s, 1, IPV4_MAX - 1);
	assert_int_equal(s.n, 1);
	ipset_add_all(&t);
	assert_true(ipset_equal(&s, &t));
	assert_true(ipset_contains(&t, IPV4_MAX));
	assert_false(ipset_contains(&t, IPV4_MAX + 1));

	ipset_copy(&t, &s);
	assert_true(ipset_equal(&s, &t));
	ipset_copy(&t, &t);
	assert_true(ipset_equal(&s, &t));

	/* Different families are never equal and never overlap. */
	struct ipset w;
	ipset_init(&w, AF_V6);
	assert_false(ipset_equal(&s, &w));
	ipset_add_all(&w);
	assert_false(ipset_overlaps(&s, &w));
	/* copy takes the family along. */
	ipset_copy(&t, &w);
	assert_int_equal(t.family, AF_V6);
	assert_true(ipset_equal(&t, &w));

	/* The whole IPv6 space, then punch out its two ends. */
	ipset_clear(&s);
	ipset_release(&s);
	ipset_init(&s, AF_V6);
	ipset_add_all(&s);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].lo == 0 && s.r[0].hi == IPV6_MAX);
	ipset_clear(&t);
	ipset_add_range(&t, IPV6_MAX, IPV6_MAX);
	ipset_add_range(&t, 0, 0);
	ipset_subtract(&s, &t);
	check_ipset(&s);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].lo == 1 && s.r[0].hi == IPV6_MAX - 1);
	ipset_union(&s, &t);
	assert_true(ipset_equal(&s, &w));
	ipset_add_range(&s, IPV6_MAX, IPV6_MAX);
	assert_int_equal(s.n, 1);

	/* Carry between the two 64-bit halves. */
	ipset_clear(&s);
	ipset_add_range(&s, U128(0, UINT64_MAX), U128(0, UINT64_MAX));
	ipset_add_range(&s, U128(1, 0), U128(1, 5));
	check_ipset(&s);
	assert_int_equal(s.n, 1);

	ipset_release(&s);
	ipset_release(&t);
	ipset_release(&w);
}

static void test_ipset_aliasing(void **state)
{
	struct ipset a, b;

	(void)state;
	ipset_init(&a, AF_V6);
	ipset_init(&b, AF_V6);
	ipset_add_range(&a, 5, 9);
	ipset_add_range(&a, IPV6_MAX - 3, IPV6_MAX);
	ipset_copy(&b, &a);
	ipset_union(&a, &a);
	assert_true(ipset_equal(&a, &b));
	ipset_intersect(&a, &a);
	assert_true(ipset_equal(&a, &b));
	ipset_subtract(&a, &a);
	assert_true(ipset_is_empty(&a));
	ipset_release(&a);
	ipset_release(&b);
}

/* The laws, on sets of the family laws_family. */
static int laws_family;
#define LAWS_SET struct ipset
#define LAWS_VALUE u128
#define LAWS_FN(op) ipset_##op
#define LAWS_INIT(s) ipset_init((s), laws_family)
#define LAWS_CHECK(s) check_ipset(s)
#define LAWS_MAX (laws_family == AF_V4 ? IPV4_MAX : IPV6_MAX)
#define LAWS_RANDOM() (U128(rng(), rng()) & LAWS_MAX)
#define LAWS_OVERLAPS
#include "rangeset_laws.h"

/* Windows at 0, at the top of each family (to catch wrap at 2^32-1 and 2^128-1) and
 * across the 2^64 carry. */
static void test_random_v4_low(void **state)
{
	(void)state;
	rng_state = 1;
	laws_family = AF_V4;
	laws_random(0, 3000);
}

static void test_random_v4_top(void **state)
{
	(void)state;
	rng_state = 2;
	laws_family = AF_V4;
	laws_random(IPV4_MAX - (LAWS_W - 1), 3000);
}

static void test_random_v6_low(void **state)
{
	(void)state;
	rng_state = 3;
	laws_family = AF_V6;
	laws_random(0, 3000);
}

static void test_random_v6_top(void **state)
{
	(void)state;
	rng_state = 4;
	laws_family = AF_V6;
	laws_random(IPV6_MAX - (LAWS_W - 1), 3000);
}

static void test_random_v6_carry(void **state)
{
	(void)state;
	rng_state = 5;
	laws_family = AF_V6;
	laws_random(U128(1, 0) - LAWS_W / 2, 3000);
}

static void test_random_wide(void **state)
{
	(void)state;
	rng_state = 6;
	laws_family = AF_V4;
	laws_random_wide(2000);
	laws_family = AF_V6;
	laws_random_wide(2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_parse),
		cmocka_unit_test(test_ipv6_parse),
		cmocka_unit_test(test_ip_format),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_unmap),
		cmocka_unit_test(test_cidr_contains),
		cmocka_unit_test(test_ipset_basics),
		cmocka_unit_test(test_ipset_aliasing),
		cmocka_unit_test(test_random_v4_low),
		cmocka_unit_test(test_random_v4_top),
		cmocka_unit_test(test_random_v6_low),
		cmocka_unit_test(test_random_v6_top),
		cmocka_unit_test(test_random_v6_carry),
		cmocka_unit_test(test_random_wide),
		cmocka_unit_test(test_ipset_holds_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

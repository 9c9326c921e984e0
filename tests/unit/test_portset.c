/* Unit tests for portset: protocol names, the port domain, the laws of the port-set algebra
 * (rangeset_laws.h), and the connection-set text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "portset.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static void test_proto(void **state)
{
	(void)state;
	assert_int_equal(proto_parse("TCP"), PROTO_TCP);
	assert_int_equal(proto_parse("tcp"), PROTO_TCP);
	assert_int_equal(proto_parse("Tcp"), PROTO_TCP);
	assert_int_equal(proto_parse("UDP"), PROTO_UDP);
	assert_int_equal(proto_parse("udp"), PROTO_UDP);
	assert_int_equal(proto_parse("SCTP"), PROTO_SCTP);
	assert_int_equal(proto_parse("sCtP"), PROTO_SCTP);
	assert_int_equal(proto_parse(""), -1);
	assert_int_equal(proto_parse("ICMP"), -1);
	assert_int_equal(proto_parse("TC"), -1);
	assert_int_equal(proto_parse("TCPX"), -1);
	assert_int_equal(proto_parse("TCP "), -1);
	assert_int_equal(proto_parse(" TCP"), -1);
	assert_int_equal(proto_parse(NULL), -1);
	assert_string_equal(proto_name(PROTO_SCTP), "SCTP");
	assert_string_equal(proto_name(PROTO_TCP), "TCP");
	assert_string_equal(proto_name(PROTO_UDP), "UDP");
	/* Output order is name order. */
	assert_true(strcmp(proto_name(PROTO_SCTP), proto_name(PROTO_TCP)) < 0);
	assert_true(strcmp(proto_name(PROTO_TCP), proto_name(PROTO_UDP)) < 0);
}

/* The structural invariant: sorted, disjoint, non-adjacent, inside 1..65535. */
static void check_portset(const struct portset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		assert_true(s->r[i].lo >= PORT_MIN);
		assert_true(s->r[i].lo <= s->r[i].hi);
		assert_true(s->r[i].hi <= PORT_MAX);
		if (i > 0)
			assert_true(s->r[i].lo > s->r[i - 1].hi + 1);
	}
}

static void format_is(const struct portset *s, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	portset_format(s, &sb);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_portset_basics(void **state)
{
	struct portset s, t;

	(void)state;
	portset_init(&s);
	portset_init(&t);
	assert_true(portset_is_empty(&s));
	assert_false(portset_is_all(&s));
	format_is(&s, "");

	/* Clamped to 1..65535; what falls outside vanishes. */
	portset_add_range(&s, 0, 0);
	portset_add_range(&s, 65536, 70000);
	portset_add_range(&s, -5, -1);
	portset_add_range(&s, 10, 9);
	assert_true(portset_is_empty(&s));
	portset_add_range(&s, -100, 3);
	portset_add_range(&s, 65530, 1000000);
	check_portset(&s);
	format_is(&s, "1-3,65530-65535");
	assert_false(portset_contains(&s, 0));
	assert_true(portset_contains(&s, 1));
	assert_true(portset_contains(&s, 65535));
	assert_false(portset_contains(&s, 65536));
	assert_false(portset_contains(&s, -1));

	/* Adjacent ranges melt, a bridge melts many. */
	portset_clear(&s);
	portset_add_range(&s, 80, 80);
	portset_add_range(&s, 82, 82);
	portset_add_range(&s, 84, 84);
	portset_add_range(&s, 443, 443);
	format_is(&s, "80,82,84,443");
	portset_add_range(&s, 81, 83);
	format_is(&s, "80-84,443");
	portset_add_range(&s, 85, 442);
	format_is(&s, "80-443");
	portset_add_range(&s, 1, 79);
	portset_add_range(&s, 444, 65535);
	assert_true(portset_is_all(&s));
	format_is(&s, "1-65535");
	portset_add_all(&t);
	assert_true(portset_equal(&s, &t));

	portset_clear(&t);
	portset_add_range(&t, 5353, 5353);
	portset_subtract(&s, &t);
	format_is(&s, "1-5352,5354-65535");
	portset_copy(&t, &s);
	assert_true(portset_equal(&s, &t));
	portset_copy(&t, &t);
	assert_true(portset_equal(&s, &t));

	/* Aliased operands. */
	portset_union(&s, &s);
	assert_true(portset_equal(&s, &t));
	portset_intersect(&s, &s);
	assert_true(portset_equal(&s, &t));
	portset_subtract(&s, &s);
	assert_true(portset_is_empty(&s));

	portset_release(&s);
	portset_release(&t);
}

/* The laws, on port sets. */
#define LAWS_SET struct portset
#define LAWS_VALUE int
#define LAWS_FN(op) portset_##op
#define LAWS_INIT(s) portset_init(s)
#define LAWS_CHECK(s) check_portset(s)
#define LAWS_MAX PORT_MAX
#define LAWS_RANDOM() (PORT_MIN + (int)(rng() % PORT_MAX))
#include "rangeset_laws.h"

/* Windows at both ends of 1..65535, then ranges anywhere. */
static void test_portset_random(void **state)
{
	(void)state;
	rng_state = 0x5EED;
	laws_random(PORT_MIN, 2000);
	laws_random(PORT_MAX - (LAWS_W - 1), 2000);
	laws_random(1000, 2000);
	laws_random_wide(2000);
}

/* Union and intersection where one side is empty or both are the same set (answered
 * without building), and results past the stack buffer of small ones. */
static void test_portset_shortcuts(void **state)
{
	struct portset a, e, x;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	portset_init(&a);
	portset_init(&e);
	portset_init(&x);
	portset_add_range(&a, 80, 80);
	portset_add_range(&a, 443, 443);

	portset_union(&x, &e); /* empty ∪ empty */
	assert_true(portset_is_empty(&x));
	portset_union(&x, &a); /* empty ∪ a = a */
	assert_true(portset_equal(&x, &a));
	portset_union(&x, &e); /* a ∪ empty = a */
	assert_true(portset_equal(&x, &a));
	portset_union(&x, &x); /* a ∪ a = a */
	assert_true(portset_equal(&x, &a));
	portset_intersect(&x, &x); /* a ∩ a = a */
	assert_true(portset_equal(&x, &a));
	portset_intersect(&x, &e); /* a ∩ empty = empty */
	assert_true(portset_is_empty(&x));
	portset_intersect(&x, &a); /* empty ∩ a = empty */
	assert_true(portset_is_empty(&x));

	/* 40 single ports one way and 40 the other: 80 ranges, more than fit on the stack. */
	portset_clear(&a);
	portset_clear(&x);
	for (int p = 0; p < 40; p++) {
		portset_add_range(&a, 1000 + 4 * p, 1000 + 4 * p);
		portset_add_range(&x, 1002 + 4 * p, 1002 + 4 * p);
	}
	portset_union(&x, &a);
	assert_int_equal(x.n, 80);
	portset_format(&x, &sb);
	assert_true(strncmp(sb.buf, "1000,1002,1004,1006,", 20) == 0);
	portset_intersect(&x, &a);
	assert_true(portset_equal(&x, &a));

	strbuf_release(&sb);
	portset_release(&a);
	portset_release(&e);
	portset_release(&x);
}

static void connset_format_is(const struct connset *c, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	struct connset back;

	connset_format(c, &sb);
	assert_string_equal(sb.buf, want);
	/* And the text reads back to the same set. */
	connset_init(&back);
	assert_int_equal(connset_parse(sb.buf, &back), 0);
	assert_true(connset_equal(&back, c));
	connset_release(&back);
	strbuf_release(&sb);
}

static void test_connset_format(void **state)
{
	struct connset c;

	(void)state;
	connset_init(&c);
	assert_true(connset_is_empty(&c));
	connset_format_is(&c, "No Connections");

	connset_add(&c, PROTO_UDP, 53, 53);
	connset_add(&c, PROTO_TCP, 443, 443);
	connset_add(&c, PROTO_TCP, 80, 80);
	connset_format_is(&c, "TCP 80,443,UDP 53");
	assert_true(connset_contains(&c, PROTO_TCP, 80));
	assert_false(connset_contains(&c, PROTO_UDP, 80));
	assert_false(connset_contains(&c, PROTO_SCTP, 53));
	assert_false(connset_contains(&c, -1, 53));
	assert_false(connset_contains(&c, PROTO__COUNT, 53));

	connset_clear(&c);
	connset_add(&c, PROTO_TCP, 1, 65535);
	connset_format_is(&c, "TCP 1-65535");

	connset_add_all(&c);
	assert_true(connset_is_all(&c));
	connset_format_is(&c, "All Connections");

	/* One port short of everything is spelt out. */
	connset_clear(&c);
	connset_add(&c, PROTO_UDP, 5353, 5353);
	struct connset all;
	connset_init(&all);
	connset_add_all(&all);
	connset_subtract(&all, &c);
	connset_clear(&c);
	connset_add_all(&c);
	connset_subtract(&c, &all);
	connset_format_is(&all, "SCTP 1-65535,TCP 1-65535,UDP 1-5352,5354-65535");
	connset_format_is(&c, "UDP 5353");

	connset_clear(&c);
	connset_add(&c, PROTO_SCTP, 9090, 9090);
	connset_add(&c, PROTO_SCTP, 8956, 8956);
	connset_format_is(&c, "SCTP 8956,9090");
	connset_add(&c, PROTO_TCP, 8080, 8081);
	connset_add(&c, PROTO_UDP, 9090, 9090);
	connset_format_is(&c, "SCTP 8956,9090,TCP 8080-8081,UDP 9090");

	/* connset_format appends. */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "x : ");
	connset_format(&c, &sb);
	assert_string_equal(sb.buf, "x : SCTP 8956,9090,TCP 8080-8081,UDP 9090");
	strbuf_release(&sb);

	connset_release(&c);
	connset_release(&all);
}

static void parse_bad(const char *s)
{
	struct connset c;

	connset_init(&c);
	connset_add(&c, PROTO_TCP, 1, 1);
	if (connset_parse(s, &c) == 0)
		fail_msg("'%s' should be rejected", s);
	/* A failed parse leaves the set empty, not half filled. */
	assert_true(connset_is_empty(&c));
	connset_release(&c);
}

static void parse_as(const char *s, const char *canon)
{
	struct connset c;
	struct strbuf sb = STRBUF_INIT;

	connset_init(&c);
	if (connset_parse(s, &c))
		fail_msg("'%s' should parse", s);
	connset_format(&c, &sb);
	assert_string_equal(sb.buf, canon);
	strbuf_release(&sb);
	connset_release(&c);
}

static void test_connset_parse(void **state)
{
	(void)state;
	parse_as("All Connections", "All Connections");
	parse_as("No Connections", "No Connections");
	parse_as("TCP 80,443,UDP 53", "TCP 80,443,UDP 53");
	parse_as("SCTP 1-65535,TCP 1-65535,UDP 1-65535", "All Connections");
	parse_as("TCP 10053-10054,UDP 10053", "TCP 10053-10054,UDP 10053");
	/* Lenient on order, case and overlap; the output is canonical. */
	parse_as("UDP 53,TCP 443,80", "TCP 80,443,UDP 53");
	parse_as("tcp 80-90,85-100,101", "TCP 80-101");
	parse_as("TCP 80,UDP 53,TCP 81", "TCP 80-81,UDP 53");
	parse_as("TCP 65535", "TCP 65535");
	parse_as("TCP 1", "TCP 1");

	parse_bad("");
	parse_bad("TCP");
	parse_bad("TCP ");
	parse_bad("TCP  80");
	parse_bad("TCP80");
	parse_bad("TCP 80 ");
	parse_bad(" TCP 80");
	parse_bad("TCP 0");
	parse_bad("TCP 65536");
	parse_bad("TCP 99999999999999999999");
	parse_bad("TCP 80-79");
	parse_bad("TCP 80-");
	parse_bad("TCP -80");
	parse_bad("TCP 1-2-3");
	parse_bad("TCP +80");
	parse_bad("TCP a");
	parse_bad("80");
	parse_bad(",TCP 80");
	parse_bad("TCP 80,");
	parse_bad("TCP 80,,443");
	parse_bad("TCP 80;UDP 53");
	parse_bad("TCP 80, UDP 53");
	parse_bad("ICMP 1");
	parse_bad("TCP,UDP 53");
	parse_bad("all connections");
	parse_bad("All Connections ");
	parse_bad("All");
}

static void test_connset_random_roundtrip(void **state)
{
	struct connset a, b, c, x, y;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	rng_state = 0xC0FFEE;
	connset_init(&a);
	connset_init(&b);
	connset_init(&c);
	connset_init(&x);
	connset_init(&y);
	for (int i = 0; i < 3000; i++) {
		struct connset *sets[3] = { &a, &b, &c };
		for (int k = 0; k < 3; k++) {
			connset_clear(sets[k]);
			if (rng() % 16 == 0)
				connset_add_all(sets[k]);
			int n = (int)(rng() % 6);
			for (int j = 0; j < n; j++) {
				int p = (int)(rng() % PROTO__COUNT);
				int lo = (int)(rng() % 70000) - 100;
				int hi = lo + (int)(rng() % 3 == 0 ? rng() % 70000 : rng() % 5);
				connset_add(sets[k], p, lo, hi);
			}
		}
		strbuf_reset(&sb);
		connset_format(&a, &sb);
		assert_int_equal(connset_parse(sb.buf, &x), 0);
		assert_true(connset_equal(&x, &a));
		assert_true(connset_is_all(&a) == !strcmp(sb.buf, "All Connections"));
		assert_true(connset_is_empty(&a) == !strcmp(sb.buf, "No Connections"));

		/* The laws once more, per protocol through the connset wrappers. */
		connset_copy(&x, &a);
		connset_union(&x, &b);
		connset_copy(&y, &b);
		connset_union(&y, &a);
		assert_true(connset_equal(&x, &y));
		connset_copy(&x, &a);
		connset_subtract(&x, &b);
		connset_intersect(&x, &b);
		assert_true(connset_is_empty(&x));
		connset_copy(&x, &a);
		connset_subtract(&x, &b);
		connset_copy(&y, &a);
		connset_intersect(&y, &b);
		connset_union(&x, &y);
		assert_true(connset_equal(&x, &a));
		for (int p = 0; p < PROTO__COUNT; p++)
			laws(&a.p[p], &b.p[p], &c.p[p]);
		for (int j = 0; j < 8; j++) {
			int p = (int)(rng() % PROTO__COUNT), port = (int)(rng() % 65536);
			assert_true(connset_contains(&a, p, port) == portset_contains(&a.p[p], port));
		}
	}
	strbuf_release(&sb);
	connset_release(&a);
	connset_release(&b);
	connset_release(&c);
	connset_release(&x);
	connset_release(&y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto),
		cmocka_unit_test(test_portset_basics),
		cmocka_unit_test(test_portset_random),
		cmocka_unit_test(test_portset_shortcuts),
		cmocka_unit_test(test_connset_format),
		cmocka_unit_test(test_connset_parse),
		cmocka_unit_test(test_connset_random_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

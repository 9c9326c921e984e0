/*
 * libFuzzer target: addresses, CIDRs, Kubernetes name and label syntax, and label
 * selector matching, each checked against a property that must hold for every input
 * (print → parse round trips, In/NotIn complement, matchLabels = In [value], AND).
 *
 * Input layout: a stream of length-prefixed strings and control bytes, consumed in order;
 * every string taken is also run through the address and name checks.
 */
#include <string.h>

#include "cidrset.h"
#include "fuzz_check.h"
#include "model.h"
#include "validate.h"

struct input {
	const unsigned char *p;
	size_t n;
	char *pool; /* strings handed out, NUL-terminated, freed at the end */
	size_t used, cap;
};

static unsigned take_byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static void check_text(const char *s);

/* A string of up to 255 bytes (the length byte first); an embedded NUL ends it early. */
static const char *take_str(struct input *in)
{
	size_t len = take_byte(in);
	if (len > in->n)
		len = in->n;
	if (in->used + len + 1 > in->cap)
		abort(); /* cap is sized for the whole input */
	char *s = in->pool + in->used;
	memcpy(s, in->p, len);
	s[len] = '\0';
	in->used += len + 1;
	in->p += len;
	in->n -= len;
	check_text(s);
	return s;
}

/* ---- addresses and CIDRs ---- */

static void check_ip(const char *s)
{
	int fam, fam2, fam3;
	u128 addr, addr2, addr3;
	char buf[IP_BUFLEN + 16], buf2[IP_BUFLEN + 16];

	bool strict = !ip_parse(s, false, &fam, &addr);
	bool loose = !ip_parse(s, true, &fam2, &addr2);
	if (strict)
		FUZZ_CHECK(loose && fam == fam2 && addr == addr2,
			   "'%s' parses strictly but not the same leniently", s);
	if (!loose)
		return;
	FUZZ_CHECK(fam2 == AF_V4 || fam2 == AF_V6, "'%s': family %d", s, fam2);
	FUZZ_CHECK(fam2 == AF_V6 || addr2 <= IPV4_MAX, "'%s': IPv4 beyond 32 bits", s);
	memset(buf, 0x55, sizeof(buf));
	FUZZ_CHECK(ip_format(fam2, addr2, buf) == buf, "ip_format did not return buf");
	FUZZ_CHECK(memchr(buf, '\0', IP_BUFLEN) != NULL, "'%s' formats beyond IP_BUFLEN", s);
	for (size_t i = IP_BUFLEN; i < sizeof(buf); i++)
		FUZZ_CHECK(buf[i] == 0x55, "ip_format wrote past IP_BUFLEN");
	/* format(parse(x)) parses strictly to the same value, and formats to itself */
	FUZZ_CHECK(!ip_parse(buf, false, &fam3, &addr3), "'%s' → '%s' does not parse", s, buf);
	FUZZ_CHECK(fam3 == fam2 && addr3 == addr2, "'%s' → '%s' parses to another address", s,
		   buf);
	ip_format(fam3, addr3, buf2);
	FUZZ_CHECK(!strcmp(buf, buf2), "'%s' formats as '%s', then as '%s'", s, buf, buf2);
	for (const char *c = buf; *c; c++)
		FUZZ_CHECK(!(*c >= 'A' && *c <= 'F'), "'%s' formats in upper case: '%s'", s, buf);
}

static void check_cidr(const char *s)
{
	struct cidr c, c2;
	int flags, flags2;
	char buf[IP_BUFLEN + 8], text[IP_BUFLEN + 16];

	if (cidr_parse(s, &c, &flags))
		return;
	int bits = c.family == AF_V4 ? 32 : 128;
	FUZZ_CHECK(c.family == AF_V4 || c.family == AF_V6, "'%s': family %d", s, c.family);
	FUZZ_CHECK(c.prefix >= 0 && c.prefix <= bits, "'%s': prefix %d", s, c.prefix);
	FUZZ_CHECK(c.lo <= c.addr && c.addr <= c.hi, "'%s': address outside its range", s);
	FUZZ_CHECK(c.family == AF_V6 || c.hi <= IPV4_MAX, "'%s': IPv4 range beyond 32 bits", s);
	u128 host = c.prefix == bits ? 0 : (c.family == AF_V4 ? IPV4_MAX : IPV6_MAX) >> c.prefix;
	FUZZ_CHECK(c.lo == (c.addr & ~host) && c.hi == (c.lo | host), "'%s': wrong range", s);
	FUZZ_CHECK(!(flags & CIDR_HOST_BITS) == (c.lo == c.addr), "'%s': host-bits flag", s);
	FUZZ_CHECK(cidr_contains(&c, &c), "'%s' does not contain itself", s);
	int fam;
	u128 addr;
	const char *slash = strchr(s, '/');
	/* the address part alone is an address */
	char part[300];
	size_t pl = (size_t)(slash - s);
	if (pl < sizeof(part)) {
		memcpy(part, s, pl);
		part[pl] = '\0';
		FUZZ_CHECK(!ip_parse(part, true, &fam, &addr) && fam == c.family && addr == c.addr,
			   "'%s': the address part reads otherwise alone", s);
	}
	/* canonical text round trip */
	snprintf(text, sizeof(text), "%s/%d", ip_format(c.family, c.addr, buf), c.prefix);
	FUZZ_CHECK(!cidr_parse(text, &c2, &flags2), "'%s' → '%s' does not parse", s, text);
	FUZZ_CHECK(c2.family == c.family && c2.prefix == c.prefix && c2.addr == c.addr &&
		   c2.lo == c.lo && c2.hi == c.hi, "'%s' → '%s' parses to another CIDR", s, text);
	FUZZ_CHECK(!(flags2 & CIDR_LEADING_ZEROS), "canonical '%s' has leading zeros", text);
	FUZZ_CHECK((flags2 & ~CIDR_LEADING_ZEROS) == (flags & ~CIDR_LEADING_ZEROS),
		   "'%s' and '%s' differ in flags %d/%d", s, text, flags, flags2);

	/* as an address set: holds both ends, not their neighbours, and minus itself is empty */
	struct ipset set, other;
	ipset_init(&set, c.family);
	ipset_init(&other, c.family);
	ipset_add_range(&set, c.lo, c.hi);
	FUZZ_CHECK(ipset_contains(&set, c.lo) && ipset_contains(&set, c.hi) &&
		   ipset_contains(&set, c.addr), "'%s': set misses its ends", s);
	FUZZ_CHECK(c.lo == 0 || !ipset_contains(&set, c.lo - 1), "'%s': set holds lo-1", s);
	ipset_add_all(&other);
	ipset_subtract(&other, &set);
	FUZZ_CHECK(!ipset_overlaps(&other, &set), "'%s': complement overlaps", s);
	ipset_union(&other, &set);
	struct ipset all;
	ipset_init(&all, c.family);
	ipset_add_all(&all);
	FUZZ_CHECK(ipset_equal(&other, &all), "'%s': set ∪ complement is not everything", s);
	ipset_subtract(&set, &set);
	FUZZ_CHECK(ipset_is_empty(&set), "'%s': set minus itself is not empty", s);
	ipset_release(&all);
	ipset_release(&other);
	ipset_release(&set);
}

/* ---- names and labels ---- */

/* A check returns NULL for a valid name, else a message (never empty). */
static const char *name_check(const char *(*f)(const char *), const char *s)
{
	const char *msg = f(s);
	FUZZ_CHECK(msg == NULL || *msg, "an empty message for '%s'", s);
	return msg;
}

static void check_names(const char *s)
{
	const char *label = name_check(validate_dns1123_label, s);
	const char *sub = name_check(validate_dns1123_subdomain, s);
	const char *val = name_check(validate_label_value, s);
	const char *key = name_check(validate_label_key, s);
	size_t n = strlen(s);
	/* Implications of the definitions (k8s.io/apimachinery/pkg/util/validation):
	 * a DNS-1123 label is a subdomain of one part, and a label value; a non-empty label
	 * value is a qualified name, so a label key. */
	if (!label) {
		FUZZ_CHECK(!sub, "'%s' is a DNS-1123 label but not a subdomain", s);
		FUZZ_CHECK(!val, "'%s' is a DNS-1123 label but not a label value", s);
		FUZZ_CHECK(n >= 1 && n <= 63, "'%s' (%zu bytes) is a DNS-1123 label", s, n);
	}
	if (!sub)
		FUZZ_CHECK(n >= 1 && n <= 253, "'%s' (%zu bytes) is a DNS-1123 subdomain", s, n);
	if (!val) {
		FUZZ_CHECK(n <= 63, "'%s' (%zu bytes) is a label value", s, n);
		FUZZ_CHECK(n == 0 || !key, "'%s' is a label value but not a label key", s);
	}
	if (!key)
		FUZZ_CHECK(n >= 1 && n <= 253 + 1 + 63, "'%s' (%zu bytes) is a label key", s, n);
	for (const char *c = s; *c; c++) {
		unsigned char u = (unsigned char)*c;
		bool alnum = (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9');
		if (!alnum && u != '-' && u != '.')
			FUZZ_CHECK(sub, "'%s' holds 0x%02x and is a subdomain", s, u);
		if (!alnum && u != '-')
			FUZZ_CHECK(label, "'%s' holds 0x%02x and is a DNS-1123 label", s, u);
		if (u >= 0x80 || u < 0x20)
			FUZZ_CHECK(val && key, "'%s' holds 0x%02x and is a label key or value", s, u);
	}
}

static void check_text(const char *s)
{
	check_ip(s);
	check_cidr(s);
	check_names(s);
}

/* ---- selectors ---- */

static struct sel_expr expr_of(const char *key, enum sel_op op, const char **values, size_t n)
{
	struct sel_expr e;
	memset(&e, 0, sizeof(e));
	e.key = key;
	e.op = op;
	e.values = values;
	e.nvalues = n;
	return e;
}

static bool matches_one(struct sel_expr e, const struct labels *l)
{
	struct selector s;
	memset(&s, 0, sizeof(s));
	s.exprs = &e;
	s.nexprs = 1;
	return selector_matches(&s, l);
}

static void check_selectors(struct input *inp)
{
	struct kv kv[8], ml[4];
	struct sel_expr exprs[6];
	const char *values[6][4];
	struct labels l = { kv, take_byte(inp) % 9 };
	struct selector s;

	for (size_t i = 0; i < l.n; i++) {
		kv[i].key = take_str(inp);
		kv[i].val = take_str(inp);
		kv[i].node = NULL;
	}
	memset(&s, 0, sizeof(s));
	FUZZ_CHECK(selector_is_empty(&s) && selector_matches(&s, &l), "{} does not match");
	s.ml = ml;
	s.nml = take_byte(inp) % 5;
	for (size_t i = 0; i < s.nml; i++) {
		ml[i].key = take_str(inp);
		ml[i].val = take_str(inp);
		ml[i].node = NULL;
	}
	s.exprs = exprs;
	s.nexprs = take_byte(inp) % 7;
	for (size_t i = 0; i < s.nexprs; i++) {
		unsigned c = take_byte(inp);
		const char *key = c & 0x80 ? NULL : take_str(inp);
		size_t nv = (c >> 3) % 5;
		for (size_t j = 0; j < nv; j++)
			values[i][j] = take_str(inp);
		exprs[i] = expr_of(key, (enum sel_op)(c % 5), values[i], nv);
	}
	bool all = selector_matches(&s, &l);
	FUZZ_CHECK(!selector_is_empty(&s) || all, "an empty selector does not match");

	/* AND: the selector matches iff each of its requirements does on its own */
	bool each = true;
	for (size_t i = 0; i < s.nml; i++) {
		const char *one[1] = { ml[i].val };
		bool m1 = matches_one(expr_of(ml[i].key, SEL_IN, one, 1), &l);
		struct selector t;
		memset(&t, 0, sizeof(t));
		t.ml = &ml[i];
		t.nml = 1;
		/* matchLabels {k: v} is the requirement k In (v) */
		FUZZ_CHECK(selector_matches(&t, &l) == m1, "matchLabels '%s' differs from In",
			   ml[i].key);
		each &= m1;
	}
	for (size_t i = 0; i < s.nexprs; i++) {
		struct sel_expr e = exprs[i];
		bool m1 = matches_one(e, &l);
		each &= m1;
		if (!e.key)
			continue;
		bool present = labels_get(&l, e.key) != NULL;
		bool in = matches_one(expr_of(e.key, SEL_IN, e.values, e.nvalues), &l);
		bool notin = matches_one(expr_of(e.key, SEL_NOT_IN, e.values, e.nvalues), &l);
		bool ex = matches_one(expr_of(e.key, SEL_EXISTS, NULL, 0), &l);
		bool dne = matches_one(expr_of(e.key, SEL_DOES_NOT_EXIST, NULL, 0), &l);
		FUZZ_CHECK(in != notin, "In and NotIn agree on '%s'", e.key);
		FUZZ_CHECK(ex == present && dne == !present, "Exists/DoesNotExist on '%s'", e.key);
		FUZZ_CHECK(!in || present, "In holds for absent '%s'", e.key);
		FUZZ_CHECK(!matches_one(expr_of(e.key, SEL_BAD_OP, e.values, e.nvalues), &l),
			   "a bad operator matches");
		FUZZ_CHECK(!matches_one(expr_of(e.key, SEL_IN, NULL, 0), &l),
			   "In with no values matches");
	}
	FUZZ_CHECK(all == each, "selector %d, its requirements one by one %d", all, each);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* each string costs its length byte, so the pool never holds more than the input
	 * plus one NUL per byte */
	struct input in = { data, size, NULL, 0, 2 * size + 64 };
	in.pool = malloc(in.cap);
	if (!in.pool)
		return 0;
	check_selectors(&in);
	while (in.n)
		take_str(&in);
	free(in.pool);
	return 0;
}

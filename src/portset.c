/* Port sets kept as sorted inclusive ranges, one per protocol, and their text form. */
#include <stdlib.h>
#include <string.h>

#include "portset.h"

static const char *const proto_names[PROTO__COUNT] = {
	[PROTO_SCTP] = "SCTP",
	[PROTO_TCP] = "TCP",
	[PROTO_UDP] = "UDP",
};

static bool is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Compares the n letters at s with an upper-case name, in ASCII whatever the locale. */
static bool name_is(const char *s, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
		if (c != name[i])
			return false;
	}
	return name[n] == '\0';
}

static int proto_lookup(const char *s, size_t n)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		if (name_is(s, n, proto_names[p]))
			return p;
	return -1;
}

int proto_parse(const char *s)
{
	return s ? proto_lookup(s, strlen(s)) : -1;
}

const char *proto_name(int proto)
{
	if (proto < 0 || proto >= PROTO__COUNT)
		BUG("unknown protocol");
	return proto_names[proto];
}

void portset_init(struct portset *s)
{
	s->r = NULL;
	s->n = s->cap = 0;
}

void portset_release(struct portset *s)
{
	free(s->r);
	portset_init(s);
}

void portset_clear(struct portset *s)
{
	s->n = 0;
}

void portset_copy(struct portset *dst, const struct portset *src)
{
	if (dst == src)
		return;
	XGROW(dst->r, dst->cap, src->n);
	if (src->n)
		memcpy(dst->r, src->r, sizeof(*src->r) * src->n);
	dst->n = src->n;
}

void portset_add_range(struct portset *s, int lo, int hi)
{
	size_t i, k, a = 0, b = s->n;

	if (lo < PORT_MIN)
		lo = PORT_MIN;
	if (hi > PORT_MAX)
		hi = PORT_MAX;
	if (lo > hi)
		return;
	/* i: the first range that touches or follows [lo, hi]; k: the first one after it
	 * that stays apart. Ranges i..k-1 melt into the new one. */
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->r[m].hi >= lo - 1)
			b = m;
		else
			a = m + 1;
	}
	i = a;
	for (k = i; k < s->n && s->r[k].lo <= hi + 1; k++)
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

void portset_add_all(struct portset *s)
{
	portset_clear(s);
	portset_add_range(s, PORT_MIN, PORT_MAX);
}

/* A result under construction: ranges arrive in order and melt into the last one.
 * Small results are built in buf, so the usual operation allocates nothing. */
#define PORTBUILD_INLINE 16
struct portbuild {
	struct portrange *r;
	size_t n, cap;
	struct portrange buf[PORTBUILD_INLINE];
};

static void portbuild_push(struct portbuild *b, int lo, int hi)
{
	if (b->n && lo <= b->r[b->n - 1].hi + 1) {
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
static void portbuild_start(struct portbuild *out, const struct portset *a,
			    const struct portset *b)
{
	out->cap = a->n + b->n;
	out->r = out->cap <= PORTBUILD_INLINE ? out->buf : xmalloc(sizeof(*out->r) * out->cap);
	out->n = 0;
}

/* Called once both operands are read, so dst may also be the other operand. */
static void portbuild_finish(struct portbuild *b, struct portset *dst)
{
	if (b->r == b->buf) {
		XGROW(dst->r, dst->cap, b->n);
		if (b->n)
			memcpy(dst->r, b->buf, sizeof(*b->buf) * b->n);
		dst->n = b->n;
		return;
	}
	free(dst->r);
	dst->r = b->r;
	dst->n = b->n;
	dst->cap = b->cap;
}

void portset_union(struct portset *dst, const struct portset *src)
{
	/* The usual cases: one side empty (most protocols of most rules). */
	if (!src->n || dst == src)
		return;
	if (!dst->n) {
		portset_copy(dst, src);
		return;
	}
	struct portbuild b;
	portbuild_start(&b, dst, src);
	size_t i = 0, j = 0;

	while (i < dst->n || j < src->n) {
		if (j == src->n || (i < dst->n && dst->r[i].lo <= src->r[j].lo)) {
			portbuild_push(&b, dst->r[i].lo, dst->r[i].hi);
			i++;
		} else {
			portbuild_push(&b, src->r[j].lo, src->r[j].hi);
			j++;
		}
	}
	portbuild_finish(&b, dst);
}

void portset_intersect(struct portset *dst, const struct portset *src)
{
	if (!dst->n || dst == src)
		return;
	if (!src->n) {
		dst->n = 0;
		return;
	}
	struct portbuild b;
	portbuild_start(&b, dst, src);
	size_t i = 0, j = 0;

	while (i < dst->n && j < src->n) {
		int lo = dst->r[i].lo > src->r[j].lo ? dst->r[i].lo : src->r[j].lo;
		int hi = dst->r[i].hi < src->r[j].hi ? dst->r[i].hi : src->r[j].hi;
		if (lo <= hi)
			portbuild_push(&b, lo, hi);
		if (dst->r[i].hi < src->r[j].hi)
			i++;
		else
			j++;
	}
	portbuild_finish(&b, dst);
}

void portset_subtract(struct portset *dst, const struct portset *src)
{
	struct portbuild b;
	portbuild_start(&b, dst, src);
	size_t j = 0;

	for (size_t i = 0; i < dst->n; i++) {
		int lo = dst->r[i].lo, hi = dst->r[i].hi;
		bool left = true;

		while (j < src->n && src->r[j].hi < lo)
			j++;
		for (size_t k = j; k < src->n && src->r[k].lo <= hi; k++) {
			if (src->r[k].lo > lo)
				portbuild_push(&b, lo, src->r[k].lo - 1);
			if (src->r[k].hi >= hi) {
				left = false;
				break;
			}
			lo = src->r[k].hi + 1;
		}
		if (left)
			portbuild_push(&b, lo, hi);
	}
	portbuild_finish(&b, dst);
}

bool portset_contains(const struct portset *s, int port)
{
	size_t a = 0, b = s->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->r[m].hi < port)
			a = m + 1;
		else if (s->r[m].lo > port)
			b = m;
		else
			return true;
	}
	return false;
}

bool portset_equal(const struct portset *a, const struct portset *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].lo != b->r[i].lo || a->r[i].hi != b->r[i].hi)
			return false;
	return true;
}

bool portset_is_empty(const struct portset *s)
{
	return s->n == 0;
}

bool portset_is_all(const struct portset *s)
{
	return s->n == 1 && s->r[0].lo == PORT_MIN && s->r[0].hi == PORT_MAX;
}

void portset_format(const struct portset *s, struct strbuf *out)
{
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		if (s->r[i].lo == s->r[i].hi)
			strbuf_addf(out, "%d", s->r[i].lo);
		else
			strbuf_addf(out, "%d-%d", s->r[i].lo, s->r[i].hi);
	}
}

void connset_init(struct connset *c)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_init(&c->p[p]);
}

void connset_release(struct connset *c)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_release(&c->p[p]);
}

void connset_clear(struct connset *c)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_clear(&c->p[p]);
}

void connset_copy(struct connset *dst, const struct connset *src)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_copy(&dst->p[p], &src->p[p]);
}

void connset_add_all(struct connset *c)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_add_all(&c->p[p]);
}

void connset_add(struct connset *c, int proto, int lo, int hi)
{
	if (proto < 0 || proto >= PROTO__COUNT)
		BUG("unknown protocol");
	portset_add_range(&c->p[proto], lo, hi);
}

void connset_union(struct connset *dst, const struct connset *src)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_union(&dst->p[p], &src->p[p]);
}

void connset_intersect(struct connset *dst, const struct connset *src)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_intersect(&dst->p[p], &src->p[p]);
}

void connset_subtract(struct connset *dst, const struct connset *src)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_subtract(&dst->p[p], &src->p[p]);
}

bool connset_equal(const struct connset *a, const struct connset *b)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		if (!portset_equal(&a->p[p], &b->p[p]))
			return false;
	return true;
}

bool connset_is_empty(const struct connset *c)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		if (!portset_is_empty(&c->p[p]))
			return false;
	return true;
}

bool connset_is_all(const struct connset *c)
{
	for (int p = 0; p < PROTO__COUNT; p++)
		if (!portset_is_all(&c->p[p]))
			return false;
	return true;
}

bool connset_contains(const struct connset *c, int proto, int port)
{
	if (proto < 0 || proto >= PROTO__COUNT)
		return false;
	return portset_contains(&c->p[proto], port);
}

#define ALL_CONNECTIONS "All Connections"
#define NO_CONNECTIONS "No Connections"

/* The grammar np-guard's netpol-analyzer prints, so its users and tools can read ours. */
void connset_format(const struct connset *c, struct strbuf *out)
{
	bool first = true;

	if (connset_is_all(c)) {
		strbuf_addstr(out, ALL_CONNECTIONS);
		return;
	}
	if (connset_is_empty(c)) {
		strbuf_addstr(out, NO_CONNECTIONS);
		return;
	}
	/* enum proto is already in name order, the order groups are printed in. */
	for (int p = 0; p < PROTO__COUNT; p++) {
		if (portset_is_empty(&c->p[p]))
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = false;
		strbuf_addstr(out, proto_names[p]);
		strbuf_addch(out, ' ');
		portset_format(&c->p[p], out);
	}
}

/* A port number at *s: digits only, 1..65535. Advances *s past it. */
static int port_read(const char **s, int *port)
{
	const char *p = *s;
	long v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > PORT_MAX)
			return -1;
	}
	if (v < PORT_MIN)
		return -1;
	*port = (int)v;
	*s = p;
	return 0;
}

/* One comma-separated item: "[PROTO ]N[-M]"; *proto carries over from the last
 * item that named one. */
static int connset_item_parse(const char **s, int *proto, struct connset *out)
{
	const char *p = *s;
	size_t n = 0;
	int lo, hi;

	while (is_letter(p[n]))
		n++;
	if (n) {
		if (p[n] != ' ' || (*proto = proto_lookup(p, n)) < 0)
			return -1;
		p += n + 1;
	}
	if (*proto < 0 || port_read(&p, &lo))
		return -1;
	hi = lo;
	if (*p == '-') {
		p++;
		if (port_read(&p, &hi) || hi < lo)
			return -1;
	}
	portset_add_range(&out->p[*proto], lo, hi);
	*s = p;
	return 0;
}

int connset_parse(const char *s, struct connset *out)
{
	int proto = -1;

	connset_clear(out);
	if (!s)
		return -1;
	if (!strcmp(s, ALL_CONNECTIONS)) {
		connset_add_all(out);
		return 0;
	}
	if (!strcmp(s, NO_CONNECTIONS))
		return 0;
	for (;;) {
		if (connset_item_parse(&s, &proto, out))
			break;
		if (!*s)
			return 0;
		if (*s++ != ',')
			break;
	}
	connset_clear(out);
	return -1;
}

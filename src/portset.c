/* Port sets (the interval-set core typed for ports 1..65535), connection sets (one per protocol), and their text form. */
#include <stdlib.h>
#include <string.h>

#include "portset.h"

/* The interval-set algebra (rangeset.h) on ports. */
#define RS_VALUE int
#define RS_RANGE struct portrange
#define RS_SET struct portset
#define RS(name) port_rs_##name
#include "rangeset.h"

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
	port_rs_init(s);
}

void portset_release(struct portset *s)
{
	port_rs_release(s);
}

void portset_clear(struct portset *s)
{
	s->n = 0;
}

void portset_copy(struct portset *dst, const struct portset *src)
{
	port_rs_copy(dst, src);
}

void portset_add_range(struct portset *s, int lo, int hi)
{
	if (lo < PORT_MIN)
		lo = PORT_MIN;
	if (hi > PORT_MAX)
		hi = PORT_MAX;
	if (lo <= hi)
		port_rs_add(s, lo, hi);
}

void portset_add_all(struct portset *s)
{
	portset_clear(s);
	portset_add_range(s, PORT_MIN, PORT_MAX);
}

void portset_union(struct portset *dst, const struct portset *src)
{
	port_rs_union(dst, src);
}

void portset_intersect(struct portset *dst, const struct portset *src)
{
	port_rs_intersect(dst, src);
}

void portset_subtract(struct portset *dst, const struct portset *src)
{
	port_rs_subtract(dst, src);
}

bool portset_contains(const struct portset *s, int port)
{
	return port_rs_contains(s, port);
}

bool portset_equal(const struct portset *a, const struct portset *b)
{
	return port_rs_equal(a, b);
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

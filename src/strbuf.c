/* Growable heap strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/* What every empty strbuf points at (git's strbuf_slopbuf): never written. */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_slopbuf;
	sb->len = sb->cap = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->cap ? sb->buf : xstrdup("");
	strbuf_init(sb);
	return p;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		BUG("strbuf_setlen beyond the end");
	sb->len = len;
	if (sb->cap)
		sb->buf[len] = '\0';
}

/* Room for need bytes; the first allocation leaves strbuf_slopbuf alone. */
static void grow(struct strbuf *sb, size_t need)
{
	if (need <= sb->cap)
		return;
	if (!sb->cap)
		sb->buf = NULL;
	xgrow((void **)&sb->buf, &sb->cap, need, 1);
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	grow(sb, sb->len + n + 1);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_add_uint(struct strbuf *sb, unsigned long long u)
{
	char buf[24];
	size_t i = sizeof(buf);
	do
		buf[--i] = (char)('0' + u % 10);
	while (u /= 10);
	strbuf_add(sb, buf + i, sizeof(buf) - i);
}

void strbuf_add_int(struct strbuf *sb, long long v)
{
	if (v < 0) {
		strbuf_addch(sb, '-');
		strbuf_add_uint(sb, 0ULL - (unsigned long long)v);
	} else {
		strbuf_add_uint(sb, (unsigned long long)v);
	}
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed");
	grow(sb, sb->len + (size_t)n + 1);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Strings in an arena, on top of arena_strndup: shared by src/arena.c and the fuzz
 * targets' checked arena (tests/fuzz/arena_checked.c). */
#include <stdarg.h>
#include <string.h>

#include "base.h"

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	char *p = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return p;
}

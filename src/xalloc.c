/* Allocation wrappers that exit on failure, so no caller checks for NULL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base.h"

_Noreturn void bug_at(const char *file, int line, const char *msg)
{
	fprintf(stderr, "npcheck: internal error at %s:%d: %s\n", file, line, msg);
	abort();
}

static _Noreturn void oom(size_t n)
{
	fprintf(stderr, "npcheck: out of memory allocating %zu bytes\n", n);
	exit(4);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

void xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap;
	if (need <= c)
		return;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / sz)
			oom(SIZE_MAX);
		c *= 2;
	}
	*p = xrealloc(*p, c * sz);
	*cap = c;
}

/*
 * Make the whole pages inside [p, p + n) present and writable now, in one call, rather
 * than by a page fault at the first write to each: a trap into the kernel per page
 * (and, on a virtual machine, often out of it too). Only for memory that is about to be
 * written whole; on a kernel without MADV_POPULATE_WRITE (Linux < 5.14) nothing happens.
 */
void mem_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	/* Asked each time: it is cheap beside the call below, and blocks are made on
	 * every loader thread. */
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t to = ((uintptr_t)p + n) & ~(uintptr_t)(page - 1);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

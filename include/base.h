/* The small base layer: allocation that never returns NULL, one arena per run, strbuf. */
#ifndef NPCHECK_BASE_H
#define NPCHECK_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Broken internal invariant: print file:line and abort, never a silent wrong answer. */
#define BUG(msg) bug_at(__FILE__, __LINE__, (msg))
_Noreturn void bug_at(const char *file, int line, const char *msg);

/* Ask for the cache line at p ahead of its use, where a loop walks records that lie far
 * apart in memory (their misses then overlap); nothing where the compiler cannot. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Heap allocation wrappers: on failure they print a message and exit 4. */
void *xmalloc(size_t n);
/* Fault in now the pages of memory about to be written whole (xalloc.c). */
void mem_populate(void *p, size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grow *p (of *cap elements of size sz) so that it holds at least need elements. */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);
/* (need is evaluated twice: no side effects.) The check is inline: most calls have room. */
#define XGROW(p, cap, need)                                                       \
	do {                                                                      \
		if ((need) > (cap))                                               \
			xgrow((void **)&(p), &(cap), (need), sizeof(*(p)));        \
	} while (0)

/*
 * Arena: everything sharing the run's lifetime (tree, model, findings) is allocated
 * here and freed at once by arena_free. Memory is zeroed. Arena-owned pointers are
 * valid until arena_free; nobody frees them one by one.
 */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
/* The same, not zeroed: for memory the caller fills at once. */
void *arena_alloc_raw(struct arena *a, size_t n);
/* The same, aligned only for pointers, size_t, long long and double (8 bytes where
 * max_align_t is 16): for the many small objects of a YAML tree, which are kept. */
void *arena_alloc_raw_word(struct arena *a, size_t n);
#define ARENA_NEW(a, type) ((type *)arena_alloc((a), sizeof(type)))
#define ARENA_ARRAY(a, type, n) ((type *)arena_alloc((a), sizeof(type) * (n)))
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A mark, and a reset that frees everything allocated after it (nothing allocated
 * before it is touched). Used to drop a document's tree once it has been decoded. */
struct arena_mark {
	void *block;
	size_t used, total;
};
struct arena_mark arena_mark(const struct arena *a);
void arena_reset(struct arena *a, struct arena_mark m);
/* Make child's memory live as long as a's: arena_free(a) frees child too. child must
 * not be used for allocation afterwards (its pointers stay valid). */
void arena_adopt(struct arena *a, struct arena *child);
/* Bytes handed out so far (for benchmarks and budgets). */
size_t arena_used(const struct arena *a);

/*
 * strbuf: a growable heap string. buf is never NULL and always NUL-terminated: an empty
 * strbuf (STRBUF_INIT, strbuf_init, after strbuf_release) points at the shared
 * strbuf_slopbuf "" and owns nothing (cap 0); the first add allocates. Nothing is ever
 * written through the buf of an empty strbuf. Once allocated, the caller owns buf and
 * releases it with strbuf_release, or takes it with strbuf_detach (always a heap string).
 */
struct strbuf {
	char *buf;
	size_t len, cap;
};
extern char strbuf_slopbuf[];
#define STRBUF_INIT { strbuf_slopbuf, 0, 0 }
void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Cut sb to its first len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
/* A number in decimal, as "%llu" and "%lld" print it, without a format: for hot paths. */
void strbuf_add_uint(struct strbuf *sb, unsigned long long u);
void strbuf_add_int(struct strbuf *sb, long long v);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* JSON string literal, quotes included: escape_json (escape.h). */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
/* XML text or attribute value: escape_xml (escape.h). */
void strbuf_add_xml(struct strbuf *sb, const char *s);

/* Read a whole regular file (or stdin for "-") of at most max bytes into a heap buffer
 * (NUL-terminated, not counted in *len) that the caller frees (readfile.c). Returns 0;
 * READ_FAILED with errno set; READ_NOT_REGULAR for a named FIFO, device, socket or
 * directory (never opened for reading, never waited on); READ_TOO_BIG as soon as the
 * input is known to be over max (its size, or the bytes read so far). */
enum { READ_FAILED = -1, READ_NOT_REGULAR = -2, READ_TOO_BIG = -3 };
int read_bounded(const char *path, size_t max, char **out, size_t *len);

#endif

/*
 * libFuzzer target: the ignorePaths glob matcher (pathglob.c) agrees with the simple
 * backtracking matcher it replaced, on inputs small enough for that one to finish, and
 * on large inputs it answers within a time linear in pattern x path.
 *
 * Input layout: a control byte (bit 0: prefixes), then the pattern and the path
 * separated by the first NUL byte; at most 2 KiB of pattern and 4 KiB of path (a path
 * is at most PATH_MAX), so that one run stays within libFuzzer's timeout under ASan.
 */
#include <string.h>
#include <time.h>

#include "fuzz_check.h"
#include "pathglob.h"

/* ---- the reference: the recursive matcher npcheck used before (exponential) ---- */

static int ref_class(const char *p, char ch, const char **end)
{
	int neg = 0, hit = 0;
	const char *q = p + 1;
	if (*q == '!' || *q == '^') {
		neg = 1;
		q++;
	}
	for (int first = 1; *q && (first || *q != ']'); first = 0) {
		char lo = *q, hi = lo;
		if (q[1] == '-' && q[2] && q[2] != ']') {
			hi = q[2];
			q += 3;
		} else {
			q++;
		}
		if (ch >= lo && ch <= hi)
			hit = 1;
	}
	if (*q != ']') {
		*end = NULL;
		return 0;
	}
	*end = q + 1;
	return hit != neg;
}

static int ref_match(const char *p, const char *s)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*') {
				while (*p == '*')
					p++;
				if (*p == '/') {
					if (ref_match(p + 1, s))
						return 1;
					for (const char *t = s; *t; t++)
						if (*t == '/' && ref_match(p + 1, t + 1))
							return 1;
					return 0;
				}
				for (const char *t = s;; t++) {
					if (ref_match(p, t))
						return 1;
					if (!*t)
						return 0;
				}
			}
			p++;
			for (const char *t = s;; t++) {
				if (ref_match(p, t))
					return 1;
				if (!*t || *t == '/')
					return 0;
			}
		case '?':
			if (!*s || *s == '/')
				return 0;
			p++;
			s++;
			break;
		case '[': {
			const char *end;
			if (*s && *s != '/') {
				int hit = ref_class(p, *s, &end);
				if (end) {
					if (!hit)
						return 0;
					p = end;
					s++;
					break;
				}
			}
			if (*s != '[')
				return 0;
			p++;
			s++;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				return 0;
			p++;
			s++;
		}
	}
}

static int ref_prefixes(const char *pat, const char *path)
{
	char buf[64];
	if (ref_match(pat, path))
		return 1;
	for (const char *t = path; (t = strchr(t, '/')) != NULL; t++) {
		size_t n = (size_t)(t - path);
		if (!n)
			continue;
		memcpy(buf, path, n);
		buf[n] = '\0';
		if (ref_match(pat, buf))
			return 1;
	}
	return 0;
}

/* Stars make the reference exponential: compare only where it stays small. */
static int small(const char *pat, const char *path)
{
	size_t stars = 0;
	for (const char *p = pat; *p; p++)
		stars += *p == '*';
	return strlen(path) < 40 && strlen(pat) < 40 && stars <= 4;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!size)
		return 0;
	int prefixes = data[0] & 1;
	data++;
	size--;
	const unsigned char *nul = memchr(data, 0, size);
	size_t plen = nul ? (size_t)(nul - data) : size;
	size_t slen = nul ? size - plen - 1 : 0;
	if (plen > 2048 || slen > 4096)
		return 0;
	char *pat = malloc(plen + 1), *path = malloc(slen + 1);
	memcpy(pat, data, plen);
	pat[plen] = '\0';
	if (slen)
		memcpy(path, nul + 1, slen);
	path[slen] = '\0';

	clock_t t0 = clock();
	bool got = pathglob_match(pat, path, prefixes);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	/* A generous linear budget: about 10 ns per state and character under ASan, x 100. */
	double budget = 0.05 + (double)(plen + 2) * (double)(strlen(path) + 1) * 1e-6;
	FUZZ_CHECK(secs < budget, "%.3fs for a %zu-byte pattern and a %zu-byte path", secs, plen,
		   strlen(path));
	if (small(pat, path)) {
		int want = prefixes ? ref_prefixes(pat, path) : ref_match(pat, path);
		FUZZ_CHECK(got == (want != 0), "pattern '%s' path '%s' prefixes %d: got %d, want %d",
			   pat, path, prefixes, got, want);
	}
	free(pat);
	free(path);
	return 0;
}

/* The pathological pattern of the issue, as a fixed check before fuzzing starts. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[4096];
	(void)argc;
	(void)argv;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	FUZZ_CHECK(!pathglob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", path, true), "matched");
	return 0;
}

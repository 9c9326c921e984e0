/* ignorePaths globs, matched in time linear in pattern x path (a set of NFA states). */
#ifndef NPCHECK_PATHGLOB_H
#define NPCHECK_PATHGLOB_H

#include <stdbool.h>

/*
 * Does the glob pat match the whole of path? '*' matches any run of characters but '/',
 * '?' one character but '/', "[a-z]" / "[!0-9]" one character but '/' in (or not in)
 * the class (a '[' that starts no complete class is literal), '\' makes the next
 * character literal. A run of two or more '*' matches anything, '/' included, and when
 * a '/' follows it, zero or more whole directories ("a/" "**" "/b" matches a/b and
 * a/x/y/b). With prefixes, a leading directory of path matching is enough too ("vendor"
 * matches vendor/x/y.yaml).
 *
 * Cost: O(strlen(pat) * strlen(path)) time and O(strlen(pat)) memory, whatever the
 * pattern: no backtracking. Both strings are the caller's.
 */
bool pathglob_match(const char *pat, const char *path, bool prefixes);

#endif

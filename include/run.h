/*
 * Running a program the way git's run-command does it: fork and exec, no shell, its
 * stdin fed from memory, its stdout and stderr collected through pipes, each read
 * bounded. Used by diff --base to ask git.
 */
#ifndef NPCHECK_RUN_H
#define NPCHECK_RUN_H

#include "base.h"

/* What run_capture returns besides the program's exit status (0..255) or 128 + the
 * signal that ended it. */
enum {
	RUN_FAILED = -1,  /* could not be started (pipe or fork failed): errno is set */
	RUN_TOO_BIG = -2, /* wrote more than max_out bytes: it was stopped and waited for */
};
/* The stderr bytes kept; the rest is read and dropped (the first line is what is told). */
#define RUN_MAX_ERR ((size_t)64 << 10)

/*
 * Run argv (argv[0] looked up in PATH, as execvp does) with stdin the inlen bytes at in
 * (NULL: /dev/null) until it exits; out gets its stdout, at most max_out bytes, err the
 * first RUN_MAX_ERR bytes of its stderr (both reset first, both the caller's). A program
 * that cannot be executed exits 127 with the reason on its stderr. A write to a program
 * that stopped reading fails (EPIPE), it does not end npcheck.
 */
int run_capture(const char *const *argv, const char *in, size_t inlen, struct strbuf *out,
		size_t max_out, struct strbuf *err);

/*
 * While on, SIGINT and SIGTERM stop the program run_capture is running too, then end
 * npcheck as they would have; off puts back the handlers that were there before.
 */
void run_forward_signals(bool on);

#endif

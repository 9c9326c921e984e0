/* runstat: run a command and report its wall and CPU time, peak RSS and exit status on one
 * line, so the benchmark needs neither GNU time nor a shell timer. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child > 0)
		kill(child, SIGKILL);
}

static void usage(void)
{
	fprintf(stderr, "usage: runstat [-f] [-t SECONDS] [-o OUT] [-e ERR] COMMAND [ARG...]\n"
			"  prints: WALL_SECONDS CPU_SECONDS MAXRSS_KIB STATUS (0..255, sigN or timeout)\n"
			"  -f  read the command's stdout through a pipe (discarded) and also print\n"
			"      FIRST_LINE_SECONDS LINES LAST_LINE_SECONDS: when its first line ended,\n"
			"      how many, and when its last line ended (the rate of its output is\n"
			"      measured between the two, apart from what it does before exiting)\n"
			"  the command's stdout goes to OUT (default /dev/null), stderr to ERR\n"
			"  (default: inherited)\n");
	exit(3);
}

static void redirect(const char *path, int fd)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || dup2(f, fd) < 0) {
		fprintf(stderr, "runstat: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(f);
}

int main(int argc, char **argv)
{
	const char *outp = "/dev/null", *errp = NULL;
	unsigned timeout = 0;
	bool follow = false;
	int i, pfd[2] = { -1, -1 };

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-f")) {
			follow = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-t"))
			timeout = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-o"))
			outp = argv[++i];
		else if (!strcmp(argv[i], "-e"))
			errp = argv[++i];
		else
			usage();
	}
	if (i >= argc)
		usage();

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);

	if (follow && pipe(pfd)) {
		perror("runstat: pipe");
		return 4;
	}
	struct timespec t0, t1, tf = { 0, 0 }, tl = { 0, 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	child = fork();
	if (child < 0) {
		perror("runstat: fork");
		return 4;
	}
	if (child == 0) {
		if (follow) {
			if (dup2(pfd[1], STDOUT_FILENO) < 0)
				_exit(127);
			close(pfd[0]);
			close(pfd[1]);
		} else {
			redirect(outp, STDOUT_FILENO);
		}
		if (errp)
			redirect(errp, STDERR_FILENO);
		execvp(argv[i], argv + i);
		fprintf(stderr, "runstat: %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	if (timeout)
		alarm(timeout);

	unsigned long long lines = 0;
	if (follow) {
		static char buf[1 << 16];
		close(pfd[1]);
		for (;;) {
			ssize_t k = read(pfd[0], buf, sizeof buf);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			unsigned long long before = lines;
			for (char *q = buf; (q = memchr(q, '\n', (size_t)(buf + k - q))); q++)
				if (!lines++)
					clock_gettime(CLOCK_MONOTONIC, &tf);
			if (lines > before)
				clock_gettime(CLOCK_MONOTONIC, &tl);
		}
		close(pfd[0]);
	}

	int status;
	struct rusage ru;
	while (wait4(child, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runstat: wait4");
			return 4;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);

	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	char st[32];
	if (timed_out)
		snprintf(st, sizeof st, "timeout");
	else if (WIFSIGNALED(status))
		snprintf(st, sizeof st, "sig%d", WTERMSIG(status));
	else
		snprintf(st, sizeof st, "%d", WEXITSTATUS(status));
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	/* Linux reports ru_maxrss in KiB. */
	if (follow) {
		double first = lines ? (double)(tf.tv_sec - t0.tv_sec) +
					       (double)(tf.tv_nsec - t0.tv_nsec) / 1e9
				     : wall;
		double last = lines ? (double)(tl.tv_sec - t0.tv_sec) +
					      (double)(tl.tv_nsec - t0.tv_nsec) / 1e9
				    : wall;
		printf("%.3f %.3f %ld %s %.3f %llu %.3f\n", wall, cpu, ru.ru_maxrss, st, first, lines,
		       last);
	} else {
		printf("%.3f %.3f %ld %s\n", wall, cpu, ru.ru_maxrss, st);
	}
	return 0;
}

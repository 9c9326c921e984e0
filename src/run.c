/* Running a program without a shell: fork, exec, its stdin fed and its output read through pipes, bounded. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

/* The program running, for the signal handler: stopped with us on SIGINT/SIGTERM. */
static volatile sig_atomic_t child;
static void (*old_int)(int), (*old_term)(int);

static void on_signal(int sig)
{
	if (child > 0)
		kill((pid_t)child, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

void run_forward_signals(bool on)
{
	if (on) {
		old_int = signal(SIGINT, on_signal);
		old_term = signal(SIGTERM, on_signal);
	} else {
		signal(SIGINT, old_int);
		signal(SIGTERM, old_term);
	}
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* In the child: the pipes as stdin, stdout and stderr, then the program. */
static _Noreturn void exec_child(const char *const *argv, int pi[2], int po[2], int pe[2])
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (pi[0] >= 0) {
		dup2(pi[0], 0);
	} else {
		int nul = open("/dev/null", O_RDONLY);
		if (nul > 0) {
			dup2(nul, 0);
			close(nul);
		}
	}
	dup2(po[1], 1);
	dup2(pe[1], 2);
	int fds[] = { pi[0], pi[1], po[0], po[1], pe[0], pe[1] };
	close_all(fds, ARRAY_SIZE(fds));
	execvp(argv[0], (char *const *)argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* One read from fd into sb, at most max bytes kept (the rest dropped, *over set). Returns
 * false once fd is done (end of file, or an error). */
static bool drain(int fd, struct strbuf *sb, size_t max, bool *over)
{
	char buf[65536];
	ssize_t r = read(fd, buf, sizeof(buf));
	if (r > 0) {
		size_t room = max - sb->len, n = (size_t)r < room ? (size_t)r : room;
		strbuf_add(sb, buf, n);
		if (n < (size_t)r)
			*over = true;
		return true;
	}
	return r < 0 && (errno == EINTR || errno == EAGAIN);
}

/* Feed the child its input, read its output until both pipes close (or stdout runs over
 * max_out: then it is stopped). Returns whether it ran over. */
static bool exchange(pid_t pid, int in_fd, int out_fd, int err_fd, const char *in, size_t inlen,
		     struct strbuf *out, size_t max_out, struct strbuf *err)
{
	struct pollfd fds[3] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 },
				 { in_fd, POLLOUT, 0 } };
	size_t off = 0;
	int open_fds = 2 + (in_fd >= 0);
	bool too_big = false, err_over = false;

	while (open_fds && !too_big) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			bool more = i ? drain(fds[i].fd, err, RUN_MAX_ERR, &err_over)
				      : drain(fds[i].fd, out, max_out, &too_big);
			if (!more) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
		if (fds[2].fd >= 0 && fds[2].revents) {
			ssize_t w = write(fds[2].fd, in + off, inlen - off);
			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EINTR && errno != EAGAIN) || off == inlen) {
				close(fds[2].fd);
				fds[2].fd = -1;
				open_fds--;
			}
		}
	}
	if (too_big)
		kill(pid, SIGTERM);
	for (int i = 0; i < 3; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	return too_big;
}

int run_capture(const char *const *argv, const char *in, size_t inlen, struct strbuf *out,
		size_t max_out, struct strbuf *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 }, st;
	pid_t pid = -1;

	strbuf_reset(out);
	strbuf_reset(err);
	fflush(stdout);
	fflush(stderr);
	if (!pipe(po) && !pipe(pe) && (!in || !pipe(pi)))
		pid = fork();
	if (pid < 0) {
		int e = errno;
		int fds[] = { po[0], po[1], pe[0], pe[1], pi[0], pi[1] };
		close_all(fds, ARRAY_SIZE(fds));
		errno = e;
		return RUN_FAILED;
	}
	if (pid == 0)
		exec_child(argv, pi, po, pe);
	child = (sig_atomic_t)pid;
	close(po[1]);
	close(pe[1]);
	if (in) {
		close(pi[0]);
		fcntl(pi[1], F_SETFL, fcntl(pi[1], F_GETFL) | O_NONBLOCK);
		if (!inlen) {
			close(pi[1]);
			pi[1] = -1;
		}
	}
	/* The program may stop reading (an error): a write to it fails with EPIPE, not a
	 * signal. */
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	bool too_big = exchange(pid, pi[1], po[0], pe[0], in, inlen, out, max_out, err);
	signal(SIGPIPE, old_pipe);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			child = 0;
			return RUN_FAILED;
		}
	child = 0;
	if (too_big)
		return RUN_TOO_BIG;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

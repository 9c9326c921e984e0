/* Reading a whole input with its size bounded while it is read: regular files and stdin only. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

#define CHUNK ((size_t)64 << 10)

/*
 * O_NONBLOCK so that opening a FIFO does not wait for a writer (it is refused after
 * fstat anyway); regular files ignore the flag. A regular file whose size is already
 * over max is refused before a byte is read (a sparse file of terabytes costs nothing);
 * every read is checked against max too, since a file may grow while it is read, and
 * stdin may be anything (a pipe, /dev/urandom).
 */
int read_bounded(const char *path, size_t max, char **out, size_t *len)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = READ_FAILED, e = 0;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return READ_FAILED;
	if (fstat(fd, &st)) {
		e = errno;
		goto out;
	}
	if (!is_stdin && !S_ISREG(st.st_mode)) {
		rc = READ_NOT_REGULAR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > max) {
			rc = READ_TOO_BIG;
			goto out;
		}
		cap = (size_t)st.st_size + 1; /* one more byte: the read that sees the end */
	}
	for (;;) {
		if (n == cap) {
			/* Grow by doubling, never past max + 1: one byte over max is enough to
			 * know that the input is too big. */
			size_t want = cap < CHUNK ? CHUNK : cap * 2;
			if (want > max + 1 || want < cap)
				want = max + 1;
			if (want <= cap) {
				rc = READ_TOO_BIG;
				goto out;
			}
			buf = xrealloc(buf, want + 1);
			cap = want;
		} else if (!buf) {
			buf = xmalloc(cap + 1);
			/* The file's size is known and read() is about to fill all of it. */
			mem_populate(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			rc = READ_TOO_BIG;
			goto out;
		}
	}
	if (!buf)
		buf = xmalloc(1);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (!is_stdin)
		close(fd);
	errno = e ? e : errno;
	return rc;
}

/* For the fuzz targets that read their input as a file (define _GNU_SOURCE before any
 * include, for memfd_create). */
#ifndef NPCHECK_FUZZ_MEMFD_H
#define NPCHECK_FUZZ_MEMFD_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* A file in memory the input is written to, so that targets read it through model_load
 * like any file: *path names it ("/proc/self/fd/N"). Exits when it cannot be made. */
static inline int fuzz_memfd(const char *name, char *path, size_t size)
{
	int fd = memfd_create(name, 0);
	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

/* Replace the memfd's contents with data. */
static inline void fuzz_memfd_put(int fd, const unsigned char *data, size_t size)
{
	if (ftruncate(fd, 0) != 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
}

#endif

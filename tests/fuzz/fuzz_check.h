/* What the fuzz targets share: a check that aborts (libFuzzer then saves the input). */
#ifndef NPCHECK_FUZZ_CHECK_H
#define NPCHECK_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/* A property that must hold for every input; when it does not, the input is a finding. */
#define FUZZ_CHECK(cond, ...)                                                          \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			abort();                                                        \
		}                                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif

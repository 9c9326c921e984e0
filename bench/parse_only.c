/* parse_only: the floor of any loader — read a file whole and run libyaml's event parser
 * over it (yaml_parser_parse in a loop), building nothing. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* Read the file whole, as npcheck's source.c does, so both pay the same I/O. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			unsigned char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: parse_only FILE...\n");
		return 3;
	}
	for (int i = 1; i < argc; i++) {
		size_t len = 0, events = 0, docs = 0;
		unsigned char *buf = slurp(argv[i], &len);
		yaml_parser_t p;
		yaml_event_t e;

		if (!buf) {
			fprintf(stderr, "parse_only: %s: %s\n", argv[i], strerror(errno));
			rc = 2;
			continue;
		}
		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, buf, len);
		for (;;) {
			if (!yaml_parser_parse(&p, &e)) {
				fprintf(stderr, "parse_only: %s:%zu:%zu: %s\n", argv[i],
					p.problem_mark.line + 1, p.problem_mark.column + 1,
					p.problem ? p.problem : "parse error");
				rc = 2;
				break;
			}
			events++;
			docs += e.type == YAML_DOCUMENT_START_EVENT;
			int done = e.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&e);
			if (done)
				break;
		}
		yaml_parser_delete(&p);
		free(buf);
		fprintf(stderr, "parse_only: %s: %zu bytes, %zu documents, %zu events\n", argv[i],
			len, docs, events);
	}
	return rc;
}

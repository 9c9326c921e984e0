/*
 * Internal to building the model (model.c, source.c, load.c, k8s_decode.c, normalize.c,
 * operators.c):
 * input files read within a budget, parsed (in parts, on threads), decoded into objects.
 * Commands, lint and writers see only model.h.
 */
#ifndef NPCHECK_LOAD_INT_H
#define NPCHECK_LOAD_INT_H

#include "model.h"

/* The bytes a load may still read; shared by its files (arena-owned). */
struct source_budget {
	size_t max_file, max_total, used;
};
struct source_file {
	const char *path;      /* arena-owned display path ("<stdin>" for "-") */
	const char *open_path; /* what to open ("-" for stdin); NULL for a source in memory */
	const char *buf;       /* the bytes: read (heap) or given (the caller's) */
	size_t len;
	char *heap;            /* what source_read allocated (buf), freed by source_done */
	struct source_budget *budget; /* NULL: MODEL_MAX_FILE, no total */
};
/* source.c: expand paths into files (sorted within each directory); the heap array is
 * the caller's. Unreadable paths are reported. Only regular files are taken from a
 * directory (a FIFO or device there is skipped with a note on stderr); a path named
 * directly is taken whatever it is, and source_read refuses it if it is not a regular
 * file. Returns 0, or -1 if some were unreadable. */
int source_collect(struct arena *a, struct diag *d, const char *const *paths, size_t npaths,
		   struct source_file **files, size_t *nfiles);
/* Read one file (one at a time keeps only one buffer alive), within its budget, which
 * it charges; a source in memory is only charged. 0, or -1 after reporting (a file over
 * a limit is not read at all). */
int source_read(struct diag *d, struct source_file *f);
/* Done with f's bytes: what source_read allocated is freed; buf is NULL after. */
void source_done(struct source_file *f);
/* load.c: read, parse and decode every file (those opt->skip_file names excepted) into
 * m, in order; on up to opt->jobs threads, files and parts of large files side by side,
 * with the result of one parser. 0, or -1 when some file could not be read or parsed
 * (reported). Done with each file's bytes (source_done) once it is parsed. */
int model_parse_files(struct model *m, struct source_file *files, size_t nfiles,
		      const struct model_options *opt);
/* load.c: the threads to use when asked for n (0: one per CPU available), at most 8. */
unsigned model_jobs(unsigned n);
/* load.c: the offset of the first "---" document marker line at or after from, or len. */
size_t model_next_doc_start(const char *buf, size_t len, size_t from);
/* load.c: where the documents of a stream of concatenated JSON values start ({...}{...},
 * as kubectl reads a file that starts with '{'): their offsets in *starts (heap, caller
 * frees), and how many; 0 when buf does not start with '{' or '['. The last offset may
 * start a rest that is no JSON value, which then goes to libyaml as it is. */
size_t model_json_starts(const char *buf, size_t len, size_t **starts);
/* k8s_decode.c: one document (or List item) → objects added to the model (Lists
 * expanded). Returns true when the model points into the tree (a NetworkPolicy): the
 * tree must then be kept; otherwise everything needed was copied. */
bool k8s_decode_document(struct model *m, const char *file, const struct ynode *doc,
			 const struct model_options *opt);
/* k8s_decode.c: how many ports a sequence of containers declares, and those with a
 * valid containerPort appended to e->ports (which has room for them); operators.c
 * reads a custom resource's containers with them. */
size_t k8s_container_ports_count(const struct ynode *containers);
void k8s_add_container_ports(struct model *m, const struct ynode *containers,
			     struct endpoint *e);
/* k8s_decode.c: keys whose (collection) values no kind npcheck reads ever needs. */
extern const char *const k8s_skip_keys[];
/* k8s_decode.c: what to build of a unit of this kind (for a ynode_sink filter); NULL:
 * all of it. */
const struct ypath *k8s_build_paths(const struct model_options *opt, const char *kind);
/* model.c: what can be done for m, a part being loaded, on its loader thread: its
 * objects' key hashes made, and its policies normalized and validated while their
 * trees are at hand; their findings go to checked (the part's own), to be reported in
 * policy order when the model is built. A policy whose object is invalid already is
 * left for then. */
void model_check_part(struct model *m, struct diag *checked);
/* normalize.c: API defaults (protocol TCP, policyTypes). */
void normalize_policy(struct policy *p);

#endif

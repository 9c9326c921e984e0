/*
 * Parsing the input files into the model. With one thread, one file after another. With
 * more, every file is read first; a large file is cut at document markers into parts and
 * small files are gathered into batches; a pool of threads decodes each part or batch
 * into a model of its own, and they are appended in input order, so the result (objects,
 * findings, their order) is the one a single parser gives. A file whose parts do not all
 * parse cleanly is parsed again whole, so a broken file reports exactly what it would
 * have.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intern.h"
#include "load_int.h"
#include "tiers.h"

#define MAX_JOBS 8
#define PART_NO_LINE LLONG_MIN
/* A large file is cut into this many parts a thread, so that a thread slowed down (by
 * its part, or by another program on its core) is left fewer of them. */
#define PARTS_PER_JOB 4
/* A part smaller than this costs more in thread start and merging than it saves. */
#define PART_MIN ((size_t)512 * 1024)

struct unit_ctx {
	struct model *m;
	const char *file;
	const struct model_options *opt;
};

static bool decode_unit(void *ctx, const struct ynode *n)
{
	struct unit_ctx *uc = ctx;
	return k8s_decode_document(uc->m, uc->file, n, uc->opt);
}

static const struct ypath *build_paths(void *ctx, const char *kind)
{
	const struct unit_ctx *uc = ctx;
	return k8s_build_paths(uc->opt, kind);
}

static bool json_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * kubectl reads a stream that starts with '{' as JSON, one value after another (what a
 * loop of `kubectl get -o json` writes); libyaml stops after the first. Each value is cut
 * out here by counting brackets outside strings, and only while the text is JSON: a
 * character JSON has nowhere outside a string (a quote ', a comment #, an anchor, a
 * non-ASCII letter...) might hide a bracket from the count, so from the value holding it
 * on, the rest of the file is one piece that libyaml reads as it is. A value ends where
 * its outermost bracket closes; the next one starts at the next non-blank character.
 */
size_t model_json_starts(const char *buf, size_t len, size_t **starts)
{
	size_t i = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0, n = 0, cap = 0;
	*starts = NULL;
	while (i < len && json_blank(buf[i]))
		i++;
	if (i == len || (buf[i] != '{' && buf[i] != '['))
		return 0;
	for (;;) {
		XGROW(*starts, cap, n + 1);
		(*starts)[n++] = i;
		if (buf[i] != '{' && buf[i] != '[')
			return n; /* a rest that is no JSON value */
		size_t depth = 0;
		char prev = 0;
		for (; i < len; i++) {
			char c = buf[i];
			if (json_blank(c))
				continue;
			if (c == '"') {
				/* After a letter or a digit it may be inside a plain scalar
				 * (YAML's {a: b "}"}); after a bracket, a comma, a colon or a
				 * closed string it starts a string (or is an error libyaml
				 * reports in its document). */
				if (!prev || !strchr("{[,:\"]}", prev))
					return n;
				for (i++; i < len && buf[i] != '"'; i++)
					if (buf[i] == '\\')
						i++;
				if (i >= len)
					return n;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					break;
			} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
				     (c >= 'A' && c <= 'Z') || strchr(",:+-.", c))) {
				return n;
			}
			prev = c;
		}
		if (i >= len)
			return n;
		for (i++; i < len && json_blank(buf[i]); i++)
			;
		if (i == len)
			return n;
	}
}

/* Advance *line and *col (as libyaml counts them: characters, and CR LF, CR, LF, NEL,
 * LS and PS as line breaks) over buf[from .. to). */
static void advance_mark(const char *buf, size_t from, size_t to, size_t *line, size_t *col)
{
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n' || (c == '\r' && !(i + 1 < to && buf[i + 1] == '\n')) ||
		    (c == 0xC2 && i + 1 < to && (unsigned char)buf[i + 1] == 0x85) ||
		    (c == 0xE2 && i + 2 < to && (unsigned char)buf[i + 1] == 0x80 &&
		     ((unsigned char)buf[i + 2] == 0xA8 || (unsigned char)buf[i + 2] == 0xA9))) {
			(*line)++;
			*col = 0;
			i += c == 0xC2 ? 1 : c == 0xE2 ? 2 : 0;
		} else if (c != '\r' && (c & 0xC0) != 0x80 && !(i == 0 && to >= 3 &&
								  !memcmp(buf, "\xEF\xBB\xBF", 3))) {
			(*col)++;
		}
	}
}

/*
 * Parse buf (a whole file when whole, else a part after line0 lines) into m. A whole file
 * holding a stream of JSON documents is parsed one document at a time, each with the line
 * and column where it starts; a broken one is reported and the next is read. With
 * release, buf is a heap buffer only freed after: what has been parsed of it is given
 * back as the parse goes (ynode_parse_release).
 */
static int parse_into(struct model *m, const char *file, const char *buf, size_t len,
		      size_t line0, bool whole, bool release, const struct model_options *opt)
{
	struct unit_ctx uc = { m, file, opt };
	struct ynode_sink sink = { decode_unit, &uc, k8s_skip_keys, build_paths };
	size_t *starts = NULL, n = whole ? model_json_starts(buf, len, &starts) : 0;
	if (n < 2) {
		free(starts);
		if (release)
			return ynode_parse_release(m->trees, m->diag, file, buf, len, line0, &sink);
		return ynode_parse_part(m->trees, m->diag, file, buf, len, line0, &sink);
	}
	size_t line = 0, col = 0, at = 0;
	int rc = 0;
	for (size_t k = 0; k < n; k++) {
		size_t end = k + 1 < n ? starts[k + 1] : len;
		advance_mark(buf, at, starts[k], &line, &col);
		at = starts[k];
		if (ynode_parse_at(m->trees, m->diag, file, buf + at, end - at, line, col, &sink))
			rc = -1;
	}
	free(starts);
	return rc;
}

unsigned model_jobs(unsigned asked)
{
	long n = 0;
	if (asked)
		return asked > MAX_JOBS ? MAX_JOBS : asked;
#ifdef CPU_COUNT
	cpu_set_t set;
	if (!sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
#endif
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		return 1;
	return n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

static bool marker_at(const char *buf, size_t len, size_t off)
{
	return len - off >= 3 && !memcmp(buf + off, "---", 3) &&
	       (off + 3 == len || buf[off + 3] == ' ' || buf[off + 3] == '\t' ||
		buf[off + 3] == '\r' || buf[off + 3] == '\n');
}

/*
 * The offset of the first line at or after from that is a document start marker ("---"
 * then a blank or the end), or len. libyaml takes such a line for the start of a document
 * wherever it stands: it ends a block or plain scalar, and inside a quoted scalar or a
 * flow collection, or after a directive, it is an error (and an error sends the file back
 * to a single parser).
 */
size_t model_next_doc_start(const char *buf, size_t len, size_t from)
{
	if (!from && marker_at(buf, len, 0))
		return 0;
	for (size_t i = from ? from - 1 : 0; i < len;) {
		const char *nl = memmem(buf + i, len - i, "\n---", 4);
		if (!nl)
			break;
		size_t off = (size_t)(nl - buf) + 1;
		if (marker_at(buf, len, off))
			return off;
		i = off;
	}
	return len;
}

/*
 * The line breaks in buf[from .. to), a part of a file (cut after an LF, so that no
 * break spans two parts), as libyaml counts lines: -1 when it has a line break other
 * than LF and CRLF (a lone CR, or U+0085, U+2028, U+2029), which such a count would not
 * see. The text is UTF-8 (a file in UTF-16 is never cut: utf16_bom).
 */
static long long lines_in(const char *buf, size_t from, size_t to)
{
	const char *end = buf + to;
	long long n = 0;
	buf += from;
	for (const char *q = buf; (q = memchr(q, '\r', (size_t)(end - q))); q++)
		if (q + 1 == end || q[1] != '\n')
			return -1;
	for (const char *q = buf; (q = memchr(q, 0xC2, (size_t)(end - q))); q++)
		if (q + 1 < end && (unsigned char)q[1] == 0x85)
			return -1;
	for (const char *q = buf; (q = memchr(q, 0xE2, (size_t)(end - q))); q++)
		if (q + 2 < end && (unsigned char)q[1] == 0x80 &&
		    ((unsigned char)q[2] == 0xA8 || (unsigned char)q[2] == 0xA9))
			return -1;
	for (const char *q = buf; (q = memchr(q, '\n', (size_t)(end - q))); q++)
		n++;
	return n;
}

/* libyaml reads UTF-16 after a byte order mark: lines_in cannot count that. */
static bool utf16_bom(const char *buf, size_t len)
{
	return len >= 2 && ((unsigned char)buf[0] == 0xFE || (unsigned char)buf[0] == 0xFF);
}

/*
 * One piece of parsing work, decoded into a model of its own: a run of whole files
 * (those of them read: a batch of small files is one piece), or a part of a large file
 * cut at document markers.
 */
struct part {
	struct model m; /* this part's objects and memory */
	struct diag d;  /* its findings */
	struct diag checked; /* its policies' validation findings (model_check_part) */
	struct source_file *files;
	size_t first, count; /* files[first .. first + count - 1] */
	bool cut;            /* a part of files[first]: off, len */
	bool unread;         /* files[first] could not be read: d says why */
	size_t off, len;
	/* (cut) The line the part after it starts on, or -1 when it cannot be known
	 * (lines_in); PART_NO_LINE until known. Each part counts its own lines, before it
	 * parses and gives back its memory, and then waits for the part before's. */
	_Atomic long long end_line;
	struct part *before; /* (cut) the part before of the same file, or NULL */
	bool last;           /* (cut) the file's last part: its lines are not needed */
	bool utf16;          /* (cut) the file is UTF-16 (utf16_bom): no line is known */
	bool release;        /* (cut) the part may give back the memory it has parsed */
	const struct model_options *opt;
	int rc;
};

/* Whole files first .. first + count - 1, those that were read, into m. */
static int parse_run(struct model *m, const struct source_file *files, size_t first,
		     size_t count, const struct model_options *opt)
{
	int rc = 0;
	for (size_t i = first; i < first + count; i++)
		if (files[i].buf &&
		    parse_into(m, files[i].path, files[i].buf, files[i].len, 0, true, false, opt))
			rc = -1;
	return rc;
}

/* The line a cut part starts on (-1: not to be known), its end_line published. The
 * parts before it were taken by threads first, and each publishes before it parses,
 * so the wait is for a count, never for a parse. */
static long long part_line0(struct part *p)
{
	const struct source_file *f = &p->files[p->first];
	long long n = p->utf16 ? -1 : p->last ? 0 : lines_in(f->buf, p->off, p->off + p->len);
	long long line0 = 0;
	if (p->before)
		while ((line0 = atomic_load(&p->before->end_line)) == PART_NO_LINE)
			sched_yield();
	atomic_store(&p->end_line, line0 < 0 || n < 0 ? -1 : line0 + n);
	return line0;
}

static void parse_part(struct part *p)
{
	if (p->cut) {
		const struct source_file *f = &p->files[p->first];
		long long line0 = part_line0(p);
		p->rc = line0 < 0 ? -1
				  : parse_into(&p->m, f->path, f->buf + p->off, p->len,
					       (size_t)line0, false, p->release, p->opt);
	} else {
		p->rc = parse_run(&p->m, p->files, p->first, p->count, p->opt);
	}
	/* A part that did not parse cleanly is parsed again whole: not worth checking. */
	if (!p->cut || !p->rc)
		model_check_part(&p->m, &p->checked);
}

static void part_init(struct part *p, const struct model *m)
{
	memset(p, 0, sizeof(*p));
	p->m.arena = arena_new();
	p->m.trees = arena_new();
	p->m.diag = &p->d;
	atomic_init(&p->end_line, PART_NO_LINE);
	diag_init(&p->d, p->m.arena);
	memcpy(p->d.severity, m->diag->severity, sizeof(p->d.severity));
	diag_init(&p->checked, p->m.arena);
	memcpy(p->checked.severity, m->diag->severity, sizeof(p->checked.severity));
}

static void part_release(struct part *p)
{
	diag_release(&p->d);
	diag_release(&p->checked);
	intern_free(p->m.intern);
	free(p->m.objects);
	free(p->m.endpoints);
	free(p->m.policies);
	free(p->m.services);
	free(p->m.unmodelled);
	free(p->m.custom);
	tiers_release(&p->m);
}

static void part_drop(struct part *p)
{
	part_release(p);
	arena_free(p->m.trees);
	arena_free(p->m.arena);
}

#define APPEND(dst, src, field, nfield, capfield)                                           \
	do {                                                                                \
		if ((src)->nfield) {                                                        \
			XGROW((dst)->field, (dst)->capfield, (dst)->nfield + (src)->nfield); \
			memcpy((dst)->field + (dst)->nfield, (src)->field,                  \
			       (src)->nfield * sizeof(*(src)->field));                      \
			(dst)->nfield += (src)->nfield;                                     \
		}                                                                           \
	} while (0)

/* Move a part's objects, findings and memory into m, after what m already holds. */
static void part_merge(struct model *m, struct part *p)
{
	if (p->checked.n) {
		if (!m->checked) {
			m->checked = ARENA_NEW(m->arena, struct diag);
			diag_init(m->checked, m->arena);
		}
		for (size_t i = 0; i < p->m.npolicies; i++)
			p->m.policies[i]->check_first += m->checked->n;
		diag_append(m->checked, &p->checked);
	}
	APPEND(m, &p->m, objects, nobjects, objects_cap);
	APPEND(m, &p->m, endpoints, nendpoints, endpoints_cap);
	APPEND(m, &p->m, policies, npolicies, policies_cap);
	APPEND(m, &p->m, services, nservices, services_cap);
	APPEND(m, &p->m, unmodelled, nunmodelled, unmodelled_cap);
	APPEND(m, &p->m, custom, ncustom, custom_cap);
	tiers_merge(m, &p->m);
	diag_append(m->diag, &p->d);
	part_release(p);
	arena_adopt(m->arena, p->m.arena);
	arena_adopt(m->trees, p->m.trees);
}

static size_t part_min(void)
{
	/* Tests make every document boundary a cut, to compare with a single parser. */
	const char *s = getenv("NPCHECK_TEST_PART_BYTES");
	char *end;
	unsigned long v = s ? strtoul(s, &end, 10) : 0;
	return s && *s && !*end && v ? (size_t)v : PART_MIN;
}

/* Where to cut buf (len bytes) into at most jobs parts of at least min bytes: the offsets
 * of the second part on, in cuts[]; returns how many. */
static size_t find_cuts(const char *buf, size_t len, unsigned jobs, size_t min,
			size_t cuts[MAX_JOBS * PARTS_PER_JOB])
{
	size_t n = 0, nparts = len / min < jobs * PARTS_PER_JOB ? len / min : jobs * PARTS_PER_JOB;
	for (size_t i = 1; i < nparts; i++) {
		size_t from = len / nparts * i, prev = n ? cuts[n - 1] : 0;
		size_t c = model_next_doc_start(buf, len, from > prev ? from : prev + 1);
		if (c >= len)
			break;
		cuts[n++] = c;
	}
	return n;
}

struct pool {
	struct part *parts;
	size_t n;
	atomic_size_t next;
};

static void *work(void *arg)
{
	struct pool *pl = arg;
	for (size_t i; (i = atomic_fetch_add(&pl->next, 1)) < pl->n;)
		parse_part(&pl->parts[i]);
	return NULL;
}

/* Is f not to be read (ignorePaths)? A source given in memory is done with here, so
 * that nothing parses it (parse_run takes every file of a batch that has bytes). */
static bool skipped(struct source_file *f, const struct model_options *opt)
{
	if (!opt || !opt->skip_file || !opt->skip_file(opt->skip_ctx, f->path))
		return false;
	source_done(f);
	return true;
}

/* One file after another, each read, parsed and freed in turn. */
static int parse_serially(struct model *m, struct source_file *files, size_t nfiles,
			  const struct model_options *opt)
{
	int rc = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (skipped(&files[i], opt))
			continue;
		if (source_read(m->diag, &files[i])) {
			rc = -1;
			continue;
		}
		/* Read for this parse alone: its memory can go as the parse moves on. */
		if (parse_into(m, files[i].path, files[i].buf, files[i].len, 0, true,
			       files[i].heap != NULL, opt))
			rc = -1;
		source_done(&files[i]);
	}
	return rc;
}

static struct part *new_part(struct pool *pl, size_t *cap, const struct model *m,
			     struct source_file *files, size_t first,
			     const struct model_options *opt)
{
	XGROW(pl->parts, *cap, pl->n + 1);
	struct part *p = &pl->parts[pl->n++];
	part_init(p, m);
	p->files = files;
	p->first = first;
	p->count = 1;
	p->opt = opt;
	return p;
}

/* A file read from a path that can be read again (not stdin, not a source in memory):
 * its parts may give back their memory, and it is read again if it must be parsed whole. */
static bool rereadable(const struct source_file *f)
{
	return f->heap && f->open_path && strcmp(f->open_path, "-");
}

/* The bytes of a file whose parts gave back what they parsed, read again (charged to the
 * budget once): 0, or -1 when it cannot be (reported). */
static int reread(struct model *m, struct source_file *f)
{
	if (!rereadable(f))
		return 0;
	if (f->budget)
		f->budget->used -= f->len;
	source_done(f);
	return source_read(m->diag, f);
}

static void free_buffers(struct source_file *files, size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++)
		source_done(&files[i]);
}

/*
 * Every file read first; small files gathered into batches and a large file cut into
 * parts; then the pieces parsed by a pool of threads, and merged in input order. A file
 * with a part that did not parse cleanly is parsed again whole here, so that it reports
 * what one parser reports.
 */
static int parse_pooled(struct model *m, struct source_file *files, size_t nfiles,
			unsigned jobs, const struct model_options *opt)
{
	struct pool pl = { NULL, 0, 0 };
	size_t cap = 0, min = part_min(), cuts[MAX_JOBS * PARTS_PER_JOB], batch = SIZE_MAX, batch_bytes = 0;
	pthread_t threads[MAX_JOBS];
	size_t nthreads = 0;
	struct diag rd; /* a read error, before it goes to a piece of its own */
	int rc = 0;

	diag_init(&rd, m->arena);
	memcpy(rd.severity, m->diag->severity, sizeof(rd.severity));
	for (size_t i = 0; i < nfiles; i++) {
		if (skipped(&files[i], opt))
			continue;
		rd.n = 0;
		rd.input_error = false;
		if (source_read(&rd, &files[i])) {
			struct part *p = new_part(&pl, &cap, m, files, i, opt);
			p->unread = true;
			diag_append(&p->d, &rd);
			batch = SIZE_MAX;
			continue;
		}
		size_t ncuts = find_cuts(files[i].buf, files[i].len, jobs, min, cuts);
		if (!ncuts) {
			/* Into the open batch (with the skipped files since its first), or a new one. */
			if (batch == SIZE_MAX || batch_bytes >= min) {
				new_part(&pl, &cap, m, files, i, opt);
				batch = pl.n - 1;
				batch_bytes = 0;
			}
			pl.parts[batch].count = i - pl.parts[batch].first + 1;
			batch_bytes += files[i].len;
			continue;
		}
		batch = SIZE_MAX;
		for (size_t k = 0; k <= ncuts; k++) {
			struct part *p = new_part(&pl, &cap, m, files, i, opt);
			p->cut = true;
			p->off = k ? cuts[k - 1] : 0;
			p->len = (k < ncuts ? cuts[k] : files[i].len) - p->off;
			p->last = k == ncuts;
			p->utf16 = utf16_bom(files[i].buf, files[i].len);
			p->release = rereadable(&files[i]);
		}
	}
	diag_release(&rd);

	/* Each part's model points at its findings, and a cut part at the part before,
	 * which growing the array moved. */
	for (size_t i = 0; i < pl.n; i++) {
		struct part *p = &pl.parts[i];
		p->m.diag = &p->d;
		if (p->cut && p->off)
			p->before = p - 1;
	}
	if (pl.n == 1 && !pl.parts[0].unread) {
		/* One batch: nothing to share out. */
		struct part *p = &pl.parts[0];
		rc = parse_run(m, files, p->first, p->count, opt);
		free_buffers(files, p->first, p->count);
		part_drop(p);
		free(pl.parts);
		return rc;
	}
	while (nthreads + 1 < jobs && nthreads + 1 < pl.n &&
	       !pthread_create(&threads[nthreads], NULL, work, &pl))
		nthreads++;
	work(&pl);
	for (size_t t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);

	for (size_t i = 0, j; i < pl.n; i = j) {
		struct part *p = &pl.parts[i];
		struct source_file *f = &files[p->first];
		bool clean = !p->rc;
		for (j = i + 1; p->cut && j < pl.n && pl.parts[j].cut &&
				pl.parts[j].first == p->first; j++)
			clean &= !pl.parts[j].rc;
		if (p->cut && !clean) {
			for (size_t k = i; k < j; k++)
				part_drop(&pl.parts[k]);
			if (reread(m, f))
				rc = -1;
			else if (parse_into(m, f->path, f->buf, f->len, 0, true,
					    f->heap != NULL, opt))
				rc = -1;
		} else {
			if (!clean || p->unread)
				rc = -1;
			for (size_t k = i; k < j; k++) {
				part_merge(m, &pl.parts[k]);
				m->parts++;
			}
		}
		free_buffers(files, p->first, p->count);
	}
	free(pl.parts);
	return rc;
}

int model_parse_files(struct model *m, struct source_file *files, size_t nfiles,
		      const struct model_options *opt)
{
	unsigned jobs = model_jobs(opt ? opt->jobs : 0);

	/* -v names skipped documents on stderr as it meets them: one parser keeps the
	 * order. Findings must live as long as the model's memory, which parts join. */
	if (jobs < 2 || (opt && opt->verbose) || m->diag->arena != m->arena)
		return parse_serially(m, files, nfiles, opt);
	return parse_pooled(m, files, nfiles, jobs, opt);
}

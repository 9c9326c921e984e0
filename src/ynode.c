/* libyaml events → a tree of nodes with 1-based positions, bounded in depth and aliases. */
#define _GNU_SOURCE /* memrchr */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yaml.h>

#include "ynode.h"

struct frame {
	/* The collection's node is built when it closes, with its kids right after it:
	 * one allocation, and a lookup in it reads them from the same cache line. */
	unsigned char kind; /* enum ynode_kind */
	struct ypos pos;
	const struct ypath *path; /* what to build below, when filtered */
	bool filtered;            /* false: build everything below */
	bool unit_root;           /* a document's root or a List item: kind decides */
	size_t base, n; /* its children: kids[base .. base + n) of the loader's stack */
	size_t weight; /* expanded size of everything inside */
	bool block_seq;
	char *anchor;
	struct arena_mark mark; /* before this collection's nodes */
	size_t anchors_touched;  /* register_anchor calls before it opened */
	size_t skip_base;        /* skip_depth when it opened: deeper is a skipped value */
	bool detached;           /* anchored inside a skipped value: built for its aliases */
	struct ynode *saved_skipped; /* (detached) the null of the value it sits in */
};

struct anchor {
	char *name;
	struct ynode *node;
	size_t weight;
};

struct loader {
	struct arena *a;
	struct diag *d;
	const char *file;
	const char *buf;
	size_t len;
	size_t line0;             /* lines of the file before buf (buf is a part of it) */
	size_t col0;              /* characters before buf on its first line */
	size_t cur_line, cur_off; /* a line and the byte offset where it starts */
	size_t bom;               /* bytes of a UTF-8 byte order mark, which has no column */
	bool release;             /* give back the memory of documents parsed (ynode_parse_release) */
	size_t keep_off, keep_line; /* where the current document's first line starts, and
				     * its number: nothing before it is read again */
	size_t released;          /* bytes of buf given back: [0, released) reads as zeros */
	long page;                /* the page size, once asked (0: not yet) */
	size_t checked;           /* bytes of buf known to break lines only with LF or CRLF */
	bool ascii;               /* buf[bom .. ascii_upto) is ASCII that breaks lines only
				   * with LF or CRLF (false: some byte after it is not) */
	size_t ascii_upto;
	struct frame *stack;
	size_t depth, stack_cap;
	struct ynode **kids; /* children of every open collection, innermost last */
	size_t nkids, kids_cap;
	struct anchor *anchors;
	size_t nanchors, anchors_cap;
	size_t *slots; /* hash of anchor names: index + 1, 0 = empty */
	size_t nslots;
	size_t doc_weight;
	size_t anchors_touched;
	const struct ynode_sink *sink;
	struct arena_mark doc_mark;
	bool doc_kept; /* some List item of this document was kept */
	uint64_t skip_heads[4]; /* bit skip_head(k) set for each skip key k */
	size_t skip_depth;     /* > 0: inside a collection the sink does not want */
	struct ynode *skipped; /* the null node standing for it */
	struct skip_level {
		size_t weight; /* what it expands to, for the alias budget */
		char *anchor;
	} *skips;
	size_t skips_cap;
};

/* A scalar standing for a value that was not built (never written to). */
static struct ynode unbuilt = { .kind = YN_SCALAR, .plain = true, .str = "" };

/*
 * What to do with a node about to attach to the open collection: build all of it
 * (returns NULL, *all), build part of it (returns the path, !*all), or not at all (*drop).
 */
static inline const struct ypath *child_path(const struct loader *l, bool *all, bool *drop)
{
	*all = true;
	*drop = false;
	if (l->depth == 0)
		return NULL;
	const struct frame *f = &l->stack[l->depth - 1];
	if (!f->filtered)
		return NULL;
	const char *key = "[]";
	if (f->kind == YN_MAP) {
		if (f->n % 2 == 0)
			return NULL; /* a key */
		const struct ynode *k = l->kids[f->base + f->n - 1];
		if (k->kind != YN_SCALAR || ynode_is_merge_key(k))
			return NULL; /* what a merge brings in may be anywhere below */
		key = k->str;
	}
	for (const struct ypath *p = f->path; p->key; p++)
		if (p->key[0] == key[0] && !strcmp(p->key, key)) {
			*all = p->all;
			return p->all ? NULL : p->sub;
		}
	*drop = true;
	return NULL;
}

/* The key "<<" of a YAML 1.1 merge: plain, or tagged !!merge (go-yaml's isMerge). */
bool ynode_is_merge_key(const struct ynode *k)
{
	return k->kind == YN_SCALAR && k->len == 2 && k->str[0] == '<' && k->str[1] == '<' &&
	       (k->plain || k->tag == YT_MERGE);
}

/* skip_depth at which the innermost open collection was opened. */
static size_t skip_base(const struct loader *l)
{
	return l->depth ? l->stack[l->depth - 1].skip_base : 0;
}

/* A unit's kind, once read, decides what of the rest of it is built. */
static void on_root_scalar(struct loader *l, const struct ynode *n)
{
	struct frame *f = &l->stack[l->depth - 1];
	if (!f->unit_root || f->kind != YN_MAP || f->n % 2 != 0 || !l->sink->filter)
		return;
	const struct ynode *key = l->kids[f->base + f->n - 2];
	if (key->kind != YN_SCALAR || strcmp(key->str, "kind") || n->kind != YN_SCALAR)
		return;
	f->path = l->sink->filter(l->sink->ctx, n->str);
	f->filtered = f->path != NULL;
}

/* A hash of the first two bytes of a NUL-terminated key (which strcmp compares, however
 * long the key), for a filter in front of the list of skip keys. */
static inline unsigned skip_head(const char *k)
{
	unsigned c0 = (unsigned char)k[0];
	return (c0 * 7 + (c0 ? (unsigned char)k[1] : 0)) & 255;
}

/* Is the collection about to open the value of a key the sink never reads? */
static bool skip_value(const struct loader *l)
{
	if (!l->sink || !l->sink->skip_keys || l->depth == 0)
		return false;
	const struct frame *f = &l->stack[l->depth - 1];
	/* Below a filtered frame the paths already decided. */
	if (f->filtered || f->kind != YN_MAP || f->n % 2 != 1)
		return false;
	const struct ynode *key = l->kids[f->base + f->n - 1];
	if (key->kind != YN_SCALAR)
		return false;
	/* Most keys differ from every skip key in their first two bytes. */
	unsigned h = skip_head(key->str);
	if (!(l->skip_heads[h >> 6] >> (h & 63) & 1))
		return false;
	for (const char *const *k = l->sink->skip_keys; *k; k++)
		if (**k == *key->str && !strcmp(*k, key->str))
			return true;
	return false;
}

/* The byte offset where a line starts. Lookups mostly move forward through the file, so
 * a cursor that walks from the last answer costs nothing in memory and little in time. */
static size_t line_start(struct loader *l, size_t line)
{
	/* A position before the cursor (an error's context): step back line by line. */
	if (line < l->keep_line && l->released)
		BUG("a position before a document whose memory was given back");
	while (line < l->cur_line) {
		const char *nl = l->cur_off >= 2 ? memrchr(l->buf, '\n', l->cur_off - 1) : NULL;
		l->cur_off = nl ? (size_t)(nl + 1 - l->buf) : l->bom;
		l->cur_line--;
	}
	while (l->cur_line < line) {
		const char *nl = memchr(l->buf + l->cur_off, '\n', l->len - l->cur_off);
		if (!nl)
			return l->len;
		l->cur_off = (size_t)(nl + 1 - l->buf);
		l->cur_line++;
	}
	return l->cur_off;
}

/* Is buf[from .. to) ASCII that breaks lines only with LF or CRLF? 32 bytes at a time
 * for the high bits, then memchr for the CRs, while the part is still in the cache. */
static bool ascii_lf_only(const char *buf, size_t from, size_t to, size_t len)
{
	const uint64_t high = UINT64_C(0x8080808080808080);
	size_t i = from;
	for (; i + 32 <= to; i += 32) {
		uint64_t w[4];
		memcpy(w, buf + i, sizeof(w));
		if ((w[0] | w[1] | w[2] | w[3]) & high)
			return false;
	}
	for (; i < to; i++)
		if ((unsigned char)buf[i] & 0x80)
			return false;
	for (const char *q = buf + from; (q = memchr(q, '\r', (size_t)(buf + to - q))); q++)
		if (q + 1 == buf + len || q[1] != '\n')
			return false;
	return true;
}

/*
 * Is a mark at char index in buf at byte bom + index, its line's start column bytes
 * before it, and its line the one line_start finds? Yes when all of buf before it is
 * ASCII breaking lines only with LF or CRLF (a UTF-8 or UTF-16 text after a character
 * that is not, or a lone CR, goes through line_start). Checked a part at a time, just
 * before libyaml reads it.
 */
static bool ascii_before(struct loader *l, size_t index)
{
	static const size_t part = (size_t)16 << 10;
	size_t end = l->bom + index;
	while (l->ascii && l->ascii_upto < end) {
		size_t to = l->len - l->ascii_upto > part ? l->ascii_upto + part : l->len;
		l->ascii = ascii_lf_only(l->buf, l->ascii_upto, to, l->len);
		l->ascii_upto = to;
	}
	return l->ascii && end <= l->len;
}

/* libyaml columns count characters; the buffer is UTF-8 bytes. */
static size_t byte_offset(struct loader *l, size_t line, size_t col)
{
	size_t off = line_start(l, line);
	while (col > 0 && off < l->len && l->buf[off] != '\n') {
		off++;
		while (off < l->len && ((unsigned char)l->buf[off] & 0xC0) == 0x80)
			off++;
		col--;
	}
	return off;
}

static struct ypos mark_pos(const struct loader *l, yaml_mark_t m)
{
	struct ypos p = { l->file, (int)(m.line + l->line0) + 1,
			  (int)(m.column + (m.line ? 0 : l->col0)) + 1 };
	return p;
}

/* An item of a block sequence is positioned at its '-', where its first key stands too. */
static __attribute__((noinline)) void item_at_dash(struct loader *l, struct ypos *pos,
						   yaml_mark_t m)
{
	size_t off, start;
	int back = 0;
	if (ascii_before(l, m.index)) {
		/* No line to look for: columns are bytes. */
		off = l->bom + m.index;
		start = off - m.column;
	} else {
		size_t line = (size_t)pos->line - 1 - l->line0;
		off = byte_offset(l, line, (size_t)pos->col - 1 - (line ? 0 : l->col0));
		start = line_start(l, line);
	}
	while (off > start && l->buf[off - 1] == ' ') {
		off--;
		back++;
	}
	/* An empty item is marked just after its '-', with no space between. */
	if (off > start && l->buf[off - 1] == '-')
		pos->col -= back + 1;
}

/* A node about to be built as an item of the open collection: positioned at its '-'
 * now, while the cursor of line_start is near it, rather than when it is attached. */
static inline void item_pos(struct loader *l, struct ypos *pos, yaml_mark_t m)
{
	if (l->depth > 0 && l->stack[l->depth - 1].block_seq)
		item_at_dash(l, pos, m);
}

static void yerror(struct loader *l, struct ypos pos, const char *msg)
{
	diag_report(l->d, RULE_YAML_SYNTAX, &pos, NULL, "%s", msg);
}

static struct ynode *new_node(struct loader *l, enum ynode_kind k, yaml_mark_t m)
{
	/* The hottest allocation: filled here rather than zeroed first. */
	struct ynode *n = arena_alloc_raw_word(l->a, sizeof(*n));
	*n = (struct ynode){ .kind = k, .pos = mark_pos(l, m) };
	return n;
}

static size_t name_hash(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t *anchor_slot(const struct loader *l, const char *name)
{
	size_t i = name_hash(name) & (l->nslots - 1);
	while (l->slots[i] && strcmp(l->anchors[l->slots[i] - 1].name, name))
		i = (i + 1) & (l->nslots - 1);
	return &l->slots[i];
}

static void register_anchor(struct loader *l, const char *name, struct ynode *n, size_t w)
{
	if (!name)
		return;
	l->anchors_touched++;
	if (2 * (l->nanchors + 1) > l->nslots) {
		/* Grow the hash and re-insert: anchors are many only in hostile inputs. */
		size_t ns = l->nslots ? 2 * l->nslots : 64;
		free(l->slots);
		l->slots = xcalloc(ns, sizeof(*l->slots));
		l->nslots = ns;
		for (size_t i = 0; i < l->nanchors; i++)
			*anchor_slot(l, l->anchors[i].name) = i + 1;
	}
	size_t *slot = anchor_slot(l, name);
	if (*slot) { /* redefinition: the later one wins */
		l->anchors[*slot - 1].node = n;
		l->anchors[*slot - 1].weight = w;
		return;
	}
	XGROW(l->anchors, l->anchors_cap, l->nanchors + 1);
	l->anchors[l->nanchors].name = xstrdup(name);
	l->anchors[l->nanchors].node = n;
	l->anchors[l->nanchors].weight = w;
	l->nanchors++;
	*slot = l->nanchors;
}

static void clear_anchors(struct loader *l)
{
	for (size_t i = 0; i < l->nanchors; i++)
		free(l->anchors[i].name);
	l->nanchors = 0;
	if (l->slots)
		memset(l->slots, 0, l->nslots * sizeof(*l->slots));
}

/* Attach a finished node to the open collection (or make it the document root). Inline:
 * it runs once per node built, and nothing here can fail. */
static inline void attach(struct loader *l, struct ynode *n, size_t weight, struct ynode **root)
{
	if (l->depth == 0) {
		*root = n;
		return;
	}
	struct frame *f = &l->stack[l->depth - 1];
	XGROW(l->kids, l->kids_cap, l->nkids + 1);
	l->kids[l->nkids++] = n;
	f->n++;
	f->weight += weight;
}

/* The same for a node an alias refers to, at: what it adds counts against the budget. */
static int attach_alias(struct loader *l, struct ynode *n, size_t weight, struct ypos at,
			struct ynode **root)
{
	/* Only what aliases add counts against the budget: real nodes cost input bytes
	 * (and every other addition to doc_weight is checked where it is made). */
	if (n != &unbuilt) {
		l->doc_weight += weight;
		if (l->doc_weight > YNODE_ALIAS_BUDGET) {
			yerror(l, at, "document expands to more than 1000000 nodes "
			       "through aliases");
			return -1;
		}
	}
	/* go-yaml merges an alias only of a mapping: "<<: *seq" fails even when the
	 * sequence holds mappings (written in place, it would merge them). */
	const struct frame *f = l->depth ? &l->stack[l->depth - 1] : NULL;
	if (f && n->kind == YN_SEQ && f->kind == YN_MAP && f->n % 2 == 1 &&
	    ynode_is_merge_key(l->kids[f->base + f->n - 1])) {
		yerror(l, l->kids[f->base + f->n - 1]->pos,
		       "map merge requires map or sequence of maps as the value");
		return -1;
	}
	attach(l, n, weight, root);
	return 0;
}

static int skip_event(struct loader *l, const yaml_event_t *e, struct ynode **root);

static int open_collection(struct loader *l, enum ynode_kind k, yaml_event_t *e,
			   const yaml_char_t *anchor, bool block_seq, struct ynode **root)
{
	if (l->depth >= YNODE_MAX_DEPTH) {
		yerror(l, mark_pos(l, e->start_mark), "nesting deeper than 256 levels");
		return -1;
	}
	bool all, drop;
	const struct ypath *path = child_path(l, &all, &drop);
	if (anchor) {
		/* An alias or a merge may use it anywhere, where other keys are read. */
		all = true;
		path = NULL;
	} else if (drop || skip_value(l)) {
		/* Not built: parsed through skip_event, a null stands for it. */
		l->skipped = new_node(l, YN_SCALAR, e->start_mark);
		l->skipped->plain = true;
		l->skipped->str = "";
		item_pos(l, &l->skipped->pos, e->start_mark);
		return skip_event(l, e, root);
	}
	bool unit_root = l->depth == 0;
	if (l->depth == 2 && k == YN_MAP && l->sink && l->stack[1].kind == YN_SEQ &&
	    l->stack[0].kind == YN_MAP && l->stack[0].n % 2 == 1 && !l->stack[0].filtered &&
	    !l->stack[1].detached) {
		const struct ynode *key = l->kids[l->stack[0].base + l->stack[0].n - 1];
		unit_root = key->kind == YN_SCALAR && !strcmp(key->str, "items");
	}
	if (unit_root) {
		all = true; /* until its kind is known */
		path = NULL;
	}
	struct ypos pos = mark_pos(l, e->start_mark);
	item_pos(l, &pos, e->start_mark);
	XGROW(l->stack, l->stack_cap, l->depth + 1);
	struct frame *f = &l->stack[l->depth++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->filtered = !all;
	f->unit_root = unit_root;
	f->base = l->nkids;
	f->kind = (unsigned char)k;
	f->pos = pos;
	f->block_seq = block_seq;
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	f->mark = arena_mark(l->a);
	f->anchors_touched = l->anchors_touched;
	f->skip_base = l->skip_depth;
	return 0;
}

/* An anchored collection inside a value that is not built: built all the same (off the
 * tree), so that an alias or a merge key elsewhere finds it. */
static int open_detached(struct loader *l, enum ynode_kind k, const yaml_event_t *e,
			 const yaml_char_t *anchor, bool block_seq)
{
	XGROW(l->stack, l->stack_cap, l->depth + 1);
	struct frame *f = &l->stack[l->depth++];
	memset(f, 0, sizeof(*f));
	f->base = l->nkids;
	f->kind = (unsigned char)k;
	f->pos = mark_pos(l, e->start_mark);
	f->block_seq = block_seq;
	f->anchor = xstrdup((const char *)anchor);
	f->mark = arena_mark(l->a);
	f->anchors_touched = l->anchors_touched;
	f->skip_base = l->skip_depth;
	f->detached = true;
	f->saved_skipped = l->skipped;
	return 0;
}

/* Is the collection being closed an item of the root mapping's "items" sequence? */
static bool is_list_item(const struct loader *l, const struct ynode *n)
{
	if (l->depth != 2 || n->kind != YN_MAP || !l->sink)
		return false;
	const struct frame *root = &l->stack[0], *seq = &l->stack[1];
	if (root->kind != YN_MAP || seq->kind != YN_SEQ || root->n % 2 != 1 ||
	    root->filtered || seq->detached)
		return false;
	const struct ynode *key = l->kids[root->base + root->n - 1];
	if (key->kind != YN_SCALAR || strcmp(key->str, "items"))
		return false;
	return ynode_get(n, "kind") != NULL;
}

/* Open-addressing index of the pairs merge_pairs has produced, by key text. */
struct pair_index {
	size_t *slot; /* index + 1 into the output, 0 = empty */
	size_t mask;
};

static size_t *pair_slot(struct pair_index *ix, struct ynode **out, const struct ynode *k)
{
	size_t h = 5381;
	for (size_t i = 0; i < k->len; i++)
		h = h * 33 + (unsigned char)k->str[i];
	for (size_t i = h & ix->mask;; i = (i + 1) & ix->mask) {
		size_t j = ix->slot[i];
		if (!j)
			return &ix->slot[i];
		const struct ynode *o = out[2 * (j - 1)];
		if (o->len == k->len && !memcmp(o->str, k->str, k->len))
			return &ix->slot[i];
	}
}

/* One assignment of key k, in go-yaml's order: the last one wins, in the place of the
 * first. Repeated keys written in the mapping itself are all kept, for the decoder's
 * duplicate-key error. */
static void merge_set(struct pair_index *ix, struct ynode **out, bool *written, size_t *m,
		      struct ynode *k, struct ynode *v, bool explicit)
{
	size_t *slot = k->kind == YN_SCALAR ? pair_slot(ix, out, k) : NULL;
	if (slot && *slot && !(explicit && written[*slot - 1])) {
		size_t j = *slot - 1;
		out[2 * j] = k;
		out[2 * j + 1] = v;
		written[j] = explicit;
		return;
	}
	out[2 * *m] = k;
	out[2 * *m + 1] = v;
	written[*m] = explicit;
	(*m)++;
	if (slot)
		*slot = *m;
}

/*
 * A mapping with merge keys ("<<: *base", "<<: {...}", "<<: [*a, *b]"), resolved as
 * go-yaml v2 decodes it into a map (decode.go: mapping, merge): pairs are applied in
 * order, and a merge applies the pairs of its mapping where it stands, so a key written
 * after "<<" overrides the merged value, and one written before it is overridden. In a
 * sequence the mappings are applied last to first, so the earlier ones win. The merged
 * key and value nodes are the ones where they are written: their positions point there.
 * A merge of anything but a mapping or a sequence of mappings is an error.
 */
static int merge_pairs(struct loader *l, struct ynode *n, struct ynode **kids, size_t pairs)
{
	size_t total = 0;
	for (size_t i = 0; i < pairs; i++) {
		const struct ynode *k = kids[2 * i], *v = kids[2 * i + 1];
		if (!ynode_is_merge_key(k)) {
			total++;
			continue;
		}
		bool ok = v->kind == YN_MAP || v->kind == YN_SEQ;
		for (size_t j = 0; ok && v->kind == YN_SEQ && j < v->n; j++)
			ok = v->kids[j]->kind == YN_MAP;
		if (!ok || v == &unbuilt) {
			yerror(l, k->pos, "map merge requires map or sequence of maps as the value");
			return -1;
		}
		size_t add = v->kind == YN_MAP ? v->n : 0;
		for (size_t j = 0; v->kind == YN_SEQ && j < v->n; j++)
			add += v->kids[j]->n;
		total += add;
		/* What a merge copies counts like what an alias expands to. */
		l->doc_weight += add;
		if (l->doc_weight > YNODE_ALIAS_BUDGET) {
			yerror(l, k->pos, "document expands to more than 1000000 nodes "
			       "through aliases and merge keys");
			return -1;
		}
	}
	struct ynode **out = arena_alloc_raw_word(l->a, sizeof(*out) * 2 * (total ? total : 1));
	bool *written = xmalloc(total ? total : 1);
	struct pair_index ix;
	size_t cap = 16, m = 0;
	while (cap < 2 * total)
		cap *= 2;
	ix.slot = xcalloc(cap, sizeof(*ix.slot));
	ix.mask = cap - 1;
	for (size_t i = 0; i < pairs; i++) {
		struct ynode *k = kids[2 * i], *v = kids[2 * i + 1];
		if (!ynode_is_merge_key(k)) {
			merge_set(&ix, out, written, &m, k, v, true);
			continue;
		}
		size_t nsrc = v->kind == YN_SEQ ? v->n : 1;
		for (size_t j = nsrc; j-- > 0;) {
			const struct ynode *src = v->kind == YN_SEQ ? v->kids[j] : v;
			for (size_t p = 0; p < src->n; p++)
				merge_set(&ix, out, written, &m, src->kids[2 * p],
					  src->kids[2 * p + 1], false);
		}
	}
	free(ix.slot);
	free(written);
	n->kids = out;
	n->n = m;
	return 0;
}

static int close_collection(struct loader *l, struct ynode **root)
{
	struct frame *f = &l->stack[--l->depth];
	struct ynode *n;
	size_t w = f->weight + 1;

	bool merge = false;
	for (size_t i = 0; f->kind == YN_MAP && i < f->n && !merge; i += 2)
		merge = ynode_is_merge_key(l->kids[f->base + i]);
	if (merge) {
		n = arena_alloc_raw_word(l->a, sizeof(*n));
		*n = (struct ynode){ .kind = f->kind, .pos = f->pos };
		int rc = merge_pairs(l, n, l->kids + f->base, f->n / 2);
		if (rc) {
			free(f->anchor);
			l->nkids = f->base;
			return rc;
		}
	} else {
		/* sizeof(*n) is a multiple of a pointer's alignment: the kids follow it. */
		n = arena_alloc_raw_word(l->a, sizeof(*n) + f->n * sizeof(*n->kids));
		*n = (struct ynode){ .kind = f->kind, .pos = f->pos,
				     .n = f->kind == YN_MAP ? f->n / 2 : f->n };
		n->kids = (struct ynode **)(n + 1);
		if (f->n)
			memcpy(n->kids, l->kids + f->base, f->n * sizeof(*n->kids));
	}
	l->nkids = f->base;
	register_anchor(l, f->anchor, n, w);
	free(f->anchor);
	if (f->detached) {
		/* Off the tree: only its anchor and its size count. */
		l->skipped = f->saved_skipped;
		l->skips[l->skip_depth - 1].weight += w;
		return 0;
	}
	if (is_list_item(l, n)) {
		/* Hand the item over now; its nodes are freed unless kept, or unless an
		 * anchor inside it may still be referenced by a later alias. */
		bool keep = l->sink->unit(l->sink->ctx, n);
		if (keep)
			l->doc_kept = true;
		else if (l->anchors_touched == f->anchors_touched)
			arena_reset(l->a, f->mark);
		return 0;
	}
	attach(l, n, w, root);
	return 0;
}

static int on_alias(struct loader *l, yaml_event_t *e, struct ynode **root)
{
	const char *name = (const char *)e->data.alias.anchor;
	size_t *slot = l->nslots ? anchor_slot(l, name) : NULL;
	if (slot && *slot) {
		const struct anchor *an = &l->anchors[*slot - 1];
		return attach_alias(l, an->node, an->weight, mark_pos(l, e->start_mark), root);
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "unknown alias '*%s'", name);
	yerror(l, mark_pos(l, e->start_mark), sb.buf);
	strbuf_release(&sb);
	return -1;
}

static void unwind(struct loader *l)
{
	while (l->depth > 0) {
		struct frame *f = &l->stack[--l->depth];
		free(f->anchor);
	}
}

/* libyaml's problem text, made to read like the rest of npcheck's messages. */
static void parser_error(struct loader *l, yaml_parser_t *p)
{
	struct strbuf sb = STRBUF_INIT;
	yaml_mark_t m = p->problem_mark;
	if (p->error == YAML_MEMORY_ERROR) {
		strbuf_addstr(&sb, "out of memory while parsing");
	} else {
		strbuf_addstr(&sb, p->problem ? p->problem : "cannot parse");
		if (p->context) {
			strbuf_addf(&sb, " %s", p->context);
			if (p->context_mark.line != m.line || p->context_mark.column != m.column)
				strbuf_addf(&sb, " at line %zu column %zu",
					    p->context_mark.line + l->line0 + 1,
					    p->context_mark.column + 1 +
						    (p->context_mark.line ? 0 : l->col0));
		}
		if (p->error == YAML_READER_ERROR) {
			/* Reader errors carry a byte offset, not a line. */
			size_t off = p->problem_offset < l->len ? p->problem_offset : l->len, line = 0;
			const char *q = l->buf;
			if (off >= l->keep_off) {
				/* What is before the current document may have been given back. */
				q += l->keep_off;
				line = l->keep_line;
			}
			for (; (q = memchr(q, '\n', (size_t)(l->buf + off - q))); q++)
				line++;
			m.line = line;
			m.column = 0;
			for (size_t b = line_start(l, line); b < off; b++)
				m.column += ((unsigned char)l->buf[b] & 0xC0) != 0x80;
		}
	}
	yerror(l, mark_pos(l, m), sb.buf);
	strbuf_release(&sb);
}

/* A scalar event as a node. */
static inline struct ynode *scalar_node(struct loader *l, const yaml_event_t *e)
{
	/* The node and its text in one allocation: the commonest node, built once per
	 * scalar of every document. */
	size_t len = e->data.scalar.length;
	struct ynode *n = arena_alloc_raw_word(l->a, sizeof(*n) + len + 1);
	char *str = (char *)(n + 1);
	*n = (struct ynode){ .kind = YN_SCALAR, .pos = mark_pos(l, e->start_mark) };
	memcpy(str, e->data.scalar.value, len);
	str[len] = '\0';
	n->str = str;
	n->len = (uint32_t)len;
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !e->data.scalar.tag;
	n->tag = e->data.scalar.tag ? (unsigned char)yaml11_tag((const char *)e->data.scalar.tag)
				    : YT_NONE;
	return n;
}

/*
 * One event inside a value that is not built. Its depth and its expanded size are still
 * tracked, so that an alias bomb is caught there too; an anchored node inside is built
 * off the tree (open_detached, scalar_node), so that the aliases and merge keys that use
 * it elsewhere find it. When the value ends, the null standing for it is attached.
 */
static int skip_event(struct loader *l, const yaml_event_t *e, struct ynode **root)
{
	const yaml_char_t *anchor = NULL;
	switch (e->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		anchor = e->type == YAML_SEQUENCE_START_EVENT ? e->data.sequence_start.anchor
							    : e->data.mapping_start.anchor;
		if (l->skip_depth >= YNODE_MAX_DEPTH || l->depth + l->skip_depth >= YNODE_MAX_DEPTH) {
			yerror(l, mark_pos(l, e->start_mark), "nesting deeper than 256 levels");
			return -1;
		}
		if (anchor)
			return open_detached(l, e->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP,
					     e, anchor,
					     e->type == YAML_SEQUENCE_START_EVENT &&
						     e->data.sequence_start.style ==
							     YAML_BLOCK_SEQUENCE_STYLE);
		XGROW(l->skips, l->skips_cap, l->skip_depth + 1);
		l->skips[l->skip_depth].weight = 0;
		l->skips[l->skip_depth].anchor = NULL;
		l->skip_depth++;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct skip_level *lv = &l->skips[--l->skip_depth];
		size_t w = lv->weight + 1;
		register_anchor(l, lv->anchor, l->skipped, w);
		free(lv->anchor);
		lv->anchor = NULL;
		if (l->skip_depth == skip_base(l)) {
			attach(l, l->skipped, 1, root);
			return 0;
		}
		l->skips[l->skip_depth - 1].weight += w;
		return 0;
	}
	case YAML_SCALAR_EVENT:
		if (e->data.scalar.anchor)
			register_anchor(l, (const char *)e->data.scalar.anchor, scalar_node(l, e), 1);
		l->skips[l->skip_depth - 1].weight++;
		return 0;
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)e->data.alias.anchor;
		size_t *slot = l->nslots ? anchor_slot(l, name) : NULL;
		if (!slot || !*slot) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "unknown alias '*%s'", name);
			yerror(l, mark_pos(l, e->start_mark), sb.buf);
			strbuf_release(&sb);
			return -1;
		}
		size_t w = l->anchors[*slot - 1].weight;
		l->skips[l->skip_depth - 1].weight += w;
		l->doc_weight += w;
		if (l->doc_weight > YNODE_ALIAS_BUDGET) {
			yerror(l, mark_pos(l, e->start_mark),
			       "document expands to more than 1000000 nodes through aliases");
			return -1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

int ynode_parse(struct arena *a, struct diag *d, const char *file, const char *buf,
		size_t len, const struct ynode_sink *sink)
{
	return ynode_parse_part(a, d, file, buf, len, 0, sink);
}

int ynode_parse_part(struct arena *a, struct diag *d, const char *file, const char *buf,
		     size_t len, size_t line0, const struct ynode_sink *sink)
{
	return ynode_parse_at(a, d, file, buf, len, line0, 0, sink);
}

/* Give back the pages of buf before the current document, a few at a time. */
static void release_behind(struct loader *l)
{
#ifdef MADV_DONTNEED
	static const size_t step = (size_t)1 << 20;
	if (l->keep_off < l->released + step)
		return;
	if (!l->page)
		l->page = sysconf(_SC_PAGESIZE);
	long page = l->page;
	if (page <= 0)
		return;
	uintptr_t mask = (uintptr_t)page - 1, b = (uintptr_t)l->buf;
	uintptr_t from = (b + l->released + mask) & ~mask, to = (b + l->keep_off) & ~mask;
	if (to <= from)
		return;
	/* A failure leaves the memory as it was: nothing to report. */
	(void)madvise((void *)from, to - from, MADV_DONTNEED);
	l->released = (size_t)(to - b);
#else
	(void)l;
#endif
}

/* Does s (n bytes) break a line other than with LF or CRLF (a lone CR, U+0085, U+2028,
 * U+2029)? libyaml counts those as lines, line_start does not: past one, a libyaml line
 * number no longer finds its line, and nothing is given back. */
static bool other_breaks(const char *s, size_t n)
{
	const char *end = s + n;
	for (const char *q = s; (q = memchr(q, '\r', (size_t)(end - q))); q++)
		if (q + 1 == end || q[1] != '\n')
			return true;
	for (const char *q = s; (q = memchr(q, 0xC2, (size_t)(end - q))); q++)
		if (q + 1 < end && (unsigned char)q[1] == 0x85)
			return true;
	for (const char *q = s; (q = memchr(q, 0xE2, (size_t)(end - q))); q++)
		if (q + 2 < end && (unsigned char)q[1] == 0x80 &&
		    ((unsigned char)q[2] == 0xA8 || (unsigned char)q[2] == 0xA9))
			return true;
	return false;
}

static void on_document_start(struct loader *l, const yaml_event_t *e, struct ynode **root)
{
	/* Every node of this document, and any error from now on, is at or after the
	 * line it starts on. */
	if (l->release) {
		size_t line = l->cur_line, off = l->cur_off;
		bool ascii = ascii_before(l, e->start_mark.index);
		size_t to = ascii ? l->bom + e->start_mark.index - e->start_mark.column : l->len;
		if (to < l->len) {
			/* The line it starts on, without looking for it. */
			l->cur_line = e->start_mark.line;
			l->cur_off = to;
		} else {
			to = line_start(l, e->start_mark.line);
		}
		if (to > l->keep_off && to < l->len) {
			if (!ascii && other_breaks(l->buf + l->checked, to - l->checked)) {
				/* Its line is not where line_start found it: keep all. */
				l->release = false;
				l->cur_line = line;
				l->cur_off = off;
			} else {
				l->checked = l->keep_off = to;
				l->keep_line = l->cur_line;
				release_behind(l);
			}
		}
	}
	*root = NULL;
	l->doc_weight = 0;
	clear_anchors(l);
	l->doc_mark = arena_mark(l->a);
	l->doc_kept = false;
}

static void on_document_end(struct loader *l, struct ynode **root)
{
	if (*root && !ynode_is_null(*root)) {
		/* Kept List items live inside the document's memory too. */
		if (!l->sink->unit(l->sink->ctx, *root) && !l->doc_kept)
			arena_reset(l->a, l->doc_mark);
	}
	*root = NULL;
}

static void on_scalar(struct loader *l, yaml_event_t *e, struct ynode **root)
{
	bool scalar_all, drop_scalar;
	(void)child_path(l, &scalar_all, &drop_scalar);
	if (drop_scalar && !l->stack[l->depth - 1].unit_root && !e->data.scalar.anchor) {
		/* Shared, but never counted: it adds nothing. */
		attach(l, &unbuilt, 1, root);
		return;
	}
	struct ynode *n = scalar_node(l, e);
	item_pos(l, &n->pos, e->start_mark);
	attach(l, n, 1, root);
	if (e->data.scalar.anchor)
		register_anchor(l, (const char *)e->data.scalar.anchor, n, 1);
	if (l->depth > 0)
		on_root_scalar(l, n);
}

static void loader_release(struct loader *l)
{
	unwind(l);
	clear_anchors(l);
	free(l->anchors);
	free(l->slots);
	free(l->kids);
	for (size_t i = 0; i < l->skip_depth; i++)
		free(l->skips[i].anchor);
	free(l->skips);
	free(l->stack);
}

static int parse(struct arena *a, struct diag *d, const char *file, const char *buf,
		 size_t len, size_t line0, size_t col0, const struct ynode_sink *sink,
		 bool release)
{
	struct loader l = { .a = a, .d = d, .file = file, .buf = buf, .len = len, .line0 = line0,
			    .col0 = col0, .sink = sink, .release = release };
	/* libyaml reads UTF-16 after its byte order mark: lines are not LF bytes there. */
	if (len >= 2 && ((unsigned char)buf[0] == 0xFE || (unsigned char)buf[0] == 0xFF))
		l.release = false;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		l.bom = l.cur_off = 3;
	l.ascii = true;
	l.ascii_upto = l.bom;
	for (const char *const *k = sink && sink->skip_keys ? sink->skip_keys : NULL; k && *k; k++) {
		unsigned h = skip_head(*k);
		l.skip_heads[h >> 6] |= UINT64_C(1) << (h & 63);
	}
	yaml_parser_t p;
	yaml_event_t e;
	struct ynode *root = NULL;
	int rc = 0;
	bool done = false;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &e)) {
			parser_error(&l, &p);
			rc = -1;
			break;
		}
		int r = 0;
		if (e.type == YAML_SCALAR_EVENT && e.data.scalar.length > YNODE_MAX_SCALAR) {
			yerror(&l, mark_pos(&l, e.start_mark), "scalar longer than 4294967295 bytes");
			yaml_event_delete(&e);
			rc = -1;
			break;
		}
		if (l.skip_depth && l.skip_depth > skip_base(&l)) {
			r = skip_event(&l, &e, &root);
			yaml_event_delete(&e);
			if (r) {
				rc = -1;
				break;
			}
			continue;
		}
		switch (e.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			on_document_start(&l, &e, &root);
			break;
		case YAML_DOCUMENT_END_EVENT:
			on_document_end(&l, &root);
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&l, &e, &root);
			break;
		case YAML_SEQUENCE_START_EVENT:
			r = open_collection(&l, YN_SEQ, &e, e.data.sequence_start.anchor,
					    e.data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE,
					    &root);
			break;
		case YAML_MAPPING_START_EVENT:
			r = open_collection(&l, YN_MAP, &e, e.data.mapping_start.anchor, false, &root);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (l.depth == 0)
				BUG("collection end without start");
			r = close_collection(&l, &root);
			break;
		case YAML_ALIAS_EVENT:
			r = on_alias(&l, &e, &root);
			break;
		default:
			break;
		}
		yaml_event_delete(&e);
		if (r) {
			rc = -1;
			break;
		}
	}
	loader_release(&l);
	yaml_parser_delete(&p);
	return rc;
}

int ynode_parse_at(struct arena *a, struct diag *d, const char *file, const char *buf,
		   size_t len, size_t line0, size_t col0, const struct ynode_sink *sink)
{
	return parse(a, d, file, buf, len, line0, col0, sink, false);
}

int ynode_parse_release(struct arena *a, struct diag *d, const char *file, const char *buf,
			size_t len, size_t line0, const struct ynode_sink *sink)
{
	return parse(a, d, file, buf, len, line0, 0, sink, true);
}

/* The index of the pair whose key is the scalar key (all of it: a quoted key may hold a
 * NUL), or m->n. */
static size_t pair_index(const struct ynode *m, const char *key, size_t len)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ynode *k = m->kids[2 * i];
		if (k->len == len && k->kind == YN_SCALAR && k->str[0] == key[0] &&
		    !memcmp(k->str, key, len))
			return i;
	}
	return m->n;
}

const struct ynode *ynode_key_n(const struct ynode *m, const char *key, size_t len)
{
	if (!m || m->kind != YN_MAP)
		return NULL;
	size_t i = pair_index(m, key, len);
	return i < m->n ? m->kids[2 * i] : NULL;
}

const struct ynode *ynode_get_n(const struct ynode *m, const char *key, size_t len)
{
	if (!m || m->kind != YN_MAP)
		return NULL;
	size_t i = pair_index(m, key, len);
	return i < m->n ? m->kids[2 * i + 1] : NULL;
}

const struct ynode *ynode_path(const struct ynode *m, const char *path)
{
	char part[128];
	while (m && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		m = ynode_get(m, part);
		path += n + (dot != NULL);
	}
	return m;
}

bool ynode_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != YN_SCALAR)
		return false;
	if (!n->plain) {
		struct y11_value v;
		return n->tag == YT_NULL && yaml11_resolve(n->str, n->len, false, YT_NULL, &v) == Y11_NULL;
	}
	switch (n->len) {
	case 0:
		return true;
	case 1:
		return n->str[0] == '~';
	case 4:
		return !memcmp(n->str, "null", 4) || !memcmp(n->str, "Null", 4) ||
		       !memcmp(n->str, "NULL", 4);
	default:
		return false;
	}
}

const char *ynode_str(const struct ynode *n)
{
	if (!n || n->kind != YN_SCALAR || ynode_is_null(n))
		return NULL;
	return n->str;
}

enum y11_type ynode_resolve(const struct ynode *n, struct y11_value *v)
{
	if (!n || n->kind != YN_SCALAR) {
		memset(v, 0, sizeof(*v));
		return v->type = Y11_BAD;
	}
	return yaml11_resolve(n->str, n->len, n->plain, (enum ytag)n->tag, v);
}

int ynode_int(const struct ynode *n, long long *out)
{
	struct y11_value v;
	long long i;
	if (ynode_resolve(n, &v) == Y11_BAD || yaml11_int(&v, &i))
		return -1;
	*out = i;
	return 0;
}

bool ynode_is_float(const struct ynode *n)
{
	struct y11_value v;
	return ynode_resolve(n, &v) == Y11_FLOAT;
}

int ynode_bool(const struct ynode *n, bool *out)
{
	struct y11_value v;
	if (ynode_resolve(n, &v) != Y11_BOOL)
		return -1;
	*out = v.b;
	return 0;
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (!n || ynode_is_null(n))
		return "null";
	switch (n->kind) {
	case YN_MAP: return "object";
	case YN_SEQ: return "array";
	default: break;
	}
	struct y11_value v;
	return yaml11_type_name(ynode_resolve(n, &v));
}

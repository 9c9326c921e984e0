/* What the API server rejects in a NetworkPolicy, and in the metadata of the other kinds
 * npcheck reads, reported in its own words. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "intern.h"
#include "kinds.h"
#include "validate.h"

/*
 * The rules and the wording follow the API server's create-time validation in
 * kubernetes/kubernetes master of the v1.38 development cycle (the snapshot read):
 *   pkg/apis/networking/validation/validation.go       ValidateNetworkPolicy{,Spec,Port,Peer},
 *                                                      ValidateIPBlock
 *   staging/.../apimachinery/pkg/api/validation         ValidateObjectMeta, NameIsDNSSubdomain,
 *                                                      NameIsDNSLabel, NameIsDNS1035Label
 *   pkg/apis/core/validation/validation.go             ValidatePodName, ValidateServiceName,
 *                                                      ValidateNamespaceName,
 *                                                      ValidateReplicationControllerName
 *   pkg/apis/apps/validation, pkg/apis/batch/validation the workloads' names (subdomains;
 *                                                      a CronJob's at most 52 characters)
 *   staging/.../apimachinery/pkg/apis/meta/v1/validation ValidateLabelSelector{,Requirement}
 *   staging/.../apimachinery/pkg/util/validation        IsDNS1123{Subdomain,Label},
 *                                                      IsValidPortNum, IsValidPortName
 *   staging/.../apimachinery/pkg/api/validate/content   IsLabelKey, IsLabelValue (whose length
 *                                                      messages say "bytes", where the older
 *                                                      util/validation ones say "characters")
 *   staging/.../apimachinery/pkg/util/validation/field  how an error is printed
 * The NetworkPolicy rules themselves have not changed since endPort went GA in v1.25.
 * CIDRs are checked as with the StrictIPCIDRValidation feature gate off, its default
 * (alpha since v1.33): leading zeros, host bits and IPv4-mapped IPv6 are accepted here
 * and left to the non-canonical-cidr lint rule.
 *
 * An object that could not be decoded (a wrong type) never reaches validation on the API
 * server, and a duplicate is dropped by model.c, so neither is validated here.
 *
 * NetworkPolicies are validated after loading; the other kinds' metadata while their tree
 * is decoded, which may be on a loader thread: the compiled patterns are shared, the
 * match data is per thread.
 */

/* ---- Kubernetes' regular expressions and messages ---- */

#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1035_LABEL_FMT "[a-z]([-a-z0-9]*[a-z0-9])?"
#define LABEL_KEY_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_VALUE_FMT "(" LABEL_KEY_FMT ")?"

/* RegexError(msg, fmt, examples...): note the two spaces before each " or ". */
#define MSG_SUBDOMAIN_RE \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, " \
	"'-' or '.', and must start and end with an alphanumeric character (e.g. " \
	"'example.com', regex used for validation is '" DNS1123_SUBDOMAIN_FMT "')"
#define MSG_LABEL_RE \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or " \
	"'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or " \
	"'123-abc', regex used for validation is '" DNS1123_LABEL_FMT "')"
#define MSG_1035_RE \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start " \
	"with an alphabetic character, and end with an alphanumeric character (e.g. " \
	"'my-name',  or 'abc-123', regex used for validation is '" DNS1035_LABEL_FMT "')"
#define MSG_KEY_RE \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end " \
	"with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex " \
	"used for validation is '" LABEL_KEY_FMT "')"
#define MSG_VALUE_RE \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', " \
	"'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  " \
	"or 'my_value',  or '12345', regex used for validation is '" LABEL_VALUE_FMT "')"

enum re_id {
	RE_DNS_LABEL,
	RE_DNS_SUBDOMAIN,
	RE_DNS1035_LABEL,
	RE_LABEL_KEY,
	RE_LABEL_VALUE,
	RE_PORT_CHARSET,
	RE_PORT_LETTER,
	RE__COUNT
};

static const char *const re_src[RE__COUNT] = {
	[RE_DNS_LABEL] = "^" DNS1123_LABEL_FMT "$",
	[RE_DNS_SUBDOMAIN] = "^" DNS1123_SUBDOMAIN_FMT "$",
	[RE_DNS1035_LABEL] = "^" DNS1035_LABEL_FMT "$",
	[RE_LABEL_KEY] = "^" LABEL_KEY_FMT "$",
	[RE_LABEL_VALUE] = "^" LABEL_VALUE_FMT "$",
	[RE_PORT_CHARSET] = "^[-a-z0-9]+$",
	[RE_PORT_LETTER] = "[a-z]",
};

/* Compiled once, on first use, and kept for the life of the process. */
static pcre2_code *re_code[RE__COUNT];
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

/*
 * Match data and context are per thread. A thread takes a free pair from the list (or
 * adds one) and gives it back when it ends, so there are never more pairs than threads
 * ever ran at once, and all stay reachable.
 */
struct re_scratch {
	pcre2_match_data *data;
	pcre2_match_context *ctx;
	bool busy;
	struct re_scratch *next;
};
static pthread_key_t re_key;
static pthread_mutex_t re_lock = PTHREAD_MUTEX_INITIALIZER;
static struct re_scratch *re_scratch_all;

static void re_scratch_release(void *p)
{
	struct re_scratch *s = p;
	pthread_mutex_lock(&re_lock);
	s->busy = false;
	pthread_mutex_unlock(&re_lock);
}

static void re_init(void)
{
	for (int id = 0; id < RE__COUNT; id++) {
		int err;
		PCRE2_SIZE off;
		/* Go's "$" matches only at the end of the text, never before a final "\n". */
		re_code[id] = pcre2_compile((PCRE2_SPTR)re_src[id], PCRE2_ZERO_TERMINATED,
					    PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
		if (!re_code[id])
			BUG("a built-in regular expression does not compile");
		/* Every object's name and every distinct label is matched: compiled to machine
		 * code they cost a tenth. Where the JIT is unavailable (not built in, or no
		 * executable memory) pcre2_match interprets the pattern, with the same results. */
		(void)pcre2_jit_compile(re_code[id], PCRE2_JIT_COMPLETE);
	}
	if (pthread_key_create(&re_key, re_scratch_release))
		BUG("cannot create a thread key");
}

static struct re_scratch *re_scratch(void)
{
	pthread_once(&re_once, re_init);
	struct re_scratch *s = pthread_getspecific(re_key);
	if (s)
		return s;
	pthread_mutex_lock(&re_lock);
	for (s = re_scratch_all; s && s->busy; s = s->next)
		;
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->data = pcre2_match_data_create(1, NULL);
		s->ctx = pcre2_match_context_create(NULL);
		if (!s->data || !s->ctx)
			BUG("pcre2 is out of memory");
		s->next = re_scratch_all;
		re_scratch_all = s;
	}
	s->busy = true;
	pthread_mutex_unlock(&re_lock);
	if (pthread_setspecific(re_key, s))
		BUG("cannot set a thread key");
	return s;
}

/*
 * Go's regexp is linear; these patterns backtrack at most a few times per byte in
 * PCRE, so a limit proportional to the length never cuts a real match short. A text
 * that still hits it (only a pathological megabyte scalar could) counts as no match:
 * such a text is rejected for its length anyway.
 */
static bool re_match(enum re_id id, const char *s, size_t len)
{
	struct re_scratch *rs = re_scratch();
	uint32_t limit = len > 100000000 ? UINT32_MAX : (uint32_t)(10000 + 32 * len);
	pcre2_set_match_limit(rs->ctx, limit);
	int rc = pcre2_match(re_code[id], (PCRE2_SPTR)s, len, 0, 0, rs->data, rs->ctx);
	/* The JIT gives up on a long text in its own way (its stack, its count of the
	 * limit): then the interpreter decides, under the limit above, as without it. */
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		rc = pcre2_match(re_code[id], (PCRE2_SPTR)s, len, 0, PCRE2_NO_JIT, rs->data,
				 rs->ctx);
	return rc >= 0;
}

/* The messages one check produced: each is one field error on the API server. */
#define MSGS_MAX 6
struct msgs {
	const char *m[MSGS_MAX];
	int n;
};

static void msg_add(struct msgs *ms, const char *m)
{
	if (ms->n == MSGS_MAX)
		BUG("too many validation messages");
	ms->m[ms->n++] = m;
}

/* IsDNS1123Subdomain (util/validation). */
static void check_subdomain(const char *s, size_t len, struct msgs *ms)
{
	if (len > 253)
		msg_add(ms, "must be no more than 253 characters");
	if (!re_match(RE_DNS_SUBDOMAIN, s, len))
		msg_add(ms, MSG_SUBDOMAIN_RE);
}

/* IsDNS1123Label (util/validation). */
static void check_dns_label(const char *s, size_t len, struct msgs *ms)
{
	if (len > 63)
		msg_add(ms, "must be no more than 63 characters");
	if (!re_match(RE_DNS_LABEL, s, len)) {
		/* "It was a valid subdomain and not a valid label. Since we already checked
		 * length, it must be dots." */
		if (re_match(RE_DNS_SUBDOMAIN, s, len))
			msg_add(ms, "must not contain dots");
		else
			msg_add(ms, MSG_LABEL_RE);
	}
}

/* IsDNS1035Label (util/validation). */
static void check_dns1035_label(const char *s, size_t len, struct msgs *ms)
{
	if (len > 63)
		msg_add(ms, "must be no more than 63 characters");
	if (!re_match(RE_DNS1035_LABEL, s, len))
		msg_add(ms, MSG_1035_RE);
}

/* IsLabelKey (content), alias IsQualifiedName: [prefix/]name, the prefix a DNS
 * subdomain of at most 253 bytes, the name at most 63 bytes. */
static void check_label_key(const char *s, size_t len, struct msgs *ms)
{
	const char *slash = memchr(s, '/', len), *name = s;
	size_t nlen = len;

	if (slash) {
		size_t plen = (size_t)(slash - s);
		if (memchr(slash + 1, '/', len - plen - 1)) {
			msg_add(ms, "a valid label key " MSG_KEY_RE " with an optional DNS "
				"subdomain prefix and '/' (e.g. 'example.com/MyName')");
			return;
		}
		if (plen == 0) {
			msg_add(ms, "prefix part must be non-empty");
		} else {
			if (plen > 253)
				msg_add(ms, "prefix part must be no more than 253 bytes");
			if (!re_match(RE_DNS_SUBDOMAIN, s, plen))
				msg_add(ms, "prefix part " MSG_SUBDOMAIN_RE);
		}
		name = slash + 1;
		nlen = len - plen - 1;
	}
	if (nlen == 0)
		msg_add(ms, "name part must be non-empty");
	else if (nlen > 63)
		msg_add(ms, "name part must be no more than 63 bytes");
	if (!re_match(RE_LABEL_KEY, name, nlen))
		msg_add(ms, "name part " MSG_KEY_RE);
}

/* IsLabelValue (content). */
static void check_label_value(const char *s, size_t len, struct msgs *ms)
{
	if (len > 63)
		msg_add(ms, "must be no more than 63 bytes");
	if (!re_match(RE_LABEL_VALUE, s, len))
		msg_add(ms, MSG_VALUE_RE);
}

/* IsValidPortName (util/validation): an IANA service name, lower case only. */
static void check_port_name(const char *s, size_t len, struct msgs *ms)
{
	if (len > 15)
		msg_add(ms, "must be no more than 15 characters");
	if (!re_match(RE_PORT_CHARSET, s, len))
		msg_add(ms, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (!re_match(RE_PORT_LETTER, s, len))
		msg_add(ms, "must contain at least one letter (a-z)");
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '-' && s[i + 1] == '-') {
			msg_add(ms, "must not contain consecutive hyphens");
			break;
		}
	if (len > 0 && (s[0] == '-' || s[len - 1] == '-'))
		msg_add(ms, "must not begin or end with a hyphen");
}

/*
 * The public validators return one string. When the API server reports several errors
 * for one value (too long and malformed), they are joined with "; ". Joined strings are
 * built once per combination and kept: there are only a few dozen combinations.
 */
struct joined {
	struct joined *next;
	const char *parts[MSGS_MAX];
	int n;
	char text[];
};
static struct joined *joined_cache;

static const char *msgs_result(const struct msgs *ms)
{
	if (ms->n == 0)
		return NULL;
	if (ms->n == 1)
		return ms->m[0];
	pthread_mutex_lock(&re_lock);
	for (struct joined *j = joined_cache; j; j = j->next)
		if (j->n == ms->n && !memcmp(j->parts, ms->m, sizeof(ms->m[0]) * (size_t)ms->n)) {
			pthread_mutex_unlock(&re_lock);
			return j->text;
		}
	size_t len = 0;
	for (int i = 0; i < ms->n; i++)
		len += strlen(ms->m[i]) + 2;
	struct joined *j = xcalloc(1, sizeof(*j) + len + 1);
	j->n = ms->n;
	for (int i = 0; i < ms->n; i++) {
		j->parts[i] = ms->m[i];
		if (i)
			strcat(j->text, "; ");
		strcat(j->text, ms->m[i]);
	}
	j->next = joined_cache;
	joined_cache = j;
	pthread_mutex_unlock(&re_lock);
	return j->text;
}

const char *validate_dns1123_subdomain(const char *s)
{
	struct msgs ms = { { NULL }, 0 };
	check_subdomain(s, strlen(s), &ms);
	return msgs_result(&ms);
}

const char *validate_dns1123_label(const char *s)
{
	struct msgs ms = { { NULL }, 0 };
	check_dns_label(s, strlen(s), &ms);
	return msgs_result(&ms);
}

const char *validate_label_key(const char *s)
{
	struct msgs ms = { { NULL }, 0 };
	check_label_key(s, strlen(s), &ms);
	return msgs_result(&ms);
}

const char *validate_label_value(const char *s)
{
	struct msgs ms = { { NULL }, 0 };
	check_label_value(s, strlen(s), &ms);
	return msgs_result(&ms);
}

/* ---- field errors, printed as field.Error does ---- */

struct vctx {
	struct model *m;
	struct object *o;
	struct policy *p;   /* NULL outside a NetworkPolicy */
	struct strbuf path; /* the field path of the node being checked */
	struct strbuf msg;
	bool invalid;
	/* The object was just decoded and its tree is not kept: its labels and namespace
	 * are the decoder's interned copies (validate_object_meta). */
	bool interned;
	/* A constant field after path, appended only when a message is made: every
	 * object's metadata is checked and almost none has an error (validate_meta). No
	 * path is pushed while it is set. */
	const char *field;
};

static size_t path_push(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t path_push(struct vctx *v, const char *fmt, ...)
{
	size_t base = v->path.len;
	va_list ap;
	/* Most paths are constant and only printed on an error: no formatting for them. */
	if (!strchr(fmt, '%')) {
		strbuf_addstr(&v->path, fmt);
		return base;
	}
	va_start(ap, fmt);
	strbuf_vaddf(&v->path, fmt, ap);
	va_end(ap);
	return base;
}

/* path_push(v, "%s%s[%lld]", prefix, name, i) without printf: it runs for every rule,
 * port and peer of every policy, and formatting costs more than the checks. */
static size_t path_push_item(struct vctx *v, const char *prefix, const char *name, long long i)
{
	size_t base = v->path.len;
	strbuf_addstr(&v->path, prefix);
	strbuf_addstr(&v->path, name);
	strbuf_addch(&v->path, '[');
	strbuf_add_int(&v->path, i);
	strbuf_addch(&v->path, ']');
	return base;
}

static void path_pop(struct vctx *v, size_t base)
{
	strbuf_setlen(&v->path, base);
}

/* Start "PATH[SUFFIX]: " in v->msg. */
static void msg_start(struct vctx *v, const char *suffix)
{
	strbuf_reset(&v->msg);
	strbuf_addstr(&v->msg, v->path.buf);
	if (v->field)
		strbuf_addstr(&v->msg, v->field);
	strbuf_addstr(&v->msg, suffix);
	strbuf_addstr(&v->msg, ": ");
}

static void msg_report(struct vctx *v, enum rule_id rule, const struct ynode *at)
{
	if (!at)
		at = v->o->node;
	diag_report(v->m->diag, rule, &at->pos, &v->o->dobj, "%s", v->msg.buf);
	v->invalid = true;
}

/* field.Invalid with a string value: `PATH: Invalid value: "VALUE": DETAIL`. */
static void err_invalid_str(struct vctx *v, const struct ynode *at, const char *suffix,
			    const char *val, size_t len, const char *detail)
{
	msg_start(v, suffix);
	strbuf_addstr(&v->msg, "Invalid value: ");
	escape_go_quote(&v->msg, val, len);
	strbuf_addf(&v->msg, ": %s", detail);
	msg_report(v, RULE_INVALID_SPEC, at);
}

/* field.Invalid with an int32 value: `PATH: Invalid value: 0: DETAIL`. */
static void err_invalid_int(struct vctx *v, const struct ynode *at, const char *suffix,
			    long long val, const char *detail)
{
	msg_start(v, suffix);
	strbuf_addf(&v->msg, "Invalid value: %lld: %s", val, detail);
	msg_report(v, RULE_INVALID_SPEC, at);
}

/* field.Required: `PATH: Required value[: DETAIL]`. */
static void err_required(struct vctx *v, const struct ynode *at, const char *suffix,
			 const char *detail)
{
	msg_start(v, suffix);
	strbuf_addstr(&v->msg, "Required value");
	if (*detail)
		strbuf_addf(&v->msg, ": %s", detail);
	msg_report(v, RULE_INVALID_SPEC, at);
}

/* field.Forbidden: `PATH: Forbidden: DETAIL`. */
static void err_forbidden(struct vctx *v, const struct ynode *at, const char *suffix,
			  const char *detail)
{
	msg_start(v, suffix);
	strbuf_addf(&v->msg, "Forbidden: %s", detail);
	msg_report(v, RULE_INVALID_SPEC, at);
}

/* field.NotSupported: `PATH: Unsupported value: "X": supported values: "A", "B"`. The
 * supported values are listed in the order the source passes them, unsorted. */
static void err_unsupported(struct vctx *v, enum rule_id rule, const struct ynode *at,
			    const char *suffix, const char *val, size_t len,
			    const char *const *supported, size_t nsupported)
{
	msg_start(v, suffix);
	strbuf_addstr(&v->msg, "Unsupported value: ");
	escape_go_quote(&v->msg, val, len);
	strbuf_addstr(&v->msg, ": supported values: ");
	for (size_t i = 0; i < nsupported; i++) {
		if (i)
			strbuf_addstr(&v->msg, ", ");
		escape_go_quote(&v->msg, supported[i], strlen(supported[i]));
	}
	msg_report(v, rule, at);
}

/* One Invalid error per message, as the API server lists them. */
static void err_invalid_msgs(struct vctx *v, const struct ynode *at, const char *suffix,
			     const char *val, size_t len, const struct msgs *ms)
{
	for (int i = 0; i < ms->n; i++)
		err_invalid_str(v, at, suffix, val, len, ms->m[i]);
}

/*
 * The facts (intern.h) learned about the string s of len bytes, in the table of the
 * model being loaded (one per loader thread), or NULL for a string too long to be
 * valid as what is checked here, which is not worth remembering.
 */
static unsigned *facts(struct vctx *v, const char *s, size_t len)
{
	if (len > 253)
		return NULL;
	if (!v->m->intern)
		v->m->intern = intern_new(v->m->arena);
	return intern_flags(intern_str(v->m->intern, s, len));
}

/* check_label_key, check_label_value or check_dns_label (bit, an INTERN_* fact, says
 * which) of s: run once per distinct string that passes, as pods repeat their labels
 * and namespaces. A string that fails is checked each time (its messages are wanted).
 * interned: intern_str's copy of s as the decoder kept it, or NULL. */
static void check_once(struct vctx *v, unsigned bit, const char *s, size_t len,
		       const char *interned, struct msgs *ms)
{
	/* The decoder's interned copy of s, when it has one, is the entry a lookup would
	 * find (if the lengths agree: it was read up to a NUL): no hash, no probe. */
	unsigned *f = interned && intern_len(interned) == len ? intern_flags(interned)
							      : facts(v, s, len);
	int before = ms->n;
	if (f && (*f & bit))
		return;
	if (bit == INTERN_LABEL_KEY)
		check_label_key(s, len, ms);
	else if (bit == INTERN_LABEL_VALUE)
		check_label_value(s, len, ms);
	else
		check_dns_label(s, len, ms);
	if (f && ms->n == before)
		*f |= bit;
}

/* The text of a scalar node, with its length (which may count NULs). */
static const char *node_text(const struct ynode *n, size_t *len)
{
	const char *s = ynode_str(n);
	if (!s || n->kind != YN_SCALAR) {
		*len = 0;
		return "";
	}
	*len = n->len;
	return s;
}

/* ---- metadata ---- */

/* ValidateLabels: every key a qualified name, every value a label value; both errors
 * name the map itself (PATH), not the key. Pointed at the label's key. */
static void validate_label(struct vctx *v, const struct kv *kv, const struct kv *interned)
{
	struct msgs ms = { { NULL }, 0 };
	size_t klen = kv->node ? kv->node->len : strlen(kv->key);
	check_once(v, INTERN_LABEL_KEY, kv->key, klen, interned ? interned->key : NULL, &ms);
	err_invalid_msgs(v, kv->node, "", kv->key, klen, &ms);
	ms.n = 0;
	size_t vlen = strlen(kv->val);
	/* A null value is "" to both, but the decoder's "" is no interned string. */
	check_once(v, INTERN_LABEL_VALUE, kv->val, vlen, interned && vlen ? interned->val : NULL,
		   &ms);
	err_invalid_msgs(v, kv->node, "", kv->val, vlen, &ms);
}

static void validate_labels(struct vctx *v, const struct kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		validate_label(v, &kv[i], NULL);
}

/* The same, read from the mapping node (labels of kinds whose labels keep no node). A
 * pair that is not two scalars is a type error reported by the decoder. dec: the labels
 * the decoder read from this map with interned strings (pair for pair), or NULL. */
static void validate_label_map(struct vctx *v, const struct ynode *map,
			       const struct labels *dec)
{
	if (!map || map->kind != YN_MAP)
		return;
	for (size_t i = 0, k = 0; i < map->n; i++) {
		const struct ynode *key = map->kids[2 * i], *val = map->kids[2 * i + 1];
		if (key->kind != YN_SCALAR || val->kind != YN_SCALAR)
			continue;
		/* A null key is read as its text, as the decoder reads it. */
		struct kv kv = { key->str, ynode_is_null(val) ? "" : val->str, key };
		validate_label(v, &kv, dec && k < dec->n ? &dec->kv[k] : NULL);
		k++;
	}
}

/* The name checks of the kinds npcheck reads (ValidateNameFunc): the value, and whether
 * it is a generateName prefix, whose trailing dash is allowed. */
static void check_name(enum name_rule rule, const char *s, size_t len, bool prefix,
		       struct msgs *ms)
{
	/* "Prefix indicates this name will be used as part of generation, in which case
	 * trailing dashes are allowed": maskTrailingDash replaces the last two characters
	 * by "a" (sic) when the last is a dash. */
	struct strbuf masked = STRBUF_INIT;
	if (prefix && len && s[len - 1] == '-') {
		strbuf_add(&masked, s, len >= 2 ? len - 2 : 0);
		strbuf_addch(&masked, 'a');
		s = masked.buf;
		len = masked.len;
	}
	switch (rule) {
	case NAME_DNS_SUBDOMAIN:
	case NAME_CRONJOB:
		check_subdomain(s, len, ms);
		break;
	case NAME_DNS_LABEL:
		check_dns_label(s, len, ms);
		break;
	case NAME_DNS1035_LABEL:
		check_dns1035_label(s, len, ms);
		break;
	}
	strbuf_release(&masked);
}

/*
 * apimachinery's ValidateObjectMeta with the kind's name rule: name (or generateName),
 * namespace, labels and annotations. meta is the metadata mapping (absent: NULL).
 */
static void validate_meta(struct vctx *v, const struct ynode *meta, enum name_rule rule,
			  bool namespaced, bool annotations)
{
	const struct object *o = v->o;
	size_t len;

	const struct ynode *gen_key = ynode_key(meta, "generateName");
	const char *gen = node_text(ynode_get(meta, "generateName"), &len);
	size_t gen_len = len;
	if (gen_len) {
		struct msgs ms = { { NULL }, 0 };
		check_name(rule, gen, gen_len, true, &ms);
		v->field = "metadata.generateName";
		err_invalid_msgs(v, gen_key, "", gen, gen_len, &ms);
		v->field = NULL;
	}

	const struct ynode *name_key = ynode_key(meta, "name");
	const char *name = node_text(ynode_get(meta, "name"), &len);
	v->field = "metadata.name";
	if (!len) {
		/* With only generateName, the API server generates the name first. */
		if (!gen_len)
			err_required(v, name_key ? name_key : o->node, "",
				     "name or generateName is required");
	} else {
		struct msgs ms = { { NULL }, 0 };
		check_name(rule, name, len, false, &ms);
		err_invalid_msgs(v, name_key, "", name, len, &ms);
		/* ValidateCronJobCreate: "The cronjob controller appends a 11-character
		 * suffix to the cronjob (`-$TIMESTAMP`) when creating a job. The job name
		 * length limit is 63 characters." */
		if (rule == NAME_CRONJOB && len > 52)
			err_invalid_str(v, name_key, "", name, len, "must be no more than 52 characters");
	}
	v->field = NULL;

	/* An empty namespace is no namespace: kubectl fills in its own. A cluster-scoped
	 * object's namespace is cleared by the API server before validation. */
	const char *ns = node_text(ynode_get(meta, "namespace"), &len);
	if (namespaced && len) {
		struct msgs ms = { { NULL }, 0 };
		/* The decoder interned the namespace's text unless the tree is kept. */
		const char *in = v->interned && o->ns_node && o->ns_node->kind == YN_SCALAR
					 ? o->ns_node->str : NULL;
		check_once(v, INTERN_DNS_LABEL, ns, len, in, &ms);
		v->field = "metadata.namespace";
		err_invalid_msgs(v, ynode_key(meta, "namespace"), "", ns, len, &ms);
		v->field = NULL;
	}

	v->field = "metadata.labels";
	/* Outside kept trees the object's labels are this map's, interned. */
	validate_label_map(v, ynode_get(meta, "labels"), v->interned ? &o->labels : NULL);
	v->field = NULL;

	/* "The rule is QualifiedName except that case doesn't matter"; the total size of
	 * keys and values is at most 256 KiB. */
	if (!annotations)
		return;
	v->field = "metadata.annotations";
	size_t total = 0;
	const struct ynode *ann = ynode_get(meta, "annotations");
	for (size_t i = 0; ann && ann->kind == YN_MAP && i < ann->n; i++) {
		const struct ynode *k = ann->kids[2 * i], *val = ann->kids[2 * i + 1];
		if (k->kind != YN_SCALAR)
			continue;
		size_t klen = k->len;
		struct strbuf lower = STRBUF_INIT;
		struct msgs ms = { { NULL }, 0 };
		strbuf_add(&lower, k->str, klen);
		for (size_t j = 0; j < lower.len; j++)
			if (lower.buf[j] >= 'A' && lower.buf[j] <= 'Z')
				lower.buf[j] = (char)(lower.buf[j] - 'A' + 'a');
		check_label_key(lower.buf, lower.len, &ms);
		err_invalid_msgs(v, k, "", k->str, klen, &ms);
		strbuf_release(&lower);
		total += klen + (val->kind == YN_SCALAR && !ynode_is_null(val) ? val->len : 0);
	}
	if (total > 256 * 1024) {
		msg_start(v, "");
		strbuf_addf(&v->msg, "Too long: must have at most %d bytes", 256 * 1024);
		msg_report(v, RULE_INVALID_SPEC, ynode_key(meta, "annotations"));
	}
	v->field = NULL;
}

bool validate_object_meta(struct model *m, struct object *o, const struct ynode *meta,
			  const struct k8s_kind *k, const struct ynode *doc)
{
	const struct ynode *labels = k->labels_path ? ynode_path(doc, k->labels_path) : NULL;
	struct vctx v = { m, o, NULL, STRBUF_INIT, STRBUF_INIT, false, !m->decoding_kept, NULL };
	/* Annotations change nothing npcheck computes: only a NetworkPolicy's are checked. */
	validate_meta(&v, meta, k->name, k->namespaced, false);
	if (labels) {
		/* ValidatePodTemplateSpec (the template's labels), ValidateService (its
		 * selector): validated as labels. */
		size_t base = v.path.len;
		strbuf_addstr(&v.path, k->labels_path);
		validate_label_map(&v, labels, NULL);
		path_pop(&v, base);
	}
	strbuf_release(&v.path);
	strbuf_release(&v.msg);
	if (v.invalid)
		o->invalid = true;
	return v.invalid;
}

/* ---- spec ---- */

/* ValidateLabelSelector, with invalid label values in selectors not allowed (the
 * create-time option). v->path names the selector. */
static void validate_selector(struct vctx *v, const struct selector *s)
{
	if (!s->node)
		return;
	size_t base = path_push(v, ".matchLabels");
	validate_labels(v, s->ml, s->nml);
	path_pop(v, base);

	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_expr *e = &s->exprs[i];
		const struct ynode *vals = ynode_get(e->node, "values");
		size_t nvals = vals && vals->kind == YN_SEQ ? vals->n : 0, len;
		struct msgs ms = { { NULL }, 0 };

		base = path_push_item(v, ".", "matchExpressions", (long long)i);
		switch (e->op) {
		case SEL_IN:
		case SEL_NOT_IN:
			if (nvals == 0)
				err_required(v, e->values_node ? e->values_node : e->node, ".values",
					     "must be specified when `operator` is 'In' or 'NotIn'");
			break;
		case SEL_EXISTS:
		case SEL_DOES_NOT_EXIST:
			if (nvals > 0)
				err_forbidden(v, e->values_node, ".values",
					      "may not be specified when `operator` is 'Exists' or "
					      "'DoesNotExist'");
			break;
		case SEL_BAD_OP: {
			const struct ynode *op_key = ynode_key(e->node, "operator");
			const char *op = node_text(ynode_get(e->node, "operator"), &len);
			err_invalid_str(v, op_key ? op_key : e->node, ".operator", op, len,
					"not a valid selector operator");
			break;
		}
		}
		const struct ynode *key_key = ynode_key(e->node, "key");
		const char *key = node_text(ynode_get(e->node, "key"), &len);
		check_once(v, INTERN_LABEL_KEY, key, len, NULL, &ms);
		err_invalid_msgs(v, key_key ? key_key : e->node, ".key", key, len, &ms);
		for (size_t j = 0; j < nvals; j++) {
			const char *val = node_text(vals->kids[j], &len);
			size_t vb = path_push_item(v, ".", "values", (long long)j);
			ms.n = 0;
			check_once(v, INTERN_LABEL_VALUE, val, len, NULL, &ms);
			err_invalid_msgs(v, vals->kids[j], "", val, len, &ms);
			path_pop(v, vb);
		}
		path_pop(v, base);
	}
}

/* ValidateNetworkPolicyPort. v->path names the port item. */
static void validate_port(struct vctx *v, const struct np_port *pt)
{
	static const char *const protos[] = { "TCP", "UDP", "SCTP" };
	long long port = 0, end = 0;
	size_t len;

	if (pt->proto_text) {
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
			known |= !strcmp(pt->proto_text, protos[i]);
		if (!known) {
			const char *text = node_text(ynode_get(pt->node, "protocol"), &len);
			err_unsupported(v, RULE_UNSUPPORTED_PROTOCOL, pt->proto_key, ".protocol",
					text, len, protos, ARRAY_SIZE(protos));
		}
	}
	/* The decoder clamps numbers; the message shows the number as written. */
	if (pt->has_end_port && ynode_int(ynode_get(pt->node, "endPort"), &end))
		end = pt->end_port;
	if (!pt->has_port) {
		if (pt->has_end_port)
			err_invalid_int(v, pt->end_port_key, ".endPort", end,
					"may not be specified when `port` is not specified");
		return;
	}
	if (!pt->port_name) {
		if (ynode_int(ynode_get(pt->node, "port"), &port))
			port = pt->port;
		if (port < PORT_MIN || port > PORT_MAX)
			err_invalid_int(v, pt->port_key, ".port", port,
					"must be between 1 and 65535, inclusive");
		if (pt->has_end_port) {
			/* The API server names `port`'s value here, not endPort's. */
			if (end < port)
				err_invalid_int(v, pt->end_port_key, ".endPort", port,
						"must be greater than or equal to `port`");
			if (end < PORT_MIN || end > PORT_MAX)
				err_invalid_int(v, pt->end_port_key, ".endPort", end,
						"must be between 1 and 65535, inclusive");
		}
		return;
	}
	if (pt->has_end_port)
		err_invalid_int(v, pt->end_port_key, ".endPort", end,
				"may not be specified when `port` is non-numeric");
	const char *name = node_text(ynode_get(pt->node, "port"), &len);
	struct msgs ms = { { NULL }, 0 };
	check_port_name(name, len, &ms);
	err_invalid_msgs(v, pt->port_key, ".port", name, len, &ms);
}

/*
 * Go's IPNet.Contains(ip) for the network of c, on the address ip of family fam, as
 * ValidateIPBlock uses it: both sides are first reduced to 4 bytes when they hold an
 * IPv4 (or IPv4-mapped IPv6) address, and differing lengths never contain each other.
 */
static bool go_net_contains(const struct cidr *c, int fam, u128 ip)
{
	int nlen = 16, mbits = c->prefix;
	u128 net = c->lo;
	if (c->family == AF_V4) {
		nlen = 4;
	} else if (c->lo >> 32 == 0xFFFF) {
		nlen = 4; /* To4() of the network; its mask keeps the last 32 bits */
		net = c->lo & IPV4_MAX;
		mbits = c->prefix - 96;
	}
	int ilen = 16;
	if (fam == AF_V4) {
		ilen = 4;
	} else if (ip >> 32 == 0xFFFF) {
		ilen = 4;
		ip &= IPV4_MAX;
	}
	if (ilen != nlen)
		return false;
	int bits = nlen * 8;
	if (mbits <= 0)
		return true;
	return (net ^ ip) >> (bits - mbits) == 0;
}

static const char msg_cidr[] =
	"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/* ValidateIPBlock. v->path names the ipBlock. Fills cidr_parsed and except_parsed. */
static void validate_ipblock(struct vctx *v, struct ipblock *ipb)
{
	size_t len;
	const char *cidr = node_text(ynode_get(ipb->node, "cidr"), &len);
	if (!len) {
		err_required(v, ipb->cidr_key ? ipb->cidr_key : ipb->key_node, ".cidr", "");
		return;
	}
	if (strlen(cidr) != len || cidr_parse(cidr, &ipb->cidr_parsed, NULL)) {
		err_invalid_str(v, ipb->cidr_key, ".cidr", cidr, len, msg_cidr);
		return;
	}
	if (ipb->nexcept)
		ipb->except_parsed = ARENA_ARRAY(v->m->arena, struct cidr, ipb->nexcept);
	for (size_t i = 0; i < ipb->nexcept; i++) {
		const struct ynode *at = ipb->except_nodes[i];
		const char *ex = node_text(at, &len);
		struct cidr *e = &ipb->except_parsed[i];
		size_t base = path_push_item(v, ".", "except", (long long)i);
		if (strlen(ex) != len || cidr_parse(ex, e, NULL)) {
			err_invalid_str(v, at, "", ex, len, msg_cidr);
		} else if (!go_net_contains(&ipb->cidr_parsed, e->family, e->lo) ||
			   ipb->cidr_parsed.prefix >= e->prefix) {
			/* Contained and strictly longer prefix; a family mismatch fails too. */
			err_invalid_str(v, at, "", ex, len, "must be a strict subset of `cidr`");
		}
		path_pop(v, base);
	}
	/* Checked as written (Go compares the raw prefix lengths above); used as what it
	 * denotes. */
	cidr_unmap(&ipb->cidr_parsed);
	for (size_t i = 0; i < ipb->nexcept; i++)
		cidr_unmap(&ipb->except_parsed[i]);
}

/* ValidateNetworkPolicyPeer. v->path names the peer item. */
static void validate_peer(struct vctx *v, struct peer *pe)
{
	int n = 0;
	size_t base;
	if (pe->pod_sel.node) {
		n++;
		base = path_push(v, ".podSelector");
		validate_selector(v, &pe->pod_sel);
		path_pop(v, base);
	}
	if (pe->ns_sel.node) {
		n++;
		base = path_push(v, ".namespaceSelector");
		validate_selector(v, &pe->ns_sel);
		path_pop(v, base);
	}
	if (pe->ipb) {
		n++;
		base = path_push(v, ".ipBlock");
		validate_ipblock(v, pe->ipb);
		path_pop(v, base);
	}
	if (n == 0)
		err_required(v, pe->node, "", "must specify a peer");
	else if (n > 1 && pe->ipb)
		err_forbidden(v, pe->node, "", "may not specify both ipBlock and another peer");
}

/* ValidateNetworkPolicySpec's policyTypes: "Ingress" and/or "Egress", at most two. */
static void validate_types(struct vctx *v)
{
	static const char *const types[] = { "Ingress", "Egress" };
	struct policy *p = v->p;
	size_t len;

	if (!p->types_given)
		return;
	if (p->ntypes > ARRAY_SIZE(types)) {
		/* The value printed is the slice, with %#v. */
		msg_start(v, "spec.policyTypes");
		strbuf_addstr(&v->msg, "Invalid value: []networking.PolicyType{");
		for (size_t i = 0; i < p->ntypes; i++) {
			const char *t = node_text(p->type_nodes[i], &len);
			if (i)
				strbuf_addstr(&v->msg, ", ");
			escape_go_quote(&v->msg, t, len);
		}
		strbuf_addstr(&v->msg, "}: may not specify more than two policyTypes");
		msg_report(v, RULE_INVALID_SPEC, p->types_key);
		return;
	}
	for (size_t i = 0; i < p->ntypes; i++) {
		const char *t = node_text(p->type_nodes[i], &len);
		if (strlen(t) == len && (!strcmp(t, "Ingress") || !strcmp(t, "Egress")))
			continue;
		size_t base = path_push_item(v, "spec.", "policyTypes", (long long)i);
		err_unsupported(v, RULE_INVALID_SPEC, p->type_nodes[i], "", t, len, types,
				ARRAY_SIZE(types));
		path_pop(v, base);
	}
}

void validate_policy_forget(struct policy *p)
{
	for (int d = 0; d < DIR__COUNT; d++)
		for (size_t i = 0; i < p->nrules[d]; i++)
			for (size_t j = 0; j < p->rules[d][i].npeers; j++) {
				struct ipblock *b = p->rules[d][i].peers[j].ipb;
				if (!b)
					continue;
				memset(&b->cidr_parsed, 0, sizeof(b->cidr_parsed));
				b->except_parsed = NULL;
			}
}

void validate_policy(struct model *m, struct policy *p)
{
	if (p->obj->invalid)
		return;
	struct vctx v = { m, p->obj, p, STRBUF_INIT, STRBUF_INIT, false, false, NULL };

	const struct k8s_kind *k = k8s_kind_find("NetworkPolicy", p->obj->api_version);
	validate_meta(&v, p->obj->meta_node, k->name, k->namespaced, true);

	size_t base = path_push(&v, "spec.podSelector");
	validate_selector(&v, &p->pod_sel);
	path_pop(&v, base);

	static const char *const dir_name[DIR__COUNT] = { "ingress", "egress" };
	static const char *const peers_name[DIR__COUNT] = { "from", "to" };
	for (int d = 0; d < DIR__COUNT; d++) {
		for (size_t i = 0; i < p->nrules[d]; i++) {
			struct np_rule *r = &p->rules[d][i];
			size_t rb = path_push_item(&v, "spec.", dir_name[d], r->index);
			for (size_t j = 0; j < r->nports; j++) {
				size_t pb = path_push_item(&v, ".", "ports", (long long)j);
				validate_port(&v, &r->ports[j]);
				path_pop(&v, pb);
			}
			for (size_t j = 0; j < r->npeers; j++) {
				size_t pb = path_push_item(&v, ".", peers_name[d], (long long)j);
				validate_peer(&v, &r->peers[j]);
				path_pop(&v, pb);
			}
			path_pop(&v, rb);
		}
	}
	validate_types(&v);

	if (v.invalid)
		p->invalid = true;
	strbuf_release(&v.path);
	strbuf_release(&v.msg);
}

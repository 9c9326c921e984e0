/*
 * YAML 1.1 scalar resolution, as kubectl reads manifests: its YAML-to-JSON step
 * (sigs.k8s.io/yaml) decodes with go-yaml v2, whose resolver is reproduced here as a
 * table of forms tried in go-yaml's order. libyaml only parses; what a scalar means is
 * decided here, for the decoder.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "yaml11.h"

/* The text being resolved, and the same with every '_' removed (go-yaml drops them
 * before reading a number that starts with a digit or a sign). */
struct text {
	const char *s;
	size_t n;
	const char *p; /* s without '_' (NUL-terminated) */
	size_t pn;
	char hint;     /* go-yaml's first-character class: 'D' digit, 'S' sign, '.', 'M', 0 */
	/* Go's strconv.ParseInt(p, 0, 64), then ParseUint(p, 0, 64), read once. */
	int int_err;  /* 0, or ERANGE, or EINVAL */
	long long i;
	int base;     /* the base its prefix chose: 2, 8 (0o or a leading 0), 10, 16 */
	bool octal_o; /* base 8 from a 0o prefix */
	int uint_err;
	unsigned long long u;
};

static bool is_one_of(const struct text *t, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == t->n && !memcmp(*words, t->s, t->n))
			return true;
	return false;
}

static bool m_null(const struct text *t, struct y11_value *v)
{
	static const char *const w[] = { "", "~", "null", "Null", "NULL", NULL };
	(void)v;
	return is_one_of(t, w);
}

static bool m_true(const struct text *t, struct y11_value *v)
{
	static const char *const w[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					 "on", "On", "ON", NULL };
	v->b = true;
	return is_one_of(t, w);
}

static bool m_false(const struct text *t, struct y11_value *v)
{
	static const char *const w[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					 "off", "Off", "OFF", NULL };
	v->b = false;
	return is_one_of(t, w);
}

static bool m_inf(const struct text *t, struct y11_value *v)
{
	static const char *const pos[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
					   NULL };
	static const char *const neg[] = { "-.inf", "-.Inf", "-.INF", NULL };
	if (is_one_of(t, pos)) {
		v->f = HUGE_VAL;
		return true;
	}
	v->f = -HUGE_VAL;
	return is_one_of(t, neg);
}

static bool m_nan(const struct text *t, struct y11_value *v)
{
	static const char *const w[] = { ".nan", ".NaN", ".NAN", NULL };
	v->f = NAN;
	return is_one_of(t, w);
}

static size_t digits(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++;
	return j - i;
}

/* An optional exponent [eE][-+]?[0-9]+ at s[i..n): its end, or 0 when malformed. */
static size_t exponent(const char *s, size_t n, size_t i)
{
	if (i == n)
		return n;
	if (s[i] != 'e' && s[i] != 'E')
		return 0;
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	size_t d = digits(s, n, i);
	return d && i + d == n ? n : 0;
}

/* strtod on a text already known to be a decimal float: false when it overflows
 * (Go's ParseFloat returns ErrRange, and go-yaml keeps the text a string). */
static bool to_double(const char *s, size_t n, double *out)
{
	char buf[64], *heap = NULL, *q = n < sizeof(buf) ? buf : (heap = xmalloc(n + 1));
	memcpy(q, s, n);
	q[n] = '\0';
	errno = 0;
	double d = strtod(q, NULL);
	bool ok = !(errno == ERANGE && isinf(d));
	free(heap);
	*out = d;
	return ok;
}

static bool m_float_dot(const struct text *t, struct y11_value *v)
{
	/* strconv.ParseFloat of the text as written: \.[0-9]+([eE][-+]?[0-9]+)? */
	if (t->hint != '.')
		return false;
	size_t d = digits(t->s, t->n, 1);
	if (!d || !exponent(t->s, t->n, 1 + d))
		return false;
	return to_double(t->s, t->n, &v->f);
}

static bool int_of_base(const struct text *t, struct y11_value *v, int base, bool octal_o)
{
	if ((t->hint != 'D' && t->hint != 'S') || t->int_err || t->base != base ||
	    t->octal_o != octal_o)
		return false;
	v->i = t->i;
	return true;
}

static bool m_int_decimal(const struct text *t, struct y11_value *v)
{
	return int_of_base(t, v, 10, false);
}

static bool m_int_hex(const struct text *t, struct y11_value *v)
{
	return int_of_base(t, v, 16, false);
}

static bool m_int_octal_o(const struct text *t, struct y11_value *v)
{
	return int_of_base(t, v, 8, true);
}

static bool m_int_octal(const struct text *t, struct y11_value *v)
{
	return int_of_base(t, v, 8, false);
}

static bool m_int_binary(const struct text *t, struct y11_value *v)
{
	return int_of_base(t, v, 2, false);
}

static bool m_uint64(const struct text *t, struct y11_value *v)
{
	if ((t->hint != 'D' && t->hint != 'S') || t->uint_err)
		return false;
	v->big = true;
	return true;
}

static bool m_float(const struct text *t, struct y11_value *v)
{
	/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ on the text without '_' */
	if (t->hint != 'D' && t->hint != 'S')
		return false;
	const char *s = t->p;
	size_t n = t->pn, i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		size_t d = digits(s, n, i + 1);
		if (!d)
			return false;
		i += 1 + d;
	} else {
		size_t d = digits(s, n, i);
		if (!d)
			return false;
		i += d;
		if (i < n && s[i] == '.')
			i += 1 + digits(s, n, i + 1);
	}
	if (!exponent(s, n, i))
		return false;
	return to_double(s, n, &v->f);
}

static bool m_int_big(const struct text *t, struct y11_value *v)
{
	/* go-yaml hands math/big only what ParseUint found out of range */
	if ((t->hint != 'D' && t->hint != 'S') || t->uint_err != ERANGE)
		return false;
	v->big = true;
	return true;
}

/*
 * The forms, in the order go-yaml v2 (resolve.go) tries them on a plain scalar. The first
 * five are its table of words, looked up first; the rest depend on the first character:
 * a digit or a sign reads numbers with every '_' removed (ParseInt, then ParseUint, then
 * the float pattern, then math/big), a '.' reads a float. Anything else is a string;
 * so is a timestamp (2001-12-14), whose text kubectl rewrites in RFC 3339 (not done here).
 */
static const struct form {
	const char *name;
	const char *example;
	enum y11_type type;
	bool (*match)(const struct text *t, struct y11_value *v);
} forms[] = {
	/* ~, null, Null, NULL and the empty scalar */
	{ "null", "~", Y11_NULL, m_null },
	/* y Y yes Yes YES true True TRUE on On ON */
	{ "bool-true", "yes", Y11_BOOL, m_true },
	/* n N no No NO false False FALSE off Off OFF */
	{ "bool-false", "Off", Y11_BOOL, m_false },
	/* .inf .Inf .INF, also with + or - */
	{ "float-inf", "-.Inf", Y11_FLOAT, m_inf },
	/* .nan .NaN .NAN */
	{ "float-nan", ".NaN", Y11_FLOAT, m_nan },
	/* a '.' first: strconv.ParseFloat, \.[0-9]+([eE][-+]?[0-9]+)? */
	{ "float-dot", ".5e2", Y11_FLOAT, m_float_dot },
	/* [-+]?[1-9][0-9]* (and 0), '_' dropped: 8_0 is 80 */
	{ "int-decimal", "+80", Y11_INT, m_int_decimal },
	/* [-+]?0[xX][0-9a-fA-F]+ */
	{ "int-hex", "0x50", Y11_INT, m_int_hex },
	/* [-+]?0[oO][0-7]+ (Go's prefix; YAML 1.2 style) */
	{ "int-octal-0o", "0o120", Y11_INT, m_int_octal_o },
	/* [-+]?0[0-7]+: a leading 0 is octal only when every digit is 0-7 */
	{ "int-octal", "0120", Y11_INT, m_int_octal },
	/* [-+]?0[bB][01]+ */
	{ "int-binary", "0b1010000", Y11_INT, m_int_binary },
	/* beyond int64 but within uint64, no sign */
	{ "int-uint64", "18446744073709551615", Y11_INT, m_uint64 },
	/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?: 80.0, 8e1, and 0800 (no octal:
	 * it has an 8) and 99999999999999999999 (beyond uint64); overflow stays a string */
	{ "float", "80.0", Y11_FLOAT, m_float },
	/* an unsigned hex, octal or binary integer beyond uint64: math/big */
	{ "int-big", "0x10000000000000000", Y11_INT, m_int_big },
};

const struct y11_form_info *yaml11_forms(size_t *n)
{
	static struct y11_form_info info[ARRAY_SIZE(forms)];
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		info[i].name = forms[i].name;
		info[i].example = forms[i].example;
	}
	*n = ARRAY_SIZE(forms);
	return info;
}

/* Go's strconv.ParseUint(s, 0, 64): 0, EINVAL or ERANGE; *base the base it chose. */
static int go_parse_uint(const char *s, size_t n, unsigned long long *out, int *base,
			 bool *octal_o)
{
	size_t i = 0;
	*base = 10;
	*octal_o = false;
	if (n == 0)
		return EINVAL;
	if (s[0] == '0') {
		char c = n >= 3 ? (char)(s[1] | 0x20) : 0;
		if (c == 'b' || c == 'o' || c == 'x') {
			*base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
			*octal_o = c == 'o';
			i = 2;
		} else {
			*base = 8;
			i = 1;
		}
	}
	unsigned long long v = 0;
	int err = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return EINVAL;
		if (d >= (unsigned)*base)
			return EINVAL;
		if (err || v > (ULLONG_MAX - d) / (unsigned)*base)
			err = ERANGE; /* keep checking the syntax */
		else
			v = v * (unsigned)*base + d;
	}
	*out = v;
	return err;
}

/* Go's strconv.ParseInt(s, 0, 64). */
static int go_parse_int(const char *s, size_t n, long long *out, int *base, bool *octal_o)
{
	bool neg = false;
	unsigned long long u = 0;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	int err = go_parse_uint(s, n, &u, base, octal_o);
	if (err)
		return err;
	if (!neg && u > (unsigned long long)LLONG_MAX)
		return ERANGE;
	if (neg && u > (unsigned long long)LLONG_MAX + 1)
		return ERANGE;
	*out = neg ? (long long)(0 - u) : (long long)u;
	return 0;
}

static enum y11_type resolve_plain(const char *s, size_t n, struct y11_value *v)
{
	struct text t = { .s = s, .n = n };
	char buf[128], *heap = NULL;
	unsigned char c0 = n ? (unsigned char)s[0] : 0;

	if (memchr(s, '\0', n)) {
		v->form = "string";
		return Y11_STR;
	}
	t.hint = !n ? 'M' : (c0 >= '0' && c0 <= '9') ? 'D' : (c0 == '+' || c0 == '-') ? 'S'
		: c0 == '.' ? '.' : strchr("yYnNtTfFoO~", c0) ? 'M' : 0;
	/* No word of null or bool is longer than five letters: nothing else starts so. */
	if (!t.hint || (t.hint == 'M' && n > 5)) {
		v->form = "string";
		return Y11_STR;
	}
	/* The commonest number, a port: [1-9][0-9]* that fits (and 0) is int-decimal, as
	 * the table below finds it (no earlier row takes a string of digits). */
	if (t.hint == 'D' && n <= 18 && (c0 != '0' || n == 1)) {
		long long i = 0;
		size_t k = 0;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			i = i * 10 + (s[k++] - '0');
		if (k == n) {
			v->i = i;
			v->form = "int-decimal";
			return Y11_INT;
		}
	}
	if (t.hint == 'D' || t.hint == 'S') {
		char *p = n < sizeof(buf) ? buf : (heap = xmalloc(n + 1));
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (s[i] != '_')
				p[k++] = s[i];
		p[k] = '\0';
		t.p = p;
		t.pn = k;
		int ubase;
		bool uo;
		t.int_err = go_parse_int(p, k, &t.i, &t.base, &t.octal_o);
		t.uint_err = go_parse_uint(p, k, &t.u, &ubase, &uo);
	}
	enum y11_type type = Y11_STR;
	v->form = "string";
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		struct y11_value w = *v;
		if (forms[i].match(&t, &w)) {
			*v = w;
			v->form = forms[i].name;
			type = forms[i].type;
			break;
		}
	}
	/* "0" reads through the octal branch of ParseInt; it is a decimal zero all the same. */
	if (type == Y11_INT && !v->big && t.pn == 1 && t.p[0] == '0')
		v->form = "int-decimal";
	free(heap);
	return type;
}

enum y11_type yaml11_resolve(const char *s, size_t len, bool plain, enum ytag tag,
			     struct y11_value *out)
{
	memset(out, 0, sizeof(*out));
	if ((!plain && tag == YT_NONE) || tag == YT_STR || tag == YT_MERGE || tag == YT_OTHER) {
		out->form = "string";
		return out->type = Y11_STR;
	}
	enum y11_type t = resolve_plain(s, len, out);
	/* A resolvable tag must agree with what the text reads as; !!float takes an int. */
	switch (tag) {
	case YT_NONE:
		break;
	case YT_INT:
		if (t != Y11_INT)
			t = Y11_BAD;
		break;
	case YT_FLOAT:
		if (t == Y11_INT && !out->big) {
			out->f = (double)out->i;
			t = Y11_FLOAT;
		} else if (t != Y11_FLOAT) {
			t = Y11_BAD;
		}
		break;
	case YT_BOOL:
		if (t != Y11_BOOL)
			t = Y11_BAD;
		break;
	case YT_NULL:
		if (t != Y11_NULL)
			t = Y11_BAD;
		break;
	default:
		break;
	}
	return out->type = t;
}

int yaml11_int(const struct y11_value *v, long long *out)
{
	if (v->type == Y11_INT && !v->big) {
		*out = v->i;
		return 0;
	}
	/* JSON writes an integral float without a fraction; an int field then reads it. */
	if (v->type == Y11_FLOAT && isfinite(v->f) && v->f == trunc(v->f) &&
	    v->f >= -9223372036854775808.0 && v->f < 9223372036854775808.0) {
		*out = (long long)v->f;
		return 0;
	}
	return -1;
}

const char *yaml11_type_name(enum y11_type t)
{
	switch (t) {
	case Y11_NULL: return "null";
	case Y11_BOOL: return "boolean";
	case Y11_INT:
	case Y11_FLOAT: return "number";
	case Y11_STR: return "string";
	case Y11_BAD: break;
	}
	return "scalar whose tag does not match its value";
}

enum ytag yaml11_tag(const char *tag)
{
	static const struct {
		const char *name;
		enum ytag tag;
	} tags[] = {
		{ "tag:yaml.org,2002:str", YT_STR },     { "tag:yaml.org,2002:binary", YT_STR },
		{ "tag:yaml.org,2002:int", YT_INT },     { "tag:yaml.org,2002:float", YT_FLOAT },
		{ "tag:yaml.org,2002:bool", YT_BOOL },   { "tag:yaml.org,2002:null", YT_NULL },
		{ "tag:yaml.org,2002:merge", YT_MERGE },
	};
	if (!tag)
		return YT_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++)
		if (!strcmp(tags[i].name, tag))
			return tags[i].tag;
	return YT_OTHER;
}

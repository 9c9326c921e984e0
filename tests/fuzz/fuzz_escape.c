/*
 * libFuzzer target: every format's escaping (escape.c) of arbitrary bytes is valid for
 * its reader, and reads back to the input where the format can hold it:
 *   text, github  valid UTF-8 without a control character (github: no raw CR or LF, and
 *                 in a property no ':' or ',');
 *   json          a valid string literal that decodes to the input when the input is
 *                 valid UTF-8;
 *   xml           well-formed character data, decoding to the input when the input
 *                 holds only characters XML allows;
 *   csv           one RFC 4180 field, never starting with = + - @ when read;
 *   md            no raw line break, '<', '>', or unescaped '|';
 *   dot           one complete quoted ID.
 * The input is the string, cut at its first NUL byte.
 */
#include <string.h>

#include "escape.h"
#include "fuzz_check.h"

/* The length of the well-formed UTF-8 sequence at s, with its code point; 0 if none. */
static size_t seq(const unsigned char *s, size_t len, unsigned *r)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3
		 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
	unsigned v = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
	if (!n || n > len)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[k] & 0x3Fu);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*r = v;
	return n;
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	unsigned r;
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = seq(p + i, len - i, &r)))
			return false;
	return true;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static void put_utf8(struct strbuf *sb, unsigned r)
{
	char b[4];
	if (r < 0x80) {
		strbuf_addch(sb, (char)r);
	} else if (r < 0x800) {
		b[0] = (char)(0xC0 | r >> 6);
		b[1] = (char)(0x80 | (r & 0x3F));
		strbuf_add(sb, b, 2);
	} else {
		b[0] = (char)(0xE0 | r >> 12);
		b[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		b[2] = (char)(0x80 | (r & 0x3F));
		strbuf_add(sb, b, 3);
	}
}

/* A JSON string literal: is it one, and what does it decode to? */
static bool json_decode(const char *s, struct strbuf *out)
{
	if (*s++ != '"')
		return false;
	while (*s != '"') {
		unsigned char c = (unsigned char)*s;
		if (!c || c < 0x20)
			return false;
		if (c != '\\') {
			strbuf_addch(out, *s++);
			continue;
		}
		s++;
		switch (*s) {
		case '"': case '\\': case '/': strbuf_addch(out, *s); break;
		case 'n': strbuf_addch(out, '\n'); break;
		case 'r': strbuf_addch(out, '\r'); break;
		case 't': strbuf_addch(out, '\t'); break;
		case 'b': strbuf_addch(out, '\b'); break;
		case 'f': strbuf_addch(out, '\f'); break;
		case 'u': {
			unsigned v = 0;
			for (int k = 1; k <= 4; k++) {
				char h = s[k];
				if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
					return false;
				v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
			}
			if (v >= 0xD800 && v <= 0xDFFF)
				return false; /* escape.c never writes surrogates */
			put_utf8(out, v);
			s += 4;
			break;
		}
		default:
			return false;
		}
		s++;
	}
	return s[1] == '\0';
}

/* XML character data (or an attribute value): entities and references decoded. */
static bool xml_decode(const char *s, struct strbuf *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' }, { "&#9;", '\t' }, { "&#10;", '\n' }, { "&#13;", '\r' },
	};
	if (!valid_utf8(s))
		return false;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (c == '<' || c == '>' || c == '"' || c == '\'' || c < 0x20)
			return false;
		if (!strncmp(s, "\xef\xbf\xbe", 3) || !strncmp(s, "\xef\xbf\xbf", 3))
			return false;
		if (c != '&') {
			strbuf_addch(out, *s++);
			continue;
		}
		size_t k = 0;
		while (k < ARRAY_SIZE(ents) && strncmp(s, ents[k].ent, strlen(ents[k].ent)))
			k++;
		if (k == ARRAY_SIZE(ents))
			return false;
		strbuf_addch(out, ents[k].c);
		s += strlen(ents[k].ent);
	}
	return true;
}

/* Does the input hold only characters XML 1.0 allows? */
static bool xml_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	unsigned r;
	for (size_t i = 0, n; i < len; i += n) {
		if (!(n = seq(p + i, len - i, &r)))
			return false;
		if ((r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF)
			return false;
	}
	return true;
}

/* One RFC 4180 field (no record separator inside it), decoded. */
static bool csv_decode(const char *s, struct strbuf *out)
{
	if (*s != '"') {
		if (strpbrk(s, ",\"\r\n"))
			return false;
		strbuf_addstr(out, s);
		return true;
	}
	for (s++; *s; s++) {
		if (*s == '"') {
			if (s[1] != '"')
				return s[1] == '\0';
			s++;
		} else if (*s == '\r' || *s == '\n') {
			return false;
		}
		strbuf_addch(out, *s);
	}
	return false;
}

/* Is the character at p escaped by an odd run of backslashes before it? */
static bool escaped(const char *start, const char *p)
{
	size_t n = 0;
	while (p > start && p[-1] == '\\') {
		p--;
		n++;
	}
	return n % 2;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *in = malloc(size + 1);
	struct strbuf sb = STRBUF_INIT, dec = STRBUF_INIT;
	memcpy(in, data, size);
	in[size] = '\0';

	escape_text(&sb, in);
	FUZZ_CHECK(valid_utf8(sb.buf) && !has_control(sb.buf), "text: %s", sb.buf);

	for (int prop = 0; prop < 2; prop++) {
		strbuf_reset(&sb);
		escape_github(&sb, in, prop);
		FUZZ_CHECK(valid_utf8(sb.buf) && !has_control(sb.buf), "github: %s", sb.buf);
		FUZZ_CHECK(!prop || !strpbrk(sb.buf, ":,"), "github property: %s", sb.buf);
	}

	strbuf_reset(&sb);
	escape_json(&sb, in);
	FUZZ_CHECK(valid_utf8(sb.buf) && json_decode(sb.buf, &dec), "json: %s", sb.buf);
	FUZZ_CHECK(!valid_utf8(in) || !strcmp(dec.buf, in),
		   "json does not read back: %s", sb.buf);

	strbuf_reset(&sb);
	strbuf_reset(&dec);
	escape_xml(&sb, in);
	FUZZ_CHECK(xml_decode(sb.buf, &dec), "xml: %s", sb.buf);
	FUZZ_CHECK(!xml_chars(in) || !strcmp(dec.buf, in),
		   "xml does not read back: %s", sb.buf);

	strbuf_reset(&sb);
	strbuf_reset(&dec);
	escape_csv(&sb, in);
	FUZZ_CHECK(valid_utf8(sb.buf) && csv_decode(sb.buf, &dec),
		   "csv: %s", sb.buf);
	FUZZ_CHECK(!dec.len || !strchr("=+-@", dec.buf[0]), "csv formula: %s", sb.buf);
	FUZZ_CHECK(!dec.len || !has_control(dec.buf), "csv control: %s", sb.buf);

	strbuf_reset(&sb);
	escape_md(&sb, in);
	FUZZ_CHECK(valid_utf8(sb.buf) && !has_control(sb.buf) && !strpbrk(sb.buf, "<>"),
		   "md: %s", sb.buf);
	for (const char *p = sb.buf; (p = strchr(p, '|')) != NULL; p++)
		FUZZ_CHECK(escaped(sb.buf, p), "md: a raw '|': %s", sb.buf);

	strbuf_reset(&sb);
	escape_dot(&sb, in);
	FUZZ_CHECK(valid_utf8(sb.buf) && !has_control(sb.buf) && sb.len >= 2 &&
		   sb.buf[0] == '"' && sb.buf[sb.len - 1] == '"' &&
		   !escaped(sb.buf, sb.buf + sb.len - 1), "dot: %s", sb.buf);
	for (const char *p = sb.buf + 1; (p = strchr(p, '"')) != NULL && p < sb.buf + sb.len - 1; p++)
		FUZZ_CHECK(escaped(sb.buf, p), "dot: a raw quote: %s", sb.buf);

	strbuf_release(&sb);
	strbuf_release(&dec);
	free(in);
	return 0;
}

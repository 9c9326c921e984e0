/* Escaping input text for each output's reader (text, JSON, XML, CSV, Markdown, DOT, GitHub). */
#include <stdio.h>
#include <string.h>

#include "escape.h"

static const char hex[] = "0123456789abcdef";

/* The length of the well-formed UTF-8 sequence at s (of at most len bytes), with its
 * code point in *r; 0 when the byte at s does not start one. */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *r)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3
		 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
	uint32_t v = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
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

/* The code points Go's IsPrint rejects that the API server's messages escape. */
static bool go_invisible(uint32_t r)
{
	return (r >= 0x80 && r <= 0xA0) || r == 0xAD || (r >= 0x200B && r <= 0x200F) ||
	       (r >= 0x2028 && r <= 0x202E) || (r >= 0x2060 && r <= 0x2064) || r == 0xFEFF;
}

/* Those, and the others that reorder, hide or break text on a terminal. */
static bool invisible(uint32_t r)
{
	return go_invisible(r) || r == 0x061C || r == 0x180E || (r >= 0x2065 && r <= 0x206F) ||
	       (r >= 0xFFF9 && r <= 0xFFFB) || r == 0xFFFE || r == 0xFFFF ||
	       (r >= 0xE0000 && r <= 0xE007F);
}

static void add_hex_byte(struct strbuf *sb, unsigned char c)
{
	char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
	strbuf_add(sb, e, 4);
}

static void add_u(struct strbuf *sb, uint32_t r)
{
	if (r > 0xFFFF)
		strbuf_addf(sb, "\\U%08x", (unsigned)r);
	else
		strbuf_addf(sb, "\\u%04x", (unsigned)r);
}

static const char *c_escape(unsigned char c)
{
	switch (c) {
	case '\a': return "\\a";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '\v': return "\\v";
	default: return NULL;
	}
}

void escape_text_n(struct strbuf *sb, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		size_t start = i;
		/* The common case: a run of printable ASCII, copied at once. */
		while (i < len && s[i] >= 0x20 && s[i] < 0x7f)
			i++;
		if (i > start)
			strbuf_add(sb, str + start, i - start);
		if (i == len)
			break;
		uint32_t r;
		size_t n = utf8_seq(s + i, len - i, &r);
		const char *e;
		if (n > 1 && !invisible(r)) {
			strbuf_add(sb, str + i, n);
		} else if (n > 1) {
			add_u(sb, r);
		} else if ((e = c_escape(s[i])) != NULL) {
			strbuf_addstr(sb, e);
			n = 1;
		} else {
			add_hex_byte(sb, s[i]);
			n = 1;
		}
		i += n;
	}
}

void escape_text(struct strbuf *sb, const char *s)
{
	escape_text_n(sb, s, strlen(s));
}

const char *escape_text_str(struct strbuf *sb, const char *s)
{
	strbuf_reset(sb);
	escape_text(sb, s ? s : "");
	return sb->buf;
}

void escape_eprintf(const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, out = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	escape_text_n(&out, msg.buf, msg.len);
	strbuf_addch(&out, '\n');
	fwrite(out.buf, 1, out.len, stderr);
	strbuf_release(&msg);
	strbuf_release(&out);
}

void escape_go_quote(struct strbuf *sb, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		uint32_t r;
		size_t n;
		const char *e;
		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)c);
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			strbuf_addch(sb, (char)c);
			i++;
		} else if ((e = c_escape(c)) != NULL) {
			strbuf_addstr(sb, e);
			i++;
		} else if ((n = utf8_seq(s + i, len - i, &r)) < 2) {
			add_hex_byte(sb, c);
			i++;
		} else {
			if (go_invisible(r))
				strbuf_addf(sb, "\\u%04x", (unsigned)r);
			else
				strbuf_add(sb, str + i, n);
			i += n;
		}
	}
	strbuf_addch(sb, '"');
}

void escape_json(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str);
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < len;) {
		size_t start = i;
		while (i < len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i > start)
			strbuf_add(sb, str + start, i - start);
		if (i == len)
			break;
		unsigned char c = s[i];
		uint32_t r;
		size_t n;
		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)c);
			i++;
		} else if (c < 0x20) {
			const char *e = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
				      : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
			if (e)
				strbuf_addstr(sb, e);
			else
				strbuf_addf(sb, "\\u%04x", c);
			i++;
		} else if ((n = utf8_seq(s + i, len - i, &r)) < 2) {
			strbuf_addstr(sb, "\\ufffd");
			i++;
		} else {
			if (r == 0x2028 || r == 0x2029)
				strbuf_addf(sb, "\\u%04x", (unsigned)r);
			else
				strbuf_add(sb, str + i, n);
			i += n;
		}
	}
	strbuf_addch(sb, '"');
}

void escape_xml(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str);
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		uint32_t r;
		size_t n;
		const char *e = NULL;
		switch (c) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&apos;"; break;
		case '\t': e = "&#9;"; break;
		case '\n': e = "&#10;"; break;
		case '\r': e = "&#13;"; break;
		default: break;
		}
		if (e) {
			strbuf_addstr(sb, e);
			i++;
		} else if (c >= 0x20 && c < 0x80) {
			strbuf_addch(sb, (char)c);
			i++;
		} else if ((n = utf8_seq(s + i, len - i, &r)) < 2) {
			escape_text_n(sb, str + i, 1); /* a control byte or invalid UTF-8 */
			i++;
		} else {
			if (r == 0xFFFE || r == 0xFFFF)
				add_u(sb, r);
			else
				strbuf_add(sb, str + i, n);
			i += n;
		}
	}
}

void escape_csv(struct strbuf *sb, const char *s)
{
	struct strbuf t = STRBUF_INIT;
	if (strchr("=+-@", s[0]) && s[0])
		strbuf_addch(&t, '\'');
	escape_text(&t, s);
	/* Quoted where Go's encoding/csv quotes (netpol-analyzer's diff writer): a comma, a
	 * quote, or a leading space. */
	if (strpbrk(t.buf, ",\"") || t.buf[0] == ' ') {
		strbuf_addch(sb, '"');
		for (const char *p = t.buf; *p; p++) {
			if (*p == '"')
				strbuf_addch(sb, '"');
			strbuf_addch(sb, *p);
		}
		strbuf_addch(sb, '"');
	} else {
		strbuf_add(sb, t.buf, t.len);
	}
	strbuf_release(&t);
}

void escape_md(struct strbuf *sb, const char *s)
{
	struct strbuf t = STRBUF_INIT;
	escape_text(&t, s);
	for (const char *p = t.buf; *p; p++) {
		switch (*p) {
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '|': strbuf_addstr(sb, "\\|"); break;
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		default: strbuf_addch(sb, *p);
		}
	}
	strbuf_release(&t);
}

void escape_dot(struct strbuf *sb, const char *s)
{
	struct strbuf t = STRBUF_INIT;
	escape_text(&t, s);
	strbuf_addch(sb, '"');
	for (const char *p = t.buf; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '"');
	strbuf_release(&t);
}

void escape_github(struct strbuf *sb, const char *s, bool property)
{
	struct strbuf t = STRBUF_INIT;
	escape_text(&t, s);
	for (const char *p = t.buf; *p; p++) {
		if (*p == '%')
			strbuf_addstr(sb, "%25");
		else if (*p == '\r')
			strbuf_addstr(sb, "%0D");
		else if (*p == '\n')
			strbuf_addstr(sb, "%0A");
		else if (property && *p == ':')
			strbuf_addstr(sb, "%3A");
		else if (property && *p == ',')
			strbuf_addstr(sb, "%2C");
		else
			strbuf_addch(sb, *p);
	}
	strbuf_release(&t);
}

/* The strbuf helpers the JSON and XML writers have always called (base.h). */
void strbuf_add_json_str(struct strbuf *sb, const char *s)
{
	escape_json(sb, s);
}

void strbuf_add_xml(struct strbuf *sb, const char *s)
{
	escape_xml(sb, s);
}

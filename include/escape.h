/*
 * How text from the input (names, values, file names, messages quoting them) is written
 * for each output's reader: the one module every writer and command uses, so that no
 * manifest string can break out of its field, start a line, move a terminal's cursor or
 * forge a GitHub workflow command. Each function appends to sb; s is the caller's.
 *
 * text     control characters, invalid UTF-8 and invisible or bidirectional code
 *          points as visible escapes in the style of Go's %q, without the quotes:
 *          \n \t \r \a \b \f \v, \xNN for other control bytes and for each byte of
 *          invalid UTF-8, \uNNNN (\UNNNNNNNN) for C1 controls, U+2028/U+2029, bidi
 *          controls, zero-width and other invisible code points, U+FFFE/U+FFFF.
 *          A backslash stays as it is (messages quote regular expressions), so the
 *          text form is for people, not meant to be parsed back.
 * json     a string literal, quotes included, always valid UTF-8: each byte of
 *          invalid UTF-8 becomes U+FFFD (\ufffd), controls \n \r \t \b \f or \u00NN,
 *          U+2028 and U+2029 \u2028 \u2029.
 * xml      text or attribute value (XML 1.0): & < > " ' as entities, tab, LF and CR
 *          as character references, and what XML forbids (other C0 controls,
 *          U+FFFE, U+FFFF, invalid UTF-8) as the text escapes above.
 * csv      one RFC 4180 field: text escapes, then a leading = + - @ prefixed with '
 *          (so no spreadsheet runs it as a formula), then quoted (with "" for ") when
 *          it holds a comma or a quote or starts with a space, as Go's encoding/csv.
 * md       a Markdown table cell: text escapes, then \ | as \\ \|, and & < > as
 *          entities (no HTML, no new cell, no new row).
 * dot      a Graphviz quoted ID, quotes included: text escapes, then \ and " escaped.
 * github   a workflow command's message or (property) property value: text escapes,
 *          then % CR LF as %25 %0D %0A, and in a property : , as %3A %2C.
 */
#ifndef NPCHECK_ESCAPE_H
#define NPCHECK_ESCAPE_H

#include "base.h"

void escape_text(struct strbuf *sb, const char *s);
void escape_text_n(struct strbuf *sb, const char *s, size_t len);
void escape_json(struct strbuf *sb, const char *s);
void escape_xml(struct strbuf *sb, const char *s);
void escape_csv(struct strbuf *sb, const char *s);
void escape_md(struct strbuf *sb, const char *s);
void escape_dot(struct strbuf *sb, const char *s);
void escape_github(struct strbuf *sb, const char *s, bool property);
/* Go's strconv.Quote, quotes included, as the API server's messages print values. */
void escape_go_quote(struct strbuf *sb, const char *s, size_t len);

/* For messages on stderr: sb reset to the text form of s; returns sb->buf. */
const char *escape_text_str(struct strbuf *sb, const char *s);
/* One line on stderr: the formatted message in its text form, then a newline. */
void escape_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

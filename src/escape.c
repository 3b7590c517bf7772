/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape.c - make input bytes safe to print (see escape.h).
 *
 * The decoder accepts only shortest-form UTF-8 of scalar values (no
 * surrogates, nothing above U+10FFFF), so an overlong or truncated
 * sequence is shown byte by byte and can never hide a control.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* utf8_decode - length of the well-formed sequence at s (0: not one) */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* is_hidden - a code point that acts instead of showing */
static bool
is_hidden(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||	/* C1 controls (CSI 0x9b) */
	       c == 0x061c ||			/* Arabic letter mark */
	       c == 0x200e || c == 0x200f ||	/* LRM, RLM */
	       (c >= 0x202a && c <= 0x202e) ||	/* embeddings, overrides */
	       (c >= 0x2066 && c <= 0x2069) ||	/* isolates */
	       c == 0x2028 || c == 0x2029 ||	/* line, paragraph separator */
	       c == 0xfeff;			/* BOM, zero-width no-break */
}

/* step - how s[0] starts: the bytes to copy (0: escape one byte) */
static size_t
step(const unsigned char *s, size_t n, unsigned flags, uint32_t *cp,
     bool *hidden)
{
	size_t len;

	*hidden = false;
	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if ((flags & BL_ESC_INVALID_ONLY) && s[0] < 0x80)
		return 1;
	if ((s[0] == '\n' && (flags & BL_ESC_KEEP_NL)) ||
	    (s[0] == '\t' && (flags & BL_ESC_KEEP_TAB)))
		return 1;
	if (s[0] < 0x80)
		return 0;
	len = utf8_decode(s, n, cp);
	if (len > 0 && is_hidden(*cp) && !(flags & BL_ESC_INVALID_ONLY))
		*hidden = true;
	return len;
}

/* bl_escape - append s[0, n) to b, made safe (see escape.h) */
void
bl_escape(struct bl_buf *b, const char *s, size_t n, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len, run;
	uint32_t cp;
	bool hidden;

	while (i < n) {
		/* copy the longest run that needs nothing */
		run = i;
		while (run < n && (len = step(u + run, n - run, flags, &cp,
					      &hidden)) > 0 &&
		       !hidden)
			run += len;
		if (run > i)
			bl_buf_add(b, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		len = step(u + i, n - i, flags, &cp, &hidden);
		if (hidden) {
			bl_buf_printf(b, "\\u{%04x}", (unsigned)cp);
			i += len;
		} else if (u[i] == '\t' && (flags & BL_ESC_TAB_SPACE)) {
			bl_buf_addc(b, ' ');
			i++;
		} else if (u[i] == '\t') {
			bl_buf_adds(b, "\\t");
			i++;
		} else if (u[i] == '\n') {
			bl_buf_adds(b, "\\n");
			i++;
		} else if (u[i] == '\r') {
			bl_buf_adds(b, "\\r");
			i++;
		} else {
			bl_buf_adds(b, "\\x");
			bl_buf_addc(b, hex[u[i] >> 4]);
			bl_buf_addc(b, hex[u[i] & 15]);
			i++;
		}
	}
}

/* bl_escape_needed - would bl_escape change s[0, n)? */
int
bl_escape_needed(const char *s, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;
	bool hidden;

	while (i < n) {
		len = step(u + i, n - i, flags, &cp, &hidden);
		if (len == 0 || hidden)
			return 1;
		i += len;
	}
	return 0;
}

/* bl_escape_str - s escaped (caller frees) */
char *
bl_escape_str(const char *s, unsigned flags)
{
	struct bl_buf b;

	bl_buf_init(&b);
	bl_escape(&b, s, strlen(s), flags);
	return bl_buf_steal(&b);
}

/* bl_escape_print - s[0, n) escaped to fp */
void
bl_escape_print(FILE *fp, const char *s, size_t n, unsigned flags)
{
	struct bl_buf b;

	if (!bl_escape_needed(s, n, flags)) {
		fwrite(s, 1, n, fp);
		return;
	}
	bl_buf_init(&b);
	bl_escape(&b, s, n, flags);
	fwrite(b.data, 1, b.len, fp);
	bl_buf_finish(&b);
}

/* bl_escape_puts - s escaped to fp */
void
bl_escape_puts(FILE *fp, const char *s)
{
	bl_escape_print(fp, s, strlen(s), 0);
}

/* bl_escape_width - columns that bl_escape_print(s, n) takes on a terminal
 * (a character a column) */
size_t
bl_escape_width(const char *s, size_t n, unsigned flags)
{
	struct bl_buf b;
	size_t i, w = 0;

	bl_buf_init(&b);
	bl_escape(&b, s, n, flags);
	for (i = 0; i < b.len; i++)
		if (((unsigned char)b.data[i] & 0xc0) != 0x80)
			w++;
	bl_buf_finish(&b);
	return w;
}

/* bl_escape_json - a JSON document as a terminal may see it: DEL and the
 * code points bl_escape hides as \uXXXX escapes (JSON itself escapes the
 * C0 controls); they can only stand inside strings, so the document means
 * the same */
void
bl_escape_json(struct bl_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run, len;
	uint32_t cp;

	while (i < n) {
		run = i;
		for (;;) {
			if (run >= n)
				break;
			if (u[run] < 0x80) {
				if (u[run] == 0x7f)
					break;
				run++;
				continue;
			}
			len = utf8_decode(u + run, n - run, &cp);
			if (len == 0 || is_hidden(cp))
				break;
			run += len;
		}
		bl_buf_add(b, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		len = u[i] == 0x7f ? 1 : utf8_decode(u + i, n - i, &cp);
		if (u[i] == 0x7f)
			cp = 0x7f;
		if (len == 0) { /* not from jansson; keep the document valid */
			bl_buf_adds(b, "\\ufffd");
			i++;
			continue;
		}
		bl_buf_printf(b, "\\u%04x", (unsigned)cp);
		i += len;
	}
}

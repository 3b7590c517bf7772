/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_ps.c - values as PowerShell string expressions, for the
 * commands of an Exchange fix script (Set-ReceiveConnector -Banner '...').
 *
 * What is written is printable ASCII only (0x20..0x7E), whatever the
 * value holds, so the script reads the same in every code page. Windows
 * PowerShell 5.1 reads a script without a BOM in the ANSI code page,
 * where 0x82, 0x91 and 0x92 (continuation bytes of many UTF-8
 * characters) are U+201A, U+2018 and U+2019, and its tokenizer counts
 * those, with U+201B, as single quotes that end a literal: UTF-8 text in
 * a literal could close it early and run the rest as commands.
 *
 * A value of printable ASCII becomes a single-quoted (verbatim) literal:
 * it expands nothing, "$", "`" and '"' stand for themselves, and a quote
 * is written as two (about_Quoting_Rules; Windows PowerShell Language
 * Specification 3.0, 2.3.5.2 "String literals"). Any other value becomes
 * ('' + 'run' + [char]0xHHHH + ...): the runs of printable ASCII as
 * literals, every other character by its code, and the empty literal
 * first so that "+" concatenates strings from the start. Bytes that are
 * not UTF-8 have no character to name, so they give NULL and the caller
 * offers no fix rather than a guess.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "exchange.h"
#include "util.h"

/* is_print - a byte that stands as itself in the script (0x20..0x7E) */
static bool
is_print(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e;
}

/*
 * utf8_next - decode the character at s into *cp; its length in bytes,
 * or 0 when s does not start a well-formed UTF-8 sequence (Unicode 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF). s is
 * NUL-terminated and NUL is no continuation byte, so a sequence cut short
 * stops at it.
 */
static size_t
utf8_next(uint32_t *cp, const unsigned char *s)
{
	uint32_t c, min;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1fu;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0fu;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07u;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* add_hex - append cp in upper-case hex, at least digits digits */
static void
add_hex(struct bl_buf *b, uint32_t cp, int digits)
{
	static const char hex[] = "0123456789ABCDEF";
	char tmp[8];
	int n = 0;

	do {
		tmp[n++] = hex[cp & 0xf];
		cp >>= 4;
	} while (cp != 0 || n < digits);
	while (n > 0)
		bl_buf_addc(b, tmp[--n]);
}

/* add_literal - append s[0..n) (printable ASCII) as a verbatim literal */
static void
add_literal(struct bl_buf *b, const char *s, size_t n)
{
	size_t i;

	bl_buf_addc(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			bl_buf_addc(b, '\'');
		bl_buf_addc(b, s[i]);
	}
	bl_buf_addc(b, '\'');
}

/* bl_ex_quote - value as a printable-ASCII PowerShell string expression,
 * NULL as $null; NULL when value is not UTF-8 (caller frees) */
char *
bl_ex_quote(const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	struct bl_buf b;
	bool plain = true;
	size_t i, n, run;
	uint32_t cp;

	if (value == NULL)
		return bl_xstrdup("$null");
	for (i = 0; s[i] != '\0'; i += n) {
		n = utf8_next(&cp, s + i);
		if (n == 0)
			return NULL;
		if (!is_print(s[i]))
			plain = false;
	}
	bl_buf_init(&b);
	if (plain) {
		add_literal(&b, value, i);
		return bl_buf_steal(&b);
	}
	bl_buf_adds(&b, "(''");
	for (i = 0; s[i] != '\0'; i += n) {
		for (run = 0; is_print(s[i + run]); run++)
			;
		if (run > 0) {
			bl_buf_adds(&b, " + ");
			add_literal(&b, value + i, run);
			n = run;
			continue;
		}
		n = utf8_next(&cp, s + i);
		if (cp <= 0xffff) {
			bl_buf_adds(&b, " + [char]0x");
			add_hex(&b, cp, 4);
		} else {
			bl_buf_adds(&b, " + [char]::ConvertFromUtf32(0x");
			add_hex(&b, cp, 5);
			bl_buf_addc(&b, ')');
		}
	}
	bl_buf_addc(&b, ')');
	return bl_buf_steal(&b);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_ps.c - values as PowerShell string literals, for the commands
 * of an Exchange fix script (Set-ReceiveConnector -Banner '...').
 *
 * A single-quoted (verbatim) literal expands nothing: "$", "`" and '"'
 * stand for themselves, and so do CR and LF. Its only special character
 * is the single quote, and PowerShell's tokenizer counts four
 * typographic quotes as single quotes too, at either end of the literal;
 * a quote is written inside one by doubling it (about_Quoting_Rules;
 * Windows PowerShell Language Specification 3.0, 2.3.5.2 "String
 * literals": single-quote-character is U+0027, U+2018, U+2019, U+201A or
 * U+201B, and a verbatim-string-part is any character but those, or two
 * of them). Each quote is doubled as the same character, so the literal
 * reads back as the value byte for byte; it is the rule of PowerShell's
 * own CodeGeneration.EscapeSingleQuotedStringContent.
 *
 * The literal is UTF-8 and is only safe in a script PowerShell reads as
 * UTF-8: Windows PowerShell 5.1 reads a script without a BOM in the ANSI
 * code page, where bytes 0x82, 0x91 and 0x92 (continuation bytes of many
 * UTF-8 characters) are U+201A, U+2018 and U+2019.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "exchange.h"
#include "util.h"

/* quote_len - the length of the single quote at s (1 or 3 bytes), or 0 */
static size_t
quote_len(const unsigned char *s)
{
	if (s[0] == '\'')
		return 1;
	/* U+2018..U+201B: E2 80 98..9B (s[1] is NUL-checked first) */
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x98 && s[2] <= 0x9b)
		return 3;
	return 0;
}

/* bl_ex_quote - value as a single-quoted PowerShell literal, NULL as
 * $null (caller frees) */
char *
bl_ex_quote(const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n = 2, i, q;
	char *out, *p;

	if (value == NULL)
		return bl_xstrdup("$null");
	for (i = 0; s[i] != '\0'; i += q ? q : 1) {
		q = quote_len(s + i);
		if (SIZE_MAX - n <= 2 * (q ? q : 1))
			bl_fatal("a value too long to quote");
		n += q ? 2 * q : 1;
	}
	out = p = bl_xmalloc(n + 1);
	*p++ = '\'';
	for (i = 0; s[i] != '\0'; i += q ? q : 1) {
		q = quote_len(s + i);
		if (q == 0) {
			*p++ = (char)s[i];
			continue;
		}
		memcpy(p, s + i, q);
		memcpy(p + q, s + i, q);
		p += 2 * q;
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_exchange_ps.c - bl_ex_quote, the PowerShell string expressions of
 * the Exchange fix script.
 *
 * There is no PowerShell to ask here, so the table below is the judge,
 * written from about_Quoting_Rules and the Windows PowerShell Language
 * Specification 3.0, 2.3.5.2 "String literals": a verbatim-string-literal
 * opens and closes with a single-quote-character; inside it two of them
 * stand for one and nothing else is special ($, `, " are literal). The
 * spec counts U+2018..U+201B as single-quote-characters too, and in the
 * ANSI code page Windows PowerShell 5.1 reads a script without a BOM in,
 * UTF-8 continuation bytes 0x82, 0x91, 0x92 are three of them: so every
 * output must be printable ASCII, and read_ps refuses any other byte.
 *
 * read_ps is that grammar for the two forms bl_ex_quote writes, a
 * verbatim literal or ('' + ...) joining literals, [char]0xH... (a
 * hexadecimal-integer-literal, 2.3.5.1.1, cast to a UTF-16 code unit) and
 * [char]::ConvertFromUtf32(0xH...). It builds the UTF-16 string
 * PowerShell would and encodes it as UTF-8, so every output is read back
 * and must give the value byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "helpers.h"
#include "exchange.h"
#include "util.h"

#define LSQ "\xe2\x80\x98" /* U+2018 LEFT SINGLE QUOTATION MARK */
#define RSQ "\xe2\x80\x99" /* U+2019 RIGHT SINGLE QUOTATION MARK */
#define LOW "\xe2\x80\x9a" /* U+201A SINGLE LOW-9 QUOTATION MARK */
#define REV "\xe2\x80\x9b" /* U+201B SINGLE HIGH-REVERSED-9 QUOTATION MARK */
#define MAIL "\xf0\x9f\x93\xa7" /* U+1F4E7 E-MAIL SYMBOL */

static const struct {
	const char *value;
	const char *literal;
} table[] = {
    {"", "''"},
    {"220 mail.example.com ESMTP", "'220 mail.example.com ESMTP'"},
    {"'", "''''"},
    {"Bob's Connector", "'Bob''s Connector'"},
    {"EX01\\Bob's Connector", "'EX01\\Bob''s Connector'"},
    {"''", "''''''"},
    {"'a'", "'''a'''"},
    /* the text "$null" is a string, not the null */
    {"$null", "'$null'"},
    /* nothing expands in single quotes */
    {"$var", "'$var'"},
    {"$(Remove-Item C:\\ -Recurse)", "'$(Remove-Item C:\\ -Recurse)'"},
    {"${env:PATH} @(1) @{a=1}", "'${env:PATH} @(1) @{a=1}'"},
    {"`n`r`0`$ ``", "'`n`r`0`$ ``'"},
    {"say \"hi\"", "'say \"hi\"'"},
    {"a`'b", "'a`''b'"},
    {"\"; Remove-Item x; \"", "'\"; Remove-Item x; \"'"},
    {"'; Remove-Item x; '", "'''; Remove-Item x; '''"},
    {"# not a comment <# nor this #>", "'# not a comment <# nor this #>'"},
    {"('' + 'x')", "'('''' + ''x'')'"},
    {" ~", "' ~'"},
    /* the typographic quotes are characters by their codes, not doubled */
    {"Bob" RSQ "s", "('' + 'Bob' + [char]0x2019 + 's')"},
    {LSQ "x" RSQ, "('' + [char]0x2018 + 'x' + [char]0x2019)"},
    {LOW "y" REV, "('' + [char]0x201A + 'y' + [char]0x201B)"},
    {"'" RSQ, "('' + '''' + [char]0x2019)"},
    {RSQ "; Remove-Item x; " LSQ,
     "('' + [char]0x2019 + '; Remove-Item x; ' + [char]0x2018)"},
    /* U+201C/U+201D (double), U+2032 prime, U+02BC */
    {"\xe2\x80\x9c"
     "a"
     "\xe2\x80\x9d",
     "('' + [char]0x201C + 'a' + [char]0x201D)"},
    {"\xe2\x80\xb2\xca\xbc", "('' + [char]0x2032 + [char]0x02BC)"},
    /* control characters */
    {"220 a\r\n250 b",
     "('' + '220 a' + [char]0x000D + [char]0x000A + '250 b')"},
    {"a\nb\rc\td", "('' + 'a' + [char]0x000A + 'b' + [char]0x000D + 'c' + "
		   "[char]0x0009 + 'd')"},
    {"\n", "('' + [char]0x000A)"},
    {"'\n'", "('' + '''' + [char]0x000A + '''')"},
    {"\x1b[31m", "('' + [char]0x001B + '[31m')"},
    {"\x01\x1f\x7f", "('' + [char]0x0001 + [char]0x001F + [char]0x007F)"},
    /* other non-ASCII */
    {"220 m\xc3\xa4il\r\n",
     "('' + '220 m' + [char]0x00E4 + 'il' + [char]0x000D + [char]0x000A)"},
    {"220 m\xc3\xa4il.example.com \xe2\x82\xac " MAIL,
     "('' + '220 m' + [char]0x00E4 + 'il.example.com ' + [char]0x20AC + "
     "' ' + [char]::ConvertFromUtf32(0x1F4E7))"},
    {"\xe2\x82\xac", "('' + [char]0x20AC)"},
    {MAIL, "('' + [char]::ConvertFromUtf32(0x1F4E7))"},
    {MAIL "'" MAIL, "('' + [char]::ConvertFromUtf32(0x1F4E7) + '''' + "
		    "[char]::ConvertFromUtf32(0x1F4E7))"},
    /* the edges: U+0080 (0x80 is the euro sign in cp1252), no-break
     * space, the last of the BMP, the first and last above it */
    {"\xc2\x80\xc2\xa0", "('' + [char]0x0080 + [char]0x00A0)"},
    {"\xef\xbb\xbf\xef\xbf\xbf", "('' + [char]0xFEFF + [char]0xFFFF)"},
    {"\xf0\x90\x80\x80", "('' + [char]::ConvertFromUtf32(0x10000))"},
    {"\xf4\x8f\xbf\xbf", "('' + [char]::ConvertFromUtf32(0x10FFFF))"},
};

/* bytes that are not UTF-8: no character to write, so no expression */
static const char *const invalid[] = {
    /* cut short */
    "\xc3",
    "abc\xc3",
    "\xe2\x80",
    "\xe2\x80'",
    "\xe2'\x80\x99",
    "\xf0\x9f\x93",
    "\xf0\x9f\x93 x",
    /* stray continuation bytes, among them cp1252's quotes */
    "\x80",
    "\x99",
    "\xbf",
    "Bob\x92s",
    "\x91x\x92",
    "a\x82'",
    "\xc3\xa4\xa4",
    /* bytes that never occur */
    "\xc0",
    "\xc1",
    "\xf5\x80\x80\x80",
    "\xf8\x88\x80\x80\x80",
    "\xfe",
    "\xff",
    /* overlong forms */
    "\xc0\xa7",
    "\xc1\xbf",
    "\xe0\x80\xa7",
    "\xe0\x9f\xbf",
    "\xf0\x80\x80\xa7",
    "\xf0\x8f\xbf\xbf",
    /* surrogates, alone or as a CESU-8 pair */
    "\xed\xa0\x80",
    "\xed\xbf\xbf",
    "\xed\xa0\xbd\xed\xb3\xa7",
    /* above U+10FFFF */
    "\xf4\x90\x80\x80",
    "\xf7\xbf\xbf\xbf",
};

/* all_print - s is printable ASCII (0x20..0x7E) only */
static bool
all_print(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* add_utf8 - append the UTF-8 of cp (not a surrogate, <= U+10FFFF) */
static void
add_utf8(struct bl_buf *b, uint32_t cp)
{
	if (cp < 0x80)
		bl_buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		bl_buf_addc(b, (char)(0xc0 | cp >> 6));
		bl_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		bl_buf_addc(b, (char)(0xe0 | cp >> 12));
		bl_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		bl_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		bl_buf_addc(b, (char)(0xf0 | cp >> 18));
		bl_buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		bl_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		bl_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * The string being read, as PowerShell holds it: UTF-16 code units, here
 * turned into UTF-8 as they come. A high surrogate waits for its low one;
 * one left alone has no UTF-8, and the reader refuses it.
 */
struct reader {
	const char *p;
	struct bl_buf out;
	uint32_t high;
};

/* add_unit - append one UTF-16 code unit; -1 for a surrogate unpaired */
static int
add_unit(struct reader *r, uint32_t u)
{
	if (r->high != 0) {
		if (u < 0xdc00 || u > 0xdfff)
			return -1;
		add_utf8(&r->out,
			 0x10000 + ((r->high - 0xd800) << 10) + (u - 0xdc00));
		r->high = 0;
		return 0;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		r->high = u;
		return 0;
	}
	if (u >= 0xdc00 && u <= 0xdfff)
		return -1;
	add_utf8(&r->out, u);
	return 0;
}

/* eat - skip the text word at r->p; false when it is not there */
static bool
eat(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

/*
 * read_verbatim - a verbatim-string-literal at r->p (2.3.5.2): ', then
 * any characters but ' or two of them for one, then '; -1 when there is
 * none. Only ' is a quote here, the text being ASCII.
 */
static int
read_verbatim(struct reader *r)
{
	if (*r->p != '\'')
		return -1;
	for (r->p++;; r->p++) {
		if (*r->p == '\0')
			return -1;
		if (*r->p == '\'') {
			if (r->p[1] != '\'')
				break;
			r->p++;
		}
		if (add_unit(r, (unsigned char)*r->p) == -1)
			return -1;
	}
	r->p++;
	return 0;
}

/* read_hex - the hexadecimal-integer-literal at r->p after its 0x, in
 * *v; -1 when there is none or it is above max */
static int
read_hex(uint32_t *v, struct reader *r, uint32_t max)
{
	const char *start = r->p;
	uint32_t d;

	for (*v = 0;; r->p++) {
		if (*r->p >= '0' && *r->p <= '9')
			d = (uint32_t)(*r->p - '0');
		else if (*r->p >= 'A' && *r->p <= 'F')
			d = (uint32_t)(*r->p - 'A' + 10);
		else if (*r->p >= 'a' && *r->p <= 'f')
			d = (uint32_t)(*r->p - 'a' + 10);
		else
			break;
		if (*v > (max - d) / 16)
			return -1;
		*v = *v * 16 + d;
	}
	return r->p == start ? -1 : 0;
}

/* read_term - one operand of the chain: a verbatim literal,
 * [char]0xH... (one code unit) or [char]::ConvertFromUtf32(0xH...) */
static int
read_term(struct reader *r)
{
	uint32_t v;

	if (*r->p == '\'')
		return read_verbatim(r);
	if (eat(r, "[char]::ConvertFromUtf32(0x")) {
		/* it throws for a surrogate or a value above U+10FFFF */
		if (read_hex(&v, r, 0x10ffff) == -1 || !eat(r, ")") ||
		    (v >= 0xd800 && v <= 0xdfff) || r->high != 0)
			return -1;
		if (v < 0x10000)
			return add_unit(r, v);
		add_utf8(&r->out, v);
		return 0;
	}
	if (eat(r, "[char]0x")) {
		/* a cast of a number above 0xFFFF to [char] fails */
		if (read_hex(&v, r, 0xffff) == -1)
			return -1;
		return add_unit(r, v);
	}
	return -1;
}

/*
 * read_ps - the string the expression text gives PowerShell, as UTF-8 in
 * *out (caller frees), *out NULL for $null; -1 when text is not one of
 * the two forms, or not printable ASCII
 */
static int
read_ps(char **out, const char *text)
{
	struct reader r = {.p = text, .high = 0};

	*out = NULL;
	if (!all_print(text))
		return -1;
	if (strcmp(text, "$null") == 0)
		return 0;
	bl_buf_init(&r.out);
	if (*r.p == '\'') {
		if (read_verbatim(&r) == -1)
			goto fail;
	} else {
		/* the '' first makes "+" join strings: [char] + [char]
		 * would add numbers */
		if (!eat(&r, "(''"))
			goto fail;
		while (eat(&r, " + "))
			if (read_term(&r) == -1)
				goto fail;
		if (!eat(&r, ")"))
			goto fail;
	}
	if (*r.p != '\0' || r.high != 0)
		goto fail;
	*out = bl_buf_steal(&r.out);
	return 0;
fail:
	bl_buf_finish(&r.out);
	return -1;
}

/* check - quote v: want (when not NULL), ASCII, and it reads back as v */
static void
check(const char *v, const char *want)
{
	char *lit = bl_ex_quote(v), *back;

	assert_non_null(lit);
	if (want != NULL)
		assert_string_equal(lit, want);
	assert_true(all_print(lit));
	assert_int_equal(read_ps(&back, lit), 0);
	assert_non_null(back);
	assert_string_equal(back, v);
	free(back);
	free(lit);
}

static void
test_quote_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(table); i++)
		check(table[i].value, table[i].literal);
}

static void
test_quote_null(void **state)
{
	char *lit = bl_ex_quote(NULL), *back;

	(void)state;
	assert_string_equal(lit, "$null");
	assert_int_equal(read_ps(&back, lit), 0);
	assert_null(back);
	free(lit);
}

static void
test_quote_invalid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(invalid); i++)
		assert_null(bl_ex_quote(invalid[i]));
}

/* every character, alone and between others: the right form, read back */
static void
test_quote_every_char(void **state)
{
	struct bl_buf b;
	uint32_t cp;
	char *lit;

	(void)state;
	bl_buf_init(&b);
	for (cp = 1; cp <= 0x10ffff; cp += cp < 0x10000 ? 1 : 61) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		bl_buf_reset(&b);
		add_utf8(&b, cp);
		lit = bl_ex_quote(b.data);
		assert_non_null(lit);
		if (cp >= 0x20 && cp <= 0x7e)
			assert_int_equal(lit[0], '\'');
		else
			assert_memory_equal(lit, "('' + [char]", 12);
		free(lit);
		check(b.data, NULL);
		bl_buf_adds(&b, "'a");
		add_utf8(&b, cp);
		check(b.data, NULL);
	}
	bl_buf_finish(&b);
}

/*
 * every string of one or two bytes, and of three from the leads with
 * holes (E0 overlong, ED surrogates, F0 overlong, F4 above U+10FFFF):
 * what is quoted reads back the same, and reading back makes only
 * well-formed UTF-8, so nothing ill-formed is quoted
 */
static void
test_quote_every_short(void **state)
{
	static const unsigned char leads[] = {0xe0, 0xed, 0xef, 0xf0, 0xf4};
	unsigned char s[4] = {0};
	size_t l, quoted = 0;
	unsigned a, c;
	char *lit;

	(void)state;
	for (a = 1; a < 256; a++)
		for (c = 0; c < 256; c++) {
			s[0] = (unsigned char)a;
			s[1] = (unsigned char)c;
			lit = bl_ex_quote((const char *)s);
			if (lit != NULL) {
				quoted++;
				check((const char *)s, lit);
			}
			free(lit);
		}
	/* 127 ASCII, plus 127 * 127 ASCII pairs, plus 1920 U+0080..U+07FF */
	assert_int_equal(quoted, 127 + 127 * 127 + 1920);
	quoted = 0;
	for (l = 0; l < BL_ARRAY_LEN(leads); l++)
		for (a = 0x80; a < 0xc0; a++)
			for (c = 0x80; c < 0xc0; c++) {
				s[0] = leads[l];
				s[1] = (unsigned char)a;
				s[2] = (unsigned char)c;
				lit = bl_ex_quote((const char *)s);
				if (lit != NULL) {
					quoted++;
					check((const char *)s, lit);
				}
				free(lit);
			}
	/* E0: A0..BF; ED: 80..9F; EF: all; F0, F4: none (cut short) */
	assert_int_equal(quoted, 32 * 64 + 32 * 64 + 64 * 64);
}

/* a megabyte of every kind of character, quotes in runs of every length */
static void
test_quote_long(void **state)
{
	static const char *const parts[] = {
	    "'",  RSQ,	LSQ,	  LOW,	  REV,
	    "a",  "$",	"`",	  "\r\n", "\xc3\xa9",
	    "\t", MAIL, "Bob's ", "\x7f", "\xe2\x82\xac"};
	struct bl_buf b;
	size_t i, k, nquotes = 0, len;
	char *v, *lit;

	(void)state;
	bl_buf_init(&b);
	for (i = 0; b.len < 1024 * 1024; i++) {
		k = (i * 7 + i / 13) % BL_ARRAY_LEN(parts);
		bl_buf_adds(&b, parts[k]);
	}
	v = bl_buf_steal(&b);
	check(v, NULL);
	free(v);

	/* printable ASCII alone stays one literal, each ' doubled */
	bl_buf_init(&b);
	for (i = 0; b.len < 1024 * 1024; i++) {
		k = (i * 7 + i / 13) % 4;
		bl_buf_adds(&b, parts[k == 0 ? 0 : k + 4]);
		nquotes += k == 0;
	}
	len = b.len;
	v = bl_buf_steal(&b);
	lit = bl_ex_quote(v);
	assert_int_equal(strlen(lit), len + nquotes + 2);
	assert_int_equal(lit[0], '\'');
	free(lit);
	check(v, NULL);
	free(v);
}

/* read_ok - read_ps(text), which must give want */
static void
read_ok(const char *text, const char *want)
{
	char *s;

	assert_int_equal(read_ps(&s, text), 0);
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* the reader itself: the two forms and nothing else */
static void
test_checker(void **state)
{
	static const char *const bad[] = {
	    "",
	    "a",
	    "$nul",
	    "$null ",
	    "'a'b'",
	    "'a",
	    "'a''",
	    "''a",
	    "'a' ",
	    /* an expression, but not the one written */
	    "'a' + 'b'",
	    "('a' + 'b')",
	    "([char]0x0041)",
	    "([char]0x0041 + '')",
	    "(''",
	    "('' + 'a'",
	    "('' + 'a')x",
	    "('' + 'a' 'b')",
	    "('' +'a')",
	    "('' + a)",
	    "('' + )",
	    "('' + [char]0x)",
	    "('' + [char]0xG)",
	    "('' + [char]65)",
	    "('' + [char]0x0041",
	    "('' + [char]0x10000)",
	    "('' + [char]0xFFFFFFFFF)",
	    "('' + [char]::ConvertFromUtf32(0x110000))",
	    "('' + [char]::ConvertFromUtf32(0xD800))",
	    "('' + [char]::ConvertFromUtf32(0x1F4E7)",
	    "('' + [char]::ConvertFromUtf32(1))",
	    /* UTF-16 that is no UTF-8: surrogates unpaired */
	    "('' + [char]0xD800)",
	    "('' + [char]0xDC00)",
	    "('' + [char]0xD83D + 'a')",
	    "('' + [char]0xD83D + [char]0xD83D)",
	    "('' + [char]0xDCE7 + [char]0xD83D)",
	    /* not printable ASCII: the code page would decide */
	    "'" RSQ "'",
	    RSQ "a" RSQ,
	    "'\xc3\xa4'",
	    "'a\nb'",
	    "('' + 'a\tb')",
	};
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(bad); i++) {
		assert_int_equal(read_ps(&s, bad[i]), -1);
		assert_null(s);
	}
	read_ok("''", "");
	read_ok("''''", "'");
	read_ok("'a''''b'", "a''b");
	read_ok("'`$x\"'", "`$x\"");
	read_ok("('')", "");
	read_ok("('' + '')", "");
	read_ok("('' + [char]0x41 + [char]0x00e4)", "A\xc3\xa4");
	read_ok("('' + [char]0x0000041)", "A");
	read_ok("('' + [char]0xD83D + [char]0xDCE7)", MAIL);
	read_ok("('' + [char]::ConvertFromUtf32(0x41))", "A");
	read_ok("('' + [char]::ConvertFromUtf32(0x1f4e7) + '''')", MAIL "'");
	assert_int_equal(read_ps(&s, "$null"), 0);
	assert_null(s);
	assert_true(all_print(" ~"));
	assert_false(all_print("\x1f"));
	assert_false(all_print("\x7f"));
	assert_false(all_print("\x80"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quote_table),
	    cmocka_unit_test(test_quote_null),
	    cmocka_unit_test(test_quote_invalid),
	    cmocka_unit_test(test_quote_every_char),
	    cmocka_unit_test(test_quote_every_short),
	    cmocka_unit_test(test_quote_long),
	    cmocka_unit_test(test_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_exchange_ps.c - bl_ex_quote, the PowerShell literals of the
 * Exchange fix script.
 *
 * There is no PowerShell to ask here, so the table below is the judge,
 * written from about_Quoting_Rules and the Windows PowerShell Language
 * Specification 3.0, 2.3.5.2: a verbatim (single-quoted) string literal
 * opens and closes with a single-quote-character (U+0027, U+2018, U+2019,
 * U+201A, U+201B); inside it two of them stand for one; nothing else is
 * special ($, `, ", CR, LF are literal). read_literal is that grammar, so
 * every literal is also read back and must give the value byte for byte.
 */
#include "config.h"

#include <stdlib.h>

#include "helpers.h"
#include "exchange.h"
#include "util.h"

#define LSQ "\xe2\x80\x98" /* U+2018 LEFT SINGLE QUOTATION MARK */
#define RSQ "\xe2\x80\x99" /* U+2019 RIGHT SINGLE QUOTATION MARK */
#define LOW "\xe2\x80\x9a" /* U+201A SINGLE LOW-9 QUOTATION MARK */
#define REV "\xe2\x80\x9b" /* U+201B SINGLE HIGH-REVERSED-9 QUOTATION MARK */

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
    /* the typographic quotes: each doubled as itself */
    {"Bob" RSQ "s", "'Bob" RSQ RSQ "s'"},
    {LSQ "x" RSQ, "'" LSQ LSQ "x" RSQ RSQ "'"},
    {LOW "y" REV, "'" LOW LOW "y" REV REV "'"},
    {"'" RSQ, "'''" RSQ RSQ "'"},
    /* not quotes: U+201C/U+201D (double), U+2032 prime, U+02BC */
    {"\xe2\x80\x9c"
     "a"
     "\xe2\x80\x9d",
     "'\xe2\x80\x9c"
     "a"
     "\xe2\x80\x9d'"},
    {"\xe2\x80\xb2\xca\xbc", "'\xe2\x80\xb2\xca\xbc'"},
    /* nothing expands in single quotes */
    {"$var", "'$var'"},
    {"$(Remove-Item C:\\ -Recurse)", "'$(Remove-Item C:\\ -Recurse)'"},
    {"${env:PATH} @(1) @{a=1}", "'${env:PATH} @(1) @{a=1}'"},
    {"`n`r`0`$ ``", "'`n`r`0`$ ``'"},
    {"say \"hi\"", "'say \"hi\"'"},
    {"a`'b", "'a`''b'"},
    {"\"; Remove-Item x; \"", "'\"; Remove-Item x; \"'"},
    {"'; Remove-Item x; '", "'''; Remove-Item x; '''"},
    {RSQ "; Remove-Item x; " LSQ, "'" RSQ RSQ "; Remove-Item x; " LSQ LSQ "'"},
    {"# not a comment <# nor this #>", "'# not a comment <# nor this #>'"},
    /* line breaks and tabs stand as they are */
    {"220 a\r\n250 b", "'220 a\r\n250 b'"},
    {"a\nb\rc\td", "'a\nb\rc\td'"},
    /* other non-ASCII stands as it is */
    {"220 m\xc3\xa4il.example.com \xe2\x82\xac \xf0\x9f\x93\xa7",
     "'220 m\xc3\xa4il.example.com \xe2\x82\xac \xf0\x9f\x93\xa7'"},
    /* a quote's bytes cut short, or bytes that are not UTF-8, are not
     * quotes: as they are */
    {"\xe2\x80", "'\xe2\x80'"},
    {"\xe2\x80'", "'\xe2\x80'''"},
    {"\xe2'\x80\x99", "'\xe2''\x80\x99'"},
    {"\x80\x99\x92\x91\x82\xff", "'\x80\x99\x92\x91\x82\xff'"},
};

/* is_quote - the length of a single-quote-character at s[i..n), or 0 */
static size_t
is_quote(const char *s, size_t i, size_t n)
{
	const unsigned char *u = (const unsigned char *)s + i;

	if (i < n && u[0] == '\'')
		return 1;
	if (i + 3 <= n && u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 &&
	    u[2] <= 0x9b)
		return 3;
	return 0;
}

/*
 * read_literal - the value of the verbatim literal that is the whole of
 * lit (spec 2.3.5.2), or NULL when lit is not exactly one such literal
 * (caller frees). Two quotes in a row are one quote; the script's are
 * always the same character twice, which this insists on.
 */
static char *
read_literal(const char *lit)
{
	struct bl_buf b;
	size_t n = strlen(lit), i, q, q2;

	q = is_quote(lit, 0, n);
	if (q == 0)
		return NULL;
	bl_buf_init(&b);
	for (i = q; i < n;) {
		q = is_quote(lit, i, n);
		if (q == 0) {
			bl_buf_addc(&b, lit[i++]);
			continue;
		}
		q2 = is_quote(lit, i + q, n);
		if (q2 == 0) {
			/* the closing quote: it must end lit */
			if (i + q != n)
				break;
			return bl_buf_steal(&b);
		}
		if (q2 != q || memcmp(lit + i, lit + i + q, q) != 0)
			break;
		bl_buf_add(&b, lit + i, q);
		i += 2 * q;
	}
	bl_buf_finish(&b);
	return NULL;
}

/* even_runs - every run of quote characters inside lit (without its
 * first and last quote) has an even number of them */
static bool
even_runs(const char *lit)
{
	size_t n = strlen(lit), i, q, run = 0;

	assert_true(n >= 2);
	assert_int_equal(lit[0], '\'');
	assert_int_equal(lit[n - 1], '\'');
	for (i = 1; i < n - 1;) {
		q = is_quote(lit, i, n - 1);
		if (q == 0) {
			if (run % 2 != 0)
				return false;
			run = 0;
			i++;
			continue;
		}
		run++;
		i += q;
	}
	return run % 2 == 0;
}

/* check - quote v: want (when not NULL), even runs, and it reads back */
static void
check(const char *v, const char *want)
{
	char *lit = bl_ex_quote(v), *back;

	if (want != NULL)
		assert_string_equal(lit, want);
	assert_true(even_runs(lit));
	back = read_literal(lit);
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
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check(table[i].value, table[i].literal);
}

static void
test_quote_null(void **state)
{
	char *lit = bl_ex_quote(NULL);

	(void)state;
	assert_string_equal(lit, "$null");
	free(lit);
	/* the text "$null" is a string, not the null */
	check("$null", "'$null'");
}

/* a megabyte of every kind of character, quotes in runs of every length */
static void
test_quote_long(void **state)
{
	static const char *const parts[] = {"'", RSQ, LSQ, LOW,	   REV,
					    "a", "$", "`", "\r\n", "\xc3\xa9"};
	struct bl_buf b;
	size_t i, k, nquotes = 0, len;
	char *v, *lit;

	(void)state;
	bl_buf_init(&b);
	for (i = 0; b.len < 1024 * 1024; i++) {
		k = (i * 7 + i / 13) % (sizeof(parts) / sizeof(parts[0]));
		bl_buf_adds(&b, parts[k]);
		nquotes += k < 5 ? strlen(parts[k]) : 0;
	}
	len = b.len;
	v = bl_buf_steal(&b);
	lit = bl_ex_quote(v);
	/* every quote's bytes once more, and the two around */
	assert_int_equal(strlen(lit), len + nquotes + 2);
	free(lit);
	check(v, NULL);
	free(v);
}

/* the checker itself: a literal cut short, or an odd run, is refused */
static void
test_checker(void **state)
{
	char *s;

	(void)state;
	assert_null(read_literal("'a'b'"));
	assert_null(read_literal("'a"));
	assert_null(read_literal("'a''"));
	assert_null(read_literal("'a'" RSQ "b'"));
	assert_null(read_literal("a"));
	s = read_literal(RSQ "a" LSQ);
	assert_string_equal(s, "a");
	free(s);
	assert_false(even_runs("'a'b'"));
	assert_false(even_runs("'" RSQ "'"));
	assert_true(even_runs("'a''" RSQ RSQ "b'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quote_table),
	    cmocka_unit_test(test_quote_null),
	    cmocka_unit_test(test_quote_long),
	    cmocka_unit_test(test_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_escape.c - the one escaping function and the per-file cap on
 * diagnostics */
#include "config.h"

#include <stdlib.h>

#include "helpers.h"
#include "escape.h"
#include "util.h"

static char *
esc(const char *s, size_t n, unsigned flags)
{
	struct bl_buf b;

	bl_buf_init(&b);
	bl_escape(&b, s, n, flags);
	return bl_buf_steal(&b);
}

#define CHECK(in, flags, want)                                          \
	do {                                                            \
		char *got_ = esc(in, sizeof(in) - 1, flags);            \
		assert_string_equal(got_, want);                        \
		free(got_);                                             \
	} while (0)

static void
test_escape_classes(void **state)
{
	(void)state;
	CHECK("plain ASCII ~", 0, "plain ASCII ~");
	CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7", 0,
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7");
	/* C0, DEL, and the named ones */
	CHECK("\x1b[31m\x07\x7f\x01", 0, "\\x1b[31m\\x07\\x7f\\x01");
	CHECK("a\tb\nc\rd", 0, "a\\tb\\nc\\rd");
	CHECK("a\tb\nc", BL_ESC_KEEP_NL | BL_ESC_KEEP_TAB, "a\tb\nc");
	CHECK("a\tb", BL_ESC_TAB_SPACE, "a b");
	/* C1 controls: CSI as UTF-8, and a raw 0x9b byte (not UTF-8) */
	CHECK("\xc2\x9b" "2J", 0, "\\u{009b}2J");
	CHECK("\x9b" "2J", 0, "\\x9b2J");
	/* bidirectional overrides, isolates, separators, BOM */
	CHECK("a\xe2\x80\xae" "b\xe2\x81\xa6" "c", 0,
	      "a\\u{202e}b\\u{2066}c");
	CHECK("\xe2\x80\xa8\xef\xbb\xbf", 0, "\\u{2028}\\u{feff}");
	/* not UTF-8: overlong, surrogate, too big, truncated, stray */
	CHECK("\xc0\xaf", 0, "\\xc0\\xaf");
	CHECK("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
	CHECK("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	CHECK("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	CHECK("ab\xe2\x82", 0, "ab\\xe2\\x82");
	CHECK("\x80", 0, "\\x80");
	/* only the invalid bytes */
	CHECK("\x1b\xc2\x9b\xff", BL_ESC_INVALID_ONLY, "\x1b\xc2\x9b\\xff");
	assert_false(bl_escape_needed("ok \xc3\xa9", 5, 0));
	assert_true(bl_escape_needed("\x1b", 1, 0));
	assert_int_equal(bl_escape_width("a\x1b\xc3\xa9", 4, 0), 6);
}

static void
test_escape_json(void **state)
{
	static const char doc[] = "{\"a\": \"x\x7f\xc2\x9b\xe2\x80\xae\xc3\xa9\"}";
	struct bl_buf b;

	(void)state;
	bl_buf_init(&b);
	bl_escape_json(&b, doc, sizeof(doc) - 1);
	assert_string_equal(b.data,
			    "{\"a\": \"x\\u007f\\u009b\\u202e\xc3\xa9\"}");
	bl_buf_finish(&b);
}

/* Every byte value, alone and after a lead byte, escapes to printable
 * text: the whole class, not a list of examples. */
static void
test_escape_every_byte(void **state)
{
	char in[2];
	unsigned a, c;
	size_t i;

	(void)state;
	for (a = 0; a < 256; a++)
		for (c = 0; c < 256; c++) {
			char *out;

			in[0] = (char)a;
			in[1] = (char)c;
			out = esc(in, 2, 0);
			for (i = 0; out[i]; i++) {
				unsigned char u = (unsigned char)out[i];

				assert_true(u >= 0x20 && u != 0x7f);
				/* a C1 control can only come as UTF-8 */
				if (u == 0xc2)
					assert_true((unsigned char)out[i + 1] >=
						    0xa0);
			}
			free(out);
		}
}

static void
test_diags_cap(void **state)
{
	struct bl_diags d;
	unsigned i;

	(void)state;
	bl_diags_init(&d);
	for (i = 1; i <= BL_DIAGS_PER_FILE + 50; i++)
		bl_diags_add(&d, i % 2 ? BL_LEVEL_WARNING : BL_LEVEL_ERROR,
			     "a.cf", i, 1, "problem %u", i);
	bl_diags_add(&d, BL_LEVEL_ERROR, "b.cf", 1, 1, "other file");
	bl_diags_add(&d, BL_LEVEL_NOTE, NULL, 0, 0, "no file");
	/* every diagnostic counts; a.cf keeps its first ones and a summary */
	assert_int_equal(d.errors, (BL_DIAGS_PER_FILE + 50) / 2 + 1);
	assert_int_equal(d.n, BL_DIAGS_PER_FILE + 3);
	assert_string_equal(d.v[BL_DIAGS_PER_FILE - 1].message, "problem 100");
	assert_int_equal(d.v[BL_DIAGS_PER_FILE].level, BL_LEVEL_ERROR);
	assert_non_null(strstr(d.v[BL_DIAGS_PER_FILE].message,
			       "and 50 more diagnostics"));
	assert_string_equal(d.v[BL_DIAGS_PER_FILE + 1].file, "b.cf");
	bl_diags_finish(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_classes),
		cmocka_unit_test(test_escape_json),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_diags_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_smtp_reply.c - the SMTP reply reader (src/smtp_reply.c): replies,
 * their flaws, the caps, and the same reading however the bytes arrive */
#include "config.h"

#include <stdlib.h>

#include "helpers.h"
#include "smtp_reply.h"
#include "util.h"

#define S(lit) lit, sizeof(lit) - 1

/* What one reading of the first reply of an input came to. */
struct rd {
	struct bl_smtp_reader r;
	enum bl_smtp_status st;
	size_t used; /* bytes taken, all feeds together */
	const struct bl_smtp_reply *rep;
};

/* rd_cut - read the first reply of in[0, n) fed as in[0, k), in[k, n)
 * (k == n: one chunk); the second feed only after MORE */
static void
rd_cut(struct rd *d, const char *in, size_t n, size_t k)
{
	size_t u;

	bl_smtp_reader_init(&d->r);
	d->st = bl_smtp_reader_feed(&d->r, in, k, &d->used);
	assert_true(d->used <= k);
	if (d->st == BL_SMTP_MORE) {
		assert_int_equal(d->used, k);
		d->st = bl_smtp_reader_feed(&d->r, in + k, n - k, &u);
		assert_true(u <= n - k);
		if (d->st == BL_SMTP_MORE)
			assert_int_equal(u, n - k);
		d->used += u;
	}
	d->rep = bl_smtp_reader_reply(&d->r);
}

/* rd_bytes - read the first reply of in[0, n) one byte a feed */
static void
rd_bytes(struct rd *d, const char *in, size_t n)
{
	size_t i, u;

	bl_smtp_reader_init(&d->r);
	d->st = BL_SMTP_MORE;
	d->used = 0;
	for (i = 0; i < n && d->st == BL_SMTP_MORE; i++) {
		d->st = bl_smtp_reader_feed(&d->r, in + i, 1, &u);
		assert_true(u <= 1);
		if (d->st == BL_SMTP_MORE)
			assert_int_equal(u, 1);
		d->used += u;
	}
	d->rep = bl_smtp_reader_reply(&d->r);
}

/* same - two readings came to the same reply */
static void
same(const struct rd *a, const struct rd *b)
{
	size_t i;

	assert_int_equal(a->st, b->st);
	assert_int_equal(a->used, b->used);
	assert_int_equal(a->rep->code, b->rep->code);
	assert_int_equal(a->rep->flaws, b->rep->flaws);
	assert_int_equal(a->rep->nlines, b->rep->nlines);
	assert_int_equal(a->rep->bytes, b->rep->bytes);
	assert_true(a->rep->error == b->rep->error);
	for (i = 0; i < a->rep->nlines; i++) {
		const struct bl_smtp_line *x = &a->rep->lines[i],
					  *y = &b->rep->lines[i];

		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->text, y->text, x->len);
		assert_int_equal(x->code, y->code);
		assert_int_equal(x->sep, y->sep);
	}
}

/*
 * rd_read - read the first reply of in[0, n) in one chunk into d (the
 * caller finishes d->r), and check that one byte a feed and two feeds cut
 * at every point (at every stride-th point and the last 300 before the
 * reader stopped, for the big inputs) come to the same
 */
static void
rd_read(struct rd *d, const char *in, size_t n)
{
	struct rd o;
	size_t k, stride;

	rd_cut(d, in, n, n);
	assert_int_equal(d->rep->bytes, d->used);
	rd_bytes(&o, in, n);
	same(d, &o);
	bl_smtp_reader_finish(&o.r);
	stride = d->used <= 8192 ? 1 : 251;
	for (k = 0; k <= n && k <= d->used + 1; k++) {
		if (k % stride != 0 && k + 300 < d->used)
			continue;
		rd_cut(&o, in, n, k);
		same(d, &o);
		bl_smtp_reader_finish(&o.r);
	}
}

/* line_is - line i of the reply is text, with this code and separator */
static void
line_is(const struct rd *d, size_t i, const char *text, size_t len, int code,
	char sep)
{
	const struct bl_smtp_line *l;

	assert_true(i < d->rep->nlines);
	l = &d->rep->lines[i];
	assert_int_equal(l->len, len);
	assert_memory_equal(l->text, text, len);
	assert_int_equal(l->code, code);
	assert_int_equal(l->sep, sep);
}

/* reply_is - status, code, flaws, lines and bytes of one reading */
static void
reply_is(const struct rd *d, enum bl_smtp_status st, int code, unsigned flaws,
	 size_t nlines, size_t used)
{
	assert_int_equal(d->st, st);
	assert_int_equal(d->rep->code, code);
	assert_int_equal(d->rep->flaws, flaws);
	assert_int_equal(d->rep->nlines, nlines);
	assert_int_equal(d->used, used);
	assert_int_equal(d->rep->bytes, used);
	if (st == BL_SMTP_ERROR)
		assert_non_null(d->rep->error);
	else
		assert_null(d->rep->error);
}

/* a text of n bytes: prefix, then fill up to n (caller frees) */
static char *
filled(const char *prefix, char fill, size_t n, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	char *t = bl_xmalloc(n + s + 1);

	memcpy(t, prefix, p);
	memset(t + p, fill, n - p);
	memcpy(t + n, suffix, s + 1);
	return t;
}

/* a text of count copies of line (caller frees) */
static char *
repeated(const char *line, size_t count, size_t *len)
{
	size_t n = strlen(line), i;
	char *t = bl_xmalloc(n * count + 1);

	for (i = 0; i < count; i++)
		memcpy(t + i * n, line, n);
	t[n * count] = '\0';
	*len = n * count;
	return t;
}

static void
test_single_line(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220 mail.example.com ESMTP Postfix\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 1, 36);
	line_is(&d, 0, S("220 mail.example.com ESMTP Postfix"), 220, ' ');
	assert_int_equal(bl_smtp_reader_pending(&d.r), 0);
	bl_smtp_reader_finish(&d.r);
}

static void
test_multi_line(void **state)
{
	static const char in[] = "250-mx.example.org Hello\r\n"
				 "250-PIPELINING\r\n"
				 "250-SIZE 10240000\r\n"
				 "250 STARTTLS\r\n";
	struct rd d;

	(void)state;
	rd_read(&d, S(in));
	reply_is(&d, BL_SMTP_DONE, 250, 0, 4, sizeof(in) - 1);
	line_is(&d, 0, S("250-mx.example.org Hello"), 250, '-');
	line_is(&d, 1, S("250-PIPELINING"), 250, '-');
	line_is(&d, 2, S("250-SIZE 10240000"), 250, '-');
	line_is(&d, 3, S("250 STARTTLS"), 250, ' ');
	bl_smtp_reader_finish(&d.r);

	/* a greeting in two lines, the last one bare */
	rd_read(&d, S("220-mail.example.com ESMTP\r\n220\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 2, 33);
	line_is(&d, 1, S("220"), 220, 0);
	bl_smtp_reader_finish(&d.r);
}

static void
test_bare_code(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 1, 5);
	line_is(&d, 0, S("220"), 220, 0);
	bl_smtp_reader_finish(&d.r);

	/* "220 " is a code and an empty text, not a bare code */
	rd_read(&d, S("220 \r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 1, 6);
	line_is(&d, 0, S("220 "), 220, ' ');
	bl_smtp_reader_finish(&d.r);
}

/* The bytes after a reply's end are not taken; after a reset they are
 * the next reply. */
static void
test_next_reply(void **state)
{
	static const char in[] = "220 hi\r\n250-a\r\n250 b\r\n554 no\n";
	struct rd d;
	size_t at, u;
	enum bl_smtp_status st;

	(void)state;
	rd_read(&d, S(in));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 1, 8);
	at = d.used;
	bl_smtp_reader_reset(&d.r);
	assert_int_equal(bl_smtp_reader_reply(&d.r)->nlines, 0);
	assert_int_equal(bl_smtp_reader_reply(&d.r)->code, -1);
	st = bl_smtp_reader_feed(&d.r, in + at, sizeof(in) - 1 - at, &u);
	assert_int_equal(st, BL_SMTP_DONE);
	assert_int_equal(u, 14);
	d.rep = bl_smtp_reader_reply(&d.r);
	assert_int_equal(d.rep->code, 250);
	assert_int_equal(d.rep->nlines, 2);
	assert_int_equal(d.rep->bytes, 14);
	assert_memory_equal(d.rep->lines[1].text, "250 b", 5);
	at += u;
	bl_smtp_reader_reset(&d.r);
	st = bl_smtp_reader_feed(&d.r, in + at, sizeof(in) - 1 - at, &u);
	assert_int_equal(st, BL_SMTP_DONE);
	assert_int_equal(at + u, sizeof(in) - 1);
	d.rep = bl_smtp_reader_reply(&d.r);
	assert_int_equal(d.rep->code, 554);
	assert_int_equal(d.rep->flaws, BL_SMTP_FLAW_BARE_LF);
	bl_smtp_reader_finish(&d.r);
}

static void
test_line_ends(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220-a\r\n220 b\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 2, 14);
	bl_smtp_reader_finish(&d.r);

	rd_read(&d, S("220-a\n220 b\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_BARE_LF, 2, 12);
	line_is(&d, 0, S("220-a"), 220, '-');
	line_is(&d, 1, S("220 b"), 220, ' ');
	bl_smtp_reader_finish(&d.r);

	/* one bare LF among CRLFs is enough */
	rd_read(&d, S("220-a\r\n220-b\n220 c\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_BARE_LF, 3, 20);
	bl_smtp_reader_finish(&d.r);
}

/* A CR not before an LF is a byte of its line: a control byte. */
static void
test_cr_inside(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220 a\rb\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CONTROL, 1, 9);
	line_is(&d, 0, S("220 a\rb"), 220, ' ');
	bl_smtp_reader_finish(&d.r);

	rd_read(&d, S("220 a\r\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CONTROL, 1, 8);
	line_is(&d, 0, S("220 a\r"), 220, ' ');
	bl_smtp_reader_finish(&d.r);

	/* CR CR LF ending a continuation, then a bare-LF line */
	rd_read(&d, S("220-\r\r\n220 x\n"));
	reply_is(&d, BL_SMTP_DONE, 220,
		 BL_SMTP_FLAW_CONTROL | BL_SMTP_FLAW_BARE_LF, 2, 13);
	line_is(&d, 0, S("220-\r"), 220, '-');
	bl_smtp_reader_finish(&d.r);
}

static void
test_control_bytes(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220 a\0b\x1b[31mred\x7f\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CONTROL, 1, 18);
	line_is(&d, 0, S("220 a\0b\x1b[31mred\x7f"), 220, ' ');
	bl_smtp_reader_finish(&d.r);

	/* each alone: NUL, ESC, DEL */
	rd_read(&d, S("220 \0\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CONTROL, 1, 7);
	bl_smtp_reader_finish(&d.r);
	rd_read(&d, S("220 \x1b\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CONTROL, 1, 7);
	bl_smtp_reader_finish(&d.r);
	rd_read(&d, S("220 \x7f\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CONTROL, 1, 7);
	bl_smtp_reader_finish(&d.r);

	/* a tab is not a control byte here */
	rd_read(&d, S("220 a\tb\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, 0, 1, 9);
	bl_smtp_reader_finish(&d.r);

	/* a NUL as the fourth byte: kept, and no separator */
	rd_read(&d, S("220\0x\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220,
		 BL_SMTP_FLAW_CONTROL | BL_SMTP_FLAW_BAD_SEP, 1, 7);
	line_is(&d, 0, S("220\0x"), 220, 0);
	bl_smtp_reader_finish(&d.r);
}

static void
test_8bit(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220 caf\xc3\xa9 \xff\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_8BIT, 1, 13);
	line_is(&d, 0, S("220 caf\xc3\xa9 \xff"), 220, ' ');
	bl_smtp_reader_finish(&d.r);

	/* C1 controls as bytes are 8-bit, not control */
	rd_read(&d, S("220 \x9b\x32J\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_8BIT, 1, 9);
	bl_smtp_reader_finish(&d.r);
}

/* A line without a code ends the reply: garbage never waits for more. */
static void
test_no_code(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("hello there\r\n220 ok\r\n"));
	reply_is(&d, BL_SMTP_DONE, -1, BL_SMTP_FLAW_NO_CODE, 1, 13);
	line_is(&d, 0, S("hello there"), -1, 'l');
	bl_smtp_reader_finish(&d.r);

	rd_read(&d, S("220-a\r\nxyz\r\n220 b\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_NO_CODE, 2, 12);
	line_is(&d, 1, S("xyz"), -1, 0);
	bl_smtp_reader_finish(&d.r);

	/* an empty line, and a code that starts with 0 */
	rd_read(&d, S("\r\n220 x\r\n"));
	reply_is(&d, BL_SMTP_DONE, -1, BL_SMTP_FLAW_NO_CODE, 1, 2);
	line_is(&d, 0, S(""), -1, 0);
	bl_smtp_reader_finish(&d.r);
	rd_read(&d, S("022 x\n"));
	reply_is(&d, BL_SMTP_DONE, -1,
		 BL_SMTP_FLAW_NO_CODE | BL_SMTP_FLAW_BARE_LF, 1, 6);
	bl_smtp_reader_finish(&d.r);
}

static void
test_bad_sep(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220x\r\n250 next\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_BAD_SEP, 1, 6);
	line_is(&d, 0, S("220x"), 220, 'x');
	bl_smtp_reader_finish(&d.r);

	/* a bad separator after continuation lines ends the reply too */
	rd_read(&d, S("250-a\r\n250_b\r\n250 c\r\n"));
	reply_is(&d, BL_SMTP_DONE, 250, BL_SMTP_FLAW_BAD_SEP, 2, 14);
	bl_smtp_reader_finish(&d.r);
}

static void
test_code_changed(void **state)
{
	struct rd d;

	(void)state;
	rd_read(&d, S("220-a\r\n250 b\r\n"));
	reply_is(&d, BL_SMTP_DONE, 220, BL_SMTP_FLAW_CODE_CHANGED, 2, 14);
	line_is(&d, 1, S("250 b"), 250, ' ');
	bl_smtp_reader_finish(&d.r);

	rd_read(&d, S("250-a\r\n251-b\r\n250 c\r\n"));
	reply_is(&d, BL_SMTP_DONE, 250, BL_SMTP_FLAW_CODE_CHANGED, 3, 21);
	bl_smtp_reader_finish(&d.r);

	/* a line without a code is not a changed code */
	rd_read(&d, S("250-a\r\nb\r\n"));
	reply_is(&d, BL_SMTP_DONE, 250, BL_SMTP_FLAW_NO_CODE, 2, 10);
	bl_smtp_reader_finish(&d.r);
}

/* A line of BL_SMTP_LINE_MAX bytes is fine; one more byte is an error
 * that keeps the first BL_SMTP_LINE_MAX and takes nothing after them. */
static void
test_line_max(void **state)
{
	struct rd d;
	char *t;
	size_t u;

	(void)state;
	t = filled("220 ", 'x', BL_SMTP_LINE_MAX, "\r\n");
	rd_read(&d, t, BL_SMTP_LINE_MAX + 2);
	reply_is(&d, BL_SMTP_DONE, 220, 0, 1, BL_SMTP_LINE_MAX + 2);
	assert_int_equal(d.rep->lines[0].len, BL_SMTP_LINE_MAX);
	bl_smtp_reader_finish(&d.r);
	free(t);

	t = filled("220 ", 'x', BL_SMTP_LINE_MAX + 1, "\r\n");
	rd_read(&d, t, BL_SMTP_LINE_MAX + 3);
	reply_is(&d, BL_SMTP_ERROR, 220, BL_SMTP_FLAW_LINE_LONG, 1,
		 BL_SMTP_LINE_MAX);
	line_is(&d, 0, t, BL_SMTP_LINE_MAX, 220, ' ');
	assert_non_null(strstr(d.rep->error, "4096"));
	/* it reads no further */
	assert_int_equal(bl_smtp_reader_feed(&d.r, t + d.used, 3, &u),
			 BL_SMTP_ERROR);
	assert_int_equal(u, 0);
	assert_int_equal(bl_smtp_reader_pending(&d.r), 0);
	bl_smtp_reader_finish(&d.r);
	free(t);

	/* a CR after BL_SMTP_LINE_MAX bytes may be a line end: taken; the
	 * byte after it says it was not */
	t = filled("220 ", 'x', BL_SMTP_LINE_MAX, "\rx\r\n");
	rd_read(&d, t, BL_SMTP_LINE_MAX + 4);
	reply_is(&d, BL_SMTP_ERROR, 220, BL_SMTP_FLAW_LINE_LONG, 1,
		 BL_SMTP_LINE_MAX + 1);
	assert_int_equal(d.rep->lines[0].len, BL_SMTP_LINE_MAX);
	bl_smtp_reader_finish(&d.r);
	free(t);

	/* a long continuation line after a short one */
	t = filled("250-a\r\n250-", 'y', 7 + BL_SMTP_LINE_MAX + 1, "\r\n");
	rd_read(&d, t, 7 + BL_SMTP_LINE_MAX + 3);
	reply_is(&d, BL_SMTP_ERROR, 250, BL_SMTP_FLAW_LINE_LONG, 2,
		 7 + BL_SMTP_LINE_MAX);
	line_is(&d, 1, t + 7, BL_SMTP_LINE_MAX, 250, '-');
	bl_smtp_reader_finish(&d.r);
	free(t);
}

/* Lines of 4000 bytes: the 17th passes BL_SMTP_REPLY_MAX. */
static void
test_reply_max(void **state)
{
	struct rd d;
	char *line, *t;
	size_t n, i;

	(void)state;
	line = filled("250-", 'a', 4000, "\r\n");
	t = repeated(line, 20, &n);
	rd_read(&d, t, n);
	reply_is(&d, BL_SMTP_ERROR, 250, BL_SMTP_FLAW_TOO_BIG, 17,
		 16 * 4002 + (BL_SMTP_REPLY_MAX - 16 * 4000));
	for (i = 0; i < 16; i++)
		assert_int_equal(d.rep->lines[i].len, 4000);
	assert_int_equal(d.rep->lines[16].len, BL_SMTP_REPLY_MAX - 16 * 4000);
	assert_non_null(strstr(d.rep->error, "65536"));
	bl_smtp_reader_finish(&d.r);
	free(t);
	free(line);

	/* 16 lines of 4096: full at a line start, the 17th line refused at
	 * its first byte */
	line = filled("250-", 'a', BL_SMTP_LINE_MAX, "\r\n");
	t = repeated(line, 17, &n);
	rd_read(&d, t, n);
	reply_is(&d, BL_SMTP_ERROR, 250, BL_SMTP_FLAW_TOO_BIG, 16,
		 16 * (BL_SMTP_LINE_MAX + 2));
	bl_smtp_reader_finish(&d.r);
	free(t);
	free(line);
}

static void
test_reply_lines(void **state)
{
	struct rd d;
	char *t;
	size_t n;

	(void)state;
	/* 256 lines are fine */
	t = repeated("250-x\r\n", BL_SMTP_REPLY_LINES, &n);
	memcpy(t + n - 7, "250 x\r\n", 7);
	rd_read(&d, t, n);
	reply_is(&d, BL_SMTP_DONE, 250, 0, BL_SMTP_REPLY_LINES, n);
	bl_smtp_reader_finish(&d.r);
	free(t);

	/* a 257th is refused at its first byte */
	t = repeated("250-x\r\n", 300, &n);
	rd_read(&d, t, n);
	reply_is(&d, BL_SMTP_ERROR, 250, BL_SMTP_FLAW_TOO_BIG,
		 BL_SMTP_REPLY_LINES, 7 * BL_SMTP_REPLY_LINES);
	assert_non_null(strstr(d.rep->error, "256"));
	bl_smtp_reader_finish(&d.r);
	free(t);
}

/* A megabyte in one feed stops within the caps. */
static void
test_megabyte(void **state)
{
	static const char *const lines[] = {
	    "x",  "250-x\r\n", "250-x\n", "250-abcdefghijklmnopqrstuv\r\n",
	    "\r", "250-\r\r\n"};
	const size_t mb = 1024 * 1024;
	struct rd d;
	char *t, *line;
	size_t i, n, k, sum;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(lines); i++) {
		t = repeated(lines[i], mb / strlen(lines[i]), &n);
		rd_cut(&d, t, n, n);
		assert_int_equal(d.st, BL_SMTP_ERROR);
		assert_true(d.rep->flaws &
			    (BL_SMTP_FLAW_TOO_BIG | BL_SMTP_FLAW_LINE_LONG));
		assert_true(d.rep->nlines >= 1 &&
			    d.rep->nlines <= BL_SMTP_REPLY_LINES);
		for (k = sum = 0; k < d.rep->nlines; k++) {
			assert_true(d.rep->lines[k].len <= BL_SMTP_LINE_MAX);
			sum += d.rep->lines[k].len;
		}
		assert_true(sum <= BL_SMTP_REPLY_MAX);
		assert_true(d.used <= sum + 2 * d.rep->nlines);
		assert_true(d.used <= BL_SMTP_REPLY_MAX + 2 * d.rep->nlines);
		bl_smtp_reader_finish(&d.r);
		free(t);
	}
	/* lines of 1000 bytes: the bytes cap first */
	line = filled("250-", 'b', 1000, "\r\n");
	t = repeated(line, mb / 1002, &n);
	rd_cut(&d, t, n, n);
	assert_int_equal(d.st, BL_SMTP_ERROR);
	assert_int_equal(d.rep->flaws, BL_SMTP_FLAW_TOO_BIG);
	assert_int_equal(d.rep->nlines, 66);
	assert_true(d.used <= BL_SMTP_REPLY_MAX + 2 * d.rep->nlines);
	assert_int_equal(d.used, 65 * 1002 + 536);
	bl_smtp_reader_finish(&d.r);
	free(t);
	free(line);
}

/* After MORE the reply holds the partial line last. */
static void
test_partial(void **state)
{
	struct bl_smtp_reader r;
	const struct bl_smtp_reply *rep;
	size_t u;

	(void)state;
	bl_smtp_reader_init(&r);
	assert_int_equal(bl_smtp_reader_pending(&r), 0);
	rep = bl_smtp_reader_reply(&r);
	assert_int_equal(rep->nlines, 0);
	assert_int_equal(rep->code, -1);
	assert_int_equal(bl_smtp_reader_feed(&r, NULL, 0, &u), BL_SMTP_MORE);
	assert_int_equal(u, 0);

	assert_int_equal(bl_smtp_reader_feed(&r, S("22"), &u), BL_SMTP_MORE);
	assert_int_equal(bl_smtp_reader_pending(&r), 2);
	rep = bl_smtp_reader_reply(&r);
	assert_int_equal(rep->nlines, 1);
	assert_int_equal(rep->lines[0].len, 2);
	assert_int_equal(rep->lines[0].code, -1);
	assert_int_equal(rep->code, -1);
	assert_int_equal(rep->flaws, 0);

	assert_int_equal(bl_smtp_reader_feed(&r, S("0-first\r\n220 sec"), &u),
			 BL_SMTP_MORE);
	assert_int_equal(u, 16);
	assert_int_equal(bl_smtp_reader_pending(&r), 7);
	rep = bl_smtp_reader_reply(&r);
	assert_int_equal(rep->code, 220);
	assert_int_equal(rep->nlines, 2);
	assert_int_equal(rep->bytes, 18);
	assert_memory_equal(rep->lines[0].text, "220-first", 9);
	assert_int_equal(rep->lines[1].len, 7);
	assert_memory_equal(rep->lines[1].text, "220 sec", 7);
	assert_int_equal(rep->lines[1].code, 220);
	assert_int_equal(rep->lines[1].sep, ' ');

	/* a CR held: pending counts it, the partial line leaves it out */
	assert_int_equal(bl_smtp_reader_feed(&r, S("\r"), &u), BL_SMTP_MORE);
	assert_int_equal(bl_smtp_reader_pending(&r), 8);
	rep = bl_smtp_reader_reply(&r);
	assert_int_equal(rep->nlines, 2);
	assert_int_equal(rep->lines[1].len, 7);
	assert_int_equal(rep->flaws, 0);

	assert_int_equal(bl_smtp_reader_feed(&r, S("\n"), &u), BL_SMTP_DONE);
	assert_int_equal(bl_smtp_reader_pending(&r), 0);
	rep = bl_smtp_reader_reply(&r);
	assert_int_equal(rep->nlines, 2);
	assert_int_equal(rep->bytes, 20);
	assert_int_equal(rep->flaws, 0);

	/* at a line start between lines: nothing pending, no partial line */
	bl_smtp_reader_reset(&r);
	assert_int_equal(bl_smtp_reader_feed(&r, S("250-a\r\n"), &u),
			 BL_SMTP_MORE);
	assert_int_equal(bl_smtp_reader_pending(&r), 0);
	assert_int_equal(bl_smtp_reader_reply(&r)->nlines, 1);
	/* a lone CR is an unfinished line of no bytes */
	assert_int_equal(bl_smtp_reader_feed(&r, S("\r"), &u), BL_SMTP_MORE);
	assert_int_equal(bl_smtp_reader_pending(&r), 1);
	rep = bl_smtp_reader_reply(&r);
	assert_int_equal(rep->nlines, 2);
	assert_int_equal(rep->lines[1].len, 0);
	bl_smtp_reader_finish(&r);
}

/* After DONE or ERROR a feed takes nothing and says the same. */
static void
test_after_done(void **state)
{
	struct bl_smtp_reader r;
	size_t u;

	(void)state;
	bl_smtp_reader_init(&r);
	assert_int_equal(bl_smtp_reader_feed(&r, S("220 a\r\n250 b\r\n"), &u),
			 BL_SMTP_DONE);
	assert_int_equal(u, 7);
	assert_int_equal(bl_smtp_reader_feed(&r, S("250 b\r\n"), &u),
			 BL_SMTP_DONE);
	assert_int_equal(u, 0);
	assert_int_equal(bl_smtp_reader_reply(&r)->nlines, 1);
	assert_int_equal(bl_smtp_reader_reply(&r)->bytes, 7);
	assert_int_equal(bl_smtp_reader_feed(&r, NULL, 0, &u), BL_SMTP_DONE);
	/* reset: the same memory, a new reply */
	bl_smtp_reader_reset(&r);
	assert_int_equal(bl_smtp_reader_feed(&r, S("250 b\r\n"), &u),
			 BL_SMTP_DONE);
	assert_int_equal(u, 7);
	assert_int_equal(bl_smtp_reader_reply(&r)->code, 250);
	bl_smtp_reader_finish(&r);
	/* finish twice, and of NULL */
	bl_smtp_reader_finish(&r);
	bl_smtp_reader_finish(NULL);
}

static void
test_flaw_text(void **state)
{
	unsigned f;
	const char *t, *seen[8];
	size_t n = 0, i;

	(void)state;
	assert_null(bl_smtp_flaw_text(0));
	assert_null(bl_smtp_flaw_text(1u << 8));
	for (f = BL_SMTP_FLAW_NO_CODE; f <= BL_SMTP_FLAW_8BIT; f <<= 1) {
		t = bl_smtp_flaw_text(f);
		assert_non_null(t);
		assert_true(strlen(t) > 10);
		for (i = 0; i < n; i++)
			assert_true(strcmp(seen[i], t) != 0);
		seen[n++] = t;
		/* the first flaw of several */
		assert_string_equal(
		    bl_smtp_flaw_text(f | BL_SMTP_FLAW_8BIT | 1u << 9), t);
	}
	assert_int_equal(n, 8);
	assert_string_equal(bl_smtp_flaw_text(BL_SMTP_FLAW_NO_CODE),
			    "a line without a reply code");
	assert_non_null(strstr(bl_smtp_flaw_text(BL_SMTP_FLAW_BARE_LF), "LF"));
}

static void
test_line_parse(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		int code;
		char sep;
	} cases[] = {
	    {"", 0, -1, 0},
	    {"2", 1, -1, 0},
	    {"22", 2, -1, 0},
	    {"220", 3, 220, 0},
	    {"220 ", 4, 220, ' '},
	    {"220-x", 5, 220, '-'},
	    {"22a x", 5, -1, ' '},
	    {"2200", 4, 220, '0'},
	    {"999 x", 5, 999, ' '},
	    {"100", 3, 100, 0},
	    {"099 x", 5, -1, ' '},
	    {"2 0 x", 5, -1, ' '},
	    {"\0"
	     "20 x",
	     5, -1, ' '},
	};
	size_t i;
	int code;
	char sep;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(cases); i++) {
		code = 7;
		sep = 'z';
		bl_smtp_line_parse(cases[i].text, cases[i].len, &code, &sep);
		assert_int_equal(code, cases[i].code);
		assert_int_equal(sep, cases[i].sep);
	}
	bl_smtp_line_parse(NULL, 0, &code, &sep);
	assert_int_equal(code, -1);
	assert_int_equal(sep, 0);
}

/* A stream of replies read with resets, as the probe reads them. */
static void
test_stream(void **state)
{
	static const char in[] = "220 mx ESMTP\r\n"
				 "250-mx\r\n250-8BITMIME\r\n250 STARTTLS\r\n"
				 "garbage\n"
				 "220 2.0.0 Ready\r\n"
				 "221 bye";
	static const int codes[] = {220, 250, -1, 220, 221};
	struct bl_smtp_reader r;
	enum bl_smtp_status st;
	size_t at = 0, u, i = 0;

	(void)state;
	bl_smtp_reader_init(&r);
	for (;;) {
		st = bl_smtp_reader_feed(&r, in + at, sizeof(in) - 1 - at, &u);
		at += u;
		assert_true(i < BL_ARRAY_LEN(codes));
		assert_int_equal(bl_smtp_reader_reply(&r)->code, codes[i]);
		i++;
		if (st == BL_SMTP_MORE)
			break;
		assert_int_equal(st, BL_SMTP_DONE);
		bl_smtp_reader_reset(&r);
	}
	assert_int_equal(at, sizeof(in) - 1);
	assert_int_equal(i, BL_ARRAY_LEN(codes));
	assert_int_equal(bl_smtp_reader_pending(&r), 7);
	bl_smtp_reader_finish(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_line),
	    cmocka_unit_test(test_multi_line),
	    cmocka_unit_test(test_bare_code),
	    cmocka_unit_test(test_next_reply),
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_cr_inside),
	    cmocka_unit_test(test_control_bytes),
	    cmocka_unit_test(test_8bit),
	    cmocka_unit_test(test_no_code),
	    cmocka_unit_test(test_bad_sep),
	    cmocka_unit_test(test_code_changed),
	    cmocka_unit_test(test_line_max),
	    cmocka_unit_test(test_reply_max),
	    cmocka_unit_test(test_reply_lines),
	    cmocka_unit_test(test_megabyte),
	    cmocka_unit_test(test_partial),
	    cmocka_unit_test(test_after_done),
	    cmocka_unit_test(test_flaw_text),
	    cmocka_unit_test(test_line_parse),
	    cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

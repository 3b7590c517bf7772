/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_smtp_reply.c - libFuzzer harness: the SMTP reply reader
 * (src/smtp_reply.h) on the input as a server's byte stream, read reply
 * after reply with resets until every byte is taken, three times: in one
 * chunk, in chunks of 1 + the first byte's value, and one byte a feed.
 * Each reply is checked against the contract by an independent reading
 * of the bytes it took: *used <= n (all n on MORE); a fresh reader takes
 * a byte; DONE or ERROR with 1 to BL_SMTP_REPLY_LINES lines, each at most
 * BL_SMTP_LINE_MAX bytes, BL_SMTP_REPLY_MAX together; each line the input
 * at its place, followed by CRLF or LF (the last of an ERROR may be cut);
 * each code -1 or 100..999, the line's first three digits; the flaws
 * exactly those the bytes show; "ddd-" lines go on and the first other
 * one ends the reply; feeding after the end takes nothing. After MORE the
 * partial line is the last one and pending() counts it. The three
 * readings must give the same (status, code, lines, flaws, bytes) for
 * each reply, within a bound on the feeds (no loop without progress).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "smtp_reply.h"
#include "util.h"

#define CAP_FLAWS (BL_SMTP_FLAW_LINE_LONG | BL_SMTP_FLAW_TOO_BIG)

/* What the three readings must agree on, one reply at a time. */
struct seen {
	enum bl_smtp_status st;
	int code;
	size_t nlines;
	unsigned flaws;
	size_t bytes;
};

static void
violation(const char *mode, size_t reply, const char *what)
{
	fprintf(stderr, "fuzz_smtp_reply: %s, reply %zu: %s\n", mode, reply,
		what);
	abort();
}

/* code_of - the reply code of a line, read here independently */
static int
code_of(const unsigned char *t, size_t len)
{
	if (len < 3 || t[0] < '1' || t[0] > '9' || t[1] < '0' || t[1] > '9' ||
	    t[2] < '0' || t[2] > '9')
		return -1;
	return (t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0');
}

/* byte_flaws - the flaws the bytes of a line show */
static unsigned
byte_flaws(const unsigned char *t, size_t len)
{
	unsigned f = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (t[i] >= 0x80)
			f |= BL_SMTP_FLAW_8BIT;
		else if ((t[i] < 0x20 && t[i] != '\t') || t[i] == 0x7f)
			f |= BL_SMTP_FLAW_CONTROL;
	return f;
}

/* check_reply - a reply that ended (st DONE or ERROR) after taking
 * in[0, len): the contract, line by line */
static void
check_reply(const char *mode, size_t k, const struct bl_smtp_reply *rep,
	    enum bl_smtp_status st, const unsigned char *in, size_t len)
{
	const struct bl_smtp_line *l;
	size_t i, p = 0, sum = 0;
	unsigned want = 0, cap;
	int first;
	bool last, cut = false;

	if (rep->bytes != len)
		violation(mode, k, "bytes is not what was taken");
	if (rep->nlines < 1 || rep->nlines > BL_SMTP_REPLY_LINES ||
	    rep->lines == NULL)
		violation(mode, k, "no lines, or too many");
	if ((st == BL_SMTP_ERROR) != (rep->error != NULL))
		violation(mode, k,
			  "an error without its reason, or the reverse");
	cap = rep->flaws & CAP_FLAWS;
	if (st == BL_SMTP_ERROR && cap != BL_SMTP_FLAW_LINE_LONG &&
	    cap != BL_SMTP_FLAW_TOO_BIG)
		violation(mode, k, "an error without exactly one cap flaw");
	if (st == BL_SMTP_DONE && cap != 0)
		violation(mode, k, "a cap flaw without an error");
	want |= cap;
	first = rep->lines[0].code;
	if (rep->code != first)
		violation(mode, k, "the reply's code is not its first line's");
	for (i = 0; i < rep->nlines; i++) {
		l = &rep->lines[i];
		last = i + 1 == rep->nlines;
		if (l->len > BL_SMTP_LINE_MAX)
			violation(mode, k, "a line over BL_SMTP_LINE_MAX");
		sum += l->len;
		if (l->len > len - p || (l->len > 0 && l->text == NULL) ||
		    memcmp(in + p, l->text, l->len) != 0)
			violation(mode, k, "a line that is not the input");
		if (l->code != code_of(in + p, l->len))
			violation(mode, k, "a code not the line's digits");
		if (l->code != -1 && (l->code < 100 || l->code > 999))
			violation(mode, k, "a code out of 100..999");
		if (l->sep != (l->len > 3 ? l->text[3] : 0))
			violation(mode, k, "a separator not the 4th byte");
		want |= byte_flaws(in + p, l->len);
		p += l->len;
		/* an ERROR's last line may be cut: the rest is then nothing
		 * or a CR held */
		cut = st == BL_SMTP_ERROR && last &&
		      (p == len || (p + 1 == len && in[p] == '\r'));
		if (cut) {
			p = len;
			if (cap == BL_SMTP_FLAW_LINE_LONG &&
			    l->len != BL_SMTP_LINE_MAX)
				violation(mode, k, "LINE_LONG on a short line");
			break;
		}
		if (p < len && in[p] == '\n') {
			want |= BL_SMTP_FLAW_BARE_LF;
			p++;
		} else if (p + 1 < len && in[p] == '\r' && in[p + 1] == '\n') {
			p += 2;
		} else {
			violation(mode, k, "a line not followed by its end");
		}
		if (!last || st == BL_SMTP_ERROR) {
			if (l->code == -1 || l->len < 4 || l->sep != '-')
				violation(mode, k,
					  "a reply going on after a last line");
			if (l->code != first)
				want |= BL_SMTP_FLAW_CODE_CHANGED;
		} else if (l->code == -1) {
			want |= BL_SMTP_FLAW_NO_CODE;
		} else {
			if (l->len > 3 && l->sep == '-')
				violation(mode, k,
					  "a reply over at a ddd- line");
			if (l->len > 3 && l->sep != ' ')
				want |= BL_SMTP_FLAW_BAD_SEP;
			if (l->code != first)
				want |= BL_SMTP_FLAW_CODE_CHANGED;
		}
	}
	if (p != len)
		violation(mode, k, "bytes taken that are in no line");
	if (cap == BL_SMTP_FLAW_LINE_LONG && !cut)
		violation(mode, k, "LINE_LONG with no line cut");
	if (sum > BL_SMTP_REPLY_MAX)
		violation(mode, k, "lines over BL_SMTP_REPLY_MAX together");
	if (rep->flaws != want)
		violation(mode, k, "flaws other than the bytes show");
	if (st == BL_SMTP_ERROR && (rep->flaws & BL_SMTP_FLAW_TOO_BIG) &&
	    sum != BL_SMTP_REPLY_MAX && rep->nlines != BL_SMTP_REPLY_LINES)
		violation(mode, k, "TOO_BIG below both caps");
	if (bl_smtp_flaw_text(rep->flaws) == NULL && rep->flaws != 0)
		violation(mode, k, "a flaw without a text");
}

/* check_partial - after MORE, having taken in[0, len): the partial line
 * is the last one (without a CR held) and pending() counts it */
static void
check_partial(const char *mode, size_t k, struct bl_smtp_reader *r,
	      const unsigned char *in, size_t len)
{
	const struct bl_smtp_reply *rep = bl_smtp_reader_reply(r);
	const struct bl_smtp_line *l;
	size_t pend = bl_smtp_reader_pending(r), held, tail;

	if (rep->bytes != len || rep->error != NULL ||
	    (rep->flaws & CAP_FLAWS) != 0)
		violation(mode, k, "MORE with an error or other bytes");
	if (rep->nlines > BL_SMTP_REPLY_LINES)
		violation(mode, k, "MORE with too many lines");
	if (pend == 0) {
		if (len > 0 && in[len - 1] != '\n')
			violation(mode, k, "nothing pending inside a line");
		return;
	}
	if (rep->nlines == 0 || pend > len)
		violation(mode, k, "pending without a partial line");
	held = in[len - 1] == '\r' ? 1 : 0;
	l = &rep->lines[rep->nlines - 1];
	/* its last 16 bytes: the whole line each feed would be quadratic */
	tail = l->len < 16 ? l->len : 16;
	if (l->len + held != pend || l->len > BL_SMTP_LINE_MAX ||
	    memcmp(l->text + l->len - tail, in + len - held - tail, tail) != 0)
		violation(mode, k, "the partial line is not the input");
	if (l->code != code_of(in + len - pend, l->len))
		violation(mode, k, "a partial line's code");
}

/*
 * read_all - read data[0, size) reply after reply, fed in chunks of
 * chunk bytes (0: all at once), into v (room for size + 1); returns how
 * many replies (the last one may be MORE)
 */
static size_t
read_all(const char *mode, const unsigned char *data, size_t size, size_t chunk,
	 struct seen *v)
{
	struct bl_smtp_reader r;
	const struct bl_smtp_reply *rep;
	enum bl_smtp_status st, again;
	size_t pos = 0, start = 0, n, used, u, k = 0, feeds = 0;

	bl_smtp_reader_init(&r);
	while (pos < size) {
		n = chunk == 0 || chunk > size - pos ? size - pos : chunk;
		/* every feed takes a byte or ends a reply, and a reply takes
		 * a byte: at most two feeds a byte */
		if (++feeds > 2 * size + 2)
			violation(mode, k, "feeds without progress");
		st =
		    bl_smtp_reader_feed(&r, (const char *)data + pos, n, &used);
		if (used > n)
			violation(mode, k, "*used over n");
		pos += used;
		if (st == BL_SMTP_MORE) {
			if (used != n)
				violation(mode, k, "MORE without taking all");
			/* a byte a feed: line by line would be quadratic */
			if (chunk != 1)
				check_partial(mode, k, &r, data + start,
					      pos - start);
			continue;
		}
		if (st != BL_SMTP_DONE && st != BL_SMTP_ERROR)
			violation(mode, k,
				  "a status neither MORE, DONE nor ERROR");
		if (pos == start)
			violation(mode, k, "a reply that took nothing");
		rep = bl_smtp_reader_reply(&r);
		check_reply(mode, k, rep, st, data + start, pos - start);
		again = bl_smtp_reader_feed(&r, (const char *)data + pos,
					    size - pos, &u);
		if (again != st || u != 0 || bl_smtp_reader_pending(&r) != 0)
			violation(mode, k, "a feed after the end took bytes");
		v[k].st = st;
		v[k].code = rep->code;
		v[k].nlines = rep->nlines;
		v[k].flaws = rep->flaws;
		v[k].bytes = rep->bytes;
		k++;
		bl_smtp_reader_reset(&r);
		start = pos;
	}
	if (pos > start) {
		rep = bl_smtp_reader_reply(&r);
		check_partial(mode, k, &r, data + start, pos - start);
		v[k].st = BL_SMTP_MORE;
		v[k].code = rep->code;
		v[k].nlines = rep->nlines;
		v[k].flaws = rep->flaws;
		v[k].bytes = rep->bytes;
		k++;
	}
	bl_smtp_reader_finish(&r);
	return k;
}

/* same - two readings came to the same replies */
static void
same(const char *mode, const struct seen *a, size_t na, const struct seen *b,
     size_t nb)
{
	size_t i;

	if (na != nb)
		violation(mode, 0, "not as many replies as in one chunk");
	for (i = 0; i < na; i++)
		if (a[i].st != b[i].st || a[i].code != b[i].code ||
		    a[i].nlines != b[i].nlines || a[i].flaws != b[i].flaws ||
		    a[i].bytes != b[i].bytes)
			violation(mode, i, "another reply than in one chunk");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen *one, *chunks, *bytes;
	size_t n1, n2, n3;

	one = bl_xcalloc(size + 1, sizeof(*one));
	chunks = bl_xcalloc(size + 1, sizeof(*chunks));
	bytes = bl_xcalloc(size + 1, sizeof(*bytes));
	n1 = read_all("one chunk", data, size, 0, one);
	n2 =
	    read_all("chunks", data, size, size > 0 ? 1u + data[0] : 1, chunks);
	n3 = read_all("byte by byte", data, size, 1, bytes);
	same("chunks", one, n1, chunks, n2);
	same("byte by byte", one, n1, bytes, n3);
	free(bytes);
	free(chunks);
	free(one);
	return 0;
}

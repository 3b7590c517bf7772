/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_reply.c - the SMTP reply reader of smtp_reply.h: a byte-at-a-time
 * state machine over a stranger's bytes, one reply at a time, within the
 * caps of the header.
 *
 * The reader owns two allocations, made on the first byte it takes and
 * kept across resets until bl_smtp_reader_finish(): the lines' bytes
 * (BL_SMTP_REPLY_MAX, never moved, so the lines point into it) and the
 * line table (grown by doubling up to BL_SMTP_REPLY_LINES). Every byte is
 * looked at once, so a feed costs time linear in the bytes it takes.
 * Problems in the bytes are flaws of the reply, not diagnostics: the
 * caller (the probe, the transcript reader) reports them.
 *
 * Decisions the header leaves open:
 * - a cap stops the reader before the byte that would pass it: that byte
 *   is not taken (*used and bytes leave it out) and nothing after it is
 *   read; the probe then closes the connection. The line being read is
 *   kept as far as it fit (a line too long: its first BL_SMTP_LINE_MAX
 *   bytes), with its code and separator, as the reply's last line; it
 *   adds no NO_CODE, BAD_SEP or CODE_CHANGED flaw (it did not end). So
 *   *used never passes BL_SMTP_REPLY_MAX plus the line ends taken (a CR
 *   taken as a possible line end counts as one);
 * - a 257th line is refused at its first byte, not when the 256th ends
 *   with "ddd-": a server may never send it;
 * - a reply code is three digits, the first not 0 (100 to 999); "022"
 *   is a line without a code;
 * - a CR not followed by LF is a byte of its line (CONTROL); a CR at the
 *   end of a feed is taken and held until the next byte says which it
 *   is. A partial line shown after MORE leaves that CR out;
 * - control bytes are those below 0x20 but tab, and DEL (0x7f).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"
#include "util.h"

/* reasons for BL_SMTP_ERROR (static, so the reply may point at them) */
static const char err_line_long[] = "a reply line over 4096 bytes";
static const char err_reply_big[] = "a reply over 65536 bytes";
static const char err_many_lines[] = "a reply of more than 256 lines";

_Static_assert(BL_SMTP_LINE_MAX == 4096u && BL_SMTP_REPLY_MAX == 65536u &&
		   BL_SMTP_REPLY_LINES == 256u,
	       "the error texts name the caps");

/* bl_smtp_reader_init - an empty reader */
void
bl_smtp_reader_init(struct bl_smtp_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->reply.code = -1;
}

/* bl_smtp_reader_reset - ready for the next reply (keeps the memory) */
void
bl_smtp_reader_reset(struct bl_smtp_reader *r)
{
	char *buf = r->buf;
	struct bl_smtp_line *lines = r->lines;
	size_t cap = r->cap;

	bl_smtp_reader_init(r);
	r->buf = buf;
	r->lines = lines;
	r->cap = cap;
}

/* bl_smtp_reader_finish - free the reader's memory (r may be NULL) */
void
bl_smtp_reader_finish(struct bl_smtp_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->lines);
	bl_smtp_reader_init(r);
}

/* bl_smtp_line_parse - a line's code (-1 without one) and separator */
void
bl_smtp_line_parse(const char *text, size_t len, int *code, char *sep)
{
	const unsigned char *t = (const unsigned char *)text;

	*sep = len > 3 ? text[3] : 0;
	if (len >= 3 && t[0] >= '1' && t[0] <= '9' && t[1] >= '0' &&
	    t[1] <= '9' && t[2] >= '0' && t[2] <= '9')
		*code = (t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0');
	else
		*code = -1;
}

/* bl_smtp_flaw_text - the first flaw in flaws described, or NULL (static) */
const char *
bl_smtp_flaw_text(unsigned flaws)
{
	static const struct {
		unsigned flaw;
		const char *text;
	} tab[] = {
	    {BL_SMTP_FLAW_NO_CODE, "a line without a reply code"},
	    {BL_SMTP_FLAW_BAD_SEP,
	     "a reply code followed by neither a space nor a hyphen"},
	    {BL_SMTP_FLAW_CODE_CHANGED, "lines with different reply codes"},
	    {BL_SMTP_FLAW_BARE_LF, "a line ended by a bare LF, not CRLF"},
	    {BL_SMTP_FLAW_CONTROL, "a control character or NUL in a line"},
	    {BL_SMTP_FLAW_LINE_LONG, "a line over 4096 bytes (cut)"},
	    {BL_SMTP_FLAW_TOO_BIG,
	     "a reply over 65536 bytes or 256 lines (cut)"},
	    {BL_SMTP_FLAW_8BIT, "a byte outside ASCII (0x80 or above)"},
	};
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(tab); i++)
		if (flaws & tab[i].flaw)
			return tab[i].text;
	return NULL;
}

/* in_line - some byte of a line not yet ended has been taken */
static bool
in_line(const struct bl_smtp_reader *r)
{
	return r->line_len > 0 || r->cr;
}

/* begin_line - room for one more line; false when the reply has all it
 * may have */
static bool
begin_line(struct bl_smtp_reader *r)
{
	if (r->nlines == BL_SMTP_REPLY_LINES)
		return false;
	if (r->buf == NULL)
		r->buf = bl_xmalloc(BL_SMTP_REPLY_MAX);
	if (r->nlines == r->cap) {
		r->cap = r->cap == 0 ? 8 : 2 * r->cap;
		r->lines =
		    bl_xreallocarray(r->lines, r->cap, sizeof(*r->lines));
	}
	r->line_start = r->len;
	return true;
}

/* put - keep byte c in the line being read; false when a cap is reached
 * (the error is set, c is not kept) */
static bool
put(struct bl_smtp_reader *r, unsigned char c)
{
	if (r->line_len == BL_SMTP_LINE_MAX) {
		r->flaws |= BL_SMTP_FLAW_LINE_LONG;
		r->error = err_line_long;
		return false;
	}
	if (r->len == BL_SMTP_REPLY_MAX) {
		r->flaws |= BL_SMTP_FLAW_TOO_BIG;
		r->error = err_reply_big;
		return false;
	}
	if (c >= 0x80)
		r->flaws |= BL_SMTP_FLAW_8BIT;
	else if ((c < 0x20 && c != '\t') || c == 0x7f)
		r->flaws |= BL_SMTP_FLAW_CONTROL;
	r->buf[r->len++] = (char)c;
	r->line_len++;
	return true;
}

/* add_line - the line being read, as far as it goes, as the next line
 * (borrowed from buf) */
static struct bl_smtp_line *
add_line(struct bl_smtp_reader *r)
{
	struct bl_smtp_line *l = &r->lines[r->nlines++];

	l->text = r->buf + r->line_start;
	l->len = r->line_len;
	bl_smtp_line_parse(l->text, l->len, &l->code, &l->sep);
	r->line_len = 0;
	r->cr = false;
	return l;
}

/* end_line - a line end arrived: the line is whole; the reply is over
 * unless the line is "ddd-..." */
static void
end_line(struct bl_smtp_reader *r)
{
	const struct bl_smtp_line *l = add_line(r);

	if (l->code == -1) {
		r->flaws |= BL_SMTP_FLAW_NO_CODE;
		r->done = true;
		return;
	}
	if (l->code != r->lines[0].code)
		r->flaws |= BL_SMTP_FLAW_CODE_CHANGED;
	if (l->len > 3 && l->sep == '-')
		return;
	if (l->len > 3 && l->sep != ' ')
		r->flaws |= BL_SMTP_FLAW_BAD_SEP;
	r->done = true;
}

/* stop - a cap was reached: keep what fit of the line being read */
static enum bl_smtp_status
stop(struct bl_smtp_reader *r)
{
	if (r->line_len > 0)
		(void)add_line(r);
	r->cr = false;
	r->done = true;
	return BL_SMTP_ERROR;
}

/* bl_smtp_reader_feed - take data[0, n) up to the end of the reply */
enum bl_smtp_status
bl_smtp_reader_feed(struct bl_smtp_reader *r, const char *data, size_t n,
		    size_t *used)
{
	const unsigned char *d = (const unsigned char *)data;
	size_t i;

	*used = 0;
	if (r->done)
		return r->error != NULL ? BL_SMTP_ERROR : BL_SMTP_DONE;
	for (i = 0; i < n; i++) {
		if (!in_line(r) && !begin_line(r)) {
			r->flaws |= BL_SMTP_FLAW_TOO_BIG;
			r->error = err_many_lines;
			return stop(r);
		}
		if (d[i] == '\n') {
			if (!r->cr)
				r->flaws |= BL_SMTP_FLAW_BARE_LF;
			*used = i + 1;
			r->bytes++;
			end_line(r);
			if (r->done)
				return BL_SMTP_DONE;
			continue;
		}
		if (r->cr) {
			/* the CR held was a byte of the line after all */
			r->cr = false;
			if (!put(r, '\r'))
				return stop(r);
		}
		if (d[i] == '\r')
			r->cr = true;
		else if (!put(r, d[i]))
			return stop(r);
		*used = i + 1;
		r->bytes++;
	}
	return BL_SMTP_MORE;
}

/* bl_smtp_reader_reply - the reply so far, a partial line last (borrowed) */
const struct bl_smtp_reply *
bl_smtp_reader_reply(struct bl_smtp_reader *r)
{
	struct bl_smtp_reply *rep = &r->reply;
	struct bl_smtp_line *l;

	rep->flaws = r->flaws;
	rep->lines = r->lines;
	rep->nlines = r->nlines;
	rep->bytes = r->bytes;
	rep->error = r->error;
	if (!r->done && in_line(r)) {
		/* begin_line made room for it */
		l = &r->lines[r->nlines];
		l->text = r->buf + r->line_start;
		l->len = r->line_len;
		bl_smtp_line_parse(l->text, l->len, &l->code, &l->sep);
		rep->nlines++;
	}
	rep->code = rep->nlines > 0 ? rep->lines[0].code : -1;
	return rep;
}

/* bl_smtp_reader_pending - bytes of the unfinished line taken, a CR held
 * included (0 at a line start, and once the reply is over) */
size_t
bl_smtp_reader_pending(const struct bl_smtp_reader *r)
{
	if (r->done)
		return 0;
	return r->line_len + (r->cr ? 1u : 0u);
}

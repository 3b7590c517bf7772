/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_reply.c - the SMTP reply reader (smtp_reply.h): bytes in, one whole
 * reply out, one pass over each byte and never more memory than the caps.
 *
 * The reader owns one buffer of BL_SMTP_REPLY_MAX bytes and a line table
 * of at most BL_SMTP_REPLY_LINES entries, made at the first feed. A line
 * over BL_SMTP_LINE_MAX keeps its first BL_SMTP_LINE_MAX bytes and ends the
 * reply with an error: the reader takes the bytes it looked at and reads
 * no further (the probe then closes the connection rather than resync
 * with a server that does not keep to the protocol).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"
#include "util.h"

/* bl_smtp_line_parse - a line's code (or -1) and separator */
void
bl_smtp_line_parse(const char *text, size_t len, int *code, char *sep)
{
	if (len >= 3 && text[0] >= '1' && text[0] <= '9' && text[1] >= '0' &&
	    text[1] <= '9' && text[2] >= '0' && text[2] <= '9')
		*code = (text[0] - '0') * 100 + (text[1] - '0') * 10 +
			(text[2] - '0');
	else
		*code = -1;
	*sep = len > 3 ? text[3] : '\0';
}

/* bl_smtp_reader_init - an empty reader */
void
bl_smtp_reader_init(struct bl_smtp_reader *r)
{
	memset(r, 0, sizeof(*r));
}

/* bl_smtp_reader_reset - ready for the next reply */
void
bl_smtp_reader_reset(struct bl_smtp_reader *r)
{
	char *buf = r->buf;
	struct bl_smtp_line *lines = r->lines;
	size_t cap = r->cap;

	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->lines = lines;
	r->cap = cap;
}

void
bl_smtp_reader_finish(struct bl_smtp_reader *r)
{
	free(r->buf);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* end_line - the line being read is whole (its line end seen, or cut):
 * into the table; is it the reply's last? */
static bool
end_line(struct bl_smtp_reader *r)
{
	struct bl_smtp_line *l = &r->lines[r->nlines++];
	size_t kept = r->len - r->line_start;

	l->text = r->buf + r->line_start;
	l->len = kept;
	bl_smtp_line_parse(l->text, l->len, &l->code, &l->sep);
	if (l->code < 0)
		r->flaws |= BL_SMTP_FLAW_NO_CODE;
	else if (l->sep != ' ' && l->sep != '-' && l->sep != '\0')
		r->flaws |= BL_SMTP_FLAW_BAD_SEP;
	if (r->nlines > 1 && l->code != r->lines[0].code)
		r->flaws |= BL_SMTP_FLAW_CODE_CHANGED;
	r->line_start = r->len;
	r->line_len = 0;
	/* a line without "ddd-" ends the reply: garbage never makes the
	 * reader wait */
	return l->code < 0 || l->sep != '-';
}

/* bl_smtp_reader_feed - take bytes up to the reply's end (smtp_reply.h) */
enum bl_smtp_status
bl_smtp_reader_feed(struct bl_smtp_reader *r, const char *data, size_t n,
		    size_t *used)
{
	size_t i;

	*used = 0;
	if (r->done)
		return r->error != NULL ? BL_SMTP_ERROR : BL_SMTP_DONE;
	if (r->buf == NULL) {
		r->buf = bl_xmalloc(BL_SMTP_REPLY_MAX);
		r->lines = bl_xcalloc(BL_SMTP_REPLY_LINES, sizeof(*r->lines));
		r->cap = BL_SMTP_REPLY_LINES;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];

		r->bytes++;
		if (c == '\n') {
			if (!r->cr)
				r->flaws |= BL_SMTP_FLAW_BARE_LF;
			else if (r->len > r->line_start)
				r->len--; /* the CR kept before it */
			r->cr = false;
			if (end_line(r) || r->nlines == BL_SMTP_REPLY_LINES) {
				*used = i + 1;
				r->done = true;
				if (!(r->nlines == BL_SMTP_REPLY_LINES &&
				      r->lines[r->nlines - 1].sep == '-'))
					return BL_SMTP_DONE;
				r->flaws |= BL_SMTP_FLAW_TOO_BIG;
				r->error = "a reply of more lines than the "
					   "probe reads";
				return BL_SMTP_ERROR;
			}
			continue;
		}
		/* a CR is kept: it is the line end's when LF follows, else a
		 * control byte in the text */
		if (r->cr)
			r->flaws |= BL_SMTP_FLAW_CONTROL;
		r->cr = c == '\r';
		if (c == '\0' || (c < 0x20 && c != '\t' && c != '\r') ||
		    c == 0x7f)
			r->flaws |= BL_SMTP_FLAW_CONTROL;
		if (c >= 0x80)
			r->flaws |= BL_SMTP_FLAW_8BIT;
		r->line_len++;
		if (r->line_len > BL_SMTP_LINE_MAX + (c == '\r' ? 1u : 0u)) {
			r->flaws |= BL_SMTP_FLAW_LINE_LONG;
			r->error = "a line longer than the probe reads";
			(void)end_line(r);
			*used = i + 1;
			r->done = true;
			return BL_SMTP_ERROR;
		}
		if (r->len == BL_SMTP_REPLY_MAX) {
			r->flaws |= BL_SMTP_FLAW_TOO_BIG;
			r->error = "a reply longer than the probe reads";
			(void)end_line(r);
			*used = i + 1;
			r->done = true;
			return BL_SMTP_ERROR;
		}
		r->buf[r->len++] = (char)c;
	}
	*used = n;
	return BL_SMTP_MORE;
}

/* bl_smtp_reader_reply - the reply so far, the partial line last */
const struct bl_smtp_reply *
bl_smtp_reader_reply(struct bl_smtp_reader *r)
{
	size_t n = r->nlines;

	if (!r->done && r->len > r->line_start && r->lines != NULL &&
	    n < r->cap) {
		/* the partial line, shown but not taken into the table */
		struct bl_smtp_line *l = &r->lines[n];

		l->text = r->buf + r->line_start;
		l->len = r->len - r->line_start;
		bl_smtp_line_parse(l->text, l->len, &l->code, &l->sep);
		n++;
	}
	r->reply.code = n > 0 ? r->lines[0].code : -1;
	r->reply.flaws = r->flaws;
	r->reply.lines = r->lines;
	r->reply.nlines = n;
	r->reply.bytes = r->bytes;
	r->reply.error = r->error;
	return &r->reply;
}

/* bl_smtp_reader_pending - bytes of an unfinished line held */
size_t
bl_smtp_reader_pending(const struct bl_smtp_reader *r)
{
	return r->done ? 0 : r->line_len;
}

/* bl_smtp_flaw_text - the first flaw in words (static), or NULL */
const char *
bl_smtp_flaw_text(unsigned flaws)
{
	static const struct {
		unsigned bit;
		const char *text;
	} words[] = {
	    {BL_SMTP_FLAW_NO_CODE, "a line without a reply code"},
	    {BL_SMTP_FLAW_BAD_SEP, "a reply code not followed by a space or "
				   "'-'"},
	    {BL_SMTP_FLAW_CODE_CHANGED, "lines with different reply codes"},
	    {BL_SMTP_FLAW_BARE_LF, "a line ended by LF without CR"},
	    {BL_SMTP_FLAW_CONTROL, "control bytes in the text"},
	    {BL_SMTP_FLAW_LINE_LONG, "a line longer than the probe reads"},
	    {BL_SMTP_FLAW_TOO_BIG, "a reply longer than the probe reads"},
	    {BL_SMTP_FLAW_8BIT, "bytes outside ASCII"},
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (flaws & words[i].bit)
			return words[i].text;
	return NULL;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_reply.h - the SMTP reply reader: bytes from a stranger's server in,
 * one whole reply (RFC 5321 section 4.2: "ddd-text" lines, then a
 * "ddd text" or "ddd" line) out, within fixed caps.
 *
 * The reader is incremental: feed it whatever recv() returned; it takes
 * bytes up to the end of the reply and no further (what follows belongs to
 * the next reply, or is a server speaking out of turn), so *used may be
 * less than n. It never allocates beyond the caps below: a line longer
 * than BL_SMTP_LINE_MAX, a reply longer than BL_SMTP_REPLY_MAX bytes or
 * BL_SMTP_REPLY_LINES lines ends the reply with an error and keeps what
 * fit. A reply is over at the first line that is not "ddd-...": a line
 * without a three-digit code ends it too, as malformed, so garbage never
 * makes the reader wait for more.
 *
 * Lines are kept without their line end (CRLF, or a bare LF: flagged).
 * The reader owns its buffer; bl_smtp_reply_lines() and the text it points
 * at are borrowed until the next bl_smtp_reader_reset() or _finish().
 */
#ifndef BL_SMTP_REPLY_H
#define BL_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 5321 4.5.3.1.5 allows 512 octets a reply line; servers send more
 * (long capability lists, banners with a disclaimer), so the cap is
 * generous but fixed. */
#define BL_SMTP_LINE_MAX 4096u
#define BL_SMTP_REPLY_MAX 65536u
#define BL_SMTP_REPLY_LINES 256u

enum bl_smtp_status {
	BL_SMTP_MORE,  /* the reply is not over: feed more bytes */
	BL_SMTP_DONE,  /* a whole reply: see the lines and flags */
	BL_SMTP_ERROR, /* a cap was reached: the reply so far is kept, the
			* rest is not read (see bl_smtp_reply.error) */
};

/* What was wrong with a reply, as bits (a reply may have several). */
enum bl_smtp_flaw {
	BL_SMTP_FLAW_NO_CODE = 1u << 0,   /* a line without 3 digits */
	BL_SMTP_FLAW_BAD_SEP = 1u << 1,   /* 4th byte not ' ', '-' or end */
	BL_SMTP_FLAW_CODE_CHANGED = 1u << 2, /* lines with different codes */
	BL_SMTP_FLAW_BARE_LF = 1u << 3,   /* a line ended by LF alone */
	BL_SMTP_FLAW_CONTROL = 1u << 4,   /* a control byte (not tab) or NUL
					   * inside a line */
	BL_SMTP_FLAW_LINE_LONG = 1u << 5, /* over BL_SMTP_LINE_MAX: cut */
	BL_SMTP_FLAW_TOO_BIG = 1u << 6,   /* over BL_SMTP_REPLY_MAX bytes or
					   * BL_SMTP_REPLY_LINES lines */
	BL_SMTP_FLAW_8BIT = 1u << 7,      /* a byte >= 0x80 */
};

/* One line of a reply: the bytes of the line without its line end. */
struct bl_smtp_line {
	const char *text; /* borrowed; not NUL-terminated (may hold NULs) */
	size_t len;
	int code;         /* its three digits, or -1 */
	char sep;         /* its 4th byte: ' ', '-', or 0 (line of 3 bytes or
			   * less), or the offending byte */
};

struct bl_smtp_reply {
	int code;        /* the first line's code, or -1 */
	unsigned flaws;  /* enum bl_smtp_flaw bits */
	const struct bl_smtp_line *lines; /* borrowed */
	size_t nlines;
	size_t bytes;    /* bytes taken from the stream, line ends included */
	const char *error; /* BL_SMTP_ERROR: which cap (static), else NULL */
};

/* The reader's state; treat as opaque. */
struct bl_smtp_reader {
	char *buf;       /* the lines' bytes, at most BL_SMTP_REPLY_MAX */
	size_t len;
	struct bl_smtp_line *lines;
	size_t nlines, cap;
	size_t line_start; /* where the line being read starts in buf */
	size_t line_len;   /* bytes of it seen (also those cut) */
	size_t bytes;
	bool cr;           /* the last byte was a CR */
	bool done;
	unsigned flaws;
	const char *error;
	struct bl_smtp_reply reply;
};

/* bl_smtp_reader_init - an empty reader */
void bl_smtp_reader_init(struct bl_smtp_reader *r);
/* bl_smtp_reader_reset - ready for the next reply (keeps the memory) */
void bl_smtp_reader_reset(struct bl_smtp_reader *r);
void bl_smtp_reader_finish(struct bl_smtp_reader *r);

/*
 * bl_smtp_reader_feed - read data[0, n): *used bytes were taken (the rest
 * belongs after this reply). MORE: all n taken, the reply goes on. DONE or
 * ERROR: the reply is in bl_smtp_reader_reply(); feeding again before a
 * reset takes nothing and returns the same status.
 */
enum bl_smtp_status bl_smtp_reader_feed(struct bl_smtp_reader *r,
					const char *data, size_t n,
					size_t *used);

/*
 * bl_smtp_reader_reply - the reply read so far (borrowed). After MORE it
 * holds the complete lines and, as its last line, the partial one (for a
 * peer that stopped mid-line: "a greeting that never ends a line").
 */
const struct bl_smtp_reply *bl_smtp_reader_reply(struct bl_smtp_reader *r);

/* bl_smtp_reader_pending - bytes of an unfinished line held (0: at a line
 * start) */
size_t bl_smtp_reader_pending(const struct bl_smtp_reader *r);

/* bl_smtp_flaw_text - a short English description of the first flaw in
 * flaws ("a line without a reply code", ...), or NULL when none (static) */
const char *bl_smtp_flaw_text(unsigned flaws);

/*
 * bl_smtp_line_parse - classify one line (no line end): its code (or -1)
 * and its separator as in struct bl_smtp_line. The reader and the
 * transcript reader (parsers/live.c) share it.
 */
void bl_smtp_line_parse(const char *text, size_t len, int *code, char *sep);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix_lex.c - Postfix logical lines, as readlline(3) reads them.
 *
 * A logical line keeps a map from offsets in its joined text back to the
 * source bytes, so that every setting can later be blamed and rewritten at
 * its exact span. The line owns its buffers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "util.h"

/* bl_pf_reader_init - read src from its first byte */
void
bl_pf_reader_init(struct bl_pf_reader *r, const struct bl_source *src)
{
	r->src = src;
	r->pos = 0;
	r->line = 1;
}

/* bl_pf_line_init - an empty logical line */
void
bl_pf_line_init(struct bl_pf_line *l)
{
	memset(l, 0, sizeof(*l));
	bl_buf_init(&l->text);
}

/* bl_pf_line_finish - free the line's buffers */
void
bl_pf_line_finish(struct bl_pf_line *l)
{
	bl_buf_finish(&l->text);
	free(l->map);
	l->map = NULL;
}

/* Physical line [start, end) without its newline; next is past it. */
static bool
physical(struct bl_pf_reader *r, size_t *start, size_t *end, size_t *next)
{
	const char *d = r->src->data;
	const char *nl;

	if (r->pos >= r->src->len)
		return false;
	*start = r->pos;
	nl = memchr(d + r->pos, '\n', r->src->len - r->pos);
	*end = nl ? (size_t)(nl - d) : r->src->len;
	*next = nl ? *end + 1 : *end;
	return true;
}

/* A blank line or one whose first non-blank byte is '#'. */
static bool
skippable(const char *p, const char *end)
{
	while (p < end && bl_is_space((unsigned char)*p))
		p++;
	return p == end || *p == '#';
}

static void
append(struct bl_pf_line *l, const char *data, size_t off, size_t len)
{
	if (len == 0)
		return;
	if (l->nmap == l->mapcap) {
		l->mapcap = l->mapcap ? l->mapcap * 2 : 4;
		l->map = bl_xreallocarray(l->map, l->mapcap, sizeof(*l->map));
	}
	l->map[l->nmap].raw_off = l->text.len;
	l->map[l->nmap].src_off = off;
	l->map[l->nmap].len = len;
	l->nmap++;
	bl_buf_add(&l->text, data + off, len);
}

/* bl_pf_next_line - the next logical line; false at end of input */
bool
bl_pf_next_line(struct bl_pf_reader *r, struct bl_pf_line *l)
{
	const char *d = r->src->data;
	size_t start, end, next, save_pos;
	unsigned save_line;
	bool have = false;

	bl_buf_reset(&l->text);
	l->nmap = 0;
	l->indented = false;
	while (physical(r, &start, &end, &next)) {
		if (skippable(d + start, d + end)) {
			r->pos = next;
			r->line++;
			continue;
		}
		have = true;
		l->start = start;
		l->line = r->line;
		l->indented = bl_is_space((unsigned char)d[start]);
		append(l, d, start, end - start);
		l->end = next;
		r->pos = next;
		r->line++;
		break;
	}
	if (!have)
		return false;
	/* Continuations: indented lines, with comments and blanks between. */
	for (;;) {
		save_pos = r->pos;
		save_line = r->line;
		while (physical(r, &start, &end, &next) &&
		       skippable(d + start, d + end)) {
			r->pos = next;
			r->line++;
		}
		if (!physical(r, &start, &end, &next) ||
		    !bl_is_space((unsigned char)d[start])) {
			/* Not a continuation: leave the skipped lines. */
			r->pos = save_pos;
			r->line = save_line;
			break;
		}
		append(l, d, start, end - start);
		l->end = next;
		r->pos = next;
		r->line++;
	}
	return true;
}

/* bl_pf_line_src - source offset of an offset into the joined text */
size_t
bl_pf_line_src(const struct bl_pf_line *l, size_t off)
{
	size_t lo = 0, hi = l->nmap, mid;

	/* The runs are in text order and tile the text: a binary search, as
	 * a logical line may have a run per physical line (millions). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (off < l->map[mid].raw_off)
			hi = mid;
		else if (off >= l->map[mid].raw_off + l->map[mid].len)
			lo = mid + 1;
		else
			return l->map[mid].src_off +
			       (off - l->map[mid].raw_off);
	}
	if (l->nmap > 0)
		return l->map[l->nmap - 1].src_off + l->map[l->nmap - 1].len;
	return l->start;
}

/* Offset of the last "ab" in d[0, n), or n when there is none. */
static size_t
last_pair(const char *d, size_t n, char a, char b)
{
	size_t i;

	for (i = n; i >= 2; i--)
		if (d[i - 2] == a && d[i - 1] == b)
			return i - 2;
	return n;
}

/*
 * bl_pf_is_template - does the source look like a Jinja template?
 *
 * "{{" is Jinja unless it follows "$" (Postfix's "${{$a} == {$b}...}");
 * "{%" is Jinja wherever it is. Either needs its closing mark after it.
 */
bool
bl_pf_is_template(const struct bl_source *src, unsigned *line)
{
	const char *d = src->data, *p;
	size_t n = strlen(d), pct, brace;
	unsigned col;

	/* Where the last closing marks are, so that each "{" is judged in
	 * constant time (a search to the end for each was quadratic). */
	pct = last_pair(d, n, '%', '}');
	brace = last_pair(d, n, '}', '}');
	for (p = d; (p = strchr(p, '{')) != NULL; p++) {
		if (p[1] == '%' && pct != n && pct >= (size_t)(p - d) + 2)
			break;
		if (p[1] == '{' && (p == d || p[-1] != '$') && brace != n &&
		    brace >= (size_t)(p - d) + 2)
			break;
	}
	if (p == NULL)
		return false;
	bl_source_position(src, (size_t)(p - d), line, &col);
	return true;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix_lex.c - Postfix logical lines, as readlline(3) reads them.
 *
 * A logical line keeps a map from offsets in its joined text back to the
 * source bytes, so that every setting can later be blamed and rewritten at
 * its exact span. The line owns its buffers.
 */
#include "config.h"

#include <ctype.h>
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

/* Postfix table types whose argument may be a literal in braces
 * (DATABASE_README: inline:{...}, static:{...}, and the map combinators);
 * texthash: is listed as the issue names it, and a "{{" after it cannot be
 * a file name either way. */
static const char *const brace_types[] = {"inline", "static", "pipemap",
					  "unionmap", "randmap", "texthash"};

/* postfix_brace - is the "{" at d[i] Postfix's own: after "$" (a
 * "${...}" expansion) or right after "TYPE:" for a literal table type? */
static bool
postfix_brace(const char *d, size_t i)
{
	size_t k, n, j;

	if (i > 0 && d[i - 1] == '$')
		return true;
	if (i == 0 || d[i - 1] != ':')
		return false;
	for (k = 0; k < BL_ARRAY_LEN(brace_types); k++) {
		n = strlen(brace_types[k]);
		if (i < n + 1)
			continue;
		j = i - 1 - n;
		if (memcmp(d + j, brace_types[k], n) == 0 &&
		    (j == 0 || !(isalnum((unsigned char)d[j - 1]) ||
				 d[j - 1] == '_')))
			return true;
	}
	return false;
}

/*
 * bl_pf_is_template - the template syntax Postfix cannot mean in the
 * source (Jinja "{% %}" or "{{ }}", ERB "<% %>"), or BL_TEMPLATE_NONE
 *
 * Postfix has braces of its own: "${...}" expansions, "${{$a} == {$b}...}",
 * literal tables "inline:{{a=b}, {c=d}}", and "{ ... }" groups (master.cf
 * "-o { name = value }", restriction lists). A "{{" is Jinja only outside
 * every Postfix group of its logical line and not opening one ("${{",
 * "inline:{{"); "{%" and "<%" are never Postfix's. Each needs its closing
 * mark after it. Linear: one pass, the closing marks located once.
 */
enum bl_template_kind
bl_pf_is_template(const struct bl_source *src, unsigned *line)
{
	const char *d = src->data;
	size_t n = strlen(d), pct, brace, erb, i, depth = 0;
	unsigned col;

	/* Where the last closing marks are, so that each opening is judged
	 * in constant time (a search to the end for each was quadratic). */
	pct = last_pair(d, n, '%', '}');
	brace = last_pair(d, n, '}', '}');
	erb = last_pair(d, n, '%', '>');
	for (i = 0; i < n; i++) {
		switch (d[i]) {
		case '\n':
			/* A new logical line closes every group. */
			if (i + 1 < n && !bl_is_space((unsigned char)d[i + 1]))
				depth = 0;
			continue;
		case '<':
			if (d[i + 1] == '%' && erb != n && erb >= i + 2)
				goto found;
			continue;
		case '}':
			if (depth > 0)
				depth--;
			continue;
		case '{':
			break;
		default:
			continue;
		}
		if (d[i + 1] == '%' && pct != n && pct >= i + 2)
			goto found;
		if (depth == 0 && d[i + 1] == '{' && !postfix_brace(d, i) &&
		    brace != n && brace >= i + 2)
			goto found;
		depth++;
	}
	return BL_TEMPLATE_NONE;
found:
	bl_source_position(src, i, line, &col);
	return d[i] == '<' ? BL_TEMPLATE_ERB : BL_TEMPLATE_JINJA;
}

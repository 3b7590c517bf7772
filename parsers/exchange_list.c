/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_list.c - Format-List text (Get-ReceiveConnector | Format-List
 * > receive.txt) read into the objects of exchange.h.
 *
 * The text is blocks of "Name : Value" lines, one block per object,
 * separated by one or more blank lines (spaces and tabs only); blank
 * lines before the first block and after the last are fine, and a text
 * with no block at all is an export of no object. A property line starts
 * with its name in column 1 (letters, digits, '_' and '-'), padded with
 * spaces to the longest name, then ":" and either the end of the line or
 * one space and the value: the first " : " is the separator, so a value
 * may hold ":" and " : " itself ("[::]:25"). Nothing after the colon (or
 * after ": ") is $null. The value column is the column after ": ".
 *
 * Wrapping. PowerShell cuts a value longer than the host width into
 * chunks, mid-word, and writes each further chunk on a line of its own
 * padded with spaces to the value column. So a non-blank line inside a
 * block that starts with a space or a tab continues the last property:
 * when it starts with at least as many spaces as that property's value
 * column, exactly that many are dropped (a chunk may itself start with a
 * space: "{a," then " b}"), else (an export edited by hand, tabs) all of
 * its leading blanks are; the rest is appended to the value with no
 * separator. A value that held a line break wraps the same way, so its
 * line break is lost: the format cannot tell the two apart.
 *
 * Collections show as "{a, b, c}", truncated ones as "{a, b, c...}"
 * (Windows PowerShell) or "{a, b, c\u2026}" (PowerShell 6.2 and later):
 * a value that starts with '{' and ends with '}' once unwrapped is a
 * collection whose items are the text inside the braces, without the
 * ellipsis, split at ", "; its value is that text. A scalar shown in
 * braces (a GUID written "{...}") reads as a collection of one item: the
 * format shows no difference.
 *
 * Every error is at file:line:col: a NUL byte, a line in a block that is
 * neither a property line nor a continuation, a continuation with no
 * property before it, a property twice in one object (which one would
 * PowerShell have shown?), and the limits of exchange.h. Lines go on
 * being checked after an error (each bad line is reported), except past
 * a limit; the reader then returns -1 with *out empty. Everything is
 * allocated in the arena given; the temporary vectors are freed here.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exchange.h"
#include "util.h"

/* Slots of the per-object name set: a power of two, over twice
 * BL_EX_PROPS_MAX, so probing always ends. */
#define NAMESET_SLOTS 4096u

/* The properties of the object being read (heap; copied to the arena
 * when the object ends). */
struct props {
	struct bl_ex_prop *v;
	size_t n, cap;
};

struct objs {
	struct bl_ex_object *v;
	size_t n, cap;
};

/*
 * Names seen in the current object, for duplicates in linear time: a
 * slot holds an index into props.v, valid when its generation is the
 * current one, so starting a new object clears the set in O(1).
 */
struct nameset {
	unsigned gen[NAMESET_SLOTS];
	size_t idx[NAMESET_SLOTS];
	unsigned cur;
};

/* The property being read: its line, and its value so far. */
struct cur {
	bool open;
	size_t name_off, name_len;
	unsigned line, col;
	size_t voff;  /* first byte of the value, or the end of the line */
	size_t vend;  /* end of the value's last line, without its EOL */
	size_t vcol;  /* the value column: bytes before the value */
	bool wrapped; /* the text is in buf, not data[voff, vend) */
	struct bl_buf buf;
};

struct reader {
	struct bl_arena *a;
	const struct bl_source *src;
	struct bl_diags *diags;
	struct props props;
	struct objs objs;
	struct nameset *names;
	struct cur cur;
	bool in_block;
	size_t obj_off;
	unsigned obj_line;
	bool failed; /* an error was reported: return -1 at the end */
	bool stop;   /* a limit was reached: read no further */
};

/* is_name_char - may c be part of a property name (RunspaceId,
 * PSComputerName, Max-Foo_2) */
static bool
is_name_char(unsigned char c)
{
	return isascii(c) && (isalnum(c) || c == '_' || c == '-');
}

/* is_blank_line - does [s, e) hold only spaces and tabs (or nothing) */
static bool
is_blank_line(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* name_hash - FNV-1a of the ASCII-lowercased name (PowerShell's names
 * are case-insensitive) */
static size_t
name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint32_t)tolower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

/* excerpt_len - how much of a bad line a message quotes */
static int
excerpt_len(size_t n)
{
	return n > 40 ? 40 : (int)n;
}

/* push_prop - a free slot at the end of the properties (heap) */
static struct bl_ex_prop *
push_prop(struct props *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->v = bl_xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	memset(&p->v[p->n], 0, sizeof(p->v[0]));
	return &p->v[p->n++];
}

/*
 * set_collection - when text[0, n) is "{...}", make p a collection: its
 * items split at ", ", truncated when the text inside ends with "..." or
 * U+2026. -1 (reported) when it has more than BL_EX_ITEMS_MAX items.
 */
static int
set_collection(struct reader *r, struct bl_ex_prop *p, const char *text,
	       size_t n)
{
	const char *in, *s, *e, *q;
	size_t inlen, count, k;

	if (n < 2 || text[0] != '{' || text[n - 1] != '}')
		return 0;
	in = text + 1;
	inlen = n - 2;
	if (inlen >= 3 && memcmp(in + inlen - 3, "...", 3) == 0) {
		p->truncated = true;
		inlen -= 3;
	} else if (inlen >= 3 &&
		   memcmp(in + inlen - 3, "\xe2\x80\xa6", 3) == 0) {
		p->truncated = true;
		inlen -= 3;
	}
	p->value = bl_arena_strndup(r->a, in, inlen);
	p->value_len = inlen;
	count = 0;
	if (inlen > 0) {
		count = 1;
		for (s = p->value; (q = strstr(s, ", ")) != NULL; s = q + 2)
			count++;
	}
	if (count > BL_EX_ITEMS_MAX) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, p->line,
			     p->col,
			     "the collection %s has %zu items, more than "
			     "the %u an export may hold",
			     p->name, count, BL_EX_ITEMS_MAX);
		return -1;
	}
	/* bl_arena_alloc(0) is not NULL: "{}" is a collection of none */
	p->items = bl_arena_alloc(r->a, count * sizeof(*p->items));
	p->nitems = count;
	s = p->value;
	for (k = 0; k < count; k++) {
		q = strstr(s, ", ");
		e = q != NULL ? q : p->value + inlen;
		p->items[k] = bl_arena_strndup(r->a, s, (size_t)(e - s));
		s = e + 2;
	}
	return 0;
}

/* finish_prop - the property being read becomes one of the object's;
 * -1 (reported) past a limit */
static int
finish_prop(struct reader *r)
{
	struct cur *c = &r->cur;
	const char *data = r->src->data, *text;
	struct bl_ex_prop *p;
	size_t n, slot, *idx;
	unsigned *gen;

	if (!c->open)
		return 0;
	c->open = false;
	if (r->props.n == BL_EX_PROPS_MAX) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, c->line,
			     c->col,
			     "an object with more than %u properties: more "
			     "than an export may hold",
			     BL_EX_PROPS_MAX);
		return -1;
	}
	/* a duplicate is reported and dropped: the first one stays */
	slot = name_hash(data + c->name_off, c->name_len) & (NAMESET_SLOTS - 1);
	for (;; slot = (slot + 1) & (NAMESET_SLOTS - 1)) {
		gen = &r->names->gen[slot];
		idx = &r->names->idx[slot];
		if (*gen != r->names->cur)
			break;
		p = &r->props.v[*idx];
		if (strlen(p->name) == c->name_len &&
		    strncasecmp(p->name, data + c->name_off, c->name_len) ==
			0) {
			bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path,
				     c->line, c->col,
				     "the property %s appears twice in one "
				     "object (first at line %u): which value "
				     "is meant is not known",
				     p->name, p->line);
			r->failed = true;
			return 0;
		}
	}
	*gen = r->names->cur;
	*idx = r->props.n;
	p = push_prop(&r->props);
	p->name = bl_arena_strndup(r->a, data + c->name_off, c->name_len);
	p->line = c->line;
	p->col = c->col;
	p->off = c->voff;
	p->len = c->vend - c->voff;
	text = c->wrapped ? c->buf.data : data + c->voff;
	n = c->wrapped ? c->buf.len : c->vend - c->voff;
	if (n == 0 && !c->wrapped) {
		p->value =
		    NULL; /* $null, or "" (the format shows no difference) */
		return 0;
	}
	if (set_collection(r, p, text, n) < 0)
		return -1;
	if (p->items == NULL) {
		p->value = bl_arena_strndup(r->a, text, n);
		p->value_len = n;
	}
	return 0;
}

/* finish_object - the block read becomes an object; -1 (reported) past
 * a limit */
static int
finish_object(struct reader *r)
{
	struct bl_ex_object *o;

	if (finish_prop(r) < 0)
		return -1;
	if (!r->in_block)
		return 0;
	r->in_block = false;
	if (r->objs.n == BL_EX_OBJECTS_MAX) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path,
			     r->obj_line, 1,
			     "more than %u objects: more than an export may "
			     "hold",
			     BL_EX_OBJECTS_MAX);
		return -1;
	}
	if (r->objs.n == r->objs.cap) {
		r->objs.cap = r->objs.cap ? 2 * r->objs.cap : 16;
		r->objs.v = bl_xreallocarray(r->objs.v, r->objs.cap,
					     sizeof(*r->objs.v));
	}
	o = &r->objs.v[r->objs.n++];
	memset(o, 0, sizeof(*o));
	o->nprops = r->props.n;
	o->props = bl_arena_alloc(r->a, r->props.n * sizeof(*o->props));
	if (r->props.n > 0)
		memcpy(o->props, r->props.v, r->props.n * sizeof(*o->props));
	o->off = r->obj_off;
	o->line = r->obj_line;
	r->props.n = 0;
	return 0;
}

/*
 * property_line - line [ls, te) (ls at column col) as "Name : Value";
 * false when it is not one
 */
static bool
property_line(struct reader *r, size_t ls, size_t te, unsigned line,
	      unsigned col)
{
	const char *d = r->src->data;
	size_t i = ls, name_end, colon;

	while (i < te && is_name_char((unsigned char)d[i]))
		i++;
	name_end = i;
	if (name_end == ls || i == te || d[i] != ' ')
		return false;
	while (i < te && d[i] == ' ')
		i++;
	if (i == te || d[i] != ':')
		return false;
	colon = i;
	if (colon + 1 < te && d[colon + 1] != ' ')
		return false;
	if (!r->in_block) {
		r->in_block = true;
		r->obj_off = ls;
		r->obj_line = line;
		r->names->cur++;
	}
	r->cur.open = true;
	r->cur.name_off = ls;
	r->cur.name_len = name_end - ls;
	r->cur.line = line;
	r->cur.col = col;
	/* "Name :" at the end of the line and "Name : " are both empty */
	r->cur.voff = colon + 2 <= te ? colon + 2 : te;
	r->cur.vend = te;
	r->cur.vcol = r->cur.voff - ls;
	r->cur.wrapped = false;
	return true;
}

/* continuation - line [ls, te), which starts with a blank, continues the
 * open property (the wrapping rule is at the top of the file) */
static void
continuation(struct reader *r, size_t ls, size_t te)
{
	const char *d = r->src->data;
	struct cur *c = &r->cur;
	size_t i = ls;

	while (i < te && i - ls < c->vcol && d[i] == ' ')
		i++;
	if (i - ls < c->vcol)
		while (i < te && (d[i] == ' ' || d[i] == '\t'))
			i++;
	if (!c->wrapped) {
		bl_buf_reset(&c->buf);
		bl_buf_add(&c->buf, d + c->voff, c->vend - c->voff);
		c->wrapped = true;
	}
	bl_buf_add(&c->buf, d + i, te - i);
	c->vend = te;
}

/* read_line - one line [ls, te) of the text, at line (its first byte at
 * column col) */
static void
read_line(struct reader *r, size_t ls, size_t te, unsigned line, unsigned col)
{
	const char *d = r->src->data;

	if (is_blank_line(d + ls, d + te)) {
		if (finish_object(r) < 0)
			r->stop = true;
		return;
	}
	if (d[ls] == ' ' || d[ls] == '\t') {
		if (r->cur.open) {
			continuation(r, ls, te);
			return;
		}
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, line, col,
			     "an indented line with no property before it: "
			     "Format-List indents only the continuation of a "
			     "long value");
		r->failed = true;
		return;
	}
	if (finish_prop(r) < 0) {
		r->stop = true;
		return;
	}
	if (property_line(r, ls, te, line, col))
		return;
	bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, line, col,
		     "\"%.*s\" is not a Format-List line: expected \"Name : "
		     "Value\" or the indented continuation of a value",
		     excerpt_len(te - ls), d + ls);
	r->failed = true;
}

/* bl_ex_read_list - Format-List text into *out (the rules at the top) */
int
bl_ex_read_list(struct bl_arena *a, const struct bl_source *src,
		struct bl_ex_export *out, struct bl_diags *diags)
{
	struct reader r;
	const char *d = src->data, *nul, *nl;
	size_t start = bl_ex_text_start(src), pos, lbegin, le, te;
	unsigned line = 1;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.src = src;
	r.diags = diags;
	bl_buf_init(&r.cur.buf);
	nul = memchr(d + start, '\0', src->len - start);
	if (nul != NULL) {
		unsigned l, c;

		bl_source_position(src, (size_t)(nul - d), &l, &c);
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, l, c,
			     "a NUL byte: this is not a text export");
		r.failed = true;
		goto done;
	}
	r.names = bl_xcalloc(1, sizeof(*r.names));
	for (pos = start, lbegin = 0; pos < src->len && !r.stop; line++) {
		nl = memchr(d + pos, '\n', src->len - pos);
		le = nl != NULL ? (size_t)(nl - d) : src->len;
		te = le;
		/* a CR before LF (or at the end of the text) ends the line */
		if (te > pos && d[te - 1] == '\r')
			te--;
		read_line(&r, pos, te, line, (unsigned)(pos - lbegin + 1));
		pos = nl != NULL ? le + 1 : src->len;
		lbegin = pos;
	}
	if (!r.stop && finish_object(&r) < 0)
		r.stop = true;
done:
	if (!r.failed && !r.stop) {
		out->objs = bl_arena_alloc(a, r.objs.n * sizeof(*out->objs));
		if (r.objs.n > 0)
			memcpy(out->objs, r.objs.v,
			       r.objs.n * sizeof(*out->objs));
		out->nobjs = r.objs.n;
	}
	out->format = BL_EX_LIST;
	free(r.props.v);
	free(r.objs.v);
	free(r.names);
	bl_buf_finish(&r.cur.buf);
	return r.failed || r.stop ? -1 : 0;
}

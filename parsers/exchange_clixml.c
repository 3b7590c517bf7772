/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_clixml.c - the Export-Clixml reader (exchange.h): expat events
 * turned into one object per top-level <Obj> of <Objs>, its properties the
 * children of <Props> and <MS> that carry an N attribute (MS-PSRP 2.2.5).
 *
 * A property is a scalar (any element with text only: <S>, <B>, <I32>,
 * <DT>, <G>, ...), <Nil/> ($null), <Ref RefId> (an <Obj> serialized
 * before it) or a nested <Obj>: a collection when it holds <LST>, <IE>,
 * <STK> or <QUE> (its items the texts of their scalar children, the
 * value those joined with ", "), else the text of its <ToString>, else
 * "" marked truncated (the export does not show it as text). Type names
 * come from <TN RefId> (the first <T>) or <TNRef RefId>. Names and texts
 * decode _xHHHH_ (MS-PSRP 2.2.5.3.2).
 *
 * Security: the parser is created for UTF-8 (the source layer decoded
 * the file), a DOCTYPE stops it with an error before anything in it is
 * read, so no entity is ever declared, expanded or loaded; parameter
 * entities are never parsed and there is no external entity handler.
 * Elements nest at most BL_EX_DEPTH_MAX deep; the counts of exchange.h
 * are enforced. Everything kept is in the arena; the scratch vectors,
 * the RefId tables and the parser are freed before the reader returns.
 * Errors go to diags at file:line:col with byte columns, as
 * bl_source_position gives them.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "diag.h"
#include "exchange.h"
#include "source.h"
#include "util.h"

/* What an open element is to the reader. */
enum frame_kind {
	F_ROOT,	    /* <Objs> */
	F_TOP,	    /* a child of <Objs> that is not an <Obj> */
	F_OBJ,	    /* an <Obj>, top-level or nested */
	F_MEMBERS,  /* <Props> or <MS> of a top-level <Obj> */
	F_LIST,	    /* <LST>, <IE>, <STK>, <QUE> of a nested <Obj> */
	F_TN,	    /* <TN> */
	F_T,	    /* <T> of a <TN> */
	F_TOSTRING, /* <ToString> of an <Obj> */
	F_SCALAR,   /* text: a property or an item */
	F_NIL,	    /* <Nil>: a property or an item */
	F_REF,	    /* <Ref>: a property or an item */
	F_OTHER,    /* anything else: only <Obj> and <TN> inside count */
};

/* A growable vector of strings (heap; the strings are the arena's). */
struct strvec {
	const char **v;
	size_t n, cap;
};

/* The value an <Obj> stands for, kept by RefId for a later <Ref>. */
struct objval {
	const char *value;
	size_t value_len;
	const char **items;
	size_t nitems;
	bool truncated;
	bool done; /* its end tag was seen (else a <Ref> inside it) */
};

/* One open element. */
struct frame {
	enum frame_kind kind;
	size_t off; /* of its "<" */
	long prop;  /* the property of the current object it makes, or -1 */
	bool item;  /* it makes an item of the enclosing list's <Obj> */
	bool top;   /* F_OBJ: a top-level object */
	const char *refid;    /* F_OBJ, F_TN: the RefId attribute, or NULL */
	struct objval *val;   /* F_OBJ: registered under refid, or its own */
	const char *tostring; /* F_OBJ */
	bool is_list;	      /* F_OBJ: it holds <LST> or the like */
	bool truncated;	      /* F_OBJ: an item it could not show */
	struct strvec items;  /* F_OBJ: the list's items */
	const char *type;     /* F_TN: its first <T> */
	unsigned nt;	      /* F_TN: <T> children seen */
	struct objval ref;    /* F_REF: what it refers to */
};

/* An open-addressing table from RefId to a value. */
struct refent {
	const char *key;
	const void *val;
	uint64_t hash;
};
struct reftab {
	struct refent *v;
	size_t cap, n;
	uint64_t seed;
};

/* Where a piece of accumulated text came from, for decoding errors. */
struct chunk {
	size_t at;  /* offset in the text */
	size_t off; /* offset in the source */
	bool exact; /* its bytes are the source's (no entity, no CRLF) */
};

struct cx {
	struct bl_arena *a;
	const struct bl_source *src;
	struct bl_diags *diags;
	XML_Parser p;
	size_t start; /* the text's first byte in src (past a BOM) */
	bool failed;
	bool parsing; /* inside XML_Parse: an error stops the parser */
	struct frame fr[BL_EX_DEPTH_MAX + 1];
	unsigned depth;
	/* the objects so far, and the properties of the current one */
	struct bl_ex_object *objs;
	size_t nobjs, capobjs;
	struct bl_ex_prop *props;
	size_t nprops, capprops;
	/* the text of the open text element, with its pieces */
	struct bl_buf text;
	struct chunk *chunks;
	size_t nchunks, capchunks;
	struct reftab types, objrefs;
};

/* fail - an error at source offset off (the first only) and stop */
static void fail(struct cx *c, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct cx *c, size_t off, const char *fmt, ...)
{
	struct bl_buf b;
	unsigned line, col;
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	bl_buf_init(&b);
	va_start(ap, fmt);
	bl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	bl_source_position(c->src, off, &line, &col);
	bl_diags_add(c->diags, BL_LEVEL_ERROR, c->src->path, line, col, "%s",
		     b.data);
	bl_buf_finish(&b);
	if (c->parsing)
		XML_StopParser(c->p, XML_FALSE);
}

/* here - the source offset of the current event (expat's byte index) */
static size_t
here(const struct cx *c)
{
	XML_Index i = XML_GetCurrentByteIndex(c->p);
	size_t off;

	if (i < 0)
		return c->start;
	off = c->start + (size_t)i;
	return off > c->src->len ? c->src->len : off;
}

/* here_end - the source offset just past the current event */
static size_t
here_end(const struct cx *c)
{
	int n = XML_GetCurrentByteCount(c->p);
	size_t off = here(c);

	if (n > 0)
		off += (size_t)n;
	return off > c->src->len ? c->src->len : off;
}

/* tag_name - the length of the element name at source offset off (the
 * "<" of its start tag), at most 64 bytes, for messages */
static int
tag_name(const struct cx *c, size_t off, const char **name)
{
	size_t i = off + 1, n = 0;

	*name = c->src->data + (i < c->src->len ? i : c->src->len);
	while (i + n < c->src->len && n < 64) {
		char ch = c->src->data[i + n];

		if (bl_is_space(ch) || ch == '>' || ch == '/')
			break;
		n++;
	}
	return (int)n;
}

/* attr - the value of attribute name in expat's atts, or NULL */
static const char *
attr(const char **atts, const char *name)
{
	size_t i;

	for (i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/* is_space_byte - XML white space */
static bool
is_space_byte(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * attr_pos - the source offset of the value of attribute N in the start
 * tag at [off, end) (expat accepted it, so it is well formed), or off
 */
static size_t
attr_pos(const struct cx *c, size_t off, size_t end, const char *want)
{
	const char *d = c->src->data;
	size_t i = off + 1, nstart, nlen, wlen = strlen(want);
	char q;

	while (i < end && !is_space_byte(d[i]) && d[i] != '>' && d[i] != '/')
		i++;
	for (;;) {
		while (i < end && is_space_byte(d[i]))
			i++;
		if (i >= end || d[i] == '>' || d[i] == '/')
			return off;
		nstart = i;
		while (i < end && d[i] != '=' && !is_space_byte(d[i]))
			i++;
		nlen = i - nstart;
		while (i < end && (is_space_byte(d[i]) || d[i] == '='))
			i++;
		if (i >= end)
			return off;
		q = d[i++];
		if (nlen == wlen && memcmp(d + nstart, want, wlen) == 0)
			return i;
		while (i < end && d[i] != q)
			i++;
		i++;
	}
}

/* Expat's names for what a property can be. */
static bool
is_list_name(const char *n)
{
	return strcmp(n, "LST") == 0 || strcmp(n, "IE") == 0 ||
	       strcmp(n, "STK") == 0 || strcmp(n, "QUE") == 0;
}

/* hash_key - a seeded FNV-1a with a final mix, so that RefIds chosen to
 * collide in one run do not collide in another */
static uint64_t
hash_key(const char *s, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* tab_slot - the slot of key in t: its entry, or the free one for it */
static struct refent *
tab_slot(struct reftab *t, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (t->v[i].key != NULL &&
	       (t->v[i].hash != h || strcmp(t->v[i].key, key) != 0))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

/* tab_get - the value kept for key, and whether there is one */
static bool
tab_get(struct reftab *t, const char *key, const void **val)
{
	struct refent *e;

	if (t->cap == 0)
		return false;
	e = tab_slot(t, key, hash_key(key, t->seed));
	if (e->key == NULL)
		return false;
	*val = e->val;
	return true;
}

/* tab_put - keep val for key (an arena string); false when key is
 * there already */
static bool
tab_put(struct reftab *t, const char *key, const void *val)
{
	struct refent *old = t->v, *e;
	size_t oldcap = t->cap, i;
	uint64_t h = hash_key(key, t->seed);

	if (t->cap == 0 || (t->n + 1) * 2 > t->cap) {
		t->cap = oldcap == 0 ? 64 : oldcap * 2;
		t->v = bl_xcalloc(t->cap, sizeof(*t->v));
		for (i = 0; i < oldcap; i++)
			if (old[i].key != NULL)
				*tab_slot(t, old[i].key, old[i].hash) = old[i];
		free(old);
	}
	e = tab_slot(t, key, h);
	if (e->key != NULL)
		return false;
	e->key = key;
	e->val = val;
	e->hash = h;
	t->n++;
	return true;
}

/* strvec_add - append s */
static void
strvec_add(struct strvec *v, const char *s)
{
	if (v->n == v->cap) {
		v->cap = v->cap == 0 ? 8 : v->cap * 2;
		v->v = bl_xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n++] = s;
}

/* utf8_put - the UTF-8 bytes of code point u at p; their count */
static size_t
utf8_put(char *p, uint32_t u)
{
	if (u < 0x80) {
		p[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		p[0] = (char)(0xc0 | u >> 6);
		p[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		p[0] = (char)(0xe0 | u >> 12);
		p[1] = (char)(0x80 | (u >> 6 & 0x3f));
		p[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | u >> 18);
	p[1] = (char)(0x80 | (u >> 12 & 0x3f));
	p[2] = (char)(0x80 | (u >> 6 & 0x3f));
	p[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* hex4 - the code unit of "_xHHHH_" at s[0, n), or -1 when it is not one */
static long
hex4(const char *s, size_t n)
{
	long u = 0;
	size_t i;

	if (n < 7 || s[0] != '_' || (s[1] != 'x' && s[1] != 'X') || s[6] != '_')
		return -1;
	for (i = 2; i < 6; i++) {
		char ch = s[i];
		int d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -1;
		u = u * 16 + d;
	}
	return u;
}

/*
 * text_off - the source offset of byte at of the accumulated text: exact
 * inside a piece that is the source's own bytes, else where its piece
 * (an entity, a line end) starts; base when there are no pieces
 */
static size_t
text_off(const struct cx *c, size_t at, size_t base)
{
	size_t lo = 0, hi = c->nchunks, mid;

	if (c->nchunks == 0)
		return base;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (c->chunks[mid].at <= at)
			lo = mid;
		else
			hi = mid;
	}
	if (c->chunks[lo].exact)
		return c->chunks[lo].off + (at - c->chunks[lo].at);
	return c->chunks[lo].off;
}

/*
 * decode - s[0, n) with _xHHHH_ decoded (MS-PSRP 2.2.5.3.2: a UTF-16
 * code unit; a surrogate pair is two escapes), as an arena string in
 * *out; -1 after an error for a lone surrogate or _x0000_. chunks: s is
 * the accumulated text (for the error's place), else base is the place.
 */
static int
decode(struct cx *c, const char *s, size_t n, bool chunks, size_t base,
       const char **out, size_t *outlen)
{
	char *d;
	size_t i = 0, k = 0;
	long u, lo;
	uint32_t cp;

	if (memchr(s, '_', n) == NULL) {
		*out = bl_arena_strndup(c->a, s, n);
		*outlen = n;
		return 0;
	}
	/* an escape of 7 bytes is at most 4 bytes of UTF-8 */
	d = bl_arena_alloc(c->a, n + 1);
	while (i < n) {
		u = s[i] == '_' ? hex4(s + i, n - i) : -1;
		if (u < 0) {
			d[k++] = s[i++];
			continue;
		}
		if (u == 0) {
			fail(c, chunks ? text_off(c, i, base) : base,
			     "_x0000_ (a NUL character) in an export's text");
			return -1;
		}
		if (u >= 0xdc00 && u <= 0xdfff) {
			fail(c, chunks ? text_off(c, i, base) : base,
			     "%.7s: the second half of a UTF-16 surrogate "
			     "pair without the first",
			     s + i);
			return -1;
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			lo = hex4(s + i + 7, n - i - 7);
			if (lo < 0xdc00 || lo > 0xdfff) {
				fail(c, chunks ? text_off(c, i, base) : base,
				     "%.7s: the first half of a UTF-16 "
				     "surrogate pair without the second",
				     s + i);
				return -1;
			}
			cp = 0x10000 + ((uint32_t)(u - 0xd800) << 10) +
			     (uint32_t)(lo - 0xdc00);
			k += utf8_put(d + k, cp);
			i += 14;
			continue;
		}
		k += utf8_put(d + k, (uint32_t)u);
		i += 7;
	}
	d[k] = '\0';
	*out = d;
	*outlen = k;
	return 0;
}

/* text_reset - start accumulating the text of a new element */
static void
text_reset(struct cx *c)
{
	bl_buf_reset(&c->text);
	c->nchunks = 0;
}

/* text_decoded - the accumulated text, decoded (arena), or NULL after an
 * error; base: the element's offset */
static const char *
text_decoded(struct cx *c, size_t base, size_t *len)
{
	const char *s;

	if (decode(c, c->text.data != NULL ? c->text.data : "", c->text.len,
		   true, base, &s, len) < 0)
		return NULL;
	return s;
}

/* join - items joined with ", " (arena) */
static const char *
join(struct cx *c, const char **items, size_t n, size_t *len)
{
	size_t total = 0, i, k = 0, l;
	char *d;

	for (i = 0; i < n; i++)
		total += strlen(items[i]) + (i > 0 ? 2 : 0);
	d = bl_arena_alloc(c->a, total + 1);
	for (i = 0; i < n; i++) {
		if (i > 0) {
			d[k++] = ',';
			d[k++] = ' ';
		}
		l = strlen(items[i]);
		memcpy(d + k, items[i], l);
		k += l;
	}
	d[k] = '\0';
	*len = k;
	return d;
}

/* cur_prop - property i of the current object */
static struct bl_ex_prop *
cur_prop(struct cx *c, long i)
{
	return &c->props[i];
}

/* new_prop - a property named by the N attribute of the element at off
 * (start tag [off, end)); -1 after an error */
static long
new_prop(struct cx *c, const char **atts, size_t off, size_t end)
{
	const char *raw = attr(atts, "N"), *name, *tn;
	size_t len, at;
	struct bl_ex_prop *p;
	int tl;

	tl = tag_name(c, off, &tn);
	if (raw == NULL) {
		fail(c, off,
		     "<%.*s> in the properties of an object has no N "
		     "attribute (the property's name)",
		     tl, tn);
		return -1;
	}
	at = attr_pos(c, off, end, "N");
	if (decode(c, raw, strlen(raw), false, at, &name, &len) < 0)
		return -1;
	if (c->nprops >= BL_EX_PROPS_MAX) {
		fail(c, at, "an object with more than %u properties",
		     BL_EX_PROPS_MAX);
		return -1;
	}
	if (c->nprops == c->capprops) {
		c->capprops = c->capprops == 0 ? 32 : c->capprops * 2;
		c->props =
		    bl_xreallocarray(c->props, c->capprops, sizeof(*c->props));
	}
	p = &c->props[c->nprops];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->off = off;
	bl_source_position(c->src, at, &p->line, &p->col);
	return (long)c->nprops++;
}

/* owner - the <Obj> frame a list item at depth d (its own frame) feeds */
static struct frame *
owner(struct cx *c, unsigned d)
{
	/* fr[d - 1] is the item, fr[d - 2] the F_LIST, fr[d - 3] its F_OBJ */
	return &c->fr[d - 3];
}

/* add_item - append s to the items of the list owner of frame d */
static void
add_item(struct cx *c, unsigned d, const char *s, size_t off)
{
	struct frame *o = owner(c, d);

	if (o->items.n >= BL_EX_ITEMS_MAX) {
		fail(c, off, "a collection with more than %u elements",
		     BL_EX_ITEMS_MAX);
		return;
	}
	strvec_add(&o->items, s);
}

/* resolve_ref - what <Ref RefId> at off refers to, in *v; -1 after an
 * error */
static int
resolve_ref(struct cx *c, const char **atts, size_t off, struct objval *v)
{
	const char *id = attr(atts, "RefId");
	const void *got;
	const struct objval *o;

	if (id == NULL) {
		fail(c, off, "a <Ref> without a RefId");
		return -1;
	}
	if (!tab_get(&c->objrefs, id, &got)) {
		fail(c, off, "<Ref RefId=\"%.40s\"> names no <Obj> before it",
		     id);
		return -1;
	}
	o = got;
	if (!o->done) {
		/* a reference to an object from inside it: no text */
		memset(v, 0, sizeof(*v));
		v->value = "";
		v->truncated = true;
		return 0;
	}
	*v = *o;
	return 0;
}

/* start_obj - an <Obj>: its RefId kept for the <Ref>s after it */
static int
start_obj(struct cx *c, struct frame *f, const char **atts, size_t off)
{
	const char *id = attr(atts, "RefId");

	f->kind = F_OBJ;
	f->val = bl_arena_alloc(c->a, sizeof(*f->val));
	if (id != NULL) {
		f->refid = bl_arena_strdup(c->a, id);
		if (!tab_put(&c->objrefs, f->refid, f->val)) {
			fail(c, off, "a second <Obj RefId=\"%.40s\">", id);
			return -1;
		}
	}
	return 0;
}

/* start_top - a child of <Objs>: a new object */
static void
start_top(struct cx *c, struct frame *f, const char *name, const char **atts,
	  size_t off)
{
	struct bl_ex_object *o;

	if (c->nobjs >= BL_EX_OBJECTS_MAX) {
		fail(c, off, "an export of more than %u objects",
		     BL_EX_OBJECTS_MAX);
		return;
	}
	if (c->nobjs == c->capobjs) {
		c->capobjs = c->capobjs == 0 ? 16 : c->capobjs * 2;
		c->objs =
		    bl_xreallocarray(c->objs, c->capobjs, sizeof(*c->objs));
	}
	o = &c->objs[c->nobjs++];
	memset(o, 0, sizeof(*o));
	o->off = off;
	bl_source_position(c->src, off, &o->line, &(unsigned){0});
	c->nprops = 0;
	if (strcmp(name, "Obj") != 0) {
		f->kind = F_TOP; /* a primitive: an object without properties */
		return;
	}
	if (start_obj(c, f, atts, off) < 0)
		return;
	f->top = true;
}

/* start_member - a child of <Props>/<MS> of a top-level object, or of a
 * list (item) */
static void
start_value(struct cx *c, struct frame *f, const char *name, const char **atts,
	    size_t off, size_t end, bool item)
{
	if (item) {
		f->item = true;
	} else {
		f->prop = new_prop(c, atts, off, end);
		if (f->prop < 0)
			return;
	}
	if (strcmp(name, "Nil") == 0) {
		f->kind = F_NIL;
	} else if (strcmp(name, "Obj") == 0) {
		start_obj(c, f, atts, off);
	} else if (strcmp(name, "Ref") == 0) {
		f->kind = F_REF;
		resolve_ref(c, atts, off, &f->ref);
	} else {
		f->kind = F_SCALAR;
		text_reset(c);
	}
}

/* on_start - expat's start-element handler */
static void
on_start(void *u, const char *name, const char **atts)
{
	struct cx *c = u;
	struct frame *f, *parent;
	size_t off, end;
	const char *pn, *id;
	const void *got;
	int pl;

	if (c->failed)
		return;
	off = here(c);
	end = here_end(c);
	if (c->depth >= BL_EX_DEPTH_MAX) {
		fail(c, off, "elements nested more than %u deep",
		     BL_EX_DEPTH_MAX);
		return;
	}
	parent = c->depth > 0 ? &c->fr[c->depth - 1] : NULL;
	f = &c->fr[c->depth++];
	memset(f, 0, sizeof(*f));
	f->off = off;
	f->prop = -1;
	f->kind = F_OTHER;
	if (parent == NULL) {
		if (strcmp(name, "Objs") != 0) {
			pl = tag_name(c, off, &pn);
			fail(c, off,
			     "not a CLIXML export: the root is <%.*s>, not "
			     "<Objs>",
			     pl, pn);
			return;
		}
		f->kind = F_ROOT;
		return;
	}
	switch (parent->kind) {
	case F_T:
	case F_TOSTRING:
	case F_SCALAR:
		pl = tag_name(c, parent->off, &pn);
		fail(c, off, "an element inside <%.*s>, which holds text only",
		     pl, pn);
		return;
	case F_ROOT:
		start_top(c, f, name, atts, off);
		return;
	case F_MEMBERS:
		start_value(c, f, name, atts, off, end, false);
		return;
	case F_LIST:
		start_value(c, f, name, atts, off, end, true);
		return;
	default:
		break;
	}
	if (strcmp(name, "TN") == 0) {
		f->kind = F_TN;
		id = attr(atts, "RefId");
		if (id != NULL)
			f->refid = bl_arena_strdup(c->a, id);
	} else if (strcmp(name, "T") == 0 && parent->kind == F_TN) {
		f->kind = F_T;
		text_reset(c);
	} else if (strcmp(name, "TNRef") == 0) {
		id = attr(atts, "RefId");
		if (id == NULL) {
			fail(c, off, "a <TNRef> without a RefId");
			return;
		}
		if (!tab_get(&c->types, id, &got)) {
			fail(c, off,
			     "<TNRef RefId=\"%.40s\"> names no <TN> before it",
			     id);
			return;
		}
		if (parent->kind == F_OBJ && parent->top)
			c->objs[c->nobjs - 1].type = got;
	} else if (strcmp(name, "Obj") == 0) {
		start_obj(c, f, atts, off);
	} else if (parent->kind == F_OBJ && strcmp(name, "ToString") == 0) {
		f->kind = F_TOSTRING;
		text_reset(c);
	} else if (parent->kind == F_OBJ && parent->top &&
		   (strcmp(name, "Props") == 0 || strcmp(name, "MS") == 0)) {
		f->kind = F_MEMBERS;
	} else if (parent->kind == F_OBJ && !parent->top &&
		   is_list_name(name)) {
		f->kind = F_LIST;
		parent->is_list = true;
	}
}

/* end_obj - an <Obj> is closed: the value it stands for */
static void
end_obj(struct cx *c, struct frame *f)
{
	struct objval *v = f->val;
	struct bl_ex_object *o;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (f->is_list) {
		v->items =
		    bl_arena_alloc(c->a, (f->items.n + 1) * sizeof(*v->items));
		for (i = 0; i < f->items.n; i++)
			v->items[i] = f->items.v[i];
		v->nitems = f->items.n;
		v->value = join(c, v->items, v->nitems, &v->value_len);
		v->truncated = f->truncated;
	} else if (f->tostring != NULL) {
		v->value = f->tostring;
		v->value_len = strlen(f->tostring);
		v->truncated = f->truncated;
	} else {
		/* a dictionary or an object with properties only */
		v->value = "";
		v->truncated = true;
	}
	v->done = true;
	free(f->items.v);
	f->items.v = NULL;
	if (f->top) {
		o = &c->objs[c->nobjs - 1];
		o->props =
		    bl_arena_alloc(c->a, (c->nprops + 1) * sizeof(*o->props));
		if (c->nprops > 0)
			memcpy(o->props, c->props,
			       c->nprops * sizeof(*o->props));
		o->nprops = c->nprops;
	}
}

/* set_prop - property i gets value v and the element [off, end) */
static void
set_prop(struct cx *c, long i, const struct objval *v, size_t off, size_t end)
{
	struct bl_ex_prop *p = cur_prop(c, i);

	p->value = v->value;
	p->value_len = v->value_len;
	p->items = v->items; /* NULL for a scalar; a collection's even when
				empty */
	p->nitems = v->nitems;
	p->truncated = v->truncated;
	p->off = off;
	p->len = end - off;
}

/* on_end - expat's end-element handler */
static void
on_end(void *u, const char *name)
{
	struct cx *c = u;
	struct frame *f;
	struct objval v;
	const char *s;
	size_t end, len;
	unsigned d;

	(void)name;
	if (c->failed || c->depth == 0)
		return;
	end = here_end(c);
	d = c->depth;
	f = &c->fr[--c->depth];
	memset(&v, 0, sizeof(v));
	switch (f->kind) {
	case F_SCALAR:
		s = text_decoded(c, f->off, &len);
		if (s == NULL)
			return;
		if (f->item) {
			add_item(c, d, s, f->off);
			return;
		}
		v.value = s;
		v.value_len = len;
		set_prop(c, f->prop, &v, f->off, end);
		return;
	case F_NIL:
		if (f->item)
			add_item(c, d, "", f->off);
		else
			set_prop(c, f->prop, &v, f->off, end);
		return;
	case F_REF:
		if (!f->item) {
			set_prop(c, f->prop, &f->ref, f->off, end);
		} else if (f->ref.truncated && f->ref.value_len == 0) {
			owner(c, d)->truncated = true;
		} else {
			add_item(c, d, f->ref.value, f->off);
			if (f->ref.truncated)
				owner(c, d)->truncated = true;
		}
		return;
	case F_OBJ:
		end_obj(c, f);
		if (f->prop >= 0) {
			set_prop(c, f->prop, f->val, f->off, end);
		} else if (f->item) {
			if (f->val->truncated)
				owner(c, d)->truncated = true;
			if (f->val->nitems > 0 || !f->val->truncated)
				add_item(c, d, f->val->value, f->off);
		}
		return;
	case F_TOP:
		return;
	case F_T:
		s = text_decoded(c, f->off, &len);
		if (s == NULL)
			return;
		if (c->fr[c->depth - 1].nt++ == 0)
			c->fr[c->depth - 1].type = s;
		return;
	case F_TOSTRING:
		s = text_decoded(c, f->off, &len);
		if (s == NULL)
			return;
		c->fr[c->depth - 1].tostring = s;
		return;
	case F_TN:
		if (f->refid != NULL &&
		    !tab_put(&c->types, f->refid, f->type)) {
			fail(c, f->off, "a second <TN RefId=\"%.40s\">",
			     f->refid);
			return;
		}
		if (c->depth > 0 && c->fr[c->depth - 1].kind == F_OBJ &&
		    c->fr[c->depth - 1].top)
			c->objs[c->nobjs - 1].type = f->type;
		return;
	default:
		return;
	}
}

/* on_text - expat's character-data handler: the text of a text element */
static void
on_text(void *u, const char *s, int len)
{
	struct cx *c = u;
	enum frame_kind k;
	struct chunk *ch;

	if (c->failed || c->depth == 0 || len <= 0)
		return;
	k = c->fr[c->depth - 1].kind;
	if (k != F_SCALAR && k != F_T && k != F_TOSTRING)
		return;
	if (c->nchunks == c->capchunks) {
		c->capchunks = c->capchunks == 0 ? 16 : c->capchunks * 2;
		c->chunks = bl_xreallocarray(c->chunks, c->capchunks,
					     sizeof(*c->chunks));
	}
	ch = &c->chunks[c->nchunks++];
	ch->at = c->text.len;
	ch->off = here(c);
	ch->exact = XML_GetCurrentByteCount(c->p) == len &&
		    ch->off + (size_t)len <= c->src->len &&
		    memcmp(c->src->data + ch->off, s, (size_t)len) == 0;
	bl_buf_add(&c->text, s, (size_t)len);
}

/* doctype_start - the "<!DOCTYPE" before the current event (expat
 * reports the declaration after its name) */
static size_t
doctype_start(const struct cx *c)
{
	size_t i = here(c);

	while (i > c->start &&
	       !(c->src->data[i] == '<' && i + 2 <= c->src->len &&
		 c->src->data[i + 1] == '!'))
		i--;
	return i;
}

/* on_doctype - a DOCTYPE: refused before anything in it is read */
static void
on_doctype(void *u, const char *name, const char *sysid, const char *pubid,
	   int has_internal_subset)
{
	struct cx *c = u;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(c, doctype_start(c), "a DTD is not allowed in an export");
}

/* on_entity_decl - an entity declaration (only inside a DTD, refused
 * already; kept should the order of expat's events change) */
static void
on_entity_decl(void *u, const char *name, int is_param, const char *value,
	       int value_len, const char *base, const char *sysid,
	       const char *pubid, const char *notation)
{
	struct cx *c = u;

	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fail(c, here(c), "an entity declaration is not allowed in an export");
}

/* parse - run expat over the text; 0 or -1 after an error */
static int
parse(struct cx *c)
{
	const char *d = c->src->data + c->start;
	size_t n = c->src->len - c->start, step;
	enum XML_Status st = XML_STATUS_OK;
	XML_Index i;
	size_t off;

	c->parsing = true;
	do {
		step = n > (1u << 30) ? (1u << 30) : n;
		st = XML_Parse(c->p, d, (int)step, step == n);
		d += step;
		n -= step;
	} while (st == XML_STATUS_OK && n > 0);
	c->parsing = false;
	if (c->failed)
		return -1;
	if (st != XML_STATUS_OK) {
		i = XML_GetCurrentByteIndex(c->p);
		off = c->start + (i < 0 ? 0 : (size_t)i);
		fail(c, off > c->src->len ? c->src->len : off,
		     "malformed XML: %s",
		     XML_ErrorString(XML_GetErrorCode(c->p)));
		return -1;
	}
	return 0;
}

/* bl_ex_read_clixml - read an Export-Clixml file (see exchange.h) */
int
bl_ex_read_clixml(struct bl_arena *a, const struct bl_source *src,
		  struct bl_ex_export *out, struct bl_diags *diags)
{
	struct cx *c = bl_xcalloc(1, sizeof(*c));
	int rc = -1;
	unsigned i;

	memset(out, 0, sizeof(*out));
	out->format = BL_EX_CLIXML;
	c->a = a;
	c->src = src;
	c->diags = diags;
	c->start = bl_ex_text_start(src);
	if (c->start > src->len)
		c->start = src->len;
	/* the source layer decodes UTF-16: a UTF-16 byte order mark left
	 * here is bytes that are not UTF-8, which expat would otherwise
	 * take as UTF-16 (its offsets then no longer the text's) */
	if (src->len - c->start >= 2 &&
	    (((unsigned char)src->data[c->start] == 0xff &&
	      (unsigned char)src->data[c->start + 1] == 0xfe) ||
	     ((unsigned char)src->data[c->start] == 0xfe &&
	      (unsigned char)src->data[c->start + 1] == 0xff))) {
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, 1, 1,
			     "not UTF-8 text: a UTF-16 byte order mark");
		free(c);
		return -1;
	}
	bl_buf_init(&c->text);
	c->types.seed = (uint64_t)(uintptr_t)c * 0x9e3779b97f4a7c15ull;
	c->objrefs.seed = c->types.seed ^ 0x5bd1e995u;
	/* "UTF-8" overrides any encoding the XML declaration names */
	c->p = XML_ParserCreate("UTF-8");
	if (c->p == NULL)
		bl_fatal("out of memory (expat)");
	XML_SetUserData(c->p, c);
	XML_SetParamEntityParsing(c->p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetElementHandler(c->p, on_start, on_end);
	XML_SetCharacterDataHandler(c->p, on_text);
	XML_SetStartDoctypeDeclHandler(c->p, on_doctype);
	XML_SetEntityDeclHandler(c->p, on_entity_decl);
	if (parse(c) == 0) {
		out->objs =
		    bl_arena_alloc(a, (c->nobjs + 1) * sizeof(*out->objs));
		if (c->nobjs > 0)
			memcpy(out->objs, c->objs,
			       c->nobjs * sizeof(*out->objs));
		out->nobjs = c->nobjs;
		rc = 0;
	}
	XML_ParserFree(c->p);
	for (i = 0; i < BL_EX_DEPTH_MAX + 1; i++)
		free(c->fr[i].items.v);
	free(c->objs);
	free(c->props);
	free(c->chunks);
	free(c->types.v);
	free(c->objrefs.v);
	bl_buf_finish(&c->text);
	free(c);
	return rc;
}

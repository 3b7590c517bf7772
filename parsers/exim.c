/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exim.c - an Exim configuration file as readconf.c reads it.
 *
 * Physical lines are macro-substituted (plain substring replacement, in
 * definition order), trimmed, checked for comments, .ifdef-family and
 * .include directives, then joined: a trailing backslash continues the line
 * onto the next one with its leading whitespace removed; comment lines may
 * sit inside a continued line, a blank line ends it. Logical lines are
 * macro definitions (an upper-case first letter), "begin SECTION", driver
 * instances ("name:") with their options, ACL statements, and options
 * ("[hide] name = value", booleans). An option set twice is an error, as
 * Exim refuses to start. Every byte of a logical line remembers the source
 * offset it came from, so settings keep exact spans.
 *
 * Hostile input: a line (physical, substituted or joined) longer than
 * BL_VALUE_MAX is an error at its line and is dropped; macro substitution
 * stops the whole reading with one error once it has done BL_WORK_MAX of
 * work (bytes made, names looked up in vain); .ifdef nesting is Exim's own
 * ten levels, with one error for the construct that goes deeper. Macro
 * names, options and named lists are found through hash tables, so the
 * time is linear in the input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <sys/stat.h>

#include "exim_debian.h"
#include "parser.h"
#include "resolve.h"
#include "util.h"

struct exim_option {
	const char *name;
	bool boolean;
};

#include "exim_names.inc"

#define MAX_INCLUDE 16 /* nested .include */
#define MAX_FRAMES 512 /* Debian: the conf.d files, then includes */
/* Exim's own limit, lower than BL_DEPTH_MAX: readconf.c's
 * CSTATE_STACK_SIZE, ".ifdef nested too deeply" at the eleventh level */
#define MAX_IFDEF 10
/* Exim's own limit on a macro name (readconf.c: "macro name too long
 * (maximum is 63 characters)"); the substitution scan relies on it */
#define MACRO_NAME_MAX 63
#define NONE ((size_t)-1)

struct macro {
	char *name;
	char *value;
	size_t nlen, vlen;
};

/*
 * A hash table from byte strings to pointers or indexes. The hash is
 * polynomial, so the hash of any substring of a line comes from the
 * line's prefix hashes in constant time: macro names are looked up at
 * every position of a line without copying anything.
 */
struct slot {
	uint64_t h;
	const char *key; /* borrowed; NULL: a free slot */
	size_t klen;
	size_t val; /* an index, or a pointer */
};

struct table {
	struct slot *v;
	size_t n, cap;
};

#define HASH_BASE UINT64_C(0x100000001b3)

struct frame {
	const struct bl_source *src;
	size_t pos;
	unsigned line;
};

/* A line of text with the source offset of every byte. */
struct text {
	struct bl_buf b;
	size_t *off;
	size_t cap;
	const struct bl_source *src;
	unsigned line;
};

struct reader {
	struct bl_config *cfg;
	struct bl_diags *diags;
	struct frame stack[MAX_FRAMES];
	int base; /* frames of concatenated files under the includes */
	const struct bl_source *macros_src; /* Debian generated macros */
	int depth;
	/* macros in definition order; names by hash (val: the index) */
	struct macro *macros;
	size_t nmacros;
	struct table macro_names;
	/* bit L of mask1[c] / mask2[c][d]: a name of length L starts with
	 * the name characters c (L = 1) or c d (L >= 2), by name_code() */
	uint64_t mask1[64], mask2[64][64];
	uint64_t pow[MACRO_NAME_MAX + 1];
	uint64_t *ph; /* prefix hashes of the text being scanned */
	size_t phcap;
	struct text sa, sb, sub; /* scratch for substitution */
	size_t work;  /* macro substitution work, against BL_WORK_MAX */
	bool stopped; /* the work limit was reached: no more input */
	struct table lists;   /* named lists: "domainlist NAME" */
	struct table options; /* "scope\0key": the last setting */
	struct bl_buf key;    /* scratch for those keys */
	/* per setting of the current driver, in order: written with "="?
	 * (the source may not show it: a macro can make the whole line) */
	bool *valued;
	size_t nvalued, valued_cap;
	struct table drivers; /* "kind\0name" of every driver instance */
	bool seen_section[8]; /* by section_names: Exim refuses a repeat */
	const struct bl_scope *dup; /* a driver whose name is taken: its
				     * options are not checked again */
	bool orphan; /* "name missing" reported: not for each line after */
	bool acl_lost; /* "unknown ACL verb" reported in this ACL */
	/* conditionals: for each level, is this branch live, was one taken */
	bool live[MAX_IFDEF], taken[MAX_IFDEF];
	int nif;
	unsigned if_line[MAX_IFDEF];
	const struct bl_source *if_src[MAX_IFDEF];
	size_t excess; /* levels past MAX_IFDEF (reported once, all dead) */
	int status;
};

/* text_init - an empty text */
static void
text_init(struct text *t)
{
	memset(t, 0, sizeof(*t));
	bl_buf_init(&t->b);
}

/* text_finish - free the text's memory */
static void
text_finish(struct text *t)
{
	bl_buf_finish(&t->b);
	free(t->off);
	t->off = NULL;
}

/* text_reset - make the text empty, keeping its memory */
static void
text_reset(struct text *t)
{
	bl_buf_reset(&t->b);
}

/* reserve_off - room for n more offsets */
static void
reserve_off(struct text *t, size_t n)
{
	if (t->b.len + n > t->cap) {
		t->cap = (t->b.len + n) * 2 + 16;
		t->off = bl_xreallocarray(t->off, t->cap, sizeof(*t->off));
	}
}

/* text_add - append s[0,n), from offset off on (all at off if same) */
static void
text_add(struct text *t, const char *s, size_t n, size_t off, bool same)
{
	size_t i;

	reserve_off(t, n);
	for (i = 0; i < n; i++)
		t->off[t->b.len + i] = same ? off : off + i;
	bl_buf_add(&t->b, s, n);
}

/* text_copy - append from[k, k+n) with its offsets */
static void
text_copy(struct text *t, const struct text *from, size_t k, size_t n)
{
	reserve_off(t, n);
	memcpy(t->off + t->b.len, from->off + k, n * sizeof(*t->off));
	bl_buf_add(&t->b, from->b.data + k, n);
}

static bool
is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_name(int c)
{
	return (c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* name_code - 0-62 for a macro name character, -1 for any other byte */
static int
name_code(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return 26 + c - 'a';
	if (c >= '0' && c <= '9')
		return 52 + c - '0';
	return c == '_' ? 62 : -1;
}

/* hash_bytes - the polynomial hash of s[0,n) */
static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < n; i++)
		h = h * HASH_BASE + (unsigned char)s[i] + 1;
	return h;
}

/* slot_index - where (h, n) starts probing in a table of cap slots */
static size_t
slot_index(uint64_t h, size_t n, size_t cap)
{
	h += n * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 31;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 29;
	return (size_t)h & (cap - 1);
}

/* table_find - the slot holding key[0,n) (hash h), or NULL; each probe
 * past the first is added to *work when work is not NULL */
static struct slot *
table_find(const struct table *t, const char *key, size_t n, uint64_t h,
	   size_t *work)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = slot_index(h, n, t->cap); t->v[i].key != NULL;
	     i = (i + 1) & (t->cap - 1)) {
		if (t->v[i].h == h && t->v[i].klen == n &&
		    memcmp(t->v[i].key, key, n) == 0)
			return &t->v[i];
		if (work != NULL)
			(*work)++;
	}
	return NULL;
}

/* table_add - a new slot for key[0,n), which is not in the table and
 * lives as long as the table */
static struct slot *
table_add(struct table *t, const char *key, size_t n, uint64_t h)
{
	struct slot *old = t->v;
	size_t i, k, oldcap = t->cap;

	if (2 * (t->n + 1) > t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = bl_xcalloc(t->cap, sizeof(*t->v));
		for (i = 0; i < oldcap; i++) {
			if (old[i].key == NULL)
				continue;
			k = slot_index(old[i].h, old[i].klen, t->cap);
			while (t->v[k].key != NULL)
				k = (k + 1) & (t->cap - 1);
			t->v[k] = old[i];
		}
		free(old);
	}
	k = slot_index(h, n, t->cap);
	while (t->v[k].key != NULL)
		k = (k + 1) & (t->cap - 1);
	t->v[k].h = h;
	t->v[k].key = key;
	t->v[k].klen = n;
	t->v[k].val = 0;
	t->n++;
	return &t->v[k];
}

/* table_finish - free the table */
static void
table_finish(struct table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* macro_add - define a new macro (the reader takes name and value) */
static void
macro_add(struct reader *r, char *name, char *value)
{
	struct macro *m;
	size_t n = strlen(name);
	int c0 = name_code((unsigned char)name[0]);

	/* capacities are powers of two: n alone tells when to grow (one
	 * more each time copies the array at every definition) */
	if ((r->nmacros & (r->nmacros - 1)) == 0)
		r->macros = bl_xreallocarray(r->macros,
					     r->nmacros ? 2 * r->nmacros : 1,
					     sizeof(*r->macros));
	m = &r->macros[r->nmacros];
	m->name = name;
	m->value = value;
	m->nlen = n;
	m->vlen = strlen(value);
	table_add(&r->macro_names, name, n, hash_bytes(name, n))->val =
		r->nmacros;
	if (n == 1)
		r->mask1[c0] |= UINT64_C(1) << 1;
	else
		r->mask2[c0][name_code((unsigned char)name[1])] |= UINT64_C(1)
								  << n;
	r->nmacros++;
}

/* prefix_hashes - ph[i] = hash of d[0,i), for i = 0..n */
static const uint64_t *
prefix_hashes(struct reader *r, const char *d, size_t n)
{
	size_t i;

	if (n + 1 > r->phcap) {
		r->phcap = 2 * (n + 1);
		r->ph = bl_xreallocarray(r->ph, r->phcap, sizeof(*r->ph));
	}
	r->ph[0] = 0;
	for (i = 0; i < n; i++)
		r->ph[i + 1] = r->ph[i] * HASH_BASE + (unsigned char)d[i] + 1;
	return r->ph;
}

/*
 * candidates - the lengths of the macro names that may start at d[p] in
 * a text of n bytes (bit L for length L), from the first two bytes.
 */
static uint64_t
candidates(const struct reader *r, const char *d, size_t p, size_t n)
{
	int c0 = name_code((unsigned char)d[p]), c1;
	uint64_t m;

	if (!is_upper((unsigned char)d[p]))
		return 0; /* every macro name starts upper-case */
	m = r->mask1[c0];
	if (p + 1 < n && (c1 = name_code((unsigned char)d[p + 1])) >= 0)
		m |= r->mask2[c0][c1];
	if (n - p < MACRO_NAME_MAX)
		m &= (UINT64_C(2) << (n - p)) - 1;
	return m;
}

/*
 * find_names - the first-defined macro, at index from or later, whose
 * name occurs in d[0,n); NONE if none does. A name that is the prefix
 * of another was defined after it (a name may not contain an earlier
 * one), so at each position the longest name at or after from is the
 * one defined first there. Every lookup past the first at a position is
 * work: a file of crafted names cannot make the scan slow for free.
 */
static size_t
find_names(struct reader *r, const char *d, size_t n, size_t from)
{
	const uint64_t *ph = NULL;
	const struct slot *sl;
	size_t p, best = NONE, probes;
	uint64_t m, h;
	unsigned len;

	if (from >= r->nmacros)
		return NONE;
	for (p = 0; p < n && best != from; p++) {
		m = candidates(r, d, p, n);
		if (m != 0 && ph == NULL)
			ph = prefix_hashes(r, d, n);
		for (probes = 0; m != 0; probes++) {
			len = 63u - (unsigned)__builtin_clzll(m);
			m &= ~(UINT64_C(1) << len);
			if (probes > 0)
				r->work++;
			h = ph[p + len] - ph[p] * r->pow[len];
			sl = table_find(&r->macro_names, d + p, len, h, &r->work);
			if (sl == NULL || sl->val < from)
				continue;
			if (sl->val < best)
				best = sl->val;
			break;
		}
	}
	return best;
}

/* Why substitute() stopped short. */
enum sub_status {
	SUB_OK,
	SUB_TOO_LONG, /* a line over BL_VALUE_MAX */
	SUB_WORK,     /* BL_WORK_MAX reached */
};

/*
 * substitute - replace every macro in [s, s+n) into out, as Exim does:
 * for each macro in definition order, every occurrence in the text so far
 * (left to right, not overlapping; the replacement is not rescanned for
 * the same macro, later macros see it). Only the macros that occur cost
 * anything: each round finds the first-defined one still to come. *hit:
 * was anything replaced (what .ifdef tests).
 */
static enum sub_status
substitute(struct reader *r, const char *s, size_t n, size_t base,
	   struct text *out, bool *hit)
{
	struct text *cur = &r->sa, *next = &r->sb, *tmp;
	const struct macro *m;
	const char *q;
	size_t j, k, e;

	*hit = false;
	j = find_names(r, s, n, 0);
	if (j == NONE) {
		text_add(out, s, n, base, false);
		return r->work > BL_WORK_MAX ? SUB_WORK : SUB_OK;
	}
	text_reset(cur);
	text_add(cur, s, n, base, false);
	do {
		m = &r->macros[j];
		text_reset(next);
		for (k = 0; k < cur->b.len;) {
			if (cur->b.len - k >= m->nlen &&
			    memcmp(cur->b.data + k, m->name, m->nlen) == 0) {
				if (next->b.len + m->vlen > BL_VALUE_MAX)
					return SUB_TOO_LONG;
				text_add(next, m->value, m->vlen, cur->off[k], true);
				k += m->nlen;
				continue;
			}
			q = memchr(cur->b.data + k + 1, m->name[0],
				   cur->b.len - k - 1);
			e = q ? (size_t)(q - cur->b.data) : cur->b.len;
			if (next->b.len + (e - k) > BL_VALUE_MAX)
				return SUB_TOO_LONG;
			text_copy(next, cur, k, e - k);
			k = e;
		}
		r->work += next->b.len;
		if (r->work > BL_WORK_MAX)
			return SUB_WORK;
		tmp = cur;
		cur = next;
		next = tmp;
		*hit = true;
	} while ((j = find_names(r, cur->b.data, cur->b.len, j + 1)) != NONE);
	if (r->work > BL_WORK_MAX)
		return SUB_WORK;
	text_copy(out, cur, 0, cur->b.len);
	return SUB_OK;
}

/* Read the next physical line of the current file into raw; false at EOF. */
static bool
physical(struct reader *r, const char **line, size_t *len, size_t *off,
	 unsigned *lineno, const struct bl_source **src)
{
	struct frame *f;
	const char *d, *nl;

	while (r->depth > 0 && !r->stopped) {
		f = &r->stack[r->depth - 1];
		if (f->pos >= f->src->len) {
			r->depth--;
			continue;
		}
		d = f->src->data;
		nl = memchr(d + f->pos, '\n', f->src->len - f->pos);
		*line = d + f->pos;
		*len = (nl ? (size_t)(nl - d) : f->src->len) - f->pos;
		*off = f->pos;
		*lineno = f->line;
		*src = f->src;
		f->pos += *len + (nl ? 1 : 0);
		f->line++;
		return true;
	}
	return false;
}

/* error - an error at src:line */
static void
error(struct reader *r, const struct bl_source *src, unsigned line,
      const char *msg)
{
	bl_diags_add(r->diags, BL_LEVEL_ERROR, src->path, line, 0, "%s", msg);
	r->status = -1;
}

static char *
directive_arg(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	return bl_xstrndup(p, (size_t)(end - p));
}

/* include - push the file of an .include line (bl_source_load refuses
 * what is not a regular file: a FIFO, a device) */
static void
include(struct reader *r, const struct bl_source *from, unsigned line,
	const char *arg, bool if_exists)
{
	struct bl_source *src;
	struct stat st;
	char *path, *slash;
	int i;

	if (arg[0] != '/') {
		if (if_exists) {
			error(r, from, line,
			      ".include_if_exists needs an absolute path");
			return;
		}
		slash = strrchr(from->path, '/');
		path = slash ? bl_xasprintf("%.*s/%s",
					    (int)(slash - from->path),
					    from->path, arg)
			     : bl_xstrdup(arg);
	} else {
		path = bl_xstrdup(arg);
	}
	/* Exim skips .include_if_exists when stat() fails, and only then */
	if (if_exists && stat(path, &st) != 0) {
		free(path);
		return;
	}
	for (i = 0; i < r->depth; i++)
		if (strcmp(r->stack[i].src->path, path) == 0) {
			char *m = bl_xasprintf(".include of %s makes a loop",
					       path);

			error(r, from, line, m);
			free(m);
			free(path);
			return;
		}
	if (r->depth - r->base >= MAX_INCLUDE || r->depth == MAX_FRAMES) {
		error(r, from, line, ".include nested too deeply");
		free(path);
		return;
	}
	if (bl_source_load(&src, path, 0, r->diags) < 0) {
		char *m = bl_xasprintf("%s of %s: the file cannot be read",
				       if_exists ? ".include_if_exists"
						 : ".include",
				       path);

		error(r, from, line, m);
		free(m);
		free(path);
		return;
	}
	bl_config_add_source(r->cfg, src);
	r->stack[r->depth].src = src;
	r->stack[r->depth].pos = 0;
	r->stack[r->depth].line = 1;
	r->depth++;
	free(path);
}

/* Handle a dot directive; true if the line was one. */
static bool
directive(struct reader *r, const char *p, const char *end,
	  const struct bl_source *src, unsigned line, bool hit)
{
	static const char *const names[] = {".ifdef", ".ifndef", ".elifdef",
					    ".elifndef", ".else", ".endif",
					    ".include_if_exists", ".include"};
	size_t i, n;
	bool live = r->excess == 0 && (r->nif == 0 || r->live[r->nif - 1]);
	bool outer = r->nif <= 1 || r->live[r->nif - 2];
	char *arg;

	for (i = 0; i < BL_ARRAY_LEN(names); i++) {
		n = strlen(names[i]);
		if ((size_t)(end - p) >= n && memcmp(p, names[i], n) == 0 &&
		    (p + n == end || p[n] == ' ' || p[n] == '\t'))
			break;
	}
	if (i == BL_ARRAY_LEN(names))
		return false;
	/* .ifdef tests whether any macro was substituted on the line */
	arg = directive_arg(p + n, end);
	switch (i) {
	case 0:
	case 1:
		if (r->nif == MAX_IFDEF || r->excess > 0) {
			/* One error for the construct; its levels are
			 * counted so their .endif lines match. */
			if (r->excess++ == 0) {
				char *m = bl_xasprintf(
					"%s nested too deeply: Exim allows "
					"%d levels of .ifdef and .ifndef and "
					"refuses to start",
					names[i], MAX_IFDEF);

				error(r, src, line, m);
				free(m);
			}
			break;
		}
		r->live[r->nif] = live && (i == 0 ? hit : !hit);
		r->taken[r->nif] = r->live[r->nif];
		r->if_line[r->nif] = line;
		r->if_src[r->nif] = src;
		r->nif++;
		break;
	case 2:
	case 3:
	case 4:
		if (r->excess > 0)
			break;
		if (r->nif == 0) {
			error(r, src, line, "unexpected .elif or .else "
					    "without .ifdef");
			break;
		}
		if (r->taken[r->nif - 1]) {
			r->live[r->nif - 1] = false;
		} else {
			r->live[r->nif - 1] =
				outer && (i == 4 || (i == 2 ? hit : !hit));
			r->taken[r->nif - 1] = r->live[r->nif - 1];
		}
		break;
	case 5:
		if (r->excess > 0)
			r->excess--;
		else if (r->nif == 0)
			error(r, src, line, "unexpected .endif");
		else
			r->nif--;
		break;
	default:
		if (live)
			include(r, src, line, arg, i == 6);
		break;
	}
	free(arg);
	return true;
}

static bool
blank_or_comment(const char *p, const char *end, bool *blank)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	*blank = p == end;
	return p == end || *p == '#';
}

/* too_long - the error for a line over BL_VALUE_MAX */
static void
too_long(struct reader *r, const struct bl_source *src, unsigned line,
	 const char *what)
{
	char *m = bl_xasprintf("line too long: %s over %u bytes, bannerlint's "
			       "limit for one line or value (64 KiB, far above "
			       "any real option; Exim has no fixed limit): "
			       "the line is ignored; shorten it or the macros "
			       "it uses",
			       what, BL_VALUE_MAX);

	error(r, src, line, m);
	free(m);
}

/* work_limit - the error that stops the reading: BL_WORK_MAX reached */
static void
work_limit(struct reader *r, const struct bl_source *src, unsigned line)
{
	char *m = bl_xasprintf("macro substitution takes more than %u units "
			       "of work, bannerlint's limit for one instance "
			       "(32 MiB of text made or names looked up): "
			       "macros refer to each other too many times "
			       "(a macro bomb?); the rest of the "
			       "configuration is not read",
			       BL_WORK_MAX);

	error(r, src, line, m);
	free(m);
	r->stopped = true;
}

/* ends_continued - does the raw line end with a backslash (blanks after
 * it ignored)? */
static bool
ends_continued(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
			   line[len - 1] == '\r'))
		len--;
	return len > 0 && line[len - 1] == '\\';
}

/*
 * The next logical line into t; false at the end of input. Macro
 * substitution comes first on every physical line, as in Exim. A line
 * over BL_VALUE_MAX drops the whole logical line it is part of.
 */
static bool
logical(struct reader *r, struct text *t)
{
	const char *line, *p, *e;
	size_t len, off, k, nm, from;
	unsigned lineno;
	const struct bl_source *src;
	struct text *sub = &r->sub;
	bool blank, cont = false, have = false, hit, skip = false;
	enum sub_status st;

	text_reset(t);
	while (physical(r, &line, &len, &off, &lineno, &src)) {
		text_reset(sub);
		if (lineno == 1 && len >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			error(r, src, 1, "found unexpected BOM (byte order "
					 "mark): Exim refuses the file");
			line += 3;
			len -= 3;
			off += 3;
		}
		for (k = 0; k < len && (line[k] == ' ' || line[k] == '\t' ||
					line[k] == '\r');
		     k++)
			;
		/* no substitution turns a '#' line into anything else */
		if (k < len && line[k] == '#')
			continue;
		if (len > BL_VALUE_MAX) {
			too_long(r, src, lineno, "the line is");
			cont = ends_continued(line, len);
			goto drop;
		}
		/* A macro definition's own name is not substituted (Exim
		 * then reports a name containing a macro). Exim tells one
		 * at the start of a logical line only. */
		nm = k;
		if (t->b.len == 0 && !skip && k < len &&
		    is_upper((unsigned char)line[k]))
			while (nm < len && is_name((unsigned char)line[nm]))
				nm++;
		if (nm > k) {
			size_t j = nm;

			while (j < len && (line[j] == ' ' || line[j] == '\t'))
				j++;
			if (j >= len || line[j] != '=')
				nm = k; /* not a definition */
		}
		text_add(sub, line, nm, off, false);
		st = substitute(r, line + nm, len - nm, off + nm, sub, &hit);
		if (st == SUB_WORK) {
			work_limit(r, src, lineno);
			return false;
		}
		if (st == SUB_TOO_LONG) {
			too_long(r, src, lineno, "after macro substitution it is");
			cont = ends_continued(line, len);
			goto drop;
		}
		p = sub->b.data;
		e = p + sub->b.len;
		/* trim */
		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (blank_or_comment(p, e, &blank)) {
			if (blank && cont) {
				/* a blank line ends a continuation */
				cont = false;
				if (have)
					return true;
				skip = false;
			}
			continue;
		}
		if (*p == '.' && directive(r, p, e, src, lineno, hit))
			continue;
		if (r->excess > 0 || (r->nif > 0 && !r->live[r->nif - 1]))
			continue;
		cont = e > p && e[-1] == '\\';
		if (cont)
			e--;
		if (skip)
			goto drop;
		if (t->b.len + (size_t)(e - p) > BL_VALUE_MAX) {
			too_long(r, src, lineno,
				 "with the lines it continues it is");
			goto drop;
		}
		if (e > p) {
			if (!have) {
				t->src = src;
				t->line = lineno;
				have = true;
			}
			from = (size_t)(p - sub->b.data);
			text_copy(t, sub, from, (size_t)(e - p));
		}
		if (!cont && have)
			return true;
		continue;
drop:
		/* the logical line this physical line belongs to is lost */
		skip = cont;
		have = false;
		text_reset(t);
	}
	return have && !skip;
}
/* A setting from t[k0,k1) = t[v0,v1) in scope. */
static struct bl_setting *
make_setting(struct reader *r, const struct text *t, const char *scope,
	     size_t k0, size_t k1, size_t v0, size_t v1, const char *value,
	     size_t vlen)
{
	struct bl_setting *s = bl_config_add_setting(r->cfg);
	size_t i, n = 0;

	s->key = bl_arena_strndup(&r->cfg->arena, t->b.data + k0, k1 - k0);
	s->raw = bl_arena_strndup(&r->cfg->arena, value, vlen);
	s->raw_len = vlen;
	s->src = t->src;
	s->scope = scope;
	s->key_off = t->off[k0];
	s->key_len = k1 - k0;
	s->val_off = v1 > v0 ? t->off[v0] : (t->b.len ? t->off[t->b.len - 1] + 1 : 0);
	s->val_len = v1 > v0 ? t->off[v1 - 1] + 1 - s->val_off : 0;
	s->stmt_off = t->off[0];
	s->stmt_len = t->off[t->b.len - 1] + 1 - s->stmt_off;
	bl_source_position(t->src, s->key_off, &s->line, &s->col);
	/* The raw value maps back byte by byte when it was not quoted: one
	 * entry per run of consecutive source bytes, counted first (an
	 * entry per byte made settings 24 times their size). */
	if (vlen == v1 - v0 && memcmp(value, t->b.data + v0, vlen) == 0) {
		for (i = 0; i < vlen; i++)
			if (i == 0 || t->off[v0 + i - 1] + 1 != t->off[v0 + i])
				n++;
		s->map = bl_arena_alloc(&r->cfg->arena,
					(n + 1) * sizeof(*s->map));
		n = 0;
		for (i = 0; i < vlen; i++) {
			if (n > 0 && s->map[n - 1].src_off + s->map[n - 1].len ==
					     t->off[v0 + i]) {
				s->map[n - 1].len++;
				continue;
			}
			/* the bytes of a macro's value all map to its name:
			 * an entry each, which is text made by expansion */
			if (n > 0 && s->map[n - 1].src_off == t->off[v0 + i])
				r->work += sizeof(*s->map);
			s->map[n].raw_off = i;
			s->map[n].src_off = t->off[v0 + i];
			s->map[n].len = 1;
			n++;
		}
		s->nmap = n;
		if (r->work > BL_WORK_MAX && !r->stopped)
			work_limit(r, t->src, t->line);
	}
	return s;
}

/* Exim's quoted-string escapes: \\ \" \n \r \t \ooo \xhh. */
static char *
unquote(const char *p, size_t n, size_t *outlen, bool *ok)
{
	struct bl_buf b;
	size_t i;

	bl_buf_init(&b);
	*ok = false;
	for (i = 1; i < n; i++) {
		char c = p[i];

		if (c == '"') {
			*ok = i == n - 1;
			break;
		}
		if (c != '\\' || i + 1 >= n) {
			bl_buf_addc(&b, c);
			continue;
		}
		c = p[++i];
		if (c == 'n')
			bl_buf_addc(&b, '\n');
		else if (c == 'r')
			bl_buf_addc(&b, '\r');
		else if (c == 't')
			bl_buf_addc(&b, '\t');
		else if (c >= '0' && c <= '7') {
			int v = 0, k;

			for (k = 0; k < 3 && i < n && p[i] >= '0' && p[i] <= '7';
			     k++, i++)
				v = v * 8 + (p[i] - '0');
			i--;
			bl_buf_addc(&b, (char)v);
		} else if (c == 'x' && i + 1 < n) {
			int v = 0, k;

			for (k = 0, i++; k < 2 && i < n &&
					 strchr("0123456789abcdefABCDEF", p[i]);
			     k++, i++)
				v = v * 16 + (p[i] <= '9'   ? p[i] - '0'
					      : p[i] <= 'F' ? p[i] - 'A' + 10
							    : p[i] - 'a' + 10);
			i--;
			bl_buf_addc(&b, (char)v);
		} else
			bl_buf_addc(&b, c);
	}
	*outlen = b.len;
	return bl_buf_steal(&b);
}

static const char *const acl_verbs[] = {"accept", "defer", "deny", "discard",
					"drop", "require", "warn"};

static bool
starts_word(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && strncmp(p, w, k) == 0 &&
	       (n == k || p[k] == ' ' || p[k] == '\t');
}

/* "NAME = value" or "NAME == value" in the main part. */
static void
macro_definition(struct reader *r, const struct text *t)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k, v, s, best = NONE;
	bool redefine = false;
	char *name, *value;
	const struct slot *old, *sl;
	const uint64_t *ph;
	uint64_t m, h;
	unsigned len;

	for (k = 0; k < n && is_name((unsigned char)d[k]); k++)
		;
	if (k > MACRO_NAME_MAX) {
		error(r, t->src, t->line,
		      "macro name too long (maximum is 63 characters): Exim "
		      "refuses to start");
		return;
	}
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (v >= n || d[v] != '=') {
		error(r, t->src, t->line,
		      "a line starting with an upper-case letter is a macro "
		      "definition and needs \"=\"");
		return;
	}
	if (v + 1 < n && d[v + 1] == '=') {
		redefine = true;
		v++;
	}
	for (v++; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	name = bl_xstrndup(d, k);
	value = bl_xstrndup(d + v, n - v);
	old = table_find(&r->macro_names, name, k, hash_bytes(name, k), NULL);
	if (redefine && old == NULL) {
		char *msg = bl_xasprintf("macro \"%s\" redefined with == but "
					 "never defined",
					 name);

		error(r, t->src, t->line, msg);
		free(msg);
	} else if (!redefine && old != NULL) {
		char *msg = bl_xasprintf("macro \"%s\" is already defined (use "
					 "== to redefine it)",
					 name);

		error(r, t->src, t->line, msg);
		free(msg);
	} else if (old != NULL) {
		free(r->macros[old->val].value);
		r->macros[old->val].value = value;
		r->macros[old->val].vlen = n - v;
		value = NULL;
	} else {
		/* the first-defined macro that is a substring of the name */
		ph = prefix_hashes(r, name, k);
		for (s = 0; s < k; s++)
			for (m = candidates(r, name, s, k); m != 0;) {
				len = 63u - (unsigned)__builtin_clzll(m);
				m &= ~(UINT64_C(1) << len);
				r->work++;
				h = ph[s + len] - ph[s] * r->pow[len];
				sl = table_find(&r->macro_names, name + s, len, h,
						&r->work);
				if (sl != NULL && sl->val < best)
					best = sl->val;
			}
		if (best != NONE) {
			char *msg = bl_xasprintf(
				"\"%s\" cannot be defined as a macro because "
				"previously defined macro \"%s\" is a substring",
				name, r->macros[best].name);

			error(r, t->src, t->line, msg);
			free(msg);
		} else {
			macro_add(r, name, value);
			return;
		}
	}
	free(name);
	free(value);
}

/*
 * Obsolete names Exim 4.96 still accepts, entries of their own in
 * readconf.c's optionlist_config flagged opt_hidden, which -bP does not
 * list (so tools/exim-options.sh misses them): return_size_limit, the old
 * name of bounce_return_size_limit (opt_mkint). Found by setting every
 * name-like tail of a listed option with exim -bV; the smtp transport has
 * none. Being entries of their own, an alias and its new name may both be
 * set (Exim accepts it), each once.
 */
static const struct exim_option exim_main_aliases[] = {
	{"return_size_limit", false},
};

static const struct exim_option *
find_option(const struct exim_option *tab, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

/* The option table of a section or driver; NULL when bannerlint does not
 * know the driver's options (routers, authenticators, other transports). */
static const struct exim_option *
option_table(const char *scope, const char *driver, size_t *n)
{
	if (strcmp(scope, "main") == 0) {
		*n = BL_ARRAY_LEN(exim_main_options);
		return exim_main_options;
	}
	if (strncmp(scope, "transport/", 10) != 0 || driver == NULL)
		return NULL;
	if (strcmp(driver, "smtp") == 0) {
		*n = BL_ARRAY_LEN(exim_smtp_options);
		return exim_smtp_options;
	}
	if (strcmp(driver, "lmtp") == 0) {
		*n = BL_ARRAY_LEN(exim_lmtp_options);
		return exim_lmtp_options;
	}
	return NULL;
}

/* Is KEY (as written, "no_x" included) an option of this table? Reports
 * what Exim reports when it is not. */
static void
check_option(struct reader *r, const struct bl_setting *s, const char *scope,
	     const char *driver, bool has_value)
{
	const struct exim_option *tab, *o;
	const char *name = s->key;
	size_t n;

	tab = option_table(scope, driver, &n);
	if (tab == NULL)
		return;
	o = find_option(tab, n, name);
	if (o == NULL && tab == exim_main_options)
		o = find_option(exim_main_aliases,
				BL_ARRAY_LEN(exim_main_aliases), name);
	if (o == NULL && !has_value) {
		if (strncmp(name, "no_", 3) == 0)
			name += 3;
		else if (strncmp(name, "not_", 4) == 0)
			name += 4;
		o = find_option(tab, n, name);
		if (o != NULL && !o->boolean)
			o = NULL;
	}
	if (o == NULL) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, s->line,
			     s->col,
			     "%s option \"%s\" unknown (Exim %s)%s: Exim "
			     "refuses to start",
			     strcmp(scope, "main") == 0 ? "main" : driver,
			     s->key, EXIM_OPTIONS_VERSION,
			     strcmp(s->key, "helo_data") == 0
				     ? "; the lmtp driver always sends LHLO "
				       "$primary_hostname, the smtp driver with "
				       "protocol = lmtp has helo_data"
				     : "");
		r->status = -1;
		return;
	}
	if (has_value && o->boolean &&
	    ((s->val_len > 0 && s->src->data[s->val_off] == '"') ||
	     (strcasecmp(s->raw, "true") != 0 &&
	    strcasecmp(s->raw, "false") != 0 && strcasecmp(s->raw, "yes") != 0 &&
	     strcasecmp(s->raw, "no") != 0))) {
		/* readconf.c: a boolean's value is true, false, yes or no,
		 * in any case, and not quoted */
		bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, s->line,
			     s->col,
			     "\"%.*s\" is not a valid value for the \"%s\" "
			     "option (a boolean: true, false, yes or no): Exim "
			     "refuses to start",
			     (int)(s->raw_len > 100 ? 100 : s->raw_len), s->raw,
			     s->key);
		r->status = -1;
		return;
	}
	if (!has_value && !o->boolean) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, s->line,
			     s->col,
			     "missing \"=\" after \"%s\": only a boolean option "
			     "may stand alone",
			     s->key);
		r->status = -1;
	}
}

/*
 * "[hide] domainlist|hostlist|addresslist|localpartlist[_cache] NAME =
 * list" in the main section (readconf.c read_named_list(); "_cache" only
 * asks Exim to cache the result: the name is shared with the plain kind).
 * Returns false when the line is not a named list.
 */
static bool
named_list(struct reader *r, const struct text *t)
{
	static const char *const kinds[] = {"domainlist", "hostlist",
					    "addresslist", "localpartlist"};
	const char *d = t->b.data;
	size_t n = t->b.len, p = 0, k, i, len, vlen;
	uint64_t h;
	char *name, *value;
	bool ok;

	if (starts_word(d, n, "hide"))
		for (p = 4; p < n && (d[p] == ' ' || d[p] == '\t'); p++)
			;
	for (i = 0; i < BL_ARRAY_LEN(kinds); i++) {
		len = strlen(kinds[i]);
		if (starts_word(d + p, n - p, kinds[i]))
			break;
		if (n - p > len + 6 && strncmp(d + p, kinds[i], len) == 0 &&
		    starts_word(d + p + len, n - p - len, "_cache")) {
			len += 6;
			break;
		}
	}
	if (i == BL_ARRAY_LEN(kinds))
		return false;
	for (p += len; p < n && (d[p] == ' ' || d[p] == '\t'); p++)
		;
	for (k = p; k < n && d[k] != '=' && d[k] != ' ' && d[k] != '\t'; k++)
		;
	name = bl_xasprintf("%s %.*s", kinds[i], (int)(k - p), d + p);
	while (k < n && (d[k] == ' ' || d[k] == '\t'))
		k++;
	if (k >= n || d[k] != '=') {
		error(r, t->src, t->line, "missing \"=\" after the name of a "
					  "named list");
		free(name);
		return true;
	}
	/* a quoted list is one string: nothing may follow its quote */
	for (k++; k < n && (d[k] == ' ' || d[k] == '\t'); k++)
		;
	if (k < n && d[k] == '"') {
		value = unquote(d + k, n - k, &vlen, &ok);
		free(value);
		if (!ok) {
			char *m = bl_xasprintf("extra characters follow string "
					       "value for %s (or the quote is "
					       "not closed): Exim refuses to "
					       "start",
					       strchr(name, ' ') + 1);

			error(r, t->src, t->line, m);
			free(m);
		}
	}
	h = hash_bytes(name, strlen(name));
	if (table_find(&r->lists, name, strlen(name), h, NULL) != NULL)
		error(r, t->src, t->line, "duplicate name for a named list: "
					  "Exim refuses to start");
	else
		table_add(&r->lists, bl_arena_strdup(&r->cfg->arena, name),
			  strlen(name), h);
	free(name);
	return true;
}

/* At the end of a transport block, when its driver is known. */
static void
check_block(struct reader *r, const struct bl_scope *sc)
{
	const struct bl_setting *drv;
	size_t i;

	if (sc == NULL || strncmp(sc->name, "transport/", 10) != 0)
		return;
	drv = bl_scope_lookup(sc, "driver");
	if (drv == NULL)
		return;
	for (i = 0; i < sc->nsettings; i++)
		check_option(r, sc->settings[i], sc->name, drv->raw,
			     i >= r->nvalued || r->valued[i]);
}

/* error_rule - an error at the setting s that a rule reports too */
static void
error_rule(struct reader *r, const struct bl_setting *s, const char *rule,
	   const char *msg)
{
	size_t n = r->diags->n;

	bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, s->line, s->col,
		     "%s", msg);
	/* past the per-file cap the diagnostic is only counted (and the
	 * last one in the list is the "... and N more" line) */
	if (r->diags->n == n + 1 && r->diags->v[n].line == s->line &&
	    r->diags->v[n].line != 0)
		r->diags->v[n].rule = rule;
	r->status = -1;
}

/*
 * The options Exim lets accumulate instead of refusing them twice: the
 * entries flagged opt_rep_con (conditions, and-ed) or opt_rep_str (strings,
 * appended) in its option tables. Exim 4.96: optionlist_routers in route.c
 * (condition: opt_rep_con; headers_add, headers_remove, set: opt_rep_str)
 * and optionlist_transports in transport.c (headers_add, headers_remove:
 * opt_rep_str). No main, authenticator or private driver option has
 * either flag. Checked with exim -bV (fixture routers-repeatable-options).
 */
static const char *const router_repeatable[] = {"condition", "headers_add",
						"headers_remove", "set"};
static const char *const transport_repeatable[] = {"headers_add",
						   "headers_remove"};

/* repeatable - may KEY be set more than once in SCOPE? */
static bool
repeatable(const char *scope, const char *key)
{
	const char *const *v;
	size_t i, n;

	if (strncmp(scope, "router/", 7) == 0) {
		v = router_repeatable;
		n = BL_ARRAY_LEN(router_repeatable);
	} else if (strncmp(scope, "transport/", 10) == 0) {
		v = transport_repeatable;
		n = BL_ARRAY_LEN(transport_repeatable);
	} else {
		return false;
	}
	for (i = 0; i < n; i++)
		if (strcmp(v[i], key) == 0)
			return true;
	return false;
}

/* An option line: "[hide] name = value", "name", "no_name", "not_name".
 * The setting, or NULL when the line is not one. */
static struct bl_setting *
option(struct reader *r, const struct text *t, const char *scope,
       struct bl_scope *sc)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k0 = 0, k, v, e, vlen;
	struct bl_setting *s;
	struct slot *sl;
	struct bl_buf *kb = &r->key;
	uint64_t h;
	char *value;
	bool ok = true, valued;

	if (starts_word(d, n, "hide"))
		for (k0 = 4; k0 < n && (d[k0] == ' ' || d[k0] == '\t'); k0++)
			;
	for (k = k0; k < n && (is_name((unsigned char)d[k]) || d[k] == '-');
	     k++)
		;
	if (k == k0) {
		error(r, t->src, t->line, "an option name is expected here");
		return NULL;
	}
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (v < n && d[v] != '=') {
		error(r, t->src, t->line, "\"=\" expected after the option "
					  "name");
		return NULL;
	}
	if (v < n)
		for (v++; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
			;
	e = n;
	if (v < e && d[v] == '"') {
		value = unquote(d + v, e - v, &vlen, &ok);
		if (!ok)
			error(r, t->src, t->line,
			      "unterminated or trailing text after a quoted "
			      "string");
	} else {
		while (e > v && (d[e - 1] == ' ' || d[e - 1] == '\t'))
			e--;
		value = bl_xstrndup(d + v, e - v);
		vlen = e - v;
	}
	s = make_setting(r, t, scope, k0, k, v, e, value, vlen);
	free(value);
	valued = k < n && v > k;
	if (strcmp(scope, "main") == 0)
		check_option(r, s, scope, NULL, valued);
	/* Exim refuses an option set twice in the same place, except the
	 * few its tables let accumulate. The table keeps the last setting
	 * of each "scope\0key". */
	if (!repeatable(scope, s->key) && (sc == NULL || sc != r->dup)) {
		bl_buf_reset(kb);
		bl_buf_adds(kb, scope);
		bl_buf_addc(kb, '\0');
		bl_buf_adds(kb, s->key);
		h = hash_bytes(kb->data, kb->len);
		sl = table_find(&r->options, kb->data, kb->len, h, NULL);
		/* not twice: branches of a template that never both render */
		if (sl != NULL && bl_source_exclusive(
				      ((struct bl_setting *)(uintptr_t)sl->val)->src,
				      ((struct bl_setting *)(uintptr_t)sl->val)->line,
				      s->src, s->line)) {
		} else if (sl != NULL) {
			struct bl_setting *o = (struct bl_setting *)(uintptr_t)sl->val;
			char *m = bl_xasprintf("\"%s\" option set for the "
					       "second time (first at %s:%u): "
					       "Exim refuses to start",
					       s->key, o->src->path, o->line);

			o->shadowed = true;
			s->shadows = o;
			error_rule(r, s, "BL302", m);
			free(m);
		} else {
			sl = table_add(&r->options,
				       bl_arena_strndup(&r->cfg->arena, kb->data,
							kb->len),
				       kb->len, h);
		}
		sl->val = (size_t)(uintptr_t)s;
	}
	if (sc != NULL) {
		bl_scope_add_setting(r->cfg, sc, s);
		if (r->nvalued == r->valued_cap) {
			r->valued_cap = r->valued_cap ? 2 * r->valued_cap : 16;
			r->valued = bl_xreallocarray(r->valued, r->valued_cap,
						     sizeof(*r->valued));
		}
		r->valued[r->nvalued++] = valued;
	}
	return s;
}

/*
 * Debian's /etc/exim4: the reader's stack gets the files update-exim4.conf
 * concatenates, the first on top, so they are read one after the other;
 * the generated macros are pushed after the UPEX4CmacrosUPEX4C line.
 */
static int
debian_sources(struct reader *r, struct bl_source *conf)
{
	struct bl_exim_debian plan;
	struct bl_source *s;
	size_t i;
	int status = 0;

	bl_exim_debian_plan(conf, &plan, r->diags);
	r->depth = 0;
	if (plan.exim4_conf != NULL) {
		/* Debian's Exim reads /etc/exim4/exim4.conf before the
		 * generated file: it is the configuration */
		bl_diags_add(r->diags, BL_LEVEL_NOTE, plan.exim4_conf, 0, 0,
			     "exim4.conf is here: Debian's Exim reads it and "
			     "ignores what update-exim4.conf generates");
		for (i = 0; i < plan.npaths; i++)
			free(plan.paths[i]);
		plan.paths = bl_xreallocarray(plan.paths, 1,
					      sizeof(*plan.paths));
		plan.paths[0] = plan.exim4_conf;
		plan.exim4_conf = NULL;
		plan.npaths = 1;
		bl_source_free(plan.macros);
		plan.macros = NULL;
	}
	if (plan.npaths == 0) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, conf->path, 0, 0,
			     "no configuration to assemble: %s",
			     plan.split ? "conf.d/ has no files"
					: "no exim4.conf.template beside it");
		bl_exim_debian_finish(&plan);
		return -1;
	}
	if (plan.npaths > MAX_FRAMES - MAX_INCLUDE - 2) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, conf->path, 0, 0,
			     "too many configuration files (%zu)", plan.npaths);
		bl_exim_debian_finish(&plan);
		return -1;
	}
	for (i = plan.npaths; i-- > 0;) {
		if (bl_source_load(&s, plan.paths[i], 0, r->diags) < 0) {
			status = -1;
			continue;
		}
		bl_config_add_source(r->cfg, s);
		r->stack[r->depth].src = s;
		r->stack[r->depth].pos = 0;
		r->stack[r->depth].line = 1;
		r->depth++;
	}
	r->base = r->depth;
	if (r->depth > 0)
		r->cfg->main_src = r->stack[r->depth - 1].src;
	if (plan.macros != NULL) {
		bl_config_add_source(r->cfg, plan.macros);
		r->macros_src = plan.macros;
		plan.macros = NULL;
	}
	bl_exim_debian_finish(&plan);
	return status;
}

/* macro_line - a macro definition line; true when the work limit stops
 * the reading */
static bool
macro_line(struct reader *r, const struct text *t)
{
	const char *d = t->b.data;

	macro_definition(r, t);
	if (r->work > BL_WORK_MAX && !r->stopped) {
		work_limit(r, t->src, t->line);
		return true;
	}
	/* update-exim4.conf puts its macros after this line */
	if (r->macros_src != NULL && r->depth < MAX_FRAMES &&
	    strncmp(d, "UPEX4CmacrosUPEX4C", 18) == 0 &&
	    (t->off[0] == 0 || t->src->data[t->off[0] - 1] == '\n')) {
		r->stack[r->depth].src = r->macros_src;
		r->stack[r->depth].pos = 0;
		r->stack[r->depth].line = 1;
		r->depth++;
	}
	return false;
}

/*
 * Exim's section names (readconf.c section_list), singular: a name
 * written after "begin" matches one case-insensitively, with or without
 * one final "s" ("begin acls", "begin router"). The canonical names are
 * the ones the rest of this file uses.
 */
static const char *const section_names[][2] = {
	{"acl", "acl"},
	{"authenticator", "authenticators"},
	{"local_scan", "local_scan"},
	{"retry", "retry"},
	{"rewrite", "rewrite"},
	{"router", "routers"},
	{"transport", "transports"},
};

/* begin_section - "begin NAME": the section it starts into section
 * ("unknown" after an error, its lines then ignored) */
static void
begin_section(struct reader *r, const struct text *t, char *section,
	      size_t size)
{
	const char *w = t->b.data + 6, *end = t->b.data + t->b.len;
	size_t n, i;
	char *m;

	while (w < end && (*w == ' ' || *w == '\t'))
		w++;
	n = (size_t)(end - w);
	if (n > 0 && (w[n - 1] == 's' || w[n - 1] == 'S'))
		n--;
	for (i = 0; i < BL_ARRAY_LEN(section_names); i++)
		if (strlen(section_names[i][0]) == n &&
		    strncasecmp(w, section_names[i][0], n) == 0)
			break;
	if (i == BL_ARRAY_LEN(section_names)) {
		m = bl_xasprintf("\"%.*s\" is not a known configuration "
				 "section name: Exim refuses to start",
				 (int)(end - w > 64 ? 64 : end - w), w);
		error(r, t->src, t->line, m);
		free(m);
		snprintf(section, size, "unknown");
		return;
	}
	snprintf(section, size, "%s", section_names[i][1]);
	if (r->seen_section[i]) {
		m = bl_xasprintf("\"%s\" section is repeated in the "
				 "configuration file: Exim refuses to start",
				 section);
		error(r, t->src, t->line, m);
		free(m);
		/* one cause, one error: its lines are not read again */
		snprintf(section, size, "unknown");
		return;
	}
	r->seen_section[i] = true;
}

/* read_name - readconf_readname(): after blanks from p, a letter then
 * letters, digits and "_"; returns its end, *start its start (empty when
 * no letter comes first) */
static size_t
read_name(const char *d, size_t n, size_t p, size_t *start)
{
	while (p < n && (d[p] == ' ' || d[p] == '\t'))
		p++;
	*start = p;
	if (p < n && ((d[p] >= 'a' && d[p] <= 'z') || is_upper((unsigned char)d[p])))
		while (p < n && is_name((unsigned char)d[p]))
			p++;
	return p;
}

/* instance_kind - what a "name:" line starts in this section */
static const char *
instance_kind(const char *section)
{
	if (strcmp(section, "transports") == 0)
		return "transport";
	if (strcmp(section, "routers") == 0)
		return "router";
	if (strcmp(section, "acl") == 0)
		return "acl";
	return "authenticator";
}

/* new_instance - the scope of "name:" (d[nb, ne)); what follows the colon
 * from rest on must be blank for a driver, as in readconf_driver_init() */
static struct bl_scope *
new_instance(struct reader *r, const struct text *t, const char *section,
	     size_t nb, size_t ne, size_t rest)
{
	const char *d = t->b.data, *kind = instance_kind(section);
	size_t n = t->b.len;
	struct bl_scope *sc;
	struct bl_buf b;
	uint64_t h;

	while (rest < n && (d[rest] == ' ' || d[rest] == '\t'))
		rest++;
	if (rest < n && strcmp(kind, "acl") != 0) {
		char *m = bl_xasprintf("extra characters follow driver name "
				       "%.*s: Exim refuses to start",
				       (int)(ne - nb), d + nb);

		error(r, t->src, t->line, m);
		free(m);
	}
	sc = bl_config_add_scope(r->cfg);
	bl_buf_init(&b);
	bl_buf_printf(&b, "%s/%.*s", kind, (int)(ne - nb), d + nb);
	sc->name = bl_arena_strdup(&r->cfg->arena, b.data);
	bl_buf_finish(&b);
	sc->role = "";
	sc->src = t->src;
	sc->line = t->line;
	sc->stmt_off = t->off[0];
	sc->stmt_len = t->off[n - 1] + 1 - sc->stmt_off;
	/* "there are two transports called "x"" (Exim names no line) */
	h = hash_bytes(sc->name, strlen(sc->name));
	if (table_find(&r->drivers, sc->name, strlen(sc->name), h, NULL) !=
	    NULL) {
		char *m = bl_xasprintf("there are two %ss called \"%.*s\": "
				       "Exim refuses to start",
				       strcmp(kind, "acl") == 0 ? "ACL" : kind,
				       (int)(ne - nb), d + nb);

		error(r, t->src, t->line, m);
		free(m);
		r->dup = sc;
	} else {
		table_add(&r->drivers, sc->name, strlen(sc->name), h);
	}
	return sc;
}

/*
 * The condition and modifier names of acl.c's conditions[] in Exim 4.96,
 * of every build (content scanning, DCC, DMARC, SPF, Brightmail
 * included): a name in none of them is "unknown ACL condition/modifier".
 */
static const char *const acl_conditions[] = {
	"acl", "add_header", "authenticated", "bmi_optin", "condition",
	"continue", "control", "dcc", "debug", "decode", "delay",
	"dkim_signers", "dkim_status", "dmarc_status", "dnslists", "domains",
	"encrypted", "endpass", "hosts", "local_parts", "log_message",
	"log_reject_target", "logwrite", "malware", "message", "mime_regex",
	"queue", "ratelimit", "recipients", "regex", "remove_header", "seen",
	"sender_domains", "senders", "set", "spam", "spf", "spf_guess",
	"udpsend", "verify"};

/* acl_error - an error in an ACL statement, worded as acl.c words it */
static void
acl_error(struct reader *r, const struct text *t, const char *what)
{
	char *m = bl_xasprintf("error in ACL: %s: Exim refuses to start", what);

	error(r, t->src, t->line, m);
	free(m);
}

/*
 * acl_condition - the condition or modifier at t[p...] of statement st,
 * as acl.c's acl_read() reads it: "[!] name = value", where the value is
 * the rest of the logical line, taken literally (no quote processing: a
 * leading '"' is part of it); "set acl_cX|acl_mX = value"; "endpass".
 */
static void
acl_condition(struct reader *r, const struct text *t, size_t p,
	      struct bl_scope *st)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k0, k, v, e, i;
	struct bl_setting *s;
	char *m;

	if (p < n && d[p] == '!')
		p++;
	k = read_name(d, n, p, &k0);
	for (i = 0; i < BL_ARRAY_LEN(acl_conditions); i++)
		if (strlen(acl_conditions[i]) == k - k0 &&
		    memcmp(acl_conditions[i], d + k0, k - k0) == 0)
			break;
	if (k == k0 || i == BL_ARRAY_LEN(acl_conditions)) {
		m = bl_xasprintf("unknown ACL condition/modifier in \"%.*s\"",
				 (int)(n > 200 ? 200 : n), d);
		acl_error(r, t, m);
		free(m);
		return;
	}
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (strcmp(acl_conditions[i], "set") == 0) {
		/* the variable: acl_c or acl_m, then letters, digits, "_" */
		if (n - v < 6 || (strncmp(d + v, "acl_c", 5) != 0 &&
				  strncmp(d + v, "acl_m", 5) != 0) ||
		    !is_name((unsigned char)d[v + 5])) {
			if (!(n - v >= 18 &&
			      (strncmp(d + v, "dkim_verify_status", 18) == 0 ||
			       strncmp(d + v, "dkim_verify_reason", 18) == 0))) {
				m = bl_xasprintf(
					"invalid variable name after \"set\" in "
					"ACL modifier \"%.*s\" (must start "
					"\"acl_c\" or \"acl_m\")",
					(int)(n - k0 > 200 ? 200 : n - k0),
					d + k0);
				acl_error(r, t, m);
				free(m);
				return;
			}
		}
		while (v < n && is_name((unsigned char)d[v]))
			v++;
		while (v < n && (d[v] == ' ' || d[v] == '\t'))
			v++;
	}
	if (strcmp(acl_conditions[i], "endpass") != 0) {
		if (v >= n || d[v] != '=') {
			m = bl_xasprintf("\"=\" missing after ACL \"%.*s\" "
					 "condition or modifier",
					 (int)(k - k0), d + k0);
			acl_error(r, t, m);
			free(m);
			return;
		}
		for (v++; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
			;
	}
	e = n;
	s = make_setting(r, t, st->name, k0, k, v, e, d + v, e - v);
	bl_scope_add_setting(r->cfg, st, s);
}

/* acl_line - a line in an ACL: a verb starts a statement (conditions may
 * follow on its line), any other line continues the statement */
static void
acl_line(struct reader *r, const struct text *t, struct bl_scope *acl,
	 struct bl_scope **stmt)
{
	const char *d = t->b.data;
	size_t n = t->b.len, i, w;
	struct bl_scope *st;
	struct bl_buf nb;

	for (i = 0; i < BL_ARRAY_LEN(acl_verbs); i++)
		if (starts_word(d, n, acl_verbs[i]))
			break;
	if (i == BL_ARRAY_LEN(acl_verbs)) {
		if (*stmt == NULL) {
			char *m;
			size_t k0, k = read_name(d, n, 0, &k0);

			/* one cause, one error: the lines after it in this
			 * ACL are lost with it */
			if (r->acl_lost)
				return;
			r->acl_lost = true;

			m = bl_xasprintf("unknown ACL verb \"%.*s\" in \"%.*s\"",
					 (int)(k - k0), d + k0,
					 (int)(n > 200 ? 200 : n), d);
			acl_error(r, t, m);
			free(m);
			return;
		}
		acl_condition(r, t, 0, *stmt);
		return;
	}
	st = bl_config_add_scope(r->cfg);
	bl_buf_init(&nb);
	bl_buf_printf(&nb, "%s/%u", acl->name, t->line);
	st->name = bl_arena_strdup(&r->cfg->arena, nb.data);
	bl_buf_finish(&nb);
	st->role = acl_verbs[i];
	st->src = t->src;
	st->line = t->line;
	st->stmt_off = t->off[0];
	st->stmt_len = t->off[n - 1] + 1 - st->stmt_off;
	st->shadows = acl; /* the ACL it belongs to */
	*stmt = st;
	/* "accept message = x" on the verb's line */
	for (w = strlen(acl_verbs[i]); w < n && (d[w] == ' ' || d[w] == '\t');
	     w++)
		;
	if (w < n)
		acl_condition(r, t, w, st);
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	struct reader r;
	struct text t;
	char section[32] = "main";
	struct bl_scope *sc = NULL, *acl_stmt = NULL;
	const struct bl_setting *s;
	size_t i, nb0, ne, after;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.diags = diags;
	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	r.stack[0].src = src;
	r.stack[0].line = 1;
	r.depth = 1;
	if (role == BL_ROLE_EXIM_DEBIAN && debian_sources(&r, src) < 0)
		return -1;
	r.pow[0] = 1;
	for (i = 1; i < BL_ARRAY_LEN(r.pow); i++)
		r.pow[i] = r.pow[i - 1] * HASH_BASE;
	text_init(&r.sa);
	text_init(&r.sb);
	text_init(&r.sub);
	bl_buf_init(&r.key);
	text_init(&t);
	while (logical(&r, &t)) {
		const char *d = t.b.data;
		size_t n = t.b.len;

		if (n >= 6 && strncasecmp(d, "begin ", 6) == 0) {
			check_block(&r, sc);
			sc = NULL;
			acl_stmt = NULL;
			r.orphan = false;
			begin_section(&r, &t, section, sizeof(section));
			continue;
		}
		if (strcmp(section, "main") == 0 ||
		    strcmp(section, "retry") == 0 ||
		    strcmp(section, "rewrite") == 0 ||
		    strcmp(section, "local_scan") == 0 ||
		    strcmp(section, "unknown") == 0) {
			/* an upper-case first letter is a macro definition
			 * here, with or without "=" */
			if (is_upper((unsigned char)d[0])) {
				if (macro_line(&r, &t))
					break;
				continue;
			}
			if (strcmp(section, "main") != 0)
				continue;
			if (!named_list(&r, &t))
				option(&r, &t, "main", NULL);
			continue;
		}
		/* drivers and ACLs: readconf.c reads a name first */
		ne = read_name(d, n, 0, &nb0);
		for (after = ne; after < n && (d[after] == ' ' ||
					       d[after] == '\t');
		     after++)
			;
		if (ne > nb0 && is_upper((unsigned char)d[nb0]) && after < n &&
		    d[after] == '=') {
			/* a macro definition ends the driver or ACL */
			check_block(&r, sc);
			sc = NULL;
			acl_stmt = NULL;
			if (macro_line(&r, &t))
				break;
			continue;
		}
		if (ne > nb0 && after < n && d[after] == ':') {
			check_block(&r, sc);
			sc = new_instance(&r, &t, section, nb0, ne, after + 1);
			r.nvalued = 0;
			r.acl_lost = false;
			acl_stmt = NULL;
			continue;
		}
		if (sc == NULL && r.orphan)
			continue;
		if (sc == NULL) {
			char *m = strcmp(section, "acl") == 0
					  ? bl_xasprintf("missing or malformed ACL "
							 "name: Exim refuses to "
							 "start")
					  : bl_xasprintf("%s name missing (a "
							 "\"name:\" line is "
							 "expected first): Exim "
							 "refuses to start",
							 instance_kind(section));

			error(&r, t.src, t.line, m);
			free(m);
			r.orphan = true;
			continue;
		}
		r.orphan = false;
		if (strcmp(section, "acl") == 0) {
			acl_line(&r, &t, sc, &acl_stmt);
			continue;
		}
		s = option(&r, &t, sc->name, sc);
		/* the last driver option is the driver */
		if (s != NULL && strcmp(s->key, "driver") == 0)
			sc->role = s->raw;
	}
	check_block(&r, sc);
	/* when the reading stopped, the rest was not seen */
	while (r.nif > 0 && !r.stopped) {
		r.nif--;
		bl_diags_add(diags, BL_LEVEL_ERROR, r.if_src[r.nif]->path,
			     r.if_line[r.nif], 0,
			     "unexpected end of configuration file: .endif "
			     "missing for this conditional");
		r.status = -1;
	}
	text_finish(&t);
	text_finish(&r.sa);
	text_finish(&r.sb);
	text_finish(&r.sub);
	bl_buf_finish(&r.key);
	free(r.ph);
	for (i = 0; i < r.nmacros; i++) {
		free(r.macros[i].name);
		free(r.macros[i].value);
	}
	free(r.macros);
	table_finish(&r.macro_names);
	table_finish(&r.lists);
	table_finish(&r.options);
	table_finish(&r.drivers);
	free(r.valued);
	return r.status;
}

static enum bl_file_role
classify(const char *base)
{
	if (strcmp(base, "update-exim4.conf.conf") == 0)
		return BL_ROLE_EXIM_DEBIAN;
	if (strcmp(base, "exim.conf") == 0 || strcmp(base, "exim4.conf") == 0 ||
	    strcmp(base, "exim4.conf.template") == 0)
		return BL_ROLE_EXIM_MAIN;
	return BL_ROLE_NONE;
}

/* An Exim file by content: "begin" sections or Exim-only options. */
static enum bl_file_role
detect(const struct bl_source *src)
{
	static const char *const marks[] = {"\nbegin routers", "\nbegin transports",
					    "\nbegin acl", "primary_hostname",
					    "smtp_banner", "driver = smtp"};
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(marks); i++)
		if (strstr(src->data, marks[i]) != NULL)
			return BL_ROLE_EXIM_MAIN;
	return BL_ROLE_NONE;
}

const struct bl_parser bl_parser_exim = {
	.name = "exim",
	.classify = classify,
	.detect = detect,
	.default_role = BL_ROLE_EXIM_MAIN,
	.siblings = NULL,
	.dir_marker = "update-exim4.conf.conf",
	.is_template = NULL,
	.parse = parse,
	.resolve = bl_resolve_exim,
};

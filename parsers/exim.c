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

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "exim_debian.h"
#include "parser.h"
#include "resolve.h"
#include "template.h"
#include "util.h"

/* The kinds of option readconf.c's readconf_handle_option() reads, by
 * what the value must look like (tools/exim-options.sh finds each
 * option's kind by probing the binary) */
enum exim_type {
	EXIM_T_STRING,	      /* opt_stringptr: anything */
	EXIM_T_BOOL,	      /* opt_bool (and _verify, _set, opt_bit) */
	EXIM_T_EXPAND_BOOL,   /* opt_expand_bool: a string when it has a $ */
	EXIM_T_INT,	      /* opt_int, opt_mkint: 32 bits, K M G T */
	EXIM_T_KINT,	      /* opt_Kint: 64 bits, K to Z */
	EXIM_T_OCTINT,	      /* opt_octint: base 8 */
	EXIM_T_FIXED,	      /* opt_fixed: 3 decimals */
	EXIM_T_TIME,	      /* opt_time: 1w2d3h4m5s */
	EXIM_T_TIME_EXPANDED, /* opt_func smtp_receive_timeout: $... or time */
	EXIM_T_TIMELIST,      /* opt_timelist: increasing times, a : list */
	EXIM_T_UID,	      /* the rest depend on the host's users and */
	EXIM_T_GID,	      /* groups, or are rewrite rules: not checked */
	EXIM_T_EXPAND_UID,
	EXIM_T_EXPAND_GID,
	EXIM_T_UIDLIST,
	EXIM_T_GIDLIST,
	EXIM_T_REWRITE
};

#define EXIM_F_REPEAT 1 /* opt_rep_con, opt_rep_str: may be set again */

struct exim_option {
	const char *name;
	unsigned char type;  /* enum exim_type */
	unsigned char flags; /* EXIM_F_* */
	unsigned char max;   /* a time list: the most times it holds */
};

/* The options of a driver, or (name NULL) the generic ones of its kind. */
struct exim_driver {
	const char *kind; /* "router", "transport", "authenticator" */
	const char *name;
	const struct exim_option *opts;
	size_t n;
};

#define EXIM_OPTION_TABLES
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
	/* the last physical line read for it: Exim's line in its errors */
	const struct bl_source *last_src;
	unsigned last;
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

/* lerror - an error in the logical line t, at its last physical line:
 * the line Exim names (its line count has reached it when it reads the
 * line as a whole) */
static void
lerror(struct reader *r, const struct text *t, const char *msg)
{
	error(r, t->last_src, t->last, msg);
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

/* include - push the file of an .include line, through the instance's
 * source provider (which refuses what is not a regular file: a FIFO, a
 * device) */
static void
include(struct reader *r, const struct bl_source *from, unsigned line,
	const char *arg, bool if_exists)
{
	struct bl_source *src;
	enum bl_source_kind kind;
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
		/* under --root when the repository holds the server's tree */
		path = bl_config_path(r->cfg, arg);
	}
	kind = bl_source_provider_kind(r->cfg->provider, path);
	/* Exim skips .include_if_exists when stat() fails, and only then */
	if (if_exists &&
	    (kind == BL_SOURCE_ABSENT || kind == BL_SOURCE_UNKNOWN)) {
		free(path);
		return;
	}
	/* an absolute include the repository does not hold (the server's
	 * /etc/exim4/...): unknown, not broken */
	if (arg[0] == '/' && kind == BL_SOURCE_ABSENT) {
		bl_config_unread(r->cfg, r->diags, from, line, arg);
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
	if (bl_source_provider_load(r->cfg->provider, &src, path, 0,
				    r->diags) < 0) {
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
		t->last_src = src;
		t->last = lineno;
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

/*
 * quote_error - readconf.c read_string() on the quoted value at d[k] of
 * a logical line n bytes long, for option or list NAME: Exim refuses a
 * quote that is not closed, and anything after the closing one (the line
 * is trimmed, so blanks never follow it)
 */
static void
quote_error(struct reader *r, const struct text *t, const char *d, size_t n,
	    size_t k, const char *name, size_t nlen)
{
	size_t q = k;
	char *m;

	for (k++; k < n && d[k] != '"'; k++)
		if (d[k] == '\\' && k + 1 < n)
			k++;
	/* Exim takes a last '"' for the closing one even when a backslash
	 * escapes it (read_string() tests s[-1]): "a\" is a" to it */
	if (k + 1 == n || (k >= n && n > q + 1 && d[n - 1] == '"'))
		return;
	m = bl_xasprintf("%s string value for %.*s: Exim refuses to start",
			 k >= n ? "missing quote at end of"
				: "extra characters follow",
			 (int)(nlen > 200 ? 200 : nlen), name);
	lerror(r, t, m);
	free(m);
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
		lerror(r, t,
		      "macro name too long (maximum is 63 characters): Exim "
		      "refuses to start");
		return;
	}
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (v >= n || d[v] != '=') {
		lerror(r, t,
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

		lerror(r, t, msg);
		free(msg);
	} else if (!redefine && old != NULL) {
		char *msg = bl_xasprintf("macro \"%s\" is already defined (use "
					 "== to redefine it)",
					 name);

		lerror(r, t, msg);
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

			lerror(r, t, msg);
			free(msg);
		} else {
			macro_add(r, name, value);
			return;
		}
	}
	free(name);
	free(value);
}

/* option_cmp - bsearch() order of the generated tables (C byte order) */
static int
option_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct exim_option *)elem)->name);
}

/* find_option - NAME in the table TAB of N entries, or NULL (borrowed) */
static const struct exim_option *
find_option(const struct exim_option *tab, size_t n, const char *name)
{
	if (tab == NULL || n == 0)
		return NULL;
	return bsearch(name, tab, n, sizeof(*tab), option_cmp);
}

/* driver_table - the options of driver NAME of KIND (NAME NULL: the
 * generic ones of the kind), or NULL when Exim's build has no such driver */
static const struct exim_driver *
driver_table(const char *kind, size_t klen, const char *name)
{
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(exim_drivers); i++) {
		const struct exim_driver *dr = &exim_drivers[i];

		if (strlen(dr->kind) != klen || strncmp(dr->kind, kind, klen) != 0)
			continue;
		if (name == NULL ? dr->name == NULL
				 : dr->name != NULL && strcmp(dr->name, name) == 0)
			return dr;
	}
	return NULL;
}

/*
 * lookup_option - the option KEY (as written, "no_" and "not_" included) of
 * SCOPE, whose driver so far is DRIVER ("" or NULL: not given yet), as
 * readconf_driver_init() finds it: the kind's generic options first, then
 * the driver's own. *off is the length of a negation prefix (Exim strips
 * it from any name before the lookup). NULL with *why set (an UNKNOWN_*):
 * Exim refuses the name; NULL with *why 0: bannerlint has no table to tell.
 */
enum { UNKNOWN_MAIN = 1, UNKNOWN_BEFORE_DRIVER, UNKNOWN_PRIVATE };

static const struct exim_option *
lookup_option(const char *scope, const char *driver, const char *key,
	      size_t *off, int *why)
{
	const struct exim_driver *gen, *own;
	const struct exim_option *o;
	const char *slash = strchr(scope, '/');

	*off = strncmp(key, "no_", 3) == 0	  ? 3
	       : strncmp(key, "not_", 4) == 0 ? 4
					      : 0;
	*why = 0;
	if (strcmp(scope, "main") == 0) {
		o = find_option(exim_opts_main, BL_ARRAY_LEN(exim_opts_main),
				key + *off);
		if (o == NULL)
			*why = UNKNOWN_MAIN;
		return o;
	}
	if (slash == NULL)
		return NULL;
	gen = driver_table(scope, (size_t)(slash - scope), NULL);
	if (gen == NULL)
		return NULL;
	o = find_option(gen->opts, gen->n, key + *off);
	if (o != NULL)
		return o;
	if (driver == NULL || *driver == '\0') {
		*why = UNKNOWN_BEFORE_DRIVER;
		return NULL;
	}
	own = driver_table(scope, (size_t)(slash - scope), driver);
	if (own == NULL)
		return NULL;
	o = find_option(own->opts, own->n, key + *off);
	if (o == NULL)
		*why = UNKNOWN_PRIVATE;
	return o;
}

/* is_digit, is_blank - the C locale's isdigit() and isspace() */
static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* c_int - what glibc's sscanf("%d") stores from s: strtol() cut to 32
 * bits; *end past the number (s when there is none) */
static int32_t
c_int(const char *s, const char **end)
{
	char *e;
	long long v;

	errno = 0;
	v = strtoll(s, &e, 10);
	*end = e;
	return (int32_t)(uint32_t)(unsigned long long)v;
}

/*
 * exim_time - readconf_readtime(s, terminator, FALSE): [<n>w][<n>d][<n>h]
 * [<n>m][<n>s] repeated, each number with its unit, up to TERMINATOR, in
 * Exim's int arithmetic (it wraps; a negative result is an error). The
 * seconds, or -1; *end is where the reading stopped.
 */
static int32_t
exim_time(const char *s, char terminator, const char **end)
{
	uint32_t yield = 0, value;

	for (;;) {
		if (!is_digit((unsigned char)*s))
			return -1;
		value = (uint32_t)c_int(s, &s);
		switch (*s) {
		case 'w':
			value *= 7;
			/* FALLTHROUGH */
		case 'd':
			value *= 24;
			/* FALLTHROUGH */
		case 'h':
			value *= 60;
			/* FALLTHROUGH */
		case 'm':
			value *= 60;
			/* FALLTHROUGH */
		case 's':
			s++;
			break;
		default:
			return -1;
		}
		yield += value;
		if (*s == terminator) {
			*end = s;
			return (int32_t)yield < 0 ? -1 : (int32_t)yield;
		}
	}
}

/* extra_chars - after a value read up to REST, blanks may follow; else
 * readconf.c's extra_chars_error() text ("extra characters follow WHAT",
 * WHAT a format) (caller frees); NULL when nothing follows */
static char *extra_chars(const char *rest, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static char *
extra_chars(const char *rest, const char *fmt, ...)
{
	struct bl_buf m;
	va_list ap;

	while (is_blank((unsigned char)*rest))
		rest++;
	if (*rest == '\0')
		return NULL;
	bl_buf_init(&m);
	bl_buf_adds(&m, "extra characters follow ");
	va_start(ap, fmt);
	bl_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	if (*rest == '#')
		bl_buf_adds(&m, " (# is comment only at line start)");
	return bl_buf_steal(&m);
}

/* check_int - opt_int/opt_mkint/opt_octint/opt_Kint values: strtol() in
 * BASE (0: C's 0x and 0 prefixes), one suffix multiplying by 1024 per
 * step (K M G T; with WIDE, 64 bits and P E Z too); NULL or what is wrong
 * (caller frees) */
static char *
check_int(const char *name, const char *v, int base, bool wide)
{
	static const char *const narrow_mp = "TtGgMmKk";
	static const char *const wide_mp = "ZzEePpTtGgMmKk";
	const char *inttype = base == 8 ? "octal " : "", *mp, *sfx;
	char *end;
	long long lv;
	bool range;
	size_t steps;

	errno = 0;
	lv = strtoll(v, &end, base);
	range = errno == ERANGE;
	if (end == v)
		return bl_xasprintf("%sinteger expected for %s", inttype, name);
	mp = wide ? wide_mp : narrow_mp;
	if (!range && *end != '\0' && (sfx = strchr(mp, *end)) != NULL) {
		end++;
		/* readconf.c's loops: the narrow one multiplies once for K,
		 * the wide one not at all (an opt_Kint value is held in K) */
		steps = (strlen(mp) - 1 - (size_t)(sfx - mp)) / 2 +
			(wide ? 0 : 1);
		while (steps-- > 0) {
			if (wide ? lv > LLONG_MAX / 1024 || lv < LLONG_MIN / 1024
				 : lv > INT32_MAX / 1024 || lv < INT32_MIN / 1024) {
				range = true;
				break;
			}
			lv *= 1024;
		}
	}
	if (range || (!wide && (lv > INT32_MAX || lv < INT32_MIN)))
		return bl_xasprintf("absolute value of integer \"%.100s\" is too "
				    "large (overflow)",
				    v);
	return extra_chars(end, "%sinteger value for %s", inttype, name);
}

/* check_bool - the text after "=" of a boolean: empty, or true, false,
 * yes or no in any case, read as readconf_readname() reads a word; NULL
 * or what is wrong (caller frees) */
static char *
check_bool(const char *name, const char *v)
{
	char word[64];
	size_t p = 0;

	if (*v == '\0')
		return NULL;
	while (is_blank((unsigned char)*v))
		v++;
	if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z'))
		for (; is_name((unsigned char)*v); v++)
			if (p < sizeof(word) - 1)
				word[p++] = *v;
	word[p] = '\0';
	if (strcasecmp(word, "true") != 0 && strcasecmp(word, "yes") != 0 &&
	    strcasecmp(word, "false") != 0 && strcasecmp(word, "no") != 0)
		return bl_xasprintf("\"%s\" is not a valid value for the \"%s\" "
				    "option (a boolean: true, false, yes or "
				    "no, unquoted)",
				    word, name);
	return extra_chars(v, "\"%s\" for boolean option %s", word, name);
}

/* check_fixed - opt_fixed: sscanf("%d"), optionally "." and digits; NULL
 * or what is wrong (caller frees). Exim 4.96 checks the integer for a sign
 * only: its check of the value times 1000 is compiled away. */
static char *
check_fixed(const char *name, const char *v)
{
	const char *end;
	int32_t value = c_int(v, &end);

	if (end == v)
		return bl_xasprintf("fixed-point number expected for %s", name);
	if (value < 0)
		return bl_xasprintf("integer \"%.100s\" is too large (overflow)",
				    v);
	if (*end == '.')
		for (end++; is_digit((unsigned char)*end); end++)
			;
	return extra_chars(end, "fixed-point value for %s", name);
}

/* check_timelist - opt_timelist: at most MAX increasing times separated
 * by colons (blanks around them allowed); NULL or what is wrong (caller
 * frees) */
static char *
check_timelist(const char *name, const char *v, unsigned max)
{
	const char *next, *ss, *end;
	int32_t value, last = 0;
	unsigned count = 0;

	if (*v != '\0')
		for (count = 1; count <= max; count++) {
			char terminator = '\0';

			next = strchr(v, ':');
			if (next != NULL) {
				for (ss = next; ss > v && is_blank((unsigned char)ss[-1]);
				     ss--)
					;
				terminator = *ss;
			}
			value = exim_time(v, terminator, &end);
			if (value < 0)
				return bl_xasprintf("invalid time value for %s",
						    name);
			if (count > 1 && value <= last)
				return bl_xasprintf("time value out of order "
						    "for %s",
						    name);
			last = value;
			if (next == NULL)
				break;
			for (v = next + 1; is_blank((unsigned char)*v); v++)
				;
		}
	if (count > max)
		return bl_xasprintf("too many time values for %s", name);
	return NULL;
}

/*
 * check_value - what readconf_handle_option() refuses in the value
 * V (the text after "=" and its blanks, after macro substitution, quotes
 * and all) of option NAME of TYPE, or NULL (caller frees). Values that
 * depend on the host (users, groups) and rewrite rules are not checked.
 */
static char *
check_value(const char *name, enum exim_type type, unsigned max,
	    const char *v)
{
	const char *end;

	switch (type) {
	case EXIM_T_EXPAND_BOOL:
		if (strchr(v, '$') != NULL)
			return NULL;
		return check_bool(name, v);
	case EXIM_T_BOOL:
		return check_bool(name, v);
	case EXIM_T_INT:
		return check_int(name, v, 0, false);
	case EXIM_T_OCTINT:
		return check_int(name, v, 8, false);
	case EXIM_T_KINT:
		return check_int(name, v, 0, true);
	case EXIM_T_FIXED:
		return check_fixed(name, v);
	case EXIM_T_TIME_EXPANDED:
		if (*v == '$')
			return NULL;
		/* FALLTHROUGH */
	case EXIM_T_TIME:
		if (exim_time(v, '\0', &end) < 0)
			return bl_xasprintf("invalid time value for %s (a time "
					    "such as 30s, 5m or 1h30m: each "
					    "number has a unit, w d h m or s)",
					    name);
		return NULL;
	case EXIM_T_TIMELIST:
		return check_timelist(name, v, max);
	default:
		return NULL;
	}
}

/* is_boolean - does an option of TYPE stand alone or take "no_"? */
static bool
is_boolean(unsigned type)
{
	return type == EXIM_T_BOOL || type == EXIM_T_EXPAND_BOOL;
}

/*
 * check_option - the setting S of SCOPE (whose driver so far is DRIVER)
 * as readconf_handle_option() reads it when it reaches the line: a name
 * of the section's or driver's table, a negation only on a boolean, "="
 * after any other, and a value of the option's type. V is the text after
 * "=" (NULL: no "="). Reports what Exim reports, at the setting's line.
 */
static unsigned setting_end_line(const struct bl_setting *s);

/* true_bool - does a boolean option's value (as written) set it? A bare
 * name has the value "" and means true (no_NAME and not_NAME are settings
 * of their own name, so no lookup of NAME finds them). */
static bool
true_bool(const char *v)
{
	return *v == '\0' || strcasecmp(v, "true") == 0 ||
	       strcasecmp(v, "yes") == 0;
}

/* templated - text of a rendered template holding a template expression:
 * only the template engine knows its value, so it is not judged */
static bool
templated(const struct bl_source *src, const char *text, size_t n)
{
	return src != NULL && src->template_kind != NULL && text != NULL &&
	       bl_template_in(text, n);
}

static void
check_option(struct reader *r, const struct bl_setting *s, const char *scope,
	     const char *driver, const char *v)
{
	const struct exim_option *o;
	const char *name = s->key;
	char *m = NULL;
	size_t off;
	int why;
	unsigned end;

	if (templated(s->src, name, strlen(name)) ||
	    (v != NULL && templated(s->src, v, strlen(v))))
		return;
	o = lookup_option(scope, driver, name, &off, &why);
	if (o == NULL && why != 0) {
		m = bl_xasprintf(
			"%s%soption \"%s\" unknown%s (Exim %s)%s",
			why == UNKNOWN_MAIN	       ? "main "
			: why == UNKNOWN_PRIVATE ? driver
						 : "",
			why == UNKNOWN_PRIVATE ? " " : "", name,
			why == UNKNOWN_BEFORE_DRIVER
				? " (\"driver\" must be specified before any "
				  "private options)"
				: "",
			EXIM_OPTIONS_VERSION,
			strcmp(name, "helo_data") == 0
				? "; the lmtp driver always sends LHLO "
				  "$primary_hostname, the smtp driver with "
				  "protocol = lmtp has helo_data"
				: "");
	} else if (o == NULL) {
		return;
	} else if (!is_boolean(o->type)) {
		if (off != 0)
			m = bl_xasprintf("negation prefix applied to a "
					 "non-boolean option (%s)",
					 name);
		else if (v == NULL)
			m = bl_xasprintf("unexpected end of line (data missing) "
					 "after %s",
					 name);
		else
			m = check_value(name, o->type, o->max, v);
	} else if (v != NULL && off != 0) {
		m = bl_xasprintf("extra characters follow boolean option %s",
				 name);
	} else if (v != NULL) {
		m = check_value(name, o->type, o->max, v);
	}
	if (m == NULL)
		return;
	/* a continued line: at its last physical line, as Exim names it */
	end = setting_end_line(s);
	bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, end,
		     end == s->line ? s->col : 0, "%s: Exim refuses to start",
		     m);
	free(m);
	r->status = -1;
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
		lerror(r, t, "missing \"=\" after the name of a "
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
		if (!ok)
			quote_error(r, t, d, n, k, strchr(name, ' ') + 1,
				    strlen(strchr(name, ' ') + 1));
	}
	h = hash_bytes(name, strlen(name));
	if (table_find(&r->lists, name, strlen(name), h, NULL) != NULL)
		lerror(r, t, "duplicate name for a named list: "
					  "Exim refuses to start");
	else
		table_add(&r->lists, bl_arena_strdup(&r->cfg->arena, name),
			  strlen(name), h);
	free(name);
	return true;
}

/* error_rule - an error in the logical line t of setting s that a rule
 * reports too: at the setting's key, or at the line Exim names when the
 * line is continued */
static void
error_rule(struct reader *r, const struct text *t, const struct bl_setting *s,
	   const char *rule, const char *msg)
{
	size_t n = r->diags->n;
	bool here = t->last_src == s->src && t->last == s->line;

	bl_diags_add(r->diags, BL_LEVEL_ERROR, t->last_src->path, t->last,
		     here ? s->col : 0, "%s", msg);
	/* past the per-file cap the diagnostic is only counted (and the
	 * last one in the list is the "... and N more" line) */
	if (r->diags->n == n + 1 && r->diags->v[n].line == t->last &&
	    r->diags->v[n].line != 0)
		r->diags->v[n].rule = rule;
	r->status = -1;
}

/* repeatable - may KEY be set more than once in SCOPE (whose driver so far
 * is DRIVER)? Exim lets the options flagged opt_rep_con (conditions,
 * and-ed) or opt_rep_str (strings, appended) in its tables accumulate
 * (router condition, headers_add, headers_remove, set; transport
 * headers_add, headers_remove in 4.96): EXIM_F_REPEAT. */
static bool
repeatable(const char *scope, const char *driver, const char *key)
{
	const struct exim_option *o;
	size_t off;
	int why;

	o = lookup_option(scope, driver, key, &off, &why);
	return o != NULL && (o->flags & EXIM_F_REPEAT) != 0;
}

/* canonical_offset - where the option's name starts in KEY: past "no_" or
 * "not_" when that names an option (Exim strips the prefix before it
 * looks the name up, so "no_x" after "x" is x set twice) */
static size_t
canonical_offset(const char *scope, const char *driver, const char *key)
{
	size_t off;
	int why;

	return lookup_option(scope, driver, key, &off, &why) != NULL ? off : 0;
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
	const char *drv;
	bool ok = true;

	if (starts_word(d, n, "hide"))
		for (k0 = 4; k0 < n && (d[k0] == ' ' || d[k0] == '\t'); k0++)
			;
	for (k = k0; k < n && (is_name((unsigned char)d[k]) || d[k] == '-');
	     k++)
		;
	if (k == k0) {
		/* "{{ name }} = {{ value }}": a setting only the template
		 * engine knows */
		if (!templated(t->src, d + k0, n - k0))
			lerror(r, t, "an option name is expected here");
		return NULL;
	}
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (v < n && d[v] != '=') {
		lerror(r, t, "\"=\" expected after the option "
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
			quote_error(r, t, d, e, v, d + k0, k - k0);
	} else {
		while (e > v && (d[e - 1] == ' ' || d[e - 1] == '\t'))
			e--;
		value = bl_xstrndup(d + v, e - v);
		vlen = e - v;
	}
	s = make_setting(r, t, scope, k0, k, v, e, value, vlen);
	free(value);
	/* checked as Exim reads the line: the driver is the one given so
	 * far (a private option before "driver" is an error) */
	drv = sc != NULL ? sc->role : NULL;
	if (sc == NULL || sc != r->dup) {
		char *text = k < n && v > k ? bl_xstrndup(d + v, e - v) : NULL;

		check_option(r, s, scope, drv, text);
		free(text);
	}
	/* Exim refuses an option set twice in the same place, except the
	 * few its tables let accumulate; "no_x" is x. The table keeps the
	 * last setting of each "scope\0key". */
	if (!repeatable(scope, drv, s->key) && (sc == NULL || sc != r->dup)) {
		bl_buf_reset(kb);
		bl_buf_adds(kb, scope);
		bl_buf_addc(kb, '\0');
		bl_buf_adds(kb, s->key + canonical_offset(scope, drv, s->key));
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
			error_rule(r, t, s, "duplicate-setting", m);
			free(m);
		} else {
			sl = table_add(&r->options,
				       bl_arena_strndup(&r->cfg->arena, kb->data,
							kb->len),
				       kb->len, h);
		}
		sl->val = (size_t)(uintptr_t)s;
	}
	if (sc != NULL)
		bl_scope_add_setting(r->cfg, sc, s);
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

	bl_exim_debian_plan(conf, r->cfg->provider, &plan, r->diags);
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
		if (bl_source_provider_load(r->cfg->provider, &s,
					    plan.paths[i], 0, r->diags) < 0) {
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
	if (r->depth > 0) {
		r->cfg->main_src = r->stack[r->depth - 1].src;
		/* Debian's files set the name through this macro */
		r->cfg->hostname_key = "MAIN_HARDCODE_PRIMARY_HOSTNAME";
		r->cfg->hostname_file = r->cfg->main_src->path;
	}
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
		lerror(r, t, m);
		free(m);
		snprintf(section, size, "unknown");
		return;
	}
	snprintf(section, size, "%s", section_names[i][1]);
	if (r->seen_section[i]) {
		m = bl_xasprintf("\"%s\" section is repeated in the "
				 "configuration file: Exim refuses to start",
				 section);
		lerror(r, t, m);
		free(m);
		/* one cause, one error: its lines are not read again */
		snprintf(section, size, "unknown");
		return;
	}
	r->seen_section[i] = true;
	if (strcmp(section, "local_scan") == 0) {
		/* readconf.c local_scan_init(), in an Exim built without
		 * LOCAL_SCAN_HAS_OPTIONS (Debian's): the section is refused
		 * at its "begin" line, empty or not */
		lerror(r, t, "local_scan() options not supported (this Exim, "
			     "as Debian builds it, has no LOCAL_SCAN_HAS_"
			     "OPTIONS): Exim refuses to start");
		snprintf(section, size, "unknown");
	}
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

		lerror(r, t, m);
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

		lerror(r, t, m);
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

	lerror(r, t, m);
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
	st->parent = acl; /* the ACL it belongs to */
	*stmt = st;
	/* "accept message = x" on the verb's line */
	for (w = strlen(acl_verbs[i]); w < n && (d[w] == ' ' || d[w] == '\t');
	     w++)
		;
	if (w < n)
		acl_condition(r, t, w, st);
}

/*
 * The retry and rewrite sections, as readconf.c reads them at start: Exim
 * refuses to start on the first malformed rule, at its line. A logical
 * line is NUL-terminated for Exim, so a byte at or past its end reads as
 * NUL here (at()); isspace, isgraph, isalnum are those of the C locale.
 */

/* at - byte k of d[0,n), NUL past the end */
static int
at(const char *d, size_t n, size_t k)
{
	return k < n ? (unsigned char)d[k] : 0;
}

static bool
c_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool
c_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
c_alnum(int c)
{
	return c_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
c_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* skip_space - past the C-locale white space from k */
static size_t
skip_space(const char *d, size_t n, size_t k)
{
	while (k < n && c_space((unsigned char)d[k]))
		k++;
	return k;
}

/*
 * ncmpic - Exim's strncmpic(d + k, w, len): case-blind, the text NUL past
 * its end; a negative len (Exim passes one for "auth" with no "_")
 * compares up to the first difference or both ends.
 */
static bool
ncmpic(const char *d, size_t n, size_t k, const char *w, long len)
{
	long i;

	for (i = 0; len < 0 || i < len; i++) {
		int a = c_lower(at(d, n, k + (size_t)i)), b = c_lower(
				 (unsigned char)w[i]);

		if (a != b)
			return false;
		if (a == 0)
			return true;
	}
	return true;
}

/* dequote_end - where string_dequote() stops reading the word or quoted
 * string at k (a backslash escapes the byte after it) */
static size_t
dequote_end(const char *d, size_t n, size_t k)
{
	if (k >= n || d[k] != '"') {
		while (k < n && !c_space((unsigned char)d[k]))
			k++;
		return k;
	}
	for (k++; k < n && d[k] != '"'; k++)
		if (d[k] == '\\' && k + 1 < n)
			k++;
	return k < n ? k + 1 : n;
}

/* read_digits - sscanf's "%d" at d[*k]: strtol's long (saturated), then
 * cut to 32 bits as glibc stores it in an int */
static uint32_t
read_digits(const char *d, size_t n, size_t *k)
{
	uint64_t v = 0;

	while (c_digit(at(d, n, *k))) {
		if (v <= (UINT64_C(0x7fffffffffffffff) - 9) / 10)
			v = v * 10 + (uint64_t)(d[*k] - '0');
		else
			v = UINT64_C(0x7fffffffffffffff);
		(*k)++;
	}
	return (uint32_t)v;
}

/*
 * read_time - readconf_readtime(s, terminator, FALSE): [<n>w][<n>d]...
 * units, at least one, each a number and a letter, ending at term; the
 * seconds in Exim's int arithmetic (wrapping, as its build does), -1 on
 * a syntax error
 */
static int32_t
read_time(const char *d, size_t n, size_t k, int term)
{
	uint32_t yield = 0, value;

	for (;;) {
		if (!c_digit(at(d, n, k)))
			return -1;
		value = read_digits(d, n, &k);
		switch (at(d, n, k)) {
		case 'w':
			value *= 7;
			/* FALLTHROUGH */
		case 'd':
			value *= 24;
			/* FALLTHROUGH */
		case 'h':
			value *= 60;
			/* FALLTHROUGH */
		case 'm':
			value *= 60;
			/* FALLTHROUGH */
		case 's':
			k++;
			break;
		default:
			return -1;
		}
		yield += value;
		if (at(d, n, k) == term)
			return (int32_t)yield;
	}
}

/* read_fixed - readconf_readfixed(): a number with up to three decimals
 * counted, times 1000, ending at term; -1 on a syntax error */
static int32_t
read_fixed(const char *d, size_t n, size_t k, int term)
{
	uint32_t yield, m = 100;

	if (!c_digit(at(d, n, k)))
		return -1;
	yield = read_digits(d, n, &k) * 1000u;
	if (at(d, n, k) == '.')
		while (c_digit(at(d, n, ++k))) {
			yield += (uint32_t)(d[k] - '0') * m;
			m /= 10;
		}
	return at(d, n, k) == term ? (int32_t)yield : -1;
}

/* retry_arg - readconf.c retry_arg(): ",value" at *k, a time (fixed
 * false) or a multiplier; *err set on a syntax error */
static int32_t
retry_arg(const char *d, size_t n, size_t *k, bool fixed, const char **err)
{
	size_t pp;
	int c;

	if (at(d, n, *k) != ',') {
		*err = "comma expected";
		return 0;
	}
	pp = skip_space(d, n, *k + 1);
	for (*k = pp; (c = at(d, n, *k)) != 0 && (c_alnum(c) || (fixed &&
							       c == '.'));
	     (*k)++)
		;
	if (c != 0 && !c_space(c) && c != ',' && c != ';') {
		*err = "comma or semicolon expected";
		return 0;
	}
	return fixed ? read_fixed(d, n, pp, c) : read_time(d, n, pp, c);
}

/*
 * retry_error - readconf_retry_error(): the error name d[pp, p) of a
 * retry rule (quota[_time], refused[_A|_MX], timeout[_A|_MX|_connect...],
 * mail_4xx, rcpt_4xx, data_4xx, auth_failed, lost_connection,
 * tls_required, or *), with Exim's prefix matching; the message Exim
 * dies with (in buf), or NULL
 */
static const char *
retry_error(const char *d, size_t n, size_t pp, size_t p, char *buf,
	    size_t size)
{
	static const char *const extras[] = {"A", "MX", "connect",
					     "connect_A", "connect_MX"};
	size_t q = pp, i;
	long len, xlen;

	while (q < p && d[q] != '_')
		q++;
	len = (long)(q - pp);
	xlen = (long)(p - q) - 1;
	if (len == 5 && ncmpic(d, n, pp, "quota", len)) {
		if (q != p && read_time(d, n, q + 1, at(d, n, p)) < 0)
			return "bad time value";
	} else if (len == 7 && ncmpic(d, n, pp, "refused", len)) {
		if (q != p && !ncmpic(d, n, q + 1, "MX", xlen) &&
		    !ncmpic(d, n, q + 1, "A", xlen))
			return "A or MX expected after \"refused\"";
	} else if (len == 7 && ncmpic(d, n, pp, "timeout", len)) {
		if (q == p)
			return NULL;
		for (i = 0; i < BL_ARRAY_LEN(extras); i++)
			if (ncmpic(d, n, q + 1, extras[i], xlen))
				return NULL;
		/* "timeout_dns": a logged warning, read as "timeout" */
		if (!ncmpic(d, n, q + 1, "DNS", xlen))
			return "\"A\", \"MX\", or \"connect\" expected after "
			       "\"timeout\"";
	} else if (ncmpic(d, n, pp, "mail_4", 6) ||
		   ncmpic(d, n, pp, "rcpt_4", 6) ||
		   ncmpic(d, n, pp, "data_4", 6)) {
		int a = at(d, n, pp + 6), b = at(d, n, pp + 7);
		bool bad = p != pp + 8;

		if (!bad && c_digit(a))
			bad = !c_digit(b) && b != 'x';
		else if (!bad)
			bad = a != 'x' || b != 'x';
		if (bad) {
			snprintf(buf, size,
				 "%.4s_4 must be followed by xx, dx, or dd, "
				 "where x is literal and d is any digit",
				 d + pp);
			return buf;
		}
	} else if (len == 4 && ncmpic(d, n, pp, "auth", len) &&
		   ncmpic(d, n, q + 1, "failed", xlen)) {
		return NULL;
	} else if (ncmpic(d, n, pp, "lost_connection", (long)(p - pp)) ||
		   ncmpic(d, n, pp, "tls_required", (long)(p - pp))) {
		return NULL;
	} else if (len != 1 || d[pp] != '*') {
		snprintf(buf, size, "unknown or malformed retry error \"%.*s\"",
			 (int)(p - pp > 200 ? 200 : p - pp), d + pp);
		return buf;
	}
	return NULL;
}

/* retry_rule - one line of the retry section, as readconf_retries():
 * pattern, error name, optional senders=list, F/G/H parameter sets */
static void
retry_rule(struct reader *r, const struct text *t)
{
	const char *d = t->b.data, *err = NULL;
	size_t n = t->b.len, k, pp;
	char buf[320], *m;
	int rule;
	int32_t timeout, p1 = 0, p2 = 0;

	if (templated(t->src, d, n))
		return;
	k = skip_space(d, n, dequote_end(d, n, 0));
	for (pp = k; k < n && (unsigned char)d[k] > ' ' &&
		     (unsigned char)d[k] < 0x7f;
	     k++)
		;
	if (k == pp) {
		err = "missing error type in retry rule";
		goto fail;
	}
	if ((err = retry_error(d, n, pp, k, buf, sizeof(buf))) != NULL)
		goto fail;
	k = skip_space(d, n, k);
	if (n - k >= 7 && memcmp(d + k, "senders", 7) == 0) {
		k = skip_space(d, n, k + 7);
		if (at(d, n, k) != '=') {
			err = "\"=\" expected after \"senders\" in retry rule";
			goto fail;
		}
		k = dequote_end(d, n, skip_space(d, n, k + 1));
	}
	for (k = skip_space(d, n, k); k < n;) {
		rule = c_lower((unsigned char)d[k++]);
		timeout = retry_arg(d, n, &k, false, &err);
		if (err != NULL)
			goto fail;
		if (rule == 'f' || rule == 'g' || rule == 'h')
			p1 = retry_arg(d, n, &k, false, &err);
		if (err == NULL && (rule == 'g' || rule == 'h'))
			p2 = retry_arg(d, n, &k, true, &err);
		if (err != NULL)
			goto fail;
		if (rule != 'f' && rule != 'g' && rule != 'h') {
			err = "unknown retry rule letter";
			goto fail;
		}
		if (timeout <= 0 || p1 <= 0 || (rule != 'f' && p2 < 1000)) {
			err = "bad parameters for retry rule";
			goto fail;
		}
		k = skip_space(d, n, k);
		if (k < n && d[k] == ';')
			k = skip_space(d, n, k + 1);
		else if (k < n) {
			err = "semicolon expected";
			goto fail;
		}
	}
	return;
fail:
	m = bl_xasprintf("%s%s: Exim refuses to start", err,
			 strstr(err, "retry") ? "" : " in retry rule");
	lerror(r, t, m);
	free(m);
}

/* rewrite_rule - one line of the rewrite section, as readconf.c
 * readconf_one_rewrite(): pattern, replacement, flag letters */
static void
rewrite_rule(struct reader *r, const struct text *t)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k, kl;
	char *key, *m;
	bool regex, ok;

	if (templated(t->src, d, n))
		return;
	k = dequote_end(d, n, 0);
	if (n > 0 && d[0] == '"') {
		key = unquote(d, k, &kl, &ok);
	} else {
		key = bl_xstrndup(d, k);
		kl = k;
	}
	regex = (kl > 0 && key[0] == '^') ||
		(kl >= 3 && memcmp(key, "\\N^", 3) == 0);
	free(key);
	k = skip_space(d, n, k);
	if (k >= n) {
		lerror(r, t, "missing rewrite replacement string: Exim refuses "
			     "to start");
		return;
	}
	for (k = dequote_end(d, n, k); k < n && d[k] != '\0'; k++) {
		if (d[k] == ' ' || d[k] == '\t' ||
		    strchr("qwhsftcbrEFTQR", d[k]) != NULL) {
			continue;
		} else if (d[k] == 'S') {
			if (regex)
				continue;
			lerror(r, t, "rewrite rule has the S flag but is not a "
				     "regular expression: Exim refuses to "
				     "start");
			return;
		}
		m = bl_xasprintf("unknown rewrite flag character '%c' (could "
				 "be missing quotes round replacement item): "
				 "Exim refuses to start",
				 d[k]);
		lerror(r, t, m);
		free(m);
		return;
	}
}

/*
 * What Exim checks once every driver is read (readconf_rest()), before it
 * starts: route.c route_init() resolves redirect_router and pass_router
 * by name, unexpanded (pass_router must name a later router); auths.c
 * auths_init() wants a public name for each authenticator and refuses two
 * servers, or two clients, with the same one (case-blind). A router's
 * transport, the *_transport options and ACL names are looked up only
 * when they are used (exim -bV accepts "transport = nosuch"): no error.
 * Exim names no line; the error is at the option, or the driver's
 * "name:" line when the option is unset.
 */

/* setting_end_line - the last line of a setting's logical line */
static unsigned
setting_end_line(const struct bl_setting *s)
{
	unsigned line, col;
	size_t off = s->stmt_off + (s->stmt_len ? s->stmt_len - 1 : 0);

	if (s->src == NULL || off >= s->src->len)
		return s->line;
	bl_source_position(s->src, off, &line, &col);
	return line < s->line ? s->line : line;
}

/* driver_error - an error at setting s of a driver, else at sc's line */
static void
driver_error(struct reader *r, const struct bl_scope *sc,
	     const struct bl_setting *s, const char *msg)
{
	if (s != NULL)
		bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path,
			     setting_end_line(s), 0, "%s", msg);
	else
		bl_diags_add(r->diags, BL_LEVEL_ERROR, sc->src->path, sc->line,
			     0, "%s", msg);
	r->status = -1;
}

/* check_router_refs - redirect_router and pass_router name routers that
 * exist (pass_router: one after this router) */
/*
 * check_router_transports - what route.c's route_init checks of every
 * router at start (the drivers' ri_yestransport / ri_notransport flags,
 * confirmed with exim -bV 4.96): accept, dnslookup and ipliteral need a
 * transport unless verify_only is set, redirect may not have one. Exim
 * names no line: the error is at the router's name line.
 */
static void
check_router_transports(struct reader *r)
{
	static const char *const need[] = {"accept", "dnslookup", "ipliteral"};
	const struct bl_config *cfg = r->cfg;
	const struct bl_setting *t, *vo;
	const struct bl_scope *sc;
	size_t i, k;
	char *m;

	for (i = 0; i < cfg->nscopes; i++) {
		sc = cfg->scopes[i];
		if (strncmp(sc->name, "router/", 7) != 0 || sc->role == NULL)
			continue;
		t = bl_scope_lookup(sc, "transport");
		if (t != NULL && templated(t->src, t->raw, t->raw_len))
			continue;
		m = NULL;
		if (strcmp(sc->role, "redirect") == 0 && t != NULL) {
			m = bl_xasprintf("%s router: a transport must not be "
					 "defined for this router: Exim "
					 "refuses to start",
					 sc->name + 7);
		} else if (t == NULL) {
			for (k = 0; k < BL_ARRAY_LEN(need); k++)
				if (strcmp(sc->role, need[k]) == 0)
					break;
			vo = bl_scope_lookup(sc, "verify_only");
			if (k < BL_ARRAY_LEN(need) &&
			    (vo == NULL || !true_bool(vo->raw)))
				m = bl_xasprintf(
				    "%s router: a transport is required for "
				    "this router (or set verify_only): Exim "
				    "refuses to start",
				    sc->name + 7);
		}
		if (m != NULL) {
			bl_diags_add(r->diags, BL_LEVEL_ERROR, sc->src->path,
				     sc->line, 0, "%s", m);
			r->status = -1;
			free(m);
		}
	}
}

static void
check_router_refs(struct reader *r)
{
	static const char *const refs[] = {"redirect_router", "pass_router"};
	const struct bl_config *cfg = r->cfg;
	const struct bl_scope *sc;
	const struct bl_setting *s;
	struct table order = {0};
	const struct slot *sl;
	struct bl_buf key;
	size_t i, j, nth = 0;
	char *m;

	for (i = 0; i < cfg->nscopes; i++) {
		sc = cfg->scopes[i];
		if (strncmp(sc->name, "router/", 7) != 0)
			continue;
		nth++;
		if (table_find(&order, sc->name, strlen(sc->name),
			       hash_bytes(sc->name, strlen(sc->name)),
			       NULL) == NULL)
			table_add(&order, sc->name, strlen(sc->name),
				  hash_bytes(sc->name, strlen(sc->name)))
				->val = nth;
	}
	bl_buf_init(&key);
	nth = 0;
	for (i = 0; i < cfg->nscopes; i++) {
		sc = cfg->scopes[i];
		if (strncmp(sc->name, "router/", 7) != 0)
			continue;
		nth++;
		for (j = 0; j < BL_ARRAY_LEN(refs); j++) {
			if ((s = bl_scope_lookup(sc, refs[j])) == NULL ||
			    templated(s->src, s->raw, s->raw_len))
				continue;
			bl_buf_reset(&key);
			bl_buf_printf(&key, "router/%s", s->raw);
			sl = table_find(&order, key.data, key.len,
					hash_bytes(key.data, key.len), NULL);
			if (sl != NULL && (j == 0 || sl->val > nth))
				continue;
			m = bl_xasprintf(
				"%s: new_router \"%.200s\" %s \"%s\" router%s: "
				"Exim refuses to start",
				refs[j], s->raw,
				sl == NULL ? "not found for"
					   : "does not follow",
				sc->name + 7,
				sl == NULL ? "" : " (pass_router names a later "
						  "router)");
			driver_error(r, sc, s, m);
			free(m);
		}
	}
	bl_buf_finish(&key);
	table_finish(&order);
	check_router_transports(r);
}

/*
 * The authenticator drivers of Debian's exim4-daemon-light (exim -bV
 * lists cram_md5, external, plaintext), as their init functions set
 * them up: the public name when public_name is unset (plaintext.c and
 * external.c take the instance name, cram_md5.c none), and the option
 * whose presence makes the instance a server or a client. Other drivers
 * are not known here: not checked.
 */
static const struct {
	const char *driver;
	bool name_default; /* the instance name */
	const char *server, *client;
} auth_drivers[] = {
	{"cram_md5", false, "server_secret", "client_secret"},
	{"external", true, "server_condition", "client_send"},
	{"plaintext", true, "server_condition", "client_send"},
};

/* check_auth_names - each authenticator has a public name, and no two
 * servers (or two clients) share one */
static void
check_auth_names(struct reader *r)
{
	const struct bl_config *cfg = r->cfg;
	const struct bl_scope *sc, *other;
	const struct bl_setting *pn, *opn;
	struct table seen = {0};
	struct slot *sl;
	struct bl_buf key;
	const char *name, *side;
	size_t i, j, k, len;
	char *m;
	uint64_t h;

	bl_buf_init(&key);
	for (i = 0; i < cfg->nscopes; i++) {
		sc = cfg->scopes[i];
		if (strncmp(sc->name, "authenticator/", 14) != 0 ||
		    sc->role == NULL)
			continue;
		for (j = 0; j < BL_ARRAY_LEN(auth_drivers); j++)
			if (strcmp(sc->role, auth_drivers[j].driver) == 0)
				break;
		if (j == BL_ARRAY_LEN(auth_drivers))
			continue;
		pn = bl_scope_lookup(sc, "public_name");
		name = pn != NULL ? pn->raw : sc->name + 14;
		if (pn == NULL && !auth_drivers[j].name_default) {
			m = bl_xasprintf("no public name specified for the %s "
					 "authenticator (the %s driver has no "
					 "default): Exim refuses to start",
					 sc->name + 14, sc->role);
			driver_error(r, sc, NULL, m);
			free(m);
			continue;
		}
		for (k = 0; k < 2; k++) {
			side = k == 0 ? "server" : "client";
			if (bl_scope_lookup(sc, k == 0 ? auth_drivers[j].server
						       : auth_drivers[j].client) ==
			    NULL)
				continue;
			bl_buf_reset(&key);
			bl_buf_adds(&key, side);
			bl_buf_addc(&key, '\0');
			for (len = 0; name[len] != '\0'; len++)
				bl_buf_addc(&key, (char)c_lower(
							  (unsigned char)name[len]));
			h = hash_bytes(key.data, key.len);
			sl = table_find(&seen, key.data, key.len, h, NULL);
			if (sl == NULL) {
				sl = table_add(&seen,
					       bl_arena_strndup(&r->cfg->arena,
								key.data,
								key.len),
					       key.len, h);
				sl->val = (size_t)(uintptr_t)sc;
				continue;
			}
			other = (const struct bl_scope *)(uintptr_t)sl->val;
			opn = bl_scope_lookup(other, "public_name");
			m = bl_xasprintf("two %s authenticators (%s and %s) have "
					 "the same public name (%.200s): Exim "
					 "refuses to start",
					 side, other->name + 14, sc->name + 14,
					 opn != NULL ? opn->raw
						     : other->name + 14);
			driver_error(r, sc, pn, m);
			free(m);
		}
	}
	bl_buf_finish(&key);
	table_finish(&seen);
}

/*
 * section_lost - is t a line that makes the rest of its section a
 * different configuration (reported here, once)? An "end" line closed a
 * section in Exim 3, which had no "begin" lines: its drivers follow it,
 * and read as Exim 4 options each would be an error of its own, every
 * "driver" after the first one set twice. A driver's "name:" line in the
 * main section is the same: a missing "begin". Exim stops at this line;
 * the lines up to the next "begin" are not read.
 */
static bool
section_lost(struct reader *r, const struct text *t, const char *section,
	     const struct bl_scope *sc)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k0, k, c;
	char *m, what[64];

	if (strcmp(section, "unknown") == 0 || strcmp(section, "acl") == 0)
		return false;
	if (n == 3 && memcmp(d, "end", 3) == 0) {
		snprintf(what, sizeof(what), "%s name missing",
			 instance_kind(section));
		m = bl_xasprintf(
			"%s: \"end\" closed a section in Exim 3, whose "
			"sections have no \"begin\" lines; Exim 4 starts each "
			"with \"begin NAME\" (the lines up to the next "
			"\"begin\" are not checked): Exim refuses to start",
			strcmp(section, "main") == 0
				? "main option \"end\" unknown"
			: strcmp(section, "retry") == 0
				? "missing error type in retry rule"
			: strcmp(section, "rewrite") == 0
				? "missing rewrite replacement string"
			: sc == NULL ? what
				     : "option \"end\" unknown");
		lerror(r, t, m);
		free(m);
		return true;
	}
	if (strcmp(section, "main") != 0)
		return false;
	k = read_name(d, n, 0, &k0);
	for (c = k; c < n && (d[c] == ' ' || d[c] == '\t'); c++)
		;
	if (k == k0 || k0 != 0 || c >= n || d[c] != ':')
		return false;
	/* an upper-case name ("LOGIN:") is a malformed macro definition to
	 * Exim, the same missing "begin" */
	m = bl_xasprintf("%s%.*s%s: \"%.*s:\" starts a driver, which needs a "
			 "\"begin routers\", \"begin transports\" or \"begin "
			 "authenticators\" line first (the lines up to the next "
			 "\"begin\" are not checked): Exim refuses to start",
			 is_upper((unsigned char)d[0]) ? "malformed macro "
							 "definition"
						       : "main option \"",
			 is_upper((unsigned char)d[0]) ? 0
						       : (int)(k > 64 ? 64 : k),
			 d, is_upper((unsigned char)d[0]) ? "" : "\" unknown",
			 (int)(k > 64 ? 64 : k), d);
	lerror(r, t, m);
	free(m);
	return true;
}

/* is_definition - does d[0,n) read "NAME =" (or "NAME ==")? */
static bool
is_definition(const char *d, size_t n)
{
	size_t k0, k = skip_space(d, n, read_name(d, n, 0, &k0));

	return k < n && d[k] == '=';
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
			sc = NULL;
			acl_stmt = NULL;
			r.orphan = false;
			begin_section(&r, &t, section, sizeof(section));
			continue;
		}
		if (section_lost(&r, &t, section, sc)) {
			/* one cause, one error: its section is not read on */
			sc = NULL;
			acl_stmt = NULL;
			snprintf(section, sizeof(section), "unknown");
			continue;
		}
		/* rules, not macros: Exim reads every line of these */
		if (strcmp(section, "retry") == 0) {
			retry_rule(&r, &t);
			continue;
		}
		if (strcmp(section, "rewrite") == 0) {
			rewrite_rule(&r, &t);
			continue;
		}
		if (strcmp(section, "main") == 0 ||
		    strcmp(section, "local_scan") == 0 ||
		    strcmp(section, "unknown") == 0) {
			/* an upper-case first letter is a macro definition
			 * here, with or without "=" */
			if (is_upper((unsigned char)d[0])) {
				/* a lost section's lines are not errors of
				 * their own: only its definitions count */
				if (strcmp(section, "unknown") == 0 &&
				    !is_definition(d, n))
					continue;
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
			sc = NULL;
			acl_stmt = NULL;
			if (macro_line(&r, &t))
				break;
			continue;
		}
		if (ne > nb0 && after < n && d[after] == ':') {
			sc = new_instance(&r, &t, section, nb0, ne, after + 1);
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

			lerror(&r, &t, m);
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
	if (!r.stopped) {
		check_router_refs(&r);
		check_auth_names(&r);
	}
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
	.template_braces = BL_TEMPLATE_DOLLAR_BRACES,
	.parse = parse,
	.resolve = bl_resolve_exim,
	.render_value = bl_exim_render,
	.value_text = bl_exim_value_text,
	.place_new = bl_exim_place_new,
	.host_ref = "$smtp_active_hostname",
	.duplicate_message = "'%m' is set more than once: Exim refuses to "
			     "start",
	.duplicate_level = BL_LEVEL_ERROR,
	.comments = bl_hash_comments,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sendmail_mc.c - sendmail.mc as m4 and sendmail-cf's cf.m4 see it, for the
 * greeting and the names.
 *
 * A small m4: names, quotes (changequote), comments (changecom), macro
 * calls with arguments expanded as they are collected and results rescanned,
 * $1..$9 $# $* $@ in bodies, and the builtins an .mc uses (define,
 * undefine, pushdef, popdef, defn, ifdef, ifelse, dnl, divert, include,
 * sinclude, changequote, changecom, index, len, substr, translit, incr,
 * decr, eval, shift, m4wrap, errprint). cf.m4 itself is modelled rather
 * than run: including it turns comments off (cfhead.m4's changecom) and
 * defines the default greeting; OSTYPE, DOMAIN and HACK read their file
 * from the sendmail-cf tree when there is one; LOCAL_CONFIG text is read
 * as sendmail.cf lines. An .mc that never includes cf.m4 is read as
 * "m4 cf.m4 FILE.mc" reads it, cf.m4 first. Included files and the tree's
 * are read through the instance's source provider (source.h), the tree
 * from cfg->sendmail_cf_dir when it is set (--sendmail-cf).
 *
 * The options are written by proto.m4 at the end of input (m4wrap), so the
 * last definition anywhere wins and its value is expanded again then: the
 * raw value of confSMTP_LOGIN_MSG is that expansion, the text the generated
 * "O SmtpGreetingMessage=" line carries. Every byte remembers the file and
 * offset it came from (by runs of consecutive bytes, so a byte costs about
 * one byte), so settings keep their spans through all of this.
 *
 * Numbers are GNU m4 1.4.19's: arguments read as strtol reads them and kept
 * in 32 bits, eval, incr and decr in 32-bit two's complement that wraps; its
 * messages are diagnostics at the line m4 names (the line being read when
 * the macro's name was), its "Warning:"s warnings, the rest errors.
 *
 * Input is hostile (DESIGN.md section 11). One macro's definition, one
 * call's arguments and one expansion hold at most BL_VALUE_MAX bytes, all
 * expansions together at most BL_WORK_MAX (a piece of text from elsewhere
 * counts its bookkeeping too); calls inside arguments, pending expansions
 * and includes, and eval's parentheses nest at most BL_DEPTH_MAX deep;
 * expansions call at most MAX_CALLS macros. Reaching a limit is an error at
 * the call concerned and reading stops, as m4 stops when its stack or memory
 * runs out: no sendmail.cf is read from the file. Macros are found by hash;
 * a definition stays alive while a call or the end-of-input expansion uses
 * it, whatever the expansion defines meanwhile.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "resolve.h"
#include "sendmail.h"
#include "util.h"

/* calls made by expansions: a runaway ends here (cf.m4 on a real .mc
 * makes a few thousand; each costs about 100 ns in a release build and
 * a hundred times that under the fuzzers' sanitizers) */
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define MAX_CALLS 250000u
#else
#define MAX_CALLS 25000u /* -Dfuzz=true: as BL_WORK_MAX in util.h */
#endif
/* LOCAL_CONFIG goes to the cf reader in pieces of whole lines this big */
#define LOCAL_CONFIG_CHUNK (2u * 1024)
#define ARGS_KEEP 16	/* argument slots kept from one call to the next */
#define ARG_KEEP 1024	/* ... holding at most this much memory each */
#define SPARE_KEEP 4096 /* texts kept for reuse hold at most this much */

/* The cf variables that make a greeting or a name. */
static const char *const watched[] = {"confSMTP_LOGIN_MSG", "confDOMAIN_NAME",
				      "confHELO_NAME"};

/* -------------------------------------------------------------- text -- */

/* Bytes from at on (to the next run) came from src at off on, in order; src
 * NULL: made up (a builtin's result, a default). */
struct run {
	size_t at;
	const struct bl_source *src;
	size_t off;
};

/* Text that knows where its bytes came from, NUL-terminated. */
struct mtext {
	char *s; /* NULL while nothing was ever added */
	size_t len, cap;
	struct run *r;
	size_t nr, rcap;
};

/* mt_str - the bytes as a C string (borrowed) */
static const char *
mt_str(const struct mtext *t)
{
	return t->s != NULL ? t->s : "";
}

static void
mt_init(struct mtext *t)
{
	memset(t, 0, sizeof(*t));
}

static void
mt_finish(struct mtext *t)
{
	free(t->s);
	free(t->r);
	memset(t, 0, sizeof(*t));
}

/* mt_reset - empty, the memory kept */
static void
mt_reset(struct mtext *t)
{
	t->len = 0;
	t->nr = 0;
	if (t->s != NULL)
		t->s[0] = '\0';
}

/* mt_reserve - room for n more bytes and the NUL */
static void
mt_reserve(struct mtext *t, size_t n)
{
	size_t need = t->len + n + 1, cap = t->cap < 16 ? 16 : t->cap;

	if (need <= t->cap)
		return;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	t->s = bl_xrealloc(t->s, cap);
	t->cap = cap;
}

/* mt_mark - the bytes added next come from src at off */
static void
mt_mark(struct mtext *t, const struct bl_source *src, size_t off)
{
	struct run *l = t->nr > 0 ? &t->r[t->nr - 1] : NULL;

	if (l != NULL && l->src == src &&
	    (src == NULL || l->off + (t->len - l->at) == off))
		return; /* they continue the last run */
	if (l != NULL && l->at == t->len) {
		l->src = src; /* the last run is still empty */
		l->off = off;
		return;
	}
	if (t->nr == t->rcap) {
		t->rcap = t->rcap ? t->rcap * 2 : 1;
		t->r = bl_xreallocarray(t->r, t->rcap, sizeof(*t->r));
	}
	t->r[t->nr].at = t->len;
	t->r[t->nr].src = src;
	t->r[t->nr].off = off;
	t->nr++;
}

/* mt_add - append n bytes of s that came from src at off (src NULL: made
 * up) */
static void
mt_add(struct mtext *t, const char *s, size_t n, const struct bl_source *src,
       size_t off)
{
	if (n == 0)
		return;
	mt_reserve(t, n);
	mt_mark(t, src, src != NULL ? off : 0);
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

/* mt_adds - append a made-up string */
static void
mt_adds(struct mtext *t, const char *s)
{
	mt_add(t, s, strlen(s), NULL, 0);
}

/* mt_run_at - the run that holds byte i (t holds it); hint: a guess */
static size_t
mt_run_at(const struct mtext *t, size_t i, size_t hint)
{
	size_t lo = 0, hi = t->nr, mid, k;

	for (k = hint; k < t->nr && k <= hint + 1; k++)
		if (t->r[k].at <= i && (k + 1 == t->nr || t->r[k + 1].at > i))
			return k;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->r[mid].at <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* mt_where - where byte i of t came from (src NULL: made up) */
static void
mt_where(const struct mtext *t, size_t i, size_t *hint,
	 const struct bl_source **src, size_t *off)
{
	size_t k;

	if (t->nr == 0) {
		*src = NULL;
		*off = 0;
		return;
	}
	k = mt_run_at(t, i, hint != NULL ? *hint : 0);
	if (hint != NULL)
		*hint = k;
	*src = t->r[k].src;
	*off = *src != NULL ? t->r[k].off + (i - t->r[k].at) : 0;
}

/* mt_append - append o[from, from + n), provenance too (o is not t) */
static void
mt_append(struct mtext *t, const struct mtext *o, size_t from, size_t n)
{
	size_t end = from + n, k, stop;

	if (n == 0)
		return;
	mt_reserve(t, n);
	for (k = mt_run_at(o, from, 0); from < end; k++) {
		const struct run *r = &o->r[k];

		stop = k + 1 < o->nr ? o->r[k + 1].at : o->len;
		if (stop > end)
			stop = end;
		mt_mark(t, r->src,
			r->src != NULL ? r->off + (from - r->at) : 0);
		memcpy(t->s + t->len, o->s + from, stop - from);
		t->len += stop - from;
		from = stop;
	}
	t->s[t->len] = '\0';
}

/* mt_to_sm - append o[from, from + n) to a per-byte text */
static void
mt_to_sm(struct bl_sendmail_text *out, const struct mtext *o, size_t from,
	 size_t n)
{
	size_t end = from + n, k, stop;

	if (n == 0)
		return;
	for (k = mt_run_at(o, from, 0); from < end; k++) {
		const struct run *r = &o->r[k];

		stop = k + 1 < o->nr ? o->r[k + 1].at : o->len;
		if (stop > end)
			stop = end;
		bl_sendmail_text_add(out, o->s + from, stop - from, r->src,
				     r->src != NULL ? r->off + (from - r->at)
						    : 0);
		from = stop;
	}
}

/* ------------------------------------------------------------- names -- */

/* A name and what it stands for, in a chained hash table. */
struct entry {
	struct entry *next;
	void *val; /* a macro's struct def on top (NULL: undefined); an
		    * include's struct bl_source */
	size_t len;
	char name[];
};

struct table {
	struct entry **b;
	size_t nb, n;
};

static size_t
hash_name(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

/* table_find - the entry for name, or NULL (borrowed) */
static struct entry *
table_find(const struct table *t, const char *name, size_t n)
{
	struct entry *e;

	if (t->nb == 0)
		return NULL;
	for (e = t->b[hash_name(name, n) & (t->nb - 1)]; e != NULL; e = e->next)
		if (e->len == n && memcmp(e->name, name, n) == 0)
			return e;
	return NULL;
}

/* table_add - a new entry for name (not in t yet), val NULL, in arena */
static struct entry *
table_add(struct table *t, struct bl_arena *arena, const char *name, size_t n)
{
	struct entry *e, *nx, **b;
	size_t i, h, nb;

	if (t->n >= t->nb) {
		nb = t->nb ? t->nb * 2 : 64;
		b = bl_xcalloc(nb, sizeof(*b));
		for (i = 0; i < t->nb; i++)
			for (e = t->b[i]; e != NULL; e = nx) {
				nx = e->next;
				h = hash_name(e->name, e->len) & (nb - 1);
				e->next = b[h];
				b[h] = e;
			}
		free(t->b);
		t->b = b;
		t->nb = nb;
	}
	e = bl_arena_alloc(arena, sizeof(*e) + n + 1);
	e->len = n;
	memcpy(e->name, name, n);
	e->name[n] = '\0';
	h = hash_name(name, n) & (t->nb - 1);
	e->next = t->b[h];
	t->b[h] = e;
	t->n++;
	return e;
}

/* ------------------------------------------------------------ macros -- */

/* A read-only text in the m4's arena and the room it has there. */
struct ftext {
	struct mtext t;	    /* cap 0: never grown or freed */
	size_t room, rroom; /* bytes and runs it may hold */
};

/* A definition. It and its texts live in the m4's arena; a definition no
 * longer used goes to a free list, and the next one reuses its room. */
struct def {
	struct ftext body;
	const struct bl_source *src; /* where the define call was read */
	size_t off;
	struct ftext *name; /* the name argument (watched names; else NULL or
			     * empty) */
	bool from_cf_tree;  /* defined by an OSTYPE/DOMAIN/HACK file */
	bool used;	    /* expanded, or taken by defn, since defined */
	bool blind;	    /* a builtin that needs its parentheses */
	int builtin;	    /* > 0: a builtin, its number */
	unsigned refs;	    /* its macro's stack, and every use under way */
	unsigned long seq;  /* when it was made (m4->nseq) */
	struct def *below;  /* pushdef stack; the free list */
};

struct frame {
	const char *data; /* the bytes read: the file's or the text's */
	size_t len, pos;
	const struct bl_source *src; /* a file's frame; NULL: an expansion */
	struct mtext text;	     /* an expansion's own copy */
	size_t hint;		     /* run of text last looked at */
	bool from_cf_tree;
};

/* A call's arguments, $0 first. The memory stays for the next call at the
 * same depth (within bounds: ARGS_KEEP slots of ARG_KEEP bytes). */
struct args {
	struct mtext *v;
	size_t n, cap;	  /* cap: slots allocated, every one a valid text */
	size_t bytes;	  /* all of them together, a byte per separator */
	struct mtext tok; /* the token collect_args reads */
};

struct m4 {
	struct bl_config *cfg;
	struct bl_diags *diags;
	struct frame *stack;
	size_t depth, stack_cap;
	struct table macros;
	struct table includes; /* files read so far, by full path */
	struct bl_arena arena; /* names, definitions and their texts */
	struct def *free_defs;
	char lq[8], rq[8], bc[8], ec[8];
	int32_t divert;
	bool cf_loaded;
	char *cf_dir;
	unsigned long nseq; /* definitions made so far */
	/* an absolute include was not here: definitions up to unread_seq
	 * may have been replaced by it */
	bool unread;
	unsigned long unread_seq;
	struct mtext local_config; /* diversion 6: LOCAL_CONFIG */
	struct mtext body;	   /* diversion 0: cf text before proto.m4's */
	struct mtext wrap;	   /* m4wrap text */
	unsigned long calls;	   /* calls made by expanded text */
	size_t work;		   /* bytes of expansion pushed */
	size_t nesting;		   /* calls collecting their arguments */
	struct args *pool;	   /* the arguments of the call at each depth */
	struct mtext spare[32];	   /* finished texts, their memory kept */
	size_t nspare;
	int status;
	const struct bl_source *main;
	/* the call of the macro running: where m4 would say it is, its name */
	const struct bl_source *call_src;
	size_t call_off;
	const char *call_name;
	/* the last byte read from a file: where m4 is in its input */
	const struct bl_source *last_src;
	size_t last_off;
	/* the token just read: from a file (then tok_src, tok_off), or from
	 * an expansion */
	bool tok_file;
	const struct bl_source *tok_src;
	size_t tok_off;
	const char *final_name; /* the option whose value is being expanded */
	bool in_hash_line;	/* reading a "#" line with comments off */
	const struct bl_source *hash_src;
	size_t hash_off;
	bool hash_reported;
	bool warned_no_tree;
	bool fatal; /* m4 stops: no sendmail.cf is written */
};

enum builtin {
	B_NONE,
	B_DEFINE,
	B_UNDEFINE,
	B_PUSHDEF,
	B_POPDEF,
	B_DEFN,
	B_IFDEF,
	B_IFELSE,
	B_DNL,
	B_DIVERT,
	B_INCLUDE,
	B_SINCLUDE,
	B_CHANGEQUOTE,
	B_CHANGECOM,
	B_INDEX,
	B_LEN,
	B_SUBSTR,
	B_TRANSLIT,
	B_INCR,
	B_DECR,
	B_EVAL,
	B_SHIFT,
	B_M4WRAP,
	B_ERRPRINT,
	B_IGNORE, /* syscmd, esyscmd, VERSIONID, ... : nothing */
	/* cf.m4 */
	B_OSTYPE,
	B_DOMAIN,
	B_HACK,
	B_FEATURE,
	B_LOCAL_CONFIG,
	B_SECTION, /* LOCAL_RULE_n, MAILER_DEFINITIONS, ...: leaves LOCAL_CONFIG
		    */
};

static const struct {
	const char *name;
	enum builtin b;
	bool cf;    /* defined only once cf.m4 is in */
	bool blind; /* m4 recognises it only with "(" after it */
} builtins[] = {
    {"define", B_DEFINE, false, true},
    {"undefine", B_UNDEFINE, false, true},
    {"pushdef", B_PUSHDEF, false, true},
    {"popdef", B_POPDEF, false, true},
    {"defn", B_DEFN, false, true},
    {"ifdef", B_IFDEF, false, true},
    {"ifelse", B_IFELSE, false, true},
    {"dnl", B_DNL, false, false},
    {"divert", B_DIVERT, false, false},
    {"include", B_INCLUDE, false, true},
    {"sinclude", B_SINCLUDE, false, true},
    {"changequote", B_CHANGEQUOTE, false, false},
    {"changecom", B_CHANGECOM, false, false},
    {"index", B_INDEX, false, true},
    {"len", B_LEN, false, true},
    {"substr", B_SUBSTR, false, true},
    {"translit", B_TRANSLIT, false, true},
    {"incr", B_INCR, false, true},
    {"decr", B_DECR, false, true},
    {"eval", B_EVAL, false, true},
    {"shift", B_SHIFT, false, true},
    {"m4wrap", B_M4WRAP, false, true},
    {"errprint", B_ERRPRINT, false, true},
    {"syscmd", B_IGNORE, false, true},
    {"esyscmd", B_IGNORE, false, true},
    {"VERSIONID", B_IGNORE, true, false},
    {"OSTYPE", B_OSTYPE, true, false},
    {"DOMAIN", B_DOMAIN, true, false},
    {"HACK", B_HACK, true, false},
    {"FEATURE", B_FEATURE, true, false},
    {"MAILER", B_FEATURE, true, false},
    {"LOCAL_CONFIG", B_LOCAL_CONFIG, true, false},
    {"LOCAL_RULE_0", B_SECTION, true, false},
    {"LOCAL_RULE_1", B_SECTION, true, false},
    {"LOCAL_RULE_2", B_SECTION, true, false},
    {"LOCAL_RULE_3", B_SECTION, true, false},
    {"LOCAL_RULESETS", B_SECTION, true, false},
    {"LOCAL_NET_CONFIG", B_SECTION, true, false},
    {"LOCAL_SRV_FEATURES", B_SECTION, true, false},
    {"LOCAL_TRY_TLS", B_SECTION, true, false},
    {"LOCAL_STARTTLS_CLIENT", B_SECTION, true, false},
    {"MAILER_DEFINITIONS", B_SECTION, true, false},
    {"DAEMON_OPTIONS", B_IGNORE, true, false},
    {"CLIENT_OPTIONS", B_IGNORE, true, false},
    {"MODIFY_MAILER_FLAGS", B_IGNORE, true, false},
    {"LOCAL_DOMAIN", B_IGNORE, true, false},
    {"EXPOSED_USER", B_IGNORE, true, false},
    {"MASQUERADE_AS", B_IGNORE, true, false},
    {"MASQUERADE_DOMAIN", B_IGNORE, true, false},
    {"RELAY_DOMAIN", B_IGNORE, true, false},
};

/* The default greeting cfhead.m4 defines. */
static const char cfhead_greeting[] = "$j Sendmail $v/$Z; $b";

static struct def *
def_new(struct m4 *m)
{
	struct def *d = m->free_defs;
	struct ftext body, *name;

	if (d != NULL) {
		m->free_defs = d->below;
		body = d->body;
		name = d->name;
		memset(d, 0, sizeof(*d));
		d->body = body;
		d->body.t.len = d->body.t.nr = 0;
		d->name = name;
		if (name != NULL)
			name->t.len = name->t.nr = 0;
	} else {
		d = bl_arena_alloc(&m->arena, sizeof(*d));
	}
	d->refs = 1;
	d->seq = ++m->nseq;
	return d;
}

/* def_unref - one user fewer; the last one frees it (below stays) */
static void
def_unref(struct m4 *m, struct def *d)
{
	if (d == NULL || --d->refs > 0)
		return;
	d->below = m->free_defs;
	m->free_defs = d;
}

/* freeze - f holds a copy of t (in its room when it fits, else in new room
 * from the arena) */
static void
freeze(struct m4 *m, struct ftext *f, const struct mtext *t)
{
	if (t->len + 1 > f->room) {
		f->room = t->len + 1 < 16 ? 16 : t->len + 1;
		f->t.s = bl_arena_alloc(&m->arena, f->room);
	}
	if (t->nr > f->rroom) {
		f->rroom = t->nr;
		f->t.r = bl_arena_alloc(&m->arena, t->nr * sizeof(*t->r));
	}
	memcpy(f->t.s, mt_str(t), t->len + 1);
	if (t->nr > 0)
		memcpy(f->t.r, t->r, t->nr * sizeof(*t->r));
	f->t.len = t->len;
	f->t.nr = t->nr;
}

/* freeze_str - f holds a made-up text */
static void
freeze_str(struct m4 *m, struct ftext *f, const char *s)
{
	struct mtext t;

	mt_init(&t);
	mt_adds(&t, s);
	freeze(m, f, &t);
	mt_finish(&t);
}

/* def_top - a macro's definition on top, or NULL (borrowed) */
static struct def *
def_top(const struct entry *e)
{
	return e != NULL ? e->val : NULL;
}

/* lookup - the macro called name if it is defined, else NULL */
static struct entry *
lookup(const struct m4 *m, const char *name, size_t n)
{
	struct entry *e = table_find(&m->macros, name, n);

	return def_top(e) != NULL ? e : NULL;
}

/* slot - the macro called name, defined or not */
static struct entry *
slot(struct m4 *m, const char *name, size_t n)
{
	struct entry *e = table_find(&m->macros, name, n);

	return e != NULL ? e : table_add(&m->macros, &m->arena, name, n);
}

/* set_top - d replaces the definition on top, as define does */
static void
set_top(struct m4 *m, struct entry *e, struct def *d)
{
	struct def *old = e->val;

	if (old != NULL) {
		d->below = old->below;
		old->below = NULL;
		def_unref(m, old);
	}
	e->val = d;
}

/* undefine_all - every definition of the macro goes */
static void
undefine_all(struct m4 *m, struct entry *e)
{
	struct def *d = e->val, *b;

	for (; d != NULL; d = b) {
		b = d->below;
		d->below = NULL;
		def_unref(m, d);
	}
	e->val = NULL;
}

static void
set_builtin(struct m4 *m, const char *name, enum builtin b, bool blind)
{
	struct def *d = def_new(m);

	d->builtin = (int)b;
	d->blind = blind;
	set_top(m, slot(m, name, strlen(name)), d);
}

static bool
is_watched(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(watched); i++)
		if (strlen(watched[i]) == n && memcmp(watched[i], name, n) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------- diagnostics -- */

static void m4_vdiag(struct m4 *m, enum bl_level level,
		     const struct bl_source *src, size_t off, const char *fmt,
		     va_list ap) __attribute__((format(printf, 5, 0)));
static void
m4_vdiag(struct m4 *m, enum bl_level level, const struct bl_source *src,
	 size_t off, const char *fmt, va_list ap)
{
	unsigned line = 0, col = 0;
	struct bl_buf b;

	if (src != NULL)
		bl_source_position(src, off, &line, &col);
	bl_buf_init(&b);
	bl_buf_vprintf(&b, fmt, ap);
	if (m->final_name != NULL)
		bl_buf_printf(&b,
			      " (in the value of %s, expanded again when "
			      "proto.m4 writes it)",
			      m->final_name);
	bl_diags_add(m->diags, level, src != NULL ? src->path : m->main->path,
		     line, col, "%s", b.data);
	bl_buf_finish(&b);
	if (level == BL_LEVEL_ERROR)
		m->status = -1;
}

/* m4_error - an error at src:off (src NULL: the main file) */
static void m4_error(struct m4 *m, const struct bl_source *src, size_t off,
		     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void
m4_error(struct m4 *m, const struct bl_source *src, size_t off, const char *fmt,
	 ...)
{
	va_list ap;

	va_start(ap, fmt);
	m4_vdiag(m, BL_LEVEL_ERROR, src, off, fmt, ap);
	va_end(ap);
}

/* call_diag - a diagnostic at the call of the macro running */
static void call_diag(struct m4 *m, enum bl_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
call_diag(struct m4 *m, enum bl_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	m4_vdiag(m, level, m->call_src, m->call_off, fmt, ap);
	va_end(ap);
}

/* limit - a limit on hostile input is reached at the call running: an
 * error, and reading stops */
static void limit(struct m4 *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
limit(struct m4 *m, const char *fmt, ...)
{
	va_list ap;

	if (m->fatal)
		return;
	va_start(ap, fmt);
	m4_vdiag(m, BL_LEVEL_ERROR, m->call_src, m->call_off, fmt, ap);
	va_end(ap);
	m->fatal = true;
}

/* ------------------------------------------------------------- input -- */

/* spare_get - an empty text, with memory a finished one left if there is */
static void
spare_get(struct m4 *m, struct mtext *t)
{
	if (m->nspare == 0) {
		mt_init(t);
		return;
	}
	*t = m->spare[--m->nspare];
	mt_reset(t);
}

/* spare_put - t is done with: its memory is kept for spare_get when small */
static void
spare_put(struct m4 *m, struct mtext *t)
{
	if (t->cap == 0 || t->cap > SPARE_KEEP ||
	    m->nspare == BL_ARRAY_LEN(m->spare)) {
		mt_finish(t);
		return;
	}
	m->spare[m->nspare++] = *t;
	mt_init(t);
}

static void
pop(struct m4 *m)
{
	spare_put(m, &m->stack[m->depth - 1].text);
	m->depth--;
}

/* push_frame - a new frame on top, or NULL when frames nest too deep */
static struct frame *
push_frame(struct m4 *m)
{
	struct frame *f;

	/* an expansion read to its end is done with: a call at the end of
	 * an expansion (a tail call) does not pile frames up */
	while (m->depth > 0 && m->stack[m->depth - 1].src == NULL &&
	       m->stack[m->depth - 1].pos >= m->stack[m->depth - 1].len)
		pop(m);
	if (m->depth >= BL_DEPTH_MAX)
		return NULL;
	if (m->depth == m->stack_cap) {
		m->stack_cap = m->stack_cap ? m->stack_cap * 2 : 16;
		m->stack =
		    bl_xreallocarray(m->stack, m->stack_cap, sizeof(*m->stack));
	}
	f = &m->stack[m->depth++];
	memset(f, 0, sizeof(*f));
	mt_init(&f->text);
	f->from_cf_tree = m->depth > 1 && m->stack[m->depth - 2].from_cf_tree;
	return f;
}

/* push_move - read t next (the frame takes its bytes; t is left empty) */
static void
push_move(struct m4 *m, struct mtext *t)
{
	struct frame *f;
	size_t cost;

	if (t->len == 0 || m->fatal)
		return;
	if (t->len > BL_VALUE_MAX) {
		limit(m,
		      "m4: the expansion of `%s' is larger than %u KiB (an "
		      "expansion bomb?): bannerlint stops reading here",
		      m->call_name, BL_VALUE_MAX / 1024);
		return;
	}
	/* a piece of different origin costs its bookkeeping too: text
	 * pieced together from many places cannot grow memory unchecked */
	cost = t->len + t->nr * sizeof(*t->r);
	if (cost > BL_WORK_MAX - m->work) {
		limit(m,
		      "m4: the expansions make more than %u MiB of text in all "
		      "(an expansion bomb?): bannerlint stops reading here",
		      BL_WORK_MAX / (1024 * 1024));
		return;
	}
	m->work += cost;
	f = push_frame(m);
	if (f == NULL) {
		limit(m,
		      "m4: expansions nested more than %d deep (a recursive "
		      "macro?): bannerlint stops reading here",
		      BL_DEPTH_MAX);
		return;
	}
	f->text = *t;
	mt_init(t);
	f->data = f->text.s;
	f->len = f->text.len;
}

/* push_text - read a copy of t[from, from + n) next */
static void
push_text(struct m4 *m, const struct mtext *t, size_t from, size_t n)
{
	struct mtext c;

	spare_get(m, &c);
	mt_append(&c, t, from, n);
	push_move(m, &c);
	spare_put(m, &c);
}

static void
push_str(struct m4 *m, const char *s)
{
	struct mtext t;

	spare_get(m, &t);
	mt_adds(&t, s);
	push_move(m, &t);
	spare_put(m, &t);
}

/* push_file - read src next */
static bool
push_file(struct m4 *m, const struct bl_source *src, bool cf_tree)
{
	struct frame *f = push_frame(m);

	if (f == NULL)
		return false;
	f->src = src;
	f->data = src->data;
	f->len = src->len;
	f->from_cf_tree = cf_tree;
	return true;
}

/* avail - the frame the next byte comes from, finished frames dropped
 * (the bottom file stays); NULL at the end of all input */
static struct frame *
avail(struct m4 *m)
{
	while (m->depth > 0) {
		struct frame *f = &m->stack[m->depth - 1];

		if (f->pos < f->len)
			return f;
		if (f->src != NULL && m->depth == 1)
			return NULL;
		pop(m);
	}
	return NULL;
}

/* where - where byte i of frame f came from */
static void
where(struct frame *f, size_t i, const struct bl_source **src, size_t *off)
{
	if (f->src != NULL) {
		*src = f->src;
		*off = i;
		return;
	}
	mt_where(&f->text, i, &f->hint, src, off);
}

/* take - n bytes of frame f (it has them) into t, or dropped (t NULL) */
static void
take(struct m4 *m, struct frame *f, size_t n, struct mtext *t)
{
	if (t != NULL) {
		if (f->src != NULL)
			mt_add(t, f->data + f->pos, n, f->src, f->pos);
		else
			mt_append(t, &f->text, f->pos, n);
	}
	f->pos += n;
	if (f->src != NULL) {
		m->last_src = f->src;
		m->last_off = f->pos - 1;
	}
}

/* move - the next n bytes, across frames, into t (or dropped) */
static void
move(struct m4 *m, size_t n, struct mtext *t)
{
	struct frame *f;

	while (n-- > 0 && (f = avail(m)) != NULL)
		take(m, f, 1, t);
}

/* The byte k ahead, without taking it: -1 at the end of input. m4 does not
 * read past the end of a file for a token: stop at that boundary. */
static int
peek_at(const struct m4 *m, size_t k)
{
	size_t i;

	for (i = m->depth; i-- > 0;) {
		const struct frame *f = &m->stack[i];
		size_t left = f->len - f->pos;

		if (k < left)
			return (unsigned char)f->data[f->pos + k];
		k -= left;
		if (f->src != NULL)
			return -1;
	}
	return -1;
}

/* Does the input continue with the string s? */
static bool
looking_at(const struct m4 *m, const char *s)
{
	size_t i, n = strlen(s);
	const struct frame *f = m->depth > 0 ? &m->stack[m->depth - 1] : NULL;

	if (n == 0)
		return false;
	if (f != NULL && f->len - f->pos >= n)
		return memcmp(f->data + f->pos, s, n) == 0;
	for (i = 0; i < n; i++)
		if (peek_at(m, i) != (unsigned char)s[i])
			return false;
	return true;
}

static bool
name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* ------------------------------------------------------------ tokens -- */

enum tok { T_EOF, T_NAME, T_STRING, T_COMMENT, T_CHAR };

/* tok_site - where m4 would say the token just read is */
static void
tok_site(const struct m4 *m, const struct bl_source **src, size_t *off)
{
	*src = m->tok_file ? m->tok_src : m->last_src;
	*off = m->tok_file ? m->tok_off : m->last_off;
}

/* quoted - a quoted string without its outer quotes into t; false at the
 * end of input (an error: m4 stops) */
static bool
quoted(struct m4 *m, struct mtext *t)
{
	const struct bl_source *s0;
	size_t o0, nl = strlen(m->lq), nr = strlen(m->rq), n, left;
	struct frame *f;
	const char *p;
	int level = 1;

	tok_site(m, &s0, &o0);
	move(m, nl, NULL);
	for (;;) {
		f = avail(m);
		if (f == NULL) {
			m4_error(m, s0, o0,
				 "m4: end of file in a quoted string (a ` "
				 "without its ')");
			m->fatal = true;
			return false;
		}
		p = f->data + f->pos;
		left = f->len - f->pos;
		for (n = 0; n < left && p[n] != m->lq[0] && p[n] != m->rq[0];
		     n++)
			;
		if (n > 0) {
			take(m, f, n, t);
		} else if (looking_at(m, m->rq)) {
			if (--level == 0) {
				move(m, nr, NULL);
				return true;
			}
			move(m, nr, t);
		} else if (looking_at(m, m->lq)) {
			level++;
			move(m, nl, t);
		} else {
			take(m, f, 1, t);
		}
	}
}

/* comment - a comment, its delimiters included, into t */
static void
comment(struct m4 *m, struct mtext *t)
{
	size_t nb = strlen(m->bc), ne = strlen(m->ec), n, left;
	struct frame *f;
	const char *p;

	while ((f = avail(m)) != NULL) {
		/* it can only end at the last byte of its end string */
		p = f->data + f->pos;
		left = f->len - f->pos;
		n = 1;
		if (ne > 0) {
			for (n = 0; n < left && p[n] != m->ec[ne - 1]; n++)
				;
			if (n < left)
				n++;
		}
		take(m, f, n, t);
		if (t->len > nb && t->len >= ne &&
		    memcmp(t->s + t->len - ne, m->ec, ne) == 0)
			return;
	}
}

/* Read one token into t (strings without their outer quotes). */
static enum tok
token(struct m4 *m, struct mtext *t)
{
	struct frame *f;
	const char *p;
	size_t n, left;
	bool more;
	int c;

	mt_reset(t);
	if (m->fatal)
		return T_EOF;
	/* a token starts after the end of an included file or expansion */
	f = avail(m);
	if (f == NULL)
		return T_EOF;
	m->tok_file = f->src != NULL;
	where(f, f->pos, &m->tok_src, &m->tok_off);
	p = f->data + f->pos;
	left = f->len - f->pos;
	c = (unsigned char)p[0];
	if (c == (unsigned char)m->lq[0] && looking_at(m, m->lq))
		return quoted(m, t) ? T_STRING : T_EOF;
	if (c == (unsigned char)m->bc[0] && looking_at(m, m->bc)) {
		comment(m, t);
		return T_COMMENT;
	}
	if (!name_start(c)) {
		take(m, f, 1, t);
		return T_CHAR;
	}
	for (n = 1; n < left && name_char((unsigned char)p[n]); n++)
		;
	/* an expansion's name may go on in the text below it */
	more = n == left && f->src == NULL;
	take(m, f, n, t);
	while (more && name_char(peek_at(m, 0)))
		move(m, 1, t);
	return T_NAME;
}

/* ---------------------------------------------------------- builtins -- */

static const char *
arg(const struct args *a, size_t i)
{
	return i < a->n ? mt_str(&a->v[i]) : "";
}

/* to_i32 - the 32-bit two's complement value of u, without relying on the
 * implementation's conversion */
static int32_t
to_i32(uint32_t u)
{
	return u <= INT32_MAX ? (int32_t)u : -(int32_t)~u - 1;
}

/*
 * num_arg - argument i as m4 1.4.19 reads a number: strtol (blanks, a sign,
 * decimal digits, clamped to the range of a long) and the low 32 bits of
 * that. false: not a number (m4 expands the call to nothing).
 */
static bool
num_arg(struct m4 *m, const struct args *a, size_t i, int32_t *v)
{
	const char *s = arg(a, i), *p = s;
	const uint64_t lmax = INT64_MAX;
	bool neg = false, over = false;
	uint64_t u = 0;

	*v = 0;
	if (*s == '\0') {
		call_diag(m, BL_LEVEL_ERROR,
			  "m4: empty string treated as 0 in builtin `%s'",
			  arg(a, 0));
		return true;
	}
	while (bl_is_space((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (u > (lmax + 1 - (uint64_t)(*p - '0')) / 10)
			over = true;
		else
			u = u * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0')
		goto bad;
	if (over || u > lmax + (neg ? 1 : 0)) {
		over = true;
		u = lmax + (neg ? 1 : 0);
	}
	*v = to_i32((uint32_t)(neg ? 0 - u : u));
	if (bl_is_space((unsigned char)*s))
		call_diag(m, BL_LEVEL_ERROR,
			  "m4: leading whitespace ignored in builtin `%s'",
			  arg(a, 0));
	else if (over)
		call_diag(m, BL_LEVEL_ERROR,
			  "m4: numeric overflow detected in builtin `%s'",
			  arg(a, 0));
	return true;
bad:
	call_diag(m, BL_LEVEL_ERROR, "m4: non-numeric argument to builtin `%s'",
		  arg(a, 0));
	return false;
}

/* too_few - m4's count of a builtin's arguments (the name is one of them):
 * true when there are too few (m4 then does nothing, or nearly) */
static bool
too_few(struct m4 *m, const struct args *a, size_t min, size_t max)
{
	if (a->n < min) {
		call_diag(m, BL_LEVEL_WARNING,
			  "m4: too few arguments to builtin `%s'", arg(a, 0));
		return true;
	}
	if (a->n > max)
		call_diag(m, BL_LEVEL_WARNING,
			  "m4: excess arguments to builtin `%s' ignored",
			  arg(a, 0));
	return false;
}

static void
push_int(struct m4 *m, int32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%ld", (long)v);
	push_str(m, buf);
}

/* Push text quoted with the current quotes (defn, shift). */
static void
add_quoted(struct m4 *m, struct mtext *t, const struct mtext *body)
{
	mt_adds(t, m->lq);
	mt_append(t, body, 0, body->len);
	mt_adds(t, m->rq);
}

/* ------------------------------------------------------------- eval -- */

enum etok {
	E_ERROR,
	E_BADOP,
	E_PLUS,
	E_MINUS,
	E_EXP,
	E_TIMES,
	E_DIV,
	E_MOD,
	E_ASSIGN,
	E_EQ,
	E_NE,
	E_GT,
	E_GE,
	E_LT,
	E_LE,
	E_LSHIFT,
	E_RSHIFT,
	E_LNOT,
	E_LAND,
	E_LOR,
	E_NOT,
	E_AND,
	E_OR,
	E_XOR,
	E_LP,
	E_RP,
	E_NUM,
	E_END,
};

/* m4's eval errors; those before EV_SYNTAX are forgiven in a branch && or
 * || does not evaluate */
enum eerr {
	EV_OK,
	EV_DIV0,
	EV_MOD0,
	EV_NEGEXP,
	EV_SYNTAX,
	EV_MISSING_RIGHT,
	EV_BAD_INPUT,
	EV_EXCESS,
	EV_BADOP,
	EV_DEEP, /* ours: nested beyond BL_DEPTH_MAX */
};

struct ev {
	struct m4 *m;
	const char *p, *last; /* the next byte; before the last token */
	unsigned depth;
};

static int
e_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

/* e_lex - the next token of an eval expression (numbers wrap to 32 bits) */
static enum etok
e_lex(struct ev *e, int32_t *v)
{
	const char *p = e->p;
	unsigned base = 10;
	uint32_t u = 0;
	int d;
	char c;

	while (bl_is_space((unsigned char)*p))
		p++;
	e->last = p;
	if (*p == '\0') {
		e->p = p;
		return E_END;
	}
	if (*p >= '0' && *p <= '9') {
		if (*p == '0') {
			p++;
			if (*p == 'x' || *p == 'X') {
				base = 16;
				p++;
			} else if (*p == 'b' || *p == 'B') {
				base = 2;
				p++;
			} else if (*p == 'r' || *p == 'R') {
				base = 0;
				for (p++; *p >= '0' && *p <= '9' && base <= 36;
				     p++)
					base = 10 * base + (unsigned)(*p - '0');
				if (base == 0 || base > 36 || *p != ':') {
					e->p = p;
					return E_ERROR;
				}
				p++;
			} else {
				base = 8;
			}
		}
		for (; (d = e_digit((unsigned char)*p)) >= 0; p++) {
			if (base == 1) {
				if (d == 1)
					u++;
				else if (d != 0 || u != 0)
					break;
			} else if ((unsigned)d >= base) {
				break;
			} else {
				u = u * base + (unsigned)d;
			}
		}
		e->p = p;
		*v = to_i32(u);
		return E_NUM;
	}
	c = *p++;
	e->p = p;
	switch (c) {
	case '+':
		return *p == '+' || *p == '=' ? E_BADOP : E_PLUS;
	case '-':
		return *p == '-' || *p == '=' ? E_BADOP : E_MINUS;
	case '*':
		if (*p == '*') {
			e->p++;
			return E_EXP;
		}
		return *p == '=' ? E_BADOP : E_TIMES;
	case '/':
		return *p == '=' ? E_BADOP : E_DIV;
	case '%':
		return *p == '=' ? E_BADOP : E_MOD;
	case '=':
		if (*p == '=') {
			e->p++;
			return E_EQ;
		}
		return E_ASSIGN;
	case '!':
		if (*p == '=') {
			e->p++;
			return E_NE;
		}
		return E_LNOT;
	case '>':
		if (*p == '=') {
			e->p++;
			return E_GE;
		}
		if (*p == '>') {
			e->p++;
			return p[1] == '=' ? E_BADOP : E_RSHIFT;
		}
		return E_GT;
	case '<':
		if (*p == '=') {
			e->p++;
			return E_LE;
		}
		if (*p == '<') {
			e->p++;
			return p[1] == '=' ? E_BADOP : E_LSHIFT;
		}
		return E_LT;
	case '^':
		return *p == '=' ? E_BADOP : E_XOR;
	case '~':
		return E_NOT;
	case '&':
		if (*p == '&') {
			e->p++;
			return E_LAND;
		}
		return *p == '=' ? E_BADOP : E_AND;
	case '|':
		if (*p == '|') {
			e->p++;
			return E_LOR;
		}
		return *p == '=' ? E_BADOP : E_OR;
	case '(':
		return E_LP;
	case ')':
		return E_RP;
	default:
		return E_ERROR;
	}
}

/* e_undo - put the last token back */
static void
e_undo(struct ev *e)
{
	e->p = e->last;
}

/* The binary operators by precedence, loosest first (m4 1.4.19). */
#define E_LEVELS 10

static int
e_level(enum etok t)
{
	switch (t) {
	case E_LOR:
		return 0;
	case E_LAND:
		return 1;
	case E_OR:
		return 2;
	case E_XOR:
		return 3;
	case E_AND:
		return 4;
	case E_EQ:
	case E_NE:
	case E_ASSIGN:
		return 5;
	case E_GT:
	case E_GE:
	case E_LT:
	case E_LE:
		return 6;
	case E_LSHIFT:
	case E_RSHIFT:
		return 7;
	case E_PLUS:
	case E_MINUS:
		return 8;
	case E_TIMES:
	case E_DIV:
	case E_MOD:
		return 9;
	default:
		return -1;
	}
}

/* e_apply - *v1 op v2, in 32-bit two's complement that wraps */
static enum eerr
e_apply(struct ev *e, enum etok op, int32_t *v1, int32_t v2)
{
	uint32_t a = (uint32_t)*v1, b = (uint32_t)v2, s = b & 0x1f;

	switch (op) {
	case E_LOR:
		*v1 = *v1 != 0 || v2 != 0;
		break;
	case E_LAND:
		*v1 = *v1 != 0 && v2 != 0;
		break;
	case E_OR:
		*v1 = to_i32(a | b);
		break;
	case E_XOR:
		*v1 = to_i32(a ^ b);
		break;
	case E_AND:
		*v1 = to_i32(a & b);
		break;
	case E_ASSIGN:
		call_diag(e->m, BL_LEVEL_WARNING,
			  "m4: recommend ==, not =, for equality operator");
		*v1 = *v1 == v2;
		break;
	case E_EQ:
		*v1 = *v1 == v2;
		break;
	case E_NE:
		*v1 = *v1 != v2;
		break;
	case E_GT:
		*v1 = *v1 > v2;
		break;
	case E_GE:
		*v1 = *v1 >= v2;
		break;
	case E_LT:
		*v1 = *v1 < v2;
		break;
	case E_LE:
		*v1 = *v1 <= v2;
		break;
	case E_LSHIFT:
		*v1 = to_i32(a << s);
		break;
	case E_RSHIFT: /* arithmetic: the sign fills in */
		*v1 = to_i32(*v1 < 0 ? ~(~a >> s) : a >> s);
		break;
	case E_PLUS:
		*v1 = to_i32(a + b);
		break;
	case E_MINUS:
		*v1 = to_i32(a - b);
		break;
	case E_TIMES:
		*v1 = to_i32(a * b);
		break;
	case E_DIV:
		if (v2 == 0)
			return EV_DIV0;
		/* INT32_MIN / -1 overflows (SIGFPE on x86): negate */
		*v1 = v2 == -1 ? to_i32(0 - a) : *v1 / v2;
		break;
	case E_MOD:
		if (v2 == 0)
			return EV_MOD0;
		*v1 = v2 == -1 ? 0 : *v1 % v2;
		break;
	default:
		return EV_SYNTAX;
	}
	return EV_OK;
}

static enum eerr e_binary(struct ev *e, int level, enum etok et, int32_t *v1);

/* e_simple - a number or a parenthesised expression */
static enum eerr
e_simple(struct ev *e, enum etok et, int32_t *v1)
{
	enum eerr er;
	int32_t v2;

	switch (et) {
	case E_LP:
		et = e_lex(e, v1);
		if (et == E_ERROR)
			return EV_BAD_INPUT;
		if (++e->depth > BL_DEPTH_MAX)
			return EV_DEEP;
		er = e_binary(e, 0, et, v1);
		e->depth--;
		if (er != EV_OK)
			return er;
		et = e_lex(e, &v2);
		if (et == E_ERROR)
			return EV_BAD_INPUT;
		return et == E_RP ? EV_OK : EV_MISSING_RIGHT;
	case E_NUM:
		return EV_OK;
	case E_BADOP:
		return EV_BADOP;
	default:
		return EV_SYNTAX;
	}
}

/* e_unary - + - ~ ! before a term */
static enum eerr
e_unary(struct ev *e, enum etok et, int32_t *v1)
{
	enum etok et2;
	enum eerr er;

	if (et != E_PLUS && et != E_MINUS && et != E_NOT && et != E_LNOT)
		return e_simple(e, et, v1);
	et2 = e_lex(e, v1);
	if (et2 == E_ERROR)
		return EV_BAD_INPUT;
	if (++e->depth > BL_DEPTH_MAX)
		return EV_DEEP;
	er = e_unary(e, et2, v1);
	e->depth--;
	if (er != EV_OK)
		return er;
	if (et == E_MINUS)
		*v1 = to_i32(0 - (uint32_t)*v1);
	else if (et == E_NOT)
		*v1 = to_i32(~(uint32_t)*v1);
	else if (et == E_LNOT)
		*v1 = *v1 == 0;
	return EV_OK;
}

/* e_expo - ** (right to left), by squaring: m4 multiplies v2 times */
static enum eerr
e_expo(struct ev *e, enum etok et, int32_t *v1)
{
	uint32_t r, b;
	enum eerr er;
	int32_t v2;

	if ((er = e_unary(e, et, v1)) != EV_OK)
		return er;
	while ((et = e_lex(e, &v2)) == E_EXP) {
		et = e_lex(e, &v2);
		if (et == E_ERROR)
			return EV_BAD_INPUT;
		if (++e->depth > BL_DEPTH_MAX)
			return EV_DEEP;
		er = e_expo(e, et, &v2);
		e->depth--;
		if (er != EV_OK)
			return er;
		if (v2 < 0)
			return EV_NEGEXP;
		if (*v1 == 0 && v2 == 0)
			return EV_DIV0;
		for (r = 1, b = (uint32_t)*v1; v2 > 0; v2 /= 2, b *= b)
			if (v2 % 2 != 0)
				r *= b;
		*v1 = to_i32(r);
	}
	if (et == E_ERROR)
		return EV_BAD_INPUT;
	e_undo(e);
	return EV_OK;
}

/* e_binary - the operators of level and tighter, left to right */
static enum eerr
e_binary(struct ev *e, int level, enum etok et, int32_t *v1)
{
	enum etok op;
	enum eerr er;
	int32_t v2;

	if (level == E_LEVELS)
		return e_expo(e, et, v1);
	if ((er = e_binary(e, level + 1, et, v1)) != EV_OK)
		return er;
	while (e_level(op = e_lex(e, &v2)) == level) {
		et = e_lex(e, &v2);
		if (et == E_ERROR)
			return EV_BAD_INPUT;
		er = e_binary(e, level + 1, et, &v2);
		if (er != EV_OK) {
			/* a branch || or && does not take may fail to
			 * compute, not to parse */
			if (er < EV_SYNTAX && op == E_LOR && *v1 != 0)
				*v1 = 1;
			else if (!(er < EV_SYNTAX && op == E_LAND && *v1 == 0))
				return er;
			continue;
		}
		if ((er = e_apply(e, op, v1, v2)) != EV_OK)
			return er;
	}
	if (op == E_ERROR)
		return EV_BAD_INPUT;
	e_undo(e);
	return EV_OK;
}

/* evaluate - the value of an eval expression; false after an error */
static bool
evaluate(struct m4 *m, const char *expr, int32_t *v)
{
	static const char *const what[] = {
	    [EV_DIV0] = "divide by zero in eval",
	    [EV_MOD0] = "modulo by zero in eval",
	    [EV_NEGEXP] = "negative exponent in eval",
	    [EV_SYNTAX] = "bad expression in eval",
	    [EV_MISSING_RIGHT] =
		"bad expression in eval (missing right parenthesis)",
	    [EV_BAD_INPUT] = "bad expression in eval (bad input)",
	    [EV_EXCESS] = "bad expression in eval (excess input)",
	    [EV_BADOP] = "invalid operator in eval",
	};
	struct ev e = {m, expr, expr, 0};
	enum eerr er;
	int32_t ignored;
	size_t n = strlen(expr);

	*v = 0;
	er = e_binary(&e, 0, e_lex(&e, v), v);
	if (er == EV_OK && *e.p != '\0')
		er = e_lex(&e, &ignored) == E_BADOP ? EV_BADOP : EV_EXCESS;
	if (er == EV_OK)
		return true;
	if (er == EV_DEEP)
		limit(m,
		      "m4: the expression of eval nests more than %d deep: "
		      "bannerlint stops reading here",
		      BL_DEPTH_MAX);
	else
		call_diag(m, BL_LEVEL_ERROR, "m4: %s: %.*s%s", what[er],
			  n > 80 ? 77 : (int)n, expr, n > 80 ? "..." : "");
	return false;
}

/* push_number - v in radix, at least width digits, as m4's eval writes */
static void
push_number(struct m4 *m, int32_t v, int32_t radix, int32_t width)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	uint32_t u = v < 0 ? 0 - (uint32_t)v : (uint32_t)v, x;
	char buf[40], *p = buf + sizeof(buf);
	size_t nd, pad, need;
	struct mtext t;

	if (radix == 1) {
		nd = u;
	} else {
		for (x = u, nd = 0; x != 0 || nd == 0; x /= (uint32_t)radix)
			*--p = digits[x % (uint32_t)radix], nd++;
	}
	pad = (size_t)width > nd ? (size_t)width - nd : 0;
	need = (v < 0) + pad + nd;
	if (need > BL_VALUE_MAX) {
		limit(m,
		      "m4: the result of eval would be larger than %u KiB: "
		      "bannerlint stops reading here",
		      BL_VALUE_MAX / 1024);
		return;
	}
	spare_get(m, &t);
	mt_reserve(&t, need);
	if (v < 0)
		mt_adds(&t, "-");
	for (; pad > 0; pad--)
		mt_adds(&t, "0");
	if (radix == 1)
		for (; nd > 0; nd--)
			mt_adds(&t, "1");
	else
		mt_add(&t, p, nd, NULL, 0);
	push_move(m, &t);
	spare_put(m, &t);
}

static void
do_eval(struct m4 *m, const struct args *a)
{
	int32_t v = 0, radix = 10, width = 1;

	if (too_few(m, a, 2, 4))
		return;
	if (*arg(a, 2) != '\0' && !num_arg(m, a, 2, &radix))
		return;
	if (radix < 1 || radix > 36) {
		call_diag(m, BL_LEVEL_ERROR,
			  "m4: radix %ld in builtin `%s' out of range",
			  (long)radix, arg(a, 0));
		return;
	}
	if (a->n >= 4 && !num_arg(m, a, 3, &width))
		return;
	if (width < 0) {
		call_diag(m, BL_LEVEL_ERROR,
			  "m4: negative width to builtin `%s'", arg(a, 0));
		return;
	}
	if (*arg(a, 1) == '\0')
		call_diag(m, BL_LEVEL_ERROR,
			  "m4: empty string treated as 0 in builtin `%s'",
			  arg(a, 0));
	else if (!evaluate(m, arg(a, 1), &v))
		return;
	push_number(m, v, radix, width);
}

/* ---------------------------------------------------------- translit -- */

/* A translit set with its ranges (a-z, z-a) expanded one byte at a time,
 * as m4 1.4.19's expand_ranges does. */
struct ranges {
	const unsigned char *s;
	unsigned prev; /* the byte before *s; 0 at the start */
	unsigned cur, end;
	bool active;
};

/* ranges_next - the next byte of the set, or -1 */
static int
ranges_next(struct ranges *r)
{
	for (;;) {
		if (r->active) {
			if (r->cur != r->end) {
				r->cur =
				    r->cur < r->end ? r->cur + 1 : r->cur - 1;
				return (int)r->cur;
			}
			r->active = false;
			r->prev = *r->s++; /* the range's last byte */
		}
		if (*r->s == '\0')
			return -1;
		if (*r->s != '-' || r->prev == 0) {
			r->prev = *r->s++;
			return (int)r->prev;
		}
		if (r->s[1] == '\0') {
			r->s++; /* a dash at the end is itself */
			return '-';
		}
		r->s++;
		r->cur = r->prev;
		r->end = *r->s;
		r->active = true;
	}
}

static void
do_translit(struct m4 *m, const struct args *a)
{
	struct ranges from = {(const unsigned char *)arg(a, 2), 0, 0, 0, false};
	struct ranges to = {(const unsigned char *)arg(a, 3), 0, 0, 0, false};
	bool found[256] = {false};
	unsigned char map[256];
	const unsigned char *s;
	int c, tc, nfound = 0;
	struct mtext t;

	if (too_few(m, a, 3, 4)) {
		if (a->n == 2)
			push_text(m, &a->v[1], 0, a->v[1].len);
		return;
	}
	/* the first mention of a byte counts; to runs along with from */
	tc = ranges_next(&to);
	while (nfound < 256 && (c = ranges_next(&from)) >= 0) {
		if (!found[c]) {
			found[c] = true;
			nfound++;
			map[c] = tc < 0 ? 0 : (unsigned char)tc;
		}
		if (tc >= 0)
			tc = ranges_next(&to);
	}
	spare_get(m, &t);
	mt_reserve(&t, a->v[1].len);
	for (s = (const unsigned char *)arg(a, 1); *s != '\0'; s++) {
		char b = (char)(found[*s] ? map[*s] : *s);

		if (b != '\0')
			mt_add(&t, &b, 1, NULL, 0);
	}
	push_move(m, &t);
	spare_put(m, &t);
}

/* ----------------------------------------------------------- defines -- */

static void do_include(struct m4 *m, const char *path, bool silent,
		       bool cf_tree);

/* note_override - old, a define of the .mc, lost to a cf tree file's */
static void
note_override(struct m4 *m, const struct def *old, const char *name)
{
	if (old == NULL || old->src == NULL || old->from_cf_tree ||
	    old->builtin)
		return;
	bl_config_add_event(m->cfg, "define-overridden", old->src, old->off,
			    old->name != NULL && old->name->t.len > 0
				? old->name->t.len
				: strlen(name),
			    name);
}

/*
 * note_redefined - old, a define of the .mc that nothing expanded, lost to
 * a later define of the .mc: it never reaches sendmail.cf (a value that
 * used the old one, as define(`X', X`...') does, is no loss)
 */
static void
note_redefined(struct m4 *m, const struct def *old, const char *name)
{
	if (old == NULL || old->src == NULL || old->from_cf_tree ||
	    old->builtin || old->used || m->final_name != NULL)
		return;
	if (bl_source_exclusive_at(old->src, old->off, m->call_src,
				   m->call_off))
		return;
	bl_config_add_event(m->cfg, "define-redefined", old->src, old->off,
			    old->name != NULL && old->name->t.len > 0
				? old->name->t.len
				: strlen(name),
			    name);
}

/* do_define - define or pushdef; the watched names keep their name
 * argument and tell what a define overwrites */
static void
do_define(struct m4 *m, struct args *a, bool push)
{
	const struct mtext *name = &a->v[1];
	bool cf_tree = m->depth > 0 && m->stack[m->depth - 1].from_cf_tree;
	struct entry *e;
	struct def *d;
	size_t i;

	if (a->n < 2 || name->len == 0)
		return;
	if (a->n > 3)
		call_diag(m, BL_LEVEL_WARNING,
			  "m4: excess arguments to define ignored: the value "
			  "ends at the first unquoted comma (quote it: "
			  "`...')");
	for (i = m->depth; i-- > 0;)
		if (m->stack[i].src != NULL) {
			cf_tree = m->stack[i].from_cf_tree;
			break;
		}
	e = slot(m, name->s, name->len);
	d = def_new(m);
	if (a->n > 2)
		freeze(m, &d->body, &a->v[2]);
	if (is_watched(name->s, name->len)) {
		if (d->name == NULL)
			d->name = bl_arena_alloc(&m->arena, sizeof(*d->name));
		freeze(m, d->name, name);
		if (cf_tree)
			note_override(m, def_top(e), e->name);
		else if (!push)
			note_redefined(m, def_top(e), e->name);
	}
	d->src = m->call_src;
	d->off = m->call_off;
	d->from_cf_tree = cf_tree;
	if (push) {
		d->below = e->val;
		e->val = d;
	} else {
		set_top(m, e, d);
	}
}

static void
cf_file(struct m4 *m, const char *dir, const struct args *a)
{
	char *path;

	if (a->n < 2 || m->cf_dir == NULL)
		return;
	path = bl_xasprintf("%s/%s/%s.m4", m->cf_dir, dir, arg(a, 1));
	do_include(m, path, false, true);
	free(path);
}

/* What the cf tree's Debian ostype sets, for when there is no tree. */
static void
builtin_ostype(struct m4 *m, const char *name)
{
	struct entry *e;
	struct def *d;
	static const char debian[] =
	    "$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging "
	    "access from: ${client_name}(${client_resolve})-$_$.";

	if (strcmp(name, "debian") != 0)
		return;
	e = slot(m, "confSMTP_LOGIN_MSG", 18);
	note_override(m, def_top(e), "confSMTP_LOGIN_MSG");
	d = def_new(m);
	freeze_str(m, &d->body, debian);
	d->from_cf_tree = true;
	set_top(m, e, d);
}

static void
load_cf(struct m4 *m, const char *path)
{
	enum bl_source_kind k;
	char *dir = path ? bl_xstrdup(path) : NULL, *s;
	struct def *d;
	size_t i;

	m->cf_loaded = true;
	m->bc[0] = m->ec[0] = '\0'; /* cfhead.m4: changecom() */
	for (i = 0; i < BL_ARRAY_LEN(builtins); i++)
		if (builtins[i].cf)
			set_builtin(m, builtins[i].name, builtins[i].b,
				    builtins[i].blind);
	d = def_new(m);
	freeze_str(m, &d->body, cfhead_greeting);
	d->from_cf_tree = true;
	set_top(m, slot(m, "confSMTP_LOGIN_MSG", 18), d);
	if (m->cfg->sendmail_cf_dir != NULL) {
		m->cf_dir = bl_xstrdup(m->cfg->sendmail_cf_dir);
		free(dir);
		return;
	}
	/* .../cf/m4/cf.m4 -> .../cf */
	s = dir ? strrchr(dir, '/') : NULL;
	if (s != NULL) {
		*s = '\0';
		s = strrchr(dir, '/');
		if (s != NULL)
			*s = '\0';
	}
	if (path != NULL && s != NULL &&
	    bl_source_provider_kind(m->cfg->provider, dir) ==
		BL_SOURCE_DIRECTORY) {
		m->cf_dir = dir;
		return;
	}
	free(dir);
	k = bl_source_provider_kind(m->cfg->provider,
				    "/usr/share/sendmail/cf/ostype");
	if (k != BL_SOURCE_ABSENT && k != BL_SOURCE_UNKNOWN)
		m->cf_dir = bl_xstrdup("/usr/share/sendmail/cf");
}

static void
do_substr(struct m4 *m, const struct args *a)
{
	int32_t start = 0, n, avail = (int32_t)strlen(arg(a, 1));

	if (too_few(m, a, 3, 4)) {
		if (a->n == 2)
			push_text(m, &a->v[1], 0, a->v[1].len);
		return;
	}
	n = avail;
	if (!num_arg(m, a, 2, &start) || (a->n >= 4 && !num_arg(m, a, 3, &n)))
		return;
	if (start < 0 || n <= 0 || start >= avail)
		return;
	/* m4 1.4.19 adds them in an int (and crashes when that overflows) */
	if ((int64_t)start + n > avail)
		n = avail - start;
	push_text(m, &a->v[1], (size_t)start, (size_t)n);
}

/* The arguments from the second on, quoted, between commas ($@ of shift). */
static void
do_shift(struct m4 *m, const struct args *a)
{
	struct mtext t;
	size_t i;

	spare_get(m, &t);
	for (i = 2; i < a->n && t.len <= BL_VALUE_MAX; i++) {
		if (i > 2)
			mt_adds(&t, ",");
		add_quoted(m, &t, &a->v[i]);
	}
	push_move(m, &t);
	spare_put(m, &t);
}

static void
call_builtin(struct m4 *m, enum builtin b, struct args *a)
{
	struct entry *e;
	struct frame *f;
	const char *p, *q;
	struct mtext t;
	int32_t v;
	size_t i;

	switch (b) {
	case B_DEFINE:
	case B_PUSHDEF:
		do_define(m, a, b == B_PUSHDEF);
		break;
	case B_UNDEFINE:
	case B_POPDEF:
		for (i = 1; i < a->n; i++) {
			struct def *d;

			e = lookup(m, arg(a, i), a->v[i].len);
			if (e == NULL)
				continue;
			if (b == B_UNDEFINE) {
				undefine_all(m, e);
				continue;
			}
			d = e->val;
			e->val = d->below;
			d->below = NULL;
			def_unref(m, d);
		}
		break;
	case B_DEFN:
		spare_get(m, &t);
		for (i = 1; i < a->n && t.len <= BL_VALUE_MAX; i++) {
			e = lookup(m, arg(a, i), a->v[i].len);
			if (e != NULL && !def_top(e)->builtin) {
				def_top(e)->used = true;
				add_quoted(m, &t, &def_top(e)->body.t);
			}
		}
		push_move(m, &t);
		spare_put(m, &t);
		break;
	case B_IFDEF:
		e = a->n > 1 ? lookup(m, arg(a, 1), a->v[1].len) : NULL;
		if (e != NULL && a->n > 2)
			push_move(m, &a->v[2]);
		else if (e == NULL && a->n > 3)
			push_move(m, &a->v[3]);
		break;
	case B_IFELSE:
		for (i = 1; i + 2 < a->n; i += 3)
			if (strcmp(arg(a, i), arg(a, i + 1)) == 0) {
				push_move(m, &a->v[i + 2]);
				return;
			}
		if (i < a->n && i + 1 == a->n)
			push_move(m, &a->v[i]);
		break;
	case B_DNL:
		while ((f = avail(m)) != NULL) {
			p = f->data + f->pos;
			q = memchr(p, '\n', f->len - f->pos);
			take(m, f, q ? (size_t)(q - p) + 1 : f->len - f->pos,
			     NULL);
			if (q != NULL)
				break;
		}
		break;
	case B_DIVERT:
		v = 0;
		if (too_few(m, a, 1, 2) || (a->n >= 2 && !num_arg(m, a, 1, &v)))
			break;
		m->divert = v;
		break;
	case B_INCLUDE:
	case B_SINCLUDE:
		if (a->n > 1)
			do_include(m, arg(a, 1), b == B_SINCLUDE, false);
		break;
	case B_CHANGEQUOTE:
		snprintf(m->lq, sizeof(m->lq), "%s",
			 a->n > 1 ? arg(a, 1) : "`");
		snprintf(m->rq, sizeof(m->rq), "%s",
			 a->n > 2 ? arg(a, 2) : "'");
		break;
	case B_CHANGECOM:
		snprintf(m->bc, sizeof(m->bc), "%s", a->n > 1 ? arg(a, 1) : "");
		snprintf(m->ec, sizeof(m->ec), "%s",
			 a->n > 2 ? arg(a, 2) : "\n");
		break;
	case B_INDEX:
		if (too_few(m, a, 3, 3)) {
			if (a->n == 2)
				push_str(m, "0");
			break;
		}
		p = strstr(arg(a, 1), arg(a, 2));
		push_int(m, p != NULL ? (int32_t)(p - arg(a, 1)) : -1);
		break;
	case B_LEN:
		if (!too_few(m, a, 2, 2))
			push_int(m, (int32_t)strlen(arg(a, 1)));
		break;
	case B_SUBSTR:
		do_substr(m, a);
		break;
	case B_TRANSLIT:
		do_translit(m, a);
		break;
	case B_INCR:
	case B_DECR:
		if (too_few(m, a, 2, 2) || !num_arg(m, a, 1, &v))
			break;
		push_int(m, to_i32((uint32_t)v + (b == B_INCR ? 1u : -1u)));
		break;
	case B_EVAL:
		do_eval(m, a);
		break;
	case B_SHIFT:
		do_shift(m, a);
		break;
	case B_M4WRAP:
		if (a->n < 2)
			break;
		if (a->v[1].len > BL_VALUE_MAX - m->wrap.len) {
			limit(m,
			      "m4: the text of m4wrap is larger than %u KiB: "
			      "bannerlint stops reading here",
			      BL_VALUE_MAX / 1024);
			break;
		}
		mt_append(&m->wrap, &a->v[1], 0, a->v[1].len);
		break;
	case B_ERRPRINT:
	case B_IGNORE:
	case B_NONE:
	case B_FEATURE:
		break;
	case B_OSTYPE:
	case B_DOMAIN:
	case B_HACK:
		if (m->cf_dir != NULL) {
			cf_file(m,
				b == B_OSTYPE	? "ostype"
				: b == B_DOMAIN ? "domain"
						: "hack",
				a);
			break;
		}
		if (!m->warned_no_tree && m->call_src != NULL) {
			call_diag(m, BL_LEVEL_NOTE,
				  "the sendmail-cf tree is not here (no "
				  "/usr/share/sendmail/cf, no --sendmail-cf "
				  "DIR): OSTYPE, DOMAIN and HACK files are "
				  "not read; OSTYPE(`debian') is taken to "
				  "define Debian 12's greeting");
			m->warned_no_tree = true;
		}
		if (b == B_OSTYPE && a->n > 1)
			builtin_ostype(m, arg(a, 1));
		break;
	case B_LOCAL_CONFIG:
		m->divert = 6;
		break;
	case B_SECTION:
		m->divert = 9;
		break;
	}
}

static void
do_include(struct m4 *m, const char *path, bool silent, bool cf_tree)
{
	struct bl_source *s;
	struct bl_diags quiet;
	struct entry *e;
	char *full;
	size_t i, n = strlen(path);
	bool in_tree;

	if (n >= 5 && strcmp(path + n - 5, "cf.m4") == 0 && !m->cf_loaded &&
	    (n == 5 || path[n - 6] == '/')) {
		load_cf(m, path);
		return;
	}
	/* the tree's files name the tree where Debian installs it */
	if (m->cf_dir != NULL &&
	    strncmp(path, "/usr/share/sendmail/cf/", 23) == 0) {
		full = bl_xasprintf("%s/%s", m->cf_dir, path + 23);
		cf_tree = true;
	}
	/* m4 opens relative names from its working directory; sendmail.mc is
	 * built in its own directory (make -C /etc/mail, sendmailconfig) */
	else if (path[0] != '/' && !cf_tree &&
		 strchr(m->main->path, '/') != NULL)
		full = bl_xasprintf(
		    "%.*s/%s",
		    (int)(strrchr(m->main->path, '/') - m->main->path),
		    m->main->path, path);
	else /* under --root when the repository holds the server's tree */
		full = bl_config_path(m->cfg, path);
	for (i = 0; i < m->depth; i++)
		if (m->stack[i].src != NULL &&
		    strcmp(m->stack[i].src->path, full) == 0) {
			call_diag(m, BL_LEVEL_ERROR,
				  "m4: include of %s makes a loop", full);
			free(full);
			return;
		}
	/* a file included again is the same file: read it once */
	e = table_find(&m->includes, full, strlen(full));
	if (e != NULL) {
		if (!push_file(m, e->val, cf_tree))
			limit(m,
			      "m4: includes nested more than %d deep: "
			      "bannerlint stops reading here",
			      BL_DEPTH_MAX);
		free(full);
		return;
	}
	bl_diags_init(&quiet);
	if (bl_source_provider_load(m->cfg->provider, &s, full, 0, &quiet) <
	    0) {
		/* a file of the tree that is not there: the tree's business */
		in_tree = cf_tree && m->depth > 0 &&
			  m->stack[m->depth - 1].from_cf_tree;
		if (!silent && !in_tree && path[0] == '/' && !cf_tree &&
		    bl_source_provider_kind(m->cfg->provider, full) ==
			BL_SOURCE_ABSENT) {
			/* the server's file, not in the repository: what it
			 * defines is unknown, not an error */
			unsigned line = 0, col = 0;

			bl_source_position(m->call_src, m->call_off, &line,
					   &col);
			bl_config_unread(m->cfg, m->diags, m->call_src, line,
					 path);
			if (!m->unread) {
				m->unread = true;
				m->unread_seq = m->nseq;
			}
		} else if (!silent && !in_tree)
			call_diag(m, BL_LEVEL_ERROR,
				  "m4: cannot open `%s': the file cannot be "
				  "read",
				  path);
		bl_diags_finish(&quiet);
		free(full);
		return;
	}
	bl_diags_finish(&quiet);
	bl_config_add_source(m->cfg, s);
	table_add(&m->includes, &m->arena, full, strlen(full))->val = s;
	if (!push_file(m, s, cf_tree))
		limit(m,
		      "m4: includes nested more than %d deep: bannerlint stops "
		      "reading here",
		      BL_DEPTH_MAX);
	free(full);
}

/* ------------------------------------------------------- expansion -- */

static void
args_add(struct args *a)
{
	size_t i;

	if (a->n == a->cap) {
		a->v = bl_xreallocarray(a->v, a->cap ? a->cap * 2 : 4,
					sizeof(*a->v));
		for (i = a->cap, a->cap = a->cap ? a->cap * 2 : 4; i < a->cap;
		     i++)
			mt_init(&a->v[i]);
	}
	mt_reset(&a->v[a->n++]);
	a->bytes++;
}

/* args_clear - no arguments; what is worth keeping is kept */
static void
args_clear(struct args *a)
{
	size_t i;

	for (i = 0; i < a->cap; i++)
		if (i >= ARGS_KEEP || a->v[i].cap > ARG_KEEP)
			mt_finish(&a->v[i]);
	if (a->cap > ARGS_KEEP) {
		a->cap = ARGS_KEEP;
		a->v = bl_xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	if (a->tok.cap > ARG_KEEP)
		mt_finish(&a->tok);
	a->n = 0;
	a->bytes = 0;
}

static void
args_free(struct args *a)
{
	size_t i;

	for (i = 0; i < a->cap; i++)
		mt_finish(&a->v[i]);
	free(a->v);
	mt_finish(&a->tok);
	memset(a, 0, sizeof(*a));
}

static void call_macro(struct m4 *m, struct entry *e, const struct mtext *name);

/* expands - is the name just read a call of macro e? (a blind builtin
 * wants its "(") */
static bool
expands(const struct m4 *m, const struct entry *e)
{
	return e != NULL && (!def_top(e)->blind || peek_at(m, 0) == '(');
}

/* plain - how many of f's next bytes (at most max) an argument takes as
 * they are: no name, quote, comment, or comma or ")" that ends it; *level
 * follows the parentheses as it would token by token */
static size_t
plain(const struct m4 *m, const struct frame *f, int *level, size_t max)
{
	const char *p = f->data + f->pos;
	size_t n, left = f->len - f->pos;
	int c;

	if (left > max)
		left = max;
	for (n = 0; n < left; n++) {
		c = (unsigned char)p[n];
		if (name_start(c) || c == (unsigned char)m->lq[0] ||
		    c == (unsigned char)m->bc[0] ||
		    (*level == 0 && (c == ',' || c == ')')))
			break;
		if (c == '(')
			++*level;
		else if (c == ')')
			--*level;
	}
	return n;
}

/* Collect "(a, b, ...)" after a macro name; macro calls in the arguments
 * are expanded and their results rescanned as part of the argument. */
static void
collect_args(struct m4 *m, struct args *a, const char *name,
	     const struct bl_source *src, size_t off)
{
	struct mtext *tok = &a->tok;
	struct mtext *cur;
	struct frame *f;
	struct entry *e;
	int level = 0, c;
	size_t n;
	enum tok k;

	if (m->nesting >= BL_DEPTH_MAX) {
		m->call_src = src;
		m->call_off = off;
		limit(m,
		      "m4: macro calls nested more than %d deep in arguments "
		      "(a runaway recursion?): bannerlint stops reading here",
		      BL_DEPTH_MAX);
		return;
	}
	move(m, 1, NULL); /* ( */
	args_add(a);
	m->nesting++;
	for (;;) {
		cur = &a->v[a->n - 1];
		c = peek_at(m, 0);
		/* leading unquoted white space of an argument is dropped */
		if (cur->len == 0 &&
		    (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
			move(m, 1, NULL);
			continue;
		}
		/* plain text goes in a run at a time, not a byte at a time */
		f = m->fatal ? NULL : avail(m);
		n = f != NULL ? plain(m, f, &level, BL_VALUE_MAX + 1 - a->bytes)
			      : 0;
		if (n > 0) {
			take(m, f, n, cur);
			a->bytes += n;
		} else if ((k = token(m, tok)) == T_EOF) {
			if (!m->fatal)
				m4_error(
				    m, src, off,
				    "m4: end of file in the arguments of a "
				    "macro call (a ( without its ))");
			m->fatal = true;
			break;
		} else if (k == T_CHAR && level == 0 &&
			   (tok->s[0] == ',' || tok->s[0] == ')')) {
			if (tok->s[0] == ')')
				break;
			args_add(a);
		} else {
			if (k == T_CHAR && tok->s[0] == '(')
				level++;
			if (k == T_CHAR && tok->s[0] == ')')
				level--;
			if (k == T_NAME &&
			    expands(m, e = lookup(m, tok->s, tok->len))) {
				call_macro(m, e, tok);
				continue;
			}
			mt_append(cur, tok, 0, tok->len);
			a->bytes += tok->len;
		}
		if (a->bytes > BL_VALUE_MAX) {
			m->call_src = src;
			m->call_off = off;
			limit(
			    m,
			    "m4: the arguments of `%s' are larger than %u KiB "
			    "(an expansion bomb?): bannerlint stops reading "
			    "here",
			    name, BL_VALUE_MAX / 1024);
			break;
		}
	}
	m->nesting--;
}

/* A user macro's body with $0-$9, $#, $* and $@ replaced, read next. */
static void
substitute(struct m4 *m, const struct def *d, const struct args *a)
{
	const struct mtext *b = &d->body.t;
	struct mtext t;
	size_t i, j, k;
	char buf[32], nx;

	spare_get(m, &t);
	for (i = 0; i < b->len && t.len <= BL_VALUE_MAX; i = j) {
		for (j = i; j < b->len && b->s[j] != '$'; j++)
			;
		mt_append(&t, b, i, j - i);
		if (j == b->len)
			break;
		nx = j + 1 < b->len ? b->s[j + 1] : '\0';
		if (nx >= '0' && nx <= '9') {
			k = (size_t)(nx - '0');
			if (k < a->n)
				mt_append(&t, &a->v[k], 0, a->v[k].len);
			j += 2;
		} else if (nx == '#') {
			snprintf(buf, sizeof(buf), "%zu", a->n ? a->n - 1 : 0);
			mt_adds(&t, buf);
			j += 2;
		} else if (nx == '*' || nx == '@') {
			for (k = 1; k < a->n && t.len <= BL_VALUE_MAX; k++) {
				if (k > 1)
					mt_adds(&t, ",");
				if (nx == '@')
					add_quoted(m, &t, &a->v[k]);
				else
					mt_append(&t, &a->v[k], 0, a->v[k].len);
			}
			j += 2;
		} else {
			mt_append(&t, b, j, 1);
			j++;
		}
	}
	push_move(m, &t);
	spare_put(m, &t);
}

/* A call of a defined macro whose name was just read. */
static void
call_macro(struct m4 *m, struct entry *e, const struct mtext *name)
{
	const struct bl_source *src, *cs = m->call_src;
	size_t off, co = m->call_off;
	const char *cn = m->call_name;
	struct def *d = def_top(e);
	struct args *a;

	/* where m4 says the call is: the name in a file, or the place of
	 * the file being read when the name came out of an expansion */
	tok_site(m, &src, &off);
	if (!m->tok_file && ++m->calls > MAX_CALLS) {
		m->call_src = src;
		m->call_off = off;
		limit(m,
		      "m4: expansions made more than %u macro calls (a "
		      "recursive definition?): bannerlint stops reading here",
		      MAX_CALLS);
		m->call_src = cs;
		m->call_off = co;
		return;
	}
	if (m->in_hash_line && !m->hash_reported && d->builtin != (int)B_DNL) {
		bl_config_add_event(m->cfg, "hash-line-expanded", m->hash_src,
				    m->hash_off, 1, e->name);
		m->hash_reported = true;
	}
	/* the definition lives until the call is done, whatever the
	 * arguments or the builtin define meanwhile */
	d->refs++;
	d->used = true;
	if (m->pool == NULL)
		m->pool = bl_xcalloc(BL_DEPTH_MAX + 1, sizeof(*m->pool));
	a = &m->pool[m->nesting];
	args_add(a);
	mt_append(&a->v[0], name, 0, name->len);
	if (peek_at(m, 0) == '(')
		collect_args(m, a, e->name, src, off);
	if (!m->fatal) {
		m->call_src = src;
		m->call_off = off;
		m->call_name = e->name;
		if (d->builtin)
			call_builtin(m, (enum builtin)d->builtin, a);
		else
			substitute(m, d, a);
		m->call_src = cs;
		m->call_off = co;
		m->call_name = cn;
	}
	args_clear(a);
	def_unref(m, d);
}

/* Read input to its end; text reaches the output (LOCAL_CONFIG only). */
static void
run(struct m4 *m)
{
	const struct bl_source *src;
	struct mtext tok;
	struct entry *e;
	size_t off;
	bool bol;
	enum tok k;

	mt_init(&tok);
	while ((k = token(m, &tok)) != T_EOF) {
		if (tok.len == 0)
			continue; /* `' */
		/* a line that starts, with a call or not, ends a "#" line:
		 * a call at the start of the next one is none of its own */
		src = tok.r[0].src;
		off = tok.r[0].off;
		bol = m->tok_file && src != NULL &&
		      (off == 0 || src->data[off - 1] == '\n');
		if (bol)
			m->in_hash_line = false;
		if (k == T_NAME && expands(m, e = lookup(m, tok.s, tok.len))) {
			call_macro(m, e, &tok);
			continue;
		}
		if (k == T_CHAR && tok.s[0] == '#' && bol && m->cf_loaded &&
		    src == m->main) {
			m->in_hash_line = true;
			m->hash_reported = false;
			m->hash_src = src;
			m->hash_off = off;
		}
		/* LOCAL_CONFIG's diversion and the text of diversion 0 (raw
		 * cf lines of the .mc) are kept: both reach sendmail.cf */
		if (m->divert == 6)
			mt_append(&m->local_config, &tok, 0, tok.len);
		else if (m->divert == 0)
			mt_append(&m->body, &tok, 0, tok.len);
	}
	mt_finish(&tok);
}

/*
 * final_value - the text the generated cf line carries: the macro expanded
 * again, as proto.m4 does when it writes the option at the end of input,
 * into out. Returns the definition that made it (the caller unrefs it), or
 * NULL when the macro is not defined.
 */
static struct def *
final_value(struct m4 *m, const char *name, struct mtext *out)
{
	struct entry *e = lookup(m, name, strlen(name)), *x;
	struct mtext tok;
	struct args a;
	struct def *d;
	enum tok k;

	if (e == NULL || def_top(e)->builtin)
		return NULL;
	d = def_top(e);
	d->refs++;
	/* what goes wrong in the value is told at its define */
	m->last_src = m->call_src = d->src;
	m->last_off = m->call_off = d->off;
	m->call_name = e->name;
	m->final_name = e->name;
	/* proto.m4 calls the macro without arguments: $1.. go */
	memset(&a, 0, sizeof(a));
	args_add(&a);
	mt_adds(&a.v[0], name);
	substitute(m, d, &a);
	args_free(&a);
	mt_init(&tok);
	while ((k = token(m, &tok)) != T_EOF) {
		if (k == T_NAME && expands(m, x = lookup(m, tok.s, tok.len))) {
			call_macro(m, x, &tok);
			continue;
		}
		mt_append(out, &tok, 0, tok.len);
		if (out->len > BL_VALUE_MAX) {
			m->call_src = d->src;
			m->call_off = d->off;
			m->final_name = NULL;
			limit(
			    m,
			    "m4: the value of %s is larger than %u KiB when "
			    "proto.m4 writes it: bannerlint stops reading here",
			    name, BL_VALUE_MAX / 1024);
			break;
		}
	}
	while (m->depth > 0)
		pop(m);
	mt_finish(&tok);
	m->final_name = NULL;
	return d;
}

/* A generated line's setting: key from the define's name argument. */
static void
generated(struct m4 *m, const char *name, const struct def *d,
	  const struct mtext *v)
{
	struct bl_sendmail_text all;
	struct bl_setting *s;
	size_t i, n = v->len, nk = d->name != NULL ? d->name->t.len : 0;

	/* the cf line ends at a newline not followed by a blank (a folded
	 * continuation); the rest would be lines of their own */
	for (i = 0; i < v->len; i++)
		if (v->s[i] == '\n' &&
		    (i + 1 == v->len ||
		     (v->s[i + 1] != ' ' && v->s[i + 1] != '\t'))) {
			n = i;
			break;
		}
	bl_sendmail_text_init(&all);
	if (nk > 0)
		mt_to_sm(&all, &d->name->t, 0, nk);
	mt_to_sm(&all, v, 0, n);
	if (nk == 0)
		bl_sendmail_text_add(&all, "", 0, NULL, 0);
	s = bl_sendmail_setting(m->cfg, name, &all, 0, nk, nk, all.b.len);
	if (nk == 0 && d->src == NULL) {
		/* cfhead.m4's or a built-in default */
		s->is_default = true;
		s->src = NULL;
	}
	/* made before an include that is not here: it may replace it */
	s->unread = m->unread && d->seq <= m->unread_seq;
	bl_sendmail_shadow(m->cfg, s);
	bl_sendmail_text_finish(&all);
}

/* cf_chunk - the lines [from, to) of lc to the cf reader, through t
 * (kept from one piece to the next) */
static void
cf_chunk(struct m4 *m, const struct mtext *lc, struct bl_sendmail_text *t,
	 size_t from, size_t to)
{
	if (to <= from)
		return;
	bl_sendmail_text_reset(t);
	mt_to_sm(t, lc, from, to - from);
	bl_sendmail_cf_read(m->cfg, t, m->diags);
}

/* read_cf_text - lc's text from a on as sendmail.cf lines (LOCAL_CONFIG's,
 * or what reached diversion 0), in pieces of whole (folded) lines, so that
 * the cf reader's copy with a pointer per byte stays small; a line longer
 * than BL_VALUE_MAX is an error (what names the text) and is not read */
static void
read_cf_text(struct m4 *m, const struct mtext *lc, size_t a, const char *what)
{
	const char *d = mt_str(lc), *q;
	size_t n = lc->len, e, c0 = a, off;
	const struct bl_source *src;
	struct bl_sendmail_text t;

	bl_sendmail_text_init(&t);
	while (a < n) {
		/* a logical line as bl_sendmail_cf_read finds it: this one and
		 * those starting with a blank */
		for (e = a;; e++) {
			q = memchr(d + e, '\n', n - e);
			e = q != NULL ? (size_t)(q - d) : n;
			if (!(e + 1 < n &&
			      (d[e + 1] == ' ' || d[e + 1] == '\t') &&
			      d[a] != '#'))
				break;
		}
		e = e < n ? e + 1 : n;
		if (e - a > BL_VALUE_MAX) {
			cf_chunk(m, lc, &t, c0, a);
			mt_where(lc, a, NULL, &src, &off);
			m4_error(m, src, off,
				 "%s longer than %u KiB: it is not read", what,
				 BL_VALUE_MAX / 1024);
			c0 = e;
		} else if (e - c0 >= LOCAL_CONFIG_CHUNK) {
			cf_chunk(m, lc, &t, c0, e);
			c0 = e;
		}
		a = e;
	}
	cf_chunk(m, lc, &t, c0, n);
	bl_sendmail_text_finish(&t);
}

/*
 * cf_version - proto.m4's include of the tree's m4/version.m4 after
 * LOCAL_CONFIG: its "DZ8.17.1.9`'ifdef(`confCF_VERSION', `/confCF_VERSION')"
 * sets $Z, whatever came before. Without the file $Z is what the tree
 * would say: unknown, so a DZ line read so far is shadowed by a
 * placeholder.
 */
static void
cf_version(struct m4 *m)
{
	const struct bl_setting *before = bl_config_lookup(m->cfg, "DZ");
	char *path = m->cf_dir != NULL
			 ? bl_xasprintf("%s/m4/version.m4", m->cf_dir)
			 : NULL;
	size_t from = m->body.len;
	int32_t divert = m->divert;
	struct bl_setting *s;
	struct bl_sendmail_text t;

	if (path != NULL && bl_source_provider_kind(m->cfg->provider, path) ==
				BL_SOURCE_REGULAR) {
		m->divert = 0;
		m->call_name = "include";
		do_include(m, path, true, true);
		run(m);
		while (m->depth > 0)
			pop(m);
		m->divert = divert;
		if (!m->fatal)
			read_cf_text(m, &m->body, from, "m4/version.m4 line");
	}
	free(path);
	if (before == NULL || bl_config_lookup(m->cfg, "DZ") != before)
		return;
	bl_sendmail_text_init(&t);
	bl_sendmail_text_add(&t, "<cf_version>", 12, NULL, 0);
	s = bl_sendmail_setting(m->cfg, "DZ", &t, 0, 0, 0, t.b.len);
	s->is_default = true;
	s->placeholder = true;
	s->src = NULL;
	bl_sendmail_shadow(m->cfg, s);
	bl_sendmail_text_finish(&t);
}

/* Does the .mc include cf.m4 itself (Debian's style)? */
static bool
includes_cf_m4(const struct bl_source *src)
{
	const char *p = src->data, *e = p, *f = p;

	/* e and f only move forward: one pass over the text */
	while ((p = strstr(p, "include(")) != NULL) {
		if (e <= p)
			e = strchr(p, ')');
		if (f <= p)
			f = strstr(p, "cf.m4");
		if (e == NULL || f == NULL)
			return false;
		if (f < e)
			return true;
		p += 8;
	}
	return false;
}

static int
parse_mc(struct bl_config *cfg, struct bl_source *src, struct bl_diags *diags)
{
	static const char *const order[] = {
	    "confDOMAIN_NAME", "confSMTP_LOGIN_MSG", "confHELO_NAME"};
	struct mtext values[BL_ARRAY_LEN(order)];
	struct def *defs[BL_ARRAY_LEN(order)];
	const struct bl_setting *raw = NULL, *body = NULL;
	struct m4 m;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.cfg = cfg;
	m.diags = diags;
	m.main = src;
	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	snprintf(m.lq, sizeof(m.lq), "`");
	snprintf(m.rq, sizeof(m.rq), "'");
	snprintf(m.bc, sizeof(m.bc), "#");
	snprintf(m.ec, sizeof(m.ec), "\n");
	mt_init(&m.local_config);
	mt_init(&m.body);
	mt_init(&m.wrap);
	bl_arena_init(&m.arena);
	for (i = 0; i < BL_ARRAY_LEN(builtins); i++)
		if (!builtins[i].cf)
			set_builtin(&m, builtins[i].name, builtins[i].b,
				    builtins[i].blind);
	/* "m4 cf.m4 FILE.mc": an .mc that does not include cf.m4 itself */
	if (!includes_cf_m4(src))
		load_cf(&m, NULL);
	push_file(&m, src, false);
	run(&m);
	while (m.depth > 0)
		pop(&m);
	if (m.wrap.len > 0) {
		m.call_name = "m4wrap";
		push_move(&m, &m.wrap);
		run(&m);
		while (m.depth > 0)
			pop(&m);
	}
	/* the cf: what reached diversion 0 while the input was read (raw cf
	 * lines of the .mc), then proto.m4's Dj, LOCAL_CONFIG, version.m4's
	 * DZ and the options; the values are expanded in that order (their
	 * defines can change what comes next) */
	for (i = 0; i < BL_ARRAY_LEN(order); i++)
		mt_init(&values[i]);
	defs[0] = m.fatal ? NULL : final_value(&m, order[0], &values[0]);
	if (!m.fatal) {
		read_cf_text(&m, &m.body, 0, "sendmail.cf line");
		body = bl_config_lookup(cfg, "SmtpGreetingMessage");
		if (defs[0] != NULL)
			generated(&m, order[0], defs[0], &values[0]);
		read_cf_text(&m, &m.local_config, 0, "LOCAL_CONFIG line");
		raw = bl_config_lookup(cfg, "SmtpGreetingMessage");
		cf_version(&m);
	}
	for (i = 1; i < BL_ARRAY_LEN(order); i++)
		defs[i] =
		    m.fatal ? NULL : final_value(&m, order[i], &values[i]);
	if (!m.fatal) {
		if (defs[1] != NULL) {
			generated(&m, order[1], defs[1], &values[1]);
			/* a raw greeting before it has no effect */
			if (body != NULL && body->src != NULL)
				bl_config_add_event(
				    cfg, "raw-cf-overridden", body->src,
				    body->key_off, body->key_len,
				    "SmtpGreetingMessage");
			if (raw != NULL && raw != body && raw->src != NULL)
				bl_config_add_event(
				    cfg, "local-config-overridden", raw->src,
				    raw->key_off, raw->key_len,
				    "SmtpGreetingMessage");
		}
		if (defs[2] != NULL)
			generated(&m, order[2], defs[2], &values[2]);
	} else {
		/* m4 writes no sendmail.cf: there is nothing to resolve */
		bl_config_add_event(cfg, "no-output", NULL, 0, 0, NULL);
	}
	for (i = 0; i < BL_ARRAY_LEN(order); i++) {
		def_unref(&m, defs[i]);
		mt_finish(&values[i]);
	}
	free(m.macros.b);
	free(m.includes.b); /* the sources belong to cfg */
	bl_arena_finish(&m.arena);
	free(m.stack);
	while (m.nspare > 0)
		mt_finish(&m.spare[--m.nspare]);
	if (m.pool != NULL)
		for (i = 0; i <= BL_DEPTH_MAX; i++)
			args_free(&m.pool[i]);
	free(m.pool);
	free(m.cf_dir);
	mt_finish(&m.local_config);
	mt_finish(&m.body);
	mt_finish(&m.wrap);
	return m.status;
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	if (role == BL_ROLE_SENDMAIL_CF ||
	    (role != BL_ROLE_SENDMAIL_MC && bl_sendmail_looks_like_cf(src)))
		return bl_sendmail_parse_cf(cfg, src, diags);
	return parse_mc(cfg, src, diags);
}

static enum bl_file_role
classify(const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "sendmail.cf") == 0 || strcmp(base, "submit.cf") == 0)
		return BL_ROLE_SENDMAIL_CF;
	if (n > 3 && strcmp(base + n - 3, ".mc") == 0)
		return BL_ROLE_SENDMAIL_MC;
	return BL_ROLE_NONE;
}

static enum bl_file_role
detect(const struct bl_source *src)
{
	if (bl_sendmail_looks_like_cf(src))
		return BL_ROLE_SENDMAIL_CF;
	if (strstr(src->data, "OSTYPE(") != NULL ||
	    strstr(src->data, "define(`conf") != NULL ||
	    strstr(src->data, "/m4/cf.m4") != NULL)
		return BL_ROLE_SENDMAIL_MC;
	return BL_ROLE_NONE;
}

const struct bl_parser bl_parser_sendmail = {
    .name = "sendmail",
    .classify = classify,
    .detect = detect,
    .default_role = BL_ROLE_SENDMAIL_MC,
    .siblings = NULL,
    .is_template = NULL,
    .template_braces = BL_TEMPLATE_DOLLAR_BRACES,
    .parse = parse,
    .resolve = bl_resolve_sendmail,
    .render_value = bl_sendmail_render,
    .value_text = bl_sendmail_value_text,
    .place_new = bl_sendmail_place_new,
    .editable = bl_sendmail_editable,
    .host_ref = "$j",
    .fix_note = bl_sendmail_fix_note,
    .events = bl_sendmail_events,
    .comments = bl_m4_comments,
};

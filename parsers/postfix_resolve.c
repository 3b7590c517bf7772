/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix_resolve.c - Postfix's defaults and $parameter expansion, with
 * provenance: from main.cf and master.cf settings to the banner and HELO
 * surfaces of every listener and client.
 *
 * Expansion follows mac_parse(3) and mac_expand(3) in recursive mode, as
 * "postconf -x" and the daemons do: $name, ${name}, $(name), ${name?text},
 * ${name:text}, ${name?{a}:{b}}, the relational ${{a} OP {b}?...} form,
 * $$, greedy names, undefined names expanding to nothing, and
 * mac_expand's nesting limit. Every run of the expanded value remembers
 * which setting's text it came from and through which reference in the
 * surface's own setting.
 *
 * Hostile input is bounded (DESIGN.md §11): each expanded value stops at
 * BL_VALUE_MAX bytes and all the expansion of one instance at BL_WORK_MAX
 * units of work (bytes scanned and produced, BL_WORK_STEP for each
 * reference followed, the model's bookkeeping), with an error at the
 * surface's setting naming the parameter that blew up; a parameter that
 * refers to itself is an error as soon as the cycle closes. Lookups are
 * hashed, so the time is linear in the settings and the references.
 *
 * The surfaces and their arrays belong to the config. Problems Postfix
 * would refuse are error diagnostics at the offending reference.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "model.h"
#include "parser.h"
#include "postfix.h"
#include "resolve.h"
#include "util.h"

/* Postfix 3.7's compiled-in defaults for what a greeting can reach. */
struct pf_default {
	const char *key;
	const char *value;
	bool placeholder; /* only the running system knows the value */
};

static const struct pf_default pf_defaults[] = {
	{"smtpd_banner", "$myhostname ESMTP $mail_name", false},
	{"postscreen_greet_banner", "$smtpd_banner", false},
	{"smtp_helo_name", "$myhostname", false},
	{"lmtp_lhlo_name", "$myhostname", false},
	{"mail_name", "Postfix", false},
	{"mail_version", "<mail_version>", true},
	{"myhostname", "<system-hostname>", true},
	{"myorigin", "$myhostname", false},
	{"mydestination", "$myhostname, localhost.$mydomain, localhost", false},
	{"mail_owner", "postfix", false},
	{"inet_interfaces", "all", false},
	{"inet_protocols", "all", false},
	{"relayhost", "", false},
	{"smtp_always_send_ehlo", "yes", false},
	{"postscreen_greet_action", "ignore", false},
	{"smtpd_service_name", "smtpd", false},
	{"default_transport", "smtp", false},
	{"relay_transport", "relay", false},
	{"syslog_name", "${multi_instance_name?{$multi_instance_name}:{postfix}}",
	 false},
};

/*
 * mac_expand(3) fails a callback (a literal run or a $reference) made
 * when this many are already open ("if (mc->level++ > 100)"): Postfix's
 * own limit, lower than BL_DEPTH_MAX, so it is the one that applies.
 */
#define PF_NESTING_MAX 100

/*
 * Two small open-addressing tables: settings by their names (a main.cf
 * may hold hundreds of thousands), and facts about a pointer and an
 * offset (reported problems, origins, parameters being expanded). Slots
 * are never removed.
 */
struct pf_nslot {
	size_t hash; /* 0: a free slot */
	const struct bl_setting *s;
	size_t num; /* the caller's */
};

struct pf_names {
	struct pf_nslot *v;
	size_t cap, n;
};

struct pf_pslot {
	const void *ptr; /* NULL: a free slot */
	size_t off;
	size_t num; /* the caller's */
};

struct pf_map {
	struct pf_pslot *v;
	size_t cap, n;
};

/* Everything one instance's resolution shares across its surfaces. */
struct pf_run {
	struct bl_config *cfg;
	struct pf_names main; /* name -> last main.cf setting */
	/* the offsets of each setting already reported at: a bit per byte
	 * of its value (compact: a value may hold a million references) */
	struct pf_map seen;   /* setting -> index in said */
	unsigned char **said;
	size_t nsaid;
	const struct bl_setting *defaults[BL_ARRAY_LEN(pf_defaults)];
	size_t work; /* against BL_WORK_MAX */
};

/* A parameter being expanded, and the reference in it being followed. */
struct pf_frame {
	const struct bl_setting *s;
	size_t ref_off, ref_len;
};

struct pf_ctx {
	struct pf_run *run;
	struct bl_config *cfg;
	struct bl_diags *diags;
	const struct bl_scope *scope; /* NULL: main.cf alone */
	struct pf_names scoped;       /* name -> last setting of the scope */
	const char *process;          /* the program reading the value */
	struct bl_surface *sf;
	struct pf_map origins; /* setting -> index among sf's origins */
	struct pf_map active;  /* setting -> times on the stack */
	struct bl_buf *out;
	bool record; /* add pieces for what goes to out */
	size_t top_off, top_len;
	int level; /* mac_expand's: callbacks open */
	bool failed;
	/* the parameters being expanded, the surface's own first */
	struct pf_frame stack[PF_NESTING_MAX + 8];
	size_t depth;
	/* the defaults that depend on the surface, made once for it */
	const struct bl_setting *d_mydomain, *d_service, *d_process, *d_config;
};

/* hash_str - FNV-1a of a name, never 0 (that marks a free slot) */
static size_t
hash_str(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h ? h : 1;
}

/* hash_ptr - a mix of a pointer and an offset */
static size_t
hash_ptr(const void *p, size_t off)
{
	uint64_t h = (uint64_t)(uintptr_t)p ^
		     ((uint64_t)off * 0x9e3779b97f4a7c15u);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return (size_t)h;
}

/* names_slot - the slot of name in a table with room: found or free */
static struct pf_nslot *
names_slot(const struct pf_names *m, size_t h, const char *name)
{
	size_t k = h & (m->cap - 1);
	struct pf_nslot *sl;

	for (;; k = (k + 1) & (m->cap - 1)) {
		sl = &m->v[k];
		if (sl->hash == 0 ||
		    (sl->hash == h && strcmp(sl->s->key, name) == 0))
			return sl;
	}
}

/* names_get - the slot of name, or NULL */
static const struct pf_nslot *
names_get(const struct pf_names *m, const char *name)
{
	const struct pf_nslot *sl;

	if (m->cap == 0)
		return NULL;
	sl = names_slot(m, hash_str(name), name);
	return sl->hash != 0 ? sl : NULL;
}

/* names_put - the slot of s's name, now holding s; *added: it is new */
static struct pf_nslot *
names_put(struct pf_names *m, const struct bl_setting *s, bool *added)
{
	struct pf_nslot *old = m->v, *sl;
	size_t i, oldcap = m->cap, h = hash_str(s->key);

	if ((m->n + 1) * 2 > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = bl_xcalloc(m->cap, sizeof(*m->v));
		for (i = 0; i < oldcap; i++)
			if (old[i].hash != 0)
				*names_slot(m, old[i].hash, old[i].s->key) =
					old[i];
		free(old);
	}
	sl = names_slot(m, h, s->key);
	*added = sl->hash == 0;
	if (*added) {
		sl->hash = h;
		sl->num = 0;
		m->n++;
	}
	sl->s = s;
	return sl;
}

/* names_reserve - room for n names without growing */
static void
names_reserve(struct pf_names *m, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2 + 2)
		cap *= 2;
	if (m->n == 0 && cap > m->cap) {
		free(m->v);
		m->v = bl_xcalloc(cap, sizeof(*m->v));
		m->cap = cap;
	}
}

/* map_slot - the slot of (ptr, off) in a table with room: found or free */
static struct pf_pslot *
map_slot(const struct pf_map *m, const void *ptr, size_t off)
{
	size_t k = hash_ptr(ptr, off) & (m->cap - 1);
	struct pf_pslot *sl;

	for (;; k = (k + 1) & (m->cap - 1)) {
		sl = &m->v[k];
		if (sl->ptr == NULL || (sl->ptr == ptr && sl->off == off))
			return sl;
	}
}

/* map_put - the slot of (ptr, off), added with num 0 if new */
static struct pf_pslot *
map_put(struct pf_map *m, const void *ptr, size_t off, bool *added)
{
	struct pf_pslot *old = m->v, *sl;
	size_t i, oldcap = m->cap;

	if ((m->n + 1) * 2 > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = bl_xcalloc(m->cap, sizeof(*m->v));
		for (i = 0; i < oldcap; i++)
			if (old[i].ptr != NULL)
				*map_slot(m, old[i].ptr, old[i].off) = old[i];
		free(old);
	}
	sl = map_slot(m, ptr, off);
	*added = sl->ptr == NULL;
	if (*added) {
		sl->ptr = ptr;
		sl->off = off;
		sl->num = 0;
		m->n++;
	}
	return sl;
}

/* map_finish - free the table */
static void
map_finish(struct pf_map *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* seen_once - true the first time (s, off) is reported */
static bool
seen_once(struct pf_run *run, const struct bl_setting *s, size_t off)
{
	struct pf_pslot *sl;
	unsigned char *bits;
	bool added;

	if (off > s->raw_len)
		off = s->raw_len;
	sl = map_put(&run->seen, s, 0, &added);
	if (added) {
		if ((run->nsaid & (run->nsaid - 1)) == 0)
			run->said = bl_xreallocarray(run->said,
						     run->nsaid ? run->nsaid * 2
								: 1,
						     sizeof(*run->said));
		run->said[run->nsaid] = bl_xcalloc(s->raw_len / 8 + 1, 1);
		sl->num = run->nsaid++;
	}
	bits = run->said[sl->num];
	if (bits[off / 8] & (1u << (off % 8)))
		return false;
	bits[off / 8] |= (unsigned char)(1u << (off % 8));
	return true;
}

static void expand(struct pf_ctx *x, const struct bl_setting *holder,
		   size_t hidx, const char *p, size_t n);
static void expand_param(struct pf_ctx *x, const struct bl_setting *s,
			 size_t sidx);

/* Report a problem at offset off of the holder's raw value, once. */
static void
report(struct pf_ctx *x, enum bl_level level, const struct bl_setting *holder,
       size_t off, const char *msg)
{
	const struct bl_setting *at = holder;
	unsigned line = 0, col = 0;
	const char *file = NULL;
	size_t i;

	/* A default has no place in a file: blame the surface's setting. */
	if (holder->src == NULL && x->sf->norigin > 0 &&
	    x->sf->origin[0].setting->src != NULL) {
		at = x->sf->origin[0].setting;
		off = 0;
	}
	if (!seen_once(x->run, at, off))
		return;
	if (at->src != NULL) {
		file = at->src->path;
		bl_source_position(at->src, bl_setting_src_offset(at, off),
				   &line, &col);
	} else {
		for (i = 0; i < x->cfg->nsources; i++)
			if (x->cfg->sources[i] == x->cfg->main_src)
				file = x->cfg->main_src->path;
	}
	bl_diags_add(x->diags, level, file, line, col, "%s: %s", holder->key, msg);
}

/* fail - the surface cannot be computed: the first error says why */
static void
fail(struct pf_ctx *x, const struct bl_setting *holder, size_t off,
     const char *msg)
{
	if (x->failed)
		return;
	x->failed = true;
	report(x, BL_LEVEL_ERROR, holder, off, msg);
}

/*
 * A limit was reached: the error goes to the outermost parameter being
 * expanded that is written in a file (the surface's own setting, unless
 * that is a default), at the reference it was following, and names the
 * parameter behind that reference and the innermost one.
 */
static void
fail_limit(struct pf_ctx *x, bool work)
{
	const struct pf_frame *at = NULL, *next = NULL, *in = NULL;
	struct bl_buf m;
	size_t i;

	if (x->failed)
		return;
	if (x->depth == 0) {
		x->failed = true; /* nothing is being expanded: no place */
		return;
	}
	for (i = 0; i < x->depth && at == NULL; i++)
		if (x->stack[i].s->src != NULL)
			at = &x->stack[i];
	if (at == NULL)
		at = &x->stack[0];
	if (at + 1 < x->stack + x->depth) {
		next = at + 1;
		in = &x->stack[x->depth - 1];
	}
	bl_buf_init(&m);
	if (next != NULL)
		bl_buf_printf(&m, "expanding $%s", next->s->key);
	else if (at->ref_len > 0 && at->ref_len <= 64)
		bl_buf_printf(&m, "expanding the value (at %.*s)",
			      (int)at->ref_len, at->s->raw + at->ref_off);
	else
		bl_buf_printf(&m, "expanding the value");
	if (in != NULL && in != next)
		bl_buf_printf(&m, " (in $%s)", in->s->key);
	if (work)
		bl_buf_work_limit(&m, "parameters");
	else
		bl_buf_printf(&m,
			      " gives more than %u bytes, bannerlint's limit "
			      "for one expanded value (64 KiB, far above any "
			      "greeting): %s",
			      BL_VALUE_MAX,
			      next != NULL ? "a parameter refers to others too "
					     "many times; shorten it"
					   : "shorten it");
	fail(x, at->s, next != NULL || at->ref_len > 0 ? at->ref_off : 0,
	     m.data);
	bl_buf_finish(&m);
}

/* charge - count n units of work; false (and an error) past the limit */
static bool
charge(struct pf_ctx *x, size_t n)
{
	if (x->run->work > BL_WORK_MAX || n > BL_WORK_MAX - x->run->work) {
		x->run->work = BL_WORK_MAX + 1;
		fail_limit(x, true);
		return false;
	}
	x->run->work += n;
	return true;
}

/* origin - the index of s among the surface's origins, added if new */
static size_t
origin(struct pf_ctx *x, const struct bl_setting *s, size_t via,
       size_t ref_off, size_t ref_len)
{
	bool added;
	struct pf_pslot *sl = map_put(&x->origins, s, 0, &added);

	if (added) {
		/* the model searches its origins one by one: count that */
		(void)charge(x, x->sf->norigin + 1);
		sl->num = bl_surface_add_origin(x->sf, s, via, ref_off,
						ref_len);
	}
	return sl->num;
}

/* Expand a setting into a scratch string, recording no pieces. */
static char *
expand_scratch(struct pf_ctx *x, const struct bl_setting *s, size_t hidx)
{
	struct bl_buf tmp, *save_out = x->out;
	bool save_rec = x->record;

	bl_buf_init(&tmp);
	x->out = &tmp;
	x->record = false;
	expand_param(x, s, hidx);
	x->out = save_out;
	x->record = save_rec;
	return bl_buf_steal(&tmp);
}

/* The default of mydomain: myhostname without its first label. */
static const struct bl_setting *
default_mydomain(struct pf_ctx *x)
{
	const struct bl_setting *h;
	const struct pf_nslot *sl;
	const char *dot, *v;
	char *host;
	size_t hidx;

	if (x->d_mydomain != NULL)
		return x->d_mydomain;
	if ((sl = names_get(&x->scoped, "myhostname")) != NULL ||
	    (sl = names_get(&x->run->main, "myhostname")) != NULL)
		h = sl->s;
	else
		h = bl_config_default(x->cfg, "myhostname",
				      "<system-hostname>", true);
	hidx = origin(x, h, BL_NO_ORIGIN, 0, 0);
	host = expand_scratch(x, h, hidx);
	if (strstr(host, "<system-hostname>") != NULL) {
		free(host);
		h = bl_config_default(x->cfg, "mydomain", "<system-domain>",
				      true);
	} else {
		dot = strchr(host, '.');
		v = dot ? dot + 1 : "localdomain";
		h = bl_config_default(x->cfg, "mydomain", v, false);
		free(host);
	}
	if (!x->failed)
		x->d_mydomain = h;
	return h;
}

/* bl_resolve_postfix_lookup - the setting in effect for key in scope */
const struct bl_setting *
bl_resolve_postfix_lookup(const struct bl_config *cfg,
			  const struct bl_scope *scope, const char *key)
{
	const struct bl_setting *s = NULL;

	if (scope != NULL)
		s = bl_scope_lookup(scope, key);
	if (s == NULL)
		s = bl_config_lookup(cfg, key);
	return s;
}

/* The setting or default for name in this context; NULL when undefined. */
static const struct bl_setting *
lookup(struct pf_ctx *x, const char *name)
{
	const struct pf_nslot *sl;
	size_t i;

	if ((sl = names_get(&x->scoped, name)) != NULL ||
	    (sl = names_get(&x->run->main, name)) != NULL)
		return sl->s;
	if (strcmp(name, "mydomain") == 0)
		return default_mydomain(x);
	if (strcmp(name, "service_name") == 0) {
		char *svc = x->scope ? bl_xstrdup(x->scope->name) : NULL;

		if (x->d_service != NULL) {
			free(svc);
			return x->d_service;
		}
		if (svc != NULL && strrchr(svc, '/') != NULL)
			*strrchr(svc, '/') = '\0';
		x->d_service = bl_config_default(x->cfg, name, svc ? svc : "",
						 false);
		free(svc);
		return x->d_service;
	}
	if (strcmp(name, "process_name") == 0) {
		if (x->d_process == NULL)
			x->d_process = bl_config_default(x->cfg, name,
							 x->process, false);
		return x->d_process;
	}
	if (strcmp(name, "config_directory") == 0) {
		if (x->d_config == NULL)
			x->d_config = bl_config_default(x->cfg, name,
							x->cfg->name, false);
		return x->d_config;
	}
	for (i = 0; i < BL_ARRAY_LEN(pf_defaults); i++)
		if (strcmp(pf_defaults[i].key, name) == 0) {
			if (x->run->defaults[i] == NULL)
				x->run->defaults[i] = bl_config_default(
					x->cfg, name, pf_defaults[i].value,
					pf_defaults[i].placeholder);
			return x->run->defaults[i];
		}
	return NULL;
}

/* emit - append p[0, n) of origin hidx to the output; false on a limit */
static bool
emit(struct pf_ctx *x, size_t hidx, const char *p, size_t n)
{
	size_t np = x->sf->npieces;

	if (n == 0 || x->failed)
		return !x->failed;
	if (x->out->len + n > BL_VALUE_MAX) {
		fail_limit(x, false);
		return false;
	}
	if (!charge(x, n))
		return false;
	if (x->record) {
		bl_surface_add_piece(x->sf, x->out->len, hidx, p, n, x->top_off,
				     x->top_len);
		if (x->sf->npieces != np &&
		    !charge(x, sizeof(*x->sf->pieces)))
			return false;
	}
	bl_buf_add(x->out, p, n);
	return true;
}

/* nested - mac_expand's check before a callback; false (an error) when
 * too many are open */
static bool
nested(struct pf_ctx *x, const struct bl_setting *holder, size_t off)
{
	if (x->level <= PF_NESTING_MAX)
		return true;
	fail(x, holder, off,
	     "unreasonable macro call nesting: more than 100 levels of "
	     "$references and ${...} inside one another (Postfix refuses "
	     "to start)");
	return false;
}

/* is_name_char - a byte of a parameter name */
static bool
is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* is_ws - blank as mac_expand skips it */
static bool
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* {payload} at *pp (which is '{'): balance braces, skip blanks after. */
static bool
curly(const char **pp, const char *end, const char **pay, size_t *paylen)
{
	const char *p = *pp + 1;
	size_t level = 1;

	for (*pay = p; p < end; p++) {
		if (*p == '{')
			level++;
		else if (*p == '}' && --level == 0)
			break;
	}
	if (p >= end)
		return false;
	*paylen = (size_t)(p - *pay);
	p++;
	while (p < end && is_ws(*p))
		p++;
	*pp = p;
	return true;
}

/* find_curly - skip blanks to a "{"; false when something else is there */
static bool
find_curly(const char **pp, const char *end)
{
	const char *p = *pp;

	while (p < end && is_ws(*p))
		p++;
	if (p < end && *p == '{') {
		*pp = p;
		return true;
	}
	return false;
}

/* all_digits - a non-empty string of digits */
static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Compare two numbers written in digits without overflow. */
static int
numcmp(const char *a, const char *b)
{
	size_t la, lb;

	while (*a == '0' && a[1] != '\0')
		a++;
	while (*b == '0' && b[1] != '\0')
		b++;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

/* Expand a {text} operand of a relational expression to a string. */
static char *
operand(struct pf_ctx *x, const struct bl_setting *holder, size_t hidx,
	const char *p, size_t n)
{
	struct bl_buf tmp, *save_out = x->out;
	bool save_rec = x->record;

	bl_buf_init(&tmp);
	x->out = &tmp;
	x->record = false;
	expand(x, holder, hidx, p, n);
	x->out = save_out;
	x->record = save_rec;
	return bl_buf_steal(&tmp);
}

/* The relational form {a} OP {b}; sets *truth, advances *pp. */
static bool
relational(struct pf_ctx *x, const struct bl_setting *holder, size_t hidx,
	   const char **pp, const char *end, bool *truth)
{
	static const char opchars[] = "<>!=?+-*/~&|%";
	const char *p = *pp, *l, *r, *op;
	size_t ll, rl, oplen;
	char *a, *b;
	int c;

	if (!curly(&p, end, &l, &ll)) {
		fail(x, holder, (size_t)(*pp - holder->raw),
		     "unbalanced {} in a relational expression");
		return false;
	}
	op = p;
	while (p < end && *p != '\0' && strchr(opchars, *p) != NULL)
		p++;
	oplen = (size_t)(p - op);
	if (!find_curly(&p, end) || !curly(&p, end, &r, &rl)) {
		fail(x, holder, (size_t)(op - holder->raw),
		     "\"{expression}\" expected after the operator");
		return false;
	}
	a = operand(x, holder, hidx, l, ll);
	b = operand(x, holder, hidx, r, rl);
	c = all_digits(a) && all_digits(b) ? numcmp(a, b) : strcmp(a, b);
	free(a);
	free(b);
	if (x->failed)
		return false;
	if (oplen == 2 && memcmp(op, "==", 2) == 0)
		*truth = c == 0;
	else if (oplen == 2 && memcmp(op, "!=", 2) == 0)
		*truth = c != 0;
	else if (oplen == 1 && *op == '<')
		*truth = c < 0;
	else if (oplen == 2 && memcmp(op, "<=", 2) == 0)
		*truth = c <= 0;
	else if (oplen == 2 && memcmp(op, ">=", 2) == 0)
		*truth = c >= 0;
	else if (oplen == 1 && *op == '>')
		*truth = c > 0;
	else {
		fail(x, holder, (size_t)(op - holder->raw),
		     "unknown operator: use ==, !=, <, <=, >= or >");
		return false;
	}
	*pp = p;
	return true;
}

/* One ${...}, $(...) or $name: body [p, p+n); tok is the whole token. */
static void
expression(struct pf_ctx *x, const struct bl_setting *holder, size_t hidx,
	   const char *p, size_t n, const char *tok, size_t toklen)
{
	const char *end = p + n, *q = p, *res;
	const struct bl_setting *s = NULL;
	size_t reslen, sidx = BL_NO_ORIGIN, save_off, save_len;
	size_t tok_off = (size_t)(tok - holder->raw);
	bool logical = false, truth = false, defined;
	char *name;
	int ch = 0;

	if (!nested(x, holder, tok_off) || !charge(x, BL_WORK_STEP))
		return;
	x->level++;
	/* The reference in the surface's own setting that led here. */
	save_off = x->top_off;
	save_len = x->top_len;
	if (hidx == 0 && x->top_len == 0) {
		x->top_off = tok_off;
		x->top_len = toklen;
	}
	/* and the one its own parameter is following now */
	x->stack[x->depth - 1].ref_off = tok_off;
	x->stack[x->depth - 1].ref_len = toklen;
	if (find_curly(&q, end)) {
		logical = true;
		if (!relational(x, holder, hidx, &q, end, &truth))
			goto out;
		if (q < end) {
			ch = *q++;
			if (ch != '?' && ch != ':') {
				fail(x, holder, (size_t)(q - 1 - holder->raw),
				     "\"?\" or \":\" expected after the "
				     "relational expression");
				goto out;
			}
		}
	} else {
		/* Blanks around the name are allowed (Postfix 3.x). */
		while (p < end && is_ws(*p))
			p++;
		for (q = p; q < end && is_name_char((unsigned char)*q); q++)
			;
		name = bl_xstrndup(p, (size_t)(q - p));
		while (q < end && is_ws(*q))
			q++;
		if (q < end && *q != '?' && *q != ':') {
			fail(x, holder, (size_t)(q - holder->raw),
			     "parameter name syntax error: expected \"?\", "
			     "\":\" or \"}\" after the name");
			free(name);
			goto out;
		}
		if (q < end)
			ch = *q++;
		s = lookup(x, name);
		if (x->failed) {
			free(name);
			goto out;
		}
		if (s != NULL) {
			sidx = origin(x, s, hidx, tok_off, toklen);
		} else if (ch == 0) {
			char *msg = bl_xasprintf(
				"undefined parameter $%s expands to "
				"nothing%s",
				name,
				strncmp(name, "myhostname", 10) == 0 &&
						name[10] != '\0'
					? " (for $myhostname followed by text, "
					  "write ${myhostname})"
					: "");
			report(x, BL_LEVEL_WARNING, holder, tok_off, msg);
			free(msg);
		}
		free(name);
		/* Like mac_expand(3), a test looks at the unexpanded value. */
		truth = s != NULL && s->raw_len > 0;
	}
	defined = logical || s != NULL;
	switch (ch) {
	case '?':
		if (find_curly(&q, end)) {
			if (!curly(&q, end, &res, &reslen)) {
				fail(x, holder, (size_t)(q - holder->raw),
				     "unbalanced {} in a conditional expression");
				goto out;
			}
		} else {
			res = q;
			reslen = (size_t)(end - q);
			q = end;
		}
		if (truth)
			expand(x, holder, hidx, res, reslen);
		if (q >= end || x->failed)
			break;
		if (*q != ':') {
			fail(x, holder, (size_t)(q - holder->raw),
			     "\":\" expected after the \"?\" branch of a conditional");
			goto out;
		}
		q++;
		/* FALLTHROUGH */
	case ':':
		if (find_curly(&q, end)) {
			if (!curly(&q, end, &res, &reslen)) {
				fail(x, holder, (size_t)(q - holder->raw),
				     "unbalanced {} in a conditional expression");
				goto out;
			}
		} else {
			res = q;
			reslen = (size_t)(end - q);
			q = end;
		}
		if (!truth)
			expand(x, holder, hidx, res, reslen);
		if (q < end && !x->failed) {
			fail(x, holder, (size_t)(q - holder->raw),
			     "unexpected text after a conditional");
			goto out;
		}
		break;
	default:
		if (logical)
			(void)emit(x, hidx, truth ? "true" : "", truth ? 4 : 0);
		else if (defined && s->raw_len > 0)
			expand_param(x, s, sidx);
		break;
	}
out:
	x->top_off = save_off;
	x->top_len = save_len;
	x->stack[x->depth - 1].ref_off = x->stack[x->depth - 1].ref_len = 0;
	x->level--;
}

/* literal - mac_parse's literal text p[0, n): one callback, then out */
static bool
literal(struct pf_ctx *x, const struct bl_setting *holder, size_t hidx,
	const char *p, size_t n)
{
	if (n == 0)
		return true;
	if (!nested(x, holder, (size_t)(p - holder->raw)))
		return false;
	return emit(x, hidx, p, n);
}

/* mac_parse(3): literal text and $ references in [p, p+n) of holder. */
static void
expand(struct pf_ctx *x, const struct bl_setting *holder, size_t hidx,
       const char *p, size_t n)
{
	const char *end = p + n, *lit = p, *q, *body;
	char open, close;
	size_t level;

	/* the text is read once here, and each ${...} once more inside */
	if (x->failed || !charge(x, n + 1))
		return;
	while (p < end && !x->failed) {
		if (*p != '$') {
			p++;
			continue;
		}
		if (!literal(x, holder, hidx, lit, (size_t)(p - lit)))
			return;
		q = p + 1;
		if (q < end && *q == '$') {
			if (!literal(x, holder, hidx, q, 1))
				return;
			p = lit = q + 1;
			continue;
		}
		if (q < end && (*q == '{' || *q == '(')) {
			open = *q;
			close = open == '{' ? '}' : ')';
			body = q + 1;
			for (level = 1, q = body; q < end; q++) {
				if (*q == open)
					level++;
				else if (*q == close && --level == 0)
					break;
			}
			if (q >= end) {
				fail(x, holder, (size_t)(p - holder->raw),
				     "truncated macro reference: a "
				     "\"${\" or \"$(\" is not closed");
				return;
			}
			if (q == body) {
				fail(x, holder, (size_t)(p - holder->raw),
				     "empty macro name: \"${}\" or \"$()\" names no parameter");
				return;
			}
			expression(x, holder, hidx, body, (size_t)(q - body), p,
				   (size_t)(q + 1 - p));
			p = lit = q + 1;
			continue;
		}
		for (body = q; q < end && is_name_char((unsigned char)*q); q++)
			;
		if (q == body) {
			fail(x, holder, (size_t)(p - holder->raw),
			     "empty macro name: write $$ for a "
			     "literal \"$\"");
			return;
		}
		expression(x, holder, hidx, body, (size_t)(q - body), p,
			   (size_t)(q - p));
		p = lit = q;
	}
	if (!x->failed)
		(void)literal(x, holder, hidx, lit, (size_t)(end - lit));
}

/*
 * expand_param - the value of s (origin sidx), reached through the
 * reference the top frame is following: a parameter already being
 * expanded would recurse for ever (Postfix stops at its nesting limit and
 * refuses to start), so that is an error where the cycle closes.
 */
static void
expand_param(struct pf_ctx *x, const struct bl_setting *s, size_t sidx)
{
	const struct pf_frame *top = x->depth ? &x->stack[x->depth - 1] : NULL;
	struct pf_pslot *on;
	bool added;

	if (x->failed)
		return;
	on = map_put(&x->active, s, 0, &added);
	if (on->num > 0 || x->depth == BL_ARRAY_LEN(x->stack)) {
		fail(x, top ? top->s : s, top ? top->ref_off : 0,
		     on->num > 0
			     ? "unreasonable macro call nesting: a parameter "
			       "refers to itself (Postfix refuses to start)"
			     : "unreasonable macro call nesting: more than 100 "
			       "levels of $references inside one another "
			       "(Postfix refuses to start)");
		return;
	}
	on->num++;
	x->stack[x->depth].s = s;
	x->stack[x->depth].ref_off = x->stack[x->depth].ref_len = 0;
	x->depth++;
	expand(x, s, sidx, s->raw, s->raw_len);
	x->depth--;
	/* the table may have grown meanwhile: find the slot again */
	map_put(&x->active, s, 0, &added)->num--;
}

/* The first word of a value: the host name a greeting presents. */
static const char *
first_word(struct bl_arena *a, const char *v)
{
	const char *e;

	while (*v == ' ' || *v == '\t')
		v++;
	for (e = v; *e && *e != ' ' && *e != '\t' && *e != '\r'; e++)
		;
	return bl_arena_strndup(a, v, (size_t)(e - v));
}

/* Fill in configured, value and origin of a surface read from key. */
static int
compute(struct pf_run *run, struct bl_diags *diags, struct bl_surface *sf,
	const struct bl_scope *scope, const char *key, const char *process)
{
	struct pf_ctx x;
	struct bl_buf out;
	const struct bl_setting *s;
	bool added;
	size_t i;

	memset(&x, 0, sizeof(x));
	x.run = run;
	x.cfg = run->cfg;
	x.diags = diags;
	x.scope = scope;
	x.process = process;
	x.sf = sf;
	x.record = true;
	bl_buf_init(&out);
	x.out = &out;
	if (scope != NULL) {
		/* name -> last setting of the scope, and the overrides in
		 * effect: the last value of each name, in first-set order */
		names_reserve(&x.scoped, scope->nsettings);
		sf->overrides = bl_xreallocarray(NULL, scope->nsettings + 1,
						 sizeof(*sf->overrides));
		for (i = 0; i < scope->nsettings; i++) {
			const struct bl_setting *o = scope->settings[i];
			struct pf_nslot *sl = names_put(&x.scoped, o, &added);

			if (added)
				sl->num = sf->noverrides++;
			sf->overrides[sl->num].key = o->key;
			sf->overrides[sl->num].value = o->raw;
		}
	}

	sf->key = key;
	s = lookup(&x, key);
	if (s == NULL) {
		/* A user parameter nobody set: it expands to nothing. */
		sf->configured = sf->value = sf->hostname = "";
		sf->valid = true;
		goto done;
	}
	map_put(&x.origins, s, 0, &added)->num =
		bl_surface_add_origin(sf, s, BL_NO_ORIGIN, 0, 0);
	sf->configured = s->raw;
	if (run->work > BL_WORK_MAX) {
		/* An earlier surface used it all up, and said so: this one
		 * cannot be made either ("see the errors above"). */
		x.failed = true;
	} else {
		expand_param(&x, s, 0);
	}
	sf->valid = !x.failed;
	sf->value = bl_arena_strndup(&run->cfg->arena, out.data, out.len);
	sf->hostname = first_word(&run->cfg->arena, sf->value);
done:
	bl_buf_finish(&out);
	free(x.scoped.v);
	map_finish(&x.origins);
	map_finish(&x.active);
	return x.failed ? -1 : 0;
}

/* surface - add the surface of key in scope and compute it */
static int
surface(struct pf_run *run, struct bl_diags *diags, enum bl_surface_kind kind,
	const struct bl_scope *scope, const char *key, const char *process)
{
	struct bl_surface *sf = bl_config_add_surface(run->cfg);
	const struct bl_source *file;

	sf->kind = kind;
	sf->mta = "postfix";
	sf->scope = scope ? scope->name : "main";
	sf->scope_obj = scope;
	file = scope ? scope->src : run->cfg->main_src;
	sf->file = file ? file->path : NULL;
	return compute(run, diags, sf, scope, key, process);
}

/* handoff - the smtpd_banner surface of the "NAME/pass" smtpd service
 * that postscreen hands a passed client to, or NULL (borrowed) */
static const struct bl_surface *
handoff(const struct bl_config *cfg, const char *name)
{
	size_t i, n = strlen(name);
	const struct bl_surface *sf;

	for (i = 0; i < cfg->nsurfaces; i++) {
		sf = &cfg->surfaces[i];
		if (sf->kind == BL_SURFACE_BANNER && sf->scope_obj != NULL &&
		    strcmp(sf->key, "smtpd_banner") == 0 &&
		    strncmp(sf->scope, name, n) == 0 &&
		    strcmp(sf->scope + n, "/pass") == 0)
			return sf;
	}
	return NULL;
}

/*
 * The lines a client sees: "220 text"; behind postscreen(8), its "220-"
 * pre-greeting (postscreen_greet_banner, none when empty), then the "220 "
 * line of the smtpd it hands the client to: the pass service named by
 * smtpd_service_name in postscreen's context, with that service's own -o
 * overrides (postscreen(8); formats.md errata of section 1.7). When there
 * is no such service, postscreen's own smtpd_banner stands in: that is
 * the line of its built-in engine (after_220 tests).
 */
static void
greetings(struct pf_run *run)
{
	struct bl_config *cfg = run->cfg;
	const struct bl_surface *behind;
	struct bl_buf g;
	size_t i;

	bl_buf_init(&g);
	for (i = 0; i < cfg->nsurfaces; i++) {
		struct bl_surface *sf = &cfg->surfaces[i];

		if (sf->kind != BL_SURFACE_BANNER)
			continue;
		bl_buf_reset(&g);
		if (strcmp(sf->key, "postscreen_greet_banner") == 0) {
			struct bl_surface tmp, name;
			struct bl_diags quiet;

			memset(&tmp, 0, sizeof(tmp));
			memset(&name, 0, sizeof(name));
			bl_diags_init(&quiet);
			compute(run, &quiet, &name, sf->scope_obj,
				"smtpd_service_name", "postscreen");
			behind = handoff(cfg, name.value);
			if (behind == NULL)
				compute(run, &quiet, &tmp, sf->scope_obj,
					"smtpd_banner", "postscreen");
			bl_diags_finish(&quiet);
			if (*sf->value != '\0')
				bl_buf_printf(&g, "220-%s\n", sf->value);
			bl_buf_printf(&g, "220 %s",
				      behind ? behind->value : tmp.value);
			free(tmp.origin);
			free(tmp.pieces);
			free(tmp.overrides);
			free(name.origin);
			free(name.pieces);
			free(name.overrides);
		} else {
			bl_buf_printf(&g, "220 %s", sf->value);
		}
		sf->greeting = bl_arena_strdup(&cfg->arena, g.data);
	}
	bl_buf_finish(&g);
}

/* run_init - the shared state of one resolution of cfg */
static void
run_init(struct pf_run *run, struct bl_config *cfg)
{
	bool added;
	size_t i;

	memset(run, 0, sizeof(*run));
	run->cfg = cfg;
	names_reserve(&run->main, cfg->nsettings);
	for (i = 0; i < cfg->nsettings; i++)
		if (strcmp(cfg->settings[i]->scope, "main") == 0)
			(void)names_put(&run->main, cfg->settings[i], &added);
}

/* run_finish - free the shared state */
static void
run_finish(struct pf_run *run)
{
	size_t i;

	free(run->main.v);
	for (i = 0; i < run->nsaid; i++)
		free(run->said[i]);
	free(run->said);
	map_finish(&run->seen);
}

/* main_cf_path - main.cf of the instance, also when only master.cf is
 * there (where myhostname would go) */
static const char *
main_cf_path(struct bl_config *cfg)
{
	const char *m, *slash;
	char *p;

	if (cfg->main_src != NULL)
		return cfg->main_src->path;
	if (bl_postfix_master(cfg) == NULL)
		return cfg->name;
	m = bl_postfix_master(cfg)->path;
	slash = strrchr(m, '/');
	p = slash ? bl_xasprintf("%.*s/main.cf", (int)(slash - m), m)
		  : bl_xstrdup("main.cf");
	m = bl_arena_strdup(&cfg->arena, p);
	free(p);
	return m;
}

/*
 * What every Postfix program checks when it starts (mail_params_init in
 * global/mail_params.c, through get_mail_conf_*_table): a parameter of a
 * string table shorter than its minimum, an integer, time or boolean
 * parameter that does not parse or lies outside its bounds. postconf
 * prints such values without a word; postmap, postfix and every daemon
 * die on them ("bad string length 0 < 1: myhostname = "). The table and
 * its bounds were checked one by one with Postfix 3.7.11's postmap
 * (tests/oracle/postfix_oracle.py judges with it too).
 */
enum pf_type {
	PF_STR,
	PF_INT,
	PF_LONG,
	PF_TIME,
	PF_BOOL,
};

struct pf_param {
	const char *key;
	enum pf_type type;
	long min, max; /* 0: no bound (Postfix's own convention) */
};

static const struct pf_param pf_params[] = {
	{"myhostname", PF_STR, 1, 0},
	{"mydomain", PF_STR, 1, 0},
	{"mail_name", PF_STR, 1, 0},
	{"syslog_name", PF_STR, 1, 0},
	{"mail_owner", PF_STR, 1, 0},
	{"setgid_group", PF_STR, 1, 0},
	{"myorigin", PF_STR, 1, 0},
	{"daemon_directory", PF_STR, 1, 0},
	{"data_directory", PF_STR, 1, 0},
	{"command_directory", PF_STR, 1, 0},
	{"meta_directory", PF_STR, 1, 0},
	{"queue_directory", PF_STR, 1, 0},
	{"shlib_directory", PF_STR, 1, 0},
	{"double_bounce_sender", PF_STR, 1, 0},
	{"default_privs", PF_STR, 1, 0},
	{"mail_release_date", PF_STR, 1, 0},
	{"mail_version", PF_STR, 1, 0},
	{"default_database_type", PF_STR, 1, 0},
	{"hash_queue_names", PF_STR, 1, 0},
	{"mynetworks_style", PF_STR, 1, 0},
	{"default_verp_delimiters", PF_STR, 2, 2},
	{"verp_delimiter_filter", PF_STR, 1, 0},
	{"bounce_service_name", PF_STR, 1, 0},
	{"cleanup_service_name", PF_STR, 1, 0},
	{"defer_service_name", PF_STR, 1, 0},
	{"pickup_service_name", PF_STR, 1, 0},
	{"queue_service_name", PF_STR, 1, 0},
	{"rewrite_service_name", PF_STR, 1, 0},
	{"showq_service_name", PF_STR, 1, 0},
	{"error_service_name", PF_STR, 1, 0},
	{"flush_service_name", PF_STR, 1, 0},
	{"address_verify_service_name", PF_STR, 1, 0},
	{"trace_service_name", PF_STR, 1, 0},
	{"proxymap_service_name", PF_STR, 1, 0},
	{"proxywrite_service_name", PF_STR, 1, 0},
	{"info_log_address_format", PF_STR, 1, 0},
	{"syslog_facility", PF_STR, 1, 0},
	{"maillog_file_prefixes", PF_STR, 1, 0},
	{"maillog_file_compressor", PF_STR, 1, 0},
	{"maillog_file_rotate_suffix", PF_STR, 1, 0},
	{"postlog_service_name", PF_STR, 1, 0},
	{"default_process_limit", PF_INT, 1, 0},
	{"max_use", PF_INT, 1, 0},
	{"dont_remove", PF_INT, 0, 0},
	{"line_length_limit", PF_INT, 512, 0},
	{"hash_queue_depth", PF_INT, 1, 0},
	{"fork_attempts", PF_INT, 1, 0},
	{"deliver_lock_attempts", PF_INT, 1, 0},
	{"debug_peer_level", PF_INT, 1, 0},
	{"fault_injection_code", PF_INT, 0, 0},
	{"berkeley_db_create_buffer_size", PF_INT, 1, 0},
	{"berkeley_db_read_buffer_size", PF_INT, 1, 0},
	{"header_size_limit", PF_INT, 1, 0},
	{"header_address_token_limit", PF_INT, 1, 0},
	{"mime_nesting_limit", PF_INT, 1, 0},
	{"mime_boundary_length_limit", PF_INT, 1, 0},
	{"delay_logging_resolution_limit", PF_INT, 0, 6},
	{"tcp_windowsize", PF_INT, 0, 0},
	{"message_size_limit", PF_LONG, 0, 0},
	{"lmdb_map_size", PF_LONG, 1, 0},
	{"max_idle", PF_TIME, 1, 0},
	{"ipc_timeout", PF_TIME, 1, 0},
	{"ipc_idle", PF_TIME, 1, 0},
	{"ipc_ttl", PF_TIME, 1, 0},
	{"trigger_timeout", PF_TIME, 1, 0},
	{"fork_delay", PF_TIME, 1, 0},
	{"deliver_lock_delay", PF_TIME, 1, 0},
	{"stale_lock_time", PF_TIME, 1, 0},
	{"daemon_timeout", PF_TIME, 1, 0},
	{"in_flow_delay", PF_TIME, 0, 10},
	{"disable_dns_lookups", PF_BOOL, 0, 0},
	{"soft_bounce", PF_BOOL, 0, 0},
	{"owner_request_special", PF_BOOL, 0, 0},
	{"strict_8bitmime", PF_BOOL, 0, 0},
	{"strict_7bit_headers", PF_BOOL, 0, 0},
	{"strict_8bitmime_body", PF_BOOL, 0, 0},
	{"strict_mime_encoding_domain", PF_BOOL, 0, 0},
	{"disable_mime_input_processing", PF_BOOL, 0, 0},
	{"disable_mime_output_conversion", PF_BOOL, 0, 0},
	{"address_verify_negative_cache", PF_BOOL, 0, 0},
	{"backwards_bounce_logfile_compatibility", PF_BOOL, 0, 0},
	{"helpful_warnings", PF_BOOL, 0, 0},
	{"multi_instance_enable", PF_BOOL, 0, 0},
	{"enable_long_queue_ids", PF_BOOL, 0, 0},
	{"strict_smtputf8", PF_BOOL, 0, 0},
	{"enable_original_recipient", PF_BOOL, 0, 0},
	{"daemon_table_open_error_is_fatal", PF_BOOL, 0, 0},
	{"dns_ncache_ttl_fix_enable", PF_BOOL, 0, 0},
	{"smtputf8_enable", PF_BOOL, 0, 0},
	{"enable_idna2003_compatibility", PF_BOOL, 0, 0},
};

/* has_placeholder - does v hold a value only the running system or a
 * template knows ("<system-hostname>", "<template>")? Not judged. */
static bool
has_placeholder(const char *v)
{
	const char *p, *q;

	for (p = strchr(v, '<'); p != NULL; p = strchr(p + 1, '<')) {
		for (q = p + 1; (*q >= 'a' && *q <= 'z') || *q == '_' ||
				*q == '-' || (*q >= '0' && *q <= '9');
		     q++)
			;
		if (q > p + 1 && *q == '>')
			return true;
	}
	return false;
}

/* parse_number - v as strtol(3) reads a whole value: optional blanks and
 * sign, digits, nothing after; within [lo, hi] */
static bool
parse_number(const char *v, long long lo, long long hi, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || errno == ERANGE || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

/* parse_time - v as conv_time(3) of Postfix 3.7 reads it (verified with
 * postmap): a number, then nothing (seconds) or a unit s, m, h, d or w
 * (what follows the unit is not looked at); false when it does not parse */
static bool
parse_time(const char *v, long long *out)
{
	static const char units[] = "smhdw";
	static const long long mult[] = {1, 60, 3600, 86400, 604800};
	const char *u;
	char *end;
	long long n;

	if (*v == '\0')
		return false;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno == ERANGE || n < 0 || n > INT32_MAX)
		return false;
	if (*end == '\0') {
		*out = n;
		return true;
	}
	if ((u = strchr(units, *end)) == NULL)
		return false;
	*out = n * mult[u - units];
	return true;
}

/* hostname_problem - why valid_hostname(3) refuses v, or NULL: at most
 * 255 bytes, labels of letters, digits, '_' and inner '-' of at most 63,
 * no empty label or final dot, not all digits */
static const char *
hostname_problem(const char *v)
{
	size_t i, n = strlen(v), label = 0;
	bool numeric = true;

	if (n > 255)
		return "it is longer than 255 bytes";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c >= 0x80)
			return NULL; /* a UTF-8 name: SMTPUTF8's, not judged */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_') {
			numeric = false;
			label++;
		} else if (c >= '0' && c <= '9') {
			label++;
		} else if (c == '.') {
			if (label == 0 || i + 1 == n)
				return i + 1 == n && label > 0
					       ? "it ends with a dot"
					       : "it has an empty label";
			label = 0;
			continue;
		} else if (c == '-') {
			numeric = false;
			if (label == 0 || i + 1 == n || v[i + 1] == '.')
				return "a label starts or ends with a hyphen";
			label++;
		} else {
			return "it contains a character other than letters, "
			       "digits, '-' and '_'";
		}
		if (label > 63)
			return "a label is longer than 63 bytes";
	}
	return numeric ? "it is all digits and dots (a numeric host name)"
		       : NULL;
}

/* startup_error - an error at setting s: what the program (who, or
 * scope's daemon) would die of; msg is taken and freed */
static void
startup_error(struct pf_run *run, struct bl_diags *diags,
	      const struct bl_setting *s, const struct bl_scope *scope,
	      const char *who, char *msg)
{
	if (s->src != NULL && seen_once(run, s, s->raw_len)) {
		if (scope != NULL)
			bl_diags_add(diags, BL_LEVEL_ERROR, s->src->path,
				     s->line, s->col,
				     "%s: %s%s: %s of service %s refuses to "
				     "start",
				     s->key, msg,
				     strcmp(s->scope, "main") == 0
					     ? " with that service's overrides"
					     : "",
				     who, scope->name);
		else
			bl_diags_add(diags, BL_LEVEL_ERROR, s->src->path,
				     s->line, s->col,
				     "%s: %s: %s refuses to start", s->key, msg,
				     who);
	}
	free(msg);
}

/* param_value - key expanded in scope (caller frees), and the setting in
 * effect in *sp (NULL: a default); NULL when it cannot be computed */
static char *
param_value(struct pf_run *run, const struct bl_scope *scope, const char *key,
	    const char *process, const struct bl_setting **sp)
{
	struct bl_surface tmp;
	struct bl_diags quiet;
	char *v = NULL;

	memset(&tmp, 0, sizeof(tmp));
	bl_diags_init(&quiet);
	*sp = NULL;
	if (compute(run, &quiet, &tmp, scope, key, process) == 0 &&
	    tmp.norigin > 0 && !tmp.origin[0].setting->is_default &&
	    !has_placeholder(tmp.value)) {
		*sp = tmp.origin[0].setting;
		v = bl_xstrdup(tmp.value);
	}
	bl_diags_finish(&quiet);
	free(tmp.origin);
	free(tmp.pieces);
	free(tmp.overrides);
	return v;
}

/* check_param - one parameter of pf_params in scope (NULL: main.cf) */
static void
check_param(struct pf_run *run, struct bl_diags *diags,
	    const struct bl_scope *scope, const struct pf_param *p)
{
	const char *who = scope ? "the daemon" : "every Postfix program";
	const struct bl_setting *s;
	char *v = param_value(run, scope, p->key, "postfix", &s);
	const char *why, *exp;
	char *m = NULL;
	long long n = 0;
	size_t len;

	if (v == NULL)
		return;
	len = strlen(v);
	exp = strcmp(v, s->raw) == 0 ? "" : " after expansion";
	switch (p->type) {
	case PF_STR:
		if ((long)len < p->min && len == 0)
			m = bl_xasprintf("the value is empty%s (Postfix: \"bad "
					 "string length 0 < %ld\")",
					 exp, p->min);
		else if ((long)len < p->min || (p->max > 0 && (long)len > p->max))
			m = bl_xasprintf("\"%s\"%s has %zu characters, not %ld",
					 v, exp, len, p->min);
		else if ((strcmp(p->key, "myhostname") == 0 ||
			  strcmp(p->key, "mydomain") == 0) &&
			 (why = hostname_problem(v)) != NULL)
			m = bl_xasprintf("\"%s\"%s is not a valid host name: %s",
					 v, exp, why);
		else if (strcmp(p->key, "myorigin") == 0 &&
			 v[strcspn(v, ", \t\r\n")] != '\0')
			m = bl_xasprintf("\"%s\"%s holds more than one value",
					 v, exp);
		break;
	case PF_INT:
	case PF_LONG:
		if (!parse_number(v, p->type == PF_INT ? INT32_MIN : INT64_MIN,
				  p->type == PF_INT ? INT32_MAX : INT64_MAX,
				  &n))
			m = bl_xasprintf("\"%s\"%s is not a whole number "
					 "(Postfix: \"bad numerical "
					 "configuration\")",
					 v, exp);
		break;
	case PF_TIME:
		if (!parse_time(v, &n))
			m = bl_xasprintf("\"%s\"%s is not a time: a number, "
					 "optionally followed by one of the "
					 "units s, m, h, d or w",
					 v, exp);
		break;
	case PF_BOOL:
		if (strcasecmp(v, "yes") != 0 && strcasecmp(v, "no") != 0)
			m = bl_xasprintf("\"%s\"%s is not yes or no (Postfix: "
					 "\"bad boolean configuration\")",
					 v, exp);
		break;
	}
	if (m == NULL && p->type != PF_STR && p->type != PF_BOOL) {
		if (p->min != 0 && n < p->min)
			m = bl_xasprintf("\"%s\"%s is less than %ld%s, the "
					 "least Postfix accepts",
					 v, exp, p->min,
					 p->type != PF_TIME ? ""
					 : p->min == 1	    ? " second"
							    : " seconds");
		else if (p->max != 0 && n > p->max)
			m = bl_xasprintf("\"%s\"%s is more than %ld%s, the "
					 "most Postfix accepts",
					 v, exp, p->max,
					 p->type == PF_TIME ? " seconds" : "");
	}
	if (m != NULL)
		startup_error(run, diags, s, scope, who, m);
	free(v);
}

/* check_relayhost - myhostname and relayhost the same (mail_params.c:
 * "must not be identical") */
static void
check_relayhost(struct pf_run *run, struct bl_diags *diags,
		const struct bl_scope *scope)
{
	const struct bl_setting *sh, *sr;
	char *h = param_value(run, scope, "myhostname", "postfix", &sh);
	char *r = param_value(run, scope, "relayhost", "postfix", &sr);

	if (h != NULL && r != NULL && *h != '\0' && strcasecmp(h, r) == 0)
		startup_error(run, diags, sr, scope,
			      scope ? "the daemon" : "every Postfix program",
			      bl_xasprintf("\"%s\" is also the value of "
					   "myhostname: the two must not be "
					   "identical",
					   r));
	free(h);
	free(r);
}

/*
 * startup_checks - the start-up errors of mail_params_init, in main.cf
 * and in every service that overrides one of its parameters (master(8)
 * passes -o to the daemon, which applies it before that check), and the
 * client's own: an empty smtp_helo_name or lmtp_lhlo_name
 * (smtp_params.c, lmtp_params.c: minimum length 1) stops the smtp or
 * lmtp client, so it is an error where a client uses it: each smtp/lmtp
 * service, or main.cf when there is no master.cf.
 */
static void
startup_checks(struct pf_run *run, struct bl_diags *diags)
{
	struct bl_config *cfg = run->cfg;
	size_t i, k, j;

	if (cfg->main_src != NULL) {
		for (k = 0; k < BL_ARRAY_LEN(pf_params); k++)
			check_param(run, diags, NULL, &pf_params[k]);
		check_relayhost(run, diags, NULL);
	}
	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];
		const struct pf_nslot *sl;

		if (sc->shadowed || sc->nsettings == 0)
			continue;
		/* What the service overrides, and what main.cf sets through
		 * a $reference an override may change; the rest is the same
		 * in every service and was checked above. */
		for (k = 0; k < BL_ARRAY_LEN(pf_params); k++) {
			const char *key = pf_params[k].key;

			if (bl_scope_lookup(sc, key) != NULL ||
			    ((sl = names_get(&run->main, key)) != NULL &&
			     memchr(sl->s->raw, '$', sl->s->raw_len) != NULL))
				check_param(run, diags, sc, &pf_params[k]);
		}
		for (j = 0; j < sc->nsettings; j++)
			if (strcmp(sc->settings[j]->key, "myhostname") == 0 ||
			    strcmp(sc->settings[j]->key, "relayhost") == 0) {
				check_relayhost(run, diags, sc);
				break;
			}
	}
	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];
		const struct bl_setting *s;
		bool client;

		if (sf->kind != BL_SURFACE_HELO || !sf->valid ||
		    *sf->value != '\0' || sf->norigin == 0)
			continue;
		client = sf->scope_obj != NULL || bl_postfix_master(cfg) == NULL;
		s = sf->origin[0].setting;
		if (!client || s->is_default)
			continue;
		startup_error(run, diags, s, sf->scope_obj,
			      strcmp(sf->key, "lmtp_lhlo_name") == 0
				      ? "the lmtp client"
				      : "the smtp client",
			      bl_xasprintf("the value is empty%s (Postfix: "
					   "\"bad string length 0 < 1\")",
					   *sf->configured == '\0'
						   ? ""
						   : " after expansion"));
	}
}

/* loopback_host - is the host part of a master.cf service name
 * ("127.0.0.1:10026", "[::1]:10025", "localhost:10025") an address only
 * this machine can connect to? A name without a host ("smtp", "2525")
 * listens on inet_interfaces. */
static bool
loopback_host(const char *service)
{
	const char *colon = strrchr(service, ':');
	size_t n;

	if (colon == NULL)
		return false;
	n = (size_t)(colon - service);
	if ((n == 5 && strncmp(service, "[::1]", 5) == 0) ||
	    (n == 3 && strncmp(service, "::1", 3) == 0) ||
	    (n == 9 && strncasecmp(service, "localhost", 9) == 0))
		return true;
	return n > 4 && strncmp(service, "127.", 4) == 0 &&
	       strspn(service + 4, "0123456789.") >= n - 4;
}

/* loopback_interfaces - does inet_interfaces limit every listener to
 * this machine? */
static bool
loopback_interfaces(const struct bl_config *cfg)
{
	const struct bl_setting *s = bl_config_lookup(cfg, "inet_interfaces");
	const char *v = s ? s->raw : "all";

	return strcmp(v, "loopback-only") == 0 ||
	       strcmp(v, "localhost") == 0 || strcmp(v, "127.0.0.1") == 0 ||
	       strcmp(v, "[::1]") == 0 || strcmp(v, "127.0.0.1, [::1]") == 0 ||
	       strcmp(v, "127.0.0.1 [::1]") == 0;
}

/* public_service - may strangers connect to this service: an inet
 * listener on an address other than loopback, or a pass service
 * (postscreen hands it the connections it accepted)? */
static bool
public_service(const struct bl_scope *sc)
{
	const char *t = strrchr(sc->name, '/');

	if (t == NULL)
		return false;
	if (strcmp(t, "/pass") == 0)
		return true;
	return strcmp(t, "/inet") == 0 &&
	       !loopback_host(sc->name);
}

/* service_port - the port a master.cf inet service name listens on
 * ("smtp", "submission", "smtps", "[::1]:2525", "2525"), or 0 */
static unsigned
service_port(const char *scope)
{
	static const struct {
		const char *name;
		unsigned port;
	} known[] = {
	    {"smtp", 25},   {"submission", 587}, {"smtps", 465},
	    {"submissions", 465}, {"lmtp", 24},  {NULL, 0},
	};
	const char *t = strrchr(scope, '/'), *c;
	size_t n, i;
	unsigned p = 0;

	if (t == NULL || strcmp(t, "/inet") != 0)
		return 0;
	n = (size_t)(t - scope);
	for (c = t; c > scope && c[-1] != ':'; c--)
		;
	c = c > scope ? c - 1 : NULL;
	if (c != NULL) {
		n -= (size_t)(c + 1 - scope);
		scope = c + 1;
	}
	for (i = 0; known[i].name != NULL; i++)
		if (strlen(known[i].name) == n &&
		    strncmp(known[i].name, scope, n) == 0)
			return known[i].port;
	for (i = 0; i < n; i++) {
		if (scope[i] < '0' || scope[i] > '9' || p > 6553)
			return 0;
		p = p * 10 + (unsigned)(scope[i] - '0');
	}
	return p <= 65535 ? p : 0;
}

/* from_myhostname - does the first word of sf's value come from
 * $myhostname? */
static bool
from_myhostname(const struct bl_surface *sf)
{
	const char *at = strstr(sf->value, sf->hostname);
	size_t i, k, off = at != NULL ? (size_t)(at - sf->value) : 0;

	for (i = 0; i < sf->npieces; i++) {
		const struct bl_piece *p = &sf->pieces[i];

		if (off < p->off || off >= p->off + p->len)
			continue;
		for (k = p->origin; k != BL_NO_ORIGIN; k = sf->origin[k].via)
			if (strcmp(sf->origin[k].key, "myhostname") == 0)
				return true;
	}
	return false;
}

/*
 * roles - what the engine needs of each surface: which banners strangers
 * see (role awareness: a loopback-only listener such as the
 * content-filter return path 127.0.0.1:10026 is not public; with no
 * master.cf every banner is), whether the banner's name is $myhostname,
 * and the lines BL303 compares (postscreen: its pre-greeting and the
 * greeting of the smtpd behind it).
 */
static void
roles(struct pf_run *run)
{
	struct bl_config *cfg = run->cfg;
	bool loopback = loopback_interfaces(cfg), any = false;
	size_t i;

	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];
		const char *t = strrchr(sc->name, '/');

		if (!sc->shadowed && t && strcmp(t, "/inet") == 0 &&
		    (strcmp(sc->role, "smtpd") == 0 ||
		     strcmp(sc->role, "postscreen") == 0) &&
		    public_service(sc))
			any = true;
	}
	for (i = 0; i < cfg->nsurfaces; i++) {
		struct bl_surface *sf = &cfg->surfaces[i];

		sf->host_named = from_myhostname(sf);
		if (sf->kind != BL_SURFACE_BANNER)
			continue;
		if (sf->scope_obj != NULL)
			sf->port = service_port(sf->scope_obj->name);
		if (loopback)
			sf->public = false;
		else if (bl_postfix_master(cfg) == NULL)
			sf->public = true;
		else if (sf->scope_obj != NULL)
			sf->public = public_service(sf->scope_obj);
		else
			sf->public = any;
		sf->nlines = 0;
		if (strcmp(sf->key, "postscreen_greet_banner") == 0 &&
		    sf->greeting != NULL) {
			const char *last = strrchr(sf->greeting, '\n');

			if (*sf->value != '\0')
				sf->lines[sf->nlines++] = sf->value;
			sf->lines[sf->nlines++] =
				last ? last + 5 : sf->greeting + 4;
			sf->behind = "smtpd";
		} else {
			sf->lines[sf->nlines++] = sf->value;
		}
	}
}

/*
 * stray_message - BL304's message for sc->stray, the first argument of a
 * master.cf command that is no option (getopt stops there): what made it
 * an argument, and what the program does with it. smtpd(8) and
 * postscreen(8) exit on any argument ("unexpected command-line argument");
 * smtp(8) and lmtp(8) take only attributes such as flags= and exit when
 * they start ("unknown attribute name"). Caller frees.
 */
static char *
stray_message(const struct bl_scope *sc)
{
	const char *d = sc->src->data, *prev = NULL, *ov = NULL;
	size_t i = sc->stray_off, e, pl = 0, ovl = 0, k;
	bool client = strcmp(sc->role, "smtp") == 0 ||
		      strcmp(sc->role, "lmtp") == 0;
	bool same_line = true;
	char *then, *m;

	/* the token before the stray one, and an override that ends right
	 * before it on the same line */
	while (i > 0 && (d[i - 1] == ' ' || d[i - 1] == '\t' ||
			 d[i - 1] == '\r' || d[i - 1] == '\n')) {
		if (d[i - 1] == '\n')
			same_line = false;
		i--;
	}
	for (e = i; i > 0 && d[i - 1] != ' ' && d[i - 1] != '\t' &&
		    d[i - 1] != '\n';
	     i--)
		;
	prev = d + i;
	pl = e - i;
	for (k = 0; k < sc->nsettings && same_line; k++) {
		const struct bl_setting *s = sc->settings[k];

		if (s->src == sc->src && s->stmt_off + s->stmt_len == e) {
			ov = d + s->stmt_off;
			ovl = s->stmt_len;
		}
	}
	then = bl_xasprintf(client ? "the %s client exits when it starts "
				     "(\"unknown attribute name: %s\")"
				   : "%s exits on it (\"unexpected "
				     "command-line argument: %s\")",
			    sc->role, sc->stray);
	if (ov != NULL)
		m = bl_xasprintf("master.cf '%s' after '-o %.*s' is a command "
				 "argument, not part of that override (an -o "
				 "value ends at the first blank; write -o { "
				 "name = value } for one with blanks): option "
				 "processing stops there, later -o options are "
				 "ignored, and %s",
				 sc->stray, (int)ovl, ov, then);
	else if (pl == 2 && memcmp(prev, "--", 2) == 0)
		m = bl_xasprintf("master.cf '%s' comes after '--', which ends "
				 "the options of %s: it is a command argument "
				 "(an -o there is no override) and %s",
				 sc->stray, sc->role, then);
	else
		m = bl_xasprintf("master.cf '%s' is a command argument of %s, "
				 "not an option: option processing stops "
				 "there, later -o options are ignored, and %s",
				 sc->stray, sc->role, then);
	free(then);
	return m;
}

/*
 * strays - BL304's facts: the first argument of a master.cf command that
 * is no option, for the programs that exit on it (smtpd, postscreen; the
 * smtp and lmtp clients take only attributes); pipe(8) and others take
 * attribute arguments. An event each, with its message.
 */
static void
strays(struct bl_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];
		char *m;

		if (sc->stray == NULL || sc->shadowed ||
		    (strcmp(sc->role, "smtpd") != 0 &&
		     strcmp(sc->role, "postscreen") != 0 &&
		     strcmp(sc->role, "smtp") != 0 &&
		     strcmp(sc->role, "lmtp") != 0))
			continue;
		m = stray_message(sc);
		bl_config_add_event(cfg, "stray-argument", sc->src,
				    sc->stray_off, strlen(sc->stray), m);
		free(m);
		cfg->events[cfg->nevents - 1].scope = sc->name;
		/* the place the parser saw (a continued line's own line) */
		cfg->events[cfg->nevents - 1].line = sc->stray_line;
		cfg->events[cfg->nevents - 1].col = sc->stray_col;
	}
}

/* The Postfix findings only Postfix has (BL304), from the events above. */
const struct bl_dialect_event bl_postfix_events[] = {
	{"override-whitespace", "stray-argument", NULL},
	{NULL, NULL, NULL},
};

const char *const bl_hash_comments[] = {"#", NULL};

/*
 * bl_postfix_render - value as Postfix reads it: a main.cf line, or a
 * master.cf override (braced when the value has blanks, Postfix 3.0)
 */
char *
bl_postfix_render(const struct bl_config *cfg, const struct bl_setting *s,
		  const char *value, struct bl_buf *note)
{
	if (s->scope != NULL && strcmp(s->scope, "main") != 0) {
		bl_buf_printf(note, "in %s", s->scope);
		return bl_xasprintf(strpbrk(value, " \t") != NULL
					    ? "-o { %s = %s }"
					    : "-o %s=%s",
				    s->key, value);
	}
	if (s->is_default)
		bl_buf_adds(note, "add this line");
	return bl_xasprintf("%s = %s", s->key, value);
}

/* bl_resolve_postfix - compute every banner and HELO surface */
int
bl_resolve_postfix(struct bl_config *cfg, struct bl_diags *diags)
{
	struct pf_run run;
	int status = 0;
	size_t i;

	run_init(&run, cfg);
	cfg->hostname_key = "myhostname";
	cfg->hostname_file = main_cf_path(cfg);
	if (cfg->main_src != NULL || bl_postfix_master(cfg) == NULL) {
		status |= surface(&run, diags, BL_SURFACE_BANNER, NULL,
				  "smtpd_banner", "smtpd");
		status |= surface(&run, diags, BL_SURFACE_HELO, NULL,
				  "smtp_helo_name", "smtp");
		status |= surface(&run, diags, BL_SURFACE_HELO, NULL,
				  "lmtp_lhlo_name", "lmtp");
	}
	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];

		if (sc->shadowed)
			continue;
		if (strcmp(sc->role, "smtpd") != 0 &&
		    strcmp(sc->role, "postscreen") != 0 &&
		    strcmp(sc->role, "smtp") != 0 &&
		    strcmp(sc->role, "lmtp") != 0)
			continue;
		if (!bl_config_surface_room(cfg, diags, sc)) {
			status = 1;
			break;
		}
		if (strcmp(sc->role, "smtpd") == 0)
			status |= surface(&run, diags, BL_SURFACE_BANNER, sc,
					  "smtpd_banner", sc->role);
		else if (strcmp(sc->role, "postscreen") == 0)
			status |= surface(&run, diags, BL_SURFACE_BANNER, sc,
					  "postscreen_greet_banner", sc->role);
		else if (strcmp(sc->role, "smtp") == 0)
			status |= surface(&run, diags, BL_SURFACE_HELO, sc,
					  "smtp_helo_name", sc->role);
		else if (strcmp(sc->role, "lmtp") == 0)
			status |= surface(&run, diags, BL_SURFACE_HELO, sc,
					  "lmtp_lhlo_name", sc->role);
	}
	greetings(&run);
	roles(&run);
	strays(cfg);
	if (status == 0)
		startup_checks(&run, diags);
	run_finish(&run);
	return status ? -1 : 0;
}

/* bl_resolve_postfix_expand - expand key as Postfix would in scope */
int
bl_resolve_postfix_expand(struct bl_config *cfg, const struct bl_scope *scope,
			  const char *key, char **out, struct bl_diags *diags)
{
	struct bl_surface tmp;
	struct pf_run run;
	int status;

	memset(&tmp, 0, sizeof(tmp));
	run_init(&run, cfg);
	status = compute(&run, diags, &tmp, scope, key,
			 scope ? scope->role : "postconf");
	*out = bl_xstrdup(tmp.value);
	free(tmp.origin);
	free(tmp.pieces);
	free(tmp.overrides);
	run_finish(&run);
	return status;
}

/*
 * bl_postfix_value_text - value where s's value is: as it is in main.cf
 * and in a braced override; an unbraced master.cf "-o k=v" whose new
 * value has blanks becomes "{ k = v }" (the blank would end the option)
 */
char *
bl_postfix_value_text(const struct bl_config *cfg, const struct bl_setting *s,
		      const char *value, bool *whole)
{
	size_t a = s->stmt_off;

	(void)cfg;
	*whole = false;
	if (s->scope == NULL || strcmp(s->scope, "main") == 0 ||
	    strpbrk(value, " \t") == NULL)
		return bl_xstrdup(value);
	/* braced: the option's text starts after "{" and blanks */
	while (a > 0 && (s->src->data[a - 1] == ' ' ||
			 s->src->data[a - 1] == '\t'))
		a--;
	if (a > 0 && s->src->data[a - 1] == '{')
		return bl_xstrdup(value);
	*whole = true;
	return bl_xasprintf("{ %s = %s }", s->key, value);
}

/* bl_postfix_place_new - a new parameter goes at the end of main.cf,
 * which is made when there is none (master.cf alone) */
int
bl_postfix_place_new(const struct bl_config *cfg, const char *key,
		     const char *scope, const struct bl_source **src,
		     size_t *off, char **create)
{
	(void)key;
	*src = NULL;
	*create = NULL;
	if (scope != NULL && strcmp(scope, "main") != 0)
		return -1;
	if (cfg->main_src != NULL) {
		*src = cfg->main_src;
		*off = cfg->main_src->len;
		return 0;
	}
	if (cfg->hostname_file == NULL)
		return -1;
	*create = bl_xstrdup(cfg->hostname_file);
	*off = 0;
	return 0;
}

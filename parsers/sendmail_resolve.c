/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sendmail_resolve.c - what sendmail sends: the greeting made from
 * SmtpGreetingMessage (or confSMTP_LOGIN_MSG of an .mc) and the HELO name.
 *
 * A cf line loses its "#" comment and trailing white space when it is read
 * (readcf.c translate_dollars, ConfigLevel 3 and later); the greeting is
 * then "munched" (a '"' is dropped, \n \r \f \b are control characters,
 * any other \c is c), expanded at connect time ($j the official host name,
 * $v the version, $Z the cf version, $b the date, $?x..$|..$. conditionals)
 * and sent with "ESMTP" inserted after its first word (srvrsmtp.c); a line
 * after the first loses one leading white-space character. Values only the
 * running server knows become placeholders: <system-hostname>,
 * <sendmail_version>, <cf_version>, <date>, <client_name>.
 * HeloName is used as written: it is not expanded.
 *
 * Hostile input is bounded (DESIGN.md §11): a macro that refers to itself
 * is an error where the cycle closes (sendmail rescans a value at most
 * MaxMacroRecursion times, then logs "expand: recursion too deep"), every
 * value stops at BL_VALUE_MAX bytes and the expansion of an instance at
 * BL_WORK_MAX units of work, each with an error at the D or O line that
 * caused it. Conditionals are counted as sendmail counts them (no stack),
 * so their nesting needs no limit.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "parser.h"
#include "resolve.h"
#include "util.h"

/* sendmail's own default when no SmtpGreetingMessage is given */
static const char default_greeting[] = "$j Sendmail $v ready at $b";

/*
 * sendmail's MaxMacroRecursion (conf.c): expand() substitutes the macros
 * of a text, then rescans the result while what it put in holds macros,
 * at most this many times. Sendmail's own limit, lower than BL_DEPTH_MAX;
 * it sizes the stack of values being rendered (a cycle is an error at
 * once, and only $j and $Z are rendered, so the stack stays short).
 */
#define SM_RECURSION_MAX 10

/* A value being rendered, and the macro reference in it being followed. */
struct sm_frame {
	const struct bl_setting *s;
	size_t ref_off, ref_len;
};

struct sm_ctx {
	struct bl_config *cfg;
	struct bl_diags *diags;
	struct bl_surface *sf;
	struct bl_buf *out;
	bool is_mc;
	bool failed;                   /* this surface: see the diagnostic */
	size_t work;                   /* the instance's, against BL_WORK_MAX */
	const struct bl_setting *j, *z; /* $j's and $Z's settings, or NULL */
	const struct bl_setting *dw, *dm; /* $w's and $m's (Dw, Dm), or NULL */
	/* the placeholders of one-letter macros, made once */
	const struct bl_setting *placeholder[256];
	struct sm_frame stack[SM_RECURSION_MAX + 2];
	size_t depth;
	/* errors reported, to say each once (a surface has one at most) */
	struct sm_frame said[4];
	size_t nsaid;
};

static bool
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/*
 * The text sendmail keeps of a raw value, with the raw offset of every
 * byte: "#" comments (and the blanks before them) and trailing white space
 * removed, then munched.
 */
static size_t
clean(const char *raw, size_t n, bool munch, char *out, size_t *at)
{
	size_t i, k = 0, j;
	bool bs = false;

	for (i = 0; i < n; i++) {
		char c = raw[i];

		if (c == '$' && i + 1 < n) {
			/* "$x", "${name}": kept whole ("$#" is no comment) */
			j = i + 1;
			if (strchr("=~&?", raw[j]) != NULL && j + 1 < n)
				j++;
			if (raw[j] == '{') {
				const char *e = memchr(raw + j, '}', n - j);

				j = e ? (size_t)(e - raw) : n - 1;
			}
			for (; i <= j; i++) {
				out[k] = raw[i];
				at[k++] = i;
			}
			i = j;
			continue;
		}
		if (c == '#' && i > 0) {
			if (k > 0 && out[k - 1] == '\\') {
				out[k - 1] = '#';
				at[k - 1] = i;
				continue;
			}
			while (k > 0 && blank((unsigned char)out[k - 1]) &&
			       out[k - 1] != '\n')
				k--;
			while (i < n && raw[i] != '\n')
				i++;
			if (i < n)
				i--;
			continue;
		}
		out[k] = c;
		at[k++] = i;
	}
	while (k > 0 && blank((unsigned char)out[k - 1]))
		k--;
	if (!munch)
		return k;
	for (i = 0, j = 0; i < k; i++) {
		if (bs) {
			bs = false;
			out[j] = out[i] == 'n'	 ? '\n'
				 : out[i] == 'r' ? '\r'
				 : out[i] == 'f' ? '\f'
				 : out[i] == 'b' ? '\b'
						 : out[i];
			at[j++] = at[i];
		} else if (out[i] == '\\') {
			bs = true;
		} else if (out[i] != '"') {
			out[j] = out[i];
			at[j++] = at[i];
		}
	}
	return j;
}

static void render(struct sm_ctx *x, const struct bl_setting *h, size_t hidx,
		   bool munch);

/* The later in file order of the settings of two keys (an .mc's generated
 * line and a LOCAL_CONFIG line: whichever comes later in the cf wins). */
static const struct bl_setting *
lookup2(const struct bl_config *cfg, const char *a, const char *b)
{
	size_t i;

	for (i = cfg->nsettings; i-- > 0;) {
		const struct bl_setting *s = cfg->settings[i];

		if (strcmp(s->scope, "main") == 0 &&
		    (strcmp(s->key, a) == 0 || strcmp(s->key, b) == 0))
			return s;
	}
	return NULL;
}

/* report - an error at offset off of s's raw value (a default: at the
 * surface's own setting, else the file as a whole) */
static void
report(struct sm_ctx *x, const struct bl_setting *s, size_t off,
       const char *msg)
{
	const struct bl_setting *at = s;
	unsigned line = 0, col = 0;
	size_t i;

	if (at->src == NULL && x->sf->norigin > 0) {
		at = x->sf->origin[0].setting;
		off = 0;
	}
	/* the greeting and the host name render $j alike: once is enough */
	for (i = 0; i < x->nsaid; i++)
		if (x->said[i].s == at && x->said[i].ref_off == off)
			return;
	if (x->nsaid < BL_ARRAY_LEN(x->said)) {
		x->said[x->nsaid].s = at;
		x->said[x->nsaid++].ref_off = off;
	}
	if (at->src != NULL)
		bl_source_position(at->src, bl_setting_src_offset(at, off),
				   &line, &col);
	bl_diags_add(x->diags, BL_LEVEL_ERROR,
		     at->src ? at->src->path
			     : x->cfg->main_src ? x->cfg->main_src->path : NULL,
		     line, col, "%s: %s", s->key, msg);
}

/* fail - the surface cannot be computed: the first error says why */
static void
fail(struct sm_ctx *x, const struct bl_setting *s, size_t off,
     const char *msg)
{
	if (x->failed)
		return;
	x->failed = true;
	report(x, s, off, msg);
}

/* The macro a setting defines, for messages: "j" for Dj, else its key. */
static const char *
macro_of(const struct bl_setting *s)
{
	if (strcmp(s->key, "Dj") == 0 || strcmp(s->key, "confDOMAIN_NAME") == 0)
		return "$j";
	if (strcmp(s->key, "DZ") == 0)
		return "$Z";
	if (strcmp(s->key, "Dw") == 0)
		return "$w";
	if (strcmp(s->key, "Dm") == 0)
		return "$m";
	return s->key;
}

/*
 * A limit was reached: the error goes to the outermost value being
 * rendered that is written in a file, at the macro it was following, and
 * names that macro and the innermost one.
 */
static void
fail_limit(struct sm_ctx *x, bool work)
{
	const struct sm_frame *at = NULL, *next = NULL, *in = NULL;
	struct bl_buf m;
	size_t i;

	if (x->failed)
		return;
	if (x->depth == 0) {
		x->failed = true; /* nothing is being rendered: no place */
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
		bl_buf_printf(&m, "expanding %s", macro_of(next->s));
	else
		bl_buf_printf(&m, "expanding the value");
	if (in != NULL && in != next)
		bl_buf_printf(&m, " (in %s)", macro_of(in->s));
	if (work)
		bl_buf_work_limit(&m, "macros");
	else
		bl_buf_printf(&m,
			      " gives more than %u bytes, bannerlint's limit "
			      "for one expanded value (64 KiB, far above any "
			      "greeting; sendmail itself cuts a line at 2047 "
			      "bytes and an expansion at 4095): shorten it",
			      BL_VALUE_MAX);
	fail(x, at->s, next != NULL ? at->ref_off : 0, m.data);
	bl_buf_finish(&m);
}

/* charge - count n units of work; false (and an error) past the limit */
static bool
charge(struct sm_ctx *x, size_t n)
{
	if (x->work > BL_WORK_MAX || n > BL_WORK_MAX - x->work) {
		x->work = BL_WORK_MAX + 1;
		fail_limit(x, true);
		return false;
	}
	x->work += n;
	return true;
}

/* placeholder - a default standing for what only the server knows: the
 * one-letter ones made once, the long ones counted as work (each is an
 * allocation) */
static const struct bl_setting *
placeholder(struct sm_ctx *x, const char *name, const char *value)
{
	const struct bl_setting **slot = NULL;
	const struct bl_setting *s;
	char *ph = NULL;

	if (name[0] != '\0' && name[1] == '\0') {
		slot = &x->placeholder[(unsigned char)name[0]];
		if (*slot != NULL)
			return *slot;
	} else if (!charge(x, sizeof(*s) + 2 * strlen(name) + 4)) {
		return NULL;
	}
	if (value == NULL)
		value = ph = bl_xasprintf("<%s>", name);
	s = bl_config_default(x->cfg, name, value, true);
	free(ph);
	if (slot != NULL)
		*slot = s;
	return s;
}

/* The setting a macro stands for, and whether to render it further. */
static const struct bl_setting *
macro(struct sm_ctx *x, const char *name, bool *render_it)
{
	*render_it = false;
	if (strcmp(name, "j") == 0) {
		if (x->j != NULL) {
			*render_it = true;
			return x->j;
		}
		return placeholder(x, "j", "<system-hostname>");
	}
	if (strcmp(name, "Z") == 0) {
		/* an .mc's $Z is known when the tree's version.m4 was read */
		if (x->z != NULL && !x->z->placeholder) {
			*render_it = true;
			return x->z;
		}
		return placeholder(x, "Z", "<cf_version>");
	}
	if (strcmp(name, "v") == 0)
		return placeholder(x, "v", "<sendmail_version>");
	if (strcmp(name, "b") == 0)
		return placeholder(x, "b", "<date>");
	if (strcmp(name, "w") == 0) {
		if (x->dw != NULL) {
			*render_it = true;
			return x->dw;
		}
		return placeholder(x, "w", "<system-shortname>");
	}
	if (strcmp(name, "m") == 0) {
		if (x->dm != NULL) {
			*render_it = true;
			return x->dm;
		}
		return placeholder(x, "m", "<system-domain>");
	}
	return placeholder(x, name, NULL);
}

/* Defined when the greeting is sent? The host's own macros and those of
 * the connection are. */
static bool
defined_at_connect(const char *name)
{
	return strcmp(name, "j") == 0 || strcmp(name, "v") == 0 ||
	       strcmp(name, "Z") == 0 || strcmp(name, "b") == 0 ||
	       strcmp(name, "w") == 0 || strcmp(name, "m") == 0 ||
	       strncmp(name, "client_", 7) == 0 || strncmp(name, "if_", 3) == 0 ||
	       strncmp(name, "daemon_", 7) == 0;
}

/* add - p[0, n) of origin hidx as the bytes c[0, n) of the output; false
 * (and an error) on a limit */
static bool
add(struct sm_ctx *x, size_t hidx, const char *p, const char *c, size_t n)
{
	size_t np = x->sf->npieces;

	if (n == 0)
		return true;
	if (x->out->len + n > BL_VALUE_MAX) {
		fail_limit(x, false);
		return false;
	}
	if (!charge(x, n))
		return false;
	bl_surface_add_piece(x->sf, x->out->len, hidx, p, n, 0, 0);
	if (x->sf->npieces != np && !charge(x, sizeof(*x->sf->pieces)))
		return false;
	bl_buf_add(x->out, c, n);
	return true;
}

/* origin - the index of v among the surface's origins (the model looks
 * through them one by one: that is counted) */
static size_t
origin(struct sm_ctx *x, const struct bl_setting *v, size_t via,
       size_t ref_off, size_t ref_len)
{
	if (!charge(x, x->sf->norigin + 1))
		return BL_NO_ORIGIN;
	return bl_surface_add_origin(x->sf, v, via, ref_off, ref_len);
}

/* Expand h's raw value into x->out ($ macros, conditionals). */
static void
render(struct sm_ctx *x, const struct bl_setting *h, size_t hidx, bool munch)
{
	size_t n = h->raw_len, k, i, j, nx, d;
	char *t, *name;
	size_t *at;
	/* expand()'s conditional state: open $?, and how many of them
	 * inside a skipped branch */
	size_t iflev = 0, skiplev = 0;
	bool skipping = false;

	if (x->failed || !charge(x, n + 1))
		return;
	/* A value already being rendered recurses for ever: sendmail
	 * rescans it until MaxMacroRecursion and gives up. Only $j and $Z
	 * are rendered, so without a cycle the stack stays short. */
	for (d = 0; d < x->depth; d++)
		if (x->stack[d].s == h || x->depth == BL_ARRAY_LEN(x->stack)) {
			fail(x, x->stack[x->depth - 1].s,
			     x->stack[x->depth - 1].ref_off,
			     "the macro refers to itself: sendmail expands it "
			     "again and again, then logs \"expand: recursion "
			     "too deep (10 max)\" and sends it unexpanded; "
			     "define it without itself");
			return;
		}
	x->stack[x->depth].s = h;
	x->stack[x->depth].ref_off = x->stack[x->depth].ref_len = 0;
	x->depth++;
	t = bl_xmalloc(n + 1);
	at = bl_xmalloc((n + 1) * sizeof(*at));
	k = clean(h->raw, n, munch, t, at);
	for (i = 0; i < k && !x->failed; i = nx) {
		bool on = !skipping;
		char op;

		if (t[i] != '$' || i + 1 >= k ||
		    blank((unsigned char)t[i + 1])) {
			if (on && !add(x, hidx, h->raw + at[i], t + i, 1))
				break;
			nx = i + 1;
			continue;
		}
		op = t[i + 1];
		if (op == '$') {
			if (on && !add(x, hidx, h->raw + at[i], "$", 1))
				break;
			nx = i + 2;
			continue;
		}
		if (op == '|' && iflev > 0) {
			if (skiplev == 0)
				skipping = !skipping;
			nx = i + 2;
			continue;
		}
		if (op == '.' && iflev > 0) {
			iflev--;
			if (skiplev == 0)
				skipping = false;
			if (skipping)
				skiplev--;
			nx = i + 2;
			continue;
		}
		j = i + 1;
		if (strchr("?&=~", op) != NULL && j + 1 < k)
			j++;
		if (t[j] == '{') {
			const char *e = memchr(t + j, '}', k - j);
			size_t end = e ? (size_t)(e - t) : k;

			name = bl_xstrndup(t + j + 1, end - j - 1);
			nx = end < k ? end + 1 : k;
		} else {
			name = bl_xstrndup(t + j, 1);
			nx = j + 1;
		}
		if (op == '?') {
			iflev++;
			if (skipping)
				skiplev++;
			else
				skipping = !defined_at_connect(name);
		} else if (on && charge(x, BL_WORK_STEP)) {
			bool sub;
			const struct bl_setting *v = macro(x, name, &sub);
			size_t vidx = v ? origin(x, v, hidx, at[i],
						 at[nx - 1] + 1 - at[i])
					: BL_NO_ORIGIN;

			x->stack[x->depth - 1].ref_off = at[i];
			x->stack[x->depth - 1].ref_len = at[nx - 1] + 1 - at[i];
			if (vidx == BL_NO_ORIGIN)
				; /* a limit: reported */
			else if (sub)
				render(x, v, vidx, true);
			else
				(void)add(x, vidx, v->raw, v->raw, v->raw_len);
		}
		free(name);
	}
	free(t);
	free(at);
	x->depth--;
}

/* below - how many of the sorted positions r[0, nr) are below pos */
static size_t
below(const size_t *r, size_t nr, size_t pos)
{
	size_t lo = 0, hi = nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r[mid] < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* move_piece - pc, one side of the insertion, in the edited value */
static void
move_piece(struct bl_piece *pc, size_t ins, const size_t *r, size_t nr)
{
	size_t a = pc->off, b = pc->off + pc->len;
	size_t cut = below(r, nr, b) - below(r, nr, a);

	if (pc->len > 0 && cut > 0 && r[below(r, nr, a)] == a)
		pc->src_off++; /* its first byte is gone */
	pc->off = a - below(r, nr, a) + (a >= ins ? 6 : 0);
	pc->len -= cut;
}

/*
 * The pieces of a value edited as greeting_text edits it: " ESMTP"
 * inserted at ins, the bytes at the sorted positions r[0, nr) removed
 * (all offsets in the unedited value). One pass: a piece is moved, shrunk
 * by the bytes removed from it, and split at the insertion (the part
 * after it goes to the end of the list).
 */
static void
edit_pieces(struct bl_surface *sf, size_t ins, const size_t *r, size_t nr)
{
	size_t i, npc = sf->npieces;
	struct bl_piece *pc, tail;

	for (i = 0; i < npc; i++) {
		pc = &sf->pieces[i];
		if (pc->off < ins && ins < pc->off + pc->len) {
			tail = *pc;
			tail.off = ins;
			tail.len = pc->off + pc->len - ins;
			tail.src_off += ins - pc->off;
			pc->len = ins - pc->off;
			move_piece(pc, ins, r, nr);
			move_piece(&tail, ins, r, nr);
			sf->pieces = bl_xreallocarray(sf->pieces,
						      sf->npieces + 1,
						      sizeof(*sf->pieces));
			sf->pieces[sf->npieces++] = tail;
			continue;
		}
		move_piece(pc, ins, r, nr);
	}
}

/* srvrsmtp.c: "ESMTP" after the first word of the first line (at its end
 * if it has no space); later lines lose one leading white-space
 * character. */
static char *
greeting_text(struct bl_config *cfg, struct bl_surface *sf, const char *v,
	      size_t len)
{
	struct bl_buf val;
	const char *p = v, *end = v + len, *nl, *sp;
	size_t *r = NULL, nr = 0, cap = 0, ins = 0, n;
	bool first = true;
	char *out;

	bl_buf_init(&val);
	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (first) {
			sp = memchr(p, ' ', n);
			ins = sp ? (size_t)(sp - v) : n;
			bl_buf_add(&val, p, ins);
			bl_buf_add(&val, " ESMTP", 6);
			bl_buf_add(&val, p + ins, n - ins);
		} else {
			bl_buf_addc(&val, '\n');
			if (n > 0 && blank((unsigned char)*p)) {
				if (nr == cap) {
					cap = cap ? cap * 2 : 16;
					r = bl_xreallocarray(r, cap,
							     sizeof(*r));
				}
				r[nr++] = (size_t)(p - v);
				p++;
				n--;
			}
			bl_buf_add(&val, p, n);
		}
		first = false;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	edit_pieces(sf, ins, r, nr);
	free(r);
	bl_surface_set_greeting(cfg, sf, val.data ? val.data : "");
	out = bl_xstrdup(val.data ? val.data : "");
	bl_buf_finish(&val);
	return out;
}

/* surface - a new sendmail surface read from key */
static struct bl_surface *
surface(struct bl_config *cfg, enum bl_surface_kind kind, const char *key)
{
	struct bl_surface *sf = bl_config_add_surface(cfg);

	sf->kind = kind;
	sf->mta = "sendmail";
	sf->scope = "main";
	sf->file = cfg->main_src ? cfg->main_src->path : NULL;
	sf->key = key;
	return sf;
}

/* The findings only the m4 reader sees (BL305): a define an OSTYPE,
 * DOMAIN or HACK file overwrote, a "#" line m4 expanded after cf.m4, and
 * what BL305 says of each (%m: the define's name or the macro expanded). */
const struct bl_dialect_event bl_sendmail_events[] = {
	{"sendmail-define-overridden", "define-overridden",
	 "this define of %m has no effect: a later OSTYPE, DOMAIN or HACK "
	 "file defines it again; move it after that line"},
	{"sendmail-define-overridden", "local-config-overridden",
	 "this LOCAL_CONFIG greeting has no effect: the O SmtpGreetingMessage "
	 "line cf.m4 writes after it wins; define confSMTP_LOGIN_MSG instead"},
	{"sendmail-define-overridden", "define-redefined",
	 "this define of %m has no effect: a later define of it replaces it; "
	 "remove this one"},
	{"sendmail-define-overridden", "raw-cf-overridden",
	 "this raw O SmtpGreetingMessage line has no effect: the line cf.m4 "
	 "writes after it wins; define confSMTP_LOGIN_MSG instead"},
	{"sendmail-define-overridden", "hash-line-expanded",
	 "'#' is no comment after cf.m4: m4 expands %m on this line; write "
	 "'dnl #' instead"},
	{NULL, NULL, NULL},
};

/* m4 comments: "#" before cf.m4, "dnl" everywhere */
const char *const bl_m4_comments[] = {"#", "dnl", NULL};

/*
 * bl_sendmail_render - value as the instance's file sets it: an m4
 * define in a .mc (after OSTYPE and DOMAIN when the value came from the
 * cf tree or its default), an O line in a sendmail.cf
 */
char *
bl_sendmail_render(const struct bl_config *cfg, const struct bl_setting *s,
		   const char *value, struct bl_buf *note)
{
	if (strncmp(s->key, "conf", 4) == 0) {
		if (s->is_default || s->src != cfg->main_src)
			bl_buf_adds(note, "add this line after OSTYPE and "
					  "DOMAIN, then rebuild sendmail.cf");
		return bl_xasprintf("define(`%s', `%s')dnl", s->key, value);
	}
	if (s->is_default)
		bl_buf_adds(note, "add this line");
	return bl_xasprintf("O %s=%s", s->key, value);
}

/* bl_resolve_sendmail - the greeting and the HELO name */
int
bl_resolve_sendmail(struct bl_config *cfg, struct bl_diags *diags)
{
	bool is_mc = cfg->main_src != NULL &&
		     strlen(cfg->main_src->path) > 3 &&
		     strcmp(cfg->main_src->path + strlen(cfg->main_src->path) - 3,
			    ".mc") == 0;
	const struct bl_setting *s, *j;
	const char *jhost;
	struct bl_surface *sf;
	struct sm_ctx x;
	struct bl_buf out;
	bool greet_ok, host_ok, helo_ok = true;
	char *v;
	size_t i;

	for (i = 0; i < cfg->nevents; i++)
		if (strcmp(cfg->events[i].kind, "no-output") == 0)
			return -1;
	if (!is_mc && cfg->main_src != NULL &&
	    bl_config_lookup(cfg, "confSMTP_LOGIN_MSG") != NULL)
		is_mc = true;
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.diags = diags;
	x.is_mc = is_mc;
	x.j = lookup2(cfg, "confDOMAIN_NAME", "Dj");
	/* an include that is not here may define what is left at its
	 * default or defined before it */
	if (bl_config_may_unread(cfg, x.j))
		x.j = bl_config_unknown(cfg, "confDOMAIN_NAME");
	x.z = bl_config_lookup(cfg, "DZ");
	x.dw = bl_config_lookup(cfg, "Dw");
	x.dm = bl_config_lookup(cfg, "Dm");
	cfg->hostname_key = is_mc ? "confDOMAIN_NAME" : "Dj";
	cfg->hostname_file = cfg->main_src ? cfg->main_src->path : cfg->name;

	/* the greeting */
	sf = surface(cfg, BL_SURFACE_BANNER,
		     is_mc ? "confSMTP_LOGIN_MSG" : "SmtpGreetingMessage");
	s = lookup2(cfg, "confSMTP_LOGIN_MSG", "SmtpGreetingMessage");
	if (bl_config_may_unread(cfg, s))
		s = bl_config_unknown(cfg, sf->key);
	if (s == NULL)
		s = bl_config_default(cfg, sf->key, default_greeting, false);
	sf->configured = s->raw;
	bl_buf_init(&out);
	x.sf = sf;
	x.out = &out;
	bl_surface_add_origin(sf, s, BL_NO_ORIGIN, 0, 0);
	render(&x, s, 0, true);
	greet_ok = !x.failed;
	v = greeting_text(cfg, sf, out.data ? out.data : "", out.len);
	sf->value = bl_arena_strdup(&cfg->arena, v);
	free(v);
	bl_buf_finish(&out);

	/* $j: the host name of both surfaces */
	{
		struct bl_surface tmp;
		struct bl_buf h;

		memset(&tmp, 0, sizeof(tmp));
		bl_buf_init(&h);
		x.sf = &tmp;
		x.out = &h;
		x.failed = false;
		j = x.j;
		if (j == NULL)
			j = bl_config_default(cfg, "j", "<system-hostname>", true);
		bl_surface_add_origin(&tmp, j, BL_NO_ORIGIN, 0, 0);
		render(&x, j, 0, true);
		host_ok = !x.failed;
		jhost = bl_arena_strdup(&cfg->arena, h.data ? h.data : "");
		bl_buf_finish(&h);
		free(tmp.origin);
		free(tmp.pieces);
	}
	sf->valid = greet_ok && host_ok;
	/* the greeting presents its first word (up to a space: srvrsmtp.c),
	 * $j or a literal name; a greeting without one falls back to $j */
	{
		size_t n = strcspn(sf->value, " \n");

		sf->hostname = n > 0 ? bl_arena_strndup(&cfg->arena, sf->value, n)
				     : jhost;
	}

	/* HELO: HeloName as written, else $j */
	{
		const char *host = jhost;
		struct bl_surface *hs = surface(cfg, BL_SURFACE_HELO,
						is_mc ? "confHELO_NAME"
						      : "HeloName");

		s = lookup2(cfg, "confHELO_NAME", "HeloName");
		if (bl_config_may_unread(cfg, s))
			s = bl_config_unknown(cfg, hs->key);
		if (s != NULL && s->raw_len > 0) {
			char *t = bl_xmalloc(s->raw_len + 1);
			size_t *at = bl_xmalloc((s->raw_len + 1) * sizeof(*at));
			size_t k = clean(s->raw, s->raw_len, false, t, at);

			hs->configured = s->raw;
			bl_surface_add_origin(hs, s, BL_NO_ORIGIN, 0, 0);
			if (k > BL_VALUE_MAX) {
				/* not expanded, but a value all the same */
				x.sf = hs;
				x.failed = false;
				fail(&x, s, 0,
				     "the value is longer than 65536 bytes, "
				     "bannerlint's limit for one value "
				     "(64 KiB, far above any host name): "
				     "shorten it");
				helo_ok = false;
				k = 0;
			}
			if (k > 0)
				bl_surface_add_piece(hs, 0, 0, s->raw + at[0], k,
						     0, 0);
			hs->value = bl_arena_strndup(&cfg->arena, t, k);
			free(t);
			free(at);
		} else {
			const struct bl_setting *d =
				bl_config_default(cfg, hs->key, "$j", false);
			size_t vi;

			hs->configured = d->raw;
			bl_surface_add_origin(hs, d, BL_NO_ORIGIN, 0, 0);
			vi = bl_surface_add_origin(hs, j, 0, 0, 2);
			bl_surface_add_piece(hs, 0, vi, host, strlen(host), 0, 2);
			hs->value = host;
			helo_ok = host_ok;
		}
		hs->hostname = hs->value;
		hs->valid = helo_ok;
	}
	/* a sendmail daemon greets whoever connects */
	bl_config_public_banners(cfg);
	return greet_ok && host_ok && helo_ok ? 0 : -1;
}

/* is_mc - is the instance an .mc (else a sendmail.cf)? */
static bool
is_mc(const struct bl_config *cfg)
{
	size_t n;

	if (cfg->main_src == NULL)
		return false;
	n = strlen(cfg->main_src->path);
	return n > 3 && strcmp(cfg->main_src->path + n - 3, ".mc") == 0;
}

/* bl_sendmail_value_text - value inside the define's quotes (none may be
 * in it) or after an O line's "=" */
char *
bl_sendmail_value_text(const struct bl_config *cfg, const struct bl_setting *s,
		       const char *value, bool *whole)
{
	(void)s;
	*whole = false;
	if (is_mc(cfg) && strpbrk(value, "`'") != NULL)
		return NULL;
	return bl_xstrdup(value);
}

/* starts - does the line at p (blanks skipped) start with word? */
static bool
starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return (size_t)(end - p) >= n && strncmp(p, word, n) == 0;
}

/*
 * bl_sendmail_place_new - in an .mc a define goes before the first
 * MAILER line, after every OSTYPE, DOMAIN, FEATURE and include that could
 * set it too (cf.m4 reads defines when MAILER() is reached); without
 * MAILER lines after the last of those. In a sendmail.cf an O line goes
 * after the last O line.
 */
int
bl_sendmail_place_new(const struct bl_config *cfg, const char *key,
		      const char *scope, const struct bl_source **src,
		      size_t *off, char **create)
{
	const struct bl_source *m = cfg->main_src;
	size_t i, after = (size_t)-1;
	bool mc = is_mc(cfg);

	(void)key;
	(void)scope;
	*create = NULL;
	*src = m;
	if (m == NULL)
		return -1;
	for (i = 0; i < m->nlines; i++) {
		const char *l = m->data + m->line_start[i];
		const char *end = m->data + (i + 1 < m->nlines
						     ? m->line_start[i + 1]
						     : m->len);

		if (mc && (starts(l, end, "MAILER(") ||
			   starts(l, end, "MAILER_DEFINITIONS"))) {
			*off = m->line_start[i];
			return 0;
		}
		if (mc ? starts(l, end, "OSTYPE(") || starts(l, end, "DOMAIN(") ||
			     starts(l, end, "FEATURE(") ||
			     starts(l, end, "HACK(") ||
			     starts(l, end, "include(") ||
			     starts(l, end, "define(")
		       : starts(l, end, "O "))
			after = i;
	}
	if (after == (size_t)-1 || after + 1 >= m->nlines)
		*off = m->len;
	else
		*off = m->line_start[after + 1];
	return 0;
}

/* bl_sendmail_editable - only the instance's own .mc or .cf: the
 * sendmail-cf tree and what the .mc includes are read, not fixed */
bool
bl_sendmail_editable(const struct bl_config *cfg, const struct bl_source *src)
{
	return src == cfg->main_src;
}

/* bl_sendmail_fix_note - an .mc is compiled: say so */
const char *
bl_sendmail_fix_note(const struct bl_config *cfg)
{
	return is_mc(cfg) ? "then rebuild sendmail.cf from the .mc (m4 "
			    "sendmail.mc > sendmail.cf, or make -C /etc/mail)"
			  : NULL;
}

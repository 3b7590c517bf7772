/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolve_sendmail.c - what sendmail sends: the greeting made from
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
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "resolve.h"
#include "util.h"

/* sendmail's own default when no SmtpGreetingMessage is given */
static const char default_greeting[] = "$j Sendmail $v ready at $b";

struct sm_ctx {
	struct bl_config *cfg;
	struct bl_surface *sf;
	struct bl_buf *out;
	bool is_mc;
	int level;
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

/* The setting a macro stands for, and whether to render it further. */
static const struct bl_setting *
macro(struct sm_ctx *x, const char *name, bool *render_it)
{
	const struct bl_setting *s = NULL;
	char *ph;

	*render_it = false;
	if (strcmp(name, "j") == 0) {
		s = lookup2(x->cfg, "confDOMAIN_NAME", "Dj");
		if (s != NULL) {
			*render_it = true;
			return s;
		}
		return bl_config_default(x->cfg, "j", "<system-hostname>", true);
	}
	if (strcmp(name, "Z") == 0) {
		s = bl_config_lookup(x->cfg, "DZ");
		if (s != NULL && !x->is_mc) {
			*render_it = true;
			return s;
		}
		return bl_config_default(x->cfg, "Z", "<cf_version>", true);
	}
	if (strcmp(name, "v") == 0)
		return bl_config_default(x->cfg, "v", "<sendmail_version>", true);
	if (strcmp(name, "b") == 0)
		return bl_config_default(x->cfg, "b", "<date>", true);
	if (strcmp(name, "w") == 0)
		return bl_config_default(x->cfg, "w", "<system-shortname>", true);
	if (strcmp(name, "m") == 0)
		return bl_config_default(x->cfg, "m", "<system-domain>", true);
	ph = bl_xasprintf("<%s>", name);
	s = bl_config_default(x->cfg, name, ph, true);
	free(ph);
	return s;
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

static void
emit(struct sm_ctx *x, size_t hidx, const char *p, size_t n)
{
	if (n == 0)
		return;
	bl_surface_add_piece(x->sf, x->out->len, hidx, p, n, 0, 0);
	bl_buf_add(x->out, p, n);
}

/* One byte c of the cleaned text, which came from raw byte *p. */
static void
emit_byte(struct sm_ctx *x, size_t hidx, const char *p, char c)
{
	bl_surface_add_piece(x->sf, x->out->len, hidx, p, 1, 0, 0);
	bl_buf_addc(x->out, c);
}

/* Expand h's raw value into x->out ($ macros, conditionals). */
static void
render(struct sm_ctx *x, const struct bl_setting *h, size_t hidx, bool munch)
{
	size_t n = h->raw_len, k, i, j, nx;
	char *t = bl_xmalloc(n + 1);
	size_t *at = bl_xmalloc((n + 1) * sizeof(*at));
	bool emit_on[32];
	int depth = 0;

	if (++x->level > 10) {
		x->level--;
		free(t);
		free(at);
		return;
	}
	k = clean(h->raw, n, munch, t, at);
	for (i = 0; i < k; i = nx) {
		bool on = depth == 0 || emit_on[depth - 1];
		char op;
		char *name;

		if (t[i] != '$' || i + 1 >= k || blank((unsigned char)t[i + 1])) {
			if (on)
				emit_byte(x, hidx, h->raw + at[i], t[i]);
			nx = i + 1;
			continue;
		}
		op = t[i + 1];
		if (op == '$') {
			if (on)
				emit_byte(x, hidx, h->raw + at[i], '$');
			nx = i + 2;
			continue;
		}
		if (op == '|' && depth > 0) {
			emit_on[depth - 1] = !emit_on[depth - 1];
			nx = i + 2;
			continue;
		}
		if (op == '.' && depth > 0) {
			depth--;
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
			if (depth < (int)BL_ARRAY_LEN(emit_on))
				emit_on[depth++] = on && defined_at_connect(name);
		} else if (on) {
			bool sub;
			const struct bl_setting *v = macro(x, name, &sub);
			size_t vidx = bl_surface_add_origin(x->sf, v, hidx, at[i],
							    at[nx - 1] + 1 - at[i]);

			if (sub)
				render(x, v, vidx, true);
			else
				emit(x, vidx, v->raw, v->raw_len);
		}
		free(name);
	}
	free(t);
	free(at);
	x->level--;
}

/* The value changes at pos: n bytes inserted (n > 0) or one byte removed
 * (n < 0); pieces after it move, a piece across it is split or shrunk. */
static void
shift_pieces(struct bl_surface *sf, size_t pos, int n)
{
	size_t i, npc = sf->npieces;

	for (i = 0; i < npc; i++) {
		struct bl_piece *pc = &sf->pieces[i];

		if (pc->off >= pos && !(n < 0 && pc->off == pos)) {
			pc->off = (size_t)((long)pc->off + n);
			continue;
		}
		if (pos >= pc->off + pc->len)
			continue;
		if (n < 0) { /* the removed byte is in this piece */
			pc->len--;
			if (pc->off == pos)
				pc->src_off++;
			continue;
		}
		/* split: [off, pos) stays, [pos, end) moves right */
		sf->pieces = bl_xreallocarray(sf->pieces, sf->npieces + 1,
					      sizeof(*sf->pieces));
		pc = &sf->pieces[i];
		sf->pieces[sf->npieces] = *pc;
		sf->pieces[sf->npieces].off = pos + (size_t)n;
		sf->pieces[sf->npieces].len = pc->off + pc->len - pos;
		sf->pieces[sf->npieces].src_off += pos - pc->off;
		pc->len = pos - pc->off;
		sf->npieces++;
	}
}

/* srvrsmtp.c: "ESMTP" after the first word of the first line; later lines
 * lose one leading white-space character. */
static char *
greeting_text(struct bl_config *cfg, struct bl_surface *sf, const char *v)
{
	struct bl_buf val;
	const char *p = v, *nl, *sp;
	bool first = true;

	bl_buf_init(&val);
	for (;;) {
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (!first) {
			bl_buf_addc(&val, '\n');
			if (n > 0 && blank((unsigned char)*p)) {
				shift_pieces(sf, val.len, -1);
				p++;
				n--;
			}
		}
		if (first) {
			sp = memchr(p, ' ', n);
			if (sp == NULL) {
				bl_buf_add(&val, p, n);
				bl_buf_add(&val, " ESMTP", 6);
			} else {
				bl_buf_add(&val, p, (size_t)(sp - p));
				bl_buf_add(&val, " ESMTP", 6);
				bl_buf_add(&val, sp, n - (size_t)(sp - p));
				shift_pieces(sf, (size_t)(sp - v), 6);
			}
		} else {
			bl_buf_add(&val, p, n);
		}
		first = false;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	bl_surface_set_greeting(cfg, sf, val.data ? val.data : "");
	{
		char *r = bl_xstrdup(val.data ? val.data : "");

		bl_buf_finish(&val);
		return r;
	}
}

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

int
bl_resolve_sendmail(struct bl_config *cfg, struct bl_diags *diags)
{
	bool is_mc = cfg->main_src != NULL &&
		     strlen(cfg->main_src->path) > 3 &&
		     strcmp(cfg->main_src->path + strlen(cfg->main_src->path) - 3,
			    ".mc") == 0;
	const struct bl_setting *s, *j;
	struct bl_surface *sf;
	struct sm_ctx x;
	struct bl_buf out;
	char *v;

	(void)diags;
	for (size_t i = 0; i < cfg->nevents; i++)
		if (strcmp(cfg->events[i].kind, "no-output") == 0)
			return -1;
	if (!is_mc && cfg->main_src != NULL &&
	    bl_config_lookup(cfg, "confSMTP_LOGIN_MSG") != NULL)
		is_mc = true;
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.is_mc = is_mc;

	/* the greeting */
	sf = surface(cfg, BL_SURFACE_BANNER,
		     is_mc ? "confSMTP_LOGIN_MSG" : "SmtpGreetingMessage");
	s = lookup2(cfg, "confSMTP_LOGIN_MSG", "SmtpGreetingMessage");
	if (s == NULL)
		s = bl_config_default(cfg, sf->key, default_greeting, false);
	sf->configured = s->raw;
	bl_buf_init(&out);
	x.sf = sf;
	x.out = &out;
	bl_surface_add_origin(sf, s, BL_NO_ORIGIN, 0, 0);
	render(&x, s, 0, true);
	v = greeting_text(cfg, sf, out.data ? out.data : "");
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
		j = lookup2(cfg, "confDOMAIN_NAME", "Dj");
		if (j == NULL)
			j = bl_config_default(cfg, "j", "<system-hostname>", true);
		bl_surface_add_origin(&tmp, j, BL_NO_ORIGIN, 0, 0);
		render(&x, j, 0, true);
		sf->hostname = bl_arena_strdup(&cfg->arena, h.data ? h.data : "");
		bl_buf_finish(&h);
		free(tmp.origin);
		free(tmp.pieces);
	}
	sf->valid = true;

	/* HELO: HeloName as written, else $j */
	{
		const char *host = sf->hostname;
		struct bl_surface *hs = surface(cfg, BL_SURFACE_HELO,
						is_mc ? "confHELO_NAME"
						      : "HeloName");

		s = lookup2(cfg, "confHELO_NAME", "HeloName");
		if (s != NULL && s->raw_len > 0) {
			char *t = bl_xmalloc(s->raw_len + 1);
			size_t *at = bl_xmalloc((s->raw_len + 1) * sizeof(*at));
			size_t k = clean(s->raw, s->raw_len, false, t, at);

			hs->configured = s->raw;
			bl_surface_add_origin(hs, s, BL_NO_ORIGIN, 0, 0);
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
		}
		hs->hostname = hs->value;
		hs->valid = true;
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exim_resolve.c - Exim's defaults and the part of its string expansion a
 * greeting needs, with provenance: the banner of the main section (or the
 * connect ACL's accept message that replaces it) and helo_data of every
 * smtp and lmtp transport.
 *
 * Expansion handles $name and ${name}, the backslash escapes of the
 * expander (\n makes a multi-line greeting, \$ a dollar sign), Exim's
 * variables for host names and versions, and placeholders for what only a
 * connection knows (<tod_full>, <version_number>, <received_ip_address>).
 * Expansion items such as ${if ...} or ${lookup ...} become "<expansion>":
 * their value depends on the connection. primary_hostname is not expanded,
 * as in Exim; $smtp_active_hostname inside smtp_active_hostname is
 * $primary_hostname (Exim sets the variable to it before it expands the
 * option), so no expansion refers to itself.
 *
 * Hostile input: one expanded value stops at BL_VALUE_MAX bytes, all the
 * expansions of an instance at BL_WORK_MAX units of work (text made or
 * read, pieces and origins recorded), ${...} nests at most BL_DEPTH_MAX
 * deep; each is one error at the setting concerned and the surface is
 * marked as not computed.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "parser.h"
#include "resolve.h"
#include "util.h"

/* only exim_variables: the option tables are the reader's */
#include "exim_names.inc"

/* Expansion items: "${NAME" followed by blanks or "{". */
static const char *const exim_items[] = {
	"acl", "authresults", "certextract", "dlfunc", "env", "extract",
	"filter", "hash", "hmac", "if", "imapfolder", "length", "listextract",
	"listquote", "lookup", "map", "nhash", "perl", "prvs", "prvscheck",
	"readfile", "readsocket", "reduce", "run", "sg", "sort", "srs_encode",
	"substr", "tr"};

struct ex_ctx {
	struct bl_config *cfg;
	const struct bl_scope *scope;
	struct bl_surface *sf;
	const struct bl_setting *top; /* the surface's own setting */
	struct bl_buf *out;
	size_t top_off, top_len;
	int level;
	bool in_active; /* expanding smtp_active_hostname */
	struct bl_diags *diags;
	const struct bl_setting *checked[16]; /* syntax-checked already */
	size_t nchecked;
	/* the main settings expansion reads, looked up once */
	const struct bl_setting *primary, *active, *version;
	size_t work;     /* of the instance, against BL_WORK_MAX */
	bool stop;       /* a limit was reached: this surface is lost */
	bool work_spent; /* BL_WORK_MAX reached: so are those after it */
	bool failed;
};

/* limit - a limit reached while expanding x->top: one error, then the
 * surface is not computed */
static void
limit(struct ex_ctx *x, bool work)
{
	const struct bl_setting *h = x->top;
	const char *file = NULL;
	unsigned line = 0, col = 0;

	x->stop = true;
	x->failed = true;
	if (work)
		x->work_spent = true;
	if (h->src != NULL) {
		file = h->src->path;
		line = h->line;
		col = h->col;
	} else if (x->scope != NULL && x->scope->src != NULL) {
		/* a default of a transport: its "name:" line */
		file = x->scope->src->path;
		line = x->scope->line;
	} else if (x->cfg->main_src != NULL) {
		file = x->cfg->main_src->path;
	}
	if (work)
		bl_diags_add(x->diags, BL_LEVEL_ERROR, file, line, col,
			     "expanding %s%s%s takes more than %u units of "
			     "work, bannerlint's limit for one instance (32 MiB "
			     "of text made or read): options refer to each "
			     "other too many times; simplify them (this value "
			     "and those after it are not computed)",
			     h->key, h->src == NULL ? " (its default) of " : "",
			     h->src == NULL && x->scope != NULL ? x->scope->name
								: "",
			     BL_WORK_MAX);
	else
		bl_diags_add(x->diags, BL_LEVEL_ERROR, file, line, col,
			     "%s%s%s expands to more than %u bytes, bannerlint's "
			     "limit for one expanded value (64 KiB, far above "
			     "any greeting): a variable is used too many "
			     "times; shorten it",
			     h->key, h->src == NULL ? " (its default) of " : "",
			     h->src == NULL && x->scope != NULL ? x->scope->name
								: "",
			     BL_VALUE_MAX);
}

/* charge - count n units of work; false (and the error) past the limit */
static bool
charge(struct ex_ctx *x, size_t n)
{
	if (x->stop)
		return false;
	if (n > BL_WORK_MAX - x->work) {
		limit(x, true);
		return false;
	}
	x->work += n;
	return true;
}

static void
emit(struct ex_ctx *x, size_t hidx, const char *p, size_t n)
{
	if (n == 0 || x->stop)
		return;
	if (n > BL_VALUE_MAX - x->out->len) {
		limit(x, false);
		return;
	}
	/* the text and the piece recording where it came from */
	if (!charge(x, n + sizeof(struct bl_piece)))
		return;
	bl_surface_add_piece(x->sf, x->out->len, hidx, p, n, x->top_off,
			     x->top_len);
	bl_buf_add(x->out, p, n);
}

/* add_origin - bl_surface_add_origin, which searches the origins one by
 * one: that is work too */
static size_t
add_origin(struct ex_ctx *x, const struct bl_setting *s, size_t via,
	   size_t ref_off, size_t ref_len)
{
	(void)charge(x, x->sf->norigin + 1);
	return bl_surface_add_origin(x->sf, s, via, ref_off, ref_len);
}

static void expand(struct ex_ctx *x, const struct bl_setting *h, size_t hidx);

static bool
is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static bool
in_list(const char *const *v, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i]) == len && strncmp(v[i], name, len) == 0)
			return true;
	return false;
}

/* A variable Exim knows: its table, or one of the families it recognises
 * by prefix ($acl_c0, $acl_m_x, $auth1, $r_x, $0-$9, header forms). */
static bool
known_variable(const char *name, size_t len)
{
	static const char *const header_prefixes[] = {
		"h_", "header_", "rh_", "rheader_", "bh_", "bheader_", "lh_",
		"lheader_"};
	size_t i;

	if (in_list(exim_variables, BL_ARRAY_LEN(exim_variables), name, len))
		return true;
	if (len > 5 && (strncmp(name, "acl_c", 5) == 0 ||
			strncmp(name, "acl_m", 5) == 0))
		return (name[5] >= '0' && name[5] <= '9') || name[5] == '_';
	if (len == 5 && strncmp(name, "auth", 4) == 0)
		return name[4] >= '1' && name[4] <= '3';
	if (len > 2 && strncmp(name, "r_", 2) == 0)
		return true;
	for (i = 0; i < len && name[i] >= '0' && name[i] <= '9'; i++)
		;
	if (i == len)
		return true;
	for (i = 0; i < BL_ARRAY_LEN(header_prefixes); i++)
		if (len >= strlen(header_prefixes[i]) &&
		    strncmp(name, header_prefixes[i],
			    strlen(header_prefixes[i])) == 0)
			return true;
	return false;
}

static void
syntax_error(struct ex_ctx *x, const struct bl_setting *h, size_t off,
	     char *what)
{
	unsigned line, col;

	bl_source_position(h->src, bl_setting_src_offset(h, off), &line, &col);
	bl_diags_add(x->diags, BL_LEVEL_ERROR, h->src->path, line, col,
		     "%s does not expand: %s; Exim cannot %s", h->key, what,
		     strcmp(h->key, "helo_data") == 0
			     ? "deliver through this transport"
			     : "greet clients");
	free(what);
	x->failed = true;
}

/* too_deep - the error for ${...} nested past BL_DEPTH_MAX */
static void
too_deep(struct ex_ctx *x, const struct bl_setting *h, size_t off)
{
	unsigned line, col;

	bl_source_position(h->src, bl_setting_src_offset(h, off), &line, &col);
	bl_diags_add(x->diags, BL_LEVEL_ERROR, h->src->path, line, col,
		     "%s: expansion items nested more than %d deep, "
		     "bannerlint's limit (Exim itself crashes some thousands "
		     "deep); flatten them",
		     h->key, BL_DEPTH_MAX);
	x->failed = true;
}

/* What Exim's expander rejects before it needs a connection: "$" not
 * followed by a name or "{", an unknown variable, "${name" that is
 * neither a variable, an operator nor an item, and a missing "}". One
 * report per setting. */
static void
check_syntax(struct ex_ctx *x, const struct bl_setting *h)
{
	const char *s = h->raw, *end = h->raw + h->raw_len, *p, *n;
	size_t i;
	int level = 0, braces = 0;

	if (h->is_default || h->src == NULL)
		return;
	for (i = 0; i < x->nchecked; i++)
		if (x->checked[i] == h)
			return;
	if (x->nchecked < BL_ARRAY_LEN(x->checked))
		x->checked[x->nchecked++] = h;
	for (p = s; p < end; p++) {
		if (*p == '\\') {
			if (p + 1 < end)
				p++;
			continue;
		}
		/* Exim's expander recurses into every brace */
		if (*p == '{' && ++braces > BL_DEPTH_MAX) {
			too_deep(x, h, (size_t)(p - s));
			return;
		}
		if (*p == '}' && braces > 0)
			braces--;
		if (*p == '}' && level > 0) {
			level--;
			continue;
		}
		if (*p != '$')
			continue;
		if (p + 1 < end && p[1] == '{') {
			for (n = p + 2; n < end && is_name_char((unsigned char)*n); n++)
				;
			if (n < end && *n == '}') {
				if (!known_variable(p + 2, (size_t)(n - p - 2))) {
					syntax_error(x, h, (size_t)(p - s),
						     bl_xasprintf("unknown variable in "
								  "\"${%.*s}\"",
								  (int)(n - p - 2),
								  p + 2));
					return;
				}
				p = n;
				continue;
			}
			if (n < end && *n == ':') { /* an operator */
				if (++braces > BL_DEPTH_MAX) {
					too_deep(x, h, (size_t)(p - s));
					return;
				}
				level++;
				p = n;
				continue;
			}
			{
				const char *b = n;

				while (b < end && (*b == ' ' || *b == '\t' ||
						   *b == '\n'))
					b++;
				if (in_list(exim_items, BL_ARRAY_LEN(exim_items),
					    p + 2, (size_t)(n - p - 2)) &&
				    (b == end || *b == '{' || b > n)) {
					if (++braces > BL_DEPTH_MAX) {
						too_deep(x, h, (size_t)(p - s));
						return;
					}
					level++;
					p = n - 1;
					continue;
				}
			}
			syntax_error(x, h, (size_t)(p - s),
				     bl_xasprintf("\"${%.*s\" is not a known "
						  "operator (or a } is missing "
						  "in a variable reference)",
						  (int)(n - p - 2), p + 2));
			return;
		}
		for (n = p + 1; n < end && is_name_char((unsigned char)*n); n++)
			;
		if (n == p + 1) {
			syntax_error(x, h, (size_t)(p - s),
				     bl_xstrdup("$ not followed by letter, "
						"digit, or {"));
			return;
		}
		if (!known_variable(p + 1, (size_t)(n - p - 1))) {
			syntax_error(x, h, (size_t)(p - s),
				     bl_xasprintf("unknown variable name \"%.*s\"",
						  (int)(n - p - 1), p + 1));
			return;
		}
		p = n - 1;
	}
	if (level > 0)
		syntax_error(x, h, h->raw_len,
			     bl_xstrdup("missing } at end of string"));
}

/* The setting that gives a variable its value in this context. */
static const struct bl_setting *
variable(struct ex_ctx *x, const char *name, bool *expand_it)
{
	const struct bl_setting *s;
	char *ph;

	*expand_it = false;
	/* Exim gives $smtp_active_hostname the value of primary_hostname
	 * before it expands smtp_active_hostname */
	if (strcmp(name, "primary_hostname") == 0 ||
	    (x->in_active && strcmp(name, "smtp_active_hostname") == 0)) {
		s = x->primary;
		if (s == NULL && bl_config_may_unread(x->cfg, NULL))
			return bl_config_unknown(x->cfg, "primary_hostname");
		return s ? s
			 : bl_config_default(x->cfg, "primary_hostname",
					     "<system-hostname>", true);
	}
	if (strcmp(name, "smtp_active_hostname") == 0) {
		s = x->active;
		*expand_it = true;
		if (s == NULL && bl_config_may_unread(x->cfg, NULL))
			return bl_config_unknown(x->cfg, name);
		return s && s->raw_len > 0
			       ? s
			       : bl_config_default(x->cfg, name, "$primary_hostname",
					      false);
	}
	if (strcmp(name, "version_number") == 0 ||
	    strcmp(name, "exim_version") == 0) {
		s = x->version;
		if (s != NULL)
			return s;
	}
	/* a placeholder setting per reference: memory made */
	if (!charge(x, sizeof(struct bl_setting) + 2 * strlen(name)))
		return NULL;
	ph = bl_xasprintf("<%s>", name);
	s = bl_config_default(x->cfg, name, ph, true);
	free(ph);
	return s;
}

/* Expand holder's raw value into x->out. */
static void
expand(struct ex_ctx *x, const struct bl_setting *h, size_t hidx)
{
	const char *p = h->raw, *end = h->raw + h->raw_len, *lit = p, *q;
	const struct bl_setting *v;
	size_t save_off, save_len, vidx;
	char *name;
	bool sub;
	int level;

	/* only smtp_active_hostname is expanded inside another value, and
	 * never inside itself: two levels at most */
	if (x->stop || x->level >= 2 || !charge(x, h->raw_len))
		return;
	x->level++;
	check_syntax(x, h);
	while (p < end && !x->stop) {
		if (*p == '\\' && p + 1 < end) {
			emit(x, hidx, lit, (size_t)(p - lit));
			switch (p[1]) {
			case 'n':
				emit(x, hidx, "\n", 1);
				break;
			case 't':
				emit(x, hidx, "\t", 1);
				break;
			case 'r':
				emit(x, hidx, "\r", 1);
				break;
			default:
				emit(x, hidx, p + 1, 1);
				break;
			}
			p += 2;
			lit = p;
			continue;
		}
		if (*p != '$') {
			p++;
			continue;
		}
		emit(x, hidx, lit, (size_t)(p - lit));
		q = p + 1;
		save_off = x->top_off;
		save_len = x->top_len;
		if (q < end && *q == '{') {
			const char *b = q + 1, *e;

			for (e = b; e < end && is_name_char((unsigned char)*e);
			     e++)
				;
			if (e < end && *e == '}' && e > b) {
				name = bl_xstrndup(b, (size_t)(e - b));
				q = e + 1;
			} else {
				/* An expansion item: its value depends on the
				 * connection. Skip to the balancing brace. */
				for (level = 1, e = b; e < end && level > 0; e++)
					if (*e == '\\' && e + 1 < end)
						e++;
					else if (*e == '{')
						level++;
					else if (*e == '}')
						level--;
				if (hidx == 0 && x->top_len == 0) {
					x->top_off = (size_t)(p - h->raw);
					x->top_len = (size_t)(e - p);
				}
				emit(x, hidx, "<expansion>", 11);
				x->top_off = save_off;
				x->top_len = save_len;
				p = lit = e;
				continue;
			}
		} else {
			for (; q < end && is_name_char((unsigned char)*q); q++)
				;
			if (q == p + 1) {
				emit(x, hidx, "$", 1);
				p = lit = q;
				continue;
			}
			name = bl_xstrndup(p + 1, (size_t)(q - p - 1));
		}
		if (hidx == 0 && x->top_len == 0) {
			x->top_off = (size_t)(p - h->raw);
			x->top_len = (size_t)(q - p);
		}
		v = variable(x, name, &sub);
		free(name);
		if (v == NULL)
			break; /* out of work */
		vidx = add_origin(x, v, hidx, (size_t)(p - h->raw),
				  (size_t)(q - p));
		if (sub) {
			bool save = x->in_active;

			x->in_active = true;
			expand(x, v, vidx);
			x->in_active = save;
		} else {
			emit(x, vidx, v->raw, v->raw_len);
		}
		x->top_off = save_off;
		x->top_len = save_len;
		p = lit = q;
	}
	emit(x, hidx, lit, (size_t)(end - lit));
	x->level--;
}

static const char *
first_word(struct bl_arena *a, const char *v)
{
	const char *e;

	while (*v == ' ' || *v == '\t')
		v++;
	for (e = v; *e && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n';
	     e++)
		;
	return bl_arena_strndup(a, v, (size_t)(e - v));
}

/* Exim removes trailing white space (newlines included) from the expanded
 * banner before it writes the 220 lines (smtp_in.c). */
static void
trim_banner(struct bl_surface *sf, struct bl_buf *out)
{
	size_t i, n = out->len;

	while (n > 0 && (out->data[n - 1] == ' ' || out->data[n - 1] == '\t' ||
			 out->data[n - 1] == '\n' || out->data[n - 1] == '\r' ||
			 out->data[n - 1] == '\v' || out->data[n - 1] == '\f'))
		n--;
	out->len = n;
	out->data[n] = '\0';
	for (i = 0; i < sf->npieces; i++) {
		struct bl_piece *pc = &sf->pieces[i];

		if (pc->off >= n)
			pc->len = 0;
		else if (pc->off + pc->len > n)
			pc->len = n - pc->off;
	}
}

static void
compute(struct ex_ctx *base, struct bl_surface *sf, const struct bl_scope *sc,
	const struct bl_setting *s)
{
	struct ex_ctx x = *base;
	struct bl_buf out;

	x.scope = sc;
	x.sf = sf;
	x.top = s;
	x.level = 0;
	x.in_active = false;
	x.stop = x.work_spent; /* no work left: not computed */
	x.top_off = x.top_len = 0;
	bl_buf_init(&out);
	x.out = &out;
	bl_surface_add_origin(sf, s, BL_NO_ORIGIN, 0, 0);
	expand(&x, s, 0);
	if (sf->kind == BL_SURFACE_BANNER)
		trim_banner(sf, &out);
	sf->value = bl_arena_strndup(&x.cfg->arena, out.data, out.len);
	sf->hostname = first_word(&x.cfg->arena, sf->value);
	sf->valid = !x.stop;
	bl_buf_finish(&out);
	memcpy(base->checked, x.checked, sizeof(x.checked));
	base->nchecked = x.nchecked;
	base->failed = x.failed;
	base->work = x.work;
	base->work_spent = x.work_spent;
}

/* The connect ACL's "accept message = ...", which replaces the banner. */
static const struct bl_setting *
connect_message(const struct bl_config *cfg)
{
	const struct bl_setting *a = bl_config_lookup(cfg, "acl_smtp_connect");
	struct bl_buf name;
	const struct bl_setting *m = NULL;
	size_t i;

	if (a == NULL)
		return NULL;
	bl_buf_init(&name);
	bl_buf_printf(&name, "acl/%s", a->raw);
	for (i = 0; i < cfg->nscopes && m == NULL; i++) {
		const struct bl_scope *st = cfg->scopes[i];

		if (st->parent != NULL && strcmp(st->parent->name, name.data) == 0 &&
		    strcmp(st->role, "accept") == 0)
			m = bl_scope_lookup(st, "message");
	}
	bl_buf_finish(&name);
	return m;
}

/* bl_exim_render - value as an Exim option line of its section */
char *
bl_exim_render(const struct bl_config *cfg, const struct bl_setting *s,
	       const char *value, struct bl_buf *note)
{
	if (s->scope != NULL && strcmp(s->scope, "main") != 0)
		bl_buf_printf(note, "in %s", s->scope);
	else if (s->is_default)
		bl_buf_adds(note, "add this line");
	return bl_xasprintf("%s = %s", s->key, value);
}

/* bl_resolve_exim - the banner and every smtp/lmtp transport's HELO */
int
bl_resolve_exim(struct bl_config *cfg, struct bl_diags *diags)
{
	struct bl_surface *sf;
	const struct bl_setting *s, *msg;
	struct ex_ctx x;
	size_t i;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.diags = diags;
	x.primary = bl_config_lookup(cfg, "primary_hostname");
	x.active = bl_config_lookup(cfg, "smtp_active_hostname");
	x.version = bl_config_lookup(cfg, "exim_version");
	if (cfg->hostname_key == NULL) { /* Debian's reader sets its own */
		cfg->hostname_key = "primary_hostname";
		cfg->hostname_file =
			cfg->main_src ? cfg->main_src->path : cfg->name;
	}
	sf = bl_config_add_surface(cfg);
	sf->kind = BL_SURFACE_BANNER;
	sf->mta = "exim";
	sf->scope = "main";
	sf->file = cfg->main_src ? cfg->main_src->path : NULL;
	sf->key = "smtp_banner";
	s = bl_config_lookup(cfg, "smtp_banner");
	/* an include that is not here may set what is left at its default */
	if (s == NULL && bl_config_may_unread(cfg, NULL))
		s = bl_config_unknown(cfg, "smtp_banner");
	if (s == NULL)
		s = bl_config_default(cfg, "smtp_banner",
				 "$smtp_active_hostname ESMTP Exim "
				 "$version_number $tod_full",
				 false);
	if (s->src != NULL)
		sf->file = s->src->path; /* Debian: the conf.d file */
	sf->configured = s->raw;
	msg = connect_message(cfg);
	if (msg != NULL) {
		/* The connect ACL speaks first: its message is the banner. */
		compute(&x, sf, NULL, msg);
		bl_diags_add(diags, BL_LEVEL_NOTE, msg->src->path, msg->line,
			     msg->col,
			     "the connect ACL's accept message replaces "
			     "smtp_banner as the greeting");
	} else {
		compute(&x, sf, NULL, s);
	}
	bl_surface_set_greeting(cfg, sf, sf->value);
	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];

		if (strncmp(sc->name, "transport/", 10) != 0 ||
		    (strcmp(sc->role, "smtp") != 0 &&
		     strcmp(sc->role, "lmtp") != 0))
			continue;
		if (!bl_config_surface_room(cfg, diags, sc)) {
			x.failed = true;
			break;
		}
		sf = bl_config_add_surface(cfg);
		sf->kind = BL_SURFACE_HELO;
		sf->mta = "exim";
		sf->scope = sc->name;
		sf->scope_obj = sc;
		sf->file = sc->src->path;
		sf->key = "helo_data";
		s = bl_scope_lookup(sc, "helo_data");
		if (s == NULL && bl_config_may_unread(cfg, NULL))
			s = bl_config_unknown(cfg, "helo_data");
		if (s == NULL)
			s = bl_config_default(cfg, "helo_data", "$primary_hostname",
					 false);
		sf->configured = s->raw;
		compute(&x, sf, sc, s);
	}
	/* the banner of Exim's daemon, which greets whoever connects */
	bl_config_public_banners(cfg);
	return x.failed ? -1 : 0;
}

/* bl_exim_value_text - value where s's value is: quoted with Exim's
 * escapes when it was quoted, or when blanks at its ends need it */
char *
bl_exim_value_text(const struct bl_config *cfg, const struct bl_setting *s,
		   const char *value, bool *whole)
{
	size_t n = strlen(value);
	struct bl_buf b;
	const char *p;

	(void)cfg;
	*whole = false;
	if (!(s->val_len > 0 && s->src->data[s->val_off] == '"') &&
	    (n == 0 || (value[0] != ' ' && value[0] != '\t' &&
			value[n - 1] != ' ' && value[n - 1] != '\t')))
		return bl_xstrdup(value);
	bl_buf_init(&b);
	bl_buf_addc(&b, '"');
	for (p = value; *p; p++) {
		if (*p == '"' || *p == '\\')
			bl_buf_addc(&b, '\\');
		if (*p == '\n') {
			bl_buf_adds(&b, "\\n");
			continue;
		}
		bl_buf_addc(&b, *p);
	}
	bl_buf_addc(&b, '"');
	return bl_buf_steal(&b);
}

/* begin_line - the offset of the first "begin SECTION" line of src, or
 * src->len */
static size_t
begin_line(const struct bl_source *src)
{
	size_t i;

	for (i = 0; i < src->nlines; i++) {
		const char *l = src->data + src->line_start[i];
		const char *end = src->data + src->len;

		while (l < end && (*l == ' ' || *l == '\t'))
			l++;
		if (end - l > 6 && strncmp(l, "begin", 5) == 0 &&
		    (l[5] == ' ' || l[5] == '\t'))
			return src->line_start[i];
	}
	return src->len;
}

/*
 * bl_exim_place_new - a main option goes at the end of the main section:
 * before the first "begin" line, in the file that has it; when that line
 * opens its file (Debian's split tree: conf.d/router/00_...), at the end
 * of the file before it, the last of the main section
 */
int
bl_exim_place_new(const struct bl_config *cfg, const char *key,
		  const char *scope, const struct bl_source **src,
		  size_t *off, char **create)
{
	size_t i, at;

	(void)key;
	*create = NULL;
	*src = NULL;
	if (scope != NULL && strcmp(scope, "main") != 0)
		return -1;
	for (i = 0; i < cfg->nsources; i++) {
		const struct bl_source *s = cfg->sources[i];
		size_t k;
		bool only_comments = true;

		if (s->template_kind != NULL)
			continue;
		at = begin_line(s);
		if (at == s->len)
			continue;
		for (k = 0; k < at && only_comments; k++) {
			if (s->data[k] == '#') {
				while (k < at && s->data[k] != '\n')
					k++;
				continue;
			}
			if (s->data[k] != ' ' && s->data[k] != '\t' &&
			    s->data[k] != '\n' && s->data[k] != '\r')
				only_comments = false;
		}
		if (only_comments && i > 0) {
			*src = cfg->sources[i - 1];
			*off = cfg->sources[i - 1]->len;
		} else {
			*src = s;
			*off = at;
		}
		return 0;
	}
	if (cfg->main_src == NULL)
		return -1;
	*src = cfg->main_src;
	*off = cfg->main_src->len;
	return 0;
}

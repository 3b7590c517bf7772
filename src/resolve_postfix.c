/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolve_postfix.c - Postfix's defaults and $parameter expansion, with
 * provenance: from main.cf and master.cf settings to the banner and HELO
 * surfaces of every listener and client.
 *
 * Expansion follows mac_parse(3) and mac_expand(3) in recursive mode, as
 * "postconf -x" and the daemons do: $name, ${name}, $(name), ${name?text},
 * ${name:text}, ${name?{a}:{b}}, the relational ${{a} OP {b}?...} form,
 * $$, greedy names, undefined names expanding to nothing, and a nesting
 * limit. Every run of the expanded value remembers which setting's text it
 * came from and through which reference in the surface's own setting.
 *
 * The surfaces and their arrays belong to the config. Problems Postfix
 * would refuse are error diagnostics at the offending reference.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
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
	{"default_transport", "smtp", false},
	{"relay_transport", "relay", false},
	{"syslog_name", "${multi_instance_name?{$multi_instance_name}:{postfix}}",
	 false},
};

#define MAX_NESTING 100

struct pf_ctx {
	struct bl_config *cfg;
	struct bl_diags *diags;
	const struct bl_scope *scope; /* NULL: main.cf alone */
	const char *process;          /* the program reading the value */
	struct bl_surface *sf;
	struct bl_buf *out;
	bool record; /* add pieces for what goes to out */
	size_t top_off, top_len;
	int level;
	bool failed;
	/* reported problems, to say each once per setting and offset */
	struct pf_seen *seen;
};

struct pf_seen {
	const struct bl_setting **s;
	size_t *off;
	size_t n, cap;
};

static bool
seen_once(struct pf_seen *seen, const struct bl_setting *s, size_t off)
{
	size_t i;

	for (i = 0; i < seen->n; i++)
		if (seen->s[i] == s && seen->off[i] == off)
			return false;
	if (seen->n == seen->cap) {
		seen->cap = seen->cap ? seen->cap * 2 : 8;
		seen->s = bl_xreallocarray(seen->s, seen->cap, sizeof(*seen->s));
		seen->off = bl_xreallocarray(seen->off, seen->cap,
					     sizeof(*seen->off));
	}
	seen->s[seen->n] = s;
	seen->off[seen->n] = off;
	seen->n++;
	return true;
}


static void expand(struct pf_ctx *x, const struct bl_setting *holder,
		   size_t hidx, const char *p, size_t n);

/* Expand a setting into a scratch string, recording no pieces. */
static char *
expand_scratch(struct pf_ctx *x, const struct bl_setting *s, size_t hidx)
{
	struct bl_buf tmp, *save_out = x->out;
	bool save_rec = x->record;

	bl_buf_init(&tmp);
	x->out = &tmp;
	x->record = false;
	expand(x, s, hidx, s->raw, s->raw_len);
	x->out = save_out;
	x->record = save_rec;
	return bl_buf_steal(&tmp);
}


/* The default of mydomain: myhostname without its first label. */
static const struct bl_setting *
default_mydomain(struct pf_ctx *x)
{
	const struct bl_setting *h;
	const char *dot, *v;
	char *host;
	size_t hidx;

	h = bl_resolve_postfix_lookup(x->cfg, x->scope, "myhostname");
	if (h == NULL)
		h = bl_config_default(x->cfg, "myhostname", "<system-hostname>", true);
	hidx = bl_surface_add_origin(x->sf, h, BL_NO_ORIGIN, 0, 0);
	host = expand_scratch(x, h, hidx);
	if (strstr(host, "<system-hostname>") != NULL) {
		free(host);
		return bl_config_default(x->cfg, "mydomain", "<system-domain>", true);
	}
	dot = strchr(host, '.');
	v = dot ? dot + 1 : "localdomain";
	h = bl_config_default(x->cfg, "mydomain", v, false);
	free(host);
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
	const struct bl_setting *s;
	size_t i;

	s = bl_resolve_postfix_lookup(x->cfg, x->scope, name);
	if (s != NULL)
		return s;
	if (strcmp(name, "mydomain") == 0)
		return default_mydomain(x);
	if (strcmp(name, "service_name") == 0) {
		char *svc = x->scope ? bl_xstrdup(x->scope->name) : NULL;
		const struct bl_setting *d;

		if (svc != NULL && strrchr(svc, '/') != NULL)
			*strrchr(svc, '/') = '\0';
		d = bl_config_default(x->cfg, name, svc ? svc : "", false);
		free(svc);
		return d;
	}
	if (strcmp(name, "process_name") == 0)
		return bl_config_default(x->cfg, name, x->process, false);
	if (strcmp(name, "config_directory") == 0)
		return bl_config_default(x->cfg, name, x->cfg->name, false);
	for (i = 0; i < BL_ARRAY_LEN(pf_defaults); i++)
		if (strcmp(pf_defaults[i].key, name) == 0)
			return bl_config_default(x->cfg, name, pf_defaults[i].value,
					    pf_defaults[i].placeholder);
	return NULL;
}



static void
emit(struct pf_ctx *x, size_t hidx, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (x->record)
		bl_surface_add_piece(x->sf, x->out->len, hidx, p, n, x->top_off,
				     x->top_len);
	bl_buf_add(x->out, p, n);
}

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
	if (!seen_once(x->seen, at, off))
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

static void
fail(struct pf_ctx *x, const struct bl_setting *holder, size_t off,
     const char *msg)
{
	if (x->failed)
		return;
	x->failed = true;
	report(x, BL_LEVEL_ERROR, holder, off, msg);
}

static bool
is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

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
	int level = 1;

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
	while (p < end && strchr(opchars, *p) != NULL)
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
	bool logical = false, truth = false, defined;
	char *name;
	int ch = 0;

	if (++x->level > MAX_NESTING) {
		fail(x, holder, (size_t)(tok - holder->raw),
		     "unreasonable macro call nesting: a parameter "
		     "refers to itself (Postfix refuses to start)");
		x->level--;
		return;
	}
	/* The reference in the surface's own setting that led here. */
	save_off = x->top_off;
	save_len = x->top_len;
	if (hidx == 0 && x->top_len == 0) {
		x->top_off = (size_t)(tok - holder->raw);
		x->top_len = toklen;
	}
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
		if (s != NULL) {
			sidx = bl_surface_add_origin(x->sf, s, hidx,
					  (size_t)(tok - holder->raw), toklen);
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
			report(x, BL_LEVEL_WARNING, holder,
			       (size_t)(tok - holder->raw), msg);
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
		if (q >= end)
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
		if (q < end) {
			fail(x, holder, (size_t)(q - holder->raw),
			     "unexpected text after a conditional");
			goto out;
		}
		break;
	default:
		if (logical)
			emit(x, hidx, truth ? "true" : "", truth ? 4 : 0);
		else if (defined && s->raw_len > 0)
			expand(x, s, sidx, s->raw, s->raw_len);
		break;
	}
out:
	x->top_off = save_off;
	x->top_len = save_len;
	x->level--;
}

/* mac_parse(3): literal text and $ references in [p, p+n) of holder. */
static void
expand(struct pf_ctx *x, const struct bl_setting *holder, size_t hidx,
       const char *p, size_t n)
{
	const char *end = p + n, *lit = p, *q, *body;
	char open, close;
	int level;

	while (p < end && !x->failed) {
		if (*p != '$') {
			p++;
			continue;
		}
		emit(x, hidx, lit, (size_t)(p - lit));
		q = p + 1;
		if (q < end && *q == '$') {
			emit(x, hidx, q, 1);
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
		emit(x, hidx, lit, (size_t)(end - lit));
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
compute(struct bl_config *cfg, struct bl_diags *diags, struct pf_seen *seen,
	struct bl_surface *sf, const struct bl_scope *scope, const char *key,
	const char *process)
{
	struct pf_ctx x;
	struct bl_buf out;
	const struct bl_setting *s;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.diags = diags;
	x.scope = scope;
	x.process = process;
	x.sf = sf;
	x.seen = seen;
	x.record = true;
	bl_buf_init(&out);
	x.out = &out;

	sf->key = key;
	s = lookup(&x, key);
	if (s == NULL) {
		/* A user parameter nobody set: it expands to nothing. */
		sf->configured = sf->value = sf->hostname = "";
		sf->valid = true;
		bl_buf_finish(&out);
		return 0;
	}
	bl_surface_add_origin(sf, s, BL_NO_ORIGIN, 0, 0);
	sf->configured = s->raw;
	expand(&x, s, 0, s->raw, s->raw_len);
	sf->valid = !x.failed;
	sf->value = bl_arena_strndup(&cfg->arena, out.data, out.len);
	bl_buf_finish(&out);
	sf->hostname = first_word(&cfg->arena, sf->value);
	return x.failed ? -1 : 0;
}

/* The scope's effective overrides: the last value of each key. */
static void
collect_overrides(struct bl_surface *sf, const struct bl_scope *scope)
{
	size_t i, j;

	if (scope == NULL)
		return;
	sf->overrides = bl_xreallocarray(NULL, scope->nsettings + 1,
					 sizeof(*sf->overrides));
	for (i = 0; i < scope->nsettings; i++) {
		const struct bl_setting *s = scope->settings[i];

		for (j = 0; j < sf->noverrides; j++)
			if (strcmp(sf->overrides[j].key, s->key) == 0)
				break;
		if (j == sf->noverrides)
			sf->noverrides++;
		sf->overrides[j].key = s->key;
		sf->overrides[j].value = s->raw;
	}
}

static int
surface(struct bl_config *cfg, struct bl_diags *diags, struct pf_seen *seen,
	enum bl_surface_kind kind, const struct bl_scope *scope,
	const char *key, const char *process)
{
	struct bl_surface *sf = bl_config_add_surface(cfg);
	const struct bl_source *file;
	int status;

	sf->kind = kind;
	sf->mta = "postfix";
	sf->scope = scope ? scope->name : "main";
	sf->scope_obj = scope;
	file = scope ? scope->src : cfg->main_src;
	sf->file = file ? file->path : NULL;
	status = compute(cfg, diags, seen, sf, scope, key, process);
	collect_overrides(sf, scope);
	return status;
}

/* The lines a client sees: "220 text", postscreen's "220-" first. */
static void
greetings(struct bl_config *cfg, struct bl_diags *diags, struct pf_seen *seen)
{
	struct bl_buf g;
	size_t i;

	bl_buf_init(&g);
	for (i = 0; i < cfg->nsurfaces; i++) {
		struct bl_surface *sf = &cfg->surfaces[i];

		if (sf->kind != BL_SURFACE_BANNER)
			continue;
		bl_buf_reset(&g);
		if (strcmp(sf->key, "postscreen_greet_banner") == 0) {
			struct bl_surface tmp;
			struct bl_diags quiet;

			/* postscreen's own 220 line uses its smtpd_banner. */
			memset(&tmp, 0, sizeof(tmp));
			bl_diags_init(&quiet);
			compute(cfg, &quiet, seen, &tmp, sf->scope_obj,
				"smtpd_banner", "postscreen");
			bl_diags_finish(&quiet);
			if (*sf->value != '\0')
				bl_buf_printf(&g, "220-%s\n", sf->value);
			bl_buf_printf(&g, "220 %s", tmp.value);
			free(tmp.origin);
			free(tmp.pieces);
		} else {
			bl_buf_printf(&g, "220 %s", sf->value);
		}
		sf->greeting = bl_arena_strdup(&cfg->arena, g.data);
	}
	bl_buf_finish(&g);
	(void)diags;
}

/* bl_resolve_postfix - compute every banner and HELO surface */
int
bl_resolve_postfix(struct bl_config *cfg, struct bl_diags *diags)
{
	struct pf_seen seen;
	int status = 0;
	size_t i;

	memset(&seen, 0, sizeof(seen));
	if (cfg->main_src != NULL || cfg->master_src == NULL) {
		status |= surface(cfg, diags, &seen, BL_SURFACE_BANNER, NULL,
				  "smtpd_banner", "smtpd");
		status |= surface(cfg, diags, &seen, BL_SURFACE_HELO, NULL,
				  "smtp_helo_name", "smtp");
		status |= surface(cfg, diags, &seen, BL_SURFACE_HELO, NULL,
				  "lmtp_lhlo_name", "lmtp");
	}
	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];

		if (sc->shadowed)
			continue;
		if (strcmp(sc->role, "smtpd") == 0)
			status |= surface(cfg, diags, &seen, BL_SURFACE_BANNER,
					  sc, "smtpd_banner", sc->role);
		else if (strcmp(sc->role, "postscreen") == 0)
			status |= surface(cfg, diags, &seen, BL_SURFACE_BANNER,
					  sc, "postscreen_greet_banner",
					  sc->role);
		else if (strcmp(sc->role, "smtp") == 0)
			status |= surface(cfg, diags, &seen, BL_SURFACE_HELO,
					  sc, "smtp_helo_name", sc->role);
		else if (strcmp(sc->role, "lmtp") == 0)
			status |= surface(cfg, diags, &seen, BL_SURFACE_HELO,
					  sc, "lmtp_lhlo_name", sc->role);
	}
	greetings(cfg, diags, &seen);
	free(seen.s);
	free(seen.off);
	return status ? -1 : 0;
}

/* bl_resolve_postfix_expand - expand key as Postfix would in scope */
int
bl_resolve_postfix_expand(struct bl_config *cfg, const struct bl_scope *scope,
			  const char *key, char **out, struct bl_diags *diags)
{
	struct bl_surface tmp;
	struct pf_seen seen;
	int status;

	memset(&tmp, 0, sizeof(tmp));
	memset(&seen, 0, sizeof(seen));
	status = compute(cfg, diags, &seen, &tmp, scope, key,
			 scope ? scope->role : "postconf");
	*out = bl_xstrdup(tmp.value);
	free(tmp.origin);
	free(tmp.pieces);
	free(seen.s);
	free(seen.off);
	return status;
}

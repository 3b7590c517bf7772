/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.c - evaluate rules on surfaces and blame the setting that caused
 * each finding.
 *
 * Rules know nothing about syntax: a pattern runs on a surface's value,
 * configured text or host name; a built-in check says what a pattern
 * cannot (FQDN syntax, IP literals, consistency between surfaces). The
 * matched text is traced back through the surface's pieces to the file and
 * span that produced it: a leak via $mail_name points at the "$mail_name"
 * reference, a bad host name at the myhostname line.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "suppress.h"
#include "util.h"

/*
 * A finding while the instance is alive: it points into the instance
 * (surface, setting, source); bl_engine_run copies what reporters print
 * into a self-contained struct bl_finding at the end.
 */
struct hit {
	const struct bl_rule *rule;
	enum bl_level severity;
	char *message;
	const struct bl_config *cfg;
	const struct bl_surface *surface; /* NULL for findings on a setting */
	const char *key;                  /* the setting blamed */
	const char *scope;
	const struct bl_source *src;      /* NULL: no place in a file */
	const char *file;                 /* src's path, or the instance's */
	size_t off, len;                  /* span in src */
	unsigned line, col;
	size_t also; /* other surfaces with the same finding at this place */
	const struct bl_setting *setting; /* the setting blamed, or NULL */
	size_t raw_off, raw_len;          /* the span in its raw value */
	char *hint; /* the setting as the fix would write it, or NULL */
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

struct run {
	const struct bl_ruleset *rs;
	const struct bl_engine_opts *o;
	struct bl_findings *out; /* only its unknown count */
	struct hits *h;
	struct bl_diags *diags;
	/* BL208: the surfaces of this instance and rule whose host name is
	 * the system's, reported once (unset_finding) */
	const struct bl_surface **unset;
	size_t nunset;
};

static bool
listed(char **list, const struct bl_rule *r)
{
	size_t i;

	for (i = 0; list && list[i]; i++)
		if (strcasecmp(list[i], r->id) == 0 ||
		    strcmp(list[i], r->name) == 0 ||
		    (strlen(list[i]) < 5 &&
		     strncasecmp(list[i], r->id, strlen(list[i])) == 0))
			return true;
	return false;
}

static bool
enabled(const struct run *x, const struct bl_rule *r)
{
	if (x->o->select && !listed(x->o->select, r))
		return false;
	return !listed(x->o->ignore, r);
}

static bool
in_list(char **list, const char *s)
{
	size_t i;

	for (i = 0; list && list[i]; i++)
		if (strcasecmp(list[i], s) == 0)
			return true;
	return false;
}

static bool
mta_ok(const struct bl_rule *r, const char *mta)
{
	size_t i;

	if (r->mta == NULL)
		return true;
	for (i = 0; r->mta[i]; i++)
		if (strcmp(r->mta[i], mta) == 0)
			return true;
	return false;
}

/* Expand %m (match), %v (value), %h (host name) in a rule's message. */
static char *
format_message(const char *tmpl, const char *match, const char *value,
	       const char *host)
{
	struct bl_buf b;
	const char *p;

	bl_buf_init(&b);
	for (p = tmpl; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			bl_buf_addc(&b, *p);
			continue;
		}
		p++;
		if (*p == 'm')
			bl_buf_adds(&b, match ? match : "");
		else if (*p == 'v')
			bl_buf_adds(&b, value ? value : "");
		else if (*p == 'h')
			bl_buf_adds(&b, host ? host : "");
		else if (*p == '%')
			bl_buf_addc(&b, '%');
		else {
			bl_buf_addc(&b, '%');
			bl_buf_addc(&b, *p);
		}
	}
	return bl_buf_steal(&b);
}

static struct hit *
add(struct run *x, const struct bl_rule *r, const struct bl_config *cfg,
    const struct bl_surface *sf, char *message)
{
	struct hit *f;

	if (x->h->n == x->h->cap) {
		x->h->cap = x->h->cap ? x->h->cap * 2 : 16;
		x->h->v = bl_xreallocarray(x->h->v, x->h->cap,
					     sizeof(*x->h->v));
	}
	f = &x->h->v[x->h->n++];
	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->severity = r->severity;
	f->message = message;
	f->cfg = cfg;
	f->surface = sf;
	f->scope = sf ? sf->scope : "main";
	f->key = sf ? sf->key : NULL;
	f->file = sf && sf->file ? sf->file : cfg->name;
	return f;
}

/* Place a finding at [off, off+len) of a setting's raw value. */
static void
place_setting(struct hit *f, const struct bl_setting *s, size_t off,
	      size_t len)
{
	size_t a, b;

	f->key = s->key;
	f->scope = s->scope;
	f->setting = s;
	f->raw_off = off;
	f->raw_len = len;
	if (s->src == NULL)
		return;
	a = bl_setting_src_offset(s, off);
	b = len ? bl_setting_src_offset(s, off + len - 1) + 1 : a;
	f->src = s->src;
	f->file = s->src->path;
	f->off = a;
	f->len = b > a ? b - a : 0;
	bl_source_position(s->src, a, &f->line, &f->col);
}

/*
 * Blame the text at [ms, me) of a surface's value: the file that wrote it,
 * or, for a default, the reference that pulled the default in. A match that
 * runs on into text from the same file extends the span there.
 */
static void blame_at(struct hit *f, const struct bl_surface *sf,
		     size_t ms, size_t me, bool note);

static void
blame(struct hit *f, const struct bl_surface *sf, size_t ms,
      size_t me)
{
	struct hit end;

	blame_at(f, sf, ms, me, true);
	if (me <= ms + 1 || f->src == NULL)
		return;
	memset(&end, 0, sizeof(end));
	end.message = bl_xstrdup("");
	blame_at(&end, sf, me - 1, me, false);
	if (end.src == f->src && end.off + end.len > f->off + f->len &&
	    end.off >= f->off)
		f->len = end.off + end.len - f->off;
	free(end.message);
}

static void
blame_at(struct hit *f, const struct bl_surface *sf, size_t ms,
	 size_t me, bool note)
{
	const struct bl_piece *p = NULL;
	const struct bl_origin *o;
	size_t i, k, len;

	for (i = 0; i < sf->npieces; i++)
		if (ms >= sf->pieces[i].off &&
		    ms < sf->pieces[i].off + sf->pieces[i].len) {
			p = &sf->pieces[i];
			break;
		}
	if (p == NULL) {
		/* Nothing to point at (an empty value): the setting. */
		o = &sf->origin[0];
		while (o->setting->src == NULL && o->via != BL_NO_ORIGIN)
			o = &sf->origin[o->via];
		if (o->setting->src != NULL)
			place_setting(f, o->setting, 0, o->setting->raw_len);
		else
			f->key = sf->key;
		return;
	}
	o = &sf->origin[p->origin];
	if (o->setting->src != NULL) {
		len = me - ms;
		if (len > p->len - (ms - p->off))
			len = p->len - (ms - p->off);
		place_setting(f, o->setting, p->src_off + (ms - p->off), len);
		return;
	}
	/* A default: point at the reference that brought it in. */
	for (k = p->origin; k != BL_NO_ORIGIN; k = sf->origin[k].via) {
		const struct bl_origin *c = &sf->origin[k];

		if (c->via == BL_NO_ORIGIN)
			break;
		if (sf->origin[c->via].setting->src != NULL) {
			const struct bl_setting *d = sf->origin[p->origin].setting;
			char *m;

			place_setting(f, sf->origin[c->via].setting,
				      c->ref_off, c->ref_len);
			if (!note)
				return;
			if (d != c->setting)
				m = bl_xasprintf("%s (via $%s: from the "
						 "default of %s, \"%s\")",
						 f->message, c->key, d->key,
						 d->raw);
			else
				m = bl_xasprintf("%s (via $%s, whose default "
						 "is \"%s\")",
						 f->message, c->key, d->raw);
			free(f->message);
			f->message = m;
			return;
		}
	}
	/* Defaults all the way: nothing in the files to point at. */
	f->key = sf->key;
	if (sf->origin[0].setting->is_default && note) {
		const struct bl_setting *d = sf->origin[0].setting;
		char *m = bl_xasprintf("%s (%s is not set: its default is "
				       "\"%s\")",
				       f->message, d->key, d->raw);

		free(f->message);
		f->message = m;
		f->setting = d;
		if (p->top_len > 0) {
			f->raw_off = p->top_off;
			f->raw_len = p->top_len;
		} else {
			/* literal text of the default itself */
			f->raw_off = p->src_off + (ms - p->off);
			f->raw_len = me - ms;
		}
	}
}

static const char *
target_text(const struct bl_surface *sf, enum bl_target t)
{
	switch (t) {
	case BL_TARGET_CONFIGURED:
		return sf->configured;
	case BL_TARGET_HOSTNAME:
		return sf->hostname;
	case BL_TARGET_VALUE:
		break;
	}
	return sf->value;
}

/* Offset of the host name in the value (the first word). */
static size_t
host_offset(const struct bl_surface *sf)
{
	const char *v = sf->value;

	return (size_t)(strstr(v, sf->hostname) ? strstr(v, sf->hostname) - v
						: 0);
}

/* could_not_tell - a note that rule r could not judge sf (a search limit):
 * neither a finding nor silence */
static void
could_not_tell(struct run *x, const struct bl_rule *r,
	       const struct bl_surface *sf, const char *why)
{
	const struct bl_setting *s =
		sf->norigin > 0 ? sf->origin[0].setting : NULL;
	bool placed = s != NULL && !s->is_default && s->src != NULL;

	x->out->unknown++;
	bl_diags_add(x->diags, BL_LEVEL_NOTE,
		     placed ? s->src->path : sf->file, placed ? s->line : 0,
		     placed ? s->col : 0,
		     "could not tell whether %s %s applies to the %s of %s: "
		     "%s on its %zu-byte value; the rule was not applied",
		     r->id, r->name, bl_surface_kind_name(sf->kind), sf->scope,
		     why, strlen(sf->value));
}

static void
pattern_rule(struct run *x, const struct bl_rule *r,
	     const struct bl_config *cfg, const struct bl_surface *sf)
{
	const char *text = target_text(sf, r->target);
	size_t ms, me, base = 0;
	enum bl_match hit;
	const char *why;
	char *m;
	struct hit *f;

	if (r->target == BL_TARGET_HOSTNAME) {
		/* allow-hostname: the user vouches for this name */
		if (strcmp(r->name, "hostname-placeholder") == 0 &&
		    in_list(x->o->allow_hostname, sf->hostname))
			return;
		base = host_offset(sf);
	}
	hit = bl_rule_search(x->rs, r->re, text, 0, &ms, &me, &why);
	if (hit == BL_MATCH_UNKNOWN) {
		could_not_tell(x, r, sf, why);
		return;
	}
	if (r->require) {
		if (hit == BL_MATCH_YES)
			return;
		f = add(x, r, cfg, sf,
			format_message(r->message, "", sf->value,
				       sf->hostname));
		blame(f, sf, base, base + strlen(text));
		return;
	}
	if (hit == BL_MATCH_NO)
		return;
	m = bl_xstrndup(text + ms, me - ms);
	f = add(x, r, cfg, sf,
		format_message(r->message, m, sf->value, sf->hostname));
	free(m);
	if (r->target == BL_TARGET_CONFIGURED)
		place_setting(f, sf->origin[0].setting, ms, me - ms);
	else
		blame(f, sf, base + ms, base + me);
}

static bool
is_placeholder(const char *h)
{
	return (h[0] == '<' && h[strlen(h) - 1] == '>') ||
	       strstr(h, "<template>") != NULL;
}

static bool
is_ip(const char *h)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, h, buf) == 1 ||
	       inet_pton(AF_INET6, h, buf) == 1;
}

static bool
is_literal(const char *h)
{
	size_t n = strlen(h);

	return n > 2 && h[0] == '[' && h[n - 1] == ']';
}

/* A name in the host-name sense: not empty, a placeholder, an address. */
static bool
is_name(const char *h)
{
	return *h != '\0' && !is_placeholder(h) && !is_ip(h) && !is_literal(h);
}

/* Does the first word of the value come from $myhostname? */
static bool
host_from_myhostname(const struct bl_surface *sf)
{
	size_t i, k, at = host_offset(sf);

	for (i = 0; i < sf->npieces; i++) {
		const struct bl_piece *p = &sf->pieces[i];

		if (at < p->off || at >= p->off + p->len)
			continue;
		for (k = p->origin; k != BL_NO_ORIGIN; k = sf->origin[k].via)
			if (strcmp(sf->origin[k].key, "myhostname") == 0)
				return true;
	}
	return false;
}

/* BL105: a banner whose first word cannot be the server's name. */
static bool
banner_without_host(const struct bl_surface *sf)
{
	const char *h = sf->hostname;

	if (sf->kind != BL_SURFACE_BANNER || *h == '\0')
		return false;
	if (is_placeholder(h) || is_ip(h) || is_literal(h))
		return false;
	return strchr(h, '.') == NULL && !host_from_myhostname(sf);
}

static const char *const internal_suffixes[] = {
	"local",     "localdomain", "lan",	"internal", "corp",
	"home",      "home.arpa",   "test",	"invalid",  "intranet",
	"private",   "localhost",   "lokal",	"intra",
};

static const char *
internal_suffix(const char *h)
{
	size_t i, n = strlen(h), k;

	if (n > 0 && h[n - 1] == '.')
		n--;
	for (i = 0; i < BL_ARRAY_LEN(internal_suffixes); i++) {
		k = strlen(internal_suffixes[i]);
		if (n > k && h[n - k - 1] == '.' &&
		    strncasecmp(h + n - k, internal_suffixes[i], k) == 0)
			return internal_suffixes[i];
	}
	return NULL;
}

/* BL206: why a name is not a valid host name, or NULL. */
static const char *
syntax_problem(const char *h, char *why, size_t whylen)
{
	size_t n = strlen(h), label = 0, i;

	if (n > 253) {
		snprintf(why, whylen, "the name is %zu octets long (at most "
				      "253)",
			 n);
		return why;
	}
	for (i = 0; i <= n; i++) {
		char c = h[i];

		if (c == '.' || c == '\0') {
			if (label == 0 && !(c == '\0' && i == n && n > 0 &&
					    h[n - 1] != '.'))
				return c == '\0' ? "it ends with a dot"
						 : "it has an empty label";
			if (label > 63) {
				snprintf(why, whylen,
					 "a label is %zu octets long (at most "
					 "63)",
					 label);
				return why;
			}
			if (h[i - 1] == '-')
				return "a label ends with a hyphen";
			label = 0;
			continue;
		}
		if (label == 0 && c == '-')
			return "a label starts with a hyphen";
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-')) {
			snprintf(why, whylen,
				 "it contains the character '%c', not allowed "
				 "in a host name",
				 c);
			if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
				snprintf(why, whylen,
					 "it contains the byte 0x%02x, not "
					 "allowed in a host name",
					 (unsigned char)c);
			return why;
		}
		label++;
	}
	return NULL;
}

static void
hostname_finding(struct run *x, const struct bl_rule *r,
		 const struct bl_config *cfg, const struct bl_surface *sf,
		 const char *detail, enum bl_level level)
{
	struct hit *f;
	char *msg = format_message(r->message, detail, sf->value, sf->hostname);
	size_t at = host_offset(sf);

	f = add(x, r, cfg, sf, msg);
	f->severity = level;
	blame(f, sf, at, at + strlen(sf->hostname));
}

/* placeholder_name - is what makes h short (BL202: all of it) or
 * malformed (BL206: every byte outside letters, digits, '-' and '.') part
 * of what BL207 (hostname-placeholder) calls a placeholder, such as
 * PH_HOSTNAME or __MAIL_HOST__? Then the name is that, not a broken name,
 * and the rule leaves it to BL207. */
static bool
placeholder_name(const struct run *x, const char *h, bool whole)
{
	size_t i, k, ms, me, n = strlen(h);
	const char *why;

	for (i = 0; i < x->rs->nrules; i++) {
		const struct bl_rule *r = &x->rs->rules[i];

		if (strcmp(r->name, "hostname-placeholder") != 0 ||
		    r->re == NULL)
			continue;
		if (bl_rule_search(x->rs, r->re, h, 0, &ms, &me, &why) !=
			    BL_MATCH_YES ||
		    me <= ms)
			return false;
		if (whole)
			return ms == 0 && me == n;
		for (k = 0; k < n; k++)
			if ((k < ms || k >= me) &&
			    !isalnum((unsigned char)h[k]) && h[k] != '-' &&
			    h[k] != '.')
				return false;
		return true;
	}
	return false;
}

static void
check_surface(struct run *x, const struct bl_rule *r,
	      const struct bl_config *cfg, const struct bl_surface *sf)
{
	const char *h = sf->hostname, *why, *limit;
	char buf[128];
	size_t i, ms, me;

	if (strcmp(r->check, "banner-empty") == 0) {
		for (i = 0; sf->value[i] == ' ' || sf->value[i] == '\t'; i++)
			;
		if (sf->value[i] == '\0')
			hostname_finding(x, r, cfg, sf, "", r->severity);
		return;
	}
	if (strcmp(r->check, "hostname-first") == 0) {
		if (banner_without_host(sf))
			hostname_finding(x, r, cfg, sf, h, r->severity);
		return;
	}
	/* An empty HELO name is no name at all (HELO needs one): when a
	 * setting makes it so, not a default left empty by an error */
	if (*h == '\0' && sf->kind == BL_SURFACE_HELO &&
	    strcmp(r->check, "hostname-syntax") == 0 && sf->norigin > 0 &&
	    !sf->origin[0].setting->is_default) {
		hostname_finding(x, r, cfg, sf, "it is empty", r->severity);
		return;
	}
	/* The rest judge a host name: none in an empty value or a banner
	 * whose first word is not a name (BL105 says so). */
	if (*h == '\0' || banner_without_host(sf))
		return;
	if (strcmp(r->check, "placeholder-name") == 0) {
		if (strcmp(h, "<system-hostname>") == 0) {
			x->unset = bl_xreallocarray(x->unset, x->nunset + 1,
						    sizeof(*x->unset));
			x->unset[x->nunset++] = sf;
		}
	} else if (strcmp(r->check, "ip-literal") == 0) {
		if (is_ip(h))
			hostname_finding(x, r, cfg, sf, h, BL_LEVEL_ERROR);
		else if (is_literal(h))
			hostname_finding(x, r, cfg, sf, h, BL_LEVEL_WARNING);
	} else if (!is_name(h)) {
		return;
	} else if ((strcmp(r->check, "fqdn") == 0 ||
		    strcmp(r->check, "hostname-syntax") == 0) &&
		   placeholder_name(x, h, strcmp(r->check, "fqdn") == 0)) {
		return;
	} else if (strcmp(r->check, "fqdn") == 0) {
		if (strchr(h, '.') == NULL)
			hostname_finding(x, r, cfg, sf, h, r->severity);
	} else if (strcmp(r->check, "hostname-syntax") == 0) {
		if ((why = syntax_problem(h, buf, sizeof(buf))) != NULL)
			hostname_finding(x, r, cfg, sf, why, r->severity);
	} else if (strcmp(r->check, "internal-domain") == 0) {
		if ((why = internal_suffix(h)) != NULL) {
			snprintf(buf, sizeof(buf), ".%s", why);
			hostname_finding(x, r, cfg, sf, buf, r->severity);
			return;
		}
		for (i = 0; x->o->internal_suffix && x->o->internal_suffix[i];
		     i++) {
			const char *sfx = x->o->internal_suffix[i];
			size_t hn = strlen(h), sn = strlen(sfx);

			if (strcasecmp(h, sfx) == 0 ||
			    (hn > sn && h[hn - sn - 1] == '.' &&
			     strcasecmp(h + hn - sn, sfx) == 0)) {
				snprintf(buf, sizeof(buf),
					 "%s (internal-suffix in the "
					 "configuration)",
					 sfx);
				hostname_finding(x, r, cfg, sf, buf,
						 r->severity);
				return;
			}
		}
	} else if (strcmp(r->check, "generic-name") == 0) {
		if (in_list(x->o->allow_hostname, h))
			return;
		for (i = 0; i < x->rs->ngenerics; i++) {
			const struct bl_generic *g = &x->rs->generics[i];

			enum bl_match hit = bl_rule_search(x->rs, g->re, h, 0,
							   &ms, &me, &limit);

			if (hit == BL_MATCH_UNKNOWN)
				could_not_tell(x, r, sf, limit);
			if (hit != BL_MATCH_YES)
				continue;
			snprintf(buf, sizeof(buf), "%s [%s]", g->description,
				 g->id);
			hostname_finding(x, r, cfg, sf, buf, r->severity);
			break;
		}
	}
}

/*
 * unset_finding - one finding for an instance that does not name its
 * host (the cause), at the file where the name is set, listing the
 * surfaces that take the system's name instead of one per surface.
 */
static void
unset_finding(struct run *x, const struct bl_rule *r,
	      const struct bl_config *cfg)
{
	struct hit *f;
	struct bl_buf what, msg;
	const char *file = cfg->hostname_file ? cfg->hostname_file : cfg->name;
	const char *base = strrchr(file, '/');
	char *m;
	size_t i;

	bl_buf_init(&what);
	if (cfg->hostname_key != NULL)
		bl_buf_printf(&what, "%s in %s", cfg->hostname_key,
			      base ? base + 1 : file);
	else
		bl_buf_adds(&what, "the server's host name");
	m = format_message(r->message, what.data, x->unset[0]->value,
			   x->unset[0]->hostname);
	bl_buf_init(&msg);
	bl_buf_adds(&msg, m);
	free(m);
	bl_buf_adds(&msg, " (affects: ");
	for (i = 0; i < x->nunset && i < 4; i++) {
		const struct bl_surface *sf = x->unset[i];

		bl_buf_printf(&msg, "%s%s of %s [%s]", i == 0 ? "" : ", ",
			      bl_surface_kind_name(sf->kind), sf->scope,
			      sf->key);
	}
	if (x->nunset > 4)
		bl_buf_printf(&msg, " and %zu more", x->nunset - 4);
	bl_buf_addc(&msg, ')');
	f = add(x, r, cfg, x->unset[0], bl_buf_steal(&msg));
	f->file = file;
	f->key = cfg->hostname_key;
	f->also = x->nunset - 1;
	bl_buf_finish(&what);
	x->nunset = 0;
}

static const struct bl_surface *
main_banner(const struct bl_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		if (cfg->surfaces[i].kind == BL_SURFACE_BANNER &&
		    strcmp(cfg->surfaces[i].scope, "main") == 0)
			return &cfg->surfaces[i];
	return NULL;
}

/* Is this a banner a client on the network can see? */
static bool
public_listener(const struct bl_config *cfg, const struct bl_surface *sf)
{
	const struct bl_setting *s = bl_config_lookup(cfg, "inet_interfaces");
	const char *v = s ? s->raw : "all";
	size_t i;
	bool any = false;

	if (strcmp(v, "loopback-only") == 0 || strcmp(v, "localhost") == 0 ||
	    strcmp(v, "127.0.0.1") == 0 || strcmp(v, "[::1]") == 0 ||
	    strcmp(v, "127.0.0.1, [::1]") == 0 ||
	    strcmp(v, "127.0.0.1 [::1]") == 0)
		return false;
	if (cfg->master_src == NULL)
		return true;
	if (sf->scope_obj != NULL) {
		const char *t = strrchr(sf->scope, '/');

		return t && (strcmp(t, "/inet") == 0 || strcmp(t, "/pass") == 0);
	}
	/* main's banner matters when some inet service speaks SMTP. */
	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];
		const char *t = strrchr(sc->name, '/');

		if (!sc->shadowed && t && strcmp(t, "/inet") == 0 &&
		    (strcmp(sc->role, "smtpd") == 0 ||
		     strcmp(sc->role, "postscreen") == 0))
			any = true;
	}
	return any;
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

/* The m4 reader's events that BL305 reports, and what it says of each
 * (%m: the event's argument, the define's name or the macro expanded). */
static const struct {
	const char *kind, *message;
} m4_events[] = {
	{"define-overridden",
	 "this define of %m has no effect: a later OSTYPE, DOMAIN or HACK "
	 "file defines it again; move it after that line"},
	{"local-config-overridden",
	 "this LOCAL_CONFIG greeting has no effect: the O SmtpGreetingMessage "
	 "line cf.m4 writes after it wins; define confSMTP_LOGIN_MSG instead"},
	{"define-redefined",
	 "this define of %m has no effect: a later define of it replaces it; "
	 "remove this one"},
	{"raw-cf-overridden",
	 "this raw O SmtpGreetingMessage line has no effect: the line cf.m4 "
	 "writes after it wins; define confSMTP_LOGIN_MSG instead"},
	{"hash-line-expanded",
	 "'#' is no comment after cf.m4: m4 expands %m on this line; write "
	 "'dnl #' instead"},
};

static void
instance_checks(struct run *x, const struct bl_rule *r,
		const struct bl_config *cfg)
{
	const struct bl_surface *mb = main_banner(cfg);
	struct hit *f;
	size_t i, k;

	if (strcmp(r->check, "helo-banner-mismatch") == 0 && x->o->hostname) {
		/* The configuration says which name this server must use. */
		for (i = 0; i < cfg->nsurfaces; i++) {
			const struct bl_surface *sf = &cfg->surfaces[i];
			char *m;

			if (!sf->valid || *sf->hostname == '\0' ||
			    banner_without_host(sf) ||
			    strcasecmp(sf->hostname, x->o->hostname) == 0 ||
			    (sf->kind == BL_SURFACE_BANNER &&
			     !public_listener(cfg, sf)))
				continue;
			m = bl_xasprintf("the %s name '%s' is not the "
					 "expected host name '%s' (hostname "
					 "in the configuration)",
					 sf->kind == BL_SURFACE_BANNER
						 ? "banner"
						 : "HELO",
					 sf->hostname, x->o->hostname);
			f = add(x, r, cfg, sf, m);
			blame(f, sf, host_offset(sf),
			      host_offset(sf) + strlen(sf->hostname));
		}
	} else if (strcmp(r->check, "helo-banner-mismatch") == 0) {
		if (mb == NULL || !mb->valid || !is_name(mb->hostname) ||
		    banner_without_host(mb) || !public_listener(cfg, mb))
			return;
		for (i = 0; i < cfg->nsurfaces; i++) {
			const struct bl_surface *sf = &cfg->surfaces[i];

			if (sf->kind != BL_SURFACE_HELO || !sf->valid ||
			    !is_name(sf->hostname) ||
			    strcasecmp(sf->hostname, mb->hostname) == 0)
				continue;
			f = add(x, r, cfg, sf,
				format_message(r->message, mb->hostname,
					       sf->value, sf->hostname));
			blame(f, sf, host_offset(sf),
			      host_offset(sf) + strlen(sf->hostname));
		}
	} else if (strcmp(r->check, "duplicate-setting") == 0) {
		for (i = 0; i < cfg->nsettings; i++) {
			const struct bl_setting *s = cfg->settings[i];

			if (s->shadows == NULL || s->src == NULL)
				continue;
			/* Postfix uses the last; Exim refuses to start. */
			if (strcmp(cfg->mta, "exim") == 0) {
				char *m = bl_xasprintf("'%s' is set more than "
						       "once: Exim refuses to "
						       "start",
						       s->key);

				f = add(x, r, cfg, NULL, m);
				f->severity = BL_LEVEL_ERROR;
			} else {
				f = add(x, r, cfg, NULL,
					format_message(r->message, s->key,
						       s->raw, ""));
			}
			/* Blame the earlier one: removing it is the fix. */
			place_setting(f, s->shadows, 0, 0);
			f->len = s->shadows->key_len;
			f->off = s->shadows->key_off;
			bl_source_position(s->shadows->src, f->off, &f->line,
					   &f->col);
		}
	} else if (strcmp(r->check, "sendmail-define-overridden") == 0) {
		/* events of the m4 reader: a define an OSTYPE/DOMAIN/HACK file
		 * overwrote, a "#" line m4 expanded after cf.m4 */
		for (i = 0; i < cfg->nevents; i++) {
			const struct bl_event *e = &cfg->events[i];
			size_t ev;
			char *m;

			if (e->src == NULL)
				continue;
			for (ev = 0; ev < BL_ARRAY_LEN(m4_events); ev++)
				if (strcmp(e->kind, m4_events[ev].kind) == 0)
					break;
			if (ev == BL_ARRAY_LEN(m4_events))
				continue;
			m = format_message(m4_events[ev].message, e->arg, NULL,
					   NULL);
			f = add(x, r, cfg, NULL, m);
			f->src = e->src;
			f->file = e->src->path;
			f->off = e->off;
			f->len = e->len;
			f->line = e->line;
			f->col = e->col;
			f->key = e->arg;
		}
	} else if (strcmp(r->check, "listener-banners-differ") == 0) {
		const struct bl_surface *ref = NULL;
		const char *rv = NULL;

		/* Every public listener against the first one; postscreen's
		 * pre-greeting and its own 220 line both count. */
		for (i = 0; i < cfg->nsurfaces; i++) {
			const struct bl_surface *sf = &cfg->surfaces[i];
			const char *lines[2];
			size_t nl = 0;

			if (sf->kind != BL_SURFACE_BANNER || !sf->valid ||
			    sf->scope_obj == NULL || !public_listener(cfg, sf))
				continue;
			if (strcmp(sf->key, "postscreen_greet_banner") == 0) {
				const char *last = strrchr(sf->greeting, '\n');

				if (*sf->value != '\0')
					lines[nl++] = sf->value;
				lines[nl++] = last ? last + 5 : sf->greeting + 4;
			} else {
				lines[nl++] = sf->value;
			}
			for (k = 0; k < nl; k++) {
				if (ref == NULL) {
					ref = sf;
					rv = lines[k];
					continue;
				}
				if (strcmp(rv, lines[k]) == 0)
					continue;
				if (nl == 2 && (k == 0 || ref == sf) &&
				    sf->origin[0].setting->is_default) {
					/* postscreen's pre-greeting from the
					 * default postscreen_greet_banner: the
					 * place to set it is main.cf */
					f = add(x, r, cfg, sf,
						bl_xasprintf(
							"this listener greets "
							"differently from the others "
							"of the same server: "
							"postscreen's pre-greeting "
							"'220-%s' is the default of "
							"postscreen_greet_banner "
							"(\"%s\", not set anywhere), "
							"not '%s' as on %s: set "
							"postscreen_greet_banner in "
							"main.cf",
							lines[0],
							sf->origin[0].setting->raw,
							k == 0 ? rv : lines[1],
							k == 0 ? ref->scope
							       : "the smtpd behind "
								 "it"));
					f->key = sf->origin[0].setting->key;
					f->setting = sf->origin[0].setting;
					f->file = cfg->main_src != NULL
							  ? cfg->main_src->path
							  : cfg->name;
					break;
				}
				f = add(x, r, cfg, sf,
					format_message(r->message, ref->scope,
						       sf->value,
						       sf->hostname));
				/* The listener's own banner setting. */
				if (sf->origin[0].setting->src != NULL)
					place_setting(f, sf->origin[0].setting,
						      0,
						      sf->origin[0]
							      .setting->raw_len);
				else
					blame(f, sf, 0, strlen(sf->value));
				break;
			}
		}
	} else if (strcmp(r->check, "override-whitespace") == 0) {
		for (i = 0; i < cfg->nscopes; i++) {
			const struct bl_scope *sc = cfg->scopes[i];

			/* pipe(8) and others take attribute arguments;
			 * the SMTP daemons and clients exit on them. */
			if (sc->stray == NULL || sc->shadowed ||
			    (strcmp(sc->role, "smtpd") != 0 &&
			     strcmp(sc->role, "postscreen") != 0 &&
			     strcmp(sc->role, "smtp") != 0 &&
			     strcmp(sc->role, "lmtp") != 0))
				continue;
			f = add(x, r, cfg, NULL, stray_message(sc));
			f->scope = sc->name;
			f->src = sc->src;
			f->file = sc->src->path;
			f->off = sc->stray_off;
			f->len = strlen(sc->stray);
			f->line = sc->stray_line;
			f->col = sc->stray_col;
		}
	}
}

static bool
instance_check(const char *name)
{
	return strcmp(name, "helo-banner-mismatch") == 0 ||
	       strcmp(name, "duplicate-setting") == 0 ||
	       strcmp(name, "sendmail-define-overridden") == 0 ||
	       strcmp(name, "listener-banners-differ") == 0 ||
	       strcmp(name, "override-whitespace") == 0 ||
	       strcmp(name, "unused-suppression") == 0;
}

static int
by_place(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->rule->id, y->rule->id);
}

/* Sort the findings from first on (none yet: no array to sort). */
static void
sort_findings(struct hits *out, size_t first)
{
	if (out->n > first + 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v),
		      by_place);
}

/* One finding per rule and place: the same text seen by several listeners
 * is one problem to fix. */
static void
dedupe(struct hits *out, size_t first)
{
	size_t i, k = first;

	for (i = first; i < out->n; i++) {
		struct hit *f = &out->v[i];

		if (k > first) {
			struct hit *p = &out->v[k - 1];

			if (p->rule == f->rule && p->src == f->src &&
			    ((p->src != NULL && p->off == f->off &&
			      p->len == f->len) ||
			     (p->src == NULL &&
			      strcmp(p->file, f->file) == 0 &&
			      strcmp(p->message, f->message) == 0))) {
				p->also++;
				free(f->message);
				continue;
			}
		}
		out->v[k++] = *f;
	}
	out->n = k;
}

/*
 * Did any of these rules run on the instance? A suppression of a rule that
 * was not selected, or of a banner rule where no banner is public, is not
 * "unused": it may matter in another run.
 */
static bool
any_ran(const struct run *x, const struct bl_config *cfg, char **names)
{
	size_t i, j, k;
	bool banners = false;

	for (k = 0; k < cfg->nsurfaces; k++)
		if (cfg->surfaces[k].kind == BL_SURFACE_BANNER &&
		    public_listener(cfg, &cfg->surfaces[k]))
			banners = true;
	for (i = 0; names[i]; i++)
		for (j = 0; j < x->rs->nrules; j++) {
			const struct bl_rule *r = &x->rs->rules[j];

			if (strcasecmp(names[i], "all") != 0 &&
			    strcasecmp(names[i], r->id) != 0 &&
			    strcmp(names[i], r->name) != 0)
				continue;
			if (!enabled(x, r) || !mta_ok(r, cfg->mta))
				continue;
			if ((r->check && instance_check(r->check)) ||
			    (r->applies & BL_APPLIES_HELO) ||
			    ((r->applies & BL_APPLIES_BANNER) && banners))
				return true;
		}
	/* A name that is no rule at all: the suppression is a mistake. */
	for (i = 0; names[i]; i++)
		if (strcasecmp(names[i], "all") != 0 &&
		    bl_ruleset_find(x->rs, names[i]) == NULL)
			return true;
	return false;
}

static void
apply_suppressions(struct run *x, const struct bl_config *cfg, size_t first,
		   struct bl_diags *diags)
{
	struct bl_suppressions sup;
	const struct bl_rule *meta = NULL;
	size_t i, j, k = first;
	bool gone;

	bl_suppressions_scan(&sup, cfg, diags);
	for (i = first; i < x->h->n; i++) {
		struct hit *f = &x->h->v[i];

		gone = !x->o->no_inline &&
		       bl_suppressions_apply(&sup, f->rule->id, f->rule->name,
					     f->src, f->file, f->off);
		if (gone) {
			free(f->message);
			continue;
		}
		x->h->v[k++] = *f;
	}
	x->h->n = k;
	for (j = 0; j < x->rs->nrules; j++)
		if (x->rs->rules[j].check &&
		    strcmp(x->rs->rules[j].check, "unused-suppression") == 0)
			meta = &x->rs->rules[j];
	for (j = 0; j < sup.n && meta && enabled(x, meta) && !x->o->no_inline;
	     j++) {
		struct hit *f;
		char *names;
		struct bl_buf b;

		if (sup.v[j].used || !any_ran(x, cfg, sup.v[j].rules))
			continue;
		bl_buf_init(&b);
		for (i = 0; sup.v[j].rules[i]; i++)
			bl_buf_printf(&b, "%s%s", i ? "," : "",
				      sup.v[j].rules[i]);
		names = bl_buf_steal(&b);
		f = add(x, meta, cfg, NULL,
			format_message(meta->message, names, "", ""));
		free(names);
		f->src = sup.v[j].src;
		f->file = sup.v[j].src->path;
		f->off = sup.v[j].off;
		f->len = sup.v[j].len;
		f->line = sup.v[j].line;
		f->col = sup.v[j].col;
	}
	bl_suppressions_finish(&sup);
}

/*
 * The fix hint of a "drop-match" rule: the banner setting without the
 * blamed text (and one blank beside it), keeping the host name first. Only
 * for text in the surface's own setting: renaming mail_name is never
 * offered (it renames the software in headers too).
 */
static char *
drop_hint(const struct hit *f)
{
	const struct bl_setting *s = f->setting;
	size_t a, b;
	struct bl_buf out;

	if (f->rule->fix == NULL || strcmp(f->rule->fix, "drop-match") != 0 ||
	    s == NULL || (s->src == NULL && !s->is_default) ||
	    f->surface == NULL ||
	    strcmp(s->key, f->surface->key) != 0 || f->raw_len == 0 ||
	    f->raw_off + f->raw_len > s->raw_len)
		return NULL;
	a = f->raw_off;
	b = a + f->raw_len;
	if (a > 0 && (s->raw[a - 1] == ' ' || s->raw[a - 1] == '\t'))
		a--;
	else if (b < s->raw_len && (s->raw[b] == ' ' || s->raw[b] == '\t'))
		b++;
	if (a == 0)
		return NULL; /* the host name must stay first */
	bl_buf_init(&out);
	if (strcmp(s->scope, "main") != 0) {
		/* A master.cf override: write it as master.cf wants it. */
		struct bl_buf v;
		bool blank;

		bl_buf_init(&v);
		bl_buf_add(&v, s->raw, a);
		bl_buf_add(&v, s->raw + b, s->raw_len - b);
		blank = strpbrk(v.data, " \t") != NULL;
		bl_buf_printf(&out, blank ? "-o { %s = %s }" : "-o %s=%s",
			      s->key, v.data);
		bl_buf_printf(&out, "  (in %s)", s->scope);
		bl_buf_finish(&v);
		return bl_buf_steal(&out);
	}
	if (strcmp(f->cfg->mta, "sendmail") == 0 &&
	    strncmp(s->key, "conf", 4) == 0) {
		/* sendmail.mc: an m4 define, after OSTYPE and DOMAIN when
		 * the value came from the cf tree or its default */
		bl_buf_printf(&out, "define(`%s', `", s->key);
		bl_buf_add(&out, s->raw, a);
		bl_buf_add(&out, s->raw + b, s->raw_len - b);
		bl_buf_adds(&out, "')dnl");
		if (s->is_default || s->src != f->cfg->main_src)
			bl_buf_adds(&out, "  (add this line after OSTYPE and "
					  "DOMAIN, then rebuild sendmail.cf)");
		return bl_buf_steal(&out);
	}
	if (strcmp(f->cfg->mta, "sendmail") == 0)
		bl_buf_printf(&out, "O %s=", s->key);
	else
		bl_buf_printf(&out, "%s = ", s->key);
	bl_buf_add(&out, s->raw, a);
	bl_buf_add(&out, s->raw + b, s->raw_len - b);
	if (s->is_default)
		bl_buf_adds(&out, "  (add this line)");
	return bl_buf_steal(&out);
}

/* own - s copied, or NULL */
static char *
own(const char *s)
{
	return s != NULL ? bl_xstrdup(s) : NULL;
}

/*
 * detach - the self-contained finding of h: every string it prints
 * copied, its end position and source line computed while the instance is
 * still alive (h's message and hint move over)
 */
static void
detach(struct bl_findings *out, struct hit *h)
{
	struct bl_finding *f;
	const char *text;
	size_t len;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = bl_xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	f->rule = h->rule;
	f->severity = h->severity;
	f->message = h->message;
	f->hint = h->hint;
	f->mta = own(h->cfg->mta);
	f->instance = own(h->cfg->name);
	f->file = own(h->file);
	f->key = own(h->key);
	f->scope = own(h->scope);
	f->off = h->off;
	f->len = h->len;
	f->line = h->line;
	f->col = h->col;
	f->also = h->also;
	if (h->src != NULL && h->line > 0) {
		f->placed = true;
		if (h->len > 0)
			bl_source_position(h->src, h->off + h->len,
					   &f->end_line, &f->end_col);
		text = bl_source_line(h->src, h->line, &len);
		if (text != NULL) {
			f->excerpt = bl_xstrndup(text, len);
			f->excerpt_len = len;
		}
	}
	if (h->surface != NULL) {
		f->surface = bl_xcalloc(1, sizeof(*f->surface));
		f->surface->kind = h->surface->kind;
		f->surface->scope = own(h->surface->scope);
		f->surface->value = own(h->surface->value);
		f->surface->greeting =
			own(h->surface->kind == BL_SURFACE_BANNER &&
					    h->surface->greeting != NULL
				    ? h->surface->greeting
				    : h->surface->value);
	}
}

/* bl_engine_run - append the findings of one instance, in file order */
void
bl_engine_run(const struct bl_ruleset *rs, const struct bl_config *cfg,
	      const struct bl_engine_opts *o, struct bl_findings *out,
	      struct bl_diags *diags)
{
	struct hits hits = {0};
	struct run x = {.rs = rs, .o = o, .out = out, .h = &hits,
			.diags = diags};
	size_t first = 0, k, j;

	/* an include that is not here: nothing said is verified (the note
	 * is the reader's) */
	if (cfg->unread_path != NULL)
		out->unknown++;
	for (j = 0; j < rs->nrules; j++) {
		const struct bl_rule *r = &rs->rules[j];

		if (!enabled(&x, r) || !mta_ok(r, cfg->mta))
			continue;
		if (r->check != NULL && instance_check(r->check)) {
			instance_checks(&x, r, cfg);
			continue;
		}
		for (k = 0; k < cfg->nsurfaces; k++) {
			const struct bl_surface *sf = &cfg->surfaces[k];
			unsigned want = sf->kind == BL_SURFACE_BANNER
						? BL_APPLIES_BANNER
						: BL_APPLIES_HELO;

			if (!(r->applies & want) || !sf->valid)
				continue;
			/* Role awareness: no banner rules for a listener
			 * nobody outside can reach. */
			if (sf->kind == BL_SURFACE_BANNER &&
			    !public_listener(cfg, sf))
				continue;
			if (r->check != NULL)
				check_surface(&x, r, cfg, sf);
			else
				pattern_rule(&x, r, cfg, sf);
		}
		if (x.nunset > 0)
			unset_finding(&x, r, cfg);
	}
	free(x.unset);
	sort_findings(&hits, first);
	dedupe(&hits, first);
	apply_suppressions(&x, cfg, first, diags);
	sort_findings(&hits, first);
	for (k = first; k < hits.n; k++)
		hits.v[k].hint = drop_hint(&hits.v[k]);
	/* Severity overrides from the configuration. */
	for (k = first; k < hits.n; k++)
		for (j = 0; j < o->nseverity; j++)
			if (strcasecmp(o->severity_ids[j],
				       hits.v[k].rule->id) == 0 ||
			    strcmp(o->severity_ids[j],
				   hits.v[k].rule->name) == 0)
				hits.v[k].severity = o->severity_levels[j];
	for (k = 0; k < hits.n; k++)
		detach(out, &hits.v[k]);
	free(hits.v);
}

/* bl_findings_clear - free every finding, keep the array (n = 0) */
void
bl_findings_clear(struct bl_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		struct bl_finding *f = &fs->v[i];

		free(f->message);
		free(f->hint);
		free(f->mta);
		free(f->instance);
		free(f->file);
		free(f->key);
		free(f->scope);
		free(f->excerpt);
		if (f->surface != NULL) {
			free(f->surface->scope);
			free(f->surface->value);
			free(f->surface->greeting);
			free(f->surface);
		}
	}
	fs->n = 0;
}

/* bl_findings_finish - free the findings and the array */
void
bl_findings_finish(struct bl_findings *fs)
{
	bl_findings_clear(fs);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

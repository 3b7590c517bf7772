/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_resolve.c - the surfaces of a connector export.
 *
 * Each receive connector greets with its Banner, which holds the whole
 * reply line ("220 mail.example.com ESMTP"); a $null Banner is
 * Microsoft's default, "220 <Fqdn> Microsoft ESMTP MAIL Service ready at
 * <date>" (formats.md 4.2). Each send connector says EHLO with its Fqdn;
 * a $null Fqdn is each source server's own name, known only there. Every
 * exported property is a setting of its connector's scope, at the bytes
 * that write its value, so findings and fixes point into the export.
 *
 * Exposure: a receive connector bound to port 25 with anonymous
 * permission (as far as the export shows) is what the Internet sees; one
 * that is not, or is disabled, is internal and its findings are one level
 * lower (struct bl_surface.lowered). A send connector whose address
 * spaces do not include "*" does not speak to the Internet either.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exchange_resolve.h"

/* The text Exchange greets with when Banner is $null, after the name. */
static const char default_tail[] = " Microsoft ESMTP MAIL Service ready at "
				   "<date>";

/* What a connector is, by its properties (or its type name). */
enum kind {
	KIND_NONE,
	KIND_RECEIVE,
	KIND_SEND,
};

static bool
has(const struct bl_ex_object *o, const char *name)
{
	return bl_ex_prop_find(o, name) != NULL;
}

static enum kind
kind_of(const struct bl_ex_object *o)
{
	if (o->type != NULL && strstr(o->type, "SendConnector") != NULL)
		return KIND_SEND;
	if (o->type != NULL && strstr(o->type, "ReceiveConnector") != NULL)
		return KIND_RECEIVE;
	if (has(o, "Bindings") || has(o, "Banner") ||
	    has(o, "PermissionGroups"))
		return KIND_RECEIVE;
	if (has(o, "AddressSpaces") || has(o, "SmartHosts") ||
	    has(o, "SourceTransportServers"))
		return KIND_SEND;
	return KIND_NONE;
}

/* value - a property's text, or NULL when absent or $null */
static const char *
value(const struct bl_ex_object *o, const char *name)
{
	const struct bl_ex_prop *p = bl_ex_prop_find(o, name);

	return p != NULL ? p->value : NULL;
}

/* word_in - does text hold word, ASCII case-insensitive, between
 * separators (blanks, commas, semicolons, braces)? */
static bool
word_in(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		if ((p == text || strchr(" \t,;{", p[-1]) != NULL) &&
		    (p[n] == '\0' || strchr(" \t,;}", p[n]) != NULL))
			return true;
	}
	return false;
}

/* items_or_words - does any element of p (or word of its text) satisfy
 * pred? */
static bool
any_element(const struct bl_ex_prop *p, bool (*pred)(const char *, size_t))
{
	size_t i, a, b;
	const char *v = p->value;

	for (i = 0; i < p->nitems; i++)
		if (pred(p->items[i], strlen(p->items[i])))
			return true;
	if (p->nitems > 0 || v == NULL)
		return false;
	/* CSV's flattened text: "[::]:25 0.0.0.0:25" or "a;b" */
	for (a = 0; v[a] != '\0'; a = b) {
		while (v[a] != '\0' && strchr(" \t,;{}", v[a]) != NULL)
			a++;
		for (b = a; v[b] != '\0' && strchr(" \t,;{}", v[b]) == NULL;
		     b++)
			;
		if (b > a && pred(v + a, b - a))
			return true;
	}
	return false;
}

/* port25 - is a binding "ADDRESS:25"? */
static bool
port25(const char *b, size_t n)
{
	return n > 3 && memcmp(b + n - 3, ":25", 3) == 0;
}

/* anywhere - an address space that covers the Internet ("SMTP:*;1",
 * "*") */
static bool
anywhere(const char *s, size_t n)
{
	const char *c = memchr(s, ':', n);
	size_t k = c != NULL ? (size_t)(c - s) + 1 : 0;

	return k < n && s[k] == '*';
}

/* disabled - does the export say the connector is off? */
static bool
disabled(const struct bl_ex_object *o)
{
	const char *v = value(o, "Enabled");

	return v != NULL && strcasecmp(v, "false") == 0;
}

/* receive_lowered - why strangers do not reach a receive connector, or
 * NULL: they do (or the export does not say) */
static const char *
receive_lowered(const struct bl_ex_object *o)
{
	const struct bl_ex_prop *b = bl_ex_prop_find(o, "Bindings");
	const char *perm = value(o, "PermissionGroups");

	if (disabled(o))
		return "the connector is disabled (Enabled is False)";
	if (b != NULL && b->value != NULL && !b->truncated &&
	    !any_element(b, port25))
		return "an internal connector: it is not bound to port 25, "
		       "where mail from the Internet arrives";
	if (perm != NULL && !word_in(perm, "AnonymousUsers") &&
	    strspn(perm, "0123456789") != strlen(perm))
		return "an internal connector: PermissionGroups has no "
		       "AnonymousUsers, so only authenticated or known "
		       "clients see its greeting";
	if (perm != NULL && perm[0] != '\0' &&
	    strspn(perm, "0123456789") == strlen(perm) &&
	    (strtoul(perm, NULL, 10) & 1) == 0)
		return "an internal connector: PermissionGroups has no "
		       "AnonymousUsers, so only authenticated or known "
		       "clients see its greeting";
	return NULL;
}

/* send_lowered - why a send connector does not speak to the Internet */
static const char *
send_lowered(const struct bl_ex_object *o)
{
	const struct bl_ex_prop *a = bl_ex_prop_find(o, "AddressSpaces");

	if (disabled(o))
		return "the connector is disabled (Enabled is False)";
	if (a != NULL && a->value != NULL && !a->truncated &&
	    !any_element(a, anywhere))
		return "an internal send connector: its address spaces do "
		       "not include * (the Internet)";
	return NULL;
}

/* setting_of - the setting made of property p of a connector */
static struct bl_setting *
setting_of(struct bl_config *cfg, struct bl_scope *sc,
	   const struct bl_source *src, const struct bl_ex_prop *p)
{
	struct bl_setting *s = bl_config_add_setting(cfg);

	s->key = p->name;
	s->raw = p->value != NULL ? p->value : "";
	s->raw_len = p->value != NULL ? p->value_len : 0;
	s->src = src;
	s->val_off = s->stmt_off = s->key_off = p->off;
	s->val_len = s->stmt_len = p->len;
	s->key_len = 0;
	s->line = p->line;
	s->col = p->col;
	s->scope = sc->name;
	bl_scope_add_setting(cfg, sc, s);
	return s;
}

/* banner - the greeting of a receive connector */
/* new_surface - a surface of kind read from s in connector sc, or NULL
 * past the instance's limit (reported) */
static struct bl_surface *
new_surface(struct bl_config *cfg, struct bl_diags *diags, struct bl_scope *sc,
	    enum bl_surface_kind kind, const struct bl_setting *s,
	    const char *lowered)
{
	struct bl_surface *sf;

	if (!bl_config_surface_room(cfg, diags, sc))
		return NULL;
	sf = bl_config_add_surface(cfg);
	sf->kind = kind;
	sf->mta = cfg->mta;
	sf->scope = sc->name;
	sf->scope_obj = sc;
	sf->file = s->src->path;
	sf->key = s->key;
	sf->lowered = lowered;
	return sf;
}

static void
banner(struct bl_config *cfg, struct bl_diags *diags, struct bl_scope *sc,
       const struct bl_ex_object *o, struct bl_setting *bs,
       struct bl_setting *fs, const char *lowered)
{
	const struct bl_ex_prop *bp = bl_ex_prop_find(o, "Banner");
	struct bl_surface *sf =
	    new_surface(cfg, diags, sc, BL_SURFACE_BANNER, bs, lowered);
	size_t n, hl;
	const char *host;

	if (sf == NULL)
		return;
	sf->public = true;
	if (bp->value == NULL) {
		/* Microsoft's default, with the connector's Fqdn */
		const struct bl_setting *h = fs;
		size_t hi;

		if (h == NULL || h->raw_len == 0)
			h = bl_config_default(cfg, "Fqdn", "<server-fqdn>",
					      true);
		host = h->raw;
		hl = strlen(host);
		{
			char *t = bl_xasprintf("220 %s%s", host, default_tail);

			bs->raw = bl_arena_strdup(&cfg->arena, t);
			free(t);
		}
		bs->raw_len = strlen(bs->raw);
		sf->configured = bs->raw;
		sf->value = bs->raw + 4;
		bl_surface_add_origin(sf, bs, BL_NO_ORIGIN, 0, 0);
		hi = bl_surface_add_origin(sf, h, 0, 4, hl);
		bl_surface_add_piece(sf, 0, hi, h->raw, hl, 4, hl);
		bl_surface_add_piece(sf, hl, 0, bs->raw + 4 + hl,
				     bs->raw_len - 4 - hl, 0, 0);
		sf->host_named = true;
	} else {
		size_t lead = strncmp(bs->raw, "220 ", 4) == 0 ? 4 : 0;

		sf->configured = bs->raw;
		sf->value = bs->raw + lead;
		bl_surface_add_origin(sf, bs, BL_NO_ORIGIN, 0, 0);
		if (bs->raw_len > lead)
			bl_surface_add_piece(sf, 0, 0, bs->raw + lead,
					     bs->raw_len - lead, 0, 0);
	}
	n = strcspn(sf->value, " ");
	sf->hostname = bl_arena_strndup(&cfg->arena, sf->value, n);
	bl_surface_set_greeting(cfg, sf, sf->value);
	sf->lines[0] = sf->value;
	sf->nlines = 1;
	sf->valid = true;
}

/* helo - the EHLO name of a send connector */
static void
helo(struct bl_config *cfg, struct bl_diags *diags, struct bl_scope *sc,
     struct bl_setting *fs, const char *id, const char *lowered)
{
	struct bl_surface *sf =
	    new_surface(cfg, diags, sc, BL_SURFACE_HELO, fs, lowered);

	if (sf == NULL)
		return;
	sf->configured = fs->raw;
	bl_surface_add_origin(sf, fs, BL_NO_ORIGIN, 0, 0);
	if (fs->raw_len == 0) {
		/* $null: each source server's own name (BL306) */
		const struct bl_setting *d =
		    bl_config_default(cfg, "Fqdn", "<server-fqdn>", true);
		size_t di = bl_surface_add_origin(sf, d, 0, 0, 0);

		bl_surface_add_piece(sf, 0, di, d->raw, d->raw_len, 0, 0);
		sf->value = d->raw;
		bl_config_add_event(cfg, "fqdn-unset", fs->src, fs->val_off,
				    fs->val_len, id);
		cfg->events[cfg->nevents - 1].scope = sc->name;
		cfg->events[cfg->nevents - 1].setting = fs;
	} else {
		sf->value = fs->raw;
		bl_surface_add_piece(sf, 0, 0, fs->raw, fs->raw_len, 0, 0);
	}
	sf->hostname = sf->value;
	sf->valid = true;
}

/* bl_resolve_exchange - the surfaces of every connector (header) */
int
bl_resolve_exchange(struct bl_config *cfg, struct bl_diags *diags)
{
	struct bl_ex_files *xf = cfg->dialect;
	size_t i, k, connectors = 0;

	if (xf == NULL || xf->failed)
		return 0;
	for (i = 0; i < xf->export.nobjs; i++) {
		const struct bl_ex_object *o = &xf->export.objs[i];
		enum kind kind = kind_of(o);
		const char *id = value(o, "Identity");
		struct bl_setting *bs = NULL, *fs = NULL;
		struct bl_scope *sc;

		if (kind == KIND_NONE)
			continue;
		if (id == NULL || *id == '\0')
			id = value(o, "Name");
		if (id == NULL || *id == '\0') {
			bl_diags_add(diags, BL_LEVEL_ERROR, xf->src->path,
				     o->line, 0,
				     "a connector without Identity or Name: "
				     "export the Identity property too");
			return -1;
		}
		connectors++;
		sc = bl_config_add_scope(cfg);
		{
			char *t = bl_xasprintf(
			    "%s/%s", kind == KIND_RECEIVE ? "receive" : "send",
			    id);

			sc->name = bl_arena_strdup(&cfg->arena, t);
			free(t);
		}
		sc->role = kind == KIND_RECEIVE ? "receive" : "send";
		sc->src = xf->src;
		sc->line = o->line;
		sc->stmt_off = o->off;
		for (k = 0; k < o->nprops; k++) {
			struct bl_setting *s =
			    setting_of(cfg, sc, xf->src, &o->props[k]);

			if (strcasecmp(s->key, "Banner") == 0)
				bs = s;
			else if (strcasecmp(s->key, "Fqdn") == 0)
				fs = s;
		}
		if (kind == KIND_RECEIVE && bs != NULL)
			banner(cfg, diags, sc, o, bs, fs, receive_lowered(o));
		else if (kind == KIND_RECEIVE)
			bl_diags_add(
			    diags, BL_LEVEL_NOTE, xf->src->path, o->line, 0,
			    "%s: Banner is not in the export, so its "
			    "greeting is unknown: export every "
			    "property (Format-List *, or no -Property)",
			    sc->name);
		if (kind == KIND_SEND && fs != NULL)
			helo(cfg, diags, sc, fs, id, send_lowered(o));
		else if (kind == KIND_SEND)
			bl_diags_add(diags, BL_LEVEL_NOTE, xf->src->path,
				     o->line, 0,
				     "%s: Fqdn is not in the export, so its "
				     "EHLO name is unknown: export every "
				     "property",
				     sc->name);
	}
	if (connectors == 0)
		bl_diags_add(diags, BL_LEVEL_NOTE, xf->src->path, 0, 0,
			     "no receive or send connector in this export");
	return 0;
}

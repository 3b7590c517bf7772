/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model.c - settings, scopes and surfaces of one configuration instance.
 *
 * The config owns its sources (freed with it) and allocates settings,
 * scopes and surfaces from its arena; pointer arrays grow on the heap.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"

/*
 * The lookup index: open addressing from a key to the last global setting
 * with that key. It covers cfg->settings[0, done); settings added since are
 * taken in at the next lookup, so its answers are those of a scan from the
 * end, in constant time (a file of 40,000 settings is looked up thousands
 * of times while its surfaces are resolved).
 */
struct bl_lookup_index {
	const struct bl_setting **slots;
	size_t cap, used, done;
};


/* bl_config_new - an empty instance (caller frees with bl_config_free) */
struct bl_config *
bl_config_new(const char *mta, const char *name)
{
	struct bl_config *cfg = bl_xcalloc(1, sizeof(*cfg));

	bl_arena_init(&cfg->arena);
	cfg->mta = bl_arena_strdup(&cfg->arena, mta);
	cfg->name = bl_arena_strdup(&cfg->arena, name);
	return cfg;
}

/* bl_config_free - free the instance and everything it owns; NULL is fine */
void
bl_config_free(struct bl_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nsources; i++)
		bl_source_free(cfg->sources[i]);
	free(cfg->sources);
	free(cfg->settings);
	free(cfg->events);
	for (i = 0; i < cfg->nscopes; i++)
		free(cfg->scopes[i]->settings);
	free(cfg->scopes);
	for (i = 0; i < cfg->nsurfaces; i++) {
		free(cfg->surfaces[i].origin);
		free(cfg->surfaces[i].pieces);
		free(cfg->surfaces[i].overrides);
	}
	free(cfg->surfaces);
	if (cfg->index != NULL)
		free(cfg->index->slots);
	free(cfg->index);
	bl_arena_finish(&cfg->arena);
	free(cfg);
}

/* grow - make room for one more element in an array of n */
static void *
grow(void *v, size_t n, size_t size)
{
	/* Capacities are powers of two, so n alone tells when to grow. */
	if (n == 0 || (n & (n - 1)) == 0)
		v = bl_xreallocarray(v, n ? n * 2 : 4, size);
	return v;
}

/* bl_config_add_source - the config takes ownership of src */
void
bl_config_add_source(struct bl_config *cfg, struct bl_source *src)
{
	cfg->sources = grow(cfg->sources, cfg->nsources, sizeof(src));
	cfg->sources[cfg->nsources++] = src;
}

/* bl_config_add_setting - a new zeroed setting (config owns) */
struct bl_setting *
bl_config_add_setting(struct bl_config *cfg)
{
	struct bl_setting *s = bl_arena_alloc(&cfg->arena, sizeof(*s));

	cfg->settings = grow(cfg->settings, cfg->nsettings, sizeof(s));
	cfg->settings[cfg->nsettings++] = s;
	return s;
}

/* bl_config_add_scope - a new zeroed scope (config owns) */
struct bl_scope *
bl_config_add_scope(struct bl_config *cfg)
{
	struct bl_scope *sc = bl_arena_alloc(&cfg->arena, sizeof(*sc));

	cfg->scopes = grow(cfg->scopes, cfg->nscopes, sizeof(sc));
	cfg->scopes[cfg->nscopes++] = sc;
	return sc;
}

/* bl_scope_add_setting - append a setting to a scope, in order */
void
bl_scope_add_setting(struct bl_config *cfg, struct bl_scope *scope,
		     const struct bl_setting *s)
{
	(void)cfg;
	scope->settings = grow(scope->settings, scope->nsettings, sizeof(s));
	scope->settings[scope->nsettings++] = s;
}

/* bl_config_add_surface - a new zeroed surface (config owns) */
struct bl_surface *
bl_config_add_surface(struct bl_config *cfg)
{
	struct bl_surface *sf;

	cfg->surfaces =
		grow(cfg->surfaces, cfg->nsurfaces, sizeof(*cfg->surfaces));
	sf = &cfg->surfaces[cfg->nsurfaces++];
	memset(sf, 0, sizeof(*sf));
	return sf;
}

bool
bl_config_surface_room(struct bl_config *cfg, struct bl_diags *diags,
		       const struct bl_scope *scope)
{
	if (cfg->nsurfaces < BL_SURFACES_MAX)
		return true;
	if (!cfg->surfaces_capped) {
		cfg->surfaces_capped = true;
		bl_diags_add(diags, BL_LEVEL_ERROR,
			     scope && scope->src ? scope->src->path : NULL,
			     scope ? scope->line : 0, 0,
			     "%s: more than %u listeners and clients in one "
			     "instance, bannerlint's limit: this one and those "
			     "after it are not checked; split the "
			     "configuration",
			     scope ? scope->name : "main", BL_SURFACES_MAX);
	}
	return false;
}

void
bl_config_add_event(struct bl_config *cfg, const char *kind,
		    const struct bl_source *src, size_t off, size_t len,
		    const char *arg)
{
	struct bl_event *e;

	cfg->events = bl_xreallocarray(cfg->events, cfg->nevents + 1,
				       sizeof(*cfg->events));
	e = &cfg->events[cfg->nevents++];
	memset(e, 0, sizeof(*e));
	e->kind = bl_arena_strdup(&cfg->arena, kind);
	e->src = src;
	e->off = off;
	e->len = len;
	e->arg = arg ? bl_arena_strdup(&cfg->arena, arg) : NULL;
	if (src != NULL)
		bl_source_position(src, off, &e->line, &e->col);
}

static size_t
key_hash(const char *s)
{
	size_t h = 14695981039346656037ull & SIZE_MAX;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
	return h;
}

/* index_put - s is now the last global setting of its key */
static void
index_put(struct bl_lookup_index *x, const struct bl_setting *s)
{
	size_t k = key_hash(s->key) & (x->cap - 1);

	while (x->slots[k] != NULL) {
		if (strcmp(x->slots[k]->key, s->key) == 0) {
			x->slots[k] = s;
			return;
		}
		k = (k + 1) & (x->cap - 1);
	}
	x->slots[k] = s;
	x->used++;
}

/* index_update - take in the settings added since the last lookup */
static struct bl_lookup_index *
index_update(struct bl_config *cfg)
{
	struct bl_lookup_index *x = cfg->index;
	size_t i;

	if (x == NULL) {
		x = cfg->index = bl_xcalloc(1, sizeof(*x));
		x->cap = 64;
		x->slots = bl_xcalloc(x->cap, sizeof(*x->slots));
	}
	for (; x->done < cfg->nsettings; x->done++) {
		const struct bl_setting *s = cfg->settings[x->done];

		/* a setting still being filled in is taken in next time */
		if (s->key == NULL || s->scope == NULL)
			break;
		if (strcmp(s->scope, "main") != 0)
			continue;
		if ((x->used + 1) * 2 > x->cap) {
			const struct bl_setting **old = x->slots;
			size_t oldcap = x->cap;

			x->cap *= 2;
			x->used = 0;
			x->slots = bl_xcalloc(x->cap, sizeof(*x->slots));
			for (i = 0; i < oldcap; i++)
				if (old[i] != NULL)
					index_put(x, old[i]);
			free(old);
		}
		index_put(x, s);
	}
	return x;
}

/* bl_config_lookup - last effective global setting for key, or NULL (borrowed) */
const struct bl_setting *
bl_config_lookup(const struct bl_config *ccfg, const char *key)
{
	/* the index is a cache inside the instance: updating it changes
	 * no answer */
	struct bl_config *cfg = (struct bl_config *)ccfg;
	struct bl_lookup_index *x = index_update(cfg);
	const struct bl_setting *found = NULL;
	size_t i, k;

	k = key_hash(key) & (x->cap - 1);
	while (x->slots[k] != NULL) {
		if (strcmp(x->slots[k]->key, key) == 0) {
			found = x->slots[k];
			break;
		}
		k = (k + 1) & (x->cap - 1);
	}
	/* settings not yet taken in (one being filled in) are newer */
	for (i = cfg->nsettings; i-- > x->done;) {
		const struct bl_setting *s = cfg->settings[i];

		if (s->key != NULL && s->scope != NULL &&
		    strcmp(s->scope, "main") == 0 && strcmp(s->key, key) == 0)
			return s;
	}
	return found;
}

/* bl_scope_lookup - last setting for key in the scope, or NULL (borrowed) */
const struct bl_setting *
bl_scope_lookup(const struct bl_scope *scope, const char *key)
{
	size_t i;

	for (i = scope->nsettings; i-- > 0;)
		if (strcmp(scope->settings[i]->key, key) == 0)
			return scope->settings[i];
	return NULL;
}

/* bl_setting_src_offset - source offset of a raw-value offset */
size_t
bl_setting_src_offset(const struct bl_setting *s, size_t raw_off)
{
	size_t i;

	for (i = 0; i < s->nmap; i++) {
		const struct bl_span_map *m = &s->map[i];

		if (raw_off >= m->raw_off && raw_off < m->raw_off + m->len)
			return m->src_off + (raw_off - m->raw_off);
	}
	if (s->nmap > 0) {
		const struct bl_span_map *m = &s->map[s->nmap - 1];

		return m->src_off + m->len;
	}
	return s->val_off;
}

/* bl_surface_kind_name - "banner" or "helo" (static) */
const char *
bl_surface_kind_name(enum bl_surface_kind kind)
{
	return kind == BL_SURFACE_BANNER ? "banner" : "helo";
}

/* bl_config_path - where an instance reads path from (see model.h) */
char *
bl_config_path(const struct bl_config *cfg, const char *path)
{
	size_t n;

	if (cfg->root == NULL || path[0] != '/')
		return bl_xstrdup(path);
	n = strlen(cfg->root);
	while (n > 1 && cfg->root[n - 1] == '/')
		n--;
	return bl_xasprintf("%.*s%s", (int)n, cfg->root, path);
}

/* bl_config_unread - an absolute include that is not here (see model.h) */
void
bl_config_unread(struct bl_config *cfg, struct bl_diags *diags,
		 const struct bl_source *src, unsigned line, const char *path)
{
	char *shown = bl_config_path(cfg, path);

	bl_diags_add(diags, BL_LEVEL_NOTE, src->path, line, 0,
		     "%s is not available here%s%s%s: what it sets is unknown, "
		     "so the values it could set are shown as <unknown> and "
		     "the check is unverified (give --root DIR if the "
		     "repository holds the server's files)",
		     path, cfg->root ? " (looked for " : "",
		     cfg->root ? shown : "", cfg->root ? ")" : "");
	free(shown);
	if (cfg->unread_path != NULL)
		return;
	cfg->unread_path = bl_arena_strdup(&cfg->arena, path);
}

/* bl_config_may_unread - could a missing include have set it? */
bool
bl_config_may_unread(const struct bl_config *cfg, const struct bl_setting *s)
{
	if (cfg->unread_path == NULL)
		return false;
	return s == NULL || s->is_default || s->unread;
}

/* bl_config_unknown - the placeholder for an option an include not here
 * could set */
const struct bl_setting *
bl_config_unknown(struct bl_config *cfg, const char *key)
{
	struct bl_setting *s = (struct bl_setting *)bl_config_default(
		cfg, key, "<unknown>", true);

	s->unread = true;
	return s;
}

/* bl_config_default - a built-in default as a setting (config owns) */
const struct bl_setting *
bl_config_default(struct bl_config *cfg, const char *key, const char *value,
		  bool placeholder)
{
	struct bl_setting *s = bl_arena_alloc(&cfg->arena, sizeof(*s));

	s->key = bl_arena_strdup(&cfg->arena, key);
	s->raw = bl_arena_strdup(&cfg->arena, value);
	s->raw_len = strlen(value);
	s->scope = "main";
	s->is_default = true;
	s->placeholder = placeholder;
	return s;
}

static bool
same_setting(const struct bl_setting *a, const struct bl_setting *b)
{
	if (a == b)
		return true;
	/* Defaults are made per lookup: equal when key and value agree. */
	return a->is_default && b->is_default && strcmp(a->key, b->key) == 0 &&
	       strcmp(a->raw, b->raw) == 0;
}

/* bl_surface_add_origin - index of s among the origins, added if new */
size_t
bl_surface_add_origin(struct bl_surface *sf, const struct bl_setting *s,
		      size_t via, size_t ref_off, size_t ref_len)
{
	struct bl_origin *o;
	size_t i;

	for (i = 0; i < sf->norigin; i++)
		if (same_setting(sf->origin[i].setting, s))
			return i;
	sf->origin = grow(sf->origin, sf->norigin, sizeof(*sf->origin));
	o = &sf->origin[sf->norigin];
	o->key = s->key;
	o->setting = s;
	o->scope = s->scope;
	o->via = via;
	o->ref_off = ref_off;
	o->ref_len = ref_len;
	o->placeholder = s->placeholder;
	return sf->norigin++;
}

/* bl_surface_add_piece - record value[off, off+n) as text p of origin */
void
bl_surface_add_piece(struct bl_surface *sf, size_t off, size_t origin,
		     const char *p, size_t n, size_t top_off, size_t top_len)
{
	const struct bl_setting *h = sf->origin[origin].setting;
	uintptr_t a = (uintptr_t)p, r0 = (uintptr_t)h->raw;
	struct bl_piece *pc;
	size_t src_off = a >= r0 && a + n <= r0 + h->raw_len ? (size_t)(a - r0)
							     : 0;

	/* a run that continues the previous one extends it */
	if (sf->npieces > 0 && n > 0 && src_off > 0) {
		pc = &sf->pieces[sf->npieces - 1];
		if (pc->origin == origin && pc->top_off == top_off &&
		    pc->top_len == top_len && pc->off + pc->len == off &&
		    pc->src_off + pc->len == src_off) {
			pc->len += n;
			return;
		}
	}
	sf->pieces = grow(sf->pieces, sf->npieces, sizeof(*sf->pieces));
	pc = &sf->pieces[sf->npieces++];
	pc->off = off;
	pc->len = n;
	pc->origin = origin;
	/* Text not taken from the raw value ("true" of a bare relational,
	 * "<expansion>") points at its start. */
	pc->src_off = src_off;
	pc->top_off = top_off;
	pc->top_len = top_len;
}

/* bl_surface_set_greeting - the 220 lines of a multi-line value */
void
bl_surface_set_greeting(struct bl_config *cfg, struct bl_surface *sf,
			const char *value)
{
	struct bl_buf g;
	const char *p = value, *nl;

	bl_buf_init(&g);
	for (;;) {
		nl = strchr(p, '\n');
		bl_buf_printf(&g, "%s%.*s", nl ? "220-" : "220 ",
			      nl ? (int)(nl - p) : (int)strlen(p), p);
		if (nl == NULL)
			break;
		bl_buf_addc(&g, '\n');
		p = nl + 1;
	}
	sf->greeting = bl_arena_strdup(&cfg->arena, g.data);
	bl_buf_finish(&g);
}

/* bl_config_public_banners - every banner public, its value its line */
void
bl_config_public_banners(struct bl_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++) {
		struct bl_surface *sf = &cfg->surfaces[i];

		if (sf->kind != BL_SURFACE_BANNER)
			continue;
		sf->public = true;
		sf->lines[0] = sf->value;
		sf->nlines = 1;
	}
}

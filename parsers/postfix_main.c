/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix_main.c - main.cf as Postfix reads it (postconf(5), readlline(3),
 * split_nameval(3)).
 *
 * Every logical line becomes a setting in scope "main" with the byte spans
 * of its key, its value and the whole statement; a later definition of the
 * same key shadows the earlier one (both are kept). What Postfix rejects
 * (a line without "=", no name) is an error diagnostic at the line; what it
 * only warns about (an indented logical line, a redefinition) is a warning.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "postfix.h"
#include "util.h"

/* map_index - the run of the line's map holding joined offset off (the
 * number of runs when off is past the text) */
static size_t
map_index(const struct bl_pf_line *l, size_t off)
{
	size_t lo = 0, hi = l->nmap, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (off >= l->map[mid].raw_off + l->map[mid].len)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* bl_postfix_make_setting - a setting for joined[off, off+len) of line */
struct bl_setting *
bl_postfix_make_setting(struct bl_config *cfg, const struct bl_source *src,
			const struct bl_pf_line *l, const char *scope,
			size_t key_off, size_t key_len, size_t val_off,
			size_t val_len)
{
	struct bl_setting *s = bl_config_add_setting(cfg);
	size_t i, first, last, n = 0, a, b;

	s->key = bl_arena_strndup(&cfg->arena, l->text.data + key_off,
				  key_len);
	s->raw = bl_arena_strndup(&cfg->arena, l->text.data + val_off,
				  val_len);
	s->raw_len = val_len;
	s->src = src;
	s->scope = scope;
	s->key_off = bl_pf_line_src(l, key_off);
	s->key_len = key_len;
	s->val_off = bl_pf_line_src(l, val_off);
	s->val_len = val_len == 0
			     ? 0
			     : bl_pf_line_src(l, val_off + val_len - 1) + 1 -
				       s->val_off;
	s->stmt_off = l->start;
	s->stmt_len = l->end - l->start;
	bl_source_position(src, s->key_off, &s->line, &s->col);
	/* The runs of the line map that cover the value, rebased: only
	 * those (a master.cf line with many -o settings on many physical
	 * lines must not copy the whole map for each). */
	first = map_index(l, val_off);
	last = val_len == 0 ? first : map_index(l, val_off + val_len - 1) + 1;
	if (last > l->nmap)
		last = l->nmap;
	s->map = bl_arena_alloc(&cfg->arena,
				(last > first ? last - first : 1) *
					sizeof(*s->map));
	for (i = first; i < last; i++) {
		a = l->map[i].raw_off;
		b = a + l->map[i].len;
		if (b <= val_off || a >= val_off + val_len)
			continue;
		if (a < val_off)
			a = val_off;
		if (b > val_off + val_len)
			b = val_off + val_len;
		s->map[n].raw_off = a - val_off;
		s->map[n].src_off = l->map[i].src_off + (a - l->map[i].raw_off);
		s->map[n].len = b - a;
		n++;
	}
	s->nmap = n;
	return s;
}

/*
 * The last setting of each name so far, for the "set again" warning: open
 * addressing keyed by name, as a main.cf may hold hundreds of thousands of
 * settings (a scan of the earlier ones for each was quadratic).
 */
struct last_slot {
	size_t hash; /* 0: a free slot */
	struct bl_setting *s;
};

struct last_set {
	struct last_slot *v;
	size_t cap, n;
};

/* hash_key - FNV-1a of a name, never 0 */
static size_t
hash_key(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h ? h : 1;
}

/* last_slot - the slot of a name: its last setting, or a free slot */
static struct last_slot *
last_slot(struct last_set *t, size_t h, const char *key)
{
	size_t k = h & (t->cap - 1);

	while (t->v[k].hash != 0 &&
	       (t->v[k].hash != h || strcmp(t->v[k].s->key, key) != 0))
		k = (k + 1) & (t->cap - 1);
	return &t->v[k];
}

/* last_swap - the earlier setting of s's name (NULL: none); s is the last */
static struct bl_setting *
last_swap(struct last_set *t, struct bl_setting *s)
{
	struct last_slot *old = t->v, *slot;
	struct bl_setting *prev;
	size_t i, oldcap = t->cap, h = hash_key(s->key);

	if ((t->n + 1) * 2 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = bl_xcalloc(t->cap, sizeof(*t->v));
		for (i = 0; i < oldcap; i++)
			if (old[i].hash != 0)
				*last_slot(t, old[i].hash, old[i].s->key) =
					old[i];
		free(old);
	}
	slot = last_slot(t, h, s->key);
	prev = slot->hash != 0 ? slot->s : NULL;
	if (prev == NULL)
		t->n++;
	slot->hash = h;
	slot->s = s;
	return prev;
}

/* tag_rule - the diagnostic added since n0 (if it was kept, not counted
 * in a file's "... and N more" line) is also what the built-in check
 * `rule` (a check name, check.h) reports */
static void
tag_rule(struct bl_diags *diags, size_t n0, const char *rule)
{
	if (diags->n > n0 && diags->v[diags->n - 1].line != 0)
		diags->v[diags->n - 1].rule = rule;
}

/* bl_postfix_parse_main - add the settings of a main.cf */
int
bl_postfix_parse_main(struct bl_config *cfg, const struct bl_source *src,
		      struct bl_diags *diags)
{
	struct bl_pf_reader r;
	struct bl_pf_line l;
	struct bl_setting *s, *prev;
	struct last_set last;
	const char *t;
	size_t n, k, v, e, n0;
	int status = 0;

	memset(&last, 0, sizeof(last));
	bl_pf_reader_init(&r, src);
	bl_pf_line_init(&l);
	while (bl_pf_next_line(&r, &l)) {
		t = l.text.data;
		n = l.text.len;
		if (l.indented) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, l.line,
				     1,
				     "logical line must not start with "
				     "whitespace: ignored, as Postfix does");
			continue;
		}
		/* name: up to whitespace or "=" */
		for (k = 0; k < n && t[k] != '=' && !bl_is_space(t[k]); k++)
			;
		for (v = k; v < n && bl_is_space(t[v]); v++)
			;
		if (k == 0) {
			bl_diags_add(diags, BL_LEVEL_ERROR, src->path, l.line,
				     1,
				     "missing parameter name before \"=\": "
				     "Postfix refuses to start");
			status = -1;
			continue;
		}
		if (v >= n || t[v] != '=') {
			bl_diags_add(diags, BL_LEVEL_ERROR, src->path, l.line,
				     1,
				     "missing '=' after parameter name "
				     "\"%.*s\": Postfix refuses to start",
				     (int)k, t);
			status = -1;
			continue;
		}
		for (v++; v < n && bl_is_space(t[v]); v++)
			;
		for (e = n; e > v && bl_is_space(t[e - 1]); e--)
			;
		s = bl_postfix_make_setting(cfg, src, &l, "main", 0, k, v,
					    e - v);
		prev = last_swap(&last, s);
		if (prev != NULL && !bl_source_exclusive(prev->src, prev->line,
							 src, s->line)) {
			prev->shadowed = true;
			s->shadows = prev;
			n0 = diags->n;
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, s->line,
				     s->col,
				     "%s is set again (first at line %u): "
				     "the last definition wins",
				     s->key, prev->line);
			tag_rule(diags, n0, "duplicate-setting");
		}
	}
	bl_pf_line_finish(&l);
	free(last.v);
	return status;
}

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

#include <string.h>

#include "postfix.h"
#include "util.h"

/* bl_postfix_make_setting - a setting for joined[off, off+len) of line */
struct bl_setting *
bl_postfix_make_setting(struct bl_config *cfg, const struct bl_source *src,
			const struct bl_pf_line *l, const char *scope,
			size_t key_off, size_t key_len, size_t val_off,
			size_t val_len)
{
	struct bl_setting *s = bl_config_add_setting(cfg);
	size_t i, n = 0, a, b;

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
	/* The part of the line map that covers the value, rebased. */
	s->map = bl_arena_alloc(&cfg->arena, l->nmap * sizeof(*s->map));
	for (i = 0; i < l->nmap; i++) {
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

/* bl_postfix_parse_main - add the settings of a main.cf */
int
bl_postfix_parse_main(struct bl_config *cfg, const struct bl_source *src,
		      struct bl_diags *diags)
{
	struct bl_pf_reader r;
	struct bl_pf_line l;
	struct bl_setting *s;
	const struct bl_setting *prev;
	const char *t;
	size_t n, k, v, e;
	int status = 0;

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
		prev = NULL;
		for (size_t i = cfg->nsettings - 1; i-- > 0;) {
			struct bl_setting *o = cfg->settings[i];

			if (o->src == src && strcmp(o->key, s->key) == 0 &&
			    strcmp(o->scope, "main") == 0) {
				o->shadowed = true;
				prev = o;
				break;
			}
		}
		if (prev != NULL) {
			s->shadows = prev;
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, s->line,
				     s->col,
				     "%s is set again (first at line %u): "
				     "the last definition wins",
				     s->key, prev->line);
			diags->v[diags->n - 1].rule = "BL302";
		}
	}
	bl_pf_line_finish(&l);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* resolve.h - from settings to surfaces, one resolver per dialect */
#ifndef BL_RESOLVE_H
#define BL_RESOLVE_H

#include "diag.h"
#include "model.h"

/* bl_resolve_postfix - compute every banner and HELO surface (0 or -1) */
int bl_resolve_postfix(struct bl_config *cfg, struct bl_diags *diags);

/* bl_resolve_exim - the banner and each smtp/lmtp transport's HELO name */
int bl_resolve_exim(struct bl_config *cfg, struct bl_diags *diags);

/* bl_resolve_sendmail - the greeting and HELO name of a .mc or .cf */
int bl_resolve_sendmail(struct bl_config *cfg, struct bl_diags *diags);

/* bl_resolve_postfix_lookup - the setting in effect for key in scope, or
 * NULL when neither the scope nor main.cf sets it (borrowed) */
const struct bl_setting *
bl_resolve_postfix_lookup(const struct bl_config *cfg,
			  const struct bl_scope *scope, const char *key);

/*
 * bl_resolve_postfix_expand - expand text as Postfix would in scope, into
 * *out (caller frees); -1 on a syntax error. For tests and rules.
 */
int bl_resolve_postfix_expand(struct bl_config *cfg,
			      const struct bl_scope *scope, const char *key,
			      char **out, struct bl_diags *diags);

/*
 * What each dialect's table says for the engine: how it writes a value
 * (the hints, the fixer next), its own findings as event kinds, and its
 * comment syntax.
 */
struct bl_buf;
struct bl_dialect_event;
char *bl_postfix_render(const struct bl_config *cfg, const struct bl_setting *s,
			const char *value, struct bl_buf *note);
char *bl_exim_render(const struct bl_config *cfg, const struct bl_setting *s,
		     const char *value, struct bl_buf *note);
char *bl_sendmail_render(const struct bl_config *cfg,
			 const struct bl_setting *s, const char *value,
			 struct bl_buf *note);
/* The fixer's hooks (parser.h: value_text, place_new, editable,
 * fix_note). */
char *bl_postfix_value_text(const struct bl_config *cfg,
			    const struct bl_setting *s, const char *value,
			    bool *whole);
int bl_postfix_place_new(const struct bl_config *cfg, const char *key,
			 const char *scope, const struct bl_source **src,
			 size_t *off, char **create);
char *bl_exim_value_text(const struct bl_config *cfg,
			 const struct bl_setting *s, const char *value,
			 bool *whole);
int bl_exim_place_new(const struct bl_config *cfg, const char *key,
		      const char *scope, const struct bl_source **src,
		      size_t *off, char **create);
char *bl_sendmail_value_text(const struct bl_config *cfg,
			     const struct bl_setting *s, const char *value,
			     bool *whole);
int bl_sendmail_place_new(const struct bl_config *cfg, const char *key,
			  const char *scope, const struct bl_source **src,
			  size_t *off, char **create);
bool bl_sendmail_editable(const struct bl_config *cfg,
			  const struct bl_source *src);
const char *bl_sendmail_fix_note(const struct bl_config *cfg);
extern const struct bl_dialect_event bl_postfix_events[];
extern const struct bl_dialect_event bl_sendmail_events[];
extern const char *const bl_hash_comments[];
extern const char *const bl_m4_comments[];

#endif

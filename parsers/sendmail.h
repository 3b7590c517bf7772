/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sendmail.h - what the .mc (m4) and .cf readers share: text that remembers
 * where each byte came from, and the reading of sendmail.cf lines.
 */
#ifndef BL_SENDMAIL_H
#define BL_SENDMAIL_H

#include "diag.h"
#include "model.h"
#include "util.h"

/* Text whose every byte knows its source and offset (src NULL: made up,
 * e.g. by a built-in default). */
struct bl_sendmail_text {
	struct bl_buf b;
	const struct bl_source **src;
	size_t *off;
	size_t cap;
};

void bl_sendmail_text_init(struct bl_sendmail_text *t);
void bl_sendmail_text_finish(struct bl_sendmail_text *t);
void bl_sendmail_text_reset(struct bl_sendmail_text *t);
void bl_sendmail_text_add(struct bl_sendmail_text *t, const char *s, size_t n,
			  const struct bl_source *src, size_t off);
/* bl_sendmail_text_append - append [from, from+n) of another text, provenance
 * too */
void bl_sendmail_text_append(struct bl_sendmail_text *t,
			     const struct bl_sendmail_text *o, size_t from,
			     size_t n);

/*
 * bl_sendmail_setting - a setting whose raw value is text[v0, v1) and whose key
 * is text[k0, k1); spans and the raw->source map come from the provenance (only
 * bytes of one source map). key is stored as given.
 */
struct bl_setting *bl_sendmail_setting(struct bl_config *cfg, const char *key,
				       const struct bl_sendmail_text *t,
				       size_t k0, size_t k1, size_t v0,
				       size_t v1);

/*
 * bl_sendmail_cf_read - read sendmail.cf lines from t (folded lines: a line
 * starting with a blank continues the previous one, newline kept). Adds
 * settings "SmtpGreetingMessage", "HeloName" (option names matched as sendmail
 * does: case-insensitive, unique prefixes), "Dj", "DZ", "Dw" and "Dm"; a later
 * one shadows an earlier one.
 */
void bl_sendmail_cf_read(struct bl_config *cfg,
			 const struct bl_sendmail_text *t,
			 struct bl_diags *diags);

/* bl_sendmail_parse_cf - a sendmail.cf file */
int bl_sendmail_parse_cf(struct bl_config *cfg, struct bl_source *src,
			 struct bl_diags *diags);
/* bl_sendmail_looks_like_cf - does the content look like a sendmail.cf? */
bool bl_sendmail_looks_like_cf(const struct bl_source *src);

/* bl_sendmail_shadow - s replaces the earlier live setting of the same key */
void bl_sendmail_shadow(struct bl_config *cfg, struct bl_setting *s);

#endif

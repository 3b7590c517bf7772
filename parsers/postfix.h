/* SPDX-License-Identifier: BSD-2-Clause */
/* postfix.h - Postfix main.cf and master.cf parsers (internal) */
#ifndef BL_POSTFIX_H
#define BL_POSTFIX_H

#include "parser.h"

int bl_postfix_parse_main(struct bl_config *cfg, const struct bl_source *src,
			  struct bl_diags *diags);
int bl_postfix_parse_master(struct bl_config *cfg,
			    const struct bl_source *src,
			    struct bl_diags *diags);
/* bl_postfix_make_setting - a setting for joined[off, off+len) of line */
struct bl_setting *bl_postfix_make_setting(struct bl_config *cfg,
					   const struct bl_source *src,
					   const struct bl_pf_line *l,
					   const char *scope, size_t key_off,
					   size_t key_len, size_t val_off,
					   size_t val_len);

/* What the Postfix reader keeps for its resolver (cfg->dialect). */
struct bl_postfix_files {
	const struct bl_source *master; /* master.cf, or NULL */
};

/* bl_postfix_master - the instance's master.cf, or NULL */
const struct bl_source *bl_postfix_master(const struct bl_config *cfg);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.h - run the rule catalogue over the surfaces of parsed instances.
 *
 * A finding borrows its rule, surface and source; it owns its message.
 */
#ifndef BL_ENGINE_H
#define BL_ENGINE_H

#include "load.h"
#include "model.h"
#include "rules.h"

struct bl_finding {
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

struct bl_findings {
	struct bl_finding *v;
	size_t n;
	size_t cap;
	size_t unknown; /* checks that could not tell (a note each) */
};

struct bl_engine_opts {
	char **select; /* rule ids, id prefixes or names; NULL: all */
	char **ignore;
	const char *hostname;   /* the intended host name, or NULL */
	char **allow_hostname;  /* never generic or placeholder */
	char **internal_suffix; /* also internal for BL203 */
	char **severity_ids;    /* severity overrides */
	const enum bl_level *severity_levels;
	size_t nseverity;
	bool no_inline; /* ignore inline suppressions */
};

/*
 * bl_engine_run - append the findings of one instance to out, in file
 * order; malformed suppressions are warnings in diags
 */
void bl_engine_run(const struct bl_ruleset *rs, const struct bl_config *cfg,
		   const struct bl_engine_opts *o, struct bl_findings *out,
		   struct bl_diags *diags);
void bl_findings_finish(struct bl_findings *f);

#endif

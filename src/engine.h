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
};

struct bl_findings {
	struct bl_finding *v;
	size_t n;
};

struct bl_engine_opts {
	char **select; /* rule ids or names; NULL: all */
	char **ignore;
};

/* bl_engine_run - every finding of every instance, in file order */
void bl_engine_run(const struct bl_ruleset *rs,
		   const struct bl_instances *in,
		   const struct bl_engine_opts *o, struct bl_findings *out);
void bl_findings_finish(struct bl_findings *f);

#endif

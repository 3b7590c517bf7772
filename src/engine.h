/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.h - run the rule catalogue over the surfaces of parsed instances.
 *
 * Findings are self-contained (see struct bl_finding).
 */
#ifndef BL_ENGINE_H
#define BL_ENGINE_H

#include "load.h"
#include "model.h"
#include "rules.h"

struct bl_facts;

/*
 * A finding, self-contained: it owns every string it prints, so it outlives
 * the instance it was found in (the instance is freed once its findings
 * are out). Only the rule is borrowed: the ruleset lives for the run.
 */
struct bl_finding_surface {
	enum bl_surface_kind kind;
	char *scope;
	char *value;
	char *greeting; /* banners: the lines a client sees; HELO: the value */
};

struct bl_finding {
	const struct bl_rule *rule;
	enum bl_level severity;
	char *message;
	char *mta;
	char *instance; /* the instance's name (directory or file given) */
	char *file;     /* the file blamed, or the instance's name */
	char *key;      /* the setting blamed, or NULL */
	char *scope;
	bool placed;      /* a place in a file: off, len, line, col below */
	size_t off, len;  /* span in the file */
	unsigned line, col;
	unsigned end_line, end_col; /* of off + len (line 0: unknown) */
	char *excerpt;    /* the text of line `line` (no EOL), or NULL */
	size_t excerpt_len;
	size_t also; /* other surfaces with the same finding at this place */
	struct bl_finding_surface *surface; /* NULL: a finding on a setting */
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
	char *const *ips; /* the server's addresses (--ip, ip = {...}) */
	const struct bl_facts *facts; /* DNS answers, probes; NULL: none */
};

/*
 * bl_engine_run - append the findings of one instance to out, in file
 * order; malformed suppressions are warnings in diags
 */
void bl_engine_run(const struct bl_ruleset *rs, const struct bl_config *cfg,
		   const struct bl_engine_opts *o, struct bl_findings *out,
		   struct bl_diags *diags);
/* bl_findings_clear - free every finding, keep the array (n = 0) */
void bl_findings_clear(struct bl_findings *f);
void bl_findings_finish(struct bl_findings *f);

#endif

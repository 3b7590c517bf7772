/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rules.h - the rule catalogue, read from the rules/ files (libconfuse).
 *
 * A ruleset owns its rules, their strings and their compiled patterns;
 * PCRE2 objects never leave rules.c and engine.c.
 */
#ifndef BL_RULES_H
#define BL_RULES_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

#include "diag.h"

struct bl_check;

enum bl_target {
	BL_TARGET_VALUE,
	BL_TARGET_CONFIGURED,
	BL_TARGET_HOSTNAME,
};

#define BL_APPLIES_BANNER 1u
#define BL_APPLIES_HELO 2u

struct bl_rule {
	char *id;   /* "BL101" */
	char *name; /* "banner-software-name" */
	enum bl_level severity;
	unsigned applies;
	char **mta; /* NULL-terminated, or NULL for every MTA */
	enum bl_target target;
	void *re;     /* pcre2_code *, or NULL */
	bool require; /* a finding when re does NOT match */
	char *check;  /* a built-in check's name, or NULL */
	const struct bl_check *builtin; /* that check (check.h) */
	char *message;
	char *fix;
	char *fix_safety;
	char *explain;
	char **refs; /* NULL-terminated */
	size_t nrefs;
	char *file;
	unsigned line;
};

/* A generic-name pattern (BL205): each hit names the pattern. */
struct bl_generic {
	char *id;
	char *description;
	char *pattern;
	void *re;
};

struct bl_ruleset {
	struct bl_rule *rules;
	size_t nrules;
	struct bl_generic *generics;
	size_t ngenerics;
	void *match_ctx; /* pcre2_match_context *, with a match limit */
};

/* bl_ruleset_new - the embedded catalogue plus rules_dir (may be NULL);
 * problems are errors in diags at file:line; NULL when a file is bad */
struct bl_ruleset *bl_ruleset_new(const char *rules_dir,
				  struct bl_diags *diags);
void bl_ruleset_free(struct bl_ruleset *rs);
/* bl_ruleset_find - the rule with this id or name, or NULL (borrowed) */
const struct bl_rule *bl_ruleset_find(const struct bl_ruleset *rs,
				      const char *id);
/* What a pattern search tells: three-valued, as a DNS answer will be. */
enum bl_match {
	BL_MATCH_NO,
	BL_MATCH_YES,
	BL_MATCH_UNKNOWN, /* a PCRE2 limit (match, depth, heap) was hit */
};

/* bl_rule_search - first match of the rule's (or a generic's) pattern in
 * s at or after start: BL_MATCH_YES with [*ms, *me) set, BL_MATCH_NO, or
 * BL_MATCH_UNKNOWN with *why (static) when a limit stopped the search */
enum bl_match bl_rule_search(const struct bl_ruleset *rs, void *re,
			     const char *s, size_t start, size_t *ms,
			     size_t *me, const char **why);

/*
 * bl_confuse_parse - parse text (bl_confuse_text applied) into cfg, its
 * libconfuse errors as diagnostics at file:line in diags; libconfuse's
 * cfg_parse_buf status. libconfuse's lexer is not reentrant: every parse
 * (rules.c, conf.c) goes through here, which serialises them and routes
 * each parse's errors to its own caller. Thread-safe.
 */
struct cfg_t;
int bl_confuse_parse(struct cfg_t *cfg, const char *text, const char *file,
		     struct bl_diags *diags);

/* The catalogue compiled into the binary (rules_data.c, generated). */
struct bl_embedded_rules {
	const char *name;
	const char *text;
};
extern const struct bl_embedded_rules bl_rules_embedded[];
extern const size_t bl_rules_nembedded;

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* conf.h - .bannerlint.conf: discovery, parsing, effective options */
#ifndef BL_CONF_H
#define BL_CONF_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"

struct bl_conf;

/* What applies to one instance: the file's options, path sections and the
 * command line merged. Lists are NULL-terminated; the struct owns them. */
struct bl_effective {
	const char *conf_path; /* the file that applied, or NULL (borrowed) */
	enum bl_level fail_on;
	char **select; /* NULL: every rule */
	char **ignore;
	char *hostname;
	char **ip;
	char **allow_hostname;
	char **internal_suffix;
	char **ignore_scope; /* scopes (fnmatch patterns) not reported */
	char *rules_dir; /* absolute or relative to the cwd */
	bool no_inline;
	char **severity_ids; /* with severity_levels, overrides */
	enum bl_level *severity_levels;
	size_t nseverity;
	char **sections; /* the path sections that matched */
};

/* A set of configuration files, loaded on demand and cached. */
struct bl_confs;

struct bl_confs *bl_confs_new(const char *forced, bool none);
void bl_confs_free(struct bl_confs *c);
/*
 * bl_confs_lookup - the configuration file that applies to an instance of
 * these files (in reading order): --config, else the nearest
 * .bannerlint.conf above the first one's directory, up to the repository
 * root. Read and parsed the first time, cached: *f is borrowed from c
 * (NULL: none applies). A broken file is -1, its errors in diags the first
 * time it is met. Not thread-safe (one thread looks up; the files found
 * may then be read by any thread through bl_conf_*).
 */
int bl_confs_lookup(struct bl_confs *c, const char *const *paths,
		    size_t npaths, const struct bl_conf **f,
		    struct bl_diags *diags);
/* bl_conf_validated - has bl_confs_validate checked f already (it does
 * once a file)? */
bool bl_conf_validated(const struct bl_conf *f);
/* bl_conf_path - the file's name as shown (borrowed) */
const char *bl_conf_path(const struct bl_conf *f);
/* bl_conf_rules_dir - its rules-dir, or NULL (caller frees) */
char *bl_conf_rules_dir(const struct bl_conf *f);
/* bl_conf_dns - its dns = setting, a record:/replay: file relative to the
 * working directory (caller frees), or NULL */
char *bl_conf_dns(const struct bl_conf *f);
/* bl_conf_resolver - its resolver = setting (borrowed), or NULL */
const char *bl_conf_resolver(const struct bl_conf *f);
/*
 * bl_conf_root - the `root =` that applies to an instance of these files
 * (the last matching path section's, else the top level's), relative to
 * the configuration file's directory, or NULL (caller frees). Read before
 * the files are parsed: a root maps their absolute includes. f may be NULL.
 */
char *bl_conf_root(const struct bl_conf *f, const char *const *paths,
		   size_t npaths);
/*
 * bl_conf_effective - the effective options of a built instance, from f
 * (NULL: none) and `base` (command-line values, which win), into out
 * (bl_effective_finish it). Reads f only: safe on several threads.
 */
void bl_conf_effective(const struct bl_conf *f, const struct bl_config *cfg,
		       const struct bl_effective *base,
		       struct bl_effective *out);
void bl_effective_finish(struct bl_effective *e);
/*
 * bl_confs_validate - check every section of an already loaded file, not
 * only those that matched: rule ids (known() says which exist), addresses,
 * host names, repeated severity sections. Errors at file:line; once a file.
 */
int bl_confs_validate(struct bl_confs *c, const char *conf_path,
		      bool (*known)(const char *id, void *ctx), void *ctx,
		      struct bl_diags *diags);
/* bl_effective_print - the options in .bannerlint.conf syntax */
void bl_effective_print(FILE *fp, const struct bl_config *cfg,
			const struct bl_effective *e);
/* bl_list_dup - copy of a NULL-terminated list (caller frees) */
char **bl_list_dup(char *const *v);
void bl_list_free(char **v);

#endif

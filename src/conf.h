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
 * bl_confs_for - the effective options of an instance, from its
 * configuration file and `base` (command-line values, which win).
 * Problems in the file go to diags (error at file:line); -1 then.
 */
int bl_confs_for(struct bl_confs *c, const struct bl_config *cfg,
		 const struct bl_effective *base, struct bl_effective *out,
		 struct bl_diags *diags);
void bl_effective_finish(struct bl_effective *e);
/*
 * bl_confs_root - the `root =` that applies to an instance of these files
 * (the last matching path section's, else the top level's), relative to
 * the configuration file's directory, in *root (caller frees; NULL: none).
 * Read before the files are parsed: a root maps their absolute includes.
 */
int bl_confs_root(struct bl_confs *c, const char *const *paths,
		  size_t npaths, char **root, struct bl_diags *diags);
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

/* SPDX-License-Identifier: BSD-2-Clause */
/* load.h - from command-line paths to parsed, resolved instances */
#ifndef BL_LOAD_H
#define BL_LOAD_H

#include "diag.h"
#include "model.h"

struct bl_load_opts {
	const char *type;           /* --type, or NULL to detect */
	const char *stdin_filename; /* --stdin-filename for "-" */
	size_t max_size;            /* 0: BL_SOURCE_MAX */
	bool no_templates;          /* --no-templates: skip them, unread */
	const char *root; /* --root: absolute includes are read under it */
	const char *sendmail_cf_dir; /* --sendmail-cf (NULL: found) */
	/* root_for - without --root, the root of an instance made of these
	 * files (.bannerlint.conf's root =), in *root (caller frees; NULL:
	 * none); -1 when the configuration file is broken */
	int (*root_for)(void *ctx, const char *const *paths, size_t npaths,
			char **root, struct bl_diags *diags);
	void *root_ctx;
};

struct bl_instances {
	struct bl_config **v;
	size_t n;
	size_t skipped; /* files recognised but skipped: templates with
			 * --no-templates, files that are no configuration */
};

/*
 * bl_load - find, read, parse and resolve every instance under paths.
 * Templates (main.cf.j2, or Jinja or ERB syntax in a main.cf) are read
 * through template.c, unless --no-templates. A file with an MTA's name
 * that is another format (YAML, JSON, XML, INI) is skipped with a note in
 * a directory walk and an error when named. Problems go to diags; returns
 * -1 when some input could not be used, or when nothing was checked.
 */
int bl_load(struct bl_instances *out, char *const *paths, size_t npaths,
	    const struct bl_load_opts *opts, struct bl_diags *diags);
void bl_instances_finish(struct bl_instances *in);

#endif

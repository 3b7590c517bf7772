/* SPDX-License-Identifier: BSD-2-Clause */
/* load.h - from command-line paths to a plan of instances, built one at
 * a time */
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
};

/*
 * A plan: the instances under the paths given, found and grouped but not
 * read (a file named alone may be read to tell its dialect by content, and
 * standard input is read once and kept). Templates (main.cf.j2, or Jinja
 * or ERB syntax in a main.cf) are read through template.c when built,
 * unless --no-templates. A file with an MTA's name that is another format
 * (YAML, JSON, XML, INI) is skipped with a note in a directory walk and an
 * error when named. Instances are built one at a time, in any order and
 * on any thread (each only once): memory is that of the instances alive,
 * not of the tree.
 */
struct bl_plan;

/* bl_plan_new - walk, classify and group every instance under paths into
 * *plan (always set; bl_plan_free it); problems go to diags; -1 when some
 * input named could not be used */
int bl_plan_new(struct bl_plan **plan, char *const *paths, size_t npaths,
		const struct bl_load_opts *opts, struct bl_diags *diags);
size_t bl_plan_count(const struct bl_plan *p);
/* bl_plan_paths - the files of instance i in reading order, *n of them
 * (borrowed from the plan, NULL-terminated) */
const char *const *bl_plan_paths(const struct bl_plan *p, size_t i,
				 size_t *n);
/*
 * bl_plan_build - read, parse and resolve instance i into *cfg (caller
 * frees with bl_config_free), its absolute includes read under root
 * (.bannerlint.conf's root =; --root wins; NULL: none). *cfg is NULL when
 * nothing in it could be checked: every file skipped (counted in
 * *skipped) or one that could not be read (an error: no findings from
 * defaults). -1 when some input could not be used. Safe on several
 * threads for distinct i.
 */
int bl_plan_build(struct bl_config **cfg, struct bl_plan *p, size_t i,
		  const char *root, size_t *skipped, struct bl_diags *diags);
/*
 * bl_plan_rebuild - instance i built again (after bl_plan_build), every
 * file read through pv: a fix's patched texts as overlay entries under
 * the paths the sources had (standard input under its name). Safe on
 * several threads, also for the same i.
 */
int bl_plan_rebuild(struct bl_config **cfg, struct bl_plan *p, size_t i,
		    const char *root, const struct bl_source_provider *pv,
		    struct bl_diags *diags);
/* bl_plan_add_text - one more instance: the file name of len bytes at
 * text, held in memory (a probe's transcript), told by its content (or
 * --type); -1 when it cannot be used (said in diags) */
int bl_plan_add_text(struct bl_plan *p, const char *name, const char *text,
		     size_t len, struct bl_diags *diags);
/* bl_plan_end - after every instance: an error when nothing was checked
 * (built 0) and nothing failed, -1 then */
int bl_plan_end(const struct bl_plan *p, size_t built, size_t skipped,
		bool failed, struct bl_diags *diags);
void bl_plan_free(struct bl_plan *p);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fixrun.h - fixes verified before they are offered, and the files they
 * make: the patched texts are read, resolved and linted again in memory
 * (through the source provider), and a fix whose findings are not gone,
 * or that brings a new one or an error, is withdrawn with a note.
 */
#ifndef BL_FIXRUN_H
#define BL_FIXRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "load.h"
#include "rules.h"

/* Which fixes are made: safe ones always, unsafe ones when asked. */
struct bl_fixrun_opts {
	bool unsafe;
};

/* One file as the fixes leave it. */
struct bl_fixed_file {
	char *path;        /* as read */
	const char *old;   /* its bytes as read (borrowed from the
			    * instance), NULL for a file to create */
	size_t oldlen;
	char *data;        /* the new bytes */
	size_t len;
	size_t nfixes;     /* the findings it fixes */
};

struct bl_fixed_files {
	struct bl_fixed_file *v;
	size_t n;
};

/* bl_fixrun_applies - is f one the run makes? */
bool bl_fixrun_applies(const struct bl_fixrun_opts *fo, const struct bl_fix *f);

/*
 * bl_fixrun_verify - check the fixes the run makes on fs (the findings of
 * cfg, instance i of plan): all together, else one at a time, keeping
 * those that pass; the others are withdrawn (bl_fix_withdraw) with the
 * reason. *after (empty when no fix is made: then fs remains) gets the
 * findings once the kept fixes are made (bl_findings_finish). errors: the instance's errors as read (the fixed
 * text may have no more). Diagnostics of the rebuilt texts are not
 * reported (they withdraw the fix).
 */
void bl_fixrun_verify(struct bl_plan *plan, size_t i, const char *root,
		      const struct bl_config *cfg, const struct bl_ruleset *rs,
		      const struct bl_engine_opts *eo,
		      const struct bl_fixrun_opts *fo, struct bl_findings *fs,
		      size_t errors, struct bl_findings *after);

/* bl_fixrun_files - the files the fixes the run makes on fs change, with
 * their new bytes (bl_fixrun_files_finish frees) */
void bl_fixrun_files(const struct bl_config *cfg, const struct bl_findings *fs,
		     const struct bl_fixrun_opts *fo,
		     struct bl_fixed_files *out);
void bl_fixrun_files_finish(struct bl_fixed_files *ff);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * suppress.h - inline suppressions: "# bannerlint: disable=RULE,... --
 * reason" for the next setting, "# bannerlint: disable-file=RULE,... --
 * reason" for the whole file. A reason is required.
 */
#ifndef BL_SUPPRESS_H
#define BL_SUPPRESS_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

struct bl_suppression {
	const struct bl_source *src;
	size_t off, len; /* the comment */
	unsigned line, col;
	char **rules;    /* ids or names, NULL-terminated */
	bool file_wide;
	size_t from, to; /* the statement it covers (not file_wide) */
	bool used;
};

struct bl_sup_index;

struct bl_suppressions {
	struct bl_suppression *v;
	size_t n;
	struct bl_sup_index *index; /* built by the first bl_suppressions_apply */
};

/* bl_suppressions_scan - every directive in the instance's files;
 * malformed ones (no reason, no rule) are warnings in diags */
void bl_suppressions_scan(struct bl_suppressions *out,
			  const struct bl_config *cfg, struct bl_diags *diags);
void bl_suppressions_finish(struct bl_suppressions *s);
/* bl_suppressions_apply - does any suppression cover rule (id, name) at
 * src/off (src NULL: a finding on file as a whole)? Every one that does
 * is marked used. Time: a lookup, whatever the number of suppressions. */
bool bl_suppressions_apply(struct bl_suppressions *sup, const char *id,
			   const char *name, const struct bl_source *src,
			   const char *file, size_t off);
/* bl_suppression_covers - does s cover rule (id, name) at src/off? */
bool bl_suppression_covers(const struct bl_suppression *s, const char *id,
			   const char *name, const struct bl_source *src,
			   const char *file, size_t off);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fix.h - the fixer: from the findings of one instance to edits on the
 * bytes of its files (DESIGN.md section 5).
 *
 * The engine hands over what each finding blames while the instance is
 * alive; the fixer groups the findings by the setting they blame and
 * solves each group with one new value, which the dialect's table writes
 * where the MTA reads it (parser.h: value_text, place_new, render_value).
 * Verification (parsing the patched text again) is the caller's: it needs
 * the loader (fixrun.c).
 */
#ifndef BL_FIX_H
#define BL_FIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "model.h"
#include "rules.h"

/* What the engine asks about one finding (borrowed from the instance). */
struct bl_fix_want {
	const struct bl_rule *rule;
	const struct bl_surface *surface; /* NULL: a finding on a setting */
	const struct bl_setting *setting; /* the setting blamed, or NULL */
	/* the blamed span: of the surface's value when in_value, else of
	 * the setting's raw value */
	size_t raw_off, raw_len;
	bool in_value;
	const struct bl_source *src;      /* the finding's place, or NULL */
	size_t off, len;
	struct bl_fix *fix; /* out: the finding's fix, or NULL (caller frees) */
};

/*
 * bl_fix_propose - the fix of each of w[0, n): one new value per setting
 * for all the findings that blame it (they share a group); hostname (the
 * intended name, or NULL) for the identity-changing fixes. Safe and
 * unsafe fixes are all proposed; which are applied is the caller's.
 */
void bl_fix_propose(const struct bl_config *cfg, struct bl_fix_want *w,
		    size_t n, const char *hostname);

/* bl_fix_free - free a fix (NULL: nothing) */
void bl_fix_free(struct bl_fix *f);
/* bl_fix_copy - a deep copy of f (caller frees) */
struct bl_fix *bl_fix_copy(const struct bl_fix *f);
/* bl_fix_withdraw - f becomes a manual fix: its edits go, why is said */
void bl_fix_withdraw(struct bl_fix *f, const char *why);
/* bl_fix_safety_name - "safe", "unsafe" or "manual" (static) */
const char *bl_fix_safety_name(enum bl_fix_safety s);

/*
 * bl_edits_apply - data[0, len) with the edits e[0, n) applied (all on
 * one file; any order): *out (caller frees, NUL-terminated) and *outlen.
 * -1 when two edits overlap (nothing is made then).
 */
int bl_edits_apply(const char *data, size_t len,
		   const struct bl_edit *const *e, size_t n, char **out,
		   size_t *outlen);

/*
 * bl_diff_write - a unified diff (3 lines of context) of old to new to
 * fp, headed `--- a/NAME` and `+++ b/NAME` (`--- /dev/null` when old is
 * NULL: a new file). Lines are compared as they are, CR included; a last
 * line without a newline is marked as diff marks it. Nothing when equal.
 */
void bl_diff_write(FILE *fp, const char *name, const char *old,
		   size_t oldlen, const char *new_, size_t newlen);

#endif

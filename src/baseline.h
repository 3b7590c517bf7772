/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * baseline.h - check --baseline FILE and --write-baseline FILE: findings
 * already known (their fingerprints in FILE, the JSON report of an earlier
 * run) are not reported; entries that match nothing are, so the file
 * shrinks; --write-baseline writes this run's JSON report of all findings.
 *
 * One struct bl_baseline per run, on the main thread: begin, one
 * bl_baseline_instance per instance in plan order, end, free. Memory is
 * proportional to the baseline file, not to the tree checked.
 */
#ifndef BL_BASELINE_H
#define BL_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "engine.h"
#include "fingerprint.h"
#include "rules.h"

/* A finding of the baseline file, as much as a stale entry's report
 * needs. */
struct bl_baseline_entry {
	char fingerprint[BL_FINGERPRINT_SIZE];
	char *rule;	/* the rule id */
	char *severity; /* "error", "warning" or "info" */
	char *message;
	char *file; /* as the earlier run printed it */
	unsigned line, col;
	bool matched; /* by a finding of this run */
};

struct bl_baseline;

/* bl_baseline_begin - read the baseline at path (NULL: none) and open
 * write_path (NULL: none) for --write-baseline; -1 with an error in diags
 * (file:line:col where the JSON is malformed) and *out NULL */
int bl_baseline_begin(struct bl_baseline **out, const char *path,
		      const char *write_path, struct bl_diags *diags);
/* bl_baseline_instance - one instance's findings, before they are
 * reported: each gets its fingerprint, all go to the file being written
 * with the instance's diagnostics (may be NULL), and those the baseline
 * holds are removed from fs; how many were removed */
size_t bl_baseline_instance(struct bl_baseline *b, struct bl_findings *fs,
			    const struct bl_diags *diags);
/* bl_baseline_end - after every instance: the written file completed with
 * the diagnostics about no instance (end, may be NULL) and put in place; a
 * note in stale for every entry that matched nothing; -1 (an error in
 * stale) when the file could not be written */
int bl_baseline_end(struct bl_baseline *b, const struct bl_diags *end,
		    const struct bl_ruleset *const *sets, size_t nsets,
		    bool incomplete, size_t unknown, struct bl_diags *stale);
/* bl_baseline_active - is a baseline read (SARIF baselineState)? */
bool bl_baseline_active(const struct bl_baseline *b);
/* bl_baseline_count, bl_baseline_entry - the entries in file order
 * (borrowed) */
size_t bl_baseline_count(const struct bl_baseline *b);
const struct bl_baseline_entry *bl_baseline_entry(const struct bl_baseline *b,
						  size_t i);
/* bl_baseline_free - the baseline; a file not ended is removed */
void bl_baseline_free(struct bl_baseline *b);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_check.h - the findings and diagnostics of a check, streamed:
 * bl_check_report_begin, one bl_check_report_instance per instance, then
 * bl_check_report_end. Text and gcc for a person are report_check.c; JSON,
 * SARIF, Checkstyle and GitHub annotations for tools are report_formats.c.
 *
 * What an instance call receives is written before the call returns, or
 * serialised to a spool file when the document puts it after something
 * only the end knows (SARIF results, JSON and SARIF diagnostics); nothing
 * passed in is kept past the call. A reporter keeps counts, and for SARIF
 * the rules used that are not in opts.rules: memory does not grow with the
 * findings. Every string from the input is escaped (escape.h).
 */
#ifndef BL_REPORT_CHECK_H
#define BL_REPORT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "engine.h"
#include "rules.h"

enum bl_check_format {
	BL_CHECK_FORMAT_TEXT,
	BL_CHECK_FORMAT_GCC,
	BL_CHECK_FORMAT_JSON,
	BL_CHECK_FORMAT_SARIF,
	BL_CHECK_FORMAT_CHECKSTYLE,
	BL_CHECK_FORMAT_GITHUB,
};

struct bl_check_report_opts {
	enum bl_check_format format;
	bool color; /* text: ANSI colours */
	bool quiet; /* text: no summary line; gcc: error diagnostics only */
	/* SARIF: the catalogue every instance starts from; its rules keep
	 * their places in tool.driver.rules (ruleIndex), other rules follow
	 * in the order of their first finding. NULL: all in that order. */
	const struct bl_ruleset *rules;
	/* SARIF: the directory URIs are relative to (SRCROOT); NULL: the
	 * nearest directory holding .git at or above the working directory,
	 * else the working directory */
	const char *root;
	/* SARIF: with a baseline read, results carry baselineState "new" and
	 * the entries that matched nothing (known at the end) follow as
	 * results "absent"; NULL: no baseline (borrowed, lives past end) */
	const struct bl_baseline *baseline;
	/* probe: what each probe saw (a JSON array, borrowed, lives past
	 * end): JSON's "probes" member, SARIF's run.properties.probes;
	 * NULL: none */
	const struct json_t *probes;
};

struct bl_baseline;
struct bl_check_report;
struct json_t;

/* bl_check_report_begin - a reporter writing to fp (caller keeps fp open
 * until bl_check_report_end) */
struct bl_check_report *
bl_check_report_begin(FILE *fp, const struct bl_check_report_opts *o);
/* bl_check_report_instance - one instance's findings, in order, and that
 * instance's diagnostics (text: not printed, they go to stderr elsewhere);
 * diags may be NULL */
void bl_check_report_instance(struct bl_check_report *r,
			      const struct bl_findings *fs,
			      const struct bl_diags *diags);
/* bl_check_report_end - the diagnostics about no instance (may be NULL),
 * the rulesets in use (SARIF), whether the check is incomplete (exit 2 is
 * coming) and how many checks could not tell; closes the document and
 * frees r; -1 on a write error (here or in an earlier call) */
int bl_check_report_end(struct bl_check_report *r, const struct bl_diags *diags,
			const struct bl_ruleset *const *sets, size_t nsets,
			bool incomplete, size_t unknown);

/* bl_severity_name - the severity word compilers and editors understand:
 * "error", "warning" or "info" (static) */
const char *bl_severity_name(enum bl_level l);

/*
 * report_formats.c, behind the calls above for JSON, SARIF, Checkstyle
 * and GitHub; the same contract.
 */
struct bl_report_formats;
struct bl_report_formats *
bl_report_formats_begin(FILE *fp, const struct bl_check_report_opts *o);
void bl_report_formats_instance(struct bl_report_formats *s,
				const struct bl_findings *fs,
				const struct bl_diags *diags);
int bl_report_formats_end(struct bl_report_formats *s,
			  const struct bl_diags *diags,
			  const struct bl_ruleset *const *sets, size_t nsets,
			  bool incomplete, size_t unknown);
/* bl_report_formats_root - the repository root for the absolute directory
 * dir: the nearest of dir and its ancestors holding a .git entry, else dir
 * (caller frees) */
char *bl_report_formats_root(const char *dir);
/* bl_report_formats_uri - file as a SARIF artifact URI (caller frees):
 * percent-encoded (RFC 3986) and relative to root when file lies under it
 * (*based true: the location takes uriBaseId SRCROOT), else an absolute
 * file:// URI (*based false); a relative file is taken from the absolute
 * directory cwd; root is absolute */
char *bl_report_formats_uri(const char *root, const char *cwd, const char *file,
			    bool *based);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* report_check.h - printing findings */
#ifndef BL_REPORT_CHECK_H
#define BL_REPORT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "engine.h"

const char *bl_severity_name(enum bl_level l);
void bl_report_check_text(FILE *fp, const struct bl_findings *fs, bool gcc,
			  bool color, bool quiet, bool incomplete);
int bl_report_check_json(FILE *fp, const struct bl_findings *fs);
int bl_report_sarif(FILE *fp, const struct bl_findings *fs,
		    const struct bl_ruleset *const *sets, size_t nsets,
		    const struct bl_diags *diags, bool success);
void bl_report_checkstyle(FILE *fp, const struct bl_findings *fs);
void bl_report_github(FILE *fp, const struct bl_findings *fs);

#endif

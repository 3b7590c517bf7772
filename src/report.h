/* SPDX-License-Identifier: BSD-2-Clause */
/* report.h - printing surfaces and diagnostics */
#ifndef BL_REPORT_H
#define BL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "load.h"

struct json_t;
/* bl_json_str - a JSON string of s; bytes that are not UTF-8 as \\xNN */
struct json_t *bl_json_str(const char *s);
/* bl_json_dump - a JSON document, made safe to print (bl_escape_json),
 * and a newline; -1 on error */
int bl_json_dump(FILE *fp, const struct json_t *root);

struct bl_report_opts {
	bool color;
	bool quiet;
};

/* bl_print_visible - print n bytes, control characters as \\xNN */
void bl_print_visible(FILE *fp, const char *s, size_t n);
/* bl_report_diags - every diagnostic, compiler style, to fp */
void bl_report_diags(FILE *fp, const struct bl_diags *d,
		     const struct bl_instances *in,
		     const struct bl_report_opts *o);
/* bl_report_show_text - the surfaces of every instance, for a person */
void bl_report_show_text(FILE *fp, const struct bl_instances *in,
			 const struct bl_report_opts *o);
/* bl_report_show_json - the surfaces as JSON (DESIGN.md §3); -1 on error */
int bl_report_show_json(FILE *fp, const struct bl_instances *in,
			const struct bl_diags *d);

#endif

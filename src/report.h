/* SPDX-License-Identifier: BSD-2-Clause */
/* report.h - printing surfaces and diagnostics */
#ifndef BL_REPORT_H
#define BL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "model.h"

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
/* the longest source line printed whole under a diagnostic or finding;
 * a longer one is cut to this many bytes around the column */
#define BL_EXCERPT_MAX 512u
/* bl_print_diag_place - "file:line:col: " of a diagnostic (escaped), or
 * "bannerlint: " for one about no file */
void bl_print_diag_place(FILE *fp, const struct bl_diag *g);
/* bl_print_excerpt - a source line and the caret line under col (1-based;
 * 0: no caret) spanning w bytes, cut around col when it is long */
void bl_print_excerpt(FILE *fp, unsigned line, const char *text, size_t len,
		      size_t col, size_t w, const char *on, const char *off);
/* bl_report_diags - every diagnostic, compiler style, to fp, quoting
 * source lines from cfg, the instance they are about (NULL: none) */
void bl_report_diags(FILE *fp, const struct bl_diags *d,
		     const struct bl_config *cfg,
		     const struct bl_report_opts *o);
/* bl_report_show_text - the surfaces of one instance, for a person; one
 * that is not the first follows a blank line */
void bl_report_show_text(FILE *fp, const struct bl_config *cfg, bool first,
			 const struct bl_report_opts *o);
/* bl_report_show_json_add - one instance's surfaces appended to the JSON
 * array surfaces (json_array()), which owns them */
void bl_report_show_json_add(struct json_t *surfaces,
			     const struct bl_config *cfg);
/* bl_report_show_json - the show document (DESIGN.md §3) of surfaces
 * (the reference is taken) and diagnostics d; -1 on error */
int bl_report_show_json(FILE *fp, struct json_t *surfaces,
			const struct bl_diags *d);

#endif

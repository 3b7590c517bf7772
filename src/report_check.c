/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_check.c - findings for a person (compiler style with the line, a
 * caret under the blamed span and the surface it affects), one line each
 * (gcc), or JSON for tools.
 */
#include "config.h"

#include <jansson.h>
#include <string.h>

#include "escape.h"
#include "report.h"
#include "report_check.h"
#include "util.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"

static const char *
col(bool on, const char *c)
{
	return on ? c : "";
}

/* The severity word compilers and editors understand. */
const char *
bl_severity_name(enum bl_level l)
{
	return l == BL_LEVEL_ERROR ? "error"
	       : l == BL_LEVEL_WARNING ? "warning"
				       : "info";
}

static void
head(FILE *fp, const struct bl_finding *f, bool c)
{
	const char *lc = f->severity == BL_LEVEL_ERROR	   ? C_RED
			 : f->severity == BL_LEVEL_WARNING ? C_YELLOW
							   : C_CYAN;

	fputs(col(c, C_BOLD), fp);
	bl_escape_puts(fp, f->file);
	if (f->line > 0)
		fprintf(fp, ":%u:%u", f->line, f->col);
	fprintf(fp, ": %s%s%s: %s", col(c, lc), bl_severity_name(f->severity),
		col(c, C_RESET), col(c, C_BOLD));
	bl_escape_puts(fp, f->message);
	fprintf(fp, "%s [", col(c, C_RESET));
	bl_escape_puts(fp, f->rule->id);
	fputc(' ', fp);
	bl_escape_puts(fp, f->rule->name);
	fputs("]\n", fp);
}

/* bl_report_check_text - findings with source lines and a summary */
void
bl_report_check_text(FILE *fp, const struct bl_findings *fs, bool gcc,
		     bool color, bool quiet, bool incomplete)
{
	size_t i, len, n[3] = {0, 0, 0}, w;
	const char *text;

	for (i = 0; i < fs->n; i++) {
		const struct bl_finding *f = &fs->v[i];

		n[f->severity]++;
		head(fp, f, color);
		if (gcc)
			continue;
		if (f->excerpt != NULL) {
			text = f->excerpt;
			len = f->excerpt_len;
			/* a span is cut at the end of its line */
			w = f->len;
			if (f->col + w > len + 1)
				w = len + 1 >= f->col ? len + 1 - f->col : 1;
			bl_print_excerpt(fp, f->line, text, len,
					 f->col > 0 ? f->col : 1, w,
					 col(color, C_GREEN),
					 col(color, C_RESET));
		}
		if (f->surface != NULL) {
			char also[48] = "";
			const char *g = f->surface->greeting;
			const char *nl = strchr(g, '\n');

			if (f->also > 0)
				snprintf(also, sizeof(also), " and %zu more",
					 f->also);

			fprintf(fp, "      = surface: %s of ",
				bl_surface_kind_name(f->surface->kind));
			bl_escape_puts(fp, f->surface->scope);
			fprintf(fp, "%s  ->  %s", also,
				f->surface->kind == BL_SURFACE_HELO ? "EHLO "
								     : "");
			bl_print_visible(fp, g, nl ? (size_t)(nl - g) : strlen(g));
			fputc('\n', fp);
		}
		if (f->hint != NULL) {
			fputs("      = fix (", fp);
			bl_escape_puts(fp, f->rule->fix_safety
						   ? f->rule->fix_safety
						   : "safe");
			fputs("): ", fp);
			bl_print_visible(fp, f->hint, strlen(f->hint));
			fputc('\n', fp);
		}
	}
	if (quiet || gcc)
		return;
	if (fs->n == 0 && incomplete)
		fputs("no findings, but the check is incomplete: see the "
		      "errors above\n",
		      fp);
	else if (fs->n == 0 && fs->unknown > 0)
		fprintf(fp, "no problems found, but %zu check%s could not "
			    "tell: see the notes above\n",
			fs->unknown, fs->unknown == 1 ? "" : "s");
	else if (fs->n == 0)
		fputs("no problems found\n", fp);
	else
		fprintf(fp, "%zu problem%s (%zu error%s, %zu warning%s, %zu "
			    "info)\n",
			fs->n, fs->n == 1 ? "" : "s", n[BL_LEVEL_ERROR],
			n[BL_LEVEL_ERROR] == 1 ? "" : "s",
			n[BL_LEVEL_WARNING],
			n[BL_LEVEL_WARNING] == 1 ? "" : "s", n[BL_LEVEL_NOTE]);
}

/* bl_report_check_json - findings as versioned JSON; -1 on error */
int
bl_report_check_json(FILE *fp, const struct bl_findings *fs)
{
	json_t *root = json_object(), *a = json_array(), *sum;
	size_t i, n[3] = {0, 0, 0};
	int status;

	json_object_set_new(root, "version", json_integer(1));
	for (i = 0; i < fs->n; i++) {
		const struct bl_finding *f = &fs->v[i];
		json_t *o = json_object();

		n[f->severity]++;
		json_object_set_new(o, "rule", bl_json_str(f->rule->id));
		json_object_set_new(o, "name", bl_json_str(f->rule->name));
		json_object_set_new(o, "severity",
				    json_string(bl_severity_name(f->severity)));
		json_object_set_new(o, "message", bl_json_str(f->message));
		json_object_set_new(o, "mta", bl_json_str(f->mta));
		json_object_set_new(o, "instance", bl_json_str(f->instance));
		json_object_set_new(o, "file", bl_json_str(f->file));
		json_object_set_new(o, "line", json_integer(f->line));
		json_object_set_new(o, "column", json_integer(f->col));
		json_object_set_new(o, "offset", json_integer((json_int_t)f->off));
		json_object_set_new(o, "length", json_integer((json_int_t)f->len));
		json_object_set_new(o, "scope", bl_json_str(f->scope));
		if (f->key)
			json_object_set_new(o, "key", bl_json_str(f->key));
		if (f->hint) {
			json_t *fx = json_object();

			json_object_set_new(fx, "safety",
					    bl_json_str(f->rule->fix_safety
								? f->rule->fix_safety
								: "safe"));
			json_object_set_new(fx, "replacement",
					    bl_json_str(f->hint));
			json_object_set_new(o, "fix", fx);
		}
		if (f->surface) {
			json_t *s = json_object();

			json_object_set_new(
				s, "kind",
				json_string(bl_surface_kind_name(
					f->surface->kind)));
			json_object_set_new(s, "scope",
					    bl_json_str(f->surface->scope));
			json_object_set_new(s, "value",
					    bl_json_str(f->surface->value));
			json_object_set_new(o, "surface", s);
		}
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "findings", a);
	sum = json_object();
	json_object_set_new(sum, "errors", json_integer((json_int_t)n[2]));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)n[1]));
	json_object_set_new(sum, "info", json_integer((json_int_t)n[0]));
	json_object_set_new(root, "summary", sum);
	status = bl_json_dump(fp, root);
	json_decref(root);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_check.c - the streaming check reporter (report_check.h): findings
 * for a person, compiler style with the line, a caret under the blamed span
 * and the surface it affects (text), or one line each with the diagnostics
 * among them (gcc); the formats for tools are handed to report_formats.c.
 *
 * A reporter owns only counts; the findings and diagnostics it is given are
 * borrowed for the length of a call.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fix.h"
#include "report.h"
#include "report_check.h"
#include "util.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"

struct bl_check_report {
	FILE *fp;
	struct bl_check_report_opts o;
	size_t n[3]; /* findings by severity */
	size_t nfindings;
	struct bl_report_formats *tools; /* JSON, SARIF, Checkstyle, GitHub */
};

/* col - the colour c when colour is on, else nothing (static) */
static const char *
col(bool on, const char *c)
{
	return on ? c : "";
}

/* bl_severity_name - "error", "warning" or "info" (static) */
const char *
bl_severity_name(enum bl_level l)
{
	return l == BL_LEVEL_ERROR     ? "error"
	       : l == BL_LEVEL_WARNING ? "warning"
				       : "info";
}

/* head - a finding's first line, the whole of it in gcc format */
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

/* text_finding - a finding with its source line, surface and fix */
static void
text_finding(FILE *fp, const struct bl_finding *f, bool color)
{
	size_t len, w;

	head(fp, f, color);
	if (f->excerpt != NULL) {
		len = f->excerpt_len;
		/* a span is cut at the end of its line */
		w = f->len;
		if (f->col + w > len + 1)
			w = len + 1 >= f->col ? len + 1 - f->col : 1;
		bl_print_excerpt(fp, f->line, f->excerpt, len,
				 f->col > 0 ? f->col : 1, w,
				 col(color, C_GREEN), col(color, C_RESET));
	}
	if (f->surface != NULL) {
		char also[48] = "";
		const char *g = f->surface->greeting;
		const char *nl = strchr(g, '\n');

		if (f->also > 0)
			snprintf(also, sizeof(also), " and %zu more", f->also);
		fprintf(fp, "      = surface: %s of ",
			bl_surface_kind_name(f->surface->kind));
		bl_escape_puts(fp, f->surface->scope);
		fprintf(fp, "%s  ->  %s", also,
			f->surface->kind == BL_SURFACE_HELO ? "EHLO " : "");
		bl_print_visible(fp, g, nl ? (size_t)(nl - g) : strlen(g));
		fputc('\n', fp);
	}
	if (f->fix != NULL && f->fix->text != NULL) {
		fputs("      = fix (", fp);
		fputs(bl_fix_safety_name(f->fix->safety), fp);
		fputs("): ", fp);
		bl_print_visible(fp, f->fix->text, strlen(f->fix->text));
		if (f->fix->note != NULL) {
			fputs("  (", fp);
			bl_print_visible(fp, f->fix->note,
					 strlen(f->fix->note));
			fputc(')', fp);
		}
		fputc('\n', fp);
	}
}

/* gcc_diags - diagnostics one line each, as on standard error without the
 * source line; --quiet keeps the errors */
static void
gcc_diags(FILE *fp, const struct bl_diags *d, bool quiet)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++) {
		const struct bl_diag *g = &d->v[i];

		if (quiet && g->level != BL_LEVEL_ERROR)
			continue;
		bl_print_diag_place(fp, g);
		fprintf(fp, "%s: ", bl_level_name(g->level));
		bl_escape_puts(fp, g->message);
		fputc('\n', fp);
	}
}

/* text_summary - the last line of a text report */
static void
text_summary(const struct bl_check_report *r, bool incomplete, size_t unknown)
{
	FILE *fp = r->fp;
	const size_t *n = r->n;

	if (r->nfindings == 0 && incomplete)
		fputs("no findings, but the check is incomplete: see the "
		      "errors above\n",
		      fp);
	else if (r->nfindings == 0 && unknown > 0)
		fprintf(fp,
			"no problems found, but %zu check%s could not "
			"tell: see the notes above\n",
			unknown, unknown == 1 ? "" : "s");
	else if (r->nfindings == 0)
		fputs("no problems found\n", fp);
	else
		fprintf(fp,
			"%zu problem%s (%zu error%s, %zu warning%s, %zu "
			"info)\n",
			r->nfindings, r->nfindings == 1 ? "" : "s",
			n[BL_LEVEL_ERROR], n[BL_LEVEL_ERROR] == 1 ? "" : "s",
			n[BL_LEVEL_WARNING],
			n[BL_LEVEL_WARNING] == 1 ? "" : "s", n[BL_LEVEL_NOTE]);
}

/* bl_check_report_begin - a reporter of the format o->format on fp */
struct bl_check_report *
bl_check_report_begin(FILE *fp, const struct bl_check_report_opts *o)
{
	struct bl_check_report *r = bl_xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->o = *o;
	if (o->format != BL_CHECK_FORMAT_TEXT &&
	    o->format != BL_CHECK_FORMAT_GCC)
		r->tools = bl_report_formats_begin(fp, o);
	return r;
}

/* bl_check_report_instance - one instance's findings and diagnostics */
void
bl_check_report_instance(struct bl_check_report *r,
			 const struct bl_findings *fs,
			 const struct bl_diags *diags)
{
	size_t i;

	if (r->tools != NULL) {
		bl_report_formats_instance(r->tools, fs, diags);
		return;
	}
	/* gcc: the problems reading the input before what was found in it */
	if (r->o.format == BL_CHECK_FORMAT_GCC)
		gcc_diags(r->fp, diags, r->o.quiet);
	for (i = 0; i < fs->n; i++) {
		const struct bl_finding *f = &fs->v[i];

		r->n[f->severity]++;
		r->nfindings++;
		if (r->o.format == BL_CHECK_FORMAT_GCC)
			head(r->fp, f, r->o.color);
		else
			text_finding(r->fp, f, r->o.color);
	}
}

/* bl_check_report_end - the diagnostics about no instance and the summary;
 * frees r; -1 on a write error */
int
bl_check_report_end(struct bl_check_report *r, const struct bl_diags *diags,
		    const struct bl_ruleset *const *sets, size_t nsets,
		    bool incomplete, size_t unknown)
{
	int status = 0;

	if (r->tools != NULL)
		status = bl_report_formats_end(r->tools, diags, sets, nsets,
					       incomplete, unknown);
	else if (r->o.format == BL_CHECK_FORMAT_GCC)
		gcc_diags(r->fp, diags, r->o.quiet);
	else if (!r->o.quiet)
		text_summary(r, incomplete, unknown);
	if (fflush(r->fp) != 0 || ferror(r->fp))
		status = -1;
	free(r);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_show.c - "bannerlint show": each surface, its value, and where
 * every part of it came from; as text for a person or JSON for tools.
 * Diagnostics print compiler style (file:line:col: level: message) with the
 * source line and a caret when the line is known.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "parser.h"
#include "report.h"
#include "util.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[32m"
#define C_DIM "\033[2m"

static const char *
col(const struct bl_report_opts *o, const char *c)
{
	return o->color ? c : "";
}

/* The source of a file name in the instance, for quoting a line. */
static const struct bl_source *
find_source(const struct bl_config *cfg, const char *path)
{
	size_t k;

	if (path == NULL || cfg == NULL)
		return NULL;
	for (k = 0; k < cfg->nsources; k++)
		if (strcmp(cfg->sources[k]->path, path) == 0)
			return cfg->sources[k];
	return NULL;
}

/* bl_print_visible - a source line: escaped, a tab as one space so that a
 * caret under it stays in its column */
void
bl_print_visible(FILE *fp, const char *s, size_t n)
{
	bl_escape_print(fp, s, n, BL_ESC_TAB_SPACE);
}

/* excerpt_cut - i moved back to the start of the UTF-8 character it is in */
static size_t
excerpt_cut(const char *s, size_t i)
{
	size_t k = 0;

	while (i > 0 && k < 3 && ((unsigned char)s[i] & 0xc0) == 0x80) {
		i--;
		k++;
	}
	return i;
}

/* bl_print_excerpt - the source line `text` (len bytes) under its number,
 * then a caret line: '^' under byte col (1-based) and '~' under the rest
 * of its w bytes (w 0 or 1: the caret alone), in colour when on/off are
 * not empty. A line longer than BL_EXCERPT_MAX bytes is cut to a window
 * of that size around the column, "..." marking each cut end: a 15 MiB
 * line with a hundred diagnostics on it is not printed a hundred times,
 * and the time is that of the window, not of the line. */
void
bl_print_excerpt(FILE *fp, unsigned line, const char *text, size_t len,
		 size_t col, size_t w, const char *on, const char *off)
{
	size_t from = 0, to = len, at, pad, k;

	at = col > 0 ? col - 1 : 0;
	if (at > len)
		at = len;
	if (len > BL_EXCERPT_MAX) {
		from = at > BL_EXCERPT_MAX / 3 ? at - BL_EXCERPT_MAX / 3 : 0;
		to = from + BL_EXCERPT_MAX < len ? from + BL_EXCERPT_MAX : len;
		if (to - from < BL_EXCERPT_MAX)
			from = to - BL_EXCERPT_MAX;
		from = excerpt_cut(text, from);
		if (to < len)
			to = excerpt_cut(text, to);
	}
	fprintf(fp, "%5u | %s", line, from > 0 ? "..." : "");
	bl_print_visible(fp, text + from, to - from);
	fprintf(fp, "%s\n", to < len ? "..." : "");
	if (col == 0)
		return;
	/* the caret goes under the escaped text */
	pad = (from > 0 ? 3 : 0) +
	      bl_escape_width(text + from, at - from, BL_ESC_TAB_SPACE);
	if (w > to - at)
		w = to - at;
	w = w > 1 ? bl_escape_width(text + at, w, BL_ESC_TAB_SPACE) : 1;
	fputs("      | ", fp);
	for (k = 0; k < pad; k++)
		fputc(' ', fp);
	fprintf(fp, "%s^", on);
	for (k = 1; k < w; k++)
		fputc('~', fp);
	fprintf(fp, "%s\n", off);
}

/* bl_print_diag_place - "file:line:col: " of a diagnostic, escaped, or
 * "bannerlint: " for one about no file */
void
bl_print_diag_place(FILE *fp, const struct bl_diag *g)
{
	if (g->file == NULL) {
		fputs("bannerlint: ", fp);
		return;
	}
	bl_escape_puts(fp, g->file);
	if (g->line > 0)
		fprintf(fp, ":%u", g->line);
	if (g->line > 0 && g->col > 0)
		fprintf(fp, ":%u", g->col);
	fputs(": ", fp);
}

/* bl_report_diags - every diagnostic, compiler style, to fp, quoting the
 * source lines of cfg (the instance they are about; NULL: none) */
void
bl_report_diags(FILE *fp, const struct bl_diags *d,
		const struct bl_config *cfg, const struct bl_report_opts *o)
{
	const struct bl_source *src;
	const char *text, *lc;
	size_t i, len;

	for (i = 0; i < d->n; i++) {
		const struct bl_diag *g = &d->v[i];

		if (o->quiet && g->level != BL_LEVEL_ERROR)
			continue;
		lc = g->level == BL_LEVEL_ERROR	    ? C_RED
		     : g->level == BL_LEVEL_WARNING ? C_YELLOW
						    : C_CYAN;
		fputs(col(o, C_BOLD), fp);
		bl_print_diag_place(fp, g);
		fprintf(fp, "%s%s%s: %s", col(o, lc), bl_level_name(g->level),
			col(o, C_RESET), col(o, C_BOLD));
		bl_escape_puts(fp, g->message);
		fprintf(fp, "%s\n", col(o, C_RESET));
		src = find_source(cfg, g->file);
		if (src == NULL || g->line == 0)
			continue;
		text = bl_source_line(src, g->line, &len);
		bl_print_excerpt(fp, g->line, text, len,
				 g->col <= len + 1 ? g->col : 0, 1,
				 col(o, C_GREEN), col(o, C_RESET));
	}
}

static void
print_origin(FILE *fp, const struct bl_origin *or,
	     const struct bl_report_opts *o, const struct bl_parser *parser)
{
	const struct bl_setting *s = or->setting;

	char *key = bl_escape_str(or->key, 0);

	fprintf(fp, "%-24s ", key);
	free(key);
	if (s->is_default) {
		fprintf(fp, "%sdefault%s  ", col(o, C_DIM), col(o, C_RESET));
		if (or->placeholder) {
			bl_escape_puts(fp, s->raw);
			fputs(s->unread ? " (an include that is not here may "
					  "set it)"
					: " (known only to the running server)",
			      fp);
		} else {
			fputc('"', fp);
			bl_escape_puts(fp, s->raw);
			fputc('"', fp);
		}
	} else {
		bl_escape_puts(fp, s->src->path);
		fprintf(fp, ":%u", s->line);
		if (strcmp(s->scope, "main") != 0) {
			/* how the dialect writes a scope's own setting
			 * (master.cf: "-o") */
			fprintf(fp, "  (%s%sin ",
				parser && parser->override_flag
					? parser->override_flag
					: "",
				parser && parser->override_flag ? " " : "");
			bl_escape_puts(fp, s->scope);
			fputc(')', fp);
		}
	}
	fputc('\n', fp);
}

/* bl_report_show_text - the surfaces of one instance, for a person; not
 * the first: after a blank line */
void
bl_report_show_text(FILE *fp, const struct bl_config *cfg, bool first,
		    const struct bl_report_opts *o)
{
	size_t k, j;
	const char *g, *nl;

	if (!first)
		fputc('\n', fp);
	fprintf(fp, "%s%s instance ", col(o, C_BOLD), cfg->mta);
	bl_escape_puts(fp, cfg->name);
	fprintf(fp, "%s\n", col(o, C_RESET));
	for (k = 0; k < cfg->nsurfaces; k++) {
		const struct bl_surface *sf = &cfg->surfaces[k];

		fprintf(fp, "\n  %s%s ", col(o, C_BOLD),
			bl_surface_kind_name(sf->kind));
		bl_escape_puts(fp, sf->scope);
		fprintf(fp, "%s  (", col(o, C_RESET));
		bl_escape_puts(fp, sf->key);
		fputs(")\n", fp);
		if (!sf->valid) {
			fprintf(fp, "    %s(cannot be computed: see the "
				    "errors above)%s\n",
				col(o, C_RED), col(o, C_RESET));
			continue;
		}
		if (sf->kind == BL_SURFACE_BANNER) {
			for (g = sf->greeting; g != NULL;
			     g = nl ? nl + 1 : NULL) {
				nl = strchr(g, '\n');
				fputs("    ", fp);
				fputs(col(o, C_GREEN), fp);
				bl_print_visible(fp, g,
					      nl ? (size_t)(nl - g)
						 : strlen(g));
				fprintf(fp, "%s\n", col(o, C_RESET));
			}
		} else {
			fprintf(fp, "    %sEHLO ", col(o, C_GREEN));
			bl_escape_puts(fp, sf->value);
			fprintf(fp, "%s\n", col(o, C_RESET));
		}
		fprintf(fp, "    configured  ");
		bl_print_visible(fp, sf->configured,
			      strlen(sf->configured));
		fputc('\n', fp);
		for (j = 0; j < sf->norigin; j++) {
			fputs(j == 0 ? "    from        "
				     : "                ",
			      fp);
			print_origin(fp, &sf->origin[j], o,
				     bl_parser_find(cfg->mta));
		}
	}
}

/* bl_json_str - a JSON string of s: the exact text when it is UTF-8, bytes
 * that are not as \xNN; bl_json_dump makes the document safe to print */
json_t *
bl_json_str(const char *s)
{
	char *e;
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	e = bl_escape_str(s, BL_ESC_INVALID_ONLY);
	j = json_string(e);
	free(e);
	return j;
}

/* bl_json_dump - root, indented, then a newline; escaped so that no
 * control reaches a terminal (bl_escape_json); -1 on error */
int
bl_json_dump(FILE *fp, const json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct bl_buf b;
	int status = 0;

	if (text == NULL)
		return -1;
	bl_buf_init(&b);
	bl_escape_json(&b, text, strlen(text));
	bl_buf_addc(&b, '\n');
	if (fwrite(b.data, 1, b.len, fp) != b.len)
		status = -1;
	bl_buf_finish(&b);
	free(text);
	return status;
}

static json_t *
origin_json(const struct bl_origin *or)
{
	const struct bl_setting *s = or->setting;
	json_t *o = json_object();

	json_object_set_new(o, "key", bl_json_str(or->key));
	if (s->is_default) {
		json_object_set_new(o, "default", json_true());
		json_object_set_new(o, "value", bl_json_str(s->raw));
		if (or->placeholder)
			json_object_set_new(o, "placeholder", json_true());
	} else {
		json_object_set_new(o, "file", bl_json_str(s->src->path));
		json_object_set_new(o, "line", json_integer(s->line));
		json_object_set_new(o, "column", json_integer(s->col));
		if (strcmp(s->scope, "main") != 0)
			json_object_set_new(o, "service",
					    bl_json_str(s->scope));
	}
	return o;
}

static json_t *
surface_json(const struct bl_config *cfg, const struct bl_surface *sf)
{
	json_t *o = json_object(), *a;
	size_t j;

	json_object_set_new(o, "kind",
			    bl_json_str(bl_surface_kind_name(sf->kind)));
	json_object_set_new(o, "mta", bl_json_str(sf->mta));
	json_object_set_new(o, "instance", bl_json_str(cfg->name));
	json_object_set_new(o, "scope", bl_json_str(sf->scope));
	json_object_set_new(o, "file",
			    sf->file ? bl_json_str(sf->file) : json_null());
	json_object_set_new(o, "key", bl_json_str(sf->key));
	json_object_set_new(o, "configured", bl_json_str(sf->configured));
	if (sf->valid) {
		json_object_set_new(o, "value", bl_json_str(sf->value));
		json_object_set_new(o, "hostname", bl_json_str(sf->hostname));
		if (sf->kind == BL_SURFACE_BANNER)
			json_object_set_new(o, "greeting",
					    bl_json_str(sf->greeting));
	} else {
		json_object_set_new(o, "value", json_null());
		json_object_set_new(o, "hostname", json_null());
	}
	a = json_array();
	for (j = 0; j < sf->noverrides; j++) {
		json_t *kv = json_object();

		json_object_set_new(kv, "key",
				    bl_json_str(sf->overrides[j].key));
		json_object_set_new(kv, "value",
				    bl_json_str(sf->overrides[j].value));
		json_array_append_new(a, kv);
	}
	json_object_set_new(o, "overrides", a);
	a = json_array();
	for (j = 0; j < sf->norigin; j++)
		json_array_append_new(a, origin_json(&sf->origin[j]));
	json_object_set_new(o, "origin", a);
	return o;
}

static json_t *
diags_json(const struct bl_diags *d)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct bl_diag *g = &d->v[i];
		json_t *o = json_object();

		json_object_set_new(o, "file",
				    g->file ? bl_json_str(g->file)
					    : json_null());
		json_object_set_new(o, "line", json_integer(g->line));
		json_object_set_new(o, "col", json_integer(g->col));
		json_object_set_new(o, "level",
				    bl_json_str(bl_level_name(g->level)));
		json_object_set_new(o, "message", bl_json_str(g->message));
		json_array_append_new(a, o);
	}
	return a;
}

/* bl_report_show_json_add - the surfaces of one instance appended to
 * surfaces (a JSON array), which then owns them */
void
bl_report_show_json_add(json_t *surfaces, const struct bl_config *cfg)
{
	size_t k;

	for (k = 0; k < cfg->nsurfaces; k++)
		json_array_append_new(surfaces,
				      surface_json(cfg, &cfg->surfaces[k]));
}

/* bl_report_show_json - the document (DESIGN.md §3): surfaces (an array
 * bl_report_show_json_add filled; the reference is taken) and the
 * diagnostics; -1 on error */
int
bl_report_show_json(FILE *fp, json_t *surfaces, const struct bl_diags *d)
{
	json_t *root = json_object();
	int status;

	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "surfaces", surfaces);
	json_object_set_new(root, "diagnostics", diags_json(d));
	status = bl_json_dump(fp, root);
	json_decref(root);
	return status;
}

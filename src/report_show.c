/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_show.c - "bannerlint show": each surface, its value, and where
 * every part of it came from; as text for a person or JSON for tools.
 * Diagnostics print compiler style (file:line:col: level: message) with the
 * source line and a caret when the line is known.
 */
#include "config.h"

#include <jansson.h>
#include <string.h>

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

/* The source of a file name among the instances, for quoting a line. */
static const struct bl_source *
find_source(const struct bl_instances *in, const char *path)
{
	size_t i, k;

	if (path == NULL || in == NULL)
		return NULL;
	for (i = 0; i < in->n; i++)
		for (k = 0; k < in->v[i]->nsources; k++)
			if (strcmp(in->v[i]->sources[k]->path, path) == 0)
				return in->v[i]->sources[k];
	return NULL;
}

/* bl_print_visible - print text, making control characters visible */
void
bl_print_visible(FILE *fp, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t')
			fputc(' ', fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
}

/* bl_report_diags - every diagnostic, compiler style, to fp */
void
bl_report_diags(FILE *fp, const struct bl_diags *d,
		const struct bl_instances *in, const struct bl_report_opts *o)
{
	const struct bl_source *src;
	const char *text, *lc;
	size_t i, len, k;

	for (i = 0; i < d->n; i++) {
		const struct bl_diag *g = &d->v[i];

		if (o->quiet && g->level != BL_LEVEL_ERROR)
			continue;
		lc = g->level == BL_LEVEL_ERROR	    ? C_RED
		     : g->level == BL_LEVEL_WARNING ? C_YELLOW
						    : C_CYAN;
		fputs(col(o, C_BOLD), fp);
		if (g->file != NULL) {
			fputs(g->file, fp);
			if (g->line > 0)
				fprintf(fp, ":%u", g->line);
			if (g->line > 0 && g->col > 0)
				fprintf(fp, ":%u", g->col);
			fputs(": ", fp);
		} else {
			fputs("bannerlint: ", fp);
		}
		fprintf(fp, "%s%s%s: %s%s%s\n", col(o, lc),
			bl_level_name(g->level), col(o, C_RESET),
			col(o, C_BOLD), g->message, col(o, C_RESET));
		src = find_source(in, g->file);
		if (src == NULL || g->line == 0)
			continue;
		text = bl_source_line(src, g->line, &len);
		fprintf(fp, "%5u | ", g->line);
		bl_print_visible(fp, text, len);
		fputc('\n', fp);
		if (g->col > 0 && g->col <= len + 1) {
			fputs("      | ", fp);
			for (k = 1; k < g->col; k++)
				fputc(' ', fp);
			fprintf(fp, "%s^%s\n", col(o, C_GREEN),
				col(o, C_RESET));
		}
	}
}

static void
print_origin(FILE *fp, const struct bl_origin *or,
	     const struct bl_report_opts *o)
{
	const struct bl_setting *s = or->setting;

	fprintf(fp, "%-24s ", or->key);
	if (s->is_default) {
		fprintf(fp, "%sdefault%s", col(o, C_DIM), col(o, C_RESET));
		if (or->placeholder)
			fprintf(fp, "  %s (known only to the running server)",
				s->raw);
		else
			fprintf(fp, "  \"%s\"", s->raw);
	} else {
		fprintf(fp, "%s:%u", s->src->path, s->line);
		if (strcmp(s->scope, "main") != 0)
			fprintf(fp, "  (%sin %s)",
				strstr(s->src->path, "master.cf") ? "-o " : "",
				s->scope);
	}
	fputc('\n', fp);
}

/* bl_report_show_text - the surfaces of every instance, for a person */
void
bl_report_show_text(FILE *fp, const struct bl_instances *in,
		    const struct bl_report_opts *o)
{
	size_t i, k, j;
	const char *g, *nl;

	for (i = 0; i < in->n; i++) {
		const struct bl_config *cfg = in->v[i];

		if (i > 0)
			fputc('\n', fp);
		fprintf(fp, "%s%s instance %s%s\n", col(o, C_BOLD), cfg->mta,
			cfg->name, col(o, C_RESET));
		for (k = 0; k < cfg->nsurfaces; k++) {
			const struct bl_surface *sf = &cfg->surfaces[k];

			fprintf(fp, "\n  %s%s %s%s  (%s)\n", col(o, C_BOLD),
				bl_surface_kind_name(sf->kind), sf->scope,
				col(o, C_RESET), sf->key);
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
				fprintf(fp, "    %sEHLO %s%s\n",
					col(o, C_GREEN), sf->value,
					col(o, C_RESET));
			}
			fprintf(fp, "    configured  ");
			bl_print_visible(fp, sf->configured,
				      strlen(sf->configured));
			fputc('\n', fp);
			for (j = 0; j < sf->norigin; j++) {
				fputs(j == 0 ? "    from        "
					     : "                ",
				      fp);
				print_origin(fp, &sf->origin[j], o);
			}
		}
	}
}

/* bl_json_str - a JSON string of s; invalid UTF-8 bytes shown as \xNN */
json_t *
bl_json_str(const char *s)
{
	json_t *j = json_string(s);
	struct bl_buf b;
	const char *p;

	if (j != NULL)
		return j;
	bl_buf_init(&b);
	for (p = s; *p; p++) {
		if ((unsigned char)*p < 0x80)
			bl_buf_addc(&b, *p);
		else
			bl_buf_printf(&b, "\\x%02x", (unsigned char)*p);
	}
	j = json_string(b.data);
	bl_buf_finish(&b);
	return j;
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

/* bl_report_show_json - the surfaces as JSON (DESIGN.md §3); -1 on error */
int
bl_report_show_json(FILE *fp, const struct bl_instances *in,
		    const struct bl_diags *d)
{
	json_t *root = json_object(), *a = json_array();
	size_t i, k;
	int status;

	json_object_set_new(root, "version", json_integer(1));
	for (i = 0; i < in->n; i++)
		for (k = 0; k < in->v[i]->nsurfaces; k++)
			json_array_append_new(
				a, surface_json(in->v[i],
						&in->v[i]->surfaces[k]));
	json_object_set_new(root, "surfaces", a);
	json_object_set_new(root, "diagnostics", diags_json(d));
	status = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(root);
	return status;
}

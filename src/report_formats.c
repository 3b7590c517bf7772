/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_formats.c - findings in the formats other tools read: SARIF 2.1.0
 * (code scanning), Checkstyle XML, and GitHub workflow annotations.
 *
 * SARIF locations are relative to the repository root (the nearest
 * directory with .git above the working directory, else the working
 * directory) through the SRCROOT base id; partialFingerprints hash the
 * dialect, file, scope, key and rule, so an alert survives reordering.
 */
#include "config.h"

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "report.h"
#include "report_check.h"
#include "util.h"

/* The repository root: the nearest ancestor of cwd holding .git. */
static char *
repo_root(void)
{
	char buf[PATH_MAX], *p;
	struct stat st;
	char *probe;

	if (getcwd(buf, sizeof(buf)) == NULL)
		return bl_xstrdup("/");
	for (;;) {
		probe = bl_xasprintf("%s/.git", strcmp(buf, "/") ? buf : "");
		if (stat(probe, &st) == 0) {
			free(probe);
			return bl_xstrdup(buf);
		}
		free(probe);
		p = strrchr(buf, '/');
		if (p == NULL || p == buf)
			break;
		*p = '\0';
	}
	if (getcwd(buf, sizeof(buf)) == NULL)
		return bl_xstrdup("/");
	return bl_xstrdup(buf);
}

/* A file's path relative to root, with "/" separators (caller frees). */
static char *
relative_to(const char *root, const char *file)
{
	char buf[PATH_MAX], *abs;
	size_t n = strlen(root);

	if (file[0] == '/')
		abs = bl_xstrdup(file);
	else if (getcwd(buf, sizeof(buf)) != NULL)
		abs = bl_xasprintf("%s/%s", buf, file);
	else
		return bl_xstrdup(file);
	/* Drop "./" and "x/../" parts that the walk may have kept. */
	{
		char *p;

		while ((p = strstr(abs, "/./")) != NULL)
			memmove(p, p + 2, strlen(p + 2) + 1);
	}
	if (strncmp(abs, root, n) == 0 && abs[n] == '/') {
		char *r = bl_xstrdup(abs + n + 1);

		free(abs);
		return r;
	}
	return abs;
}

/* Percent-encode what a URI reference may not hold. */
static char *
uri_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct bl_buf b;

	bl_buf_init(&b);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=:@", c))
			bl_buf_addc(&b, (char)c);
		else {
			bl_buf_addc(&b, '%');
			bl_buf_addc(&b, hex[c >> 4]);
			bl_buf_addc(&b, hex[c & 15]);
		}
	}
	return bl_buf_steal(&b);
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff; /* field separator */
	h *= 0x100000001b3ULL;
	return h;
}

static const char *
sarif_level(enum bl_level l)
{
	return l == BL_LEVEL_ERROR ? "error"
	       : l == BL_LEVEL_WARNING ? "warning"
				       : "note";
}

static const char *
security_severity(enum bl_level l)
{
	return l == BL_LEVEL_ERROR ? "7.0" : l == BL_LEVEL_WARNING ? "5.0"
								   : "2.0";
}

/* The first paragraph of an explain text. */
static char *
first_paragraph(const char *s)
{
	const char *e = strstr(s, "\n\n");

	return bl_xstrndup(s, e ? (size_t)(e - s) : strlen(s));
}

static json_t *
sarif_rule(const struct bl_rule *r)
{
	json_t *o = json_object(), *props = json_object(), *tags;
	char *first = first_paragraph(r->explain);
	struct bl_buf help;
	size_t i;

	json_object_set_new(o, "id", bl_json_str(r->id));
	json_object_set_new(o, "name", bl_json_str(r->name));
	json_object_set_new(o, "shortDescription",
			    json_pack("{s:o}", "text", bl_json_str(r->name)));
	json_object_set_new(o, "fullDescription",
			    json_pack("{s:o}", "text", bl_json_str(first)));
	bl_buf_init(&help);
	bl_buf_adds(&help, r->explain);
	if (r->nrefs > 0)
		bl_buf_adds(&help, "\n\nReferences:");
	for (i = 0; i < r->nrefs; i++)
		bl_buf_printf(&help, "\n- %s", r->refs[i]);
	json_object_set_new(o, "help",
			    json_pack("{s:o}", "text", bl_json_str(help.data)));
	bl_buf_finish(&help);
	json_object_set_new(o, "defaultConfiguration",
			    json_pack("{s:s}", "level",
				      sarif_level(r->severity)));
	tags = json_pack("[s,s]", "security", "mail");
	json_object_set_new(props, "tags", tags);
	json_object_set_new(props, "security-severity",
			    json_string(security_severity(r->severity)));
	json_object_set_new(o, "properties", props);
	free(first);
	return o;
}

/* bl_report_sarif - SARIF 2.1.0 for code scanning; -1 on error */
int
bl_report_sarif(FILE *fp, const struct bl_findings *fs,
		const struct bl_ruleset *const *sets, size_t nsets,
		const struct bl_diags *diags, bool success)
{
	const struct bl_rule **all = NULL;
	size_t nall = 0, s, j;
	json_t *root, *run, *rules, *results, *base;
	char *root_dir = repo_root(), *uri, *rel;
	size_t i, k;
	int status;

	/* Every rule once, by id, from every ruleset in use. */
	for (s = 0; s < nsets; s++)
		for (i = 0; i < sets[s]->nrules; i++) {
			for (j = 0; j < nall; j++)
				if (strcmp(all[j]->id, sets[s]->rules[i].id) == 0)
					break;
			if (j < nall)
				continue;
			all = bl_xreallocarray(all, nall + 1, sizeof(*all));
			all[nall++] = &sets[s]->rules[i];
		}
	rules = json_array();
	for (i = 0; i < nall; i++)
		json_array_append_new(rules, sarif_rule(all[i]));
	results = json_array();
	for (i = 0; i < fs->n; i++) {
		const struct bl_finding *f = &fs->v[i];
		json_t *res = json_object(), *loc, *region, *phys;
		uint64_t h = 0xcbf29ce484222325ULL;
		char fp_hex[17];

		for (k = 0; k < nall; k++)
			if (strcmp(all[k]->id, f->rule->id) == 0)
				break;
		rel = relative_to(root_dir, f->file);
		uri = uri_escape(rel);
		json_object_set_new(res, "ruleId", bl_json_str(f->rule->id));
		json_object_set_new(res, "ruleIndex", json_integer((json_int_t)k));
		json_object_set_new(res, "level",
				    json_string(sarif_level(f->severity)));
		json_object_set_new(res, "message",
				    json_pack("{s:o}", "text",
					      bl_json_str(f->message)));
		phys = json_object();
		json_object_set_new(phys, "artifactLocation",
				    json_pack("{s:o,s:s}", "uri",
					      bl_json_str(uri), "uriBaseId",
					      "SRCROOT"));
		region = json_object();
		json_object_set_new(region, "startLine",
				    json_integer(f->line > 0 ? f->line : 1));
		if (f->line > 0) {
			json_object_set_new(region, "startColumn",
					    json_integer(f->col));
			if (f->end_line > 0) {
				json_object_set_new(region, "endLine",
						    json_integer(f->end_line));
				json_object_set_new(region, "endColumn",
						    json_integer(f->end_col));
			}
		}
		json_object_set_new(phys, "region", region);
		loc = json_object();
		json_object_set_new(loc, "physicalLocation", phys);
		json_object_set_new(res, "locations", json_pack("[o]", loc));
		h = fnv1a(h, f->mta);
		h = fnv1a(h, rel);
		h = fnv1a(h, f->scope ? f->scope : "");
		h = fnv1a(h, f->key ? f->key : "");
		h = fnv1a(h, f->rule->id);
		snprintf(fp_hex, sizeof(fp_hex), "%016llx",
			 (unsigned long long)h);
		json_object_set_new(res, "partialFingerprints",
				    json_pack("{s:s}", "bannerlint/v1",
					      fp_hex));
		json_array_append_new(results, res);
		free(uri);
		free(rel);
	}
	run = json_object();
	json_object_set_new(
		run, "tool",
		json_pack("{s:{s:s,s:s,s:s,s:o}}", "driver", "name",
			  "bannerlint", "semanticVersion", BL_VERSION,
			  "version", BL_VERSION, "rules", rules));
	uri = uri_escape(root_dir);
	{
		char *u = bl_xasprintf("file://%s%s", uri,
				       uri[strlen(uri) - 1] == '/' ? "" : "/");

		base = json_pack("{s:{s:o}}", "SRCROOT", "uri", bl_json_str(u));
		free(u);
	}
	json_object_set_new(run, "originalUriBaseIds", base);
	{
		/* Problems with the input itself, so a failed run shows why. */
		json_t *inv = json_object(), *notes = json_array();

		for (i = 0; diags && i < diags->n; i++) {
			const struct bl_diag *g = &diags->v[i];
			json_t *n;

			if (g->level == BL_LEVEL_NOTE)
				continue;
			n = json_object();
			json_object_set_new(n, "level",
					    json_string(sarif_level(g->level)));
			json_object_set_new(n, "message",
					    json_pack("{s:o}", "text",
						      bl_json_str(g->message)));
			if (g->file != NULL) {
				char *r = relative_to(root_dir, g->file);
				char *u = uri_escape(r);
				json_t *reg = json_object();

				json_object_set_new(reg, "startLine",
						    json_integer(g->line ? g->line
									 : 1));
				if (g->col > 0)
					json_object_set_new(reg, "startColumn",
							    json_integer(g->col));
				json_object_set_new(
					n, "locations",
					json_pack("[{s:{s:{s:o,s:s},s:o}}]",
						  "physicalLocation",
						  "artifactLocation", "uri",
						  bl_json_str(u), "uriBaseId",
						  "SRCROOT", "region", reg));
				free(u);
				free(r);
			}
			json_array_append_new(notes, n);
		}
		json_object_set_new(inv, "executionSuccessful",
				    json_boolean(success));
		json_object_set_new(inv, "toolExecutionNotifications", notes);
		json_object_set_new(run, "invocations", json_pack("[o]", inv));
	}
	json_object_set_new(run, "results", results);
	root = json_object();
	json_object_set_new(root, "$schema",
			    json_string("https://json.schemastore.org/"
					"sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(root, "runs", json_pack("[o]", run));
	status = bl_json_dump(fp, root);
	json_decref(root);
	free(uri);
	free(root_dir);
	free(all);
	return status;
}

/* xml_escape - s as XML attribute text, made safe first as every output is */
static void
xml_escape(FILE *fp, const char *str)
{
	char *e = bl_escape_str(str, BL_ESC_KEEP_NL | BL_ESC_KEEP_TAB);
	const char *s;

	for (s = e; *s; s++) {
		if (*s == '&')
			fputs("&amp;", fp);
		else if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else if (*s == '"')
			fputs("&quot;", fp);
		else if (*s == '\n')
			fputs("&#10;", fp);
		else if (*s == '\t')
			fputs("&#9;", fp);
		else
			fputc(*s, fp);
	}
	free(e);
}

/* bl_report_checkstyle - Checkstyle XML, one <file> per file */
void
bl_report_checkstyle(FILE *fp, const struct bl_findings *fs)
{
	size_t i;
	const char *open = NULL;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<checkstyle version=\"4.3\">\n",
	      fp);
	for (i = 0; i < fs->n; i++) {
		const struct bl_finding *f = &fs->v[i];

		if (open == NULL || strcmp(open, f->file) != 0) {
			if (open != NULL)
				fputs("  </file>\n", fp);
			fputs("  <file name=\"", fp);
			xml_escape(fp, f->file);
			fputs("\">\n", fp);
			open = f->file;
		}
		fprintf(fp, "    <error line=\"%u\" column=\"%u\" "
			    "severity=\"%s\" message=\"",
			f->line, f->col, bl_severity_name(f->severity));
		xml_escape(fp, f->message);
		fputs("\" source=\"bannerlint.", fp);
		xml_escape(fp, f->rule->id);
		fputc('.', fp);
		xml_escape(fp, f->rule->name);
		fputs("\"/>\n", fp);
	}
	if (open != NULL)
		fputs("  </file>\n", fp);
	fputs("</checkstyle>\n", fp);
}

/* gh_escape - s as a workflow command's data or property, made safe first
 * as every output is */
static void
gh_escape(FILE *fp, const char *str, bool property)
{
	char *e = bl_escape_str(str, BL_ESC_KEEP_NL);
	const char *s;

	for (s = e; *s; s++) {
		if (*s == '%')
			fputs("%25", fp);
		else if (*s == '\n')
			fputs("%0A", fp);
		else if (property && *s == ':')
			fputs("%3A", fp);
		else if (property && *s == ',')
			fputs("%2C", fp);
		else
			fputc(*s, fp);
	}
	free(e);
}

/* bl_report_github - GitHub Actions workflow annotations */
void
bl_report_github(FILE *fp, const struct bl_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct bl_finding *f = &fs->v[i];
		const char *cmd = f->severity == BL_LEVEL_ERROR ? "error"
				  : f->severity == BL_LEVEL_WARNING
					  ? "warning"
					  : "notice";

		fprintf(fp, "::%s file=", cmd);
		gh_escape(fp, f->file, true);
		if (f->line > 0) {
			fprintf(fp, ",line=%u,col=%u", f->line, f->col);
			if (f->end_line == f->line)
				fprintf(fp, ",endColumn=%u", f->end_col);
		}
		fputs(",title=", fp);
		gh_escape(fp, f->rule->id, true);
		fputc(' ', fp);
		gh_escape(fp, f->rule->name, true);
		fputs("::", fp);
		gh_escape(fp, f->message, false);
		fputc('\n', fp);
	}
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_formats.c - findings and diagnostics in the formats other tools
 * read: bannerlint's JSON (version 1), SARIF 2.1.0 (code scanning),
 * Checkstyle XML and GitHub workflow annotations, streamed behind
 * report_check.h's begin / instance / end.
 *
 * Checkstyle and GitHub lines are written as they come. JSON findings are
 * written as they come; JSON diagnostics, and SARIF results and
 * notifications, come in the document after something only the end knows
 * (the findings array, the rules in use, executionSuccessful), so each is
 * serialised when it comes into a spool (a temporary file; memory when
 * there is none) that the end copies out. Every JSON value is made by
 * jansson, one finding or diagnostic at a time, indented as jansson indents
 * the whole document and made safe by bl_escape_json; the layout is the one
 * bl_json_dump gives a document built at once.
 *
 * SARIF locations are relative to the repository root (the nearest
 * directory holding .git at or above the working directory, else the
 * working directory) through the SRCROOT base id; a file outside it has an
 * absolute file:// URI and no base id. partialFingerprints "bannerlint/v2"
 * and the JSON "fingerprint" are fingerprint.h's, the finding's own when
 * the caller computed it (a baseline filtered the instance), else computed
 * here for the instance. With a baseline (o.baseline), SARIF results are
 * "new" and the entries that matched nothing follow as results "absent".
 */
#include "config.h"

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "escape.h"
#include "fingerprint.h"
#include "fix.h"
#include "report.h"
#include "report_check.h"
#include "util.h"

/* A spool: serialised items that go out at the end, in order. */
struct spool {
	FILE *fp;
	bool mem; /* a memory stream: no temporary file could be made */
	char *buf;
	size_t buflen;
	size_t n; /* items written */
};

struct rule_use {
	const struct bl_rule **v; /* borrowed: rulesets live for the run */
	size_t n;
};

struct bl_report_formats {
	FILE *fp;
	struct bl_check_report_opts o;
	size_t n[3];	    /* findings by severity */
	size_t nd[3];	    /* diagnostics by level */
	size_t written;	    /* JSON: elements of the "findings" array */
	struct spool items; /* SARIF results */
	struct spool diags; /* JSON diagnostics, SARIF notifications */
	char *root;	    /* SARIF: normalised, absolute */
	char *cwd;
	struct rule_use used; /* SARIF: rules outside o.rules, first use */
	bool failed;
};

/* spool_open - an empty spool */
static void
spool_open(struct spool *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->fp = tmpfile();
	if (sp->fp != NULL)
		return;
	sp->mem = true;
	sp->fp = open_memstream(&sp->buf, &sp->buflen);
	if (sp->fp == NULL)
		bl_fatal("cannot make a spool for the report: out of memory");
}

/* spool_copy - the spool's bytes to fp, and the spool closed; -1 when
 * writing either failed */
static int
spool_copy(struct spool *sp, FILE *fp)
{
	char chunk[65536];
	size_t k;
	int status = 0;

	if (fflush(sp->fp) != 0 || ferror(sp->fp))
		status = -1;
	if (sp->mem) {
		if (sp->buflen > 0 &&
		    fwrite(sp->buf, 1, sp->buflen, fp) != sp->buflen)
			status = -1;
	} else if (status == 0) {
		rewind(sp->fp);
		while ((k = fread(chunk, 1, sizeof(chunk), sp->fp)) > 0)
			if (fwrite(chunk, 1, k, fp) != k) {
				status = -1;
				break;
			}
		if (ferror(sp->fp))
			status = -1;
	}
	fclose(sp->fp);
	free(sp->buf);
	sp->fp = NULL;
	sp->buf = NULL;
	return status;
}

/* indent - depth levels of two spaces */
static void
indent(FILE *fp, unsigned depth)
{
	unsigned k;

	for (k = 0; k < depth; k++)
		fputs("  ", fp);
}

/* put_json - v as jansson indents it when it stands at depth in a
 * document, made safe to print (bl_escape_json); -1 on error */
static int
put_json(FILE *fp, const json_t *v, unsigned depth)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				       JSON_ENCODE_ANY);
	const char *p, *nl;
	struct bl_buf b;
	unsigned k;
	int status = 0;

	if (text == NULL)
		return -1;
	bl_buf_init(&b);
	/* a newline stands only between tokens: strings hold it as \n */
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		bl_escape_json(&b, p, (size_t)(nl + 1 - p));
		for (k = 0; k < depth; k++)
			bl_buf_adds(&b, "  ");
	}
	bl_escape_json(&b, p, strlen(p));
	if (fwrite(b.data, 1, b.len, fp) != b.len)
		status = -1;
	bl_buf_finish(&b);
	free(text);
	return status;
}

/* put_item - v as the next element of an array at depth - 1 */
static void
put_item(struct bl_report_formats *s, FILE *fp, size_t *n, json_t *v,
	 unsigned depth)
{
	fputs(*n > 0 ? ",\n" : "\n", fp);
	indent(fp, depth);
	if (put_json(fp, v, depth) < 0)
		s->failed = true;
	(*n)++;
	json_decref(v);
}

/* close_array - "]" after n elements, the array's key at depth */
static void
close_array(FILE *fp, size_t n, unsigned depth)
{
	if (n > 0) {
		fputc('\n', fp);
		indent(fp, depth);
	}
	fputc(']', fp);
}

/* ---- JSON ---- */

/* fix_json - a fix: its tier, the edits as byte and line/column ranges
 * with the replacement bytes, the resulting line, and a note */
static json_t *
fix_json(const struct bl_fix *fx)
{
	json_t *o = json_object(), *edits = json_array();
	size_t i;

	json_object_set_new(o, "safety",
			    json_string(bl_fix_safety_name(fx->safety)));
	if (fx->command) {
		/* the change is made on the server: the edits on the
		 * export only verified it */
		json_object_set_new(o, "edits", edits);
		json_object_set_new(o, "command", bl_json_str(fx->text));
		if (fx->note != NULL)
			json_object_set_new(o, "note", bl_json_str(fx->note));
		return o;
	}
	for (i = 0; i < fx->nedits; i++) {
		const struct bl_edit *e = &fx->edits[i];
		json_t *j = json_object();

		json_object_set_new(j, "file", bl_json_str(e->file));
		json_object_set_new(j, "offset", json_integer((json_int_t)e->off));
		json_object_set_new(j, "length", json_integer((json_int_t)e->len));
		json_object_set_new(j, "line", json_integer(e->line));
		json_object_set_new(j, "column", json_integer(e->col));
		json_object_set_new(j, "endLine", json_integer(e->end_line));
		json_object_set_new(j, "endColumn", json_integer(e->end_col));
		json_object_set_new(j, "replacement", bl_json_str(e->text));
		if (e->create)
			json_object_set_new(j, "create", json_true());
		json_array_append_new(edits, j);
	}
	json_object_set_new(o, "edits", edits);
	if (fx->text != NULL)
		json_object_set_new(o, fx->nedits > 0 ? "result" : "text",
				    bl_json_str(fx->text));
	if (fx->note != NULL)
		json_object_set_new(o, "note", bl_json_str(fx->note));
	return o;
}

/* str_array - strings as a JSON array */
static json_t *
str_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, bl_json_str(v[i]));
	return a;
}

/* evidence_json - the DNS answers a finding rests on */
static json_t *
evidence_json(const struct bl_finding *f)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < f->nevidence; i++) {
		const struct bl_evidence *e = &f->evidence[i];
		json_t *o = json_object();

		json_object_set_new(o, "type", bl_json_str(e->type));
		json_object_set_new(o, "name", bl_json_str(e->name));
		json_object_set_new(o, "status", bl_json_str(e->status));
		json_object_set_new(o, "data", str_array(e->data, e->ndata));
		json_object_set_new(o, "cnames",
				    str_array(e->cnames, e->ncnames));
		if (e->why != NULL)
			json_object_set_new(o, "why", bl_json_str(e->why));
		json_array_append_new(a, o);
	}
	return a;
}

/* finding_json - a finding as JSON format version 1 has it */
static json_t *
finding_json(const struct bl_finding *f, const char *fp_hex)
{
	json_t *o = json_object();

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
	if (f->fix != NULL)
		json_object_set_new(o, "fix", fix_json(f->fix));
	if (f->nevidence > 0)
		json_object_set_new(o, "evidence", evidence_json(f));
	if (f->surface) {
		json_t *sf = json_object();

		json_object_set_new(
		    sf, "kind",
		    json_string(bl_surface_kind_name(f->surface->kind)));
		json_object_set_new(sf, "scope",
				    bl_json_str(f->surface->scope));
		json_object_set_new(sf, "value",
				    bl_json_str(f->surface->value));
		json_object_set_new(o, "surface", sf);
	}
	json_object_set_new(o, "fingerprint", json_string(fp_hex));
	return o;
}

/* diag_json - a diagnostic: file (null: about no file), line and column
 * (0: the whole file or line), level, message */
static json_t *
diag_json(const struct bl_diag *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", bl_json_str(g->file));
	json_object_set_new(o, "line", json_integer(g->line));
	json_object_set_new(o, "column", json_integer(g->col));
	json_object_set_new(o, "level", json_string(bl_level_name(g->level)));
	json_object_set_new(o, "message", bl_json_str(g->message));
	return o;
}

/* json_diags - diagnostics into the spool of the "diagnostics" array */
static void
json_diags(struct bl_report_formats *s, const struct bl_diags *d)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++)
		put_item(s, s->diags.fp, &s->diags.n, diag_json(&d->v[i]), 2);
}

/* json_end - the diagnostics and the summary: "errors", "warnings" and
 * "info" count findings, as they always have; "diagnostics" counts the
 * problems with the input by level, "unverified" the checks that could
 * not tell */
static void
json_end(struct bl_report_formats *s, size_t unknown)
{
	json_t *sum = json_object(), *dg = json_object();

	close_array(s->fp, s->written, 1);
	fputs(",\n  \"diagnostics\": [", s->fp);
	if (spool_copy(&s->diags, s->fp) < 0)
		s->failed = true;
	close_array(s->fp, s->diags.n, 1);
	json_object_set_new(sum, "errors",
			    json_integer((json_int_t)s->n[BL_LEVEL_ERROR]));
	json_object_set_new(sum, "warnings",
			    json_integer((json_int_t)s->n[BL_LEVEL_WARNING]));
	json_object_set_new(sum, "info",
			    json_integer((json_int_t)s->n[BL_LEVEL_NOTE]));
	json_object_set_new(dg, "errors",
			    json_integer((json_int_t)s->nd[BL_LEVEL_ERROR]));
	json_object_set_new(dg, "warnings",
			    json_integer((json_int_t)s->nd[BL_LEVEL_WARNING]));
	json_object_set_new(dg, "notes",
			    json_integer((json_int_t)s->nd[BL_LEVEL_NOTE]));
	json_object_set_new(sum, "diagnostics", dg);
	json_object_set_new(sum, "unverified",
			    json_integer((json_int_t)unknown));
	if (s->o.probes != NULL) {
		fputs(",\n  \"probes\": ", s->fp);
		if (put_json(s->fp, s->o.probes, 1) < 0)
			s->failed = true;
	}
	fputs(",\n  \"summary\": ", s->fp);
	if (put_json(s->fp, sum, 1) < 0)
		s->failed = true;
	fputs("\n}\n", s->fp);
	json_decref(sum);
}

/* ---- SARIF: URIs ---- */

/* add_segments - the segments of path s onto the absolute path in b ("" is
 * the root): "." and empty segments dropped, ".." removing the last one */
static void
add_segments(struct bl_buf *b, const char *s)
{
	const char *e;
	size_t n;

	for (; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, '/');
		if (e == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (b->len > 0 && b->data[b->len - 1] != '/')
				b->len--;
			if (b->len > 0)
				b->len--;
			b->data[b->len] = '\0';
			continue;
		}
		bl_buf_addc(b, '/');
		bl_buf_add(b, s, n);
	}
}

/* absolute - file as an absolute path without ".", ".." or repeated
 * slashes, taken from cwd when relative (caller frees) */
static char *
absolute(const char *cwd, const char *file)
{
	struct bl_buf b;

	bl_buf_init(&b);
	if (file[0] != '/')
		add_segments(&b, cwd);
	add_segments(&b, file);
	if (b.len == 0)
		bl_buf_addc(&b, '/');
	return bl_buf_steal(&b);
}

/* under - abs relative to root when it lies under it, else NULL
 * (borrowed from abs); the root itself is "." */
static const char *
under(const char *root, const char *abs)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return abs[1] != '\0' ? abs + 1 : ".";
	if (strncmp(abs, root, n) != 0)
		return NULL;
	if (abs[n] == '\0')
		return ".";
	return abs[n] == '/' ? abs + n + 1 : NULL;
}

/* uri_escape - percent-encode every byte but the unreserved characters of
 * RFC 3986 and "/" (caller frees): "%", ":" (a first segment would read as
 * a scheme), "?", "#", spaces, controls and non-ASCII bytes never stand as
 * they are */
static char *
uri_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct bl_buf b;

	bl_buf_init(&b);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/')
			bl_buf_addc(&b, (char)c);
		else {
			bl_buf_addc(&b, '%');
			bl_buf_addc(&b, hex[c >> 4]);
			bl_buf_addc(&b, hex[c & 15]);
		}
	}
	return bl_buf_steal(&b);
}

/* bl_report_formats_root - the nearest of dir and its ancestors that holds
 * .git (a directory, or a file in a worktree), else dir (caller frees) */
char *
bl_report_formats_root(const char *dir)
{
	char *buf = absolute("/", dir), *p, *probe;
	struct stat st;

	for (p = buf + strlen(buf);;) {
		*p = '\0';
		probe = bl_xasprintf("%s/.git", buf);
		if (stat(probe, &st) == 0) {
			free(probe);
			if (buf[0] != '\0')
				return buf;
			free(buf);
			return bl_xstrdup("/");
		}
		free(probe);
		p = strrchr(buf, '/');
		if (p == NULL)
			break;
	}
	free(buf);
	return absolute("/", dir);
}

/* bl_report_formats_uri - file as a SARIF artifact URI (caller frees) */
char *
bl_report_formats_uri(const char *root, const char *cwd, const char *file,
		      bool *based)
{
	char *abs = absolute(cwd, file), *uri, *slash, *dir, *real;
	const char *rel = under(root, abs);

	/* the root is physical (getcwd); a path through a symbolic link to
	 * a directory inside it is inside it too */
	if (rel == NULL && (slash = strrchr(abs, '/')) != NULL) {
		dir = bl_xstrndup(abs, (size_t)(slash - abs));
		real = realpath(dir[0] != '\0' ? dir : "/", NULL);
		if (real != NULL) {
			char *again = bl_xasprintf(
			    "%s/%s", strcmp(real, "/") ? real : "", slash + 1);

			if (under(root, again) != NULL) {
				free(abs);
				abs = again;
				rel = under(root, abs);
			} else {
				free(again);
			}
		}
		free(real);
		free(dir);
	}
	*based = rel != NULL;
	if (rel != NULL) {
		uri = uri_escape(rel);
	} else {
		char *e = uri_escape(abs);

		uri = bl_xasprintf("file://%s", e);
		free(e);
	}
	free(abs);
	return uri;
}

/* artifact - {"uri", "uriBaseId"} of a file, the base only under the root */
static json_t *
artifact(const struct bl_report_formats *s, const char *file, char **urip)
{
	bool based;
	char *uri = bl_report_formats_uri(s->root, s->cwd, file, &based);
	json_t *o = json_object();

	json_object_set_new(o, "uri", bl_json_str(uri));
	if (based)
		json_object_set_new(o, "uriBaseId", json_string("SRCROOT"));
	if (urip != NULL)
		*urip = uri;
	else
		free(uri);
	return o;
}

/* ---- SARIF: rules ---- */

/* sarif_level - a SARIF level: "error", "warning" or "note" (static) */
static const char *
sarif_level(enum bl_level l)
{
	return l == BL_LEVEL_ERROR     ? "error"
	       : l == BL_LEVEL_WARNING ? "warning"
				       : "note";
}

/* security_severity - GitHub's security-severity of a level (static) */
static const char *
security_severity(enum bl_level l)
{
	return l == BL_LEVEL_ERROR     ? "7.0"
	       : l == BL_LEVEL_WARNING ? "5.0"
				       : "2.0";
}

/* first_paragraph - the first paragraph of an explain text (caller frees) */
static char *
first_paragraph(const char *s)
{
	const char *e = strstr(s, "\n\n");

	return bl_xstrndup(s, e ? (size_t)(e - s) : strlen(s));
}

/* sarif_rule - a reportingDescriptor */
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
	json_object_set_new(
	    o, "defaultConfiguration",
	    json_pack("{s:s}", "level", sarif_level(r->severity)));
	tags = json_pack("[s,s]", "security", "mail");
	json_object_set_new(props, "tags", tags);
	json_object_set_new(props, "security-severity",
			    json_string(security_severity(r->severity)));
	json_object_set_new(o, "properties", props);
	free(first);
	return o;
}

/* rule_index - the place of rule (by id) in tool.driver.rules: its place
 * in o.rules, else after them in the order of first use */
static size_t
rule_index(struct bl_report_formats *s, const struct bl_rule *rule)
{
	const struct bl_ruleset *base = s->o.rules;
	size_t nbase = base ? base->nrules : 0, i;

	for (i = 0; i < nbase; i++)
		if (strcmp(base->rules[i].id, rule->id) == 0)
			return i;
	for (i = 0; i < s->used.n; i++)
		if (strcmp(s->used.v[i]->id, rule->id) == 0)
			return nbase + i;
	s->used.v =
	    bl_xreallocarray(s->used.v, s->used.n + 1, sizeof(*s->used.v));
	s->used.v[s->used.n++] = rule;
	return nbase + i;
}

/* listed - is a rule with this id among the first n of v? */
static bool
listed(const struct bl_rule *const *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i]->id, id) == 0)
			return true;
	return false;
}

/* sarif_rules - every rule once, by id: o.rules, the others used in the
 * order of first use (the indices results have), then the rest of every
 * ruleset in use */
static json_t *
sarif_rules(const struct bl_report_formats *s,
	    const struct bl_ruleset *const *sets, size_t nsets)
{
	const struct bl_rule **all = NULL;
	size_t nall = 0, i, k;
	json_t *a = json_array();

	if (s->o.rules != NULL)
		for (i = 0; i < s->o.rules->nrules; i++) {
			all = bl_xreallocarray(all, nall + 1, sizeof(*all));
			all[nall++] = &s->o.rules->rules[i];
		}
	for (i = 0; i < s->used.n; i++) {
		all = bl_xreallocarray(all, nall + 1, sizeof(*all));
		all[nall++] = s->used.v[i];
	}
	for (k = 0; k < nsets; k++)
		for (i = 0; i < sets[k]->nrules; i++) {
			if (listed(all, nall, sets[k]->rules[i].id))
				continue;
			all = bl_xreallocarray(all, nall + 1, sizeof(*all));
			all[nall++] = &sets[k]->rules[i];
		}
	for (i = 0; i < nall; i++)
		json_array_append_new(a, sarif_rule(all[i]));
	free(all);
	return a;
}

/* ---- SARIF: results ---- */

/* sarif_fix - a fix as SARIF has it: an artifactChange per file, its
 * byte ranges replaced in order */
static json_t *
sarif_fix(const struct bl_report_formats *s, const struct bl_fix *fx)
{
	json_t *o = json_object(), *changes = json_array();
	const char **files = bl_xcalloc(fx->nedits + 1, sizeof(*files));
	size_t i, k, nfiles = 0;

	json_object_set_new(
	    o, "description",
	    json_pack("{s:o}", "text",
		      bl_json_str(fx->text != NULL ? fx->text : "")));
	for (i = 0; i < fx->nedits; i++) {
		json_t *ch;

		for (k = 0; k < nfiles; k++)
			if (strcmp(files[k], fx->edits[i].file) == 0)
				break;
		if (k == nfiles) {
			files[nfiles++] = fx->edits[i].file;
			ch = json_object();
			json_object_set_new(ch, "artifactLocation",
					    artifact(s, fx->edits[i].file,
						     NULL));
			json_object_set_new(ch, "replacements", json_array());
			json_array_append_new(changes, ch);
		}
		ch = json_array_get(changes, k);
		json_array_append_new(
		    json_object_get(ch, "replacements"),
		    json_pack("{s:{s:I,s:I},s:{s:o}}", "deletedRegion",
			      "byteOffset", (json_int_t)fx->edits[i].off,
			      "byteLength", (json_int_t)fx->edits[i].len,
			      "insertedContent", "text",
			      bl_json_str(fx->edits[i].text)));
	}
	free(files);
	json_object_set_new(o, "artifactChanges", changes);
	return o;
}

/* sarif_result - a result */
static json_t *
sarif_result(struct bl_report_formats *s, const struct bl_finding *f,
	     const char *fp_hex)
{
	json_t *res = json_object(), *loc, *region, *phys;

	json_object_set_new(res, "ruleId", bl_json_str(f->rule->id));
	json_object_set_new(res, "ruleIndex",
			    json_integer((json_int_t)rule_index(s, f->rule)));
	json_object_set_new(res, "level",
			    json_string(sarif_level(f->severity)));
	json_object_set_new(
	    res, "message",
	    json_pack("{s:o}", "text", bl_json_str(f->message)));
	phys = json_object();
	json_object_set_new(phys, "artifactLocation",
			    artifact(s, f->file, NULL));
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
	json_object_set_new(res, "partialFingerprints",
			    json_pack("{s:s}", "bannerlint/v2", fp_hex));
	if (f->fix != NULL && f->fix->nedits > 0 && !f->fix->command)
		json_object_set_new(res, "fixes",
				    json_pack("[o]", sarif_fix(s, f->fix)));
	if (bl_baseline_active(s->o.baseline))
		json_object_set_new(res, "baselineState", json_string("new"));
	if (f->nevidence > 0 ||
	    (f->fix != NULL && f->fix->nedits > 0 && f->fix->command)) {
		json_t *props = json_object();

		if (f->nevidence > 0)
			json_object_set_new(props, "evidence",
					    evidence_json(f));
		/* a fix made by a command (Exchange PowerShell): SARIF's
		 * fixes are file changes, so it goes here */
		if (f->fix != NULL && f->fix->nedits > 0 && f->fix->command)
			json_object_set_new(props, "fixCommand",
					    bl_json_str(f->fix->text));
		json_object_set_new(res, "properties", props);
	}
	return res;
}

/* sarif_level_word - the SARIF level of a JSON report's severity word */
static const char *
sarif_level_word(const char *severity)
{
	return strcmp(severity, "error") == 0	  ? "error"
	       : strcmp(severity, "warning") == 0 ? "warning"
						  : "note";
}

/* sarif_absent - a baseline entry that matched nothing, as a result
 * "absent": its rule, message, place and fingerprint from the file */
static json_t *
sarif_absent(struct bl_report_formats *s, const struct bl_baseline_entry *e)
{
	json_t *res = json_object(), *region, *phys;
	const struct bl_ruleset *base = s->o.rules;
	size_t i;

	json_object_set_new(res, "ruleId", bl_json_str(e->rule));
	for (i = 0; base != NULL && i < base->nrules; i++)
		if (strcmp(base->rules[i].id, e->rule) == 0)
			json_object_set_new(res, "ruleIndex",
					    json_integer((json_int_t)i));
	json_object_set_new(res, "level",
			    json_string(sarif_level_word(e->severity)));
	json_object_set_new(
	    res, "message",
	    json_pack("{s:o}", "text", bl_json_str(e->message)));
	phys = json_object();
	json_object_set_new(phys, "artifactLocation",
			    artifact(s, e->file, NULL));
	region = json_object();
	json_object_set_new(region, "startLine",
			    json_integer(e->line > 0 ? e->line : 1));
	if (e->line > 0 && e->col > 0)
		json_object_set_new(region, "startColumn",
				    json_integer(e->col));
	json_object_set_new(phys, "region", region);
	json_object_set_new(res, "locations",
			    json_pack("[{s:o}]", "physicalLocation", phys));
	json_object_set_new(res, "partialFingerprints",
			    json_pack("{s:s}", "bannerlint/v2", e->fingerprint));
	json_object_set_new(res, "baselineState", json_string("absent"));
	return res;
}

/* sarif_notification - a diagnostic as a toolExecutionNotification */
static json_t *
sarif_notification(const struct bl_report_formats *s, const struct bl_diag *g)
{
	json_t *n = json_object(), *reg, *phys;

	json_object_set_new(n, "level", json_string(sarif_level(g->level)));
	json_object_set_new(
	    n, "message", json_pack("{s:o}", "text", bl_json_str(g->message)));
	if (g->file == NULL)
		return n;
	reg = json_object();
	json_object_set_new(reg, "startLine",
			    json_integer(g->line ? g->line : 1));
	if (g->col > 0)
		json_object_set_new(reg, "startColumn", json_integer(g->col));
	phys = json_object();
	json_object_set_new(phys, "artifactLocation",
			    artifact(s, g->file, NULL));
	json_object_set_new(phys, "region", reg);
	json_object_set_new(n, "locations",
			    json_pack("[{s:o}]", "physicalLocation", phys));
	return n;
}

/* sarif_diags - diagnostics into the notifications' spool */
static void
sarif_diags(struct bl_report_formats *s, const struct bl_diags *d)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++)
		put_item(s, s->diags.fp, &s->diags.n,
			 sarif_notification(s, &d->v[i]), 6);
}

/* sarif_end - the log around the spooled results and notifications */
static void
sarif_end(struct bl_report_formats *s, const struct bl_ruleset *const *sets,
	  size_t nsets, bool incomplete)
{
	FILE *fp = s->fp;
	json_t *tool, *base;
	char *e = uri_escape(s->root), *u;
	size_t i;

	for (i = 0; i < bl_baseline_count(s->o.baseline); i++)
		if (!bl_baseline_entry(s->o.baseline, i)->matched)
			put_item(s, s->items.fp, &s->items.n,
				 sarif_absent(
				     s, bl_baseline_entry(s->o.baseline, i)),
				 4);
	tool = json_pack("{s:{s:s,s:s,s:s,s:o}}", "driver", "name",
			 "bannerlint", "semanticVersion", BL_VERSION, "version",
			 BL_VERSION, "rules", sarif_rules(s, sets, nsets));
	u = bl_xasprintf("file://%s%s", e, e[strlen(e) - 1] == '/' ? "" : "/");
	base = json_pack("{s:{s:o}}", "SRCROOT", "uri", bl_json_str(u));
	fputs("{\n"
	      "  \"$schema\": "
	      "\"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n"
	      "  \"runs\": [\n"
	      "    {\n"
	      "      \"tool\": ",
	      fp);
	if (put_json(fp, tool, 3) < 0)
		s->failed = true;
	fputs(",\n      \"originalUriBaseIds\": ", fp);
	if (put_json(fp, base, 3) < 0)
		s->failed = true;
	fprintf(fp,
		",\n      \"invocations\": [\n"
		"        {\n"
		"          \"executionSuccessful\": %s,\n"
		"          \"toolExecutionNotifications\": [",
		incomplete ? "false" : "true");
	if (spool_copy(&s->diags, fp) < 0)
		s->failed = true;
	close_array(fp, s->diags.n, 5);
	fputs("\n        }\n      ],\n      \"results\": [", fp);
	if (spool_copy(&s->items, fp) < 0)
		s->failed = true;
	close_array(fp, s->items.n, 3);
	if (s->o.probes != NULL) {
		json_t *props = json_pack("{s:O}", "probes", (json_t *)s->o.probes);

		fputs(",\n      \"properties\": ", fp);
		if (put_json(fp, props, 3) < 0)
			s->failed = true;
		json_decref(props);
	}
	fputs("\n    }\n  ]\n}\n", fp);
	json_decref(tool);
	json_decref(base);
	free(u);
	free(e);
}

/* ---- Checkstyle ---- */

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

/* cs_finding - a finding as an <error> */
static void
cs_finding(FILE *fp, const struct bl_finding *f)
{
	fprintf(fp,
		"    <error line=\"%u\" column=\"%u\" severity=\"%s\" "
		"message=\"",
		f->line, f->col, bl_severity_name(f->severity));
	xml_escape(fp, f->message);
	fputs("\" source=\"bannerlint.", fp);
	xml_escape(fp, f->rule->id);
	fputc('.', fp);
	xml_escape(fp, f->rule->name);
	fputs("\"/>\n", fp);
}

/* cs_diag - a diagnostic as an <error> (a note as info) */
static void
cs_diag(FILE *fp, const struct bl_diag *g)
{
	fprintf(fp,
		"    <error line=\"%u\" column=\"%u\" severity=\"%s\" "
		"message=\"",
		g->line, g->col,
		g->level == BL_LEVEL_ERROR     ? "error"
		: g->level == BL_LEVEL_WARNING ? "warning"
					       : "info");
	xml_escape(fp, g->message);
	fputs("\" source=\"bannerlint.diagnostic\"/>\n", fp);
}

/* A file's place among the <file> elements of one call. */
struct file_slot {
	const char *name; /* borrowed; NULL: a free slot */
	size_t ord;
};

/* file_ord - the ordinal of name, a new one when it is new */
static size_t
file_ord(struct file_slot *t, size_t cap, size_t *nord, const char *name)
{
	size_t i = (size_t)bl_fingerprint_hash(name) & (cap - 1);

	for (; t[i].name != NULL; i = (i + 1) & (cap - 1))
		if (strcmp(t[i].name, name) == 0)
			return t[i].ord;
	t[i].name = name;
	t[i].ord = (*nord)++;
	return t[i].ord;
}

/* checkstyle_group - one <file> per file, in the order files first appear
 * (findings, then diagnostics); in each the diagnostics, then the
 * findings, in their order; a diagnostic about no file under name "" */
static void
checkstyle_group(FILE *fp, const struct bl_findings *fs,
		 const struct bl_diags *d)
{
	size_t nf = fs ? fs->n : 0, nd = d ? d->n : 0, total = nf + nd;
	size_t cap = 16, nord = 0, i, k, *ord, *start, *order;
	struct file_slot *t;

	if (total == 0)
		return;
	while (cap < 2 * total)
		cap *= 2;
	t = bl_xcalloc(cap, sizeof(*t));
	ord = bl_xreallocarray(NULL, total, sizeof(*ord));
	for (i = 0; i < nf; i++)
		ord[i] = file_ord(t, cap, &nord, fs->v[i].file);
	for (i = 0; i < nd; i++)
		ord[nf + i] =
		    file_ord(t, cap, &nord, d->v[i].file ? d->v[i].file : "");
	/* a counting sort: diagnostics first within a file, order kept */
	start = bl_xcalloc(nord + 1, sizeof(*start));
	order = bl_xreallocarray(NULL, total, sizeof(*order));
	for (i = 0; i < total; i++)
		start[ord[i] + 1]++;
	for (k = 0; k < nord; k++)
		start[k + 1] += start[k];
	for (i = nf; i < total; i++)
		order[start[ord[i]]++] = i;
	for (i = 0; i < nf; i++)
		order[start[ord[i]]++] = i;
	/* start[k] is now the end of file k's run */
	for (i = 0; i < total; i++) {
		size_t it = order[i];
		const char *name = it < nf		? fs->v[it].file
				   : d->v[it - nf].file ? d->v[it - nf].file
							: "";

		if (i == 0 || ord[order[i - 1]] != ord[it]) {
			fputs("  <file name=\"", fp);
			xml_escape(fp, name);
			fputs("\">\n", fp);
		}
		if (it < nf)
			cs_finding(fp, &fs->v[it]);
		else
			cs_diag(fp, &d->v[it - nf]);
		if (i + 1 == total || ord[order[i + 1]] != ord[it])
			fputs("  </file>\n", fp);
	}
	free(order);
	free(start);
	free(ord);
	free(t);
}

/* ---- GitHub ---- */

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

/* gh_command - the workflow command of a level */
static const char *
gh_command(enum bl_level l)
{
	return l == BL_LEVEL_ERROR     ? "error"
	       : l == BL_LEVEL_WARNING ? "warning"
				       : "notice";
}

/* github_diags - one annotation a diagnostic */
static void
github_diags(FILE *fp, const struct bl_diags *d)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++) {
		const struct bl_diag *g = &d->v[i];

		fprintf(fp, "::%s", gh_command(g->level));
		if (g->file != NULL) {
			fputs(" file=", fp);
			gh_escape(fp, g->file, true);
			if (g->line > 0)
				fprintf(fp, ",line=%u", g->line);
			if (g->line > 0 && g->col > 0)
				fprintf(fp, ",col=%u", g->col);
		}
		fputs("::", fp);
		gh_escape(fp, g->message, false);
		fputc('\n', fp);
	}
}

/* github_finding - one annotation a finding, titled with its rule */
static void
github_finding(FILE *fp, const struct bl_finding *f)
{
	fprintf(fp, "::%s file=", gh_command(f->severity));
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

/* ---- the calls ---- */

/* bl_report_formats_begin - the start of the document */
struct bl_report_formats *
bl_report_formats_begin(FILE *fp, const struct bl_check_report_opts *o)
{
	struct bl_report_formats *s = bl_xcalloc(1, sizeof(*s));
	char buf[PATH_MAX];

	s->fp = fp;
	s->o = *o;
	switch (o->format) {
	case BL_CHECK_FORMAT_JSON:
	case BL_CHECK_FORMAT_SARIF:
		spool_open(&s->diags);
		if (o->format == BL_CHECK_FORMAT_SARIF)
			spool_open(&s->items);
		else
			fputs("{\n  \"version\": 1,\n  \"findings\": [", fp);
		/* without a working directory, relative paths stay relative */
		s->cwd = bl_xstrdup(getcwd(buf, sizeof(buf)) ? buf : "/");
		s->root = o->root ? absolute(s->cwd, o->root)
				  : bl_report_formats_root(s->cwd);
		break;
	case BL_CHECK_FORMAT_CHECKSTYLE:
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<checkstyle version=\"4.3\">\n",
		      fp);
		break;
	case BL_CHECK_FORMAT_TEXT:
	case BL_CHECK_FORMAT_GCC:
	case BL_CHECK_FORMAT_GITHUB:
		break;
	}
	return s;
}

/* count_diags - diagnostics by level */
static void
count_diags(struct bl_report_formats *s, const struct bl_diags *d)
{
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++)
		s->nd[d->v[i].level]++;
}

/* bl_report_formats_instance - one instance's findings and diagnostics */
void
bl_report_formats_instance(struct bl_report_formats *s,
			   const struct bl_findings *fs,
			   const struct bl_diags *diags)
{
	char(*hex)[BL_FINGERPRINT_SIZE] = NULL;
	size_t i;

	for (i = 0; i < fs->n; i++)
		s->n[fs->v[i].severity]++;
	count_diags(s, diags);
	/* the findings' own fingerprints, else the instance's here */
	if ((s->o.format == BL_CHECK_FORMAT_JSON ||
	     s->o.format == BL_CHECK_FORMAT_SARIF) &&
	    fs->n > 0 && fs->v[0].fingerprint[0] == '\0') {
		hex = bl_xreallocarray(NULL, fs->n, sizeof(*hex));
		bl_fingerprint_compute(fs, s->root, s->cwd, hex);
	}
	switch (s->o.format) {
	case BL_CHECK_FORMAT_JSON:
		for (i = 0; i < fs->n; i++)
			put_item(s, s->fp, &s->written,
				 finding_json(&fs->v[i],
					      hex ? hex[i]
						  : fs->v[i].fingerprint),
				 2);
		json_diags(s, diags);
		break;
	case BL_CHECK_FORMAT_SARIF:
		for (i = 0; i < fs->n; i++)
			put_item(s, s->items.fp, &s->items.n,
				 sarif_result(s, &fs->v[i],
					      hex ? hex[i]
						  : fs->v[i].fingerprint),
				 4);
		sarif_diags(s, diags);
		break;
	case BL_CHECK_FORMAT_CHECKSTYLE:
		checkstyle_group(s->fp, fs, diags);
		break;
	case BL_CHECK_FORMAT_GITHUB:
		github_diags(s->fp, diags);
		for (i = 0; i < fs->n; i++)
			github_finding(s->fp, &fs->v[i]);
		break;
	case BL_CHECK_FORMAT_TEXT:
	case BL_CHECK_FORMAT_GCC:
		break;
	}
	free(hex);
}

/* bl_report_formats_end - the diagnostics about no instance and the end
 * of the document; frees s; -1 on a write error */
int
bl_report_formats_end(struct bl_report_formats *s, const struct bl_diags *diags,
		      const struct bl_ruleset *const *sets, size_t nsets,
		      bool incomplete, size_t unknown)
{
	int status;

	count_diags(s, diags);
	switch (s->o.format) {
	case BL_CHECK_FORMAT_JSON:
		json_diags(s, diags);
		json_end(s, unknown);
		break;
	case BL_CHECK_FORMAT_SARIF:
		sarif_diags(s, diags);
		sarif_end(s, sets, nsets, incomplete);
		break;
	case BL_CHECK_FORMAT_CHECKSTYLE:
		checkstyle_group(s->fp, NULL, diags);
		fputs("</checkstyle>\n", s->fp);
		break;
	case BL_CHECK_FORMAT_GITHUB:
		github_diags(s->fp, diags);
		break;
	case BL_CHECK_FORMAT_TEXT:
	case BL_CHECK_FORMAT_GCC:
		break;
	}
	status = s->failed || ferror(s->fp) ? -1 : 0;
	free(s->used.v);
	free(s->root);
	free(s->cwd);
	free(s);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_report.c - the streaming check reporters in every format, SARIF
 * URIs, repository roots and fingerprints */
#include "config.h"

#include <expat.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "helpers.h"
#include "report_check.h"
#include "util.h"

static struct bl_rule base_rules[] = {
    {.id = "BL101",
     .name = "banner-software-name",
     .severity = BL_LEVEL_WARNING,
     .explain = "Names the software."},
    {.id = "BL302",
     .name = "duplicate-setting",
     .severity = BL_LEVEL_WARNING,
     .explain = "Set twice.\n\nMore."},
};
static struct bl_ruleset base = {.rules = base_rules, .nrules = 2};
/* a rules-dir's own rule: after the catalogue in tool.driver.rules */
static struct bl_rule site_rules[] = {
    {.id = "BL101",
     .name = "banner-software-name",
     .severity = BL_LEVEL_WARNING,
     .explain = "Names the software."},
    {.id = "BL991",
     .name = "site-rule",
     .severity = BL_LEVEL_ERROR,
     .explain = "A site's rule."},
};
static struct bl_ruleset site = {.rules = site_rules, .nrules = 2};

/* add - a finding of rule r at file:line:col on a line of text */
static void
add(struct bl_findings *fs, const struct bl_rule *r, const char *instance,
    const char *file, unsigned line, unsigned col, const char *key,
    const char *text, const char *message)
{
	struct bl_finding *f;

	fs->v = bl_xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->severity = r->severity;
	f->message = bl_xstrdup(message);
	f->mta = bl_xstrdup("postfix");
	f->instance = bl_xstrdup(instance);
	f->file = bl_xstrdup(file);
	f->key = key ? bl_xstrdup(key) : NULL;
	f->scope = bl_xstrdup("main");
	f->placed = true;
	f->line = f->end_line = line;
	f->col = col;
	f->len = key ? strlen(key) : 1;
	f->end_col = col + (unsigned)f->len;
	f->excerpt = bl_xstrdup(text);
	f->excerpt_len = strlen(text);
}

/* The two instances and the diagnostics every format test reports. */
struct input {
	struct bl_findings a, b;
	struct bl_diags da, db, global;
};

/* input_init - two instances, a with two findings and a warning, b with a
 * hostile finding, an error and a note; one error about no file */
static void
input_init(struct input *in)
{
	memset(in, 0, sizeof(*in));
	add(&in->a, &base_rules[0], "a", "a/main.cf", 2, 16, NULL,
	    "smtpd_banner = $myhostname ESMTP $mail_name",
	    "greeting names the software");
	add(&in->a, &base_rules[1], "a", "a/main.cf", 3, 1, "myhostname",
	    "myhostname = mx1.example.net", "'myhostname' is set twice");
	add(&in->b, &site_rules[1], "b", "b/main.cf", 1, 1, "smtpd_banner",
	    "smtpd_banner = \x1b]0;owned\x07 \xe2\x80\xae <&\"> \xff",
	    "hostile \x1b[2J \xe2\x80\xae <&\"> \xff text");
	bl_diags_init(&in->da);
	bl_diags_init(&in->db);
	bl_diags_init(&in->global);
	bl_diags_add(&in->da, BL_LEVEL_WARNING, "a/main.cf", 5, 0,
		     "a warning about a");
	bl_diags_add(&in->db, BL_LEVEL_ERROR, "b/main.cf", 4, 1,
		     "missing '=' in b");
	bl_diags_add(&in->db, BL_LEVEL_NOTE, "b/extra.cf", 0, 0,
		     "could not tell \x1b[31m");
	bl_diags_add(&in->global, BL_LEVEL_ERROR, NULL, 0, 0,
		     "--select: no rule \"BL999\"");
}

/* input_finish - free what input_init made */
static void
input_finish(struct input *in)
{
	bl_findings_finish(&in->a);
	bl_findings_finish(&in->b);
	bl_diags_finish(&in->da);
	bl_diags_finish(&in->db);
	bl_diags_finish(&in->global);
}

/* report - the whole output of one format over the input (caller frees);
 * *after_a: what fp held once the first instance call had returned */
static char *
report(enum bl_check_format format, const struct input *in, char **after_a)
{
	char cwd[PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct bl_check_report_opts o = {.format = format, .rules = &base};
	const struct bl_ruleset *sets[] = {&base, &site};
	struct bl_check_report *r;

	assert_non_null(fp);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	o.root = cwd;
	r = bl_check_report_begin(fp, &o);
	bl_check_report_instance(r, &in->a, &in->da);
	assert_int_equal(fflush(fp), 0);
	*after_a = bl_xstrndup(buf, len);
	bl_check_report_instance(r, &in->b, &in->db);
	assert_int_equal(bl_check_report_end(r, &in->global, sets, 2, true, 1),
			 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* no_raw_controls - nothing from the input reaches a terminal as it is */
static void
no_raw_controls(const char *out)
{
	const unsigned char *p;

	for (p = (const unsigned char *)out; *p; p++) {
		assert_false(*p == 0x1b || *p == 0x07 || *p == 0xff);
		if (p[0] == 0xe2 && p[1] == 0x80)
			assert_int_not_equal(p[2], 0xae);
	}
}

/* parse_json - text as JSON, or the test fails (caller decrefs) */
static json_t *
parse_json(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (j == NULL)
		fail_msg("not JSON: %s at line %d: %s", e.text, e.line, text);
	return j;
}

static void
test_json(void **state)
{
	struct input in;
	char *after, *out;
	json_t *j, *fsj, *dj, *sum;

	(void)state;
	input_init(&in);
	out = report(BL_CHECK_FORMAT_JSON, &in, &after);
	/* streamed: a's findings are out before b is given */
	assert_non_null(strstr(after, "greeting names the software"));
	assert_null(strstr(after, "hostile"));
	no_raw_controls(out);
	j = parse_json(out);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	fsj = json_object_get(j, "findings");
	assert_int_equal(json_array_size(fsj), 3);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(fsj, 2), "instance")),
			    "b");
	dj = json_object_get(j, "diagnostics");
	assert_int_equal(json_array_size(dj), 4);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(dj, 1), "level")),
	    "error");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(dj, 1), "file")),
	    "b/main.cf");
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(dj, 1), "line")),
	    4);
	assert_true(
	    json_is_null(json_object_get(json_array_get(dj, 3), "file")));
	sum = json_object_get(j, "summary");
	/* "errors" counts findings, as it always has */
	assert_int_equal(json_integer_value(json_object_get(sum, "errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "warnings")),
			 2);
	sum = json_object_get(sum, "diagnostics");
	assert_int_equal(json_integer_value(json_object_get(sum, "errors")), 2);
	assert_int_equal(json_integer_value(json_object_get(sum, "warnings")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "notes")), 1);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(j, "summary"), "unverified")),
			 1);
	json_decref(j);
	free(out);
	free(after);
	input_finish(&in);
}

/* The document of an empty run is the one a whole-document dump gives. */
static void
test_json_empty(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct bl_check_report_opts o = {.format = BL_CHECK_FORMAT_JSON};
	struct bl_check_report *r = bl_check_report_begin(fp, &o);

	(void)state;
	assert_int_equal(bl_check_report_end(r, NULL, NULL, 0, false, 0), 0);
	fclose(fp);
	assert_string_equal(buf, "{\n"
				 "  \"version\": 1,\n"
				 "  \"findings\": [],\n"
				 "  \"diagnostics\": [],\n"
				 "  \"summary\": {\n"
				 "    \"errors\": 0,\n"
				 "    \"warnings\": 0,\n"
				 "    \"info\": 0,\n"
				 "    \"diagnostics\": {\n"
				 "      \"errors\": 0,\n"
				 "      \"warnings\": 0,\n"
				 "      \"notes\": 0\n"
				 "    },\n"
				 "    \"unverified\": 0\n"
				 "  }\n"
				 "}\n");
	free(buf);
}

/* fingerprint_of - a result's bannerlint fingerprint (borrowed) */
static const char *
fingerprint_of(json_t *result)
{
	return json_string_value(json_object_get(
	    json_object_get(result, "partialFingerprints"), "bannerlint/v2"));
}

static void
test_sarif(void **state)
{
	struct input in;
	char *after, *out;
	json_t *j, *run, *rules, *res, *notes, *loc;
	size_t i;

	(void)state;
	input_init(&in);
	out = report(BL_CHECK_FORMAT_SARIF, &in, &after);
	no_raw_controls(out);
	j = parse_json(out);
	run = json_array_get(json_object_get(j, "runs"), 0);
	rules = json_object_get(
	    json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	/* the catalogue in its order, then the site's rule */
	assert_int_equal(json_array_size(rules), 3);
	res = json_object_get(run, "results");
	assert_int_equal(json_array_size(res), 3);
	for (i = 0; i < 3; i++) {
		json_t *r = json_array_get(res, i);
		size_t k =
		    (size_t)json_integer_value(json_object_get(r, "ruleIndex"));

		assert_string_equal(
		    json_string_value(json_object_get(r, "ruleId")),
		    json_string_value(
			json_object_get(json_array_get(rules, k), "id")));
		loc = json_array_get(json_object_get(r, "locations"), 0);
		loc = json_object_get(json_object_get(loc, "physicalLocation"),
				      "artifactLocation");
		assert_string_equal(
		    json_string_value(json_object_get(loc, "uriBaseId")),
		    "SRCROOT");
	}
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(res, 2), "ruleId")),
			    "BL991");
	assert_string_not_equal(fingerprint_of(json_array_get(res, 0)),
				fingerprint_of(json_array_get(res, 1)));
	notes = json_object_get(
	    json_array_get(json_object_get(run, "invocations"), 0),
	    "toolExecutionNotifications");
	assert_int_equal(json_array_size(notes), 4);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(notes, 2), "level")),
			    "note");
	assert_true(json_is_false(json_object_get(
	    json_array_get(json_object_get(run, "invocations"), 0),
	    "executionSuccessful")));
	json_decref(j);
	free(out);
	free(after);
	input_finish(&in);
}

/* sarif_of - the SARIF log of one instance's findings (caller decrefs) */
static json_t *
sarif_of(const struct bl_findings *fs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct bl_check_report_opts o = {.format = BL_CHECK_FORMAT_SARIF,
					 .root = "/"};
	struct bl_check_report *r = bl_check_report_begin(fp, &o);
	json_t *j;

	bl_check_report_instance(r, fs, NULL);
	assert_int_equal(bl_check_report_end(r, NULL, NULL, 0, false, 0), 0);
	fclose(fp);
	j = parse_json(buf);
	free(buf);
	return j;
}

/* results_of - runs[0].results of a log (borrowed) */
static json_t *
results_of(json_t *log)
{
	return json_object_get(json_array_get(json_object_get(log, "runs"), 0),
			       "results");
}

/* Distinct findings, distinct fingerprints: a real run with BL302 on two
 * keys of one file, and a key set three times (two findings on one text);
 * lines added above change none of them. */
static void
test_sarif_fingerprints(void **state)
{
	static const char main_cf[] = "myhostname = mx1.mail-host.net\n"
				      "smtpd_banner = $myhostname ESMTP\n"
				      "smtpd_banner = $myhostname ESMTP\n"
				      "myhostname = mx1.mail-host.net\n"
				      "smtp_helo_name = $myhostname\n"
				      "smtp_helo_name = $myhostname\n"
				      "smtp_helo_name = $myhostname\n";
	struct bl_engine_opts eo = {0};
	struct bl_findings fs[2] = {{0}, {0}};
	struct bl_diags d;
	struct bl_ruleset *rs;
	struct bl_config *cfg;
	json_t *log[2], *res[2];
	char *moved = bl_xasprintf("# a comment\n\n# another\n%s", main_cf);
	size_t i, k, n302 = 0;

	(void)state;
	bl_diags_init(&d);
	rs = bl_ruleset_new(NULL, &d);
	assert_non_null(rs);
	eo.select = (char *[]){"BL302", NULL};
	for (k = 0; k < 2; k++) {
		cfg = pf_config(k == 0 ? main_cf : moved, NULL, &d);
		bl_engine_run(rs, cfg, &eo, &fs[k], &d);
		bl_config_free(cfg);
		log[k] = sarif_of(&fs[k]);
		res[k] = results_of(log[k]);
	}
	assert_int_equal(json_array_size(res[0]), 4);
	for (i = 0; i < json_array_size(res[0]); i++) {
		json_t *r = json_array_get(res[0], i);

		n302 += strcmp(json_string_value(json_object_get(r, "ruleId")),
			       "BL302") == 0;
		for (k = 0; k < i; k++)
			assert_string_not_equal(
			    fingerprint_of(r),
			    fingerprint_of(json_array_get(res[0], k)));
		/* three lines above: another line, the same fingerprint */
		assert_int_equal(fs[1].v[i].line, fs[0].v[i].line + 3);
		assert_string_equal(fingerprint_of(r),
				    fingerprint_of(json_array_get(res[1], i)));
	}
	assert_int_equal(n302, 4);
	for (k = 0; k < 2; k++) {
		json_decref(log[k]);
		bl_findings_finish(&fs[k]);
	}
	free(moved);
	bl_ruleset_free(rs);
	bl_diags_finish(&d);
}

struct xml_count {
	size_t files, errors, diagnostics;
	bool diag_in_its_file;
	char file[64];
};

/* xml_start - count files and errors; where the error of b/main.cf is */
static void XMLCALL
xml_start(void *ctx, const XML_Char *name, const XML_Char **atts)
{
	struct xml_count *c = ctx;
	const char *source = NULL, *message = NULL;
	size_t i;

	if (strcmp(name, "file") == 0) {
		c->files++;
		snprintf(c->file, sizeof(c->file), "%s", atts[1]);
		return;
	}
	if (strcmp(name, "error") != 0)
		return;
	c->errors++;
	for (i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], "source") == 0)
			source = atts[i + 1];
		else if (strcmp(atts[i], "message") == 0)
			message = atts[i + 1];
	assert_non_null(source);
	if (strcmp(source, "bannerlint.diagnostic") == 0)
		c->diagnostics++;
	if (message != NULL && strcmp(message, "missing '=' in b") == 0)
		c->diag_in_its_file = strcmp(c->file, "b/main.cf") == 0;
}

/* xml_end - nothing: expat checks the nesting */
static void XMLCALL
xml_end(void *ctx, const XML_Char *name)
{
	(void)ctx;
	(void)name;
}

static void
test_checkstyle(void **state)
{
	struct input in;
	struct xml_count c = {0};
	char *after, *out;
	XML_Parser p;

	(void)state;
	input_init(&in);
	out = report(BL_CHECK_FORMAT_CHECKSTYLE, &in, &after);
	assert_non_null(strstr(after, "greeting names the software"));
	assert_non_null(strstr(after, "a warning about a"));
	no_raw_controls(out);
	p = XML_ParserCreate(NULL);
	XML_SetUserData(p, &c);
	XML_SetElementHandler(p, xml_start, xml_end);
	if (XML_Parse(p, out, (int)strlen(out), 1) != XML_STATUS_OK)
		fail_msg("not well-formed: %s at line %lu:\n%s",
			 XML_ErrorString(XML_GetErrorCode(p)),
			 (unsigned long)XML_GetCurrentLineNumber(p), out);
	XML_ParserFree(p);
	assert_int_equal(c.errors, 7);
	assert_int_equal(c.diagnostics, 4);
	assert_true(c.diag_in_its_file);
	/* a/main.cf, b/main.cf, b/extra.cf, and the one about no file */
	assert_int_equal(c.files, 4);
	free(out);
	free(after);
	input_finish(&in);
}

/* count_lines - lines of out starting with prefix */
static size_t
count_lines(const char *out, const char *prefix)
{
	size_t n = 0;
	const char *p;

	for (p = out; *p; p = strchr(p, '\n') + 1) {
		n += strncmp(p, prefix, strlen(prefix)) == 0;
		if (strchr(p, '\n') == NULL)
			break;
	}
	return n;
}

static void
test_github(void **state)
{
	struct input in;
	char *after, *out;

	(void)state;
	input_init(&in);
	out = report(BL_CHECK_FORMAT_GITHUB, &in, &after);
	assert_non_null(strstr(after, "greeting names the software"));
	no_raw_controls(out);
	assert_int_equal(count_lines(out, "::"), 7);
	assert_int_equal(count_lines(out, ""), 7);
	assert_non_null(strstr(out, "::error file=b/main.cf,line=4,col=1::"
				    "missing '=' in b\n"));
	assert_non_null(strstr(out, "::warning file=a/main.cf,line=5::"));
	assert_non_null(strstr(out, "::notice file=b/extra.cf::"));
	assert_non_null(strstr(out, "::error::--select: no rule"));
	free(out);
	free(after);
	input_finish(&in);
}

static void
test_gcc(void **state)
{
	struct input in;
	char *after, *out;

	(void)state;
	input_init(&in);
	out = report(BL_CHECK_FORMAT_GCC, &in, &after);
	assert_non_null(strstr(after, "greeting names the software"));
	no_raw_controls(out);
	assert_int_equal(count_lines(out, ""), 7);
	assert_non_null(
	    strstr(out, "b/main.cf:4:1: error: missing '=' in b\n"));
	assert_non_null(
	    strstr(out, "a/main.cf:5: warning: a warning about a\n"));
	assert_non_null(strstr(out, "bannerlint: error: --select: no rule"));
	free(out);
	free(after);
	input_finish(&in);
}

static void
test_text(void **state)
{
	struct input in;
	char *after, *out;

	(void)state;
	input_init(&in);
	out = report(BL_CHECK_FORMAT_TEXT, &in, &after);
	assert_non_null(strstr(after, "greeting names the software"));
	no_raw_controls(out);
	/* diagnostics go to standard error, printed by the caller */
	assert_null(strstr(out, "missing '='"));
	assert_non_null(
	    strstr(out, "3 problems (1 error, 2 warnings, 0 info)\n"));
	free(out);
	free(after);
	input_finish(&in);
}

/* A write error anywhere is -1 from the end. */
static void
test_write_error(void **state)
{
	enum bl_check_format f;
	struct input in;

	(void)state;
	input_init(&in);
	for (f = BL_CHECK_FORMAT_TEXT; f <= BL_CHECK_FORMAT_GITHUB; f++) {
		FILE *fp = fopen("/dev/full", "w");
		struct bl_check_report_opts o = {.format = f, .root = "/"};
		struct bl_check_report *r;

		if (fp == NULL)
			skip();
		r = bl_check_report_begin(fp, &o);
		bl_check_report_instance(r, &in.a, &in.da);
		assert_int_equal(
		    bl_check_report_end(r, &in.global, NULL, 0, false, 0), -1);
		fclose(fp);
	}
	input_finish(&in);
}

/* expect_uri - the URI of file and whether it is relative to root */
static void
expect_uri(const char *root, const char *cwd, const char *file,
	   const char *want, bool want_based)
{
	bool based;
	char *uri = bl_report_formats_uri(root, cwd, file, &based);

	assert_string_equal(uri, want);
	assert_int_equal(based, want_based);
	free(uri);
}

static void
test_uri(void **state)
{
	(void)state;
	/* relative, from a subdirectory of the repository */
	expect_uri("/r", "/r/sub", "main.cf", "sub/main.cf", true);
	expect_uri("/r", "/r/sub", "./x/../main.cf", "sub/main.cf", true);
	expect_uri("/r", "/r/sub", "../etc/main.cf", "etc/main.cf", true);
	/* absolute inside the root */
	expect_uri("/r", "/elsewhere", "/r/postfix//main.cf", "postfix/main.cf",
		   true);
	/* absolute or relative outside it: file://, no base */
	expect_uri("/r", "/r", "/etc/postfix/main.cf",
		   "file:///etc/postfix/main.cf", false);
	expect_uri("/r", "/r", "../rr/main.cf", "file:///rr/main.cf", false);
	expect_uri("/r", "/r", "/rx/main.cf", "file:///rx/main.cf", false);
	/* percent-encoding (RFC 3986): only unreserved bytes and "/" stay */
	expect_uri("/r", "/r", "a b/m\xc3\xbc#1?%:+@.cf",
		   "a%20b/m%C3%BC%231%3F%25%3A%2B%40.cf", true);
	expect_uri("/r", "/r", "/tmp/a b/100%/main.cf",
		   "file:///tmp/a%20b/100%25/main.cf", false);
	/* the root /, and the root itself */
	expect_uri("/", "/", "/etc/main.cf", "etc/main.cf", true);
	expect_uri("/r", "/r", ".", ".", true);
}

static void
test_root(void **state)
{
	static const char *const sub[] = {"/repo", "/repo/.git", "/repo/sub",
					  "/repo/sub/deeper"};
	char tmpl[] = "/tmp/bl-report-XXXXXX", *dir, *p[4], *r;
	struct stat st;
	bool clean = stat("/tmp/.git", &st) != 0 && stat("/.git", &st) != 0;
	size_t i;

	(void)state;
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	for (i = 0; i < 4; i++) {
		p[i] = bl_xasprintf("%s%s", dir, sub[i]);
		assert_int_equal(mkdir(p[i], 0700), 0);
	}
	r = bl_report_formats_root(p[3]);
	assert_string_equal(r, p[0]);
	free(r);
	/* no .git at or above: the directory itself */
	r = bl_report_formats_root(dir);
	if (clean)
		assert_string_equal(r, dir);
	free(r);
	for (i = 4; i-- > 0;) {
		rmdir(p[i]);
		free(p[i]);
	}
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_json_empty),
	    cmocka_unit_test(test_sarif),
	    cmocka_unit_test(test_sarif_fingerprints),
	    cmocka_unit_test(test_checkstyle),
	    cmocka_unit_test(test_github),
	    cmocka_unit_test(test_gcc),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_uri),
	    cmocka_unit_test(test_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

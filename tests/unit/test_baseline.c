/* SPDX-License-Identifier: BSD-2-Clause */
/* test_baseline.c - fingerprints (fingerprint.c) and baselines
 * (baseline.c): written, read back, filtered, stale entries, bad files */
#include "config.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "engine.h"
#include "fingerprint.h"
#include "helpers.h"
#include "util.h"

static struct bl_rule rules[] = {
    {.id = "BL101",
     .name = "banner-software-name",
     .severity = BL_LEVEL_WARNING,
     .explain = "Names the software."},
    {.id = "BL302",
     .name = "duplicate-setting",
     .severity = BL_LEVEL_WARNING,
     .explain = "Set twice."},
};

/* add - a finding of rule r at file:line:col, blaming text at col */
static void
add(struct bl_findings *fs, const struct bl_rule *r, const char *file,
    unsigned line, unsigned col, const char *text, const char *message)
{
	struct bl_finding *f;

	fs->v = bl_xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->severity = r->severity;
	f->message = bl_xstrdup(message);
	f->mta = bl_xstrdup("postfix");
	f->instance = bl_xstrdup(".");
	f->file = bl_xstrdup(file);
	f->key = bl_xstrdup("smtpd_banner");
	f->scope = bl_xstrdup("main");
	f->placed = true;
	f->line = f->end_line = line;
	f->col = col;
	f->len = 7;
	f->end_col = col + 7;
	f->excerpt = bl_xstrdup(text);
	f->excerpt_len = strlen(text);
}

/* three findings of one instance: two the same but for their place */
static void
three(struct bl_findings *fs, unsigned shift)
{
	memset(fs, 0, sizeof(*fs));
	add(fs, &rules[0], "main.cf", 3 + shift, 19,
	    "smtpd_banner = mx Postfix", "names Postfix");
	add(fs, &rules[1], "main.cf", 4 + shift, 1, "smtpd_banner = a",
	    "set twice");
	add(fs, &rules[1], "main.cf", 5 + shift, 1, "smtpd_banner = b",
	    "set twice");
}

static char tmpdir[PATH_MAX], oldcwd[PATH_MAX];

/* setup - an empty working directory of the test's own */
static int
setup(void **state)
{
	(void)state;
	assert_non_null(getcwd(oldcwd, sizeof(oldcwd)));
	snprintf(tmpdir, sizeof(tmpdir), "%s/bl-baseline-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
	assert_int_equal(chdir(tmpdir), 0);
	return 0;
}

/* teardown - the directory and what the test left in it */
static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	assert_int_equal(chdir(oldcwd), 0);
	/* no shell: remove the few files the tests make, then the dir */
	for (const char *const *n =
		 (const char *const[]){"b.json", "bad.json", "dir/x", NULL};
	     *n != NULL; n++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", tmpdir, *n);
		(void)unlink(cmd);
	}
	snprintf(cmd, sizeof(cmd), "%s/dir", tmpdir);
	(void)rmdir(cmd);
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

/* write_file - name holds text */
static void
write_file(const char *name, const char *text)
{
	FILE *fp = fopen(name, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* A fingerprint holds no line number; a repeated finding counts its
 * occurrence; rule and file tell findings apart. */
static void
test_fingerprint(void **state)
{
	struct bl_findings a, b;
	char ha[3][BL_FINGERPRINT_SIZE], hb[3][BL_FINGERPRINT_SIZE];

	(void)state;
	three(&a, 0);
	three(&b, 10); /* ten lines added above */
	bl_fingerprint_compute(&a, "/repo", "/repo", ha);
	bl_fingerprint_compute(&b, "/repo", "/repo", hb);
	for (int i = 0; i < 3; i++) {
		assert_true(bl_fingerprint_valid(ha[i]));
		assert_string_equal(ha[i], hb[i]);
	}
	/* the two BL302 agree in everything but their occurrence */
	assert_string_not_equal(ha[1], ha[2]);
	assert_string_not_equal(ha[0], ha[1]);
	/* relative to the root: the same file from a subdirectory */
	free(b.v[0].file);
	b.v[0].file = bl_xstrdup("../main.cf");
	bl_fingerprint_compute(&b, "/repo", "/repo/sub", hb);
	assert_string_equal(ha[0], hb[0]);
	/* another file, another finding */
	bl_fingerprint_compute(&b, "/repo", "/repo/elsewhere/sub", hb);
	assert_string_not_equal(ha[0], hb[0]);
	/* into the findings: the same values */
	bl_fingerprint_findings(&a, "/repo", "/repo");
	assert_string_equal(a.v[2].fingerprint, ha[2]);
	assert_false(bl_fingerprint_valid("0123456789ABCDEF"));
	assert_false(bl_fingerprint_valid("0123456789abcde"));
	assert_false(bl_fingerprint_valid("0123456789abcdef0"));
	bl_findings_finish(&a);
	bl_findings_finish(&b);
}

/* --write-baseline writes the JSON report with fingerprints; read back,
 * it removes every finding of the same run, lines moved or not */
static void
test_write_then_read(void **state)
{
	struct bl_baseline *b;
	struct bl_findings fs;
	struct bl_diags d, stale;
	json_t *doc;
	json_error_t err;

	(void)state;
	bl_diags_init(&d);
	bl_diags_init(&stale);
	assert_int_equal(bl_baseline_begin(&b, NULL, "b.json", &d), 0);
	assert_false(bl_baseline_active(b));
	three(&fs, 0);
	assert_int_equal(bl_baseline_instance(b, &fs, NULL), 0);
	assert_int_equal(fs.n, 3); /* no baseline read: nothing removed */
	assert_true(bl_fingerprint_valid(fs.v[0].fingerprint));
	assert_int_equal(bl_baseline_end(b, NULL, NULL, 0, false, 0, &stale),
			 0);
	assert_int_equal(stale.n, 0);
	bl_baseline_free(b);
	doc = json_load_file("b.json", 0, &err);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "version")),
			 1);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 3);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(doc, "findings"), 1),
		"fingerprint")),
	    fs.v[1].fingerprint);
	json_decref(doc);
	bl_findings_finish(&fs);

	assert_int_equal(bl_baseline_begin(&b, "b.json", NULL, &d), 0);
	assert_true(bl_baseline_active(b));
	assert_int_equal(bl_baseline_count(b), 3);
	three(&fs, 5);
	assert_int_equal(bl_baseline_instance(b, &fs, NULL), 3);
	assert_int_equal(fs.n, 0);
	bl_findings_finish(&fs);
	/* an entry stands for one finding: the same again is new */
	three(&fs, 0);
	assert_int_equal(bl_baseline_instance(b, &fs, NULL), 0);
	assert_int_equal(fs.n, 3);
	bl_findings_clear(&fs);
	assert_int_equal(bl_baseline_end(b, NULL, NULL, 0, false, 0, &stale),
			 0);
	assert_int_equal(stale.n, 0);
	assert_int_equal(d.n, 0);
	bl_baseline_free(b);
	bl_findings_finish(&fs);
	bl_diags_finish(&d);
	bl_diags_finish(&stale);
}

/* A new finding stays (in order), one that is gone is a stale note with
 * the entry's place, rule and message; an entry stands for one finding */
static void
test_new_and_stale(void **state)
{
	struct bl_baseline *b;
	struct bl_findings fs;
	struct bl_diags d, stale;

	(void)state;
	bl_diags_init(&d);
	bl_diags_init(&stale);
	assert_int_equal(bl_baseline_begin(&b, NULL, "b.json", &d), 0);
	three(&fs, 0);
	bl_baseline_instance(b, &fs, NULL);
	assert_int_equal(bl_baseline_end(b, NULL, NULL, 0, false, 0, &stale),
			 0);
	bl_baseline_free(b);
	bl_findings_finish(&fs);

	/* now: the first BL302 is gone (its duplicate is the first now),
	 * BL101 stays, a new BL101 elsewhere */
	memset(&fs, 0, sizeof(fs));
	add(&fs, &rules[1], "main.cf", 4, 1, "smtpd_banner = a", "set twice");
	add(&fs, &rules[0], "other.cf", 1, 19, "smtpd_banner = mx Postfix",
	    "new one");
	add(&fs, &rules[0], "main.cf", 3, 19, "smtpd_banner = mx Postfix",
	    "names Postfix");
	assert_int_equal(bl_baseline_begin(&b, "b.json", NULL, &d), 0);
	assert_int_equal(bl_baseline_instance(b, &fs, NULL), 2);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].message, "new one");
	assert_int_equal(bl_baseline_end(b, NULL, NULL, 0, false, 0, &stale),
			 0);
	assert_int_equal(stale.n, 1);
	assert_int_equal(stale.v[0].level, BL_LEVEL_NOTE);
	assert_string_equal(stale.v[0].file, "main.cf");
	assert_int_equal(stale.v[0].line, 5);
	assert_string_equal(stale.v[0].message,
			    "baseline entry matches nothing: BL302 set twice; "
			    "remove it from b.json (--write-baseline rewrites "
			    "the file)");
	assert_true(bl_baseline_entry(b, 2)->matched == false);
	assert_true(bl_baseline_entry(b, 0)->matched);
	bl_baseline_free(b);
	bl_findings_finish(&fs);
	bl_diags_finish(&d);
	bl_diags_finish(&stale);
}

/* expect_error - begin with path fails with one error at line:col whose
 * message holds what */
static void
expect_error(const char *path, unsigned line, unsigned col, const char *what)
{
	struct bl_baseline *b = (struct bl_baseline *)1;
	struct bl_diags d;

	bl_diags_init(&d);
	assert_int_equal(bl_baseline_begin(&b, path, NULL, &d), -1);
	assert_null(b);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].file, path);
	assert_int_equal(d.v[0].line, line);
	assert_int_equal(d.v[0].col, col);
	if (strstr(d.v[0].message, what) == NULL)
		fail_msg("\"%s\" not in \"%s\"", what, d.v[0].message);
	bl_diags_finish(&d);
}

/* A baseline that cannot be used is an error, at file:line:col for JSON
 * syntax */
static void
test_bad_files(void **state)
{
	struct bl_baseline *b;
	struct bl_diags d;

	(void)state;
	expect_error("b.json", 0, 0, "No such file");
	assert_int_equal(mkdir("dir", 0755), 0);
	expect_error("dir", 0, 0, "directory");
	write_file("bad.json",
		   "{\n  \"version\": 1,\n  \"findings\": [,]\n}\n");
	expect_error("bad.json", 3, 16, "not JSON");
	write_file("bad.json", "[]\n");
	expect_error("bad.json", 0, 0, "no \"findings\" array");
	write_file("bad.json", "{\"version\": 2, \"findings\": []}\n");
	expect_error("bad.json", 0, 0, "version 1");
	write_file("bad.json", "{\"version\": 1, \"findings\": [{\"fingerprint"
			       "\": \"0123456789abcdef\"}, {\"rule\": "
			       "\"BL101\"}]}\n");
	expect_error("bad.json", 0, 0, "finding 2 of the baseline");
	write_file("bad.json", "{\"version\": 1, \"findings\": [{\"fingerprint"
			       "\": \"0123\"}]}\n");
	expect_error("bad.json", 0, 0, "fingerprint");
	/* an empty baseline is a baseline */
	write_file("bad.json", "{\"version\": 1, \"findings\": []}\n");
	bl_diags_init(&d);
	assert_int_equal(bl_baseline_begin(&b, "bad.json", NULL, &d), 0);
	assert_int_equal(bl_baseline_count(b), 0);
	bl_baseline_free(b);
	/* a file that cannot be written */
	assert_int_equal(bl_baseline_begin(&b, NULL, "nodir/b.json", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].message, "cannot write the baseline"));
	bl_diags_finish(&d);
}

/* A run that ends without bl_baseline_end leaves the old file alone and
 * no temporary file behind */
static void
test_abandoned_write(void **state)
{
	struct bl_baseline *b;
	struct bl_findings fs;
	struct bl_diags d;
	struct dirent *de;
	DIR *dir;
	char buf[64] = "";
	FILE *fp;

	(void)state;
	bl_diags_init(&d);
	write_file("b.json", "old\n");
	assert_int_equal(bl_baseline_begin(&b, NULL, "b.json", &d), 0);
	three(&fs, 0);
	bl_baseline_instance(b, &fs, NULL);
	bl_baseline_free(b);
	fp = fopen("b.json", "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "old\n");
	assert_int_equal(unlink("b.json"), 0);
	/* nothing else in the directory: the temporary file is gone */
	dir = opendir(".");
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			fail_msg("left behind: %s", de->d_name);
	closedir(dir);
	bl_findings_finish(&fs);
	bl_diags_finish(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test_setup_teardown(test_write_then_read, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_new_and_stale, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abandoned_write, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_load.c - the plan and build API of load.c, and the run pipeline of
 * cli.c: a plan keeps no content and builds instances one at a time in any
 * order; an instance with a file that cannot be read is not built; and
 * check prints the same bytes with any --jobs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#include "cli.h"
#include "load.h"
#include "util.h"

/* A temporary directory with a .git, so no .bannerlint.conf above it is
 * found; removed by rm_tree. */
static char *
tmp_tree(void)
{
	char tmpl[] = "/tmp/bl-test-load.XXXXXX";
	char *d, *git;

	d = mkdtemp(tmpl);
	assert_non_null(d);
	d = bl_xstrdup(d);
	git = bl_xasprintf("%s/.git", d);
	assert_int_equal(mkdir(git, 0700), 0);
	free(git);
	return d;
}

/* put - write text to dir/rel, making the directories on the way */
static void
put(const char *dir, const char *rel, const char *text)
{
	char *path = bl_xasprintf("%s/%s", dir, rel), *s;
	FILE *fp;

	for (s = path + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(path, 0700) != 0)
			assert_int_equal(errno, EEXIST);
		*s = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static void
rm_tree(char *dir)
{
	char *cmd[] = {"rm", "-rf", dir, NULL};
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	free(dir);
}

static const char master_cf[] =
	"smtp      inet  n       -       y       -       -       smtpd\n"
	"submission inet n      -       y       -       -       smtpd\n"
	"  -o smtpd_banner=$myhostname ESMTP Postfix\n";

/* Two instances planned, built out of order, each once; the plan holds
 * paths, not content: a file changed after planning is read as it is
 * when built. */
static void
test_plan_build(void **state)
{
	struct bl_load_opts o = {0};
	struct bl_plan *p;
	struct bl_diags d;
	struct bl_config *a, *b;
	const char *const *paths;
	char *dir = tmp_tree(), *argv[1];
	size_t n, skipped = 0;

	(void)state;
	put(dir, "a/main.cf", "myhostname = mx1.mail-host.net\n");
	put(dir, "a/master.cf", master_cf);
	put(dir, "b/main.cf", "myhostname = mx2.mail-host.net\n");
	put(dir, "c/notes.txt", "not a configuration\n");
	bl_diags_init(&d);
	argv[0] = dir;
	assert_int_equal(bl_plan_new(&p, argv, 1, &o, &d), 0);
	assert_int_equal(bl_plan_count(p), 2);
	paths = bl_plan_paths(p, 0, &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(paths[0], "/a/main.cf"));
	assert_non_null(strstr(paths[1], "/a/master.cf"));
	assert_null(paths[2]);
	paths = bl_plan_paths(p, 1, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(paths[0], "/b/main.cf"));
	/* changed after the plan: the plan kept no copy */
	put(dir, "b/main.cf", "myhostname = changed.mail-host.net\n");
	assert_int_equal(bl_plan_build(&b, p, 1, NULL, &skipped, &d), 0);
	assert_int_equal(bl_plan_build(&a, p, 0, NULL, &skipped, &d), 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->nsources, 2);
	assert_int_equal(b->nsources, 1);
	assert_non_null(strstr(b->sources[0]->data, "changed"));
	assert_int_equal(skipped, 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(bl_plan_end(p, 2, skipped, false, &d), 0);
	bl_config_free(a);
	bl_config_free(b);
	bl_plan_free(p);
	bl_diags_finish(&d);
	rm_tree(dir);
}

/* A main.cf that is a symbolic link to nothing: planned (a walk takes
 * links), not built, an error; nothing judged from defaults. */
static void
test_build_unreadable(void **state)
{
	struct bl_load_opts o = {0};
	struct bl_plan *p;
	struct bl_diags d;
	struct bl_config *cfg = (struct bl_config *)&o;
	char *dir = tmp_tree(), *argv[1], *link;
	size_t skipped = 0;

	(void)state;
	put(dir, "x/master.cf", master_cf);
	link = bl_xasprintf("%s/x/main.cf", dir);
	assert_int_equal(symlink("nonexistent", link), 0);
	free(link);
	bl_diags_init(&d);
	argv[0] = dir;
	assert_int_equal(bl_plan_new(&p, argv, 1, &o, &d), 0);
	assert_int_equal(bl_plan_count(p), 1);
	assert_int_equal(bl_plan_build(&cfg, p, 0, NULL, &skipped, &d), -1);
	assert_null(cfg);
	assert_true(d.errors > 0);
	bl_plan_free(p);
	bl_diags_finish(&d);
	rm_tree(dir);
}

/* Only skipped files: the end of the run says nothing was checked. */
static void
test_plan_end_nothing(void **state)
{
	struct bl_load_opts o = {.no_templates = true};
	struct bl_plan *p;
	struct bl_diags d;
	struct bl_config *cfg;
	char *dir = tmp_tree(), *argv[1];
	size_t skipped = 0;

	(void)state;
	put(dir, "main.cf.j2", "myhostname = {{ host }}\n");
	bl_diags_init(&d);
	argv[0] = dir;
	assert_int_equal(bl_plan_new(&p, argv, 1, &o, &d), 0);
	assert_int_equal(bl_plan_count(p), 1);
	assert_int_equal(bl_plan_build(&cfg, p, 0, NULL, &skipped, &d), 0);
	assert_null(cfg);
	assert_int_equal(skipped, 1);
	assert_int_equal(d.errors, 0);
	assert_int_equal(bl_plan_end(p, 0, skipped, false, &d), -1);
	assert_int_equal(d.errors, 1);
	bl_plan_free(p);
	bl_diags_finish(&d);
	rm_tree(dir);
}

/* run_cli - bannerlint's command line with stdout and stderr into
 * out/err (caller frees); the exit status */
static int
run_cli(char **args, char **out, char **err)
{
	char ofile[] = "/tmp/bl-test-out.XXXXXX", efile[] = "/tmp/bl-test-err.XXXXXX";
	int ofd = mkstemp(ofile), efd = mkstemp(efile), so, se, rc, argc;
	struct bl_source *src;
	struct bl_diags d;

	assert_true(ofd >= 0 && efd >= 0);
	for (argc = 0; args[argc] != NULL; argc++)
		;
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(ofd, 1);
	dup2(efd, 2);
	optind = 0; /* getopt starts afresh */
	rc = bl_cli_main(argc, args);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(ofd);
	close(efd);
	bl_diags_init(&d);
	assert_int_equal(bl_source_load(&src, ofile, 0, &d), 0);
	*out = bl_xstrndup(src->data, src->len);
	bl_source_free(src);
	assert_int_equal(bl_source_load(&src, efile, 0, &d), 0);
	*err = bl_xstrndup(src->data, src->len);
	bl_source_free(src);
	bl_diags_finish(&d);
	unlink(ofile);
	unlink(efile);
	return rc;
}

/*
 * A tree of 60 instances (findings, inline suppressions, parse errors, a
 * shared .bannerlint.conf with a path section, one unreadable main.cf),
 * checked
 * with --jobs 1 and --jobs 3: the same bytes on stdout and stderr, the
 * same status, in every format that differs in how it is put together.
 */
static void
test_jobs_same_output(void **state)
{
	static const char *const formats[] = {"text", "json", "sarif", "gcc"};
	char *dir = tmp_tree(), *rel, *text, *link;
	char *o1, *e1, *o3, *e3;
	size_t i, f;
	int rc1, rc3;

	(void)state;
	for (i = 0; i < 60; i++) {
		rel = bl_xasprintf("site%zu/mx%zu/main.cf", i / 10, i);
		/* suppressions on some: the engine sorts them */
		text = bl_xasprintf(
			"myhostname = mx%zu.%s\n%s%s", i,
			i % 3 == 0 ? "example.com" : "mail-host.net",
			i % 5 == 0 ? "# bannerlint: disable=BL207 -- test\n"
				     "# bannerlint: disable=BL101 -- test\n"
				   : "",
			i % 7 == 0 ? "smtpd_banner = $myhostname ESMTP $bad{\n"
				   : "smtpd_banner = $myhostname ESMTP\n");
		put(dir, rel, text);
		free(rel);
		free(text);
		rel = bl_xasprintf("site%zu/mx%zu/master.cf", i / 10, i);
		put(dir, rel, master_cf);
		free(rel);
	}
	put(dir, "site2/.bannerlint.conf",
	    "ignore = {BL207}\npath \"mx2*\" { fail-on = error }\n");
	link = bl_xasprintf("%s/site4/mx45/main.cf", dir);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("nonexistent", link), 0);
	free(link);
	for (f = 0; f < BL_ARRAY_LEN(formats); f++) {
		char *a1[] = {"bannerlint", "check", "--color", "never",
			      "--jobs", "1", "--format", (char *)formats[f],
			      dir, NULL};
		char *a3[] = {"bannerlint", "check", "--color", "never",
			      "-j", "3", "--format", (char *)formats[f],
			      dir, NULL};

		rc1 = run_cli(a1, &o1, &e1);
		rc3 = run_cli(a3, &o3, &e3);
		assert_int_equal(rc1, 2);
		assert_int_equal(rc3, rc1);
		assert_true(strlen(o1) > 1000);
		assert_string_equal(o3, o1);
		assert_string_equal(e3, e1);
		/* gcc lists the diagnostics among the findings, on stdout */
		assert_non_null(strstr(strcmp(formats[f], "gcc") == 0 ? o1 : e1,
				       "mx45/main.cf"));
		free(o1);
		free(e1);
		free(o3);
		free(e3);
	}
	{
		char *s1[] = {"bannerlint", "show", "--jobs", "1", "--format",
			      "json", dir, NULL};
		char *s3[] = {"bannerlint", "show", "--jobs", "3", "--format",
			      "json", dir, NULL};

		rc1 = run_cli(s1, &o1, &e1);
		rc3 = run_cli(s3, &o3, &e3);
		assert_int_equal(rc3, rc1);
		assert_string_equal(o3, o1);
		assert_string_equal(e3, e1);
		free(o1);
		free(e1);
		free(o3);
		free(e3);
	}
	rm_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_build),
		cmocka_unit_test(test_build_unreadable),
		cmocka_unit_test(test_plan_end_nothing),
		cmocka_unit_test(test_jobs_same_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

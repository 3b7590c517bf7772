/* SPDX-License-Identifier: BSD-2-Clause */
/* test_rules.c - the rule catalogue loader */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "rules.h"

static void
test_embedded(void **state)
{
	struct bl_diags d;
	struct bl_ruleset *rs;
	const struct bl_rule *r;

	(void)state;
	bl_diags_init(&d);
	rs = bl_ruleset_new(NULL, &d);
	assert_non_null(rs);
	assert_int_equal(d.n, 0);
	assert_true(rs->nrules >= 20);
	assert_true(rs->ngenerics > 0);
	r = bl_ruleset_find(rs, "BL101");
	assert_non_null(r);
	assert_ptr_equal(bl_ruleset_find(rs, "banner-software-name"), r);
	assert_ptr_equal(bl_ruleset_find(rs, "bl101"), r);
	assert_null(bl_ruleset_find(rs, "BL999"));
	bl_ruleset_free(rs);
	bl_diags_finish(&d);
}

static char *
write_dir(const char *text)
{
	char *dir = strdup("/tmp/bl-rules-XXXXXX");
	char *path;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	path = bl_xasprintf("%s/90-test.rules", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
	return dir;
}

static void
remove_dir(char *dir)
{
	char *path = bl_xasprintf("%s/90-test.rules", dir);

	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void
bad(const char *text, unsigned line, const char *needle)
{
	struct bl_diags d;
	char *dir = write_dir(text);

	bl_diags_init(&d);
	assert_null(bl_ruleset_new(dir, &d));
	assert_true(d.errors >= 1);
	assert_non_null(strstr(d.v[0].file, "90-test.rules"));
	assert_int_equal(d.v[0].line, line);
	assert_non_null(strstr(d.v[0].message, needle));
	bl_diags_finish(&d);
	remove_dir(dir);
}

static void
test_bad_files(void **state)
{
	(void)state;
	bad("rule BL901 {\n name = \"x\"\n severity = \"loud\"\n"
	    " applies = {\"banner\"}\n match = \"x\"\n message = \"m\"\n"
	    " explain = \"e\"\n}\n",
	    3, "severity");
	bad("\n\nrule BL901 {\n name = \"x\"\n severity = \"info\"\n"
	    " applies = {\"banner\"}\n match = \"(x\"\n message = \"m\"\n"
	    " explain = \"e\"\n}\n",
	    7, "pattern");
	bad("rule BL101 {\n name = \"x\"\n severity = \"info\"\n"
	    " applies = {\"banner\"}\n match = \"x\"\n message = \"m\"\n"
	    " explain = \"e\"\n}\n",
	    1, "twice");
	bad("rule BL901 {\n name = \"x\"\n unknown = 1\n}\n", 3, "unknown");
	bad("rule BL901 {\n name = \"x\"\n severity = \"info\"\n"
	    " applies = {\"banner\"}\n check = \"nope\"\n message = \"m\"\n"
	    " explain = \"e\"\n}\n",
	    5, "built-in");
}

static void
test_extra_rule(void **state)
{
	struct bl_diags d;
	struct bl_ruleset *rs;
	char *dir = write_dir("rule BL901 {\n name = \"banner-welcome\"\n"
			      " severity = \"info\"\n applies = {\"banner\"}\n"
			      " match = \"(?i)\\\\bwelcome\\\\b\"\n"
			      " message = \"says %m\"\n explain = \"e\"\n}\n");
	size_t ms, me;
	const char *why;

	(void)state;
	bl_diags_init(&d);
	rs = bl_ruleset_new(dir, &d);
	assert_non_null(rs);
	assert_int_equal(bl_rule_search(rs, bl_ruleset_find(rs, "BL901")->re,
					"mx ESMTP Welcome!", 0, &ms, &me, &why),
			 BL_MATCH_YES);
	assert_int_equal(ms, 9);
	assert_int_equal(me, 16);
	assert_int_equal(bl_rule_search(rs, bl_ruleset_find(rs, "BL901")->re,
					"mx ESMTP", 0, &ms, &me, &why),
			 BL_MATCH_NO);
	assert_null(why);
	bl_ruleset_free(rs);
	bl_diags_finish(&d);
	remove_dir(dir);
}

/* A pattern that backtracks without end is "could not tell", every time
 * (also after the lazy JIT compile), never a silent "no match". */
static void
test_match_limit(void **state)
{
	struct bl_diags d;
	struct bl_ruleset *rs;
	char *dir = write_dir("rule BL902 {\n name = \"backtracks\"\n"
			      " severity = \"info\"\n applies = {\"banner\"}\n"
			      " match = \"^(a|aa)+$\"\n"
			      " message = \"m\"\n explain = \"e\"\n}\n");
	char text[200];
	size_t ms, me, i;
	const char *why;

	(void)state;
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = 'b';
	text[sizeof(text) - 1] = '\0';
	bl_diags_init(&d);
	rs = bl_ruleset_new(dir, &d);
	assert_non_null(rs);
	for (i = 0; i < 40; i++) {
		assert_int_equal(bl_rule_search(rs,
						bl_ruleset_find(rs, "BL902")->re,
						text, 0, &ms, &me, &why),
				 BL_MATCH_UNKNOWN);
		assert_non_null(strstr(why, "limit"));
	}
	bl_ruleset_free(rs);
	bl_diags_finish(&d);
	remove_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_extra_rule),
		cmocka_unit_test(test_match_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_exim.c - the Exim reader and resolver */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"

static struct bl_config *
exim(const char *text, struct bl_diags *d)
{
	struct bl_config *cfg = bl_config_new("exim", "test");

	bl_parser_exim.parse(cfg,
			     bl_source_from_mem("exim.conf", text, strlen(text)),
			     BL_ROLE_EXIM_MAIN, d);
	bl_parser_exim.resolve(cfg, d);
	return cfg;
}

static void
banner(const char *text, const char *configured, const char *greeting,
       size_t errors)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;

	bl_diags_init(&d);
	cfg = exim(text, &d);
	sf = pf_surface(cfg, "main", "smtp_banner");
	assert_non_null(sf);
	if (configured)
		assert_string_equal(sf->configured, configured);
	if (greeting)
		assert_string_equal(sf->greeting, greeting);
	assert_int_equal(d.errors, errors);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

static void
test_lines(void **state)
{
	(void)state;
	/* continuation joins with no separator; # mid-line is literal */
	banner("primary_hostname = mx.example.org\n"
	       "smtp_banner = $primary_hostname ESMTP\\\n"
	       "# a comment inside\n"
	       "     ready # not a comment\n",
	       "$primary_hostname ESMTPready # not a comment",
	       "220 mx.example.org ESMTPready # not a comment", 0);
	/* a blank line ends a continuation */
	banner("smtp_banner = a \\\n\nprimary_hostname = h.example.org\n",
	       "a", "220 a", 0);
	/* the default banner, with placeholders */
	banner("primary_hostname = h.example.org\n", NULL,
	       "220 h.example.org ESMTP Exim <version_number> <tod_full>", 0);
	banner("exim_version = 1.0\n", NULL,
	       "220 <system-hostname> ESMTP Exim 1.0 <tod_full>", 0);
	/* quoted strings and expander escapes: a two-line greeting */
	banner("primary_hostname = h.example.org\n"
	       "smtp_banner = \"$primary_hostname ESMTP\\\\nsecond \\\\$x\"\n",
	       "$primary_hostname ESMTP\\nsecond \\$x",
	       "220-h.example.org ESMTP\n220 second $x", 0);
	banner("smtp_banner = ${if eq{1}{1}{yes}{no}} x\n", NULL,
	       "220 <expansion> x", 0);
}

static void
test_macros_and_conditionals(void **state)
{
	(void)state;
	banner("ESMTP = SMTP-ish\nsmtp_banner = h ESMTP\n", "h SMTP-ish",
	       NULL, 0);
	banner("AB = 1\nABC = 2\n", NULL, NULL, 1);
	banner("MAC = a\nMAC == MAC b\nsmtp_banner = MAC\n", "a b", NULL, 0);
	banner("NOPE == x\n", NULL, NULL, 1);
	banner("AA = 1\n.ifdef AAA\nsmtp_banner = yes\n.else\n"
	       "smtp_banner = no\n.endif\n",
	       "yes", NULL, 0);
	banner(".ifndef X\nsmtp_banner = one\n.elifdef Y\nsmtp_banner = two\n"
	       ".endif\n",
	       "one", NULL, 0);
	banner(".ifdef X\nsmtp_banner = a\n", NULL, NULL, 1);
	banner("smtp_banner = a\nsmtp_banner = b\n", NULL, NULL, 1);
	banner("hide smtp_banner = secret\n", "secret", NULL, 0);
}

static void
test_includes(void **state)
{
	char dir[] = "/tmp/bl-exim-XXXXXX";
	char *main_path, *inc_path, *text;
	FILE *fp;
	struct bl_diags d;
	struct bl_config *cfg;
	struct bl_source *src;

	(void)state;
	assert_non_null(mkdtemp(dir));
	main_path = bl_xasprintf("%s/exim.conf", dir);
	inc_path = bl_xasprintf("%s/banner.inc", dir);
	fp = fopen(inc_path, "w");
	fputs("smtp_banner = from the include\n", fp);
	fclose(fp);
	text = ".include banner.inc\n.include_if_exists /nonexistent/x\n";
	fp = fopen(main_path, "w");
	fputs(text, fp);
	fclose(fp);
	bl_diags_init(&d);
	assert_int_equal(bl_source_load(&src, main_path, 0, &d), 0);
	cfg = bl_config_new("exim", dir);
	bl_parser_exim.parse(cfg, src, BL_ROLE_EXIM_MAIN, &d);
	bl_parser_exim.resolve(cfg, &d);
	assert_int_equal(d.errors, 0);
	assert_string_equal(pf_surface(cfg, "main", "smtp_banner")->configured,
			    "from the include");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	unlink(inc_path);
	unlink(main_path);
	rmdir(dir);
	free(main_path);
	free(inc_path);
}

static void
test_transports_and_acl(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;

	(void)state;
	bl_diags_init(&d);
	cfg = exim("primary_hostname = mx.example.org\n"
		   "acl_smtp_connect = check_connect\n"
		   "begin acl\ncheck_connect:\n  accept\n"
		   "    message = $primary_hostname ready\n"
		   "BEGIN Transports\n"
		   "remote_smtp:\n  driver = smtp\n  helo_data = out.example.org\n"
		   "lmtp:\n  driver = lmtp\n"
		   "local:\n  driver = appendfile\n",
		   &d);
	assert_int_equal(d.errors, 0);
	sf = pf_surface(cfg, "main", "smtp_banner");
	assert_string_equal(sf->greeting, "220 mx.example.org ready");
	sf = pf_surface(cfg, "transport/remote_smtp", "helo_data");
	assert_string_equal(sf->value, "out.example.org");
	assert_int_equal(sf->origin[0].setting->line, 10);
	sf = pf_surface(cfg, "transport/lmtp", "helo_data");
	assert_string_equal(sf->value, "mx.example.org");
	assert_null(pf_surface(cfg, "transport/local", "helo_data"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_macros_and_conditionals),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_transports_and_acl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_include.c - includes that live outside the repository: an absolute
 * include that is not here is a note and makes what it could set unknown
 * (Exim: the options left at their defaults; m4: also what was defined
 * before it), a relative one stays an error, and a root maps absolute
 * paths into a directory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine.h"
#include "helpers.h"
#include "sendmail.h"

#define GONE "/nonexistent-bannerlint-test"

static struct bl_config *cfg;
static struct bl_diags d;

static int
teardown(void **state)
{
	(void)state;
	bl_config_free(cfg);
	cfg = NULL;
	bl_diags_finish(&d);
	return 0;
}

/* parse - text as path with parser p, under root (or none) */
static void
parse(const struct bl_parser *p, const char *path, enum bl_file_role role,
      const char *root, const char *text)
{
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_diags_init(&d);
	cfg = bl_config_new(p->name, "test");
	/* no sendmail-cf tree: the .mc is read on its own */
	cfg->sendmail_cf_dir = GONE "-cf";
	if (root != NULL)
		cfg->root = root;
	p->parse(cfg, bl_source_from_mem(path, text, strlen(text)), role, &d);
	p->resolve(cfg, &d);
}

static const struct bl_surface *
surface(enum bl_surface_kind kind)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		if (cfg->surfaces[i].kind == kind)
			return &cfg->surfaces[i];
	return NULL;
}

/* Diagnostics of level at line (any file); how many. */
static size_t
count(enum bl_level level, unsigned line)
{
	size_t i, n = 0;

	for (i = 0; i < d.n; i++)
		n += d.v[i].level == level && d.v[i].line == line;
	return n;
}

static void
test_path_under_root(void **state)
{
	char *p;

	(void)state;
	cfg = bl_config_new("exim", "test");
	p = bl_config_path(cfg, "/etc/exim4/a.conf");
	assert_string_equal(p, "/etc/exim4/a.conf");
	free(p);
	cfg->root = "hosts/mx1/";
	p = bl_config_path(cfg, "/etc/exim4/a.conf");
	assert_string_equal(p, "hosts/mx1/etc/exim4/a.conf");
	free(p);
	/* relative paths are the reader's business */
	p = bl_config_path(cfg, "conf.d/a");
	assert_string_equal(p, "conf.d/a");
	free(p);
}

static void
test_exim_unread(void **state)
{
	const struct bl_surface *b, *h;

	(void)state;
	parse(&bl_parser_exim, "exim.conf", BL_ROLE_EXIM_MAIN, NULL,
	      "primary_hostname = mx1.mail-host.net\n"
	      ".include " GONE "/main.conf\n"
	      "begin transports\n"
	      "t1:\n"
	      "  driver = smtp\n"
	      "t2:\n"
	      "  driver = smtp\n"
	      "  helo_data = relay.mail-host.net\n");
	assert_int_equal(d.errors, 0);
	assert_int_equal(count(BL_LEVEL_NOTE, 2), 1);
	assert_non_null(strstr(d.v[0].message, GONE "/main.conf"));
	assert_string_equal(cfg->unread_path, GONE "/main.conf");
	/* smtp_banner and t1's helo_data are at their defaults: unknown */
	b = surface(BL_SURFACE_BANNER);
	assert_string_equal(b->value, "<unknown>");
	h = &cfg->surfaces[1];
	assert_string_equal(h->scope, "transport/t1");
	assert_string_equal(h->value, "<unknown>");
	/* set in the file: Exim refuses a second definition, so known */
	h = &cfg->surfaces[2];
	assert_string_equal(h->value, "relay.mail-host.net");

	/* a relative include that is missing stays an error */
	parse(&bl_parser_exim, "exim.conf", BL_ROLE_EXIM_MAIN, NULL,
	      "primary_hostname = mx1.mail-host.net\n"
	      ".include site/main.conf\n");
	assert_true(d.errors > 0);
	assert_null(cfg->unread_path);

	/* under a root, the note says where it looked */
	parse(&bl_parser_exim, "exim.conf", BL_ROLE_EXIM_MAIN, GONE "-root",
	      ".include /etc/exim4/main.conf\n");
	assert_int_equal(d.errors, 0);
	assert_non_null(
	    strstr(d.v[0].message, GONE "-root/etc/exim4/main.conf"));
}

static void
test_m4_unread(void **state)
{
	const struct bl_surface *b, *h;

	(void)state;
	/* defined before the include: it may replace the define */
	parse(&bl_parser_sendmail, "sendmail.mc", BL_ROLE_SENDMAIL_MC, NULL,
	      "define(`confSMTP_LOGIN_MSG', `$j Sendmail $v; $b')dnl\n"
	      "include(`" GONE "/site.m4')dnl\n"
	      "define(`confDOMAIN_NAME', `mx1.mail-host.net')dnl\n"
	      "MAILER(`smtp')dnl\n");
	assert_int_equal(d.errors, 0);
	assert_int_equal(count(BL_LEVEL_NOTE, 2), 1);
	assert_non_null(cfg->unread_path);
	b = surface(BL_SURFACE_BANNER);
	assert_string_equal(b->configured, "<unknown>");
	h = surface(BL_SURFACE_HELO);
	assert_string_equal(h->value, "<unknown>");

	/* defined after it: the define wins, known and linted */
	parse(&bl_parser_sendmail, "sendmail.mc", BL_ROLE_SENDMAIL_MC, NULL,
	      "include(`" GONE "/site.m4')dnl\n"
	      "define(`confDOMAIN_NAME', `mx1.mail-host.net')dnl\n"
	      "define(`confSMTP_LOGIN_MSG', `$j Sendmail $v; $b')dnl\n"
	      "MAILER(`smtp')dnl\n");
	assert_int_equal(d.errors, 0);
	b = surface(BL_SURFACE_BANNER);
	assert_string_equal(b->configured, "$j Sendmail $v; $b");
	assert_string_equal(b->hostname, "mx1.mail-host.net");

	/* sinclude of a file that is not there: m4 is silent, so are we */
	parse(&bl_parser_sendmail, "sendmail.mc", BL_ROLE_SENDMAIL_MC, NULL,
	      "sinclude(`" GONE "/site.m4')dnl\n"
	      "MAILER(`smtp')dnl\n");
	assert_null(cfg->unread_path);

	/* a relative include that is missing stays an error */
	parse(&bl_parser_sendmail, "sendmail.mc", BL_ROLE_SENDMAIL_MC, NULL,
	      "include(`site-missing.m4')dnl\n"
	      "MAILER(`smtp')dnl\n");
	assert_true(d.errors > 0);
	assert_null(cfg->unread_path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_path_under_root, teardown),
		cmocka_unit_test_teardown(test_exim_unread, teardown),
		cmocka_unit_test_teardown(test_m4_unread, teardown),
	};

	bl_diags_init(&d);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

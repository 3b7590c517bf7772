/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sendmail.c - the sendmail.mc reader (an m4 modelling cf.m4), the
 * sendmail.cf reader and the greeting they make.
 *
 * The expectations are what GNU m4 with sendmail-cf 8.17.1.9 writes into
 * sendmail.cf and what sendmail then sends (reference formats.md §3). No
 * test reads the machine's sendmail-cf tree: main() points the reader at a
 * directory that does not exist, and no .mc here uses OSTYPE, DOMAIN or
 * HACK.
 */
#include "config.h"

#include "helpers.h"

/* What one file turned into; run_free releases it. */
struct run {
	struct bl_diags d;
	struct bl_config *cfg;
	int parse_rc, resolve_rc;
	const struct bl_surface *banner, *helo;
};

/* The run under way: a failing assertion leaves it to teardown (runs are
 * static, so they outlive the test's longjmp). */
static struct run *live;

/* surface - the surface of kind, or NULL (borrowed) */
static const struct bl_surface *
surface(const struct bl_config *cfg, enum bl_surface_kind kind)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		if (cfg->surfaces[i].kind == kind)
			return &cfg->surfaces[i];
	return NULL;
}

/* event - the first event of kind, or NULL (borrowed) */
static const struct bl_event *
event(const struct bl_config *cfg, const char *kind)
{
	size_t i;

	for (i = 0; i < cfg->nevents; i++)
		if (strcmp(cfg->events[i].kind, kind) == 0)
			return &cfg->events[i];
	return NULL;
}

/* run_text - parse text as path in role and resolve it into *r */
static void
run_text(struct run *r, const char *path, enum bl_file_role role,
	 const char *text)
{
	bl_diags_init(&r->d);
	r->cfg = bl_config_new("sendmail", "test");
	live = r;
	r->parse_rc = bl_parser_sendmail.parse(
	    r->cfg, bl_source_from_mem(path, text, strlen(text)), role, &r->d);
	r->resolve_rc = bl_parser_sendmail.resolve(r->cfg, &r->d);
	r->banner = surface(r->cfg, BL_SURFACE_BANNER);
	r->helo = surface(r->cfg, BL_SURFACE_HELO);
}

/* mc - an .mc from text */
static void
mc(struct run *r, const char *text)
{
	run_text(r, "sendmail.mc", BL_ROLE_SENDMAIL_MC, text);
}

/* cf - a sendmail.cf from text */
static void
cf(struct run *r, const char *text)
{
	run_text(r, "sendmail.cf", BL_ROLE_SENDMAIL_CF, text);
}

/* run_free - release what run_text made */
static void
run_free(struct run *r)
{
	bl_config_free(r->cfg);
	bl_diags_finish(&r->d);
	live = NULL;
}

/* teardown - free a run a failed assertion left behind */
static int
teardown(void **state)
{
	(void)state;
	if (live != NULL)
		run_free(live);
	return 0;
}

/* The run went through cleanly: both surfaces, no diagnostics. */
static void
clean(const struct run *r)
{
	assert_int_equal(r->parse_rc, 0);
	assert_int_equal(r->resolve_rc, 0);
	assert_int_equal(r->d.n, 0);
	assert_non_null(r->banner);
	assert_non_null(r->helo);
	assert_true(r->banner->valid);
	assert_true(r->helo->valid);
}

/* The greeting surface's strings. */
static void
expect_banner(const struct run *r, const char *configured, const char *value,
	      const char *greeting, const char *hostname)
{
	assert_non_null(r->banner);
	assert_string_equal(r->banner->configured, configured);
	assert_string_equal(r->banner->value, value);
	assert_string_equal(r->banner->greeting, greeting);
	assert_string_equal(r->banner->hostname, hostname);
}

/* The HELO surface's strings (its hostname is its value). */
static void
expect_helo(const struct run *r, const char *configured, const char *value)
{
	assert_non_null(r->helo);
	assert_string_equal(r->helo->configured, configured);
	assert_string_equal(r->helo->value, value);
	assert_string_equal(r->helo->hostname, value);
	assert_null(r->helo->greeting);
}

/* The surface's own setting comes from the file at line:col. */
static void
expect_at(const struct bl_surface *sf, unsigned line, unsigned col)
{
	const struct bl_setting *s = sf->origin[0].setting;

	assert_true(sf->norigin > 0);
	assert_false(s->is_default);
	assert_non_null(s->src);
	assert_int_equal(s->line, line);
	assert_int_equal(s->col, col);
}

/* The surface's own setting is a built-in default. */
static void
expect_default(const struct bl_surface *sf)
{
	assert_true(sf->norigin > 0);
	assert_true(sf->origin[0].setting->is_default);
	assert_null(sf->origin[0].setting->src);
}

/* Diagnostic i is an error at sendmail.mc:line:col. */
static void
expect_error(const struct run *r, size_t i, unsigned line, unsigned col)
{
	assert_true(i < r->d.n);
	assert_int_equal(r->d.v[i].level, BL_LEVEL_ERROR);
	assert_string_equal(r->d.v[i].file, "sendmail.mc");
	assert_int_equal(r->d.v[i].line, line);
	assert_int_equal(r->d.v[i].col, col);
}

#define CF_M4 "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"

/* ---------------------------------------------------------------- .mc -- */

static void
test_mc_upstream_default(void **state)
{
	static struct run r;

	(void)state;
	/* no include of cf.m4: read as "m4 cf.m4 sendmail.mc" */
	mc(&r, "divert(-1)\n"
	       "dnl upstream style\n"
	       "divert(0)dnl\n"
	       "VERSIONID(`test')dnl\n"
	       "MAILER(`local')dnl\n"
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	assert_string_equal(r.banner->key, "confSMTP_LOGIN_MSG");
	assert_string_equal(r.banner->file, "sendmail.mc");
	expect_banner(&r, "$j Sendmail $v/$Z; $b",
		      "<system-hostname> ESMTP Sendmail "
		      "<sendmail_version>/<cf_version>; <date>",
		      "220 <system-hostname> ESMTP Sendmail "
		      "<sendmail_version>/<cf_version>; <date>",
		      "<system-hostname>");
	expect_default(r.banner);
	assert_string_equal(r.helo->key, "confHELO_NAME");
	expect_helo(&r, "$j", "<system-hostname>");
	expect_default(r.helo);
	run_free(&r);
}

static void
test_mc_define_after_cf_m4_wins(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j before')dnl\n" CF_M4
	       "define(`confSMTP_LOGIN_MSG', `$j after')dnl\n"
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j after", "<system-hostname> ESMTP after",
		      "220 <system-hostname> ESMTP after", "<system-hostname>");
	expect_at(r.banner, 3, 9);
	run_free(&r);

	/* a define before cf.m4 is undone by cfhead.m4's own */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j before')dnl\n" CF_M4
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j Sendmail $v/$Z; $b");
	expect_default(r.banner);
	run_free(&r);
}

static void
test_mc_last_define_wins(void **state)
{
	static struct run r;

	(void)state;
	/* the options are written at the end of input: a define after
	 * MAILER still counts */
	mc(&r, CF_M4 "define(`confSMTP_LOGIN_MSG', `$j first')dnl\n"
		     "MAILER(`local')dnl\n"
		     "MAILER(`smtp')dnl\n"
		     "define(`confSMTP_LOGIN_MSG', `$j last')dnl\n");
	clean(&r);
	expect_banner(&r, "$j last", "<system-hostname> ESMTP last",
		      "220 <system-hostname> ESMTP last", "<system-hostname>");
	expect_at(r.banner, 5, 9);
	run_free(&r);
}

static void
test_mc_dnl(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "dnl define(`confSMTP_LOGIN_MSG', `$j commented')\n"
	       "define(`confSMTP_LOGIN_MSG', `$j kept')dnl "
	       "define(`confSMTP_LOGIN_MSG', `$j gone')\n"
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j kept", "<system-hostname> ESMTP kept",
		      "220 <system-hostname> ESMTP kept", "<system-hostname>");
	expect_at(r.banner, 2, 9);
	run_free(&r);
}

static void
test_mc_quoted_comma(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j ESMTP ready, go ahead')dnl\n");
	clean(&r);
	expect_banner(&r, "$j ESMTP ready, go ahead",
		      "<system-hostname> ESMTP ESMTP ready, go ahead",
		      "220 <system-hostname> ESMTP ESMTP ready, go ahead",
		      "<system-hostname>");
	expect_at(r.banner, 1, 9);
	run_free(&r);
}

static void
test_mc_unquoted_comma(void **state)
{
	static struct run r;

	(void)state;
	/* m4: "excess arguments to builtin `define' ignored" */
	mc(&r, "define(`confSMTP_LOGIN_MSG', $j ESMTP ready, go ahead)dnl\n");
	assert_int_equal(r.parse_rc, 0);
	assert_int_equal(r.resolve_rc, 0);
	assert_int_equal(r.d.errors, 0);
	expect_banner(
	    &r, "$j ESMTP ready", "<system-hostname> ESMTP ESMTP ready",
	    "220 <system-hostname> ESMTP ESMTP ready", "<system-hostname>");
	expect_at(r.banner, 1, 9);
	run_free(&r);
}

static void
test_mc_unquoted_name_redefine(void **state)
{
	static struct run r;

	(void)state;
	/* the name expands to the old value: a macro "$j one" is defined */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j one')dnl\n"
	       "define(confSMTP_LOGIN_MSG, `$j two')dnl\n");
	clean(&r);
	expect_banner(&r, "$j one", "<system-hostname> ESMTP one",
		      "220 <system-hostname> ESMTP one", "<system-hostname>");
	expect_at(r.banner, 1, 9);
	run_free(&r);
}

static void
test_mc_undefine(void **state)
{
	static struct run r;

	(void)state;
	/* proto.m4 writes "#O SmtpGreetingMessage=...": sendmail's default */
	mc(&r, "undefine(`confSMTP_LOGIN_MSG')dnl\nMAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j Sendmail $v ready at $b",
		      "<system-hostname> ESMTP Sendmail <sendmail_version> "
		      "ready at <date>",
		      "220 <system-hostname> ESMTP Sendmail <sendmail_version> "
		      "ready at <date>",
		      "<system-hostname>");
	expect_default(r.banner);
	run_free(&r);
}

static void
test_mc_changequote(void **state)
{
	static struct run r;

	(void)state;
	/* a ' in the value; `here' loses its quotes when the option is
	 * written with the quotes changed back */
	mc(&r, "changequote([,])dnl\n"
	       "define([confSMTP_LOGIN_MSG],[$j it's `here'])dnl\n"
	       "changequote(`,')dnl\n"
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j it's here", "<system-hostname> ESMTP it's here",
		      "220 <system-hostname> ESMTP it's here",
		      "<system-hostname>");
	expect_at(r.banner, 2, 9);
	run_free(&r);
}

static void
test_mc_hash_line_before_cf_m4(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "# define(`confSMTP_LOGIN_MSG', `$j before')\n" CF_M4
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j Sendmail $v/$Z; $b");
	expect_default(r.banner);
	assert_null(event(r.cfg, "hash-line-expanded"));
	run_free(&r);
}

static void
test_mc_hash_line_after_cf_m4(void **state)
{
	static struct run r;
	const struct bl_event *e;

	(void)state;
	/* cfhead.m4's changecom(): "#" is ordinary text, the define runs */
	mc(&r, CF_M4 "define(`confSMTP_LOGIN_MSG', `$j kept')dnl\n"
		     "# old: define(`confSMTP_LOGIN_MSG', `$j from the "
		     "comment')\n"
		     "MAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j from the comment",
		      "<system-hostname> ESMTP from the comment",
		      "220 <system-hostname> ESMTP from the comment",
		      "<system-hostname>");
	expect_at(r.banner, 3, 16);
	e = event(r.cfg, "hash-line-expanded");
	assert_non_null(e);
	assert_ptr_equal(e->src, r.cfg->main_src);
	assert_int_equal(e->line, 3);
	assert_int_equal(e->col, 1);
	assert_string_equal(e->arg, "define");
	run_free(&r);
}

static void
test_mc_lazy_expansion(void **state)
{
	static struct run r;

	(void)state;
	/* a macro name in the value is expanded when the option is written,
	 * with the value it has then */
	mc(&r, "define(`SITE',`Example')dnl\n"
	       "define(`confSMTP_LOGIN_MSG',`$j SITE relay')dnl\n"
	       "define(`SITE',`Other')dnl\n");
	clean(&r);
	expect_banner(
	    &r, "$j Other relay", "<system-hostname> ESMTP Other relay",
	    "220 <system-hostname> ESMTP Other relay", "<system-hostname>");
	expect_at(r.banner, 2, 9);
	run_free(&r);

	/* quoted inside the value, the name is only unquoted then: GNU m4
	 * writes "O SmtpGreetingMessage=$j SITE relay" */
	mc(&r, "define(`SITE',`Example')dnl\n"
	       "define(`confSMTP_LOGIN_MSG',`$j `SITE' relay')dnl\n"
	       "define(`SITE',`Other')dnl\n");
	clean(&r);
	expect_banner(&r, "$j SITE relay", "<system-hostname> ESMTP SITE relay",
		      "220 <system-hostname> ESMTP SITE relay",
		      "<system-hostname>");
	run_free(&r);
}

static void
test_mc_ifdef_ifelse(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`RELAY')dnl\n"
	       "ifdef(`RELAY', `define(`confSMTP_LOGIN_MSG', `$j relay')', "
	       "`define(`confSMTP_LOGIN_MSG', `$j direct')')dnl\n"
	       "ifdef(`NOPE', `define(`confHELO_NAME', `yes.example.net')', "
	       "`define(`confHELO_NAME', `no.example.net')')dnl\n");
	clean(&r);
	expect_banner(&r, "$j relay", "<system-hostname> ESMTP relay",
		      "220 <system-hostname> ESMTP relay", "<system-hostname>");
	expect_helo(&r, "no.example.net", "no.example.net");
	run_free(&r);

	mc(&r,
	   "define(`ROLE', `mx')dnl\n"
	   "ifelse(ROLE, `relay', `define(`confSMTP_LOGIN_MSG', `$j relay')',"
	   " ROLE, `mx', `define(`confSMTP_LOGIN_MSG', `$j mx')', "
	   "`define(`confSMTP_LOGIN_MSG', `$j other')')dnl\n");
	clean(&r);
	expect_banner(&r, "$j mx", "<system-hostname> ESMTP mx",
		      "220 <system-hostname> ESMTP mx", "<system-hostname>");
	run_free(&r);

	/* no match and no default: nothing */
	mc(&r, "ifelse(`a', `b', `define(`confSMTP_LOGIN_MSG', `$j b')')dnl\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j Sendmail $v/$Z; $b");
	run_free(&r);
}

static void
test_mc_pushdef_popdef(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j outer')dnl\n"
	       "pushdef(`confSMTP_LOGIN_MSG', `$j inner')dnl\n"
	       "popdef(`confSMTP_LOGIN_MSG')dnl\n");
	clean(&r);
	expect_banner(&r, "$j outer", "<system-hostname> ESMTP outer",
		      "220 <system-hostname> ESMTP outer", "<system-hostname>");
	expect_at(r.banner, 1, 9);
	run_free(&r);

	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j outer')dnl\n"
	       "pushdef(`confSMTP_LOGIN_MSG', `$j inner')dnl\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j inner");
	expect_at(r.banner, 2, 10);
	run_free(&r);
}

static void
test_mc_multiline_value(void **state)
{
	static struct run r;

	(void)state;
	/* the cf gets a tab-led continuation line: a second 220 line, which
	 * loses one leading blank */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j mail relay;\n"
	       "\tunauthorized use prohibited')dnl\n"
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j mail relay;\n\tunauthorized use prohibited",
		      "<system-hostname> ESMTP mail relay;\n"
		      "unauthorized use prohibited",
		      "220-<system-hostname> ESMTP mail relay;\n"
		      "220 unauthorized use prohibited",
		      "<system-hostname>");
	expect_at(r.banner, 1, 9);
	run_free(&r);

	/* a newline before the ) ends the cf line: no second line */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j ready\n')dnl\n"
	       "MAILER(`smtp')dnl\n");
	clean(&r);
	expect_banner(&r, "$j ready", "<system-hostname> ESMTP ready",
		      "220 <system-hostname> ESMTP ready", "<system-hostname>");
	run_free(&r);
}

static void
test_mc_greeting_munched(void **state)
{
	static struct run r;

	(void)state;
	/* \n splits, '"' is dropped, $$ is a $, $?{client_addr} holds at
	 * connect time */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j first\\nsecond \"quoted\" $$ "
	       "$?{client_addr}yes$|no$.')dnl\n");
	clean(&r);
	expect_banner(&r,
		      "$j first\\nsecond \"quoted\" $$ "
		      "$?{client_addr}yes$|no$.",
		      "<system-hostname> ESMTP first\nsecond quoted $ yes",
		      "220-<system-hostname> ESMTP first\n"
		      "220 second quoted $ yes",
		      "<system-hostname>");
	run_free(&r);

	/* an undefined macro takes the other branch */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j $?{auth_authen}in$|out$.')"
	       "dnl\n");
	clean(&r);
	assert_string_equal(r.banner->value, "<system-hostname> ESMTP out");
	run_free(&r);
}

static void
test_mc_greeting_esmtp(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j ESMTP')dnl\n");
	clean(&r);
	expect_banner(&r, "$j ESMTP", "<system-hostname> ESMTP ESMTP",
		      "220 <system-hostname> ESMTP ESMTP", "<system-hostname>");
	run_free(&r);

	/* one word: ESMTP goes at the end */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j')dnl\n");
	clean(&r);
	expect_banner(&r, "$j", "<system-hostname> ESMTP",
		      "220 <system-hostname> ESMTP", "<system-hostname>");
	run_free(&r);
}

static void
test_mc_greeting_hash_comment(void **state)
{
	static struct run r;

	(void)state;
	/* m4 copies the "#" into the cf, where sendmail reads a comment */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j relay   #1 ready')dnl\n");
	clean(&r);
	expect_banner(&r, "$j relay   #1 ready",
		      "<system-hostname> ESMTP relay",
		      "220 <system-hostname> ESMTP relay", "<system-hostname>");
	run_free(&r);
}

static void
test_mc_params_in_value(void **state)
{
	static struct run r;

	(void)state;
	/*
	 * proto.m4 writes the option by calling the macro (no arguments), so
	 * $1..$9, $# and $0 in its body are m4 parameters: GNU m4 writes
	 * "O SmtpGreetingMessage=$j ab 0 $$ $ c" ("$$" stays: "$$" is not a
	 * parameter; "$$5" is "$" and an empty $5).
	 */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j a$1b $# $$ $$5 c')dnl\n");
	clean(&r);
	expect_banner(
	    &r, "$j ab 0 $$ $ c", "<system-hostname> ESMTP ab 0 $ $ c",
	    "220 <system-hostname> ESMTP ab 0 $ $ c", "<system-hostname>");
	run_free(&r);
}

static void
test_mc_domain_name(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`confDOMAIN_NAME', `mail.example.com')dnl\n"
	       "define(`confSMTP_LOGIN_MSG', `$j ready')dnl\n");
	clean(&r);
	expect_banner(&r, "$j ready", "mail.example.com ESMTP ready",
		      "220 mail.example.com ESMTP ready", "mail.example.com");
	expect_helo(&r, "$j", "mail.example.com");
	assert_int_equal(r.helo->origin[1].setting->line, 1);
	assert_int_equal(r.helo->origin[1].setting->col, 9);
	run_free(&r);

	/* README "WHO AM I?": $w.$m */
	mc(&r, "define(`confDOMAIN_NAME', `$w.$m')dnl\n");
	clean(&r);
	expect_banner(&r, "$j Sendmail $v/$Z; $b",
		      "<system-shortname>.<system-domain> ESMTP Sendmail "
		      "<sendmail_version>/<cf_version>; <date>",
		      "220 <system-shortname>.<system-domain> ESMTP Sendmail "
		      "<sendmail_version>/<cf_version>; <date>",
		      "<system-shortname>.<system-domain>");
	expect_helo(&r, "$j", "<system-shortname>.<system-domain>");
	run_free(&r);
}

static void
test_mc_helo_name(void **state)
{
	static struct run r;

	(void)state;
	/* HeloName is used as written: no macro expansion */
	mc(&r, "define(`confDOMAIN_NAME', `mail.example.com')dnl\n"
	       "define(`confHELO_NAME', `$j.helo.example.net')dnl\n");
	clean(&r);
	assert_string_equal(r.helo->key, "confHELO_NAME");
	expect_helo(&r, "$j.helo.example.net", "$j.helo.example.net");
	expect_at(r.helo, 2, 9);
	assert_string_equal(r.banner->hostname, "mail.example.com");
	run_free(&r);

	/* empty: "O HeloName" with no "=": the name falls back to $j */
	mc(&r, "define(`confDOMAIN_NAME', `mail.example.com')dnl\n"
	       "define(`confHELO_NAME')dnl\n");
	clean(&r);
	expect_helo(&r, "$j", "mail.example.com");
	expect_default(r.helo);
	run_free(&r);
}

static void
test_mc_local_config_dj(void **state)
{
	static struct run r;
	const struct bl_setting *j;

	(void)state;
	/* LOCAL_CONFIG follows the generated Dj line: its Dj wins */
	mc(&r, "define(`confDOMAIN_NAME', `mail.example.com')dnl\n"
	       "MAILER(`smtp')dnl\n"
	       "LOCAL_CONFIG\n"
	       "Djrelay.example.com\n");
	clean(&r);
	expect_banner(&r, "$j Sendmail $v/$Z; $b",
		      "relay.example.com ESMTP Sendmail "
		      "<sendmail_version>/<cf_version>; <date>",
		      "220 relay.example.com ESMTP Sendmail "
		      "<sendmail_version>/<cf_version>; <date>",
		      "relay.example.com");
	expect_helo(&r, "$j", "relay.example.com");
	j = r.helo->origin[1].setting;
	assert_string_equal(j->key, "Dj");
	assert_string_equal(j->raw, "relay.example.com");
	assert_int_equal(j->line, 4);
	assert_int_equal(j->col, 1);
	run_free(&r);
}

static void
test_mc_local_config_greeting_overridden(void **state)
{
	static struct run r;
	const struct bl_event *e;

	(void)state;
	/* LOCAL_CONFIG comes before the options: the generated line wins */
	mc(&r, "define(`confSMTP_LOGIN_MSG', `$j generated')dnl\n"
	       "MAILER(`smtp')dnl\n"
	       "LOCAL_CONFIG\n"
	       "O SmtpGreetingMessage=$j private relay\n");
	clean(&r);
	expect_banner(&r, "$j generated", "<system-hostname> ESMTP generated",
		      "220 <system-hostname> ESMTP generated",
		      "<system-hostname>");
	expect_at(r.banner, 1, 9);
	e = event(r.cfg, "local-config-overridden");
	assert_non_null(e);
	assert_int_equal(e->line, 4);
	assert_int_equal(e->col, 3);
	assert_string_equal(e->arg, "SmtpGreetingMessage");
	run_free(&r);

	/* with no define, cfhead.m4's default is generated and wins */
	mc(&r, "MAILER(`smtp')dnl\n"
	       "LOCAL_CONFIG\n"
	       "O SmtpGreetingMessage=$j private relay\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j Sendmail $v/$Z; $b");
	e = event(r.cfg, "local-config-overridden");
	assert_non_null(e);
	assert_int_equal(e->line, 3);
	run_free(&r);
}

/* ---------------------------------------------------------------- .cf -- */

static void
test_cf_plain(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\nO SmtpGreetingMessage=$j hi\n");
	clean(&r);
	assert_string_equal(r.banner->key, "SmtpGreetingMessage");
	assert_string_equal(r.banner->file, "sendmail.cf");
	expect_banner(&r, "$j hi", "<system-hostname> ESMTP hi",
		      "220 <system-hostname> ESMTP hi", "<system-hostname>");
	expect_at(r.banner, 2, 3);
	assert_string_equal(r.helo->key, "HeloName");
	expect_helo(&r, "$j", "<system-hostname>");
	run_free(&r);

	/* no O line: sendmail's own default */
	cf(&r, "V10/Berkeley\nS0\n");
	clean(&r);
	expect_banner(&r, "$j Sendmail $v ready at $b",
		      "<system-hostname> ESMTP Sendmail <sendmail_version> "
		      "ready at <date>",
		      "220 <system-hostname> ESMTP Sendmail <sendmail_version> "
		      "ready at <date>",
		      "<system-hostname>");
	expect_default(r.banner);
	run_free(&r);
}

static void
test_cf_abbreviations(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\nO sm=x\n");
	clean(&r);
	expect_banner(&r, "x", "x ESMTP", "220 x ESMTP", "<system-hostname>");
	expect_at(r.banner, 2, 3);
	assert_string_equal(r.banner->origin[0].setting->key,
			    "SmtpGreetingMessage");
	run_free(&r);

	cf(&r, "V10/Berkeley\nO smtpgreeting=$j y\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j y");
	expect_at(r.banner, 2, 3);
	run_free(&r);

	cf(&r, "V10/Berkeley\nO SMTPGREETINGMESSAGE = $j z\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j z");
	run_free(&r);

	/* "s" is ambiguous (SaveFromLine, SendMimeErrors, ...): no match */
	cf(&r, "V10/Berkeley\nO s=x\n");
	clean(&r);
	assert_string_equal(r.banner->configured, "$j Sendmail $v ready at $b");
	expect_default(r.banner);
	run_free(&r);

	/* longer than the name: no match either */
	cf(&r, "V10/Berkeley\nO SmtpGreetingMessages=x\n");
	clean(&r);
	expect_default(r.banner);
	run_free(&r);
}

static void
test_cf_helo_name(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\nDjmx.example.org\nO HeloName=h.example.net\n");
	clean(&r);
	expect_helo(&r, "h.example.net", "h.example.net");
	expect_at(r.helo, 3, 3);
	assert_string_equal(r.banner->hostname, "mx.example.org");
	run_free(&r);

	cf(&r, "V10/Berkeley\nO helo=h2.example.net\n");
	clean(&r);
	expect_helo(&r, "h2.example.net", "h2.example.net");
	run_free(&r);

	/* "hel" is also HelpFile: not HeloName */
	cf(&r, "V10/Berkeley\nDjmx.example.org\nO hel=x\n");
	clean(&r);
	expect_helo(&r, "$j", "mx.example.org");
	expect_default(r.helo);
	run_free(&r);
}

static void
test_cf_two_o_lines(void **state)
{
	static struct run r;
	const struct bl_setting *s;

	(void)state;
	cf(&r, "V10/Berkeley\n"
	       "O SmtpGreetingMessage=$j one\n"
	       "O SmtpGreetingMessage=$j two\n");
	clean(&r);
	expect_banner(&r, "$j two", "<system-hostname> ESMTP two",
		      "220 <system-hostname> ESMTP two", "<system-hostname>");
	expect_at(r.banner, 3, 3);
	s = r.banner->origin[0].setting;
	assert_false(s->shadowed);
	assert_non_null(s->shadows);
	assert_true(s->shadows->shadowed);
	assert_string_equal(s->shadows->raw, "$j one");
	assert_int_equal(s->shadows->line, 2);
	run_free(&r);
}

static void
test_cf_folded(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\n"
	       "O SmtpGreetingMessage=$j first\n"
	       "\tsecond\n"
	       "  third\n"
	       "S0\n");
	clean(&r);
	expect_banner(
	    &r, "$j first\n\tsecond\n  third",
	    "<system-hostname> ESMTP first\nsecond\n third",
	    "220-<system-hostname> ESMTP first\n220-second\n220  third",
	    "<system-hostname>");
	expect_at(r.banner, 2, 3);
	run_free(&r);
}

static void
test_cf_crlf(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\r\n"
	       "O SmtpGreetingMessage=$j hi\r\n"
	       "Djmx.example.org\r\n"
	       "O HeloName=h.example.net\r\n");
	clean(&r);
	expect_banner(&r, "$j hi", "mx.example.org ESMTP hi",
		      "220 mx.example.org ESMTP hi", "mx.example.org");
	expect_helo(&r, "h.example.net", "h.example.net");
	expect_at(r.banner, 2, 3);
	run_free(&r);
}

static void
test_cf_dz(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\n"
	       "DZ8.17.1.9\n"
	       "O SmtpGreetingMessage=$j Sendmail $v/$Z; $b\n");
	clean(&r);
	expect_banner(&r, "$j Sendmail $v/$Z; $b",
		      "<system-hostname> ESMTP Sendmail "
		      "<sendmail_version>/8.17.1.9; <date>",
		      "220 <system-hostname> ESMTP Sendmail "
		      "<sendmail_version>/8.17.1.9; <date>",
		      "<system-hostname>");
	run_free(&r);
}

static void
test_cf_dj(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\nDj$w.example.com\nO SmtpGreetingMessage=$j\n");
	clean(&r);
	expect_banner(&r, "$j", "<system-shortname>.example.com ESMTP",
		      "220 <system-shortname>.example.com ESMTP",
		      "<system-shortname>.example.com");
	expect_helo(&r, "$j", "<system-shortname>.example.com");
	run_free(&r);
}

static void
test_cf_hash_comment(void **state)
{
	static struct run r;

	(void)state;
	cf(&r, "V10/Berkeley\n"
	       "# O SmtpGreetingMessage=$j commented\n"
	       "O SmtpGreetingMessage=$j hi   # a comment\n"
	       "O HeloName=h.example.net # note\n");
	clean(&r);
	expect_banner(&r, "$j hi   # a comment", "<system-hostname> ESMTP hi",
		      "220 <system-hostname> ESMTP hi", "<system-hostname>");
	expect_at(r.banner, 3, 3);
	expect_helo(&r, "h.example.net # note", "h.example.net");
	run_free(&r);
}

/* ------------------------------------------------------------- errors -- */

static void
test_mc_unbalanced_quote(void **state)
{
	static struct run r;

	(void)state;
	/* m4 stops: no sendmail.cf, nothing to resolve */
	mc(&r, "define(`confDOMAIN_NAME', `mx.example.com')dnl\n"
	       "define(`confSMTP_LOGIN_MSG', `$j oops)dnl\n"
	       "MAILER(`smtp')dnl\n");
	assert_true(r.parse_rc < 0);
	assert_int_equal(r.resolve_rc, -1);
	assert_int_equal(r.d.errors, 1);
	expect_error(&r, 0, 2, 30);
	assert_int_equal(r.cfg->nsurfaces, 0);
	assert_null(r.banner);
	assert_null(r.helo);
	run_free(&r);
}

static void
test_mc_include_missing(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "define(`confDOMAIN_NAME', `mx.example.com')dnl\n"
	       "include(`/nonexistent/bl-sendmail-test/missing.m4')dnl\n"
	       "define(`confSMTP_LOGIN_MSG', `$j after')dnl\n");
	assert_true(r.parse_rc < 0);
	assert_int_equal(r.d.errors, 1);
	expect_error(&r, 0, 2, 1);
	run_free(&r);
}

static void
test_mc_sinclude_missing(void **state)
{
	static struct run r;

	(void)state;
	mc(&r, "sinclude(`/nonexistent/bl-sendmail-test/missing.m4')dnl\n"
	       "define(`confSMTP_LOGIN_MSG', `$j after')dnl\n");
	clean(&r);
	expect_banner(&r, "$j after", "<system-hostname> ESMTP after",
		      "220 <system-hostname> ESMTP after", "<system-hostname>");
	expect_at(r.banner, 2, 9);
	run_free(&r);
}

static void
test_mc_recursive_macro(void **state)
{
	static struct run r;

	(void)state;
	/* GNU m4 loops for ever; the reader must stop with an error */
	mc(&r, "define(`A',`A')A\n");
	assert_true(r.parse_rc < 0);
	assert_true(r.d.errors >= 1);
	assert_int_equal(r.d.v[0].level, BL_LEVEL_ERROR);
	assert_string_equal(r.d.v[0].file, "sendmail.mc");
	run_free(&r);

	/* mutual recursion, with text between the calls */
	mc(&r, "define(`A',`x B')define(`B',`y A')A\n");
	assert_true(r.parse_rc < 0);
	assert_true(r.d.errors >= 1);
	run_free(&r);
}

int
main(void)
{
#define T(f) cmocka_unit_test_teardown(f, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_mc_upstream_default),
	    T(test_mc_define_after_cf_m4_wins),
	    T(test_mc_last_define_wins),
	    T(test_mc_dnl),
	    T(test_mc_quoted_comma),
	    T(test_mc_unquoted_comma),
	    T(test_mc_unquoted_name_redefine),
	    T(test_mc_undefine),
	    T(test_mc_changequote),
	    T(test_mc_hash_line_before_cf_m4),
	    T(test_mc_hash_line_after_cf_m4),
	    T(test_mc_lazy_expansion),
	    T(test_mc_ifdef_ifelse),
	    T(test_mc_pushdef_popdef),
	    T(test_mc_multiline_value),
	    T(test_mc_greeting_munched),
	    T(test_mc_greeting_esmtp),
	    T(test_mc_greeting_hash_comment),
	    T(test_mc_params_in_value),
	    T(test_mc_domain_name),
	    T(test_mc_helo_name),
	    T(test_mc_local_config_dj),
	    T(test_mc_local_config_greeting_overridden),
	    T(test_cf_plain),
	    T(test_cf_abbreviations),
	    T(test_cf_helo_name),
	    T(test_cf_two_o_lines),
	    T(test_cf_folded),
	    T(test_cf_crlf),
	    T(test_cf_dz),
	    T(test_cf_dj),
	    T(test_cf_hash_comment),
	    T(test_mc_unbalanced_quote),
	    T(test_mc_include_missing),
	    T(test_mc_sinclude_missing),
	    T(test_mc_recursive_macro),
	};
#undef T

	/* never the machine's sendmail-cf tree */
	bl_sendmail_set_cf_dir("/nonexistent/bl-sendmail-test/cf");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

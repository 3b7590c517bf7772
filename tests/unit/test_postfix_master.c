/* SPDX-License-Identifier: BSD-2-Clause */
/* test_postfix_master.c - master.cf fields, -o overrides, services */
#include "config.h"

#include "helpers.h"

static const struct bl_scope *
scope(const struct bl_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nscopes; i++)
		if (!cfg->scopes[i]->shadowed &&
		    strcmp(cfg->scopes[i]->name, name) == 0)
			return cfg->scopes[i];
	return NULL;
}

static void
test_overrides(void **state)
{
	const char *master =
		"smtp inet n - y - - smtpd\n"
		"  -o smtpd_banner=$myhostname\n"
		"submission inet n - y - - smtpd -v\n"
		"  -o { smtpd_banner = $myhostname ESMTP ready }\n"
		"  -omyhostname=sub.example.com -o syslog_name=x\n"
		"  -o smtpd_banner=later\n"
		"587 inet n - y - - smtpd -o a=1 stray -o b=2\n"
		"relay unix - - n - - smtp\n"
		"# comment\n"
		"   -o smtp_helo_name=$mydomain\n"
		"post inet n - y - 1 postscreen\n"
		"dove unix - - n - - lmtp\n"
		"pickup unix n - y 60 1 pickup\n";
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_scope *sc;
	const struct bl_surface *sf;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config("myhostname = mx.example.com\n", master, &d);
	assert_int_equal(d.errors, 0);
	sc = scope(cfg, "submission/inet");
	assert_non_null(sc);
	assert_string_equal(sc->role, "smtpd");
	assert_int_equal(sc->nsettings, 4);
	assert_string_equal(bl_scope_lookup(sc, "smtpd_banner")->raw, "later");
	assert_string_equal(bl_scope_lookup(sc, "myhostname")->raw,
			    "sub.example.com");
	sc = scope(cfg, "587/inet");
	assert_int_equal(sc->nsettings, 1);
	assert_string_equal(sc->stray, "stray");
	assert_int_equal(sc->stray_line, 7);

	sf = pf_surface(cfg, "smtp/inet", "smtpd_banner");
	assert_string_equal(sf->value, "mx.example.com");
	assert_string_equal(sf->origin[0].setting->scope, "smtp/inet");
	assert_int_equal(sf->origin[0].setting->line, 2);
	sf = pf_surface(cfg, "relay/unix", "smtp_helo_name");
	assert_string_equal(sf->value, "example.com");
	assert_int_equal(sf->origin[0].setting->line, 10);
	assert_non_null(pf_surface(cfg, "post/inet", "postscreen_greet_banner"));
	assert_non_null(pf_surface(cfg, "dove/unix", "lmtp_lhlo_name"));
	assert_null(pf_surface(cfg, "pickup/unix", "smtpd_banner"));
	/* the braced form keeps its blanks */
	sc = scope(cfg, "submission/inet");
	assert_string_equal(sc->settings[0]->raw, "$myhostname ESMTP ready");
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

static void
test_service_in_context(void **state)
{
	const char *master = "smtp inet n - y - - smtpd\n"
			     "  -o myhostname=in.example.net\n"
			     "smtp inet n - y - - smtpd -o mail_name=X\n";
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config("myhostname = mx.example.com\n", master, &d);
	/* the later entry of the same service wins */
	sf = pf_surface(cfg, "smtp/inet", "smtpd_banner");
	assert_string_equal(sf->value, "mx.example.com ESMTP X");
	assert_int_equal(d.warnings, 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

static void
test_bad_entries(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config(NULL,
			"smtp inet n - y - smtpd\n"
			"x bogus n - y - - smtpd\n"
			"y inet n - y - - smtpd -o { a = b\n"
			"z inet n - y - - smtpd -o novalue\n"
			"w inet n - y - - smtpd -o\n",
			&d);
	assert_int_equal(d.errors, 5);
	assert_int_equal(d.v[0].line, 1);
	assert_int_equal(d.v[1].line, 2);
	assert_int_equal(d.v[2].line, 3);
	assert_int_equal(d.v[3].line, 4);
	assert_int_equal(d.v[4].line, 5);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* Behind postscreen the final 220 line is the smtpd's it hands the client
 * to (the pass service named by smtpd_service_name in postscreen's
 * context), not postscreen's own smtpd_banner; without that service,
 * postscreen's built-in engine line stands in. */
static void
test_postscreen_handoff(void **state)
{
	const char *master = "smtp inet n - y - 1 postscreen\n"
			     "  -o smtpd_banner=ps -o postscreen_greet_banner=pre\n"
			     "smtpd pass - - y - - smtpd -o smtpd_banner=behind\n"
			     "2525 inet n - y - 1 postscreen\n"
			     "  -o smtpd_service_name=other\n"
			     "  -o postscreen_greet_banner=\n"
			     "other pass - - y - - smtpd -o smtpd_banner=two\n"
			     "26 inet n - y - 1 postscreen -o smtpd_banner=own\n"
			     "  -o smtpd_service_name=none\n";
	struct bl_diags d;
	struct bl_config *cfg;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config("myhostname = mx.example.com\n", master, &d);
	assert_int_equal(d.errors, 0);
	assert_string_equal(
		pf_surface(cfg, "smtp/inet", "postscreen_greet_banner")->greeting,
		"220-pre\n220 behind");
	assert_string_equal(
		pf_surface(cfg, "2525/inet", "postscreen_greet_banner")->greeting,
		"220 two");
	assert_string_equal(
		pf_surface(cfg, "26/inet", "postscreen_greet_banner")->greeting,
		"220-own\n220 own");
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* Fields 2-7 as postconf checks them: each bad one is an error at the
 * field and no service; every accepted form makes one. */
static void
test_fields(void **state)
{
	static const char *const bad[] = {
		"a PH_TYPE n - y - - smtpd\n", "a inet Y - y - - smtpd\n",
		"a inet n yes y - - smtpd\n",  "a inet n - nn - - smtpd\n",
		"a inet n - y ?60 - smtpd\n",  "a inet n - y 60?? - smtpd\n",
		"a inet n - y -1 - smtpd\n",   "a inet n - y 1x - smtpd\n",
		"a inet n - y - -5 smtpd\n",   "a inet n - y - +5 smtpd\n",
		"a inet n - y - 1? smtpd\n",   "a inet n - y - PH_MAX smtpd\n",
		"a inet n - y -- - smtpd\n",
	};
	static const unsigned cols[] = {3, 8, 10, 12, 14, 14, 14, 14,
					16, 16, 16, 16, 14};
	const char *good = "a inet - - - - - smtpd\n"
			   "b unix y n y 0 0 smtp\n"
			   "c unix n y n 60? 100 smtp\n"
			   "d unix n y n ? 1 smtp\n"
			   "e unix n y n -? 1 smtp\n"
			   "f unix-dgram n - n 99999999999 1 smtp\n"
			   "g pass - - y - - smtpd\n"
			   "h fifo - - y - - smtpd\n";
	struct bl_diags d;
	struct bl_config *cfg;
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(bad); i++) {
		bl_diags_init(&d);
		cfg = pf_config(NULL, bad[i], &d);
		assert_int_equal(d.errors, 1);
		assert_int_equal(d.v[0].line, 1);
		assert_int_equal(d.v[0].col, cols[i]);
		assert_int_equal(cfg->nscopes, 0);
		bl_config_free(cfg);
		bl_diags_finish(&d);
	}
	bl_diags_init(&d);
	cfg = pf_config(NULL, good, &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(cfg->nscopes, 8);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* smtp(8)/lmtp(8) take "flags=" attributes after their options (any case
 * of the name); they are not stray arguments. Another argument after them
 * is, and an unknown flag letter is a warning. smtpd takes none. */
static void
test_client_attributes(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_scope *sc;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config(NULL,
			"relay unix - - n - - smtp\n"
			"  -o smtp_helo_name=a.example.net flags=O\n"
			"dove unix - - n - - lmtp FLAGS=DORX flags=\n"
			"out unix - - n - - /usr/lib/postfix/sbin/smtp flags=R x\n"
			"in inet n - y - - smtpd flags=O\n"
			"odd unix - - n - - smtp flags=Dq\n"
			"tail unix - - n - - smtp flags=O -o a=b\n",
			&d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.v[0].line, 6);
	assert_int_equal(d.v[0].col, 32);
	sc = scope(cfg, "relay/unix");
	assert_null(sc->stray);
	assert_int_equal(sc->nsettings, 1);
	assert_null(scope(cfg, "dove/unix")->stray);
	assert_null(scope(cfg, "odd/unix")->stray);
	assert_string_equal(scope(cfg, "out/unix")->stray, "x");
	assert_string_equal(scope(cfg, "in/inet")->stray, "flags=O");
	sc = scope(cfg, "tail/unix");
	assert_string_equal(sc->stray, "-o");
	assert_int_equal(sc->nsettings, 0);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* "--" ends the options: the next argument is stray even when it starts
 * with "-" (smtpd exits on "unexpected command-line argument: -o"); for
 * a client, flags= after "--" is still an attribute. */
static void
test_double_dash(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_scope *sc;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config(NULL,
			"sub inet n - y - - smtpd -o a=1 -- -o b=2\n"
			"end inet n - y - - smtpd -o a=1 --\n"
			"cli unix - - n - - smtp -- flags=O\n",
			&d);
	assert_int_equal(d.errors, 0);
	sc = scope(cfg, "sub/inet");
	assert_string_equal(sc->stray, "-o");
	assert_int_equal(sc->stray_col, 36);
	assert_int_equal(sc->nsettings, 1);
	assert_null(scope(cfg, "end/inet")->stray);
	assert_null(scope(cfg, "cli/unix")->stray);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* A service with more arguments than any fixed table: all of them count
 * (the 513th and later were dropped). */
static void
test_many_arguments(void **state)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_scope *sc;
	size_t i;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "smtp inet n - y - - smtpd");
	for (i = 0; i < 600; i++)
		bl_buf_printf(&b, " -o p%zu=v", i);
	bl_buf_adds(&b, " -o smtpd_banner=last\n");
	bl_diags_init(&d);
	cfg = pf_config("myhostname = mx.example.com\n", b.data, &d);
	sc = scope(cfg, "smtp/inet");
	assert_int_equal(sc->nsettings, 601);
	assert_string_equal(pf_surface(cfg, "smtp/inet", "smtpd_banner")->value,
			    "last");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
}

/* One entry over 100,000 physical lines, an -o on each: every setting
 * maps its own line (each copied the whole line map: quadratic). */
static void
test_long_entry(void **state)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_scope *sc;
	size_t i;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "smtp inet n - y - - smtpd\n");
	for (i = 0; i < 100000; i++)
		bl_buf_printf(&b, "  -o p%zu=v%zu\n", i, i);
	bl_diags_init(&d);
	cfg = pf_config("myhostname = mx.example.com\n", b.data, &d);
	sc = scope(cfg, "smtp/inet");
	assert_int_equal(sc->nsettings, 100000);
	for (i = 0; i < 100000; i += 9999) {
		const struct bl_setting *s = sc->settings[i];

		assert_int_equal(s->line, i + 2);
		assert_int_equal(s->col, 6);
		assert_int_equal(s->nmap, 1);
		assert_memory_equal(b.data + s->val_off, s->raw, s->raw_len);
	}
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
}

/* 250,000 services, each name twice: the later entry wins, in linear
 * time (each entry was compared with every earlier one). */
static void
test_many_services(void **state)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	size_t i, live = 0;

	(void)state;
	bl_buf_init(&b);
	for (i = 0; i < 250000; i++)
		bl_buf_printf(&b, "q%zu unix n - y 60 1 pickup\n", i % 125000);
	bl_diags_init(&d);
	cfg = pf_config(NULL, b.data, &d);
	assert_int_equal(cfg->nscopes, 250000);
	for (i = 0; i < cfg->nscopes; i++)
		if (!cfg->scopes[i]->shadowed)
			live++;
	assert_int_equal(live, 125000);
	assert_int_equal(cfg->scopes[200000]->shadows, cfg->scopes[75000]);
	assert_int_equal(d.warnings, 125000);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_service_in_context),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_client_attributes),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_postscreen_handoff),
		cmocka_unit_test(test_many_arguments),
		cmocka_unit_test(test_long_entry),
		cmocka_unit_test(test_many_services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

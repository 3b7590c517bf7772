/* SPDX-License-Identifier: BSD-2-Clause */
/* test_postfix_expand.c - Postfix $parameter expansion and provenance */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* The expanded smtpd_banner of a main.cf with the given extra lines. */
static void
banner(const char *main_cf, const char *want, size_t want_errors)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;

	bl_diags_init(&d);
	cfg = pf_config(main_cf, NULL, &d);
	sf = pf_surface(cfg, "main", "smtpd_banner");
	assert_non_null(sf);
	if (want != NULL) {
		assert_true(sf->valid);
		assert_string_equal(sf->value, want);
	} else {
		assert_false(sf->valid);
	}
	assert_int_equal(d.errors, want_errors);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

static void
test_forms(void **state)
{
	(void)state;
	banner("myhostname = mx.example.com\n",
	       "mx.example.com ESMTP Postfix", 0);
	banner("myhostname = h.example\nsmtpd_banner = ${myhostname} "
	       "$(mail_name) $$ $$mail_name\n",
	       "h.example Postfix $ $mail_name", 0);
	/* greedy names */
	banner("myhostname = h\nsmtpd_banner = $myhostname_x "
	       "${myhostname}_x $myhostname.x $myhostname-x\n",
	       " h_x h.x h-x", 0);
	banner("a = yes\nsmtpd_banner = ${a?set} ${b?set}|${a:unset} "
	       "${b:unset}|${a?{x}:{y}} ${b?{x}:{y}}|${a ? { p } }\n",
	       "set | unset|x y| p ", 0);
	/* the legacy form keeps the rest of the text, ':' included */
	banner("a = 1\nsmtpd_banner = ${a?x:y}\n", "x:y", 0);
	/* relational forms, numeric when both sides are digits */
	banner("a = 10\nsmtpd_banner = ${{$a} == {10}?{eq}:{ne}} "
	       "${{$a} < {9}?{lt}:{ge}} ${{abc} < {abd}?{lt}} "
	       "${{x}!={x}}${{x}=={x}}\n",
	       "eq ge lt true", 0);
	/* a test looks at the raw value, like mac_expand(3) */
	banner("e =\nr = $e\nsmtpd_banner = ${r?raw}${e:empty}\n",
	       "rawempty", 0);
	/* an undefined parameter is empty and a warning */
	banner("smtpd_banner = [$nothing]\n", "[]", 0);
}

static void
test_defaults(void **state)
{
	(void)state;
	banner("", "<system-hostname> ESMTP Postfix", 0);
	banner("mydomain = example.org\nsmtpd_banner = $mydomain $myorigin\n",
	       "example.org <system-hostname>", 0);
	banner("smtpd_banner = $mydomain\n", "<system-domain>", 0);
	banner("myhostname = mx1\nsmtpd_banner = $mydomain\n", "localdomain",
	       0);
	banner("myhostname = $x.example.com\nx = mx\n"
	       "smtpd_banner = $mydomain $mail_version\n",
	       "example.com <mail_version>", 0);
}

static void
test_errors(void **state)
{
	(void)state;
	banner("smtpd_banner = costs $ 5\n", NULL, 1);
	banner("smtpd_banner = end $\n", NULL, 1);
	banner("smtpd_banner = ${foo\n", NULL, 1);
	banner("smtpd_banner = ${}\n", NULL, 1);
	banner("smtpd_banner = ${a b}\n", NULL, 1);
	banner("a = 1\nsmtpd_banner = ${a?{x}junk}\n", NULL, 1);
	banner("smtpd_banner = ${{x} === {y}}\n", NULL, 1);
	banner("myhostname = $mydomain\nmydomain = $myhostname\n", NULL, 1);
	banner("smtpd_banner = $smtpd_banner\n", NULL, 1);
}

static void
test_provenance(void **state)
{
	const char *text = "myhostname = mx.example.com\n"
			   "smtpd_banner = $myhostname ESMTP $mail_name\n";
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;
	size_t i;
	bool found = false;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config(text, NULL, &d);
	sf = pf_surface(cfg, "main", "smtpd_banner");
	assert_int_equal(sf->norigin, 3);
	assert_string_equal(sf->origin[0].key, "smtpd_banner");
	assert_string_equal(sf->origin[1].key, "myhostname");
	assert_int_equal(sf->origin[1].setting->line, 1);
	assert_string_equal(sf->origin[2].key, "mail_name");
	assert_true(sf->origin[2].setting->is_default);
	/* "Postfix" came from mail_name's default through "$mail_name" */
	for (i = 0; i < sf->npieces; i++) {
		const struct bl_piece *p = &sf->pieces[i];

		if (p->origin != 2)
			continue;
		found = true;
		assert_memory_equal(sf->value + p->off, "Postfix", 7);
		assert_memory_equal(sf->configured + p->top_off, "$mail_name",
				    p->top_len);
	}
	assert_true(found);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* The only error diagnostic of d (there must be exactly one). */
static const struct bl_diag *
one_error(const struct bl_diags *d)
{
	const struct bl_diag *e = NULL;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == BL_LEVEL_ERROR) {
			assert_null(e);
			e = &d->v[i];
		}
	assert_non_null(e);
	return e;
}

/* A main.cf whose l0 holds fanout references to l1, l1 to l2, ...,
 * levels deep, and the last level is leaf (caller frees). */
static char *
bomb(unsigned fanout, unsigned levels, const char *leaf, const char *sep)
{
	struct bl_buf b;
	unsigned i, k;

	bl_buf_init(&b);
	bl_buf_adds(&b, "myhostname = mx.example.com\n"
			"smtpd_banner = $myhostname ESMTP $l0\n");
	for (i = 0; i < levels; i++) {
		bl_buf_printf(&b, "l%u =", i);
		for (k = 0; k < fanout; k++)
			bl_buf_printf(&b, "%s$l%u", k ? sep : " ", i + 1);
		bl_buf_addc(&b, '\n');
	}
	bl_buf_printf(&b, "l%u = %s\n", levels, leaf);
	return bl_buf_steal(&b);
}

static void
test_bombs(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;
	const struct bl_diag *e;
	char *text;

	(void)state;
	/* 10^10 bytes: stops at 64 KiB, at the banner's $l0 */
	text = bomb(10, 10, "x", " ");
	bl_diags_init(&d);
	cfg = pf_config(text, NULL, &d);
	sf = pf_surface(cfg, "main", "smtpd_banner");
	assert_false(sf->valid);
	assert_true(strlen(sf->value) <= BL_VALUE_MAX);
	e = one_error(&d);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->col, 34);
	assert_non_null(strstr(e->message, "expanding $l0"));
	assert_non_null(strstr(e->message, "65536 bytes"));
	/* the HELO names do not use it: they are fine */
	assert_true(pf_surface(cfg, "main", "smtp_helo_name")->valid);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);

	/* 10^10 references that make no text: stops at the work limit */
	text = bomb(10, 10, "", "");
	bl_diags_init(&d);
	cfg = pf_config(text, NULL, &d);
	sf = pf_surface(cfg, "main", "smtpd_banner");
	assert_false(sf->valid);
	e = one_error(&d);
	assert_int_equal(e->line, 2);
	assert_non_null(strstr(e->message, "expanding $l0"));
	assert_non_null(strstr(e->message, "units of work"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);

	/* 8^7 = 2,097,152 references that make no text read and make some
	 * 12 MiB, under BL_WORK_MAX; a reference followed costs
	 * BL_WORK_STEP besides, so this is past the limit: a step is not
	 * free (at one unit each, ten million of them took seconds) */
	assert_true(BL_WORK_STEP >= 16);
	text = bomb(8, 7, "", "");
	bl_diags_init(&d);
	cfg = pf_config(text, NULL, &d);
	assert_false(pf_surface(cfg, "main", "smtpd_banner")->valid);
	assert_non_null(strstr(one_error(&d)->message, "units of work"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);

	/* a parameter that refers to itself ten times: one error where the
	 * cycle closes, not 10^100 expansions */
	bl_diags_init(&d);
	cfg = pf_config("smtpd_banner = $a\n"
			"a = $a $a $a $a $a $a $a $a $a $a\n",
			NULL, &d);
	e = one_error(&d);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->col, 5);
	assert_non_null(strstr(e->message, "refers to itself"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* Every service inherits a 60 KB banner: the work of the instance is
 * bounded, the surfaces past it are not computed, one error says why. */
static void
test_work_across_surfaces(void **state)
{
	struct bl_buf main_cf, master_cf;
	struct bl_diags d;
	struct bl_config *cfg;
	size_t i, valid = 0, invalid = 0;

	(void)state;
	bl_buf_init(&main_cf);
	bl_buf_adds(&main_cf, "myhostname = mx.example.com\n"
			      "smtpd_banner = $myhostname ");
	for (i = 0; i < 6000; i++)
		bl_buf_adds(&main_cf, "0123456789");
	bl_buf_addc(&main_cf, '\n');
	bl_buf_init(&master_cf);
	for (i = 0; i < 2000; i++)
		bl_buf_printf(&master_cf, "s%zu inet n - y - - smtpd\n", i);
	bl_diags_init(&d);
	cfg = pf_config(main_cf.data, master_cf.data, &d);
	for (i = 0; i < cfg->nsurfaces; i++) {
		if (cfg->surfaces[i].kind != BL_SURFACE_BANNER)
			continue;
		if (cfg->surfaces[i].valid)
			valid++;
		else
			invalid++;
	}
	/* 32 MiB of work is some 500 copies of the banner */
	assert_true(valid > 100 && valid < 1000);
	assert_int_equal(valid + invalid, 2001);
	assert_int_equal(one_error(&d)->line, 2);
	assert_non_null(strstr(one_error(&d)->message, "units of work"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&main_cf);
	bl_buf_finish(&master_cf);
}

/* One surface per smtpd, postscreen, smtp and lmtp service, at most
 * BL_SURFACES_MAX in an instance: one error, at the first service left
 * out; services of other programs do not count. */
static void
test_surface_cap(void **state)
{
	struct bl_buf master_cf;
	struct bl_diags d;
	struct bl_config *cfg;
	size_t i, n = BL_SURFACES_MAX + 10, errors = 0;

	(void)state;
	bl_buf_init(&master_cf);
	bl_buf_adds(&master_cf, "pickup unix n - y 60 1 pickup\n");
	for (i = 0; i < n; i++)
		bl_buf_printf(&master_cf, "127.0.0.%zu:%zu inet n - y - - smtpd\n",
			      i % 250 + 1, i + 1);
	bl_diags_init(&d);
	cfg = pf_config("myhostname = mx.example.com\n", master_cf.data, &d);
	/* smtpd_banner, smtp_helo_name, lmtp_lhlo_name of main, then the
	 * services until the cap */
	assert_int_equal(cfg->nsurfaces, BL_SURFACES_MAX);
	for (i = 0; i < d.n; i++) {
		if (d.v[i].level != BL_LEVEL_ERROR)
			continue;
		errors++;
		assert_non_null(strstr(d.v[i].message,
				       "listeners and clients in one instance"));
		/* pickup is line 1; service k (from 0) is line k + 2 */
		assert_int_equal(d.v[i].line, BL_SURFACES_MAX - 3 + 2);
	}
	assert_int_equal(errors, 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&master_cf);
}

/* smtp_helo_name = $myhostname$l0, $l0 ... $l(n-1) refer to the next,
 * and $ln is leaf: errors as postconf -xh has them (tested on 3.7.11). */
static size_t
chain_errors(unsigned n, const char *leaf)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	size_t errors;
	unsigned i;

	bl_buf_init(&b);
	bl_buf_adds(&b, "myhostname = mx.example.com\n"
			"smtp_helo_name = $myhostname$l0\n");
	for (i = 0; i < n; i++)
		bl_buf_printf(&b, "l%u = $l%u\n", i, i + 1);
	bl_buf_printf(&b, "l%u = %s\n", n, leaf);
	bl_diags_init(&d);
	cfg = pf_config(b.data, NULL, &d);
	errors = d.errors;
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
	return errors;
}

/* smtpd_banner with ${a?{ nested n deep around inner (a is set). */
static size_t
nest_errors(unsigned n, const char *inner)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	size_t errors;
	unsigned i;

	bl_buf_init(&b);
	bl_buf_adds(&b, "myhostname = mx.example.com\na = x\nsmtpd_banner = x");
	for (i = 0; i < n; i++)
		bl_buf_adds(&b, "${a?{");
	bl_buf_adds(&b, inner);
	for (i = 0; i < n; i++)
		bl_buf_adds(&b, "}}");
	bl_buf_addc(&b, '\n');
	bl_diags_init(&d);
	cfg = pf_config(b.data, NULL, &d);
	errors = d.errors;
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
	return errors;
}

/* mac_expand fails the 102nd nested call, a literal text included. */
static void
test_nesting_limit(void **state)
{
	(void)state;
	assert_int_equal(chain_errors(99, "x"), 0);
	assert_int_equal(chain_errors(100, "x"), 1);
	assert_int_equal(chain_errors(100, ""), 0);
	assert_int_equal(chain_errors(101, ""), 1);
	assert_int_equal(nest_errors(100, "x"), 0);
	assert_int_equal(nest_errors(101, "x"), 1);
	assert_int_equal(nest_errors(101, ""), 0);
	assert_int_equal(nest_errors(102, ""), 1);
	/* far deeper: one error, no stack overflow */
	assert_int_equal(nest_errors(100000, "x"), 1);
}

/* Hundreds of thousands of settings and references: linear (a scan of
 * all settings for each lookup or each new setting took minutes). */
static void
test_many_settings(void **state)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;
	size_t i;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "myhostname = mx.example.com\n");
	for (i = 0; i < 300000; i++)
		bl_buf_printf(&b, "p%zu = v%zu\n", i, i);
	for (i = 0; i < 100000; i++)
		bl_buf_printf(&b, "smtpd_banner = $myhostname %zu\n", i);
	bl_buf_adds(&b, "smtpd_banner = $myhostname");
	for (i = 0; i < 300000; i += 1000)
		bl_buf_printf(&b, " $p%zu", i);
	/* 60,000 lookups of the first setting, which make no text */
	for (i = 0; i < 60000; i++)
		bl_buf_adds(&b, "${p0:}");
	bl_buf_addc(&b, '\n');
	bl_diags_init(&d);
	cfg = pf_config(b.data, NULL, &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 100000); /* each redefinition */
	sf = pf_surface(cfg, "main", "smtpd_banner");
	assert_true(sf->valid);
	assert_int_equal(
		strncmp(sf->value, "mx.example.com v0 v1000 v2000", 29), 0);
	assert_int_equal(sf->norigin, 2 + 300);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
}

/* One start-up error at file:line whose message holds what (NULL: none). */
static void
startup(const char *main_cf, const char *master_cf, const char *file,
	unsigned line, const char *what)
{
	struct bl_diags d;
	struct bl_config *cfg;
	size_t i, n = 0;

	bl_diags_init(&d);
	cfg = pf_config(main_cf, master_cf, &d);
	for (i = 0; i < d.n; i++) {
		if (d.v[i].level != BL_LEVEL_ERROR)
			continue;
		n++;
		assert_non_null(what);
		assert_non_null(strstr(d.v[i].message, what));
		assert_non_null(strstr(d.v[i].file, file));
		assert_int_equal(d.v[i].line, line);
	}
	if (n != (what != NULL ? 1u : 0u))
		print_message("case: %s", main_cf);
	assert_int_equal(n, what != NULL ? 1 : 0);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/*
 * What mail_params_init refuses and postconf prints (judged with postmap
 * in the oracle): empty strings, also through an undefined reference,
 * invalid host names, numbers, times and booleans that do not parse or
 * lie out of bounds; and the values that look odd but pass.
 */
static void
test_startup_errors(void **state)
{
	(void)state;
	startup("myhostname =\n", NULL, "main.cf", 1, "is empty");
	startup("x = 1\nmyhostname = $undefined\n", NULL, "main.cf", 2,
		"empty after expansion");
	startup("myhostname = ${a}${b}\n", NULL, "main.cf", 1, "empty");
	startup("myhostname = mx.example.net # x\n", NULL, "main.cf", 1,
		"not a valid host name");
	startup("myhostname = 192.0.2.1\n", NULL, "main.cf", 1, "all digits");
	startup("myhostname = mx.example.net.\n", NULL, "main.cf", 1,
		"ends with a dot");
	startup("myhostname = a..b\n", NULL, "main.cf", 1, "empty label");
	startup("myhostname = a.-b\n", NULL, "main.cf", 1, "hyphen");
	startup("myhostname = m.example\nmydomain = -x.net\n", NULL,
		"main.cf", 2, "hyphen");
	startup("myhostname = m.example\nmail_name =\n", NULL, "main.cf", 2,
		"mail_name: the value is empty");
	startup("myhostname = m.example\ndefault_verp_delimiters = +\n", NULL,
		"main.cf", 2, "has 1 characters, not 2");
	startup("myhostname = m.example\nmyorigin = a.example b.example\n",
		NULL, "main.cf", 2, "more than one value");
	startup("myhostname = m.example\nrelayhost = M.EXAMPLE\n", NULL,
		"main.cf", 2, "must not be identical");
	startup("myhostname = m.example\nmax_use = 0\n", NULL, "main.cf", 2,
		"less than 1,");
	startup("myhostname = m.example\nline_length_limit = 511\n", NULL,
		"main.cf", 2, "less than 512");
	startup("myhostname = m.example\nmax_use = 5.0\n", NULL, "main.cf", 2,
		"not a whole number");
	startup("myhostname = m.example\nmax_use = 99999999999\n", NULL,
		"main.cf", 2, "not a whole number");
	startup("myhostname = m.example\ndelay_logging_resolution_limit = 7\n",
		NULL, "main.cf", 2, "more than 6");
	startup("myhostname = m.example\nmax_idle = 5 s\n", NULL, "main.cf",
		2, "not a time");
	startup("myhostname = m.example\nmax_idle = -1\n", NULL, "main.cf", 2,
		"not a time");
	startup("myhostname = m.example\nipc_timeout = 0s\n", NULL, "main.cf",
		2, "less than 1 second,");
	startup("myhostname = m.example\nin_flow_delay = 11\n", NULL,
		"main.cf", 2, "more than 10 seconds");
	startup("myhostname = m.example\nsoft_bounce = true\n", NULL,
		"main.cf", 2, "not yes or no");
	/* accepted */
	startup("myhostname = mail_1\nsoft_bounce = YES\nmax_use = +5\n"
		"max_idle = 1h30m\nipc_timeout = 10s\nin_flow_delay = 0\n"
		"dont_remove = 0\nmessage_size_limit = 0\n"
		"myorigin = $mydomain\nmydomain = example.net\n",
		NULL, NULL, 0, NULL);
	startup("myhostname = 1.2.3.mx\nmax_idle = 1sx\n", NULL, NULL, 0,
		NULL);
	/* unset: the defaults are valid; a placeholder is not judged */
	startup("", NULL, NULL, 0, NULL);
	/* the HELO name of a client: main.cf alone, or each smtp service */
	startup("myhostname = m.example\nsmtp_helo_name =\n", NULL, "main.cf",
		2, "the smtp client refuses");
	startup("myhostname = m.example\nlmtp_lhlo_name = $nothing\n", NULL,
		"main.cf", 2, "the lmtp client refuses");
	startup("myhostname = m.example\nsmtp_helo_name =\n",
		"smtpd inet n - y - - smtpd\n", NULL, 0, NULL);
	startup("myhostname = m.example\ne =\n",
		"smtp unix - - y - - smtp\n"
		"relay unix - - y - - smtp -o smtp_helo_name=$e\n",
		"master.cf", 2, "the smtp client of service relay/unix");
	/* a service's -o of a global parameter: that daemon only */
	startup("myhostname = m.example\n",
		"smtp inet n - y - - smtpd\n"
		"sub inet n - y - - smtpd -o myhostname=\n",
		"master.cf", 2, "the daemon of service sub/inet");
	startup("myhostname = $h\nh = m.example\n",
		"sub inet n - y - - smtpd -o h=\n", "main.cf", 1,
		"with that service's overrides");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_provenance),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_work_across_surfaces),
		cmocka_unit_test(test_surface_cap),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_many_settings),
		cmocka_unit_test(test_startup_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

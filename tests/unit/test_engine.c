/* SPDX-License-Identifier: BSD-2-Clause */
/* test_engine.c - rules on surfaces: blame, checks, roles, suppressions */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "engine.h"
#include "helpers.h"

static struct bl_ruleset *rs;

static int
setup(void **state)
{
	struct bl_diags d;

	(void)state;
	bl_diags_init(&d);
	rs = bl_ruleset_new(NULL, &d);
	bl_diags_finish(&d);
	return rs ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	bl_ruleset_free(rs);
	return 0;
}

struct result {
	struct bl_config *cfg;
	struct bl_findings fs;
	struct bl_diags d;
};

static void
run(struct result *r, const char *main_cf, const char *master_cf,
    const struct bl_engine_opts *o)
{
	struct bl_engine_opts none;

	memset(&none, 0, sizeof(none));
	memset(r, 0, sizeof(*r));
	bl_diags_init(&r->d);
	r->cfg = pf_config(main_cf, master_cf, &r->d);
	bl_engine_run(rs, r->cfg, o ? o : &none, &r->fs, &r->d);
}

static void
done(struct result *r)
{
	bl_findings_finish(&r->fs);
	bl_config_free(r->cfg);
	bl_diags_finish(&r->d);
}

static const struct bl_finding *
find(const struct result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->fs.n; i++)
		if (strcmp(r->fs.v[i].rule->id, id) == 0)
			return &r->fs.v[i];
	return NULL;
}

static size_t
count(const struct result *r, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < r->fs.n; i++)
		n += strcmp(r->fs.v[i].rule->id, id) == 0;
	return n;
}

static void
test_blame_through_default(void **state)
{
	struct result r;
	const struct bl_finding *f;

	(void)state;
	run(&r,
	    "myhostname = mx1.mail-host.net\n"
	    "smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)\n",
	    "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n",
	    NULL);
	f = find(&r, "BL101");
	assert_non_null(f);
	/* the "$mail_name" token, not the mail_name default */
	assert_int_equal(f->line, 2);
	assert_int_equal(f->col, 34);
	assert_int_equal(f->len, 10);
	assert_non_null(strstr(f->message, "default"));
	/* three listeners, one finding */
	assert_int_equal(count(&r, "BL101"), 1);
	assert_int_equal(f->also, 2);
	/* one edit for both leaks of the setting, the same fix on each */
	assert_non_null(f->fix);
	assert_int_equal(f->fix->safety, BL_FIX_SAFE);
	assert_int_equal(f->fix->nedits, 1);
	assert_string_equal(f->fix->text, "smtpd_banner = $myhostname ESMTP");
	assert_string_equal(f->fix->edits[0].text, "");
	assert_int_equal(f->fix->edits[0].off, 31 + 32);
	assert_int_equal(f->fix->edits[0].len, 24);
	f = find(&r, "BL103");
	assert_int_equal(f->col, 45);
	assert_int_equal(f->len, 12);
	assert_non_null(f->fix);
	assert_string_equal(f->fix->text, "smtpd_banner = $myhostname ESMTP");
	done(&r);
}

static void
test_hostname_checks(void **state)
{
	struct result r;
	const struct bl_finding *f;

	(void)state;
	run(&r, "myhostname = mx1\nsmtpd_banner = $myhostname ESMTP\n", NULL,
	    NULL);
	f = find(&r, "BL202");
	assert_non_null(f);
	/* a bad name points at the myhostname line */
	assert_int_equal(f->line, 1);
	assert_int_equal(f->col, 14);
	done(&r);

	run(&r, "myhostname = 192.0.2.7\nsmtpd_banner = $myhostname ESMTP\n",
	    NULL, NULL);
	assert_int_equal(find(&r, "BL204")->severity, BL_LEVEL_ERROR);
	assert_null(find(&r, "BL202"));
	done(&r);

	run(&r, "myhostname = mx1.mail-host.net\n"
		"smtpd_banner = $myhostname ESMTP\n"
		"smtp_helo_name = [192.0.2.7]\n",
	    NULL, NULL);
	assert_int_equal(find(&r, "BL204")->severity, BL_LEVEL_WARNING);
	done(&r);

	run(&r, "myhostname = mx_1.mail-host.net\nsmtpd_banner = $myhostname "
		"ESMTP\n",
	    NULL, NULL);
	assert_non_null(find(&r, "BL206"));
	done(&r);

	run(&r, "myhostname = mail.corp.lan\nsmtpd_banner = $myhostname "
		"ESMTP\n",
	    NULL, NULL);
	assert_non_null(find(&r, "BL203"));
	done(&r);

	run(&r, "smtpd_banner = SMTP Server Ready\n"
		"myhostname = mx1.mail-host.net\n",
	    NULL, NULL);
	assert_non_null(find(&r, "BL105"));
	assert_null(find(&r, "BL202"));
	assert_null(find(&r, "BL301"));
	done(&r);
}

/* BL208 is the cause, not a symptom: one finding per instance, at the
 * file where the name is set (main.cf even when master.cf's listeners use
 * it), naming the setting and every surface it affects. */
static void
test_unset_hostname_once(void **state)
{
	struct result r;
	const struct bl_finding *f;

	(void)state;
	run(&r, "smtpd_banner = $myhostname ESMTP\n",
	    "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n"
	    "relay unix - - y - - smtp\n",
	    NULL);
	assert_int_equal(count(&r, "BL208"), 1);
	f = find(&r, "BL208");
	assert_string_equal(f->file, "main.cf");
	assert_int_equal(f->line, 0);
	assert_non_null(strstr(f->message, "set myhostname in main.cf"));
	/* main's three, two smtpd listeners and the smtp client */
	assert_int_equal(f->also, 5);
	assert_non_null(strstr(f->message, "and 2 more"));
	done(&r);

	/* only master.cf: still main.cf, where myhostname goes */
	run(&r, NULL, "smtp inet n - y - - smtpd\n", NULL);
	f = find(&r, "BL208");
	assert_non_null(f);
	assert_int_equal(count(&r, "BL208"), 1);
	assert_string_equal(f->file, "main.cf");
	done(&r);

	run(&r, "myhostname = mx1.mail-host.net\n", NULL, NULL);
	assert_null(find(&r, "BL208"));
	done(&r);
}

/* A template token is BL207 only; a real bad name around a placeholder
 * label is still BL206; an empty HELO name set so is BL206. */
static void
test_placeholder_not_malformed(void **state)
{
	struct result r;

	(void)state;
	run(&r, "myhostname = PH_HOSTNAME\nsmtpd_banner = $myhostname ESMTP\n",
	    NULL, NULL);
	assert_non_null(find(&r, "BL207"));
	assert_null(find(&r, "BL202"));
	assert_null(find(&r, "BL206"));
	done(&r);

	run(&r, "myhostname = mail_relay.example.net\n"
		"smtpd_banner = $myhostname ESMTP\n",
	    NULL, NULL);
	assert_non_null(find(&r, "BL207"));
	assert_non_null(find(&r, "BL206"));
	done(&r);

	run(&r, "myhostname = mx1.mail-host.net\nsmtp_helo_name =\n", NULL,
	    NULL);
	assert_non_null(find(&r, "BL206"));
	done(&r);
}

static void
test_roles(void **state)
{
	struct result r;

	(void)state;
	/* outbound only: helo rules, no banner rules */
	run(&r, "inet_interfaces = loopback-only\nmyhostname = mx1\n", NULL,
	    NULL);
	assert_null(find(&r, "BL101"));
	assert_non_null(find(&r, "BL202"));
	done(&r);
	/* a master.cf without an smtpd inet service: likewise */
	run(&r, "myhostname = mx1.mail-host.net\n",
	    "pickup unix n - y 60 1 pickup\nsmtp unix - - y - - smtp\n", NULL);
	assert_null(find(&r, "BL101"));
	done(&r);
}

static void
test_consistency(void **state)
{
	struct result r;
	struct bl_engine_opts o;

	(void)state;
	run(&r, "myhostname = mx1.mail-host.net\nsmtpd_banner = $myhostname "
		"ESMTP\nsmtp_helo_name = out.mail-host.net\n",
	    NULL, NULL);
	assert_int_equal(count(&r, "BL301"), 1); /* smtp, not lmtp */
	done(&r);

	memset(&o, 0, sizeof(o));
	o.hostname = "mx2.mail-host.net";
	run(&r, "myhostname = mx1.mail-host.net\nsmtpd_banner = $myhostname "
		"ESMTP\n",
	    NULL, &o);
	assert_non_null(strstr(find(&r, "BL301")->message, "mx2.mail-host"));
	done(&r);

	run(&r, "smtpd_banner = a\nmyhostname = mx1.mail-host.net\n"
		"smtpd_banner = $myhostname ESMTP\n",
	    NULL, NULL);
	assert_int_equal(find(&r, "BL302")->line, 1);
	done(&r);

	run(&r, "myhostname = mx1.mail-host.net\nsmtpd_banner = $myhostname "
		"ESMTP\n",
	    "smtp inet n - y - - smtpd -o smtpd_banner=$myhostname ESMTP\n"
	    "x unix - n n - - pipe flags=F user=u argv=/bin/true\n",
	    NULL);
	assert_int_equal(count(&r, "BL304"), 1);
	assert_int_equal(find(&r, "BL304")->col, 55);
	done(&r);
}

static void
test_suppressions_and_overrides(void **state)
{
	struct result r;
	struct bl_engine_opts o;
	char *ids[] = {"BL103", NULL};
	enum bl_level levels[] = {BL_LEVEL_ERROR};

	(void)state;
	run(&r,
	    "myhostname = mx1.mail-host.net\n"
	    "# bannerlint: disable=BL103 -- the OS tag is policy\n"
	    "smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)\n"
	    "# bannerlint: disable=BL204 -- nothing here\n"
	    "mail_owner = postfix\n"
	    "# bannerlint: disable=BL101\n"
	    "relayhost =\n",
	    NULL, NULL);
	assert_null(find(&r, "BL103"));
	assert_non_null(find(&r, "BL101"));
	assert_int_equal(count(&r, "BL001"), 1);
	assert_int_equal(find(&r, "BL001")->line, 4);
	assert_int_equal(r.d.warnings, 1); /* the one without a reason */
	done(&r);

	memset(&o, 0, sizeof(o));
	o.no_inline = true;
	o.severity_ids = ids;
	o.severity_levels = levels;
	o.nseverity = 1;
	run(&r,
	    "myhostname = mx1.mail-host.net\n"
	    "# bannerlint: disable=BL103 -- the OS tag is policy\n"
	    "smtpd_banner = $myhostname ESMTP (Debian/GNU)\n",
	    NULL, &o);
	assert_int_equal(find(&r, "BL103")->severity, BL_LEVEL_ERROR);
	assert_null(find(&r, "BL001"));
	done(&r);
}

/* A surface for calling a per-surface check directly. */
static void
helo_surface(struct bl_surface *sf, const char *name)
{
	memset(sf, 0, sizeof(*sf));
	sf->kind = BL_SURFACE_HELO;
	sf->scope = "main";
	sf->key = "smtp_helo_name";
	sf->configured = name;
	sf->value = name;
	sf->hostname = name;
	sf->valid = true;
}

/*
 * The check table: every shipped rule's check is in it, of one kind; a
 * per-surface check answers YES and NO; a check that hits a search limit
 * answers "could not tell" through the engine (a note, the unknown count,
 * no finding).
 */
static void
test_check_table(void **state)
{
	struct bl_engine_opts none;
	struct bl_check_env env;
	struct bl_verdict v;
	struct bl_surface sf;
	const struct bl_check *c;
	struct bl_ruleset *site;
	struct bl_diags d;
	struct result r;
	char dir[] = "/tmp/bl-checks-XXXXXX", *path;
	FILE *fp;
	size_t i;

	(void)state;
	for (i = 0; i < rs->nrules; i++) {
		if (rs->rules[i].check == NULL)
			continue;
		c = rs->rules[i].builtin;
		assert_non_null(c);
		assert_ptr_equal(c, bl_check_find(rs->rules[i].check));
		assert_int_equal((c->surface != NULL) + (c->instance != NULL) +
					 c->meta,
				 1);
	}
	assert_null(bl_check_find("no-such-check"));

	memset(&none, 0, sizeof(none));
	memset(&env, 0, sizeof(env));
	env.rs = rs;
	env.o = &none;
	c = bl_check_find("fqdn");
	assert_non_null(c->surface);
	helo_surface(&sf, "mail");
	memset(&v, 0, sizeof(v));
	assert_int_equal(c->surface(&env, rs->rules, &sf, &v), BL_OUTCOME_YES);
	assert_string_equal(v.detail, "mail");
	helo_surface(&sf, "mail.mail-host.net");
	assert_int_equal(c->surface(&env, rs->rules, &sf, &v), BL_OUTCOME_NO);
	c = bl_check_find("ip-literal");
	helo_surface(&sf, "192.0.2.25");
	v.level = BL_LEVEL_NOTE;
	assert_int_equal(c->surface(&env, rs->rules, &sf, &v), BL_OUTCOME_YES);
	assert_int_equal(v.level, BL_LEVEL_ERROR);

	/* a generic-name pattern that backtracks without end */
	assert_non_null(mkdtemp(dir));
	path = bl_xasprintf("%s/90-site.rules", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("generic BL205-slow {\n"
	      "\tpattern = \"^(a|aa)+$\"\n"
	      "\tdescription = \"a site pattern written to backtrack\"\n"
	      "}\n",
	      fp);
	assert_int_equal(fclose(fp), 0);
	bl_diags_init(&d);
	site = bl_ruleset_new(dir, &d);
	assert_non_null(site);
	bl_diags_finish(&d);
	memset(&r, 0, sizeof(r));
	bl_diags_init(&r.d);
	r.cfg = pf_config("myhostname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab.net\n"
			  "smtp_helo_name = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n",
			  NULL, &r.d);
	bl_engine_run(site, r.cfg, &none, &r.fs, &r.d);
	assert_null(find(&r, "BL205"));
	assert_true(r.fs.unknown >= 1);
	for (i = 0; i < r.d.n; i++)
		if (strstr(r.d.v[i].message, "could not tell whether BL205") !=
		    NULL)
			break;
	assert_true(i < r.d.n);
	done(&r);
	bl_ruleset_free(site);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(path);
}

/* Role awareness comes from the resolver: a loopback-only re-injection
 * listener (the content filter's return path) is not public, so no banner
 * rule judges it; the same listener on all addresses is. */
static void
test_loopback_listener(void **state)
{
	struct result r;

	(void)state;
	run(&r, "myhostname = mx1.mail-host.net\nsmtpd_banner = $myhostname ESMTP\n",
	    "smtp inet n - y - - smtpd\n"
	    "127.0.0.1:10026 inet n - n - - smtpd\n"
	    "  -o { smtpd_banner = $myhostname ESMTP Postfix }\n",
	    NULL);
	assert_null(find(&r, "BL101"));
	assert_null(find(&r, "BL303"));
	done(&r);
	run(&r, "myhostname = mx1.mail-host.net\nsmtpd_banner = $myhostname ESMTP\n",
	    "smtp inet n - y - - smtpd\n"
	    "10026 inet n - n - - smtpd\n"
	    "  -o { smtpd_banner = $myhostname ESMTP Postfix }\n",
	    NULL);
	assert_non_null(find(&r, "BL101"));
	assert_non_null(find(&r, "BL303"));
	done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blame_through_default),
		cmocka_unit_test(test_hostname_checks),
		cmocka_unit_test(test_unset_hostname_once),
		cmocka_unit_test(test_placeholder_not_malformed),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_consistency),
		cmocka_unit_test(test_suppressions_and_overrides),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_loopback_listener),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_postfix_expand.c - Postfix $parameter expansion and provenance */
#include "config.h"

#include <stdlib.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_provenance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_transcript.c - the live dialect (parsers/transcript.c): a probe's
 * transcript read into a greeting surface and the facts the BL5xx checks
 * read (struct bl_live), and what it refuses, at which line.
 */
#include "config.h"

#include <stdlib.h>

#include "helpers.h"
#include "live.h"
#include "smtp_reply.h"
#include "transcript.h"
#include "util.h"

#define HEAD                                                                   \
	"bannerlint-transcript 1\n"                                            \
	"P: target mx.mail-host.net:25\n"                                      \
	"P: host mx.mail-host.net\n"                                           \
	"P: address 127.0.0.1\n"                                               \
	"P: port 25\n"                                                         \
	"P: mode starttls\n"                                                   \
	"P: ehlo probe.mail-host.net\n"                                        \
	"P: started 1795000000\n"                                              \
	"E: connected 0.001\n"

static const char full[] =
	HEAD "S: 220-mx.mail-host.net ESMTP first\n"
	     "S: 220 mx.mail-host.net ESMTP Postfix\n"
	     "E: greeting 0.002\n"
	     "C: EHLO probe.mail-host.net\n"
	     "S: 250-mx.mail-host.net\n"
	     "S: 250-PIPELINING\n"
	     "S: 250 STARTTLS\n"
	     "C: STARTTLS\n"
	     "S: 220 2.0.0 Ready to start TLS\n"
	     "T: handshake ok\n"
	     "T: protocol TLSv1.3\n"
	     "T: cipher TLS_AES_256_GCM_SHA384\n"
	     "T: verify 10 certificate has expired\n"
	     "T: subject CN=mx.mail-host.net\n"
	     "T: issuer CN=Test CA\n"
	     "T: name mx.mail-host.net\n"
	     "T: name mail-host.net\n"
	     "T: not-before 1790000000\n"
	     "T: not-after 1796000000\n"
	     "T: covers mx.mail-host.net yes\n"
	     "C: EHLO probe.mail-host.net\n"
	     "S: 250-other.mail-host.net\n"
	     "S: 250 PIPELINING\n"
	     "C: QUIT\n"
	     "S: 221 2.0.0 Bye\n";

/* read_text - a live instance of text, resolved; its parse status */
static struct bl_config *
read_text(const char *text, struct bl_diags *d, int *rc)
{
	struct bl_config *cfg = bl_config_new("live", "probe.transcript");

	*rc = bl_parser_live.parse(
	    cfg, bl_source_from_mem("probe.transcript", text, strlen(text)),
	    BL_ROLE_TRANSCRIPT, d);
	if (*rc == 0)
		*rc = bl_parser_live.resolve(cfg, d);
	return cfg;
}

static void
test_full(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_live *lv;
	const struct bl_surface *sf;
	int rc;

	(void)state;
	bl_diags_init(&d);
	cfg = read_text(full, &d, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(d.n, 0);
	lv = bl_live_facts(cfg);
	assert_non_null(lv);
	assert_string_equal(lv->host, "mx.mail-host.net");
	assert_string_equal(lv->address, "127.0.0.1");
	assert_int_equal(lv->port, 25);
	assert_string_equal(lv->mode, "starttls");
	assert_true(lv->started == 1795000000LL);
	assert_true(lv->greeting.seen && lv->greeting.complete);
	assert_int_equal(lv->greeting.code, 220);
	assert_int_equal(lv->greeting.nlines, 2);
	assert_int_equal(lv->greeting.at.line, 10);
	assert_int_equal(lv->greeting.flaws, 0);
	assert_int_equal(lv->ehlo_reply.code, 250);
	assert_int_equal(lv->ehlo_reply.nlines, 3);
	assert_true(lv->starttls_offered);
	assert_int_equal(lv->starttls.code, 220);
	assert_true(lv->tls.tried && lv->tls.ok && !lv->tls.verified);
	assert_int_equal(lv->tls.verify_code, 10);
	assert_string_equal(lv->tls.verify_text, "certificate has expired");
	assert_string_equal(lv->tls.protocol, "TLSv1.3");
	assert_int_equal(lv->tls.nnames, 2);
	assert_string_equal(lv->tls.names[1], "mail-host.net");
	assert_true(lv->tls.not_after == 1796000000LL);
	assert_int_equal(lv->tls.ncovers, 1);
	assert_true(lv->tls.covers[0]);
	assert_int_equal(lv->ehlo_tls.code, 250);
	assert_null(lv->failure);
	assert_string_equal(lv->greeting_text,
			    "220-mx.mail-host.net ESMTP first\n"
			    "220 mx.mail-host.net ESMTP Postfix");
	/* one banner: its value the lines' text after the codes, its host
	 * name the first word, each line mapped to the transcript */
	assert_int_equal(cfg->nsurfaces, 1);
	sf = &cfg->surfaces[0];
	assert_int_equal(sf->kind, BL_SURFACE_BANNER);
	assert_string_equal(sf->scope, "port/25");
	assert_string_equal(sf->value, "mx.mail-host.net ESMTP first\n"
				       "mx.mail-host.net ESMTP Postfix");
	assert_string_equal(sf->hostname, "mx.mail-host.net");
	assert_true(sf->public && sf->valid);
	assert_int_equal(sf->origin[0].setting->nmap, 2);
	assert_int_equal(bl_setting_src_offset(sf->origin[0].setting, 29),
			 strstr(full, "mx.mail-host.net ESMTP Postfix") - full);
	bl_diags_finish(&d);
	bl_config_free(cfg);
}

/* a greeting the probe did not see to its end is no surface, and the run
 * is unverified with a note saying why */
static void
test_timeout(void **state)
{
	static const char text[] = HEAD "S: 220 hello\n"
					"E: partial greeting 2.001\n"
					"E: timeout greeting 2.002 no complete "
					"reply within 2 s\n";
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_live *lv;
	int rc;

	(void)state;
	bl_diags_init(&d);
	cfg = read_text(text, &d, &rc);
	assert_int_equal(rc, 0);
	lv = bl_live_facts(cfg);
	assert_string_equal(lv->failure, "timeout");
	assert_string_equal(lv->failure_phase, "greeting");
	assert_true(lv->tarpit);
	assert_false(lv->greeting.complete);
	assert_int_equal(cfg->nsurfaces, 0);
	assert_non_null(cfg->unverified);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].level, BL_LEVEL_NOTE);
	assert_int_equal(d.v[0].line, 12);
	assert_non_null(strstr(d.v[0].message, "no complete reply"));
	bl_diags_finish(&d);
	bl_config_free(cfg);
}

/* the server's bytes, escaped, still tell what was wrong with them */
static void
test_flaws(void **state)
{
	static const char text[] = HEAD "S: 220-a.mail-host.net \\x1b[31m\n"
					"S: 554 go away\n"
					"S: hello\n"
					"C: QUIT\n"
					"S: 221 bye\n";
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_live *lv;
	int rc;

	(void)state;
	bl_diags_init(&d);
	cfg = read_text(text, &d, &rc);
	assert_int_equal(rc, 0);
	lv = bl_live_facts(cfg);
	assert_int_equal(lv->greeting.code, 220);
	assert_true(lv->greeting.flaws & BL_SMTP_FLAW_CONTROL);
	assert_true(lv->greeting.flaws & BL_SMTP_FLAW_CODE_CHANGED);
	assert_true(lv->greeting.flaws & BL_SMTP_FLAW_NO_CODE);
	assert_false(lv->greeting.flaws & BL_SMTP_FLAW_8BIT);
	bl_diags_finish(&d);
	bl_config_free(cfg);
}

/* what is not a transcript is an error at its line */
static void
test_refused(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
	    {"bannerlint-transcript 2\nP: port 25\n", 1},
	    {"", 1},
	    {"bannerlint-transcript 1\nP: port 25\nX: what\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nS:x\n", 3},
	    {"bannerlint-transcript 1\nP: port 0\n", 2},
	    {"bannerlint-transcript 1\nP: port 65536\n", 2},
	    {"bannerlint-transcript 1\nP: colour blue\n", 2},
	    {"bannerlint-transcript 1\nP: port 25\nC: MAIL FROM:<a@b>\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nE: timeout 1.0\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nE: greeting soon\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nE: exploded 1.0\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nT: handshake maybe\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nT: covers a perhaps\n", 3},
	    {"bannerlint-transcript 1\nP: port 25\nT: not-after never\n", 3},
	    {"bannerlint-transcript 1\nS: 220 a\n", 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bl_diags d;
		struct bl_config *cfg;
		int rc;

		bl_diags_init(&d);
		cfg = read_text(bad[i].text, &d, &rc);
		if (rc != -1 || d.errors == 0 || d.v[0].line != bad[i].line)
			fail_msg("case %zu: rc %d, %zu errors, line %u", i, rc,
				 d.errors, d.n ? d.v[0].line : 0);
		bl_diags_finish(&d);
		bl_config_free(cfg);
	}
}

/* another dialect's instance has no live facts */
static void
test_not_live(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config("myhostname = a.mail-host.net\n", NULL, &d);
	assert_null(bl_live_facts(cfg));
	assert_null(bl_live_facts(NULL));
	bl_diags_finish(&d);
	bl_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_flaws),   cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_not_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

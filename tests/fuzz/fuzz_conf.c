/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_conf.c - libFuzzer harness: a .bannerlint.conf (libconfuse) found
 * by discovery beside two Postfix instances: main.cf with master.cf at the
 * top, and hosts/mx1/main.cf for the `path` sections that glob it. A valid
 * rules file waits in site-rules/ for a rules-dir to name it.
 */
#include "fuzz_common.h"

static const char site_rules[] =
	"rule BL901 {\n"
	"\tname = \"banner-welcome-text\"\n"
	"\tseverity = \"warning\"\n"
	"\tapplies = {\"banner\"}\n"
	"\ttarget = \"value\"\n"
	"\tmatch = \"(?i)welcome\"\n"
	"\tmessage = \"greeting contains a welcome phrase: %m\"\n"
	"\tfix = \"drop-match\"\n"
	"\tfix-safety = \"safe\"\n"
	"\texplain = \"Site policy.\"\n"
	"\trefs = {\"site policy 4.2\"}\n"
	"}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write_str("main.cf", bl_fuzz_main_cf);
	bl_fuzz_write_str("master.cf", bl_fuzz_master_cf);
	bl_fuzz_write_str("hosts/mx1/main.cf",
			  "myhostname = mx1\n"
			  "smtpd_banner = $myhostname ESMTP Welcome\n");
	bl_fuzz_write_str("site-rules/90-site.rules", site_rules);
	bl_fuzz_write(".bannerlint.conf", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

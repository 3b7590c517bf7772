/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_rules.c - libFuzzer harness: a rule file in a rules-dir. The case
 * is a valid main.cf, a .bannerlint.conf with rules-dir = "site-rules" and
 * the input as site-rules/50-fuzz.rules, loaded after the embedded
 * catalogue (rules/README.md): only check reads it, show runs too.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write_str("main.cf", bl_fuzz_main_cf);
	bl_fuzz_write_str(".bannerlint.conf", "rules-dir = \"site-rules\"\n");
	bl_fuzz_write("site-rules/50-fuzz.rules", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_postfix_master.c - libFuzzer harness: a Postfix master.cf beside a
 * small valid main.cf (one instance, the overrides resolved against it) */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write_str("main.cf", bl_fuzz_main_cf);
	bl_fuzz_write("master.cf", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

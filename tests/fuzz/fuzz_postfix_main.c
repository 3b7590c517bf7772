/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_postfix_main.c - libFuzzer harness: a Postfix main.cf alone */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write("main.cf", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

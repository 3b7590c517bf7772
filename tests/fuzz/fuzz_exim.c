/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_exim.c - libFuzzer harness: an Exim configuration in one file
 * (exim.conf; its .include files are whatever it names) */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write("exim.conf", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

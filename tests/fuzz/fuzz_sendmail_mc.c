/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_sendmail_mc.c - libFuzzer harness: a sendmail.mc through the m4
 * model, with no sendmail-cf tree (OSTYPE, DOMAIN, HACK find nothing) */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write("sendmail.mc", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

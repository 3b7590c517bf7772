/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_sendmail_cf.c - libFuzzer harness: a generated sendmail.cf */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write("sendmail.cf", data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

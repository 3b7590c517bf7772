/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_detect.c - libFuzzer harness: a file given by a name no dialect
 * claims, so its dialect is told by its content (Postfix main.cf or
 * master.cf lines, Exim, m4, sendmail.cf, a template, binary data).
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bl_fuzz_begin(data, size);
	bl_fuzz_write("input.conf", data, size);
	bl_fuzz_run(NULL, bl_fuzz_path("input.conf"));
	return 0;
}

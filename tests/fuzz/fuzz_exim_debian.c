/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_exim_debian.c - libFuzzer harness: a Debian /etc/exim4 tree as
 * update-exim4.conf assembles it. The input is several files: the text
 * before the first separator line is update-exim4.conf.conf; a line
 * "%%% PATH" starts the file PATH (e.g. conf.d/main/02_options,
 * conf.d/router/100_remote.rul, exim4.conf.template,
 * exim4.conf.localmacros, exim4.conf), made a safe relative path of at
 * most three components. tests/fuzz/run-fuzzer.py writes the seeds of
 * fixtures/exim-debian/ (and of the single-file Exim fixtures, as split
 * and template trees) in this form.
 */
#include <string.h>

#include "fuzz_common.h"

#define SEPARATOR "%%% "
#define MAX_FILES 32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *name = "update-exim4.conf.conf", *body = p, *q;
	char safe[256];
	unsigned nfiles = 0;

	bl_fuzz_begin(data, size);
	for (q = p; q <= end; q++) {
		const char *nl, *next;

		/* a separator starts a line: at the very start or after \n */
		if (q < end && !((q == p || q[-1] == '\n') &&
				 (size_t)(end - q) >= strlen(SEPARATOR) &&
				 memcmp(q, SEPARATOR, strlen(SEPARATOR)) == 0))
			continue;
		if (nfiles++ < MAX_FILES)
			bl_fuzz_write(name, body, (size_t)(q - body));
		if (q == end)
			break;
		next = q + strlen(SEPARATOR);
		nl = memchr(next, '\n', (size_t)(end - next));
		nl = nl ? nl : end;
		bl_fuzz_sanitize_name(safe, sizeof(safe), next,
				      (size_t)(nl - next), 3);
		name = safe;
		body = nl < end ? nl + 1 : end;
		q = body - 1;
	}
	bl_fuzz_run(NULL, NULL);
	return 0;
}

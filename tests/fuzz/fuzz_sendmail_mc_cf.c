/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_sendmail_mc_cf.c - libFuzzer harness: a sendmail.mc through the m4
 * model with Debian's sendmail-cf tree (--sendmail-cf), so OSTYPE, DOMAIN,
 * FEATURE, HACK and MAILER read the real files. The tree is
 * $BL_FUZZ_SENDMAIL_CF, else the one tests/setup-components.sh unpacks
 * (BL_FUZZ_SENDMAIL_CF_DEFAULT, set by meson); without it the harness
 * aborts on its first input rather than fuzz less than it says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz_common.h"

#ifndef BL_FUZZ_SENDMAIL_CF_DEFAULT
#define BL_FUZZ_SENDMAIL_CF_DEFAULT "/usr/share/sendmail/cf"
#endif

/* cf_tree - the sendmail-cf directory, checked once */
static const char *
cf_tree(void)
{
	static const char *dir;
	char probe[4096];
	struct stat st;

	if (dir != NULL)
		return dir;
	dir = getenv("BL_FUZZ_SENDMAIL_CF");
	if (dir == NULL || *dir == '\0')
		dir = BL_FUZZ_SENDMAIL_CF_DEFAULT;
	snprintf(probe, sizeof(probe), "%s/m4/cf.m4", dir);
	if (stat(probe, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr,
			"fuzz_sendmail_mc_cf: no sendmail-cf tree: %s is "
			"missing; run tests/setup-components.sh or set "
			"BL_FUZZ_SENDMAIL_CF\n",
			probe);
		abort();
	}
	return dir;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *extra[] = {"--sendmail-cf", cf_tree(), NULL};

	bl_fuzz_begin(data, size);
	bl_fuzz_write("sendmail.mc", data, size);
	bl_fuzz_run(extra, NULL);
	return 0;
}

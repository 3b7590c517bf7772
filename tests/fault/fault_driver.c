/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fault_driver.c - bl_file_replace alone, for the fault suite (fault.py):
 *
 *   fault_driver FILE NEWFILE [DELAY_US [SUFFIX]]
 *
 * reads FILE, prints "read" on stdout, waits DELAY_US microseconds (the
 * time `fix` spends between reading and writing, made long so that the
 * test can change FILE inside it), then replaces FILE with the bytes of
 * NEWFILE (backup in FILE+SUFFIX when given), printing "go" just before.
 * Errors are printed as
 * "FILE: error: MESSAGE"; exit 0 when written, 1 when not, 2 on misuse.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "diag.h"
#include "util.h"

/* slurp - a file's bytes (caller frees), NULL when it cannot be read */
static char *
slurp(const char *path, size_t *len)
{
	struct bl_buf b;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	bl_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bl_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return bl_buf_steal(&b);
}

int
main(int argc, char **argv)
{
	struct bl_diags d;
	struct timespec ts;
	char *old, *data, *end;
	size_t oldlen, len, i;
	unsigned long us = 0;
	int rc;

	if (argc < 3 || argc > 5) {
		fputs("usage: fault_driver FILE NEWFILE [DELAY_US [SUFFIX]]\n",
		      stderr);
		return 2;
	}
	if (argc >= 4) {
		errno = 0;
		us = strtoul(argv[3], &end, 10);
		if (errno != 0 || *end != '\0')
			return 2;
	}
	old = slurp(argv[1], &oldlen);
	data = slurp(argv[2], &len);
	if (data == NULL) {
		perror(argv[2]);
		return 2;
	}
	puts("read");
	fflush(stdout);
	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	/* the test knows a change made before this line was out came
	 * before bl_file_replace began */
	puts("go");
	fflush(stdout);
	bl_diags_init(&d);
	rc = bl_file_replace(argv[1], old, old != NULL ? oldlen : 0,
			     old == NULL, data, len, argc == 5 ? argv[4] : NULL,
			     &d);
	for (i = 0; i < d.n; i++)
		fprintf(stderr, "%s: %s: %s\n", d.v[i].file,
			bl_level_name(d.v[i].level), d.v[i].message);
	bl_diags_finish(&d);
	free(old);
	free(data);
	return rc == 0 ? 0 : 1;
}

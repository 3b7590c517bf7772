/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_suppress.c - libFuzzer harness: inline suppressions. Every input
 * line becomes the text after "# bannerlint:" of a comment in main.cf
 * (every fourth one in master.cf), each followed by a setting or service
 * that some rule flags, so that disable= and disable-file= have findings
 * to cover, miss or leave unused (BL001).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static const char *const settings[] = {
	"smtpd_banner = $myhostname ESMTP $mail_name ($mail_version)\n",
	"smtp_helo_name = localhost\n",
	"myhostname = mail.example.com\n",
	"smtpd_banner = $myhostname Microsoft ESMTP MAIL Service ready\n",
};

static const char *const services[] = {
	"smtp      inet  n       -       y       -       -       smtpd\n"
	"  -o smtpd_banner=$myhostname\\ ESMTP\\ Postfix\n",
	"relay     unix  -       -       y       -       -       smtp\n"
	"  -o smtp_helo_name=localhost\n",
};

/* add - append s[0, n) to the growing text *t of length *len */
static void
add(char **t, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*t = realloc(*t, *cap);
		if (*t == NULL)
			abort();
	}
	memcpy(*t + *len, s, n);
	*len += n;
	(*t)[*len] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "# bannerlint:";
	char *main_cf = NULL, *master_cf = NULL;
	size_t mlen = 0, mcap = 0, slen = 0, scap = 0, i = 0, n = 0, e;
	const char *p = (const char *)data;

	bl_fuzz_begin(data, size);
	add(&main_cf, &mlen, &mcap, "mydomain = example.com\n", 23);
	add(&master_cf, &slen, &scap, "", 0);
	while (i < size) {
		const char *nl = memchr(p + i, '\n', size - i);
		const char *s;

		e = nl ? (size_t)(nl - p) : size;
		if (n % 4 == 3) {
			s = services[(n / 4) % BL_FUZZ_ARRAY_LEN(services)];
			add(&master_cf, &slen, &scap, prefix,
			    sizeof(prefix) - 1);
			add(&master_cf, &slen, &scap, p + i, e - i);
			add(&master_cf, &slen, &scap, "\n", 1);
			add(&master_cf, &slen, &scap, s, strlen(s));
		} else {
			s = settings[n % BL_FUZZ_ARRAY_LEN(settings)];
			add(&main_cf, &mlen, &mcap, prefix, sizeof(prefix) - 1);
			add(&main_cf, &mlen, &mcap, p + i, e - i);
			add(&main_cf, &mlen, &mcap, "\n", 1);
			add(&main_cf, &mlen, &mcap, s, strlen(s));
		}
		n++;
		i = e + 1;
	}
	bl_fuzz_write("main.cf", main_cf, mlen);
	bl_fuzz_write("master.cf", master_cf, slen);
	free(main_cf);
	free(master_cf);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

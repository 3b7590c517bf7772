/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_common.h - what every libFuzzer harness of tests/fuzz/ shares */
#ifndef BL_FUZZ_COMMON_H
#define BL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define BL_FUZZ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The libFuzzer entry point each harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small valid main.cf on which some rules fire (BL101, BL207). */
extern const char bl_fuzz_main_cf[];
/* A small valid master.cf: smtpd services with overrides, an smtp client. */
extern const char bl_fuzz_master_cf[];

/* bl_fuzz_begin - start the input data[0, size): empty the case directory
 * (made once per process, under $TMPDIR, with a .git beside it so that
 * .bannerlint.conf discovery stops there); returns its absolute path
 * (static) */
const char *bl_fuzz_begin(const uint8_t *data, size_t size);

/* bl_fuzz_write - write a file of the case directory; rel may hold "/"
 * (directories are made); -1 when rel clashes with a file or directory
 * written before (fuzzed names can), abort() on any other failure */
int bl_fuzz_write(const char *rel, const void *data, size_t len);

/* bl_fuzz_write_str - bl_fuzz_write of a C string */
int bl_fuzz_write_str(const char *rel, const char *text);

/* bl_fuzz_path - absolute path of rel in the case directory (static,
 * overwritten by the next call) */
const char *bl_fuzz_path(const char *rel);

/* bl_fuzz_run - run bl_cli_main as the CLI would, once per command of the
 * matrix (show with and without colour, show --format json, check in
 * every format, text with --color always), with the extra options (NULL
 * terminated, may be NULL) before target (NULL: the case directory);
 * checks each exit status and the escaping contract of all output, and
 * that JSON output parses; abort()s with a message on a violation. With
 * BL_FUZZ_ROTATE=1 check runs as text and in one other format, chosen by
 * a hash of the input, instead of all six (2.5 times the speed) */
void bl_fuzz_run(const char *const *extra, const char *target);

/* bl_fuzz_sanitize_name - make s (len bytes, written to out of size
 * outsz) a safe relative path of at most depth components: bytes outside
 * [A-Za-z0-9._-] become '_', "." and ".." components become "_"; an
 * empty result is "_" */
void bl_fuzz_sanitize_name(char *out, size_t outsz, const char *s,
			   size_t len, unsigned depth);

struct bl_source;
struct bl_diags;
struct bl_ex_export;
struct bl_ex_prop;

/*
 * bl_fuzz_ex_check - the promises of parsers/exchange.h about one reading
 * of src by an Exchange reader (rc its result, d its diagnostics, ex what
 * it made; format the reader's): 0 or -1, errors exactly when -1, every
 * diagnostic at a line of src named `file`, and on success the format, no
 * delimiter, the limits, each object starting with the byte `first` at a
 * line of src, and each property checked by prop. abort()s with `who`'s
 * message on a breach.
 */
void bl_fuzz_ex_check(const char *who, const char *file,
		      const struct bl_source *src, int rc,
		      const struct bl_diags *d, const struct bl_ex_export *ex,
		      int format, char first,
		      void (*prop)(const struct bl_source *,
				   const struct bl_ex_prop *));

#endif

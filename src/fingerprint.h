/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fingerprint.h - a finding's identity across runs ("bannerlint/v2"): the
 * SARIF partialFingerprint, the JSON "fingerprint" and the key of a
 * baseline entry are this one value.
 */
#ifndef BL_FINGERPRINT_H
#define BL_FINGERPRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

/* 16 lowercase hex digits and the NUL */
#define BL_FINGERPRINT_SIZE 17

/* bl_fingerprint_compute - the fingerprint of each finding of one instance
 * (fs in instance order: the occurrence of a repeated finding counts) into
 * hex[i]; URIs relative to the absolute directory root, relative files
 * taken from the absolute directory cwd */
void bl_fingerprint_compute(const struct bl_findings *fs, const char *root,
			    const char *cwd, char (*hex)[BL_FINGERPRINT_SIZE]);
/* bl_fingerprint_findings - bl_fingerprint_compute into each finding's
 * own fingerprint field */
void bl_fingerprint_findings(struct bl_findings *fs, const char *root,
			     const char *cwd);
/* bl_fingerprint_hash - FNV-1a of a string, for hash tables ("" for NULL) */
uint64_t bl_fingerprint_hash(const char *s);
/* bl_fingerprint_valid - is s 16 lowercase hex digits? */
bool bl_fingerprint_valid(const char *s);

#endif

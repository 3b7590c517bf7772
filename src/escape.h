/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape.h - the one function that makes bytes from the input safe to print.
 *
 * Every string that came from a file, a path, a rule file, a DNS answer or
 * an SMTP reply passes through bl_escape before any output (text, gcc,
 * github, checkstyle, json, sarif): nothing a configuration holds can move
 * a cursor, retitle a terminal, forge an annotation or reorder text.
 */
#ifndef BL_ESCAPE_H
#define BL_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* keep a newline as it is (JSON and XML encode it themselves) */
#define BL_ESC_KEEP_NL 1u
/* keep a tab as it is */
#define BL_ESC_KEEP_TAB 2u
/* a tab as one space (a source line with a caret under it) */
#define BL_ESC_TAB_SPACE 4u
/* only bytes that are not UTF-8, as \xNN: a string for JSON, whose
 * document bl_escape_json makes safe */
#define BL_ESC_INVALID_ONLY 8u

/*
 * bl_escape - append s[0, n) to b: printable ASCII and well-formed UTF-8
 * as they are; C0 controls, DEL and bytes that are not UTF-8 as \xNN
 * (\t \n \r by name); C1 controls, bidirectional controls, line and
 * paragraph separators and the BOM as \u{XXXX}
 */
void bl_escape(struct bl_buf *b, const char *s, size_t n, unsigned flags);
/* bl_escape_str - s escaped with flags (caller frees) */
char *bl_escape_str(const char *s, unsigned flags);
/* bl_escape_print - s[0, n) escaped to fp */
void bl_escape_print(FILE *fp, const char *s, size_t n, unsigned flags);
/* bl_escape_puts - the NUL-terminated s escaped to fp */
void bl_escape_puts(FILE *fp, const char *s);
/* bl_escape_json - append the JSON document s[0, n) with DEL, C1,
 * bidirectional controls, separators and the BOM as \uXXXX escapes */
void bl_escape_json(struct bl_buf *b, const char *s, size_t n);
/* bl_escape_width - terminal columns of s[0, n) once escaped */
size_t bl_escape_width(const char *s, size_t n, unsigned flags);
/* bl_escape_needed - would bl_escape change s[0, n)? */
int bl_escape_needed(const char *s, size_t n, unsigned flags);

#endif

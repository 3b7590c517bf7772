/* SPDX-License-Identifier: BSD-2-Clause */
/* diag.h - diagnostics about the input: file:line:col, level, message */
#ifndef BL_DIAG_H
#define BL_DIAG_H

#include <stddef.h>

enum bl_level {
	BL_LEVEL_NOTE,
	BL_LEVEL_WARNING,
	BL_LEVEL_ERROR,
};

struct bl_diag {
	char *file; /* owned; may be NULL for diagnostics about no file */
	unsigned line; /* 1-based; 0 = the whole file */
	unsigned col;  /* 1-based; 0 = the whole line */
	enum bl_level level;
	char *message; /* owned */
	const char *rule; /* a rule that reports the same problem, or NULL */
};

/* How many diagnostics a file has had, for the per-file cap. */
struct bl_diag_file {
	char *file;     /* owned; NULL: a free slot */
	size_t kept;    /* diagnostics in the list */
	size_t dropped; /* past BL_DIAGS_PER_FILE: counted, not kept */
	size_t summary; /* index of the "... and N more" diagnostic */
};

/*
 * A list of diagnostics. Parsers add to it and go on; the caller decides
 * the exit status from the counts once everything has been read. A file
 * keeps its first BL_DIAGS_PER_FILE diagnostics; the rest still count
 * (errors, warnings) and are summed up in one "... and N more" line, so a
 * hostile file cannot flood the output.
 */
struct bl_diags {
	struct bl_diag *v;
	size_t n;
	size_t cap;
	size_t errors;
	size_t warnings;
	struct bl_diag_file *files; /* open addressing, by file name */
	size_t nfiles, filecap;
};

void bl_diags_init(struct bl_diags *d);
void bl_diags_finish(struct bl_diags *d);
void bl_diags_add(struct bl_diags *d, enum bl_level level, const char *file,
		  unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* bl_diags_push - a copy of g, counted, outside the per-file cap (g was
 * kept or summed up in the list it comes from already) */
void bl_diags_push(struct bl_diags *d, const struct bl_diag *g);
const char *bl_level_name(enum bl_level level);

#endif

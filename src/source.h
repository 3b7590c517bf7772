/* SPDX-License-Identifier: BSD-2-Clause */
/* source.h - a file's bytes and its line map */
#ifndef BL_SOURCE_H
#define BL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Configuration files are small; anything bigger is refused. */
#define BL_SOURCE_MAX (16u * 1024 * 1024)

struct bl_source {
	char *path;  /* the name to show, as given on the command line */
	char *data;  /* the bytes, NUL-terminated (the NUL is not in len) */
	size_t len;
	size_t *line_start; /* offset of the first byte of each line */
	size_t nlines;
	/*
	 * A rendered template (template.c): the kind of template it was
	 * ("Jinja", "ERB", ...; NULL: not a template) and the conditional
	 * branch each line is in, for bl_source_exclusive. branch[0] is
	 * outside every conditional; line_branch (nlines entries, may be
	 * NULL) indexes branch.
	 */
	const char *template_kind;
	struct bl_branch *branch;
	size_t nbranch;
	size_t *line_branch;
};

/* One branch of a template conditional ({% if %} ... {% else %} ...). */
struct bl_branch {
	size_t parent;  /* the branch the conditional is in (0: none) */
	size_t block;   /* which conditional: the same for all its branches */
	unsigned which; /* 0 for the first branch, 1 for the next, ... */
	unsigned depth; /* 0 outside every conditional */
};

/*
 * bl_source_load - read path into *out; on failure add an error to diags
 * (naming the file) and return -1. cap 0 means BL_SOURCE_MAX.
 */
int bl_source_load(struct bl_source **out, const char *path, size_t cap,
		   struct bl_diags *diags);
/*
 * A file is binary, not text, when it holds a NUL byte, or at least this
 * many control bytes (other than blanks, line ends and ESC) that make up
 * 1% or more of it.
 */
#define BL_BINARY_CONTROLS 8
/* bl_source_check_text - an error naming the place and -1 when src is
 * binary data, else 0 */
int bl_source_check_text(const struct bl_source *src, struct bl_diags *diags);

/* bl_source_from_mem - a source holding a copy of data (caller frees) */
struct bl_source *bl_source_from_mem(const char *path, const char *data,
				     size_t len);
void bl_source_free(struct bl_source *src);

/*
 * bl_source_exclusive - are line_a of a and line_b of b in branches of a
 * template conditional that never both render (the {% if %} and the
 * {% else %} of one {% if %})? False for different sources, for lines
 * outside templates and for lines that may render together.
 */
bool bl_source_exclusive(const struct bl_source *a, unsigned line_a,
			 const struct bl_source *b, unsigned line_b);
/* bl_source_exclusive_at - bl_source_exclusive of byte offsets */
bool bl_source_exclusive_at(const struct bl_source *a, size_t off_a,
			    const struct bl_source *b, size_t off_b);

/* bl_source_position - 1-based line and column of a byte offset */
void bl_source_position(const struct bl_source *src, size_t off,
			unsigned *line, unsigned *col);
/* bl_source_line - start of a 1-based line and its length without EOL */
const char *bl_source_line(const struct bl_source *src, unsigned line,
			   size_t *len);

#endif

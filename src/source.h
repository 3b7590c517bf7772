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
	/*
	 * The text as it was in the file when the source layer decoded it
	 * (bl_source_decode): "UTF-16LE" or "UTF-16BE" (data is then its
	 * UTF-8; with or without a BOM in the file), or NULL: data is the
	 * file's bytes. file_line_start (nlines entries) is the file offset
	 * of each line; lines are the same in both (a line feed decodes to
	 * a line feed), so line numbers need no map.
	 */
	const char *encoding;
	size_t *file_line_start;
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
/*
 * bl_source_decode - a file in UTF-16 (little or big endian; with a BOM,
 * or without one when its first two characters are ASCII, as every
 * export starts) becomes its UTF-8 text (iconv), its BOM dropped, with
 * src->encoding and the map to file offsets set. 0, or -1 with an error
 * at the line of the first byte that is not UTF-16 (a lone surrogate, an
 * odd length). Anything else is left as it is (a UTF-8 BOM too: the
 * dialect that allows one skips it). Loading decodes (bl_source_load,
 * bl_source_provider_load) before the text check.
 */
int bl_source_decode(struct bl_source *src, struct bl_diags *diags);
/* bl_source_file_offset - the offset in the file of byte off of the
 * (decoded) text */
size_t bl_source_file_offset(const struct bl_source *src, size_t off);
/* bl_source_check_text - an error naming the place and -1 when src is
 * binary data, else 0 */
int bl_source_check_text(const struct bl_source *src, struct bl_diags *diags);

/*
 * The source provider: where a reader gets the files an instance includes
 * (Exim .include, the Debian split tree's files, m4 include() and the
 * sendmail-cf tree's files). It serves an in-memory text (an overlay entry)
 * in place of the file of the same path, else reads the file system as
 * bl_source_load does. Paths are matched exactly as the reader would open
 * them: after bl_config_path's --root mapping and the reader's joining of
 * a relative name to its directory, that is, the path of the source it
 * makes. NULL stands for the plain file system. A provider is not changed
 * once readers use it, so any number of instances may read through it at
 * once (nothing is global).
 */
struct bl_source_provider;

/* What a path is, for a reader that must know before it reads. */
enum bl_source_kind {
	BL_SOURCE_ABSENT,  /* no such file (ENOENT) */
	BL_SOURCE_UNKNOWN, /* stat() fails otherwise (EACCES, ENOTDIR, ...) */
	BL_SOURCE_REGULAR, /* a regular file, or an overlay entry */
	BL_SOURCE_DIRECTORY, /* a directory, or the prefix of an entry */
	BL_SOURCE_SPECIAL, /* a FIFO, a device, a socket */
};

/* bl_source_provider_new - a provider with no overlay entries (caller
 * frees) */
struct bl_source_provider *bl_source_provider_new(void);
void bl_source_provider_free(struct bl_source_provider *p);
/* bl_source_provider_add - path reads as data[0, len) (copied); a second
 * entry for a path replaces the first */
void bl_source_provider_add(struct bl_source_provider *p, const char *path,
			    const char *data, size_t len);
/*
 * bl_source_provider_load - bl_source_load through p (NULL: the file
 * system): an overlay entry gets the same size cap and text check as a
 * file, with the same messages
 */
int bl_source_provider_load(const struct bl_source_provider *p,
			    struct bl_source **out, const char *path,
			    size_t cap, struct bl_diags *diags);
/* bl_source_provider_path - the path of the i-th overlay entry, NULL past
 * the last (borrowed; for readers that list a directory) */
const char *bl_source_provider_path(const struct bl_source_provider *p,
				    size_t i);
/* bl_source_provider_kind - what path is, through p (NULL: stat()) */
enum bl_source_kind bl_source_provider_kind(const struct bl_source_provider *p,
					    const char *path);

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

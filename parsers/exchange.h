/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange.h - Microsoft Exchange connector exports (Get-ReceiveConnector,
 * Get-SendConnector) in the four forms PowerShell writes them:
 * Format-List text, Export-Csv, Export-Clixml and ConvertTo-Json
 * (reference/formats.md section 4).
 *
 * The source layer has decoded the file to UTF-8 already (UTF-16 LE/BE,
 * with or without a BOM; src->encoding says which); a UTF-8 file may
 * still start with its BOM (EF BB BF), which every reader skips. Each
 * reader turns the text into the same list of objects, one per
 * connector, each a list of properties as exported; exchange_resolve.c
 * makes the surfaces. A reader knows its format's syntax only: which
 * properties matter is the resolver's business.
 *
 * Everything a reader makes is allocated in the arena it is given (the
 * instance's, cfg->arena); nothing is freed separately.
 */
#ifndef BL_EXCHANGE_H
#define BL_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "parser.h"
#include "source.h"
#include "util.h"

enum bl_ex_format {
	BL_EX_NONE,
	BL_EX_LIST,   /* Format-List text: "Name : Value" blocks */
	BL_EX_CSV,    /* Export-Csv (libcsv) */
	BL_EX_CLIXML, /* Export-Clixml (expat) */
	BL_EX_JSON,   /* ConvertTo-Json (jansson) */
};

/* Limits every reader enforces (an error at file:line beyond them). */
#define BL_EX_OBJECTS_MAX 10000u /* objects in one export */
#define BL_EX_PROPS_MAX 2000u    /* properties of one object */
#define BL_EX_ITEMS_MAX 10000u   /* elements of one collection */
#define BL_EX_DEPTH_MAX 64u      /* nesting of elements / arrays / objects */

/* One property of an exported object. */
struct bl_ex_prop {
	const char *name; /* as exported ("Banner"), NUL-terminated */
	/*
	 * The value as PowerShell held it, escapes decoded (CSV's doubled
	 * quotes, CLIXML's entities and _xHHHH_, JSON's \uXXXX), UTF-8,
	 * NUL-terminated; NULL for $null (a CSV field with no quotes, <Nil/>,
	 * JSON null, nothing after a Format-List colon). A collection's
	 * value is its elements joined with ", " (Format-List shows them so;
	 * CSV has only the text PowerShell wrote, e.g. "[::]:25 0.0.0.0:25").
	 */
	const char *value;
	size_t value_len;
	/* A collection's elements when the format shows them one by one
	 * (CLIXML <LST>/<IE>, a JSON array, Format-List "{a, b}"); NULL and
	 * 0 otherwise (a scalar, or CSV's flattened text) */
	const char **items;
	size_t nitems;
	/* the format shows only part of it: Format-List "{a, b...}" or
	 * "{a, b…}", a value ConvertTo-Json/Export-Clixml cut at its depth */
	bool truncated;
	/*
	 * The bytes of the decoded source that write this value, for a fix
	 * that replaces them whole: a CSV field with its quotes (for a null,
	 * the empty span where it would be); the JSON value token (null,
	 * "text", [...], {...}); the CLIXML element (<S N="Banner">..</S>,
	 * <Nil N="Banner" />, <Obj N="Bindings" ...>...</Obj>); Format-List:
	 * from the first byte after ": " (or the end of the line for an
	 * empty value) to the end of the last wrapped line of the value, no
	 * line ending.
	 */
	size_t off, len;
	unsigned line, col; /* of the property's name (CSV: of its field) */
};

/* One exported object (a connector, or anything else the file holds). */
struct bl_ex_object {
	struct bl_ex_prop *props; /* in the order exported */
	size_t nprops;
	/* the most derived type name when the format says it (CSV's #TYPE
	 * line, CLIXML's first <T>), else NULL ("Deserialized." kept) */
	const char *type;
	size_t off; /* where the object starts in the source */
	unsigned line;
};

struct bl_ex_export {
	enum bl_ex_format format;
	struct bl_ex_object *objs;
	size_t nobjs;
	char delimiter; /* CSV: ',' or ';' (or the one found); else 0 */
};

/*
 * The readers. Each reads the whole of src (decoded text) into *out:
 * 0, or -1 with an error at file:line in diags when the text is not a
 * well-formed export of its format (truncated XML, a CSV row with more
 * fields than the header, a JSON syntax error, a Format-List line that
 * is neither "Name : Value" nor a continuation), or exceeds the limits
 * above. Never a guess: a malformed export is an error. Linear in the
 * size of src. CLIXML never resolves a DTD, an external entity or an
 * entity declared in the document (a DOCTYPE is an error).
 */
int bl_ex_read_list(struct bl_arena *a, const struct bl_source *src,
		    struct bl_ex_export *out, struct bl_diags *diags);
int bl_ex_read_csv(struct bl_arena *a, const struct bl_source *src,
		   struct bl_ex_export *out, struct bl_diags *diags);
int bl_ex_read_clixml(struct bl_arena *a, const struct bl_source *src,
		      struct bl_ex_export *out, struct bl_diags *diags);
int bl_ex_read_json(struct bl_arena *a, const struct bl_source *src,
		    struct bl_ex_export *out, struct bl_diags *diags);

/* bl_ex_text_start - where the text of src starts: past a UTF-8 BOM */
size_t bl_ex_text_start(const struct bl_source *src);

/*
 * bl_ex_sniff - the format src's text looks like, by its first
 * significant bytes, BL_EX_NONE when none: "<Objs" (after an optional
 * XML declaration) is CLIXML; "[" or "{" is JSON; a "#TYPE " line or a
 * first line of quoted, delimited names is CSV; a "Name : Value" line is
 * Format-List. Only a reader says whether the whole file is well formed.
 */
enum bl_ex_format bl_ex_sniff(const struct bl_source *src);

/* bl_ex_read - the reader of format f */
int bl_ex_read(enum bl_ex_format f, struct bl_arena *a,
	       const struct bl_source *src, struct bl_ex_export *out,
	       struct bl_diags *diags);

/* bl_ex_prop_find - the property of o named name (ASCII case-insensitive,
 * as PowerShell's property names are), or NULL */
const struct bl_ex_prop *bl_ex_prop_find(const struct bl_ex_object *o,
					 const char *name);

/*
 * bl_ex_quote - value as a PowerShell string expression of printable ASCII
 * only (0x20..0x7E), so that the script reads the same in any code page
 * (caller frees):
 * - NULL value: $null;
 * - a value of printable ASCII only: a single-quoted literal, each '
 *   doubled ('Bob''s Connector'); $, ` and " stand as they are;
 * - any other value (a control character such as CR, LF or TAB, or any
 *   non-ASCII character): ('' + ...), an empty literal and then, joined
 *   by " + ", each maximal run of printable ASCII as a literal as above,
 *   each other character up to U+FFFF as [char]0xHHHH (four upper-case
 *   hex digits; the typographic quotes U+2018..U+201B too) and each one
 *   above as [char]::ConvertFromUtf32(0xHHHHH), e.g.
 *   ('' + '220 m' + [char]0x00E4 + 'il' + [char]0x000D + [char]0x000A);
 * - a value that is not well-formed UTF-8 (a sequence cut short, a stray
 *   continuation byte, an overlong form, a surrogate, above U+10FFFF):
 *   NULL, as there is no character to write; the caller offers no fix.
 */
char *bl_ex_quote(const char *value);


#endif

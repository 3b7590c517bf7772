/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_csv.c - Export-Csv text (Get-ReceiveConnector | Export-Csv
 * receive.csv) read with libcsv into the objects of exchange.h.
 *
 * An optional first line "#TYPE Some.Type.Name" gives every object its
 * type; then a header of property names (none empty, no two alike
 * ignoring ASCII case, at most BL_EX_PROPS_MAX); then one row per
 * object, each with exactly as many fields as the header. Lines holding
 * nothing are skipped (libcsv does). The delimiter is the first ',', ';'
 * or tab outside quotes on the header line (',' when it has one name):
 * -Delimiter and -UseCulture write others. Fields are RFC 4180 with
 * libcsv's CSV_STRICT: a quoted field doubles its quotes and may hold
 * delimiters and line breaks; a quote in an unquoted field, anything but
 * a delimiter or a line end after a closing quote, and a quoted field
 * the text ends in are errors. An empty unquoted field is $null (value
 * NULL), "" the empty string; unquoted text is taken as it is (no blank
 * is trimmed: PowerShell 7's -UseQuotes AsNeeded and Never write such
 * fields). As on every line of an export, a CR before an LF is part of
 * the line end, never of a value, inside quotes too.
 *
 * libcsv gives values, not where they are: the text is fed to it one
 * byte at a time, so a field's end is the byte being fed when libcsv
 * hands the field over (its delimiter or line end; the end of the text
 * for the last one), and its start is the byte after the previous
 * field's delimiter, or the first byte of its row (the first byte libcsv
 * does not skip as a line end once a row has ended). A field's span is
 * its bytes with its quotes (an empty span where a $null field is).
 *
 * Errors are at file:line:col. A parse error, a bad header or a limit
 * stops the reading; a row with the wrong number of fields is reported
 * and the rows after it are still checked. Then the reader returns -1
 * with *out empty. Everything is allocated in the arena given; libcsv's
 * buffer and the temporary vector of objects are freed here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "exchange.h"
#include "util.h"

struct reader {
	struct bl_arena *a;
	const struct bl_source *src;
	struct bl_diags *diags;
	/* where libcsv is: the byte being fed, its line and that line's
	 * first byte */
	size_t pos;
	unsigned line;
	size_t lbegin;
	/* the field being read */
	size_t fstart;
	unsigned fline, fcol;
	/* the row being read */
	bool in_row;
	size_t row_off;
	unsigned row_line;
	size_t nfields;
	struct bl_ex_prop *row; /* arena, nnames slots */
	/* the header */
	bool header_done;
	const char **names; /* heap vector of arena strings */
	unsigned *name_line, *name_col;
	size_t nnames, namecap;
	const char *type;
	/* the rows read */
	struct bl_ex_object *objs;
	size_t nobjs, objcap;
	bool failed; /* an error was reported: return -1 */
	bool stop;   /* and read no further */
};

/* no_space - libcsv's space test: nothing is a blank to trim */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* error - report at line:col and fail */
static void
error(struct reader *r, unsigned line, unsigned col, bool stop, const char *msg)
{
	bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, line, col, "%s",
		     msg);
	r->failed = true;
	r->stop = r->stop || stop;
}

/* value_copy - s[0, n) without each CR that comes before an LF (arena) */
static char *
value_copy(struct bl_arena *a, const char *s, size_t n, size_t *outlen)
{
	char *v = bl_arena_alloc(a, n + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			v[k++] = s[i];
	v[k] = '\0';
	*outlen = k;
	return v;
}

/* header_field - one name of the header */
static void
header_field(struct reader *r, const char *s, size_t n)
{
	size_t len;

	if (r->nnames == BL_EX_PROPS_MAX) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, r->fline,
			     r->fcol,
			     "a header of more than %u names: more than an "
			     "export may hold",
			     BL_EX_PROPS_MAX);
		r->failed = r->stop = true;
		return;
	}
	if (s == NULL || n == 0) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path, r->fline,
			     r->fcol,
			     "the header's field %zu has no name: a header "
			     "names every property",
			     r->nnames + 1);
		r->failed = r->stop = true;
		return;
	}
	if (r->nnames == r->namecap) {
		r->namecap = r->namecap ? 2 * r->namecap : 32;
		r->names =
		    bl_xreallocarray(r->names, r->namecap, sizeof(*r->names));
		r->name_line = bl_xreallocarray(r->name_line, r->namecap,
						sizeof(*r->name_line));
		r->name_col = bl_xreallocarray(r->name_col, r->namecap,
					       sizeof(*r->name_col));
	}
	r->names[r->nnames] = value_copy(r->a, s, n, &len);
	r->name_line[r->nnames] = r->fline;
	r->name_col[r->nnames] = r->fcol;
	r->nnames++;
}

/* on_field - libcsv's field callback: the field that ends at r->pos */
static void
on_field(void *s, size_t n, void *data)
{
	struct reader *r = data;
	struct bl_ex_prop *p;

	if (r->stop)
		return;
	if (!r->header_done) {
		header_field(r, s, n);
	} else if (r->nfields < r->nnames && !r->failed) {
		p = &r->row[r->nfields];
		p->name = r->names[r->nfields];
		if (s != NULL)
			p->value = value_copy(r->a, s, n, &p->value_len);
		p->off = r->fstart;
		p->len = r->pos - r->fstart;
		p->line = r->fline;
		p->col = r->fcol;
	}
	r->nfields++;
	/* the next field starts after the delimiter (a line end ends the
	 * row: its first field starts where the next row does) */
	r->fstart = r->pos + 1;
	r->fline = r->line;
	r->fcol = (unsigned)(r->pos + 1 - r->lbegin + 1);
}

/* check_header - the header's names are all different (ASCII case
 * ignored, as PowerShell's property names are); at most BL_EX_PROPS_MAX
 * names, so the quadratic check is bounded */
static void
check_header(struct reader *r)
{
	size_t i, j;

	for (j = 1; j < r->nnames; j++)
		for (i = 0; i < j; i++)
			if (strcasecmp(r->names[i], r->names[j]) == 0) {
				bl_diags_add(r->diags, BL_LEVEL_ERROR,
					     r->src->path, r->name_line[j],
					     r->name_col[j],
					     "the header names the property "
					     "%s twice (fields %zu and %zu): "
					     "which value is meant is not "
					     "known",
					     r->names[j], i + 1, j + 1);
				r->failed = r->stop = true;
				return;
			}
}

/* on_row - libcsv's row callback: the row that ends at r->pos */
static void
on_row(int c, void *data)
{
	struct reader *r = data;
	struct bl_ex_object *o;

	(void)c;
	r->in_row = false;
	if (r->stop)
		return;
	if (!r->header_done) {
		r->header_done = true;
		check_header(r);
		return;
	}
	if (r->nfields != r->nnames) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path,
			     r->row_line, 1,
			     "a row with %zu field%s, the header has %zu",
			     r->nfields, r->nfields == 1 ? "" : "s", r->nnames);
		r->failed = true;
		return;
	}
	if (r->failed)
		return;
	if (r->nobjs == BL_EX_OBJECTS_MAX) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, r->src->path,
			     r->row_line, 1,
			     "more than %u objects: more than an export may "
			     "hold",
			     BL_EX_OBJECTS_MAX);
		r->failed = r->stop = true;
		return;
	}
	if (r->nobjs == r->objcap) {
		r->objcap = r->objcap ? 2 * r->objcap : 16;
		r->objs =
		    bl_xreallocarray(r->objs, r->objcap, sizeof(*r->objs));
	}
	o = &r->objs[r->nobjs++];
	memset(o, 0, sizeof(*o));
	o->props = r->row;
	o->nprops = r->nnames;
	o->type = r->type;
	o->off = r->row_off;
	o->line = r->row_line;
}

/* begin_row - the byte at pos starts a row */
static void
begin_row(struct reader *r, size_t pos)
{
	r->in_row = true;
	r->row_off = pos;
	r->row_line = r->line;
	r->nfields = 0;
	r->fstart = pos;
	r->fline = r->line;
	r->fcol = (unsigned)(pos - r->lbegin + 1);
	if (r->header_done && !r->failed)
		r->row = bl_arena_alloc(r->a, r->nnames * sizeof(*r->row));
}

/*
 * type_line - a "#TYPE name" line at start: the type (arena) and where
 * the line after it starts in *next; NULL with *next = start when there
 * is none; NULL with an error when the name is missing
 */
static const char *
type_line(struct reader *r, size_t start, size_t *next)
{
	const char *d = r->src->data, *nl;
	size_t end = r->src->len, le, ts;

	*next = start;
	if (end - start < 5 || memcmp(d + start, "#TYPE", 5) != 0)
		return NULL;
	nl = memchr(d + start, '\n', end - start);
	le = nl != NULL ? (size_t)(nl - d) : end;
	*next = nl != NULL ? le + 1 : end;
	if (le > start && d[le - 1] == '\r')
		le--;
	ts = start + 6;
	if (le <= ts || d[start + 5] != ' ') {
		error(r, 1, (unsigned)(start + 1), true,
		      "#TYPE without a type name: Export-Csv writes "
		      "\"#TYPE Type.Name\"");
		return NULL;
	}
	return bl_arena_strndup(r->a, d + ts, le - ts);
}

/* find_delimiter - the first ',', ';' or tab outside quotes on the line
 * of the header that starts at start; ',' when there is none */
static char
find_delimiter(const char *d, size_t start, size_t end)
{
	bool quoted = false;
	size_t i;

	for (i = start; i < end; i++) {
		if (d[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (d[i] == ',' || d[i] == ';' || d[i] == '\t')
			return d[i];
		else if (d[i] == '\r' || d[i] == '\n')
			break;
	}
	return ',';
}

/* parse_error - libcsv refused the byte at r->pos */
static void
parse_error(struct reader *r, struct csv_parser *p)
{
	const char *d = r->src->data;
	unsigned col = (unsigned)(r->pos - r->lbegin + 1);

	if (csv_error(p) != CSV_EPARSE)
		bl_fatal("libcsv: %s", csv_strerror(csv_error(p)));
	if (r->fstart < r->pos && d[r->fstart] == '"')
		error(r, r->line, col, true,
		      "text after the closing quote of a field: a quote "
		      "inside a quoted field is written twice (\"\")");
	else
		error(r, r->line, col, true,
		      "a double quote inside an unquoted field: a field "
		      "with a quote is quoted, its quotes written twice");
}

/* bl_ex_read_csv - Export-Csv text into *out (the rules at the top) */
int
bl_ex_read_csv(struct bl_arena *a, const struct bl_source *src,
	       struct bl_ex_export *out, struct bl_diags *diags)
{
	struct reader r;
	struct csv_parser p;
	const char *d = src->data, *nul;
	size_t start = bl_ex_text_start(src), hstart, i, blk = 128, sz;
	unsigned char c;

	memset(out, 0, sizeof(*out));
	out->format = BL_EX_CSV;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.src = src;
	r.diags = diags;
	r.line = 1;
	nul = memchr(d + start, '\0', src->len - start);
	if (nul != NULL) {
		unsigned l, col;

		bl_source_position(src, (size_t)(nul - d), &l, &col);
		error(&r, l, col, true,
		      "a NUL byte: this is not a text export");
		return -1;
	}
	r.type = type_line(&r, start, &hstart);
	if (r.stop)
		return -1;
	if (hstart > start) {
		r.line = 2;
		r.lbegin = hstart;
	}
	for (i = hstart; i < src->len && (d[i] == '\r' || d[i] == '\n'); i++)
		;
	out->delimiter = find_delimiter(d, i, src->len);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
			     CSV_EMPTY_IS_NULL) != 0)
		bl_fatal("libcsv: csv_init failed");
	csv_set_delim(&p, (unsigned char)out->delimiter);
	csv_set_space_func(&p, no_space);
	for (i = hstart; i < src->len && !r.stop; i++) {
		c = (unsigned char)d[i];
		if (!r.in_row && c != '\r' && c != '\n')
			begin_row(&r, i);
		r.pos = i;
		if (csv_parse(&p, d + i, 1, on_field, on_row, &r) != 1) {
			parse_error(&r, &p);
			break;
		}
		if (c == '\n') {
			r.line++;
			r.lbegin = i + 1;
		}
		/* libcsv grows its buffer by blk_size: make that geometric,
		 * or a long field costs the square of its length */
		sz = csv_get_buffer_size(&p);
		if (sz > blk) {
			blk = sz;
			csv_set_blk_size(&p, blk);
		}
	}
	if (!r.stop) {
		r.pos = src->len;
		if (csv_fini(&p, on_field, on_row, &r) != 0)
			error(&r, r.fline, r.fcol, true,
			      "a quoted field that is never closed: the text "
			      "ends inside it");
	}
	csv_free(&p);
	if (!r.stop && !r.header_done && r.type != NULL)
		error(&r, 1, (unsigned)(start + 1), true,
		      "a #TYPE line and no header: Export-Csv writes the "
		      "header of property names after it");
	if (!r.failed) {
		out->objs = bl_arena_alloc(a, r.nobjs * sizeof(*out->objs));
		if (r.nobjs > 0)
			memcpy(out->objs, r.objs, r.nobjs * sizeof(*out->objs));
		out->nobjs = r.nobjs;
	}
	free(r.objs);
	free(r.names);
	free(r.name_line);
	free(r.name_col);
	return r.failed ? -1 : 0;
}

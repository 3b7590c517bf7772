/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_exchange_csv.c - libFuzzer harness: bl_ex_read_csv (Export-Csv
 * text, libcsv) on the input, in a fresh arena, and the contract of
 * exchange.h checked on what it makes: 0 with no error or -1 with one
 * and no objects; the limits; every span inside the text, line:col where
 * it starts; value_len the value's length; a null an empty span, an
 * unquoted field its span, a quoted one its span without its quotes, its
 * quotes undoubled and the CR of each CRLF dropped (decoded here without
 * libcsv); the fields of a row one delimiter apart, the last one at the
 * line end; the header's names none empty, none twice; one type for
 * all. Then the text with its CRLFs made LFs (when it has no other CR)
 * must read as the same objects, or fail at the same line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exchange.h"
#include "fuzz_common.h"
#include "source.h"
#include "util.h"

/* One reading of a text. */
struct rd {
	struct bl_source *src;
	struct bl_arena a;
	struct bl_diags d;
	struct bl_ex_export x;
	int rc;
};

static void
rd_run(struct rd *r, const char *data, size_t size)
{
	r->src = bl_source_from_mem("receive.csv", data, size);
	bl_arena_init(&r->a);
	bl_diags_init(&r->d);
	r->rc = bl_ex_read_csv(&r->a, r->src, &r->x, &r->d);
}

static void
rd_done(struct rd *r)
{
	bl_diags_finish(&r->d);
	bl_arena_finish(&r->a);
	bl_source_free(r->src);
}

static void
violation(const char *what, size_t i, size_t k)
{
	fprintf(stderr, "fuzz_exchange_csv: object %zu, property %zu: %s\n", i,
		k, what);
	abort();
}

/* unquote - a quoted field's text as Import-Csv takes it: no outer
 * quotes, "" a quote, no CR before an LF (caller frees) */
static char *
unquote(const char *s, size_t n)
{
	char *v = bl_xmalloc(n + 1);
	size_t i, k = 0;

	for (i = 1; i + 1 < n; i++) {
		if (s[i] == '"')
			i++;
		else if (s[i] == '\r' && i + 2 < n && s[i + 1] == '\n')
			continue;
		v[k++] = s[i];
	}
	v[k] = '\0';
	return v;
}

/* check_prop - the contract on one field */
static void
check_prop(const struct rd *r, const struct bl_ex_prop *p, size_t i, size_t k)
{
	const char *d = r->src->data;
	unsigned line, col;
	char *v;

	if (p->name == NULL || p->name[0] == '\0')
		violation("no name", i, k);
	if (p->off > r->src->len || p->len > r->src->len - p->off)
		violation("a span past the end", i, k);
	bl_source_position(r->src, p->off, &line, &col);
	if (p->line != line || p->col != col)
		violation("line:col is not where the field starts", i, k);
	if (p->items != NULL || p->nitems != 0 || p->truncated)
		violation("items in a CSV field", i, k);
	if (p->value == NULL) {
		if (p->value_len != 0 || p->len != 0)
			violation("a null with a length", i, k);
		return;
	}
	if (strlen(p->value) != p->value_len)
		violation("value_len is not the value's length", i, k);
	if (p->len == 0 || d[p->off] != '"') {
		if (p->len != p->value_len ||
		    memcmp(d + p->off, p->value, p->len) != 0 ||
		    memchr(p->value, '"', p->value_len) != NULL)
			violation("an unquoted field is not its span", i, k);
		return;
	}
	if (p->len < 2 || d[p->off + p->len - 1] != '"')
		violation("a quoted field's span is not quoted", i, k);
	v = unquote(d + p->off, p->len);
	if (strcmp(v, p->value) != 0)
		violation("a quoted field's value is not its text", i, k);
	free(v);
}

/* check - the contract on a reading */
static void
check(const struct rd *r)
{
	const struct bl_ex_object *o;
	const struct bl_ex_prop *p, *q;
	const char *d = r->src->data;
	size_t i, k, j, end;

	if (r->rc != 0 && r->rc != -1)
		violation("a result neither 0 nor -1", 0, 0);
	if ((r->rc == 0) != (r->d.errors == 0))
		violation("the result and the errors disagree", 0, 0);
	if (r->x.format != BL_EX_CSV)
		violation("format", 0, 0);
	if (r->rc != 0) {
		if (r->x.nobjs != 0 || r->d.n == 0 || r->d.v[0].line == 0 ||
		    r->d.v[0].line > r->src->nlines)
			violation("an error without its line, or objects", 0,
				  0);
		return;
	}
	if (r->x.delimiter != ',' && r->x.delimiter != ';' &&
	    r->x.delimiter != '\t')
		violation("the delimiter", 0, 0);
	if (r->x.nobjs > BL_EX_OBJECTS_MAX)
		violation("too many objects", 0, 0);
	for (i = 0; i < r->x.nobjs; i++) {
		o = &r->x.objs[i];
		if (o->nprops == 0 || o->nprops > BL_EX_PROPS_MAX ||
		    o->nprops != r->x.objs[0].nprops)
			violation("no fields, too many, or not the header's", i,
				  0);
		if (o->type != r->x.objs[0].type)
			violation("another type", i, 0);
		if (o->off != o->props[0].off || o->line != o->props[0].line)
			violation("the object is not where its row is", i, 0);
		if (i > 0 && o->off <= r->x.objs[i - 1].off)
			violation("objects out of order", i, 0);
		for (k = 0; k < o->nprops; k++) {
			p = &o->props[k];
			check_prop(r, p, i, k);
			if (p->name != r->x.objs[0].props[k].name)
				violation("not the header's name", i, k);
			end = p->off + p->len;
			if (k + 1 < o->nprops) {
				q = &o->props[k + 1];
				if (q->off != end + 1 ||
				    d[end] != r->x.delimiter)
					violation("fields not a delimiter "
						  "apart",
						  i, k);
			} else if (end < r->src->len && d[end] != '\r' &&
				   d[end] != '\n') {
				violation("the last field not at a line end", i,
					  k);
			}
			for (j = 0; i == 0 && j < k && o->nprops <= 64; j++)
				if (strcasecmp(o->props[j].name, p->name) == 0)
					violation("a name twice", i, k);
		}
	}
}

/* same - a and b read as the same objects, or failed at the same line */
static void
same(const struct rd *a, const struct rd *b)
{
	size_t i, k, j;

	if (a->rc != b->rc)
		violation("CRLF and LF read differently", 0, 0);
	if (a->rc != 0) {
		if (a->d.v[0].line != b->d.v[0].line)
			violation("CRLF and LF fail at different lines", 0, 0);
		return;
	}
	if (a->x.nobjs != b->x.nobjs || a->x.delimiter != b->x.delimiter)
		violation("CRLF and LF: not as many objects", 0, 0);
	for (i = 0; i < a->x.nobjs; i++) {
		const struct bl_ex_object *oa = &a->x.objs[i],
					  *ob = &b->x.objs[i];

		if (oa->nprops != ob->nprops || oa->line != ob->line ||
		    (oa->type == NULL) != (ob->type == NULL) ||
		    (oa->type != NULL && strcmp(oa->type, ob->type) != 0))
			violation("CRLF and LF: another object", i, 0);
		for (k = 0; k < oa->nprops; k++) {
			const struct bl_ex_prop *pa = &oa->props[k],
						*pb = &ob->props[k];

			if (strcmp(pa->name, pb->name) != 0 ||
			    (pa->value == NULL) != (pb->value == NULL) ||
			    (pa->value != NULL &&
			     strcmp(pa->value, pb->value) != 0) ||
			    pa->nitems != pb->nitems ||
			    pa->truncated != pb->truncated ||
			    pa->line != pb->line || pa->col != pb->col)
				violation("CRLF and LF: another property", i,
					  k);
			for (j = 0; j < pa->nitems; j++)
				if (strcmp(pa->items[j], pb->items[j]) != 0)
					violation("CRLF and LF: another item",
						  i, k);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct rd r, lf;
	char *u;
	size_t i, n;
	bool convertible = true, any = false;

	rd_run(&r, t, size);
	check(&r);
	for (i = 0; i < size; i++)
		if (t[i] == '\r') {
			if (i + 1 < size && t[i + 1] == '\n')
				any = true;
			else
				convertible = false;
		}
	if (convertible && any) {
		u = bl_xmalloc(size);
		for (i = n = 0; i < size; i++)
			if (t[i] != '\r')
				u[n++] = t[i];
		rd_run(&lf, u, n);
		check(&lf);
		same(&r, &lf);
		rd_done(&lf);
		free(u);
	}
	rd_done(&r);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_exchange_list.c - libFuzzer harness: bl_ex_read_list (Format-List
 * text) on the input, in a fresh arena, and the contract of exchange.h
 * checked on what it makes: 0 with no error or -1 with one and no
 * objects; the limits; every span inside the text; line:col where the
 * name is; value_len the value's length; a one-line value is its span
 * (a collection: "{" value, an ellipsis when truncated, "}"), its items
 * joined by ", " are its value; no line end in a name or a value; no
 * name twice in an object. Then the text with its CRLFs made LFs (when
 * it has no other CR) must read as the same objects, or fail at the
 * same line.
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
	r->src = bl_source_from_mem("receive.txt", data, size);
	bl_arena_init(&r->a);
	bl_diags_init(&r->d);
	r->rc = bl_ex_read_list(&r->a, r->src, &r->x, &r->d);
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
	fprintf(stderr, "fuzz_exchange_list: object %zu, property %zu: %s\n", i,
		k, what);
	abort();
}

/* check_prop - the contract on one property */
static void
check_prop(const struct rd *r, const struct bl_ex_prop *p, size_t i, size_t k)
{
	const char *d = r->src->data, *nl;
	size_t n, j, at, off;

	if (p->name == NULL || p->name[0] == '\0')
		violation("no name", i, k);
	if (strpbrk(p->name, " :\r\n\t") != NULL)
		violation("a blank, a colon or a line end in a name", i, k);
	if (p->off > r->src->len || p->len > r->src->len - p->off)
		violation("a span past the end", i, k);
	if (p->line < 1 || p->line > r->src->nlines || p->col < 1)
		violation("line or column out of range", i, k);
	off = r->src->line_start[p->line - 1] + p->col - 1;
	n = strlen(p->name);
	if (off + n > r->src->len || strncmp(d + off, p->name, n) != 0)
		violation("line:col is not where the name is", i, k);
	if (p->value == NULL) {
		if (p->value_len != 0 || p->len != 0 || p->items != NULL ||
		    p->nitems != 0 || p->truncated)
			violation("a null with a length or items", i, k);
		if (p->off < r->src->len && d[p->off] != '\r' &&
		    d[p->off] != '\n')
			violation("a null not at the end of its line", i, k);
		return;
	}
	if (strlen(p->value) != p->value_len)
		violation("value_len is not the value's length", i, k);
	if (strpbrk(p->value, "\n") != NULL)
		violation("a line end in a value", i, k);
	if (p->nitems > BL_EX_ITEMS_MAX)
		violation("too many items", i, k);
	if (p->items == NULL && (p->nitems != 0 || p->truncated))
		violation("items or truncated without a collection", i, k);
	if (p->items != NULL) {
		struct bl_buf b;

		bl_buf_init(&b);
		for (j = 0; j < p->nitems; j++) {
			if (p->items[j] == NULL)
				violation("a NULL item", i, k);
			bl_buf_printf(&b, "%s%s", j ? ", " : "", p->items[j]);
		}
		if (strcmp(b.data != NULL ? b.data : "", p->value) != 0)
			violation("the items joined are not the value", i, k);
		bl_buf_finish(&b);
	}
	nl = memchr(d + p->off, '\n', p->len);
	if (nl != NULL)
		return; /* wrapped: the value is the lines' text, unpadded */
	at = p->off;
	if (p->items != NULL) {
		if (p->len < 2 + p->value_len || d[at] != '{' ||
		    d[at + p->len - 1] != '}')
			violation("a collection's span is not {...}", i, k);
		at++;
		n = p->len - 2 - p->value_len;
		if (n != (p->truncated ? 3u : 0u))
			violation("a collection's span is not its value", i, k);
		if (p->truncated &&
		    memcmp(d + at + p->value_len, "...", 3) != 0 &&
		    memcmp(d + at + p->value_len, "\xe2\x80\xa6", 3) != 0)
			violation("truncated without an ellipsis", i, k);
	} else if (p->len != p->value_len) {
		violation("a one-line value is not its span", i, k);
	}
	if (memcmp(d + at, p->value, p->value_len) != 0)
		violation("a one-line value is not its span", i, k);
}

/* check - the contract on a reading */
static void
check(const struct rd *r)
{
	const struct bl_ex_object *o;
	size_t i, k, j;

	if (r->rc != 0 && r->rc != -1)
		violation("a result neither 0 nor -1", 0, 0);
	if ((r->rc == 0) != (r->d.errors == 0))
		violation("the result and the errors disagree", 0, 0);
	if (r->x.format != BL_EX_LIST || r->x.delimiter != 0)
		violation("format or delimiter", 0, 0);
	if (r->rc != 0) {
		if (r->x.nobjs != 0 || r->d.n == 0 || r->d.v[0].line == 0 ||
		    r->d.v[0].line > r->src->nlines)
			violation("an error without its line, or objects", 0,
				  0);
		return;
	}
	if (r->x.nobjs > BL_EX_OBJECTS_MAX)
		violation("too many objects", 0, 0);
	for (i = 0; i < r->x.nobjs; i++) {
		o = &r->x.objs[i];
		if (o->nprops == 0 || o->nprops > BL_EX_PROPS_MAX)
			violation("no properties or too many", i, 0);
		if (o->type != NULL)
			violation("a type", i, 0);
		if (o->line != o->props[0].line ||
		    o->off !=
			r->src->line_start[o->line - 1] + o->props[0].col - 1)
			violation("the object is not where its first line is",
				  i, 0);
		if (i > 0 && o->off <= r->x.objs[i - 1].off)
			violation("objects out of order", i, 0);
		for (k = 0; k < o->nprops; k++) {
			check_prop(r, &o->props[k], i, k);
			for (j = 0; j < k && o->nprops <= 64; j++)
				if (strcasecmp(o->props[j].name,
					       o->props[k].name) == 0)
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
	if (a->x.nobjs != b->x.nobjs)
		violation("CRLF and LF: not as many objects", 0, 0);
	for (i = 0; i < a->x.nobjs; i++) {
		const struct bl_ex_object *oa = &a->x.objs[i],
					  *ob = &b->x.objs[i];

		if (oa->nprops != ob->nprops || oa->line != ob->line)
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

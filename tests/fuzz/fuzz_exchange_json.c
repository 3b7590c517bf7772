/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_exchange_json.c - libFuzzer harness for the ConvertTo-Json reader
 * (bl_ex_read_json of exchange.h), called directly on the input as a
 * source, in a fresh arena: no CLI.
 *
 * abort() (after a line on stderr) when a promise of exchange.h breaks:
 * 0 with no error or -1 with at least one, each at a line of the file;
 * at most BL_EX_OBJECTS_MAX objects of at most BL_EX_PROPS_MAX properties,
 * collections of at most BL_EX_ITEMS_MAX items; every object and
 * property inside the source at a line of it; names and values
 * NUL-terminated with value_len their length; a collection's value its
 * items joined with ", "; a property's span a JSON value token: "null"
 * for $null, an array or object for a collection, else a string,
 * number, true or false (whole: its last byte closes what the first
 * opens). The sanitizers do the rest.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "exchange.h"
#include "source.h"
#include "util.h"

/* broken - a promise broken: say which, then abort */
static void __attribute__((noreturn, format(printf, 1, 2)))
broken(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_exchange_json: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* token - p's span is one JSON value token of the kind its value says */
static void
token(const struct bl_source *src, const struct bl_ex_prop *p)
{
	const char *t = src->data + p->off;
	char first, last;

	if (p->len == 0)
		broken("%s: an empty span", p->name);
	first = t[0];
	last = t[p->len - 1];
	if (p->value == NULL) {
		if (p->len != 4 || memcmp(t, "null", 4) != 0)
			broken("%s: NULL from \"%.*s\"", p->name,
			       (int)(p->len < 80 ? p->len : 80), t);
		return;
	}
	if ((first == '[' && last != ']') || (first == '{' && last != '}') ||
	    (first == '"' && (p->len < 2 || last != '"')))
		broken("%s: span \"%.*s\" is not one token", p->name,
		       (int)(p->len < 80 ? p->len : 80), t);
	if (p->items != NULL && first != '[' && first != '{')
		broken("%s: a collection from \"%.*s\"", p->name,
		       (int)(p->len < 80 ? p->len : 80), t);
	if (strchr("\"[{tf-0123456789", first) == NULL)
		broken("%s: span \"%.*s\" is no value", p->name,
		       (int)(p->len < 80 ? p->len : 80), t);
}

/* check_prop - the promises about one property */
static void
check_prop(const struct bl_source *src, const struct bl_ex_prop *p)
{
	size_t i, total = 0;

	if (p->name == NULL)
		broken("a property without a name");
	if (p->off > src->len || p->len > src->len - p->off)
		broken("%s: span [%zu, +%zu) past the end (%zu)", p->name,
		       p->off, p->len, src->len);
	if (p->line < 1 || p->line > src->nlines || p->col < 1)
		broken("%s: at %u:%u (%zu lines)", p->name, p->line, p->col,
		       src->nlines);
	if (p->value == NULL && p->value_len != 0)
		broken("%s: NULL value of length %zu", p->name, p->value_len);
	if (p->value != NULL && strlen(p->value) != p->value_len)
		broken("%s: value_len %zu, strlen %zu", p->name, p->value_len,
		       strlen(p->value));
	if (p->nitems > BL_EX_ITEMS_MAX)
		broken("%s: %zu items", p->name, p->nitems);
	if (p->nitems > 0 && p->items == NULL)
		broken("%s: %zu items, no array", p->name, p->nitems);
	if (p->items != NULL) {
		for (i = 0; i < p->nitems; i++) {
			if (p->items[i] == NULL)
				broken("%s: item %zu is NULL", p->name, i);
			total += strlen(p->items[i]) + (i > 0 ? 2 : 0);
		}
		if (p->value == NULL || total != p->value_len)
			broken("%s: the value is not the items joined",
			       p->name);
	}
	token(src, p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bl_source *src;
	struct bl_arena a;
	struct bl_diags d;
	struct bl_ex_export ex;
	int rc;

	src = bl_source_from_mem("receive.json", (const char *)data, size);
	bl_arena_init(&a);
	bl_diags_init(&d);
	rc = bl_ex_read_json(&a, src, &ex, &d);
	bl_fuzz_ex_check("fuzz_exchange_json", "receive.json", src, rc, &d, &ex,
			 BL_EX_JSON, '{', check_prop);
	bl_diags_finish(&d);
	bl_arena_finish(&a);
	bl_source_free(src);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_exchange_list_csv.c - the Format-List and Export-Csv readers of
 * Exchange connector exports (parsers/exchange_list.c, exchange_csv.c):
 * objects, values, collections, spans, and the errors at file:line */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "exchange.h"
#include "source.h"
#include "util.h"

/* One reading: the source, the arena and the diagnostics it needs. */
struct rd {
	struct bl_source *src;
	struct bl_arena a;
	struct bl_diags d;
	struct bl_ex_export x;
	int rc;
};

static void
rd_run(struct rd *r, enum bl_ex_format f, const char *path, const char *text,
       size_t len)
{
	r->src = bl_source_from_mem(path, text, len);
	bl_arena_init(&r->a);
	bl_diags_init(&r->d);
	if (f == BL_EX_LIST)
		r->rc = bl_ex_read_list(&r->a, r->src, &r->x, &r->d);
	else
		r->rc = bl_ex_read_csv(&r->a, r->src, &r->x, &r->d);
}

static void
rd_list(struct rd *r, const char *text)
{
	rd_run(r, BL_EX_LIST, "receive.txt", text, strlen(text));
}

static void
rd_csv(struct rd *r, const char *text)
{
	rd_run(r, BL_EX_CSV, "receive.csv", text, strlen(text));
}

static void
rd_done(struct rd *r)
{
	bl_diags_finish(&r->d);
	bl_arena_finish(&r->a);
	bl_source_free(r->src);
}

/* the property name of object i (must exist) */
static const struct bl_ex_prop *
prop(const struct rd *r, size_t i, const char *name)
{
	const struct bl_ex_prop *p = NULL;
	size_t k;

	assert_true(i < r->x.nobjs);
	for (k = 0; k < r->x.objs[i].nprops; k++)
		if (strcasecmp(r->x.objs[i].props[k].name, name) == 0) {
			p = &r->x.objs[i].props[k];
			break;
		}
	if (p == NULL)
		fail_msg("no property %s in object %zu", name, i);
	return p;
}

/* the span of p, as a string (static buffer) */
static const char *
span(const struct rd *r, const struct bl_ex_prop *p)
{
	static char buf[4096];

	assert_true(p->off + p->len <= r->src->len);
	assert_true(p->len < sizeof(buf));
	memcpy(buf, r->src->data + p->off, p->len);
	buf[p->len] = '\0';
	return buf;
}

/* the reading failed with its first error at line:col, the message
 * holding what */
static void
assert_error(const struct rd *r, unsigned line, unsigned col, const char *what)
{
	assert_int_equal(r->rc, -1);
	assert_true(r->d.n >= 1);
	assert_true(r->d.errors >= 1);
	assert_int_equal(r->d.v[0].level, BL_LEVEL_ERROR);
	assert_string_equal(r->d.v[0].file, r->src->path);
	if (r->d.v[0].line != line || (col != 0 && r->d.v[0].col != col))
		fail_msg("error at %u:%u, expected %u:%u: %s", r->d.v[0].line,
			 r->d.v[0].col, line, col, r->d.v[0].message);
	if (strstr(r->d.v[0].message, what) == NULL)
		fail_msg("message \"%s\" does not say \"%s\"",
			 r->d.v[0].message, what);
	assert_int_equal(r->x.nobjs, 0);
}

static void
assert_value(const struct bl_ex_prop *p, const char *v)
{
	if (v == NULL) {
		assert_null(p->value);
		assert_int_equal(p->value_len, 0);
		return;
	}
	assert_non_null(p->value);
	assert_string_equal(p->value, v);
	assert_int_equal(p->value_len, strlen(v));
}

/* the same objects (names, values, items, types), spans aside */
static void
assert_same_objects(const struct rd *a, const struct rd *b)
{
	size_t i, k, j;

	assert_int_equal(a->rc, 0);
	assert_int_equal(b->rc, 0);
	assert_int_equal(a->x.nobjs, b->x.nobjs);
	assert_int_equal(a->x.delimiter, b->x.delimiter);
	for (i = 0; i < a->x.nobjs; i++) {
		const struct bl_ex_object *oa = &a->x.objs[i],
					  *ob = &b->x.objs[i];

		assert_int_equal(oa->nprops, ob->nprops);
		assert_int_equal(oa->line, ob->line);
		if (oa->type != NULL || ob->type != NULL)
			assert_string_equal(oa->type, ob->type);
		for (k = 0; k < oa->nprops; k++) {
			const struct bl_ex_prop *pa = &oa->props[k],
						*pb = &ob->props[k];

			assert_string_equal(pa->name, pb->name);
			assert_value(pb, pa->value);
			assert_int_equal(pa->nitems, pb->nitems);
			assert_int_equal(pa->truncated, pb->truncated);
			assert_int_equal(pa->line, pb->line);
			for (j = 0; j < pa->nitems; j++)
				assert_string_equal(pa->items[j], pb->items[j]);
		}
	}
}

/* crlf - text with every LF made CRLF (caller frees) */
static char *
crlf(const char *text)
{
	struct bl_buf b;

	bl_buf_init(&b);
	for (; *text; text++) {
		if (*text == '\n')
			bl_buf_addc(&b, '\r');
		bl_buf_addc(&b, *text);
	}
	return bl_buf_steal(&b);
}

/* ---- Format-List ---- */

static const char list_two[] =
    "\n"
    "\n"
    "RunspaceId                              : 6c1f2a3b-0000-4000-8000-"
    "000000000001\n"
    "Banner                                  :\n"
    "Bindings                                : {[::]:25, 0.0.0.0:25}\n"
    "MaxInboundConnectionPercentagePerSource : 2\n"
    "Fqdn                                    : EX01.corp.example.com\n"
    "Identity                                : EX01\\Default Frontend "
    "EX01\n"
    "\n"
    "RunspaceId                              : 6c1f2a3b-0000-4000-8000-"
    "000000000001\n"
    "Banner                                  : 220 mail.example.com "
    "ESMTP\n"
    "Bindings                                : {[::]:587, 0.0.0.0:587}\n"
    "MaxInboundConnectionPercentagePerSource : 100\n"
    "Fqdn                                    : EX01.corp.example.com\n"
    "Identity                                : EX01\\Client Frontend "
    "EX01\n"
    "\n"
    "\n"
    "\n";

static void
test_list_padded_blocks(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;

	(void)state;
	rd_list(&r, list_two);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 0);
	assert_int_equal(r.x.format, BL_EX_LIST);
	assert_int_equal(r.x.delimiter, 0);
	assert_int_equal(r.x.nobjs, 2);
	assert_int_equal(r.x.objs[0].nprops, 6);
	assert_int_equal(r.x.objs[0].line, 3);
	assert_int_equal(r.x.objs[0].off, 2);
	assert_null(r.x.objs[0].type);
	assert_int_equal(r.x.objs[1].line, 10);
	p = prop(&r, 0, "Identity");
	assert_value(p, "EX01\\Default Frontend EX01");
	assert_int_equal(p->line, 8);
	assert_int_equal(p->col, 1);
	assert_string_equal(span(&r, p), "EX01\\Default Frontend EX01");
	assert_null(p->items);
	p = prop(&r, 0, "MaxInboundConnectionPercentagePerSource");
	assert_value(p, "2");
	p = prop(&r, 1, "Banner");
	assert_value(p, "220 mail.example.com ESMTP");
	assert_int_equal(p->line, 11);
	p = prop(&r, 1, "Bindings");
	assert_value(p, "[::]:587, 0.0.0.0:587");
	assert_int_equal(p->nitems, 2);
	assert_string_equal(p->items[0], "[::]:587");
	assert_string_equal(p->items[1], "0.0.0.0:587");
	assert_false(p->truncated);
	assert_string_equal(span(&r, p), "{[::]:587, 0.0.0.0:587}");
	/* the order is the export's */
	assert_string_equal(r.x.objs[1].props[0].name, "RunspaceId");
	assert_string_equal(r.x.objs[1].props[5].name, "Identity");
	rd_done(&r);
}

static void
test_list_null(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;
	const char *text = "Banner   :\n"
			   "Fqdn     : \n"
			   "Name     : x\n";

	(void)state;
	rd_list(&r, text);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 1);
	p = prop(&r, 0, "Banner");
	assert_value(p, NULL);
	assert_null(p->items);
	/* an empty value: at the end of the line's text, no bytes */
	assert_int_equal(p->off, 10);
	assert_int_equal(p->len, 0);
	p = prop(&r, 0, "Fqdn");
	assert_value(p, NULL);
	assert_int_equal(p->off, strlen("Banner   :\nFqdn     : "));
	assert_int_equal(p->len, 0);
	assert_int_equal(p->line, 2);
	rd_done(&r);
}

static void
test_list_wrapped(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;
	const char *text =
	    "Name           : Default Frontend EX01\n"
	    "RemoteIPRanges : {::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, "
	    "0.0.0.0-255.2\n"
	    "                 55.255.255}\n"
	    "Banner         : 220 mail.example.com Microsoft ESMTP MAIL Serv\n"
	    "                 ice ready, this server is monitored; all acti\n"
	    "                 vity is logged\n"
	    "Comment        : {a,\n"
	    "                  b}\n"
	    "Enabled        : True\n";

	(void)state;
	rd_list(&r, text);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 1);
	assert_int_equal(r.x.objs[0].nprops, 5);
	/* two lines */
	p = prop(&r, 0, "RemoteIPRanges");
	assert_value(p, "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, "
			"0.0.0.0-255.255.255.255");
	assert_int_equal(p->nitems, 2);
	assert_string_equal(p->items[1], "0.0.0.0-255.255.255.255");
	assert_int_equal(p->line, 2);
	assert_string_equal(span(&r, p),
			    "{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, "
			    "0.0.0.0-255.2\n                 55.255.255}");
	/* three lines, cut mid-word */
	p = prop(&r, 0, "Banner");
	assert_value(p, "220 mail.example.com Microsoft ESMTP MAIL Service "
			"ready, this server is monitored; all activity is "
			"logged");
	assert_int_equal(p->line, 4);
	assert_int_equal(p->off, strstr(r.src->data, "220 ") - r.src->data);
	assert_int_equal(p->off + p->len,
			 strstr(r.src->data, "logged") + 6 - r.src->data);
	/* a chunk that starts with a space keeps it */
	p = prop(&r, 0, "Comment");
	assert_value(p, "a, b");
	assert_int_equal(p->nitems, 2);
	assert_value(prop(&r, 0, "Enabled"), "True");
	rd_done(&r);

	/* lenient: less indented than the value column, or a tab */
	rd_list(&r, "Banner : 220 a\n  b\n\tc\n");
	assert_int_equal(r.rc, 0);
	assert_value(prop(&r, 0, "Banner"), "220 abc");
	rd_done(&r);
}

static void
test_list_truncated(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;
	const char *text =
	    "PermissionGroups : {AnonymousUsers, ExchangeUsers, "
	    "ExchangeServers, ExchangeLegacyServers...}\n"
	    "Bindings         : {[::]:25, 0.0.0.0:25, 10.0.0.1:25, "
	    "10.0.0.2:25\xe2\x80\xa6}\n"
	    "Empty            : {}\n"
	    "Cut              : {...}\n";

	(void)state;
	rd_list(&r, text);
	assert_int_equal(r.rc, 0);
	p = prop(&r, 0, "PermissionGroups");
	assert_true(p->truncated);
	assert_value(p, "AnonymousUsers, ExchangeUsers, ExchangeServers, "
			"ExchangeLegacyServers");
	assert_int_equal(p->nitems, 4);
	assert_string_equal(p->items[3], "ExchangeLegacyServers");
	assert_string_equal(span(&r, p),
			    "{AnonymousUsers, ExchangeUsers, "
			    "ExchangeServers, ExchangeLegacyServers...}");
	p = prop(&r, 0, "Bindings");
	assert_true(p->truncated);
	assert_value(p, "[::]:25, 0.0.0.0:25, 10.0.0.1:25, 10.0.0.2:25");
	assert_int_equal(p->nitems, 4);
	assert_string_equal(p->items[3], "10.0.0.2:25");
	p = prop(&r, 0, "Empty");
	assert_false(p->truncated);
	assert_value(p, "");
	assert_non_null(p->items);
	assert_int_equal(p->nitems, 0);
	p = prop(&r, 0, "Cut");
	assert_true(p->truncated);
	assert_int_equal(p->nitems, 0);
	rd_done(&r);
}

static void
test_list_colons(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;
	const char *text = "Bindings : [::]:25\n"
			   "Banner   : 220 mail : example : ESMTP\n"
			   "Url      : http://x:80/ : y :\n";

	(void)state;
	rd_list(&r, text);
	assert_int_equal(r.rc, 0);
	assert_value(prop(&r, 0, "Bindings"), "[::]:25");
	p = prop(&r, 0, "Banner");
	assert_value(p, "220 mail : example : ESMTP");
	assert_string_equal(span(&r, p), "220 mail : example : ESMTP");
	assert_value(prop(&r, 0, "Url"), "http://x:80/ : y :");
	rd_done(&r);
}

static void
test_list_crlf(void **state)
{
	struct rd a, b;
	char *t = crlf(list_two);
	const char *wrapped = "Banner : 220 a\n         b\nName   :\n";
	const struct bl_ex_prop *p;

	(void)state;
	rd_list(&a, list_two);
	rd_list(&b, t);
	assert_same_objects(&a, &b);
	/* no CR in any value or span end */
	p = prop(&b, 1, "Identity");
	assert_int_equal(b.src->data[p->off + p->len], '\r');
	rd_done(&a);
	rd_done(&b);
	free(t);

	t = crlf(wrapped);
	rd_list(&a, wrapped);
	rd_list(&b, t);
	assert_same_objects(&a, &b);
	assert_value(prop(&b, 0, "Banner"), "220 ab");
	assert_string_equal(span(&b, prop(&b, 0, "Banner")),
			    "220 a\r\n         b");
	p = prop(&b, 0, "Name");
	assert_int_equal(p->len, 0);
	assert_int_equal(b.src->data[p->off], '\r');
	rd_done(&a);
	rd_done(&b);
	free(t);
}

static void
test_list_bom_empty(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;

	(void)state;
	rd_list(&r, "\xef\xbb\xbf"
		    "Name : x\n");
	assert_int_equal(r.rc, 0);
	p = prop(&r, 0, "Name");
	assert_value(p, "x");
	assert_int_equal(p->line, 1);
	assert_int_equal(p->col, 4);
	assert_int_equal(r.x.objs[0].off, 3);
	rd_done(&r);

	rd_list(&r, "");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 0);
	rd_done(&r);
	rd_list(&r, "\xef\xbb\xbf\r\n  \r\n\t\n\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 0);
	assert_int_equal(r.d.n, 0);
	rd_done(&r);
}

static void
test_list_malformed(void **state)
{
	struct rd r;

	(void)state;
	rd_list(&r, "Name : a\n"
		    "Fqdn : b\n"
		    "\n"
		    "Name : c\n"
		    "WARNING: something\n"
		    "Fqdn : d\n");
	assert_error(&r, 5, 1, "\"WARNING: something\" is not a Format-List");
	assert_int_equal(r.d.errors, 1);
	rd_done(&r);

	/* every bad line is reported */
	rd_list(&r, "Name : a\nx\nName2 :b\n\nFoo Bar : c\n");
	assert_error(&r, 2, 1, "is not a Format-List line");
	assert_int_equal(r.d.errors, 3);
	assert_int_equal(r.d.v[1].line, 3);
	assert_int_equal(r.d.v[2].line, 5);
	rd_done(&r);

	rd_list(&r, "Name: a\n");
	assert_error(&r, 1, 1, "not a Format-List line");
	rd_done(&r);
	rd_list(&r, "Name : a\n\n   b\n");
	assert_error(&r, 3, 1, "no property before it");
	rd_done(&r);
	rd_list(&r, "\xef\xbb\xbf  b\n");
	assert_error(&r, 1, 4, "no property before it");
	rd_done(&r);
	rd_list(&r, "Name : a\nBanner : b\nbanner : c\n");
	assert_error(&r, 3, 1,
		     "Banner appears twice in one object (first "
		     "at line 2)");
	rd_done(&r);
	/* the same name in two objects is fine */
	rd_list(&r, "Name : a\n\nname : b\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 2);
	rd_done(&r);
	rd_run(&r, BL_EX_LIST, "receive.txt", "Name : a\nFqdn : b\0c\n", 18);
	assert_error(&r, 2, 9, "NUL byte");
	rd_done(&r);
	rd_list(&r, "Name : a\r\r\n");
	assert_int_equal(r.rc, 0);
	assert_value(prop(&r, 0, "Name"), "a\r");
	rd_done(&r);
}

static void
test_list_limits(void **state)
{
	struct rd r;
	struct bl_buf b;
	size_t i;

	(void)state;
	bl_buf_init(&b);
	for (i = 0; i < BL_EX_PROPS_MAX + 1; i++)
		bl_buf_printf(&b, "P%zu : v\n", i);
	rd_list(&r, b.data);
	assert_error(&r, BL_EX_PROPS_MAX + 1, 1, "more than 2000 properties");
	rd_done(&r);

	bl_buf_reset(&b);
	for (i = 0; i < BL_EX_OBJECTS_MAX + 1; i++)
		bl_buf_adds(&b, "Name : v\n\n");
	rd_list(&r, b.data);
	assert_error(&r, 2 * BL_EX_OBJECTS_MAX + 1, 1,
		     "more than 10000 objects");
	rd_done(&r);
	/* exactly the limit is fine */
	b.data[b.len - 10] = '\0';
	rd_list(&r, b.data);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, BL_EX_OBJECTS_MAX);
	rd_done(&r);

	bl_buf_reset(&b);
	bl_buf_adds(&b, "Name : x\nRemoteIPRanges : {a");
	for (i = 0; i < BL_EX_ITEMS_MAX; i++)
		bl_buf_adds(&b, ", a");
	bl_buf_adds(&b, "}\n");
	rd_list(&r, b.data);
	assert_error(&r, 2, 1, "has 10001 items");
	rd_done(&r);
	bl_buf_finish(&b);
}

/* ---- Export-Csv ---- */

static const char csv_two[] =
    "#TYPE Deserialized.Microsoft.Exchange.Data.Directory."
    "SystemConfiguration.ReceiveConnector\n"
    "\"RunspaceId\",\"AuthMechanism\",\"Banner\",\"Bindings\",\"Fqdn\","
    "\"Name\",\"Identity\"\n"
    "\"6c1f\",\"Tls, Integrated, BasicAuth\",,\"[::]:25 0.0.0.0:25\","
    "\"EX01.corp.example.com\",\"Default Frontend EX01\","
    "\"EX01\\Default Frontend EX01\"\n"
    "\"6c1f\",\"Tls, Integrated\",\"220 mail.example.com ESMTP\","
    "\"[::]:587 0.0.0.0:587\",\"EX01.corp.example.com\","
    "\"Client Frontend EX01\",\"EX01\\Client Frontend EX01\"\n";

static void
test_csv_type(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;

	(void)state;
	rd_csv(&r, csv_two);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 0);
	assert_int_equal(r.x.format, BL_EX_CSV);
	assert_int_equal(r.x.delimiter, ',');
	assert_int_equal(r.x.nobjs, 2);
	assert_string_equal(r.x.objs[0].type,
			    "Deserialized.Microsoft.Exchange.Data.Directory."
			    "SystemConfiguration.ReceiveConnector");
	assert_string_equal(r.x.objs[1].type, r.x.objs[0].type);
	assert_int_equal(r.x.objs[0].nprops, 7);
	assert_int_equal(r.x.objs[0].line, 3);
	assert_int_equal(r.x.objs[1].line, 4);
	assert_int_equal(r.x.objs[0].off,
			 strstr(csv_two, "\"6c1f\"") - csv_two);
	p = prop(&r, 0, "AuthMechanism");
	assert_value(p, "Tls, Integrated, BasicAuth");
	assert_int_equal(p->line, 3);
	assert_int_equal(p->col, 8);
	assert_string_equal(span(&r, p), "\"Tls, Integrated, BasicAuth\"");
	p = prop(&r, 0, "Bindings");
	assert_value(p, "[::]:25 0.0.0.0:25");
	assert_null(p->items);
	assert_int_equal(p->nitems, 0);
	assert_value(prop(&r, 1, "Banner"), "220 mail.example.com ESMTP");
	p = prop(&r, 1, "Identity");
	assert_value(p, "EX01\\Client Frontend EX01");
	assert_string_equal(span(&r, p), "\"EX01\\Client Frontend EX01\"");
	assert_string_equal(r.x.objs[1].props[6].name, "Identity");
	rd_done(&r);
}

static void
test_csv_no_type(void **state)
{
	struct rd r;

	(void)state;
	rd_csv(&r, "\"Name\",\"Banner\"\n\"a\",\"b\"\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 1);
	assert_null(r.x.objs[0].type);
	assert_int_equal(r.x.objs[0].line, 2);
	assert_value(prop(&r, 0, "Banner"), "b");
	rd_done(&r);

	/* a header and no rows; nothing at all */
	rd_csv(&r, "\"Name\",\"Banner\"\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 0);
	rd_done(&r);
	rd_csv(&r, "\r\n\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 0);
	rd_done(&r);
}

static void
test_csv_delimiters(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;

	(void)state;
	rd_csv(&r, "#TYPE T\n"
		   "\"Name\";\"Banner\";\"Bindings\"\n"
		   "\"a,b\";\"220 x; y\";\"[::]:25 0.0.0.0:25\"\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.delimiter, ';');
	assert_string_equal(r.x.objs[0].type, "T");
	assert_value(prop(&r, 0, "Name"), "a,b");
	assert_value(prop(&r, 0, "Banner"), "220 x; y");
	rd_done(&r);

	/* the first delimiter outside quotes decides */
	rd_csv(&r, "\"a;b\",\"c\"\n1,2\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.delimiter, ',');
	assert_value(prop(&r, 0, "a;b"), "1");
	rd_done(&r);

	rd_csv(&r, "Name\tBanner\nx y\t 220 z \n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.delimiter, '\t');
	/* unquoted (-UseQuotes Never): blanks kept */
	p = prop(&r, 0, "Banner");
	assert_value(p, " 220 z ");
	assert_string_equal(span(&r, p), " 220 z ");
	assert_value(prop(&r, 0, "Name"), "x y");
	rd_done(&r);

	/* one column */
	rd_csv(&r, "\"Name\"\n\"a;b,c\"\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.delimiter, ',');
	assert_value(prop(&r, 0, "Name"), "a;b,c");
	rd_done(&r);
}

static void
test_csv_null_empty_quotes(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;
	const char *text = "\"A\",\"Banner\",\"C\",\"D\",\"E\"\n"
			   ",\"\",\"say \"\"hi\"\"\",\"\"\"\",\n";

	(void)state;
	rd_csv(&r, text);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 1);
	p = prop(&r, 0, "A");
	assert_value(p, NULL);
	assert_int_equal(p->off, strchr(text, '\n') + 1 - text);
	assert_int_equal(p->len, 0);
	assert_int_equal(p->line, 2);
	assert_int_equal(p->col, 1);
	p = prop(&r, 0, "Banner");
	assert_value(p, "");
	assert_string_equal(span(&r, p), "\"\"");
	assert_int_equal(p->col, 2);
	p = prop(&r, 0, "C");
	assert_value(p, "say \"hi\"");
	assert_string_equal(span(&r, p), "\"say \"\"hi\"\"\"");
	assert_value(prop(&r, 0, "D"), "\"");
	/* the last field, empty before the line end */
	p = prop(&r, 0, "E");
	assert_value(p, NULL);
	assert_int_equal(p->len, 0);
	assert_int_equal(r.src->data[p->off], '\n');
	rd_done(&r);

	/* no final newline: the last field ends with the text */
	rd_csv(&r, "\"A\",\"B\"\n\"x\",");
	assert_int_equal(r.rc, 0);
	p = prop(&r, 0, "B");
	assert_value(p, NULL);
	assert_int_equal(p->off, r.src->len);
	rd_done(&r);
	rd_csv(&r, "\"A\",\"B\"\n\"x\",\"y\"");
	assert_int_equal(r.rc, 0);
	assert_string_equal(span(&r, prop(&r, 0, "B")), "\"y\"");
	rd_done(&r);
}

static void
test_csv_newline_in_quotes(void **state)
{
	struct rd r;
	const struct bl_ex_prop *p;
	const char *text = "\"Name\",\"Banner\"\n"
			   "\"a\",\"220 first\nsecond\n\nfourth\"\n"
			   "\"b\",\"x\"\n"
			   "\"c\",\"y\"\n";
	char *t;

	(void)state;
	rd_csv(&r, text);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 3);
	p = prop(&r, 0, "Banner");
	assert_value(p, "220 first\nsecond\n\nfourth");
	assert_string_equal(span(&r, p), "\"220 first\nsecond\n\nfourth\"");
	assert_int_equal(r.x.objs[1].line, 6);
	assert_int_equal(prop(&r, 1, "Banner")->line, 6);
	assert_int_equal(prop(&r, 1, "Banner")->col, 5);
	assert_int_equal(r.x.objs[2].line, 7);
	rd_done(&r);

	/* CRLF inside quotes: the CR is the line end's, not the value's */
	t = crlf(text);
	rd_csv(&r, t);
	assert_int_equal(r.rc, 0);
	assert_value(prop(&r, 0, "Banner"), "220 first\nsecond\n\nfourth");
	assert_int_equal(r.x.objs[2].line, 7);
	rd_done(&r);
	free(t);
}

static void
test_csv_field_counts(void **state)
{
	struct rd r;

	(void)state;
	rd_csv(&r, "#TYPE T\n\"A\",\"B\",\"C\"\n\"1\",\"2\",\"3\"\n"
		   "\"1\",\"2\",\"3\",\"4\"\n");
	assert_error(&r, 4, 1, "a row with 4 fields, the header has 3");
	rd_done(&r);
	rd_csv(&r, "\"A\",\"B\",\"C\"\n\"1\",\"2\",\"3\"\n\"1\",\"2\"\n");
	assert_error(&r, 3, 1, "a row with 2 fields, the header has 3");
	rd_done(&r);
	/* each bad row is reported */
	rd_csv(&r, "\"A\",\"B\"\n\"1\"\n\"1\",\"2\"\n\"1\",\"2\",\n");
	assert_error(&r, 2, 1, "a row with 1 field, the header has 2");
	assert_int_equal(r.d.errors, 2);
	assert_int_equal(r.d.v[1].line, 4);
	rd_done(&r);
	/* a quoted line break does not end the row */
	rd_csv(&r, "\"A\",\"B\"\n\"1\n2\",\"x\",\"y\"\n");
	assert_error(&r, 2, 1, "a row with 3 fields, the header has 2");
	rd_done(&r);
	/* blank lines between rows are skipped; a line of spaces is not
	 * blank */
	rd_csv(&r, "\"A\",\"B\"\n\n\"1\",\"2\"\r\n\r\n\n\"3\",\"4\"\n\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 2);
	assert_int_equal(r.x.objs[1].line, 6);
	rd_done(&r);
	rd_csv(&r, "\"A\",\"B\"\n\"1\",\"2\"\n  \n");
	assert_error(&r, 3, 1, "a row with 1 field, the header has 2");
	rd_done(&r);
}

static void
test_csv_quote_errors(void **state)
{
	struct rd r;

	(void)state;
	rd_csv(&r, "\"A\",\"B\"\n\"1\",\"2\"\n\"3\",\"never closed\n5,6\r\n");
	/* the text ends inside the field: the error is where it starts */
	assert_error(&r, 3, 5, "never closed");
	rd_done(&r);
	/* a quote that was meant to open the next row's field closes it */
	rd_csv(&r, "\"A\",\"B\"\n\"3\",\"not closed\n\"5\",\"6\"\n");
	assert_error(&r, 3, 2, "text after the closing quote");
	rd_done(&r);
	rd_csv(&r, "\"A\",\"B\"\n\"1\",2\"3\n");
	assert_error(&r, 2, 6, "a double quote inside an unquoted field");
	rd_done(&r);
	rd_csv(&r, "\"A\",\"B\"\n\"1\",\"2\"x\n");
	assert_error(&r, 2, 8, "text after the closing quote");
	rd_done(&r);
	rd_csv(&r, "\"A\",\"B\"\n\"1\",\"2\" \n");
	assert_error(&r, 2, 8, "text after the closing quote");
	rd_done(&r);
	rd_csv(&r, "\"A\" ,\"B\"\n");
	assert_error(&r, 1, 4, "text after the closing quote");
	rd_done(&r);
}

static void
test_csv_header_errors(void **state)
{
	struct rd r;

	(void)state;
	rd_csv(&r,
	       "#TYPE T\n\"Name\",\"Banner\",\"banner\"\n\"a\",\"b\",\"c\"\n");
	assert_error(&r, 2, 17,
		     "names the property banner twice (fields 2 "
		     "and 3)");
	rd_done(&r);
	rd_csv(&r, "\"Name\",,\"Banner\"\n");
	assert_error(&r, 1, 8, "field 2 has no name");
	rd_done(&r);
	rd_csv(&r, "\"\"\n");
	assert_error(&r, 1, 1, "field 1 has no name");
	rd_done(&r);
	rd_csv(&r, "#TYPE\n\"A\"\n");
	assert_error(&r, 1, 1, "#TYPE without a type name");
	rd_done(&r);
	rd_csv(&r, "#TYPE \r\n\"A\"\n");
	assert_error(&r, 1, 1, "#TYPE without a type name");
	rd_done(&r);
	rd_csv(&r, "#TYPE T\r\n");
	assert_error(&r, 1, 1, "a #TYPE line and no header");
	rd_done(&r);
	rd_run(&r, BL_EX_CSV, "receive.csv", "\"A\"\n\"\0\"\n", 8);
	assert_error(&r, 2, 2, "NUL byte");
	rd_done(&r);
}

static void
test_csv_crlf_bom(void **state)
{
	struct rd a, b;
	struct bl_buf t;
	char *c = crlf(csv_two);

	(void)state;
	rd_csv(&a, csv_two);
	rd_csv(&b, c);
	assert_same_objects(&a, &b);
	assert_string_equal(span(&b, prop(&b, 1, "Identity")),
			    "\"EX01\\Client Frontend EX01\"");
	rd_done(&b);
	free(c);

	bl_buf_init(&t);
	bl_buf_adds(&t, "\xef\xbb\xbf");
	bl_buf_adds(&t, csv_two);
	rd_csv(&b, t.data);
	assert_same_objects(&a, &b);
	rd_done(&b);
	bl_buf_reset(&t);
	/* a BOM and no #TYPE: the first name's column counts the BOM's bytes
	 * as bl_source_position does */
	bl_buf_adds(&t, "\xef\xbb\xbf\"Name\";\"Fqdn\"\r\n\"a\";\r\n");
	rd_csv(&b, t.data);
	assert_int_equal(b.rc, 0);
	assert_int_equal(b.x.delimiter, ';');
	assert_value(prop(&b, 0, "Name"), "a");
	assert_value(prop(&b, 0, "Fqdn"), NULL);
	assert_int_equal(b.src->data[prop(&b, 0, "Fqdn")->off], '\r');
	rd_done(&b);
	bl_buf_reset(&t);
	bl_buf_adds(&t, "\xef\xbb\xbf\"A\",\"A\"\n");
	rd_csv(&b, t.data);
	assert_error(&b, 1, 8, "twice");
	rd_done(&b);
	bl_buf_finish(&t);
	rd_done(&a);
}

/* every field's span is its bytes: the quotes, the doubled quotes */
static void
test_csv_spans(void **state)
{
	struct rd r;
	const char *text = "#TYPE T\r\n"
			   "\"A\",B,\"C\"\r\n"
			   "\"x\"\"y\",,\"two\r\nlines\"\r\n"
			   ",\"\",plain\r\n";
	const struct bl_ex_prop *p;
	size_t i, k;

	(void)state;
	rd_csv(&r, text);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.x.nobjs, 2);
	p = prop(&r, 0, "A");
	assert_string_equal(span(&r, p), "\"x\"\"y\"");
	assert_value(p, "x\"y");
	p = prop(&r, 0, "B");
	assert_int_equal(p->len, 0);
	assert_int_equal(r.src->data[p->off], ',');
	assert_int_equal(r.src->data[p->off - 1], ',');
	p = prop(&r, 0, "C");
	assert_string_equal(span(&r, p), "\"two\r\nlines\"");
	assert_value(p, "two\nlines");
	assert_int_equal(r.x.objs[1].line, 5);
	assert_string_equal(span(&r, prop(&r, 1, "B")), "\"\"");
	assert_string_equal(span(&r, prop(&r, 1, "C")), "plain");
	/* line:col is where off is */
	for (i = 0; i < r.x.nobjs; i++)
		for (k = 0; k < r.x.objs[i].nprops; k++) {
			unsigned l, c;

			p = &r.x.objs[i].props[k];
			bl_source_position(r.src, p->off, &l, &c);
			assert_int_equal(l, p->line);
			assert_int_equal(c, p->col);
		}
	rd_done(&r);
}

static void
test_csv_limits(void **state)
{
	struct rd r;
	struct bl_buf b;
	size_t i;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "\"Name\",\"Banner\"\n\"a\",\"");
	for (i = 0; i < 1024 * 1024; i++)
		bl_buf_addc(&b, i % 64 == 63 ? '\n' : 'x');
	bl_buf_adds(&b, "\"\n\"b\",\"c\"\n");
	rd_csv(&r, b.data);
	assert_int_equal(r.rc, 0);
	assert_int_equal(prop(&r, 0, "Banner")->value_len, 1024 * 1024);
	assert_int_equal(r.x.objs[1].line, 2 + 1024 * 1024 / 64 + 1);
	rd_done(&r);

	bl_buf_reset(&b);
	for (i = 0; i < BL_EX_PROPS_MAX + 1; i++)
		bl_buf_printf(&b, "%sP%zu", i ? "," : "", i);
	rd_csv(&r, b.data);
	assert_error(&r, 1, 0, "more than 2000 names");
	rd_done(&r);

	bl_buf_reset(&b);
	bl_buf_adds(&b, "\"A\"\n");
	for (i = 0; i < BL_EX_OBJECTS_MAX + 1; i++)
		bl_buf_adds(&b, "\"x\"\n");
	rd_csv(&r, b.data);
	assert_error(&r, BL_EX_OBJECTS_MAX + 2, 1, "more than 10000 objects");
	rd_done(&r);
	bl_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_padded_blocks),
	    cmocka_unit_test(test_list_null),
	    cmocka_unit_test(test_list_wrapped),
	    cmocka_unit_test(test_list_truncated),
	    cmocka_unit_test(test_list_colons),
	    cmocka_unit_test(test_list_crlf),
	    cmocka_unit_test(test_list_bom_empty),
	    cmocka_unit_test(test_list_malformed),
	    cmocka_unit_test(test_list_limits),
	    cmocka_unit_test(test_csv_type),
	    cmocka_unit_test(test_csv_no_type),
	    cmocka_unit_test(test_csv_delimiters),
	    cmocka_unit_test(test_csv_null_empty_quotes),
	    cmocka_unit_test(test_csv_newline_in_quotes),
	    cmocka_unit_test(test_csv_field_counts),
	    cmocka_unit_test(test_csv_quote_errors),
	    cmocka_unit_test(test_csv_header_errors),
	    cmocka_unit_test(test_csv_crlf_bom),
	    cmocka_unit_test(test_csv_spans),
	    cmocka_unit_test(test_csv_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

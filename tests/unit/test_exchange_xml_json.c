/* SPDX-License-Identifier: BSD-2-Clause */
/* test_exchange_xml_json.c - the Export-Clixml and ConvertTo-Json readers
 * of exchange.h: objects, properties, values, spans, and the refusals */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "exchange.h"
#include "source.h"
#include "util.h"

/* One read: the source, the arena, the export and the diagnostics. */
struct rd {
	struct bl_source *src;
	struct bl_arena a;
	struct bl_ex_export ex;
	struct bl_diags d;
	int rc;
};

static void
rd_run(struct rd *r, enum bl_ex_format f, const char *text, size_t len)
{
	r->src = bl_source_from_mem("export", text, len);
	bl_arena_init(&r->a);
	bl_diags_init(&r->d);
	if (f == BL_EX_CLIXML)
		r->rc = bl_ex_read_clixml(&r->a, r->src, &r->ex, &r->d);
	else
		r->rc = bl_ex_read_json(&r->a, r->src, &r->ex, &r->d);
}

static void
rd_free(struct rd *r)
{
	bl_diags_finish(&r->d);
	bl_arena_finish(&r->a);
	bl_source_free(r->src);
}

/* rd_ok - a read that must succeed with n objects */
static void
rd_ok(struct rd *r, enum bl_ex_format f, const char *text, size_t nobjs)
{
	size_t i;

	rd_run(r, f, text, strlen(text));
	for (i = 0; i < r->d.n; i++)
		fprintf(stderr, "unexpected: %u:%u: %s\n", r->d.v[i].line,
			r->d.v[i].col, r->d.v[i].message);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->d.errors, 0);
	assert_int_equal(r->ex.nobjs, nobjs);
	assert_int_equal(r->ex.format, f);
}

/* rd_err - a read that must fail with one error at line (and col when
 * not 0) whose message contains what */
static void
rd_err_len(enum bl_ex_format f, const char *text, size_t len, unsigned line,
	   unsigned col, const char *what)
{
	struct rd r;

	rd_run(&r, f, text, len);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 1);
	assert_int_equal(r.d.n, 1);
	if (strstr(r.d.v[0].message, what) == NULL || r.d.v[0].line != line ||
	    (col != 0 && r.d.v[0].col != col))
		fprintf(stderr, "got %u:%u: %s\n", r.d.v[0].line, r.d.v[0].col,
			r.d.v[0].message);
	assert_non_null(strstr(r.d.v[0].message, what));
	assert_string_equal(r.d.v[0].file, "export");
	assert_int_equal(r.d.v[0].line, line);
	if (col != 0)
		assert_int_equal(r.d.v[0].col, col);
	rd_free(&r);
}

static void
rd_err(enum bl_ex_format f, const char *text, unsigned line, unsigned col,
       const char *what)
{
	rd_err_len(f, text, strlen(text), line, col, what);
}

/* prop - the property name of object i (must exist) */
static const struct bl_ex_prop *
prop(const struct rd *r, size_t i, const char *name)
{
	const struct bl_ex_prop *p;
	size_t k;

	assert_true(i < r->ex.nobjs);
	p = NULL;
	for (k = 0; k < r->ex.objs[i].nprops; k++)
		if (strcmp(r->ex.objs[i].props[k].name, name) == 0)
			p = &r->ex.objs[i].props[k];
	if (p == NULL)
		fprintf(stderr, "no property %s in object %zu\n", name, i);
	assert_non_null(p);
	/* the contract's invariants, on every property looked at */
	assert_true(p->off + p->len <= r->src->len);
	assert_true(p->line >= 1 && p->line <= r->src->nlines);
	assert_true(p->col >= 1);
	if (p->value != NULL)
		assert_int_equal(p->value_len, strlen(p->value));
	return p;
}

/* span_is - the source bytes of p are text */
static void
span_is(const struct rd *r, const struct bl_ex_prop *p, const char *text)
{
	size_t n = strlen(text);

	if (p->len != n || memcmp(r->src->data + p->off, text, n) != 0)
		fprintf(stderr, "span [%zu,+%zu) is \"%.*s\", not \"%s\"\n",
			p->off, p->len, (int)p->len, r->src->data + p->off,
			text);
	assert_int_equal(p->len, n);
	assert_memory_equal(r->src->data + p->off, text, n);
}

/* value_is - p is the scalar value (NULL: $null) */
static void
value_is(const struct bl_ex_prop *p, const char *value)
{
	if (value == NULL) {
		assert_null(p->value);
		assert_int_equal(p->value_len, 0);
	} else {
		assert_non_null(p->value);
		assert_string_equal(p->value, value);
	}
}

/* items_are - p is a collection of n items (NULL-terminated list) */
static void
items_are(const struct bl_ex_prop *p, const char *const *items)
{
	size_t n = 0;

	while (items[n] != NULL)
		n++;
	assert_non_null(p->items);
	assert_int_equal(p->nitems, n);
	for (n = 0; n < p->nitems; n++)
		assert_string_equal(p->items[n], items[n]);
}

/* repeat - s n times (caller frees) */
static char *
repeat(const char *s, size_t n)
{
	struct bl_buf b;
	size_t i;

	bl_buf_init(&b);
	for (i = 0; i < n; i++)
		bl_buf_adds(&b, s);
	return bl_buf_steal(&b);
}

#define OBJS                                                                   \
	"<Objs Version=\"1.1.0.1\" "                                           \
	"xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n"
#define RC_TYPE                                                                \
	"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration."  \
	"ReceiveConnector"

/* Two receive connectors as Export-Clixml writes them over remoting. */
static const char two_connectors[] =
    OBJS "  <Obj RefId=\"0\">\n"
	 "    <TN RefId=\"0\">\n"
	 "      <T>" RC_TYPE "</T>\n"
	 "      <T>Deserialized.Microsoft.Exchange.Data.Directory."
	 "ADConfigurationObject</T>\n"
	 "      <T>Deserialized.System.Object</T>\n"
	 "    </TN>\n"
	 "    <ToString>Default Frontend EX01</ToString>\n"
	 "    <Props>\n"
	 "      <Nil N=\"Banner\" />\n"
	 "      <Obj N=\"Bindings\" RefId=\"1\">\n"
	 "        <TN RefId=\"1\">\n"
	 "          <T>Deserialized.Microsoft.Exchange.Data."
	 "MultiValuedProperty`1[[Microsoft.Exchange.Data.IPBinding]]</T>\n"
	 "          <T>Deserialized.System.Object</T>\n"
	 "        </TN>\n"
	 "        <LST>\n"
	 "          <S>[::]:25</S>\n"
	 "          <S>0.0.0.0:25</S>\n"
	 "        </LST>\n"
	 "      </Obj>\n"
	 "      <S N=\"Fqdn\">EX01.corp.example.com</S>\n"
	 "      <B N=\"Enabled\">true</B>\n"
	 "      <I32 N=\"MaxRecipientsPerMessage\">200</I32>\n"
	 "      <Obj N=\"PermissionGroups\" RefId=\"2\">\n"
	 "        <TN RefId=\"2\"><T>Deserialized.Microsoft.Exchange.Data."
	 "PermissionGroups</T><T>Deserialized.System.Enum</T></TN>\n"
	 "        <ToString>AnonymousUsers, ExchangeServers</ToString>\n"
	 "        <I32>17</I32>\n"
	 "      </Obj>\n"
	 "      <S N=\"Identity\">EX01\\Default Frontend EX01</S>\n"
	 "    </Props>\n"
	 "    <MS>\n"
	 "      <S N=\"PSComputerName\">ex01.corp.example.com</S>\n"
	 "      <G N=\"RunspaceId\">6c1f0b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f</G>\n"
	 "      <B N=\"PSShowComputerName\">false</B>\n"
	 "    </MS>\n"
	 "  </Obj>\n"
	 "  <Obj RefId=\"3\">\n"
	 "    <TNRef RefId=\"0\" />\n"
	 "    <ToString>Client Frontend EX01</ToString>\n"
	 "    <Props>\n"
	 "      <S N=\"Banner\">220 mail.example.com ESMTP</S>\n"
	 "      <Obj N=\"Bindings\" RefId=\"4\">\n"
	 "        <TNRef RefId=\"1\" />\n"
	 "        <LST><S>[::]:587</S><S>0.0.0.0:587</S></LST>\n"
	 "      </Obj>\n"
	 "      <Ref N=\"PermissionGroups\" RefId=\"2\" />\n"
	 "      <S N=\"Identity\">EX01\\Client Frontend EX01</S>\n"
	 "    </Props>\n"
	 "  </Obj>\n"
	 "</Objs>\n";

static void
test_clixml_two_objects(void **state)
{
	static const char *const b1[] = {"[::]:25", "0.0.0.0:25", NULL};
	static const char *const b2[] = {"[::]:587", "0.0.0.0:587", NULL};
	const struct bl_ex_prop *p;
	struct rd r;
	size_t i;

	(void)state;
	rd_ok(&r, BL_EX_CLIXML, two_connectors, 2);
	assert_string_equal(r.ex.objs[0].type, RC_TYPE);
	assert_string_equal(r.ex.objs[1].type, RC_TYPE); /* by TNRef */
	assert_int_equal(r.ex.objs[0].line, 2);
	assert_int_equal(r.ex.objs[1].line, 37);
	assert_memory_equal(two_connectors + r.ex.objs[1].off,
			    "<Obj RefId=\"3\">", 15);
	assert_int_equal(r.ex.delimiter, 0);
	/* Props then MS, in order; ToString is not a property */
	assert_int_equal(r.ex.objs[0].nprops, 10);
	assert_string_equal(r.ex.objs[0].props[0].name, "Banner");
	assert_string_equal(r.ex.objs[0].props[9].name, "PSShowComputerName");
	for (i = 0; i < r.ex.objs[0].nprops; i++)
		assert_string_not_equal(r.ex.objs[0].props[i].name, "ToString");

	p = prop(&r, 0, "Banner");
	value_is(p, NULL);
	assert_null(p->items);
	span_is(&r, p, "<Nil N=\"Banner\" />");
	assert_int_equal(p->line, 10);
	assert_int_equal(p->col, 15); /* the name, in N="..." */

	p = prop(&r, 0, "Bindings");
	value_is(p, "[::]:25, 0.0.0.0:25");
	items_are(p, b1);
	assert_false(p->truncated);
	assert_memory_equal(two_connectors + p->off, "<Obj N=\"Bindings\"", 17);
	assert_memory_equal(two_connectors + p->off + p->len - 6, "</Obj>", 6);

	p = prop(&r, 0, "Fqdn");
	value_is(p, "EX01.corp.example.com");
	span_is(&r, p, "<S N=\"Fqdn\">EX01.corp.example.com</S>");
	value_is(prop(&r, 0, "Enabled"), "true");
	value_is(prop(&r, 0, "MaxRecipientsPerMessage"), "200");
	p = prop(&r, 0, "PermissionGroups");
	value_is(p, "AnonymousUsers, ExchangeServers");
	assert_null(p->items); /* an enum: its ToString, a scalar */
	value_is(prop(&r, 0, "Identity"), "EX01\\Default Frontend EX01");
	value_is(prop(&r, 0, "RunspaceId"),
		 "6c1f0b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f");
	value_is(prop(&r, 0, "PSComputerName"), "ex01.corp.example.com");

	p = prop(&r, 1, "Banner");
	value_is(p, "220 mail.example.com ESMTP");
	span_is(&r, p, "<S N=\"Banner\">220 mail.example.com ESMTP</S>");
	p = prop(&r, 1, "Bindings");
	items_are(p, b2);
	value_is(p, "[::]:587, 0.0.0.0:587");
	p = prop(&r, 1, "PermissionGroups");
	value_is(p, "AnonymousUsers, ExchangeServers"); /* by Ref */
	span_is(&r, p, "<Ref N=\"PermissionGroups\" RefId=\"2\" />");
	rd_free(&r);
}

/* the same export with CRLF line ends, a BOM and an XML declaration
 * naming the encoding the file had before it was decoded */
static void
test_clixml_crlf_bom(void **state)
{
	struct bl_buf b;
	struct rd r, l;
	const char *s;
	size_t i, k;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "\xef\xbb\xbf<?xml version=\"1.0\" "
			"encoding=\"utf-16\"?>\r\n");
	for (s = two_connectors; *s != '\0'; s++) {
		if (*s == '\n')
			bl_buf_addc(&b, '\r');
		bl_buf_addc(&b, *s);
	}
	rd_ok(&r, BL_EX_CLIXML, b.data, 2);
	rd_ok(&l, BL_EX_CLIXML, two_connectors, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(r.ex.objs[i].nprops, l.ex.objs[i].nprops);
		assert_int_equal(r.ex.objs[i].line, l.ex.objs[i].line + 1);
		for (k = 0; k < r.ex.objs[i].nprops; k++) {
			const struct bl_ex_prop *p = &r.ex.objs[i].props[k];
			const struct bl_ex_prop *q = &l.ex.objs[i].props[k];

			assert_string_equal(p->name, q->name);
			if (q->value == NULL)
				assert_null(p->value);
			else
				assert_string_equal(p->value, q->value);
			assert_int_equal(p->nitems, q->nitems);
			assert_int_equal(p->line, q->line + 1);
		}
	}
	/* a span of one line is the same bytes */
	span_is(&r, prop(&r, 0, "Fqdn"),
		"<S N=\"Fqdn\">EX01.corp.example.com</S>");
	rd_free(&r);
	rd_free(&l);
	bl_buf_finish(&b);
}

static void
test_clixml_escapes(void **state)
{
	const struct bl_ex_prop *p;
	struct rd r;

	(void)state;
	rd_ok(&r, BL_EX_CLIXML,
	      OBJS "<Obj RefId=\"0\"><Props>\n"
		   "<S N=\"Banner\">220 a_x000A_b_x005F_x0020_c &amp; "
		   "&lt;d&gt; &#x41;</S>\n"
		   "<S N=\"Order_x0020_Name\">x_x005f_y</S>\n"
		   "<S N=\"Smile\">_xD83D__xDE00_ _xd83d__xde00_</S>\n"
		   "<S N=\"Euro\">_x20AC_ _x00e9_ plain_x_ _x12_ _xZZZZ_</S>\n"
		   "<S N=\"Empty\"></S><S N=\"Empty2\" />\n"
		   "<S N=\"CData\"><![CDATA[<a>&b]]></S>\n"
		   "</Props></Obj></Objs>",
	      1);
	value_is(prop(&r, 0, "Banner"), "220 a\nb_x0020_c & <d> A");
	p = prop(&r, 0, "Order Name"); /* names decode too */
	value_is(p, "x_y");
	value_is(prop(&r, 0, "Smile"), "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80");
	value_is(prop(&r, 0, "Euro"),
		 "\xe2\x82\xac \xc3\xa9 plain_x_ _x12_ _xZZZZ_");
	value_is(prop(&r, 0, "Empty"), "");
	p = prop(&r, 0, "Empty2");
	value_is(p, "");
	span_is(&r, p, "<S N=\"Empty2\" />");
	value_is(prop(&r, 0, "CData"), "<a>&b");
	rd_free(&r);
}

static void
test_clixml_bad_escapes(void **state)
{
	(void)state;
	/* a lone high surrogate, on the line of the escape */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props><S N=\"Banner\">a\n"
		    "b_xD83D_c</S></Props></Obj></Objs>",
	       3, 2, "_xD83D_: the first half of a UTF-16 surrogate pair");
	/* a lone low surrogate */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props>\n<S N=\"Banner\">_xDE00_</S>"
		    "</Props></Obj></Objs>",
	       3, 15, "the second half of a UTF-16 surrogate pair");
	/* high followed by a high */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props>\n<S N=\"B\">_xD83D__xD83D_</S>"
		    "</Props></Obj></Objs>",
	       3, 10, "first half");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props>\n<S N=\"Banner\">x_x0000_</S>"
		    "</Props></Obj></Objs>",
	       3, 16, "_x0000_ (a NUL character)");
	/* after an entity, still the escape's column */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props>\n<S N=\"B\">&amp;_x0000_</S>"
		    "</Props></Obj></Objs>",
	       3, 15, "_x0000_");
	/* an escape made of an entity and text: the entity's column */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props>\n<S N=\"B\">&#95;x0000_</S>"
		    "</Props></Obj></Objs>",
	       3, 10, "_x0000_");
	/* in a name: at the name */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><Props>\n <S N=\"a_xDC00_\">x</S>"
		    "</Props></Obj></Objs>",
	       3, 8, "second half");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\"><TN RefId=\"0\"><T>\n_x0000_</T></TN>"
		    "</Obj></Objs>",
	       3, 1, "_x0000_");
}

static void
test_clixml_collections(void **state)
{
	static const char *const ie[] = {"a", "", "c d", "7", NULL};
	static const char *const part[] = {"x", "obj text", NULL};
	static const char *const none[] = {NULL};
	const struct bl_ex_prop *p;
	struct rd r;

	(void)state;
	rd_ok(&r, BL_EX_CLIXML,
	      OBJS "<Obj RefId=\"0\"><Props>\n"
		   "<Obj N=\"IE\" RefId=\"1\"><IE><S>a</S><Nil />"
		   "<S>c d</S><I32>7</I32></IE></Obj>\n"
		   "<Obj N=\"Part\" RefId=\"2\"><LST><S>x</S>"
		   "<Obj RefId=\"3\"><ToString>obj text</ToString></Obj>"
		   "<Obj RefId=\"4\"><Props><S N=\"q\">1</S></Props></Obj>"
		   "</LST></Obj>\n"
		   "<Obj N=\"Empty\" RefId=\"5\"><LST /></Obj>\n"
		   "<Obj N=\"Dict\" RefId=\"6\"><DCT><En><S N=\"Key\">k</S>"
		   "<S N=\"Value\">v</S></En></DCT>"
		   "<ToString>System.Collections.Hashtable</ToString></Obj>\n"
		   "<Obj N=\"DictOnly\" RefId=\"7\"><DCT /></Obj>\n"
		   "<Ref N=\"Again\" RefId=\"1\" />\n"
		   "<Obj N=\"Refs\" RefId=\"8\"><LST><Ref RefId=\"3\" />"
		   "<Ref RefId=\"1\" /></LST></Obj>\n"
		   "</Props></Obj></Objs>",
	      1);
	p = prop(&r, 0, "IE");
	items_are(p, ie);
	value_is(p, "a, , c d, 7");
	p = prop(&r, 0, "Part");
	items_are(p, part);
	assert_true(p->truncated); /* an object with no text left out */
	value_is(p, "x, obj text");
	p = prop(&r, 0, "Empty");
	items_are(p, none);
	value_is(p, "");
	span_is(&r, p, "<Obj N=\"Empty\" RefId=\"5\"><LST /></Obj>");
	p = prop(&r, 0, "Dict");
	value_is(p, "System.Collections.Hashtable");
	assert_null(p->items);
	p = prop(&r, 0, "DictOnly");
	value_is(p, "");
	assert_true(p->truncated);
	p = prop(&r, 0, "Again");
	items_are(p, ie);
	p = prop(&r, 0, "Refs");
	assert_int_equal(p->nitems, 2);
	assert_string_equal(p->items[0], "obj text");
	assert_string_equal(p->items[1], "a, , c d, 7");
	/* the properties of nested objects are not the object's */
	assert_int_equal(r.ex.objs[0].nprops, 7);
	rd_free(&r);
}

static void
test_clixml_other_top(void **state)
{
	struct rd r;

	(void)state;
	/* a primitive at the top is an object without properties; an
	 * empty <Objs> is an empty export; comments are fine */
	rd_ok(&r, BL_EX_CLIXML,
	      OBJS "<!-- c --><S>text</S><Obj RefId=\"0\" /></Objs>", 2);
	assert_int_equal(r.ex.objs[0].nprops, 0);
	assert_null(r.ex.objs[0].type);
	assert_int_equal(r.ex.objs[1].nprops, 0);
	rd_free(&r);
	rd_ok(&r, BL_EX_CLIXML, OBJS "</Objs>\n", 0);
	rd_free(&r);
}

static void
test_clixml_dtd(void **state)
{
	char *path = strdup("/tmp/bl-test-xxe-XXXXXX"), *doc;
	struct bl_buf b;
	clock_t t0;
	int fd;
	size_t i;

	(void)state;
	rd_err(BL_EX_CLIXML,
	       "<?xml version=\"1.0\"?>\n<!DOCTYPE Objs>\n" OBJS "</Objs>", 2,
	       1, "a DTD is not allowed in an export");
	/* billion laughs: refused at the DOCTYPE, before any expansion */
	bl_buf_init(&b);
	bl_buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
			" <!ENTITY lol \"lol\">\n");
	for (i = 1; i < 10; i++)
		bl_buf_printf(&b,
			      " <!ENTITY lol%zu \"&lol%zu;&lol%zu;&lol%zu;"
			      "&lol%zu;&lol%zu;&lol%zu;&lol%zu;&lol%zu;"
			      "&lol%zu;&lol%zu;\">\n",
			      i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			      i - 1, i - 1, i - 1, i - 1);
	bl_buf_adds(&b, "]>\n<Objs><Obj><Props><S N=\"Banner\">&lol9;</S>"
			"</Props></Obj></Objs>\n");
	doc = bl_buf_steal(&b);
	t0 = clock();
	rd_err(BL_EX_CLIXML, doc, 2, 1, "a DTD is not allowed");
	assert_true(clock() - t0 < CLOCKS_PER_SEC / 2);
	free(doc);
	/* an external entity: refused, the file never opened (it holds
	 * a marker that would show in a value) */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SECRET", 6), 6);
	close(fd);
	doc = bl_xasprintf("<!DOCTYPE Objs [<!ENTITY xxe SYSTEM "
			   "\"file://%s\">]>\n" OBJS
			   "<Obj><Props><S N=\"Banner\">&xxe;</S></Props>"
			   "</Obj></Objs>\n",
			   path);
	rd_err(BL_EX_CLIXML, doc, 1, 1, "a DTD is not allowed");
	free(doc);
	doc = bl_xasprintf(
	    "<!DOCTYPE Objs SYSTEM \"file://%s\">\n" OBJS "</Objs>\n", path);
	rd_err(BL_EX_CLIXML, doc, 1, 1, "a DTD is not allowed");
	free(doc);
	/* an entity nobody declared: expat's error */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj><Props>\n<S N=\"Banner\">&xxe;</S>"
		    "</Props></Obj></Objs>",
	       3, 15, "malformed XML: undefined entity");
	unlink(path);
	free(path);
}

static void
test_clixml_malformed(void **state)
{
	char *deep, *ok, *open, *close;
	struct rd r;

	(void)state;
	/* cut in the middle of an element */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"0\">\n<Props>\n<S N=\"Banner\">220 x</S>\n"
		    "<S N=\"Fqdn\">mail.exa",
	       5, 0, "malformed XML: ");
	rd_err(BL_EX_CLIXML, OBJS "<Obj RefId=\"0\">\n<Props>\n<S N=\"Ban", 4,
	       0, "malformed XML");
	rd_err(BL_EX_CLIXML, "", 1, 1, "malformed XML: no element found");
	rd_err(BL_EX_CLIXML, "\xef\xbb\xbf  \n", 1, 7,
	       "malformed XML: no element found");
	rd_err(BL_EX_CLIXML, OBJS "<S>a</T></Objs>", 2, 0, "mismatched tag");
	rd_err(BL_EX_CLIXML, OBJS "</Objs><Objs />", 2, 8, "junk after");
	/* invalid UTF-8 */
	rd_err(BL_EX_CLIXML, OBJS "<S>\xff</S></Objs>", 2, 4, "malformed");
	rd_err_len(BL_EX_CLIXML, OBJS "<S>a\0b</S></Objs>",
		   sizeof(OBJS "<S>a\0b</S></Objs>") - 1, 2, 0, "malformed");
	/* not an export */
	rd_err(BL_EX_CLIXML, "<?xml version=\"1.0\"?>\n<project><a/></project>",
	       2, 1, "not a CLIXML export: the root is <project>, not <Objs>");
	/* structure */
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj><Props>\n<S N=\"B\">a<b/>c</S></Props></Obj></Objs>",
	       3, 11, "an element inside <S>, which holds text only");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj><ToString>a<b/></ToString></Obj></Objs>", 2, 17,
	       "inside <ToString>");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj><Props>\n <S>x</S></Props></Obj></Objs>", 3, 2,
	       "<S> in the properties of an object has no N attribute");
	rd_err(BL_EX_CLIXML, OBJS "<Obj>\n<TNRef RefId=\"9\" /></Obj></Objs>",
	       3, 1, "<TNRef RefId=\"9\"> names no <TN> before it");
	rd_err(BL_EX_CLIXML, OBJS "<Obj><TNRef /></Obj></Objs>", 2, 6,
	       "a <TNRef> without a RefId");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj><Props>\n<Ref N=\"x\" RefId=\"7\" /></Props></Obj>"
		    "</Objs>",
	       3, 1, "<Ref RefId=\"7\"> names no <Obj> before it");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj RefId=\"1\" />\n<Obj RefId=\"1\" /></Objs>", 3, 1,
	       "a second <Obj RefId=\"1\">");
	rd_err(BL_EX_CLIXML,
	       OBJS "<Obj><TN RefId=\"1\" /></Obj>\n<Obj><TN RefId=\"1\" />"
		    "</Obj></Objs>",
	       3, 6, "a second <TN RefId=\"1\">");
	/* a <Ref> to the object it is in: no text, truncated */
	rd_ok(&r, BL_EX_CLIXML,
	      OBJS "<Obj RefId=\"0\"><Props><Ref N=\"Self\" RefId=\"0\" />"
		   "</Props></Obj></Objs>",
	      1);
	value_is(prop(&r, 0, "Self"), "");
	assert_true(prop(&r, 0, "Self")->truncated);
	rd_free(&r);

	/* 64 levels are fine, 65 are not */
	open = repeat("<a>", 63);
	close = repeat("</a>", 63);
	ok = bl_xasprintf("<Objs>%s%s</Objs>", open, close);
	rd_ok(&r, BL_EX_CLIXML, ok, 1);
	rd_free(&r);
	free(ok);
	deep = bl_xasprintf("<Objs>\n%s<a></a>%s</Objs>", open, close);
	rd_err(BL_EX_CLIXML, deep, 2, 190, "elements nested more than 64 deep");
	free(deep);
	free(open);
	free(close);
}

static void
test_clixml_limits(void **state)
{
	char *many, *body;
	struct rd r;

	(void)state;
	body = repeat("<S N=\"p\">v</S>\n", BL_EX_PROPS_MAX);
	many =
	    bl_xasprintf("<Objs><Obj><Props>\n%s</Props></Obj></Objs>", body);
	rd_ok(&r, BL_EX_CLIXML, many, 1);
	assert_int_equal(r.ex.objs[0].nprops, BL_EX_PROPS_MAX);
	rd_free(&r);
	free(many);
	many = bl_xasprintf("<Objs><Obj><Props>\n%s<S N=\"last\" /></Props>"
			    "</Obj></Objs>",
			    body);
	rd_err(BL_EX_CLIXML, many, BL_EX_PROPS_MAX + 2, 7,
	       "an object with more than 2000 properties");
	free(many);
	free(body);

	body = repeat("<S>i</S>", BL_EX_ITEMS_MAX + 1);
	many = bl_xasprintf("<Objs><Obj><Props><Obj N=\"L\"><LST>%s</LST>"
			    "</Obj></Props></Obj></Objs>",
			    body);
	rd_err(BL_EX_CLIXML, many, 1, 0,
	       "a collection with more than 10000 elements");
	free(many);
	free(body);

	body = repeat("<Obj />\n", BL_EX_OBJECTS_MAX);
	many = bl_xasprintf("<Objs>\n%s</Objs>", body);
	rd_ok(&r, BL_EX_CLIXML, many, BL_EX_OBJECTS_MAX);
	rd_free(&r);
	free(many);
	many = bl_xasprintf("<Objs>\n%s<S /></Objs>", body);
	rd_err(BL_EX_CLIXML, many, BL_EX_OBJECTS_MAX + 2, 1,
	       "an export of more than 10000 objects");
	free(many);
	free(body);
}

/* JSON */

/* Two connectors as Windows PowerShell 5.1's ConvertTo-Json writes them. */
static const char json_two[] =
    "[\n"
    "    {\n"
    "        \"RunspaceId\":  \"6c1f0b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f\",\n"
    "        \"Banner\":  null,\n"
    "        \"Bindings\":  [\n"
    "                         \"[::]:25\",\n"
    "                         \"0.0.0.0:25\"\n"
    "                     ],\n"
    "        \"Enabled\":  true,\n"
    "        \"MaxInboundConnectionPercentagePerSource\":  2,\n"
    "        \"Ratio\":  1.50E3,\n"
    "        \"Name\":  \"Default Frontend EX01\",\n"
    "        \"Identity\":  \"EX01\\\\Default Frontend EX01\"\n"
    "    },\n"
    "    {\n"
    "        \"Banner\":  \"220 mail.example.com \\u0027ESMTP\\u0027 "
    "\\u003cok\\u003e \\u0026\",\n"
    "        \"Bindings\":  {\"value\": [\"[::]:587\", \"0.0.0.0:587\"], "
    "\"Count\": 2},\n"
    "        \"Enabled\":  false,\n"
    "        \"Server\":  {\"Name\": \"EX01\", \"Id\": 7, \"A\": [1]},\n"
    "        \"Name\":  \"Client Frontend EX01\"\n"
    "    }\n"
    "]\n";

static void
test_json_array(void **state)
{
	static const char *const b1[] = {"[::]:25", "0.0.0.0:25", NULL};
	static const char *const b2[] = {"[::]:587", "0.0.0.0:587", NULL};
	const struct bl_ex_prop *p;
	struct rd r;

	(void)state;
	rd_ok(&r, BL_EX_JSON, json_two, 2);
	assert_int_equal(r.ex.objs[0].nprops, 8);
	assert_int_equal(r.ex.objs[1].nprops, 5);
	assert_int_equal(r.ex.objs[0].line, 2);
	assert_int_equal(r.ex.objs[1].line, 15);
	assert_int_equal(json_two[r.ex.objs[1].off], '{');
	assert_null(r.ex.objs[0].type);
	assert_string_equal(r.ex.objs[0].props[0].name, "RunspaceId");
	assert_string_equal(r.ex.objs[0].props[7].name, "Identity");

	p = prop(&r, 0, "Banner");
	value_is(p, NULL);
	span_is(&r, p, "null");
	assert_int_equal(p->line, 4);
	assert_int_equal(p->col, 9);
	p = prop(&r, 0, "Bindings");
	items_are(p, b1);
	value_is(p, "[::]:25, 0.0.0.0:25");
	assert_false(p->truncated);
	span_is(&r, p,
		"[\n                         \"[::]:25\",\n"
		"                         \"0.0.0.0:25\"\n"
		"                     ]");
	p = prop(&r, 0, "Enabled");
	value_is(p, "True");
	span_is(&r, p, "true");
	value_is(prop(&r, 0, "MaxInboundConnectionPercentagePerSource"), "2");
	p = prop(&r, 0, "Ratio");
	value_is(p, "1.50E3"); /* as written */
	span_is(&r, p, "1.50E3");
	p = prop(&r, 0, "Identity");
	value_is(p, "EX01\\Default Frontend EX01");
	span_is(&r, p, "\"EX01\\\\Default Frontend EX01\"");
	assert_null(p->items);

	p = prop(&r, 1, "Banner");
	value_is(p, "220 mail.example.com 'ESMTP' <ok> &");
	span_is(&r, p,
		"\"220 mail.example.com \\u0027ESMTP\\u0027 \\u003cok\\u003e "
		"\\u0026\"");
	p = prop(&r, 1, "Bindings");
	items_are(p, b2);
	value_is(p, "[::]:587, 0.0.0.0:587");
	span_is(&r, p,
		"{\"value\": [\"[::]:587\", \"0.0.0.0:587\"], "
		"\"Count\": 2}");
	value_is(prop(&r, 1, "Enabled"), "False");
	p = prop(&r, 1, "Server");
	value_is(p, "{\"Name\":\"EX01\",\"Id\":7,\"A\":[1]}");
	assert_null(p->items);
	assert_false(p->truncated);
	rd_free(&r);
}

static void
test_json_object(void **state)
{
	static const char *const items[] = {"a",    "3", "-1.5e-3",
					    "True", "",	 NULL};
	const struct bl_ex_prop *p;
	struct rd r;

	(void)state;
	/* one connector: an object; PS 7's two-space indent; CRLF; a BOM */
	rd_ok(&r, BL_EX_JSON,
	      "\xef\xbb\xbf{\r\n"
	      "  \"Banner\": \"220 it's \\ud83d\\ude00 \\\"q\\\" \\n\",\r\n"
	      "  \"Nested\": [\"a\", [\"b\"], {\"c\": 1}, 3, -1.5e-3, true, "
	      "null],\r\n"
	      "  \"Empty\": [],\r\n"
	      "  \"Obj\": {},\r\n"
	      "  \"Str\": \"\"\r\n"
	      "}\r\n",
	      1);
	assert_int_equal(r.ex.objs[0].off, 3);
	assert_int_equal(r.ex.objs[0].line, 1);
	p = prop(&r, 0, "Banner");
	value_is(p, "220 it's \xf0\x9f\x98\x80 \"q\" \n");
	assert_int_equal(p->line, 2);
	assert_int_equal(p->col, 3);
	span_is(&r, p, "\"220 it's \\ud83d\\ude00 \\\"q\\\" \\n\"");
	p = prop(&r, 0, "Nested");
	items_are(p, items);
	assert_true(p->truncated);
	value_is(p, "a, 3, -1.5e-3, True, ");
	span_is(&r, p, "[\"a\", [\"b\"], {\"c\": 1}, 3, -1.5e-3, true, null]");
	p = prop(&r, 0, "Empty");
	assert_non_null(p->items);
	assert_int_equal(p->nitems, 0);
	value_is(p, "");
	span_is(&r, p, "[]");
	value_is(prop(&r, 0, "Obj"), "{}");
	value_is(prop(&r, 0, "Str"), "");
	rd_free(&r);

	rd_ok(&r, BL_EX_JSON, "[]", 0);
	rd_free(&r);
	rd_ok(&r, BL_EX_JSON, " [ { } ]\n", 1);
	assert_int_equal(r.ex.objs[0].nprops, 0);
	rd_free(&r);
}

static void
test_json_errors(void **state)
{
	char *deep, *ok, *open, *close;
	struct rd r;

	(void)state;
	/* trailing garbage: jansson's message, at the line it is on */
	rd_err(BL_EX_JSON, "{\n  \"Banner\": null\n}\nx\n", 4, 1,
	       "end of file expected");
	rd_err(BL_EX_JSON, "{\"a\": 1}\n{\"b\": 2}\n", 2, 1,
	       "end of file expected");
	rd_err(BL_EX_JSON, "[\n  {\"a\": \"\\x\"}\n]", 2, 0, "invalid escape");
	rd_err(BL_EX_JSON, "[\n  {\"a\": \"\\ud83d\"}\n]", 2, 0,
	       "invalid Unicode");
	rd_err(BL_EX_JSON, "{\n\"a\": \"\xff\"}", 2, 0,
	       "unable to decode byte 0xff");
	rd_err(BL_EX_JSON, "{\"a\": \"\\u0000\"}", 1, 0, "NUL");
	rd_err(BL_EX_JSON, "{\"a\": 1,\n}", 2, 1, "string or '}' expected");
	rd_err(BL_EX_JSON, "\"text\"", 1, 0, "'[' or '{' expected");
	rd_err(BL_EX_JSON, "", 1, 1, "'[' or '{' expected");
	rd_err(BL_EX_JSON, "{\"a\": [1, 2}", 1, 0, "");
	/* elements of the top-level array must be objects */
	rd_err(BL_EX_JSON, "[\n  {\"a\": 1},\n  42\n]", 3, 3,
	       "element 2 of the top-level array is a number, not an object");
	rd_err(BL_EX_JSON, "[[]]", 1, 2,
	       "element 1 of the top-level array is "
	       "an array");
	rd_err(BL_EX_JSON, "[{}, null]", 1, 6, "is null");
	/* the same name twice, exactly or in another case */
	rd_err(BL_EX_JSON,
	       "{\n\"Banner\": \"a\",\n\"Fqdn\": 1,\n\"Banner\": \"b\"\n}", 4,
	       1,
	       "the member name \"Banner\" twice in one object (first at "
	       "line 2)");
	rd_err(BL_EX_JSON, "[{\"Banner\": 1,\n \"banner\": 2}]", 2, 2,
	       "the member name \"banner\" twice");
	rd_err(BL_EX_JSON, "[{\"B\\u0061\": 1,\n \"Ba\": 2}]", 2, 2,
	       "the member name \"Ba\" twice");
	/* in a nested object the last one counts (jansson's) */
	rd_ok(&r, BL_EX_JSON, "{\"o\": {\"a\": 1, \"a\": 2}}", 1);
	value_is(prop(&r, 0, "o"), "{\"a\":2}");
	rd_free(&r);

	/* depth: 64 levels are fine, 65 are not (before jansson) */
	open = repeat("[", 63);
	close = repeat("]", 63);
	ok = bl_xasprintf("{\"a\": %s%s}", open, close);
	rd_ok(&r, BL_EX_JSON, ok, 1);
	assert_true(prop(&r, 0, "a")->truncated);
	rd_free(&r);
	free(ok);
	free(open);
	free(close);
	open = repeat("[", 199);
	close = repeat("]", 199);
	deep = bl_xasprintf("{\n\"a\": %s%s}", open, close);
	rd_err(BL_EX_JSON, deep, 2, 69, "nested more than 64 deep");
	free(deep);
	/* brackets inside strings do not count */
	deep = bl_xasprintf("{\"a\": \"%s\\\"%s\"}", open, close);
	rd_ok(&r, BL_EX_JSON, deep, 1);
	assert_int_equal(prop(&r, 0, "a")->value_len, 2 * 199 + 1);
	rd_free(&r);
	free(deep);
	/* unbalanced and deep: the depth error comes first */
	deep = bl_xasprintf("%s", open);
	rd_err(BL_EX_JSON, deep, 1, 65, "nested more than 64 deep");
	free(deep);
	free(open);
	free(close);
}

static void
test_json_limits(void **state)
{
	struct bl_buf b;
	struct rd r;
	size_t i;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "{\n");
	for (i = 0; i < BL_EX_PROPS_MAX; i++)
		bl_buf_printf(&b, "\"p%zu\": %zu,\n", i, i);
	bl_buf_adds(&b, "\"last\": 0}");
	rd_err(BL_EX_JSON, b.data, BL_EX_PROPS_MAX + 2, 1,
	       "an object with more than 2000 members");
	bl_buf_reset(&b);
	bl_buf_adds(&b, "{\"a\": [");
	for (i = 0; i < BL_EX_ITEMS_MAX; i++)
		bl_buf_adds(&b, "1,");
	bl_buf_adds(&b, "\n2]}");
	rd_err(BL_EX_JSON, b.data, 2, 1,
	       "an array with more than 10000 elements");
	bl_buf_reset(&b);
	bl_buf_adds(&b, "[");
	for (i = 0; i < BL_EX_OBJECTS_MAX; i++)
		bl_buf_adds(&b, "{},\n");
	bl_buf_adds(&b, "{}]");
	rd_err(BL_EX_JSON, b.data, BL_EX_OBJECTS_MAX + 1, 1,
	       "an export of more than 10000 objects");
	/* the maximum is fine */
	bl_buf_reset(&b);
	bl_buf_adds(&b, "[{}");
	for (i = 1; i < BL_EX_OBJECTS_MAX; i++)
		bl_buf_adds(&b, ",{}");
	bl_buf_adds(&b, "]");
	rd_ok(&r, BL_EX_JSON, b.data, BL_EX_OBJECTS_MAX);
	rd_free(&r);
	bl_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clixml_two_objects),
	    cmocka_unit_test(test_clixml_crlf_bom),
	    cmocka_unit_test(test_clixml_escapes),
	    cmocka_unit_test(test_clixml_bad_escapes),
	    cmocka_unit_test(test_clixml_collections),
	    cmocka_unit_test(test_clixml_other_top),
	    cmocka_unit_test(test_clixml_dtd),
	    cmocka_unit_test(test_clixml_malformed),
	    cmocka_unit_test(test_clixml_limits),
	    cmocka_unit_test(test_json_array),
	    cmocka_unit_test(test_json_object),
	    cmocka_unit_test(test_json_errors),
	    cmocka_unit_test(test_json_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

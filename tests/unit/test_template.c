/* SPDX-License-Identifier: BSD-2-Clause */
/* test_template.c - the template pre-pass, template and foreign-file
 * detection */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "detect.h"
#include "helpers.h"
#include "source.h"
#include "template.h"
#include "util.h"

/* render - text rendered as kind with flags, or NULL; *errors: the
 * errors it gave; *first_line: the line of the first diagnostic */
static struct bl_source *
render(const char *text, enum bl_template_kind kind, unsigned flags,
       size_t *errors, unsigned *first_line)
{
	struct bl_source *src = bl_source_from_mem("t", text, strlen(text));
	struct bl_source *r;
	struct bl_diags d;

	bl_diags_init(&d);
	r = bl_template_render(src, kind, flags, &d);
	*errors = d.errors;
	*first_line = d.n > 0 ? d.v[0].line : 0;
	bl_diags_finish(&d);
	bl_source_free(src);
	return r;
}

/* expect - text renders to want, with its lines */
static void
expect(const char *text, enum bl_template_kind kind, unsigned flags,
       const char *want)
{
	size_t errors;
	unsigned line;
	struct bl_source *r = render(text, kind, flags, &errors, &line);

	assert_non_null(r);
	assert_int_equal(errors, 0);
	assert_string_equal(r->data, want);
	bl_source_free(r);
}

static void
test_jinja_expressions(void **state)
{
	(void)state;
	expect("a = {{ x }}\n", BL_TEMPLATE_JINJA, 0, "a = <template>\n");
	expect("a = mx.{{ d }}.{{ e|lower }}\n", BL_TEMPLATE_JINJA, 0,
	       "a = mx.<template>.<template>\n");
	/* "}}" inside a string or a dict does not end the expression */
	expect("a = {{ '}}' ~ x }} b\n", BL_TEMPLATE_JINJA, 0,
	       "a = <template> b\n");
	expect("a = {{ {'k': 1}['k'] }}\n", BL_TEMPLATE_JINJA, 0,
	       "a = <template>\n");
	/* whitespace control takes the blanks of its line */
	expect("a = {{- x -}}  b\n", BL_TEMPLATE_JINJA, 0,
	       "a =<template>b\n");
	/* an expression over lines keeps the lines */
	expect("a = {{ x\n  | default('y') }}\nb = 1\n", BL_TEMPLATE_JINJA, 0,
	       "a = <template>\n\nb = 1\n");
	/* alone on its line it may be whole settings: removed */
	expect("{{ extra_settings }}\nb = 1\n", BL_TEMPLATE_JINJA, 0,
	       "\nb = 1\n");
	/* indented, in Postfix, it continues the line before */
	expect("a = x\n  {{ more }}\n", BL_TEMPLATE_JINJA,
	       BL_TEMPLATE_INDENT_CONTINUES, "a = x\n  <template>\n");
	expect("a = x\n  {{ more }}\n", BL_TEMPLATE_JINJA, 0, "a = x\n\n");
	/* a lone "}}" and "{" are text */
	expect("a = }} { b\n", BL_TEMPLATE_JINJA, 0, "a = }} { b\n");
}

static void
test_jinja_statements(void **state)
{
	(void)state;
	/* control lines are transparent: their lines stay, empty */
	expect("{% if a %}\nx = 1\n{% else %}\nx = 2\n{% endif %}\n",
	       BL_TEMPLATE_JINJA, 0, "\nx = 1\n\nx = 2\n\n");
	expect("  {%- if a -%}  \nx = 1\n{%+ endif %}\n", BL_TEMPLATE_JINJA,
	       0, "\nx = 1\n\n");
	/* a statement over lines */
	expect("{% if a and\n   b %}\nx = 1\n{% endif %}", BL_TEMPLATE_JINJA,
	       0, "\n\nx = 1\n");
	/* a conditional inside a value is one placeholder */
	expect("h = {% if a %}x.example{% else %}y{% endif %} ESMTP\n",
	       BL_TEMPLATE_JINJA, 0, "h = <template> ESMTP\n");
	/* at the start of its line, the first branch is read */
	expect("{% if a %}x = 1{% else %}x = 2{% endif %}\n",
	       BL_TEMPLATE_JINJA, 0, "x = 1\n");
	/* loops: the body once */
	expect("{% for n in nets %}\nm = {{ n }}\n{% endfor %}\n",
	       BL_TEMPLATE_JINJA, 0, "\nm = <template>\n\n");
	/* set, include, import write no setting */
	expect("{% set x = 1 %}\n{% include 'a.j2' %}\na = {% include 'b' %}\n",
	       BL_TEMPLATE_JINJA, 0, "\n\na = <template>\n");
	/* macro bodies and set blocks render elsewhere */
	expect("{% macro m(x) %}\nz = {{ x }}\n{% endmacro %}\na = 1\n",
	       BL_TEMPLATE_JINJA, 0, "\n\n\na = 1\n");
	expect("{% set b %}\nz = 2\n{% endset %}\na = 1\n", BL_TEMPLATE_JINJA,
	       0, "\n\n\na = 1\n");
}

static void
test_jinja_comments_raw(void **state)
{
	(void)state;
	expect("{# one #}\na = 1 {# two\nlines #}\nb = 2\n", BL_TEMPLATE_JINJA,
	       0, "\na = 1 \n\nb = 2\n");
	/* raw blocks are literal, "{{" and "{%" in them too */
	expect("{% raw %}\na = {{ x }} {% y %}\n{% endraw %}\nb = {{ z }}\n",
	       BL_TEMPLATE_JINJA, 0,
	       "\na = {{ x }} {% y %}\n\nb = <template>\n");
	expect("a = {%- raw -%}{{b}}{%- endraw -%}\n", BL_TEMPLATE_JINJA, 0,
	       "a ={{b}}\n");
}

static void
test_go_mustache(void **state)
{
	(void)state;
	expect("{{/* a\ncomment */}}\n{{- if .Values.a }}\nx = "
	       "{{ .Values.a }}\n{{- else }}\nx = 2\n{{- end }}\n",
	       BL_TEMPLATE_JINJA, 0, "\n\n\nx = <template>\n\nx = 2\n\n");
	expect("{{ $h := .Values.h }}\nh = {{ $h }}\n{{ template \"x\" . }}\n",
	       BL_TEMPLATE_JINJA, 0, "\nh = <template>\n\n");
	expect("{{ define \"x\" }}\nz = 1\n{{ end }}\na = 1\n",
	       BL_TEMPLATE_JINJA, 0, "\n\n\na = 1\n");
	expect("{{#relay}}\nr = {{host}}\n{{/relay}}\n{{! it's }}\n"
	       "b = {{{raw}}}\n",
	       BL_TEMPLATE_JINJA, 0, "\nr = <template>\n\n\nb = <template>\n");
}

static void
test_erb(void **state)
{
	(void)state;
	expect("<%# c -%>\na = <%= @fqdn %>\n<% if @r -%>\nb = 1\n<% elsif "
	       "@s %>\nb = 2\n<% else %>\nb = 3\n<% end -%>\n",
	       BL_TEMPLATE_ERB, 0,
	       "\na = <template>\n\nb = 1\n\nb = 2\n\nb = 3\n\n");
	expect("<% @n.each do |x| -%>\nm = <%= x %>\n<% end %>\nc = <%% x\n",
	       BL_TEMPLATE_ERB, 0, "\nm = <template>\n\nc = <% x\n");
	/* Puppet EPP braces */
	expect("<% if $a { -%>\nb = 1\n<% } else { -%>\nb = 2\n<% } -%>\n",
	       BL_TEMPLATE_ERB, 0, "\nb = 1\n\nb = 2\n\n");
	/* "%>" alone and "<" are text */
	expect("a = 1 %> <b\n", BL_TEMPLATE_ERB, 0, "a = 1 %> <b\n");
}

static void
test_freemarker(void **state)
{
	(void)state;
	expect("<#-- c\n -->\nh = ${host}\n<#if r?has_content>\nr = [${r}]\n<#else>\n"
	       "r =\n</#if>\n<#macro m>\nz = 1\n</#macro>\n",
	       BL_TEMPLATE_FREEMARKER, 0,
	       "\n\nh = <template>\n\nr = [<template>]\n\nr =\n\n\n\n\n");
	expect("<#noparse>${x}</#noparse>\n<#if (a > 1)>\nb\n</#if>\n",
	       BL_TEMPLATE_FREEMARKER, 0, "${x}\n\nb\n\n");
}

/* the branch test on a rendered text */
static bool
excl(const struct bl_source *r, unsigned a, unsigned b)
{
	return bl_source_exclusive(r, a, r, b);
}

static void
test_exclusive(void **state)
{
	static const char t[] = "a = 0\n"             /* 1 */
				"{% if x %}\n"        /* 2 */
				"a = 1\n"             /* 3 */
				"{% elif y %}\n"      /* 4 */
				"a = 2\n"             /* 5 */
				"{%   if z %}\n"      /* 6 */
				"a = 3\n"             /* 7 */
				"{%   else %}\n"      /* 8 */
				"a = 4\n"             /* 9 */
				"{%   endif %}\n"     /* 10 */
				"{% else %}\n"        /* 11 */
				"a = 5\n"             /* 12 */
				"{% endif %}\n"       /* 13 */
				"{% if w %}\n"        /* 14 */
				"a = 6\n"             /* 15 */
				"{% endif %}\n"       /* 16 */
				"{% for i in l %}\n"  /* 17 */
				"a = 7\n"             /* 18 */
				"{% else %}\n"        /* 19 */
				"a = 8\n"             /* 20 */
				"{% endfor %}\n";     /* 21 */
	struct bl_source *r, *plain;
	size_t errors;
	unsigned line;

	(void)state;
	r = render(t, BL_TEMPLATE_JINJA, 0, &errors, &line);
	assert_non_null(r);
	assert_int_equal(r->nlines, 21);
	assert_true(excl(r, 3, 5));
	assert_true(excl(r, 3, 12));
	assert_true(excl(r, 5, 12));
	assert_true(excl(r, 7, 9));
	assert_true(excl(r, 3, 7));  /* elif's inner if vs the if */
	assert_true(excl(r, 9, 12)); /* inside elif vs else */
	assert_true(excl(r, 18, 20));
	assert_false(excl(r, 5, 7)); /* the elif's own line and its inner if */
	assert_false(excl(r, 1, 3)); /* outside and inside */
	assert_false(excl(r, 3, 15)); /* two conditionals */
	assert_false(excl(r, 3, 3));
	assert_false(excl(r, 0, 99)); /* no such lines */
	plain = bl_source_from_mem("t", t, strlen(t));
	assert_false(bl_source_exclusive(plain, 3, plain, 5));
	assert_false(bl_source_exclusive(r, 3, plain, 5));
	assert_false(bl_source_exclusive(NULL, 3, NULL, 5));
	assert_true(bl_source_exclusive_at(r, r->line_start[2], r,
					   r->line_start[4]));
	bl_source_free(plain);
	bl_source_free(r);
}

static void
test_unterminated(void **state)
{
	static const struct {
		const char *text;
		enum bl_template_kind kind;
		unsigned line;
	} bad[] = {
		{"a = 1\nb = {{ x\n", BL_TEMPLATE_JINJA, 2},
		{"a = 1\n{% if x\n", BL_TEMPLATE_JINJA, 2},
		{"{# c\n\na = 1\n", BL_TEMPLATE_JINJA, 1},
		{"{% raw %}\na = 1\n", BL_TEMPLATE_JINJA, 1},
		{"{{/* c }}\n", BL_TEMPLATE_JINJA, 1},
		{"a\n\n<%= x\n", BL_TEMPLATE_ERB, 3},
		{"h = ${x\n", BL_TEMPLATE_FREEMARKER, 1},
		{"<#-- c\n", BL_TEMPLATE_FREEMARKER, 1},
		{"<#if x\n", BL_TEMPLATE_FREEMARKER, 1},
	};
	size_t i, errors;
	unsigned line;
	struct bl_source *r;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(bad); i++) {
		r = render(bad[i].text, bad[i].kind, 0, &errors, &line);
		assert_null(r);
		assert_int_equal(errors, 1);
		assert_int_equal(line, bad[i].line);
	}
	/* told by content: a "{{" that never ends is the dialect's text */
	expect("a = {{ x\nb = 1\n", BL_TEMPLATE_JINJA,
	       BL_TEMPLATE_DOLLAR_BRACES, "a = {{ x\nb = 1\n");
	/* an unclosed block is no error: the lines are read */
	expect("{% if a %}\nb = 1\n", BL_TEMPLATE_JINJA, 0, "\nb = 1\n");
	expect("{% endif %}\nb = 1\n", BL_TEMPLATE_JINJA, 0, "\nb = 1\n");
}

static void
test_dialect_braces(void **state)
{
	(void)state;
	/* Postfix's literal tables and expansions stay */
	expect("m = inline:{{a=b}, {c=d}} ${{$x} == {y}?z}\nh = {{ h }}\n",
	       BL_TEMPLATE_JINJA, BL_TEMPLATE_POSTFIX_BRACES,
	       "m = inline:{{a=b}, {c=d}} ${{$x} == {y}?z}\nh = <template>\n");
	/* Exim's expansions stay */
	expect("a = ${if eq{{$x}}{y}{1}{2}} {{ v }}\n", BL_TEMPLATE_JINJA,
	       BL_TEMPLATE_DOLLAR_BRACES,
	       "a = ${if eq{{$x}}{y}{1}{2}} <template>\n");
}

static void
test_by_name(void **state)
{
	size_t stem;

	(void)state;
	assert_int_equal(bl_template_by_name("main.cf.j2", &stem),
			 BL_TEMPLATE_JINJA);
	assert_int_equal(stem, 7);
	assert_int_equal(bl_template_by_name("exim4.conf.jinja2", &stem),
			 BL_TEMPLATE_JINJA);
	assert_int_equal(stem, 10);
	assert_int_equal(bl_template_by_name("sendmail.mc.erb", &stem),
			 BL_TEMPLATE_ERB);
	assert_int_equal(bl_template_by_name("main.cf.ftl", &stem),
			 BL_TEMPLATE_FREEMARKER);
	assert_int_equal(bl_template_by_name("master.cf.tpl", &stem),
			 BL_TEMPLATE_JINJA);
	/* Debian's real Exim file, and names that are no templates */
	assert_int_equal(bl_template_by_name("exim4.conf.template", &stem),
			 BL_TEMPLATE_NONE);
	assert_int_equal(stem, strlen("exim4.conf.template"));
	assert_int_equal(bl_template_by_name(".j2", &stem), BL_TEMPLATE_NONE);
	assert_int_equal(bl_template_by_name("main.cf", &stem),
			 BL_TEMPLATE_NONE);
	assert_int_equal(bl_template_by_name("main.cf.j2.orig", &stem),
			 BL_TEMPLATE_NONE);
}

/* sniff - the kind bl_template_sniff sees in text, and where */
static enum bl_template_kind
sniff(const char *text, unsigned *line)
{
	struct bl_source *src = bl_source_from_mem("t", text, strlen(text));
	enum bl_template_kind k;

	*line = 0;
	k = bl_template_sniff(src, line);
	bl_source_free(src);
	return k;
}

static void
test_sniff(void **state)
{
	unsigned line;

	(void)state;
	assert_int_equal(sniff("a = 1\nb = {{ inventory_hostname }}\n", &line),
			 BL_TEMPLATE_JINJA);
	assert_int_equal(line, 2);
	assert_int_equal(sniff("{%- if x %}\n", &line), BL_TEMPLATE_JINJA);
	assert_int_equal(sniff("h = {{ .Values.h }}\n", &line),
			 BL_TEMPLATE_JINJA);
	assert_int_equal(sniff("x\nh = <%= @fqdn %>\n", &line),
			 BL_TEMPLATE_ERB);
	assert_int_equal(line, 2);
	/* Exim's braces and sendmail's macros are not templates */
	assert_int_equal(sniff("a = ${if or{{eq{$a}{b}}{eq{$c}{d}}}}\n", &line),
			 BL_TEMPLATE_NONE);
	assert_int_equal(sniff("a = ${if eq {$x}{{y}}{1}}\n", &line),
			 BL_TEMPLATE_NONE);
	assert_int_equal(sniff("a = {{ $x }}\n", &line), BL_TEMPLATE_NONE);
	assert_int_equal(sniff("a = {% nothing %}\n", &line),
			 BL_TEMPLATE_NONE);
	assert_int_equal(sniff("l = <; 1.2.3.4 ; %x\n", &line),
			 BL_TEMPLATE_NONE);
	assert_int_equal(sniff("", &line), BL_TEMPLATE_NONE);
}

static void
test_postfix_sniff(void **state)
{
	struct bl_source *src;
	unsigned line = 0;

	(void)state;
	src = bl_source_from_mem("main.cf", "a = inline:{{a=b}}\n",
				 strlen("a = inline:{{a=b}}\n"));
	assert_int_equal(bl_pf_is_template(src, &line), BL_TEMPLATE_NONE);
	bl_source_free(src);
	src = bl_source_from_mem("main.cf", "a = 1\nb = <% x %>\n",
				 strlen("a = 1\nb = <% x %>\n"));
	assert_int_equal(bl_pf_is_template(src, &line), BL_TEMPLATE_ERB);
	assert_int_equal(line, 2);
	bl_source_free(src);
	src = bl_source_from_mem("main.cf", "b = {{ x }}\n",
				 strlen("b = {{ x }}\n"));
	assert_int_equal(bl_pf_is_template(src, &line), BL_TEMPLATE_JINJA);
	bl_source_free(src);
}

/* foreign - the format bl_detect_foreign tells, or NULL */
static const char *
foreign(const char *text, unsigned *line)
{
	struct bl_source *src = bl_source_from_mem("t", text, strlen(text));
	const char *what;

	*line = 0;
	what = bl_detect_foreign(src, line);
	bl_source_free(src);
	return what;
}

static void
test_foreign(void **state)
{
	static const char *const valid[] = {
		"",
		"\n\n",
		"# only comments\n# here\n",
		"myhostname = mx.example.org\n",
		"smtp inet n - y - - smtpd\n[::1]:25 inet n - y - - smtpd\n",
		"primary_hostname = mx\nbegin acl\nacl_check:\n  accept\n",
		".ifdef X\nsmarthost:\n  driver = manualroute\n",
		"divert(-1)dnl\ndnl # a: b\nOSTYPE(`debian')dnl\n",
		"V10/Berkeley\nCwlocalhost\n",
		"<template> = x\n",
		"  <template>\n",
	};
	unsigned line;
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(valid); i++)
		assert_null(foreign(valid[i], &line));
	assert_string_equal(foreign("# c\n---\na: b\n", &line), "YAML");
	assert_int_equal(line, 2);
	assert_string_equal(foreign("a: b\nc:\n  - d\n", &line), "YAML");
	assert_int_equal(line, 1);
	assert_string_equal(foreign("{\n  \"a\": 1\n}\n", &line), "JSON");
	assert_string_equal(foreign("[ {\"a\": 1} ]\n", &line), "JSON");
	assert_string_equal(foreign("<?xml version=\"1.0\"?>\n<a/>\n", &line),
			    "XML");
	assert_string_equal(foreign("<config>\n</config>\n", &line), "XML");
	assert_string_equal(foreign("; c\n[main]\nk = v\n", &line), "INI");
	assert_int_equal(line, 2);
}

static void
test_placeholder_in(void **state)
{
	(void)state;
	assert_true(bl_template_in("mx.<template>", 13));
	assert_true(bl_template_in("<template>", 10));
	assert_false(bl_template_in("<templat", 8));
	assert_false(bl_template_in("<system-hostname>", 17));
	assert_false(bl_template_in("", 0));
}

/* Hostile input: deep nesting, many open tags, one long line; each runs
 * in linear time and never fails a line count. */
static void
test_hostile(void **state)
{
	struct bl_buf b;
	struct bl_source *r;
	size_t i, errors;
	unsigned line;

	(void)state;
	bl_buf_init(&b);
	for (i = 0; i < 1000; i++)
		bl_buf_adds(&b, "{% if a %}\n");
	bl_buf_adds(&b, "x = 1\n{% else %}\nx = 2\n");
	for (i = 0; i < 1000; i++)
		bl_buf_adds(&b, "{% endif %}\n");
	r = render(b.data, BL_TEMPLATE_JINJA, 0, &errors, &line);
	assert_non_null(r);
	assert_int_equal(r->nlines, 2003);
	bl_source_free(r);
	/* 200,000 "{{ (" that never end, on one line: literal, quickly */
	bl_buf_reset(&b);
	for (i = 0; i < 200000; i++)
		bl_buf_adds(&b, "{{ ( {% ( {# <%");
	bl_buf_adds(&b, "\na = 1\n");
	r = render(b.data, BL_TEMPLATE_JINJA, BL_TEMPLATE_DOLLAR_BRACES,
		   &errors, &line);
	assert_non_null(r);
	assert_int_equal(r->nlines, 2);
	bl_source_free(r);
	r = render(b.data, BL_TEMPLATE_ERB, BL_TEMPLATE_DOLLAR_BRACES,
		   &errors, &line);
	assert_non_null(r);
	bl_source_free(r);
	r = render(b.data, BL_TEMPLATE_JINJA, 0, &errors, &line);
	assert_null(r);
	assert_int_equal(errors, 1);
	/* many "{{ " on a line for the sniffer */
	bl_buf_reset(&b);
	for (i = 0; i < 200000; i++)
		bl_buf_adds(&b, "{{ a {% if <% ");
	r = bl_source_from_mem("t", b.data, b.len);
	assert_int_equal(bl_template_sniff(r, &line), BL_TEMPLATE_NONE);
	bl_source_free(r);
	bl_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jinja_expressions),
		cmocka_unit_test(test_jinja_statements),
		cmocka_unit_test(test_jinja_comments_raw),
		cmocka_unit_test(test_go_mustache),
		cmocka_unit_test(test_erb),
		cmocka_unit_test(test_freemarker),
		cmocka_unit_test(test_exclusive),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_dialect_braces),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_postfix_sniff),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_placeholder_in),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* test_postfix_lex.c - Postfix logical lines and main.cf settings */
#include "config.h"

#include "helpers.h"

static void
lines(const char *text, const char **want, size_t nwant)
{
	struct bl_source *s = bl_source_from_mem("main.cf", text, strlen(text));
	struct bl_pf_reader r;
	struct bl_pf_line l;
	size_t n = 0;

	bl_pf_reader_init(&r, s);
	bl_pf_line_init(&l);
	while (bl_pf_next_line(&r, &l)) {
		assert_true(n < nwant);
		assert_string_equal(l.text.data, want[n]);
		n++;
	}
	assert_int_equal(n, nwant);
	bl_pf_line_finish(&l);
	bl_source_free(s);
}

static void
test_continuations(void **state)
{
	const char *a[] = {"a = one two\tthree   four", "b = x"};
	const char *b[] = {"a = x \r  y\r"};
	const char *c[] = {"  x = 1 2", "y = 3"};

	(void)state;
	/* comment and blank lines inside a continued value are skipped */
	lines("a = one\n two\n# c\n\tthree\n\n   \n   four\nb = x\n", a, 2);
	/* a CR before a continuation stays inside the value */
	lines("a = x \r\n  y\r\n", b, 1);
	lines("  x = 1\n 2\ny = 3", c, 2);
	lines("# only\n\n  # indented comment\n", NULL, 0);
}

static void
test_spans(void **state)
{
	const char *text = "# c\nsmtpd_banner = $myhostname\n  # x\n  ESMTP \n";
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_setting *s;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config(text, NULL, &d);
	s = bl_config_lookup(cfg, "smtpd_banner");
	assert_non_null(s);
	assert_string_equal(s->raw, "$myhostname  ESMTP");
	assert_int_equal(s->line, 2);
	assert_int_equal(s->key_off, 4);
	assert_int_equal(s->val_off, 19);
	/* the value runs to the end of "ESMTP" on line 4 */
	assert_memory_equal(text + s->val_off + s->val_len - 5, "ESMTP", 5);
	/* raw offset 13 ("ESMTP") maps into line 4 */
	assert_memory_equal(text + bl_setting_src_offset(s, 13), "ESMTP", 5);
	assert_int_equal(s->stmt_off, 4);
	assert_int_equal(s->stmt_off + s->stmt_len, strlen(text));
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

static void
test_errors_and_duplicates(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_setting *s;

	(void)state;
	bl_diags_init(&d);
	cfg = pf_config("garbage line\n= x\n  indented = 1\n"
			"mail_name = A\nmail_name = B # not a comment\n"
			"MAIL_NAME = C\n",
			NULL, &d);
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.v[0].line, 1);
	assert_non_null(strstr(d.v[0].message, "missing '='"));
	assert_int_equal(d.v[1].line, 2);
	s = bl_config_lookup(cfg, "mail_name");
	assert_string_equal(s->raw, "B # not a comment");
	assert_non_null(s->shadows);
	assert_string_equal(s->shadows->raw, "A");
	assert_true(s->shadows->shadowed);
	assert_string_equal(bl_config_lookup(cfg, "MAIL_NAME")->raw, "C");
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* is_template - bl_pf_is_template on a NUL-terminated main.cf text */
static bool
is_template(const char *text)
{
	struct bl_source *s;
	unsigned line = 0;
	bool r;

	s = bl_source_from_mem("main.cf", text, strlen(text));
	r = bl_pf_is_template(s, &line);
	bl_source_free(s);
	return r;
}

/* The Jinja sniffer: "{{" needs a "}}" after it, "{%" a "%}"; a file of
 * nothing but openings is judged in linear time (a search to the end of
 * the file for each took hours at 16 MiB). */
static void
test_template(void **state)
{
	struct bl_buf b;
	struct bl_source *s;
	unsigned line = 0;
	size_t i;

	(void)state;
	s = bl_source_from_mem("main.cf", "a = 1\nb = {{ x }}\n", 18);
	assert_true(bl_pf_is_template(s, &line));
	assert_int_equal(line, 2);
	bl_source_free(s);
	s = bl_source_from_mem("main.cf", "a = }}{{\n", 9);
	assert_false(bl_pf_is_template(s, &line));
	bl_source_free(s);
	s = bl_source_from_mem("main.cf", "b = ${{$a} == {1}?{x}}\n", 23);
	assert_false(bl_pf_is_template(s, &line));
	bl_source_free(s);
	s = bl_source_from_mem("main.cf", "a = {%}\n", 8);
	assert_false(bl_pf_is_template(s, &line));
	bl_source_free(s);
	/* Postfix's own braces: literal tables and groups, also continued */
	assert_false(is_template("v = inline:{{a=b}, {c=d}}\n"));
	assert_false(is_template("v = static:{{x}}\nw = pipemap:{{a}}\n"));
	assert_false(is_template("v = texthash:{{ name }}\n"));
	assert_false(is_template("v = x,inline:{{a=b}}\n"));
	assert_false(is_template("v = { {{a}} }\n"));
	assert_false(is_template("v = inline:{\n {{a=b}}}\n"));
	assert_false(is_template("v = ${x?{{a}}}\n"));
	/* ... but not a type that takes a file name, nor a new line */
	assert_true(is_template("v = hash:{{ dir }}/virtual\n"));
	assert_true(is_template("v = xinline:{{ a }}\n"));
	assert_true(is_template("v = { a\nb = {{ x }}\n"));
	assert_true(is_template("v = inline:{{a=b}} {{ x }}\n"));
	assert_true(is_template("# {{ ansible_managed }}\nv = 1\n"));
	assert_true(is_template("v = inline:{ {%if x%}a=b{%endif%} }\n"));
	/* ERB */
	assert_true(is_template("smtpd_banner = <%= @fqdn %> ESMTP\n"));
	assert_false(is_template("smtpd_banner = <% ESMTP\n"));
	bl_buf_init(&b);
	bl_buf_adds(&b, "x = ");
	for (i = 0; i < 1024 * 1024; i++)
		bl_buf_adds(&b, "{{{%");
	bl_buf_adds(&b, "\n");
	s = bl_source_from_mem("main.cf", b.data, b.len);
	assert_false(bl_pf_is_template(s, &line));
	bl_source_free(s);
	bl_buf_adds(&b, "%}\n");
	s = bl_source_from_mem("main.cf", b.data, b.len);
	assert_true(bl_pf_is_template(s, &line));
	assert_int_equal(line, 1);
	bl_source_free(s);
	bl_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_errors_and_duplicates),
		cmocka_unit_test(test_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

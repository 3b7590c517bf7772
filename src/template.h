/* SPDX-License-Identifier: BSD-2-Clause */
/* template.h - configuration-management templates read as configurations */
#ifndef BL_TEMPLATE_H
#define BL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "source.h"

/* What a template expression reads as: a value only the template engine
 * knows. The engine never judges a host name holding it. */
#define BL_TEMPLATE_PLACEHOLDER "<template>"

enum bl_template_kind {
	BL_TEMPLATE_NONE,
	/* "{{ }}", "{% %}", "{# #}": Jinja2 (Ansible, Salt), Django, Liquid,
	 * Twig, Nunjucks; Go text/template and Helm ("{{ if }}", "{{ end }}"
	 * and comments), Mustache and Handlebars ("{{#x}}", "{{/x}}") */
	BL_TEMPLATE_JINJA,
	/* "<% %>", "<%= %>", "<%# %>": ERB (Chef, Puppet), Puppet EPP */
	BL_TEMPLATE_ERB,
	/* "${ }", "<#if>", "</#if>", "<#-- -->": FreeMarker (.ftl only) */
	BL_TEMPLATE_FREEMARKER,
};

/* Flags of bl_template_render. */
enum {
	/* Postfix's own "${{" and "inline:{{" stay literal (a file told a
	 * template by its content, not its name) */
	BL_TEMPLATE_POSTFIX_BRACES = 1 << 0,
	/* a "{{ }}" holding "$" or "{" is the dialect's own (Exim
	 * expansions, sendmail macros), literal */
	BL_TEMPLATE_DOLLAR_BRACES = 1 << 1,
	/* an indented line continues the one before (Postfix): an expression
	 * alone on it stays a placeholder; elsewhere an expression alone on
	 * its line may stand for whole settings and is removed */
	BL_TEMPLATE_INDENT_CONTINUES = 1 << 2,
};

/* bl_template_kind_name - "Jinja", "ERB", "FreeMarker" (static) */
const char *bl_template_kind_name(enum bl_template_kind kind);

/*
 * bl_template_by_name - the template kind a file name's extension says
 * (main.cf.j2, exim.conf.erb, sendmail.mc.tmpl), and in *stem the length
 * of the name without it: the name of the rendered file. BL_TEMPLATE_NONE
 * for other names (exim4.conf.template is Debian's real Exim file).
 */
enum bl_template_kind bl_template_by_name(const char *base, size_t *stem);

/*
 * bl_template_sniff - the template syntax in src that an Exim or sendmail
 * file cannot mean: a "{% keyword ... %}" or "{{ name }}" (blanks inside,
 * no "$" or "{") or "<% ... %>" on one line; *line is where. Postfix has
 * its own test (bl_pf_is_template), which knows its braces.
 */
enum bl_template_kind bl_template_sniff(const struct bl_source *src,
					unsigned *line);

/* bl_template_refine - the kind of a .tmpl or .tpl file from its content
 * (ERB tags and no "{{" or "{%": ERB), else kind */
enum bl_template_kind bl_template_refine(const struct bl_source *src,
					 enum bl_template_kind kind);

/*
 * bl_template_render - the text a dialect's parser reads from template
 * src (caller frees), with the same lines: every expression is the
 * placeholder "<template>", control tags and template comments are
 * removed (a line holding nothing else is left empty), literal text and
 * raw blocks stay. A conditional written on one line inside a value is
 * one placeholder; on one line at its start, its first branch is kept.
 * The result records which branch of which conditional each line is in
 * (bl_source_exclusive). A tag or comment left open at the end of the
 * file is an error at its line, as the template engines refuse it, and
 * the result is NULL. Linear in the size of src.
 */
struct bl_source *bl_template_render(const struct bl_source *src,
				     enum bl_template_kind kind, unsigned flags,
				     struct bl_diags *diags);

/* bl_template_in - does the text hold a template placeholder? */
bool bl_template_in(const char *s, size_t n);

#endif

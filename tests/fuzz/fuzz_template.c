/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_template.c - libFuzzer harness: the template pre-pass. The input
 * is rendered as each kind of template, by name and by content, and the
 * contract checked: the rendered text has the source's lines (one fewer
 * at most, for an empty last line), no NUL the input had not, and any
 * two lines can be asked whether they are in exclusive branches. Then
 * the CLI reads it as
 * a Postfix, Exim or sendmail template, by the first byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "source.h"
#include "template.h"

static const char *const names[] = {"main.cf.j2", "exim4.conf.j2",
				    "sendmail.mc.erb", "main.cf.ftl",
				    "master.cf.tpl", "exim.conf"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bl_template_kind kinds[] = {
		BL_TEMPLATE_JINJA, BL_TEMPLATE_ERB, BL_TEMPLATE_FREEMARKER};
	static const unsigned flags[] = {0, BL_TEMPLATE_POSTFIX_BRACES |
						 BL_TEMPLATE_INDENT_CONTINUES,
					 BL_TEMPLATE_DOLLAR_BRACES};
	struct bl_source *src, *r;
	struct bl_diags d;
	size_t k, f;
	unsigned a, b;

	src = bl_source_from_mem("t", (const char *)data, size);
	for (k = 0; k < BL_FUZZ_ARRAY_LEN(kinds); k++)
		for (f = 0; f < BL_FUZZ_ARRAY_LEN(flags); f++) {
			bl_diags_init(&d);
			r = bl_template_render(src, kinds[k], flags[f], &d);
			if (r == NULL && d.errors != 1) {
				fprintf(stderr, "no rendering, %zu errors\n",
					d.errors);
				abort();
			}
			if (r != NULL &&
			    (r->nlines > src->nlines ||
			     r->nlines + 1 < src->nlines ||
			     (memchr(r->data, '\0', r->len) != NULL &&
			      memchr(data, '\0', size) == NULL))) {
				fprintf(stderr, "%zu lines from %zu\n",
					r->nlines, src->nlines);
				abort();
			}
			for (a = 0; r != NULL && a <= r->nlines + 1 && a < 64;
			     a++)
				for (b = 0; b <= r->nlines + 1 && b < 64; b++)
					if (bl_source_exclusive(r, a, r, b) !=
					    bl_source_exclusive(r, b, r, a))
						abort();
			bl_source_free(r);
			bl_diags_finish(&d);
		}
	bl_template_sniff(src, &a);
	bl_source_free(src);

	bl_fuzz_begin(data, size);
	k = size > 0 ? data[0] % BL_FUZZ_ARRAY_LEN(names) : 0;
	bl_fuzz_write(names[k], data, size);
	bl_fuzz_run(NULL, NULL);
	return 0;
}

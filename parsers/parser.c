/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parser.c - the table of dialects. Adding a dialect adds a line here and
 * its own files; nothing else changes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"

const struct bl_parser *const bl_parsers[] = {
	&bl_parser_exchange, /* first: its content test needs a connector */
	&bl_parser_exim, /* before postfix: its content test is sharper */
	&bl_parser_sendmail, /* before postfix: "sendmail.cf" is no main.cf */
	&bl_parser_postfix,
	&bl_parser_live, /* a probe's transcripts */
	NULL,
};

/* bl_parser_render - s set to value, "  (note)" after it when the line
 * goes elsewhere */
char *
bl_parser_render(const struct bl_config *cfg, const struct bl_setting *s,
		 const char *value)
{
	const struct bl_parser *p = bl_parser_find(cfg->mta);
	struct bl_buf note, out;
	char *stmt;

	if (p == NULL || p->render_value == NULL)
		return NULL;
	bl_buf_init(&note);
	stmt = p->render_value(cfg, s, value, &note);
	bl_buf_init(&out);
	bl_buf_adds(&out, stmt);
	if (note.len > 0)
		bl_buf_printf(&out, "  (%s)", note.data);
	free(stmt);
	bl_buf_finish(&note);
	return bl_buf_steal(&out);
}

/* bl_parser_find - the parser named name, or NULL */
const struct bl_parser *
bl_parser_find(const char *name)
{
	size_t i;

	for (i = 0; bl_parsers[i] != NULL; i++)
		if (strcmp(bl_parsers[i]->name, name) == 0)
			return bl_parsers[i];
	return NULL;
}

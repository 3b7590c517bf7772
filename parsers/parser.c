/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parser.c - the table of dialects. Adding a dialect adds a line here and
 * its own files; nothing else changes.
 */
#include "config.h"

#include <string.h>

#include "parser.h"

const struct bl_parser *const bl_parsers[] = {
	&bl_parser_exim, /* before postfix: its content test is sharper */
	&bl_parser_sendmail, /* before postfix: "sendmail.cf" is no main.cf */
	&bl_parser_postfix,
	NULL,
};

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

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix.c - the Postfix dialect's table: which files are Postfix
 * configuration, how to parse them, how to resolve an instance.
 */
#include "config.h"

#include <string.h>

#include "postfix.h"
#include "resolve.h"

static enum bl_file_role
classify(const char *base)
{
	if (strcmp(base, "main.cf") == 0 ||
	    strncmp(base, "main.cf.", 8) == 0)
		return BL_ROLE_POSTFIX_MAIN;
	if (strcmp(base, "master.cf") == 0 ||
	    strncmp(base, "master.cf.", 10) == 0)
		return BL_ROLE_POSTFIX_MASTER;
	return BL_ROLE_NONE;
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	bl_config_add_source(cfg, src);
	if (role == BL_ROLE_POSTFIX_MASTER) {
		cfg->master_src = src;
		return bl_postfix_parse_master(cfg, src, diags);
	}
	cfg->main_src = src;
	return bl_postfix_parse_main(cfg, src, diags);
}

const struct bl_parser bl_parser_postfix = {
	.name = "postfix",
	.classify = classify,
	.parse = parse,
	.resolve = bl_resolve_postfix,
};

static const struct bl_parser *const parsers[] = {
	&bl_parser_postfix,
};

/* bl_parser_find - the parser named name, or NULL */
const struct bl_parser *
bl_parser_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (strcmp(parsers[i]->name, name) == 0)
			return parsers[i];
	return NULL;
}

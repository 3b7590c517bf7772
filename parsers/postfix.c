/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix.c - the Postfix dialect's table: which files are Postfix
 * configuration, how to parse them, how to resolve an instance.
 */
#include "config.h"

#include <string.h>

#include "detect.h"
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

/* bl_postfix_master - the instance's master.cf, or NULL */
const struct bl_source *
bl_postfix_master(const struct bl_config *cfg)
{
	const struct bl_postfix_files *pf = cfg->dialect;

	return pf != NULL ? pf->master : NULL;
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	bl_config_add_source(cfg, src);
	if (role == BL_ROLE_POSTFIX_MASTER) {
		struct bl_postfix_files *pf = cfg->dialect;

		if (pf == NULL) {
			pf = bl_arena_alloc(&cfg->arena, sizeof(*pf));
			memset(pf, 0, sizeof(*pf));
			cfg->dialect = pf;
		}
		pf->master = src;
		return bl_postfix_parse_master(cfg, src, diags);
	}
	cfg->main_src = src;
	return bl_postfix_parse_main(cfg, src, diags);
}

static const char *const siblings[] = {"main.cf", "master.cf", NULL};

const struct bl_parser bl_parser_postfix = {
	.name = "postfix",
	.classify = classify,
	.detect = bl_detect_content,
	.default_role = BL_ROLE_POSTFIX_MAIN,
	.siblings = siblings,
	.is_template = bl_pf_is_template,
	.template_flags = BL_TEMPLATE_INDENT_CONTINUES,
	.template_braces = BL_TEMPLATE_POSTFIX_BRACES,
	.parse = parse,
	.resolve = bl_resolve_postfix,
	.render_value = bl_postfix_render,
	.value_text = bl_postfix_value_text,
	.place_new = bl_postfix_place_new,
	.host_ref = "$myhostname",
	.override_flag = "-o",
	.events = bl_postfix_events,
	.comments = bl_hash_comments,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/* helpers.h - shared helpers for the unit tests */
#ifndef BL_TEST_HELPERS_H
#define BL_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "model.h"
#include "parser.h"
#include "postfix.h"
#include "resolve.h"

/* A Postfix instance from strings (master may be NULL); caller frees. */
static inline struct bl_config *
pf_config(const char *main_cf, const char *master_cf, struct bl_diags *d)
{
	struct bl_config *cfg = bl_config_new("postfix", "test");

	if (main_cf != NULL)
		bl_parser_postfix.parse(
			cfg,
			bl_source_from_mem("main.cf", main_cf, strlen(main_cf)),
			BL_ROLE_POSTFIX_MAIN, d);
	if (master_cf != NULL)
		bl_parser_postfix.parse(cfg,
					bl_source_from_mem("master.cf",
							   master_cf,
							   strlen(master_cf)),
					BL_ROLE_POSTFIX_MASTER, d);
	bl_parser_postfix.resolve(cfg, d);
	return cfg;
}

/* The surface of kind/scope/key, or NULL (borrowed). */
static inline const struct bl_surface *
pf_surface(const struct bl_config *cfg, const char *scope, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		if (strcmp(cfg->surfaces[i].scope, scope) == 0 &&
		    strcmp(cfg->surfaces[i].key, key) == 0)
			return &cfg->surfaces[i];
	return NULL;
}

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* exchange_resolve.h - what the Exchange table and its resolver share */
#ifndef BL_EXCHANGE_RESOLVE_H
#define BL_EXCHANGE_RESOLVE_H

#include "exchange.h"
#include "model.h"

/* The instance's reader state (cfg->dialect, arena-owned). */
struct bl_ex_files {
	const struct bl_source *src;
	struct bl_ex_export export;
	bool failed; /* the reader refused the export (reported) */
};

/*
 * bl_resolve_exchange - a banner surface per receive connector
 * (receive/IDENTITY) and a HELO surface per send connector
 * (send/IDENTITY), each property a setting of its connector's scope
 */
int bl_resolve_exchange(struct bl_config *cfg, struct bl_diags *diags);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* transcript.h - the live dialect's facts (transcript.c) */
#ifndef BL_TRANSCRIPT_H
#define BL_TRANSCRIPT_H

#include "live.h"
#include "model.h"

/* bl_live_facts - what the probe of a live instance (a transcript) saw,
 * or NULL for an instance of another dialect (borrowed from cfg) */
const struct bl_live *bl_live_facts(const struct bl_config *cfg);

#endif

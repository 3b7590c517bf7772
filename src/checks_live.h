/* SPDX-License-Identifier: BSD-2-Clause */
/* checks_live.h - the live checks BL501-BL508 (checks_live.c), rows of
 * the check table in checks.c */
#ifndef BL_CHECKS_LIVE_H
#define BL_CHECKS_LIVE_H

#include "check.h"

enum bl_outcome bl_check_live_drift(const struct bl_check_env *e,
				    const struct bl_rule *r);
enum bl_outcome bl_check_live_malformed(const struct bl_check_env *e,
					const struct bl_rule *r);
enum bl_outcome bl_check_live_starttls_missing(const struct bl_check_env *e,
					       const struct bl_rule *r);
enum bl_outcome bl_check_live_starttls_broken(const struct bl_check_env *e,
					      const struct bl_rule *r);
enum bl_outcome bl_check_live_expiry(const struct bl_check_env *e,
				     const struct bl_rule *r);
enum bl_outcome bl_check_live_cert_name(const struct bl_check_env *e,
					const struct bl_rule *r);
enum bl_outcome bl_check_live_old_protocol(const struct bl_check_env *e,
					   const struct bl_rule *r);
enum bl_outcome bl_check_live_ehlo_name(const struct bl_check_env *e,
					const struct bl_rule *r);

#endif

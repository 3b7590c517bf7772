/* SPDX-License-Identifier: BSD-2-Clause */
/* exim_debian.h - the files and macros of Debian's /etc/exim4 */
#ifndef BL_EXIM_DEBIAN_H
#define BL_EXIM_DEBIAN_H

#include <stdbool.h>

#include "diag.h"
#include "source.h"

struct bl_exim_debian {
	char **paths; /* the files update-exim4.conf concatenates, in order */
	size_t npaths;
	bool split;
	char *exim4_conf; /* DIR/exim4.conf when there is one, else NULL */
	/* the generated macros ("update-exim4.conf.conf (generated
	 * macros)"), or NULL when
	 * the config type generates none */
	struct bl_source *macros;
};

/* bl_exim_debian_plan - read update-exim4.conf.conf (conf) and list what
 * update-exim4.conf would put together, the files as pv has them (NULL:
 * the file system) */
int bl_exim_debian_plan(const struct bl_source *conf,
			const struct bl_source_provider *pv,
			struct bl_exim_debian *out, struct bl_diags *diags);
void bl_exim_debian_finish(struct bl_exim_debian *p);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag.c - the list of input diagnostics.
 *
 * The list owns the file names and messages it holds.
 */
#include "config.h"

#include <stdlib.h>

#include "diag.h"
#include "util.h"

/* bl_diags_init - an empty list */
void
bl_diags_init(struct bl_diags *d)
{
	d->v = NULL;
	d->n = d->cap = 0;
	d->errors = d->warnings = 0;
}

/* bl_diags_finish - free every diagnostic */
void
bl_diags_finish(struct bl_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	free(d->v);
	bl_diags_init(d);
}

/* bl_diags_add - append one diagnostic and count it */
void
bl_diags_add(struct bl_diags *d, enum bl_level level, const char *file,
	     unsigned line, unsigned col, const char *fmt, ...)
{
	struct bl_diag *g;
	struct bl_buf b;
	va_list ap;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = bl_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	g = &d->v[d->n++];
	g->file = file ? bl_xstrdup(file) : NULL;
	g->line = line;
	g->col = col;
	g->level = level;
	g->rule = NULL;
	bl_buf_init(&b);
	va_start(ap, fmt);
	bl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	g->message = bl_buf_steal(&b);
	if (level == BL_LEVEL_ERROR)
		d->errors++;
	else if (level == BL_LEVEL_WARNING)
		d->warnings++;
}

/* bl_level_name - "error", "warning" or "note" (static) */
const char *
bl_level_name(enum bl_level level)
{
	switch (level) {
	case BL_LEVEL_ERROR:
		return "error";
	case BL_LEVEL_WARNING:
		return "warning";
	case BL_LEVEL_NOTE:
		break;
	}
	return "note";
}

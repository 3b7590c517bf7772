/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag.c - the list of input diagnostics.
 *
 * The list owns the file names and messages it holds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

/* bl_diags_init - an empty list */
void
bl_diags_init(struct bl_diags *d)
{
	d->v = NULL;
	d->n = d->cap = 0;
	d->errors = d->warnings = 0;
	d->files = NULL;
	d->nfiles = d->filecap = 0;
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
	for (i = 0; i < d->filecap; i++)
		free(d->files[i].file);
	free(d->files);
	bl_diags_init(d);
}

static size_t
hash_name(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* file_entry - the counts of file ("" for none), added if new */
static struct bl_diag_file *
file_entry(struct bl_diags *d, const char *file)
{
	struct bl_diag_file *old = d->files;
	size_t i, k, oldcap = d->filecap;

	if (d->nfiles * 2 >= d->filecap) {
		d->filecap = d->filecap ? d->filecap * 2 : 16;
		d->files = bl_xcalloc(d->filecap, sizeof(*d->files));
		for (i = 0; i < oldcap; i++) {
			if (old[i].file == NULL)
				continue;
			k = hash_name(old[i].file) & (d->filecap - 1);
			while (d->files[k].file != NULL)
				k = (k + 1) & (d->filecap - 1);
			d->files[k] = old[i];
		}
		free(old);
	}
	k = hash_name(file) & (d->filecap - 1);
	while (d->files[k].file != NULL) {
		if (strcmp(d->files[k].file, file) == 0)
			return &d->files[k];
		k = (k + 1) & (d->filecap - 1);
	}
	d->files[k].file = bl_xstrdup(file);
	d->files[k].kept = d->files[k].dropped = 0;
	d->files[k].summary = (size_t)-1;
	d->nfiles++;
	return &d->files[k];
}

static struct bl_diag *
append(struct bl_diags *d, enum bl_level level, const char *file,
       unsigned line, unsigned col)
{
	struct bl_diag *g;

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
	g->message = NULL;
	return g;
}

/* drop - count a diagnostic past the file's cap in its summary line */
static void
drop(struct bl_diags *d, struct bl_diag_file *f, enum bl_level level,
     const char *file)
{
	struct bl_diag *g;

	f->dropped++;
	if (f->summary == (size_t)-1) {
		f->summary = d->n;
		g = append(d, level, file, 0, 0);
	} else {
		g = &d->v[f->summary];
		if (level > g->level)
			g->level = level;
		free(g->message);
	}
	g->message = bl_xasprintf("... and %zu more diagnostic%s for this "
				  "file, not shown (only the first %u are)",
				  f->dropped, f->dropped == 1 ? "" : "s",
				  BL_DIAGS_PER_FILE);
}

/* bl_diags_add - append one diagnostic and count it (past the file's cap:
 * count it only) */
void
bl_diags_add(struct bl_diags *d, enum bl_level level, const char *file,
	     unsigned line, unsigned col, const char *fmt, ...)
{
	struct bl_diag_file *f = file_entry(d, file ? file : "");
	struct bl_diag *g;
	struct bl_buf b;
	va_list ap;

	if (level == BL_LEVEL_ERROR)
		d->errors++;
	else if (level == BL_LEVEL_WARNING)
		d->warnings++;
	if (f->kept >= BL_DIAGS_PER_FILE) {
		drop(d, f, level, file);
		return;
	}
	f->kept++;
	g = append(d, level, file, line, col);
	bl_buf_init(&b);
	va_start(ap, fmt);
	bl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	g->message = bl_buf_steal(&b);
}

/* bl_diags_push - a copy of g, counted, not capped again */
void
bl_diags_push(struct bl_diags *d, const struct bl_diag *g)
{
	struct bl_diag *n = append(d, g->level, g->file, g->line, g->col);

	n->message = bl_xstrdup(g->message);
	n->rule = g->rule;
	if (g->level == BL_LEVEL_ERROR)
		d->errors++;
	else if (g->level == BL_LEVEL_WARNING)
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

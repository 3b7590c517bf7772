/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fixrun.c - verify the fixes of one instance and make its fixed files.
 *
 * The patched texts go into a source provider under the paths they were
 * read from, with every other text of the instance as it was read (one
 * snapshot: standard input too), and the instance is built and linted
 * again from it. A fix passes when the findings it addresses are gone,
 * no finding appears that was not there, and the texts still parse with
 * no more errors than before. The fixes are tried all together first,
 * and one by one only when that fails, so the usual cost is one more
 * build of the instance.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "fixrun.h"
#include "parser.h"
#include "util.h"

/* bl_fixrun_applies - is f made by this run? */
bool
bl_fixrun_applies(const struct bl_fixrun_opts *fo, const struct bl_fix *f)
{
	if (f == NULL || f->nedits == 0)
		return false;
	return f->safety == BL_FIX_SAFE ||
	       (f->safety == BL_FIX_UNSAFE && fo->unsafe);
}

/* on - is finding f's fix among those tried (on: by group id, NULL:
 * every fix the run makes)? */
static bool
chosen(const struct bl_fixrun_opts *fo, const struct bl_finding *f,
       const bool *on, unsigned ngroups)
{
	if (!bl_fixrun_applies(fo, f->fix))
		return false;
	return on == NULL || (f->fix->group <= ngroups && on[f->fix->group]);
}

static const struct bl_source *
source_of(const struct bl_config *cfg, const char *path)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i]->path, path) == 0)
			return cfg->sources[i];
	return NULL;
}

/* make_files - the files the chosen fixes change; -1 when two of them
 * edit the same bytes */
static int
make_files(const struct bl_config *cfg, const struct bl_findings *fs,
	   const struct bl_fixrun_opts *fo, const bool *on, unsigned ngroups,
	   struct bl_fixed_files *out)
{
	const struct bl_edit **edits = NULL;
	char **paths = NULL;
	unsigned *seen = NULL;
	size_t nedits = 0, npaths = 0, nseen = 0, i, k, p;
	int status = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < fs->n; i++) {
		const struct bl_fix *fx = fs->v[i].fix;
		bool dup = false;

		if (!chosen(fo, &fs->v[i], on, ngroups))
			continue;
		for (k = 0; k < nseen && !dup; k++)
			dup = seen[k] == fx->group;
		if (dup)
			continue;
		seen = bl_xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = fx->group;
		for (k = 0; k < fx->nedits; k++) {
			edits = bl_xreallocarray(edits, nedits + 1,
						 sizeof(*edits));
			edits[nedits++] = &fx->edits[k];
			for (p = 0; p < npaths; p++)
				if (strcmp(paths[p], fx->edits[k].file) == 0)
					break;
			if (p == npaths) {
				paths = bl_xreallocarray(paths, npaths + 1,
							 sizeof(*paths));
				paths[npaths++] = fx->edits[k].file;
			}
		}
	}
	for (p = 0; p < npaths && status == 0; p++) {
		const struct bl_source *src = source_of(cfg, paths[p]);
		const struct bl_edit **mine =
			bl_xcalloc(nedits + 1, sizeof(*mine));
		struct bl_fixed_file *ff;
		size_t n = 0;

		for (k = 0; k < nedits; k++)
			if (strcmp(edits[k]->file, paths[p]) == 0)
				mine[n++] = edits[k];
		out->v = bl_xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		ff = &out->v[out->n++];
		memset(ff, 0, sizeof(*ff));
		ff->path = bl_xstrdup(paths[p]);
		ff->old = src != NULL ? src->data : NULL;
		ff->oldlen = src != NULL ? src->len : 0;
		if (bl_edits_apply(ff->old != NULL ? ff->old : "", ff->oldlen,
				   mine, n, &ff->data, &ff->len) < 0)
			status = -1;
		free(mine);
	}
	for (i = 0; i < fs->n; i++)
		for (p = 0; p < out->n; p++) {
			const struct bl_fix *fx = fs->v[i].fix;

			if (!chosen(fo, &fs->v[i], on, ngroups))
				continue;
			for (k = 0; k < fx->nedits; k++)
				if (strcmp(fx->edits[k].file, out->v[p].path) ==
				    0) {
					out->v[p].nfixes++;
					break;
				}
		}
	free(edits);
	free(paths);
	free(seen);
	return status;
}

/* bl_fixrun_files_finish - free ff */
void
bl_fixrun_files_finish(struct bl_fixed_files *ff)
{
	size_t i;

	for (i = 0; i < ff->n; i++) {
		free(ff->v[i].path);
		free(ff->v[i].data);
	}
	free(ff->v);
	memset(ff, 0, sizeof(*ff));
}

/* bl_fixrun_files - the files the run's fixes change (see fixrun.h) */
void
bl_fixrun_files(const struct bl_config *cfg, const struct bl_findings *fs,
		const struct bl_fixrun_opts *fo, struct bl_fixed_files *out)
{
	if (make_files(cfg, fs, fo, NULL, 0, out) < 0)
		bl_fixrun_files_finish(out); /* verified: does not happen */
}

/* same - do two findings name the same problem (rule, the place's file
 * and key; lines move when a fix adds one, and a finding on the instance
 * names the first scope it affects, which a made main.cf changes)? */
static bool
same(const struct bl_finding *a, const struct bl_finding *b)
{
	if (a->rule != b->rule || strcmp(a->file, b->file) != 0 ||
	    a->severity != b->severity)
		return false;
	if (strcmp(a->key ? a->key : "", b->key ? b->key : "") == 0)
		return true;
	/* the same words about the same scope: a text a fix moved from
	 * one setting to another (an Exchange default banner's host name,
	 * from Fqdn into the Banner the fix writes) */
	return a->scope != NULL && b->scope != NULL &&
	       strcmp(a->scope, b->scope) == 0 &&
	       strcmp(a->message, b->message) == 0;
}

/*
 * try - build and lint the instance with the chosen fixes made: NULL when
 * they pass (and the findings then in *after), else why they do not
 * (caller frees)
 */
static char *
try(struct bl_plan *plan, size_t i, const char *root,
    const struct bl_config *cfg, const struct bl_ruleset *rs,
    const struct bl_engine_opts *eo, const struct bl_fixrun_opts *fo,
    struct bl_findings *fs, const bool *on, unsigned ngroups, size_t errors,
    struct bl_findings *after)
{
	struct bl_source_provider *pv = bl_source_provider_new();
	struct bl_fixed_files ff;
	struct bl_config *again = NULL;
	struct bl_findings got = {0};
	struct bl_diags d;
	struct bl_engine_opts o = *eo;
	bool *used = NULL;
	char *why = NULL;
	size_t k, m;

	bl_diags_init(&d);
	if (make_files(cfg, fs, fo, on, ngroups, &ff) < 0) {
		why = bl_xstrdup("two fixes edit the same text");
		goto out;
	}
	/* the instance as read, the fixed files in place of theirs */
	for (k = 0; k < cfg->nsources; k++) {
		const struct bl_source *s = cfg->sources[k];

		if (s->template_kind == NULL)
			bl_source_provider_add(pv, s->path, s->data, s->len);
	}
	for (k = 0; k < ff.n; k++)
		bl_source_provider_add(pv, ff.v[k].path, ff.v[k].data,
				       ff.v[k].len);
	if (bl_plan_rebuild(&again, plan, i, root, pv, &d) < 0 ||
	    again == NULL || d.errors > errors) {
		for (k = 0; k < d.n && d.v[k].level != BL_LEVEL_ERROR; k++)
			;
		why = k < d.n ? bl_xasprintf("the fixed text would not be "
					     "read: %s:%u: %s",
					     d.v[k].file ? d.v[k].file : "",
					     d.v[k].line, d.v[k].message)
			      : bl_xstrdup("the fixed text would not be read");
		goto out;
	}
	o.no_fixes = true;
	bl_engine_run(rs, again, &o, &got, &d);
	used = bl_xcalloc(fs->n + 1, sizeof(*used));
	for (k = 0; k < got.n && why == NULL; k++) {
		bool found = false;

		/* a finding the fixes leave alone first (the same rule on
		 * another listener), then one they address */
		for (m = 0; m < fs->n && !found; m++) {
			if (used[m] || !same(&got.v[k], &fs->v[m]) ||
			    chosen(fo, &fs->v[m], on, ngroups))
				continue;
			used[m] = true;
			found = true;
		}
		for (m = 0; m < fs->n && !found; m++)
			if (same(&got.v[k], &fs->v[m])) {
				why = bl_xasprintf("%s %s would remain",
						   got.v[k].rule->id,
						   got.v[k].rule->name);
				found = true;
			}
		if (!found)
			why = bl_xasprintf("it would bring %s %s: %s",
					   got.v[k].rule->id,
					   got.v[k].rule->name,
					   got.v[k].message);
	}
	if (why == NULL) {
		bl_findings_finish(after);
		*after = got;
		memset(&got, 0, sizeof(got));
	}
out:
	free(used);
	bl_findings_finish(&got);
	bl_config_free(again);
	bl_diags_finish(&d);
	bl_fixrun_files_finish(&ff);
	bl_source_provider_free(pv);
	return why;
}

/* bl_fixrun_verify - keep the fixes that pass (see fixrun.h) */
void
bl_fixrun_verify(struct bl_plan *plan, size_t i, const char *root,
		 const struct bl_config *cfg, const struct bl_ruleset *rs,
		 const struct bl_engine_opts *eo,
		 const struct bl_fixrun_opts *fo, struct bl_findings *fs,
		 size_t errors, struct bl_findings *after)
{
	unsigned ngroups = 0, g;
	bool *on;
	char *why;
	size_t k;
	bool any = false;

	for (k = 0; k < fs->n; k++)
		if (bl_fixrun_applies(fo, fs->v[k].fix)) {
			any = true;
			if (fs->v[k].fix->group > ngroups)
				ngroups = fs->v[k].fix->group;
		}
	if (!any)
		return;
	if (errors > 0) {
		/* what the MTA refuses comes first: no fix is offered on a
		 * configuration that does not start */
		for (k = 0; k < fs->n; k++)
			if (fs->v[k].fix != NULL && fs->v[k].fix->nedits > 0)
				bl_fix_withdraw(fs->v[k].fix,
						"the configuration has errors "
						"(above): fix them first");
		return;
	}
	why = try(plan, i, root, cfg, rs, eo, fo, fs, NULL, 0, errors, after);
	if (why == NULL)
		return;
	free(why);
	/* one at a time, each on top of those kept */
	on = bl_xcalloc(ngroups + 1, sizeof(*on));
	for (g = 1; g <= ngroups; g++) {
		bool has = false;

		for (k = 0; k < fs->n && !has; k++)
			has = bl_fixrun_applies(fo, fs->v[k].fix) &&
			      fs->v[k].fix->group == g;
		if (!has)
			continue;
		on[g] = true;
		why = try(plan, i, root, cfg, rs, eo, fo, fs, on, ngroups,
			  errors, after);
		if (why == NULL)
			continue;
		on[g] = false;
		for (k = 0; k < fs->n; k++)
			if (fs->v[k].fix != NULL && fs->v[k].fix->group == g &&
			    fs->v[k].fix->nedits > 0)
				bl_fix_withdraw(fs->v[k].fix, why);
		free(why);
	}
	free(on);
}

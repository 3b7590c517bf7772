/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * load.c - turn command-line paths into instances.
 *
 * A directory is walked (sorted, hidden directories skipped) and every file
 * a dialect recognises by name is taken; files of one dialect in one
 * directory form one instance (Postfix: main.cf with master.cf). A file
 * given by name is taken whatever its name, its dialect detected from the
 * name or the content (or --type); main.cf and master.cf bring their
 * sibling. "-" reads standard input. Templates are reported and skipped.
 * The instances own everything they read.
 */
#include "config.h"

#include <errno.h>
#include <fts.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect.h"
#include "load.h"
#include "parser.h"
#include "util.h"

struct pending {
	char *key;  /* directory (or file path for odd names) */
	char *name; /* instance name shown to the user */
	const struct bl_parser *parser;
	char *file[2]; /* main, master */
	struct bl_source *src[2];
};

struct plan {
	struct pending *v;
	size_t n, cap;
};

static struct pending *
pending_for(struct plan *p, const char *key, const char *name,
	    const struct bl_parser *parser)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0 &&
		    p->v[i].parser == parser)
			return &p->v[i];
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->v = bl_xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].key = bl_xstrdup(key);
	p->v[p->n].name = bl_xstrdup(name);
	p->v[p->n].parser = parser;
	return &p->v[p->n++];
}

static char *
dir_of(const char *path)
{
	char *tmp = bl_xstrdup(path), *d;

	d = bl_xstrdup(dirname(tmp));
	free(tmp);
	return d;
}

static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static char *
join(const char *dir, const char *base)
{
	if (strcmp(dir, ".") == 0)
		return bl_xstrdup(base);
	return bl_xasprintf("%s%s%s", dir,
			    dir[strlen(dir) - 1] == '/' ? "" : "/", base);
}

static bool
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
is_template_name(const char *base)
{
	const char *dot = strrchr(base, '.');

	if (dot == NULL)
		return false;
	return (strncmp(base, "main.cf.", 8) == 0 ||
		strncmp(base, "master.cf.", 10) == 0) &&
	       (strcmp(dot, ".j2") == 0 || strcmp(dot, ".jinja") == 0 ||
		strcmp(dot, ".jinja2") == 0 || strcmp(dot, ".tmpl") == 0 ||
		strcmp(dot, ".erb") == 0 || strcmp(dot, ".tpl") == 0);
}

/* Place a file in its instance: exact names group by directory. */
static void
place(struct plan *p, const char *path, enum bl_file_role role,
      const struct bl_parser *parser, bool siblings,
      struct bl_source *preloaded)
{
	const char *base = base_of(path);
	struct pending *pd;
	char *dir, *key, *sib;
	int slot = role == BL_ROLE_POSTFIX_MASTER ? 1 : 0;
	bool exact = strcmp(base, "main.cf") == 0 ||
		     strcmp(base, "master.cf") == 0;

	dir = dir_of(path);
	key = exact ? bl_xstrdup(dir) : bl_xstrdup(path);
	pd = pending_for(p, key, exact ? dir : path, parser);
	if (pd->file[slot] == NULL) {
		pd->file[slot] = bl_xstrdup(path);
		pd->src[slot] = preloaded;
	} else {
		bl_source_free(preloaded);
	}
	if (exact && siblings) {
		sib = join(dir, slot == 0 ? "master.cf" : "main.cf");
		if (pd->file[1 - slot] == NULL && is_file(sib))
			pd->file[1 - slot] = sib;
		else
			free(sib);
	}
	free(dir);
	free(key);
}

static int
compare_names(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static int
walk(struct plan *p, const char *root, struct bl_diags *diags,
     size_t *skipped)
{
	char *argv[] = {(char *)root, NULL};
	FTS *fts;
	FTSENT *e;
	size_t before = p->n;
	enum bl_file_role role;
	int status = 0;

	fts = fts_open(argv, FTS_PHYSICAL | FTS_NOCHDIR, compare_names);
	if (fts == NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, root, 0, 0,
			     "cannot read directory: %s", strerror(errno));
		return -1;
	}
	while ((e = fts_read(fts)) != NULL) {
		if (e->fts_info == FTS_D && e->fts_level > 0 &&
		    e->fts_name[0] == '.') {
			fts_set(fts, e, FTS_SKIP);
			continue;
		}
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) {
			bl_diags_add(diags, BL_LEVEL_ERROR, e->fts_path, 0, 0,
				     "cannot read: %s",
				     strerror(e->fts_errno));
			status = -1;
			continue;
		}
		if (e->fts_info != FTS_F)
			continue;
		if (is_template_name(e->fts_name)) {
			bl_diags_add(diags, BL_LEVEL_WARNING, e->fts_path, 0, 0,
				     "a configuration-management template, "
				     "not a configuration: skipped (lint the "
				     "rendered file instead)");
			(*skipped)++;
			continue;
		}
		if (strcmp(e->fts_name, "main.cf") != 0 &&
		    strcmp(e->fts_name, "master.cf") != 0)
			continue;
		role = bl_parser_postfix.classify(e->fts_name);
		/* Walking ".": show "main.cf", not "./main.cf". */
		place(p,
		      strcmp(root, ".") == 0 && strncmp(e->fts_path, "./", 2) == 0
			      ? e->fts_path + 2
			      : e->fts_path,
		      role, &bl_parser_postfix, false, NULL);
	}
	fts_close(fts);
	if (p->n == before && status == 0 && *skipped == 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, root, 0, 0,
			     "no mail server configuration found here "
			     "(looked for main.cf and master.cf)");
		status = -1;
	}
	return status;
}

static struct bl_source *
read_stdin(const char *name, size_t cap, struct bl_diags *diags)
{
	struct bl_buf b;
	char chunk[65536];
	size_t n;
	struct bl_source *src;

	if (cap == 0)
		cap = BL_SOURCE_MAX;
	bl_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (b.len + n > cap) {
			bl_diags_add(diags, BL_LEVEL_ERROR, name, 0, 0,
				     "input is over the %zu byte limit for a "
				     "configuration file",
				     cap);
			bl_buf_finish(&b);
			return NULL;
		}
		bl_buf_add(&b, chunk, n);
	}
	if (ferror(stdin)) {
		bl_diags_add(diags, BL_LEVEL_ERROR, name, 0, 0,
			     "read error: %s", strerror(errno));
		bl_buf_finish(&b);
		return NULL;
	}
	if (memchr(b.data, '\0', b.len) != NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, name, 0, 0,
			     "binary data (a NUL byte): not a configuration "
			     "file");
		bl_buf_finish(&b);
		return NULL;
	}
	src = bl_source_from_mem(name, b.data, b.len);
	bl_buf_finish(&b);
	return src;
}

/* A file named on the command line: its role by name, --type or content. */
static int
add_file(struct plan *p, const char *path, struct bl_source *src,
	 const struct bl_load_opts *o, struct bl_diags *diags)
{
	const char *base = base_of(path);
	enum bl_file_role role = bl_parser_postfix.classify(base);

	if (role == BL_ROLE_NONE && src == NULL &&
	    bl_source_load(&src, path, o->max_size, diags) < 0)
		return -1;
	if (role == BL_ROLE_NONE) {
		role = bl_detect_content(src);
		if (role == BL_ROLE_NONE && o->type != NULL)
			role = BL_ROLE_POSTFIX_MAIN;
	}
	if (role == BL_ROLE_NONE) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot tell which mail server this "
			     "configuration is for: name it main.cf or "
			     "master.cf, or give --type postfix");
		bl_source_free(src);
		return -1;
	}
	place(p, path, role, &bl_parser_postfix, src == NULL || path != NULL,
	      src);
	return 0;
}

static int
build(struct bl_instances *out, struct pending *pd,
      const struct bl_load_opts *o, struct bl_diags *diags)
{
	struct bl_config *cfg;
	struct bl_source *src;
	enum bl_file_role roles[2] = {BL_ROLE_POSTFIX_MAIN,
				      BL_ROLE_POSTFIX_MASTER};
	unsigned line;
	int status = 0, k, parsed = 0;

	cfg = bl_config_new(pd->parser->name, pd->name);
	for (k = 0; k < 2; k++) {
		if (pd->file[k] == NULL)
			continue;
		src = pd->src[k];
		pd->src[k] = NULL;
		if (src == NULL &&
		    bl_source_load(&src, pd->file[k], o->max_size, diags) < 0) {
			status = -1;
			continue;
		}
		if (bl_pf_is_template(src, &line)) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, line, 0,
				     "looks like a configuration-management "
				     "template (Jinja \"{{\" or \"{%%\"), not "
				     "a configuration: skipped (lint the "
				     "rendered file instead)");
			out->skipped++;
			bl_source_free(src);
			continue;
		}
		if (pd->parser->parse(cfg, src, roles[k], diags) < 0)
			status = -1;
		parsed++;
	}
	if (parsed == 0) {
		bl_config_free(cfg);
		return status;
	}
	if (pd->parser->resolve(cfg, diags) < 0)
		status = -1;
	out->v = bl_xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = cfg;
	return status;
}

/* bl_load - find, read, parse and resolve every instance under paths */
int
bl_load(struct bl_instances *out, char *const *paths, size_t npaths,
	const struct bl_load_opts *o, struct bl_diags *diags)
{
	struct plan p;
	struct stat st;
	struct bl_source *src;
	size_t i;
	int status = 0;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (o->type != NULL && bl_parser_find(o->type) == NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, NULL, 0, 0,
			     "unknown --type \"%s\" (supported: postfix)",
			     o->type);
		return -1;
	}
	for (i = 0; i < npaths; i++) {
		if (strcmp(paths[i], "-") == 0) {
			const char *name =
				o->stdin_filename ? o->stdin_filename : "main.cf";

			src = read_stdin(name, o->max_size, diags);
			if (src == NULL) {
				status = -1;
				continue;
			}
			if (add_file(&p, name, src, o, diags) < 0)
				status = -1;
			continue;
		}
		if (stat(paths[i], &st) < 0) {
			bl_diags_add(diags, BL_LEVEL_ERROR, paths[i], 0, 0,
				     "cannot read: %s", strerror(errno));
			status = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (walk(&p, paths[i], diags, &out->skipped) < 0)
				status = -1;
		} else if (add_file(&p, paths[i], NULL, o, diags) < 0) {
			status = -1;
		}
	}
	for (i = 0; i < p.n; i++) {
		if (build(out, &p.v[i], o, diags) < 0)
			status = -1;
		free(p.v[i].key);
		free(p.v[i].name);
		free(p.v[i].file[0]);
		free(p.v[i].file[1]);
		bl_source_free(p.v[i].src[0]);
		bl_source_free(p.v[i].src[1]);
	}
	free(p.v);
	return status;
}

/* bl_instances_finish - free every instance */
void
bl_instances_finish(struct bl_instances *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		bl_config_free(in->v[i]);
	free(in->v);
	memset(in, 0, sizeof(*in));
}

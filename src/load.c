/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * load.c - turn command-line paths into instances.
 *
 * A directory is walked (sorted, hidden directories skipped) and every file
 * a dialect recognises by name is taken; files of one dialect in one
 * directory form one instance (Postfix: main.cf with master.cf). A file
 * given by name is taken whatever its name, its dialect detected from the
 * name or the content (or --type); main.cf and master.cf bring their
 * sibling. "-" reads standard input. A template (main.cf.j2, or template
 * syntax the dialect cannot mean in a main.cf) is read through
 * template.c as the configuration it renders to: templates group with
 * the templates beside them (main.cf.j2 with master.cf.j2), never with
 * the rendered files. --no-templates skips them. A file with an MTA's
 * name that holds YAML, JSON, XML or INI is skipped with a note in a walk
 * and is an error when named. A run that checked nothing is an error.
 *
 * It works in two steps: bl_plan_new walks and groups, keeping paths and
 * roles only (a file named alone is read to tell its dialect, then let
 * go; standard input is kept, as it cannot be read again); bl_plan_build
 * reads, parses and resolves one instance, which owns everything it read,
 * for the caller to check, report and free before the next. A file of an
 * instance that cannot be read leaves the instance unchecked (an error),
 * never judged from the defaults the missing file would have overridden.
 */
#include "config.h"

#include <errno.h>
#include <fts.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect.h"
#include "load.h"
#include "parser.h"
#include "template.h"
#include "util.h"

struct file {
	char *path;
	enum bl_file_role role;
	int order;               /* place in the dialect's sibling list */
	struct bl_source *src;   /* read already (standard input), or NULL */
	char *shown;             /* the name src was read under, or NULL */
	enum bl_template_kind tkind; /* a template by its name, or NONE */
	bool named;              /* named on the command line */
};

/* How a file is placed: its name as the MTA knows it (a template's
 * without the extension), and what it is. */
struct placing {
	const char *name;     /* main.cf for main.cf.j2 */
	const char *ext;      /* ".j2", or "" */
	enum bl_template_kind tkind;
	bool named;
};

struct pending {
	char *key;  /* directory (or file path for a file alone) */
	char *name; /* instance name shown to the user */
	const struct bl_parser *parser;
	struct file *files;
	size_t nfiles;
	char **paths; /* the files' paths in reading order (borrowed) */
};

/* The instances found, in the order they are checked and reported. */
struct bl_plan {
	struct pending *v;
	size_t n, cap;
	struct bl_load_opts opts;
	bool failed; /* some input named could not be used */
};

static struct pending *
pending_for(struct bl_plan *p, const char *key, const char *name,
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

/* The sibling index of a file name in its dialect, or -1. */
static int
sibling_index(const struct bl_parser *parser, const char *base)
{
	int i;

	for (i = 0; parser->siblings && parser->siblings[i]; i++)
		if (strcmp(parser->siblings[i], base) == 0)
			return i;
	return -1;
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
has_file(const struct pending *pd, const char *path)
{
	size_t i;

	for (i = 0; i < pd->nfiles; i++)
		if (strcmp(pd->files[i].path, path) == 0)
			return true;
	return false;
}

static void
add_to(struct pending *pd, const char *path, enum bl_file_role role,
       int order, struct bl_source *src, const struct placing *pl)
{
	struct file *f;

	pd->files = bl_xreallocarray(pd->files, pd->nfiles + 1,
				     sizeof(*pd->files));
	f = &pd->files[pd->nfiles++];
	f->path = bl_xstrdup(path);
	f->role = role;
	f->order = order;
	f->src = src;
	f->shown = src != NULL ? bl_xstrdup(src->path) : NULL;
	f->tkind = pl->tkind;
	f->named = pl->named;
}

/*
 * Place a file in its instance. Files named like a dialect's siblings
 * (main.cf, master.cf) group by directory and, when named on the command
 * line, bring their siblings; other names stand alone.
 */
static void
place(struct bl_plan *p, const char *path, enum bl_file_role role,
      const struct bl_parser *parser, bool siblings,
      struct bl_source *preloaded, const struct placing *pl)
{
	const char *base = pl->name;
	struct pending *pd;
	char *dir, *sib, *key, *name;
	int order = sibling_index(parser, base), k;

	if (parser->siblings == NULL)
		order = -1;
	dir = dir_of(path);
	/* templates group with the templates of their directory */
	key = bl_xasprintf("%s%s%s", dir, *pl->ext ? "\n" : "", pl->ext);
	if (parser->dir_marker != NULL && strcmp(base, parser->dir_marker) == 0)
		/* the directory is the instance */
		pd = pending_for(p, path, dir, parser);
	else
		pd = order >= 0 ? pending_for(p, key, dir, parser)
				: pending_for(p, path, path, parser);
	free(key);
	if (!has_file(pd, path))
		add_to(pd, path, role, order, preloaded, pl);
	else
		bl_source_free(preloaded);
	for (k = 0; order >= 0 && siblings && parser->siblings[k]; k++) {
		if (k == order)
			continue;
		name = bl_xasprintf("%s%s", parser->siblings[k], pl->ext);
		sib = join(dir, name);
		free(name);
		if (!has_file(pd, sib) && is_file(sib))
			add_to(pd, sib, parser->classify(parser->siblings[k]),
			       k, NULL, pl);
		free(sib);
	}
	free(dir);
}

/* template_name - the kind and stem of a template's file name (*stem:
 * caller frees; the name itself when it is no template) */
static enum bl_template_kind
template_name(const char *base, char **stem, const char **ext)
{
	size_t n;
	enum bl_template_kind k = bl_template_by_name(base, &n);

	*stem = bl_xstrndup(base, n);
	*ext = base + n;
	return k;
}

/* The dialect that recognises a file name, and the file's role. */
static const struct bl_parser *
classify(const char *base, enum bl_file_role *role)
{
	size_t i;

	for (i = 0; bl_parsers[i] != NULL; i++) {
		*role = bl_parsers[i]->classify(base);
		if (*role != BL_ROLE_NONE)
			return bl_parsers[i];
	}
	*role = BL_ROLE_NONE;
	return NULL;
}

static int
compare_names(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/*
 * walk_detect - the dialect that takes a file no dialect knows by name,
 * by its content (an Exchange export has any name), or NULL: the file is
 * read quietly and left out silently when no dialect that asks
 * (walk_detect) takes it
 */
static const struct bl_parser *
walk_detect(const char *path, size_t cap, enum bl_file_role *role)
{
	struct bl_source *src = NULL;
	struct bl_diags quiet;
	const struct bl_parser *parser = NULL;
	size_t i;

	for (i = 0; bl_parsers[i] != NULL && !bl_parsers[i]->walk_detect; i++)
		;
	if (bl_parsers[i] == NULL)
		return NULL;
	bl_diags_init(&quiet);
	if (bl_source_load(&src, path, cap, &quiet) == 0) {
		for (i = 0; parser == NULL && bl_parsers[i] != NULL; i++) {
			if (!bl_parsers[i]->walk_detect)
				continue;
			*role = bl_parsers[i]->detect(src);
			if (*role != BL_ROLE_NONE)
				parser = bl_parsers[i];
		}
	}
	bl_source_free(src);
	bl_diags_finish(&quiet);
	return parser;
}

static int
walk(struct bl_plan *p, const char *root, struct bl_diags *diags)
{
	char *argv[] = {(char *)root, NULL};
	const struct bl_parser *parser;
	FTS *fts;
	FTSENT *e;
	size_t before = p->n;
	enum bl_file_role role;
	struct placing pl;
	char *stem;
	int status = 0, found = 0;

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
		if (e->fts_info == FTS_D) {
			/* a directory a dialect takes whole (/etc/exim4) */
			size_t k;

			for (k = 0; bl_parsers[k] != NULL; k++) {
				const struct bl_parser *dp = bl_parsers[k];
				char *m;

				if (dp->dir_marker == NULL)
					continue;
				m = join(strcmp(root, ".") == 0 &&
							 e->fts_level == 0
						 ? "."
						 : e->fts_path,
					 dp->dir_marker);
				if (is_file(m)) {
					struct placing dl = {
						.name = dp->dir_marker,
						.ext = ""};

					place(p, m, dp->classify(dp->dir_marker),
					      dp, false, NULL, &dl);
					found++;
					fts_set(fts, e, FTS_SKIP);
					free(m);
					break;
				}
				free(m);
			}
			continue;
		}
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) {
			bl_diags_add(diags, BL_LEVEL_ERROR, e->fts_path, 0, 0,
				     "cannot read: %s",
				     strerror(e->fts_errno));
			status = -1;
			continue;
		}
		/* a symbolic link is taken like the file it names: one that
		 * names nothing is an error when it is read, not a file
		 * silently left out of its instance */
		if (e->fts_info != FTS_F && e->fts_info != FTS_SL &&
		    e->fts_info != FTS_SLNONE)
			continue;
		/* A walk takes only the names a dialect groups by, and
		 * templates of them (main.cf.j2). */
		pl.tkind = template_name(e->fts_name, &stem, &pl.ext);
		pl.name = stem;
		pl.named = false;
		parser = classify(stem, &role);
		if (parser == NULL && pl.tkind == BL_TEMPLATE_NONE)
			parser = walk_detect(e->fts_path, p->opts.max_size,
					     &role);
		if (parser == NULL || (parser->siblings != NULL &&
				       sibling_index(parser, stem) < 0) ||
		    (pl.tkind != BL_TEMPLATE_NONE &&
		     parser->dir_marker != NULL &&
		     strcmp(stem, parser->dir_marker) == 0)) {
			free(stem);
			continue;
		}
		/* Walking ".": show "main.cf", not "./main.cf". */
		place(p,
		      strcmp(root, ".") == 0 && strncmp(e->fts_path, "./", 2) == 0
			      ? e->fts_path + 2
			      : e->fts_path,
		      role, parser, false, NULL, &pl);
		found++;
		free(stem);
	}
	fts_close(fts);
	/* found: a file named before the walk is found again */
	if (p->n == before && found == 0 && status == 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, root, 0, 0,
			     "no mail server configuration found here "
			     "(looked for main.cf, master.cf, exim.conf, "
			     "exim4.conf, update-exim4.conf.conf, *.mc and "
			     "sendmail.cf, and templates of them such as "
			     "main.cf.j2, and Exchange connector exports)");
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
	src = bl_source_from_mem(name, b.data, b.len);
	bl_buf_finish(&b);
	if (bl_source_decode(src, diags) < 0 ||
	    bl_source_check_text(src, diags) < 0) {
		bl_source_free(src);
		return NULL;
	}
	return src;
}

/* render_flags - how the template pre-pass reads a dialect's template:
 * told by name (the template engine's own rules) or by content (the
 * dialect's braces stay literal) */
static unsigned
render_flags(const struct bl_parser *parser, bool by_content)
{
	unsigned f = parser->template_flags;

	if (by_content)
		f |= parser->template_braces;
	return f;
}

/* detect_by_content - the dialect a file's content says (a template's
 * as rendered), or NULL */
static const struct bl_parser *
detect_by_content(const struct bl_source *src, enum bl_template_kind tkind,
		  const struct bl_parser *forced, enum bl_file_role *role)
{
	const struct bl_parser *parser = NULL;
	struct bl_source *r = NULL;
	struct bl_diags scratch;
	size_t i;

	if (tkind != BL_TEMPLATE_NONE) {
		/* its errors are told when it is read */
		bl_diags_init(&scratch);
		r = bl_template_render(src, bl_template_refine(src, tkind), 0,
				       &scratch);
		bl_diags_finish(&scratch);
		if (r != NULL)
			src = r;
	}
	for (i = 0; parser == NULL && bl_parsers[i] != NULL; i++) {
		if (forced != NULL && bl_parsers[i] != forced)
			continue;
		if (bl_parsers[i]->detect == NULL)
			continue;
		*role = bl_parsers[i]->detect(src);
		if (*role != BL_ROLE_NONE)
			parser = bl_parsers[i];
	}
	bl_source_free(r);
	return parser;
}

/* A file named on the command line: its role by name, --type or content. */
static int
add_file(struct bl_plan *p, const char *path, struct bl_source *src,
	 const struct bl_load_opts *o, struct bl_diags *diags)
{
	const struct bl_parser *parser = NULL, *forced = NULL;
	enum bl_file_role role = BL_ROLE_NONE;
	bool preloaded = src != NULL;
	struct placing pl = {.named = true};
	char *stem;

	pl.tkind = template_name(base_of(path), &stem, &pl.ext);
	pl.name = stem;
	if (o->type != NULL)
		forced = bl_parser_find(o->type);
	if (forced == NULL || forced->classify(stem) != BL_ROLE_NONE)
		parser = classify(stem, &role);
	if (forced != NULL && parser != forced) {
		parser = NULL;
		role = BL_ROLE_NONE;
	}
	if (parser == NULL && src == NULL &&
	    bl_source_load(&src, path, o->max_size, diags) < 0) {
		free(stem);
		return -1;
	}
	if (parser == NULL)
		parser = detect_by_content(src, pl.tkind, forced, &role);
	if (parser == NULL && forced != NULL) {
		parser = forced;
		role = forced->default_role;
	}
	if (parser == NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot tell which mail server this "
			     "configuration is for: name it as the mail "
			     "server does (main.cf, exim.conf, sendmail.mc, "
			     "...), or give --type postfix|exim|sendmail|exchange");
		bl_source_free(src);
		free(stem);
		return -1;
	}
	/* read to tell its dialect: not kept, the plan holds no content
	 * (standard input, which cannot be read twice, excepted) */
	if (!preloaded) {
		bl_source_free(src);
		src = NULL;
	}
	place(p, path, role, parser, !preloaded, src, &pl);
	free(stem);
	return 0;
}

/*
 * read_template - src read as a template when it is one (by its name, or
 * by syntax the dialect cannot mean): *srcp becomes the rendered source.
 * 1: a template skipped (--no-templates), -1: one its engine refuses, 0:
 * go on and parse *srcp.
 */
static int
read_template(struct bl_source **srcp, const struct file *f,
	      const struct bl_parser *parser, const struct bl_load_opts *o,
	      struct bl_diags *diags)
{
	struct bl_source *src = *srcp, *r;
	enum bl_template_kind kind = f->tkind;
	unsigned line = 0;
	bool by_content = kind == BL_TEMPLATE_NONE;

	if (kind != BL_TEMPLATE_NONE)
		kind = bl_template_refine(src, kind);
	else if (parser->is_template != NULL)
		kind = parser->is_template(src, &line);
	else
		kind = bl_template_sniff(src, &line);
	if (kind == BL_TEMPLATE_NONE)
		return 0;
	if (o->no_templates) {
		bl_diags_add(diags, BL_LEVEL_WARNING, src->path, line, 0,
			     "a configuration-management template (Jinja, "
			     "ERB, Go, FreeMarker), not a configuration: "
			     "skipped (--no-templates; lint the rendered file "
			     "instead)");
		return 1;
	}
	if (by_content)
		bl_diags_add(diags, BL_LEVEL_NOTE, src->path, line, 0,
			     "%s template syntax the mail server cannot mean: "
			     "read as a template (each expression is "
			     "<template>, a value only the template engine "
			     "knows; control tags are skipped)",
			     bl_template_kind_name(kind));
	r = bl_template_render(src, kind, render_flags(parser, by_content),
			       diags);
	if (r == NULL)
		return -1;
	bl_source_free(src);
	*srcp = r;
	return 0;
}

/* foreign - a file with the MTA's name in another format: skipped with a
 * note in a walk, an error when named; true when it is one */
static bool
foreign(const struct bl_source *src, const struct file *f,
	struct bl_diags *diags)
{
	unsigned line;
	const char *what = bl_detect_foreign(src, &line);

	if (what == NULL)
		return false;
	bl_diags_add(diags, f->named ? BL_LEVEL_ERROR : BL_LEVEL_NOTE,
		     src->path, line, 0,
		     "%s, not a mail server configuration%s", what,
		     f->named ? ": cannot be checked"
			      : ": skipped (only its name is a mail "
				"server's)");
	return true;
}

static int
by_order(const void *a, const void *b)
{
	const struct file *x = a, *y = b;
	int ox = x->order < 0 ? INT_MAX : x->order;
	int oy = y->order < 0 ? INT_MAX : y->order;

	/* Known sibling names first, in the dialect's order, then by role. */
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return (int)x->role - (int)y->role;
}

/* plan_sort - a planned instance's files in the order they are read */
static void
plan_sort(struct pending *pd)
{
	size_t k;

	if (pd->nfiles > 1)
		qsort(pd->files, pd->nfiles, sizeof(*pd->files), by_order);
	pd->paths = bl_xcalloc(pd->nfiles + 1, sizeof(*pd->paths));
	for (k = 0; k < pd->nfiles; k++)
		pd->paths[k] = pd->files[k].path;
}

/* bl_plan_new - walk, classify and group (see load.h) */
int
bl_plan_new(struct bl_plan **out, char *const *paths, size_t npaths,
	    const struct bl_load_opts *o, struct bl_diags *diags)
{
	struct bl_plan *p = bl_xcalloc(1, sizeof(*p));
	struct stat st;
	struct bl_source *src;
	size_t i;
	int status = 0;

	*out = p;
	p->opts = *o;
	if (o->type != NULL && bl_parser_find(o->type) == NULL) {
		struct bl_buf names;
		size_t k;

		bl_buf_init(&names);
		for (k = 0; bl_parsers[k] != NULL; k++)
			bl_buf_printf(&names, "%s%s", k ? ", " : "",
				      bl_parsers[k]->name);
		bl_diags_add(diags, BL_LEVEL_ERROR, NULL, 0, 0,
			     "unknown --type \"%s\" (supported: %s)", o->type,
			     names.data);
		bl_buf_finish(&names);
		p->failed = true;
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
			if (add_file(p, name, src, o, diags) < 0)
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
			if (walk(p, paths[i], diags) < 0)
				status = -1;
		} else if (add_file(p, paths[i], NULL, o, diags) < 0) {
			status = -1;
		}
	}
	for (i = 0; i < p->n; i++)
		plan_sort(&p->v[i]);
	if (status < 0)
		p->failed = true;
	return status;
}

/* bl_plan_count - how many instances the plan holds */
size_t
bl_plan_count(const struct bl_plan *p)
{
	return p ? p->n : 0;
}

/* bl_plan_paths - the files of instance i in reading order (borrowed,
 * NULL-terminated), their number in *n */
const char *const *
bl_plan_paths(const struct bl_plan *p, size_t i, size_t *n)
{
	*n = p->v[i].nfiles;
	return (const char *const *)p->v[i].paths;
}

/*
 * made_siblings - a rebuild's files that a fix makes (main.cf beside a
 * lone master.cf): an overlay entry in the instance's directory named
 * like a sibling the instance lacks, parsed first (a made file is the
 * first sibling: where the instance's own settings go); how many
 */
static int
made_siblings(struct bl_config *cfg, const struct pending *pd,
	      const struct bl_source_provider *pv, struct bl_diags *diags,
	      int *status)
{
	const struct bl_parser *parser = pd->parser;
	char *dir = dir_of(pd->files[0].path), *d;
	const char *path;
	struct bl_source *src;
	size_t j, k;
	int n = 0;

	for (j = 0; parser->siblings != NULL &&
		    (path = bl_source_provider_path(pv, j)) != NULL;
	     j++) {
		bool have = false;

		if (sibling_index(parser, base_of(path)) < 0)
			continue;
		d = dir_of(path);
		if (strcmp(d, dir) != 0) {
			free(d);
			continue;
		}
		free(d);
		for (k = 0; k < pd->nfiles && !have; k++)
			have = strcmp(base_of(pd->files[k].path),
				      base_of(path)) == 0;
		if (have || bl_source_provider_load(pv, &src, path, 0,
						    diags) < 0)
			continue;
		if (parser->parse(cfg, src, parser->classify(base_of(path)),
				  diags) < 0)
			*status = -1;
		n++;
	}
	free(dir);
	return n;
}

/* build - instance i read through pv (NULL: the file system) */
static int
build(struct bl_config **out, struct bl_plan *p, size_t i, const char *root,
      const struct bl_source_provider *pv, size_t *skipped,
      struct bl_diags *diags)
{
	const struct bl_load_opts *o = &p->opts;
	struct pending *pd = &p->v[i];
	struct bl_config *cfg;
	struct bl_source *src;
	int status = 0, parsed = 0, t;
	const char *unread = NULL; /* the first file that could not be */
	size_t k;

	*out = NULL;
	cfg = bl_config_new(pd->parser->name, pd->name);
	cfg->sendmail_cf_dir = o->sendmail_cf_dir;
	cfg->provider = pv;
	if (o->root != NULL)
		root = o->root;
	if (root != NULL)
		cfg->root = bl_arena_strdup(&cfg->arena, root);
	if (pv != NULL && pd->nfiles > 0)
		parsed += made_siblings(cfg, pd, pv, diags, &status);
	for (k = 0; k < pd->nfiles; k++) {
		struct file *f = &pd->files[k];

		src = pv == NULL ? f->src : NULL;
		if (pv == NULL)
			f->src = NULL;
		if (src == NULL &&
		    bl_source_provider_load(pv, &src,
					    pv != NULL && f->shown != NULL
						    ? f->shown
						    : f->path,
					    o->max_size, diags) < 0) {
			status = -1;
			if (unread == NULL)
				unread = f->path;
			continue;
		}
		t = read_template(&src, f, pd->parser, o, diags);
		/* a dialect told by content reads JSON or XML itself */
		if (t != 0 ||
		    (!pd->parser->walk_detect && foreign(src, f, diags))) {
			if (t < 0 || (t == 0 && f->named))
				status = -1;
			else
				(*skipped)++;
			bl_source_free(src);
			continue;
		}
		if (src->encoding != NULL && !pd->parser->utf16) {
			bl_diags_add(diags, BL_LEVEL_ERROR, src->path, 0, 0,
				     "%s text: %s reads bytes and would not "
				     "read this file; save it as UTF-8",
				     src->encoding, pd->parser->name);
			status = -1;
			bl_source_free(src);
			continue;
		}
		if (pd->parser->parse(cfg, src, f->role, diags) < 0)
			status = -1;
		parsed++;
	}
	if (parsed > 0 && unread != NULL) {
		/* what is here is not the configuration: the missing file
		 * would be read from defaults, and judged as if it said
		 * nothing */
		bl_diags_add(diags, BL_LEVEL_NOTE, unread, 0, 0,
			     "%s instance %s not checked: without this file "
			     "it would be judged from the defaults the file "
			     "may override",
			     pd->parser->name, pd->name);
		parsed = 0;
	}
	if (parsed == 0) {
		bl_config_free(cfg);
		return status;
	}
	if (pd->parser->resolve(cfg, diags) < 0)
		status = -1;
	*out = cfg;
	return status;
}

/* bl_plan_build - read, parse and resolve instance i (see load.h) */
int
bl_plan_build(struct bl_config **out, struct bl_plan *p, size_t i,
	      const char *root, size_t *skipped, struct bl_diags *diags)
{
	return build(out, p, i, root, NULL, skipped, diags);
}

/* bl_plan_rebuild - instance i again, read through pv (see load.h) */
int
bl_plan_rebuild(struct bl_config **out, struct bl_plan *p, size_t i,
		const char *root, const struct bl_source_provider *pv,
		struct bl_diags *diags)
{
	size_t skipped = 0;

	return build(out, p, i, root, pv, &skipped, diags);
}

/* bl_plan_end - the last word of a run (see load.h) */
int
bl_plan_end(const struct bl_plan *p, size_t built, size_t skipped,
	    bool failed, struct bl_diags *diags)
{
	if (built > 0 || failed || p->failed)
		return 0;
	/* only skipped files: saying "no problems" would be a lie */
	bl_diags_add(diags, BL_LEVEL_ERROR, NULL, 0, 0,
		     "nothing was checked: every file found was "
		     "skipped (%zu; see the notes and warnings above)",
		     skipped);
	return -1;
}

/* bl_plan_free - free the plan; NULL is fine */
void
bl_plan_free(struct bl_plan *p)
{
	size_t i, k;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		for (k = 0; k < p->v[i].nfiles; k++) {
			free(p->v[i].files[k].path);
			free(p->v[i].files[k].shown);
			bl_source_free(p->v[i].files[k].src);
		}
		free(p->v[i].files);
		free(p->v[i].paths);
		free(p->v[i].key);
		free(p->v[i].name);
	}
	free(p->v);
	free(p);
}

/* bl_plan_add_text - an instance of one file held in memory (a probe's
 * transcript), told by its content and shown under name */
int
bl_plan_add_text(struct bl_plan *p, const char *name, const char *text,
		 size_t len, struct bl_diags *diags)
{
	struct bl_source *src = bl_source_from_mem(name, text, len);
	size_t i;

	if (add_file(p, name, src, &p->opts, diags) < 0) {
		p->failed = true;
		return -1;
	}
	/* the instance it made (or joined) is the last one */
	for (i = p->n > 0 ? p->n - 1 : 0; i < p->n; i++) {
		free(p->v[i].paths);
		plan_sort(&p->v[i]);
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.c - .bannerlint.conf (libconfuse): found by walking up from each
 * instance's directory to the repository root, or given with --config.
 * Top-level options apply to every instance; `path "GLOB" { ... }`
 * sections apply to instances with a file matching GLOB relative to the
 * configuration file's directory, in file order. Command-line values win.
 * Errors in a file are diagnostics at file:line. The cache owns the parsed
 * files; an effective set owns its strings.
 */
#include "config.h"

#include <arpa/inet.h>
#include <confuse.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "dns.h"
#include "escape.h"
#include "rules.h"
#include "util.h"

struct bl_conf {
	char *path; /* as shown: relative to the working directory if inside */
	char *text; /* the file's bytes, for finding lines */
	char *dir; /* real path of its directory */
	cfg_t *cfg;
	bool bad;
	bool validated;
};

struct bl_confs {
	char *forced;
	bool none;
	struct bl_conf **v; /* each its own allocation: instances being
			     * checked hold them while more are loaded */
	size_t n;
};

/* bl_list_dup - copy of a NULL-terminated list (caller frees) */
char **
bl_list_dup(char *const *v)
{
	size_t n = 0, i;
	char **c;

	if (v == NULL)
		return NULL;
	while (v[n])
		n++;
	c = bl_xcalloc(n + 1, sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = bl_xstrdup(v[i]);
	return c;
}

/* bl_list_free - free a NULL-terminated list; NULL is fine */
void
bl_list_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char **
list_add(char **v, const char *s)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	v = bl_xreallocarray(v, n + 2, sizeof(*v));
	v[n] = bl_xstrdup(s);
	v[n + 1] = NULL;
	return v;
}

/* bl_confs_new - forced: --config FILE (or NULL); none: --no-config */
struct bl_confs *
bl_confs_new(const char *forced, bool none)
{
	struct bl_confs *c = bl_xcalloc(1, sizeof(*c));

	c->forced = forced ? bl_xstrdup(forced) : NULL;
	c->none = none;
	return c;
}

/* bl_confs_free - free every parsed file; NULL is fine */
void
bl_confs_free(struct bl_confs *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i]->path);
		free(c->v[i]->text);
		free(c->v[i]->dir);
		if (c->v[i]->cfg)
			cfg_free(c->v[i]->cfg);
		free(c->v[i]);
	}
	free(c->v);
	free(c->forced);
	free(c);
}

static int
validate_level(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (strcmp(v, "info") && strcmp(v, "warning") && strcmp(v, "error")) {
		cfg_error(cfg, "%s must be info, warning or error, not \"%s\"",
			  cfg_opt_name(opt), v);
		return -1;
	}
	return 0;
}

/* validate_dns - dns = off, live, record:FILE or replay:FILE */
static int
validate_dns(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (strcmp(v, "off") && strcmp(v, "live") &&
	    !(strncmp(v, "record:", 7) == 0 && v[7] != '\0') &&
	    !(strncmp(v, "replay:", 7) == 0 && v[7] != '\0')) {
		cfg_error(cfg, "dns must be off, live, record:FILE or "
			  "replay:FILE, not \"%s\"", v);
		return -1;
	}
	return 0;
}

/* validate_resolver - resolver = ADDR, ADDR:PORT or [ADDR]:PORT, read as
 * --resolver is (dns.c) */
static int
validate_resolver(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (bl_dns_resolver_parse(v, NULL, NULL, NULL, 0) == 0)
		return 0;
	cfg_error(cfg, "resolver must be ADDR, ADDR:PORT or [ADDR]:PORT "
		  "with a numeric address, not \"%s\"", v);
	return -1;
}

#define COMMON_OPTS                                                        \
	CFG_STR("fail-on", NULL, CFGF_NONE),                               \
		CFG_STR_LIST("select", NULL, CFGF_NONE),                   \
		CFG_STR_LIST("ignore", NULL, CFGF_NONE),                   \
		CFG_STR("hostname", NULL, CFGF_NONE),                      \
		CFG_STR_LIST("ip", NULL, CFGF_NONE),                       \
		CFG_STR_LIST("allow-hostname", NULL, CFGF_NONE),           \
		CFG_STR_LIST("internal-suffix", NULL, CFGF_NONE),          \
		CFG_STR_LIST("ignore-scope", NULL, CFGF_NONE),             \
		CFG_STR("root", NULL, CFGF_NONE)

static cfg_t *
parse_file(const char *path, char **text, struct bl_diags *diags)
{
	static cfg_opt_t severity_opts[] = {
		CFG_STR("level", NULL, CFGF_NONE),
		CFG_END(),
	};
	static cfg_opt_t path_opts[] = {
		COMMON_OPTS,
		CFG_END(),
	};
	static cfg_opt_t opts[] = {
		COMMON_OPTS,
		CFG_STR("rules-dir", NULL, CFGF_NONE),
		CFG_STR("dns", NULL, CFGF_NONE),
		CFG_STR("resolver", NULL, CFGF_NONE),
		CFG_BOOL("no-inline-suppressions", cfg_false, CFGF_NONE),
		CFG_SEC("severity", severity_opts, CFGF_MULTI | CFGF_TITLE),
		CFG_SEC("path", path_opts, CFGF_MULTI | CFGF_TITLE),
		CFG_END(),
	};
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);
	int rc;

	cfg_set_validate_func(cfg, "fail-on", validate_level);
	cfg_set_validate_func(cfg, "path|fail-on", validate_level);
	cfg_set_validate_func(cfg, "severity|level", validate_level);
	cfg_set_validate_func(cfg, "dns", validate_dns);
	cfg_set_validate_func(cfg, "resolver", validate_resolver);
	{
		struct bl_source *src;

		if (bl_source_load(&src, path, BL_CONF_FILE_MAX, diags) < 0) {
			cfg_free(cfg);
			return NULL;
		}
		rc = bl_confuse_parse(cfg, src->data, path, diags);
		*text = src->data;
		src->data = bl_xstrdup("");
		bl_source_free(src);
	}
	if (rc != CFG_SUCCESS) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

/* A path relative to the working directory when it is inside it. */
static char *
display_path(const char *path)
{
	char cwd[PATH_MAX];
	size_t n;

	if (path[0] == '/' && getcwd(cwd, sizeof(cwd)) != NULL) {
		n = strlen(cwd);
		if (strncmp(path, cwd, n) == 0 && path[n] == '/')
			return bl_xstrdup(path + n + 1);
	}
	return bl_xstrdup(path);
}

static struct bl_conf *
get_file(struct bl_confs *c, const char *path, struct bl_diags *diags)
{
	struct bl_conf *f;
	char real[PATH_MAX], *slash;
	size_t i;

	char *shown = display_path(path);

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i]->path, shown) == 0) {
			free(shown);
			return c->v[i];
		}
	free(shown);
	c->v = bl_xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	f = c->v[c->n++] = bl_xcalloc(1, sizeof(*f));
	f->path = display_path(path);
	if (realpath(path, real) == NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot read the configuration file");
		f->bad = true;
		return f;
	}
	slash = strrchr(real, '/');
	f->dir = bl_xstrndup(real, slash && slash != real
					   ? (size_t)(slash - real)
					   : 1);
	f->cfg = parse_file(f->path, &f->text, diags);
	f->bad = f->cfg == NULL;
	return f;
}

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The nearest .bannerlint.conf above dir, up to the repository root. */
static char *
discover(const char *start)
{
	char buf[PATH_MAX], *p, *probe;

	if (realpath(start, buf) == NULL)
		return NULL;
	for (;;) {
		probe = bl_xasprintf("%s/.bannerlint.conf",
				     strcmp(buf, "/") ? buf : "");
		if (exists(probe))
			return probe;
		free(probe);
		probe = bl_xasprintf("%s/.git", strcmp(buf, "/") ? buf : "");
		if (exists(probe)) {
			free(probe);
			return NULL;
		}
		free(probe);
		p = strrchr(buf, '/');
		if (p == NULL || p == buf)
			return NULL;
		*p = '\0';
	}
}

static enum bl_level
level_of(const char *s)
{
	return strcmp(s, "error") == 0	   ? BL_LEVEL_ERROR
	       : strcmp(s, "warning") == 0 ? BL_LEVEL_WARNING
					   : BL_LEVEL_NOTE;
}

/* Merge one section's options into e (single values replace, lists add). */
static void
merge(struct bl_effective *e, cfg_t *sec)
{
	static const char *const lists[] = {"select", "ignore", "ip",
					    "allow-hostname",
					    "internal-suffix", "ignore-scope"};
	char ***targets[] = {&e->select,	  &e->ignore,
			     &e->ip,		  &e->allow_hostname,
			     &e->internal_suffix, &e->ignore_scope};
	const char *s;
	unsigned i, k;

	if ((s = cfg_getstr(sec, "fail-on")) != NULL)
		e->fail_on = level_of(s);
	if ((s = cfg_getstr(sec, "hostname")) != NULL) {
		free(e->hostname);
		e->hostname = bl_xstrdup(s);
	}
	/* one allocation per list: appending one by one is quadratic */
	for (k = 0; k < BL_ARRAY_LEN(lists); k++) {
		char **v = *targets[k];
		size_t n = 0, add = cfg_size(sec, lists[k]);

		if (add == 0)
			continue;
		while (v && v[n])
			n++;
		v = bl_xreallocarray(v, n + add + 1, sizeof(*v));
		for (i = 0; i < add; i++)
			v[n + i] = bl_xstrdup(cfg_getnstr(sec, lists[k], i));
		v[n + add] = NULL;
		*targets[k] = v;
	}
}

/* Does any of the files match the pattern, relative to dir? */
static bool
matches_paths(const char *const *paths, size_t npaths, const char *dir,
	      const char *pattern)
{
	char real[PATH_MAX];
	size_t i, n = strlen(dir);
	const char *rel;

	for (i = 0; i < npaths; i++) {
		if (realpath(paths[i], real) == NULL)
			continue;
		if (strcmp(dir, "/") == 0)
			rel = real + 1;
		else if (strncmp(real, dir, n) == 0 && real[n] == '/')
			rel = real + n + 1;
		else
			continue;
		if (fnmatch(pattern, rel, 0) == 0)
			return true;
		/* "hosts/mx1" names the directory of its files too */
		if (strchr(rel, '/') != NULL) {
			char *d = bl_xstrndup(rel, (size_t)(strrchr(rel, '/') -
							    rel));
			bool m = fnmatch(pattern, d, 0) == 0;

			free(d);
			if (m)
				return true;
		}
	}
	return false;
}

/* Does any file of the instance match the pattern, relative to dir? */
static bool
matches(const struct bl_config *cfg, const char *dir, const char *pattern)
{
	const char **paths = bl_xcalloc(cfg->nsources + 1, sizeof(*paths));
	size_t i;
	bool m;

	for (i = 0; i < cfg->nsources; i++)
		paths[i] = cfg->sources[i]->path;
	m = matches_paths(paths, cfg->nsources, dir, pattern);
	free(paths);
	return m;
}

/* bl_confs_lookup - the configuration file of an instance (see conf.h) */
int
bl_confs_lookup(struct bl_confs *c, const char *const *paths, size_t npaths,
		const struct bl_conf **out, struct bl_diags *diags)
{
	struct bl_conf *f;
	const char *slash;
	char *path, *dir;

	*out = NULL;
	if (c->none || npaths == 0)
		return 0;
	if (c->forced) {
		path = bl_xstrdup(c->forced);
	} else {
		slash = strrchr(paths[0], '/');
		dir = slash ? bl_xstrndup(paths[0], (size_t)(slash - paths[0]))
			    : bl_xstrdup(".");
		path = discover(dir[0] ? dir : "/");
		free(dir);
	}
	if (path == NULL)
		return 0;
	f = get_file(c, path, diags);
	free(path);
	if (f->bad)
		return -1;
	*out = f;
	return 0;
}

/* bl_conf_validated - has bl_confs_validate been through f already? */
bool
bl_conf_validated(const struct bl_conf *f)
{
	return f->validated;
}

/* bl_conf_path - the file as shown (borrowed) */
const char *
bl_conf_path(const struct bl_conf *f)
{
	return f->path;
}

/* bl_conf_rules_dir - the file's rules-dir, absolute or relative to the
 * working directory, or NULL (caller frees) */
char *
bl_conf_rules_dir(const struct bl_conf *f)
{
	const char *s;
	char *abs, *shown;

	if (f == NULL || (s = cfg_getstr(f->cfg, "rules-dir")) == NULL)
		return NULL;
	abs = s[0] == '/' ? bl_xstrdup(s) : bl_xasprintf("%s/%s", f->dir, s);
	shown = display_path(abs);
	free(abs);
	return shown;
}

/* bl_conf_dns - the file's dns = setting, a record:/replay: file made
 * relative to the working directory (caller frees), or NULL */
char *
bl_conf_dns(const struct bl_conf *f)
{
	const char *s;
	char *abs, *shown, *r;

	if (f == NULL || (s = cfg_getstr(f->cfg, "dns")) == NULL)
		return NULL;
	if (strncmp(s, "record:", 7) != 0 && strncmp(s, "replay:", 7) != 0)
		return bl_xstrdup(s);
	abs = s[7] == '/' ? bl_xstrdup(s + 7)
			  : bl_xasprintf("%s/%s", f->dir, s + 7);
	shown = display_path(abs);
	r = bl_xasprintf("%.7s%s", s, shown);
	free(abs);
	free(shown);
	return r;
}

/* bl_conf_resolver - the file's resolver = setting (borrowed), or NULL */
const char *
bl_conf_resolver(const struct bl_conf *f)
{
	return f != NULL ? cfg_getstr(f->cfg, "resolver") : NULL;
}

/* bl_conf_effective - the effective options of an instance (see conf.h) */
void
bl_conf_effective(const struct bl_conf *f, const struct bl_config *cfg,
		  const struct bl_effective *base, struct bl_effective *out)
{
	const char *s;
	unsigned i;

	memset(out, 0, sizeof(*out));
	out->fail_on = BL_LEVEL_WARNING;
	if (f != NULL) {
		out->conf_path = f->path;
		merge(out, f->cfg);
		out->rules_dir = bl_conf_rules_dir(f);
		out->no_inline = cfg_getbool(f->cfg, "no-inline-suppressions");
		out->nseverity = cfg_size(f->cfg, "severity");
		out->severity_ids =
			bl_xcalloc(out->nseverity + 1, sizeof(char *));
		out->severity_levels =
			bl_xcalloc(out->nseverity + 1, sizeof(enum bl_level));
		for (i = 0; i < out->nseverity; i++) {
			cfg_t *sec = cfg_getnsec(f->cfg, "severity", i);

			out->severity_ids[i] = bl_xstrdup(cfg_title(sec));
			s = cfg_getstr(sec, "level");
			out->severity_levels[i] =
				level_of(s ? s : "warning");
		}
		for (i = 0; i < cfg_size(f->cfg, "path"); i++) {
			cfg_t *sec = cfg_getnsec(f->cfg, "path", i);

			if (!matches(cfg, f->dir, cfg_title(sec)))
				continue;
			merge(out, sec);
			out->sections = list_add(out->sections, cfg_title(sec));
		}
	}
	/* The command line wins. */
	if (base->fail_on != (enum bl_level)-1)
		out->fail_on = base->fail_on;
	if (base->select) {
		bl_list_free(out->select);
		out->select = bl_list_dup(base->select);
	}
	if (base->ignore) {
		bl_list_free(out->ignore);
		out->ignore = bl_list_dup(base->ignore);
	}
	if (base->hostname) {
		free(out->hostname);
		out->hostname = bl_xstrdup(base->hostname);
	}
	if (base->ip) {
		bl_list_free(out->ip);
		out->ip = bl_list_dup(base->ip);
	}
	if (base->no_inline)
		out->no_inline = true;
}


/* bl_conf_root - the root = of the file that applies to an instance of
 * these files (see conf.h) */
char *
bl_conf_root(const struct bl_conf *f, const char *const *paths,
	     size_t npaths)
{
	const char *s;
	char *abs, *root;
	unsigned i;

	if (f == NULL)
		return NULL;
	s = cfg_getstr(f->cfg, "root");
	for (i = 0; i < cfg_size(f->cfg, "path"); i++) {
		cfg_t *sec = cfg_getnsec(f->cfg, "path", i);

		if (cfg_getstr(sec, "root") != NULL &&
		    matches_paths(paths, npaths, f->dir, cfg_title(sec)))
			s = cfg_getstr(sec, "root");
	}
	if (s == NULL)
		return NULL;
	abs = s[0] == '/' ? bl_xstrdup(s) : bl_xasprintf("%s/%s", f->dir, s);
	root = display_path(abs);
	free(abs);
	return root;
}

/* bl_effective_finish - free what the effective options own */
void
bl_effective_finish(struct bl_effective *e)
{
	size_t i;

	bl_list_free(e->select);
	bl_list_free(e->ignore);
	bl_list_free(e->ip);
	bl_list_free(e->allow_hostname);
	bl_list_free(e->internal_suffix);
	bl_list_free(e->ignore_scope);
	bl_list_free(e->sections);
	free(e->hostname);
	free(e->rules_dir);
	for (i = 0; i < e->nseverity; i++)
		free(e->severity_ids[i]);
	free(e->severity_ids);
	free(e->severity_levels);
	memset(e, 0, sizeof(*e));
}

/* put - an option's string, escaped like every input (static) */
static void
put(FILE *fp, const char *before, const char *v, const char *after)
{
	fputs(before, fp);
	bl_escape_puts(fp, v);
	fputs(after, fp);
}

static void
print_list(FILE *fp, const char *name, char **v)
{
	size_t i;

	if (v == NULL)
		return;
	fprintf(fp, "  %s = {", name);
	for (i = 0; v[i]; i++)
		put(fp, i ? ", \"" : "\"", v[i], "\"");
	fputs("}\n", fp);
}

/* bl_effective_print - the options in .bannerlint.conf syntax */
void
bl_effective_print(FILE *fp, const struct bl_config *cfg,
		   const struct bl_effective *e)
{
	static const char *const lv[] = {"info", "warning", "error"};
	size_t i;

	fprintf(fp, "# %s instance ", cfg->mta);
	put(fp, "", cfg->name, ": configuration ");
	put(fp, "", e->conf_path ? e->conf_path : "(none)", "\n");
	for (i = 0; e->sections && e->sections[i]; i++)
		put(fp, "#   path section \"", e->sections[i], "\" applies\n");
	fprintf(fp, "  fail-on = \"%s\"\n", lv[e->fail_on]);
	print_list(fp, "select", e->select);
	print_list(fp, "ignore", e->ignore);
	if (e->hostname)
		put(fp, "  hostname = \"", e->hostname, "\"\n");
	print_list(fp, "ip", e->ip);
	print_list(fp, "allow-hostname", e->allow_hostname);
	print_list(fp, "internal-suffix", e->internal_suffix);
	print_list(fp, "ignore-scope", e->ignore_scope);
	if (e->rules_dir)
		put(fp, "  rules-dir = \"", e->rules_dir, "\"\n");
	fprintf(fp, "  no-inline-suppressions = %s\n",
		e->no_inline ? "true" : "false");
	for (i = 0; i < e->nseverity; i++) {
		put(fp, "  severity ", e->severity_ids[i], " { level = \"");
		fprintf(fp, "%s\" }\n", lv[e->severity_levels[i]]);
	}
}

/* The line of the first occurrence of needle in text, or 0. */
static unsigned
line_of(const char *text, const char *needle)
{
	const char *p = text ? strstr(text, needle) : NULL;
	unsigned line = 1;

	if (p == NULL)
		return 0;
	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

static int
check_list(struct bl_conf *f, cfg_t *sec, const char *name,
	   bool (*known)(const char *, void *), void *ctx,
	   struct bl_diags *diags)
{
	unsigned i;
	int status = 0;

	for (i = 0; i < cfg_size(sec, name); i++) {
		const char *id = cfg_getnstr(sec, name, i);
		char *q = bl_xasprintf("\"%s\"", id);

		if (!known(id, ctx)) {
			bl_diags_add(diags, BL_LEVEL_ERROR, f->path,
				     line_of(f->text, q), 0,
				     "%s: no rule \"%s\" (see 'bannerlint "
				     "rules')",
				     name, id);
			status = -1;
		}
		free(q);
	}
	return status;
}

static int
check_section(struct bl_conf *f, cfg_t *sec,
	      bool (*known)(const char *, void *), void *ctx,
	      struct bl_diags *diags)
{
	unsigned char buf[16];
	const char *h;
	unsigned i;
	int status = 0;

	status |= check_list(f, sec, "select", known, ctx, diags);
	status |= check_list(f, sec, "ignore", known, ctx, diags);
	for (i = 0; i < cfg_size(sec, "ip"); i++) {
		const char *ip = cfg_getnstr(sec, "ip", i);
		char *q = bl_xasprintf("\"%s\"", ip);

		if (inet_pton(AF_INET, ip, buf) != 1 &&
		    inet_pton(AF_INET6, ip, buf) != 1) {
			bl_diags_add(diags, BL_LEVEL_ERROR, f->path,
				     line_of(f->text, q), 0,
				     "ip: \"%s\" is not an IPv4 or IPv6 "
				     "address",
				     ip);
			status = -1;
		}
		free(q);
	}
	h = cfg_getstr(sec, "root");
	if (h != NULL) {
		char *abs = h[0] == '/' ? bl_xstrdup(h)
					: bl_xasprintf("%s/%s", f->dir, h);
		struct stat st;

		if (stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
			char *q = bl_xasprintf("\"%s\"", h);

			bl_diags_add(diags, BL_LEVEL_ERROR, f->path,
				     line_of(f->text, q), 0,
				     "root: \"%s\" is not a directory", h);
			free(q);
			status = -1;
		}
		free(abs);
	}
	h = cfg_getstr(sec, "hostname");
	if (h != NULL && (h[0] == '\0' || strpbrk(h, " \t/:@") != NULL)) {
		char *q = bl_xasprintf("\"%s\"", h);

		bl_diags_add(diags, BL_LEVEL_ERROR, f->path, line_of(f->text, q),
			     0, "hostname: \"%s\" is not a host name", h);
		free(q);
		status = -1;
	}
	return status;
}

/* bl_confs_validate - check every section of the file conf_path, once */
int
bl_confs_validate(struct bl_confs *c, const char *conf_path,
		  bool (*known)(const char *id, void *ctx), void *ctx,
		  struct bl_diags *diags)
{
	struct bl_conf *f = NULL;
	unsigned i, k;
	int status = 0;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i]->path, conf_path) == 0)
			f = c->v[i];
	if (f == NULL || f->bad || f->validated)
		return f && f->bad ? -1 : 0;
	f->validated = true;
	status |= check_section(f, f->cfg, known, ctx, diags);
	for (i = 0; i < cfg_size(f->cfg, "path"); i++)
		status |= check_section(f, cfg_getnsec(f->cfg, "path", i),
					known, ctx, diags);
	for (i = 0; i < cfg_size(f->cfg, "severity"); i++) {
		const char *id = cfg_title(cfg_getnsec(f->cfg, "severity", i));
		char *q = bl_xasprintf("severity %s", id);

		if (!known(id, ctx)) {
			bl_diags_add(diags, BL_LEVEL_ERROR, f->path,
				     line_of(f->text, q), 0,
				     "severity: no rule \"%s\"", id);
			status = -1;
		}
		for (k = 0; k < i; k++)
			if (strcasecmp(id, cfg_title(cfg_getnsec(
						   f->cfg, "severity", k))) ==
			    0) {
				bl_diags_add(diags, BL_LEVEL_ERROR, f->path,
					     line_of(f->text, q), 0,
					     "severity %s is given twice", id);
				status = -1;
			}
		free(q);
	}
	if (status != 0)
		f->bad = true;
	return status ? -1 : 0;
}

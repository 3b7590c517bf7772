/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exim_debian.c - Debian's /etc/exim4 as update-exim4.conf assembles it.
 *
 * update-exim4.conf.conf is a shell file of dc_name='value' lines. With
 * dc_use_split_config 'true' the configuration is the files of conf.d/main,
 * acl, router, transport, retry, rewrite and auth, in that order: in each the
 * regular files whose names are [[:alnum:]_-]+ (ASCII, C byte order, not
 * the expr keywords "length", "match", "substr"), NAME.rul read in place of
 * NAME. Otherwise it is exim4.conf.localmacros followed by
 * exim4.conf.template. For the config types internet, smarthost,
 * satellite and local, macros generated from the dc_ values (and one per
 * upper-case line of the file) go right after every line that starts
 * with "UPEX4CmacrosUPEX4C", each as ".ifndef X / X=value / .endif", so an
 * earlier definition by the admin wins. Values are lower-cased, as the
 * script does. What only the machine knows stays a placeholder:
 * <system-hostname> for "hostname --fqdn", <mailname> for /etc/mailname,
 * <package-version> for the exim4-config version. An exim4.conf in the
 * directory is the configuration itself: Debian's Exim reads it first.
 * The generated macros are a file like the others: over BL_SOURCE_MAX
 * they stop with an error at the line of update-exim4.conf.conf that
 * went past it. Which files there are is asked of the instance's source
 * provider (source.h): its in-memory texts count as files.
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "exim_debian.h"
#include "util.h"

struct dc {
	char *name, *value;
};

struct dcs {
	struct dc *v;
	size_t n, cap;
};

static const char *
dc_get(const struct dcs *d, const char *name)
{
	size_t i;

	for (i = d->n; i-- > 0;)
		if (strcmp(d->v[i].name, name) == 0)
			return d->v[i].value;
	return "";
}

static void
dc_add(struct dcs *d, const char *name, size_t nl, const char *value,
       size_t vl)
{
	/* geometric: a file of a million lines is read in linear time */
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = bl_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].name = bl_xstrndup(name, nl);
	d->v[d->n].value = bl_xstrndup(value, vl);
	d->n++;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

/* A shell word: 'single', "double" or bare, up to a blank or ";". */
static char *
shell_value(const char *p, const char *end)
{
	struct bl_buf b;

	bl_buf_init(&b);
	while (p < end && *p != ' ' && *p != '\t' && *p != ';' && *p != '#') {
		if (*p == '\'') {
			const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));

			q = q ? q : end;
			bl_buf_add(&b, p + 1, (size_t)(q - p - 1));
			p = q < end ? q + 1 : end;
		} else if (*p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				bl_buf_addc(&b, *p);
			}
			if (p < end)
				p++;
		} else {
			bl_buf_addc(&b, *p++);
		}
	}
	return bl_buf_steal(&b);
}

/* An upper-case line becomes a macro: the text after the first "=",
 * lower-cased, runs of blanks made one (quotes kept). */
static void
upper_line(struct bl_buf *macros, const char *p, const char *end)
{
	const char *eq = memchr(p, '=', (size_t)(end - p));
	const char *n = p;
	struct bl_buf v;
	bool blank = false;
	char *val;

	if (eq == NULL)
		return;
	while (n < eq && *n != ' ' && *n != '\t')
		n++;
	if ((size_t)(n - p) == 9 && strncmp(p, "CFILEMODE", 9) == 0)
		return;
	bl_buf_init(&v);
	for (eq++; eq < end; eq++) {
		if (*eq == ' ' || *eq == '\t') {
			blank = true;
			continue;
		}
		if (blank && v.len > 0)
			bl_buf_addc(&v, ' ');
		blank = false;
		bl_buf_addc(&v, *eq);
	}
	val = bl_buf_steal(&v);
	lower(val);
	bl_buf_printf(macros, ".ifndef %.*s\n%.*s=%s\n.endif\n", (int)(n - p), p,
		      (int)(n - p), p, val);
	free(val);
}

static void
macro(struct bl_buf *m, const char *name, const char *value)
{
	char *v = bl_xstrdup(value);

	lower(v);
	bl_buf_printf(m, ".ifndef %s\n%s=%s\n.endif\n", name, name, v);
	free(v);
}

/* ";"-separated lists become ":"-separated, as the script writes them */
static char *
colons(const char *s)
{
	char *v = bl_xstrdup(s), *p;

	for (p = v; *p; p++)
		if (*p == ';')
			*p = ':';
	return v;
}

static bool
valid_name(const char *n)
{
	const char *p;

	if (*n == '\0' || strcmp(n, "length") == 0 || strcmp(n, "match") == 0 ||
	    strcmp(n, "substr") == 0 || strcmp(n, "--") == 0)
		return false;
	for (p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* regular - is path a regular file, or an in-memory text, for pv? */
static bool
regular(const struct bl_source_provider *pv, const char *path)
{
	return bl_source_provider_kind(pv, path) == BL_SOURCE_REGULAR;
}

/* add_name - names gets name (copied) unless it is there; n: how many */
static char **
add_name(char **names, size_t *n, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return names;
	if ((*n & (*n - 1)) == 0)
		names = bl_xreallocarray(names, *n ? 2 * *n : 1,
					 sizeof(*names));
	names[(*n)++] = bl_xstrdup(name);
	return names;
}

static void
add_path(struct bl_exim_debian *out, char *path)
{
	/* the capacity is the next power of two: n tells when to grow */
	if ((out->npaths & (out->npaths - 1)) == 0)
		out->paths = bl_xreallocarray(out->paths,
					      out->npaths ? 2 * out->npaths : 1,
					      sizeof(*out->paths));
	out->paths[out->npaths++] = path;
}

static void
split_files(struct bl_exim_debian *out, const char *dir,
	    const struct bl_source_provider *pv)
{
	static const char *const sections[] = {"main",	"acl",	   "router",
					       "transport", "retry", "rewrite",
					       "auth"};
	size_t i, k, n;

	for (i = 0; i < BL_ARRAY_LEN(sections); i++) {
		char *sd = bl_xasprintf("%s%sconf.d/%s", dir, *dir ? "/" : "",
					 sections[i]);
		DIR *dp = opendir(sd);
		struct dirent *e;
		char **names = NULL;
		const char *op;
		size_t j, sl = strlen(sd);

		n = 0;
		while (dp != NULL && (e = readdir(dp)) != NULL) {
			if (!valid_name(e->d_name))
				continue;
			if ((n & (n - 1)) == 0)
				names = bl_xreallocarray(names, n ? 2 * n : 1,
							 sizeof(*names));
			names[n++] = bl_xstrdup(e->d_name);
		}
		if (dp != NULL)
			closedir(dp);
		/* the in-memory texts of the directory are its files too */
		for (j = 0; (op = bl_source_provider_path(pv, j)) != NULL;
		     j++)
			if (strncmp(op, sd, sl) == 0 && op[sl] == '/' &&
			    strchr(op + sl + 1, '/') == NULL &&
			    valid_name(op + sl + 1))
				names = add_name(names, &n, op + sl + 1);
		if (n > 0)
			qsort(names, n, sizeof(*names), by_name);
		for (k = 0; k < n; k++) {
			char *f = bl_xasprintf("%s/%s", sd, names[k]);
			char *rul = bl_xasprintf("%s.rul", f);

			if (regular(pv, f)) {
				if (regular(pv, rul)) {
					add_path(out, rul);
					rul = NULL;
				} else {
					add_path(out, f);
					f = NULL;
				}
			}
			free(f);
			free(rul);
			free(names[k]);
		}
		free(names);
		free(sd);
	}
}

int
bl_exim_debian_plan(const struct bl_source *conf,
		    const struct bl_source_provider *pv,
		    struct bl_exim_debian *out, struct bl_diags *diags)
{
	struct dcs d = {NULL, 0, 0};
	const char *p = conf->data, *end = conf->data + conf->len, *e;
	struct bl_buf macros, upper;
	char *dir, *type, *s;
	size_t i;

	memset(out, 0, sizeof(*out));
	s = strrchr(conf->path, '/');
	/* paths beside conf: "conf.d/..." when conf has no directory part */
	dir = s ? bl_xstrndup(conf->path, (size_t)(s - conf->path))
		: bl_xstrdup("");
	bl_buf_init(&macros);
	bl_buf_init(&upper);
	for (; p < end; p = e + 1) {
		const char *q;

		e = memchr(p, '\n', (size_t)(end - p));
		e = e ? e : end;
		if (*p >= 'A' && *p <= 'Z') {
			upper_line(&upper, p, e);
			/* each line is a macro three lines long: the
			 * generated text is a file, under a file's cap */
			if (upper.len > BL_SOURCE_MAX) {
				unsigned line, col;

				bl_source_position(conf, (size_t)(p - conf->data),
						   &line, &col);
				bl_diags_add(diags, BL_LEVEL_ERROR, conf->path, line,
					     0,
					     "the macros made of upper-case lines "
					     "are over %u bytes here, the limit "
					     "for a configuration file: this line "
					     "and those after it are ignored; "
					     "move the definitions to the Exim "
					     "configuration",
					     BL_SOURCE_MAX);
				break;
			}
			continue;
		}
		for (q = p; q < e && (*q == ' ' || *q == '\t'); q++)
			;
		if (q == e || *q == '#')
			continue;
		{
			const char *eq = q;
			char *v;

			while (eq < e && *eq != '=' && *eq != ' ')
				eq++;
			if (eq == e || *eq != '=') {
				unsigned line, col;

				bl_source_position(conf, (size_t)(q - conf->data),
						   &line, &col);
				bl_diags_add(diags, BL_LEVEL_WARNING, conf->path,
					     line, col,
					     "not a shell assignment "
					     "(name='value'): update-exim4.conf "
					     "fails on such a line");
				continue;
			}
			v = shell_value(eq + 1, e);
			dc_add(&d, q, (size_t)(eq - q), v, strlen(v));
			free(v);
		}
	}
	out->exim4_conf = bl_xasprintf("%s%sexim4.conf", dir, *dir ? "/" : "");
	if (!regular(pv, out->exim4_conf)) {
		free(out->exim4_conf);
		out->exim4_conf = NULL;
	}
	if (strcmp(dc_get(&d, "dc_use_split_config"), "true") == 0) {
		out->split = true;
		split_files(out, dir, pv);
	} else {
		char *lm = bl_xasprintf("%s%sexim4.conf.localmacros", dir,
					*dir ? "/" : "");
		char *tp = bl_xasprintf("%s%sexim4.conf.template", dir,
					*dir ? "/" : "");

		if (regular(pv, lm))
			add_path(out, lm);
		else
			free(lm);
		if (regular(pv, tp))
			add_path(out, tp);
		else
			free(tp);
	}
	type = bl_xstrdup(dc_get(&d, "dc_eximconfig_configtype"));
	lower(type);
	if (strcmp(type, "internet") == 0 || strcmp(type, "smarthost") == 0 ||
	    strcmp(type, "satellite") == 0 || strcmp(type, "local") == 0) {
		char *v, *name;
		const char *oh = dc_get(&d, "dc_other_hostnames");

		if (*dc_get(&d, "dc_local_interfaces")) {
			v = colons(dc_get(&d, "dc_local_interfaces"));
			macro(&macros, "MAIN_LOCAL_INTERFACES", v);
			free(v);
		}
		if (strcmp(dc_get(&d, "dc_minimaldns"), "true") == 0) {
			macro(&macros, "DC_minimaldns", "1");
			/* hostname --fqdn of the machine that runs the script */
			bl_buf_adds(&macros, ".ifndef MAIN_HARDCODE_PRIMARY_HOSTNAME\n"
					     "MAIN_HARDCODE_PRIMARY_HOSTNAME="
					     "<system-hostname>\n.endif\n");
		}
		if ((strcmp(type, "smarthost") == 0 ||
		     strcmp(type, "satellite") == 0) &&
		    *dc_get(&d, "dc_readhost"))
			macro(&macros, "HIDE_MAILNAME", "1");
		bl_buf_adds(&macros, ".ifndef MAIN_PACKAGE_VERSION\n"
				     "MAIN_PACKAGE_VERSION=<package-version>\n"
				     ".endif\n");
		v = colons(oh);
		name = bl_xasprintf("@:localhost%s%s", *v ? ":" : "", v);
		macro(&macros, "MAIN_LOCAL_DOMAINS", name);
		free(name);
		free(v);
		v = colons(dc_get(&d, "dc_relay_domains"));
		macro(&macros, "MAIN_RELAY_TO_DOMAINS", v);
		free(v);
		bl_buf_adds(&macros, ".ifndef ETC_MAILNAME\nETC_MAILNAME=<mailname>\n"
				     ".endif\n");
		macro(&macros, "LOCAL_DELIVERY", dc_get(&d, "dc_localdelivery"));
		v = colons(dc_get(&d, "dc_relay_nets"));
		macro(&macros, "MAIN_RELAY_NETS", v);
		free(v);
		macro(&macros, "DCreadhost", dc_get(&d, "dc_readhost"));
		macro(&macros, "DCsmarthost", dc_get(&d, "dc_smarthost"));
		macro(&macros, "DC_eximconfig_configtype", type);
		name = bl_xasprintf("DCconfig_%s", type);
		macro(&macros, name, "1");
		free(name);
		bl_buf_add(&macros, upper.data ? upper.data : "", upper.len);
		bl_buf_addc(&macros, '\n');
		name = bl_xasprintf("%s (generated macros)", conf->path);
		out->macros = bl_source_from_mem(
			name, macros.data ? macros.data : "", macros.len);
		free(name);
	}
	free(type);
	bl_buf_finish(&macros);
	bl_buf_finish(&upper);
	for (i = 0; i < d.n; i++) {
		free(d.v[i].name);
		free(d.v[i].value);
	}
	free(d.v);
	free(dir);
	return 0;
}

void
bl_exim_debian_finish(struct bl_exim_debian *p)
{
	size_t i;

	for (i = 0; i < p->npaths; i++)
		free(p->paths[i]);
	free(p->paths);
	free(p->exim4_conf);
	bl_source_free(p->macros);
	memset(p, 0, sizeof(*p));
}

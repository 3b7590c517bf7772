/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exim.c - an Exim configuration file as readconf.c reads it.
 *
 * Physical lines are macro-substituted (plain substring replacement, in
 * definition order), trimmed, checked for comments, .ifdef-family and
 * .include directives, then joined: a trailing backslash continues the line
 * onto the next one with its leading whitespace removed; comment lines may
 * sit inside a continued line, a blank line ends it. Logical lines are
 * macro definitions (an upper-case first letter), "begin SECTION", driver
 * instances ("name:") with their options, ACL statements, and options
 * ("[hide] name = value", booleans). An option set twice is an error, as
 * Exim refuses to start. Every byte of a logical line remembers the source
 * offset it came from, so settings keep exact spans.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "exim_debian.h"
#include "parser.h"
#include "resolve.h"
#include "util.h"

struct exim_option {
	const char *name;
	bool boolean;
};

#include "exim_names.inc"

#define MAX_INCLUDE 16 /* nested .include */
#define MAX_FRAMES 512 /* Debian: the conf.d files, then includes */
#define MAX_IFDEF 64

struct macro {
	char *name;
	char *value;
};

struct frame {
	const struct bl_source *src;
	size_t pos;
	unsigned line;
};

struct reader {
	struct bl_config *cfg;
	struct bl_diags *diags;
	struct frame stack[MAX_FRAMES];
	int base; /* frames of concatenated files under the includes */
	const struct bl_source *macros_src; /* Debian generated macros */
	int depth;
	struct macro *macros;
	size_t nmacros;
	char **lists; /* named lists: "domainlist NAME" */
	size_t nlists;
	/* conditionals: for each level, is this branch live, was one taken */
	bool live[MAX_IFDEF], taken[MAX_IFDEF];
	int nif;
	unsigned if_line[MAX_IFDEF];
	const struct bl_source *if_src[MAX_IFDEF];
	int status;
};

/* A line of text with the source offset of every byte. */
struct text {
	struct bl_buf b;
	size_t *off;
	size_t cap;
	const struct bl_source *src;
	unsigned line;
};

static void
text_init(struct text *t)
{
	memset(t, 0, sizeof(*t));
	bl_buf_init(&t->b);
}

static void
text_finish(struct text *t)
{
	bl_buf_finish(&t->b);
	free(t->off);
}

static void
text_reset(struct text *t)
{
	bl_buf_reset(&t->b);
}

static void
text_add(struct text *t, const char *s, size_t n, size_t off, bool same)
{
	size_t i;

	if (t->b.len + n > t->cap) {
		t->cap = (t->b.len + n) * 2 + 16;
		t->off = bl_xreallocarray(t->off, t->cap, sizeof(*t->off));
	}
	for (i = 0; i < n; i++)
		t->off[t->b.len + i] = same ? off : off + i;
	bl_buf_add(&t->b, s, n);
}

static bool
is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_name(int c)
{
	return (c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Replace every macro in [s, s+n) into out; true if any was replaced. */
static bool
substitute(const struct reader *r, const char *s, size_t n, size_t base,
	   struct text *out)
{
	struct text a, b, *cur = &a, *next = &b, *tmp;
	bool any = false;
	size_t i, k, ln;

	text_init(&a);
	text_init(&b);
	text_add(&a, s, n, base, false);
	for (i = 0; i < r->nmacros; i++) {
		const struct macro *m = &r->macros[i];

		ln = strlen(m->name);
		if (strstr(cur->b.data, m->name) == NULL)
			continue;
		text_reset(next);
		for (k = 0; k < cur->b.len;) {
			if (k + ln <= cur->b.len &&
			    memcmp(cur->b.data + k, m->name, ln) == 0) {
				text_add(next, m->value, strlen(m->value),
					 cur->off[k], true);
				k += ln;
				any = true;
			} else {
				text_add(next, cur->b.data + k, 1, cur->off[k],
					 false);
				k++;
			}
		}
		tmp = cur;
		cur = next;
		next = tmp;
	}
	for (k = 0; k < cur->b.len; k++)
		text_add(out, cur->b.data + k, 1, cur->off[k], false);
	text_finish(&a);
	text_finish(&b);
	return any;
}

/* Read the next physical line of the current file into raw; false at EOF. */
static bool
physical(struct reader *r, const char **line, size_t *len, size_t *off,
	 unsigned *lineno, const struct bl_source **src)
{
	struct frame *f;
	const char *d, *nl;

	while (r->depth > 0) {
		f = &r->stack[r->depth - 1];
		if (f->pos >= f->src->len) {
			r->depth--;
			continue;
		}
		d = f->src->data;
		nl = memchr(d + f->pos, '\n', f->src->len - f->pos);
		*line = d + f->pos;
		*len = (nl ? (size_t)(nl - d) : f->src->len) - f->pos;
		*off = f->pos;
		*lineno = f->line;
		*src = f->src;
		f->pos += *len + (nl ? 1 : 0);
		f->line++;
		return true;
	}
	return false;
}

static void
error(struct reader *r, const struct bl_source *src, unsigned line,
      const char *msg)
{
	bl_diags_add(r->diags, BL_LEVEL_ERROR, src->path, line, 0, "%s", msg);
	r->status = -1;
}

static char *
directive_arg(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	return bl_xstrndup(p, (size_t)(end - p));
}

static void
include(struct reader *r, const struct bl_source *from, unsigned line,
	const char *arg, bool if_exists)
{
	struct bl_source *src;
	struct bl_diags quiet;
	char *path, *slash;
	int i;

	if (arg[0] != '/') {
		if (if_exists) {
			error(r, from, line,
			      ".include_if_exists needs an absolute path");
			return;
		}
		slash = strrchr(from->path, '/');
		path = slash ? bl_xasprintf("%.*s/%s",
					    (int)(slash - from->path),
					    from->path, arg)
			     : bl_xstrdup(arg);
	} else {
		path = bl_xstrdup(arg);
	}
	for (i = 0; i < r->depth; i++)
		if (strcmp(r->stack[i].src->path, path) == 0) {
			char *m = bl_xasprintf(".include of %s makes a loop",
					       path);

			error(r, from, line, m);
			free(m);
			free(path);
			return;
		}
	if (r->depth - r->base >= MAX_INCLUDE || r->depth == MAX_FRAMES) {
		error(r, from, line, ".include nested too deeply");
		free(path);
		return;
	}
	bl_diags_init(&quiet);
	if (bl_source_load(&src, path, 0, if_exists ? &quiet : r->diags) < 0) {
		if (!if_exists) {
			char *m = bl_xasprintf(".include of %s: the file "
					       "cannot be read",
					       path);

			error(r, from, line, m);
			free(m);
		}
		bl_diags_finish(&quiet);
		free(path);
		return;
	}
	bl_diags_finish(&quiet);
	bl_config_add_source(r->cfg, src);
	r->stack[r->depth].src = src;
	r->stack[r->depth].pos = 0;
	r->stack[r->depth].line = 1;
	r->depth++;
	free(path);
}

/* Handle a dot directive; true if the line was one. */
static bool
directive(struct reader *r, const char *p, const char *end,
	  const struct bl_source *src, unsigned line, bool hit)
{
	static const char *const names[] = {".ifdef", ".ifndef", ".elifdef",
					    ".elifndef", ".else", ".endif",
					    ".include_if_exists", ".include"};
	size_t i, n;
	bool live = r->nif == 0 || r->live[r->nif - 1];
	bool outer = r->nif <= 1 || r->live[r->nif - 2];
	char *arg;

	for (i = 0; i < BL_ARRAY_LEN(names); i++) {
		n = strlen(names[i]);
		if ((size_t)(end - p) >= n && memcmp(p, names[i], n) == 0 &&
		    (p + n == end || p[n] == ' ' || p[n] == '\t'))
			break;
	}
	if (i == BL_ARRAY_LEN(names))
		return false;
	/* .ifdef tests whether any macro was substituted on the line */
	arg = directive_arg(p + n, end);
	switch (i) {
	case 0:
	case 1:
		if (r->nif == MAX_IFDEF) {
			error(r, src, line, ".ifdef nested too deeply");
			break;
		}
		r->live[r->nif] = live && (i == 0 ? hit : !hit);
		r->taken[r->nif] = r->live[r->nif];
		r->if_line[r->nif] = line;
		r->if_src[r->nif] = src;
		r->nif++;
		break;
	case 2:
	case 3:
	case 4:
		if (r->nif == 0) {
			error(r, src, line, "unexpected .elif or .else "
					    "without .ifdef");
			break;
		}
		if (r->taken[r->nif - 1]) {
			r->live[r->nif - 1] = false;
		} else {
			r->live[r->nif - 1] =
				outer && (i == 4 || (i == 2 ? hit : !hit));
			r->taken[r->nif - 1] = r->live[r->nif - 1];
		}
		break;
	case 5:
		if (r->nif == 0)
			error(r, src, line, "unexpected .endif");
		else
			r->nif--;
		break;
	default:
		if (live)
			include(r, src, line, arg, i == 6);
		break;
	}
	free(arg);
	return true;
}

static bool
blank_or_comment(const char *p, const char *end, bool *blank)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	*blank = p == end;
	return p == end || *p == '#';
}

/*
 * The next logical line into t; false at the end of input. Macro
 * substitution comes first on every physical line, as in Exim.
 */
static bool
logical(struct reader *r, struct text *t)
{
	const char *line, *p, *e;
	size_t len, off;
	unsigned lineno;
	const struct bl_source *src;
	struct text sub;
	bool blank, cont = false, have = false, hit = false;

	text_reset(t);
	text_init(&sub);
	while (physical(r, &line, &len, &off, &lineno, &src)) {
		text_reset(&sub);
		if (lineno == 1 && len >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			error(r, src, 1, "found unexpected BOM (byte order "
					 "mark): Exim refuses the file");
			line += 3;
			len -= 3;
			off += 3;
		}
		{
			/* A macro definition's own name is not substituted
			 * (Exim then reports a name containing a macro). */
			size_t k = 0, nm;

			while (k < len && (line[k] == ' ' || line[k] == '\t'))
				k++;
			nm = k;
			if (!cont && k < len && is_upper((unsigned char)line[k]))
				while (nm < len && is_name((unsigned char)line[nm]))
					nm++;
			if (nm > k) {
				size_t j = nm;

				while (j < len && (line[j] == ' ' || line[j] == '\t'))
					j++;
				if (j >= len || line[j] != '=')
					nm = k; /* not a definition */
			}
			text_add(&sub, line, nm, off, false);
			hit = substitute(r, line + nm, len - nm, off + nm, &sub);
		}
		p = sub.b.data;
		e = p + sub.b.len;
		/* trim */
		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (blank_or_comment(p, e, &blank)) {
			if (blank && cont)
				break; /* a blank line ends a continuation */
			continue;
		}
		if (*p == '.' && directive(r, p, e, src, lineno, hit))
			continue;
		if (r->nif > 0 && !r->live[r->nif - 1])
			continue;
		if (!have) {
			t->src = src;
			t->line = lineno;
			have = true;
		}
		cont = e > p && e[-1] == '\\';
		if (cont)
			e--;
		{
			size_t from = (size_t)(p - sub.b.data);

			for (; p < e; p++, from++)
				text_add(t, p, 1, sub.off[from], false);
		}
		if (!cont)
			break;
	}
	text_finish(&sub);
	return have;
}

/* A setting from t[k0,k1) = t[v0,v1) in scope. */
static struct bl_setting *
make_setting(struct reader *r, const struct text *t, const char *scope,
	     size_t k0, size_t k1, size_t v0, size_t v1, const char *value,
	     size_t vlen)
{
	struct bl_setting *s = bl_config_add_setting(r->cfg);
	size_t i, n = 0;

	s->key = bl_arena_strndup(&r->cfg->arena, t->b.data + k0, k1 - k0);
	s->raw = bl_arena_strndup(&r->cfg->arena, value, vlen);
	s->raw_len = vlen;
	s->src = t->src;
	s->scope = scope;
	s->key_off = t->off[k0];
	s->key_len = k1 - k0;
	s->val_off = v1 > v0 ? t->off[v0] : (t->b.len ? t->off[t->b.len - 1] + 1 : 0);
	s->val_len = v1 > v0 ? t->off[v1 - 1] + 1 - s->val_off : 0;
	s->stmt_off = t->off[0];
	s->stmt_len = t->off[t->b.len - 1] + 1 - s->stmt_off;
	bl_source_position(t->src, s->key_off, &s->line, &s->col);
	/* The raw value maps back byte by byte when it was not quoted. */
	if (vlen == v1 - v0 && memcmp(value, t->b.data + v0, vlen) == 0) {
		s->map = bl_arena_alloc(&r->cfg->arena,
					(vlen + 1) * sizeof(*s->map));
		for (i = 0; i < vlen; i++) {
			if (n > 0 && s->map[n - 1].src_off + s->map[n - 1].len ==
					     t->off[v0 + i]) {
				s->map[n - 1].len++;
				continue;
			}
			s->map[n].raw_off = i;
			s->map[n].src_off = t->off[v0 + i];
			s->map[n].len = 1;
			n++;
		}
		s->nmap = n;
	}
	return s;
}

/* Exim's quoted-string escapes: \\ \" \n \r \t \ooo \xhh. */
static char *
unquote(const char *p, size_t n, size_t *outlen, bool *ok)
{
	struct bl_buf b;
	size_t i;

	bl_buf_init(&b);
	*ok = false;
	for (i = 1; i < n; i++) {
		char c = p[i];

		if (c == '"') {
			*ok = i == n - 1;
			break;
		}
		if (c != '\\' || i + 1 >= n) {
			bl_buf_addc(&b, c);
			continue;
		}
		c = p[++i];
		if (c == 'n')
			bl_buf_addc(&b, '\n');
		else if (c == 'r')
			bl_buf_addc(&b, '\r');
		else if (c == 't')
			bl_buf_addc(&b, '\t');
		else if (c >= '0' && c <= '7') {
			int v = 0, k;

			for (k = 0; k < 3 && i < n && p[i] >= '0' && p[i] <= '7';
			     k++, i++)
				v = v * 8 + (p[i] - '0');
			i--;
			bl_buf_addc(&b, (char)v);
		} else if (c == 'x' && i + 1 < n) {
			int v = 0, k;

			for (k = 0, i++; k < 2 && i < n &&
					 strchr("0123456789abcdefABCDEF", p[i]);
			     k++, i++)
				v = v * 16 + (p[i] <= '9'   ? p[i] - '0'
					      : p[i] <= 'F' ? p[i] - 'A' + 10
							    : p[i] - 'a' + 10);
			i--;
			bl_buf_addc(&b, (char)v);
		} else
			bl_buf_addc(&b, c);
	}
	*outlen = b.len;
	return bl_buf_steal(&b);
}

static const char *const acl_verbs[] = {"accept", "defer", "deny", "discard",
					"drop", "require", "warn"};

static bool
starts_word(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && strncmp(p, w, k) == 0 &&
	       (n == k || p[k] == ' ' || p[k] == '\t');
}

/* "NAME = value" or "NAME == value" in the main part. */
static void
macro_definition(struct reader *r, const struct text *t)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k, v, i;
	bool redefine = false;
	char *name, *value;
	const struct macro *old = NULL;

	for (k = 0; k < n && is_name((unsigned char)d[k]); k++)
		;
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (v >= n || d[v] != '=') {
		error(r, t->src, t->line,
		      "a line starting with an upper-case letter is a macro "
		      "definition and needs \"=\"");
		return;
	}
	if (v + 1 < n && d[v + 1] == '=') {
		redefine = true;
		v++;
	}
	for (v++; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	name = bl_xstrndup(d, k);
	value = bl_xstrndup(d + v, n - v);
	for (i = 0; i < r->nmacros; i++)
		if (strcmp(r->macros[i].name, name) == 0)
			old = &r->macros[i];
	if (redefine && old == NULL) {
		char *m = bl_xasprintf("macro \"%s\" redefined with == but "
				       "never defined",
				       name);

		error(r, t->src, t->line, m);
		free(m);
	} else if (!redefine && old != NULL) {
		char *m = bl_xasprintf("macro \"%s\" is already defined (use "
				       "== to redefine it)",
				       name);

		error(r, t->src, t->line, m);
		free(m);
	} else if (old != NULL) {
		free(((struct macro *)old)->value);
		((struct macro *)old)->value = value;
		value = NULL;
	} else {
		for (i = 0; i < r->nmacros; i++)
			if (strstr(name, r->macros[i].name) != NULL) {
				char *m = bl_xasprintf(
					"\"%s\" cannot be defined as a macro "
					"because previously defined macro "
					"\"%s\" is a substring",
					name, r->macros[i].name);

				error(r, t->src, t->line, m);
				free(m);
				free(name);
				free(value);
				return;
			}
		r->macros = bl_xreallocarray(r->macros, r->nmacros + 1,
					     sizeof(*r->macros));
		r->macros[r->nmacros].name = name;
		r->macros[r->nmacros].value = value;
		r->nmacros++;
		return;
	}
	free(name);
	free(value);
}

static const struct exim_option *
find_option(const struct exim_option *tab, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

/* The option table of a section or driver; NULL when bannerlint does not
 * know the driver's options (routers, authenticators, other transports). */
static const struct exim_option *
option_table(const char *scope, const char *driver, size_t *n)
{
	if (strcmp(scope, "main") == 0) {
		*n = BL_ARRAY_LEN(exim_main_options);
		return exim_main_options;
	}
	if (strncmp(scope, "transport/", 10) != 0 || driver == NULL)
		return NULL;
	if (strcmp(driver, "smtp") == 0) {
		*n = BL_ARRAY_LEN(exim_smtp_options);
		return exim_smtp_options;
	}
	if (strcmp(driver, "lmtp") == 0) {
		*n = BL_ARRAY_LEN(exim_lmtp_options);
		return exim_lmtp_options;
	}
	return NULL;
}

/* Is KEY (as written, "no_x" included) an option of this table? Reports
 * what Exim reports when it is not. */
static void
check_option(struct reader *r, const struct bl_setting *s, const char *scope,
	     const char *driver, bool has_value)
{
	const struct exim_option *tab, *o;
	const char *name = s->key;
	size_t n;

	tab = option_table(scope, driver, &n);
	if (tab == NULL)
		return;
	o = find_option(tab, n, name);
	if (o == NULL && !has_value) {
		if (strncmp(name, "no_", 3) == 0)
			name += 3;
		else if (strncmp(name, "not_", 4) == 0)
			name += 4;
		o = find_option(tab, n, name);
		if (o != NULL && !o->boolean)
			o = NULL;
	}
	if (o == NULL) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, s->line,
			     s->col,
			     "%s option \"%s\" unknown (Exim %s)%s: Exim "
			     "refuses to start",
			     strcmp(scope, "main") == 0 ? "main" : driver,
			     s->key, EXIM_OPTIONS_VERSION,
			     strcmp(s->key, "helo_data") == 0
				     ? "; the lmtp driver always sends LHLO "
				       "$primary_hostname, the smtp driver with "
				       "protocol = lmtp has helo_data"
				     : "");
		r->status = -1;
		return;
	}
	if (!has_value && !o->boolean) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, s->src->path, s->line,
			     s->col,
			     "missing \"=\" after \"%s\": only a boolean option "
			     "may stand alone",
			     s->key);
		r->status = -1;
	}
}

/* "[hide] domainlist|hostlist|addresslist|localpartlist NAME = list" in the
 * main section. Returns false when the line is not a named list. */
static bool
named_list(struct reader *r, const struct text *t)
{
	static const char *const kinds[] = {"domainlist", "hostlist",
					    "addresslist", "localpartlist"};
	const char *d = t->b.data;
	size_t n = t->b.len, p = 0, k, i;
	char *name;

	if (starts_word(d, n, "hide"))
		for (p = 4; p < n && (d[p] == ' ' || d[p] == '\t'); p++)
			;
	for (i = 0; i < BL_ARRAY_LEN(kinds); i++)
		if (starts_word(d + p, n - p, kinds[i]))
			break;
	if (i == BL_ARRAY_LEN(kinds))
		return false;
	for (p += strlen(kinds[i]); p < n && (d[p] == ' ' || d[p] == '\t'); p++)
		;
	for (k = p; k < n && d[k] != '=' && d[k] != ' ' && d[k] != '\t'; k++)
		;
	name = bl_xasprintf("%s %.*s", kinds[i], (int)(k - p), d + p);
	while (k < n && (d[k] == ' ' || d[k] == '\t'))
		k++;
	if (k >= n || d[k] != '=') {
		error(r, t->src, t->line, "missing \"=\" after the name of a "
					  "named list");
		free(name);
		return true;
	}
	for (i = 0; i < r->nlists; i++)
		if (strcmp(r->lists[i], name) == 0)
			break;
	if (i < r->nlists) {
		error(r, t->src, t->line, "duplicate name for a named list: "
					  "Exim refuses to start");
		free(name);
		return true;
	}
	r->lists = bl_xreallocarray(r->lists, r->nlists + 1,
				    sizeof(*r->lists));
	r->lists[r->nlists++] = name;
	return true;
}

/* Was the option written with "=" (rather than as a bare boolean)? */
static bool
has_value(const struct bl_setting *s)
{
	size_t from = s->key_off + s->key_len;
	size_t end = s->stmt_off + s->stmt_len;

	return end > from && memchr(s->src->data + from, '=', end - from) != NULL;
}

/* At the end of a transport block, when its driver is known. */
static void
check_block(struct reader *r, const struct bl_scope *sc)
{
	const struct bl_setting *drv;
	size_t i;

	if (sc == NULL || strncmp(sc->name, "transport/", 10) != 0)
		return;
	drv = bl_scope_lookup(sc, "driver");
	if (drv == NULL)
		return;
	for (i = 0; i < sc->nsettings; i++)
		check_option(r, sc->settings[i], sc->name, drv->raw,
			     has_value(sc->settings[i]));
}

/* An option line: "[hide] name = value", "name", "no_name", "not_name". */
static void
option(struct reader *r, const struct text *t, const char *scope,
       struct bl_scope *sc)
{
	const char *d = t->b.data;
	size_t n = t->b.len, k0 = 0, k, v, e, vlen, i;
	struct bl_setting *s;
	char *value;
	bool ok = true;

	if (starts_word(d, n, "hide"))
		for (k0 = 4; k0 < n && (d[k0] == ' ' || d[k0] == '\t'); k0++)
			;
	else if (n > 0 && d[0] == '!' && strcmp(scope, "main") != 0)
		/* a negated ACL condition: "!verify = sender" */
		for (k0 = 1; k0 < n && (d[k0] == ' ' || d[k0] == '\t'); k0++)
			;
	for (k = k0; k < n && (is_name((unsigned char)d[k]) || d[k] == '-');
	     k++)
		;
	if (k == k0) {
		error(r, t->src, t->line, "an option name is expected here");
		return;
	}
	for (v = k; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
		;
	if (v < n && d[v] != '=') {
		error(r, t->src, t->line, "\"=\" expected after the option "
					  "name");
		return;
	}
	if (v < n)
		for (v++; v < n && (d[v] == ' ' || d[v] == '\t'); v++)
			;
	e = n;
	if (v < e && d[v] == '"') {
		value = unquote(d + v, e - v, &vlen, &ok);
		if (!ok)
			error(r, t->src, t->line,
			      "unterminated or trailing text after a quoted "
			      "string");
	} else {
		while (e > v && (d[e - 1] == ' ' || d[e - 1] == '\t'))
			e--;
		value = bl_xstrndup(d + v, e - v);
		vlen = e - v;
	}
	s = make_setting(r, t, scope, k0, k, v, e, value, vlen);
	free(value);
	if (strcmp(scope, "main") == 0)
		check_option(r, s, scope, NULL, has_value(s));
	/* Exim refuses an option set twice in the same place. */
	/* An ACL statement may repeat its modifiers ("control = a",
	 * "control = b"); options are set once. */
	for (i = 0; strncmp(scope, "acl/", 4) != 0 && i + 1 < r->cfg->nsettings;
	     i++) {
		struct bl_setting *o = r->cfg->settings[i];

		if (!o->shadowed && strcmp(o->scope, scope) == 0 &&
		    strcmp(o->key, s->key) == 0) {
			char *m = bl_xasprintf("\"%s\" option set for the "
					       "second time (first at %s:%u): "
					       "Exim refuses to start",
					       s->key, o->src->path, o->line);

			o->shadowed = true;
			s->shadows = o;
			bl_diags_add(r->diags, BL_LEVEL_ERROR, t->src->path,
				     s->line, s->col, "%s", m);
			r->diags->v[r->diags->n - 1].rule = "BL302";
			r->status = -1;
			free(m);
			break;
		}
	}
	if (sc != NULL)
		bl_scope_add_setting(r->cfg, sc, s);
}

/*
 * Debian's /etc/exim4: the reader's stack gets the files update-exim4.conf
 * concatenates, the first on top, so they are read one after the other;
 * the generated macros are pushed after the UPEX4CmacrosUPEX4C line.
 */
static int
debian_sources(struct reader *r, struct bl_source *conf)
{
	struct bl_exim_debian plan;
	struct bl_source *s;
	size_t i;
	int status = 0;

	bl_exim_debian_plan(conf, &plan, r->diags);
	r->depth = 0;
	if (plan.exim4_conf != NULL) {
		/* Debian's Exim reads /etc/exim4/exim4.conf before the
		 * generated file: it is the configuration */
		bl_diags_add(r->diags, BL_LEVEL_NOTE, plan.exim4_conf, 0, 0,
			     "exim4.conf is here: Debian's Exim reads it and "
			     "ignores what update-exim4.conf generates");
		for (i = 0; i < plan.npaths; i++)
			free(plan.paths[i]);
		plan.paths = bl_xreallocarray(plan.paths, 1,
					      sizeof(*plan.paths));
		plan.paths[0] = plan.exim4_conf;
		plan.exim4_conf = NULL;
		plan.npaths = 1;
		bl_source_free(plan.macros);
		plan.macros = NULL;
	}
	if (plan.npaths == 0) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, conf->path, 0, 0,
			     "no configuration to assemble: %s",
			     plan.split ? "conf.d/ has no files"
					: "no exim4.conf.template beside it");
		bl_exim_debian_finish(&plan);
		return -1;
	}
	if (plan.npaths > MAX_FRAMES - MAX_INCLUDE - 2) {
		bl_diags_add(r->diags, BL_LEVEL_ERROR, conf->path, 0, 0,
			     "too many configuration files (%zu)", plan.npaths);
		bl_exim_debian_finish(&plan);
		return -1;
	}
	for (i = plan.npaths; i-- > 0;) {
		if (bl_source_load(&s, plan.paths[i], 0, r->diags) < 0) {
			status = -1;
			continue;
		}
		bl_config_add_source(r->cfg, s);
		r->stack[r->depth].src = s;
		r->stack[r->depth].pos = 0;
		r->stack[r->depth].line = 1;
		r->depth++;
	}
	r->base = r->depth;
	if (r->depth > 0)
		r->cfg->main_src = r->stack[r->depth - 1].src;
	if (plan.macros != NULL) {
		bl_config_add_source(r->cfg, plan.macros);
		r->macros_src = plan.macros;
		plan.macros = NULL;
	}
	bl_exim_debian_finish(&plan);
	return status;
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	struct reader r;
	struct text t;
	char section[32] = "main";
	struct bl_scope *sc = NULL, *acl_stmt = NULL;
	const char *scope = "main";
	size_t i;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.diags = diags;
	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	r.stack[0].src = src;
	r.stack[0].line = 1;
	r.depth = 1;
	if (role == BL_ROLE_EXIM_DEBIAN && debian_sources(&r, src) < 0)
		return -1;
	text_init(&t);
	while (logical(&r, &t)) {
		const char *d = t.b.data;
		size_t n = t.b.len;

		if (n >= 6 && strncasecmp(d, "begin ", 6) == 0) {
			const char *w = d + 6;

			while (*w == ' ' || *w == '\t')
				w++;
			snprintf(section, sizeof(section), "%.*s",
				 (int)strcspn(w, " \t"), w);
			for (i = 0; section[i]; i++)
				section[i] = (char)(section[i] >= 'A' &&
							    section[i] <= 'Z'
						    ? section[i] + 32
						    : section[i]);
			check_block(&r, sc);
			sc = NULL;
			acl_stmt = NULL;
			scope = "main";
			continue;
		}
		if (is_upper((unsigned char)d[0]) && sc == NULL) {
			macro_definition(&r, &t);
			/* update-exim4.conf puts its macros after this line */
			if (r.macros_src != NULL && r.depth < MAX_FRAMES &&
			    strncmp(d, "UPEX4CmacrosUPEX4C", 18) == 0 &&
			    (t.off[0] == 0 ||
			     t.src->data[t.off[0] - 1] == '\n')) {
				r.stack[r.depth].src = r.macros_src;
				r.stack[r.depth].pos = 0;
				r.stack[r.depth].line = 1;
				r.depth++;
			}
			continue;
		}
		if (strcmp(section, "main") == 0) {
			if (!named_list(&r, &t))
				option(&r, &t, "main", NULL);
			continue;
		}
		if (strcmp(section, "retry") == 0 ||
		    strcmp(section, "rewrite") == 0 ||
		    strcmp(section, "local_scan") == 0)
			continue;
		/* "name:" starts a driver instance or an ACL */
		if (n > 1 && d[n - 1] == ':' && strspn(d, "abcdefghijklmnopqrstu"
						     "vwxyzABCDEFGHIJKLMNOPQRS"
						     "TUVWXYZ0123456789_-") ==
						n - 1) {
			struct bl_buf nb;
			const char *kind;

			check_block(&r, sc);
			kind = strcmp(section, "transports") == 0
						   ? "transport"
					   : strcmp(section, "routers") == 0
						   ? "router"
					   : strcmp(section, "acl") == 0
						   ? "acl"
						   : "authenticator";

			sc = bl_config_add_scope(cfg);
			bl_buf_init(&nb);
			bl_buf_printf(&nb, "%s/%.*s", kind, (int)(n - 1), d);
			sc->name = bl_arena_strdup(&cfg->arena, nb.data);
			bl_buf_finish(&nb);
			sc->role = "";
			sc->src = t.src;
			sc->line = t.line;
			sc->stmt_off = t.off[0];
			sc->stmt_len = t.off[n - 1] + 1 - sc->stmt_off;
			scope = sc->name;
			acl_stmt = NULL;
			continue;
		}
		if (sc == NULL) {
			error(&r, t.src, t.line,
			      "an option outside any driver or ACL "
			      "(a \"name:\" line is expected first)");
			continue;
		}
		if (strcmp(section, "acl") == 0) {
			/* A verb starts a statement; the lines after it are
			 * its conditions and modifiers. */
			for (i = 0; i < BL_ARRAY_LEN(acl_verbs); i++)
				if (starts_word(d, n, acl_verbs[i]))
					break;
			if (i < BL_ARRAY_LEN(acl_verbs)) {
				struct bl_buf nb;
				struct bl_scope *st = bl_config_add_scope(cfg);

				bl_buf_init(&nb);
				bl_buf_printf(&nb, "%s/%u", sc->name, t.line);
				st->name = bl_arena_strdup(&cfg->arena, nb.data);
				bl_buf_finish(&nb);
				st->role = acl_verbs[i];
				st->src = t.src;
				st->line = t.line;
				st->stmt_off = t.off[0];
				st->stmt_len = t.off[n - 1] + 1 - st->stmt_off;
				st->shadows = sc; /* the ACL it belongs to */
				acl_stmt = st;
				/* "accept message = x" on the verb's line */
				{
					size_t w = strlen(acl_verbs[i]);
					struct text rest;

					while (w < n && (d[w] == ' ' || d[w] == '\t'))
						w++;
					if (w < n) {
						text_init(&rest);
						rest.src = t.src;
						rest.line = t.line;
						text_add(&rest, d + w, n - w, 0,
							 false);
						memcpy(rest.off, t.off + w,
						       (n - w) * sizeof(size_t));
						option(&r, &rest, st->name, st);
						text_finish(&rest);
					}
				}
				continue;
			}
			if (acl_stmt != NULL) {
				option(&r, &t, acl_stmt->name, acl_stmt);
				continue;
			}
		}
		option(&r, &t, scope, sc);
		if (strcmp(section, "acl") != 0) {
			const struct bl_setting *drv = bl_scope_lookup(sc, "driver");

			if (drv != NULL)
				sc->role = drv->raw;
		}
	}
	check_block(&r, sc);
	while (r.nif > 0) {
		r.nif--;
		bl_diags_add(diags, BL_LEVEL_ERROR, r.if_src[r.nif]->path,
			     r.if_line[r.nif], 0,
			     "unexpected end of configuration file: .endif "
			     "missing for this conditional");
		r.status = -1;
	}
	text_finish(&t);
	for (i = 0; i < r.nmacros; i++) {
		free(r.macros[i].name);
		free(r.macros[i].value);
	}
	free(r.macros);
	for (i = 0; i < r.nlists; i++)
		free(r.lists[i]);
	free(r.lists);
	return r.status;
}

static enum bl_file_role
classify(const char *base)
{
	if (strcmp(base, "update-exim4.conf.conf") == 0)
		return BL_ROLE_EXIM_DEBIAN;
	if (strcmp(base, "exim.conf") == 0 || strcmp(base, "exim4.conf") == 0 ||
	    strcmp(base, "exim4.conf.template") == 0)
		return BL_ROLE_EXIM_MAIN;
	return BL_ROLE_NONE;
}

/* An Exim file by content: "begin" sections or Exim-only options. */
static enum bl_file_role
detect(const struct bl_source *src)
{
	static const char *const marks[] = {"\nbegin routers", "\nbegin transports",
					    "\nbegin acl", "primary_hostname",
					    "smtp_banner", "driver = smtp"};
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(marks); i++)
		if (strstr(src->data, marks[i]) != NULL)
			return BL_ROLE_EXIM_MAIN;
	return BL_ROLE_NONE;
}

const struct bl_parser bl_parser_exim = {
	.name = "exim",
	.classify = classify,
	.detect = detect,
	.default_role = BL_ROLE_EXIM_MAIN,
	.siblings = NULL,
	.dir_marker = "update-exim4.conf.conf",
	.is_template = NULL,
	.parse = parse,
	.resolve = bl_resolve_exim,
};

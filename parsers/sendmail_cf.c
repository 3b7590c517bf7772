/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sendmail_cf.c - sendmail.cf as readcf.c reads it, for what a greeting
 * needs: "O SmtpGreetingMessage=", "O HeloName=", "Dj" and "DZ".
 *
 * A line's type is its first character; "#" lines and blank lines are
 * comments. A line starting with a space or tab continues the previous
 * one, and the newline stays in the value (fgetfolded), so a folded
 * greeting is sent as several 220 lines. Option names are matched without
 * regard to case and may be abbreviated to a unique prefix; the last
 * setting wins. The raw value is the text after "=" (blanks before it
 * skipped); what sendmail then does to it (comments, quotes, escapes,
 * macros) is the resolver's business.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser.h"
#include "resolve.h"
#include "sendmail.h"
#include "util.h"

void
bl_sendmail_text_init(struct bl_sendmail_text *t)
{
	memset(t, 0, sizeof(*t));
	bl_buf_init(&t->b);
}

void
bl_sendmail_text_finish(struct bl_sendmail_text *t)
{
	bl_buf_finish(&t->b);
	free(t->src);
	free(t->off);
	memset(t, 0, sizeof(*t));
}

void
bl_sendmail_text_reset(struct bl_sendmail_text *t)
{
	t->b.len = 0;
	if (t->b.data != NULL)
		t->b.data[0] = '\0';
}

static void
reserve(struct bl_sendmail_text *t, size_t n)
{
	size_t need = t->b.len + n + 1;

	if (need <= t->cap)
		return;
	while (t->cap < need)
		t->cap = t->cap ? t->cap * 2 : 64;
	t->src = bl_xreallocarray(t->src, t->cap, sizeof(*t->src));
	t->off = bl_xreallocarray(t->off, t->cap, sizeof(*t->off));
}

void
bl_sendmail_text_add(struct bl_sendmail_text *t, const char *s, size_t n,
		     const struct bl_source *src, size_t off)
{
	size_t i;

	reserve(t, n);
	for (i = 0; i < n; i++) {
		t->src[t->b.len + i] = src;
		t->off[t->b.len + i] = off + i;
	}
	bl_buf_add(&t->b, s, n);
}

void
bl_sendmail_text_append(struct bl_sendmail_text *t,
			const struct bl_sendmail_text *o, size_t from, size_t n)
{
	if (n == 0)
		return;
	reserve(t, n);
	memcpy(t->src + t->b.len, o->src + from, n * sizeof(*t->src));
	memcpy(t->off + t->b.len, o->off + from, n * sizeof(*t->off));
	bl_buf_add(&t->b, o->b.data + from, n);
}

struct bl_setting *
bl_sendmail_setting(struct bl_config *cfg, const char *key,
		    const struct bl_sendmail_text *t, size_t k0, size_t k1,
		    size_t v0, size_t v1)
{
	struct bl_setting *s = bl_config_add_setting(cfg);
	const struct bl_source *src = k1 > k0 ? t->src[k0] : NULL;
	size_t i, n = 0;

	if (src == NULL && v1 > v0)
		src = t->src[v0];
	s->key = bl_arena_strdup(&cfg->arena, key);
	s->raw = bl_arena_strndup(&cfg->arena, t->b.data + v0, v1 - v0);
	s->raw_len = v1 - v0;
	s->scope = "main";
	s->src = src;
	if (src == NULL) {
		s->is_default = true;
		return s;
	}
	if (k1 > k0 && t->src[k0] == src) {
		s->key_off = t->off[k0];
		s->key_len = k1 > k0 && t->src[k1 - 1] == src
				     ? t->off[k1 - 1] + 1 - s->key_off
				     : 0;
	} else {
		s->key_off = t->off[v0];
	}
	/* the value span: from its first to its last byte of this source */
	s->val_off = s->key_off + s->key_len;
	for (i = v0; i < v1; i++)
		if (t->src[i] == src) {
			s->val_off = t->off[i];
			break;
		}
	s->val_len = 0;
	for (i = v1; i-- > v0;)
		if (t->src[i] == src && t->off[i] >= s->val_off) {
			s->val_len = t->off[i] + 1 - s->val_off;
			break;
		}
	s->stmt_off = s->key_off < s->val_off ? s->key_off : s->val_off;
	s->stmt_len = s->val_off + s->val_len > s->stmt_off
			      ? s->val_off + s->val_len - s->stmt_off
			      : s->key_len;
	bl_source_position(src, s->key_off, &s->line, &s->col);
	if (v1 > v0) {
		/* one entry per run of consecutive bytes of src: count them
		 * first (one per byte would be 24 bytes for each byte) */
		for (i = v0; i < v1; i++)
			if (t->src[i] == src &&
			    (i == v0 || t->src[i - 1] != src ||
			     t->off[i - 1] + 1 != t->off[i]))
				n++;
		s->map = bl_arena_alloc(&cfg->arena, (n + 1) * sizeof(*s->map));
		n = 0;
		for (i = v0; i < v1; i++) {
			if (t->src[i] != src)
				continue;
			if (n > 0 &&
			    s->map[n - 1].raw_off + s->map[n - 1].len == i - v0 &&
			    s->map[n - 1].src_off + s->map[n - 1].len == t->off[i]) {
				s->map[n - 1].len++;
				continue;
			}
			s->map[n].raw_off = i - v0;
			s->map[n].src_off = t->off[i];
			s->map[n].len = 1;
			n++;
		}
		s->nmap = n;
	}
	return s;
}

/* bl_sendmail_shadow - s replaces the earlier live setting of the same key */
void
bl_sendmail_shadow(struct bl_config *cfg, struct bl_setting *s)
{
	size_t i;

	/* Every setting of ours comes through here, so the latest earlier
	 * one of a key is its only live one: look back to it and stop (a
	 * scan of all for each was quadratic in a cf of many O lines). */
	for (i = cfg->nsettings; i-- > 0;) {
		struct bl_setting *o = cfg->settings[i];

		if (o == s || strcmp(o->key, s->key) != 0 ||
		    strcmp(o->scope, s->scope) != 0)
			continue;
		if (!o->shadowed) {
			o->shadowed = true;
			s->shadows = o;
		}
		break;
	}
}

/* sendmail's option names of interest; others are ignored. An abbreviation
 * must be a unique prefix among all options, so the shortest accepted ones
 * are listed ("sm" for SmtpGreetingMessage: "s" alone is ambiguous;
 * "helo": "hel" is also HelpFile). */
static const struct {
	const char *name, *shortest;
} options[] = {
	{"SmtpGreetingMessage", "sm"},
	{"HeloName", "helo"},
};

static const char *
option_name(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(options); i++)
		if (n >= strlen(options[i].shortest) &&
		    n <= strlen(options[i].name) &&
		    strncasecmp(p, options[i].name, n) == 0)
			return options[i].name;
	return NULL;
}

/* macro_name - the macro a D line at d[a, e) defines, "Dj", "DZ", "Dw" or
 * "Dm" (as a setting key), with *v where its value starts; NULL for others */
static const char *
macro_name(const char *d, size_t a, size_t e, size_t *v)
{
	static const char names[] = "jZwm";
	static const char *const keys[] = {"Dj", "DZ", "Dw", "Dm"};
	const char *p;

	if (e > a + 1 && d[a + 1] != '\0' &&
	    (p = strchr(names, d[a + 1])) != NULL) {
		*v = a + 2;
		return keys[p - names];
	}
	/* the long form of the same names: D{j}, D{Z}, D{w}, D{m} */
	if (e > a + 3 && d[a + 1] == '{' && d[a + 2] != '\0' &&
	    (p = strchr(names, d[a + 2])) != NULL && d[a + 3] == '}') {
		*v = a + 4;
		return keys[p - names];
	}
	return NULL;
}

/* cf_line - the setting of one logical line t[a, e), if it is ours */
static void
cf_line(struct bl_config *cfg, const struct bl_sendmail_text *t, size_t a,
	size_t e)
{
	const char *d = t->b.data;
	struct bl_setting *s;
	const char *name;
	size_t k, v;

	if (d[a] == 'D') {
		name = macro_name(d, a, e, &v);
		if (name != NULL) {
			s = bl_sendmail_setting(cfg, name, t, a, v, v, e);
			bl_sendmail_shadow(cfg, s);
		}
		return;
	}
	if (d[a] != 'O' || e <= a + 1 || (d[a + 1] != ' ' && d[a + 1] != '\t'))
		return; /* old one-letter options: none of ours */
	for (k = a + 1; k < e && (d[k] == ' ' || d[k] == '\t'); k++)
		;
	for (v = k; v < e && d[v] != '=' && d[v] != ' ' && d[v] != '\t'; v++)
		;
	name = option_name(d + k, v - k);
	if (name == NULL)
		return;
	{
		size_t k1 = v;

		while (v < e && d[v] == ' ')
			v++;
		if (v < e && d[v] == '=')
			for (v++; v < e && d[v] == ' '; v++)
				;
		s = bl_sendmail_setting(cfg, name, t, k, k1, v, e);
	}
	bl_sendmail_shadow(cfg, s);
}

/* What lines are read from: a bl_sendmail_text (an .mc's LOCAL_CONFIG,
 * with its provenance) or a file's bytes. */
struct cf_input {
	const char *d;
	size_t n;
	const struct bl_sendmail_text *t; /* NULL: the bytes of src */
	const struct bl_source *src;
};

/* cf_add - in[x, x + len) at the end of line, provenance kept */
static void
cf_add(struct bl_sendmail_text *line, const struct cf_input *in, size_t x,
       size_t len)
{
	if (in->t != NULL)
		bl_sendmail_text_append(line, in->t, x, len);
	else
		bl_sendmail_text_add(line, in->d + x, len, in->src, x);
}

/*
 * The most of a D or O line that is read: a value longer than BL_VALUE_MAX
 * is no greeting (sendmail's munchstring keeps 2047 bytes of it), and its
 * text and provenance (17 bytes a byte) need not all be kept; the margin
 * is for the "O Name=" before the value.
 */
#define CF_LINE_MAX (BL_VALUE_MAX + 4096)

/* too_long - the error for a line cut at CF_LINE_MAX, at in[a] */
static void
too_long(const struct cf_input *in, size_t a, struct bl_diags *diags)
{
	const struct bl_source *src = in->t ? in->t->src[a] : in->src;
	size_t off = in->t ? in->t->off[a] : a;
	unsigned line = 0, col = 0;

	if (src != NULL)
		bl_source_position(src, off, &line, &col);
	bl_diags_add(diags, BL_LEVEL_ERROR, src ? src->path : NULL, line, 1,
		     "line longer than %u bytes: only so much of it is read, "
		     "far more than any greeting (sendmail itself keeps "
		     "2047 bytes of a value); shorten it",
		     CF_LINE_MAX);
}

/*
 * cf_read - the logical lines of in as fgetfolded() reads them: a line
 * starting with a blank continues the previous one (unless that is a
 * comment), the newline kept; a CR before a newline is no part of a line,
 * nor one at the end of a logical line. Only D and O lines, the ones a
 * greeting needs, are copied out with their provenance, so memory stays
 * linear in the longest such line.
 */
static int
cf_read(struct bl_config *cfg, const struct cf_input *in,
	struct bl_diags *diags)
{
	const char *d = in->d;
	struct bl_sendmail_text line;
	size_t a = 0, p, q, e, room;
	bool ours, cut;
	int status = 0;

	bl_sendmail_text_init(&line);
	while (a < in->n) {
		ours = d[a] == 'D' || d[a] == 'O';
		cut = false;
		bl_sendmail_text_reset(&line);
		for (p = a;;) {
			/* one physical line [p, q), its newline at q */
			const char *nl = memchr(d + p, '\n', in->n - p);

			q = nl ? (size_t)(nl - d) : in->n;
			e = q > p && d[q - 1] == '\r' && q < in->n ? q - 1 : q;
			if (ours && !cut) {
				if (p > a)
					cf_add(&line, in, p - 1, 1); /* '\n' */
				room = line.b.len < CF_LINE_MAX
					       ? CF_LINE_MAX - line.b.len
					       : 0;
				cut = e - p > room;
				cf_add(&line, in, p, cut ? room : e - p);
			}
			if (q + 1 < in->n &&
			    (d[q + 1] == ' ' || d[q + 1] == '\t') &&
			    d[a] != '#') {
				p = q + 1;
				continue;
			}
			break;
		}
		if (cut) {
			too_long(in, a, diags);
			status = -1;
		}
		if (ours) {
			e = line.b.len;
			if (e > 0 && line.b.data[e - 1] == '\r' && !cut)
				e--;
			if (e > 0)
				cf_line(cfg, &line, 0, e);
		}
		a = q < in->n ? q + 1 : in->n;
	}
	bl_sendmail_text_finish(&line);
	return status;
}

/* bl_sendmail_cf_read - the settings of sendmail.cf lines in t */
void
bl_sendmail_cf_read(struct bl_config *cfg, const struct bl_sendmail_text *t,
		    struct bl_diags *diags)
{
	struct cf_input in;

	in.d = t->b.data ? t->b.data : "";
	in.n = t->b.len;
	in.t = t;
	in.src = NULL;
	(void)cf_read(cfg, &in, diags);
}

/* bl_sendmail_parse_cf - a sendmail.cf file */
int
bl_sendmail_parse_cf(struct bl_config *cfg, struct bl_source *src,
		     struct bl_diags *diags)
{
	struct cf_input in;

	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	in.d = src->data;
	in.n = src->len;
	in.t = NULL;
	in.src = src;
	return cf_read(cfg, &in, diags);
}

/* A sendmail.cf by its content: a version line and option or macro lines
 * and rule sets. */
bool
bl_sendmail_looks_like_cf(const struct bl_source *src)
{
	const char *d = src->data;

	return (d[0] == 'V' || strstr(d, "\nV") != NULL) &&
	       (strstr(d, "\nO ") != NULL || strstr(d, "\nD") != NULL) &&
	       (strstr(d, "\nS") != NULL || strstr(d, "\nR") != NULL ||
		strstr(d, "O SmtpGreetingMessage") != NULL);
}

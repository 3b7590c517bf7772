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
sm_text_init(struct sm_text *t)
{
	memset(t, 0, sizeof(*t));
	bl_buf_init(&t->b);
}

void
sm_text_finish(struct sm_text *t)
{
	bl_buf_finish(&t->b);
	free(t->src);
	free(t->off);
	memset(t, 0, sizeof(*t));
}

void
sm_text_reset(struct sm_text *t)
{
	t->b.len = 0;
	if (t->b.data != NULL)
		t->b.data[0] = '\0';
}

static void
reserve(struct sm_text *t, size_t n)
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
sm_text_add(struct sm_text *t, const char *s, size_t n,
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
sm_text_append(struct sm_text *t, const struct sm_text *o, size_t from,
	       size_t n)
{
	if (n == 0)
		return;
	reserve(t, n);
	memcpy(t->src + t->b.len, o->src + from, n * sizeof(*t->src));
	memcpy(t->off + t->b.len, o->off + from, n * sizeof(*t->off));
	bl_buf_add(&t->b, o->b.data + from, n);
}

struct bl_setting *
sm_setting(struct bl_config *cfg, const char *key, const struct sm_text *t,
	   size_t k0, size_t k1, size_t v0, size_t v1)
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
		s->map = bl_arena_alloc(&cfg->arena,
					(v1 - v0 + 1) * sizeof(*s->map));
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

void
sm_shadow(struct bl_config *cfg, struct bl_setting *s)
{
	size_t i;

	for (i = 0; i + 1 < cfg->nsettings; i++) {
		struct bl_setting *o = cfg->settings[i];

		if (o != s && !o->shadowed && strcmp(o->key, s->key) == 0 &&
		    strcmp(o->scope, s->scope) == 0) {
			o->shadowed = true;
			s->shadows = o;
		}
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

static void
cf_line(struct bl_config *cfg, const struct sm_text *t, size_t a, size_t e)
{
	const char *d = t->b.data;
	struct bl_setting *s;
	const char *name;
	size_t k, v;

	if (d[a] == 'D' && e > a + 1 && (d[a + 1] == 'j' || d[a + 1] == 'Z')) {
		s = sm_setting(cfg, d[a + 1] == 'j' ? "Dj" : "DZ", t, a, a + 2,
			       a + 2, e);
		sm_shadow(cfg, s);
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
		s = sm_setting(cfg, name, t, k, k1, v, e);
	}
	sm_shadow(cfg, s);
}

void
sm_cf_read(struct bl_config *cfg, const struct sm_text *in,
	   struct bl_diags *diags)
{
	struct sm_text ct, *t = &ct;
	const char *d;
	size_t n, a = 0, e, i;

	/* CRLF: sendmail reads lines; the CR is no part of them */
	sm_text_init(&ct);
	for (i = 0; i < in->b.len; i++)
		if (!(in->b.data[i] == '\r' && i + 1 < in->b.len &&
		      in->b.data[i + 1] == '\n'))
			sm_text_append(&ct, in, i, 1);
	d = t->b.data ? t->b.data : "";
	n = t->b.len;

	(void)diags;
	while (a < n) {
		/* a logical line: this one and those starting with a blank */
		e = a;
		for (;;) {
			while (e < n && d[e] != '\n')
				e++;
			if (e + 1 < n && (d[e + 1] == ' ' || d[e + 1] == '\t') &&
			    d[a] != '#')
				e++;
			else
				break;
		}
		{
			size_t end = e;

			/* CRLF files: the CR is not part of the value */
			if (end > a && d[end - 1] == '\r')
				end--;
			if (end > a && d[a] != '#')
				cf_line(cfg, t, a, end);
		}
		a = e < n ? e + 1 : n;
	}
	sm_text_finish(&ct);
}

int
sm_parse_cf(struct bl_config *cfg, struct bl_source *src,
	    struct bl_diags *diags)
{
	struct sm_text t;

	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	sm_text_init(&t);
	sm_text_add(&t, src->data, src->len, src, 0);
	sm_cf_read(cfg, &t, diags);
	sm_text_finish(&t);
	return 0;
}

/* A sendmail.cf by its content: a version line and option or macro lines
 * and rule sets. */
bool
sm_looks_like_cf(const struct bl_source *src)
{
	const char *d = src->data;

	return (d[0] == 'V' || strstr(d, "\nV") != NULL) &&
	       (strstr(d, "\nO ") != NULL || strstr(d, "\nD") != NULL) &&
	       (strstr(d, "\nS") != NULL || strstr(d, "\nR") != NULL ||
		strstr(d, "O SmtpGreetingMessage") != NULL);
}

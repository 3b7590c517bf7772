/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * suppress.c - find inline suppression comments and decide what each
 * covers. Comment lines are those whose first non-blank byte is "#" (the
 * comment syntax of Postfix and Exim). A "disable" covers the next
 * statement of the file: the next setting or master.cf service that starts
 * after the comment. The list owns its rule names.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "suppress.h"
#include "util.h"

static void
add_rules(struct bl_suppression *s, const char *p, size_t n)
{
	size_t i = 0, k = 0, start;
	char **v = bl_xcalloc(n + 2, sizeof(*v));

	while (i < n) {
		while (i < n && (p[i] == ',' || p[i] == ' '))
			i++;
		start = i;
		while (i < n && p[i] != ',' && p[i] != ' ')
			i++;
		if (i > start)
			v[k++] = bl_xstrndup(p + start, i - start);
	}
	s->rules = v;
}

/* The next statement of src after off: [from, to). */
static bool
next_statement(const struct bl_config *cfg, const struct bl_source *src,
	       size_t off, size_t *from, size_t *to)
{
	size_t i, best = (size_t)-1, end = 0;

	for (i = 0; i < cfg->nsettings; i++) {
		const struct bl_setting *s = cfg->settings[i];

		if (s->src == src && s->stmt_off > off && s->stmt_off < best) {
			best = s->stmt_off;
			end = s->stmt_off + s->stmt_len;
		}
	}
	for (i = 0; i < cfg->nscopes; i++) {
		const struct bl_scope *sc = cfg->scopes[i];

		if (sc->src == src && sc->stmt_off > off &&
		    sc->stmt_off < best) {
			best = sc->stmt_off;
			end = sc->stmt_off + sc->stmt_len;
		}
	}
	if (best == (size_t)-1)
		return false;
	*from = best;
	*to = end;
	return true;
}

static void
scan_source(struct bl_suppressions *out, const struct bl_config *cfg,
	    const struct bl_source *src, struct bl_diags *diags)
{
	static const char key[] = "bannerlint:";
	unsigned ln;
	size_t len;
	const char *t, *p, *e, *dash, *rules;
	struct bl_suppression s;
	bool file_wide;

	for (ln = 1; ln <= src->nlines; ln++) {
		t = bl_source_line(src, ln, &len);
		e = t + len;
		for (p = t; p < e && (*p == ' ' || *p == '\t'); p++)
			;
		if (p >= e || *p != '#')
			continue;
		for (p++; p < e && (*p == ' ' || *p == '\t'); p++)
			;
		if ((size_t)(e - p) < sizeof(key) - 1 ||
		    memcmp(p, key, sizeof(key) - 1) != 0)
			continue;
		p += sizeof(key) - 1;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(e - p) > 13 && memcmp(p, "disable-file=", 13) == 0) {
			file_wide = true;
			p += 13;
		} else if ((size_t)(e - p) > 8 && memcmp(p, "disable=", 8) == 0) {
			file_wide = false;
			p += 8;
		} else {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, ln,
				     (unsigned)(p - t + 1),
				     "unknown bannerlint directive: expected "
				     "disable=RULE or disable-file=RULE");
			continue;
		}
		rules = p;
		dash = NULL;
		for (; p + 1 < e; p++)
			if (p[0] == '-' && p[1] == '-') {
				dash = p;
				break;
			}
		if (dash == NULL) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, ln,
				     (unsigned)(rules - t + 1),
				     "suppression without a reason: add "
				     "\"-- why\" after the rules; it is "
				     "ignored until then");
			continue;
		}
		for (p = dash + 2; p < e && (*p == ' ' || *p == '\t'); p++)
			;
		if (p >= e) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, ln,
				     (unsigned)(dash - t + 1),
				     "suppression with an empty reason: say "
				     "why after \"--\"; it is ignored until "
				     "then");
			continue;
		}
		memset(&s, 0, sizeof(s));
		s.src = src;
		s.off = (size_t)(t - src->data);
		s.len = len;
		s.line = ln;
		s.col = 1;
		s.file_wide = file_wide;
		add_rules(&s, rules, (size_t)(dash - rules));
		if (s.rules[0] == NULL) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, ln,
				     (unsigned)(rules - t + 1),
				     "suppression names no rule");
			free(s.rules);
			continue;
		}
		if (!file_wide &&
		    !next_statement(cfg, src, s.off, &s.from, &s.to)) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, ln, 1,
				     "suppression has no setting after it "
				     "to apply to");
			bl_list_free(s.rules);
			continue;
		}
		out->v = bl_xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = s;
	}
}

/* bl_suppressions_scan - every directive in the instance's files */
void
bl_suppressions_scan(struct bl_suppressions *out, const struct bl_config *cfg,
		     struct bl_diags *diags)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cfg->nsources; i++)
		scan_source(out, cfg, cfg->sources[i], diags);
}

/* bl_suppressions_finish - free the list */
void
bl_suppressions_finish(struct bl_suppressions *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		bl_list_free(s->v[i].rules);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* bl_suppression_covers - does s cover rule (id, name) at src/off? */
bool
bl_suppression_covers(const struct bl_suppression *s, const char *id,
		      const char *name, const struct bl_source *src,
		      const char *file, size_t off)
{
	size_t i;
	bool named = false;

	for (i = 0; s->rules[i]; i++)
		if (strcasecmp(s->rules[i], id) == 0 ||
		    strcmp(s->rules[i], name) == 0 ||
		    strcasecmp(s->rules[i], "all") == 0)
			named = true;
	if (!named)
		return false;
	if (s->file_wide)
		return src == s->src ||
		       (src == NULL && strcmp(file, s->src->path) == 0);
	return src == s->src && off >= s->from && off < s->to;
}

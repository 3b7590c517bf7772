/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * suppress.c - find inline suppression comments and decide what each
 * covers. Comment lines start, after blanks, with one of the dialect's
 * comment leaders (its table's `comments`: "#"; m4 also "dnl"). A
 * "disable" covers the next
 * statement of the file: the next setting or master.cf service that starts
 * after the comment. The list owns its rule names.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "parser.h"
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
/* A statement's place in a file, for finding the one after a comment. */
struct stmt {
	size_t off, end;
	size_t order; /* settings first, then scopes, as they are listed */
};

static int
by_stmt(const void *a, const void *b)
{
	const struct stmt *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* statements - every statement of src, sorted (caller frees) */
static struct stmt *
statements(const struct bl_config *cfg, const struct bl_source *src,
	   size_t *n)
{
	struct stmt *v = bl_xreallocarray(NULL, cfg->nsettings + cfg->nscopes + 1,
					  sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < cfg->nsettings; i++)
		if (cfg->settings[i]->src == src) {
			v[k].off = cfg->settings[i]->stmt_off;
			v[k].end = v[k].off + cfg->settings[i]->stmt_len;
			v[k].order = k;
			k++;
		}
	for (i = 0; i < cfg->nscopes; i++)
		if (cfg->scopes[i]->src == src) {
			v[k].off = cfg->scopes[i]->stmt_off;
			v[k].end = v[k].off + cfg->scopes[i]->stmt_len;
			v[k].order = k;
			k++;
		}
	qsort(v, k, sizeof(*v), by_stmt);
	*n = k;
	return v;
}

/* next_statement - the first statement that starts after off (the first
 * listed among those that start there) */
static bool
next_statement(const struct stmt *v, size_t n, size_t off, size_t *from,
	       size_t *to)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return false;
	*from = v[lo].off;
	*to = v[lo].end;
	return true;
}

/* comment_body - past a comment leader of the dialect at p (and the
 * blanks after it; after "dnl" also a "#", as in "dnl # ..."), or NULL
 * when the line is no comment */
static const char *
comment_body(const char *p, const char *e, const char *const *comments)
{
	size_t i, n;

	for (i = 0; comments[i] != NULL; i++) {
		n = strlen(comments[i]);
		if ((size_t)(e - p) < n || memcmp(p, comments[i], n) != 0)
			continue;
		/* a word such as dnl must end there */
		if (isalpha((unsigned char)comments[i][n - 1]) && p + n < e &&
		    p[n] != ' ' && p[n] != '\t' && p[n] != '#')
			continue;
		for (p += n; p < e && (*p == ' ' || *p == '\t' || *p == '#');
		     p++)
			;
		return p;
	}
	return NULL;
}

static void
scan_source(struct bl_suppressions *out, const struct bl_config *cfg,
	    const struct bl_source *src, struct bl_diags *diags)
{
	static const char *const hash[] = {"#", NULL};
	const struct bl_parser *parser = bl_parser_find(cfg->mta);
	const char *const *comments =
		parser != NULL && parser->comments != NULL ? parser->comments
							   : hash;
	static const char key[] = "bannerlint:";
	unsigned ln;
	size_t len;
	const char *t, *p, *e, *dash, *rules;
	struct bl_suppression s;
	bool file_wide;
	struct stmt *stmts = NULL;
	size_t nstmts = 0, cap = out->n;

	for (ln = 1; ln <= src->nlines; ln++) {
		t = bl_source_line(src, ln, &len);
		e = t + len;
		for (p = t; p < e && (*p == ' ' || *p == '\t'); p++)
			;
		if ((p = comment_body(p, e, comments)) == NULL)
			continue;
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
		if (!file_wide && stmts == NULL)
			stmts = statements(cfg, src, &nstmts);
		if (!file_wide &&
		    !next_statement(stmts, nstmts, s.off, &s.from, &s.to)) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, ln, 1,
				     "suppression has no setting after it "
				     "to apply to");
			bl_list_free(s.rules);
			continue;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			out->v = bl_xreallocarray(out->v, cap, sizeof(*out->v));
		}
		out->v[out->n++] = s;
	}
	free(stmts);
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

/*
 * The index behind bl_suppressions_apply. Statement suppressions are
 * sorted by (file, statement): a finding finds its statement's group by
 * binary search. File-wide ones are hashed by (file, rule word), each
 * bucket a list; a list is marked used once, by its first finding. So
 * 50,000 suppressions and as many findings cost a few lookups each.
 */
struct bucket {
	const char *path; /* the file */
	char *word;       /* the rule word, lower case (owned) */
	size_t *sups;     /* indices of the suppressions naming it */
	size_t n;
	bool marked;      /* every one is used already */
};

struct bl_sup_index {
	size_t *line; /* statement suppressions, by (src, from) */
	size_t nline;
	struct bucket *buckets; /* open addressing */
	size_t cap, used;
	const struct bl_suppressions *of;
};

static size_t
bucket_hash(const char *path, const char *word)
{
	size_t h = 2166136261u;

	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; *word; word++)
		h = (h ^ (unsigned char)*word) * 16777619u;
	return h;
}

static char *
lower(const char *w)
{
	char *l = bl_xstrdup(w), *p;

	for (p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

/* bucket_find - the bucket of (path, word), or NULL; with add, made */
static struct bucket *
bucket_find(struct bl_sup_index *x, const char *path, const char *word,
	    bool add)
{
	size_t k, i;

	if (add && (x->used + 1) * 2 > x->cap) {
		struct bucket *old = x->buckets;
		size_t oldcap = x->cap;

		x->cap = x->cap ? x->cap * 2 : 16;
		x->buckets = bl_xcalloc(x->cap, sizeof(*x->buckets));
		for (i = 0; i < oldcap; i++) {
			if (old[i].word == NULL)
				continue;
			k = bucket_hash(old[i].path, old[i].word) &
			    (x->cap - 1);
			while (x->buckets[k].word != NULL)
				k = (k + 1) & (x->cap - 1);
			x->buckets[k] = old[i];
		}
		free(old);
	}
	if (x->cap == 0)
		return NULL;
	k = bucket_hash(path, word) & (x->cap - 1);
	while (x->buckets[k].word != NULL) {
		if (strcmp(x->buckets[k].path, path) == 0 &&
		    strcmp(x->buckets[k].word, word) == 0)
			return &x->buckets[k];
		k = (k + 1) & (x->cap - 1);
	}
	if (!add)
		return NULL;
	x->buckets[k].path = path;
	x->buckets[k].word = bl_xstrdup(word);
	x->used++;
	return &x->buckets[k];
}

/* A line suppression's sort key: qsort has no context, so the key
 * carries what it compares (no file-static pointer: instances are
 * checked on several threads). */
struct sort_key {
	uintptr_t src;
	size_t from;
	size_t i;
};

static int
by_place(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->i < y->i ? -1 : 1;
}

static struct bl_sup_index *
build_index(struct bl_suppressions *sup)
{
	struct bl_sup_index *x = bl_xcalloc(1, sizeof(*x));
	size_t i, k;

	x->line = bl_xreallocarray(NULL, sup->n + 1, sizeof(*x->line));
	for (i = 0; i < sup->n; i++) {
		const struct bl_suppression *s = &sup->v[i];

		if (!s->file_wide) {
			x->line[x->nline++] = i;
			continue;
		}
		for (k = 0; s->rules[k]; k++) {
			char *w = lower(s->rules[k]);
			struct bucket *b = bucket_find(x, s->src->path, w, true);

			/* a word twice in one directive: the index once */
			if (b->n == 0 || b->sups[b->n - 1] != i) {
				b->sups = bl_xreallocarray(b->sups, b->n + 1,
							   sizeof(*b->sups));
				b->sups[b->n++] = i;
			}
			free(w);
		}
	}
	if (x->nline > 1) {
		struct sort_key *keys =
			bl_xreallocarray(NULL, x->nline, sizeof(*keys));

		for (i = 0; i < x->nline; i++) {
			keys[i].src = (uintptr_t)sup->v[x->line[i]].src;
			keys[i].from = sup->v[x->line[i]].from;
			keys[i].i = x->line[i];
		}
		qsort(keys, x->nline, sizeof(*keys), by_place);
		for (i = 0; i < x->nline; i++)
			x->line[i] = keys[i].i;
		free(keys);
	}
	return x;
}

/* file_wide - a file-wide suppression of path names word: mark them */
static bool
file_wide(struct bl_suppressions *sup, const char *path, const char *word)
{
	struct bucket *b = bucket_find(sup->index, path, word, false);
	size_t i;

	if (b == NULL)
		return false;
	if (!b->marked)
		for (i = 0; i < b->n; i++)
			sup->v[b->sups[i]].used = true;
	b->marked = true;
	return true;
}

/* bl_suppressions_apply - cover and mark (see suppress.h) */
bool
bl_suppressions_apply(struct bl_suppressions *sup, const char *id,
		      const char *name, const struct bl_source *src,
		      const char *file, size_t off)
{
	struct bl_sup_index *x;
	const char *path = src != NULL ? src->path : file;
	size_t lo, hi, mid, i;
	bool covered = false;
	char *w;

	if (sup->n == 0)
		return false;
	if (sup->index == NULL)
		sup->index = build_index(sup);
	x = sup->index;
	w = lower(id);
	covered |= file_wide(sup, path, w);
	free(w);
	w = lower(name);
	covered |= file_wide(sup, path, w);
	free(w);
	covered |= file_wide(sup, path, "all");
	if (src == NULL)
		return covered;
	/* the last statement suppression at or before (src, off) */
	lo = 0;
	hi = x->nline;
	while (lo < hi) {
		const struct bl_suppression *s;

		mid = lo + (hi - lo) / 2;
		s = &sup->v[x->line[mid]];
		if ((uintptr_t)s->src < (uintptr_t)src ||
		    (s->src == src && s->from <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* statements do not overlap: its group is every one with its from */
	for (i = lo; i-- > 0;) {
		struct bl_suppression *s = &sup->v[x->line[i]];

		if (s->src != src || s->from != sup->v[x->line[lo - 1]].from ||
		    off >= s->to)
			break;
		if (bl_suppression_covers(s, id, name, src, file, off)) {
			s->used = true;
			covered = true;
		}
	}
	return covered;
}

/* bl_suppressions_finish - free the list */
void
bl_suppressions_finish(struct bl_suppressions *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		bl_list_free(s->v[i].rules);
	free(s->v);
	if (s->index != NULL) {
		for (i = 0; i < s->index->cap; i++) {
			free(s->index->buckets[i].word);
			free(s->index->buckets[i].sups);
		}
		free(s->index->buckets);
		free(s->index->line);
		free(s->index);
	}
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

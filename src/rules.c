/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rules.c - load the rule catalogue: the files embedded at build time, then
 * any rules-dir. Each file is libconfuse syntax with "rule ID { ... }" and
 * "generic ID { ... }" sections (rules/README.md). Patterns are compiled
 * once, with JIT where available, and run under a match limit. A broken
 * file is an error at file:line and no ruleset is returned.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <confuse.h>
#include <dirent.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "rules.h"
#include "source.h"
#include "util.h"

/*
 * libconfuse's error callback has no user pointer, and its lexer is flex
 * state in the library's globals (cfg_yyin, cfg_include_stack): it is not
 * reentrant. Every parse goes through bl_confuse_parse, which holds one
 * lock for the parse and routes the errors of that parse, and of that
 * parse only, to its caller's diagnostics.
 */
struct confuse_call {
	struct bl_diags *diags;
	const char *file;
};

static pthread_mutex_t confuse_lock = PTHREAD_MUTEX_INITIALIZER;
static struct confuse_call *confuse_cur; /* under confuse_lock */

static void confuse_on_error(cfg_t *cfg, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* confuse_on_error - a libconfuse error as a diagnostic at file:line */
static void
confuse_on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct bl_buf b;

	if (confuse_cur == NULL)
		return;
	bl_buf_init(&b);
	bl_buf_vprintf(&b, fmt, ap);
	bl_diags_add(confuse_cur->diags, BL_LEVEL_ERROR, confuse_cur->file,
		     cfg ? (unsigned)cfg->line : 0, 0, "%s", b.data);
	bl_buf_finish(&b);
}

/* bl_confuse_parse - parse text into cfg, its errors at file:line in diags
 * (see rules.h) */
int
bl_confuse_parse(cfg_t *cfg, const char *text, const char *file,
		 struct bl_diags *diags)
{
	struct confuse_call call = {.diags = diags, .file = file};
	char *clean = bl_confuse_text(text);
	int rc;

	if (pthread_mutex_lock(&confuse_lock) != 0)
		bl_fatal("cannot lock libconfuse");
	confuse_cur = &call;
	cfg_set_error_function(cfg, confuse_on_error);
	rc = cfg_parse_buf(cfg, clean);
	confuse_cur = NULL;
	pthread_mutex_unlock(&confuse_lock);
	free(clean);
	return rc;
}

/* The text of the file being loaded, to find the line of a rule's parts
 * (libconfuse reports a section's last line), with its line starts and
 * where the last section header was found: sections come in file order,
 * so each search starts there and the whole file is read once, not once
 * per rule. One per load_text call. */
struct text_index {
	const char *text;
	size_t *lines; /* offset of each line's first byte */
	unsigned nlines;
	unsigned hint; /* line of the last header found */
};

static void
set_text(struct text_index *tx, const char *text)
{
	size_t i, n = 1;

	free(tx->lines);
	tx->lines = NULL;
	tx->nlines = 0;
	tx->hint = 1;
	tx->text = text;
	if (text == NULL)
		return;
	for (i = 0; text[i]; i++)
		if (text[i] == '\n')
			n++;
	tx->lines = bl_xreallocarray(NULL, n, sizeof(*tx->lines));
	tx->lines[tx->nlines++] = 0;
	for (i = 0; text[i]; i++)
		if (text[i] == '\n')
			tx->lines[tx->nlines++] = i + 1;
}

/* find_line - the first line in [from, to) that starts with word (and
 * then title, when not NULL), or 0 */
static unsigned
find_line(const struct text_index *tx, unsigned from, unsigned to,
	  const char *word, const char *title)
{
	size_t n = strlen(word);
	unsigned line;

	for (line = from; line < to && line <= tx->nlines; line++) {
		const char *q = tx->text + tx->lines[line - 1];

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, word, n) != 0 ||
		    (q[n] != ' ' && q[n] != '\t' && q[n] != '='))
			continue;
		if (title == NULL)
			return line;
		q += n;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, title, strlen(title)) == 0)
			return line;
	}
	return 0;
}

/* Line of the first line at or after `from` that starts with word. */
static unsigned
line_of(struct text_index *tx, unsigned from, const char *word,
	const char *title)
{
	unsigned line;

	if (tx->text == NULL || from == 0)
		return from;
	if (title != NULL && from == 1) {
		/* a section header: from the last one found, then the rest */
		line = find_line(tx, tx->hint, tx->nlines + 1, word, title);
		if (line == 0)
			line = find_line(tx, 1, tx->hint, word, title);
		if (line != 0)
			tx->hint = line;
		return line ? line : from;
	}
	line = find_line(tx, from, tx->nlines + 1, word, title);
	return line ? line : from;
}

static char *
dup_or_null(cfg_t *sec, const char *name)
{
	const char *s = cfg_getstr(sec, name);

	return s ? bl_xstrdup(s) : NULL;
}

static char **
str_list(cfg_t *sec, const char *name, size_t *n)
{
	unsigned i, k = cfg_size(sec, name);
	char **v;

	if (k == 0) {
		if (n)
			*n = 0;
		return NULL;
	}
	v = bl_xcalloc(k + 1, sizeof(*v));
	for (i = 0; i < k; i++)
		v[i] = bl_xstrdup(cfg_getnstr(sec, name, i));
	if (n)
		*n = k;
	return v;
}

static void
free_list(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * A compiled pattern, JIT-compiled when it is compiled: a ruleset is
 * read-only once built, so the worker threads of --jobs share it. (JIT
 * used to wait for a pattern's 32nd use, a counter every search wrote.)
 * The catalogue's patterns are few and small; their JIT costs well under
 * a millisecond.
 */
struct pattern {
	pcre2_code *code;
};

static void
pattern_free(void *p)
{
	struct pattern *pt = p;

	if (pt == NULL)
		return;
	pcre2_code_free(pt->code);
	free(pt);
}

static void *
compile(const char *pattern, const char *file, unsigned line,
	struct bl_diags *diags)
{
	struct pattern *pt;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE eoff;
	pcre2_code *re;
	int err;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			   PCRE2_UTF, &err, &eoff,
			   NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		bl_diags_add(diags, BL_LEVEL_ERROR, file, line, 0,
			     "bad pattern at offset %zu: %s", (size_t)eoff,
			     (char *)msg);
		return NULL;
	}
	/* JIT is an optimisation: without it the interpreter still works */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	pt = bl_xcalloc(1, sizeof(*pt));
	pt->code = re;
	return pt;
}

static int
load_rule(struct bl_ruleset *rs, struct text_index *tx, cfg_t *sec,
	  const char *file, struct bl_diags *diags)
{
	struct bl_rule *r;
	const char *s, *pat;
	unsigned line = (unsigned)sec->line, i, n;
	int ways = 0;

	rs->rules = bl_xreallocarray(rs->rules, rs->nrules + 1,
				     sizeof(*rs->rules));
	r = &rs->rules[rs->nrules];
	memset(r, 0, sizeof(*r));
	r->id = bl_xstrdup(cfg_title(sec));
	line = line_of(tx, 1, "rule", r->id);
	r->file = bl_xstrdup(file);
	r->line = line;
	rs->nrules++;
#define BAD(...)                                                         \
	do {                                                             \
		bl_diags_add(diags, BL_LEVEL_ERROR, file, line, 0,       \
			     __VA_ARGS__);                              \
		return -1;                                               \
	} while (0)
	if (strlen(r->id) != 5 || strncmp(r->id, "BL", 2) != 0 ||
	    strspn(r->id + 2, "0123456789") != 3)
		BAD("rule id \"%s\" is not BL followed by three digits", r->id);
	for (i = 0; i + 1 < rs->nrules; i++)
		if (strcmp(rs->rules[i].id, r->id) == 0)
			BAD("rule %s is defined twice (first at %s:%u)", r->id,
			    rs->rules[i].file, rs->rules[i].line);
	r->name = dup_or_null(sec, "name");
	r->message = dup_or_null(sec, "message");
	r->explain = dup_or_null(sec, "explain");
	if (r->name == NULL || r->message == NULL || r->explain == NULL)
		BAD("rule %s needs name, message and explain", r->id);
	s = cfg_getstr(sec, "severity");
	if (s == NULL)
		BAD("rule %s needs a severity", r->id);
	line = line_of(tx, r->line, "severity", NULL);
	if (strcmp(s, "error") == 0)
		r->severity = BL_LEVEL_ERROR;
	else if (strcmp(s, "warning") == 0)
		r->severity = BL_LEVEL_WARNING;
	else if (strcmp(s, "info") == 0)
		r->severity = BL_LEVEL_NOTE;
	else
		BAD("rule %s: severity \"%s\" is not error, warning or info",
		    r->id, s);
	n = cfg_size(sec, "applies");
	for (i = 0; i < n; i++) {
		s = cfg_getnstr(sec, "applies", i);
		if (strcmp(s, "banner") == 0)
			r->applies |= BL_APPLIES_BANNER;
		else if (strcmp(s, "helo") == 0)
			r->applies |= BL_APPLIES_HELO;
		else
			BAD("rule %s: applies \"%s\" is not banner or helo",
			    r->id, s);
	}
	if (r->applies == 0)
		BAD("rule %s: applies names no surface", r->id);
	line = r->line;
	r->mta = str_list(sec, "mta", NULL);
	r->refs = str_list(sec, "refs", &r->nrefs);
	r->fix = dup_or_null(sec, "fix");
	if (r->fix != NULL && strcmp(r->fix, "drop-match") != 0 &&
	    strcmp(r->fix, "set-hostname") != 0 && strcmp(r->fix, "none") != 0)
		BAD("rule %s: fix \"%s\" is not drop-match, set-hostname or "
		    "none",
		    r->id, r->fix);
	r->fix_safety = dup_or_null(sec, "fix-safety");
	s = cfg_getstr(sec, "target");
	if (s == NULL || strcmp(s, "value") == 0)
		r->target = BL_TARGET_VALUE;
	else if (strcmp(s, "configured") == 0)
		r->target = BL_TARGET_CONFIGURED;
	else if (strcmp(s, "hostname") == 0)
		r->target = BL_TARGET_HOSTNAME;
	else
		BAD("rule %s: target \"%s\" is not value, configured or "
		    "hostname",
		    r->id, s);
	if ((pat = cfg_getstr(sec, "match")) != NULL)
		ways++;
	if ((s = cfg_getstr(sec, "require")) != NULL) {
		ways++;
		pat = s;
		r->require = true;
	}
	if ((s = cfg_getstr(sec, "check")) != NULL) {
		ways++;
		line = line_of(tx, r->line, "check", NULL);
		if ((r->builtin = bl_check_find(s)) == NULL)
			BAD("rule %s: no built-in check named \"%s\"", r->id,
			    s);
		r->check = bl_xstrdup(s);
	}
	if (ways != 1)
		BAD("rule %s needs exactly one of match, require or check",
		    r->id);
	if (pat != NULL &&
	    (r->re = compile(pat, file,
			     line_of(tx, r->line,
				     r->require ? "require" : "match", NULL),
			     diags)) == NULL)
		return -1;
#undef BAD
	return 0;
}

static int
load_generic(struct bl_ruleset *rs, struct text_index *tx, cfg_t *sec,
	     const char *file, struct bl_diags *diags)
{
	struct bl_generic *g;
	const char *pat = cfg_getstr(sec, "pattern");

	rs->generics = bl_xreallocarray(rs->generics, rs->ngenerics + 1,
					sizeof(*rs->generics));
	g = &rs->generics[rs->ngenerics++];
	memset(g, 0, sizeof(*g));
	g->id = bl_xstrdup(cfg_title(sec));
	g->description = dup_or_null(sec, "description");
	for (size_t i = 0; i + 1 < rs->ngenerics; i++)
		if (strcmp(rs->generics[i].id, g->id) == 0) {
			bl_diags_add(diags, BL_LEVEL_ERROR, file,
				     line_of(tx, 1, "generic", g->id), 0,
				     "generic pattern %s is defined twice",
				     g->id);
			return -1;
		}
	if (pat == NULL || g->description == NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, file,
			     line_of(tx, 1, "generic", g->id),
			     0, "generic %s needs pattern and description",
			     g->id);
		return -1;
	}
	g->pattern = bl_xstrdup(pat);
	g->re = compile(pat, file,
			line_of(tx, line_of(tx, 1, "generic", g->id),
				"pattern", NULL),
			diags);
	return g->re ? 0 : -1;
}

static int
load_text(struct bl_ruleset *rs, const char *file, const char *text,
	  struct bl_diags *diags)
{
	cfg_opt_t rule_opts[] = {
		CFG_STR("name", NULL, CFGF_NONE),
		CFG_STR("severity", NULL, CFGF_NONE),
		CFG_STR_LIST("applies", NULL, CFGF_NONE),
		CFG_STR_LIST("mta", NULL, CFGF_NONE),
		CFG_STR("target", NULL, CFGF_NONE),
		CFG_STR("match", NULL, CFGF_NONE),
		CFG_STR("require", NULL, CFGF_NONE),
		CFG_STR("check", NULL, CFGF_NONE),
		CFG_STR("message", NULL, CFGF_NONE),
		CFG_STR("fix", NULL, CFGF_NONE),
		CFG_STR("fix-safety", NULL, CFGF_NONE),
		CFG_STR("explain", NULL, CFGF_NONE),
		CFG_STR_LIST("refs", NULL, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t generic_opts[] = {
		CFG_STR("pattern", NULL, CFGF_NONE),
		CFG_STR("description", NULL, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t opts[] = {
		CFG_SEC("rule", rule_opts, CFGF_MULTI | CFGF_TITLE),
		CFG_SEC("generic", generic_opts, CFGF_MULTI | CFGF_TITLE),
		CFG_END(),
	};
	struct text_index tx = {0};
	cfg_t *cfg;
	unsigned i, n;
	int status = 0, rc;

	cfg = cfg_init(opts, CFGF_NONE);
	if (cfg == NULL)
		bl_fatal("cannot initialise libconfuse");
	set_text(&tx, text);
	rc = bl_confuse_parse(cfg, text, file, diags);
	if (rc != CFG_SUCCESS) {
		set_text(&tx, NULL);
		if (rc != CFG_PARSE_ERROR)
			bl_diags_add(diags, BL_LEVEL_ERROR, file, 0, 0,
				     "cannot parse the rule file");
		cfg_free(cfg);
		return -1;
	}
	n = cfg_size(cfg, "rule");
	for (i = 0; i < n; i++)
		if (load_rule(rs, &tx, cfg_getnsec(cfg, "rule", i), file,
			      diags) < 0)
			status = -1;
	n = cfg_size(cfg, "generic");
	for (i = 0; i < n; i++)
		if (load_generic(rs, &tx, cfg_getnsec(cfg, "generic", i), file,
				 diags) < 0)
			status = -1;
	cfg_free(cfg);
	set_text(&tx, NULL);
	return status;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
load_dir(struct bl_ruleset *rs, const char *dir, struct bl_diags *diags)
{
	struct dirent **names;
	struct bl_source *src;
	char *path;
	size_t len;
	int i, n, status = 0;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, dir, 0, 0,
			     "cannot read the rules directory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		len = strlen(names[i]->d_name);
		if (len > 6 &&
		    strcmp(names[i]->d_name + len - 6, ".rules") == 0) {
			path = bl_xasprintf("%s/%s", dir, names[i]->d_name);
			if (bl_source_load(&src, path, BL_CONF_FILE_MAX, diags) < 0 ||
			    load_text(rs, path, src->data, diags) < 0)
				status = -1;
			bl_source_free(src);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return status;
}

/* bl_ruleset_new - the embedded catalogue plus rules_dir (see rules.h) */
struct bl_ruleset *
bl_ruleset_new(const char *rules_dir, struct bl_diags *diags)
{
	struct bl_ruleset *rs = bl_xcalloc(1, sizeof(*rs));
	size_t i;
	int status = 0;

	for (i = 0; i < bl_rules_nembedded; i++)
		if (load_text(rs, bl_rules_embedded[i].name,
			      bl_rules_embedded[i].text, diags) < 0)
			status = -1;
	if (rules_dir != NULL && load_dir(rs, rules_dir, diags) < 0)
		status = -1;
	rs->match_ctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(rs->match_ctx, 100000);
	pcre2_set_depth_limit(rs->match_ctx, 1000);
	pcre2_set_heap_limit(rs->match_ctx, 8192); /* KiB */
	if (status < 0) {
		bl_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

/* bl_ruleset_free - free the catalogue; NULL is fine */
void
bl_ruleset_free(struct bl_ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++) {
		struct bl_rule *r = &rs->rules[i];

		free(r->id);
		free(r->name);
		free(r->check);
		free(r->message);
		free(r->fix);
		free(r->fix_safety);
		free(r->explain);
		free(r->file);
		free_list(r->mta);
		free_list(r->refs);
		pattern_free(r->re);
	}
	free(rs->rules);
	for (i = 0; i < rs->ngenerics; i++) {
		free(rs->generics[i].id);
		free(rs->generics[i].description);
		free(rs->generics[i].pattern);
		pattern_free(rs->generics[i].re);
	}
	free(rs->generics);
	pcre2_match_context_free(rs->match_ctx);
	free(rs);
}

/* bl_ruleset_find - the rule with this id or name, or NULL (borrowed) */
const struct bl_rule *
bl_ruleset_find(const struct bl_ruleset *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		if (strcasecmp(rs->rules[i].id, id) == 0 ||
		    strcmp(rs->rules[i].name, id) == 0)
			return &rs->rules[i];
	return NULL;
}

/* bl_rule_search - first match of a compiled pattern (see rules.h) */
enum bl_match
bl_rule_search(const struct bl_ruleset *rs, void *re, const char *s,
	       size_t start, size_t *ms, size_t *me, const char **why)
{
	const struct pattern *pt = re;
	pcre2_match_data *md; /* per call: searches run on several threads */
	PCRE2_SIZE *ov;
	enum bl_match m = BL_MATCH_NO;
	int rc;

	*why = NULL;
	md = pcre2_match_data_create_from_pattern(pt->code, NULL);
	rc = pcre2_match(pt->code, (PCRE2_SPTR)s, strlen(s), start, 0, md,
			 rs->match_ctx);
	if (rc > 0) {
		ov = pcre2_get_ovector_pointer(md);
		*ms = ov[0];
		*me = ov[1];
		m = BL_MATCH_YES;
	} else if (rc == PCRE2_ERROR_MATCHLIMIT) {
		*why = "the pattern reached PCRE2's match limit";
		m = BL_MATCH_UNKNOWN;
	} else if (rc == PCRE2_ERROR_DEPTHLIMIT) {
		*why = "the pattern reached PCRE2's depth limit";
		m = BL_MATCH_UNKNOWN;
	} else if (rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY ||
		   rc == PCRE2_ERROR_JIT_STACKLIMIT) {
		*why = "the pattern ran out of PCRE2's memory limit";
		m = BL_MATCH_UNKNOWN;
	} else if (rc != PCRE2_ERROR_NOMATCH) {
		*why = "PCRE2 could not run the pattern";
		m = BL_MATCH_UNKNOWN;
	}
	pcre2_match_data_free(md);
	return m;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.c - evaluate rules on surfaces and blame the setting that caused
 * each finding.
 *
 * Rules know nothing about syntax: a pattern runs on a surface's value,
 * configured text or host name; a built-in check says what a pattern
 * cannot (FQDN syntax, IP literals, consistency between surfaces). The
 * matched text is traced back through the surface's pieces to the file and
 * span that produced it: a leak via $mail_name points at the "$mail_name"
 * reference, a bad host name at the myhostname line.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "engine.h"
#include "fix.h"
#include "parser.h"
#include "suppress.h"
#include "util.h"

/*
 * A finding while the instance is alive: it points into the instance
 * (surface, setting, source); bl_engine_run copies what reporters print
 * into a self-contained struct bl_finding at the end.
 */
struct hit {
	const struct bl_rule *rule;
	enum bl_level severity;
	char *message;
	const struct bl_config *cfg;
	const struct bl_surface *surface; /* NULL for findings on a setting */
	const char *key;                  /* the setting blamed */
	const char *scope;
	const struct bl_source *src;      /* NULL: no place in a file */
	const char *file;                 /* src's path, or the instance's */
	size_t off, len;                  /* span in src */
	unsigned line, col;
	size_t also; /* other surfaces with the same finding at this place */
	const struct bl_setting *setting; /* the setting blamed, or NULL */
	size_t raw_off, raw_len;          /* the span in its raw value */
	bool in_value;            /* blamed on [vm_off, +vm_len) of the
				   * surface's value */
	size_t vm_off, vm_len;
	struct bl_fix *fix; /* the fixer's, or NULL */
	struct bl_evidence *ev; /* owned */
	size_t nev;
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

struct bl_run {
	const struct bl_ruleset *rs;
	const struct bl_engine_opts *o;
	struct bl_findings *out; /* only its unknown count */
	struct hits *h;
	struct bl_diags *diags;
	struct bl_check_env env; /* what the checks see */
	char **unverified; /* the reasons noted already (one note each) */
	size_t nunverified;
};

static bool
listed(char **list, const struct bl_rule *r)
{
	size_t i;

	for (i = 0; list && list[i]; i++)
		if (strcasecmp(list[i], r->id) == 0 ||
		    strcmp(list[i], r->name) == 0 ||
		    (strlen(list[i]) < 5 &&
		     strncasecmp(list[i], r->id, strlen(list[i])) == 0))
			return true;
	return false;
}

static bool
enabled(const struct bl_run *x, const struct bl_rule *r)
{
	if (x->o->select && !listed(x->o->select, r))
		return false;
	return !listed(x->o->ignore, r);
}

static bool
mta_ok(const struct bl_rule *r, const char *mta)
{
	size_t i;

	if (r->mta == NULL)
		return true;
	for (i = 0; r->mta[i]; i++)
		if (strcmp(r->mta[i], mta) == 0)
			return true;
	return false;
}

/* bl_check_message - expand %m (match), %v (value), %h (host name) in a
 * rule's message */
char *
bl_check_message(const char *tmpl, const char *match, const char *value,
	       const char *host)
{
	struct bl_buf b;
	const char *p;

	bl_buf_init(&b);
	for (p = tmpl; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			bl_buf_addc(&b, *p);
			continue;
		}
		p++;
		if (*p == 'm')
			bl_buf_adds(&b, match ? match : "");
		else if (*p == 'v')
			bl_buf_adds(&b, value ? value : "");
		else if (*p == 'h')
			bl_buf_adds(&b, host ? host : "");
		else if (*p == '%')
			bl_buf_addc(&b, '%');
		else {
			bl_buf_addc(&b, '%');
			bl_buf_addc(&b, *p);
		}
	}
	return bl_buf_steal(&b);
}

static struct hit *
add(struct bl_run *x, const struct bl_rule *r, const struct bl_config *cfg,
    const struct bl_surface *sf, char *message)
{
	struct hit *f;

	if (x->h->n == x->h->cap) {
		x->h->cap = x->h->cap ? x->h->cap * 2 : 16;
		x->h->v = bl_xreallocarray(x->h->v, x->h->cap,
					     sizeof(*x->h->v));
	}
	f = &x->h->v[x->h->n++];
	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->severity = r->severity;
	f->message = message;
	f->cfg = cfg;
	f->surface = sf;
	f->scope = sf ? sf->scope : "main";
	f->key = sf ? sf->key : NULL;
	f->file = sf && sf->file ? sf->file : cfg->name;
	return f;
}

/* Place a finding at [off, off+len) of a setting's raw value. */
static void
place_setting(struct hit *f, const struct bl_setting *s, size_t off,
	      size_t len)
{
	size_t a, b;

	f->key = s->key;
	f->scope = s->scope;
	f->setting = s;
	f->raw_off = off;
	f->raw_len = len;
	if (s->src == NULL)
		return;
	a = bl_setting_src_offset(s, off);
	b = len ? bl_setting_src_offset(s, off + len - 1) + 1 : a;
	f->src = s->src;
	f->file = s->src->path;
	f->off = a;
	f->len = b > a ? b - a : 0;
	bl_source_position(s->src, a, &f->line, &f->col);
}

/*
 * Blame the text at [ms, me) of a surface's value: the file that wrote it,
 * or, for a default, the reference that pulled the default in. A match that
 * runs on into text from the same file extends the span there.
 */
static void blame_at(struct hit *f, const struct bl_surface *sf,
		     size_t ms, size_t me, bool note);

static void
blame(struct hit *f, const struct bl_surface *sf, size_t ms,
      size_t me)
{
	struct hit end;

	f->in_value = true;
	f->vm_off = ms;
	f->vm_len = me - ms;
	blame_at(f, sf, ms, me, true);
	if (me <= ms + 1 || f->src == NULL)
		return;
	memset(&end, 0, sizeof(end));
	end.message = bl_xstrdup("");
	blame_at(&end, sf, me - 1, me, false);
	if (end.src == f->src && end.off + end.len > f->off + f->len &&
	    end.off >= f->off)
		f->len = end.off + end.len - f->off;
	free(end.message);
}

static void
blame_at(struct hit *f, const struct bl_surface *sf, size_t ms,
	 size_t me, bool note)
{
	const struct bl_piece *p = NULL;
	const struct bl_origin *o;
	size_t i, k, len;

	for (i = 0; i < sf->npieces; i++)
		if (ms >= sf->pieces[i].off &&
		    ms < sf->pieces[i].off + sf->pieces[i].len) {
			p = &sf->pieces[i];
			break;
		}
	if (p == NULL) {
		/* Nothing to point at (an empty value): the setting. */
		o = &sf->origin[0];
		while (o->setting->src == NULL && o->via != BL_NO_ORIGIN)
			o = &sf->origin[o->via];
		if (o->setting->src != NULL)
			place_setting(f, o->setting, 0, o->setting->raw_len);
		else
			f->key = sf->key;
		return;
	}
	o = &sf->origin[p->origin];
	if (o->setting->src != NULL) {
		len = me - ms;
		if (len > p->len - (ms - p->off))
			len = p->len - (ms - p->off);
		place_setting(f, o->setting, p->src_off + (ms - p->off), len);
		return;
	}
	/* A default: point at the reference that brought it in. */
	for (k = p->origin; k != BL_NO_ORIGIN; k = sf->origin[k].via) {
		const struct bl_origin *c = &sf->origin[k];

		if (c->via == BL_NO_ORIGIN)
			break;
		if (sf->origin[c->via].setting->src != NULL) {
			const struct bl_setting *d = sf->origin[p->origin].setting;
			char *m;

			place_setting(f, sf->origin[c->via].setting,
				      c->ref_off, c->ref_len);
			if (!note)
				return;
			if (d != c->setting)
				m = bl_xasprintf("%s (via $%s: from the "
						 "default of %s, \"%s\")",
						 f->message, c->key, d->key,
						 d->raw);
			else
				m = bl_xasprintf("%s (via $%s, whose default "
						 "is \"%s\")",
						 f->message, c->key, d->raw);
			free(f->message);
			f->message = m;
			return;
		}
	}
	/* Defaults all the way: nothing in the files to point at. */
	f->key = sf->key;
	if (sf->origin[0].setting->is_default && note) {
		const struct bl_setting *d = sf->origin[0].setting;
		char *m = bl_xasprintf("%s (%s is not set: its default is "
				       "\"%s\")",
				       f->message, d->key, d->raw);

		free(f->message);
		f->message = m;
		f->setting = d;
		if (p->top_len > 0) {
			f->raw_off = p->top_off;
			f->raw_len = p->top_len;
		} else {
			/* literal text of the default itself */
			f->raw_off = p->src_off + (ms - p->off);
			f->raw_len = me - ms;
		}
	}
}

static const char *
target_text(const struct bl_surface *sf, enum bl_target t)
{
	switch (t) {
	case BL_TARGET_CONFIGURED:
		return sf->configured;
	case BL_TARGET_HOSTNAME:
		return sf->hostname;
	case BL_TARGET_VALUE:
		break;
	}
	return sf->value;
}

/* bl_check_host_offset - offset of the host name in the value (the
 * first word) */
size_t
bl_check_host_offset(const struct bl_surface *sf)
{
	const char *v = sf->value;

	return (size_t)(strstr(v, sf->hostname) ? strstr(v, sf->hostname) - v
						: 0);
}

/* bl_check_unknown - a note that rule r could not judge sf (a search
 * limit): neither a finding nor silence; exit status 3 */
void
bl_check_unknown(const struct bl_check_env *e, const struct bl_rule *r,
		 const struct bl_surface *sf, const char *why)
{
	struct bl_run *x = e->run;
	const struct bl_setting *s =
		sf->norigin > 0 ? sf->origin[0].setting : NULL;
	bool placed = s != NULL && !s->is_default && s->src != NULL;

	x->out->unknown++;
	bl_diags_add(x->diags, BL_LEVEL_NOTE,
		     placed ? s->src->path : sf->file, placed ? s->line : 0,
		     placed ? s->col : 0,
		     "could not tell whether %s %s applies to the %s of %s: "
		     "%s on its %zu-byte value; the rule was not applied",
		     r->id, r->name, bl_surface_kind_name(sf->kind), sf->scope,
		     why, strlen(sf->value));
}

/* unverified - a note that r could not be checked on sf for want of
 * facts (a DNS answer that did not come): exit status 3 */
static void
unverified(struct bl_run *x, const struct bl_rule *r,
	   const struct bl_surface *sf, const char *why)
{
	const struct bl_setting *s =
		sf->norigin > 0 ? sf->origin[0].setting : NULL;
	bool placed = s != NULL && !s->is_default && s->src != NULL;
	size_t i;

	/* one note per missing answer, not one per rule and surface */
	for (i = 0; i < x->nunverified; i++)
		if (strcmp(x->unverified[i], why) == 0)
			return;
	x->unverified = bl_xreallocarray(x->unverified, x->nunverified + 1,
					 sizeof(*x->unverified));
	x->unverified[x->nunverified++] = bl_xstrdup(why);
	x->out->unknown++;
	bl_diags_add(x->diags, BL_LEVEL_NOTE,
		     placed ? s->src->path : sf->file, placed ? s->line : 0,
		     placed ? s->col : 0,
		     "unverified: %s; %s %s and the other DNS rules that need "
		     "it were not applied to '%s'",
		     why, r->id, r->name, sf->hostname);
}

/* bl_evidence_free - an evidence list */
void
bl_evidence_free(struct bl_evidence *ev, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		free(ev[i].type);
		free(ev[i].name);
		free(ev[i].status);
		free(ev[i].why);
		for (k = 0; k < ev[i].ndata; k++)
			free(ev[i].data[k]);
		for (k = 0; k < ev[i].ncnames; k++)
			free(ev[i].cnames[k]);
		free(ev[i].data);
		free(ev[i].cnames);
	}
	free(ev);
}

/* bl_check_judges - does r judge sf: it applies to sf's kind, the value
 * is known, and (role awareness) a banner is one strangers see */
bool
bl_check_judges(const struct bl_check_env *e, const struct bl_rule *r,
		const struct bl_surface *sf)
{
	unsigned want = sf->kind == BL_SURFACE_BANNER ? BL_APPLIES_BANNER
						      : BL_APPLIES_HELO;

	return (r->applies & want) && sf->valid &&
	       (sf->kind != BL_SURFACE_BANNER || sf->public);
}

/* bl_check_emit - a finding of r at *at */
void
bl_check_emit(const struct bl_check_env *e, const struct bl_rule *r,
	      const struct bl_check_place *at, char *message,
	      enum bl_level level)
{
	struct hit *f = add(e->run, r, e->cfg, at->sf, message);

	f->severity = level;
	f->setting = at->setting;
	if (at->key != NULL || at->sf == NULL)
		f->key = at->key;
	if (at->scope != NULL || at->sf == NULL)
		f->scope = at->scope != NULL ? at->scope : "main";
	f->also = at->also;
	if (at->file != NULL)
		f->file = at->file;
	if (at->src == NULL)
		return;
	f->src = at->src;
	f->file = at->src->path;
	f->off = at->off;
	f->len = at->len;
	f->line = at->line;
	f->col = at->col;
	if (at->line == 0)
		bl_source_position(at->src, at->off, &f->line, &f->col);
}

/* bl_check_value - a finding blamed on [off, off+len) of sf's value */
void
bl_check_value(const struct bl_check_env *e, const struct bl_rule *r,
	       const struct bl_surface *sf, size_t off, size_t len,
	       char *message)
{
	struct hit *f = add(e->run, r, e->cfg, sf, message);

	blame(f, sf, off, off + len);
}

/* bl_check_host - a finding on sf's host name */
void
bl_check_host(const struct bl_check_env *e, const struct bl_rule *r,
	      const struct bl_surface *sf, const char *detail,
	      enum bl_level level)
{
	struct hit *f;
	size_t at = bl_check_host_offset(sf);

	f = add(e->run, r, e->cfg, sf,
		bl_check_message(r->message, detail, sf->value, sf->hostname));
	f->severity = level;
	blame(f, sf, at, at + strlen(sf->hostname));
}

/* bl_check_setting - a finding on [off, off+len) of s's raw value */
void
bl_check_setting(const struct bl_check_env *e, const struct bl_rule *r,
		 const struct bl_surface *sf, const struct bl_setting *s,
		 size_t off, size_t len, char *message)
{
	struct hit *f = add(e->run, r, e->cfg, sf, message);

	place_setting(f, s, off, len);
}

static char **
copy_list(char *const *v, size_t n)
{
	char **c = n ? bl_xcalloc(n, sizeof(*c)) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = bl_xstrdup(v[i]);
	return c;
}

/* take_refs - the answers a finding rests on, copied into its evidence */
static void
take_refs(struct hit *f, const struct bl_verdict *v)
{
	size_t i;

	if (v->nrefs == 0)
		return;
	f->ev = bl_xcalloc(v->nrefs, sizeof(*f->ev));
	f->nev = v->nrefs;
	for (i = 0; i < v->nrefs; i++) {
		const struct bl_dns_answer *a = v->refs[i].a;
		struct bl_evidence *e = &f->ev[i];

		e->type = bl_xstrdup(bl_dns_type_name(v->refs[i].t));
		e->name = bl_xstrdup(v->refs[i].subject);
		e->status = bl_xstrdup(bl_dns_status_name(a->status));
		e->data = copy_list(a->data, a->n);
		e->ndata = a->n;
		e->cnames = copy_list(a->cnames, a->ncnames);
		e->ncnames = a->ncnames;
		if (a->status == BL_DNS_TEMPFAIL)
			e->why = bl_xstrdup(a->why);
	}
}

/* surface_check - a per-surface built-in check on sf */
static void
surface_check(struct bl_run *x, const struct bl_rule *r,
	      const struct bl_check *c, const struct bl_surface *sf)
{
	struct bl_verdict v;

	memset(&v, 0, sizeof(v));
	v.level = r->severity;
	switch (c->surface(&x->env, r, sf, &v)) {
	case BL_OUTCOME_YES:
		bl_check_host(&x->env, r, sf,
			      v.text ? v.text : v.detail ? v.detail : "",
			      v.level);
		take_refs(&x->h->v[x->h->n - 1], &v);
		break;
	case BL_OUTCOME_UNKNOWN:
		if (v.unverified)
			unverified(x, r, sf,
				   v.text ? v.text : v.why ? v.why : "no answer");
		else
			bl_check_unknown(&x->env, r, sf,
					 v.why ? v.why : "no answer");
		break;
	case BL_OUTCOME_NO:
		break;
	}
	free(v.text);
}

static void
pattern_rule(struct bl_run *x, const struct bl_rule *r,
	     const struct bl_config *cfg, const struct bl_surface *sf)
{
	const char *text = target_text(sf, r->target);
	size_t ms, me, base = 0;
	enum bl_match hit;
	const char *why;
	char *m;
	struct hit *f;

	if (r->target == BL_TARGET_HOSTNAME) {
		/* allow-hostname: the user vouches for this name */
		if (strcmp(r->name, "hostname-placeholder") == 0 &&
		    bl_check_allowed(&x->env, sf->hostname))
			return;
		base = bl_check_host_offset(sf);
	}
	hit = bl_rule_search(x->rs, r->re, text, 0, &ms, &me, &why);
	if (hit == BL_MATCH_UNKNOWN) {
		bl_check_unknown(&x->env, r, sf, why);
		return;
	}
	if (r->require) {
		if (hit == BL_MATCH_YES)
			return;
		f = add(x, r, cfg, sf,
			bl_check_message(r->message, "", sf->value,
				       sf->hostname));
		blame(f, sf, base, base + strlen(text));
		return;
	}
	if (hit == BL_MATCH_NO)
		return;
	m = bl_xstrndup(text + ms, me - ms);
	f = add(x, r, cfg, sf,
		bl_check_message(r->message, m, sf->value, sf->hostname));
	free(m);
	if (r->target == BL_TARGET_CONFIGURED)
		place_setting(f, sf->origin[0].setting, ms, me - ms);
	else
		blame(f, sf, base + ms, base + me);
}

static int
by_place(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->rule->id, y->rule->id);
}

/* Sort the findings from first on (none yet: no array to sort). */
static void
sort_findings(struct hits *out, size_t first)
{
	if (out->n > first + 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v),
		      by_place);
}

/* One finding per rule and place: the same text seen by several listeners
 * is one problem to fix. */
static void
dedupe(struct hits *out, size_t first)
{
	size_t i, k = first;

	for (i = first; i < out->n; i++) {
		struct hit *f = &out->v[i];

		if (k > first) {
			struct hit *p = &out->v[k - 1];

			if (p->rule == f->rule && p->src == f->src &&
			    ((p->src != NULL && p->off == f->off &&
			      p->len == f->len) ||
			     (p->src == NULL &&
			      strcmp(p->file, f->file) == 0 &&
			      strcmp(p->message, f->message) == 0))) {
				p->also++;
				free(f->message);
				bl_evidence_free(f->ev, f->nev);
				continue;
			}
		}
		out->v[k++] = *f;
	}
	out->n = k;
}

/*
 * Did any of these rules run on the instance? A suppression of a rule that
 * was not selected, or of a banner rule where no banner is public, is not
 * "unused": it may matter in another run.
 */
static bool
any_ran(const struct bl_run *x, const struct bl_config *cfg, char **names)
{
	size_t i, j, k;
	bool banners = false;

	for (k = 0; k < cfg->nsurfaces; k++)
		if (cfg->surfaces[k].kind == BL_SURFACE_BANNER &&
		    cfg->surfaces[k].public)
			banners = true;
	for (i = 0; names[i]; i++)
		for (j = 0; j < x->rs->nrules; j++) {
			const struct bl_rule *r = &x->rs->rules[j];

			if (strcasecmp(names[i], "all") != 0 &&
			    strcasecmp(names[i], r->id) != 0 &&
			    strcmp(names[i], r->name) != 0)
				continue;
			if (!enabled(x, r) || !mta_ok(r, cfg->mta))
				continue;
			if ((r->builtin != NULL && r->builtin->surface == NULL) ||
			    (r->applies & BL_APPLIES_HELO) ||
			    ((r->applies & BL_APPLIES_BANNER) && banners))
				return true;
		}
	/* A name that is no rule at all: the suppression is a mistake. */
	for (i = 0; names[i]; i++)
		if (strcasecmp(names[i], "all") != 0 &&
		    bl_ruleset_find(x->rs, names[i]) == NULL)
			return true;
	return false;
}

/* scope_ignored - is scope one .bannerlint.conf's ignore-scope names?
 * (a backslash is literal: Exchange identities are SERVER\Name) */
static bool
scope_ignored(const struct bl_engine_opts *o, const char *scope)
{
	size_t i;

	for (i = 0; o->ignore_scope != NULL && o->ignore_scope[i] != NULL;
	     i++)
		if (fnmatch(o->ignore_scope[i], scope ? scope : "main",
			    FNM_NOESCAPE) == 0)
			return true;
	return false;
}

static void
apply_suppressions(struct bl_run *x, const struct bl_config *cfg, size_t first,
		   struct bl_diags *diags)
{
	struct bl_suppressions sup;
	const struct bl_rule *meta = NULL;
	size_t i, j, k = first;
	bool gone;

	bl_suppressions_scan(&sup, cfg, diags);
	for (i = first; i < x->h->n; i++) {
		struct hit *f = &x->h->v[i];

		gone = (!x->o->no_inline &&
			bl_suppressions_apply(&sup, f->rule->id,
					      f->rule->name, f->src, f->file,
					      f->off)) ||
		       scope_ignored(x->o, f->scope);
		if (gone) {
			free(f->message);
			bl_evidence_free(f->ev, f->nev);
			continue;
		}
		x->h->v[k++] = *f;
	}
	x->h->n = k;
	for (j = 0; j < x->rs->nrules; j++)
		if (x->rs->rules[j].builtin != NULL &&
		    x->rs->rules[j].builtin->meta)
			meta = &x->rs->rules[j];
	for (j = 0; j < sup.n && meta && enabled(x, meta) && !x->o->no_inline;
	     j++) {
		struct hit *f;
		char *names;
		struct bl_buf b;

		if (sup.v[j].used || !any_ran(x, cfg, sup.v[j].rules))
			continue;
		bl_buf_init(&b);
		for (i = 0; sup.v[j].rules[i]; i++)
			bl_buf_printf(&b, "%s%s", i ? "," : "",
				      sup.v[j].rules[i]);
		names = bl_buf_steal(&b);
		f = add(x, meta, cfg, NULL,
			bl_check_message(meta->message, names, "", ""));
		free(names);
		f->src = sup.v[j].src;
		f->file = sup.v[j].src->path;
		f->off = sup.v[j].off;
		f->len = sup.v[j].len;
		f->line = sup.v[j].line;
		f->col = sup.v[j].col;
	}
	bl_suppressions_finish(&sup);
}

/*
 * propose_fixes - the fixer's fix for every finding (fix.c), from what
 * each blames while the instance is alive
 */
static void
propose_fixes(struct hits *hits, size_t first, const struct bl_config *cfg,
	      const struct bl_engine_opts *o)
{
	struct bl_fix_want *w;
	size_t k, n = hits->n - first;

	if (n == 0 || o->no_fixes)
		return;
	w = bl_xcalloc(n, sizeof(*w));
	for (k = 0; k < n; k++) {
		const struct hit *h = &hits->v[first + k];

		w[k].rule = h->rule;
		w[k].surface = h->surface;
		w[k].setting = h->setting;
		w[k].src = h->src;
		w[k].off = h->off;
		w[k].len = h->len;
		if (h->in_value && h->surface != NULL) {
			w[k].in_value = true;
			w[k].raw_off = h->vm_off;
			w[k].raw_len = h->vm_len;
		} else {
			w[k].raw_off = h->raw_off;
			w[k].raw_len = h->raw_len;
		}
	}
	bl_fix_propose(cfg, w, n,
		       o->hostname ? o->hostname : o->fix_hostname);
	for (k = 0; k < n; k++)
		hits->v[first + k].fix = w[k].fix;
	free(w);
}

/* own - s copied, or NULL */
static char *
own(const char *s)
{
	return s != NULL ? bl_xstrdup(s) : NULL;
}

/* lowered_surface - the surface h is about, or the one of its scope (a
 * finding on a setting), when strangers do not reach it; NULL: none */
static const struct bl_surface *
lowered_surface(const struct hit *h, const struct bl_config *cfg)
{
	size_t k;

	if (h->surface != NULL)
		return h->surface->lowered != NULL ? h->surface : NULL;
	for (k = 0; h->scope != NULL && k < cfg->nsurfaces; k++)
		if (cfg->surfaces[k].lowered != NULL &&
		    strcmp(cfg->surfaces[k].scope, h->scope) == 0)
			return &cfg->surfaces[k];
	return NULL;
}

/* lower - a finding on a surface strangers do not reach (an internal
 * connector) one level down, and the message says why */
static void
lower(struct hit *h, const struct bl_config *cfg)
{
	const struct bl_surface *sf = lowered_surface(h, cfg);
	char *m;

	if (sf == NULL)
		return;
	if (h->severity > BL_LEVEL_NOTE)
		h->severity--;
	m = bl_xasprintf("%s (reported one level lower: %s)", h->message,
			 sf->lowered);
	free(h->message);
	h->message = m;
}

/*
 * detach - the self-contained finding of h: every string it prints
 * copied, its end position and source line computed while the instance is
 * still alive (h's message and hint move over)
 */
static void
detach(struct bl_findings *out, struct hit *h)
{
	struct bl_finding *f;
	const char *text;
	size_t len;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = bl_xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	f->rule = h->rule;
	f->severity = h->severity;
	f->message = h->message;
	f->fix = h->fix;
	f->evidence = h->ev;
	f->nevidence = h->nev;
	f->mta = own(h->cfg->mta);
	f->instance = own(h->cfg->name);
	f->file = own(h->file);
	f->key = own(h->key);
	f->scope = own(h->scope);
	f->off = h->off;
	f->len = h->len;
	f->line = h->line;
	f->col = h->col;
	f->also = h->also;
	if (h->src != NULL && h->line > 0) {
		f->placed = true;
		if (h->len > 0)
			bl_source_position(h->src, h->off + h->len,
					   &f->end_line, &f->end_col);
		/* the offsets of the file as it is (a UTF-16 export's text
		 * was decoded); lines are the same */
		f->off = bl_source_file_offset(h->src, h->off);
		f->len = bl_source_file_offset(h->src, h->off + h->len) -
			 f->off;
		text = bl_source_line(h->src, h->line, &len);
		if (text != NULL) {
			f->excerpt = bl_xstrndup(text, len);
			f->excerpt_len = len;
		}
	}
	if (h->surface != NULL) {
		f->surface = bl_xcalloc(1, sizeof(*f->surface));
		f->surface->kind = h->surface->kind;
		f->surface->scope = own(h->surface->scope);
		f->surface->value = own(h->surface->value);
		f->surface->greeting =
			own(h->surface->kind == BL_SURFACE_BANNER &&
					    h->surface->greeting != NULL
				    ? h->surface->greeting
				    : h->surface->value);
	}
}

/* bl_engine_run - append the findings of one instance, in file order */
void
bl_engine_run(const struct bl_ruleset *rs, const struct bl_config *cfg,
	      const struct bl_engine_opts *o, struct bl_findings *out,
	      struct bl_diags *diags)
{
	struct hits hits = {0};
	struct bl_run x = {.rs = rs, .o = o, .out = out, .h = &hits,
			.diags = diags};
	size_t first = 0, k, j;

	x.env.rs = rs;
	x.env.o = o;
	x.env.cfg = cfg;
	x.env.parser = bl_parser_find(cfg->mta);
	x.env.facts = o->facts;
	x.env.ips = o->ips;
	x.env.run = &x;

	/* an include that is not here: nothing said is verified (the note
	 * is the reader's) */
	if (cfg->unread_path != NULL || cfg->unverified != NULL)
		out->unknown++;
	for (j = 0; j < rs->nrules; j++) {
		const struct bl_rule *r = &rs->rules[j];
		const struct bl_check *c = r->builtin;

		if (!enabled(&x, r) || !mta_ok(r, cfg->mta))
			continue;
		if (c != NULL && c->meta)
			continue; /* after the suppressions, below */
		if (c != NULL && c->instance != NULL) {
			/* an UNKNOWN part was noted (bl_check_unknown) */
			(void)c->instance(&x.env, r);
			continue;
		}
		for (k = 0; k < cfg->nsurfaces; k++) {
			const struct bl_surface *sf = &cfg->surfaces[k];

			if (!bl_check_judges(&x.env, r, sf))
				continue;
			if (c != NULL)
				surface_check(&x, r, c, sf);
			else
				pattern_rule(&x, r, cfg, sf);
		}
	}
	sort_findings(&hits, first);
	dedupe(&hits, first);
	apply_suppressions(&x, cfg, first, diags);
	sort_findings(&hits, first);
	propose_fixes(&hits, first, cfg, o);
	for (k = first; k < hits.n; k++)
		lower(&hits.v[k], cfg);
	/* Severity overrides from the configuration. */
	for (k = first; k < hits.n; k++)
		for (j = 0; j < o->nseverity; j++)
			if (strcasecmp(o->severity_ids[j],
				       hits.v[k].rule->id) == 0 ||
			    strcmp(o->severity_ids[j],
				   hits.v[k].rule->name) == 0)
				hits.v[k].severity = o->severity_levels[j];
	for (k = 0; k < hits.n; k++)
		detach(out, &hits.v[k]);
	free(hits.v);
	for (k = 0; k < x.nunverified; k++)
		free(x.unverified[k]);
	free(x.unverified);
}

/* bl_findings_clear - free every finding, keep the array (n = 0) */
void
bl_findings_clear(struct bl_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		struct bl_finding *f = &fs->v[i];

		free(f->message);
		bl_fix_free(f->fix);
		free(f->mta);
		free(f->instance);
		free(f->file);
		free(f->key);
		free(f->scope);
		free(f->excerpt);
		bl_evidence_free(f->evidence, f->nevidence);
		if (f->surface != NULL) {
			free(f->surface->scope);
			free(f->surface->value);
			free(f->surface->greeting);
			free(f->surface);
		}
	}
	fs->n = 0;
}

/* bl_findings_finish - free the findings and the array */
void
bl_findings_finish(struct bl_findings *fs)
{
	bl_findings_clear(fs);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

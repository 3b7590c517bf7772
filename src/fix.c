/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fix.c - from the findings of one instance to edits on its files.
 *
 * Findings are grouped by the setting whose value must change: every leak
 * of one banner setting (the software name, the version, the OS tag, the
 * date) is solved by one new value, computed once from the setting's raw
 * text, with the host name that stands first never touched and no doubled
 * blank or dangling punctuation left behind. The dialect's table says how
 * the value is written in place (value_text) and where a definition goes
 * when only a default is in effect (place_new, render_value). A fix that
 * cannot be made automatically is a manual fix that says why.
 *
 * Fixes own their strings (struct bl_fix in engine.h); nothing here keeps
 * a pointer into the instance once bl_fix_propose returns.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "escape.h"
#include "fix.h"
#include "parser.h"
#include "util.h"

/* One change of a raw value: [off, off + len) becomes text. */
struct op {
	size_t off, len;
	const char *text; /* "" drops */
};

enum group_kind {
	GROUP_VALUE,  /* the setting gets a new value */
	GROUP_DELETE, /* the statement goes (a shadowed duplicate) */
	GROUP_COMMENT, /* the comment line goes (an unused suppression) */
};

struct group {
	enum group_kind kind;
	const struct bl_setting *target; /* VALUE, DELETE */
	const struct bl_source *src;     /* COMMENT */
	size_t off, len;                 /* COMMENT */
	bool banner;
	struct op *ops;
	size_t nops;
	enum bl_fix_safety safety;
	struct bl_fix *fix;
};

struct groups {
	struct group *v;
	size_t n, cap;
	unsigned next_id;
};

/* bl_fix_safety_name - the tier's name (static) */
const char *
bl_fix_safety_name(enum bl_fix_safety s)
{
	switch (s) {
	case BL_FIX_SAFE:
		return "safe";
	case BL_FIX_UNSAFE:
		return "unsafe";
	case BL_FIX_MANUAL:
		break;
	}
	return "manual";
}

/* bl_fix_free - free f (NULL: nothing) */
void
bl_fix_free(struct bl_fix *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nedits; i++) {
		free(f->edits[i].file);
		free(f->edits[i].text);
	}
	free(f->edits);
	free(f->text);
	free(f->note);
	free(f);
}

/* own - a copy of s, or NULL */
static char *
own(const char *s)
{
	return s != NULL ? bl_xstrdup(s) : NULL;
}

/* bl_fix_copy - a deep copy of f (caller frees) */
struct bl_fix *
bl_fix_copy(const struct bl_fix *f)
{
	struct bl_fix *c;
	size_t i;

	if (f == NULL)
		return NULL;
	c = bl_xcalloc(1, sizeof(*c));
	*c = *f;
	c->text = own(f->text);
	c->note = own(f->note);
	c->edits = f->nedits ? bl_xcalloc(f->nedits, sizeof(*c->edits)) : NULL;
	for (i = 0; i < f->nedits; i++) {
		c->edits[i] = f->edits[i];
		c->edits[i].file = own(f->edits[i].file);
		c->edits[i].text = own(f->edits[i].text);
	}
	return c;
}

/* bl_fix_withdraw - f becomes manual: its edits go, why is said */
void
bl_fix_withdraw(struct bl_fix *f, const char *why)
{
	size_t i;
	char *note;

	for (i = 0; i < f->nedits; i++) {
		free(f->edits[i].file);
		free(f->edits[i].text);
	}
	free(f->edits);
	f->edits = NULL;
	f->nedits = 0;
	f->safety = BL_FIX_MANUAL;
	f->command = false;
	note = f->note != NULL ? bl_xasprintf("not applied: %s (%s)", why,
					      f->note)
			       : bl_xasprintf("not applied: %s", why);
	free(f->note);
	f->note = note;
}

/* ---- the new value ---- */

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char
closer_of(char c)
{
	switch (c) {
	case '(':
		return ')';
	case '[':
		return ']';
	case '{':
		return '}';
	case '<':
		return '>';
	default:
		return '\0';
	}
}

static bool
separator(char c)
{
	return c != '\0' && strchr(";,:/|-", c) != NULL;
}

static int
by_op(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

/*
 * tidy - the blanks and punctuation around a dropped piece at *at of b:
 * the blanks on both sides become one (none at either end), an opening
 * bracket left just before its closer goes with it, and a separator left
 * dangling at the end or before another goes
 */
static void
tidy(struct bl_buf *b, size_t at)
{
	size_t l = at, r = at;
	bool again = true;
	char *d = b->data;
	struct bl_buf t;
	const char *join;

	if (d == NULL || at > b->len)
		return;
	while (again) {
		again = false;
		while (l > 0 && blank(d[l - 1]))
			l--;
		while (r < b->len && blank(d[r]))
			r++;
		if (l > 0 && r < b->len && closer_of(d[l - 1]) != '\0' &&
		    closer_of(d[l - 1]) == d[r]) {
			l--;
			r++;
			again = true;
			continue;
		}
		if (l > 0 && separator(d[l - 1]) &&
		    (r == b->len || separator(d[r]) || closer_of(d[r]) ||
		     d[r] == ')' || d[r] == ']')) {
			l--;
			again = true;
			continue;
		}
		if (r < b->len && separator(d[r])) {
			r++;
			again = true;
		}
	}
	join = l == 0 || r == b->len || closer_of(d[l - 1]) != '\0' ||
			       d[r] == ')' || d[r] == ']' || d[r] == '}' ||
			       d[r] == '>'
		       ? ""
		       : " ";
	bl_buf_init(&t);
	bl_buf_add(&t, d, l);
	bl_buf_adds(&t, join);
	bl_buf_add(&t, d + r, b->len - r);
	bl_buf_finish(b);
	*b = t;
	if (b->data == NULL)
		bl_buf_adds(b, "");
}

/* first_word_end - where the first word of v ends */
static size_t
first_word_end(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n && blank(v[i]))
		i++;
	while (i < n && !blank(v[i]))
		i++;
	return i;
}

/*
 * new_value - raw[0, n) with ops applied (caller frees); a banner that is
 * left with its host name alone gets " ESMTP" after it. NULL when an op
 * would touch the first word of a banner and the group does not set the
 * whole value (the host name stands first). The banner's text starts at
 * lead (past the dialect's banner_lead, Exchange's "220 ").
 */
static char *
new_value(const char *raw, size_t n, struct op *ops, size_t nops,
	  bool banner, bool keep_first, size_t lead)
{
	struct bl_buf b;
	size_t *junction, nj = 0, i, at = 0,
			  fw = lead + first_word_end(raw + lead, n - lead);
	bool dropped = false;

	qsort(ops, nops, sizeof(*ops), by_op);
	/* drops with only blanks and separators between them are one */
	for (i = 0; i + 1 < nops; i++) {
		struct op *x = &ops[i], *y = &ops[i + 1];
		size_t k, end = x->off + x->len;
		bool joins = x->text[0] == '\0' && y->text[0] == '\0' &&
			     y->off >= end;

		for (k = end; joins && k < y->off; k++)
			if (!blank(raw[k]) && !separator(raw[k]))
				joins = false;
		if (!joins)
			continue;
		y->len = y->off + y->len - x->off;
		y->off = x->off;
		x->len = 0; /* merged into the next */
	}
	junction = bl_xcalloc(nops + 1, sizeof(*junction));
	bl_buf_init(&b);
	bl_buf_adds(&b, "");
	for (i = 0; i < nops; i++) {
		const struct op *o = &ops[i];

		if (o->off < at || (o->len == 0 && o->text[0] == '\0'))
			continue; /* inside the one before, or merged */
		if (keep_first && o->text[0] == '\0' && o->off < fw &&
		    o->len > 0) {
			free(junction);
			bl_buf_finish(&b);
			return NULL;
		}
		bl_buf_add(&b, raw + at, o->off - at);
		if (o->text[0] == '\0' && o->len > 0) {
			junction[nj++] = b.len;
			dropped = true;
		}
		bl_buf_adds(&b, o->text);
		at = o->off + o->len;
	}
	bl_buf_add(&b, raw + at, n - at);
	/* right to left, so the junctions before stay where they are */
	while (nj-- > 0)
		tidy(&b, junction[nj] < b.len ? junction[nj] : b.len);
	free(junction);
	if (banner && dropped && b.len > lead &&
	    lead + first_word_end(b.data + lead, b.len - lead) == b.len)
		bl_buf_adds(&b, " ESMTP");
	return bl_buf_steal(&b);
}

/* manual_fix - a fix that says what to do (caller frees) */
static struct bl_fix *
manual_fix(const char *text)
{
	struct bl_fix *f = bl_xcalloc(1, sizeof(*f));

	f->safety = BL_FIX_MANUAL;
	f->text = bl_xstrdup(text);
	return f;
}

/* ---- groups ---- */

/* same_target - do a and b stand for the same definition (defaults are
 * made per lookup: the same when key, scope and value agree)? */
static bool
same_target(const struct bl_setting *a, const struct bl_setting *b)
{
	if (a == b)
		return true;
	return a->is_default && b->is_default && strcmp(a->key, b->key) == 0 &&
	       strcmp(a->raw, b->raw) == 0 &&
	       strcmp(a->scope ? a->scope : "main",
		      b->scope ? b->scope : "main") == 0;
}

static struct group *
group_for(struct groups *gs, enum group_kind kind,
	  const struct bl_setting *target, const struct bl_source *src,
	  size_t off)
{
	struct group *g;
	size_t i;

	for (i = 0; i < gs->n; i++) {
		g = &gs->v[i];
		if (g->kind != kind)
			continue;
		if (kind == GROUP_COMMENT ? g->src == src && g->off == off
					  : same_target(g->target, target))
			return g;
	}
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? 2 * gs->cap : 8;
		gs->v = bl_xreallocarray(gs->v, gs->cap, sizeof(*gs->v));
	}
	g = &gs->v[gs->n++];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->target = target;
	g->src = src;
	g->off = off;
	return g;
}

static void
group_op(struct group *g, size_t off, size_t len, const char *text,
	 enum bl_fix_safety safety)
{
	g->ops = bl_xreallocarray(g->ops, g->nops + 1, sizeof(*g->ops));
	g->ops[g->nops].off = off;
	g->ops[g->nops].len = len;
	g->ops[g->nops].text = text;
	g->nops++;
	if (safety > g->safety)
		g->safety = safety;
}

/*
 * raw_span - the span of the surface's own setting's raw value that
 * produced [ms, me) of its value: a reference as a whole, literal text as
 * it is. false when part of it is not the own setting's (a reference that
 * only partly matched: the text is another setting's to change).
 */
static bool
raw_span(const struct bl_surface *sf, size_t ms, size_t me, size_t *a,
	 size_t *b)
{
	size_t i;
	bool first = true;

	for (i = 0; i < sf->npieces; i++) {
		const struct bl_piece *p = &sf->pieces[i];
		size_t ps = p->off, pe = p->off + p->len, s, e;

		size_t top_off = p->top_off, top_len = p->top_len;

		if (pe <= ms || ps >= me)
			continue;
		if (top_len == 0 && p->origin != 0) {
			/* the reference in the own setting that brought it */
			size_t k = p->origin;

			while (k != BL_NO_ORIGIN && sf->origin[k].via != 0 &&
			       sf->origin[k].via != BL_NO_ORIGIN)
				k = sf->origin[k].via;
			if (k == BL_NO_ORIGIN || sf->origin[k].via != 0 ||
			    sf->origin[k].ref_len == 0)
				return false;
			top_off = sf->origin[k].ref_off;
			top_len = sf->origin[k].ref_len;
		}
		if (top_len > 0) {
			/* (a reference is dropped whole: what else it
			 * brings, such as the rest of a version, goes too) */
			s = top_off;
			e = top_off + top_len;
		} else if (p->origin == 0) {
			s = p->src_off + (ms > ps ? ms - ps : 0);
			e = p->src_off + ((me < pe ? me : pe) - ps);
		} else {
			return false;
		}
		if (first || s < *a)
			*a = s;
		if (first || e > *b)
			*b = e;
		first = false;
	}
	return !first;
}

/*
 * host_setting - the setting that holds sf's host name as literal text
 * and its span there: through references ($myhostname) to the definition
 * (or default) that writes it. false when the name is made of several
 * pieces.
 */
static bool
host_setting(const struct bl_surface *sf, const struct bl_setting **s,
	     size_t *a, size_t *b)
{
	const char *h = strstr(sf->value, sf->hostname);
	size_t hs, he, i;

	if (h == NULL || *sf->hostname == '\0')
		return false;
	hs = (size_t)(h - sf->value);
	he = hs + strlen(sf->hostname);
	for (i = 0; i < sf->npieces; i++) {
		const struct bl_piece *p = &sf->pieces[i];

		if (hs >= p->off && he <= p->off + p->len) {
			*s = sf->origin[p->origin].setting;
			*a = p->src_off + (hs - p->off);
			*b = *a + (he - hs);
			return *b <= (*s)->raw_len;
		}
	}
	return false;
}

static bool
is_hostname_rule(const struct bl_rule *r)
{
	return strncmp(r->id, "BL2", 3) == 0;
}

/* host_text - how a banner names sf's server: the dialect's reference
 * ($myhostname), else the name it knows (an Exchange connector's Fqdn),
 * else the intended host name; NULL: none */
static const char *
host_text(const struct bl_parser *pr, const struct bl_config *cfg,
	  const struct bl_surface *sf, const char *hostname)
{
	const char *h = NULL;

	if (pr == NULL)
		return NULL;
	if (pr->host_ref != NULL)
		return pr->host_ref;
	if (pr->host_name != NULL)
		h = pr->host_name(cfg, sf);
	return h != NULL ? h : hostname;
}

/* lead_of - where the banner text of s starts (past the dialect's
 * banner_lead when s's value has it) */
static size_t
lead_of(const struct bl_parser *pr, const struct bl_setting *s)
{
	size_t n;

	if (pr == NULL || pr->banner_lead == NULL || s == NULL)
		return 0;
	n = strlen(pr->banner_lead);
	return s->raw_len >= n && strncmp(s->raw, pr->banner_lead, n) == 0
		       ? n
		       : 0;
}

/* want_group - the group w's finding belongs to, its op added; NULL when
 * nothing automatic fixes it */
static struct group *
want_group(struct groups *gs, const struct bl_config *cfg,
	   const struct bl_parser *pr, struct bl_fix_want *w,
	   const char *hostname)
{
	const struct bl_rule *r = w->rule;
	const struct bl_surface *sf = w->surface;
	const struct bl_setting *own_s =
		sf != NULL && sf->norigin > 0 ? sf->origin[0].setting : NULL;
	const char *check = r->builtin != NULL ? r->builtin->name : NULL;
	const char *host;
	struct group *g;
	size_t a = 0, b = 0;

	if (r->fix != NULL && strcmp(r->fix, "drop-match") == 0 &&
	    own_s != NULL && w->raw_len > 0) {
		g = group_for(gs, GROUP_VALUE, own_s, NULL, 0);
		g->banner = sf->kind == BL_SURFACE_BANNER;
		if (!w->in_value && w->setting == own_s) {
			/* a match on the configured text itself */
			a = w->raw_off;
			b = w->raw_off + w->raw_len;
		} else if (!w->in_value ||
			   !raw_span(sf, w->raw_off, w->raw_off + w->raw_len,
				     &a, &b)) {
			w->fix = manual_fix("the text comes from another "
					    "setting that may be used elsewhere: "
					    "change it there by hand");
			return NULL;
		}
		group_op(g, a, b - a, "", BL_FIX_SAFE);
		return g;
	}
	if (check != NULL && strcmp(check, "duplicate-setting") == 0 &&
	    w->setting != NULL && w->setting->src != NULL) {
		g = group_for(gs, GROUP_DELETE, w->setting, NULL, 0);
		g->safety = pr != NULL && pr->duplicate_message != NULL
				    ? BL_FIX_UNSAFE
				    : BL_FIX_SAFE;
		return g;
	}
	if (check != NULL && strcmp(check, "unused-suppression") == 0 &&
	    w->src != NULL) {
		g = group_for(gs, GROUP_COMMENT, NULL, w->src, w->off);
		g->len = w->len;
		g->safety = BL_FIX_SAFE;
		return g;
	}
	if (check != NULL && strcmp(check, "banner-empty") == 0 &&
	    own_s != NULL &&
	    (host = host_text(pr, cfg, sf, hostname)) != NULL) {
		size_t lead = lead_of(pr, own_s);

		g = group_for(gs, GROUP_VALUE, own_s, NULL, 0);
		g->banner = true;
		group_op(g, lead, own_s->raw_len - lead,
			 bl_xasprintf("%s ESMTP", host), BL_FIX_SAFE);
		return g;
	}
	if (check != NULL && strcmp(check, "hostname-first") == 0 &&
	    own_s != NULL &&
	    (host = host_text(pr, cfg, sf, hostname)) != NULL &&
	    /* a banner that starts with the server's name already is fixed
	     * by fixing the name (BL2xx), not by naming it twice */
	    strncmp(own_s->raw + lead_of(pr, own_s), host, strlen(host)) !=
		    0) {
		g = group_for(gs, GROUP_VALUE, own_s, NULL, 0);
		g->banner = true;
		group_op(g, lead_of(pr, own_s), 0, bl_xasprintf("%s ", host),
			 BL_FIX_UNSAFE);
		return g;
	}
	if (r->fix != NULL && strcmp(r->fix, "set-hostname") == 0 &&
	    w->setting != NULL && w->setting->src != NULL &&
	    hostname != NULL) {
		/* the setting the finding is about gets the intended name
		 * (an Exchange send connector's Fqdn) */
		g = group_for(gs, GROUP_VALUE, w->setting, NULL, 0);
		group_op(g, 0, w->setting->raw_len, bl_xstrdup(hostname),
			 BL_FIX_UNSAFE);
		return g;
	}
	if (is_hostname_rule(r) && sf != NULL && hostname != NULL) {
		const struct bl_setting *hs;

		if (!host_setting(sf, &hs, &a, &b))
			return NULL;
		g = group_for(gs, GROUP_VALUE, hs, NULL, 0);
		group_op(g, a, b - a, bl_xstrdup(hostname), BL_FIX_UNSAFE);
		return g;
	}
	return NULL;
}

/* ---- edits ---- */

/* position - bl_source_position, and past a last newline the line after
 * it (an edit that appends) */
static void
position(const struct bl_source *src, size_t off, unsigned *line,
	 unsigned *col)
{
	if (off == src->len && off > 0 && src->data[off - 1] == '\n') {
		*line = (unsigned)src->nlines + 1;
		*col = 1;
		/* a line map that counts the empty line after the newline */
		if (src->nlines > 0 && src->line_start[src->nlines - 1] == off)
			*line = (unsigned)src->nlines;
		return;
	}
	bl_source_position(src, off, line, col);
}

static void
fix_edit(struct bl_fix *f, const struct bl_source *src, const char *path,
	 size_t off, size_t len, const char *text, bool create)
{
	struct bl_edit *e;

	f->edits = bl_xreallocarray(f->edits, f->nedits + 1, sizeof(*f->edits));
	e = &f->edits[f->nedits++];
	memset(e, 0, sizeof(*e));
	e->file = bl_xstrdup(src != NULL ? src->path : path);
	e->off = off;
	e->len = len;
	e->text = bl_xstrdup(text);
	e->create = create;
	if (src != NULL) {
		position(src, off, &e->line, &e->col);
		position(src, off + len, &e->end_line, &e->end_col);
	} else {
		e->line = e->end_line = 1;
		e->col = e->end_col = 1;
	}
}

/* eol - the line ending src uses ("\r\n" when its first line has one) */
static const char *
eol(const struct bl_source *src)
{
	const char *nl = src != NULL ? memchr(src->data, '\n', src->len) : NULL;

	return nl != NULL && nl > src->data && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* line_of - the text of the line holding off once f's edits are made,
 * for the text format */
static char *
result_line(const struct bl_source *src, size_t off, size_t len,
	    const char *text)
{
	size_t a = off, b = off + len;
	struct bl_buf t;

	while (a > 0 && src->data[a - 1] != '\n')
		a--;
	while (b < src->len && src->data[b] != '\n' && src->data[b] != '\r')
		b++;
	bl_buf_init(&t);
	bl_buf_add(&t, src->data + a, off - a);
	bl_buf_adds(&t, text);
	bl_buf_add(&t, src->data + off + len, b - (off + len));
	bl_buf_adds(&t, "");
	return bl_buf_steal(&t);
}

/* editable - may fixes edit src? */
static bool
editable(const struct bl_config *cfg, const struct bl_parser *pr,
	 const struct bl_source *src)
{
	if (src == NULL || src->template_kind != NULL)
		return false;
	return pr == NULL || pr->editable == NULL || pr->editable(cfg, src);
}

/*
 * whole_macros - raw[a, b) of s written in its source as text and whole
 * macro names (an Exim macro's value maps to its name): its ends are
 * literal text, so every name between them is inside, and replacing
 * [*off, *off + *len) of the source drops the uses, never a part of one
 */
static bool
whole_macros(const struct bl_setting *s, size_t a, size_t b, size_t *off,
	     size_t *len)
{
	size_t x, y, i, prev = 0;

	if (b <= a)
		return false;
	x = bl_setting_src_offset(s, a);
	y = bl_setting_src_offset(s, b - 1);
	if (x >= s->src->len || y >= s->src->len || y < x ||
	    s->src->data[x] != s->raw[a])
		return false;
	if (s->src->data[y] != s->raw[b - 1] ||
	    (b < s->raw_len && bl_setting_src_offset(s, b) == y)) {
		/* it ends inside a macro's value, which maps to the
		 * macro's name: the whole value must end here, and the
		 * name goes */
		if (b < s->raw_len && bl_setting_src_offset(s, b) == y)
			return false;
		if (!(s->src->data[y] >= 'A' && s->src->data[y] <= 'Z'))
			return false;
		while (y + 1 < s->src->len &&
		       ((s->src->data[y + 1] >= 'A' &&
			 s->src->data[y + 1] <= 'Z') ||
			(s->src->data[y + 1] >= 'a' &&
			 s->src->data[y + 1] <= 'z') ||
			(s->src->data[y + 1] >= '0' &&
			 s->src->data[y + 1] <= '9') ||
			s->src->data[y + 1] == '_'))
			y++;
	}
	/* offsets never go back: the uses are in order */
	for (i = a; i < b; i++) {
		size_t o = bl_setting_src_offset(s, i);

		if (i > a && o < prev)
			return false;
		prev = o;
	}
	*off = x;
	*len = y + 1 - x;
	return true;
}

/* contiguous - is raw[a, b) of s the same bytes at one run of its
 * source (or text and whole macro uses)? [*off, *off + *len) is where it
 * is there */
static bool
contiguous(const struct bl_setting *s, size_t a, size_t b, size_t *off,
	   size_t *len)
{
	size_t i, prev = 0;

	if (s->nmap == 0) {
		if (s->val_len != s->raw_len ||
		    memcmp(s->src->data + s->val_off, s->raw, s->raw_len) != 0)
			return false;
		*off = s->val_off + a;
		*len = b - a;
		return true;
	}
	*len = 0;
	if (a == b) {
		*off = a < s->raw_len ? bl_setting_src_offset(s, a)
		       : a == 0       ? s->val_off
				      : bl_setting_src_offset(s, a - 1) + 1;
		return true;
	}
	for (i = a; i < b; i++) {
		size_t o = bl_setting_src_offset(s, i);

		if ((i > a && o != prev + 1) || o >= s->src->len ||
		    s->src->data[o] != s->raw[i])
			return whole_macros(s, a, b, off, len);
		if (i == a)
			*off = o;
		prev = o;
	}
	*len = b - a;
	return true;
}

/* value_edit - f's edit setting s to v in place; false when it cannot
 * be written there */
static bool
value_edit(struct bl_fix *f, const struct bl_config *cfg,
	   const struct bl_parser *pr, const struct bl_setting *s,
	   const char *v)
{
	size_t n = strlen(v), p = 0, q = 0, off = 0, span = 0;
	char *text;
	bool whole = false;

	if (pr != NULL && pr->value_text != NULL) {
		text = pr->value_text(cfg, s, v, &whole);
		if (text == NULL)
			return false;
	} else {
		text = bl_xstrdup(v);
	}
	if (whole) {
		/* the statement written anew (master.cf -o { k = v }) */
		fix_edit(f, s->src, NULL, s->stmt_off, s->stmt_len, text,
			 false);
		f->text = result_line(s->src, s->stmt_off, s->stmt_len, text);
		free(text);
		return true;
	}
	if (strcmp(text, v) == 0) {
		/* the bytes that change: v against raw, the common ends
		 * left alone */
		while (p < n && p < s->raw_len && v[p] == s->raw[p])
			p++;
		while (q < n - p && q < s->raw_len - p &&
		       v[n - 1 - q] == s->raw[s->raw_len - 1 - q])
			q++;
		if (contiguous(s, p, s->raw_len - q, &off, &span)) {
			free(text);
			/* a value written where there was none: after a
			 * blank ("key =" becomes "key = value") */
			if (s->raw_len == 0 && off > 0 && n > 0 &&
			    !blank(s->src->data[off - 1]))
				text = bl_xasprintf(" %.*s", (int)(n - p - q),
						    v + p);
			else
				text = bl_xstrndup(v + p, n - p - q);
			fix_edit(f, s->src, NULL, off, span, text, false);
			f->text = result_line(s->src, off, span, text);
			free(text);
			return true;
		}
	}
	/* text a macro of the reader made (an Exim macro): the value is
	 * not written here */
	if (s->nmap > 0) {
		free(text);
		return false;
	}
	fix_edit(f, s->src, NULL, s->val_off, s->val_len, text, false);
	f->text = result_line(s->src, s->val_off, s->val_len, text);
	free(text);
	return true;
}

/* new_edit - f's edit adding a definition of s's key set to v where
 * the dialect puts one; false when it cannot say */
static bool
new_edit(struct bl_fix *f, const struct bl_config *cfg,
	 const struct bl_parser *pr, const struct bl_setting *s, const char *v)
{
	const struct bl_source *src = NULL;
	struct bl_setting d;
	struct bl_buf note, t;
	char *create = NULL, *line;
	size_t off = 0;
	const char *scope = s->scope;

	if (pr == NULL || pr->place_new == NULL || pr->render_value == NULL)
		return false;
	/* a default in effect in a scope (a master.cf service without an
	 * override) is the instance's default: set it for the instance */
	if (s->is_default)
		scope = "main";
	if (pr->place_new(cfg, s->key, scope, &src, &off, &create) < 0)
		return false;
	if (src != NULL && !editable(cfg, pr, src))
		return false;
	memset(&d, 0, sizeof(d));
	d.key = s->key;
	d.scope = scope;
	d.is_default = true;
	bl_buf_init(&note);
	line = pr->render_value(cfg, &d, v, &note);
	bl_buf_finish(&note);
	if (line == NULL) {
		free(create);
		return false;
	}
	bl_buf_init(&t);
	if (src != NULL && off == src->len && off > 0 &&
	    src->data[off - 1] != '\n')
		bl_buf_adds(&t, eol(src));
	bl_buf_adds(&t, line);
	bl_buf_adds(&t, eol(src));
	fix_edit(f, src, create, off, 0, t.data, src == NULL);
	f->text = line;
	if (src == NULL) {
		f->note = bl_xasprintf("%s does not exist: fix --write creates "
				       "it",
				       create);
	} else if (off < src->len) {
		unsigned l, c;

		bl_source_position(src, off, &l, &c);
		f->note = bl_xasprintf("a new line in %s before line %u",
				       src->path, l);
	} else {
		f->note = bl_xasprintf("a new line at the end of %s",
				       src->path);
	}
	bl_buf_finish(&t);
	free(create);
	return true;
}

/* statement_edit - f's edit deleting s's statement, with its line when
 * nothing else is on it; false when other text shares the line */
static bool
line_delete(struct bl_fix *f, const struct bl_source *src, size_t off,
	    size_t len)
{
	size_t a = off, b = off + len, i;

	while (a > 0 && src->data[a - 1] != '\n')
		a--;
	/* a statement that ends with its newline (main.cf's logical line)
	 * ends there */
	if (len > 0 && src->data[off + len - 1] == '\n')
		b = off + len - 1;
	while (b < src->len && src->data[b] != '\n')
		b++;
	for (i = a; i < off; i++)
		if (!blank(src->data[i]))
			return false;
	for (i = off + len; i < b; i++)
		if (!blank(src->data[i]))
			return false;
	(void)i;
	if (b < src->len)
		b++;
	fix_edit(f, src, NULL, a, b - a, "", false);
	f->text = bl_xasprintf("(line %u deleted)", f->edits[f->nedits - 1].line);
	return true;
}

/* group_fix - the fix that solves g */
static struct bl_fix *
group_fix(struct groups *gs, struct group *g, const struct bl_config *cfg,
	  const struct bl_parser *pr)
{
	struct bl_fix *f = bl_xcalloc(1, sizeof(*f));
	const struct bl_setting *s = g->target;
	const char *note;
	char *v;
	bool ok = false;

	f->safety = g->safety;
	f->group = ++gs->next_id;
	switch (g->kind) {
	case GROUP_COMMENT:
		ok = editable(cfg, pr, g->src) &&
		     line_delete(f, g->src, g->off, g->len);
		break;
	case GROUP_DELETE:
		ok = editable(cfg, pr, s->src) &&
		     line_delete(f, s->src, s->stmt_off, s->stmt_len);
		break;
	case GROUP_VALUE:
		v = new_value(s->raw, s->raw_len, g->ops, g->nops, g->banner,
			      true, g->banner ? lead_of(pr, s) : 0);
		if (v != NULL && pr != NULL && pr->tidy_value != NULL) {
			char *t = pr->tidy_value(cfg, s, v);

			free(v);
			v = t;
		}
		if (v == NULL) {
			f->safety = BL_FIX_MANUAL;
			f->text = bl_xstrdup("the host name that stands first "
					     "would change: edit the banner by "
					     "hand");
			return f;
		}
		if (strcmp(v, s->raw) == 0) {
			free(v);
			break;
		}
		if (!s->is_default && editable(cfg, pr, s->src))
			ok = value_edit(f, cfg, pr, s, v);
		else
			ok = new_edit(f, cfg, pr, s, v);
		if (ok && pr != NULL && pr->command != NULL) {
			/* the fix is the command; the edit on the export
			 * verifies it */
			char *c = pr->command(cfg, s, v);

			if (c == NULL) {
				ok = false;
			} else {
				free(f->text);
				f->text = c;
				f->command = true;
			}
		}
		if (!ok) {
			free(f->text);
			f->text = bl_xasprintf("set %s to \"%s\" by hand: its "
					       "value is not written where a "
					       "fix can edit it",
					       s->key, v);
		}
		free(v);
		break;
	}
	if (!ok) {
		f->safety = BL_FIX_MANUAL;
		if (f->text == NULL)
			f->text = bl_xstrdup("no automatic fix: edit the "
					     "statement by hand");
		return f;
	}
	note = pr != NULL && pr->fix_note != NULL ? pr->fix_note(cfg) : NULL;
	if (note != NULL) {
		char *n = f->note != NULL ? bl_xasprintf("%s; %s", f->note, note)
					  : bl_xstrdup(note);

		free(f->note);
		f->note = n;
	}
	return f;
}

/* bl_fix_propose - every finding's fix (see fix.h) */
void
bl_fix_propose(const struct bl_config *cfg, struct bl_fix_want *w, size_t n,
	       const char *hostname)
{
	const struct bl_parser *pr = bl_parser_find(cfg->mta);
	struct groups gs = {0};
	size_t *which = bl_xcalloc(n + 1, sizeof(*which));
	size_t i, k;

	for (i = 0; i < n; i++)
		w[i].fix = NULL;
	for (i = 0; i < n; i++) {
		struct group *g = want_group(&gs, cfg, pr, &w[i], hostname);

		which[i] = g != NULL ? (size_t)(g - gs.v) + 1 : 0;
	}
	for (k = 0; k < gs.n; k++)
		gs.v[k].fix = group_fix(&gs, &gs.v[k], cfg, pr);
	for (i = 0; i < n; i++)
		if (which[i] != 0)
			w[i].fix = bl_fix_copy(gs.v[which[i] - 1].fix);
	for (k = 0; k < gs.n; k++) {
		for (i = 0; i < gs.v[k].nops; i++)
			if (gs.v[k].ops[i].text[0] != '\0')
				free((char *)gs.v[k].ops[i].text);
		free(gs.v[k].ops);
		bl_fix_free(gs.v[k].fix);
	}
	free(gs.v);
	free(which);
}

/* ---- applying and showing edits ---- */

static int
by_edit(const void *a, const void *b)
{
	const struct bl_edit *x = *(const struct bl_edit *const *)a;
	const struct bl_edit *y = *(const struct bl_edit *const *)b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len ? 1 : 0;
}

/* bl_edits_apply - data with the edits made (see fix.h) */
int
bl_edits_apply(const char *data, size_t len, const struct bl_edit *const *e,
	       size_t n, char **out, size_t *outlen)
{
	const struct bl_edit **v = bl_xcalloc(n + 1, sizeof(*v));
	struct bl_buf b;
	size_t i, at = 0;

	memcpy(v, e, n * sizeof(*v));
	qsort(v, n, sizeof(*v), by_edit);
	bl_buf_init(&b);
	bl_buf_adds(&b, "");
	for (i = 0; i < n; i++) {
		if (v[i]->off < at || v[i]->off + v[i]->len > len) {
			free(v);
			bl_buf_finish(&b);
			return -1;
		}
		bl_buf_add(&b, data + at, v[i]->off - at);
		bl_buf_adds(&b, v[i]->text);
		at = v[i]->off + v[i]->len;
	}
	bl_buf_add(&b, data + at, len - at);
	free(v);
	*outlen = b.len;
	*out = bl_buf_steal(&b);
	return 0;
}

/* How far apart (in lines, old and new together) the two texts may be
 * before a change is taken to run to the end: edits are local, and the
 * search is quadratic in it. */
#define SYNC_MAX 256

/* Lines of a text: starts, and the count. */
struct lines {
	const char *s;
	size_t *start; /* n + 1 entries: the last is the text's length */
	size_t n;
};

static void
lines_init(struct lines *l, const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len > 0 && s[len - 1] != '\n')
		n++;
	l->s = s;
	l->n = n;
	l->start = bl_xcalloc(n + 1, sizeof(*l->start));
	n = 0;
	for (i = 0; i < len && n < l->n; i++)
		if (i == 0 || s[i - 1] == '\n')
			l->start[n++] = i;
	l->start[l->n] = len;
}

static bool
line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	size_t la = a->start[i + 1] - a->start[i];
	size_t lb = b->start[j + 1] - b->start[j];

	return la == lb && memcmp(a->s + a->start[i], b->s + b->start[j],
				  la) == 0;
}

static void
put_line(FILE *fp, char mark, const struct lines *l, size_t i)
{
	size_t a = l->start[i], b = l->start[i + 1];

	fputc(mark, fp);
	fwrite(l->s + a, 1, b - a, fp);
	if (b == a || l->s[b - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", fp);
}

/*
 * bl_diff_write - old to new as a unified diff. The edits a fix makes
 * are few and local: the lines that differ are found by walking both
 * texts from the front and matching the rest from the back for each
 * change, a change at a time (a greedy diff that is exact for edits that
 * keep the lines between them).
 */
void
bl_diff_write(FILE *fp, const char *name, const char *old, size_t oldlen,
	      const char *new_, size_t newlen)
{
	struct lines a, b;
	size_t i = 0, j = 0, hi = 0, hj = 0, k;
	/* changes: [ai, ae) of old replaced by [bi, be) of new */
	struct change {
		size_t ai, ae, bi, be;
	} *c = NULL;
	size_t nc = 0, x;

	if (old != NULL && oldlen == newlen && memcmp(old, new_, oldlen) == 0)
		return;
	lines_init(&a, old != NULL ? old : "", old != NULL ? oldlen : 0);
	lines_init(&b, new_, newlen);
	/* common tail, once */
	{
		size_t ta = a.n, tb = b.n;

		while (i < a.n && j < b.n) {
			if (line_eq(&a, i, &b, j)) {
				i++;
				j++;
				continue;
			}
			/* a change: find the next line where they meet again,
			 * the nearest in the sum of both distances */
			{
				size_t best_a = a.n, best_b = b.n, d, da;
				bool found = false;

				for (d = 1; d <= (a.n - i) + (b.n - j) && d <= SYNC_MAX &&
				     !found;
				     d++)
					for (da = 0; da <= d && !found; da++) {
						size_t db = d - da;

						if (i + da > a.n || j + db > b.n)
							continue;
						if (i + da == a.n || j + db == b.n)
							continue;
						if (line_eq(&a, i + da, &b,
							    j + db)) {
							best_a = i + da;
							best_b = j + db;
							found = true;
						}
					}
				if (!found) {
					best_a = a.n;
					best_b = b.n;
					/* the tails may still agree */
					while (best_a > i && best_b > j &&
					       line_eq(&a, best_a - 1, &b,
						       best_b - 1)) {
						best_a--;
						best_b--;
					}
				}
				c = bl_xreallocarray(c, nc + 1, sizeof(*c));
				c[nc].ai = i;
				c[nc].ae = best_a;
				c[nc].bi = j;
				c[nc].be = best_b;
				nc++;
				i = best_a;
				j = best_b;
			}
		}
		if (i < ta || j < tb) {
			c = bl_xreallocarray(c, nc + 1, sizeof(*c));
			c[nc].ai = i;
			c[nc].ae = ta;
			c[nc].bi = j;
			c[nc].be = tb;
			nc++;
		}
	}
	if (nc == 0)
		goto out;
	fprintf(fp, "--- %s%s\n+++ b/%s\n", old != NULL ? "a/" : "",
		old != NULL ? name : "/dev/null", name);
	for (k = 0; k < nc;) {
		/* a hunk: changes whose context (3 lines) meets */
		size_t first = k, last = k, as, ae, bs, be;

		while (last + 1 < nc && c[last + 1].ai - c[last].ae <= 6)
			last++;
		as = c[first].ai > 3 ? c[first].ai - 3 : 0;
		bs = c[first].bi - (c[first].ai - as);
		ae = c[last].ae + 3 < a.n ? c[last].ae + 3 : a.n;
		be = c[last].be + (ae - c[last].ae);
		fprintf(fp, "@@ -%zu", ae - as == 0 ? as : as + 1);
		if (ae - as != 1)
			fprintf(fp, ",%zu", ae - as);
		fprintf(fp, " +%zu", be - bs == 0 ? bs : bs + 1);
		if (be - bs != 1)
			fprintf(fp, ",%zu", be - bs);
		fputs(" @@\n", fp);
		hi = as;
		hj = bs;
		for (x = first; x <= last; x++) {
			for (; hi < c[x].ai; hi++, hj++)
				put_line(fp, ' ', &a, hi);
			for (; hi < c[x].ae; hi++)
				put_line(fp, '-', &a, hi);
			for (; hj < c[x].be; hj++)
				put_line(fp, '+', &b, hj);
		}
		for (; hi < ae; hi++, hj++)
			put_line(fp, ' ', &a, hi);
		k = last + 1;
	}
out:
	free(c);
	free(a.start);
	free(b.start);
}

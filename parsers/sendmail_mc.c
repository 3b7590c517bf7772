/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sendmail_mc.c - sendmail.mc as m4 and sendmail-cf's cf.m4 see it, for the
 * greeting and the names.
 *
 * A small m4: names, quotes (changequote), comments (changecom), macro
 * calls with arguments expanded as they are collected and results rescanned,
 * $1..$9 $# $* $@ in bodies, and the builtins an .mc uses (define,
 * undefine, pushdef, popdef, defn, ifdef, ifelse, dnl, divert, include,
 * sinclude, changequote, changecom, index, len, substr, translit, incr,
 * decr, eval, shift, m4wrap, errprint). cf.m4 itself is modelled rather
 * than run: including it turns comments off (cfhead.m4's changecom) and
 * defines the default greeting; OSTYPE, DOMAIN and HACK read their file
 * from the sendmail-cf tree when there is one; LOCAL_CONFIG text is read
 * as sendmail.cf lines. An .mc that never includes cf.m4 is read as
 * "m4 cf.m4 FILE.mc" reads it, cf.m4 first.
 *
 * The options are written by proto.m4 at the end of input (m4wrap), so the
 * last definition anywhere wins and its value is expanded again then: the
 * raw value of confSMTP_LOGIN_MSG is that expansion, the text the generated
 * "O SmtpGreetingMessage=" line carries. Every byte remembers the file and
 * offset it came from, so settings keep their spans through all of this.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parser.h"
#include "resolve.h"
#include "sendmail.h"
#include "util.h"

#define MAX_DEPTH 64      /* nested includes and expansions */
#define MAX_STEPS 2000000 /* macro calls: a runaway recursion ends here */

static const char *cf_dir_opt;

void
bl_sendmail_set_cf_dir(const char *dir)
{
	cf_dir_opt = dir;
}

/* The cf variables that make a greeting or a name. */
static const char *const watched[] = {"confSMTP_LOGIN_MSG", "confDOMAIN_NAME",
				      "confHELO_NAME"};

struct def {
	struct sm_text body;
	const struct bl_source *src; /* where the define call started */
	size_t off;
	size_t name_at, value_at; /* offsets of name and value in the call */
	struct sm_text name;
	bool from_cf_tree; /* defined by an OSTYPE/DOMAIN/HACK file */
	int builtin;       /* > 0: a builtin, its number */
	struct def *below; /* pushdef stack */
};

struct macro {
	char *name;
	struct def *top;
};

struct frame {
	struct sm_text text; /* owned copy for expansions; files: see src */
	const struct bl_source *src; /* a file frame when non-NULL */
	size_t pos;
	bool is_file, from_cf_tree;
};

struct m4 {
	struct bl_config *cfg;
	struct bl_diags *diags;
	struct frame stack[MAX_DEPTH];
	int depth;
	struct macro *macros;
	size_t nmacros;
	char lq[8], rq[8], bc[8], ec[8];
	int divert;
	bool cf_loaded;
	char *cf_dir;
	struct sm_text local_config; /* diversion 6: LOCAL_CONFIG */
	struct sm_text wrap;         /* m4wrap text */
	unsigned long steps;
	int status;
	const struct bl_source *main;
	/* where the current outermost call started (for defines) */
	const struct bl_source *call_src;
	size_t call_off;
	int nesting; /* argument collection depth */
	bool in_hash_line; /* reading a "#" line with comments off */
	const struct bl_source *hash_src;
	size_t hash_off;
	bool hash_reported;
	bool warned_no_tree;
	bool fatal; /* m4 stops: no sendmail.cf is written */
};

enum builtin {
	B_NONE,
	B_DEFINE,
	B_UNDEFINE,
	B_PUSHDEF,
	B_POPDEF,
	B_DEFN,
	B_IFDEF,
	B_IFELSE,
	B_DNL,
	B_DIVERT,
	B_INCLUDE,
	B_SINCLUDE,
	B_CHANGEQUOTE,
	B_CHANGECOM,
	B_INDEX,
	B_LEN,
	B_SUBSTR,
	B_TRANSLIT,
	B_INCR,
	B_DECR,
	B_EVAL,
	B_SHIFT,
	B_M4WRAP,
	B_ERRPRINT,
	B_IGNORE, /* syscmd, esyscmd, VERSIONID, ... : nothing */
	/* cf.m4 */
	B_OSTYPE,
	B_DOMAIN,
	B_HACK,
	B_FEATURE,
	B_LOCAL_CONFIG,
	B_SECTION, /* LOCAL_RULE_n, MAILER_DEFINITIONS, ...: leaves LOCAL_CONFIG */
};

static const struct {
	const char *name;
	enum builtin b;
	bool cf; /* defined only once cf.m4 is in */
} builtins[] = {
	{"define", B_DEFINE, false},
	{"undefine", B_UNDEFINE, false},
	{"pushdef", B_PUSHDEF, false},
	{"popdef", B_POPDEF, false},
	{"defn", B_DEFN, false},
	{"ifdef", B_IFDEF, false},
	{"ifelse", B_IFELSE, false},
	{"dnl", B_DNL, false},
	{"divert", B_DIVERT, false},
	{"include", B_INCLUDE, false},
	{"sinclude", B_SINCLUDE, false},
	{"changequote", B_CHANGEQUOTE, false},
	{"changecom", B_CHANGECOM, false},
	{"index", B_INDEX, false},
	{"len", B_LEN, false},
	{"substr", B_SUBSTR, false},
	{"translit", B_TRANSLIT, false},
	{"incr", B_INCR, false},
	{"decr", B_DECR, false},
	{"eval", B_EVAL, false},
	{"shift", B_SHIFT, false},
	{"m4wrap", B_M4WRAP, false},
	{"errprint", B_ERRPRINT, false},
	{"syscmd", B_IGNORE, false},
	{"esyscmd", B_IGNORE, false},
	{"VERSIONID", B_IGNORE, true},
	{"OSTYPE", B_OSTYPE, true},
	{"DOMAIN", B_DOMAIN, true},
	{"HACK", B_HACK, true},
	{"FEATURE", B_FEATURE, true},
	{"MAILER", B_FEATURE, true},
	{"LOCAL_CONFIG", B_LOCAL_CONFIG, true},
	{"LOCAL_RULE_0", B_SECTION, true},
	{"LOCAL_RULE_1", B_SECTION, true},
	{"LOCAL_RULE_2", B_SECTION, true},
	{"LOCAL_RULE_3", B_SECTION, true},
	{"LOCAL_RULESETS", B_SECTION, true},
	{"LOCAL_NET_CONFIG", B_SECTION, true},
	{"LOCAL_SRV_FEATURES", B_SECTION, true},
	{"LOCAL_TRY_TLS", B_SECTION, true},
	{"LOCAL_STARTTLS_CLIENT", B_SECTION, true},
	{"MAILER_DEFINITIONS", B_SECTION, true},
	{"DAEMON_OPTIONS", B_IGNORE, true},
	{"CLIENT_OPTIONS", B_IGNORE, true},
	{"MODIFY_MAILER_FLAGS", B_IGNORE, true},
	{"LOCAL_DOMAIN", B_IGNORE, true},
	{"EXPOSED_USER", B_IGNORE, true},
	{"MASQUERADE_AS", B_IGNORE, true},
	{"MASQUERADE_DOMAIN", B_IGNORE, true},
	{"RELAY_DOMAIN", B_IGNORE, true},
};

/* The default greeting cfhead.m4 defines. */
static const char cfhead_greeting[] = "$j Sendmail $v/$Z; $b";

/* ------------------------------------------------------------ macros -- */

static struct macro *
lookup(struct m4 *m, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < m->nmacros; i++)
		if (strlen(m->macros[i].name) == n &&
		    memcmp(m->macros[i].name, name, n) == 0)
			return m->macros[i].top ? &m->macros[i] : NULL;
	return NULL;
}

static struct macro *
slot(struct m4 *m, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < m->nmacros; i++)
		if (strlen(m->macros[i].name) == n &&
		    memcmp(m->macros[i].name, name, n) == 0)
			return &m->macros[i];
	m->macros = bl_xreallocarray(m->macros, m->nmacros + 1,
				     sizeof(*m->macros));
	m->macros[m->nmacros].name = bl_xstrndup(name, n);
	m->macros[m->nmacros].top = NULL;
	return &m->macros[m->nmacros++];
}

static void
free_def(struct def *d)
{
	while (d != NULL) {
		struct def *b = d->below;

		sm_text_finish(&d->body);
		sm_text_finish(&d->name);
		free(d);
		d = b;
	}
}

static struct def *
new_def(void)
{
	struct def *d = bl_xmalloc(sizeof(*d));

	memset(d, 0, sizeof(*d));
	sm_text_init(&d->body);
	sm_text_init(&d->name);
	return d;
}

static void
set_builtin(struct m4 *m, const char *name, enum builtin b)
{
	struct macro *mc = slot(m, name, strlen(name));
	struct def *d = new_def();

	d->builtin = (int)b;
	free_def(mc->top);
	mc->top = d;
}

static bool
is_watched(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < BL_ARRAY_LEN(watched); i++)
		if (strlen(watched[i]) == n && memcmp(watched[i], name, n) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------- input -- */

static void
push_text(struct m4 *m, const struct sm_text *t, size_t from, size_t n)
{
	struct frame *f;

	if (n == 0)
		return;
	if (m->depth == MAX_DEPTH) {
		bl_diags_add(m->diags, BL_LEVEL_ERROR, m->main->path, 0, 0,
			     "m4: expansion nested too deeply (recursive "
			     "macro?)");
		m->status = -1;
		return;
	}
	f = &m->stack[m->depth++];
	memset(f, 0, sizeof(*f));
	sm_text_init(&f->text);
	sm_text_append(&f->text, t, from, n);
	f->from_cf_tree = m->depth > 1 && m->stack[m->depth - 2].from_cf_tree;
}

static bool
push_file(struct m4 *m, const struct bl_source *src, bool cf_tree)
{
	struct frame *f;

	if (m->depth == MAX_DEPTH)
		return false;
	f = &m->stack[m->depth++];
	memset(f, 0, sizeof(*f));
	sm_text_init(&f->text);
	f->src = src;
	f->is_file = true;
	f->from_cf_tree = cf_tree;
	return true;
}

static void
pop(struct m4 *m)
{
	sm_text_finish(&m->stack[m->depth - 1].text);
	m->depth--;
}

/* The next input byte, without taking it: -1 at the end of all input. */
static int
peek_at(struct m4 *m, size_t ahead, const struct bl_source **src,
	size_t *off)
{
	int i;
	size_t k = ahead;

	for (i = m->depth - 1; i >= 0; i--) {
		struct frame *f = &m->stack[i];
		size_t left = f->is_file ? f->src->len - f->pos
					 : f->text.b.len - f->pos;

		if (k < left) {
			if (f->is_file) {
				if (src) {
					*src = f->src;
					*off = f->pos + k;
				}
				return (unsigned char)f->src->data[f->pos + k];
			}
			if (src) {
				*src = f->text.src[f->pos + k];
				*off = f->text.off[f->pos + k];
			}
			return (unsigned char)f->text.b.data[f->pos + k];
		}
		k -= left;
		if (f->is_file)
			return -1; /* m4 does not read past the end of a file
				    * for a token: stop at the boundary */
	}
	return -1;
}

static int
next(struct m4 *m, const struct bl_source **src, size_t *off)
{
	while (m->depth > 0) {
		struct frame *f = &m->stack[m->depth - 1];

		if (f->is_file && f->pos < f->src->len) {
			if (src) {
				*src = f->src;
				*off = f->pos;
			}
			return (unsigned char)f->src->data[f->pos++];
		}
		if (!f->is_file && f->pos < f->text.b.len) {
			if (src) {
				*src = f->text.src[f->pos];
				*off = f->text.off[f->pos];
			}
			return (unsigned char)f->text.b.data[f->pos++];
		}
		if (f->is_file && m->depth == 1)
			return -1;
		pop(m);
	}
	return -1;
}

/* Does the input continue with the string s? */
static bool
looking_at(struct m4 *m, const char *s)
{
	size_t i;

	if (*s == '\0')
		return false;
	for (i = 0; s[i]; i++)
		if (peek_at(m, i, NULL, NULL) != (unsigned char)s[i])
			return false;
	return true;
}

static void
skip(struct m4 *m, size_t n)
{
	while (n-- > 0)
		next(m, NULL, NULL);
}

static bool
name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static void
m4_error(struct m4 *m, const struct bl_source *src, size_t off,
	 const char *msg)
{
	unsigned line = 0, col = 0;

	if (src != NULL)
		bl_source_position(src, off, &line, &col);
	bl_diags_add(m->diags, BL_LEVEL_ERROR, src ? src->path : m->main->path,
		     line, col, "%s", msg);
	m->status = -1;
}

/* ------------------------------------------------------------ output -- */

static void call_macro(struct m4 *m, struct macro *mc,
		       const struct sm_text *name, struct sm_text *sink);

/* Text reaching the output: only LOCAL_CONFIG's diversion is kept. */
static void
emit(struct m4 *m, struct sm_text *sink, const char *s, size_t n,
     const struct sm_text *from, size_t at, const struct bl_source *src,
     size_t off)
{
	struct sm_text *t = sink;

	if (t == NULL) {
		if (m->divert != 6)
			return;
		t = &m->local_config;
	}
	if (from != NULL)
		sm_text_append(t, from, at, n);
	else
		sm_text_add(t, s, n, src, off);
}

/* ------------------------------------------------------------ tokens -- */

enum tok { T_EOF, T_NAME, T_STRING, T_COMMENT, T_CHAR };

/* Read one token into t (strings without their outer quotes). */
static enum tok
token(struct m4 *m, struct sm_text *t)
{
	const struct bl_source *src = NULL;
	size_t off = 0;
	int c;

	sm_text_reset(t);
	/* a token starts after the end of an included file or expansion:
	 * drop the finished frames first (the bottom file stays) */
	while (m->depth > 1) {
		struct frame *f = &m->stack[m->depth - 1];

		if (f->pos < (f->is_file ? f->src->len : f->text.b.len))
			break;
		pop(m);
	}
	c = peek_at(m, 0, &src, &off);
	if (c < 0) {
		c = next(m, &src, &off); /* crosses frame ends */
		if (c < 0)
			return T_EOF;
		sm_text_add(t, (char[]){(char)c}, 1, src, off);
		return name_start(c) ? T_NAME : T_CHAR;
	}
	if (looking_at(m, m->lq)) {
		int level = 1;
		const struct bl_source *s0 = src;
		size_t o0 = off;

		skip(m, strlen(m->lq));
		for (;;) {
			if (looking_at(m, m->rq)) {
				if (--level == 0) {
					skip(m, strlen(m->rq));
					break;
				}
				{
					size_t i, n = strlen(m->rq);

					for (i = 0; i < n; i++) {
						c = next(m, &src, &off);
						sm_text_add(t, (char[]){(char)c}, 1,
							    src, off);
					}
				}
				continue;
			}
			if (looking_at(m, m->lq)) {
				size_t i, n = strlen(m->lq);

				level++;
				for (i = 0; i < n; i++) {
					c = next(m, &src, &off);
					sm_text_add(t, (char[]){(char)c}, 1, src,
						    off);
				}
				continue;
			}
			c = next(m, &src, &off);
			if (c < 0) {
				m4_error(m, s0, o0,
					 "m4: end of file in a quoted string "
					 "(a ` without its ')");
				m->fatal = true;
				return T_EOF;
			}
			sm_text_add(t, (char[]){(char)c}, 1, src, off);
		}
		return T_STRING;
	}
	if (looking_at(m, m->bc)) {
		for (;;) {
			c = next(m, &src, &off);
			if (c < 0)
				break;
			sm_text_add(t, (char[]){(char)c}, 1, src, off);
			if (t->b.len >= strlen(m->ec) &&
			    strcmp(t->b.data + t->b.len - strlen(m->ec), m->ec) == 0 &&
			    t->b.len > strlen(m->bc))
				break;
		}
		return T_COMMENT;
	}
	c = next(m, &src, &off);
	sm_text_add(t, (char[]){(char)c}, 1, src, off);
	if (!name_start(c))
		return T_CHAR;
	for (;;) {
		c = peek_at(m, 0, &src, &off);
		if (c < 0 || !name_char(c))
			break;
		next(m, NULL, NULL);
		sm_text_add(t, (char[]){(char)c}, 1, src, off);
	}
	return T_NAME;
}

/* ---------------------------------------------------------- builtins -- */

struct args {
	struct sm_text *v;
	size_t n;
};

static const char *
arg(const struct args *a, size_t i)
{
	return i < a->n ? a->v[i].b.data ? a->v[i].b.data : "" : "";
}

/* An m4 number: leading blanks, a sign, digits; anything else is 0. */
static long
num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end == s ? 0 : v;
}

static void
push_str(struct m4 *m, const char *s)
{
	struct sm_text t;

	sm_text_init(&t);
	sm_text_add(&t, s, strlen(s), NULL, 0);
	push_text(m, &t, 0, t.b.len);
	sm_text_finish(&t);
}

/* Push text quoted with the current quotes (defn, shift). */
static void
push_quoted(struct m4 *m, const struct sm_text *body)
{
	struct sm_text t;

	sm_text_init(&t);
	sm_text_add(&t, m->lq, strlen(m->lq), NULL, 0);
	sm_text_append(&t, body, 0, body->b.len);
	sm_text_add(&t, m->rq, strlen(m->rq), NULL, 0);
	push_text(m, &t, 0, t.b.len);
	sm_text_finish(&t);
}

static void do_include(struct m4 *m, const char *path, bool silent,
		       bool cf_tree, const struct bl_source *src, size_t off);

static void
note_override(struct m4 *m, const struct def *old, const char *name)
{
	char *msg;

	if (old == NULL || old->src == NULL || old->from_cf_tree ||
	    old->builtin)
		return;
	msg = bl_xasprintf("%s", name);
	bl_config_add_event(m->cfg, "define-overridden", old->src, old->off,
			    old->name.b.len ? old->name.b.len : strlen(name), msg);
	free(msg);
}

static void
do_define(struct m4 *m, const struct args *a, bool push)
{
	struct macro *mc;
	struct def *d;
	const struct sm_text *name = &a->v[1];
	bool cf_tree = m->depth > 0 && m->stack[m->depth - 1].from_cf_tree;
	int i;

	if (a->n < 2 || name->b.len == 0)
		return;
	if (a->n > 3 && m->call_src != NULL) {
		unsigned line, col;

		bl_source_position(m->call_src, m->call_off, &line, &col);
		bl_diags_add(m->diags, BL_LEVEL_WARNING, m->call_src->path, line,
			     col,
			     "m4: excess arguments to define ignored: the value "
			     "ends at the first unquoted comma (quote it: "
			     "`...')");
	}
	for (i = m->depth - 1; i >= 0; i--)
		if (m->stack[i].is_file) {
			cf_tree = m->stack[i].from_cf_tree;
			break;
		}
	mc = slot(m, name->b.data, name->b.len);
	d = new_def();
	if (a->n > 2)
		sm_text_append(&d->body, &a->v[2], 0, a->v[2].b.len);
	sm_text_append(&d->name, name, 0, name->b.len);
	d->src = m->call_src;
	d->off = m->call_off;
	d->from_cf_tree = cf_tree;
	if (is_watched(name->b.data, name->b.len) && cf_tree && mc->top != NULL)
		note_override(m, mc->top, name->b.data);
	if (push) {
		d->below = mc->top;
	} else {
		free_def(mc->top);
	}
	mc->top = d;
}

static long eval_expr(const char **p, int prec, bool *ok);

static long
eval_primary(const char **p, bool *ok)
{
	long v;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p == '(') {
		(*p)++;
		v = eval_expr(p, 0, ok);
		while (**p == ' ')
			(*p)++;
		if (**p == ')')
			(*p)++;
		else
			*ok = false;
		return v;
	}
	if (**p == '-') {
		(*p)++;
		return -eval_primary(p, ok);
	}
	if (**p == '!') {
		(*p)++;
		return !eval_primary(p, ok);
	}
	if (**p >= '0' && **p <= '9')
		return strtol(*p, (char **)p, 10);
	*ok = false;
	return 0;
}

/* Precedence climbing over || && == != < <= > >= + - * / %. */
static long
eval_expr(const char **p, int prec, bool *ok)
{
	static const struct {
		const char *op;
		int prec;
	} ops[] = {{"||", 1}, {"&&", 2}, {"==", 3}, {"!=", 3}, {"<=", 4},
		   {">=", 4}, {"<", 4},  {">", 4},  {"+", 5},  {"-", 5},
		   {"*", 6},  {"/", 6},  {"%", 6}};
	long l = eval_primary(p, ok), r;
	size_t i;

	for (;;) {
		while (**p == ' ' || **p == '\t')
			(*p)++;
		for (i = 0; i < BL_ARRAY_LEN(ops); i++)
			if (strncmp(*p, ops[i].op, strlen(ops[i].op)) == 0)
				break;
		if (i == BL_ARRAY_LEN(ops) || ops[i].prec <= prec)
			return l;
		*p += strlen(ops[i].op);
		r = eval_expr(p, ops[i].prec, ok);
		switch (ops[i].op[0] == '|' ? 'o' : ops[i].op[0] == '&' ? 'a'
			: ops[i].op[1] == '=' ? ops[i].op[0] + 100 : ops[i].op[0]) {
		case 'o': l = l || r; break;
		case 'a': l = l && r; break;
		case '=' + 100: l = l == r; break;
		case '!' + 100: l = l != r; break;
		case '<' + 100: l = l <= r; break;
		case '>' + 100: l = l >= r; break;
		case '<': l = l < r; break;
		case '>': l = l > r; break;
		case '+': l = l + r; break;
		case '-': l = l - r; break;
		case '*': l = l * r; break;
		case '/': l = r ? l / r : (*ok = false, 0); break;
		default: l = r ? l % r : (*ok = false, 0); break;
		}
	}
}

static void
cf_file(struct m4 *m, const char *dir, const struct args *a,
	const struct bl_source *src, size_t off)
{
	char *path;

	if (a->n < 2 || m->cf_dir == NULL)
		return;
	path = bl_xasprintf("%s/%s/%s.m4", m->cf_dir, dir, arg(a, 1));
	do_include(m, path, false, true, src, off);
	free(path);
}

/* What the cf tree's Debian ostype sets, for when there is no tree. */
static void
builtin_ostype(struct m4 *m, const char *name)
{
	struct macro *mc;
	struct def *d;
	static const char debian[] =
		"$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging "
		"access from: ${client_name}(${client_resolve})-$_$.";

	if (strcmp(name, "debian") != 0)
		return;
	mc = slot(m, "confSMTP_LOGIN_MSG", 18);
	note_override(m, mc->top, "confSMTP_LOGIN_MSG");
	d = new_def();
	sm_text_add(&d->body, debian, strlen(debian), NULL, 0);
	d->from_cf_tree = true;
	free_def(mc->top);
	mc->top = d;
}

static void
load_cf(struct m4 *m, const char *path)
{
	struct stat st;
	char *dir = path ? bl_xstrdup(path) : NULL, *s;
	size_t i;

	m->cf_loaded = true;
	m->bc[0] = m->ec[0] = '\0'; /* cfhead.m4: changecom() */
	for (i = 0; i < BL_ARRAY_LEN(builtins); i++)
		if (builtins[i].cf)
			set_builtin(m, builtins[i].name, builtins[i].b);
	{
		struct macro *mc = slot(m, "confSMTP_LOGIN_MSG", 18);
		struct def *d = new_def();

		sm_text_add(&d->body, cfhead_greeting, strlen(cfhead_greeting),
			    NULL, 0);
		d->from_cf_tree = true;
		free_def(mc->top);
		mc->top = d;
	}
	if (cf_dir_opt != NULL) {
		m->cf_dir = bl_xstrdup(cf_dir_opt);
		free(dir);
		return;
	}
	/* .../cf/m4/cf.m4 -> .../cf */
	s = dir ? strrchr(dir, '/') : NULL;
	if (s != NULL) {
		*s = '\0';
		s = strrchr(dir, '/');
		if (s != NULL)
			*s = '\0';
	}
	if (path != NULL && s != NULL && stat(dir, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		m->cf_dir = dir;
		return;
	}
	free(dir);
	if (stat("/usr/share/sendmail/cf/ostype", &st) == 0)
		m->cf_dir = bl_xstrdup("/usr/share/sendmail/cf");
}

static void
call_builtin(struct m4 *m, enum builtin b, const struct args *a,
	     const struct bl_source *src, size_t off)
{
	struct macro *mc;
	char buf[64];
	int c;

	switch (b) {
	case B_DEFINE:
	case B_PUSHDEF:
		do_define(m, a, b == B_PUSHDEF);
		break;
	case B_UNDEFINE:
	case B_POPDEF:
		mc = a->n > 1 ? lookup(m, arg(a, 1), a->v[1].b.len) : NULL;
		if (mc != NULL) {
			struct def *d = mc->top;

			mc->top = b == B_POPDEF ? d->below : NULL;
			if (b == B_POPDEF)
				d->below = NULL;
			free_def(d);
		}
		break;
	case B_DEFN:
		mc = a->n > 1 ? lookup(m, arg(a, 1), a->v[1].b.len) : NULL;
		if (mc != NULL && !mc->top->builtin)
			push_quoted(m, &mc->top->body);
		break;
	case B_IFDEF:
		mc = a->n > 1 ? lookup(m, arg(a, 1), a->v[1].b.len) : NULL;
		if (mc != NULL && a->n > 2)
			push_text(m, &a->v[2], 0, a->v[2].b.len);
		else if (mc == NULL && a->n > 3)
			push_text(m, &a->v[3], 0, a->v[3].b.len);
		break;
	case B_IFELSE: {
		size_t i = 1;

		while (i + 2 < a->n) {
			if (strcmp(arg(a, i), arg(a, i + 1)) == 0) {
				push_text(m, &a->v[i + 2], 0, a->v[i + 2].b.len);
				return;
			}
			i += 3;
		}
		if (i < a->n && i + 1 == a->n)
			push_text(m, &a->v[i], 0, a->v[i].b.len);
		break;
	}
	case B_DNL:
		while ((c = next(m, NULL, NULL)) >= 0 && c != '\n')
			;
		break;
	case B_DIVERT:
		m->divert = a->n > 1 && a->v[1].b.len ? (int)num(arg(a, 1)) : 0;
		break;
	case B_INCLUDE:
	case B_SINCLUDE:
		if (a->n > 1)
			do_include(m, arg(a, 1), b == B_SINCLUDE, false, src, off);
		break;
	case B_CHANGEQUOTE:
		snprintf(m->lq, sizeof(m->lq), "%s", a->n > 1 ? arg(a, 1) : "`");
		snprintf(m->rq, sizeof(m->rq), "%s",
			 a->n > 2 ? arg(a, 2) : a->n > 1 ? "'" : "'");
		if (a->n == 1) {
			snprintf(m->lq, sizeof(m->lq), "`");
			snprintf(m->rq, sizeof(m->rq), "'");
		}
		break;
	case B_CHANGECOM:
		snprintf(m->bc, sizeof(m->bc), "%s", a->n > 1 ? arg(a, 1) : "");
		snprintf(m->ec, sizeof(m->ec), "%s",
			 a->n > 2 ? arg(a, 2) : "\n");
		break;
	case B_INDEX: {
		const char *h = arg(a, 1), *f = strstr(h, arg(a, 2));

		snprintf(buf, sizeof(buf), "%ld", f ? (long)(f - h) : -1L);
		push_str(m, buf);
		break;
	}
	case B_LEN:
		snprintf(buf, sizeof(buf), "%zu", strlen(arg(a, 1)));
		push_str(m, buf);
		break;
	case B_SUBSTR: {
		long from = num(arg(a, 2)), len = strlen(arg(a, 1));
		long n = a->n > 3 ? num(arg(a, 3)) : len - from;

		if (from >= 0 && from <= len && n > 0) {
			if (from + n > len)
				n = len - from;
			push_text(m, &a->v[1], (size_t)from, (size_t)n);
		}
		break;
	}
	case B_TRANSLIT: {
		const char *s = arg(a, 1), *from = arg(a, 2), *to = arg(a, 3);
		struct bl_buf o;

		bl_buf_init(&o);
		for (; *s; s++) {
			const char *p = strchr(from, *s);

			if (p == NULL)
				bl_buf_addc(&o, *s);
			else if ((size_t)(p - from) < strlen(to))
				bl_buf_addc(&o, to[p - from]);
		}
		push_str(m, o.data ? o.data : "");
		bl_buf_finish(&o);
		break;
	}
	case B_INCR:
	case B_DECR:
		snprintf(buf, sizeof(buf), "%ld",
			 num(arg(a, 1)) + (b == B_INCR ? 1 : -1));
		push_str(m, buf);
		break;
	case B_EVAL: {
		const char *p = arg(a, 1);
		bool ok = true;
		long v = eval_expr(&p, 0, &ok);

		snprintf(buf, sizeof(buf), "%ld", ok ? v : 0L);
		push_str(m, buf);
		break;
	}
	case B_SHIFT: {
		struct sm_text t;
		size_t i;

		sm_text_init(&t);
		for (i = 2; i < a->n; i++) {
			if (i > 2)
				sm_text_add(&t, ",", 1, NULL, 0);
			sm_text_add(&t, m->lq, strlen(m->lq), NULL, 0);
			sm_text_append(&t, &a->v[i], 0, a->v[i].b.len);
			sm_text_add(&t, m->rq, strlen(m->rq), NULL, 0);
		}
		push_text(m, &t, 0, t.b.len);
		sm_text_finish(&t);
		break;
	}
	case B_M4WRAP:
		if (a->n > 1)
			sm_text_append(&m->wrap, &a->v[1], 0, a->v[1].b.len);
		break;
	case B_ERRPRINT:
	case B_IGNORE:
	case B_NONE:
	case B_FEATURE:
		break;
	case B_OSTYPE:
	case B_DOMAIN:
	case B_HACK:
		if (m->cf_dir != NULL) {
			cf_file(m, b == B_OSTYPE ? "ostype"
				   : b == B_DOMAIN ? "domain" : "hack",
				a, src, off);
			break;
		}
		if (!m->warned_no_tree && src != NULL) {
			unsigned line, col;

			bl_source_position(src, off, &line, &col);
			bl_diags_add(m->diags, BL_LEVEL_NOTE, src->path, line,
				     col,
				     "the sendmail-cf tree is not here (no "
				     "/usr/share/sendmail/cf, no --sendmail-cf "
				     "DIR): OSTYPE, DOMAIN and HACK files are "
				     "not read; OSTYPE(`debian') is taken to "
				     "define Debian 12's greeting");
			m->warned_no_tree = true;
		}
		if (b == B_OSTYPE && a->n > 1)
			builtin_ostype(m, arg(a, 1));
		break;
	case B_LOCAL_CONFIG:
		m->divert = 6;
		break;
	case B_SECTION:
		m->divert = 9;
		break;
	}
}

static void
do_include(struct m4 *m, const char *path, bool silent, bool cf_tree,
	   const struct bl_source *src, size_t off)
{
	struct bl_source *s;
	struct bl_diags quiet;
	char *full;
	size_t n = strlen(path);
	int i;

	if (n >= 5 && strcmp(path + n - 5, "cf.m4") == 0 && !m->cf_loaded &&
	    (n == 5 || path[n - 6] == '/')) {
		load_cf(m, path);
		return;
	}
	/* the tree's files name the tree where Debian installs it */
	if (m->cf_dir != NULL &&
	    strncmp(path, "/usr/share/sendmail/cf/", 23) == 0) {
		full = bl_xasprintf("%s/%s", m->cf_dir, path + 23);
		cf_tree = true;
	}
	/* m4 opens relative names from its working directory; sendmail.mc is
	 * built in its own directory (make -C /etc/mail, sendmailconfig) */
	else if (path[0] != '/' && !cf_tree &&
		 strchr(m->main->path, '/') != NULL)
		full = bl_xasprintf("%.*s/%s",
				    (int)(strrchr(m->main->path, '/') -
					  m->main->path),
				    m->main->path, path);
	else
		full = bl_xstrdup(path);
	for (i = 0; i < m->depth; i++)
		if (m->stack[i].is_file &&
		    strcmp(m->stack[i].src->path, full) == 0) {
			char *msg = bl_xasprintf("m4: include of %s makes a "
						 "loop",
						 full);

			m4_error(m, src, off, msg);
			free(msg);
			free(full);
			return;
		}
	bl_diags_init(&quiet);
	if (bl_source_load(&s, full, 0, &quiet) < 0) {
		/* a file of the tree that is not there: the tree's business */
		if (!silent && !(cf_tree && m->stack[m->depth - 1].from_cf_tree)) {
			char *msg = bl_xasprintf("m4: cannot open `%s': the "
						 "file cannot be read",
						 path);

			m4_error(m, src, off, msg);
			free(msg);
		}
		bl_diags_finish(&quiet);
		free(full);
		return;
	}
	bl_diags_finish(&quiet);
	bl_config_add_source(m->cfg, s);
	if (!push_file(m, s, cf_tree))
		m4_error(m, src, off, "m4: includes nested too deeply");
	free(full);
}

/* ------------------------------------------------------- expansion -- */

static void
free_args(struct args *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		sm_text_finish(&a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* Collect "(a, b, ...)" after a macro name; macro calls in the arguments
 * are expanded and their results rescanned as part of the argument. */
static void
collect_args(struct m4 *m, struct args *a, const struct bl_source *src,
	     size_t off)
{
	struct sm_text tok;
	int level = 0;
	enum tok k;

	sm_text_init(&tok);
	next(m, NULL, NULL); /* ( */
	a->v = bl_xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	sm_text_init(&a->v[a->n++]);
	m->nesting++;
	for (;;) {
		struct sm_text *cur = &a->v[a->n - 1];
		int c = peek_at(m, 0, NULL, NULL);

		if (m->status < 0 && m->depth == 0)
			break;
		/* leading unquoted white space of an argument is dropped */
		if (cur->b.len == 0 && (c == ' ' || c == '\t' || c == '\n' ||
					c == '\r')) {
			next(m, NULL, NULL);
			continue;
		}
		k = token(m, &tok);
		if (k == T_EOF) {
			if (!m->fatal)
				m4_error(m, src, off,
					 "m4: end of file in the arguments of a "
					 "macro call (a ( without its ))");
			m->fatal = true;
			break;
		}
		if (k == T_CHAR && level == 0 &&
		    (tok.b.data[0] == ',' || tok.b.data[0] == ')')) {
			if (tok.b.data[0] == ')')
				break;
			a->v = bl_xreallocarray(a->v, a->n + 1, sizeof(*a->v));
			sm_text_init(&a->v[a->n++]);
			continue;
		}
		if (k == T_CHAR && tok.b.data[0] == '(')
			level++;
		if (k == T_CHAR && tok.b.data[0] == ')')
			level--;
		if (k == T_NAME) {
			struct macro *mc = lookup(m, tok.b.data, tok.b.len);

			if (mc != NULL) {
				call_macro(m, mc, &tok, cur);
				continue;
			}
		}
		sm_text_append(cur, &tok, 0, tok.b.len);
	}
	m->nesting--;
	sm_text_finish(&tok);
}

/* A user macro's body with $0-$9, $#, $* and $@ replaced. */
static void
substitute(struct m4 *m, const struct def *d, const struct args *a)
{
	const struct sm_text *b = &d->body;
	struct sm_text t;
	size_t i, k;

	sm_text_init(&t);
	for (i = 0; i < b->b.len; i++) {
		char c = b->b.data[i];
		char nx = i + 1 < b->b.len ? b->b.data[i + 1] : '\0';

		if (c == '$' && nx >= '0' && nx <= '9') {
			k = (size_t)(nx - '0');
			if (k < a->n)
				sm_text_append(&t, &a->v[k], 0, a->v[k].b.len);
			i++;
			continue;
		}
		if (c == '$' && nx == '#') {
			char buf[32];

			snprintf(buf, sizeof(buf), "%zu", a->n ? a->n - 1 : 0);
			sm_text_add(&t, buf, strlen(buf), NULL, 0);
			i++;
			continue;
		}
		if (c == '$' && (nx == '*' || nx == '@')) {
			for (k = 1; k < a->n; k++) {
				if (k > 1)
					sm_text_add(&t, ",", 1, NULL, 0);
				if (nx == '@')
					sm_text_add(&t, m->lq, strlen(m->lq),
						    NULL, 0);
				sm_text_append(&t, &a->v[k], 0, a->v[k].b.len);
				if (nx == '@')
					sm_text_add(&t, m->rq, strlen(m->rq),
						    NULL, 0);
			}
			i++;
			continue;
		}
		sm_text_append(&t, b, i, 1);
	}
	push_text(m, &t, 0, t.b.len);
	sm_text_finish(&t);
}

/* A call of a defined macro whose name was just read. */
static void
call_macro(struct m4 *m, struct macro *mc, const struct sm_text *name,
	   struct sm_text *sink)
{
	const struct bl_source *src = name->src[0];
	size_t off = name->off[0];
	struct def *d = mc->top;
	struct args a = {NULL, 0};

	(void)sink;
	if (++m->steps > MAX_STEPS) {
		if (m->steps == MAX_STEPS + 1)
			m4_error(m, src ? src : m->main, off,
				 "m4: too many macro calls (a recursive "
				 "definition?)");
		return;
	}
	if (m->in_hash_line && !m->hash_reported &&
	    d->builtin != (int)B_DNL) {
		bl_config_add_event(m->cfg, "hash-line-expanded", m->hash_src,
				    m->hash_off, 1, mc->name);
		m->hash_reported = true;
	}
	a.v = bl_xmalloc(sizeof(*a.v));
	sm_text_init(&a.v[0]);
	sm_text_append(&a.v[0], name, 0, name->b.len);
	a.n = 1;
	if (peek_at(m, 0, NULL, NULL) == '(')
		collect_args(m, &a, src, off);
	if (d->builtin) {
		const struct bl_source *cs = m->call_src;
		size_t co = m->call_off;

		m->call_src = src;
		m->call_off = off;
		/* the def may be freed by the call (define of itself) */
		call_builtin(m, (enum builtin)d->builtin, &a, src, off);
		m->call_src = cs;
		m->call_off = co;
	} else {
		substitute(m, d, &a);
	}
	free_args(&a);
}

/* Read input to its end; text reaches the output (LOCAL_CONFIG only). */
static void
run(struct m4 *m)
{
	struct sm_text tok;
	bool bol;
	enum tok k;

	sm_text_init(&tok);
	while ((k = token(m, &tok)) != T_EOF) {
		if (k == T_NAME) {
			struct macro *mc = lookup(m, tok.b.data, tok.b.len);

			if (mc != NULL) {
				call_macro(m, mc, &tok, NULL);
				continue;
			}
		}
		bol = tok.src[0] != NULL &&
		      (tok.off[0] == 0 || tok.src[0]->data[tok.off[0] - 1] == '\n');
		if (bol)
			m->in_hash_line = false;
		if (k == T_CHAR && tok.b.data[0] == '#' && bol && m->cf_loaded &&
		    tok.src[0] == m->main) {
			m->in_hash_line = true;
			m->hash_reported = false;
			m->hash_src = tok.src[0];
			m->hash_off = tok.off[0];
		}
		emit(m, NULL, tok.b.data, tok.b.len, &tok, 0, NULL, 0);
	}
	sm_text_finish(&tok);
}

/* The text the generated cf line carries: the macro expanded again, as
 * proto.m4 does when it writes the option at the end of input. */
static void
final_value(struct m4 *m, const char *name, struct sm_text *out)
{
	struct macro *mc = lookup(m, name, strlen(name));
	struct sm_text tok;
	enum tok k;
	int base = m->depth;

	if (mc == NULL || mc->top->builtin)
		return;
	{
		/* proto.m4 calls the macro without arguments: $1.. go */
		struct args a;
		struct sm_text nm;

		sm_text_init(&nm);
		sm_text_add(&nm, name, strlen(name), NULL, 0);
		a.v = &nm;
		a.n = 1;
		substitute(m, mc->top, &a);
		sm_text_finish(&nm);
	}
	if (m->depth == base)
		return;
	sm_text_init(&tok);
	while (m->depth > base) {
		struct frame *f = &m->stack[m->depth - 1];

		if (!f->is_file && f->pos >= f->text.b.len) {
			pop(m);
			continue;
		}
		k = token(m, &tok);
		if (k == T_EOF)
			break;
		if (k == T_NAME) {
			struct macro *x = lookup(m, tok.b.data, tok.b.len);

			if (x != NULL) {
				call_macro(m, x, &tok, NULL);
				continue;
			}
		}
		sm_text_append(out, &tok, 0, tok.b.len);
	}
	while (m->depth > base)
		pop(m);
	sm_text_finish(&tok);
}

/* A generated line's setting: key from the define's name argument. */
static void
generated(struct m4 *m, const char *name)
{
	struct macro *mc = lookup(m, name, strlen(name));
	struct sm_text v, all;
	struct bl_setting *s;
	const struct def *d;

	if (mc == NULL || mc->top->builtin)
		return;
	d = mc->top;
	sm_text_init(&v);
	final_value(m, name, &v);
	/* the cf line ends at a newline not followed by a blank (a folded
	 * continuation); the rest would be lines of their own */
	{
		size_t i;

		for (i = 0; i < v.b.len; i++)
			if (v.b.data[i] == '\n' &&
			    (i + 1 == v.b.len ||
			     (v.b.data[i + 1] != ' ' && v.b.data[i + 1] != '\t'))) {
				v.b.len = i;
				v.b.data[i] = '\0';
				break;
			}
	}
	sm_text_init(&all);
	sm_text_append(&all, &d->name, 0, d->name.b.len);
	sm_text_append(&all, &v, 0, v.b.len);
	if (d->name.b.len == 0)
		sm_text_add(&all, "", 0, NULL, 0);
	s = sm_setting(m->cfg, name, &all, 0, d->name.b.len, d->name.b.len,
		       all.b.len);
	if (d->name.b.len == 0 && d->src == NULL) {
		/* cfhead.m4's or a built-in default */
		s->is_default = true;
		s->src = NULL;
	}
	sm_shadow(m->cfg, s);
	sm_text_finish(&v);
	sm_text_finish(&all);
}

/* Does the .mc include cf.m4 itself (Debian's style)? */
static bool
includes_cf_m4(const struct bl_source *src)
{
	const char *p = src->data;

	while ((p = strstr(p, "include(")) != NULL) {
		const char *e = strchr(p, ')');
		const char *f = strstr(p, "cf.m4");

		if (e != NULL && f != NULL && f < e)
			return true;
		p += 8;
	}
	return false;
}

static int
parse_mc(struct bl_config *cfg, struct bl_source *src, struct bl_diags *diags)
{
	struct m4 m;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.cfg = cfg;
	m.diags = diags;
	m.main = src;
	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	snprintf(m.lq, sizeof(m.lq), "`");
	snprintf(m.rq, sizeof(m.rq), "'");
	snprintf(m.bc, sizeof(m.bc), "#");
	snprintf(m.ec, sizeof(m.ec), "\n");
	sm_text_init(&m.local_config);
	sm_text_init(&m.wrap);
	for (i = 0; i < BL_ARRAY_LEN(builtins); i++)
		if (!builtins[i].cf)
			set_builtin(&m, builtins[i].name, builtins[i].b);
	/* "m4 cf.m4 FILE.mc": an .mc that does not include cf.m4 itself */
	if (!includes_cf_m4(src))
		load_cf(&m, NULL);
	push_file(&m, src, false);
	run(&m);
	while (m.depth > 0)
		pop(&m);
	if (m.wrap.b.len > 0) {
		push_text(&m, &m.wrap, 0, m.wrap.b.len);
		run(&m);
		while (m.depth > 0)
			pop(&m);
	}
	if (!m.fatal) {
		const struct bl_setting *raw;

		/* proto.m4's order: Dj, LOCAL_CONFIG, then the options */
		generated(&m, "confDOMAIN_NAME");
		sm_cf_read(cfg, &m.local_config, diags);
		raw = bl_config_lookup(cfg, "SmtpGreetingMessage");
		generated(&m, "confSMTP_LOGIN_MSG");
		if (raw != NULL && raw->src != NULL &&
		    bl_config_lookup(cfg, "confSMTP_LOGIN_MSG") != NULL)
			bl_config_add_event(cfg, "local-config-overridden",
					    raw->src, raw->key_off, raw->key_len,
					    "SmtpGreetingMessage");
		generated(&m, "confHELO_NAME");
	} else {
		/* m4 writes no sendmail.cf: there is nothing to resolve */
		bl_config_add_event(cfg, "no-output", NULL, 0, 0, NULL);
	}
	for (i = 0; i < m.nmacros; i++) {
		free(m.macros[i].name);
		free_def(m.macros[i].top);
	}
	free(m.macros);
	free(m.cf_dir);
	sm_text_finish(&m.local_config);
	sm_text_finish(&m.wrap);
	return m.status;
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	if (role == BL_ROLE_SENDMAIL_CF ||
	    (role != BL_ROLE_SENDMAIL_MC && sm_looks_like_cf(src)))
		return sm_parse_cf(cfg, src, diags);
	return parse_mc(cfg, src, diags);
}

static enum bl_file_role
classify(const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "sendmail.cf") == 0 || strcmp(base, "submit.cf") == 0)
		return BL_ROLE_SENDMAIL_CF;
	if (n > 3 && strcmp(base + n - 3, ".mc") == 0)
		return BL_ROLE_SENDMAIL_MC;
	return BL_ROLE_NONE;
}

static enum bl_file_role
detect(const struct bl_source *src)
{
	if (sm_looks_like_cf(src))
		return BL_ROLE_SENDMAIL_CF;
	if (strstr(src->data, "OSTYPE(") != NULL ||
	    strstr(src->data, "define(`conf") != NULL ||
	    strstr(src->data, "/m4/cf.m4") != NULL)
		return BL_ROLE_SENDMAIL_MC;
	return BL_ROLE_NONE;
}

const struct bl_parser bl_parser_sendmail = {
	.name = "sendmail",
	.classify = classify,
	.detect = detect,
	.default_role = BL_ROLE_SENDMAIL_MC,
	.siblings = NULL,
	.is_template = NULL,
	.parse = parse,
	.resolve = bl_resolve_sendmail,
};

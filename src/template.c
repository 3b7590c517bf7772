/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * template.c - read a configuration-management template as the
 * configuration it renders to.
 *
 * A template (Ansible's main.cf.j2, Chef's exim.conf.erb, a Helm chart's
 * sendmail.mc.tpl) is turned into text the dialect's parser reads, line for
 * line: an expression becomes the placeholder "<template>" (a value only
 * the template engine knows, never judged), control tags and template
 * comments go (a line holding nothing else is left empty), literal text
 * stays, so what the template writes literally is linted as it is. The
 * rendered source records, for each line, the branch of the conditionals
 * it is in, so that one setting in the {% if %} and the {% else %} branch
 * is not a duplicate.
 *
 * Two passes, both linear: the lexer cuts the text into tokens (text,
 * expression, tag, comment) and matches each block's opening tag with its
 * end (a stack); the writer then emits the text. Only a tag or comment left
 * open at the end of the file is an error (every engine refuses it); any
 * other odd structure is read leniently, never failing a template its
 * engine accepts. The rendered source owns its bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "util.h"

enum tok_type {
	T_TEXT,    /* literal text (lit: a fixed replacement) */
	T_EXPR,    /* an expression: the placeholder */
	T_TAG,     /* a control tag */
	T_COMMENT, /* a template comment */
};

enum tok_cls {
	C_NONE,        /* no output: {% set x = 1 %}, <% x = 1 %> */
	C_OPEN,        /* a block that renders here: if, for, with */
	C_OPEN_HIDDEN, /* a block that renders elsewhere: macro, define */
	C_BRANCH,      /* else, elif, when */
	C_CLOSE,       /* endif, end, </#if> */
	C_OUTPUT,      /* a tag that writes text: include, template */
};

#define NO_MATCH SIZE_MAX
/* scan_code: the dialect's own braces, not a tag */
#define DIALECT (SIZE_MAX - 1)

struct tok {
	size_t off, len;
	const char *lit; /* T_TEXT: emitted instead of the span, or NULL */
	unsigned char type, cls;
	bool trim_l, trim_r; /* "{%-", "-%}": blanks beside the tag go */
	size_t match;        /* an opening tag: its end tag, or NO_MATCH */
	unsigned line, end_line;
};

struct lexer {
	const char *d;
	size_t n;
	unsigned flags;
	bool by_name; /* a file named as a template: its engine's rules */
	struct tok *v;
	size_t nv, cap;
	size_t text_from; /* start of the pending literal text */
	unsigned line;    /* of d[lpos] */
	size_t lpos;      /* newlines are counted up to here */
	size_t pos;       /* the tag being read */
	/* an error: the offset of the unterminated tag, or NO_MATCH */
	size_t bad;
	const char *bad_what;
	/* told by content: a tag that found no end makes the rest of its
	 * line literal (offset of that line's end), so that no line is
	 * scanned twice; and closers found nowhere after are not sought
	 * again */
	size_t literal_until;
	unsigned missing; /* MISSING_* bits */
};

enum {
	MISSING_HASH = 1 << 0,	/* "#}" */
	MISSING_ERB = 1 << 1,	/* "%>" */
	MISSING_FTL = 1 << 2,	/* "}" */
	MISSING_FTLC = 1 << 3,	/* "-->" */
	MISSING_RAW = 1 << 4,	/* "{% endraw %}" and the like */
	MISSING_GOC = 1 << 5,	/* "*\/" */
	MISSING_MUST = 1 << 6,	/* "}}" */
	MISSING_NOPARSE = 1 << 7, /* "</#noparse>" */
};

/* bl_template_kind_name - "Jinja", "ERB", "FreeMarker" (static) */
const char *
bl_template_kind_name(enum bl_template_kind kind)
{
	switch (kind) {
	case BL_TEMPLATE_JINJA:
		return "Jinja";
	case BL_TEMPLATE_ERB:
		return "ERB";
	case BL_TEMPLATE_FREEMARKER:
		return "FreeMarker";
	case BL_TEMPLATE_NONE:
		break;
	}
	return "none";
}

/* bl_template_by_name - the kind a file name's extension says */
enum bl_template_kind
bl_template_by_name(const char *base, size_t *stem)
{
	static const struct {
		const char *ext;
		enum bl_template_kind kind;
	} exts[] = {
		{".j2", BL_TEMPLATE_JINJA},	 {".jinja", BL_TEMPLATE_JINJA},
		{".jinja2", BL_TEMPLATE_JINJA},	 {".tmpl", BL_TEMPLATE_JINJA},
		{".tpl", BL_TEMPLATE_JINJA},	 {".gotmpl", BL_TEMPLATE_JINJA},
		{".liquid", BL_TEMPLATE_JINJA},	 {".twig", BL_TEMPLATE_JINJA},
		{".njk", BL_TEMPLATE_JINJA},	 {".mustache", BL_TEMPLATE_JINJA},
		{".hbs", BL_TEMPLATE_JINJA},	 {".handlebars", BL_TEMPLATE_JINJA},
		{".erb", BL_TEMPLATE_ERB},	 {".epp", BL_TEMPLATE_ERB},
		{".ftl", BL_TEMPLATE_FREEMARKER},
	};
	const char *dot = strrchr(base, '.');
	size_t i;

	*stem = strlen(base);
	/* "x.j2" has a stem; ".j2" alone is a hidden file, not a template */
	if (dot == NULL || dot == base)
		return BL_TEMPLATE_NONE;
	for (i = 0; i < BL_ARRAY_LEN(exts); i++)
		if (strcmp(dot, exts[i].ext) == 0) {
			*stem = (size_t)(dot - base);
			return exts[i].kind;
		}
	return BL_TEMPLATE_NONE;
}

/* bl_template_in - does the text hold a template placeholder? */
bool
bl_template_in(const char *s, size_t n)
{
	static const char ph[] = BL_TEMPLATE_PLACEHOLDER;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= sizeof(ph) - 1 &&
		    memcmp(p, ph, sizeof(ph) - 1) == 0)
			return true;
		p++;
	}
	return false;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* word_is - does the word at s (n bytes available) equal w? */
static bool
word_is(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(s, w, k) == 0 && (n == k || !is_word(s[k]));
}

/* word_in - is the word at s one of the NULL-terminated list? */
static bool
word_in(const char *s, size_t n, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (word_is(s, n, list[i]))
			return true;
	return false;
}

/* ------------------------------------------------------------- lexing */

/* advance - move pos to p, counting lines */
static void
advance(struct lexer *x, size_t p)
{
	const char *nl;

	while ((nl = memchr(x->d + x->lpos, '\n', p - x->lpos)) != NULL) {
		x->line++;
		x->lpos = (size_t)(nl - x->d) + 1;
	}
	x->lpos = p;
}

static struct tok *
push(struct lexer *x, enum tok_type type, size_t off, size_t len)
{
	struct tok *t;
	unsigned line;

	if (x->nv == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->v = bl_xreallocarray(x->v, x->cap, sizeof(*x->v));
	}
	advance(x, off);
	line = x->line;
	advance(x, off + len);
	t = &x->v[x->nv++];
	memset(t, 0, sizeof(*t));
	t->off = off;
	t->len = len;
	t->type = (unsigned char)type;
	t->match = NO_MATCH;
	t->line = line;
	t->end_line = x->line;
	return t;
}

/* flush - the literal text before off */
static void
flush(struct lexer *x, size_t off)
{
	if (off > x->text_from)
		push(x, T_TEXT, x->text_from, off - x->text_from);
	x->text_from = off;
}

/* find - offset of s in d[from, n), or NO_MATCH */
static size_t
find(const struct lexer *x, size_t from, const char *s)
{
	size_t k = strlen(s);
	const char *p = x->d + from, *end = x->d + x->n;

	while (p < end && (p = memchr(p, s[0], (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= k && memcmp(p, s, k) == 0)
			return (size_t)(p - x->d);
		p++;
	}
	return NO_MATCH;
}

/*
 * scan_code - the end of a Jinja or Go tag from i (after its opening):
 * the offset of close ("}}", "%}") outside quotes and brackets, or
 * NO_MATCH. An unclosed quote goes to the end of the line only, so that
 * an apostrophe in a tag that is no Jinja cannot swallow the file. In a
 * file told a template by its content a tag ends on its line, and with
 * dollar set a "$" or "{" in it makes it the dialect's own (DIALECT).
 */
static size_t
scan_code(const struct lexer *x, size_t i, const char *close, bool dollar)
{
	const char *d = x->d;
	size_t depth = 0, q;

	for (; i < x->n; i++) {
		char c = d[i];

		if (!x->by_name && c == '\n')
			return NO_MATCH;
		if (dollar && (c == '$' || c == '{'))
			return DIALECT;

		if (c == '"' || c == '\'' || c == '`') {
			for (q = i + 1; q < x->n && d[q] != c && d[q] != '\n';
			     q++)
				if (d[q] == '\\' && c != '`' && q + 1 < x->n)
					q++;
			if (q < x->n && d[q] == c)
				i = q;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (depth < BL_DEPTH_MAX)
				depth++;
			continue;
		}
		if (depth > 0 && (c == ')' || c == ']' || c == '}')) {
			depth--;
			continue;
		}
		if (c == close[0] && i + 1 < x->n && d[i + 1] == close[1])
			return i;
	}
	return NO_MATCH;
}

/* unterminated - a tag open at the end: an error for a file its name
 * makes a template; literal text for one told by its content */
static void
unterminated(struct lexer *x, size_t at, const char *what)
{
	const char *nl;

	if (x->by_name && x->bad == NO_MATCH) {
		x->bad = at;
		x->bad_what = what;
	}
	nl = memchr(x->d + at, '\n', x->n - at);
	x->literal_until = nl != NULL ? (size_t)(nl - x->d) : x->n;
}

/* find_once - find(), remembering a closer that is nowhere after */
static size_t
find_once(struct lexer *x, size_t from, const char *s, unsigned bit)
{
	size_t e;

	if (x->missing & bit)
		return NO_MATCH;
	e = find(x, from, s);
	if (e == NO_MATCH)
		x->missing |= bit;
	return e;
}

/* first_word - skip trim marks and blanks in [i, e): the tag's first
 * word */
static size_t
first_word(const struct lexer *x, size_t i, size_t e)
{
	while (i < e && (x->d[i] == '-' || x->d[i] == '+' || x->d[i] == '~' ||
			 is_blank(x->d[i]) || x->d[i] == '\n'))
		i++;
	return i;
}

/* jinja_stmt_class - what a "{% word ... %}" does */
static enum tok_cls
jinja_stmt_class(const char *w, size_t n, const char *body, size_t blen)
{
	static const char *const open[] = {
		"if",	    "for",	"unless",     "case",	   "ifchanged",
		"ifequal",  "ifnotequal", "tablerow", "block",	   "filter",
		"with",	    "autoescape", "trans",    "call",	   "spaceless",
		"blocktrans", "embed",	"apply",      "sandbox",   NULL};
	static const char *const hidden[] = {"macro", "capture", NULL};
	static const char *const branch[] = {"else", "elif", "elsif", "when",
					     "empty", "pluralize", NULL};
	static const char *const output[] = {"include", "extends", "render",
					     "cycle", "now", "url", NULL};

	if (word_in(w, n, open))
		return C_OPEN;
	if (word_in(w, n, hidden))
		return C_OPEN_HIDDEN;
	/* {% set x %}...{% endset %} is a block; {% set x = 1 %} is not */
	if (word_is(w, n, "set"))
		return memchr(body, '=', blen) != NULL ? C_NONE : C_OPEN_HIDDEN;
	if (word_in(w, n, branch))
		return C_BRANCH;
	if (n > 3 && memcmp(w, "end", 3) == 0 && is_word(w[3]))
		return C_CLOSE;
	if (word_in(w, n, output))
		return C_OUTPUT;
	return C_NONE;
}

/* go_class - a "{{ }}" that is a Go template or Mustache action rather
 * than an expression, or T_EXPR's C_NONE */
static enum tok_cls
go_class(const char *w, size_t n, bool *is_expr)
{
	static const char *const open[] = {"if", "range", "with", "block",
					   NULL};

	*is_expr = false;
	if (n == 0)
		return C_NONE;
	if (w[0] == '#' || w[0] == '^')
		return C_OPEN; /* Mustache section */
	if (w[0] == '/')
		return C_CLOSE;
	if (w[0] == '>')
		return C_OUTPUT; /* Mustache partial */
	if (w[0] == '$') {
		/* Go: "$x := v" and "$x = v" write nothing */
		size_t k = 1;

		while (k < n && is_word(w[k]))
			k++;
		while (k < n && is_blank(w[k]))
			k++;
		if (k < n && (w[k] == ':' || (w[k] == '=' &&
					      (k + 1 >= n || w[k + 1] != '='))))
			return C_NONE;
	}
	if (word_in(w, n, open))
		return C_OPEN;
	if (word_is(w, n, "define"))
		return C_OPEN_HIDDEN;
	if (word_is(w, n, "else"))
		return C_BRANCH;
	if (word_is(w, n, "end"))
		return C_CLOSE;
	if (word_is(w, n, "template"))
		return C_OUTPUT;
	if (word_is(w, n, "break") || word_is(w, n, "continue"))
		return C_NONE;
	*is_expr = true;
	return C_NONE;
}

/* trims - the trim marks of a tag [o, e) with openers of olen bytes and
 * closers of clen bytes */
static void
trims(struct tok *t, const char *d, size_t olen, size_t clen)
{
	t->trim_l = t->len > olen && (d[t->off + olen] == '-');
	t->trim_r = t->len >= olen + clen + 1 &&
		    d[t->off + t->len - clen - 1] == '-';
}

/* raw_end - the "{% endNAME %}" after from: its offset and, in *end, the
 * offset past it; NO_MATCH when there is none */
static size_t
raw_end(struct lexer *x, size_t from, const char *name, size_t *end)
{
	size_t p = from, i, e;

	if (x->missing & MISSING_RAW)
		return NO_MATCH;
	while ((p = find(x, p, "{%")) != NO_MATCH) {
		i = first_word(x, p + 2, x->n);
		if (i + 3 < x->n && memcmp(x->d + i, "end", 3) == 0 &&
		    word_is(x->d + i + 3, x->n - i - 3, name)) {
			e = find(x, i, "%}");
			if (e == NO_MATCH)
				return NO_MATCH;
			*end = e + 2;
			return p;
		}
		p += 2;
	}
	x->missing |= MISSING_RAW;
	return NO_MATCH;
}

/* postfix_brace - is the "{" at d[i] Postfix's own ("${{", "inline:{{")? */
static bool
postfix_brace(const char *d, size_t i)
{
	static const char *const types[] = {"inline", "static",	  "pipemap",
					    "unionmap", "randmap", "texthash",
					    NULL};
	size_t k, n, j;

	if (i > 0 && d[i - 1] == '$')
		return true;
	if (i == 0 || d[i - 1] != ':')
		return false;
	for (k = 0; types[k] != NULL; k++) {
		n = strlen(types[k]);
		if (i < n + 1)
			continue;
		j = i - 1 - n;
		if (memcmp(d + j, types[k], n) == 0 &&
		    (j == 0 || !is_word(d[j - 1])))
			return true;
	}
	return false;
}

/* lex_curly - one "{{", "{%" or "{#" tag at pos; false when it is literal
 * text */
static bool
lex_curly(struct lexer *x)
{
	const char *d = x->d;
	size_t i = x->pos, e, w, end;
	struct tok *t;
	enum tok_type type = T_TAG;
	enum tok_cls cls = C_NONE;
	bool expr;

	if (d[i + 1] == '#') {
		e = find_once(x, i + 2, "#}", MISSING_HASH);
		if (e == NO_MATCH) {
			unterminated(x, i, "template comment \"{#\"");
			return false;
		}
		flush(x, i);
		t = push(x, T_COMMENT, i, e + 2 - i);
		trims(t, d, 2, 2);
		x->text_from = e + 2;
		return true;
	}
	if (d[i + 1] == '%') {
		e = scan_code(x, i + 2, "%}", false);
		if (e == NO_MATCH) {
			unterminated(x, i, "template tag \"{%\"");
			return false;
		}
		w = first_word(x, i + 2, e);
		/* raw blocks: their text is literal; comment blocks go */
		if (word_is(d + w, e - w, "raw") ||
		    word_is(d + w, e - w, "verbatim") ||
		    word_is(d + w, e - w, "comment")) {
			const char *name = word_is(d + w, e - w, "raw") ? "raw"
					   : word_is(d + w, e - w, "verbatim")
						   ? "verbatim"
						   : "comment";
			size_t r = raw_end(x, e + 2, name, &end);

			if (r == NO_MATCH) {
				unterminated(x, i, "raw block");
				return false;
			}
			flush(x, i);
			t = push(x, T_TAG, i, e + 2 - i);
			trims(t, d, 2, 2);
			if (strcmp(name, "comment") == 0)
				push(x, T_COMMENT, e + 2, r - (e + 2));
			else if (r > e + 2)
				push(x, T_TEXT, e + 2, r - (e + 2));
			t = push(x, T_TAG, r, end - r);
			trims(t, d, 2, 2);
			x->text_from = end;
			return true;
		}
		flush(x, i);
		t = push(x, T_TAG, i, e + 2 - i);
		trims(t, d, 2, 2);
		t->cls = (unsigned char)jinja_stmt_class(d + w, e - w, d + w,
							 e - w);
		x->text_from = e + 2;
		return true;
	}
	/* "{{" */
	if ((x->flags & BL_TEMPLATE_POSTFIX_BRACES) && postfix_brace(d, i))
		return false;
	w = first_word(x, i + 2, x->n);
	if (w < x->n && d[w] == '!') {
		/* Mustache comment: no quotes in it */
		e = find_once(x, w, "}}", MISSING_MUST);
		type = T_COMMENT;
	} else if (w + 1 < x->n && d[w] == '/' && d[w + 1] == '*') {
		/* Go comment: to the end of the comment, then "}}" */
		e = find_once(x, w + 2, "*/", MISSING_GOC);
		if (e != NO_MATCH)
			e = find_once(x, e + 2, "}}", MISSING_MUST);
		type = T_COMMENT;
	} else {
		/* Mustache's triple braces "{{{x}}}" */
		size_t b = d[i + 2] == '{' ? i + 3 : i + 2;

		e = scan_code(x, b, "}}",
			      (x->flags & BL_TEMPLATE_DOLLAR_BRACES) != 0);
		if (e == DIALECT)
			return false;
		if (e != NO_MATCH && b == i + 3 && e + 2 < x->n &&
		    d[e + 2] == '}')
			e++;
		if (e != NO_MATCH) {
			cls = go_class(d + w, e > w ? e - w : 0, &expr);
			type = expr ? T_EXPR : T_TAG;
		}
	}
	if (e == NO_MATCH) {
		unterminated(x, i, "template expression \"{{\"");
		return false;
	}
	flush(x, i);
	t = push(x, type, i, e + 2 - i);
	t->cls = (unsigned char)cls;
	trims(t, d, 2, 2);
	x->text_from = e + 2;
	return true;
}

/* erb_class - what a "<% code %>" does (Ruby, or Puppet EPP braces) */
static enum tok_cls
erb_class(const char *s, size_t n)
{
	static const char *const open_cond[] = {"if", "unless", "case", NULL};
	static const char *const open_loop[] = {"while", "until", "for",
						"begin", NULL};
	static const char *const branch[] = {"else", "elsif", "when",
					     "rescue", "ensure", NULL};
	size_t e = n;

	while (e > 0 && (is_blank(s[e - 1]) || s[e - 1] == '\n' ||
			 s[e - 1] == '-'))
		e--;
	if (e == 0)
		return C_NONE;
	if (s[0] == '}')
		return s[e - 1] == '{' ? C_BRANCH : C_CLOSE;
	if (word_in(s, e, branch))
		return C_BRANCH;
	if (word_is(s, e, "end"))
		return C_CLOSE;
	/* "if x then y end" on one line closes itself */
	if (e >= 4 && memcmp(s + e - 3, "end", 3) == 0 && !is_word(s[e - 4]))
		return C_NONE;
	if (word_in(s, e, open_cond) || word_in(s, e, open_loop))
		return C_OPEN;
	if (s[e - 1] == '{')
		return C_OPEN;
	/* "x.each do |y|" */
	if (s[e - 1] == '|') {
		size_t k = e - 1;

		while (k > 0 && s[k - 1] != '|')
			k--;
		if (k > 0)
			e = k - 1;
		while (e > 0 && is_blank(s[e - 1]))
			e--;
	}
	if (e >= 3 && memcmp(s + e - 2, "do", 2) == 0 && !is_word(s[e - 3]))
		return C_OPEN;
	return C_NONE;
}

/* lex_erb - one "<%" tag at pos; false when it is literal text */
static bool
lex_erb(struct lexer *x)
{
	const char *d = x->d;
	size_t i = x->pos, e, b;
	struct tok *t;

	if (d[i + 2] == '%') {
		/* "<%%" writes "<%" */
		flush(x, i);
		t = push(x, T_TEXT, i, 3);
		t->lit = "<%";
		x->text_from = i + 3;
		return true;
	}
	e = find_once(x, i + 2, "%>", MISSING_ERB);
	if (e == NO_MATCH) {
		unterminated(x, i, "ERB tag \"<%\"");
		return false;
	}
	flush(x, i);
	b = i + 2;
	if (d[b] == '#') {
		t = push(x, T_COMMENT, i, e + 2 - i);
	} else if (d[b] == '=') {
		t = push(x, T_EXPR, i, e + 2 - i);
	} else {
		t = push(x, T_TAG, i, e + 2 - i);
		if (d[b] == '-')
			b++;
		while (b < e && (is_blank(d[b]) || d[b] == '\n'))
			b++;
		t->cls = (unsigned char)erb_class(d + b, e - b);
	}
	trims(t, d, 2, 2);
	x->text_from = e + 2;
	return true;
}

/* ftl_directive_end - the ">" ending a FreeMarker directive from i,
 * outside quotes and parentheses, or NO_MATCH */
static size_t
ftl_directive_end(const struct lexer *x, size_t i)
{
	size_t depth = 0, q;

	for (; i < x->n; i++) {
		char c = x->d[i];

		if (c == '"' || c == '\'') {
			for (q = i + 1; q < x->n && x->d[q] != c; q++)
				if (x->d[q] == '\\' && q + 1 < x->n)
					q++;
			if (q >= x->n)
				return NO_MATCH;
			i = q;
		} else if (c == '(') {
			if (depth < BL_DEPTH_MAX)
				depth++;
		} else if (c == ')' && depth > 0) {
			depth--;
		} else if (c == '>' && depth == 0) {
			return i;
		}
	}
	return NO_MATCH;
}

/* lex_ftl - one FreeMarker construct at pos; false when literal */
static bool
lex_ftl(struct lexer *x)
{
	static const char *const open[] = {"if",	"list",	   "switch",
					   "attempt", "items",	   "compress",
					   "escape",	"autoesc", NULL};
	static const char *const hidden[] = {"macro", "function", NULL};
	static const char *const branch[] = {"elseif", "else", "case",
					     "default", "recover", "sep", NULL};
	const char *d = x->d;
	size_t i = x->pos, e, w;
	struct tok *t;

	if (d[i] == '$' || d[i] == '#') {
		/* "${x}", "#{x}": to the matching "}" */
		e = find_once(x, i + 2, "}", MISSING_FTL);
		if (e == NO_MATCH) {
			unterminated(x, i, "FreeMarker \"${\"");
			return false;
		}
		/* nested braces: "${x!{}}" is rare; the first "}" ends */
		flush(x, i);
		push(x, T_EXPR, i, e + 1 - i);
		x->text_from = e + 1;
		return true;
	}
	/* "<#--" comment */
	if (d[i + 1] == '#' && d[i + 2] == '-' && d[i + 3] == '-') {
		e = find_once(x, i + 4, "-->", MISSING_FTLC);
		if (e == NO_MATCH) {
			unterminated(x, i, "FreeMarker comment \"<#--\"");
			return false;
		}
		flush(x, i);
		push(x, T_COMMENT, i, e + 3 - i);
		x->text_from = e + 3;
		return true;
	}
	e = ftl_directive_end(x, i + 2);
	if (e == NO_MATCH) {
		unterminated(x, i, "FreeMarker directive");
		return false;
	}
	if (d[i + 1] == '/') {
		/* "</#if>", "</@x>" */
		flush(x, i);
		t = push(x, T_TAG, i, e + 1 - i);
		t->cls = d[i + 2] == '#' ? C_CLOSE : C_NONE;
		x->text_from = e + 1;
		return true;
	}
	w = i + 2;
	if (d[i + 1] == '#' && word_is(d + w, e - w, "noparse")) {
		size_t r = find_once(x, e + 1, "</#noparse>",
				     MISSING_NOPARSE);

		if (r == NO_MATCH) {
			unterminated(x, i, "FreeMarker <#noparse>");
			return false;
		}
		flush(x, i);
		push(x, T_TAG, i, e + 1 - i);
		if (r > e + 1)
			push(x, T_TEXT, e + 1, r - e - 1);
		push(x, T_TAG, r, strlen("</#noparse>"));
		x->text_from = r + strlen("</#noparse>");
		return true;
	}
	flush(x, i);
	t = push(x, T_TAG, i, e + 1 - i);
	if (d[i + 1] == '@')
		t->cls = C_OUTPUT; /* a user directive writes text */
	else if (e > i && d[e - 1] == '/')
		t->cls = C_NONE;
	else if (word_in(d + w, e - w, open))
		t->cls = C_OPEN;
	else if (word_in(d + w, e - w, hidden))
		t->cls = C_OPEN_HIDDEN;
	else if (word_in(d + w, e - w, branch))
		t->cls = C_BRANCH;
	else if (word_is(d + w, e - w, "include") ||
		 word_is(d + w, e - w, "nested"))
		t->cls = C_OUTPUT;
	x->text_from = e + 1;
	return true;
}

/* lex - the tokens of the whole text */
static void
lex(struct lexer *x, enum bl_template_kind kind)
{
	const char *d = x->d;
	size_t i = 0;

	while (i < x->n) {
		const char *p;
		bool tag = false;

		/* to the next byte that may open a tag */
		if (kind == BL_TEMPLATE_JINJA)
			p = memchr(d + i, '{', x->n - i);
		else if (kind == BL_TEMPLATE_ERB)
			p = memchr(d + i, '<', x->n - i);
		else {
			const char *a = memchr(d + i, '<', x->n - i);
			const char *b = memchr(d + i, '$', x->n - i);
			const char *c = memchr(d + i, '#', x->n - i);

			p = a;
			if (b != NULL && (p == NULL || b < p))
				p = b;
			if (c != NULL && (p == NULL || c < p))
				p = c;
		}
		if (p == NULL)
			break;
		i = (size_t)(p - d);
		if (i + 1 >= x->n)
			break;
		if (i < x->literal_until) {
			i++;
			continue;
		}
		x->pos = i;
		if (kind == BL_TEMPLATE_JINJA &&
		    (d[i + 1] == '{' || d[i + 1] == '%' || d[i + 1] == '#'))
			tag = lex_curly(x);
		else if (kind == BL_TEMPLATE_ERB && d[i + 1] == '%')
			tag = lex_erb(x);
		else if (kind == BL_TEMPLATE_FREEMARKER &&
			 (((d[i] == '$' || d[i] == '#') && d[i + 1] == '{') ||
			  (d[i] == '<' &&
			   (d[i + 1] == '#' || d[i + 1] == '@' ||
			    (d[i + 1] == '/' && i + 2 < x->n &&
			     (d[i + 2] == '#' || d[i + 2] == '@'))))))
			tag = lex_ftl(x);
		if (x->bad != NO_MATCH)
			return;
		i = tag ? x->text_from : i + 1;
	}
	flush(x, x->n);
}

/* match_blocks - each opening tag's end tag: a stack over the tokens, of
 * at most BL_DEPTH_MAX blocks (deeper ones are counted, not matched) */
static void
match_blocks(struct lexer *x)
{
	size_t *stack = bl_xreallocarray(NULL, BL_DEPTH_MAX, sizeof(size_t));
	size_t n = 0, over = 0, i;

	for (i = 0; i < x->nv; i++) {
		struct tok *t = &x->v[i];

		if (t->type != T_TAG)
			continue;
		if (t->cls == C_OPEN || t->cls == C_OPEN_HIDDEN) {
			if (n < BL_DEPTH_MAX)
				stack[n++] = i;
			else
				over++;
		} else if (t->cls == C_CLOSE) {
			if (over > 0)
				over--;
			else if (n > 0)
				x->v[stack[--n]].match = i;
		}
	}
	free(stack);
}

/* ------------------------------------------------------------ writing */

struct block {
	size_t open;   /* token */
	size_t branch; /* the branch now written, or 0: none recorded */
	bool one_line; /* opening and end tag on one line, at its start */
};

struct writer {
	const struct lexer *x;
	unsigned flags;
	struct bl_buf out;
	size_t line_start; /* of the current output line */
	unsigned line;     /* 1-based, of the output */
	struct bl_branch *br;
	size_t nbr, brcap;
	size_t cur; /* the branch written now */
	size_t *line_branch;
	size_t nlines;
	bool *line_set;
	bool has_text;	  /* the output line holds more than blanks */
	bool skip_blanks; /* after a tag: blanks to the end of the line go */
	bool trim_ws;	  /* after "-%}": blanks go, across lines */
	/* rest_is_blank's last answer: from nb_from, the first byte that is
	 * not a blank is at nb_at (queries only move forward) */
	size_t nb_from, nb_at;
};

/* line_is_blank - nothing but blanks on the current output line? */
static bool
line_is_blank(const struct writer *w)
{
	return !w->has_text;
}

/* strip_line_tail - drop the blanks at the end of the output line */
static void
strip_line_tail(struct writer *w)
{
	while (w->out.len > w->line_start &&
	       is_blank(w->out.data[w->out.len - 1]))
		w->out.len--;
	w->out.data[w->out.len] = '\0';
}

/* rest_is_blank - nothing but blanks after off up to the line's end? */
static bool
rest_is_blank(struct writer *w, size_t off)
{
	const struct lexer *x = w->x;
	size_t k;

	if (off >= w->nb_from && off <= w->nb_at) {
		k = w->nb_at;
	} else {
		for (k = off; k < x->n && is_blank(x->d[k]); k++)
			;
		w->nb_from = off;
		w->nb_at = k;
	}
	return k >= x->n || x->d[k] == '\n';
}

static void
newline(struct writer *w)
{
	bl_buf_addc(&w->out, '\n');
	w->line_start = w->out.len;
	w->line++;
	w->has_text = false;
}

/* newlines_of - the newlines of a span that writes nothing else */
static void
newlines_of(struct writer *w, size_t off, size_t len)
{
	const char *p = w->x->d + off, *end = p + len;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		newline(w);
		p++;
	}
}

static void
mark_line(struct writer *w)
{
	w->has_text = true;
	if (w->line - 1 < w->nlines && !w->line_set[w->line - 1]) {
		w->line_set[w->line - 1] = true;
		w->line_branch[w->line - 1] = w->cur;
	}
}

/* text - literal bytes */
static void
text(struct writer *w, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			bl_buf_add(&w->out, s + from, i - from);
			newline(w);
			from = i + 1;
			w->skip_blanks = false;
			continue;
		}
		if ((w->skip_blanks || w->trim_ws) && is_blank(s[i])) {
			from = i + 1;
			continue;
		}
		w->skip_blanks = false;
		w->trim_ws = false;
		if (!is_blank(s[i]))
			mark_line(w);
	}
	bl_buf_add(&w->out, s + from, n - from);
}

static size_t
new_branch(struct writer *w, size_t parent, size_t block, unsigned which)
{
	if (w->nbr == w->brcap) {
		w->brcap *= 2;
		w->br = bl_xreallocarray(w->br, w->brcap, sizeof(*w->br));
	}
	w->br[w->nbr].parent = parent;
	w->br[w->nbr].block = block;
	w->br[w->nbr].which = which;
	w->br[w->nbr].depth = w->br[parent].depth + 1;
	return w->nbr++;
}

/* tag_gone - a tag that writes nothing: the blanks beside it go when it
 * is alone on its line, or by its trim marks */
static void
tag_gone(struct writer *w, const struct tok *t)
{
	bool alone = line_is_blank(w) && rest_is_blank(w, t->off + t->len);

	if (alone || t->trim_l)
		strip_line_tail(w);
	newlines_of(w, t->off, t->len);
	w->skip_blanks = alone;
	w->trim_ws = t->trim_r;
}

/* placeholder - an expression: "<template>", or nothing when it stands
 * alone on its line (it may write whole settings) */
static void
placeholder(struct writer *w, const struct tok *t)
{
	bool blank_before = line_is_blank(w);
	bool indented = w->out.len > w->line_start;

	if (blank_before && rest_is_blank(w, t->off + t->len) &&
	    !(indented && (w->flags & BL_TEMPLATE_INDENT_CONTINUES))) {
		tag_gone(w, t);
		return;
	}
	if (t->trim_l)
		strip_line_tail(w);
	mark_line(w);
	bl_buf_adds(&w->out, BL_TEMPLATE_PLACEHOLDER);
	newlines_of(w, t->off, t->len);
	w->trim_ws = t->trim_r;
}

/* skip_to - tokens (from, to) write only their newlines */
static void
skip_to(struct writer *w, size_t from, size_t to)
{
	size_t k;

	for (k = from; k < to; k++)
		if (w->x->v[k].lit == NULL)
			newlines_of(w, w->x->v[k].off, w->x->v[k].len);
}

/* write_all - emit the tokens */
static void
write_all(struct writer *w)
{
	const struct lexer *x = w->x;
	struct block *stack = bl_xreallocarray(NULL, BL_DEPTH_MAX,
					       sizeof(*stack));
	size_t n = 0, over = 0, i;

	for (i = 0; i < x->nv; i++) {
		const struct tok *t = &x->v[i];

		switch (t->type) {
		case T_TEXT:
			if (t->lit != NULL)
				text(w, t->lit, strlen(t->lit));
			else
				text(w, x->d + t->off, t->len);
			continue;
		case T_EXPR:
			placeholder(w, t);
			continue;
		case T_COMMENT:
			tag_gone(w, t);
			continue;
		default:
			break;
		}
		switch (t->cls) {
		case C_OUTPUT:
			placeholder(w, t);
			break;
		case C_OPEN_HIDDEN:
			/* its body renders elsewhere, if at all */
			tag_gone(w, t);
			if (t->match != NO_MATCH) {
				skip_to(w, i + 1, t->match);
				i = t->match;
				tag_gone(w, &x->v[i]);
			}
			break;
		case C_OPEN:
			if (t->match != NO_MATCH &&
			    x->v[t->match].end_line == t->line &&
			    !line_is_blank(w)) {
				/* a conditional inside a value: one value the
				 * template engine chooses */
				if (t->trim_l)
					strip_line_tail(w);
				mark_line(w);
				bl_buf_adds(&w->out, BL_TEMPLATE_PLACEHOLDER);
				i = t->match;
				w->trim_ws = x->v[i].trim_r;
				break;
			}
			tag_gone(w, t);
			if (n >= BL_DEPTH_MAX) {
				over++;
				break;
			}
			stack[n].open = i;
			stack[n].one_line = t->match != NO_MATCH &&
					    x->v[t->match].end_line == t->line;
			stack[n].branch = new_branch(w, w->cur, i, 0);
			w->cur = stack[n].branch;
			n++;
			break;
		case C_BRANCH:
			tag_gone(w, t);
			if (over > 0 || n == 0)
				break;
			if (stack[n - 1].one_line &&
			    x->v[stack[n - 1].open].match != NO_MATCH) {
				/* one line: the first branch is read */
				size_t m = x->v[stack[n - 1].open].match;

				skip_to(w, i + 1, m);
				i = m - 1;
				break;
			}
			stack[n - 1].branch = new_branch(
				w, w->br[stack[n - 1].branch].parent,
				stack[n - 1].open,
				w->br[stack[n - 1].branch].which + 1);
			w->cur = stack[n - 1].branch;
			break;
		case C_CLOSE:
			tag_gone(w, t);
			if (over > 0) {
				over--;
			} else if (n > 0) {
				n--;
				w->cur = w->br[stack[n].branch].parent;
			}
			break;
		default:
			tag_gone(w, t);
			break;
		}
	}
	free(stack);
}

/* bl_template_render - the text a dialect's parser reads (see template.h) */
struct bl_source *
bl_template_render(const struct bl_source *src, enum bl_template_kind kind,
		   unsigned flags, struct bl_diags *diags)
{
	struct lexer x;
	struct writer w;
	struct bl_source *out;
	unsigned line, col;

	memset(&x, 0, sizeof(x));
	x.d = src->data;
	x.n = src->len;
	x.flags = flags;
	x.by_name = (flags & (BL_TEMPLATE_POSTFIX_BRACES |
			      BL_TEMPLATE_DOLLAR_BRACES)) == 0;
	x.line = 1;
	x.bad = NO_MATCH;
	lex(&x, kind);
	if (x.bad != NO_MATCH) {
		bl_source_position(src, x.bad, &line, &col);
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
			     "%s template: %s is not closed before the end "
			     "of the file: the template engine refuses it",
			     bl_template_kind_name(kind), x.bad_what);
		free(x.v);
		return NULL;
	}
	match_blocks(&x);

	memset(&w, 0, sizeof(w));
	w.x = &x;
	w.flags = flags;
	w.line = 1;
	bl_buf_init(&w.out);
	w.brcap = 16;
	w.br = bl_xreallocarray(NULL, w.brcap, sizeof(*w.br));
	memset(&w.br[0], 0, sizeof(w.br[0]));
	w.br[0].block = SIZE_MAX;
	w.nbr = 1;
	w.nlines = src->nlines;
	w.line_branch = bl_xcalloc(w.nlines + 1, sizeof(size_t));
	w.line_set = bl_xcalloc(w.nlines + 1, sizeof(bool));
	write_all(&w);
	free(x.v);
	free(w.line_set);

	out = bl_source_from_mem(src->path, w.out.data, w.out.len);
	bl_buf_finish(&w.out);
	/* every token wrote its newlines: the lines are the source's (one
	 * fewer when a last line without a newline renders empty) */
	if (out->nlines > src->nlines || out->nlines + 1 < src->nlines)
		bl_fatal("template: %zu lines rendered from %zu", out->nlines,
			 src->nlines);
	out->template_kind = bl_template_kind_name(kind);
	out->branch = w.br;
	out->nbranch = w.nbr;
	out->line_branch = w.line_branch;
	return out;
}

/* ------------------------------------------------------------ sniffing */

/* bl_template_refine - ERB in a .tmpl or .tpl file */
enum bl_template_kind
bl_template_refine(const struct bl_source *src, enum bl_template_kind kind)
{
	if (kind == BL_TEMPLATE_JINJA && strstr(src->data, "<%") != NULL &&
	    strstr(src->data, "%>") != NULL && strstr(src->data, "{{") == NULL &&
	    strstr(src->data, "{%") == NULL)
		return BL_TEMPLATE_ERB;
	return kind;
}

/* last_pair - the offset in [s, e) of the last "ab", or NULL */
static const char *
last_pair(const char *s, const char *e, char a, char b)
{
	const char *p;

	for (p = e; p - s >= 2; p--)
		if (p[-2] == a && p[-1] == b)
			return p - 2;
	return NULL;
}

/* sniff_line - template syntax in one line [s, e); linear: the closers
 * are located once, and a "{{ " scan stops at the next brace */
static enum bl_template_kind
sniff_line(const char *s, const char *e)
{
	static const char *const stmts[] = {
		"if",	  "elif",   "else",  "endif", "for",	 "endfor",
		"set",	  "include", "raw",   "endraw", "macro", "endmacro",
		"block", "endblock", "import", "from", "with", "endwith",
		"filter", "endfilter", "extends", "call", "endcall", NULL};
	const char *pct = last_pair(s, e, '%', '}');
	const char *erb = last_pair(s, e, '%', '>');
	const char *p, *q, *c;

	for (p = s; p + 2 < e; p++) {
		if (p[0] == '{' && p[1] == '%' && pct != NULL && pct >= p + 2) {
			q = p + 2;
			while (q < pct && (*q == '-' || *q == '+' || is_blank(*q)))
				q++;
			if (word_in(q, (size_t)(e - q), stmts))
				return BL_TEMPLATE_JINJA;
		} else if (p[0] == '{' && p[1] == '{' &&
			   (p[2] == ' ' || p[2] == '-' || p[2] == '.')) {
			for (c = p + 2; c + 1 < e; c++)
				if (*c == '$' || *c == '{' || *c == '}')
					break;
			if (c + 1 >= e || c[0] != '}' || c[1] != '}')
				continue;
			q = p + 2;
			while (q < c && (*q == '-' || *q == ' '))
				q++;
			if (q < c && (is_word(*q) || *q == '.') &&
			    (c[-1] == ' ' || p[2] == '.'))
				return BL_TEMPLATE_JINJA;
		} else if (p[0] == '<' && p[1] == '%' && erb != NULL &&
			   erb >= p + 3 &&
			   (p[2] == '=' || p[2] == ' ' || p[2] == '-' ||
			    p[2] == '#')) {
			return BL_TEMPLATE_ERB;
		}
	}
	return BL_TEMPLATE_NONE;
}

/* bl_template_sniff - template syntax an Exim or sendmail file cannot
 * mean (see template.h) */
enum bl_template_kind
bl_template_sniff(const struct bl_source *src, unsigned *line)
{
	const char *d = src->data, *end = d + src->len, *s, *e;
	enum bl_template_kind k;
	unsigned n = 1;

	for (s = d; s < end; s = e + 1, n++) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		k = sniff_line(s, e);
		if (k != BL_TEMPLATE_NONE) {
			*line = n;
			return k;
		}
	}
	return BL_TEMPLATE_NONE;
}

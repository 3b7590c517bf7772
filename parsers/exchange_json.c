/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange_json.c - the ConvertTo-Json reader (exchange.h): jansson
 * parses the text, a small scanner of our own walks the same bytes for
 * what jansson does not keep, where each member's name and value are.
 *
 * The top level is an object (one connector) or an array of objects.
 * A member's value: a string as decoded; null is NULL; true and false are
 * "True" and "False" (PowerShell's text of a Boolean); an integer its
 * decimal text, a real its source token as written; an array a
 * collection of the texts of its scalar elements (null is ""; an object
 * or array element is left out and the property marked truncated, as
 * ConvertTo-Json's -Depth cuts it); an object with a "value" member that
 * is an array (a deserialized MultiValuedProperty: {"value":[...],
 * "Count":n}) that collection, any other object its compact JSON text.
 *
 * Hostile input: the scanner counts the nesting of [ and { before jansson
 * sees the text and refuses more than BL_EX_DEPTH_MAX; the counts of
 * exchange.h are enforced; a member name twice in one object (ASCII
 * case-insensitively, as PowerShell compares them) is an error, as
 * PowerShell never writes one and jansson would keep only the last. The
 * scanner runs only on text jansson accepted, and never reads past
 * src->len. Everything kept is in the arena; jansson's tree and the
 * scratch vectors are freed before the reader returns.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "exchange.h"
#include "source.h"
#include "util.h"

/* Where one member of an object is in the source. */
struct member {
	size_t name; /* its name's opening quote */
	size_t name_end;
	size_t val, val_end; /* the value token */
};

struct jx {
	struct bl_arena *a;
	const struct bl_source *src;
	struct bl_diags *diags;
	const char *d; /* src->data */
	size_t n;      /* src->len */
	size_t start;  /* the text's first byte (past a BOM) */
	struct bl_ex_object *objs;
	size_t nobjs, capobjs;
	struct member *m; /* the members of the object being read */
	size_t nm, capm;
};

/* fail - an error at source offset off; returns -1 */
static int fail(struct jx *x, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct jx *x, size_t off, const char *fmt, ...)
{
	struct bl_buf b;
	unsigned line, col;
	va_list ap;

	bl_buf_init(&b);
	va_start(ap, fmt);
	bl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	bl_source_position(x->src, off, &line, &col);
	bl_diags_add(x->diags, BL_LEVEL_ERROR, x->src->path, line, col, "%s",
		     b.data);
	bl_buf_finish(&b);
	return -1;
}

/* depth_scan - refuse [ and { nested deeper than BL_EX_DEPTH_MAX, before
 * jansson (which would take 2048) sees the text; strings are skipped
 * with their escapes */
static int
depth_scan(struct jx *x)
{
	size_t i, depth = 0;
	bool str = false;

	for (i = x->start; i < x->n; i++) {
		char c = x->d[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > BL_EX_DEPTH_MAX)
				return fail(x, i,
					    "arrays and objects nested more "
					    "than %u deep",
					    BL_EX_DEPTH_MAX);
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* skip_ws - past JSON white space from i */
static size_t
skip_ws(const struct jx *x, size_t i)
{
	while (i < x->n && (x->d[i] == ' ' || x->d[i] == '\t' ||
			    x->d[i] == '\n' || x->d[i] == '\r'))
		i++;
	return i;
}

/* skip_string - past the string whose opening quote is at i */
static size_t
skip_string(const struct jx *x, size_t i)
{
	for (i++; i < x->n; i++) {
		if (x->d[i] == '\\')
			i++;
		else if (x->d[i] == '"')
			return i + 1;
	}
	return x->n;
}

/* skip_value - past the value token at i (text jansson accepted) */
static size_t
skip_value(const struct jx *x, size_t i)
{
	size_t depth = 0;

	if (i >= x->n)
		return x->n;
	if (x->d[i] == '"')
		return skip_string(x, i);
	if (x->d[i] != '[' && x->d[i] != '{') {
		while (i < x->n && strchr(",]} \t\r\n", x->d[i]) == NULL)
			i++;
		return i;
	}
	while (i < x->n) {
		char c = x->d[i];

		if (c == '"') {
			i = skip_string(x, i);
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && --depth == 0)
			return i + 1;
		i++;
	}
	return x->n;
}

/* next_elem - the start of the next element of an array or object after
 * the one ending at i: past "," (true), or at the closing bracket */
static bool
next_elem(const struct jx *x, size_t *i)
{
	*i = skip_ws(x, *i);
	if (*i < x->n && x->d[*i] == ',') {
		*i = skip_ws(x, *i + 1);
		return true;
	}
	return false;
}

/* first_elem - the first element of the array or object whose bracket
 * is at *i: true and *i at it, or false when it is empty */
static bool
first_elem(const struct jx *x, size_t *i)
{
	*i = skip_ws(x, *i + 1);
	return *i < x->n && x->d[*i] != ']' && x->d[*i] != '}';
}

/* disagree - the scanner and jansson see different things (a bug) */
static int
disagree(struct jx *x, size_t off)
{
	return fail(x, off,
		    "internal error: the JSON scanner and jansson disagree "
		    "here");
}

/* scan_members - the members of the object whose "{" is at i, into
 * x->m; -1 after an error (more than BL_EX_PROPS_MAX) */
static int
scan_members(struct jx *x, size_t i)
{
	struct member *m;
	bool more;

	x->nm = 0;
	for (more = first_elem(x, &i); more; more = next_elem(x, &i)) {
		if (x->nm >= BL_EX_PROPS_MAX)
			return fail(x, i, "an object with more than %u members",
				    BL_EX_PROPS_MAX);
		if (i >= x->n || x->d[i] != '"')
			return disagree(x, i);
		if (x->nm == x->capm) {
			x->capm = x->capm == 0 ? 32 : x->capm * 2;
			x->m = bl_xreallocarray(x->m, x->capm, sizeof(*x->m));
		}
		m = &x->m[x->nm++];
		m->name = i;
		m->name_end = skip_string(x, i);
		i = skip_ws(x, m->name_end);
		if (i >= x->n || x->d[i] != ':')
			return disagree(x, i);
		m->val = skip_ws(x, i + 1);
		m->val_end = skip_value(x, m->val);
		i = m->val_end;
	}
	return 0;
}

/* scalar_text - the text of a scalar json value (arena), NULL for null;
 * tok: its token in the source, for a real */
static const char *
scalar_text(struct jx *x, json_t *v, size_t tok, size_t tok_end, size_t *len)
{
	char num[32];
	int k;

	switch (json_typeof(v)) {
	case JSON_STRING:
		*len = json_string_length(v);
		return bl_arena_strndup(x->a, json_string_value(v), *len);
	case JSON_TRUE:
		*len = 4;
		return "True";
	case JSON_FALSE:
		*len = 5;
		return "False";
	case JSON_INTEGER:
		k = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
		*len = (size_t)k;
		return bl_arena_strndup(x->a, num, *len);
	case JSON_REAL:
		if (tok_end > tok) {
			*len = tok_end - tok;
			return bl_arena_strndup(x->a, x->d + tok, *len);
		}
		/* no token (an object's members we could not align) */
		k = snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		*len = (size_t)k;
		return bl_arena_strndup(x->a, num, *len);
	default:
		*len = 0;
		return NULL;
	}
}

/* collection - p becomes the collection of array arr, whose "[" is at
 * tok (or no token: tok == tok_end); -1 after an error */
static int
collection(struct jx *x, struct bl_ex_prop *p, json_t *arr, size_t tok,
	   size_t tok_end)
{
	size_t n = json_array_size(arr), i, k = 0, total = 0, len, at = tok;
	size_t e = tok, e_end = tok;
	bool have = tok_end > tok, more = false;
	const char *s;
	char *d;
	json_t *v;

	p->items = bl_arena_alloc(x->a, (n + 1) * sizeof(*p->items));
	if (have)
		more = first_elem(x, &e);
	for (i = 0; i < n; i++) {
		v = json_array_get(arr, i);
		if (have) {
			if (!more)
				return disagree(x, e);
			at = e;
			e_end = skip_value(x, e);
		}
		if (i >= BL_EX_ITEMS_MAX)
			return fail(x, at,
				    "an array with more than %u elements",
				    BL_EX_ITEMS_MAX);
		if (json_is_object(v) || json_is_array(v)) {
			p->truncated = true;
		} else {
			s = scalar_text(x, v, have ? e : 0, have ? e_end : 0,
					&len);
			p->items[k++] = s != NULL ? s : "";
			total += len + (k > 1 ? 2 : 0);
		}
		if (have) {
			e = e_end;
			more = next_elem(x, &e);
		}
	}
	p->nitems = k;
	d = bl_arena_alloc(x->a, total + 1);
	for (i = 0, len = 0; i < k; i++) {
		size_t l = strlen(p->items[i]);

		if (i > 0) {
			d[len++] = ',';
			d[len++] = ' ';
		}
		memcpy(d + len, p->items[i], l);
		len += l;
	}
	d[len] = '\0';
	p->value = d;
	p->value_len = len;
	return 0;
}

/* object_value - p becomes the value of the nested object o whose "{" is
 * at tok: the collection of its "value" array, else its compact text */
static int
object_value(struct jx *x, struct bl_ex_prop *p, json_t *o, size_t tok)
{
	json_t *arr = json_object_get(o, "value");
	size_t idx = 0, vt = 0, vt_end = 0;
	const char *key;
	json_t *v;
	char *s;

	if (json_is_array(arr)) {
		/* its token: the member at the same place in the source
		 * (when no name repeats, jansson keeps the source's order) */
		json_object_foreach(o, key, v)
		{
			if (v == arr)
				break;
			idx++;
		}
		if (scan_members(x, tok) < 0)
			return -1;
		if (x->nm == json_object_size(o) && idx < x->nm) {
			vt = x->m[idx].val;
			vt_end = x->m[idx].val_end;
		}
		return collection(x, p, arr, vt, vt_end);
	}
	s = json_dumps(o, JSON_COMPACT);
	if (s == NULL)
		bl_fatal("out of memory (jansson)");
	p->value_len = strlen(s);
	p->value = bl_arena_strndup(x->a, s, p->value_len);
	free(s);
	return 0;
}

/* ci_cmp - ASCII case-insensitive comparison of two names */
static int
ci_cmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/* A name and its member's index, for the search for repeated names. */
struct named {
	const char *name;
	size_t i;
};

/* named_cmp - by name (ASCII case-insensitive), then by index */
static int
named_cmp(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int r = ci_cmp(a->name, b->name);

	if (r != 0)
		return r;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* check_names - an error at the first member whose name an earlier one
 * has (ASCII case-insensitively); names[i] is member i's */
static int
check_names(struct jx *x, const char **names, size_t n)
{
	struct named *v = bl_xreallocarray(NULL, n + 1, sizeof(*v));
	size_t i, dup = SIZE_MAX, first = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), named_cmp);
	for (i = 1; i < n; i++)
		if (ci_cmp(v[i - 1].name, v[i].name) == 0 && v[i].i < dup) {
			dup = v[i].i;
			first = v[i - 1].i;
		}
	if (dup != SIZE_MAX) {
		unsigned line, col;

		bl_source_position(x->src, x->m[first].name, &line, &col);
		rc = fail(x, x->m[dup].name,
			  "the member name \"%.80s\" twice in one object "
			  "(first at line %u); PowerShell never writes that",
			  names[dup], line);
	}
	free(v);
	return rc;
}

/* repeated_names - the members' names decoded one by one (jansson keeps
 * one member of a name that repeats, so its keys do not line up with
 * the source): an error at the repeated one */
static int
repeated_names(struct jx *x, size_t obj)
{
	const char **names = bl_xreallocarray(NULL, x->nm + 1, sizeof(*names));
	json_error_t err;
	json_t *s;
	size_t i;
	int rc;

	for (i = 0; i < x->nm; i++) {
		s = json_loadb(x->d + x->m[i].name,
			       x->m[i].name_end - x->m[i].name, JSON_DECODE_ANY,
			       &err);
		names[i] = bl_arena_strdup(
		    x->a, json_is_string(s) ? json_string_value(s) : "");
		json_decref(s);
	}
	rc = check_names(x, names, x->nm);
	free(names);
	if (rc == 0)
		rc = disagree(x, obj);
	return rc;
}

/* read_object - the top-level object o whose "{" is at tok, appended */
static int
read_object(struct jx *x, json_t *o, size_t tok)
{
	struct bl_ex_object *ob;
	struct bl_ex_prop *p;
	struct member *ms;
	const char **names;
	const char *key;
	size_t k = 0, len;
	json_t *v;
	int rc;

	if (x->nobjs >= BL_EX_OBJECTS_MAX)
		return fail(x, tok, "an export of more than %u objects",
			    BL_EX_OBJECTS_MAX);
	if (scan_members(x, tok) < 0)
		return -1;
	if (x->nm != json_object_size(o))
		return repeated_names(x, tok);
	if (x->nobjs == x->capobjs) {
		x->capobjs = x->capobjs == 0 ? 16 : x->capobjs * 2;
		x->objs =
		    bl_xreallocarray(x->objs, x->capobjs, sizeof(*x->objs));
	}
	ob = &x->objs[x->nobjs++];
	memset(ob, 0, sizeof(*ob));
	ob->off = tok;
	bl_source_position(x->src, tok, &ob->line, &(unsigned){0});
	ob->props = bl_arena_alloc(x->a, (x->nm + 1) * sizeof(*ob->props));
	ob->nprops = x->nm;
	names = bl_xreallocarray(NULL, x->nm + 1, sizeof(*names));
	json_object_foreach(o, key, v)
	{
		p = &ob->props[k];
		p->name = bl_arena_strndup(x->a, key, strlen(key));
		names[k++] = p->name;
	}
	rc = check_names(x, names, x->nm);
	free(names);
	if (rc < 0)
		return -1;
	/* the members' spans, kept: a nested object's scan reuses x->m */
	ms = bl_xreallocarray(NULL, x->nm + 1, sizeof(*ms));
	if (x->nm > 0)
		memcpy(ms, x->m, x->nm * sizeof(*ms));
	k = 0;
	json_object_foreach(o, key, v)
	{
		p = &ob->props[k];
		p->off = ms[k].val;
		p->len = ms[k].val_end - ms[k].val;
		bl_source_position(x->src, ms[k].name, &p->line, &p->col);
		if (json_is_array(v))
			rc = collection(x, p, v, ms[k].val, ms[k].val_end);
		else if (json_is_object(v))
			rc = object_value(x, p, v, ms[k].val);
		else {
			p->value =
			    scalar_text(x, v, ms[k].val, ms[k].val_end, &len);
			p->value_len = len;
		}
		k++;
		if (rc < 0)
			break;
	}
	free(ms);
	return rc;
}

/* kind_name - what a JSON value is, for messages */
static const char *
kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a Boolean";
	case JSON_NULL:
		return "null";
	default:
		return "an object";
	}
}

/* read_top - the document: an object, or an array of objects */
static int
read_top(struct jx *x, json_t *root)
{
	size_t i = skip_ws(x, x->start), k, end;
	bool more;

	if (json_is_object(root)) {
		if (i >= x->n || x->d[i] != '{')
			return disagree(x, i);
		return read_object(x, root, i);
	}
	if (i >= x->n || x->d[i] != '[')
		return disagree(x, i);
	k = 0;
	for (more = first_elem(x, &i); more; more = next_elem(x, &i)) {
		json_t *v = json_array_get(root, k);

		if (v == NULL)
			return disagree(x, i);
		if (!json_is_object(v))
			return fail(x, i,
				    "element %zu of the top-level array is %s, "
				    "not an object (a connector)",
				    k + 1, kind_name(v));
		if (x->d[i] != '{')
			return disagree(x, i);
		if (read_object(x, v, i) < 0)
			return -1;
		end = skip_value(x, i);
		i = end;
		k++;
	}
	if (k != json_array_size(root))
		return disagree(x, i);
	return 0;
}

/* bl_ex_read_json - read a ConvertTo-Json file (see exchange.h) */
int
bl_ex_read_json(struct bl_arena *a, const struct bl_source *src,
		struct bl_ex_export *out, struct bl_diags *diags)
{
	struct jx x;
	json_error_t err;
	json_t *root;
	size_t pos;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->format = BL_EX_JSON;
	memset(&x, 0, sizeof(x));
	x.a = a;
	x.src = src;
	x.diags = diags;
	x.d = src->data;
	x.n = src->len;
	x.start = bl_ex_text_start(src);
	if (x.start > x.n)
		x.start = x.n;
	if (depth_scan(&x) < 0)
		return -1;
	root = json_loadb(x.d + x.start, x.n - x.start, 0, &err);
	if (root == NULL) {
		/* jansson's position is past the token it stopped at */
		pos = err.position > 0 ? (size_t)err.position - 1 : 0;
		pos = x.start + pos;
		fail(&x, pos > x.n ? x.n : pos, "%s", err.text);
		return -1;
	}
	if (read_top(&x, root) == 0) {
		out->objs =
		    bl_arena_alloc(a, (x.nobjs + 1) * sizeof(*out->objs));
		if (x.nobjs > 0)
			memcpy(out->objs, x.objs, x.nobjs * sizeof(*out->objs));
		out->nobjs = x.nobjs;
		rc = 0;
	}
	json_decref(root);
	free(x.objs);
	free(x.m);
	return rc;
}

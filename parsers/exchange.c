/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exchange.c - the Microsoft Exchange dialect's table: connector exports
 * told by their content whatever their name, read by the reader of their
 * format (exchange_list.c, exchange_csv.c, exchange_clixml.c,
 * exchange_json.c), resolved by exchange_resolve.c, and fixed by
 * PowerShell commands (the export is only what the server said: the edits
 * a fix makes on it are there to verify the fix, not to be written).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "exchange.h"
#include "exchange_resolve.h"

/* bl_ex_text_start - past a UTF-8 BOM */
size_t
bl_ex_text_start(const struct bl_source *src)
{
	if (src->len >= 3 && memcmp(src->data, "\xef\xbb\xbf", 3) == 0)
		return 3;
	return 0;
}

/* skip_blank - past blanks and line ends from i */
static size_t
skip_blank(const char *d, size_t n, size_t i)
{
	while (i < n &&
	       (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	return i;
}

/* prop_line - does the line at d[i, e) read "Name : value" (a Format-List
 * property line: a name, blanks, a colon, a blank or the end)? */
static bool
prop_line(const char *d, size_t i, size_t e)
{
	size_t k = i;

	while (k < e &&
	       ((d[k] >= 'A' && d[k] <= 'Z') || (d[k] >= 'a' && d[k] <= 'z') ||
		(d[k] >= '0' && d[k] <= '9') || d[k] == '_' || d[k] == '-'))
		k++;
	if (k == i || k >= e || d[k] != ' ')
		return false;
	while (k < e && d[k] == ' ')
		k++;
	return k < e && d[k] == ':' &&
	       (k + 1 == e || d[k + 1] == ' ' || d[k + 1] == '\r');
}

/* bl_ex_sniff - the format by the first significant bytes (exchange.h) */
enum bl_ex_format
bl_ex_sniff(const struct bl_source *src)
{
	const char *d = src->data;
	size_t n = src->len, i = skip_blank(d, n, bl_ex_text_start(src)), e;

	if (i >= n)
		return BL_EX_NONE;
	if (d[i] == '<') {
		if (n - i >= 5 && memcmp(d + i, "<?xml", 5) == 0) {
			const char *q = memchr(d + i, '>', n - i);

			if (q == NULL)
				return BL_EX_NONE;
			i = skip_blank(d, n, (size_t)(q - d) + 1);
		}
		/* a DTD is the reader's error to report, not a reason to
		 * take the file for something else */
		if (n - i >= 9 && memcmp(d + i, "<!DOCTYPE", 9) == 0) {
			const char *gt = memchr(d + i, '>', n - i);
			const char *br = memchr(d + i, '[', n - i);
			const char *q = gt;

			if (br != NULL && (gt == NULL || br < gt)) {
				/* an internal subset ends at "]" ">" */
				for (q = br; q != NULL && q + 1 < d + n &&
					     !(q[0] == ']' && q[1] == '>');
				     q = memchr(q + 1, ']',
						(size_t)(d + n - q - 1)))
					;
				if (q != NULL)
					q++;
			}
			if (q == NULL || q >= d + n)
				return BL_EX_NONE;
			i = skip_blank(d, n, (size_t)(q - d) + 1);
		}
		return n - i >= 5 && memcmp(d + i, "<Objs", 5) == 0
			   ? BL_EX_CLIXML
			   : BL_EX_NONE;
	}
	if (d[i] == '[' || d[i] == '{')
		return BL_EX_JSON;
	if (n - i >= 6 && memcmp(d + i, "#TYPE ", 6) == 0)
		return BL_EX_CSV;
	for (e = i; e < n && d[e] != '\n'; e++)
		;
	if (prop_line(d, i, e))
		return BL_EX_LIST;
	if (d[i] == '"' || memchr(d + i, ',', e - i) != NULL ||
	    memchr(d + i, ';', e - i) != NULL)
		return BL_EX_CSV;
	return BL_EX_NONE;
}

/* The property names that make an object a connector. */
static const char *const markers[] = {"Banner", "Fqdn", "Bindings",
				      "AddressSpaces", NULL};

/* named - does the text name property `name` as format f writes a
 * property name (CLIXML N="name", JSON "name":, a Format-List line
 * "name :", a CSV header field)? */
static bool
named(const char *d, size_t n, enum bl_ex_format f, const char *name)
{
	size_t len = strlen(name), i, e, a, b;

	switch (f) {
	case BL_EX_CLIXML:
		for (i = 0; i + len + 4 <= n; i++)
			if (memcmp(d + i, "N=\"", 3) == 0 &&
			    memcmp(d + i + 3, name, len) == 0 &&
			    d[i + 3 + len] == '"')
				return true;
		return false;
	case BL_EX_JSON:
		for (i = 0; i + len + 2 <= n; i++)
			if (d[i] == '"' && memcmp(d + i + 1, name, len) == 0 &&
			    d[i + 1 + len] == '"') {
				e = skip_blank(d, n, i + 2 + len);
				if (e < n && d[e] == ':')
					return true;
			}
		return false;
	case BL_EX_LIST:
		for (i = 0; i < n; i = e + 1) {
			for (e = i; e < n && d[e] != '\n'; e++)
				;
			if (e - i > len && memcmp(d + i, name, len) == 0 &&
			    prop_line(d, i, e) &&
			    (d[i + len] == ' ' || d[i + len] == ':'))
				return true;
		}
		return false;
	case BL_EX_CSV:
		/* the header: the first line that is not #TYPE */
		i = 0;
		if (n >= 6 && memcmp(d, "#TYPE ", 6) == 0) {
			while (i < n && d[i] != '\n')
				i++;
			i++;
		}
		for (e = i; e < n && d[e] != '\n'; e++)
			;
		for (a = i; a < e; a = b + 1) {
			for (b = a; b < e && d[b] != ',' && d[b] != ';' &&
				    d[b] != '\t';
			     b++)
				;
			{
				size_t x = a, y = b;

				while (y > x &&
				       (d[y - 1] == '\r' || d[y - 1] == ' '))
					y--;
				if (y - x >= 2 && d[x] == '"' &&
				    d[y - 1] == '"') {
					x++;
					y--;
				}
				if (y - x == len &&
				    strncasecmp(d + x, name, len) == 0)
					return true;
			}
		}
		return false;
	case BL_EX_NONE:
		break;
	}
	return false;
}

/*
 * bl_ex_detect - a connector export by its content: the format's look and
 * a connector's property names (Identity, and Banner, Fqdn, Bindings or
 * AddressSpaces) written as that format writes names. Only the head of
 * a big file is searched; a malformed export is still an export (its
 * reader reports where).
 */
static enum bl_file_role
detect(const struct bl_source *src)
{
	size_t start = bl_ex_text_start(src), n = src->len - start, i;
	enum bl_ex_format f = bl_ex_sniff(src);
	const char *d = src->data + start;

	if (f == BL_EX_NONE)
		return BL_ROLE_NONE;
	/* the first object's names are in its first few kilobytes */
	if (f != BL_EX_CSV && n > 256 * 1024)
		n = 256 * 1024;
	if (!named(d, n, f, "Identity"))
		return BL_ROLE_NONE;
	for (i = 0; markers[i] != NULL; i++)
		if (named(d, n, f, markers[i]))
			return BL_ROLE_EXCHANGE;
	return BL_ROLE_NONE;
}

/* bl_ex_read - the reader of format f */
int
bl_ex_read(enum bl_ex_format f, struct bl_arena *a, const struct bl_source *src,
	   struct bl_ex_export *out, struct bl_diags *diags)
{
	memset(out, 0, sizeof(*out));
	switch (f) {
	case BL_EX_LIST:
		return bl_ex_read_list(a, src, out, diags);
	case BL_EX_CSV:
		return bl_ex_read_csv(a, src, out, diags);
	case BL_EX_CLIXML:
		return bl_ex_read_clixml(a, src, out, diags);
	case BL_EX_JSON:
		return bl_ex_read_json(a, src, out, diags);
	case BL_EX_NONE:
		break;
	}
	bl_diags_add(diags, BL_LEVEL_ERROR, src->path, 1, 1,
		     "not an Exchange connector export: neither Format-List "
		     "text, Export-Csv, Export-Clixml nor ConvertTo-Json");
	return -1;
}

/* bl_ex_prop_find - the property named name, ASCII case-insensitive */
const struct bl_ex_prop *
bl_ex_prop_find(const struct bl_ex_object *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nprops; i++)
		if (strcasecmp(o->props[i].name, name) == 0)
			return &o->props[i];
	return NULL;
}

static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	struct bl_ex_files *xf = bl_arena_alloc(&cfg->arena, sizeof(*xf));

	(void)role;
	bl_config_add_source(cfg, src);
	cfg->main_src = src;
	memset(xf, 0, sizeof(*xf));
	xf->src = src;
	cfg->dialect = xf;
	if (bl_ex_read(bl_ex_sniff(src), &cfg->arena, src, &xf->export, diags) <
	    0) {
		xf->failed = true;
		return -1;
	}
	return 0;
}

/* clixml_text - value escaped for an element's text or an attribute:
 * the XML entities, control characters and an underscore that would read
 * as an escape as _xHHHH_ (MS-PSRP 2.2.5.3.2) */
static void
clixml_text(struct bl_buf *b, const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '&')
			bl_buf_adds(b, "&amp;");
		else if (*p == '<')
			bl_buf_adds(b, "&lt;");
		else if (*p == '>')
			bl_buf_adds(b, "&gt;");
		else if (*p == '"')
			bl_buf_adds(b, "&quot;");
		else if (*p < 0x20 || *p == 0x7f || (*p == '_' && p[1] == 'x'))
			bl_buf_printf(b, "_x%04X_", *p);
		else
			bl_buf_addc(b, (char)*p);
	}
}

/*
 * value_text - the bytes that write value where s's value is, in the
 * export's own format (for the in-memory re-read that verifies a fix):
 * the whole token, field or element (*whole)
 */
static char *
value_text(const struct bl_config *cfg, const struct bl_setting *s,
	   const char *value, bool *whole)
{
	const struct bl_ex_files *xf = cfg->dialect;
	struct bl_buf b;
	const char *p;
	json_t *j;
	char *t;

	if (xf == NULL || s->src == NULL)
		return NULL;
	*whole = true;
	bl_buf_init(&b);
	switch (xf->export.format) {
	case BL_EX_CSV:
		bl_buf_addc(&b, '"');
		for (p = value; *p != '\0'; p++) {
			if (*p == '"')
				bl_buf_addc(&b, '"');
			bl_buf_addc(&b, *p);
		}
		bl_buf_addc(&b, '"');
		break;
	case BL_EX_JSON:
		j = json_string(value);
		t = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
		json_decref(j);
		if (t == NULL) {
			bl_buf_finish(&b);
			return NULL;
		}
		bl_buf_adds(&b, t);
		free(t);
		break;
	case BL_EX_CLIXML:
		bl_buf_adds(&b, "<S N=\"");
		clixml_text(&b, s->key);
		bl_buf_adds(&b, "\">");
		clixml_text(&b, value);
		bl_buf_adds(&b, "</S>");
		break;
	case BL_EX_LIST:
		if (strpbrk(value, "\r\n") != NULL) {
			bl_buf_finish(&b);
			return NULL;
		}
		/* an empty value ends at the colon or a blank after it */
		if (s->stmt_off > 0 && s->src->data[s->stmt_off - 1] == ':')
			bl_buf_addc(&b, ' ');
		bl_buf_adds(&b, value);
		break;
	case BL_EX_NONE:
		bl_buf_finish(&b);
		return NULL;
	}
	return bl_buf_steal(&b);
}

/* command - the PowerShell line that sets s to value on the server */
static char *
command(const struct bl_config *cfg, const struct bl_setting *s,
	const char *value)
{
	const char *slash = s->scope != NULL ? strchr(s->scope, '/') : NULL;
	char *id, *v, *line;
	const char *cmdlet;

	(void)cfg;
	if (slash == NULL)
		return NULL;
	if (strncmp(s->scope, "receive/", 8) == 0)
		cmdlet = "Set-ReceiveConnector";
	else if (strncmp(s->scope, "send/", 5) == 0)
		cmdlet = "Set-SendConnector";
	else
		return NULL;
	id = bl_ex_quote(slash + 1);
	v = bl_ex_quote(value);
	/* bytes that are not UTF-8 cannot be written: no command */
	line = id != NULL && v != NULL ? bl_xasprintf("%s -Identity %s -%s %s",
						      cmdlet, id, s->key, v)
				       : NULL;
	free(id);
	free(v);
	return line;
}

/* host_name - the connector's own name (its Fqdn), for a banner a fix
 * completes; NULL when the export does not show one */
static const char *
host_name(const struct bl_config *cfg, const struct bl_surface *sf)
{
	const struct bl_setting *s;

	(void)cfg;
	if (sf->scope_obj == NULL)
		return NULL;
	s = bl_scope_lookup(sf->scope_obj, "Fqdn");
	return s != NULL && !s->is_default && s->raw_len > 0 ? s->raw : NULL;
}

/*
 * tidy_value - a banner value a fix made, as Exchange needs it: what the
 * default's "ready at <date>" leaves ("ready at") goes, and a banner left
 * with its host name alone gets " ESMTP" after it
 */
static char *
tidy_value(const struct bl_config *cfg, const struct bl_setting *s,
	   const char *value)
{
	size_t n = strlen(value), h;
	char *v;

	(void)cfg;
	if (strcasecmp(s->key, "Banner") != 0 || strncmp(value, "220 ", 4) != 0)
		return bl_xstrdup(value);
	/* "ready at" with its date gone dangles; "ready" alone after the
	 * name is what is left of "<name> Microsoft ... Service ready" */
	h = 4 + strcspn(value + 4, " ");
	if (n >= h + 9 && strncasecmp(value + n - 9, " ready at", 9) == 0)
		n -= 9;
	else if (n == h + 6 && strncasecmp(value + h, " ready", 6) == 0)
		n = h;
	while (n > 4 && (value[n - 1] == ' ' || value[n - 1] == ','))
		n--;
	v = bl_xstrndup(value, n);
	if (strchr(v + 4, ' ') == NULL && n > 4) {
		char *w = bl_xasprintf("%s ESMTP", v);

		free(v);
		v = w;
	}
	return v;
}

static const char *
fix_note(const struct bl_config *cfg)
{
	(void)cfg;
	return "run the PowerShell lines in the Exchange Management Shell; "
	       "the export is not changed";
}

static const struct bl_dialect_event events[] = {
    {"exchange-send-fqdn-unset", "fqdn-unset",
     "send connector '%m' has no Fqdn: its EHLO name is the name of each "
     "source server, often an internal one"},
    {NULL, NULL, NULL},
};

/* no comment an inline suppression could stand in: .bannerlint.conf */
static const char *const no_comments[] = {NULL};

static enum bl_file_role
classify(const char *base)
{
	(void)base; /* an export may have any name: its content tells */
	return BL_ROLE_NONE;
}

const struct bl_parser bl_parser_exchange = {
    .name = "exchange",
    .classify = classify,
    .detect = detect,
    .walk_detect = true,
    .default_role = BL_ROLE_EXCHANGE,
    .parse = parse,
    .resolve = bl_resolve_exchange,
    .value_text = value_text,
    .command = command,
    .host_name = host_name,
    .banner_lead = "220 ",
    .tidy_value = tidy_value,
    .fix_note = fix_note,
    .events = events,
    .utf16 = true,
    .comments = no_comments,
};

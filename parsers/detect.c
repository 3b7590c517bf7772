/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * detect.c - what kind of configuration a file is, by name then content.
 *
 * Names decide when they are unambiguous (main.cf, master.cf). Otherwise
 * the content is sniffed: Postfix master.cf entries have eight fields with
 * a service type second; main.cf lines are "name = value". A file in
 * another format (YAML, JSON, XML, INI) is told by its first lines.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "detect.h"
#include "parser.h"
#include "template.h"

static const char *const service_types[] = {"inet", "unix", "unix-dgram",
					    "fifo", "pass"};

static bool
is_master_line(const char *t, size_t n)
{
	size_t i = 0, f = 0, s, k;

	while (i < n && f < 2) {
		while (i < n && bl_is_space(t[i]))
			i++;
		s = i;
		while (i < n && !bl_is_space(t[i]))
			i++;
		if (i == s)
			break;
		if (++f == 2)
			for (k = 0; k < sizeof(service_types) /
						sizeof(service_types[0]);
			     k++)
				if (strlen(service_types[k]) == i - s &&
				    memcmp(service_types[k], t + s, i - s) == 0)
					return true;
	}
	return false;
}

static bool
is_main_line(const char *t, size_t n)
{
	size_t i = 0;

	while (i < n && (t[i] == '_' || (t[i] >= 'a' && t[i] <= 'z') ||
			 (t[i] >= 'A' && t[i] <= 'Z') ||
			 (t[i] >= '0' && t[i] <= '9')))
		i++;
	if (i == 0)
		return false;
	while (i < n && bl_is_space(t[i]))
		i++;
	return i < n && t[i] == '=';
}

/* bl_detect_content - the Postfix role a file's content suggests */
enum bl_file_role
bl_detect_content(const struct bl_source *src)
{
	struct bl_pf_reader r;
	struct bl_pf_line l;
	unsigned mainish = 0, masterish = 0, other = 0;

	bl_pf_reader_init(&r, src);
	bl_pf_line_init(&l);
	while (bl_pf_next_line(&r, &l) && mainish + masterish + other < 200) {
		if (l.indented)
			continue;
		if (is_master_line(l.text.data, l.text.len))
			masterish++;
		else if (is_main_line(l.text.data, l.text.len))
			mainish++;
		else
			other++;
	}
	bl_pf_line_finish(&l);
	if (masterish > 0 && masterish >= mainish && masterish > other)
		return BL_ROLE_POSTFIX_MASTER;
	if (mainish > 0 && mainish > other)
		return BL_ROLE_POSTFIX_MAIN;
	return BL_ROLE_NONE;
}

/* next_line - the next line [*s, *e) of src from pos that is not blank,
 * a "#" or ";" comment; false at the end */
static bool
next_line(const struct bl_source *src, size_t *pos, const char **s,
	  const char **e, unsigned *line)
{
	const char *d = src->data, *end = d + src->len, *p, *q;

	while (*pos < src->len) {
		p = d + *pos;
		q = memchr(p, '\n', (size_t)(end - p));
		if (q == NULL)
			q = end;
		*pos = (size_t)(q - d) + 1;
		(*line)++;
		while (p < q && bl_is_space((unsigned char)*p))
			p++;
		if (p == q || *p == '#' || *p == ';')
			continue;
		*s = p;
		*e = q;
		while (*e > *s && bl_is_space((unsigned char)(*e)[-1]))
			(*e)--;
		return true;
	}
	return false;
}

/* yaml_line - "key:", "key: value" or "- item", with no "=" */
static bool
yaml_line(const char *s, const char *e)
{
	const char *p = s;

	if (memchr(s, '=', (size_t)(e - s)) != NULL)
		return false;
	if (e - s >= 2 && s[0] == '-' && s[1] == ' ')
		return true;
	while (p < e && (isalnum((unsigned char)*p) || *p == '_' || *p == '-' ||
			 *p == '.' || *p == '"' || *p == '\''))
		p++;
	return p > s && p < e && *p == ':' && (p + 1 == e || p[1] == ' ');
}

/* bl_detect_foreign - a file in another format (see detect.h) */
const char *
bl_detect_foreign(const struct bl_source *src, unsigned *line)
{
	const char *s, *e, *s2, *e2, *p;
	size_t pos = 0;
	unsigned n = 0, first;

	if (!next_line(src, &pos, &s, &e, &n))
		return NULL;
	first = n;
	*line = n;
	if ((e - s >= 3 && memcmp(s, "---", 3) == 0 &&
	     (e - s == 3 || s[3] == ' ' || s[3] == '\t')) ||
	    (e - s >= 5 && memcmp(s, "%YAML", 5) == 0))
		return "YAML";
	if ((e - s >= 5 && memcmp(s, "<?xml", 5) == 0) ||
	    (e - s >= 9 && strncasecmp(s, "<!DOCTYPE", 9) == 0) ||
	    (e - s >= 4 && memcmp(s, "<!--", 4) == 0) ||
	    (e - s >= 3 && s[0] == '<' && isalpha((unsigned char)s[1]) &&
	     e[-1] == '>' && !bl_template_in(s, (size_t)(e - s))))
		return "XML";
	if (s[0] == '[' && e[-1] == ']' && e - s > 2 &&
	    memchr(s + 1, '[', (size_t)(e - s - 1)) == NULL &&
	    (isalpha((unsigned char)s[1]) || s[1] == '_'))
		return "INI";
	if (s[0] == '{' || s[0] == '[') {
		/* JSON: the next byte that is no blank opens a member or an
		 * element, or closes the bracket */
		for (p = s + 1; p < src->data + src->len &&
				bl_is_space((unsigned char)*p);
		     p++)
			;
		if (p == src->data + src->len || *p == '"' || *p == '}' ||
		    *p == ']' || *p == '{' || *p == '[' ||
		    (s[0] == '[' && (isdigit((unsigned char)*p) || *p == '-')))
			return "JSON";
	}
	if (yaml_line(s, e) && next_line(src, &pos, &s2, &e2, &n) &&
	    yaml_line(s2, e2)) {
		*line = first;
		return "YAML";
	}
	return NULL;
}

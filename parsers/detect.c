/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * detect.c - what kind of configuration a file is, by name then content.
 *
 * Names decide when they are unambiguous (main.cf, master.cf). Otherwise
 * the content is sniffed: Postfix master.cf entries have eight fields with
 * a service type second; main.cf lines are "name = value".
 */
#include "config.h"

#include <string.h>

#include "detect.h"
#include "parser.h"

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

/* SPDX-License-Identifier: BSD-2-Clause */
/* detect.h - recognise a configuration file by its content */
#ifndef BL_DETECT_H
#define BL_DETECT_H

#include "parser.h"

enum bl_file_role bl_detect_content(const struct bl_source *src);

/*
 * bl_detect_foreign - the format of a file that is no mail server
 * configuration whatever its name ("YAML", "JSON", "XML", "INI"; static),
 * or NULL; *line is where it shows. Judged from the first line that is
 * not blank or a "#" comment: no Postfix, Exim or sendmail configuration
 * starts with "---", "{", "<?xml" or a "[section]" header, nor with two
 * "key: value" lines. An empty file, or one of comments, is a valid
 * configuration (NULL).
 */
const char *bl_detect_foreign(const struct bl_source *src, unsigned *line);

#endif

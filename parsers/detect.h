/* SPDX-License-Identifier: BSD-2-Clause */
/* detect.h - recognise a configuration file by its content */
#ifndef BL_DETECT_H
#define BL_DETECT_H

#include "parser.h"

enum bl_file_role bl_detect_content(const struct bl_source *src);

#endif

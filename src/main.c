/* SPDX-License-Identifier: BSD-2-Clause */
/* main.c - bannerlint's entry point: the only place that exits */
#include "config.h"

#include <stdlib.h>

#include "cli.h"

int
main(int argc, char **argv)
{
	exit(bl_cli_main(argc, argv));
}

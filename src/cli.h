/* SPDX-License-Identifier: BSD-2-Clause */
/* cli.h - the command line */
#ifndef BL_CLI_H
#define BL_CLI_H

/* Exit statuses (DESIGN.md §3). */
enum bl_exit {
	BL_EXIT_OK = 0,
	BL_EXIT_FINDINGS = 1,
	BL_EXIT_ERROR = 2,
	BL_EXIT_INCOMPLETE = 3,
};

/* bl_cli_main - run the command line; returns the exit status */
int bl_cli_main(int argc, char **argv);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.c - parse the command line, run a subcommand, choose the exit status.
 *
 * Usage errors print a one-line reason and a hint to --help, status 2.
 * Input problems are diagnostics printed on standard error; any error among
 * them makes the status 2 after everything readable has been shown.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "load.h"
#include "report.h"
#include "util.h"

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
};

struct opts {
	enum format format;
	const char *color;
	bool quiet;
	struct bl_load_opts load;
};

static const char usage_text[] =
	"Usage: bannerlint show [OPTIONS] PATH...\n"
	"       bannerlint --version | --help\n"
	"\n"
	"Lint, verify and fix the SMTP greeting (220 banner) and HELO name of\n"
	"mail servers from their configuration.\n"
	"\n"
	"Commands:\n"
	"  show      print each listener's effective banner and each client's\n"
	"            HELO name, and where every part of it came from\n"
	"\n"
	"PATH is a configuration directory (walked for main.cf and master.cf),\n"
	"a main.cf or master.cf (its sibling is read too), or - for standard\n"
	"input.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT       text (default) or json\n"
	"      --type DIALECT        treat files as DIALECT (postfix)\n"
	"      --stdin-filename NAME name to use for standard input\n"
	"      --color WHEN          auto (default), always or never; NO_COLOR\n"
	"                            in the environment means never\n"
	"  -q, --quiet               print errors only\n"
	"  -h, --help                show this help\n"
	"  -V, --version             show the version\n"
	"\n"
	"Exit status: 0 success, 2 usage error or input that cannot be used.\n"
	"See bannerlint(1).\n";

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* usage_error - say what is wrong with the command line; status 2 */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bannerlint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'bannerlint --help'.\n", stderr);
	return BL_EXIT_ERROR;
}

static bool
use_color(const char *when, FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	if (strcmp(when, "always") == 0)
		return true;
	if (strcmp(when, "never") == 0)
		return false;
	if (nc != NULL && *nc != '\0')
		return false;
	return isatty(fileno(fp));
}

static int
cmd_show(struct opts *o, char **paths, int npaths)
{
	struct bl_instances in;
	struct bl_diags diags;
	struct bl_report_opts ro = {.quiet = o->quiet};
	int status;

	bl_diags_init(&diags);
	status = bl_load(&in, paths, (size_t)npaths, &o->load, &diags);
	ro.color = use_color(o->color, stderr);
	bl_report_diags(stderr, &diags, &in, &ro);
	ro.color = use_color(o->color, stdout);
	if (o->format == FORMAT_JSON)
		bl_report_show_json(stdout, &in, &diags);
	else
		bl_report_show_text(stdout, &in, &ro);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("bannerlint: write error");
		status = -1;
	}
	if (diags.errors > 0)
		status = -1;
	bl_instances_finish(&in);
	bl_diags_finish(&diags);
	return status < 0 ? BL_EXIT_ERROR : BL_EXIT_OK;
}

/* bl_cli_main - run the command line; returns the exit status */
int
bl_cli_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"type", required_argument, NULL, 't'},
		{"stdin-filename", required_argument, NULL, 's'},
		{"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.format = FORMAT_TEXT, .color = "auto"};
	const char *cmd = NULL;
	int c;

	/* The subcommand may come first; options may follow it. */
	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o.format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.format = FORMAT_JSON;
			else
				return usage_error("unknown format \"%s\" "
						   "(text or json)",
						   optarg);
			break;
		case 't':
			o.load.type = optarg;
			break;
		case 's':
			o.load.stdin_filename = optarg;
			break;
		case 'c':
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0)
				return usage_error("--color takes auto, always "
						   "or never, not \"%s\"",
						   optarg);
			o.color = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return BL_EXIT_OK;
		case 'V':
			printf("bannerlint %s\n", BL_VERSION);
			return BL_EXIT_OK;
		default:
			if (optopt != 0 && strchr("ftsc", optopt) != NULL)
				return usage_error("option -%c needs a value",
						   optopt);
			return usage_error("unknown option \"%s\"",
					   argv[optind - 1]);
		}
	}
	if (cmd == NULL && optind < argc) {
		cmd = argv[optind++];
	}
	if (cmd == NULL)
		return usage_error("%s", "no command given");
	if (strcmp(cmd, "show") != 0)
		return usage_error("unknown command \"%s\"", cmd);
	if (optind >= argc)
		return usage_error("%s", "show needs at least one PATH");
	return cmd_show(&o, argv + optind, argc - optind);
}

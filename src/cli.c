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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "load.h"
#include "conf.h"
#include "engine.h"
#include "report.h"
#include "report_check.h"
#include "rules.h"
#include "parser.h"
#include "util.h"

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_GCC,
	FORMAT_SARIF,
	FORMAT_CHECKSTYLE,
	FORMAT_GITHUB,
};

struct opts {
	enum format format;
	const char *color;
	bool quiet;
	enum bl_level fail_on;
	bool fail_on_set;
	char **select;
	char **ignore;
	char **ip;
	const char *hostname;
	const char *config;
	bool no_config;
	bool show_config;
	bool no_inline;
	struct bl_load_opts load;
};

static const char usage_text[] =
	"Usage: bannerlint [check] [OPTIONS] PATH...\n"
	"       bannerlint show [OPTIONS] PATH...\n"
	"       bannerlint rules | explain RULE\n"
	"       bannerlint --version | --help\n"
	"\n"
	"Lint, verify and fix the SMTP greeting (220 banner) and HELO name of\n"
	"mail servers from their configuration.\n"
	"\n"
	"Commands:\n"
	"  check     lint the configuration (the default command)\n"
	"  rules     list the rule catalogue\n"
	"  explain   print the full text of one rule\n"
	"  show      print each listener's effective banner and each client's\n"
	"            HELO name, and where every part of it came from\n"
	"\n"
	"PATH is a configuration directory (walked for main.cf and master.cf,\n"
	"exim.conf, exim4.conf, exim4.conf.template, *.mc, sendmail.cf; a\n"
	"directory holding update-exim4.conf.conf is Debian's /etc/exim4, one\n"
	"instance), a configuration file (main.cf or master.cf brings its\n"
	"sibling; other names are told by their content), or - for standard\n"
	"input.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT       text (default) or json; for check also\n"
	"                            gcc, sarif, checkstyle, github\n"
	"      --fail-on LEVEL       info, warning (default) or error: the\n"
	"                            findings that make the exit status 1\n"
	"      --select RULE,...     run only these rules (ids or names)\n"
	"      --ignore RULE,...     do not run these rules\n"
	"      --hostname FQDN       the intended host name of the server\n"
	"      --ip ADDR             an address of the server (repeatable)\n"
	"      --config FILE         use FILE instead of .bannerlint.conf\n"
	"      --no-config           use no configuration file\n"
	"      --show-config         print the configuration each instance uses\n"
	"      --no-inline-suppressions\n"
	"                            ignore '# bannerlint: disable=' comments\n"
	"      --type DIALECT        treat files as DIALECT (postfix, exim,\n"
	"                            sendmail)\n"
	"      --sendmail-cf DIR     the sendmail-cf tree (m4/cf.m4, ostype/)\n"
	"                            that OSTYPE, DOMAIN and HACK read\n"
	"      --root DIR            read absolute include paths under DIR\n"
	"                            (a repository copy of the server's /)\n"
	"      --stdin-filename NAME name to use for standard input\n"
	"      --no-templates        skip templates (main.cf.j2, ERB, ...)\n"
	"                            instead of reading them\n"
	"      --color WHEN          auto (default), always or never; NO_COLOR\n"
	"                            in the environment means never\n"
	"  -q, --quiet               print errors only\n"
	"  -h, --help                show this help\n"
	"  -V, --version             show the version\n"
	"\n"
	"Exit status: 0 nothing at or above --fail-on, 1 findings at or above\n"
	"it, 3 nothing worse but some of it could not be checked (an include\n"
	"that is not here), 2 usage error or input that cannot be used.\n"
	"See bannerlint(1).\n";

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* usage_error - say what is wrong with the command line; status 2 */
static int
usage_error(const char *fmt, ...)
{
	struct bl_buf b;
	va_list ap;

	/* the arguments are the user's words: escaped like any input */
	bl_buf_init(&b);
	va_start(ap, fmt);
	bl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fputs("bannerlint: ", stderr);
	bl_escape_print(stderr, b.data, b.len, 0);
	bl_buf_finish(&b);
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

/* conf_root - .bannerlint.conf's root = for an instance (load.h) */
static int
conf_root(void *ctx, const char *const *paths, size_t npaths, char **root,
	  struct bl_diags *diags)
{
	return bl_confs_root(ctx, paths, npaths, root, diags);
}

/* show_root - the same for show, which reads .bannerlint.conf only for
 * root = and leaves a broken one to check to report */
static int
show_root(void *ctx, const char *const *paths, size_t npaths, char **root,
	  struct bl_diags *diags)
{
	struct bl_diags quiet;

	(void)diags;
	bl_diags_init(&quiet);
	bl_confs_root(ctx, paths, npaths, root, &quiet);
	bl_diags_finish(&quiet);
	return 0;
}

static int
cmd_show(struct opts *o, char **paths, int npaths)
{
	struct bl_instances in;
	struct bl_diags diags;
	struct bl_report_opts ro = {.quiet = o->quiet};
	struct bl_confs *confs = bl_confs_new(o->config, o->no_config);
	int status;

	bl_diags_init(&diags);
	o->load.root_for = show_root;
	o->load.root_ctx = confs;
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
	/* an include that is not here: the values shown are unverified */
	for (size_t i = 0; status >= 0 && i < in.n; i++)
		if (in.v[i]->unread_path != NULL)
			status = 1;
	bl_instances_finish(&in);
	bl_diags_finish(&diags);
	bl_confs_free(confs);
	return status < 0	? BL_EXIT_ERROR
	       : status > 0 ? BL_EXIT_INCOMPLETE
			    : BL_EXIT_OK;
}

static char **
split_list(const char *arg, char **old)
{
	size_t n = 0, k;
	char **v;
	const char *p, *e;

	for (n = 0; old && old[n]; n++)
		;
	v = bl_xreallocarray(old, n + strlen(arg) + 2, sizeof(*v));
	for (p = arg; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		k = (size_t)(e - p);
		if (k > 0)
			v[n++] = bl_xstrndup(p, k);
	}
	v[n] = NULL;
	return v;
}

static void
free_list(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static struct bl_ruleset *
load_rules(struct opts *o)
{
	struct bl_diags diags;
	struct bl_report_opts ro = {.color = use_color(o->color, stderr)};
	struct bl_ruleset *rs;

	bl_diags_init(&diags);
	rs = bl_ruleset_new(NULL, &diags);
	bl_report_diags(stderr, &diags, NULL, &ro);
	bl_diags_finish(&diags);
	return rs;
}

/* The rulesets in use, one per rules-dir (NULL: the embedded catalogue). */
struct rulesets {
	struct bl_ruleset **v;
	char **dirs;
	size_t n;
};

static struct bl_ruleset *
ruleset_for(struct rulesets *r, const char *dir, struct bl_diags *diags)
{
	struct bl_ruleset *rs;
	size_t i;

	for (i = 0; i < r->n; i++)
		if ((dir == NULL && r->dirs[i] == NULL) ||
		    (dir && r->dirs[i] && strcmp(dir, r->dirs[i]) == 0))
			return r->v[i];
	rs = bl_ruleset_new(dir, diags);
	if (rs == NULL)
		return NULL;
	r->v = bl_xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->dirs = bl_xreallocarray(r->dirs, r->n + 1, sizeof(*r->dirs));
	r->v[r->n] = rs;
	r->dirs[r->n] = dir ? bl_xstrdup(dir) : NULL;
	return r->v[r->n++];
}

static void
rulesets_finish(struct rulesets *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		bl_ruleset_free(r->v[i]);
		free(r->dirs[i]);
	}
	free(r->v);
	free(r->dirs);
}

/* Is id a rule id, id prefix or name of the ruleset ctx? */
static bool
known_id(const char *id, void *ctx)
{
	const struct bl_ruleset *rs = ctx;
	size_t j;

	if (bl_ruleset_find(rs, id) != NULL)
		return true;
	for (j = 0; j < rs->nrules; j++)
		if (strlen(id) < 5 &&
		    strncasecmp(id, rs->rules[j].id, strlen(id)) == 0)
			return true;
	return false;
}

static int
cmd_check(struct opts *o, char **paths, int npaths)
{
	struct bl_instances in;
	struct bl_diags diags, shown;
	struct bl_findings fs = {0};
	struct bl_report_opts ro = {.quiet = o->quiet};
	struct bl_effective base = {0}, eff;
	struct bl_confs *confs;
	struct rulesets rsets = {0};
	struct bl_ruleset *rs;
	int status, rc = BL_EXIT_OK;
	size_t i, first;

	bl_diags_init(&diags);
	if ((rs = ruleset_for(&rsets, NULL, &diags)) == NULL) {
		ro.color = use_color(o->color, stderr);
		bl_report_diags(stderr, &diags, NULL, &ro);
		bl_diags_finish(&diags);
		rulesets_finish(&rsets);
		return BL_EXIT_ERROR;
	}
	base.fail_on = o->fail_on_set ? o->fail_on : (enum bl_level)-1;
	base.select = o->select;
	base.ignore = o->ignore;
	base.hostname = (char *)o->hostname; /* read only here */
	base.ip = o->ip;
	base.no_inline = o->no_inline;
	confs = bl_confs_new(o->config, o->no_config);
	o->load.root_for = conf_root;
	o->load.root_ctx = confs;
	status = bl_load(&in, paths, (size_t)npaths, &o->load, &diags);
	for (i = 0; i < in.n; i++) {
		struct bl_engine_opts eo;

		if (bl_confs_for(confs, in.v[i], &base, &eff, &diags) < 0) {
			status = -1;
			continue;
		}
		if (o->show_config)
			bl_effective_print(stderr, in.v[i], &eff);
		rs = ruleset_for(&rsets, eff.rules_dir, &diags);
		if (rs != NULL && eff.conf_path != NULL &&
		    bl_confs_validate(confs, eff.conf_path, known_id, rs,
				      &diags) < 0)
			rs = NULL;
		if (rs == NULL) {
			status = -1;
			bl_effective_finish(&eff);
			continue;
		}
		memset(&eo, 0, sizeof(eo));
		eo.select = eff.select;
		eo.ignore = eff.ignore;
		eo.hostname = eff.hostname;
		eo.allow_hostname = eff.allow_hostname;
		eo.internal_suffix = eff.internal_suffix;
		eo.severity_ids = eff.severity_ids;
		eo.severity_levels = eff.severity_levels;
		eo.nseverity = eff.nseverity;
		eo.no_inline = eff.no_inline;
		first = fs.n;
		bl_engine_run(rs, in.v[i], &eo, &fs, &diags);
		for (; first < fs.n; first++)
			if (fs.v[first].severity >= eff.fail_on)
				rc = BL_EXIT_FINDINGS;
		bl_effective_finish(&eff);
	}
	/* Rule ids on the command line must name a rule of some ruleset. */
	for (i = 0; i < 2; i++) {
		char **list = i == 0 ? o->select : o->ignore;
		size_t j, k;

		for (j = 0; list && list[j]; j++) {
			bool ok = false;

			for (k = 0; k < rsets.n && !ok; k++)
				ok = known_id(list[j], rsets.v[k]);
			if (!ok) {
				bl_diags_add(&diags, BL_LEVEL_ERROR, NULL, 0, 0,
					     "--%s: no rule \"%s\" (see "
					     "'bannerlint rules')",
					     i == 0 ? "select" : "ignore",
					     list[j]);
				status = -1;
			}
		}
	}
	/* Diagnostics a rule reports as a finding are not said twice. */
	bl_diags_init(&shown);
	for (i = 0; i < diags.n; i++)
		if (diags.v[i].rule == NULL)
			bl_diags_push(&shown, &diags.v[i]);
	ro.color = use_color(o->color, stderr);
	bl_report_diags(stderr, &shown, &in, &ro);
	if (o->format == FORMAT_JSON)
		bl_report_check_json(stdout, &fs);
	else if (o->format == FORMAT_SARIF)
		bl_report_sarif(stdout, &fs,
				(const struct bl_ruleset *const *)rsets.v,
				rsets.n, &shown,
				status >= 0 && diags.errors == 0);
	else if (o->format == FORMAT_CHECKSTYLE)
		bl_report_checkstyle(stdout, &fs);
	else if (o->format == FORMAT_GITHUB)
		bl_report_github(stdout, &fs);
	else
		bl_report_check_text(stdout, &fs, o->format == FORMAT_GCC,
				     use_color(o->color, stdout), o->quiet,
				     status < 0 || diags.errors > 0);
	if (fflush(stdout) != 0 || ferror(stdout))
		status = -1;
	/* "could not tell" (a search limit) and nothing worse: 3 */
	if (rc == BL_EXIT_OK && fs.unknown > 0)
		rc = BL_EXIT_INCOMPLETE;
	if (status < 0 || diags.errors > 0)
		rc = BL_EXIT_ERROR;
	bl_diags_finish(&shown);
	bl_findings_finish(&fs);
	bl_instances_finish(&in);
	bl_diags_finish(&diags);
	bl_confs_free(confs);
	rulesets_finish(&rsets);
	return rc;
}

static int
cmd_rules(struct opts *o)
{
	struct bl_ruleset *rs = load_rules(o);
	size_t i;

	if (rs == NULL)
		return BL_EXIT_ERROR;
	for (i = 0; i < rs->nrules; i++) {
		/* rule files may come from a rules-dir: escaped like any input */
		char *id = bl_escape_str(rs->rules[i].id, 0);
		char *name = bl_escape_str(rs->rules[i].name, 0);

		printf("%s  %-30s %-7s %s\n", id, name,
		       bl_severity_name(rs->rules[i].severity),
		       rs->rules[i].applies == BL_APPLIES_BANNER ? "banner"
		       : rs->rules[i].applies == BL_APPLIES_HELO ? "helo"
								 : "banner,helo");
		free(id);
		free(name);
	}
	bl_ruleset_free(rs);
	return BL_EXIT_OK;
}

static int
cmd_explain(struct opts *o, const char *id)
{
	struct bl_ruleset *rs = load_rules(o);
	const struct bl_rule *r;
	size_t i;

	if (rs == NULL)
		return BL_EXIT_ERROR;
	r = bl_ruleset_find(rs, id);
	if (r == NULL) {
		bl_ruleset_free(rs);
		return usage_error("no rule \"%s\" (see 'bannerlint rules')",
				   id);
	}
	bl_escape_puts(stdout, r->id);
	putchar(' ');
	bl_escape_puts(stdout, r->name);
	printf(" (%s)\n\n", bl_severity_name(r->severity));
	bl_escape_print(stdout, r->explain, strlen(r->explain),
			BL_ESC_KEEP_NL);
	putchar('\n');
	if (r->nrefs > 0) {
		printf("\nReferences:\n");
		for (i = 0; i < r->nrefs; i++) {
			fputs("  - ", stdout);
			bl_escape_puts(stdout, r->refs[i]);
			putchar('\n');
		}
	}
	bl_ruleset_free(rs);
	return BL_EXIT_OK;
}

/* bl_cli_main - run the command line; returns the exit status */
int
bl_cli_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"type", required_argument, NULL, 't'},
		{"stdin-filename", required_argument, NULL, 's'},
		{"sendmail-cf", required_argument, NULL, 'M'},
		{"root", required_argument, NULL, 'R'},
		{"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"fail-on", required_argument, NULL, 'F'},
		{"config", required_argument, NULL, 'C'},
		{"no-config", no_argument, NULL, 'N'},
		{"show-config", no_argument, NULL, 'W'},
		{"hostname", required_argument, NULL, 'H'},
		{"ip", required_argument, NULL, 'P'},
		{"no-inline-suppressions", no_argument, NULL, 'X'},
		{"no-templates", no_argument, NULL, 'T'},
		{"select", required_argument, NULL, 'S'},
		{"ignore", required_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.format = FORMAT_TEXT,
			 .color = "auto",
			 .fail_on = BL_LEVEL_WARNING};
	const char *cmd = NULL;
	int c, rc;

	/* A command may come first; options may follow it. */
	if (argc > 1 && (strcmp(argv[1], "check") == 0 ||
			 strcmp(argv[1], "show") == 0 ||
			 strcmp(argv[1], "rules") == 0 ||
			 strcmp(argv[1], "explain") == 0)) {
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
			else if (strcmp(optarg, "gcc") == 0)
				o.format = FORMAT_GCC;
			else if (strcmp(optarg, "sarif") == 0)
				o.format = FORMAT_SARIF;
			else if (strcmp(optarg, "checkstyle") == 0)
				o.format = FORMAT_CHECKSTYLE;
			else if (strcmp(optarg, "github") == 0)
				o.format = FORMAT_GITHUB;
			else
				return usage_error("unknown format \"%s\" "
						   "(text, gcc, json, sarif, "
						   "checkstyle or github)",
						   optarg);
			break;
		case 't':
			o.load.type = optarg;
			break;
		case 's':
			o.load.stdin_filename = optarg;
			break;
		case 'M':
			o.load.sendmail_cf_dir = optarg;
			break;
		case 'R': {
			struct stat st;

			if (stat(optarg, &st) != 0 || !S_ISDIR(st.st_mode))
				return usage_error("--root: \"%s\" is not a "
						   "directory",
						   optarg);
			o.load.root = optarg;
			break;
		}
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
		case 'F':
			if (strcmp(optarg, "info") == 0)
				o.fail_on = BL_LEVEL_NOTE;
			else if (strcmp(optarg, "warning") == 0)
				o.fail_on = BL_LEVEL_WARNING;
			else if (strcmp(optarg, "error") == 0)
				o.fail_on = BL_LEVEL_ERROR;
			else
				return usage_error("--fail-on takes info, "
						   "warning or error, not "
						   "\"%s\"",
						   optarg);
			o.fail_on_set = true;
			break;
		case 'S':
			o.select = split_list(optarg, o.select);
			break;
		case 'C':
			o.config = optarg;
			break;
		case 'N':
			o.no_config = true;
			break;
		case 'W':
			o.show_config = true;
			break;
		case 'H':
			o.hostname = optarg;
			break;
		case 'P':
			o.ip = split_list(optarg, o.ip);
			break;
		case 'X':
			o.no_inline = true;
			break;
		case 'T':
			o.load.no_templates = true;
			break;
		case 'I':
			o.ignore = split_list(optarg, o.ignore);
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
	if (cmd == NULL)
		cmd = "check";
	if (strcmp(cmd, "rules") == 0)
		rc = cmd_rules(&o);
	else if (strcmp(cmd, "explain") == 0)
		rc = optind + 1 == argc ? cmd_explain(&o, argv[optind])
					: usage_error("%s", "explain takes one "
							    "RULE");
	else if (optind >= argc)
		rc = usage_error("%s needs at least one PATH", cmd);
	else if (strcmp(cmd, "show") == 0)
		rc = o.format != FORMAT_TEXT && o.format != FORMAT_JSON
			     ? usage_error("%s", "show prints text or json")
			     : cmd_show(&o, argv + optind, argc - optind);
	else
		rc = cmd_check(&o, argv + optind, argc - optind);
	free_list(o.select);
	free_list(o.ignore);
	free_list(o.ip);
	return rc;
}

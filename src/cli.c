/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.c - parse the command line, run a subcommand, choose the exit status.
 *
 * Usage errors print a one-line reason and a hint to --help, status 2.
 * Input problems are diagnostics printed on standard error; any error among
 * them makes the status 2 after everything readable has been shown.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "escape.h"
#include "load.h"
#include "check.h"
#include "conf.h"
#include "dns.h"
#include "engine.h"
#include "fix.h"
#include "fixrun.h"
#include "atomic.h"
#include "report.h"
#include "report_check.h"
#include "rules.h"
#include "parser.h"
#include "probe.h"
#include "transcript.h"
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
	unsigned jobs; /* worker threads; 1: none */
	const char *baseline;	    /* check --baseline FILE */
	const char *write_baseline; /* check --write-baseline FILE */
	struct bl_load_opts load;
	/* fix */
	bool write;          /* --write: in place, not a diff */
	bool unsafe;         /* --unsafe: identity-changing fixes too */
	const char *backup;  /* --backup[=SUFFIX], or NULL */
	/* DNS */
	const char *dns;      /* --dns SPEC, or NULL: .bannerlint.conf's */
	const char *resolver; /* --resolver ADDR[:PORT] */
	unsigned dns_timeout_ms; /* --dns-timeout: one question's budget */
	bool jobs_set;        /* --jobs given */
	/* probe */
	struct bl_probe_opts probe;
	bool probe_opts;      /* a probe option given (probe only) */
	const char *compare;  /* --compare PATH (probe, check) */
	const char *record;   /* --record DIR (probe) */
};

static const char usage_text[] =
	"Usage: bannerlint [check] [OPTIONS] PATH...\n"
	"       bannerlint show [OPTIONS] PATH...\n"
	"       bannerlint fix [OPTIONS] PATH...\n"
	"       bannerlint probe [OPTIONS] HOST[:PORT]...\n"
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
	"  fix       print the fixes as a unified diff (git apply, patch -p1);\n"
	"            --write makes them in place\n"
	"  probe     greet live servers: the greeting, EHLO, STARTTLS or TLS,\n"
	"            the certificate, judged by the same rules\n"
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
	"      --dns MODE            off (default), live, record:FILE or\n"
	"                            replay:FILE: check the host names against\n"
	"                            DNS (A/AAAA, PTR, forward-confirmed rDNS)\n"
	"      --resolver ADDR[:PORT]  the DNS server to ask (default: the\n"
	"                            first nameserver of /etc/resolv.conf)\n"
	"      --dns-timeout SECONDS one DNS question's time budget (default 5)\n"
	"      --config FILE         use FILE instead of .bannerlint.conf\n"
	"      --no-config           use no configuration file\n"
	"      --baseline FILE       check: do not report the findings of\n"
	"                            FILE (an earlier run's JSON report)\n"
	"      --write-baseline FILE check: write the JSON report of all\n"
	"                            findings to FILE as well\n"
	"      --show-config         print the configuration each instance uses\n"
	"      --no-inline-suppressions\n"
	"                            ignore '# bannerlint: disable=' comments\n"
	"      --type DIALECT        treat files as DIALECT (postfix, exim,\n"
	"                            sendmail, exchange)\n"
	"      --sendmail-cf DIR     the sendmail-cf tree (m4/cf.m4, ostype/)\n"
	"                            that OSTYPE, DOMAIN and HACK read\n"
	"      --root DIR            read absolute include paths under DIR\n"
	"                            (a repository copy of the server's /)\n"
	"      --stdin-filename NAME name to use for standard input\n"
	"      --no-templates        skip templates (main.cf.j2, ERB, ...)\n"
	"                            instead of reading them\n"
	"  -j, --jobs N              check N instances at a time (default:\n"
	"                            the number of processors; 1 to 256);\n"
	"                            the output is the same for any N\n"
	"      --color WHEN          auto (default), always or never; NO_COLOR\n"
	"                            in the environment means never\n"
	"  -q, --quiet               print errors only\n"
	"fix:\n"
	"      --write               fix the files in place (atomically)\n"
	"                            instead of printing a diff\n"
	"      --unsafe              also make the fixes that change the\n"
	"                            server's name (--hostname gives it)\n"
	"      --backup[=SUFFIX]     with --write, keep each original as\n"
	"                            FILE.orig (or FILE + SUFFIX)\n"
	"probe:\n"
	"      --starttls            STARTTLS even when it is not offered\n"
	"      --tls                 implicit TLS (the default on port 465)\n"
	"      --plain               no TLS at all\n"
	"      --ehlo NAME           the EHLO name (default: this machine's)\n"
	"      --sni NAME            the TLS server name (default: the\n"
	"                            probed name, none for an address)\n"
	"      --ca-file FILE        trust these CAs instead of the system's\n"
	"      --timeout SECONDS     each phase's deadline (default 30)\n"
	"      --first               only the first address of each name\n"
	"      --record DIR          save each transcript as DIR/NAME.transcript\n"
	"                            (check reads them back, offline)\n"
	"      --compare PATH        probe, check: report where the live\n"
	"                            greeting differs from the configuration\n"
	"                            in PATH (BL501); show and fix accept\n"
	"                            it and have nothing to compare\n"
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

/*
 * The run pipeline of check and show: the plan is built, checked and
 * reported one instance at a time, in plan order, and each instance is
 * freed once its output is out, so memory is that of the instances in
 * flight. With --jobs N, N worker threads build and check instances while
 * this thread prepares the next ones and prints the finished ones strictly
 * in plan order, at most 2N ahead of the one being printed: the output is
 * byte for byte that of --jobs 1.
 *
 * What is not thread-safe stays on this thread, in plan order: the lookup
 * of each instance's .bannerlint.conf (it parses and caches), loading a
 * rules-dir and validating a configuration file against it. An instance
 * that needs either for the first time is run here, after every instance
 * before it has been printed, just as --jobs 1 would; the rulesets and
 * configuration files are read-only for the workers.
 */
#define MAX_JOBS 256u
#define DNS_JOBS 32u /* threads with --dns live or record: */

/* --compare: the greeting each listener of the configuration gives. */
struct listener {
	unsigned port; /* 0: every port the daemon listens on */
	char *greeting;
	char *where;
};

struct listeners {
	struct listener *v;
	size_t n;
	char *path;
};

static void listeners_free(struct listeners *ls);
static void probe_summary(FILE *out, const struct bl_config *cfg);

/* One instance on its way through the pipeline. */
struct job {
	size_t i; /* its place in the plan */
	/* prepared on the main thread */
	const struct bl_conf *conf;
	bool conf_bad;   /* its .bannerlint.conf is broken: not checked */
	char *root;      /* root = for its includes, or NULL */
	char *rules_dir; /* the configuration's rules-dir, or NULL */
	struct bl_ruleset *rs; /* the ruleset to use; NULL: find it (serial) */
	bool serial;     /* run on the main thread, after all before it */
	/* done by a worker (or the main thread) */
	struct bl_diags diags;  /* everything said about it, in order */
	struct bl_findings fs;  /* its findings (check) */
	json_t *surfaces;       /* its surfaces (show --format json) */
	char *err, *out;        /* text for stderr and stdout */
	size_t nerr, nout;
	size_t skipped;
	bool built;     /* an instance came out of its files */
	bool failed;    /* some input could not be used */
	bool load_failed; /* ... and it was a file of the instance */
	size_t errors;  /* errors among its diagnostics, shown or not */
	bool fail_on;   /* a finding at or above its --fail-on */
	enum bl_level fail_level; /* its --fail-on */
	bool unread;    /* show: an include that is not here */
	bool dns;       /* the run's resolver answers its DNS questions */
	bool done;
};

struct run {
	struct opts *o;
	bool show;
	bool fixing;     /* the fix command */
	char *fix_root;  /* fix: diff names are relative to it */
	size_t nfixed;   /* fix --write: the files written */
	bool tty;        /* fix: stdout is a terminal */
	struct bl_plan *plan;
	struct bl_confs *confs;
	struct rulesets rsets;
	struct bl_effective base;
	struct bl_report_opts ro_err; /* stderr */
	struct bl_report_opts ro_out; /* stdout */
	/* the whole run, on the main thread */
	struct bl_diags pre;    /* before any instance: finding the files */
	struct bl_diags end;    /* after every instance */
	struct bl_diags shown;  /* every diagnostic printed, for the formats
				 * that list them (SARIF, show's JSON) */
	struct bl_findings fs;  /* only its unknown count: findings stream */
	struct bl_check_report *rep; /* check: the streaming reporter */
	struct bl_baseline *bl; /* check: --baseline, --write-baseline */
	json_t *surfaces;
	size_t built, skipped, nshown;
	bool failed, fail_on, unread;
	bool load_failed; /* the plan or the build of an instance */
	/* the workers */
	/* DNS: one resolver per run, opened by the first instance that
	 * wants it (--dns, or its .bannerlint.conf's dns =) */
	struct bl_dns *dns;
	struct bl_facts facts;
	struct bl_facts facts_nodns; /* the same without DNS */
	struct listeners *listeners; /* --compare, or NULL */
	json_t *probes;              /* probe: the "probes" member */
	char *dns_spec;  /* what it was opened with */
	bool dns_failed; /* it could not be opened: said once */
	pthread_mutex_t mu;
	pthread_cond_t work, finished;
	struct job *ring;
	size_t window;
	size_t queued; /* jobs [0, queued) may be taken */
	size_t taken;  /* jobs [0, taken) have been */
	bool stop;
};

/* mem_open - a stream into memory, for output made while an instance is
 * alive and printed when its turn comes */
static FILE *
mem_open(char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);

	if (fp == NULL)
		bl_fatal("cannot open a memory stream: %s", strerror(errno));
	return fp;
}

static void
mem_close(FILE *fp)
{
	if (fclose(fp) != 0)
		bl_fatal("cannot write to memory: %s", strerror(errno));
}

/* ruleset_known - the ruleset of dir if it is loaded already, or NULL */
static struct bl_ruleset *
ruleset_known(const struct rulesets *r, const char *dir)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if ((dir == NULL && r->dirs[i] == NULL) ||
		    (dir && r->dirs[i] && strcmp(dir, r->dirs[i]) == 0))
			return r->v[i];
	return NULL;
}

static const struct bl_dns_answer *
facts_dns(void *ctx, enum bl_dns_type t, const char *subject)
{
	return bl_dns_get(((struct run *)ctx)->dns, t, subject);
}

/* facts_live - what the probe of a live instance saw (its transcript) */
static const struct bl_live *
facts_live(void *ctx, const struct bl_config *cfg)
{
	(void)ctx;
	return bl_live_facts(cfg);
}

/* facts_listener - --compare: the greeting of the configuration's
 * listener on port (built before any instance, read-only after) */
static enum bl_outcome
facts_listener(void *ctx, unsigned port, const char **greeting,
	       const char **where)
{
	const struct listeners *ls = ((struct run *)ctx)->listeners;
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].port == port) {
			*greeting = ls->v[i].greeting;
			*where = ls->v[i].where;
			return BL_OUTCOME_YES;
		}
	/* a listener on every port (an MTA whose daemon the files do not
	 * bind to one) */
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].port == 0) {
			*greeting = ls->v[i].greeting;
			*where = ls->v[i].where;
			return BL_OUTCOME_YES;
		}
	*where = ls->path;
	return BL_OUTCOME_NO;
}

/* parse_dns - a --dns / dns = SPEC; -1 when it is none */
static int
parse_dns(const char *spec, struct bl_dns_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (strcmp(spec, "off") == 0)
		o->mode = BL_DNS_OFF;
	else if (strcmp(spec, "live") == 0)
		o->mode = BL_DNS_LIVE;
	else if (strncmp(spec, "record:", 7) == 0 && spec[7] != '\0')
		o->mode = BL_DNS_RECORD;
	else if (strncmp(spec, "replay:", 7) == 0 && spec[7] != '\0')
		o->mode = BL_DNS_REPLAY;
	else
		return -1;
	if (o->mode == BL_DNS_RECORD || o->mode == BL_DNS_REPLAY)
		o->file = spec + 7;
	return 0;
}

/* prepare_dns - does the instance ask DNS: --dns, else its configuration
 * file's dns =; the run's resolver opens for the first that does (on
 * this thread: the workers only ask it) */
static void
prepare_dns(struct run *run, struct job *j)
{
	char *spec = run->o->dns != NULL ? bl_xstrdup(run->o->dns)
					 : bl_conf_dns(j->conf);
	const char *resolver = run->o->resolver != NULL
				       ? run->o->resolver
				       : bl_conf_resolver(j->conf);
	struct bl_dns_opts o;

	if (spec == NULL || parse_dns(spec, &o) < 0 || o.mode == BL_DNS_OFF) {
		free(spec);
		return;
	}
	if (run->dns == NULL && !run->dns_failed) {
		o.resolver = resolver;
		o.query_ms = run->o->dns_timeout_ms;
		if (o.query_ms > 0 && o.query_ms < 1000)
			o.timeout_ms = o.query_ms / 3 + 1;
		if (bl_dns_open(&run->dns, &o, &j->diags) < 0) {
			run->dns_failed = true;
			j->failed = true;
			free(spec);
			return;
		}
		run->facts.dns = facts_dns;
		run->dns_spec = spec;
		spec = NULL;
	} else if (run->dns != NULL && strcmp(spec, run->dns_spec) != 0) {
		bl_diags_add(&j->diags, BL_LEVEL_WARNING,
			     bl_conf_path(j->conf), 0, 0,
			     "dns = \"%s\" is not used: this run asks DNS "
			     "with \"%s\" already (one resolver per run)",
			     spec, run->dns_spec);
	}
	free(spec);
	if (run->dns_failed && run->dns == NULL)
		j->failed = true;
	j->dns = run->dns != NULL;
}

/* dns_prefetch - ask every question the DNS checks of cfg will ask, at
 * once: the resolver keeps them all in flight while this thread goes on,
 * and the checks then wait only for what is not back yet */
static void
dns_prefetch(struct run *run, const struct bl_config *cfg, char **ips)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		if (bl_check_dns_name(&cfg->surfaces[i]))
			bl_dns_confirm(run->dns, cfg->surfaces[i].hostname);
	for (i = 0; ips != NULL && ips[i] != NULL; i++)
		bl_dns_confirm(run->dns, ips[i]);
}

/* confirmed_name - the PTR name of the server's address that resolves
 * back to it (forward-confirmed), for the host name fixes of --unsafe:
 * the first --ip address's, else that of an address a surface host name
 * resolves to; NULL: none (borrowed from the resolver's cache) */
static const char *
confirmed_name(struct run *run, const struct bl_config *cfg, char **ips)
{
	const char *addrs[2 * BL_DNS_MAX_DATA + 64];
	size_t na = 0, i, k;

	for (i = 0; ips != NULL && ips[i] != NULL && na < BL_ARRAY_LEN(addrs);
	     i++)
		addrs[na++] = ips[i];
	for (i = 0; na == 0 && i < cfg->nsurfaces; i++) {
		const struct bl_dns_answer *a;

		if (!bl_check_dns_name(&cfg->surfaces[i]))
			continue;
		a = bl_dns_get(run->dns, BL_DNS_A, cfg->surfaces[i].hostname);
		for (k = 0; a->status == BL_DNS_FOUND && k < a->n &&
			    na < BL_ARRAY_LEN(addrs);
		     k++)
			addrs[na++] = a->data[k];
	}
	for (i = 0; i < na; i++) {
		const struct bl_dns_answer *p =
			bl_dns_get(run->dns, BL_DNS_PTR, addrs[i]);

		for (k = 0; p->status == BL_DNS_FOUND && k < p->n; k++) {
			const struct bl_dns_answer *b = bl_dns_get(
				run->dns,
				strchr(addrs[i], ':') ? BL_DNS_AAAA : BL_DNS_A,
				p->data[k]);
			size_t m;

			for (m = 0; b->status == BL_DNS_FOUND && m < b->n; m++)
				if (strcmp(b->data[m], addrs[i]) == 0)
					return p->data[k];
		}
	}
	return NULL;
}

/* prepare - what only the main thread may do for an instance, before it
 * is built: its configuration file, its root, its ruleset if known */
static void
prepare(struct run *run, struct job *j)
{
	const char *const *paths;
	struct bl_diags quiet, *d = &j->diags;
	size_t n;

	paths = bl_plan_paths(run->plan, j->i, &n);
	/* show reads .bannerlint.conf only for root = and leaves a broken
	 * one to check to report */
	if (run->show) {
		bl_diags_init(&quiet);
		d = &quiet;
	}
	if (bl_confs_lookup(run->confs, paths, n, &j->conf, d) < 0) {
		j->conf_bad = true;
		j->failed = !run->show;
	} else {
		j->root = bl_conf_root(j->conf, paths, n);
		j->rules_dir = bl_conf_rules_dir(j->conf);
		prepare_dns(run, j);
	}
	if (run->show) {
		bl_diags_finish(&quiet);
		return;
	}
	if (j->conf_bad)
		return;
	j->rs = ruleset_known(&run->rsets, j->rules_dir);
	/* a rules-dir to load, or a file to validate: in order, here */
	if (j->rs == NULL ||
	    (j->conf != NULL && !bl_conf_validated(j->conf)))
		j->serial = true;
}

/* fix_name - path as the diff names it: relative to the run's root
 * (the git work tree of the working directory) when under it (caller
 * frees) */
static char *
fix_name(const struct run *run, const char *path)
{
	char *abs, *dir, *real, *name, *slash;
	size_t n = strlen(run->fix_root);

	if (path[0] == '/') {
		abs = bl_xstrdup(path);
	} else {
		char *cwd = getcwd(NULL, 0);

		abs = bl_xasprintf("%s/%s", cwd ? cwd : ".", path);
		free(cwd);
	}
	slash = strrchr(abs, '/');
	dir = bl_xstrndup(abs, (size_t)(slash - abs));
	real = realpath(dir[0] ? dir : "/", NULL);
	if (real != NULL) {
		char *again = bl_xasprintf("%s/%s", strcmp(real, "/") ? real : "",
					   slash + 1);

		free(abs);
		abs = again;
	}
	free(real);
	free(dir);
	if (strncmp(abs, run->fix_root, n) == 0 && abs[n] == '/')
		name = bl_xstrdup(abs + n + 1);
	else if (strcmp(run->fix_root, "/") == 0)
		name = bl_xstrdup(abs + 1);
	else
		name = bl_xstrdup(path);
	free(abs);
	return name;
}

/* fix_say - a finding as one line on err: "file:line:col: level:
 * message [ID name]" and what follows */
static void
fix_say(FILE *err, const struct bl_finding *f, const char *level,
	const char *what, const char *text)
{
	bl_escape_puts(err, f->file);
	if (f->placed)
		fprintf(err, ":%u:%u", f->line, f->col);
	fprintf(err, ": %s: ", level);
	if (what != NULL) {
		fprintf(err, "%s: ", what);
		bl_escape_puts(err, text);
		fputs(" (", err);
		bl_escape_puts(err, f->message);
		fputc(')', err);
	} else {
		bl_escape_puts(err, f->message);
	}
	fputs(" [", err);
	bl_escape_puts(err, f->rule->id);
	fputc(' ', err);
	bl_escape_puts(err, f->rule->name);
	fputs("]\n", err);
}

/*
 * fix_script - fix on an export of a server's settings (Exchange): the
 * commands of the fixes made, one per fix, each after a comment naming
 * the findings it solves, to out (escaped on a terminal; a comment never
 * holds a raw line end, so no input becomes a command). The export is
 * never written. true when a fix was printed.
 */
static bool
fix_script(struct run *run, struct job *j, const struct bl_config *cfg,
	   const struct bl_fixrun_opts *fo, FILE *err, FILE *out)
{
	unsigned *seen = NULL;
	size_t nseen = 0, k, m, i;
	bool any = false;

	for (k = 0; k < j->fs.n; k++) {
		const struct bl_fix *fx = j->fs.v[k].fix;
		bool dup = false;

		if (!bl_fixrun_applies(fo, fx) || !fx->command)
			continue;
		for (i = 0; i < nseen && !dup; i++)
			dup = seen[i] == fx->group;
		if (dup)
			continue;
		seen = bl_xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = fx->group;
		if (!any) {
			fputs("# bannerlint fix: PowerShell for the Exchange "
			      "Management Shell, from ",
			      out);
			bl_escape_puts(out, cfg->name);
			fputc('\n', out);
			any = true;
		}
		fputs("# fixes", out);
		for (i = 0, m = k; m < j->fs.n; m++) {
			const struct bl_finding *f = &j->fs.v[m];

			if (f->fix == NULL || f->fix->group != fx->group)
				continue;
			fputs(i++ > 0 ? ", " : " ", out);
			bl_escape_puts(out, f->rule->id);
			fputc(' ', out);
			bl_escape_puts(out, f->rule->name);
		}
		fputs(": ", out);
		bl_escape_puts(out, j->fs.v[k].scope ? j->fs.v[k].scope : "");
		fputs(" (", out);
		bl_escape_puts(out, j->fs.v[k].file);
		if (j->fs.v[k].placed)
			fprintf(out, ":%u", j->fs.v[k].line);
		fputs(")\n", out);
		if (run->tty)
			bl_escape_print(out, fx->text, strlen(fx->text),
					BL_ESC_KEEP_NL | BL_ESC_KEEP_TAB);
		else
			fputs(fx->text, out);
		fputc('\n', out);
	}
	if (any && run->o->write) {
		fputs("bannerlint: ", err);
		bl_escape_puts(err, cfg->name);
		fputs(" is an export of the server's settings: it is not "
		      "rewritten; run the commands above in the Exchange "
		      "Management Shell\n",
		      err);
	}
	free(seen);
	return any;
}

/*
 * fix_instance - fix: the diff of the instance's fixed files to out (or,
 * with --write, the files written), and on err what is left: manual and
 * unsafe fixes, and the findings no fix made go away, which alone decide
 * the exit status
 */
static void
fix_instance(struct run *run, struct job *j, const struct bl_config *cfg,
	     const struct bl_fixrun_opts *fo, const struct bl_findings *after,
	     enum bl_level fail_on, FILE *err, FILE *out)
{
	const struct bl_parser *pr = bl_parser_find(cfg->mta);
	struct bl_fixed_files ff;
	size_t k;
	bool made, script = pr != NULL && pr->command != NULL;

	memset(&ff, 0, sizeof(ff));
	if (script)
		made = fix_script(run, j, cfg, fo, err, out);
	else
		bl_fixrun_files(cfg, &j->fs, fo, &ff);
	for (k = 0; k < ff.n; k++) {
		struct bl_fixed_file *x = &ff.v[k];

		if (run->o->write) {
			if (bl_file_replace(x->path, x->old, x->oldlen,
					    x->old == NULL, x->data, x->len,
					    run->o->backup, &j->diags) < 0) {
				j->failed = true;
				continue;
			}
			fputs("bannerlint: fixed ", err);
			bl_escape_puts(err, x->path);
			fprintf(err, " (%zu finding%s)\n", x->nfixes,
				x->nfixes == 1 ? "" : "s");
			run->nfixed++;
		} else if (x->old == NULL) {
			fputs("bannerlint: ", err);
			bl_escape_puts(err, x->path);
			fputs(" does not exist: fix --write creates it\n", err);
		} else {
			char *name = fix_name(run, x->path);

			if (run->tty) {
				/* a terminal gets no raw byte of the input
				 * (a diff to apply goes to a pipe or file) */
				char *d = NULL;
				size_t dn = 0;
				FILE *m = mem_open(&d, &dn);

				bl_diff_write(m, name, x->old, x->oldlen,
					      x->data, x->len);
				mem_close(m);
				bl_escape_print(out, d, dn,
						BL_ESC_KEEP_NL | BL_ESC_KEEP_TAB);
				free(d);
			} else {
				bl_diff_write(out, name, x->old, x->oldlen,
					      x->data, x->len);
			}
			free(name);
		}
	}
	/* what is left: the manual and the unsafe fixes not made */
	if (!script)
		made = ff.n > 0 && (run->o->write || ff.v[0].old != NULL);
	for (k = 0; k < j->fs.n; k++) {
		const struct bl_finding *f = &j->fs.v[k];
		const struct bl_fix *fx = f->fix;

		if (fx == NULL || bl_fixrun_applies(fo, fx))
			continue;
		if (fx->safety == BL_FIX_UNSAFE && fx->nedits > 0)
			fix_say(err, f, "note",
				"unsafe fix, with --unsafe", fx->text);
		else if (fx->text != NULL)
			fix_say(err, f, "note",
				fx->note != NULL &&
					strncmp(fx->note, "not applied", 11) == 0
					? fx->note
					: "fix by hand",
				fx->text);
	}
	/* and the findings once the fixes are made: they decide */
	if (!made)
		after = &j->fs;
	for (k = 0; k < after->n; k++) {
		const struct bl_finding *f = &after->v[k];

		if (f->severity >= fail_on)
			j->fail_on = true;
		fix_say(err, f, bl_severity_name(f->severity), NULL, NULL);
	}
	bl_fixrun_files_finish(&ff);
}

/* check_one - the engine over a built instance (on a worker, or on the
 * main thread for a serial job, which finds its ruleset here) */
static void
check_one(struct run *run, struct job *j, struct bl_config *cfg, FILE *err,
	  FILE *out)
{
	struct bl_fixrun_opts fo = {.unsafe = true};
	struct bl_findings after = {0};
	struct bl_effective eff;
	struct bl_engine_opts eo;
	struct bl_ruleset *rs = j->rs;
	size_t k;

	if (j->conf_bad)
		return;
	bl_conf_effective(j->conf, cfg, &run->base, &eff);
	if (run->o->show_config)
		bl_effective_print(err, cfg, &eff);
	if (j->serial) {
		rs = ruleset_for(&run->rsets, eff.rules_dir, &j->diags);
		if (rs != NULL && eff.conf_path != NULL &&
		    bl_confs_validate(run->confs, eff.conf_path, known_id, rs,
				      &j->diags) < 0)
			rs = NULL;
	}
	if (rs == NULL) {
		j->failed = true;
		bl_effective_finish(&eff);
		return;
	}
	memset(&eo, 0, sizeof(eo));
	eo.select = eff.select;
	eo.ignore = eff.ignore;
	eo.hostname = eff.hostname;
	eo.allow_hostname = eff.allow_hostname;
	eo.internal_suffix = eff.internal_suffix;
	eo.ignore_scope = eff.ignore_scope;
	eo.severity_ids = eff.severity_ids;
	eo.severity_levels = eff.severity_levels;
	eo.nseverity = eff.nseverity;
	eo.no_inline = eff.no_inline;
	eo.ips = eff.ip;
	/* the probe's facts for a live instance; DNS's only when this
	 * instance asks DNS */
	eo.facts = &run->facts_nodns;
	if (j->dns) {
		eo.facts = &run->facts;
		dns_prefetch(run, cfg, eff.ip);
		/* --unsafe: a forward-confirmed PTR names the server when
		 * nothing else does */
		if (eo.hostname == NULL)
			eo.fix_hostname = confirmed_name(run, cfg, eff.ip);
	}
	bl_engine_run(rs, cfg, &eo, &j->fs, &j->diags);
	j->fail_level = eff.fail_on;
	/* the fixes the run shows or makes, verified: check shows every
	 * tier, fix makes the safe ones (and the unsafe with --unsafe) */
	if (run->fixing)
		fo.unsafe = run->o->unsafe;
	if (run->fixing || run->o->format == FORMAT_TEXT ||
	    run->o->format == FORMAT_JSON || run->o->format == FORMAT_SARIF)
		bl_fixrun_verify(run->plan, j->i, j->root, cfg, rs, &eo, &fo,
				 &j->fs, j->diags.errors, &after);
	if (run->fixing)
		fix_instance(run, j, cfg, &fo, &after, eff.fail_on, err, out);
	else
		for (k = 0; k < j->fs.n; k++)
			if (j->fs.v[k].severity >= eff.fail_on)
				j->fail_on = true;
	bl_findings_finish(&after);
	bl_effective_finish(&eff);
}

#define MAX_ADDRS (2 * BL_DNS_MAX_DATA + 64)

/* host_addrs - the addresses the DNS checks judge for host name h:
 * --ip (ips) when given, else what h resolves to (A, then AAAA); with
 * fwd, each family's answer as well */
static size_t
host_addrs(struct run *run, const char *h, char **ips,
	   const char *addrs[MAX_ADDRS], const struct bl_dns_answer *fwd[2])
{
	static const enum bl_dns_type fam[2] = {BL_DNS_A, BL_DNS_AAAA};
	size_t na = 0, k, m;

	for (k = 0; k < 2; k++) {
		const struct bl_dns_answer *a = bl_dns_get(run->dns, fam[k], h);

		if (fwd != NULL)
			fwd[k] = a;
		for (m = 0; ips == NULL && a->status == BL_DNS_FOUND &&
			    m < a->n && na < MAX_ADDRS;
		     m++)
			addrs[na++] = a->data[m];
	}
	for (m = 0; ips != NULL && ips[m] != NULL && na < MAX_ADDRS; m++)
		addrs[na++] = ips[m];
	return na;
}

/* show_answer - one answer, escaped, for show --dns */
static void
show_answer(FILE *out, const struct bl_dns_answer *a)
{
	size_t i;

	switch (a->status) {
	case BL_DNS_FOUND:
		for (i = 0; i < a->n; i++) {
			fputs(i ? ", " : "", out);
			bl_escape_puts(out, a->data[i]);
		}
		break;
	case BL_DNS_NXDOMAIN:
		fputs("no such name", out);
		break;
	case BL_DNS_NODATA:
		fputs("no record of this type", out);
		break;
	default:
		fputs("unverified: ", out);
		bl_escape_puts(out, a->why);
		break;
	}
	for (i = 0; i < a->ncnames; i++) {
		fputs(i ? " -> " : " (via CNAME ", out);
		bl_escape_puts(out, a->cnames[i]);
	}
	if (a->ncnames > 0)
		fputc(')', out);
}

static bool
answer_has(const struct bl_dns_answer *a, const char *s)
{
	size_t i;

	for (i = 0; a->status == BL_DNS_FOUND && i < a->n; i++)
		if (bl_dns_same_name(a->data[i], s))
			return true;
	return false;
}

/* show_dns - show --dns: for every surface host name, its addresses, the
 * PTR of each address (--ip, else the resolved ones) and whether the PTR
 * name resolves back (forward-confirmed) */
static void
show_dns(FILE *out, struct run *run, const struct bl_config *cfg)
{
	char **ips = run->o->ip;
	size_t i, k, m, q;
	bool any = false;

	dns_prefetch(run, cfg, ips);
	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];
		const struct bl_dns_answer *fwd[2];
		const char *addrs[MAX_ADDRS];
		size_t na;

		if (!bl_check_dns_name(sf))
			continue;
		for (k = 0; k < i; k++)
			if (bl_check_dns_name(&cfg->surfaces[k]) &&
			    bl_dns_same_name(cfg->surfaces[k].hostname,
					     sf->hostname))
				break;
		if (k < i)
			continue; /* said already */
		fprintf(out, "%sdns: ", any ? "" : "\n");
		any = true;
		bl_escape_puts(out, sf->hostname);
		fputc('\n', out);
		na = host_addrs(run, sf->hostname, ips, addrs, fwd);
		for (k = 0; k < 2; k++) {
			fprintf(out, "  %-5s ", k ? "AAAA" : "A");
			show_answer(out, fwd[k]);
			fputc('\n', out);
		}
		for (m = 0; m < na; m++) {
			const struct bl_dns_answer *p =
				bl_dns_get(run->dns, BL_DNS_PTR, addrs[m]);
			enum bl_dns_type t = strchr(addrs[m], ':')
						     ? BL_DNS_AAAA
						     : BL_DNS_A;

			fputs("  PTR   ", out);
			bl_escape_puts(out, addrs[m]);
			fputs(" -> ", out);
			show_answer(out, p);
			for (q = 0; p->status == BL_DNS_FOUND && q < p->n;
			     q++) {
				const struct bl_dns_answer *b =
					bl_dns_get(run->dns, t, p->data[q]);
				const char *seen =
					answer_has(b, addrs[m])
						? bl_dns_same_name(p->data[q],
								   sf->hostname)
							  ? "forward-confirmed"
							  : "forward-confirmed,"
							    " another name"
					: b->status == BL_DNS_TEMPFAIL
						? "unverified"
						: "not forward-confirmed";

				fprintf(out, "%s%s", q ? ", " : " (", seen);
			}
			if (p->status == BL_DNS_FOUND)
				fputc(')', out);
			fputc('\n', out);
		}
	}
}

/* answer_json - one answer for show --dns --format json */
static json_t *
answer_json(const struct bl_dns_answer *a)
{
	json_t *o = json_object(), *data = json_array(), *cn = json_array();
	size_t i;

	json_object_set_new(o, "status",
			    json_string(bl_dns_status_name(a->status)));
	for (i = 0; i < a->n; i++)
		json_array_append_new(data, bl_json_str(a->data[i]));
	for (i = 0; i < a->ncnames; i++)
		json_array_append_new(cn, bl_json_str(a->cnames[i]));
	json_object_set_new(o, "data", data);
	json_object_set_new(o, "cnames", cn);
	if (a->status == BL_DNS_TEMPFAIL)
		json_object_set_new(o, "why", bl_json_str(a->why));
	return o;
}

/* show_dns_json - show --dns --format json: a "dns" member on every
 * surface whose host name DNS was asked about */
static void
show_dns_json(json_t *surfaces, struct run *run, const struct bl_config *cfg)
{
	char **ips = run->o->ip;
	size_t i, m, q, base = json_array_size(surfaces) - cfg->nsurfaces;

	dns_prefetch(run, cfg, ips);
	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];
		const struct bl_dns_answer *fwd[2];
		const char *addrs[MAX_ADDRS];
		json_t *o, *ptrs;
		size_t na;

		if (!bl_check_dns_name(sf))
			continue;
		o = json_object();
		json_object_set_new(o, "name", bl_json_str(sf->hostname));
		na = host_addrs(run, sf->hostname, ips, addrs, fwd);
		json_object_set_new(o, "a", answer_json(fwd[0]));
		json_object_set_new(o, "aaaa", answer_json(fwd[1]));
		ptrs = json_array();
		for (m = 0; m < na; m++) {
			const struct bl_dns_answer *p =
				bl_dns_get(run->dns, BL_DNS_PTR, addrs[m]);
			json_t *e = json_object(), *conf = json_array();

			json_object_set_new(e, "address", bl_json_str(addrs[m]));
			json_object_set_new(e, "answer", answer_json(p));
			for (q = 0; p->status == BL_DNS_FOUND && q < p->n;
			     q++) {
				const struct bl_dns_answer *b = bl_dns_get(
					run->dns,
					strchr(addrs[m], ':') ? BL_DNS_AAAA
							      : BL_DNS_A,
					p->data[q]);

				json_array_append_new(
					conf,
					json_string(
						answer_has(b, addrs[m])
							? "confirmed"
						: b->status == BL_DNS_TEMPFAIL
							? "unverified"
							: "not-confirmed"));
			}
			json_object_set_new(e, "confirmation", conf);
			json_array_append_new(ptrs, e);
		}
		json_object_set_new(o, "ptr", ptrs);
		json_object_set_new(json_array_get(surfaces, base + i), "dns",
				    o);
	}
}

/* work - build one instance, check or show it, render what it prints
 * while it is alive (diagnostics quote its lines), free it */
static void
work(struct run *run, struct job *j)
{
	struct bl_config *cfg = NULL;
	struct bl_diags shown;
	FILE *err, *out;
	size_t k;

	if (bl_plan_build(&cfg, run->plan, j->i, j->root, &j->skipped,
			  &j->diags) < 0)
		j->failed = j->load_failed = true;
	j->built = cfg != NULL;
	err = mem_open(&j->err, &j->nerr);
	out = mem_open(&j->out, &j->nout);
	if (cfg != NULL && run->show) {
		j->unread = cfg->unread_path != NULL;
		if (run->o->format == FORMAT_JSON) {
			j->surfaces = json_array();
			bl_report_show_json_add(j->surfaces, cfg);
			if (j->dns)
				show_dns_json(j->surfaces, run, cfg);
		} else {
			bl_report_show_text(out, cfg, true, &run->ro_out);
			if (j->dns)
				show_dns(out, run, cfg);
		}
	} else if (cfg != NULL) {
		if (run->probes != NULL && run->o->format == FORMAT_TEXT &&
		    !run->o->quiet)
			probe_summary(out, cfg);
		check_one(run, j, cfg, err, out);
	}
	/* Diagnostics a rule reports as a finding are not said twice. */
	bl_diags_init(&shown);
	for (k = 0; k < j->diags.n; k++)
		if (run->show || j->diags.v[k].rule == NULL)
			bl_diags_push(&shown, &j->diags.v[k]);
	/* gcc lists the diagnostics among the findings, on stdout */
	if (run->show || run->o->format != FORMAT_GCC)
		bl_report_diags(err, &shown, cfg, &run->ro_err);
	j->errors = j->diags.errors;
	bl_diags_finish(&j->diags);
	j->diags = shown;
	mem_close(err);
	mem_close(out);
	bl_config_free(cfg);
}

/* emit_instance - one instance's output, in plan order: its text and its
 * findings (the streaming reporter), then it is forgotten */
static void
emit_instance(struct run *run, struct job *j)
{
	size_t k;

	fwrite(j->err, 1, j->nerr, stderr);
	if (j->nout > 0) {
		if (run->nshown++ > 0 && !run->fixing)
			fputc('\n', stdout);
		fwrite(j->out, 1, j->nout, stdout);
	}
	if (j->surfaces != NULL)
		json_array_extend(run->surfaces, j->surfaces);
	for (k = 0; k < j->diags.n; k++)
		bl_diags_push(&run->shown, &j->diags.v[k]);
	if (j->errors > 0 || j->failed)
		run->failed = true;
	run->load_failed |= j->load_failed;
	/* a baseline takes the findings it knows away before the reporter
	 * sees them, and out of the exit status */
	if (run->bl != NULL &&
	    bl_baseline_instance(run->bl, &j->fs, &j->diags) > 0)
		for (j->fail_on = false, k = 0; k < j->fs.n; k++)
			j->fail_on |= j->fs.v[k].severity >= j->fail_level;
	/* check: the reporter prints (or spools) it now, and the instance's
	 * findings go */
	if (run->rep != NULL)
		bl_check_report_instance(run->rep, &j->fs, &j->diags);
	run->fs.unknown += j->fs.unknown;
	bl_findings_clear(&j->fs);
	run->built += j->built;
	run->skipped += j->skipped;
	run->fail_on |= j->fail_on;
	run->unread |= j->unread;
}

static void
job_finish(struct job *j)
{
	free(j->root);
	free(j->rules_dir);
	bl_diags_finish(&j->diags);
	bl_findings_finish(&j->fs);
	json_decref(j->surfaces);
	free(j->err);
	free(j->out);
	memset(j, 0, sizeof(*j));
}

/* worker - take the next job in plan order, do it, say it is done */
static void *
worker(void *arg)
{
	struct run *run = arg;
	struct job *j;

	pthread_mutex_lock(&run->mu);
	for (;;) {
		while (run->taken == run->queued && !run->stop)
			pthread_cond_wait(&run->work, &run->mu);
		if (run->taken == run->queued)
			break;
		j = &run->ring[run->taken++ % run->window];
		pthread_mutex_unlock(&run->mu);
		work(run, j);
		pthread_mutex_lock(&run->mu);
		j->done = true;
		pthread_cond_broadcast(&run->finished);
	}
	pthread_mutex_unlock(&run->mu);
	return NULL;
}

/* run_plan - every instance of the plan through the pipeline */
static void
run_plan(struct run *run)
{
	size_t n = bl_plan_count(run->plan), prep = 0, next = 0, k;
	size_t held = SIZE_MAX, nthreads = run->o->jobs;
	pthread_t *threads = NULL;
	struct job *j;

	/* an instance waiting for DNS answers holds its thread: with the
	 * network in the run, more threads keep more instances' questions
	 * in flight (the window, and so memory, stays bounded) */
	if (run->o->dns != NULL && strcmp(run->o->dns, "off") != 0 &&
	    strncmp(run->o->dns, "replay:", 7) != 0 && nthreads < DNS_JOBS)
		nthreads = DNS_JOBS;
	if (nthreads > n)
		nthreads = n;
	run->window = nthreads > 1 ? 2 * nthreads : 1;
	run->ring = bl_xcalloc(run->window, sizeof(*run->ring));
	if (nthreads > 1) {
		threads = bl_xcalloc(nthreads, sizeof(*threads));
		for (k = 0; k < nthreads; k++)
			if (pthread_create(&threads[k], NULL, worker, run) != 0)
				bl_fatal("cannot start a thread: %s",
					 strerror(errno));
	}
	while (next < n) {
		/* prepare ahead, up to the window or a job for this thread */
		while (held == SIZE_MAX && prep < n &&
		       prep - next < run->window) {
			j = &run->ring[prep % run->window];
			j->i = prep;
			bl_diags_init(&j->diags);
			prepare(run, j);
			if (threads == NULL || j->serial) {
				held = prep;
				break;
			}
			pthread_mutex_lock(&run->mu);
			run->queued = ++prep;
			pthread_cond_signal(&run->work);
			pthread_mutex_unlock(&run->mu);
		}
		j = &run->ring[next % run->window];
		if (held == next) {
			/* every job before it is out: the workers are idle */
			work(run, j);
			pthread_mutex_lock(&run->mu);
			run->queued = run->taken = next + 1;
			pthread_mutex_unlock(&run->mu);
			held = SIZE_MAX;
			prep = next + 1;
		} else {
			pthread_mutex_lock(&run->mu);
			while (!j->done)
				pthread_cond_wait(&run->finished, &run->mu);
			pthread_mutex_unlock(&run->mu);
		}
		emit_instance(run, j);
		job_finish(j);
		next++;
	}
	if (threads != NULL) {
		pthread_mutex_lock(&run->mu);
		run->stop = true;
		pthread_cond_broadcast(&run->work);
		pthread_mutex_unlock(&run->mu);
		for (k = 0; k < nthreads; k++)
			pthread_join(threads[k], NULL);
	}
	free(threads);
	free(run->ring);
	run->ring = NULL;
}

/* run_begin - the catalogue (check), the plan, and what the run prints
 * before any instance; -1 when the catalogue is broken */
static int
run_begin(struct run *run, struct opts *o, bool show, char **paths,
	  int npaths)
{
	struct bl_diags diags;
	json_t *seed;

	memset(run, 0, sizeof(*run));
	run->o = o;
	run->show = show;
	run->ro_err.quiet = run->ro_out.quiet = o->quiet;
	run->ro_err.color = use_color(o->color, stderr);
	run->ro_out.color = use_color(o->color, stdout);
	bl_diags_init(&run->pre);
	bl_diags_init(&run->end);
	bl_diags_init(&run->shown);
	if (pthread_mutex_init(&run->mu, NULL) != 0 ||
	    pthread_cond_init(&run->work, NULL) != 0 ||
	    pthread_cond_init(&run->finished, NULL) != 0)
		bl_fatal("cannot set up threads");
	/* jansson seeds its hash function with the first object: here,
	 * before any worker makes one */
	seed = json_object();
	json_decref(seed);
	run->surfaces = json_array();
	run->facts.ctx = run;
	run->facts.live = facts_live;
	run->facts_nodns = run->facts;
	run->confs = bl_confs_new(o->config, o->no_config);
	bl_diags_init(&diags);
	if (!show && ruleset_for(&run->rsets, NULL, &diags) == NULL) {
		bl_report_diags(stderr, &diags, NULL, &run->ro_err);
		bl_diags_finish(&diags);
		return -1;
	}
	bl_diags_finish(&diags);
	if (bl_plan_new(&run->plan, paths, (size_t)npaths, &o->load,
			&run->pre) < 0) {
		run->failed = true;
		run->load_failed = true;
	}
	if (show || o->format != FORMAT_GCC)
		bl_report_diags(stderr, &run->pre, NULL, &run->ro_err);
	for (size_t k = 0; k < run->pre.n; k++)
		bl_diags_push(&run->shown, &run->pre.v[k]);
	if (run->pre.errors > 0)
		run->failed = true;
	return 0;
}

/* run_end_diags - what is said after every instance: printed, and kept
 * for the formats that list diagnostics */
static void
run_end_diags(struct run *run)
{
	size_t k;

	if (bl_plan_end(run->plan, run->built, run->skipped, run->load_failed,
			&run->end) < 0)
		run->failed = true;
	if (!run->show) {
		/* Rule ids on the command line must name a rule of some
		 * ruleset. */
		for (k = 0; k < 2; k++) {
			char **list = k == 0 ? run->o->select : run->o->ignore;
			size_t i, r;

			for (i = 0; list && list[i]; i++) {
				bool ok = false;

				for (r = 0; r < run->rsets.n && !ok; r++)
					ok = known_id(list[i], run->rsets.v[r]);
				if (ok)
					continue;
				bl_diags_add(&run->end, BL_LEVEL_ERROR, NULL, 0,
					     0,
					     "--%s: no rule \"%s\" (see "
					     "'bannerlint rules')",
					     k == 0 ? "select" : "ignore",
					     list[i]);
				run->failed = true;
			}
		}
	}
	if (run->show || run->o->format != FORMAT_GCC)
		bl_report_diags(stderr, &run->end, NULL, &run->ro_err);
	for (k = 0; k < run->end.n; k++)
		bl_diags_push(&run->shown, &run->end.v[k]);
	if (run->end.errors > 0)
		run->failed = true;
}

static void run_dns_close(struct run *run);

static void
run_finish(struct run *run)
{
	run_dns_close(run);
	bl_plan_free(run->plan);
	bl_confs_free(run->confs);
	rulesets_finish(&run->rsets);
	bl_diags_finish(&run->pre);
	bl_diags_finish(&run->end);
	bl_diags_finish(&run->shown);
	bl_findings_finish(&run->fs);
	json_decref(run->surfaces);
	json_decref(run->probes);
	listeners_free(run->listeners);
	pthread_mutex_destroy(&run->mu);
	pthread_cond_destroy(&run->work);
	pthread_cond_destroy(&run->finished);
}

static int
cmd_show(struct opts *o, char **paths, int npaths)
{
	struct run run;
	int status;

	(void)run_begin(&run, o, true, paths, npaths);
	run_plan(&run);
	run_end_diags(&run);
	if (o->format == FORMAT_JSON) {
		json_incref(run.surfaces);
		bl_report_show_json(stdout, run.surfaces, &run.shown);
	}
	run_dns_close(&run);
	status = run.failed ? -1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("bannerlint: write error");
		status = -1;
	}
	/* an include that is not here: the values shown are unverified */
	if (status == 0 && run.unread)
		status = 1;
	run_finish(&run);
	return status < 0	? BL_EXIT_ERROR
	       : status > 0 ? BL_EXIT_INCOMPLETE
			    : BL_EXIT_OK;
}

/* emit_end - the reporter's end, after every instance: what is said
 * about no instance, the rules used, whether the run was complete */
static void
emit_end(struct run *run)
{
	struct bl_diags stale;
	size_t k;

	/* the baseline written, and its entries that matched nothing said
	 * in every format */
	bl_diags_init(&stale);
	if (run->bl != NULL &&
	    bl_baseline_end(run->bl, &run->end,
			    (const struct bl_ruleset *const *)run->rsets.v,
			    run->rsets.n, run->failed, run->fs.unknown,
			    &stale) < 0)
		run->failed = true;
	if (run->o->format != FORMAT_GCC)
		bl_report_diags(stderr, &stale, NULL, &run->ro_err);
	for (k = 0; k < stale.n; k++)
		bl_diags_push(&run->end, &stale.v[k]);
	bl_diags_finish(&stale);
	if (bl_check_report_end(run->rep, &run->end,
				(const struct bl_ruleset *const *)run->rsets.v,
				run->rsets.n, run->failed,
				run->fs.unknown) < 0)
		run->failed = true;
	run->rep = NULL;
	bl_baseline_free(run->bl);
	run->bl = NULL;
}

/* check_formats - the reporter's format of each --format */
static const enum bl_check_format check_formats[] = {
	[FORMAT_TEXT] = BL_CHECK_FORMAT_TEXT,
	[FORMAT_JSON] = BL_CHECK_FORMAT_JSON,
	[FORMAT_GCC] = BL_CHECK_FORMAT_GCC,
	[FORMAT_SARIF] = BL_CHECK_FORMAT_SARIF,
	[FORMAT_CHECKSTYLE] = BL_CHECK_FORMAT_CHECKSTYLE,
	[FORMAT_GITHUB] = BL_CHECK_FORMAT_GITHUB,
};

/* run_base - the command line's part of every instance's options
 * (check, fix) */
static void
run_base(struct run *run, const struct opts *o)
{
	run->base.fail_on = o->fail_on_set ? o->fail_on : (enum bl_level)-1;
	run->base.select = o->select;
	run->base.ignore = o->ignore;
	run->base.hostname = (char *)o->hostname; /* read only here */
	run->base.ip = o->ip;
	run->base.no_inline = o->no_inline;
}

/* run_dns_close - the resolver stops and writes its record file (an
 * error there fails the run) */
static void
run_dns_close(struct run *run)
{
	struct bl_diags d;

	if (run->dns == NULL)
		return;
	bl_diags_init(&d);
	if (bl_dns_close(run->dns, &d) < 0)
		run->failed = true;
	run->dns = NULL;
	if (d.n > 0)
		bl_report_diags(stderr, &d, NULL, &run->ro_err);
	bl_diags_finish(&d);
	free(run->dns_spec);
	run->dns_spec = NULL;
}

/* run_status - the exit status of a check or fix run, once stdout is
 * flushed: 2 over 1 over 3 ("could not tell" and nothing worse) */
static int
run_status(struct run *run)
{
	int rc = BL_EXIT_OK;

	run_dns_close(run);

	if (fflush(stdout) != 0 || ferror(stdout))
		run->failed = true;
	if (run->fail_on)
		rc = BL_EXIT_FINDINGS;
	if (rc == BL_EXIT_OK && run->fs.unknown > 0)
		rc = BL_EXIT_INCOMPLETE;
	if (run->failed)
		rc = BL_EXIT_ERROR;
	return rc;
}

static int check_run(struct run *run, struct opts *o);
static void pre_said(struct run *run, size_t before);
static int load_listeners(struct run *run, const char *path);

static int
cmd_check(struct opts *o, char **paths, int npaths)
{
	struct run run;
	size_t before;

	if (run_begin(&run, o, false, paths, npaths) < 0) {
		run_finish(&run);
		return BL_EXIT_ERROR;
	}
	before = run.pre.n;
	if (o->compare != NULL && load_listeners(&run, o->compare) < 0)
		run.failed = true;
	pre_said(&run, before);
	return check_run(&run, o);
}

/* pre_said - the diagnostics added to run->pre since before, said now */
static void
pre_said(struct run *run, size_t before)
{
	struct bl_diags d;
	size_t k;

	bl_diags_init(&d);
	for (k = before; k < run->pre.n; k++) {
		bl_diags_push(&d, &run->pre.v[k]);
		bl_diags_push(&run->shown, &run->pre.v[k]);
	}
	if (run->o->format != FORMAT_GCC)
		bl_report_diags(stderr, &d, NULL, &run->ro_err);
	if (d.errors > 0)
		run->failed = true;
	bl_diags_finish(&d);
}

/* check_run - check every instance of the plan begun, report, end */
static int
check_run(struct run *run, struct opts *o)
{
	struct bl_diags bdiags;
	bool bad_baseline = false;
	int rc = BL_EXIT_OK;

	bl_diags_init(&bdiags);
	run_base(run, o);
	if ((o->baseline != NULL || o->write_baseline != NULL) &&
	    bl_baseline_begin(&run->bl, o->baseline, o->write_baseline,
			      &bdiags) < 0) {
		/* nothing is checked: the error is the report */
		if (o->format != FORMAT_GCC)
			bl_report_diags(stderr, &bdiags, NULL, &run->ro_err);
		for (size_t k = 0; k < bdiags.n; k++)
			bl_diags_push(&run->pre, &bdiags.v[k]);
		run->failed = bad_baseline = true;
	}
	bl_diags_finish(&bdiags);
	{
		struct bl_check_report_opts co = {
			.format = check_formats[o->format],
			.color = use_color(o->color, stdout),
			.quiet = o->quiet,
			.rules = run->rsets.n > 0 ? run->rsets.v[0] : NULL,
			.baseline = run->bl,
			.probes = run->probes,
		};
		struct bl_findings none = {0};

		run->rep = bl_check_report_begin(stdout, &co);
		/* what finding the files said, before any instance */
		bl_check_report_instance(run->rep, &none, &run->pre);
	}
	if (!bad_baseline) {
		run_plan(run);
		run_end_diags(run);
	}
	emit_end(run);
	rc = run_status(run);
	run_finish(run);
	return rc;
}

/* cmd_fix - fix: a diff of every instance's fixes, or --write */
static int
cmd_fix(struct opts *o, char **paths, int npaths)
{
	struct run run;
	char *cwd;
	int rc = BL_EXIT_OK;

	if (run_begin(&run, o, false, paths, npaths) < 0) {
		run_finish(&run);
		return BL_EXIT_ERROR;
	}
	run.fixing = true;
	run.tty = isatty(fileno(stdout)) == 1;
	cwd = getcwd(NULL, 0);
	run.fix_root = bl_report_formats_root(cwd != NULL ? cwd : "/");
	free(cwd);
	run_base(&run, o);
	run_plan(&run);
	run_end_diags(&run);
	rc = run_status(&run);
	free(run.fix_root);
	run_finish(&run);
	return rc;
}

/* ---- probe ---- */

/* listeners_free - --compare's listeners */
static void
listeners_free(struct listeners *ls)
{
	size_t i;

	if (ls == NULL)
		return;
	for (i = 0; i < ls->n; i++) {
		free(ls->v[i].greeting);
		free(ls->v[i].where);
	}
	free(ls->v);
	free(ls->path);
	free(ls);
}

/* listeners_add - the banners of cfg: those bound to a port, or when the
 * files bind none (no master.cf, Exim, Sendmail) every public banner as
 * the greeting of every port */
static void
listeners_add(struct listeners *ls, const struct bl_config *cfg)
{
	bool ported = false;
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		ported |= cfg->surfaces[i].kind == BL_SURFACE_BANNER &&
			  cfg->surfaces[i].port != 0;
	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];
		struct listener *l;

		if (sf->kind != BL_SURFACE_BANNER || !sf->valid ||
		    sf->greeting == NULL || (ported && sf->port == 0) ||
		    (!ported && !sf->public))
			continue;
		ls->v = bl_xreallocarray(ls->v, ls->n + 1, sizeof(*ls->v));
		l = &ls->v[ls->n++];
		l->port = sf->port;
		l->greeting = bl_xstrdup(sf->greeting);
		if (sf->scope_obj != NULL && sf->scope_obj->src != NULL)
			l->where = bl_xasprintf("banner of %s, %s:%u",
						sf->scope, sf->scope_obj->src->path,
						sf->scope_obj->line);
		else
			l->where = bl_xasprintf("banner of %s, %s", sf->scope,
						sf->file ? sf->file : cfg->name);
	}
}

/* load_listeners - --compare PATH: every instance under it built, its
 * listeners kept (the instances are not checked here) */
static int
load_listeners(struct run *run, const char *path)
{
	struct bl_plan *plan = NULL;
	struct bl_load_opts lo = run->o->load;
	struct listeners *ls = bl_xcalloc(1, sizeof(*ls));
	char *paths[1] = {(char *)path};
	size_t i, n, skipped = 0;
	int status = 0;

	lo.type = NULL; /* the configuration is not a transcript */
	ls->path = bl_xasprintf("compared with %s", path);
	if (bl_plan_new(&plan, paths, 1, &lo, &run->pre) < 0)
		status = -1;
	n = bl_plan_count(plan);
	for (i = 0; i < n; i++) {
		struct bl_config *cfg = NULL;

		if (bl_plan_build(&cfg, plan, i, NULL, &skipped, &run->pre) < 0)
			status = -1;
		if (cfg != NULL && bl_live_facts(cfg) == NULL)
			listeners_add(ls, cfg);
		bl_config_free(cfg);
	}
	if (n == 0 && status == 0) {
		bl_diags_add(&run->pre, BL_LEVEL_ERROR, path, 0, 0,
			     "--compare: no mail server configuration here");
		status = -1;
	}
	bl_plan_free(plan);
	run->listeners = ls;
	run->facts.listener = run->facts_nodns.listener = facts_listener;
	return status;
}

/* local_name - this machine's name for EHLO (no DNS: gethostname) */
static const char *
local_name(char *buf, size_t n)
{
	if (gethostname(buf, n) != 0 || buf[0] == '\0') {
		snprintf(buf, n, "localhost.localdomain");
	}
	buf[n - 1] = '\0';
	return buf;
}

/* record_name - a result's name as a file name: ":" "[" "]" "/" as "_" */
static char *
record_name(const char *dir, const char *name)
{
	char *p = bl_xasprintf("%s/%s.transcript", dir, name), *q;

	for (q = p + strlen(dir) + 1; *q; q++)
		if (*q == ':' || *q == '[' || *q == ']' || *q == '/' ||
		    *q == '\\')
			*q = '_';
	return p;
}

/* record - --record DIR: each transcript, written whole then renamed */
static int
record(struct run *run, const struct bl_probe_result *r, size_t n)
{
	struct stat st;
	size_t i;

	if (stat(run->o->record, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bl_diags_add(&run->pre, BL_LEVEL_ERROR, run->o->record, 0, 0,
			     "--record: not a directory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *path = record_name(run->o->record, r[i].name);
		char *tmp = bl_xasprintf("%s.tmp%ld", path, (long)getpid());
		FILE *fp = fopen(tmp, "w");
		bool ok = fp != NULL &&
			  fwrite(r[i].text, 1, r[i].len, fp) == r[i].len;

		if (fp != NULL && fclose(fp) != 0)
			ok = false;
		if (!ok || rename(tmp, path) != 0) {
			bl_diags_add(&run->pre, BL_LEVEL_ERROR, path, 0, 0,
				     "--record: cannot write: %s",
				     strerror(errno));
			(void)unlink(tmp);
			free(tmp);
			free(path);
			return -1;
		}
		free(tmp);
		free(path);
	}
	return 0;
}

/* probe_json - one probe as the "probes" member lists it */
static json_t *
probe_json(const struct bl_probe_result *r)
{
	struct bl_config *cfg = bl_config_new("live", r->name);
	struct bl_source *src = bl_source_from_mem(r->name, r->text, r->len);
	struct bl_diags d;
	const struct bl_live *lv;
	json_t *o = json_object(), *tr = json_array(), *g = json_array(),
	       *h = json_array(), *h2 = json_array(), *tls = json_null();
	const char *status = "ok";
	size_t i;
	char day[32];

	bl_diags_init(&d);
	(void)bl_parser_live.parse(cfg, src, BL_ROLE_TRANSCRIPT, &d);
	lv = bl_live_facts(cfg);
	for (i = 0; i < src->nlines; i++) {
		size_t a = src->line_start[i];
		size_t e = i + 1 < src->nlines ? src->line_start[i + 1] - 1
					       : src->len;
		const char *t = src->data + a;

		if (i == 0 || e - a < 2 || t[1] != ':')
			continue;
		{
			char tag[2] = {t[0], '\0'};
			json_t *text = json_stringn(t + (e - a > 2 ? 3 : 2),
						    e - a > 2 ? e - a - 3 : 0);

			json_array_append_new(
			    tr, json_pack("{s:s,s:o}", "tag", tag, "text",
					  text ? text : json_string("")));
			if (t[0] == 'S' && text != NULL) {
				const struct bl_live_reply *rs[] = {
				    &lv->greeting, &lv->ehlo_reply,
				    &lv->ehlo_tls};
				json_t *arr[] = {g, h, h2};
				size_t k;

				for (k = 0; k < 3; k++)
					if (rs[k]->seen &&
					    i + 1 >= rs[k]->at.line &&
					    i + 1 < rs[k]->at.line +
							rs[k]->nlines)
						json_array_append(arr[k], text);
			}
		}
	}
	if (lv->failure != NULL)
		status = lv->failure;
	if (lv->tls.tried) {
		json_t *names = json_array();
		time_t t;
		struct tm tm;

		for (i = 0; i < lv->tls.nnames; i++)
			json_array_append_new(names,
					      json_string(lv->tls.names[i]));
		tls = json_pack(
		    "{s:b,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o}", "ok", lv->tls.ok,
		    "error",
		    lv->tls.error ? json_string(lv->tls.error) : json_null(),
		    "protocol",
		    lv->tls.protocol ? json_string(lv->tls.protocol)
				     : json_null(),
		    "cipher",
		    lv->tls.cipher ? json_string(lv->tls.cipher) : json_null(),
		    "verified", lv->tls.verified, "verify_error",
		    !lv->tls.verified && lv->tls.verify_text
			? json_string(lv->tls.verify_text)
			: json_null(),
		    "subject",
		    lv->tls.subject ? json_string(lv->tls.subject) : json_null(),
		    "issuer",
		    lv->tls.issuer ? json_string(lv->tls.issuer) : json_null(),
		    "names", names);
		if (lv->tls.has_dates) {
			t = (time_t)lv->tls.not_before;
			gmtime_r(&t, &tm);
			strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%SZ", &tm);
			json_object_set_new(tls, "not_before", json_string(day));
			t = (time_t)lv->tls.not_after;
			gmtime_r(&t, &tm);
			strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%SZ", &tm);
			json_object_set_new(tls, "not_after", json_string(day));
		}
	}
	json_object_set_new(o, "target", json_string(lv->target));
	json_object_set_new(o, "file", json_string(r->name));
	json_object_set_new(o, "host", json_string(lv->host));
	json_object_set_new(o, "address", lv->address ? json_string(lv->address)
						      : json_null());
	json_object_set_new(o, "port", json_integer(lv->port));
	json_object_set_new(o, "mode", json_string(lv->mode));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "phase", lv->failure_phase
					    ? json_string(lv->failure_phase)
					    : json_null());
	json_object_set_new(o, "tarpit", json_boolean(lv->tarpit));
	json_object_set_new(o, "greeting_seconds",
			    lv->greeting_secs >= 0
				? json_real(lv->greeting_secs)
				: json_null());
	json_object_set_new(o, "bytes_received",
			    json_integer((json_int_t)r->bytes));
	json_object_set_new(o, "greeting", g);
	json_object_set_new(o, "ehlo", h);
	json_object_set_new(o, "starttls_offered",
			    json_boolean(lv->starttls_offered));
	json_object_set_new(o, "tls", tls);
	json_object_set_new(o, "ehlo_tls", h2);
	json_object_set_new(o, "transcript", tr);
	bl_diags_finish(&d);
	bl_config_free(cfg);
	return o;
}

#define SUMMARY_LINES 8
#define SUMMARY_WIDTH 160

/* probe_summary - what a live instance showed, for a person (text) */
static void
probe_summary(FILE *out, const struct bl_config *cfg)
{
	const struct bl_live *lv = bl_live_facts(cfg);
	const char *p, *nl;
	size_t shown = 0;

	if (lv == NULL)
		return;
	bl_escape_puts(out, lv->src->path);
	fputs(lv->greeting_text ? ":\n" : ": no greeting\n", out);
	/* a summary, not the transcript: a few lines, each cut short */
	for (p = lv->greeting_text; p != NULL; p = nl ? nl + 1 : NULL) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (shown++ == SUMMARY_LINES) {
			fprintf(out, "  greeting  ... (%zu lines in all)\n",
				lv->greeting.nlines);
			break;
		}
		fputs("  greeting  ", out);
		bl_escape_print(out, p, len < SUMMARY_WIDTH ? len : SUMMARY_WIDTH,
				0);
		fputs(len > SUMMARY_WIDTH ? "...\n" : "\n", out);
	}
	if (lv->ehlo_reply.seen)
		fprintf(out, "  EHLO      %d, %zu line%s, STARTTLS %s\n",
			lv->ehlo_reply.code, lv->ehlo_reply.nlines,
			lv->ehlo_reply.nlines == 1 ? "" : "s",
			lv->starttls_offered ? "offered" : "not offered");
	if (lv->tls.ok) {
		fprintf(out, "  TLS       ");
		bl_escape_puts(out, lv->tls.protocol ? lv->tls.protocol : "?");
		fputs(", ", out);
		bl_escape_puts(out, lv->tls.cipher ? lv->tls.cipher : "?");
		fputs(lv->tls.verified ? ", chain verified" : ", chain not verified",
		      out);
		fputc('\n', out);
		if (lv->tls.subject != NULL) {
			fputs("  cert      ", out);
			bl_escape_puts(out, lv->tls.subject);
			fputc('\n', out);
		}
	} else if (lv->tls.tried) {
		fputs("  TLS       handshake failed\n", out);
	}
	if (lv->failure != NULL) {
		fputs("  ended     ", out);
		bl_escape_puts(out, lv->failure);
		if (lv->failure_phase != NULL) {
			fputs(" (", out);
			bl_escape_puts(out, lv->failure_phase);
			fputc(')', out);
		}
		fputc('\n', out);
	}
}

/* cmd_probe - greet each target, then check what each said like a file */
static int
cmd_probe(struct opts *o, char **targets, int ntargets)
{
	struct bl_probe_target *t = bl_xcalloc((size_t)ntargets, sizeof(*t));
	struct bl_probe_result *res = NULL;
	struct bl_buf errs;
	struct run run;
	char host[256];
	size_t nres = 0, i, k, before;
	int rc = BL_EXIT_OK;
	bool bad = false;

	for (i = 0; i < (size_t)ntargets; i++) {
		const char *why;

		if (bl_probe_target_parse(&t[i], targets[i], &why) < 0) {
			rc = usage_error("\"%s\" is not HOST[:PORT]: %s",
					 targets[i], why);
			goto out;
		}
	}
	if (o->probe.ehlo == NULL)
		o->probe.ehlo = local_name(host, sizeof(host));
	if (o->probe.timeout <= 0)
		o->probe.timeout = 30;
	/* probes wait on the network: all at once unless --jobs says */
	o->probe.jobs = o->jobs_set ? o->jobs : (unsigned)ntargets * 2;
	if (o->probe.jobs > MAX_JOBS)
		o->probe.jobs = MAX_JOBS;
	o->load.type = "live";
	bl_buf_init(&errs);
	if (bl_probe_run(t, (size_t)ntargets, &o->probe, &res, &nres, &errs) <
	    0)
		bad = true;
	if (errs.len > 0)
		fprintf(stderr, "bannerlint: %s", errs.data);
	bl_buf_finish(&errs);
	if (nres == 0) {
		/* no target could be probed: nothing to check */
		rc = BL_EXIT_ERROR;
		goto out;
	}
	if (run_begin(&run, o, false, NULL, 0) < 0) {
		run_finish(&run);
		rc = BL_EXIT_ERROR;
		goto out;
	}
	run.failed |= bad;
	before = run.pre.n;
	if (o->record != NULL && record(&run, res, nres) < 0)
		run.failed = true;
	if (o->compare != NULL && load_listeners(&run, o->compare) < 0)
		run.failed = true;
	run.probes = json_array();
	for (i = 0; i < nres; i++) {
		/* the same target twice is probed twice, shown once */
		for (k = 0; k < i; k++)
			if (strcmp(res[k].name, res[i].name) == 0)
				break;
		if (k < i)
			continue;
		if (bl_plan_add_text(run.plan, res[i].name, res[i].text,
				     res[i].len, &run.pre) < 0)
			run.failed = true;
		json_array_append_new(run.probes, probe_json(&res[i]));
	}
	pre_said(&run, before);
	rc = check_run(&run, o);
out:
	for (i = 0; i < (size_t)ntargets; i++)
		bl_probe_target_finish(&t[i]);
	free(t);
	bl_probe_results_free(res, nres);
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

/* parse_jobs - --jobs N: a decimal number from 1 to MAX_JOBS */
static int
parse_jobs(const char *arg, unsigned *jobs)
{
	char *end;
	long v;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > (long)MAX_JOBS)
		return -1;
	*jobs = (unsigned)v;
	return 0;
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
		{"jobs", required_argument, NULL, 'j'},
		{"ignore", required_argument, NULL, 'I'},
		{"write", no_argument, NULL, 'w'},
		{"unsafe", no_argument, NULL, 'U'},
		{"backup", optional_argument, NULL, 'B'},
		{"baseline", required_argument, NULL, 'L'},
		{"write-baseline", required_argument, NULL, 'Y'},
		{"dns", required_argument, NULL, 'D'},
		{"resolver", required_argument, NULL, 'E'},
		{"dns-timeout", required_argument, NULL, 'O'},
		{"starttls", no_argument, NULL, 1001},
		{"tls", no_argument, NULL, 1002},
		{"plain", no_argument, NULL, 1003},
		{"ehlo", required_argument, NULL, 1004},
		{"sni", required_argument, NULL, 1005},
		{"ca-file", required_argument, NULL, 1006},
		{"timeout", required_argument, NULL, 1007},
		{"first", no_argument, NULL, 1008},
		{"compare", required_argument, NULL, 1009},
		{"record", required_argument, NULL, 1010},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.format = FORMAT_TEXT,
			 .color = "auto",
			 .fail_on = BL_LEVEL_WARNING};
	const char *cmd = NULL;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int c, rc;

	o.jobs = cores < 1 ? 1u : cores > (long)MAX_JOBS ? MAX_JOBS
							 : (unsigned)cores;

	/* A command may come first; options may follow it. */
	if (argc > 1 && (strcmp(argv[1], "check") == 0 ||
			 strcmp(argv[1], "show") == 0 ||
			 strcmp(argv[1], "fix") == 0 ||
			 strcmp(argv[1], "probe") == 0 ||
			 strcmp(argv[1], "rules") == 0 ||
			 strcmp(argv[1], "explain") == 0)) {
		cmd = argv[1];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:j:qhV", longopts, NULL)) !=
	       -1) {
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
		case 'j':
			o.jobs_set = true;
			if (parse_jobs(optarg, &o.jobs) < 0)
				return usage_error("--jobs takes a number of "
						   "threads from 1 to %u, not "
						   "\"%s\"",
						   MAX_JOBS, optarg);
			break;
		case 'I':
			o.ignore = split_list(optarg, o.ignore);
			break;
		case 'w':
			o.write = true;
			break;
		case 'U':
			o.unsafe = true;
			break;
		case 'B':
			o.backup = optarg != NULL ? optarg : ".orig";
			if (*o.backup == '\0' || strchr(o.backup, '/') != NULL)
				return usage_error("--backup takes a suffix "
						   "without '/', not \"%s\"",
						   o.backup);
			break;
		case 'L':
			o.baseline = optarg;
			break;
		case 'Y':
			o.write_baseline = optarg;
			break;
		case 'D': {
			struct bl_dns_opts dop;

			if (parse_dns(optarg, &dop) < 0)
				return usage_error("--dns takes off, live, "
						   "record:FILE or replay:FILE, "
						   "not \"%s\"",
						   optarg);
			o.dns = optarg;
			break;
		}
		case 'E':
			o.resolver = optarg;
			break;
		case 'O': {
			char *end;
			double sec = strtod(optarg, &end);

			if (end == optarg || *end != '\0' || !(sec >= 0.01) ||
			    sec > 600)
				return usage_error("--dns-timeout takes seconds "
						   "from 0.01 to 600, not \"%s\"",
						   optarg);
			o.dns_timeout_ms = (unsigned)(sec * 1000.0 + 0.5);
			break;
		}
		case 1001:
		case 1002:
		case 1003:
			if (o.probe.mode != BL_PROBE_AUTO)
				return usage_error("%s", "--starttls, --tls "
							 "and --plain exclude "
							 "each other");
			o.probe.mode = c == 1001   ? BL_PROBE_STARTTLS
				       : c == 1002 ? BL_PROBE_TLS
						   : BL_PROBE_PLAIN;
			o.probe_opts = true;
			break;
		case 1004:
			if (*optarg == '\0' || strlen(optarg) > 255 ||
			    strpbrk(optarg, " \t\r\n") != NULL)
				return usage_error("--ehlo takes a host name "
						   "without blanks, not \"%s\"",
						   optarg);
			o.probe.ehlo = optarg;
			o.probe_opts = true;
			break;
		case 1005:
			o.probe.sni = optarg;
			o.probe_opts = true;
			break;
		case 1006:
			o.probe.ca_file = optarg;
			o.probe_opts = true;
			break;
		case 1007: {
			char *end;
			double sec = strtod(optarg, &end);

			if (end == optarg || *end != '\0' || !(sec >= 0.1) ||
			    sec > 600)
				return usage_error("--timeout takes seconds "
						   "from 0.1 to 600, not \"%s\"",
						   optarg);
			o.probe.timeout = sec;
			o.probe_opts = true;
			break;
		}
		case 1008:
			o.probe.first = true;
			o.probe_opts = true;
			break;
		case 1009:
			o.compare = optarg;
			break;
		case 1010:
			o.record = optarg;
			o.probe_opts = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return BL_EXIT_OK;
		case 'V':
			printf("bannerlint %s\n", BL_VERSION);
			return BL_EXIT_OK;
		default:
			if (optopt != 0 && strchr("ftscj", optopt) != NULL)
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
		rc = usage_error("%s needs at least one %s", cmd,
				 strcmp(cmd, "probe") == 0 ? "HOST" : "PATH");
	else if (strcmp(cmd, "probe") != 0 && o.probe_opts)
		rc = usage_error("--starttls, --tls, --plain, --ehlo, --sni, "
				 "--ca-file, --timeout, --first and --record "
				 "are options of probe, not of %s",
				 cmd);
	else if (strcmp(cmd, "fix") != 0 &&
		 (o.write || o.unsafe || o.backup != NULL))
		rc = usage_error("--write, --unsafe and --backup are options "
				 "of fix, not of %s",
				 cmd);
	else if (strcmp(cmd, "fix") == 0 && o.backup != NULL && !o.write)
		rc = usage_error("%s", "--backup needs --write");
	else if (strcmp(cmd, "fix") == 0)
		rc = o.format != FORMAT_TEXT
			     ? usage_error("%s", "fix prints a diff: no "
						 "--format")
			     : cmd_fix(&o, argv + optind, argc - optind);
	else if (strcmp(cmd, "probe") == 0)
		rc = cmd_probe(&o, argv + optind, argc - optind);
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

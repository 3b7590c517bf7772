/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check.h - the built-in checks: one table of {name, per surface or per
 * instance, function} that the rule loader (a rule's `check =`) and the
 * engine both use, and the calls a check makes to report what it found.
 *
 * A check answers one of match / no match / could not tell. "Could not
 * tell" (a search limit today; a DNS timeout or a refused probe next)
 * carries a reason and becomes an "unverified" note and exit status 3
 * when nothing worse is found (DESIGN.md section 3).
 */
#ifndef BL_CHECK_H
#define BL_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "dns.h"
#include "model.h"

struct bl_rule;
struct bl_ruleset;
struct bl_engine_opts;
struct bl_parser;
struct bl_run;
struct bl_live;

enum bl_outcome {
	BL_OUTCOME_NO,      /* no match: nothing to report */
	BL_OUTCOME_YES,     /* match: a finding */
	BL_OUTCOME_UNKNOWN, /* could not tell (why says why) */
};

/*
 * Facts from outside the configuration that checks may consult: DNS
 * answers and probe transcripts (the next issues). ask answers a question
 * ("a", "ptr", "banner", ...) about a subject (a name or an address):
 * YES with the answer in *answer, NO, or UNKNOWN with a reason in *why.
 * NULL: no facts, the checks that need them do not run.
 */
struct bl_facts {
	enum bl_outcome (*ask)(void *ctx, const char *question,
			       const char *subject, const char **answer,
			       const char **why);
	/* DNS (--dns): the answer to (t, subject), waiting for it; NULL:
	 * no DNS in this run, the DNS checks do not run */
	const struct bl_dns_answer *(*dns)(void *ctx, enum bl_dns_type t,
					   const char *subject);
	/* a live instance's probe (live.h): what the server said and did,
	 * or NULL (another dialect's instance); NULL hook: none */
	const struct bl_live *(*live)(void *ctx, const struct bl_config *cfg);
	/* --compare: the greeting the configuration's listener on port
	 * gives (placeholders "<...>" for what only the running server
	 * knows) in *greeting and which listener in *where: YES; NO when no
	 * listener is on that port (*where: what was compared); NULL hook:
	 * no --compare */
	enum bl_outcome (*listener)(void *ctx, unsigned port,
				    const char **greeting, const char **where);
	void *ctx;
};

/* What a check sees: the instance, the rules and options, the dialect,
 * the facts and the server's addresses (--ip, a path's ip = {...}). */
struct bl_check_env {
	const struct bl_ruleset *rs;
	const struct bl_engine_opts *o;
	const struct bl_config *cfg;
	const struct bl_parser *parser; /* the instance's dialect, or NULL */
	const struct bl_facts *facts;   /* NULL: none */
	char *const *ips;               /* NULL-terminated, or NULL */
	struct bl_run *run;             /* the engine's (bl_check_emit) */
};

/* A DNS answer a verdict rests on (all three live as long as the run's
 * resolver and the instance). */
struct bl_fact_ref {
	enum bl_dns_type t;
	const char *subject;
	const struct bl_dns_answer *a;
};

#define BL_VERDICT_REFS 32

/* A per-surface check's answer. */
struct bl_verdict {
	const char *detail; /* YES: the message's %m */
	enum bl_level level; /* YES: the finding's severity (preset: the
			      * rule's) */
	const char *why;     /* UNKNOWN: the reason */
	char buf[192];       /* room for detail or why */
	char *text;          /* a longer detail or why (the engine frees) */
	/* the answers it rests on: copied into the finding's evidence only
	 * when it is one (most checks find nothing) */
	struct bl_fact_ref refs[BL_VERDICT_REFS];
	size_t nrefs;
	bool unverified;     /* UNKNOWN: facts were missing (a DNS timeout),
			      * not a limit of the search */
};

struct bl_check {
	const char *name;
	/* per surface: judge one surface the rule judges; a YES is blamed
	 * on the surface's host name. NULL for a per-instance check. */
	enum bl_outcome (*surface)(const struct bl_check_env *e,
				   const struct bl_rule *r,
				   const struct bl_surface *sf,
				   struct bl_verdict *v);
	/* per instance: report through bl_check_emit and the helpers below;
	 * UNKNOWN when some part could not be told (the check has said so
	 * with bl_check_unknown). NULL for a per-surface check. */
	enum bl_outcome (*instance)(const struct bl_check_env *e,
				    const struct bl_rule *r);
	/* is it a meta check that runs after the others (unused
	 * suppressions)? The engine runs it itself. */
	bool meta;
};

/* Every built-in check, NULL-name terminated. */
extern const struct bl_check bl_checks[];

/* bl_check_find - the check named name, or NULL */
const struct bl_check *bl_check_find(const char *name);

/* Where a per-instance check's finding points. */
struct bl_check_place {
	const struct bl_surface *sf;      /* the surface affected, or NULL */
	const struct bl_setting *setting; /* the setting blamed, or NULL */
	const struct bl_source *src;      /* NULL: no place in a file */
	const char *file;                 /* NULL: src's path, the instance */
	size_t off, len;                  /* span in src */
	unsigned line, col;               /* 0: computed from off */
	const char *key;
	const char *scope; /* NULL: the surface's, else "main" */
	size_t also;
};

/* bl_check_emit - a finding of r at *at with message (taken) */
void bl_check_emit(const struct bl_check_env *e, const struct bl_rule *r,
		   const struct bl_check_place *at, char *message,
		   enum bl_level level);
/* bl_check_host - a finding of r on sf's host name, r's message with
 * %m = detail */
void bl_check_host(const struct bl_check_env *e, const struct bl_rule *r,
		   const struct bl_surface *sf, const char *detail,
		   enum bl_level level);
/* bl_check_value - a finding of r blamed on [off, off+len) of sf's value
 * (traced to the setting or reference that wrote it), message taken */
void bl_check_value(const struct bl_check_env *e, const struct bl_rule *r,
		    const struct bl_surface *sf, size_t off, size_t len,
		    char *message);
/* bl_check_setting - a finding of r on [off, off+len) of s's raw value,
 * for surface sf (or NULL), message taken */
void bl_check_setting(const struct bl_check_env *e, const struct bl_rule *r,
		      const struct bl_surface *sf, const struct bl_setting *s,
		      size_t off, size_t len, char *message);
/* bl_check_unknown - r could not judge sf (why): a note, exit status 3 */
void bl_check_unknown(const struct bl_check_env *e, const struct bl_rule *r,
		      const struct bl_surface *sf, const char *why);
/* bl_check_judges - would r judge sf: it applies to its kind, the value
 * is known, and a banner is public */
bool bl_check_judges(const struct bl_check_env *e, const struct bl_rule *r,
		     const struct bl_surface *sf);
/* bl_check_message - r's message with %m, %v and %h expanded (caller
 * frees) */
char *bl_check_message(const char *tmpl, const char *match,
		       const char *value, const char *host);
/* bl_check_allowed - does the configuration vouch for host name h
 * (allow-hostname): never generic, never a placeholder */
bool bl_check_allowed(const struct bl_check_env *e, const char *h);
/* bl_check_host_offset - where sf's host name starts in its value */
size_t bl_check_host_offset(const struct bl_surface *sf);
/* bl_check_banner_without_host - does a banner's first word fail to be the
 * server's name (BL105), so that the host name rules leave it alone? */
bool bl_check_banner_without_host(const struct bl_surface *sf);

/* bl_check_dns_name - is sf's host name one DNS can be asked about (a
 * name with a dot, no address, placeholder or unexpanded macro) */
bool bl_check_dns_name(const struct bl_surface *sf);

#endif

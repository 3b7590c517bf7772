/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.h - run the rule catalogue over the surfaces of parsed instances.
 *
 * Findings are self-contained (see struct bl_finding).
 */
#ifndef BL_ENGINE_H
#define BL_ENGINE_H

#include "load.h"
#include "model.h"
#include "rules.h"

struct bl_facts;

/*
 * A finding, self-contained: it owns every string it prints, so it outlives
 * the instance it was found in (the instance is freed once its findings
 * are out). Only the rule is borrowed: the ruleset lives for the run.
 */
struct bl_finding_surface {
	enum bl_surface_kind kind;
	char *scope;
	char *value;
	char *greeting; /* banners: the lines a client sees; HELO: the value */
};

/* How far a fix may go (DESIGN.md section 5). */
enum bl_fix_safety {
	BL_FIX_SAFE,   /* cannot change what mail flows where: `fix` */
	BL_FIX_UNSAFE, /* changes identity: `fix --unsafe` */
	BL_FIX_MANUAL, /* text only */
};

/*
 * One edit on a file's bytes as they were read: [off, off + len) becomes
 * text. len 0 inserts; off == the file's length appends. A file that does
 * not exist yet (Postfix main.cf) has `create` set and off = len = 0.
 */
struct bl_edit {
	char *file;     /* the path as read (the source's path) */
	size_t off, len;
	unsigned line, col;         /* 1-based, of off */
	unsigned end_line, end_col; /* of off + len */
	char *text;     /* the replacement bytes (never prose) */
	bool create;
};

/*
 * A finding's fix: the edits that solve it, together with every other
 * finding the same edits solve (one edit per setting: all the findings on
 * one setting share one fix). A manual fix has no edits and says what to
 * do in `text`.
 */
struct bl_fix {
	enum bl_fix_safety safety;
	struct bl_edit *edits;
	size_t nedits;
	char *text; /* the resulting line(s) as the file will read, or the
		     * manual instruction, or the command (below) */
	bool command; /* text is a command that makes the change on the
		       * server (Exchange PowerShell); the edits are on an
		       * export and only verify it: never written */
	char *note; /* where it goes or what else to do ("rebuild
		     * sendmail.cf"), or NULL */
	unsigned group; /* findings with the same nonzero group share it */
};

/* What a finding rests on from outside the configuration: one DNS answer
 * (which question, what came back). */
struct bl_evidence {
	char *type;   /* "a", "aaaa", "ptr" */
	char *name;   /* the subject asked (an address for ptr) */
	char *status; /* "found", "nxdomain", "nodata", "tempfail" */
	char **data;  /* addresses or names */
	size_t ndata;
	char **cnames; /* the CNAMEs followed */
	size_t ncnames;
	char *why;    /* tempfail: the reason, else NULL */
};

/* bl_evidence_free - the evidence list ev[0..n) and ev itself */
void bl_evidence_free(struct bl_evidence *ev, size_t n);

struct bl_finding {
	const struct bl_rule *rule;
	enum bl_level severity;
	char *message;
	char *mta;
	char *instance; /* the instance's name (directory or file given) */
	char *file;     /* the file blamed, or the instance's name */
	char *key;      /* the setting blamed, or NULL */
	char *scope;
	bool placed;      /* a place in a file: off, len, line, col below */
	size_t off, len;  /* span in the file */
	unsigned line, col;
	unsigned end_line, end_col; /* of off + len (line 0: unknown) */
	char *excerpt;    /* the text of line `line` (no EOL), or NULL */
	size_t excerpt_len;
	size_t also; /* other surfaces with the same finding at this place */
	struct bl_finding_surface *surface; /* NULL: a finding on a setting */
	struct bl_fix *fix; /* NULL: no fix (bl_fix_free frees it) */
	struct bl_evidence *evidence; /* DNS answers it rests on, or NULL */
	size_t nevidence;
	/* bannerlint/v2 identity (fingerprint.h), hex; "" until computed */
	char fingerprint[17];
};

struct bl_findings {
	struct bl_finding *v;
	size_t n;
	size_t cap;
	size_t unknown; /* checks that could not tell (a note each) */
};

struct bl_engine_opts {
	char **select; /* rule ids, id prefixes or names; NULL: all */
	char **ignore;
	const char *hostname;   /* the intended host name, or NULL */
	const char *fix_hostname; /* for the host name fixes only when
				   * hostname is NULL: a forward-confirmed
				   * PTR name (--dns), or NULL */
	char **allow_hostname;  /* never generic or placeholder */
	char **internal_suffix; /* also internal for BL203 */
	/* scopes whose findings are not reported (fnmatch patterns, a
	 * backslash literal: Exchange identities hold one), NULL: none */
	char **ignore_scope;
	char **severity_ids;    /* severity overrides */
	const enum bl_level *severity_levels;
	size_t nseverity;
	bool no_inline; /* ignore inline suppressions */
	char *const *ips; /* the server's addresses (--ip, ip = {...}) */
	const struct bl_facts *facts; /* DNS answers, probes; NULL: none */
	bool no_fixes; /* propose no fixes (a fix's verification run) */
};

/*
 * bl_engine_run - append the findings of one instance to out, in file
 * order; malformed suppressions are warnings in diags
 */
void bl_engine_run(const struct bl_ruleset *rs, const struct bl_config *cfg,
		   const struct bl_engine_opts *o, struct bl_findings *out,
		   struct bl_diags *diags);
/* bl_findings_clear - free every finding, keep the array (n = 0) */
void bl_findings_clear(struct bl_findings *f);
void bl_findings_finish(struct bl_findings *f);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parser.h - one table of functions per dialect.
 *
 * Parsers know syntax only: they turn sources into settings and scopes.
 * The dialect's resolver (parsers/<dialect>_resolve.c) turns those into surfaces.
 * Adding a dialect adds a table here and never touches the engine.
 */
#ifndef BL_PARSER_H
#define BL_PARSER_H

#include "diag.h"
#include "model.h"
#include "template.h"

enum bl_file_role {
	BL_ROLE_NONE,
	BL_ROLE_POSTFIX_MAIN,
	BL_ROLE_POSTFIX_MASTER,
	BL_ROLE_EXIM_MAIN,
	BL_ROLE_EXIM_DEBIAN, /* update-exim4.conf.conf: its directory */
	BL_ROLE_SENDMAIL_MC,
	BL_ROLE_SENDMAIL_CF,
	BL_ROLE_EXCHANGE, /* a connector export (any name) */
	BL_ROLE_TRANSCRIPT, /* a probe's transcript (src/live.h) */
};

/*
 * A finding only this dialect has, as data: the reader records an event
 * of `kind` (bl_config_add_event) and the rule whose built-in check is
 * `check` reports it with message (%m: the event's argument).
 */
struct bl_dialect_event {
	const char *check; /* "override-whitespace", ... */
	const char *kind;  /* the event's kind */
	const char *message; /* NULL: the event's own message */
};

struct bl_parser {
	const char *name;
	/* classify - what a file is by its name, or BL_ROLE_NONE */
	enum bl_file_role (*classify)(const char *basename);
	/* detect - what a file named on the command line is by its content,
	 * or BL_ROLE_NONE; may be NULL */
	enum bl_file_role (*detect)(const struct bl_source *src);
	/* a directory walk asks detect of every file no dialect knows by
	 * name (exports have any name); files it does not take are left
	 * out silently */
	bool walk_detect;
	/* the role of a file --type names this dialect for */
	enum bl_file_role default_role;
	/* file names that make one instance with those beside them, in the
	 * order they are parsed; NULL-terminated, or NULL: a file alone */
	const char *const *siblings;
	/* a file whose presence makes its whole directory one instance,
	 * read by parse() from that file (Debian's update-exim4.conf.conf:
	 * /etc/exim4 as update-exim4.conf assembles it); NULL: none */
	const char *dir_marker;
	/* is_template - the template syntax in a file of this dialect's
	 * name that the dialect cannot mean, and in *line where; NULL: the
	 * generic test (bl_template_sniff) */
	enum bl_template_kind (*is_template)(const struct bl_source *src,
					     unsigned *line);
	/* how the template pre-pass reads this dialect's templates
	 * (BL_TEMPLATE_INDENT_CONTINUES: Postfix's indented continuation
	 * lines), and which braces stay literal when the dialect was told by
	 * content (BL_TEMPLATE_POSTFIX_BRACES, BL_TEMPLATE_DOLLAR_BRACES) */
	unsigned template_flags;
	unsigned template_braces;
	/* parse - add the settings of src (the config takes src) */
	int (*parse)(struct bl_config *cfg, struct bl_source *src,
		     enum bl_file_role role, struct bl_diags *diags);
	/* resolve - compute the surfaces of a parsed instance */
	int (*resolve)(struct bl_config *cfg, struct bl_diags *diags);
	/* render_value - the statement that sets s's key to value where s
	 * is (or, for a default, where it would be added), as this dialect
	 * writes it ("smtpd_banner = x", "-o smtpd_banner=x",
	 * "define(`confSMTP_LOGIN_MSG', `x')dnl"), and in *note where it
	 * goes when that is not s's own line; caller frees */
	char *(*render_value)(const struct bl_config *cfg,
			      const struct bl_setting *s, const char *value,
			      struct bl_buf *note);
	/* value_text - the bytes that write value in place of s's value
	 * (s->val_off, s->val_len), quoted as s's value is, or with *whole
	 * set the statement that replaces s->stmt_off, s->stmt_len (a
	 * master.cf "-o k=v" that needs braces); NULL when the value cannot
	 * be written there; caller frees. NULL hook: the value as it is. */
	char *(*value_text)(const struct bl_config *cfg,
			    const struct bl_setting *s, const char *value,
			    bool *whole);
	/* place_new - where a fix adds a definition of key (for scope; NULL
	 * or "main": the instance's) when the value in effect is a default
	 * or sits in a file no fix edits: 0 with *src and *off (the new line
	 * goes before off), or *src NULL and *create the path of a file to
	 * create (caller frees); -1 when the dialect cannot say */
	int (*place_new)(const struct bl_config *cfg, const char *key,
			 const char *scope, const struct bl_source **src,
			 size_t *off, char **create);
	/* editable - may a fix edit src (false: a file of the MTA's own
	 * distribution, read for its defaults); NULL: every source */
	bool (*editable)(const struct bl_config *cfg,
			 const struct bl_source *src);
	/* how a value names the server's own host name ("$myhostname"),
	 * for a banner a fix writes or completes; NULL: none */
	const char *host_ref;
	/* host_name - the text that names sf's server when host_ref is
	 * NULL (Exchange: the connector's Fqdn), or NULL; NULL hook: none */
	const char *(*host_name)(const struct bl_config *cfg,
				 const struct bl_surface *sf);
	/* what a banner's value holds before the greeting's host name
	 * ("220 ": Exchange stores the whole reply line), or NULL */
	const char *banner_lead;
	/* tidy_value - the dialect's last word on a value a fix made
	 * (caller frees); NULL hook: the value as made */
	char *(*tidy_value)(const struct bl_config *cfg,
			    const struct bl_setting *s, const char *value);
	/* command - the command that sets s to value on the server, when
	 * the dialect's files are only an export of its settings (Exchange:
	 * a PowerShell line): a fix is then that command, and its edits on
	 * the export only verify it (caller frees; NULL: cannot say) */
	char *(*command)(const struct bl_config *cfg,
			 const struct bl_setting *s, const char *value);
	/* fix_note - what to do once the files are fixed ("rebuild
	 * sendmail.cf"), or NULL (static); NULL hook: nothing */
	const char *(*fix_note)(const struct bl_config *cfg);
	/* the flag that sets a value for one scope where the dialect has
	 * one (master.cf: "-o"), or NULL */
	const char *override_flag;
	/* the dialect's own findings, NULL-check terminated, or NULL */
	const struct bl_dialect_event *events;
	/* a setting defined twice when the MTA refuses to start on it:
	 * BL302's message (%m: the key) and level; NULL: the rule's own */
	const char *duplicate_message;
	enum bl_level duplicate_level;
	/* its files may be UTF-16 text, which the source layer decodes
	 * (Exchange exports); a UTF-16 file of any other dialect is an
	 * error, as its MTA reads bytes */
	bool utf16;
	/* what starts a comment line an inline suppression may stand in,
	 * NULL-terminated ("#"; m4 also "dnl") */
	const char *const *comments;
};

extern const struct bl_parser bl_parser_postfix;
extern const struct bl_parser bl_parser_exim;
extern const struct bl_parser bl_parser_sendmail;
extern const struct bl_parser bl_parser_exchange;
extern const struct bl_parser bl_parser_live;

/* Every dialect, NULL-terminated. */
extern const struct bl_parser *const bl_parsers[];

/* bl_parser_render - s set to value as its dialect writes it, with the
 * note on where the line goes in parentheses; NULL when the dialect
 * cannot say */
char *bl_parser_render(const struct bl_config *cfg, const struct bl_setting *s,
		       const char *value);

/* bl_parser_find - the parser named name, or NULL */
const struct bl_parser *bl_parser_find(const char *name);

/*
 * Postfix's logical lines (readlline(3) semantics), shared by main.cf and
 * master.cf: a line starting with whitespace continues the previous one,
 * comment and blank lines are skipped even inside a continued line, and the
 * joined text keeps every byte of the continuation lines.
 */
struct bl_pf_line {
	struct bl_buf text;
	struct bl_span_map *map;
	size_t nmap, mapcap;
	size_t start, end; /* the physical lines, end past the last newline */
	unsigned line;     /* first physical line, 1-based */
	bool indented;     /* the logical line itself starts with whitespace */
};

struct bl_pf_reader {
	const struct bl_source *src;
	size_t pos;
	unsigned line; /* of the next physical line */
};

void bl_pf_reader_init(struct bl_pf_reader *r, const struct bl_source *src);
void bl_pf_line_init(struct bl_pf_line *l);
void bl_pf_line_finish(struct bl_pf_line *l);
/* bl_pf_next_line - the next logical line; false at end of input */
bool bl_pf_next_line(struct bl_pf_reader *r, struct bl_pf_line *l);
/* bl_pf_line_src - source offset of an offset into the joined text */
size_t bl_pf_line_src(const struct bl_pf_line *l, size_t off);

/* bl_pf_is_template - the template syntax in a Postfix file that Postfix
 * cannot mean (Jinja, ERB), or BL_TEMPLATE_NONE */
enum bl_template_kind bl_pf_is_template(const struct bl_source *src,
					unsigned *line);

#endif

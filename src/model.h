/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model.h - the one model every parser produces and everything downstream
 * reads: settings (assignments as written, with byte spans), scopes
 * (master.cf services, Exim transports, ...), surfaces (what the outside
 * world sees, with provenance).
 *
 * A struct bl_config owns every string and object reachable from it (an
 * arena); everything downstream holds borrowed const pointers.
 */
#ifndef BL_MODEL_H
#define BL_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"
#include "util.h"

/* A piece of a joined value that came from one run of bytes in a file. */
struct bl_span_map {
	size_t raw_off; /* offset in the joined value */
	size_t src_off; /* offset in the source bytes */
	size_t len;
};

/* One assignment as written, or a built-in default. */
struct bl_setting {
	const char *key;
	const char *raw; /* the value as the MTA reads it (joined, trimmed) */
	size_t raw_len;
	const struct bl_source *src; /* NULL for a built-in default */
	size_t key_off, key_len;     /* span of the key in src */
	size_t val_off, val_len;     /* span of the value in src */
	size_t stmt_off, stmt_len;   /* the whole logical line(s), for fixes */
	unsigned line, col;          /* of the key */
	const char *scope;           /* "main" or e.g. "submission/inet" */
	const struct bl_setting *shadows; /* the earlier definition it hides */
	bool shadowed;                    /* a later definition hides it */
	bool is_default;
	bool placeholder; /* a default only the running system knows */
	bool unread; /* an include that is not here may replace it (m4) */
	struct bl_span_map *map; /* raw offsets -> source offsets */
	size_t nmap;
};

/* A named part of an instance with settings of its own. */
struct bl_scope {
	const char *name; /* "smtp/inet", "transport/remote_smtp" */
	const struct bl_scope *parent; /* the scope it belongs to (an Exim
					* ACL statement's ACL), or NULL */
	const char *role; /* the program: "smtpd", "postscreen", "smtp", ... */
	const struct bl_source *src;
	unsigned line;
	size_t stmt_off, stmt_len;
	const struct bl_setting **settings; /* in order; later wins */
	size_t nsettings;
	const struct bl_scope *shadows; /* an earlier entry of the same name */
	bool shadowed;
	/* The first non-option argument (the daemon exits on it), or NULL. */
	const char *stray;
	size_t stray_off;
	unsigned stray_line, stray_col;
};

enum bl_surface_kind {
	BL_SURFACE_BANNER,
	BL_SURFACE_HELO,
};

/*
 * One contribution to a surface: the surface's own setting first, then
 * every parameter its expansion consulted, in the order first consulted.
 */
struct bl_origin {
	const char *key;
	const struct bl_setting *setting; /* the definition used */
	const char *scope;                /* where it was looked up */
	size_t via;       /* index of the origin whose value referenced it */
	size_t ref_off;   /* span of the reference in that origin's raw */
	size_t ref_len;
	bool placeholder; /* its value is only known at run time */
};

#define BL_NO_ORIGIN ((size_t)-1)

/*
 * A run of the expanded value and where it came from: the literal text of
 * origin[origin]; reached through the top-level reference at
 * [top_off, top_off + top_len) of the surface's own setting (top_len 0:
 * literal text of that setting).
 */
struct bl_piece {
	size_t off, len;
	size_t origin;
	size_t src_off; /* where the text starts in that origin's raw value */
	size_t top_off, top_len;
};

struct bl_kv {
	const char *key;
	const char *value;
};

struct bl_surface {
	enum bl_surface_kind kind;
	const char *mta;
	const char *scope;
	const char *file; /* the file of the scope (main.cf, master.cf) */
	const char *key;  /* the parameter the surface is read from */
	const struct bl_scope *scope_obj; /* NULL for main */
	const char *configured;
	const char *value;
	const char *hostname;
	const char *greeting; /* banners: the lines a client sees */
	struct bl_origin *origin;
	size_t norigin;
	struct bl_piece *pieces;
	size_t npieces;
	struct bl_kv *overrides; /* the scope's overrides in effect */
	size_t noverrides;
	bool valid; /* false: the value could not be computed (see diags) */
	/* What the engine needs to know, set by the resolver (the engine
	 * reads these and never a dialect's keys or scope names): */
	bool public; /* strangers reach it (a listener on a non-loopback
		      * address, an MTA's daemon): banner rules judge it */
	/* why strangers do not reach it although it listens (an internal
	 * connector: not bound to port 25, no anonymous permission):
	 * findings on it are one level lower and say so; NULL: they do */
	const char *lowered;
	bool host_named; /* the host name is the server's own name setting
			  * (cfg->hostname_key), not text of the banner */
	/* the texts a client sees that BL303 compares across listeners:
	 * the value, or a pre-greeting and the greeting of the program
	 * behind it (`behind`, e.g. "smtpd") */
	const char *lines[2];
	size_t nlines;
	const char *behind;
	/* the TCP port the listener accepts on, as its configuration names
	 * it (a master.cf service "smtp", "submission", "127.0.0.1:2525");
	 * 0: not known, or every port the daemon listens on (set by the
	 * resolver; probe --compare matches a live port with it) */
	unsigned port;
};

/* A fact a parser saw that only a rule can judge (e.g. an m4 define that
 * a later OSTYPE file overwrote). */
struct bl_event {
	const char *kind; /* "define-overridden", "hash-line-expanded" */
	const struct bl_source *src;
	size_t off, len;
	unsigned line, col;
	const char *arg; /* the macro concerned */
	const char *scope; /* where it is (NULL: main) */
	const struct bl_setting *setting; /* the setting it is about, or
					   * NULL (a fix may change it) */
};

struct bl_config {
	struct bl_arena arena;
	const char *mta;  /* "postfix", ... */
	const char *name; /* instance name: the directory or file given */
	struct bl_source **sources;
	size_t nsources;
	struct bl_setting **settings; /* every setting, in file order */
	size_t nsettings;
	struct bl_scope **scopes;
	size_t nscopes;
	struct bl_surface *surfaces;
	size_t nsurfaces;
	bool surfaces_capped; /* BL_SURFACES_MAX reached (reported) */
	struct bl_event *events;
	size_t nevents;
	/* the instance's main file (main.cf, exim.conf, sendmail.mc) */
	const struct bl_source *main_src;
	/* the reader's own state for its resolver (arena-owned), or NULL */
	void *dialect;
	/* Where the server's own name is set, for a finding about its
	 * absence (BL208): the setting ("myhostname") and the file that
	 * holds or would hold it. Set by the resolver; NULL: unknown. */
	const char *hostname_key;
	const char *hostname_file;
	/* --root or root =: absolute include paths are read under it */
	const char *root;
	/* where includes are read (source.h; borrowed, outlives the
	 * instance): NULL, the file system */
	const struct bl_source_provider *provider;
	/* --sendmail-cf: the sendmail-cf tree OSTYPE, DOMAIN, HACK and
	 * version.m4 are read from (borrowed); NULL: found from the .mc's
	 * include of cf.m4, else /usr/share/sendmail/cf */
	const char *sendmail_cf_dir;
	/* The first include that is not here (an absolute path missing in
	 * the repository): what it sets is unknown, the run unverified. */
	const char *unread_path;
	/* Why what the instance says could not all be checked although it
	 * was read (a probe that timed out: the reader has said so in a
	 * note): the run is unverified; NULL: it could */
	const char *unverified;
	/* bl_config_lookup's index of the global settings by key, built as
	 * settings are looked up (a cache: it never changes an answer) */
	struct bl_lookup_index *index;
};

struct bl_config *bl_config_new(const char *mta, const char *name);
void bl_config_free(struct bl_config *cfg);
/* bl_config_add_source - the config takes ownership of src */
void bl_config_add_source(struct bl_config *cfg, struct bl_source *src);
struct bl_setting *bl_config_add_setting(struct bl_config *cfg);
struct bl_scope *bl_config_add_scope(struct bl_config *cfg);
void bl_scope_add_setting(struct bl_config *cfg, struct bl_scope *scope,
			  const struct bl_setting *s);
struct bl_surface *bl_config_add_surface(struct bl_config *cfg);
/* bl_config_surface_room - may the instance have one more surface, for
 * scope (NULL: the main one)? At BL_SURFACES_MAX: false, and once per
 * instance an error at the scope's line */
struct bl_diags;
bool bl_config_surface_room(struct bl_config *cfg, struct bl_diags *diags,
			    const struct bl_scope *scope);

/*
 * bl_config_path - the file to open for path, read by this instance: an
 * absolute path under cfg->root when one is set (caller frees).
 */
char *bl_config_path(const struct bl_config *cfg, const char *path);
/*
 * bl_config_unread - an absolute include at src:line that is not here:
 * a note there ("not available here; what it sets is unknown"), and the
 * instance's values it could set become placeholders (see
 * bl_config_may_unread). A reader where a later definition replaces an
 * earlier one (m4) marks the earlier ones `unread`; where a second
 * definition is an error (Exim), only defaults are in doubt.
 */
void bl_config_unread(struct bl_config *cfg, struct bl_diags *diags,
		      const struct bl_source *src, unsigned line,
		      const char *path);
/*
 * bl_config_may_unread - could an include that is not here have set the
 * option whose effective definition is s (NULL or a default: none)?
 */
bool bl_config_may_unread(const struct bl_config *cfg,
			  const struct bl_setting *s);
/* bl_config_unknown - the placeholder setting for such an option */
const struct bl_setting *bl_config_unknown(struct bl_config *cfg,
					   const char *key);

/* bl_config_default - a built-in default as a setting (config owns) */
const struct bl_setting *bl_config_default(struct bl_config *cfg,
					   const char *key, const char *value,
					   bool placeholder);
/* bl_surface_add_origin - index of s among sf's origins, added if new
 * (defaults count as one origin per key and value) */
size_t bl_surface_add_origin(struct bl_surface *sf, const struct bl_setting *s,
			     size_t via, size_t ref_off, size_t ref_len);
/* bl_surface_add_piece - value[off, off+n) is text p of origin, reached
 * through the reference [top_off, top_off+top_len) */
void bl_surface_add_piece(struct bl_surface *sf, size_t off, size_t origin,
			  const char *p, size_t n, size_t top_off,
			  size_t top_len);

/* bl_config_add_event - record a parser's event (strings copied) */
void bl_config_add_event(struct bl_config *cfg, const char *kind,
			 const struct bl_source *src, size_t off, size_t len,
			 const char *arg);

/* bl_surface_set_greeting - sf->greeting: "220-" before every line of
 * value but the last, "220 " before the last */
void bl_surface_set_greeting(struct bl_config *cfg, struct bl_surface *sf,
			     const char *value);

/* bl_config_public_banners - every banner of cfg is public, with its
 * value as the one line BL303 compares (an MTA with one daemon) */
void bl_config_public_banners(struct bl_config *cfg);

/* bl_config_lookup - last effective global setting for key, or NULL (borrowed) */
const struct bl_setting *bl_config_lookup(const struct bl_config *cfg,
					  const char *key);
/* bl_scope_lookup - last setting for key in the scope, or NULL (borrowed) */
const struct bl_setting *bl_scope_lookup(const struct bl_scope *scope,
					 const char *key);
/* bl_setting_src_offset - source offset of a raw-value offset */
size_t bl_setting_src_offset(const struct bl_setting *s, size_t raw_off);

const char *bl_surface_kind_name(enum bl_surface_kind kind);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe.h - greet live SMTP servers: connect, read the whole greeting, EHLO,
 * STARTTLS or implicit TLS (OpenSSL), EHLO again, QUIT; never MAIL or RCPT.
 * Each probe's result is a transcript (live.h) that the live dialect
 * (parsers/transcript.c) reads into the model: the probe judges nothing.
 *
 * Bounded: every phase (connect, greeting, each reply, the handshake) has
 * its own deadline of opts.timeout seconds, a deadline and not an idle
 * timer, so a server that sends a byte a second cannot hold a probe; the
 * reply reader (smtp_reply.h) caps lines and replies. Many probes run at
 * once on threads, their results in input order. OpenSSL objects never
 * leave probe.c.
 */
#ifndef BL_PROBE_H
#define BL_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum bl_probe_mode {
	BL_PROBE_AUTO,     /* implicit TLS on 465, else STARTTLS if offered */
	BL_PROBE_STARTTLS, /* --starttls: STARTTLS even when not offered */
	BL_PROBE_TLS,      /* --tls: implicit TLS (port 465 style) */
	BL_PROBE_PLAIN,    /* --plain: no TLS */
};

struct bl_probe_opts {
	enum bl_probe_mode mode;
	const char *ehlo;    /* the EHLO name; NULL: this machine's name */
	const char *sni;     /* NULL: the probed name when it is a name */
	const char *ca_file; /* NULL: the system's trust store */
	double timeout;      /* seconds, each phase */
	bool first;          /* only the first address of a name */
	unsigned jobs;       /* probes at a time (>= 1) */
};

/* One target as given: HOST, HOST:PORT, [V6] or [V6]:PORT. */
struct bl_probe_target {
	char *spec;
	char *host;
	unsigned port;
};

/* bl_probe_target_parse - spec into *t (bl_probe_target_finish it); -1
 * with the reason in *why (static) when it is not a target */
int bl_probe_target_parse(struct bl_probe_target *t, const char *spec,
			  const char **why);
void bl_probe_target_finish(struct bl_probe_target *t);

/* One probe: of one address of one target. */
struct bl_probe_result {
	char *name;  /* how reports name it: "HOST:PORT", with "[ADDR]"
		      * after it when HOST is a name */
	char *text;  /* the transcript (live.h), NUL-terminated */
	size_t len;
	size_t target; /* which target it probed */
	size_t bytes;  /* bytes the server sent */
};

/*
 * bl_probe_run - resolve every target (each address, or the first with
 * opts->first) and probe them, opts->jobs at a time, into *out (*nout
 * results in target order, then address order; free with
 * bl_probe_results_free). A name that does not resolve is an error in
 * errs (one line each, caller frees the buffer's text) and has no result;
 * -1 then, else 0.
 */
struct bl_buf;
int bl_probe_run(const struct bl_probe_target *targets, size_t ntargets,
		 const struct bl_probe_opts *opts, struct bl_probe_result **out,
		 size_t *nout, struct bl_buf *errs);
void bl_probe_results_free(struct bl_probe_result *r, size_t n);

/* bl_probe_escape - the server's bytes as the transcript writes them:
 * printable ASCII as is, "\\" for a backslash, "\xHH" for the rest */
void bl_probe_escape(struct bl_buf *b, const char *s, size_t n);

#endif

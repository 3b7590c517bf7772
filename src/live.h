/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * live.h - what a live server said and did, as facts the checks read
 * (struct bl_facts.live), and the transcript format that carries them.
 *
 * A probe (probe.c) writes everything it saw as a transcript: text, one
 * record a line, "TAG: rest". The same text is what `probe --record FILE`
 * saves and what `check` reads back from a FILE.transcript (the "live"
 * dialect, parsers/live.c): a live run and a replayed one go through one
 * reader, so they say the same. The transcript is ASCII: the server's
 * bytes outside 0x20-0x7e and the backslash are written \xHH (\\ for a
 * backslash), so no byte of a stranger's reaches a terminal unescaped.
 *
 *   bannerlint-transcript 1          first line, always
 *   P: KEY VALUE                     the probe: target, host, address,
 *                                    port, mode (plain|starttls|tls),
 *                                    ehlo, sni, started (Unix seconds)
 *   S: LINE                          a line the server sent (no line end)
 *   C: LINE                          a line the probe sent
 *   E: EVENT [PHASE] SECONDS [TEXT]  connected, greeting, tarpit,
 *                                    partial PHASE (the last S: line did
 *                                    not end), timeout PHASE, closed
 *                                    PHASE, reset PHASE, capped PHASE,
 *                                    refused, error
 *                                    (SECONDS since the connect began)
 *   T: KEY VALUE                     TLS: handshake ok|failed, protocol,
 *                                    cipher, verify ok|CODE TEXT, subject,
 *                                    issuer, name (one per DNS name),
 *                                    not-before, not-after (Unix seconds),
 *                                    covers NAME yes|no
 *
 * PHASE is connect, greeting, ehlo, starttls, tls, ehlo-tls or quit. Lines
 * of other tags, and unknown keys, are errors at their line (a newer
 * transcript is not guessed at).
 */
#ifndef BL_LIVE_H
#define BL_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "source.h"

#define BL_LIVE_MAGIC "bannerlint-transcript 1"
#define BL_LIVE_NAMES_MAX 64 /* certificate DNS names kept */

/* A line of the transcript a finding can point at (0: none). */
struct bl_live_at {
	unsigned line;
	size_t off, len; /* span in the transcript source */
};

/* A server reply as the transcript holds it. */
struct bl_live_reply {
	bool seen;         /* some line of it arrived */
	bool complete;     /* its last line arrived whole */
	int code;          /* first line's code, or -1 */
	unsigned flaws;    /* enum bl_smtp_flaw bits (smtp_reply.h) */
	struct bl_live_at at; /* its first line */
	size_t nlines;
};

struct bl_live_tls {
	bool tried;        /* a handshake was started */
	bool ok;           /* it completed */
	const char *error; /* !ok: why (borrowed), or NULL */
	const char *protocol, *cipher;
	bool verified;     /* the chain verified */
	long verify_code;  /* X509_V_* when !verified */
	const char *verify_text;
	const char *subject, *issuer;
	const char **names; /* the certificate's DNS names (or its CN) */
	size_t nnames;
	bool has_dates;
	long long not_before, not_after; /* Unix seconds */
	/* what the probe asked of the certificate (X509_check_host) */
	const char *covers_name[2];
	bool covers[2];
	size_t ncovers;
	struct bl_live_at at; /* the "T: handshake" line */
};

struct bl_live {
	const char *target;  /* as given: "mail.example.com:25" */
	const char *host;    /* the probed name (or address) */
	const char *address; /* the address connected to, or NULL */
	unsigned port;
	const char *mode;    /* "plain", "starttls", "tls" */
	const char *ehlo;    /* the name the probe sent, or NULL */
	const char *sni;     /* the SNI sent, or NULL */
	long long started;   /* Unix seconds: the clock expiry is judged by */
	struct bl_live_reply greeting, ehlo_reply, starttls, ehlo_tls;
	bool starttls_offered; /* the first EHLO reply lists STARTTLS */
	struct bl_live_tls tls;
	/* how it ended: the first problem event (timeout, reset, closed,
	 * refused, error, capped), or NULL when the probe ran to QUIT */
	const char *failure; /* "timeout", "reset", ... (borrowed) */
	const char *failure_phase;
	const char *failure_text;
	double failure_secs;
	struct bl_live_at failure_at;
	bool tarpit;          /* the greeting was slow (or never came) */
	double greeting_secs; /* when the greeting was complete, or -1 */
	const struct bl_source *src; /* the transcript */
	/* the greeting's lines as sent, joined with newlines (NULL: none
	 * came), and the setting the banner surface is made of (the text
	 * after each line's code; NULL unless a whole 220 greeting came) */
	const struct bl_setting *greeting_setting;
	const char *greeting_text;
};

#endif

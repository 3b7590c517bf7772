/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * checks_live.c - the built-in checks of what a live server said and did
 * (BL501-BL508): rows of the check table (checks.c) that read the probe's
 * facts (struct bl_facts.live, live.h) and, for drift, the configuration's
 * listener (struct bl_facts.listener). The greeting itself is a banner
 * surface, judged by the same rules as a configured one; these judge what
 * only a live server has: its reply codes, STARTTLS, the handshake and the
 * certificate, and whether it says what its configuration says.
 *
 * Every finding points at the transcript line it rests on. A phase the
 * probe never reached (a timeout) is not judged: the reader has noted why
 * and the run is unverified.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "checks_live.h"
#include "engine.h"
#include "live.h"
#include "rules.h"
#include "smtp_reply.h"

#define EXPIRY_WARN_DAYS 14

/* live - the probe's facts of this instance, or NULL */
static const struct bl_live *
live(const struct bl_check_env *e)
{
	if (e->facts == NULL || e->facts->live == NULL)
		return NULL;
	return e->facts->live(e->facts->ctx, e->cfg);
}

/* banner - the instance's greeting surface, or NULL */
static const struct bl_surface *
banner(const struct bl_check_env *e)
{
	size_t i;

	for (i = 0; i < e->cfg->nsurfaces; i++)
		if (e->cfg->surfaces[i].kind == BL_SURFACE_BANNER)
			return &e->cfg->surfaces[i];
	return NULL;
}

/* emit - a finding of r at the transcript line at, message r's with %m =
 * the text in b */
static void
emit(const struct bl_check_env *e, const struct bl_rule *r,
     const struct bl_live *lv, const struct bl_live_at *at,
     struct bl_buf *b, enum bl_level level)
{
	const struct bl_surface *sf = banner(e);
	struct bl_check_place p;

	memset(&p, 0, sizeof(p));
	p.sf = sf;
	p.src = lv->src;
	p.off = at->off;
	p.len = at->len;
	p.line = at->line;
	p.col = 1;
	p.key = NULL;
	if (sf == NULL) {
		p.scope = "main";
		p.file = lv->src->path;
	}
	bl_check_emit(e, r, &p,
		      bl_check_message(r->message, b->data ? b->data : "",
				       sf ? sf->value : "",
				       sf ? sf->hostname : ""),
		      level);
	bl_buf_reset(b);
}

/* reached - did the probe get past phase ph (a name of live.h): the
 * reply of that phase can be judged */
static bool
reached(const struct bl_live *lv, const char *ph)
{
	return lv->failure == NULL || lv->failure_phase == NULL ||
	       strcmp(lv->failure_phase, ph) != 0;
}

/* bl_check_live_malformed - BL502: the greeting's reply code and form */
enum bl_outcome
bl_check_live_malformed(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	const struct bl_live_reply *g;
	struct bl_buf b;
	enum bl_level level = r->severity;
	const char *sep = "";
	unsigned f;

	if (lv == NULL || !lv->greeting.seen)
		return BL_OUTCOME_NO;
	g = &lv->greeting;
	f = g->flaws;
	bl_buf_init(&b);
	if (g->code >= 0 && g->code != 220) {
		bl_buf_printf(&b, "reply code %d, not 220%s", g->code,
			      g->code == 554 ? " (the server refuses this "
					       "client)"
			      : g->code / 100 == 4 ? " (the server is busy or "
						     "defers this client)"
						   : "");
		sep = "; ";
	}
	if (f & BL_SMTP_FLAW_NO_CODE) {
		bl_buf_printf(&b, "%sa line without a reply code", sep);
		sep = "; ";
	}
	if (f & BL_SMTP_FLAW_BAD_SEP) {
		bl_buf_printf(&b, "%sa reply code not followed by a space or "
				  "'-'", sep);
		sep = "; ";
	}
	if (f & BL_SMTP_FLAW_CODE_CHANGED) {
		bl_buf_printf(&b, "%sits lines carry different reply codes, "
				  "or a second reply follows it", sep);
		sep = "; ";
	}
	if (f & BL_SMTP_FLAW_TOO_BIG) {
		bl_buf_printf(&b, "%scut at %u bytes, %u lines or a %u-byte "
				  "line (the probe stopped reading)", sep,
			      BL_SMTP_REPLY_MAX, BL_SMTP_REPLY_LINES,
			      BL_SMTP_LINE_MAX);
		sep = "; ";
	}
	if (!g->complete && reached(lv, "greeting") &&
	    !(f & BL_SMTP_FLAW_TOO_BIG)) {
		bl_buf_printf(&b, "%sthe multi-line greeting never ends (its "
				  "last line is a \"220-\" line)", sep);
		sep = "; ";
	}
	if (f & BL_SMTP_FLAW_CONTROL) {
		bl_buf_printf(&b, "%scontrol bytes in the text", sep);
		sep = "; ";
	}
	if (*sep == '\0' && (f & BL_SMTP_FLAW_8BIT)) {
		/* RFC 5321 replies are ASCII; a UTF-8 greeting is odd, not
		 * broken */
		bl_buf_printf(&b, "bytes outside ASCII in the text");
		sep = "; ";
		level = BL_LEVEL_WARNING;
	}
	if (*sep == '\0') {
		bl_buf_finish(&b);
		return BL_OUTCOME_NO;
	}
	emit(e, r, lv, &g->at, &b, level);
	bl_buf_finish(&b);
	return BL_OUTCOME_YES;
}

/* bl_check_live_starttls_missing - BL503: not offered where the probe
 * looked for it (not with --plain or implicit TLS) */
enum bl_outcome
bl_check_live_starttls_missing(const struct bl_check_env *e,
			       const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	const struct bl_live_reply *h;
	struct bl_buf b;

	if (lv == NULL || strcmp(lv->mode, "starttls") != 0)
		return BL_OUTCOME_NO;
	h = &lv->ehlo_reply;
	if (!h->seen || !reached(lv, "ehlo") || lv->starttls_offered)
		return BL_OUTCOME_NO;
	bl_buf_init(&b);
	if (h->code != 250)
		bl_buf_printf(&b, "the server answers EHLO with %d on port "
				  "%u, so it offers no extensions",
			      h->code, lv->port);
	else
		bl_buf_printf(&b, "the EHLO reply on port %u does not list it",
			      lv->port);
	emit(e, r, lv, &h->at, &b, r->severity);
	bl_buf_finish(&b);
	return BL_OUTCOME_YES;
}

/* expiry_code - an X509 verify result about dates (BL505 says those) */
static bool
expiry_code(long c)
{
	return c == 9 || c == 10; /* X509_V_ERR_CERT_NOT_YET_VALID,
				   * X509_V_ERR_CERT_HAS_EXPIRED */
}

/* bl_check_live_starttls_broken - BL504: STARTTLS refused, a handshake
 * that fails, an EHLO after it that fails; a chain that does not verify
 * is a warning (opportunistic TLS between MTAs rarely verifies) */
enum bl_outcome
bl_check_live_starttls_broken(const struct bl_check_env *e,
			      const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	enum bl_outcome out = BL_OUTCOME_NO;
	struct bl_buf b;

	if (lv == NULL)
		return BL_OUTCOME_NO;
	bl_buf_init(&b);
	if (lv->starttls.seen && lv->starttls.code != 220 &&
	    reached(lv, "starttls")) {
		bl_buf_printf(&b, "STARTTLS answered %d, not 220",
			      lv->starttls.code);
		emit(e, r, lv, &lv->starttls.at, &b, r->severity);
		out = BL_OUTCOME_YES;
	}
	if (lv->tls.tried && !lv->tls.ok) {
		bl_buf_printf(&b, "the TLS handshake failed: %s",
			      lv->tls.error && *lv->tls.error ? lv->tls.error
							      : "no reason given");
		emit(e, r, lv, &lv->tls.at, &b, r->severity);
		out = BL_OUTCOME_YES;
	}
	if (lv->tls.ok && !lv->tls.verified &&
	    !expiry_code(lv->tls.verify_code)) {
		bl_buf_printf(&b, "the certificate chain does not verify: %s "
				  "(X509 error %ld)",
			      lv->tls.verify_text && *lv->tls.verify_text
				      ? lv->tls.verify_text
				      : "no reason given",
			      lv->tls.verify_code);
		emit(e, r, lv, &lv->tls.at, &b, BL_LEVEL_WARNING);
		out = BL_OUTCOME_YES;
	}
	if (lv->tls.ok && lv->ehlo_tls.seen && lv->ehlo_tls.code != 250 &&
	    reached(lv, "ehlo-tls")) {
		bl_buf_printf(&b, "EHLO after the handshake answered %d, not "
				  "250", lv->ehlo_tls.code);
		emit(e, r, lv, &lv->ehlo_tls.at, &b, r->severity);
		out = BL_OUTCOME_YES;
	}
	bl_buf_finish(&b);
	return out;
}

/* day - a Unix time as YYYY-MM-DD (UTC) */
static void
day(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, n, "%lld", t);
}

/* bl_check_live_expiry - BL505: expired or not yet valid (error), expiring
 * within 14 days of the probe (warning) */
enum bl_outcome
bl_check_live_expiry(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	const struct bl_live_tls *t;
	long long now, left;
	char d[32];
	struct bl_buf b;

	if (lv == NULL || !lv->tls.ok || !lv->tls.has_dates)
		return BL_OUTCOME_NO;
	t = &lv->tls;
	now = lv->started > 0 ? lv->started : (long long)time(NULL);
	bl_buf_init(&b);
	if (t->not_after < now) {
		day(d, sizeof(d), t->not_after);
		bl_buf_printf(&b, "expired on %s", d);
	} else if (t->not_before > now) {
		day(d, sizeof(d), t->not_before);
		bl_buf_printf(&b, "is not valid before %s", d);
	} else if ((left = t->not_after - now) < EXPIRY_WARN_DAYS * 86400LL) {
		day(d, sizeof(d), t->not_after);
		bl_buf_printf(&b, "expires on %s, in %lld day%s", d,
			      left / 86400, left / 86400 == 1 ? "" : "s");
		if (t->subject)
			bl_buf_printf(&b, " (%s)", t->subject);
		emit(e, r, lv, &t->at, &b, BL_LEVEL_WARNING);
		bl_buf_finish(&b);
		return BL_OUTCOME_YES;
	} else {
		bl_buf_finish(&b);
		return BL_OUTCOME_NO;
	}
	if (t->subject)
		bl_buf_printf(&b, " (%s)", t->subject);
	emit(e, r, lv, &t->at, &b, r->severity);
	bl_buf_finish(&b);
	return BL_OUTCOME_YES;
}

/* bl_check_live_cert_name - BL506: a name the probe asked the certificate
 * about (the banner's host name, the probed name) that it does not cover */
enum bl_outcome
bl_check_live_cert_name(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	enum bl_outcome out = BL_OUTCOME_NO;
	struct bl_buf b;
	size_t i, k;

	if (lv == NULL || !lv->tls.ok)
		return BL_OUTCOME_NO;
	bl_buf_init(&b);
	for (i = 0; i < lv->tls.ncovers; i++) {
		if (lv->tls.covers[i])
			continue;
		bl_buf_printf(&b, "'%s' (it names ", lv->tls.covers_name[i]);
		for (k = 0; k < lv->tls.nnames; k++)
			bl_buf_printf(&b, "%s%s", k ? ", " : "",
				      lv->tls.names[k]);
		if (lv->tls.nnames == 0)
			bl_buf_adds(&b, "no host name");
		bl_buf_addc(&b, ')');
		emit(e, r, lv, &lv->tls.at, &b, r->severity);
		out = BL_OUTCOME_YES;
	}
	bl_buf_finish(&b);
	return out;
}

/* bl_check_live_old_protocol - BL507: TLS 1.0, 1.1 or SSL negotiated */
enum bl_outcome
bl_check_live_old_protocol(const struct bl_check_env *e,
			   const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	const char *p;
	struct bl_buf b;

	if (lv == NULL || !lv->tls.ok || (p = lv->tls.protocol) == NULL)
		return BL_OUTCOME_NO;
	if (strcmp(p, "TLSv1") != 0 && strcmp(p, "TLSv1.1") != 0 &&
	    strncmp(p, "SSL", 3) != 0)
		return BL_OUTCOME_NO;
	bl_buf_init(&b);
	bl_buf_printf(&b, "%s with %s", p,
		      lv->tls.cipher ? lv->tls.cipher : "an unknown cipher");
	emit(e, r, lv, &lv->tls.at, &b, r->severity);
	bl_buf_finish(&b);
	return BL_OUTCOME_YES;
}

/* first_word - the host name a 250 reply's first line gives, into buf */
static bool
first_word(const struct bl_live *lv, const struct bl_live_reply *h,
	   char *buf, size_t n)
{
	const char *t = lv->src->data + h->at.off + 3; /* past "S: " */
	size_t len = h->at.len > 3 ? h->at.len - 3 : 0, w;

	if (h->code != 250 || len <= 4)
		return false;
	t += 4;
	len -= 4;
	w = 0;
	while (w < len && t[w] != ' ')
		w++;
	if (w == 0 || w >= n)
		return false;
	memcpy(buf, t, w);
	buf[w] = '\0';
	if (w > 1 && buf[w - 1] == '.')
		buf[w - 1] = '\0';
	return true;
}

/* bl_check_live_ehlo_name - BL508: the EHLO reply (before and after TLS)
 * names another host than the banner */
enum bl_outcome
bl_check_live_ehlo_name(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	const struct bl_surface *sf = banner(e);
	const struct bl_live_reply *hs[2];
	enum bl_outcome out = BL_OUTCOME_NO;
	char name[256], host[256];
	struct bl_buf b;
	size_t i, n;

	if (lv == NULL || sf == NULL || sf->hostname[0] == '\0')
		return BL_OUTCOME_NO;
	n = strlen(sf->hostname);
	if (n >= sizeof(host))
		return BL_OUTCOME_NO;
	memcpy(host, sf->hostname, n + 1);
	if (n > 1 && host[n - 1] == '.')
		host[n - 1] = '\0';
	hs[0] = &lv->ehlo_reply;
	hs[1] = &lv->ehlo_tls;
	bl_buf_init(&b);
	for (i = 0; i < 2; i++) {
		if (!hs[i]->seen || !first_word(lv, hs[i], name, sizeof(name)))
			continue;
		if (strcasecmp(name, host) == 0)
			continue;
		bl_buf_adds(&b, name);
		emit(e, r, lv, &hs[i]->at, &b, r->severity);
		out = BL_OUTCOME_YES;
	}
	bl_buf_finish(&b);
	return out;
}

/* match - does the live text t match the configured text c, where a
 * placeholder "<...>" in c stands for any run of text (the running
 * server's version, the date, its host name)? The classic two-pointer
 * wildcard match: no recursion, at most |c| * |t| steps. */
static bool
match(const char *c, const char *t)
{
	const char *star = NULL, *resume = NULL;

	while (*t != '\0') {
		if (*c == '<' && strchr(c, '>') != NULL) {
			star = strchr(c, '>') + 1;
			c = star;
			resume = t;
		} else if (*c == *t) {
			c++;
			t++;
		} else if (star != NULL) {
			c = star;
			t = ++resume;
		} else {
			return false;
		}
	}
	while (*c == '<' && strchr(c, '>') != NULL)
		c = strchr(c, '>') + 1;
	return *c == '\0';
}

/* lines - text into b, its line breaks written \n (one line a message) */
static void
lines(struct bl_buf *b, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		bl_buf_add(b, text, (size_t)(nl - text));
		bl_buf_adds(b, "\\n");
		text = nl + 1;
	}
	bl_buf_adds(b, text);
}

/* bl_check_live_drift - BL501: with --compare, the live greeting against
 * what the configuration's listener on the probed port says */
enum bl_outcome
bl_check_live_drift(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_live *lv = live(e);
	const char *want = NULL, *where = NULL;
	enum bl_outcome found;
	struct bl_buf b;

	if (lv == NULL || e->facts->listener == NULL ||
	    lv->greeting_text == NULL || !reached(lv, "greeting"))
		return BL_OUTCOME_NO;
	found = e->facts->listener(e->facts->ctx, lv->port, &want, &where);
	bl_buf_init(&b);
	if (found == BL_OUTCOME_NO) {
		bl_buf_printf(&b, "the configuration has no listener on port "
				  "%u (%s)", lv->port, where ? where : "");
	} else if (found == BL_OUTCOME_YES && !match(want, lv->greeting_text)) {
		bl_buf_adds(&b, "the server says \"");
		lines(&b, lv->greeting_text);
		bl_buf_adds(&b, "\", the configuration \"");
		lines(&b, want);
		bl_buf_printf(&b, "\" (%s)", where ? where : "");
	} else {
		bl_buf_finish(&b);
		return BL_OUTCOME_NO;
	}
	emit(e, r, lv, &lv->greeting.at, &b, r->severity);
	bl_buf_finish(&b);
	return BL_OUTCOME_YES;
}

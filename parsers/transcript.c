/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * transcript.c - the "live" dialect: a probe's transcript (src/live.h) read
 * back into the model. The greeting becomes a banner surface like any
 * configured one, its setting "greeting" spanning the server's lines in
 * the transcript, so findings point at the line the server sent; what
 * the probe learnt beyond the greeting (EHLO, STARTTLS, the handshake, the
 * certificate, timeouts) becomes a struct bl_live the checks read as facts.
 *
 * A live probe writes its transcript and this reader reads it, and
 * `check FILE.transcript` reads a recorded one the same way: one reader,
 * so a replay says what the live run said. Everything the struct bl_live
 * points at is in the instance's arena. A line this reader does not know
 * is an error at its line: a transcript is a machine's output, and a
 * newer format is not guessed at.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "parser.h"
#include "smtp_reply.h"
#include "transcript.h"

/* The reply the S: lines being read belong to. */
enum phase {
	PH_GREETING,
	PH_EHLO,
	PH_STARTTLS,
	PH_EHLO_TLS,
	PH_QUIT,
};

struct reader {
	struct bl_config *cfg;
	struct bl_source *src;
	struct bl_diags *diags;
	struct bl_live *lv;
	enum phase ph;
	bool in_tls;   /* a handshake completed: EHLO now is the second */
	bool ehlo_starttls;
	/* the greeting's lines, for its setting */
	size_t *goff, *glen; /* text (after the code) of each line */
	unsigned *gline;
	size_t ng, gcap;
	struct bl_buf gtext; /* the greeting's lines as sent, joined */
	struct bl_buf names; /* certificate names, NUL-separated */
	size_t nnames;
	int status;
};

/* err - an error at line l of the transcript */
static void
err(struct reader *rd, unsigned l, const char *what)
{
	bl_diags_add(rd->diags, BL_LEVEL_ERROR, rd->src->path, l, 1,
		     "%s; this is not a transcript bannerlint %s wrote", what,
		     "probe --record");
	rd->status = -1;
}

static const char *
dup(struct reader *rd, const char *s, size_t n)
{
	return bl_arena_strndup(&rd->cfg->arena, s, n);
}

/* word - the next blank-separated word of [*p, e), *p moved past it and
 * its blanks; its length in *n (0: none) */
static const char *
word(const char **p, const char *e, size_t *n)
{
	const char *s = *p, *w;

	while (s < e && *s == ' ')
		s++;
	w = s;
	while (s < e && *s != ' ')
		s++;
	*n = (size_t)(s - w);
	while (s < e && *s == ' ')
		s++;
	*p = s;
	return w;
}

static bool
is(const char *w, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(w, lit, n) == 0;
}

/* number - a decimal in [w, w+n) within [0, max] into *v */
static bool
number(const char *w, size_t n, long long max, long long *v)
{
	long long x = 0;
	size_t i;

	if (n == 0 || n > 19)
		return false;
	for (i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		x = x * 10 + (w[i] - '0');
		if (x > max)
			return false;
	}
	*v = x;
	return true;
}

/* seconds - "12.345" into *v */
static bool
seconds(const char *w, size_t n, double *v)
{
	char buf[32], *end;

	if (n == 0 || n >= sizeof(buf) || w[0] < '0' || w[0] > '9')
		return false;
	memcpy(buf, w, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	return errno == 0 && *end == '\0' && *v >= 0 && *v < 1e9;
}

/* escaped_flaws - what the escapes in an S: line say of the server's
 * bytes: control bytes, 8-bit bytes */
static unsigned
escaped_flaws(const char *s, size_t n)
{
	unsigned f = 0;
	size_t i;

	for (i = 0; i + 3 < n; i++) {
		unsigned v = 0, k;

		if (s[i] != '\\')
			continue;
		if (s[i + 1] == '\\') {
			i++;
			continue;
		}
		if (s[i + 1] != 'x')
			continue;
		for (k = 2; k < 4; k++) {
			char c = s[i + k];

			v = v * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10
					       : c >= 'A' ? c - 'A' + 10
							  : c - '0');
		}
		f |= v < 0x20 || v == 0x7f ? BL_SMTP_FLAW_CONTROL
					   : BL_SMTP_FLAW_8BIT;
		i += 3;
	}
	return f;
}

/* reply_of - the reply phase ph fills (NULL: QUIT's, not kept) */
static struct bl_live_reply *
reply_of(struct bl_live *lv, enum phase ph)
{
	switch (ph) {
	case PH_GREETING:
		return &lv->greeting;
	case PH_EHLO:
		return &lv->ehlo_reply;
	case PH_STARTTLS:
		return &lv->starttls;
	case PH_EHLO_TLS:
		return &lv->ehlo_tls;
	case PH_QUIT:
		break;
	}
	return NULL;
}

/* server_line - an S: line: text [t, t+n) at offset off of line l */
static void
server_line(struct reader *rd, unsigned l, size_t lo, size_t ll, size_t to,
	    size_t tn)
{
	struct bl_live_reply *r = reply_of(rd->lv, rd->ph);
	const char *t = rd->src->data + to;
	int code;
	char sep;

	if (r == NULL)
		return;
	bl_smtp_line_parse(t, tn, &code, &sep);
	if (r->nlines == 0) {
		r->seen = true;
		r->code = code;
		r->at.line = l;
		r->at.off = lo;
		r->at.len = ll;
	} else if (r->complete) {
		/* a line after the reply's last: another reply the server
		 * sent unasked, still this phase's */
		r->flaws |= BL_SMTP_FLAW_CODE_CHANGED;
	}
	if (code < 0)
		r->flaws |= BL_SMTP_FLAW_NO_CODE;
	else if (sep != ' ' && sep != '-' && sep != '\0')
		r->flaws |= BL_SMTP_FLAW_BAD_SEP;
	if (r->nlines > 0 && code != r->code)
		r->flaws |= BL_SMTP_FLAW_CODE_CHANGED;
	r->flaws |= escaped_flaws(t, tn);
	r->complete = sep != '-';
	r->nlines++;
	if (rd->ph == PH_EHLO && code == 250 && tn >= 12 &&
	    strncasecmp(t + 4, "STARTTLS", 8) == 0 &&
	    (tn == 12 || t[12] == ' '))
		rd->ehlo_starttls = true;
	if (rd->ph == PH_GREETING) {
		size_t skip = code >= 0 ? (tn >= 4 ? 4 : tn) : 0;

		if (rd->ng == rd->gcap) {
			rd->gcap = rd->gcap ? 2 * rd->gcap : 8;
			rd->goff = bl_xreallocarray(rd->goff, rd->gcap,
						    sizeof(*rd->goff));
			rd->glen = bl_xreallocarray(rd->glen, rd->gcap,
						    sizeof(*rd->glen));
			rd->gline = bl_xreallocarray(rd->gline, rd->gcap,
						     sizeof(*rd->gline));
		}
		rd->goff[rd->ng] = to + skip;
		rd->glen[rd->ng] = tn - skip;
		rd->gline[rd->ng] = l;
		if (rd->ng > 0)
			bl_buf_addc(&rd->gtext, '\n');
		bl_buf_add(&rd->gtext, t, tn);
		rd->ng++;
	}
}

/* client_line - a C: line: which reply the next S: lines are */
static void
client_line(struct reader *rd, unsigned l, const char *t, size_t n)
{
	const char *p = t, *e = t + n, *w;
	size_t wn;

	w = word(&p, e, &wn);
	if (is(w, wn, "EHLO") || is(w, wn, "HELO"))
		rd->ph = rd->in_tls ? PH_EHLO_TLS : PH_EHLO;
	else if (is(w, wn, "STARTTLS"))
		rd->ph = PH_STARTTLS;
	else if (is(w, wn, "QUIT"))
		rd->ph = PH_QUIT;
	else
		err(rd, l, "a command the probe never sends (it sends EHLO, "
			   "STARTTLS and QUIT only)");
}

/* probe_line - a P: line */
static void
probe_line(struct reader *rd, unsigned l, const char *t, size_t n)
{
	struct bl_live *lv = rd->lv;
	const char *p = t, *e = t + n, *k, *v;
	size_t kn, vn;
	long long x;

	k = word(&p, e, &kn);
	v = p;
	vn = (size_t)(e - p);
	if (is(k, kn, "target"))
		lv->target = dup(rd, v, vn);
	else if (is(k, kn, "host"))
		lv->host = dup(rd, v, vn);
	else if (is(k, kn, "address"))
		lv->address = dup(rd, v, vn);
	else if (is(k, kn, "ehlo"))
		lv->ehlo = dup(rd, v, vn);
	else if (is(k, kn, "sni"))
		lv->sni = dup(rd, v, vn);
	else if (is(k, kn, "port") && number(v, vn, 65535, &x) && x > 0)
		lv->port = (unsigned)x;
	else if (is(k, kn, "started") && number(v, vn, 1LL << 40, &x))
		lv->started = x;
	else if (is(k, kn, "mode") && (is(v, vn, "plain") ||
				       is(v, vn, "starttls") ||
				       is(v, vn, "tls")))
		lv->mode = dup(rd, v, vn);
	else
		err(rd, l, "an unknown or malformed probe line (P: target, "
			   "host, address, port, mode, ehlo, sni, started)");
}

/* phase_ok - is [w, w+n) a phase name */
static bool
phase_ok(const char *w, size_t n)
{
	static const char *const phases[] = {
	    "connect", "greeting", "ehlo", "starttls",
	    "tls",     "ehlo-tls", "quit", NULL};
	size_t i;

	for (i = 0; phases[i] != NULL; i++)
		if (is(w, n, phases[i]))
			return true;
	return false;
}

/* event_line - an E: line */
static void
event_line(struct reader *rd, unsigned l, size_t lo, size_t ll,
	   const char *t, size_t n)
{
	static const char *const failures[] = {
	    "timeout", "closed", "reset", "capped", "refused", "error", NULL};
	struct bl_live *lv = rd->lv;
	const char *p = t, *e = t + n, *k, *s, *ph = NULL;
	size_t kn, sn, phn = 0, i;
	double secs;

	k = word(&p, e, &kn);
	{
		/* a phase, where the event has one */
		const char *q = p;
		const char *w = word(&q, e, &phn);

		if (phase_ok(w, phn)) {
			ph = w;
			p = q;
		} else if (is(k, kn, "timeout") || is(k, kn, "closed") ||
			   is(k, kn, "reset") || is(k, kn, "capped") ||
			   is(k, kn, "partial")) {
			err(rd, l, "an event without its phase (connect, "
				   "greeting, ehlo, starttls, tls, ehlo-tls, "
				   "quit)");
			return;
		}
	}
	s = word(&p, e, &sn);
	if (!seconds(s, sn, &secs)) {
		err(rd, l, "an event without its time in seconds");
		return;
	}
	if (is(k, kn, "connected"))
		return;
	if (is(k, kn, "greeting")) {
		lv->greeting_secs = secs;
		return;
	}
	if (is(k, kn, "tarpit")) {
		lv->tarpit = true;
		return;
	}
	if (is(k, kn, "partial")) {
		struct bl_live_reply *r = reply_of(lv, rd->ph);

		/* the last S: line did not end: the reply is not whole */
		if (r != NULL)
			r->complete = false;
		return;
	}
	for (i = 0; failures[i] != NULL; i++)
		if (is(k, kn, failures[i]))
			break;
	if (failures[i] == NULL) {
		err(rd, l, "an unknown event (connected, greeting, tarpit, "
			   "partial, timeout, closed, reset, capped, refused, "
			   "error)");
		return;
	}
	if (is(k, kn, "capped") && ph != NULL) {
		struct bl_live_reply *r = NULL;
		enum phase q;

		for (q = PH_GREETING; q <= PH_QUIT; q++)
			if (reply_of(lv, q) != NULL &&
			    is(ph, phn, q == PH_GREETING   ? "greeting"
					: q == PH_EHLO     ? "ehlo"
					: q == PH_STARTTLS ? "starttls"
							   : "ehlo-tls"))
				r = reply_of(lv, q);
		if (r != NULL)
			r->flaws |= BL_SMTP_FLAW_TOO_BIG;
	}
	if (lv->failure != NULL)
		return; /* the first problem is what ended the probe */
	if (ph != NULL && is(ph, phn, "quit"))
		return; /* QUIT's reply is a courtesy: nothing was missed */
	lv->failure = failures[i];
	lv->failure_phase = ph != NULL ? dup(rd, ph, phn) : NULL;
	lv->failure_text = dup(rd, p, (size_t)(e - p));
	lv->failure_secs = secs;
	lv->failure_at.line = l;
	lv->failure_at.off = lo;
	lv->failure_at.len = ll;
	if (is(k, kn, "timeout") && ph != NULL && is(ph, phn, "greeting"))
		lv->tarpit = true;
}

/* date - Unix seconds in [w, w+n) */
static bool
date(const char *w, size_t n, long long *v)
{
	return number(w, n, 1LL << 40, v);
}

/* tls_line - a T: line */
static void
tls_line(struct reader *rd, unsigned l, size_t lo, size_t ll, const char *t,
	 size_t n)
{
	struct bl_live_tls *x = &rd->lv->tls;
	const char *p = t, *e = t + n, *k, *v, *w;
	size_t kn, vn, wn;
	long long d;

	k = word(&p, e, &kn);
	v = p;
	vn = (size_t)(e - p);
	if (is(k, kn, "handshake")) {
		w = word(&p, e, &wn);
		x->tried = true;
		x->at.line = l;
		x->at.off = lo;
		x->at.len = ll;
		if (is(w, wn, "ok")) {
			x->ok = true;
			rd->in_tls = true;
		} else if (is(w, wn, "failed")) {
			x->error = dup(rd, p, (size_t)(e - p));
		} else {
			goto bad;
		}
	} else if (is(k, kn, "protocol")) {
		x->protocol = dup(rd, v, vn);
	} else if (is(k, kn, "cipher")) {
		x->cipher = dup(rd, v, vn);
	} else if (is(k, kn, "verify")) {
		w = word(&p, e, &wn);
		if (is(w, wn, "ok")) {
			x->verified = true;
		} else if (number(w, wn, 1L << 30, &d)) {
			x->verified = false;
			x->verify_code = (long)d;
			x->verify_text = dup(rd, p, (size_t)(e - p));
		} else {
			goto bad;
		}
	} else if (is(k, kn, "subject")) {
		x->subject = dup(rd, v, vn);
	} else if (is(k, kn, "issuer")) {
		x->issuer = dup(rd, v, vn);
	} else if (is(k, kn, "name")) {
		if (rd->nnames < BL_LIVE_NAMES_MAX && vn > 0) {
			bl_buf_add(&rd->names, v, vn);
			bl_buf_addc(&rd->names, '\0');
			rd->nnames++;
		}
	} else if (is(k, kn, "not-before") && date(v, vn, &d)) {
		x->not_before = d;
		x->has_dates = true;
	} else if (is(k, kn, "not-after") && date(v, vn, &d)) {
		x->not_after = d;
		x->has_dates = true;
	} else if (is(k, kn, "covers")) {
		w = word(&p, e, &wn);
		if (wn == 0 || x->ncovers == 2 ||
		    !(is(p, (size_t)(e - p), "yes") ||
		      is(p, (size_t)(e - p), "no")))
			goto bad;
		x->covers_name[x->ncovers] = dup(rd, w, wn);
		x->covers[x->ncovers] = *p == 'y';
		x->ncovers++;
	} else {
		goto bad;
	}
	return;
bad:
	err(rd, l, "an unknown or malformed TLS line (T: handshake, "
		   "protocol, cipher, verify, subject, issuer, name, "
		   "not-before, not-after, covers)");
}

/* greeting_setting - the setting "greeting": the text of the greeting's
 * lines after their codes, joined with newlines, each mapped to its bytes
 * in the transcript */
static struct bl_setting *
greeting_setting(struct reader *rd)
{
	struct bl_config *cfg = rd->cfg;
	struct bl_setting *s = bl_config_add_setting(cfg);
	struct bl_buf v;
	size_t i;

	bl_buf_init(&v);
	s->map = bl_arena_alloc(&cfg->arena, rd->ng * sizeof(*s->map));
	for (i = 0; i < rd->ng; i++) {
		if (i > 0)
			bl_buf_addc(&v, '\n');
		s->map[i].raw_off = v.len;
		s->map[i].src_off = rd->goff[i];
		s->map[i].len = rd->glen[i];
		bl_buf_add(&v, rd->src->data + rd->goff[i], rd->glen[i]);
	}
	s->nmap = rd->ng;
	s->key = "greeting";
	s->raw = bl_arena_strndup(&cfg->arena, v.data ? v.data : "", v.len);
	s->raw_len = v.len;
	s->src = rd->src;
	s->key_off = rd->lv->greeting.at.off;
	s->key_len = 1;
	s->val_off = rd->goff[0];
	s->val_len = rd->glen[0];
	s->stmt_off = rd->lv->greeting.at.off;
	s->stmt_len = rd->lv->greeting.at.len;
	s->line = rd->gline[0];
	s->col = 1;
	s->scope = "main";
	bl_buf_finish(&v);
	return s;
}

/* parse - read a transcript (the config takes src) */
static int
parse(struct bl_config *cfg, struct bl_source *src, enum bl_file_role role,
      struct bl_diags *diags)
{
	struct reader rd;
	struct bl_live *lv;
	size_t l, ml = strlen(BL_LIVE_MAGIC);

	(void)role;
	bl_config_add_source(cfg, src);
	lv = bl_arena_alloc(&cfg->arena, sizeof(*lv));
	memset(lv, 0, sizeof(*lv));
	lv->greeting_secs = -1;
	lv->greeting.code = lv->ehlo_reply.code = -1;
	lv->starttls.code = lv->ehlo_tls.code = -1;
	lv->src = src;
	lv->mode = "starttls";
	cfg->dialect = lv;
	cfg->main_src = src;
	memset(&rd, 0, sizeof(rd));
	rd.cfg = cfg;
	rd.src = src;
	rd.diags = diags;
	rd.lv = lv;
	bl_buf_init(&rd.names);
	bl_buf_init(&rd.gtext);
	for (l = 0; l < src->nlines; l++) {
		size_t lo = src->line_start[l];
		size_t le = l + 1 < src->nlines ? src->line_start[l + 1]
						: src->len;
		const char *t = src->data + lo;
		size_t n = le - lo;
		unsigned ln = (unsigned)l + 1;

		if (n > 0 && t[n - 1] == '\n')
			n--;
		if (n > 0 && t[n - 1] == '\r')
			n--;
		if (l == 0) {
			if (n != ml || memcmp(t, BL_LIVE_MAGIC, ml) != 0) {
				err(&rd, 1, "the first line is not \""
					    BL_LIVE_MAGIC "\"");
				break;
			}
			continue;
		}
		if (n == 0)
			continue;
		if (n < 2 || t[1] != ':' || (n > 2 && t[2] != ' ')) {
			err(&rd, ln, "a line that is not \"TAG: text\" (tags "
				     "P, S, C, E, T)");
			continue;
		}
		switch (t[0]) {
		case 'P':
			probe_line(&rd, ln, t + 3, n > 3 ? n - 3 : 0);
			break;
		case 'S':
			server_line(&rd, ln, lo, n, lo + (n > 3 ? 3 : n),
				    n > 3 ? n - 3 : 0);
			break;
		case 'C':
			client_line(&rd, ln, t + 3, n > 3 ? n - 3 : 0);
			break;
		case 'E':
			event_line(&rd, ln, lo, n, t + 3, n > 3 ? n - 3 : 0);
			break;
		case 'T':
			tls_line(&rd, ln, lo, n, t + 3, n > 3 ? n - 3 : 0);
			break;
		default:
			err(&rd, ln, "an unknown tag (P, S, C, E, T)");
			break;
		}
	}
	if (src->nlines == 0)
		err(&rd, 1, "an empty file");
	if (rd.status == 0 && lv->port == 0)
		err(&rd, 1, "no \"P: port\" line");
	if (rd.nnames > 0) {
		const char *p = rd.names.data;
		size_t i;

		const char **v = bl_arena_alloc(&cfg->arena,
						rd.nnames * sizeof(*v));

		for (i = 0; i < rd.nnames; i++) {
			v[i] = bl_arena_strdup(&cfg->arena, p);
			p += strlen(p) + 1;
		}
		lv->tls.names = v;
		lv->tls.nnames = rd.nnames;
	}
	lv->starttls_offered = rd.ehlo_starttls;
	if (lv->host == NULL)
		lv->host = lv->address != NULL ? lv->address : "";
	if (lv->target == NULL)
		lv->target = src->path;
	if (rd.status == 0 && rd.ng > 0)
		lv->greeting_text = bl_arena_strndup(
		    &cfg->arena, rd.gtext.data ? rd.gtext.data : "",
		    rd.gtext.len);
	/* the banner the rules judge: a 220 greeting seen to its end. One
	 * the probe did not see whole (a timeout, a cap, a reset) is no
	 * greeting a client acts on, and a refusal (554, 421) or garbage
	 * is no banner: BL502 and the note say what it was */
	if (rd.status == 0 && rd.ng > 0 && lv->greeting.code == 220 &&
	    (lv->failure_phase == NULL ||
	     strcmp(lv->failure_phase, "greeting") != 0))
		lv->greeting_setting = greeting_setting(&rd);
	bl_buf_finish(&rd.gtext);
	free(rd.goff);
	free(rd.glen);
	free(rd.gline);
	bl_buf_finish(&rd.names);
	return rd.status;
}

/* resolve - the greeting as a banner surface, scope "port/N" */
static int
resolve(struct bl_config *cfg, struct bl_diags *diags)
{
	struct bl_live *lv = cfg->dialect;
	struct bl_surface *sf;
	const struct bl_setting *s;
	const char *v;
	char scope[32];

	if (lv == NULL)
		return 0;
	if (lv->failure != NULL) {
		bl_diags_add(diags, BL_LEVEL_NOTE, lv->src->path,
			     lv->failure_at.line, 1,
			     "the probe did not complete: %s%s%s%s%s%s%s; "
			     "what it did not see is not checked",
			     lv->failure,
			     lv->failure_phase ? " (" : "",
			     lv->failure_phase ? lv->failure_phase : "",
			     lv->failure_phase ? ")" : "",
			     lv->failure_text && *lv->failure_text ? ": " : "",
			     lv->failure_text ? lv->failure_text : "",
			     lv->tarpit ? " (tarpit suspected: the server "
					  "may delay its greeting on purpose)"
					: "");
		cfg->unverified = "the probe did not complete";
	} else if (lv->tarpit && lv->greeting.seen) {
		bl_diags_add(diags, BL_LEVEL_NOTE, lv->src->path,
			     lv->greeting.at.line, 1,
			     "the greeting took %.1f s: tarpit suspected (a "
			     "server that delays its greeting on purpose); "
			     "not a failure",
			     lv->greeting_secs);
	}
	s = lv->greeting_setting;
	if (s == NULL)
		return 0;
	if (!bl_config_surface_room(cfg, diags, NULL))
		return 0;
	snprintf(scope, sizeof(scope), "port/%u", lv->port);
	sf = bl_config_add_surface(cfg);
	sf->kind = BL_SURFACE_BANNER;
	sf->mta = cfg->mta;
	sf->scope = bl_arena_strdup(&cfg->arena, scope);
	sf->file = lv->src->path;
	sf->key = s->key;
	sf->configured = s->raw;
	sf->value = s->raw;
	bl_surface_add_origin(sf, s, BL_NO_ORIGIN, 0, 0);
	if (s->raw_len > 0)
		bl_surface_add_piece(sf, 0, 0, s->raw, s->raw_len, 0, 0);
	v = s->raw;
	sf->hostname = bl_arena_strndup(&cfg->arena, v, strcspn(v, " \n"));
	sf->greeting = lv->greeting_text;
	sf->lines[0] = sf->value;
	sf->nlines = 1;
	sf->public = true;
	sf->valid = true;
	return 0;
}

/* bl_live_facts - what the probe of a live instance learnt, or NULL
 * (transcript.h) */
const struct bl_live *
bl_live_facts(const struct bl_config *cfg)
{
	if (cfg == NULL || cfg->mta == NULL || strcmp(cfg->mta, "live") != 0)
		return NULL;
	return cfg->dialect;
}

static enum bl_file_role
classify(const char *base)
{
	size_t n = strlen(base), e = strlen(".transcript");

	return n > e && strcmp(base + n - e, ".transcript") == 0
		       ? BL_ROLE_TRANSCRIPT
		       : BL_ROLE_NONE;
}

static enum bl_file_role
detect(const struct bl_source *src)
{
	size_t ml = strlen(BL_LIVE_MAGIC);

	return src->len >= ml && memcmp(src->data, BL_LIVE_MAGIC, ml) == 0
		       ? BL_ROLE_TRANSCRIPT
		       : BL_ROLE_NONE;
}

/* editable - never: a transcript is what a server said, and the fix is
 * on the server (the rule's explain text says where) */
static bool
editable(const struct bl_config *cfg, const struct bl_source *src)
{
	(void)cfg;
	(void)src;
	return false;
}

/* nothing in a transcript is an inline suppression */
static const char *const no_comments[] = {NULL};

const struct bl_parser bl_parser_live = {
    .name = "live",
    .classify = classify,
    .detect = detect,
    .default_role = BL_ROLE_TRANSCRIPT,
    .parse = parse,
    .resolve = resolve,
    .editable = editable,
    .comments = no_comments,
};


/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe.c - the live probe (probe.h): one non-blocking socket per probe,
 * poll() against a per-phase deadline, OpenSSL on the same socket for
 * STARTTLS or implicit TLS, the SMTP reply reader for every reply, and a
 * transcript (live.h) as the only result. It never speaks before a reply
 * is complete and never sends anything but EHLO, STARTTLS and QUIT.
 *
 * Verification is measured, not enforced: the handshake runs with the
 * trust store loaded and SSL_VERIFY_NONE, and the transcript records the
 * verify result, so a self-signed certificate is a fact to judge (BL504
 * warns) and not a reason to see nothing. For the same reason the client
 * allows TLS 1.0 and security level 0: an old protocol must be negotiated
 * to be reported (BL507). No mail is sent over it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "probe.h"
#include "live.h"
#include "smtp_reply.h"
#include "util.h"

#define TARPIT_SECS 5.0    /* a greeting slower than this: tarpit? */
#define QUIT_SECS 2.0      /* QUIT's reply is a courtesy: wait less */
#define MAX_ADDRS 16       /* addresses of one name probed */
#define MAX_JOBS 256u

/* One probe on its way. */
struct sess {
	const struct bl_probe_opts *o;
	SSL_CTX *ctx;
	const char *host;  /* the probed name or address */
	bool host_is_name;
	unsigned port;
	int fd;
	SSL *ssl;
	X509 *ctx_cert;    /* the server's certificate, or NULL */
	double t0;         /* when the connect began */
	struct bl_buf *t;  /* the transcript */
	struct bl_smtp_reader rd;
	char in[4096];     /* bytes read but not yet given to the reader */
	size_t in_off, in_len;
	size_t bytes;
	const char *banner_host; /* the greeting's first word (in hostbuf) */
	char hostbuf[256];
};

/* now - a monotonic clock in seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bl_probe_escape - the server's bytes as the transcript writes them */
void
bl_probe_escape(struct bl_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			bl_buf_add(b, "\\\\", 2);
		} else if (c >= 0x20 && c < 0x7f) {
			bl_buf_addc(b, (char)c);
		} else {
			bl_buf_add(b, "\\x", 2);
			bl_buf_addc(b, hex[c >> 4]);
			bl_buf_addc(b, hex[c & 15]);
		}
	}
}

/* line - one transcript line "TAG: text" (text escaped) */
static void
line(struct sess *s, char tag, const char *text, size_t n)
{
	bl_buf_addc(s->t, tag);
	bl_buf_add(s->t, ": ", 2);
	bl_probe_escape(s->t, text, n);
	bl_buf_addc(s->t, '\n');
}

/* event - "E: what [phase] seconds [text]" */
static void
event(struct sess *s, const char *what, const char *phase, const char *text)
{
	bl_buf_printf(s->t, "E: %s%s%s %.3f", what, phase ? " " : "",
		      phase ? phase : "", now() - s->t0);
	if (text != NULL && *text != '\0') {
		bl_buf_addc(s->t, ' ');
		bl_probe_escape(s->t, text, strlen(text));
	}
	bl_buf_addc(s->t, '\n');
}

/* wait_fd - poll fd for ev until deadline: 1 ready, 0 timed out */
static int
wait_fd(int fd, short ev, double deadline)
{
	struct pollfd p = {.fd = fd, .events = ev};
	double left;
	int r;

	for (;;) {
		left = deadline - now();
		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)(left * 1000.0) + 1);
		if (r > 0)
			return 1;
		if (r == 0)
			continue; /* the deadline decides */
		if (errno != EINTR)
			return 1; /* let the read or write say what is wrong */
	}
}

/* I/O outcomes */
enum io {
	IO_OK,
	IO_TIMEOUT,
	IO_CLOSED,
	IO_RESET,
	IO_ERROR,
};

static const char *
io_word(enum io r)
{
	switch (r) {
	case IO_TIMEOUT:
		return "timeout";
	case IO_CLOSED:
		return "closed";
	case IO_RESET:
		return "reset";
	default:
		return "error";
	}
}

/* ssl_reason - OpenSSL's reason for the last failure, into buf */
static const char *
ssl_reason(char *buf, size_t n)
{
	unsigned long e = ERR_get_error();

	if (e == 0) {
		snprintf(buf, n, "the connection failed during the handshake");
		return buf;
	}
	ERR_error_string_n(e, buf, n);
	ERR_clear_error();
	return buf;
}

/* ssl_wait - after an SSL call returned r: wait as it asks, or the
 * outcome (IO_OK: call again) */
static enum io
ssl_wait(struct sess *s, int r, double deadline)
{
	int e = SSL_get_error(s->ssl, r);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(s->fd, POLLIN, deadline) ? IO_OK : IO_TIMEOUT;
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(s->fd, POLLOUT, deadline) ? IO_OK : IO_TIMEOUT;
	case SSL_ERROR_ZERO_RETURN:
		return IO_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (errno == ECONNRESET || errno == EPIPE)
			return IO_RESET;
		return IO_CLOSED;
	default:
		return IO_ERROR;
	}
}

/* io_read - some bytes into buf, by the deadline */
static enum io
io_read(struct sess *s, char *buf, size_t n, size_t *got, double deadline)
{
	ssize_t r;
	enum io w;

	for (;;) {
		if (s->ssl != NULL) {
			int k = SSL_read(s->ssl, buf, (int)n);

			if (k > 0) {
				*got = (size_t)k;
				return IO_OK;
			}
			if ((w = ssl_wait(s, k, deadline)) != IO_OK)
				return w;
			continue;
		}
		r = recv(s->fd, buf, n, 0);
		if (r > 0) {
			*got = (size_t)r;
			return IO_OK;
		}
		if (r == 0)
			return IO_CLOSED;
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return IO_RESET;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return IO_ERROR;
		if (!wait_fd(s->fd, POLLIN, deadline))
			return IO_TIMEOUT;
	}
}

/* io_write - all of buf, by the deadline */
static enum io
io_write(struct sess *s, const char *buf, size_t n, double deadline)
{
	size_t done = 0;
	ssize_t r;
	enum io w;

	while (done < n) {
		if (s->ssl != NULL) {
			int k = SSL_write(s->ssl, buf + done, (int)(n - done));

			if (k > 0) {
				done += (size_t)k;
				continue;
			}
			if ((w = ssl_wait(s, k, deadline)) != IO_OK)
				return w;
			continue;
		}
		r = send(s->fd, buf + done, n - done, MSG_NOSIGNAL);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!wait_fd(s->fd, POLLOUT, deadline))
				return IO_TIMEOUT;
			continue;
		}
		return r < 0 && (errno == ECONNRESET || errno == EPIPE)
			       ? IO_RESET
			       : IO_ERROR;
	}
	return IO_OK;
}

/* reply - read one reply of phase ph into the transcript: 0 whole, -1
 * when the probe must stop (the event says why) */
static int
reply(struct sess *s, const char *ph, double secs, int *code)
{
	double deadline = now() + secs;
	const struct bl_smtp_reply *rp;
	enum bl_smtp_status st = BL_SMTP_MORE;
	enum io io = IO_OK;
	size_t i, used, got;

	bl_smtp_reader_reset(&s->rd);
	*code = -1;
	while (st == BL_SMTP_MORE) {
		if (s->in_off == s->in_len) {
			io = io_read(s, s->in, sizeof(s->in), &got, deadline);
			if (io != IO_OK)
				break;
			s->in_off = 0;
			s->in_len = got;
			s->bytes += got;
		}
		st = bl_smtp_reader_feed(&s->rd, s->in + s->in_off,
					 s->in_len - s->in_off, &used);
		s->in_off += used;
	}
	rp = bl_smtp_reader_reply(&s->rd);
	for (i = 0; i < rp->nlines; i++)
		line(s, 'S', rp->lines[i].text, rp->lines[i].len);
	*code = rp->code;
	if (st == BL_SMTP_DONE)
		return 0;
	if (st == BL_SMTP_ERROR) {
		event(s, "capped", ph, rp->error);
		return -1;
	}
	if (bl_smtp_reader_pending(&s->rd) > 0)
		event(s, "partial", ph, NULL);
	if (io == IO_TIMEOUT) {
		char why[64];

		snprintf(why, sizeof(why), "no complete reply within %g s",
			 secs);
		event(s, "timeout", ph, why);
	} else {
		event(s, io_word(io), ph,
		      io == IO_CLOSED  ? "the server closed the connection"
		      : io == IO_RESET ? "the connection was reset"
				       : strerror(errno));
	}
	return -1;
}

/* command - send "cmd\r\n" (logged as a C: line): 0, or -1 with an event */
static int
command(struct sess *s, const char *ph, const char *cmd)
{
	char buf[600];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", cmd);
	enum io io;

	line(s, 'C', cmd, strlen(cmd));
	io = io_write(s, buf, (size_t)n, now() + s->o->timeout);
	if (io == IO_OK)
		return 0;
	event(s, io_word(io), ph, "while sending the command");
	return -1;
}

/* name_text - an X509_NAME as one line (RFC 2253), into the buffer */
static void
name_text(X509_NAME *nm, char *buf, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	int len;

	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_read(b, buf, (int)n - 1);
		buf[len > 0 ? len : 0] = '\0';
	}
	BIO_free(b);
}

/* unix_time - an ASN1_TIME as Unix seconds */
static bool
unix_time(const ASN1_TIME *t, long long *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = (long long)timegm(&tm);
	return true;
}

/* tls_facts - the T: lines of a completed handshake */
static void
tls_facts(struct sess *s)
{
	X509 *cert = SSL_get1_peer_certificate(s->ssl);
	GENERAL_NAMES *sans;
	char buf[1024];
	long v;
	long long t;
	int i, nsan = 0;

	bl_buf_printf(s->t, "T: protocol %s\n", SSL_get_version(s->ssl));
	bl_buf_printf(s->t, "T: cipher %s\n", SSL_get_cipher_name(s->ssl));
	v = SSL_get_verify_result(s->ssl);
	if (cert == NULL) {
		bl_buf_adds(s->t, "T: verify 50 the server sent no "
				  "certificate\n");
		return;
	}
	if (v == X509_V_OK)
		bl_buf_adds(s->t, "T: verify ok\n");
	else
		bl_buf_printf(s->t, "T: verify %ld %s\n", v,
			      X509_verify_cert_error_string(v));
	name_text(X509_get_subject_name(cert), buf, sizeof(buf));
	bl_buf_adds(s->t, "T: subject ");
	bl_probe_escape(s->t, buf, strlen(buf));
	bl_buf_addc(s->t, '\n');
	name_text(X509_get_issuer_name(cert), buf, sizeof(buf));
	bl_buf_adds(s->t, "T: issuer ");
	bl_probe_escape(s->t, buf, strlen(buf));
	bl_buf_addc(s->t, '\n');
	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		const unsigned char *d;
		int n;

		if (g->type != GEN_DNS || nsan >= BL_LIVE_NAMES_MAX)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		n = ASN1_STRING_length(g->d.dNSName);
		bl_buf_adds(s->t, "T: name ");
		bl_probe_escape(s->t, (const char *)d, (size_t)n);
		bl_buf_addc(s->t, '\n');
		nsan++;
	}
	GENERAL_NAMES_free(sans);
	if (nsan == 0 &&
	    X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
				      NID_commonName, buf, sizeof(buf)) > 0) {
		bl_buf_adds(s->t, "T: name ");
		bl_probe_escape(s->t, buf, strlen(buf));
		bl_buf_addc(s->t, '\n');
	}
	if (unix_time(X509_get0_notBefore(cert), &t))
		bl_buf_printf(s->t, "T: not-before %lld\n", t);
	if (unix_time(X509_get0_notAfter(cert), &t))
		bl_buf_printf(s->t, "T: not-after %lld\n", t);
	s->ctx_cert = cert;
}

/* covers - "T: covers NAME yes|no" for the names the certificate should
 * cover: the banner's host name and the probed name */
static void
covers(struct sess *s)
{
	const char *names[2];
	size_t n = 0, i;

	if (s->ctx_cert == NULL)
		return;
	if (s->banner_host != NULL && *s->banner_host != '\0')
		names[n++] = s->banner_host;
	if (s->host_is_name &&
	    (n == 0 || strcasecmp(names[0], s->host) != 0))
		names[n++] = s->host;
	for (i = 0; i < n; i++) {
		int ok = X509_check_host(s->ctx_cert, names[i],
					 strlen(names[i]), 0, NULL);

		bl_buf_adds(s->t, "T: covers ");
		bl_probe_escape(s->t, names[i], strlen(names[i]));
		bl_buf_printf(s->t, " %s\n", ok == 1 ? "yes" : "no");
	}
}

/* handshake - TLS on the connection (phase ph): 0, or -1 (recorded) */
static int
handshake(struct sess *s, const char *ph)
{
	double deadline = now() + s->o->timeout;
	const char *sni = s->o->sni;
	char why[256];
	enum io w;
	int r;

	s->ssl = SSL_new(s->ctx);
	if (s->ssl == NULL)
		bl_fatal("cannot make a TLS session: %s",
			 ssl_reason(why, sizeof(why)));
	if (sni == NULL && s->host_is_name)
		sni = s->host;
	if (sni != NULL && *sni != '\0')
		SSL_set_tlsext_host_name(s->ssl, sni);
	SSL_set_fd(s->ssl, s->fd);
	for (;;) {
		ERR_clear_error();
		r = SSL_connect(s->ssl);
		if (r == 1)
			break;
		w = ssl_wait(s, r, deadline);
		if (w == IO_OK)
			continue;
		if (w == IO_TIMEOUT) {
			bl_buf_adds(s->t, "T: handshake failed no handshake "
					  "within the timeout\n");
			event(s, "timeout", ph, "during the TLS handshake");
		} else {
			const char *rs = w == IO_ERROR
					     ? ssl_reason(why, sizeof(why))
					     : w == IO_RESET
						   ? "the connection was reset"
						   : "the server closed the "
						     "connection";

			bl_buf_adds(s->t, "T: handshake failed ");
			bl_probe_escape(s->t, rs, strlen(rs));
			bl_buf_addc(s->t, '\n');
		}
		SSL_free(s->ssl);
		s->ssl = NULL; /* the socket is no longer usable for SMTP */
		return -1;
	}
	bl_buf_adds(s->t, "T: handshake ok\n");
	tls_facts(s);
	return 0;
}

/* open_socket - a non-blocking connection to sa by the deadline: the fd,
 * or -1 with the event recorded */
static int
open_socket(struct sess *s, const struct sockaddr *sa, socklen_t len)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	int e = 0;
	socklen_t el = sizeof(e);

	if (fd < 0) {
		event(s, "error", "connect", strerror(errno));
		return -1;
	}
	if (connect(fd, sa, len) < 0 && errno != EINPROGRESS) {
		e = errno;
	} else if (!wait_fd(fd, POLLOUT, now() + s->o->timeout)) {
		char why[64];

		snprintf(why, sizeof(why), "no connection within %g s",
			 s->o->timeout);
		event(s, "timeout", "connect", why);
		close(fd);
		return -1;
	} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0) {
		e = errno;
	}
	if (e != 0) {
		/* a server that accepts and resets at once can do so before
		 * the connect is seen to complete */
		event(s,
		      e == ECONNREFUSED  ? "refused"
		      : e == ECONNRESET ? "reset"
					 : "error",
		      e == ECONNRESET ? "connect" : NULL, strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

/* has_starttls - does an EHLO reply list STARTTLS */
static bool
has_starttls(const struct bl_smtp_reply *r)
{
	size_t i;

	for (i = 1; i < r->nlines; i++) {
		const struct bl_smtp_line *l = &r->lines[i];

		if (l->code == 250 && l->len >= 12 &&
		    strncasecmp(l->text + 4, "STARTTLS", 8) == 0 &&
		    (l->len == 12 || l->text[12] == ' '))
			return true;
	}
	return false;
}

/* note_banner_host - the greeting's first word, for the certificate's
 * name check */
static void
note_banner_host(struct sess *s)
{
	const struct bl_smtp_reply *r = bl_smtp_reader_reply(&s->rd);
	size_t n = 0;

	if (r->nlines == 0 || r->lines[0].len <= 4)
		return;
	while (4 + n < r->lines[0].len && r->lines[0].text[4 + n] != ' ' &&
	       n + 1 < sizeof(s->hostbuf))
		n++;
	memcpy(s->hostbuf, r->lines[0].text + 4, n);
	s->hostbuf[n] = '\0';
	if (n > 1 && s->hostbuf[n - 1] == '.')
		s->hostbuf[n - 1] = '\0';
	if (n > 0 && memchr(s->hostbuf, '\0', n) == NULL)
		s->banner_host = s->hostbuf;
}

/* session - the whole conversation with one address */
static void
session(struct sess *s, const struct sockaddr *sa, socklen_t salen)
{
	const struct bl_probe_opts *o = s->o;
	bool implicit = o->mode == BL_PROBE_TLS ||
			(o->mode == BL_PROBE_AUTO && s->port == 465);
	char cmd[600];
	double g0;
	int code;

	s->t0 = now();
	s->fd = open_socket(s, sa, salen);
	if (s->fd < 0)
		return;
	event(s, "connected", NULL, NULL);
	if (implicit && handshake(s, "tls") < 0)
		goto out;
	g0 = now();
	if (reply(s, "greeting", o->timeout, &code) < 0)
		goto out;
	event(s, "greeting", NULL, NULL);
	if (now() - g0 > (TARPIT_SECS < o->timeout / 2 ? TARPIT_SECS
						       : o->timeout / 2))
		event(s, "tarpit", NULL, "the greeting was slow");
	note_banner_host(s);
	if (implicit)
		covers(s);
	if (code != 220)
		goto quit; /* it will not talk: say goodbye */
	snprintf(cmd, sizeof(cmd), "EHLO %s", o->ehlo);
	if (command(s, "ehlo", cmd) < 0 || reply(s, "ehlo", o->timeout, &code) < 0)
		goto out;
	if (!implicit && o->mode != BL_PROBE_PLAIN &&
	    ((code == 250 && has_starttls(bl_smtp_reader_reply(&s->rd))) ||
	     o->mode == BL_PROBE_STARTTLS)) {
		if (command(s, "starttls", "STARTTLS") < 0 ||
		    reply(s, "starttls", o->timeout, &code) < 0)
			goto out;
		if (code != 220)
			goto quit;
		if (s->in_off != s->in_len) {
			/* bytes after "220 ready": a STARTTLS injection
			 * risk (CVE-2011-0411 family); never fed to TLS */
			event(s, "error", "starttls",
			      "the server sent bytes after its STARTTLS "
			      "reply");
			goto out;
		}
		if (handshake(s, "tls") < 0)
			goto out;
		covers(s);
		if (command(s, "ehlo-tls", cmd) < 0 ||
		    reply(s, "ehlo-tls", o->timeout, &code) < 0)
			goto out;
	}
quit:
	if (command(s, "quit", "QUIT") == 0)
		(void)reply(s, "quit", QUIT_SECS < o->timeout ? QUIT_SECS
							      : o->timeout,
			    &code);
out:
	if (s->ssl != NULL) {
		(void)SSL_shutdown(s->ssl); /* one close_notify, no wait */
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	X509_free(s->ctx_cert);
	s->ctx_cert = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* bl_probe_target_parse - HOST, HOST:PORT, [V6], [V6]:PORT, or a bare V6 */
int
bl_probe_target_parse(struct bl_probe_target *t, const char *spec,
		      const char **why)
{
	const char *host = spec, *port = NULL, *e;
	size_t hl;
	long p = 25;

	memset(t, 0, sizeof(*t));
	if (*spec == '[') {
		e = strchr(spec, ']');
		if (e == NULL) {
			*why = "an IPv6 address in [ ] without its ']'";
			return -1;
		}
		host = spec + 1;
		hl = (size_t)(e - host);
		if (e[1] == ':')
			port = e + 2;
		else if (e[1] != '\0') {
			*why = "text after the ']'";
			return -1;
		}
	} else if ((e = strchr(spec, ':')) != NULL && strchr(e + 1, ':') == NULL) {
		hl = (size_t)(e - spec);
		port = e + 1;
	} else {
		hl = strlen(spec); /* a name, or an IPv6 address alone */
	}
	if (hl == 0 || hl > 253) {
		*why = "no host name or address (or one over 253 characters)";
		return -1;
	}
	if (port != NULL) {
		char *end;

		errno = 0;
		p = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno != 0 || p < 1 ||
		    p > 65535) {
			*why = "a port that is not a number from 1 to 65535";
			return -1;
		}
	}
	t->spec = bl_xstrdup(spec);
	t->host = bl_xstrndup(host, hl);
	t->port = (unsigned)p;
	if (strcspn(t->host, " \t\r\n/\\") != hl) {
		*why = "a host name with blanks or slashes";
		bl_probe_target_finish(t);
		return -1;
	}
	return 0;
}

void
bl_probe_target_finish(struct bl_probe_target *t)
{
	free(t->spec);
	free(t->host);
	memset(t, 0, sizeof(*t));
}

/* One address to probe. */
struct item {
	struct sockaddr_storage sa;
	socklen_t salen;
	char addr[INET6_ADDRSTRLEN];
	size_t target;
	bool is_name;
};

struct pool {
	const struct bl_probe_target *targets;
	const struct bl_probe_opts *o;
	SSL_CTX *ctx;
	struct item *items;
	struct bl_probe_result *res;
	size_t n, next;
	pthread_mutex_t mu;
};

/* probe_one - item i into res[i] */
static void
probe_one(struct pool *p, size_t i)
{
	const struct item *it = &p->items[i];
	const struct bl_probe_target *t = &p->targets[it->target];
	struct bl_probe_result *r = &p->res[i];
	struct bl_buf b;
	struct sess s;
	const char *mode;
	bool v6 = it->sa.ss_family == AF_INET6;

	memset(&s, 0, sizeof(s));
	bl_buf_init(&b);
	s.o = p->o;
	s.ctx = p->ctx;
	s.host = t->host;
	s.host_is_name = it->is_name;
	s.port = t->port;
	s.fd = -1;
	s.t = &b;
	bl_smtp_reader_init(&s.rd);
	mode = p->o->mode == BL_PROBE_TLS ||
		       (p->o->mode == BL_PROBE_AUTO && t->port == 465)
		   ? "tls"
	       : p->o->mode == BL_PROBE_PLAIN ? "plain"
					      : "starttls";
	if (it->is_name)
		r->name = bl_xasprintf("%s:%u[%s]", t->host, t->port,
				       it->addr);
	else
		r->name = bl_xasprintf(v6 ? "[%s]:%u" : "%s:%u", it->addr,
				       t->port);
	bl_buf_adds(&b, BL_LIVE_MAGIC "\n");
	bl_buf_adds(&b, "P: target ");
	bl_probe_escape(&b, t->spec, strlen(t->spec));
	bl_buf_adds(&b, "\nP: host ");
	bl_probe_escape(&b, t->host, strlen(t->host));
	bl_buf_printf(&b, "\nP: address %s\nP: port %u\nP: mode %s\n",
		      it->addr, t->port, mode);
	bl_buf_adds(&b, "P: ehlo ");
	bl_probe_escape(&b, p->o->ehlo, strlen(p->o->ehlo));
	bl_buf_addc(&b, '\n');
	if (p->o->sni != NULL || it->is_name) {
		const char *sni = p->o->sni ? p->o->sni : t->host;

		bl_buf_adds(&b, "P: sni ");
		bl_probe_escape(&b, sni, strlen(sni));
		bl_buf_addc(&b, '\n');
	}
	bl_buf_printf(&b, "P: started %lld\n", (long long)time(NULL));
	session(&s, (const struct sockaddr *)&it->sa, it->salen);
	bl_smtp_reader_finish(&s.rd);
	r->bytes = s.bytes;
	r->target = it->target;
	r->len = b.len;
	r->text = bl_buf_steal(&b);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next < p->n ? p->next++ : SIZE_MAX;
		pthread_mutex_unlock(&p->mu);
		if (i == SIZE_MAX)
			return NULL;
		probe_one(p, i);
	}
}

/* resolve - the addresses of target k onto the items */
static int
resolve(struct pool *p, size_t k, size_t *cap, struct bl_buf *errs)
{
	const struct bl_probe_target *t = &p->targets[k];
	struct addrinfo hints, *res = NULL, *a;
	struct in6_addr a6;
	struct in_addr a4;
	bool is_name = inet_pton(AF_INET, t->host, &a4) != 1 &&
		       inet_pton(AF_INET6, t->host, &a6) != 1;
	size_t got = 0;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = is_name ? 0 : AI_NUMERICHOST;
	e = getaddrinfo(t->host, NULL, &hints, &res);
	if (e != 0) {
		bl_buf_printf(errs, "%s: cannot resolve \"%s\": %s\n", t->spec,
			      t->host, gai_strerror(e));
		return -1;
	}
	for (a = res; a != NULL && got < MAX_ADDRS; a = a->ai_next) {
		struct item *it;
		size_t j;

		if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
			continue;
		if (p->n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			p->items = bl_xreallocarray(p->items, *cap,
						    sizeof(*p->items));
		}
		it = &p->items[p->n];
		memset(it, 0, sizeof(*it));
		memcpy(&it->sa, a->ai_addr, a->ai_addrlen);
		it->salen = (socklen_t)a->ai_addrlen;
		if (a->ai_family == AF_INET) {
			((struct sockaddr_in *)&it->sa)->sin_port =
			    htons((unsigned short)t->port);
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&it->sa)->sin_addr,
				  it->addr, sizeof(it->addr));
		} else {
			((struct sockaddr_in6 *)&it->sa)->sin6_port =
			    htons((unsigned short)t->port);
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&it->sa)->sin6_addr,
				  it->addr, sizeof(it->addr));
		}
		/* getaddrinfo lists an address once per socket type asked;
		 * with SOCK_STREAM that is once, but be sure */
		for (j = p->n - got; j < p->n; j++)
			if (strcmp(p->items[j].addr, it->addr) == 0)
				break;
		if (j < p->n)
			continue;
		it->target = k;
		it->is_name = is_name;
		p->n++;
		got++;
		if (p->o->first)
			break;
	}
	freeaddrinfo(res);
	if (got == 0) {
		bl_buf_printf(errs, "%s: \"%s\" has no IPv4 or IPv6 address\n",
			      t->spec, t->host);
		return -1;
	}
	return 0;
}

/* make_ctx - the one TLS client context of a run */
static SSL_CTX *
make_ctx(const struct bl_probe_opts *o, struct bl_buf *errs)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char why[256];

	if (ctx == NULL)
		bl_fatal("cannot make a TLS context: %s",
			 ssl_reason(why, sizeof(why)));
	/* measure, do not protect: old protocols and weak ciphers must be
	 * negotiated to be reported, and nothing secret crosses */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	(void)SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (o->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1) {
			bl_buf_printf(errs, "--ca-file %s: cannot load it: %s\n",
				      o->ca_file, ssl_reason(why, sizeof(why)));
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else {
		(void)SSL_CTX_set_default_verify_paths(ctx);
	}
	return ctx;
}

/* bl_probe_run - every address of every target, jobs at a time */
int
bl_probe_run(const struct bl_probe_target *targets, size_t ntargets,
	     const struct bl_probe_opts *opts, struct bl_probe_result **out,
	     size_t *nout, struct bl_buf *errs)
{
	struct pool p;
	pthread_t *th = NULL;
	size_t cap = 0, k, nth;
	int status = 0;

	*out = NULL;
	*nout = 0;
	/* OpenSSL writes with write(2): a server that hangs up must not
	 * kill the run */
	(void)signal(SIGPIPE, SIG_IGN);
	memset(&p, 0, sizeof(p));
	p.targets = targets;
	p.o = opts;
	for (k = 0; k < ntargets; k++)
		if (resolve(&p, k, &cap, errs) < 0)
			status = -1;
	if (p.n == 0) {
		free(p.items);
		return status;
	}
	p.ctx = make_ctx(opts, errs);
	if (p.ctx == NULL) {
		free(p.items);
		return -1;
	}
	p.res = bl_xcalloc(p.n, sizeof(*p.res));
	pthread_mutex_init(&p.mu, NULL);
	nth = opts->jobs < 1 ? 1 : opts->jobs > MAX_JOBS ? MAX_JOBS : opts->jobs;
	if (nth > p.n)
		nth = p.n;
	if (nth > 1) {
		th = bl_xcalloc(nth, sizeof(*th));
		for (k = 0; k < nth; k++)
			if (pthread_create(&th[k], NULL, worker, &p) != 0)
				bl_fatal("cannot start a thread: %s",
					 strerror(errno));
		for (k = 0; k < nth; k++)
			pthread_join(th[k], NULL);
		free(th);
	} else {
		(void)worker(&p);
	}
	pthread_mutex_destroy(&p.mu);
	SSL_CTX_free(p.ctx);
	free(p.items);
	*out = p.res;
	*nout = p.n;
	return status;
}

void
bl_probe_results_free(struct bl_probe_result *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++) {
		free(r[i].name);
		free(r[i].text);
	}
	free(r);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.h - DNS confirmation of host names and addresses (--dns): one
 * resolver per run, with one cache, shared by every worker thread.
 *
 * ldns builds and parses every packet. Queries run on the resolver's own
 * thread, many in flight over one UDP socket per address family, with
 * retries and backoff, TCP when an answer is truncated, a per-query and a
 * total time budget. Every answer is validated (ID, question section,
 * CNAME chains followed and bounded) before it counts. A question is
 * asked once per run: the cache holds every answer until the end.
 *
 * Modes: live asks the resolver (--resolver or resolv.conf); record does
 * the same and writes every answer to a file at the end; replay answers
 * only from such a file and never touches the network (a question the
 * file does not hold is a temporary failure: "not in the replay file").
 *
 * The record/replay file is text, one answer per line (bannerlint.1,
 * DNS RECORD FILES):
 *
 *	# bannerlint dns 1
 *	a mail.example.com found 192.0.2.10 192.0.2.11
 *	aaaa mail.example.com nodata
 *	ptr 192.0.2.10 found mail.example.com
 *	a www.example.com found 192.0.2.20 cname=web.example.com
 *	a gone.example.com nxdomain
 *	a slow.example.com tempfail timeout
 *
 * The type (a, aaaa, ptr), the subject (a name, or for ptr the address),
 * the status (found, nxdomain, nodata, tempfail), then for found the
 * data (addresses, or PTR names) and cname=NAME for each CNAME followed,
 * for tempfail the reason (control bytes as blanks). Names are lower
 * case, without the final dot, with \DDD (decimal) for every byte of a
 * label outside [A-Za-z0-9_-], a dot inside a label included. Blank lines
 * and lines starting with # are comments; a later line for the same
 * question replaces an earlier one. Lines are at most about 75 KB.
 */
#ifndef BL_DNS_H
#define BL_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "diag.h"

enum bl_dns_mode {
	BL_DNS_OFF,
	BL_DNS_LIVE,
	BL_DNS_RECORD,
	BL_DNS_REPLAY,
};

/* The questions asked. */
enum bl_dns_type {
	BL_DNS_A,
	BL_DNS_AAAA,
	BL_DNS_PTR,
};

enum bl_dns_status {
	BL_DNS_PENDING,  /* not answered yet (never seen by a caller) */
	BL_DNS_FOUND,    /* records of the type */
	BL_DNS_NXDOMAIN, /* no such name */
	BL_DNS_NODATA,   /* the name exists, without records of the type */
	BL_DNS_TEMPFAIL, /* timeout, SERVFAIL, REFUSED, a bad answer ... */
};

#define BL_DNS_MAX_CNAMES 8   /* CNAMEs followed for one question */
#define BL_DNS_MAX_DATA 64    /* records kept per answer */
#define BL_DNS_NAME_MAX 1024  /* a name in text, escapes included */

/* An answer. Data are addresses in inet_ntop form (a, aaaa) or names
 * (ptr), lower case, without the final dot. */
struct bl_dns_answer {
	enum bl_dns_status status;
	char **data;    /* n of them */
	size_t n;
	char **cnames;  /* the CNAME targets followed, in order */
	size_t ncnames;
	char why[96];   /* tempfail: the reason ("timeout", "SERVFAIL", ...) */
};

/* What one received packet says about a question (bl_dns_parse). */
enum bl_dns_verdict {
	BL_DNS_ANSWER,    /* *out holds the answer (any status) */
	BL_DNS_CNAME,     /* a CNAME chain that ends without records: ask
			   * *out's last cname again (status PENDING) */
	BL_DNS_TRUNCATED, /* TC set: ask again over TCP */
	BL_DNS_IGNORE,    /* not the answer to this query (wrong ID, wrong
			   * question, not a response): keep waiting */
};

struct bl_dns_opts {
	enum bl_dns_mode mode;
	const char *file;       /* record: written at the end; replay: read */
	const char *resolver;   /* ADDR, ADDR:PORT, [ADDR]:PORT; NULL:
				 * the first nameserver of resolv.conf */
	const char *resolv_conf; /* NULL: /etc/resolv.conf */
	unsigned timeout_ms;    /* first attempt's wait (0: 1000); doubles */
	unsigned tries;         /* attempts over UDP (0: 3) */
	unsigned query_ms;      /* one question's budget (0: 5000) */
	unsigned budget_ms;     /* the whole run's (0: 60000) */
	unsigned inflight;      /* queries on the wire at once (0: 256) */
};

struct bl_dns;

/* bl_dns_open - a resolver for the run; -1 (with a diagnostic) when the
 * resolver address, resolv.conf or the replay file is unusable */
int bl_dns_open(struct bl_dns **out, const struct bl_dns_opts *o,
		struct bl_diags *d);
/* bl_dns_close - stop, write the record file (-1 and a diagnostic when it
 * cannot be written), free */
int bl_dns_close(struct bl_dns *dns, struct bl_diags *d);

/* bl_dns_want - start asking (no wait); thread-safe. subject: a name, or
 * for BL_DNS_PTR an address in text */
void bl_dns_want(struct bl_dns *dns, enum bl_dns_type t, const char *subject);
/* bl_dns_confirm - start the whole forward-confirmation tree of a name
 * (A, AAAA, the PTR of every address, the A/AAAA of every PTR name) or,
 * with an address, of the address (PTR, then the names' A/AAAA); no wait */
void bl_dns_confirm(struct bl_dns *dns, const char *subject);
/* bl_dns_get - the answer, waiting for it; thread-safe. The answer lives
 * as long as the resolver. An invalid subject is a tempfail with why. */
const struct bl_dns_answer *bl_dns_get(struct bl_dns *dns, enum bl_dns_type t,
				       const char *subject);

/* Statistics of the run, for --verbose and the benchmarks. */
struct bl_dns_stats {
	size_t questions; /* distinct questions */
	size_t sent;      /* packets sent (UDP and TCP) */
	size_t tcp;       /* questions retried over TCP */
	size_t ignored;   /* packets that were not an answer */
	size_t max_inflight;
};
void bl_dns_stats(struct bl_dns *dns, struct bl_dns_stats *st);

/* --- pure functions (unit tests, fuzz target) ------------------------- */

/* bl_dns_resolver_parse - a resolver address (ADDR, ADDR:PORT, [ADDR]:PORT,
 * numeric, port 53 by default) into *ss (may be NULL) and its display
 * form into name (may be NULL); -1 when it is none (--resolver and
 * resolver = both read it so) */
int bl_dns_resolver_parse(const char *spec, struct sockaddr_storage *ss,
			  socklen_t *sslen, char *name, size_t namesize);

/* bl_dns_parse - what packet [wire, wire+len) says about the query with
 * id for (qname, t): validates QR, opcode, ID and the question, follows
 * the CNAME chain from qname (bounded by BL_DNS_MAX_CNAMES, loops are a
 * tempfail), collects the records of type t of the chain's end, maps
 * RCODEs (NXDOMAIN, SERVFAIL, REFUSED, ...). out is reset first and
 * filled for ANSWER and CNAME (free with bl_dns_answer_finish). */
enum bl_dns_verdict bl_dns_parse(const uint8_t *wire, size_t len, uint16_t id,
				 const char *qname, enum bl_dns_type t,
				 struct bl_dns_answer *out);
/* bl_dns_query_name - the name asked for a subject: the subject itself
 * (normalised), or for PTR the in-addr.arpa / ip6.arpa name; -1 when the
 * subject is not a valid name or address */
int bl_dns_query_name(enum bl_dns_type t, const char *subject, char *buf,
		      size_t size);
/* bl_dns_build - a query packet (RD set) into *wire (caller frees);
 * -1 when qname is not a valid name */
int bl_dns_build(const char *qname, enum bl_dns_type t, uint16_t id,
		 uint8_t **wire, size_t *len);
void bl_dns_answer_finish(struct bl_dns_answer *a);

/* bl_dns_replay_parse - read a record file's text into a callback per
 * answer; -1 with a file:line diagnostic on the first bad line */
int bl_dns_replay_parse(const char *path, const char *text, size_t len,
			void (*each)(void *ctx, enum bl_dns_type t,
				     const char *subject,
				     const struct bl_dns_answer *a),
			void *ctx, struct bl_diags *d);
/* bl_dns_record_line - one answer as a record file line (with the
 * newline; caller frees) */
char *bl_dns_record_line(enum bl_dns_type t, const char *subject,
			 const struct bl_dns_answer *a);

const char *bl_dns_type_name(enum bl_dns_type t);     /* "a", ... */
const char *bl_dns_status_name(enum bl_dns_status s); /* "found", ... */
/* bl_dns_same_name - equal names, ignoring case and a final dot */
bool bl_dns_same_name(const char *a, const char *b);

#endif

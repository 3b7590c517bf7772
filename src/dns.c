/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.c - the run's resolver (dns.h): a cache of questions shared by the
 * worker threads, and one thread of its own that keeps many queries on
 * the wire at once.
 *
 * A question is an entry of the cache from the moment someone wants it;
 * it is answered once (by the network, or by the replay file) and the
 * answer never changes afterwards, so a caller may keep the pointer for
 * the rest of the run. Callers wait on one condition variable; the
 * resolver thread is woken through a pipe when there is new work.
 *
 * Everything about a query on the wire (ID, tries, deadlines, the TCP
 * connection) belongs to the resolver thread; the answer and the status
 * are published under the lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "dns.h"
#include "util.h"

#define MAX_FILE (64u << 20)   /* a replay file */
/* one line of it: the longest line bannerlint writes (every record and
 * CNAME a name of BL_DNS_NAME_MAX) with room to spare */
#define MAX_LINE ((BL_DNS_MAX_DATA + BL_DNS_MAX_CNAMES + 4u) * \
		  (BL_DNS_NAME_MAX + 8u))
#define MAX_TCP 65535u         /* a DNS message over TCP */
#define MAX_UDP 4096u          /* what one datagram may bring */
#define MAX_QUESTIONS 1000000u /* distinct questions in one run */

/* --- names and types ---------------------------------------------------- */

const char *
bl_dns_type_name(enum bl_dns_type t)
{
	switch (t) {
	case BL_DNS_A:
		return "a";
	case BL_DNS_AAAA:
		return "aaaa";
	case BL_DNS_PTR:
		return "ptr";
	}
	return "?";
}

const char *
bl_dns_status_name(enum bl_dns_status s)
{
	switch (s) {
	case BL_DNS_PENDING:
		return "pending";
	case BL_DNS_FOUND:
		return "found";
	case BL_DNS_NXDOMAIN:
		return "nxdomain";
	case BL_DNS_NODATA:
		return "nodata";
	case BL_DNS_TEMPFAIL:
		return "tempfail";
	}
	return "?";
}

static ldns_rr_type
rr_type(enum bl_dns_type t)
{
	return t == BL_DNS_A ? LDNS_RR_TYPE_A
	       : t == BL_DNS_AAAA ? LDNS_RR_TYPE_AAAA
				  : LDNS_RR_TYPE_PTR;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool
bl_dns_same_name(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;

	if (na > 1 && a[na - 1] == '.')
		na--;
	if (nb > 1 && b[nb - 1] == '.')
		nb--;
	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

/* name_text - a domain name as the answers show it: lower case, no
 * final dot, \DDD for every byte outside [A-Za-z0-9_-] of a label (a dot
 * in a label too); NULL for the root name or one too long */
static char *
name_text(const ldns_rdf *rdf)
{
	const uint8_t *w = ldns_rdf_data(rdf);
	size_t n = ldns_rdf_size(rdf), i = 0, k;
	struct bl_buf b;

	if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || n == 0)
		return NULL;
	bl_buf_init(&b);
	while (i < n && w[i] != 0) {
		size_t len = w[i++];

		if (len > 63 || i + len > n) {
			bl_buf_finish(&b);
			return NULL;
		}
		if (b.len > 0)
			bl_buf_addc(&b, '.');
		for (k = 0; k < len; k++) {
			unsigned c = w[i + k];

			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '_')
				bl_buf_addc(&b, (char)c);
			else if (c >= 'A' && c <= 'Z')
				bl_buf_addc(&b, (char)lower((int)c));
			else
				bl_buf_printf(&b, "\\%03u", c);
		}
		i += len;
	}
	if (b.len == 0 || b.len >= BL_DNS_NAME_MAX) {
		bl_buf_finish(&b);
		return NULL;
	}
	return bl_buf_steal(&b);
}

/* norm_name - a subject name normalised (lower case, no final dot) into
 * buf; -1 when ldns does not take it for a domain name */
/* plain_name - the length of a name that needs no escapes (letters,
 * digits, '-', '_', labels of 1 to 63 bytes, at most 253 in all, an
 * optional final dot), or 0 */
static size_t
plain_name(const char *s)
{
	size_t n = 0, label = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_') ||
		    ++label > 63)
			return 0;
	}
	if (n > 1 && s[n - 1] == '.')
		n--;
	return n > 0 && n <= 253 ? n : 0;
}

static int
norm_name(const char *subject, char *buf, size_t size)
{
	ldns_rdf *rdf;
	char *t;
	size_t n = plain_name(subject), i;

	/* the common case without ldns's text round trip */
	if (n > 0 && n < size) {
		for (i = 0; i < n; i++)
			buf[i] = (char)lower((unsigned char)subject[i]);
		buf[n] = '\0';
		return 0;
	}
	if (subject[0] == '\0' || strlen(subject) >= BL_DNS_NAME_MAX)
		return -1;
	rdf = ldns_dname_new_frm_str(subject);
	if (rdf == NULL)
		return -1;
	t = name_text(rdf);
	ldns_rdf_deep_free(rdf);
	if (t == NULL || strlen(t) >= size) {
		free(t);
		return -1;
	}
	memcpy(buf, t, strlen(t) + 1);
	free(t);
	return 0;
}

/* norm_addr - an address in inet_ntop form into buf; its family in *af;
 * -1 when subject is not an address */
static int
norm_addr(const char *subject, char *buf, size_t size, int *af,
	  unsigned char bin[16])
{
	if (inet_pton(AF_INET, subject, bin) == 1)
		*af = AF_INET;
	else if (inet_pton(AF_INET6, subject, bin) == 1)
		*af = AF_INET6;
	else
		return -1;
	return inet_ntop(*af, bin, buf, (socklen_t)size) == NULL ? -1 : 0;
}

int
bl_dns_query_name(enum bl_dns_type t, const char *subject, char *buf,
		  size_t size)
{
	unsigned char bin[16];
	char tmp[INET6_ADDRSTRLEN];
	static const char hex[] = "0123456789abcdef";
	struct bl_buf b;
	int af, i;

	if (t != BL_DNS_PTR)
		return norm_name(subject, buf, size);
	if (norm_addr(subject, tmp, sizeof(tmp), &af, bin) < 0)
		return -1;
	bl_buf_init(&b);
	if (af == AF_INET) {
		for (i = 3; i >= 0; i--)
			bl_buf_printf(&b, "%u.", (unsigned)bin[i]);
		bl_buf_adds(&b, "in-addr.arpa");
	} else {
		for (i = 15; i >= 0; i--) {
			bl_buf_addc(&b, hex[bin[i] & 15]);
			bl_buf_addc(&b, '.');
			bl_buf_addc(&b, hex[bin[i] >> 4]);
			bl_buf_addc(&b, '.');
		}
		bl_buf_adds(&b, "ip6.arpa");
	}
	if (b.len >= size) {
		bl_buf_finish(&b);
		return -1;
	}
	memcpy(buf, b.data, b.len + 1);
	bl_buf_finish(&b);
	return 0;
}

int
bl_dns_build(const char *qname, enum bl_dns_type t, uint16_t id,
	     uint8_t **wire, size_t *len)
{
	ldns_rdf *owner = ldns_dname_new_frm_str(qname);
	ldns_pkt *p;
	ldns_status st;

	*wire = NULL;
	*len = 0;
	if (owner == NULL)
		return -1;
	/* ldns_pkt_query_new takes owner */
	p = ldns_pkt_query_new(owner, rr_type(t), LDNS_RR_CLASS_IN, LDNS_RD);
	if (p == NULL)
		return -1;
	ldns_pkt_set_id(p, id);
	st = ldns_pkt2wire(wire, p, len);
	ldns_pkt_free(p);
	if (st != LDNS_STATUS_OK) {
		free(*wire);
		*wire = NULL;
		return -1;
	}
	return 0;
}

void
bl_dns_answer_finish(struct bl_dns_answer *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->data[i]);
	for (i = 0; i < a->ncnames; i++)
		free(a->cnames[i]);
	free(a->data);
	free(a->cnames);
	a->data = a->cnames = NULL;
	a->n = a->ncnames = 0;
}

static void
add_data(struct bl_dns_answer *a, char *s)
{
	if (a->n >= BL_DNS_MAX_DATA) {
		free(s);
		return;
	}
	a->data = bl_xreallocarray(a->data, a->n + 1, sizeof(*a->data));
	a->data[a->n++] = s;
}

static void
add_cname(struct bl_dns_answer *a, char *s)
{
	a->cnames = bl_xreallocarray(a->cnames, a->ncnames + 1,
				     sizeof(*a->cnames));
	a->cnames[a->ncnames++] = s;
}

/* set_why - a reason as a record file keeps it: control bytes become
 * blanks, no blanks at either end, "unknown" when nothing is left */
static void
set_why(struct bl_dns_answer *a, const char *why)
{
	size_t i, n = 0;

	while (*why == ' ' || (*why != '\0' && (unsigned char)*why < 0x20) ||
	       *why == 0x7f)
		why++;
	for (i = 0; why[i] != '\0' && n + 1 < sizeof(a->why); i++)
		a->why[n++] = (unsigned char)why[i] < 0x20 || why[i] == 0x7f
				      ? ' '
				      : why[i];
	while (n > 0 && a->why[n - 1] == ' ')
		n--;
	a->why[n] = '\0';
	if (n == 0)
		snprintf(a->why, sizeof(a->why), "unknown");
}

static void
tempfail(struct bl_dns_answer *a, const char *why)
{
	bl_dns_answer_finish(a);
	a->status = BL_DNS_TEMPFAIL;
	set_why(a, why);
}

/* rr_text - the data of a record of type t as the answers show it, or
 * NULL when it is malformed */
static char *
rr_text(const ldns_rr *rr, enum bl_dns_type t)
{
	const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);
	char buf[INET6_ADDRSTRLEN];

	if (rdf == NULL)
		return NULL;
	if (t == BL_DNS_PTR)
		return ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME
			       ? name_text(rdf)
			       : NULL;
	if (ldns_rdf_size(rdf) != (t == BL_DNS_A ? 4u : 16u))
		return NULL;
	if (inet_ntop(t == BL_DNS_A ? AF_INET : AF_INET6, ldns_rdf_data(rdf),
		      buf, sizeof(buf)) == NULL)
		return NULL;
	return bl_xstrdup(buf);
}

/* has_soa - does the authority section hold a SOA (a negative answer, RFC
 * 2308, rather than a CNAME the server did not chase) */
static bool
has_soa(const ldns_pkt *p)
{
	const ldns_rr_list *l = ldns_pkt_authority(p);
	size_t i;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_SOA)
			return true;
	return false;
}

static bool
has_ns(const ldns_pkt *p)
{
	const ldns_rr_list *l = ldns_pkt_authority(p);
	size_t i;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_NS)
			return true;
	return false;
}

/* chain - follow the CNAMEs from qname through the answer section and
 * collect the records of type t at the end */
static enum bl_dns_verdict
chain(const ldns_pkt *p, const ldns_rdf *qname, enum bl_dns_type t,
      struct bl_dns_answer *out)
{
	const ldns_rr_list *ans = ldns_pkt_answer(p);
	const ldns_rdf *cur = qname, *seen[BL_DNS_MAX_CNAMES + 1];
	size_t nans = ans ? ldns_rr_list_rr_count(ans) : 0, i, k, nseen = 0;
	ldns_rr_type want = rr_type(t);

	seen[nseen++] = qname;
	for (;;) {
		const ldns_rdf *next = NULL;

		for (i = 0; i < nans; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			char *s;

			if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
			    ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
				continue;
			if (ldns_rr_get_type(rr) == want) {
				s = rr_text(rr, t);
				if (s != NULL)
					add_data(out, s);
			} else if (ldns_rr_get_type(rr) ==
					   LDNS_RR_TYPE_CNAME &&
				   next == NULL && ldns_rr_rdf(rr, 0) != NULL &&
				   ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) ==
					   LDNS_RDF_TYPE_DNAME) {
				next = ldns_rr_rdf(rr, 0);
			}
		}
		if (out->n > 0) {
			out->status = BL_DNS_FOUND;
			return BL_DNS_ANSWER;
		}
		if (next == NULL)
			break;
		for (k = 0; k < nseen; k++)
			if (ldns_dname_compare(seen[k], next) == 0) {
				tempfail(out, "CNAME loop");
				return BL_DNS_ANSWER;
			}
		if (nseen > BL_DNS_MAX_CNAMES) {
			tempfail(out, "CNAME chain too long");
			return BL_DNS_ANSWER;
		}
		{
			char *s = name_text(next);

			if (s == NULL) {
				tempfail(out, "bad CNAME target");
				return BL_DNS_ANSWER;
			}
			add_cname(out, s);
		}
		seen[nseen++] = next;
		cur = next;
	}
	if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN) {
		out->status = BL_DNS_NXDOMAIN;
		return BL_DNS_ANSWER;
	}
	if (out->ncnames > 0 && !has_soa(p))
		return BL_DNS_CNAME;
	/* NS records and no SOA: a referral (RFC 2308 section 2.2), not an
	 * answer: the server does not recurse */
	if (!has_soa(p) && has_ns(p)) {
		tempfail(out, "a referral: the resolver does not recurse");
		return BL_DNS_ANSWER;
	}
	out->status = BL_DNS_NODATA;
	return BL_DNS_ANSWER;
}

enum bl_dns_verdict
bl_dns_parse(const uint8_t *wire, size_t len, uint16_t id, const char *qname,
	     enum bl_dns_type t, struct bl_dns_answer *out)
{
	enum bl_dns_verdict v = BL_DNS_IGNORE;
	ldns_rdf *want = NULL;
	ldns_pkt *p = NULL;
	const ldns_rr_list *q;
	const ldns_rr *qr;
	ldns_pkt_rcode rc;

	memset(out, 0, sizeof(*out));
	out->status = BL_DNS_PENDING;
	/* the ID is checked before anything is parsed */
	if (len < 12 || (((unsigned)wire[0] << 8) | wire[1]) != id)
		return BL_DNS_IGNORE;
	want = ldns_dname_new_frm_str(qname);
	if (want == NULL || ldns_wire2pkt(&p, wire, len) != LDNS_STATUS_OK)
		goto out;
	if (!ldns_pkt_qr(p) || ldns_pkt_get_opcode(p) != LDNS_PACKET_QUERY)
		goto out;
	q = ldns_pkt_question(p);
	if (q == NULL || ldns_rr_list_rr_count(q) != 1)
		goto out;
	qr = ldns_rr_list_rr(q, 0);
	if (ldns_rr_get_type(qr) != rr_type(t) ||
	    ldns_rr_get_class(qr) != LDNS_RR_CLASS_IN ||
	    ldns_dname_compare(ldns_rr_owner(qr), want) != 0)
		goto out;
	if (ldns_pkt_tc(p)) {
		v = BL_DNS_TRUNCATED;
		goto out;
	}
	rc = ldns_pkt_get_rcode(p);
	v = BL_DNS_ANSWER;
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
		v = chain(p, want, t, out);
	} else {
		const ldns_lookup_table *lt =
			ldns_lookup_by_id(ldns_rcodes, (int)rc);
		char why[64];

		snprintf(why, sizeof(why), "%s", lt ? lt->name : "bad RCODE");
		tempfail(out, why);
	}
out:
	ldns_pkt_free(p);
	ldns_rdf_deep_free(want);
	return v;
}

/* --- record files -------------------------------------------------------- */

char *
bl_dns_record_line(enum bl_dns_type t, const char *subject,
		   const struct bl_dns_answer *a)
{
	struct bl_buf b;
	size_t i;

	bl_buf_init(&b);
	bl_buf_printf(&b, "%s %s %s", bl_dns_type_name(t), subject,
		      bl_dns_status_name(a->status));
	/* names are escaped (name_text): none starts with "cname=" */
	for (i = 0; a->status == BL_DNS_FOUND && i < a->n; i++)
		bl_buf_printf(&b, " %s", a->data[i]);
	if (a->status != BL_DNS_TEMPFAIL)
		for (i = 0; i < a->ncnames; i++)
			bl_buf_printf(&b, " cname=%s", a->cnames[i]);
	if (a->status == BL_DNS_TEMPFAIL) {
		struct bl_dns_answer clean;

		memset(&clean, 0, sizeof(clean));
		set_why(&clean, a->why);
		bl_buf_printf(&b, " %s", clean.why);
	}
	bl_buf_addc(&b, '\n');
	return bl_buf_steal(&b);
}

/* replay_line - one line's answer; an error message (static) or NULL */
static const char *
replay_line(char *line, enum bl_dns_type *t, char *subject, size_t ssize,
	    struct bl_dns_answer *a)
{
	char *save = NULL, *w, norm[BL_DNS_NAME_MAX];
	const char *type = strtok_r(line, " \t", &save);
	const char *subj = strtok_r(NULL, " \t", &save);
	const char *st = strtok_r(NULL, " \t", &save);
	unsigned char bin[16];
	int af;

	if (type == NULL || subj == NULL || st == NULL)
		return "expected: TYPE SUBJECT STATUS [DATA...]";
	if (strcmp(type, "a") == 0)
		*t = BL_DNS_A;
	else if (strcmp(type, "aaaa") == 0)
		*t = BL_DNS_AAAA;
	else if (strcmp(type, "ptr") == 0)
		*t = BL_DNS_PTR;
	else
		return "unknown type (a, aaaa or ptr)";
	if (*t == BL_DNS_PTR
		    ? norm_addr(subj, subject, ssize, &af, bin) < 0
		    : norm_name(subj, subject, ssize) < 0)
		return *t == BL_DNS_PTR ? "a ptr subject is an IP address"
					: "the subject is not a domain name";
	if (strcmp(st, "found") == 0)
		a->status = BL_DNS_FOUND;
	else if (strcmp(st, "nxdomain") == 0)
		a->status = BL_DNS_NXDOMAIN;
	else if (strcmp(st, "nodata") == 0)
		a->status = BL_DNS_NODATA;
	else if (strcmp(st, "tempfail") == 0)
		a->status = BL_DNS_TEMPFAIL;
	else
		return "unknown status (found, nxdomain, nodata or tempfail)";
	if (a->status == BL_DNS_TEMPFAIL) {
		w = save != NULL ? save + strspn(save, " \t") : NULL;
		set_why(a, w != NULL ? w : "");
		return NULL;
	}
	while ((w = strtok_r(NULL, " \t", &save)) != NULL) {
		if (strncmp(w, "cname=", 6) == 0) {
			if (norm_name(w + 6, norm, sizeof(norm)) < 0)
				return "a cname= target is not a domain name";
			if (a->ncnames >= BL_DNS_MAX_CNAMES)
				return "more cname= targets than bannerlint "
				       "follows";
			add_cname(a, bl_xstrdup(norm));
			continue;
		}
		if (a->status != BL_DNS_FOUND)
			return "only a found answer has data";
		if (*t == BL_DNS_PTR) {
			if (norm_name(w, norm, sizeof(norm)) < 0)
				return "ptr data is a domain name";
		} else if (inet_pton(*t == BL_DNS_A ? AF_INET : AF_INET6, w,
				     bin) != 1 ||
			   inet_ntop(*t == BL_DNS_A ? AF_INET : AF_INET6, bin,
				     norm, sizeof(norm)) == NULL) {
			return *t == BL_DNS_A ? "a data are IPv4 addresses"
					      : "aaaa data are IPv6 addresses";
		}
		if (a->n >= BL_DNS_MAX_DATA)
			return "more records than bannerlint keeps";
		add_data(a, bl_xstrdup(norm));
	}
	if (a->status == BL_DNS_FOUND && a->n == 0)
		return "a found answer needs its data";
	return NULL;
}

int
bl_dns_replay_parse(const char *path, const char *text, size_t len,
		    void (*each)(void *ctx, enum bl_dns_type t,
				 const char *subject,
				 const struct bl_dns_answer *a),
		    void *ctx, struct bl_diags *d)
{
	char *line = bl_xmalloc(MAX_LINE + 1), subject[BL_DNS_NAME_MAX];
	size_t pos = 0;
	unsigned lineno = 0;
	int r = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct bl_dns_answer a;
		enum bl_dns_type t;
		const char *err;
		char *s;

		lineno++;
		if (n > MAX_LINE) {
			bl_diags_add(d, BL_LEVEL_ERROR, path, lineno, 0,
				     "line longer than %u bytes",
				     (unsigned)MAX_LINE);
			r = -1;
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (memchr(line, '\0', n) != NULL) {
			bl_diags_add(d, BL_LEVEL_ERROR, path, lineno, 0,
				     "a NUL byte in a record file");
			r = -1;
			break;
		}
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		memset(&a, 0, sizeof(a));
		err = replay_line(s, &t, subject, sizeof(subject), &a);
		if (err != NULL) {
			bl_dns_answer_finish(&a);
			bl_diags_add(d, BL_LEVEL_ERROR, path, lineno, 0, "%s",
				     err);
			r = -1;
			break;
		}
		each(ctx, t, subject, &a);
		bl_dns_answer_finish(&a);
	}
	free(line);
	return r;
}

/* --- the resolver -------------------------------------------------------- */

enum wire {
	W_NONE,     /* not on the wire */
	W_UDP,      /* a datagram is out */
	W_TCP_CONN, /* connecting */
	W_TCP_SEND,
	W_TCP_RECV,
};

struct entry {
	struct entry *hnext;  /* the hash chain */
	struct entry *qnext;  /* the queue of questions to send */
	enum bl_dns_type t;
	char *subject;
	bool confirm;  /* on an answer, want the next level of the tree */
	bool invalid;  /* not a name or address: never asked, never recorded */
	bool queued;
	struct bl_dns_answer a; /* status PENDING until answered */
	/* the resolver thread's */
	char *qname;        /* the name asked (after CNAMEs), once asked */
	enum wire w;
	uint16_t id;
	unsigned tries;
	unsigned wait_ms;   /* this attempt's */
	uint64_t started;   /* the question's first send */
	uint64_t deadline;  /* this attempt's end */
	char **cnames;      /* followed across queries */
	size_t ncnames;
	int fd;             /* TCP */
	uint8_t *buf;       /* TCP: what is sent, then what comes back */
	size_t blen, bdone;
};

struct bl_dns {
	struct bl_dns_opts o;
	char *file;
	pthread_mutex_t mu;
	pthread_cond_t answered;
	struct entry **tab;
	size_t tabsize, count;
	struct entry *qhead, *qtail;
	/* the resolver thread */
	pthread_t thread;
	bool running, stop;
	int wake[2];
	int udp;
	struct sockaddr_storage server;
	socklen_t serverlen;
	char servername[INET6_ADDRSTRLEN + 8];
	struct entry **byid;  /* 65536: the queries on the wire by ID */
	struct entry **flight;
	size_t nflight;
	uint64_t first;       /* the run's first send */
	bool budget_spent;
	struct bl_dns_stats st;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static size_t
hash(enum bl_dns_type t, const char *s)
{
	size_t h = 5381u + (size_t)t;

	while (*s != '\0')
		h = h * 33u + (unsigned char)*s++;
	return h;
}

static struct entry *
find(struct bl_dns *dns, enum bl_dns_type t, const char *subject)
{
	struct entry *e;

	if (dns->tabsize == 0)
		return NULL;
	for (e = dns->tab[hash(t, subject) & (dns->tabsize - 1)]; e != NULL;
	     e = e->hnext)
		if (e->t == t && strcmp(e->subject, subject) == 0)
			return e;
	return NULL;
}

static struct entry *
insert(struct bl_dns *dns, enum bl_dns_type t, const char *subject)
{
	struct entry *e;
	size_t i;

	if (dns->count + 1 > dns->tabsize / 2) {
		size_t n = dns->tabsize ? dns->tabsize * 2 : 256;
		struct entry **tab = bl_xcalloc(n, sizeof(*tab));

		for (i = 0; i < dns->tabsize; i++)
			while (dns->tab[i] != NULL) {
				struct entry *x = dns->tab[i];
				size_t h = hash(x->t, x->subject) & (n - 1);

				dns->tab[i] = x->hnext;
				x->hnext = tab[h];
				tab[h] = x;
			}
		free(dns->tab);
		dns->tab = tab;
		dns->tabsize = n;
	}
	e = bl_xcalloc(1, sizeof(*e));
	e->t = t;
	e->subject = bl_xstrdup(subject);
	e->a.status = BL_DNS_PENDING;
	e->fd = -1;
	i = hash(t, subject) & (dns->tabsize - 1);
	e->hnext = dns->tab[i];
	dns->tab[i] = e;
	dns->count++;
	dns->st.questions++;
	return e;
}

static struct entry *want_locked(struct bl_dns *dns, enum bl_dns_type t,
				 const char *subject, bool confirm);

/* descend - a confirmation of a found e goes one level down the tree:
 * the PTR of every address, the A/AAAA of every PTR name (entries never
 * move, so e->a stays put while the table grows) */
static void
descend(struct bl_dns *dns, const struct entry *e)
{
	size_t i;

	for (i = 0; e->a.status == BL_DNS_FOUND && i < e->a.n; i++)
		if (e->t == BL_DNS_PTR) {
			want_locked(dns, BL_DNS_A, e->a.data[i], false);
			want_locked(dns, BL_DNS_AAAA, e->a.data[i], false);
		} else {
			want_locked(dns, BL_DNS_PTR, e->a.data[i], true);
		}
}

/* answer - e is answered (under the lock): the waiters are told, and a
 * confirmation goes one level down the tree */

static void
answer(struct bl_dns *dns, struct entry *e, struct bl_dns_answer *a)
{
	size_t i;

	/* the CNAMEs followed by earlier queries come first */
	if (e->ncnames > 0 && a->status != BL_DNS_TEMPFAIL) {
		char **v = bl_xreallocarray(NULL, e->ncnames + a->ncnames,
					    sizeof(*v));

		memcpy(v, e->cnames, e->ncnames * sizeof(*v));
		if (a->ncnames > 0)
			memcpy(v + e->ncnames, a->cnames,
			       a->ncnames * sizeof(*v));
		free(a->cnames);
		free(e->cnames);
		a->cnames = v;
		a->ncnames += e->ncnames;
	} else {
		for (i = 0; i < e->ncnames; i++)
			free(e->cnames[i]);
		free(e->cnames);
	}
	e->cnames = NULL;
	e->ncnames = 0;
	e->a = *a;
	if (e->a.status == BL_DNS_PENDING)
		tempfail(&e->a, "no answer");
	pthread_cond_broadcast(&dns->answered);
	if (e->confirm)
		descend(dns, e);
}

static void
answer_fail(struct bl_dns *dns, struct entry *e, const char *why)
{
	struct bl_dns_answer a;

	memset(&a, 0, sizeof(a));
	tempfail(&a, why);
	answer(dns, e, &a);
}

/* want_locked - the entry of a question, asked if new */
static struct entry *
want_locked(struct bl_dns *dns, enum bl_dns_type t, const char *subject,
	    bool confirm)
{
	char norm[BL_DNS_NAME_MAX], q[BL_DNS_NAME_MAX];
	unsigned char bin[16];
	struct entry *e;
	int af;

	if (t == BL_DNS_PTR ? norm_addr(subject, norm, sizeof(norm), &af,
					bin) < 0
			    : norm_name(subject, norm, sizeof(norm)) < 0) {
		/* kept under the subject as given, answered at once */
		snprintf(norm, sizeof(norm), "%s", subject);
		e = find(dns, t, norm);
		if (e == NULL) {
			e = insert(dns, t, norm);
			e->invalid = true;
			answer_fail(dns, e,
				    t == BL_DNS_PTR ? "not an IP address"
						    : "not a domain name");
		}
		return e;
	}
	e = find(dns, t, norm);
	if (e != NULL) {
		if (confirm && !e->confirm) {
			e->confirm = true;
			descend(dns, e); /* when answered already */
		}
		return e;
	}
	if (dns->count >= MAX_QUESTIONS) {
		e = insert(dns, t, norm);
		answer_fail(dns, e, "too many questions in one run");
		return e;
	}
	e = insert(dns, t, norm);
	e->confirm = confirm;
	if (dns->o.mode == BL_DNS_REPLAY) {
		answer_fail(dns, e, "not in the replay file");
		return e;
	}
	if (bl_dns_query_name(t, norm, q, sizeof(q)) < 0) {
		answer_fail(dns, e, "cannot be asked");
		return e;
	}
	e->qname = bl_xstrdup(q);
	e->queued = true;
	if (dns->qtail != NULL)
		dns->qtail->qnext = e;
	else
		dns->qhead = e;
	dns->qtail = e;
	if (dns->running) {
		ssize_t r = write(dns->wake[1], "w", 1);

		(void)r; /* a full pipe wakes the thread just as well */
	}
	return e;
}

void
bl_dns_want(struct bl_dns *dns, enum bl_dns_type t, const char *subject)
{
	pthread_mutex_lock(&dns->mu);
	want_locked(dns, t, subject, false);
	pthread_mutex_unlock(&dns->mu);
}

void
bl_dns_confirm(struct bl_dns *dns, const char *subject)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	int af;

	pthread_mutex_lock(&dns->mu);
	if (norm_addr(subject, buf, sizeof(buf), &af, bin) == 0) {
		want_locked(dns, BL_DNS_PTR, subject, true);
	} else {
		want_locked(dns, BL_DNS_A, subject, true);
		want_locked(dns, BL_DNS_AAAA, subject, true);
	}
	pthread_mutex_unlock(&dns->mu);
}

const struct bl_dns_answer *
bl_dns_get(struct bl_dns *dns, enum bl_dns_type t, const char *subject)
{
	struct entry *e;

	pthread_mutex_lock(&dns->mu);
	e = want_locked(dns, t, subject, false);
	while (e->a.status == BL_DNS_PENDING)
		pthread_cond_wait(&dns->answered, &dns->mu);
	pthread_mutex_unlock(&dns->mu);
	return &e->a;
}

void
bl_dns_stats(struct bl_dns *dns, struct bl_dns_stats *st)
{
	pthread_mutex_lock(&dns->mu);
	*st = dns->st;
	pthread_mutex_unlock(&dns->mu);
}

/* --- on the wire (the resolver thread, under the lock) ----------------- */

static void
off_wire(struct bl_dns *dns, struct entry *e)
{
	size_t i;

	if (e->w == W_NONE)
		return;
	if (dns->byid[e->id] == e)
		dns->byid[e->id] = NULL;
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	free(e->buf);
	e->buf = NULL;
	e->blen = e->bdone = 0;
	e->w = W_NONE;
	for (i = 0; i < dns->nflight; i++)
		if (dns->flight[i] == e) {
			dns->flight[i] = dns->flight[--dns->nflight];
			break;
		}
}

static uint16_t
new_id(struct bl_dns *dns)
{
	uint16_t id;

	do
		id = (uint16_t)arc4random_uniform(65536u);
	while (dns->byid[id] != NULL);
	return id;
}

/* send_udp - (re)send e's query; false when it cannot be sent (e is
 * answered then) */
static bool
send_udp(struct bl_dns *dns, struct entry *e)
{
	uint8_t *wire;
	size_t len;

	if (bl_dns_build(e->qname, e->t, e->id, &wire, &len) < 0) {
		off_wire(dns, e);
		answer_fail(dns, e, "cannot build the query");
		return false;
	}
	dns->st.sent++;
	if (sendto(dns->udp, wire, len, 0,
		   (const struct sockaddr *)&dns->server,
		   dns->serverlen) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
		char why[96];

		snprintf(why, sizeof(why), "cannot send to %s: %s",
			 dns->servername, strerror(errno));
		free(wire);
		off_wire(dns, e);
		answer_fail(dns, e, why);
		return false;
	}
	/* a datagram that the kernel did not take is a lost one: the
	 * retry timer sends it again */
	free(wire);
	return true;
}

/* start - put a queued question on the wire */
static void
start(struct bl_dns *dns, struct entry *e, uint64_t now)
{
	e->id = new_id(dns);
	dns->byid[e->id] = e;
	dns->flight[dns->nflight++] = e;
	if (dns->nflight > dns->st.max_inflight)
		dns->st.max_inflight = dns->nflight;
	e->w = W_UDP;
	e->tries = 1;
	e->wait_ms = dns->o.timeout_ms;
	if (e->started == 0)
		e->started = now;
	e->deadline = now + e->wait_ms;
	send_udp(dns, e);
}

/* start_tcp - the answer was truncated: ask again over TCP */
static void
start_tcp(struct bl_dns *dns, struct entry *e, uint64_t now)
{
	uint8_t *wire;
	size_t len;
	int fd;

	dns->st.tcp++;
	e->w = W_TCP_CONN; /* from here off_wire cleans up */
	if (bl_dns_build(e->qname, e->t, e->id, &wire, &len) < 0) {
		off_wire(dns, e);
		answer_fail(dns, e, "cannot build the query");
		return;
	}
	fd = socket(dns->server.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || (connect(fd, (const struct sockaddr *)&dns->server,
			       dns->serverlen) < 0 &&
		       errno != EINPROGRESS)) {
		char why[96];

		snprintf(why, sizeof(why), "TCP to %s: %s", dns->servername,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		free(wire);
		off_wire(dns, e);
		answer_fail(dns, e, why);
		return;
	}
	e->fd = fd;
	free(e->buf);
	e->buf = bl_xmalloc(len + 2);
	e->buf[0] = (uint8_t)(len >> 8);
	e->buf[1] = (uint8_t)len;
	memcpy(e->buf + 2, wire, len);
	free(wire);
	e->blen = len + 2;
	e->bdone = 0;
	dns->st.sent++;
	/* TCP gets what is left of the question's budget */
	e->deadline = e->started + dns->o.query_ms;
	if (e->deadline < now + 1)
		e->deadline = now + 1;
}

/* handle - what a packet says about e */
static void
handle(struct bl_dns *dns, struct entry *e, const uint8_t *pkt, size_t n,
       uint64_t now)
{
	struct bl_dns_answer a;
	enum bl_dns_verdict v = bl_dns_parse(pkt, n, e->id, e->qname, e->t, &a);
	size_t i, k;

	switch (v) {
	case BL_DNS_IGNORE:
		dns->st.ignored++;
		return;
	case BL_DNS_TRUNCATED:
		if (e->w == W_UDP) {
			start_tcp(dns, e, now); /* same ID, same slot */
		} else {
			off_wire(dns, e);
			answer_fail(dns, e, "truncated answer over TCP");
		}
		return;
	case BL_DNS_CNAME:
		off_wire(dns, e);
		for (i = 0; i < a.ncnames; i++) {
			for (k = 0; k < e->ncnames; k++)
				if (bl_dns_same_name(e->cnames[k],
						     a.cnames[i]))
					break;
			if (k < e->ncnames ||
			    bl_dns_same_name(a.cnames[i], e->subject)) {
				bl_dns_answer_finish(&a);
				answer_fail(dns, e, "CNAME loop");
				return;
			}
			if (e->ncnames >= BL_DNS_MAX_CNAMES) {
				bl_dns_answer_finish(&a);
				answer_fail(dns, e, "CNAME chain too long");
				return;
			}
			e->cnames = bl_xreallocarray(e->cnames, e->ncnames + 1,
						     sizeof(*e->cnames));
			e->cnames[e->ncnames++] = a.cnames[i];
			a.cnames[i] = NULL;
		}
		free(e->qname);
		e->qname = bl_xstrdup(e->cnames[e->ncnames - 1]);
		bl_dns_answer_finish(&a);
		start(dns, e, now);
		return;
	case BL_DNS_ANSWER:
		off_wire(dns, e);
		if (e->ncnames + a.ncnames > BL_DNS_MAX_CNAMES &&
		    a.status != BL_DNS_TEMPFAIL)
			tempfail(&a, "CNAME chain too long");
		answer(dns, e, &a);
		return;
	}
}

/* read_udp - every datagram waiting */
static void
read_udp(struct bl_dns *dns, uint64_t now)
{
	uint8_t pkt[MAX_UDP];
	struct sockaddr_storage from;
	unsigned budget = 4096; /* bounded: a flood cannot hold the loop */

	while (budget-- > 0) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(dns->udp, pkt, sizeof(pkt), 0,
				     (struct sockaddr *)&from, &fl);
		struct entry *e;

		if (n < 0)
			return;
		/* only the server's answers count */
		if (fl != dns->serverlen ||
		    memcmp(&from, &dns->server, fl) != 0 || n < 12) {
			dns->st.ignored++;
			continue;
		}
		e = dns->byid[((unsigned)pkt[0] << 8) | pkt[1]];
		if (e == NULL || e->w != W_UDP) {
			dns->st.ignored++;
			continue;
		}
		handle(dns, e, pkt, (size_t)n, now);
	}
}

/* step_tcp - move e's TCP exchange on */
static void
step_tcp(struct bl_dns *dns, struct entry *e, short revents, uint64_t now)
{
	ssize_t n;
	char why[96];

	if (e->w == W_TCP_CONN) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err != 0) {
			snprintf(why, sizeof(why), "TCP to %s: %s",
				 dns->servername, strerror(err));
			off_wire(dns, e);
			answer_fail(dns, e, why);
			return;
		}
		e->w = W_TCP_SEND;
	}
	if (e->w == W_TCP_SEND && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		n = send(e->fd, e->buf + e->bdone, e->blen - e->bdone,
			 MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			snprintf(why, sizeof(why), "TCP to %s: %s",
				 dns->servername, strerror(errno));
			off_wire(dns, e);
			answer_fail(dns, e, why);
			return;
		}
		if (n > 0)
			e->bdone += (size_t)n;
		if (e->bdone == e->blen) {
			free(e->buf);
			e->buf = bl_xmalloc(2);
			e->blen = 2; /* the length first */
			e->bdone = 0;
			e->w = W_TCP_RECV;
		}
		return;
	}
	if (e->w == W_TCP_RECV && (revents & (POLLIN | POLLERR | POLLHUP))) {
		n = recv(e->fd, e->buf + e->bdone, e->blen - e->bdone, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN &&
			       errno != EWOULDBLOCK)) {
			snprintf(why, sizeof(why), "TCP to %s: %s",
				 dns->servername,
				 n == 0 ? "closed before the answer"
					: strerror(errno));
			off_wire(dns, e);
			answer_fail(dns, e, why);
			return;
		}
		if (n < 0)
			return;
		e->bdone += (size_t)n;
		if (e->bdone < e->blen)
			return;
		if (e->blen == 2) {
			size_t len = ((size_t)e->buf[0] << 8) | e->buf[1];

			if (len < 12) {
				off_wire(dns, e);
				answer_fail(dns, e, "short answer over TCP");
				return;
			}
			free(e->buf);
			e->buf = bl_xmalloc(len);
			e->blen = len;
			e->bdone = 0;
			return;
		}
		{
			uint8_t *pkt = e->buf;
			size_t len = e->blen;

			e->buf = NULL; /* handle may take e off the wire */
			handle(dns, e, pkt, len, now);
			free(pkt);
			if (e->w == W_TCP_RECV) {
				/* not the answer: TCP brings one message */
				off_wire(dns, e);
				answer_fail(dns, e, "bad answer over TCP");
			}
		}
	}
}

/* expire - retries and budgets */
static void
expire(struct bl_dns *dns, uint64_t now)
{
	size_t i;

	if (!dns->budget_spent && dns->first != 0 &&
	    now >= dns->first + dns->o.budget_ms)
		dns->budget_spent = true;
	if (dns->budget_spent) {
		char why[96];

		snprintf(why, sizeof(why),
			 "the run's DNS time budget (%u ms) is spent",
			 dns->o.budget_ms);
		while (dns->nflight > 0) {
			struct entry *e = dns->flight[0];

			off_wire(dns, e);
			answer_fail(dns, e, why);
		}
		while (dns->qhead != NULL) {
			struct entry *e = dns->qhead;

			dns->qhead = e->qnext;
			e->queued = false;
			answer_fail(dns, e, why);
		}
		dns->qtail = NULL;
		return;
	}
	for (i = 0; i < dns->nflight;) {
		struct entry *e = dns->flight[i];

		if (now < e->deadline) {
			i++;
			continue;
		}
		if (e->w == W_UDP && e->tries < dns->o.tries &&
		    now < e->started + dns->o.query_ms) {
			uint64_t end = e->started + dns->o.query_ms;

			e->tries++;
			e->wait_ms *= 2; /* backoff */
			e->deadline = now + e->wait_ms < end ? now + e->wait_ms
							      : end;
			if (send_udp(dns, e))
				i++;
			continue;
		}
		{
			char why[96];

			snprintf(why, sizeof(why),
				 "timeout: no answer from %s after %u "
				 "%s",
				 dns->servername,
				 e->w == W_UDP ? e->tries : 1u,
				 e->w == W_UDP ? (e->tries == 1 ? "try"
								: "tries")
					       : "TCP try");
			off_wire(dns, e);
			answer_fail(dns, e, why);
		}
		/* the array changed at i: look at i again */
	}
}

/* abandon - the run is over: every question still out is dropped */
static void
abandon(struct bl_dns *dns)
{
	while (dns->nflight > 0) {
		struct entry *e = dns->flight[0];

		off_wire(dns, e);
		e->invalid = true;
		answer_fail(dns, e, "the run ended first");
	}
	while (dns->qhead != NULL) {
		struct entry *e = dns->qhead;

		dns->qhead = e->qnext;
		e->queued = false;
		e->invalid = true;
		answer_fail(dns, e, "the run ended first");
	}
	dns->qtail = NULL;
}

static void *
resolver(void *arg)
{
	struct bl_dns *dns = arg;
	struct pollfd *pfd = bl_xcalloc(dns->o.inflight + 2, sizeof(*pfd));
	struct entry **who = bl_xcalloc(dns->o.inflight + 2, sizeof(*who));

	pthread_mutex_lock(&dns->mu);
	for (;;) {
		uint64_t now = now_ms(), next = UINT64_MAX;
		size_t i, n = 0;
		int timeout, r;

		while (dns->qhead != NULL && dns->nflight < dns->o.inflight &&
		       !dns->budget_spent) {
			struct entry *e = dns->qhead;

			dns->qhead = e->qnext;
			if (dns->qhead == NULL)
				dns->qtail = NULL;
			e->qnext = NULL;
			e->queued = false;
			if (dns->first == 0)
				dns->first = now;
			start(dns, e, now);
		}
		expire(dns, now);
		if (dns->stop) {
			/* what is still out at the end was asked ahead and
			 * never needed: it goes, unrecorded */
			abandon(dns);
			break;
		}
		pfd[n].fd = dns->wake[0];
		pfd[n].events = POLLIN;
		who[n++] = NULL;
		pfd[n].fd = dns->udp;
		pfd[n].events = POLLIN;
		who[n++] = NULL;
		for (i = 0; i < dns->nflight; i++) {
			struct entry *e = dns->flight[i];

			if (e->deadline < next)
				next = e->deadline;
			if (e->w == W_UDP)
				continue;
			pfd[n].fd = e->fd;
			pfd[n].events = e->w == W_TCP_RECV ? POLLIN : POLLOUT;
			who[n++] = e;
		}
		timeout = next == UINT64_MAX ? -1
			  : next <= now	     ? 0
					     : (int)(next - now);
		pthread_mutex_unlock(&dns->mu);
		r = poll(pfd, n, timeout);
		pthread_mutex_lock(&dns->mu);
		if (r <= 0)
			continue;
		now = now_ms();
		if (pfd[0].revents & POLLIN) {
			char drain[256];

			while (read(dns->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		if (pfd[1].revents & POLLIN)
			read_udp(dns, now);
		for (i = 2; i < n; i++)
			if (pfd[i].revents != 0 && who[i]->fd == pfd[i].fd &&
			    who[i]->w != W_NONE && who[i]->w != W_UDP)
				step_tcp(dns, who[i], pfd[i].revents, now);
	}
	pthread_mutex_unlock(&dns->mu);
	free(pfd);
	free(who);
	return NULL;
}

/* --- opening and closing ------------------------------------------------- */

int
bl_dns_resolver_parse(const char *spec, struct sockaddr_storage *ss,
		      socklen_t *sslen, char *name, size_t namesize)
{
	char host[INET6_ADDRSTRLEN + 2], port[8] = "53";
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints, *res = NULL;
	size_t hl;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return -1;
		hl = (size_t)(end - spec - 1);
		if (end[1] == ':') {
			if (strlen(end + 2) == 0 ||
			    strlen(end + 2) >= sizeof(port))
				return -1;
			snprintf(port, sizeof(port), "%s", end + 2);
		}
		spec++;
	} else if (colon != NULL && strchr(spec, ':') == colon) {
		hl = (size_t)(colon - spec);
		if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof(port))
			return -1;
		snprintf(port, sizeof(port), "%s", colon + 1);
	} else {
		hl = strlen(spec); /* an IPv6 address without a port */
	}
	if (hl == 0 || hl >= sizeof(host) ||
	    strspn(port, "0123456789") != strlen(port) ||
	    strtol(port, NULL, 10) < 1 || strtol(port, NULL, 10) > 65535)
		return -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	/* strictly numeric: getaddrinfo also takes inet_aton's "1.2.3" */
	{
		unsigned char bin[16];

		if (inet_pton(AF_INET, host, bin) != 1 &&
		    inet_pton(AF_INET6, host, bin) != 1)
			return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL)
		return -1;
	if (ss != NULL) {
		memcpy(ss, res->ai_addr, res->ai_addrlen);
		*sslen = res->ai_addrlen;
	}
	freeaddrinfo(res);
	if (name != NULL)
		snprintf(name, namesize,
			 strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	return 0;
}

/* parse_server - ADDR, ADDR:PORT, [ADDR]:PORT into dns->server */
static int
parse_server(struct bl_dns *dns, const char *spec, const char *what,
	     struct bl_diags *d)
{
	if (bl_dns_resolver_parse(spec, &dns->server, &dns->serverlen,
				  dns->servername,
				  sizeof(dns->servername)) == 0)
		return 0;
	bl_diags_add(d, BL_LEVEL_ERROR, what, 0, 0,
		     "not a resolver address (ADDR, ADDR:PORT or "
		     "[ADDR]:PORT): %s",
		     spec);
	return -1;
}

/* read_all - a whole file, at most MAX_FILE bytes; NULL with a
 * diagnostic */
static char *
read_all(const char *path, size_t *len, struct bl_diags *d)
{
	FILE *fp = fopen(path, "rb");
	struct bl_buf b;
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		bl_diags_add(d, BL_LEVEL_ERROR, path, 0, 0, "cannot read: %s",
			     strerror(errno));
		return NULL;
	}
	bl_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > MAX_FILE) {
			bl_diags_add(d, BL_LEVEL_ERROR, path, 0, 0,
				     "larger than %u MB", MAX_FILE >> 20);
			fclose(fp);
			bl_buf_finish(&b);
			return NULL;
		}
		bl_buf_add(&b, chunk, n);
	}
	if (ferror(fp)) {
		bl_diags_add(d, BL_LEVEL_ERROR, path, 0, 0, "cannot read: %s",
			     strerror(errno));
		fclose(fp);
		bl_buf_finish(&b);
		return NULL;
	}
	fclose(fp);
	*len = b.len;
	if (b.data == NULL)
		bl_buf_adds(&b, "");
	return bl_buf_steal(&b);
}

/* system_resolver - the first nameserver of resolv.conf */
static int
system_resolver(struct bl_dns *dns, const char *path, struct bl_diags *d)
{
	size_t len, pos = 0;
	char *text = read_all(path, &len, d);
	unsigned lineno = 0;

	if (text == NULL)
		return -1;
	while (pos < len) {
		char *nl = memchr(text + pos, '\n', len - pos), *s, *save = NULL;
		const char *w, *a;

		if (nl != NULL)
			*nl = '\0';
		s = text + pos;
		pos = nl ? (size_t)(nl - text) + 1 : len;
		lineno++;
		w = strtok_r(s, " \t\r", &save);
		if (w == NULL || strcmp(w, "nameserver") != 0)
			continue;
		a = strtok_r(NULL, " \t\r", &save);
		if (a == NULL)
			continue;
		{
			/* an address with a %scope is not for us */
			int r = parse_server(dns, a, path, d);

			free(text);
			return r;
		}
	}
	free(text);
	bl_diags_add(d, BL_LEVEL_ERROR, path, 0, 0,
		     "no nameserver line: give --resolver ADDR[:PORT]");
	return -1;
}

static void
replay_each(void *ctx, enum bl_dns_type t, const char *subject,
	    const struct bl_dns_answer *a)
{
	struct bl_dns *dns = ctx;
	struct entry *e = find(dns, t, subject);
	size_t i;

	if (e == NULL)
		e = insert(dns, t, subject);
	else
		bl_dns_answer_finish(&e->a); /* a later line wins */
	e->a = *a;
	e->a.data = a->n ? bl_xcalloc(a->n, sizeof(char *)) : NULL;
	e->a.cnames = a->ncnames ? bl_xcalloc(a->ncnames, sizeof(char *))
				 : NULL;
	for (i = 0; i < a->n; i++)
		e->a.data[i] = bl_xstrdup(a->data[i]);
	for (i = 0; i < a->ncnames; i++)
		e->a.cnames[i] = bl_xstrdup(a->cnames[i]);
}

/* wake_pipe - the pipe that wakes the resolver thread, non-blocking */
static int
wake_pipe(int fds[2])
{
	int i;

	if (pipe(fds) < 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) < 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0)
			return -1;
	return 0;
}

int
bl_dns_open(struct bl_dns **out, const struct bl_dns_opts *o,
	    struct bl_diags *d)
{
	struct bl_dns *dns = bl_xcalloc(1, sizeof(*dns));

	*out = NULL;
	dns->o = *o;
	dns->o.file = NULL;
	dns->o.resolver = NULL;
	dns->o.resolv_conf = NULL;
	if (dns->o.timeout_ms == 0)
		dns->o.timeout_ms = 1000;
	if (dns->o.tries == 0)
		dns->o.tries = 3;
	if (dns->o.query_ms == 0)
		dns->o.query_ms = 5000;
	if (dns->o.budget_ms == 0)
		dns->o.budget_ms = 60000;
	if (dns->o.inflight == 0)
		dns->o.inflight = 256;
	if (dns->o.timeout_ms > dns->o.query_ms)
		dns->o.timeout_ms = dns->o.query_ms;
	dns->udp = dns->wake[0] = dns->wake[1] = -1;
	if (pthread_mutex_init(&dns->mu, NULL) != 0 ||
	    pthread_cond_init(&dns->answered, NULL) != 0)
		bl_fatal("cannot set up the resolver's lock");
	if (o->file != NULL)
		dns->file = bl_xstrdup(o->file);
	if (o->mode == BL_DNS_REPLAY) {
		size_t len;
		char *text;
		int r;

		if (o->file == NULL)
			bl_fatal("replay without a file");
		text = read_all(o->file, &len, d);
		if (text == NULL) {
			bl_dns_close(dns, NULL);
			return -1;
		}
		r = bl_dns_replay_parse(o->file, text, len, replay_each, dns,
					d);
		free(text);
		if (r < 0) {
			bl_dns_close(dns, NULL);
			return -1;
		}
		*out = dns;
		return 0;
	}
	if ((o->resolver != NULL
		     ? parse_server(dns, o->resolver, "--resolver", d)
		     : system_resolver(dns,
				       o->resolv_conf ? o->resolv_conf
						      : "/etc/resolv.conf",
				       d)) < 0) {
		bl_dns_close(dns, NULL);
		return -1;
	}
	dns->udp = socket(dns->server.ss_family,
			  SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (dns->udp < 0 || wake_pipe(dns->wake) < 0) {
		bl_diags_add(d, BL_LEVEL_ERROR, "--dns", 0, 0,
			     "cannot open a socket: %s", strerror(errno));
		bl_dns_close(dns, NULL);
		return -1;
	}
	dns->byid = bl_xcalloc(65536u, sizeof(*dns->byid));
	dns->flight = bl_xcalloc(dns->o.inflight, sizeof(*dns->flight));
	if (pthread_create(&dns->thread, NULL, resolver, dns) != 0)
		bl_fatal("cannot start the resolver thread");
	pthread_mutex_lock(&dns->mu);
	dns->running = true;
	if (dns->qhead != NULL) {
		ssize_t r = write(dns->wake[1], "w", 1);

		(void)r;
	}
	pthread_mutex_unlock(&dns->mu);
	*out = dns;
	return 0;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* write_record - every answer of the run, sorted */
static int
write_record(struct bl_dns *dns, struct bl_diags *d)
{
	char **lines = bl_xcalloc(dns->count + 1, sizeof(*lines));
	size_t n = 0, i;
	struct entry *e;
	FILE *fp;
	int r = 0;

	for (i = 0; i < dns->tabsize; i++)
		for (e = dns->tab[i]; e != NULL; e = e->hnext)
			if (e->a.status != BL_DNS_PENDING && !e->invalid)
				lines[n++] = bl_dns_record_line(
					e->t, e->subject, &e->a);
	qsort(lines, n, sizeof(*lines), cmp_line);
	fp = fopen(dns->file, "w");
	if (fp == NULL) {
		bl_diags_add(d, BL_LEVEL_ERROR, dns->file, 0, 0,
			     "cannot write the DNS record: %s",
			     strerror(errno));
		r = -1;
	} else {
		fputs("# bannerlint dns 1\n", fp);
		for (i = 0; i < n; i++)
			fputs(lines[i], fp);
		if (fclose(fp) != 0) {
			bl_diags_add(d, BL_LEVEL_ERROR, dns->file, 0, 0,
				     "cannot write the DNS record: %s",
				     strerror(errno));
			r = -1;
		}
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return r;
}

int
bl_dns_close(struct bl_dns *dns, struct bl_diags *d)
{
	struct entry *e;
	size_t i;
	int r = 0;

	if (dns == NULL)
		return 0;
	if (dns->running) {
		pthread_mutex_lock(&dns->mu);
		dns->stop = true;
		{
			ssize_t w = write(dns->wake[1], "s", 1);

			(void)w;
		}
		pthread_mutex_unlock(&dns->mu);
		pthread_join(dns->thread, NULL);
	}
	if (d != NULL && dns->o.mode == BL_DNS_RECORD && dns->file != NULL)
		r = write_record(dns, d);
	for (i = 0; i < dns->tabsize; i++)
		while ((e = dns->tab[i]) != NULL) {
			size_t k;

			dns->tab[i] = e->hnext;
			if (e->fd >= 0)
				close(e->fd);
			free(e->buf);
			free(e->qname);
			for (k = 0; k < e->ncnames; k++)
				free(e->cnames[k]);
			free(e->cnames);
			bl_dns_answer_finish(&e->a);
			free(e->subject);
			free(e);
		}
	free(dns->tab);
	free(dns->byid);
	free(dns->flight);
	if (dns->udp >= 0)
		close(dns->udp);
	if (dns->wake[0] >= 0)
		close(dns->wake[0]);
	if (dns->wake[1] >= 0)
		close(dns->wake[1]);
	pthread_mutex_destroy(&dns->mu);
	pthread_cond_destroy(&dns->answered);
	free(dns->file);
	free(dns);
	return r;
}

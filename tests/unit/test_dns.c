/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_dns.c - the pure functions of src/dns.h (answer handling, query
 * names, query packets, the record/replay format) on packets built here
 * with ldns, and the resolver in replay mode from a temporary file: no
 * test touches the network.
 *
 * The expectations come from the contract in dns.h and from RFC 1034/1035
 * (answers, CNAME chains, case-insensitive names) and RFC 2308 (NXDOMAIN
 * and NODATA); each packet is as a recursive resolver would send it.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "helpers.h"
#include "dns.h"

#define QNAME "mail.example.com"
#define QID 0x4a1b

/* A response to (qname, qtype, qclass) with id and rcode: QR, RD, RA
 * set, opcode QUERY, one question; caller frees. */
static ldns_pkt *
resp_class(uint16_t id, const char *qname, ldns_rr_type qt, ldns_rr_class qc,
	   ldns_pkt_rcode rc)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *q = ldns_rr_new();
	ldns_rdf *owner = ldns_dname_new_frm_str(qname);

	assert_non_null(p);
	assert_non_null(q);
	assert_non_null(owner);
	ldns_rr_set_owner(q, owner);
	ldns_rr_set_type(q, qt);
	ldns_rr_set_class(q, qc);
	ldns_rr_set_question(q, true);
	assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q));
	ldns_pkt_set_id(p, id);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_opcode(p, LDNS_PACKET_QUERY);
	ldns_pkt_set_rcode(p, (uint8_t)rc);
	return p;
}

static ldns_pkt *
resp(uint16_t id, const char *qname, ldns_rr_type qt, ldns_pkt_rcode rc)
{
	return resp_class(id, qname, qt, LDNS_RR_CLASS_IN, rc);
}

/* add - one record in presentation form to a section */
static void
add(ldns_pkt *p, ldns_pkt_section s, const char *text)
{
	ldns_rr *rr = NULL;

	if (ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL) != LDNS_STATUS_OK)
		fail_msg("ldns cannot read the test's record \"%s\"", text);
	assert_true(ldns_pkt_push_rr(p, s, rr));
}

static void
soa(ldns_pkt *p)
{
	add(p, LDNS_SECTION_AUTHORITY,
	    "example.com. 300 IN SOA ns.example.com. host.example.com. "
	    "1 3600 600 86400 300");
}

/* wire - p in wire form; caller frees */
static uint8_t *
wire(const ldns_pkt *p, size_t *len)
{
	uint8_t *w = NULL;

	assert_int_equal(ldns_pkt2wire(&w, p, len), LDNS_STATUS_OK);
	return w;
}

/* parse - bl_dns_parse of p (freed) for (id, qname, t) */
static enum bl_dns_verdict
parse(ldns_pkt *p, uint16_t id, const char *qname, enum bl_dns_type t,
      struct bl_dns_answer *a)
{
	size_t len = 0;
	uint8_t *w = wire(p, &len);
	enum bl_dns_verdict v;

	ldns_pkt_free(p);
	memset(a, 0, sizeof(*a));
	v = bl_dns_parse(w, len, id, qname, t, a);
	free(w);
	return v;
}

static bool
has(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

#define assert_verdict(v, want) assert_int_equal((int)(v), (int)(want))
#define assert_status(a, want) assert_int_equal((int)(a).status, (int)(want))

static void
test_parse_a(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.10");
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.11");
	add(p, LDNS_SECTION_AUTHORITY,
	    "example.com. 300 IN NS ns.example.com.");
	add(p, LDNS_SECTION_ADDITIONAL, "ns.example.com. 300 IN A 192.0.2.53");
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	/* the additional section's address is not an answer */
	assert_int_equal(a.n, 2);
	assert_true(has(a.data, a.n, "192.0.2.10"));
	assert_true(has(a.data, a.n, "192.0.2.11"));
	assert_int_equal(a.ncnames, 0);
	bl_dns_answer_finish(&a);
}

/* The question's name matches without regard to case or the final dot
 * (RFC 1035 2.3.3; resolvers may randomise the case, 0x20). */
static void
test_parse_case(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, "MAIL.Example.COM.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER, "Mail.EXAMPLE.com. 300 IN A 192.0.2.10");
	assert_verdict(parse(p, QID, "mail.example.com.", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0], "192.0.2.10");
	bl_dns_answer_finish(&a);
}

static void
test_parse_aaaa(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, QNAME ".", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN AAAA 2001:DB8:0:0:0:0:0:1");
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN AAAA 2001:db8:1::25");
	assert_verdict(parse(p, QID, QNAME, BL_DNS_AAAA, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 2);
	/* inet_ntop form */
	assert_true(has(a.data, a.n, "2001:db8::1"));
	assert_true(has(a.data, a.n, "2001:db8:1::25"));
	bl_dns_answer_finish(&a);
}

/* An A record in an AAAA answer is not an address of that family. */
static void
test_parse_other_type(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, QNAME ".", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN AAAA 2001:db8::1");
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.10");
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN TXT \"192.0.2.12\"");
	assert_verdict(parse(p, QID, QNAME, BL_DNS_AAAA, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0], "2001:db8::1");
	bl_dns_answer_finish(&a);
}

static void
test_parse_ptr(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
			   LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR Mail.Example.COM.");
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR smtp.example.net.");
	assert_verdict(parse(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_PTR, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 2);
	/* lower case, without the final dot */
	assert_true(has(a.data, a.n, "mail.example.com"));
	assert_true(has(a.data, a.n, "smtp.example.net"));
	bl_dns_answer_finish(&a);
}

/* Bytes outside [A-Za-z0-9._-] in a name come out as ldns's \DDD, so
 * that a hostile PTR cannot put a control byte or a blank into a message
 * or a record file. */
static void
test_parse_odd_bytes(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
			   LDNS_RCODE_NOERROR);
	size_t i;

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR We\\032ird\\001\\127\\255."
	    "Example.com.");
	assert_verdict(parse(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_PTR, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0], "we\\032ird\\001\\127\\255.example.com");
	for (i = 0; a.data[0][i] != '\0'; i++)
		assert_true(a.data[0][i] > ' ' && a.data[0][i] < 0x7f);
	bl_dns_answer_finish(&a);
}

/* dns.h: "\DDD escapes for anything outside [A-Za-z0-9._-]", printable
 * punctuation included ('=' is the record file's own syntax). */
static void
test_parse_escape_set(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
			   LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR "
	    "a*b=c\"d/e@f_g-h.example.com.");
	assert_verdict(parse(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_PTR, &a),
		       BL_DNS_ANSWER);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0],
			    "a\\042b\\061c\\034d\\047e\\064f_g-h.example.com");
	bl_dns_answer_finish(&a);
}

/* RFC 2308 2.1: NXDOMAIN, the SOA in the authority section. */
static void
test_parse_nxdomain(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN);

	(void)state;
	soa(p);
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_NXDOMAIN);
	assert_int_equal(a.n, 0);
	bl_dns_answer_finish(&a);
}

/* RFC 2308 2.2: NODATA is NOERROR with no record of the type. */
static void
test_parse_nodata(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, QNAME ".", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);

	(void)state;
	soa(p);
	assert_verdict(parse(p, QID, QNAME, BL_DNS_AAAA, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_NODATA);
	assert_int_equal(a.n, 0);
	bl_dns_answer_finish(&a);
}

/* RFC 2308 2.2, NODATA type 3: nothing in the authority section. */
static void
test_parse_nodata_bare(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, QNAME ".", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);

	(void)state;
	assert_verdict(parse(p, QID, QNAME, BL_DNS_AAAA, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_NODATA);
	bl_dns_answer_finish(&a);
}

/* RFC 2308 2.2: NOERROR, no answer, NS records and no SOA in the
 * authority section is a referral (a server that does not recurse), not
 * NODATA: that the name has no address is not known. */
static void
test_parse_referral(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	enum bl_dns_verdict v;

	(void)state;
	ldns_pkt_set_ra(p, false);
	add(p, LDNS_SECTION_AUTHORITY,
	    "example.com. 300 IN NS ns1.example.com.");
	add(p, LDNS_SECTION_AUTHORITY,
	    "example.com. 300 IN NS ns2.example.com.");
	add(p, LDNS_SECTION_ADDITIONAL, "ns1.example.com. 300 IN A 192.0.2.53");
	v = parse(p, QID, QNAME, BL_DNS_A, &a);
	assert_verdict(v, BL_DNS_ANSWER);
	if (a.status != BL_DNS_TEMPFAIL)
		fail_msg("a referral is %s, not tempfail",
			 bl_dns_status_name(a.status));
	assert_int_equal(a.n, 0);
	bl_dns_answer_finish(&a);
}

/* RFC 2308 2.2: NODATA at the end of a chain (the SOA says the chain's
 * end has no record of the type); the chain is part of the evidence. */
static void
test_parse_cname_nodata(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "www.example.com.", LDNS_RR_TYPE_AAAA,
			   LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "www.example.com. 300 IN CNAME web.example.com.");
	soa(p);
	assert_verdict(parse(p, QID, "www.example.com", BL_DNS_AAAA, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_NODATA);
	assert_int_equal(a.n, 0);
	assert_int_equal(a.ncnames, 1);
	assert_string_equal(a.cnames[0], "web.example.com");
	bl_dns_answer_finish(&a);
}

/* SERVFAIL, REFUSED (and the other failure RCODEs) are temporary: never
 * "no such name". */
static void
tempfail_rcode(ldns_pkt_rcode rc, const char *why)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, rc);

	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_TEMPFAIL);
	assert_int_equal(a.n, 0);
	assert_true(a.why[0] != '\0');
	if (why != NULL && strstr(a.why, why) == NULL)
		fail_msg("why \"%s\" does not name %s", a.why, why);
	bl_dns_answer_finish(&a);
}

static void
test_parse_tempfail(void **state)
{
	(void)state;
	tempfail_rcode(LDNS_RCODE_SERVFAIL, "SERVFAIL");
	tempfail_rcode(LDNS_RCODE_REFUSED, "REFUSED");
	tempfail_rcode(LDNS_RCODE_NOTIMPL, NULL);
	tempfail_rcode(LDNS_RCODE_FORMERR, NULL);
}

static void
test_parse_truncated(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	ldns_pkt_set_tc(p, true);
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.10");
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_TRUNCATED);
	bl_dns_answer_finish(&a);
	/* TC without any record, as servers send when nothing fits */
	p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	ldns_pkt_set_tc(p, true);
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_TRUNCATED);
	bl_dns_answer_finish(&a);
}

/* Packets that are not the answer to this query: keep waiting. */
static void
ignored(ldns_pkt *p, uint16_t id, const char *qname, enum bl_dns_type t,
	const char *what)
{
	struct bl_dns_answer a;
	enum bl_dns_verdict v = parse(p, id, qname, t, &a);

	if (v != BL_DNS_IGNORE)
		fail_msg("%s: verdict %d, not IGNORE", what, (int)v);
	bl_dns_answer_finish(&a);
}

static ldns_pkt *
good_a(uint16_t id, const char *qname, ldns_rr_type qt, ldns_rr_class qc)
{
	ldns_pkt *p = resp_class(id, qname, qt, qc, LDNS_RCODE_NOERROR);
	char rr[256];

	snprintf(rr, sizeof(rr), "%s 300 IN A 192.0.2.10", qname);
	add(p, LDNS_SECTION_ANSWER, rr);
	return p;
}

static void
test_parse_ignore(void **state)
{
	ldns_pkt *p;

	(void)state;
	ignored(good_a(QID + 1, QNAME ".", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
		QID, QNAME, BL_DNS_A, "wrong ID");
	ignored(
	    good_a(QID, "mx.example.com.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
	    QID, QNAME, BL_DNS_A, "wrong question name");
	ignored(good_a(QID, "mail.example.com.example.com.", LDNS_RR_TYPE_A,
		       LDNS_RR_CLASS_IN),
		QID, QNAME, BL_DNS_A, "question name longer");
	ignored(good_a(QID, QNAME ".", LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN),
		QID, QNAME, BL_DNS_A, "wrong question type");
	ignored(good_a(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH), QID,
		QNAME, BL_DNS_A, "wrong question class");
	p = good_a(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	ldns_pkt_set_qr(p, false);
	ignored(p, QID, QNAME, BL_DNS_A, "QR not set (a query)");
	p = good_a(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY);
	ignored(p, QID, QNAME, BL_DNS_A, "opcode NOTIFY");
	/* a SERVFAIL for another query is not a failure of this one */
	p = resp(QID + 7, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_SERVFAIL);
	ignored(p, QID, QNAME, BL_DNS_A, "SERVFAIL with the wrong ID");
	p = resp(QID, "other.example.com.", LDNS_RR_TYPE_A,
		 LDNS_RCODE_NXDOMAIN);
	ignored(p, QID, QNAME, BL_DNS_A, "NXDOMAIN of another name");
	/* no question section: nothing says it is ours */
	p = ldns_pkt_new();
	ldns_pkt_set_id(p, QID);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, LDNS_RCODE_FORMERR);
	ignored(p, QID, QNAME, BL_DNS_A, "no question");
	/* the PTR question asked as A */
	p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
		 LDNS_RCODE_NOERROR);
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.");
	ignored(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_A, "PTR for an A");
}

/* RFC 1034 3.6.2, 4.3.2: the chain followed in one packet. */
static void
test_parse_cname_chain(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, "www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "www.example.com. 300 IN CNAME Web.Example.com.");
	add(p, LDNS_SECTION_ANSWER,
	    "web.example.com. 300 IN CNAME host.example.net.");
	add(p, LDNS_SECTION_ANSWER, "host.example.net. 300 IN A 192.0.2.20");
	assert_verdict(parse(p, QID, "www.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0], "192.0.2.20");
	assert_int_equal(a.ncnames, 2);
	assert_string_equal(a.cnames[0], "web.example.com");
	assert_string_equal(a.cnames[1], "host.example.net");
	bl_dns_answer_finish(&a);
}

/* The same chain with the records in another order (the chain is
 * followed by name, not by position). */
static void
test_parse_cname_unordered(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, "www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER, "host.example.net. 300 IN A 192.0.2.20");
	add(p, LDNS_SECTION_ANSWER,
	    "web.example.com. 300 IN CNAME host.example.net.");
	add(p, LDNS_SECTION_ANSWER,
	    "www.example.com. 300 IN CNAME web.example.com.");
	/* an address of a name off the chain */
	add(p, LDNS_SECTION_ANSWER, "web.example.net. 300 IN A 192.0.2.66");
	assert_verdict(parse(p, QID, "www.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.ncnames, 2);
	assert_string_equal(a.cnames[0], "web.example.com");
	assert_string_equal(a.cnames[1], "host.example.net");
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0], "192.0.2.20");
	bl_dns_answer_finish(&a);
}

/* A chain that ends without the records: ask its end again. */
static void
test_parse_cname_open(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "www.example.com.", LDNS_RR_TYPE_AAAA,
			   LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "www.example.com. 300 IN CNAME web.example.com.");
	add(p, LDNS_SECTION_ANSWER,
	    "web.example.com. 300 IN CNAME edge.example.net.");
	assert_verdict(parse(p, QID, "www.example.com", BL_DNS_AAAA, &a),
		       BL_DNS_CNAME);
	assert_status(a, BL_DNS_PENDING);
	assert_int_equal(a.n, 0);
	assert_int_equal(a.ncnames, 2);
	assert_string_equal(a.cnames[1], "edge.example.net");
	bl_dns_answer_finish(&a);
}

/* RFC 6604: the RCODE of a chain's answer is that of its last name. An
 * NXDOMAIN at the end of a chain is no such name (or, read as an open
 * chain, a question for the end: never a record, never IGNORE). */
static void
test_parse_cname_nxdomain(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, "www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN);
	enum bl_dns_verdict v;

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "www.example.com. 300 IN CNAME gone.example.net.");
	soa(p);
	v = parse(p, QID, "www.example.com", BL_DNS_A, &a);
	if (v == BL_DNS_ANSWER) {
		assert_status(a, BL_DNS_NXDOMAIN);
		assert_true(a.ncnames <= 1);
	} else {
		assert_verdict(v, BL_DNS_CNAME);
		assert_status(a, BL_DNS_PENDING);
		assert_int_equal(a.ncnames, 1);
	}
	assert_int_equal(a.n, 0);
	if (a.ncnames == 1)
		assert_string_equal(a.cnames[0], "gone.example.net");
	bl_dns_answer_finish(&a);
}

static void
test_parse_cname_loop(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p =
	    resp(QID, "a.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "a.example.com. 300 IN CNAME b.example.com.");
	add(p, LDNS_SECTION_ANSWER,
	    "b.example.com. 300 IN CNAME A.example.com.");
	assert_verdict(parse(p, QID, "a.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_TEMPFAIL);
	assert_true(a.why[0] != '\0');
	bl_dns_answer_finish(&a);

	/* to itself */
	p = resp(QID, "a.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	add(p, LDNS_SECTION_ANSWER,
	    "a.example.com. 300 IN CNAME a.example.com.");
	assert_verdict(parse(p, QID, "a.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_TEMPFAIL);
	bl_dns_answer_finish(&a);
}

/* A chain of n CNAMEs from c0.example.com to c<n>.example.com, which has
 * an address. */
static ldns_pkt *
chain(size_t n)
{
	ldns_pkt *p =
	    resp(QID, "c0.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	char rr[128];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(rr, sizeof(rr),
			 "c%zu.example.com. 300 IN CNAME c%zu.example.com.", i,
			 i + 1);
		add(p, LDNS_SECTION_ANSWER, rr);
	}
	snprintf(rr, sizeof(rr), "c%zu.example.com. 300 IN A 192.0.2.30", n);
	add(p, LDNS_SECTION_ANSWER, rr);
	return p;
}

static void
test_parse_cname_bound(void **state)
{
	struct bl_dns_answer a;
	char want[64];

	(void)state;
	/* BL_DNS_MAX_CNAMES are followed */
	assert_verdict(parse(chain(BL_DNS_MAX_CNAMES), QID, "c0.example.com",
			     BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.ncnames, BL_DNS_MAX_CNAMES);
	snprintf(want, sizeof(want), "c%d.example.com", BL_DNS_MAX_CNAMES);
	assert_string_equal(a.cnames[BL_DNS_MAX_CNAMES - 1], want);
	assert_string_equal(a.data[0], "192.0.2.30");
	bl_dns_answer_finish(&a);
	/* one more is a temporary failure */
	assert_verdict(parse(chain(BL_DNS_MAX_CNAMES + 1), QID,
			     "c0.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_TEMPFAIL);
	assert_true(a.ncnames <= BL_DNS_MAX_CNAMES);
	bl_dns_answer_finish(&a);
	/* far more */
	assert_verdict(parse(chain(200), QID, "c0.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_TEMPFAIL);
	assert_true(a.ncnames <= BL_DNS_MAX_CNAMES);
	bl_dns_answer_finish(&a);
}

static void
test_parse_many(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	char rr[128];
	size_t i;

	(void)state;
	for (i = 0; i < BL_DNS_MAX_DATA + 36; i++) {
		snprintf(rr, sizeof(rr), QNAME ". 300 IN A 198.51.%zu.%zu",
			 i / 200, i % 200);
		add(p, LDNS_SECTION_ANSWER, rr);
	}
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, BL_DNS_MAX_DATA);
	for (i = 0; i < a.n; i++)
		assert_non_null(a.data[i]);
	bl_dns_answer_finish(&a);
}

static void
test_parse_other_owner(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER, "other.example.com. 300 IN A 192.0.2.99");
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.10");
	add(p, LDNS_SECTION_ANSWER, "example.com. 300 IN A 192.0.2.98");
	add(p, LDNS_SECTION_ANSWER, "x." QNAME ". 300 IN A 192.0.2.97");
	/* a CNAME of another name is no link of the chain */
	add(p, LDNS_SECTION_ANSWER,
	    "other.example.com. 300 IN CNAME evil.example.net.");
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.data[0], "192.0.2.10");
	assert_int_equal(a.ncnames, 0);
	bl_dns_answer_finish(&a);
}

/* A small deterministic generator: the same bytes on every run. */
static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void
test_parse_garbage(void **state)
{
	struct bl_dns_answer a;
	uint8_t buf[600];
	uint32_t seed = 12;
	size_t len, i, round;
	enum bl_dns_verdict v;
	ldns_pkt *p;
	uint8_t *w;
	size_t wlen = 0;

	(void)state;
	/* shorter than a header: never an answer */
	for (round = 0; round < 200; round++)
		for (len = 0; len < 12; len++) {
			for (i = 0; i < len; i++)
				buf[i] = (uint8_t)next_rand(&seed);
			if (round == 0 && len >= 2) {
				buf[0] = QID >> 8;
				buf[1] = QID & 0xff;
			}
			memset(&a, 0, sizeof(a));
			v = bl_dns_parse(len ? buf : NULL, len, QID, QNAME,
					 BL_DNS_A, &a);
			assert_verdict(v, BL_DNS_IGNORE);
			bl_dns_answer_finish(&a);
		}
	/* random packets, some with the right ID: no crash, a verdict */
	for (round = 0; round < 2000; round++) {
		len = next_rand(&seed) % sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)next_rand(&seed);
		if (len >= 2 && round % 2 == 0) {
			buf[0] = QID >> 8;
			buf[1] = QID & 0xff;
		}
		memset(&a, 0, sizeof(a));
		v = bl_dns_parse(buf, len, QID, QNAME,
				 (enum bl_dns_type)(round % 3), &a);
		assert_true(v == BL_DNS_ANSWER || v == BL_DNS_CNAME ||
			    v == BL_DNS_TRUNCATED || v == BL_DNS_IGNORE);
		bl_dns_answer_finish(&a);
	}
	/* a good answer cut at every length: never a record from the part
	 * that is missing */
	p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.10");
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN A 192.0.2.11");
	w = wire(p, &wlen);
	ldns_pkt_free(p);
	for (len = 0; len < wlen; len++) {
		uint8_t *cut = malloc(len ? len : 1);

		assert_non_null(cut);
		memcpy(cut, w, len);
		memset(&a, 0, sizeof(a));
		v = bl_dns_parse(cut, len, QID, QNAME, BL_DNS_A, &a);
		if (v == BL_DNS_ANSWER && a.status == BL_DNS_FOUND)
			fail_msg(
			    "cut at %zu of %zu: an answer with %zu records",
			    len, wlen, a.n);
		bl_dns_answer_finish(&a);
		free(cut);
	}
	memset(&a, 0, sizeof(a));
	assert_verdict(bl_dns_parse(w, wlen, QID, QNAME, BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_int_equal(a.n, 2);
	bl_dns_answer_finish(&a);
	free(w);
}

/* A record whose owner is a compression pointer to itself (a loop in
 * the name): not an answer, no hang. */
static void
test_parse_pointer_loop(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	uint8_t *w, *w2;
	size_t len = 0;
	enum bl_dns_verdict v;
	static const uint8_t rr[] = {
	    0xc0, 0x00 /* patched */,
	    0x00, 0x01,
	    0x00, 0x01,
	    0x00, 0x00,
	    0x01, 0x2c,
	    0x00, 0x04,
	    192,  0,
	    2,	  10,
	};

	(void)state;
	w = wire(p, &len);
	ldns_pkt_free(p);
	w2 = malloc(len + sizeof(rr));
	assert_non_null(w2);
	memcpy(w2, w, len);
	memcpy(w2 + len, rr, sizeof(rr));
	/* the owner points at itself */
	w2[len] = (uint8_t)(0xc0 | (len >> 8));
	w2[len + 1] = (uint8_t)(len & 0xff);
	w2[7] = 1; /* ANCOUNT */
	memset(&a, 0, sizeof(a));
	v = bl_dns_parse(w2, len + sizeof(rr), QID, QNAME, BL_DNS_A, &a);
	assert_false(v == BL_DNS_ANSWER && a.status == BL_DNS_FOUND);
	bl_dns_answer_finish(&a);
	free(w);
	free(w2);
}

static void
query_name(enum bl_dns_type t, const char *subject, const char *want)
{
	char buf[BL_DNS_NAME_MAX];

	memset(buf, 'x', sizeof(buf));
	if (bl_dns_query_name(t, subject, buf, sizeof(buf)) != 0)
		fail_msg("bl_dns_query_name(%s, \"%s\") failed",
			 bl_dns_type_name(t), subject);
	assert_string_equal(buf, want);
}

static void
bad_query_name(enum bl_dns_type t, const char *subject)
{
	char buf[BL_DNS_NAME_MAX];

	if (bl_dns_query_name(t, subject, buf, sizeof(buf)) != -1)
		fail_msg("bl_dns_query_name(%s, \"%s\") accepted it as \"%s\"",
			 bl_dns_type_name(t), subject, buf);
}

static void
test_query_name(void **state)
{
	char buf[BL_DNS_NAME_MAX];
	char label[80], name[300];
	size_t i;

	(void)state;
	query_name(BL_DNS_PTR, "192.0.2.10", "10.2.0.192.in-addr.arpa");
	query_name(BL_DNS_PTR, "2001:db8::1",
		   "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1."
		   "0.0.2.ip6.arpa");
	query_name(BL_DNS_PTR, "2001:DB8:0:0:0:0:0:ABCD",
		   "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1."
		   "0.0.2.ip6.arpa");
	query_name(BL_DNS_A, "mail.example.com", "mail.example.com");
	query_name(BL_DNS_A, "Mail.Example.COM.", "mail.example.com");
	query_name(BL_DNS_AAAA, "MAIL.example.com.", "mail.example.com");
	query_name(BL_DNS_A, "under_score.example.com",
		   "under_score.example.com");

	bad_query_name(BL_DNS_PTR, "not-an-address");
	bad_query_name(BL_DNS_PTR, "192.0.2.300");
	bad_query_name(BL_DNS_PTR, "192.0.2");
	bad_query_name(BL_DNS_PTR, "2001:db8::1::2");
	bad_query_name(BL_DNS_PTR, "");
	bad_query_name(BL_DNS_A, "");
	bad_query_name(BL_DNS_A, "a..example.com");
	bad_query_name(BL_DNS_A, ".example.com");
	/* a label of 64 octets (RFC 1035 2.3.4: 63 at most) */
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(name, sizeof(name), "%s.example.com", label);
	bad_query_name(BL_DNS_A, name);
	label[63] = '\0';
	snprintf(name, sizeof(name), "%s.example.com", label);
	query_name(BL_DNS_A, name, name);
	/* a name of more than 255 octets */
	for (i = 0; i + 2 < sizeof(name); i += 2) {
		name[i] = 'a';
		name[i + 1] = '.';
	}
	name[i] = 'a';
	name[i + 1] = '\0';
	bad_query_name(BL_DNS_AAAA, name);
	/* no room: a failure, not a cut name */
	assert_int_equal(bl_dns_query_name(BL_DNS_PTR, "192.0.2.10", buf, 10),
			 -1);
}

static void
build_round_trip(const char *qname, enum bl_dns_type t, ldns_rr_type want,
		 uint16_t id)
{
	uint8_t *w = NULL;
	size_t len = 0;
	ldns_pkt *p = NULL;
	ldns_rr *q;
	ldns_rdf *expect;

	assert_int_equal(bl_dns_build(qname, t, id, &w, &len), 0);
	assert_non_null(w);
	assert_true(len >= 12);
	assert_int_equal(ldns_wire2pkt(&p, w, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(p), id);
	assert_false(ldns_pkt_qr(p));
	assert_true(ldns_pkt_rd(p));
	assert_int_equal(ldns_pkt_get_opcode(p), LDNS_PACKET_QUERY);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	assert_non_null(q);
	assert_int_equal(ldns_rr_get_type(q), want);
	assert_int_equal(ldns_rr_get_class(q), LDNS_RR_CLASS_IN);
	expect = ldns_dname_new_frm_str(qname);
	assert_non_null(expect);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(q), expect), 0);
	ldns_rdf_deep_free(expect);
	ldns_pkt_free(p);
	free(w);
}

static void
test_build(void **state)
{
	uint8_t *w = NULL;
	size_t len = 0;
	ldns_pkt *p;
	struct bl_dns_answer a;

	(void)state;
	build_round_trip("mail.example.com", BL_DNS_A, LDNS_RR_TYPE_A, 1);
	build_round_trip("mail.example.com.", BL_DNS_AAAA, LDNS_RR_TYPE_AAAA,
			 0xffff);
	build_round_trip("10.2.0.192.in-addr.arpa", BL_DNS_PTR,
			 LDNS_RR_TYPE_PTR, 0);
	assert_int_equal(bl_dns_build("a..example.com", BL_DNS_A, 1, &w, &len),
			 -1);

	/* the server's answer to our own query, made from it, is an answer */
	assert_int_equal(bl_dns_build(QNAME, BL_DNS_A, QID, &w, &len), 0);
	p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, w, len), LDNS_STATUS_OK);
	free(w);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	add(p, LDNS_SECTION_ANSWER, QNAME ". 60 IN A 192.0.2.10");
	assert_verdict(parse(p, QID, QNAME, BL_DNS_A, &a), BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 1);
	bl_dns_answer_finish(&a);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(bl_dns_type_name(BL_DNS_A), "a");
	assert_string_equal(bl_dns_type_name(BL_DNS_AAAA), "aaaa");
	assert_string_equal(bl_dns_type_name(BL_DNS_PTR), "ptr");
	assert_string_equal(bl_dns_status_name(BL_DNS_FOUND), "found");
	assert_string_equal(bl_dns_status_name(BL_DNS_NXDOMAIN), "nxdomain");
	assert_string_equal(bl_dns_status_name(BL_DNS_NODATA), "nodata");
	assert_string_equal(bl_dns_status_name(BL_DNS_TEMPFAIL), "tempfail");

	assert_true(bl_dns_same_name("mail.example.com", "mail.example.com"));
	assert_true(bl_dns_same_name("Mail.Example.COM", "mail.example.com"));
	assert_true(bl_dns_same_name("mail.example.com.", "MAIL.example.com"));
	assert_true(bl_dns_same_name("mail.example.com", "mail.example.com."));
	assert_false(bl_dns_same_name("mail.example.com", "mail.example.co"));
	assert_false(
	    bl_dns_same_name("mail.example.com", "mail.example.com.x"));
	assert_false(
	    bl_dns_same_name("mail.example.com", "x.mail.example.com"));
	assert_false(bl_dns_same_name("mailexample.com", "mail.example.com"));
	assert_false(bl_dns_same_name("", "mail.example.com"));
}

/* --- record files ---------------------------------------------------- */

/* What a replay_parse callback saw: copies of every answer. */
struct seen {
	size_t n;
	enum bl_dns_type t[16];
	char *subject[16];
	struct bl_dns_answer a[16];
};

static char **
copy_strv(char *const *v, size_t n)
{
	char **out = NULL;
	size_t i;

	if (n == 0)
		return NULL;
	out = calloc(n, sizeof(*out));
	assert_non_null(out);
	for (i = 0; i < n; i++) {
		out[i] = strdup(v[i]);
		assert_non_null(out[i]);
	}
	return out;
}

static void
free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
seen_each(void *ctx, enum bl_dns_type t, const char *subject,
	  const struct bl_dns_answer *a)
{
	struct seen *s = ctx;

	assert_true(s->n < 16);
	s->t[s->n] = t;
	s->subject[s->n] = strdup(subject);
	s->a[s->n] = *a;
	s->a[s->n].data = copy_strv(a->data, a->n);
	s->a[s->n].cnames = copy_strv(a->cnames, a->ncnames);
	s->n++;
}

static void
seen_finish(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->subject[i]);
		free_strv(s->a[i].data, s->a[i].n);
		free_strv(s->a[i].cnames, s->a[i].ncnames);
	}
	memset(s, 0, sizeof(*s));
}

static void
same_answer(const struct bl_dns_answer *x, const struct bl_dns_answer *y)
{
	size_t i;

	assert_status(*x, y->status);
	assert_int_equal(x->n, y->n);
	for (i = 0; i < x->n; i++)
		assert_string_equal(x->data[i], y->data[i]);
	assert_int_equal(x->ncnames, y->ncnames);
	for (i = 0; i < x->ncnames; i++)
		assert_string_equal(x->cnames[i], y->cnames[i]);
	if (x->status == BL_DNS_TEMPFAIL)
		assert_string_equal(x->why, y->why);
}

static int
replay(const char *text, struct seen *s, struct bl_diags *d)
{
	memset(s, 0, sizeof(*s));
	return bl_dns_replay_parse("test.dns", text, strlen(text), seen_each, s,
				   d);
}

/* The file of dns.h's comment. */
static const char example_file[] =
    "# bannerlint dns 1\n"
    "a mail.example.com found 192.0.2.10 192.0.2.11\n"
    "aaaa mail.example.com nodata\n"
    "ptr 192.0.2.10 found mail.example.com\n"
    "a www.example.com found 192.0.2.20 cname=web.example.com\n"
    "a gone.example.com nxdomain\n"
    "a slow.example.com tempfail timeout\n";

static void
test_replay_example(void **state)
{
	struct seen s;
	struct bl_diags d;

	(void)state;
	bl_diags_init(&d);
	assert_int_equal(replay(example_file, &s, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(s.n, 6);
	assert_int_equal(s.t[0], BL_DNS_A);
	assert_string_equal(s.subject[0], "mail.example.com");
	assert_status(s.a[0], BL_DNS_FOUND);
	assert_int_equal(s.a[0].n, 2);
	assert_string_equal(s.a[0].data[0], "192.0.2.10");
	assert_string_equal(s.a[0].data[1], "192.0.2.11");
	assert_int_equal(s.t[1], BL_DNS_AAAA);
	assert_status(s.a[1], BL_DNS_NODATA);
	assert_int_equal(s.t[2], BL_DNS_PTR);
	assert_string_equal(s.subject[2], "192.0.2.10");
	assert_string_equal(s.a[2].data[0], "mail.example.com");
	assert_int_equal(s.a[3].ncnames, 1);
	assert_string_equal(s.a[3].cnames[0], "web.example.com");
	assert_int_equal(s.a[3].n, 1);
	assert_string_equal(s.a[3].data[0], "192.0.2.20");
	assert_status(s.a[4], BL_DNS_NXDOMAIN);
	assert_status(s.a[5], BL_DNS_TEMPFAIL);
	assert_string_equal(s.a[5].why, "timeout");
	seen_finish(&s);
	bl_diags_finish(&d);
}

/* record_line then replay_parse gives the answer back, for every status */
static void
round_trip(enum bl_dns_type t, const char *subject,
	   const struct bl_dns_answer *a)
{
	struct seen s;
	struct bl_diags d;
	char *line = bl_dns_record_line(t, subject, a);
	size_t len;

	assert_non_null(line);
	len = strlen(line);
	assert_true(len > 0 && line[len - 1] == '\n');
	assert_null(memchr(line, '\n', len - 1));
	bl_diags_init(&d);
	memset(&s, 0, sizeof(s));
	if (bl_dns_replay_parse("rt.dns", line, len, seen_each, &s, &d) != 0)
		fail_msg("a line of %zu bytes does not read back (%s): "
			 "\"%.200s\"",
			 len, d.n ? d.v[0].message : "no diagnostic", line);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.t[0], t);
	assert_string_equal(s.subject[0], subject);
	same_answer(&s.a[0], a);
	seen_finish(&s);
	bl_diags_finish(&d);
	free(line);
}

static void
test_record_round_trip(void **state)
{
	char *a2[] = {"192.0.2.10", "192.0.2.11"};
	char *v6[] = {"2001:db8::1", "2001:db8:1::25"};
	char *ptr[] = {"mail.example.com", "we\\032ird\\001.example.net"};
	char *cn[] = {"web.example.com", "host.example.net"};
	struct bl_dns_answer a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.status = BL_DNS_FOUND;
	a.data = a2;
	a.n = 2;
	round_trip(BL_DNS_A, "mail.example.com", &a);
	a.cnames = cn;
	a.ncnames = 2;
	round_trip(BL_DNS_A, "www.example.com", &a);
	a.data = v6;
	round_trip(BL_DNS_AAAA, "www.example.com", &a);
	a.ncnames = 0;
	a.cnames = NULL;
	a.data = ptr;
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	a.n = 1;
	round_trip(BL_DNS_PTR, "2001:db8::1", &a);

	memset(&a, 0, sizeof(a));
	a.status = BL_DNS_NXDOMAIN;
	round_trip(BL_DNS_A, "gone.example.com", &a);
	round_trip(BL_DNS_PTR, "192.0.2.99", &a);
	a.status = BL_DNS_NODATA;
	round_trip(BL_DNS_AAAA, "mail.example.com", &a);
	a.status = BL_DNS_TEMPFAIL;
	snprintf(a.why, sizeof(a.why), "timeout");
	round_trip(BL_DNS_A, "slow.example.com", &a);
	snprintf(a.why, sizeof(a.why), "SERVFAIL");
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	/* a reason of several words */
	snprintf(a.why, sizeof(a.why), "CNAME loop at b.example.com");
	round_trip(BL_DNS_AAAA, "a.example.com", &a);
}

/* Each answer bl_dns_parse gives becomes a line that reads back. */
static void
test_record_from_parse(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
			   LDNS_RCODE_NOERROR);

	(void)state;
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR "
	    "odd\\032name\\\\x.example.com.");
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR we\\.ird.example.com.");
	assert_verdict(parse(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_PTR, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_FOUND);
	assert_int_equal(a.n, 2);
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	bl_dns_answer_finish(&a);

	/* a PTR name that looks like the format's cname= (a label may hold
	 * any byte, RFC 2181 11): it stays a PTR name */
	p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
		 LDNS_RCODE_NOERROR);
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.");
	add(p, LDNS_SECTION_ANSWER,
	    "10.2.0.192.in-addr.arpa. 300 IN PTR cname=evil.example.net.");
	assert_verdict(parse(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_PTR, &a),
		       BL_DNS_ANSWER);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.ncnames, 0);
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	bl_dns_answer_finish(&a);

	p = resp(QID, "a.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	add(p, LDNS_SECTION_ANSWER,
	    "a.example.com. 300 IN CNAME a.example.com.");
	assert_verdict(parse(p, QID, "a.example.com", BL_DNS_A, &a),
		       BL_DNS_ANSWER);
	assert_status(a, BL_DNS_TEMPFAIL);
	round_trip(BL_DNS_A, "a.example.com", &a);
	bl_dns_answer_finish(&a);
}

/* The longest answers the format must hold: BL_DNS_MAX_DATA PTR names of
 * 253 octets (RFC 1035 2.3.4: the longest a name can be) and a chain of
 * BL_DNS_MAX_CNAMES as long; whatever bl_dns_record_line writes, the
 * replay reads (record then replay gives the same answers). */
static void
test_record_long_line(void **state)
{
	char *names[BL_DNS_MAX_DATA], *cn[BL_DNS_MAX_CNAMES];
	struct bl_dns_answer a;
	size_t i, k;

	(void)state;
	for (i = 0; i < BL_DNS_MAX_DATA; i++) {
		/* 4 labels of 62 and "x": 4 * 63 + 1 = 253 characters */
		names[i] = malloc(254);
		assert_non_null(names[i]);
		for (k = 0; k < 252; k++)
			names[i][k] = k % 63 == 62 ? '.' : (char)('a' + i % 26);
		names[i][252] = 'x';
		names[i][253] = '\0';
	}
	for (i = 0; i < BL_DNS_MAX_CNAMES; i++)
		cn[i] = names[i];
	memset(&a, 0, sizeof(a));
	a.status = BL_DNS_FOUND;
	a.data = names;
	a.n = 8;
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	a.n = BL_DNS_MAX_DATA;
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	a.n = 1;
	a.cnames = cn;
	a.ncnames = BL_DNS_MAX_CNAMES;
	round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	for (i = 0; i < BL_DNS_MAX_DATA; i++)
		free(names[i]);
}

/* A PTR to the root name (and a CNAME to it): whatever bl_dns_parse makes
 * of it, its record line reads back. */
static void
test_record_root_name(void **state)
{
	struct bl_dns_answer a;
	ldns_pkt *p = resp(QID, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR,
			   LDNS_RCODE_NOERROR);
	enum bl_dns_verdict v;

	(void)state;
	add(p, LDNS_SECTION_ANSWER, "10.2.0.192.in-addr.arpa. 300 IN PTR .");
	v = parse(p, QID, "10.2.0.192.in-addr.arpa", BL_DNS_PTR, &a);
	if (v == BL_DNS_ANSWER)
		round_trip(BL_DNS_PTR, "192.0.2.10", &a);
	bl_dns_answer_finish(&a);

	p = resp(QID, QNAME ".", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
	add(p, LDNS_SECTION_ANSWER, QNAME ". 300 IN CNAME .");
	add(p, LDNS_SECTION_ANSWER, ". 300 IN A 192.0.2.1");
	v = parse(p, QID, QNAME, BL_DNS_A, &a);
	if (v == BL_DNS_ANSWER)
		round_trip(BL_DNS_A, QNAME, &a);
	bl_dns_answer_finish(&a);
}

/* Every answer read from a file is written back as the same answer: a
 * tab or a run of blanks in a tempfail's reason included. */
static void
test_record_reread(void **state)
{
	static const char text[] =
	    "a one.example.com tempfail no  answer\tat all\n"
	    "aaaa two.example.com   found\t2001:db8::1   2001:db8::2\n";
	struct seen s;
	struct bl_diags d;
	size_t i;

	(void)state;
	bl_diags_init(&d);
	assert_int_equal(replay(text, &s, &d), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.a[1].n, 2);
	for (i = 0; i < s.n; i++)
		round_trip(s.t[i], s.subject[i], &s.a[i]);
	seen_finish(&s);
	bl_diags_finish(&d);
}

static void
test_replay_comments(void **state)
{
	struct seen s;
	struct bl_diags d;

	(void)state;
	bl_diags_init(&d);
	assert_int_equal(replay("", &s, &d), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(replay("# bannerlint dns 1\n\n   \n# a comment\n"
				"\t\n",
				&s, &d),
			 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(replay("# bannerlint dns 1\n\n# x\n"
				"a gone.example.com nxdomain\n\n"
				"# y\naaaa gone.example.com nxdomain",
				&s, &d),
			 0);
	/* the last line without its newline counts */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.t[1], BL_DNS_AAAA);
	seen_finish(&s);
	assert_int_equal(d.errors, 0);
	bl_diags_finish(&d);
}

/* A bad line: -1 and an error at test.dns:LINE. */
static void
bad_line(const char *line, unsigned lineno_want)
{
	struct seen s;
	struct bl_diags d;
	char *text;
	size_t i, len;
	const char *head = "# bannerlint dns 1\na ok.example.com nxdomain\n";
	bool found = false;

	len = strlen(head) + strlen(line) + 2;
	text = malloc(len);
	assert_non_null(text);
	snprintf(text, len, "%s%s\n", head, line);
	bl_diags_init(&d);
	if (replay(text, &s, &d) != -1)
		fail_msg("the bad line \"%.80s\" was read", line);
	for (i = 0; i < d.n; i++)
		if (d.v[i].level == BL_LEVEL_ERROR && d.v[i].file != NULL &&
		    strcmp(d.v[i].file, "test.dns") == 0 &&
		    d.v[i].line == lineno_want)
			found = true;
	if (!found)
		fail_msg("no error at test.dns:%u for \"%.80s\" (%zu "
			 "diagnostics, first: %s:%u %s)",
			 lineno_want, line, d.n,
			 d.n && d.v[0].file ? d.v[0].file : "-",
			 d.n ? d.v[0].line : 0, d.n ? d.v[0].message : "");
	seen_finish(&s);
	bl_diags_finish(&d);
	free(text);
}

static void
test_replay_bad(void **state)
{
	char *longline;
	size_t n = 200000;

	(void)state;
	bad_line("mx mail.example.com found mx.example.com", 3);
	bad_line("a mail.example.com found 192.0.2.1 x", 3);
	bad_line("a mail.example.com maybe", 3);
	bad_line("a mail.example.com", 3);
	bad_line("a", 3);
	bad_line("a mail.example.com found", 3);
	bad_line("a mail.example.com found cname=web.example.com", 3);
	bad_line("a mail.example.com found 192.0.2.300", 3);
	bad_line("a mail.example.com found 2001:db8::1", 3);
	bad_line("aaaa mail.example.com found 192.0.2.1", 3);
	bad_line("aaaa mail.example.com found 2001:db8::g", 3);
	bad_line("ptr mail.example.com found mail.example.com", 3);
	/* overlong: a subject far past BL_DNS_NAME_MAX */
	longline = malloc(n + 32);
	assert_non_null(longline);
	memcpy(longline, "a ", 2);
	memset(longline + 2, 'x', n);
	snprintf(longline + 2 + n, 30, " nxdomain");
	bad_line(longline, 3);
	free(longline);
}

/* --- the resolver in replay mode -------------------------------------- */

static size_t
open_sockets(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	char target[256];
	size_t n = 0;
	ssize_t r;

	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		r = readlinkat(dirfd(dir), e->d_name, target,
			       sizeof(target) - 1);
		if (r <= 0)
			continue;
		target[r] = '\0';
		if (strncmp(target, "socket:", 7) == 0)
			n++;
	}
	closedir(dir);
	return n;
}

static char *
temp_file(const char *text)
{
	const char *tmp = getenv("TMPDIR");
	char *path;
	size_t len;
	int fd;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	len = strlen(tmp) + 32;
	path = malloc(len);
	assert_non_null(path);
	snprintf(path, len, "%s/test_dns.XXXXXX", tmp);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	return path;
}

static void
test_replay_resolver(void **state)
{
	struct bl_dns_opts o;
	struct bl_diags d;
	struct bl_dns *dns = NULL;
	const struct bl_dns_answer *a;
	struct bl_dns_stats st;
	char *path = temp_file(example_file);
	size_t sockets = open_sockets();
	FILE *f;
	char back[sizeof(example_file) + 16];
	size_t got;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.mode = BL_DNS_REPLAY;
	o.file = path;
	/* neither is read in replay mode */
	o.resolver = NULL;
	o.resolv_conf = "/nonexistent/resolv.conf";
	bl_diags_init(&d);
	assert_int_equal(bl_dns_open(&dns, &o, &d), 0);
	assert_non_null(dns);

	bl_dns_want(dns, BL_DNS_A, "mail.example.com");
	bl_dns_confirm(dns, "mail.example.com");
	a = bl_dns_get(dns, BL_DNS_A, "mail.example.com");
	assert_non_null(a);
	assert_status(*a, BL_DNS_FOUND);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->data[0], "192.0.2.10");
	assert_string_equal(a->data[1], "192.0.2.11");
	/* the same question, written otherwise */
	a = bl_dns_get(dns, BL_DNS_A, "Mail.Example.COM.");
	assert_status(*a, BL_DNS_FOUND);
	assert_int_equal(a->n, 2);
	a = bl_dns_get(dns, BL_DNS_AAAA, "mail.example.com");
	assert_status(*a, BL_DNS_NODATA);
	a = bl_dns_get(dns, BL_DNS_PTR, "192.0.2.10");
	assert_status(*a, BL_DNS_FOUND);
	assert_string_equal(a->data[0], "mail.example.com");
	a = bl_dns_get(dns, BL_DNS_A, "www.example.com");
	assert_status(*a, BL_DNS_FOUND);
	assert_int_equal(a->ncnames, 1);
	assert_string_equal(a->cnames[0], "web.example.com");
	a = bl_dns_get(dns, BL_DNS_A, "gone.example.com");
	assert_status(*a, BL_DNS_NXDOMAIN);
	a = bl_dns_get(dns, BL_DNS_A, "slow.example.com");
	assert_status(*a, BL_DNS_TEMPFAIL);
	assert_string_equal(a->why, "timeout");
	/* a question the file does not hold */
	a = bl_dns_get(dns, BL_DNS_AAAA, "gone.example.com");
	assert_status(*a, BL_DNS_TEMPFAIL);
	assert_non_null(strstr(a->why, "not in the replay file"));
	a = bl_dns_get(dns, BL_DNS_PTR, "192.0.2.11");
	assert_status(*a, BL_DNS_TEMPFAIL);
	assert_non_null(strstr(a->why, "not in the replay file"));
	/* an invalid subject */
	a = bl_dns_get(dns, BL_DNS_PTR, "not-an-address");
	assert_status(*a, BL_DNS_TEMPFAIL);
	assert_true(a->why[0] != '\0');
	/* asked again: the same (cached) answer */
	assert_ptr_equal(bl_dns_get(dns, BL_DNS_A, "mail.example.com"),
			 bl_dns_get(dns, BL_DNS_A, "mail.example.com"));

	bl_dns_stats(dns, &st);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.tcp, 0);
	assert_true(st.questions >= 8);
	assert_int_equal(open_sockets(), sockets);
	assert_int_equal(bl_dns_close(dns, &d), 0);
	assert_int_equal(d.errors, 0);

	/* replay never writes the file */
	f = fopen(path, "r");
	assert_non_null(f);
	got = fread(back, 1, sizeof(back), f);
	fclose(f);
	assert_int_equal(got, strlen(example_file));
	assert_memory_equal(back, example_file, got);
	unlink(path);
	free(path);
	bl_diags_finish(&d);
}

static void
test_replay_open_fails(void **state)
{
	struct bl_dns_opts o;
	struct bl_diags d;
	struct bl_dns *dns = NULL;
	char *path = temp_file("# bannerlint dns 1\n"
			       "a ok.example.com nxdomain\n"
			       "a bad.example.com perhaps\n");
	size_t i;
	bool found = false;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.mode = BL_DNS_REPLAY;
	o.file = path;
	bl_diags_init(&d);
	assert_int_equal(bl_dns_open(&dns, &o, &d), -1);
	for (i = 0; i < d.n; i++)
		if (d.v[i].level == BL_LEVEL_ERROR && d.v[i].line == 3 &&
		    d.v[i].file != NULL && strstr(d.v[i].file, path) != NULL)
			found = true;
	assert_true(found);
	bl_diags_finish(&d);
	unlink(path);

	/* a file that is not there */
	bl_diags_init(&d);
	assert_int_equal(bl_dns_open(&dns, &o, &d), -1);
	assert_true(d.errors >= 1);
	bl_diags_finish(&d);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_a),
		cmocka_unit_test(test_parse_case),
		cmocka_unit_test(test_parse_aaaa),
		cmocka_unit_test(test_parse_other_type),
		cmocka_unit_test(test_parse_ptr),
		cmocka_unit_test(test_parse_odd_bytes),
		cmocka_unit_test(test_parse_escape_set),
		cmocka_unit_test(test_parse_nxdomain),
		cmocka_unit_test(test_parse_nodata),
		cmocka_unit_test(test_parse_nodata_bare),
		cmocka_unit_test(test_parse_referral),
		cmocka_unit_test(test_parse_cname_nodata),
		cmocka_unit_test(test_parse_tempfail),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_ignore),
		cmocka_unit_test(test_parse_cname_chain),
		cmocka_unit_test(test_parse_cname_unordered),
		cmocka_unit_test(test_parse_cname_open),
		cmocka_unit_test(test_parse_cname_nxdomain),
		cmocka_unit_test(test_parse_cname_loop),
		cmocka_unit_test(test_parse_cname_bound),
		cmocka_unit_test(test_parse_many),
		cmocka_unit_test(test_parse_other_owner),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_pointer_loop),
		cmocka_unit_test(test_query_name),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_replay_example),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_from_parse),
		cmocka_unit_test(test_record_long_line),
		cmocka_unit_test(test_record_root_name),
		cmocka_unit_test(test_record_reread),
		cmocka_unit_test(test_replay_comments),
		cmocka_unit_test(test_replay_bad),
		cmocka_unit_test(test_replay_resolver),
		cmocka_unit_test(test_replay_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

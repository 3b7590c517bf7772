/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * checks.c - the built-in checks, one table (check.h): what a pattern
 * cannot say about a surface (FQDN and host-name syntax, addresses,
 * internal and generic names) and about an instance (consistency between
 * surfaces, settings defined twice, the dialect's own findings).
 *
 * Checks read what the resolver says of a surface (public, host_named,
 * lines) and what the dialect's table exports (events, the duplicate
 * message); they never read a dialect's keys or scope names.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "checks_live.h"
#include "engine.h"
#include "parser.h"
#include "rules.h"
#include "util.h"

/* bl_check_allowed - does the configuration vouch for host name h
 * (allow-hostname): never generic, never a placeholder */
bool
bl_check_allowed(const struct bl_check_env *e, const char *h)
{
	char **list = e->o->allow_hostname;
	size_t i;

	for (i = 0; list && list[i]; i++)
		if (strcasecmp(list[i], h) == 0)
			return true;
	return false;
}

static bool
is_placeholder(const char *h)
{
	return (h[0] == '<' && h[strlen(h) - 1] == '>') ||
	       strstr(h, "<template>") != NULL;
}

static bool
is_ip(const char *h)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, h, buf) == 1 ||
	       inet_pton(AF_INET6, h, buf) == 1;
}

static bool
is_literal(const char *h)
{
	size_t n = strlen(h);

	return n > 2 && h[0] == '[' && h[n - 1] == ']';
}

/* A name in the host-name sense: not empty, a placeholder, an address. */
static bool
is_name(const char *h)
{
	return *h != '\0' && !is_placeholder(h) && !is_ip(h) && !is_literal(h);
}

static const char *const internal_suffixes[] = {
	"local",     "localdomain", "lan",	"internal", "corp",
	"home",      "home.arpa",   "test",	"invalid",  "intranet",
	"private",   "localhost",   "lokal",	"intra",
};

static const char *
internal_suffix(const char *h)
{
	size_t i, n = strlen(h), k;

	if (n > 0 && h[n - 1] == '.')
		n--;
	for (i = 0; i < BL_ARRAY_LEN(internal_suffixes); i++) {
		k = strlen(internal_suffixes[i]);
		if (n > k && h[n - k - 1] == '.' &&
		    strncasecmp(h + n - k, internal_suffixes[i], k) == 0)
			return internal_suffixes[i];
	}
	return NULL;
}

/* BL206: why a name is not a valid host name, or NULL. */
static const char *
syntax_problem(const char *h, char *why, size_t whylen)
{
	size_t n = strlen(h), label = 0, i;

	if (n > 253) {
		snprintf(why, whylen, "the name is %zu octets long (at most "
				      "253)",
			 n);
		return why;
	}
	for (i = 0; i <= n; i++) {
		char c = h[i];

		if (c == '.' || c == '\0') {
			if (label == 0 && !(c == '\0' && i == n && n > 0 &&
					    h[n - 1] != '.'))
				return c == '\0' ? "it ends with a dot"
						 : "it has an empty label";
			if (label > 63) {
				snprintf(why, whylen,
					 "a label is %zu octets long (at most "
					 "63)",
					 label);
				return why;
			}
			if (h[i - 1] == '-')
				return "a label ends with a hyphen";
			label = 0;
			continue;
		}
		if (label == 0 && c == '-')
			return "a label starts with a hyphen";
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-')) {
			snprintf(why, whylen,
				 "it contains the character '%c', not allowed "
				 "in a host name",
				 c);
			if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
				snprintf(why, whylen,
					 "it contains the byte 0x%02x, not "
					 "allowed in a host name",
					 (unsigned char)c);
			return why;
		}
		label++;
	}
	return NULL;
}

/* placeholder_name - is what makes h short (BL202: all of it) or
 * malformed (BL206: every byte outside letters, digits, '-' and '.') part
 * of what BL207 (hostname-placeholder) calls a placeholder, such as
 * PH_HOSTNAME or __MAIL_HOST__? Then the name is that, not a broken name,
 * and the rule leaves it to BL207. */
static bool
placeholder_name(const struct bl_check_env *e, const char *h, bool whole)
{
	size_t i, k, ms, me, n = strlen(h);
	const char *why;

	for (i = 0; i < e->rs->nrules; i++) {
		const struct bl_rule *r = &e->rs->rules[i];

		if (strcmp(r->name, "hostname-placeholder") != 0 ||
		    r->re == NULL)
			continue;
		if (bl_rule_search(e->rs, r->re, h, 0, &ms, &me, &why) !=
			    BL_MATCH_YES ||
		    me <= ms)
			return false;
		if (whole)
			return ms == 0 && me == n;
		for (k = 0; k < n; k++)
			if ((k < ms || k >= me) &&
			    !isalnum((unsigned char)h[k]) && h[k] != '-' &&
			    h[k] != '.')
				return false;
		return true;
	}
	return false;
}

/* bl_check_banner_without_host - BL105: a banner whose first word
 * cannot be the server's name */
bool
bl_check_banner_without_host(const struct bl_surface *sf)
{
	const char *h = sf->hostname;

	if (sf->kind != BL_SURFACE_BANNER || *h == '\0')
		return false;
	if (is_placeholder(h) || is_ip(h) || is_literal(h))
		return false;
	return strchr(h, '.') == NULL && !sf->host_named;
}

/* judged_name - does sf have a host name the host-name checks judge: not
 * empty, and not a banner's first word that is no name (BL105 says so) */
static bool
judged_name(const struct bl_surface *sf)
{
	return *sf->hostname != '\0' && !bl_check_banner_without_host(sf);
}

/* banner_empty - BL106: a banner with nothing but blanks */
static enum bl_outcome
banner_empty(const struct bl_check_env *e, const struct bl_rule *r,
	     const struct bl_surface *sf, struct bl_verdict *v)
{
	size_t i;

	for (i = 0; sf->value[i] == ' ' || sf->value[i] == '\t'; i++)
		;
	v->detail = "";
	return sf->value[i] == '\0' ? BL_OUTCOME_YES : BL_OUTCOME_NO;
}

/* hostname_first - BL105 */
static enum bl_outcome
hostname_first(const struct bl_check_env *e, const struct bl_rule *r,
	       const struct bl_surface *sf, struct bl_verdict *v)
{
	v->detail = sf->hostname;
	return bl_check_banner_without_host(sf) ? BL_OUTCOME_YES
						: BL_OUTCOME_NO;
}

/* ip_literal - BL204: a bare address is an error, an address literal a
 * warning */
static enum bl_outcome
ip_literal(const struct bl_check_env *e, const struct bl_rule *r,
	   const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname;

	if (!judged_name(sf))
		return BL_OUTCOME_NO;
	v->detail = h;
	if (is_ip(h)) {
		v->level = BL_LEVEL_ERROR;
		return BL_OUTCOME_YES;
	}
	if (is_literal(h)) {
		v->level = BL_LEVEL_WARNING;
		return BL_OUTCOME_YES;
	}
	return BL_OUTCOME_NO;
}

/* fqdn - BL201: a name without a dot */
static enum bl_outcome
fqdn(const struct bl_check_env *e, const struct bl_rule *r,
     const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname;

	if (!judged_name(sf) || !is_name(h) || placeholder_name(e, h, true))
		return BL_OUTCOME_NO;
	v->detail = h;
	return strchr(h, '.') == NULL ? BL_OUTCOME_YES : BL_OUTCOME_NO;
}

/* hostname_syntax - BL206; an empty HELO name a setting makes empty is no
 * name at all (HELO needs one), unlike a default left empty by an error */
static enum bl_outcome
hostname_syntax(const struct bl_check_env *e, const struct bl_rule *r,
		const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname;

	if (*h == '\0' && sf->kind == BL_SURFACE_HELO && sf->norigin > 0 &&
	    !sf->origin[0].setting->is_default) {
		v->detail = "it is empty";
		return BL_OUTCOME_YES;
	}
	if (!judged_name(sf) || !is_name(h) || placeholder_name(e, h, false))
		return BL_OUTCOME_NO;
	v->detail = syntax_problem(h, v->buf, sizeof(v->buf));
	return v->detail != NULL ? BL_OUTCOME_YES : BL_OUTCOME_NO;
}

/* internal_domain - BL203: a suffix that does not resolve on the
 * Internet, or one the configuration calls internal */
static enum bl_outcome
internal_domain(const struct bl_check_env *e, const struct bl_rule *r,
		const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname, *sfx;
	size_t i, hn, sn;

	if (!judged_name(sf) || !is_name(h))
		return BL_OUTCOME_NO;
	if ((sfx = internal_suffix(h)) != NULL) {
		snprintf(v->buf, sizeof(v->buf), ".%s", sfx);
		v->detail = v->buf;
		return BL_OUTCOME_YES;
	}
	for (i = 0; e->o->internal_suffix && e->o->internal_suffix[i]; i++) {
		sfx = e->o->internal_suffix[i];
		hn = strlen(h);
		sn = strlen(sfx);
		if (strcasecmp(h, sfx) == 0 ||
		    (hn > sn && h[hn - sn - 1] == '.' &&
		     strcasecmp(h + hn - sn, sfx) == 0)) {
			snprintf(v->buf, sizeof(v->buf),
				 "%s (internal-suffix in the configuration)",
				 sfx);
			v->detail = v->buf;
			return BL_OUTCOME_YES;
		}
	}
	return BL_OUTCOME_NO;
}

/* generic_name - BL205: the first generic-name pattern that matches;
 * could not tell when a pattern hit its search limit and none matched */
static enum bl_outcome
generic_name(const struct bl_check_env *e, const struct bl_rule *r,
	     const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname, *limit;
	enum bl_outcome out = BL_OUTCOME_NO;
	size_t i, ms, me;

	if (!judged_name(sf) || !is_name(h) ||
	    bl_check_allowed(e, h))
		return BL_OUTCOME_NO;
	for (i = 0; i < e->rs->ngenerics; i++) {
		const struct bl_generic *g = &e->rs->generics[i];
		enum bl_match hit =
			bl_rule_search(e->rs, g->re, h, 0, &ms, &me, &limit);

		if (hit == BL_MATCH_UNKNOWN) {
			bl_check_unknown(e, r, sf, limit);
			out = BL_OUTCOME_UNKNOWN;
		}
		if (hit != BL_MATCH_YES)
			continue;
		snprintf(v->buf, sizeof(v->buf), "%s [%s]", g->description,
			 g->id);
		v->detail = v->buf;
		return BL_OUTCOME_YES;
	}
	/* the note for each pattern was given above */
	return out == BL_OUTCOME_UNKNOWN ? BL_OUTCOME_NO : out;
}

/*
 * placeholder_host - BL208, once per instance: the surfaces whose host
 * name is the system's (the configuration never names the host), in one
 * finding at the file where the name is set (cfg->hostname_key and
 * hostname_file, from the resolver), listing what it affects.
 */
static enum bl_outcome
placeholder_host(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_config *cfg = e->cfg;
	const struct bl_surface **unset = NULL;
	const char *file = cfg->hostname_file ? cfg->hostname_file : cfg->name;
	const char *base = strrchr(file, '/');
	struct bl_check_place at;
	struct bl_buf what, msg;
	size_t i, n = 0;
	char *m;

	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];

		if (!bl_check_judges(e, r, sf) || !judged_name(sf) ||
		    strcmp(sf->hostname, "<system-hostname>") != 0)
			continue;
		unset = bl_xreallocarray(unset, n + 1, sizeof(*unset));
		unset[n++] = sf;
	}
	if (n == 0)
		return BL_OUTCOME_NO;
	bl_buf_init(&what);
	if (cfg->hostname_key != NULL)
		bl_buf_printf(&what, "%s in %s", cfg->hostname_key,
			      base ? base + 1 : file);
	else
		bl_buf_adds(&what, "the server's host name");
	m = bl_check_message(r->message, what.data, unset[0]->value,
			     unset[0]->hostname);
	bl_buf_init(&msg);
	bl_buf_adds(&msg, m);
	free(m);
	bl_buf_adds(&msg, " (affects: ");
	for (i = 0; i < n && i < 4; i++)
		bl_buf_printf(&msg, "%s%s of %s [%s]", i == 0 ? "" : ", ",
			      bl_surface_kind_name(unset[i]->kind),
			      unset[i]->scope, unset[i]->key);
	if (n > 4)
		bl_buf_printf(&msg, " and %zu more", n - 4);
	bl_buf_addc(&msg, ')');
	memset(&at, 0, sizeof(at));
	at.sf = unset[0];
	at.file = file;
	at.key = cfg->hostname_key;
	at.also = n - 1;
	bl_check_emit(e, r, &at, bl_buf_steal(&msg), r->severity);
	bl_buf_finish(&what);
	free(unset);
	return BL_OUTCOME_YES;
}

/* main_banner - the instance's banner of its main scope, or NULL */
static const struct bl_surface *
main_banner(const struct bl_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsurfaces; i++)
		if (cfg->surfaces[i].kind == BL_SURFACE_BANNER &&
		    cfg->surfaces[i].scope_obj == NULL)
			return &cfg->surfaces[i];
	return NULL;
}

/* helo_banner_mismatch - BL301: every name against the expected host
 * name the configuration gives (hostname =), else each HELO name against
 * the public main banner's */
static enum bl_outcome
helo_banner_mismatch(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_config *cfg = e->cfg;
	const struct bl_surface *mb = main_banner(cfg);
	enum bl_outcome out = BL_OUTCOME_NO;
	size_t i, at;

	for (i = 0; i < cfg->nsurfaces && e->o->hostname != NULL; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];
		char *m;

		if (!sf->valid || *sf->hostname == '\0' ||
		    bl_check_banner_without_host(sf) ||
		    strcasecmp(sf->hostname, e->o->hostname) == 0 ||
		    (sf->kind == BL_SURFACE_BANNER && !sf->public))
			continue;
		m = bl_xasprintf("the %s name '%s' is not the expected host "
				 "name '%s' (hostname in the configuration)",
				 sf->kind == BL_SURFACE_BANNER ? "banner"
							       : "HELO",
				 sf->hostname, e->o->hostname);
		at = bl_check_host_offset(sf);
		bl_check_value(e, r, sf, at, strlen(sf->hostname), m);
		out = BL_OUTCOME_YES;
	}
	if (e->o->hostname != NULL)
		return out;
	if (mb == NULL || !mb->valid || !is_name(mb->hostname) ||
	    bl_check_banner_without_host(mb) || !mb->public)
		return BL_OUTCOME_NO;
	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];

		if (sf->kind != BL_SURFACE_HELO || !sf->valid ||
		    !is_name(sf->hostname) ||
		    strcasecmp(sf->hostname, mb->hostname) == 0)
			continue;
		at = bl_check_host_offset(sf);
		bl_check_value(e, r, sf, at, strlen(sf->hostname),
			       bl_check_message(r->message, mb->hostname,
						sf->value, sf->hostname));
		out = BL_OUTCOME_YES;
	}
	return out;
}

/* duplicate_setting - BL302: a setting defined again in its scope, at
 * the earlier definition (removing it is the fix); the dialect's table
 * says when the MTA refuses to start on it instead of keeping the last */
static enum bl_outcome
duplicate_setting(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_config *cfg = e->cfg;
	const char *dup = e->parser ? e->parser->duplicate_message : NULL;
	enum bl_outcome out = BL_OUTCOME_NO;
	struct bl_check_place at;
	size_t i;

	for (i = 0; i < cfg->nsettings; i++) {
		const struct bl_setting *s = cfg->settings[i];
		const struct bl_setting *p = s->shadows;

		if (p == NULL || s->src == NULL)
			continue;
		memset(&at, 0, sizeof(at));
		at.setting = p;
		at.src = p->src;
		at.off = p->key_off;
		at.len = p->key_len;
		at.key = p->key;
		at.scope = p->scope;
		if (dup != NULL)
			bl_check_emit(e, r, &at,
				      bl_check_message(dup, s->key, NULL,
						       NULL),
				      e->parser->duplicate_level);
		else
			bl_check_emit(e, r, &at,
				      bl_check_message(r->message, s->key,
						       s->raw, ""),
				      r->severity);
		out = BL_OUTCOME_YES;
	}
	return out;
}

/*
 * listener_banners_differ - BL303: every public listener's lines against
 * the first one's. A pre-greeting left at its default (a resolver's
 * nlines 2 with a default setting) is blamed on the file where the
 * instance's settings go, with the key to set.
 */
static enum bl_outcome
listener_banners_differ(const struct bl_check_env *e,
			const struct bl_rule *r)
{
	const struct bl_config *cfg = e->cfg;
	const struct bl_surface *ref = NULL;
	const char *rv = NULL;
	enum bl_outcome out = BL_OUTCOME_NO;
	struct bl_check_place at;
	size_t i, k;

	for (i = 0; i < cfg->nsurfaces; i++) {
		const struct bl_surface *sf = &cfg->surfaces[i];
		const struct bl_setting *s;
		const char *base;

		if (sf->kind != BL_SURFACE_BANNER || !sf->valid ||
		    sf->scope_obj == NULL || !sf->public)
			continue;
		s = sf->origin[0].setting;
		for (k = 0; k < sf->nlines; k++) {
			if (ref == NULL) {
				ref = sf;
				rv = sf->lines[k];
				continue;
			}
			if (strcmp(rv, sf->lines[k]) == 0)
				continue;
			out = BL_OUTCOME_YES;
			if (sf->nlines == 2 && (k == 0 || ref == sf) &&
			    s->is_default) {
				char *behind = bl_xasprintf(
					"the %s behind it",
					sf->behind ? sf->behind : "server");

				base = cfg->hostname_file
					       ? strrchr(cfg->hostname_file,
							 '/')
					       : NULL;
				memset(&at, 0, sizeof(at));
				at.sf = sf;
				at.setting = s;
				at.key = s->key;
				at.file = cfg->hostname_file;
				bl_check_emit(
					e, r, &at,
					bl_xasprintf(
						"this listener greets "
						"differently from the others "
						"of the same server: "
						"%s's pre-greeting "
						"'220-%s' is the default of "
						"%s (\"%s\", not set "
						"anywhere), not '%s' as on "
						"%s: set %s in %s",
						sf->scope_obj->role,
						sf->lines[0], s->key, s->raw,
						k == 0 ? rv : sf->lines[1],
						k == 0 ? ref->scope : behind,
						s->key,
						base ? base + 1
						     : cfg->hostname_file
							   ? cfg->hostname_file
							   : cfg->name),
					r->severity);
				free(behind);
				break;
			}
			if (s->src != NULL)
				bl_check_setting(
					e, r, sf, s, 0, s->raw_len,
					bl_check_message(r->message,
							 ref->scope, sf->value,
							 sf->hostname));
			else
				bl_check_value(
					e, r, sf, 0, strlen(sf->value),
					bl_check_message(r->message,
							 ref->scope, sf->value,
							 sf->hostname));
			break;
		}
	}
	return out;
}

/* dialect_events - the findings the dialect's table exports for this
 * check: each event of a listed kind, with the table's message (%m: the
 * event's argument, also the key) or the event's own */
static enum bl_outcome
dialect_events(const struct bl_check_env *e, const struct bl_rule *r)
{
	const struct bl_config *cfg = e->cfg;
	const struct bl_dialect_event *d;
	enum bl_outcome out = BL_OUTCOME_NO;
	struct bl_check_place at;
	size_t i;

	if (e->parser == NULL || e->parser->events == NULL)
		return BL_OUTCOME_NO;
	for (i = 0; i < cfg->nevents; i++) {
		const struct bl_event *ev = &cfg->events[i];

		if (ev->src == NULL)
			continue;
		for (d = e->parser->events; d->check != NULL; d++)
			if (strcmp(d->check, r->check) == 0 &&
			    strcmp(d->kind, ev->kind) == 0)
				break;
		if (d->check == NULL)
			continue;
		memset(&at, 0, sizeof(at));
		at.src = ev->src;
		at.off = ev->off;
		at.len = ev->len;
		at.line = ev->line;
		at.col = ev->col;
		at.scope = ev->scope;
		at.key = d->message != NULL ? ev->arg : NULL;
		at.setting = ev->setting;
		if (ev->setting != NULL)
			at.key = ev->setting->key;
		bl_check_emit(e, r, &at,
			      d->message != NULL
				      ? bl_check_message(d->message, ev->arg,
							 NULL, NULL)
				      : bl_xstrdup(ev->arg ? ev->arg : ""),
			      r->severity);
		out = BL_OUTCOME_YES;
	}
	return out;
}

/*
 * The DNS checks (BL401-BL406): the answers come as facts (check.h), one
 * cache per run, so every check asks again what it needs and waits only
 * for what is not there yet. A temporary failure is never a finding: the
 * check is unverified (a note, exit status 3) and says which question.
 */

/* dns_judged - can DNS be asked about sf's host name: a name with a dot
 * (BL202 speaks of single labels), not an address or a placeholder */
bool
bl_check_dns_name(const struct bl_surface *sf)
{
	const char *h = sf->hostname;

	return judged_name(sf) && is_name(h) && strchr(h, '.') != NULL &&
	       strpbrk(h, "$%{}<> \t") == NULL;
}

static bool
dns_judged(const struct bl_check_env *e, const struct bl_surface *sf)
{
	return e->facts != NULL && e->facts->dns != NULL &&
	       bl_check_dns_name(sf);
}

static const struct bl_dns_answer *
dns_ask(const struct bl_check_env *e, enum bl_dns_type t, const char *subject)
{
	return e->facts->dns(e->facts->ctx, t, subject);
}

/* evidence - note the answer to (t, subject) in v once */
static void
evidence(struct bl_verdict *v, enum bl_dns_type t, const char *subject,
	 const struct bl_dns_answer *a)
{
	size_t i;

	for (i = 0; i < v->nrefs; i++)
		if (v->refs[i].t == t && strcmp(v->refs[i].subject, subject) == 0)
			return;
	if (v->nrefs < BL_VERDICT_REFS)
		v->refs[v->nrefs++] = (struct bl_fact_ref){t, subject, a};
}

/* answer_text - what came back, for a message: "192.0.2.1, 192.0.2.2",
 * "no such name", "no A record" */
static void
answer_text(struct bl_buf *b, enum bl_dns_type t,
	    const struct bl_dns_answer *a)
{
	size_t i;

	switch (a->status) {
	case BL_DNS_FOUND:
		for (i = 0; i < a->n; i++)
			bl_buf_printf(b, "%s%s", i ? ", " : "", a->data[i]);
		break;
	case BL_DNS_NXDOMAIN:
		bl_buf_adds(b, "no such name");
		break;
	case BL_DNS_NODATA:
		bl_buf_printf(b, "no %s record",
			      t == BL_DNS_A	 ? "A"
			      : t == BL_DNS_AAAA ? "AAAA"
						 : "PTR");
		break;
	default:
		bl_buf_printf(b, "no answer (%s)", a->why);
		break;
	}
	for (i = 0; i < a->ncnames; i++)
		bl_buf_printf(b, "%s%s", i ? " -> " : " (via CNAME ",
			      a->cnames[i]);
	if (a->ncnames > 0)
		bl_buf_addc(b, ')');
}

/* tempfail - the check cannot tell: the question and its reason */
static enum bl_outcome
dns_unverified(struct bl_verdict *v, enum bl_dns_type t, const char *subject,
	       const struct bl_dns_answer *a)
{
	v->unverified = true;
	free(v->text);
	v->text = bl_xasprintf("no answer to %s %s: %s",
			       t == BL_DNS_A	  ? "A"
			       : t == BL_DNS_AAAA ? "AAAA"
						  : "PTR",
			       subject, a->why);
	return BL_OUTCOME_UNKNOWN;
}

static bool
has_data(const struct bl_dns_answer *a, const char *s, bool name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (name ? bl_dns_same_name(a->data[i], s)
			 : strcmp(a->data[i], s) == 0)
			return true;
	return false;
}

/* ip_family - the question for an address's family */
static enum bl_dns_type
ip_family(const char *ip)
{
	return strchr(ip, ':') != NULL ? BL_DNS_AAAA : BL_DNS_A;
}

/* The addresses a surface's checks judge: --ip (ip = {...}) when given,
 * else every address the host name resolves to. */
struct dns_addrs {
	const char *v[2 * BL_DNS_MAX_DATA + 64];
	size_t n;
	bool unknown; /* a forward answer did not come */
};

static void
dns_addrs(const struct bl_check_env *e, const char *h, struct bl_verdict *v,
	  struct dns_addrs *out)
{
	static const enum bl_dns_type fam[2] = {BL_DNS_A, BL_DNS_AAAA};
	size_t i, k;

	out->n = 0;
	out->unknown = false;
	if (e->ips != NULL && e->ips[0] != NULL) {
		for (i = 0; e->ips[i] != NULL && out->n < BL_ARRAY_LEN(out->v);
		     i++)
			out->v[out->n++] = e->ips[i];
		return;
	}
	for (k = 0; k < 2; k++) {
		const struct bl_dns_answer *a = dns_ask(e, fam[k], h);

		evidence(v, fam[k], h, a);
		if (a->status == BL_DNS_TEMPFAIL) {
			dns_unverified(v, fam[k], h, a);
			out->unknown = true;
		}
		for (i = 0; a->status == BL_DNS_FOUND && i < a->n &&
			    out->n < BL_ARRAY_LEN(out->v);
		     i++)
			out->v[out->n++] = a->data[i];
	}
}

/* dns_no_address - BL401: the name has no address (of a given address's
 * family, with --ip) */
static enum bl_outcome
dns_no_address(const struct bl_check_env *e, const struct bl_rule *r,
	       const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname;
	const struct bl_dns_answer *a[2];
	bool want[2] = {true, true}, given = e->ips && e->ips[0];
	struct bl_buf b;
	size_t i, k;
	int missing = 0;

	if (!dns_judged(e, sf))
		return BL_OUTCOME_NO;
	if (given) {
		want[0] = want[1] = false;
		for (i = 0; e->ips[i] != NULL; i++)
			want[ip_family(e->ips[i]) == BL_DNS_AAAA] = true;
	}
	for (k = 0; k < 2; k++) {
		enum bl_dns_type t = k ? BL_DNS_AAAA : BL_DNS_A;

		a[k] = dns_ask(e, t, h);
		evidence(v, t, h, a[k]);
	}
	for (k = 0; k < 2; k++) {
		if (!want[k] && given)
			continue;
		if (a[k]->status == BL_DNS_TEMPFAIL)
			return dns_unverified(v, k ? BL_DNS_AAAA : BL_DNS_A, h,
					      a[k]);
		if (a[k]->status == BL_DNS_FOUND) {
			if (!given)
				return BL_OUTCOME_NO; /* one family will do */
			continue;
		}
		missing++;
	}
	if (missing == 0)
		return BL_OUTCOME_NO;
	bl_buf_init(&b);
	for (k = 0; k < 2; k++) {
		if ((given && !want[k]) || a[k]->status == BL_DNS_FOUND)
			continue;
		bl_buf_printf(&b, "%s%s: ", b.len ? "; " : "",
			      k ? "AAAA" : "A");
		answer_text(&b, k ? BL_DNS_AAAA : BL_DNS_A, a[k]);
		if (given)
			for (i = 0; e->ips[i] != NULL; i++)
				if ((ip_family(e->ips[i]) == BL_DNS_AAAA) ==
				    (k == 1)) {
					bl_buf_printf(&b,
						      " (the server sends "
						      "from %s)",
						      e->ips[i]);
					break;
				}
	}
	v->text = bl_buf_steal(&b);
	return BL_OUTCOME_YES;
}

/* dns_address_mismatch - BL402: it resolves, but not to a given address */
static enum bl_outcome
dns_address_mismatch(const struct bl_check_env *e, const struct bl_rule *r,
		     const struct bl_surface *sf, struct bl_verdict *v)
{
	const char *h = sf->hostname;
	struct bl_buf b;
	size_t i;

	if (!dns_judged(e, sf) || e->ips == NULL || e->ips[0] == NULL)
		return BL_OUTCOME_NO;
	bl_buf_init(&b);
	for (i = 0; e->ips[i] != NULL; i++) {
		enum bl_dns_type t = ip_family(e->ips[i]);
		const struct bl_dns_answer *a = dns_ask(e, t, h);

		evidence(v, t, h, a);
		if (a->status == BL_DNS_TEMPFAIL) {
			bl_buf_finish(&b);
			return dns_unverified(v, t, h, a);
		}
		if (a->status != BL_DNS_FOUND || has_data(a, e->ips[i], false))
			continue;
		bl_buf_printf(&b, "%s%s %s resolves to ", b.len ? "; " : "",
			      t == BL_DNS_A ? "A" : "AAAA", h);
		answer_text(&b, t, a);
		bl_buf_printf(&b, ", not %s", e->ips[i]);
	}
	if (b.len == 0) {
		bl_buf_finish(&b);
		return BL_OUTCOME_NO;
	}
	v->text = bl_buf_steal(&b);
	return BL_OUTCOME_YES;
}

/* ptr_walk - what BL403-BL406 share: for every address judged, its PTR
 * answer; each calls judge, which appends to b what is wrong */
static enum bl_outcome
ptr_walk(const struct bl_check_env *e, const struct bl_surface *sf,
	 struct bl_verdict *v,
	 enum bl_outcome (*judge)(const struct bl_check_env *e,
				  const struct bl_surface *sf,
				  struct bl_verdict *v, const char *ip,
				  const struct bl_dns_answer *ptr,
				  struct bl_buf *b))
{
	struct dns_addrs addrs;
	struct bl_buf b;
	bool unknown;
	size_t i;

	if (!dns_judged(e, sf))
		return BL_OUTCOME_NO;
	dns_addrs(e, sf->hostname, v, &addrs);
	unknown = addrs.unknown;
	bl_buf_init(&b);
	/* an address that cannot be judged leaves the others to judge: a
	 * finding on one wins over "unverified" on another */
	for (i = 0; i < addrs.n; i++) {
		const struct bl_dns_answer *p =
			dns_ask(e, BL_DNS_PTR, addrs.v[i]);

		evidence(v, BL_DNS_PTR, addrs.v[i], p);
		if (p->status == BL_DNS_TEMPFAIL) {
			dns_unverified(v, BL_DNS_PTR, addrs.v[i], p);
			unknown = true;
			continue;
		}
		if (judge(e, sf, v, addrs.v[i], p, &b) == BL_OUTCOME_UNKNOWN)
			unknown = true;
	}
	if (b.len == 0) {
		bl_buf_finish(&b);
		return unknown ? BL_OUTCOME_UNKNOWN : BL_OUTCOME_NO;
	}
	free(v->text);
	v->text = bl_buf_steal(&b);
	v->unverified = false;
	return BL_OUTCOME_YES;
}

static enum bl_outcome
judge_no_ptr(const struct bl_check_env *e, const struct bl_surface *sf,
	     struct bl_verdict *v, const char *ip,
	     const struct bl_dns_answer *p, struct bl_buf *b)
{
	char q[BL_DNS_NAME_MAX];

	if (p->status == BL_DNS_FOUND)
		return BL_OUTCOME_NO;
	if (bl_dns_query_name(BL_DNS_PTR, ip, q, sizeof(q)) < 0)
		snprintf(q, sizeof(q), "%s", ip);
	bl_buf_printf(b, "%s%s has no PTR record (%s: ", b->len ? "; " : "",
		      ip, q);
	answer_text(b, BL_DNS_PTR, p);
	bl_buf_addc(b, ')');
	return BL_OUTCOME_YES;
}

static enum bl_outcome
judge_ptr_mismatch(const struct bl_check_env *e, const struct bl_surface *sf,
		   struct bl_verdict *v, const char *ip,
		   const struct bl_dns_answer *p, struct bl_buf *b)
{
	if (p->status != BL_DNS_FOUND || has_data(p, sf->hostname, true))
		return BL_OUTCOME_NO;
	bl_buf_printf(b, "%sthe PTR of %s is ", b->len ? "; " : "", ip);
	answer_text(b, BL_DNS_PTR, p);
	return BL_OUTCOME_YES;
}

static enum bl_outcome
judge_not_confirmed(const struct bl_check_env *e, const struct bl_surface *sf,
		    struct bl_verdict *v, const char *ip,
		    const struct bl_dns_answer *p, struct bl_buf *b)
{
	enum bl_dns_type t = ip_family(ip);
	enum bl_outcome out = BL_OUTCOME_NO;
	size_t i;

	for (i = 0; p->status == BL_DNS_FOUND && i < p->n; i++) {
		const struct bl_dns_answer *a = dns_ask(e, t, p->data[i]);

		evidence(v, t, p->data[i], a);
		if (a->status == BL_DNS_TEMPFAIL) {
			dns_unverified(v, t, p->data[i], a);
			out = BL_OUTCOME_UNKNOWN;
			continue;
		}
		if (a->status == BL_DNS_FOUND && has_data(a, ip, false))
			continue;
		bl_buf_printf(b, "%s%s (the PTR of %s) does not resolve back "
			      "to it (%s: ",
			      b->len ? "; " : "", p->data[i], ip,
			      t == BL_DNS_A ? "A" : "AAAA");
		answer_text(b, t, a);
		bl_buf_addc(b, ')');
	}
	return out;
}

static enum bl_outcome
judge_ptr_generic(const struct bl_check_env *e, const struct bl_surface *sf,
		  struct bl_verdict *v, const char *ip,
		  const struct bl_dns_answer *p, struct bl_buf *b)
{
	size_t i, k, ms, me;
	const char *limit;
	/* PCRE2's JIT reads ahead in 16-byte steps: a DNS name, a short
	 * allocation of its own, is matched from a zeroed buffer with room */
	char name[BL_DNS_NAME_MAX + 64];

	for (i = 0; p->status == BL_DNS_FOUND && i < p->n; i++) {
		if (bl_check_allowed(e, p->data[i]) ||
		    strlen(p->data[i]) >= BL_DNS_NAME_MAX)
			continue;
		memset(name, 0, sizeof(name));
		memcpy(name, p->data[i], strlen(p->data[i]));
		for (k = 0; k < e->rs->ngenerics; k++) {
			const struct bl_generic *g = &e->rs->generics[k];

			if (bl_rule_search(e->rs, g->re, name, 0, &ms, &me,
					   &limit) != BL_MATCH_YES)
				continue;
			bl_buf_printf(b, "%sthe PTR of %s, %s, %s [%s]",
				      b->len ? "; " : "", ip, p->data[i],
				      g->description, g->id);
			break;
		}
	}
	return BL_OUTCOME_NO;
}

static enum bl_outcome
dns_no_ptr(const struct bl_check_env *e, const struct bl_rule *r,
	   const struct bl_surface *sf, struct bl_verdict *v)
{
	return ptr_walk(e, sf, v, judge_no_ptr);
}

static enum bl_outcome
dns_ptr_mismatch(const struct bl_check_env *e, const struct bl_rule *r,
		 const struct bl_surface *sf, struct bl_verdict *v)
{
	return ptr_walk(e, sf, v, judge_ptr_mismatch);
}

static enum bl_outcome
dns_ptr_not_confirmed(const struct bl_check_env *e, const struct bl_rule *r,
		      const struct bl_surface *sf, struct bl_verdict *v)
{
	return ptr_walk(e, sf, v, judge_not_confirmed);
}

static enum bl_outcome
dns_ptr_generic(const struct bl_check_env *e, const struct bl_rule *r,
		const struct bl_surface *sf, struct bl_verdict *v)
{
	return ptr_walk(e, sf, v, judge_ptr_generic);
}

const struct bl_check bl_checks[] = {
	{"banner-empty", banner_empty, NULL, false},
	{"hostname-first", hostname_first, NULL, false},
	{"fqdn", fqdn, NULL, false},
	{"ip-literal", ip_literal, NULL, false},
	{"hostname-syntax", hostname_syntax, NULL, false},
	{"internal-domain", internal_domain, NULL, false},
	{"generic-name", generic_name, NULL, false},
	{"placeholder-name", NULL, placeholder_host, false},
	{"helo-banner-mismatch", NULL, helo_banner_mismatch, false},
	{"duplicate-setting", NULL, duplicate_setting, false},
	{"listener-banners-differ", NULL, listener_banners_differ, false},
	{"dns-no-address", dns_no_address, NULL, false},
	{"dns-address-mismatch", dns_address_mismatch, NULL, false},
	{"dns-no-ptr", dns_no_ptr, NULL, false},
	{"dns-ptr-mismatch", dns_ptr_mismatch, NULL, false},
	{"dns-ptr-not-confirmed", dns_ptr_not_confirmed, NULL, false},
	{"dns-ptr-generic", dns_ptr_generic, NULL, false},
	{"live-banner-drift", NULL, bl_check_live_drift, false},
	{"live-greeting-malformed", NULL, bl_check_live_malformed, false},
	{"starttls-missing", NULL, bl_check_live_starttls_missing, false},
	{"starttls-broken", NULL, bl_check_live_starttls_broken, false},
	{"tls-certificate-expiry", NULL, bl_check_live_expiry, false},
	{"tls-certificate-name", NULL, bl_check_live_cert_name, false},
	{"tls-protocol-old", NULL, bl_check_live_old_protocol, false},
	{"ehlo-hostname-mismatch", NULL, bl_check_live_ehlo_name, false},
	{"unused-suppression", NULL, NULL, true},
	{NULL, NULL, NULL, false},
};

/* The check of every name a dialect's table gives its own findings
 * (struct bl_dialect_event): a dialect adds such a rule in parsers/ and
 * rules/ alone. */
static const struct bl_check dialect_check = {
	"dialect-events", NULL, dialect_events, false,
};

/* bl_check_find - the check named name: a built-in one, or one a
 * dialect's table names for its own findings; NULL: none */
const struct bl_check *
bl_check_find(const char *name)
{
	const struct bl_check *c;
	const struct bl_dialect_event *d;
	size_t i;

	for (c = bl_checks; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	for (i = 0; bl_parsers[i] != NULL; i++)
		for (d = bl_parsers[i]->events; d != NULL && d->check != NULL;
		     d++)
			if (strcmp(d->check, name) == 0)
				return &dialect_check;
	return NULL;
}

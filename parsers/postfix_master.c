/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * postfix_master.c - master.cf as master(8) and postconf(1) read it.
 *
 * Each logical line is a service: eight fields, the last being the command
 * and its arguments. Every "-o name=value", "-oname=value" and
 * "-o { name = value }" before the first non-option argument becomes a
 * setting in the service's scope ("SERVICE/TYPE"); a later entry for the
 * same service and type shadows the earlier one. Arguments after the first
 * non-option argument are kept as stray arguments (the daemon exits on
 * them). Problems are diagnostics at file:line.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "postfix.h"
#include "util.h"

struct tok {
	size_t off, len;
};

/* The tokens of one service entry: as many as it has (master(8) has no
 * limit; a fixed array dropped the rest silently). */
struct toks {
	struct tok *v;
	size_t n, cap;
};

/* Split like mystrtokq(3): whitespace separates, {} groups. */
static void
tokenize(const char *t, size_t n, struct toks *tv, bool *unbalanced)
{
	size_t i = 0, start;
	size_t level;

	*unbalanced = false;
	tv->n = 0;
	while (i < n) {
		while (i < n && bl_is_space(t[i]))
			i++;
		if (i >= n)
			break;
		start = i;
		level = 0;
		for (; i < n; i++) {
			if (t[i] == '{')
				level++;
			else if (t[i] == '}' && level > 0)
				level--;
			else if (level == 0 && bl_is_space(t[i]))
				break;
		}
		if (level != 0)
			*unbalanced = true;
		if (tv->n == tv->cap) {
			tv->cap = tv->cap ? tv->cap * 2 : 16;
			tv->v = bl_xreallocarray(tv->v, tv->cap,
						 sizeof(*tv->v));
		}
		tv->v[tv->n].off = start;
		tv->v[tv->n].len = i - start;
		tv->n++;
	}
}

/*
 * The last entry of each SERVICE/TYPE so far: open addressing keyed by
 * name, as a master.cf may hold a hundred thousand services (a scan of
 * the earlier ones for each was quadratic).
 */
struct last_svc {
	struct bl_scope **v;
	size_t cap, n;
};

static size_t
hash_name(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* svc_slot - the slot of name: its last entry, or an empty slot */
static struct bl_scope **
svc_slot(struct last_svc *t, const char *name)
{
	size_t k = hash_name(name) & (t->cap - 1);

	while (t->v[k] != NULL && strcmp(t->v[k]->name, name) != 0)
		k = (k + 1) & (t->cap - 1);
	return &t->v[k];
}

/* svc_swap - the earlier entry of sc's name (NULL: none); sc is the last */
static struct bl_scope *
svc_swap(struct last_svc *t, struct bl_scope *sc)
{
	struct bl_scope **old = t->v, **slot, *prev;
	size_t i, oldcap = t->cap;

	if (t->n * 2 >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = bl_xcalloc(t->cap, sizeof(*t->v));
		for (i = 0; i < oldcap; i++)
			if (old[i] != NULL)
				*svc_slot(t, old[i]->name) = old[i];
		free(old);
	}
	slot = svc_slot(t, sc->name);
	prev = *slot;
	if (prev == NULL)
		t->n++;
	*slot = sc;
	return prev;
}

static bool
tok_is(const char *t, const struct tok *k, const char *s)
{
	return k->len == strlen(s) && memcmp(t + k->off, s, k->len) == 0;
}

static const char *const service_types[] = {"inet", "unix", "unix-dgram",
					    "fifo", "pass"};

/* Options of the Postfix daemons (mail_server.c getopt) taking an argument. */
#define OPTS_WITH_ARG "imnorst"

static void
add_override(struct bl_config *cfg, const struct bl_source *src,
	     const struct bl_pf_line *l, struct bl_scope *sc, size_t off,
	     size_t len, struct bl_diags *diags, int *status)
{
	const char *t = l->text.data;
	size_t k, ke, v, ve, end = off + len;
	struct bl_setting *s;
	unsigned line, col;

	bl_source_position(src, bl_pf_line_src(l, off), &line, &col);
	if (len > 0 && t[off] == '{') {
		/* "{ name = value }": strip the braces and blanks inside */
		if (t[end - 1] != '}') {
			bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
				     "-o { ... }: missing '}'");
			*status = -1;
			return;
		}
		off++;
		end--;
	}
	while (off < end && bl_is_space(t[off]))
		off++;
	for (k = off; k < end && t[k] != '=' && !bl_is_space(t[k]); k++)
		;
	ke = k;
	while (k < end && bl_is_space(t[k]))
		k++;
	if (ke == off || k >= end || t[k] != '=') {
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
			     "-o option \"%.*s\" is not name=value: the "
			     "service will not start",
			     (int)(end - off), t + off);
		*status = -1;
		return;
	}
	for (v = k + 1; v < end && bl_is_space(t[v]); v++)
		;
	for (ve = end; ve > v && bl_is_space(t[ve - 1]); ve--)
		;
	s = bl_postfix_make_setting(cfg, src, l, sc->name, off, ke - off, v,
				    ve - v);
	s->stmt_off = bl_pf_line_src(l, off);
	s->stmt_len = bl_pf_line_src(l, ve > off ? ve - 1 : off) + 1 -
		      s->stmt_off;
	bl_scope_add_setting(cfg, sc, s);
}

/* all_digits - are t[off, off+len) decimal digits only (none: true)? */
static bool
all_digits(const char *t, size_t off, size_t len)
{
	size_t i;

	for (i = off; i < off + len; i++)
		if (t[i] < '0' || t[i] > '9')
			return false;
	return true;
}

/*
 * check_fields - fields 2 to 7 of an entry as postconf(1) checks them
 * (postconf_master.c pcf_check_master_entry, verified with postconf 3.7.11
 * -M here): the type one of service_types; private, unpriv and chroot one
 * of "y", "n", "-"; wakeup "-" or digits, either with one optional "?"
 * after it; maxproc "-" or digits. postconf and master(8) refuse to go on
 * ("invalid process_limit field \"PH_MAX_SERVERS\""), so a bad field is an
 * error at the field and the entry is no service: a template placeholder
 * there describes no listener. (master(8) alone is laxer on numbers, atoi
 * after a digit: "1x" passes it, but "postfix start" runs postconf first.)
 */
static bool
check_fields(const struct bl_source *src, const struct bl_pf_line *l,
	     const struct tok *tv, struct bl_diags *diags)
{
	static const char *const names[] = {"service", "type", "private",
					    "unprivileged", "chroot",
					    "wakeup", "process_limit"};
	const char *t = l->text.data, *f;
	size_t i, k, len;
	unsigned line, col;
	bool ok = true;

	for (k = 1; k < 7 && ok; k++) {
		f = t + tv[k].off;
		len = tv[k].len;
		switch (k) {
		case 1:
			ok = false;
			for (i = 0; i < BL_ARRAY_LEN(service_types); i++)
				if (tok_is(t, &tv[1], service_types[i]))
					ok = true;
			break;
		case 2:
		case 3:
		case 4:
			ok = len == 1 && (*f == 'y' || *f == 'n' || *f == '-');
			break;
		case 5:
			if (len > 0 && f[len - 1] == '?')
				len--;
			ok = (len == 1 && *f == '-') ||
			     all_digits(t, tv[k].off, len);
			break;
		default:
			ok = (len == 1 && *f == '-') ||
			     all_digits(t, tv[k].off, len);
			break;
		}
	}
	if (ok)
		return true;
	k--;
	bl_source_position(src, bl_pf_line_src(l, tv[k].off), &line, &col);
	if (k == 1)
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
			     "unknown service type \"%.*s\" (expected inet, "
			     "unix, unix-dgram, fifo or pass): Postfix "
			     "refuses to start",
			     (int)tv[k].len, t + tv[k].off);
	else
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
			     "invalid %s field \"%.*s\" (expected %s): "
			     "Postfix refuses to start",
			     names[k], (int)tv[k].len, t + tv[k].off,
			     k < 5 ? "y, n or -"
			     : k == 5 ? "a number of seconds, optionally "
					"followed by ?, or -"
				      : "a number or -");
	return false;
}

/* set_stray - argument k is one the program refuses (it exits on it) */
static void
set_stray(struct bl_config *cfg, const struct bl_source *src,
	  const struct bl_pf_line *l, struct bl_scope *sc, const struct tok *k)
{
	sc->stray_off = bl_pf_line_src(l, k->off);
	sc->stray_line = 0;
	bl_source_position(src, sc->stray_off, &sc->stray_line,
			   &sc->stray_col);
	sc->stray = bl_arena_strndup(&cfg->arena, l->text.data + k->off,
				     k->len);
}

/*
 * client_attribute - is argument k a command attribute of the service's
 * program: "flags=DORX" after the options of smtp(8) and lmtp(8) (smtp.c
 * get_cli_attr: the name is matched without regard to case, and any other
 * argument is "unknown attribute name", fatal)? An unknown flag letter is
 * fatal in the client too (byte_mask), so it is a warning here: master and
 * postconf accept the entry, the client exits when it is first run.
 * pipe(8) attributes (flags=, user=, argv=, ...) are not judged here: the
 * rules only look at the arguments of the SMTP programs.
 */
static bool
client_attribute(const struct bl_source *src, const struct bl_pf_line *l,
		 const struct bl_scope *sc, const struct tok *k,
		 struct bl_diags *diags)
{
	const char *a = l->text.data + k->off;
	size_t j;
	unsigned line, col;

	if (strcmp(sc->role, "smtp") != 0 && strcmp(sc->role, "lmtp") != 0)
		return false;
	if (k->len < 6 || strncasecmp(a, "flags=", 6) != 0)
		return false;
	for (j = 6; j < k->len; j++) {
		if (strchr("DORX", a[j]) != NULL && a[j] != '\0')
			continue;
		bl_source_position(src, bl_pf_line_src(l, k->off + j), &line,
				   &col);
		bl_diags_add(diags, BL_LEVEL_WARNING, src->path, line, col,
			     "%s(8) knows the flags D, O, R and X, not '%c' "
			     "in \"%.*s\": the %s client exits when it starts",
			     sc->role,
			     isprint((unsigned char)a[j]) ? a[j] : '?',
			     (int)k->len, a, sc->role);
		break;
	}
	return true;
}

/* One service entry: its scope and its -o settings. */
static void
parse_service(struct bl_config *cfg, const struct bl_source *src,
	      const struct bl_pf_line *l, struct toks *tk,
	      struct last_svc *last, struct bl_diags *diags, int *status)
{
	const char *t = l->text.data;
	struct bl_scope *sc, *o;
	const struct tok *tv;
	const char *cmd, *slash;
	bool unbalanced, options = true;
	size_t nt, i, j, c, n0;

	tokenize(t, l->text.len, tk, &unbalanced);
	tv = tk->v;
	nt = tk->n;
	if (unbalanced) {
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, l->line, 1,
			     "unbalanced '{' in service entry: the master "
			     "daemon refuses to start");
		*status = -1;
		return;
	}
	if (nt < 8) {
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, l->line, 1,
			     "service entry has %zu field%s, needs 8 (service "
			     "type private unpriv chroot wakeup maxproc "
			     "command): the master daemon refuses to start",
			     nt, nt == 1 ? "" : "s");
		*status = -1;
		return;
	}
	if (!check_fields(src, l, tv, diags)) {
		*status = -1;
		return;
	}
	sc = bl_config_add_scope(cfg);
	{
		struct bl_buf nb;

		bl_buf_init(&nb);
		bl_buf_printf(&nb, "%.*s/%.*s", (int)tv[0].len, t + tv[0].off,
			      (int)tv[1].len, t + tv[1].off);
		sc->name = bl_arena_strdup(&cfg->arena, nb.data);
		bl_buf_finish(&nb);
	}
	/* The program: the first word of field 8, without a directory. */
	cmd = bl_arena_strndup(&cfg->arena, t + tv[7].off, tv[7].len);
	slash = strrchr(cmd, '/');
	sc->role = slash ? slash + 1 : cmd;
	sc->src = src;
	sc->line = l->line;
	sc->stmt_off = l->start;
	sc->stmt_len = l->end - l->start;
	/* getopt(3) over the arguments: options until the first non-option. */
	for (i = 8; i < nt && options; i++) {
		const char *a = t + tv[i].off;
		size_t alen = tv[i].len;
		bool dashdash;

		/* "--" ends the options: what follows is an argument even
		 * when it starts with "-" ("-- -o x=y" is two arguments) */
		dashdash = alen == 2 && a[0] == '-' && a[1] == '-';
		if (dashdash) {
			if (++i >= nt)
				break;
			a = t + tv[i].off;
			alen = tv[i].len;
		}
		if (dashdash || alen < 2 || a[0] != '-') {
			/* smtp(8)/lmtp(8) take flags= attributes here */
			while (i < nt && client_attribute(src, l, sc, &tv[i],
							  diags))
				i++;
			if (i < nt)
				set_stray(cfg, src, l, sc, &tv[i]);
			break;
		}
		for (j = 1; j < alen; j++) {
			c = (unsigned char)a[j];
			if (strchr(OPTS_WITH_ARG, (int)c) == NULL)
				continue;
			if (j + 1 < alen) {
				/* attached argument: "-oname=value" */
				if (c == 'o')
					add_override(cfg, src, l, sc,
						     tv[i].off + j + 1,
						     alen - j - 1, diags,
						     status);
			} else if (i + 1 < nt) {
				i++;
				if (c == 'o')
					add_override(cfg, src, l, sc,
						     tv[i].off, tv[i].len,
						     diags, status);
			} else {
				bl_diags_add(diags, BL_LEVEL_ERROR, src->path,
					     l->line, 1,
					     "option -%c of service %s needs "
					     "an argument",
					     (int)c, sc->name);
				*status = -1;
			}
			break;
		}
	}
	/* Same service and type again: the later entry wins. */
	o = svc_swap(last, sc);
	if (o != NULL && bl_source_exclusive(o->src, o->line, src, sc->line)) {
		o->shadowed = true; /* template branches: the last is read */
	} else if (o != NULL) {
		o->shadowed = true;
		sc->shadows = o;
		n0 = diags->n;
		bl_diags_add(diags, BL_LEVEL_WARNING, src->path, l->line, 1,
			     "service %s is defined again (first at line %u): "
			     "the last entry wins",
			     sc->name, o->line);
		/* what the duplicate-setting check reports too, unless only
		 * counted past the file's cap */
		if (diags->n > n0 && diags->v[diags->n - 1].line != 0)
			diags->v[diags->n - 1].rule = "duplicate-setting";
	}
}

/* bl_postfix_parse_master - add the services of a master.cf */
int
bl_postfix_parse_master(struct bl_config *cfg, const struct bl_source *src,
			struct bl_diags *diags)
{
	struct bl_pf_reader r;
	struct bl_pf_line l;
	struct toks tk;
	struct last_svc last;
	int status = 0;

	memset(&tk, 0, sizeof(tk));
	memset(&last, 0, sizeof(last));
	bl_pf_reader_init(&r, src);
	bl_pf_line_init(&l);
	while (bl_pf_next_line(&r, &l)) {
		if (l.indented) {
			bl_diags_add(diags, BL_LEVEL_WARNING, src->path, l.line,
				     1,
				     "logical line must not start with "
				     "whitespace: ignored, as Postfix does");
			continue;
		}
		parse_service(cfg, src, &l, &tk, &last, diags, &status);
	}
	bl_pf_line_finish(&l);
	free(tk.v);
	free(last.v);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_fix.c - libFuzzer harness: the fixer's edits and diffs. The first
 * byte picks the dialect ('P' or byte % 3 == 0: a Postfix main.cf, with a
 * master.cf after a line "%%% master.cf"; 'E' or 1: exim.conf; 'S' or 2:
 * sendmail.cf); the rest is parsed, resolved and judged in memory, and
 * each fix's edits are applied and diffed and the results checked.
 */
#include "fuzz_common.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "engine.h"
#include "fix.h"
#include "model.h"
#include "parser.h"
#include "rules.h"
#include "source.h"
#include "util.h"

static struct bl_ruleset *rs;

/* fail - report a broken invariant with the edit's file and abort */
static void
fail(const char *what, const char *file, size_t off)
{
	fprintf(stderr, "fuzz_fix: %s (%s, offset %zu)\n", what,
		file != NULL ? file : "?", off);
	abort();
}

/* ruleset - the embedded catalogue, compiled once */
static const struct bl_ruleset *
ruleset(void)
{
	struct bl_diags d;

	if (rs == NULL) {
		bl_diags_init(&d);
		rs = bl_ruleset_new(NULL, &d);
		bl_diags_finish(&d);
		if (rs == NULL)
			fail("the embedded ruleset does not load", NULL, 0);
	}
	return rs;
}

/* add - parse data[0, len) as path in role into cfg; false: binary */
static bool
add(struct bl_config *cfg, const struct bl_parser *p, const char *path,
    const uint8_t *data, size_t len, enum bl_file_role role,
    struct bl_diags *d)
{
	struct bl_source *src;

	if (memchr(data, '\0', len) != NULL)
		return false;
	src = bl_source_from_mem(path, (const char *)data, len);
	if (bl_source_check_text(src, d) < 0) {
		bl_source_free(src);
		return false;
	}
	p->parse(cfg, src, role, d);
	return true;
}

/* source_of - the source of cfg named path, or NULL */
static const struct bl_source *
source_of(const struct bl_config *cfg, const char *path)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i]->path, path) == 0)
			return cfg->sources[i];
	return NULL;
}

/* eof_lenient - BL_FUZZ_FIX_EOF=1: do not check the line:col of an edit
 * (or its end) at the end of the file, a known failure (bl_source_position
 * puts the end of a file ending in a newline on its last line), to fuzz
 * the rest; never in CI */
static bool
eof_lenient(void)
{
	static int v = -1;
	const char *e;

	if (v < 0) {
		e = getenv("BL_FUZZ_FIX_EOF");
		v = e != NULL && strcmp(e, "1") == 0;
	}
	return v == 1;
}

/* position - 1-based line and byte column of off in data */
static void
position(const char *data, size_t off, unsigned *line, unsigned *col)
{
	size_t i, start = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (data[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*col = (unsigned)(off - start + 1);
}

/* by_off - qsort order of edit pointers by offset */
static int
by_off(const void *a, const void *b)
{
	const struct bl_edit *x = *(const struct bl_edit *const *)a;
	const struct bl_edit *y = *(const struct bl_edit *const *)b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* next_line - the line at *p of buf[0, len): its start and length with
 * the newline; false at the end */
static bool
next_line(const char *buf, size_t len, size_t *p, const char **s,
	  size_t *n)
{
	const char *nl;

	if (*p >= len)
		return false;
	*s = buf + *p;
	nl = memchr(*s, '\n', len - *p);
	*n = nl != NULL ? (size_t)(nl - *s) + 1 : len - *p;
	*p += *n;
	return true;
}

/* no_newline - l[0, ln) is diff's "\\ No newline at end of file" line */
static bool
no_newline(const char *l, size_t ln)
{
	static const char m[] = "\\ No newline at end of file\n";

	return ln == sizeof(m) - 1 && memcmp(l, m, ln) == 0;
}

/* same_line - the file's line f[0, fn) is the diff line l[0, ln) without
 * its first byte (a last line without a newline gets one in the diff) */
static bool
same_line(const char *f, size_t fn, const char *l, size_t ln)
{
	if (fn == ln - 1)
		return memcmp(f, l + 1, fn) == 0;
	return fn == ln - 2 && f[fn - 1] != '\n' && l[ln - 1] == '\n' &&
	       memcmp(f, l + 1, fn) == 0;
}

/* hunk_range - parse "l[,n]" at *s; the count (1 when no ",n") */
static bool
hunk_range(const char **s, unsigned long *l, unsigned long *n)
{
	char *end;

	*l = strtoul(*s, &end, 10);
	if (end == *s)
		return false;
	*n = 1;
	if (*end == ',') {
		*s = end + 1;
		*n = strtoul(*s, &end, 10);
		if (end == *s)
			return false;
	}
	*s = end;
	return true;
}

/*
 * check_diff - diff[0, dlen) is a well-formed unified diff of old to new_
 * for name: headers, every hunk's counts match its lines, and its
 * context and removed lines are old's, in order, and applying it to old
 * gives new_
 */
static void
check_diff(const char *name, const char *diff, size_t dlen, const char *old,
	   size_t oldlen, const char *new_, size_t newlen)
{
	size_t dp = 0, op = 0, np = 0, ln, on, nn;
	const char *l, *o, *nw, *s;
	unsigned long ol, oc, nl, nc, oline = 1;
	char want[4096];
	bool removed_last;

	if (dlen == 0) {
		if (oldlen != newlen || memcmp(old, new_, oldlen) != 0)
			fail("no diff for a change", name, 0);
		return;
	}
	snprintf(want, sizeof(want), "--- %s%s\n", old ? "a/" : "",
		 old ? name : "/dev/null");
	if (!next_line(diff, dlen, &dp, &l, &ln) || ln != strlen(want) ||
	    memcmp(l, want, ln) != 0)
		fail("diff: bad --- header", name, dp);
	snprintf(want, sizeof(want), "+++ b/%s\n", name);
	if (!next_line(diff, dlen, &dp, &l, &ln) || ln != strlen(want) ||
	    memcmp(l, want, ln) != 0)
		fail("diff: bad +++ header", name, dp);
	if (old == NULL)
		oldlen = 0;
	while (next_line(diff, dlen, &dp, &l, &ln)) {
		if (ln < 4 || memcmp(l, "@@ -", 4) != 0)
			fail("diff: expected a hunk header", name, dp);
		s = l + 4;
		if (!hunk_range(&s, &ol, &oc) || *s++ != ' ' || *s++ != '+' ||
		    !hunk_range(&s, &nl, &nc) || strncmp(s, " @@\n", 4) != 0)
			fail("diff: malformed hunk header", name, dp);
		/* the hunk starts at old line ol (ol is the line before when
		 * oc is 0); copy the lines before it */
		if (ol + (oc == 0) < oline)
			fail("diff: hunks out of order", name, dp);
		while (oline < ol + (oc == 0)) {
			if (!next_line(old, oldlen, &op, &o, &on) ||
			    !next_line(new_, newlen, &np, &nw, &nn) ||
			    on != nn || memcmp(o, nw, on) != 0)
				fail("diff: text between hunks differs", name,
				     dp);
			oline++;
		}
		removed_last = false;
		while (oc > 0 || nc > 0) {
			if (!next_line(diff, dlen, &dp, &l, &ln))
				fail("diff: hunk shorter than its header",
				     name, dp);
			if (l[0] == '\\') {
				if (!no_newline(l, ln))
					fail("diff: bad \\ line", name, dp);
				continue;
			}
			if (l[0] == ' ' || l[0] == '-') {
				if (oc-- == 0)
					fail("diff: more old lines than the "
					     "header says", name, dp);
				if (!next_line(old, oldlen, &op, &o, &on) ||
				    !same_line(o, on, l, ln))
					fail("diff: line is not old's", name,
					     dp);
				oline++;
			}
			if (l[0] == ' ' || l[0] == '+') {
				if (nc-- == 0)
					fail("diff: more new lines than the "
					     "header says", name, dp);
				if (!next_line(new_, newlen, &np, &nw, &nn) ||
				    !same_line(nw, nn, l, ln))
					fail("diff: line is not new's", name,
					     dp);
			}
			if (l[0] != ' ' && l[0] != '-' && l[0] != '+')
				fail("diff: bad line in hunk", name, dp);
			removed_last = l[0] == '-';
		}
		(void)removed_last;
		/* a "\ No newline" line may follow the last line */
		if (dp < dlen && diff[dp] == '\\') {
			next_line(diff, dlen, &dp, &l, &ln);
			if (!no_newline(l, ln))
				fail("diff: bad \\ line", name, dp);
		}
	}
	/* the rest is the same */
	if (oldlen - op != newlen - np ||
	    memcmp(old + op, new_ + np, oldlen - op) != 0)
		fail("diff: text after the last hunk differs", name, dp);
}

/* check_file - apply the edits e[0, n) on one file and check the result
 * and its diff */
static void
check_file(const struct bl_config *cfg, const struct bl_edit **e, size_t n)
{
	const struct bl_source *src = source_of(cfg, e[0]->file);
	const char *data = src != NULL ? src->data : "";
	size_t len = src != NULL ? src->len : 0, i, at = 0, o = 0, tl;
	size_t outlen = 0, dlen = 0, expect = len;
	char *out = NULL, *diff = NULL;
	unsigned line, col;
	FILE *fp;

	if (src == NULL && !e[0]->create)
		fail("edit on a file the instance did not read", e[0]->file,
		     e[0]->off);
	qsort(e, n, sizeof(*e), by_off);
	for (i = 0; i < n; i++) {
		if (e[i]->text == NULL)
			fail("edit without text", e[i]->file, e[i]->off);
		if (e[i]->off > len || e[i]->len > len - e[i]->off)
			fail("edit outside the file", e[i]->file, e[i]->off);
		if (e[i]->create && (src != NULL || e[i]->off != 0 ||
				     e[i]->len != 0))
			fail("create edit on an existing file or not at 0",
			     e[i]->file, e[i]->off);
		if (src != NULL && !(eof_lenient() && e[i]->off == len)) {
			position(data, e[i]->off, &line, &col);
			if (line != e[i]->line || col != e[i]->col)
				fprintf(stderr, "fuzz_fix: edit at %u:%u, "
					"its offset at %u:%u\n", e[i]->line,
					e[i]->col, line, col);
			if (line != e[i]->line || col != e[i]->col)
				fail("edit line:col is not its offset's",
				     e[i]->file, e[i]->off);
		}
		if (src != NULL &&
		    !(eof_lenient() && e[i]->off + e[i]->len == len)) {
			position(data, e[i]->off + e[i]->len, &line, &col);
			if (line != e[i]->end_line || col != e[i]->end_col)
				fprintf(stderr, "fuzz_fix: edit ends at %u:%u, "
					"its end at %u:%u\n", e[i]->end_line,
					e[i]->end_col, line, col);
			if (line != e[i]->end_line || col != e[i]->end_col)
				fail("edit end_line:end_col is not its end's",
				     e[i]->file, e[i]->off);
		}
		if (i > 0 && e[i - 1]->off + e[i - 1]->len > e[i]->off)
			fail("edits of one fix overlap", e[i]->file,
			     e[i]->off);
		expect = expect - e[i]->len + strlen(e[i]->text);
	}
	if (bl_edits_apply(data, len, (const struct bl_edit *const *)e, n,
			   &out, &outlen) < 0)
		fail("bl_edits_apply refused edits that do not overlap",
		     e[0]->file, e[0]->off);
	if (outlen != expect || out[outlen] != '\0' ||
	    memchr(out, '\0', outlen) != NULL)
		fail("applied text has the wrong length or a NUL", e[0]->file,
		     0);
	/* the original outside the edits, each text inside */
	for (i = 0; i < n; i++) {
		tl = strlen(e[i]->text);
		if (memcmp(out + o, data + at, e[i]->off - at) != 0)
			fail("text outside the edits changed", e[i]->file,
			     at);
		o += e[i]->off - at;
		if (memcmp(out + o, e[i]->text, tl) != 0)
			fail("edit text not in the result", e[i]->file,
			     e[i]->off);
		o += tl;
		at = e[i]->off + e[i]->len;
	}
	if (memcmp(out + o, data + at, len - at) != 0)
		fail("text after the last edit changed", e[0]->file, at);
	fp = open_memstream(&diff, &dlen);
	if (fp == NULL)
		abort();
	bl_diff_write(fp, e[0]->file, src != NULL ? data : NULL, len, out,
		      outlen);
	if (fclose(fp) != 0)
		abort();
	check_diff(e[0]->file, diff, dlen, src != NULL ? data : NULL, len,
		   out, outlen);
	free(diff);
	free(out);
}

/* check_fix - check the edits of one fix, file by file */
static void
check_fix(const struct bl_config *cfg, const struct bl_fix *f)
{
	const struct bl_edit **e;
	bool *done;
	size_t i, j, n;

	if (f->nedits == 0)
		return;
	if (f->safety == BL_FIX_MANUAL)
		fail("manual fix with edits", f->edits[0].file, 0);
	e = bl_xcalloc(f->nedits, sizeof(*e));
	done = bl_xcalloc(f->nedits, sizeof(*done));
	for (i = 0; i < f->nedits; i++) {
		if (done[i])
			continue;
		if (f->edits[i].file == NULL)
			fail("edit without a file", NULL, f->edits[i].off);
		n = 0;
		for (j = i; j < f->nedits; j++)
			if (!done[j] &&
			    strcmp(f->edits[j].file, f->edits[i].file) == 0) {
				done[j] = true;
				e[n++] = &f->edits[j];
			}
		check_file(cfg, e, n);
	}
	free(done);
	free(e);
}

/* split - the length of the main.cf part of p[0, n) (before a line
 * "%%% master.cf"), and in *rest where master.cf starts (n: none) */
static size_t
split(const uint8_t *p, size_t n, size_t *rest)
{
	static const char mark[] = "%%% master.cf\n";
	size_t i, m = sizeof(mark) - 1;

	for (i = 0; i + m <= n; i++)
		if ((i == 0 || p[i - 1] == '\n') && memcmp(p + i, mark, m) == 0) {
			*rest = i + m;
			return i;
		}
	*rest = n;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bl_parser *p;
	struct bl_config *cfg;
	struct bl_engine_opts o;
	struct bl_findings fs;
	struct bl_diags d;
	size_t i, mlen, rest;
	bool ok = true;

	if (size == 0)
		return 0;
	memset(&o, 0, sizeof(o));
	memset(&fs, 0, sizeof(fs));
	bl_diags_init(&d);
	switch (data[0] == 'P' ? 0 : data[0] == 'E' ? 1
	       : data[0] == 'S' ? 2 : data[0] % 3) {
	case 0:
		p = &bl_parser_postfix;
		cfg = bl_config_new(p->name, "fuzz");
		mlen = split(data + 1, size - 1, &rest);
		ok = add(cfg, p, "main.cf", data + 1, mlen,
			 BL_ROLE_POSTFIX_MAIN, &d);
		if (ok && rest < size - 1)
			ok = add(cfg, p, "master.cf", data + 1 + rest,
				 size - 1 - rest, BL_ROLE_POSTFIX_MASTER, &d);
		break;
	case 1:
		p = &bl_parser_exim;
		cfg = bl_config_new(p->name, "fuzz");
		ok = add(cfg, p, "exim.conf", data + 1, size - 1,
			 BL_ROLE_EXIM_MAIN, &d);
		break;
	default:
		p = &bl_parser_sendmail;
		cfg = bl_config_new(p->name, "fuzz");
		ok = add(cfg, p, "sendmail.cf", data + 1, size - 1,
			 BL_ROLE_SENDMAIL_CF, &d);
		break;
	}
	if (ok) {
		p->resolve(cfg, &d);
		o.hostname = (data[0] & 0x80) ? "mail.example.com" : NULL;
		bl_engine_run(ruleset(), cfg, &o, &fs, &d);
		for (i = 0; i < fs.n; i++)
			if (fs.v[i].fix != NULL)
				check_fix(cfg, fs.v[i].fix);
	}
	bl_findings_finish(&fs);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	return 0;
}

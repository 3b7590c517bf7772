/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * baseline.c - findings already known are not reported (baseline.h).
 *
 * The baseline file is bannerlint's JSON report (format version 1), each
 * finding carrying its "fingerprint" (fingerprint.h); only "fingerprint"
 * is matched, "rule", "message", "file", "line", "column" and "severity"
 * say what a stale entry was. A finding matches an entry with its
 * fingerprint that no finding has matched yet, so an entry written twice
 * stands for two findings. --write-baseline writes the same JSON through
 * the JSON reporter into a temporary file beside the target, renamed over
 * it at the end (a run that dies leaves the old file).
 *
 * A missing, unreadable or malformed baseline is an error diagnostic
 * (file:line:col for JSON syntax); the caller exits 2. The entries are
 * owned here; findings are borrowed for a call.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "report_check.h"
#include "util.h"

/* a baseline larger than this is refused, not loaded */
#define MAX_BASELINE (256u * 1024 * 1024)

struct bl_baseline {
	char *path; /* read, or NULL */
	struct bl_baseline_entry *v;
	size_t n;
	struct bl_baseline_entry **sorted; /* by fingerprint, then file order */
	char *root, *cwd;		   /* what URIs are relative to */
	/* --write-baseline */
	char *write_path, *tmp_path;
	FILE *wfp;
	struct bl_check_report *writer;
};

/* by_fingerprint - qsort order of entry pointers: fingerprint, place */
static int
by_fingerprint(const void *a, const void *b)
{
	const struct bl_baseline_entry *x =
	    *(const struct bl_baseline_entry *const *)a;
	const struct bl_baseline_entry *y =
	    *(const struct bl_baseline_entry *const *)b;
	int c = strcmp(x->fingerprint, y->fingerprint);

	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* str_member - o[key] as a copy when it is a string, else dflt copied */
static char *
str_member(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return bl_xstrdup(json_is_string(v) ? json_string_value(v) : dflt);
}

/* uint_member - o[key] when it is a non-negative integer that fits */
static unsigned
uint_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	json_int_t k = json_is_integer(v) ? json_integer_value(v) : 0;

	return k > 0 && k <= (json_int_t)UINT_MAX ? (unsigned)k : 0;
}

/* load_json - the document at path; NULL with an error in diags */
static json_t *
load_json(const char *path, struct bl_diags *diags)
{
	json_error_t err;
	struct stat st;
	json_t *doc;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot read the baseline: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot read the baseline: %s",
			     S_ISDIR(st.st_mode) ? "it is a directory"
						 : "not a regular file");
		fclose(fp);
		return NULL;
	}
	if ((unsigned long long)st.st_size > MAX_BASELINE) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "the baseline is larger than %u MiB",
			     MAX_BASELINE / (1024 * 1024));
		fclose(fp);
		return NULL;
	}
	doc = json_loadf(fp, 0, &err);
	if (doc == NULL && ferror(fp))
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot read the baseline: %s", strerror(errno));
	else if (doc == NULL)
		bl_diags_add(
		    diags, BL_LEVEL_ERROR, path,
		    err.line > 0 ? (unsigned)err.line : 0,
		    err.line > 0 && err.column > 0 ? (unsigned)err.column : 0,
		    "the baseline is not JSON: %s", err.text);
	fclose(fp);
	return doc;
}

/* read_entries - the findings of a JSON report into b; -1 with an error */
static int
read_entries(struct bl_baseline *b, const char *path, struct bl_diags *diags)
{
	json_t *doc = load_json(path, diags), *fs, *f, *ver, *fp;
	size_t i;

	if (doc == NULL)
		return -1;
	ver = json_object_get(doc, "version");
	fs = json_object_get(doc, "findings");
	if (!json_is_object(doc) || !json_is_array(fs)) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "the baseline has no \"findings\" array: it is "
			     "not a report of 'bannerlint check --format "
			     "json' (write one with --write-baseline)");
		goto fail;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "the baseline is not JSON report version 1 "
			     "(write it again with --write-baseline)");
		goto fail;
	}
	b->n = json_array_size(fs);
	b->v = bl_xcalloc(b->n ? b->n : 1, sizeof(*b->v));
	json_array_foreach (fs, i, f) {
		struct bl_baseline_entry *e = &b->v[i];

		fp = json_object_get(f, "fingerprint");
		if (!json_is_string(fp) ||
		    !bl_fingerprint_valid(json_string_value(fp))) {
			bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
				     "finding %zu of the baseline has no "
				     "valid \"fingerprint\" (16 hex digits): "
				     "write the file with --write-baseline",
				     i + 1);
			b->n = i;
			goto fail;
		}
		memcpy(e->fingerprint, json_string_value(fp),
		       BL_FINGERPRINT_SIZE);
		e->rule = str_member(f, "rule", "?");
		e->severity = str_member(f, "severity", "warning");
		e->message = str_member(f, "message", "");
		e->file = str_member(f, "file", path);
		e->line = uint_member(f, "line");
		e->col = uint_member(f, "column");
	}
	json_decref(doc);
	b->sorted = bl_xreallocarray(NULL, b->n ? b->n : 1, sizeof(*b->sorted));
	for (i = 0; i < b->n; i++)
		b->sorted[i] = &b->v[i];
	qsort(b->sorted, b->n, sizeof(*b->sorted), by_fingerprint);
	return 0;
fail:
	json_decref(doc);
	return -1;
}

/* open_writer - a temporary file beside path and a JSON reporter on it */
static int
open_writer(struct bl_baseline *b, const char *path, struct bl_diags *diags)
{
	struct bl_check_report_opts o = {.format = BL_CHECK_FORMAT_JSON};
	mode_t mask;
	int fd;

	b->write_path = bl_xstrdup(path);
	b->tmp_path = bl_xasprintf("%s.XXXXXX", path);
	fd = mkstemp(b->tmp_path);
	if (fd < 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot write the baseline: %s", strerror(errno));
		free(b->tmp_path);
		b->tmp_path = NULL;
		return -1;
	}
	/* mkstemp makes it 0600; a baseline is as readable as a report
	 * (no worker thread runs yet: umask may be read by setting it) */
	mask = umask(077);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	b->wfp = fdopen(fd, "w");
	if (b->wfp == NULL)
		bl_fatal("cannot open a stream: %s", strerror(errno));
	b->writer = bl_check_report_begin(b->wfp, &o);
	return 0;
}

/* bl_baseline_begin - read path, open write_path; -1 with an error */
int
bl_baseline_begin(struct bl_baseline **out, const char *path,
		  const char *write_path, struct bl_diags *diags)
{
	struct bl_baseline *b = bl_xcalloc(1, sizeof(*b));
	char buf[PATH_MAX];

	*out = NULL;
	b->cwd = bl_xstrdup(getcwd(buf, sizeof(buf)) ? buf : "/");
	b->root = bl_report_formats_root(b->cwd);
	if (path != NULL) {
		b->path = bl_xstrdup(path);
		if (read_entries(b, path, diags) < 0)
			goto fail;
	}
	if (write_path != NULL && open_writer(b, write_path, diags) < 0)
		goto fail;
	*out = b;
	return 0;
fail:
	bl_baseline_free(b);
	return -1;
}

/* take - the first entry with fingerprint fp that no finding matched yet,
 * marked matched; false when there is none */
static bool
take(struct bl_baseline *b, const char *fp)
{
	size_t lo = 0, hi = b->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(b->sorted[mid]->fingerprint, fp) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->n && strcmp(b->sorted[lo]->fingerprint, fp) == 0; lo++)
		if (!b->sorted[lo]->matched) {
			b->sorted[lo]->matched = true;
			return true;
		}
	return false;
}

/* bl_baseline_instance - fingerprints, the written file, the filter */
size_t
bl_baseline_instance(struct bl_baseline *b, struct bl_findings *fs,
		     const struct bl_diags *diags)
{
	struct bl_finding *gone;
	struct bl_findings dead = {0};
	size_t i, kept = 0, ngone = 0;

	bl_fingerprint_findings(fs, b->root, b->cwd);
	if (b->writer != NULL)
		bl_check_report_instance(b->writer, fs, diags);
	if (b->path == NULL || fs->n == 0)
		return 0;
	/* a stable partition: the known findings go, the others keep their
	 * order */
	gone = bl_xreallocarray(NULL, fs->n, sizeof(*gone));
	for (i = 0; i < fs->n; i++) {
		if (take(b, fs->v[i].fingerprint))
			gone[ngone++] = fs->v[i];
		else
			fs->v[kept++] = fs->v[i];
	}
	memcpy(fs->v + kept, gone, ngone * sizeof(*gone));
	free(gone);
	dead.v = fs->v + kept;
	dead.n = ngone;
	bl_findings_clear(&dead); /* their strings; the array is fs's */
	fs->n = kept;
	return ngone;
}

/* finish_writer - the written file completed, synced and renamed over the
 * target; -1 with an error in diags */
static int
finish_writer(struct bl_baseline *b, const struct bl_diags *end,
	      const struct bl_ruleset *const *sets, size_t nsets,
	      bool incomplete, size_t unknown, struct bl_diags *diags)
{
	int status = bl_check_report_end(b->writer, end, sets, nsets,
					 incomplete, unknown);
	int err = errno;

	b->writer = NULL;
	if (status == 0 && fsync(fileno(b->wfp)) != 0) {
		status = -1;
		err = errno;
	}
	if (fclose(b->wfp) != 0 && status == 0) {
		status = -1;
		err = errno;
	}
	b->wfp = NULL;
	if (status == 0 && rename(b->tmp_path, b->write_path) != 0) {
		status = -1;
		err = errno;
	}
	if (status < 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, b->write_path, 0, 0,
			     "cannot write the baseline: %s", strerror(err));
		(void)unlink(b->tmp_path);
	}
	free(b->tmp_path);
	b->tmp_path = NULL;
	return status;
}

/* bl_baseline_end - the written file in place, the stale entries noted */
int
bl_baseline_end(struct bl_baseline *b, const struct bl_diags *end,
		const struct bl_ruleset *const *sets, size_t nsets,
		bool incomplete, size_t unknown, struct bl_diags *stale)
{
	int status = 0;
	size_t i;

	if (b->writer != NULL)
		status = finish_writer(b, end, sets, nsets, incomplete, unknown,
				       stale);
	for (i = 0; i < b->n; i++) {
		const struct bl_baseline_entry *e = &b->v[i];

		if (e->matched)
			continue;
		bl_diags_add(stale, BL_LEVEL_NOTE, e->file, e->line,
			     e->line > 0 ? e->col : 0,
			     "baseline entry matches nothing: %s %s; remove "
			     "it from %s (--write-baseline rewrites the file)",
			     e->rule, e->message, b->path);
	}
	return status;
}

/* bl_baseline_active - a baseline was read */
bool
bl_baseline_active(const struct bl_baseline *b)
{
	return b != NULL && b->path != NULL;
}

/* bl_baseline_count - the entries */
size_t
bl_baseline_count(const struct bl_baseline *b)
{
	return b != NULL ? b->n : 0;
}

/* bl_baseline_entry - entry i in file order (borrowed) */
const struct bl_baseline_entry *
bl_baseline_entry(const struct bl_baseline *b, size_t i)
{
	return &b->v[i];
}

/* bl_baseline_free - everything; an unfinished written file is removed */
void
bl_baseline_free(struct bl_baseline *b)
{
	size_t i;

	if (b == NULL)
		return;
	if (b->writer != NULL) {
		/* the document is abandoned: its reporter goes to a stream
		 * that is thrown away */
		(void)bl_check_report_end(b->writer, NULL, NULL, 0, true, 0);
	}
	if (b->wfp != NULL)
		fclose(b->wfp);
	if (b->tmp_path != NULL)
		(void)unlink(b->tmp_path);
	for (i = 0; i < b->n; i++) {
		free(b->v[i].rule);
		free(b->v[i].severity);
		free(b->v[i].message);
		free(b->v[i].file);
	}
	free(b->v);
	free(b->sorted);
	free(b->path);
	free(b->root);
	free(b->cwd);
	free(b->write_path);
	free(b->tmp_path);
	free(b);
}

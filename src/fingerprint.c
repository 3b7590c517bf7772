/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fingerprint.c - a finding's identity across runs (fingerprint.h): what
 * tells findings apart and stays when lines are added above: rule,
 * dialect, the file's URI relative to the repository root, scope, key,
 * surface kind and scope, the blamed text, and the occurrence among the
 * findings of one instance that agree in all of these; never the line or
 * column. FNV-1a over the fields with a separator, then splitmix64's
 * finaliser, as 16 hex digits ("bannerlint/v2").
 *
 * Nothing is kept between calls; the findings are borrowed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "report_check.h"
#include "util.h"

#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* fnv1a - h extended with n bytes of s and a field separator */
static uint64_t
fnv1a(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	h ^= 0xff; /* no byte of a C string: fields cannot run together */
	h *= FNV_PRIME;
	return h;
}

/* fnv1a_str - fnv1a of a string, "" for NULL */
static uint64_t
fnv1a_str(uint64_t h, const char *s)
{
	return fnv1a(h, s ? s : "", s ? strlen(s) : 0);
}

/* bl_fingerprint_hash - FNV-1a of a string ("" for NULL) */
uint64_t
bl_fingerprint_hash(const char *s)
{
	return fnv1a_str(FNV_BASIS, s);
}

/* mix - splitmix64's finaliser: every input bit moves every output bit */
static uint64_t
mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

/* Occurrences of a fingerprint among one instance's findings. */
struct seen {
	uint64_t *key; /* 0: a free slot */
	size_t *count;
	size_t cap; /* a power of two */
};

/* seen_init - room for n fingerprints at half load */
static void
seen_init(struct seen *t, size_t n)
{
	t->cap = 16;
	while (t->cap < 2 * n)
		t->cap *= 2;
	t->key = bl_xcalloc(t->cap, sizeof(*t->key));
	t->count = bl_xcalloc(t->cap, sizeof(*t->count));
}

/* seen_add - how many times h was added before */
static size_t
seen_add(struct seen *t, uint64_t h)
{
	size_t i;

	if (h == 0)
		h = 1;
	for (i = (size_t)h & (t->cap - 1); t->key[i] != 0 && t->key[i] != h;
	     i = (i + 1) & (t->cap - 1))
		;
	t->key[i] = h;
	return t->count[i]++;
}

/* seen_finish - free the table */
static void
seen_finish(struct seen *t)
{
	free(t->key);
	free(t->count);
}

/* fingerprint - one finding's identity, hex */
static void
fingerprint(const struct bl_finding *f, const char *uri, struct seen *t,
	    char hex[BL_FINGERPRINT_SIZE])
{
	uint64_t h = FNV_BASIS;
	size_t at, n = 0, k;

	h = fnv1a_str(h, f->rule->id);
	h = fnv1a_str(h, f->mta);
	h = fnv1a_str(h, uri);
	h = fnv1a_str(h, f->scope);
	h = fnv1a_str(h, f->key);
	h = fnv1a_str(h, f->surface ? bl_surface_kind_name(f->surface->kind)
				    : NULL);
	h = fnv1a_str(h, f->surface ? f->surface->scope : NULL);
	/* the blamed text, cut at the end of its line */
	at = f->col > 0 ? f->col - 1 : 0;
	if (f->excerpt != NULL && f->line > 0 && at <= f->excerpt_len) {
		n = f->len;
		if (n > f->excerpt_len - at)
			n = f->excerpt_len - at;
		h = fnv1a(h, f->excerpt + at, n);
	} else {
		h = fnv1a(h, "", 0);
	}
	/* the same finding twice (a key set three times): its occurrence */
	k = seen_add(t, h);
	if (k > 0) {
		char occ[32];

		snprintf(occ, sizeof(occ), "%zu", k);
		h = fnv1a_str(h, occ);
	}
	snprintf(hex, BL_FINGERPRINT_SIZE, "%016llx",
		 (unsigned long long)mix(h));
}

/* bl_fingerprint_compute - every finding's fingerprint into hex[] */
void
bl_fingerprint_compute(const struct bl_findings *fs, const char *root,
		       const char *cwd, char (*hex)[BL_FINGERPRINT_SIZE])
{
	struct seen t;
	size_t i;
	bool based;

	seen_init(&t, fs->n);
	for (i = 0; i < fs->n; i++) {
		char *uri =
		    bl_report_formats_uri(root, cwd, fs->v[i].file, &based);

		fingerprint(&fs->v[i], uri, &t, hex[i]);
		free(uri);
	}
	seen_finish(&t);
}

/* bl_fingerprint_findings - each finding's fingerprint into the finding */
void
bl_fingerprint_findings(struct bl_findings *fs, const char *root,
			const char *cwd)
{
	char(*hex)[BL_FINGERPRINT_SIZE];
	size_t i;

	if (fs->n == 0)
		return;
	hex = bl_xreallocarray(NULL, fs->n, sizeof(*hex));
	bl_fingerprint_compute(fs, root, cwd, hex);
	for (i = 0; i < fs->n; i++)
		memcpy(fs->v[i].fingerprint, hex[i], BL_FINGERPRINT_SIZE);
	free(hex);
}

/* bl_fingerprint_valid - 16 lowercase hex digits */
bool
bl_fingerprint_valid(const char *s)
{
	size_t i;

	for (i = 0; i < BL_FINGERPRINT_SIZE - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[i] == '\0';
}

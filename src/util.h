/* SPDX-License-Identifier: BSD-2-Clause */
/* util.h - allocation that does not return on failure, string buffers, arenas */
#ifndef BL_UTIL_H
#define BL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define BL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exit status for a system failure (out of memory, write error). */
#define BL_EXIT_SYSTEM 2

/*
 * Limits on hostile input (DESIGN.md §11). Every reader and resolver uses
 * these, and reaching one is an error diagnostic at the file:line of the
 * setting or construct concerned, never a crash or a silent truncation.
 */
/* one expanded value (a banner, a HELO name, a macro's text): far above
 * any real greeting */
#define BL_VALUE_MAX (64u * 1024)
/* bytes produced by expansion (macro substitution, $name, m4 calls) in one
 * instance, all values together */
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define BL_WORK_MAX (32u * 1024 * 1024)
#else
/* -Dfuzz=true: coverage makes the loops that reach the limit 10 to 50
 * times slower; every limit path is the same, only sooner */
#define BL_WORK_MAX (2u * 1024 * 1024)
#endif
/* what one step of expansion (a $reference followed, a macro called)
 * counts against BL_WORK_MAX besides the text it reads and makes: a step
 * costs hash lookups and bookkeeping, about what copying this many bytes
 * costs. Without it a tree of references that make no text (ten times ten
 * times ... ending in empty values) runs ten million steps, seconds of
 * CPU, before the byte count notices */
#define BL_WORK_STEP 64u
/* nesting of any recursive construct: calls inside calls, parentheses,
 * conditionals, expansions within expansions */
#define BL_DEPTH_MAX 256
/* a rule file or a .bannerlint.conf: libconfuse finds a titled section
 * by a scan of those before it, so its time grows with the square of the
 * sections; real files are a few KiB */
#define BL_CONF_FILE_MAX (1024u * 1024)
/* surfaces (listeners and clients) of one instance: every one is a
 * greeting to check, report and keep (about 2 KiB each, 6 KiB in JSON);
 * real instances have tens to hundreds */
#define BL_SURFACES_MAX 20000u
/* diagnostics kept per file; the rest are counted ("... and N more") */
#define BL_DIAGS_PER_FILE 100

void *bl_xmalloc(size_t n);
void *bl_xcalloc(size_t nmemb, size_t size);
void *bl_xrealloc(void *p, size_t n);
void *bl_xreallocarray(void *p, size_t nmemb, size_t size);
char *bl_xstrdup(const char *s);
char *bl_xstrndup(const char *s, size_t n);
char *bl_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* bl_fatal - report a system failure and exit; only for bugs and OOM */
void bl_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* A growable byte string, always NUL-terminated. */
struct bl_buf {
	char *data;
	size_t len;
	size_t cap;
};

void bl_buf_init(struct bl_buf *b);
void bl_buf_finish(struct bl_buf *b);
void bl_buf_reset(struct bl_buf *b);
void bl_buf_add(struct bl_buf *b, const char *s, size_t n);
void bl_buf_adds(struct bl_buf *b, const char *s);
void bl_buf_addc(struct bl_buf *b, char c);
/* bl_buf_reserve - room for extra more bytes (and a NUL) after b->len */
void bl_buf_reserve(struct bl_buf *b, size_t extra);
void bl_buf_printf(struct bl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bl_buf_vprintf(struct bl_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* bl_buf_work_limit - append the end of the error for BL_WORK_MAX
 * reached by references: " takes more than ...: WHAT refer to each other
 * too many times; simplify them" (what: "parameters", "macros") */
void bl_buf_work_limit(struct bl_buf *b, const char *what);
/* bl_buf_steal - the string (caller frees); the buffer is left empty */
char *bl_buf_steal(struct bl_buf *b);

/*
 * An arena: many small allocations freed at once. A parsed configuration
 * keeps every string it owns in one.
 */
struct bl_arena_chunk;
struct bl_arena {
	struct bl_arena_chunk *head;
};

void bl_arena_init(struct bl_arena *a);
void bl_arena_finish(struct bl_arena *a);
void *bl_arena_alloc(struct bl_arena *a, size_t n);
char *bl_arena_strndup(struct bl_arena *a, const char *s, size_t n);
char *bl_arena_strdup(struct bl_arena *a, const char *s);

/* bl_confuse_text - text without libconfuse comments, lines kept (caller frees) */
char *bl_confuse_text(const char *text);

/* bl_is_space - blank as Postfix's readlline sees it (space, tab, CR, ...) */
static inline bool
bl_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

#endif

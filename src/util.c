/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.c - allocation helpers, string buffers and arenas.
 *
 * Allocation failure never returns: bl_fatal() reports it and exits with
 * BL_EXIT_SYSTEM, so callers need no NULL checks on these functions.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* bl_fatal - print "bannerlint: fatal: ..." and exit */
void
bl_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("bannerlint: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(BL_EXIT_SYSTEM);
}

/* bl_xmalloc - malloc that exits on failure (never returns NULL) */
void *
bl_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		bl_fatal("out of memory allocating %zu bytes", n);
	return p;
}

/* bl_xcalloc - zeroed allocation that exits on failure */
void *
bl_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		bl_fatal("out of memory allocating %zu x %zu bytes", nmemb,
			 size);
	return p;
}

/* bl_xrealloc - realloc that exits on failure */
void *
bl_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		bl_fatal("out of memory allocating %zu bytes", n);
	return q;
}

/* bl_xreallocarray - realloc of nmemb elements, overflow-checked */
void *
bl_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		bl_fatal("allocation overflow (%zu x %zu)", nmemb, size);
	return bl_xrealloc(p, nmemb * size);
}

/* bl_xstrdup - strdup that exits on failure (caller frees) */
char *
bl_xstrdup(const char *s)
{
	return bl_xstrndup(s, strlen(s));
}

/* bl_xstrndup - copy of the first n bytes, NUL-terminated (caller frees) */
char *
bl_xstrndup(const char *s, size_t n)
{
	char *p = bl_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* bl_xasprintf - formatted string (caller frees) */
char *
bl_xasprintf(const char *fmt, ...)
{
	struct bl_buf b;
	va_list ap;

	bl_buf_init(&b);
	va_start(ap, fmt);
	bl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return bl_buf_steal(&b);
}

/* bl_buf_init - an empty buffer */
void
bl_buf_init(struct bl_buf *b)
{
	b->cap = 64;
	b->len = 0;
	b->data = bl_xmalloc(b->cap);
	b->data[0] = '\0';
}

/* bl_buf_finish - release the buffer's memory */
void
bl_buf_finish(struct bl_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* bl_buf_reset - make the buffer empty, keeping its memory */
void
bl_buf_reset(struct bl_buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

static void
reserve(struct bl_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		bl_fatal("string too long");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = bl_xrealloc(b->data, b->cap);
}

/* bl_buf_reserve - room for extra more bytes (and the NUL) at
 * b->data + b->len, for a writer that fills it itself */
void
bl_buf_reserve(struct bl_buf *b, size_t extra)
{
	reserve(b, extra);
}

/* bl_buf_add - append n bytes */
void
bl_buf_add(struct bl_buf *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* bl_buf_adds - append a C string */
void
bl_buf_adds(struct bl_buf *b, const char *s)
{
	bl_buf_add(b, s, strlen(s));
}

/* bl_buf_addc - append one byte */
void
bl_buf_addc(struct bl_buf *b, char c)
{
	bl_buf_add(b, &c, 1);
}

/* bl_buf_vprintf - append formatted text */
void
bl_buf_vprintf(struct bl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int n;

	reserve(b, 64);
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		bl_fatal("bad format string \"%s\"", fmt);
	if ((size_t)n >= room) {
		reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

/* bl_buf_work_limit - the shared end of a work-limit error (util.h) */
void
bl_buf_work_limit(struct bl_buf *b, const char *what)
{
	bl_buf_printf(b,
		      " takes more than %u units of work, bannerlint's limit "
		      "for one instance (a unit for each byte of text read or "
		      "made, %u for each reference followed): %s refer to "
		      "each other too many times; simplify them",
		      BL_WORK_MAX, BL_WORK_STEP, what);
}

/* bl_buf_printf - append formatted text */
void
bl_buf_printf(struct bl_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* bl_buf_steal - hand the string to the caller (caller frees) */
char *
bl_buf_steal(struct bl_buf *b)
{
	char *s = b->data;

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

struct bl_arena_chunk {
	struct bl_arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

#define ARENA_CHUNK 8192

/* bl_arena_init - an empty arena */
void
bl_arena_init(struct bl_arena *a)
{
	a->head = NULL;
}

/* bl_arena_finish - free every allocation made from the arena */
void
bl_arena_finish(struct bl_arena *a)
{
	struct bl_arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

/* bl_arena_alloc - n bytes, aligned for any type, zeroed (arena owns) */
void *
bl_arena_alloc(struct bl_arena *a, size_t n)
{
	struct bl_arena_chunk *c = a->head;
	const size_t align = sizeof(max_align_t);
	size_t size;
	void *p;

	n = n == 0 ? align : n;
	if (n > SIZE_MAX - align)
		bl_fatal("allocation overflow");
	n = (n + align - 1) / align * align;
	if (c == NULL || c->size - c->used < n) {
		size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = bl_xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

/* bl_arena_strndup - NUL-terminated copy of n bytes (arena owns) */
char *
bl_arena_strndup(struct bl_arena *a, const char *s, size_t n)
{
	char *p = bl_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* bl_arena_strdup - copy of a C string (arena owns) */
char *
bl_arena_strdup(struct bl_arena *a, const char *s)
{
	return bl_arena_strndup(a, s, strlen(s));
}

/*
 * bl_confuse_text - text with libconfuse comments (#, //, / * * /) blanked
 * out, newlines kept (caller frees). libconfuse 3.3 counts a comment's
 * line twice, so its error lines drift after every comment; without
 * comments they are right.
 */
char *
bl_confuse_text(const char *text)
{
	char *s = bl_xstrdup(text), *p;
	char quote = 0;

	for (p = s; *p; p++) {
		if (quote) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '#' || (*p == '/' && p[1] == '/')) {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (*p == '\0')
				break;
		} else if (*p == '/' && p[1] == '*') {
			*p++ = ' ';
			*p = ' ';
			for (p++; *p && !(*p == '*' && p[1] == '/'); p++)
				if (*p != '\n')
					*p = ' ';
			if (*p == '\0')
				break;
			*p++ = ' ';
			*p = ' ';
		}
	}
	return s;
}

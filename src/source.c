/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * source.c - load a configuration file and map offsets to lines.
 *
 * A source owns its bytes. Loading refuses what no configuration file can
 * be: directories, files over the size cap, binary data (a NUL byte). Each
 * refusal is an error diagnostic naming the file and, where it helps, the
 * line.
 *
 * The source provider (source.h) puts an overlay of in-memory texts in front
 * of the file system; it owns copies of its paths and texts, and readers
 * only look things up in it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "util.h"

static void
build_line_map(struct bl_source *src)
{
	size_t i, n = 1, k = 0;

	for (i = 0; i < src->len; i++)
		if (src->data[i] == '\n')
			n++;
	src->line_start = bl_xreallocarray(NULL, n, sizeof(size_t));
	src->line_start[k++] = 0;
	for (i = 0; i < src->len; i++)
		if (src->data[i] == '\n')
			src->line_start[k++] = i + 1;
	/* A final newline does not start another line. */
	if (k > 1 && src->line_start[k - 1] == src->len)
		k--;
	src->nlines = k;
}

/* file_kind - what a non-regular file is, for the refusal (static) */
static const char *
file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "a special file";
}

/* is_binary_control - a byte no text configuration holds */
static bool
is_binary_control(unsigned char c)
{
	/* Blanks and line ends are text; ESC may colour a banner. */
	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r' || c == 0x1b)
		return false;
	return c < 0x20 || c == 0x7f;
}

/* utf16_order - "UTF-16LE" or "UTF-16BE" when data looks like UTF-16 (a
 * BOM, or two ASCII characters), and in *bom the BOM's length; NULL:
 * not UTF-16 */
static const char *
utf16_order(const unsigned char *d, size_t n, size_t *bom)
{
	*bom = 0;
	if (n >= 2 && d[0] == 0xff && d[1] == 0xfe) {
		*bom = 2;
		return "UTF-16LE";
	}
	if (n >= 2 && d[0] == 0xfe && d[1] == 0xff) {
		*bom = 2;
		return "UTF-16BE";
	}
	/* no BOM (PowerShell 7's -Encoding Unicode does write one; other
	 * tools may not): the first two characters are ASCII text */
	if (n >= 4 && d[0] != 0 && d[0] < 0x80 && d[1] == 0 && d[2] != 0 &&
	    d[2] < 0x80 && d[3] == 0)
		return "UTF-16LE";
	if (n >= 4 && d[0] == 0 && d[1] != 0 && d[1] < 0x80 && d[2] == 0 &&
	    d[3] != 0 && d[3] < 0x80)
		return "UTF-16BE";
	return NULL;
}

/* bl_source_decode - UTF-16 to UTF-8 with a map (see source.h) */
int
bl_source_decode(struct bl_source *src, struct bl_diags *diags)
{
	const unsigned char *d = (const unsigned char *)src->data;
	size_t bom, at, lines = 0, linecap = 0, *starts = NULL;
	const char *order = utf16_order(d, src->len, &bom);
	struct bl_buf out;
	iconv_t cd;
	bool le;

	if (order == NULL)
		return 0;
	le = order[6] == 'L';
	if ((src->len - bom) % 2 != 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, 0, 0,
			     "%s text with an odd number of bytes (%zu): the "
			     "file is cut short or not %s",
			     order, src->len, order);
		return -1;
	}
	cd = iconv_open("UTF-8", order);
	if (cd == (iconv_t)-1) {
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, 0, 0,
			     "cannot decode %s: %s", order, strerror(errno));
		return -1;
	}
	bl_buf_init(&out);
	bl_buf_adds(&out, "");
	/* a line at a time, so each line's file offset is known: a line
	 * feed is the code unit 0x000A and never part of another */
	at = bom;
	while (at < src->len) {
		size_t end = at, inlen, room;
		char *in, *o;

		while (end + 1 < src->len &&
		       !(le ? d[end] == '\n' && d[end + 1] == 0
			    : d[end] == 0 && d[end + 1] == '\n'))
			end += 2;
		end = end + 2 <= src->len ? end + 2 : src->len;
		if (lines == linecap) {
			linecap = linecap ? 2 * linecap : 64;
			starts = bl_xreallocarray(starts, linecap,
						  sizeof(*starts));
		}
		starts[lines++] = at;
		in = src->data + at;
		inlen = end - at;
		/* UTF-8 takes at most 3 bytes per UTF-16 code unit */
		room = inlen / 2 * 3 + 1;
		bl_buf_reserve(&out, room);
		o = out.data + out.len;
		if (iconv(cd, &in, &inlen, &o, &room) == (size_t)-1) {
			bl_diags_add(diags, BL_LEVEL_ERROR, src->path,
				     (unsigned)lines, 0,
				     "not %s text (%s at byte %zu of the "
				     "file): save it again as UTF-16 or UTF-8",
				     order,
				     errno == EILSEQ ? "a lone surrogate or an "
						       "invalid code unit"
						     : "a character cut short",
				     (size_t)(in - src->data));
			iconv_close(cd);
			bl_buf_finish(&out);
			free(starts);
			return -1;
		}
		out.len = (size_t)(o - out.data);
		out.data[out.len] = '\0';
		at = end;
	}
	iconv_close(cd);
	free(src->data);
	free(src->line_start);
	src->len = out.len;
	src->data = bl_buf_steal(&out);
	build_line_map(src);
	/* a last line feed starts no line in the text map either */
	if (lines > src->nlines)
		lines = src->nlines;
	src->file_line_start = bl_xreallocarray(starts, src->nlines ? src->nlines : 1,
						sizeof(*starts));
	if (lines == 0)
		src->file_line_start[0] = bom;
	src->encoding = order;
	return 0;
}

/* bl_source_file_offset - where byte off of the text is in the file */
size_t
bl_source_file_offset(const struct bl_source *src, size_t off)
{
	unsigned line, col;
	size_t i, at;

	if (src->file_line_start == NULL)
		return off;
	bl_source_position(src, off, &line, &col);
	at = src->file_line_start[line - 1];
	/* UTF-8 back to UTF-16 code units: a 4-byte sequence is a
	 * surrogate pair, every other character one unit */
	for (i = src->line_start[line - 1]; i < off && i < src->len; i++) {
		unsigned char c = (unsigned char)src->data[i];

		if ((c & 0xc0) != 0x80)
			at += c >= 0xf0 ? 4 : 2;
	}
	return at;
}

/* bl_source_check_text - refuse binary data (see source.h) */
int
bl_source_check_text(const struct bl_source *src, struct bl_diags *diags)
{
	const char *nul = memchr(src->data, '\0', src->len);
	size_t i, n = 0, first = 0;
	unsigned line, col;

	if (nul != NULL) {
		bl_source_position(src, (size_t)(nul - src->data), &line,
				   &col);
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
			     "binary data (a NUL byte): not a configuration "
			     "file");
		return -1;
	}
	for (i = 0; i < src->len; i++)
		if (is_binary_control((unsigned char)src->data[i]) &&
		    n++ == 0)
			first = i;
	/*
	 * A stray control byte or two can be a real (if odd) value, and a
	 * valid file is never an error; many of them are not text.
	 */
	if (n >= BL_BINARY_CONTROLS && n * 100 >= src->len) {
		bl_source_position(src, first, &line, &col);
		bl_diags_add(diags, BL_LEVEL_ERROR, src->path, line, col,
			     "binary data (%zu control bytes, the first "
			     "here): not a configuration file",
			     n);
		return -1;
	}
	return 0;
}

/* bl_source_from_mem - a source holding a copy of data (caller frees) */
struct bl_source *
bl_source_from_mem(const char *path, const char *data, size_t len)
{
	struct bl_source *src = bl_xcalloc(1, sizeof(*src));

	src->path = bl_xstrdup(path);
	src->data = bl_xstrndup(data, len);
	src->len = len;
	build_line_map(src);
	return src;
}

/* bl_source_free - free a source; NULL is fine */
void
bl_source_free(struct bl_source *src)
{
	if (src == NULL)
		return;
	free(src->path);
	free(src->data);
	free(src->line_start);
	free(src->branch);
	free(src->line_branch);
	free(src->file_line_start);
	free(src);
}

/* branch_of - the branch a 1-based line is in (0: none) */
static size_t
branch_of(const struct bl_source *s, unsigned line)
{
	if (s->line_branch == NULL || line == 0 || line > s->nlines)
		return 0;
	return s->line_branch[line - 1];
}

/* bl_source_exclusive - lines in branches that never both render */
bool
bl_source_exclusive(const struct bl_source *a, unsigned line_a,
		    const struct bl_source *b, unsigned line_b)
{
	size_t x, y;

	if (a == NULL || a != b || a->branch == NULL)
		return false;
	x = branch_of(a, line_a);
	y = branch_of(a, line_b);
	/* Up to the same depth, then up together to the first branches of
	 * one conditional: different branches of it never both render.
	 * Depth is capped by the template reader, so this is bounded. */
	while (a->branch[x].depth > a->branch[y].depth)
		x = a->branch[x].parent;
	while (a->branch[y].depth > a->branch[x].depth)
		y = a->branch[y].parent;
	while (x != y) {
		if (a->branch[x].block == a->branch[y].block)
			return true;
		x = a->branch[x].parent;
		y = a->branch[y].parent;
	}
	return false;
}

/* bl_source_exclusive_at - bl_source_exclusive of byte offsets */
bool
bl_source_exclusive_at(const struct bl_source *a, size_t off_a,
		       const struct bl_source *b, size_t off_b)
{
	unsigned la, lb, col;

	if (a == NULL || a != b || a->branch == NULL)
		return false;
	bl_source_position(a, off_a, &la, &col);
	bl_source_position(b, off_b, &lb, &col);
	return bl_source_exclusive(a, la, b, lb);
}

/* checked - 0, or -1 and *out freed when it is binary data */
static int
checked(struct bl_source **out, struct bl_diags *diags)
{
	if (bl_source_decode(*out, diags) < 0 ||
	    bl_source_check_text(*out, diags) < 0) {
		bl_source_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* bl_source_load - read and check a file (see source.h) */
int
bl_source_load(struct bl_source **out, const char *path, size_t cap,
	       struct bl_diags *diags)
{
	struct bl_buf b;
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd;

	*out = NULL;
	if (cap == 0)
		cap = BL_SOURCE_MAX;
	/*
	 * O_NONBLOCK: opening a FIFO with no writer would block for ever.
	 * Whatever is not a regular file is refused before a byte is read
	 * (FIFOs, devices, sockets): standard input ("-") is the way to
	 * feed a pipe.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "is %s, not a regular file: refused (give "
			     "\"-\" to read standard input)",
			     file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size > cap) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "file is %lld bytes, over the %zu byte limit for "
			     "a configuration file",
			     (long long)st.st_size, cap);
		close(fd);
		return -1;
	}
	bl_buf_init(&b);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
				     "read error: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > cap) {
			bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
				     "input is over the %zu byte limit for a "
				     "configuration file",
				     cap);
			goto fail;
		}
		bl_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	fd = -1;

	*out = bl_xcalloc(1, sizeof(**out));
	(*out)->path = bl_xstrdup(path);
	(*out)->len = b.len;
	(*out)->data = bl_buf_steal(&b);
	build_line_map(*out);
	return checked(out, diags);
fail:
	bl_buf_finish(&b);
	if (fd >= 0)
		close(fd);
	return -1;
}

/* bl_source_position - 1-based line and column of a byte offset */
void
bl_source_position(const struct bl_source *src, size_t off, unsigned *line,
		   unsigned *col)
{
	size_t lo = 0, hi = src->nlines, mid;

	if (off > src->len)
		off = src->len;
	/* The last line start <= off. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (src->line_start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned)(lo + 1);
	*col = (unsigned)(off - src->line_start[lo] + 1);
}

/* bl_source_line - start of a 1-based line and its length without EOL */
const char *
bl_source_line(const struct bl_source *src, unsigned line, size_t *len)
{
	size_t start, end;

	if (line == 0 || line > src->nlines) {
		*len = 0;
		return "";
	}
	start = src->line_start[line - 1];
	end = line < src->nlines ? src->line_start[line] : src->len;
	while (end > start &&
	       (src->data[end - 1] == '\n' || src->data[end - 1] == '\r'))
		end--;
	*len = end - start;
	return src->data + start;
}

/* One overlay entry: a path and the text it reads as. */
struct overlay {
	char *path;
	char *data;
	size_t len;
};

struct bl_source_provider {
	struct overlay *v;
	size_t n;
};

/* bl_source_provider_new - an empty overlay (caller frees) */
struct bl_source_provider *
bl_source_provider_new(void)
{
	return bl_xcalloc(1, sizeof(struct bl_source_provider));
}

/* bl_source_provider_free - free p and its texts; NULL is fine */
void
bl_source_provider_free(struct bl_source_provider *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].data);
	}
	free(p->v);
	free(p);
}

/* find - the overlay entry for path, or NULL (borrowed) */
static const struct overlay *
find(const struct bl_source_provider *p, const char *path)
{
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].path, path) == 0)
			return &p->v[i];
	return NULL;
}

/* bl_source_provider_add - path reads as data (see source.h) */
void
bl_source_provider_add(struct bl_source_provider *p, const char *path,
		       const char *data, size_t len)
{
	struct overlay *o = (struct overlay *)find(p, path);

	if (o == NULL) {
		p->v = bl_xreallocarray(p->v, p->n + 1, sizeof(*p->v));
		o = &p->v[p->n++];
		o->path = bl_xstrdup(path);
	} else {
		free(o->data);
	}
	o->data = bl_xstrndup(data, len);
	o->len = len;
}

/* bl_source_provider_load - an overlay entry, else the file (source.h) */
int
bl_source_provider_load(const struct bl_source_provider *p,
			struct bl_source **out, const char *path, size_t cap,
			struct bl_diags *diags)
{
	const struct overlay *o = find(p, path);

	if (o == NULL)
		return bl_source_load(out, path, cap, diags);
	*out = NULL;
	if (cap == 0)
		cap = BL_SOURCE_MAX;
	if (o->len > cap) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "file is %lld bytes, over the %zu byte limit for "
			     "a configuration file",
			     (long long)o->len, cap);
		return -1;
	}
	*out = bl_source_from_mem(path, o->data, o->len);
	return checked(out, diags);
}

/* bl_source_provider_path - the i-th entry's path (see source.h) */
const char *
bl_source_provider_path(const struct bl_source_provider *p, size_t i)
{
	return p != NULL && i < p->n ? p->v[i].path : NULL;
}

/* overlay_dir - does an overlay entry lie under the directory path? */
static bool
overlay_dir(const struct bl_source_provider *p, const char *path)
{
	size_t i, n = strlen(path);

	if (p == NULL)
		return false;
	while (n > 1 && path[n - 1] == '/')
		n--;
	for (i = 0; i < p->n; i++)
		if (strncmp(p->v[i].path, path, n) == 0 &&
		    p->v[i].path[n] == '/')
			return true;
	return false;
}

/* bl_source_provider_kind - what path is (see source.h) */
enum bl_source_kind
bl_source_provider_kind(const struct bl_source_provider *p, const char *path)
{
	struct stat st;

	if (find(p, path) != NULL)
		return BL_SOURCE_REGULAR;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return overlay_dir(p, path) ? BL_SOURCE_DIRECTORY
						    : BL_SOURCE_ABSENT;
		return BL_SOURCE_UNKNOWN;
	}
	if (S_ISREG(st.st_mode))
		return BL_SOURCE_REGULAR;
	if (S_ISDIR(st.st_mode))
		return BL_SOURCE_DIRECTORY;
	return BL_SOURCE_SPECIAL;
}

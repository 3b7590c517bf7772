/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_common.c - the part of every libFuzzer harness that is not about
 * one input surface: a per-process case directory, the command matrix run
 * through bl_cli_main exactly as main.c runs it, and the output contract.
 *
 * Each process makes one directory under $TMPDIR (bannerlint-fuzz.XXXXXX)
 * with a .git in it, so that .bannerlint.conf discovery stops there, and a
 * case/ directory that every input empties and refills. Standard output is
 * captured by pointing file descriptor 1 at a temporary file (dup2);
 * standard error by pointing the stderr FILE at another one, because file
 * descriptor 2 must stay the terminal: the sanitizers and libFuzzer write
 * their reports and the reproducer's name there. Nothing here is freed
 * before exit; the directory is removed when the process exits normally.
 *
 * The contract checked on every byte printed (DESIGN.md section 11):
 * outside our own colour sequences (ESC [ digits ; m, and only with
 * --color always) no C0 control but newline, no DEL, no C1 control, no
 * bidirectional control, line or paragraph separator or BOM, and valid
 * UTF-8; JSON output parses; the exit status is 0 to 3. A violation prints
 * what, where and the bytes around it, then abort()s. With
 * BL_FUZZ_NO_ESCAPE_CHECK=1 in the environment only the byte contract is
 * not checked (to exercise the rest while the reporters are being fixed).
 * With BL_FUZZ_ROTATE=1 an input runs check as text and in one other
 * format picked by a hash of the input (the same on replay), not in all.
 */
#define _GNU_SOURCE 1 /* nftw's FTW_DEPTH and FTW_PHYS */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "exchange.h"
#include "fuzz_common.h"

/* More output than this for one command is an amplification bug. */
#define OUTPUT_MAX (16u << 20)

struct capture {
	int fd;
	FILE *fp; /* stderr only: the FILE the CLI's stderr points to */
	const char *name;
};

const char bl_fuzz_main_cf[] =
	"myhostname = mail.example.com\n"
	"mydomain = example.com\n"
	"smtpd_banner = $myhostname ESMTP $mail_name\n"
	"smtp_helo_name = $myhostname\n"
	"submission_banner = $myhostname ESMTP submission\n";

const char bl_fuzz_master_cf[] =
	"smtp      inet  n       -       y       -       -       smtpd\n"
	"submission inet n       -       y       -       -       smtpd\n"
	"  -o smtpd_banner=$submission_banner\n"
	"  -o syslog_name=postfix/submission\n"
	"relay     unix  -       -       y       -       -       smtp\n"
	"  -o smtp_helo_name=relay.example.com\n";

static bool ready;
static bool in_call;
static bool no_escape_check;
static bool rotate;
static uint32_t input_hash; /* FNV-1a of the current input */
static const char *current; /* the command running, for messages */
static char root[PATH_MAX];
static char casedir[PATH_MAX + 8];
static char pathbuf[PATH_MAX * 2];
static int saved_stdout = -1;
static FILE *real_stderr;
static struct capture cap_out = {.fd = -1, .name = "stdout"};
static struct capture cap_err = {.fd = -1, .name = "stderr"};

/* die - a harness failure (not a finding): say why and abort */
static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("bl_fuzz: ", real_stderr ? real_stderr : stderr);
	va_start(ap, fmt);
	vfprintf(real_stderr ? real_stderr : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', real_stderr ? real_stderr : stderr);
	abort();
}

/* rm_entry - nftw callback removing one entry, depth first */
static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* rm_tree - remove path and everything under it; 0 or -1 */
static int
rm_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* show_bytes - s[0, n) on real stderr with every unprintable byte as \xNN */
static void
show_bytes(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			fputs("\\n\n", real_stderr);
		else if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			fputc(s[i], real_stderr);
		else
			fprintf(real_stderr, "\\x%02x", s[i]);
	}
	fputc('\n', real_stderr);
}

/* on_exit_hook - the CLI exited (bl_fatal): show its last words before
 * libFuzzer reports "fuzz target exited"; always remove the directory */
static void
on_exit_hook(void)
{
	if (in_call) {
		unsigned char buf[4096];
		off_t end;
		ssize_t k;

		fflush(stdout);
		fflush(cap_err.fp);
		fprintf(real_stderr,
			"bl_fuzz: bannerlint %s exited instead of returning; "
			"the end of its stderr:\n",
			current);
		end = lseek(cap_err.fd, 0, SEEK_END);
		k = pread(cap_err.fd, buf, sizeof(buf),
			  end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf)
						   : 0);
		if (k > 0)
			show_bytes(buf, (size_t)k);
		fflush(real_stderr);
	}
	if (root[0] != '\0')
		rm_tree(root);
}

/* capture_open - a temporary file for one stream, appended to */
static void
capture_open(struct capture *c)
{
	char *p;

	if (asprintf(&p, "%s/%s", root, c->name) < 0)
		die("out of memory");
	c->fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		     0600);
	if (c->fd < 0)
		die("cannot create %s: %s", p, strerror(errno));
	free(p);
}

/* env_on - is the environment variable name set to 1? */
static bool
env_on(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && strcmp(v, "1") == 0;
}

/* setup - the per-process directory and captures, once */
static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char *git;

	real_stderr = stderr;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(root, sizeof(root), "%s/bannerlint-fuzz.XXXXXX",
			     tmp) >= sizeof(root))
		die("TMPDIR is too long");
	if (mkdtemp(root) == NULL)
		die("mkdtemp %s: %s", root, strerror(errno));
	snprintf(casedir, sizeof(casedir), "%s/case", root);
	if (asprintf(&git, "%s/.git", root) < 0 || mkdir(git, 0700) != 0)
		die("cannot make %s/.git", root);
	free(git);
	capture_open(&cap_out);
	capture_open(&cap_err);
	cap_err.fp = fdopen(cap_err.fd, "a");
	if (cap_err.fp == NULL)
		die("fdopen: %s", strerror(errno));
	setvbuf(cap_err.fp, NULL, _IOFBF, 1 << 16);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	saved_stdout = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (saved_stdout < 0)
		die("dup of standard output: %s", strerror(errno));
	unsetenv("NO_COLOR");
	no_escape_check = env_on("BL_FUZZ_NO_ESCAPE_CHECK");
	rotate = env_on("BL_FUZZ_ROTATE");
	/* Registered after libFuzzer's own handler, so it runs before it. */
	atexit(on_exit_hook);
	ready = true;
}

/* bl_fuzz_begin - start an input: empty the case directory */
const char *
bl_fuzz_begin(const uint8_t *data, size_t size)
{
	size_t i;

	if (!ready)
		setup();
	input_hash = 2166136261u;
	for (i = 0; i < size; i++)
		input_hash = (input_hash ^ data[i]) * 16777619u;
	if (rm_tree(casedir) != 0)
		die("cannot empty %s: %s", casedir, strerror(errno));
	if (mkdir(casedir, 0700) != 0)
		die("cannot make %s: %s", casedir, strerror(errno));
	return casedir;
}

/* bl_fuzz_path - absolute path of rel in the case directory (static) */
const char *
bl_fuzz_path(const char *rel)
{
	if ((size_t)snprintf(pathbuf, sizeof(pathbuf), "%s/%s", casedir,
			     rel) >= sizeof(pathbuf))
		die("path too long: %s", rel);
	return pathbuf;
}

/* clash - an error a fuzzed file name can cause (a file where a directory
 * is wanted, or the other way round) */
static bool
clash(int e)
{
	return e == ENOTDIR || e == EISDIR || e == EEXIST || e == ENAMETOOLONG;
}

/* bl_fuzz_write - write a file of the case directory, making directories */
int
bl_fuzz_write(const char *rel, const void *data, size_t len)
{
	char path[sizeof(pathbuf)];
	const unsigned char *p = data;
	struct stat st;
	char *s;
	ssize_t k;
	int fd;

	snprintf(path, sizeof(path), "%s", bl_fuzz_path(rel));
	for (s = path + strlen(casedir) + 1; (s = strchr(s, '/')) != NULL;
	     s++) {
		*s = '\0';
		if (mkdir(path, 0700) != 0 &&
		    (errno != EEXIST || stat(path, &st) != 0 ||
		     !S_ISDIR(st.st_mode))) {
			if (clash(errno))
				return -1;
			die("mkdir %s: %s", path, strerror(errno));
		}
		*s = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		if (clash(errno))
			return -1;
		die("cannot create %s: %s", path, strerror(errno));
	}
	while (len > 0) {
		k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("write %s: %s", path, strerror(errno));
		p += k;
		len -= (size_t)k;
	}
	close(fd);
	return 0;
}

/* bl_fuzz_write_str - bl_fuzz_write of a C string */
int
bl_fuzz_write_str(const char *rel, const char *text)
{
	return bl_fuzz_write(rel, text, strlen(text));
}

/* bl_fuzz_sanitize_name - a safe relative path made of s[0, len) */
void
bl_fuzz_sanitize_name(char *out, size_t outsz, const char *s, size_t len,
		      unsigned depth)
{
	size_t o = 0, i = 0, start;
	unsigned comps = 0;

	if (outsz < 2) {
		if (outsz == 1)
			out[0] = '\0';
		return;
	}
	while (i < len && comps < depth && o + 3 < outsz) {
		while (i < len && s[i] == '/')
			i++;
		if (i == len)
			break;
		if (comps > 0)
			out[o++] = '/';
		start = o;
		for (; i < len && s[i] != '/' && o + 2 < outsz; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			      c == '-'))
				c = '_';
			out[o++] = (char)c;
		}
		if ((o - start == 1 && out[start] == '.') ||
		    (o - start == 2 && out[start] == '.' &&
		     out[start + 1] == '.')) {
			o = start;
			out[o++] = '_';
		}
		comps++;
	}
	if (o == 0)
		out[o++] = '_';
	out[o] = '\0';
}

/* utf8_len - length of the well-formed UTF-8 sequence at s (n bytes
 * left), or 0; *cp gets the code point */
static size_t
utf8_len(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t k, i;
	unsigned long c;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 2;
		c = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3;
		c = s[0] & 0x0fu;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong */
		if (s[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4;
		c = s[0] & 0x07u;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong */
		if (s[0] == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < k; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	*cp = c;
	return k;
}

/* bad_code_point - why code point c must not be printed raw, or NULL */
static const char *
bad_code_point(unsigned long c)
{
	if (c >= 0x80 && c <= 0x9f)
		return "a C1 control character";
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200e || c == 0x200f || c == 0x061c)
		return "a bidirectional control character";
	if (c == 0x2028 || c == 0x2029)
		return "a line or paragraph separator";
	if (c == 0xfeff)
		return "a byte order mark";
	return NULL;
}

/* check_bytes - the escaping contract on s[0, n); NULL when it holds, else
 * what is wrong, with *at the offset */
static const char *
check_bytes(const unsigned char *s, size_t n, bool color, size_t *at)
{
	size_t i = 0, k;
	unsigned long cp;
	const char *why;

	while (i < n) {
		*at = i;
		if (s[i] == 0x1b) {
			if (!color)
				return "an ESC byte (no colour was asked for)";
			k = i + 1;
			if (k >= n || s[k] != '[')
				return "an ESC byte that does not start one of "
				       "our colour sequences";
			for (k++; k < n && ((s[k] >= '0' && s[k] <= '9') ||
					    s[k] == ';');
			     k++)
				;
			if (k >= n || s[k] != 'm')
				return "an escape sequence other than a colour "
				       "(ESC [ digits ; m)";
			i = k + 1;
			continue;
		}
		if (s[i] < 0x20 && s[i] != '\n')
			return "a C0 control character";
		if (s[i] == 0x7f)
			return "a DEL character";
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_len(s + i, n - i, &cp);
		if (k == 0)
			return "a byte that is not part of well-formed UTF-8";
		if ((why = bad_code_point(cp)) != NULL)
			return why;
		i += k;
	}
	return NULL;
}

/* violation - report a broken contract with context and abort */
static void __attribute__((noreturn))
violation(const char *stream, const char *why, const unsigned char *s,
	  size_t n, size_t at)
{
	size_t from = at > 160 ? at - 160 : 0;
	size_t to = n - at > 80 ? at + 80 : n;

	fprintf(real_stderr,
		"bl_fuzz: output contract broken: bannerlint %s printed %s "
		"on %s at byte %zu of %zu:\n",
		current, why, stream, at, n);
	show_bytes(s + from, to - from);
	fflush(real_stderr);
	abort();
}

/* map_capture - the bytes c holds (NULL when empty), *n their count */
static unsigned char *
map_capture(struct capture *c, size_t *n)
{
	struct stat st;
	void *p;

	if (fstat(c->fd, &st) != 0)
		die("fstat %s: %s", c->name, strerror(errno));
	*n = (size_t)st.st_size;
	if (*n == 0)
		return NULL;
	if (*n > OUTPUT_MAX) {
		fprintf(real_stderr,
			"bl_fuzz: bannerlint %s printed %zu bytes on %s (more "
			"than %u)\n",
			current, *n, c->name, OUTPUT_MAX);
		abort();
	}
	p = mmap(NULL, *n, PROT_READ, MAP_PRIVATE, c->fd, 0);
	if (p == MAP_FAILED)
		die("mmap %s: %s", c->name, strerror(errno));
	return p;
}

/* check_output - every contract on what one command printed */
static void
check_output(bool color, bool json, int rc)
{
	unsigned char *out, *err;
	size_t nout, nerr, at;
	const char *why;
	json_error_t jerr;
	json_t *j;

	if (rc < BL_EXIT_OK || rc > BL_EXIT_INCOMPLETE) {
		fprintf(real_stderr,
			"bl_fuzz: bannerlint %s returned %d (0 to 3 expected)\n",
			current, rc);
		abort();
	}
	out = map_capture(&cap_out, &nout);
	err = map_capture(&cap_err, &nerr);
	if (!no_escape_check) {
		if (out && (why = check_bytes(out, nout, color, &at)) != NULL)
			violation("stdout", why, out, nout, at);
		if (err && (why = check_bytes(err, nerr, color, &at)) != NULL)
			violation("stderr", why, err, nerr, at);
	}
	if (json) {
		j = json_loadb((const char *)(out ? (const char *)out : ""),
			       nout, 0, &jerr);
		if (j == NULL) {
			fprintf(real_stderr,
				"bl_fuzz: bannerlint %s printed JSON that does "
				"not parse: %s at line %d column %d\n",
				current, jerr.text, jerr.line, jerr.column);
			if (out)
				show_bytes(out, nout > 2000 ? 2000 : nout);
			abort();
		}
		json_decref(j);
	}
	if (out)
		munmap(out, nout);
	if (err)
		munmap(err, nerr);
}

/* The command matrix: what a user or CI runs on a configuration. A check
 * costs ten times a show (it loads the rule catalogue), so the text format
 * runs once, with colour; gcc prints its first lines without. */
struct command {
	const char *args[8];
	bool color;  /* --color always: our colour sequences are allowed */
	bool json;   /* stdout must be one JSON document */
	bool rotate; /* with BL_FUZZ_ROTATE=1, one of these runs per input */
};

static const struct command commands[] = {
	{{"show", "--color", "never"}, false, false, false},
	{{"show", "--color", "always"}, true, false, false},
	{{"show", "--format", "json"}, false, true, false},
	{{"check", "--color", "always"}, true, false, false},
	{{"check", "--format", "gcc"}, false, false, true},
	{{"check", "--format", "json", "--hostname", "mail.example.com",
	  "--ip", "192.0.2.25"},
	 false, true, true},
	{{"check", "--format", "sarif"}, false, true, true},
	{{"check", "--format", "checkstyle"}, false, false, true},
	{{"check", "--format", "github"}, false, false, true},
};

/* run_one - one bl_cli_main call with its output captured and checked */
static void
run_one(const struct command *c, const char *const *extra,
	const char *target)
{
	char *argv[32];
	char what[256];
	size_t argc = 0, i, w = 0;
	int rc;

	argv[argc++] = (char *)"bannerlint";
	for (i = 0; c->args[i] != NULL; i++)
		argv[argc++] = (char *)c->args[i];
	for (i = 0; extra && extra[i] != NULL; i++) {
		if (argc + 2 >= BL_FUZZ_ARRAY_LEN(argv))
			die("too many extra arguments");
		argv[argc++] = (char *)extra[i];
	}
	argv[argc++] = (char *)target;
	argv[argc] = NULL;
	for (i = 1; i < argc && w < sizeof(what) - 1; i++)
		w += (size_t)snprintf(what + w, sizeof(what) - w, "%s%s",
				      i > 1 ? " " : "", argv[i]);
	current = what;

	fflush(stdout);
	if (ftruncate(cap_out.fd, 0) != 0 || ftruncate(cap_err.fd, 0) != 0)
		die("ftruncate: %s", strerror(errno));
	if (dup2(cap_out.fd, 1) < 0)
		die("dup2: %s", strerror(errno));
	stderr = cap_err.fp;
	optind = 0; /* glibc: a full reinitialisation of getopt */
	in_call = true;
	rc = bl_cli_main((int)argc, argv);
	in_call = false;
	fflush(stdout);
	fflush(cap_err.fp);
	stderr = real_stderr;
	if (dup2(saved_stdout, 1) < 0)
		die("dup2: %s", strerror(errno));
	check_output(c->color, c->json, rc);
	current = NULL;
}

/* bl_fuzz_run - the whole command matrix on target */
void
bl_fuzz_run(const char *const *extra, const char *target)
{
	size_t i, nrot = 0, pick;

	if (!ready)
		die("bl_fuzz_run before bl_fuzz_begin");
	for (i = 0; i < BL_FUZZ_ARRAY_LEN(commands); i++)
		nrot += commands[i].rotate;
	pick = input_hash % nrot;
	for (i = 0; i < BL_FUZZ_ARRAY_LEN(commands); i++) {
		if (rotate && commands[i].rotate && pick-- != 0)
			continue;
		run_one(&commands[i], extra, target ? target : casedir);
	}
}

/* ex_broken - a promise of an Exchange reader broken: say which, abort */
static void __attribute__((noreturn, format(printf, 2, 3)))
ex_broken(const char *who, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* bl_fuzz_ex_check - one reading against exchange.h (fuzz_common.h) */
void
bl_fuzz_ex_check(const char *who, const char *file,
		 const struct bl_source *src, int rc, const struct bl_diags *d,
		 const struct bl_ex_export *ex, int format, char first,
		 void (*prop)(const struct bl_source *,
			      const struct bl_ex_prop *))
{
	size_t i, k;

	if (rc != 0 && rc != -1)
		ex_broken(who, "returned %d", rc);
	if ((rc == 0) != (d->errors == 0))
		ex_broken(who, "returned %d with %zu errors", rc, d->errors);
	for (i = 0; i < d->n; i++)
		if (d->v[i].file == NULL || strcmp(d->v[i].file, file) != 0 ||
		    d->v[i].line < 1 || d->v[i].line > src->nlines)
			ex_broken(who, "a diagnostic at %s:%u (%zu lines): %s",
				  d->v[i].file ? d->v[i].file : "(null)",
				  d->v[i].line, src->nlines, d->v[i].message);
	if (rc != 0)
		return;
	if ((int)ex->format != format || ex->delimiter != 0)
		ex_broken(who, "format %d, delimiter %d", ex->format,
			  ex->delimiter);
	if (ex->nobjs > BL_EX_OBJECTS_MAX)
		ex_broken(who, "%zu objects", ex->nobjs);
	for (i = 0; i < ex->nobjs; i++) {
		const struct bl_ex_object *o = &ex->objs[i];

		if (o->nprops > BL_EX_PROPS_MAX)
			ex_broken(who, "object %zu: %zu properties", i,
				  o->nprops);
		if (o->off >= src->len || src->data[o->off] != first)
			ex_broken(who, "object %zu at %zu", i, o->off);
		if (o->line < 1 || o->line > src->nlines)
			ex_broken(who, "object %zu at line %u", i, o->line);
		if (o->nprops > 0 && o->props == NULL)
			ex_broken(who, "object %zu: no properties array", i);
		for (k = 0; k < o->nprops; k++)
			prop(src, &o->props[k]);
	}
}

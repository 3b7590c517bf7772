/* SPDX-License-Identifier: BSD-2-Clause */
/* test_source.c - the source loader, its line map and the source
 * provider (in-memory texts in place of files, for Exim and m4 includes) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "parser.h"
#include "source.h"
#include "util.h"

static void
test_line_map(void **state)
{
	struct bl_source *s = bl_source_from_mem("f", "ab\ncd\r\n\nxyz", 11);
	unsigned line, col;
	const char *t;
	size_t len;

	(void)state;
	assert_int_equal(s->nlines, 4);
	bl_source_position(s, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	bl_source_position(s, 4, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	bl_source_position(s, 8, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
	t = bl_source_line(s, 2, &len);
	assert_int_equal(len, 2); /* CR is not part of the line */
	assert_memory_equal(t, "cd", 2);
	t = bl_source_line(s, 3, &len);
	assert_int_equal(len, 0);
	t = bl_source_line(s, 4, &len);
	assert_int_equal(len, 3);
	bl_source_line(s, 99, &len);
	assert_int_equal(len, 0);
	bl_source_free(s);
}

static void
test_final_newline(void **state)
{
	struct bl_source *s = bl_source_from_mem("f", "a\nb\n", 4);
	struct bl_source *e = bl_source_from_mem("f", "", 0);

	(void)state;
	assert_int_equal(s->nlines, 2);
	assert_int_equal(e->nlines, 1);
	bl_source_free(s);
	bl_source_free(e);
}

static char *
temp_file(const char *data, size_t len)
{
	char *path = strdup("/tmp/bl-test-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void
test_load_binary_and_cap(void **state)
{
	struct bl_diags d;
	struct bl_source *s;
	char *bin = temp_file("a = b\nc\0d\n", 10);
	char *big = temp_file("0123456789abcdef", 16);

	(void)state;
	bl_diags_init(&d);
	assert_int_equal(bl_source_load(&s, bin, 0, &d), -1);
	assert_null(s);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].col, 2);
	assert_non_null(strstr(d.v[0].message, "binary"));
	assert_int_equal(bl_source_load(&s, big, 8, &d), -1);
	assert_int_equal(d.errors, 2);
	assert_non_null(strstr(d.v[1].message, "limit"));
	assert_int_equal(bl_source_load(&s, big, 16, &d), 0);
	assert_int_equal(s->len, 16);
	bl_source_free(s);
	assert_int_equal(bl_source_load(&s, "/nonexistent/x", 0, &d), -1);
	assert_int_equal(bl_source_load(&s, "/tmp", 0, &d), -1);
	assert_non_null(strstr(d.v[d.n - 1].message, "directory"));
	unlink(bin);
	unlink(big);
	free(bin);
	free(big);
	bl_diags_finish(&d);
}

/* Non-regular files are refused at once: a FIFO with no writer would
 * block a plain open() for ever, a device would be read to the cap. */
static void
test_load_not_regular(void **state)
{
	char dir[] = "/tmp/bl-test-source-XXXXXX";
	struct bl_diags d;
	struct bl_source *s;
	char *fifo;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fifo = bl_xasprintf("%s/main.cf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	bl_diags_init(&d);
	assert_int_equal(bl_source_load(&s, fifo, 0, &d), -1);
	assert_null(s);
	assert_non_null(strstr(d.v[0].message, "a FIFO, not a regular file"));
	assert_int_equal(bl_source_load(&s, "/dev/zero", 0, &d), -1);
	assert_non_null(strstr(d.v[1].message, "a character device"));
	assert_int_equal(bl_source_load(&s, "/dev/null", 0, &d), -1);
	assert_int_equal(d.errors, 3);
	bl_diags_finish(&d);
	unlink(fifo);
	rmdir(dir);
	free(fifo);
}

/* Control bytes: a few are a (strange) valid file, many are binary. */
static void
test_check_text(void **state)
{
	struct bl_diags d;
	struct bl_source *s;
	char text[400];
	size_t i;

	(void)state;
	bl_diags_init(&d);
	s = bl_source_from_mem("f", "a = \033[1mb\001\002\n", 12);
	assert_int_equal(bl_source_check_text(s, &d), 0);
	bl_source_free(s);
	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)(i % 16 == 0 ? 0x01 : 'x');
	text[0] = 'x';
	s = bl_source_from_mem("f", text, sizeof(text));
	assert_int_equal(bl_source_check_text(s, &d), -1);
	assert_int_equal(d.v[0].line, 1);
	assert_int_equal(d.v[0].col, 17);
	assert_non_null(strstr(d.v[0].message, "control bytes"));
	bl_source_free(s);
	/* the same count spread over a large file is below 1% */
	{
		char *big = bl_xmalloc(4000);

		memset(big, 'y', 4000);
		for (i = 0; i < 24; i++)
			big[i * 100 + 50] = 0x01;
		s = bl_source_from_mem("f", big, 4000);
		assert_int_equal(bl_source_check_text(s, &d), 0);
		bl_source_free(s);
		free(big);
	}
	bl_diags_finish(&d);
}

/* write_file - path holds text */
static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* parse_with - text as path (role) through pv, resolved (caller frees) */
static struct bl_config *
parse_with(const struct bl_parser *p, const struct bl_source_provider *pv,
	   const char *path, enum bl_file_role role, const char *text,
	   struct bl_diags *d)
{
	struct bl_config *cfg = bl_config_new(p->name, "test");

	cfg->provider = pv;
	cfg->sendmail_cf_dir = "/nonexistent/bl-test-source/cf";
	p->parse(cfg, bl_source_from_mem(path, text, strlen(text)), role, d);
	p->resolve(cfg, d);
	return cfg;
}

/* The provider alone: an entry is a regular file, its directory a
 * directory; the cap and the text check hold for it; the rest is the
 * file system. */
static void
test_provider(void **state)
{
	struct bl_source_provider *pv = bl_source_provider_new();
	struct bl_diags d;
	struct bl_source *s;

	(void)state;
	bl_diags_init(&d);
	bl_source_provider_add(pv, "/nonexistent/bl/a.conf", "old", 3);
	bl_source_provider_add(pv, "/nonexistent/bl/a.conf", "x = 1\n", 6);
	bl_source_provider_add(pv, "/nonexistent/bl/bin", "a\0b", 3);
	assert_string_equal(bl_source_provider_path(pv, 0),
			    "/nonexistent/bl/a.conf");
	assert_null(bl_source_provider_path(pv, 2));
	assert_null(bl_source_provider_path(NULL, 0));
	assert_int_equal(bl_source_provider_kind(pv, "/nonexistent/bl/a.conf"),
			 BL_SOURCE_REGULAR);
	assert_int_equal(bl_source_provider_kind(pv, "/nonexistent/bl"),
			 BL_SOURCE_DIRECTORY);
	assert_int_equal(bl_source_provider_kind(pv, "/nonexistent/bl/"),
			 BL_SOURCE_DIRECTORY);
	assert_int_equal(bl_source_provider_kind(pv, "/nonexistent/b"),
			 BL_SOURCE_ABSENT);
	assert_int_equal(bl_source_provider_kind(NULL, "/nonexistent/bl"),
			 BL_SOURCE_ABSENT);
	assert_int_equal(bl_source_provider_kind(pv, "/tmp"),
			 BL_SOURCE_DIRECTORY);
	assert_int_equal(bl_source_provider_kind(pv, "/dev/null"),
			 BL_SOURCE_SPECIAL);
	assert_int_equal(bl_source_provider_load(pv, &s,
						 "/nonexistent/bl/a.conf", 0,
						 &d),
			 0);
	assert_string_equal(s->path, "/nonexistent/bl/a.conf");
	assert_int_equal(s->len, 6);
	assert_string_equal(s->data, "x = 1\n");
	assert_int_equal(s->nlines, 1);
	bl_source_free(s);
	assert_int_equal(bl_source_provider_load(pv, &s,
						 "/nonexistent/bl/a.conf", 5,
						 &d),
			 -1);
	assert_null(s);
	assert_non_null(strstr(d.v[0].message, "over the 5 byte limit"));
	assert_int_equal(bl_source_provider_load(pv, &s, "/nonexistent/bl/bin",
						 0, &d),
			 -1);
	assert_non_null(strstr(d.v[1].message, "binary data"));
	/* not in the overlay: the file system, with its messages */
	assert_int_equal(bl_source_provider_load(pv, &s, "/nonexistent/bl/c",
						 0, &d),
			 -1);
	assert_non_null(strstr(d.v[2].message, "cannot open"));
	assert_int_equal(bl_source_provider_load(pv, &s, "/dev/null", 0, &d),
			 -1);
	assert_non_null(strstr(d.v[3].message, "not a regular file"));
	assert_int_equal(d.errors, 4);
	bl_diags_finish(&d);
	bl_source_provider_free(pv);
	bl_source_provider_free(NULL);
}

/* Exim: an .include reads the in-memory text in place of the file (the
 * setting is the text's, its source the file's path); an include the
 * overlay does not hold reads the file; an overlay entry makes a file that
 * is not on disk readable, for .include and .include_if_exists. */
static void
test_provider_exim(void **state)
{
	char dir[] = "/tmp/bl-test-provider-XXXXXX";
	struct bl_source_provider *pv = bl_source_provider_new();
	const struct bl_setting *st;
	struct bl_config *cfg;
	struct bl_diags d;
	char *main_path, *inc, *other, *text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	main_path = bl_xasprintf("%s/exim.conf", dir);
	inc = bl_xasprintf("%s/banner.inc", dir);
	other = bl_xasprintf("%s/name.inc", dir);
	write_file(inc, "smtp_banner = from the disk\n");
	write_file(other, "primary_hostname = disk.example.org\n");
	bl_source_provider_add(pv, inc, "smtp_banner = from memory\n", 26);
	text = ".include banner.inc\n.include name.inc\n";
	bl_diags_init(&d);
	cfg = parse_with(&bl_parser_exim, pv, main_path, BL_ROLE_EXIM_MAIN,
			 text, &d);
	assert_int_equal(d.errors, 0);
	st = bl_config_lookup(cfg, "smtp_banner");
	assert_non_null(st);
	assert_string_equal(st->raw, "from memory");
	assert_string_equal(st->src->path, inc);
	assert_int_equal(st->line, 1);
	assert_int_equal(st->val_off, 14);
	assert_string_equal(pf_surface(cfg, "main", "smtp_banner")->configured,
			    "from memory");
	/* not in the overlay: read from the disk */
	st = bl_config_lookup(cfg, "primary_hostname");
	assert_non_null(st);
	assert_string_equal(st->raw, "disk.example.org");
	assert_string_equal(st->src->path, other);
	bl_config_free(cfg);
	/* without the provider, the disk */
	cfg = parse_with(&bl_parser_exim, NULL, main_path, BL_ROLE_EXIM_MAIN,
			 text, &d);
	assert_string_equal(bl_config_lookup(cfg, "smtp_banner")->raw,
			    "from the disk");
	bl_config_free(cfg);
	/* files that are not on disk: absolute, relative, if_exists */
	bl_source_provider_add(pv, "/nonexistent/bl-test/main.inc",
			       "primary_hostname = mem.example.org\n", 35);
	bl_source_provider_add(pv, "/nonexistent/bl-test/opt.inc",
			       "qualify_domain = q.example.org\n", 31);
	cfg = parse_with(&bl_parser_exim, pv, main_path, BL_ROLE_EXIM_MAIN,
			 ".include /nonexistent/bl-test/main.inc\n"
			 ".include_if_exists /nonexistent/bl-test/opt.inc\n"
			 ".include_if_exists /nonexistent/bl-test/none.inc\n",
			 &d);
	assert_int_equal(d.errors, 0);
	assert_null(cfg->unread_path);
	st = bl_config_lookup(cfg, "primary_hostname");
	assert_non_null(st);
	assert_string_equal(st->raw, "mem.example.org");
	assert_string_equal(st->src->path, "/nonexistent/bl-test/main.inc");
	assert_string_equal(bl_config_lookup(cfg, "qualify_domain")->raw,
			    "q.example.org");
	bl_config_free(cfg);
	/* the same without the provider: unknown, not read */
	cfg = parse_with(&bl_parser_exim, NULL, main_path, BL_ROLE_EXIM_MAIN,
			 ".include /nonexistent/bl-test/main.inc\n", &d);
	assert_non_null(cfg->unread_path);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_source_provider_free(pv);
	unlink(inc);
	unlink(other);
	rmdir(dir);
	free(main_path);
	free(inc);
	free(other);
}

/* greeting - the .mc's last greeting setting, or NULL (borrowed) */
static const struct bl_setting *
greeting(const struct bl_config *cfg)
{
	size_t i;

	for (i = cfg->nsettings; i-- > 0;)
		if (strcmp(cfg->settings[i]->key, "confSMTP_LOGIN_MSG") == 0)
			return cfg->settings[i];
	return NULL;
}

/* m4: include() reads the in-memory text in place of the file, and
 * falls back to the file; an entry makes a missing file readable. */
static void
test_provider_m4(void **state)
{
	char dir[] = "/tmp/bl-test-provider-XXXXXX";
	struct bl_source_provider *pv = bl_source_provider_new();
	const struct bl_setting *st;
	const char *mem = "define(`confSMTP_LOGIN_MSG', `$j from memory')dnl\n";
	struct bl_config *cfg;
	struct bl_diags d;
	char *mc, *site, *name, *text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mc = bl_xasprintf("%s/sendmail.mc", dir);
	site = bl_xasprintf("%s/site.m4", dir);
	name = bl_xasprintf("%s/name.m4", dir);
	write_file(site, "define(`confSMTP_LOGIN_MSG', `$j from disk')dnl\n");
	write_file(name, "define(`confDOMAIN_NAME', `disk.example.org')dnl\n");
	bl_source_provider_add(pv, site, mem, strlen(mem));
	text = bl_xasprintf("include(`%s')dnl\ninclude(`name.m4')dnl\n",
			    site);
	bl_diags_init(&d);
	cfg = parse_with(&bl_parser_sendmail, pv, mc, BL_ROLE_SENDMAIL_MC,
			 text, &d);
	assert_int_equal(d.errors, 0);
	st = greeting(cfg);
	assert_non_null(st);
	assert_string_equal(st->raw, "$j from memory");
	assert_string_equal(st->src->path, site);
	assert_int_equal(st->line, 1);
	assert_memory_equal(mem + st->val_off, "$j from memory", 14);
	assert_string_equal(pf_surface(cfg, "main", "confSMTP_LOGIN_MSG")
				->value,
			    "disk.example.org ESMTP from memory");
	bl_config_free(cfg);
	/* without the provider, the disk */
	cfg = parse_with(&bl_parser_sendmail, NULL, mc, BL_ROLE_SENDMAIL_MC,
			 text, &d);
	assert_string_equal(greeting(cfg)->raw, "$j from disk");
	bl_config_free(cfg);
	free(text);
	/* a file that is not on disk, and sinclude() of one */
	bl_source_provider_add(pv, "/nonexistent/bl-test/site.m4", mem,
			       strlen(mem));
	cfg = parse_with(&bl_parser_sendmail, pv, mc, BL_ROLE_SENDMAIL_MC,
			 "include(`/nonexistent/bl-test/site.m4')dnl\n", &d);
	assert_int_equal(d.errors, 0);
	assert_null(cfg->unread_path);
	assert_string_equal(greeting(cfg)->src->path,
			    "/nonexistent/bl-test/site.m4");
	bl_config_free(cfg);
	cfg = parse_with(&bl_parser_sendmail, pv, mc, BL_ROLE_SENDMAIL_MC,
			 "sinclude(`/nonexistent/bl-test/site.m4')dnl\n", &d);
	assert_string_equal(greeting(cfg)->raw, "$j from memory");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_source_provider_free(pv);
	unlink(site);
	unlink(name);
	rmdir(dir);
	free(mc);
	free(site);
	free(name);
}

/* utf16 - text (ASCII and UTF-8) as UTF-16 bytes in *n (caller frees) */
static char *
utf16(const char *text, bool le, bool bom, size_t *n)
{
	const unsigned char *p = (const unsigned char *)text;
	char *out = malloc(strlen(text) * 4 + 4);
	size_t k = 0;

	assert_non_null(out);
	if (bom) {
		out[k++] = le ? (char)0xff : (char)0xfe;
		out[k++] = le ? (char)0xfe : (char)0xff;
	}
	while (*p != '\0') {
		unsigned long c;
		unsigned units[2];
		size_t nu = 1, i;

		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xe0) == 0xc0) {
			c = ((unsigned long)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0) {
			c = ((unsigned long)(p[0] & 0x0f) << 12) |
			    ((unsigned long)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			p += 3;
		} else {
			c = ((unsigned long)(p[0] & 0x07) << 18) |
			    ((unsigned long)(p[1] & 0x3f) << 12) |
			    ((unsigned long)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
			p += 4;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			units[0] = 0xd800 | (unsigned)(c >> 10);
			units[1] = 0xdc00 | (unsigned)(c & 0x3ff);
			nu = 2;
		} else {
			units[0] = (unsigned)c;
		}
		for (i = 0; i < nu; i++) {
			out[k++] = (char)(le ? units[i] & 0xff : units[i] >> 8);
			out[k++] = (char)(le ? units[i] >> 8 : units[i] & 0xff);
		}
	}
	*n = k;
	return out;
}

/* Every UTF-16 form an export comes in decodes to the same UTF-8 text, its
 * lines where they were, and each byte of the text maps back to the file
 * offset of its character. */
static void
test_decode_utf16(void **state)
{
	static const char text[] = "Name   : Default Frontend EX01\r\n"
				   "Banner : 220 m\xc3\xa9l \xe2\x80\xa6 "
				   "\xf0\x9f\x98\x80 x\r\n"
				   "\r\n"
				   "Fqdn   : a\n";
	static const struct {
		bool le, bom;
		const char *enc;
	} forms[] = {
		{true, true, "UTF-16LE"},
		{true, false, "UTF-16LE"},
		{false, true, "UTF-16BE"},
		{false, false, "UTF-16BE"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct bl_diags d;
		struct bl_source *src;
		size_t n, off, bom = forms[i].bom ? 2 : 0;
		char *raw = utf16(text, forms[i].le, forms[i].bom, &n);
		const char *x;

		bl_diags_init(&d);
		src = bl_source_from_mem("receive.txt", raw, n);
		assert_int_equal(bl_source_decode(src, &d), 0);
		assert_int_equal(d.n, 0);
		assert_string_equal(src->encoding, forms[i].enc);
		assert_int_equal(src->len, strlen(text));
		assert_memory_equal(src->data, text, src->len);
		assert_int_equal(src->nlines, 4);
		assert_int_equal(bl_source_check_text(src, &d), 0);
		/* line starts and characters map to their UTF-16 offsets */
		assert_int_equal(bl_source_file_offset(src, 0), bom);
		x = strstr(src->data, "Fqdn");
		off = (size_t)(x - src->data);
		/* in UTF-16 code units: line 1 is 32, then "Banner : 220 m"
		 * 14, the e-acute 1, "l " 2, the ellipsis 1, " " 1, the
		 * emoji 2 (a surrogate pair), " x\r\n" 4, "\r\n" 2 */
		assert_int_equal(bl_source_file_offset(src, off),
				 bom + 2 * (32 + 14 + 1 + 2 + 1 + 1 + 2 + 4 + 2));
		x = strstr(src->data, " x\r\n");
		off = (size_t)(x - src->data);
		assert_int_equal(bl_source_file_offset(src, off),
				 bom + 2 * (32 + 14 + 1 + 2 + 1 + 1 + 2));
		bl_source_free(src);
		free(raw);
		bl_diags_finish(&d);
	}
}

/* What is not UTF-16 is left alone (a UTF-8 BOM too), and what is broken
 * UTF-16 is an error at its line, never a guess. */
static void
test_decode_refused(void **state)
{
	static const char lone[] = "\xff\xfe" "a\0\n\0b\0\x00\xd8" "c\0";
	static const char odd[] = "\xff\xfe" "a\0b";
	struct bl_diags d;
	struct bl_source *src;

	(void)state;
	bl_diags_init(&d);
	src = bl_source_from_mem("a.txt", "\xef\xbb\xbfName : x\n", 12);
	assert_int_equal(bl_source_decode(src, &d), 0);
	assert_null(src->encoding);
	assert_int_equal(src->len, 12);
	assert_int_equal(bl_source_file_offset(src, 5), 5);
	bl_source_free(src);
	src = bl_source_from_mem("b.txt", "ab\0", 3);
	assert_int_equal(bl_source_decode(src, &d), 0);
	assert_null(src->encoding);
	bl_source_free(src);

	src = bl_source_from_mem("lone.txt", lone, sizeof(lone) - 1);
	assert_int_equal(bl_source_decode(src, &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_non_null(strstr(d.v[0].message, "lone surrogate"));
	bl_source_free(src);
	src = bl_source_from_mem("odd.txt", odd, sizeof(odd) - 1);
	assert_int_equal(bl_source_decode(src, &d), -1);
	assert_int_equal(d.n, 2);
	assert_non_null(strstr(d.v[1].message, "odd number of bytes"));
	bl_source_free(src);
	bl_diags_finish(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_map),
		cmocka_unit_test(test_final_newline),
		cmocka_unit_test(test_load_binary_and_cap),
		cmocka_unit_test(test_load_not_regular),
		cmocka_unit_test(test_check_text),
		cmocka_unit_test(test_provider),
		cmocka_unit_test(test_provider_exim),
		cmocka_unit_test(test_provider_m4),
		cmocka_unit_test(test_decode_utf16),
		cmocka_unit_test(test_decode_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

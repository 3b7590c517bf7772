/* SPDX-License-Identifier: BSD-2-Clause */
/* test_source.c - the source loader and its line map */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_map),
		cmocka_unit_test(test_final_newline),
		cmocka_unit_test(test_load_binary_and_cap),
		cmocka_unit_test(test_load_not_regular),
		cmocka_unit_test(test_check_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_atomic.c - bl_file_replace, the write behind `fix --write`: the new
 * bytes or an error with the original intact, never a temporary file left.
 *
 * System errors that a test cannot provoke for real (ENOSPC, EDQUOT, EIO,
 * short writes, EINTR, a failing fchown, a change made by someone else
 * between the read and the rename) come from the linker's --wrap of write,
 * fsync, rename, link, fchown and geteuid (tests/unit/meson.build): each
 * __wrap_ function fails or runs a hook when a test asks, and otherwise
 * calls the real one. A full and a read-only file system for real are the
 * fault suite's (tests/fault/).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomic.h"
#include "diag.h"
#include "util.h"

ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __real_link(const char *from, const char *to);
int __real_fchown(int fd, uid_t uid, gid_t gid);
uid_t __real_geteuid(void);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_link(const char *from, const char *to);
int __wrap_fchown(int fd, uid_t uid, gid_t gid);
uid_t __wrap_geteuid(void);

/* The faults a test asks for; reset before every test. */
static struct {
	int write_errno;     /* write fails with this ... */
	int write_ok_first;  /* ... after this many calls succeeded */
	size_t write_max;    /* > 0: a write writes at most this many bytes */
	int write_eintr;     /* this many writes fail with EINTR first */
	int fsync_errno;     /* the fsync_nth fsync fails with this */
	int fsync_nth;       /* 1-based */
	int rename_errno;    /* every rename fails with this */
	int link_errno;      /* every link fails with this */
	int fchown_errno;    /* every fchown fails with this */
	int euid;            /* >= 0: what geteuid says */
	void (*fsync_hook)(void); /* at each fsync, before it */
	void (*link_hook)(void);  /* at each link, before it */
	int writes, fsyncs;  /* calls so far */
} fault;

static char dir[64]; /* this test's directory */

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	if (fault.write_eintr > 0) {
		fault.write_eintr--;
		errno = EINTR;
		return -1;
	}
	if (fault.write_errno != 0 && fault.writes++ >= fault.write_ok_first) {
		errno = fault.write_errno;
		return -1;
	}
	if (fault.write_max > 0 && n > fault.write_max)
		n = fault.write_max;
	return __real_write(fd, buf, n);
}

int
__wrap_fsync(int fd)
{
	if (fault.fsync_hook != NULL)
		fault.fsync_hook();
	if (fault.fsync_errno != 0 && ++fault.fsyncs == fault.fsync_nth) {
		errno = fault.fsync_errno;
		return -1;
	}
	return __real_fsync(fd);
}

int
__wrap_rename(const char *from, const char *to)
{
	if (fault.rename_errno != 0) {
		errno = fault.rename_errno;
		return -1;
	}
	return __real_rename(from, to);
}

int
__wrap_link(const char *from, const char *to)
{
	if (fault.link_hook != NULL)
		fault.link_hook();
	if (fault.link_errno != 0) {
		errno = fault.link_errno;
		return -1;
	}
	return __real_link(from, to);
}

int
__wrap_fchown(int fd, uid_t uid, gid_t gid)
{
	if (fault.fchown_errno != 0) {
		errno = fault.fchown_errno;
		return -1;
	}
	return __real_fchown(fd, uid, gid);
}

uid_t
__wrap_geteuid(void)
{
	return fault.euid >= 0 ? (uid_t)fault.euid : __real_geteuid();
}

/* p - dir/name (a static buffer per slot, so that a test can hold four) */
static const char *
p(const char *name)
{
	static char buf[4][512];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, name);
	return buf[slot];
}

static void
put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* slurp - the file's bytes (caller frees), NULL when it cannot be read */
static char *
slurp(const char *path)
{
	struct bl_buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	bl_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bl_buf_add(&b, chunk, n);
	fclose(f);
	return bl_buf_steal(&b);
}

static void
assert_holds(const char *path, const char *want)
{
	char *got = slurp(path);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* temps_in - temporary files of bl_file_replace in directory d */
static int
temps_in(const char *d)
{
	DIR *dh = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)) != NULL)
		if (strstr(e->d_name, ".bannerlint.") != NULL)
			n++;
	closedir(dh);
	return n;
}

/* one_error - diags holds exactly one error, at file, saying want */
static void
one_error(struct bl_diags *d, const char *file, const char *want)
{
	assert_int_equal(d->n, 1);
	assert_int_equal(d->errors, 1);
	assert_int_equal(d->v[0].level, BL_LEVEL_ERROR);
	assert_string_equal(d->v[0].file, file);
	assert_string_equal(d->v[0].message, want);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	memset(&fault, 0, sizeof(fault));
	fault.euid = -1;
	snprintf(dir, sizeof(dir), "/tmp/test_atomic.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	umask(022);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	memset(&fault, 0, sizeof(fault));
	fault.euid = -1;
	chmod(dir, 0700);
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* replace - the plain case with diags checked empty */
static int
replace(const char *path, const char *old, const char *data,
	const char *suffix, struct bl_diags *d)
{
	bl_diags_init(d);
	return bl_file_replace(path, old, old != NULL ? strlen(old) : 0, false,
			       data, strlen(data), suffix, d);
}

static void
test_replace(void **state)
{
	struct bl_diags d;
	struct stat a, b;

	(void)state;
	put(p("main.cf"), "smtpd_banner = $myhostname ESMTP $mail_name\n",
	    0644);
	assert_int_equal(stat(p("main.cf"), &a), 0);
	assert_int_equal(replace(p("main.cf"),
				 "smtpd_banner = $myhostname ESMTP $mail_name\n",
				 "smtpd_banner = $myhostname ESMTP\n", NULL, &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_holds(p("main.cf"), "smtpd_banner = $myhostname ESMTP\n");
	assert_int_equal(stat(p("main.cf"), &b), 0);
	/* a new inode: the file was renamed in, not rewritten in place */
	assert_true(a.st_ino != b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0644);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* empty in, empty out */
	put(p("empty"), "", 0600);
	assert_int_equal(replace(p("empty"), "", "x\n", NULL, &d), 0);
	assert_holds(p("empty"), "x\n");
	bl_diags_finish(&d);
	assert_int_equal(replace(p("empty"), "x\n", "", NULL, &d), 0);
	assert_holds(p("empty"), "");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_relative_path(void **state)
{
	struct bl_diags d;
	char cwd[512];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	put(p("main.cf"), "a\n", 0644);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(replace("main.cf", "a\n", "b\n", ".orig", &d), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_holds(p("main.cf"), "b\n");
	assert_holds(p("main.cf.orig"), "a\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_long_name(void **state)
{
	struct bl_diags d;
	char name[256];

	(void)state;
	memset(name, 'n', 250);
	name[250] = '\0';
	put(p(name), "a\n", 0644);
	assert_int_equal(replace(p(name), "a\n", "b\n", NULL, &d), 0);
	assert_int_equal(d.n, 0);
	assert_holds(p(name), "b\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_symlink(void **state)
{
	char abs[512], got[512];
	struct bl_diags d;
	struct stat st;
	ssize_t n;

	(void)state;
	assert_int_equal(mkdir(p("real"), 0755), 0);
	put(p("real/main.cf"), "old\n", 0640);
	/* a chain: link2 -> (absolute) link1 -> (relative) real/main.cf */
	assert_int_equal(symlink("real/main.cf", p("link1")), 0);
	snprintf(abs, sizeof(abs), "%s", p("link1"));
	assert_int_equal(symlink(abs, p("link2")), 0);
	assert_int_equal(replace(p("link2"), "old\n", "new\n", ".orig", &d), 0);
	assert_int_equal(d.n, 0);
	assert_holds(p("real/main.cf"), "new\n");
	/* the links stay links, pointing where they did */
	assert_int_equal(lstat(p("link1"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(p("link1"), got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "real/main.cf");
	assert_int_equal(lstat(p("link2"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* mode of the target, backup beside the target */
	assert_int_equal(stat(p("real/main.cf"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_holds(p("real/main.cf.orig"), "old\n");
	assert_int_equal(lstat(p("link2.orig"), &st), -1);
	assert_int_equal(temps_in(dir), 0);
	assert_int_equal(temps_in(p("real")), 0);
	bl_diags_finish(&d);
}

static void
test_symlink_loop(void **state)
{
	struct bl_diags d;
	char want[600];

	(void)state;
	assert_int_equal(symlink("b", p("a")), 0);
	assert_int_equal(symlink("a", p("b")), 0);
	assert_int_equal(replace(p("a"), "x", "y", NULL, &d), -1);
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("a"), strerror(ELOOP));
	one_error(&d, p("a"), want);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_mode_owner(void **state)
{
	static const mode_t modes[] = {0600, 0640, 0444 | 0200, 02755, 04711};
	struct bl_diags d;
	struct stat st;
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(modes); i++) {
		put(p("f"), "a", modes[i]);
		if (__real_geteuid() == 0)
			assert_int_equal(chown(p("f"), 1234, 5678), 0);
		assert_int_equal(chmod(p("f"), modes[i]), 0);
		assert_int_equal(replace(p("f"), "a", "b", ".orig", &d), 0);
		assert_int_equal(d.n, 0);
		assert_int_equal(stat(p("f"), &st), 0);
		assert_int_equal(st.st_mode & 07777, modes[i]);
		if (__real_geteuid() == 0) {
			assert_int_equal(st.st_uid, 1234);
			assert_int_equal(st.st_gid, 5678);
		}
		/* the backup: same mode and owner */
		assert_int_equal(stat(p("f.orig"), &st), 0);
		assert_int_equal(st.st_mode & 07777, modes[i]);
		if (__real_geteuid() == 0) {
			assert_int_equal(st.st_uid, 1234);
			assert_int_equal(st.st_gid, 5678);
		}
		assert_holds(p("f.orig"), "a");
		bl_diags_finish(&d);
	}
	if (__real_geteuid() != 0)
		print_message("not root: owner kept is not tested\n");
	assert_int_equal(temps_in(dir), 0);
}

/* A non-root user's fchown fails with EPERM: harmless only when the
 * temporary file has the owner and group already. */
static void
test_fchown_eperm(void **state)
{
	struct bl_diags d;
	char want[600];

	(void)state;
	put(p("f"), "a", 0644);
	fault.fchown_errno = EPERM;
	fault.euid = 1000;
	assert_int_equal(replace(p("f"), "a", "b", NULL, &d), 0);
	assert_int_equal(d.n, 0);
	assert_holds(p("f"), "b");
	bl_diags_finish(&d);

	/* root: EPERM is a real failure */
	fault.euid = 0;
	assert_int_equal(replace(p("f"), "b", "c", NULL, &d), -1);
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("f"), strerror(EPERM));
	one_error(&d, p("f"), want);
	assert_holds(p("f"), "b");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* someone else's file: the owner would change */
	if (__real_geteuid() == 0) {
		assert_int_equal(chown(p("f"), 1234, 1234), 0);
		fault.euid = 1000;
		assert_int_equal(replace(p("f"), "b", "c", NULL, &d), -1);
		one_error(&d, p("f"), want);
		assert_holds(p("f"), "b");
		assert_int_equal(temps_in(dir), 0);
		bl_diags_finish(&d);
	}
}

static void
test_backup(void **state)
{
	struct bl_diags d;
	char want[600];

	(void)state;
	put(p("main.cf"), "one\n", 0640);
	put(p("main.cf.bak"), "an older backup\n", 0600);
	assert_int_equal(replace(p("main.cf"), "one\n", "two\n", ".bak", &d),
			 0);
	assert_holds(p("main.cf"), "two\n");
	assert_holds(p("main.cf.bak"), "one\n");
	bl_diags_finish(&d);

	/* no backup asked: none written */
	assert_int_equal(replace(p("main.cf"), "two\n", "three\n", NULL, &d),
			 0);
	assert_holds(p("main.cf.bak"), "one\n");
	bl_diags_finish(&d);

	/* a backup that cannot be written stops the write */
	assert_int_equal(mkdir(p("main.cf.orig"), 0755), 0);
	put(p("main.cf.orig/x"), "", 0644);
	assert_int_equal(replace(p("main.cf"), "three\n", "four\n", ".orig",
				 &d),
			 -1);
	snprintf(want, sizeof(want),
		 "cannot write backup %s: %s; the file is unchanged",
		 p("main.cf.orig"), strerror(EISDIR));
	one_error(&d, p("main.cf"), want);
	assert_holds(p("main.cf"), "three\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* ... and so does a full disk while writing it (the second file) */
	fault.write_errno = ENOSPC;
	fault.write_ok_first = 1;
	assert_int_equal(replace(p("main.cf"), "three\n", "four\n", ".bak", &d),
			 -1);
	snprintf(want, sizeof(want),
		 "cannot write backup %s: %s; the file is unchanged",
		 p("main.cf.bak"), strerror(ENOSPC));
	one_error(&d, p("main.cf"), want);
	assert_holds(p("main.cf"), "three\n");
	assert_holds(p("main.cf.bak"), "one\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_create(void **state)
{
	struct bl_diags d;
	struct stat st;
	char want[600];

	(void)state;
	bl_diags_init(&d);
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "a\n", 2,
					 ".orig", &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_holds(p("main.cf"), "a\n");
	assert_int_equal(stat(p("main.cf"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* nothing to back up */
	assert_int_equal(lstat(p("main.cf.orig"), &st), -1);

	umask(077);
	assert_int_equal(bl_file_replace(p("private.cf"), NULL, 0, true, "b", 1,
					 NULL, &d),
			 0);
	assert_int_equal(stat(p("private.cf"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* through a dangling link: the link's target is created */
	assert_int_equal(symlink("made.cf", p("link.cf")), 0);
	assert_int_equal(bl_file_replace(p("link.cf"), NULL, 0, true, "c", 1,
					 NULL, &d),
			 0);
	assert_holds(p("made.cf"), "c");
	assert_int_equal(lstat(p("link.cf"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(d.n, 0);

	/* a directory that is not there */
	assert_int_equal(bl_file_replace(p("nodir/main.cf"), NULL, 0, true,
					 "a", 1, NULL, &d),
			 -1);
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("nodir/main.cf"), strerror(ENOENT));
	one_error(&d, p("nodir/main.cf"), want);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_create_exists(void **state)
{
	struct bl_diags d;

	(void)state;
	put(p("main.cf"), "someone's\n", 0644);
	bl_diags_init(&d);
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "a\n", 2,
					 NULL, &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read (it exists now); not overwritten");
	assert_holds(p("main.cf"), "someone's\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
make_main_cf(void)
{
	put(p("main.cf"), "someone's\n", 0644);
}

static void
make_main_cf_dir(void)
{
	mkdir(p("main.cf"), 0755);
}

/* Created by someone else after the last look, at the very moment of the
 * link: the link refuses to replace it (no window at all). */
static void
test_create_race(void **state)
{
	struct bl_diags d;
	char want[600];

	(void)state;
	bl_diags_init(&d);
	fault.link_hook = make_main_cf;
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "a\n", 2,
					 NULL, &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read (it exists now); not overwritten");
	assert_holds(p("main.cf"), "someone's\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* a file system without hard links: checked, then renamed */
	assert_int_equal(unlink(p("main.cf")), 0);
	fault.link_hook = NULL;
	fault.link_errno = EPERM;
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "a\n", 2,
					 NULL, &d),
			 0);
	assert_holds(p("main.cf"), "a\n");
	assert_int_equal(temps_in(dir), 0);
	assert_int_equal(unlink(p("main.cf")), 0);
	fault.link_hook = make_main_cf;
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "a\n", 2,
					 NULL, &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read (it exists now); not overwritten");
	assert_holds(p("main.cf"), "someone's\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* a directory appeared */
	assert_int_equal(unlink(p("main.cf")), 0);
	fault.link_errno = 0;
	fault.link_hook = NULL;
	fault.fsync_hook = make_main_cf_dir;
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "a\n", 2,
					 NULL, &d),
			 -1);
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("main.cf"), strerror(EISDIR));
	one_error(&d, p("main.cf"), want);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_changed_before(void **state)
{
	struct bl_diags d;

	(void)state;
	/* same length, other bytes: a size check alone would miss it */
	put(p("main.cf"), "a = 2\n", 0644);
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 3\n", ".orig",
				 &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read; not overwritten");
	assert_holds(p("main.cf"), "a = 2\n");
	assert_int_equal(access(p("main.cf.orig"), F_OK), -1);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* longer and shorter */
	assert_int_equal(replace(p("main.cf"), "a = 2\nb\n", "x", NULL, &d), -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read; not overwritten");
	bl_diags_finish(&d);
	assert_int_equal(replace(p("main.cf"), "a = ", "x", NULL, &d), -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read; not overwritten");
	assert_holds(p("main.cf"), "a = 2\n");
	bl_diags_finish(&d);

	/* removed: not written again */
	assert_int_equal(unlink(p("main.cf")), 0);
	assert_int_equal(replace(p("main.cf"), "a = 2\n", "a = 3\n", NULL, &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read (it was removed); not overwritten");
	assert_int_equal(access(p("main.cf"), F_OK), -1);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

/* What someone else does while the new file is being written. */
static void
edit_in_place(void)
{
	FILE *f = fopen(p("main.cf"), "r+b");

	if (f != NULL) {
		fputs("a = 9\n", f);
		fclose(f);
	}
	fault.fsync_hook = NULL;
}

static void
rewrite_same(void)
{
	FILE *f = fopen(p("main.cf"), "wb");

	if (f != NULL) {
		fputs("a = 1\n", f);
		fclose(f);
	}
	fault.fsync_hook = NULL;
}

static void
remove_it(void)
{
	unlink(p("main.cf"));
	fault.fsync_hook = NULL;
}

static void
replace_same_bytes(void)
{
	FILE *f = fopen(p("other"), "wb");

	if (f != NULL) {
		fputs("a = 1\n", f);
		fclose(f);
	}
	__real_rename(p("other"), p("main.cf"));
	fault.fsync_hook = NULL;
}

static void
test_changed_during(void **state)
{
	struct bl_diags d;

	(void)state;
	put(p("main.cf"), "a = 1\n", 0644);
	fault.fsync_hook = edit_in_place;
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 3\n", ".orig",
				 &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read; not overwritten");
	assert_holds(p("main.cf"), "a = 9\n");
	assert_int_equal(access(p("main.cf.orig"), F_OK), -1);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* replaced by an editor that renames, even with the same bytes */
	put(p("main.cf"), "a = 1\n", 0644);
	fault.fsync_hook = replace_same_bytes;
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 3\n", NULL, &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read (it was replaced); not overwritten");
	assert_holds(p("main.cf"), "a = 1\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	fault.fsync_hook = remove_it;
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 3\n", ".orig",
				 &d),
			 -1);
	one_error(&d, p("main.cf"),
		  "changed since it was read (it was removed); not overwritten");
	assert_int_equal(access(p("main.cf"), F_OK), -1);
	assert_int_equal(access(p("main.cf.orig"), F_OK), -1);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);

	/* rewritten in place with the same bytes: nothing is lost */
	put(p("main.cf"), "a = 1\n", 0644);
	fault.fsync_hook = rewrite_same;
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 3\n", NULL, &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_holds(p("main.cf"), "a = 3\n");
	bl_diags_finish(&d);
}

static void
on_alarm(int sig)
{
	(void)sig;
	fail_msg("bl_file_replace hung (a FIFO opened blocking?)");
}

static void
test_not_regular(void **state)
{
	struct bl_diags d;
	char want[600];

	(void)state;
	assert_int_equal(mkdir(p("main.cf"), 0755), 0);
	assert_int_equal(replace(p("main.cf"), "a", "b", NULL, &d), -1);
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("main.cf"), strerror(EISDIR));
	one_error(&d, p("main.cf"), want);
	bl_diags_finish(&d);
	bl_diags_init(&d);
	assert_int_equal(bl_file_replace(p("main.cf"), NULL, 0, true, "b", 1,
					 NULL, &d),
			 -1);
	one_error(&d, p("main.cf"), want);
	bl_diags_finish(&d);

	assert_int_equal(mkfifo(p("fifo"), 0644), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(replace(p("fifo"), "a", "b", NULL, &d), -1);
	alarm(0);
	snprintf(want, sizeof(want),
		 "cannot write %s: not a regular file; the file is unchanged",
		 p("fifo"));
	one_error(&d, p("fifo"), want);
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

/*
 * The checks of a user who may not write: an unwritable directory and a
 * read-only file. Root may do both, so as root this runs in a child that
 * has become nobody (65534). Returns a bit per check that failed.
 */
static int
unprivileged_checks(void)
{
	struct bl_diags d;
	char want[600], *got;
	int bad = 0;

	/* an unwritable directory */
	bl_diags_init(&d);
	if (bl_file_replace(p("ro/main.cf"), "a\n", 2, false, "b\n", 2,
			    ".orig", &d) != -1)
		bad |= 1;
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("ro/main.cf"), strerror(EACCES));
	if (d.n != 1 || strcmp(d.v[0].message, want) != 0)
		bad |= 2;
	bl_diags_finish(&d);
	/* a read-only file in a writable directory */
	bl_diags_init(&d);
	if (bl_file_replace(p("rw/main.cf"), "a\n", 2, false, "b\n", 2, NULL,
			    &d) != -1)
		bad |= 4;
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("rw/main.cf"), strerror(EACCES));
	if (d.n != 1 || strcmp(d.v[0].message, want) != 0)
		bad |= 8;
	bl_diags_finish(&d);
	/* creating in an unwritable directory */
	bl_diags_init(&d);
	if (bl_file_replace(p("ro/new.cf"), NULL, 0, true, "b\n", 2, NULL,
			    &d) != -1 ||
	    d.n != 1)
		bad |= 16;
	bl_diags_finish(&d);
	got = slurp(p("ro/main.cf"));
	if (got == NULL || strcmp(got, "a\n") != 0)
		bad |= 32;
	free(got);
	return bad;
}

static void
test_unwritable(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(mkdir(p("ro"), 0755), 0);
	assert_int_equal(mkdir(p("rw"), 0777), 0);
	put(p("ro/main.cf"), "a\n", 0666);
	put(p("rw/main.cf"), "a\n", 0444);
	assert_int_equal(chmod(p("ro"), 0555), 0);
	assert_int_equal(chmod(p("rw"), 0777), 0); /* mkdir's mode met the umask */
	if (__real_geteuid() != 0) {
		assert_int_equal(unprivileged_checks(), 0);
	} else {
		assert_int_equal(chmod(dir, 0755), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
			    setuid(65534) < 0)
				_exit(100);
			_exit(unprivileged_checks());
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		print_message("root: the unwritable checks ran as nobody\n");
	}
	assert_holds(p("ro/main.cf"), "a\n");
	assert_holds(p("rw/main.cf"), "a\n");
	assert_int_equal(temps_in(p("ro")), 0);
	assert_int_equal(temps_in(p("rw")), 0);
	assert_int_equal(access(p("ro/new.cf"), F_OK), -1);
}

/* One injected failure: the error names it, the original stays. */
static void
injected(int err, const char *suffix)
{
	struct bl_diags d;
	char want[600];

	put(p("main.cf"), "a = 1\n", 0640);
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 2\n", suffix,
				 &d),
			 -1);
	snprintf(want, sizeof(want), "cannot write %s: %s; the file is unchanged",
		 p("main.cf"), strerror(err));
	one_error(&d, p("main.cf"), want);
	assert_holds(p("main.cf"), "a = 1\n");
	assert_int_equal(temps_in(dir), 0);
	if (suffix != NULL)
		assert_int_equal(access(p("main.cf.orig"), F_OK), -1);
	bl_diags_finish(&d);
	memset(&fault, 0, sizeof(fault));
	fault.euid = -1;
}

static void
test_write_errors(void **state)
{
	struct bl_diags d;

	(void)state;
	fault.write_errno = ENOSPC;
	injected(ENOSPC, NULL);
	/* the exact words the brief of --write promises */
	put(p("main.cf"), "a", 0644);
	fault.write_errno = ENOSPC;
	fault.euid = -1;
	assert_int_equal(replace(p("main.cf"), "a", "b", NULL, &d), -1);
	assert_true(strstr(d.v[0].message, ": No space left on device; the "
					   "file is unchanged") != NULL);
	bl_diags_finish(&d);
	memset(&fault, 0, sizeof(fault));
	fault.euid = -1;

	fault.write_errno = EDQUOT;
	injected(EDQUOT, ".orig");
	fault.write_errno = EIO;
	injected(EIO, NULL);
	fault.fsync_errno = EIO;
	fault.fsync_nth = 1;
	injected(EIO, ".orig");
	fault.rename_errno = EIO;
	injected(EIO, NULL);
	fault.rename_errno = EXDEV;
	injected(EXDEV, NULL);
	/* the backup's fsync */
	fault.fsync_errno = EIO;
	fault.fsync_nth = 2;
	put(p("main.cf"), "a = 1\n", 0640);
	assert_int_equal(replace(p("main.cf"), "a = 1\n", "a = 2\n", ".orig",
				 &d),
			 -1);
	assert_int_equal(d.n, 1);
	assert_holds(p("main.cf"), "a = 1\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

/* The directory's fsync fails after the rename: the error says the new
 * contents are in place. */
static void
test_dir_sync_error(void **state)
{
	struct bl_diags d;
	char want[600];

	(void)state;
	put(p("main.cf"), "a", 0644);
	fault.fsync_errno = EIO;
	fault.fsync_nth = 2;
	assert_int_equal(replace(p("main.cf"), "a", "b", NULL, &d), -1);
	snprintf(want, sizeof(want),
		 "cannot write %s: syncing its directory failed: %s; the new "
		 "contents are in place but may not survive a crash",
		 p("main.cf"), strerror(EIO));
	one_error(&d, p("main.cf"), want);
	assert_holds(p("main.cf"), "b");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
}

static void
test_short_writes(void **state)
{
	struct bl_diags d;
	struct bl_buf big;
	char *got;
	int i;

	(void)state;
	bl_buf_init(&big);
	for (i = 0; i < 5000; i++)
		bl_buf_printf(&big, "# comment line %d\n", i);
	put(p("main.cf"), "a\n", 0644);
	fault.write_max = 7;
	fault.write_eintr = 3;
	assert_int_equal(replace(p("main.cf"), "a\n", big.data, ".orig", &d),
			 0);
	assert_int_equal(d.n, 0);
	got = slurp(p("main.cf"));
	assert_non_null(got);
	assert_int_equal(strlen(got), big.len);
	assert_memory_equal(got, big.data, big.len);
	free(got);
	assert_holds(p("main.cf.orig"), "a\n");
	assert_int_equal(temps_in(dir), 0);
	bl_diags_finish(&d);
	bl_buf_finish(&big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_loop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mode_owner, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fchown_eperm, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_exists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_create_race, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed_before, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed_during, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dir_sync_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_short_writes, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * atomic.c - replace a file's contents so that no crash or race loses data.
 *
 * The new bytes go to a temporary file beside the target (the final target
 * of a symbolic link), which gets the original's owner and mode, is
 * fsync'd, and is renamed over the target; then the directory is fsync'd.
 * A crash at any moment leaves the complete old or the complete new file,
 * at worst plus a stray ".NAME.bannerlint.XXXXXX" beside it. Just before
 * the rename the target is read again and compared with the bytes the
 * edits were made on, so a change made meanwhile by someone else is kept
 * and reported, not overwritten. (A change in the microseconds between that
 * comparison and the rename cannot be seen: nothing short of a lock every
 * editor honours could; Postfix's postconf -e has the same window.)
 *
 * Every failure is one error diagnostic at the caller's path; the
 * temporary files are removed on every error path. Nothing here keeps
 * state between calls.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "util.h"

/* symbolic links followed before giving up (Linux's own limit) */
#define LINK_HOPS_MAX 40
/* bytes of the target's name kept in a temporary name, so that the
 * temporary name stays under NAME_MAX (255) */
#define TEMP_BASE_MAX 200
/* names tried before mkstemp-like creation gives up */
#define TEMP_TRIES 100

/* What the target holds now, compared with what was read. */
enum probe {
	PROBE_SAME,	/* the bytes that were read (create: still absent) */
	PROBE_CHANGED,	/* other bytes */
	PROBE_REMOVED,	/* gone */
	PROBE_REPLACED, /* another file (inode) under the name */
	PROBE_EXISTS,	/* create: a file appeared */
	PROBE_NOTREG,	/* a directory, FIFO, device or socket */
	PROBE_ERROR,	/* a system error, in errno */
};

/* A temporary file being written: fd open until closed, name until
 * renamed or removed. */
struct temp {
	int fd;
	char *name; /* owned */
};

/* resolve - the final target of path, symbolic links followed, even when
 * that target does not exist (caller frees); NULL with errno on failure */
static char *
resolve(const char *path)
{
	char *p = bl_xstrdup(path);
	struct stat st;
	char *link, *slash, *next;
	ssize_t n;
	int hops;

	for (hops = 0; hops <= LINK_HOPS_MAX; hops++) {
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT)
				return p;
			goto fail;
		}
		if (!S_ISLNK(st.st_mode))
			return p;
		/* st_size of a link is its length, but may be 0 (procfs) */
		link = bl_xmalloc(PATH_MAX);
		n = readlink(p, link, PATH_MAX - 1);
		if (n < 0) {
			free(link);
			goto fail;
		}
		link[n] = '\0';
		slash = strrchr(p, '/');
		if (link[0] == '/' || slash == NULL)
			next = bl_xstrdup(link);
		else
			next = bl_xasprintf("%.*s/%s", (int)(slash - p), p,
					    link);
		free(link);
		free(p);
		p = next;
	}
	errno = ELOOP;
fail:
	free(p);
	return NULL;
}

/* split - the directory of target (caller frees) and its last component
 * (borrowed from target) */
static char *
split(const char *target, const char **base)
{
	const char *slash = strrchr(target, '/');

	if (slash == NULL) {
		*base = target;
		return bl_xstrdup(".");
	}
	*base = slash + 1;
	if (slash == target)
		return bl_xstrdup("/");
	return bl_xstrndup(target, (size_t)(slash - target));
}

/* same_bytes - does the open file fd hold exactly want[0, n)? -1 with
 * errno on a read error */
static int
same_bytes(int fd, const struct stat *st, const char *want, size_t n)
{
	char buf[8192];
	size_t off = 0;
	ssize_t got;

	if ((uintmax_t)st->st_size != (uintmax_t)n)
		return 0;
	for (;;) {
		got = read(fd, buf, sizeof(buf));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			return off == n;
		if ((size_t)got > n - off ||
		    memcmp(buf, want + off, (size_t)got) != 0)
			return 0;
		off += (size_t)got;
	}
}

/*
 * probe - what target holds now. first: the original as first seen, or
 * NULL at the first look; st: what was found. Opened without following a
 * link (one that appeared after resolve() is a replacement) and without
 * blocking (a FIFO in place of the file must not hang the run).
 */
static enum probe
probe(const char *target, bool create, const char *old, size_t oldlen,
      const struct stat *first, struct stat *st)
{
	int fd, same, saved;

	if (create) {
		if (lstat(target, st) == 0)
			return S_ISREG(st->st_mode) ? PROBE_EXISTS
						    : PROBE_NOTREG;
		return errno == ENOENT ? PROBE_SAME : PROBE_ERROR;
	}
	do
		fd = open(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
					  O_NOCTTY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (errno == ENOENT) /* it was there when it was read */
			return PROBE_REMOVED;
		if (errno == ELOOP)
			return PROBE_REPLACED;
		if (errno == ENXIO) /* a socket */
			return PROBE_NOTREG;
		return PROBE_ERROR;
	}
	if (fstat(fd, st) < 0)
		goto error;
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return PROBE_NOTREG;
	}
	if (first != NULL &&
	    (st->st_dev != first->st_dev || st->st_ino != first->st_ino)) {
		close(fd);
		return PROBE_REPLACED;
	}
	same = same_bytes(fd, st, old != NULL ? old : "", oldlen);
	if (same < 0)
		goto error;
	close(fd);
	return same ? PROBE_SAME : PROBE_CHANGED;
error:
	saved = errno;
	close(fd);
	errno = saved;
	return PROBE_ERROR;
}

/* mix - splitmix64: spreads a counter into random-looking bits */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/*
 * temp_open - create dir/.BASE.bannerlint.XXXXXX with O_EXCL and mode
 * (the umask applies, which is what a created file wants); the name need
 * not be unguessable, O_EXCL makes it safe. -1 with errno on failure.
 */
static int
temp_open(struct temp *t, const char *dir, const char *base, mode_t mode)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789";
	static uint64_t counter;
	struct timespec ts;
	char suffix[7];
	uint64_t r;
	int i, k;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 0; i < TEMP_TRIES; i++) {
		r = mix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
			((uint64_t)getpid() << 40) ^ counter++);
		for (k = 0; k < 6; k++) {
			suffix[k] = alnum[r % (sizeof(alnum) - 1)];
			r /= sizeof(alnum) - 1;
		}
		suffix[6] = '\0';
		t->name = bl_xasprintf("%s/.%.*s.bannerlint.%s", dir,
				       TEMP_BASE_MAX, base, suffix);
		do
			t->fd = open(t->name,
				     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					     O_NOCTTY | O_CLOEXEC,
				     mode);
		while (t->fd < 0 && errno == EINTR);
		if (t->fd >= 0)
			return 0;
		free(t->name);
		t->name = NULL;
		if (errno != EEXIST)
			return -1;
	}
	return -1; /* errno is EEXIST */
}

/* temp_discard - close and remove t, if it is there; errno is kept */
static void
temp_discard(struct temp *t)
{
	int saved = errno;

	if (t->fd >= 0)
		close(t->fd);
	if (t->name != NULL)
		unlink(t->name);
	free(t->name);
	t->fd = -1;
	t->name = NULL;
	errno = saved;
}

/* write_all - write n bytes, through short writes and EINTR */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n > SSIZE_MAX ? SSIZE_MAX : n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) { /* never for a regular file; do not spin */
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * give_owner - the original's owner and group on fd. A non-root user
 * cannot give a file away; that EPERM is harmless only when the temporary
 * file has the original's owner and group already (a file system without
 * owners, or chown to oneself refused).
 */
static int
give_owner(int fd, const struct stat *orig)
{
	struct stat st;

	if (fchown(fd, orig->st_uid, orig->st_gid) == 0)
		return 0;
	if (errno != EPERM || geteuid() == 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_uid == orig->st_uid && st.st_gid == orig->st_gid)
		return 0;
	errno = EPERM;
	return -1;
}

/*
 * temp_write - a complete, durable temporary file in dir holding data:
 * orig non-NULL gives it that file's owner and mode (owner first: chown
 * clears the set-id bits), NULL makes it a new file (0644 minus the
 * umask). Closed on success (t->fd is -1); -1 with errno and nothing left
 * behind on failure.
 */
static int
temp_write(struct temp *t, const char *dir, const char *base,
	   const struct stat *orig, const char *data, size_t len)
{
	int fd;

	if (temp_open(t, dir, base, orig != NULL ? 0600 : 0644) < 0)
		return -1;
	if (write_all(t->fd, data, len) < 0)
		goto fail;
	if (orig != NULL && (give_owner(t->fd, orig) < 0 ||
			     fchmod(t->fd, orig->st_mode & 07777) < 0))
		goto fail;
	if (fsync(t->fd) < 0)
		goto fail;
	fd = t->fd;
	t->fd = -1;
	/* EINTR: Linux has closed fd already; other errors are write errors
	 * that the file system reports late (NFS) */
	if (close(fd) < 0 && errno != EINTR)
		goto fail;
	return 0;
fail:
	temp_discard(t);
	return -1;
}

/* sync_dir - make the renames in dir durable; a file system that cannot
 * sync a directory (EINVAL) syncs its metadata another way */
static int
sync_dir(const char *dir)
{
	int fd, rc, saved;

	do
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	if (rc < 0 && saved != EINVAL && saved != ENOTSUP) {
		errno = saved;
		return -1;
	}
	return 0;
}

/* install_new - link t in as target, which must not exist (create); -1
 * with errno, EEXIST when a file appeared */
static int
install_new(struct temp *t, const char *target)
{
	if (link(t->name, target) == 0) {
		unlink(t->name);
		free(t->name);
		t->name = NULL;
		return 0;
	}
	if (errno == EEXIST)
		return -1;
	/* a file system without hard links: check, then rename (the same
	 * small window as a replacement has) */
	if (lstat(target, &(struct stat){0}) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (errno != ENOENT || rename(t->name, target) < 0)
		return -1;
	free(t->name);
	t->name = NULL;
	return 0;
}

/* refused - the error for a target that is not what was read */
static void
refused(struct bl_diags *diags, const char *path, enum probe p, int err)
{
	switch (p) {
	case PROBE_CHANGED:
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "changed since it was read; not overwritten");
		break;
	case PROBE_REMOVED:
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "changed since it was read (it was removed); "
			     "not overwritten");
		break;
	case PROBE_REPLACED:
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "changed since it was read (it was replaced); "
			     "not overwritten");
		break;
	case PROBE_EXISTS:
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "changed since it was read (it exists now); "
			     "not overwritten");
		break;
	case PROBE_NOTREG:
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot write %s: %s; the file is unchanged", path,
			     err == EISDIR ? strerror(EISDIR)
					   : "not a regular file");
		break;
	case PROBE_ERROR:
	case PROBE_SAME:
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot write %s: %s; the file is unchanged", path,
			     strerror(err));
		break;
	}
}

/* look - probe target; false (and the error in diags) unless it holds
 * what was read */
static bool
look(const char *path, const char *target, bool create, const char *old,
     size_t oldlen, const struct stat *first, struct stat *st,
     struct bl_diags *diags)
{
	enum probe p = probe(target, create, old, oldlen, first, st);

	if (p == PROBE_SAME)
		return true;
	refused(diags, path, p,
		p == PROBE_NOTREG && S_ISDIR(st->st_mode) ? EISDIR : errno);
	return false;
}

/* bl_file_replace - make path hold data[0, len), atomically (atomic.h) */
int
bl_file_replace(const char *path, const char *old, size_t oldlen,
		bool create, const char *data, size_t len,
		const char *backup_suffix, struct bl_diags *diags)
{
	struct temp tmain = {-1, NULL}, tback = {-1, NULL};
	char *target, *dir = NULL, *backup = NULL, *bdir = NULL;
	const char *base, *bbase;
	struct stat orig, now;
	int rc = -1;

	memset(&orig, 0, sizeof(orig));
	target = resolve(path);
	if (target == NULL) {
		refused(diags, path, PROBE_ERROR, errno);
		return -1;
	}
	dir = split(target, &base);
	if (*base == '\0') { /* "dir/" */
		refused(diags, path, PROBE_ERROR, EISDIR);
		goto out;
	}
	/* the common refusal costs no temporary file */
	if (!look(path, target, create, old, oldlen, NULL, &orig, diags))
		goto out;
	/* a read-only file is the owner's "do not edit", though the rename
	 * would not need its write permission (root may, as with open) */
	if (!create && faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) < 0) {
		refused(diags, path, PROBE_ERROR, errno);
		goto out;
	}
	if (temp_write(&tmain, dir, base, create ? NULL : &orig, data, len) <
	    0) {
		refused(diags, path, PROBE_ERROR, errno);
		goto out;
	}
	if (backup_suffix != NULL && !create) {
		backup = bl_xasprintf("%s%s", target, backup_suffix);
		bdir = split(backup, &bbase);
		if (temp_write(&tback, bdir, bbase, &orig, old != NULL ? old : "",
			       oldlen) < 0) {
			bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
				     "cannot write backup %s: %s; the file is "
				     "unchanged",
				     backup, strerror(errno));
			goto out;
		}
	}
	/* the edits were made on old: anything else now is someone's work */
	if (!look(path, target, create, old, oldlen, create ? NULL : &orig,
		  &now, diags))
		goto out;
	if (tback.name != NULL) {
		if (rename(tback.name, backup) < 0) {
			bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
				     "cannot write backup %s: %s; the file is "
				     "unchanged",
				     backup, strerror(errno));
			goto out;
		}
		free(tback.name);
		tback.name = NULL;
	}
	if (create ? install_new(&tmain, target) < 0
		   : rename(tmain.name, target) < 0) {
		/* a backup renamed in place holds the original's bytes,
		 * which is harmless */
		if (create && errno == EEXIST)
			refused(diags, path, PROBE_EXISTS, 0);
		else
			refused(diags, path, PROBE_ERROR, errno);
		goto out;
	}
	free(tmain.name);
	tmain.name = NULL;
	if (sync_dir(dir) < 0) {
		bl_diags_add(diags, BL_LEVEL_ERROR, path, 0, 0,
			     "cannot write %s: syncing its directory failed: "
			     "%s; the new contents are in place but may not "
			     "survive a crash",
			     path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	temp_discard(&tmain);
	temp_discard(&tback);
	free(bdir);
	free(backup);
	free(dir);
	free(target);
	return rc;
}

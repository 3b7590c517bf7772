/* SPDX-License-Identifier: BSD-2-Clause */
/* atomic.h - replace a file's contents so that no crash or race loses data */
#ifndef BL_ATOMIC_H
#define BL_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/*
 * bl_file_replace - make path hold data[0, len), atomically. A symbolic
 * link is followed to its final target (the link itself stays a link). A
 * temporary file is created in the target's directory (O_EXCL, mode 0600),
 * written in full, given the original's mode and owner (fchmod, fchown; a
 * fchown that fails with EPERM for a non-root user is ignored only when
 * owner and group already match), fsync'd, renamed over the target, and the
 * directory fsync'd.
 * old, oldlen: the bytes the edits were computed on. Just before the rename
 * the target is read again; when it no longer holds exactly those bytes
 * (or was replaced, or removed), nothing is written: an error "changed since
 * it was read; not overwritten" and -1.
 * create: the file did not exist when read (old is NULL): it is created
 * (mode 0644 minus the umask) and it is an error if it exists now.
 * backup_suffix: non-NULL: before the rename, the original's bytes are kept
 * in target+suffix (written the same atomic way, same mode), e.g. ".orig".
 * Every failure (read-only file system or directory, EACCES, ENOSPC, EDQUOT,
 * EIO, a directory or a FIFO in place of the file) is one error in diags at
 * path ("cannot write PATH: No space left on device; the file is unchanged"),
 * the temporary file is removed, the original is intact, and -1 returns.
 * 0 on success.
 */
int bl_file_replace(const char *path, const char *old, size_t oldlen,
		    bool create, const char *data, size_t len,
		    const char *backup_suffix, struct bl_diags *diags);

#endif

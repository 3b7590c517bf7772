#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""fault.py - the fault suite of `fix --write` (README.md beside it).

  fault.py kill --bannerlint B [--iterations N]
      SIGKILL `bannerlint fix --write main.cf` at random moments spread over
      its run time, N times (default 1000): main.cf must always be the
      complete old or the complete new version, with its mode; no temporary
      file may remain after a run that completed.
  fault.py race --driver D [--iterations N]
      main.cf changed (in place, renamed over, removed, rewritten with the
      same bytes) between the read and the write of fault_driver (which
      calls bl_file_replace after a delay): the change is kept and reported.
  fault.py fs --driver D --bannerlint B
      a 64 KiB tmpfs: a full disk (ENOSPC) and, remounted read-only, EROFS;
      each a clear error with the original intact and no temporary file.
      Needs root and mount: skipped (77) when impossible, failed with CI=true.

Exit 0 when everything held, 1 on any failure, 77 for a skip.
"""
import argparse
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
SKIP = 77
OLD_BANNER = "smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)\n"


def main_cf(comment_lines=300):
    """A leaky main.cf, long enough that its write takes a moment."""
    lines = ["# main.cf for the fault test\n", "myhostname = mx1.mail.test\n"]
    for i in range(comment_lines):
        lines.append("# comment line %d: here so that the file is long and "
                     "its write takes a moment\n" % i)
    lines.append(OLD_BANNER)
    lines.append("smtpd_tls_security_level = may\n")
    return "".join(lines).encode()


def temps(d, name="main.cf"):
    return sorted(e for e in os.listdir(d)
                  if e.startswith("." + name + ".bannerlint."))


def skip_or_fail(why):
    if IN_CI:
        print("FAIL: %s (required when CI=true)" % why)
        return 1
    print("SKIP: %s" % why)
    return SKIP


def has_fix(bannerlint):
    r = subprocess.run([bannerlint, "fix", "--help"], capture_output=True,
                       text=True)
    return not (r.returncode == 2 and "unknown command" in
                (r.stdout + r.stderr).lower())


def read(path):
    with open(path, "rb") as f:
        return f.read()


def put(path, data, mode=0o640):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def cmd_kill(a):
    if not has_fix(a.bannerlint):
        return skip_or_fail("bannerlint has no fix command yet")
    top = tempfile.mkdtemp(prefix="bl-fault-kill.")
    try:
        old = main_cf()
        ref = os.path.join(top, "ref")
        os.mkdir(ref)
        put(os.path.join(ref, "main.cf"), old)
        r = subprocess.run([a.bannerlint, "fix", "--write", "main.cf"],
                           cwd=ref, capture_output=True, text=True)
        new = read(os.path.join(ref, "main.cf"))
        if new == old or OLD_BANNER.encode() in new:
            print("FAIL: fix --write did not fix the reference copy "
                  "(exit %d): %s" % (r.returncode, r.stderr))
            return 1
        work = os.path.join(top, "work")
        os.mkdir(work)
        target = os.path.join(work, "main.cf")
        put(target, old)
        argv = [a.bannerlint, "fix", "--write", "main.cf"]
        # the run time, to spread the kills over it
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            subprocess.run(argv, cwd=work, capture_output=True)
            times.append(time.perf_counter() - t0)
            put(target, old)
        run_time = sorted(times)[len(times) // 2]
        print("# run time of fix --write: %.1f ms (median of 7)"
              % (run_time * 1000))
        counts = {"old": 0, "new": 0, "other": 0}
        killed = completed = leftover = stray = badmode = 0
        killed_new = bad_complete = 0
        for i in range(a.iterations):
            delay = random.uniform(0, run_time * 1.25)
            p = subprocess.Popen(argv, cwd=work, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < delay:
                pass  # busy-wait: finer than sleep's granularity
            was_killed = p.poll() is None
            if was_killed:
                p.send_signal(signal.SIGKILL)
            rc = p.wait()
            was_killed = was_killed and rc == -signal.SIGKILL
            got = read(target)
            state = "old" if got == old else "new" if got == new else "other"
            counts[state] += 1
            if state == "other":
                print("not ok: iteration %d (delay %.2f ms, exit %d): "
                      "main.cf is neither version (%d bytes)"
                      % (i, delay * 1000, rc, len(got)))
                shutil.copy(target, os.path.join(top, "other.%d" % i))
            if os.stat(target).st_mode & 0o7777 != 0o640:
                badmode += 1
            left = temps(work)
            if was_killed:
                killed += 1
                killed_new += state == "new"
                leftover += len(left)
            else:
                completed += 1
                if rc not in (0, 1) or state != "new":
                    print("not ok: iteration %d: a complete run exited %d "
                          "leaving %s" % (i, rc, state))
                    bad_complete += 1
                stray += len(left)
            for t in left:
                os.unlink(os.path.join(work, t))
            if state != "old":
                put(target, old)
        print("# %d runs: %d killed (%d of them after the rename), "
              "%d completed" % (a.iterations, killed, killed_new, completed))
        print("# temporary files left by killed runs (never the target): %d"
              % leftover)
        print("# temporary files left by completed runs: %d" % stray)
        print("old %d, new %d, other %d" % (counts["old"], counts["new"],
                                           counts["other"]))
        bad = (counts["other"] > 0 or stray > 0 or badmode > 0
               or bad_complete > 0)
        if badmode:
            print("not ok: the mode changed %d times" % badmode)
        if killed < a.iterations // 4:
            print("not ok: only %d runs were killed: the delays miss the "
                  "run" % killed)
            bad = True
        if not bad:
            shutil.rmtree(top)
        else:
            print("# kept for inspection: %s" % top)
        return 1 if bad else 0
    except BaseException:
        print("# kept for inspection: %s" % top)
        raise


def modify(kind, target, old):
    """Someone else's change; what the file must hold afterwards (None:
    absent)."""
    if kind == "in place, same length":
        with open(target, "r+b") as f:
            f.write(b"X")
        return b"X" + old[1:]
    if kind == "appended":
        with open(target, "ab") as f:
            f.write(b"relayhost = [relay.mail.test]\n")
        return old + b"relayhost = [relay.mail.test]\n"
    if kind == "truncated":
        os.truncate(target, 100)
        return old[:100]
    if kind == "renamed over, same bytes":
        put(target + ".new", old)
        os.rename(target + ".new", target)
        return old
    if kind == "removed":
        os.unlink(target)
        return None
    if kind == "rewritten in place, same bytes":
        with open(target, "r+b") as f:
            f.write(old)
        return old
    raise ValueError(kind)


def cmd_race(a):
    top = tempfile.mkdtemp(prefix="bl-fault-race.")
    kinds = ["in place, same length", "appended", "truncated",
             "renamed over, same bytes", "removed",
             "rewritten in place, same bytes"]
    failures = too_late = 0
    outcome = {k: 0 for k in kinds}
    outcome["renamed over, same bytes: written"] = 0
    target = os.path.join(top, "main.cf")
    newfile = os.path.join(top, "new")
    old = main_cf()
    new = old.replace(OLD_BANNER.encode(),
                      b"smtpd_banner = $myhostname ESMTP\n")
    put(newfile, new)
    for i in range(a.iterations):
        kind = random.choice(kinds)
        put(target, old)
        delay_us = random.randint(5000, 15000)
        p = subprocess.Popen([a.driver, target, newfile, str(delay_us),
                              ".orig"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, bufsize=0)
        line = p.stdout.readline()  # unbuffered: "go" stays in the pipe
        time.sleep(random.uniform(0, delay_us * 0.7e-6))
        want = modify(kind, target, old)
        # "go" already out: the change may have come after the final look
        # (a loaded machine); such a run proves nothing and is not judged
        late = bool(select.select([p.stdout], [], [], 0)[0])
        _, err = p.communicate()
        if late:
            too_late += 1
            put(target, old)
            for t in temps(top):
                os.unlink(os.path.join(top, t))
            if os.path.exists(target + ".orig"):
                os.unlink(target + ".orig")
            continue
        err = err.decode(errors="replace")
        exists = os.path.exists(target)
        got = read(target) if exists else None
        if kind == "rewritten in place, same bytes":
            ok = p.returncode == 0 and got == new
        elif kind == "renamed over, same bytes" and p.returncode == 0:
            # before bl_file_replace began: the bytes it was given are
            # still there and nothing is lost (it cannot know the inode
            # the caller read); during it, refused like any change
            ok = got == new
            outcome["renamed over, same bytes: written"] += ok
        else:
            ok = (p.returncode == 1 and "changed since it was read" in err
                  and "not overwritten" in err and got == want
                  and not os.path.exists(target + ".orig"))
        if line != b"read\n" or temps(top) or not ok:
            failures += 1
            print("not ok: %d %s: exit %d, %s, file %s, temps %s"
                  % (i, kind, p.returncode, err.strip(),
                     "absent" if got is None else
                     "as changed" if got == want else "other", temps(top)))
        else:
            outcome[kind] += 1
        for t in temps(top):
            os.unlink(os.path.join(top, t))
        if os.path.exists(target + ".orig"):
            os.unlink(target + ".orig")
    for k in kinds:
        print("# %-32s %d runs, the change kept" % (k, outcome[k]))
    print("# of these, renamed over before bl_file_replace began, so written "
          "over the same bytes: %d" % outcome["renamed over, same bytes: written"])
    print("# changes that came too late to judge (after \"go\"): %d" % too_late)
    print("%d runs, %d failures" % (a.iterations, failures))
    shutil.rmtree(top)
    if too_late > a.iterations // 5:
        print("not ok: more than a fifth of the changes came too late")
        return 1
    return 1 if failures else 0


def cmd_fs(a):
    if os.geteuid() != 0:
        return skip_or_fail("mounting a tmpfs needs root")
    top = tempfile.mkdtemp(prefix="bl-fault-fs.")
    mnt = os.path.join(top, "mnt")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755",
                        "bl-fault", mnt], capture_output=True, text=True)
    if r.returncode != 0:
        os.rmdir(mnt)
        os.rmdir(top)
        return skip_or_fail("mount -t tmpfs failed: " + r.stderr.strip())
    failures = 0

    def check(label, argv, want_err, target, before):
        nonlocal failures
        r = subprocess.run(argv, capture_output=True, text=True, cwd=mnt)
        after = read(target)
        left = temps(mnt)
        ok = (r.returncode != 0 and want_err in r.stderr
              and "the file is unchanged" in r.stderr and after == before
              and not left)
        print("%s - %s: exit %d, %s" % ("ok" if ok else "not ok", label,
                                       r.returncode, r.stderr.strip()))
        failures += not ok

    try:
        target = os.path.join(mnt, "main.cf")
        # 40 KB that fit, and 40 KB more that do not
        old = main_cf(comment_lines=460)
        put(target, old)
        new = old.replace(OLD_BANNER.encode(),
                          b"smtpd_banner = $myhostname ESMTP\n")
        newfile = os.path.join(top, "new")
        put(newfile, new)
        check("full disk, bl_file_replace", [a.driver, target, newfile],
              "No space left on device", target, old)
        if has_fix(a.bannerlint):
            check("full disk, fix --write",
                  [a.bannerlint, "fix", "--write", "main.cf"],
                  "No space left on device", target, old)
            check("full disk, fix --write --backup",
                  [a.bannerlint, "fix", "--write", "--backup", "main.cf"],
                  "No space left on device", target, old)
        else:
            failures += skip_or_fail("bannerlint has no fix command "
                                     "yet") != SKIP
        # a file that fits: the read-only file system is the only obstacle
        small = b"smtpd_banner = $myhostname ESMTP $mail_name\n"
        put(target, small)
        put(newfile, b"smtpd_banner = $myhostname ESMTP\n")
        subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
        check("read-only file system, bl_file_replace",
              [a.driver, target, newfile], "Read-only file system",
              target, small)
        if has_fix(a.bannerlint):
            check("read-only file system, fix --write",
                  [a.bannerlint, "fix", "--write", "main.cf"],
                  "Read-only file system", target, small)
    finally:
        subprocess.run(["umount", mnt])
        os.rmdir(mnt)
        shutil.rmtree(top)
    print("%d failures" % failures)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("kill")
    k.add_argument("--bannerlint", required=True)
    k.add_argument("--iterations", type=int, default=1000)
    r = sub.add_parser("race")
    r.add_argument("--driver", required=True)
    r.add_argument("--iterations", type=int, default=300)
    f = sub.add_parser("fs")
    f.add_argument("--driver", required=True)
    f.add_argument("--bannerlint", required=True)
    a = ap.parse_args()
    for k in ("bannerlint", "driver"):
        if getattr(a, k, None):
            setattr(a, k, os.path.abspath(getattr(a, k)))
    seed = int(os.environ.get("BANNERLINT_FAULT_SEED", time.time_ns()))
    random.seed(seed)
    print("# seed %d (BANNERLINT_FAULT_SEED repeats it)" % seed)
    return {"kill": cmd_kill, "race": cmd_race, "fs": cmd_fs}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Golden tests: run bannerlint on a fixture directory and compare with the
expected outputs kept beside the inputs.

A case is a directory fixtures/<dialect>/<case>/ holding the input files under
their real names, and:
  args              optional: extra arguments for both commands, one per line
  expect.show.out   text output of `show .` (stdout, stderr, "[exit N]")
  expect.show.json  `show --format json .` output
  expect.check.out  text output of `check .` (stdout, stderr, "[exit N]")
  expect.check.FMT  `check --format FMT .` for FMT in json, gcc, sarif,
                    checkstyle, github: for cases whose name starts with
                    "rule-" and ends with "-fires", and for cases holding
                    a file named "formats"
  expect.fix.out    standard error of `fix --color never .` and "[exit N]"
  expect.diff       its standard output (the unified diff), when not empty
  .expect.fixed/    the files `fix --write .` changes or makes, as they end
                    up, at their paths in the case (a dot directory, which
                    a directory walk skips: the fixed main.cf is no input); made in a copy of the
                    case beside it (.fix-CASE-PID), where a second `fix .`
                    must then print no diff (a fix is idempotent); for an
                    Exchange export (whose fix is a PowerShell script and
                    which --write leaves alone) the export must be
                    unchanged
  fix-args          optional: extra arguments for `fix` only, one per line
                    (e.g. --unsafe, --hostname NAME)
  needs             optional: the unpacked components the case reads, one
                    per line ("sendmail-cf"; "#" starts a comment): the
                    packages tests/setup-components.sh unpacks under
                    tests/.cache/pkgs/<name>/ (present when its .unpacked
                    stamp is). Without one the case is skipped (exit 77,
                    which meson counts as a skip), except in CI (CI=true),
                    where a missing component is a failure. An unknown
                    name is a failure everywhere.
SARIF's absolute repository root (originalUriBaseIds) is replaced by
"file:///REPO/" so the expectation holds on any machine.
The command runs with the case directory as working directory, so paths in
the output are relative to it.

BANNERLINT_CACHE_DIR is where the runner looks for the components (default
tests/.cache, as for tests/setup-components.sh). The cases themselves read
tests/.cache, since their expectations name it: point the variable at an
empty directory to see what runs without the components.

BANNERLINT_WRAPPER (word-split) goes in front of every bannerlint command,
e.g. 'valgrind --error-exitcode=99 --leak-check=full --quiet' (what
`meson test --setup valgrind` sets, through tests/valgrind-wrapper.sh).
Exit status 99 or a valgrind report ("==PID==" lines) on standard error is
a failure of the case of its own, and the report is not compared.

  run.py --bannerlint BIN CASE_DIR...      compare
  BANNERLINT_REGEN=1 run.py ...            rewrite the expectations (review
                                           the diff before committing)
Prints TAP-like lines and a final "N passed, N failed[, N skipped]"; exit 1
on failure, 77 when every case was skipped.
"""
import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys

WRAPPER = shlex.split(os.environ.get("BANNERLINT_WRAPPER", ""))
WRAPPER_EXIT = 99
WRAPPER_REPORT = re.compile(r"^==\d+== ", re.M)
# problems the wrapper reported: (case, command, exit status, stderr)
wrapper_problems = []


def run(binary, case, args):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.pop("BANNERLINT_WRAPPER", None)
    env["LC_ALL"] = "C"
    p = subprocess.run(WRAPPER + [binary] + args, cwd=case, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=600 if WRAPPER else 60)
    err = p.stderr.decode("utf-8", "replace")
    if WRAPPER and (p.returncode == WRAPPER_EXIT or WRAPPER_REPORT.search(err)):
        wrapper_problems.append((case, " ".join(args), p.returncode, err))
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


FORMATS = ["json", "gcc", "sarif", "checkstyle", "github"]

# What tests/setup-components.sh unpacks (its UNPACK_DEBS): keep in sync.
COMPONENTS = ["postfix", "exim4-daemon-light", "exim4-base", "exim4-config",
              "sendmail-cf"]
SKIP = 77


def cache_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("BANNERLINT_CACHE_DIR") or \
        os.path.join(here, "..", ".cache")


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1")


def needs(case):
    """The components the case names in its needs file, and the unknown
    names there."""
    path = os.path.join(case, "needs")
    if not os.path.exists(path):
        return [], []
    with open(path) as f:
        names = [l.split("#", 1)[0].strip() for l in f]
    names = [n for n in names if n != ""]
    return ([n for n in names if n in COMPONENTS],
            [n for n in names if n not in COMPONENTS])


def missing_components(case):
    """(unknown names, components that are not unpacked) of a case"""
    known, unknown = needs(case)
    cache = cache_dir()
    return unknown, [n for n in known if not os.path.exists(
        os.path.join(cache, "pkgs", n, ".unpacked"))]


def outputs(binary, case):
    extra = []
    path = os.path.join(case, "args")
    if os.path.exists(path):
        with open(path) as f:
            extra = [a for a in f.read().split("\n") if a != ""]
    got = {}
    for cmd in ("show", "check"):
        rc, out, err = run(binary, case,
                           [cmd, "--color", "never"] + extra + ["."])
        got["expect.%s.out" % cmd] = out + err + "[exit %d]\n" % rc
    rc, out, _ = run(binary, case, ["show", "--format", "json"] + extra + ["."])
    got["expect.show.json"] = out
    fix_outputs(binary, case, extra, got)
    name = os.path.basename(os.path.normpath(case))
    if (name.startswith("rule-") and name.endswith("-fires")) or \
            os.path.exists(os.path.join(case, "formats")):
        for fmt in FORMATS:
            rc, out, _ = run(binary, case,
                             ["check", "--format", fmt] + extra + ["."])
            if fmt == "sarif":
                out = re.sub(r'"uri": "file://[^"]*"', '"uri": "file:///REPO/"',
                             out)
            got["expect.check.%s" % fmt] = out + "[exit %d]\n" % rc
    return got


# What a case directory holds beside its inputs.
# how the fix of an Exchange export starts (a PowerShell script, no diff)
SCRIPT_HEAD = "# bannerlint fix: PowerShell for the Exchange Management Shell"
NOT_INPUT = re.compile(r"^(\.?expect\..*|args|fix-args|needs|formats)$")


def read_args(case, name):
    path = os.path.join(case, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [a for a in f.read().split("\n") if a != ""]


def snapshot(top):
    """{relative path: bytes} of the regular files under top"""
    files = {}
    for d, dirs, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as f:
                files[os.path.relpath(p, top)] = f.read()
    return files


def fix_outputs(binary, case, extra, got):
    """expect.fix.out, expect.diff and .expect.fixed/* of a case (bytes
    for the fixed files)"""
    fixargs = read_args(case, "fix-args")
    rc, out, err = run(binary, case, ["fix", "--color", "never"] + extra +
                       fixargs + ["."])
    got["expect.fix.out"] = err + "[exit %d]\n" % rc
    if out != "":
        got["expect.diff"] = out
    case = os.path.normpath(case)
    tmp = os.path.join(os.path.dirname(case), ".fix-%s-%d" %
                       (os.path.basename(case), os.getpid()))
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        shutil.copytree(case, tmp, symlinks=True,
                        ignore=lambda d, names: [
                            n for n in names
                            if d == case and (NOT_INPUT.match(n) or
                                              n == ".expect.fixed")])
        before = snapshot(tmp)
        run(binary, tmp, ["fix", "--write", "--color", "never"] + extra +
            fixargs + ["."])
        after = snapshot(tmp)
        for rel, data in sorted(after.items()):
            if before.get(rel) != data:
                got[".expect.fixed/" + rel] = data
        rc, out, err = run(binary, tmp, ["fix", "--color", "never"] + extra +
                           fixargs + ["."])
        # An export's fix is a script to run on the server: --write
        # leaves the export alone (bannerlint verified the script by
        # re-reading the patched export in memory), so the script stays;
        # the export must be unchanged instead.
        script = out.startswith(SCRIPT_HEAD)
        if script and after != before:
            got["idempotence"] = "fix --write changed an export"
        elif out != "" and not script:
            got["idempotence"] = ("a second fix after fix --write still "
                                  "has a diff:\n" + out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def expected_names(case):
    """the expect.diff and .expect.fixed/* files a case holds"""
    names = []
    if os.path.exists(os.path.join(case, "expect.diff")):
        names.append("expect.diff")
    top = os.path.join(case, ".expect.fixed")
    for rel in snapshot(top) if os.path.isdir(top) else {}:
        names.append(".expect.fixed/" + rel)
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("cases", nargs="+")
    a = ap.parse_args()
    regen = os.environ.get("BANNERLINT_REGEN") == "1"
    passed = failed = skipped = n = 0
    for case in a.cases:
        unknown, missing = missing_components(case)
        if unknown:
            n += 1
            failed += 1
            print("not ok %d - %s needs: unknown component %s (known: %s)"
                  % (n, case, ", ".join(unknown), ", ".join(COMPONENTS)))
            continue
        if missing and in_ci():
            n += 1
            failed += 1
            print("not ok %d - %s needs %s, not unpacked under %s (CI=true:"
                  " run tests/setup-components.sh)"
                  % (n, case, ", ".join(missing), cache_dir()))
            continue
        if missing:
            n += 1
            skipped += 1
            print("ok %d - %s # SKIP needs %s, not unpacked under %s (run "
                  "tests/setup-components.sh)"
                  % (n, case, ", ".join(missing), cache_dir()))
            continue
        del wrapper_problems[:]
        got = outputs(os.path.abspath(a.bannerlint), case)
        for case_, cmd, rc, err in wrapper_problems:
            n += 1
            failed += 1
            print("not ok %d - %s %s: %s reported a problem (exit %d)"
                  % (n, case_, cmd, WRAPPER[0], rc))
            for line in err.splitlines():
                print("# " + line)
        if wrapper_problems:
            continue
        if regen:
            shutil.rmtree(os.path.join(case, ".expect.fixed"),
                          ignore_errors=True)
            if "expect.diff" not in got and \
                    os.path.exists(os.path.join(case, "expect.diff")):
                os.unlink(os.path.join(case, "expect.diff"))
        if "idempotence" in got:
            n += 1
            failed += 1
            print("not ok %d - %s fix is not idempotent" % (n, case))
            for line in got.pop("idempotence").splitlines():
                print("# " + line)
        for name in expected_names(case):
            if name not in got:
                n += 1
                failed += 1
                print("not ok %d - %s %s: expected, but fix made none"
                      % (n, case, name))
        for name, text in got.items():
            n += 1
            path = os.path.join(case, name)
            binary = isinstance(text, bytes)
            if regen:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                if binary:
                    with open(path, "wb") as f:
                        f.write(text)
                else:
                    with open(path, "w", newline="") as f:
                        f.write(text)
            try:
                if binary:
                    with open(path, "rb") as f:
                        want = f.read()
                else:
                    with open(path, newline="") as f:
                        want = f.read()
            except FileNotFoundError:
                want = None
            if want == text:
                passed += 1
                print("ok %d - %s %s" % (n, case, name))
                continue
            failed += 1
            print("not ok %d - %s %s" % (n, case, name))
            if want is None:
                print("# missing %s (run with BANNERLINT_REGEN=1)" % path)
                continue
            if binary:
                want = want.decode("utf-8", "replace")
                text = text.decode("utf-8", "replace")
            for line in difflib.unified_diff(want.splitlines(),
                                             text.splitlines(),
                                             "expected", "got", lineterm=""):
                print("# " + line)
    print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped
                                      if skipped else ""))
    if failed:
        return 1
    return SKIP if skipped and not passed else 0


if __name__ == "__main__":
    sys.exit(main())

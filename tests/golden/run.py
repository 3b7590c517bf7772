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
SARIF's absolute repository root (originalUriBaseIds) is replaced by
"file:///REPO/" so the expectation holds on any machine.
The command runs with the case directory as working directory, so paths in
the output are relative to it.

BANNERLINT_WRAPPER (word-split) goes in front of every bannerlint command,
e.g. 'valgrind --error-exitcode=99 --leak-check=full --quiet' (what
`meson test --setup valgrind` sets, through tests/valgrind-wrapper.sh).
Exit status 99 or a valgrind report ("==PID==" lines) on standard error is
a failure of the case of its own, and the report is not compared.

  run.py --bannerlint BIN CASE_DIR...      compare
  BANNERLINT_REGEN=1 run.py ...            rewrite the expectations (review
                                           the diff before committing)
Prints TAP-like lines and a final "N passed, N failed"; exit 1 on failure.
"""
import argparse
import difflib
import os
import re
import shlex
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("cases", nargs="+")
    a = ap.parse_args()
    regen = os.environ.get("BANNERLINT_REGEN") == "1"
    passed = failed = n = 0
    for case in a.cases:
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
        for name, text in got.items():
            n += 1
            path = os.path.join(case, name)
            if regen:
                with open(path, "w", newline="") as f:
                    f.write(text)
            try:
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
            for line in difflib.unified_diff(want.splitlines(),
                                             text.splitlines(),
                                             "expected", "got", lineterm=""):
                print("# " + line)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

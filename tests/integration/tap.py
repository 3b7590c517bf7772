# SPDX-License-Identifier: BSD-2-Clause
"""tap.py - the TAP-like output every integration test of tests/integration/
prints: "ok N - what" / "not ok N - what" with "#   " detail lines, a late
plan "1..N" and the final line "N passed, N failed" that tests/run-all.sh
and .ci/run count."""

import os
import sys


class Tap:
    """ok / not ok lines, then a count; status 1 on any failure."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, cond, what, detail=""):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, what))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, what))
            for line in str(detail).splitlines():
                print("#   " + line)
        sys.stdout.flush()
        return cond

    def note(self, text):
        for line in text.splitlines():
            print("# " + line)
        sys.stdout.flush()

    def end(self):
        print("1..%d" % self.n)
        print("%d passed, %d failed" % (self.n - self.failed, self.failed))
        return 1 if self.failed else 0




def wrapper_check(tap, wrapper, problems):
    """one check that the --wrapper (valgrind) reported nothing in any
    run: problems holds (command, status, stderr) of those that did"""
    if not wrapper:
        return
    detail = ""
    for cmd, rc, err in problems[:5]:
        detail += "$ %s\nexit %d\n%s\n" % (cmd, rc, err[-3000:])
    tap.check(not problems, "%s reported nothing (%d runs with a "
              "report)" % (wrapper[0], len(problems)), detail)


def write(path, text):
    """text into path, its directories made"""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Rule catalogue checks (DESIGN.md section 9, suite `lint`).

  catalogue.py --bannerlint BIN --rules DIR --fixtures DIR

For every rule id that `bannerlint rules` lists (its first column):
  explain   `bannerlint explain ID` exits 0 and prints the id, more than 200
            characters, and at least one reference (a "- ..." line after
            "References:");
  fires     some fixture case fires it: `bannerlint check --format json
            [ARGS] .` run in the case directory (ARGS from the case's optional
            `args` file, as in the golden runner) lists it in findings[].rule;
            a case named rule-ID-fires, when there is one, must be among them;
  clean     the case rule-ID-clean exists, bannerlint accepts its
            configuration (exit 0 or 1, not 2) and the rule does not fire.
BL001 (unused-suppression) fires only on a '# bannerlint: disable=... --
reason' comment that suppresses nothing, so: "fires" is any case whose
findings include BL001, and "clean" is rule-BL001-clean if it exists, else any
case whose input holds a suppression comment and whose findings have no BL001
(a suppression that is used).

And for every rules/*.rules file, the strings libconfuse would change behind
the author's back:
  - in a double-quoted string, a backslash followed by anything but \\, ", n,
    t or a newline: libconfuse turns \\d into "d" (the backslash is silently
    dropped), \\1 or \\x41 into a byte, \\r \\b \\f \\a \\e into control
    characters; a regex backslash must be written \\\\;
  - "${" in a double-quoted string or an unquoted value: libconfuse
    substitutes the environment variable (an unknown one becomes "").
Single-quoted strings keep backslashes and "${" literally and are not flagged.
#, // and /* */ comments are skipped.

The fixtures root (--fixtures) holds one directory per dialect, each holding
case directories; every case of every dialect is considered. A case whose
JSON output cannot be parsed (e.g. args with --show-config) is listed as
"# not used" and serves as no fires/clean fixture; one where bannerlint exits
with another status than 0, 1, 2 or 3 fails.
Output: TAP-like lines, a late plan "1..N", and "N passed, N failed"; exit 1
on failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys

TIMEOUT = 120
EXPLAIN_MIN = 200
SUPPRESSION = re.compile(r"#\s*bannerlint:\s*disable(?:-file)?\s*=")
OK_ESCAPES = set('\\"nt\n')


class Tap:
    def __init__(self):
        self.n = 0
        self.passed = 0
        self.failed = 0

    def check(self, good, what, details=()):
        self.n += 1
        if good:
            self.passed += 1
            print("ok %d - %s" % (self.n, what))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, what))
            for d in details:
                for line in str(d).splitlines() or [""]:
                    print("#   " + line)

    def finish(self):
        print("1..%d" % self.n)
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def run(binary, args, cwd=None):
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env["NO_COLOR"] = "1"
    try:
        p = subprocess.run([binary] + args, cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return -1, "", "timed out after %d s" % TIMEOUT
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# fixtures


class Case:
    def __init__(self, dialect, name, path):
        self.dialect = dialect
        self.name = name
        self.path = path
        self.label = "%s/%s" % (dialect, name)
        self.rules = set()
        self.status = None
        self.error = None
        self.has_suppression = False


def case_args(path):
    f = os.path.join(path, "args")
    if not os.path.exists(f):
        return []
    with open(f) as fh:
        return [a for a in fh.read().split("\n") if a != ""]


def input_files(path):
    """The case's input files: everything but the expectations and args."""
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if d != "expect.fixed"]
        for fn in filenames:
            if fn.startswith("expect.") or fn in ("args", "formats"):
                continue
            yield os.path.join(dirpath, fn)


def load_cases(binary, fixtures):
    cases = []
    for dialect in sorted(os.listdir(fixtures)):
        d = os.path.join(fixtures, dialect)
        if not os.path.isdir(d) or dialect.startswith("."):
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if not os.path.isdir(path) or name.startswith("."):
                continue
            c = Case(dialect, name, path)
            rc, out, err = run(binary, ["check", "--format", "json"]
                               + case_args(path) + ["."], cwd=path)
            c.status = rc
            if rc not in (0, 1, 2, 3):
                c.error = "exit %d: %s" % (rc, err.strip()[-1000:])
            else:
                try:
                    doc = json.loads(out)
                    c.rules = {f.get("rule") for f in doc.get("findings", [])}
                except (ValueError, AttributeError) as e:
                    c.error = "check --format json printed no JSON (%s): %s" % (
                        e, (out.strip().splitlines() or [""])[0][:200])
            for f in input_files(path):
                try:
                    with open(f, encoding="utf-8", errors="replace") as fh:
                        if SUPPRESSION.search(fh.read()):
                            c.has_suppression = True
                            break
                except OSError:
                    pass
            cases.append(c)
    return cases


# ---------------------------------------------------------------------------
# explain


def check_explain(tap, binary, rid):
    rc, out, err = run(binary, ["explain", rid])
    problems = []
    if rc != 0:
        problems.append("exit %d: %s" % (rc, err.strip()))
    if rid not in out:
        problems.append("the text does not name %s" % rid)
    if len(out.strip()) <= EXPLAIN_MIN:
        problems.append("only %d characters (more than %d wanted)"
                        % (len(out.strip()), EXPLAIN_MIN))
    refs = []
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.strip().rstrip(":").lower() in ("references", "refs"):
            for ref in lines[i + 1:]:
                if not ref.strip():
                    break
                if re.match(r"\s*[-*]\s+\S", ref):
                    refs.append(ref.strip())
    if not refs:
        problems.append('no reference (no "- ..." line after "References:")')
    tap.check(not problems, "%s: explain text (%d characters, %d references)"
              % (rid, len(out.strip()), len(refs)), problems)


# ---------------------------------------------------------------------------
# fires / clean


def check_fixtures(tap, rid, cases):
    firing = [c for c in cases if rid in c.rules]
    by_name = {c.name: c for c in cases}
    fires_name = "rule-%s-fires" % rid
    clean_name = "rule-%s-clean" % rid

    # fires
    problems = []
    named = [c for c in cases if c.name == fires_name]
    for c in named:
        if c.error:
            problems.append("%s: %s" % (c.label, c.error))
        elif rid not in c.rules:
            problems.append("%s does not fire %s (findings: %s)"
                            % (c.label, rid, ", ".join(sorted(c.rules)) or "none"))
    if not firing:
        if rid == "BL001":
            problems.append("no fixture fires BL001: add a case (e.g. fixtures/postfix/"
                            "rule-BL001-fires) whose main.cf has a '# bannerlint: "
                            "disable=RULE -- reason' comment that suppresses nothing")
        else:
            problems.append("no fixture fires %s: add fixtures/<dialect>/%s" % (rid, fires_name))
    where = ", ".join(c.label for c in firing[:3]) + (" ..." if len(firing) > 3 else "")
    tap.check(not problems, "%s: a fixture fires it (%d: %s)" % (rid, len(firing), where or "none"),
              problems)

    # clean
    problems = []
    clean = by_name.get(clean_name)
    if clean is None and rid == "BL001":
        used = [c for c in cases if c.has_suppression and not c.error
                and "BL001" not in c.rules and c.status in (0, 1)]
        if used:
            tap.check(True, "BL001: a fixture with a used suppression does not fire it (%s)"
                      % used[0].label)
            return
        problems.append("no fixture with a used suppression: add a case (e.g. fixtures/postfix/"
                        "rule-BL001-clean) whose '# bannerlint: disable=RULE -- reason' "
                        "comment suppresses a finding that fires there")
    elif clean is None:
        problems.append("no fixture %s: add fixtures/<dialect>/%s where %s must not fire"
                        % (clean_name, clean_name, rid))
    else:
        if clean.error:
            problems.append("%s: %s" % (clean.label, clean.error))
        elif clean.status == 2:
            problems.append("%s: bannerlint rejects its configuration (exit 2), so it proves "
                            "nothing" % clean.label)
        if rid in clean.rules:
            problems.append("%s fires %s" % (clean.label, rid))
        if rid == "BL001" and not clean.has_suppression:
            problems.append("%s holds no '# bannerlint: disable=' comment" % clean.label)
    tap.check(not problems, "%s: %s does not fire it" % (rid, clean.label if clean else clean_name),
              problems)


# ---------------------------------------------------------------------------
# rule files


def scan_rules_file(text):
    """Problems as (line, column, description)."""
    out = []
    i = 0
    n = len(text)
    line = 1
    col_base = 0          # index of the first character of the current line

    def pos(k):
        return line, k - col_base + 1

    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            col_base = i + 1
            i += 1
        elif ch == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            end = n if j < 0 else j + 2
            for k in range(i, end):
                if text[k] == "\n":
                    line += 1
                    col_base = k + 1
            i = end
        elif ch == '"':
            start = pos(i)
            i += 1
            closed = False
            while i < n:
                c = text[i]
                if c == "\\":
                    nxt = text[i + 1] if i + 1 < n else ""
                    if nxt == "" or nxt not in OK_ESCAPES:
                        out.append(pos(i) + (
                            "backslash before %s in a double-quoted string: libconfuse "
                            "drops the backslash or turns the pair into another character "
                            "(a literal backslash is written \\\\)"
                            % ("the end of the file" if nxt == "" else repr(nxt)),))
                    if nxt == "\n":
                        line += 1
                        col_base = i + 2
                    i += 2
                    continue
                if c == "$" and text.startswith("${", i):
                    out.append(pos(i) + ('"${" in a double-quoted string: libconfuse replaces '
                                         '${NAME} with the environment variable NAME, or with '
                                         'nothing (in a regex write \\\\$\\\\{)',))
                if c == '"':
                    closed = True
                    i += 1
                    break
                if c == "\n":
                    line += 1
                    col_base = i + 1
                i += 1
            if not closed:
                out.append(start + ("unterminated double-quoted string",))
        elif ch == "'":
            start = pos(i)
            i += 1
            closed = False
            while i < n:
                c = text[i]
                if c == "\\" and i + 1 < n and text[i + 1] in "'\\":
                    i += 2
                    continue
                if c == "'":
                    closed = True
                    i += 1
                    break
                if c == "\n":
                    line += 1
                    col_base = i + 1
                i += 1
            if not closed:
                out.append(start + ("unterminated single-quoted string",))
        else:
            if ch == "$" and text.startswith("${", i):
                out.append(pos(i) + ('"${" in an unquoted value: libconfuse replaces ${NAME} '
                                     'with the environment variable NAME',))
            i += 1
    return out


def check_rule_files(tap, rules_dir):
    files = sorted(f for f in os.listdir(rules_dir) if f.endswith(".rules"))
    tap.check(bool(files), "rules directory holds *.rules files", [rules_dir])
    for fn in files:
        path = os.path.join(rules_dir, fn)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        problems = scan_rules_file(text)
        tap.check(not problems, "%s: no escapes or ${ that libconfuse would change" % fn,
                  ["%s:%d:%d: %s" % (fn, ln, col, what) for ln, col, what in problems])


# ---------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--rules", required=True, help="the rules/ directory")
    ap.add_argument("--fixtures", required=True,
                    help="the fixtures root (one directory per dialect)")
    a = ap.parse_args()
    a.bannerlint = os.path.realpath(a.bannerlint)
    tap = Tap()

    check_rule_files(tap, a.rules)

    rc, out, err = run(a.bannerlint, ["rules"])
    ids = []
    for line in out.splitlines():
        m = re.match(r"(BL\d{3})\s", line)
        if m:
            ids.append(m.group(1))
    tap.check(rc == 0 and ids, "bannerlint rules lists the catalogue (%d ids)" % len(ids),
              ["exit %d" % rc, err.strip()])
    if not ids:
        return tap.finish()

    cases = load_cases(a.bannerlint, a.fixtures)
    crashed = [c for c in cases if c.error and c.status not in (0, 1, 2, 3)]
    tap.check(not crashed, "bannerlint check --format json exits 0, 1, 2 or 3 on all %d fixture "
              "cases" % len(cases), ["%s: %s" % (c.label, c.error) for c in crashed])
    for c in cases:
        if c.error and c.status in (0, 1, 2, 3):
            # not this test's subject (sarif_validate.py reports machine-readable output);
            # the case just cannot serve as a fires/clean fixture
            print("# not used: %s: %s" % (c.label, c.error))

    for rid in ids:
        check_explain(tap, a.bannerlint, rid)
        check_fixtures(tap, rid, cases)

    # fixture names that refer to no rule in the catalogue
    listed = set(ids)
    strays = []
    for c in cases:
        m = re.match(r"rule-(BL\d{3})-(fires|clean)$", c.name)
        if m and m.group(1) not in listed:
            strays.append("%s names %s, which `bannerlint rules` does not list"
                          % (c.label, m.group(1)))
    tap.check(not strays, "every rule-ID-fires/clean fixture names a listed rule", strays)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())

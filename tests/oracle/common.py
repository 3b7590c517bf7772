"""Plumbing shared by the oracles in this directory (postfix_oracle.py,
exim_oracle.py, exim_debian_oracle.py, sendmail_oracle.py).

  Tap         the TAP-like report: "ok N - case: what", "ok N - ... # SKIP
              why", "not ok N - case: what (expected X, got Y)", "# ..."
              comments, a late plan "1..N" and a final line "N passed, N
              failed[, N skipped]"; exit status 1 on any failure.  With
              CI=true a missing component is a failure, not a skip.
  Case        one case's checks, collected while it runs (in a worker
              thread) and reported in order afterwards.
  run, Runner a process runner with a timeout; output decoded as UTF-8
              with surrogate escapes, so every byte survives.
  arg_parser  the options every oracle has (--bannerlint, --fixtures,
              --case, --jobs) around the script's own.
  run_cases   the thread pool over the cases.
  check_json, each_surface, diagnostics, check_error_reported
              the checks of bannerlint's JSON that every oracle makes.
  harness_file, copy_inputs, tree_files, git_toplevel, merge_checks
              golden case directories as input trees (fix_oracle.py and
              exim_debian_oracle.py).

Each script puts its own directory first on sys.path before importing this
module, so it works when run by absolute path from any directory (as meson
does).

Python 3 standard library only.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

TIMEOUT = 120
IN_CI = os.environ.get("CI") == "true"


def show(s):
    return json.dumps(s, ensure_ascii=False)


def decode(b):
    return b.decode("utf-8", errors="surrogateescape")


# ---------------------------------------------------------------- running --

def run(argv, env=None, cwd=None, stdin=None):
    """(exit status, stdout, stderr) of ARGV.  STDIN: bytes to feed it, else
    /dev/null; ENV: None inherits ours.  124 when it ran longer than
    TIMEOUT seconds, 127 when it could not be started."""
    try:
        p = subprocess.run(argv, input=stdin,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=cwd, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %ds: %s" % (TIMEOUT, argv)
    except OSError as e:
        return 127, "", "cannot run %s: %s" % (argv[0], e)
    return p.returncode, decode(p.stdout), decode(p.stderr)


class Runner:
    """Runs bannerlint and the judge in one environment (ENV None: ours)."""

    def __init__(self, bannerlint, env=None):
        self.bannerlint = bannerlint
        self.env = env

    def run(self, argv, stdin=None, cwd=None):
        return run(argv, env=self.env, cwd=cwd, stdin=stdin)

    def bannerlint_json(self, args, cwd=None):
        """`bannerlint show --format json ARGS...`: (rc, document or None,
        stdout, stderr)."""
        rc, out, err = self.run([self.bannerlint, "show", "--format", "json"]
                                + list(args), cwd=cwd)
        try:
            doc = json.loads(out) if out.strip() else None
        except ValueError:
            doc = None
        return rc, doc, out, err


# ------------------------------------------------------------------ a case --

class Case:
    def __init__(self, name, path, builtin=False):
        self.name = name
        self.path = path
        self.builtin = builtin    # built at run time (Debian), not a fixture
        self.checks = []          # (status, what, detail)  status: ok|fail|skip
        self.comments = []

    def ok(self, what):
        self.checks.append(("ok", what, None))

    def fail(self, what, expected, got):
        self.checks.append(("fail", what,
                            "expected %s, got %s" % (expected, got)))

    def skip(self, what, reason):
        self.checks.append(("skip", what, reason))

    def check(self, what, expected, got):
        if expected == got:
            self.ok(what)
        else:
            self.fail(what, show(expected), show(got))

    def note(self, text):
        self.comments.append(text)


def case_dirs(fixtures, single=None, hidden=True):
    """[(name, path)] of the case directories under FIXTURES (sorted); FIXTURES
    itself when it holds the file SINGLE; dot directories only if HIDDEN."""
    if single and os.path.isfile(os.path.join(fixtures, single)):
        return [(os.path.basename(fixtures), fixtures)]
    if not os.path.isdir(fixtures):
        return []
    return [(d, os.path.join(fixtures, d)) for d in sorted(os.listdir(fixtures))
            if os.path.isdir(os.path.join(fixtures, d))
            and (hidden or not d.startswith("."))]


def run_cases(fn, cases, jobs):
    """FN(case) for every case, JOBS at a time; the results in case order."""
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        return list(pool.map(fn, cases))


# --------------------------------------------------------------- the report --

class Tap:
    """The numbered report.  SUMMARY false: finish() prints neither the plan
    nor the final line (a --dump run)."""

    def __init__(self, summary=True):
        sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
        self.n = {"ok": 0, "fail": 0, "skip": 0}
        self.summary = summary

    def emit(self, status, text, detail=None):
        num = sum(self.n.values()) + 1
        if status == "ok":
            self.n["ok"] += 1
            print("ok %d - %s" % (num, text))
        elif status == "skip":
            self.n["skip"] += 1
            print("ok %d - %s # SKIP %s" % (num, text, detail))
        else:
            self.n["fail"] += 1
            print("not ok %d - %s (%s)" % (num, text, detail))
        sys.stdout.flush()

    def finish(self):
        """The plan and the counts; the exit status."""
        if self.summary:
            print("1..%d" % sum(self.n.values()))
            tail = ", %d skipped" % self.n["skip"] if self.n["skip"] else ""
            print("%d passed, %d failed%s" % (self.n["ok"], self.n["fail"], tail))
        return 1 if self.n["fail"] else 0

    def missing(self, what):
        """A component the oracle needs is not there: a failure with CI=true,
        else a skip."""
        if IN_CI:
            self.emit("fail", "setup: %s" % what, "required when CI=true")
        else:
            self.emit("skip", "setup: %s" % what, "not available outside CI")

    def bannerlint(self, path):
        """The absolute path of the bannerlint binary, or None (reported
        as missing)."""
        if not path or not (os.path.isfile(path) and os.access(path, os.X_OK)):
            self.missing("bannerlint binary %s exists" % path)
            return None
        return os.path.abspath(path)

    def skip_debian(self, given, what, report=True):
        """True when --skip-debian was GIVEN: a failure with CI=true, else a
        skip (reported only when REPORT)."""
        if not given:
            return False
        if IN_CI:
            self.emit("fail", "setup: %s" % what, "--skip-debian is refused when CI=true")
        elif report:
            self.emit("skip", "setup: %s" % what, "--skip-debian")
        return True

    def no_cases(self, fixtures):
        self.emit("fail", "setup: case directories under %s" % fixtures,
                  "expected at least one, got none")

    def unknown_cases(self, names):
        for u in sorted(names):
            self.emit("fail", "setup: case %s" % u, "expected it to exist, got nothing")

    def only(self, cases, wanted):
        """The cases named in WANTED (--case), all when it is empty; a name
        that is no case fails."""
        if not wanted:
            return cases
        self.unknown_cases(wanted - {c.name for c in cases})
        return [c for c in cases if c.name in wanted]

    def report(self, cases):
        """Each case's comments, then its checks, as "CASE: what"."""
        for c in cases:
            for text in c.comments:
                print("# %s: %s" % (c.name, text))
            for status, what, detail in c.checks:
                self.emit(status, "%s: %s" % (c.name, what), detail)


# -------------------------------------------------------------- arguments --

def arg_parser(doc, fixtures, case, inputs=(), after_case=(), after_jobs=(),
               required=True, bannerlint="the bannerlint binary"):
    """--bannerlint, --fixtures, INPUTS, --case, AFTER_CASE, --jobs,
    AFTER_JOBS (each a list of (flag, add_argument keywords)), in that order
    in --help; the description is the first paragraph of DOC."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--bannerlint", required=required, help=bannerlint)
    ap.add_argument("--fixtures", required=required, help=fixtures)
    for flag, kw in inputs:
        ap.add_argument(flag, **kw)
    ap.add_argument("--case", action="append", default=[], help=case)
    for flag, kw in after_case:
        ap.add_argument(flag, **kw)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    for flag, kw in after_jobs:
        ap.add_argument(flag, **kw)
    return ap


# ----------------------------------------------------- bannerlint's JSON --

def check_json(case, rc, doc, out, err, mta, exits, prefix=""):
    """EXITS ("bannerlint exits 0 like ...") and the JSON document: the
    surfaces of MTA, or None when there is no document.  PREFIX starts
    every check's and note's text."""
    case.check(prefix + exits, 0, rc)
    if rc != 0 and err.strip():
        case.note("%sbannerlint stderr: %s" % (prefix, err.strip().splitlines()[0]))
    if not isinstance(doc, dict):
        case.fail(prefix + "bannerlint prints JSON", "a JSON object", show(out[:200]))
        return None
    case.check(prefix + "JSON version", 1, doc.get("version"))
    return [s for s in doc.get("surfaces", []) or []
            if isinstance(s, dict) and s.get("mta") == mta]


def each_surface(case, exp, surfaces):
    """For every expected (scope, key) -> kind of EXP, main scope first, that
    bannerlint reports exactly once: (scope, key, kind, label, surface).
    Missing or doubled ones fail, and once the loop is done so does every
    surface that is not expected."""
    got = {}
    for s in surfaces:
        got.setdefault((s.get("scope"), s.get("key")), []).append(s)
    for (scope, key) in sorted(exp, key=lambda k: (k[0] != "main", k)):
        label = "%s %s" % (scope, key)
        ss = got.get((scope, key), [])
        if len(ss) != 1:
            case.fail("%s surface present" % label, "exactly one surface",
                      "%d" % len(ss))
            continue
        yield scope, key, exp[(scope, key)], label, ss[0]
    for (scope, key), ss in sorted(got.items(), key=str):
        if (scope, key) not in exp:
            case.fail("unexpected surface %s %s" % (scope, key), "none",
                      show(ss[0].get("value")))


def diagnostics(doc):
    """bannerlint's diagnostics, and those of them at level error."""
    diags = doc.get("diagnostics", []) if isinstance(doc, dict) else []
    diags = [x for x in diags if isinstance(x, dict)]
    return diags, [x for x in diags if x.get("level") == "error"]


def check_unread(case, unread, rc, doc, who, directive):
    """The MTA's tool failed only on an include of an absolute path that is
    not here (unread = (file, line, path)): on the server it exists, so
    bannerlint must exit 3 (unverified) with a note at the include line
    naming the path."""
    efile, eline, path = unread
    case.note("%s cannot open %s (absolute, not here): unverified"
              % (who, path))
    case.check("bannerlint exits 3 (unverified) when an absolute include "
               "is not here", 3, rc)
    diags, _ = diagnostics(doc)
    hit = [x for x in diags if x.get("level") == "note" and
           x.get("line") == eline and path in str(x.get("message")) and
           os.path.basename(str(x.get("file"))) == os.path.basename(efile)]
    what = "note at the %s line %d naming %s" % (directive, eline, path)
    if hit:
        case.ok(what)
    else:
        case.fail(what, "a note there", show(diags))


def check_error_reported(case, diags, errs, stderr):
    """When the judge names no line: any error (diagnostic or on stderr)."""
    if errs or re.search(r"\berror\b", stderr):
        case.ok("bannerlint reports an error diagnostic")
    else:
        case.fail("bannerlint reports an error diagnostic",
                  "a diagnostic with level error", show(diags or stderr.strip()))


# ------------------------------------------------ golden cases as inputs --

HARNESS_FILES = ("args", "fix-args", "formats", "needs")


def harness_file(rel):
    """Files of the test harnesses, not inputs: the golden runner's expect.*
    (.expect.fixed/ with everything in it), args, fix-args, formats, needs
    at the top of a case directory.  REL is relative to the case."""
    first = rel.split(os.sep, 1)[0]
    return first.startswith("expect.") or first.startswith(".expect.") or \
        rel in HARNESS_FILES


def copy_inputs(case_dir, dest):
    """Copy the input files of a golden case (not its harness files) to
    DEST, symbolic links as links."""
    for dirpath, dirnames, filenames in os.walk(case_dir):
        rel = os.path.relpath(dirpath, case_dir)
        if rel != "." and harness_file(rel):
            dirnames[:] = []
            continue
        tdir = os.path.normpath(os.path.join(dest, rel))
        os.makedirs(tdir, exist_ok=True)
        for name in list(dirnames):
            src = os.path.join(dirpath, name)
            if os.path.islink(src):      # os.walk does not descend into it
                if not harness_file(os.path.normpath(os.path.join(rel, name))):
                    os.symlink(os.readlink(src), os.path.join(tdir, name))
        for fn in filenames:
            if harness_file(os.path.normpath(os.path.join(rel, fn))):
                continue
            dst = os.path.join(tdir, fn)
            if os.path.lexists(dst):
                os.remove(dst)
            shutil.copy2(os.path.join(dirpath, fn), dst, follow_symlinks=False)


def tree_files(root, skip=(".git",)):
    """{relative path: bytes, or ("symlink", target)} of every file under
    ROOT (directories named in SKIP are left out)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames + [d for d in dirnames
                                 if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("symlink", os.readlink(p))
            else:
                with open(p, "rb") as f:
                    out[rel] = f.read()
    return out


def git_toplevel(path):
    """The root of the git work tree holding PATH, or None."""
    rc, out, _ = run(["git", "-C", path, "rev-parse", "--show-toplevel"])
    return out.strip() if rc == 0 and out.strip() else None


def merge_checks(case, sub, prefix):
    """SUB's checks and comments into CASE, each text after PREFIX."""
    for text in sub.comments:
        case.note(prefix + text)
    for status, what, detail in sub.checks:
        case.checks.append((status, prefix + what, detail))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""SARIF validation: bannerlint's SARIF output must pass Microsoft's SARIF
Multitool (`sarif-multitool validate`) with no error-level result, and the
SARIF 2.1.0 JSON schema.

  sarif_validate.py --bannerlint BIN --fixtures DIR --multitool PATH
                    [--schema FILE] [--root DIR] [--keep]

--fixtures is the fixtures root (fixtures/ holding one directory per dialect,
each holding case directories). For every case directory this runs
`bannerlint check --format sarif [ARGS] .` with the case directory as the
working directory (ARGS from the case's optional `args` file, one per line, as
the golden runner does), and once per dialect
`bannerlint check --format sarif fixtures/DIALECT` from the repository root
(--root, default: the parent of --fixtures), a run with many instances in one
log; and the same with an absolute path, once to the dialect's directory and
once to a copy of it outside the repository (a temporary directory), whose
URIs are absolute file:// URIs. Each output goes to a temporary .sarif file.

The multitool: all the files are validated in ONE call (`validate IN...
--output OUT.sarif --log ForceOverwrite`): it starts slowly (about 1.5 s per
call), so one call is several times faster than one call per file. It exits 0
even when its input is invalid: the verdict is read from OUT.sarif. A case
fails when OUT.sarif holds a result of level "error" for its file (printed with
rule id, message and position), when bannerlint exits with another status than
0, 1, 2 or 3, prints nothing or prints something that is not JSON, or when the
multitool did not scan every file. Warning-level results do not fail; they are
printed once at the end, grouped by rule and message.

A self-check goes into every multitool call: a copy of one output without
runs[0].tool.driver, which must get an error. Multitool 5.7.0 has a blind spot
that makes this necessary: a log it cannot deserialize (a result with
"level": "bogus", say) gets no result at all, AND every other file of the same
call loses its results too, with exit 0 and "Analysis completed successfully".
When the control is not flagged, the files are split in halves and validated
again until the files that silence the multitool are found; each is a failure.

The schema: every log is also checked against the SARIF 2.1.0 JSON schema
(--schema; default: sarif-2.1.0.json shipped beside the multitool's binary,
which the multitool also uses) by a small validator for the keywords that
schema uses (type, enum, required, properties, additionalProperties, items,
minItems, uniqueItems, minimum, maximum, pattern, format, anyOf, oneOf, $ref).
That catches what the multitool silently skips, such as an invalid enum value.
An unknown keyword in the schema is an error, never a silent pass.

The .NET binary inside the npm package needs libicu unless
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 is set; this script sets it. Given the
npm wrapper node_modules/.bin/sarif-multitool, the script runs the platform
binary next to it directly (no node needed, no shell quoting).

A missing multitool: with CI=true in the environment a failure, otherwise a
skip (exit 77, meson's skip status). Install it with tests/setup-components.sh.

Output: TAP-like "ok N - ..." / "not ok N - ..." lines, "# ..." comments, a late
plan "1..N", and a final line "N passed, N failed". Exit 1 on failure, else 0.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

SKIP = 77
BANNERLINT_TIMEOUT = 120
MULTITOOL_TIMEOUT = 1800


def in_ci():
    return os.environ.get("CI", "") in ("true", "TRUE", "True", "1", "yes")


class Tap:
    def __init__(self):
        self.n = 0
        self.passed = 0
        self.failed = 0

    def ok(self, what):
        self.n += 1
        self.passed += 1
        print("ok %d - %s" % (self.n, what))

    def not_ok(self, what, details=()):
        self.n += 1
        self.failed += 1
        print("not ok %d - %s" % (self.n, what))
        for d in details:
            for line in str(d).splitlines() or [""]:
                print("#   " + line)

    def finish(self):
        print("1..%d" % self.n)
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.stdout.flush()
        return 1 if self.failed else 0


def comment(text):
    for line in str(text).splitlines() or [""]:
        print("# " + line)


# ---------------------------------------------------------------------------
# The multitool


def multitool_env():
    env = dict(os.environ)
    # the self-contained .NET binary aborts without libicu unless this is set
    env["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1"
    env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    env["DOTNET_NOLOGO"] = "1"
    return env


def resolve_multitool(path):
    """The command to run: the native binary behind the npm wrapper when it
    is there, else PATH itself."""
    real = os.path.realpath(path)
    if os.path.basename(real) == "bin.js":
        scope = os.path.dirname(os.path.dirname(real))   # node_modules/@microsoft
        native = os.path.join(scope, "sarif-multitool-linux", "Sarif.Multitool")
        if sys.platform.startswith("linux") and os.path.isfile(native) \
                and os.access(native, os.X_OK):
            return native
    return path


def multitool_version(cmd):
    try:
        p = subprocess.run([cmd, "--version"], env=multitool_env(),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    if p.returncode != 0 or "SARIF Multitool" not in out:
        return None, "exit %d: %s" % (p.returncode, out.strip()[-2000:])
    return out.strip().splitlines()[0], None


def uri_to_path(uri):
    u = urllib.parse.urlparse(uri)
    if u.scheme == "file":
        return os.path.realpath(urllib.parse.unquote(u.path))
    if u.scheme == "" or len(u.scheme) == 1:          # a plain path
        return os.path.realpath(urllib.parse.unquote(uri))
    return None


def format_message(result, rule):
    msg = result.get("message") or {}
    text = msg.get("text")
    if text is None:
        strings = (rule or {}).get("messageStrings") or {}
        text = (strings.get(msg.get("id")) or {}).get("text")
        if text is None:
            return "%s %s" % (msg.get("id"), msg.get("arguments"))
    args = msg.get("arguments") or []

    def arg(m):                           # .NET format: {N}, {{ and }}
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        i = int(m.group(1))
        return str(args[i]) if i < len(args) else m.group(0)
    return re.sub(r"\{\{|\}\}|\{(\d+)\}", arg, text).replace("\r\n", "\n").strip()


class Finding:
    def __init__(self, level, rule_id, message, path, line, column):
        self.level = level
        self.rule_id = rule_id
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def where(self):
        if self.line:
            return "line %s, column %s" % (self.line, self.column or "?")
        return "no position"


def parse_validation(out_path):
    """Findings of the multitool's output log, and problems of the run."""
    with open(out_path, encoding="utf-8-sig") as f:
        log = json.load(f)
    findings = []
    problems = []
    for run in log.get("runs") or []:
        rules = ((run.get("tool") or {}).get("driver") or {}).get("rules") or []
        by_id = {r.get("id"): r for r in rules}
        for inv in run.get("invocations") or []:
            if inv.get("executionSuccessful") is False:
                problems.append("the multitool reports executionSuccessful: false")
            for n in (inv.get("toolExecutionNotifications") or []) + \
                    (inv.get("toolConfigurationNotifications") or []):
                level = n.get("level", "warning")
                text = (n.get("message") or {}).get("text", "")
                if level == "error":
                    problems.append("multitool notification: %s" % text)
                else:
                    comment("multitool %s notification: %s" % (level, text))
        for r in run.get("results") or []:
            idx = r.get("ruleIndex")
            rule = rules[idx] if isinstance(idx, int) and 0 <= idx < len(rules) \
                else by_id.get(r.get("ruleId"))
            level = r.get("level") or \
                ((rule or {}).get("defaultConfiguration") or {}).get("level") or \
                "warning"
            if r.get("kind") not in (None, "fail"):
                level = "none"
            path = line = column = None
            for loc in r.get("locations") or []:
                pl = loc.get("physicalLocation") or {}
                uri = (pl.get("artifactLocation") or {}).get("uri")
                if uri:
                    path = uri_to_path(uri)
                region = pl.get("region") or {}
                line = region.get("startLine")
                column = region.get("startColumn")
                break
            findings.append(Finding(level, r.get("ruleId", "?"),
                                    format_message(r, rule), path, line, column))
    return findings, problems


def validate(cmd, inputs, outdir, tag):
    """Run `validate` on INPUTS in one call; return (findings or None,
    problems, files scanned or None, seconds)."""
    out = os.path.join(outdir, "validation-%s.sarif" % tag)
    argv = [cmd, "validate"] + inputs + ["--output", out, "--log", "ForceOverwrite"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, env=multitool_env(), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=MULTITOOL_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, ["sarif-multitool validate timed out after %d s" % MULTITOOL_TIMEOUT], \
            None, time.monotonic() - t0
    except OSError as e:
        return None, ["cannot run %s: %s" % (cmd, e)], None, time.monotonic() - t0
    secs = time.monotonic() - t0
    text = (p.stdout + p.stderr).decode("utf-8", "replace")
    if p.returncode != 0:
        return None, ["sarif-multitool validate exited %d:\n%s"
                      % (p.returncode, text.strip()[-3000:])], None, secs
    m = re.search(r"Done\.\s+(\d+)\s+files?\s+scanned", text)
    scanned = int(m.group(1)) if m else None
    if not os.path.exists(out):
        return None, ["sarif-multitool validate wrote no %s:\n%s"
                      % (out, text.strip()[-3000:])], scanned, secs
    try:
        findings, problems = parse_validation(out)
    except (OSError, ValueError) as e:
        return None, ["cannot read the multitool's output %s: %s" % (out, e)], scanned, secs
    return findings, problems, scanned, secs


class Validator:
    """Multitool calls with the control log in each; bisects when the
    control is not flagged (see the module documentation)."""

    def __init__(self, cmd, control, outdir):
        self.cmd = cmd
        self.control = os.path.realpath(control)
        self.outdir = outdir
        self.calls = 0
        self.seconds = 0.0
        self.findings = {}       # real path -> [Finding]
        self.silencers = []      # files that make the multitool report nothing
        self.problems = []       # fatal problems of the runs
        self.control_seen = 0    # calls whose control got an error

    def run(self, files):
        if not files:
            return
        self.calls += 1
        inputs = files + [self.control]
        findings, problems, scanned, secs = validate(self.cmd, inputs, self.outdir,
                                                     str(self.calls))
        self.seconds += secs
        if findings is None:
            self.problems.extend(problems)
            return
        self.problems.extend(problems)
        if scanned is not None and scanned != len(inputs):
            self.problems.append("sarif-multitool scanned %d of the %d files given"
                                 % (scanned, len(inputs)))
        by_path = {}
        for fd in findings:
            by_path.setdefault(fd.path, []).append(fd)
        ctl = by_path.pop(self.control, [])
        if any(fd.level == "error" for fd in ctl):
            self.control_seen += 1
            for path, fds in by_path.items():
                self.findings.setdefault(path, []).extend(fds)
            return
        if len(files) <= 1:
            self.silencers.extend(files)
            return
        half = len(files) // 2
        self.run(files[:half])
        self.run(files[half:])


# ---------------------------------------------------------------------------
# A JSON schema validator for the keywords of the SARIF 2.1.0 schema


class SchemaUnsupported(Exception):
    pass


IGNORED_KEYWORDS = {"description", "default", "title", "$schema", "id", "$id",
                    "definitions", "$comment", "deprecated", "examples"}
FORMATS = {
    "uri": re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"),
    "uri-reference": re.compile(r"^[^\s]*$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?"
                            r"([Zz]|[+-]\d{2}:\d{2})$"),
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
}


def type_ok(value, t):
    if t == "object":
        return isinstance(value, dict)
    if t == "array":
        return isinstance(value, list)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "null":
        return value is None
    raise SchemaUnsupported("type %r" % t)


class Schema:
    def __init__(self, path):
        with open(path, encoding="utf-8-sig") as f:
            self.root = json.load(f)
        self.path = path
        self.patterns = {}

    def resolve(self, ref):
        if not ref.startswith("#"):
            raise SchemaUnsupported("$ref %r" % ref)
        node = self.root
        for part in ref[1:].split("/"):
            if part == "":
                continue
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, instance, limit=25):
        out = []
        self._check(instance, self.root, "$", out)
        return out[:limit] + (["... %d more" % (len(out) - limit)] if len(out) > limit else [])

    def _ok(self, instance, schema, path):
        out = []
        self._check(instance, schema, path, out)
        return not out

    def _check(self, v, sc, path, out):
        if sc is True or sc == {}:
            return
        if sc is False:
            out.append("%s: not allowed here" % path)
            return
        if "$ref" in sc:                      # draft-04: siblings of $ref are ignored
            self._check(v, self.resolve(sc["$ref"]), path, out)
            return
        for k in sc:
            if k not in IGNORED_KEYWORDS and k not in (
                    "type", "enum", "required", "properties", "additionalProperties",
                    "items", "minItems", "uniqueItems", "minimum", "maximum", "pattern",
                    "format", "anyOf", "oneOf"):
                raise SchemaUnsupported("keyword %r at %s" % (k, path))
        if "type" in sc:
            types = sc["type"] if isinstance(sc["type"], list) else [sc["type"]]
            if not any(type_ok(v, t) for t in types):
                out.append("%s: %s is not of type %s" % (path, json.dumps(v)[:80], "/".join(types)))
                return
        if "enum" in sc and not any(v == e and type(v) is type(e) for e in sc["enum"]):
            out.append("%s: %s is not one of %s" % (path, json.dumps(v)[:80], json.dumps(sc["enum"])))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in sc and v < sc["minimum"]:
                out.append("%s: %s is less than the minimum %s" % (path, v, sc["minimum"]))
            if "maximum" in sc and v > sc["maximum"]:
                out.append("%s: %s is more than the maximum %s" % (path, v, sc["maximum"]))
        if isinstance(v, str):
            if "pattern" in sc:
                rx = self.patterns.get(sc["pattern"])
                if rx is None:
                    rx = self.patterns[sc["pattern"]] = re.compile(sc["pattern"])
                if not rx.search(v):
                    out.append("%s: %s does not match %s" % (path, json.dumps(v)[:80], sc["pattern"]))
            fmt = sc.get("format")
            if fmt is not None:
                if fmt not in FORMATS:
                    raise SchemaUnsupported("format %r" % fmt)
                if not FORMATS[fmt].match(v):
                    out.append("%s: %s is not a valid %s" % (path, json.dumps(v)[:80], fmt))
        if isinstance(v, dict):
            for r in sc.get("required", []):
                if r not in v:
                    out.append("%s: the required property %r is missing" % (path, r))
            props = sc.get("properties", {})
            extra = sc.get("additionalProperties", True)
            for k, val in v.items():
                sub = "%s.%s" % (path, k)
                if k in props:
                    self._check(val, props[k], sub, out)
                elif extra is False:
                    out.append("%s: property %r is not allowed" % (path, k))
                elif isinstance(extra, dict):
                    self._check(val, extra, sub, out)
        if isinstance(v, list):
            if "minItems" in sc and len(v) < sc["minItems"]:
                out.append("%s: fewer than %d items" % (path, sc["minItems"]))
            if sc.get("uniqueItems"):
                seen = set()
                for item in v:
                    key = json.dumps(item, sort_keys=True)
                    if key in seen:
                        out.append("%s: duplicate item %s" % (path, key[:80]))
                        break
                    seen.add(key)
            if "items" in sc:
                if not isinstance(sc["items"], dict):
                    raise SchemaUnsupported("items as %s at %s" % (type(sc["items"]).__name__, path))
                for i, item in enumerate(v):
                    self._check(item, sc["items"], "%s[%d]" % (path, i), out)
        if "anyOf" in sc and not any(self._ok(v, alt, path) for alt in sc["anyOf"]):
            out.append("%s: matches none of the anyOf alternatives %s"
                       % (path, json.dumps(sc["anyOf"])[:160]))
        if "oneOf" in sc:
            n = sum(1 for alt in sc["oneOf"] if self._ok(v, alt, path))
            if n != 1:
                out.append("%s: matches %d of the oneOf alternatives (exactly 1 wanted)" % (path, n))


def default_schema(cmd):
    cand = os.path.join(os.path.dirname(os.path.realpath(cmd)), "sarif-2.1.0.json")
    return cand if os.path.isfile(cand) else None


# ---------------------------------------------------------------------------
# bannerlint


def case_args(case):
    path = os.path.join(case, "args")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [a for a in f.read().split("\n") if a != ""]


def run_bannerlint(binary, cwd, args, out_path):
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env["NO_COLOR"] = "1"
    try:
        p = subprocess.run([binary, "check", "--format", "sarif"] + args,
                           cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=BANNERLINT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "bannerlint timed out after %d s" % BANNERLINT_TIMEOUT
    except OSError as e:
        return "cannot run bannerlint: %s" % e
    with open(out_path, "wb") as f:
        f.write(p.stdout)
    if p.returncode not in (0, 1, 2, 3):
        return "bannerlint exited %d (expected 0, 1, 2 or 3)\n%s" % (
            p.returncode, p.stderr.decode("utf-8", "replace").strip()[-2000:])
    if not p.stdout.strip():
        return "bannerlint printed nothing (exit %d)\n%s" % (
            p.returncode, p.stderr.decode("utf-8", "replace").strip()[-2000:])
    try:
        json.loads(p.stdout.decode("utf-8"))
    except ValueError as e:
        first = p.stdout.decode("utf-8", "replace").lstrip().splitlines()[0]
        return ("standard output is not JSON (%s); it starts with: %s%s"
                % (e, first[:200], "\nargs: " + " ".join(args[:-1]) if args[:-1] else ""))
    return None


def list_cases(fixtures):
    cases = []
    for dialect in sorted(os.listdir(fixtures)):
        d = os.path.join(fixtures, dialect)
        if not os.path.isdir(d) or dialect.startswith("."):
            continue
        for case in sorted(os.listdir(d)):
            if os.path.isdir(os.path.join(d, case)) and not case.startswith("."):
                cases.append((dialect, case))
    return cases


def self_check_input(src, dst):
    """A copy of SRC without runs[0].tool.driver: must be an error."""
    try:
        with open(src, encoding="utf-8") as f:
            log = json.load(f)
        del log["runs"][0]["tool"]["driver"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        log = {"version": "2.1.0", "runs": [{"tool": {}}]}
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(log, f, indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--fixtures", required=True,
                    help="the fixtures root (one directory per dialect)")
    ap.add_argument("--multitool", required=True,
                    help="sarif-multitool (node_modules/.bin/sarif-multitool)")
    ap.add_argument("--schema",
                    help="SARIF 2.1.0 JSON schema (default: the one beside the multitool; "
                    "'none' to skip)")
    ap.add_argument("--root", help="repository root (default: parent of --fixtures)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory and print its name")
    a = ap.parse_args()

    tap = Tap()
    fixtures = os.path.realpath(a.fixtures)
    root = os.path.realpath(a.root or os.path.dirname(fixtures))
    binary = os.path.realpath(a.bannerlint)

    # --- the multitool
    if not os.path.exists(a.multitool):
        why = ("sarif-multitool not found at %s: run tests/setup-components.sh "
               "(npm install @microsoft/sarif-multitool into tests/.cache/npm)" % a.multitool)
        if in_ci():
            tap.not_ok("sarif-multitool is installed (CI=true: a missing validator is a failure)",
                       [why])
            return tap.finish()
        print("1..0 # SKIP " + why)
        print("0 passed, 0 failed, 1 skipped")
        return SKIP
    cmd = resolve_multitool(a.multitool)
    version, err = multitool_version(cmd)
    if version is None:
        tap.not_ok("sarif-multitool runs", ["%s --version failed: %s" % (cmd, err)])
        return tap.finish()
    comment("validator: %s (%s)" % (version, cmd))
    schema = None
    schema_path = a.schema or default_schema(cmd)
    if schema_path and schema_path != "none":
        try:
            schema = Schema(schema_path)
        except (OSError, ValueError) as e:
            tap.not_ok("the SARIF schema loads", ["%s: %s" % (schema_path, e)])
            return tap.finish()
        comment("schema: %s" % schema_path)
    else:
        comment("schema: none (no sarif-2.1.0.json beside the multitool)")

    if not os.path.isdir(fixtures):
        tap.not_ok("fixtures directory exists", [fixtures])
        return tap.finish()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        tap.not_ok("bannerlint binary exists", [binary])
        return tap.finish()

    tmp = tempfile.mkdtemp(prefix="bannerlint-sarif.")
    try:
        # --- bannerlint's outputs
        items = []        # (label, sarif path, bannerlint problem or None)
        t0 = time.monotonic()
        for dialect, case in list_cases(fixtures):
            cdir = os.path.join(fixtures, dialect, case)
            out = os.path.join(tmp, "case.%s.%s.sarif" % (dialect, case))
            err = run_bannerlint(binary, cdir, case_args(cdir) + ["."], out)
            items.append(("%s/%s" % (dialect, case), out, err))
        for dialect in sorted({d for d, _ in list_cases(fixtures)}):
            rel = os.path.relpath(os.path.join(fixtures, dialect), root)
            out = os.path.join(tmp, "tree.%s.sarif" % dialect)
            err = run_bannerlint(binary, root, [rel], out)
            items.append(("%s (all instances, from %s)" % (rel, root), out, err))
        # absolute paths: inside the repository (URIs relative to SRCROOT) and
        # outside it (absolute file:// URIs without uriBaseId, SARIF1004), as
        # CI passes $GITHUB_WORKSPACE/... or a server's /etc/postfix
        outside = os.path.join(tmp, "outside")
        shutil.copytree(fixtures, outside, symlinks=True)
        for dialect in sorted({d for d, _ in list_cases(fixtures)}):
            for label, path in (("outside", os.path.join(outside, dialect)),
                                ("inside", os.path.join(fixtures, dialect))):
                out = os.path.join(tmp, "abs.%s.%s.sarif" % (label, dialect))
                err = run_bannerlint(binary, root, [path], out)
                items.append(("%s (absolute path %s the repository)" % (path, label),
                              out, err))
        comment("bannerlint wrote %d SARIF logs in %.1f s" % (len(items), time.monotonic() - t0))
        if not items:
            tap.not_ok("there are fixture cases", [fixtures])
            return tap.finish()

        control = os.path.join(tmp, "self-check.missing-driver.sarif")
        self_check_input(items[0][1], control)

        # --- the schema
        schema_errors = {}
        if schema is not None:
            try:
                for path in [control] + [p for _, p, err in items if err is None]:
                    with open(path, encoding="utf-8") as f:
                        schema_errors[path] = schema.errors(json.load(f))
            except SchemaUnsupported as e:
                tap.not_ok("the schema %s uses only keywords this script checks" % schema.path,
                           ["unsupported: %s" % e])
                schema_errors = {}
            else:
                if schema_errors.pop(control):
                    tap.ok("schema self-check: a log without tool.driver is rejected")
                else:
                    tap.not_ok("schema self-check: a log without tool.driver is rejected")

        # --- the multitool: one call for all, bisected if the control goes silent
        v = Validator(cmd, control, tmp)
        valid = [p for _, p, err in items if err is None]
        # logs that break the schema may silence the multitool for a whole call:
        # validate each of them alone, and the others together
        suspects = [p for p in valid if schema_errors.get(p)]
        v.run([p for p in valid if not schema_errors.get(p)])
        for p in suspects:
            v.run([p])
        comment("sarif-multitool validated %d files in %d call(s) in %.1f s"
                % (len(valid), v.calls, v.seconds))
        if v.problems:
            tap.not_ok("sarif-multitool validate runs cleanly", v.problems)
            if not v.control_seen and not v.silencers:
                return tap.finish()
        if v.control_seen:
            tap.ok("validator self-check: a log without tool.driver is rejected")
        silencers = {os.path.realpath(p) for p in v.silencers}

        # --- per case
        warnings = {}     # (rule, normalised message) -> [labels]
        known = set()
        for label, path, err in items:
            rp = os.path.realpath(path)
            known.add(rp)
            mine = v.findings.get(rp, [])
            details = []
            if err is not None:
                details.append(err)
            if rp in silencers:
                details.append("sarif-multitool reports nothing for this log, and nothing for "
                               "any other log validated in the same call (not even the "
                               "self-check): it cannot read something in it, e.g. an invalid "
                               "enum value; see the schema errors, if any")
            for fd in mine:
                if fd.level == "error":
                    details.append("%s: %s (%s of the SARIF log)" % (fd.rule_id, fd.message, fd.where()))
                elif fd.level == "warning":
                    key = (fd.rule_id, re.sub(r"\[\d+\]", "[*]", fd.message))
                    warnings.setdefault(key, []).append(label)
            for e in schema_errors.get(path, []):
                details.append("schema: %s" % e)
            if details:
                tap.not_ok(label, details + ["log: %s%s" % (path, "" if a.keep else
                                                             " (rerun with --keep to keep it)")])
            else:
                tap.ok(label)

        stray = [fd for p, fds in v.findings.items() if p not in known for fd in fds
                 if fd.level == "error"]
        if stray:
            tap.not_ok("validation results that name no input file",
                       ["%s %s: %s (%s)" % (fd.path, fd.rule_id, fd.message, fd.where())
                        for fd in stray])

        # --- warnings, once, summarised
        if warnings:
            comment("")
            comment("warning-level results of sarif-multitool (not failures; improve the "
                    "SARIF output):")
            for (rule_id, msg), labels in sorted(warnings.items()):
                comment("warning %s in %d of %d logs: %s" % (rule_id, len(labels), len(items), msg))
        else:
            comment("sarif-multitool: no warning-level results")
        if a.keep:
            comment("kept: %s" % tmp)
        return tap.finish()
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Exim oracle: bannerlint's computed surfaces must equal what Exim computes.

Usage:
    exim_oracle.py --bannerlint PATH/TO/bannerlint --fixtures fixtures/exim \
        [--exim PATH/TO/exim4]

For every case directory under --fixtures (a directory holding exim.conf and,
where the case needs them, the files it includes), plus one case built at run
time from Debian's exim4-config package (exim4.conf.template as exim.conf),
this script runs `bannerlint show --format json .` inside the case directory
and Exim itself (`exim4 -C /abs/path/exim.conf ...`, unpacked from Debian's
exim4-daemon-light, never installed or started), and compares them.  See
tests/oracle/README.md.

What is compared:
  banner, scope "main", key "smtp_banner":
    configured  `exim -bP smtp_banner` without its "smtp_banner = " prefix.
                -bP prints the stored string (after macro substitution and
                quote processing, before expansion) through Exim's
                string_printing(): bytes outside 0x20-0x7e are shown as
                \\n \\r \\t \\b \\v \\f or \\ooo; backslashes are not escaped.
                The same transformation is applied to bannerlint's string.
    value       the text of the 220 lines of `exim -bh 192.0.2.1` (a
                simulated SMTP session), joined with "\\n": what a client
                sees, including a connect ACL's "accept message" and Exim's
                trimming of trailing whitespace.
    greeting    the 220 lines themselves ("220-...", "220 ..."), joined with
                "\\n", CRs removed.
    origin      the entry for smtp_banner: "default": true when the
                configuration does not set it, else the file and line where
                it is set.  Exim names that line itself: a copy of the case
                with "smtp_banner = probe" prepended to exim.conf makes Exim
                report "option set for the second time" at the real
                definition (the last physical line of a continued one; any
                line of that logical line is accepted).  When acl_smtp_connect
                is set (its "accept message" may replace the banner), an
                origin without a smtp_banner entry is accepted too.
  helo, scope "transport/NAME", key "helo_data", for every transport of
  `exim -bP transport_list` whose driver (`-bP transport NAME`) is smtp or
  lmtp, and no other transport:
    configured  the "helo_data = " line of `exim -bP transport NAME`
                ($primary_hostname when unset).  The lmtp driver has no
                helo_data option: its LHLO always sends $primary_hostname
                (transports/lmtp.c), so that is the expected value there.
    value       `exim -be CONFIGURED` (the expansion with no message or host
                context), unless bannerlint's value holds a placeholder other
                than the ones below (e.g. <expansion> for a string that needs
                $host): then reported as "# SKIP" with the placeholder.
  Placeholders in bannerlint's value and greeting are replaced first:
    <version_number>, <exim_version>  the version of `exim -bV` (e.g. 4.96);
    <system-hostname>  `exim -bP primary_hostname` of an empty configuration
                (what Exim uses when primary_hostname is unset);
    <tod_full>, <date>  the date in the case's own -bh greeting (Exim's
                tod_full format "Tue, 24 Nov 2026 00:55:37 +0000"), in order.
  Bad configurations: when any of the Exim commands fails (-bP/-be: non-zero
  exit or "Exim configuration error"; -bh: non-zero exit or no 220 line, e.g.
  a failed smtp_banner expansion), bannerlint must exit 2 and report an
  error diagnostic, at the file and line Exim names when it names one
  (exactly that line: the last physical line of a continued one, as Exim
  counts lines; for ".endif missing", also the line of the unterminated
  .ifdef/.ifndef).  A case is named bad-* exactly when
  Exim rejects it.

Comparisons are exact: Exim keeps whitespace (unlike postconf), so no
normalisation is applied.

Output: TAP-like "ok N - case: what" / "not ok N - case: what (expected X,
got Y)" lines, "# ..." comments, a late plan "1..N", and a final line
"N passed, N failed[, N skipped]".
Exit 1 on any failure, else 0.  With CI=true in the environment a missing
exim binary, bannerlint binary or Debian package, or not running as root, is
a failure, not a skip.

Python 3 standard library only.
"""

import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import (Case, Tap, arg_parser, case_dirs,  # noqa: E402
                    check_error_reported, check_json, decode, diagnostics,
                    each_surface, run_cases, show)
import common  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CACHE = os.environ.get("BANNERLINT_CACHE_DIR") or os.path.join(ROOT, "tests", ".cache")
DEFAULT_EXIM = os.path.join(CACHE, "pkgs", "exim4-daemon-light", "usr", "sbin", "exim4")
DEBIAN_TEMPLATE = os.path.join(CACHE, "pkgs", "exim4-config", "etc", "exim4",
                               "exim4.conf.template")

HELO_DRIVERS = ("smtp", "lmtp")
CLIENT_IP = "192.0.2.1"
# Exim's tod_full (tod.c): "%a, " "%02d " "%b %Y %H:%M:%S" " %+03d%02d"
TOD_FULL = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} "
                      r"\d{2}:\d{2}:\d{2} [+-]\d{4}")
TOD_PLACEHOLDERS = ("<tod_full>", "<date>")
PLACEHOLDER = re.compile(r"<[A-Za-z_][A-Za-z0-9_-]*>")
CONFIG_ERROR = re.compile(r"Exim configuration error in line (\d+) of (.+?):\s*\n\s*(.*)")
CONFIG_ERROR_NOLINE = re.compile(r"Exim configuration error:\s*\n\s*(.*)")
NOT_DISPLAYABLE = "<value not displayable>"
NOT_ROOT_REASON = ("not root: Exim shows hidden options as <value not displayable>; "
                   "run as root")


def exim_printing(s):
    """Exim's string_printing() (string.c), as -bP applies it: every byte
    outside 0x20-0x7e becomes \\n \\r \\b \\v \\f \\t or \\ooo."""
    if not isinstance(s, str):
        return s
    special = {0x0a: "\\n", 0x0d: "\\r", 0x08: "\\b", 0x0b: "\\v",
               0x0c: "\\f", 0x09: "\\t"}
    out = []
    for b in s.encode("utf-8", errors="surrogateescape"):
        if 0x20 <= b <= 0x7e:
            out.append(chr(b))
        elif b in special:
            out.append(special[b])
        else:
            out.append("\\%03o" % b)
    return "".join(out)


# ---------------------------------------------------------------- running --

class Runner(common.Runner):
    def __init__(self, exim, bannerlint):
        super().__init__(bannerlint)
        self.exim = exim

    def ex(self, conf, *args, stdin=None):
        return self.run([self.exim, "-C", conf] + list(args), stdin=stdin)


def exim_failed(rc, err):
    """-bP/-be: a non-zero exit or a configuration error.  (-bh is judged by
    its exit status and its 220 line: it also logs harmless "LOG:" lines,
    e.g. a failed reverse lookup of the client address.)"""
    return rc != 0 or "Exim configuration error" in err


def error_of(err):
    """Exim's error message, and the file and line it names (if any)."""
    m = CONFIG_ERROR.search(err)
    if m:
        return m.group(3).strip(), m.group(2), int(m.group(1))
    m = CONFIG_ERROR_NOLINE.search(err)
    if m:
        return m.group(1).strip(), None, None
    for ln in err.splitlines():
        if ln.startswith("LOG: ") and len(ln) > 5 and not ln.startswith("LOG: PANIC"):
            return ln[5:].strip(), None, None
    lines = [ln.strip() for ln in err.splitlines()
             if ln.strip() and not ln.startswith(">>>")]
    return (lines[-1] if lines else "(no message)"), None, None


def bp_value(out, name):
    """The value of a `-bP NAME` line ("NAME = value"), without the final
    newline; None when the output has no such line."""
    prefix = name + " ="
    for ln in out.split("\n"):
        if ln == prefix:
            return ""
        if ln.startswith(prefix + " "):
            return ln[len(prefix) + 1:]
    return None


def greeting_lines(out):
    """The 220 lines of an `exim -bh` session's output, CRs removed."""
    lines = []
    for ln in out.split("\n"):
        ln = ln[:-1] if ln.endswith("\r") else ln
        if ln.startswith("220-"):
            lines.append(ln)
        elif ln.startswith("220 ") or ln == "220":
            lines.append(ln)
            break
    return lines


class Exim:
    """Everything Exim says about one configuration file."""

    def __init__(self, r, conf):
        self.r, self.conf = r, conf
        self.errors = []          # (what, rc, stderr)
        self.banner = None        # -bP smtp_banner value
        self.transports = {}      # name -> (driver, helo_data or None)
        self.greeting = []        # the 220 lines
        self.connect_acl = None   # -bP acl_smtp_connect
        rc, out, err = r.ex(conf, "-bP", "smtp_banner")
        if exim_failed(rc, err):
            self.errors.append(("exim -bP smtp_banner", rc, err))
            return
        self.banner = bp_value(out, "smtp_banner")
        if self.banner is None:
            self.errors.append(("exim -bP smtp_banner (output)", 0,
                                "no 'smtp_banner = ' line in %r" % out))
        rc, out, err = r.ex(conf, "-bP", "transport_list")
        if exim_failed(rc, err):
            self.errors.append(("exim -bP transport_list", rc, err))
            return
        for name in [ln.strip() for ln in out.splitlines() if ln.strip()]:
            rc, tout, err = r.ex(conf, "-bP", "transport", name)
            if exim_failed(rc, err):
                self.errors.append(("exim -bP transport %s" % name, rc, err))
                return
            self.transports[name] = (bp_value(tout, "driver"),
                                     bp_value(tout, "helo_data"))
        rc, out, err = r.ex(conf, "-bh", CLIENT_IP, stdin=b"QUIT\r\n")
        self.greeting = greeting_lines(out)
        if rc != 0 or not self.greeting:
            if rc == 0:
                err = "no 220 line in the -bh session: %r" % out[-300:]
            self.errors.append(("exim -bh %s" % CLIENT_IP, rc, err))
        rc, out, err = r.ex(conf, "-bP", "acl_smtp_connect")
        self.connect_acl = bp_value(out, "acl_smtp_connect") if rc == 0 else None

    def expand(self, s):
        return self.r.ex(self.conf, "-be", s)


def expected_surfaces(ex):
    exp = {("main", "smtp_banner"): "banner"}
    for name, (driver, _) in ex.transports.items():
        if driver in HELO_DRIVERS:
            exp[("transport/%s" % name, "helo_data")] = "helo"
    return exp


# ------------------------------------------------------------------ a case --

def read_lines(path):
    try:
        with open(path, "rb") as f:
            return decode(f.read()).split("\n")
    except OSError:
        return None


def logical_start(lines, n):
    """First physical line (1-based) of the logical line that ends on line n:
    walk back over lines ending in a backslash (trailing blanks ignored), and
    over comment lines and "." directives (.include, .ifdef, ...) between
    them, which Exim handles at the physical-line level."""
    start, k = n, n - 1
    while k >= 1 and k <= len(lines):
        s = lines[k - 1].rstrip(" \t\r\f\v")
        if s.lstrip(" \t").startswith(("#", ".")):
            k -= 1
            continue
        if s.endswith("\\"):
            start = k
            k -= 1
            continue
        break
    return start


def unterminated_ifs(lines):
    """1-based lines of .ifdef/.ifndef without a matching .endif."""
    stack = []
    for i, ln in enumerate(lines):
        s = ln.strip()
        if re.match(r"\.if(n?def)\b", s):
            stack.append(i + 1)
        elif re.match(r"\.endif\b", s) and stack:
            stack.pop()
    return stack


def same_file(case_dir, reported, exim_file):
    if not reported:
        return False
    p = reported if os.path.isabs(reported) else os.path.join(case_dir, reported)
    return os.path.realpath(p) == os.path.realpath(exim_file)


def accepted_lines(msg, efile, eline):
    """The lines an error Exim reports at EFILE line ELINE may be at: that
    line, the last physical line of the logical line it read (Exim counts
    lines as it reads them); for ".endif missing" (at the end of the file)
    also the unterminated .ifdef/.ifndef."""
    lines = read_lines(efile) or []
    ok = {eline}
    if ".endif missing" in msg:
        ok.update(unterminated_ifs(lines))
    return ok


def banner_origin_line(r, case_dir):
    """Where Exim says smtp_banner is set: (file, last line) or None when it
    is not set.  A scratch copy of the case gets "smtp_banner = probe" as its
    first line, so Exim's "set for the second time" names the real one."""
    tmp = tempfile.mkdtemp(prefix="exim-oracle-origin-")
    try:
        copy = os.path.join(tmp, "case")
        shutil.copytree(case_dir, copy, symlinks=True)
        conf = os.path.join(copy, "exim.conf")
        with open(conf, "rb") as f:
            data = f.read()
        with open(conf, "wb") as f:
            f.write(b"smtp_banner = probe\n" + data)
        rc, out, err = r.ex(conf, "-bP", "smtp_banner")
        m = CONFIG_ERROR.search(err)
        if m and "option set for the second time" in m.group(3):
            efile, eline = m.group(2), int(m.group(1))
            rel = os.path.relpath(os.path.realpath(efile), os.path.realpath(copy))
            if rel == "exim.conf":
                eline -= 1
            return ("ok", os.path.join(case_dir, rel), eline)
        if not exim_failed(rc, err) and bp_value(out, "smtp_banner") == "probe":
            return ("default", None, None)
        msg, _, _ = error_of(err)
        return ("error", msg, None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def subst(value, sysvals, tods):
    if not isinstance(value, str):
        return value
    for ph, real in sysvals.items():
        value = value.replace(ph, real)
    for ph in TOD_PLACEHOLDERS:
        i = 0
        while ph in value and i < len(tods):
            value = value.replace(ph, tods[i], 1)
            i += 1
    return value


def unknown_placeholders(value, sysvals):
    if not isinstance(value, str):
        return []
    known = set(sysvals) | set(TOD_PLACEHOLDERS)
    return sorted(set(p for p in PLACEHOLDER.findall(value) if p not in known))


def run_case(r, sysvals, case):
    d = case.path
    conf = os.path.join(d, "exim.conf")
    if not os.path.isfile(conf):
        case.fail("has exim.conf", "an exim.conf file", "none")
        return case
    ex = Exim(r, conf)

    rc, doc, out, err = r.bannerlint_json(["."], cwd=d)

    bad_name = case.name.startswith("bad-")
    unread = unread_include(ex, d)
    if not case.builtin:
        case.check("exim %s the case (a case is named bad-* exactly when exim "
                   "rejects it)" % ("rejects" if bad_name else "accepts"),
                   bad_name, bool(ex.errors) and unread is None)

    if unread is not None:
        common.check_unread(case, unread, rc, doc, 'exim', '.include')
        return case
    if ex.errors:
        check_bad(case, ex, d, rc, doc, err)
        return case

    surfaces = check_json(case, rc, doc, out, err, "exim",
                          "bannerlint exits 0 like exim")
    if surfaces is None:
        return case

    exp = expected_surfaces(ex)
    want_scopes = sorted(s for s, _ in exp if s != "main")
    got_scopes = sorted({str(s.get("scope")) for s in surfaces
                         if s.get("scope") != "main"})
    case.check("transport scopes match exim's smtp/lmtp transports",
               want_scopes, got_scopes)

    tods = TOD_FULL.findall("\n".join(ex.greeting))
    for scope, key, kind, label, s in each_surface(case, exp, surfaces):
        case.check("%s kind" % label, kind, s.get("kind"))
        f = s.get("file")
        fpath = None if not isinstance(f, str) else (
            f if os.path.isabs(f) else os.path.join(d, f))
        inside = fpath is not None and os.path.isfile(fpath) and \
            not os.path.relpath(os.path.realpath(fpath),
                                os.path.realpath(d)).startswith("..")
        if inside:
            case.ok("%s file is one of the case's files" % label)
        else:
            case.fail("%s file is one of the case's files" % label,
                      "a file under the case directory", show(f))
        if scope == "main":
            compare_banner(r, case, ex, s, label, sysvals, tods)
        else:
            compare_helo(case, ex, s, scope[len("transport/"):], label, sysvals)
    return case


UNREAD = re.compile(r"failed to open included configuration file (/\S+)")


def unread_include(ex, d):
    """Exim's first error is an absolute .include that is not there: on
    the server that file exists, so bannerlint must call the run unverified
    (exit 3, a note at the .include line), not broken.  (file, line, path)
    or None."""
    if not ex.errors:
        return None
    _, _, eerr = ex.errors[0]
    msg, efile, eline = error_of(eerr)
    m = UNREAD.search(msg)
    if m is None or eline is None or os.path.exists(m.group(1)):
        return None
    # exim names a relative include by its full path: only an include
    # written as an absolute path counts (a relative one is the repo's)
    path = efile if os.path.isabs(efile) else os.path.join(d, efile)
    lines = read_lines(path)
    if not lines or eline > len(lines) or not re.match(
            r"\s*\.include(_if_exists)?\s+/", lines[eline - 1]):
        return None
    return efile, eline, m.group(1)


def check_bad(case, ex, d, rc, doc, stderr):
    what, erc, eerr = ex.errors[0]
    msg, efile, eline = error_of(eerr)
    shown = msg.replace(d + "/", "")
    case.note("exim fails (%s, exit %d): %s%s" % (
        what, erc, shown,
        "" if eline is None else " [%s line %d]" % (
            os.path.relpath(efile, d) if os.path.isabs(efile) else efile, eline)))
    case.check("bannerlint exits 2 like exim (%s)" % shown, 2, rc)
    diags, errs = diagnostics(doc)
    if eline is None:
        check_error_reported(case, diags, errs, stderr)
        return
    ok_lines = accepted_lines(msg, efile, eline)
    rel = os.path.relpath(efile, d) if os.path.isabs(efile) else efile
    where = "%s line %s" % (rel, eline if len(ok_lines) == 1 else
                            "%d (or %s)" % (eline, ", ".join(
                                str(n) for n in sorted(ok_lines - {eline}))))
    hit = [x for x in errs if x.get("line") in ok_lines and
           same_file(d, x.get("file"), efile)]
    stderr_hit = any(
        re.search(r"(^|[\s/])%s:%d:(\d+:)?\s*error" % (
            re.escape(os.path.basename(efile)), n), stderr, re.M)
        for n in ok_lines)
    if hit or stderr_hit:
        case.ok("error diagnostic at %s" % where)
    else:
        got = ["%s:%s: %s" % (x.get("file"), x.get("line"), x.get("level"))
               for x in diags]
        case.fail("error diagnostic at %s" % where, show("error at " + where),
                  show(got or stderr.strip()))


def compare_banner(r, case, ex, s, label, sysvals, tods):
    conf_got = s.get("configured")
    if ex.banner == NOT_DISPLAYABLE:
        case.skip("%s configured (exim -bP)" % label, NOT_ROOT_REASON)
    else:
        case.check("%s configured (exim -bP)" % label, ex.banner,
                   exim_printing(conf_got))
    text = "\n".join(ln[4:] for ln in ex.greeting)
    case.check("%s value (exim -bh)" % label, text,
               subst(s.get("value"), sysvals, tods))
    case.check("%s greeting (exim -bh)" % label, "\n".join(ex.greeting),
               subst(s.get("greeting"), sysvals, tods))
    # origin of smtp_banner itself
    what = "%s origin of smtp_banner" % label
    entries = [o for o in (s.get("origin") or []) if isinstance(o, dict)
               and o.get("key") == "smtp_banner"]
    status, ofile, oline = banner_origin_line(r, case.path)
    if status == "error":
        case.fail(what, "exim to locate smtp_banner in a probe copy", show(ofile))
        return
    if not entries:
        if ex.connect_acl:
            case.ok(what + " (none: acl_smtp_connect = %s may replace the "
                    "banner)" % ex.connect_acl)
        else:
            case.fail(what, "an origin entry for smtp_banner", show(s.get("origin")))
        return
    if status == "default":
        if any(o.get("default") is True for o in entries):
            case.ok(what + " (default)")
        else:
            case.fail(what, show("default: true"), show(entries))
        return
    ok_lines = set(range(logical_start(read_lines(ofile) or [], oline), oline + 1))
    rel = os.path.relpath(ofile, case.path)
    where = "%s line %s" % (rel, oline if len(ok_lines) == 1 else
                            "%d-%d" % (min(ok_lines), oline))
    if any(not o.get("default") and o.get("line") in ok_lines and
           same_file(case.path, o.get("file"), ofile) for o in entries):
        case.ok("%s (%s)" % (what, where))
    else:
        case.fail(what, show(where), show(entries))


def compare_helo(case, ex, s, name, label, sysvals):
    driver, helo = ex.transports[name]
    if helo is None:
        if driver == "lmtp":
            helo = "$primary_hostname"
            what = "%s configured (lmtp driver: LHLO $primary_hostname)" % label
        else:
            case.fail("%s configured (exim -bP transport %s)" % (label, name),
                      "a helo_data line from exim", "none")
            return
    else:
        what = "%s configured (exim -bP transport %s)" % (label, name)
    if helo == NOT_DISPLAYABLE:
        case.skip(what, NOT_ROOT_REASON)
        return
    case.check(what, helo, exim_printing(s.get("configured")))

    value = s.get("value")
    unknown = unknown_placeholders(value, sysvals)
    what = "%s value (exim -be)" % label
    if unknown:
        case.skip(what, "bannerlint's value %s holds %s: only known at "
                  "connection time" % (show(value), ", ".join(unknown)))
        return
    rc, out, err = ex.expand(helo)
    if exim_failed(rc, err):
        msg, _, _ = error_of(err)
        case.fail(what, "exim -be to expand %s" % show(helo), show(msg))
        return
    case.check(what, out[:-1] if out.endswith("\n") else out,
               subst(value, sysvals, []))


# ------------------------------------------------------------ Debian case --

def debian_case(workdir):
    """A scratch case from Debian's exim4.conf.template, or a reason."""
    if not os.path.isfile(DEBIAN_TEMPLATE):
        return None, "%s not found (run tests/setup-components.sh)" % DEBIAN_TEMPLATE
    cd = os.path.join(workdir, "cases", "debian-exim4-conf-template")
    os.makedirs(cd)
    shutil.copy(DEBIAN_TEMPLATE, os.path.join(cd, "exim.conf"))
    return Case("debian-exim4-conf-template", cd, builtin=True), None


# ------------------------------------------------------------------- main --

def find_exim(tap, given):
    """The absolute path of the exim binary (GIVEN, else the unpacked one,
    else exim4 or exim from PATH), or None (reported as missing)."""
    exim = given
    if not exim:
        for c in (DEFAULT_EXIM, shutil.which("exim4"), shutil.which("exim")):
            if c and os.access(c, os.X_OK):
                exim = c
                break
    if not exim or not os.path.isfile(exim) or not os.access(exim, os.X_OK):
        tap.missing("exim binary found (%s; run tests/setup-components.sh)" %
                    (exim or DEFAULT_EXIM))
        return None
    return os.path.abspath(exim)


def machine_values(tap, r, workdir):
    """What Exim computes from the machine (an empty configuration in
    WORKDIR): the placeholders {"<version_number>": ..., "<exim_version>":
    ..., "<system-hostname>": ...}, or None (reported as a failure)."""
    empty = os.path.join(workdir, "empty.conf")
    with open(empty, "w") as f:
        f.write("# empty configuration: every option at its default\n")
    rc, out, err = r.ex(empty, "-bV")
    m = re.search(r"^Exim version (\S+)", out, re.M)
    if rc != 0 or not m:
        tap.emit("fail", "setup: %s -bV" % r.exim, "exit %d: %s" % (
            rc, (err.strip() or out.strip())[:300]))
        return None
    version = m.group(1)
    rc, out, err = r.ex(empty, "-bP", "primary_hostname")
    host = bp_value(out, "primary_hostname")
    if rc != 0 or host is None:
        tap.emit("fail", "setup: %s -bP primary_hostname" % r.exim,
                 "exit %d: %s" % (rc, (err.strip() or out.strip())[:300]))
        return None
    return {"<version_number>": version, "<exim_version>": version,
            "<system-hostname>": host}


def main():
    args = arg_parser(
        __doc__,
        fixtures="directory of case directories (e.g. fixtures/exim)",
        inputs=[("--exim", dict(
            default=None,
            help="exim binary (default: the one tests/setup-components.sh "
                 "unpacks, %s; else exim4 or exim from PATH)" %
                 os.path.relpath(DEFAULT_EXIM, ROOT)))],
        case="run only this case (repeatable; the Debian case is "
             "debian-exim4-conf-template)",
        after_case=[("--skip-debian", dict(
            action="store_true",
            help="do not build the case from Debian's exim4-config "
                 "(refused when CI=true)"))]).parse_args()
    tap = Tap()

    exim = find_exim(tap, args.exim)
    if not exim:
        return tap.finish()
    bl = tap.bannerlint(args.bannerlint)
    if not bl:
        return tap.finish()
    if os.geteuid() != 0:
        tap.missing("running as root (%s)" % NOT_ROOT_REASON)
    r = Runner(exim, bl)

    workdir = tempfile.mkdtemp(prefix="exim-oracle-")
    try:
        sysvals = machine_values(tap, r, workdir)
        if sysvals is None:
            return tap.finish()
        print("# exim %s (%s); placeholders: %s, <tod_full>/<date> from each "
              "greeting" % (sysvals["<exim_version>"], exim, ", ".join(
                  "%s=%s" % kv for kv in sysvals.items())))

        cases = [Case(n, d) for n, d in
                 case_dirs(os.path.abspath(args.fixtures), single="exim.conf")]
        if not cases:
            tap.no_cases(args.fixtures)
            return tap.finish()

        wanted = set(args.case)
        debian_wanted = not wanted or "debian-exim4-conf-template" in wanted
        if not tap.skip_debian(args.skip_debian, "Debian package case",
                               report=not wanted) and debian_wanted:
            dc, why = debian_case(workdir)
            if dc:
                print("# Debian case from %s" % os.path.relpath(DEBIAN_TEMPLATE, ROOT))
                cases.append(dc)
            else:
                tap.missing("Debian exim4-config package (%s)" % why)
        cases = tap.only(cases, wanted)

        tap.report(run_cases(lambda c: run_case(r, sysvals, c), cases, args.jobs))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())

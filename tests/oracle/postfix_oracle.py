#!/usr/bin/env python3
"""Postfix oracle: bannerlint's computed surfaces must equal what postconf computes.

Usage:
    postfix_oracle.py --bannerlint PATH/TO/bannerlint --fixtures fixtures/postfix

For every case directory under --fixtures (a directory holding main.cf and
optionally master.cf), plus two cases built at run time from Debian's postfix
package (main.cf.debian + master.cf.dist, main.cf.dist + master.cf.dist), this
script runs `bannerlint show --format json DIR` and Postfix's own `postconf`
on the same directory, and compares them.  See tests/oracle/README.md.

What is compared, per surface (scope "main" and every master.cf service whose
command is smtpd, postscreen, smtp or lmtp):
  configured  main: `postconf -c DIR -h KEY`; service: the SERVICE/TYPE/KEY line
              of `postconf -c DIR -P` if there is one, else `postconf -h KEY`.
  value       main: `postconf -c DIR -xh KEY`; service: the SERVICE/TYPE/KEY line
              of `postconf -c DIR -xP` if there is one (postconf evaluates it in
              the service's context, including the read-only $service_name that
              `postconf -o` cannot set), else
              `postconf -c DIR -o K1=V1 -o K2=V2 ... -xh KEY` with the service's
              overrides as bannerlint reports them.  bannerlint's placeholders
              <system-hostname>, <system-domain>, <mail_version> are replaced by
              `postconf -d -h myhostname|mydomain|mail_version` first.
  overrides   the service's JSON "overrides" (last one wins per key) must equal
              its `postconf -P` lines.
  origin      the entry for KEY itself names the right source: a built-in default
              when `postconf -n` / `-P` do not list KEY, else main.cf at the line
              of KEY's last definition, or master.cf inside the service's entry.
  greeting    smtpd_banner surfaces: "220 " + value (placeholders replaced
              as for value).
Also: the set of service scopes equals the smtpd/postscreen/smtp/lmtp services
of `postconf -c DIR -M` (command = first word of the 8th field), and bannerlint
exits 0 when postconf accepts the configuration, 2 when postconf dies with a
fatal error; then bannerlint must report an error diagnostic, at the line
postconf names when it names one.

Whitespace: postconf collapses every run of blanks, tabs and CRs to one space
on output and strips both ends (the daemons keep the whitespace; see
postconf/postconf_print.c).  The same normalisation is applied to bannerlint's
side of every comparison, so whitespace that is only kept verbatim inside a
value cannot be judged by this oracle (the golden tests do that).

Documented exceptions (reported as "# SKIP" lines, never silently):
  * postconf 3.7.11 mis-normalises an attached "-oNAME=VALUE" in master.cf
    (`-omyhostname=sub.example.com` comes out of -P/-M as "-o myh",
    "-o stname=sub.example.c", "-o m").  For a service using that form the
    comparisons against that -P output are skipped, and the same comparisons
    are made against `postconf -P`/`-xP` of a scratch copy whose entry is
    rewritten to the separate "-o NAME=VALUE" form.
  * An override value that `postconf -o` refuses ("invalid parameter
    override") or ignores ("read-only parameter assignment") cannot be
    evaluated by postconf: that value comparison is skipped.

Output: TAP-like "ok N - case: what" / "not ok N - case: what (expected X,
got Y)" lines, "# ..." comments, a late plan "1..N", and a final line
"N passed, N failed[, N skipped]".
Exit 1 on any failure, else 0.  With CI=true in the environment a missing
postconf, bannerlint or Debian package is a failure, not a skip.

Python 3 standard library only.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Case, Tap, arg_parser, case_dirs,  # noqa: E402
                    check_error_reported, check_json, decode, diagnostics,
                    each_surface, run_cases, show)
import common  # noqa: E402

MAIN_SURFACES = [("banner", "smtpd_banner"),
                 ("helo", "smtp_helo_name"),
                 ("helo", "lmtp_lhlo_name")]
# master.cf command -> (surface kind, parameter)
SERVICE_SURFACES = {"smtpd": ("banner", "smtpd_banner"),
                    "postscreen": ("banner", "postscreen_greet_banner"),
                    "smtp": ("helo", "smtp_helo_name"),
                    "lmtp": ("helo", "lmtp_lhlo_name")}
MAIN_KEYS = ["smtpd_banner", "smtp_helo_name", "lmtp_lhlo_name",
             "postscreen_greet_banner"]
SERVICE_TYPES = ("inet", "unix", "unix-dgram", "fifo", "pass")
P_LINE = re.compile(r"^(.*)/(%s)/(\S+) =(?: (.*))?$" % "|".join(
    re.escape(t) for t in SERVICE_TYPES))
FATAL_LOCATION = re.compile(r"([^\s:,]+)(?:,|:) line (\d+)")

TEMPLATE_REASON = ("a case named template-* is a configuration-management "
                   "template: postconf reads its template expressions as "
                   "literal text, the server sees the rendered file")
ATTACHED_O_REASON = ("postconf 3.7.11 -P mis-normalises attached -oNAME=VALUE "
                     "(e.g. -omyhostname=x.example comes out as '-o myh', "
                     "'-o stname=...'); compared against -P of a copy rewritten "
                     "to '-o NAME=VALUE' instead")


def norm(s):
    """postconf's output whitespace rule: runs of blank/tab/CR(/LF) -> one
    space, both ends stripped.  Form feed and vertical tab are kept, as
    postconf keeps them."""
    if s is None:
        return None
    return re.sub(r"[ \t\r\n]+", " ", s).strip(" ")


# ---------------------------------------------------------------- running --

class Runner(common.Runner):
    def __init__(self, postconf, bannerlint, postmap=None, daemon_dir=None):
        super().__init__(bannerlint, env={k: v for k, v in os.environ.items()
                                          if k != "MAIL_CONFIG"})
        self.postconf = postconf
        self.postmap = postmap
        self.daemon_dir = daemon_dir

    def pc(self, d, *args):
        return self.run([self.postconf, "-c", d] + list(args))

    def with_config(self, d, argv):
        """ARGV run with MAIL_CONFIG=D, as the daemons find their main.cf."""
        env = dict(self.env)
        env["MAIL_CONFIG"] = d
        return common.run(argv, env=env)

    def postmap_check(self, d):
        """Postfix's start-up check of its global parameters
        (mail_params_init), which postconf does not run: `MAIL_CONFIG=D
        postmap -q a inline:{a=b}` answers "b" when every program would
        start.  (rc, stderr)."""
        rc, out, err = self.with_config(
            d, [self.postmap, "-q", "a", "inline:{a=b}"])
        if rc == 0 and out.strip() != "b":
            return 1, "postmap answered %r, not 'b'" % out
        return rc, err

    def client_check(self, d, cmd, overrides):
        """The smtp(8)/lmtp(8) client's own start-up check (its parameter
        tables, e.g. smtp_helo_name's minimum length 1): `MAIL_CONFIG=D
        DAEMON_DIR/CMD -S -o K=V ...` with standard input at end of file
        reads its configuration, then the (empty) delivery request, and
        exits 0; it exits 1 at once on a fatal configuration error (the
        message goes to syslog only).  (rc, what)."""
        argv = [os.path.join(self.daemon_dir, cmd), "-S"]
        for k, v in overrides:
            argv += ["-o", "%s=%s" % (k, v)]
        env = dict(self.env)
        env["MAIL_CONFIG"] = d
        # stdout must not be a pipe: the client then waits for an answer
        # to its protocol announcement instead of seeing the end of input.
        try:
            rc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                timeout=common.TIMEOUT).returncode
        except subprocess.TimeoutExpired:
            rc = 124
        except OSError:
            rc = 127
        return rc, "%s -S%s" % (cmd, "".join(" -o %s=%s" % kv
                                             for kv in overrides))


def fatal_of(stderr):
    """The postconf 'fatal:' line, its file basename and line, if named."""
    for ln in stderr.splitlines():
        if "fatal:" in ln:
            m = FATAL_LOCATION.search(ln)
            if m:
                return ln.strip(), os.path.basename(m.group(1)), int(m.group(2))
            return ln.strip(), None, None
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return (lines[-1].strip() if lines else "(no message)"), None, None


def parse_p(text):
    """`postconf -P` / `-xP` output -> {scope: {name: value}} (last wins)."""
    out = {}
    for ln in text.splitlines():
        m = P_LINE.match(ln)
        if m:
            scope = "%s/%s" % (m.group(1), m.group(2))
            out.setdefault(scope, {})[m.group(3)] = m.group(4) or ""
    return out


# ------------------------------------------------- master.cf attached "-oX" --
# Only used for the documented attached -o exception: finding the services
# that use "-oNAME=VALUE" and writing a copy with "-o NAME=VALUE".

def master_entries(text):
    """Logical lines of master.cf as (first_idx, last_idx, text), following
    readlline(): comment and blank lines are skipped, a line starting with
    whitespace continues the current logical line."""
    lines = text.split("\n")
    entries = []
    cur = None
    for i, raw in enumerate(lines):
        body = raw.strip(" \t\r\n\v\f")
        if body == "" or body.startswith("#"):
            continue
        if raw[:1] in (" ", "\t"):
            if cur is not None:
                cur[1] = i
                cur[2] += raw
            continue
        if cur is not None:
            entries.append(tuple(cur))
        cur = [i, i, raw]
    if cur is not None:
        entries.append(tuple(cur))
    return lines, entries


def tokens(s):
    """Whitespace-separated tokens, keeping {...} groups whole (mystrtokq)."""
    out, i, n = [], 0, len(s)
    while i < n:
        while i < n and s[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        j, level = i, 0
        while j < n and (level > 0 or s[j] not in " \t\r\n"):
            if s[j] == "{":
                level += 1
            elif s[j] == "}" and level > 0:
                level -= 1
            j += 1
        out.append(s[i:j])
        i = j
    return out


def attached_o_scopes(master_text):
    """Services (of the four commands we care about) whose option arguments
    contain an attached -oNAME=VALUE, and the master.cf text with those
    entries rewritten to the separate form."""
    lines, entries = master_entries(master_text)
    scopes, replace = set(), {}
    for first, last, logical in entries:
        tok = tokens(logical)
        if len(tok) < 8 or tok[7] not in SERVICE_SURFACES:
            continue
        args, new_args, attached, i = tok[8:], [], False, 0
        while i < len(args):
            a = args[i]
            if a == "--" or not a.startswith("-"):
                new_args.extend(args[i:])
                break
            if a == "-o":
                new_args.extend(args[i:i + 2])
                i += 2
                continue
            if a.startswith("-o"):
                attached = True
                new_args.extend(["-o", a[2:]])
            else:
                new_args.append(a)
            i += 1
        if attached:
            scopes.add("%s/%s" % (tok[0], tok[1]))
            replace[first] = (last, " ".join(tok[:8] + new_args))
    if not scopes:
        return scopes, None
    out, i = [], 0
    while i < len(lines):
        if i in replace:
            last, new = replace[i]
            out.append(new)
            i = last + 1
        else:
            out.append(lines[i])
            i += 1
    return scopes, "\n".join(out)


# ------------------------------------------------------------------ a case --

class Postconf:
    """Everything postconf says about one configuration directory."""

    def __init__(self, r, d):
        self.r, self.d = r, d
        self.memo = {}
        self.errors = []      # (what, rc, stderr)
        self.services = {}    # scope -> command
        self.p, self.xp = {}, {}
        # Without master.cf, postconf -M is fatal ("open .../master.cf"), while
        # -h/-xh only warn: a case without master.cf has the main scope only.
        if os.path.isfile(os.path.join(d, "master.cf")):
            rc, out, err = r.pc(d, "-M")
            if rc == 0:
                for ln in out.splitlines():
                    f = ln.split()
                    if len(f) >= 8:
                        self.services["%s/%s" % (f[0], f[1])] = f[7]
            else:
                self.errors.append(("postconf -M", rc, err))
            self.p, self.xp = self._p(d)
        rc, out, err = r.pc(d, "-n")
        self.explicit = set()
        if rc == 0:
            for ln in out.splitlines():
                name = ln.split("=", 1)[0].strip()
                if name and name != "config_directory":
                    self.explicit.add(name)
        else:
            self.errors.append(("postconf -n", rc, err))
        self.h = self._keys("-h")
        self.xh = self._keys("-xh")
        # What the programs refuse at start and postconf does not judge
        # (empty myhostname, bad numbers, an empty smtp_helo_name, ...).
        self.startup = [] if self.errors else self._startup(d)

    def _startup(self, d):
        errs = []
        if self.r.postmap:
            rc, err = self.r.postmap_check(d)
            if rc != 0:
                errs.append(("postmap -q (MAIL_CONFIG=DIR)", rc, err))
        # Each service with -o overrides: the daemon applies them after
        # reading main.cf (mail_conf_update), before the same check; a
        # copy of main.cf with them appended as the last definitions is
        # what that daemon sees.
        for scope, ov in sorted(self.p.items()):
            if errs:
                break
            tmp = tempfile.mkdtemp(prefix="pf-oracle-svc-")
            try:
                shutil.copy(os.path.join(d, "main.cf"), tmp)
                with open(os.path.join(tmp, "main.cf"), "ab") as f:
                    f.write(b"\n")
                    for k, v in ov.items():
                        f.write(("%s = %s\n" % (k, v)).encode(
                            "utf-8", errors="surrogateescape"))
                rc, err = self.r.postmap_check(tmp)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            if rc != 0:
                errs.append(("postmap -q with the -o overrides of %s" % scope,
                             rc, err))
        if errs or not self.r.daemon_dir:
            return errs
        # The clients: every smtp/lmtp service with its overrides, or,
        # without master.cf, both clients with main.cf alone.
        if os.path.isfile(os.path.join(d, "master.cf")):
            clients = [(scope, cmd) for scope, cmd in sorted(self.services.items())
                       if cmd in ("smtp", "lmtp")]
        else:
            clients = [(None, "smtp"), (None, "lmtp")]
        for scope, cmd in clients:
            ov = sorted(self.p.get(scope, {}).items()) if scope else []
            rc, what = self.r.client_check(d, cmd, ov)
            if rc != 0:
                errs.append(("%s%s" % (what, " (service %s)" % scope
                                       if scope else ""), rc,
                             "fatal: the %s client exits at start (exit %d; "
                             "its message goes to syslog)" % (cmd, rc)))
                break
        return errs

    def _p(self, d):
        res = []
        for flag in ("-P", "-xP"):
            rc, out, err = self.r.pc(d, flag)
            if rc != 0:
                self.errors.append(("postconf %s" % flag, rc, err))
            res.append(parse_p(out) if rc == 0 else {})
        return res

    def _keys(self, flag):
        rc, out, err = self.r.pc(self.d, flag, *MAIN_KEYS)
        if rc != 0:
            self.errors.append(("postconf %s %s" % (flag, " ".join(MAIN_KEYS)),
                                rc, err))
            return {}
        vals = out.split("\n")
        if len(vals) < len(MAIN_KEYS):
            self.errors.append(("postconf %s (output)" % flag, 0,
                                "expected %d lines, got %r" % (len(MAIN_KEYS), out)))
            return {}
        return dict(zip(MAIN_KEYS, vals))

    def xh_with(self, overrides, key):
        memo = (tuple(overrides), key)
        if memo not in self.memo:
            self.memo[memo] = self._xh_with(overrides, key)
        return self.memo[memo]

    def _xh_with(self, overrides, key):
        argv = []
        for k, v in overrides:
            argv += ["-o", "%s=%s" % (k, v)]
        return self.r.pc(self.d, *(argv + ["-xh", key]))


def expected_surfaces(pc):
    exp = {("main", key): kind for kind, key in MAIN_SURFACES}
    for scope, cmd in pc.services.items():
        if cmd in SERVICE_SURFACES:
            kind, key = SERVICE_SURFACES[cmd]
            exp[(scope, key)] = kind
    return exp


def defining_lines(path, key):
    """1-based numbers of main.cf lines that define KEY (a definition always
    starts in column 0, so no logical-line parsing is needed)."""
    try:
        with open(path, "rb") as f:
            text = decode(f.read())
    except OSError:
        return []
    pat = re.compile(r"^%s[ \t\r]*=" % re.escape(key))
    return [i + 1 for i, ln in enumerate(text.split("\n")) if pat.match(ln)]


def entry_range(path, scope):
    """1-based first/last physical line of the master.cf entry for SCOPE."""
    try:
        with open(path, "rb") as f:
            text = decode(f.read())
    except OSError:
        return None
    _, entries = master_entries(text)
    found = None
    for first, last, logical in entries:
        tok = tokens(logical)
        if len(tok) >= 2 and "%s/%s" % (tok[0], tok[1]) == scope:
            found = (first + 1, last + 1)
    return found


def run_case(r, sysvals, case):
    d = case.path
    # a main.cf that cannot be read (a dangling symbolic link) is Postfix's
    # to judge, like any other input
    if not os.path.lexists(os.path.join(d, "main.cf")):
        case.fail("has main.cf", "a main.cf file", "none")
        return case
    pc = Postconf(r, d)
    attached, attached_pc, tmp = set(), None, None
    master = os.path.join(d, "master.cf")
    if os.path.isfile(master):
        with open(master, "rb") as f:
            attached, rewritten = attached_o_scopes(decode(f.read()))
        if attached:
            tmp = tempfile.mkdtemp(prefix="pf-oracle-attached-")
            shutil.copy(os.path.join(d, "main.cf"), tmp)
            with open(os.path.join(tmp, "master.cf"), "wb") as f:
                f.write(rewritten.encode("utf-8", errors="surrogateescape"))
            attached_pc = Postconf(r, tmp)
            if attached_pc.errors:
                pc.errors.extend(attached_pc.errors)
    try:
        return _run_case(r, sysvals, case, pc, attached, attached_pc)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def case_sysvals(r, sysvals, d):
    """Placeholders stand for what Postfix computes from the system, which
    depends on the case: with mydomain set and myhostname unset, Postfix
    uses the system name plus $mydomain. So a placeholder is replaced by
    postconf's own value for this directory, but only where the case leaves
    the parameter unset; where it is set, the machine-wide default is used,
    so a placeholder wrongly standing for a set parameter fails."""
    vals = dict(sysvals)
    rc, out, _ = r.run([r.postconf, "-c", d, "-n", "myhostname", "mydomain"])
    explicit = set(l.split("=", 1)[0].strip() for l in out.splitlines()) \
        if rc == 0 else set()
    if "myhostname" not in explicit:
        rc, out, _ = r.run([r.postconf, "-c", d, "-xh", "myhostname"])
        if rc == 0:
            vals["<system-hostname>"] = out.strip()
        if "mydomain" not in explicit:
            rc, out, _ = r.run([r.postconf, "-c", d, "-xh", "mydomain"])
            if rc == 0:
                vals["<system-domain>"] = out.strip()
    return vals


def _run_case(r, sysvals, case, pc, attached, attached_pc):
    d = case.path
    sysvals = case_sysvals(r, sysvals, d)
    exp = expected_surfaces(pc) if not pc.errors else {}

    def svc_p(scope):
        src = attached_pc if scope in attached else pc
        return src.p.get(scope, {}), src.xp.get(scope, {})

    # Per-service evaluation with postconf's own overrides, to find fatal
    # errors that only show in a service's context.
    if not pc.errors:
        for (scope, key) in sorted(exp):
            if scope == "main":
                continue
            p, _ = svc_p(scope)
            rc, _, err = pc.xh_with(sorted(p.items()), key)
            if rc != 0:
                pc.errors.append(("postconf -o ... -xh %s (%s)" % (key, scope),
                                  rc, err))

    rc, doc, out, err = r.bannerlint_json([d])

    # The start-up judges count like postconf, except for templates: the
    # server runs the rendered file (exception 4).
    if pc.startup and not case.name.startswith("template-"):
        pc.errors.extend(pc.startup)
        exp = {}
    elif pc.startup:
        case.note("%s rejects the template as written: %s" % (
            pc.startup[0][0], fatal_of(pc.startup[0][2])[0]))

    if not case.name.startswith("debian-"):
        case.check("Postfix %s the case (a case is named bad-* exactly when "
                   "postconf, postmap or the smtp/lmtp client rejects it)" %
                   ("rejects" if pc.errors else "accepts"),
                   case.name.startswith("bad-"), bool(pc.errors))

    if case.name.startswith("template-") and not pc.errors:
        # Exception 4: postconf reads template syntax as literal text, which
        # is not what the server gets once the template is rendered.
        case.check("bannerlint does not exit 2 on a template postconf accepts",
                   True, rc != 2)
        case.skip("surfaces of a template", TEMPLATE_REASON)
        return case

    if pc.errors:
        what, prc, perr = pc.errors[0]
        msg, ffile, fline = fatal_of(perr)
        msg = re.sub(r"^\S*postconf: ", "", msg).replace(d + "/", "")
        case.note("Postfix fails (%s, exit %d): %s" % (what, prc, msg))
        case.check("bannerlint exits 2 like Postfix (%s)" % msg, 2, rc)
        diags, errs = diagnostics(doc)
        if fline is None:
            check_error_reported(case, diags, errs, err)
        else:
            hit = [x for x in errs if x.get("line") == fline and
                   os.path.basename(str(x.get("file", ""))) == ffile]
            stderr_hit = re.search(r"%s:%d:(\d+:)?\s*error" % (re.escape(ffile), fline), err)
            where = "%s line %d" % (ffile, fline)
            if hit or stderr_hit:
                case.ok("error diagnostic at %s" % where)
            else:
                got = ["%s:%s: %s" % (os.path.basename(str(x.get("file", ""))),
                                      x.get("line"), x.get("level")) for x in diags]
                case.fail("error diagnostic at %s" % where,
                          show("error at " + where), show(got or err.strip()))
        return case

    surfaces = check_json(case, rc, doc, out, err, "postfix",
                          "bannerlint exits 0 like postconf")
    if surfaces is None:
        return case

    want_scopes = sorted({s for s, _ in exp if s != "main"})
    got_scopes = sorted({s.get("scope") for s in surfaces
                         if s.get("scope") != "main"}, key=str)
    case.check("service scopes match postconf -M", want_scopes, got_scopes)

    for scope, key, kind, label, s in each_surface(case, exp, surfaces):
        shape = (s.get("kind"), os.path.basename(str(s.get("file", ""))))
        case.check("%s kind and file" % label,
                   (kind, "main.cf" if scope == "main" else "master.cf"), shape)
        if scope == "main":
            compare_main(r, pc, case, s, key, label, sysvals)
        else:
            compare_service(r, pc, case, s, scope, key, label, sysvals,
                            attached, svc_p)
    return case


def subst(value, sysvals):
    if not isinstance(value, str):
        return value
    for ph, real in sysvals.items():
        value = value.replace(ph, real)
    return value


def compare_main(r, pc, case, s, key, label, sysvals):
    case.check("%s configured (postconf -h)" % label,
               norm(pc.h.get(key)), norm(s.get("configured")))
    value = norm(pc.xh.get(key))
    case.check("%s value (postconf -xh)" % label,
               value, norm(subst(s.get("value"), sysvals)))
    check_greeting(case, s, key, label, value, sysvals)
    src = ("main.cf", None) if key in pc.explicit else ("default", None)
    check_origin(case, s, key, label, src, pc.d, None)


def compare_service(r, pc, case, s, scope, key, label, sysvals, attached,
                    svc_p):
    p, xp = svc_p(scope)
    # overrides
    ov = s.get("overrides")
    if not isinstance(ov, list):
        case.fail("%s overrides" % label, "a list", show(ov))
        ov = []
    ov_pairs = [(o.get("key"), o.get("value")) for o in ov if isinstance(o, dict)]
    got_ov = {k: norm(v) for k, v in ov_pairs}
    want_ov = {k: norm(v) for k, v in p.items()}
    if scope in attached:
        case.skip("%s overrides match postconf -P" % label, ATTACHED_O_REASON)
        case.check("%s overrides match postconf -P of the rewritten copy" % label,
                   want_ov, got_ov)
    else:
        case.check("%s overrides match postconf -P" % label, want_ov, got_ov)

    # configured
    what = "%s configured (postconf -P)" % label if key in p else \
        "%s configured (postconf -h)" % label
    if scope in attached and key in p:
        case.skip("%s configured against postconf -P" % label, ATTACHED_O_REASON)
        what = "%s configured (postconf -P of the rewritten copy)" % label
    want = p[key] if key in p else pc.h.get(key)
    case.check(what, norm(want), norm(s.get("configured")))

    # value
    got_value = norm(subst(s.get("value"), sysvals))
    rc, out, err = pc.xh_with(ov_pairs, key)
    refused = re.search(r"invalid parameter override|read-only parameter assignment",
                        err)
    o_value = norm(out.rstrip("\n")) if rc == 0 else None
    if key in xp:
        want_value = norm(xp[key])
        what = "%s value (postconf -xP%s)" % (
            label, " of the rewritten copy" if scope in attached else "")
        if o_value is not None and o_value != want_value:
            case.note("%s: postconf -o ... -xh gives %s, -xP gives %s "
                      "(-xP evaluates $service_name)" % (label, show(o_value),
                                                         show(want_value)))
        case.check(what, want_value, got_value)
    elif refused:
        case.skip("%s value (postconf -o ... -xh)" % label,
                  "postconf -o cannot take this override: %s" %
                  refused.group(0))
        want_value = None
    elif rc != 0:
        msg, _, _ = fatal_of(err)
        case.fail("%s value (postconf -o ... -xh)" % label,
                  "postconf to evaluate bannerlint's overrides", show(msg))
        want_value = None
    else:
        want_value = o_value
        case.check("%s value (postconf -o ... -xh)" % label, want_value, got_value)
    check_greeting(case, s, key, label, want_value, sysvals)

    if key in p:
        src = ("master.cf", scope)
    elif key in pc.explicit:
        src = ("main.cf", None)
    else:
        src = ("default", None)
    check_origin(case, s, key, label, src, pc.d, scope)


def check_greeting(case, s, key, label, value, sysvals):
    if key != "smtpd_banner" or not value:
        return
    case.check("%s greeting" % label, "220 " + value,
               norm(subst(s.get("greeting"), sysvals)))


def check_origin(case, s, key, label, src, d, scope):
    what = "%s origin of %s (%s)" % (label, key, src[0])
    entries = [o for o in (s.get("origin") or []) if isinstance(o, dict)
               and o.get("key") == key]
    if not entries:
        case.fail(what, "an origin entry for %s" % key, show(s.get("origin")))
        return
    kind = src[0]
    for o in entries:
        base = os.path.basename(str(o.get("file", "")))
        if kind == "default":
            if o.get("default") is True:
                case.ok(what)
                return
        elif kind == "main.cf":
            lines = defining_lines(os.path.join(d, "main.cf"), key)
            if base == "main.cf" and not o.get("default") and lines \
                    and o.get("line") == lines[-1]:
                case.ok(what + " line %d" % lines[-1])
                return
        else:
            rng = entry_range(os.path.join(d, "master.cf"), scope)
            line = o.get("line")
            if base == "master.cf" and rng and isinstance(line, int) \
                    and rng[0] <= line <= rng[1]:
                case.ok(what)
                return
    if kind == "main.cf":
        lines = defining_lines(os.path.join(d, "main.cf"), key)
        expect = "main.cf line %s" % (lines[-1] if lines else "?")
    elif kind == "master.cf":
        expect = "master.cf lines %s of %s" % (
            entry_range(os.path.join(d, "master.cf"), scope), scope)
    else:
        expect = "default: true"
    case.fail(what, show(expect), show(entries))


# ------------------------------------------------------------ Debian cases --

def find_or_fetch_deb(workdir):
    """Path of a postfix .deb, and a reason when there is none."""
    env = os.environ.get("BANNERLINT_POSTFIX_DEB")
    if env:
        if os.path.isfile(env):
            return env, None
        return None, "BANNERLINT_POSTFIX_DEB=%s is not a file" % env
    here = os.path.dirname(os.path.abspath(__file__))
    cached = sorted(glob.glob(os.path.join(here, "..", ".cache", "debs",
                                           "postfix_*.deb")))
    cached += sorted(glob.glob("/var/cache/apt/archives/postfix_*.deb"))
    if cached:
        try:
            ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "postfix"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 timeout=60).stdout.decode().strip()
        except (OSError, subprocess.TimeoutExpired):
            ver = ""
        for c in cached:
            if ver and os.path.basename(c).startswith(
                    "postfix_%s_" % ver.replace(":", "%3a")):
                return c, None
        return cached[-1], None
    if not shutil.which("apt-get"):
        return None, "no apt-get to download the postfix package"
    dl = os.path.join(workdir, "deb")
    os.makedirs(dl)
    os.chmod(workdir, 0o755)
    os.chmod(dl, 0o777)   # lets apt's _apt sandbox user write here
    last = ""
    for attempt in range(2):
        p = subprocess.run(["apt-get", "download", "postfix"], cwd=dl,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        debs = glob.glob(os.path.join(dl, "postfix_*.deb"))
        if p.returncode == 0 and debs:
            return debs[0], None
        last = decode(p.stdout).strip().splitlines()[-1:] or ["(no output)"]
        last = last[0]
        if attempt == 0 and os.geteuid() == 0:
            # empty or stale package lists: refresh once and retry
            subprocess.run(["apt-get", "update", "-qq"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=600)
        else:
            break
    return None, "apt-get download postfix failed: %s" % last


def debian_cases(workdir):
    """Two scratch case directories from Debian's postfix package, or a reason."""
    deb, why = find_or_fetch_deb(workdir)
    if not deb:
        return [], why
    x = os.path.join(workdir, "x")
    p = subprocess.run(["dpkg-deb", "-x", deb, x], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    if p.returncode != 0:
        return [], "dpkg-deb -x %s failed: %s" % (deb, decode(p.stdout).strip())
    share = os.path.join(x, "usr", "share", "postfix")
    cases = []
    for name, main in (("debian-main-cf-debian", "main.cf.debian"),
                       ("debian-main-cf-dist", "main.cf.dist")):
        src_main = os.path.join(share, main)
        src_master = os.path.join(share, "master.cf.dist")
        for f in (src_main, src_master):
            if not os.path.isfile(f):
                return [], "%s has no %s" % (os.path.basename(deb),
                                             os.path.relpath(f, x))
        cd = os.path.join(workdir, "cases", name)
        os.makedirs(cd)
        shutil.copy(src_main, os.path.join(cd, "main.cf"))
        shutil.copy(src_master, os.path.join(cd, "master.cf"))
        cases.append(Case(name, cd))
    return cases, "from %s" % os.path.basename(deb)


# ------------------------------------------------------------------- main --

def system_values(tap, r):
    """The placeholders' machine values ({"<system-hostname>": postconf -d
    -h myhostname, "<system-domain>": mydomain, "<mail_version>":
    mail_version}), or None (reported as a failure)."""
    sysvals = {}
    for ph, key in (("<system-hostname>", "myhostname"),
                    ("<system-domain>", "mydomain"),
                    ("<mail_version>", "mail_version")):
        rc, out, err = r.run([r.postconf, "-d", "-h", key])
        if rc != 0:
            tap.emit("fail", "setup: postconf -d -h %s" % key,
                     "exit %d: %s" % (rc, err.strip()))
            return None
        sysvals[ph] = out.strip()
    return sysvals


def main():
    args = arg_parser(
        __doc__,
        fixtures="directory of case directories (e.g. fixtures/postfix)",
        inputs=[("--postconf", dict(
            default=None,
            help="postconf binary (default: from PATH, else /usr/sbin/postconf)")),
                ("--postmap", dict(
            default=None,
            help="postmap binary (default: the one beside postconf)"))],
        case="run only this case (repeatable; the Debian cases are "
             "debian-main-cf-debian and debian-main-cf-dist)",
        after_case=[("--skip-debian", dict(
            action="store_true",
            help="do not build the cases from Debian's package "
                 "(refused when CI=true)"))]).parse_args()
    tap = Tap()

    postconf = args.postconf or shutil.which("postconf") or (
        "/usr/sbin/postconf" if os.access("/usr/sbin/postconf", os.X_OK) else None)
    if not postconf or not os.access(postconf, os.X_OK):
        tap.missing("postconf found")
        return tap.finish()
    bl = tap.bannerlint(args.bannerlint)
    if not bl:
        return tap.finish()
    postmap = args.postmap or os.path.join(os.path.dirname(postconf), "postmap")
    if not os.access(postmap, os.X_OK):
        tap.missing("postmap found (next to postconf, or --postmap)")
        return tap.finish()
    rc, out, _ = common.run([postconf, "-d", "-h", "daemon_directory"])
    daemon_dir = out.strip() if rc == 0 else ""
    if not os.access(os.path.join(daemon_dir, "smtp"), os.X_OK):
        tap.missing("the smtp client in daemon_directory (%s)" % daemon_dir)
        return tap.finish()
    r = Runner(postconf, bl, postmap, daemon_dir)

    sysvals = system_values(tap, r)
    if sysvals is None:
        return tap.finish()
    print("# postconf %s; placeholders: %s" % (
        sysvals["<mail_version>"],
        ", ".join("%s=%s" % kv for kv in sysvals.items())))

    cases = [Case(n, d) for n, d in
             case_dirs(os.path.abspath(args.fixtures), single="main.cf")]
    if not cases:
        tap.no_cases(args.fixtures)
        return tap.finish()

    workdir = tempfile.mkdtemp(prefix="pf-oracle-")
    try:
        wanted = set(args.case)
        debian_wanted = not wanted or any(c.startswith("debian-") for c in wanted)
        if not tap.skip_debian(args.skip_debian, "Debian package cases",
                               report=not wanted) and debian_wanted:
            deb_cases, why = debian_cases(workdir)
            if deb_cases:
                print("# Debian cases %s" % why)
                cases.extend(deb_cases)
            else:
                tap.missing("Debian postfix package (%s)" % why)
        cases = tap.only(cases, wanted)

        tap.report(run_cases(lambda c: run_case(r, sysvals, c), cases, args.jobs))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())

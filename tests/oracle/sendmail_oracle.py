#!/usr/bin/env python3
"""Sendmail oracle: bannerlint's .mc and .cf evaluation must match real m4 + cf.m4.

Usage:
    sendmail_oracle.py --bannerlint PATH/TO/bannerlint --fixtures fixtures/sendmail \
        [--cf-fixtures fixtures/sendmail-cf] [--cf-tree DIR] [--m4 PATH] \
        [--case NAME]... [--jobs N] [--skip-debian] [--dump]

Two kinds of cases:

  .mc cases   every directory under --fixtures (each holds sendmail.mc and
              any local m4 files it includes), plus "debian-sendmail-mc",
              built at run time from the sendmail-cf package's
              debian/sendmail.mc.  GNU m4 with the package's cf tree (copied,
              /usr/share/sendmail/cf rewritten to the copy) is the judge:
                1. m4 generates sendmail.cf from the case (a copy of it, with
                   /usr/share/sendmail/cf rewritten too).  An .mc that
                   include()s cf.m4 itself (Debian style) runs as
                   `m4 sendmail.mc`; any other (upstream style) as
                   `m4 -D_CF_DIR_=TREE/ TREE/m4/cf.m4 sendmail.mc`.  m4 runs
                   in the case directory (m4 resolves a relative include()
                   against its working directory).
                2. `bannerlint show --format json --sendmail-cf TREE
                   CASE/sendmail.mc` runs from the parent directory (so a
                   relative include must be resolved against the .mc's
                   directory, not the working directory) and must agree with
                   the generated cf: banner configured/value/greeting/
                   hostname, helo configured/value/hostname, and the origin of
                   confSMTP_LOGIN_MSG / confHELO_NAME (the define that took
                   effect, located with m4's own --trace).
                3. `bannerlint show --format json GENERATED.cf` must give the
                   same configured/value/hostname/greeting as the .mc run
                   (read with the tree, the .mc's $Z is the tree's DZ:
                   m4/version.m4 plus /confCF_VERSION).
              A case named bad-* must make m4 fail (exit status != 0, or an
              "m4:FILE:LINE: ..." message that is not a Warning); bannerlint
              must then exit 2 with an error diagnostic at that file and line.
              The m4 arithmetic cases are built at run time too: "m4-arith"
              (the value of every call of M4_ARITH in the greeting) and one
              "bad-m4-arith-NN" per call of M4_ARITH_BAD (m4 refuses it).
  .cf cases   every directory under --cf-fixtures (each holds a hand-written
              sendmail.cf).  `bannerlint show --format json CASE_DIR` must
              exit 0 and agree with this script's own reading of the cf.

How this script reads a cf (sendmail 8.17 readcf.c / util.c / srvrsmtp.c):
  * fgetfolded(): CRLF -> LF; a line starting with a blank or tab continues
    the previous one, joined with "\\n" and its leading whitespace kept.
  * A logical line starting with "#" is a comment.  translate_dollars():
    once a V line has set ConfigLevel >= 3, a "#" later in the line (not
    the macro name of "$#", not escaped as "\\#") starts a comment that runs
    to the next embedded newline, and the blanks before it are removed;
    trailing whitespace of the logical line is removed.
  * "O NAME=VALUE": NAME is everything before the first "=", blanks around
    it dropped; matched case-insensitively, a unique prefix is enough
    (OptionTab: "sm" is the shortest unique prefix of SmtpGreetingMessage,
    "helo" of HeloName, because of HelpFile).  Blanks after "=" are
    skipped.  The last O line for an option wins.
  * `configured` is the raw text after "NAME=" of the last O line (folded
    lines joined as above; nothing else changed).  `value` follows sendmail:
    comment/trailing-whitespace removal, then munchstring() for
    SmtpGreetingMessage and D lines ('"' removed, \\n \\r \\f \\b converted,
    any other \\c -> c), then macro rendering:
      $j  the host name (below)       $v  <sendmail_version>
      $Z  the DZ value of the (generated) cf, else <cf_version>
      $b  <date>
      $w  the last Dw line, munched and rendered, else <system-shortname>
      $m  the last Dm line, likewise, else <system-domain>
      $$  a literal $      other $x / ${name} / $&x  <x> / <name>
      $?x A $| B $.  (nested)  A when x is a connect-time macro (client_*,
          if_*, daemon_*) or one sendmail always defines (j v Z b w m),
          else B.
    then srvrsmtp.c: split at "\\n"; the first line gets " ESMTP" after its
    first word (up to the first blank; at the end if there is none); each
    further line loses one leading whitespace character.  `value` is those
    lines joined with "\\n", `greeting` the same lines prefixed "220-" (all
    but the last) / "220 ".  No SmtpGreetingMessage line: sendmail's
    built-in "$j Sendmail $v ready at $b" (origin default).
  * $j: the last Dj line, munched and rendered; <system-hostname> when
    there is none.  The banner's hostname is the name the greeting
    presents: its first word (up to the first space of the first line),
    $j when that is empty; the HELO surface's is $j.
  * HeloName: configured = its raw value when non-empty after comment and
    trailing-whitespace removal, else "$j" (origin default); value and
    hostname = that processed value verbatim (HeloName is neither munched
    nor macro-expanded), else the $j host name.

Output: TAP-like "ok N - case: what" / "not ok N - case: what (expected X,
got Y)" lines, "# ..." comments, a late plan "1..N", and a final line
"N passed, N failed[, N skipped]".  Exit 1 on any failure, else 0.  With
CI=true a missing m4, bannerlint binary or sendmail-cf tree is a failure,
not a skip.  --dump prints what m4 generated and the expected values for
every case, runs no bannerlint and checks nothing.

Python 3 standard library only.  See tests/oracle/README.md ("Sendmail").
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import (Tap, arg_parser, case_dirs,  # noqa: E402
                    check_error_reported, check_json, decode, diagnostics,
                    run_cases, show)
import common  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CACHE = os.environ.get("BANNERLINT_CACHE_DIR") or os.path.join(ROOT, "tests", ".cache")
DEFAULT_TREE = os.path.join(CACHE, "pkgs", "sendmail-cf", "usr", "share", "sendmail", "cf")
PKG_CF_DIR = "/usr/share/sendmail/cf"
DEBIAN_CASE = "debian-sendmail-mc"
DEBIAN_STUBS = ("/etc/mail/m4/dialup.m4", "/etc/mail/m4/provider.m4")

BANNER_MC, HELO_MC = "confSMTP_LOGIN_MSG", "confHELO_NAME"
BANNER_CF, HELO_CF = "SmtpGreetingMessage", "HeloName"
DEFAULT_GREETING = "$j Sendmail $v ready at $b"       # main.c
NO_HOST = "<system-hostname>"
# Shortest unique prefixes in readcf.c's OptionTab ("S..." options other
# than SmtpGreetingMessage all start "Sa", "Se", "Sh", "Si", "So", "St",
# "Su"; "HelpFile" shares "Hel" with "HeloName").
OPTION_MIN_PREFIX = {BANNER_CF: 2, HELO_CF: 4}
CONNECT_PREFIXES = ("client_", "if_", "daemon_")
ALWAYS_DEFINED = ("j", "v", "Z", "b", "w", "m")
TRACED = ("define", "undefine", "pushdef", "popdef")
# "m4:FILE:LINE: message"; m4 prefixes its argv[0], e.g. "/usr/bin/m4:"
M4_MSG = re.compile(r"^(?:[^\s:]*/)?m4:(.+?):(\d+): (.*)$", re.M)
C_SPACE = " \t\n\v\f\r"

# m4's numbers, judged by m4 itself: cases built at run time (as the Debian
# case is). "m4-arith" writes the value of every call of M4_ARITH into the
# greeting (expanded when proto.m4 writes it); each "bad-m4-arith-NN" has one
# call of M4_ARITH_BAD, which m4 refuses, on line 3. GNU m4 1.4.19 computes in
# 32 bits that wrap and reads arguments as strtol does.
M4_ARITH = [
    "eval(`%s')" % e for e in (
        "2147483647+1", "-2147483648-1", "-2147483648/-1", "-2147483648%-1",
        "-(-2147483648)", "65536*65536", "100000*100000", "2**31", "2**32",
        "3**40", "2**3**2", "-2**2", "(-2)**31", "0**1", "2**30+2**30",
        "2147483647*2", "0xffffffff/-1", "-2147483648*-1",
        "1<<31", "1<<32", "1<<33", "1<<-1", "8>>-1", "-1>>33", "-8>>1",
        "-2147483648>>31", "~2147483647", "~-1", "!5", "!0",
        "99999999999999999999", "4294967296", "0xffffffff", "0xffffffffff",
        "0x7fffffff+0x7fffffff", "(-9223372036854775807-1)/-1",
        "-7/2", "-7%3", "7%-3", "5&3", "5|3", "5^3", "1<=1", "2>=3", "1<0",
        "2>1", "-2147483648<2147483647", "0x80000000>0", "-1&0xffffffff",
        "~0^-1", "1+2*3", "1|2^3", "5&3==3", "2==2<3", "!1+1",
        "1||1/0", "0&&1%0", "0||1", "1&&0", "1 < 2 > 0", "7 / 2 * 2",
        "0r36:zz", "0R2:11", "0r1:0001", "0b101", "0B11", "010", "0x", "0X1f",
        "- -5", "+-5", "-+5", "1 - - 1", "1==1==1", "1 !=2", " 1", "((((1))))",
        "1=1")
] + [
    "eval(255,16)", "eval(-255,16,5)", "eval(5,2,8)", "eval(-5,1,8)",
    "eval(2147483647,36)", "eval(-2147483648,2)", "eval(1,,3)",
    "incr(2147483647)", "decr(-2147483648)", "incr(4294967296)",
    "decr(-4294967295)", "incr(-1)",
    "substr(abcdef,4294967297,2)", "substr(abcdef,1,99999999999)",
    "substr(abcdef,-1,3)", "substr(abcdef,2,-1)", "substr(abcdef,99999999999)",
    "substr(abcdef,2147483647,2147483647)", "substr(abcdef,5)",
    "index(abcdef,cd)", "index(abc,x)", "index(abc,)", "len()", "len(abcdef)",
    "translit(abcdef,a-c,A-C)", "translit(hello,l)", "translit(abc,c-a,xyz)",
    "translit(a-c,-,x)", "translit(abc,a-cb,xyzw)", "translit(abc,a--,xyz)",
    "len index eval incr substr translit",
]
M4_ARITH_BAD = [
    "eval(`%s')" % e for e in (
        "1/0", "1%0", "2**-1", "0**0", "1 2", "(1)(2)", "1+", "a", "1e3",
        "--5", "1 *= 2", "1 <<= 2", "((1)", "1 ? 2", "0r37:1", "08",
        "1 || 1/0 + 5", "1 || a", "0 || 1/0", "")
] + [
    "eval(1,37)", "eval(1,0)", "eval(1,10,-1)", "eval(1,x)", "eval(5,10,` 3')",
    "incr(`5 ')", "incr(` 5')", "incr()", "incr(99999999999999999999)",
    "decr(-99999999999999999999)", "incr(+)", "divert(x)", "divert()",
    "substr(abc,x)", "substr(abc,1,99999999999999999999)",
]


def m4_arith_cases():
    """(name, sendmail.mc text) of the m4 arithmetic cases."""
    head = ("dnl # built by sendmail_oracle.py: GNU m4 judges its numbers\n"
            "OSTYPE(`linux')dnl\n")
    tail = "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    yield ("m4-arith", head + "define(`confSMTP_LOGIN_MSG', `$j %s')dnl\n"
           % " ".join(M4_ARITH) + tail)
    for i, call in enumerate(M4_ARITH_BAD, 1):
        yield "bad-m4-arith-%02d" % i, head + call + "dnl\n" + tail


def read_text(path):
    with open(path, "rb") as f:
        return decode(f.read())


# ------------------------------------------------------ reading a .cf file --

def cf_logical_lines(text):
    """fgetfolded(): [(first physical line number, text)]."""
    phys = text.replace("\r\n", "\n").split("\n")
    if phys and phys[-1] == "":
        phys.pop()
    out = []
    for n, ln in enumerate(phys, 1):
        if out and ln[:1] in (" ", "\t"):
            out[-1][1] += "\n" + ln
        else:
            out.append([n, ln])
    return [(n, s) for n, s in out]


def strip_comment(s, level):
    """translate_dollars(), minus the $ translation: mid-line "#" comments
    (ConfigLevel >= 3) and trailing whitespace.  "$x" / "${name}" are kept
    as text (and skipped, so "$#" is not a comment)."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "$" and i + 1 < len(s):
            j = i + 1
            if s[j] in "=~&?" and j + 1 < len(s):
                j += 1
            if s[j] == "{":
                k = s.find("}", j)
                j = len(s) - 1 if k < 0 else k
            out.append(s[i:j + 1])
            i = j + 1
            continue
        if c == "#" and i > 0 and level >= 3:
            if out and out[-1] == "\\":
                out[-1] = "#"
                i += 1
                continue
            while out and out[-1] in C_SPACE and out[-1] != "\n":
                out.pop()
            k = s.find("\n", i)
            if k < 0:
                break
            i = k
            continue
        out.append(c)
        i += 1
    return "".join(out).rstrip(C_SPACE)


def munch(s):
    """munchstring(p, NULL, '\\0')."""
    out, backslash = [], False
    for c in s:
        if backslash:
            backslash = False
            out.append({"r": "\r", "n": "\n", "f": "\f", "b": "\b"}.get(c, c))
        elif c == "\\":
            backslash = True
        elif c != '"':
            out.append(c)
    return "".join(out)


def render(s, values):
    """expand() with the placeholder table of the module docstring."""
    out = []
    stack = []                        # one "emit" flag per open $?
    i = 0
    while i < len(s):
        c = s[i]
        if c != "$" or i + 1 >= len(s):
            if all(stack):
                out.append(c)
            i += 1
            continue
        op = s[i + 1]
        if op == "$":
            if all(stack):
                out.append("$")
            i += 2
            continue
        if op == "|" and stack:
            stack[-1] = not stack[-1]
            i += 2
            continue
        if op == "." and stack:
            stack.pop()
            i += 2
            continue
        j = i + 1
        if op in "?&=~" and j + 1 < len(s):
            j += 1
        if s[j] == "{":
            k = s.find("}", j)
            k = len(s) - 1 if k < 0 else k
            name, nxt = s[j + 1:k], k + 1
        else:
            name, nxt = s[j], j + 1
        if op == "?":
            stack.append(name in ALWAYS_DEFINED or name.startswith(CONNECT_PREFIXES))
        elif all(stack):
            out.append(values.get(name, "<%s>" % name))
        i = nxt
    return "".join(out)


def greeting_of(text):
    """srvrsmtp.c: the 220 lines' text for an expanded greeting."""
    parts = text.split("\n")
    first = parts[0]
    sp = first.find(" ")
    lines = [first + " ESMTP" if sp < 0 else first[:sp] + " ESMTP" + first[sp:]]
    for p in parts[1:]:
        lines.append(p[1:] if p[:1] and p[0] in C_SPACE else p)
    return lines


class Macros:
    """The macros a cf defines (D lines: {name: (line, raw, level)}) over
    placeholders, rendered when asked for (a cycle renders empty: such a
    case is a bad-* one, judged elsewhere)."""
    PLACE = {"j": NO_HOST, "w": "<system-shortname>", "m": "<system-domain>"}

    def __init__(self, defs, fixed):
        self.defs, self.fixed, self.active = defs, fixed, set()

    def get(self, name, default=None):
        if name in self.fixed:
            return self.fixed[name]
        d = self.defs.get(name)
        if d is None:
            return self.PLACE.get(name, default)
        if name in self.active:
            return ""
        self.active.add(name)
        v = render(munch(strip_comment(d[1], d[2])), self)
        self.active.discard(name)
        return v


class CfRead:
    """What sendmail takes from one cf file."""

    def __init__(self, text):
        self.opts = {BANNER_CF: None, HELO_CF: None}   # (line, raw value)
        self.dj = None                                 # (line, raw value)
        self.dw = self.dm = None
        self.dz = None
        level = 0
        for n, ln in cf_logical_lines(text):
            if ln.startswith("#") or not ln:
                continue
            if ln.startswith("V"):
                m = re.match(r"V\s*(\d+)", ln)
                level = int(m.group(1)) if m else level
            elif re.match(r"D(j|\{j\})", ln):
                self.dj = (n, ln[2 if ln[1] == "j" else 4:], level)
            elif re.match(r"D(w|\{w\})", ln):
                self.dw = (n, ln[2 if ln[1] == "w" else 4:], level)
            elif re.match(r"D(m|\{m\})", ln):
                self.dm = (n, ln[2 if ln[1] == "m" else 4:], level)
            elif re.match(r"D(Z|\{Z\})", ln):
                self.dz = munch(strip_comment(ln[2 if ln[1] == "Z" else 4:], level))
            elif ln.startswith("O "):
                body = ln[2:]
                eq = body.find("=")
                name = (body if eq < 0 else body[:eq]).strip(" ")
                raw = "" if eq < 0 else body[eq + 1:].lstrip(" ")
                for opt, minlen in OPTION_MIN_PREFIX.items():
                    if len(name) >= minlen and opt.lower().startswith(name.lower()):
                        self.opts[opt] = (n, raw, level)

    def expected(self, cf_version, is_cf):
        """Expected surface fields: {"banner": {...}, "helo": {...}}."""
        values = Macros({"j": self.dj, "w": self.dw, "m": self.dm},
                        {"v": "<sendmail_version>", "b": "<date>",
                         "Z": (self.dz if is_cf and self.dz is not None else cf_version)})
        host = values.get("j")
        g = self.opts[BANNER_CF]
        if g is None:
            configured, text, gline = DEFAULT_GREETING, DEFAULT_GREETING, None
        else:
            gline, configured, level = g
            text = munch(strip_comment(configured, level))
        rendered = render(text, values)
        lines = greeting_of(rendered)
        first = rendered.split("\n")[0].split(" ")[0]
        banner = {"configured": configured, "value": "\n".join(lines),
                  "hostname": first or host, "line": gline,
                  "greeting": "\n".join(("220-" if i < len(lines) - 1 else "220 ") + ln
                                        for i, ln in enumerate(lines))}
        h = self.opts[HELO_CF]
        hv = strip_comment(h[1], h[2]) if h is not None else ""
        if hv:
            helo = {"configured": h[1], "value": hv, "hostname": hv, "line": h[0]}
        else:
            helo = {"configured": "$j", "value": host, "hostname": host,
                    "line": None, "empty_line": h[0] if h is not None else None}
        return {"banner": banner, "helo": helo}


# ------------------------------------------------------------ running m4 --

class Runner(common.Runner):
    def __init__(self, m4, bannerlint, tree):
        super().__init__(bannerlint)
        self.m4, self.tree = m4, tree

    def m4_argv(self, mc_text, extra=()):
        """Debian style (the .mc includes cf.m4 itself) or upstream style."""
        if includes_cf_m4(mc_text):
            return [self.m4] + list(extra) + ["sendmail.mc"]
        return [self.m4] + list(extra) + ["-D_CF_DIR_=%s/" % self.tree,
                                          os.path.join(self.tree, "m4", "cf.m4"),
                                          "sendmail.mc"]


def includes_cf_m4(text):
    return re.search(r"\bs?include\(\s*`?[^()']*\bcf\.m4'?\s*\)", text) is not None


def m4_rejects(rc, err):
    """m4's verdict: exit status, or an error message (not a Warning)."""
    msgs = [(f, int(n), msg) for f, n, msg in M4_MSG.findall(err)
            if not msg.startswith("Warning:")]
    return rc != 0 or bool(msgs), msgs


def trace_origins(trace_text):
    """The define that is in effect for each variable when proto.m4 (m4wrap,
    end of input) writes the options: {name: (file, line) or None}."""
    stacks = {}
    for ln in trace_text.split("\n"):
        m = re.match(r"m4trace:(.+?):(\d+): -\d+- (\w+)\((.*)$", ln)
        if not m:
            continue
        path, line, macro, args = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if path.endswith("m4/proto.m4"):
            break
        if macro not in TRACED:
            continue
        a = re.match(r"`([^']*)'|\[([^\]]*)\]|([^,)]*)", args)
        name = next(g for g in a.groups() if g is not None) if a else ""
        st = stacks.setdefault(name, [])
        if macro == "define":
            if st:
                st[-1] = (path, line)
            else:
                st.append((path, line))
        elif macro == "pushdef":
            st.append((path, line))
        elif macro == "popdef":
            if st:
                st.pop()
        else:
            st.clear()
    return {k: (v[-1] if v else None) for k, v in stacks.items()}


def call_span(path, n):
    """Lines n..m of the macro call that starts on line n (GNU m4 traces the
    line where the outermost call starts): from the first "name(" on line n
    to its matching ")", counting nested parentheses outside `...' quotes."""
    try:
        lines = read_text(path).split("\n")
    except OSError:
        return {n}
    text = "\n".join(lines[n - 1:])
    m = re.search(r"[A-Za-z_]\w*\(", text)
    if not m or "\n" in text[:m.start()]:
        return {n}
    depth = quote = 0
    for i in range(m.end() - 1, len(text)):
        c = text[i]
        if c == "`":
            quote += 1
        elif c == "'" and quote:
            quote -= 1
        elif not quote and c == "(":
            depth += 1
        elif not quote and c == ")":
            depth -= 1
            if depth == 0:
                return set(range(n, n + text[:i].count("\n") + 1))
    return {n}


class Case(common.Case):
    """One case: a .mc case (filled in by run_m4) or a .cf case.  path: the
    fixture directory (the package's sendmail.mc for the Debian case)."""

    def __init__(self, name, path, builtin=False):
        super().__init__(name, path, builtin)
        self.dir = None            # scratch copy (m4 and bannerlint input)
        self.cf_path = None
        self.style = None
        self.m4 = None             # (rc, stderr)
        self.rejected, self.errors = False, []
        self.cf = None             # CfRead of the generated cf
        self.origins = {}
        self.setup_error = None


def copy_rewrite(src_dir, dst_dir, replacements):
    """Copy a case directory, rewriting paths in every regular file."""
    shutil.copytree(src_dir, dst_dir, symlinks=True)
    for base, _, files in os.walk(dst_dir):
        for f in files:
            rewrite_file(os.path.join(base, f), replacements)


def rewrite_file(path, replacements):
    if os.path.islink(path) or not os.path.isfile(path):
        return
    with open(path, "rb") as fh:
        data = fh.read()
    new = data
    for old, rep in replacements:
        new = new.replace(old.encode(), rep.encode())
    if new != data:
        with open(path, "wb") as fh:
            fh.write(new)


def run_m4(r, case, workdir):
    """Generate the cf of a case and everything expected from it."""
    mc = os.path.join(case.dir, "sendmail.mc")
    if not os.path.isfile(mc):
        case.setup_error = "no sendmail.mc in %s" % case.path
        return
    text = read_text(mc)
    case.style = "debian" if includes_cf_m4(text) else "upstream"
    rc, out, err = r.run(r.m4_argv(text), cwd=case.dir)
    case.m4 = (rc, err)
    case.rejected, case.errors = m4_rejects(rc, err)
    for w in [msg for _, _, msg in M4_MSG.findall(err) if msg.startswith("Warning:")]:
        case.note("m4 warns: %s" % w)
    other = [ln for ln in err.splitlines() if ln.strip() and not M4_MSG.match(ln)]
    if other:
        case.note("m4 stderr (errprint): %s" % " | ".join(other)[:300])
    if case.rejected:
        return
    cfdir = os.path.join(workdir, "generated", case.name)
    os.makedirs(cfdir)
    case.cf_path = os.path.join(cfdir, "sendmail.cf")
    with open(case.cf_path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(out)
    case.cf = CfRead(out)
    trace = os.path.join(workdir, "generated", case.name + ".trace")
    extra = ["--debug=aflq", "--debugfile=" + trace] + ["--trace=" + t for t in TRACED]
    trc, _, terr = r.run(r.m4_argv(text, extra), cwd=case.dir)
    try:
        origins = trace_origins(read_text(trace))
    except OSError:
        origins = {}
        case.note("m4 --trace run failed (exit %d): %s" % (trc, terr.strip()[:200]))
    for key in (BANNER_MC, HELO_MC):
        o = origins.get(key)
        if o is not None:
            path = o[0] if os.path.isabs(o[0]) else os.path.join(case.dir, o[0])
            case.origins[key] = (os.path.realpath(path), o[1], call_span(path, o[1]))
        else:
            case.origins[key] = None


# --------------------------------------------------------- comparing ------

def real(cwd, f):
    if not isinstance(f, str) or not f:
        return None
    return os.path.realpath(f if os.path.isabs(f) else os.path.join(cwd, f))


def rel(p, case):
    for base, label in ((case.dir, ""), (RUN["tree"], "TREE/")):
        if base and p.startswith(os.path.realpath(base) + os.sep):
            return label + os.path.relpath(p, os.path.realpath(base))
    return p


RUN = {"tree": None}


def pick(case, label, surfaces, kind, key):
    ss = [s for s in surfaces if s.get("kind") == kind]
    if len(ss) != 1:
        case.fail("%s: one %s surface" % (label, kind), "exactly one",
                  "%d (%s)" % (len(ss), show([s.get("key") for s in ss])))
        return None
    s = ss[0]
    case.check("%s: %s key" % (label, kind), key, s.get("key"))
    case.check("%s: %s scope" % (label, kind), "main", s.get("scope"))
    return s


def check_shape(case, label, rc, doc, out, err):
    surfaces = check_json(case, rc, doc, out, err, "sendmail",
                          "bannerlint exits 0", prefix=label + ": ")
    if surfaces is None:
        return None
    case.check("%s: two sendmail surfaces" % label, 2, len(surfaces))
    return surfaces


def check_origin(case, label, s, key, expect, cwd, alt_default=False, alt_line=None):
    """expect: None -> default: true; else (realpath, line, accepted lines).
    alt_default: a default entry is accepted too; alt_line: (realpath, lines)
    accepted too."""
    what = "%s: origin of %s" % (label, key)
    entries = [o for o in (s.get("origin") or []) if isinstance(o, dict)
               and o.get("key") == key]
    if not entries:
        case.fail(what, "an origin entry with key %s" % key, show(s.get("origin")))
        return
    wants = []
    if expect is None or alt_default:
        wants.append("default: true")
        if any(o.get("default") is True for o in entries):
            case.ok(what + " (default)")
            return
    for loc in ([expect] if expect is not None else []) + ([alt_line] if alt_line else []):
        path, lines = loc[0], loc[-1]
        wants.append("%s line %s" % (rel(path, case), "/".join(str(n) for n in sorted(lines))))
        if any(not o.get("default") and o.get("line") in lines and
               real(cwd, o.get("file")) == path for o in entries):
            case.ok("%s (%s)" % (what, wants[-1]))
            return
    case.fail(what, show(" or ".join(wants)), show(entries))


def check_raw_origin(case, label, s, key, exp, cwd):
    """No define made the cf's O line: a raw cf line of the .mc did (one
    that reached diversion 0 or LOCAL_CONFIG); the origin is that line."""
    mc = os.path.realpath(os.path.join(case.dir, "sendmail.mc"))
    lines = [n for n, ln in enumerate(read_text(mc).split("\n"), 1)
             if re.match(r"O[ \t]+\w+[ ]*=[ ]*" + re.escape(exp["configured"]) + r"\r?$", ln)]
    if not lines:
        case.fail("%s: origin of %s" % (label, key),
                  "m4 --trace to show the define, or a raw O line in sendmail.mc",
                  "neither")
        return
    # the origin names the cf option the raw line sets
    cf_key = {BANNER_MC: BANNER_CF, HELO_MC: HELO_CF}[key]
    check_origin(case, label, s, cf_key, (mc, lines[-1], {lines[-1]}), cwd)


def compare_fields(case, label, s, exp, fields):
    for f in fields:
        case.check("%s: %s %s" % (label, s.get("kind"), f), exp[f], s.get(f))


def check_file_field(case, label, s, cwd, allowed_dirs):
    p = real(cwd, s.get("file"))
    ok = p is not None and os.path.isfile(p) and any(
        p.startswith(os.path.realpath(d) + os.sep) for d in allowed_dirs)
    if ok:
        case.ok("%s: %s file is the input or a file it reads" % (label, s.get("kind")))
    else:
        case.fail("%s: %s file is the input or a file it reads" % (label, s.get("kind")),
                  "a file under the case directory or the cf tree", show(s.get("file")))


def run_mc_case(r, case, workdir):
    run_m4(r, case, workdir)
    if case.setup_error:
        case.fail("setup", "a usable case", case.setup_error)
        return case
    unread = unread_include(case)
    if not case.builtin:
        case.check("m4 %s the case (a case is named bad-* exactly when m4 rejects it)"
                   % ("rejects" if case.name.startswith("bad-") else "accepts"),
                   case.name.startswith("bad-"), case.rejected and unread is None)
    cases_dir = os.path.dirname(case.dir)
    mc_arg = os.path.join(case.name, "sendmail.mc")
    rc, doc, out, err = r.bannerlint_json(["--sendmail-cf", r.tree, mc_arg], cases_dir)
    if unread is not None:
        common.check_unread(case, unread, rc, doc, 'm4', 'include')
        return case
    if case.rejected:
        check_bad(case, rc, doc, err, cases_dir)
        return case

    label = ".mc"
    # read with the tree: $Z is the generated cf's DZ (version.m4)
    exp = case.cf.expected("<cf_version>", is_cf=True)
    surfaces = check_shape(case, label, rc, doc, out, err)
    mc_fields = {}
    if surfaces is not None:
        b = pick(case, label, surfaces, "banner", BANNER_MC)
        h = pick(case, label, surfaces, "helo", HELO_MC)
        if b is not None:
            check_file_field(case, label, b, cases_dir, [case.dir, r.tree])
            compare_fields(case, label, b, exp["banner"],
                           ("configured", "hostname", "value", "greeting"))
            o = case.origins.get(BANNER_MC)
            if exp["banner"]["line"] is None:
                check_origin(case, label, b, BANNER_MC, None, cases_dir)
            elif o is None:
                check_raw_origin(case, label, b, BANNER_MC, exp["banner"], cases_dir)
            else:
                # cfhead.m4's own default: a default entry is fine too
                check_origin(case, label, b, BANNER_MC, o, cases_dir,
                             alt_default=o[0].endswith(os.sep + os.path.join("m4", "cfhead.m4")))
            mc_fields["banner"] = b
        if h is not None:
            check_file_field(case, label, h, cases_dir, [case.dir, r.tree])
            compare_fields(case, label, h, exp["helo"], ("configured", "value", "hostname"))
            o = case.origins.get(HELO_MC)
            if exp["helo"]["line"] is not None:
                if o is None:
                    check_raw_origin(case, label, h, HELO_MC, exp["helo"], cases_dir)
                else:
                    check_origin(case, label, h, HELO_MC, o, cases_dir)
            else:
                # "O HeloName" from an empty define: the define or default
                check_origin(case, label, h, HELO_MC, None, cases_dir,
                             alt_line=o if exp["helo"]["empty_line"] else None)
            mc_fields["helo"] = h

    # the generated cf, read by bannerlint
    label = ".cf"
    cexp = case.cf.expected("<cf_version>", is_cf=True)
    gdir = os.path.dirname(case.cf_path)
    rc, doc, out, err = r.bannerlint_json([case.cf_path], gdir)
    surfaces = check_shape(case, label, rc, doc, out, err)
    if surfaces is None:
        return case
    for kind, key, fields in (("banner", BANNER_CF, ("configured", "hostname", "value", "greeting")),
                              ("helo", HELO_CF, ("configured", "value", "hostname"))):
        s = pick(case, label, surfaces, kind, key)
        if s is None:
            continue
        compare_fields(case, label, s, cexp[kind], fields)
        m = mc_fields.get(kind)
        if m is None:
            continue
        diff = [f for f in fields if isinstance(m.get(f), str) and m.get(f) != s.get(f)]
        if diff:
            case.fail("%s: %s agrees with the .mc run" % (label, kind),
                      show({f: m.get(f) for f in diff}),
                      show({f: s.get(f) for f in diff}))
        else:
            case.ok("%s: %s agrees with the .mc run" % (label, kind))
    return case


UNREAD = re.compile(r"cannot open `(/[^']*)': No such file or directory")


def unread_include(case):
    """m4's only errors are includes of absolute paths that are not there:
    on the server those files exist, so bannerlint must call the run
    unverified (exit 3, a note at the include line), not broken.  The first
    (file, line, path), or None."""
    if not case.rejected or not case.errors:
        return None
    hits = [(f, n, UNREAD.search(msg)) for f, n, msg in case.errors]
    if not all(m is not None and not os.path.exists(m.group(1)) and
               written_include(case, f, n, m.group(1)) for f, n, m in hits):
        return None
    f, n, m = hits[0]
    return f, n, m.group(1)


def written_include(case, efile, eline, path):
    """Does line eline of efile include path as written (not a file of the
    cf tree that OSTYPE, DOMAIN or HACK name, which must exist)?"""
    try:
        with open(os.path.join(case.dir, efile), "rb") as f:
            lines = f.read().decode("utf-8", "replace").split("\n")
    except OSError:
        return False
    return 0 < eline <= len(lines) and \
        re.search(r"\binclude\(\s*`%s'" % re.escape(path),
                  lines[eline - 1]) is not None


def check_bad(case, rc, doc, stderr, cwd):
    mrc, merr = case.m4
    if case.errors:
        efile, eline, emsg = case.errors[0]
        epath = os.path.realpath(os.path.join(case.dir, efile))
    else:
        efile, eline, emsg, epath = None, None, merr.strip() or "(no message)", None
    case.note("m4 fails (exit %d): %s%s" % (mrc, emsg, "" if eline is None else
                                            " [%s line %d]" % (efile, eline)))
    case.check("bannerlint exits 2 like m4 (%s)" % emsg, 2, rc)
    diags, errs = diagnostics(doc)
    if eline is None:
        check_error_reported(case, diags, errs, stderr)
        return
    where = "%s line %d" % (efile, eline)
    hit = [x for x in errs if x.get("line") == eline and real(cwd, x.get("file")) == epath]
    stderr_hit = re.search(r"(^|[\s/])%s:%d:(\d+:)?\s*error" % (
        re.escape(os.path.basename(epath)), eline), stderr, re.M)
    if hit or stderr_hit:
        case.ok("error diagnostic at %s" % where)
    else:
        got = ["%s:%s: %s" % (x.get("file"), x.get("line"), x.get("level")) for x in diags]
        case.fail("error diagnostic at %s" % where, show("error at " + where),
                  show(got or stderr.strip()))


def cf_macro_cycle(text):
    """The D lines (line numbers) of a macro cycle reachable from $j or the
    greeting, as sendmail's expand() would follow it until "recursion too
    deep", or an empty set."""
    defs, refs = {}, {}
    greeting = ""
    for n, line in cf_logical_lines(text):
        m = re.match(r"D(\{(\w+)\}|(\w))(.*)", line, re.S)
        if m:
            name = m.group(2) or m.group(3)
            defs[name] = n
            refs[name] = set(a or b for a, b in
                             re.findall(r"\$(?:\{(\w+)\}|(\w))", m.group(4)))
        elif re.match(r"O\s*SmtpGreetingMessage\s*=", line, re.I):
            greeting = line
    start = {"j"} | set(a or b for a, b in
                        re.findall(r"\$(?:\{(\w+)\}|(\w))", greeting))
    found = set()

    def visit(name, path):
        if name in path:
            found.update(defs[x] for x in path[path.index(name):])
            return
        for nxt in refs.get(name, ()):
            if nxt in defs:
                visit(nxt, path + [name])
    for name in start:
        if name in defs:
            visit(name, [])
    return found


def run_cf_case(r, case):
    path = os.path.join(case.path, "sendmail.cf")
    if not os.path.isfile(path):
        case.fail("has sendmail.cf", "a sendmail.cf file", "none")
        return case
    cycle = cf_macro_cycle(read_text(path))
    base = os.path.basename(case.path)
    case.check("a macro cycle in the D lines (a .cf case is named bad-* exactly "
               "when its macros loop)", base.startswith("bad-"), bool(cycle))
    if cycle:
        parent = os.path.dirname(case.path)
        rc, doc, out, err = r.bannerlint_json([base], parent)
        case.check("bannerlint exits 2 on the macro cycle", 2, rc)
        diags, errs = diagnostics(doc)
        hit = [x for x in errs if x.get("line") in cycle and
               os.path.basename(str(x.get("file"))) == "sendmail.cf"]
        if hit:
            case.ok("error diagnostic at a D line of the cycle %s" % sorted(cycle))
        else:
            case.fail("error diagnostic at a D line of the cycle",
                      "an error at line %s" % sorted(cycle), show(diags or err))
        return case
    cf = CfRead(read_text(path))
    exp = cf.expected("<cf_version>", is_cf=True)
    parent = os.path.dirname(case.path)
    label = ".cf"
    rc, doc, out, err = r.bannerlint_json([os.path.basename(case.path)], parent)
    surfaces = check_shape(case, label, rc, doc, out, err)
    if surfaces is None:
        return case
    rpath = os.path.realpath(path)
    for kind, key, fields in (("banner", BANNER_CF, ("configured", "hostname", "value", "greeting")),
                              ("helo", HELO_CF, ("configured", "value", "hostname"))):
        s = pick(case, label, surfaces, kind, key)
        if s is None:
            continue
        compare_fields(case, label, s, exp[kind], fields)
        line = exp[kind]["line"]
        if line is None:
            check_origin(case, label, s, key, None, parent)
        else:
            check_origin(case, label, s, key, (rpath, line, logical_span(path, line)), parent)
    return case


def logical_span(path, line):
    for n, text in cf_logical_lines(read_text(path)):
        if n == line:
            return set(range(n, n + text.count("\n") + 1))
    return {line}


# ------------------------------------------------------------------ dump --

def dump_mc(case):
    print("== %s  (%s style%s)" % (case.name, case.style or "?",
                                  ", built at run time" if case.builtin else ""))
    if case.setup_error:
        print("   setup error: %s" % case.setup_error)
        return
    rc, err = case.m4
    print("   m4 exit %d%s" % (rc, (": " + " | ".join(err.strip().splitlines()))[:400]
                              if err.strip() else ""))
    for c in case.comments:
        print("   # %s" % c)
    if case.rejected:
        for f, n, msg in case.errors:
            print("   error at %s:%d: %s" % (f, n, msg))
        return
    cf = case.cf
    g = cf.opts[BANNER_CF]
    print("   cf greeting  : %s" % ("(no O SmtpGreetingMessage line)" if g is None
                                   else "O SmtpGreetingMessage=" + show(g[1])))
    print("   cf Dj        : %s" % ("(none)" if cf.dj is None else "Dj" + show(cf.dj[1])))
    h = cf.opts[HELO_CF]
    print("   cf HeloName  : %s" % ("(#O HeloName: unset)" if h is None else
                                   "O HeloName" + ("=" + show(h[1]) if h[1] else " (empty)")))
    print("   cf DZ        : %s" % cf.dz)
    for key in (BANNER_MC, HELO_MC):
        o = case.origins.get(key)
        print("   origin %-19s: %s" % (key, "(no define)" if o is None else
                                       "%s:%s" % (rel(o[0], case),
                                                  "/".join(str(n) for n in sorted(o[2])))))
    e = cf.expected("<cf_version>", is_cf=False)
    print("   expected banner value   : %s" % show(e["banner"]["value"]))
    print("   expected greeting       : %s" % show(e["banner"]["greeting"]))
    print("   expected hostname       : %s" % show(e["banner"]["hostname"]))
    print("   expected helo conf/value: %s / %s" % (show(e["helo"]["configured"]),
                                                   show(e["helo"]["value"])))


def dump_cf(case):
    path = os.path.join(case.path, "sendmail.cf")
    print("== %s" % case.name)
    if not os.path.isfile(path):
        print("   no sendmail.cf")
        return
    cf = CfRead(read_text(path))
    e = cf.expected("<cf_version>", is_cf=True)
    print("   configured greeting     : %s (line %s)" % (show(e["banner"]["configured"]),
                                                         e["banner"]["line"]))
    print("   expected banner value   : %s" % show(e["banner"]["value"]))
    print("   expected greeting       : %s" % show(e["banner"]["greeting"]))
    print("   expected hostname       : %s" % show(e["banner"]["hostname"]))
    print("   expected helo conf/value: %s / %s" % (show(e["helo"]["configured"]),
                                                   show(e["helo"]["value"])))


# ------------------------------------------------------------------- main --

def debian_mc(tree_src, tree, dest):
    """DEST/sendmail.mc: the package's debian/sendmail.mc (under TREE_SRC)
    with the cf tree's path rewritten to TREE and its two /etc/mail/m4
    includes to empty stubs in DEST/stub/.  Returns what was done."""
    pristine = os.path.join(tree_src, "debian", "sendmail.mc")
    os.makedirs(os.path.join(dest, "stub"))
    reps = [(PKG_CF_DIR, tree)]
    for stub in DEBIAN_STUBS:
        dst = os.path.join(dest, "stub", os.path.basename(stub))
        with open(dst, "w") as f:
            f.write("dnl # empty stand-in for %s (bannerlint oracle)\n" % stub)
        reps.append((stub, dst))
    shutil.copy(pristine, os.path.join(dest, "sendmail.mc"))
    rewrite_file(os.path.join(dest, "sendmail.mc"), reps)
    return "%s with %s and %s replaced by empty stubs" % (
        os.path.relpath(pristine, ROOT) if pristine.startswith(ROOT)
        else pristine, *DEBIAN_STUBS)


def main():
    ap = arg_parser(
        __doc__, required=False,
        bannerlint="the bannerlint binary (not needed with --dump)",
        fixtures="directory of .mc case directories (fixtures/sendmail)",
        inputs=[("--cf-fixtures", dict(help="directory of .cf case directories "
                                            "(fixtures/sendmail-cf)")),
                ("--cf-tree", dict(
                    default=DEFAULT_TREE,
                    help="the sendmail-cf tree (holding m4/cf.m4; default %s)" %
                         os.path.relpath(DEFAULT_TREE, ROOT))),
                ("--m4", dict(default=None, help="GNU m4 (default: m4 from PATH)"))],
        case="run only this case (repeatable; a .cf case also as cf/NAME; "
             "the Debian case is %s)" % DEBIAN_CASE,
        after_case=[("--skip-debian", dict(
            action="store_true",
            help="do not build the case from the package's debian/sendmail.mc "
                 "(refused when CI=true)"))],
        after_jobs=[("--dump", dict(
            action="store_true",
            help="print what m4 generates and the expected values; no checks"))])
    args = ap.parse_args()
    if not args.fixtures and not args.cf_fixtures:
        ap.error("give --fixtures and/or --cf-fixtures")
    tap = Tap(summary=not args.dump)

    bl = args.bannerlint
    if not args.dump:
        bl = tap.bannerlint(bl)
        if not bl:
            return tap.finish()

    wanted = set(args.case)

    def want(name, cf=False):
        return not wanted or name in wanted or (cf and "cf/" + name in wanted)

    mc_cases, cf_cases = [], []
    if args.cf_fixtures:
        cf_cases = [Case("cf/" + n, p) for n, p in case_dirs(os.path.abspath(args.cf_fixtures))
                    if want(n, cf=True)]
    if args.fixtures:
        mc_cases = [Case(n, p) for n, p in case_dirs(os.path.abspath(args.fixtures))
                    if want(n)]

    m4 = args.m4 or shutil.which("m4")
    need_m4 = bool(args.fixtures)
    tree_src = os.path.abspath(args.cf_tree)
    if need_m4 and (not m4 or not os.access(m4, os.X_OK)):
        tap.missing("GNU m4 found (%s)" % (m4 or "m4 in PATH"))
        need_m4 = False
        mc_cases = []
    if need_m4 and not os.path.isfile(os.path.join(tree_src, "m4", "cf.m4")):
        tap.missing("sendmail-cf tree %s (run tests/setup-components.sh)" % tree_src)
        need_m4 = False
        mc_cases = []

    workdir = tempfile.mkdtemp(prefix="sendmail-oracle-")
    try:
        tree = os.path.join(workdir, "cf")
        if need_m4:
            copy_rewrite(tree_src, tree, [(PKG_CF_DIR, tree)])
            ver = subprocess.run([m4, "--version"], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT).stdout.decode().split("\n")[0]
            print("# %s (%s); cf tree %s copied to a scratch directory, %s rewritten" %
                  (ver, m4, os.path.relpath(tree_src, ROOT)
                   if tree_src.startswith(ROOT) else tree_src, PKG_CF_DIR))
        RUN["tree"] = tree
        r = Runner(m4, bl, tree)

        cases_dir = os.path.join(workdir, "cases")
        os.makedirs(cases_dir)
        os.makedirs(os.path.join(workdir, "generated"))
        for c in mc_cases:
            c.dir = os.path.join(cases_dir, c.name)
            copy_rewrite(c.path, c.dir, [(PKG_CF_DIR, tree)])

        if need_m4 and args.fixtures and (not wanted or DEBIAN_CASE in wanted):
            if not tap.skip_debian(args.skip_debian, "Debian package case"):
                pristine = os.path.join(tree_src, "debian", "sendmail.mc")
                if not os.path.isfile(pristine):
                    tap.missing("Debian sendmail.mc (%s)" % pristine)
                else:
                    c = Case(DEBIAN_CASE, pristine, builtin=True)
                    c.dir = os.path.join(cases_dir, DEBIAN_CASE)
                    print("# %s: %s" % (DEBIAN_CASE,
                                        debian_mc(tree_src, tree, c.dir)))
                    mc_cases.append(c)

        if need_m4 and args.fixtures:
            for name, text in m4_arith_cases():
                if wanted and name not in wanted:
                    continue
                c = Case(name, "(built by this script: m4 arithmetic)", builtin=True)
                c.dir = os.path.join(cases_dir, name)
                os.makedirs(c.dir)
                with open(os.path.join(c.dir, "sendmail.mc"), "w") as f:
                    f.write(text)
                mc_cases.append(c)

        if wanted:
            known = {c.name for c in mc_cases} | {c.name for c in cf_cases} | \
                    {c.name[3:] for c in cf_cases}
            tap.unknown_cases(wanted - known)
        if args.fixtures and not args.case and not [c for c in mc_cases if not c.builtin] \
                and need_m4:
            tap.no_cases(args.fixtures)
        if args.cf_fixtures and not args.case and not cf_cases:
            tap.no_cases(args.cf_fixtures)

        if args.dump:
            run_cases(lambda c: run_m4(r, c, workdir), mc_cases, args.jobs)
            for c in mc_cases:
                dump_mc(c)
            for c in cf_cases:
                dump_cf(c)
            return tap.finish()

        tap.report(run_cases(lambda c: run_mc_case(r, c, workdir), mc_cases, args.jobs)
                   + run_cases(lambda c: run_cf_case(r, c), cf_cases, args.jobs))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())

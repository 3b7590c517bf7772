#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The escaping contract: no byte of input reaches a terminal unescaped.

Builds hostile cases in a temporary directory (control bytes, C1 controls,
bidirectional overrides and bytes that are not UTF-8 in values, keys,
service names, file and directory names, a rules-dir rule and a
.bannerlint.conf), adds every fixture case, and runs every command in every
output format over each. Every output (stdout and stderr) must hold no byte
below 0x20 but newline, no DEL, no C1 control, no bidirectional control,
line or paragraph separator, and must be valid UTF-8.

  escape_contract.py --bannerlint BIN --fixtures DIR
Prints TAP lines and "N passed, N failed"; exit 1 on failure.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

FORMATS = ["text", "gcc", "json", "sarif", "checkstyle", "github"]
HOSTILE = ["\x1b]0;pwned\x07", "\x1b[2J", "\u009b31m", "\u202e", "\u2066",
           "\u2028", "\ufeff", "\x08", "\x7f", "\r"]
RAW = b"\xff\xc0\xaf\x9b"  # not UTF-8 (a stray C1 byte among them)
BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u061c\u200e\u200f"
                 "\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")


def hostile(s):
    return "".join(h + s for h in HOSTILE).encode() + RAW


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_cases(root):
    h = hostile
    cases = []
    d = os.path.join(root.encode(), b"postfix-" + h("dir"))
    write(os.path.join(d, b"main.cf"),
          b"myhostname = mx" + h("x") + b".example.net\n"
          b"smtpd_banner = $myhostname ESMTP " + h("b") + b" $mail_name\n"
          b"smtp_helo_name = " + h("helo") + b"\n"
          b"unknown_" + h("k") + b"\n"
          b"# bannerlint: disable=BL999 -- " + h("why") + b"\n"
          b"# bannerlint: disable=" + h("id") + b"\n"
          b"mail_name = " + h("m") + b"\n")
    write(os.path.join(d, b"master.cf"),
          b"smtp" + h("svc") + b" inet n - y - - smtpd\n"
          b"  -o smtpd_banner=" + h("o") + b"\n"
          b"submission inet n - y - - smtpd -o " + h("x") + b"\n")
    write(os.path.join(d, b".bannerlint.conf"),
          b"hostname = \"" + h("conf") + b"\"\n"
          b"rules-dir = \"rules" + h("r") + b"\"\n"
          b"allow-hostname = {\"" + h("a") + b"\"}\n"
          b"path \"" + h("p") + b"\" { ignore = {\"BL101\"} }\n")
    write(os.path.join(d, b"rules" + h("r"), b"90-x.rules"),
          b"rule BL990 {\n name = \"x-" + h("n").replace(b"\"", b"") +
          b"\"\n severity = \"warning\"\n applies = {\"banner\"}\n"
          b" target = \"value\"\n match = \"ESMTP\"\n"
          b" message = \"" + h("msg") + b" %m\"\n"
          b" explain = \"" + h("explain") + b"\"\n"
          b" refs = {\"" + h("ref") + b"\"}\n}\n")
    cases.append(d)
    e = os.path.join(root.encode(), b"exim-" + h("e"))
    write(os.path.join(e, b"exim.conf"),
          b"primary_hostname = mx" + h("p") + b".example.org\n"
          b"smtp_banner = ${primary_hostname} " + h("s") + b"\n"
          b"M" + h("mac") + b" = 1\n"
          b"begin transports\nremote_smtp:\n driver = smtp\n"
          b" helo_data = " + h("h") + b"\n")
    cases.append(e)
    s = os.path.join(root.encode(), b"sendmail-" + h("s"))
    write(os.path.join(s, b"sendmail.mc"),
          b"define(`confDOMAIN_NAME', `mx" + h("d") + b"')dnl\n"
          b"define(`confSMTP_LOGIN_MSG', `$j " + h("g") + b"')dnl\n"
          b"include(`" + h("inc") + b"')dnl\n")
    write(os.path.join(s, b"sendmail.cf"),
          b"Dj" + h("j") + b"\nO SmtpGreetingMessage=$j " + h("g") + b"\n"
          b"O HeloName=" + h("helo") + b"\n")
    cases.append(s)
    return cases


def check(data):
    """The first offending character of an output, or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8 at byte %d" % e.start
    m = BAD.search(text)
    if m:
        return "raw U+%04X at %d: %r" % (ord(m.group()), m.start(),
                                          text[max(0, m.start() - 30):
                                               m.start() + 10])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--fixtures", required=True)
    a = ap.parse_args()
    # each run has a case directory as its working directory
    a.bannerlint = os.path.abspath(a.bannerlint)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        cases = make_cases(tmp)
        for dialect in sorted(os.listdir(a.fixtures)):
            dd = os.path.join(a.fixtures, dialect)
            if os.path.isdir(dd):
                cases += [os.path.join(dd, c).encode()
                          for c in sorted(os.listdir(dd))
                          if os.path.isdir(os.path.join(dd, c))]
        runs = []
        for c in cases:
            for cmd in ("show", "check"):
                for fmt in FORMATS:
                    if cmd == "show" and fmt not in ("text", "json"):
                        continue
                    runs.append((c, [cmd, "--color", "never", "--format",
                                     fmt, b"."]))
            runs.append((c, ["check", "--color", "always", b"."]))
            runs.append((c, ["check", "--show-config", b"."]))
        # rules and explain read the hostile rules-dir
        pdir = cases[0]
        runs.append((pdir, ["rules", "--rules-dir", b"rules" +
                            hostile("r")]))
        runs.append((pdir, ["explain", "--rules-dir", b"rules" +
                            hostile("r"), "BL990"]))
        runs.append((pdir, ["explain", hostile("no-such-rule")]))
        runs.append((pdir, ["check", "--format", hostile("fmt"), b"."]))
        env = dict(os.environ, LC_ALL="C")
        env.pop("NO_COLOR", None)
        for cwd, args in runs:
            argv = [a.bannerlint.encode()] + [
                x if isinstance(x, bytes) else x.encode() for x in args]
            p = subprocess.run(argv, cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=60)
            name = "%s %s" % (os.path.basename(cwd).decode("utf-8", "replace")
                              .encode("unicode_escape").decode(),
                              b" ".join(argv[1:]).decode("utf-8", "replace")
                              .encode("unicode_escape").decode())
            out, err = p.stdout, p.stderr
            if b"--color" in argv and b"always" in argv:
                # our own colours, and nothing else, may use ESC
                out = re.sub(rb"\x1b\[[0-9;]*m", b"", out)
                err = re.sub(rb"\x1b\[[0-9;]*m", b"", err)
            why = check(out) or check(err)
            if p.returncode < 0 or p.returncode > 3:
                why = "exit status %d" % p.returncode
            if why:
                failed += 1
                print("not ok - %s: %s" % (name, why))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""probe.py - `bannerlint probe` against real Postfix daemons and a hostile
greeter of the test's own (greeter.py), all on ports of 127.0.0.1.

  postfix   one private Postfix configuration directory per case under
            /var/tmp (listed in /etc/postfix/main.cf's
            alternate_config_directories for the run), each started with
            `postfix -c DIR start` on free loopback ports: a leaky banner
            (BL101, BL103; BL503 when probed without --plain), a clean one,
            STARTTLS with a certificate of a test CA made with the openssl
            CLI (valid; expired: BL505 error; expiring in 5 days: BL505
            warning; another name: BL506; no --ca-file: BL504 warning),
            TLS 1.1 only (BL507, when this OpenSSL can still speak it),
            implicit TLS (smtpd_tls_wrappermode) and postscreen with a
            multi-line pre-greeting. openssl s_client and smtplib judge the
            servers independently first, so a failure of bannerlint is not
            a broken fixture
  compare   --compare with the server's own directory (no BL501) and with
            a changed copy (BL501)
  jobs      --jobs 1 and --jobs 4 print the same
  record    --record DIR then `bannerlint check DIR`: the same findings
  hostile   greeter.py: a 1 MB greeting, 20000 lines, no line end, a byte
            a second, garbage bytes, a 554, a reset, silence, a refused
            port: the status, the exit status, the time (within the
            --timeout caps), and no raw server byte in any output format

Every packet goes to 127.0.0.1. Every daemon and greeter is stopped at the
end whatever happens (try/finally and atexit), and the directories are
removed from alternate_config_directories again. Postfix needs root.

BANNERLINT_WRAPPER (meson test --setup valgrind) goes in front of every
bannerlint run (time limits stretched). A missing postfix or openssl, or no
root: a failure with CI=true, else a skip (77). A server that cannot start
fails with CI=true. Exit status 1 when a check fails. Python 3 standard
library only.
"""

import argparse
import atexit
import datetime
import json
import os
import re
import shlex
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap, wrapper_check, write  # noqa: E402  (beside this script)

SKIP = 77
IN_CI = os.environ.get("CI", "") in ("true", "TRUE", "True", "1", "yes")
RUN_TIMEOUT = 120
WRAPPER = shlex.split(os.environ.get("BANNERLINT_WRAPPER", ""))
WRAPPER_EXIT = 99
WRAPPER_REPORT = re.compile(r"^==\d+== ", re.M)
SLOW = 10 if WRAPPER else 1
BANNERLINT = [None]
wrapper_problems = []
HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "mail.bl-test.net"
OTHER = "other.bl-test.net"
POSTFIX_MAIN = "/etc/postfix"
HT = 2          # --timeout of the hostile cases
TLS_RULES = ("BL503", "BL504", "BL505", "BL506", "BL507")
RAW = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]")


def run(argv, timeout=RUN_TIMEOUT, raw=False):
    """(status, stdout, stderr, seconds) of argv; 124 on a timeout.
    bannerlint runs behind BANNERLINT_WRAPPER; raw: bytes, not text"""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("BANNERLINT_WRAPPER", None)
    wrapped = bool(WRAPPER) and argv[0] == BANNERLINT[0]
    if wrapped:
        argv = WRAPPER + list(argv)
        timeout *= SLOW
    t = time.monotonic()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, b"" if raw else "", "timed out after %ds: %s" % (
            timeout, argv), time.monotonic() - t
    except OSError as e:
        return 127, b"" if raw else "", "cannot run %s: %s" % (argv[0], e), 0
    dt = time.monotonic() - t
    err = p.stderr.decode("utf-8", "replace")
    if wrapped and (p.returncode == WRAPPER_EXIT
                    or WRAPPER_REPORT.search(err)):
        wrapper_problems.append((" ".join(argv), p.returncode, err))
    if raw:
        return p.returncode, p.stdout, p.stderr, dt
    return p.returncode, p.stdout.decode("utf-8", "replace"), err, dt


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(port, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:   # bounded by the deadline
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


# --- the test CA (openssl CLI) -------------------------------------------

class CA:
    """a CA and leaves signed with `openssl ca` (dates of our choosing)"""

    def __init__(self, top, openssl):
        self.dir = os.path.join(top, "ca")
        self.openssl = openssl
        os.makedirs(os.path.join(self.dir, "new"))
        write(os.path.join(self.dir, "index.txt"), "")
        write(os.path.join(self.dir, "serial"), "1000\n")
        write(os.path.join(self.dir, "ca.cnf"), """\
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = %s
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = no
[ anything ]
commonName = supplied
""" % self.dir)
        self.pem = os.path.join(self.dir, "ca.pem")
        self.key = os.path.join(self.dir, "ca.key")
        self.ok(["req", "-x509", "-newkey", "rsa:2048", "-nodes",
                 "-keyout", self.key, "-out", self.pem, "-days", "30",
                 "-subj", "/CN=bannerlint probe test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign"])

    def ok(self, args):
        p = subprocess.run([self.openssl] + args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        if p.returncode != 0:
            raise RuntimeError("openssl %s: %s" % (
                " ".join(args), p.stdout.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8", "replace")

    def leaf(self, name, dns, start, end):
        """NAME.pem / NAME.key for DNS (CN and subjectAltName), valid from
        START to END (datetime, UTC)"""
        key = os.path.join(self.dir, name + ".key")
        csr = os.path.join(self.dir, name + ".csr")
        pem = os.path.join(self.dir, name + ".pem")
        ext = os.path.join(self.dir, name + ".ext")
        write(ext, "basicConstraints = CA:FALSE\n"
              "keyUsage = digitalSignature, keyEncipherment\n"
              "extendedKeyUsage = serverAuth\n"
              "subjectAltName = DNS:%s\n" % dns)
        self.ok(["req", "-new", "-newkey", "rsa:2048", "-nodes",
                 "-keyout", key, "-out", csr, "-subj", "/CN=%s" % dns])
        fmt = "%Y%m%d%H%M%SZ"
        self.ok(["ca", "-batch", "-notext", "-config",
                 os.path.join(self.dir, "ca.cnf"), "-cert", self.pem,
                 "-keyfile", self.key, "-in", csr, "-out", pem,
                 "-startdate", start.strftime(fmt),
                 "-enddate", end.strftime(fmt), "-extfile", ext])
        os.chmod(key, 0o600)
        return pem, key


# --- Postfix instances ---------------------------------------------------

MASTER_BASE = """\
# tests/integration/probe.py: chroot off everywhere
cleanup   unix  n       -       n       -       0       cleanup
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
proxymap  unix  -       -       n       -       -       proxymap
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    def __init__(self, top, name, settings, services):
        """settings: main.cf lines after the common ones; services:
        master.cf lines, with {PORT} / {PORT2} for the ports"""
        self.name = name
        # the configuration apart from the queue and data directories
        # (postfix check warns about every postfix-owned file below it)
        self.base = os.path.join(top, name)
        self.dir = os.path.join(self.base, "etc")
        self.port = free_port()
        self.port2 = free_port()
        self.settings = settings
        self.services = services
        self.started = False

    def main_cf(self, settings=None):
        return ("# tests/integration/probe.py case %s\n"
                "compatibility_level = 3.6\n"
                "queue_directory = %s/queue\n"
                "data_directory = %s/data\n"
                "maillog_file = /dev/stdout\n"
                "inet_interfaces = loopback-only\n"
                "inet_protocols = ipv4\n"
                "mynetworks = 127.0.0.0/8\n"
                "myhostname = %s\n"
                "mydomain = bl-test.net\n"
                "myorigin = $myhostname\n"
                "mydestination =\n"
                "biff = no\n"
                "smtpd_tls_loglevel = 0\n"
                % (self.name, self.base, self.base, HOST)
                + (self.settings if settings is None else settings))

    def write(self):
        os.makedirs(self.dir)
        os.makedirs(os.path.join(self.base, "queue"))
        os.makedirs(os.path.join(self.base, "data"))
        shutil.chown(os.path.join(self.base, "data"), "postfix", "postfix")
        write(os.path.join(self.dir, "main.cf"), self.main_cf())
        write(os.path.join(self.dir, "master.cf"), MASTER_BASE + "".join(
            s.replace("{PORT}", str(self.port)).replace(
                "{PORT2}", str(self.port2)) + "\n" for s in self.services))

    def start(self, postfix):
        log = open(os.path.join(self.dir, "start.log"), "wb")
        try:
            # stdout to a file: the master keeps it (maillog_file)
            p = subprocess.run([postfix, "-c", self.dir, "start"],
                               stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, timeout=60)
        except subprocess.TimeoutExpired:
            return False
        finally:
            log.close()
        self.started = True   # stop it anyway: it may have half started
        return p.returncode == 0 and wait_listening(self.port, 15)

    def log(self):
        try:
            with open(os.path.join(self.dir, "start.log"), "rb") as f:
                return f.read()[-3000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def master_pid(self):
        try:
            with open(os.path.join(self.base, "queue", "pid",
                                   "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self, postfix):
        if not self.started:
            return
        self.started = False
        pid = self.master_pid()
        try:
            subprocess.run([postfix, "-c", self.dir, "stop"],
                           stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
        except subprocess.TimeoutExpired:
            pass
        if pid:
            # only the master this test started, by its pid
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except OSError:
                    return
                time.sleep(0.1)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


class Registry:
    """our directories in /etc/postfix/main.cf alternate_config_directories
    for the run, taken out again at the end"""

    def __init__(self, postconf):
        self.postconf = postconf
        self.dirs = []
        self.created = False

    def value(self):
        p = subprocess.run([self.postconf, "-c", POSTFIX_MAIN, "-h",
                            "alternate_config_directories"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=30)
        return [d for d in re.split(r"[\s,]+", p.stdout.decode()) if d]

    def set(self, dirs):
        subprocess.run([self.postconf, "-c", POSTFIX_MAIN, "-e",
                        "alternate_config_directories = " + " ".join(dirs)],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30, check=True)

    def add(self, dirs):
        main = os.path.join(POSTFIX_MAIN, "main.cf")
        if not os.path.exists(main):
            write(main, "# written by tests/integration/probe.py\n")
            self.created = True
        self.dirs = list(dirs)
        cur = self.value()
        self.set(cur + [d for d in dirs if d not in cur])

    def remove(self):
        if not self.dirs:
            return
        try:
            rest = [d for d in self.value() if d not in self.dirs]
            self.set(rest)
            main = os.path.join(POSTFIX_MAIN, "main.cf")
            if self.created and not rest:
                with open(main) as f:
                    body = [ln for ln in f.read().splitlines()
                            if ln.strip() and not ln.startswith("#")
                            and not ln.startswith("alternate_config")]
                if not body:
                    os.unlink(main)
        except (OSError, subprocess.SubprocessError):
            pass
        self.dirs = []


# --- the hostile greeter -------------------------------------------------

class Greeter:
    def __init__(self, behaviour, *extra):
        self.behaviour = behaviour
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "greeter.py"), behaviour,
             "--lifetime", "300"] + list(extra),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True)
        line = self.proc.stdout.readline()
        try:
            self.port = int(line)
        except ValueError:
            self.port = None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc.stdout.close()


# --- independent judges --------------------------------------------------

def smtp_greeting(port, timeout=10):
    """(code, greeting lines, EHLO code, EHLO text) by smtplib"""
    s = smtplib.SMTP(timeout=timeout)
    try:
        code, msg = s.connect("127.0.0.1", port)
        ecode, emsg = s.ehlo("probe-test.bl-test.net")
        s.quit()
        return code, msg.decode("utf-8", "replace"), ecode, \
            emsg.decode("utf-8", "replace")
    finally:
        s.close()


def s_client(openssl, port, extra, timeout=20):
    """openssl s_client's output (stdout + stderr) and status"""
    p = subprocess.run([openssl, "s_client", "-connect",
                        "127.0.0.1:%d" % port] + extra,
                       input=b"QUIT\r\n", stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace")


# --- bannerlint probe ----------------------------------------------------

def probe(args, timeout=RUN_TIMEOUT):
    """(status, JSON document or None, stdout, stderr, seconds)"""
    rc, out, err, dt = run([BANNERLINT[0], "probe", "--format", "json"]
                           + args, timeout)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    return rc, doc, out, err, dt


def rules(doc):
    return sorted({f.get("rule") for f in (doc or {}).get("findings", [])})


def findings(doc, rule=None):
    return [f for f in (doc or {}).get("findings", [])
            if rule is None or f.get("rule") == rule]


def probes(doc):
    p = (doc or {}).get("probes")
    return p if isinstance(p, list) else []


def first_probe(doc):
    p = probes(doc)
    return p[0] if p else {}


def detail(rc, out, err):
    return "exit %s\nstdout: %s\nstderr: %s" % (rc, out[-4000:], err[-2000:])


def frozen(doc):
    """the findings as (rule, severity, message) for comparisons"""
    return sorted((f.get("rule"), f.get("severity"), f.get("message"))
                  for f in findings(doc))


# --- the cases -----------------------------------------------------------

def postfix_cases(tap, pf, openssl, ca, tmp):
    """cases 1-14 against the started instances pf[name]"""
    T = ["--timeout", "10"]
    leaky, clean = pf["leaky"], pf["clean"]
    tv = pf["tls-valid"]

    # 1. leaky banner, --plain
    target = "127.0.0.1:%d" % leaky.port
    rc, doc, out, err, _ = probe(["--plain"] + T + [target])
    d = detail(rc, out, err)
    tap.check(doc is not None, "1 leaky: the JSON reads", d)
    r = rules(doc)
    tap.check("BL101" in r and "BL103" in r,
              "1 leaky: BL101 and BL103 (%s)" % " ".join(r), d)
    tap.check(rc == 1, "1 leaky: exit 1 (%s)" % rc, d)
    p = first_probe(doc)
    tap.check(p.get("greeting") == ["220 %s ESMTP Postfix (Debian/GNU)" % HOST],
              "1 leaky: greeting as Postfix sends it", json.dumps(p)[:3000])
    tap.check(p.get("mode") == "plain" and p.get("status") == "ok"
              and p.get("target") == target and p.get("port") == leaky.port
              and p.get("address") == "127.0.0.1" and p.get("tarpit") is False
              and p.get("tls") is None,
              "1 leaky: probe object (mode plain, status ok, target, port, "
              "address, no tarpit, tls null)", json.dumps(p)[:3000])
    tap.check(any(str(x).startswith("250") for x in p.get("ehlo") or [])
              and isinstance(p.get("transcript"), list)
              and all(t.get("tag") in ("S", "C", "E", "T", "P")
                      for t in p.get("transcript", [])),
              "1 leaky: ehlo 250 and transcript tags S/C/E/T/P",
              json.dumps(p)[:3000])
    tap.check(findings(doc) and all(f.get("file") == p.get("file")
                                    for f in findings(doc)),
              "1 leaky: every finding's file is the probe's file (%s)"
              % p.get("file"), d)

    # 2. clean banner
    rc, doc, out, err, _ = probe(["--plain"] + T
                                 + ["127.0.0.1:%d" % clean.port])
    r = rules(doc)
    tap.check(doc is not None and not [x for x in r if x[:3] in ("BL1", "BL2")],
              "2 clean: no BL1xx/BL2xx finding (%s)" % " ".join(r),
              detail(rc, out, err))
    tap.check(rc == 0, "2 clean: exit 0 (%s)" % rc, detail(rc, out, err))

    # 3. STARTTLS with a valid certificate
    tls = ["--ca-file", ca.pem, "--sni", HOST]
    rc, doc, out, err, _ = probe(tls + T + ["127.0.0.1:%d" % tv.port])
    d = detail(rc, out, err)
    p = first_probe(doc)
    t = p.get("tls") or {}
    r = rules(doc)
    tap.check(p.get("mode") == "starttls" and p.get("starttls_offered") is True,
              "3 valid: mode starttls, STARTTLS offered", d)
    tap.check(t.get("verified") is True and t.get("verify_error") is None,
              "3 valid: verified", d)
    tap.check(t.get("protocol") == "TLSv1.3",
              "3 valid: TLSv1.3 (%s)" % t.get("protocol"), d)
    tap.check(not [x for x in r if x in TLS_RULES],
              "3 valid: no BL503..BL507 (%s)" % " ".join(r), d)
    tap.check(HOST in (t.get("names") or []) and "bannerlint probe test CA"
              in str(t.get("issuer")),
              "3 valid: names and issuer", json.dumps(t))
    dates = [t.get("not_before"), t.get("not_after")]
    tap.check(all(isinstance(x, str) and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", x) for x in dates),
        "3 valid: not_before/not_after as YYYY-MM-DDTHH:MM:SSZ (%s)"
        % dates, json.dumps(t))
    tap.check(any(str(x).startswith("250") for x in p.get("ehlo_tls") or []),
              "3 valid: EHLO after TLS answered", json.dumps(p)[:3000])
    tap.check(rc == 0, "3 valid: exit 0 (%s)" % rc, d)

    # 4. expired, 5. expiring, 6. wrong name
    for case, name, rule, sev in (("4 expired", "tls-expired", "BL505", "error"),
                                  ("5 expiring", "tls-soon", "BL505", "warning"),
                                  ("6 wrong name", "tls-other", "BL506", None)):
        rc, doc, out, err, _ = probe(tls + T
                                     + ["127.0.0.1:%d" % pf[name].port])
        d = detail(rc, out, err)
        got = findings(doc, rule)
        tap.check(got and (sev is None or any(f.get("severity") == sev
                                              for f in got)),
                  "%s: %s%s (%s)" % (case, rule, " " + sev if sev else "",
                                     " ".join(rules(doc))), d)
        tap.check(rc == 1, "%s: exit 1 (%s)" % (case, rc), d)

    # 7. untrusted chain: no --ca-file
    rc, doc, out, err, _ = probe(["--sni", HOST] + T
                                 + ["127.0.0.1:%d" % tv.port])
    d = detail(rc, out, err)
    got = findings(doc, "BL504")
    tap.check(got and all(f.get("severity") == "warning" for f in got)
              and any("chain" in str(f.get("message")).lower() for f in got),
              "7 untrusted: BL504 warning mentioning the chain", d)
    tap.check(not [f for f in findings(doc) if f.get("severity") == "error"],
              "7 untrusted: no error", d)
    tap.check((first_probe(doc).get("tls") or {}).get("verified") is False,
              "7 untrusted: tls.verified false", d)

    # 8. TLS 1.1 only
    t11 = pf.get("tls11")
    src, sout = s_client(openssl, t11.port, [
        "-starttls", "smtp", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
    if src != 0 or not re.search(r"Protocol\s*:\s*TLSv1\.1", sout):
        tap.note("skip: TLS 1.1 not available in this OpenSSL")
        tap.note(sout[-600:])
    else:
        rc, doc, out, err, _ = probe(tls + T + ["127.0.0.1:%d" % t11.port])
        d = detail(rc, out, err)
        tap.check("BL507" in rules(doc), "8 TLS 1.1: BL507 (%s)"
                  % " ".join(rules(doc)), d)
        tap.check((first_probe(doc).get("tls") or {}).get("protocol")
                  == "TLSv1.1", "8 TLS 1.1: tls.protocol TLSv1.1", d)

    # 9. implicit TLS (smtpd_tls_wrappermode)
    rc, doc, out, err, _ = probe(["--tls"] + tls + T
                                 + ["127.0.0.1:%d" % tv.port2])
    d = detail(rc, out, err)
    p = first_probe(doc)
    tap.check(p.get("mode") == "tls" and p.get("status") == "ok"
              and p.get("greeting") == ["220 %s ESMTP" % HOST],
              "9 implicit TLS: mode tls, status ok, the greeting", d)
    tap.check((p.get("tls") or {}).get("verified") is True
              and (p.get("tls") or {}).get("protocol") == "TLSv1.3",
              "9 implicit TLS: TLS facts (verified, TLSv1.3)", d)
    tap.check(rc == 0, "9 implicit TLS: exit 0 (%s)" % rc, d)

    # 10. no STARTTLS offered, probed without --plain
    rc, doc, out, err, _ = probe(T + ["127.0.0.1:%d" % leaky.port])
    d = detail(rc, out, err)
    tap.check("BL503" in rules(doc), "10 no STARTTLS: BL503 (%s)"
              % " ".join(rules(doc)), d)
    tap.check(first_probe(doc).get("starttls_offered") is False,
              "10 no STARTTLS: starttls_offered false", d)

    # 11. postscreen with a pre-greeting
    ps = pf["postscreen"]
    rc, doc, out, err, dt = probe(["--plain"] + T
                                  + ["127.0.0.1:%d" % ps.port])
    d = detail(rc, out, err) + "\npostfix log:\n" + ps.log()
    p = first_probe(doc)
    g = p.get("greeting") or []
    tap.check(len(g) == 2 and g[0].startswith("220-") and g[1].startswith("220 "),
              "11 postscreen: 220- then 220 (%s)" % g, d)
    tap.check(any(str(x).startswith("250") for x in p.get("ehlo") or [])
              and p.get("status") == "ok",
              "11 postscreen: EHLO answered 250, status ok (no hang-up)", d)
    tap.check(dt >= 1.5, "11 postscreen: the probe waited for the "
              "greeting (%.1f s, greet_wait 2 s)" % dt, d)

    # 12. --compare
    rc, doc, out, err, _ = probe(["--plain", "--compare", leaky.dir] + T
                                 + ["127.0.0.1:%d" % leaky.port])
    tap.check(doc is not None and "BL501" not in rules(doc),
              "12 compare: own directory: no BL501 (%s)" % " ".join(rules(doc)),
              detail(rc, out, err))
    changed = os.path.join(tmp, "leaky-changed")
    os.makedirs(changed)
    write(os.path.join(changed, "main.cf"), leaky.main_cf(
        leaky.settings.replace("smtpd_banner = $myhostname ESMTP $mail_name "
                               "(Debian/GNU)",
                               "smtpd_banner = $myhostname ESMTP ready")))
    shutil.copy(os.path.join(leaky.dir, "master.cf"), changed)
    rc, doc, out, err, _ = probe(["--plain", "--compare", changed] + T
                                 + ["127.0.0.1:%d" % leaky.port])
    tap.check("BL501" in rules(doc),
              "12 compare: changed copy: BL501 (%s)" % " ".join(rules(doc)),
              detail(rc, out, err))

    # 13. --jobs 1 and --jobs 4
    targets = ["127.0.0.1:%d" % pf[n].port for n in
               ("leaky", "clean", "tls-valid", "tls-expired", "tls-other",
                "tls-soon")]
    outs = {}
    for fmt in ("text", "json"):
        for j in ("1", "4"):
            rc, out, err, _ = run([BANNERLINT[0], "probe", "--format", fmt,
                                   "--jobs", j]
                                  + tls + T + targets)
            outs[fmt, j] = (rc, out, err)
    a, b = outs["text", "1"], outs["text", "4"]
    tap.check(a[0] == b[0] and a[0] in (0, 1, 3) and a[1] == b[1] and a[1],
              "13 jobs: --jobs 1 and --jobs 4 print the same text "
              "(%d targets, exit %s/%s)" % (len(targets), a[0], b[0]),
              "--jobs 1:\n%s\n--jobs 4:\n%s" % (a[1][-3000:], b[1][-3000:]))
    try:
        j1 = json.loads(outs["json", "1"][1])
        j4 = json.loads(outs["json", "4"][1])
        keyed = [sorted((f.get("file"), f.get("rule"), f.get("severity"),
                         f.get("message")) for f in findings(j))
                 for j in (j1, j4)]
        same = (keyed[0] and keyed[0] == keyed[1]
                and [x.get("target") for x in probes(j1)] == targets
                and [x.get("target") for x in probes(j4)] == targets)
    except ValueError:
        same = False
    tap.check(same, "13 jobs: the same JSON findings, probes in input order",
              outs["json", "1"][1][-2000:] + "\n" + outs["json", "4"][1][-2000:])
    if outs["json", "1"][1] != outs["json", "4"][1]:
        tap.note("13 jobs: the JSON differs between --jobs 1 and 4 "
                 "(timings in it are expected to)")

    # 14. --record then check
    rec = os.path.join(tmp, "record")
    os.makedirs(rec)   # --record takes an existing directory
    rtargets = ["127.0.0.1:%d" % pf[n].port for n in
                ("leaky", "tls-expired", "tls-other")]
    rc, doc, out, err, _ = probe(["--record", rec] + tls + T + rtargets)
    files = sorted(os.listdir(rec)) if os.path.isdir(rec) else []
    tap.check(len([f for f in files if f.endswith(".transcript")]) == 3,
              "14 record: one transcript per probe (%s)" % files,
              detail(rc, out, err))
    rc2, out2, err2, _ = run([BANNERLINT[0], "check", "--format", "json", rec])
    try:
        doc2 = json.loads(out2)
    except ValueError:
        doc2 = None
    tap.check(doc is not None and doc2 is not None
              and frozen(doc) == frozen(doc2) and frozen(doc),
              "14 record: check DIR reports the live run's findings "
              "(%d)" % len(frozen(doc)),
              "live:\n%s\nreplay (exit %s):\n%s\n%s" % (
                  "\n".join(map(str, frozen(doc))), rc2,
                  "\n".join(map(str, frozen(doc2))), err2[-2000:]))
    tap.check(rc2 == rc, "14 record: the same exit status (%s, %s)"
              % (rc, rc2), "")


def hostile_cases(tap, greeters):
    T = ["--timeout", str(HT)]
    cap = 3 * HT + 2

    def one(key, args=()):
        g = greeters[key]
        target = "127.0.0.1:%d" % g.port
        return probe(["--plain"] + T + list(args) + [target])

    # a. huge greetings
    for key in ("huge-line", "many-lines"):
        rc, doc, out, err, dt = one(key)
        d = detail(rc, out, err)
        p = first_probe(doc)
        tap.check("BL502" in rules(doc) or p.get("status") == "capped",
                  "a %s: BL502 or status capped (%s, %s)" % (
                      key, " ".join(rules(doc)), p.get("status")), d)
        tap.check(isinstance(p.get("bytes_received"), int)
                  and p.get("bytes_received") <= 70000,
                  "a %s: bytes_received <= 70000 (%s)" % (
                      key, p.get("bytes_received")), d)
        tap.check(rc == 1, "a %s: exit 1 (%s)" % (key, rc), d)
        tap.check(dt < HT + 1, "a %s: well within the timeout (%.2f s)"
                  % (key, dt), d)

    # b. no line end, g. silence, c. a byte a second
    for key, case, limit in (("no-eol", "b", cap), ("silent", "g", cap),
                             ("slow", "c", HT + 1.5)):
        rc, doc, out, err, dt = one(key)
        d = detail(rc, out, err)
        p = first_probe(doc)
        tap.check(p.get("status") == "timeout" and p.get("phase") == "greeting"
                  and p.get("tarpit") is True,
                  "%s %s: status timeout, phase greeting, tarpit (%s, %s, %s)"
                  % (case, key, p.get("status"), p.get("phase"),
                     p.get("tarpit")), d)
        tap.check(rc == 3, "%s %s: exit 3 (%s)" % (case, key, rc), d)
        tap.check(dt < limit, "%s %s: done in %.2f s (< %.1f)" % (
            case, key, dt, limit), d)

    # d. garbage: BL502, no raw byte in any format
    rc, doc, out, err, dt = one("garbage")
    d = detail(rc, out, err)
    tap.check("BL502" in rules(doc), "d garbage: BL502 (%s)"
              % " ".join(rules(doc)), d)
    tap.check(rc == 1, "d garbage: exit 1 (%s)" % rc, d)
    for fmt in ("text", "json", "gcc", "sarif", "checkstyle", "github"):
        rc, bout, berr, _ = run([BANNERLINT[0], "probe", "--plain",
                                 "--format", fmt] + T
                                + ["127.0.0.1:%d" % greeters["garbage"].port],
                                raw=True)
        bad = RAW.search(bout) or RAW.search(berr)
        tap.check(not bad and rc in (0, 1, 3),
                  "d garbage: --format %s: no raw control or 8-bit byte "
                  "on stdout/stderr (exit %s)" % (fmt, rc),
                  "first raw byte %r at %s\nstdout: %r\nstderr: %r" % (
                      bad.group() if bad else None,
                      bad.start() if bad else None, bout[:1500], berr[:800]))

    # e. a 554 greeting
    rc, doc, out, err, dt = one("reject")
    d = detail(rc, out, err)
    tap.check("BL502" in rules(doc), "e reject: BL502 (%s)"
              % " ".join(rules(doc)), d)
    tap.check(rc == 1, "e reject: exit 1 (%s)" % rc, d)
    tap.check(dt < cap, "e reject: %.2f s" % dt, d)

    # f. reset
    rc, doc, out, err, dt = one("reset")
    d = detail(rc, out, err)
    st = first_probe(doc).get("status")
    tap.check(st in ("reset", "closed"), "f reset: status reset or closed "
              "(%s)" % st, d)
    tap.check(rc == 3, "f reset: exit 3 (%s)" % rc, d)
    tap.check(dt < cap, "f reset: %.2f s" % dt, d)

    # h. refused
    port = free_port()
    rc, doc, out, err, dt = probe(["--plain"] + T + ["127.0.0.1:%d" % port])
    d = detail(rc, out, err)
    p = first_probe(doc)
    tap.check(p.get("status") == "refused", "h refused: status refused (%s)"
              % p.get("status"), d)
    tap.check(rc == 3, "h refused: exit 3 (%s)" % rc, d)
    tap.check(dt < cap, "h refused: %.2f s" % dt, d)

    # all the hostile targets in one run: bounded too
    keys = ("huge-line", "many-lines", "no-eol", "slow", "garbage", "reject",
            "reset", "silent")
    rc, doc, out, err, dt = probe(["--plain"] + T + [
        "127.0.0.1:%d" % greeters[k].port for k in keys])
    tap.check(len(probes(doc)) == len(keys) and rc == 1 and dt < cap * 2,
              "all hostile greeters in one run: %d probes, exit 1, %.2f s"
              % (len(probes(doc)), dt), detail(rc, out, err))


def check_fixtures(tap, pf, openssl, ca):
    """the servers say what the cases assume, judged by smtplib and
    openssl s_client (not by bannerlint)"""
    for name, want in (("leaky", "%s ESMTP Postfix (Debian/GNU)" % HOST),
                       ("clean", "%s ESMTP" % HOST)):
        try:
            code, msg, ecode, emsg = smtp_greeting(pf[name].port)
            ok = code == 220 and msg == want and ecode == 250 \
                and "STARTTLS" not in emsg
        except (OSError, smtplib.SMTPException) as e:
            ok, msg = False, str(e)
        tap.check(ok, "fixture %s: smtplib reads 220 %s, EHLO 250 without "
                  "STARTTLS" % (name, want), msg)

    base = ["-starttls", "smtp", "-CAfile", ca.pem, "-servername", HOST,
            "-verify_hostname", HOST]
    for name, want in (("tls-valid", r"Verify return code: 0 \(ok\)"),
                       ("tls-soon", r"Verify return code: 0 \(ok\)"),
                       ("tls-expired", r"Verify return code: 10 "),
                       ("tls-other", r"Verify return code: 62 ")):
        _, out = s_client(openssl, pf[name].port, base)
        tap.check(re.search(want, out) and "TLSv1.3" in out,
                  "fixture %s: s_client: %s, TLSv1.3" % (name, want.replace(
                      "\\", "")), out[-1500:])
    _, out = s_client(openssl, pf["tls-valid"].port2,
                      ["-CAfile", ca.pem, "-verify_hostname", HOST,
                       "-servername", HOST, "-ign_eof"])
    tap.check("Verify return code: 0 (ok)" in out and "220 " + HOST in out,
              "fixture implicit TLS: s_client verifies and reads the "
              "greeting", out[-1500:])
    # postscreen: a raw socket reads 220- at once and 220 after greet_wait.
    # It talks early on purpose: a client that passed the test would be
    # let through at once next time (no 220- line for the probe of case
    # 11); one that failed it is tested again (postscreen_greet_action =
    # ignore lets it through this time)
    try:
        s = socket.create_connection(("127.0.0.1", pf["postscreen"].port),
                                     timeout=10)
        buf = b""
        early = False
        end = time.monotonic() + 10
        while buf.count(b"\n") < 2 and time.monotonic() < end:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
            if not early and buf.startswith(b"220-") and b"\n" in buf:
                s.sendall(b"NOOP\r\n")
                early = True
        s.sendall(b"QUIT\r\n")
        s.close()
    except OSError as e:
        buf = str(e).encode()
    lines = buf.decode("utf-8", "replace").splitlines()
    tap.check(len(lines) == 2 and lines[0].startswith("220-")
              and lines[1].startswith("220 "),
              "fixture postscreen: a socket reads 220- then 220", repr(buf))


def instances(top, ca):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    day = datetime.timedelta(days=1)
    certs = {
        "tls-valid": ca.leaf("valid", HOST, now - day, now + 365 * day),
        "tls-expired": ca.leaf("expired", HOST, now - 400 * day,
                               now - 35 * day),
        "tls-soon": ca.leaf("soon", HOST, now - day, now + 5 * day),
        "tls-other": ca.leaf("other", OTHER, now - day, now + 365 * day),
        "tls11": ca.leaf("tls11", HOST, now - day, now + 365 * day),
    }
    smtpd = "127.0.0.1:{PORT} inet n - n - - smtpd"
    leaky = "smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)\n"
    clean = "smtpd_banner = $myhostname ESMTP\n"
    out = {
        "leaky": Postfix(top, "leaky", leaky, [smtpd]),
        "clean": Postfix(top, "clean", clean, [smtpd]),
        "postscreen": Postfix(top, "postscreen", clean + (
            "postscreen_access_list =\n"
            "postscreen_greet_action = ignore\n"
            "postscreen_greet_banner = $smtpd_banner\n"
            "postscreen_greet_wait = 2s\n"
            "postscreen_greet_ttl = 1s\n"
            "postscreen_dnsbl_sites =\n"), [
            "127.0.0.1:{PORT} inet n - n - 1 postscreen",
            "smtpd     pass  -       -       n       -       -       smtpd",
            "dnsblog   unix  -       -       n       -       0       dnsblog",
            "tlsproxy  unix  -       -       n       -       0       tlsproxy"]),
    }
    for name, (pem, key) in certs.items():
        s = clean + ("smtpd_tls_security_level = may\n"
                     "smtpd_tls_cert_file = %s\nsmtpd_tls_key_file = %s\n"
                     % (pem, key))
        svc = [smtpd]
        if name == "tls-valid":
            svc.append("127.0.0.1:{PORT2} inet n - n - - smtpd "
                       "-o smtpd_tls_wrappermode=yes")
        if name == "tls11":
            s += ("smtpd_tls_protocols = >=TLSv1.1, <=TLSv1.1\n"
                  "smtpd_tls_mandatory_protocols = >=TLSv1.1, <=TLSv1.1\n"
                  "smtpd_tls_ciphers = medium\n"
                  "tls_medium_cipherlist = DEFAULT:@SECLEVEL=0\n")
        out[name] = Postfix(top, name, s, svc)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--servers-only", action="store_true",
                    help="only the servers and the independent checks")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    a = ap.parse_args()
    BANNERLINT[0] = a.bannerlint

    postfix = shutil.which("postfix") or "/usr/sbin/postfix"
    postconf = shutil.which("postconf") or "/usr/sbin/postconf"
    openssl = shutil.which("openssl")
    missing = [n for n, p in (("postfix", postfix), ("postconf", postconf))
               if not os.access(p, os.X_OK)] + ([] if openssl else ["openssl"])
    if missing or os.geteuid() != 0:
        why = ("%s not installed (tests/setup-components.sh installs them)"
               % ", ".join(missing)) if missing else \
            "not root (a Postfix daemon needs root)"
        print("# " + why)
        if IN_CI:
            print("not ok 1 - postfix and openssl installed, root (CI=true)")
            print("1..1\n0 passed, 1 failed")
            return 1
        return SKIP

    tap = Tap()
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="bannerlint-probe.", dir="/var/tmp")
    os.chmod(tmp, 0o755)
    registry = Registry(postconf)
    pf = {}
    greeters = {}

    def cleanup():
        for g in greeters.values():
            g.stop()
        greeters.clear()
        stoppers = [threading.Thread(target=i.stop, args=(postfix,))
                    for i in pf.values()]
        for th in stoppers:
            th.start()
        for th in stoppers:
            th.join(60)
        registry.remove()

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        has_probe = "probe" in run([BANNERLINT[0], "--help"])[1] + \
            run([BANNERLINT[0], "probe", "--help"])[1]
        ca = CA(tmp, openssl)
        pf.update(instances(tmp, ca))
        registry.add([p.dir for p in pf.values()])
        for inst in pf.values():
            inst.write()
        up = True
        results = {}
        starters = [threading.Thread(
            target=lambda i=inst: results.__setitem__(i.name, i.start(
                postfix))) for inst in pf.values()]
        for th in starters:
            th.start()
        for th in starters:
            th.join(120)
        for inst in pf.values():
            ok = results.get(inst.name, False)
            up = up and ok
            if not ok:
                tap.check(not IN_CI, "postfix %s started on 127.0.0.1:%d"
                          % (inst.name, inst.port), inst.log())
                if not IN_CI:
                    tap.note("postfix %s did not start:\n%s" % (
                        inst.name, inst.log()))
        tap.note("postfix instances %s in %.1f s" % (
            "up" if up else "NOT all up", time.monotonic() - t0))
        for b in ("huge-line", "many-lines", "no-eol", "slow", "garbage",
                  "reject", "reset", "silent"):
            greeters[b] = Greeter(b)
            tap.check(greeters[b].port is not None,
                      "greeter %s listens" % b)
        if up:
            check_fixtures(tap, pf, openssl, ca)
        if a.servers_only:
            pass
        elif not has_probe:
            tap.check(False, "bannerlint has a probe command",
                      "%s --help lists no probe" % BANNERLINT[0])
        else:
            if up:
                postfix_cases(tap, pf, openssl, ca, tmp)
            hostile_cases(tap, greeters)
        wrapper_check(tap, WRAPPER, wrapper_problems)
    finally:
        cleanup()
        if a.keep:
            tap.note("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    tap.note("%.1f s" % (time.monotonic() - t0))
    return tap.end()


if __name__ == "__main__":
    sys.exit(main())

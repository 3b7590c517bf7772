#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""dns.py - `--dns` against a real authoritative server (Debian's NSD) and a
misbehaving one of the test's own, both on loopback ports.

  zones     NSD serves the zones of tests/integration/dns/ (forward, the
            IPv4 reverse zones of 192.0.2.0/24 and 198.51.100.0/24, the
            IPv6 one of 2001:db8::/32) on 127.0.0.1 (and ::1 when the
            machine has it); drill, as an independent judge, confirms that
            the zones say what the cases assume (NXDOMAIN vs NODATA, the
            CNAME chain, the truncated UDP answer and the TCP one)
  outcomes  one Postfix directory per outcome (matching FCrDNS, missing
            A / AAAA / PTR, PTR mismatch, a PTR that does not confirm,
            generic PTRs, CNAME chains and loops, IPv4 and IPv6 apart, an
            answer that needs TCP, HELO names, --ip): `bannerlint check
            --format json --dns live` must exit as expected, fire exactly
            the expected BL40x rules and carry the DNS evidence (SARIF
            too, under properties.evidence); --jobs 1 and 4 agree
  tempfail  a server that never answers, one that answers SERVFAIL, one
            that answers REFUSED, one whose answers carry another ID or
            another question (empty NOERROR answers: NODATA, were they
            believed), a closed port: exit 3, no BL40x finding, within the
            --dns-timeout budget, also for many names at once
  transport the same over ::1 when the machine has IPv6 on loopback
  record    --dns record:FILE then --dns replay:FILE with NSD stopped: the
            same findings; the file holds what the zones say; an edited
            file is honoured, a question it lacks is unverified
  show      `show --dns live` prints the addresses and PTRs
  conf      dns =, resolver = and ip = in .bannerlint.conf
  usage     a missing or malformed replay file, a bad --dns, --resolver or
            --dns-timeout: exit 2

Every address is a documentation address and every packet goes to 127.0.0.1
or ::1. The servers are stopped at the end whatever happens (their process
group is killed); temporary files live under $TMPDIR.

BANNERLINT_WRAPPER (meson test --setup valgrind) goes in front of every
bannerlint run. A missing nsd, nsd-checkzone or drill: a failure with
CI=true, else a skip (77); a server that cannot start is always a failure.
Exit status 1 when a check fails. Python 3 standard library only.
"""

import argparse
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap, wrapper_check, write  # noqa: E402  (beside this script)

SKIP = 77
IN_CI = os.environ.get("CI", "") in ("true", "TRUE", "True", "1", "yes")
RUN_TIMEOUT = 120      # one bannerlint or drill run
# BANNERLINT_WRAPPER (word-split) goes in front of every bannerlint run:
# what `meson test --setup valgrind` sets (tests/valgrind-wrapper.sh, with
# BANNERLINT_TAKES_WRAPPER=1 in meson.build). Exit 99 or a "==PID==" report
# is a failure; the time limits are SLOW times longer.
WRAPPER = shlex.split(os.environ.get("BANNERLINT_WRAPPER", ""))
WRAPPER_EXIT = 99
WRAPPER_REPORT = re.compile(r"^==\d+== ", re.M)
SLOW = 10 if WRAPPER else 1
BANNERLINT = [None]    # the binary, set by main (run() knows it by path)
wrapper_problems = []
ZONE = "fcrdns-test.net"
ZONES = (ZONE, "2.0.192.in-addr.arpa", "100.51.198.in-addr.arpa",
         "8.b.d.0.1.0.0.2.ip6.arpa")
DNS_RULES = ("BL401", "BL402", "BL403", "BL404", "BL405", "BL406")

T_A, T_CNAME, T_SOA, T_PTR, T_TXT, T_AAAA = 1, 5, 6, 12, 16, 28
RCODE = {0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}


def h(label):
    """a name of the test zone"""
    return "%s.%s" % (label, ZONE)


def run(argv, timeout=RUN_TIMEOUT):
    """(status, stdout, stderr) of argv; 124 on a timeout. bannerlint runs
    behind BANNERLINT_WRAPPER, with the time limits stretched; what the
    wrapper reports is kept for wrapper_check"""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("BANNERLINT_WRAPPER", None)
    wrapped = bool(WRAPPER) and argv[0] == BANNERLINT[0]
    if wrapped:
        argv = WRAPPER + list(argv)
        timeout *= SLOW
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %ds: %s" % (timeout, argv)
    except OSError as e:
        return 127, "", "cannot run %s: %s" % (argv[0], e)
    err = p.stderr.decode("utf-8", "replace")
    if wrapped and (p.returncode == WRAPPER_EXIT
                    or WRAPPER_REPORT.search(err)):
        wrapper_problems.append((" ".join(argv), p.returncode, err))
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# --- DNS packets by hand (for probing and for the fake server) ---------

def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        b = label.encode("ascii")
        out += bytes([len(b)]) + b
    return out + b"\0"


def query_packet(qid, name, qtype):
    """a query without EDNS (as bannerlint sends it), RD set"""
    return (struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
            + encode_name(name) + struct.pack("!HH", qtype, 1))


def question_end(msg):
    """offset just past the first question, or None when there is none
    or it is malformed (bounded by the packet: labels only move forward)"""
    if len(msg) < 12 or struct.unpack("!H", msg[4:6])[0] < 1:
        return None
    i = 12
    while i < len(msg):
        n = msg[i]
        if n == 0:
            i += 1
            break
        if n & 0xC0:   # no compression in a question that starts a packet
            return None
        i += 1 + n
    else:
        return None
    i += 4
    return i if i <= len(msg) else None


def reply_packet(msg, rcode):
    """the answer to msg with rcode and nothing else: the ID and question
    copied, QR set, opcode and RD kept; None when msg is no query"""
    if len(msg) < 12:
        return None
    qid, flags = struct.unpack("!HH", msg[:4])
    if flags & 0x8000:   # a response: never answer those
        return None
    end = question_end(msg)
    question = msg[12:end] if end else b""
    flags = 0x8000 | (flags & 0x7900) | (rcode & 0xF)
    return struct.pack("!HHHHHH", qid, flags, 1 if end else 0, 0, 0,
                       0) + question


def udp_ask(host, port, name, qtype, timeout=2.0):
    """(rcode, tc, ancount, size) of one UDP query, or None when nothing
    came back within timeout; one packet sent"""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    qid = int.from_bytes(os.urandom(2), "big")
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(query_packet(qid, name, qtype), (host, port))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            s.settimeout(left)
            try:
                msg = s.recv(65535)
            except (socket.timeout, ConnectionRefusedError):
                return None
            if len(msg) >= 12 and struct.unpack("!H", msg[:2])[0] == qid:
                flags = struct.unpack("!H", msg[2:4])[0]
                return (flags & 0xF, bool(flags & 0x0200),
                        struct.unpack("!H", msg[6:8])[0], len(msg))


class FakeDNS:
    """A DNS server the test controls, UDP and TCP on one loopback port:
    "silent" reads and never answers, "servfail" and "refused" answer
    every query with that RCODE, "wrongid" and "wrongq" with a NOERROR
    answer that is not the answer to the query (see reply). One thread
    per transport plus one per TCP connection, at most MAX_CONN of them;
    everything stops on stop()."""

    MAX_CONN = 16
    MAX_PACKETS = 100000   # a bound on the work of a run, never reached

    def __init__(self, mode, host="127.0.0.1"):
        self.mode = mode
        self.rcode = {"silent": None, "servfail": 2, "refused": 5,
                      "wrongid": 0, "wrongq": 0}[mode]
        self.stopping = threading.Event()
        self.threads = []
        self.conns = []
        self.lock = threading.Lock()
        self.handled = 0
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.port, self.udp, self.tcp = bind_pair(host, fam)
        self.udp.settimeout(0.2)
        self.tcp.settimeout(0.2)
        self.tcp.listen(8)

    def start(self):
        for fn in (self.serve_udp, self.serve_tcp):
            t = threading.Thread(target=fn, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def reply(self, msg):
        """the answer to msg in this mode; "wrongid" and "wrongq" send an
        empty NOERROR answer (a NODATA, were it believed) with another ID
        or with the question's name changed, which a client must ignore"""
        r = reply_packet(msg, self.rcode)
        if r is None or self.mode not in ("wrongid", "wrongq"):
            return r
        r = bytearray(r)
        if self.mode == "wrongid":
            r[1] ^= 0x01
        elif len(r) > 13 and r[12] > 0:
            # the first letter of the first label, another letter (not
            # just another case: names compare ignoring case)
            r[13] = ord("q") if r[13] not in (ord("q"), ord("Q")) \
                else ord("z")
        return bytes(r)

    def count(self):
        with self.lock:
            self.handled += 1
            return self.handled <= self.MAX_PACKETS

    def serve_udp(self):
        while not self.stopping.is_set():
            try:
                msg, peer = self.udp.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if not self.count():
                return
            if self.rcode is not None:
                r = self.reply(msg)
                if r is not None:
                    try:
                        self.udp.sendto(r, peer)
                    except OSError:
                        pass

    def serve_tcp(self):
        while not self.stopping.is_set():
            try:
                c, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                live = [t for t in self.threads[2:] if t.is_alive()]
                if len(live) >= self.MAX_CONN:
                    c.close()
                    continue
                self.conns.append(c)
                t = threading.Thread(target=self.serve_conn, args=(c,),
                                     daemon=True)
                self.threads.append(t)
            t.start()

    def recv_exact(self, c, n):
        buf = b""
        while len(buf) < n and not self.stopping.is_set():
            try:
                part = c.recv(n - len(buf))
            except socket.timeout:
                continue
            except OSError:
                return None
            if not part:
                return None
            buf += part
        return buf if len(buf) == n else None

    def serve_conn(self, c):
        c.settimeout(0.2)
        try:
            while not self.stopping.is_set():
                head = self.recv_exact(c, 2)
                if head is None:
                    return
                msg = self.recv_exact(c, struct.unpack("!H", head)[0])
                if msg is None or not self.count():
                    return
                if self.rcode is not None:
                    r = self.reply(msg)
                    if r is not None:
                        c.sendall(struct.pack("!H", len(r)) + r)
        except OSError:
            pass
        finally:
            c.close()

    def stop(self):
        self.stopping.set()
        for s in [self.udp, self.tcp] + self.conns:
            try:
                s.close()
            except OSError:
                pass
        for t in self.threads:
            t.join(timeout=2)


def bind_pair(host, fam):
    """(port, udp socket, tcp socket) bound to the same free port of host;
    a few tries, as the port found for one may be taken for the other"""
    last = None
    for _ in range(50):
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((host, 0))
        port = t.getsockname()[1]
        u = socket.socket(fam, socket.SOCK_DGRAM)
        try:
            u.bind((host, port))
            return port, u, t
        except OSError as e:
            last = e
            u.close()
            t.close()
    raise RuntimeError("no free port pair on %s: %s" % (host, last))


def free_port(hosts):
    """a port free for UDP and TCP on every host (released again: NSD
    binds it next)"""
    for _ in range(50):
        socks = []
        try:
            fam0 = socket.AF_INET6 if ":" in hosts[0] else socket.AF_INET
            port, u, t = bind_pair(hosts[0], fam0)
            socks += [u, t]
            for other in hosts[1:]:
                fam = socket.AF_INET6 if ":" in other else socket.AF_INET
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    s = socket.socket(fam, kind)
                    socks.append(s)
                    s.bind((other, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no port free on all of %s" % (hosts,))


def have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


# --- NSD -----------------------------------------------------------------

class Nsd:
    """NSD in the foreground (-d) in its own process group, on a free port
    of 127.0.0.1 (and ::1), serving the zone files of zonesdir."""

    def __init__(self, nsd, zonesdir, tmp, ipv6):
        self.nsd = nsd
        self.zonesdir = os.path.abspath(zonesdir)
        self.dir = os.path.join(tmp, "nsd")
        os.makedirs(self.dir)
        self.hosts = ["127.0.0.1"] + (["::1"] if ipv6 else [])
        self.port = None
        self.proc = None
        self.log = os.path.join(self.dir, "nsd.log")

    def config(self):
        d = self.dir
        lines = ["server:"]
        lines += ["\tip-address: %s@%d" % (a, self.port) for a in self.hosts]
        lines += [
            "\tport: %d" % self.port,
            "\tdo-ip4: yes",
            "\tdo-ip6: %s" % ("yes" if len(self.hosts) > 1 else "no"),
            '\tusername: ""',
            '\tchroot: ""',
            '\tzonesdir: "%s"' % self.zonesdir,
            '\tdatabase: ""',
            '\tpidfile: "%s/nsd.pid"' % d,
            '\txfrdfile: "%s/xfrd.state"' % d,
            '\tzonelistfile: "%s/zone.list"' % d,
            '\tlogfile: "%s"' % self.log,
            "\tserver-count: 1",
            "\tverbosity: 1",
            "remote-control:",
            "\tcontrol-enable: no",
        ]
        for z in ZONES:
            lines += ["zone:", "\tname: %s" % z, "\tzonefile: %s.zone" % z]
        return "\n".join(lines) + "\n"

    def start(self, tries=3):
        """start, wait until it answers; RuntimeError with NSD's log when
        it does not (a few ports are tried: another user may take one)"""
        err = ""
        for _ in range(tries):
            self.port = free_port(self.hosts)
            conf = os.path.join(self.dir, "nsd.conf")
            write(conf, self.config())
            out = open(os.path.join(self.dir, "nsd.out"), "wb")
            self.proc = subprocess.Popen(
                [self.nsd, "-d", "-c", conf], stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            out.close()
            if self.wait_ready(10.0):
                return
            err = self.logs()
            self.stop()
        raise RuntimeError("NSD did not start:\n" + err)

    def wait_ready(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if all(udp_ask(a, self.port, ZONE, T_SOA, 0.3) is not None
                   for a in self.hosts):
                return True
            time.sleep(0.1)
        return False

    def logs(self):
        text = ""
        for f in ("nsd.out", "nsd.log"):
            p = os.path.join(self.dir, f)
            if os.path.exists(p):
                text += "--- %s\n%s" % (f, read(p))
        return text

    def stop(self):
        """TERM the process group, KILL it when it lingers; idempotent"""
        if self.proc is None:
            return
        pgid = self.proc.pid
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # NSD's children (xfrd, the server) leave a moment later
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    os.killpg(pgid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                continue
            break
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None


# --- the outcomes ----------------------------------------------------------

class Case:
    """One Postfix directory and what `check --dns live` must say of it.

    evidence: (rule, type, subject, status, data) tuples; some finding of
    the rule must carry an evidence entry with that type, subject and
    status whose data include data (None: anything)."""

    def __init__(self, name, host, rules=(), status=None, ips=(), helo=None,
                 evidence=(), surface=None, extra_rules=(), why=""):
        self.name = name
        self.host = host
        self.rules = set(rules)
        self.ips = list(ips)
        self.helo = helo
        self.evidence = list(evidence)
        self.surface = surface   # the surface kind every BL40x finding has
        self.extra_rules = set(extra_rules)  # non-DNS rules expected
        self.why = why
        if status is None:
            status = 1 if self.rules or self.extra_rules else 0
        self.status = status

    def main_cf(self):
        text = ("# tests/integration/dns.py case %s: %s\n"
                "myhostname = %s\n"
                "smtpd_banner = $myhostname ESMTP\n"
                % (self.name, self.why, self.host))
        if self.helo:
            text += "smtp_helo_name = %s\n" % self.helo
        return text


CASES = [
    Case("fcrdns", h("mx1"),
         why="A and AAAA, PTRs name it back"),
    Case("fcrdns-ip", h("mx1"), ips=["192.0.2.10", "2001:db8::10"],
         why="the same with both addresses given"),
    Case("fcrdns-ip4", h("mx1"), ips=["192.0.2.10"],
         why="an IPv4 --ip alone: the AAAA is not asked for"),
    Case("fcrdns-capitals", "MX1.FCRDNS-TEST.NET",
         why="the configured name in capitals"),
    Case("no-address-nodata", h("noaddr"), ["BL401"],
         evidence=[("BL401", "a", h("noaddr"), "nodata", None),
                   ("BL401", "aaaa", h("noaddr"), "nodata", None)],
         why="the name exists without A or AAAA"),
    Case("no-address-nxdomain", h("gone"), ["BL401"],
         evidence=[("BL401", "a", h("gone"), "nxdomain", None),
                   ("BL401", "aaaa", h("gone"), "nxdomain", None)],
         why="no such name"),
    Case("missing-aaaa", h("v4only"),
         why="IPv4 only, no IPv6 address given: nothing wrong"),
    Case("missing-aaaa-ip", h("v4only"), ["BL401", "BL403"],
         ips=["192.0.2.11", "2001:db8::11"],
         evidence=[("BL401", "aaaa", h("v4only"), "nodata", None),
                   ("BL403", "ptr", "2001:db8::11", "nxdomain", None)],
         why="an IPv6 --ip, no AAAA, no PTR for it"),
    Case("missing-a", h("v6only"),
         why="IPv6 only, no IPv4 address given: nothing wrong"),
    Case("missing-a-ip", h("v6only"), ["BL401", "BL405"],
         ips=["2001:db8::12", "192.0.2.12"],
         evidence=[("BL401", "a", h("v6only"), "nodata", None),
                   ("BL405", "ptr", "192.0.2.12", "found", [h("v6only")]),
                   ("BL405", "a", h("v6only"), "nodata", None)],
         why="an IPv4 --ip, no A; its PTR names the host, which has no A"),
    Case("no-ptr-nxdomain", h("noptr"), ["BL403"],
         evidence=[("BL403", "ptr", "192.0.2.13", "nxdomain", None),
                   ("BL403", "ptr", "2001:db8::13", "nxdomain", None)],
         why="neither address has a reverse name"),
    Case("no-ptr-nodata", h("nodataptr"), ["BL403"],
         evidence=[("BL403", "ptr", "192.0.2.14", "nodata", None)],
         why="the reverse name exists without a PTR"),
    Case("ptr-mismatch", h("mismatch"), ["BL404"],
         evidence=[("BL404", "ptr", "192.0.2.20", "found", [h("other")])],
         why="the PTR names another host, which resolves back"),
    Case("ptr-target-nxdomain", h("unconf"), ["BL404", "BL405"],
         evidence=[("BL404", "ptr", "192.0.2.21", "found", [h("ghost")]),
                   ("BL405", "a", h("ghost"), "nxdomain", None)],
         why="the PTR names a name that does not exist"),
    Case("ptr-target-elsewhere", h("unconf2"), ["BL404", "BL405"],
         evidence=[("BL405", "a", h("elsewhere"), "found",
                    ["198.51.100.200"])],
         why="the PTR names a host with another address"),
    Case("ptr-one-unconfirmed", h("multi"), ["BL405"],
         evidence=[("BL405", "ptr", "192.0.2.23", "found",
                    [h("multi"), h("ghost2")]),
                   ("BL405", "a", h("ghost2"), "nodata", None)],
         why="two PTRs, the host's own and one without an A"),
    Case("generic-ptr", h("genptr"), ["BL404", "BL406"],
         evidence=[("BL406", "ptr", "192.0.2.77", "found",
                    [h("192-0-2-77.dsl")])],
         why="the only PTR is generic (and confirms)"),
    Case("generic-second-ptr", h("gen2"), ["BL406"],
         evidence=[("BL406", "ptr", "192.0.2.78", "found",
                    [h("dyn-78.pool")])],
         why="the host's own PTR and a generic one, both confirm"),
    Case("generic-second-ptr6", h("gen6"), ["BL406"],
         evidence=[("BL406", "ptr", "2001:db8::77", "found",
                    [h("host77.dyn")])],
         why="the same over IPv6"),
    Case("cname-chain", h("chain"),
         why="two CNAMEs to an A whose PTR names the first name"),
    Case("cname-alias", h("alias"), ["BL404"],
         evidence=[("BL404", "ptr", "192.0.2.10", "found", [h("mx1")])],
         why="a CNAME to mx1, whose PTRs name mx1, not the alias"),
    Case("cname-loop", h("loop1"), status=3,
         why="a CNAME loop cannot be answered: unverified"),
    Case("cname-too-long", h("long"), status=3,
         why="10 CNAMEs, more than bannerlint follows: unverified"),
    Case("families-apart", h("mixed"), ["BL404"],
         evidence=[("BL404", "ptr", "2001:db8::40", "found", [h("other6")])],
         why="the IPv4 PTR confirms, the IPv6 one names another host"),
    Case("truncated-tcp", h("big"),
         why="40 A records: the UDP answer is truncated, TCP has them all"),
    Case("ip-mismatch", h("mx1"), ["BL402", "BL405"], ips=["192.0.2.99"],
         evidence=[("BL402", "a", h("mx1"), "found", ["192.0.2.10"])],
         why="an --ip the name does not resolve to (its PTR names mx1)"),
    Case("ip-mismatch6", h("mx1"), ["BL402", "BL403"], ips=["2001:db8::99"],
         evidence=[("BL402", "aaaa", h("mx1"), "found", ["2001:db8::10"]),
                   ("BL403", "ptr", "2001:db8::99", "nxdomain", None)],
         why="an IPv6 --ip the name does not resolve to, without a PTR"),
    Case("helo-no-ptr", h("mx1"), ["BL403"], helo=h("noptr"),
         surface="helo", extra_rules=["BL301"],
         evidence=[("BL403", "ptr", "192.0.2.13", "nxdomain", None)],
         why="a good banner name, a HELO name without PTRs"),
]


def bl_check(bl, dirs, resolver, dns="live", ips=(), extra=(),
             timeout=RUN_TIMEOUT):
    argv = [bl, "check", "--format", "json"]
    if dns is None:   # from the .bannerlint.conf of the directory
        pass
    else:
        argv += ["--no-config", "--dns", dns]
    if resolver:
        argv += ["--resolver", resolver]
    for ip in ips:
        argv += ["--ip", ip]
    argv += list(extra) + list(dirs)
    t0 = time.monotonic()
    rc, out, err = run(argv, timeout)
    took = time.monotonic() - t0
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    return argv, rc, out, err, doc, took


def findings(doc):
    return doc.get("findings", []) if isinstance(doc, dict) else []


def dns_rules(doc):
    return {f.get("rule") for f in findings(doc)
            if str(f.get("rule", "")).startswith("BL40")}


def evidence_has(doc, rule, typ, subject, status, data):
    for f in findings(doc):
        if f.get("rule") != rule:
            continue
        for e in f.get("evidence") or []:
            if (e.get("type") == typ
                    and same_subject(e.get("name"), subject)
                    and e.get("status") == status
                    and (data is None
                         or all(any(same_subject(d, x)
                                    for x in e.get("data") or [])
                                for d in data))):
                return True
    return False


def same_subject(a, b):
    """names ignoring case and a final dot; addresses in any spelling"""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a.lower().rstrip(".") == b.lower().rstrip(".")


def describe(argv, rc, out, err):
    return ("$ %s\nexit %d\n--- stdout\n%s--- stderr\n%s"
            % (" ".join(argv), rc, out[-6000:], err[-3000:]))


def judge_case(tap, c, argv, rc, out, err, doc, label=None):
    """the checks of one `check --dns` run against case c"""
    label = label or c.name
    info = describe(argv, rc, out, err)
    if not tap.check(doc is not None, "%s: JSON output" % label, info):
        return
    got = dns_rules(doc)
    tap.check(rc == c.status, "%s: exit %d" % (label, c.status), info)
    tap.check(got == c.rules, "%s: BL40x fired: %s" % (
        label, " ".join(sorted(c.rules)) or "none"),
        "got: %s\n%s" % (" ".join(sorted(got)) or "none", info))
    others = {f.get("rule") for f in findings(doc)} - got
    tap.check(others == c.extra_rules, "%s: other rules: %s" % (
        label, " ".join(sorted(c.extra_rules)) or "none"),
        "got: %s\n%s" % (" ".join(sorted(others)) or "none", info))
    bad = []
    for f in findings(doc):
        if f.get("rule") not in DNS_RULES:
            continue
        ev = f.get("evidence")
        if not ev or not all(isinstance(e, dict) and e.get("type") in
                             ("a", "aaaa", "ptr") and e.get("name")
                             and e.get("status") in ("found", "nxdomain",
                                                     "nodata", "tempfail")
                             for e in ev):
            bad.append("%s: evidence missing or malformed: %r"
                       % (f.get("rule"), ev))
        elif not any(str(e.get("name")).lower().rstrip(".")
                     in str(f.get("message", "")).lower() for e in ev):
            bad.append("%s: the message names no evidence subject: %r"
                       % (f.get("rule"), f.get("message")))
        if c.surface and (f.get("surface") or {}).get("kind") != c.surface:
            bad.append("%s: on surface %r, not %s"
                       % (f.get("rule"), f.get("surface"), c.surface))
    if got:
        tap.check(not bad, "%s: every BL40x finding carries its evidence"
                  % label, "\n".join(bad) + "\n" + info)
    for (rule, typ, subj, status, data) in c.evidence:
        tap.check(evidence_has(doc, rule, typ, subj, status, data),
                  "%s: %s evidence %s %s %s%s" % (
                      label, rule, typ, subj, status,
                      " " + ",".join(data) if data else ""), info)
    unv = (doc.get("summary") or {}).get("unverified")
    if c.status == 3:
        tap.check(isinstance(unv, int) and unv > 0,
                  "%s: summary counts unverified answers" % label, info)
    else:
        tap.check(unv == 0, "%s: nothing unverified" % label, info)


# --- the parts of the test ------------------------------------------------

def test_zones(tap, drill, port, ipv6):
    """drill (and one raw query) confirm what the cases assume"""

    def dig(args, host="127.0.0.1"):
        """drill [OPTION...] NAME @HOST [TYPE]; args: [OPTION...] NAME TYPE,
        or -x ADDRESS"""
        if args[0] == "-x":
            argv = [drill, "-p", str(port), "-x", args[1], "@" + host]
        else:
            argv = ([drill, "-p", str(port)] + args[:-2]
                    + [args[-2], "@" + host, args[-1]])
        rc, out, err = run(argv, 30)
        rcode = ""
        answers = []
        section = None
        for line in out.splitlines():
            if "rcode:" in line:
                rcode = line.split("rcode:")[1].split(",")[0].strip()
            if line.startswith(";; ") and line.endswith("SECTION:"):
                section = line
                continue
            if section == ";; ANSWER SECTION:" and line and \
                    not line.startswith(";"):
                f = line.split()
                answers.append((f[0].lower().rstrip("."), f[3],
                                f[4].lower().rstrip(".")))
        return argv, rc, out + err, rcode, answers

    def expect(args, rcode, want, host="127.0.0.1", label=None):
        argv, rc, out, got_rcode, answers = dig(args, host)
        data = sorted(a[2] for a in answers)
        ok = rc == 0 and got_rcode == rcode and sorted(want) == data
        shown = " ".join(want) if len(want) < 5 else "%d records" % len(want)
        tap.check(ok, "drill %s: %s %s" % (
            label or " ".join(args), rcode, shown or "(empty)"),
            "$ %s\n%s" % (" ".join(argv), out))
        return answers

    expect([h("mx1"), "A"], "NOERROR", ["192.0.2.10"])
    expect([h("mx1"), "AAAA"], "NOERROR", ["2001:db8::10"])
    expect(["-x", "192.0.2.10"], "NOERROR", [h("mx1")])
    expect(["-x", "2001:db8::10"], "NOERROR", [h("mx1")])
    expect([h("noaddr"), "A"], "NOERROR", [], label="noaddr A (NODATA)")
    expect([h("gone"), "A"], "NXDOMAIN", [])
    expect(["-x", "192.0.2.13"], "NXDOMAIN", [])
    expect(["-x", "2001:db8::13"], "NXDOMAIN", [])
    expect(["-x", "192.0.2.14"], "NOERROR", [], label="-x 192.0.2.14 (NODATA)")
    expect(["-x", "192.0.2.20"], "NOERROR", [h("other")])
    expect(["-x", "2001:db8::40"], "NOERROR", [h("other6")])
    expect(["-x", "192.0.2.78"], "NOERROR", [h("gen2"), h("dyn-78.pool")])
    expect([h("chain"), "A"], "NOERROR",
           [h("chain-hop"), h("chain-end"), "192.0.2.30"])
    expect([h("loop1"), "A"], "NOERROR", [h("loop2"), h("loop1")])
    # the big answer: truncated over UDP without EDNS, whole over TCP
    r = udp_ask("127.0.0.1", port, h("big"), T_A)
    tap.check(r is not None and r[0] == 0 and r[1],
              "UDP query of big without EDNS: TC set", "got %r" % (r,))
    expect(["-t", h("big"), "A"], "NOERROR",
           ["198.51.100.%d" % i for i in range(1, 41)],
           label="-t big A (TCP, 40 records)")
    if ipv6:
        expect([h("mx1"), "A"], "NOERROR", ["192.0.2.10"], host="::1",
               label="mx1 A over ::1")


def test_fake(tap, drill, fakes):
    """the fake servers behave: SERVFAIL, REFUSED, silence (UDP and TCP)"""
    for mode in ("wrongid", "wrongq"):
        qid = 0x1234
        q = query_packet(qid, h("mx1"), T_A)
        r = fakes[mode].reply(q)
        good = reply_packet(q, 0)
        tap.check(r is not None and len(r) == len(good) and r != good
                  and (r[:2] != good[:2]) == (mode == "wrongid"),
                  "fake %s server: its answer differs from the right one "
                  "in the %s only" % (mode, "ID" if mode == "wrongid"
                                      else "question"),
                  "right %r\ngot   %r" % (good, r))
    for mode, rcode in (("servfail", 2), ("refused", 5)):
        f = fakes[mode]
        r = udp_ask("127.0.0.1", f.port, h("mx1"), T_A)
        tap.check(r is not None and r[0] == rcode and r[2] == 0,
                  "fake %s server answers %s over UDP" % (mode, RCODE[rcode]),
                  "got %r" % (r,))
        argv = [drill, "-t", "-p", str(f.port), "@127.0.0.1", h("mx1"), "A"]
        rc, out, err = run(argv, 30)
        tap.check("rcode: " + RCODE[rcode] in out,
                  "drill -t against the fake %s server" % mode,
                  "$ %s\n%s%s" % (" ".join(argv), out, err))
    r = udp_ask("127.0.0.1", fakes["silent"].port, h("mx1"), T_A, 0.5)
    tap.check(r is None, "fake silent server does not answer over UDP",
              "got %r" % (r,))
    got = b""
    with socket.create_connection(("127.0.0.1", fakes["silent"].port),
                                  timeout=2) as s:
        q = query_packet(1, h("mx1"), T_A)
        s.sendall(struct.pack("!H", len(q)) + q)
        s.settimeout(0.5)
        try:
            got = s.recv(512)
        except socket.timeout:
            pass
    tap.check(got == b"", "fake silent server does not answer over TCP",
              "got %r" % (got,))


def test_cases(tap, bl, tmp, port, ipv6):
    resolver = "127.0.0.1:%d" % port
    total = 0.0
    for c in CASES:
        d = os.path.join(tmp, "cases", c.name)
        write(os.path.join(d, "main.cf"), c.main_cf())
        argv, rc, out, err, doc, took = bl_check(bl, [d], resolver,
                                                 ips=c.ips)
        total += took
        judge_case(tap, c, argv, rc, out, err, doc)
    tap.note("%d live cases in %.2fs" % (len(CASES), total))
    # SARIF carries the same evidence under properties.evidence
    d = os.path.join(tmp, "cases", "ptr-mismatch")
    argv = [bl, "check", "--no-config", "--format", "sarif", "--dns", "live",
            "--resolver", resolver, d]
    rc, out, err = run(argv)
    info = describe(argv, rc, out, err)
    try:
        results = json.loads(out)["runs"][0]["results"]
    except (ValueError, KeyError, IndexError, TypeError):
        results = []
    ev = [e for r in results if r.get("ruleId") == "BL404"
          for e in (r.get("properties") or {}).get("evidence") or []]
    tap.check(rc == 1 and any(
        e.get("type") == "ptr" and same_subject(e.get("name"), "192.0.2.20")
        and e.get("status") == "found" and h("other") in (e.get("data") or [])
        for e in ev), "sarif: BL404 with properties.evidence ptr 192.0.2.20",
        info)
    if ipv6:
        for name in ("fcrdns", "no-ptr-nxdomain", "truncated-tcp"):
            c = next(x for x in CASES if x.name == name)
            d = os.path.join(tmp, "cases", c.name)
            argv, rc, out, err, doc, took = bl_check(
                bl, [d], "[::1]:%d" % port, ips=c.ips)
            judge_case(tap, c, argv, rc, out, err, doc,
                       label="%s over ::1" % name)


def test_tempfail(tap, bl, tmp, fakes, closed_port):
    """a resolver that cannot answer: exit 3, no BL40x finding, bounded"""
    d = os.path.join(tmp, "cases", "tempfail")
    write(os.path.join(d, "main.cf"), Case(
        "tempfail", h("mx1"), why="asked of a server that cannot answer"
    ).main_cf())
    # (label, port, options, at least, at most): a silent server is waited
    # for about the budget, not less (it was really asked) and not much
    # more (the budget holds); the limits leave room for a slow machine
    targets = [("silent", fakes["silent"].port, ["--dns-timeout", "1"],
                0.8, 10),
               ("silent-half-second", fakes["silent"].port,
                ["--dns-timeout", "0.5"], 0.4, 6),
               ("servfail", fakes["servfail"].port, [], 0, 10),
               ("refused", fakes["refused"].port, [], 0, 10),
               ("closed-port", closed_port, ["--dns-timeout", "1"], 0, 10),
               ("wrong-id", fakes["wrongid"].port, ["--dns-timeout", "1"],
                0.8, 10),
               ("wrong-question", fakes["wrongq"].port,
                ["--dns-timeout", "1"], 0.8, 10)]
    for label, p, extra, least, most in targets:
        c = Case(label, h("mx1"), status=3)
        argv, rc, out, err, doc, took = bl_check(
            bl, [d], "127.0.0.1:%d" % p, extra=extra, timeout=most + 60)
        judge_case(tap, c, argv, rc, out, err, doc, label="tempfail " + label)
        most *= SLOW
        tap.check(least <= took < most, "tempfail %s: done in %.1fs "
                  "(%.1fs to %ds)" % (label, took, least, most))
    # many names against a silent server: the questions wait together, so
    # the run takes about one budget, not one per question (more than 100
    # questions here; one after the other they would take minutes)
    dirs = [os.path.join(tmp, "cases", c.name) for c in RECORDED
            if not c.extra_rules]   # only DNS could find anything
    argv, rc, out, err, doc, took = bl_check(
        bl, dirs, "127.0.0.1:%d" % fakes["silent"].port,
        extra=["--dns-timeout", "1"], timeout=120)
    info = describe(argv, rc, out, err)
    tap.check(rc == 3 and doc is not None and not findings(doc)
              and (doc.get("summary") or {}).get("unverified", 0) > 0,
              "tempfail silent, %d directories: exit 3, no finding, unverified"
              % len(dirs),
              info)
    tap.check(took < 15 * SLOW, "tempfail silent, %d directories: done in "
              "%.1fs (< %ds: concurrent)" % (len(dirs), took, 15 * SLOW), info)
    c = Case("tempfail-ip", h("mx1"), status=3)
    argv, rc, out, err, doc, took = bl_check(
        bl, [d], "127.0.0.1:%d" % fakes["servfail"].port,
        ips=["192.0.2.10", "2001:db8::10"])
    judge_case(tap, c, argv, rc, out, err, doc, label="tempfail servfail --ip")


# the cases recorded in one run (the --ip ones have their own runs)
RECORDED = [c for c in CASES if not c.ips]


def test_record(tap, bl, tmp, port):
    """record the live answers; returns what the replays compare with"""
    resolver = "127.0.0.1:%d" % port
    runs = []
    rec = os.path.join(tmp, "record", "all.dns")
    os.makedirs(os.path.dirname(rec))
    dirs = [os.path.join(tmp, "cases", c.name) for c in RECORDED]
    argv, rc, out, err, doc, _ = bl_check(bl, dirs, resolver,
                                          dns="record:" + rec)
    tap.check(doc is not None and rc == 1 and os.path.exists(rec),
              "record: %d directories in one run, file written"
              % len(dirs), describe(argv, rc, out, err))
    live = {}
    for c in RECORDED:
        live[c.name] = dns_rules({"findings": [
            f for f in findings(doc)
            if f.get("instance", "").rstrip("/").endswith("/" + c.name)]})
    wrong = ["%s: %s, alone %s" % (c.name, sorted(live[c.name]),
                                   sorted(c.rules))
             for c in RECORDED if live[c.name] != c.rules]
    tap.check(not wrong, "record: each directory's BL40x as when alone",
              "\n".join(wrong) + "\n" + describe(argv, rc, out, err))
    runs.append(("all", dirs, [], rec, rc, doc))
    # one resolver shared by the workers: the output is the same with one
    # job and with several
    outs = {}
    for jobs in ("1", "4"):
        a2, rc2, out2, err2, doc2, _ = bl_check(bl, dirs, resolver,
                                                extra=["--jobs", jobs])
        outs[jobs] = (rc2, out2)
        tap.check(doc2 is not None and findings(doc2) == findings(doc),
                  "live --jobs %s: the findings of the record run" % jobs,
                  describe(a2, rc2, out2, err2))
    tap.check(outs["1"] == outs["4"], "live: --jobs 1 and --jobs 4 give "
              "the same output and exit status")
    for c in CASES:
        if not c.ips:
            continue
        f = os.path.join(tmp, "record", c.name + ".dns")
        d = os.path.join(tmp, "cases", c.name)
        a2, rc2, out2, err2, doc2, _ = bl_check(bl, [d], resolver,
                                                dns="record:" + f, ips=c.ips)
        judge_case(tap, c, a2, rc2, out2, err2, doc2,
                   label="record %s" % c.name)
        runs.append((c.name, [d], c.ips, f, rc2, doc2))
    if os.path.exists(rec):
        check_record_file(tap, read(rec))
    return runs


def record_lines(text):
    """{(type, subject): the rest of the line split}"""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split()
        if len(f) >= 3:
            out[(f[0], f[1])] = f[2:]
    return out


def check_record_file(tap, text):
    lines = record_lines(text)
    tap.check(text.startswith("# bannerlint dns 1\n"),
              "record file: header line", text[:200])

    def has(typ, subj, status, data=(), cnames=()):
        got = lines.get((typ, subj))
        ok = (got is not None and got[0] == status
              and set(data) <= set(x for x in got[1:]
                                   if not x.startswith("cname="))
              and [x[6:] for x in got[1:] if x.startswith("cname=")]
              == list(cnames))
        tap.check(ok, "record file: %s %s %s%s%s" % (
            typ, subj, status, " " + " ".join(data) if data else "",
            "".join(" cname=" + x for x in cnames)),
            "line: %r\n%s" % (got, text[:3000]))

    has("a", h("mx1"), "found", ["192.0.2.10"])
    has("aaaa", h("mx1"), "found", ["2001:db8::10"])
    has("ptr", "192.0.2.10", "found", [h("mx1")])
    has("ptr", "2001:db8::10", "found", [h("mx1")])
    has("a", h("noaddr"), "nodata")
    has("aaaa", h("gone"), "nxdomain")
    has("ptr", "192.0.2.13", "nxdomain")
    has("ptr", "192.0.2.14", "nodata")
    has("a", h("chain"), "found", ["192.0.2.30"],
        [h("chain-hop"), h("chain-end")])
    has("a", h("alias"), "found", ["192.0.2.10"], [h("mx1")])
    has("a", h("big"), "found", ["198.51.100.%d" % i for i in range(1, 41)])
    big = lines.get(("a", h("big")), [])
    tap.check(len([x for x in big[1:] if not x.startswith("cname=")]) == 40,
              "record file: big has exactly 40 addresses", repr(big))
    loop = lines.get(("a", h("loop1")))
    tap.check(loop is not None and loop[0] == "tempfail",
              "record file: the CNAME loop is a tempfail", repr(loop))
    order = [(l.split()[0], l.split()[1]) for l in text.splitlines()
             if l and not l.startswith("#")]
    rank = {"a": 0, "aaaa": 1, "ptr": 2}
    tap.check(order == sorted(order, key=lambda k: (rank.get(k[0], 9), k[1])),
              "record file: sorted by type then subject",
              "\n".join("%s %s" % k for k in order[:80]))


def test_replay(tap, bl, tmp, runs, closed):
    """every recorded run again from its file, with no server running"""
    for name, dirs, ips, f, rc, doc in runs:
        argv, rc2, out2, err2, doc2, _ = bl_check(
            bl, dirs, closed, dns="replay:" + f, ips=ips)
        info = describe(argv, rc2, out2, err2)
        tap.check(rc2 == rc, "replay %s: exit %d as recorded" % (name, rc),
                  info)
        tap.check(doc2 is not None and findings(doc2) == findings(doc),
                  "replay %s: the same JSON findings" % name,
                  "recorded:\n%s\nreplayed:\n%s" % (
                      json.dumps(findings(doc), indent=1)[:4000], info))
        tap.check(doc2 is not None and doc2.get("summary") ==
                  doc.get("summary"), "replay %s: the same summary" % name,
                  info)
    # a question the file does not hold is unverified, not a finding
    d = os.path.join(tmp, "cases", "not-recorded")
    write(os.path.join(d, "main.cf"),
          Case("not-recorded", h("out"), why="not in the file").main_cf())
    c = Case("not-recorded", h("out"), status=3)
    argv, rc, out, err, doc, _ = bl_check(bl, [d], closed,
                                          dns="replay:" + runs[0][3])
    judge_case(tap, c, argv, rc, out, err, doc, label="replay not-recorded")
    # an edited file is honoured: the PTR of mx1 removed
    edited = os.path.join(tmp, "record", "edited.dns")
    write(edited, "".join(
        l + "\n" for l in read(runs[0][3]).splitlines()
        if not l.startswith("ptr 192.0.2.10 ")) +
        "ptr 192.0.2.10 nxdomain\n")
    c = Case("edited", h("mx1"), ["BL403"],
             evidence=[("BL403", "ptr", "192.0.2.10", "nxdomain", None)])
    argv, rc, out, err, doc, _ = bl_check(
        bl, [os.path.join(tmp, "cases", "fcrdns")], closed,
        dns="replay:" + edited)
    judge_case(tap, c, argv, rc, out, err, doc, label="replay edited file")


def test_conf_live(tap, bl, tmp, port):
    """dns = "live" and resolver = in .bannerlint.conf instead of options"""
    c = next(x for x in CASES if x.name == "no-ptr-nxdomain")
    d = os.path.join(tmp, "conf-live")
    write(os.path.join(d, "main.cf"), c.main_cf())
    write(os.path.join(d, ".bannerlint.conf"),
          'dns = "live"\nresolver = "127.0.0.1:%d"\n' % port)
    argv, rc, out, err, doc, _ = bl_check(bl, [d], None, dns=None)
    judge_case(tap, c, argv, rc, out, err, doc,
               label=".bannerlint.conf dns = live, resolver =")


def test_conf_replay(tap, bl, tmp, runs):
    """dns = "replay:FILE" (relative to the conf file) and ip = {...} in
    .bannerlint.conf: a CI or pre-commit run with no option and no server"""
    c = next(x for x in CASES if x.name == "ip-mismatch")
    rec = next(r for r in runs if r[0] == c.name)[3]
    d = os.path.join(tmp, "conf-replay")
    write(os.path.join(d, "main.cf"), c.main_cf())
    shutil.copy(rec, os.path.join(d, "answers.dns"))
    write(os.path.join(d, ".bannerlint.conf"),
          'dns = "replay:answers.dns"\nip = {%s}\n'
          % ", ".join('"%s"' % ip for ip in c.ips))
    argv, rc, out, err, doc, _ = bl_check(bl, [d], None, dns=None)
    judge_case(tap, c, argv, rc, out, err, doc,
               label=".bannerlint.conf dns = replay:, ip =")


def test_usage(tap, bl, tmp, runs):
    """bad --dns input is exit 2 with a message, before any question"""
    d = os.path.join(tmp, "cases", "fcrdns")
    bad = os.path.join(tmp, "record", "bad.dns")
    write(bad, "# bannerlint dns 1\na mx1.%s found 192.0.2.10\n"
          "a mx1.%s sometimes 192.0.2.10\n" % (ZONE, ZONE))
    cases = [
        ("replay of a missing file", ["--dns", "replay:" +
                                      os.path.join(tmp, "no-such.dns")], None),
        ("replay of a malformed file", ["--dns", "replay:" + bad],
         "bad.dns:3"),
        ("an unknown --dns mode", ["--dns", "sometimes"], None),
        ("a --resolver port out of range",
         ["--dns", "live", "--resolver", "127.0.0.1:99999"], None),
        ("--dns-timeout that is not a number",
         ["--dns", "live", "--resolver", "127.0.0.1:9", "--dns-timeout",
          "soon"], None),
        ("--dns-timeout 0", ["--dns", "live", "--resolver", "127.0.0.1:9",
                             "--dns-timeout", "0"], None),
    ]
    for label, opts, want in cases:
        argv = [bl, "check", "--no-config"] + opts + [d]
        rc, out, err = run(argv, 60)
        tap.check(rc == 2 and err.strip() != ""
                  and (want is None or want in err),
                  "usage: %s: exit 2 with a message%s"
                  % (label, " naming %s" % want if want else ""),
                  describe(argv, rc, out, err))


def test_show(tap, bl, tmp, port, dns):
    label = "show --dns " + dns.split(":")[0]
    d = os.path.join(tmp, "cases", "fcrdns")
    argv = [bl, "show", "--no-config", "--dns", dns, "--resolver",
            "127.0.0.1:%d" % port, d]
    rc, out, err = run(argv)
    info = describe(argv, rc, out, err)
    tap.check(rc in (0, 1), "%s: runs" % label, info)
    for want in ("192.0.2.10", "2001:db8::10", h("mx1")):
        tap.check(want in out, "%s prints %s" % (label, want), info)
    d = os.path.join(tmp, "cases", "ptr-mismatch")
    argv = [bl, "show", "--no-config", "--dns", dns, "--resolver",
            "127.0.0.1:%d" % port, d]
    rc, out, err = run(argv)
    info = describe(argv, rc, out, err)
    for want in ("192.0.2.20", h("other")):
        tap.check(want in out, "%s prints %s (the mismatching PTR)"
                  % (label, want), info)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--zones", required=True,
                    help="the directory of the zone files")
    ap.add_argument("--nsd", default="/usr/sbin/nsd")
    ap.add_argument("--servers-only", action="store_true",
                    help="only the servers and the drill checks")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    a = ap.parse_args()
    BANNERLINT[0] = a.bannerlint

    nsd = a.nsd if os.access(a.nsd, os.X_OK) else shutil.which("nsd")
    drill = shutil.which("drill")
    checkzone = os.path.join(os.path.dirname(nsd), "nsd-checkzone") \
        if nsd else None
    if checkzone and not os.access(checkzone, os.X_OK):
        checkzone = shutil.which("nsd-checkzone")
    if not nsd or not drill or not checkzone:
        print("# nsd, nsd-checkzone or drill not installed "
              "(tests/setup-components.sh installs nsd and ldnsutils)")
        if IN_CI:
            print("not ok 1 - nsd, nsd-checkzone and drill are installed "
                  "(CI=true)")
            return 1
        return SKIP

    tap = Tap()
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="bannerlint-dns.")
    ipv6 = have_ipv6_loopback()
    tap.note("IPv6 loopback %s" % (
        "available: ::1 transport tested" if ipv6
        else "missing: IPv4 transport only"))
    server = None
    fakes = {}
    try:
        for z in ZONES:
            argv = [checkzone, z, os.path.join(a.zones, z + ".zone")]
            rc, out, err = run(argv, 30)
            tap.check(rc == 0, "nsd-checkzone %s" % z,
                      "$ %s\n%s%s" % (" ".join(argv), out, err))
        server = Nsd(nsd, a.zones, tmp, ipv6)
        try:
            server.start()
            tap.check(True, "NSD answers on port %d (%s)"
                      % (server.port, ", ".join(server.hosts)))
        except RuntimeError as e:
            tap.check(False, "NSD starts", str(e))
            return tap.end()
        for mode in ("silent", "servfail", "refused", "wrongid", "wrongq"):
            fakes[mode] = FakeDNS(mode).start()
        # a port nothing listens on: bound, then closed
        closed_port, u, t = bind_pair("127.0.0.1", socket.AF_INET)
        u.close()
        t.close()
        closed = "127.0.0.1:%d" % closed_port

        test_zones(tap, drill, server.port, ipv6)
        test_fake(tap, drill, fakes)
        if not a.servers_only:
            test_cases(tap, a.bannerlint, tmp, server.port, ipv6)
            test_tempfail(tap, a.bannerlint, tmp, fakes, closed_port)
            test_conf_live(tap, a.bannerlint, tmp, server.port)
            test_show(tap, a.bannerlint, tmp, server.port, "live")
            runs = test_record(tap, a.bannerlint, tmp, server.port)
            server.stop()
            r = udp_ask("127.0.0.1", server.port, ZONE, T_SOA, 0.5)
            tap.check(r is None, "NSD stopped before the replays",
                      "got %r" % (r,))
            test_replay(tap, a.bannerlint, tmp, runs, closed)
            test_conf_replay(tap, a.bannerlint, tmp, runs)
            test_usage(tap, a.bannerlint, tmp, runs)
            test_show(tap, a.bannerlint, tmp, server.port,
                      "replay:" + runs[0][3])
    except (RuntimeError, OSError) as err:
        tap.check(False, "set-up", str(err))
    finally:
        if server is not None:
            server.stop()
        for f in fakes.values():
            f.stop()
        if a.keep:
            tap.note("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    wrapper_check(tap, WRAPPER, wrapper_problems)
    tap.note("took %.1fs" % (time.monotonic() - t0))
    return tap.end()


if __name__ == "__main__":
    sys.exit(main())

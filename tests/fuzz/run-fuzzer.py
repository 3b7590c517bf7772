#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run one libFuzzer harness for a fixed time on seeds from fixtures/.

  run-fuzzer.py --harness EXE --name NAME --dict FILE --source-root DIR
                --artifacts DIR [--seconds N] [--corpus DIR]
                [--seeds-only DIR] [-- LIBFUZZER-ARGS...]

The seeds of harness NAME (SEEDS below) are written to a temporary corpus
directory, so the repository is never written, or added to --corpus DIR to
keep what the run finds. The run lasts --seconds, else
$BANNERLINT_FUZZ_SECONDS, else 60 seconds, with -rss_limit_mb=512 and
-timeout=20; $BANNERLINT_FUZZ_ARGS adds libFuzzer arguments (word-split),
as do the arguments after "--". Crash, leak, timeout and out-of-memory
reproducers go to --artifacts DIR, which survives the run; their paths
are printed with the command that replays them. --seeds-only DIR writes
the seeds to DIR and runs nothing.

Exit status: 0 when the run ended cleanly, 1 when it found something or did
not run, 2 on a usage error. This is the 'fuzz' suite of meson test
(tests/fuzz/meson.build); README.md beside this file says more.
"""
import argparse
import glob
import hashlib
import os
import re
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

INPUT_SKIP = re.compile(r"^(expect\..*|args|formats)$")
SEPARATOR = b"%%% "


def case_files(root, pattern):
    """Input files of fixture cases under root matching the glob pattern."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, pattern), recursive=True)):
        if os.path.isfile(path) and not INPUT_SKIP.match(os.path.basename(path)):
            out.append(path)
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def case_inputs(case):
    """{relative path: bytes} of the input files of one fixture case."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(case):
        dirnames.sort()
        for name in sorted(filenames):
            if INPUT_SKIP.match(name):
                continue
            path = os.path.join(dirpath, name)
            files[os.path.relpath(path, case)] = read(path)
    return files


def debian_tree(dc, files):
    """The exim_debian harness's input: update-exim4.conf.conf, then each
    file after a "%%% PATH" line."""
    out = dc if dc.endswith(b"\n") or not dc else dc + b"\n"
    for rel, data in files:
        out += SEPARATOR + rel.encode() + b"\n" + data
        if data and not data.endswith(b"\n"):
            out += b"\n"
    return out


def seeds_exim_debian(fx):
    seeds = []
    for case in sorted(glob.glob(os.path.join(fx, "exim-debian", "*", ""))):
        files = case_inputs(case)
        dc = files.pop("update-exim4.conf.conf", b"")
        seeds.append(debian_tree(dc, sorted(files.items())))
    split = (b"dc_eximconfig_configtype='internet'\n"
             b"dc_other_hostnames='mail.example.com'\n"
             b"dc_use_split_config='true'\n")
    template = (b"dc_eximconfig_configtype='smarthost'\n"
                b"dc_smarthost='relay.example.net'\n"
                b"dc_use_split_config='false'\n")
    for path in case_files(fx, "exim/*/exim.conf"):
        data = read(path)
        seeds.append(debian_tree(split, [("conf.d/main/02_options", data)]))
        seeds.append(debian_tree(template, [("exim4.conf.template", data)]))
    return seeds


def seeds_rules(fx, src):
    """Rule files as they are (ids the catalogue has: an error), and with
    every id moved to the BL9xx site range (they load)."""
    seeds = []
    for path in case_files(src, "rules/*.rules") + case_files(fx, "**/*.rules"):
        data = read(path)
        seeds.append(data)
        seeds.append(re.sub(rb"\b(rule|generic)(\s+)BL\d", rb"\1\2BL9", data))
    return seeds


def seeds_suppress(fx):
    """Per fixture file, the text after "bannerlint:" of its comments."""
    seeds = []
    pat = re.compile(rb"^\s*#\s*bannerlint:(.*)$", re.M)
    for path in case_files(fx, "**/*"):
        lines = pat.findall(read(path))
        if lines:
            seeds.append(b"\n".join(lines) + b"\n")
    seeds.append(b" disable=BL101 -- policy\n disable-file=BL202,BL302 -- "
                 b"legacy\n disable=banner-software-name -- x\n")
    return seeds


def seeds_fix(fx):
    """fuzz_fix's inputs: 'P' and a main.cf (then "%%% master.cf" and the
    master.cf beside it), 'E' and an exim.conf, 'S' and a sendmail.cf."""
    out = []
    for path in case_files(fx, "**/main.cf"):
        data = b"P" + read(path)
        master = os.path.join(os.path.dirname(path), "master.cf")
        if os.path.isfile(master):
            out.append(data)
            if not data.endswith(b"\n"):
                data += b"\n"
            data += b"%%% master.cf\n" + read(master)
        out.append(data)
    out += [b"E" + read(p) for p in case_files(fx, "exim/**/exim.conf")]
    out += [b"S" + read(p) for p in case_files(fx, "sendmail-cf/**/*")]
    return out


def dns_name(name):
    """A name in wire form, uncompressed."""
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_rr(owner, rtype, rdata, ttl=300):
    return (dns_name(owner) if isinstance(owner, str) else owner) \
        + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def dns_packet(qid, flags, qname, qtype, an=(), ns=(), ar=()):
    """A response: header, one question (IN), the sections' records."""
    return (struct.pack("!HHHHHH", qid, flags, 1, len(an), len(ns), len(ar))
            + dns_name(qname) + struct.pack("!HH", qtype, 1)
            + b"".join(an) + b"".join(ns) + b"".join(ar))


def seeds_dns(fx):
    """fuzz_dns's inputs: packets built here (byte 0: even, the type in
    bits 1-2, bit 3 = the ID is the packet's own; two bytes of ID), and
    record files (byte 0 odd): the example of src/dns.h and every
    fixture's *.replay (and *.dns) file."""
    A, AAAA, PTR, CNAME, SOA = 1, 28, 12, 5, 6
    ok, nx, servfail, refused, tc = 0x8180, 0x8183, 0x8182, 0x8185, 0x8380
    q = "mail.example.com"
    rev = "10.2.0.192.in-addr.arpa"
    v4 = lambda s: socket.inet_pton(socket.AF_INET, s)
    v6 = lambda s: socket.inet_pton(socket.AF_INET6, s)
    soa = dns_rr("example.com", SOA, dns_name("ns.example.com")
                 + dns_name("host.example.com")
                 + struct.pack("!IIIII", 1, 3600, 600, 86400, 300))
    ptr_to = lambda n: dns_rr(rev, PTR, dns_name(n))
    packets = [
        (A, dns_packet(7, ok, q, A, [dns_rr(q, A, v4("192.0.2.10")),
                                     dns_rr(q, A, v4("192.0.2.11"))])),
        # compressed owners (a pointer to the question's name)
        (A, dns_packet(7, ok, q, A, [dns_rr(b"\xc0\x0c", A, v4("192.0.2.10"))])),
        (AAAA, dns_packet(7, ok, q, AAAA, [dns_rr(q, AAAA, v6("2001:db8::1"))])),
        (PTR, dns_packet(7, ok, rev, PTR, [ptr_to("Mail.Example.COM"),
                                           ptr_to("smtp.example.net")])),
        (PTR, dns_packet(7, ok, rev, PTR,
                         [dns_rr(rev, PTR, b"\x08we ird\x01\xff\x07example"
                                 b"\x03com\x00")])),
        (A, dns_packet(7, nx, q, A, ns=[soa])),
        (AAAA, dns_packet(7, ok, q, AAAA, ns=[soa])),
        (A, dns_packet(7, servfail, q, A)),
        (A, dns_packet(7, refused, q, A)),
        (A, dns_packet(7, tc, q, A)),
        (A, dns_packet(7, ok, q, A, [
            dns_rr(q, CNAME, dns_name("web.example.com")),
            dns_rr("web.example.com", CNAME, dns_name("host.example.net")),
            dns_rr("host.example.net", A, v4("192.0.2.20"))])),
        (AAAA, dns_packet(7, ok, q, AAAA, [
            dns_rr(q, CNAME, dns_name("web.example.com"))])),
        (A, dns_packet(7, ok, q, A, [
            dns_rr(q, CNAME, dns_name("b.example.com")),
            dns_rr("b.example.com", CNAME, dns_name(q))])),
        (A, dns_packet(7, ok, q, A, [
            dns_rr(q, CNAME, dns_name("c1.example.com"))]
            + [dns_rr("c%d.example.com" % i, CNAME,
                      dns_name("c%d.example.com" % (i + 1)))
               for i in range(1, 10)]
            + [dns_rr("c10.example.com", A, v4("192.0.2.30"))])),
        (A, dns_packet(7, ok, q, A, [dns_rr(q, A, bytes([198, 51, 100, i]))
                                     for i in range(70)])),
    ]
    code = {A: 0, AAAA: 1, PTR: 2}
    out = []
    for qtype, pkt in packets:
        out.append(bytes([code[qtype] << 1 | 8, 0, 7]) + pkt)
        out.append(bytes([code[qtype] << 1, 0, 8]) + pkt)  # wrong ID
    example = (b"# bannerlint dns 1\n"
               b"a mail.example.com found 192.0.2.10 192.0.2.11\n"
               b"aaaa mail.example.com nodata\n"
               b"ptr 192.0.2.10 found mail.example.com\n"
               b"a www.example.com found 192.0.2.20 cname=web.example.com\n"
               b"a gone.example.com nxdomain\n"
               b"a slow.example.com tempfail timeout\n"
               b"ptr 2001:db8::1 found we\\032ird.example.net\n"
               b"aaaa v6.example.com found 2001:db8::1 2001:db8::2\n")
    out.append(b"\x01" + example)
    out += [b"\x01" + read(p) for p in case_files(fx, "**/*.replay")
            + case_files(fx, "**/*.dns")]
    return out


def seeds_for(name, src):
    fx = os.path.join(src, "fixtures")
    here = os.path.join(src, "tests", "fuzz")
    m4_cases = "sendmail/**/*"
    table = {
        "postfix_main": lambda: case_files(fx, "**/main.cf"),
        "postfix_master": lambda: case_files(fx, "**/master.cf"),
        "exim": lambda: case_files(fx, "exim/**/*")
        + case_files(fx, "exim-debian/**/exim4.conf.template")
        + case_files(fx, "exim-debian/**/conf.d/**/*"),
        "exim_debian": lambda: seeds_exim_debian(fx),
        "sendmail_mc": lambda: case_files(fx, m4_cases),
        "sendmail_mc_cf": lambda: case_files(fx, m4_cases),
        "sendmail_cf": lambda: case_files(fx, "sendmail-cf/**/*"),
        "rules": lambda: seeds_rules(fx, src),
        "conf": lambda: case_files(fx, "**/.bannerlint.conf"),
        "suppress": lambda: seeds_suppress(fx),
        "detect": lambda: case_files(fx, "**/*"),
        "fix": lambda: seeds_fix(fx),
        "dns": lambda: seeds_dns(fx),
        "exchange_list": lambda: case_files(fx, "exchange/**/*.txt")
        + case_files(src, "tests/fuzz/seeds-exchange_list/*"),
        "exchange_csv": lambda: case_files(fx, "exchange/**/*.csv")
        + case_files(src, "tests/fuzz/seeds-exchange_csv/*"),
        "template": lambda: case_files(fx, "templates/**/*")
        + case_files(fx, "postfix/template-*/*"),
        # the exports of fixtures/exchange/, and seeds-NAME/ beside this
        # script (until those fixtures exist)
        "exchange_clixml": lambda: case_files(fx, "exchange/**/*.xml")
        + case_files(here, "seeds-exchange_clixml/*"),
        "exchange_json": lambda: case_files(fx, "exchange/**/*.json")
        + case_files(here, "seeds-exchange_json/*"),
        # probe transcripts (src/live.h): the live fixtures
        "live": lambda: case_files(fx, "live/**/*.transcript"),
    }
    if name not in table:
        sys.exit("run-fuzzer.py: no seeds defined for harness %r (one of %s)"
                 % (name, ", ".join(sorted(table))))
    seeds = []
    for s in table[name]():
        seeds.append(read(s) if isinstance(s, str) else s)
    return seeds


def write_seeds(seeds, directory):
    """Write each seed under its SHA-1 (as libFuzzer names units)."""
    os.makedirs(directory, exist_ok=True)
    n = 0
    for data in seeds:
        path = os.path.join(directory, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            n += 1
    return n


ARTIFACT = re.compile(r"^(crash|leak|timeout|oom|slow-unit|deadly)-")


def artifacts_in(directory):
    """The reproducers libFuzzer wrote to directory."""
    if not os.path.isdir(directory):
        return set()
    return set(f for f in os.listdir(directory) if ARTIFACT.match(f))


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--harness")
    ap.add_argument("--name", required=True)
    ap.add_argument("--dict")
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--artifacts")
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--corpus")
    ap.add_argument("--seeds-only")
    a = ap.parse_args(argv)

    seeds = seeds_for(a.name, a.source_root)
    if not seeds:
        print("run-fuzzer.py: %s: no seeds found under %s/fixtures"
              % (a.name, a.source_root))
        return 1
    if a.seeds_only:
        n = write_seeds(seeds, a.seeds_only)
        print("%s: %d seeds written to %s" % (a.name, n, a.seeds_only))
        return 0
    if not a.harness or not a.artifacts:
        ap.error("--harness and --artifacts are needed to run")
    a.harness = os.path.abspath(a.harness)

    seconds = a.seconds
    if seconds is None:
        seconds = int(os.environ.get("BANNERLINT_FUZZ_SECONDS", "60"))
    extra = shlex.split(os.environ.get("BANNERLINT_FUZZ_ARGS", "")) + extra
    os.makedirs(a.artifacts, exist_ok=True)
    before = artifacts_in(a.artifacts)

    tmp = tempfile.mkdtemp(prefix="bannerlint-fuzz-%s." % a.name)
    try:
        corpus = a.corpus or os.path.join(tmp, "corpus")
        n = write_seeds(seeds, corpus)
        cmd = [a.harness,
               "-max_total_time=%d" % seconds,
               "-rss_limit_mb=512",
               "-timeout=20",
               "-print_final_stats=1",
               "-artifact_prefix=%s/" % os.path.abspath(a.artifacts)]
        if a.dict:
            cmd.append("-dict=%s" % a.dict)
        cmd += extra + [corpus]
        env = dict(os.environ)
        env["TMPDIR"] = tmp
        # UBSan only reports by default: make it a crash libFuzzer keeps.
        env["UBSAN_OPTIONS"] = ("halt_on_error=1:print_stacktrace=1:"
                                + env.get("UBSAN_OPTIONS", ""))
        # A small quarantine still catches a use right after a free, and
        # keeps the process far below -rss_limit_mb (the default 256 MB
        # grows it to ~350 MB and halves the speed); options already in
        # the environment win.
        env["ASAN_OPTIONS"] = ("quarantine_size_mb=16:max_malloc_fill_size=256:"
                               "detect_leaks=1:" + env.get("ASAN_OPTIONS", ""))
        print("%s: %d seeds (%d new in %s), %d s" % (a.name, len(seeds), n,
                                                     corpus, seconds))
        print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
        start = time.time()
        try:
            p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               timeout=seconds + 300)
            out = p.stdout.decode("utf-8", "replace")
            rc = p.returncode
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace")
            out += "\nrun-fuzzer.py: killed after %d s\n" % (seconds + 300)
            rc = -9
        elapsed = time.time() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    log = os.path.join(os.path.abspath(a.artifacts), "last-run.log")
    with open(log, "w") as f:
        f.write(out)
    lines = out.splitlines()
    # The seeds' lines and the end; all of it is in the log.
    keep = [l for l in lines if not re.match(r"#\d+\s+(NEW|REDUCE|pulse)", l)]
    if len(keep) > 300:
        keep = keep[:100] + ["[... %d lines: see %s ...]" % (len(keep) - 300, log)] \
            + keep[-200:]
    print("\n".join(keep))
    stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", out, re.M))
    cov = re.findall(r"\bcov: (\d+) ft: (\d+)", out)
    new = sorted(artifacts_in(a.artifacts) - before)
    print("\n%s: exit %d after %.0f s; %s executions, %s exec/s, peak rss "
          "%s MB; coverage %s, features %s"
          % (a.name, rc, elapsed, stats.get("number_of_executed_units", "?"),
             stats.get("average_exec_per_sec", "?"),
             stats.get("peak_rss_mb", "?"),
             cov[-1][0] if cov else "?", cov[-1][1] if cov else "?"))
    for f in new:
        path = os.path.join(os.path.abspath(a.artifacts), f)
        print("%s: REPRODUCER %s" % (a.name, path))
        print("%s:   replay: %s %s" % (a.name, a.harness, path))
    if rc != 0 or new:
        print("%s: FAILED (reproducers are kept in %s)"
              % (a.name, os.path.abspath(a.artifacts)))
        return 1
    if "Done " not in out:
        print("%s: FAILED: libFuzzer did not report the end of the run"
              % a.name)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

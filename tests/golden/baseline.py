#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Baselines end to end (check --baseline / --write-baseline), on a copy of a
few Postfix fixtures in a temporary git repository:

  1. --write-baseline writes the JSON report (each finding with a
     fingerprint equal to its SARIF partialFingerprint), whatever --format
     says, while the run's own output goes to stdout as usual;
  2. --baseline with it: no findings, exit 0, in every format; lines added
     above every finding change nothing; the same from a subdirectory;
  3. a new leak: only it is reported, exit 1; SARIF baselineState "new";
  4. a finding fixed: its entry is a note ("baseline entry matches
     nothing"), a SARIF result "absent", exit 0;
  5. the same file to both options rewrites it without the stale entry;
  6. --jobs 1 and --jobs 8 give the same bytes.

  baseline.py --bannerlint BIN --fixtures DIR
Prints TAP-like lines; exit 1 on any failure.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = 0
count = 0


def ok(cond, what, detail=""):
    global failures, count
    count += 1
    if cond:
        print("ok %d - %s" % (count, what))
    else:
        failures += 1
        print("not ok %d - %s" % (count, what))
        for line in str(detail).splitlines()[:40]:
            print("#   " + line)


def run(bl, args, cwd):
    env = dict(os.environ, LC_ALL="C")
    env.pop("NO_COLOR", None)
    p = subprocess.run([bl] + args, cwd=cwd, env=env, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


CASES = ["mail-version-in-banner", "duplicate-last-wins",
         "master-many-overrides", "helo-names-set"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--fixtures", required=True)
    a = ap.parse_args()
    bl = os.path.abspath(a.bannerlint)
    top = tempfile.mkdtemp(prefix="bl-baseline-")
    try:
        repo = os.path.join(top, "repo")
        etc = os.path.join(repo, "etc")
        os.makedirs(etc)
        os.mkdir(os.path.join(repo, ".git"))  # the repository root
        for c in CASES:
            src = os.path.join(a.fixtures, "postfix", c)
            dst = os.path.join(etc, c)
            os.mkdir(dst)
            for f in ("main.cf", "master.cf"):
                if os.path.exists(os.path.join(src, f)):
                    shutil.copy(os.path.join(src, f), dst)
        base = os.path.join(repo, "base.json")

        # 1. write: stdout is the run's text; the file the JSON report
        rc, out, err = run(bl, ["check", "--color", "never",
                                "--write-baseline", "base.json", "etc"], repo)
        ok(rc == 1 and "problems" in out, "--write-baseline: the run's "
           "own text output and status", out + err)
        with open(base) as f:
            doc = json.load(f)
        n = len(doc["findings"])
        ok(n >= 5 and all(len(x.get("fingerprint", "")) == 16
                          for x in doc["findings"]),
           "the baseline is the JSON report, %d findings with fingerprints"
           % n, json.dumps(doc)[:2000])
        rc, out, err = run(bl, ["check", "--format", "sarif", "etc"], repo)
        sarif = [r["partialFingerprints"]["bannerlint/v2"]
                 for r in json.loads(out)["runs"][0]["results"]]
        ok(sarif == [x["fingerprint"] for x in doc["findings"]],
           "JSON fingerprints are the SARIF partialFingerprints",
           "%s\n%s" % (sarif, [x["fingerprint"] for x in doc["findings"]]))
        ok(oct(os.stat(base).st_mode & 0o777) != oct(0o600) and
           not [f for f in os.listdir(repo) if f.startswith("base.json.")],
           "the file has the umask's mode, no temporary file is left")

        # 2. everything known: nothing, exit 0, every format
        rc, out, err = run(bl, ["check", "--color", "never", "--baseline",
                                "base.json", "etc"], repo)
        ok(rc == 0 and out == "no problems found\n" and err == "",
           "--baseline: no findings, exit 0", out + err + "[%d]" % rc)
        for fmt in ("json", "sarif", "gcc", "checkstyle", "github"):
            rc, out, err = run(bl, ["check", "-f", fmt, "--baseline",
                                    "base.json", "etc"], repo)
            good = rc == 0
            if fmt == "json":
                good = good and json.loads(out)["findings"] == []
            if fmt == "sarif":
                good = good and json.loads(out)["runs"][0]["results"] == []
            if fmt in ("gcc", "github"):
                good = good and out == ""
            ok(good, "--baseline, --format %s: nothing, exit 0" % fmt,
               out + err)
        for c in CASES:
            p = os.path.join(etc, c, "main.cf")
            with open(p) as f:
                text = f.read()
            with open(p, "w") as f:
                f.write("# a comment\n\n# and another\n" + text)
        rc, out, err = run(bl, ["check", "--color", "never", "--baseline",
                                "base.json", "etc"], repo)
        ok(rc == 0 and out == "no problems found\n",
           "lines added above every finding: still nothing", out + err)
        rc, out, err = run(bl, ["check", "--color", "never", "--baseline",
                                "../base.json", "."], etc)
        ok(rc == 0 and out == "no problems found\n",
           "from a subdirectory of the repository: still nothing",
           out + err)

        # 3. a new leak: a server added
        os.mkdir(os.path.join(etc, "new-server"))
        with open(os.path.join(etc, "new-server", "main.cf"), "w") as f:
            f.write("myhostname = mail.bigcorp.net\n"
                    "smtpd_banner = $myhostname ESMTP $mail_name\n")
        rc, out, err = run(bl, ["check", "--color", "never", "--baseline",
                                "base.json", "etc"], repo)
        ok(rc == 1 and "etc/new-server/main.cf:2:34: warning: greeting "
           "names the MTA software" in out and "1 problem " in out and
           err == "", "a new leak: only it is reported, exit 1", out + err)
        rc, out, err = run(bl, ["check", "-f", "sarif", "--baseline",
                                "base.json", "etc"], repo)
        res = json.loads(out)["runs"][0]["results"]
        ok(rc == 1 and [(r["ruleId"], r["baselineState"]) for r in res] ==
           [("BL101", "new")], "SARIF: the new one, baselineState new",
           out[-3000:])

        # 4. a finding fixed: the stale entry
        p = os.path.join(etc, "mail-version-in-banner", "main.cf")
        with open(p) as f:
            text = f.read()
        with open(p, "w") as f:
            f.write(text.replace(" $mail_version", ""))
        rc, out, err = run(bl, ["check", "--color", "never", "--baseline",
                                "base.json", "etc"], repo)
        stale = [l for l in err.splitlines()
                 if "baseline entry matches nothing: BL102" in l]
        ok(rc == 1 and len(stale) == 1 and
           stale[0].startswith("etc/mail-version-in-banner/main.cf:3:") and
           "remove it from base.json (--write-baseline rewrites the file)"
           in stale[0], "a fixed finding: its entry is a note", err)
        rc, out, err = run(bl, ["check", "-f", "json", "--baseline",
                                "base.json", "etc"], repo)
        d = json.loads(out)
        ok([g["level"] for g in d["diagnostics"]] == ["note"] and
           d["diagnostics"][0]["file"] ==
           "etc/mail-version-in-banner/main.cf",
           "JSON: the note among the diagnostics", out[-2000:])
        rc, out, err = run(bl, ["check", "-f", "sarif", "--baseline",
                                "base.json", "etc"], repo)
        run0 = json.loads(out)["runs"][0]
        absent = [r for r in run0["results"]
                  if r["baselineState"] == "absent"]
        notes = run0["invocations"][0]["toolExecutionNotifications"]
        ok(len(absent) == 1 and absent[0]["ruleId"] == "BL102" and
           len(notes) == 1, "SARIF: a result absent and a notification",
           out[-3000:])

        # 5. rewrite in place: the stale entry goes, the new leak comes in
        rc, out, err = run(bl, ["check", "-f", "json", "etc"], repo)
        now = [x["fingerprint"] for x in json.loads(out)["findings"]]
        rc, out, err = run(bl, ["check", "--baseline", "base.json",
                                "--write-baseline", "base.json", "etc"], repo)
        with open(base) as f:
            doc2 = json.load(f)
        ok([x["fingerprint"] for x in doc2["findings"]] == now and
           len(now) == n and
           "BL102" not in [x["rule"] for x in doc2["findings"]
                           if "mail-version" in x["file"]],
           "the same file to both options rewrites it: every finding of "
           "now, the stale one gone", json.dumps(doc2)[:1500])
        rc, out, err = run(bl, ["check", "--color", "never", "--baseline",
                                "base.json", "etc"], repo)
        ok(rc == 0 and err == "" and out == "no problems found\n",
           "then: nothing, no note, exit 0", out + err)

        # 6. threads do not change the bytes
        outs = set()
        for j in ("1", "8"):
            p = os.path.join(etc, "duplicate-last-wins", "main.cf")
            rc, out, err = run(bl, ["check", "-j", j, "-f", "sarif",
                                    "--baseline", "base.json",
                                    "--write-baseline", "again.json",
                                    "etc"], repo)
            with open(os.path.join(repo, "again.json")) as f:
                outs.add((rc, out, err, f.read()))
        ok(len(outs) == 1, "--jobs 1 and --jobs 8: the same output and file")
    finally:
        shutil.rmtree(top)
    print("%d passed, %d failed" % (count - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

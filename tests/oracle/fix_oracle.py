#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fix oracle: every fix bannerlint writes is judged by the mail server's own tools.

Usage:
    fix_oracle.py --bannerlint PATH/TO/bannerlint --fixtures fixtures \
        [--case DIALECT/CASE]... [--case debian/NAME]... [--skip-debian]

Three parts (see tests/oracle/README.md, "Fixes"):

  1. Every golden case fixtures/DIALECT/CASE/ with .expect.fixed/: a scratch
     copy of the case's input files with .expect.fixed/ laid over them (the
     "fixed tree").  Each configuration in it (a directory holding main.cf,
     exim.conf, update-exim4.conf.conf, sendmail.mc or a lone sendmail.cf)
     must be accepted by its tool -- postconf prints no warning or error
     the original did not have (-n, and -P with a master.cf), `exim -bV`
     succeeds (on the file update-exim4.conf assembles for a Debian tree),
     m4 + cf.m4 succeeds -- and the dialect oracle's comparison of
     `bannerlint show` with the tool (postfix_oracle.py, exim_oracle.py,
     exim_debian_oracle.py, sendmail_oracle.py) must pass on it exactly as
     on an ordinary fixture.  On the fixed tree `bannerlint fix [args] .`
     prints no diff (idempotence), and `bannerlint check` reports none of
     the findings whose fix the run applied (the original's findings with
     a fix of the tier used: safe, and unsafe with --unsafe in fix-args)
     and no finding the original did not have.
  2. Every case with expect.diff: its paths are relative to the root of the
     git work tree holding the case (a/fixtures/DIALECT/CASE/FILE);
     `git apply --check` and `patch -p1 --dry-run`, from the root of a
     scratch git repository holding the original files at the same
     relative path, accept it; applying it (with each tool) gives exactly
     the fixed tree.  A file .expect.fixed/ has and the original has not is
     what `fix --write` creates (a main.cf it creates, with a note); the
     diff does not hold it.
  3. Debian's shipped defaults, taken at run time from the packages
     tests/setup-components.sh unpacks: postfix main.cf.debian with
     master.cf.dist (and `myhostname =
     mx1.example.com` appended: Postfix's start-up check needs a valid
     name and the machine's own is not the test's to depend on); exim4-config
     exim4.conf.template as a single exim.conf, and its /etc/exim4 tree
     (split and non-split, with the update-exim4.conf.conf of the
     exim-debian oracle's split-defaults / template-defaults cases);
     sendmail-cf debian/sendmail.mc (as sendmail_oracle.py builds it).
     Each is copied to a scratch directory and fixed with `bannerlint fix
     --write`; then the tool accepts it and the dialect oracle passes on it,
     `bannerlint check --select BL101,BL102,BL103,BL104 --fail-on info`
     exits 0, every comment line of the original is still there, in order,
     and the greeting no longer leaks: `postconf -xh smtpd_banner` names
     neither Postfix nor Debian, Exim's `-bh` greeting has neither "Exim"
     nor the version, the generated sendmail.cf's `O SmtpGreetingMessage=`
     has neither "Sendmail" nor $v nor $Z.  `bannerlint fix DIR | git
     apply` in a scratch git repository gives the same files as --write.

Output: TAP-like "ok N - case: what" / "not ok N - case: what (expected X,
got Y)" lines, "# ..." comments, a late plan "1..N" and a final line
"N passed, N failed[, N skipped]".  Exit 1 on any failure; 77 when every
check was skipped; else 0.  With CI=true a missing component (postconf,
exim, the unpacked packages, m4, git, patch, root, bannerlint's fix
command) is a failure, and so is a fixture set without any .expect.fixed/.

Python 3 standard library only.
"""

import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import (Case, Tap, arg_parser, copy_inputs,  # noqa: E402
                    git_toplevel, merge_checks, run, run_cases, show,
                    tree_files)
import common  # noqa: E402
import exim_debian_oracle as ed  # noqa: E402
import exim_oracle as eo  # noqa: E402
import postfix_oracle as po  # noqa: E402
import sendmail_oracle as so  # noqa: E402

SKIP_STATUS = 77
LEAK_RULES = ("BL101", "BL102", "BL103", "BL104")
POSTFIX_HOSTNAME = "myhostname = mx1.example.com"
FIX_ONLY = ("--write", "--unsafe")          # and --backup[=SUFFIX]
COMMENT = re.compile(r"^[ \t]*(#|dnl\b)")
DIFF_PATH = re.compile(r"^(---|\+\+\+) (\S+)")
EXIM_DEBIAN_OVERLAYS = (("split", "split-defaults"),
                        ("template", "template-defaults"))
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "fix oracle", "GIT_AUTHOR_EMAIL": "o@example.invalid",
           "GIT_COMMITTER_NAME": "fix oracle",
           "GIT_COMMITTER_EMAIL": "o@example.invalid"}


def git_env():
    env = dict(os.environ)
    env.update(GIT_ENV)
    return env


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_args(case_dir, name):
    """A golden case's args / fix-args file: one argument per line."""
    path = os.path.join(case_dir, name)
    if not os.path.isfile(path):
        return []
    with open(path) as f:
        return [a for a in f.read().split("\n") if a != ""]


def check_args(fix_args):
    """The fix arguments that check takes too (not --write, --unsafe,
    --backup[=SUFFIX])."""
    return [a for a in fix_args
            if a not in FIX_ONLY and not a.startswith("--backup")]


# ------------------------------------------------------------- the judges --

class Judges:
    """The tools, each a runner of its oracle, or None with the reason."""

    def __init__(self):
        self.bl = None
        self.has_fix = False
        self.postfix = self.postfix_sys = None
        self.exim = self.exim_sys = None
        self.gen = None
        self.etc_exim4 = None
        self.sendmail = None
        self.tree_src = None
        self.git = self.patch = False
        self.why = {}
        self.workdir = None
        self.empty = None
        self.seq = 0

    def next_name(self, base):
        self.seq += 1
        return "fix%03d-%s" % (self.seq, base)


def setup(tap, args, J, workdir):
    """Find every tool; report each missing one (a failure with CI=true)."""
    J.workdir = workdir
    J.empty = os.path.join(workdir, "empty-base")
    os.makedirs(J.empty)
    for tool in ("git", "patch"):
        if shutil.which(tool):
            setattr(J, tool, True)
        else:
            tap.missing("%s found" % tool)
            J.why[tool] = "no %s" % tool

    postconf = args.postconf or shutil.which("postconf") or "/usr/sbin/postconf"
    postmap = os.path.join(os.path.dirname(postconf), "postmap")
    rc, out, _ = run([postconf, "-d", "-h", "daemon_directory"]) \
        if os.access(postconf, os.X_OK) else (1, "", "")
    daemon_dir = out.strip() if rc == 0 else ""
    if not os.access(postconf, os.X_OK) or not os.access(postmap, os.X_OK) or \
            not os.access(os.path.join(daemon_dir, "smtp"), os.X_OK):
        tap.missing("postconf, postmap and the smtp client found (%s)" % postconf)
        J.why["postfix"] = "no postconf/postmap/smtp client"
    else:
        r = po.Runner(postconf, J.bl, postmap, daemon_dir)
        J.postfix_sys = po.system_values(tap, r)
        if J.postfix_sys is not None:
            J.postfix = r
        else:
            J.why["postfix"] = "postconf -d fails"

    exim = eo.find_exim(tap, args.exim)
    if exim and os.geteuid() != 0:
        tap.missing("running as root (%s)" % eo.NOT_ROOT_REASON)
        exim = None
    if exim:
        r = eo.Runner(exim, J.bl)
        J.exim_sys = eo.machine_values(tap, r, workdir)
        if J.exim_sys is not None:
            J.exim = r
    if not J.exim:
        J.why["exim"] = "no usable exim binary (or not root)"
    pkg = os.path.abspath(args.exim4_config)
    etc = os.path.join(pkg, ed.ETC_REL)
    if not os.path.isfile(os.path.join(pkg, ed.UE4C_REL)) or \
            not os.path.isfile(os.path.join(etc, ed.TEMPLATE)) or \
            not os.path.isdir(os.path.join(etc, "conf.d")):
        tap.missing("Debian exim4-config unpacked in %s (run "
                    "tests/setup-components.sh)" % pkg)
        J.why["exim-debian"] = "no unpacked exim4-config"
    elif J.exim:
        J.etc_exim4 = etc
        os.makedirs(os.path.join(workdir, "ue4c"))
        g = ed.Generator(pkg, os.path.join(workdir, "ue4c"), "auto")
        if g.note:
            print("# %s" % g.note)
        if g.mode is None:
            tap.emit("fail", "setup: run update-exim4.conf hermetically",
                     g.patch_error or g.note or "no mode available")
            J.why["exim-debian"] = "update-exim4.conf cannot run"
        else:
            J.gen = g
    else:
        J.why["exim-debian"] = J.why["exim"]

    m4 = args.m4 or shutil.which("m4")
    tree_src = os.path.abspath(args.cf_tree)
    if not m4 or not os.access(m4, os.X_OK):
        tap.missing("GNU m4 found")
        J.why["sendmail"] = "no m4"
    elif not os.path.isfile(os.path.join(tree_src, "m4", "cf.m4")):
        tap.missing("sendmail-cf tree %s (run tests/setup-components.sh)" % tree_src)
        J.why["sendmail"] = "no sendmail-cf tree"
    else:
        tree = os.path.join(workdir, "cf")
        so.copy_rewrite(tree_src, tree, [(so.PKG_CF_DIR, tree)])
        so.RUN["tree"] = tree
        J.tree_src = tree_src
        J.sendmail = so.Runner(m4, J.bl, tree)
        for d in ("sm-cases", "sm-work"):
            os.makedirs(os.path.join(workdir, d))
    print("# judges: postfix %s, exim %s, update-exim4.conf %s, m4 %s" % (
        "yes" if J.postfix else "no (%s)" % J.why.get("postfix"),
        "yes" if J.exim else "no",
        J.gen.mode if J.gen else "no",
        "yes" if J.sendmail else "no"))

    # bannerlint's fix command: on a configuration with nothing to fix it
    # prints nothing and exits 0 (before the command exists, "fix" is read
    # as a path that cannot be read: exit 2)
    probe = os.path.join(workdir, "fix-probe")
    os.makedirs(probe)
    with open(os.path.join(probe, "main.cf"), "w") as f:
        f.write("# nothing to fix\nmyhostname = mx1.mail-host.net\n"
                "smtpd_banner = $myhostname ESMTP\n")
    rc, out, err = run([J.bl, "fix", "."], cwd=probe)
    J.has_fix = rc == 0 and out == ""
    if not J.has_fix:
        tap.missing("bannerlint has the fix command (fix . on a clean main.cf: "
                    "exit %d, %s)" % (rc, show((err.strip().splitlines() or [""])[0])))


# ------------------------------------------------- configurations in a tree --

def instances(root):
    """[(kind, relative dir)] of the configurations a tool judges under ROOT:
    postfix (main.cf), exim-debian (update-exim4.conf.conf; not descended),
    exim (exim.conf), sendmail (sendmail.mc), sendmail-cf (a sendmail.cf
    without sendmail.mc)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        files = set(filenames)
        if ed.UE4CC in files:
            found.append(("exim-debian", rel))
            dirnames[:] = []
            continue
        if "main.cf" in files:
            found.append(("postfix", rel))
        if "exim.conf" in files:
            found.append(("exim", rel))
        if "sendmail.mc" in files:
            found.append(("sendmail", rel))
        elif "sendmail.cf" in files:
            found.append(("sendmail-cf", rel))
    return found


def isolate(case, found, rel, fixed, orig):
    """The configuration at REL of the fixed tree and of the original (None
    when the original has no such directory), as directories holding it
    alone: a copy without the directories of the other configurations
    under it (bannerlint walks a directory; the oracles judge one
    configuration)."""
    inner = [r for _, r in found if r != rel and
             (rel == "." or r.startswith(rel + os.sep))]
    out = []
    for top, tag in ((fixed, "fixed"), (orig, "orig")):
        d = os.path.normpath(os.path.join(top, rel))
        if not os.path.isdir(d):
            out.append(None)
            continue
        if inner or rel != ".":
            # also away from the case's .bannerlint.conf (root, hostname):
            # the oracles judge a configuration as the server reads it
            skip = {os.path.normpath(os.path.join(top, r)) for r in inner}
            iso = os.path.join(case.work, "alone-%s-%s" % (
                tag, rel.replace(os.sep, "__")))
            shutil.copytree(d, iso, symlinks=True, ignore=lambda p, names: [
                n for n in names if os.path.join(p, n) in skip])
            d = iso
        out.append(d)
    return out


def rejected(J, kind, d):
    """Does the tool reject the configuration in D (an absolute include
    that is not here does not count: the oracles call that unverified)?"""
    absent = re.compile(r"(failed to open included configuration file |"
                        r"cannot open `)/")
    if kind == "postfix" and J.postfix:
        pc = po.Postconf(J.postfix, d)
        return bool(pc.errors or pc.startup)
    if kind == "exim" and J.exim:
        v = exim_verdict(J.exim, os.path.join(d, "exim.conf"))
        return bool(v) and not absent.search(v)
    if kind == "sendmail" and J.sendmail:
        c = so.Case(J.next_name("probe"), d)
        c.dir = os.path.join(J.workdir, "sm-cases", c.name)
        so.copy_rewrite(d, c.dir, [(so.PKG_CF_DIR, J.sendmail.tree)])
        so.run_m4(J.sendmail, c, os.path.join(J.workdir, "sm-work"))
        v = m4_verdict(c)
        return bool(v) and not absent.search(v)
    return False


def exim_verdict(r, conf):
    """None when `exim -C CONF -bV` accepts CONF, else its message."""
    rc, out, err = r.ex(conf, "-bV")
    if rc == 0 and "configuration error" not in out + err:
        return None
    return "exit %d: %s" % (rc, eo.error_of(err)[0].replace(
        os.path.dirname(conf) + "/", ""))


def m4_verdict(c):
    """None when m4 + cf.m4 accepted the sendmail_oracle case C, else its
    messages (file names relative to the case)."""
    if c.m4 and not c.rejected:
        return None
    rc, err = c.m4 or (None, "")
    return "exit %s: %s" % (rc, " | ".join(
        "%s:%d: %s" % e for e in c.errors) or err.strip()[:300])


def postfix_warnings(r, d):
    """postconf's warning and fatal lines for D (-n; -P too with a
    master.cf), with D written as DIR."""
    lines = []
    cmds = [["-n"]] + ([["-P"]] if os.path.isfile(os.path.join(d, "master.cf"))
                       else [])
    for c in cmds:
        rc, _, err = r.pc(d, *c)
        for ln in err.splitlines():
            if "warning:" in ln or "fatal:" in ln:
                lines.append(re.sub(r"^\S*postconf: ", "", ln).replace(d, "DIR"))
        if rc != 0:
            lines.append("postconf %s exits %d" % (" ".join(c), rc))
    return sorted(set(lines))


def judge(J, case, kind, orig, fixed, name, label):
    """The tool accepts the configuration FIXED (of kind KIND; ORIG is what
    it was before, None when there is none) and the dialect oracle passes on
    it.  Returns what the later checks need ({"greeting": [...], "cf": path})."""
    got = {}
    why = J.why.get({"sendmail-cf": "sendmail"}.get(kind, kind))
    runner = {"postfix": J.postfix, "exim": J.exim, "exim-debian": J.gen,
              "sendmail": J.sendmail, "sendmail-cf": J.sendmail}[kind]
    if runner is None:
        case.skip("%s: %s judges it" % (label, kind), why or "not available")
        return got
    prefix = "%s (%s oracle): " % (label, kind)
    if kind == "postfix":
        r = J.postfix
        new = postfix_warnings(r, fixed)
        old = postfix_warnings(r, orig) if orig else []
        for w in old:
            if w in new and "master.cf: No such file" not in w:
                case.note("%spostconf already says on the original: %s" % (prefix, w))
        case.check("%s: postconf prints no warning or error the original did not"
                   % label, [], [w for w in new if w not in old])
        sub = Case(name, fixed)
        po.run_case(r, J.postfix_sys, sub)
    elif kind == "exim":
        r = J.exim
        conf = os.path.join(fixed, "exim.conf")
        verdict = exim_verdict(r, conf)
        if verdict and orig and verdict == exim_verdict(
                r, os.path.join(orig, "exim.conf")):
            case.skip("%s: exim -bV accepts it" % label, "exim says the same "
                      "of the original: %s" % verdict)
        else:
            case.check("%s: exim -bV accepts it" % label, "accepted",
                       verdict or "accepted")
        sub = Case(name, fixed)
        eo.run_case(r, J.exim_sys, sub)
        ex = eo.Exim(r, conf)
        got["greeting"] = ex.greeting
    elif kind == "exim-debian":
        r = J.exim
        sub = Case(name, fixed)
        sub.work = tempfile.mkdtemp(prefix="ed-", dir=J.workdir)
        ed.run_case(J.gen, r, J.exim_sys, J.empty, sub, False)
        tree = os.path.join(sub.work, "etc-exim4")
        conf = os.path.join(tree, ed.HAND_CONF)
        if not os.path.isfile(conf):
            conf = os.path.join(sub.work, "config.autogenerated")
        if os.path.isfile(conf):
            case.check("%s: exim -bV accepts what update-exim4.conf assembles"
                       % label, "accepted", exim_verdict(r, conf) or "accepted")
            got["greeting"] = eo.Exim(r, conf).greeting
        else:
            case.fail("%s: update-exim4.conf assembles a configuration" % label,
                      "a generated file", "none")
    elif kind == "sendmail":
        r = J.sendmail
        sub = so.Case(J.next_name(name), fixed)
        sub.dir = os.path.join(J.workdir, "sm-cases", sub.name)
        so.copy_rewrite(fixed, sub.dir, [(so.PKG_CF_DIR, r.tree)])
        so.run_mc_case(r, sub, os.path.join(J.workdir, "sm-work"))
        verdict = m4_verdict(sub)
        before = None
        if verdict and orig:
            o = so.Case(J.next_name(name), orig)
            o.dir = os.path.join(J.workdir, "sm-cases", o.name)
            so.copy_rewrite(orig, o.dir, [(so.PKG_CF_DIR, r.tree)])
            so.run_m4(r, o, os.path.join(J.workdir, "sm-work"))
            before = m4_verdict(o)
        if verdict and verdict == before:
            case.skip("%s: m4 + cf.m4 accepts it" % label, "m4 says the same "
                      "of the original: %s" % verdict)
        else:
            case.check("%s: m4 + cf.m4 accepts it" % label, "accepted",
                       verdict or "accepted")
        got["cf"] = sub.cf_path
        sub.name = name
    else:
        sub = so.Case(name, fixed)
        case.note("%sno tool judges a lone sendmail.cf (no sendmail binary): "
                  "compared with the oracle's reading of it" % prefix)
        so.run_cf_case(J.sendmail, sub)
    merge_checks(case, sub, prefix)
    return got


# ------------------------------------------------------ bannerlint's side --

def bl_check_json(J, d, args):
    """`bannerlint check --format json ARGS .` in D: (rc, findings or None,
    stderr)."""
    rc, out, err = run([J.bl, "check", "--format", "json"] + args + ["."], cwd=d)
    try:
        doc = json.loads(out)
        return rc, [f for f in doc.get("findings", []) if isinstance(f, dict)], err
    except (ValueError, AttributeError):
        return rc, None, err


def finding_key(f):
    return (f.get("instance"), f.get("rule"), f.get("mta"), f.get("scope"),
            f.get("key"))


def fmt_key(k):
    return "%s %s of %s %s (%s)" % (k[1], k[3], k[2], k[4], k[0])


def check_idempotent(J, case, d, orig, fix_args, label):
    rc, out, err = run([J.bl, "fix", "--color", "never"] + fix_args + ["."],
                       cwd=d)
    case.check("%s: bannerlint fix prints no diff (idempotent)" % label, "",
               out[:400])
    what = "%s: bannerlint fix does not exit 2 (bad input)" % label
    if rc != 2:
        case.ok(what)
        return
    orc, oout, _ = run([J.bl, "fix", "--color", "never"] + fix_args + ["."],
                       cwd=orig)
    if orc == 2:
        case.skip(what, "it exits 2 on the original too")
        if oout:
            case.note("fix exits 2 on the original (bad input) and still "
                      "prints a diff and writes the fixed tree")
    else:
        case.fail(what, "exit 0 or 1 as on the original (exit %d)" % orc,
                  "exit 2: %s" % show(err.strip()[:300]))


def check_addressed(J, case, orig, fixed, fix_args, fix_out, label):
    """check on FIXED reports none of ORIG's findings whose fix the run
    applied, and nothing new."""
    cargs = check_args(fix_args)
    tier = {"safe"} | ({"unsafe"} if "--unsafe" in fix_args else set())
    rc0, before, err0 = bl_check_json(J, orig, cargs)
    rc1, after, err1 = bl_check_json(J, fixed, cargs)
    if before is None or after is None:
        case.fail("%s: bannerlint check --format json" % label, "JSON",
                  show((err0 if before is None else err1).strip()[:300]))
        return
    addressed = sorted({finding_key(f) for f in before
                        if isinstance(f.get("fix"), dict)
                        and f["fix"].get("safety") in tier}, key=str)
    remain = {finding_key(f) for f in after}
    withdrawn = [ln for ln in fix_out.splitlines() if "withdr" in ln]
    for k in addressed:
        what = "%s: check no longer reports %s" % (label, fmt_key(k))
        if k not in remain:
            case.ok(what)
        elif any(k[1] in ln for ln in withdrawn):
            case.skip(what, "fix withdrew it: %s" % [
                ln for ln in withdrawn if k[1] in ln][0].strip())
        else:
            case.fail(what, "gone after the fix", "still reported")
    known = {finding_key(f) for f in before}
    new = sorted((fmt_key(k) for k in remain - known))
    case.check("%s: check reports nothing the original did not" % label,
               [], new)


# ---------------------------------------------------------- the diff part --

def diff_paths(text):
    """The a/ and b/ paths of a unified diff's file headers."""
    out = []
    for ln in text.split("\n"):
        m = DIFF_PATH.match(ln.rstrip("\r"))
        if m and m.group(2) != "/dev/null":
            out.append(m.group(2))
    return out


def apply_tree(J, case, diff, repo_src, prefix, tool, label):
    """A copy of REPO_SRC with DIFF applied by TOOL (git or patch): the
    files under PREFIX, or None."""
    repo = tempfile.mkdtemp(prefix="apply-", dir=J.workdir)
    shutil.rmtree(repo)
    shutil.copytree(repo_src, repo, symlinks=True)
    if tool == "git":
        argv = ["git", "apply", "--whitespace=nowarn", diff]
    else:
        argv = ["patch", "-p1", "--fuzz=0", "--no-backup-if-mismatch", "-s",
                "-i", diff]
    rc, out, err = common.run(argv, cwd=repo, env=git_env())
    if rc != 0:
        case.fail("%s: %s applies it" % (label, argv[0]), "exit 0",
                  "exit %d: %s" % (rc, show((err + out).strip()[:300])))
        return None
    return tree_files(os.path.join(repo, prefix))


def compare_trees(case, what, want, got):
    if want == got:
        case.ok(what)
        return
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    differ = sorted(k for k in set(want) & set(got) if want[k] != got[k])
    case.fail(what, "the same files", "missing %s, extra %s, different %s" % (
        missing, extra, differ))


def check_diff(J, case, src, orig, fixed):
    """expect.diff against the original files: git apply --check, patch
    -p1 --dry-run, and applying it gives the fixed tree."""
    diff = os.path.join(src, "expect.diff")
    text = common.decode(read_bytes(diff))
    top = git_toplevel(src)
    prefix = os.path.relpath(os.path.realpath(src), os.path.realpath(top)) \
        if top else "."
    paths = diff_paths(text)
    case.check("expect.diff has file headers", True, bool(paths))
    want = [("a/" if i % 2 == 0 else "b/") + prefix + "/" for i in range(len(paths))] \
        if prefix != "." else None
    bad = [p for i, p in enumerate(paths)
           if want and not p.startswith(want[i])]
    case.check("expect.diff paths are a/%s/... and b/%s/... (relative to the "
               "work tree root)" % (prefix, prefix), [], bad)
    if fixed is None:
        case.fail("expect.diff comes with .expect.fixed/", ".expect.fixed/", "none")
        return
    if not (J.git and J.patch):
        case.skip("expect.diff applies", "needs git and patch")
        return
    repo = os.path.join(case.work, "diff-repo")
    shutil.copytree(orig, os.path.join(repo, prefix), symlinks=True)
    rc, out, err = common.run(["git", "init", "-q", repo], env=git_env())
    if rc != 0:
        case.fail("scratch git repository", "git init exits 0", err.strip())
        return
    rc, out, err = common.run(["git", "apply", "--check", diff], cwd=repo,
                              env=git_env())
    case.check("git apply --check accepts expect.diff", "exit 0",
               "exit 0" if rc == 0 else "exit %d: %s" % (rc, (err + out).strip()[:300]))
    rc, out, err = common.run(["patch", "-p1", "--fuzz=0", "--dry-run", "-i",
                               diff], cwd=repo)
    case.check("patch -p1 --fuzz=0 --dry-run accepts expect.diff", "exit 0",
               "exit 0" if rc == 0 else "exit %d: %s" % (rc, (err + out).strip()[:300]))
    want_files = tree_files(fixed)
    before = tree_files(orig)
    inside = {p.split("/", 1)[1][len(prefix) + 1:] if prefix != "." else
              p.split("/", 1)[1] for p in paths if "/" in p}
    for rel in sorted(set(want_files) - set(before) - inside):
        case.note(".expect.fixed/%s is new and not in the diff: created by "
                  "fix --write (main.cf is created only with --write)" % rel)
        del want_files[rel]
    for tool in ("git", "patch"):
        got = apply_tree(J, case, diff, repo, prefix, tool, "expect.diff")
        if got is not None:
            compare_trees(case, "applying expect.diff with %s gives the "
                          "original files with .expect.fixed/ over them" % (
                              "git apply" if tool == "git" else "patch -p1"),
                          want_files, got)


# ------------------------------------------------------- the golden cases --

def absolute_arg(case_dir, arg):
    """ARG with a relative path in it (--opt=PATH) made absolute when it
    names something from CASE_DIR."""
    opt, eq, val = arg.partition("=")
    path = val if eq else arg
    full = os.path.abspath(os.path.join(case_dir, path)) if path else ""
    inside = full.startswith(os.path.abspath(case_dir) + os.sep)
    # a path inside the case (--root server) is the copy's own
    if path and not path.startswith("/") and not path.startswith("-") and \
            not inside and os.path.exists(full):
        return opt + "=" + full if eq else full
    return arg


def run_golden(J, case):
    src = case.path
    has_fixed = os.path.isdir(os.path.join(src, ".expect.fixed"))
    has_diff = os.path.isfile(os.path.join(src, "expect.diff"))
    orig = os.path.join(case.work, "orig")
    copy_inputs(src, orig)
    fixed = None
    # paths relative to the case (--sendmail-cf=../../../tests/.cache/...)
    # must still name the same files from the scratch copies
    args = [absolute_arg(src, a) for a in read_args(src, "args")]
    fix_args = args + [absolute_arg(src, a)
                       for a in read_args(src, "fix-args")]
    if has_fixed:
        fixed = os.path.join(case.work, "fixed")
        copy_inputs(src, fixed)
        shutil.copytree(os.path.join(src, ".expect.fixed"), fixed,
                        symlinks=True, dirs_exist_ok=True)
        found = instances(fixed)
        if not found:
            case.skip("a tool judges the fixed tree", "no main.cf, exim.conf, "
                      "update-exim4.conf.conf, sendmail.mc or sendmail.cf in it")
        base = os.path.basename(src)
        for kind, rel in found:
            label = "fixed tree" if rel == "." else "fixed %s" % rel
            f, o = isolate(case, found, rel, fixed, orig)
            # the case's name says whether the case is bad (for its
            # own dialect; formats/bad-baseline-* are bad for a baseline),
            # not whether each configuration in it is: the original's
            # verdict says
            stem = base[4:] if base.startswith("bad-") else base
            if rel != ".":
                stem = rel.replace(os.sep, "-")
            name = ("bad-" if o and rejected(J, kind, o) else "") + stem
            judge(J, case, kind, o, f, name, label)
        if J.has_fix:
            check_idempotent(J, case, fixed, orig, fix_args, "fixed tree")
            fix_out = ""
            p = os.path.join(src, "expect.fix.out")
            if os.path.isfile(p):
                fix_out = common.decode(read_bytes(p))
            check_addressed(J, case, orig, fixed, fix_args, fix_out, "fixed tree")
        else:
            case.skip("fixed tree: idempotence and findings", "no fix command")
    if has_diff:
        check_diff(J, case, src, orig, fixed)
    elif has_fixed:
        changed = [rel for rel, data in tree_files(fixed).items()
                   if tree_files(orig).get(rel) != data
                   and rel in tree_files(orig)]
        case.check(".expect.fixed/ changes no existing file without an "
                   "expect.diff", [], sorted(changed))
    return case


# How the fix of an Exchange export starts: a PowerShell script, not a
# diff. No tool here judges PowerShell (the script is verified by bannerlint
# re-reading the patched export; its quoting by tests/unit/test_exchange_ps),
# so those cases are left out here.
SCRIPT_HEAD = b"# bannerlint fix: PowerShell for the Exchange Management Shell"


def is_script(case_dir):
    path = os.path.join(case_dir, "expect.diff")
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        return f.read(len(SCRIPT_HEAD)) == SCRIPT_HEAD


def golden_cases(fixtures):
    """Every fixtures/DIALECT/CASE with .expect.fixed/ or expect.diff
    (a diff: not an Exchange fix script)."""
    out = []
    for dialect in sorted(os.listdir(fixtures)):
        ddir = os.path.join(fixtures, dialect)
        if not os.path.isdir(ddir):
            continue
        for name in sorted(os.listdir(ddir)):
            c = os.path.join(ddir, name)
            if is_script(c):
                continue
            if os.path.isdir(os.path.join(c, ".expect.fixed")) or \
                    os.path.isfile(os.path.join(c, "expect.diff")):
                out.append(Case("%s/%s" % (dialect, name), c))
    return out


# ------------------------------------------------------ Debian's defaults --

def comment_lines(data):
    return [ln for ln in common.decode(data).replace("\r\n", "\n").split("\n")
            if COMMENT.match(ln)]


def is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def debian_units(J, workdir):
    """[(Case, kind, pristine dir, fix args)] built from the packages."""
    units = []
    if J.postfix:
        os.makedirs(os.path.join(workdir, "pf-deb"))
        pf_cases, why = po.debian_cases(os.path.join(workdir, "pf-deb"))
        if not pf_cases:
            J.why["debian-postfix"] = why
        for c in pf_cases:
            if c.name != "debian-main-cf-debian":
                continue       # main.cf.dist: Postfix refuses it as shipped
            with open(os.path.join(c.path, "main.cf"), "a") as f:
                f.write("%s\n" % POSTFIX_HOSTNAME)
            units.append((Case("debian/postfix-" + c.name[len("debian-"):], c.path),
                          "postfix", c.path, []))
    if J.exim:
        d = os.path.join(workdir, "debian-src", "exim-template")
        os.makedirs(d)
        shutil.copy(eo.DEBIAN_TEMPLATE, os.path.join(d, "exim.conf"))
        units.append((Case("debian/exim4-conf-template", d), "exim", d, []))
    if J.gen:
        for scheme, overlay in EXIM_DEBIAN_OVERLAYS:
            d = os.path.join(workdir, "debian-src", "etc-exim4-" + scheme)
            ed.build_tree(os.path.join(HERE, "exim-debian", overlay),
                          J.etc_exim4, d)
            units.append((Case("debian/etc-exim4-%s" % scheme, d),
                          "exim-debian", d, []))
    if J.sendmail:
        d = os.path.join(workdir, "debian-src", "sendmail-mc")
        so.debian_mc(J.tree_src, J.sendmail.tree, d)
        units.append((Case("debian/sendmail-mc", d), "sendmail", d,
                      ["--sendmail-cf", J.sendmail.tree]))
    return units


def run_debian(J, unit):
    case, kind, pristine, fix_args = unit
    w = os.path.join(case.work, "write", "conf")
    shutil.copytree(pristine, w, symlinks=True)
    rc, out, err = run([J.bl, "fix", "--write", "--color", "never"] + fix_args
                       + [w], cwd=case.work)
    case.check("fix --write exits 0 (nothing at or above warning remains) or 1",
               True, rc in (0, 1))
    if rc == 2:
        case.note("fix --write: %s" % err.strip()[:300])
    case.check("fix --write prints nothing on stdout", "", out[:300])
    changed = sorted(k for k, v in tree_files(w).items()
                     if tree_files(pristine).get(k) != v)
    case.check("fix --write changes a file (Debian's greeting leaks)", True,
               bool(changed))
    if changed:
        case.note("fix --write changed %s" % ", ".join(changed))

    # the same by the diff: bannerlint fix DIR | git apply
    if J.git:
        repo = os.path.join(case.work, "git")
        shutil.copytree(pristine, os.path.join(repo, "etc", "conf"), symlinks=True)
        common.run(["git", "init", "-q", repo], env=git_env())
        rc, diff, err = run([J.bl, "fix", "--color", "never"] + fix_args +
                            [os.path.join("etc", "conf")], cwd=repo)
        prc, pout, perr = common.run(["patch", "-p1", "--fuzz=0", "--dry-run"],
                                     cwd=repo,
                                     stdin=diff.encode("utf-8", "surrogateescape")) \
            if J.patch and diff.strip() else (0, "", "")
        case.check("patch -p1 --fuzz=0 --dry-run accepts the diff of fix",
                   "exit 0",
                   "exit 0" if prc == 0 else "exit %d: %s" % (prc, (perr + pout)[:300]))
        if diff.strip():
            grc, gout, gerr = common.run(
                ["git", "apply", "-"], cwd=repo, env=git_env(),
                stdin=diff.encode("utf-8", "surrogateescape"))
            case.check("bannerlint fix DIR | git apply succeeds", "exit 0",
                       "exit 0" if grc == 0 else "exit %d: %s" % (
                           grc, (gerr + gout)[:300]))
        else:
            case.fail("bannerlint fix DIR prints a diff", "a diff",
                      "nothing (exit %d)" % rc)
        compare_trees(case, "fix | git apply gives the same files as fix --write",
                      tree_files(w), tree_files(os.path.join(repo, "etc", "conf")))
    else:
        case.skip("fix | git apply", "no git")

    got = judge(J, case, kind, pristine, w, case.name.split("/")[-1], "fixed")

    rc, out, err = run([J.bl, "check", "--color", "never", "--fail-on", "info",
                        "--select", ",".join(LEAK_RULES)] + fix_args + ["."], cwd=w)
    case.check("check --select %s --fail-on info exits 0 after the fix"
               % ",".join(LEAK_RULES), 0, rc)
    if rc != 0:
        case.note("check says: %s" % " | ".join(
            ln for ln in (out + err).splitlines() if "[BL" in ln)[:500])

    before = tree_files(pristine)
    after = tree_files(w)
    lost, n = {}, 0
    for rel in sorted(before):
        if isinstance(before[rel], tuple):
            continue
        keep = comment_lines(before[rel])
        n += len(keep)
        now = after.get(rel)
        if not isinstance(now, bytes):
            lost[rel] = "the file is gone"
        elif not is_subsequence(keep, comment_lines(now)):
            lost[rel] = "lost %s" % show([ln for ln in keep
                                          if ln not in comment_lines(now)][:3]
                                         or "their order")
    what = "every comment line of the original is still there, in order " \
        "(%d lines in %d files)" % (n, len(before))
    if lost:
        case.fail(what, "all of them", show(lost))
    else:
        case.ok(what)

    if kind == "postfix" and J.postfix:
        rc, out, err = J.postfix.pc(w, "-xh", "smtpd_banner")
        banner = out.strip()
        case.note("postconf -xh smtpd_banner: %s" % show(banner))
        case.check("postconf -xh smtpd_banner names neither Postfix nor Debian",
                   [], [x for x in ("Postfix", "Debian") if x in banner] if rc == 0
                   else ["postconf exits %d" % rc])
    elif kind in ("exim", "exim-debian") and J.exim:
        g = "\n".join(got.get("greeting") or [])
        case.note("exim -bh greets: %s" % show(g))
        version = J.exim_sys["<exim_version>"]
        case.check("exim -bh greets without Exim and its version", [],
                   [x for x in ("Exim", version) if x in g] if g else ["no greeting"])
    elif kind == "sendmail" and got.get("cf"):
        text = common.decode(read_bytes(got["cf"]))
        lines = [ln for ln in text.split("\n") if ln.startswith("O SmtpGreetingMessage=")]
        case.note("the generated sendmail.cf: %s" % show(lines))
        case.check("O SmtpGreetingMessage= has neither Sendmail nor $v nor $Z",
                   [], [x for x in ("Sendmail", "$v", "$Z") if any(x in ln for ln in lines)]
                   if lines else ["no O SmtpGreetingMessage= line"])
    return case


# ------------------------------------------------------------------- main --

def main():
    args = arg_parser(
        __doc__,
        fixtures="the fixtures directory (fixtures/, holding DIALECT/CASE)",
        inputs=[("--postconf", dict(default=None, help="postconf binary")),
                ("--exim", dict(default=None, help="exim binary (default: the "
                                "unpacked one, as exim_oracle.py)")),
                ("--exim4-config", dict(default=ed.DEFAULT_EXIM4_CONFIG,
                                        help="the unpacked exim4-config package")),
                ("--cf-tree", dict(default=so.DEFAULT_TREE,
                                   help="the sendmail-cf tree (holding m4/cf.m4)")),
                ("--m4", dict(default=None, help="GNU m4"))],
        case="run only this case (repeatable): DIALECT/CASE, or debian/NAME "
             "(postfix-main-cf-debian, exim4-conf-template, "
             "etc-exim4-split, etc-exim4-template, sendmail-mc)",
        after_case=[("--skip-debian", dict(
            action="store_true",
            help="do not fix Debian's shipped defaults (refused when CI=true)"))]
    ).parse_args()
    tap = Tap()
    J = Judges()
    J.bl = tap.bannerlint(args.bannerlint)
    if not J.bl:
        return finish(tap)
    fixtures = os.path.abspath(args.fixtures)
    workdir = tempfile.mkdtemp(prefix="fix-oracle-")
    try:
        setup(tap, args, J, workdir)
        wanted = set(args.case)
        goldens = golden_cases(fixtures) if os.path.isdir(fixtures) else []
        print("# %d golden cases with .expect.fixed/ or expect.diff under %s" % (
            len(goldens), fixtures))
        if not goldens and not wanted:
            what = "setup: golden cases with .expect.fixed/ under %s" % fixtures
            if common.IN_CI:
                tap.emit("fail", what, "expected at least one, got 0 cases checked")
            else:
                tap.emit("skip", what, "none yet (0 cases checked; a failure "
                         "when CI=true)")
        units = []
        if not tap.skip_debian(args.skip_debian, "Debian's shipped defaults",
                               report=not wanted) and \
                (not wanted or any(w.startswith("debian/") for w in wanted)):
            if J.has_fix:
                units = debian_units(J, workdir)
                for k in ("debian-postfix",):
                    if k in J.why:
                        tap.missing("Debian postfix package (%s)" % J.why[k])
            else:
                tap.missing("Debian's shipped defaults fixed (needs the fix command)")
        goldens = tap.only(goldens + [u[0] for u in units], wanted)
        keep = {id(c) for c in goldens}
        units = [u for u in units if id(u[0]) in keep]
        goldens = [c for c in goldens if not c.name.startswith("debian/")]
        for c in goldens + [u[0] for u in units]:
            c.work = os.path.join(workdir, "cases", c.name.replace("/", "__"))
            os.makedirs(c.work)

        def one(fn, c, arg):
            try:
                return fn(J, arg)
            except Exception as e:  # a bug here must not hide the other cases
                c.fail("oracle runs the case", "no exception", "%s: %s" % (
                    type(e).__name__, e))
                return c

        done = run_cases(lambda c: one(run_golden, c, c), goldens, args.jobs)
        done += run_cases(lambda u: one(run_debian, u[0], u), units, args.jobs)
        tap.report(done)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return finish(tap)


def finish(tap):
    rc = tap.finish()
    if rc == 0 and tap.n["ok"] == 0 and tap.n["skip"] > 0:
        return SKIP_STATUS
    return rc


if __name__ == "__main__":
    sys.exit(main())

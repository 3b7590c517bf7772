#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""precommit.py - the hooks of .pre-commit-hooks.yaml through the real
pre-commit (Debian's package), in temporary git repositories.

  files     the hooks' `files:` pattern, as pre-commit applies it, takes
            exactly the names bannerlint recognises by name (every template
            extension of src/template.c included) plus Debian's /etc/exim4
            files; checked by overriding the hook's entry with a printer
  try-repo  `pre-commit try-repo HOOKS ID --all-files` on a leaky main.cf
  commit    a repository whose .pre-commit-config.yaml uses the hooks: a
            leaky main.cf does not commit (bannerlint's message shown); the
            fix hook rewrites it (the commit fails, "files were modified");
            the next commit passes; every comment is kept; a clean main.cf
            commits at once; a conf.d file of Debian's split tree is linted
            and fixed in its tree (the file holding the banner)

The hooks file is this tree's (uncommitted changes included): it is copied
into a scratch git repository and committed there, as pre-commit reads the
committed state of a hooks repository. The built bannerlint is put first on
PATH. HOME, XDG_CACHE_HOME and PRE_COMMIT_HOME are temporary directories;
nothing is downloaded.

A missing git or pre-commit: a failure with CI=true, else a skip (77).
Exit status 1 when a check fails. Python 3 standard library only.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402  (beside this script)

SKIP = 77
TIMEOUT = 300
IN_CI = os.environ.get("CI", "") in ("true", "TRUE", "True", "1", "yes")

LEAKY = """\
# Debian's main.cf, shortened
# See /usr/share/postfix/main.cf.dist for a commented, more complete version

smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)
biff = no

# appending .domain is the MUA's job.
append_dot_mydomain = no
myhostname = mx1.mailhost.de
"""
FIXED_BANNER = "smtpd_banner = $myhostname ESMTP"
CLEAN = """\
# a greeting that says nothing of the software
smtpd_banner = $myhostname ESMTP
myhostname = mx2.mailhost.de
"""


class Env:
    """The temporary world: environment, runner, repositories."""

    def __init__(self, tmp, bannerlint):
        self.tmp = tmp
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(bannerlint),
                   os.path.join(bindir, "bannerlint"))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GIT_", "PRE_COMMIT"))}
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        env.update({
            "PATH": bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
            "PRE_COMMIT_HOME": os.path.join(tmp, "cache", "pre-commit"),
            "PRE_COMMIT_COLOR": "never",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C.UTF-8",
        })
        self.env = env

    def run(self, argv, cwd):
        """(status, stdout and stderr together) of argv in cwd"""
        try:
            p = subprocess.run(argv, cwd=cwd, env=self.env,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return 124, "timed out after %ds: %s" % (TIMEOUT, argv)
        except OSError as e:
            return 127, "cannot run %s: %s" % (argv[0], e)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def git(self, cwd, *args):
        """git ARGS in cwd; raises on failure (the set-up, not a check)"""
        rc, out = self.run(["git"] + list(args), cwd)
        if rc != 0:
            raise RuntimeError("git %s failed (%d):\n%s"
                               % (" ".join(args), rc, out))
        return out

    def repo(self, name):
        """a new git repository with a local identity"""
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        self.git(d, "init", "-q", "-b", "main")
        self.git(d, "config", "user.name", "bannerlint test")
        self.git(d, "config", "user.email", "test@bannerlint.invalid")
        self.git(d, "config", "commit.gpgsign", "false")
        return d


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def config(hooks_repo, rev, hooks):
    """a .pre-commit-config.yaml using the hooks repository at rev; hooks:
    (id, {key: value}) pairs"""
    lines = ["repos:", "-   repo: %s" % hooks_repo, "    rev: %s" % rev,
             "    hooks:"]
    for hid, extra in hooks:
        lines.append("    -   id: %s" % hid)
        for k, v in extra.items():
            lines.append("        %s: %s" % (k, v))
    return "\n".join(lines) + "\n"


def template_exts(template_c):
    """the template extensions bannerlint knows, from src/template.c"""
    exts = re.findall(r'\{"(\.[A-Za-z0-9]+)",\s*BL_TEMPLATE_', read(template_c))
    if not exts:
        raise RuntimeError("no template extensions found in " + template_c)
    return exts


def head_count(e, repo):
    rc, out = e.run(["git", "rev-list", "--count", "--all"], repo)
    return out.strip() if rc == 0 else "0"


# ------------------------------------------------------------------ files --

BASES = ["main.cf", "master.cf", "main.cf.debian", "master.cf.dist",
         "main.cf.proto", "exim.conf", "exim4.conf", "exim4.conf.template",
         "sendmail.mc", "submit.mc", "x.mc", "sendmail.cf", "submit.cf",
         # near misses
         "exim.conf.template", "sendmail.cf.bak", "main.cfg", "mymain.cf",
         "exim4.config", "mc", "x.mcx", "notes.txt", "main", "cf"]
DEBIAN_YES = ["deb/update-exim4.conf.conf", "deb/exim4.conf.localmacros",
              "deb/conf.d/main/02_x", "deb/conf.d/router/100_y.rul",
              "deb/conf.d/acl/30_a-b", "deb/conf.d/transport/t",
              "deb/conf.d/retry/r", "deb/conf.d/rewrite/w",
              "deb/conf.d/auth/a"]
DEBIAN_NO = ["deb/conf.d/main/02_x.j2", "deb/conf.d/other/x",
             "deb/update-exim4.conf.conf.j2", "deb/conf.d/main/sub/x",
             "deb/exim4.conf.localmacros.j2", "deb/conf.d/main.cfx"]


def test_files(tap, e, hooks, rev, exts):
    repo = e.repo("files")
    names = [b + x for b in BASES for x in [""] + exts]
    names += [".mc", ".j2", "main.cf.j2.bak", "sendmail.mc.j2.bak"]
    names += ["sub/dir/" + n for n in ("main.cf", "x.mc.erb", "main.cfx")]
    for n in names + DEBIAN_YES + DEBIAN_NO:
        write(os.path.join(repo, n), "# x\n")
    # what bannerlint takes by its name: a file it cannot tell by content
    # ("# x") is refused unless its name says which server it is for
    want = set()
    for n in names:
        rc, out = e.run(["bannerlint", "check", "--color", "never", n], repo)
        if "cannot tell which mail server" not in out:
            want.add(n)
    want.update(DEBIAN_YES)
    printer = os.path.join(e.tmp, "bin", "print-args")
    listing = os.path.join(e.tmp, "files-passed")
    write(printer, '#!/bin/sh\nprintf "%%s\\n" "$@" >>"%s"\n' % listing)
    os.chmod(printer, 0o755)
    for hid in ("bannerlint", "bannerlint-fix"):
        if os.path.exists(listing):
            os.unlink(listing)
        write(os.path.join(repo, ".pre-commit-config.yaml"),
              config(hooks, rev, [(hid, {"entry": printer})]))
        e.git(repo, "add", "-A")
        rc, out = e.run(["pre-commit", "run", hid, "--all-files"], repo)
        got = set(read(listing).split("\n")) - {""} \
            if os.path.exists(listing) else set()
        tap.check(rc == 0 and got == want,
                  "files: %s takes exactly the %d names bannerlint "
                  "recognises and Debian's /etc/exim4 files (of %d)"
                  % (hid, len(want), len(names) + len(DEBIAN_YES)
                     + len(DEBIAN_NO)),
                  "pre-commit exit %d\nmissing: %s\nextra: %s\n%s"
                  % (rc, sorted(want - got), sorted(got - want), out))


# --------------------------------------------------------------- try-repo --

def test_try_repo(tap, e, hooks):
    repo = e.repo("try")
    write(os.path.join(repo, "main.cf"), LEAKY)
    e.git(repo, "add", "main.cf")
    rc, out = e.run(["pre-commit", "try-repo", hooks, "bannerlint",
                     "--all-files"], repo)
    tap.check(rc == 1 and "main.cf:4:" in out and "[BL101" in out
              and read(os.path.join(repo, "main.cf")) == LEAKY,
              "try-repo bannerlint: a leaky main.cf fails with "
              "bannerlint's message", "exit %d\n%s" % (rc, out))
    rc, out = e.run(["pre-commit", "try-repo", hooks, "bannerlint-fix",
                     "--all-files"], repo)
    text = read(os.path.join(repo, "main.cf"))
    tap.check(rc == 1 and "files were modified by this hook" in out
              and FIXED_BANNER + "\n" in text,
              "try-repo bannerlint-fix: rewrites the banner and fails",
              "exit %d\n%s\nmain.cf now:\n%s" % (rc, out, text))


# ----------------------------------------------------------------- commit --

def comments(text):
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def commit(e, repo, msg):
    return e.run(["git", "commit", "-q", "-m", msg], repo)


def test_commit(tap, e, hooks, rev):
    repo = e.repo("commit")
    check_only = config(hooks, rev, [("bannerlint", {})])
    both = config(hooks, rev, [("bannerlint-fix", {}), ("bannerlint", {})])
    cfg = os.path.join(repo, ".pre-commit-config.yaml")
    main_cf = os.path.join(repo, "main.cf")
    write(cfg, check_only)
    rc, out = e.run(["pre-commit", "install"], repo)
    if not tap.check(rc == 0 and os.path.exists(
            os.path.join(repo, ".git", "hooks", "pre-commit")),
            "commit: pre-commit install", out):
        return
    e.git(repo, "add", "-A")
    rc, out = commit(e, repo, "pre-commit configuration")
    tap.check(rc == 0, "commit: a commit without configuration files "
              "passes", "exit %d\n%s" % (rc, out))

    # the check hook blocks a leaky main.cf
    write(main_cf, LEAKY)
    e.git(repo, "add", "main.cf")
    before = head_count(e, repo)
    rc, out = commit(e, repo, "leaky main.cf")
    tap.check(rc != 0 and head_count(e, repo) == before
              and "main.cf:4:34: warning: greeting names the MTA software"
              in out and "[BL101 banner-software-name]" in out
              and read(main_cf) == LEAKY,
              "commit: a leaky main.cf does not commit, bannerlint's "
              "message shown", "exit %d\n%s" % (rc, out))

    # the fix hook rewrites it and fails that run
    write(cfg, both)
    e.git(repo, "add", "-A")
    rc, out = commit(e, repo, "leaky main.cf, fix hook")
    fixed = read(main_cf)
    changed = [(a, b) for a, b in zip(LEAKY.splitlines(), fixed.splitlines())
               if a != b]
    tap.check(rc != 0 and head_count(e, repo) == before
              and "files were modified by this hook" in out
              and "bannerlint: fixed main.cf" in out
              and changed == [(LEAKY.splitlines()[3], FIXED_BANNER)]
              and len(fixed.splitlines()) == len(LEAKY.splitlines()),
              "commit: the fix hook rewrites the banner (one line) and "
              "fails the commit", "exit %d\n%s\nmain.cf now:\n%s"
              % (rc, out, fixed))
    tap.check(comments(fixed) == comments(LEAKY),
              "commit: the fixed main.cf keeps every comment", fixed)

    # the next commit passes
    e.git(repo, "add", "main.cf")
    rc, out = commit(e, repo, "fixed main.cf")
    rc2, shown = e.run(["git", "show", "HEAD:main.cf"], repo)
    tap.check(rc == 0 and int(head_count(e, repo)) == int(before) + 1
              and rc2 == 0 and shown == fixed,
              "commit: the fixed main.cf commits", "exit %d\n%s" % (rc, out))

    # a clean main.cf commits at once
    clean = os.path.join(repo, "clean", "main.cf")
    write(clean, CLEAN)
    e.git(repo, "add", "clean/main.cf")
    rc, out = commit(e, repo, "clean main.cf")
    tap.check(rc == 0 and read(clean) == CLEAN
              and re.search(r"^bannerlint\.+Passed$", out, re.M) is not None,
              "commit: a clean main.cf commits at once (both hooks pass)",
              "exit %d\n%s" % (rc, out))

    # Debian's split tree: a conf.d file alone is linted in its tree
    tree = os.path.join(repo, "etc", "exim4")
    write(os.path.join(tree, "update-exim4.conf.conf"),
          "dc_eximconfig_configtype='internet'\ndc_use_split_config='true'\n")
    banner = os.path.join(tree, "conf.d", "main", "02_banner")
    write(banner, "# the greeting\nprimary_hostname = mx1.mailhost.de\n"
          "smtp_banner = $smtp_active_hostname ESMTP Exim $version_number\n")
    router = os.path.join(tree, "conf.d", "router", "100_local")
    write(router, "# routers\n")
    e.git(repo, "add", "-A")
    # adopted before the hook: committed without it
    rc, out = e.run(["git", "commit", "-q", "--no-verify", "-m", "exim4"],
                    repo)
    if not tap.check(rc == 0, "commit: the split tree commits with "
                     "--no-verify", out):
        return
    write(cfg, config(hooks, rev, [("bannerlint", {}),
                                   ("bannerlint-fix", {})]))
    write(router, "# routers, edited\n")
    e.git(repo, "add", "-A")
    rc, out = commit(e, repo, "router edited")
    text = read(banner)
    tap.check(rc != 0 and "cannot tell which mail server" not in out
              and "etc/exim4/conf.d/main/02_banner:3:" in out
              and "[BL101" in out
              and "bannerlint: fixed etc/exim4/conf.d/main/02_banner" in out
              and "smtp_banner = $smtp_active_hostname ESMTP\n" in text
              and text.startswith("# the greeting\n"),
              "commit: a conf.d/router file alone lints and fixes its "
              "Debian tree (the banner in conf.d/main)",
              "exit %d\n%s\n02_banner now:\n%s" % (rc, out, text))
    e.git(repo, "add", "-A")
    rc, out = commit(e, repo, "router edited, banner fixed")
    tap.check(rc == 0, "commit: the fixed tree commits",
              "exit %d\n%s" % (rc, out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bannerlint", required=True)
    ap.add_argument("--hooks", required=True,
                    help="the .pre-commit-hooks.yaml to test")
    ap.add_argument("--template-c", required=True,
                    help="src/template.c (the template extensions)")
    a = ap.parse_args()

    missing = [c for c in ("git", "pre-commit") if shutil.which(c) is None]
    if missing:
        print("# %s not installed (tests/setup-components.sh installs it)"
              % " and ".join(missing))
        if IN_CI:
            print("not ok 1 - git and pre-commit are installed (CI=true)")
            return 1
        return SKIP

    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="bannerlint-precommit.")
    try:
        e = Env(tmp, a.bannerlint)
        hooks = e.repo("hooks")
        shutil.copy(a.hooks, os.path.join(hooks, ".pre-commit-hooks.yaml"))
        e.git(hooks, "add", ".pre-commit-hooks.yaml")
        e.git(hooks, "commit", "-q", "-m", "hooks under test")
        rev = e.git(hooks, "rev-parse", "HEAD").strip()
        test_files(tap, e, hooks, rev, template_exts(a.template_c))
        test_try_repo(tap, e, hooks)
        test_commit(tap, e, hooks, rev)
    except RuntimeError as err:
        tap.check(False, "set-up", str(err))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.end()


if __name__ == "__main__":
    sys.exit(main())

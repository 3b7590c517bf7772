#!/usr/bin/env bash
# Install everything bannerlint's build and test suites need, on Debian 12 / Ubuntu.
#
#   sudo tests/setup-components.sh        (or as root, without sudo)
#
# Idempotent: a second run changes nothing, and when every package is already installed it does
# not even run `apt-get update` (fast path). Uses Debian's packages only.
#
# What it does:
#   1. apt: the build dependencies and the test components (Postfix is preseeded with
#      "No configuration", so nothing is configured or started);
#   2. node/npm only if missing;
#   3. `apt-get download` of the MTA packages that conflict with the installed Postfix (Exim,
#      sendmail-cf) and of postfix itself, into tests/.cache/debs/, each unpacked with `dpkg -x`
#      into tests/.cache/pkgs/<name>/ (the oracle and the benchmarks use these trees);
#   4. the Debian-exim system user that the unpacked exim4 binary needs;
#   5. the Microsoft SARIF Multitool from npm into tests/.cache/npm/ (for the lint suite).
# Any failure stops it with a non-zero status and a message saying which step failed.
#
# Environment:
#   BANNERLINT_CACHE_DIR   where to keep the .debs and unpacked trees (default tests/.cache)
#   BANNERLINT_SETUP_FORCE_UPDATE=1   run `apt-get update` even when nothing is missing

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${BANNERLINT_CACHE_DIR:-$root/tests/.cache}

# ---------------------------------------------------------------------------------------------
# Package lists. BUILD_DEPS is the README's build-dependency list: keep the two in sync.
BUILD_DEPS=(
  gcc meson ninja-build pkg-config
  libconfuse-dev libpcre2-dev libssl-dev libldns-dev libcmocka-dev
  libjansson-dev libpsl-dev libidn2-dev libexpat1-dev libcsv-dev
)
TEST_DEPS=(
  postfix m4 nsd ldnsutils openssl git pre-commit mandoc valgrind
  clang libclang-rt-14-dev python3 jq
  # what the unpacked exim4-daemon-light binary links against (libidn12 is the one usually
  # missing; the rest are listed so a minimal machine works too)
  libidn12 libgnutls30 libgnutls-dane0 libdb5.3 libnsl2 libcrypt1 libpcre2-8-0
)
# Downloaded and unpacked with dpkg -x, never installed (they conflict with the installed postfix).
UNPACK_DEBS=(postfix exim4-daemon-light exim4-base exim4-config sendmail-cf)

# ---------------------------------------------------------------------------------------------
say()  { printf 'setup-components: %s\n' "$*"; }
die()  { printf 'setup-components: ERROR: %s\n' "$*" >&2; exit 1; }
step=""
on_exit() {
  local rc=$?
  cleanup_policy_rc
  if [ "$rc" -ne 0 ]; then
    printf 'setup-components: FAILED (exit %s)%s\n' "$rc" "${step:+ during: $step}" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT

export DEBIAN_FRONTEND=noninteractive
APT_ENV=(env DEBIAN_FRONTEND=noninteractive)
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

apt_updated=0
apt_update_once() {
  [ "$apt_updated" -eq 1 ] && return 0
  step="apt-get update"
  say "running apt-get update"
  as_root "${APT_ENV[@]}" apt-get update -q </dev/null || die "apt-get update failed"
  apt_updated=1
}

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# Keep services from starting during installs (e.g. nsd on port 53) on machines that do not
# already have a policy; the temporary policy is removed on exit.
policy_rc=/usr/sbin/policy-rc.d
policy_rc_ours=0
install_policy_rc() {
  [ -e "$policy_rc" ] && return 0
  say "installing a temporary $policy_rc so that no service starts during the install"
  printf '#!/bin/sh\n# temporary, from bannerlint tests/setup-components.sh\nexit 101\n' \
    | as_root tee "$policy_rc" >/dev/null
  as_root chmod 755 "$policy_rc"
  policy_rc_ours=1
}
cleanup_policy_rc() {
  if [ "$policy_rc_ours" -eq 1 ]; then
    as_root rm -f "$policy_rc" || true
    policy_rc_ours=0
  fi
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  die "not root and sudo is not installed: run this script as root"
fi
as_root() { "${SUDO[@]}" "$@"; }

# ---------------------------------------------------------------------------------------------
install_apt_packages() {
  step="checking installed packages"
  local missing=() p
  for p in "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  # node and npm: only when the commands are missing (node often comes from elsewhere, and
  # Debian's npm package conflicts with such a node).
  command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)

  if [ "${#missing[@]}" -eq 0 ] && [ "${BANNERLINT_SETUP_FORCE_UPDATE:-0}" != 1 ]; then
    say "all apt packages already installed (skipping apt-get update)"
    return 0
  fi
  apt_update_once
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  say "installing: ${missing[*]}"
  step="debconf preseed for postfix"
  echo "postfix postfix/main_mailer_type select No configuration" \
    | as_root debconf-set-selections || die "debconf-set-selections failed"
  install_policy_rc
  step="apt-get install ${missing[*]}"
  as_root "${APT_ENV[@]}" apt-get install "${APT_OPTS[@]}" "${missing[@]}" </dev/null \
    || die "apt-get install failed for: ${missing[*]}"
  cleanup_policy_rc
  for p in "${missing[@]}"; do
    case $p in
      nodejs) command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 \
                || die "nodejs installed but no node command found" ;;
      npm) command -v npm >/dev/null 2>&1 || die "npm installed but no npm command found" ;;
      *) is_installed "$p" || die "package $p is still not installed after apt-get install" ;;
    esac
  done
  say "apt packages installed"
}

# ---------------------------------------------------------------------------------------------
# .debs that are unpacked, not installed.
download_debs() {
  local debs="$cache/debs" name f tmp
  mkdir -p "$debs"
  local want=()
  for name in "${UNPACK_DEBS[@]}"; do
    # the unpacked tree is all we need; skip the download when it is already there
    [ -e "$cache/pkgs/$name/.unpacked" ] && continue
    compgen -G "$debs/${name}_*.deb" >/dev/null || want+=("$name")
  done
  [ "${#want[@]}" -eq 0 ] && { say "package cache complete: $debs"; return 0; }

  step="apt-get download ${want[*]}"
  say "downloading into $debs: ${want[*]}"
  tmp=$(mktemp -d "$debs/.download.XXXXXX")
  local dl_opts=(-q)
  # as root apt drops to the _apt user for downloads, which cannot write into our directory
  [ "$(id -u)" -eq 0 ] && dl_opts+=(-o APT::Sandbox::User=root)
  if ! (cd "$tmp" && apt-get download "${dl_opts[@]}" "${want[@]}" </dev/null); then
    # stale or absent package lists: update once and try again
    if [ "$apt_updated" -eq 0 ]; then
      say "apt-get download failed; updating the package lists and retrying"
      apt_update_once
      step="apt-get download ${want[*]}"
      (cd "$tmp" && apt-get download "${dl_opts[@]}" "${want[@]}" </dev/null) \
        || { rm -rf "$tmp"; die "apt-get download failed for: ${want[*]}"; }
    else
      rm -rf "$tmp"; die "apt-get download failed for: ${want[*]}"
    fi
  fi
  for name in "${want[@]}"; do
    f=$(compgen -G "$tmp/${name}_*.deb" | head -n1) \
      || { rm -rf "$tmp"; die "apt-get download produced no .deb for $name"; }
    mv -f "$f" "$debs/"
  done
  rm -rf "$tmp"
}

unpack_debs() {
  local name deb dest tmp
  mkdir -p "$cache/pkgs"
  for name in "${UNPACK_DEBS[@]}"; do
    dest="$cache/pkgs/$name"
    if [ -e "$dest/.unpacked" ]; then
      say "already unpacked: $dest ($(cat "$dest/.unpacked"))"
      continue
    fi
    deb=$(compgen -G "$cache/debs/${name}_*.deb" | sort -V | tail -n1) \
      || die "no .deb for $name in $cache/debs"
    step="dpkg -x $deb"
    say "unpacking $(basename "$deb") into $dest"
    tmp=$(mktemp -d "$cache/pkgs/.$name.XXXXXX")
    dpkg -x "$deb" "$tmp" || { rm -rf "$tmp"; die "dpkg -x failed for $deb"; }
    basename "$deb" >"$tmp/.unpacked"
    rm -rf "$dest"
    mv "$tmp" "$dest"
  done
}

ensure_exim_user() {
  step="creating the Debian-exim user"
  if getent passwd Debian-exim >/dev/null; then
    say "user Debian-exim exists"
    return 0
  fi
  say "creating system user Debian-exim"
  if getent group Debian-exim >/dev/null; then
    as_root useradd --system --gid Debian-exim --no-create-home --home-dir /var/spool/exim4 \
      --shell /usr/sbin/nologin Debian-exim || die "useradd Debian-exim failed"
  else
    as_root useradd --system --user-group --no-create-home --home-dir /var/spool/exim4 \
      --shell /usr/sbin/nologin Debian-exim || die "useradd Debian-exim failed"
  fi
}

check_components() {
  step="checking the components"
  local exim="$cache/pkgs/exim4-daemon-light/usr/sbin/exim4" missing_libs
  [ -x "$exim" ] || die "unpacked exim4 binary not found at $exim"
  missing_libs=$(ldd "$exim" | awk '/not found/ {print $1}')
  [ -z "$missing_libs" ] || die "the unpacked exim4 needs libraries that are not installed: $missing_libs"
  [ -f "$cache/pkgs/sendmail-cf/usr/share/sendmail/cf/m4/cf.m4" ] \
    || die "sendmail-cf's cf.m4 not found under $cache/pkgs/sendmail-cf"
  [ -f "$cache/pkgs/postfix/usr/share/postfix/main.cf.debian" ] \
    || die "postfix's main.cf.debian not found under $cache/pkgs/postfix"
  local c
  for c in postconf m4 nsd drill openssl git pre-commit mandoc valgrind clang jq meson ninja; do
    command -v "$c" >/dev/null 2>&1 || die "command $c not found after the install"
  done
  say "components ready (exim4: $exim; cache: $cache)"
}

# ---------------------------------------------------------------------------------------------
# Microsoft SARIF Multitool (npm @microsoft/sarif-multitool), for the `lint` suite's SARIF
# validation (tests/lint/sarif_validate.py). It installs into $cache/npm so nothing global
# changes; the command is then $cache/npm/node_modules/.bin/sarif-multitool (a node wrapper
# around the self-contained .NET binary
# node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool, about 100 MB).
# The download is about 104 MB and takes a few seconds on a fast link.
# The .NET binary needs libicu unless DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 is set (without
# either it aborts with "Couldn't find a valid ICU package"); the test sets that variable, and
# so does the check here, so libicu is not required.
SARIF_MULTITOOL_PKG=@microsoft/sarif-multitool
sarif_multitool_works() {
  local bin="$1" out
  [ -x "$bin" ] || return 1
  out=$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
        "$bin" --version </dev/null 2>&1) || return 1
  case $out in *"SARIF Multitool"*) return 0 ;; *) return 1 ;; esac
}
install_sarif_multitool() {
  step="npm install $SARIF_MULTITOOL_PKG"
  local dir="$cache/npm"
  local bin="$dir/node_modules/.bin/sarif-multitool"
  local native="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  if sarif_multitool_works "$bin"; then
    say "sarif-multitool already installed: $bin"
    return 0
  fi
  command -v node >/dev/null 2>&1 || die "node not found: the sarif-multitool wrapper needs node (apt-get install nodejs)"
  command -v npm >/dev/null 2>&1 || die "npm not found: cannot install $SARIF_MULTITOOL_PKG (apt-get install npm)"
  case $(uname -s)/$(uname -m) in
    Linux/x86_64) ;;
    *) die "$SARIF_MULTITOOL_PKG ships a Linux binary for x86_64 only, not $(uname -s)/$(uname -m)" ;;
  esac
  mkdir -p "$dir" || die "cannot create $dir"
  # a package.json of our own, so that npm installs here and never walks up to a parent project
  [ -f "$dir/package.json" ] || printf '{ "private": true }\n' >"$dir/package.json"
  say "installing $SARIF_MULTITOOL_PKG into $dir (about 104 MB download)"
  local t0=$SECONDS
  (cd "$dir" && npm install --no-audit --no-fund --prefix "$dir" "$SARIF_MULTITOOL_PKG" </dev/null) \
    || die "npm install $SARIF_MULTITOOL_PKG failed (is the npm registry reachable? see the npm output above)"
  # the package's postinstall only does 'chmod u+x Sarif.Multitool'; npm may skip install
  # scripts (ignore-scripts, or npm's allowScripts policy), so do it here
  if [ -f "$native" ] && [ ! -x "$native" ]; then
    chmod u+x "$native" || die "cannot make $native executable"
  fi
  [ -x "$bin" ] || die "npm install finished but $bin is missing"
  [ -x "$native" ] || die "npm install finished but the Linux binary $native is missing (optional dependency not installed?)"
  if ! sarif_multitool_works "$bin"; then
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$bin" --version </dev/null >&2 || true
    die "sarif-multitool is installed but '$bin --version' fails (output above)"
  fi
  say "sarif-multitool installed in $((SECONDS - t0)) s: $bin"
}

# ---------------------------------------------------------------------------------------------
main() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script supports Debian/Ubuntu only"
  install_apt_packages
  download_debs
  unpack_debs
  ensure_exim_user
  install_sarif_multitool
  check_components
  step=""
  say "done"
}

main "$@"

#!/usr/bin/env bash
# Run bannerlint's whole test suite, as the README's test command and .ci/run do:
#
#   $(command -v sudo) tests/run-all.sh   (sudo for a user, nothing for root)
#
#  1. tests/setup-components.sh (installs the build dependencies and test components);
#  2. meson setup build (or --reconfigure), meson compile -C build;
#  3. meson test -C build --print-errorlogs            (every suite);
#  4. valgrind: meson test -C build --setup valgrind --suite unit --suite golden (memcheck
#     around every unit test and every bannerlint the golden runner starts);
#  5. the sanitizer pass: build-asan with -Db_sanitize=address,undefined -Db_lundef=false,
#     running the unit, golden, oracle and dns suites with ASan/LSan/UBSan set to abort on error;
#  6. the fuzzers: build-fuzz with CC=clang -Dfuzz=true and the same sanitizers, running
#     each libFuzzer harness of tests/fuzz/ (suite 'fuzz') for BANNERLINT_FUZZ_SECONDS on
#     its seeds; reproducers are kept in build-fuzz/fuzz-artifacts/HARNESS/.
# Then it prints, as its last line, the passed and failed counts of all meson runs added up:
#
#   N passed, N failed
#
# Passed = Ok + Expected Fail; failed = Fail + Timeout + Unexpected Pass, plus Skipped when
# CI=true (a suite whose component cannot start must fail in CI, not skip), plus one for each
# step that failed outside a test (setup, configure, compile, a meson error). Exit status 1 when
# failed > 0, else 0. Works from any directory.
#
# Environment:
#   BANNERLINT_MESON_ARGS   extra arguments for both `meson setup` calls (word-split)
#   BANNERLINT_TEST_ARGS    extra arguments for the main `meson test` run (e.g. "--suite unit")
#   BANNERLINT_NO_VALGRIND=1  skip the valgrind pass (ignored when CI=true)
#   BANNERLINT_NO_ASAN=1    skip the sanitizer pass (ignored when CI=true)
#   BANNERLINT_NO_FUZZ=1    skip the fuzzers (ignored when CI=true)
#   BANNERLINT_FUZZ_SECONDS how long each fuzz harness runs (default 60)
#   BANNERLINT_FUZZ_CC      the compiler of build-fuzz (default clang; it must be clang)
#   BANNERLINT_NO_SETUP=1   skip tests/setup-components.sh (ignored when CI=true)
#   CI=true                 skipped tests count as failed

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

ci=0
case "${CI:-}" in true|TRUE|True|1|yes) ci=1 ;; esac

read -r -a meson_args <<<"${BANNERLINT_MESON_ARGS:-}"
read -r -a test_args <<<"${BANNERLINT_TEST_ARGS:-}"
asan_suites=(unit golden oracle dns) # dns: the live resolver, against NSD
valgrind_suites=(unit golden)

passed=0
failed=0
skipped=0
problems=()
summary_done=0
logdir=$(mktemp -d "${TMPDIR:-/tmp}/bannerlint-run-all.XXXXXX")

banner() { printf '\n===== run-all: %s =====\n' "$*"; }
note()   { printf 'run-all: %s\n' "$*"; }
problem() { problems+=("$*"); failed=$((failed + 1)); note "FAILED: $*"; }

print_summary() {
  [ "$summary_done" -eq 1 ] && return 0
  summary_done=1
  printf '\n===== run-all: summary =====\n'
  local p
  for p in "${problems[@]+"${problems[@]}"}"; do
    printf 'run-all: failed step: %s\n' "$p"
  done
  if [ "$skipped" -gt 0 ]; then
    if [ "$ci" -eq 1 ]; then
      printf 'run-all: %d skipped test(s) counted as failed (CI=true)\n' "$skipped"
    else
      printf 'run-all: %d skipped test(s) (not counted; with CI=true they count as failed)\n' "$skipped"
    fi
  fi
  printf '%d passed, %d failed\n' "$passed" "$failed"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
  local rc=$?
  if [ "$summary_done" -eq 0 ]; then
    # interrupted or an unexpected error: still end with the counts line
    [ "$failed" -eq 0 ] && problem "run-all.sh stopped early (exit $rc)"
    print_summary
    rc=1
  fi
  rm -rf "$logdir"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish() {
  print_summary
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# --- meson helpers ---------------------------------------------------------------------------

# meson_setup DIR [ARGS...]: configure DIR, reconfiguring when it already is a build dir and
# starting it afresh (--wipe) when the reconfigure fails (e.g. after a meson upgrade).
meson_setup() {
  local dir=$1
  shift
  if [ -d "$dir/meson-private" ]; then
    meson setup --reconfigure "$dir" "$@" && return 0
    note "reconfigure of $dir failed; wiping it and configuring again"
    meson setup --wipe "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

# count_results LOG STATUS LABEL: add the counts from meson test's summary block in LOG.
count_results() {
  local log=$1 status=$2 label=$3 ok xfail fail xpass skip tout
  # the summary block is the last one in the output: take the last value of each key
  read -r ok xfail fail xpass skip tout < <(awk '
    /^Ok:[ \t]+[0-9]+/              { ok = $2 }
    /^Expected Fail:[ \t]+[0-9]+/   { xfail = $3 }
    /^Fail:[ \t]+[0-9]+/            { fail = $2 }
    /^Unexpected Pass:[ \t]+[0-9]+/ { xpass = $3 }
    /^Skipped:[ \t]+[0-9]+/         { skip = $2 }
    /^Timeout:[ \t]+[0-9]+/         { tout = $2 }
    END { printf "%s %s %s %s %s %s\n", (ok==""?"-":ok), xfail+0, fail+0, xpass+0, skip+0, tout+0 }
  ' "$log")

  if [ "$ok" = "-" ]; then
    # no summary printed
    if grep -q '^No tests defined\.' "$log"; then
      note "$label: meson found no tests to run"
      [ "$status" -eq 0 ] || problem "$label: meson test exited with status $status"
    else
      problem "$label: meson test printed no summary (exit status $status)"
    fi
    return 0
  fi

  local p=$((ok + xfail)) f=$((fail + xpass + tout))
  note "$label: Ok $ok, Expected Fail $xfail, Fail $fail, Unexpected Pass $xpass, Skipped $skip, Timeout $tout"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + skip))
  if [ "$ci" -eq 1 ]; then
    failed=$((failed + skip))
  fi
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    # meson itself failed (e.g. the rebuild before the tests): that is a failure too
    problem "$label: meson test exited with status $status"
  fi
}

# run_meson_test LABEL BUILDDIR [ARGS...]
run_meson_test() {
  local label=$1 dir=$2 log status
  shift 2
  log="$logdir/$label.log"
  banner "$label: meson test -C $dir $*"
  meson test -C "$dir" --print-errorlogs "$@" </dev/null 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  count_results "$log" "$status" "$label"
}

# existing_suites DIR SUITE...: print those of the SUITEs that DIR's tests define.
existing_suites() {
  local dir=$1
  shift
  meson introspect --tests "$dir" | python3 -c '
import json, sys
want = sys.argv[1:]
have = set()
for t in json.load(sys.stdin):
    for s in t.get("suite", []):
        have.add(s.split(":", 1)[-1])   # suites may be listed as "project:suite"
print(" ".join(w for w in want if w in have))
' "$@"
}

# skipping VAR STEP: true (and a note) when the environment variable VAR=1 skips STEP;
# never in CI.
skipping() {
  if [ "$ci" -eq 0 ] && [ "${!1:-0}" = 1 ]; then
    note "$1=1: skipping $2"
    return 0
  fi
  return 1
}

# pick_suites DIR LABEL SUITE...: set the array suite_args to --suite S for each SUITE that
# DIR defines (noting those it does not); status 1 when it defines none, 2 (a failed step)
# when introspection fails.
suite_args=()
pick_suites() {
  local dir=$1 label=$2 have s
  shift 2
  suite_args=()
  if ! have=$(existing_suites "$dir" "$@"); then
    problem "meson introspect --tests $dir"
    return 2
  fi
  for s in "$@"; do
    case " $have " in
      *" $s "*) suite_args+=(--suite "$s") ;;
      *) note "$label: suite '$s' is not defined (yet); nothing to run for it" ;;
    esac
  done
  if [ "${#suite_args[@]}" -eq 0 ]; then
    note "$label: none of the suites $* is defined"
    return 1
  fi
  return 0
}

# --- 1. components ---------------------------------------------------------------------------
if [ "$ci" -eq 0 ] && [ "${BANNERLINT_NO_SETUP:-0}" = 1 ]; then
  note "BANNERLINT_NO_SETUP=1: not running tests/setup-components.sh"
else
  banner "setup: tests/setup-components.sh"
  if ! bash "$here/setup-components.sh" </dev/null; then
    problem "tests/setup-components.sh"
    finish
  fi
fi

# --- 2-3. main build and every suite ---------------------------------------------------------
banner "configure: meson setup build ${meson_args[*]+"${meson_args[*]}"}"
if ! meson_setup build "${meson_args[@]+"${meson_args[@]}"}" </dev/null; then
  problem "meson setup build"
  finish
fi
banner "compile: meson compile -C build"
if ! meson compile -C build </dev/null; then
  problem "meson compile -C build"
  finish
fi
run_meson_test main build "${test_args[@]+"${test_args[@]}"}"

# --- 4. valgrind ---------------------------------------------------------------------------
if ! skipping BANNERLINT_NO_VALGRIND "the valgrind pass"; then
  if ! command -v valgrind >/dev/null 2>&1; then
    problem "valgrind is not installed (tests/setup-components.sh installs it)"
  elif pick_suites build valgrind "${valgrind_suites[@]}"; then
    run_meson_test valgrind build --setup valgrind "${suite_args[@]}"
  fi
fi

# --- 5. sanitizer pass -----------------------------------------------------------------------
asan_pass() {
  banner "configure: meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false"
  if ! meson_setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
        "${meson_args[@]+"${meson_args[@]}"}" </dev/null; then
    problem "meson setup build-asan"
    return
  fi
  banner "compile: meson compile -C build-asan"
  if ! meson compile -C build-asan </dev/null; then
    problem "meson compile -C build-asan"
    return
  fi
  pick_suites build-asan "sanitizer pass" "${asan_suites[@]}" || return
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_meson_test asan build-asan --timeout-multiplier 3 "${suite_args[@]}"
}
skipping BANNERLINT_NO_ASAN "the sanitizer pass" || asan_pass

# --- 6. fuzzers ------------------------------------------------------------------------------
fuzz_pass() {
  local fuzz_cc=${BANNERLINT_FUZZ_CC:-clang}
  if ! command -v "$fuzz_cc" >/dev/null 2>&1; then
    # a failure to build the fuzzers is a failure, in CI and out of it
    problem "the fuzzers need $fuzz_cc and libFuzzer (apt-get install clang libclang-rt-14-dev)"
    return
  fi
  banner "configure: CC=$fuzz_cc meson setup build-fuzz -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false"
  if ! CC=$fuzz_cc meson_setup build-fuzz -Dfuzz=true -Dtests=false \
        -Db_sanitize=address,undefined -Db_lundef=false \
        "${meson_args[@]+"${meson_args[@]}"}" </dev/null; then
    problem "meson setup build-fuzz"
    return
  fi
  banner "compile: meson compile -C build-fuzz"
  if ! meson compile -C build-fuzz </dev/null; then
    problem "meson compile -C build-fuzz"
    return
  fi
  pick_suites build-fuzz fuzz fuzz
  case $? in
    0) ;;
    1) problem "build-fuzz defines no test of suite fuzz"; return ;;
    *) return ;;
  esac
  note "fuzz: ${BANNERLINT_FUZZ_SECONDS:-60} s per harness; reproducers are kept in $root/build-fuzz/fuzz-artifacts/"
  run_meson_test fuzz build-fuzz "${suite_args[@]}"
  # one line per harness: executions, speed, coverage; and every reproducer
  grep -h -E '^[a-z0-9_]+: (exit -?[0-9]+ after|REPRODUCER|  replay:|FAILED)' \
    build-fuzz/meson-logs/testlog.txt 2>/dev/null | sed 's/^/run-all: fuzz: /'
}
skipping BANNERLINT_NO_FUZZ "the fuzzers" || fuzz_pass

finish

#!/usr/bin/env bash
# Benchmark: bannerlint on one Postfix instance against Postfix's own `postconf`.
#
#   tests/bench/bench-postfix.sh [--runs N] [--warmup N] [--callgrind] [--no-hyperfine] [BINARY]
#
# Input: Debian's stock main.cf.debian and master.cf.dist (from the postfix package unpacked by
# tests/setup-components.sh into tests/.cache/pkgs/postfix/usr/share/postfix/), copied into a
# temporary directory as main.cf and master.cf.
#
# Measures whole-process wall time (start-up, rule loading and everything included), median of N
# runs, of
#   postconf -c DIR -xh smtpd_banner          (the reference)
#   BINARY show DIR
#   BINARY check DIR                          (when the binary has a `check` subcommand)
# and prints each median in milliseconds and the ratio to postconf. The timer is hyperfine when it
# is installed, else a bash loop. With --callgrind it also counts instructions with
# `valgrind --tool=callgrind` (repeatable whatever else the machine is doing).
#
# This is a measurement, not a test: it exits 0 whatever the numbers are, and non-zero only
# when it cannot measure (no binary, no input, a command that fails).
#
# Options / environment:
#   BINARY            bannerlint binary (default: build/bannerlint)
#   --runs N          timed runs per command (env BENCH_RUNS, default 200; clamped to 5..5000)
#   --warmup N        untimed runs first (env BENCH_WARMUP, default 5)
#   --max-seconds S   stop a command's runs after S seconds (env BENCH_MAX_SECONDS, default 60)
#   --callgrind       also report instruction counts (needs valgrind)
#   --no-hyperfine    use the bash loop even when hyperfine is installed

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

runs=${BENCH_RUNS:-200}
warmup=${BENCH_WARMUP:-5}
max_seconds=${BENCH_MAX_SECONDS:-60}
callgrind=0
use_hyperfine=1
bin=""

usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; }
die() { printf 'bench-postfix: ERROR: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --warmup) warmup=${2:?--warmup needs a number}; shift 2 ;;
    --warmup=*) warmup=${1#*=}; shift ;;
    --max-seconds) max_seconds=${2:?--max-seconds needs a number}; shift 2 ;;
    --max-seconds=*) max_seconds=${1#*=}; shift ;;
    --callgrind) callgrind=1; shift ;;
    --no-hyperfine) use_hyperfine=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$bin" ] || die "more than one binary given"; bin=$1; shift ;;
  esac
done

for v in runs warmup max_seconds; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v//_/-} must be a whole number, not '${!v}'"
done
[ "$runs" -lt 5 ] && runs=5
[ "$runs" -gt 5000 ] && runs=5000
[ "$warmup" -gt 100 ] && warmup=100
[ "$max_seconds" -lt 1 ] && max_seconds=1

bin=${bin:-$root/build/bannerlint}
[ -x "$bin" ] || die "bannerlint binary not found or not executable: $bin (build it with: meson setup build && meson compile -C build)"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

postconf=$(command -v postconf || true)
if [ -z "$postconf" ] && [ -x /usr/sbin/postconf ]; then postconf=/usr/sbin/postconf; fi
[ -n "$postconf" ] || die "postconf not found (run tests/setup-components.sh)"

src=$root/tests/.cache/pkgs/postfix/usr/share/postfix
if [ ! -f "$src/main.cf.debian" ] || [ ! -f "$src/master.cf.dist" ]; then
  die "$src/main.cf.debian or master.cf.dist missing (run tests/setup-components.sh)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bannerlint-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/postfix
mkdir "$dir"
cp "$src/main.cf.debian" "$dir/main.cf"
cp "$src/master.cf.dist" "$dir/master.cf"

# --- sanity: every command works on the input before it is timed ----------------------------
# run_once LABEL OKSTATUSES CMD...: run once, show the first lines of output, check the status.
run_once() {
  local label=$1 ok=$2 status=0
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
  printf '  %-8s exit %d: %s\n' "$label" "$status" "$(head -c 300 "$tmp/out" | head -n 3 | tr '\n' ' ')"
  case " $ok " in *" $status "*) return 0 ;; esac
  sed 's/^/    stderr: /' "$tmp/err" | head -n 5
  return 1
}

echo "bench-postfix: input: Debian's main.cf.debian + master.cf.dist ($src)"
echo "bench-postfix: binary: $bin"
echo "bench-postfix: checking the commands once:"
run_once postconf 0 "$postconf" -c "$dir" -xh smtpd_banner || die "postconf fails on the input"
run_once show 0 "$bin" show "$dir" || die "bannerlint show fails on the input"
have_check=0
# findings (1) or an incomplete check (3) are normal results of `check`; 2 is an error
if run_once check "0 1 3" "$bin" check "$dir"; then
  have_check=1
else
  echo "  (no working 'check' subcommand: not measured)"
fi

# --- timing ----------------------------------------------------------------------------------
timer=loop
if [ "$use_hyperfine" -eq 1 ] && command -v hyperfine >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
  timer=hyperfine
fi

# median_ms CMD...: print the median wall time of CMD in milliseconds (3 decimals), and on fd 3
# the number of runs actually made.
median_ms() {
  if [ "$timer" = hyperfine ]; then
    local cmdline
    cmdline=$(printf '%q ' "$@")
    hyperfine -N --style none --warmup "$warmup" --runs "$runs" -i \
      --export-json "$tmp/hf.json" -- "$cmdline" >/dev/null 2>&1 </dev/null \
      || die "hyperfine failed on: $cmdline"
    jq -r '.results[0].median' "$tmp/hf.json" | awk '{ printf "%.3f\n", $1 * 1000 }'
    jq -r '.results[0].times | length' "$tmp/hf.json" >&3
    return 0
  fi
  local i t0 t1 deadline n=0
  local -a us=()
  for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 </dev/null || true; done
  deadline=$(( $(now_us) + max_seconds * 1000000 ))
  for ((i = 0; i < runs; i++)); do
    if [ "$use_ert" -eq 1 ]; then
      # no fork around the command: $EPOCHREALTIME is read by bash itself
      t0=$EPOCHREALTIME
      "$@" >/dev/null 2>&1 </dev/null || true
      t1=$EPOCHREALTIME
      t0=$((10#${t0/[.,]/}))
      t1=$((10#${t1/[.,]/}))
    else
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 </dev/null || true
      t1=$(date +%s%N)
      t0=$((t0 / 1000))
      t1=$((t1 / 1000))
    fi
    us+=($((t1 - t0)))
    n=$((n + 1))
    [ "$t1" -gt "$deadline" ] && break
  done
  printf '%s\n' "${us[@]}" | sort -n | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m / 1000 }'
  echo "$n" >&3
}

# now_us: microseconds since the epoch. Inside the timing loop bash 5's $EPOCHREALTIME is read
# directly (no fork); without it, `date +%s%N` runs around each command and its start-up time
# (about one process start) is included in every measurement.
if [ -n "${EPOCHREALTIME:-}" ]; then
  use_ert=1
  now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"; }
  # shellcheck disable=SC2016
  clock='bash $EPOCHREALTIME (no fork)'
else
  use_ert=0
  now_us() { echo $(( $(date +%s%N) / 1000 )); }
  clock='date +%s%N (includes one date start-up per run)'
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

declare -A med=() nruns=()
measure() {
  local key=$1
  shift
  med[$key]=$(median_ms "$@" 3>"$tmp/n")
  nruns[$key]=$(cat "$tmp/n")
}

if [ "$timer" = hyperfine ]; then
  echo "bench-postfix: timer: hyperfine ($runs runs, $warmup warm-up)"
else
  echo "bench-postfix: timer: bash loop, clock $clock; $runs runs, $warmup warm-up, at most ${max_seconds}s per command"
fi

measure floor /bin/true
measure postconf "$postconf" -c "$dir" -xh smtpd_banner
measure show "$bin" show "$dir"
[ "$have_check" -eq 1 ] && measure check "$bin" check "$dir"

echo
echo "bench-postfix: median wall time per process (ms):"
printf '  %-44s %10s  %6s  %s\n' command median runs "ratio to postconf"
printf '  %-44s %10s  %6s  %s\n' "/bin/true (process start-up floor)" "${med[floor]}" "${nruns[floor]}" ""
printf '  %-44s %10s  %6s  %s\n' "postconf -c DIR -xh smtpd_banner" "${med[postconf]}" "${nruns[postconf]}" "1.00"
printf '  %-44s %10s  %6s  %s\n' "bannerlint show DIR" "${med[show]}" "${nruns[show]}" "$(ratio "${med[show]}" "${med[postconf]}")"
if [ "$have_check" -eq 1 ]; then
  printf '  %-44s %10s  %6s  %s\n' "bannerlint check DIR" "${med[check]}" "${nruns[check]}" "$(ratio "${med[check]}" "${med[postconf]}")"
fi
echo "bench-postfix: ratio bannerlint/postconf: show $(ratio "${med[show]}" "${med[postconf]}")$(
  [ "$have_check" -eq 1 ] && printf ', check %s' "$(ratio "${med[check]}" "${med[postconf]}")")"

# --- instructions (optional) -----------------------------------------------------------------
if [ "$callgrind" -eq 1 ]; then
  command -v valgrind >/dev/null 2>&1 || die "--callgrind needs valgrind (apt-get install valgrind)"
  # instr LABEL CMD...: total instructions executed by CMD (its whole process) under callgrind
  instr() {
    local label=$1 n
    shift
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$label.out" --log-file="$tmp/cg.$label.log" \
      "$@" >/dev/null 2>&1 </dev/null || true
    n=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\).*/\1/p' "$tmp/cg.$label.log" | tail -n1)
    [ -n "$n" ] || die "callgrind reported no count for $label (log: $(tail -n 3 "$tmp/cg.$label.log"))"
    echo "$n"
  }
  declare -A ins=()
  ins[postconf]=$(instr postconf "$postconf" -c "$dir" -xh smtpd_banner)
  ins[show]=$(instr show "$bin" show "$dir")
  [ "$have_check" -eq 1 ] && ins[check]=$(instr check "$bin" check "$dir")
  echo
  echo "bench-postfix: instructions (valgrind --tool=callgrind, whole process, one run):"
  printf '  %-44s %14s  %s\n' command instructions "ratio to postconf"
  printf '  %-44s %14s  %s\n' "postconf -c DIR -xh smtpd_banner" "${ins[postconf]}" "1.00"
  printf '  %-44s %14s  %s\n' "bannerlint show DIR" "${ins[show]}" "$(ratio "${ins[show]}" "${ins[postconf]}")"
  if [ "$have_check" -eq 1 ]; then
    printf '  %-44s %14s  %s\n' "bannerlint check DIR" "${ins[check]}" "$(ratio "${ins[check]}" "${ins[postconf]}")"
  fi
fi

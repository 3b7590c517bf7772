#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-probe.sh - `bannerlint probe` against loopback greeters: one probe
# against 100 in one run, concurrently and with --jobs 1 (issue 14). A
# measurement, not a test: it exits 0 whatever the numbers, non-zero only
# when it cannot measure or when the run it measures is not the run it
# means to measure (a probe that did not end "ok", a finding, exit >= 2).
#
#   tests/bench/bench-probe.sh [--count N] [--delay S] [--runs R] [BANNERLINT]
#
# Starts tests/integration/greeter.py in its "polite" mode on N ports of
# 127.0.0.1 (default 100; one process, a thread a connection): after
# --delay seconds (default 0.1) it greets "220 mail.bl-test.net ESMTP",
# answers EHLO, NOOP, RSET and QUIT. Nothing but those ports is contacted.
# Then times, each the median of R runs (default 3) after a warm-up run:
#   (a) one probe:          bannerlint probe --plain 127.0.0.1:P1
#   (b) N probes, one run:  bannerlint probe --plain P1 ... PN (default jobs)
#   (c) the same N with --jobs 1 (one run only: it is the slow one)
# and prints the times and the ratios (b)/(a) (goal: at most 2, the probes
# overlap) and (c)/(b) (what the concurrency buys). Every bannerlint run is
# stopped after BENCH_TIMEOUT seconds (default 300); the greeter exits by
# itself after that too, and is stopped on exit by its pid.
set -euo pipefail

count=100
delay=0.1
runs=3
while [ $# -gt 0 ]; do
	case $1 in
	--count) count=$2; shift 2 ;;
	--delay) delay=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-h | --help) sed -n '3,/^set -e/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	-*) echo "bench-probe: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
[[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge 1 ] && [ "$count" -le 1000 ] ||
	{ echo "bench-probe: --count takes 1 to 1000, not $count" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 50 ] ||
	{ echo "bench-probe: --runs takes 1 to 50, not $runs" >&2; exit 2; }
[[ $delay =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "bench-probe: --delay takes seconds" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bl=${1:-$root/build/bannerlint}
limit=${BENCH_TIMEOUT:-300}
die() { echo "bench-probe: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is needed"
[ -x "$bl" ] || die "no binary at $bl (build first)"
"$bl" probe --help >/dev/null 2>&1 || die "$bl has no probe command"

work=$(mktemp -d /tmp/bl-bench-probe.XXXXXX)
greeter_pid=
stop_greeter() {
	# only the greeter this script started, by its pid
	if [ -n "$greeter_pid" ] && kill -0 "$greeter_pid" 2>/dev/null; then
		kill "$greeter_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$greeter_pid" 2>/dev/null || break; sleep 0.1; done
	fi
	greeter_pid=
}
trap 'stop_greeter; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

python3 "$root/tests/integration/greeter.py" polite --ports "$count" --delay "$delay" \
	--lifetime "$((limit * 4 + 60))" >"$work/ports" 2>"$work/greeter.err" &
greeter_pid=$!
for _ in $(seq 100); do
	[ -s "$work/ports" ] && break
	kill -0 "$greeter_pid" 2>/dev/null || break
	sleep 0.05
done
read -r -a ports <"$work/ports" || true
[ "${#ports[@]}" -eq "$count" ] || { cat "$work/greeter.err" >&2; die "the greeter did not listen on $count ports"; }
targets=()
for p in "${ports[@]}"; do targets+=("127.0.0.1:$p"); done

# measure OUT ARGS... - run bannerlint probe --format json ARGS under the
# limit, stdout in OUT.out; prints "MILLISECONDS EXIT"
measure() {
	python3 - "$limit" "$@" <<'EOF'
import subprocess, sys, time
limit, out = float(sys.argv[1]), sys.argv[2]
with open(out + ".out", "wb") as o, open(out + ".err", "wb") as e:
    t = time.monotonic()
    try:
        rc = subprocess.run(sys.argv[3:], stdout=o, stderr=e, timeout=limit).returncode
    except subprocess.TimeoutExpired:
        rc = 124
    print("%.0f %d" % ((time.monotonic() - t) * 1000, rc))
EOF
}

# verdict FILE N - "OK" when the JSON report has N probes, all "ok", and no
# finding; else what is wrong
verdict() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        doc = json.load(f)
except (OSError, ValueError) as e:
    print("no JSON report (%s)" % e)
    sys.exit(0)
probes = doc.get("probes") or []
bad = [p.get("target") + ":" + str(p.get("status")) for p in probes if p.get("status") != "ok"]
f = doc.get("findings") or []
if len(probes) != int(sys.argv[2]) or bad or f:
    print("%d probes, not ok: %s; %d findings %s" % (len(probes), " ".join(bad[:5]), len(f),
          " ".join(sorted({x.get("rule", "?") for x in f}))))
else:
    print("OK")
EOF
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : 0) }'; }
ms_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# time_it NAME N RUNS ARGS... - the median of RUNS runs (after one warm-up)
time_it() {
	local name=$1 n=$2 r=$3 ms rc v i
	shift 3
	measure "$work/$name" "$bl" probe --plain --format json "$@" >/dev/null
	: >"$work/$name.times"
	for i in $(seq "$r"); do
		read -r ms rc < <(measure "$work/$name" "$bl" probe --plain --format json "$@")
		echo "$ms" >>"$work/$name.times"
		v=$(verdict "$work/$name.out" "$n")
		if [ "$rc" -ne 0 ] || [ "$v" != OK ]; then
			echo "  INVALID: $name run $i: exit $rc, $v" >&2
			head -c 1000 "$work/$name.err" | sed 's/^/  stderr: /' >&2
			: >"$work/invalid" # time_it runs in a subshell
		fi
	done
	median <"$work/$name.times"
}

echo "bench-probe: greeter.py polite on $count ports of 127.0.0.1, greeting after ${delay} s"
t_one=$(time_it one 1 "$runs" "${targets[0]}")
printf '  %-40s %8s ms\n' "(a) one probe" "$t_one"
t_many=$(time_it many "$count" "$runs" "${targets[@]}")
printf '  %-40s %8s ms\n' "(b) $count probes, default jobs" "$t_many"
t_seq=$(time_it seq "$count" 1 --jobs 1 "${targets[@]}")
printf '  %-40s %8s ms\n' "(c) $count probes, --jobs 1" "$t_seq"
printf '  %-40s %8s x  (goal: at most 2)\n' "(b) / (a)" "$(ms_ratio "$t_many" "$t_one")"
printf '  %-40s %8s x  (what the concurrency buys)\n' "(c) / (b)" "$(ms_ratio "$t_seq" "$t_many")"
if [ -e "$work/invalid" ]; then
	echo "bench-probe: INVALID: the measured runs did not do what they should (see above)"
	exit 1
fi

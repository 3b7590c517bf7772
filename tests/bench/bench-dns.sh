#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-dns.sh - bannerlint --dns against a local NSD: concurrent lookups
# against a sequential drill loop, and replay against no DNS at all
# (DESIGN.md §10, issue 12). A measurement, not a test: it exits 0 whatever
# the numbers, non-zero only when it cannot measure or when the run it
# measures is not the run it means to measure (a BL40x finding or an
# unverified check on zones where every name confirms).
#
#   tests/bench/bench-dns.sh [--names N] [--tree N] [--jobs J] [BANNERLINT]
#
# It writes, under a temporary directory, a forward zone bench.test and the
# reverse zones 18.198.in-addr.arpa and 8.b.d.0.1.0.0.2.ip6.arpa: host
# h<i>.bench.test (h0001 ...) has A 198.18.x.y (RFC 2544's benchmark
# range) and AAAA 2001:db8::<i> (documentation), and each address a PTR
# back to the name, so every name forward-confirms. NSD serves them on a
# free port of 127.0.0.1 (nothing else is ever asked; NSD is stopped on
# exit). The data addresses are never contacted: only the server is.
#
# (a) N names (default 1,000): a tree of N Postfix instances (main.cf with
#     myhostname = h<i>.bench.test, smtpd_banner = $myhostname ESMTP, no
#     --ip, so the addresses come from the names) and
#       bannerlint check --dns live --resolver 127.0.0.1:PORT --format json
#     against a sequential bash loop of drill doing what the check does per
#     name: A, AAAA, the PTR of each address, the A (or AAAA) of each PTR
#     name in the address's family (6 lookups a name; drill has no cache,
#     bannerlint asks each distinct question once: 4 a name, as the PTR
#     names are the names themselves). Prints both times and the ratio
#     (goal: bannerlint at least 20x faster), and the same check without
#     --dns for the cost of the rest.
# (b) a tree of T instances (default 10,000; its own T names): one
#     check --dns record:F against NSD, then check --dns replay:F against
#     check without --dns on the same tree (goal: within 1.5x), and the
#     peak memory of replay on T instances against N (goal: flat, at most
#     1.5x; each replay reads its own record file). The answers are kept
#     to the end of the run, so memory grows with the distinct names: T
#     instances sharing the N names of (a), replayed from (a)'s file, show
#     the instances' own part.
#
# Every bannerlint run is stopped after BENCH_TIMEOUT seconds (default 600);
# the drill loop is bounded by the number of names (and drill's own timeout).
set -euo pipefail

names=1000
tree=10000
jobs=
while [ $# -gt 0 ]; do
	case $1 in
	--names) names=$2; shift 2 ;;
	--tree) tree=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	-h | --help) sed -n '3,/^set -e/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	-*) echo "bench-dns: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
for v in names tree; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] && [ "${!v}" -le 60000 ] ||
		{ echo "bench-dns: --$v takes 1 to 60000 (the zone's /16), not ${!v}" >&2; exit 2; }
done
[ -z "$jobs" ] || [[ $jobs =~ ^[0-9]+$ ]] || { echo "bench-dns: --jobs takes a number" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bl=${1:-$root/build/bannerlint}
limit=${BENCH_TIMEOUT:-600}
die() { echo "bench-dns: $*" >&2; exit 1; }
for p in python3 drill; do
	command -v "$p" >/dev/null || die "$p is needed (apt-get install python3 ldnsutils)"
done
nsd=$(command -v nsd || true)
[ -n "$nsd" ] || [ ! -x /usr/sbin/nsd ] || nsd=/usr/sbin/nsd
[ -n "$nsd" ] || die "nsd is needed (apt-get install nsd)"
checkzone=$(command -v nsd-checkzone || echo /usr/sbin/nsd-checkzone)
[ -x "$bl" ] || die "no binary at $bl (build first)"
has_dns=yes
"$bl" check --help 2>&1 | grep -q -- '--dns' || has_dns=no

work=$(mktemp -d /tmp/bl-bench-dns.XXXXXX)
nsd_pid=
stop_nsd() {
	# only the NSD this script started, by the pid it wrote
	if [ -n "$nsd_pid" ] && kill -0 "$nsd_pid" 2>/dev/null; then
		kill "$nsd_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$nsd_pid" 2>/dev/null || break; sleep 0.1; done
	fi
	nsd_pid=
}
trap 'stop_nsd; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

zonesize=$((names > tree ? names : tree))

# make_zones DIR COUNT - the three zone files (python: 30,000 records)
make_zones() {
	python3 - "$1" "$2" <<'EOF'
import ipaddress, os, sys
top, count = sys.argv[1], int(sys.argv[2])
soa = ("$TTL 3600\n@ IN SOA ns.bench.test. hostmaster.bench.test. "
       "( 1 3600 600 86400 3600 )\n@ IN NS ns.bench.test.\n")
fwd = [soa, "ns IN A 127.0.0.1\n"]
rev4 = [soa]
rev6 = [soa]
for i in range(1, count + 1):
    name = "h%04d" % i
    v4 = "198.18.%d.%d" % (i >> 8, i & 255)
    v6 = ipaddress.IPv6Address("2001:db8::%x" % i)
    fwd.append("%s IN A %s\n\tIN AAAA %s\n" % (name, v4, v6))
    rev4.append("%d.%d IN PTR %s.bench.test.\n" % (i & 255, i >> 8, name))
    # the 24 nibbles below 8.b.d.0.1.0.0.2.ip6.arpa
    nib = v6.reverse_pointer[: -len(".8.b.d.0.1.0.0.2.ip6.arpa")]
    rev6.append("%s IN PTR %s.bench.test.\n" % (nib, name))
for f, lines in (("bench.test.zone", fwd), ("rev4.zone", rev4),
                 ("rev6.zone", rev6)):
    with open(os.path.join(top, f), "w") as out:
        out.write("".join(lines))
EOF
}

# make_tree DIR COUNT [NAMES] - COUNT Postfix instances, instance i with
# host name h<i> (or, with NAMES, h<(i-1) % NAMES + 1>: names shared)
make_tree() {
	python3 - "$1" "$2" "${3:-$2}" <<'EOF'
import os, sys
top, count, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(os.path.join(top, ".git"))  # no .bannerlint.conf above is read
for i in range(1, count + 1):
    d = os.path.join(top, "mx%05d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "main.cf"), "w") as f:
        f.write("myhostname = h%04d.bench.test\n"
                "smtpd_banner = $myhostname ESMTP\n" % ((i - 1) % names + 1))
EOF
}

# free_port - a port of 127.0.0.1 free for UDP and TCP at the moment
free_port() {
	python3 - <<'EOF'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    u.close()
    t.close()
    print(port)
    break
EOF
}

# start_nsd - NSD on 127.0.0.1:$port with the zones of $work/zones
start_nsd() {
	local z=$work/zones
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		[ -n "$port" ] || die "no free port on 127.0.0.1"
		cat >"$z/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$port
	port: $port
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$z"
	database: ""
	pidfile: "$z/nsd.pid"
	xfrdfile: "$z/xfrd.state"
	zonelistfile: "$z/zone.list"
	logfile: "$z/nsd.log"
	server-count: 1
	verbosity: 0
remote-control:
	control-enable: no
zone:
	name: bench.test
	zonefile: bench.test.zone
zone:
	name: 18.198.in-addr.arpa
	zonefile: rev4.zone
zone:
	name: 8.b.d.0.1.0.0.2.ip6.arpa
	zonefile: rev6.zone
EOF
		rm -f "$z/nsd.pid"
		"$nsd" -c "$z/nsd.conf" >"$z/nsd.out" 2>&1 || true
		for _ in $(seq 100); do
			[ -s "$z/nsd.pid" ] && break
			sleep 0.05
		done
		nsd_pid=$(cat "$z/nsd.pid" 2>/dev/null || true)
		if [ -n "$nsd_pid" ]; then
			# ready when the last name of the zone answers
			for _ in $(seq 100); do
				if drill -p "$port" @127.0.0.1 "h$(printf %04d "$zonesize").bench.test" A 2>/dev/null |
					grep -q 'rcode: NOERROR'; then
					return 0
				fi
				kill -0 "$nsd_pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
		stop_nsd
	done
	cat "$z/nsd.out" "$z/nsd.log" >&2 2>/dev/null || true
	die "NSD did not start on 127.0.0.1 (see above)"
}

# measure OUT CMD... - run CMD under timeout with stdout in OUT.out and
# stderr in OUT.err; prints "MILLISECONDS PEAK_RSS_KIB EXIT"
measure() {
	python3 - "$limit" "$@" <<'EOF'
import resource, subprocess, sys, time
limit, out = float(sys.argv[1]), sys.argv[2]
with open(out + ".out", "wb") as o, open(out + ".err", "wb") as e:
    t = time.monotonic()
    try:
        p = subprocess.run(sys.argv[3:], stdout=o, stderr=e, timeout=limit)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = 124
    dt = time.monotonic() - t
print("%.0f %d %d" % (dt * 1000,
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                      rc))
EOF
}

# verdict FILE.out - "BL40X UNVERIFIED FINDINGS" of a check's JSON report
verdict() {
	python3 - "$1" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        doc = json.load(f)
except (OSError, ValueError) as e:
    print("-1 -1 -1")
    sys.exit(0)
findings = doc.get("findings", []) if isinstance(doc, dict) else []
dns = sum(1 for x in findings if str(x.get("rule", x.get("id", ""))).startswith("BL40"))
s = doc.get("summary", {}) if isinstance(doc, dict) else {}
unv = s.get("unverified", 0)
if isinstance(unv, list):
    unv = len(unv)
print(dns, unv, len(findings))
EOF
}

ms_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

opt_jobs=()
[ -z "$jobs" ] || opt_jobs=(--jobs "$jobs")

mkdir -p "$work/zones"
make_zones "$work/zones" "$zonesize"
if [ -x "$checkzone" ]; then
	"$checkzone" bench.test "$work/zones/bench.test.zone" >/dev/null &&
		"$checkzone" 18.198.in-addr.arpa "$work/zones/rev4.zone" >/dev/null &&
		"$checkzone" 8.b.d.0.1.0.0.2.ip6.arpa "$work/zones/rev6.zone" >/dev/null ||
		die "nsd-checkzone refuses the generated zones"
fi
start_nsd
echo "bench-dns: NSD on 127.0.0.1:$port, $zonesize names (A, AAAA, two PTRs each)"
invalid=

# --- (a) N names: bannerlint --dns live against a sequential drill loop ---
small=$work/tree$names
make_tree "$small" "$names"

# The drill loop: what a careful shell script does for each name, one
# process and one round trip at a time. Answers are checked so that a loop
# that failed is not "slow".
drill_loop() {
	local i name out line ptr a4 a6 ok=0 asked=0 rr
	for i in $(seq 1 "$names"); do
		name=$(printf 'h%04d.bench.test' "$i")
		a4="" a6=""
		for rr in A AAAA; do
			out=$(drill -p "$port" @127.0.0.1 "$name" "$rr" 2>/dev/null) || true
			asked=$((asked + 1))
			while IFS=$' \t' read -r line _ _ t data; do
				case $line in ";"* | "") continue ;; esac
				# the answer, not the server's address in ADDITIONAL
				[ "$t" = "$rr" ] && [ "$line" = "$name." ] || continue
				if [ "$rr" = A ]; then a4=$data; else a6=$data; fi
			done <<<"$out"
		done
		for addr in $a4 $a6; do
			out=$(drill -p "$port" @127.0.0.1 -x "$addr" 2>/dev/null) || true
			asked=$((asked + 1))
			ptr=
			while IFS=$' \t' read -r line _ _ t data; do
				case $line in ";"* | "") continue ;; esac
				[ "$t" = PTR ] && ptr=${data%.}
			done <<<"$out"
			[ -n "$ptr" ] || continue
			# forward confirmation in the address's family
			rr=A
			[ "$addr" = "$a6" ] && rr=AAAA
			out=$(drill -p "$port" @127.0.0.1 "$ptr" "$rr" 2>/dev/null) || true
			asked=$((asked + 1))
			while IFS=$' \t' read -r line _ _ t data; do
				case $line in ";"* | "") continue ;; esac
				[ "$t" = "$rr" ] && [ "$line" = "$ptr." ] || continue
				[ "$data" = "$addr" ] && ok=$((ok + 1))
			done <<<"$out"
		done
	done
	echo "$asked $ok"
}
start=$EPOCHREALTIME
read -r asked confirmed < <(drill_loop)
end=$EPOCHREALTIME
t_drill=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
echo "bench-dns: (a) $names names"
printf '  %-46s %8s ms  %d lookups, %d of %d addresses confirmed\n' \
	"sequential drill loop" "$t_drill" "$asked" "$confirmed" $((2 * names))
[ "$confirmed" -eq $((2 * names)) ] || {
	echo "  INVALID: the drill loop did not confirm every address"
	invalid=yes
}

"$bl" check --color never "${opt_jobs[@]}" --format json "$small" >/dev/null 2>&1 || true
read -r t_nodns _ rc < <(measure "$work/a-nodns" "$bl" check --color never \
	"${opt_jobs[@]}" --format json "$small")
printf '  %-46s %8s ms  exit %s\n' "check -f json (no --dns)" "$t_nodns" "$rc"
if [ "$has_dns" = no ]; then
	echo "  bannerlint: this binary has no --dns (the DNS part of issue 12 is not in it): nothing to measure"
	exit 1
fi
read -r t_live peak rc < <(measure "$work/a-live" "$bl" check --color never "${opt_jobs[@]}" \
	--dns live --resolver "127.0.0.1:$port" --format json "$small")
read -r dns unv nfind < <(verdict "$work/a-live.out")
printf '  %-46s %8s ms  exit %s, %s findings, %s BL40x, %s unverified, peak RSS %s KiB\n' \
	"check --dns live -f json" "$t_live" "$rc" "$nfind" "$dns" "$unv" "$peak"
if [ "$dns" != 0 ] || [ "$unv" != 0 ] || [ "$rc" -ge 2 ]; then
	echo "  INVALID: every name confirms in these zones; the run should have no BL40x finding, no unverified check and exit 0 or 1"
	head -c 2000 "$work/a-live.err" | sed 's/^/  stderr: /'
	invalid=yes
fi
printf '  %-46s %8s x  (goal: at least 20)\n' "drill loop / bannerlint" "$(ms_ratio "$t_drill" "$t_live")"
# drill asks the forward-confirmation A/AAAA again (6 lookups a name);
# bannerlint's cache asks 4 distinct questions: the ratio on those alone
t_drill4=$(awk -v a="$t_drill" 'BEGIN { printf "%.0f", a * 4 / 6 }')
printf '  %-46s %8s x  (drill loop scaled to 4 lookups a name)\n' "" "$(ms_ratio "$t_drill4" "$t_live")"
dns_ms=$((t_live > t_nodns ? t_live - t_nodns : 0))
printf '  %-46s %8s ms  (--dns live minus no --dns)\n' "DNS part" "$dns_ms"

# the 1,000-instance replay, for the memory comparison of (b)
"$bl" check --color never "${opt_jobs[@]}" --dns "record:$work/small.dns" \
	--resolver "127.0.0.1:$port" --format json "$small" >/dev/null 2>&1 || true
[ -s "$work/small.dns" ] || die "check --dns record: wrote no $work/small.dns"
# a run that skipped the lookups would be fast and clean too
lines=$(grep -vc '^#' "$work/small.dns" || true)
printf '  %-46s %8s answers recorded (at least %d expected)\n' "check --dns record:F" "$lines" $((4 * names))
if [ "$lines" -lt $((4 * names)) ]; then
	echo "  INVALID: bannerlint asked fewer questions than A, AAAA and two PTRs a name"
	invalid=yes
fi
"$bl" check --color never "${opt_jobs[@]}" --dns "replay:$work/small.dns" --format json "$small" >/dev/null 2>&1 || true
read -r t_rs peak_rs rc < <(measure "$work/a-replay" "$bl" check --color never "${opt_jobs[@]}" \
	--dns "replay:$work/small.dns" --format json "$small")
read -r dns unv nfind < <(verdict "$work/a-replay.out")
printf '  %-46s %8s ms  exit %s, %s BL40x, %s unverified, peak RSS %s KiB\n' \
	"check --dns replay:F -f json" "$t_rs" "$rc" "$dns" "$unv" "$peak_rs"
if cmp -s "$work/a-live.out" "$work/a-replay.out"; then
	printf '  %-46s same report as --dns live\n' ""
else
	printf '  %-46s DIFFERENT report from --dns live\n' ""
	invalid=yes
fi
rm -rf "$small"

# --- (b) T instances: replay against no DNS -------------------------------
big=$work/tree$tree
make_tree "$big" "$tree"
echo "bench-dns: (b) $tree instances"
read -r t_rec _ rc < <(measure "$work/b-record" "$bl" check --color never "${opt_jobs[@]}" \
	--dns "record:$work/big.dns" --resolver "127.0.0.1:$port" --format json "$big")
read -r dns unv nfind < <(verdict "$work/b-record.out")
lines=$(grep -vc '^#' "$work/big.dns" 2>/dev/null || true)
printf '  %-46s %8s ms  exit %s, %s BL40x, %s unverified, %s answers recorded\n' \
	"check --dns record:F (live, against NSD)" "$t_rec" "$rc" "$dns" "$unv" "$lines"
if [ "$dns" != 0 ] || [ "$unv" != 0 ] || [ "$rc" -ge 2 ] || [ "$lines" -lt $((4 * tree)) ]; then
	echo "  INVALID: the record run has BL40x findings, unverified checks, fewer than $((4 * tree)) answers or failed"
	head -c 2000 "$work/b-record.err" | sed 's/^/  stderr: /'
	invalid=yes
fi
stop_nsd # replay must not need it: nothing answers from here on
"$bl" check --color never "${opt_jobs[@]}" --format json "$big" >/dev/null 2>&1 || true
read -r t_off peak_off rc_off < <(measure "$work/b-off" "$bl" check --color never \
	"${opt_jobs[@]}" --format json "$big")
"$bl" check --color never "${opt_jobs[@]}" --dns "replay:$work/big.dns" --format json "$big" >/dev/null 2>&1 || true
read -r t_rep peak_rep rc < <(measure "$work/b-replay" "$bl" check --color never \
	"${opt_jobs[@]}" --dns "replay:$work/big.dns" --format json "$big")
read -r dns unv nfind < <(verdict "$work/b-replay.out")
printf '  %-46s %8s ms  exit %s, peak RSS %s KiB\n' "check -f json (no --dns)" "$t_off" "$rc_off" "$peak_off"
printf '  %-46s %8s ms  exit %s, %s BL40x, %s unverified, peak RSS %s KiB\n' \
	"check --dns replay:F -f json (NSD stopped)" "$t_rep" "$rc" "$dns" "$unv" "$peak_rep"
if [ "$dns" != 0 ] || [ "$unv" != 0 ]; then
	echo "  INVALID: the replay has BL40x findings or unverified checks"
	invalid=yes
fi
if cmp -s "$work/b-record.out" "$work/b-replay.out"; then
	printf '  %-46s same report as the record run\n' ""
else
	printf '  %-46s DIFFERENT report from the record run\n' ""
	invalid=yes
fi
rm -rf "$big"
# The cache keeps every answer to the end of the run, so memory grows with
# the distinct names; the instances themselves stream. The same T
# instances sharing the N names of (a), replayed from (a)'s file, show the
# instances' part alone.
shared=$work/shared$tree
make_tree "$shared" "$tree" "$names"
"$bl" check --color never "${opt_jobs[@]}" --dns "replay:$work/small.dns" --format json "$shared" >/dev/null 2>&1 || true
read -r t_sh peak_sh rc < <(measure "$work/b-shared" "$bl" check --color never \
	"${opt_jobs[@]}" --dns "replay:$work/small.dns" --format json "$shared")
read -r dns unv nfind < <(verdict "$work/b-shared.out")
printf '  %-46s %8s ms  exit %s, %s BL40x, %s unverified, peak RSS %s KiB\n' \
	"same, $names names shared (replay of (a)'s file)" "$t_sh" "$rc" "$dns" "$unv" "$peak_sh"
if [ "$dns" != 0 ] || [ "$unv" != 0 ]; then
	echo "  INVALID: the replay has BL40x findings or unverified checks"
	invalid=yes
fi
rm -rf "$shared"
printf '  %-46s %8s x  (goal: at most 1.5)\n' "replay / no --dns" "$(ms_ratio "$t_rep" "$t_off")"
printf '  %-46s %8s x  (%s / %s KiB; goal: at most 1.5)\n' \
	"peak RSS of replay, $tree / $names instances" "$(ms_ratio "$peak_rep" "$peak_rs")" "$peak_rep" "$peak_rs"
printf '  %-46s %8s x  (%s / %s KiB; the same %s names)\n' \
	"  with the $names names shared" "$(ms_ratio "$peak_sh" "$peak_rs")" "$peak_sh" "$peak_rs" "$names"
if [ -n "$invalid" ]; then
	echo "bench-dns: INVALID: the measured runs did not do what they should (see above)"
	exit 1
fi

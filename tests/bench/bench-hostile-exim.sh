#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-hostile-exim.sh - the Exim reader on hostile inputs at the size cap
# (DESIGN.md §11): expansion bombs, many options, many macros, one huge
# line, deep nesting. A measurement, not a test.
#
#   tests/bench/bench-hostile-exim.sh [--timeout S] [--only NAME] [BANNERLINT]
#
# Generates each input in a temporary directory (as exim.conf, most of them
# close to the 16 MiB file cap), runs `BANNERLINT show --no-config -f json
# DIR` once on each under /usr/bin/time and prints the wall time, the CPU
# time (user + system: what to compare on a busy machine), the peak
# resident memory, the exit status and how many diagnostics came out. A run
# is stopped after S seconds (default 120) and its address space is limited
# to 8 GiB (ulimit -v), so an old binary that explodes does not take the
# machine with it: "killed" or "timeout" is then the result. Build a release
# binary for numbers that mean something:
#   meson setup build-rel --buildtype=release && meson compile -C build-rel
#
# Exits 0 whatever the numbers are; non-zero only when it cannot measure.
set -euo pipefail

timeout_s=120
only=""
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--only) only=${2:?--only needs a case name}; shift 2 ;;
	-h|--help) sed -n '3,/^set -e/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	*) break ;;
	esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bl=${1:-$root/build/bannerlint}
[ -x "$bl" ] || { echo "bench-hostile-exim: no binary at $bl (build first)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-hostile-exim: needs python3" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-hostile-exim: needs GNU time (/usr/bin/time)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/bl-hostile-exim.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# gen NAME: write case NAME's input to $tmp/NAME/exim.conf (or a Debian
# /etc/exim4 there). Every input stays under the 16 MiB file cap
# (bl_source_load refuses bigger files).
gen() {
	mkdir -p "$tmp/$1"
	python3 - "$1" "$tmp/$1" <<'EOF'
import os, sys
name, path = sys.argv[1], os.path.join(sys.argv[2], "exim.conf")
CAP = 16 * 1024 * 1024 - 4096
out = []
size = 0
def add(s):
    global size
    out.append(s)
    size += len(s)
L = "ABCDEFGH"
if name == "macro-bomb":
    # each macro ten times the last: H is 10^8 bytes
    add("A = xxxxxxxxxx\n")
    for i in range(1, len(L)):
        add("%s = %s\n" % (L[i], L[i - 1] * 10))
    add("smtp_banner = %s\n" % L[-1])
elif name == "macro-work":
    # a 60 KB macro used on every line: 32 MiB of output after ~550 lines
    add("BIG = " + "x" * 60000 + "\n")
    for i in range(2000):
        add("hostlist h%d = BIG\n" % i)
elif name == "options-40k":
    # one router with 40,000+ distinct options up to the cap
    add("primary_hostname = mx.example.org\nbegin routers\nr:\n  driver = accept\n")
    i = 0
    while size < CAP - 100:
        add("  option_%07d = value number %d of many\n" % (i, i))
        i += 1
elif name == "duplicates-40k":
    # the same main option again and again: one error each
    i = 0
    while size < CAP - 100:
        add("smtp_banner = banner number %d\n" % i)
        i += 1
elif name == "lists-40k":
    i = 0
    while size < CAP - 100:
        add("hostlist list_%07d = 192.0.2.%d : 198.51.100.0/24\n" % (i, i % 256))
        i += 1
elif name == "macros-40k":
    # fixed-width names (no name contains another), each used once
    i = 0
    while size < CAP - 200:
        add("MACRO_%07d = 192.0.2.%d : 198.51.100.0/24\n" % (i, i % 256))
        add("hostlist list_%07d = MACRO_%07d\n" % (i, i))
        i += 1
elif name == "macros-40k-late-use":
    # 40,000 macros defined, then every line scanned against all of them
    i = 0
    while i < 40000:
        add("MACRO_%07d = value %d\n" % (i, i))
        i += 1
    j = 0
    while size < CAP - 200:
        add("hostlist list_%07d = MACRO_%07d : MACRO_%07d : x\n" % (j, j % i, (j * 7) % i))
        j += 1
elif name == "macro-prefixes":
    # names sharing long prefixes and text that walks them all
    for n in range(62, 0, -1):
        add("%sB = b\n" % ("A" * n))
    i = 0
    while size < CAP - 60100:
        add("hostlist l%d = %s\n" % (i, "A" * 60000))
        i += 1
elif name == "transports-40k":
    # 40,000+ smtp transports: one HELO surface each
    add("primary_hostname = mx.example.org\nbegin transports\n")
    i = 0
    while size < CAP - 200:
        add("t%07d:\n  driver = smtp\n  helo_data = h%d.example.net\n" % (i, i))
        i += 1
elif name == "continued-line":
    # one logical line of ~16 MiB made of continuation lines
    add("smtp_banner = start\\\n")
    chunk = "x" * 70 + "\\\n"
    while size < CAP - len(chunk) - 10:
        add(chunk)
    add("end\n")
elif name == "long-line":
    add("smtp_banner = " + "x" * (CAP - 100) + "\n")
elif name == "ifdef-100k":
    for i in range(100000):
        add(".ifdef X\n")
    add("smtp_banner = deep\n")
    for i in range(100000):
        add(".endif\n")
elif name == "debian-upper-lines":
    # update-exim4.conf.conf: every upper-case line becomes a macro
    path = os.path.join(sys.argv[2], "update-exim4.conf.conf")
    with open(os.path.join(sys.argv[2], "exim4.conf.template"), "w") as f:
        f.write("UPEX4CmacrosUPEX4C = 1\nprimary_hostname = mx.example.org\n")
    add("dc_eximconfig_configtype='internet'\n")
    i = 0
    while size < CAP - 100:
        add("U%07d=value\n" % i)
        i += 1
elif name == "comments":
    chunk = "# a comment line that Exim skips, with MACRO names IN CAPITALS\n"
    add("MACRO = x\n")
    while size < CAP - len(chunk):
        add(chunk)
else:
    sys.exit("unknown case " + name)
with open(path, "w") as f:
    f.write("".join(out))
EOF
}

cases="macro-bomb macro-work options-40k duplicates-40k lists-40k macros-40k
macros-40k-late-use macro-prefixes transports-40k continued-line long-line
ifdef-100k comments debian-upper-lines"
echo "bench-hostile-exim: $bl (timeout ${timeout_s}s, 8 GiB address space)"
printf '  %-22s %10s %8s %8s %12s %7s %6s\n' case bytes "wall s" "CPU s" "peak RSS KB" exit diags
for c in $cases; do
	[ -z "$only" ] || [ "$only" = "$c" ] || continue
	gen "$c"
	bytes=$(cat "$tmp/$c"/* | wc -c)
	set +e
	(
		ulimit -v 8388608
		exec timeout "$timeout_s" /usr/bin/time -f '%e %U %S %M' -o "$tmp/$c.time" \
			"$bl" show --no-config -f json "$tmp/$c" >"$tmp/$c.out" 2>"$tmp/$c.err"
	)
	rc=$?
	set -e
	read -r wall user sys rss <<<"$(tail -n 1 "$tmp/$c.time" 2>/dev/null || echo '? ? ? ?')"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { if (u == "?") print "?"; else printf "%.2f", u + s }')
	case $rc in
	124) wall=">$timeout_s"; cpu="?"; rss="?"; rc=timeout ;;
	137) rc=killed ;;
	esac
	diags=$(python3 -c '
import json, sys
try:
    print(len(json.load(open(sys.argv[1])).get("diagnostics", [])))
except Exception:
    print("?")' "$tmp/$c.out")
	printf '  %-22s %10s %8s %8s %12s %7s %6s\n' "$c" "$bytes" "$wall" "$cpu" "$rss" "$rc" "$diags"
	rm -rf "${tmp:?}/$c" "$tmp/$c.out" "$tmp/$c.err" "$tmp/$c.time"
done

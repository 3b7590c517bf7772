#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-tree.sh - bannerlint over trees of many Postfix instances: flat
# memory, --jobs, and the same bytes whatever --jobs (DESIGN.md §10,
# issue 10). A measurement, not a test: it exits 0 whatever the numbers,
# non-zero only when it cannot measure.
#
#   tests/bench/bench-tree.sh [--counts "1000 10000"] [--jobs "1 2"] [BANNERLINT]
#
# For each count it builds a tree under a temporary directory: COUNT
# instance directories (site<N>/mx<i>/main.cf and master.cf: Debian's
# master.cf.dist when the unpacked postfix package or /usr/share/postfix has
# it, else a small one of our own), main.cf files that give a few findings
# each (the software name in the banner, a placeholder host name on every
# third), a parse error on every 97th, and a .bannerlint.conf in every
# tenth site directory shared by its instances (one with a path section).
# Then, once each after a warm-up run:
#   find | xargs cat                      the floor: reading every file
#   bannerlint check --jobs J TREE        for each J, text format
#   bannerlint check --jobs J -f json     for each J
#   bannerlint check --jobs J -f gcc      for each J (no fix is verified)
#   bannerlint fix --jobs J TREE          for each J (the diff: every fix verified)
#   bannerlint show --jobs J TREE         for each J
# and prints wall time, the ratio to cat, peak resident memory (getrusage of
# the child: GNU time is not needed), the ratio of peak memory between the
# largest and the smallest tree (target: at most 1.5), and whether every J
# printed the same bytes on stdout and on stderr as the first.
set -euo pipefail

counts="1000 10000"
jobs="1 2"
while [ $# -gt 0 ]; do
	case $1 in
	--counts) counts=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--count) counts=$2; shift 2 ;; # the old spelling
	*) break ;;
	esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bl=${1:-$root/build/bannerlint}
[ -x "$bl" ] || { echo "bench-tree: no binary at $bl (build first)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-tree: python3 is needed to measure" >&2; exit 1; }
master=$root/tests/.cache/pkgs/postfix/usr/share/postfix/master.cf.dist
[ -f "$master" ] || master=/usr/share/postfix/master.cf.dist
[ -f "$master" ] || master=

work=$(mktemp -d /tmp/bl-bench-tree.XXXXXX)
trap 'rm -rf "$work"' EXIT

# measure OUT CMD... - run CMD with stdout in OUT.out and stderr in
# OUT.err; prints "MILLISECONDS PEAK_RSS_KIB EXIT"
measure() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
out = sys.argv[1]
with open(out + ".out", "wb") as o, open(out + ".err", "wb") as e:
    t = time.monotonic()
    p = subprocess.run(sys.argv[2:], stdout=o, stderr=e)
    dt = time.monotonic() - t
print("%.0f %d %d" % (dt * 1000,
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                      p.returncode))
EOF
}

# make_tree DIR COUNT (python: a bash loop takes minutes for 10,000)
make_tree() {
	python3 - "$1" "$2" "$master" <<'EOF'
import os, sys
top, count, master = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if master:
    with open(master) as f:
        master_text = f.read()
else:
    master_text = ("smtp      inet  n       -       y       -       -       smtpd\n"
                   "submission inet n       -       y       -       -       smtpd\n"
                   "  -o smtpd_banner=$myhostname ESMTP Postfix\n")
os.makedirs(os.path.join(top, ".git"))  # no .bannerlint.conf above is read
for i in range(count):
    site = os.path.join(top, "site%d" % (i // 100))
    d = os.path.join(site, "mx%d" % i)
    os.makedirs(d)
    host = "example.com" if i % 3 == 0 else "mail-host.net"
    text = "myhostname = mx%d.%s\n" % (i, host)
    text += "smtpd_banner = $myhostname ESMTP $mail_name\n"
    if i % 97 == 0:
        text += "smtpd_banner = ${myhostname\n"
    text += "smtp_helo_name = $myhostname\n"
    with open(os.path.join(d, "main.cf"), "w") as f:
        f.write(text)
    with open(os.path.join(d, "master.cf"), "w") as f:
        f.write(master_text)
    if i % 1000 == 0:
        conf = 'ignore = {BL207}\npath "mx1*" {\n  fail-on = error\n}\n'
    elif i % 100 == 0 and (i // 100) % 10 == 5:
        conf = "fail-on = error\n"
    else:
        continue
    with open(os.path.join(site, ".bannerlint.conf"), "w") as f:
        f.write(conf)
EOF
}

declare -A rss
same=yes
for count in $counts; do
	tree=$work/tree$count
	make_tree "$tree" "$count"
	files=$(find "$tree" -type f | wc -l)
	bytes=$(du -sb "$tree" | cut -f1)
	echo "bench-tree: $count instances, $files files, $bytes bytes"
	find "$tree" -type f -print0 | xargs -0 cat >/dev/null # warm the cache
	start=$EPOCHREALTIME
	find "$tree" -type f -print0 | xargs -0 cat >/dev/null
	end=$EPOCHREALTIME
	t_cat=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	printf '  %-40s %8s ms\n' "find | xargs cat" "$t_cat"
	for run in "check text" "check json" "check gcc" "fix text" "show text"; do
		set -- $run
		cmd=$1 fmt=$2
		first=
		for j in $jobs; do
			out=$work/out-$count-$cmd-$fmt-$j
			"$bl" $cmd --color never --jobs "$j" --format "$fmt" "$tree" >/dev/null 2>&1 || true
			read -r t peak rc < <(measure "$out" "$bl" $cmd --color never --jobs "$j" --format "$fmt" "$tree")
			ratio=$(awk -v a="$t" -v b="$t_cat" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
			printf '  %-40s %8s ms  %5sx cat  peak RSS %7s KiB  exit %s\n' \
				"$cmd -f $fmt --jobs $j" "$t" "$ratio" "$peak" "$rc"
			rss[$count-$cmd-$fmt-$j]=$peak
			if [ -z "$first" ]; then
				first=$out
			elif cmp -s "$first.out" "$out.out" && cmp -s "$first.err" "$out.err"; then
				printf '  %-40s same stdout and stderr as --jobs %s\n' "" "${jobs%% *}"
			else
				printf '  %-40s DIFFERENT output from --jobs %s\n' "" "${jobs%% *}"
				same=no
			fi
		done
	done
	rm -rf "$tree"
done
read -r -a cs <<<"$counts"
small=${cs[0]}
large=${cs[${#cs[@]} - 1]}
if [ "$small" != "$large" ]; then
	echo "bench-tree: peak RSS, $large instances against $small (target: at most 1.50):"
	for run in "check text" "check json" "check gcc" "fix text" "show text"; do
		set -- $run
		for j in $jobs; do
			awk -v a="${rss[$large-$1-$2-$j]}" -v b="${rss[$small-$1-$2-$j]}" -v c="$1 -f $2" -v j="$j" \
				'BEGIN { printf "  %-15s --jobs %-3s %7d / %7d KiB = %.2f\n", c, j, a, b, a / b }'
		done
	done
fi
echo "bench-tree: output the same for every --jobs: $same"

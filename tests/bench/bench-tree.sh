#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-tree.sh - bannerlint over a tree of many Postfix instances, next to
# `cat` reading the same files (DESIGN.md §10). A measurement, not a test.
#
#   tests/bench/bench-tree.sh [--count N] [BANNERLINT]
#
# Builds N (default 10000) instance directories under a temporary directory
# (a main.cf of our own and Debian's master.cf.dist, from the unpacked postfix
# package or /usr/share/postfix), then times, once each after a warm-up:
#   find | xargs cat        the floor: reading every file
#   bannerlint show  -f json TREE
#   bannerlint check -f gcc  TREE
# and prints wall time, the ratio to cat and the peak resident memory.
set -euo pipefail

count=10000
if [ "${1:-}" = "--count" ]; then count=$2; shift 2; fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bl=${1:-$root/build/bannerlint}
[ -x "$bl" ] || { echo "bench-tree: no binary at $bl (build first)" >&2; exit 1; }
master=$root/tests/.cache/pkgs/postfix/usr/share/postfix/master.cf.dist
[ -f "$master" ] || master=/usr/share/postfix/master.cf.dist
[ -f "$master" ] || { echo "bench-tree: no master.cf.dist (run tests/setup-components.sh)" >&2; exit 1; }

tree=$(mktemp -d /tmp/bl-tree.XXXXXX)
trap 'rm -rf "$tree" "$tree.rss"' EXIT
for ((i = 0; i < count; i++)); do
	d=$tree/site$((i / 100))/mx$i
	mkdir -p "$d"
	printf 'myhostname = mx%d.mail-host.net\nsmtpd_banner = $myhostname ESMTP $mail_name\n' "$i" >"$d/main.cf"
	cp "$master" "$d/master.cf"
done
files=$((count * 2))
bytes=$(du -sb "$tree" | cut -f1)
echo "bench-tree: $count instances, $files files, $bytes bytes under $tree"

catall() { find "$tree" -type f -print0 | xargs -0 cat; }
echo "bench-tree: wall time (one run after a warm-up) and peak memory:"
start=$EPOCHREALTIME; catall >/dev/null; end=$EPOCHREALTIME
t_cat=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
printf '  %-34s %8s ms\n' "find | xargs cat" "$t_cat"
for cmd in "show -f json" "check -f gcc"; do
	# shellcheck disable=SC2086
	"$bl" $cmd "$tree" >/dev/null 2>&1 || true
	start=$EPOCHREALTIME
	# shellcheck disable=SC2086
	/usr/bin/time -f '%M' -o "$tree.rss" "$bl" $cmd "$tree" >/dev/null 2>&1 || true
	rss=$(tail -n 1 "$tree.rss" 2>/dev/null || echo '?')
	end=$EPOCHREALTIME
	t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	ratio=$(awk -v a="$t" -v b="$t_cat" 'BEGIN { printf "%.2f", a / b }')
	printf '  %-34s %8s ms  ratio to cat %5s  peak RSS %s KiB\n' "bannerlint $cmd" "$t" "$ratio" "${rss:-?}"
done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-hostile-m4.sh - bannerlint on hostile sendmail.mc input: files at the
# size cap and the m4 constructs that used to crash or run away (DESIGN.md
# §11). A measurement, not a test.
#
#   tests/bench/bench-hostile-m4.sh [--mib N] [--timeout S] [--keep] [--only CASE] [--no-m4] [BANNERLINT]
#
# Generates, in a temporary directory, one sendmail.mc per case below (the
# size cases about N MiB each, default 15: under the 16 MiB size cap; the
# others a few lines), then runs `BANNERLINT check --no-config [--sendmail-cf
# TREE] CASE/sendmail.mc` once on each and prints its wall time, CPU time
# (user + system: what to compare on a machine others share), peak resident
# memory (GNU time %M), exit status and the first error line; and, for the
# size cases, GNU m4's CPU time and peak memory on the same file (plain
# `m4 FILE`, no cf.m4) for scale. TREE is the sendmail-cf tree that
# tests/setup-components.sh unpacks, when it is there. A run longer than S
# seconds (default 120) is stopped and shown as "timeout". The goal: every
# case in about a second and at most a few hundred MB, exit 2 with a clear
# error at FILE:LINE:COL, or 0/1.
#
# Size cases:
#   dnl            N MiB of dnl comment lines
#   comments       N MiB of "# comment" lines (m4 comments: cf.m4 comes last)
#   defines        N MiB of defines of distinct macros
#   redefines      the greeting defined again and again, N MiB of it
#   local-config   LOCAL_CONFIG and N MiB of K lines
#   local-config-O LOCAL_CONFIG and N MiB of "O SmtpGreetingMessage=" lines
#   quoted         LOCAL_CONFIG and one quoted string of N MiB
#   includes       include(`inc.m4') again and again, N MiB of it
#   hash-lines     cf.m4 first, then N MiB of "# define(...)" lines (expanded)
# Hostile constructs (they once crashed, leaked or ran for minutes):
#   eval-int-min   eval(-2147483648/-1) and friends (SIGFPE)
#   len-50000      len( written 50,000 times (stack overflow)
#   len-recursive  define(`r', `len(r')r (the same, made by a macro)
#   eval-parens    eval( and 100,000 ( (stack overflow)
#   greeting-uaf   the greeting's value redefines the greeting (use after free)
#   hack-domain    confDOMAIN_NAME holds HACK(`nope') (stack[-1])
#   bomb-eager     defines that double the value before them (3.4 GB)
#   bomb-lazy      the same quoted: doubling as it is read (work limit)
#   bomb-args      one call with 70,000 empty arguments
#   bomb-eval      eval(2147483647, 1): 2 GiB of ones
#   loop-tail      define(`A', `A')A (the call budget)
#   loop-grow      define(`A', `A x')A (pending expansions)
#   defines-40000  40,000 defines made by a recursive macro (quadratic lookup)
set -euo pipefail

mib=15
timeout_s=120
keep=0
only=""
run_m4=1
bl=""
while [ $# -gt 0 ]; do
	case $1 in
	--mib) mib=${2:?--mib needs a number}; shift 2 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--keep) keep=1; shift ;;
	--only) only=${2:?--only needs a case name}; shift 2 ;;
	--no-m4) run_m4=0; shift ;;
	-h | --help) sed -n '3,/^set -euo/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	-*) echo "bench-hostile-m4: unknown option $1 (see --help)" >&2; exit 1 ;;
	*) bl=$1; shift ;;
	esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${BANNERLINT_CACHE_DIR:-$root/tests/.cache}
bl=${bl:-$root/build/bannerlint}
[ -x "$bl" ] || { echo "bench-hostile-m4: no binary at $bl (build first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-hostile-m4: needs GNU time (/usr/bin/time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-hostile-m4: needs python3" >&2; exit 1; }
command -v m4 >/dev/null || run_m4=0
tree=$cache/pkgs/sendmail-cf/usr/share/sendmail/cf
cfopt=()
if [ -f "$tree/m4/cf.m4" ]; then
	cfopt=(--sendmail-cf "$tree")
else
	echo "bench-hostile-m4: no sendmail-cf tree at $tree: OSTYPE and HACK read nothing" >&2
fi

tmp=$(mktemp -d /tmp/bl-hostile-m4.XXXXXX)
if [ "$keep" = 1 ]; then
	echo "bench-hostile-m4: inputs kept in $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

# The generators: one directory per case under $tmp, the size cases marked
# by a file "size" (m4 runs on those).
python3 - "$tmp" "$mib" <<'EOF'
import os
import sys

top, mib = sys.argv[1], int(sys.argv[2])
size = mib * 1024 * 1024


def case(name, text, files=None, sized=False):
    d = os.path.join(top, name)
    os.makedirs(d)
    with open(os.path.join(d, "sendmail.mc"), "w") as f:
        f.write(text)
    for fname, body in (files or {}).items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(body)
    if sized:
        open(os.path.join(d, "size"), "w").close()


def fill(unit, budget=size, head="", tail=""):
    """head + as many units (callable on i) as fit in budget + tail."""
    out, n, i = [head], len(head) + len(tail), 0
    while True:
        u = unit(i)
        if n + len(u) > budget:
            break
        out.append(u)
        n += len(u)
        i += 1
    out.append(tail)
    return "".join(out)


OS = "OSTYPE(`linux')dnl\n"
END = "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
CF = "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
case("dnl", fill(lambda i: "dnl %07d a comment line that m4 reads and discards\n" % i,
                 head=OS, tail=END), sized=True)
case("comments", fill(lambda i: "# %07d a comment line kept as it is, define(`x')\n" % i,
                      tail=CF + END), sized=True)
case("defines", fill(lambda i: "define(`m%07d', `value %07d')dnl\n" % (i, i),
                     head=OS, tail=END), sized=True)
case("redefines", fill(lambda i: "define(`confSMTP_LOGIN_MSG', `$j relay %07d')dnl\n" % i,
                       head=OS, tail=END), sized=True)
case("local-config", fill(lambda i: "Kmap%07d hash -o /etc/mail/map%07d\n" % (i, i),
                          head=OS + "LOCAL_CONFIG\n", tail=END), sized=True)
case("local-config-O", fill(lambda i: "O SmtpGreetingMessage=$j relay %07d\n" % i,
                            head=OS + "LOCAL_CONFIG\n", tail=END), sized=True)
case("quoted", fill(lambda i: "Kmap%07d hash -o /etc/mail/map%07d\n" % (i, i),
                    head=OS + "LOCAL_CONFIG\n`", tail="'\n" + END), sized=True)
case("includes", fill(lambda i: "include(`inc.m4')dnl\n", head=OS, tail=END),
     files={"inc.m4": "define(`confDOMAIN_NAME', `mx.example.com')dnl\n"}, sized=True)
case("hash-lines", fill(lambda i: "# %07d define(`confHELO_NAME', `h%07d')\n" % (i, i),
                        head=CF + OS, tail=END), sized=True)

case("eval-int-min", OS + "define(`confSMTP_LOGIN_MSG', `$j eval(-2147483648/-1) "
     "eval(-2147483648%-1) eval((-9223372036854775807-1)/-1) eval(2147483647+1) "
     "incr(2147483647)')dnl\n" + END)
case("len-50000", OS + "len(" * 50000 + "x" + ")" * 50000 + "\n" + END)
case("len-recursive", OS + "define(`r', `len(r')r\n")
case("eval-parens", OS + "eval(" + "(" * 100000 + "\n")
case("greeting-uaf", OS + "define(`confSMTP_LOGIN_MSG',"
     "`define(`confSMTP_LOGIN_MSG',`x')')dnl\n" + END)
case("hack-domain", OS + "define(`confDOMAIN_NAME',`HACK(`nope')')dnl\n" + END)
case("bomb-eager", OS + "define(`b0', `xxxxxxxx')dnl\n" +
     "".join("define(`b%d', b%d b%d)dnl\n" % (i, i - 1, i - 1) for i in range(1, 40)) + END)
case("bomb-lazy", OS + "define(`b0', `xxxxxxxx')dnl\n" +
     "".join("define(`b%d', `b%d b%d')dnl\n" % (i, i - 1, i - 1) for i in range(1, 40)) +
     "b39\n" + END)
case("bomb-args", OS + "define(`F')F(" + "," * 70000 + ")\n" + END)
case("bomb-eval", OS + "eval(2147483647, 1)\n" + END)
case("loop-tail", OS + "define(`A', `A')A\n")
case("loop-grow", OS + "define(`A', `A x')A\n")
case("defines-40000", OS + "define(`GEN', `ifelse(`$1', `40000', `', "
     "`define(`M_$1', `v$1')GEN(incr($1))')')dnl\nGEN(0)dnl\n"
     "define(`confSMTP_LOGIN_MSG', `$j M_0 M_39999')dnl\n" + END)
EOF

# measure NAME FILE ARGV... - one run: "wall cpu peak-KB exit" into $tmp/NAME.t
measure() {
	local name=$1 dir=$2 rc secs user sys kb
	shift 2
	set +e
	(cd "$dir" && /usr/bin/time -f '%e %U %S %M' -o "$tmp/$name.time" \
		timeout "$timeout_s" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err")
	rc=$?
	set -e
	# GNU time puts "Command exited with non-zero status N" first
	read -r secs user sys kb < <(tail -n 1 "$tmp/$name.time") ||
		{ secs='?'; user=0; sys=0; kb='?'; }
	[ "$rc" = 124 ] && rc=timeout
	echo "$secs $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $kb $rc" \
		>"$tmp/$name.t"
}

printf '%-15s %9s %7s %6s %9s %7s  %6s %9s  %s\n' case bytes wall cpu "peak KB" exit \
	"m4 cpu" "m4 KB" "first error"
for d in "$tmp"/*/; do
	name=$(basename "$d")
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	bytes=$(wc -c <"$d/sendmail.mc")
	measure "$name" "$d" "$bl" check --no-config "${cfopt[@]}" sendmail.mc
	read -r secs cpu kb rc <"$tmp/$name.t"
	err=$(grep -m 1 ' error: ' "$tmp/$name.err" "$tmp/$name.out" 2>/dev/null |
		sed -e 's/^[^:]*://' | cut -c 1-90 || true)
	m4cpu=-
	m4kb=-
	if [ "$run_m4" = 1 ] && [ -e "$d/size" ]; then
		measure "$name.m4" "$d" m4 sendmail.mc
		read -r _ m4cpu m4kb _ <"$tmp/$name.m4.t"
	fi
	printf '%-15s %9s %7s %6s %9s %7s  %6s %9s  %s\n' "$name" "$bytes" "$secs" "$cpu" "$kb" \
		"$rc" "$m4cpu" "$m4kb" "$err"
	rm -f "$tmp/$name".*
done

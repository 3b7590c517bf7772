#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench-hostile-postfix.sh - bannerlint on hostile Postfix and sendmail.cf
# input at the size cap (DESIGN.md §11). A measurement, not a test.
#
#   tests/bench/bench-hostile-postfix.sh [--mib N] [--timeout S] [--keep] [--only CASE] [--show] [BANNERLINT]
#
# Generates, in a temporary directory, one configuration per case below
# (about N MiB each, default 15: under the 16 MiB size cap; the bombs are a
# few hundred bytes), then runs `BANNERLINT check --no-config DIR` (with
# --show: `show`, the readers and resolvers without the rules) once on
# each and prints its wall time, CPU time (user + system: what to compare
# on a machine others share), peak resident memory (GNU time %M), exit
# status and the first error line. A run longer than S seconds (default 120)
# is stopped and shown as "timeout". The goal: every case well under a few
# seconds and a few hundred MB, exit 2 (with a clear error) or 0/1.
#
# Postfix cases:
#   pf-distinct         N MiB of distinct settings (p0000001 = value ...)
#   pf-duplicates       one setting (smtpd_banner) defined again and again
#   pf-giant-line       one logical line: smtpd_banner and N MiB of continuation lines
#   pf-giant-value      a setting nobody expands, one N MiB logical line
#   pf-master-services  many master.cf smtpd services, each with three -o overrides
#   pf-master-one-svc   one master.cf service with N MiB of -o overrides (continuation lines)
#   pf-refs-same        smtpd_banner = $e $e $e ... (e empty), N MiB of references
#   pf-refs-distinct    half the file p0000001 = (empty), smtpd_banner referring to each
#   pf-refs-undefined   smtpd_banner referring to N MiB of undefined parameters
#   pf-nested-cond      ${a?{${a?{...}}}} nested as deep as the file allows
#   pf-braces           N MiB of "{{" (the template sniffer)
#   pf-bomb             l0 = ten $l1, l1 = ten $l2, ... ten levels (10^10 copies)
#   pf-bomb-empty       the same with an empty last level (10^10 references, no text)
#   pf-bomb-services    a 60 KiB banner inherited by 10,000 smtpd services
# sendmail.cf cases:
#   cf-bomb             Djx$jx$jx$jx$j ($j defined in terms of itself)
#   cf-bomb-empty       Dj$j$j$j$j$j$j$j$j$j$j (no text, only references)
#   cf-fanout           a greeting of 30,000 $j, Dj of 30,000 $Z, DZ empty (9*10^8 references)
#   cf-many-lines       N MiB of D, O and R lines, many O SmtpGreetingMessage and Dj lines
#   cf-giant-folded     one folded greeting, N MiB of continuation lines
#   cf-conditionals     $?{client_addr} nested 3,500 deep (a 60 KB line)
set -euo pipefail

mib=15
timeout_s=120
keep=0
only=""
cmd=check
bl=""
while [ $# -gt 0 ]; do
	case $1 in
	--mib) mib=${2:?--mib needs a number}; shift 2 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--keep) keep=1; shift ;;
	--only) only=${2:?--only needs a case name}; shift 2 ;;
	--show) cmd=show; shift ;;
	-h | --help) sed -n '3,/^set -euo/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	-*) echo "bench-hostile-postfix: unknown option $1 (see --help)" >&2; exit 1 ;;
	*) bl=$1; shift ;;
	esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bl=${bl:-$root/build/bannerlint}
[ -x "$bl" ] || { echo "bench-hostile-postfix: no binary at $bl (build first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-hostile-postfix: needs GNU time (/usr/bin/time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-hostile-postfix: needs python3" >&2; exit 1; }

tmp=$(mktemp -d /tmp/bl-hostile.XXXXXX)
if [ "$keep" = 1 ]; then
	echo "bench-hostile-postfix: inputs kept in $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

# The generators: one directory per case under $tmp.
python3 - "$tmp" "$mib" <<'EOF'
import os
import sys

top, mib = sys.argv[1], int(sys.argv[2])
size = mib * 1024 * 1024


def case(name, files):
    d = os.path.join(top, name)
    os.makedirs(d)
    for fname, text in files.items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(text)


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


HOST = "myhostname = mail.example.com\n"
case("pf-distinct", {"main.cf": fill(lambda i: "p%07d = value %07d\n" % (i, i), head=HOST)})
case("pf-duplicates", {"main.cf": fill(
    lambda i: "smtpd_banner = $myhostname ESMTP number %07d\n" % i, head=HOST)})
case("pf-giant-line", {"main.cf": fill(
    lambda i: "\n word%07d" % i, head=HOST + "smtpd_banner = $myhostname ESMTP", tail="\n")})
case("pf-giant-value", {"main.cf": fill(
    lambda i: "\n    host%07d.example.com," % i, head=HOST + "mydestination = localhost,", tail="\n")})
case("pf-master-services", {"main.cf": HOST, "master.cf": fill(
    lambda i: ("s%07d inet n - y - - smtpd\n  -o smtpd_banner=$myhostname\n"
               "  -o syslog_name=postfix/s%07d\n  -o smtpd_tls_security_level=may\n") % (i, i))})
case("pf-master-one-svc", {"main.cf": HOST, "master.cf": fill(
    lambda i: "\n  -o p%07d=v%07d" % (i, i), head="smtp inet n - y - - smtpd", tail="\n")})
case("pf-refs-same", {"main.cf": fill(
    lambda i: " $e", head=HOST + "e =\nsmtpd_banner = $myhostname", tail="\n")})
half = fill(lambda i: "p%07d =\n" % i, budget=size // 2, head=HOST)
nref = half.count("\n") - 1
case("pf-refs-distinct", {"main.cf": half + "smtpd_banner = $myhostname" +
     "".join(" $p%07d" % i for i in range(min(nref, (size // 2) // 10))) + "\n"})
case("pf-refs-undefined", {"main.cf": fill(
    lambda i: " $u%07d" % i, head=HOST + "smtpd_banner = $myhostname", tail="\n")})
depth = (size - 64) // 7
case("pf-nested-cond", {"main.cf": HOST + "a = x\nsmtpd_banner = $myhostname " +
     "${a?{" * depth + "x" + "}}" * depth + "\n"})
case("pf-braces", {"main.cf": fill(lambda i: "{{", head=HOST + "x = ", tail="\n")})
bomb = HOST + "smtpd_banner = $myhostname ESMTP $l0\n" + "".join(
    "l%d = %s\n" % (i, " ".join(["$l%d" % (i + 1)] * 10)) for i in range(10))
case("pf-bomb", {"main.cf": bomb + "l10 = x\n"})
case("pf-bomb-empty", {"main.cf": bomb + "l10 =\n"})
case("pf-bomb-services", {"main.cf": HOST + "smtpd_banner = $myhostname " + "x" * 60000 + "\n",
                          "master.cf": "".join("s%05d inet n - y - - smtpd\n" % i
                                               for i in range(10000))})

V = "V10\n"
case("cf-bomb", {"sendmail.cf": V + "Djx$jx$jx$jx$j\nO SmtpGreetingMessage=$j\n"})
case("cf-bomb-empty", {"sendmail.cf": V + "Dj" + "$j" * 10 + "\nO SmtpGreetingMessage=$j\n"})
# lines under 64 KiB (a longer one is an error of its own: cf-giant-folded)
case("cf-fanout", {"sendmail.cf": V + "DZ\nDj" + "$Z" * 30000 +
     "\nO SmtpGreetingMessage=" + "$j" * 30000 + "\nS0\nR$* $@ $1\n"})
case("cf-many-lines", {"sendmail.cf": fill(
    lambda i: ("D{m%07d}value\nO SmtpGreetingMessage=$j %07d\nDjhost%07d.example.com\n"
               "R$* $@ $1\n") % (i, i, i), head=V)})
case("cf-giant-folded", {"sendmail.cf": fill(
    lambda i: "\n word%07d" % i, head=V + "Djmail.example.com\nO SmtpGreetingMessage=$j",
    tail="\nS0\n")})
case("cf-conditionals", {"sendmail.cf": V + "Djmail.example.com\nO SmtpGreetingMessage=$j " +
     "$?{client_addr}" * 3500 + "x" + "$." * 3500 + "\nS0\n"})
EOF

printf '%-20s %9s %8s %8s %11s %5s  %s\n' case bytes wall cpu "peak KB" exit "first error"
for d in "$tmp"/*/; do
	name=$(basename "$d")
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	bytes=$(cat "$d"/* | wc -c)
	set +e
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/$name.time" \
		timeout "$timeout_s" "$bl" "$cmd" --no-config "$d" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	set -e
	# GNU time puts "Command exited with non-zero status N" first
	read -r secs user sys kb < <(tail -n 1 "$tmp/$name.time") ||
		{ secs='?'; user=0; sys=0; kb='?'; }
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	[ "$rc" = 124 ] && rc=timeout
	err=$(grep -m 1 ' error: ' "$tmp/$name.err" "$tmp/$name.out" 2>/dev/null |
		sed -e 's/^[^:]*://' -e "s|$d||" | cut -c 1-100 || true)
	printf '%-20s %9s %8s %8s %11s %5s  %s\n' "$name" "$bytes" "$secs" "$cpu" "$kb" "$rc" "$err"
	rm -f "$tmp/$name.out" "$tmp/$name.err"
done

#!/usr/bin/env bash
# Benchmark: bannerlint on Debian's stock Exim and Sendmail configurations against the mail
# servers' own tools.
#
#   tests/bench/bench-exim-sendmail.sh [--runs N] [BINARY]
#
# Inputs (from the packages tests/setup-components.sh unpacks into tests/.cache/pkgs):
#   exim4-config's exim4.conf.template (copied as exim.conf), and its /etc/exim4 tree
#   (conf.d, split configuration);
#   sendmail-cf's debian/sendmail.mc with the cf tree (paths rewritten to a scratch copy, the
#   /etc/mail/m4 includes made empty stubs, as tests/oracle/sendmail_oracle.py does).
# Measures whole-process wall time, median of N runs, of
#   exim4 -C exim.conf -bP smtp_banner            (reference; needs root and the Debian-exim user)
#   BINARY check exim.conf ; BINARY check TREE    (template; split /etc/exim4)
#   m4 cf.m4 ... sendmail.mc                      (reference: what sendmailconfig runs)
#   BINARY check --sendmail-cf CF sendmail.mc
# A measurement, not a test: exits 0 whatever the numbers are, non-zero only when it cannot
# measure. Environment: BENCH_RUNS (default 100).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${BANNERLINT_CACHE_DIR:-$root/tests/.cache}
runs=${BENCH_RUNS:-100}
bin=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) bin=$1; shift ;;
  esac
done
bin=${bin:-$root/build/bannerlint}
[ -x "$bin" ] || { echo "bench: no binary $bin" >&2; exit 1; }
[ "$runs" -ge 5 ] && [ "$runs" -le 5000 ] || runs=100

exim=$cache/pkgs/exim4-daemon-light/usr/sbin/exim4
etc=$cache/pkgs/exim4-config/etc/exim4
cf=$cache/pkgs/sendmail-cf/usr/share/sendmail/cf
for f in "$exim" "$etc/exim4.conf.template" "$cf/m4/cf.m4"; do
  [ -e "$f" ] || { echo "bench: missing $f (run tests/setup-components.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$etc/exim4.conf.template" "$tmp/exim.conf"
mkdir "$tmp/etc-exim4"
cp -r "$etc/conf.d" "$tmp/etc-exim4/"
printf "dc_eximconfig_configtype='local'\ndc_use_split_config='true'\ndc_minimaldns='false'\n" \
  >"$tmp/etc-exim4/update-exim4.conf.conf"
cp -r "$cf" "$tmp/cf"
grep -rl /usr/share/sendmail/cf "$tmp/cf" | xargs sed -i "s#/usr/share/sendmail/cf#$tmp/cf#g"
mkdir -p "$tmp/m4"
: >"$tmp/m4/dialup.m4"
: >"$tmp/m4/provider.m4"
sed -e "s#/usr/share/sendmail/cf#$tmp/cf#g" -e "s#/etc/mail/m4/#$tmp/m4/#g" \
  "$cf/debian/sendmail.mc" >"$tmp/sendmail.mc"

median_ms() { # command... : median wall time of $runs runs, in ms
  local i t0 t1 ts=()
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    ts+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${ts[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}

report() { printf '%-52s %8s ms\n' "$1" "$2"; }
e=$(median_ms "$exim" -C "$tmp/exim.conf" -bP smtp_banner)
report "exim4 -bP smtp_banner (template)" "$e"
report "bannerlint check exim.conf (template)" "$(median_ms "$bin" check --no-config "$tmp/exim.conf")"
report "bannerlint check /etc/exim4 (split conf.d)" "$(median_ms "$bin" check --no-config "$tmp/etc-exim4")"
report "m4 cf.m4 sendmail.mc (Debian)" "$(cd "$tmp" && median_ms m4 sendmail.mc)"
report "bannerlint check sendmail.mc (Debian)" \
  "$(median_ms "$bin" check --no-config --sendmail-cf "$tmp/cf" "$tmp/sendmail.mc")"
report "/bin/true (process start on this machine)" "$(median_ms /bin/true)"

#!/bin/sh
# Regenerate src/exim_names.inc: the options Exim accepts in the main
# section and in every router, transport and authenticator driver of the
# binary at hand (generic options of each kind, and each driver's private
# ones), each with its type and whether it may be repeated; and the
# expansion variables. Run it against the richest Exim build at hand
# (exim4-daemon-heavy: content scanning, Perl, LDAP, SQL, SPF), as root:
#   tools/exim-options.sh /path/to/exim4 > src/exim_names.inc
#
# Everything comes from the binary, so the script can be re-run on another
# version:
#  - the names: "exim -bP macros" lists _OPT_MAIN_X, _OPT_ROUTERS_X (generic
#    router options), _OPT_ROUTER_DRIVER_X (private ones), the same for
#    TRANSPORT(S) and AUTHENTICATOR(S), and _DRIVER_KIND_NAME for each
#    driver built in. Unlike -bP these include the hidden obsolete aliases
#    (return_size_limit, daemon_smtp_port).
#  - the types: each option is set, alone in a minimal configuration (after
#    "driver = D" in a driver), to probe values, and "exim -C FILE -bV"
#    says what readconf.c's readconf_handle_option() makes of them at that
#    line: "TIMES" is "not a valid value" for a boolean, an "invalid time
#    value", "octal integer expected", "integer expected", "fixed-point
#    number expected", "user/group TIMES was not found", "missing rewrite
#    replacement string"; anything else (accepted, or refused later by the
#    driver's own checks) is a string. Second probes split the families:
#    "$x" is fine for an expanded boolean, uid or gid and for a time that
#    may be expanded (smtp_receive_timeout); "1m:2m" for a time list (whose
#    longest list is found by trying longer ones); "4G" for a 64-bit
#    integer (check_spool_space and friends); "0:0" for a uid/gid list.
#  - repeatable strings: set twice, an option not flagged opt_rep_con or
#    opt_rep_str is "set for the second time" at the second line.
# Variables: every name-like run in the binary (and its suffixes: the
# linker merges string tails) that "exim -be" does not call an unknown
# variable. Prefix families (acl_c*, acl_m*, auth1-3, r_*, header and $0-$9
# forms) are recognised by the resolver itself and left out.
set -eu
exim=${1:?usage: exim-options.sh EXIM-BINARY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'primary_hostname = x.example\nbegin transports\nt_smtp:\n  driver = smtp\n' >"$tmp/c"

# probe KIND DRIVER LINES...: the message Exim gives for the last LINE of a
# minimal configuration (empty when it names another line or none)
probe() {
	p_kind=$1 p_drv=$2
	shift 2
	{
		case $p_kind in
		main) ;;
		*) printf 'begin %ss\nx:\n  driver = %s\n' "$p_kind" "$p_drv" ;;
		esac
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} >"$tmp/p"
	n=$(wc -l <"$tmp/p")
	"$exim" -C "$tmp/p" -bV 2>&1 >/dev/null </dev/null |
		awk -v n="$n" -v f="$tmp/p" '
		    $0 ~ "configuration error in line " n " of " f ":$" { getline; sub(/^ +/, ""); print; exit }'
}

# opt_type KIND DRIVER NAME: "TYPE FLAGS MAX" of one option
opt_type() {
	k=$1 d=$2 o=$3
	m=$(probe "$k" "$d" "$o = TIMES")
	case $m in
	"\"TIMES\" is not a valid value for the \"$o\" option")
		case $(probe "$k" "$d" "$o = \$x") in
		"\"\" is not a valid value"*) echo BOOL 0 0 ;;
		*) echo EXPAND_BOOL 0 0 ;;
		esac ;;
	"invalid time value for $o")
		if [ -z "$(probe "$k" "$d" "$o = \$x")" ]; then
			echo TIME_EXPANDED 0 0
		elif [ -n "$(probe "$k" "$d" "$o = 1m:2m")" ]; then
			echo TIME 0 0
		else
			i=2 l=1m:2m
			while [ "$i" -lt 250 ] &&
			    [ -z "$(probe "$k" "$d" "$o = $l:$((i + 1))m")" ]; do
				i=$((i + 1)) l=$l:${i}m
			done
			echo TIMELIST 0 "$i"
		fi ;;
	"octal integer expected for $o") echo OCTINT 0 0 ;;
	"integer expected for $o")
		if [ -z "$(probe "$k" "$d" "$o = 4G")" ]; then
			echo KINT 0 0
		else
			echo INT 0 0
		fi ;;
	"fixed-point number expected for $o") echo FIXED 0 0 ;;
	"user TIMES was not found" | "group TIMES was not found")
		u=UID
		case $m in group*) u=GID ;; esac
		if [ -z "$(probe "$k" "$d" "$o = 0:0")" ]; then
			echo ${u}LIST 0 0
		elif [ -z "$(probe "$k" "$d" "$o = \$x")" ]; then
			echo EXPAND_$u 0 0
		else
			echo $u 0 0
		fi ;;
	"missing rewrite replacement string") echo REWRITE 0 0 ;;
	*)
		[ -z "$m" ] || echo "exim-options.sh: $k $d $o = TIMES: $m (taken as a string)" >&2
		case $(probe "$k" "$d" "$o = TIMES" "$o = TIMES") in
		*"option set for the second time") echo STRING 0 0 ;;
		*) echo STRING EXIM_F_REPEAT 0 ;;
		esac ;;
	esac
}

# table NAME KIND DRIVER PREFIX: the C table of the options whose macros
# start with PREFIX (upper case), probed as KIND with DRIVER
table() {
	grep "^$4[A-Z0-9_]*=" "$tmp/macros" | sed "s/^$4\([A-Z0-9_]*\)=.*/\1/" |
		tr 'A-Z' 'a-z' | LC_ALL=C sort -u >"$tmp/names"
	if [ ! -s "$tmp/names" ]; then
		echo "$1 NULL, 0" >>"$tmp/counts"
		return
	fi
	echo "$1 $1, BL_ARRAY_LEN($1)" >>"$tmp/counts"
	echo "static const struct exim_option $1[] = {"
	while read -r o; do
		[ "$o" = driver ] && t="STRING 0 0" || t=$(opt_type "$2" "$3" "$o")
		echo "$o $t" | awk '{ printf "\t{\"%s\", EXIM_T_%s, %s, %s},\n", $1, $2, $3, $4 }'
	done <"$tmp/names"
	echo "};"
}

version=$("$exim" -C "$tmp/c" -bV | sed -n 's/^Exim version \([^ ]*\).*/\1/p')
"$exim" -C "$tmp/c" -bP macros >"$tmp/macros"
echo "/* Generated by tools/exim-options.sh from Exim $version; do not edit. */"
echo "#ifdef EXIM_OPTION_TABLES"
table exim_opts_main main "" _OPT_MAIN_
# a private option's macro is _OPT_KIND_DRIVER_NAME: the longest driver
# name first, so that no driver's options are taken for another's
: >"$tmp/drivers"
: >"$tmp/counts"
for kind in ROUTER TRANSPORT AUTHENTICATOR; do
	k=$(echo $kind | tr 'A-Z' 'a-z')
	table "exim_opts_${k}s" "$k" \
	    "$(sed -n "s/^_DRIVER_${kind}_\([A-Z0-9_]*\)=.*/\1/p" "$tmp/macros" |
		tr 'A-Z' 'a-z' | LC_ALL=C sort | head -n 1)" "_OPT_${kind}S_"
	echo "exim_opts_${k}s \"$k\", NULL," >>"$tmp/drivers"
	sed -n "s/^_DRIVER_${kind}_\([A-Z0-9_]*\)=.*/\1/p" "$tmp/macros" |
		awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2 >"$tmp/d_$k"
	while read -r D; do
		d=$(echo "$D" | tr 'A-Z' 'a-z')
		table "exim_opts_${k}_$d" "$k" "$d" "_OPT_${kind}_${D}_"
		echo "exim_opts_${k}_$d \"$k\", \"$d\"," >>"$tmp/drivers"
		# take them out, so no shorter driver name matches them
		grep -v "^_OPT_${kind}_${D}_" "$tmp/macros" >"$tmp/m2" || :
		mv "$tmp/m2" "$tmp/macros"
	done <"$tmp/d_$k"
done
echo "static const struct exim_driver exim_drivers[] = {"
LC_ALL=C sort "$tmp/drivers" | while read -r t kd; do
	printf '\t{%s %s},\n' "$kd" "$(sed -n "s/^$t //p" "$tmp/counts")"
done
echo "};"
echo "#define EXIM_OPTIONS_VERSION \"$version\""
echo "#endif /* EXIM_OPTION_TABLES */"
echo "static const char *const exim_variables[] = {"
strings -n 2 "$exim" | grep -oE '[a-z][a-z0-9_]*' |
	awk '{ for (i = 1; i <= length($0); i++) { s = substr($0, i); if (s ~ /^[a-z]/) print s } }' |
	grep -vE '^(h_|header_|rheader_|rh_|bh_|bheader_|lh_|lheader_|r_|acl_c|acl_m|auth[0-9])' |
	sort -u >"$tmp/cand"
sed 's/.*/x $& y/' "$tmp/cand" | "$exim" -C "$tmp/c" -be 2>&1 |
	sed -n 's/.*unknown variable name "\([a-z0-9_]*\)".*/\1/p' | sort -u >"$tmp/bad"
comm -23 "$tmp/cand" "$tmp/bad" | awk '{ printf "\t\"%s\",\n", $1 }'
echo "};"

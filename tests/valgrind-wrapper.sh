#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# valgrind-wrapper.sh - the exe_wrapper of `meson test --setup valgrind`:
#
#   valgrind-wrapper.sh VALGRIND [OPTION...] -- TEST [ARG...]
#
# Runs TEST under VALGRIND, unless TEST runs bannerlint itself and says so
# with BANNERLINT_TAKES_WRAPPER=1 in its environment (the golden runner, a
# Python script: valgrind would check the interpreter instead). That test
# gets the valgrind command in BANNERLINT_WRAPPER and puts it in front of
# every bannerlint it starts.
vg=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	vg="$vg $1"
	shift
done
[ $# -gt 0 ] && shift
if [ $# -eq 0 ] || [ -z "$vg" ]; then
	echo "usage: valgrind-wrapper.sh VALGRIND [OPTION...] -- TEST [ARG...]" >&2
	exit 2
fi
if [ "${BANNERLINT_TAKES_WRAPPER:-}" = 1 ]; then
	BANNERLINT_WRAPPER=${vg# }
	export BANNERLINT_WRAPPER
	exec "$@"
fi
# shellcheck disable=SC2086  # the valgrind command is split into words
exec $vg "$@"

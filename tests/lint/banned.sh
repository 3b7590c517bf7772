#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fails when a function STYLE.md bans appears in the C sources.
set -u
root=${1:?usage: banned.sh SOURCE_ROOT}
pattern='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|system|popen)[[:space:]]*\('
hits=$(grep -nE "$pattern" "$root"/src/*.c "$root"/src/*.h "$root"/parsers/*.c \
	"$root"/parsers/*.h 2>/dev/null | grep -vE ':[[:space:]]*(/\*|\*)')
if [ -n "$hits" ]; then
	printf 'banned functions in use:\n%s\n' "$hits"
	exit 1
fi
echo "no banned functions"

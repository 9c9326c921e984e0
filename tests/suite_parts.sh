#!/bin/sh
# Parsing on several threads (-j, src/load.c) must change nothing but speed. Every YAML
# and JSON file under tests/ and examples/ is linted (-o json) with one parser (-j 1) and
# cut at every document marker the parts allow (NPCHECK_TEST_PART_BYTES=1, -j 4): standard
# output, standard error and exit status must be equal. Then the files that lint without
# an input error are joined into one stream of a few thousand documents, which is compared
# the same way with 8 parts for lint, list and explain (objects and findings from every
# part meet there: duplicates, namespaces, folding); and whole directories (files parsed
# side by side, with and without cuts) are compared for lint and list.
# Prints "ok parts/NAME" or "not ok parts/NAME: why" and a short diff.
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/npcheck-parts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
NO_COLOR=1
export NO_COLOR

# same NAME JOBS ARGS...: run ARGS with -j 1 and with JOBS threads, every file cut at
# every marker it allows (PART_BYTES=1; empty: files of 1 MiB and more); compare.
PART_BYTES=1
same() {
	name=$1 jobs=$2
	shift 2
	"$NPCHECK" -j 1 "$@" >"$tmp/out1" 2>"$tmp/err1"
	st1=$?
	NPCHECK_TEST_PART_BYTES=$PART_BYTES "$NPCHECK" -j "$jobs" "$@" >"$tmp/outN" 2>"$tmp/errN"
	stN=$?
	if [ "$st1" -ge 3 ]; then
		echo "not ok parts/$name: npcheck -j 1 exited $st1"
		head -n 5 "$tmp/err1"
	elif [ "$st1" != "$stN" ]; then
		echo "not ok parts/$name: exit $st1 with one parser, $stN in parts"
	elif ! cmp -s "$tmp/out1" "$tmp/outN"; then
		echo "not ok parts/$name: stdout differs"
		diff "$tmp/out1" "$tmp/outN" | head -n 10
	elif ! cmp -s "$tmp/err1" "$tmp/errN"; then
		echo "not ok parts/$name: stderr differs"
		diff "$tmp/err1" "$tmp/errN" | head -n 10
	else
		echo "ok parts/$name"
	fi
}

find tests examples -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
	! -path 'tests/fuzz/*' | LC_ALL=C sort >"$tmp/files"
: >"$tmp/clean"
while IFS= read -r f; do
	same "lint/$f" 4 lint -o json "$f"
	[ "$st1" -le 1 ] && [ "$(head -c 1 "$f")" != "{" ] && printf '%s\n' "$f" >>"$tmp/clean"
done <"$tmp/files"

# One stream of every cleanly read YAML file, each starting at a marker.
while IFS= read -r f; do
	printf -- '---\n'
	cat "$f"
	printf '\n'
done <"$tmp/clean" >"$tmp/all.yaml"
docs=$(grep -c '^---' "$tmp/all.yaml")
if [ "$docs" -lt 500 ]; then
	echo "not ok parts/joined: only $docs documents joined"
fi
for cmd in "lint -o json" "list -o json" "explain -o json"; do
	# shellcheck disable=SC2086 # the command and its options, split on purpose
	same "joined/$(echo "$cmd" | cut -d' ' -f1)" 8 $cmd "$tmp/all.yaml"
done

# Directories: files shared out among threads, with and without cuts inside them.
for pb in 1 ""; do
	PART_BYTES=$pb
	same "dirs${pb:+/cut}/lint" 4 lint -o json tests examples
	same "dirs${pb:+/cut}/list" 3 list -o json examples tests/conformance tests/lint
done

# A file that cannot be read between others (its error takes the place of its findings).
PART_BYTES=1
if [ -e /proc/self/mem ]; then
	same "unread" 4 lint -o json examples/shop /proc/self/mem examples/dns-egress
	[ "$st1" -eq 2 ] || echo "not ok parts/unread: exit $st1, want 2 (a read error)"
fi

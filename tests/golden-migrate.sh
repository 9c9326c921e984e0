#!/bin/sh
# One-off: move the golden suites' cases (cli, lint, fail, diff, conformance, formats)
# into the one layout of tests/golden.sh (args, stdout, stderr, status), with git mv so
# history follows. The expected outputs move as they are; what an old suite did not
# compare (lint, conformance and some cli stderr; conformance's status) is recorded from
# ./npcheck into the case and listed in $REVIEW for a human to read.
# The command line of each case is the one the old suite ran, word for word.
set -eu
cd "$(dirname "$0")/.."
: "${NPCHECK:=./npcheck}"
REVIEW=${REVIEW:-/tmp/golden-review.txt}
: >"$REVIEW"

# record DIR WHAT: write the actual WHAT (stderr or status) of DIR's args into DIR.
record() {
	set +e
	# shellcheck disable=SC2046
	NO_COLOR=1 "$NPCHECK" $(cat "$1/args") >/dev/null 2>"$1/stderr.new" </dev/null
	st=$?
	set -e
	if [ "$2" = stderr ]; then
		mv "$1/stderr.new" "$1/stderr"
		printf '%s stderr (%s bytes): %s\n' "$1" "$(wc -c <"$1/stderr")" \
			"$(head -n 1 "$1/stderr")" >>"$REVIEW"
	else
		rm -f "$1/stderr.new"
		echo "$st" >"$1/status"
		echo "$1 status: $st" >>"$REVIEW"
	fi
}

# ---- cli: cmd becomes args; a missing status was 0; a missing stderr was unchecked ----
for dir in tests/cli/*/; do
	dir=${dir%/}
	[ -f "$dir/cmd" ] || continue
	git mv "$dir/cmd" "$dir/args"
	[ -f "$dir/status" ] || echo 0 >"$dir/status"
	[ -f "$dir/stderr" ] || record "$dir" stderr
done

# ---- lint: `lint --color never [ARGS] DIR`; expected becomes stdout ----
for dir in tests/lint/*/; do
	dir=${dir%/}
	extra=""
	[ -f "$dir/args" ] && extra="$(cat "$dir/args") "
	if [ ! -f "$dir/status" ]; then
		if grep -q '^[^ ]*: error: ' "$dir/expected"; then
			echo 1 >"$dir/status"
		else
			echo 0 >"$dir/status"
		fi
	fi
	echo "lint --color never $extra$dir" >"$dir/args"
	git mv "$dir/expected" "$dir/stdout"
	record "$dir" stderr
done

# ---- fail: NAME.{yaml,expected,stderr,status} become NAME/{NAME.yaml,stdout,...};
# the diagnostics name the input's new path ----
for f in tests/fail/*.yaml; do
	name=$(basename "$f" .yaml)
	dir=tests/fail/$name
	mkdir "$dir"
	git mv "$f" "$dir/$name.yaml"
	git mv "tests/fail/$name.expected" "$dir/stdout"
	if [ -f "tests/fail/$name.stderr" ]; then
		git mv "tests/fail/$name.stderr" "$dir/stderr"
	else
		: >"$dir/stderr"
	fi
	if [ -f "tests/fail/$name.status" ]; then
		git mv "tests/fail/$name.status" "$dir/status"
	else
		echo 1 >"$dir/status"
	fi
	for o in stdout stderr; do
		sed "s|tests/fail/$name\.yaml|$dir/$name.yaml|g" "$dir/$o" >"$dir/$o.new"
		mv "$dir/$o.new" "$dir/$o"
	done
	echo "lint --color never $dir/$name.yaml" >"$dir/args"
done

# ---- diff: NAME/{old,new} with stdout[.FMT]: one case per format (NAME-FMT reads
# NAME's inputs); stderr empty when absent ----
for dir in tests/diff/*/; do
	dir=${dir%/}
	[ -d "$dir/old" ] && [ -d "$dir/new" ] || continue
	[ -f "$dir/stderr" ] || : >"$dir/stderr"
	[ -f "$dir/status" ] || echo 0 >"$dir/status"
	for out in "$dir"/stdout.*; do
		[ -f "$out" ] || continue
		fmt=${out##*/stdout.}
		mkdir "$dir-$fmt"
		git mv "$out" "$dir-$fmt/stdout"
		cp "$dir/stderr" "$dir/status" "$dir-$fmt/"
		echo "diff -o $fmt $dir/old $dir/new" >"$dir-$fmt/args"
	done
	echo "diff $dir/old $dir/new" >"$dir/args"
done

# ---- conformance: `matrix ARGS -o csv NAME/manifests`; expected.csv becomes stdout;
# stderr and status were unchecked (status below 2) ----
for dir in tests/conformance/*/; do
	dir=${dir%/}
	[ -f "$dir/args" ] || continue
	echo "matrix $(cat "$dir/args") -o csv $dir/manifests" >"$dir/args"
	git mv "$dir/expected.csv" "$dir/stdout"
	record "$dir" stderr
	record "$dir" status
done

# ---- formats: expected/GOLD and GOLD.err become GOLD/stdout and GOLD/stderr ----
# formats GOLD FORMAT STATUS ARGS...: the case the old suite's `golden` ran.
formats() {
	gold=$1 fmt=$2 want=$3
	shift 3
	dir=tests/formats/$gold
	mkdir "$dir"
	git mv "tests/formats/expected/$gold" "$dir/stdout"
	if [ -f "tests/formats/expected/$gold.err" ]; then
		git mv "tests/formats/expected/$gold.err" "$dir/stderr"
	else
		: >"$dir/stderr"
	fi
	echo "$want" >"$dir/status"
	echo "lint -c tests/formats/npcheck.yaml -o $fmt $*" >"$dir/args"
	if [ "$fmt" = sarif ]; then
		printf '%s\n' 's|\("%SRCROOT%": {"uri": "\)file://[^"]*"|\1file:///SRCROOT/"|' >"$dir/stdout.sed"
	fi
}
for fmt in text json sarif junit github md; do
	formats "lint.$fmt" "$fmt" 2 tests/formats/input
done
formats lint.text.color text 2 --color always tests/formats/input
formats lint.text.quiet text 2 -q tests/formats/input
formats lint.junit.fail-on-info junit 2 --fail-on info tests/formats/input
formats lint.junit.fail-on-warning junit 2 --fail-on warning tests/formats/input
for fmt in text json junit github md; do
	formats "clean.$fmt" "$fmt" 0 tests/formats/input/clean.yaml
done
rmdir tests/formats/expected

git add tests/cli tests/lint tests/fail tests/diff tests/conformance tests/formats

#!/bin/sh
# The test driver itself (tests/run, tests/tally): every kind of case line counted as
# what it is, a skipped case counted apart and never as a pass, a failing case or a
# suite that exits non-zero failing the run, and the summary "N passed, N failed,
# N skipped". Runs the driver on made-up suites in a scratch directory.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same NAME GOT WANT
same() {
	if [ "$2" = "$3" ]; then
		echo "ok runner/$1"
	else
		echo "not ok runner/$1: got '$2', want '$3'"
	fi
}

got=$(printf '%s\n' 'ok a' 'ok b # skip no git' 'ok c # SKIP peer not found' \
	'ok d # skipped: fish is not installed' 'not ok e: broken' 'ok f#notaskip' \
	'# ok g' 'some output' | sh tests/tally)
same tally "$got" "2 1 3"

# run_on NAME SUITE_TEXT...: tests/run over one suite; its summary line and status.
run_on() {
	rm -rf "$tmp/t" && mkdir -p "$tmp/t/tests" &&
		cp "$root/tests/run" "$root/tests/tally" "$tmp/t/tests/" || return 1
	name=$1
	shift
	printf '%s\n' "$@" >"$tmp/t/tests/suite_x.sh"
	(cd "$tmp/t" && sh tests/run >"$tmp/out" 2>&1)
	echo "$? $(tail -n 1 "$tmp/out")"
}

same run-skip "$(run_on skip 'echo "ok one"' 'echo "ok two # skip no tool"')" \
	"0 1 passed, 0 failed, 1 skipped"
grep -q '^ok two # skip no tool$' "$tmp/out" && echo "ok runner/skip-listed" ||
	echo "not ok runner/skip-listed: the skipped case is not shown"
grep -q '^# tests/suite_x.sh: 1 passed, 0 failed, 1 skipped$' "$tmp/out" &&
	echo "ok runner/suite-line" || echo "not ok runner/suite-line: $(grep '^# ' "$tmp/out")"
same run-fail "$(run_on fail 'echo "ok one"' 'echo "not ok two: why"')" \
	"1 1 passed, 1 failed, 0 skipped"
same run-exit "$(run_on exit 'echo "ok one"' 'exit 3')" "1 1 passed, 1 failed, 0 skipped"
same run-only-skips "$(run_on only 'echo "ok x # skip y"')" "0 0 passed, 0 failed, 1 skipped"

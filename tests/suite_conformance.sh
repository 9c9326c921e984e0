#!/bin/sh
# Conformance suite: the Kubernetes network policy e2e truth tables
# (test/e2e/network/netpol), transcribed as data in tests/conformance/NAME/:
#   manifests/    namespaces, pods and the test's NetworkPolicies
#   args          matrix arguments for the probes the e2e test runs
#   expected.csv  the truth table the e2e test expects, in `matrix -o csv` form
# For each case runs `$NPCHECK matrix $(cat args) -o csv manifests` and compares stdout
# with expected.csv. Prints "ok conformance/NAME" or "not ok conformance/NAME: why"
# followed by a short diff; one line per case, never stops early.
# Environment: NPCHECK (binary under test, default ./npcheck).
set -u
: "${NPCHECK:=./npcheck}"

here=$(dirname "$0")
cases="$here/conformance"
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
trap 'exit 130' INT TERM

found=0
for dir in "$cases"/*/; do
	[ -d "$dir" ] || continue
	dir=${dir%/}
	name=${dir##*/}
	found=$((found + 1))
	if [ ! -f "$dir/args" ] || [ ! -f "$dir/expected.csv" ] || [ ! -d "$dir/manifests" ]; then
		echo "not ok conformance/$name: missing args, expected.csv or manifests/"
		continue
	fi
	args=$(cat "$dir/args")
	# args is word-split on purpose: it holds several options
	# shellcheck disable=SC2086
	"$NPCHECK" matrix $args -o csv "$dir/manifests" >"$out" 2>"$err" </dev/null
	st=$?
	if ! cmp -s "$dir/expected.csv" "$out"; then
		echo "not ok conformance/$name: matrix output differs from expected.csv (exit $st)"
		diff -u "$dir/expected.csv" "$out" | head -20
		[ -s "$err" ] && head -5 "$err" | sed 's/^/# stderr: /'
	elif [ "$st" -ge 2 ]; then
		echo "not ok conformance/$name: matrix exited $st"
		head -5 "$err" | sed 's/^/# stderr: /'
	else
		echo "ok conformance/$name"
	fi
done

if [ "$found" -eq 0 ]; then
	echo "not ok conformance: no cases under $cases"
fi
exit 0

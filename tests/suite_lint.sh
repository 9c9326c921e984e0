#!/bin/sh
# Lint rules: golden cases in tests/lint/NAME/, one directory each:
#   *.yaml     the manifests
#   expected   the exact stdout of `npcheck lint --color never [ARGS] tests/lint/NAME`
#   args       optional extra arguments (e.g. -c tests/lint/NAME/npcheck.yaml)
#   status     optional expected exit status (default: 1 if expected has an error line,
#              else 0)
# Cases are named fires-RULE (the rule fires) and quiet-RULE (a near miss it must not
# fire on); clean-app is a realistic application on which nothing fires.
# Runs from the repository root so paths in the output read tests/lint/NAME/FILE.
# Prints "ok lint/NAME" or "not ok lint/NAME: why" and a short diff; never stops early.
# Environment: NPCHECK (binary under test, default ./npcheck).
set -u
cd "$(dirname "$0")/.." || exit 1
: "${NPCHECK:=./npcheck}"

out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
trap 'exit 130' INT TERM

found=0
for dir in tests/lint/*/; do
	[ -d "$dir" ] || continue
	dir=${dir%/}
	name=${dir##*/}
	found=$((found + 1))
	if [ ! -f "$dir/expected" ]; then
		echo "not ok lint/$name: no expected file"
		continue
	fi
	args=
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	if [ -f "$dir/status" ]; then
		want=$(cat "$dir/status")
	elif grep -q '^[^ ]*: error: ' "$dir/expected"; then
		want=1
	else
		want=0
	fi
	# args is word-split on purpose: it holds several options
	# shellcheck disable=SC2086
	"$NPCHECK" lint --color never $args "$dir" >"$out" 2>"$err" </dev/null
	st=$?
	if ! cmp -s "$dir/expected" "$out"; then
		echo "not ok lint/$name: output differs from expected (exit $st)"
		diff -u "$dir/expected" "$out" | head -20
		[ -s "$err" ] && head -3 "$err" | sed 's/^/# stderr: /'
	elif [ "$st" -ne "$want" ]; then
		echo "not ok lint/$name: exit status $st, expected $want"
		head -3 "$err" | sed 's/^/# stderr: /'
	else
		echo "ok lint/$name"
	fi
done

if [ "$found" -eq 0 ]; then
	echo "not ok lint: no cases under tests/lint"
fi
exit 0

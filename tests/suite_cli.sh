#!/bin/sh
# Golden CLI cases: tests/cli/NAME/cmd holds the arguments (one line, paths relative to
# the repository root); stdout, stderr (optional) and status (default 0) hold what npcheck
# must print and return.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in tests/cli/*/; do
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	# shellcheck disable=SC2046
	NO_COLOR=1 "$NPCHECK" $(cat "$dir/cmd") >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	want=0
	[ -f "$dir/status" ] && want=$(cat "$dir/status")
	why=""
	[ "$st" -eq "$want" ] || why="exit $st, want $want"
	if ! cmp -s "$tmp/out" "$dir/stdout"; then
		why="${why:+$why; }stdout differs"
	fi
	if [ -f "$dir/stderr" ] && ! cmp -s "$tmp/err" "$dir/stderr"; then
		why="${why:+$why; }stderr differs"
	fi
	if [ -z "$why" ]; then
		echo "ok cli/$name"
	else
		echo "not ok cli/$name: $why"
		diff -u "$dir/stdout" "$tmp/out" | head -n 20
		[ -f "$dir/stderr" ] && diff -u "$dir/stderr" "$tmp/err" | head -n 10
	fi
done

#!/bin/sh
# Failure suite: inputs npcheck must reject, with their exact diagnostics.
# For each tests/fail/NAME.yaml runs `$NPCHECK lint --color never tests/fail/NAME.yaml`
# and compares stdout with NAME.expected, stderr with NAME.stderr (the summary line;
# empty when there is no such file) and the exit status with the first line of
# NAME.status (default 1; 2 for input errors such as YAML syntax or a wrong type).
# Prints "ok fail/NAME" or "not ok fail/NAME: why" followed by a short diff; one line per
# case, never stops early.
# Environment: NPCHECK (binary under test, default ./npcheck).
set -u
: "${NPCHECK:=./npcheck}"

here=$(dirname "$0")
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
trap 'exit 130' INT TERM

found=0
for f in "$here"/fail/*.yaml; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .yaml)
	base=${f%.yaml}
	found=$((found + 1))
	if [ ! -f "$base.expected" ]; then
		echo "not ok fail/$name: missing $name.expected"
		continue
	fi
	want=1
	if [ -f "$base.status" ]; then
		want=$(sed -n 1p "$base.status")
	fi
	"$NPCHECK" lint --color never "$f" >"$out" 2>"$err" </dev/null
	st=$?
	if ! cmp -s "$base.expected" "$out"; then
		echo "not ok fail/$name: output differs from $name.expected (exit $st)"
		diff -u "$base.expected" "$out" | head -20
		[ -s "$err" ] && head -5 "$err" | sed 's/^/# stderr: /'
	elif ! if [ -f "$base.stderr" ]; then cmp -s "$base.stderr" "$err"; else [ ! -s "$err" ]; fi
	then
		echo "not ok fail/$name: stderr differs from $name.stderr (exit $st)"
		if [ -f "$base.stderr" ]; then
			diff -u "$base.stderr" "$err" | head -20
		else
			head -5 "$err" | sed 's/^/# stderr: /'
		fi
	elif [ "$st" != "$want" ]; then
		echo "not ok fail/$name: exit status $st, expected $want"
		head -5 "$err" | sed 's/^/# stderr: /'
	else
		echo "ok fail/$name"
	fi
done

if [ "$found" -eq 0 ]; then
	echo "not ok fail: no cases under $here/fail"
fi

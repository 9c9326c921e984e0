#!/bin/sh
# Compare `npcheck list` with netpol-analyzer's expected output on every peer case.
# A case passes when the normalized difference (tests/peer/compare.py) is empty, or is
# exactly the one recorded, with its reason, in tests/peer/known/CASE.diff: "# REASON"
# lines, "exclude ENDPOINT" lines (every differing line naming that endpoint is
# explained by the reason), and the remaining differing lines themselves.
set -u
peer=${PEER_DIR:-../shared/peer/netpol-analyzer}
if [ ! -d "$peer/cases" ]; then
	# ../shared sits beside the checkout in CI, where its absence is a failure; a
	# plain clone elsewhere has no peer data to compare with.
	if [ "${CI:-}" = true ]; then
		echo "not ok peer: $peer not found"
	else
		echo "ok peer # SKIP $peer not found"
	fi
	exit 0
fi
tmp=$(mktemp -d)

# Does the difference, less the lines naming an excluded endpoint, equal the recorded
# lines? An exclusion that explains nothing is an error too.
known_matches() {
	sed -n 's/^exclude //p' "$1" >"$tmp/excl"
	: >"$tmp/pat"
	while IFS= read -r e; do
		printf '%s =>\n=> %s :\n' "$e" "$e" >>"$tmp/pat"
		grep -qF -e "$e =>" -e "=> $e :" "$2" || return 1
	done <"$tmp/excl"
	if [ -s "$tmp/pat" ]; then
		grep -vF -f "$tmp/pat" "$2" >"$tmp/rest"
	else
		cp "$2" "$tmp/rest"
	fi
	grep -v '^#\|^exclude ' "$1" | cmp -s - "$tmp/rest"
}
trap 'rm -rf "$tmp"' EXIT
agree=0
total=0
for dir in "$peer"/cases/*/; do
	name=$(basename "$dir")
	exp="$peer/expected/list/$name.txt"
	[ -f "$exp" ] || continue
	total=$((total + 1))
	"$NPCHECK" list "$dir" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "not ok peer/$name: exit $st: $(head -n 3 "$tmp/err")"
		continue
	fi
	python3 tests/peer/compare.py "$exp" "$tmp/out" >"$tmp/diff"
	known=tests/peer/known/$name.diff
	if [ ! -s "$tmp/diff" ]; then
		agree=$((agree + 1))
		if [ -f "$known" ]; then
			echo "not ok peer/$name: agrees now; remove $known"
		else
			echo "ok peer/$name"
		fi
	elif [ -f "$known" ] && known_matches "$known" "$tmp/diff"; then
		echo "ok peer/$name (known difference: $(sed -n 's/^# //p' "$known" | head -n 1))"
	else
		echo "not ok peer/$name: $(wc -l <"$tmp/diff") differing lines"
		head -n 20 "$tmp/diff"
	fi
done
echo "# peer agreement: $agree of $total cases identical"

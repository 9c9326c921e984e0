#!/bin/sh
# Compare `npcheck list --exposure` with netpol-analyzer's expected output on its 55
# exposure cases. A case passes when the normalized difference
# (tests/peer/compare_exposure.py: the layout checked, external ranges compared however
# they are cut) is empty, or is exactly the one recorded with its reason in
# tests/peer/known-exposure/CASE.diff ("# REASON" lines, then the differing lines).
set -u
peer=${PEER_DIR:-../shared/peer/netpol-analyzer}/exposure
if [ ! -d "$peer/cases" ]; then
	if [ "${CI:-}" = true ]; then
		echo "not ok peer-exposure: $peer not found"
	else
		echo "ok peer-exposure # SKIP $peer not found"
	fi
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
agree=0
same=0
known=0
total=0
for dir in "$peer"/cases/*/; do
	name=$(basename "$dir")
	exp="$peer/expected/$name.txt"
	[ -f "$exp" ] || continue
	total=$((total + 1))
	k=tests/peer/known-exposure/$name.diff
	"$NPCHECK" list --exposure "$dir" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "not ok peer-exposure/$name: exit $st: $(head -n 3 "$tmp/err")"
		continue
	fi
	python3 tests/peer/compare_exposure.py "$exp" "$tmp/out" >"$tmp/diff"
	if [ ! -s "$tmp/diff" ]; then
		agree=$((agree + 1))
		cmp -s "$exp" "$tmp/out" && same=$((same + 1))
		if [ -f "$k" ]; then
			echo "not ok peer-exposure/$name: agrees now; remove $k"
		else
			echo "ok peer-exposure/$name"
		fi
	elif [ -f "$k" ] && grep -v '^#' "$k" | cmp -s - "$tmp/diff"; then
		known=$((known + 1))
		echo "ok peer-exposure/$name (known difference: $(sed -n 's/^# //p' "$k" | head -n 1))"
	else
		echo "not ok peer-exposure/$name: $(wc -l <"$tmp/diff") differing lines"
		head -n 20 "$tmp/diff"
	fi
done
# A known difference whose case is gone explains nothing.
for k in tests/peer/known-exposure/*.diff; do
	[ -f "$k" ] || continue
	[ -d "$peer/cases/$(basename "$k" .diff)" ] || echo "not ok peer-exposure: $k names no case"
done
echo "# peer exposure agreement: $agree of $total cases agree ($same byte for byte); $known differ as recorded"

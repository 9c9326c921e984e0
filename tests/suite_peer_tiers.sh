#!/bin/sh
# Compare `npcheck list` with netpol-analyzer's expected output on its policy-tier cases
# (AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha1). As in suite_peer.sh, a
# case passes when the normalized difference (tests/peer/compare.py) is empty, or is
# exactly the one recorded with its reason in tests/peer/known-tiers/CASE.diff ("# REASON"
# lines, then the differing lines); the reasons are netpol-analyzer's departures from the
# specification that TIERS.md §8 lists, and the CRD validation it does not enforce. A
# known file with the line "fill" compares a copy of the case in which the `pods`
# selectors the CRD requires are filled in as netpol-analyzer assumes them
# (tests/peer/tiers_fill.py), so the tier semantics are still compared; the lines after it
# are what differs even then.
set -u
peer=${PEER_DIR:-../shared/peer/netpol-analyzer}/tiers
if [ ! -d "$peer/cases" ]; then
	if [ "${CI:-}" = true ]; then
		echo "not ok peer-tiers: $peer not found"
	else
		echo "ok peer-tiers # SKIP $peer not found"
	fi
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
agree=0
known=0
filled=0
total=0
for dir in "$peer"/cases/*/; do
	name=$(basename "$dir")
	exp="$peer/expected/$name.txt"
	[ -f "$exp" ] || continue
	total=$((total + 1))
	k=tests/peer/known-tiers/$name.diff
	fill=false
	if [ -f "$k" ] && grep -qx fill "$k"; then
		fill=true
		rm -rf "$tmp/case"
		python3 tests/peer/tiers_fill.py "$dir" "$tmp/case"
		dir=$tmp/case
	fi
	"$NPCHECK" list "$dir" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "not ok peer-tiers/$name: exit $st: $(head -n 3 "$tmp/err")"
		continue
	fi
	python3 tests/peer/compare.py "$exp" "$tmp/out" >"$tmp/diff"
	if [ ! -s "$tmp/diff" ] && $fill; then
		filled=$((filled + 1))
		if [ "$(grep -vc '^#\|^fill$' "$k")" -ne 0 ]; then
			echo "not ok peer-tiers/$name: agrees once filled in; remove the other lines of $k"
		else
			echo "ok peer-tiers/$name (once filled in: $(sed -n 's/^# //p' "$k" | head -n 1))"
		fi
	elif [ ! -s "$tmp/diff" ]; then
		agree=$((agree + 1))
		if [ -f "$k" ]; then
			echo "not ok peer-tiers/$name: agrees now; remove $k"
		else
			echo "ok peer-tiers/$name"
		fi
	elif [ -f "$k" ] && grep -v '^#\|^fill$' "$k" | cmp -s - "$tmp/diff"; then
		known=$((known + 1))
		echo "ok peer-tiers/$name (known difference: $(sed -n 's/^# //p' "$k" | head -n 1))"
	else
		echo "not ok peer-tiers/$name: $(wc -l <"$tmp/diff") differing lines"
		head -n 20 "$tmp/diff"
	fi
done
echo "# peer tier agreement: $agree of $total cases identical; $filled more identical once the pods selectors the CRD requires are filled in; $known differ as recorded"

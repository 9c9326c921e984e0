#!/bin/sh
# --focus against the whole answer: for every endpoint of every example, `list --focus`
# and `matrix -o csv --focus` (both directions, ingress, egress) must print exactly the
# lines of the unfocused output that touch it, in the same order. The focused commands
# skip the pairs they leave out; this checks that they skip no pair they keep.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NO_COLOR=1
export NO_COLOR

# The lines of a list (sep " => ", then " : ") or csv (sep ",") output that touch
# endpoint $2 in direction $3 (both, ingress, egress); the csv header is kept.
touching() {
	awk -v e="$2" -v dir="$3" -v fmt="$1" '
		# The next field of rest, quoted ("...", "" for a quote) or not.
		function field(   v, i) {
			if (substr(rest, 1, 1) != "\"") {
				i = index(rest, ",")
				v = substr(rest, 1, i - 1)
				rest = substr(rest, i + 1)
				return v
			}
			v = ""
			rest = substr(rest, 2)
			while ((i = index(rest, "\"")) > 0) {
				v = v substr(rest, 1, i - 1)
				rest = substr(rest, i + 1)
				if (substr(rest, 1, 1) != "\"")
					break
				v = v "\""
				rest = substr(rest, 2)
			}
			rest = substr(rest, 2)
			return v
		}
		fmt == "csv" && NR == 1 { if (dir != "names") print; next }
		{
			if (fmt == "csv") {
				rest = $0
				src = field(); dst = field()
			} else {
				i = index($0, " => ")
				src = substr($0, 1, i - 1)
				rest = substr($0, i + 4)
				dst = substr(rest, 1, index(rest, " : ") - 1)
			}
			if (dir == "names")
				print src
			else if ((dir != "ingress" && src == e) || (dir != "egress" && dst == e))
				print
		}'
}

for dir in examples/*/; do
	ex=$(basename "$dir")
	"$NPCHECK" list "$dir" >"$tmp/list" 2>/dev/null
	"$NPCHECK" matrix -o csv --max-rows 100000000 "$dir" >"$tmp/csv" 2>/dev/null
	# Every endpoint (not an external range) named in the table.
	touching csv "" names <"$tmp/csv" | sort -u >"$tmp/eps"
	if [ ! -s "$tmp/eps" ]; then
		echo "not ok focus/$ex: no endpoint in the matrix"
		continue
	fi
	bad=""
	n=0
	while IFS= read -r e; do
		for d in both ingress egress; do
			opt=""
			[ "$d" = both ] || opt="--focus-direction $d"
			touching text "$e" "$d" <"$tmp/list" >"$tmp/want"
			# shellcheck disable=SC2086
			"$NPCHECK" list --focus "$e" $opt "$dir" >"$tmp/got" 2>"$tmp/err"
			cmp -s "$tmp/want" "$tmp/got" || bad="$bad list:$e:$d"
			touching csv "$e" "$d" <"$tmp/csv" >"$tmp/want"
			# shellcheck disable=SC2086
			"$NPCHECK" matrix -o csv --focus "$e" $opt "$dir" >"$tmp/got" 2>"$tmp/err"
			cmp -s "$tmp/want" "$tmp/got" || bad="$bad matrix:$e:$d"
			n=$((n + 2))
		done
	done <"$tmp/eps"
	if [ -z "$bad" ]; then
		echo "ok focus/$ex ($n comparisons)"
	else
		echo "not ok focus/$ex: differs for$bad"
	fi
done

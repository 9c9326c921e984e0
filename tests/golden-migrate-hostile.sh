#!/bin/sh
# One-off: the committed inputs of tests/suite_hostile.sh become golden cases of
# tests/golden.sh (git mv), tests/hostile/NAME/{NAME.yaml,args,stdout,stderr,status}.
# The old suite checked properties, not bytes: the outputs are recorded from ./npcheck,
# and this script stops unless they hold what the old suite checked: the exit status
# among those allowed; for exit 2 a FILE:LINE:COL: diagnostic naming the input; no line
# or column 0; for the marked inputs, a diagnostic on each line holding "# <-".
set -eu
cd "$(dirname "$0")/.."
: "${NPCHECK:=./npcheck}"
h=tests/hostile

# hcase NAME CMD ALLOWED INPUT [marked]: a case running `npcheck CMD INPUT`; INPUT is
# moved into the case directory unless it is in another case's already.
hcase() {
	name=$1 cmd=$2 allowed=$3 in=$4 marked=${5:-}
	dir=$h/$name
	mkdir -p "$dir"
	if [ -f "${in%/*}/args" ]; then
		file=$in
	else
		file=$dir/${in##*/}
		git mv "$in" "$file"
	fi
	echo "$cmd $file" >"$dir/args"
	set +e
	NO_COLOR=1 "$NPCHECK" $cmd "$file" >"$dir/stdout" 2>"$dir/stderr" </dev/null
	st=$?
	set -e
	echo "$st" >"$dir/status"
	all=$(cat "$dir/stdout" "$dir/stderr")
	printf '|%s|' "$allowed" | grep -q "|$st|" || { echo "$name: exit $st, not $allowed"; exit 1; }
	if printf '%s\n' "$all" | grep -q -E '^[^ ]*:(0:[0-9]+|[0-9]+:0): '; then
		echo "$name: a diagnostic at line or column 0"; exit 1
	fi
	if [ "$st" -eq 2 ] && ! printf '%s\n' "$all" |
		grep -q -E "^$file:[1-9][0-9]*:[1-9][0-9]*: (error|warning|info): "; then
		echo "$name: exit 2 without a positioned diagnostic"; exit 1
	fi
	if [ "$marked" = marked ]; then
		for l in $(grep -n '# <-' "$file" | cut -d: -f1); do
			printf '%s\n' "$all" | grep -q -F "$file:$l:" ||
				{ echo "$name: no diagnostic at line $l"; exit 1; }
		done
	fi
	git add "$dir"
}

hcase alias-bomb lint 2 $h/alias-bomb.yaml
hcase list-alias-bomb list 2 $h/alias-bomb/alias-bomb.yaml
hcase alias-bomb-policy lint 2 $h/alias-bomb-policy.yaml
hcase alias-list-items lint "0|1" $h/alias-list-items.yaml
hcase list-alias-list-items list 0 $h/alias-list-items/alias-list-items.yaml
hcase list-policy lint "0|1" $h/list-policy.yaml
hcase unknown-alias lint 2 $h/unknown-alias.yaml
hcase truncated-quote lint 2 $h/truncated-quote.yaml
hcase truncated-flow lint 2 $h/truncated-flow.yaml
hcase truncated-json lint 2 $h/truncated.json
hcase duplicate-keys lint 2 $h/duplicate-keys.yaml marked
for f in $h/types/*.yaml; do
	n=${f##*/}
	hcase "types-${n%.yaml}" lint 2 "$f" marked
done
rmdir $h/types

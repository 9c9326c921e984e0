#!/bin/sh
# The examples' READMEs against their golden cases. Each example's commands are golden
# cases, examples/DIR/expected/NAME/{args,stdout,stderr,status}, run by tests/golden.sh
# like every other suite; this checks the rest: each example has at least
# expected/lint/ and expected/list/; in its README, every command line "    npcheck ARGS"
# or "$ npcheck ARGS" must be one of its cases' args (compared without "--color
# never"), and a fenced block that starts with "$ npcheck ARGS" must hold exactly that
# command's expected stdout. The top-level README.md may quote the output of any
# example's command, exactly too.
# Prints one line per case, "ok NAME" or "not ok NAME: why" and a short diff.
cd "$(dirname "$0")/.." || exit 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NO_COLOR=1
export NO_COLOR

# Each fenced block of a Markdown file that starts with "$ npcheck ARGS", as
# $tmp/block.N: that line, then the output quoted.
blocks() {
	rm -f "$tmp"/block.*
	awk -v out="$tmp/block" '
		/^```/ { if (f) { close(f); f = "" } else fence = 1; next }
		fence && /^\$ npcheck / { n++; f = out "." n; print > f; fence = 0; next }
		{ fence = 0 }
		f { print > f }
	' "$1"
}

# The arguments of a command as README shows them: without "--color never".
norm() {
	sed 's/ --color never / /; s/ --color never$//; s/^--color never //'
}

for dir in examples/*/; do
	dir=${dir%/}
	ex=$(basename "$dir")
	exp=$dir/expected
	for need in lint list; do
		if [ -f "$exp/$need/args" ]; then
			echo "ok examples/$ex/has-$need"
		else
			echo "not ok examples/$ex/has-$need: $exp/$need/args is missing"
		fi
	done
	: >"$tmp/cmds"
	for cmd in "$exp"/*/args; do
		[ -f "$cmd" ] || continue
		name=$(basename "$(dirname "$cmd")")
		args=$(cat "$cmd")
		printf '%s\t%s\n' "$(printf '%s\n' "$args" | norm)" "$name" >>"$tmp/cmds"
		printf '%s\t%s\n' "$(printf '%s\n' "$args" | norm)" "$exp/$name" >>"$tmp/allcmds"
	done

	# The README: its commands are the expected ones, its quoted outputs exact.
	readme=$dir/README.md
	if [ ! -f "$readme" ]; then
		echo "not ok examples/$ex/readme: README.md is missing"
		continue
	fi
	sed -n 's/^    \$\{0,1\} \{0,1\}npcheck \(.*\)/\1/p; s/^\$ npcheck \(.*\)/\1/p' "$readme" |
		norm | sort -u >"$tmp/used"
	bad=""
	while IFS= read -r line; do
		awk -F '\t' -v a="$line" '$1 == a { found = 1 } END { exit !found }' "$tmp/cmds" ||
			bad="$bad
  npcheck $line"
	done <"$tmp/used"
	if [ -n "$bad" ]; then
		echo "not ok examples/$ex/readme-commands: README runs commands without expected output:$bad"
	else
		echo "ok examples/$ex/readme-commands"
	fi
	# Each fenced block that starts with "$ npcheck ARGS", as a file of its own.
	blocks "$readme"
	nblocks=0
	bad=""
	for b in "$tmp"/block.*; do
		[ -f "$b" ] || continue
		nblocks=$((nblocks + 1))
		args=$(head -n 1 "$b" | sed 's/^\$ npcheck //' | norm)
		name=$(awk -F '\t' -v a="$args" '$1 == a { print $2; exit }' "$tmp/cmds")
		if [ -z "$name" ]; then
			bad="$bad
  \$ npcheck $args: no expected output"
		elif ! tail -n +2 "$b" | cmp -s - "$exp/$name/stdout"; then
			bad="$bad
  \$ npcheck $args: differs from $exp/$name/stdout
$(tail -n +2 "$b" | diff "$exp/$name/stdout" - | head -n 10)"
		fi
	done
	if [ -n "$bad" ]; then
		echo "not ok examples/$ex/readme-outputs:$bad"
	else
		echo "ok examples/$ex/readme-outputs ($nblocks quoted)"
	fi
done

# The top-level README quotes outputs of the examples' commands.
blocks README.md
nblocks=0
bad=""
for b in "$tmp"/block.*; do
	[ -f "$b" ] || continue
	nblocks=$((nblocks + 1))
	args=$(head -n 1 "$b" | sed 's/^\$ npcheck //' | norm)
	out=$(awk -F '\t' -v a="$args" '$1 == a { print $2; exit }' "$tmp/allcmds")
	if [ -z "$out" ]; then
		bad="$bad
  \$ npcheck $args: no example has this command in expected/"
	elif ! tail -n +2 "$b" | cmp -s - "$out/stdout"; then
		bad="$bad
  \$ npcheck $args: differs from $out/stdout
$(tail -n +2 "$b" | diff "$out/stdout" - | head -n 10)"
	fi
done
if [ -n "$bad" ]; then
	echo "not ok README.md/outputs:$bad"
else
	echo "ok README.md/outputs ($nblocks quoted)"
fi

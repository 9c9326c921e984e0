#!/bin/sh
# The golden-case runner: every golden suite's cases, one layout, one loop.
#
# A case is a directory tests/SUITE/NAME/ holding an `args` file (the examples' commands,
# examples/EXAMPLE/expected/NAME/, are cases of the same layout, named examples/EXAMPLE/NAME):
#   args      the npcheck command line, one line: the arguments after `npcheck`, split
#             at blanks (no quoting, no globbing). Paths in it are relative to the
#             repository root, where the runner runs npcheck.
#   stdout    what npcheck must print on stdout, byte for byte
#   stderr    what npcheck must print on stderr, byte for byte (empty file: nothing)
#   status    the exit status npcheck must return (one line)
# and its inputs (manifests, configuration), or, when several cases read one input, the
# path of a sibling directory of the suite (tests/formats/input, tests/diff/NAME/old).
# Optional, the same name in every suite:
#   stdout.sed  a sed script applied to the actual stdout before it is compared, for
#               bytes that depend on where the checkout is (the SARIF %SRCROOT%)
#   needs       commands the case needs, one a line: a missing one skips the case
# npcheck runs with NO_COLOR=1 and stdin from /dev/null.
#
# Usage: tests/golden.sh [SUITE | CASE_DIRECTORY]...  (default: every tests/*/*/args and
# examples/*/expected/*/args; the suite `examples` is all of the latter)
# Prints "ok SUITE/NAME", "not ok SUITE/NAME: why" followed by a short diff, or
# "ok SUITE/NAME # skip why"; one line per case, never stops early.
# UPDATE=1 writes the actual stdout, stderr and status into each case instead of
# comparing: for a human to review with `git diff` (no make target sets it).
# Environment: NPCHECK (binary under test, default ./npcheck); GOLDEN_TIMEOUT (seconds
# a case may run, default 60, 180 for a sanitized or valgrind binary: one past it fails
# as timed out); GOLDEN_MEMCAP_KB (`ulimit -v` of each run, default 4 GiB, none for a
# sanitized or valgrind binary, whose address space is not the program's; 0: none).
# The hostile cases are inputs crafted to blow up time or memory: these limits turn a
# hang or a blow-up into a failing case instead of a stuck run.
set -u
set -f
: "${NPCHECK:=./npcheck}"
# A relative binary is relative to where the runner was started, not to the root.
case $NPCHECK in */*) [ "${NPCHECK#/}" != "$NPCHECK" ] || NPCHECK=$(pwd)/$NPCHECK ;; esac
cd "$(dirname "$0")/.." || exit 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if grep -q -e __asan_init -e __ubsan_handle -e valgrind "$NPCHECK" 2>/dev/null; then
	: "${GOLDEN_TIMEOUT:=180}" "${GOLDEN_MEMCAP_KB:=0}"
else
	: "${GOLDEN_TIMEOUT:=60}" "${GOLDEN_MEMCAP_KB:=4194304}"
fi
# timeout(1) when there is one (coreutils); without it, no time limit.
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout -k 5 $GOLDEN_TIMEOUT"
trap 'exit 130' INT TERM

# case_dirs [SUITE | DIRECTORY]...: the case directories, one a line, sorted.
case_dirs() {
	set +f
	if [ $# -eq 0 ]; then
		set -- tests/*/*/args examples/*/expected/*/args
	else
		for a in "$@"; do
			a=${a%/}
			a=${a#tests/}
			if [ "$a" = examples ]; then
				set -- "$@" examples/*/expected/*/args
			elif [ -f "$a/args" ] && [ "${a#examples/}" != "$a" ]; then
				set -- "$@" "$a/args"
			elif [ -f "tests/$a/args" ]; then
				set -- "$@" "tests/$a/args"
			else
				set -- "$@" tests/"$a"/*/args
			fi
			shift
		done
	fi
	for f in "$@"; do
		if [ -f "$f" ]; then
			echo "${f%/args}"
		elif [ "$f" != "tests/*/*/args" ] && [ "$f" != "examples/*/expected/*/args" ]; then
			f=${f%/\*/args}
			echo "not ok ${f#tests/}: no case" >&2
		fi
	done
	set -f
}

# missing DIR: the first command of DIR/needs not found here, if any.
missing() {
	[ -f "$1/needs" ] || return 1
	while read -r c; do
		[ -n "$c" ] || continue
		command -v "$c" >/dev/null 2>&1 || { echo "$c"; return 0; }
	done <"$1/needs"
	return 1
}

# run_case DIR: run one case, print its line.
run_case() {
	dir=$1
	id=${dir#tests/}
	case $id in examples/*/expected/*) id=${id%%/expected/*}/${id##*/} ;; esac
	if c=$(missing "$dir"); then
		echo "ok $id # skip $c not found"
		return
	fi
	# shellcheck disable=SC2046 # args is split at blanks on purpose
	(
		if [ "$GOLDEN_MEMCAP_KB" -gt 0 ]; then
			ulimit -v "$GOLDEN_MEMCAP_KB" || exit 125
		fi
		# shellcheck disable=SC2086 # $limit is a command and its options, or nothing
		NO_COLOR=1 exec $limit "$NPCHECK" $(cat "$dir/args")
	) >"$tmp/raw" 2>"$tmp/err" </dev/null
	st=$?
	if [ -n "$limit" ] && [ "$st" -eq 124 ]; then
		echo "not ok $id: timed out after $GOLDEN_TIMEOUT s"
		return
	fi
	if [ -f "$dir/stdout.sed" ]; then
		sed -f "$dir/stdout.sed" "$tmp/raw" >"$tmp/out"
	else
		cp "$tmp/raw" "$tmp/out"
	fi
	if [ -n "${UPDATE:-}" ]; then
		cp "$tmp/out" "$dir/stdout"
		cp "$tmp/err" "$dir/stderr"
		echo "$st" >"$dir/status"
	fi
	why=""
	for f in stdout stderr status; do
		[ -f "$dir/$f" ] || why="${why:+$why; }no $f file"
	done
	if [ -n "$why" ]; then
		echo "not ok $id: $why"
		return
	fi
	want=$(sed -n 1p "$dir/status")
	[ "$st" = "$want" ] || why="exit $st, want $want"
	cmp -s "$tmp/out" "$dir/stdout" || why="${why:+$why; }stdout differs"
	cmp -s "$tmp/err" "$dir/stderr" || why="${why:+$why; }stderr differs"
	if [ -z "$why" ]; then
		echo "ok $id"
		return
	fi
	echo "not ok $id: $why"
	diff -u "$dir/stdout" "$tmp/out" | head -n 20
	diff -u "$dir/stderr" "$tmp/err" | head -n 10
}

n=0
for dir in $(case_dirs "$@" 2>"$tmp/none"); do
	run_case "$dir"
	n=$((n + 1))
done
cat "$tmp/none"
# No case at all is a broken tree, not a pass.
[ "$n" -gt 0 ] || echo "not ok golden: no case found"
exit 0

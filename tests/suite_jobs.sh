#!/bin/sh
# Analysis on several threads (-j: lint's solver builds its policies on threads,
# src/solver.c) must change nothing but speed. Every example, the lint cases and the
# conformance tables as directories, and generated clusters of the two pod shapes
# (bench/gen_cluster.c, compiled here) are linted with one thread (-j 1) and with 2 and 4,
# every policy a block of its own (NPCHECK_TEST_POLICY_BLOCK=1, so that even a small
# input is shared out among the threads): standard output, standard error and exit status
# must be equal, in text and in JSON.
# Prints "ok jobs/NAME" or "not ok jobs/NAME: why" and a short diff.
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/npcheck-jobs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
NO_COLOR=1
export NO_COLOR

# same NAME ARGS...: lint ARGS with -j 1, then with -j 2 and -j 4; compare.
same() {
	name=$1
	shift
	"$NPCHECK" -j 1 lint "$@" >"$tmp/out1" 2>"$tmp/err1"
	st1=$?
	if [ "$st1" -ge 3 ]; then
		echo "not ok jobs/$name: npcheck -j 1 exited $st1"
		head -n 5 "$tmp/err1"
		return
	fi
	for j in 2 4; do
		NPCHECK_TEST_POLICY_BLOCK=1 "$NPCHECK" -j "$j" lint "$@" >"$tmp/outN" 2>"$tmp/errN"
		stN=$?
		if [ "$st1" != "$stN" ]; then
			echo "not ok jobs/$name: exit $st1 with one thread, $stN with $j"
		elif ! cmp -s "$tmp/out1" "$tmp/outN"; then
			echo "not ok jobs/$name: stdout differs with -j $j"
			diff "$tmp/out1" "$tmp/outN" | head -n 10
		elif ! cmp -s "$tmp/err1" "$tmp/errN"; then
			echo "not ok jobs/$name: stderr differs with -j $j"
			diff "$tmp/err1" "$tmp/errN" | head -n 10
		else
			continue
		fi
		return
	done
	echo "ok jobs/$name"
}

for d in examples/*/; do
	d=${d%/}
	[ -d "$d" ] || continue
	same "$d" "$d"
	same "$d/json" -o json "$d"
done
same "tests/lint" -o json tests/lint
same "tests/conformance" -o json tests/conformance

# Generated clusters: many namespaces, policies repeating selectors, DNS egress to every
# namespace (a peer matching endpoints across the cluster).
if ${CC:-cc} -std=c11 -O1 -o "$tmp/gen_cluster" bench/gen_cluster.c -lm 2>"$tmp/cc.err"; then
	for shape in P D; do
		"$tmp/gen_cluster" -$shape -o "$tmp/gen-$shape.yaml" 400 2>/dev/null
		same "gen-$shape" "$tmp/gen-$shape.yaml"
		same "gen-$shape/json" -o json "$tmp/gen-$shape.yaml"
	done
	"$tmp/gen_cluster" -o "$tmp/gen-deploy.yaml" 500 2>/dev/null
	same "gen-deploy/json" -o json "$tmp/gen-deploy.yaml"
else
	echo "ok jobs/generated # skip bench/gen_cluster.c does not compile here"
fi

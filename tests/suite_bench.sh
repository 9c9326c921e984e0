#!/bin/sh
# The benchmark driver (bench/run.sh, what `make bench` runs) on tiny generated clusters of
# the three shapes: it must finish, print a row for every command, and fill the columns
# the README's performance tables are read from: wall/pa and cpu/pa from runs paired with
# parse-only (never 0, the note gives the pairs' range), and, where valgrind can run the
# binary, ins/pa from callgrind's instruction counts (parse-only's is 1.00 by definition).
# Prints "ok bench/NAME" or "not ok bench/NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/npcheck-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

CC=${CC:-cc}
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1"
yaml_cflags=$(pkg-config --cflags yaml-0.1 2>/dev/null)
yaml_libs=$(pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
# shellcheck disable=SC2086 # flags are words
if ! $CC $flags -o "$tmp/gen_cluster" bench/gen_cluster.c -lm 2>"$tmp/cc.err" ||
	! $CC $flags -o "$tmp/runstat" bench/runstat.c 2>>"$tmp/cc.err" ||
	! $CC $flags $yaml_cflags -o "$tmp/parse_only" bench/parse_only.c $yaml_libs 2>>"$tmp/cc.err"; then
	echo "ok bench/driver # skip the bench tools do not compile here: $(head -n 1 "$tmp/cc.err")"
	exit 0
fi
"$tmp/gen_cluster" -o "$tmp/cluster-60.yaml" 60 2>/dev/null
"$tmp/gen_cluster" -P -o "$tmp/pods-300.yaml" 300 2>/dev/null
"$tmp/gen_cluster" -D -o "$tmp/dump-300.yaml" 300 2>/dev/null

# Instructions only where callgrind runs this binary (not a sanitized one), and only on
# the pods file: callgrind is slow.
instr=0
if command -v valgrind >/dev/null 2>&1 &&
	valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$tmp/vg" \
		"$NPCHECK" --version >/dev/null 2>&1; then
	instr=$(wc -c <"$tmp/pods-300.yaml" | tr -d ' ')
fi

# run OUT INSTR_MAX SHAPES RUNS: the driver on the tiny clusters
run() {
	NPCHECK=$NPCHECK BENCH_DIR=$tmp BENCH_SIZES=60 BENCH_SHAPES="$3" \
		BENCH_PODS_SIZES=300 BENCH_DUMP_SIZES=300 BENCH_RUNS=$4 BENCH_LIST_SECONDS=2 \
		BENCH_MATRIX_SECONDS=1 BENCH_PAIRED=1 BENCH_INSTR_MAX=$2 \
		sh bench/run.sh >"$1" 2>"$tmp/err"
	st=$?
	if [ "$st" = 0 ]; then
		echo "ok bench/exit-$(echo "$3" | tr ' ' -)"
	else
		echo "not ok bench/exit-$(echo "$3" | tr ' ' -): bench/run.sh exited $st: $(head -n 3 "$tmp/err")"
	fi
	if cmp -s "$1" "$tmp/results.txt"; then
		echo "ok bench/results-file-$(echo "$3" | tr ' ' -)"
	else
		echo "not ok bench/results-file-$(echo "$3" | tr ' ' -): results.txt is not the table printed"
	fi
}

# check OUT INSTR SHAPES: the rows of a table
check() {
	awk -v instr="$2" -v shapes="$3" '
	/^#/ || NF == 0 || $1 == "size" { next }
	{
		rows++
		for (i = 1; i <= NF; i++) if ($i == "exit" || $i == "TIMEOUT" || $i == "FAILED:" || $i == "skipped:") break
		# Before the note: wall_s cpu_s runs rss_MiB in_MiB wall/pa cpu/pa ins/pa rss/in exp.
		note = i
		size = $1; label = ""; for (j = 2; j < note - 10; j++) label = label (label ? " " : "") $j
		wpa = $(note - 5); cpa = $(note - 4); ipa = $(note - 3)
		name = size "/" label
		if ($note == "FAILED:") { print "not ok bench/" name ": " $0; bad++; next }
		follows = label ~ /^(list|matrix)/ && size ~ /-/
		if (label != "parse-only" && !follows && $0 !~ /paired ratios: wall [0-9.]+–[0-9.]+, cpu [0-9.]+–[0-9.]+/) {
			print "not ok bench/" name ": no paired ratios in the note: " $0; bad++; next
		}
		if (wpa + 0 <= 0 || cpa + 0 <= 0) {
			print "not ok bench/" name ": wall/pa " wpa ", cpu/pa " cpa; bad++; next
		}
		if (label == "parse-only" && (wpa != "1.00" || cpa != "1.00")) {
			print "not ok bench/" name ": parse-only over itself is " wpa ", " cpa; bad++; next
		}
		counted = instr > 0 && label !~ /^(list|matrix|diff)/
		if (counted && (ipa + 0 < (label == "parse-only" ? 1 : 1.01) || ipa + 0 > 50 ||
				(label == "parse-only" && ipa != "1.00") || $0 !~ /[0-9]+ M instructions/)) {
			print "not ok bench/" name ": ins/pa " ipa " (instructions expected): " $0; bad++; next
		}
		if (!counted && ipa != "-") {
			print "not ok bench/" name ": ins/pa " ipa " where nothing was counted"; bad++; next
		}
		if (label ~ /^(lint|reach)/) seen[size "/" label] = 1
	}
	END {
		# Every shape: the lint and reach rows at least.
		n = split(shapes, sh, " ")
		for (s = 1; s <= n; s++) {
			sz = sh[s] == "deploy" ? "60" : sh[s] "-300"
			if (!((sz "/lint") in seen) || !((sz "/lint -j 1") in seen) || !((sz "/reach -j 1") in seen)) {
				print "not ok bench/rows-" sz ": lint, lint -j 1 or reach -j 1 missing"; bad++
			}
		}
		if (!bad) print "ok bench/rows-" (instr > 0 ? "counted" : "timed") " (" rows " rows)"
	}' "$1"
}

run "$tmp/timed" 0 "deploy pods dump" 2
check "$tmp/timed" 0 "deploy pods dump"
# list on the pod shapes: its rate is measured from its first line to its last (runstat
# -f), apart from the time it takes to exit after it.
awk '$1 ~ /^(pods|dump)-/ && $2 == "list" {
	n++
	if ($0 !~ /first line [0-9.]+ s/ ||
	    ($0 !~ /[0-9]+ lines\/s from it to the last/ &&
	     $0 !~ /the others in the same read of the pipe/) ||
	    $0 !~ /lines\/s to the exit, [0-9.-]+ s after the last line/) {
		print "not ok bench/list-rate: " $0; bad++
	}
}
END {
	if (!n) print "not ok bench/list-rate: no list row on the pod shapes"
	else if (!bad) print "ok bench/list-rate (" n " rows)"
}' "$tmp/timed"
if [ "$instr" -gt 0 ]; then
	run "$tmp/counted" "$instr" pods 2
	check "$tmp/counted" "$instr" pods
else
	echo "ok bench/rows-counted # skip valgrind cannot run $NPCHECK"
fi

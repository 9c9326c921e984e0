#!/bin/sh
# Scale benchmark driver: time npcheck's commands against the libyaml parse-only floor on
# generated clusters and print one table (see bench/README.md). Called by `make bench`.
#
# Environment (defaults in mk/bench.mk):
#   NPCHECK            the npcheck binary to measure
#   BENCH_DIR          where the tools were built and the clusters are written
#   BENCH_SIZES        workload counts, e.g. "1000 10000 50000"
#   BENCH_RUNS         runs per command for sizes <= BENCH_SMALL_MAX (best wall time kept)
#   BENCH_SMALL_MAX    larger sizes are run once
#   BENCH_REPEAT_MAX_S a run slower than this is not repeated
#   BENCH_LIST_MAX     largest size `list` is run at (its pairs can grow as n²)
#   BENCH_MATRIX_MAX   largest size `matrix` is run at (n² × ports rows of output)
#   BENCH_TIMEOUT      seconds before a command is killed and reported as a timeout
#   BENCH_SUFFIX       "" for cluster-N.yaml, ".list" for the `kind: List` form
#   BENCH_SHAPES       which shapes: deploy (cluster-N), pods (pods-N), dump (dump-N)
#   BENCH_PODS_SIZES   pod counts of the pods shape
#   BENCH_DUMP_SIZES   pod counts of the dump shape
#   BENCH_LIST_SECONDS on the pod shapes, `list` is stopped after this long (its lines/s
#                      is what is measured; the whole output can be n²)
#   BENCH_MATRIX_SECONDS the same for `matrix -o csv` on the pod shapes (one run)
#   BENCH_PAIRED       1: before each run of a command, parse-only runs once on the same
#                      file, and wall/pa and cpu/pa are the median of those pairs' ratios
#   BENCH_INSTR_MAX    inputs up to this many bytes also get each command's instructions
#                      counted once by callgrind (ins/pa); 0 turns it off
set -eu

: "${NPCHECK:?NPCHECK not set}" "${BENCH_DIR:?BENCH_DIR not set}"
SIZES=${BENCH_SIZES:-"1000 10000 50000"}
RUNS=${BENCH_RUNS:-3}
SMALL_MAX=${BENCH_SMALL_MAX:-10000}
REPEAT_MAX=${BENCH_REPEAT_MAX_S:-30}
LIST_MAX=${BENCH_LIST_MAX:-50000}
SHAPES=${BENCH_SHAPES:-deploy}
PODS_SIZES=${BENCH_PODS_SIZES:-}
DUMP_SIZES=${BENCH_DUMP_SIZES:-}
LIST_SECONDS=${BENCH_LIST_SECONDS:-20}
MATRIX_SECONDS=${BENCH_MATRIX_SECONDS:-5}
MATRIX_MAX=${BENCH_MATRIX_MAX:-10000}
TIMEOUT=${BENCH_TIMEOUT:-1800}
PAIRED=${BENCH_PAIRED:-1}
INSTR_MAX=${BENCH_INSTR_MAX:-0}
if [ "$INSTR_MAX" -gt 0 ] && ! command -v valgrind >/dev/null 2>&1; then
	echo "bench: valgrind not found: no instruction counts (BENCH_INSTR_MAX=0)" >&2
	INSTR_MAX=0
fi
RESULTS=$BENCH_DIR/results.txt
RUNSTAT=$BENCH_DIR/runstat

# Last measured (size, wall) per quadratic command, to estimate a skipped run.
list_n=0 list_wall=0 matrix_n=0 matrix_wall=0

tmp=$BENCH_DIR/.run.$$
trap 'rm -f "$tmp" "$tmp.err" "$tmp.prev" "$tmp.pa" "$tmp.vg"' EXIT INT TERM
: >"$tmp.prev"
: >"$RESULTS"

out() {
	printf '%s\n' "$*" | tee -a "$RESULTS"
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
out "# npcheck scale benchmark of $NPCHECK ($("$NPCHECK" --version 2>/dev/null | head -n 1))"
out "# working tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src include 2>/dev/null || echo ', src/ or include/ changed since')"
out "# ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
out "# input: $BENCH_DIR/cluster-N${BENCH_SUFFIX:-}.yaml (deploy: N workloads), pods-N.yaml, dump-N.yaml (N pods)"
out "# load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
out "# wall_s: best of the runs; cpu_s: user+sys of that run; rss: peak over the runs;"
out "# wall/pa, cpu/pa: over parse-only's of the same file$( [ "$PAIRED" = 1 ] && printf '%s' ' (median of the ratios of each run to a parse-only run just before it)'); rss/in: peak RSS / input size;"
out "# ins/pa: instructions over parse-only's, counted by callgrind (inputs up to $INSTR_MAX bytes; - otherwise)"
out "# exp: growth exponent of cpu_s against the shape's previous size, log(cpu ratio) /"
out "# log(input ratio): 1 is linear; list rows on the pod shapes are cut after"
out "# BENCH_LIST_SECONDS ($LIST_SECONDS s) and note their first line's time and lines/s"
out "$(printf '%-13s %-24s %8s %8s %4s %8s %8s %7s %7s %7s %6s %5s  %s' \
	size command wall_s cpu_s runs rss_MiB in_MiB wall/pa cpu/pa ins/pa rss/in exp 'exit / note')"

# row SIZE LABEL WALL CPU RUNS RSS_KIB NOTE (uses $bytes, $base, $base_cpu, $shape and
# $tmp.prev, the previous size's cpu time per shape and command, for the exponent; and
# $pr_wall, $pr_cpu, $pr_ins: the paired and counted ratios, or "-")
row() {
	key="$shape|$2" prev=""
	# A run stopped at its time limit (list on the pod shapes) has no growth to speak of.
	case $7 in
	*TIMEOUT*) ;;
	*)
		prev=$(awk -F'\t' -v k="$key" '$1 == k { p = $2 "\t" $3 } END { print p }' "$tmp.prev")
		[ "$3" != - ] && printf '%s\t%s\t%s\n' "$key" "$4" "$bytes" >>"$tmp.prev"
		;;
	esac
	out "$(awk -v n="$1" -v label="$2" -v wall="$3" -v cpu="$4" -v runs="$5" -v rss="$6" \
		-v bytes="$bytes" -v base="$base" -v base_cpu="$base_cpu" -v note="$7" \
		-v prev="$prev" -v pw="${pr_wall:--}" -v pc="${pr_cpu:--}" -v pi="${pr_ins:--}" 'BEGIN {
		if (wall == "-") {
			printf "%-13s %-24s %8s %8s %4s %8s %8s %7s %7s %7s %6s %5s  %s", n, label, "-", "-",
				"-", "-", sprintf("%.1f", bytes / 1048576), "-", "-", "-", "-", "-", note
			exit
		}
		if (base <= 0) { base = wall; base_cpu = cpu }
		e = "-"
		split(prev, pv, "\t")
		if (prev != "" && pv[1] > 0 && cpu > 0 && pv[2] > 0 && bytes != pv[2])
			e = sprintf("%.2f", log(cpu / pv[1]) / log(bytes / pv[2]))
		rw = pw != "-" ? pw : wall / base
		rc = pc != "-" ? pc : (base_cpu > 0 ? cpu / base_cpu : 0)
		ri = pi != "-" ? sprintf("%.2f", pi) : "-"
		printf "%-13s %-24s %8.3f %8.3f %4d %8.1f %8.1f %7.2f %7.2f %7s %6.2f %5s  %s", n, label,
			wall, cpu, runs, rss / 1024, bytes / 1048576, rw, rc, ri, rss * 1024 / bytes, e, note
	}')"
}

# instructions COMMAND...: the instructions callgrind counts for one run of it (all its
# threads), or nothing when it failed to say.
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$tmp.vg" \
		"$@" >/dev/null 2>&1 || true
	sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$tmp.vg" | tail -n 1
}

# median_range "R1 R2 ...": "MEDIAN MIN MAX" of the numbers
median_range() {
	# shellcheck disable=SC2086 # one number a word
	printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f", m, v[1], v[NR] }'
}

# measure SIZE LABEL OKSTATUSES COMMAND...: run it, keep the best wall time and peak RSS,
# and print a row. Sets $wall to the best wall time ("-" when it failed). With $pa_file
# set (and BENCH_PAIRED=1), parse-only runs on it before each run, for the ratios; with
# $count set (and the input small enough), callgrind counts the instructions of one run.
measure() {
	m_n=$1 m_label=$2 m_ok=$3
	shift 3
	runs=1
	[ "$n" -le "$SMALL_MAX" ] && runs=$RUNS
	[ -n "${m_runs:-}" ] && runs=$m_runs
	best="" best_cpu="" worst="" worst_cpu="" peak=0 status="" done=0
	ratios_w="" ratios_c="" pr_wall=- pr_cpu=- pr_ins=-
	while [ "$done" -lt "$runs" ]; do
		if [ "$PAIRED" = 1 ] && [ -n "${pa_file:-}" ] && [ -z "${follow:-}" ]; then
			"$RUNSTAT" -t "$TIMEOUT" -e "$tmp.err" "$BENCH_DIR/parse_only" "$pa_file" >"$tmp.pa"
			read -r pw pc _ <"$tmp.pa"
		fi
		"$RUNSTAT" ${follow:+-f} -t "${m_timeout:-$TIMEOUT}" -e "$tmp.err" "$@" >"$tmp"
		read -r w c r s f l la <"$tmp"
		done=$((done + 1))
		status=$s
		[ "$r" -gt "$peak" ] && peak=$r
		if [ "$PAIRED" = 1 ] && [ -n "${pa_file:-}" ] && [ -z "${follow:-}" ]; then
			ratios_w="$ratios_w $(awk -v a="$w" -v b="$pw" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')"
			ratios_c="$ratios_c $(awk -v a="$c" -v b="$pc" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')"
		fi
		if [ -z "$best" ] || awk -v a="$best" -v b="$w" 'BEGIN { exit !(b + 0 < a + 0) }'; then
			best=$w best_cpu=$c best_first=${f:-} best_lines=${l:-} best_last=${la:-}
		fi
		if [ -z "$worst" ] || awk -v a="$worst" -v b="$w" 'BEGIN { exit !(b + 0 > a + 0) }'; then
			worst=$w worst_cpu=$c
		fi
		case " $m_ok " in *" $s "*) ;; *) break ;; esac
		# A slow run is not repeated: its noise is small next to its length.
		if awk -v w="$w" -v m="$REPEAT_MAX" 'BEGIN { exit !(w > m) }'; then break; fi
	done
	note="exit $status"
	case " $m_ok " in
	*" $status "*) ;;
	*)
		note="FAILED: exit $status: $(head -c 200 "$tmp.err" | tr '\n' ' ')"
		;;
	esac
	if [ "$status" = timeout ]; then
		note="TIMEOUT after ${m_timeout:-$TIMEOUT}s (killed)"
	fi
	# The spread: a shared machine moves the times from run to run.
	if [ "$done" -gt 1 ]; then
		note="$note; $done runs: wall $best–$worst s, cpu of those $best_cpu–$worst_cpu s"
	fi
	if [ -n "$ratios_w" ]; then
		mr_w=$(median_range "$ratios_w") mr_c=$(median_range "$ratios_c")
		pr_wall=${mr_w%% *} pr_cpu=${mr_c%% *}
		lo_w=$(echo "$mr_w" | cut -d' ' -f2) hi_w=${mr_w##* }
		lo_c=$(echo "$mr_c" | cut -d' ' -f2) hi_c=${mr_c##* }
		[ "$done" -gt 1 ] && note="$note; paired ratios: wall $lo_w–$hi_w, cpu $lo_c–$hi_c"
	fi
	if [ -n "${count:-}" ] && [ -z "${follow:-}" ] && [ "$INSTR_MAX" -gt 0 ] &&
		[ "$bytes" -le "$INSTR_MAX" ]; then
		ins=$(instructions "$@")
		if [ -n "$ins" ]; then
			[ "$m_label" = parse-only ] && base_ins=$ins
			pr_ins=$(awk -v a="$ins" -v b="${base_ins:-0}" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "-" }')
			note="$note; $(awk -v a="$ins" 'BEGIN { printf "%.0f M instructions", a / 1e6 }')"
		fi
	fi
	if [ -n "${follow:-}" ]; then
		note="$note; first line $(awk -v f="$best_first" -v b="$base" 'BEGIN {
			printf "%.3f s (%.2f× parse-only)", f, (b > 0 ? f / b : 0) }'), $best_lines lines, $(awk -v l="$best_lines" -v la="$best_last" -v w="$best" -v f="$best_first" 'BEGIN {
			if (la > f)
				printf "%.0f lines/s from it to the last", (l - 1) / (la - f)
			else
				printf "the others in the same read of the pipe"
			printf " (%.0f lines/s to the exit, %.3f s after the last line)",
				(w > f ? (l - 1) / (w - f) : 0), w - la }')"
	fi
	wall=$best
	row "$m_n" "$m_label" "$best" "$best_cpu" "$done" "$peak" "$note"
}

# skipped SIZE LABEL PREV_N PREV_WALL WHY: a row for a command not run, with the estimate
# a quadratic cost gives from the last size measured.
skipped() {
	est=$(awk -v n="$1" -v pn="$3" -v pw="$4" 'BEGIN {
		if (pn > 0) printf "; n² from %d workloads (%.1f s) predicts >= %.0f s", pn, pw, pw * (n / pn) ^ 2
	}')
	row "$1" "$2" - - - - "skipped: $5$est"
}

# pod_shape SHAPE N: the pods or dump shape at N pods: every command, `list` followed
# through a pipe and cut after BENCH_LIST_SECONDS.
# shellcheck disable=SC2086 # $big is two words or none
pod_shape() {
	shape=$1 n=$2 flag=-P
	[ "$shape" = dump ] && flag=-D
	file=$BENCH_DIR/$shape-$n.yaml
	if [ ! -f "$file" ]; then
		echo "bench: $file missing (make bench generates it)" >&2
		exit 2
	fi
	bytes=$(wc -c <"$file" | tr -d ' ')
	label="$shape-$n"
	# The dump at the limits is above the default --max-input-size (256M).
	big=""
	[ "$bytes" -ge 268435456 ] && big="--max-input-size $((bytes / 1048576 + 1))M"
	base=0 base_cpu=0 base_ins=0 pa_file="" count=1
	measure "$label" parse-only 0 "$BENCH_DIR/parse_only" "$file"
	base=$wall base_cpu=$best_cpu pa_file=$file
	measure "$label" lint "0 1" "$NPCHECK" $big lint "$file"
	measure "$label" "lint -j 1" "0 1" "$NPCHECK" $big -j 1 lint "$file"
	follow=1 m_timeout=$LIST_SECONDS count=""
	# With its default threads (parsing on both cores), then on one.
	measure "$label" "list" "0 timeout" "$NPCHECK" $big list "$file"
	measure "$label" "list -j 1" "0 timeout" "$NPCHECK" $big -j 1 list "$file"
	follow="" m_timeout="" count=1
	# shellcheck disable=SC2046 # gen_cluster -r prints "SRC DST PORT"
	set -- $("$BENCH_DIR/gen_cluster" $flag -r "$n")
	measure "$label" "reach" "0 1" "$NPCHECK" $big reach "$1" "$2" -p "$3" "$file"
	measure "$label" "reach -j 1" "0 1" "$NPCHECK" $big -j 1 reach "$1" "$2" -p "$3" "$file"
	measure "$label" "explain --pod -j 1" 0 "$NPCHECK" $big -j 1 explain --pod "$1" "$file"
	measure "$label" "exposure -j 1" 0 "$NPCHECK" $big -j 1 exposure "$file"
	# The file against itself: both sides loaded, every candidate pair weighed, no row.
	# Its input is the file twice: in_MiB and rss/in count both.
	bytes=$((bytes * 2)) count=""
	measure "$label" "diff -j 1 (itself)" 0 "$NPCHECK" $big -j 1 diff "$file" "$file"
	bytes=$((bytes / 2))
	# n² × ports rows: only its first line and rate are measured, in one run.
	# Its clock starts after loading: BENCH_MATRIX_SECONDS past 3× parse-only's time.
	follow=1 m_runs=1
	m_timeout=$(awk -v b="$base" -v m="$MATRIX_SECONDS" 'BEGIN { printf "%d", m + 3 * b + 1 }')
	measure "$label" "matrix -j 1 -o csv" "0 timeout" "$NPCHECK" $big -j 1 matrix -o csv \
		--max-rows 100000000000 "$file"
	follow="" m_timeout="" m_runs="" pa_file=""
}

for sh in $SHAPES; do
	case $sh in
	deploy) ;;
	pods) for n in $PODS_SIZES; do pod_shape pods "$n"; done; continue ;;
	dump) for n in $DUMP_SIZES; do pod_shape dump "$n"; done; continue ;;
	*) echo "bench: unknown shape '$sh' (deploy, pods, dump)" >&2; exit 2 ;;
	esac
	shape=deploy
	for n in $SIZES; do
		file=$BENCH_DIR/cluster-$n${BENCH_SUFFIX:-}.yaml
		if [ ! -f "$file" ]; then
			echo "bench: $file missing (make bench generates it)" >&2
			exit 2
		fi
		bytes=$(wc -c <"$file" | tr -d ' ')
		base=0 base_cpu=0 base_ins=0 pa_file="" count=1
		measure "$n" parse-only 0 "$BENCH_DIR/parse_only" "$file"
		base=$wall base_cpu=$best_cpu pa_file=$file
		measure "$n" lint "0 1" "$NPCHECK" lint "$file"
		# One thread: what parsing in parts (-j, one part per CPU) gains, and the CPU it costs.
		measure "$n" "lint -j 1" "0 1" "$NPCHECK" -j 1 lint "$file"

		count="" # list and matrix follow their output: counted, they would measure it
		if [ "$n" -le "$LIST_MAX" ]; then
			measure "$n" list 0 "$NPCHECK" list "$file"
			[ "$wall" != - ] && list_n=$n list_wall=$wall
		else
			skipped "$n" list "$list_n" "$list_wall" \
				"above BENCH_LIST_MAX ($LIST_MAX): endpoint pairs can grow as n² ($(awk -v n="$n" 'BEGIN { printf "%.1e", n * n }')); BENCH_LIST_MAX=$n runs it"
		fi

		if [ "$n" -le "$MATRIX_MAX" ]; then
			measure "$n" "matrix -p 80,443 -o csv" 0 "$NPCHECK" matrix --port 80,443 --max-rows 100000000000 -o csv "$file"
			[ "$wall" != - ] && matrix_n=$n matrix_wall=$wall
		else
			skipped "$n" "matrix -p 80,443 -o csv" "$matrix_n" "$matrix_wall" \
				"above BENCH_MATRIX_MAX ($MATRIX_MAX): the CSV alone is n² × 2 ports = $(awk -v n="$n" 'BEGIN { printf "%.1e", 2 * n * n }') rows (~$(awk -v n="$n" 'BEGIN { printf "%.0f", 2 * n * n * 80 / 1e9 }') GB); BENCH_MATRIX_MAX=$n runs it"
		fi

		# shellcheck disable=SC2046 # gen_cluster -r prints "SRC DST PORT"
		set -- $("$BENCH_DIR/gen_cluster" -r "$n")
		count=1
		measure "$n" "reach ${1#*/} ${2#*/} -p $3" "0" "$NPCHECK" reach "$1" "$2" -p "$3" "$file"
		measure "$n" "reach -j 1" "0" "$NPCHECK" -j 1 reach "$1" "$2" -p "$3" "$file"
		measure "$n" exposure 0 "$NPCHECK" exposure "$file"
		bytes=$((bytes * 2)) count=""
		measure "$n" "diff (itself)" 0 "$NPCHECK" diff "$file" "$file"
		bytes=$((bytes / 2))
		pa_file=""
	done
done
out "# load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "bench: results in $RESULTS" >&2

#!/bin/sh
# Run libFuzzer targets (built by `make fuzz-build` into $FUZZ_DIR) for $FUZZ_SECONDS each.
# Corpora live in tests/fuzz/corpus/TARGET/ (not committed): seeded here from the
# repository's manifests (tests/**, examples/**) and the committed seeds in tests/fuzz/seeds/
# (fuzz_fold: tests/fuzz/seeds/fold/ only, bytes for its generator), then grown by
# libFuzzer. Prints one summary line per target and exits non-zero when any target
# crashed, leaked, timed out or ran out of memory (the input is in $FUZZ_DIR/artifacts/).
# Usage: tests/fuzz/run.sh TARGET...
set -u
: "${FUZZ_DIR:=build/fuzz}"
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_MAX_LEN:=65536}"
: "${FUZZ_RSS_MB:=2048}"
: "${FUZZ_TIMEOUT:=30}"
: "${FUZZ_ARGS:=}"

here=$(dirname "$0")
corpus_root="$here/corpus"
artifacts="$FUZZ_DIR/artifacts"
mkdir -p "$artifacts" "$FUZZ_DIR/logs"

# Copy each manifest under the name of its hash, so reseeding adds nothing twice.
seed_manifests() {
	dst=$1
	find tests examples -path "$corpus_root" -prune -o -type f \
		\( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -"${FUZZ_MAX_LEN}"c \
		-print 2>/dev/null |
	while IFS= read -r f; do
		h=$(sha1sum <"$f" | cut -c1-40)
		[ -f "$dst/$h" ] || cp "$f" "$dst/$h"
	done
	if [ -d "$here/seeds/yaml" ]; then
		for f in "$here"/seeds/yaml/*; do
			[ -f "$f" ] && cp "$f" "$dst/seed-${f##*/}"
		done
	fi
}

# fuzz_selector_cidr reads length-prefixed strings: write a few meaningful ones.
# seed NAME STRING... : each STRING is preceded by its length as one byte.
seed_strings() {
	dst=$1
	name=$2
	shift 2
	: >"$dst/seed-$name"
	for s in "$@"; do
		n=$(printf %s "$s" | wc -c)
		# shellcheck disable=SC2059
		printf "\\$(printf %o "$n")" >>"$dst/seed-$name"
		printf %s "$s" >>"$dst/seed-$name"
	done
}

seed_selector_cidr() {
	dst=$1
	# labels: count, key, value...; matchLabels: count, key, value...; exprs: count, ...
	seed_strings "$dst" labels "app" "web" "tier" "front" "app" "web"
	seed_strings "$dst" v4 "10.0.0.0/8" "192.168.1.1" "010.1.1.1" "1.2.3.4/32" "0.0.0.0/0"
	seed_strings "$dst" v6 "2001:db8::/32" "::ffff:10.1.2.3" "fe80::1%eth0" "::/0" \
		"2001:0db8:0000:0000:0000:ff00:0042:8329" "::ffff:0:0/96" "1::2:3:4:5:6:7"
	seed_strings "$dst" names "example.com/app" "kubernetes.io/metadata.name" "a-b.c" \
		"-bad" "UPPER" "x_y" "a/b/c" "app.kubernetes.io/name"
	cp "$here/seeds/selector_cidr/"* "$dst/" 2>/dev/null || true
}

# fuzz_glob reads a control byte, a pattern, NUL, a path: the patterns of the tests.
seed_glob() {
	dst=$1
	i=0
	for pair in 'charts/**/tests/**|charts/a/b/tests/c/d.yaml' 'vendor|vendor/x/y.yaml' \
		'*.gen.yaml|a/b/x.gen.yaml' 'tmp/file[0-9].yml|tmp/file7.yml' '**|a' \
		'[!a-c]*/\*?|d/*x' '*a*a*a*b|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' '**/x/**/y|x/a/y'; do
		printf '\001%s\000%s' "${pair%%|*}" "${pair#*|}" >"$dst/seed-$i"
		i=$((i + 1))
	done
}

# fuzz_fold reads bytes that drive its cluster generator, not YAML: only its own seeds.
seed_fold() {
	dst=$1
	for f in "$here"/seeds/fold/*; do
		[ -f "$f" ] && cp "$f" "$dst/seed-${f##*/}"
	done
}

fail=0
for t in "$@"; do
	bin="$FUZZ_DIR/$t"
	corpus="$corpus_root/$t"
	mkdir -p "$corpus"
	dict=
	case $t in
	fuzz_selector_cidr) seed_selector_cidr "$corpus" ;;
	fuzz_glob) seed_glob "$corpus" ;;
	fuzz_escape) seed_manifests "$corpus" ;;
	fuzz_fold) seed_fold "$corpus" ;;
	*) seed_manifests "$corpus"; dict="-dict=$here/yaml.dict" ;;
	esac
	log="$FUZZ_DIR/logs/$t.log"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$FUZZ_SECONDS" -max_len="$FUZZ_MAX_LEN" \
		-rss_limit_mb="$FUZZ_RSS_MB" -timeout="$FUZZ_TIMEOUT" -print_final_stats=1 \
		-artifact_prefix="$artifacts/$t-" $dict $FUZZ_ARGS "$corpus" >"$log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	# -fork=N prints no final stats: take the last status line's figures
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\):.*/\1/p' "$log" | tail -n 1)
	[ -n "$rate" ] || rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	files=$(find "$corpus" -type f | wc -l)
	bytes=$(du -sk "$corpus" | cut -f1)
	echo "$t: ${execs:-?} execs, ${rate:-?} exec/s, ${cov:-cov: ?}, corpus $files files (${bytes} KiB)"
	if [ "$st" -ne 0 ]; then
		fail=1
		echo "$t: FAILED (exit $st); log: $log"
		grep -E 'ERROR:|SUMMARY:|check failed|runtime error|Test unit written' "$log" | head -n 20
	fi
done
exit "$fail"

#!/bin/sh
# Hostile inputs (SPEC §6 robustness): no crash, hang, leak or sanitizer report on any
# input; aliases, deep nesting and huge scalars bounded; every input error positioned,
# exit 2. Small inputs are committed as golden cases of tests/golden.sh,
# tests/hostile/NAME/ (types-FIELD/ each hold one wrong type of a NetworkPolicy field, its
# line marked "# <-"), their output compared byte for byte; big ones are generated here
# into a temp dir. Each case here runs `npcheck lint` (and `npcheck list` on some) under
# a time limit and a memory cap and checks the exit status, a FILE:LINE:COL: diagnostic
# for errors (on the marked line when there is one), and that no sanitizer spoke.
# Prints "ok hostile/NAME", "ok hostile/NAME # skip why" or "not ok hostile/NAME: why".
# Environment:
#   NPCHECK              binary (or wrapper) under test, default ./npcheck
#   HOSTILE_TIMEOUT      seconds per run (default 20; tripled under ASan or valgrind)
#   HOSTILE_MEMCAP_KB    `ulimit -v` for each run (default 2 GiB; 0 = none; off under
#                        ASan, whose shadow memory needs terabytes of address space, and
#                        under valgrind)
#   HOSTILE_SKIP_HUGE=1  skip the inputs over 1 MiB, and those with quadratic-sized
#                        work in them (for valgrind)
set -u
: "${NPCHECK:=./npcheck}"
: "${HOSTILE_SKIP_HUGE:=}"

here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/hostile"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/npcheck-hostile.XXXXXX")
cleanup() {
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sanitized or instrumented binary? Then memory caps do not apply and time runs slower.
slow=
if [ -n "${SANITIZE:-}" ] || grep -q -e __asan_init -e __ubsan_handle "$NPCHECK" 2>/dev/null; then
	slow=asan
elif grep -q valgrind "$NPCHECK" 2>/dev/null; then
	slow=valgrind
fi
if [ -n "$slow" ]; then
	: "${HOSTILE_MEMCAP_KB:=0}"
	: "${HOSTILE_TIMEOUT:=60}"
else
	: "${HOSTILE_MEMCAP_KB:=2097152}"
	: "${HOSTILE_TIMEOUT:=20}"
fi

out="$tmp/stdout"
err="$tmp/stderr"
all="$tmp/output"
gen="$tmp/gen"
mkdir -p "$gen"

# run CMD ARGS...: $NPCHECK CMD ARGS under the limits; sets $st, output in $out, $err.
run() {
	(
		if [ "$HOSTILE_MEMCAP_KB" -gt 0 ]; then
			ulimit -v "$HOSTILE_MEMCAP_KB" || exit 125
		fi
		exec timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" "$@"
	) >"$out" 2>"$err" </dev/null
	st=$?
	cat "$out" "$err" >"$all"
}

# check NAME EXPECTED FILE [MARKED]: judge the last run. EXPECTED is the allowed exit
# statuses, "|"-separated ("2", "0|1"). FILE is the input whose path the diagnostics must
# name (a directory: any file inside it). MARKED=marked: each line of FILE holding
# "# <-" must have a diagnostic. Sets $why, empty when all is well.
check() {
	name=$1 expected=$2 file=$3 marked=${4:-}
	why=
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		why="no result within ${HOSTILE_TIMEOUT}s (exit $st)"
	elif grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: [A-Za-z]*Sanitizer|==[0-9]+== ' "$all"; then
		why="sanitizer or valgrind report (exit $st): $(grep -m 1 -E 'Sanitizer|runtime error|==[0-9]+== ' "$all")"
	elif [ "$st" -ge 128 ]; then
		why="killed by signal $((st - 128))"
	elif ! printf '|%s|' "$expected" | grep -q "|$st|"; then
		why="exit $st, expected $expected: $(head -c 300 "$err" | head -n 2 | tr '\n' ' ')"
	elif grep -q -E '^[^ ]*:(0:[0-9]+|[0-9]+:0|-[0-9]+:[0-9-]+|[0-9]+:-[0-9]+): ' "$all"; then
		why="a diagnostic at line or column 0: $(grep -m 1 -E '^[^ ]*:(0|[0-9]+:0|-)' "$all")"
	elif [ "$st" -eq 2 ] && ! positioned "$file"; then
		why="exit 2 without a FILE:LINE:COL: diagnostic naming $file"
	elif [ "$marked" = marked ]; then
		for l in $(grep -n '# <-' "$file" | cut -d: -f1); do
			if ! grep -q -F "$file:$l:" "$all"; then
				why="no diagnostic at $file:$l: $(head -n 1 "$all")"
				break
			fi
		done
	fi
}

# positioned FILE: some output line is FILE...:LINE:COL: SEVERITY: with LINE, COL >= 1.
positioned() {
	awk -v f="$1" '
		index($0, f) == 1 && match(substr($0, length(f) + 1), /^[^ :]*:[1-9][0-9]*:[1-9][0-9]*: (error|warning|info): /) { found = 1 }
		END { exit !found }' "$all"
}

report() {
	if [ -n "$why" ]; then
		echo "not ok hostile/$1: $why"
	else
		echo "ok hostile/$1"
	fi
}

# case NAME EXPECTED FILE [marked]: lint FILE.
lint_case() {
	run lint "$3"
	check "$@"
	report "$1"
}

# list_case NAME EXPECTED FILE: list FILE (input errors on stderr, positioned).
list_case() {
	run list "$3"
	check "$@"
	report "$1"
}

skip() {
	echo "ok hostile/$1 # skip $2"
}

# huge NAME...: true (after printing the skips) when big inputs are to be skipped.
huge() {
	[ -n "$HOSTILE_SKIP_HUGE" ] || return 1
	for n in "$@"; do
		skip "$n" "HOSTILE_SKIP_HUGE"
	done
}

if ! command -v timeout >/dev/null 2>&1; then
	echo "not ok hostile: timeout(1) is missing"
	exit 0
fi

# ---- committed inputs ----

# The small inputs committed in tests/hostile/NAME/ are golden cases (tests/golden.sh):
# their exact output and status are compared there. Here: every error of a file is
# reported, not only the first: all the wrong types (tests/hostile/types-*/) as the
# documents of one stream.
multi="$gen/types-all.yaml"
for f in "$fixtures"/types-*/*.yaml; do
	echo "---"
	cat "$f"
done >"$multi"
lint_case types/all-in-one-file 2 "$multi" marked
list_case list/types-all-in-one-file 2 "$multi"

# ---- generated: YAML and bytes ----

# A NetworkPolicy that is valid and clean; variants below change one thing.
policy() {
	cat <<-EOF
	apiVersion: networking.k8s.io/v1
	kind: NetworkPolicy
	metadata:
	  name: web
	  namespace: hostile
	spec:
	  podSelector:
	    matchLabels: {app: web}
	  ingress:
	  - from:
	    - podSelector: {matchLabels: {app: client}}
	    ports:
	    - port: 80
	EOF
}

# repeat N TEXT: TEXT N times, without a newline.
repeat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

: >"$gen/empty.yaml"
# No object at all is an input error (exit 2): a check of nothing must not pass.
lint_case empty 2 "$gen/empty.yaml"
list_case list/empty 2 "$gen/empty.yaml"

printf '# only comments\n---\n---\n...\n---\nnull\n--- ~\n' >"$gen/empty-docs.yaml"
lint_case empty-documents 2 "$gen/empty-docs.yaml"

repeat 100000 "---
" >"$gen/many-docs.yaml"
policy >>"$gen/many-docs.yaml"
lint_case many-empty-documents "0|1" "$gen/many-docs.yaml"

repeat 100000 "[" >"$gen/deep-flow-seq.yaml"
repeat 100000 "]" >>"$gen/deep-flow-seq.yaml"
lint_case deep-flow-seq 2 "$gen/deep-flow-seq.yaml"
list_case list/deep-flow-seq 2 "$gen/deep-flow-seq.yaml"

repeat 100000 "{a: " >"$gen/deep-flow-map.yaml"
repeat 100000 "}" >>"$gen/deep-flow-map.yaml"
lint_case deep-flow-map 2 "$gen/deep-flow-map.yaml"

{ repeat 100000 "- "; echo x; } >"$gen/deep-block-seq.yaml"
lint_case deep-block-seq 2 "$gen/deep-block-seq.yaml"

# 1,000 nested block mappings: one more space of indentation per level.
awk 'BEGIN { for (i = 0; i < 1000; i++) { for (j = 0; j < i; j++) printf " "; printf "k%d:\n", i } }' \
	>"$gen/deep-block-map.yaml"
lint_case deep-block-map 2 "$gen/deep-block-map.yaml"

# Deep nesting inside a NetworkPolicy, under a field whose value is read.
{ policy; printf '  egress:\n  - to: '; repeat 300 "[{podSelector: {matchLabels: {a: "; echo; } >"$gen/deep-in-policy.yaml"
lint_case deep-in-policy 2 "$gen/deep-in-policy.yaml"

# bytes N CHAR: N times CHAR.
bytes() {
	head -c "$1" /dev/zero | tr '\000' "$2"
}

if ! huge huge-scalar huge-name long-labels; then
	# A 64 MB plain scalar as an annotation value: valid, read in bounded time and memory.
	{ policy | head -n 5; printf '  annotations:\n    note: '; bytes 67108864 a; echo
	  policy | tail -n +6; } >"$gen/huge-scalar.yaml"
	lint_case huge-scalar "0|1" "$gen/huge-scalar.yaml"
	# A 64 MB name: rejected (at most 253 characters), positioned, without quadratic work.
	{ policy | head -n 3; printf '  name: '; bytes 67108864 a; echo '  # <- too long'
	  policy | tail -n +5; } >"$gen/huge-name.yaml"
	lint_case huge-name "1|2" "$gen/huge-name.yaml" marked
	# A 1 MB label value and a 1 MB label key in a selector: rejected, positioned. (The
	# key is explicit, "? KEY": YAML limits implicit keys to 1024 characters.)
	{ policy | head -n 7; printf '    matchLabels:\n      app: '; bytes 1048576 v; echo '  # <- too long'
	  printf '      ? '; bytes 1048576 k; echo '  # <- too long'; echo '      : x'
	  policy | tail -n +9; } >"$gen/long-labels.yaml"
	lint_case long-labels "1|2" "$gen/long-labels.yaml" marked
fi

# Invalid UTF-8, a NUL byte, and NUL written as an escape (valid YAML, invalid name).
{ policy | sed 's/^  name: web$/  name: w\xff\xfeb/'; } >"$gen/invalid-utf8.yaml"
lint_case invalid-utf8 2 "$gen/invalid-utf8.yaml"
{ policy | head -n 5; printf '  labels: {a: b\000c}\n'; policy | tail -n +6; } >"$gen/nul-byte.yaml"
lint_case nul-byte 2 "$gen/nul-byte.yaml"
policy | sed 's/^  name: web$/  name: "web\\0x"  # <- NUL in a name/' >"$gen/nul-escape.yaml"
lint_case nul-escape "1|2" "$gen/nul-escape.yaml" marked

# UTF-16 with a byte order mark (libyaml reads it): the same valid policy.
if command -v iconv >/dev/null 2>&1; then
	{ printf '\377\376'; policy | iconv -f UTF-8 -t UTF-16LE; } >"$gen/utf16.yaml"
	lint_case utf16 "0|1" "$gen/utf16.yaml"
else
	skip utf16 "no iconv"
fi

# CRLF line ends: valid.
policy | sed 's/$/\r/' >"$gen/crlf.yaml"
lint_case crlf "0|1" "$gen/crlf.yaml"

# 4 KiB of binary junk from a fixed-seed generator (an LCG, so every awk agrees).
LC_ALL=C awk 'BEGIN { x = 42; for (i = 0; i < 4096; i++) { x = (x * 1103515245 + 12345) % 2147483648; b = int(x / 65536) % 256; printf "%c", (b == 0 ? 1 : b) } }' \
	>"$gen/junk.yaml"
lint_case binary-junk 2 "$gen/junk.yaml"
list_case list/binary-junk 2 "$gen/junk.yaml"
# the same on standard input
( if [ "$HOSTILE_MEMCAP_KB" -gt 0 ]; then ulimit -v "$HOSTILE_MEMCAP_KB"; fi
  exec timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" lint - ) <"$gen/junk.yaml" >"$out" 2>"$err"
st=$?
cat "$out" "$err" >"$all"
check stdin-junk 2 "<stdin>"
report stdin-junk

# Numbers beyond every integer type.
policy | sed 's/^    - port: 80$/    - port: 99999999999999999999999  # <- out of range\n      endPort: -99999999999999999999999/' \
	>"$gen/huge-port.yaml"
lint_case huge-port "1|2" "$gen/huge-port.yaml" marked

# ---- generated: sizes ----

# Over 1 MiB each, or quadratic-sized work in a small file.
if ! huge many-ports list/many-ports many-named-ports list/many-named-ports many-labels \
	list/many-labels many-anchors big-list-dump big-cluster; then
	# 100,000 ports in one rule, in scrambled order (valid).
	{
		policy | head -n 12
		awk 'BEGIN { for (i = 0; i < 100000; i++) { p = (i * 7919) % 65535 + 1; printf "    - port: %d\n", p; if (i % 3 == 0) printf "      protocol: UDP\n" } }'
	} >"$gen/many-ports.yaml"
	lint_case many-ports "0|1" "$gen/many-ports.yaml"
	list_case list/many-ports "0|1" "$gen/many-ports.yaml"

	# 100,000 named ports in one rule, and pods to resolve them on.
	{
		policy | head -n 12
		awk 'BEGIN { for (i = 0; i < 100000; i++) printf "    - port: p%d\n", i }'
		for p in a b c; do
			printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: hostile, labels: {app: web}}\n' "$p"
			printf 'spec:\n  containers:\n  - name: c\n    ports: [{name: p7, containerPort: 7}, {name: p99999, containerPort: 9}]\n'
		done
	} >"$gen/many-named-ports.yaml"
	lint_case many-named-ports "0|1" "$gen/many-named-ports.yaml"
	list_case list/many-named-ports "0|1" "$gen/many-named-ports.yaml"

	# 20,000 labels on a pod, and a selector requiring all of them.
	{
		printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: hostile\n  labels:\n'
		awk 'BEGIN { for (i = 0; i < 20000; i++) printf "    k%d: v%d\n", i, i }'
		printf 'spec: {containers: [{name: c}]}\n---\n'
		policy | head -n 7
		echo '    matchLabels:'
		awk 'BEGIN { for (i = 0; i < 20000; i++) printf "      k%d: v%d\n", i, i }'
		policy | tail -n +9
	} >"$gen/many-labels.yaml"
	lint_case many-labels "0|1" "$gen/many-labels.yaml"
	list_case list/many-labels "0|1" "$gen/many-labels.yaml"

	# 200,000 anchors, each aliased once (5 MB): no quadratic anchor lookup. A ConfigMap
	# alone is no input (exit 2), once its whole tree is parsed.
	{
		printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: anchors, namespace: hostile}\ndata:\n  a:\n'
		awk 'BEGIN { for (i = 0; i < 200000; i++) printf "  - &a%d x\n", i; printf "  b:\n"; for (i = 0; i < 200000; i++) printf "  - *a%d\n", i }'
	} >"$gen/many-anchors.yaml"
	lint_case many-anchors 2 "$gen/many-anchors.yaml"

	# A kubectl List dump of 20,000 Pods (5 MB, no aliases): what `kubectl get pods -A -o yaml`
	# prints for a big cluster. Valid, and read item by item.
	awk 'BEGIN {
		print "apiVersion: v1\nkind: List\nitems:"
		for (i = 0; i < 20000; i++)
			printf "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p%d\n    namespace: ns%d\n    labels: {app: a%d, tier: t}\n  spec:\n    containers:\n    - name: c\n      image: nginx\n      ports: [{containerPort: 80, name: http}, {containerPort: 443, name: https}]\n", i, i % 50, i % 100
	}' >"$gen/big-list-dump.yaml"
	lint_case big-list-dump "0|1" "$gen/big-list-dump.yaml"

	# 5,000 pods and 1,000 policies with ipBlocks: lint stays bounded.
	{
		awk 'BEGIN {
			for (i = 0; i < 5000; i++)
				printf "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: ns%d, labels: {app: a%d}}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.%d.%d.%d}\n", i, i % 50, i % 100, int(i / 65536) % 256, int(i / 256) % 256, i % 256
			for (i = 0; i < 1000; i++)
				printf "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n%d, namespace: ns%d}\nspec:\n  podSelector: {matchLabels: {app: a%d}}\n  egress:\n  - to: [{ipBlock: {cidr: 10.%d.0.0/16, except: [10.%d.%d.0/24]}}]\n", i, i % 50, i % 100, i % 256, i % 256, i % 256
		}'
	} >"$gen/big-cluster.yaml"
	lint_case big-cluster "0|1" "$gen/big-cluster.yaml"
fi

# ---- generated: output bounded by what the input says (SPEC §6) ----

# bounded_case NAME EXPECTED MAXBYTES CMD ARGS...: run a command under the limits; its
# stdout must stay under MAXBYTES.
bounded_case() {
	name=$1 expected=$2 max=$3
	shift 3
	run "$@"
	eval "file=\${$#}"
	check "$name" "$expected" "$file"
	if [ -z "$why" ] && [ "$(wc -c <"$out")" -gt "$max" ]; then
		why="$(wc -c <"$out") bytes of output, more than $max"
	fi
	report "$name"
}

if ! huge explain/aliased-peers explain/aliased-peers-json matrix/over-limit \
	matrix/port-columns; then
	# One policy of 800 rules, each an alias of one list of 150 peers, selecting 600
	# Deployments (137 KB): explain used to buffer gigabytes. The peer list is said once,
	# the rules once.
	awk 'BEGIN {
		print "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: big, namespace: ns}\nspec:\n  podSelector: {}\n  ingress:\n  - from: &peers"
		for (i = 0; i < 150; i++) printf "    - podSelector: {matchLabels: {app: a%d}}\n", i
		print "    ports: [{port: 80}]"
		for (r = 1; r < 800; r++) printf "  - from: *peers\n    ports: [{port: %d}]\n", 80 + r
		for (i = 0; i < 600; i++) printf "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d, namespace: ns}\nspec:\n  selector: {matchLabels: {app: a%d}}\n  template:\n    metadata: {labels: {app: a%d}}\n    spec: {containers: [{name: c, image: x}]}\n", i, i, i
	}' >"$gen/aliased-peers.yaml"
	bounded_case explain/aliased-peers 0 2000000 explain "$gen/aliased-peers.yaml"
	bounded_case explain/aliased-peers-json 0 2000000 explain -o json "$gen/aliased-peers.yaml"

	# 3,000 Deployments naming 400 container ports (1 MB): a matrix of 3.6 billion rows
	# (it used to write tens of GB). Refused up front, exit 3, nothing on stdout.
	awk 'BEGIN {
		for (i = 0; i < 3000; i++) printf "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deployment-%d, namespace: ns%d}\nspec:\n  selector: {matchLabels: {app: a%d}}\n  template:\n    metadata: {labels: {app: a%d}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: %d}]}]}\n", i, i % 10, i, i, 10000 + i % 400
	}' >"$gen/many-ports-matrix.yaml"
	run matrix -o csv "$gen/many-ports-matrix.yaml"
	check matrix/over-limit 3 "$gen/many-ports-matrix.yaml"
	if [ -z "$why" ] && { [ -s "$out" ] || ! grep -q 'has 3600000000 rows.*over the limit of 1000000' "$err"; }; then
		why="$(wc -c <"$out") bytes on stdout; stderr: $(head -n 1 "$err")"
	fi
	report matrix/over-limit

	# Every port asked for is a column: 5,000 of them, not a silent 4,096.
	run matrix --port 1-5000 -o csv "$here/../examples/and-selector"
	check matrix/port-columns 0 "$here/../examples/and-selector"
	if [ -z "$why" ]; then
		rows=$(wc -l <"$out")
		last=$(tail -n 1 "$out" | cut -d, -f4)
		[ "$rows" -eq 45001 ] && [ "$last" = 5000 ] ||
			why="$rows lines (want 45001), last port $last (want 5000)"
	fi
	# A table that large is announced on stderr, before its first row.
	if [ -z "$why" ] && ! grep -q '^npcheck matrix: 45000 rows (3 endpoints x 3 x 5000 ports)$' "$err"; then
		why="its size is not stated on stderr: $(head -n 1 "$err")"
	fi
	report matrix/port-columns
fi

# diff of an empty namespace against 700 Deployments: half a million rows, all added,
# printed as they are found in a few MB (it used to keep every row: over 100 MB).
if ! huge diff/everything-added; then
	mkdir -p "$gen/diff-old" "$gen/diff-new"
	printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns0}\n' >"$gen/diff-old/ns.yaml"
	awk 'BEGIN { for (i = 0; i < 700; i++) printf "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d, namespace: ns%d}\nspec:\n  selector: {matchLabels: {app: a%d}}\n  template:\n    metadata: {labels: {app: a%d}}\n    spec: {containers: [{name: c, image: x}]}\n", i, i % 10, i, i }' \
		>"$gen/diff-new/d.yaml"
	# Counted as it comes (76 MB): npcheck's status goes through a file.
	(
		(
			if [ "$HOSTILE_MEMCAP_KB" -gt 0 ]; then
				ulimit -v 100000 || exit 125
			fi
			exec timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" diff -j 1 "$gen/diff-old" "$gen/diff-new"
		)
		echo $? >"$tmp/status"
	) 2>"$err" </dev/null | wc -l >"$out"
	st=$(cat "$tmp/status")
	cat "$err" >"$all"
	check diff/everything-added 1 "$gen/diff-new"
	if [ -z "$why" ] && [ "$(cat "$out")" -ne 491401 ]; then
		why="$(cat "$out") lines, want 491401 (the header and 700 x 702 rows)"
	fi
	report diff/everything-added
fi

# ---- file system ----

mkdir -p "$gen/perm"
policy >"$gen/perm/locked.yaml"
chmod 000 "$gen/perm/locked.yaml"
if cat "$gen/perm/locked.yaml" >/dev/null 2>&1; then
	skip unreadable-file root
else
	lint_case unreadable-file 2 "$gen/perm/locked.yaml"
	lint_case unreadable-file-in-dir 2 "$gen/perm"
fi
chmod 644 "$gen/perm/locked.yaml"

mkdir -p "$gen/lockeddir/inner"
policy >"$gen/lockeddir/ok.yaml"
policy | sed 's/name: web/name: inner/' >"$gen/lockeddir/inner/p.yaml"
chmod 000 "$gen/lockeddir/inner"
if ls "$gen/lockeddir/inner" >/dev/null 2>&1; then
	skip unreadable-dir root
else
	lint_case unreadable-dir 2 "$gen/lockeddir"
fi
chmod 755 "$gen/lockeddir/inner"

# A directory holding a symlink to itself: walked once, no file read twice.
mkdir -p "$gen/loop"
policy >"$gen/loop/p.yaml"
ln -s . "$gen/loop/self"
run lint "$gen/loop"
check symlink-loop "0|2" "$gen/loop"
if [ -z "$why" ] && grep -q duplicate-object "$all"; then
	why="the same file read again through the loop: $(grep -m 1 duplicate-object "$all")"
fi
report symlink-loop

# Two such links: a walk that follows them is exponential.
mkdir -p "$gen/loop2/d"
policy >"$gen/loop2/d/p.yaml"
ln -s . "$gen/loop2/d/a"
ln -s .. "$gen/loop2/d/b"
run lint "$gen/loop2/d"
check symlink-loop-twice "0|2" "$gen/loop2/d"
if [ -z "$why" ] && grep -q duplicate-object "$all"; then
	why="the same file read again through the loop: $(grep -m 1 duplicate-object "$all")"
fi
report symlink-loop-twice

# A manifest name that is a symlink to itself (ELOOP).
mkdir -p "$gen/selflink"
ln -s self.yaml "$gen/selflink/self.yaml"
policy >"$gen/selflink/p.yaml"
lint_case symlink-self "0|1|2" "$gen/selflink"
lint_case symlink-self-named 2 "$gen/selflink/self.yaml"

# ---- reading is bounded before it is done (issue 15) ----

# The binary by an absolute path, for runs from another directory.
case $NPCHECK in
/*) npcheck_abs=$NPCHECK ;;
*) npcheck_abs=$(pwd)/$NPCHECK ;;
esac

# run_cfg ARGS...: run "npcheck ARGS" from $gen/cfg (where .npcheck.yaml is read).
run_cfg() {
	(
		cd "$gen/cfg" || exit 125
		if [ "$HOSTILE_MEMCAP_KB" -gt 0 ]; then
			ulimit -v "$HOSTILE_MEMCAP_KB" || exit 125
		fi
		exec timeout -k 5 "$HOSTILE_TIMEOUT" "$npcheck_abs" "$@"
	) >"$out" 2>"$err" </dev/null
	st=$?
	cat "$out" "$err" >"$all"
}

# expect_status NAME EXPECTED [GREP]: the last run exited EXPECTED (in time, without a
# sanitizer report), and, when given, GREP (an ERE) matches a line of its output.
expect_status() {
	why=
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		why="no result within ${HOSTILE_TIMEOUT}s (exit $st)"
	elif grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: [A-Za-z]*Sanitizer' "$all"; then
		why="sanitizer report: $(grep -m 1 -E 'Sanitizer|runtime error' "$all")"
	elif ! printf '|%s|' "$2" | grep -q "|$st|"; then
		why="exit $st, expected $2: $(head -c 300 "$err" | head -n 2 | tr '\n' ' ')"
	elif [ -n "${3:-}" ] && ! grep -q -E "$3" "$all"; then
		why="no line matches /$3/: $(head -c 300 "$all" | head -n 2 | tr '\n' ' ')"
	fi
	report "$1"
}

mkdir -p "$gen/cfg"
policy >"$gen/cfg/p.yaml"
# The configuration is a link to an endless device, or to a FIFO nobody writes.
ln -s /dev/zero "$gen/cfg/.npcheck.yaml"
run_cfg lint p.yaml
expect_status read/config-dev-zero 3 '^\.npcheck\.yaml:1:1: error: .*not a regular file'
rm -f "$gen/cfg/.npcheck.yaml"
if mkfifo "$gen/cfg/fifo" 2>/dev/null; then
	ln -s fifo "$gen/cfg/.npcheck.yaml"
	run_cfg lint p.yaml
	expect_status read/config-fifo 3 '^\.npcheck\.yaml:1:1: error: .*not a regular file'
	rm -f "$gen/cfg/.npcheck.yaml"
else
	skip read/config-fifo "mkfifo failed"
fi
# A configuration over 256 KiB (comments only): refused, positioned, exit 3.
{ echo 'failOn: error'; repeat 9000 "# padding padding padding padding\n"; } >"$gen/cfg/big.yaml"
run -c "$gen/cfg/big.yaml" lint "$gen/cfg/p.yaml"
expect_status read/config-too-big 3 'big\.yaml:1:1: error: the configuration is larger than 262144 bytes'

# Manifests named directly that never end, or are not files.
run lint /dev/zero
expect_status read/dev-zero 2 '^/dev/zero:1:1: error: cannot read: not a regular file'
# (256 MiB read: skipped with the huge inputs, for valgrind.)
if ! huge read/stdin-urandom; then
	( if [ "$HOSTILE_MEMCAP_KB" -gt 0 ]; then ulimit -v "$HOSTILE_MEMCAP_KB"; fi
	  exec timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" lint - ) </dev/urandom >"$out" 2>"$err"
	st=$?
	cat "$out" "$err" >"$all"
	expect_status read/stdin-urandom 2 '^<stdin>:1:1: error: cannot read: the file is over the limit of 268435456 bytes'
fi
# The same bound, smaller: stdin over --max-input-size.
( exec timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" lint --max-input-size 64K - ) </dev/zero >"$out" 2>"$err"
st=$?
cat "$out" "$err" >"$all"
expect_status read/stdin-max-input-size 2 '^<stdin>:1:1: error: .*over the limit of 65536 bytes \(--max-input-size\)'
# A 5 GiB sparse file: refused by its size, before a byte is read.
if truncate -s 5G "$gen/sparse.yaml" 2>/dev/null; then
	run lint "$gen/sparse.yaml"
	expect_status read/sparse-5g 2 'sparse\.yaml:1:1: error: .*over the limit of 268435456 bytes'
	rm -f "$gen/sparse.yaml"
else
	skip read/sparse-5g "no sparse files here"
fi
# FIFOs: named, refused (never waited on); met in a walk, skipped with a note.
mkdir -p "$gen/fifodir"
policy >"$gen/fifodir/p.yaml"
if mkfifo "$gen/fifodir/pipe.yaml" 2>/dev/null; then
	run lint "$gen/fifodir/pipe.yaml"
	expect_status read/fifo-named 2 'pipe\.yaml:1:1: error: cannot read: not a regular file'
	run lint "$gen/fifodir"
	expect_status read/fifo-in-walk "0|1" 'pipe\.yaml: note: not a regular file, skipped'
else
	skip read/fifo-named "mkfifo failed"
	skip read/fifo-in-walk "mkfifo failed"
fi
# --max-total-input: the file that goes over it is an error, the files before it are
# still analysed (their findings reported).
mkdir -p "$gen/total"
policy >"$gen/total/a.yaml"
policy | sed 's/name: web/name: second/' >"$gen/total/b.yaml"
run lint --max-total-input 300 "$gen/total"
expect_status read/max-total-input 2 'b\.yaml:1:1: error: .*over the limit of 300 bytes in all \(--max-total-input\)'
if [ -z "$why" ] && ! grep -q 'a\.yaml:.*policy-selects-nothing\|a\.yaml:.*no-default-deny\|a\.yaml:[0-9]*:[0-9]*: ' "$all"; then
	echo "not ok hostile/read/max-total-input-rest: no finding for the file read first"
else
	echo "ok hostile/read/max-total-input-rest"
fi
run lint --max-input-size 12X "$gen/total"
expect_status read/max-input-size-usage 3 'max-input-size takes a size'

# ---- matching is linear ----

# ignorePaths: a pattern with many stars against a long name that almost matches: a
# backtracking matcher takes C(200, 12) steps.
mkdir -p "$gen/glob"
name=$(repeat 200 a)
policy >"$gen/glob/$name.yaml"
printf 'ignorePaths: ["*a*a*a*a*a*a*a*a*a*a*a*a*b", "**/*a*a*a*a*a*a*a*a*a*a*a*a*b/**"]\n' >"$gen/glob/cfg.yaml"
run -c "$gen/glob/cfg.yaml" lint "$gen/glob"
expect_status glob/many-stars "0|1"

# ---- every write is checked ----

if [ -w /dev/full ]; then
	for c in "lint $here/../examples/shop" "list -o csv $here/../examples/shop" "--version"; do
		# shellcheck disable=SC2086
		( exec timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" $c ) >/dev/full 2>"$err" </dev/null
		st=$?
		cp "$err" "$all"
		expect_status "write/dev-full-${c%% *}" 4 '^npcheck: cannot write the output: '
	done
else
	skip write/dev-full "no /dev/full"
fi
# SIGPIPE keeps its default action: a reader that stops early ends npcheck quietly.
awk 'BEGIN { for (i = 0; i < 300; i++) printf "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: apps}\nspec: {containers: [{name: c}]}\n", i }' \
	>"$gen/many-pods.yaml"
pst=$( { timeout -k 5 "$HOSTILE_TIMEOUT" "$NPCHECK" list "$gen/many-pods.yaml" 2>"$err"; echo $? >"$tmp/pst"; } | head -c 100 >/dev/null; cat "$tmp/pst")
if [ "$pst" -eq 141 ] || [ "$pst" -eq 0 ]; then
	if [ -s "$err" ]; then
		echo "not ok hostile/write/sigpipe: a message on stderr: $(head -n 1 "$err")"
	else
		echo "ok hostile/write/sigpipe"
	fi
else
	echo "not ok hostile/write/sigpipe: exit $pst, expected 141 (SIGPIPE): $(head -n 1 "$err")"
fi

# ---- every format is escaped for its reader ----

inject="$fixtures/inject.yaml"
injkind="$fixtures/inject-kind.yaml"
# The same manifest under a file name that is not UTF-8 and holds a line break.
badname="$gen/bad$(printf '\377\nname'),x:y.yaml"
cp "$inject" "$badname"

# no_raw NAME: the last run's stdout and stderr hold no control character but tab and
# line feed, are valid UTF-8, and no line of them is a forged workflow command or starts
# with what the manifest tried to start a line with.
no_raw() {
	why=
	if [ "$st" -ge 124 ]; then
		why="exit $st"
	elif LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f]' "$all"; then
		why="a raw control character: $(LC_ALL=C grep -m 1 -P '[\x00-\x08\x0b-\x1f\x7f]' "$all" | cat -v)"
	elif ! iconv -f UTF-8 -t UTF-8 "$all" >/dev/null 2>&1; then
		why="invalid UTF-8"
	elif grep -q -E '^(::error file=a\.yaml|::warning::FORGED|\| y \||x$)' "$all"; then
		why="a forged line: $(grep -m 1 -E '^(::error file=a\.yaml|::warning::FORGED|\| y \||x$)' "$all")"
	elif LC_ALL=C grep -q -P '\xe2\x80[\xa8\xa9\xae]' "$all"; then
		why="a raw line separator or bidi override"
	fi
	report "$1"
}

if ! command -v iconv >/dev/null 2>&1 || ! printf 'x' | grep -q -P 'x' 2>/dev/null; then
	skip escape "needs iconv and grep -P"
else
	for f in "$inject" "$badname" "$injkind"; do
		tag=${f##*/}
		tag=${tag%%.yaml}
		case $tag in bad*) tag=badname ;; esac
		for fmt in text github; do
			run lint -o "$fmt" "$f"
			no_raw "escape/$tag/lint-$fmt"
		done
		for c in "list -o text" "list -o md" "list -o dot" "list -o csv" "matrix -o text" \
			"matrix -o md" "explain -o text"; do
			# shellcheck disable=SC2086
			run $c "$f"
			no_raw "escape/$tag/$(echo "$c" | tr -d ' ')"
		done
		inj=$(printf 'x\n::error file=a.yaml,line=1::INJECTED')
		run reach -p 80 "$inj" "$inj" "$f"
		no_raw "escape/$tag/reach-no-endpoint"
		run diff "$f" "$gen/empty.yaml"
		no_raw "escape/$tag/diff-text"
	done
	run reach "$(printf 'a\033[2J\nb')" web "$inject"
	no_raw escape/query-argument
	run lint -o "$(printf 'x\033[2Jy')" "$inject"
	no_raw escape/usage-argument
fi

# Output validity by the readers' own parsers.
if command -v python3 >/dev/null 2>&1; then
	# parse NAME KIND: parse the last run's stdout with python3 as KIND.
	parse() {
		why=
		if [ "$st" -ge 124 ]; then
			why="exit $st"
		elif ! python3 - "$2" "$out" >"$tmp/py" 2>&1 <<-'PY'
		import csv, io, json, re, sys
		import xml.etree.ElementTree as ET
		kind, path = sys.argv[1], sys.argv[2]
		data = open(path, 'rb').read()
		text = data.decode('utf-8')  # every format is valid UTF-8
		if kind == 'json':
		    json.loads(text)
		elif kind == 'xml':
		    ET.fromstring(data)
		elif kind.startswith('csv'):
		    rows = list(csv.reader(io.StringIO(text, newline='')))
		    width = len(rows[0])
		    for r in rows:
		        assert len(r) == width, r
		        for field in r:
		            assert not field[:1] in ('=', '+', '-', '@'), field
		            assert '\n' not in field and '\r' not in field, field
		    # The hostile names are invalid (validate.c) and take no part, so a table
		    # may be its header alone; escaping itself: test_escape, fuzz_escape.
		    assert len(rows) >= 1
		elif kind == 'md':
		    # Every table line has as many unescaped '|' as its header; no raw HTML.
		    widths = set()
		    for line in text.splitlines():
		        if line.startswith('|'):
		            widths.add(len(re.findall(r'(?<!\\)(?:\\\\)*\|', line)))
		            assert '<' not in line and '>' not in line, line
		        else:
		            assert line == '' or line.startswith('#'), line
		    assert len(widths) <= 1, widths
		elif kind == 'dot':
		    # Quoted IDs close where they should: without them, no quote is left.
		    rest = re.sub(r'"(?:[^"\\\n]|\\.)*"', 'ID', text)
		    assert '"' not in rest, rest
		    assert rest.startswith('digraph npcheck {') and rest.rstrip().endswith('}')
		PY
		then
			why="python3 $2: $(tail -n 1 "$tmp/py")"
		fi
		report "$1"
	}
	for f in "$inject" "$badname"; do
		tag=${f##*/}
		tag=${tag%%.yaml}
		case $tag in bad*) tag=badname ;; esac
		for fmt in json sarif; do
			run lint -o "$fmt" "$f"
			parse "parse/$tag/lint-$fmt" json
		done
		run lint -o junit "$f"
		parse "parse/$tag/lint-junit" xml
		run list -o json "$f"
		parse "parse/$tag/list-json" json
		run list -o csv "$f"
		parse "parse/$tag/list-csv" csv
		run list -o md "$f"
		parse "parse/$tag/list-md" md
		run list -o dot "$f"
		parse "parse/$tag/list-dot" dot
		run matrix -o md "$f"
		parse "parse/$tag/matrix-md" md
		run diff -o md "$f" "$gen/empty.yaml"
		parse "parse/$tag/diff-md" md
		run matrix -o csv "$f"
		parse "parse/$tag/matrix-csv" csv
		run matrix -o json "$f"
		parse "parse/$tag/matrix-json" json
		run explain -o json "$f"
		parse "parse/$tag/explain-json" json
		run diff -o json "$f" "$gen/empty.yaml"
		parse "parse/$tag/diff-json" json
		run diff -o csv "$f" "$gen/empty.yaml"
		parse "parse/$tag/diff-csv" csv
	done
else
	skip parse "no python3"
fi

exit 0

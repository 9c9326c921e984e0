#!/bin/sh
# The configuration through the command line: every rejected file (tests/config/bad-NAME/,
# golden cases of lint) exits 3 with exactly its stderr, in every command that reads
# manifests; rules turn findings off or change their severity; failOn and --fail-on set
# the exit status; ignorePaths drops findings (and files, in every command); the default
# .npcheck.yaml / .npcheck.yml is read from the current directory (not by rules).
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) ;; *) NPCHECK=$(pwd)/$NPCHECK ;; esac
dir=tests/config
in=$dir/input
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: npcheck lint, stdout in $tmp/out, stderr in $tmp/err, status in $st.
run() {
	"$NPCHECK" lint "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
}

# expect NAME STATUS [PATTERN...]: the status, and each grep pattern found in stdout
# (a pattern starting with ! must not be found).
expect() {
	name=$1 want=$2
	shift 2
	if [ "$st" -ne "$want" ]; then
		echo "not ok config/$name: exit status $st, want $want: $(head -n 2 "$tmp/err")"
		return
	fi
	for p in "$@"; do
		case $p in
		!*)
			if grep -q -- "${p#!}" "$tmp/out"; then
				echo "not ok config/$name: '${p#!}' in the output"
				return
			fi ;;
		*)
			if ! grep -q -- "$p" "$tmp/out"; then
				echo "not ok config/$name: '$p' not in the output"
				return
			fi ;;
		esac
	done
	echo "ok config/$name"
}

# Rejected configurations (the golden cases tests/config/bad-NAME/ of tests/golden.sh
# run lint on them: status 3, the exact message, nothing read or printed) ... and the
# same in every command that reads manifests: one loader, one message.
for c in "$dir"/bad-*/; do
	name=${c%/}
	name=${name##*/bad-}
	cfg=$c$name.yaml
	why=""
	for args in "reach a b" "list" "matrix" "explain" "diff $in"; do
		# shellcheck disable=SC2086
		"$NPCHECK" $args -c "$cfg" $in >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ "$st" -ne 3 ]; then
			why="$why ${args%% *}: exit $st;"
		elif ! cmp -s "$tmp/err" "${c}stderr" || [ -s "$tmp/out" ]; then
			why="$why ${args%% *}: output differs;"
		fi
	done
	if [ -z "$why" ]; then
		echo "ok config/every-command/$name"
	else
		echo "not ok config/every-command/$name:$why"
	fi
done
run -c $dir/none.yaml $in
if [ "$st" -eq 3 ] && [ "$(cat "$tmp/err")" = \
	"$dir/none.yaml: error: cannot read the configuration: No such file or directory" ]; then
	echo "ok config/missing-file"
else
	echo "not ok config/missing-file: status $st: $(cat "$tmp/err")"
fi

# The example of SPEC §5 is accepted.
run -c $dir/full.yaml $in
expect full 1 "invalid-spec"

# With the SPEC's example, which changes neither rule, both findings are errors.
run -c $dir/full.yaml $in/policy.yaml
expect defaults 1 "error: .*\[invalid-spec\]" "error: .*\[unknown-field\]"

# rules: a rule off, severities changed.
run -c $dir/off.yaml $in/policy.yaml
expect rule-off 1 "\[invalid-spec\]" "!unknown-field"
run -c $dir/warnings.yaml $in/policy.yaml
expect rule-severity 0 "warning: .*\[invalid-spec\]" "warning: .*\[unknown-field\]" "!error:"
run -c $dir/warnings.yaml -o json $in/policy.yaml
expect rule-severity-json 0 '"summary": {"error": 0, "warning": 2, "info": 0}'

# failOn, and --fail-on over it.
run -c $dir/failon-warning.yaml $in/policy.yaml
expect failon-warning 1 "warning: .*\[invalid-spec\]"
run -c $dir/failon-warning.yaml --fail-on error $in/policy.yaml
expect fail-on-flag-wins 0 "warning: .*\[invalid-spec\]"
run -c $dir/warnings.yaml --fail-on warning $in/policy.yaml
expect fail-on-flag 1
run -c $dir/failon-info.yaml $in/policy.yaml
expect failon-info 1 "info: .*\[invalid-spec\]" "!unknown-field"
run -c $dir/failon-info.yaml --fail-on warning $in/policy.yaml
expect fail-on-info-flag 0 "info: .*\[invalid-spec\]"
run -c $dir/failon-info.yaml --fail-on bogus $in/policy.yaml
expect fail-on-bad 3

# ignorePaths: the findings of matching files are gone, in every format.
run -c $dir/warnings.yaml $in
expect not-ignored 0 "ignored/policy.yaml"
run -c $dir/ignore.yaml $in
expect ignore-paths 1 "input/policy.yaml" "!ignored/"
run -c $dir/ignore.yaml "$(pwd)/$in"
expect ignore-paths-absolute 1 "input/policy.yaml" "!ignored/"
run -c $dir/ignore.yaml -o sarif $in
expect ignore-paths-sarif 1 "input/policy.yaml" "!input/ignored"
run -c $dir/ignore.yaml -o junit $in
expect ignore-paths-junit 1 "input/policy.yaml" "!input/ignored"
run -c $dir/ignore.yaml $in/ignored
# Everything ignored is no input: exit 2, not a silent pass.
expect ignore-paths-all 2 "!."
# A file under an ignored path is not even read: its syntax error cannot exit 2.
mkdir -p "$tmp/ign/ignored"
cp $in/policy.yaml "$tmp/ign/"
printf 'a: [\n' >"$tmp/ign/ignored/broken.yaml"
run -c $dir/ignore.yaml "$tmp/ign"
expect ignore-paths-unparsable 1 "policy.yaml" "!broken"

# The default configuration file in the current directory.
mkdir "$tmp/cwd"
cp -r $in "$tmp/cwd/input"
(cd "$tmp/cwd" && "$NPCHECK" lint input/policy.yaml >"$tmp/out" 2>"$tmp/err")
st=$?
expect no-default-file 1 "error: .*\[unknown-field\]"
cp $dir/off.yaml "$tmp/cwd/.npcheck.yml"
(cd "$tmp/cwd" && "$NPCHECK" lint input/policy.yaml >"$tmp/out" 2>"$tmp/err")
st=$?
expect default-yml 1 "\[invalid-spec\]" "!unknown-field"
cp $dir/warnings.yaml "$tmp/cwd/.npcheck.yaml"
(cd "$tmp/cwd" && "$NPCHECK" lint input/policy.yaml >"$tmp/out" 2>"$tmp/err")
st=$?
expect default-yaml-first 0 "warning: .*\[unknown-field\]"
(cd "$tmp/cwd" && "$NPCHECK" lint -c .npcheck.yml input/policy.yaml >"$tmp/out" 2>"$tmp/err")
st=$?
expect c-over-default 1 "!unknown-field"
cp $dir/bad-bad-failon/bad-failon.yaml "$tmp/cwd/.npcheck.yaml"
(cd "$tmp/cwd" && "$NPCHECK" lint input/policy.yaml >"$tmp/out" 2>"$tmp/err")
st=$?
if [ "$st" -eq 3 ] && [ "$(cat "$tmp/err")" = ".npcheck.yaml:2:9: error: unknown failOn value \
'warnings' (expected error, warning or info)" ]; then
	echo "ok config/default-bad"
else
	echo "not ok config/default-bad: status $st: $(cat "$tmp/err")"
fi
# The default file is every manifest command's: list fails on it as lint does; rules
# reads no manifests and no configuration.
(cd "$tmp/cwd" && "$NPCHECK" list input/policy.yaml >"$tmp/out" 2>"$tmp/err")
st=$?
if [ "$st" -eq 3 ] && [ "$(cat "$tmp/err")" = ".npcheck.yaml:2:9: error: unknown failOn value \
'warnings' (expected error, warning or info)" ] && [ ! -s "$tmp/out" ]; then
	echo "ok config/default-bad-list"
else
	echo "not ok config/default-bad-list: status $st: $(cat "$tmp/err")"
fi
(cd "$tmp/cwd" && "$NPCHECK" rules or-trap >"$tmp/out" 2>"$tmp/err")
st=$?
expect default-bad-rules 0 "^or-trap"

# ignorePaths in a query: the ignored file is not read (its errors are not printed).
"$NPCHECK" list -c $dir/ignore.yaml $in >"$tmp/out" 2>"$tmp/err"
st=$?
if [ "$st" -eq 0 ] && grep -q "input/policy.yaml" "$tmp/err" && ! grep -q "ignored/" "$tmp/err"; then
	echo "ok config/ignore-paths-list"
else
	echo "not ok config/ignore-paths-list: status $st: $(head -n 3 "$tmp/err")"
fi

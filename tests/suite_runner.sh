#!/bin/sh
# The test driver itself (tests/run, tests/tally): every kind of case line counted as
# what it is, a skipped case counted apart and never as a pass, a failing case or a
# suite that exits non-zero failing the run, and the summary "N passed, N failed,
# N skipped". Runs the driver on made-up suites in a scratch directory.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same NAME GOT WANT
same() {
	if [ "$2" = "$3" ]; then
		echo "ok runner/$1"
	else
		echo "not ok runner/$1: got '$2', want '$3'"
	fi
}

got=$(printf '%s\n' 'ok a' 'ok b # skip no git' 'ok c # SKIP peer not found' \
	'ok d # skipped: fish is not installed' 'not ok e: broken' 'ok f#notaskip' \
	'# ok g' 'some output' | sh tests/tally)
same tally "$got" "2 1 3"

# run_on NAME SUITE_TEXT...: tests/run over one suite; its summary line and status.
run_on() {
	rm -rf "$tmp/t" && mkdir -p "$tmp/t/tests" &&
		cp "$root/tests/run" "$root/tests/tally" "$tmp/t/tests/" || return 1
	name=$1
	shift
	printf '%s\n' "$@" >"$tmp/t/tests/suite_x.sh"
	(cd "$tmp/t" && sh tests/run >"$tmp/out" 2>&1)
	echo "$? $(tail -n 1 "$tmp/out")"
}

same run-skip "$(run_on skip 'echo "ok one"' 'echo "ok two # skip no tool"')" \
	"0 1 passed, 0 failed, 1 skipped"
grep -q '^ok two # skip no tool$' "$tmp/out" && echo "ok runner/skip-listed" ||
	echo "not ok runner/skip-listed: the skipped case is not shown"
grep -q '^# tests/suite_x.sh: 1 passed, 0 failed, 1 skipped$' "$tmp/out" &&
	echo "ok runner/suite-line" || echo "not ok runner/suite-line: $(grep '^# ' "$tmp/out")"
same run-fail "$(run_on fail 'echo "ok one"' 'echo "not ok two: why"')" \
	"1 1 passed, 1 failed, 0 skipped"
same run-exit "$(run_on exit 'echo "ok one"' 'exit 3')" "1 1 passed, 1 failed, 0 skipped"
same run-only-skips "$(run_on only 'echo "ok x # skip y"')" "0 0 passed, 0 failed, 1 skipped"

# ---- tests/golden.sh ----
# golden_tree: a scratch repository root, $tmp/g, holding the runner.
golden_tree() {
	rm -rf "$tmp/g" && mkdir -p "$tmp/g/tests" && cp "$root/tests/golden.sh" "$tmp/g/tests/"
}

# gcase NAME ARGS STDOUT STDERR STATUS: a made-up case tests/s/NAME in $tmp/g.
gcase() {
	mkdir -p "$tmp/g/tests/s/$1" &&
		printf '%s\n' "$2" >"$tmp/g/tests/s/$1/args" &&
		printf '%s' "$3" >"$tmp/g/tests/s/$1/stdout" &&
		printf '%s' "$4" >"$tmp/g/tests/s/$1/stderr" &&
		printf '%s\n' "$5" >"$tmp/g/tests/s/$1/status"
}

# A stand-in for npcheck: its arguments on stdout, one line on stderr, exit 2 on "fail".
golden_tree
# shellcheck disable=SC2016 # the script written, not expanded here
printf '#!/bin/sh\nprintf "out:%%s\\n" "$*"\necho err >&2\n[ "$1" = fail ] && exit 2\nexit 0\n' \
	>"$tmp/fake"
chmod +x "$tmp/fake"
gcase good 'a  b' 'out:a b
' 'err
' 0
gcase glob 'x *' 'out:x *
' 'err
' 0
gcase fails 'fail now' 'out:fail now
' 'err
' 2
gcase sed 'x /abs/where' 'out:x PATH
' 'err
' 0
printf 's|/abs/[a-z]*|PATH|\n' >"$tmp/g/tests/s/sed/stdout.sed"
gcase bad-stdout 'a' 'out:b
' 'err
' 0
gcase bad-stderr 'a' 'out:a
' 'frr
' 0
gcase bad-status 'a' 'out:a
' 'err
' 1
gcase no-stderr 'a' 'out:a
' '' 0
rm "$tmp/g/tests/s/no-stderr/stderr"
gcase skip 'a' '' '' 0
printf 'sh\nno-such-command-for-npcheck\n' >"$tmp/g/tests/s/skip/needs"
(cd "$tmp" && NPCHECK=$tmp/fake sh g/tests/golden.sh >"$tmp/out" 2>&1)
same golden-status "$?" 0
same golden-lines "$(grep '^\(not \)*ok ' "$tmp/out")" "$(printf '%s\n' \
	'not ok s/bad-status: exit 0, want 1' 'not ok s/bad-stderr: stderr differs' \
	'not ok s/bad-stdout: stdout differs' 'ok s/fails' 'ok s/glob' 'ok s/good' \
	'not ok s/no-stderr: no stderr file' 'ok s/sed' \
	'ok s/skip # skip no-such-command-for-npcheck not found')"
same golden-tally "$(sh tests/tally "$tmp/out")" "4 4 1"
grep -q '^+out:a$' "$tmp/out" && echo "ok runner/golden-diff-shown" ||
	echo "not ok runner/golden-diff-shown: no diff under the failing case"
# A suite or a case named on the command line; one that does not exist fails.
(cd "$tmp/g" && NPCHECK=$tmp/fake sh tests/golden.sh s/good tests/s/glob/ nothing >"$tmp/out" 2>&1)
same golden-named "$(cat "$tmp/out")" "$(printf '%s\n' 'ok s/good' 'ok s/glob' \
	'not ok nothing: no case')"
rm -rf "$tmp/empty" && mkdir -p "$tmp/empty/tests" && cp "$root/tests/golden.sh" "$tmp/empty/tests/"
same golden-none "$(sh "$tmp/empty/tests/golden.sh" 2>&1)" "not ok golden: no case found"
# UPDATE=1 writes what ran into the case; the case then passes.
(cd "$tmp/g" && UPDATE=1 NPCHECK=$tmp/fake sh tests/golden.sh s/bad-status s/bad-stdout >/dev/null 2>&1)
(cd "$tmp/g" && NPCHECK=$tmp/fake sh tests/golden.sh s/bad-status s/bad-stdout >"$tmp/out" 2>&1)
same golden-update "$(cat "$tmp/out"; cat "$tmp/g/tests/s/bad-status/status")" \
	"$(printf '%s\n' 'ok s/bad-status' 'ok s/bad-stdout' 0)"

# A case that runs past GOLDEN_TIMEOUT fails as timed out, without waiting for it.
printf '#!/bin/sh\nsleep 30\n' >"$tmp/slow" && chmod +x "$tmp/slow"
gcase slow 'a' '' '' 0
(cd "$tmp/g" && GOLDEN_TIMEOUT=1 NPCHECK=$tmp/slow sh tests/golden.sh s/slow >"$tmp/out" 2>&1)
same golden-timeout "$(cat "$tmp/out")" "not ok s/slow: timed out after 1 s"

# Every real golden suite can fail: its first case, copied with what its args name
# under tests/, passes; one byte changed in its stdout, its stderr or its status fails it.
# flip FILE: change the first byte of FILE (add one to an empty file).
flip() {
	if [ ! -s "$1" ]; then
		printf x >"$1"
	elif [ "$(head -c 1 "$1")" = X ]; then
		printf Y | dd of="$1" bs=1 count=1 conv=notrunc 2>/dev/null
	else
		printf X | dd of="$1" bs=1 count=1 conv=notrunc 2>/dev/null
	fi
}
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) npcheck=$NPCHECK ;; *) npcheck=$root/$NPCHECK ;; esac
suites=$(cd "$root" && for a in tests/*/*/args; do echo "${a%/*/args}"; done | sort -u)
[ -n "$suites" ] && echo "ok runner/golden-suites-found" ||
	echo "not ok runner/golden-suites-found: no tests/SUITE/NAME/args"
for s in $suites; do
	s=${s#tests/}
	c=$(cd "$root" && for a in tests/"$s"/*/args; do echo "${a%/args}"; done | sort | head -n 1)
	golden_tree
	ln -s "$root/examples" "$tmp/g/examples"
	for p in "$c" $(tr ' ' '\n' <"$root/$c/args" | grep '^tests/'); do
		[ -e "$tmp/g/$p" ] || { mkdir -p "$tmp/g/$(dirname "$p")" && cp -R "$root/$p" "$tmp/g/$p"; }
	done
	for f in none stdout stderr status; do
		cp "$root/$c/stdout" "$root/$c/stderr" "$root/$c/status" "$tmp/g/$c/"
		case $f in
		none) why="" ;;
		status) echo $(($(cat "$root/$c/status") ^ 1)) >"$tmp/g/$c/status"
			why=": exit $(cat "$root/$c/status"), want $(cat "$tmp/g/$c/status")" ;;
		*) flip "$tmp/g/$c/$f"; why=": $f differs" ;;
		esac
		(cd "$tmp/g" && NPCHECK=$npcheck sh tests/golden.sh "$c" 2>&1 | head -n 1 >"$tmp/out")
		if [ -z "$why" ]; then
			same "golden-real/$s-passes" "$(cat "$tmp/out")" "ok ${c#tests/}"
		else
			same "golden-real/$s-$f-fails" "$(cat "$tmp/out")" "not ok ${c#tests/}$why"
		fi
	done
done

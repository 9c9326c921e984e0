#!/bin/sh
# The hooks of .pre-commit-hooks.yaml, run by the real pre-commit (skipped when it is not
# installed) without network: a scratch hook repository holds this work tree's files, a
# scratch project repository holds manifests, and pre-commit runs the hooks there
# (`try-repo`, and `run` with a .pre-commit-config.yaml as the README shows it):
# - npcheck (language: system, npcheck on PATH): lints the whole project; options in args
#   keep the path; a finding fails the commit; an entry without a path is refused;
# - npcheck-build (language: script): builds npcheck from the hook repository on first
#   use (once), and says which packages are missing when it cannot.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) ;; *) NPCHECK=$root/$NPCHECK ;; esac

if ! command -v pre-commit >/dev/null 2>&1; then
	echo "ok precommit # skipped: pre-commit is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The hooks' environment: nothing from a make above (make check), a store of our own, git
# that needs no user configuration, and npcheck alone on PATH for the system hook.
unset MAKEFLAGS MFLAGS MAKELEVEL
export PRE_COMMIT_HOME="$tmp/store" GIT_CONFIG_NOSYSTEM=1 HOME="$tmp/home"
export GIT_AUTHOR_NAME=npcheck GIT_AUTHOR_EMAIL=npcheck@example.invalid
export GIT_COMMITTER_NAME=npcheck GIT_COMMITTER_EMAIL=npcheck@example.invalid
mkdir -p "$tmp/bin" "$HOME"
ln -s "$NPCHECK" "$tmp/bin/npcheck"
syspath=$PATH
export PATH="$tmp/bin:$PATH"

# The hook repository: this work tree's files (committed or not), without build products.
hooks=$tmp/hook-repo
mkdir -p "$hooks"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$root" ls-files -co --exclude-standard
else
	find . \( -path ./build -o -path ./.git \) -prune -o -type f ! -path ./npcheck -print
fi | while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done >"$tmp/files"
tar -cf - -T "$tmp/files" | tar -xf - -C "$hooks"
git -C "$hooks" init -q && git -C "$hooks" add -A && git -C "$hooks" commit -q -m hooks ||
	{ echo "not ok precommit/hook-repo: cannot make the scratch hook repository"; exit 0; }
rev=$(git -C "$hooks" rev-parse HEAD)

# project NAME MANIFEST-DIR-OR-FILE...: a scratch project with those manifests, staged.
project() {
	p=$tmp/$1
	shift
	mkdir -p "$p/deploy"
	for d in "$@"; do
		if [ -d "$root/$d" ]; then cp "$root/$d"/*.yaml "$p/deploy/"; else cp "$root/$d" "$p/deploy/"; fi
	done
	git -C "$p" init -q && git -C "$p" add -A
}

# config PROJECT HOOK-ID [YAML-LINES]: the README's .pre-commit-config.yaml, for this hook.
config() {
	{
		printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n' \
			"$hooks" "$rev" "$2"
		[ $# -gt 2 ] && printf '        %s\n' "$3"
	} >"$tmp/$1/.pre-commit-config.yaml"
	git -C "$tmp/$1" add .pre-commit-config.yaml
}

# check NAME WANT-STATUS GREP-PATTERN [!GREP-PATTERN]: the last run's status and output.
check() {
	why=""
	if [ "$want" = fail ]; then
		[ "$st" -ne 0 ] || why="passed, want it to fail"
	else
		[ "$st" -eq 0 ] || why="failed (status $st), want it to pass"
	fi
	if [ -n "$1" ] && ! grep -q -e "$1" "$tmp/out"; then
		why="${why:+$why; }no '$1' in the output"
	fi
	if [ -n "${2:-}" ] && grep -q -e "$2" "$tmp/out"; then
		why="${why:+$why; }'$2' in the output"
	fi
	if [ -z "$why" ]; then
		echo "ok precommit/$name"
	else
		echo "not ok precommit/$name: $why"
		sed 's/^/# /' "$tmp/out" | head -n 30
	fi
}

# A clean project passes, and npcheck did read it (-v shows the hook's output).
project clean examples/and-selector
name=system-try-repo-clean want=pass
(cd "$tmp/clean" && pre-commit try-repo "$hooks" npcheck --ref "$rev" --all-files --verbose) \
	>"$tmp/out" 2>&1
st=$?
check 'Passed' ''
name=system-try-repo-read want=pass
check 'info: no policy isolates .orders/api\[Deployment\]' ''

# An error fails the commit.
project broken examples/and-selector tests/fail/endport-less-than-port/endport-less-than-port.yaml
name=system-try-repo-error want=fail
(cd "$tmp/broken" && pre-commit try-repo "$hooks" npcheck --ref "$rev" --all-files) \
	>"$tmp/out" 2>&1
st=$?
check '\[invalid-spec\]' ''

# Tightened with args, as the README shows: the path is kept, warnings fail.
config clean npcheck 'args: [--fail-on, warning]'
name=system-args-keep-path want=fail
(cd "$tmp/clean" && pre-commit run --all-files) >"$tmp/out" 2>&1
st=$?
check 'warning: no default-deny for ingress in namespace .orders.' 'no input'

# An entry without a path reads standard input, which pre-commit leaves empty: refused.
config clean npcheck "entry: npcheck lint"
name=system-no-path-refused want=fail
(cd "$tmp/clean" && pre-commit run --all-files) >"$tmp/out" 2>&1
st=$?
check 'no input: .* (no path was given' ''

# npcheck-build without the libraries: a clear message, nothing built.
name=build-missing-libraries want=fail
(cd "$tmp/clean" && PKG_CONFIG_LIBDIR=$tmp/none PKG_CONFIG_PATH='' \
	pre-commit try-repo "$hooks" npcheck-build --ref "$rev" --all-files) >"$tmp/out" 2>&1
st=$?
check 'missing: libyaml-dev libcyaml-dev libpcre2-dev' ''
name=build-missing-libraries-install want=fail
check 'apt-get install .*libyaml-dev' ''

# npcheck-build builds on first use (with the system's tools only: not our npcheck), then
# reuses the binary.
# The configuration is the README's snippet, pointed at the scratch hook repository.
project built examples/and-selector
sed -n '/^## pre-commit/,/^## As a kubectl plugin/p' "$root/README.md" | sed -n '/^```yaml/,/^```/p' |
	sed -e '1d' -e '$d' -e "s|https://example.com/npcheck|$hooks|" -e "s|rev: v0.1.0|rev: $rev|" \
	>"$tmp/built/.pre-commit-config.yaml"
git -C "$tmp/built" add .pre-commit-config.yaml
cp "$tmp/built/.pre-commit-config.yaml" "$tmp/out"
name=readme-snippet want=pass
st=0
check "rev: $rev" 'example.com'
name=build-first-use want=fail
(cd "$tmp/built" && PATH=$syspath pre-commit run --all-files --verbose) >"$tmp/out" 2>&1
st=$?
check 'building npcheck' ''
name=build-first-use-lints want=fail
check 'warning: no default-deny for ingress in namespace .orders.' ''
name=build-second-use want=fail
(cd "$tmp/built" && PATH=$syspath pre-commit run --all-files --verbose) >"$tmp/out" 2>&1
st=$?
check 'no default-deny for ingress' 'building npcheck'

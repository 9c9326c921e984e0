#!/bin/sh
# Shell completions and `make install`:
# - completions/npcheck.bash, sourced in bash: _npcheck called with COMP_WORDS set
#   completes commands, options, formats per command, --color, --fail-on, --protocol,
#   and paths;
# - completions/_npcheck parses as zsh (when zsh is installed);
# - `make install DESTDIR=...` puts the binary, the kubectl-npcheck link, the manual page
#   and both completions where they belong, the installed kubectl-npcheck runs as
#   npcheck does, and `make uninstall` removes every file again.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# complete NAME WANT WORD...: the completions of the last WORD, one per line, sorted,
# must be WANT (words separated by spaces).
complete_case() {
	name=$1 want=$2
	shift 2
	if ! command -v bash >/dev/null 2>&1; then
		echo "not ok completion/bash/$name: bash is not installed"
		return
	fi
	got=$(cd "$tmp" && bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_npcheck npcheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$root/completions/npcheck.bash" "$@" 2>&1 |
		sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		echo "ok completion/bash/$name"
	else
		echo "not ok completion/bash/$name: got '$got', want '$want'"
	fi
}

# Paths are completed relative to $tmp.
mkdir -p "$tmp/manifests" && : >"$tmp/manifests.yaml" && : >"$tmp/npcheck.yml"

complete_case commands "diff explain help lint list matrix reach rules" npcheck ""
complete_case command-prefix "lint list" npcheck l
complete_case after-global-option "lint list" npcheck -n shop l
complete_case help-command "diff explain help lint list matrix reach rules" npcheck help ""
complete_case lint-formats "github json junit sarif text" npcheck lint -o ""
complete_case list-formats "csv dot json md text" npcheck list --output ""
complete_case matrix-formats "csv json md text" npcheck matrix -o ""
complete_case reach-formats "json text" npcheck reach a b -o ""
complete_case explain-formats "json text" npcheck -q explain -o ""
complete_case diff-formats "csv json md text" npcheck diff -o ""
complete_case diff-format-prefix "csv" npcheck diff -o c
complete_case rules-formats "json text" npcheck rules -o ""
complete_case rules-no-paths "" npcheck rules m
complete_case color "always auto never" npcheck lint --color ""
complete_case fail-on "error info warning" npcheck lint --fail-on ""
complete_case protocol "SCTP TCP UDP" npcheck reach a b --protocol ""
complete_case lint-options "--color --config" npcheck lint --c
complete_case lint-fail-on-option "--fail-on" npcheck lint --fa
complete_case global-options "--version" npcheck --vers
complete_case reach-options "--port --protocol" npcheck reach --p
complete_case explain-options "--pod" npcheck explain --po
complete_case diff-options "--base" npcheck diff --b
complete_case paths "manifests manifests.yaml" npcheck lint man
complete_case reach-paths "manifests manifests.yaml" npcheck reach a b m
complete_case config-file "npcheck.yml" npcheck lint -c npc
complete_case port-value "" npcheck reach a b -p ""

if command -v zsh >/dev/null 2>&1; then
	if out=$(zsh -n completions/_npcheck 2>&1); then
		echo "ok completion/zsh/syntax"
	else
		echo "not ok completion/zsh/syntax: $out"
	fi
else
	echo "ok completion/zsh/syntax # skipped: zsh is not installed"
fi

# make install into a staging directory, with ./npcheck as it is (not rebuilt).
dest=$tmp/dest
prefix=/usr/local
if ! out=$(${MAKE:-make} -s -C "$root" -o npcheck install DESTDIR="$dest" PREFIX=$prefix 2>&1); then
	echo "not ok install/make-install: $out"
else
	echo "ok install/make-install"
	for f in bin/npcheck bin/kubectl-npcheck share/man/man1/npcheck.1 \
		share/man/man1/kubectl-npcheck.1 share/bash-completion/completions/npcheck \
		share/bash-completion/completions/kubectl-npcheck share/zsh/site-functions/_npcheck; do
		if [ -f "$dest$prefix/$f" ]; then
			echo "ok install/$f"
		else
			echo "not ok install/$f: not installed"
		fi
	done
	if [ -L "$dest$prefix/bin/kubectl-npcheck" ] &&
		[ "$(readlink "$dest$prefix/bin/kubectl-npcheck")" = npcheck ]; then
		echo "ok install/kubectl-npcheck-link"
	else
		echo "not ok install/kubectl-npcheck-link: not a link to npcheck"
	fi
	v=$("$dest$prefix/bin/kubectl-npcheck" --version 2>&1)
	want=$("$root/npcheck" --version 2>&1)
	if [ -n "$want" ] && [ "$v" = "$want" ]; then
		echo "ok install/kubectl-npcheck-version"
	else
		echo "not ok install/kubectl-npcheck-version: '$v', want '$want'"
	fi
	# As kubectl runs a plugin: `kubectl npcheck reach a b ...` execs kubectl-npcheck.
	args="reach orders/api orders-db/postgres -p 5432 examples/and-selector"
	# shellcheck disable=SC2086
	"$dest$prefix/bin/kubectl-npcheck" $args >"$tmp/plugin.out" 2>&1
	st=$?
	if [ "$st" -eq 0 ] && cmp -s "$tmp/plugin.out" examples/and-selector/expected/reach-api.out; then
		echo "ok install/kubectl-plugin-reach"
	else
		echo "not ok install/kubectl-plugin-reach: status $st, output:"
		head -n 5 "$tmp/plugin.out"
	fi
	if out=$(${MAKE:-make} -s -C "$root" uninstall DESTDIR="$dest" PREFIX=$prefix 2>&1); then
		left=$(find "$dest" ! -type d)
		if [ -z "$left" ]; then
			echo "ok install/make-uninstall"
		else
			echo "not ok install/make-uninstall: left behind: $left"
		fi
	else
		echo "not ok install/make-uninstall: $out"
	fi
fi

#!/bin/sh
# Shell completions and `make install`:
# - `npcheck __complete WORD... CUR`, the one engine behind every shell: commands,
#   options per command, formats per command, option values, rule ids, endpoint names
#   read from the paths on the line (also those after the cursor), files otherwise;
# - completions/npcheck.bash, sourced in bash: _npcheck called with COMP_WORDS set;
# - completions/npcheck.fish, sourced in fish: `complete -C` (when fish is installed);
# - completions/_npcheck parses as zsh (when zsh is installed);
# - `make install DESTDIR=...` puts the binary, the kubectl-npcheck and
#   kubectl_complete-npcheck links, the manual page, the completions and the JSON
#   Schemas (schemas/, in share/npcheck/schemas) where they
#   belong, the installed kubectl-npcheck runs as npcheck does, kubectl_complete-npcheck
#   answers as kubectl asks, and `make uninstall` removes every file again.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) ;; *) NPCHECK=$root/$NPCHECK ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The completion scripts run `npcheck`: this one.
mkdir -p "$tmp/bin"
ln -s "$NPCHECK" "$tmp/bin/npcheck"
ln -s "$NPCHECK" "$tmp/bin/kubectl-npcheck"
PATH="$tmp/bin:$PATH"
export PATH
shop=$root/examples/shop

# complete NAME WANT WORD...: the completions of the last WORD, one per line, sorted,
# must be WANT (words separated by spaces). REST: words after the cursor.
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
		if [ -n "${REST:-}" ]; then COMP_WORDS+=($REST); fi
		_npcheck npcheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$root/completions/npcheck.bash" "$@" 2>&1 |
		LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		echo "ok completion/bash/$name"
	else
		echo "not ok completion/bash/$name: got '$got', want '$want'"
	fi
}

# Paths are completed relative to $tmp.
mkdir -p "$tmp/manifests" && : >"$tmp/manifests.yaml" && : >"$tmp/npcheck.yml"

commands="diff explain exposure help lint list matrix reach rules"
complete_case commands "$commands" npcheck ""
complete_case command-prefix "lint list" npcheck l
complete_case after-global-option "lint list" npcheck -n shop l
complete_case help-command "$commands" npcheck help ""
complete_case lint-formats "github json junit md sarif text" npcheck lint -o ""
complete_case list-formats "csv dot json md text" npcheck list --output ""
complete_case matrix-formats "csv json md text" npcheck matrix -o ""
complete_case reach-formats "json text" npcheck reach a b -o ""
complete_case explain-formats "json text" npcheck -q explain -o ""
complete_case diff-formats "csv json md text" npcheck diff -o ""
complete_case diff-format-prefix "csv" npcheck diff -o c
complete_case rules-formats "json text" npcheck rules -o ""
complete_case color "always auto never" npcheck lint --color ""
complete_case fail-on "error info warning" npcheck lint --fail-on ""
complete_case fail-on-equals "error info warning" npcheck lint --fail-on =
complete_case fail-on-equals-prefix "warning" npcheck lint --fail-on = w
complete_case protocol "SCTP TCP UDP" npcheck reach a b --protocol ""
complete_case lint-options "--color --config" npcheck lint --c
complete_case lint-fail-on-option "--fail-on" npcheck lint --fa
complete_case global-options "--version" npcheck --vers
complete_case reach-options "--port --protocol" npcheck reach --p
complete_case explain-options "--pod" npcheck explain --po
complete_case diff-options "--base" npcheck diff --b
complete_case matrix-max-rows "--max-rows" npcheck matrix --max-r
complete_case list-exposure "--exposure" npcheck list --exp
complete_case max-input "--max-input-size" npcheck list --max-i
# Each command's options are those of its declaration (cmd_<name>.c): rules reads no
# manifests, list has none of its own.
complete_case rules-options "--help --output --version" npcheck rules --
complete_case list-options "--color --config --exposure --focus --focus-conn --focus-direction --help --jobs --max-input-size --max-total-input --namespace --output --quiet --verbose --version" \
	npcheck list --
complete_case list-no-port "" npcheck list --po
complete_case exposure-focus-options "--focus --focus-conn --focus-direction" npcheck exposure --foc
complete_case exposure-focus-direction "egress ingress" npcheck exposure --focus api --focus-direction ""
complete_case matrix-options "--port --protocol" npcheck matrix --p
complete_case paths "manifests manifests.yaml" npcheck lint man
complete_case reach-paths "manifests manifests.yaml" npcheck reach a b m
complete_case config-file "npcheck.yml" npcheck lint -c npc
complete_case port-value "" npcheck reach a b -p ""
complete_case rule-ids "or-trap" npcheck rules or
complete_case rule-ids-given "unknown-field unknown-label-value unknown-namespace" \
	npcheck rules unknown-rule unknown-
complete_case pod-endpoints "shop-api/api shop-api/worker" npcheck explain "$shop" --pod shop-a
REST="$shop" complete_case reach-destination "shop-api/api shop-api/svc/api shop-api/worker" \
	npcheck reach shop-web/frontend shop-a
REST="shop-data/postgres $shop" complete_case reach-source-paths-after "shop-web/frontend" \
	npcheck reach shop-w
REST="$shop" complete_case reach-destination-paths-after "shop-data/postgres" \
	npcheck reach shop-web/frontend shop-data/p
REST="$shop" complete_case reach-source-destination-untyped "shop-web/frontend" \
	npcheck reach shop-w
complete_case reach-no-paths "" npcheck reach ""

# The engine itself, as kubectl calls it: candidates, then the directive.
engine() {
	name=$1 want=$2
	shift 2
	got=$("$NPCHECK" __complete "$@" 2>&1 | cut -f1 | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		echo "ok completion/engine/$name"
	else
		echo "not ok completion/engine/$name: got '$got', want '$want'"
	fi
}
engine fail-on "error warning info :4" lint --fail-on ""
engine fail-on-inline "--fail-on=warning :4" lint --fail-on=w
engine files ":0" lint ""
engine config-files ":0" lint --config ""
engine nothing ":4" reach a b -p ""
"$NPCHECK" __complete rules or-t | head -n 1 >"$tmp/desc"
if grep -q "$(printf 'or-trap\t')namespaceSelector" "$tmp/desc"; then
	echo "ok completion/engine/description-tab"
else
	echo "not ok completion/engine/description-tab: $(cat "$tmp/desc")"
fi

if command -v fish >/dev/null 2>&1; then
	# fish_case NAME LINE WANT: the candidates fish offers for LINE (the words before TAB).
	fish_case() {
		got=$(cd "$tmp" && HOME=$tmp fish --no-config -c "source '$root/completions/npcheck.fish'; complete -C '$2'" 2>&1 |
			cut -f1 | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
		if [ "$got" = "$3" ]; then
			echo "ok completion/fish/$1"
		else
			echo "not ok completion/fish/$1: got '$got', want '$3'"
		fi
	}
	fish_case commands "npcheck " "$commands"
	fish_case fail-on "npcheck lint --fail-on " "error info warning"
	fish_case rule-ids "npcheck rules or" "or-trap"
	fish_case pod "npcheck explain $shop --pod shop-a" "shop-api/api shop-api/worker"
	fish_case files "npcheck lint man" "manifests.yaml manifests/"
	fish_case kubectl-npcheck "kubectl-npcheck li" "lint list"
else
	echo "ok completion/fish # skipped: fish is not installed"
fi

if command -v zsh >/dev/null 2>&1; then
	if out=$(zsh -n completions/_npcheck 2>&1); then
		echo "ok completion/zsh/syntax"
	else
		echo "not ok completion/zsh/syntax: $out"
	fi
	# zsh_case NAME WANT CURRENT WORD...: _npcheck run in zsh with words and CURRENT set,
	# _describe and _files stubbed to print what they are given.
	zsh_case() {
		name=$1 want=$2 current=$3
		shift 3
		got=$(cd "$tmp" && zsh -f -c '
			_describe() { local arr=$4; print -l -- ${(P)arr}; }
			_files() { print "<files>"; }
			f=$1 CURRENT=$2; shift 2; words=("$@")
			source $f' zsh "$root/completions/_npcheck" "$current" "$@" 2>&1 |
			LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
		if [ "$got" = "$want" ]; then
			echo "ok completion/zsh/$name"
		else
			echo "not ok completion/zsh/$name: got '$got', want '$want'"
		fi
	}
	zsh_case fail-on "error info warning" 4 npcheck lint --fail-on ""
	zsh_case rule-description "or-trap:namespaceSelector and podSelector in separate peers are OR'd" \
		3 npcheck rules or-t
	zsh_case files "<files>" 3 npcheck lint ""
	zsh_case reach-paths-after "shop-web/frontend" 3 npcheck reach shop-w "$shop"
	zsh_case option-equals "--fail-on=warning" 3 npcheck lint --fail-on=w
else
	echo "ok completion/zsh # skipped: zsh is not installed"
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
		share/bash-completion/completions/kubectl-npcheck share/zsh/site-functions/_npcheck \
		share/fish/vendor_completions.d/npcheck.fish \
		share/fish/vendor_completions.d/kubectl-npcheck.fish bin/kubectl_complete-npcheck \
		$(cd "$root" && ls schemas/*.schema.json | sed 's|^|share/npcheck/|'); do
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
	if [ "$st" -eq 0 ] && cmp -s "$tmp/plugin.out" examples/and-selector/expected/reach-api/stdout; then
		echo "ok install/kubectl-plugin-reach"
	else
		echo "not ok install/kubectl-plugin-reach: status $st, output:"
		head -n 5 "$tmp/plugin.out"
	fi
	# As kubectl completes `kubectl npcheck lint --fail-on <TAB>`: it runs
	# kubectl_complete-npcheck with the words after the plugin's name, and reads
	# the candidates and a last ":DIRECTIVE" line.
	got=$("$dest$prefix/bin/kubectl_complete-npcheck" lint --fail-on "" 2>&1 | tr '\n' ' ')
	if [ "$got" = "error warning info :4 " ]; then
		echo "ok install/kubectl-complete"
	else
		echo "not ok install/kubectl-complete: got '$got'"
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

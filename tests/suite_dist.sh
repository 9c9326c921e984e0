#!/bin/sh
# `make static` and `make dist` (mk/dist.mk): the static binary has no interpreter and no
# shared library, runs with an empty environment and answers as ./npcheck does; the
# tarball holds the binary, its kubectl links, the manual page, the completions, the
# JSON Schemas and
# README.md, its SHA256SUMS and .sha256 verify, and two runs make the same bytes.
# Skipped in a sanitizer build (a sanitized binary cannot be linked statically; the
# plain `make check` runs it).
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
: "${NPCHECK:=./npcheck}"
case ${BUILD:-} in
*san*)
	echo "ok dist # skipped: sanitizer build"
	exit 0
	;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! out=$(${MAKE:-make} -s -C "$root" static 2>&1); then
	echo "not ok dist/make-static: $out"
	exit 0
fi
echo "ok dist/make-static"
bin=$root/npcheck-static
if command -v readelf >/dev/null 2>&1; then
	if readelf -l "$bin" | grep -q INTERP || readelf -d "$bin" | grep -q NEEDED; then
		echo "not ok dist/static-linked: $(readelf -d "$bin" | grep NEEDED | head -n 3)"
	else
		echo "ok dist/static-linked"
	fi
else
	echo "ok dist/static-linked # skipped: readelf is not installed"
fi
for args in "--version" "lint examples/or-trap" "reach orders/api orders-db/postgres -p 5432 examples/and-selector"; do
	# shellcheck disable=SC2086 # args holds several words
	env -i LD_LIBRARY_PATH=/nonexistent "$bin" $args >"$tmp/static.out" 2>&1
	a=$?
	# shellcheck disable=SC2086
	"$NPCHECK" $args >"$tmp/dyn.out" 2>&1
	b=$?
	if [ "$a" -eq "$b" ] && cmp -s "$tmp/static.out" "$tmp/dyn.out"; then
		echo "ok dist/static-runs/${args%% *}"
	else
		echo "not ok dist/static-runs/${args%% *}: status $a, want $b"
		diff "$tmp/dyn.out" "$tmp/static.out" | head -n 5
	fi
done

if ! out=$(${MAKE:-make} -s -C "$root" dist DISTDIR="$tmp/d1" 2>&1); then
	echo "not ok dist/make-dist: $out"
	exit 0
fi
echo "ok dist/make-dist"
tarball=$(ls "$tmp"/d1/npcheck-*.tar.gz 2>/dev/null | head -n 1)
name=$(basename "$tarball" .tar.gz)
if [ -n "$tarball" ] && (cd "$tmp/d1" && sha256sum -c "$name.tar.gz.sha256" >/dev/null 2>&1); then
	echo "ok dist/tarball-checksum"
else
	echo "not ok dist/tarball-checksum: no tarball or its .sha256 does not verify"
fi
mkdir -p "$tmp/x" && tar -xzf "$tarball" -C "$tmp/x"
top=$tmp/x/$name
missing=""
for f in bin/npcheck bin/kubectl-npcheck bin/kubectl_complete-npcheck share/man/man1/npcheck.1 \
	share/bash-completion/completions/npcheck share/zsh/site-functions/_npcheck \
	share/fish/vendor_completions.d/npcheck.fish share/doc/npcheck/npcheck.1.html README.md \
	SHA256SUMS $(ls schemas/*.schema.json | sed 's|^|share/npcheck/|'); do
	[ -e "$top/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
	echo "ok dist/contents"
else
	echo "not ok dist/contents: missing$missing"
fi
if (cd "$top" && sha256sum -c SHA256SUMS >/dev/null 2>&1); then
	echo "ok dist/sha256sums"
else
	echo "not ok dist/sha256sums: SHA256SUMS does not verify"
fi
if [ "$("$top/bin/kubectl-npcheck" --version 2>&1)" = "$("$NPCHECK" --version 2>&1)" ]; then
	echo "ok dist/kubectl-plugin"
else
	echo "not ok dist/kubectl-plugin: $("$top/bin/kubectl-npcheck" --version 2>&1)"
fi
${MAKE:-make} -s -C "$root" dist DISTDIR="$tmp/d2" >/dev/null 2>&1
if cmp -s "$tarball" "$tmp/d2/$name.tar.gz"; then
	echo "ok dist/reproducible"
else
	echo "not ok dist/reproducible: two runs made different tarballs"
fi

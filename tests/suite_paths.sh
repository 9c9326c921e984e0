#!/bin/sh
# File names in SARIF, GitHub annotations and JUnit are relative to the repository root
# (git's top level, or GITHUB_WORKSPACE), whatever the directory npcheck runs in; SARIF's
# %SRCROOT% is that root, and a file outside it an absolute file: URI; standard input is
# the SARIF URI "stdin" and <stdin> elsewhere; outside a repository the current directory
# is the root.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) ;; *) NPCHECK=$root/$NPCHECK ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset GITHUB_WORKSPACE
tmp=$(cd "$tmp" && pwd -P)

# has NAME FILE PATTERN...: each fixed string in FILE.
has() {
	name=$1 file=$2
	shift 2
	for p in "$@"; do
		if ! grep -qF -- "$p" "$file"; then
			echo "not ok paths/$name: no '$p' in:"
			head -n 5 "$file" | sed 's/^/# /'
			return
		fi
	done
	echo "ok paths/$name"
}

repo=$tmp/repo
mkdir -p "$repo/deploy/manifests" "$repo/other"
cp examples/or-trap/netpol.yaml "$repo/deploy/manifests/"
cp examples/or-trap/workloads.yaml "$repo/other/"
git -C "$repo" init -q

# From a subdirectory: names from the root, also for a file above the directory.
cd "$repo/deploy/manifests" || exit 4
"$NPCHECK" lint -o github . ../../other >"$tmp/gh" 2>/dev/null
has github-subdir "$tmp/gh" "file=deploy/manifests/netpol.yaml,line=16" "file=other/workloads.yaml,"
"$NPCHECK" lint -o sarif . ../../other >"$tmp/sarif" 2>/dev/null
has sarif-subdir "$tmp/sarif" '"uri": "deploy/manifests/netpol.yaml"' '"uri": "other/workloads.yaml"' \
	"\"%SRCROOT%\": {\"uri\": \"file://$repo/\"}"
"$NPCHECK" lint -o junit . ../../other >"$tmp/junit" 2>/dev/null
has junit-subdir "$tmp/junit" '<testsuite name="deploy/manifests/netpol.yaml"' \
	'<testsuite name="other/workloads.yaml"' '>deploy/manifests/netpol.yaml:16:5: warning:'
# Absolute paths inside the root are relative too.
"$NPCHECK" lint -o github "$repo/deploy/manifests" >"$tmp/gh" 2>/dev/null
has github-absolute "$tmp/gh" "file=deploy/manifests/netpol.yaml,"

# GITHUB_WORKSPACE wins over git (a job whose checkout is in a subdirectory of a repository).
GITHUB_WORKSPACE=$repo/deploy "$NPCHECK" lint -o github . >"$tmp/gh" 2>/dev/null
has github-workspace "$tmp/gh" "file=manifests/netpol.yaml,"

# Standard input.
"$NPCHECK" lint -o sarif - <"$repo/deploy/manifests/netpol.yaml" >"$tmp/sarif" 2>/dev/null
has sarif-stdin "$tmp/sarif" '"uri": "stdin"' '"text": "standard input"'
"$NPCHECK" lint -o github - <"$repo/deploy/manifests/netpol.yaml" >"$tmp/gh" 2>/dev/null
has github-stdin "$tmp/gh" "file=<stdin>,line=16,"
"$NPCHECK" lint -o junit - <"$repo/deploy/manifests/netpol.yaml" >"$tmp/junit" 2>/dev/null
has junit-stdin "$tmp/junit" '<testsuite name="&lt;stdin&gt;"'

# A file outside the repository: an absolute file: URI, not relative to %SRCROOT%.
mkdir -p "$tmp/outside"
cp "$root/examples/or-trap/netpol.yaml" "$tmp/outside/"
"$NPCHECK" lint -o sarif . ../../../outside >"$tmp/sarif" 2>/dev/null
if python3 -c '
import json, sys
locs = [r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in json.load(open(sys.argv[1]))["runs"][0]["results"]]
want = {"uri": "file://" + sys.argv[2] + "/outside/netpol.yaml"}
sys.exit(not (want in locs and {"uri": "deploy/manifests/netpol.yaml", "uriBaseId": "%SRCROOT%"} in locs))' \
	"$tmp/sarif" "$tmp" 2>/dev/null; then
	echo "ok paths/sarif-outside-root"
else
	echo "not ok paths/sarif-outside-root: no absolute file: URI without uriBaseId for the file outside:"
	grep -m 3 '"uri"' "$tmp/sarif" | sed 's/^/# /'
fi

# Outside a repository: the current directory is the root.
plain=$tmp/plain
mkdir -p "$plain/m"
cp "$root/examples/or-trap/netpol.yaml" "$plain/m/"
cd "$plain" || exit 4
GIT_CEILING_DIRECTORIES=$tmp "$NPCHECK" lint -o github m >"$tmp/gh" 2>/dev/null
has github-no-repo "$tmp/gh" "file=m/netpol.yaml,"

#!/bin/sh
# Lint output formats, structural checks on tests/formats/input (findings of every
# severity, one suppressed by annotation, one unparsable file, one clean file): SARIF
# against the 2.1.0 schema in ../shared/schemas and what GitHub code scanning needs,
# JUnit well-formed, JSON in the SPEC's shape (tests/formats/check.py); fingerprints;
# every command's JSON starting with "version". The golden outputs of every format are
# golden cases, tests/formats/{lint,clean}.FMT*/, run by tests/golden.sh.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
dir=tests/formats
schema=../shared/schemas/sarif-schema-2.1.0.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The outputs the structural checks below read, in $tmp/lint.FMT and $tmp/clean.FMT.
for fmt in json sarif junit; do
	"$NPCHECK" lint -c $dir/npcheck.yaml -o "$fmt" $dir/input >"$tmp/lint.$fmt" 2>/dev/null
	"$NPCHECK" lint -c $dir/npcheck.yaml -o "$fmt" $dir/input/clean.yaml >"$tmp/clean.$fmt" 2>/dev/null
done

# partialFingerprints survive unrelated edits: lines inserted above every finding move
# them all, and each result keeps its fingerprint; every fingerprint is distinct.
mkdir -p "$tmp/fp"
cp examples/or-trap/*.yaml "$tmp/fp/"
"$NPCHECK" lint -o sarif "$tmp/fp" >"$tmp/fp1.sarif" 2>/dev/null
for f in "$tmp"/fp/*.yaml; do
	{ printf '# moved\n# down\n'; cat "$f"; } >"$f.new" && mv "$f.new" "$f"
done
"$NPCHECK" lint -o sarif "$tmp/fp" >"$tmp/fp2.sarif" 2>/dev/null

# One JSON contract: every command's JSON is an object starting with "version": 1, and
# reach numbers rules and peers from 1 as its text does.
ex=examples/or-trap
for c in "lint $ex" "reach billing/api billing-db/postgres -p 5432 $ex" "list $ex" \
	"matrix $ex" "explain $ex" "diff $ex examples/and-selector" "rules"; do
	# shellcheck disable=SC2086 # c holds the arguments
	"$NPCHECK" $c -o json >"$tmp/contract.json" 2>/dev/null
	if command -v python3 >/dev/null 2>&1 && python3 -c '
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
sys.exit(not (isinstance(d, dict) and list(d)[0] == "version" and d["version"] == 1))' \
		"$tmp/contract.json"; then
		echo "ok formats/json-version/${c%% *}"
	else
		echo "not ok formats/json-version/${c%% *}: $(head -c 80 "$tmp/contract.json")"
	fi
done
"$NPCHECK" reach billing/api billing-db/postgres -p 5432 $ex >"$tmp/reach.txt" 2>/dev/null
"$NPCHECK" reach billing/api billing-db/postgres -p 5432 -o json $ex >"$tmp/reach.json" 2>/dev/null
if grep -q 'ingress rule 1 (.*from peer 1 (' "$tmp/reach.txt" &&
	grep -q '"rule": 1, .*"peer": {"index": 1,' "$tmp/reach.json"; then
	echo "ok formats/json-one-based"
else
	echo "not ok formats/json-one-based: $(grep -o '"rule": [0-9]*' "$tmp/reach.json" | head -n 1)"
fi

if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/fp1.sarif" "$tmp/fp2.sarif" <<'PY'
import json, sys
def results(path):
    rs = json.load(open(path))["runs"][0]["results"]
    return [(r["ruleId"], r["partialFingerprints"]["npcheckFinding/v1"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in rs]
a, b = results(sys.argv[1]), results(sys.argv[2])
why = []
if sorted((r, f) for r, f, _ in a) != sorted((r, f) for r, f, _ in b):
    why.append("fingerprints changed when lines moved")
if len({f for _, f, _ in a}) != len(a):
    why.append("two results share a fingerprint")
if not a or [l + 2 for _, _, l in sorted(a)] != [l for _, _, l in sorted(b)]:
    why.append("the lines did not move")
print("ok formats/sarif-fingerprints" if not why else "not ok formats/sarif-fingerprints: " + "; ".join(why))
PY
	python3 $dir/check.py json "$tmp/lint.json"
	python3 $dir/check.py sarif "$tmp/lint.sarif" "$schema"
	python3 $dir/check.py junit "$tmp/lint.junit"
	python3 $dir/check.py sarif "$tmp/clean.sarif" "$schema" | sed 's/^\(not \)*ok formats\//&clean-/'
	python3 $dir/check.py junit "$tmp/clean.junit" | sed 's/^\(not \)*ok formats\//&clean-/'
else
	echo "not ok formats/python3: python3 is needed to check the JSON, SARIF and JUnit output"
fi

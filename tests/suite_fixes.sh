#!/bin/sh
# The fix examples of the lint rules (include/rules.def, shown by `npcheck rules RULE`
# and in SARIF help): each parses as YAML, manifests lint clean of input errors, and a
# set of them, applied to the rule's firing case, quiets it (tests/fixes/check.py;
# skipped without python3 and its yaml module).
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
	echo "ok fixes # skipped: python3 with yaml is not installed"
	exit 0
fi
python3 tests/fixes/check.py "$NPCHECK" || echo "not ok fixes/check.py: exited $?"

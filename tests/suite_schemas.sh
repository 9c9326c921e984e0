#!/bin/sh
# The JSON contract: every command's -o json output against its JSON Schema in schemas/
# (draft 2020-12): the golden JSON outputs of tests/, fresh runs over examples/, every
# command taking -o json having a schema, schemas closed to added and renamed keys
# (tests/schemas/check.py). Skipped without python3-jsonschema.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
	echo "ok schemas # skipped: python3-jsonschema is not installed"
	exit 0
fi
python3 tests/schemas/check.py "$NPCHECK" || echo "not ok schemas/check.py: exited $?"

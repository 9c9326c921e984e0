#!/bin/sh
# Checks the manual page: mandoc finds no warning in it, and every rule of
# include/rules.def is documented as an item of its RULES section, with its
# default severity.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
man=man/npcheck.1
defs=include/rules.def

if ! command -v mandoc >/dev/null 2>&1; then
	echo "not ok man/lint: mandoc is not installed (make deps)"
elif [ ! -f "$man" ]; then
	echo "not ok man/lint: $man is missing"
else
	out=$(mandoc -Tlint -Wwarning "$man" 2>&1)
	if [ -z "$out" ]; then
		echo "ok man/lint"
	else
		echo "not ok man/lint: $out"
	fi
fi

# The RULES section: from ".Sh RULES" up to the next ".Sh".
rules=$(sed -n '/^\.Sh RULES/,/^\.Sh /p' "$man" 2>/dev/null)

sed -n 's/^RULE([A-Z0-9_]*, *"\([^"]*\)", *SEV_\([A-Z]*\).*/\1 \2/p' "$defs" |
while read -r id sev; do
	sev=$(printf '%s' "$sev" | tr 'A-Z' 'a-z')
	# An item tag: ".It Cm ID Pq SEVERITY" (any macros before the id).
	item=$(printf '%s\n' "$rules" | grep -E "^\.It( [A-Z][a-z])* $id( |\$)" | head -n 1)
	if [ -z "$item" ]; then
		echo "not ok man/rule/$id: not documented"
	elif ! printf '%s\n' "$item" | grep -Eq " $sev( |\$)"; then
		echo "not ok man/rule/$id: default severity $sev not stated in '$item'"
	else
		echo "ok man/rule/$id"
	fi
done

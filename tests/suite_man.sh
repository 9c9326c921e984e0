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

# Every rule's entry shows an example: a literal display before the next item.
printf '%s\n' "$rules" | awk '
	/^\.It / { if (id != "" && !ex) print id; id = $0; ex = 0; next }
	/^\.Bd -literal/ { ex = 1 }
	/^\.El/ { if (id != "" && !ex) print id; id = "" }
' | sed -n 's/^\.It\( [A-Z][a-z]\)* \([a-z-]*\).*/\2/p' | while read -r id; do
	echo "not ok man/example/$id: no example"
done
[ -n "$rules" ] && echo "ok man/rule-examples"

# The commands, options and output formats of the binary are all documented: the global
# options under "Global options", each command's own in its entry under COMMANDS.
: "${NPCHECK:=./npcheck}"
if [ -x "$NPCHECK" ]; then
	cmds=$(sed -n '/^\.Sh COMMANDS/,/^\.Sh /p' "$man")
	"$NPCHECK" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' | while read -r c; do
		item=$(printf '%s\n' "$cmds" | awk -v c="$c" '
			/^\.It Cm / { on = ($3 == c) } on { print }')
		if [ -z "$item" ]; then
			echo "not ok man/command/$c: not an item of COMMANDS"
			continue
		fi
		[ "$c" = help ] && { echo "ok man/command/$c"; continue; }
		missing=""
		for f in $("$NPCHECK" help "$c" | sed -n 's/^Formats (-o): //p' | tr ',' ' '); do
			printf '%s\n' "$item" | grep -Eq "^\.Cm $f( |\$)" || missing="$missing $f"
		done
		if [ -n "$missing" ]; then
			echo "not ok man/command/$c: formats not listed:$missing"
		else
			echo "ok man/command/$c"
		fi
	done
	# The global options, each an item of "Global options".
	globals=$(sed -n '/^\.Ss Global options/,/^\.S[sh] /p' "$man")
	"$NPCHECK" --help | sed -n 's/^  *\(-[a-z], \)*--\([a-z-]*\).*/\2/p' | while read -r o; do
		if printf '%s\n' "$globals" | grep -Eq "^\.It Fl (.*Fl )?-$o( |\$)"; then
			echo "ok man/option/--$o"
		else
			echo "not ok man/option/--$o: not an item of Global options"
		fi
	done
	# Each command's own options (its help's "Options:"), each an item of its entry.
	"$NPCHECK" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' | while read -r c; do
		[ "$c" = help ] && continue
		item=$(printf '%s\n' "$cmds" | awk -v c="$c" '/^\.It Cm / { on = ($3 == c) } on { print }')
		"$NPCHECK" help "$c" | sed -n '/^Options:/,/^$/s/^  *\(-[a-z], \)*--\([a-z-]*\).*/\2/p' |
		while read -r o; do
			if printf '%s\n' "$item" | grep -Eq "^\.It Fl (.*Fl )?-$o( |\$)"; then
				echo "ok man/option/$c/--$o"
			else
				echo "not ok man/option/$c/--$o: not an item of the entry of $c"
			fi
		done
	done
fi

#!/bin/sh
# The option table include/options.def against the binary: no two options share a long
# name or a letter; every shown option is in some help (the global ones in `npcheck
# --help`, one of a command's own in the "Options:" of `npcheck help COMMAND`), so none
# is declared for no command; each command's help is its `COMMAND --help`; and every
# option a command's help shows is accepted by that command (not a usage error).
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
: "${NPCHECK:=./npcheck}"
def=include/options.def
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# OPTION(ID, 'x' or 0, "long", ...: the letter and the long name of each line.
sed -n 's/^OPTION([A-Z_]*, *\([^,]*\), *"\([^"]*\)".*/\1 \2/p' "$def" >"$tmp/names"
if [ ! -s "$tmp/names" ]; then
	echo "not ok options/table: no OPTION line read from $def"
	exit 0
fi
dup=$(awk '{ print $2 }' "$tmp/names" | sort | uniq -d)
dup="$dup$(awk '$1 != "0" { print $1 }' "$tmp/names" | sort | uniq -d)"
if [ -z "$dup" ]; then
	echo "ok options/unique-names"
else
	echo "not ok options/unique-names: declared twice: $dup"
fi

commands=$("$NPCHECK" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' |
	grep -v '^help$')
"$NPCHECK" --help >"$tmp/help"
for c in $commands; do
	"$NPCHECK" help "$c" >"$tmp/help.$c"
	cat "$tmp/help.$c" >>"$tmp/help"
	if "$NPCHECK" "$c" --help | cmp -s - "$tmp/help.$c"; then
		echo "ok options/help-flag/$c"
	else
		echo "not ok options/help-flag/$c: '$c --help' differs from 'help $c'"
	fi
done

# Every option with a help line (a hidden alias has none) is in some help.
grep -E '^OPTION|^ +"' "$def" | tr '\n' ' ' | sed 's/OPTION(/\nOPTION(/g' |
	sed -n 's/^OPTION([A-Z_]*, *[^,]*, *"\([^"]*\)", .*, NULL) *$/\1 hidden/p;
		s/^OPTION([A-Z_]*, *[^,]*, *"\([^"]*\)".*/\1 shown/p' |
	awk '!seen[$1]++' | while read -r long kind; do
		[ "$kind" = hidden ] && continue
		if grep -Eq -- "^  (-[a-z], |    )--$long( |\$)" "$tmp/help"; then
			echo "ok options/in-help/--$long"
		else
			echo "not ok options/in-help/--$long: in no help: no command takes it"
		fi
	done

# What a command's help shows, the command takes: given to it, no usage error about it.
for c in $commands; do
	bad=""
	for o in $("$NPCHECK" help "$c" | sed -n 's/^  *\(-[a-z], \)*--\([a-z-]*\).*/\2/p'); do
		case $o in help | version) continue ;; esac
		"$NPCHECK" "$c" "--$o" x </dev/null >/dev/null 2>"$tmp/err"
		grep -q "does not apply" "$tmp/err" && bad="$bad --$o"
	done
	if [ -z "$bad" ]; then
		echo "ok options/taken/$c"
	else
		echo "not ok options/taken/$c: help shows, command refuses:$bad"
	fi
done

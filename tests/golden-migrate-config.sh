#!/bin/sh
# One-off: tests/config/bad/NAME.{yaml,err} (a configuration every command rejects)
# become golden cases of tests/golden.sh, tests/config/bad-NAME/{NAME.yaml,args,stdout,
# stderr,status}, for `npcheck lint -c CONFIG tests/config/input`, as suite_config.sh
# ran them: stdout empty, stderr the .err file, status 3. The input moves (git mv), so
# the path in the message and in tests/cli/config-bad-reach is rewritten by sed.
set -eu
cd "$(dirname "$0")/.."
for cfg in tests/config/bad/*.yaml; do
	name=$(basename "$cfg" .yaml)
	dir=tests/config/bad-$name
	mkdir "$dir"
	git mv "$cfg" "$dir/$name.yaml"
	git mv "tests/config/bad/$name.err" "$dir/stderr"
	sed "s|tests/config/bad/$name\.yaml|$dir/$name.yaml|g" "$dir/stderr" >"$dir/stderr.new"
	mv "$dir/stderr.new" "$dir/stderr"
	: >"$dir/stdout"
	echo 3 >"$dir/status"
	echo "lint -c $dir/$name.yaml tests/config/input" >"$dir/args"
	git add "$dir"
done
rmdir tests/config/bad
c=tests/cli/config-bad-reach
for f in "$c/args" "$c/stderr"; do
	sed 's|tests/config/bad/bad-failon\.yaml|tests/config/bad-bad-failon/bad-failon.yaml|g' "$f" >"$f.new"
	mv "$f.new" "$f"
done
git add "$c"

#!/bin/sh
# npcheck diff: usage errors, --base on a throw-away git repository, and agreement with
# netpol-analyzer's expected diffs (../shared/peer).
#
# The golden cases, tests/diff/NAME/ (inputs old/ and new/, text output) and
# tests/diff/NAME-FMT/ (the same inputs in another format), are tests/golden.sh's.
# A peer case passes when tests/diff/compare.py finds nothing between netpol-analyzer's
# expected output and npcheck's, or exactly what tests/peer/known-diff/NAME.diff records
# under its "# " lines giving the reason.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npcheck=$NPCHECK
case $npcheck in /*) ;; *) npcheck=$PWD/$npcheck ;; esac

# Usage errors: exit 3, nothing on stdout.
usage_case() {
	label=$1
	shift
	"$npcheck" diff "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	if [ "$st" -eq 3 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]; then
		echo "ok diff/usage-$label"
	else
		echo "not ok diff/usage-$label: exit $st, want 3 with a message"
	fi
}
usage_case one-path tests/diff/changed/old
usage_case three-paths tests/diff/changed/old tests/diff/changed/new tests/diff/added/new
usage_case two-stdin - -
usage_case base-stdin --base HEAD -
usage_case base-option-like --base=-x .
usage_case format -o dot tests/diff/changed/old tests/diff/changed/new

# ---- --base on a git repository made here ----
base_check() {
	# base_check LABEL WANT_STATUS EXPECTED_STDOUT [EXPECTED_STDERR_GREP]
	label=$1 want=$2 exp=$3 errpat=${4:-}
	why=""
	[ "$st" -eq "$want" ] || why="exit $st, want $want"
	cmp -s "$tmp/out" "$exp" || why="${why:+$why; }stdout differs"
	if [ -n "$errpat" ]; then
		grep -q -e "$errpat" "$tmp/err" || why="${why:+$why; }stderr lacks '$errpat'"
	elif [ -s "$tmp/err" ]; then
		why="${why:+$why; }unexpected stderr: $(head -n 1 "$tmp/err")"
	fi
	if [ -z "$why" ]; then
		echo "ok diff/base-$label"
	else
		echo "not ok diff/base-$label: $why"
		diff -u "$exp" "$tmp/out" | head -n 20
		head -n 5 "$tmp/err"
	fi
}

if ! command -v git >/dev/null 2>&1; then
	echo "ok diff/base # skip git not found"
else
	src=$PWD/tests/diff/base
	repo=$tmp/repo
	mkdir -p "$repo" "$tmp/home" "$tmp/tmpdir" "$tmp/elsewhere"
	# A fresh machine: no user configuration, an identity for the commits.
	HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=npcheck GIT_AUTHOR_EMAIL=npcheck@example.invalid \
		GIT_COMMITTER_NAME=npcheck GIT_COMMITTER_EMAIL=npcheck@example.invalid TMPDIR=$tmp/tmpdir
	export HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
		GIT_COMMITTER_EMAIL TMPDIR
	empty=$tmp/empty
	: >"$empty"
	(
		cd "$repo" && git init -q . && cp -R "$src/old/." . && git add . &&
			git -c commit.gpgsign=false commit -q -m old &&
			rm -rf k8s && cp -R "$src/new/." . && mkdir tools
	) || echo "not ok diff/base: cannot set up a git repository"
	before=$(cd "$repo" && git status --porcelain)

	(cd "$repo" && "$npcheck" diff --base HEAD . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check root 1 "$src/stdout"
	(cd "$repo/k8s" && "$npcheck" diff --base HEAD >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check subdirectory 1 "$src/stdout"
	(cd "$repo/tools" && "$npcheck" diff --base HEAD ../k8s >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check dotdot 1 "$src/stdout"
	(cd "$repo/tools" && "$npcheck" diff --base HEAD "$repo/k8s" >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check absolute 1 "$src/stdout"
	(cd "$repo" && "$npcheck" diff --base HEAD k8s/pods.yaml >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check unchanged-file 0 "$empty"
	(cd "$repo" && "$npcheck" diff --base HEAD -o json k8s/pods.yaml k8s/notes.txt >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	printf '{"version": 1, "diff": []}\n' >"$tmp/want"
	base_check named-files 0 "$tmp/want"
	# A path the revision does not have: nothing before, so everything in it is added.
	mkdir "$repo/extra" && cp "$src/new/k8s/cache.yaml" "$repo/extra/"
	(cd "$repo" && "$npcheck" diff --base HEAD extra >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	{
		echo "Connectivity diff:"
		echo "diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: shop/cache[Deployment], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload shop/cache[Deployment] added"
		echo "diff-type: added, source: shop/cache[Deployment], destination: 0.0.0.0-255.255.255.255[External], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload shop/cache[Deployment] added"
		echo "diff-type: added, source: shop/cache[Deployment], destination: shop/cache[Deployment], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload shop/cache[Deployment] added"
	} >"$tmp/want"
	base_check new-path 1 "$tmp/want"
	rm -rf "$repo/extra"
	(cd "$repo" && "$npcheck" diff --base no-such-revision . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check unknown-revision 2 "$empty" "^npcheck diff: unknown revision 'no-such-revision'$"
	(cd "$repo" && "$npcheck" diff --base HEAD /etc >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check outside 2 "$empty" "^npcheck diff: '/etc' is outside the repository"
	(cd "$tmp/elsewhere" && "$npcheck" diff --base HEAD . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check not-a-repository 2 "$empty" "^npcheck diff: --base needs a git work tree: "

	# A revision holding a file that does not parse: its diagnostics carry the work
	# tree's path, after a line naming the revision, and the exit status is 2.
	(
		cd "$repo" && cp "$src/broken.yaml" k8s/broken.yaml && git add k8s/broken.yaml &&
			git -c commit.gpgsign=false commit -q -m broken && rm k8s/broken.yaml
	) || echo "not ok diff/base: cannot commit"
	(cd "$repo" && "$npcheck" diff --base HEAD k8s >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check old-error 2 "$src/stdout" "^k8s/broken.yaml:4:1: error: .*\[yaml-syntax\]$"
	if [ "$(head -n 1 "$tmp/err")" = "npcheck diff: at revision HEAD:" ]; then
		echo "ok diff/base-old-error-names-revision"
	else
		echo "not ok diff/base-old-error-names-revision: $(head -n 1 "$tmp/err")"
	fi

	# A file named on the command line is read at the revision under the name given,
	# whatever its extension, as the work tree reads it.
	(cd "$repo" && "$npcheck" diff --base HEAD k8s/broken.yaml k8s/pods.yaml >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	if [ "$st" -eq 2 ] && grep -q "^k8s/broken.yaml:4:1: error: .*\[yaml-syntax\]$" "$tmp/err" &&
		! grep -q "^k8s/broken.yaml[^:]" "$tmp/err"; then
		echo "ok diff/base-named-file-name"
	else
		echo "not ok diff/base-named-file-name: exit $st, $(head -n 3 "$tmp/err" | tr '\n' ' ')"
	fi
	(
		mkdir "$tmp/repo2" && cd "$tmp/repo2" && git init -q . &&
			printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: before, namespace: x}\n' >pods.txt &&
			git add pods.txt && git -c commit.gpgsign=false commit -q -m txt &&
			printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: after, namespace: x}\n' >pods.txt
	) || echo "not ok diff/base: cannot set up a second repository"
	(cd "$tmp/repo2" && "$npcheck" diff --base HEAD -o csv pods.txt >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	if [ "$st" -eq 1 ] && [ ! -s "$tmp/err" ] && grep -q ",x/before\[Pod\],All Connections,No Connections," "$tmp/out" &&
		grep -q ",x/after\[Pod\],No Connections,All Connections," "$tmp/out"; then
		echo "ok diff/base-named-file-any-extension"
	else
		echo "not ok diff/base-named-file-any-extension: exit $st: $(head -n 3 "$tmp/out" | tr '\n' ' ')"
	fi

	# ignorePaths applies to the revision's files as to the work tree's: a committed file
	# that does not parse, ignored, is neither parsed nor reported, with one parser or a
	# pool (policy-broken.yaml sorts between two files the pool reads in one batch).
	(
		cd "$repo" && cp "$src/broken.yaml" k8s/policy-broken.yaml &&
			git add k8s/policy-broken.yaml &&
			git -c commit.gpgsign=false commit -q -m broken2 && rm k8s/policy-broken.yaml
	) || echo "not ok diff/base: cannot commit"
	printf 'ignorePaths: ["**/*broken.yaml"]\n' >"$tmp/ignore.yaml"
	for j in 1 4; do
		(cd "$repo" && "$npcheck" diff -j $j -c "$tmp/ignore.yaml" --base HEAD k8s \
			>"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
		base_check ignore-paths-j$j 1 "$src/stdout"
	done
	(cd "$repo" && git reset -q --soft HEAD^ && git rm -q --cached k8s/policy-broken.yaml) ||
		echo "not ok diff/base: cannot undo the commit"

	# The revision is read with one `git ls-tree` and one `git cat-file --batch`, however
	# many files it has: a git on PATH that logs its commands counts them.
	realgit=$(command -v git)
	mkdir -p "$tmp/bin"
	printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$tmp/gitlog" "$realgit" >"$tmp/bin/git"
	chmod +x "$tmp/bin/git"
	: >"$tmp/gitlog"
	(cd "$repo" && PATH=$tmp/bin:$PATH "$npcheck" diff --base HEAD^ . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check git-processes 1 "$src/stdout"
	n_cat=$(grep -c '^cat-file' "$tmp/gitlog")
	n_all=$(wc -l <"$tmp/gitlog")
	if [ "$n_cat" -eq 1 ] && [ "$n_all" -le 4 ]; then
		echo "ok diff/base-one-cat-file"
	else
		echo "not ok diff/base-one-cat-file: $n_all git commands, $n_cat cat-file: $(tr '\n' ';' <"$tmp/gitlog")"
	fi

	# Stopped by SIGTERM while git reads the revision: the git process goes too. A git
	# whose cat-file hangs stands for a slow one.
	printf '#!/bin/sh\ncase "$*" in cat-file*) echo $$ >"%s"; exec sleep 30 ;; esac\nexec "%s" "$@"\n' \
		"$tmp/gitpid" "$realgit" >"$tmp/bin/git"
	rm -f "$tmp/gitpid"
	(cd "$repo" && PATH=$tmp/bin:$PATH exec "$npcheck" diff --base HEAD^ . >/dev/null 2>&1 </dev/null) &
	npid=$!
	i=0
	while [ ! -s "$tmp/gitpid" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -TERM "$npid" 2>/dev/null
	wait "$npid" 2>/dev/null
	st=$?
	gpid=$(cat "$tmp/gitpid" 2>/dev/null)
	i=0
	while [ -n "$gpid" ] && kill -0 "$gpid" 2>/dev/null && [ "$i" -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	if [ -z "$gpid" ]; then
		echo "not ok diff/base-sigterm: git cat-file never ran"
	elif kill -0 "$gpid" 2>/dev/null; then
		kill "$gpid" 2>/dev/null
		echo "not ok diff/base-sigterm: git (pid $gpid) still runs after npcheck got SIGTERM (exit $st)"
	elif [ "$st" -ne 143 ]; then
		echo "not ok diff/base-sigterm: exit $st, want 143 (killed by SIGTERM)"
	else
		echo "ok diff/base-sigterm"
	fi

	# No temporary copy: a TMPDIR that does not exist does not matter.
	(cd "$repo" && TMPDIR=$tmp/no/such/dir "$npcheck" diff --base HEAD^ . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check no-temporary-directory 1 "$src/stdout"

	# Crafted trees no checkout can hold: a path that is a file and a directory, a path
	# listed twice. Input errors (exit 2), not internal ones.
	(
		cd "$repo" &&
			b=$(git hash-object -w --stdin </dev/null) &&
			t=$(printf '100644 blob %s\tx.yaml\n' "$b" | git mktree) &&
			t2=$(printf '100644 blob %s\tk8s.yaml\n040000 tree %s\tk8s.yaml\n' "$b" "$t" | git mktree) &&
			git commit-tree -m file-and-dir "$t2" >"$tmp/c-file-dir" &&
			t3=$(printf '100644 blob %s\tx.yaml\n100644 blob %s\tx.yaml\n' "$b" "$b" | git mktree) &&
			git commit-tree -m twice "$t3" >"$tmp/c-twice"
	) || echo "not ok diff/base: cannot craft trees"
	(cd "$repo" && "$npcheck" diff --base "$(cat "$tmp/c-file-dir")" . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check file-and-directory 2 "$empty" "^npcheck diff: 'k8s.yaml' is both a file and a directory at revision '[0-9a-f]*': not a tree git can check out$"
	(cd "$repo" && "$npcheck" diff --base "$(cat "$tmp/c-twice")" . >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check path-twice 2 "$empty" "^npcheck diff: 'x.yaml' is there twice at revision '[0-9a-f]*': not a tree git can check out$"

	# A file of the revision over --max-input-size is not read (ls-tree gives its size):
	# an error at its line 1, the rest still compared, exit 2.
	(
		cd "$repo" && awk 'BEGIN { for (i = 0; i < 300; i++) print "# 0123456789" }' \
			>k8s/big.yaml && git add k8s/big.yaml &&
			git -c commit.gpgsign=false commit -q -m big && rm k8s/big.yaml
	) || echo "not ok diff/base: cannot commit"
	(cd "$repo" && "$npcheck" diff --base HEAD --max-input-size 2K k8s >"$tmp/out" 2>"$tmp/err" </dev/null); st=$?
	base_check over-limit 2 "$src/stdout" \
		"^k8s/big.yaml:1:1: error: cannot read: the file is over the limit of 2048 bytes (--max-input-size) \[yaml-syntax\]$"

	after=$(cd "$repo" && git status --porcelain)
	if [ "$before" = "$(printf '%s\n' "$after" | grep -v -e 'k8s/broken.yaml' -e 'k8s/big.yaml')" ]; then
		echo "ok diff/base-work-tree-untouched"
	else
		echo "not ok diff/base-work-tree-untouched"
	fi
	if [ -z "$(ls -A "$tmp/tmpdir")" ]; then
		echo "ok diff/base-temporary-removed"
	else
		echo "not ok diff/base-temporary-removed: $(ls -A "$tmp/tmpdir" | head -n 3)"
	fi
fi

# ---- netpol-analyzer's expected diffs ----
peer=${PEER_DIR:-../shared/peer/netpol-analyzer}
if [ ! -d "$peer/expected/diff" ]; then
	# ../shared sits beside the checkout in CI, where its absence is a failure; a
	# plain clone elsewhere has no peer data to compare with.
	if [ "${CI:-}" = true ]; then
		echo "not ok diff/peer: $peer not found"
	else
		echo "ok diff/peer # SKIP $peer not found"
	fi
	exit 0
fi
same=0
agree=0
total=0
for exp in "$peer"/expected/diff/*__vs__*.txt; do
	name=$(basename "$exp" .txt)
	new=${name%%__vs__*}
	old=${name##*__vs__}
	total=$((total + 1))
	"$npcheck" diff "$peer/cases/$old" "$peer/cases/$new" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	want=1
	[ -s "$exp" ] || want=0
	if [ "$st" -ne 0 ] && [ "$st" -ne 1 ]; then
		echo "not ok diff/peer/$name: exit $st: $(head -n 3 "$tmp/err")"
		continue
	fi
	# npcheck's own consistency: the diff is what the two lists imply.
	"$npcheck" list "$peer/cases/$old" >"$tmp/l1" 2>/dev/null
	"$npcheck" list "$peer/cases/$new" >"$tmp/l2" 2>/dev/null
	python3 tests/diff/compare.py --lists "$tmp/l1" "$tmp/l2" "$tmp/out" >"$tmp/self"
	if [ -s "$tmp/self" ]; then
		echo "not ok diff/self/$name: diff disagrees with list on $(wc -l <"$tmp/self") lines"
		head -n 10 "$tmp/self"
	else
		echo "ok diff/self/$name"
	fi
	python3 tests/diff/compare.py "$exp" "$tmp/out" >"$tmp/diff"
	known=tests/peer/known-diff/$name.diff
	if cmp -s "$exp" "$tmp/out"; then
		same=$((same + 1))
	fi
	if [ ! -s "$tmp/diff" ]; then
		agree=$((agree + 1))
		if [ -f "$known" ]; then
			echo "not ok diff/peer/$name: agrees now; remove $known"
		elif [ "$st" -ne "$want" ]; then
			echo "not ok diff/peer/$name: exit $st, want $want"
		else
			echo "ok diff/peer/$name"
		fi
	elif [ -f "$known" ] && grep -v '^#' "$known" | cmp -s - "$tmp/diff"; then
		echo "ok diff/peer/$name (known difference: $(sed -n 's/^# //p' "$known" | head -n 1))"
	else
		echo "not ok diff/peer/$name: $(wc -l <"$tmp/diff") differing lines"
		head -n 20 "$tmp/diff"
	fi
done
echo "# peer diff agreement: $same of $total identical byte for byte, $agree of $total equal modulo range cutting"

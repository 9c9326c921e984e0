#!/bin/sh
# The README's GitLab CI configuration, as written (every yaml block of its "GitLab CI"
# section), run by tests/gitlab/simulate.py as a runner would, offline: the network
# commands of before_script are stubbed (apt-get accepts only the packages the build
# needs, as `make deps` lists them; `git clone` of npcheck gives this tree; `make -C DIR
# install` installs ./npcheck as it is into a scratch prefix), everything else is real.
# A push: the lint job passes on warnings with its JUnit report in place, the diff job is
# skipped; an invalid policy fails the job, with a report that has the failure; a merge
# request: the diff job fetches the target branch and shows the change without failing.
# Skipped without python3 and its yaml module.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) ;; *) NPCHECK=$root/$NPCHECK ;; esac
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
	echo "ok gitlab # skipped: python3 with yaml is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tmp=$(cd "$tmp" && pwd -P)
export GIT_AUTHOR_NAME=npcheck GIT_AUTHOR_EMAIL=npcheck@example.invalid
export GIT_COMMITTER_NAME=npcheck GIT_COMMITTER_EMAIL=npcheck@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
unset CI_PIPELINE_SOURCE CI_MERGE_REQUEST_TARGET_BRANCH_NAME

# The configuration: the README's blocks, one document.
sed -n '/^### GitLab CI/,/^## /p' README.md |
	awk '/^```yaml/ { on = 1; print "---"; next } /^```/ { on = 0 } on' >"$tmp/gitlab-ci.yml"
if ! grep -q '^npcheck:' "$tmp/gitlab-ci.yml" || ! grep -q '^npcheck-diff:' "$tmp/gitlab-ci.yml"; then
	echo "not ok gitlab/readme: no npcheck and npcheck-diff jobs in the README's GitLab CI section"
	exit 0
fi

# Stubs for what needs the network or root; SIM is where absolute paths of the job land.
sim=$tmp/sim
real_git=$(command -v git)
real_make=$(command -v make)
mkdir -p "$tmp/stub" "$sim"
pkgs=$(sed -n 's/^[[:space:]]*for p in \(.*\); do.*/\1/p' Makefile | head -n 1)
cat >"$tmp/stub/apt-get" <<STUB
#!/bin/sh
[ "\$1" = install ] || exit 0
for p in "\$@"; do
	case \$p in install|-*) continue ;; esac
	case " build-essential git $pkgs " in *" \$p "*) ;; *) echo "E: Unable to locate package \$p" >&2; exit 100 ;; esac
done
STUB
cat >"$tmp/stub/git" <<STUB
#!/bin/sh
if [ "\$1" = clone ]; then
	for a in "\$@"; do dir=\$a; done
	mkdir -p "\$(dirname "$sim\$dir")" && ln -s "$root" "$sim\$dir" && exit 0
fi
exec "$real_git" "\$@"
STUB
cat >"$tmp/stub/make" <<STUB
#!/bin/sh
[ "\$1" = -C ] && [ "\$3" = install ] || exec "$real_make" "\$@"
exec "$real_make" -s -C "$sim\$2" install PREFIX="$sim/usr/local" INSTALL_BIN="$NPCHECK"
STUB
chmod +x "$tmp/stub/"*
jobpath=$tmp/stub:$sim/usr/local/bin:$PATH

# The merge request's target branch main in origin; the project is a clone of it.
mkdir -p "$tmp/seed/manifests"
cp examples/and-selector/*.yaml "$tmp/seed/manifests/"
git -C "$tmp/seed" init -q -b main && git -C "$tmp/seed" add -A && git -C "$tmp/seed" commit -q -m base
git clone -q --bare "$tmp/seed" "$tmp/origin.git"
git clone -q "$tmp/origin.git" "$tmp/project"

# job NAME JOB [VAR=VALUE...]: the job's report in $tmp/NAME.out, its log in $tmp/NAME.log.
job() {
	n=$1 j=$2
	shift 2
	rm -rf "$sim/tmp" "$sim/usr"
	env PATH="$jobpath" "$@" python3 "$root/tests/gitlab/simulate.py" "$tmp/gitlab-ci.yml" \
		"$tmp/project" "$j" >"$tmp/$n.out" 2>"$tmp/$n.log"
}

# check NAME FILE PATTERN...: each fixed string in FILE ("!PATTERN": not in it).
check() {
	name=$1 file=$2
	shift 2
	for p in "$@"; do
		case $p in
		!*) if grep -qF -- "${p#!}" "$file"; then
			echo "not ok gitlab/$name: '${p#!}' in $(basename "$file")"
			sed 's/^/# /' "$file" | head -n 12
			return
		fi ;;
		*) if ! grep -qF -- "$p" "$file"; then
			echo "not ok gitlab/$name: no '$p' in $(basename "$file")"
			sed 's/^/# /' "$file" | head -n 12
			return
		fi ;;
		esac
	done
	echo "ok gitlab/$name"
}

# junit NAME FAILURES: the project's npcheck.xml is a JUnit report with that many failures.
junit() {
	got=$(python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(r.tag, r.get("failures"), sum(1 for c in r.iter("testcase")))' "$tmp/project/npcheck.xml" 2>&1)
	case $got in
	"testsuites $2 "[1-9]*) echo "ok gitlab/$1" ;;
	*) echo "not ok gitlab/$1: npcheck.xml: '$got', want testsuites with $2 failures and test cases" ;;
	esac
}

# A push: lint passes (warnings and infos only), the report is there; no diff job.
job push npcheck CI_PIPELINE_SOURCE=push
check push-lint "$tmp/push.out" "ran npcheck (exit 0)" "job succeeded" "junit npcheck.xml present"
junit push-junit 0
job push-diff npcheck-diff CI_PIPELINE_SOURCE=push
check push-no-diff "$tmp/push-diff.out" "skipped npcheck-diff"

# An invalid policy: the job fails, and its report says why.
cp tests/fail/endport-less-than-port/endport-less-than-port.yaml "$tmp/project/manifests/"
job error npcheck CI_PIPELINE_SOURCE=push
check error-fails "$tmp/error.out" "ran npcheck (exit 1)" "job failed" "junit npcheck.xml present"
junit error-junit 1
rm "$tmp/project/manifests/endport-less-than-port.yaml" "$tmp/project/npcheck.xml"

# A merge request that replaces the AND'd peer by an or-trap: the diff job shows it and
# passes (diff exits 1 when something changed).
git -C "$tmp/project" checkout -q -b change
cp examples/or-trap/netpol.yaml "$tmp/project/manifests/netpol.yaml"
git -C "$tmp/project" commit -q -am change
git -C "$tmp/project" update-ref -d refs/remotes/origin/main
job mr npcheck-diff CI_PIPELINE_SOURCE=merge_request_event CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main
check mr-diff "$tmp/mr.out" "ran npcheck-diff (exit 0)" "job succeeded"
check mr-diff-log "$tmp/mr.log" "Connectivity diff:" "orders/api[Deployment]"

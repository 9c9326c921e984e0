#!/bin/sh
# The GitHub Action (action.yml, action/lint.sh) run as a runner would, offline
# (tests/action/simulate.py; skipped without python3 and its yaml module): inputs for
# paths, format, fail-on, working directory, config and upload-sarif; the SARIF upload
# only where the token may write (not a fork's pull request); the job summary with the
# findings and, for a pull request, the connectivity change against its base; the job
# failing on the status after the upload; the README's workflow using the action, and its
# plain steps without the action, as written.
# Prints one line per case, "ok NAME" or "not ok NAME: why".
cd "$(dirname "$0")/.." || exit 4
root=$(pwd)
: "${NPCHECK:=./npcheck}"
case $NPCHECK in /*) ;; *) NPCHECK=$root/$NPCHECK ;; esac
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
	echo "ok action # skipped: python3 with yaml is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tmp=$(cd "$tmp" && pwd -P)
export GIT_AUTHOR_NAME=npcheck GIT_AUTHOR_EMAIL=npcheck@example.invalid
export GIT_COMMITTER_NAME=npcheck GIT_COMMITTER_EMAIL=npcheck@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
unset GITHUB_BASE_REF GITHUB_EVENT_PATH GITHUB_ACTOR

# A repository as actions/checkout leaves it: manifests in deploy/, the base branch main
# fetched as origin/main, and the pull request's change (a policy removed) checked out.
ws=$tmp/ws
mkdir -p "$ws/deploy"
cp examples/and-selector/*.yaml "$ws/deploy/"
git -C "$ws" init -q -b main && git -C "$ws" add -A && git -C "$ws" commit -q -m base
git -C "$ws" update-ref refs/remotes/origin/main HEAD
git -C "$ws" checkout -q -b change
cp examples/or-trap/netpol.yaml "$ws/deploy/netpol.yaml"
git -C "$ws" commit -q -am change

# run NAME [INPUT=VALUE...]: the action, its report in $tmp/NAME.out, its summary in
# $tmp/NAME.md, its log in $tmp/NAME.log.
run() {
	n=$1
	shift
	: >"$tmp/$n.md"
	GITHUB_STEP_SUMMARY=$tmp/$n.md RUNNER_TEMP=$tmp/runner-$n python3 tests/action/simulate.py "$root" "$ws" \
		npcheck="$NPCHECK" "$@" >"$tmp/$n.out" 2>"$tmp/$n.log"
}

# check NAME FILE PATTERN...: each fixed string in FILE ("!PATTERN": not in it).
check() {
	name=$1 file=$2
	shift 2
	for p in "$@"; do
		case $p in
		!*) if grep -qF -- "${p#!}" "$file"; then
			echo "not ok action/$name: '${p#!}' in $(basename "$file")"
			sed 's/^/# /' "$file" | head -n 12
			return
		fi ;;
		*) if ! grep -qF -- "$p" "$file"; then
			echo "not ok action/$name: no '$p' in $(basename "$file")"
			sed 's/^/# /' "$file" | head -n 12
			return
		fi ;;
		esac
	done
	echo "ok action/$name"
}

# A push: findings fail the job at warning, after the SARIF upload; summary table.
GITHUB_EVENT_NAME=push run push fail-on=warning path=deploy
check push-steps "$tmp/push.out" "skipped Install libraries" "skipped Build npcheck" "ran Lint" \
	"uses Upload SARIF github/codeql-action/upload-sarif@v3 sarif_file=$tmp/runner-push/npcheck.sarif" \
	"ran Fail on findings (exit 1)" "job failed" "output status=1"
sarif=$(sed -n 's/^output sarif-file=//p' "$tmp/push.out")
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; sys.exit(not r)' "$sarif" 2>/dev/null; then
	echo "ok action/push-sarif"
else
	echo "not ok action/push-sarif: no SARIF log with results at '$sarif'"
fi
check push-sarif-root "$sarif" '"uri": "deploy/netpol.yaml"'
check push-summary "$tmp/push.md" "### npcheck lint" "| Severity | Rule | Location | Message |" \
	'| warning | `or-trap` | deploy/netpol.yaml:16:5 |' "!Connectivity change"

# Clean at the default fail-on: the job succeeds, the log is still uploaded.
GITHUB_EVENT_NAME=push run clean path=deploy
check clean "$tmp/clean.out" "ran Lint" "uses Upload SARIF" "skipped Fail on findings" \
	"job succeeded" "output status=0"

# A pull request from a fork: no upload (its token is read-only), the summary shows the
# connectivity change against origin/main.
printf '{"pull_request": {"head": {"repo": {"full_name": "someone/fork"}}}, "repository": {"full_name": "owner/repo"}}\n' >"$tmp/fork.json"
GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH=$tmp/fork.json GITHUB_BASE_REF=main \
	run fork path=deploy
check fork-no-upload "$tmp/fork.out" "skipped Upload SARIF" "job succeeded"
check fork-log "$tmp/fork.log" "pull request from a fork cannot upload"
check fork-summary "$tmp/fork.md" "### npcheck lint" "### Connectivity change against origin/main" \
	"| diff-type | source | destination |" "orders/api[Deployment]"
# The same repository's pull request uploads.
printf '{"pull_request": {"head": {"repo": {"full_name": "owner/repo"}}}, "repository": {"full_name": "owner/repo"}}\n' >"$tmp/same.json"
GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH=$tmp/same.json GITHUB_BASE_REF=main \
	run same path=deploy
check same-repo-upload "$tmp/same.out" "uses Upload SARIF"

# upload-sarif: false, format github (annotations from the repository root, run from a
# subdirectory), and a configuration.
printf 'failOn: warning\n' >"$ws/deploy/strict.yaml.cfg"
GITHUB_EVENT_NAME=push run github format=github working-directory=deploy path=. \
	config=strict.yaml.cfg
check github-annotations "$tmp/github.log" "::warning file=deploy/netpol.yaml,line=16,col=5,title=or-trap::"
check github-no-upload "$tmp/github.out" "skipped Upload SARIF" "output status=1" "job failed"
GITHUB_EVENT_NAME=push run noupload upload-sarif=false path=deploy
check upload-false "$tmp/noupload.out" "skipped Upload SARIF" "ran Lint"

# Wrong inputs and a path that does not exist: no upload, the job fails.
GITHUB_EVENT_NAME=push run badformat format=junit
check bad-format "$tmp/badformat.out" "skipped Upload SARIF" "output status=3" "job failed"
check bad-format-message "$tmp/badformat.log" "input format must be sarif or github"
GITHUB_EVENT_NAME=push run missing path=nosuch
check missing-path "$tmp/missing.out" "output status=2" "job failed"
check missing-path-message "$tmp/missing.log" "no such file or directory: 'nosuch'"

# The README's workflow, as written: the inputs of its step that uses the action.
inputs=$(sed -n '/^### GitHub Actions/,/^### GitLab CI/p' README.md |
	awk '/^```yaml/ && !n { on = 1; n = 1; next } /^```/ { on = 0 } on' | python3 -c '
import sys, yaml
wf = yaml.safe_load(sys.stdin)
for job in wf["jobs"].values():
    for step in job["steps"]:
        if "npcheck@" in step.get("uses", ""):
            for k, v in (step.get("with") or {}).items():
                print(f"{k}={v}")' 2>/dev/null)
if [ -z "$inputs" ]; then
	echo "not ok action/readme-workflow: no step using the action in the README's workflow"
else
	# shellcheck disable=SC2086 # one NAME=VALUE a line, no spaces in them
	GITHUB_EVENT_NAME=push run readme $inputs
	check readme-workflow "$tmp/readme.out" "ran Lint" "uses Upload SARIF" "output status=1" \
		"job failed"
	check readme-workflow-summary "$tmp/readme.md" '| warning | `or-trap` | deploy/netpol.yaml:16:5 |'
fi

# The README's plain steps (its second workflow block), as written, with npcheck on the
# PATH: SARIF written and uploaded, the summary table, the job failing only on findings.
mkdir -p "$tmp/plain" "$tmp/plainbin"
ln -sf "$NPCHECK" "$tmp/plainbin/npcheck"
sed -n '/^### GitHub Actions/,/^### GitLab CI/p' README.md |
	awk '/^```yaml/ { n++; on = n == 2; next } /^```/ { on = 0 } on' | python3 -c '
import sys, yaml
steps = yaml.safe_load(sys.stdin)
yaml.safe_dump({"name": "README steps", "runs": {"using": "composite", "steps": steps}}, sys.stdout)' \
	>"$tmp/plain/action.yml" 2>"$tmp/plain.err"
# plain NAME: the steps run in the workspace, as run() runs the action.
plain() {
	: >"$tmp/$1.md"
	PATH="$tmp/plainbin:$PATH" GITHUB_EVENT_NAME=push GITHUB_STEP_SUMMARY=$tmp/$1.md \
		RUNNER_TEMP=$tmp/runner-$1 python3 tests/action/simulate.py "$tmp/plain" "$ws" \
		>"$tmp/$1.out" 2>"$tmp/$1.log"
}
if ! grep -q 'upload-sarif' "$tmp/plain/action.yml"; then
	echo "not ok action/readme-steps: no steps uploading SARIF in the README's second block: $(head -c 200 "$tmp/plain.err")"
else
	plain steps
	check readme-steps "$tmp/steps.out" "ran Lint" \
		"uses ? github/codeql-action/upload-sarif@v3 category=npcheck sarif_file=npcheck.sarif" \
		"skipped Fail on findings" "job succeeded"
	check readme-steps-summary "$tmp/steps.md" '| warning | `or-trap` | deploy/netpol.yaml:16:5 |'
	check readme-steps-sarif "$ws/npcheck.sarif" '"uri": "deploy/netpol.yaml"'
	cp tests/fail/endport-less-than-port/endport-less-than-port.yaml "$ws/deploy/"
	plain steps-error
	check readme-steps-error "$tmp/steps-error.out" "ran Lint" "uses ? github/codeql-action/upload-sarif@v3" \
		"ran Fail on findings (exit 1)" "job failed"
	rm -f "$ws/deploy/endport-less-than-port.yaml" "$ws/npcheck.sarif"
fi

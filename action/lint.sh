#!/usr/bin/env bash
# The Lint step of action.yml: run npcheck lint as the inputs say, write the job summary,
# decide whether the SARIF log may be uploaded, and report on $GITHUB_OUTPUT:
#   status      npcheck lint's exit status (0 clean, 1 findings, 2 unreadable input,
#               3 usage or configuration, 4 internal)
#   upload      true when the SARIF log is complete and may be uploaded
#   sarif-file  where the SARIF log is
# It always exits 0: the action's last step fails the job on the status, after the upload.
# Inputs come as NPCHECK_* variables (action.yml); word splitting of NPCHECK_PATH and
# NPCHECK_ARGS is intended (several paths or arguments).
set -u

out=${GITHUB_OUTPUT:-/dev/null}
bin=${NPCHECK_BIN:-}
[ -n "$bin" ] || bin=$GITHUB_ACTION_PATH/npcheck
format=${NPCHECK_FORMAT:-sarif}
sarif=${RUNNER_TEMP:-$PWD}/npcheck.sarif

report() {
	{
		echo "status=$1"
		echo "upload=$2"
		echo "sarif-file=$sarif"
	} >>"$out"
	echo "npcheck lint exited $1"
	exit 0
}

case $format in
sarif | github) ;;
*)
	echo "::error title=npcheck::input format must be sarif or github, not '$format'"
	report 3 false
	;;
esac
case ${NPCHECK_UPLOAD:-auto} in
auto | true | false) ;;
*)
	echo "::error title=npcheck::input upload-sarif must be auto, true or false, not '$NPCHECK_UPLOAD'"
	report 3 false
	;;
esac

opts=()
[ -n "${NPCHECK_FAIL_ON:-}" ] && opts+=(--fail-on "$NPCHECK_FAIL_ON")
[ -n "${NPCHECK_CONFIG:-}" ] && opts+=(-c "$NPCHECK_CONFIG")
# shellcheck disable=SC2206 # several arguments and paths, split at spaces
opts+=(${NPCHECK_ARGS:-})
# shellcheck disable=SC2206
paths=(${NPCHECK_PATH:-.})

if [ "$format" = sarif ]; then
	"$bin" lint -o sarif "${opts[@]}" "${paths[@]}" >"$sarif"
	status=$?
else
	# Workflow commands on stdout: the runner turns them into annotations.
	"$bin" lint -o github "${opts[@]}" "${paths[@]}"
	status=$?
fi

# The job summary: the findings, and for a pull request the connectivity change.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	"$bin" lint -o md "${opts[@]}" "${paths[@]}" >>"$GITHUB_STEP_SUMMARY" 2>/dev/null
	base=${NPCHECK_BASE:-}
	if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ] &&
		git rev-parse --verify -q "origin/$GITHUB_BASE_REF^{commit}" >/dev/null 2>&1; then
		base=origin/$GITHUB_BASE_REF
	fi
	if [ -n "$base" ]; then
		diff_md=$("$bin" diff --base "$base" -o md "${paths[@]}" 2>/dev/null)
		dst=$?
		{
			printf '\n### Connectivity change against %s\n\n' "$base"
			if [ "$dst" -eq 0 ]; then
				echo "No connection added, removed or changed."
			elif [ "$dst" -eq 1 ]; then
				printf '%s\n' "$diff_md"
			else
				echo "npcheck diff could not compare (status $dst): is the base fetched (actions/checkout with fetch-depth: 0)?"
			fi
		} >>"$GITHUB_STEP_SUMMARY"
	fi
fi

# Upload only a complete log (statuses 0-2), and in auto mode only where the token may
# write code scanning alerts: not for a pull request from a fork, nor Dependabot's.
fork() {
	case ${GITHUB_EVENT_NAME:-} in
	pull_request | pull_request_review | pull_request_review_comment) ;;
	*) return 1 ;;
	esac
	[ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 1
	python3 - "$GITHUB_EVENT_PATH" 2>/dev/null <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
head = (((e.get("pull_request") or {}).get("head") or {}).get("repo") or {}).get("full_name")
base = (e.get("repository") or {}).get("full_name")
sys.exit(0 if head and base and head != base else 1)
PY
}
upload=false
if [ "$format" = sarif ] && [ "$status" -le 2 ]; then
	case ${NPCHECK_UPLOAD:-auto} in
	true) upload=true ;;
	auto)
		if fork; then
			echo "npcheck: a pull request from a fork cannot upload to code scanning; skipping the upload"
		elif [ "${GITHUB_ACTOR:-}" = "dependabot[bot]" ]; then
			echo "npcheck: Dependabot's token cannot upload to code scanning; skipping the upload"
		else
			upload=true
		fi
		;;
	esac
fi
report "$status" "$upload"

#!/bin/sh
# diff weighs only the pairs either side's rules make candidates (connlist_candidates):
# check it misses none. For every example, conformance case, lint case and
# netpol-analyzer case, `diff INPUT EMPTY` must give as removed exactly the endpoint
# pairs `list INPUT` prints, with the same connections, and `diff EMPTY INPUT` the same
# pairs as added (tests/diffpairs/check.py).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zz-diffpairs-empty\n' \
	>"$tmp/empty/ns.yaml"
peer=${PEER_DIR:-../shared/peer/netpol-analyzer}/cases
set -- examples/*/ tests/conformance/*/manifests tests/lint/*/
[ -d "$peer" ] && set -- "$@" "$peer"/*/
python3 tests/diffpairs/check.py "$NPCHECK" "$tmp/empty" "$@"

#!/usr/bin/env bash
# `netpold diff` as a CI gate, against a real server: its exit status for no change (0), a change
# (1), an error (2) and each --fail-on direction; the Markdown report; `netpold lint`'s exit
# statuses; and that neither stores anything.
# The README's CI job runs the same command line.
# Usage: scripts/review.sh [NETPOLD_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
. scripts/lib.sh
netpold_start "$work" "$BIN" serve --db "$work/db" --port 0 --log-level warning || fail "server did not start"
np() { "$BIN" "$@" --server "$url"; }
np apply -f examples/pods.yaml >/dev/null 2>&1
np apply -f examples/deny-ingress.yaml -n shop >/dev/null
np apply -f examples/backend-from-frontend.yaml -n shop >/dev/null
revision=$(curl -s "$url/readyz")

# status COMMAND...: runs it, output in $work/out, prints its exit status.
status() { set +e; "$@" >"$work/out" 2>&1; local code=$?; set -e; echo $code; }

[ "$(status np diff -f examples/backend-from-frontend.yaml -n shop)" = 0 ] || fail "an unchanged policy did not exit 0: $(cat "$work/out")"
grep -q "No connectivity changes" "$work/out" || fail "no-change text: $(cat "$work/out")"
echo "no change: exit 0"

[ "$(status np diff -f examples/review/backend-from-frontend.yaml -n shop)" = 1 ] || fail "a widening change did not exit 1: $(cat "$work/out")"
grep -qE "^~ +shop/storefront +shop/cache +TCP 6379 +TCP 6379, 9090$" "$work/out" || fail "change text: $(cat "$work/out")"
[ "$(status np diff -f examples/review/backend-from-frontend.yaml -n shop --fail-on lost)" = 0 ] || fail "--fail-on lost failed on a change that only opens"
[ "$(status np diff -f examples/review/backend-from-frontend.yaml -n shop --fail-on gained)" = 1 ] || fail "--fail-on gained passed a change that opens"
echo "a change that opens a port: exit 1 (any, gained), 0 (lost)"

# The reverse: the store has 6379 and 9090, the bundle only 6379 (it closes 9090).
np apply -f examples/review/backend-from-frontend.yaml -n shop >/dev/null
[ "$(status np diff -f examples/backend-from-frontend.yaml -n shop --fail-on gained)" = 0 ] || fail "--fail-on gained failed a change that only closes: $(cat "$work/out")"
[ "$(status np diff -f examples/backend-from-frontend.yaml -n shop --fail-on lost)" = 1 ] || fail "--fail-on lost passed a change that closes"
# Without the default deny (replace mode deletes what the bundle leaves out), shop/web opens to
# everyone: gained pairs, marked +.
sed 's/^  name: backend-from-frontend$/&\n  namespace: shop/' examples/review/backend-from-frontend.yaml >"$work/policy.yaml"
[ "$(status np diff -f examples/pods.yaml -f "$work/policy.yaml" --mode replace)" = 1 ] || fail "replace mode: $(cat "$work/out")"
grep -qE "^\+ +trusted/billing +shop/web +none +all ports$" "$work/out" || fail "gained text: $(cat "$work/out")"
echo "a change that closes a port: exit 0 (gained), 1 (lost); replace mode lists what deleting opens"

np diff -f examples/backend-from-frontend.yaml -n shop -o md >"$work/md" || true
grep -q "^### netpold: connectivity changes" "$work/md" || fail "markdown heading: $(cat "$work/md")"
grep -qF '| ✏️ changed | `shop/storefront` | `shop/cache` | TCP 6379, 9090 | TCP 6379 |' "$work/md" || fail "markdown row: $(cat "$work/md")"
np diff -f examples/backend-from-frontend.yaml -n shop -o json >"$work/json" || true
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['summary']['pairsChanged']==1, d" "$work/json" || fail "json output"
echo "markdown and json reports"

[ "$(status np diff -f examples/sandbox-allow-typo.yaml)" = 2 ] || fail "an invalid bundle did not exit 2"
grep -q "namespaceSelector" "$work/out" || fail "the invalid bundle's error: $(cat "$work/out")"
[ "$(status np diff -f examples/backend-from-frontend.yaml -n shop --group-by team)" = 2 ] || fail "a bad flag did not exit 2"
[ "$(status "$BIN" diff -f examples/backend-from-frontend.yaml --server http://127.0.0.1:9)" = 2 ] || fail "no server did not exit 2"
echo "errors: exit 2"

# netpold lint: the same exit statuses, by severity.
[ "$(status np lint)" = 0 ] || fail "the examples' store has findings: $(cat "$work/out")"
cat >"$work/nobody.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-nobody, namespace: shop}
spec:
  podSelector: {matchLabels: {app: nobody}}
  ingress: [{from: [{podSelector: {}}]}]
EOF
[ "$(status np lint -f "$work/nobody.yaml")" = 1 ] || fail "a policy that selects no pod did not exit 1: $(cat "$work/out")"
grep -q "SelectsNoPods" "$work/out" || fail "lint text: $(cat "$work/out")"
[ "$(status np lint -f "$work/nobody.yaml" --severity error)" = 0 ] || fail "--severity error counted a warning"
[ "$(status np lint -f examples/sandbox-allow-typo.yaml)" = 2 ] || fail "lint of an invalid file did not exit 2"
echo "netpold lint: exit 0 clean, 1 at or above --severity, 2 on error"

# Hundreds of findings on one write through the real server: the Warning headers stay small
# enough for libmicrohttpd to send the answer (every finding is in the body).
for i in $(seq 1 300); do
    printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: selects-nobody-with-a-long-name-%s, namespace: shop}\nspec: {podSelector: {matchLabels: {app: nobody-%s}}}\n---\n' "$i" "$i"
done >"$work/many.yaml"
code=$(curl -s -D "$work/headers" -o "$work/many.json" -w "%{http_code}" -X POST "$url/v1/import?dryRun=true" \
    -H "Content-Type: application/yaml" --data-binary @"$work/many.yaml")
[ "$code" = 200 ] || fail "an import with 300 findings answered $code"
python3 -c "import json,sys; w=json.load(open(sys.argv[1]))['warnings']; assert len(w) == 300, len(w)" "$work/many.json" || fail "findings in the body"
grep -c "^Warning: 299" "$work/headers" | python3 -c "import sys; n=int(sys.stdin.read()); assert 1 < n <= 50, n" || fail "Warning headers"
echo "300 findings on one import: all in the body, a bounded set of Warning headers"

after=$(curl -s "$url/readyz")
expected=$(echo "$revision" | python3 -c "import json,sys; print(json.load(sys.stdin)['revision'] + 1)")
echo "$after" | python3 -c "import json,sys; r=json.load(sys.stdin)['revision']; assert r == $expected, r" || fail "a diff stored something: $after"
echo "diffs stored nothing"

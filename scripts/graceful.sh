#!/usr/bin/env bash
# Graceful shutdown: a SIGTERM during a large import lets the import finish (200), refuses new
# connections, closes the database, and exits 0; the import's objects are there after a restart.
# Usage: scripts/graceful.sh [NETPOLD_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
work=$(mktemp -d)
trap 'kill -9 $server 2>/dev/null || true; rm -rf "$work"' EXIT
. scripts/lib.sh
start() { netpold_start "$work" "$BIN" serve --db "$work/db" --port 0 --log-level info || exit 1; }
python3 - "$work/bundle.json" <<'PY'
import json, sys
items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "g"}}]
items += [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": "g", "annotations": {"f": "x" * 300}},
           "status": {"podIP": f"10.9.{i // 250}.{i % 250 + 1}"}} for i in range(20000)]
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(sys.argv[1], "w"))
PY
start
curl -s -o "$work/import.out" -w "%{http_code}" -X POST "$url/v1/import" -H 'Content-Type: application/json' \
    --data-binary @"$work/bundle.json" >"$work/import.code" &
client=$!
sleep 0.3
kill -TERM "$server"
sleep 0.2
if curl -s -m 2 -o /dev/null "$url/healthz"; then echo "FAIL: a new connection was accepted while stopping"; exit 1; fi
echo "new connections refused while stopping"
wait "$client" || true
code=$(cat "$work/import.code")
[ "$code" = 200 ] || { echo "FAIL: the import in flight answered $code"; cat "$work/err"; exit 1; }
echo "the import in flight finished: $code"
wait "$server"; status=$?
[ $status -eq 0 ] || { echo "FAIL: the server exited $status"; exit 1; }
grep -q "database closed" "$work/err" || { echo "FAIL: no clean close logged"; cat "$work/err"; exit 1; }
echo "server exited 0 after closing the database"
start
count=$(curl -s "$url/api/v1/namespaces/g/pods" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
[ "$count" = 20000 ] || { echo "FAIL: after restart the store holds ${count} pods"; exit 1; }
echo "after restart all 20000 imported pods are there"
kill "$server"; wait "$server" || true
echo "graceful shutdown passed"

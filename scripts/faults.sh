#!/usr/bin/env bash
# Fault drills against a real server (run as root; CI runs it):
#   1. kill -9 during large imports, many times: the database holds the state before or after, never between;
#   2. a full disk: writes answer 503, decisions keep working, the server recovers when space returns;
#   3. a read-only database file: the same.
# Usage: scripts/faults.sh [NETPOLD_BINARY] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
ITERATIONS=${2:-12}
work=$(mktemp -d)
mnt="$work/mnt"
server=""
cleanup() {
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
    # The read-only drill runs the server under runuser: killing runuser leaves its child running.
    pkill -9 -f -- "--db $work/" 2>/dev/null || true
    mountpoint -q "$mnt" 2>/dev/null && umount "$mnt" || true
    rm -rf "$work"
}
trap cleanup EXIT

. scripts/lib.sh
start() { netpold_start "$work" "$BIN" serve --db "$1" --port 0 --log-level warning || exit 1; } # $1 = database path
code() { curl -s -o "$work/body" -w "%{http_code}" "$@"; }
fail() { echo "FAIL: $*"; [ -f "$work/body" ] && head -c 400 "$work/body" && echo; exit 1; }

# Two bundles of the same namespace set: state A labels every pod a=1, state B labels them a=2 and adds more pods.
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def bundle(value, pods):
    items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns-{n}"}} for n in range(5)]
    for n in range(5):
        for p in range(pods):
            items.append({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": f"pod-{p}", "namespace": f"ns-{n}", "labels": {"state": value},
                                       "annotations": {"filler": "x" * 400}},
                          "status": {"podIP": f"10.{n}.{p // 250}.{p % 250 + 1}"}})
    return {"apiVersion": "v1", "kind": "List", "items": items}
json.dump(bundle("a", 1000), open(f"{work}/a.json", "w"))
json.dump(bundle("b", 1600), open(f"{work}/b.json", "w"))
PY
state_of() { # prints "a", "b" or "mixed:<details>"
    curl -s "$url/v1/export" -H "Accept: application/json" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
pods = [i for i in items if i["kind"] == "Pod"]
states = {p["metadata"]["labels"]["state"] for p in pods}
expected = {"a": 5000, "b": 8000}
if len(states) == 1 and len(pods) == expected[next(iter(states))]: print(next(iter(states)))
else: print("mixed:%d pods, states %s" % (len(pods), sorted(states)))'
}

echo "1/3 kill -9 during imports ($ITERATIONS times)"
start "$work/crash.db"
[ "$(code -X POST "$url/v1/import?mode=replace" -H 'Content-Type: application/json' --data-binary @"$work/b.json")" = 200 ] || fail "initial import"
# Time one import so the kills land before, during and after the commit.
import_ms=0
for bundle in a b a; do
    began=$(date +%s%N)
    [ "$(code -X POST "$url/v1/import?mode=replace" -H 'Content-Type: application/json' --data-binary @"$work/$bundle.json")" = 200 ] || fail "timing import"
    took=$(( ($(date +%s%N) - began) / 1000000 ))
    [ $took -gt $import_ms ] && import_ms=$took
done
echo "   the slower import takes ${import_ms} ms; kills land at random points up to 1.5 times that"
current=a
declare -A seen=()
for i in $(seq 1 "$ITERATIONS"); do
    next=$([ "$current" = a ] && echo b || echo a)
    curl -s -o /dev/null -X POST "$url/v1/import?mode=replace" -H 'Content-Type: application/json' --data-binary @"$work/$next.json" &
    client=$!
    delay_ms=$(( 20 + RANDOM % (import_ms * 3 / 2 + 1) ))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$server"; wait "$server" 2>/dev/null || true
    wait "$client" 2>/dev/null || true
    start "$work/crash.db"
    state=$(state_of)
    case "$state" in
        a|b) current=$state; seen[$state]=1 ;;
        *) fail "iteration $i: the database holds neither state: $state" ;;
    esac
    echo "   iteration $i: killed ${delay_ms} ms into importing $next; after restart the store holds state $state"
done
[ ${#seen[@]} -eq 2 ] || echo "   (every kill landed on the same side of the commit this run)"
kill -9 "$server"; wait "$server" 2>/dev/null || true; server=""

echo "2/3 full disk"
mkdir -p "$mnt"
mount -t tmpfs -o size=3m tmpfs "$mnt" || fail "cannot mount a tmpfs (the drill needs root)"
start "$mnt/netpold.db"
curl -s -o /dev/null -X POST "$url/api/v1/namespaces" -H 'Content-Type: application/json' -d '{"metadata":{"name":"ns-0"}}'
curl -s -o /dev/null -X POST "$url/api/v1/namespaces/ns-0/pods" -H 'Content-Type: application/json' \
    -d '{"metadata":{"name":"p"},"status":{"podIP":"10.0.0.1"}}'
status=$(code -X POST "$url/v1/import?mode=apply" -H 'Content-Type: application/json' --data-binary @"$work/b.json")
[ "$status" = 503 ] || fail "an import that fills the disk answered $status, not 503"
echo "   import onto a full disk: 503 $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"][:90])' "$work/body")"
[ "$(code "$url/v1/decide?from=ns-0/p&to=8.8.8.8&port=53")" = 200 ] || fail "decisions stopped on a full disk"
[ "$(curl -s "$url/api/v1/namespaces/ns-0/pods" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" = 1 ] || fail "the failed import left objects behind"
echo "   decisions still answer 200 and nothing of the failed import was stored"

echo "3/3 read-only database file"
kill -9 "$server"; wait "$server" 2>/dev/null || true; server=""
umount "$mnt"
chmod 755 "$work"
mkdir -p "$work/ro" && chmod 777 "$work/ro"
"$BIN" migrate --db "$work/ro/netpold.db" >/dev/null
start "$work/ro/netpold.db"
curl -s -o /dev/null -X POST "$url/api/v1/namespaces" -H 'Content-Type: application/json' -d '{"metadata":{"name":"ns-0"}}'
curl -s -o /dev/null -X POST "$url/api/v1/namespaces/ns-0/pods" -H 'Content-Type: application/json' -d '{"metadata":{"name":"p"},"status":{"podIP":"10.0.0.1"}}'
kill "$server"; wait "$server" 2>/dev/null || true
chown nobody "$work/ro/netpold.db" && chmod 444 "$work/ro/netpold.db"
# root ignores file modes, so the server runs as nobody for this drill.
netpold_start "$work" runuser -u nobody -- "$BIN" serve --db "$work/ro/netpold.db" --port 0 --log-level warning \
    --migrations migrations || fail "the server did not start on a read-only database"
status=$(code -X POST "$url/api/v1/namespaces" -H 'Content-Type: application/json' -d '{"metadata":{"name":"ro"}}')
[ "$status" = 503 ] || fail "a write to a read-only database answered $status, not 503"
echo "   write to a read-only database: 503 $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"][:80])' "$work/body")"
[ "$(code "$url/v1/decide?from=ns-0/p&to=8.8.8.8&port=53")" = 200 ] || fail "decisions stopped on a read-only database"
echo "   decisions still answer 200 from the compiled set"
echo "fault drills passed"

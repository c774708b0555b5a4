#!/usr/bin/env bash
# Watches against a real server, with the clients people use:
#   - curl -N on a list path with ?watch=true&resourceVersion=R sees the writes made meanwhile as JSON
#     lines: ADDED, MODIFIED, DELETED in order, each with the write's resourceVersion, nothing from
#     another namespace; without resourceVersion the current objects come first as ADDED;
#     timeoutSeconds ends the stream; a resourceVersion older than the history (--watch-history) is
#     one ERROR event with a 410 Expired Status, and the stream ends;
#   - the Kubernetes Python client's watch.Watch().stream(...) sees a pod created during the watch;
#   - --max-watches: past it 429; a client that hangs up frees its slot;
#   - 50 open, idle watches hold no thread and use no CPU, and decisions stay fast meanwhile;
#   - kubectl get -w sees a pod created during the watch, when kubectl can discover netpold's
#     resources (skipped, and said so, when it cannot).
# Usage: scripts/watch-check.sh [NETPOLD_BINARY]     (default .build/debug/netpold)
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
. scripts/lib.sh

work=$(mktemp -d)
server=""
watchers=()
cleanup() {
    for pid in "${watchers[@]}"; do kill "$pid" 2>/dev/null; done
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work/home"
mkdir -p "$HOME"
unset KUBECONFIG

fail() {
    echo "FAIL: $*"
    exit 1
}

netpold_start "$work" "$BIN" serve --db "$work/watch.db" --port 0 --log-level warning --max-watches 60 --watch-history 40 || exit 1
echo "netpold at $url (--max-watches 60 --watch-history 40)"
"$BIN" apply --server "$url" -f examples/pods.yaml >"$work/load.log" 2>&1 || { cat "$work/load.log"; fail "loading examples/pods.yaml"; }

# The resourceVersion of a list, or of the object a write answered.
rv() { python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])'; }
pod() { # name namespace app
    printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s","labels":{"app":"%s"}},"status":{"podIP":"%s"}}' \
        "$1" "$2" "$3" "${4:-10.1.0.9}"
}
write() { # method path body -> the answer's resourceVersion
    curl -sf -X "$1" "$url$2" -H 'Content-Type: application/json' ${3:+-d "$3"} | rv
}
# Waits until FILE holds N lines (up to 5 s).
lines() {
    for _ in $(seq 1 100); do
        [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

echo "--- curl -N: changes after a resourceVersion, in order, as GET returns them"
start=$(curl -s "$url/api/v1/namespaces/shop/pods" | rv)
curl -sN "$url/api/v1/namespaces/shop/pods?watch=true&resourceVersion=$start" -D "$work/watch.head" >"$work/watch.out" &
watchers+=($!)
sleep 0.3
added=$(write POST /api/v1/namespaces/shop/pods "$(pod newpod shop web)")
modified=$(write PUT /api/v1/namespaces/shop/pods/newpod "$(pod newpod shop db)")
elsewhere=$(write POST /api/v1/namespaces/trusted/pods "$(pod other trusted web 10.1.0.10)")
deleted=$(curl -sf -X DELETE "$url/api/v1/namespaces/shop/pods/newpod" >/dev/null && curl -s "$url/api/v1/namespaces/shop/pods" | rv)
lines "$work/watch.out" 3 || fail "the watch got $(wc -l <"$work/watch.out") lines, not 3: $(cat "$work/watch.out")"
sleep 0.3
tr -d '\r' <"$work/watch.head" | grep -qi '^content-type: application/json$' || fail "content type: $(cat "$work/watch.head")"
tr -d '\r' <"$work/watch.head" | grep -qi '^transfer-encoding: chunked$' || fail "not chunked: $(cat "$work/watch.head")"
python3 - "$work/watch.out" "$added" "$modified" "$deleted" "$url" <<'PY' || exit 1
import json, sys, urllib.request
path, added, modified, deleted, url = sys.argv[1:]
events = [json.loads(line) for line in open(path)]
got = [(e["type"], e["object"]["metadata"]["namespace"] + "/" + e["object"]["metadata"]["name"],
        e["object"]["metadata"]["resourceVersion"]) for e in events]
want = [("ADDED", "shop/newpod", added), ("MODIFIED", "shop/newpod", modified), ("DELETED", "shop/newpod", deleted)]
if got != want:
    sys.exit(f"FAIL: the watch saw {got}, expected {want}")
if events[1]["object"]["metadata"]["labels"] != {"app": "db"} or events[2]["object"]["metadata"]["labels"] != {"app": "db"}:
    sys.exit(f"FAIL: the MODIFIED and DELETED objects should have the new labels: {events[1:]}")
for line in open(path):
    print("   ", line.rstrip()[:150] + ("..." if len(line) > 150 else ""))
PY
echo "ok: ADDED $added, MODIFIED $modified, DELETED $deleted; trusted/other ($elsewhere) not seen"

echo "--- without resourceVersion: the current objects first; timeoutSeconds ends the stream"
listed=$(curl -s "$url/api/v1/namespaces/shop/pods" | python3 -c 'import json,sys; print(" ".join(sorted(i["metadata"]["name"] for i in json.load(sys.stdin)["items"])))')
began=$(date +%s.%N)
curl -sN -m 10 "$url/api/v1/namespaces/shop/pods?watch=true&timeoutSeconds=2" >"$work/initial.out"
status=$?
took=$(python3 -c "print(f'{$(date +%s.%N) - $began:.1f}')")
[ $status -eq 0 ] || fail "curl exited $status (the stream should end cleanly at timeoutSeconds=2)"
initial=$(python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["object"]["metadata"]["name"] for l in open(sys.argv[1]) if json.loads(l)["type"] == "ADDED")))' "$work/initial.out")
[ "$initial" = "$listed" ] || fail "initial ADDED events: '$initial', the list: '$listed'"
python3 -c "import sys; sys.exit(0 if 1.5 <= $took <= 8 else 1)" || fail "the stream took ${took}s, timeoutSeconds=2"
echo "ok: ADDED for every current pod ($initial), then the end after ${took}s"

echo "--- the Kubernetes Python client: watch.Watch().stream(list_namespaced_pod)"
if python3 -c "import kubernetes" 2>/dev/null; then
    python3 - "$url" <<'PY' || exit 1
import sys, threading, time, json, urllib.request
from kubernetes import client, watch
url = sys.argv[1]
configuration = client.Configuration()
configuration.host = url
api = client.CoreV1Api(client.ApiClient(configuration))
listed = api.list_namespaced_pod("shop")
rv = listed.metadata.resource_version
def create():
    time.sleep(0.5)
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "from-python", "namespace": "shop"},
            "status": {"podIP": "10.1.0.11"}}
    api.create_namespaced_pod("shop", body)
threading.Thread(target=create).start()
seen = []
w = watch.Watch()
for event in w.stream(api.list_namespaced_pod, "shop", resource_version=rv, timeout_seconds=5):
    seen.append((event["type"], event["object"].metadata.name, event["object"].metadata.resource_version))
    if event["object"].metadata.name == "from-python":
        w.stop()
if not any(name == "from-python" and kind == "ADDED" for kind, name, _ in seen):
    sys.exit(f"FAIL: the Python client's watch saw {seen}")
print(f"ok: the Python client saw {seen}")
PY
else
    echo "SKIP: the kubernetes Python package is not installed (pip install kubernetes)"
fi

echo "--- a resourceVersion older than the history (--watch-history 40) is 410 Expired"
for i in $(seq 1 45); do write PUT /api/v1/namespaces/trusted/pods/other "$(pod other trusted "v$i" 10.1.0.10)" >/dev/null || fail "write $i"; done
curl -sN -m 5 "$url/api/v1/namespaces/shop/pods?watch=true&resourceVersion=$start" >"$work/expired.out"
status=$?
[ $status -eq 0 ] || fail "curl exited $status: the stream should end after the ERROR event"
python3 - "$work/expired.out" <<'PY' || exit 1
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
if len(events) != 1 or events[0]["type"] != "ERROR" or events[0]["object"].get("code") != 410 \
        or events[0]["object"].get("reason") != "Expired":
    sys.exit(f"FAIL: expected one ERROR event with a 410 Expired Status, got {events}")
print("   ", json.dumps(events[0]))
PY
echo "ok: ERROR 410 Expired, then the end of the stream"

echo "--- 50 idle watches: no thread each, no CPU, decisions as fast as before"
threads() { awk '/^Threads:/ {print $2}' "/proc/$server/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
decide() {
    python3 - "$url" <<'PY'
import sys, time, urllib.request
url = sys.argv[1] + "/v1/decide?from=shop/storefront&to=shop/cache&port=6379"
times = []
for _ in range(300):
    began = time.perf_counter()
    urllib.request.urlopen(url).read()
    times.append(time.perf_counter() - began)
times.sort()
print(f"{times[len(times) // 2] * 1000:.2f} {times[int(len(times) * 0.99)] * 1000:.2f}")
PY
}
read -r p50_before p99_before <<<"$(decide)"
threads_before=$(threads)
for i in $(seq 1 50); do
    curl -sN "$url/api/v1/pods?watch=true&resourceVersion=$(curl -s "$url/api/v1/pods?limit=1" | rv)" >"$work/idle-$i.out" &
    watchers+=($!)
done
# Threads that served the requests that opened the watches may take a moment to go: sample for up to 5 s.
for _ in $(seq 1 20); do
    sleep 0.25
    threads_with=$(threads)
    [ "$threads_with" -le $((threads_before + 2)) ] && break
done
[ "$threads_with" -le $((threads_before + 2)) ] || fail "threads: $threads_before before, $threads_with with 50 watches open"
cpu_before=$(cpu)
sleep 3
ticks=$(($(cpu) - cpu_before))
[ "$ticks" -le 15 ] || fail "the server used $ticks CPU ticks (1/100 s) in 3 s with 50 idle watches"
read -r p50_with p99_with <<<"$(decide)"
python3 -c "import sys; sys.exit(0 if $p99_with < max(50, 5 * $p99_before) else 1)" ||
    fail "decisions p99 ${p99_with} ms with 50 watches, ${p99_before} ms before"
moved=$(write POST /api/v1/namespaces/shop/pods "$(pod after-idle shop web 10.1.0.12)")
for i in $(seq 1 50); do lines "$work/idle-$i.out" 1 || fail "idle watch $i did not see the write at $moved"; done
echo "ok: threads $threads_before -> $threads_with, $ticks CPU ticks in 3 s idle, decisions p50/p99 ${p50_before}/${p99_before} ms before, ${p50_with}/${p99_with} ms with 50 watches; all 50 saw the write at $moved"

echo "--- --max-watches 60: past it 429; a client that hangs up frees its slot"
# Open now: the first curl watch and the 50 idle ones; 9 more fill the 60 slots.
for i in $(seq 1 9); do
    curl -sN "$url/api/v1/pods?watch=true&resourceVersion=$moved" >/dev/null &
    watchers+=($!)
done
# Wait (up to 5 s) until the server holds all 60 connections (without taking a slot to find out),
# then watch 61 is refused.
port=${url##*:}
for _ in $(seq 1 20); do
    [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -ge 60 ] && break
    sleep 0.25
done
sleep 0.25
code=$(curl -s -o "$work/429.out" -w '%{http_code}' -m 3 "$url/api/v1/pods?watch=true&timeoutSeconds=1")
[ "$code" = 429 ] || fail "watch 61 answered $code, expected 429: $(cat "$work/429.out")"
grep -q '"reason":"TooManyRequests"' "$work/429.out" || fail "429 body: $(cat "$work/429.out")"
kill "${watchers[-1]}"
# The server notices the hang-up within about a second; try for up to 5 s.
for _ in $(seq 1 20); do
    sleep 0.25
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 3 "$url/api/v1/pods?watch=true&timeoutSeconds=1")
    [ "$code" = 200 ] && break
done
[ "$code" = 200 ] || fail "after a client hung up a watch answered $code"
echo "ok: 429 TooManyRequests past --max-watches ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"])' "$work/429.out")); after a client hung up, 200 again"

echo "--- kubectl get -w and --watch-only"
# The watches above hold the slots --max-watches allows: hang them up first.
kill "${watchers[@]}" 2>/dev/null
watchers=()
# Until the slots are free again (up to 5 s): a watch that is not refused.
for _ in $(seq 1 20); do
    sleep 0.25
    [ "$(curl -s -o /dev/null -w '%{http_code}' -m 3 "$url/api/v1/pods?watch=true&timeoutSeconds=1")" = 200 ] && break
done
command -v kubectl >/dev/null || fail "kubectl is not installed"
kubectl --server "$url" get pods -n shop >"$work/kubectl-get.out" 2>&1 \
    || fail "kubectl cannot use this server: $(head -2 "$work/kubectl-get.out" | tr '\n' ' ')"
# Waits for a kubectl watch (its output file $1) to show the name $2.
seen_by() {
    for _ in $(seq 1 100); do
        grep -q "$2" "$1" && return 0
        sleep 0.05
    done
    return 1
}
kubectl --server "$url" get pods -n shop -w --request-timeout=20s >"$work/kubectl-watch.out" 2>&1 &
kubectl_pid=$!
watchers+=($kubectl_pid)
kubectl --server "$url" get pods -n shop --watch-only --request-timeout=20s >"$work/kubectl-watch-only.out" 2>&1 &
watch_only_pid=$!
watchers+=($watch_only_pid)
sleep 2
write POST /api/v1/namespaces/shop/pods "$(pod seen-by-kubectl shop web 10.1.0.13)" >/dev/null
seen_by "$work/kubectl-watch.out" seen-by-kubectl || fail "kubectl get -w did not show the new pod: $(cat "$work/kubectl-watch.out")"
# Watch events are Tables when kubectl asks for them: the same columns as the list.
grep -qE "^seen-by-kubectl +0/0 +Pending +0 +[0-9]+s$" "$work/kubectl-watch.out" \
    || fail "kubectl get -w did not print the new pod's columns: $(cat "$work/kubectl-watch.out")"
seen_by "$work/kubectl-watch-only.out" seen-by-kubectl \
    || fail "kubectl get --watch-only did not show the new pod: $(cat "$work/kubectl-watch-only.out")"
kill "$kubectl_pid" "$watch_only_pid" 2>/dev/null
sed 's/^/    /' "$work/kubectl-watch.out"
grep -q "^NAME" "$work/kubectl-watch-only.out" && ! grep -q "^web " "$work/kubectl-watch-only.out" \
    || fail "kubectl get --watch-only listed the existing pods: $(cat "$work/kubectl-watch-only.out")"
echo "ok: kubectl get -w listed the pods and showed seen-by-kubectl, created during the watch; --watch-only showed only it"

echo "--- SIGTERM ends the open watches and the server exits 0"
kill -TERM "$server"
wait "$server"
status=$?
server=""
[ $status -eq 0 ] || fail "the server exited $status"
echo "ok: stopped cleanly with watches open"
echo "watch check passed"

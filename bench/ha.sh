#!/usr/bin/env bash
# Replicas over PostgreSQL: each figure next to its target, and the per-object costs docs/scale.md
# builds its model from. Starts its own PostgreSQL (scripts/postgres.sh) and two release replicas
# on loopback ports.
#   bench/ha.sh            about 3 minutes
# Rows: import of 10,000 objects into PostgreSQL; write-to-visible on the other replica p50/p99;
# catch-up after a pause under writes (per write); a replica's start (load + compile) and memory
# at 100,000 pods; decisions per second of one replica (wrk -c64), the unit of the N-replica model.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
DURATION=${DURATION:-10}
lock=()
[ -n "${BUILD_LOCK:-}" ] && lock=(flock "$BUILD_LOCK")

echo "building (release)..." >&2
"${lock[@]}" swift build -c release --product netpold >&2
"${lock[@]}" swift build -c release --product netpold-bench >&2
BIN=.build/release
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
    scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
[ -n "${KEEP:-}" ] && echo "work folder: $work" >&2
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

. scripts/lib.sh
echo "1/5 PostgreSQL and a replica; import of a 10,000-object bundle..." >&2
store=$(scripts/postgres.sh start "$work/pg" "$(free_port)")
# The throwaway server runs with fsync off (scripts/postgres.sh); these rows measure netpold's
# side, not the disk. A production server with fsync on adds one flush per commit.
SMALL="--namespaces 10 --pods 899 --policies 1000" # 10 + 8,990 + 1,000 = 10,000 objects
"$BIN/netpold-bench" generate $SMALL --format json >"$work/small.json"
mkdir -p "$work/a" "$work/b"
netpold_start "$work/a" "$BIN/netpold" serve --store "$store" --port 0 --max-body-bytes $((1 << 30)) --log-level warning
a_url=$url
pids+=("$server")
import_seconds=$(curl -s -o "$work/import.out" -w "%{http_code} %{time_total}" -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/small.json" "$a_url/v1/import")
[ "${import_seconds%% *}" = 200 ] || { echo "import failed: $(head -c 300 "$work/import.out")" >&2; exit 1; }
import_seconds=${import_seconds#* }

echo "2/5 a second replica; write-to-visible on it, and catch-up after a pause..." >&2
netpold_start "$work/b" "$BIN/netpold" serve --store "$store" --port 0 --log-level warning
b_url=$url
b_pid=$server
pids+=("$server")
python3 - "$a_url" "$b_url" "$b_pid" >"$work/replicas.txt" <<'PY'
import json, os, signal, sys, threading, time, urllib.error, urllib.request
a, b, b_pid = sys.argv[1], sys.argv[2], int(sys.argv[3])

def call(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())

def pod(name, index):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "ns-0", "labels": {"app": "bench", "round": str(index)}},
            "status": {"podIP": f"10.250.{index % 250}.{index // 250 % 250 + 1}"}}

# Write-to-visible: a write on a returns; how long until b answers a read naming its revision
# (answered the moment b has applied it: b's wait is woken by the revision, not polled).
samples = []
for index in range(500):
    written = call("PUT", f"{a}/api/v1/namespaces/ns-0/pods/ha-probe", pod("ha-probe", index))
    done = time.perf_counter()
    read = call("GET", f"{b}/api/v1/namespaces/ns-0/pods/ha-probe?minRevision={written['metadata']['resourceVersion']}")
    samples.append((time.perf_counter() - done) * 1000)
    assert read["metadata"]["labels"]["round"] == str(index)
samples.sort()
print(f"visible_p50={samples[len(samples) // 2]:.2f}")
print(f"visible_p99={samples[int(len(samples) * 0.99)]:.2f}")

# Catch-up: b paused (SIGSTOP) while a takes 3,000 pod writes from four writers, then resumed.
os.kill(b_pid, signal.SIGSTOP)
writes = 3000
def writer(start):
    for index in range(start, writes, 4):
        call("PUT", f"{a}/api/v1/namespaces/ns-0/pods/catch-{index % 500}", pod(f"catch-{index % 500}", index))
started = time.perf_counter()
threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
write_seconds = time.perf_counter() - started
target = call("GET", f"{a}/readyz")["revision"]
os.kill(b_pid, signal.SIGCONT)
resumed = time.perf_counter()
def revision(url):
    try:
        return call("GET", f"{url}/readyz")["revision"]
    except urllib.error.HTTPError:  # 503 while catching up
        return -1
while revision(b) < target:
    time.sleep(0.005)
catch_up = time.perf_counter() - resumed
print(f"write_rate={writes / write_seconds:.0f}")
print(f"catchup_writes={writes}")
print(f"catchup_seconds={catch_up:.3f}")
PY
field() { grep -oE "^$1=[0-9.]+" "$work/replicas.txt" | cut -d= -f2; }

echo "3/5 decisions per second of one replica (wrk -t2 -c64, 10,000-object cluster)..." >&2
"$BIN/netpold-bench" requests $SMALL --count 20000 >"$work/requests.jsonl"
REQUESTS="$work/requests.jsonl" wrk -t2 -c64 -d3s -s bench/decide.lua "$b_url/v1/decide" >/dev/null
decide_rate=$(REQUESTS="$work/requests.jsonl" wrk -t2 -c64 -d${DURATION}s -s bench/decide.lua "$b_url/v1/decide" |
    awk '/Requests\/sec/ {print $2}')

echo "4/5 the 100,000-pod cluster into PostgreSQL, and a replica started on it..." >&2
kill "$b_pid"
SIZES="--namespaces 100 --pods 1000 --policies 10000"
"$BIN/netpold-bench" generate $SIZES --format json >"$work/big.json"
big_import=$(curl -s -o "$work/import.out" -w "%{http_code} %{time_total}" -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/big.json" "$a_url/v1/import?mode=replace")
[ "${big_import%% *}" = 200 ] || { echo "100k import failed: $(head -c 300 "$work/import.out")" >&2; exit 1; }
big_import=${big_import#* }
mkdir -p "$work/c"
start_ns=$(date +%s%N)
netpold_start "$work/c" "$BIN/netpold" serve --store "$store" --port 0 --log-level warning
pids+=("$server")
until curl -sf "$url/readyz" >/dev/null; do sleep 0.05; done
start_seconds=$(python3 -c "print(($(date +%s%N) - $start_ns) / 1e9)")
rss_kb=$(grep VmRSS "/proc/$server/status" | awk '{print $2}')

echo "5/5 the rows" >&2
python3 - <<PY
rows = []
def row(figure, measured, target, ok=None):
    rows.append((figure, measured, target, "" if ok is None else ("ok" if ok else "MISSED")))
imported = float("$import_seconds")
row("import of 10,000 objects into PostgreSQL", f"{imported:.2f} s", "≤ 5 s", imported <= 5)
p50, p99 = float("$(field visible_p50)"), float("$(field visible_p99)")
row("write-to-visible on the other replica, p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "≤ 20 / ≤ 100 ms", p50 <= 20 and p99 <= 100)
writes, seconds, rate = int("$(field catchup_writes)"), float("$(field catchup_seconds)"), float("$(field write_rate)")
row("catch-up of a paused replica", f"{writes:,} writes in {seconds:.2f} s ({seconds / writes * 1e6:.0f} µs a write); written at {rate:,.0f}/s", "(model input)")
row("decisions per second, one replica (wrk -t2 -c64)", f"{float('$decide_rate'):,.0f} /s", "(model input)")
row("import of the 100,000-pod cluster (110,100 objects) into PostgreSQL", f"{float('$big_import'):.1f} s", "(reported)")
row("replica start at 100,000 pods (load from PostgreSQL + compile)", f"{float('$start_seconds'):.1f} s", "(model input)")
row("replica memory at 100,000 pods / 10,000 policies", f"{int('$rss_kb') / 1024:.0f} MiB RSS", "(model input)")
width = [max(len(r[i]) for r in rows + [("figure", "measured", "target", "")]) for i in range(4)]
line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, width)).rstrip()
print(line(("figure", "measured", "target", "")))
print("  ".join("-" * w for w in width))
for r in rows: print(line(r))
PY

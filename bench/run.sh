#!/usr/bin/env bash
# Every speed and memory figure of netpold next to its target, on a synthetic cluster of
# 100 namespaces x 1,000 pods and 10,000 policies (80 % Kubernetes, 20 % Calico).
# Usage: bench/run.sh            (about 3 minutes on 2 cores after the release build)
# Env:   DURATION=10 (seconds per wrk run), KEEP=1 (keep the work folder)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
DURATION=${DURATION:-10}
SIZES="--namespaces 100 --pods 1000 --policies 10000"

need=()
for tool in wrk gcc curl pkg-config; do command -v $tool >/dev/null || need+=($tool); done
dpkg -s libmicrohttpd-dev libsqlite3-dev >/dev/null 2>&1 || need+=(libmicrohttpd-dev libsqlite3-dev)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "building (release)..." >&2
swift build -c release --product netpold >&2
swift build -c release --product netpold-bench >&2
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work folder: $work" >&2
cleanup() {
    for file in "$work"/*.pid; do [ -e "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -o "$work/baseline" bench/baseline.c $(pkg-config --cflags --libs libmicrohttpd)
BIN=.build/release

. scripts/lib.sh
start_server() { # $1 = name; sets $url, and $work/$1.pid for the cleanup
    mkdir -p "$work/$1"
    local started=0
    netpold_start "$work/$1" "$BIN/netpold" serve --db "$work/$1.db" --port 0 --max-body-bytes $((1 << 30)) --log-level warning >&2 || started=$?
    echo "$server" >"$work/$1.pid"
    [ "$started" = 0 ] || exit 1
}
seconds_of() { python3 -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }
import_time() { # $1 url, $2 file, $3 content type
    curl -s -o "$work/import.json" -w "%{http_code} %{time_total}\n" -X POST "$1/v1/import?mode=replace" \
        -H "Content-Type: $3" --data-binary @"$2"
}
wrk_rate() { # wrk output -> requests/s
    grep -E "^Requests/sec" | awk '{print $2}'
}

echo "1/6 in-process evaluator..." >&2
"$BIN/netpold-bench" core $SIZES --decisions 300000 >"$work/core.txt"
core() { grep "^$1" "$work/core.txt" | awk '{print $(NF-1)}'; }

echo "2/6 import of a 10,000-object bundle (YAML, then JSON)..." >&2
SMALL="--namespaces 10 --pods 899 --policies 1000"   # 10 + 8,990 + 1,000 = 10,000 objects
"$BIN/netpold-bench" generate $SMALL --format yaml >"$work/small.yaml"
"$BIN/netpold-bench" generate $SMALL --format json >"$work/small.json"
start_server yaml
read -r code yaml_time < <(import_time "$url" "$work/small.yaml" application/yaml)
[ "$code" = 200 ] || { echo "YAML import failed: $code $(head -c 300 "$work/import.json")" >&2; exit 1; }
start_server json
read -r code json_time < <(import_time "$url" "$work/small.json" application/json)
[ "$code" = 200 ] || { echo "JSON import failed: $code $(head -c 300 "$work/import.json")" >&2; exit 1; }

echo "3/6 loading the full cluster into a server..." >&2
"$BIN/netpold-bench" generate $SIZES --format json >"$work/big.json"
start_server big
read -r code big_time < <(import_time "$url" "$work/big.json" application/json)
[ "$code" = 200 ] || { echo "cluster import failed: $code $(head -c 300 "$work/import.json")" >&2; exit 1; }
rss_kb=$(grep VmRSS "/proc/$(cat "$work/big.pid")/status" | awk '{print $2}')

echo "4/6 wrk on POST /v1/decide and on the C baseline..." >&2
"$BIN/netpold-bench" requests $SIZES --count 20000 >"$work/requests.jsonl"
REQUESTS="$work/requests.jsonl" wrk -t2 -c64 -d3s -s bench/decide.lua "$url/v1/decide" >/dev/null
decide_rate=$(REQUESTS="$work/requests.jsonl" wrk -t2 -c64 -d${DURATION}s -s bench/decide.lua "$url/v1/decide" | wrk_rate)
"$work/baseline" 18181 >"$work/baseline.out" &
echo $! >"$work/baseline.pid"
sleep 0.3
baseline_rate=$(wrk -t2 -c64 -d${DURATION}s "http://127.0.0.1:18181/" | wrk_rate)

echo "5/6 batches of 1,000..." >&2
python3 - "$work/requests.jsonl" "$work/batch.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")[:1000]
json.dump({"items": [json.loads(l) for l in lines if l]}, open(sys.argv[2], "w"))
PY
batch_rate=$(BATCH="$work/batch.json" wrk -t2 -c4 -d${DURATION}s -s bench/batch.lua "$url/v1/decide/batch" | wrk_rate)

echo "6/6 writes: latency, and decisions while 500 pod writes/s are applied..." >&2
"$BIN/netpold-bench" writes $SIZES --server "$url" --kind pod --rate 100 --seconds 5 >"$work/pod-writes.txt"
"$BIN/netpold-bench" writes $SIZES --server "$url" --kind policy --rate 10 --seconds 5 >"$work/policy-writes.txt"
# Four writers at 125/s each: one synchronous client cannot sustain 500/s while wrk saturates the cores.
writers=()
for i in 1 2 3 4; do
    "$BIN/netpold-bench" writes $SIZES --server "$url" --kind pod --rate 125 --seconds "$DURATION" >"$work/load-writes-$i.txt" &
    writers+=($!)
done
loaded_rate=$(REQUESTS="$work/requests.jsonl" wrk -t2 -c64 -d${DURATION}s -s bench/decide.lua "$url/v1/decide" | wrk_rate)
wait "${writers[@]}"
python3 -c "import re,glob; print('rate=%.1f' % sum(float(re.search(r'rate=([0-9.]+)', open(f).read()).group(1)) for f in glob.glob('$work/load-writes-*.txt')))" >"$work/load-writes.txt"
field() { grep -oE "$1=[0-9.]+" "$2" | head -1 | cut -d= -f2; }

python3 - <<PY
core = lambda name: float("""$(cat "$work/core.txt")""".split(name)[1].split()[0])
rows = []
def row(figure, measured, target, ok):
    rows.append((figure, measured, target, "ok" if ok else "MISSED"))
p50, p99 = core("decision p50"), core("decision p99")
row("in-process decision p50 / p99", f"{p50:.2f} / {p99:.2f} µs", "≤ 2 / ≤ 10 µs", p50 <= 2 and p99 <= 10)
compile_ms = core("compile (full snapshot)")
row("full compile of the snapshot", f"{compile_ms/1000:.2f} s", "≤ 2 s", compile_ms <= 2000)
pod_p50 = float("$(field p50 "$work/pod-writes.txt")")
row("pod relabelled, until decisions see it (HTTP PUT p50)", f"{pod_p50:.2f} ms (in-process apply {core('pod relabel, incremental p50'):.2f} ms)", "p50 ≤ 5 ms", pod_p50 <= 5)
policy_p50 = float("$(field p50 "$work/policy-writes.txt")")
row("policy replaced, until decisions see it (HTTP PUT p50)", f"{policy_p50:.2f} ms (in-process apply {core('policy replace, incremental p50'):.2f} ms)", "p50 ≤ 50 ms", policy_p50 <= 50)
rss = $rss_kb / 1024
row("server resident memory, cluster loaded", f"{rss:.0f} MiB", "≤ 1 GB", rss <= 1000)
decide, baseline = float("$decide_rate"), float("$baseline_rate")
row("POST /v1/decide, wrk -t2 -c64", f"{decide:,.0f} req/s = {100*decide/baseline:.0f} % of C baseline {baseline:,.0f}", "≥ 60 %", decide >= 0.6 * baseline)
batch = float("$batch_rate") * 1000
row("POST /v1/decide/batch, 1,000 items", f"{batch:,.0f} decisions/s", "≥ 300,000/s", batch >= 300000)
loaded = float("$loaded_rate")
writes = "$(field rate "$work/load-writes.txt")"
row("decisions while pod writes are applied", f"{loaded:,.0f} req/s with {writes} writes/s = {100*(1-loaded/decide):.0f} % drop", "drop ≤ 20 % at 500/s", loaded >= 0.8 * decide)
row("import 10,000 objects, YAML", f"{float('$yaml_time'):.2f} s", "≤ 5 s", float("$yaml_time") <= 5)
row("import 10,000 objects, JSON", f"{float('$json_time'):.2f} s", "≤ 2 s", float("$json_time") <= 2)
row("(import of the whole 110,100-object cluster, JSON)", f"{float('$big_time'):.2f} s", "-", True)
width = [max(len(r[i]) for r in rows + [("figure", "measured", "target", "")]) for i in range(4)]
line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, width))
print(line(("figure", "measured", "target", "")))
print(line(tuple("-" * w for w in width)))
for r in rows: print(line(r))
PY

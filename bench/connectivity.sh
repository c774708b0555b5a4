#!/usr/bin/env bash
# The connectivity figures of issues 13 and 14 next to their targets: reachability and the
# namespace matrix in process at three cluster sizes (so the growth shows), reachability and
# connectivity diffs over HTTP and the server's memory on the 100k-pod cluster, and every pod pair
# as CSV over HTTP on a 1,000-pod one.
# Usage: bench/connectivity.sh [ROWS_FILE]   (bench/run.sh calls it; alone it prints its rows)
# Needs the release build of netpold and netpold-bench (bench/run.sh builds them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release
rows=${1:-}
work=$(mktemp -d)
cleanup() {
    for file in "$work"/*.pid; do [ -e "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
. scripts/lib.sh
start() { # $1 = name; sets $url
    mkdir -p "$work/$1"
    netpold_start "$work/$1" "$BIN/netpold" serve --db "$work/$1.db" --port 0 --max-body-bytes $((1 << 30)) --log-level warning >&2
    echo "$server" >"$work/$1.pid"
}
load() { # $1 url, $2 sizes
    "$BIN/netpold-bench" generate $2 --format json >"$work/bundle.json"
    code=$(curl -s -o "$work/import.json" -w "%{http_code}" -X POST "$1/v1/import?mode=replace" \
        -H "Content-Type: application/json" --data-binary @"$work/bundle.json")
    [ "$code" = 200 ] || { echo "import failed: $code $(head -c 300 "$work/import.json")" >&2; exit 1; }
}
rss() { grep VmRSS "/proc/$(cat "$work/$1.pid")/status" | awk '{print $2}'; }

for pods in 100 500 1000; do
    echo "connectivity in process, 100 namespaces x $pods pods..." >&2
    "$BIN/netpold-bench" connectivity --namespaces 100 --pods $pods --policies $((pods * 10)) --queries 100 >"$work/in-$pods.txt"
done

echo "connectivity over HTTP, 100k pods..." >&2
start big
load "$url" "--namespaces 100 --pods 1000 --policies 10000"
before=$(rss big)
"$BIN/netpold-bench" connectivity --namespaces 100 --pods 1000 --policies 10000 --server "$url" --queries 200 --no-matrix >"$work/http-big.txt"
after=$(rss big)
echo "connectivity diffs over HTTP, 100k pods..." >&2
"$BIN/netpold-bench" diff --namespaces 100 --pods 1000 --policies 10000 --server "$url" --queries 20 >"$work/diff-big.txt"
kill "$(cat "$work/big.pid")"; rm "$work/big.pid"

echo "every pod pair as CSV over HTTP, 1,000 pods..." >&2
start small
load "$url" "--namespaces 10 --pods 100 --policies 100"
"$BIN/netpold-bench" connectivity --namespaces 10 --pods 100 --policies 100 --server "$url" --queries 20 --pod-pairs >"$work/http-small.txt"

python3 - "$work" "$before" "$after" "${rows:-/dev/null}" <<'PY'
import sys
work, before, after, rows_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def value(name, row):
    text = open(f"{work}/{name}").read()
    return float(text.split(row)[1].split()[0])
def head(name):
    return open(f"{work}/{name}").read().splitlines()[0].split(": ", 1)[1]
rows = []
def row(figure, measured, target, ok):
    rows.append((figure, measured, target, "-" if ok is None else ("ok" if ok else "MISSED")))
for pods in (100, 500, 1000):
    name = f"in-{pods}.txt"
    p50, p99 = value(name, "reachability p50 (in process)"), value(name, "reachability p99 (in process)")
    matrix = value(name, "namespace matrix (in process)") / 1000
    index = value(name, "connectivity index build")
    last = pods == 1000
    row(f"reachability in process, {pods * 100:,} pods ({head(name)})", f"p50 {p50:.1f} / p99 {p99:.1f} ms; index built in {index:.0f} ms", "-", None)
    row(f"namespace matrix in process, {pods * 100:,} pods", f"{matrix:.2f} s", "≤ 2 s at 100,000 pods" if last else "-", (matrix <= 2) if last else None)
p50, p99 = value("http-big.txt", "reachability p50 (HTTP)"), value("http-big.txt", "reachability p99 (HTTP)")
row("reachability ?to= / ?from= one pod, 100k pods, over HTTP", f"p50 {p50:.1f} / p99 {p99:.1f} ms", "p50 ≤ 10 / p99 ≤ 50 ms", p50 <= 10 and p99 <= 50)
growth = 100 * (after - before) / before
row("server resident size with the cluster loaded, after set answers", f"{before/1024:.0f} -> {after/1024:.0f} MiB (+{growth:.1f} %)", "≤ +25 %", growth <= 25)
one = value("diff-big.txt", "diff, one changed policy p50 (HTTP)")
hundred = value("diff-big.txt", "diff, 100 changed policies p50 (HTTP)") / 1000
detail = lambda row: open(f"{work}/diff-big.txt").read().split(row)[1].splitlines()[0].split("(", 1)[1].rstrip(")")
row("diff, one changed policy, 100k pods, groupBy=namespace, over HTTP", f"p50 {one:.0f} ms ({detail('diff, one changed policy p50 (HTTP)')})", "p50 ≤ 200 ms", one <= 200)
row("diff, 100 changed policies, 100k pods, groupBy=namespace, over HTTP", f"p50 {hundred:.2f} s ({detail('diff, 100 changed policies p50 (HTTP)')})", "p50 ≤ 2 s", hundred <= 2)
csv = value("http-small.txt", "pod pairs as CSV (HTTP)") / 1000
lines = open(f"{work}/http-small.txt").read().split("pod pairs as CSV (HTTP)")[1].split("(")[1].split(" lines")[0]
row("every pod pair as CSV, 1,000 pods, over HTTP", f"{csv:.2f} s ({lines} lines)", "≤ 3 s", csv <= 3)
with open(rows_file, "a") as out:
    for r in rows: out.write("\t".join(r) + "\n")
if rows_file == "/dev/null":
    for r in rows: print("  ".join(r))
PY

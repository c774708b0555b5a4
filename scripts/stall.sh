#!/usr/bin/env bash
# Drill: alias bombs and concurrent large imports while decisions are measured (scripts/stall_drill.py),
# then SIGTERM with idle keep-alive clients: the server must exit within a second.
# Usage: scripts/stall.sh [NETPOLD_BINARY] [OBJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
OBJECTS=${2:-110000}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; rm -rf "$work"' EXIT
. scripts/lib.sh

netpold_start "$work" "$BIN" serve --db "$work/db" --port 0 --log-level warning --max-concurrent-imports 1 \
    --import-queue-timeout 30
python3 scripts/stall_drill.py --url "$url" --objects "$OBJECTS"
kill -TERM $server; wait $server; server=""

echo "--- SIGTERM with 10 idle keep-alive clients"
netpold_start "$work" "$BIN" serve --db "$work/db2" --port 0 --log-level warning --shutdown-grace 10
python3 - "$url" "$server" <<'PY'
import http.client, os, signal, sys, time, urllib.parse
url, pid = sys.argv[1], int(sys.argv[2])
parsed = urllib.parse.urlparse(url)
clients = []
for _ in range(10):
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
    clients.append(connection)  # kept open: idle keep-alive
started = time.perf_counter()
os.kill(pid, signal.SIGTERM)
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    # The server is our sibling, not our child: it is gone once /proc says it is a zombie or absent.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().split()[2] == "Z":
                break
    except FileNotFoundError:
        break
    if time.perf_counter() - started > 15:
        sys.exit("FAIL: the server was still running 15 s after SIGTERM")
    time.sleep(0.01)
elapsed = time.perf_counter() - started
print(f"exited {elapsed:.2f} s after SIGTERM with 10 idle keep-alive connections (target <= 1 s)")
if elapsed > 1.0:
    sys.exit("FAIL: idle keep-alive connections held up the shutdown")
PY
wait $server; status=$?; server=""
[ $status -eq 0 ] || { echo "FAIL: exit status $status"; exit 1; }
echo "stall drills passed"

#!/usr/bin/env python3
"""Two netpold replicas over one real PostgreSQL, on loopback ports (CI runs it):

  1. read-your-writes: writes on replica A, reads and decisions on replica B with minRevision;
     prints write-to-visible-on-the-other-replica latency p50/p99;
  2. 16 racing PUTs of one object, split across both replicas: exactly one wins, fifteen get 409;
  3. kill -9 of replica B during writes, restart: both converge to the same revision, the same
     objects and the same answers;
  4. PostgreSQL stopped for 10 s under load: decisions keep answering (200), writes get 503, then
     recover; every acknowledged write is there afterwards, on both replicas.

Usage: scripts/ha-drill.py [--bin .build/debug/netpold] [--latency-samples 300]
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, headers=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
            try:
                return response.status, json.loads(raw or b"null")
            except ValueError:
                return response.status, raw.decode(errors="replace")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError) as error:
        return 0, str(error)


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


class Replica:
    def __init__(self, name, binary, store, work):
        self.name, self.binary, self.store = name, binary, store
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        out = open(os.path.join(self.dir, "out"), "a")
        err = open(os.path.join(self.dir, "err"), "a")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--store", self.store, "--port", str(self.port), "--log-level", "notice",
             "--migrations", os.path.join(ROOT, "migrations")],
            stdout=out, stderr=err, cwd=ROOT)
        deadline = time.time() + 30
        while time.time() < deadline:
            status, body = request("GET", self.url + "/readyz", timeout=2)
            if status == 200:
                return
            if self.process.poll() is not None:
                fail(f"replica {self.name} exited: " + open(os.path.join(self.dir, "err")).read()[-2000:])
            time.sleep(0.05)
        fail(f"replica {self.name} did not become ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def revision(self):
        status, body = request("GET", self.url + "/readyz")
        return body.get("revision") if status == 200 else None


def pod(name, labels, ip):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "drill", "labels": labels},
            "status": {"podIP": ip}}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/debug/netpold"))
    parser.add_argument("--latency-samples", type=int, default=300)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="netpold-ha-")
    # The server runs as an unprivileged user when this runs as root: it must reach its folder.
    os.chmod(work, 0o755)
    pg_dir = os.path.join(work, "pg")
    pg_port = free_port()
    postgres = [os.path.join(ROOT, "scripts/postgres.sh")]
    store = subprocess.check_output(postgres + ["start", pg_dir, str(pg_port)], text=True).strip()
    a = Replica("a", binary, store, work)
    b = Replica("b", binary, store, work)
    try:
        a.start()
        b.start()
        print(f"PostgreSQL {store}; replica a {a.url}, replica b {b.url}", flush=True)
        drill(a, b, postgres, pg_dir, pg_port, args.latency_samples)
    finally:
        a.stop()
        b.stop()
        subprocess.call(postgres + ["stop", pg_dir], stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


def drill(a, b, postgres, pg_dir, pg_port, samples):
    status, _ = request("POST", a.url + "/api/v1/namespaces", {"metadata": {"name": "drill"}})
    if status != 201:
        fail(f"creating the namespace on a: {status}")
    for index in range(20):
        request("POST", a.url + "/api/v1/namespaces/drill/pods",
                pod(f"p{index}", {"app": "web" if index % 2 else "db"}, f"10.9.0.{index + 1}"))

    # 1. Read-your-writes across replicas, and how long a write takes to be visible on the other.
    latencies = []
    for index in range(samples):
        status, written = request("PUT", a.url + "/api/v1/namespaces/drill/pods/p0",
                                  pod("p0", {"app": "db", "round": str(index)}, "10.9.0.1"))
        done = time.perf_counter()
        if status != 200:
            fail(f"write {index} on a: {status} {written}")
        revision = written["metadata"]["resourceVersion"]
        status, read = request("GET", b.url + f"/api/v1/namespaces/drill/pods/p0?minRevision={revision}")
        latencies.append((time.perf_counter() - done) * 1000)
        if status != 200 or read["metadata"]["labels"].get("round") != str(index):
            fail(f"b did not read a's write {index} at minRevision {revision}: {status} {read}")
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "deny-db", "namespace": "drill"},
              "spec": {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"]}}
    status, written = request("POST", a.url + "/apis/networking.k8s.io/v1/namespaces/drill/networkpolicies", policy)
    if status != 201:
        fail(f"policy write on a: {status} {written}")
    status, decision = request(
        "GET", b.url + "/v1/decide?from=drill/p1&to=drill/p0&port=5432",
        headers={"X-Netpold-Min-Revision": written["metadata"]["resourceVersion"]})
    applied = [policy["name"] for policy in decision.get("ingress", {}).get("policies", [])] if status == 200 else []
    if decision["allowed"] is not False or applied != ["deny-db"]:
        fail(f"b's decision after a's policy write: {status} {decision}")
    print(f"read-your-writes: {samples} writes on a read back on b with minRevision; policy written on a decided on b", flush=True)
    print(f"write-to-visible on the other replica: p50 {percentile(latencies, 0.5):.2f} ms, "
          f"p99 {percentile(latencies, 0.99):.2f} ms ({samples} writes)", flush=True)

    # 2. Racing PUTs across the replicas.
    status, current = request("GET", a.url + "/api/v1/namespaces/drill/pods/p1")
    version = current["metadata"]["resourceVersion"]
    b_version = request("GET", b.url + f"/api/v1/namespaces/drill/pods/p1?minRevision={version}")[1]["metadata"]["resourceVersion"]
    if b_version != version:
        fail(f"the replicas disagree on p1's resourceVersion: {version} vs {b_version}")
    results = []
    barrier = threading.Barrier(16)

    def racer(index):
        body = pod("p1", {"app": "web", "writer": str(index)}, "10.9.0.2")
        body["metadata"]["resourceVersion"] = version
        replica = a if index % 2 == 0 else b
        barrier.wait()
        results.append(request("PUT", replica.url + "/api/v1/namespaces/drill/pods/p1", body)[0])

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sorted(results) != [200] + [409] * 15:
        fail(f"16 racing PUTs across both replicas: {sorted(results)}")
    print("16 racing PUTs split across both replicas: one 200, fifteen 409", flush=True)

    # 3. kill -9 of b during writes on both replicas, restart, convergence.
    acknowledged = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(replica_of, prefix):
        index = 0
        while not stop.is_set():
            name = f"{prefix}{index % 40}"
            labels = {"app": "web", "seq": str(index)}
            replica = replica_of()
            status, body = request("PUT", replica.url + f"/api/v1/namespaces/drill/pods/{name}",
                                   pod(name, labels, f"10.8.{index % 40}.1" if prefix == "ka" else f"10.7.{index % 40}.1"),
                                   timeout=5)
            if status in (200, 201):
                with lock:
                    acknowledged[name] = labels
            index += 1

    writers = [threading.Thread(target=writer, args=(lambda: a, "ka")),
               threading.Thread(target=writer, args=(lambda: b, "kb"))]
    for thread in writers:
        thread.start()
    time.sleep(2)
    b.kill()
    time.sleep(1)
    b.start()
    time.sleep(2)
    stop.set()
    for thread in writers:
        thread.join()
    converge(a, b, acknowledged, "after kill -9 of replica b")
    print(f"kill -9 of replica b during writes, restart: both at revision {a.revision()}, "
          f"the same objects and answers ({len(acknowledged)} objects written)", flush=True)

    # 4. PostgreSQL down for 10 s under load.
    acknowledged.clear()
    stop.clear()
    decisions = {"ok": 0, "failed": 0}
    write_codes = []
    phase = {"down": False}

    outage_latencies = []

    def decider(replica):
        while not stop.is_set():
            i, j = random.randrange(20), random.randrange(20)
            started = time.perf_counter()
            status, _ = request("GET", replica.url + f"/v1/decide?from=drill/p{i}&to=drill/p{j}&port=80", timeout=5)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                decisions["ok" if status == 200 else "failed"] += 1
                if phase["down"]:
                    outage_latencies.append(elapsed)

    def outage_writer():
        index = 0
        while not stop.is_set():
            name = f"o{index % 30}"
            labels = {"app": "web", "seq": str(index)}
            status, _ = request("PUT", a.url + f"/api/v1/namespaces/drill/pods/{name}",
                                pod(name, labels, f"10.6.{index % 30}.1"), timeout=10)
            with lock:
                write_codes.append((phase["down"], status))
                if status in (200, 201):
                    acknowledged[name] = labels
            index += 1
            time.sleep(0.02)

    load = [threading.Thread(target=decider, args=(a,)), threading.Thread(target=decider, args=(b,)),
            threading.Thread(target=outage_writer)]
    for thread in load:
        thread.start()
    time.sleep(2)
    subprocess.check_call(postgres + ["stop", pg_dir], stdout=subprocess.DEVNULL)
    phase["down"] = True
    down_started = time.time()
    time.sleep(10)
    with lock:
        during = dict(decisions)
    for replica in (a, b):
        status, ready = request("GET", replica.url + "/readyz")
        if status != 200 or ready.get("storeReachable") is not False:
            fail(f"replica {replica.name}'s /readyz with PostgreSQL down: {status} {ready}")
    subprocess.check_call(postgres + ["start", pg_dir, str(pg_port)], stdout=subprocess.DEVNULL)
    phase["down"] = False
    down_seconds = time.time() - down_started
    # Writes succeed again once a replica has reconnected.
    deadline = time.time() + 20
    while time.time() < deadline:
        with lock:
            recovered = [code for down, code in write_codes if not down][-3:]
        if recovered and all(code in (200, 201) for code in recovered):
            break
        time.sleep(0.2)
    time.sleep(1)
    stop.set()
    for thread in load:
        thread.join()
    if during["failed"] or decisions["failed"]:
        fail(f"decisions failed while PostgreSQL was down: {decisions}")
    # A decision that waited on the database would take a connect timeout (3 s) or a lock's.
    if not outage_latencies or max(outage_latencies) > 1000:
        fail(f"decisions while PostgreSQL was down took up to {max(outage_latencies or [0]):.0f} ms")
    down_codes = sorted({code for down, code in write_codes if down})
    if not down_codes or any(code not in (503, 200, 201) for code in down_codes) or 503 not in down_codes:
        fail(f"writes while PostgreSQL was down answered {down_codes} (expected 503)")
    if not any(code in (200, 201) for down, code in write_codes if not down):
        fail("writes did not recover after PostgreSQL came back")
    converge(a, b, acknowledged, "after PostgreSQL came back")
    print(f"PostgreSQL stopped for {down_seconds:.0f} s under load: {decisions['ok']} decisions answered, none failed "
          f"(while it was down: p99 {percentile(outage_latencies, 0.99):.1f} ms, max {max(outage_latencies):.1f} ms); "
          f"writes answered {down_codes} while it was down, then recovered; every acknowledged write is on both replicas",
          flush=True)
    print("HA drill passed", flush=True)


def converge(a, b, acknowledged, when):
    """Both replicas reach the store's revision and hold the same objects and answers; every
    acknowledged write is there."""
    deadline = time.time() + 30
    while time.time() < deadline:
        ra, rb = a.revision(), b.revision()
        if ra is not None and ra == rb:
            # The store may still be ahead of both if a write is in flight; none is now.
            status_a, export_a = request("GET", a.url + f"/v1/export?minRevision={ra}")
            status_b, export_b = request("GET", b.url + f"/v1/export?minRevision={ra}")
            if status_a == status_b == 200 and export_a == export_b:
                break
        time.sleep(0.2)
    else:
        fail(f"{when}: the replicas did not converge (a at {a.revision()}, b at {b.revision()})")
    for name, labels in acknowledged.items():
        for replica in (a, b):
            status, stored = request("GET", replica.url + f"/api/v1/namespaces/drill/pods/{name}")
            if status != 200:
                fail(f"{when}: acknowledged pod {name} missing on {replica.name}: {status}")
            if stored["metadata"].get("labels") != labels and int(stored["metadata"]["labels"].get("seq", -1)) < int(labels["seq"]):
                fail(f"{when}: {replica.name} has {name} older than acknowledged: {stored['metadata']['labels']} < {labels}")
    for i in range(20):
        for j in range(20):
            question = f"/v1/decide?from=drill/p{i}&to=drill/p{j}&port=5432"
            if request("GET", a.url + question)[1] != request("GET", b.url + question)[1]:
                fail(f"{when}: the replicas answer {question} differently")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Concurrency soak against a running server: writers and decision clients at once.

Checks, for the whole run:
  * no request fails (every answer is the expected 2xx, or 409 where a conflict is the point);
  * read-your-writes: a decision asked after a write returned is made on that write's revision or later;
  * no lost update: concurrent PUTs carrying the same resourceVersion have exactly one winner;
  * decision revisions seen by one client never go backwards.

Usage: soak.py --url URL [--seconds 60]
"""
import argparse
import concurrent.futures
import json
import random
import sys
import threading
import time

import requests

NS = "soak"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    base = args.url.rstrip("/")
    setup = requests.Session()
    bundle = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}]
    for i in range(50):
        bundle.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": NS, "labels": {"app": "a"}},
                       "status": {"podIP": f"10.77.0.{i + 1}"}})
    bundle.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "only-b", "namespace": NS},
                   "spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "b"}}}]}]}})
    r = setup.post(f"{base}/v1/import?mode=apply", json={"apiVersion": "v1", "kind": "List", "items": bundle})
    assert r.status_code == 200, r.text

    deadline = time.time() + args.seconds
    problems = []
    counts = {"writes": 0, "decisions": 0, "conflict_rounds": 0}
    lock = threading.Lock()

    def problem(text):
        with lock:
            if len(problems) < 20:
                problems.append(text)

    def writer(seed):
        rng = random.Random(seed)
        http = requests.Session()
        while time.time() < deadline:
            i = rng.randrange(50)
            app = rng.choice(["a", "b"])
            body = {"metadata": {"name": f"p{i}", "labels": {"app": app}}, "status": {"podIP": f"10.77.0.{i + 1}"}}
            r = http.put(f"{base}/api/v1/namespaces/{NS}/pods/p{i}", json=body)
            if r.status_code != 200:
                problem(f"PUT p{i} answered {r.status_code}: {r.text[:200]}")
                continue
            written = int(r.json()["metadata"]["resourceVersion"])
            # Ask right away: the answer must reflect this write (source label decides the verdict).
            d = http.get(f"{base}/v1/decide", params={"from": f"{NS}/p{i}", "to": f"{NS}/p{(i + 1) % 50}", "port": 80})
            if d.status_code != 200:
                problem(f"decide after write answered {d.status_code}: {d.text[:200]}")
                continue
            answer = d.json()
            if answer["revision"] < written:
                problem(f"decision on revision {answer['revision']} after a write at {written} had returned")
            with lock:
                counts["writes"] += 1

    def decider(seed):
        rng = random.Random(seed)
        http = requests.Session()
        last = 0
        while time.time() < deadline:
            body = {"source": {"namespace": NS, "pod": f"p{rng.randrange(50)}"},
                    "destination": {"namespace": NS, "pod": f"p{rng.randrange(50)}"}, "port": 80}
            r = http.post(f"{base}/v1/decide", json=body)
            if r.status_code != 200:
                problem(f"decide answered {r.status_code}: {r.text[:200]}")
                continue
            revision = r.json()["revision"]
            if revision < last:
                problem(f"revisions went backwards: {last} then {revision}")
            last = revision
            with lock:
                counts["decisions"] += 1

    def conflicts():
        http = requests.Session()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)
        round_ = 0
        while time.time() < deadline:
            round_ += 1
            current = http.get(f"{base}/api/v1/namespaces/{NS}").json()["metadata"]["resourceVersion"]
            # Labels unique to this round: a PUT identical to what is stored is a no-op that changes
            # no resourceVersion (as in Kubernetes), and would let a second writer in legitimately.
            def put(k, round_=round_):
                s = requests.Session()
                return s.put(f"{base}/api/v1/namespaces/{NS}",
                             json={"metadata": {"name": NS, "resourceVersion": current,
                                                "labels": {"writer": f"r{round_}-w{k}"}}}).status_code
            codes = list(pool.map(put, range(8)))
            if codes.count(200) != 1 or codes.count(409) != 7:
                problem(f"concurrent PUTs at resourceVersion {current}: {sorted(codes)} (want one 200 and seven 409)")
            with lock:
                counts["conflict_rounds"] += 1
            time.sleep(0.2)
        pool.shutdown()

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 2)]
    threads += [threading.Thread(target=decider, args=(s,)) for s in (3, 4)]
    threads.append(threading.Thread(target=conflicts))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"soak: {args.seconds:.0f} s, {counts['writes']} writes each followed by a decision, "
          f"{counts['decisions']} other decisions, {counts['conflict_rounds']} rounds of 8 conflicting PUTs")
    for p in problems:
        print("PROBLEM:", p)
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

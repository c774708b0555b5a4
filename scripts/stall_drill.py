#!/usr/bin/env python3
"""Drill: hostile and heavy requests must not stall decisions.

Loads a small cluster, measures /v1/decide latency from keep-alive clients, then repeats the
measurement while 8 clients send YAML alias bombs in a loop and 2 clients import a
110,000-object bundle at once. Prints p50/p99 before and during next to the target (p99 during
<= 50 ms). Fails on wrong answers (a bomb not refused with 400, an import answered other than
200 or 429 with Retry-After, a decision that errs) or on a stall (p99 during over 500 ms, ten
times the target); the target itself is reported, not enforced, as in bench/run.sh.
"""
import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

TARGET_P99_MS = 50.0
STALL_P99_MS = 500.0


def alias_bomb(levels=9, width=10):
    text = "a: &a [" + ",".join(['"lol"'] * width) + "]\n"
    previous = "a"
    for level in range(1, levels):
        name = f"l{level}"
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * width) + "]\n"
        previous = name
    return text.encode()


def small_cluster():
    items = []
    for n in range(5):
        ns = f"app{n}"
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"team": f"t{n % 2}"}}})
        for p in range(40):
            items.append({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": f"p{p}", "namespace": ns, "labels": {"app": f"a{p % 4}", "tier": "web" if p % 2 else "db"}},
                          "status": {"podIP": f"10.1.{n}.{p + 1}"}})
        items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                      "metadata": {"name": "db", "namespace": ns},
                      "spec": {"podSelector": {"matchLabels": {"tier": "db"}},
                               "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": "web"}}}],
                                            "ports": [{"port": 5432}]}]}})
    return {"apiVersion": "v1", "kind": "List", "items": items}


def big_bundle(total=110_000, prefix="bulk"):
    """Namespaces, pods and policies adding up to `total` objects."""
    items = []
    namespaces = 100
    policies_per_ns = 100
    pods_per_ns = (total - namespaces - namespaces * policies_per_ns) // namespaces
    for n in range(namespaces):
        ns = f"{prefix}{n}"
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        for p in range(pods_per_ns):
            items.append({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": f"p{p}", "namespace": ns, "labels": {"app": f"a{p % 20}"}},
                          "status": {"podIP": f"10.{100 + n // 50}.{(n % 50) * 5 + p // 250}.{p % 250 + 1}"}})
        for q in range(policies_per_ns):
            items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                          "metadata": {"name": f"np{q}", "namespace": ns},
                          "spec": {"podSelector": {"matchLabels": {"app": f"a{q % 20}"}},
                                   "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": f"a{(q + 1) % 20}"}}}],
                                                "ports": [{"port": 8000 + q}]}]}})
    while len(items) < total:
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"{prefix}-pad{len(items)}"}})
    return {"apiVersion": "v1", "kind": "List", "items": items}


class Target:
    def __init__(self, url):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port

    def connection(self, timeout=120):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def post(self, path, body, content_type, timeout=300):
        connection = self.connection(timeout)
        try:
            connection.request("POST", path, body=body, headers={"Content-Type": content_type})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def measure(target, stop, latencies, errors):
    """Decisions on one keep-alive connection until `stop` is set."""
    connection = target.connection(timeout=60)
    questions = [json.dumps({"source": {"namespace": f"app{n}", "pod": f"p{p}"},
                             "destination": {"namespace": f"app{n}", "pod": f"p{(p + 1) % 40}"},
                             "port": 5432}).encode() for n in range(5) for p in range(40)]
    index = 0
    while not stop.is_set():
        body = questions[index % len(questions)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("POST", "/v1/decide", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"decision answered {response.status}")
        except Exception as error:  # a reset or timeout is a failure of the drill, not a crash of it
            errors.append(f"decision failed: {error}")
            connection.close()
            connection = target.connection(timeout=60)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()


def run_clients(target, seconds=None, until=None, clients=2):
    stop = threading.Event()
    latencies, errors = [], []
    threads = [threading.Thread(target=measure, args=(target, stop, latencies, errors)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    if until is not None:
        until()
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return latencies, errors


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(latencies):
    return f"n={len(latencies):6d}  p50 {percentile(latencies, 0.5):7.2f} ms  p99 {percentile(latencies, 0.99):7.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--objects", type=int, default=110_000)
    parser.add_argument("--baseline-seconds", type=float, default=5)
    arguments = parser.parse_args()
    target = Target(arguments.url)
    failures = []

    status, _, body = target.post("/v1/import", json.dumps(small_cluster()).encode(), "application/json")
    if status != 200:
        sys.exit(f"FAIL: loading the small cluster answered {status}: {body[:300]!r}")
    bundles = [json.dumps(big_bundle(arguments.objects, prefix=f"bulk{i}-")).encode() for i in range(2)]
    bomb = alias_bomb()
    print(f"bundles: 2 x {arguments.objects} objects ({len(bundles[0]) // (1 << 20)} MiB each); alias bomb: {len(bomb)} bytes")

    before, errors = run_clients(target, seconds=arguments.baseline_seconds)
    failures += errors

    imports_done = threading.Event()
    import_results, bomb_results, bomb_times = [], [], []

    def importer(body):
        started = time.perf_counter()
        status, headers, text = target.post("/v1/import", body, "application/json", timeout=600)
        import_results.append((status, headers.get("Retry-After"), time.perf_counter() - started, text[:200]))

    def bomber():
        while not imports_done.is_set():
            started = time.perf_counter()
            status, _, text = target.post("/v1/import", bomb, "application/yaml", timeout=120)
            bomb_times.append((time.perf_counter() - started) * 1000)
            bomb_results.append((status, text[:200]))

    def attack():
        importers = [threading.Thread(target=importer, args=(body,)) for body in bundles]
        bombers = [threading.Thread(target=bomber) for _ in range(8)]
        for thread in importers + bombers:
            thread.start()
        for thread in importers:
            thread.join()
        imports_done.set()
        for thread in bombers:
            thread.join()

    during, errors = run_clients(target, until=attack)
    failures += errors

    print(f"decisions before the attack   {summary(before)}")
    p99 = percentile(during, 0.99)
    verdict = "ok" if p99 <= TARGET_P99_MS else "MISSED"
    print(f"decisions during the attack   {summary(during)}   target p99 <= {TARGET_P99_MS:.0f} ms  {verdict}")
    refused = sum(1 for status, text in bomb_results if status == 400 and b"expands to more than" in text)
    queued = sum(1 for status, _ in bomb_results if status == 429)
    print(f"alias bombs: {len(bomb_results)} sent by 8 clients: {refused} refused with 400 "
          f"(answer p50 {percentile(bomb_times, 0.5):.1f} ms), {queued} told 429 after waiting in line behind the imports")
    for status, retry_after, seconds, text in import_results:
        note = f" Retry-After: {retry_after}" if status == 429 else ""
        print(f"import of {arguments.objects} objects: {status}{note} after {seconds:.1f} s")

    if refused + queued != len(bomb_results) or refused == 0:
        odd = [result for result in bomb_results if result[0] not in (400, 429)]
        failures.append(f"alias bombs answered other than 400 (refused) or 429 (line full): {odd[:2]}")
    for status, retry_after, _, text in import_results:
        if status not in (200, 429) or (status == 429 and not retry_after):
            failures.append(f"an import answered {status} (Retry-After {retry_after}): {text!r}")
    if not any(status == 200 for status, *_ in import_results):
        failures.append("neither import succeeded")
    if p99 > STALL_P99_MS:
        failures.append(f"decisions stalled: p99 {p99:.1f} ms during the attack")
    if failures:
        for failure in failures[:10]:
            print("FAIL:", failure)
        sys.exit(1)
    print("stall drill passed")


if __name__ == "__main__":
    main()

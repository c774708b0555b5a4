#!/usr/bin/env python3
"""Drives GET /ui of a running netpold in headless Chromium and checks what it draws.

Imports its own cluster first (Tests/PolicyAPITests/Fixtures/ui-cluster.yaml, mode=replace: the
store then holds exactly that), so the expected matrix, pairs and reachability below are known
in advance; they are read off the fixture's policies, as the comments say. Installs nothing:
it needs Selenium (pip install selenium) and Debian's chromium and chromium-driver.

Usage: scripts/ui-check.py --url http://127.0.0.1:PORT [--screenshot PATH] [--token-file FILE]
Exits 0 when every check passes, 1 on a failed check, 2 when it cannot run.
"""
import argparse
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "Tests", "PolicyAPITests", "Fixtures", "ui-cluster.yaml")

# Namespace x namespace, from row to column: (allowed pod pairs, total pod pairs, class). Ingress
# decides most cells (only data has an egress policy), and a pair counts when anything is allowed.
#   frontend (web x2, debug), no policy: everyone reaches it, on every port.
#   backend api x2 accepts only frontend's web pods (TCP 8080); worker is not isolated.
#   data denies ingress but postgres <- backend api (TCP 5432) and redis <- any backend pod
#   (TCP 6379); its egress is DNS only (TCP/UDP 53, to anywhere), which frontend and worker accept.
#   monitoring (prometheus alone) denies all ingress; one pod has no pair with its own namespace.
# The classes: share-low below 40 %, share-mid from 40 % to 80 %, share-high from 80 % (the legend).
NAMESPACES = ["backend", "data", "frontend", "monitoring"]
MATRIX = {
    ("backend", "backend"): (2, 6, "share-low"),  # api -> worker (x2); nothing reaches api from backend
    ("backend", "data"): (5, 6, "share-high"),  # api -> postgres (x2), all three -> redis; not worker -> postgres
    ("backend", "frontend"): (9, 9, "share-all"),
    ("backend", "monitoring"): (0, 3, "share-0"),
    ("data", "backend"): (2, 6, "share-low"),  # DNS to worker only: api takes web pods alone
    ("data", "data"): (0, 2, "share-0"),  # postgres and redis take backend pods alone
    ("data", "frontend"): (6, 6, "share-all"),  # DNS
    ("data", "monitoring"): (0, 2, "share-0"),
    ("frontend", "backend"): (7, 9, "share-mid"),  # web x2 -> api x2, all three -> worker; not debug -> api
    ("frontend", "data"): (0, 6, "share-0"),
    ("frontend", "frontend"): (6, 6, "share-all"),
    ("frontend", "monitoring"): (0, 3, "share-0"),
    ("monitoring", "backend"): (1, 3, "share-low"),  # prometheus -> worker
    ("monitoring", "data"): (0, 2, "share-0"),
    ("monitoring", "frontend"): (3, 3, "share-all"),
    ("monitoring", "monitoring"): (0, 0, "share-na"),  # one pod: no pair
}

API_1, API_2 = "backend/api-5f6b7-g5h6j", "backend/api-5f6b7-k7l8m"
WORKER = "backend/worker-6d8c9-n9p0q"
POSTGRES, REDIS = "data/postgres-0", "data/redis-84b5c-r1s2t"
WEB_1, WEB_2, DEBUG = "frontend/web-7c9d8-a1b2c", "frontend/web-7c9d8-d3e4f", "frontend/debug"

# The cell backend -> data: every pod pair, allowed ones with their ports and the ingress policy
# whose rule 0 allowed them (backend has no egress policy: "not isolated"); worker -> postgres is
# denied, no rule of postgres' two policies matching.
PAIRS_CELL = ("backend", "data")
PAIRS_ALLOWED = {
    (API_1, POSTGRES): ("TCP 5432", "data/postgres-from-api"),
    (API_2, POSTGRES): ("TCP 5432", "data/postgres-from-api"),
    (API_1, REDIS): ("TCP 6379", "data/redis-from-backend"),
    (API_2, REDIS): ("TCP 6379", "data/redis-from-backend"),
    (WORKER, REDIS): ("TCP 6379", "data/redis-from-backend"),
}
PAIRS_DENIED = {(WORKER, POSTGRES)}

# postgres-0: only backend's api pods reach it, on 5432, and no outside address does (default deny,
# no ipBlock). It reaches, on DNS only, the pods that do not isolate ingress: frontend's three and
# worker.
PICKED = POSTGRES
REACH_TO = {API_1: "TCP 5432", API_2: "TCP 5432"}
REACH_FROM = {WEB_1: "TCP 53; UDP 53", WEB_2: "TCP 53; UDP 53", DEBUG: "TCP 53; UDP 53", WORKER: "TCP 53; UDP 53"}

# Workload x workload: a cell is `allowed` when every pod pair of the two allows something.
WORKLOADS = [
    "backend/api[Deployment]", "backend/worker[Deployment]", "data/postgres[StatefulSet]", "data/redis[Deployment]",
    "frontend/debug[Pod]", "frontend/web[Deployment]", "monitoring/prometheus[Deployment]",
]
WORKLOAD_CELLS = {
    ("frontend/web[Deployment]", "backend/api[Deployment]"): "allowed",
    ("frontend/debug[Pod]", "backend/api[Deployment]"): "none",
    ("backend/api[Deployment]", "data/postgres[StatefulSet]"): "allowed",
    ("backend/worker[Deployment]", "data/postgres[StatefulSet]"): "none",
    ("backend/api[Deployment]", "backend/api[Deployment]"): "none",  # api takes web pods only
    ("frontend/web[Deployment]", "frontend/web[Deployment]"): "allowed",
    ("monitoring/prometheus[Deployment]", "monitoring/prometheus[Deployment]"): "share-na",  # one pod
}
# `tier=backend` matches api and worker only.
LABEL_FILTER, LABEL_ROWS = "tier=backend", ["backend/api[Deployment]", "backend/worker[Deployment]"]

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def http(url, method="GET", body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a running netpold, e.g. http://127.0.0.1:8080")
    parser.add_argument("--screenshot", help="save a PNG of the page here (a second one, -workloads, of that view)")
    parser.add_argument("--token-file", help="an admin token, for a server that requires one")
    parser.add_argument("--timeout", type=float, default=20, help="seconds to wait for each thing the page shows")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    token = open(args.token_file).read().strip() if args.token_file else ""
    auth = {"Authorization": "Bearer " + token} if token else {}

    try:
        from selenium import webdriver
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        print("ui-check: Selenium is missing (pip install selenium)", file=sys.stderr)
        return 2
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not browser or not driver_path:
        print("ui-check: chromium and chromedriver are needed (apt-get install chromium chromium-driver)", file=sys.stderr)
        return 2

    try:
        with open(FIXTURE, "rb") as f:
            status, _, body = http(base + "/v1/import?mode=replace", "POST", f.read(), {"Content-Type": "application/yaml", **auth})
    except urllib.error.URLError as error:
        print(f"ui-check: no server at {base}: {error.reason}", file=sys.stderr)
        return 2
    if status != 200:
        print(f"ui-check: importing {FIXTURE} answered {status}: {body[:400]!r}", file=sys.stderr)
        return 2
    revision = json.loads(body)["revision"]
    print(f"imported {os.path.relpath(FIXTURE, ROOT)} at revision {revision}")

    status, headers, body = http(base + "/ui")
    check(status == 200 and (headers.get("Content-Type") or "").startswith("text/html"), "GET /ui is 200 text/html")
    check("default-src 'self'" in (headers.get("Content-Security-Policy") or ""), "GET /ui forbids other origins (CSP)")
    for asset, kind in (("/ui/app.js", "javascript"), ("/ui/app.css", "text/css")):
        status, headers, _ = http(base + asset)
        check(status == 200 and kind in (headers.get("Content-Type") or ""), f"GET {asset} is 200 {kind}")

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1480,1000",
                 "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    wait = WebDriverWait(driver, args.timeout)

    def wait_for(what, condition):
        try:
            return wait.until(lambda d: condition())
        except TimeoutException:
            check(False, f"timed out waiting for {what}")
            raise

    def cells():
        return driver.find_elements(By.CSS_SELECTOR, "#matrix .cell")

    def cell(source, target):
        found = driver.find_elements(By.CSS_SELECTOR, f'#matrix .cell[data-from="{source}"][data-to="{target}"]')
        return found[0] if found else None

    def classes(element):
        return set((element.get_attribute("class") or "").split())

    try:
        if token:
            # The page reads its token from localStorage: set it on the origin, then load again.
            driver.get(base + "/ui")
            driver.execute_script("localStorage.setItem('netpold.ui.token', arguments[0])", token)
        driver.get(base + "/ui")
        matrix = driver.find_element(By.ID, "matrix")
        wait_for("the namespace matrix", lambda: matrix.get_attribute("data-size") == "4" and len(cells()) == 16)
        check(matrix.get_attribute("data-view") == "namespace", "the page opens on the namespace matrix")
        check(len(cells()) == 16, f"4 x 4 namespace cells ({len(cells())})")
        rows = [e.get_attribute("data-key") for e in driver.find_elements(By.CSS_SELECTOR, "#matrix .mx-row")]
        check(rows == NAMESPACES, f"rows are the namespaces in order: {rows}")
        shown = driver.find_element(By.ID, "revision").get_attribute("data-revision")
        check(shown == str(revision), f"#revision shows the imported revision {revision} ({shown})")
        for (source, target), (allowed, total, cls) in MATRIX.items():
            element = cell(source, target)
            got = (element.get_attribute("data-allowed"), element.get_attribute("data-total"), classes(element)) if element else None
            check(got is not None and got[0] == str(allowed) and got[1] == str(total) and cls in got[2],
                  f"{source} -> {target}: {allowed}/{total} {cls} (page: {got and (got[0], got[1], sorted(got[2] - {'cell'}))})")
        legend = {e.get_attribute("data-class") for e in driver.find_elements(By.CSS_SELECTOR, "#legend .legend-item")}
        check({"share-0", "share-low", "share-mid", "share-high", "share-all"} <= legend, "the legend names every share class")

        # Hovering a cell shows its counts.
        ActionChains(driver).move_to_element(cell("frontend", "backend")).perform()
        tooltip = driver.find_element(By.ID, "tooltip")
        wait_for("the tooltip", lambda: tooltip.is_displayed())
        check("7 of 9 pod pairs allowed" in tooltip.text, f"the tooltip counts pairs: {tooltip.text!r}")

        # A cell's pairs, with the deciding policy of each side.
        cell(*PAIRS_CELL).click()
        expected = len(PAIRS_ALLOWED) + len(PAIRS_DENIED)

        def pair_items():
            return driver.find_elements(By.CSS_SELECTOR, "#pairs li.pair")

        wait_for("the pairs of backend -> data", lambda: len(pair_items()) == expected
                 and all(li.get_attribute("data-decided") == "true" for li in pair_items()))
        check("selected" in classes(cell(*PAIRS_CELL)), "the clicked cell is marked selected")
        listed = {}
        for li in pair_items():
            listed[(li.get_attribute("data-from"), li.get_attribute("data-to"))] = li
        check(set(listed) == set(PAIRS_ALLOWED) | PAIRS_DENIED, f"#pairs lists the cell's {expected} pod pairs: {sorted(listed)}")
        for pair, (ports, policy) in PAIRS_ALLOWED.items():
            li = listed.get(pair)
            if not check(li is not None, f"pair {pair[0]} -> {pair[1]} listed"):
                continue
            text = li.text
            check(li.get_attribute("data-allowed") == "true", f"{pair[0]} -> {pair[1]} is allowed")
            check(ports in li.find_element(By.CSS_SELECTOR, ".ports").text, f"{pair[0]} -> {pair[1]} shows {ports}")
            check(li.get_attribute("data-ingress-policy") == policy and li.get_attribute("data-ingress-rule") == "0"
                  and f"{policy} rule 0 (Allow)" in text,
                  f"{pair[0]} -> {pair[1]}: ingress {policy} rule 0 (Allow) (page: {li.get_attribute('data-ingress-decision')})")
            check("egress:" in text and "not isolated" in li.find_element(By.CSS_SELECTOR, ".side-text.egress").text,
                  f"{pair[0]} -> {pair[1]}: egress not isolated")
        for pair in PAIRS_DENIED:
            li = listed.get(pair)
            if not check(li is not None, f"pair {pair[0]} -> {pair[1]} listed"):
                continue
            check(li.get_attribute("data-allowed") == "false", f"{pair[0]} -> {pair[1]} is denied")
            check(li.get_attribute("data-ingress-reason") == "NoRuleMatched" and "data/postgres-from-api" in li.text,
                  f"{pair[0]} -> {pair[1]}: ingress no rule matched, naming postgres' policies")
        order = [li.get_attribute("data-allowed") for li in pair_items()]
        check(order == sorted(order, reverse=True), "allowed pairs are listed before denied ones")

        # Who can reach a picked pod, and what it can reach.
        search = driver.find_element(By.ID, "pod-search")
        search.clear()
        search.send_keys("postgres")
        option = f'#pod-options li[data-pod="{PICKED}"]'
        wait_for("the pod search to offer postgres-0", lambda: driver.find_elements(By.CSS_SELECTOR, option))
        driver.find_element(By.CSS_SELECTOR, option).click()
        for box_id, want in (("reach-to", REACH_TO), ("reach-from", REACH_FROM)):
            box = driver.find_element(By.ID, box_id)
            wait_for(f"#{box_id}", lambda: box.get_attribute("data-state") == "done" and box.get_attribute("data-pod") == PICKED)
            got = {li.get_attribute("data-pod"): li.get_attribute("data-ports")
                   for li in box.find_elements(By.CSS_SELECTOR, "li[data-pod]")}
            check(got == want, f"#{box_id} of {PICKED}: {got}")
            addresses = box.find_elements(By.CSS_SELECTOR, "li[data-cidr]")
            if box_id == "reach-to":
                check(not addresses, "no address range reaches postgres-0")
            else:
                check(addresses and all(li.get_attribute("data-ports") == "TCP 53; UDP 53" for li in addresses),
                      f"postgres-0 reaches outside addresses on DNS only ({len(addresses)} ranges)")
        if args.screenshot:
            ActionChains(driver).move_to_element(cell("frontend", "backend")).perform()
            time.sleep(0.2)
            driver.save_screenshot(args.screenshot)
            print(f"screenshot: {args.screenshot}")

        # The workload matrix, then a label filter on it.
        driver.find_element(By.ID, "view-workload").click()
        wait_for("the workload matrix", lambda: matrix.get_attribute("data-view") == "workload"
                 and matrix.get_attribute("data-size") == str(len(WORKLOADS)) and len(cells()) == len(WORKLOADS) ** 2)
        rows = [e.get_attribute("data-key") for e in driver.find_elements(By.CSS_SELECTOR, "#matrix .mx-row")]
        check(rows == WORKLOADS, f"workload rows: {rows}")
        for (source, target), cls in WORKLOAD_CELLS.items():
            element = cell(source, target)
            check(element is not None and cls in classes(element), f"{source} -> {target}: {cls}")
        label_filter = driver.find_element(By.ID, "label-filter")
        label_filter.send_keys(LABEL_FILTER)
        wait_for("the label filter", lambda: matrix.get_attribute("data-size") == str(len(LABEL_ROWS)))
        rows = [e.get_attribute("data-key") for e in driver.find_elements(By.CSS_SELECTOR, "#matrix .mx-row")]
        check(rows == LABEL_ROWS and len(cells()) == len(LABEL_ROWS) ** 2, f"{LABEL_FILTER} keeps {LABEL_ROWS}: {rows}")
        label_filter.send_keys(Keys.CONTROL, "a", Keys.DELETE)
        wait_for("the label filter cleared", lambda: matrix.get_attribute("data-size") == str(len(WORKLOADS)))
        if args.screenshot:
            root, ext = os.path.splitext(args.screenshot)
            driver.save_screenshot(f"{root}-workloads{ext or '.png'}")

        # A namespace filter goes to the server as namespace=.
        driver.find_element(By.ID, "view-namespace").click()
        namespace_filter = driver.find_element(By.ID, "ns-filter")
        namespace_filter.send_keys("backend,data", Keys.ENTER)
        wait_for("the namespace filter", lambda: matrix.get_attribute("data-view") == "namespace"
                 and matrix.get_attribute("data-size") == "2" and len(cells()) == 4)
        element = cell("backend", "data")
        check(element is not None and "share-high" in classes(element), "backend,data keeps backend -> data share-high")

        problems = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        check(not problems, "the browser logged no error: " + "; ".join(p.get("message", "")[:200] for p in problems))
    except TimeoutException:
        if args.screenshot:
            driver.save_screenshot(args.screenshot)
            print(f"screenshot of the failure: {args.screenshot}")
        for entry in driver.get_log("browser"):
            print("browser:", entry.get("level"), entry.get("message", "")[:300])
    finally:
        driver.quit()

    if failures:
        print(f"ui-check: {len(failures)} check(s) failed")
        return 1
    print("ui-check: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

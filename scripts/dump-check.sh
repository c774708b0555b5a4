#!/usr/bin/env bash
# A kubectl dump and a manifest folder, imported with the CLI into a fresh server, then questions
# about their workloads and Services: each `netpold decide` must exit as expected (0 allowed,
# 1 denied, 2 error) and print the expected lines. The answers are read off the policies of
# Tests/PolicyAPITests/Fixtures/kubectl-get-all.yaml (see Tests/PolicyAPITests/DumpDecisionTests.swift)
# and examples/app.
# Usage: scripts/dump-check.sh NETPOLD_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then
    echo "usage: $0 NETPOLD_BINARY" >&2
    exit 2
fi
BIN=$1
[ -x "$BIN" ] || { echo "not an executable: $BIN" >&2; exit 2; }
DUMP=Tests/PolicyAPITests/Fixtures/kubectl-get-all.yaml
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
. scripts/lib.sh
netpold_start "$work" "$BIN" serve --db "$work/dump.db" --port 0 --log-level warning || exit 1

failures=0
fail() {
    echo "FAIL: $1"
    sed 's/^/    | /' "$work/last"
    failures=$((failures + 1))
}
# has LINE: the last command's output holds LINE (a fixed string).
has() { grep -qF -- "$1" "$work/last"; }

# The dump, as `kubectl get ... -A -o yaml` prints it.
status=0
"$BIN" apply -f "$DUMP" --server "$url" >"$work/apply.out" 2>"$work/last" || status=$?
echo "netpold apply -f $DUMP (exit $status):"
sed 's/^/    /' "$work/last"
cp "$work/apply.out" "$work/applied"
cat "$work/apply.out" >>"$work/last"
if [ $status = 0 ] && has "130 objects: 130 created at revision" \
    && has "skipped 182 objects of 15 kinds that do not affect network policy: Event (95), ServiceAccount (18), ConfigMap (17)" \
    && [ "$(grep -c '^node/' "$work/applied")" = 4 ] \
    && [ "$(grep -c ' created (implied)$' "$work/applied")" = 5 ] && ! grep -q '^secret' "$work/applied"; then
    echo "ok   the dump imports: 130 objects (5 implied namespaces, 4 Nodes), 182 skipped, no Secret stored"
else
    fail "the dump's import"
fi
"$BIN" export --server "$url" >"$work/export.yaml"
# Every Secret value of the dump, one a line: none may be in the export.
python3 -c '
import sys, yaml
for item in yaml.safe_load(open(sys.argv[1]))["items"]:
    if item["kind"] == "Secret":
        print("\n".join(item.get("data", {}).values()))' "$DUMP" >"$work/secret-values"
secrets=$(wc -l <"$work/secret-values")
if [ "$secrets" -lt 10 ] || grep -q "^kind: Secret" "$work/export.yaml" || grep -qF -f "$work/secret-values" "$work/export.yaml"; then
    grep -F -f "$work/secret-values" "$work/export.yaml" >"$work/last" || true
    fail "a Secret or its data is in the export (or the dump has no Secrets: $secrets values)"
else
    echo "ok   the export ($(wc -l <"$work/export.yaml") lines) holds no Secret and none of the dump's $secrets Secret values"
fi

# ask EXIT "what it shows" LINE... -- DECIDE-ARGUMENTS: `netpold decide` exits EXIT and prints every LINE.
ask() {
    local want=$1 what=$2
    shift 2
    local lines=()
    while [ "$1" != "--" ]; do
        lines+=("$1")
        shift
    done
    shift
    local status=0
    "$BIN" decide --server "$url" "$@" >"$work/last" 2>&1 || status=$?
    local missing=""
    for line in "${lines[@]}"; do has "$line" || missing="$line"; done
    if [ "$status" = "$want" ] && [ -z "$missing" ]; then
        echo "ok   exit $status  decide $*: $what"
    else
        fail "decide $* exited $status (expected $want)${missing:+, without the line: $missing}"
    fi
}

ask 0 "every web pod reaches every cart pod; the named targetPort is 8080 on the old pod, 8081 on the new" \
    "ALLOWED  checkout/Deployment/web -> checkout/Service/cart TCP/80" \
    "checkout/web-82sfmpgjxb-4mdlk -> checkout/cart-bvgmgmcwvk-crgmn service port 80 -> TCP/8080: allowed" \
    "checkout/web-82sfmpgjxb-sr5q2 -> checkout/cart-xrvg6pxgrc-f59h6 service port 80 -> TCP/8081: allowed" \
    "ingress allowed  AllowedByPolicy by NetworkPolicy checkout/cart-from-frontend rule 0 (Allow)" \
    -- --from checkout/Deployment/web --to checkout/Service/cart --port 80
[ "$(grep -c ': allowed$' "$work/last")" = 9 ] || fail "web -> cart did not list 3 x 3 allowed backends"
ask 1 "catalog's default deny stops search's egress" \
    "DENIED  catalog/Deployment/search -> checkout/Service/web TCP/80" \
    "catalog/search-79xbmdh2ws-r64dn -> checkout/web-82sfmpgjxb-4mdlk service port 80 -> TCP/8080: denied" \
    "egress  denied   NoRuleMatched (applied: catalog/allow-dns, catalog/default-deny-all, catalog/search-to-catalog-api)" \
    -- --from catalog/Deployment/search --to checkout/Service/web --port 80
ask 0 "DNS is allowed out of catalog" \
    "ALLOWED  catalog/Deployment/search -> kube-system/Service/kube-dns UDP/53" \
    "catalog/search-79xbmdh2ws-wrgft -> kube-system/coredns-bbxl5bsdgd-zr9cx service port 53 -> UDP/53: allowed" \
    -- --from catalog/Deployment/search --to kube-system/Service/kube-dns --port 53 --protocol UDP
ask 0 "grafana, scaled to 0, is its pod template" \
    "monitoring/grafana[Deployment] -> monitoring/prometheus-0 service port 9090 -> TCP/9090: allowed" \
    "ingress allowed  AllowedByPolicy by NetworkPolicy monitoring/prometheus-from-grafana rule 0 (Allow)" \
    -- --from monitoring/Deployment/grafana --to monitoring/Service/prometheus --port 9090
ask 0 "prometheus scrapes checkout (namespaceSelector purpose=monitoring, a named port)" \
    "monitoring/prometheus-0 -> checkout/cart-xrvg6pxgrc-49w6k service port 9090 -> TCP/9090: allowed" \
    -- --from monitoring/StatefulSet/prometheus --to checkout/Service/cart --port 9090
ask 1 "the implied namespace legacy has no team label for catalog-api's rule" \
    "DENIED  legacy/ReplicationController/legacy-web -> catalog/Service/catalog-api TCP/80" \
    "ingress denied   NoRuleMatched (applied: catalog/allow-prometheus-scrape, catalog/catalog-api, catalog/default-deny-all)" \
    -- --from legacy/ReplicationController/legacy-web --to catalog/Service/catalog-api --port 80
ask 1 "only the backends may reach postgres" \
    "DENIED  checkout/Deployment/web -> checkout/Service/postgres TCP/5432" \
    -- --from checkout/Deployment/web --to checkout/Service/postgres --port 5432
ask 0 "a CronJob is its Jobs' pods" \
    "checkout/abandoned-carts-29012400-ddtdf -> checkout/postgres-1 service port 5432 -> TCP/5432: allowed" \
    -- --from checkout/CronJob/abandoned-carts --to checkout/Service/postgres --port 5432
ask 2 "a Service is a destination only: an error, not a denial" \
    "a Service is a destination only" \
    -- --from checkout/Service/cart --to checkout/Service/web --port 80

# A manifest folder, as `helm template` writes it.
status=0
"$BIN" apply -f examples/app -R --server "$url" >"$work/last" 2>&1 || status=$?
echo "netpold apply -f examples/app -R (exit $status):"
sed 's/^/    /' "$work/last"
if [ $status = 0 ] && has "namespace/orders created (implied)" && has "deployment.apps/api created" && has "service/db created"; then
    echo "ok   examples/app imports"
else
    fail "examples/app's import"
fi
ask 0 "the api reaches the database through its Service" \
    "ALLOWED  orders/Deployment/api -> orders/Service/db TCP/5432" \
    "orders/api[Deployment] -> orders/db[StatefulSet] (no pods: its pod template) service port 5432 -> TCP/5432: allowed" \
    -- --from orders/Deployment/api --to orders/Service/db --port 5432
ask 1 "the database may not call itself" \
    "DENIED  orders/StatefulSet/db -> orders/Service/db TCP/5432" \
    -- --from orders/StatefulSet/db --to orders/Service/db --port 5432

kill -TERM "$server"
wait "$server" || true
server=""
if [ $failures -gt 0 ]; then
    echo "dump check failed: $failures mismatches"
    exit 1
fi
echo "dump check passed"

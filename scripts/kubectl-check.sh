#!/usr/bin/env bash
# The real kubectl against a real netpold, with kubectl's default flags: discovery (api-versions,
# api-resources), version, get with server-side tables (default and -o wide, one namespace and all
# of them, label selectors, -o name, -o jsonpath), the Calico and admin kinds, create and apply of a
# new NetworkPolicy (kubectl reads /openapi/v3 to decide how to validate it), the writes kubectl
# makes with PATCH (apply twice: unchanged; after an edit: configured and merged; label, annotate,
# edit with a scripted EDITOR, diff, replace, apply --server-side and --dry-run=server, a Calico
# policy through merge patches, delete -f and delete KIND NAME), and errors as kubectl prints them. Prints every mismatch, expected and got, and exits 1 if there was one.
#   scripts/kubectl-check.sh [NETPOLD_BINARY]     (default .build/debug/netpold; KUBECTL=... for another kubectl)
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
KUBECTL=${KUBECTL:-kubectl}
. scripts/lib.sh

work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# kubectl keeps its discovery and OpenAPI caches under $HOME/.kube: a fresh home, and no kubeconfig.
export HOME="$work/home"
mkdir -p "$HOME"
unset KUBECONFIG

netpold_start "$work" "$BIN" serve --db "$work/check.db" --port 0 --log-level warning || exit 1
echo "netpold at $url; $("$KUBECTL" version --client 2>/dev/null | head -1)"

# The example pods and a few policies of each family, loaded with netpold's own CLI.
load() { "$BIN" apply --server "$url" "$@" >"$work/load.log" 2>&1 || { cat "$work/load.log"; exit 1; }; }
load -f examples/pods.yaml
for file in deny-ingress backend-from-frontend web-from-anywhere; do load -n shop -f "examples/$file.yaml"; done
load -f examples/admin-sandbox-not-to-shop.yaml -f examples/legacy-allow-trusted.yaml

failures=0
checks=0
k() { "$KUBECTL" --server "$url" "$@"; }

# Runs kubectl with the arguments after `--`; its stdout, with runs of spaces made one and ages
# (5s, 3m20s, 2d4h...) written <age>, must be the expected text; stderr must be empty.
expect_output() {
    local title=$1 expected=$2
    shift 3
    checks=$((checks + 1))
    local out err status
    out=$(k "$@" 2>"$work/stderr")
    status=$?
    err=$(cat "$work/stderr")
    out=$(printf '%s\n' "$out" | sed -E 's/ +/ /g; s/ $//; s/(^| )[0-9]+[smhdy]([0-9]+[smhd])?( |$)/\1<age>\3/g')
    if [ "$status" -ne 0 ] || [ "$out" != "$expected" ] || [ -n "$err" ]; then
        failures=$((failures + 1))
        echo "FAIL $title: kubectl $* (exit $status)"
        diff <(printf '%s\n' "$expected") <(printf '%s\n' "$out") | sed 's/^/    /'
        [ -n "$err" ] && printf '%s\n' "$err" | sed 's/^/    stderr: /'
        return
    fi
    echo "ok   $title: kubectl $*"
    printf '%s\n' "$out" | sed 's/^/       /'
}

# Runs kubectl, which must fail and print exactly the expected error (its first stderr line).
expect_error() {
    local title=$1 expected=$2
    shift 3
    checks=$((checks + 1))
    local err status
    k "$@" >/dev/null 2>"$work/stderr"
    status=$?
    err=$(head -1 "$work/stderr")
    if [ "$status" -eq 0 ] || [ "$err" != "$expected" ]; then
        failures=$((failures + 1))
        echo "FAIL $title: kubectl $* (exit $status)"
        echo "    expected: $expected"
        echo "    got:      $err"
        return
    fi
    echo "ok   $title: kubectl $*"
    echo "       $err"
}

expect_output "discovery: every group version" "$(
    cat <<'EOF'
apps/v1
batch/v1
networking.k8s.io/v1
policy.networking.k8s.io/v1alpha1
policy.networking.k8s.io/v1alpha2
projectcalico.org/v3
v1
EOF
)" -- api-versions

# Every resource kubectl maps, with the short names it resolves (netpol, cnp, gnp...).
checks=$((checks + 1))
resources=$(k api-resources 2>"$work/stderr" | sed -E 's/ +/ /g; s/ $//')
missing=""
while IFS= read -r line; do
    grep -qxF "$line" <<<"$resources" || missing+="    missing: $line"$'\n'
done <<'EOF'
NAME SHORTNAMES APIVERSION NAMESPACED KIND
namespaces ns v1 false Namespace
nodes no v1 false Node
pods po v1 true Pod
replicationcontrollers rc v1 true ReplicationController
services svc v1 true Service
daemonsets ds apps/v1 true DaemonSet
deployments deploy apps/v1 true Deployment
replicasets rs apps/v1 true ReplicaSet
statefulsets sts apps/v1 true StatefulSet
cronjobs cj batch/v1 true CronJob
jobs batch/v1 true Job
networkpolicies netpol networking.k8s.io/v1 true NetworkPolicy
adminnetworkpolicies anp policy.networking.k8s.io/v1alpha1 false AdminNetworkPolicy
baselineadminnetworkpolicies banp policy.networking.k8s.io/v1alpha1 false BaselineAdminNetworkPolicy
clusternetworkpolicies cnp policy.networking.k8s.io/v1alpha2 false ClusterNetworkPolicy
globalnetworkpolicies gnp,cgnp,calicoglobalnetworkpolicies projectcalico.org/v3 false GlobalNetworkPolicy
networkpolicies caliconetworkpolicy,caliconetworkpolicies projectcalico.org/v3 true NetworkPolicy
stagedglobalnetworkpolicies sgnp projectcalico.org/v3 false StagedGlobalNetworkPolicy
stagedkubernetesnetworkpolicies sknp projectcalico.org/v3 true StagedKubernetesNetworkPolicy
stagednetworkpolicies snp projectcalico.org/v3 true StagedNetworkPolicy
tiers projectcalico.org/v3 false Tier
EOF
if [ -n "$missing" ] || [ -s "$work/stderr" ]; then
    failures=$((failures + 1))
    echo "FAIL discovery: kubectl api-resources"
    printf '%s' "$missing"
    sed 's/^/    stderr: /' "$work/stderr"
else
    echo "ok   discovery: kubectl api-resources ($(($(wc -l <<<"$resources") - 1)) resources)"
fi

# kubectl version: the server's version, and no skew warning (kubectl prints it on stderr).
checks=$((checks + 1))
version=$(k version 2>"$work/stderr")
if grep -qE '^Server Version: v1\.32\.0-netpold\.' <<<"$version" && ! grep -qi warning "$work/stderr"; then
    echo "ok   version: kubectl version"
    sed 's/^/       /' <<<"$version"
else
    failures=$((failures + 1))
    echo "FAIL version: kubectl version"
    sed 's/^/    /' <<<"$version"
    sed 's/^/    stderr: /' "$work/stderr"
fi

expect_output "table: namespaces" "$(
    cat <<'EOF'
NAME STATUS AGE
shop Active <age>
trusted Active <age>
EOF
)" -- get ns

expect_output "table: pods of a namespace" "$(
    cat <<'EOF'
NAME READY STATUS RESTARTS AGE
cache 0/1 Pending 0 <age>
storefront 0/0 Pending 0 <age>
web 0/1 Pending 0 <age>
EOF
)" -- get pods -n shop

expect_output "table: every pod, wide" "$(
    cat <<'EOF'
NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES
shop cache 0/1 Pending 0 <age> 10.0.0.20 <none> <none> <none>
shop storefront 0/0 Pending 0 <age> 10.0.0.10 <none> <none> <none>
shop web 0/1 Pending 0 <age> 10.0.0.30 <none> <none> <none>
trusted billing 0/0 Pending 0 <age> 10.0.1.10 <none> <none> <none>
EOF
)" -- get pods -A -o wide

expect_output "table: NetworkPolicies by short name" "$(
    cat <<'EOF'
NAMESPACE NAME POD-SELECTOR AGE
shop backend-from-frontend role=backend <age>
shop deny-ingress <none> <age>
shop web-from-anywhere app=web <age>
EOF
)" -- get netpol -A

expect_output "label selector, -o name" "pod/cache" -- get pods -n shop -l role=backend -o name

expect_output "one object, -o jsonpath" "10.0.0.20" -- get pod -n shop cache -o jsonpath='{.status.podIP}'

expect_output "table: Calico GlobalNetworkPolicies" "$(
    cat <<'EOF'
NAME ORDER SELECTOR AGE
legacy-allow-trusted 400 all() <age>
EOF
)" -- get globalnetworkpolicies.projectcalico.org

expect_output "table: ClusterNetworkPolicies by short name (printer columns)" "$(
    cat <<'EOF'
NAME TIER PRIORITY AGE
sandbox-not-to-shop Admin 10 <age>
EOF
)" -- get cnp

# create and apply with default flags: kubectl reads /openapi/v3, finds fieldValidation on the
# kind's PATCH, and leaves validation to the server (?fieldValidation=Strict).
cat >"$work/cache-from-web.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cache-from-web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      role: backend
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: 6379
EOF
cat >"$work/storefront-from-web.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: storefront-from-web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      role: frontend
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
EOF
expect_output "create (validated by the server)" "networkpolicy.networking.k8s.io/cache-from-web created" \
    -- create -f "$work/cache-from-web.yaml"
expect_output "apply of a new object" "networkpolicy.networking.k8s.io/storefront-from-web created" \
    -- apply -f "$work/storefront-from-web.yaml"
expect_output "created objects are there" "$(
    cat <<'EOF'
NAME POD-SELECTOR AGE
cache-from-web role=backend <age>
storefront-from-web role=frontend <age>
EOF
)" -- get netpol -n shop cache-from-web storefront-from-web

expect_error "not found" 'Error from server (NotFound): pods "nope" not found' -- get pod -n shop nope

# An unknown field, refused as the API server refuses it under fieldValidation=Strict.
sed 's/name: cache-from-web/name: typo/; s/^  podSelector:/  podSelectr: {}\n  podSelector:/' \
    "$work/cache-from-web.yaml" >"$work/typo.yaml"
expect_error "unknown field" "Error from server (BadRequest): error when creating \"$work/typo.yaml\": NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: strict decoding error: unknown field \"spec.podSelectr\"" \
    -- create -f "$work/typo.yaml"

# Writes kubectl makes with PATCH: client-side apply (strategic merge for Kubernetes kinds, merge
# patch for Calico's), label, annotate, edit, diff, replace, server-side apply, dry runs, delete -f.
expect_output "apply twice: unchanged" "networkpolicy.networking.k8s.io/storefront-from-web unchanged" \
    -- apply -f "$work/storefront-from-web.yaml"
sed 's/app: web/role: backend/' "$work/storefront-from-web.yaml" >"$work/storefront-edited.yaml"
expect_output "apply after an edit: configured" "networkpolicy.networking.k8s.io/storefront-from-web configured" \
    -- apply -f "$work/storefront-edited.yaml"
expect_output "the store has the merge" "backend" \
    -- get netpol -n shop storefront-from-web -o jsonpath='{.spec.ingress[0].from[0].podSelector.matchLabels.role}'
expect_output "label" "pod/web labeled" -- label pod -n shop web tier=edge
expect_output "annotate" "pod/web annotated" -- annotate pod -n shop web owner=shop-team
expect_output "labels and annotations stored" "edge shop-team" \
    -- get pod -n shop web -o jsonpath='{.metadata.labels.tier} {.metadata.annotations.owner}'
printf '#!/bin/sh\nsed -i "s/role: frontend/role: backend/" "$1"\n' >"$work/editor.sh"
chmod +x "$work/editor.sh"
checks=$((checks + 1))
if EDITOR="$work/editor.sh" k edit netpol -n shop storefront-from-web >"$work/edit.out" 2>&1 \
    && [ "$(k get netpol -n shop storefront-from-web -o jsonpath='{.spec.podSelector.matchLabels.role}')" = backend ]; then
    echo "ok   edit with EDITOR scripted: $(cat "$work/edit.out")"
else
    failures=$((failures + 1))
    echo "FAIL edit with EDITOR scripted: $(cat "$work/edit.out")"
fi
checks=$((checks + 1))
k diff -f "$work/storefront-from-web.yaml" >"$work/diff.out" 2>&1
status=$?
if [ "$status" = 1 ] && grep -q -- "-          role: backend" "$work/diff.out" && grep -q "+          app: web" "$work/diff.out"; then
    echo "ok   diff -f shows the change and exits 1"
else
    failures=$((failures + 1))
    echo "FAIL diff -f (exit $status):"
    sed 's/^/    /' "$work/diff.out"
fi
expect_output "apply --dry-run=server" "networkpolicy.networking.k8s.io/storefront-from-web configured (server dry run)" \
    -- apply --dry-run=server -f "$work/storefront-from-web.yaml"
expect_output "a dry run stores nothing" "backend" \
    -- get netpol -n shop storefront-from-web -o jsonpath='{.spec.ingress[0].from[0].podSelector.matchLabels.role}'
expect_output "replace -f" "networkpolicy.networking.k8s.io/storefront-from-web replaced" \
    -- replace -f "$work/storefront-from-web.yaml"
expect_output "apply --server-side" "networkpolicy.networking.k8s.io/cache-from-web serverside-applied" \
    -- apply --server-side -f "$work/cache-from-web.yaml"
printf 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: kubectl-deny-web\nspec:\n  order: 10\n  selector: app == "web"\n  ingress:\n  - action: Deny\n' >"$work/gnp.yaml"
expect_output "apply a Calico policy" "globalnetworkpolicy.projectcalico.org/kubectl-deny-web created" -- apply -f "$work/gnp.yaml"
sed 's/order: 10/order: 20/' "$work/gnp.yaml" >"$work/gnp-edited.yaml"
expect_output "apply it again, edited (merge patch)" "globalnetworkpolicy.projectcalico.org/kubectl-deny-web configured" \
    -- apply -f "$work/gnp-edited.yaml"
expect_output "delete -f" 'globalnetworkpolicy.projectcalico.org "kubectl-deny-web" deleted' -- delete -f "$work/gnp-edited.yaml"
expect_output "delete KIND NAME" 'networkpolicy.networking.k8s.io "cache-from-web" deleted' -- delete netpol -n shop cache-from-web
sed 's/name: cache-from-web/name: invalid/; s/port: 6379/port: 70000/' "$work/cache-from-web.yaml" >"$work/invalid.yaml"
checks=$((checks + 1))
k create -f "$work/invalid.yaml" >/dev/null 2>"$work/stderr"
if grep -q 'Error from server (Invalid)\|is invalid' "$work/stderr" && grep -q 'spec.ingress\[0\].ports\[0\].port' "$work/stderr"; then
    echo "ok   an invalid object: $(head -1 "$work/stderr")"
else
    failures=$((failures + 1))
    echo "FAIL an invalid object:"
    sed 's/^/    /' "$work/stderr"
fi

echo
if [ "$failures" -ne 0 ]; then
    echo "kubectl-check: $failures of $checks checks failed"
    exit 1
fi
echo "kubectl-check: all $checks checks passed"

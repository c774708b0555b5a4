#!/usr/bin/env bash
# Access control and HTTPS against a real server: tokens from files, 401 without them, 403 for a
# read token on a write, the CLI sending its token, HTTPS with a self-signed certificate (the CLI
# with --ca-file, --insecure-skip-tls-verify, and neither), and what the CLI says and exits with
# when the server is not there or the port is taken.
# Usage: scripts/access.sh [NETPOLD_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/netpold}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
. scripts/lib.sh
start() { netpold_start "$work" "$BIN" serve --db "$work/db" --port 0 --log-level warning "$@" || fail "server did not start"; }
head -c 24 /dev/urandom | base64 >"$work/admin"
head -c 24 /dev/urandom | base64 >"$work/read"
start --admin-token-file "$work/admin" --read-token-file "$work/read"
code() { curl -sk -o /dev/null -w "%{http_code}" "$@"; }
[ "$(code -X POST "$url/api/v1/namespaces" -d '{"metadata":{"name":"a"}}')" = 401 ] || fail "a write without a token was not 401"
[ "$(code -X POST "$url/api/v1/namespaces" -H "Authorization: Bearer $(cat "$work/read")" -d '{"metadata":{"name":"a"}}')" = 403 ] \
    || fail "a write with the read token was not 403"
[ "$(code "$url/v1/decide?from=1.1.1.1&to=2.2.2.2")" = 401 ] || fail "a decision without the read token was not 401"
[ "$(code "$url/healthz")" = 200 ] || fail "health probe needs no token"
echo "writes need the admin token, reads the read token, probes nothing"
echo "apiVersion: v1
kind: Namespace
metadata: {name: cli}" >"$work/ns.yaml"
"$BIN" apply -f "$work/ns.yaml" --server "$url" >/dev/null 2>&1 && fail "the CLI wrote without a token"
"$BIN" apply -f "$work/ns.yaml" --server "$url" --token-file "$work/admin" | grep -q "namespace/cli created" || fail "the CLI with the admin token could not write"
NETPOLD_TOKEN=$(cat "$work/read") "$BIN" decide --from 1.1.1.1 --to 2.2.2.2 --port 80 --server "$url" | grep -q ALLOWED || fail "the CLI with the read token could not decide"
grep -q "$(cat "$work/admin")" "$work/err" "$work/out" && fail "a token appeared in the logs"
echo "the CLI sends tokens from a file or NETPOLD_TOKEN; no token is logged"
kill "$server"; wait "$server" || true

# kubectl (Go) checks the subject alternative names, not the common name.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
start --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
case "$url" in https://*) ;; *) fail "the server did not announce https: $url" ;; esac
[ "$(curl -s --cacert "$work/cert.pem" -o /dev/null -w "%{http_code}" "$url/readyz")" = 200 ] || fail "HTTPS request failed"
curl -s -m 2 "${url/https/http}/readyz" -o /dev/null -w "%{http_code}" | grep -q 200 && fail "plain HTTP was answered on the HTTPS port"
echo "HTTPS with --tls-cert and --tls-key; plain HTTP is not answered"

decide() { "$BIN" decide --from 1.1.1.1 --to 2.2.2.2 --port 80 "$@"; }
decide --server "$url" --ca-file "$work/cert.pem" | grep -q "^ALLOWED" || fail "the CLI could not decide over HTTPS with --ca-file"
decide --server "$url" --insecure-skip-tls-verify | grep -q "^ALLOWED" || fail "the CLI could not decide with --insecure-skip-tls-verify"
"$BIN" apply -f "$work/ns.yaml" --server "$url" --ca-file "$work/cert.pem" | grep -q "namespace/cli unchanged" \
    || fail "the CLI could not apply over HTTPS"
"$BIN" export --server "$url" --ca-file "$work/cert.pem" | grep -q "name: cli" || fail "the CLI could not export over HTTPS"
status=0; decide --server "$url" >/dev/null 2>"$work/cli-err" || status=$?
[ $status = 2 ] || fail "an untrusted certificate exited $status, not 2"
grep -q "the certificate of $url is not trusted" "$work/cli-err" && grep -q -- "--ca-file" "$work/cli-err" \
    || fail "an untrusted certificate was not explained: $(cat "$work/cli-err")"
status=0; decide --server "${url/https/http}" >/dev/null 2>"$work/cli-err" || status=$?
[ $status = 2 ] && grep -q "serving HTTPS" "$work/cli-err" || fail "plain HTTP to the HTTPS port was not explained: $(cat "$work/cli-err")"
echo "the CLI talks HTTPS with --ca-file or --insecure-skip-tls-verify, and says why it refuses without them"

# kubectl through `netpold kubeconfig`: the CA file and the token file by path. client-go sends a
# bearer token over HTTPS only, so tokens are checked on an HTTPS server.
kill "$server"; wait "$server" || true
start --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --admin-token-file "$work/admin" --read-token-file "$work/read"
"$BIN" kubeconfig --server "$url" --ca-file "$work/cert.pem" --token-file "$work/read" >"$work/read.kubeconfig"
kubectl --kubeconfig "$work/read.kubeconfig" get namespaces -o name | grep -q "^namespace/cli$" \
    || fail "kubectl over HTTPS with netpold kubeconfig (CA file, read token) could not list namespaces"
kubectl --kubeconfig "$work/read.kubeconfig" delete namespace cli >/dev/null 2>"$work/kubectl-err" && fail "kubectl deleted with the read token"
grep -q "Forbidden" "$work/kubectl-err" || fail "kubectl's refused delete did not say Forbidden: $(cat "$work/kubectl-err")"
"$BIN" kubeconfig --server "$url" --ca-file "$work/cert.pem" --token-file "$work/admin" --namespace cli >"$work/admin.kubeconfig"
kubectl --kubeconfig "$work/admin.kubeconfig" get pods 2>&1 | grep -q "No resources found in cli namespace" \
    || fail "kubectl with the admin kubeconfig did not list the context's namespace"
echo "kubectl with netpold kubeconfig: HTTPS trusting its CA file, the token file, the context's namespace"

port=${url##*:}
status=0; "$BIN" serve --db "$work/busy.db" --port "$port" --decision-log "$work/busy.log" >/dev/null 2>"$work/cli-err" || status=$?
[ $status != 0 ] || fail "a second server on a taken port exited 0"
[ "$(wc -l <"$work/cli-err")" = 1 ] && grep -q "cannot listen on 127.0.0.1:$port: the port is in use" "$work/cli-err" \
    || fail "a taken port was not one clear line: $(cat "$work/cli-err")"
ls "$work"/busy.* >/dev/null 2>&1 && fail "a start on a taken port left files behind: $(ls "$work"/busy.*)"
echo "a taken port is one line on stderr, and leaves no database behind"
kill "$server"; wait "$server" || true
server=""

status=0; decide --server "$url" --ca-file "$work/cert.pem" >/dev/null 2>"$work/cli-err" || status=$?
[ $status = 2 ] && grep -q "cannot connect to $url.*is \`netpold serve\` running?" "$work/cli-err" \
    || fail "no server was not explained (exit $status): $(cat "$work/cli-err")"
status=0; "$BIN" decide --from x/a --to 10.0.0.0/8 2>"$work/cli-err" || status=$?
[ $status = 2 ] && grep -q "a CIDR is not an endpoint: give one address" "$work/cli-err" || fail "a CIDR endpoint was not refused with 2"
echo "without a server, or with a bad endpoint, decide says why and exits 2"
echo "access control passed"

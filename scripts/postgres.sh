#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the PolicyStore tests and for trying netpold on PostgreSQL.
#   scripts/postgres.sh start DIR PORT   creates the cluster in DIR (unless there is one), starts it on
#                                        127.0.0.1:PORT and prints its URL (postgres://postgres@127.0.0.1:PORT/netpold)
#   scripts/postgres.sh stop DIR         stops it (DIR is kept; rm -rf it to start afresh)
# e.g. export NETPOLD_TEST_POSTGRES=$(scripts/postgres.sh start /tmp/netpold-pg 55432)
#
# Anyone on this machine may connect without a password (trust on 127.0.0.1 and on the socket in
# DIR), and fsync is off: for tests only. initdb refuses to run as root, so as root the server runs
# as the Debian `postgres` user, or else as a system user `netpold-pg` made for it.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
    elif command -v pg_ctl >/dev/null; then
        dirname "$(command -v pg_ctl)"
    else
        echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2
        exit 1
    fi
}

# Runs a command as the server's user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
bin=$(bindir)
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then
        owner=postgres
    else
        id netpold-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin netpold-pg
        owner=netpold-pg
    fi
else
    owner=$(id -un)
fi

case "$command" in
start)
    [ $# -eq 3 ] || usage
    port=$3
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown "$owner" "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c max_connections=200" \
            >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    fi
    psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    if [ -z "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'netpold'")" ]; then
        "${psql[@]}" -c "CREATE DATABASE netpold"
    fi
    echo "postgres://postgres@127.0.0.1:$port/netpold"
    ;;
stop)
    [ $# -eq 2 ] || usage
    [ -f "$dir/data/PG_VERSION" ] || { echo "no cluster in $dir" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*) usage ;;
esac

# Shared by the drills and CI: start a netpold server in the background and wait for its URL.
#   netpold_start DIR COMMAND...   runs COMMAND (a `netpold serve --port 0 ...`, possibly under runuser)
# with stdout and stderr in DIR/out and DIR/err, and sets $server (its pid) and $url.
netpold_start() {
    local dir=$1
    shift
    : >"$dir/out"
    "$@" >"$dir/out" 2>"$dir/err" &
    server=$!
    url=""
    for _ in $(seq 1 200); do
        url=$(grep -oE "https?://[0-9.]+:[0-9]+" "$dir/out" | head -1 || true)
        [ -n "$url" ] && return 0
        sleep 0.05
    done
    echo "server did not start: $*"
    cat "$dir/err"
    return 1
}

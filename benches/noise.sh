#!/usr/bin/env bash
# Real-code noise bench: how many distinct values does sealant report, at its default confidence,
# on a few hundred popular crates and a few dozen popular PyPI sdists? None of them holds a live
# secret, so every finding is noise (test vectors, documented examples, fixtures). Private keys
# (rules whose id has `private-key` or `pem`) are counted apart: test keys are real keys, and
# reporting them is intended. See benches/README.md.
#
# Usage: benches/noise.sh
#
# Corpus (pinned, so that runs are comparable):
#   crates  benches/noise/Cargo.lock: a dummy crate depending on 334 popular crates, 1225
#           packages in its lock; `cargo fetch --locked` into a private CARGO_HOME
#   sdists  benches/pypi-sdists.txt: project, version, sha256 and file name of 53 sdists,
#           downloaded from pip's package index, verified and extracted
#
# Environment (all optional):
#   SEALANT_NOISE_DIR  work dir (default /tmp/sealant-noise), never inside the repository:
#                      cargo-home/ (the private CARGO_HOME), sdist-cache/, sdists/, results/
#   SEALANT            sealant binary (default: target/release/sealant, built here if missing)
#   MAX_NOISE          exit 1 if more distinct non-private-key values than this (default 10)
#   SCAN_ARGS          extra arguments for `sealant scan` (e.g. `--min-confidence low`);
#                      default none: the default confidence (medium)
#   PIP_INDEX_URL      the package index for the sdists (default: pip's default index)
#
# Output: the corpus size, totals and one row per distinct non-private-key value (rule,
# confidence, count, first path:line, redacted value, the line with the value elided), also
# written to results/summary.txt; results/findings.jsonl has every finding, redacted, with the
# line excerpt and a `value` id (a keyed hash, equal for equal values within this work dir).
# Secrets never reach the disk or the terminal in full: the scan runs with --show-secrets only
# so that values can be compared and elided, and its output goes straight into the summariser.
#
# Exit: 0 at most MAX_NOISE distinct non-private-key values, 1 above, 2 on an error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${SEALANT_NOISE_DIR:-/tmp/sealant-noise}
MAX_NOISE=${MAX_NOISE:-10}
SEALANT=${SEALANT:-$ROOT/target/release/sealant}
read -r -a EXTRA <<<"${SCAN_ARGS:-}"

case "$WORK/" in
"$ROOT"/*)
    echo "SEALANT_NOISE_DIR must be outside the repository" >&2
    exit 2
    ;;
esac
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RES=$WORK/results
mkdir -p "$RES" "$WORK/sdist-cache"

say() { printf '\n== %s\n' "$*" >&2; }

if [ ! -x "$SEALANT" ]; then
    say "building sealant (cargo build --release --locked)"
    (cd "$ROOT" && cargo build --release --locked)
fi
SEALANT=$(cd "$(dirname "$SEALANT")" && pwd)/$(basename "$SEALANT")

# ---------------------------------------------------------------------------------------------
# Crates: a private CARGO_HOME, so neither the user's registry cache nor their cargo config
# changes what is scanned. `cargo fetch` unpacks every package of the lock (all targets).

say "crates: cargo fetch --locked (CARGO_HOME=$WORK/cargo-home)"
export CARGO_HOME=$WORK/cargo-home
cargo fetch --locked --manifest-path "$ROOT/benches/noise/Cargo.toml" -q
REG_SRC=$(find "$CARGO_HOME/registry/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$REG_SRC" ] || {
    echo "no unpacked registry under $CARGO_HOME/registry/src" >&2
    exit 2
}
# Exactly the lock's packages (a registry dir kept from an older lock may hold more).
python3 - "$ROOT/benches/noise/Cargo.lock" "$REG_SRC" >"$WORK/crates.list" <<'EOF'
import os, sys, tomllib
lock, src = sys.argv[1], sys.argv[2]
with open(lock, "rb") as f:
    pkgs = tomllib.load(f)["package"]
missing = 0
for p in pkgs:
    if not p.get("source", "").startswith("registry+"):
        continue
    d = f"{p['name']}-{p['version']}"
    if os.path.isdir(os.path.join(src, d)):
        print(d)
    else:
        missing += 1
        print(f"not unpacked: {d}", file=sys.stderr)
sys.exit(2 if missing else 0)
EOF

# ---------------------------------------------------------------------------------------------
# PyPI sdists: looked up in the index's simple API (PEP 691 JSON), hash-checked twice (the
# index's against the pin, then the bytes), cached in sdist-cache/, extracted afresh each run.

say "sdists: download, verify, extract ($(grep -cv '^#' "$ROOT/benches/pypi-sdists.txt") pinned)"
python3 - "$ROOT/benches/pypi-sdists.txt" "$WORK" <<'EOF'
import hashlib, json, os, re, shutil, sys, tarfile, urllib.parse, urllib.request, zipfile
pins, work = sys.argv[1], sys.argv[2]
index = os.environ.get("PIP_INDEX_URL")
if not index:
    from pip._internal.models.index import PyPI  # pip's default index, not a hard-coded host
    index = PyPI.simple_url
index = index.rstrip("/") + "/"
cache, out = os.path.join(work, "sdist-cache"), os.path.join(work, "sdists")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

def get(url, accept=None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    return urllib.request.urlopen(req, timeout=120)

for line in open(pins):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    name, version, want, filename = line.split()
    path = os.path.join(cache, filename)
    if not (os.path.exists(path) and sha256(path) == want):
        page = index + re.sub(r"[-_.]+", "-", name).lower() + "/"
        with get(page, "application/vnd.pypi.simple.v1+json") as r:
            files = json.load(r)["files"]
        entry = next((f for f in files if f["filename"] == filename), None)
        if entry is None:
            sys.exit(f"{name} {version}: {filename} not in the index")
        if entry.get("hashes", {}).get("sha256", want) != want:
            sys.exit(f"{name} {version}: the index's sha256 for {filename} differs from the pin")
        tmp = path + ".part"
        with get(urllib.parse.urljoin(page, entry["url"])) as r, open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
        got = sha256(tmp)
        if got != want:
            os.remove(tmp)
            sys.exit(f"{name} {version}: downloaded {filename} has sha256 {got}, pinned {want}")
        os.replace(tmp, path)
    if filename.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            z.extractall(out)
    else:
        with tarfile.open(path) as t:
            t.extractall(out, filter="data")
EOF

# ---------------------------------------------------------------------------------------------
# Scan: outside any repository, with an empty config (no allowlist, no custom rules), no
# baseline, and `--no-ignore`: an unpacked archive's .gitignore does not describe its contents.
# Two scans (crates, sdists), each from its own root so that paths are short and clean.

: >"$WORK/empty.toml"
[ -s "$WORK/value.key" ] || (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/value.key")

REDACT=$(
    cat <<'EOF'
# Reads sealant's JSON Lines (with --show-secrets) on stdin; writes them redacted, each with the
# source line excerpt (value elided) and a keyed hash of the value, on stdout.
import hashlib, hmac, json, os, sys
prefix, keyfile = sys.argv[1], sys.argv[2]
key = open(keyfile, "rb").read()

def redact(s):  # as sealant's Secret::redacted
    n = len(s)
    return f"{s[:4]}…{s[-2:]}" if n >= 16 else f"{s[:2]}…" if n >= 8 else "…"

lines = {}
def source_line(path, no):
    if path not in lines:
        try:
            with open(path, "rb") as f:
                lines[path] = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            lines[path] = []
    ls = lines[path]
    return ls[no - 1] if 0 < no <= len(ls) else ""

for raw in sys.stdin:
    raw = raw.strip()
    if not raw:
        continue
    f = json.loads(raw)
    secret = f["secret"]
    first = secret.splitlines()[0] if secret else ""
    text = source_line(f["path"], f["line"])
    shown = redact(secret)
    col = f["column"] - 1
    if first and text[col:col + len(first)] == first:
        text = text[:col] + "⟨" + shown + "⟩" + text[col + len(first):]
        col_end = col + len(shown) + 2
    elif first and first in text:
        col = text.index(first)
        text = text.replace(first, "⟨" + shown + "⟩")
        col_end = col + len(shown) + 2
    else:
        col_end = col
    lo = max(0, col - 70)
    hi = max(col_end + 50, lo + 120)
    excerpt = ("…" if lo else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")
    f["secret"] = shown
    f["value"] = hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()[:16]
    f["path"] = prefix + f["path"]
    f["excerpt"] = excerpt
    print(json.dumps(f, ensure_ascii=False))
EOF
)

scan() { # name root [paths...]: scan, redact into $RES/NAME.jsonl, keep sealant's summary
    local name=$1 root=$2
    shift 2
    say "scan: $name ($SEALANT scan, cwd $root)"
    set +e
    (cd "$root" && "$SEALANT" scan --no-baseline --config "$WORK/empty.toml" --no-ignore \
        --show-secrets --format jsonl "${EXTRA[@]}" "$@" 2>"$RES/$name.stderr" |
        python3 -c "$REDACT" "$name/" "$WORK/value.key" >"$RES/$name.jsonl"
        st=("${PIPESTATUS[@]}")
        [ "${st[1]}" = 0 ] || exit 3
        exit "${st[0]}")
    local rc=$?
    set -e
    cat "$RES/$name.stderr" >&2
    if [ $rc -gt 1 ]; then
        echo "scan of $name failed (exit $rc: 2 = sealant error, 3 = the summariser)" >&2
        exit 2
    fi
}

mapfile -t CRATES <"$WORK/crates.list"
scan crates "$REG_SRC" "${CRATES[@]}"
scan pypi "$WORK/sdists" .

# ---------------------------------------------------------------------------------------------
# Summary

say "summary"
set +e
python3 - "$RES" "$REG_SRC" "$WORK/sdists" "$MAX_NOISE" "${#CRATES[@]}" "$WORK/crates.list" <<'EOF'
import collections, json, os, sys
res, reg, sdists, max_noise, ncrates, crates_list = sys.argv[1:7]
max_noise = int(max_noise)
out = open(os.path.join(res, "summary.txt"), "w")
def p(s=""):
    print(s)
    out.write(s + "\n")

def size(root, dirs=None):
    files = nbytes = 0
    for d in dirs or [root]:
        for base, _, names in os.walk(os.path.join(root, d)):
            for n in names:
                fp = os.path.join(base, n)
                if not os.path.islink(fp):
                    files += 1
                    nbytes += os.path.getsize(fp)
    return files, nbytes

crates = open(crates_list).read().split()
cf, cb = size(reg, crates)
sf, sb = size(sdists)
nsd = len(os.listdir(sdists))
p(f"corpus: {ncrates} crates, {cf} files, {cb / 1e6:.1f} MB; {nsd} sdists, {sf} files, {sb / 1e6:.1f} MB; "
  f"total {cf + sf} files, {(cb + sb) / 1e6:.1f} MB (MB = 10^6 bytes, every file; sealant skips binaries)")
for name in ("crates", "pypi"):
    tail = [l.strip() for l in open(os.path.join(res, name + ".stderr")) if l.strip()]
    p(f"sealant on {name}: " + (" | ".join(tail[-3:]) if tail else "(no summary)"))

findings = []
for name in ("crates", "pypi"):
    findings += [json.loads(l) for l in open(os.path.join(res, name + ".jsonl")) if l.strip()]
with open(os.path.join(res, "findings.jsonl"), "w") as f:
    for x in findings:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")

def is_key(rule):
    return "private-key" in rule or "pem" in rule

by_value = collections.OrderedDict()
for x in sorted(findings, key=lambda x: (x["path"], x["line"], x["column"])):
    by_value.setdefault(x["value"], []).append(x)
keys = [v for v, xs in by_value.items() if all(is_key(x["rule"]) for x in xs)]
noise = [v for v in by_value if v not in set(keys)]
fps = {x["fingerprint"] for x in findings}
p(f"findings: {len(findings)} ({sum(x['path'].startswith('crates/') for x in findings)} in crates, "
  f"{sum(x['path'].startswith('pypi/') for x in findings)} in sdists); distinct fingerprints "
  f"(rule, path, value): {len(fps)}; distinct values: {len(by_value)}")
p(f"distinct private-key values (rule id has private-key or pem): {len(keys)} "
  f"({sum(len(by_value[v]) for v in keys)} findings)")
p(f"distinct non-private-key values: {len(noise)} (max {max_noise})")
if noise:
    p()
    p("| # | rule | confidence | count | first at | value | line (value elided) |")
    p("|---|---|---|---|---|---|---|")
    for i, v in enumerate(noise, 1):
        xs = by_value[v]
        x = xs[0]
        rules = ", ".join(sorted({y["rule"] for y in xs}))
        conf = ", ".join(sorted({y["confidence"] for y in xs}))
        ex = x["excerpt"].replace("|", "\\|").replace("`", "'")
        p(f"| {i} | {rules} | {conf} | {len(xs)} | `{x['path']}:{x['line']}` | `{x['secret']}` | `{ex}` |")
def pkg(x):  # crates/NAME-VERSION/... or pypi/NAME-VERSION/...
    return x["path"].split("/")[1]

def tally(values, key):
    c = collections.Counter(key(by_value[v][0]) for v in values)
    return ", ".join(f"{k} {n}" for k, n in c.most_common())

if noise:
    p()
    p("non-private-key values by rule: " + tally(noise, lambda x: x["rule"]))
    p("non-private-key values by package: " + tally(noise, pkg))
if keys:
    p()
    p("private-key values by rule: " + tally(keys, lambda x: x["rule"]))
    p("private-key values by package: " + tally(keys, pkg))
sys.exit(1 if len(noise) > max_noise else 0)
EOF
rc=$?
set -e
echo >&2
echo "results: $RES/summary.txt, $RES/findings.jsonl" >&2
exit $rc

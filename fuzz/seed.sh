#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's own files: fixtures, rules and their
# examples, .sealant.toml, a baseline and git indexes made here. Corpora are not committed
# (libFuzzer grows them); this makes a useful start on a fresh clone. Needs git; python3 (for
# the rules' examples) is optional. Usage: fuzz/seed.sh [TARGET...] (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=$root/fuzz/corpus
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(matcher config baseline index blob)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Fixed identity and dates: the index seeds must name the same blobs and trees as the `index`
# target's fixture (fuzz_targets/index.rs), which is built the same way.
g() {
  git -c user.name=fuzz -c user.email=fuzz@sealant.invalid -c init.defaultBranch=main \
    -c core.autocrlf=false "$@"
}
export GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_OBJECT_DIRECTORY

text_fixtures() { find "$root/fixtures" -type f -size -64k | LC_ALL=C sort; }

seed_matcher() {
  local out=$corpus/matcher i=0 f
  mkdir -p "$out"
  # The first byte picks the path the content is scanned as.
  while read -r f; do
    { printf "\\x$(printf %02x $((i % 8)))"; cat "$f"; } >"$out/fixture-$i"
    # The same file as UTF-16LE with a BOM (the transcoding path).
    if command -v iconv >/dev/null; then
      { printf '\x00\xff\xfe'; iconv -f UTF-8 -t UTF-16LE <"$f" 2>/dev/null || true; } >"$out/utf16-$i"
    fi
    i=$((i + 1))
  done < <(text_fixtures)
  if command -v python3 >/dev/null; then
    python3 - "$root/rules" "$out" <<'PY'
import sys, tomllib, pathlib
rules, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for f in sorted(rules.glob("*.toml")):
    for r in tomllib.loads(f.read_text()).get("rule", []):
        for ex in r.get("examples", []) + r.get("negative_examples", []):
            (out / f"example-{n}").write_bytes(bytes([n % 8]) + ex.encode() + b"\n")
            n += 1
PY
  fi
}

seed_config() {
  local out=$corpus/config f
  mkdir -p "$out"
  cp "$root/.sealant.toml" "$out/sealant.toml"
  for f in "$root"/rules/*.toml; do cp "$f" "$out/rules-$(basename "$f")"; done
  cat >"$out/full.toml" <<'TOML'
[scan]
max_file_size = 1048576
inline_allow = false

[allowlist]
paths = ["docs/", "*.lock", "./vendor/**"]
regexes = ['''^EXAMPLE''', '''(?i)dummy''']
stopwords = ["changeme", "Example"]
matches = ['''localhost''']

[rules]
disable = ["generic-secret"]

[[rule]]
id = "acme-token"
description = "ACME API token"
keywords = ["acme_", "ACME"]
regex = '''\b(?P<secret>acme_[A-Za-z0-9]{24})\b'''
entropy = 3.5
paths = ["src/**", "*.env"]
examples = ["ACME=acme_R8x2Kq9LmZ4vT7wN3pB6yH1s"]
negative_examples = ["ACME=acme_xxxxxxxxxxxxxxxxxxxxxxxx"]

[rule.allowlist]
regexes = ['''EXAMPLE$''']
stopwords = ["test"]

[[rule]]
id = "acme-pem"
keywords = ["-----begin acme"]
regex = '''-----BEGIN ACME KEY-----[\s\S]{1,200}?-----END ACME KEY-----'''
multiline = true
generic = true
check_placeholder = false
TOML
}

seed_baseline() {
  local out=$corpus/baseline dir=$tmp/baseline
  mkdir -p "$out" "$dir"
  printf 'AWS_ACCESS_KEY_ID=AKIAR8X2KQ9LMZ4VT7WN\npassword = "R8x2Kq9LmZ4vT7wN3pB6"\n' >"$dir/app.env"
  printf 'token: ghp_R8x2Kq9LmZ4vT7wN3pB6yH1sD5fG0jK2lQ9x\n' >"$dir/ci.yml"
  local sealant=${SEALANT_BIN:-$root/target/debug/sealant}
  if [ -x "$sealant" ] && "$sealant" baseline create --root "$dir" >/dev/null 2>&1; then
    cp "$dir/.sealant-baseline.json" "$out/created.json"
    # The same with a cheap hash (the target hashes and compares only then) and a `match` entry.
    sed -e 's/"memory_kib": [0-9]*/"memory_kib": 64/' -e '0,/"hash": "[0-9a-f]\{64\}"/s//"hash": "match"/' \
      "$dir/.sealant-baseline.json" >"$out/cheap.json"
  fi
  cat >"$out/labels.json" <<'JSON'
{
  "version": 1,
  "hash": {"algorithm": "argon2id", "memory_kib": 64, "iterations": 1, "parallelism": 1, "salt": "00112233445566778899aabbccddeeff"},
  "entries": [
    {"rule": "aws-access-key-id", "path": "app.env", "hash": "match", "line": 1, "label": "accepted", "note": "fixture", "expires": "2030-01-01"},
    {"rule": "aws-access-key-id", "path": "old.env", "hash": "match", "label": "rotated"},
    {"rule": "generic-secret", "path": "a", "hash": "00", "label": "false-positive", "expires": "2020-01-01"}
  ]
}
JSON
}

# Index files from a repository built like the `index` target's fixture, in several states.
seed_index() {
  local out=$corpus/index dir=$tmp/index
  mkdir -p "$out" "$dir"
  (
    cd "$dir"
    g init -q
    mkdir -p dir/sub z/deep/er
    printf 'hello\n' >a.txt
    printf 'plain text\n' >dir/b.txt
    printf 'AWS_ACCESS_KEY_ID=AKIAR8X2KQ9LMZ4VT7WN\n' >dir/sub/c.env
    printf "password = 'R8x2Kq9LmZ4vT7wN3pB6'\n" >z/deep/er/d.py
    g add -A && g commit -q -m fixture
    cp .git/index "$out/committed"
    printf 'token = ghp_R8x2Kq9LmZ4vT7wN3pB6yH1sD5fG0jK2lQ9x\n' >dir/b.txt
    printf 'SECRET_KEY=R8x2Kq9LmZ4vT7wN3pB6yH1s\n' >new.env
    g add -A
    cp .git/index "$out/staged"
    g update-index --index-version 4 && cp .git/index "$out/staged-v4"
    g update-index --index-version 2
    g rm -q --cached a.txt && cp .git/index "$out/deleted"
    printf 'x\n' >ita.txt && g add -N ita.txt && cp .git/index "$out/intent-to-add"
    g update-index --add --cacheinfo "160000,$(g rev-parse HEAD),sub/module" && cp .git/index "$out/gitlink"
    g update-index --add --cacheinfo "120000,$(g hash-object -w --stdin <<<target),link" && cp .git/index "$out/symlink"
    g update-index --untracked-cache 2>/dev/null && g status -q >/dev/null 2>&1 && cp .git/index "$out/untracked-cache" || true
    # A conflict: stages 1-3 for one path.
    blob=$(g hash-object -w dir/b.txt)
    g update-index --force-remove dir/b.txt
    printf '100644 %s 1\tdir/b.txt\n100644 %s 2\tdir/b.txt\n100644 %s 3\tdir/b.txt\n' "$blob" "$blob" "$blob" |
      g update-index --index-info
    cp .git/index "$out/conflict"
  )
}

seed_blob() {
  local out=$corpus/blob i=0 f dir=$tmp/blob
  mkdir -p "$out" "$dir"
  # Mode byte 1: a well-formed blob of these bytes; 5: the same, limit 0.
  while read -r f; do
    { printf '\x01'; cat "$f"; } >"$out/fixture-$i"
    i=$((i + 1))
  done < <(text_fixtures | head -n 12)
  printf '\x05hello' >"$out/limit-0"
  printf '\x00blob 5\x00hello' >"$out/own-header"
  printf '\x00tree 0\x00' >"$out/tree"
  printf '\x00blob 7\x00short' >"$out/size-mismatch"
  # Mode byte 2: a loose object file exactly as git writes it.
  (cd "$dir" && g init -q && id=$(printf 'API_KEY=R8x2Kq9LmZ4vT7wN3pB6yH1s\n' | g hash-object -w --stdin) &&
    { printf '\x02'; cat ".git/objects/${id:0:2}/${id:2}"; } >"$out/git-loose")
}

for t in "${targets[@]}"; do
  "seed_$t"
  echo "seeded fuzz/corpus/$t: $(find "$corpus/$t" -type f | wc -l) files"
done

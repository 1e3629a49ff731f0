#!/usr/bin/env bash
# Fuzz smoke run: builds the cargo-fuzz targets in fuzz/, replays every saved crash input under
# fuzz/regressions/<target>/ once, then fuzzes each target for SECONDS (default 30). Exits
# non-zero if a regression input or the fuzzer crashes (the crash input lands in
# fuzz/artifacts/<target>/). See fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Environment: FUZZ_SANITIZER=none|address (default none: see fuzz/README.md for why),
# CARGO_TARGET_DIR (default fuzz/target), CARGO_BUILD_JOBS, FUZZ_ARGS (extra libFuzzer flags).
# Stable toolchains work: cargo-fuzz needs nightly flags, which RUSTC_BOOTSTRAP=1 unlocks.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(matcher config baseline index blob)
sanitizer=${FUZZ_SANITIZER:-none}

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/fuzz/target}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

# -a: debug assertions and overflow checks on, so arithmetic slips panic instead of wrapping.
build=(--sanitizer "$sanitizer" -a)
for t in "${targets[@]}"; do
  cargo fuzz build "${build[@]}" "$t"
done
bin_dir=$CARGO_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release

# Per-target libFuzzer flags: larger inputs for the matcher (past the 8 KiB binary sniff and the
# 4 KiB line window) and the index (long paths, below the known stack overflow).
flags() {
  local f=(-timeout=30 -rss_limit_mb=4096)
  [ -f "fuzz/dict/$1.dict" ] && f+=("-dict=$PWD/fuzz/dict/$1.dict")
  case $1 in
    matcher | blob) f+=(-max_len=20000) ;;
    index) f+=(-max_len=16384) ;; # deeper paths overflow the stack: regressions/index/
  esac
  echo "${f[@]}"
}

failed=()
for t in "${targets[@]}"; do
  shopt -s nullglob
  inputs=(fuzz/regressions/"$t"/*)
  shopt -u nullglob
  if [ ${#inputs[@]} -gt 0 ]; then
    echo "== $t: replaying ${#inputs[@]} regression input(s)"
    # Given files, libFuzzer runs each once and exits non-zero on the first that crashes.
    if ! "$bin_dir/$t" $(flags "$t") "${inputs[@]}" 2>"fuzz/$t-replay.log"; then
      tail -n 40 "fuzz/$t-replay.log" >&2
      failed+=("$t (regression)")
      continue
    fi
    rm -f "fuzz/$t-replay.log"
  fi
done

for t in "${targets[@]}"; do
  if [ ! -d "fuzz/corpus/$t" ] || [ -z "$(ls -A "fuzz/corpus/$t")" ]; then
    fuzz/seed.sh "$t"
  fi
  echo "== $t: fuzzing for ${seconds}s"
  # shellcheck disable=SC2046,SC2086
  if ! cargo fuzz run "${build[@]}" "$t" -- -max_total_time="$seconds" $(flags "$t") \
    ${FUZZ_ARGS:-} 2>"fuzz/$t-run.log"; then
    tail -n 40 "fuzz/$t-run.log" >&2
    failed+=("$t")
    continue
  fi
  grep -E '^(Done|#[0-9]+\s+DONE)' "fuzz/$t-run.log" || true
  rm -f "fuzz/$t-run.log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashed: ${failed[*]} (inputs under fuzz/artifacts/, logs fuzz/*-run.log / *-replay.log)" >&2
  exit 1
fi
echo "fuzz.sh: no crash in ${targets[*]}"

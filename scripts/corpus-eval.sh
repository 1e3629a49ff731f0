#!/usr/bin/env bash
# Precision, recall and F1 of the built-in rules on the labelled corpus (fixtures/corpus/), per
# rule family and per confidence level, plus the look-alikes that fire and the secrets missed.
# Checks that the corpus matches scripts/gen-corpus.py, then runs the corpus tests with their
# output shown (recall, look-alike noise and the precision target).
# Exits non-zero if a test fails: recall below 1.0 at the default confidence, a new look-alike
# reported at medium, or precision below 0.97 at medium.
#
#   scripts/corpus-eval.sh [CARGO TEST ARGS...]     # e.g. --release, -j 1
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/gen-corpus.py --check
cargo test --locked "$@" --test integration corpus:: -- --nocapture --test-threads 1

#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then runs the whole suite.
#   - git (tests build real repositories)
#   - pre-commit and jsonschema from PyPI (the pre-commit framework test, SARIF schema checks)
#   - the SARIF 2.1.0 JSON schema, from the npm package @microsoft/jest-sarif
#   - Chromium from Debian (the HTML report rendered headless; SEALANT_CHROMIUM names it)
set -euo pipefail
cd "$(dirname "$0")/.."
deps="$PWD/target/test-deps"
mkdir -p "$deps"

if ! command -v git >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq git >/dev/null
fi
if ! command -v script >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq bsdutils >/dev/null
fi
if ! python3 -c 'import jsonschema' 2>/dev/null || ! command -v pre-commit >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check pre-commit jsonschema
fi
schema="$deps/sarif-schema-2.1.0.json"
if [ ! -s "$schema" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 \
     && tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json \
     && mv package/lib/schemas/sarif-2.1.0-rtm.5.json "$schema") || echo "note: could not fetch the SARIF schema; schema validation will fail under CI" >&2
  rm -rf "$tmp"
fi
export SEALANT_SARIF_SCHEMA="$schema"
if [ -z "${SEALANT_CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
      || echo "note: could not install chromium; the browser test will fail under CI" >&2
  fi
  SEALANT_CHROMIUM=$(command -v chromium || true)
fi
export SEALANT_CHROMIUM
export SEALANT_TEST_DEPS="$deps"
cargo test --locked "$@"

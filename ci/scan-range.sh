#!/usr/bin/env bash
# The CI gate shared by the GitHub Action (action.yml) and the GitLab template
# (ci/sealant.gitlab-ci.yml): scan what a branch adds on top of its base, with the base's
# .sealant.toml and baseline (so a branch cannot switch its own gate off), write the report, print
# the findings in the log, and exit as sealant does (0 clean, 1 new secrets, 2 error).
#
# Environment:
#   SEALANT_BASE    the base revision (e.g. origin/main); required
#   SEALANT_HEAD    the tip to scan (default HEAD)
#   SEALANT_FORMAT  report format (default sarif)
#   SEALANT_REPORT  report file (default sealant.sarif)
#   SEALANT_BIN     the sealant binary (default: sealant on PATH)
#   SEALANT_STATUS_FILE  if set, the exit status is also written there (for a later step)
set -uo pipefail

base=${SEALANT_BASE:?SEALANT_BASE (the base revision, e.g. origin/main) is required}
head=${SEALANT_HEAD:-HEAD}
format=${SEALANT_FORMAT:-sarif}
report=${SEALANT_REPORT:-sealant.sarif}
sealant=${SEALANT_BIN:-sealant}

"$sealant" history "$base..$head" --config-rev "$base" --format "$format" --output "$report"
status=$?
if [ "$status" -eq 1 ]; then
  # The findings, redacted, in the job log too (the report is for the platform).
  "$sealant" history "$base..$head" --config-rev "$base" || true
fi
if [ -n "${SEALANT_STATUS_FILE:-}" ]; then
  echo "$status" > "$SEALANT_STATUS_FILE"
fi
exit "$status"

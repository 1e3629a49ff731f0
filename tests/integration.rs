//! sealant's integration tests: one binary, one module per area, all driving the real `sealant`
//! binary on fixtures and on git repositories built at test time.

mod util;

/// The baseline: matching, determinism, imports, and the team flow.
mod baseline;
/// The incremental-audit cache of `history`: fewer blobs scanned, the same report, never a
/// hidden finding.
mod cache;
/// The GitHub Action and the GitLab CI template, their shell steps run locally.
mod ci_templates;
/// `sealant completions`, `sealant man` and the examples in `--help`.
mod cli_docs;
/// `sealant config check`: the effective config, and configs that are wrong or scan nothing.
mod config_check;
/// The labelled corpus: precision, recall and F1 per rule family and confidence level.
mod corpus;
/// Decode and rescan: base64, percent-encoding and escapes in every mode.
mod decoded;
/// Sensitive files as findings, and one secret reused across environments.
mod files_and_reuse;
/// The `fixtures/` projects end to end: exact findings, placeholder-only files, encodings.
mod fixtures;
/// CI report formats parsed back: GitLab, GitHub annotations, CSV, SARIF and JUnit details.
mod formats;
/// Crash inputs the fuzz targets found, replayed through the targets' own checks.
mod fuzz_regressions;
/// `sealant history`: attribution, presence, ranges, `--all`, and unusual repository shapes.
mod history;
/// Fail closed: large files, hostile names and repositories, bounded inputs, a gate a branch
/// cannot switch off, keyed fingerprints.
mod hostile;
/// `--format html`: the audit page against the JSON report, and in headless Chromium.
mod html;
/// `sealant init`: a repository set up in one command, idempotently.
mod init;
/// The one pipeline and its plan: fatal errors first, `-j` bounds, baseline scope of partial scans.
mod pipeline;
/// The pre-commit framework running the published hook.
mod precommit;
/// `sealant pre-push` and `sealant pre-receive`: real pushes into bare repositories with hooks.
mod push;
/// `sealant scan`: working tree, stdin, reports, exit codes, bad input.
mod scan;
/// `sealant staged` and `sealant install`: the pre-commit gate and its hook.
mod staged;
/// The text report on a terminal and off it: headings, context lines, colour, progress, timing.
mod terminal;

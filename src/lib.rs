//! sealant: a secret scanner for git.
//!
//! ```text
//!  main ─► cmd::<command> ─► plan::{files,stdin,staged,history}   (Options + source request)
//!                              │  root found, config loaded, rules + allowlists compiled,
//!                              │  baseline + hasher loaded, thread pool built, source resolved
//!                              ▼
//!            source::{worktree, staged, history (+ commits), stdin}  ──►  [Candidate]
//!                              ▼
//!            scan::Pipeline::run  (rayon map_init: one Worker per thread)
//!                 load (file / source::blob) → content::decode → matcher::Matcher::find
//!                 (keywords → per-thread regex → entropy / placeholder / allowlists
//!                  → confidence from context (`context`, `matcher::nearby`) and `validate`
//!                  → `encoded` spans decoded in place and rescanned) + file rules on the path
//!                              ▼
//!            Batch (findings per candidate) ─► history attribution / staged old-secret filter
//!                              ▼
//!            Outcome (findings, errors, stats, baseline::Scope) + `reuse` across environments
//!                              ▼
//!            baseline::compare ─► report::{text,json,sarif,junit} ─► ExitStatus (0 / 1 / 2)
//! ```
//!
//! The library modules know neither the CLI nor each other's internals: `rules` → `allow`;
//! `matcher` → `rules`, `allow`, `placeholder`, `context`, `validate`, `encoded`; `scan` →
//! `reuse`; `source` → `content`,
//! `git`; `scan` wires sources to the matcher; `plan` stages everything a command needs; `cmd` is
//! the command-line edge, the only library module that sees `cli`. The `use crate::` graph is a
//! DAG.

pub mod allow;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod context;
pub mod encoded;
pub mod error;
pub mod excerpt;
pub mod exit;
pub mod finding;
pub mod git;
pub mod import;
pub mod matcher;
pub mod phases;
pub mod placeholder;
pub mod plan;
pub mod report;
pub mod reuse;
pub mod rules;
pub mod scan;
pub mod source;
pub mod stream;
pub mod terminal;
pub mod validate;

//! sealant: a secret scanner for git.
//!
//! ```text
//!  Cli ──app──► ScanPlan ──► source ──(path, bytes)──► scan::Worker ──► matcher::RuleSet
//!                 │        worktree / stdin /              (per thread)    keywords → regex →
//!                 │        staged / history                                 entropy / placeholder /
//!                 │                                                         allowlists
//!                 ▼                                                  │
//!             baseline::compare ◄──────── Outcome (findings, errors, stats)
//!                 │
//!                 ▼
//!             report::{text,json,sarif} ──► ExitStatus (0 clean, 1 findings, 2 error)
//! ```
//!
//! `rules`, `matcher`, `source`, `finding`, `baseline` and `report` do not know the CLI; `scan`
//! wires sources to workers; `app` is the command-line edge.

pub mod allow;
pub mod app;
pub mod baseline;
pub mod baseline_cmd;
pub mod cli;
pub mod config;
pub mod content;
pub mod exit;
pub mod finding;
pub mod git;
pub mod history_cmd;
pub mod hooks;
pub mod import;
pub mod matcher;
pub mod placeholder;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;

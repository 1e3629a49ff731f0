//! The glue: sources → per-thread [`Worker`]s → findings → [`Outcome`]. This is the only module
//! that knows sources, the matcher and the statistics at once; the CLI layer adds the baseline and
//! the reporters on top of the `Outcome`.

use crate::content::{decode, Content, SkipReason};
use crate::finding::Finding;
use crate::matcher::{RuleSet, Scratch};
use crate::source::worktree::{self, Entry, WalkOptions};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A file or blob that could not be scanned; does not abort the scan, but makes the outcome
/// "not shown clean" (exit 2 unless there are findings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Path (or object id) concerned.
    pub path: String,
    /// One-line message, never containing file content.
    pub message: String,
}

/// Counters for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Files or blobs scanned.
    pub scanned: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Not scanned, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Commits examined (git modes).
    pub commits: u64,
    /// Wall time.
    pub elapsed: Duration,
}

impl Stats {
    /// Adds another worker's counters.
    pub fn merge(&mut self, other: Stats) {
        self.scanned += other.scanned;
        self.bytes += other.bytes;
        for (k, v) in other.skipped {
            *self.skipped.entry(k).or_default() += v;
        }
        self.commits += other.commits;
    }

    /// Counts a skipped item.
    pub fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }
}

/// What a scan produced, before baseline filtering.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Non-fatal errors.
    pub errors: Vec<ScanError>,
    /// Counters.
    pub stats: Stats,
}

impl Outcome {
    /// Sorts findings and errors into their output order.
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.errors.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// Per-thread scanning state: its own handle on the rules and its own buffers.
pub struct Worker {
    rules: RuleSet,
    scratch: Scratch,
    /// This worker's counters.
    pub stats: Stats,
}

impl Worker {
    /// A worker over `rules`.
    pub fn new(rules: &RuleSet) -> Self {
        Worker {
            rules: rules.clone(),
            scratch: Scratch::default(),
            stats: Stats::default(),
        }
    }

    /// A fresh worker over the same rules (for side scans that must not count in the stats).
    pub fn new_like(other: &Worker) -> Self {
        Worker::new(&other.rules)
    }

    /// Scans raw bytes of the file at `path`; binary and LFS content is counted as skipped.
    pub fn scan_bytes(&mut self, path: &str, raw: &[u8]) -> Vec<Finding> {
        match decode(raw) {
            Content::Skipped(reason) => {
                self.stats.skip(reason);
                Vec::new()
            }
            Content::Text(text) => {
                self.stats.scanned += 1;
                self.stats.bytes += raw.len() as u64;
                self.rules.find(&text, path, &mut self.scratch)
            }
        }
    }
}

/// Scans files and folders on disk.
pub fn scan_worktree(rules: &RuleSet, opts: &WalkOptions) -> Outcome {
    let started = Instant::now();
    let shared = Mutex::new(Outcome::default());
    worktree::walk(opts, || ThreadSink::new(rules, &shared).into_visitor());
    let mut out = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    out.stats.elapsed = started.elapsed();
    out.sort();
    out
}

/// A worker that flushes into the shared outcome when its thread finishes.
struct ThreadSink<'a> {
    worker: Worker,
    findings: Vec<Finding>,
    errors: Vec<ScanError>,
    shared: &'a Mutex<Outcome>,
}

impl<'a> ThreadSink<'a> {
    fn new(rules: &RuleSet, shared: &'a Mutex<Outcome>) -> Self {
        ThreadSink {
            worker: Worker::new(rules),
            findings: Vec::new(),
            errors: Vec::new(),
            shared,
        }
    }

    fn into_visitor(mut self) -> impl FnMut(Entry) + Send + 'a {
        move |entry| self.visit(entry)
    }

    fn visit(&mut self, entry: Entry) {
        match entry {
            Entry::File { path, display, .. } => {
                if self.worker.rules.path_allowed(&display) {
                    return;
                }
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        let found = self.worker.scan_bytes(&display, &bytes);
                        self.findings.extend(found);
                    }
                    Err(e) => self.errors.push(ScanError {
                        path: display,
                        message: io_message(&e),
                    }),
                }
            }
            Entry::Skipped { reason, .. } => self.worker.stats.skip(reason),
            Entry::Error { display, message } => self.errors.push(ScanError {
                path: display,
                message,
            }),
        }
    }
}

impl Drop for ThreadSink<'_> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        shared.findings.append(&mut self.findings);
        shared.errors.append(&mut self.errors);
        shared.stats.merge(std::mem::take(&mut self.worker.stats));
    }
}

/// Scans one in-memory buffer (stdin).
pub fn scan_buffer(rules: &RuleSet, path: &str, bytes: &[u8]) -> Outcome {
    let started = Instant::now();
    let mut worker = Worker::new(rules);
    let findings = worker.scan_bytes(path, bytes);
    let mut out = Outcome {
        findings,
        errors: Vec::new(),
        stats: worker.stats,
    };
    out.stats.elapsed = started.elapsed();
    out.sort();
    out
}

/// A one-line I/O message without the OS error number noise.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

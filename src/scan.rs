//! The one scan pipeline, for every source: candidates → per-thread `Worker`s → [`Batch`] →
//! [`Outcome`].
//!
//! A source lists [`Candidate`]s cheaply, loading nothing (work-tree paths from the parallel walk,
//! index entries, unique history blobs, a stdin buffer). [`Pipeline::run`] hands them to rayon's `map_init` on the plan's thread
//! pool: each worker owns a gix handle, a [`Matcher`] (its own regex clones and buffers) and the
//! size limit, and for each candidate loads it (one file reader, one blob loader), classifies it
//! (allowlisted path, too large, binary, LFS pointer, unreadable), matches and filters it. The
//! [`Batch`] keeps findings per candidate, so history can attribute them to commits and the staged
//! gate can compare them with `HEAD`; [`Batch::into_outcome`] flattens it for the baseline and the
//! reporters.
//!
//! Neighbours: `source` (candidates in), `content` (classification), `matcher` (findings); the
//! baseline comparison and reporting happen on the `Outcome`, in `cmd`.

use crate::baseline::Scope;
use crate::content::{decode, Content, SkipReason};
use crate::error::io_message;
use crate::finding::{Confidence, Finding};
use crate::matcher::{Matcher, RuleSet};
use crate::source::blob::{self, Blob};
use crate::source::Candidate;
use crate::stream::{self, Streamed, IN_MEMORY_LIMIT};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

pub use crate::source::ScanError;

/// Counters for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Files or blobs scanned.
    pub scanned: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Not scanned, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Findings below the minimum confidence: counted, not reported.
    pub below_confidence: u64,
    /// Commits examined (git modes; the summary always says how many).
    pub commits: Option<u64>,
    /// Wall time.
    pub elapsed: Duration,
}

impl Stats {
    /// Counts a skipped item.
    pub fn skip(&mut self, reason: SkipReason) {
        self.skip_many(reason, 1);
    }

    /// Counts `n` skipped items.
    pub fn skip_many(&mut self, reason: SkipReason, n: u64) {
        *self.skipped.entry(reason).or_default() += n;
    }
}

/// Findings past the per-file, per-rule cap (`matcher::MAX_FINDINGS_PER_RULE`): counted, not
/// reported one by one. They count as new findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncated {
    /// File or blob path.
    pub path: String,
    /// Rule id.
    pub rule: String,
    /// Matches past the cap (an upper bound: counted before filters).
    pub more: u64,
}

/// A file or blob not read because the user chose a size limit (`--max-file-size`): listed in the
/// summary, and not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeSkip {
    /// File or blob path.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What a scan produced, before baseline filtering: the input of the baseline comparison and of
/// every report.
#[derive(Debug)]
pub struct Outcome {
    /// Findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Candidates that could not be read, sorted by path.
    pub errors: Vec<ScanError>,
    /// Findings past the per-file cap, sorted by path and rule.
    pub truncated: Vec<Truncated>,
    /// Candidates skipped by the user's size limit, sorted by path.
    pub size_skips: Vec<SizeSkip>,
    /// Counters.
    pub stats: Stats,
    /// What was scanned, for the baseline comparison.
    pub scope: Scope,
}

impl Outcome {
    /// An outcome with findings and errors sorted into their output order.
    pub fn new(mut findings: Vec<Finding>, batch: Batch, scope: Scope) -> Self {
        let Batch {
            mut errors,
            mut truncated,
            mut size_skips,
            stats,
            ..
        } = batch;
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        truncated.sort_by(|a, b| (&a.path, &a.rule).cmp(&(&b.path, &b.rule)));
        size_skips.sort_by(|a, b| a.path.cmp(&b.path));
        Outcome {
            findings,
            errors,
            truncated,
            size_skips,
            stats,
            scope,
        }
    }
}

impl Outcome {
    /// Adds the findings that compare files with each other (`reuse`: one secret in two
    /// environments), computing their fingerprints with `rules`' key.
    pub fn add_cross_file_findings(&mut self, rules: &RuleSet) {
        let reused = crate::reuse::detect(&self.findings, |rule, path, secret| {
            rules.fingerprint(rule, path, secret)
        });
        if reused.is_empty() {
            return;
        }
        self.findings.extend(reused);
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

/// What [`Pipeline::run`] produced for a list of candidates.
#[derive(Debug, Default)]
pub struct Batch {
    /// `(candidate index, its findings)` for each candidate with findings, in candidate order.
    pub found: Vec<(usize, Vec<Finding>)>,
    /// Candidates that could not be read, in candidate order.
    pub errors: Vec<ScanError>,
    /// Findings past the per-file cap.
    pub truncated: Vec<Truncated>,
    /// Candidates skipped by the user's size limit.
    pub size_skips: Vec<SizeSkip>,
    /// Counters (scanned, bytes, skipped); `commits` and `elapsed` are the caller's.
    pub stats: Stats,
    /// Indices of the candidates found clean, in candidate order: read in full and matched, with
    /// no finding at all (before the confidence filter), nothing past the per-file cap, no error
    /// and no skip. What the incremental-audit cache (`cache`) may record.
    pub clean: Vec<usize>,
}

impl Batch {
    /// Every finding, with `scope` saying what was scanned; findings and errors sorted.
    pub fn into_outcome(mut self, scope: Scope) -> Outcome {
        let found = std::mem::take(&mut self.found);
        let findings = found.into_iter().flat_map(|(_, f)| f).collect();
        Outcome::new(findings, self, scope)
    }
}

/// The scanning half of a plan: rules, the size limit, the repository blobs are read from, and
/// the thread pool. Cheap to make; make one per command.
pub struct Pipeline<'a> {
    rules: &'a RuleSet,
    max_file_size: Option<u64>,
    min_confidence: Confidence,
    repo: Option<&'a gix::ThreadSafeRepository>,
    pool: &'a rayon::ThreadPool,
}

impl<'a> Pipeline<'a> {
    /// A pipeline over `rules` on `pool`; with `max_file_size`, files and blobs larger than it
    /// are skipped (and listed), else everything is read, streaming what is too large to hold.
    pub fn new(
        rules: &'a RuleSet,
        max_file_size: Option<u64>,
        pool: &'a rayon::ThreadPool,
    ) -> Self {
        Pipeline {
            rules,
            max_file_size,
            min_confidence: Confidence::Low,
            repo: None,
            pool,
        }
    }

    /// Reports only findings of at least `min` confidence (the rest are counted).
    pub fn with_min_confidence(mut self, min: Confidence) -> Self {
        self.min_confidence = min;
        self
    }

    /// Reads [`Candidate::Blob`]s from `repo` (each worker opens its own thread-local handle).
    pub fn with_repo(mut self, repo: &'a gix::ThreadSafeRepository) -> Self {
        self.repo = Some(repo);
        self
    }

    /// Scans every candidate once, in parallel, with one [`Worker`] per pool thread for the whole
    /// run (its regex caches stay warm); `on_item` is called after each candidate (progress).
    /// Results come back in candidate order and do not depend on the number of threads.
    pub fn run(&self, candidates: &[Candidate], on_item: &(dyn Fn() + Sync)) -> Batch {
        let slots: Vec<Mutex<Option<Worker>>> = (0..self.pool.current_num_threads())
            .map(|_| Mutex::new(None))
            .collect();
        let results: Vec<Scanned> = self.pool.install(|| {
            candidates
                .par_iter()
                .map_init(
                    || Lease::take(&slots, self),
                    |lease, candidate| {
                        let result = lease.worker().scan(candidate);
                        on_item();
                        result
                    },
                )
                .collect()
        });
        let mut batch = Batch::default();
        for (i, scanned) in results.into_iter().enumerate() {
            let path = || candidates[i].display().to_string();
            if matches!(scanned.fate, Fate::Scanned { .. })
                && scanned.findings.is_empty()
                && scanned.truncated.is_empty()
            {
                batch.clean.push(i);
            }
            match scanned.fate {
                Fate::Scanned { bytes } => {
                    batch.stats.scanned += 1;
                    batch.stats.bytes += bytes;
                }
                Fate::Skipped(reason) => batch.stats.skip(reason),
                Fate::OverSizeLimit(size) => {
                    batch.stats.skip(SkipReason::TooLarge);
                    batch.size_skips.push(SizeSkip { path: path(), size });
                }
                Fate::Allowlisted => {}
                Fate::Unreadable(message) => batch.errors.push(ScanError {
                    path: path(),
                    message,
                }),
            }
            for (rule, more) in scanned.truncated {
                batch.truncated.push(Truncated {
                    path: path(),
                    rule,
                    more,
                });
            }
            let mut findings = scanned.findings;
            let before = findings.len();
            findings.retain(|f| f.confidence >= self.min_confidence);
            batch.stats.below_confidence += (before - findings.len()) as u64;
            if !findings.is_empty() {
                batch.found.push((i, findings));
            }
        }
        batch
    }
}

/// A pool thread's [`Worker`], taken from its slot for one rayon job and put back after, so each
/// thread keeps one worker (and its warm regex caches) across every job of a run. A job that finds
/// its thread's slot empty (rayon ran it while another job of the same thread was suspended)
/// makes a worker of its own.
struct Lease<'s> {
    worker: Option<Worker>,
    slot: &'s Mutex<Option<Worker>>,
}

impl<'s> Lease<'s> {
    fn take(slots: &'s [Mutex<Option<Worker>>], pipeline: &Pipeline<'_>) -> Self {
        let index = rayon::current_thread_index().unwrap_or(0) % slots.len().max(1);
        let slot = &slots[index];
        let worker = slot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or_else(|| Worker::new(pipeline));
        Lease {
            worker: Some(worker),
            slot,
        }
    }

    fn worker(&mut self) -> &mut Worker {
        self.worker
            .as_mut()
            .expect("a lease holds its worker until it is dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = self.worker.take();
        }
    }
}

/// What the worker made of one candidate.
struct Scanned {
    findings: Vec<Finding>,
    fate: Fate,
    /// Rules past the per-file cap, and how many more matches they had.
    truncated: Vec<(String, u64)>,
    /// Whether the file rules were run (with the text, for those that need it).
    files_checked: bool,
}

impl Scanned {
    fn nothing(fate: Fate) -> Self {
        Scanned {
            findings: Vec::new(),
            fate,
            truncated: Vec::new(),
            files_checked: false,
        }
    }
}

/// What happened to one candidate.
enum Fate {
    /// Read and matched.
    Scanned { bytes: u64 },
    /// Not matched, for a reason that does not make the result unclean (binary, LFS pointer).
    Skipped(SkipReason),
    /// Larger than the user's size limit (its size): not read, listed.
    OverSizeLimit(u64),
    /// Under a globally allowlisted path: not read, not counted.
    Allowlisted,
    /// Could not be read: a one-line message.
    Unreadable(String),
}

/// One thread's scanning state: its gix handle, its matcher and the size limit.
struct Worker {
    matcher: Matcher,
    repo: Option<gix::Repository>,
    max_file_size: Option<u64>,
}

impl Worker {
    /// Per-thread gix object cache: blobs are read once each, but deltas share bases.
    const OBJECT_CACHE: usize = 4 * 1024 * 1024;

    fn new(pipeline: &Pipeline<'_>) -> Self {
        Worker {
            matcher: pipeline.rules.matcher(),
            repo: pipeline.repo.map(|r| {
                let mut repo = r.to_thread_local();
                repo.object_cache_size_if_unset(Self::OBJECT_CACHE);
                repo
            }),
            max_file_size: pipeline.max_file_size,
        }
    }

    fn over_limit(&self, size: u64) -> bool {
        self.max_file_size.is_some_and(|max| size > max)
    }

    /// Scans one candidate: its content, and its path against the file rules (a tracked
    /// `.env`, a keystore), which flag it whether or not its content could be read.
    fn scan(&mut self, candidate: &Candidate) -> Scanned {
        let display = candidate.display();
        if self.matcher.rules().path_allowed(display) {
            return Scanned::nothing(Fate::Allowlisted);
        }
        let mut scanned = self.scan_content(candidate, display);
        if !scanned.files_checked {
            scanned
                .findings
                .extend(self.matcher.find_files(display, None));
        }
        scanned
    }

    fn scan_content(&mut self, candidate: &Candidate, display: &str) -> Scanned {
        let loaded;
        let raw: &[u8] = match candidate {
            Candidate::File { path, len, .. } => {
                if self.over_limit(*len) {
                    return Scanned::nothing(Fate::OverSizeLimit(*len));
                }
                if *len > IN_MEMORY_LIMIT {
                    return match std::fs::File::open(path) {
                        Ok(file) => self.stream(file, display),
                        Err(e) => Scanned::nothing(Fate::Unreadable(io_message(&e))),
                    };
                }
                match std::fs::read(path) {
                    Ok(bytes) => {
                        loaded = bytes;
                        &loaded
                    }
                    Err(e) => return Scanned::nothing(Fate::Unreadable(io_message(&e))),
                }
            }
            Candidate::Blob { id, .. } => {
                let Some(repo) = &self.repo else {
                    let message = format!("cannot read blob {id}: no repository to read it from");
                    return Scanned::nothing(Fate::Unreadable(message));
                };
                let limit = self.max_file_size.unwrap_or(u64::MAX);
                match blob::load(repo, *id, limit) {
                    Ok(Blob::Data(bytes)) => {
                        loaded = bytes;
                        &loaded
                    }
                    Ok(Blob::TooLarge(size)) => return Scanned::nothing(Fate::OverSizeLimit(size)),
                    Err(message) => return Scanned::nothing(Fate::Unreadable(message)),
                }
            }
            Candidate::Buffer { bytes, .. } => bytes,
            Candidate::Stdin { .. } => {
                return self.stream(std::io::stdin().lock(), display);
            }
        };
        match decode(raw) {
            Content::Skipped(reason) => Scanned::nothing(Fate::Skipped(reason)),
            Content::Text(text) => {
                let mut findings = self.matcher.find(&text, display);
                findings.extend(self.matcher.find_files(display, Some(&text)));
                Scanned {
                    findings,
                    fate: Fate::Scanned {
                        bytes: raw.len() as u64,
                    },
                    truncated: self.matcher.truncated(),
                    files_checked: true,
                }
            }
        }
    }

    /// Matches content read from `reader` in bounded memory (`stream`).
    fn stream(&mut self, reader: impl std::io::Read, display: &str) -> Scanned {
        match stream::scan(&mut self.matcher, reader, display) {
            Ok(Streamed::Text { findings, bytes }) => Scanned {
                findings,
                fate: Fate::Scanned { bytes },
                truncated: self.matcher.truncated(),
                files_checked: false,
            },
            Ok(Streamed::Skipped(reason)) => Scanned::nothing(Fate::Skipped(reason)),
            Err(e) => Scanned::nothing(Fate::Unreadable(io_message(&e))),
        }
    }
}

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
use crate::finding::Finding;
use crate::matcher::{Matcher, RuleSet};
use crate::source::blob::{self, Blob};
use crate::source::Candidate;
use rayon::prelude::*;
use std::collections::BTreeMap;
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
    /// Commits examined (git modes).
    pub commits: u64,
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

/// What a scan produced, before baseline filtering: the input of the baseline comparison and of
/// every report.
#[derive(Debug)]
pub struct Outcome {
    /// Findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Candidates that could not be read, sorted by path.
    pub errors: Vec<ScanError>,
    /// Counters.
    pub stats: Stats,
    /// What was scanned, for the baseline comparison.
    pub scope: Scope,
}

impl Outcome {
    /// An outcome with findings and errors sorted into their output order.
    pub fn new(
        mut findings: Vec<Finding>,
        mut errors: Vec<ScanError>,
        stats: Stats,
        scope: Scope,
    ) -> Self {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        Outcome {
            findings,
            errors,
            stats,
            scope,
        }
    }
}

/// What [`Pipeline::run`] produced for a list of candidates.
#[derive(Debug, Default)]
pub struct Batch {
    /// `(candidate index, its findings)` for each candidate with findings, in candidate order.
    pub found: Vec<(usize, Vec<Finding>)>,
    /// Candidates that could not be read, in candidate order.
    pub errors: Vec<ScanError>,
    /// Counters (scanned, bytes, skipped); `commits` and `elapsed` are the caller's.
    pub stats: Stats,
}

impl Batch {
    /// Every finding, with `scope` saying what was scanned; findings and errors sorted.
    pub fn into_outcome(self, scope: Scope) -> Outcome {
        let findings = self.found.into_iter().flat_map(|(_, f)| f).collect();
        Outcome::new(findings, self.errors, self.stats, scope)
    }
}

/// The scanning half of a plan: rules, the size limit, the repository blobs are read from, and
/// the thread pool. Cheap to make; make one per command.
pub struct Pipeline<'a> {
    rules: &'a RuleSet,
    max_file_size: u64,
    repo: Option<&'a gix::ThreadSafeRepository>,
    pool: &'a rayon::ThreadPool,
}

impl<'a> Pipeline<'a> {
    /// A pipeline over `rules` on `pool`, skipping files and blobs larger than `max_file_size`.
    pub fn new(rules: &'a RuleSet, max_file_size: u64, pool: &'a rayon::ThreadPool) -> Self {
        Pipeline {
            rules,
            max_file_size,
            repo: None,
            pool,
        }
    }

    /// Reads [`Candidate::Blob`]s from `repo` (each worker opens its own thread-local handle).
    pub fn with_repo(mut self, repo: &'a gix::ThreadSafeRepository) -> Self {
        self.repo = Some(repo);
        self
    }

    /// Scans every candidate once, in parallel; `on_item` is called after each (progress).
    /// Results do not depend on the number of threads.
    pub fn run(&self, candidates: &[Candidate], on_item: &(dyn Fn() + Sync)) -> Batch {
        let results: Vec<(Vec<Finding>, Fate)> = self.pool.install(|| {
            candidates
                .par_iter()
                .map_init(
                    || Worker::new(self),
                    |worker, candidate| {
                        let result = worker.scan(candidate);
                        on_item();
                        result
                    },
                )
                .collect()
        });
        let mut batch = Batch::default();
        for (i, (findings, fate)) in results.into_iter().enumerate() {
            match fate {
                Fate::Scanned { bytes } => {
                    batch.stats.scanned += 1;
                    batch.stats.bytes += bytes;
                }
                Fate::Skipped(reason) => batch.stats.skip(reason),
                Fate::Allowlisted => {}
                Fate::Unreadable(message) => batch.errors.push(ScanError {
                    path: candidates[i].display().to_string(),
                    message,
                }),
            }
            if !findings.is_empty() {
                batch.found.push((i, findings));
            }
        }
        batch
    }
}

/// What happened to one candidate.
enum Fate {
    /// Read and matched.
    Scanned { bytes: u64 },
    /// Not matched, for a reason that does not make the result unclean.
    Skipped(SkipReason),
    /// Under a globally allowlisted path: not read, not counted.
    Allowlisted,
    /// Could not be read: a one-line message.
    Unreadable(String),
}

/// One thread's scanning state: its gix handle, its matcher and the size limit.
struct Worker {
    matcher: Matcher,
    repo: Option<gix::Repository>,
    max_file_size: u64,
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

    fn scan(&mut self, candidate: &Candidate) -> (Vec<Finding>, Fate) {
        let display = candidate.display();
        if self.matcher.rules().path_allowed(display) {
            return (Vec::new(), Fate::Allowlisted);
        }
        let loaded;
        let raw: &[u8] = match candidate {
            Candidate::File { path, len, .. } => {
                if *len > self.max_file_size {
                    return (Vec::new(), Fate::Skipped(SkipReason::TooLarge));
                }
                match std::fs::read(path) {
                    Ok(bytes) => {
                        loaded = bytes;
                        &loaded
                    }
                    Err(e) => return (Vec::new(), Fate::Unreadable(io_message(&e))),
                }
            }
            Candidate::Blob { id, .. } => {
                let Some(repo) = &self.repo else {
                    let message = format!("cannot read blob {id}: no repository to read it from");
                    return (Vec::new(), Fate::Unreadable(message));
                };
                match blob::load(repo, *id, self.max_file_size) {
                    Ok(Blob::Data(bytes)) => {
                        loaded = bytes;
                        &loaded
                    }
                    Ok(Blob::TooLarge(_)) => {
                        return (Vec::new(), Fate::Skipped(SkipReason::TooLarge))
                    }
                    Err(message) => return (Vec::new(), Fate::Unreadable(message)),
                }
            }
            Candidate::Buffer { bytes, .. } => bytes,
        };
        match decode(raw) {
            Content::Skipped(reason) => (Vec::new(), Fate::Skipped(reason)),
            Content::Text(text) => (
                self.matcher.find(&text, display),
                Fate::Scanned {
                    bytes: raw.len() as u64,
                },
            ),
        }
    }
}

//! `sealant history`: the commits named by revspecs (`A..B`, `^A`, tips; default `HEAD`), or with
//! `--all` every commit reachable from any ref and `HEAD`. Findings say whether the secret is
//! still in `HEAD`'s tree. A repository without commits is a clean, empty scan.
//!
//! [`scan_history`] is the one history scan, shared with the push hooks (`push`): plan the unique
//! blobs (`source::history`), run them through the pipeline, attribute findings to commits,
//! compare with the baseline and report. With the incremental-audit cache (`cache`, on unless
//! `--no-cache`), blobs a previous run found clean under the same key are dropped before the
//! pipeline runs, and the blobs this run found clean are added to it at the end.

use super::progress::Progress;
use crate::baseline::Scope;
use crate::cache::{BlobCache, DEFAULT_SUBDIR};
use crate::cli::{CacheArgs, HistoryArgs};
use crate::exit::ExitStatus;
use crate::plan::{self, Commits, HistorySource, Plan, PresenceCheck};
use crate::report::Mode;
use crate::scan::Outcome;
use crate::source::history;
use anyhow::Result;
use std::path::PathBuf;

/// Runs `sealant history`.
pub(super) fn run(args: HistoryArgs) -> Result<ExitStatus> {
    let commits = if args.all {
        Commits::All
    } else {
        Commits::Revspecs(args.revs)
    };
    let mut options = super::options(&args.git.common);
    options.config_rev = args.config_rev;
    let (plan, source) = plan::history(&options, args.git.repo.as_deref(), commits)?;
    let messages = if args.include_messages {
        Messages::Scan
    } else {
        Messages::Skip
    };
    scan_history(&plan, source, messages, CacheChoice::from_args(&args.cache))
}

/// Whether, and where, the incremental-audit cache is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CacheChoice {
    /// `<git common dir>/sealant/cache`.
    InRepository,
    /// `--cache DIR`.
    Dir(PathBuf),
    /// `--no-cache` (and `pre-receive`): every blob is scanned, nothing is written.
    Off,
}

impl CacheChoice {
    /// The choice the flags make.
    pub(super) fn from_args(args: &CacheArgs) -> Self {
        match (&args.cache, args.no_cache) {
            (_, true) => CacheChoice::Off,
            (Some(dir), false) => CacheChoice::Dir(dir.clone()),
            (None, false) => CacheChoice::InRepository,
        }
    }

    /// The cache for `plan`'s key in `repo`, if one is used; a note if its file was unusable.
    fn open(
        &self,
        repo: &gix::Repository,
        plan: &Plan,
        notes: &mut Vec<String>,
    ) -> Option<BlobCache> {
        let dir = match self {
            CacheChoice::Off => return None,
            CacheChoice::Dir(dir) => dir.clone(),
            CacheChoice::InRepository => repo.common_dir().join(DEFAULT_SUBDIR),
        };
        let cache = BlobCache::open(&dir, plan.cache_key, repo.object_hash());
        notes.extend(cache.note().map(String::from));
        Some(cache)
    }
}

/// Whether commit messages are scanned too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Messages {
    /// Yes (`--include-messages`).
    Scan,
    /// No.
    Skip,
}

/// Plans, scans, attributes and reports the commits of `source`.
pub(super) fn scan_history(
    plan: &Plan,
    source: HistorySource,
    messages: Messages,
    cache: CacheChoice,
) -> Result<ExitStatus> {
    let repo = &source.repo.repo;
    let mut notes = source.selected.notes;
    let progress = Progress::new(!plan.report.quiet);
    progress.start_planning();
    let skip_path = |p: &str| plan.rules.path_allowed(p);
    let history = history::plan(
        repo,
        &source.selected.selection,
        &skip_path,
        &mut || progress.inc(),
        &plan.pool,
    )?;
    plan.phases.mark("walk");
    let mut cache = cache.open(repo, plan, &mut notes);
    let (todo, candidates) = uncached(repo, &history, cache.as_ref());
    progress.start_scanning("blobs", candidates.len() as u64);

    let sync = repo.clone().into_sync();
    let mut batch = plan
        .pipeline()
        .with_repo(&sync)
        .run(&candidates, &|| progress.inc());
    // Candidate indices back to blob indices (what `attribute` and `path_findings` use).
    for (i, _) in &mut batch.found {
        *i = todo[*i];
    }
    if let Some(mut cache) = cache.take() {
        for &i in &batch.clean {
            cache.record(history.blobs[todo[i]].id, candidates[i].display());
        }
        let unchanged = history.blobs.len() - todo.len();
        if unchanged > 0 {
            notes.push(format!(
                "{unchanged} blob{} unchanged since the last audit (cache)",
                if unchanged == 1 { "" } else { "s" }
            ));
        }
        if let Err(e) = cache.save() {
            notes.push(format!("{e}; the scan is unaffected"));
        }
    }
    drop(candidates);
    plan.phases.mark("scan");

    let head = match source.presence {
        PresenceCheck::Report => history::head_blobs(repo)?,
        PresenceCheck::Skip => None,
    };
    for (reason, n) in &history.skipped {
        batch.stats.skip_many(*reason, *n);
    }
    batch.stats.commits = Some(history.commits.len() as u64);
    let mut found = std::mem::take(&mut batch.found);
    found.extend(path_findings(&history, &plan.rules));
    let mut findings = history.attribute(repo, found, head.as_ref())?;
    if messages == Messages::Scan {
        let candidates = history.message_candidates(repo)?;
        let in_messages = plan.pipeline().run(&candidates, &|| {});
        findings.extend(history.attribute_messages(repo, in_messages.found)?);
        batch.errors.extend(in_messages.errors);
    }
    let mut outcome = Outcome::new(findings, batch, Scope::History);
    outcome.add_cross_file_findings(&plan.rules);
    drop(progress);
    plan.phases.mark("attribute");

    if history.shallow_boundaries > 0 {
        notes.push(format!(
            "shallow clone: history stops at {} boundary commit{}",
            history.shallow_boundaries,
            if history.shallow_boundaries == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    super::finish(plan, Mode::History, outcome, &notes)
}

/// The blobs to scan — those `cache` does not know clean under the path they are scanned at —
/// as (blob index per candidate, candidates).
fn uncached(
    repo: &gix::Repository,
    history: &crate::source::history::History,
    cache: Option<&BlobCache>,
) -> (Vec<usize>, Vec<crate::source::Candidate>) {
    let (mut todo, mut candidates): (Vec<usize>, Vec<crate::source::Candidate>) = history
        .candidates()
        .into_iter()
        .enumerate()
        .filter(|(i, c)| !cache.is_some_and(|k| k.contains(&history.blobs[*i].id, c.display())))
        .unzip();
    pack_order(repo, history, &mut todo, &mut candidates);
    (todo, candidates)
}

/// Puts `todo` (and its `candidates`) in pack order: blobs next to each other in a pack share
/// delta bases, which the workers' caches then still hold. Loose objects go last, in id order.
/// The order changes no result: findings are attributed by commit rank, not scan order.
fn pack_order(
    repo: &gix::Repository,
    history: &crate::source::history::History,
    todo: &mut Vec<usize>,
    candidates: &mut Vec<crate::source::Candidate>,
) {
    use gix::odb::pack::Find;
    // Pack locations are only stable while packs cannot be unloaded.
    let mut odb = repo.objects.clone();
    odb.prevent_pack_unload();
    let mut buf = Vec::new();
    let mut keyed: Vec<((u32, u64), usize, crate::source::Candidate)> = todo
        .drain(..)
        .zip(candidates.drain(..))
        .map(|(bi, c)| {
            let at = odb
                .location_by_oid(&history.blobs[bi].id, &mut buf)
                .ok()
                .flatten()
                .map_or((u32::MAX, 0), |l| (l.pack_id, l.pack_offset));
            (at, bi, c)
        })
        .collect();
    keyed.sort_by_key(|(at, bi, _)| (*at, *bi));
    for (_, bi, c) in keyed {
        todo.push(bi);
        candidates.push(c);
    }
}

/// The file rules' findings for every path a blob was introduced at (a blob is scanned once, at
/// one of its paths, but `.env.prod` is a finding even when its blob also sits at `README`),
/// per blob, for [`History::attribute`]. Rules that need the file's text are left to the scan.
fn path_findings(
    history: &crate::source::history::History,
    rules: &crate::matcher::RuleSet,
) -> Vec<(usize, Vec<crate::finding::Finding>)> {
    let matcher = rules.matcher();
    let mut out = Vec::new();
    for (bi, blob) in history.blobs.iter().enumerate() {
        let mut findings = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for intro in &blob.introductions {
            if seen.insert(intro.path.as_str()) {
                findings.extend(matcher.find_files(&intro.path, None));
            }
        }
        if !findings.is_empty() {
            out.push((bi, findings));
        }
    }
    out
}

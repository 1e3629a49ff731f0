//! `sealant history`, `sealant pre-push` and `sealant pre-receive`: scan what commits introduced.
//!
//! Each command turns its input (revspecs, `--all`, or git's hook lines on stdin) into a
//! [`Selection`] of commits, then [`scan_selection`] runs the shared pipeline: plan the unique
//! blobs (`source::history`), scan them in parallel with per-thread `scan::Worker`s, attribute
//! findings to commits, compare with the baseline and report through `app::Plan`.

use crate::app::Plan;
use crate::baseline::Scope;
use crate::cli::*;
use crate::content::SkipReason;
use crate::exit::ExitStatus;
use crate::finding::Finding;
use crate::git;
use crate::report::Mode;
use crate::scan::{Outcome, ScanError, Stats, Worker};
use crate::source::history::{self, Blob, Selection};
use anyhow::{anyhow, bail, Context, Result};
use gix::hash::ObjectId;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// `sealant history`: the commits named by revspecs (`A..B`, `^A`, tips; default `HEAD`), or with
/// `--all` every commit reachable from any ref and `HEAD`. Findings say whether the secret is
/// still in `HEAD`'s tree. A repository without commits is a clean, empty scan.
pub fn run_history(args: HistoryArgs) -> Result<ExitStatus> {
    let opened = open(&args.git)?;
    let repo = &opened.repo;
    let plan = Plan::resolve(git::root(repo), &args.git.common)?;
    let mut notes = Vec::new();
    let selection = if args.all {
        let mut tips = ref_commits(repo, |_| true, Strict::Yes)?;
        if let Some(head) = head_commit(repo)? {
            tips.push(head);
        }
        if tips.is_empty() {
            notes.push("no refs point to commits: nothing to scan".to_string());
        }
        Selection {
            tips,
            hidden: Vec::new(),
        }
    } else {
        let mut selection = parse_revspecs(repo, &args.revs)?;
        if selection.tips.is_empty() && (args.revs.is_empty() || !selection.hidden.is_empty()) {
            // No revspec, or only exclusions (`^A`): like `A..HEAD`.
            match head_commit(repo)? {
                Some(head) => selection.tips.push(head),
                None => notes.push("HEAD has no commits yet: nothing to scan".to_string()),
            }
        }
        selection
    };
    scan_selection(
        &opened,
        &plan,
        &selection,
        true,
        args.git.common.threads,
        notes,
    )
}

/// `sealant pre-push`: reads `<local ref> <local sha> <remote ref> <remote sha>` lines and scans
/// the commits being pushed: reachable from the local shas, not from the remote shas nor from the
/// remote-tracking refs of `REMOTE` (all remote-tracking refs if it has none). Deletions scan
/// nothing.
pub fn run_pre_push(args: PrePushArgs) -> Result<ExitStatus> {
    let opened = open(&args.git)?;
    let repo = &opened.repo;
    let plan = Plan::resolve(git::root(repo), &args.git.common)?;
    let input = read_stdin()?;
    let mut selection = Selection::default();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, local, _, remote] = fields[..] else {
            bail!("malformed pre-push input line `{line}`: expected `<local ref> <local sha> <remote ref> <remote sha>`");
        };
        let (local, remote) = (hook_id(local, line)?, hook_id(remote, line)?);
        if local.is_null() {
            continue; // a deletion pushes no commits
        }
        // A tag of a tree or blob pushes no commits.
        selection.tips.extend(peel_to_commit(repo, local)?);
        if !remote.is_null() && repo.has_object(remote) {
            selection.hidden.extend(peel_to_commit(repo, remote)?);
        }
    }
    if !selection.tips.is_empty() {
        selection
            .hidden
            .extend(remote_tracking_commits(repo, args.remote.as_deref())?);
    }
    scan_selection(
        &opened,
        &plan,
        &selection,
        false,
        args.git.common.threads,
        Vec::new(),
    )
}

/// `sealant pre-receive`: reads `<old> <new> <ref>` lines and scans the commits new to the
/// repository: reachable from the new values, not from the old ones nor from any existing ref
/// (git updates refs only after the hook accepts). Pushed objects live in git's quarantine
/// directory, which [`open`] adds to the object store.
pub fn run_pre_receive(args: GitArgs) -> Result<ExitStatus> {
    let opened = open(&args)?;
    let repo = &opened.repo;
    let plan = Plan::resolve(git::root(repo), &args.common)?;
    let input = read_stdin()?;
    let mut selection = Selection::default();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [old, new, _] = fields[..] else {
            bail!(
                "malformed pre-receive input line `{line}`: expected `<old sha> <new sha> <ref>`"
            );
        };
        let (old, new) = (hook_id(old, line)?, hook_id(new, line)?);
        if new.is_null() {
            continue;
        }
        selection.tips.extend(peel_to_commit(repo, new)?);
        if !old.is_null() && repo.has_object(old) {
            selection.hidden.extend(peel_to_commit(repo, old)?);
        }
    }
    if !selection.tips.is_empty() {
        selection
            .hidden
            .extend(ref_commits(repo, |_| true, Strict::No)?);
    }
    scan_selection(
        &opened,
        &plan,
        &selection,
        false,
        args.common.threads,
        Vec::new(),
    )
}

/// Plans, scans and reports `selection`; `presence` adds at-HEAD / history-only to findings.
fn scan_selection(
    opened: &Opened,
    plan: &Plan,
    selection: &Selection,
    presence: bool,
    threads: Option<usize>,
    mut notes: Vec<String>,
) -> Result<ExitStatus> {
    let started = Instant::now();
    let repo = &opened.repo;
    let progress = Progress::new(!plan.report.quiet);
    progress.start_planning();
    let skip_path = |p: &str| plan.rules.path_allowed(p);
    let history = history::plan(repo, selection, &skip_path, &mut || progress.inc())?;
    progress.start_scanning(history.blobs.len() as u64);

    let sync = repo.clone().into_sync();
    let max = plan.settings.max_file_size;
    let scan = || {
        history.scan_blobs(
            &sync,
            max,
            || Worker::new(&plan.rules),
            |worker, blob, data| {
                let path = blob
                    .first_new()
                    .map(|i| i.path.as_str())
                    .unwrap_or_default();
                let result = match data {
                    Blob::Loaded(bytes) => {
                        let found = worker.scan_bytes(path, bytes);
                        (found, std::mem::take(&mut worker.stats), None)
                    }
                    Blob::TooLarge(_) => {
                        let mut stats = Stats::default();
                        stats.skip(SkipReason::TooLarge);
                        (Vec::new(), stats, None)
                    }
                    Blob::Unreadable(message) => (
                        Vec::new(),
                        Stats::default(),
                        Some(ScanError {
                            path: path.to_string(),
                            message,
                        }),
                    ),
                };
                progress.inc();
                result
            },
        )
    };
    let results = match threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start worker threads")?
            .install(scan),
        None => scan(),
    };

    let mut outcome = Outcome::default();
    let mut per_blob: Vec<(usize, Vec<Finding>)> = Vec::new();
    for (i, (findings, stats, error)) in results {
        outcome.stats.merge(stats);
        outcome.errors.extend(error);
        if !findings.is_empty() {
            per_blob.push((i, findings));
        }
    }
    for (reason, n) in &history.skipped {
        *outcome.stats.skipped.entry(*reason).or_default() += n;
    }
    outcome.stats.commits = history.commits.len() as u64;
    let head = if presence {
        history::head_blobs(repo)?
    } else {
        None
    };
    outcome.findings = history.attribute(repo, per_blob, head.as_ref())?;
    outcome.sort();
    outcome.stats.elapsed = started.elapsed();
    drop(progress);

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
    let cmp = plan.compare(outcome.findings.clone(), Scope::History)?;
    plan.finish(Mode::History, &outcome, &cmp, &notes)
}

/// A repository opened for a history scan, with git's object-directory environment applied.
struct Opened {
    repo: gix::Repository,
    /// Holds the synthetic object directory that chains git's quarantine and alternates.
    _objects: Option<tempfile::TempDir>,
}

/// Opens the repository (`--repo`, else discovered from the current directory, honouring
/// `GIT_DIR`), then applies `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES`.
///
/// gix 0.90 ignores both variables, but git's pre-receive hook needs them: pushed objects sit in
/// a quarantine directory named by `GIT_OBJECT_DIRECTORY`, with the repository's own object
/// directory listed in `GIT_ALTERNATE_OBJECT_DIRECTORIES` (git's `tmp-objdir.c`). We open an
/// object store rooted at an empty temporary directory whose `info/alternates` lists them all.
fn open(args: &GitArgs) -> Result<Opened> {
    let mut repo = git::open(args.repo.as_deref())?;
    // Tree diffs revisit the same trees commit after commit.
    repo.object_cache_size_if_unset(64 * 1024 * 1024);
    let primary = std::env::var_os("GIT_OBJECT_DIRECTORY").filter(|v| !v.is_empty());
    let alternates = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES").filter(|v| !v.is_empty());
    if primary.is_none() && alternates.is_none() {
        return Ok(Opened {
            repo,
            _objects: None,
        });
    }
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let absolute = |p: PathBuf| if p.is_absolute() { p } else { cwd.join(p) };
    let own = absolute(repo.objects.store_ref().path().to_path_buf());
    let mut dirs = vec![primary.map(PathBuf::from).map(absolute).unwrap_or(own)];
    if let Some(list) = alternates {
        dirs.extend(
            std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .map(absolute),
        );
    }
    let (store, tmp) = chained_store(&repo, &dirs, &cwd)
        .context("cannot open the object directories from git's environment")?;
    let mut sync = repo.into_sync();
    sync.objects = std::sync::Arc::new(store);
    let mut repo = sync.to_thread_local();
    repo.object_cache_size_if_unset(64 * 1024 * 1024);
    Ok(Opened {
        repo,
        _objects: Some(tmp),
    })
}

fn chained_store(
    repo: &gix::Repository,
    dirs: &[PathBuf],
    cwd: &Path,
) -> Result<(gix::odb::Store, tempfile::TempDir)> {
    let tmp = tempfile::Builder::new()
        .prefix("sealant-objects-")
        .tempdir()?;
    std::fs::create_dir(tmp.path().join("info"))?;
    let mut list = String::new();
    for d in dirs {
        let s = d
            .to_str()
            .ok_or_else(|| anyhow!("{}: object directory path is not UTF-8", d.display()))?;
        list.push_str(s);
        list.push('\n');
    }
    std::fs::write(tmp.path().join("info").join("alternates"), list)?;
    let replacements: Vec<(ObjectId, ObjectId)> = repo.objects.store_ref().replacements().collect();
    let store = gix::odb::Store::at_opts(
        tmp.path().to_path_buf(),
        repo.object_hash(),
        &mut replacements.into_iter(),
        gix::odb::store::init::Options {
            current_dir: Some(cwd.to_path_buf()),
            ..Default::default()
        },
    )?;
    Ok((store, tmp))
}

/// Turns revspecs into tips and hidden commits. `Err` names the first revspec that does not
/// resolve to commits.
fn parse_revspecs(repo: &gix::Repository, revs: &[String]) -> Result<Selection> {
    use gix::revision::plumbing::Spec;
    let mut selection = Selection::default();
    for rev in revs {
        let spec = repo
            .rev_parse(rev.as_str())
            .map_err(|e| anyhow!("bad revision `{rev}`: {}", one_line(&e)))?
            .detach();
        let commit = |id: ObjectId| {
            peel_to_commit(repo, id)?
                .ok_or_else(|| anyhow!("bad revision `{rev}`: {id} is not a commit"))
        };
        let parents = |id: ObjectId| -> Result<Vec<ObjectId>> {
            let c = repo
                .find_commit(commit(id)?)
                .map_err(|e| anyhow!("bad revision `{rev}`: {}", one_line(&e)))?;
            Ok(c.parent_ids().map(|p| p.detach()).collect())
        };
        match spec {
            Spec::Include(id) => selection.tips.push(commit(id)?),
            Spec::Exclude(id) => selection.hidden.push(commit(id)?),
            Spec::Range { from, to } => {
                selection.hidden.push(commit(from)?);
                selection.tips.push(commit(to)?);
            }
            Spec::Merge { theirs, ours } => {
                let (theirs, ours) = (commit(theirs)?, commit(ours)?);
                selection.tips.extend([theirs, ours]);
                let bases = repo
                    .merge_bases_many(theirs, &[ours])
                    .map_err(|e| anyhow!("bad revision `{rev}`: {}", one_line(&e)))?;
                selection
                    .hidden
                    .extend(bases.into_iter().map(|b| b.detach()));
            }
            Spec::IncludeOnlyParents(id) => selection.tips.extend(parents(id)?),
            Spec::ExcludeParents(id) => {
                selection.tips.push(commit(id)?);
                selection.hidden.extend(parents(id)?);
            }
        }
    }
    Ok(selection)
}

/// `HEAD`'s commit, or `None` when `HEAD` is unborn (no commits yet).
fn head_commit(repo: &gix::Repository) -> Result<Option<ObjectId>> {
    let head = repo
        .head()
        .map_err(|e| anyhow!("cannot read HEAD: {}", one_line(&e)))?;
    if head.is_unborn() {
        return Ok(None);
    }
    let id = match head.id() {
        Some(id) => id.detach(),
        None => head
            .into_peeled_id()
            .map_err(|e| anyhow!("cannot resolve HEAD: {}", one_line(&e)))?
            .detach(),
    };
    match peel_to_commit(repo, id)? {
        Some(c) => Ok(Some(c)),
        None => bail!("HEAD ({id}) does not point to a commit"),
    }
}

/// The commits of `refs/remotes/<remote>/*`, or of every `refs/remotes/*` when `remote` is absent
/// or has no remote-tracking refs (git passes a URL as the name when pushing to a URL).
fn remote_tracking_commits(repo: &gix::Repository, remote: Option<&str>) -> Result<Vec<ObjectId>> {
    if let Some(remote) = remote {
        let prefix = format!("refs/remotes/{remote}/");
        let found = ref_commits(repo, |name| name.starts_with(&prefix), Strict::No)?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    ref_commits(repo, |name| name.starts_with("refs/remotes/"), Strict::No)
}

/// Whether a ref that cannot be resolved is an error (refs to scan) or is skipped (refs to hide:
/// hiding less only scans more).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strict {
    Yes,
    No,
}

/// The commits of the refs whose full name passes `keep` (tags peeled; refs to trees or blobs
/// skipped), sorted. With [`Strict::Yes`], `Err` names a ref that cannot be read or resolved.
fn ref_commits(
    repo: &gix::Repository,
    keep: impl Fn(&str) -> bool,
    strict: Strict,
) -> Result<Vec<ObjectId>> {
    let platform = repo
        .references()
        .map_err(|e| anyhow!("cannot read refs: {}", one_line(&e)))?;
    let iter = platform
        .all()
        .map_err(|e| anyhow!("cannot read refs: {}", one_line(&e)))?;
    let mut out = Vec::new();
    for r in iter {
        let commit = r
            .map_err(|e| anyhow!("cannot read refs: {}", one_line(&e)))
            .and_then(|mut r| {
                let name = r.name().as_bstr().to_string();
                if !keep(&name) {
                    return Ok(None);
                }
                let id = r
                    .peel_to_id()
                    .map_err(|e| anyhow!("cannot resolve ref {name}: {}", one_line(&e)))?
                    .detach();
                peel_to_commit(repo, id).with_context(|| format!("ref {name}"))
            });
        match commit {
            Ok(c) => out.extend(c),
            Err(e) if strict == Strict::Yes => return Err(e),
            Err(_) => {}
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// `id` peeled through tags to a commit; `None` if it is another kind of object. `Err` (naming
/// the object) if it is missing or unreadable.
fn peel_to_commit(repo: &gix::Repository, id: ObjectId) -> Result<Option<ObjectId>> {
    let object = repo
        .find_object(id)
        .and_then(|o| o.peel_tags_to_end())
        .map_err(|e| anyhow!("cannot read object {id}: {}", one_line(&e)))?;
    Ok((object.kind == gix::objs::Kind::Commit).then_some(object.id))
}

/// A full hex object id from a hook line.
fn hook_id(hex: &str, line: &str) -> Result<ObjectId> {
    ObjectId::from_hex(hex.as_bytes())
        .map_err(|_| anyhow!("malformed hook input line `{line}`: `{hex}` is not an object id"))
}

fn read_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the hook's standard input")?;
    Ok(s)
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    crate::rules::one_line(&e.to_string())
}

/// A progress bar on stderr: only on a terminal, not under CI, not with `--quiet`, and only
/// once the run has lasted a second (short runs print nothing).
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    const DELAY: Duration = Duration::from_secs(1);

    fn new(wanted: bool) -> Self {
        let enabled = wanted && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar =
            enabled.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()));
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    fn start_planning(&self) {
        if let Some(bar) = &self.bar {
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} walking history: {pos} commits")
            {
                bar.set_style(style);
            }
        }
    }

    fn start_scanning(&self, blobs: u64) {
        if let Some(bar) = &self.bar {
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} scanning blobs {bar:30} {pos}/{len} ({eta})",
            ) {
                bar.set_style(style);
            }
            bar.reset();
            bar.set_length(blobs);
        }
    }

    fn inc(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= Self::DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

//! `sealant staged`, the pre-commit gate: exit 1 if the staged change adds a secret that is
//! neither in `HEAD`'s version of the file (or a file the change deletes: a rename or move is not
//! a new secret) nor in the baseline.
//!
//! Two pipeline passes: the staged blobs of the changed files, then — only for files with
//! findings — their `HEAD` versions (or the deleted files), whose secrets are old.

use crate::baseline::Scope;
use crate::cli::GitArgs;
use crate::exit::ExitStatus;
use crate::finding::Finding;
use crate::plan;
use crate::report::Mode;
use crate::scan::Pipeline;
use crate::source::staged::{self, StagedChanges};
use crate::source::Candidate;
use anyhow::Result;
use std::collections::HashSet;

/// (rule, secret) pairs: what "the same secret" means when telling new from old.
type SecretKeys = HashSet<(String, String)>;

/// Runs `sealant staged`.
pub(super) fn run(args: GitArgs) -> Result<ExitStatus> {
    let (plan, repo) = plan::staged(&super::options(&args.common), args.repo.as_deref())?;
    let (changes, index) = staged::changes(&repo)?;
    let sync = repo.into_sync();
    let pipeline = plan.pipeline().with_repo(&sync);
    let candidates: Vec<Candidate> = changes
        .files
        .iter()
        .map(|f| Candidate::Blob {
            id: f.blob,
            display: f.path.clone(),
        })
        .collect();
    let progress = super::progress::Progress::new(!plan.report.quiet);
    progress.start_scanning("files", candidates.len() as u64);
    let mut batch = pipeline.run(&candidates, &|| progress.inc());
    drop(progress);
    drop_old_secrets(&pipeline, &changes, &mut batch.found);
    plan.phases.mark("scan");
    for reason in &changes.skipped {
        batch.stats.skip(*reason);
    }
    let scanned: HashSet<String> = changes.files.iter().map(|f| f.path.clone()).collect();
    let scope = Scope::partial(scanned, plan.baseline.as_ref().map(|b| &b.baseline), |p| {
        index.entry_by_path(p.into()).is_some()
    });
    let outcome = batch.into_outcome(scope);
    super::finish(&plan, Mode::Staged, outcome, &[])
}

fn key(f: &Finding) -> (String, String) {
    (f.rule.clone(), f.secret.expose().to_string())
}

/// Drops from each file's findings (`found`, by index into `changes.files`) the secrets already
/// committed: those in `HEAD`'s version of the same path, or, for a new path, those in any file
/// the change deletes. Only files with findings cost a second read. Blobs that cannot be read
/// add nothing: their secrets then count as new, which errs on the side of blocking.
fn drop_old_secrets(
    pipeline: &Pipeline<'_>,
    changes: &StagedChanges,
    found: &mut [(usize, Vec<Finding>)],
) {
    // Candidates: the HEAD version of each file with findings that has one, then (if any file
    // with findings is new) every deleted file.
    let mut old = Vec::new();
    let mut head_version: Vec<Option<usize>> = Vec::with_capacity(found.len());
    for (i, _) in found.iter() {
        let file = &changes.files[*i];
        head_version.push(file.head_blob.map(|id| {
            old.push(Candidate::Blob {
                id,
                display: file.path.clone(),
            });
            old.len() - 1
        }));
    }
    let deleted_from = old.len();
    if head_version.iter().any(Option::is_none) {
        old.extend(changes.deleted.iter().map(|(path, id)| Candidate::Blob {
            id: *id,
            display: path.clone(),
        }));
    }
    if old.is_empty() {
        return;
    }
    let mut by_candidate: Vec<SecretKeys> = vec![SecretKeys::new(); old.len()];
    for (ci, findings) in pipeline.run(&old, &|| {}).found {
        by_candidate[ci] = findings.iter().map(key).collect();
    }
    let deleted: SecretKeys = by_candidate[deleted_from..]
        .iter()
        .flatten()
        .cloned()
        .collect();
    for ((_, findings), head) in found.iter_mut().zip(head_version) {
        let committed = match head {
            Some(ci) => &by_candidate[ci],
            None => &deleted,
        };
        findings.retain(|f| !committed.contains(&key(f)));
    }
}

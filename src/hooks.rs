//! The pre-commit side: `sealant staged` (the gate) and `sealant install` (writes the hook).

use crate::app::Plan;
use crate::baseline::Scope;
use crate::cli::*;
use crate::content::SkipReason;
use crate::exit::ExitStatus;
use crate::finding::Finding;
use crate::report::Mode;
use crate::scan::{Outcome, ScanError, Stats, Worker};
use crate::source::staged::{self, StagedFile};
use anyhow::{bail, Context, Result};
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Instant;

/// (rule, secret) pairs: what "the same secret" means when telling new from old.
type SecretKeys = HashSet<(String, String)>;

/// `sealant staged`: exit 1 if the staged change adds a secret that is neither in `HEAD`'s
/// version of the file (or a deleted file it may have been renamed from) nor in the baseline.
pub fn run_staged(args: GitArgs) -> Result<ExitStatus> {
    let started = Instant::now();
    let repo = crate::git::open(args.repo.as_deref())?;
    let root = crate::git::root(&repo);
    let plan = Plan::resolve(root, &args.common)?;
    let (changes, index) = staged::changes(&repo)?;
    let sync = repo.clone().into_sync();
    let max = plan.settings.max_file_size;
    let renamed_from: OnceLock<SecretKeys> = OnceLock::new();

    let results: Vec<(Vec<Finding>, Vec<ScanError>, Stats)> = changes
        .files
        .par_iter()
        .map_init(
            || (sync.to_thread_local(), Worker::new(&plan.rules)),
            |(repo, worker), file| {
                let mut errors = Vec::new();
                let before = std::mem::take(&mut worker.stats);
                let found = scan_staged_file(
                    repo,
                    worker,
                    file,
                    max,
                    &changes.deleted,
                    &renamed_from,
                    &mut errors,
                );
                let stats = std::mem::replace(&mut worker.stats, before);
                (found, errors, stats)
            },
        )
        .collect();
    let mut outcome = Outcome::default();
    for (f, e, s) in results {
        outcome.findings.extend(f);
        outcome.errors.extend(e);
        outcome.stats.merge(s);
    }
    for r in &changes.skipped {
        outcome.stats.skip(*r);
    }
    outcome.stats.elapsed = started.elapsed();
    outcome.sort();
    let scanned: HashSet<String> = changes.files.iter().map(|f| f.path.clone()).collect();
    let exists = |p: &str| index.entry_by_path(p.into()).is_some();
    let mut cmp = plan.compare(
        outcome.findings.clone(),
        Scope::Partial {
            scanned: &scanned,
            exists: &exists,
        },
    )?;
    cmp.stale.clear(); // a staged scan sees only the change; staleness needs a full scan
    plan.finish(Mode::Staged, &outcome, &cmp, &[])
}

fn read_blob(
    repo: &gix::Repository,
    id: ObjectId,
    path: &str,
    max: u64,
    worker: &mut Worker,
) -> Result<Option<Vec<u8>>, ScanError> {
    let err = |e: &dyn std::fmt::Display| ScanError {
        path: path.to_string(),
        message: format!(
            "cannot read blob {id}: {}",
            crate::rules::one_line(&e.to_string())
        ),
    };
    let header = repo.find_header(id).map_err(|e| err(&e))?;
    if header.size() > max {
        worker.stats.skip(SkipReason::TooLarge);
        return Ok(None);
    }
    let blob = repo.find_blob(id).map_err(|e| err(&e))?;
    Ok(Some(blob.detach().data))
}

fn keys(findings: &[Finding]) -> SecretKeys {
    findings
        .iter()
        .map(|f| (f.rule.clone(), f.secret.expose().to_string()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn scan_staged_file(
    repo: &gix::Repository,
    worker: &mut Worker,
    file: &StagedFile,
    max: u64,
    deleted: &[(String, ObjectId)],
    renamed_from: &OnceLock<SecretKeys>,
    errors: &mut Vec<ScanError>,
) -> Vec<Finding> {
    let data = match read_blob(repo, file.blob, &file.path, max, worker) {
        Ok(Some(d)) => d,
        Ok(None) => return Vec::new(),
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let found = worker.scan_bytes(&file.path, &data);
    if found.is_empty() {
        return found;
    }
    // Old secrets: those already in HEAD's version of this path, or, for a new path, in any file
    // the change deletes (a rename or move is not a new secret).
    let mut side = Worker::new_like(worker);
    let old: SecretKeys = match file.head_blob {
        Some(id) => match read_blob(repo, id, &file.path, max, &mut side) {
            Ok(Some(d)) => keys(&side.scan_bytes(&file.path, &d)),
            _ => SecretKeys::new(),
        },
        None => renamed_from
            .get_or_init(|| {
                let mut all = SecretKeys::new();
                for (path, id) in deleted {
                    if let Ok(Some(d)) = read_blob(repo, *id, path, max, &mut side) {
                        all.extend(keys(&side.scan_bytes(path, &d)));
                    }
                }
                all
            })
            .clone(),
    };
    found
        .into_iter()
        .filter(|f| !old.contains(&(f.rule.clone(), f.secret.expose().to_string())))
        .collect()
}

/// `sealant install`: writes a pre-commit hook running `sealant staged` into the hooks folder
/// git uses (`core.hooksPath`, or the common git dir's `hooks/`, so linked worktrees share it).
pub fn run_install(args: InstallArgs) -> Result<ExitStatus> {
    let repo = crate::git::open(args.repo.as_deref())?;
    let hooks_dir = hooks_dir(&repo)?;
    let hook = hooks_dir.join("pre-commit");
    if hook.exists() && !args.force {
        bail!(
            "{} already exists; not replacing it (run `sealant install --force` to replace it, or call `sealant staged` from it)",
            hook.display()
        );
    }
    std::fs::create_dir_all(&hooks_dir)
        .with_context(|| format!("cannot create {}", hooks_dir.display()))?;
    let exe = std::env::current_exe().context("cannot locate the sealant binary")?;
    let script = hook_script(&exe.to_string_lossy());
    crate::baseline::write_atomically(&hook, script.as_bytes())
        .with_context(|| format!("cannot write {}", hook.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", hook.display()))?;
    }
    eprintln!("sealant: installed {}", hook.display());
    Ok(ExitStatus::Clean)
}

/// The hook script: runs the binary that installed it, or `sealant` on PATH if that binary has
/// moved.
pub fn hook_script(exe: &str) -> String {
    let quoted = format!("'{}'", exe.replace('\'', r"'\''"));
    format!(
        "#!/bin/sh\n# Installed by `sealant install`: blocks commits that add secrets.\n\
         # Bypass once (not recommended): git commit --no-verify\n\
         sealant={quoted}\n\
         if [ -x \"$sealant\" ]; then exec \"$sealant\" staged; fi\n\
         exec sealant staged\n"
    )
}

fn hooks_dir(repo: &gix::Repository) -> Result<std::path::PathBuf> {
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .map_err(|e| {
            anyhow::anyhow!(
                "invalid core.hooksPath: {}",
                crate::rules::one_line(&e.to_string())
            )
        })?;
    if let Some(p) = configured {
        if p.is_absolute() {
            return Ok(p);
        }
        // Relative hooksPath is relative to the work tree root (githooks(5)).
        return Ok(crate::git::root(repo).join(p));
    }
    Ok(repo.common_dir().join("hooks"))
}

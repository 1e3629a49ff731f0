//! The push hooks: `sealant pre-push` (client side) and `sealant pre-receive` (server side). Each
//! reads git's hook lines from standard input; `plan` turns them into the commits being pushed and
//! [`super::history::scan_history`] scans them like a history range, without `presence`.
//! `pre-push` uses the incremental-audit cache like `history` (`--cache`, `--no-cache`);
//! `pre-receive` never does.

use super::history::{CacheChoice, Messages};
use crate::cli::{GitArgs, PrePushArgs};
use crate::exit::ExitStatus;
use crate::plan::{self, Commits};
use anyhow::{Context, Result};
use std::io::Read;
use std::path::Path;

/// `sealant pre-push`: the commits reachable from the pushed local shas, not from the remote's
/// shas nor its remote-tracking refs. Deletions scan nothing.
///
/// Under the pre-commit framework's `pre-push` stage (the `sealant-push` hook), git's standard
/// input is not forwarded: pre-commit passes the push in `PRE_COMMIT_*` variables instead, and
/// those are turned into the same hook line.
pub(super) fn run_pre_push(args: PrePushArgs) -> Result<ExitStatus> {
    let (input, remote) = match pre_commit_push(args.git.repo.as_deref())? {
        Some((line, remote)) => (line, args.remote.or(remote)),
        None => (read_hook_input()?, args.remote),
    };
    let commits = Commits::PrePush { input, remote };
    let cache = CacheChoice::from_args(&args.cache);
    run_push(&args.git, args.config_rev, commits, cache)
}

/// The pre-push line pre-commit's environment describes, and the remote's name, if sealant runs
/// under pre-commit's `pre-push` stage: `PRE_COMMIT_FROM_REF`..`PRE_COMMIT_TO_REF` when the
/// remote has an ancestor of the pushed commits, else (a push of a whole new history,
/// `PRE_COMMIT_REMOTE_NAME` alone) the local branch as a new branch, so every commit not on the
/// remote is scanned.
fn pre_commit_push(dir: Option<&Path>) -> Result<Option<(String, Option<String>)>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let Some(remote) = var("PRE_COMMIT_REMOTE_NAME") else {
        return Ok(None);
    };
    let local_branch = var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".into());
    let remote_branch = var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_else(|| local_branch.clone());
    let zero = "0".repeat(40);
    let (from, to) = match (var("PRE_COMMIT_FROM_REF"), var("PRE_COMMIT_TO_REF")) {
        (Some(from), Some(to)) => (from, to),
        (_, to) => {
            let to = match to {
                Some(to) => to,
                None => resolve(dir, &local_branch)?,
            };
            (zero, to)
        }
    };
    Ok(Some((
        format!("{local_branch} {to} {remote_branch} {from}\n"),
        Some(remote),
    )))
}

/// The commit id `name` (a ref such as `refs/heads/main`, or `HEAD`) points at.
fn resolve(dir: Option<&Path>, name: &str) -> Result<String> {
    let repo = crate::git::open(dir)?;
    let id = repo
        .rev_parse_single(name)
        .with_context(|| format!("cannot resolve the pushed branch `{name}`"))?;
    Ok(id.detach().to_string())
}

/// `sealant pre-receive`: the commits new to the repository. Pushed objects live in git's
/// quarantine directory, which `git::open_with_object_env` adds to the object store.
pub(super) fn run_pre_receive(args: GitArgs) -> Result<ExitStatus> {
    let commits = Commits::PreReceive {
        input: read_hook_input()?,
    };
    // The server's own settings: the pushed branch cannot change files in the repository. No
    // cache: a server's hook should not write into a shared repository, and pushed blobs are new.
    run_push(&args, None, commits, CacheChoice::Off)
}

/// The one push scan, for both hooks.
fn run_push(
    args: &GitArgs,
    config_rev: Option<String>,
    commits: Commits,
    cache: CacheChoice,
) -> Result<ExitStatus> {
    let dir: Option<&Path> = args.repo.as_deref();
    let mut options = super::options(&args.common);
    options.config_rev = config_rev;
    let (plan, source) = plan::history(&options, dir, commits)?;
    super::history::scan_history(&plan, source, Messages::Skip, cache)
}

fn read_hook_input() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the hook's standard input")?;
    Ok(s)
}

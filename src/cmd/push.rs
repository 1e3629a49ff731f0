//! The push hooks: `sealant pre-push` (client side) and `sealant pre-receive` (server side). Each
//! reads git's hook lines from standard input; `plan` turns them into the commits being pushed and
//! [`super::history::scan_history`] scans them like a history range, without `presence`.

use crate::cli::{GitArgs, PrePushArgs};
use crate::exit::ExitStatus;
use crate::plan::{self, Commits};
use anyhow::{Context, Result};
use std::io::Read;
use std::path::Path;

/// `sealant pre-push`: the commits reachable from the pushed local shas, not from the remote's
/// shas nor its remote-tracking refs. Deletions scan nothing.
pub(super) fn run_pre_push(args: PrePushArgs) -> Result<ExitStatus> {
    let commits = Commits::PrePush {
        input: read_hook_input()?,
        remote: args.remote,
    };
    run_push(&args.git, commits)
}

/// `sealant pre-receive`: the commits new to the repository. Pushed objects live in git's
/// quarantine directory, which `git::open_with_object_env` adds to the object store.
pub(super) fn run_pre_receive(args: GitArgs) -> Result<ExitStatus> {
    let commits = Commits::PreReceive {
        input: read_hook_input()?,
    };
    run_push(&args, commits)
}

/// The one push scan, for both hooks.
fn run_push(args: &GitArgs, commits: Commits) -> Result<ExitStatus> {
    let dir: Option<&Path> = args.repo.as_deref();
    let (plan, source) = plan::history(&super::options(&args.common), dir, commits)?;
    super::history::scan_history(&plan, source)
}

fn read_hook_input() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the hook's standard input")?;
    Ok(s)
}

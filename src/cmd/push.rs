//! The push hooks: `sealant pre-push` (client side) and `sealant pre-receive` (server side). Each
//! reads git's hook lines from standard input; `plan` turns them into the commits being pushed and
//! [`super::history::scan_history`] scans them like a history range, without `presence`.

use super::history::Messages;
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
    run_push(&args.git, args.config_rev, commits)
}

/// `sealant pre-receive`: the commits new to the repository. Pushed objects live in git's
/// quarantine directory, which `git::open_with_object_env` adds to the object store.
pub(super) fn run_pre_receive(args: GitArgs) -> Result<ExitStatus> {
    let commits = Commits::PreReceive {
        input: read_hook_input()?,
    };
    // The server's own settings: the pushed branch cannot change files in the repository.
    run_push(&args, None, commits)
}

/// The one push scan, for both hooks.
fn run_push(args: &GitArgs, config_rev: Option<String>, commits: Commits) -> Result<ExitStatus> {
    let dir: Option<&Path> = args.repo.as_deref();
    let mut options = super::options(&args.common);
    options.config_rev = config_rev;
    let (plan, source) = plan::history(&options, dir, commits)?;
    super::history::scan_history(&plan, source, Messages::Skip)
}

fn read_hook_input() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the hook's standard input")?;
    Ok(s)
}

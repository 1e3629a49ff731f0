//! `sealant scan`: files and folders on disk (default: the current directory), or standard input
//! as `-`. A scan of the whole root can find stale baseline entries; a scan of named files judges
//! moves between them as a full scan would and never calls an entry stale.

use super::progress::Progress;
use crate::baseline::Scope;
use crate::cli::ScanArgs;
use crate::exit::ExitStatus;
use crate::plan::{self, Extent, FilesRequest};
use crate::report::Mode;
use crate::source::worktree::{self, IgnoreFiles, Symlinks};
use crate::source::{stdin, Candidate};
use anyhow::{bail, Result};
use std::collections::HashSet;
use std::path::Path;

/// Runs `sealant scan`.
pub(super) fn run(args: ScanArgs) -> Result<ExitStatus> {
    let options = super::options(&args.common);
    let dash = |p: &std::path::PathBuf| p == Path::new("-");
    if args.paths.iter().any(dash) {
        if args.paths.len() > 1 {
            bail!("`-` (standard input) cannot be combined with other paths");
        }
        return run_stdin(&options);
    }
    let request = FilesRequest {
        paths: args.paths,
        root: None,
        symlinks: if args.follow_symlinks {
            Symlinks::Follow
        } else {
            Symlinks::Skip
        },
        ignore_files: if args.no_ignore {
            IgnoreFiles::Disregard
        } else {
            IgnoreFiles::Respect
        },
    };
    let (plan, tree) = plan::files(&options, request)?;
    let progress = Progress::new(!plan.report.quiet);
    let listing = worktree::walk(&tree.walk);
    plan.phases.mark("list");
    progress.start_scanning("files", listing.candidates.len() as u64);
    let mut batch = plan.pipeline().run(&listing.candidates, &|| progress.inc());
    drop(progress);
    plan.phases.mark("scan");
    for reason in &listing.skipped {
        batch.stats.skip(*reason);
    }
    batch.errors.extend(listing.errors);
    let scope = match tree.extent {
        Extent::WholeRoot => Scope::Complete,
        Extent::Part => {
            let scanned: HashSet<String> = listing
                .candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect();
            Scope::partial(scanned, plan.baseline.as_ref().map(|b| &b.baseline), |p| {
                plan.root.join(p).exists()
            })
        }
    };
    let mut outcome = batch.into_outcome(scope);
    outcome.add_cross_file_findings(&plan.rules);
    super::finish(&plan, Mode::Files, outcome, &[])
}

fn run_stdin(options: &plan::Options) -> Result<ExitStatus> {
    let plan = plan::stdin(options)?;
    let candidates = [Candidate::Stdin {
        display: stdin::STDIN_PATH.to_string(),
    }];
    let batch = plan.pipeline().run(&candidates, &|| {});
    plan.phases.mark("scan");
    let scanned = HashSet::from([stdin::STDIN_PATH.to_string()]);
    // Standard input is not a file of the root: every baseline path is untouched.
    let scope = Scope::partial(scanned, plan.baseline.as_ref().map(|b| &b.baseline), |_| {
        true
    });
    let outcome = batch.into_outcome(scope);
    super::finish(&plan, Mode::Files, outcome, &[])
}

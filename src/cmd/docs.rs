//! `sealant completions SHELL` (clap_complete) and `sealant man` (clap_mangen): generated from
//! the same clap definition the parser uses, so they cannot drift from the real options.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::exit::ExitStatus;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

/// Prints the completion script for the shell asked for.
pub(super) fn completions(args: CompletionsArgs) -> Result<ExitStatus> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "sealant", &mut buf);
    write_stdout(&buf)
}

/// Prints sealant(1): the top-level page, with a SUBCOMMANDS section naming every command. With
/// `--dir`, writes that page and one per subcommand (`sealant-baseline-update.1`) into the folder.
pub(super) fn man(args: ManArgs) -> Result<ExitStatus> {
    if let Some(dir) = args.dir {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        clap_mangen::generate_to(Cli::command(), &dir)
            .with_context(|| format!("cannot write man pages to {}", dir.display()))?;
        super::say_fmt!("man pages written to {}", dir.display());
        return Ok(ExitStatus::Clean);
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .context("cannot render the man page")?;
    write_stdout(&buf)
}

fn write_stdout(buf: &[u8]) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    match out.write_all(buf).and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitStatus::Clean),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitStatus::Clean),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}

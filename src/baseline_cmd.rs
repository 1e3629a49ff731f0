//! `sealant baseline ...`: create, update, check, audit, import.

use crate::cli::*;
use crate::exit::ExitStatus;
use anyhow::{bail, Result};

/// Runs a baseline subcommand.
pub fn run(_cmd: BaselineCommand) -> Result<ExitStatus> {
    bail!("not implemented yet")
}

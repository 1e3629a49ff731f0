//! The pre-commit side: `sealant staged` and `sealant install`.

use crate::cli::*;
use crate::exit::ExitStatus;
use anyhow::{bail, Result};

/// `sealant staged`.
pub fn run_staged(_args: GitArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}
/// `sealant install`.
pub fn run_install(_args: InstallArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}

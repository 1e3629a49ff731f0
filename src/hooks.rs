//! Git-facing commands (staged, history, push hooks, install) and the baseline commands.

use crate::cli::*;
use crate::exit::ExitStatus;
use anyhow::{bail, Result};

/// `sealant staged`.
pub fn run_staged(_args: GitArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}
/// `sealant history`.
pub fn run_history(_args: HistoryArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}
/// `sealant pre-push`.
pub fn run_pre_push(_args: PrePushArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}
/// `sealant pre-receive`.
pub fn run_pre_receive(_args: GitArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}
/// `sealant install`.
pub fn run_install(_args: InstallArgs) -> Result<ExitStatus> {
    bail!("not implemented yet")
}
/// `sealant baseline`.
pub fn run_baseline(_cmd: BaselineCommand) -> Result<ExitStatus> {
    bail!("not implemented yet")
}

//! `sealant history`, `sealant pre-push` and `sealant pre-receive`: scan what commits introduced.

use crate::cli::*;
use crate::exit::ExitStatus;
use anyhow::{bail, Result};

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

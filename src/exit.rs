//! Exit statuses. Only `main` turns them into a process exit code.

/// The result of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No new findings and nothing failed.
    Clean,
    /// New findings (even if some files also failed).
    Findings,
    /// Usage, config or I/O error: the scan could not show the content is clean.
    Error,
}

impl ExitStatus {
    /// 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }
}

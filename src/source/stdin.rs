//! Standard input as a single file named `-`. It is read once, as it is scanned (streamed, in
//! bounded memory), by the pipeline's worker for [`super::Candidate::Stdin`].

/// The display path of standard input.
pub const STDIN_PATH: &str = "-";

//! Where content comes from. Each source enumerates [`Candidate`]s cheaply on one thread (paths,
//! index entries, blob ids, a buffer) and loads nothing; the pipeline in `scan` loads, classifies
//! and matches them on worker threads. No source knows rules, baselines or reports.
//!
//! - [`worktree`]: files and folders on disk (the `ignore` crate's parallel walker).
//! - [`stdin`]: standard input.
//! - [`staged`]: the index against `HEAD`, what `git commit` would record (gix).
//! - [`commits`]: which commits a history, pre-push or pre-receive scan covers.
//! - [`history`]: the blobs those commits introduced, each unique blob once, and attribution.
//! - [`blob`]: the one loader of git blobs, shared by the staged and history sources.

pub mod blob;
pub mod commits;
pub mod history;
pub mod staged;
pub mod stdin;
pub mod worktree;

use gix::ObjectId;
use std::path::PathBuf;

/// One thing to scan, with the path findings in it are reported at.
#[derive(Debug, Clone)]
pub enum Candidate {
    /// A regular file on disk.
    File {
        /// Path to open.
        path: PathBuf,
        /// Path for reports, relative to the root.
        display: String,
        /// Size from the walk's metadata (the size limit is judged on it before reading).
        len: u64,
    },
    /// A git blob: a staged index entry, a `HEAD` version, or a unique blob of the history.
    Blob {
        /// Object id.
        id: ObjectId,
        /// Repository-relative path it is scanned as.
        display: String,
    },
    /// Bytes already in memory (a commit message).
    Buffer {
        /// Path for reports.
        display: String,
        /// The content.
        bytes: Vec<u8>,
    },
    /// Standard input, read (once) as it is scanned, in bounded memory.
    Stdin {
        /// Path for reports (`-`).
        display: String,
    },
}

impl Candidate {
    /// The path findings are reported at.
    pub fn display(&self) -> &str {
        match self {
            Candidate::File { display, .. }
            | Candidate::Blob { display, .. }
            | Candidate::Buffer { display, .. }
            | Candidate::Stdin { display } => display,
        }
    }
}

/// A file or blob that could not be read; does not abort the scan, but makes the outcome "not
/// shown clean" (exit 2 unless there are findings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Path (or object id) concerned.
    pub path: String,
    /// One-line message, never containing file content.
    pub message: String,
}

/// Makes `path` a `/`-separated string relative to `base` when it lies under it.
pub fn display_path(path: &std::path::Path, base: &std::path::Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

//! Opening repositories with gix and reading what every git mode needs (commit metadata). No
//! `git` processes: everything goes through gix.

use crate::finding::CommitInfo;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A git problem, with the repository or object it concerns.
#[derive(Debug, Error)]
pub enum GitError {
    /// No repository at or above the folder.
    #[error("{path}: not a git repository (or any parent): {message}")]
    NotARepo {
        /// Where we looked.
        path: PathBuf,
        /// gix's reason.
        message: String,
    },
    /// Anything gix reports while reading (corrupt objects, bad refs, unreadable index).
    #[error("{context}: {message}")]
    Read {
        /// What we were doing.
        context: String,
        /// gix's reason, one line.
        message: String,
    },
}

impl GitError {
    /// Wraps a gix error with what we were doing.
    pub fn read(context: impl Into<String>, err: impl std::fmt::Display) -> Self {
        GitError::Read {
            context: context.into(),
            message: crate::rules::one_line(&err.to_string()),
        }
    }
}

/// Opens the repository containing `dir` (default: the current directory), honouring git's
/// environment (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`, `GIT_OBJECT_DIRECTORY`, ...) the way
/// hooks receive it.
pub fn open(dir: Option<&Path>) -> Result<gix::Repository, GitError> {
    let dir = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let repo = gix::discover_with_environment_overrides(&dir).map_err(|e| GitError::NotARepo {
        path: dir.clone(),
        message: crate::rules::one_line(&e.to_string()),
    })?;
    Ok(repo)
}

/// The folder that repository-relative paths, `.sealant.toml` and the baseline live in: the work
/// tree, or the git dir of a bare repository.
pub fn root(repo: &gix::Repository) -> PathBuf {
    repo.workdir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo.git_dir().to_path_buf())
}

/// Commit metadata for reports.
pub fn commit_info(commit: &gix::Commit<'_>) -> CommitInfo {
    let (author, email, date) = match commit.author() {
        Ok(sig) => {
            let date = sig
                .time()
                .map(|t| t.format_or_unix(gix::date::time::format::ISO8601_STRICT))
                .unwrap_or_default();
            (sig.name.to_string(), sig.email.to_string(), date)
        }
        Err(_) => (String::new(), String::new(), String::new()),
    };
    let summary = commit
        .message()
        .map(|m| m.summary().to_string())
        .unwrap_or_default();
    CommitInfo {
        commit: commit.id.to_string(),
        author,
        email,
        date,
        summary,
    }
}

//! Opening repositories with gix (for hooks, with git's object-directory environment applied)
//! and reading what every git mode needs (commit metadata). No `git` processes: everything goes
//! through gix.

use crate::error::one_line;
use crate::finding::CommitInfo;
use gix::ObjectId;
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
    /// Input that names no valid git object (a revision that is not a commit, a malformed hook
    /// line).
    #[error("{message}")]
    Invalid {
        /// What is wrong, one line.
        message: String,
    },
}

impl GitError {
    /// Wraps a gix error with what we were doing.
    pub fn read(context: impl Into<String>, err: impl std::fmt::Display) -> Self {
        GitError::Read {
            context: context.into(),
            message: one_line(&err.to_string()),
        }
    }

    /// An [`GitError::Invalid`] with this message.
    pub fn invalid(message: impl Into<String>) -> Self {
        GitError::Invalid {
            message: message.into(),
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
        message: one_line(&e.to_string()),
    })?;
    Ok(repo)
}

/// A repository opened for reading history, with git's object-directory environment applied.
pub struct HookRepo {
    /// The repository.
    pub repo: gix::Repository,
    /// Holds the synthetic object directory that chains git's quarantine and alternates.
    _objects: Option<tempfile::TempDir>,
}

/// Like [`open`], then applies `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES`, and
/// sizes the object cache for history walks (tree diffs revisit the same trees commit after
/// commit).
///
/// gix 0.90 ignores both variables, but git's pre-receive hook needs them: pushed objects sit in
/// a quarantine directory named by `GIT_OBJECT_DIRECTORY`, with the repository's own object
/// directory listed in `GIT_ALTERNATE_OBJECT_DIRECTORIES` (git's `tmp-objdir.c`). We open an
/// object store rooted at an empty temporary directory whose `info/alternates` lists them all.
pub fn open_with_object_env(dir: Option<&Path>) -> Result<HookRepo, GitError> {
    const OBJECT_CACHE: usize = 64 * 1024 * 1024;
    let mut repo = open(dir)?;
    repo.object_cache_size_if_unset(OBJECT_CACHE);
    let primary = std::env::var_os("GIT_OBJECT_DIRECTORY").filter(|v| !v.is_empty());
    let alternates = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES").filter(|v| !v.is_empty());
    if primary.is_none() && alternates.is_none() {
        return Ok(HookRepo {
            repo,
            _objects: None,
        });
    }
    let env_error = |e: &dyn std::fmt::Display| {
        GitError::read(
            "cannot open the object directories from git's environment",
            e,
        )
    };
    let cwd = std::env::current_dir().map_err(|e| env_error(&e))?;
    let absolute = |p: PathBuf| if p.is_absolute() { p } else { cwd.join(p) };
    let own = absolute(repo.objects.store_ref().path().to_path_buf());
    let mut dirs = vec![primary.map(PathBuf::from).map(absolute).unwrap_or(own)];
    if let Some(list) = alternates {
        dirs.extend(
            std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .map(absolute),
        );
    }
    let (store, tmp) = chained_store(&repo, &dirs, &cwd).map_err(|e| env_error(&e))?;
    let mut sync = repo.into_sync();
    sync.objects = std::sync::Arc::new(store);
    let mut repo = sync.to_thread_local();
    repo.object_cache_size_if_unset(OBJECT_CACHE);
    Ok(HookRepo {
        repo,
        _objects: Some(tmp),
    })
}

fn chained_store(
    repo: &gix::Repository,
    dirs: &[PathBuf],
    cwd: &Path,
) -> Result<(gix::odb::Store, tempfile::TempDir), Box<dyn std::error::Error>> {
    let tmp = tempfile::Builder::new()
        .prefix("sealant-objects-")
        .tempdir()?;
    std::fs::create_dir(tmp.path().join("info"))?;
    let mut list = String::new();
    for d in dirs {
        let s = d
            .to_str()
            .ok_or_else(|| format!("{}: object directory path is not UTF-8", d.display()))?;
        list.push_str(s);
        list.push('\n');
    }
    std::fs::write(tmp.path().join("info").join("alternates"), list)?;
    let replacements: Vec<(ObjectId, ObjectId)> = repo.objects.store_ref().replacements().collect();
    let store = gix::odb::Store::at_opts(
        tmp.path().to_path_buf(),
        repo.object_hash(),
        &mut replacements.into_iter(),
        gix::odb::store::init::Options {
            current_dir: Some(cwd.to_path_buf()),
            ..Default::default()
        },
    )?;
    Ok((store, tmp))
}

/// The folder that repository-relative paths, `.sealant.toml` and the baseline live in: the work
/// tree, or the git dir of a bare repository.
pub fn root(repo: &gix::Repository) -> PathBuf {
    repo.workdir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo.git_dir().to_path_buf())
}

/// The contents of `names` (files at the top of the tree) in revision `rev`'s tree, `None` for a
/// name the tree does not have. `Err` if `rev` does not resolve to a commit or a blob is
/// unreadable.
pub fn files_at_revision(
    repo: &gix::Repository,
    rev: &str,
    names: &[&str],
) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    let bad = |e: &dyn std::fmt::Display| GitError::read(format!("bad --config-rev `{rev}`"), e);
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| bad(&shallow_hint(repo, &e)))?;
    let tree = id
        .object()
        .and_then(|o| o.peel_to_commit())
        .and_then(|c| c.tree())
        .map_err(|e| bad(&e))?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let entry = tree.find_entry(*name).filter(|e| e.mode().is_blob());
        out.push(match entry {
            Some(e) => Some(
                repo.find_blob(e.object_id())
                    .map_err(|err| bad(&err))?
                    .detach()
                    .data,
            ),
            None => None,
        });
    }
    Ok(out)
}

/// `e`'s message, with a hint when the repository is a shallow clone: the missing revision was
/// most likely never fetched.
pub fn shallow_hint(repo: &gix::Repository, e: &dyn std::fmt::Display) -> String {
    let msg = one_line(&e.to_string());
    if repo.is_shallow().unwrap_or(false) {
        format!("{msg} (this is a shallow clone, so the commit may not have been fetched: run `git fetch --unshallow`, or use `fetch-depth: 0` with actions/checkout)")
    } else {
        msg
    }
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

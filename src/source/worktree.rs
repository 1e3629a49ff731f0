//! Files on disk, walked in parallel with the `ignore` crate: `.gitignore`/`.ignore` respected,
//! hidden files included (secrets live in `.env`, `.npmrc`, `.aws/`), `.git/` skipped, symlinks not
//! followed unless asked (loops are then detected by `ignore`).

use crate::content::SkipReason;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};

/// What the walk yields.
#[derive(Debug)]
pub enum Entry {
    /// A regular file to read.
    File {
        /// Path to open.
        path: PathBuf,
        /// Path for reports.
        display: String,
        /// Size from metadata.
        len: u64,
    },
    /// Not scanned, and why.
    Skipped {
        /// Path for reports.
        display: String,
        /// Why.
        reason: SkipReason,
    },
    /// Could not be visited (permissions, loops, vanished files).
    Error {
        /// Path for reports.
        display: String,
        /// One-line description.
        message: String,
    },
}

/// Whether ignore files apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFiles {
    /// Skip what `.gitignore`/`.ignore` exclude (default; also outside a git repository).
    Respect,
    /// Scan everything (except `.git/`).
    Disregard,
}

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Files or folders to walk.
    pub roots: Vec<PathBuf>,
    /// Paths are reported relative to this folder (the repository or project root).
    pub base: PathBuf,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Respect `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub ignore_files: IgnoreFiles,
    /// Worker threads (0 = all cores).
    pub threads: usize,
}

/// Walks in parallel; `make_visitor` is called once per worker thread and its visitor gets every
/// entry that thread sees.
pub fn walk<F, V>(opts: &WalkOptions, make_visitor: F)
where
    F: Fn() -> V + Sync,
    V: FnMut(Entry) + Send,
{
    let mut roots = opts.roots.iter();
    let Some(first) = roots.next() else { return };
    let mut builder = WalkBuilder::new(first);
    for r in roots {
        builder.add(r);
    }
    let respect = opts.ignore_files == IgnoreFiles::Respect;
    builder
        .hidden(false)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_global(false)
        .git_exclude(respect)
        .require_git(false)
        .follow_links(opts.follow_symlinks)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    let base = opts.base.clone();
    let max = opts.max_file_size;
    builder.build_parallel().run(|| {
        let mut visit = make_visitor();
        let base = base.clone();
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    if let Some(e) = classify(&entry, &base, max) {
                        visit(e);
                    }
                }
                Err(err) => visit(Entry::Error {
                    display: error_path(&err, &base),
                    message: crate::rules::one_line(&strip_path(&err.to_string())),
                }),
            }
            WalkState::Continue
        })
    });
}

fn classify(entry: &ignore::DirEntry, base: &Path, max: u64) -> Option<Entry> {
    let display = super::display_path(entry.path(), base);
    let ft = entry.file_type()?;
    if ft.is_dir() {
        return None;
    }
    if ft.is_symlink() {
        return Some(Entry::Skipped {
            display,
            reason: SkipReason::Symlink,
        });
    }
    if !ft.is_file() {
        return None; // sockets, fifos, devices
    }
    match entry.metadata() {
        Ok(m) if m.len() > max => Some(Entry::Skipped {
            display,
            reason: SkipReason::TooLarge,
        }),
        Ok(m) => Some(Entry::File {
            path: entry.path().to_path_buf(),
            display,
            len: m.len(),
        }),
        Err(e) => Some(Entry::Error {
            display,
            message: strip_path(&e.to_string()),
        }),
    }
}

fn error_path(err: &ignore::Error, base: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => super::display_path(path, base),
        ignore::Error::WithDepth { err, .. } => error_path(err, base),
        ignore::Error::Loop { child, .. } => super::display_path(child, base),
        _ => String::from("?"),
    }
}

/// `ignore` prefixes messages with the path; we print the path ourselves.
fn strip_path(msg: &str) -> String {
    match msg.rsplit_once(": ") {
        Some((_, tail)) if !tail.is_empty() => tail.to_string(),
        _ => msg.to_string(),
    }
}

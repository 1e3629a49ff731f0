//! Files on disk, walked in parallel with the `ignore` crate: `.gitignore`/`.ignore` respected,
//! hidden files included (secrets live in `.env`, `.npmrc`, `.aws/`), `.git/` skipped, symlinks not
//! followed unless asked (loops are then detected by `ignore`). The walk only lists: each thread
//! reads directories and file metadata, and the files become [`Candidate`]s for the pipeline.

use super::{display_path, Candidate, ScanError};
use crate::content::SkipReason;
use crate::error::one_line;
use gix::bstr::ByteSlice;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the walk found: files to scan (sorted by display path), and what it could not or would
/// not hand on.
#[derive(Debug, Default)]
pub struct Listing {
    /// Regular files, as candidates.
    pub candidates: Vec<Candidate>,
    /// Entries not handed on (symbolic links when not followed), by reason.
    pub skipped: Vec<SkipReason>,
    /// Entries that could not be visited (permissions, loops, vanished files).
    pub errors: Vec<ScanError>,
}

impl Listing {
    fn append(&mut self, other: &mut Listing) {
        self.candidates.append(&mut other.candidates);
        self.skipped.append(&mut other.skipped);
        self.errors.append(&mut other.errors);
    }
}

/// Whether ignore files apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFiles {
    /// Skip what `.gitignore`/`.ignore` exclude (default; also outside a git repository).
    Respect,
    /// Scan everything (except `.git/`).
    Disregard,
}

/// Whether symbolic links are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symlinks {
    /// Count them as skipped (default).
    Skip,
    /// Follow them; loops are reported as errors.
    Follow,
}

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Files or folders to walk.
    pub roots: Vec<PathBuf>,
    /// Paths are reported relative to this folder (the repository or project root).
    pub base: PathBuf,
    /// Symbolic links.
    pub symlinks: Symlinks,
    /// Respect `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub ignore_files: IgnoreFiles,
    /// Worker threads (0 = all cores).
    pub threads: usize,
}

/// Walks the roots in parallel and lists what is there. Candidates come out sorted by display
/// path, so the listing does not depend on thread timing.
pub fn walk(opts: &WalkOptions) -> Listing {
    let mut roots = opts.roots.iter();
    let Some(first) = roots.next() else {
        return Listing::default();
    };
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
        .follow_links(opts.symlinks == Symlinks::Follow)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    let shared = Mutex::new(Listing::default());
    builder.build_parallel().run(|| {
        let mut local = ThreadListing {
            listing: Listing::default(),
            shared: &shared,
        };
        let base = opts.base.clone();
        Box::new(move |result| {
            let found = &mut local.listing;
            match result {
                Ok(entry) => classify(&entry, &base, found),
                Err(err) => found.errors.push(ScanError {
                    path: error_path(&err, &base),
                    message: one_line(&strip_path(&err.to_string())),
                }),
            }
            WalkState::Continue
        })
    });
    let mut listing = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    if opts.ignore_files == IgnoreFiles::Respect {
        add_tracked(&mut listing, opts);
    }
    listing
        .candidates
        .sort_by(|a, b| a.display().cmp(b.display()));
    listing.errors.sort_by(|a, b| a.path.cmp(&b.path));
    listing
}

/// Adds the files git tracks under the roots that the walk left out because an ignore file
/// matches them (force-added files, `.git/info/exclude`): in a git work tree, a scan covers every
/// tracked file. Only when the root is a work tree's top folder; an unreadable index is an error.
fn add_tracked(listing: &mut Listing, opts: &WalkOptions) {
    if !opts.base.join(".git").exists() {
        return;
    }
    let Ok(repo) = gix::open(&opts.base) else {
        return; // not a repository after all (a stray `.git` file): nothing is tracked
    };
    let path = repo.index_path();
    let index = match gix::index::File::at_or_default(
        path.clone(),
        repo.object_hash(),
        true,
        Default::default(),
    ) {
        Ok(index) => index,
        Err(e) => {
            listing.errors.push(ScanError {
                path: display_path(&path, &opts.base),
                message: format!(
                    "cannot read the index to find tracked files: {}",
                    one_line(&e.to_string())
                ),
            });
            return;
        }
    };
    let listed: std::collections::HashSet<String> = listing
        .candidates
        .iter()
        .map(|c| c.display().to_string())
        .collect();
    use gix::index::entry::{Mode, Stage};
    for entry in index.entries() {
        if entry.stage() != Stage::Unconflicted
            || !(entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE)
        {
            continue;
        }
        let rel = entry.path(&index);
        let display = rel.to_str_lossy().into_owned();
        if listed.contains(&display) || display.split('/').any(|c| c == ".git") {
            continue;
        }
        let Ok(rel_path) = gix::path::from_bstr(rel) else {
            continue; // not representable as a path here
        };
        let abs = opts.base.join(rel_path);
        if !opts.roots.iter().any(|r| abs.starts_with(r)) {
            continue;
        }
        // Deleted or replaced in the work tree: nothing on disk to read (staged covers the index).
        let Ok(meta) = std::fs::symlink_metadata(&abs) else {
            continue;
        };
        if meta.is_file() {
            listing.candidates.push(Candidate::File {
                path: abs,
                display,
                len: meta.len(),
            });
        }
    }
}

/// One walker thread's findings, merged into the shared listing when the thread is done.
struct ThreadListing<'a> {
    listing: Listing,
    shared: &'a Mutex<Listing>,
}

impl Drop for ThreadListing<'_> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        shared.append(&mut self.listing);
    }
}

fn classify(entry: &ignore::DirEntry, base: &Path, out: &mut Listing) {
    let display = super::display_path(entry.path(), base);
    let Some(ft) = entry.file_type() else { return };
    if ft.is_dir() {
        return;
    }
    if ft.is_symlink() {
        out.skipped.push(SkipReason::Symlink);
        return;
    }
    if !ft.is_file() {
        out.skipped.push(SkipReason::Special);
        return;
    }
    match entry.metadata() {
        Ok(m) => out.candidates.push(Candidate::File {
            path: entry.path().to_path_buf(),
            display,
            len: m.len(),
        }),
        Err(e) => out.errors.push(ScanError {
            path: display,
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

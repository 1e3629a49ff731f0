//! Where content comes from. Each source knows how to enumerate candidates cheaply and hand their
//! bytes to a scanning closure; none knows about rules, baselines or reports.
//!
//! - [`worktree`]: files and folders on disk (the `ignore` crate's parallel walker).
//! - [`stdin`]: standard input.
//! - [`staged`]: the index against `HEAD`, what `git commit` would record (gix).
//! - [`history`]: blobs introduced by a set of commits, each unique blob once (gix).

pub mod history;
pub mod staged;
pub mod stdin;
pub mod worktree;

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

//! What `git commit` would record: the index (honouring `GIT_INDEX_FILE`, which git sets for
//! `commit -a` and `commit <paths>`) compared with `HEAD`'s tree, or with the empty tree before
//! the first commit.
//!
//! The comparison walks the index and `HEAD`'s tree together and skips every directory whose
//! cache-tree entry (the index's `TREE` extension, see gitformat-index(5)) is valid and names the
//! same tree as `HEAD`: git keeps those entries valid for untouched directories, so a 5-file
//! change in a 100k-file repository reads only the few trees on the changed paths.

use crate::content::SkipReason;
use crate::git::GitError;
use gix::bstr::ByteSlice;
use gix::ObjectId;
use gix_index_ext::{Entry as IndexEntry, Mode, Stage, Tree as CacheTree};

mod gix_index_ext {
    pub use gix::index::entry::{Mode, Stage};
    pub use gix::index::extension::Tree;
    pub use gix::index::Entry;
}

/// A staged file whose content differs from `HEAD` (or is new).
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// Repository-relative path.
    pub path: String,
    /// The staged blob.
    pub blob: ObjectId,
    /// The blob at the same path in `HEAD`, if any.
    pub head_blob: Option<ObjectId>,
}

/// The staged change set.
#[derive(Debug, Default)]
pub struct StagedChanges {
    /// Added or modified files.
    pub files: Vec<StagedFile>,
    /// Blobs in `HEAD` whose path is gone from the index: rename sources.
    pub deleted: Vec<(String, ObjectId)>,
    /// Entries not scanned, by reason.
    pub skipped: Vec<SkipReason>,
}

/// Computes the staged change set.
pub fn changes(repo: &gix::Repository) -> Result<(StagedChanges, gix::index::File), GitError> {
    let path = repo.index_path();
    // Like git outside `fsck`, the trailing checksum is not verified: hashing a 9 MB index of
    // 100k entries would double the hook's latency. Entries are still fully decoded and checked.
    let index =
        gix::index::File::at_or_default(path.clone(), repo.object_hash(), true, Default::default())
            .map_err(|e| GitError::read(format!("cannot read the index {}", path.display()), e))?;
    let head_tree = match repo.head() {
        Ok(head) if head.is_unborn() => None,
        Ok(mut head) => Some(
            head.peel_to_commit()
                .and_then(|c| c.tree_id().map(|id| id.detach()))
                .map_err(|e| GitError::read("cannot resolve HEAD's tree", e))?,
        ),
        Err(e) => return Err(GitError::read("cannot read HEAD", e)),
    };
    let mut out = StagedChanges::default();
    let entries: Vec<&IndexEntry> = index
        .entries()
        .iter()
        .filter(|e| e.stage() == Stage::Unconflicted)
        .collect();
    let mut walker = Walker {
        repo,
        index: &index,
        out: &mut out,
    };
    walker.dir(head_tree, index.tree(), b"", &entries, 0)?;
    Ok((out, index))
}

/// How deep the index and `HEAD` are walked, in directories. Git's own `core.maxTreeDepth`
/// defaults to 4096; a path that can be checked out (`PATH_MAX` 4096 bytes) has at most 2048
/// levels. A deeper (hostile or corrupt) index is an error, not a stack overflow.
pub const MAX_TREE_DEPTH: usize = 2048;

struct Walker<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::File,
    out: &'a mut StagedChanges,
}

struct HeadEntry {
    name: Vec<u8>,
    mode: gix::object::tree::EntryMode,
    id: ObjectId,
    seen: bool,
}

impl Walker<'_> {
    fn read_tree(&self, id: ObjectId) -> Result<Vec<HeadEntry>, GitError> {
        let tree = self
            .repo
            .find_tree(id)
            .map_err(|e| GitError::read(format!("cannot read tree {id}"), e))?;
        let decoded = tree
            .decode()
            .map_err(|e| GitError::read(format!("corrupt tree {id}"), e))?;
        Ok(decoded
            .entries
            .iter()
            .map(|e| HeadEntry {
                name: e.filename.to_vec(),
                mode: e.mode,
                id: e.oid.to_owned(),
                seen: false,
            })
            .collect())
    }

    /// Compares the index entries under `prefix` with `HEAD`'s tree at that level.
    fn dir(
        &mut self,
        head: Option<ObjectId>,
        cache: Option<&CacheTree>,
        prefix: &[u8],
        entries: &[&IndexEntry],
        depth: usize,
    ) -> Result<(), GitError> {
        if depth > MAX_TREE_DEPTH {
            return Err(too_deep(prefix));
        }
        if let (Some(c), Some(h)) = (cache, head) {
            if c.num_entries.is_some() && c.id == h {
                return Ok(());
            }
        }
        let mut head_entries = match head {
            Some(id) => self.read_tree(id)?,
            None => Vec::new(),
        };
        let mut i = 0;
        while i < entries.len() {
            let path = entries[i].path(self.index);
            let rel = &path[prefix.len()..];
            if let Some(slash) = rel.find_byte(b'/') {
                let name = &rel[..slash];
                let mut j = i + 1;
                while j < entries.len() {
                    let p = entries[j].path(self.index);
                    let r = &p[prefix.len()..];
                    if r.len() > slash && &r[..slash] == name && r[slash] == b'/' {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let sub_head = head_entries
                    .iter_mut()
                    .find(|h| h.name == name)
                    .and_then(|h| {
                        h.seen = true;
                        h.mode.is_tree().then_some(h.id)
                    });
                let sub_cache =
                    cache.and_then(|c| c.children.iter().find(|t| t.name.as_slice() == name));
                let mut sub_prefix = prefix.to_vec();
                sub_prefix.extend_from_slice(name);
                sub_prefix.push(b'/');
                self.dir(sub_head, sub_cache, &sub_prefix, &entries[i..j], depth + 1)?;
                i = j;
                continue;
            }
            let entry = entries[i];
            let head_blob = head_entries
                .iter_mut()
                .find(|h| h.name == rel)
                .and_then(|h| {
                    h.seen = true;
                    h.mode.is_blob().then_some(h.id)
                });
            i += 1;
            if entry
                .flags
                .contains(gix::index::entry::Flags::INTENT_TO_ADD)
            {
                continue;
            }
            if entry.mode == Mode::COMMIT {
                if head_blob.is_none() {
                    self.out.skipped.push(SkipReason::Submodule);
                }
                continue;
            }
            if entry.mode == Mode::SYMLINK {
                continue;
            }
            if entry.mode != Mode::FILE && entry.mode != Mode::FILE_EXECUTABLE {
                continue; // sparse directory entries
            }
            if head_blob == Some(entry.id) {
                continue;
            }
            self.out.files.push(StagedFile {
                path: path.to_str_lossy().into_owned(),
                blob: entry.id,
                head_blob,
            });
        }
        for h in head_entries.into_iter().filter(|h| !h.seen) {
            self.deleted(prefix, h, depth)?;
        }
        Ok(())
    }

    /// Records a `HEAD` entry the index no longer has (a whole subtree for a directory).
    fn deleted(&mut self, prefix: &[u8], h: HeadEntry, depth: usize) -> Result<(), GitError> {
        if depth > MAX_TREE_DEPTH {
            return Err(too_deep(prefix));
        }
        let mut path = prefix.to_vec();
        path.extend_from_slice(&h.name);
        if h.mode.is_blob() {
            self.out
                .deleted
                .push((path.to_str_lossy().into_owned(), h.id));
        } else if h.mode.is_tree() {
            path.push(b'/');
            for child in self.read_tree(h.id)? {
                self.deleted(&path, child, depth + 1)?;
            }
        }
        Ok(())
    }
}

fn too_deep(prefix: &[u8]) -> GitError {
    let shown: Vec<u8> = prefix.iter().copied().take(60).collect();
    GitError::invalid(format!(
        "the index or HEAD nests directories deeper than {MAX_TREE_DEPTH} levels (at {}...): refusing to walk it",
        crate::terminal::printable(&shown.to_str_lossy())
    ))
}

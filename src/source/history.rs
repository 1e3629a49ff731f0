//! The history source: the blobs a set of commits introduced, each unique blob once (gix).
//!
//! Three steps, each with its own contract:
//!
//! 1. [`plan`] walks the selected commits on one thread, diffs each commit's tree against its
//!    parents' trees in parallel (root commits and shallow boundaries against the empty tree) and
//!    folds the diffs in walk order. It keeps ids and paths only, never contents: for each unique blob, every [`Introduction`] (commit, path).
//! 2. [`History::candidates`] hands each unique blob once to the scan pipeline (`scan`), which
//!    loads and matches them in parallel.
//! 3. [`History::attribute`] folds per-blob findings into one finding per (rule, secret), attributed
//!    to the oldest introducing commit, with every other place as an occurrence and, optionally,
//!    whether the secret is still in `HEAD`'s tree and, if not, the commit that removed it.
//!
//! Neighbours: [`super::commits`] picks the commits ([`Selection`]); nothing here knows rules,
//! baselines or reports.

use super::commits::Selection;
use super::Candidate;
use crate::content::SkipReason;
use crate::finding::{Finding, Occurrence, Presence};
use crate::git::{commit_info, GitError};
use gix::bstr::ByteSlice;
use gix::diff::tree::recorder::Change;
use gix::hash::ObjectId;
use gix::objs::tree::EntryMode;
use gix::objs::TreeRefIter;
use gix::revision::walk::Sorting;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A commit of the walk. Its index in [`History::commits`] is its walk position (newest first).
#[derive(Debug, Clone)]
pub struct WalkedCommit {
    /// Commit id.
    pub id: ObjectId,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Position in topological order, ancestors first (see [`topological_ranks`]): what "the
    /// oldest introduction" means.
    pub rank: usize,
}

/// One place a blob entered the history: `commit` (index into [`History::commits`]) recorded it
/// at `path`.
#[derive(Debug, Clone)]
pub struct Introduction {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// Repository-relative, `/`-separated path.
    pub path: String,
    /// The same commit deleted this blob at another path: a pure move, not new content.
    pub moved: bool,
}

/// A unique blob and every place it was introduced, oldest first.
#[derive(Debug, Clone)]
pub struct BlobCandidate {
    /// Blob id.
    pub id: ObjectId,
    /// Introductions, oldest first: in topological order (an ancestor before its descendants,
    /// whatever the timestamps say), ties between unrelated commits broken by committer time,
    /// then commit id.
    pub introductions: Vec<Introduction>,
}

impl BlobCandidate {
    /// The oldest introduction that is new content (not a move): the path the blob is scanned
    /// with and the commit its findings are attributed to. `None`: only moved here, not scanned.
    pub fn first_new(&self) -> Option<&Introduction> {
        self.introductions.iter().find(|i| !i.moved)
    }
}

/// One place a blob left the history: `commit` (index into [`History::commits`]) deleted it at
/// `path`, or replaced it there with another blob.
#[derive(Debug, Clone)]
pub struct Removal {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// Repository-relative, `/`-separated path.
    pub path: String,
}

/// What the planning pass found.
#[derive(Debug, Default)]
pub struct History {
    /// Walked commits, in walk order (newest first).
    pub commits: Vec<WalkedCommit>,
    /// Unique blobs to scan: those with at least one new-content introduction (a blob only moved
    /// by the walked commits is not new content and is dropped).
    pub blobs: Vec<BlobCandidate>,
    /// Entries not scanned, by reason: gitlinks (submodules) and symbolic links, each unique
    /// object counted once.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Walked commits at a shallow-clone boundary: their parents are missing, so they were
    /// diffed against the empty tree and the walk stopped there.
    pub shallow_boundaries: u64,
    /// Where blobs left, by blob id, in walk order: each commit's deletions and replacements
    /// relative to its first parent (allowlisted paths dropped). A side table: attribution looks
    /// up only the blobs that have findings, for [`Finding::removed`].
    pub removals: HashMap<ObjectId, Vec<Removal>>,
}

/// When the walk fails on a commit it could not read, that commit is a parent of one already
/// walked: ` at commit X` when one such parent is left, ` at one of commits X, Y` for a few.
fn unreadable_hint(walked: &[WalkedCommit], parents_of: &[Vec<ObjectId>]) -> String {
    let seen: HashSet<ObjectId> = walked.iter().map(|c| c.id).collect();
    let mut pending: Vec<ObjectId> = parents_of
        .iter()
        .flatten()
        .filter(|p| !seen.contains(*p))
        .copied()
        .collect();
    pending.sort();
    pending.dedup();
    match pending.as_slice() {
        [one] => format!(" at commit {one}"),
        few if !few.is_empty() && few.len() <= 4 => {
            let ids: Vec<String> = few.iter().map(|id| id.to_string()).collect();
            format!(" at one of commits {}", ids.join(", "))
        }
        _ => String::new(),
    }
}

/// Commits per tree-diff task of [`plan`].
const DIFF_CHUNK: usize = 64;
/// Object cache per tree-diff thread: the trees of a run of commits.
const DIFF_OBJECT_CACHE: usize = 16 * 1024 * 1024;

/// Walks `selection` and records, for every unique blob, where it was introduced.
///
/// A commit introduces the blobs its tree adds or modifies relative to its parent (deletions
/// introduce nothing; a mode-only change neither). A merge introduces a path only if the blob
/// there differs from the blob at that path in *every* parent, so ordinary merges add nothing and
/// evil merges or conflict resolutions do. Root commits and shallow boundary commits are diffed
/// against the empty tree. Gitlinks and symlinks are counted in [`History::skipped`], not
/// recorded. Paths for which `skip_path` returns true are dropped (the global allowlist).
///
/// `on_commit` is called once per walked commit (progress). The walk is one thread; the tree
/// diffs run on `pool`, and their results are folded in walk order, so the plan does not depend
/// on the number of threads. `Err` means the walk or a diff could
/// not read an object (corruption, missing objects outside a shallow boundary).
pub fn plan(
    repo: &gix::Repository,
    selection: &Selection,
    skip_path: &dyn Fn(&str) -> bool,
    on_commit: &mut dyn FnMut(),
    pool: &rayon::ThreadPool,
) -> Result<History, GitError> {
    let mut out = History::default();
    if selection.tips.is_empty() {
        return Ok(out);
    }
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .map_err(|e| GitError::read("cannot read the shallow file", e))?
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let walk = repo
        .rev_walk(selection.tips.iter().copied())
        .with_hidden(selection.hidden.iter().copied())
        .sorting(Sorting::ByCommitTime(Default::default()))
        .all()
        .map_err(|e| GitError::read("cannot walk the history", e))?;

    // 1. The walk (one thread): commits, their trees and parents, in walk order.
    let mut parents_of: Vec<Vec<ObjectId>> = Vec::new();
    let mut trees: Vec<ObjectId> = Vec::new();
    for info in walk {
        let info = info.map_err(|e| {
            GitError::read(
                format!(
                    "cannot walk the history{}",
                    unreadable_hint(&out.commits, &parents_of)
                ),
                e,
            )
        })?;
        on_commit();
        let id = info.id;
        let commit = repo
            .find_commit(id)
            .map_err(|e| GitError::read(format!("cannot read commit {id}"), e))?;
        let time = match info.commit_time {
            Some(t) => t,
            None => commit.time().map(|t| t.seconds).unwrap_or_default(),
        };
        let tree = commit
            .tree_id()
            .map_err(|e| GitError::read(format!("cannot read commit {id}"), e))?
            .detach();
        out.commits.push(WalkedCommit { id, time, rank: 0 });
        trees.push(tree);
        let parents: Vec<ObjectId> = if shallow.contains(&id) {
            // Grafted at the clone boundary: its parents are not in the repository.
            if !info.parent_ids.is_empty() {
                out.shallow_boundaries += 1;
            }
            Vec::new()
        } else {
            info.parent_ids.iter().copied().collect()
        };
        parents_of.push(parents);
    }

    // 2. The tree diffs, in parallel: runs of consecutive commits per task, so that a parent's
    //    tree read for one diff is still in that thread's object cache for the next.
    let sync = repo.clone().into_sync();
    let indices: Vec<usize> = (0..out.commits.len()).collect();
    let diffs: Vec<Result<Changes, GitError>> = pool.install(|| {
        indices
            .par_chunks(DIFF_CHUNK)
            .flat_map_iter(|chunk| {
                let mut local = sync.to_thread_local();
                local.object_cache_size_if_unset(DIFF_OBJECT_CACHE);
                let mut differ = TreeDiffer::new(&local);
                chunk
                    .iter()
                    .map(|&i| differ.introduced(out.commits[i].id, trees[i], &parents_of[i]))
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    drop(trees);

    // 3. The fold (one thread, walk order): unique blobs and their introductions.
    let mut blob_index: HashMap<ObjectId, usize> = HashMap::new();
    let mut skipped_seen: HashSet<ObjectId> = HashSet::new();
    for (walk_index, changes) in diffs.into_iter().enumerate() {
        let changes = changes?;
        for (oid, path) in changes.deleted.iter().chain(&changes.replaced) {
            if !skip_path(path) {
                out.removals.entry(*oid).or_default().push(Removal {
                    commit: walk_index,
                    path: path.clone(),
                });
            }
        }
        // A blob this commit deleted elsewhere is moved, not new, unless it was deleted from an
        // allowlisted path: a rename out of `fixtures/` is new content at its new path.
        let moved_from: HashSet<ObjectId> = changes
            .deleted
            .iter()
            .filter(|(_, path)| !skip_path(path))
            .map(|(oid, _)| *oid)
            .collect();
        for (path, (oid, mode)) in changes.changed {
            if mode.is_commit() || mode.is_link() {
                let reason = if mode.is_commit() {
                    SkipReason::Submodule
                } else {
                    SkipReason::Symlink
                };
                if skipped_seen.insert(oid) {
                    *out.skipped.entry(reason).or_default() += 1;
                }
                continue;
            }
            if !mode.is_blob() || skip_path(&path) {
                continue;
            }
            let moved = moved_from.contains(&oid);
            let idx = *blob_index.entry(oid).or_insert_with(|| {
                out.blobs.push(BlobCandidate {
                    id: oid,
                    introductions: Vec::new(),
                });
                out.blobs.len() - 1
            });
            out.blobs[idx].introductions.push(Introduction {
                commit: walk_index,
                path,
                moved,
            });
        }
    }
    let ranks = topological_ranks(&out.commits, &parents_of);
    for (commit, rank) in out.commits.iter_mut().zip(ranks) {
        commit.rank = rank;
    }
    let commits = &out.commits;
    for blob in &mut out.blobs {
        blob.introductions.sort_by(|a, b| {
            (commits[a.commit].rank, &a.path).cmp(&(commits[b.commit].rank, &b.path))
        });
    }
    out.blobs.retain(|b| b.first_new().is_some());
    Ok(out)
}

/// Each walked commit's position in a topological order of the walked commits: every commit
/// after all of its (walked) parents; among commits whose parents are all placed, the oldest
/// committer time first, then the smallest id. Depends only on the graph, the times and the ids,
/// never on the walk's order, so attribution is deterministic even when timestamps tie or lie
/// (rebases, clock skew).
pub fn topological_ranks(commits: &[WalkedCommit], parents: &[Vec<ObjectId>]) -> Vec<usize> {
    use std::collections::BinaryHeap;
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); commits.len()];
    let mut waiting: Vec<usize> = vec![0; commits.len()];
    for (child, ps) in parents.iter().enumerate() {
        let mut seen = HashSet::new();
        for p in ps {
            if let Some(&pi) = index.get(p) {
                if seen.insert(pi) {
                    children[pi].push(child);
                    waiting[child] += 1;
                }
            }
        }
    }
    let key = |i: usize| Reverse((commits[i].time, commits[i].id, i));
    let mut ready: BinaryHeap<Reverse<(i64, ObjectId, usize)>> = (0..commits.len())
        .filter(|&i| waiting[i] == 0)
        .map(key)
        .collect();
    let mut rank = vec![usize::MAX; commits.len()];
    let mut next = 0;
    while let Some(Reverse((_, _, i))) = ready.pop() {
        rank[i] = next;
        next += 1;
        for &c in &children[i] {
            waiting[c] -= 1;
            if waiting[c] == 0 {
                ready.push(key(c));
            }
        }
    }
    // A cycle cannot occur in git; if the graph were corrupt, rank what is left by walk order.
    for r in rank.iter_mut().filter(|r| **r == usize::MAX) {
        *r = next;
        next += 1;
    }
    rank
}

/// Entries a commit changed relative to its parent(s).
#[derive(Default)]
struct Changes {
    /// Non-tree entries (any mode) the commit added or whose blob it changed, by path, sorted.
    changed: BTreeMap<String, (ObjectId, EntryMode)>,
    /// Blobs (id, path) deleted relative to the first parent (to recognise moves).
    deleted: Vec<(ObjectId, String)>,
    /// Blobs (previous id, path) replaced by other content relative to the first parent.
    replaced: Vec<(ObjectId, String)>,
}

/// Tree-to-tree diffs with reused buffers.
struct TreeDiffer<'r> {
    repo: &'r gix::Repository,
    state: gix::diff::tree::State,
}

impl<'r> TreeDiffer<'r> {
    fn new(repo: &'r gix::Repository) -> Self {
        TreeDiffer {
            repo,
            state: Default::default(),
        }
    }

    /// What `commit` introduced: its changes against its first parent (against the empty tree
    /// without `parents`), restricted for merges to paths that differ from every parent.
    fn introduced(
        &mut self,
        id: ObjectId,
        tree_id: ObjectId,
        parents: &[ObjectId],
    ) -> Result<Changes, GitError> {
        let tree = read_tree(self.repo, tree_id, id)?;
        let Some((first, others)) = parents.split_first() else {
            return self.diff(None, &tree, id);
        };
        let mut changes = self.diff(Some(self.tree_of(*first)?), &tree, id)?;
        for parent in others {
            if changes.changed.is_empty() {
                break;
            }
            let other = self.diff(Some(self.tree_of(*parent)?), &tree, id)?;
            changes
                .changed
                .retain(|path, _| other.changed.contains_key(path));
        }
        Ok(changes)
    }

    fn tree_of(&self, commit: ObjectId) -> Result<ObjectId, GitError> {
        let read = |e: gix::Error| GitError::read(format!("cannot read commit {commit}"), e);
        Ok(self
            .repo
            .find_commit(commit)
            .map_err(read)?
            .tree_id()
            .map_err(read)?
            .detach())
    }

    /// Changes from tree `lhs` (`None`: the empty tree) to the tree data `rhs` of `commit`.
    fn diff(
        &mut self,
        lhs: Option<ObjectId>,
        rhs: &[u8],
        commit: ObjectId,
    ) -> Result<Changes, GitError> {
        let lhs = match lhs {
            Some(id) => read_tree(self.repo, id, commit)?,
            None => Vec::new(),
        };
        if lhs == rhs {
            return Ok(Changes::default());
        }
        let kind = self.repo.object_hash();
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(
            TreeRefIter::from_bytes(&lhs, kind),
            TreeRefIter::from_bytes(rhs, kind),
            &mut self.state,
            &self.repo.objects,
            &mut recorder,
        )
        .map_err(|e| GitError::read(format!("cannot diff the tree of commit {commit}"), e))?;
        let mut out = Changes::default();
        for change in recorder.records {
            match change {
                Change::Addition {
                    entry_mode,
                    oid,
                    path,
                    ..
                } if !entry_mode.is_tree() => {
                    out.changed
                        .insert(path.to_str_lossy().into_owned(), (oid, entry_mode));
                }
                Change::Modification {
                    previous_entry_mode,
                    previous_oid,
                    entry_mode,
                    oid,
                    path,
                } if previous_oid != oid && !entry_mode.is_tree() => {
                    let path = path.to_str_lossy().into_owned();
                    if previous_entry_mode.is_blob() {
                        out.replaced.push((previous_oid, path.clone()));
                    }
                    out.changed.insert(path, (oid, entry_mode));
                }
                Change::Deletion {
                    entry_mode,
                    oid,
                    path,
                    ..
                } if entry_mode.is_blob() => {
                    out.deleted.push((oid, path.to_str_lossy().into_owned()));
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

fn read_tree(repo: &gix::Repository, id: ObjectId, commit: ObjectId) -> Result<Vec<u8>, GitError> {
    let mut tree = repo.find_tree(id).map_err(|e| {
        GitError::read(
            format!("cannot read tree {id} (diffing commit {commit})"),
            e,
        )
    })?;
    Ok(std::mem::take(&mut tree.data))
}

impl History {
    /// Each unique blob once, as a pipeline candidate scanned under the path of its oldest
    /// new-content introduction; candidate `i` is `self.blobs[i]`.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.blobs
            .iter()
            .map(|b| Candidate::Blob {
                id: b.id,
                display: b.first_new().map(|i| i.path.clone()).unwrap_or_default(),
            })
            .collect()
    }

    /// Folds per-blob findings (`(index into self.blobs, findings of that blob)`) into one finding
    /// per (rule, secret): attributed to the oldest new-content introduction of any blob holding
    /// it (path, line and commit from there), with every other (commit, path) as an occurrence,
    /// oldest first. With `head_blobs`, `presence` says whether any blob holding the secret is in
    /// `HEAD`'s tree, and for a secret only in history, `removed` names the commit that removed it
    /// (see [`History::removal`]). `Err` if a commit's metadata cannot be read.
    pub fn attribute(
        &self,
        repo: &gix::Repository,
        per_blob: Vec<(usize, Vec<Finding>)>,
        head_blobs: Option<&HashSet<ObjectId>>,
    ) -> Result<Vec<Finding>, GitError> {
        type Rank = (usize, String, usize);
        struct Group {
            rank: Rank,
            intro: (usize, usize),
            finding: Finding,
            blobs: Vec<usize>,
            /// A file rule's finding: about one path, so only that path's introductions count.
            path_bound: bool,
        }
        let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
        for (bi, findings) in per_blob {
            let blob = &self.blobs[bi];
            let first_new = blob.introductions.iter().position(|i| !i.moved);
            for f in findings {
                // A file finding (no secret) is about its path: attributed to where that path
                // got this blob, and grouped per path.
                let path_bound = f.is_file_finding();
                let ii = if path_bound {
                    blob.introductions.iter().position(|i| i.path == f.path)
                } else {
                    first_new
                };
                let Some(ii) = ii else {
                    continue;
                };
                let first = &blob.introductions[ii];
                let rank: Rank = (
                    self.commits[first.commit].rank,
                    first.path.clone(),
                    f.location.offset,
                );
                let gk = if path_bound {
                    (f.rule.clone(), format!("\0{}", f.path))
                } else {
                    (f.rule.clone(), f.secret.expose().to_string())
                };
                match groups.get_mut(&gk) {
                    None => {
                        groups.insert(
                            gk,
                            Group {
                                rank,
                                intro: (bi, ii),
                                finding: f,
                                blobs: vec![bi],
                                path_bound,
                            },
                        );
                    }
                    Some(g) => {
                        // A blob's findings arrive together.
                        if g.blobs.last() != Some(&bi) {
                            g.blobs.push(bi);
                        }
                        if rank < g.rank {
                            g.rank = rank;
                            g.intro = (bi, ii);
                            g.finding = f;
                        }
                    }
                }
            }
        }
        let mut infos: HashMap<usize, crate::finding::CommitInfo> = HashMap::new();
        let mut out = Vec::with_capacity(groups.len());
        for (_, g) in groups {
            let (bi, ii) = g.intro;
            let chosen = &self.blobs[bi].introductions[ii];
            let mut places: Vec<(usize, usize, String)> = Vec::new();
            for &b in &g.blobs {
                for i in &self.blobs[b].introductions {
                    if i.commit == chosen.commit && i.path == chosen.path
                        || g.path_bound && i.path != chosen.path
                    {
                        continue;
                    }
                    places.push((self.commits[i.commit].rank, i.commit, i.path.clone()));
                }
            }
            places.sort();
            places.dedup();
            let mut f = g.finding;
            f.path.clone_from(&chosen.path);
            f.occurrences = places
                .into_iter()
                .map(|(_, c, path)| Occurrence {
                    commit: self.commits[c].id.to_string(),
                    path,
                })
                .collect();
            f.commit = Some(self.info(repo, &mut infos, chosen.commit)?);
            f.presence = head_blobs.map(|head| {
                if g.blobs.iter().any(|&b| head.contains(&self.blobs[b].id)) {
                    Presence::AtHead
                } else {
                    Presence::HistoryOnly
                }
            });
            if f.presence == Some(Presence::HistoryOnly) {
                if let Some(c) = self.removal(&g.blobs, chosen, g.path_bound) {
                    f.removed = Some(self.info(repo, &mut infos, c)?);
                }
            }
            out.push(f);
        }
        Ok(out)
    }
}

impl History {
    /// Commit `c`'s metadata, read once per commit.
    fn info(
        &self,
        repo: &gix::Repository,
        cache: &mut HashMap<usize, crate::finding::CommitInfo>,
        c: usize,
    ) -> Result<crate::finding::CommitInfo, GitError> {
        if let Some(info) = cache.get(&c) {
            return Ok(info.clone());
        }
        let id = self.commits[c].id;
        let commit = repo
            .find_commit(id)
            .map_err(|e| GitError::read(format!("cannot read commit {id}"), e))?;
        let info = commit_info(&commit);
        cache.insert(c, info.clone());
        Ok(info)
    }

    /// The commit (index into [`History::commits`]) that removed a secret held by `blobs` and
    /// first introduced at `intro`: the oldest in topological order, after the introduction, that
    /// deleted or replaced one of those blobs and added none of them (an edit or a move that keeps
    /// the secret is not a removal). A removal at the introducing path wins; only without one (the
    /// file was moved, then deleted) does one at another path count, and never for a file rule's
    /// finding (`path_bound`). `None` when the walk saw no such commit.
    pub fn removal(
        &self,
        blobs: &[usize],
        intro: &Introduction,
        path_bound: bool,
    ) -> Option<usize> {
        let after = self.commits[intro.commit].rank;
        let adds: HashSet<usize> = blobs
            .iter()
            .flat_map(|&b| self.blobs[b].introductions.iter().map(|i| i.commit))
            .collect();
        let mut candidates: Vec<(bool, usize, usize)> = blobs
            .iter()
            .filter_map(|&b| self.removals.get(&self.blobs[b].id))
            .flatten()
            .filter(|r| self.commits[r.commit].rank > after && !adds.contains(&r.commit))
            .map(|r| (r.path != intro.path, self.commits[r.commit].rank, r.commit))
            .filter(|(elsewhere, _, _)| !(path_bound && *elsewhere))
            .collect();
        candidates.sort_unstable();
        candidates.first().map(|&(_, _, c)| c)
    }
}

/// The path findings in commit messages are reported at.
pub const MESSAGE_PATH: &str = "<commit message>";

impl History {
    /// Every walked commit's message, as a pipeline candidate at [`MESSAGE_PATH`]; candidate `i`
    /// is `self.commits[i]`. `Err` names a commit that cannot be read.
    pub fn message_candidates(&self, repo: &gix::Repository) -> Result<Vec<Candidate>, GitError> {
        self.commits
            .iter()
            .map(|c| {
                let commit = repo
                    .find_commit(c.id)
                    .map_err(|e| GitError::read(format!("cannot read commit {}", c.id), e))?;
                Ok(Candidate::Buffer {
                    display: MESSAGE_PATH.to_string(),
                    bytes: commit.message_raw_sloppy().to_vec(),
                })
            })
            .collect()
    }

    /// Folds findings in commit messages (`(index into self.commits, findings)`) into one per
    /// (rule, secret), attributed to the first commit in topological order whose message holds
    /// it, the others listed as occurrences. `Err` if a commit's metadata cannot be read.
    pub fn attribute_messages(
        &self,
        repo: &gix::Repository,
        per_commit: Vec<(usize, Vec<Finding>)>,
    ) -> Result<Vec<Finding>, GitError> {
        let mut groups: BTreeMap<(String, String), Vec<(usize, Finding)>> = BTreeMap::new();
        for (ci, findings) in per_commit {
            for f in findings {
                let key = (f.rule.clone(), f.secret.expose().to_string());
                groups.entry(key).or_default().push((ci, f));
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        for (_, mut places) in groups {
            places.sort_by_key(|(ci, f)| (self.commits[*ci].rank, f.location.offset));
            places.dedup_by_key(|(ci, _)| *ci);
            let mut rest = places.into_iter();
            let Some((ci, mut f)) = rest.next() else {
                continue;
            };
            let id = self.commits[ci].id;
            let commit = repo
                .find_commit(id)
                .map_err(|e| GitError::read(format!("cannot read commit {id}"), e))?;
            f.commit = Some(commit_info(&commit));
            f.occurrences = rest
                .map(|(c, _)| Occurrence {
                    commit: self.commits[c].id.to_string(),
                    path: MESSAGE_PATH.to_string(),
                })
                .collect();
            out.push(f);
        }
        Ok(out)
    }
}

/// The ids of every blob in `HEAD`'s tree (one traversal, each subtree once): empty when `HEAD`
/// is unborn (nothing is present), `None` when `HEAD` does not resolve to a commit.
pub fn head_blobs(repo: &gix::Repository) -> Result<Option<HashSet<ObjectId>>, GitError> {
    let head = repo
        .head()
        .map_err(|e| GitError::read("cannot read HEAD", e))?;
    if head.is_unborn() {
        return Ok(Some(HashSet::new()));
    }
    let Ok(commit) = repo.head_commit() else {
        return Ok(None);
    };
    let root = commit
        .tree_id()
        .map_err(|e| GitError::read(format!("cannot read commit {}", commit.id), e))?
        .detach();
    let mut blobs = HashSet::new();
    let mut seen = HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        let tree = repo
            .find_tree(id)
            .map_err(|e| GitError::read(format!("cannot read tree {id}"), e))?;
        for entry in tree.iter() {
            let entry = entry.map_err(|e| GitError::read(format!("cannot read tree {id}"), e))?;
            let mode = entry.mode();
            let oid = entry.object_id();
            if mode.is_tree() {
                if seen.insert(oid) {
                    stack.push(oid);
                }
            } else if mode.is_blob() {
                blobs.insert(oid);
            }
        }
    }
    Ok(Some(blobs))
}

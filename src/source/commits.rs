//! Which commits a git scan covers, as a [`Selection`] (`tips --not hidden`): from revspecs
//! (`A..B`, `^A`, `A...B`, tips), from every ref (`--all`), or from git's hook input (pre-push
//! and pre-receive lines). Everything is resolved with gix; `Err` names the revision, ref or input
//! line at fault.

use crate::git::GitError;
use gix::hash::ObjectId;

/// Which commits to scan: everything reachable from `tips` but not from `hidden` (git's
/// `tips --not hidden`). Both lists hold commit ids.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Commits whose ancestry is scanned.
    pub tips: Vec<ObjectId>,
    /// Commits whose ancestry is excluded.
    pub hidden: Vec<ObjectId>,
}

/// A selection plus what the summary should say about it (an empty repository, no refs).
#[derive(Debug, Clone, Default)]
pub struct Selected {
    /// The commits.
    pub selection: Selection,
    /// Notes for the summary line.
    pub notes: Vec<String>,
}

/// Every commit reachable from any ref and from `HEAD`. `Err` names a ref that cannot be read.
pub fn all(repo: &gix::Repository) -> Result<Selected, GitError> {
    let mut tips = ref_commits(repo, |_| true, Strict::Yes)?;
    tips.extend(head_commit(repo)?);
    let mut notes = Vec::new();
    if tips.is_empty() {
        notes.push("no refs point to commits: nothing to scan".to_string());
    }
    Ok(Selected {
        selection: Selection {
            tips,
            hidden: Vec::new(),
        },
        notes,
    })
}

/// The commits named by revspecs; no revspec, or only exclusions (`^A`), means up to `HEAD`
/// (like `A..HEAD`). `Err` names the first revspec that does not resolve to commits.
pub fn revspecs(repo: &gix::Repository, revs: &[String]) -> Result<Selected, GitError> {
    let mut selection = parse_revspecs(repo, revs)?;
    let mut notes = Vec::new();
    if selection.tips.is_empty() && (revs.is_empty() || !selection.hidden.is_empty()) {
        match head_commit(repo)? {
            Some(head) => selection.tips.push(head),
            None => notes.push("HEAD has no commits yet: nothing to scan".to_string()),
        }
    }
    Ok(Selected { selection, notes })
}

/// The commits a `git push` sends, from git's pre-push input (`<local ref> <local sha> <remote
/// ref> <remote sha>` lines): reachable from the local shas, not from the remote shas nor from
/// the remote-tracking refs of `remote` (all remote-tracking refs if it has none). Deletions
/// select nothing.
pub fn pre_push(
    repo: &gix::Repository,
    input: &str,
    remote: Option<&str>,
) -> Result<Selected, GitError> {
    let mut selection = Selection::default();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, local, _, remote] = fields[..] else {
            return Err(GitError::invalid(format!("malformed pre-push input line `{line}`: expected `<local ref> <local sha> <remote ref> <remote sha>`")));
        };
        let (local, remote) = (hook_id(local, line)?, hook_id(remote, line)?);
        push_update(repo, &mut selection, remote, local)?;
    }
    if !selection.tips.is_empty() {
        selection
            .hidden
            .extend(remote_tracking_commits(repo, remote)?);
    }
    Ok(Selected {
        selection,
        notes: Vec::new(),
    })
}

/// The commits new to a repository receiving a push, from git's pre-receive input (`<old> <new>
/// <ref>` lines): reachable from the new values, not from the old ones nor from any existing ref
/// (git updates refs only after the hook accepts).
pub fn pre_receive(repo: &gix::Repository, input: &str) -> Result<Selected, GitError> {
    let mut selection = Selection::default();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [old, new, _] = fields[..] else {
            return Err(GitError::invalid(format!(
                "malformed pre-receive input line `{line}`: expected `<old sha> <new sha> <ref>`"
            )));
        };
        let (old, new) = (hook_id(old, line)?, hook_id(new, line)?);
        push_update(repo, &mut selection, old, new)?;
    }
    if !selection.tips.is_empty() {
        selection
            .hidden
            .extend(ref_commits(repo, |_| true, Strict::No)?);
    }
    Ok(Selected {
        selection,
        notes: Vec::new(),
    })
}

/// One ref update of a push, `old` → `new`: `new`'s commits are scanned (a deletion, all zeros,
/// scans nothing; a tag of a tree or blob pushes no commits), `old`'s are hidden when known.
fn push_update(
    repo: &gix::Repository,
    selection: &mut Selection,
    old: ObjectId,
    new: ObjectId,
) -> Result<(), GitError> {
    if new.is_null() {
        return Ok(());
    }
    selection.tips.extend(peel_to_commit(repo, new)?);
    if !old.is_null() && repo.has_object(old) {
        selection.hidden.extend(peel_to_commit(repo, old)?);
    }
    Ok(())
}

/// Turns revspecs into tips and hidden commits. `Err` names the first revspec that does not
/// resolve to commits.
fn parse_revspecs(repo: &gix::Repository, revs: &[String]) -> Result<Selection, GitError> {
    use gix::revision::plumbing::Spec;
    let mut selection = Selection::default();
    for rev in revs {
        let bad = |e: &dyn std::fmt::Display| GitError::read(format!("bad revision `{rev}`"), e);
        let spec = repo
            .rev_parse(rev.as_str())
            .map_err(|e| bad(&crate::git::shallow_hint(repo, &e)))?
            .detach();
        let commit = |id: ObjectId| {
            peel_to_commit(repo, id)?.ok_or_else(|| bad(&format!("{id} is not a commit")))
        };
        let parents = |id: ObjectId| -> Result<Vec<ObjectId>, GitError> {
            let c = repo.find_commit(commit(id)?).map_err(|e| bad(&e))?;
            Ok(c.parent_ids().map(|p| p.detach()).collect())
        };
        match spec {
            Spec::Include(id) => selection.tips.push(commit(id)?),
            Spec::Exclude(id) => selection.hidden.push(commit(id)?),
            Spec::Range { from, to } => {
                selection.hidden.push(commit(from)?);
                selection.tips.push(commit(to)?);
            }
            Spec::Merge { theirs, ours } => {
                let (theirs, ours) = (commit(theirs)?, commit(ours)?);
                selection.tips.extend([theirs, ours]);
                let bases = repo
                    .merge_bases_many(theirs, &[ours])
                    .map_err(|e| bad(&e))?;
                selection
                    .hidden
                    .extend(bases.into_iter().map(|b| b.detach()));
            }
            Spec::IncludeOnlyParents(id) => selection.tips.extend(parents(id)?),
            Spec::ExcludeParents(id) => {
                selection.tips.push(commit(id)?);
                selection.hidden.extend(parents(id)?);
            }
        }
    }
    Ok(selection)
}

/// `HEAD`'s commit, or `None` when `HEAD` is unborn (no commits yet).
fn head_commit(repo: &gix::Repository) -> Result<Option<ObjectId>, GitError> {
    let head = repo
        .head()
        .map_err(|e| GitError::read("cannot read HEAD", e))?;
    if head.is_unborn() {
        return Ok(None);
    }
    let id = match head.id() {
        Some(id) => id.detach(),
        None => head
            .into_peeled_id()
            .map_err(|e| GitError::read("cannot resolve HEAD", e))?
            .detach(),
    };
    match peel_to_commit(repo, id)? {
        Some(c) => Ok(Some(c)),
        None => Err(GitError::invalid(format!(
            "HEAD ({id}) does not point to a commit"
        ))),
    }
}

/// The commits of `refs/remotes/<remote>/*`, or of every `refs/remotes/*` when `remote` is absent
/// or has no remote-tracking refs (git passes a URL as the name when pushing to a URL).
fn remote_tracking_commits(
    repo: &gix::Repository,
    remote: Option<&str>,
) -> Result<Vec<ObjectId>, GitError> {
    if let Some(remote) = remote {
        let prefix = format!("refs/remotes/{remote}/");
        let found = ref_commits(repo, |name| name.starts_with(&prefix), Strict::No)?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    ref_commits(repo, |name| name.starts_with("refs/remotes/"), Strict::No)
}

/// Whether a ref that cannot be resolved is an error (refs to scan) or is skipped (refs to hide:
/// hiding less only scans more).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strict {
    Yes,
    No,
}

/// The commits of the refs whose full name passes `keep` (tags peeled; refs to trees or blobs
/// skipped), sorted. With [`Strict::Yes`], `Err` names a ref that cannot be read or resolved.
fn ref_commits(
    repo: &gix::Repository,
    keep: impl Fn(&str) -> bool,
    strict: Strict,
) -> Result<Vec<ObjectId>, GitError> {
    let refs_error = |e: &dyn std::fmt::Display| GitError::read("cannot read refs", e);
    let platform = repo.references().map_err(|e| refs_error(&e))?;
    let iter = platform.all().map_err(|e| refs_error(&e))?;
    let mut out = Vec::new();
    for r in iter {
        let commit = r.map_err(|e| refs_error(&e)).and_then(|mut r| {
            let name = r.name().as_bstr().to_string();
            if !keep(&name) {
                return Ok(None);
            }
            let id = r
                .peel_to_id()
                .map_err(|e| GitError::read(format!("cannot resolve ref {name}"), e))?
                .detach();
            peel_to_commit(repo, id).map_err(|e| GitError::invalid(format!("ref {name}: {e}")))
        });
        match commit {
            Ok(c) => out.extend(c),
            Err(e) if strict == Strict::Yes => return Err(e),
            Err(_) => {}
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// `id` peeled through tags to a commit; `None` if it is another kind of object. `Err` (naming
/// the object) if it is missing or unreadable.
fn peel_to_commit(repo: &gix::Repository, id: ObjectId) -> Result<Option<ObjectId>, GitError> {
    let object = repo
        .find_object(id)
        .and_then(|o| o.peel_tags_to_end())
        .map_err(|e| GitError::read(format!("cannot read object {id}"), e))?;
    Ok((object.kind == gix::objs::Kind::Commit).then_some(object.id))
}

/// A full hex object id from a hook line.
fn hook_id(hex: &str, line: &str) -> Result<ObjectId, GitError> {
    ObjectId::from_hex(hex.as_bytes()).map_err(|_| {
        GitError::invalid(format!(
            "malformed hook input line `{line}`: `{hex}` is not an object id"
        ))
    })
}

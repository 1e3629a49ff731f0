//! `sealant history`: attribution to introducing commits, presence at HEAD, ranges, `--all`, and
//! the repository shapes history must survive (merges, renames, shallow, bare, worktrees, packs,
//! corruption, empty repositories).

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Output;

/// Findings of [`GITHUB_RULE`] keyed by their (full) secret (other built-in rules may also fire
/// on the same text; these tests are about attribution, not rules).
fn by_secret(out: &Output) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for f in jsonl(&out.stdout)
        .into_iter()
        .filter(|f| f["rule"] == GITHUB_RULE)
    {
        let s = f["secret"].as_str().expect("secret").to_string();
        assert!(
            m.insert(s.clone(), f).is_none(),
            "secret {s} reported twice"
        );
    }
    m
}

/// The secrets [`by_secret`] finds, sorted.
fn found(out: &Output) -> Vec<String> {
    by_secret(out).into_keys().collect()
}

/// (commit, path) pairs of a finding's occurrences.
fn occurrences(f: &Value) -> Vec<(String, String)> {
    f["occurrences"]
        .as_array()
        .expect("occurrences")
        .iter()
        .map(|o| {
            (
                o["commit"].as_str().unwrap().to_string(),
                o["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_finding(
    f: &Value,
    path: &str,
    line: u64,
    commit: &str,
    presence: &str,
    occ: &[(&str, &str)],
) {
    assert_eq!(f["rule"], GITHUB_RULE, "{f}");
    assert_eq!(f["path"], path, "{f}");
    assert_eq!(f["line"], line, "{f}");
    assert_eq!(f["commit"], commit, "{f}");
    assert_eq!(f["presence"], presence, "{f}");
    let want: Vec<(String, String)> = occ
        .iter()
        .map(|(c, p)| (c.to_string(), p.to_string()))
        .collect();
    assert_eq!(occurrences(f), want, "{f}");
}

#[test]
fn every_secret_is_reported_once_at_its_introducing_commit_with_presence() {
    let r = TestRepo::new();
    let (s1, s2, s3, s4, s5) = (
        secrets::github(1),
        secrets::github(2),
        secrets::github(3),
        secrets::github(4),
        secrets::github(5),
    );
    r.write("config.txt", token(1));
    r.write("old.txt", token(2));
    r.write("shared.txt", "base\n");
    let c1 = r.commit_all("add config");
    r.remove("old.txt");
    r.commit_all("remove old");

    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("side.txt", token(3));
    r.write("dup.txt", token(5));
    let c3 = r.commit_all("side adds");
    r.write("side.txt", "t = nothing\n");
    r.commit_all("side cleans");

    r.git(&["checkout", "-q", "main"]);
    r.write("config.txt", format!("# header\n{}", token(1)));
    let c5 = r.commit_all("edit config");
    r.write("other/dup2.txt", format!("copy {s5}\n"));
    let c6 = r.commit_all("copy dup");
    r.git(&["merge", "-q", "--no-ff", "-m", "merge side", "side"]);

    // A conflict whose resolution (an "evil" merge) introduces a secret.
    r.git(&["checkout", "-q", "-b", "side2"]);
    r.write("shared.txt", "side2\n");
    r.commit_all("side2 edits shared");
    r.git(&["checkout", "-q", "main"]);
    r.write("shared.txt", "main\n");
    r.commit_all("main edits shared");
    let merge = r.git_cmd(&["merge", "-q", "side2"]).output().unwrap();
    assert!(!merge.status.success(), "expected a conflict");
    r.write("shared.txt", format!("resolved {s4}\n"));
    r.git(&["add", "shared.txt"]);
    r.git(&["commit", "-q", "--no-edit"]);
    let m2 = r.head();

    std::fs::create_dir(r.path().join("conf")).unwrap();
    r.git(&["mv", "config.txt", "conf/app.txt"]);
    let c8 = r.commit_all("move config");

    let out = history(r.path(), &[]);
    out.assert_exit(1);
    let f = by_secret(&out);
    assert_eq!(f.len(), 5, "{f:#?}");
    assert_finding(
        &f[&s1],
        "config.txt",
        1,
        &c1,
        "at-head",
        &[(&c5, "config.txt"), (&c8, "conf/app.txt")],
    );
    assert_finding(&f[&s2], "old.txt", 1, &c1, "history-only", &[]);
    assert_finding(&f[&s3], "side.txt", 1, &c3, "history-only", &[]);
    assert_finding(&f[&s4], "shared.txt", 1, &m2, "at-head", &[]);
    assert_finding(
        &f[&s5],
        "dup.txt",
        1,
        &c3,
        "at-head",
        &[(&c6, "other/dup2.txt")],
    );
    assert_eq!(f[&s1]["summary"], "add config");
    assert_eq!(f[&s1]["author"], "Ada Tester");
    assert_eq!(f[&s1]["email"], "ada@example.test");
    // Fingerprints are those of the attributed path (what a worktree scan of it would give).
    assert!(stderr(&out).contains("11 commits"), "{}", stderr(&out));

    // The text report groups by presence.
    let text = stdout(&r.run(&["history"]));
    assert!(text.contains("Still present at HEAD (3)"), "{text}");
    assert!(text.contains("Removed, in history only (2)"), "{text}");
    assert!(!text.contains(&s1), "secret leaked in text report: {text}");
}

#[test]
fn a_range_reports_only_what_its_commits_introduced() {
    let r = TestRepo::new();
    r.write("a.txt", token(1));
    let a = r.commit_all("a");
    r.write("b.txt", token(2));
    let b1 = r.commit_all("b1");
    r.write("a.txt", format!("{}x = 1\n", token(1))); // touching a file re-exposes its content
    r.write("c.txt", token(3));
    let b2 = r.commit_all("b2");

    for args in [
        vec!["HEAD~2..HEAD"],
        vec![&*format!("{a}..{b2}")],
        vec!["^HEAD~2", "HEAD"],
        vec!["^HEAD~2"],
    ] {
        let out = history(r.path(), &args);
        out.assert_exit_for(1, format!("{args:?}"));
        let f = by_secret(&out);
        assert_eq!(f.len(), 3, "{args:?}: {f:#?}");
        assert_eq!(f[&secrets::github(1)]["commit"], b2.as_str());
        assert_eq!(f[&secrets::github(2)]["commit"], b1.as_str());
        assert_eq!(f[&secrets::github(3)]["commit"], b2.as_str());
        assert!(stderr(&out).contains("2 commits"), "{}", stderr(&out));
    }

    let out = history(r.path(), &["HEAD~1..HEAD"]);
    out.assert_exit(1);
    assert_eq!(found(&out), vec![secrets::github(1), secrets::github(3)]);

    let out = history(r.path(), &["HEAD..HEAD"]);
    out.assert_exit(0);
    assert!(out.stdout.is_empty());

    // A single commit: `X^!`.
    let out = history(r.path(), &[&format!("{b1}^!")]);
    out.assert_exit(1);
    assert_eq!(found(&out), vec![secrets::github(2)]);
}

#[test]
fn all_includes_secrets_only_on_a_tag_or_in_the_stash() {
    let r = TestRepo::new();
    r.write("app.txt", "clean\n");
    r.commit_all("clean");
    // A commit reachable only from a tag.
    r.git(&["checkout", "-q", "--detach"]);
    r.write("tagged.txt", token(1));
    let tagged = r.commit_all("tagged only");
    r.git(&["tag", "-a", "-m", "release", "v1"]);
    r.git(&["checkout", "-q", "main"]);
    // Changes only in the stash: an unstaged one (the stash's work-tree commit introduces it) and
    // a staged one (its index commit, the second parent, introduces it).
    r.write("app.txt", token(2));
    r.write("staged.txt", token(3));
    r.git(&["add", "staged.txt"]);
    r.git(&["stash", "-q"]);
    let stash = r.git(&["rev-parse", "refs/stash"]);
    let index_commit = r.git(&["rev-parse", "refs/stash^2"]);

    let out = history(r.path(), &[]);
    out.assert_exit(0);
    assert!(out.stdout.is_empty());

    let out = history(r.path(), &["--all"]);
    out.assert_exit(1);
    let f = by_secret(&out);
    assert_eq!(f.len(), 3, "{f:#?}");
    assert_finding(
        &f[&secrets::github(1)],
        "tagged.txt",
        1,
        &tagged,
        "history-only",
        &[],
    );
    assert_finding(
        &f[&secrets::github(2)],
        "app.txt",
        1,
        &stash,
        "history-only",
        &[],
    );
    assert_finding(
        &f[&secrets::github(3)],
        "staged.txt",
        1,
        &index_commit,
        "history-only",
        &[],
    );

    // `--all` and revspecs are exclusive (usage error).
    let out = history(r.path(), &["--all", "HEAD"]);
    out.assert_exit(2);
}

#[test]
fn a_bad_revspec_is_a_one_line_error() {
    let r = TestRepo::new();
    r.write("a.txt", "clean\n");
    r.commit_all("a");
    for bad in ["no-such-branch", "HEAD..nope", "HEAD~5"] {
        let out = history(r.path(), &[bad]);
        out.assert_exit_for(2, bad);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("sealant: error: bad revision"), "{err}");
    }
    // A revspec naming a blob, not a commit.
    let out = history(r.path(), &["HEAD:a.txt"]);
    out.assert_exit(2);
    assert!(stderr(&out).contains("is not a commit"), "{}", stderr(&out));
}

#[test]
fn an_empty_repository_is_clean_with_a_note() {
    for repo in [TestRepo::new(), TestRepo::new_bare()] {
        let out = history(repo.path(), &[]);
        out.assert_exit(0);
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains("no commits yet"), "{}", stderr(&out));
        let out = history(repo.path(), &["--all"]);
        out.assert_exit(0);
        assert!(stderr(&out).contains("nothing to scan"), "{}", stderr(&out));
    }
}

#[test]
fn detached_head_scans_the_checked_out_history() {
    let r = TestRepo::new();
    r.write("a.txt", token(1));
    let c1 = r.commit_all("a");
    r.write("a.txt", "clean\n");
    r.commit_all("clean");
    r.git(&["checkout", "-q", &c1]);
    let out = history(r.path(), &[]);
    out.assert_exit(1);
    let f = by_secret(&out);
    assert_finding(&f[&secrets::github(1)], "a.txt", 1, &c1, "at-head", &[]);
}

#[test]
fn bare_repository_and_linked_worktree() {
    let r = TestRepo::new();
    r.write("a.txt", token(1));
    let c1 = r.commit_all("a");
    r.remove("a.txt");
    r.commit_all("rm");

    // Bare clone: HEAD is the default branch.
    let bare = TestDir::new();
    let bare_path = bare.join("b.git");
    r.git(&["clone", "-q", "--bare", ".", bare_path.to_str().unwrap()]);
    let out = history(&bare_path, &[]);
    out.assert_exit(1);
    assert_finding(
        &by_secret(&out)[&secrets::github(1)],
        "a.txt",
        1,
        &c1,
        "history-only",
        &[],
    );

    // HEAD naming a branch that does not exist: `--all` still scans, nothing is at HEAD.
    r.git_in(&bare_path, &["symbolic-ref", "HEAD", "refs/heads/unborn"]);
    let out = history(&bare_path, &["--all"]);
    out.assert_exit(1);
    assert_finding(
        &by_secret(&out)[&secrets::github(1)],
        "a.txt",
        1,
        &c1,
        "history-only",
        &[],
    );
    let out = history(&bare_path, &[]);
    out.assert_exit(0);
    assert!(stderr(&out).contains("no commits yet"), "{}", stderr(&out));

    // Linked worktree on its own branch: its HEAD, not the main work tree's.
    let wt = r.add_worktree("feature");
    wt.write("f.txt", token(2));
    r.git_in(wt.path(), &["add", "f.txt"]);
    r.git_in(wt.path(), &["commit", "-q", "-m", "feature"]);
    let feature = r.git_in(wt.path(), &["rev-parse", "HEAD"]);
    let out = history(wt.path(), &[]);
    out.assert_exit(1);
    let f = by_secret(&out);
    assert_eq!(f.len(), 2);
    assert_finding(
        &f[&secrets::github(2)],
        "f.txt",
        1,
        &feature,
        "at-head",
        &[],
    );
    // From the main work tree, HEAD (main) does not contain the feature commit.
    let out = history(r.path(), &[]);
    assert_eq!(found(&out), vec![secrets::github(1)]);
    // Revspecs resolve refs shared with the worktree.
    let out = history(r.path(), &["main..feature"]);
    assert_eq!(found(&out), vec![secrets::github(2)]);
}

#[test]
fn packed_and_loose_objects_give_the_same_findings() {
    let r = TestRepo::new();
    r.write("a.txt", token(1));
    r.commit_all("a");
    r.write("b.txt", token(2));
    r.write("a.txt", "clean\n");
    r.commit_all("b");
    let loose = history(r.path(), &[]);
    loose.assert_exit(1);
    r.git(&["gc", "-q", "--aggressive", "--prune=now"]);
    assert!(
        r.path()
            .join(".git/objects/pack")
            .read_dir()
            .unwrap()
            .count()
            > 0
    );
    // One more loose commit on top of the pack.
    r.write("c.txt", token(3));
    let c = r.commit_all("c");
    let out = history(r.path(), &[]);
    out.assert_exit(1);
    let mut got = by_secret(&out);
    assert_eq!(got.len(), 3);
    assert_eq!(
        got.remove(&secrets::github(3)).unwrap()["commit"],
        c.as_str()
    );
    assert_eq!(got, by_secret(&loose), "findings changed after gc");
}

/// Overwrites the loose object `id` with garbage.
fn corrupt(r: &TestRepo, id: &str) {
    let p = r.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
    let mut perms = std::fs::metadata(&p).expect("loose object").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&p, perms).unwrap();
    std::fs::write(&p, b"this is not zlib data").unwrap();
}

#[test]
fn a_corrupt_blob_is_a_clear_error_naming_the_object() {
    let r = TestRepo::new();
    r.write("a.txt", "clean\n");
    r.write("b.txt", token(1));
    r.commit_all("a");
    let blob = r.git(&["rev-parse", "HEAD:a.txt"]);
    corrupt(&r, &blob);
    let out = history(r.path(), &[]);
    // The secret elsewhere is still reported (exit 1 wins), and the error names the object.
    out.assert_exit(1);
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.contains("error"))
        .expect("an error line");
    assert!(line.contains(&blob), "{err}");
    assert!(line.starts_with("sealant: error: a.txt: "), "{err}");

    // Without findings, the error alone means exit 2.
    let r = TestRepo::new();
    r.write("a.txt", "clean\n");
    r.commit_all("a");
    let blob = r.git(&["rev-parse", "HEAD:a.txt"]);
    corrupt(&r, &blob);
    let out = history(r.path(), &[]);
    out.assert_exit(2);
    assert!(stderr(&out).contains(&blob), "{}", stderr(&out));
}

#[test]
fn a_corrupt_tree_or_commit_is_a_one_line_error_naming_the_object() {
    for what in ["HEAD^{tree}", "HEAD", "HEAD~1", "HEAD~1^{tree}"] {
        let r = TestRepo::new();
        r.write("a.txt", "clean\n");
        r.commit_all("a");
        r.write("b.txt", "clean\n");
        r.commit_all("b");
        let id = r.git(&["rev-parse", what]);
        corrupt(&r, &id);
        let out = history(r.path(), &["--all"]);
        out.assert_exit_for(2, what);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(err.starts_with("sealant: error: "), "{err}");
        assert!(err.contains(&id), "{what}: {err}");
    }
}

#[test]
fn all_with_a_broken_ref_is_an_error_naming_the_ref() {
    let r = TestRepo::new();
    r.write("a.txt", "clean\n");
    r.commit_all("a");
    r.write(".git/refs/heads/broken", format!("{}\n", "1".repeat(40)));
    let out = history(r.path(), &["--all"]);
    out.assert_exit(2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("refs/heads/broken"), "{err}");
    assert!(err.contains(&"1".repeat(40)), "{err}");
}

#[test]
fn a_shallow_clone_stops_at_its_boundary() {
    let src = TestRepo::new();
    src.write("a.txt", token(1));
    src.commit_all("one");
    src.write("old.txt", token(4));
    src.commit_all("two");
    src.remove("old.txt");
    src.write("b.txt", token(2));
    let c3 = src.commit_all("three");
    src.write("c.txt", token(3));
    let c4 = src.commit_all("four");

    let dest = TestDir::new();
    let clone = dest.join("shallow");
    let url = format!("file://{}", src.path().display());
    src.git(&["clone", "-q", "--depth", "2", &url, clone.to_str().unwrap()]);
    let out = history(&clone, &[]);
    out.assert_exit(1);
    let f = by_secret(&out);
    // The boundary commit stands in for everything before it; the secret deleted before the
    // boundary is not in the clone at all.
    assert_eq!(f.len(), 3, "{f:#?}");
    assert_finding(&f[&secrets::github(1)], "a.txt", 1, &c3, "at-head", &[]);
    assert_finding(&f[&secrets::github(2)], "b.txt", 1, &c3, "at-head", &[]);
    assert_finding(&f[&secrets::github(3)], "c.txt", 1, &c4, "at-head", &[]);
    assert!(
        stderr(&out).contains("shallow clone: history stops at 1 boundary commit"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("2 commits"), "{}", stderr(&out));

    // Ranges and `--all` work across the boundary too.
    let out = history(&clone, &["HEAD~1..HEAD"]);
    assert_eq!(found(&out), vec![secrets::github(3)]);
    let out = history(&clone, &["--all"]);
    out.assert_exit(1);
    assert_eq!(by_secret(&out).len(), 3);
}

#[test]
fn binary_lfs_submodule_symlink_and_oversized_blobs_are_skipped_and_counted() {
    let r = TestRepo::new();
    let mut binary = token(1).into_bytes();
    binary.extend_from_slice(b"\0\x01\x02");
    r.write("blob.bin", binary);
    r.write(
        "model.bin",
        format!(
            "version https://git-lfs.github.com/spec/v1\noid sha256:{}\nsize 12345\n# {}\n",
            "4d7a".repeat(16),
            secrets::github(2)
        ),
    );
    r.write("big.txt", format!("{}{}", "x".repeat(2000), token(3)));
    r.write("ok.txt", "clean\n");
    r.commit_all("content");
    let head = r.head();
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{head},vendor/sub"),
    ]);
    r.symlink("ok.txt", "link");
    r.git(&["add", "link"]);
    r.git(&["commit", "-q", "-m", "submodule and link"]);

    let out = r.run(&["history", "--format", "jsonl", "--max-file-size", "1K"]);
    out.assert_exit(0);
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("skipped 5 (1 binary, 1 too large, 1 LFS pointers, 1 submodules, 1 symlinks)"),
        "{err}"
    );
    assert!(err.contains("scanned 1 file ("), "{err}");

    // Without the size limit, the large file is scanned.
    let out = history(r.path(), &[]);
    out.assert_exit(1);
    assert_eq!(found(&out), vec![secrets::github(3)]);
}

#[test]
fn allowlisted_paths_are_not_scanned_in_history() {
    let r = TestRepo::new();
    r.write(".sealant.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    r.write("fixtures/f.txt", token(1));
    r.write("a.txt", token(2));
    r.commit_all("a");
    let out = history(r.path(), &["--threads", "1"]);
    out.assert_exit(1);
    assert_eq!(found(&out), vec![secrets::github(2)]);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "a.txt", 1)]);
}

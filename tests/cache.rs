//! The incremental-audit cache of `sealant history`: a second audit scans only new blobs and
//! reports the same; a rule or config change, a damaged file, concurrent runs or an unusable
//! folder never hide a finding; `--no-cache` leaves nothing behind.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The cache folder of a repository with a work tree.
fn cache_dir(r: &TestRepo) -> PathBuf {
    r.join(".git/sealant/cache")
}

/// The `blobs-*.bin` files in `dir`.
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    v.sort();
    v
}

/// `N` from the summary's `scanned N file(s)`.
fn scanned(out: &Output) -> u64 {
    let err = stderr(out);
    let at = err.find("scanned ").expect("a summary line") + "scanned ".len();
    let n: String = err[at..].chars().take_while(char::is_ascii_digit).collect();
    n.parse().expect("a count")
}

/// A repository of three commits: two clean files and one with a secret.
fn repo_with_history() -> TestRepo {
    let r = TestRepo::new();
    r.write("README.md", "# project\n");
    r.commit_all("readme");
    r.write("src/main.txt", "fn main() {}\n");
    r.commit_all("code");
    r.write("config.txt", token(1));
    r.commit_all("oops");
    r
}

#[test]
fn a_second_audit_scans_only_the_new_blobs_and_reports_the_same() {
    let r = repo_with_history();
    let first = history(r.path(), &["--all"]);
    first.assert_exit(1);
    assert_eq!(scanned(&first), 3);
    assert_eq!(cache_files(&cache_dir(&r)).len(), 1, "{}", stderr(&first));

    r.write("notes.txt", "nothing to see\n");
    r.commit_all("notes");
    let second = history(r.path(), &["--all"]);
    second.assert_exit(1);
    // The new blob, and the one with a finding (never cached).
    assert_eq!(scanned(&second), 2, "{}", stderr(&second));
    assert!(
        stderr(&second).contains("2 blobs unchanged since the last audit (cache)"),
        "{}",
        stderr(&second)
    );
    let full = history(r.path(), &["--all", "--no-cache"]);
    full.assert_exit(1);
    assert_eq!(scanned(&full), 4);
    assert_eq!(stdout(&second), stdout(&full));
    assert_eq!(found_secrets(&second), vec![secrets::github(1)]);

    // Nothing new: only the blob with the finding is read again.
    let third = history(r.path(), &["--all"]);
    assert_eq!(scanned(&third), 1);
    assert_eq!(stdout(&third), stdout(&full));
}

fn found_secrets(out: &Output) -> Vec<String> {
    jsonl(&out.stdout)
        .into_iter()
        .filter(|f| f["rule"] == GITHUB_RULE)
        .map(|f| f["secret"].as_str().expect("secret").to_string())
        .collect()
}

#[test]
fn a_blob_with_a_finding_is_reported_on_every_run_and_never_stored() {
    let r = repo_with_history();
    for _ in 0..3 {
        let out = history(r.path(), &["--all"]);
        out.assert_exit(1);
        assert_eq!(found_secrets(&out), vec![secrets::github(1)]);
    }
    // Below the minimum confidence is still a finding for the cache's purposes: raising the
    // threshold later must not have cached the blob.
    let files = cache_files(&cache_dir(&r));
    assert_eq!(files.len(), 1);
    let bytes = std::fs::read(&files[0]).expect("cache file");
    let secret = secrets::github(1);
    assert!(
        !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the cache holds the secret"
    );
    // Ids of clean blobs only: the header (56 bytes), two entries of 20 + 16, the checksum.
    assert_eq!(bytes.len(), 56 + 2 * 36 + 32);
}

#[test]
fn a_low_confidence_finding_is_not_cached_as_clean() {
    let r = TestRepo::new();
    // A generic assignment in a test file: a finding below the default minimum confidence.
    r.write("tests/fixture.py", "password = \"Zq8vR2mXk4pL9wT\"\n");
    r.commit_all("fixture");
    let low = history(r.path(), &["--all"]);
    assert!(
        stderr(&low).contains("below --min-confidence"),
        "{}",
        stderr(&low)
    );
    let all = history(r.path(), &["--all", "--min-confidence", "low"]);
    let fresh = history(
        r.path(),
        &["--all", "--min-confidence", "low", "--no-cache"],
    );
    assert_eq!(stdout(&all), stdout(&fresh), "{}", stderr(&low));
}

#[test]
fn a_config_change_invalidates_the_cache() {
    let r = TestRepo::new();
    r.write("docs/codes.txt", "internal code INTCODE-123456 here\n");
    r.commit_all("codes");
    history(r.path(), &["--all"]).assert_exit(0);
    let before = cache_files(&cache_dir(&r));
    assert_eq!(before.len(), 1);

    r.write(
        ".sealant.toml",
        "[[rule]]\nid = \"internal-code\"\ndescription = \"internal code\"\nkeywords = [\"intcode-\"]\nregex = '''INTCODE-[0-9]{6}'''\n",
    );
    let out = history(r.path(), &["--all"]);
    out.assert_exit(1);
    assert_eq!(scanned(&out), 1);
    let rules: Vec<String> = summary(&out.stdout).into_iter().map(|s| s.0).collect();
    assert_eq!(rules, vec!["internal-code".to_string()]);
    // The one blob now has a finding: nothing to record under the new key, so no new file; the
    // old key's file stays (a few are kept) and is never read with this config.
    assert_eq!(cache_files(&cache_dir(&r)), before);
}

#[test]
fn a_blob_clean_at_one_path_is_rescanned_at_another() {
    let r = TestRepo::new();
    r.write(
        ".sealant.toml",
        "[[rule]]\nid = \"internal-code\"\ndescription = \"internal code\"\nkeywords = [\"intcode-\"]\nregex = '''INTCODE-[0-9]{6}'''\npaths = [\"config/\"]\n",
    );
    r.write("docs/codes.txt", "internal code INTCODE-123456 here\n");
    let c1 = r.commit_all("codes in docs: not this rule's files");
    r.write("config/codes.txt", "internal code INTCODE-123456 here\n");
    r.commit_all("the same bytes under config/");
    // --all scans the blob once, at its first path: clean there, cached.
    history(r.path(), &["--all"]).assert_exit(0);
    // A range that starts after the first commit scans it under config/: a finding.
    let out = history(r.path(), &[&format!("{c1}..HEAD")]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[("internal-code", "config/codes.txt", 1)]);
}

#[test]
fn a_damaged_cache_is_ignored_with_a_note() {
    let r = repo_with_history();
    let clean = history(r.path(), &["--all", "--no-cache"]);
    history(r.path(), &["--all"]).assert_exit(1);
    let file = cache_files(&cache_dir(&r)).remove(0);
    let good = std::fs::read(&file).expect("cache file");
    for bad in [&good[..good.len() - 5], &b"SEALANTC garbage"[..]] {
        std::fs::write(&file, bad).expect("damage");
        let out = history(r.path(), &["--all"]);
        out.assert_exit(1);
        assert_eq!(stdout(&out), stdout(&clean));
        assert_eq!(scanned(&out), 3);
        assert!(stderr(&out).contains("ignored"), "{}", stderr(&out));
        // Rewritten: the next run uses it.
        let next = history(r.path(), &["--all"]);
        assert_eq!(scanned(&next), 1);
        assert!(!stderr(&next).contains("ignored"), "{}", stderr(&next));
    }
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let r = repo_with_history();
    history(r.path(), &["--all", "--no-cache"]).assert_exit(1);
    assert!(!r.join(".git/sealant").exists());
    history(r.path(), &["--all"]).assert_exit(1);
    let out = history(r.path(), &["--all", "--no-cache"]);
    assert_eq!(scanned(&out), 3);
    assert!(!stderr(&out).contains("cache"), "{}", stderr(&out));
}

#[test]
fn cache_dir_puts_it_elsewhere() {
    let r = repo_with_history();
    let dir = TestDir::new();
    let where_ = dir.join("ci-cache");
    let arg = where_.to_str().expect("UTF-8");
    history(r.path(), &["--all", "--cache", arg]).assert_exit(1);
    assert!(!r.join(".git/sealant").exists());
    assert_eq!(cache_files(&where_).len(), 1);
    assert_eq!(scanned(&history(r.path(), &["--all", "--cache", arg])), 1);
}

#[test]
fn concurrent_audits_both_succeed_and_leave_a_readable_cache() {
    let r = repo_with_history();
    let expected = history(r.path(), &["--all", "--no-cache"]);
    let spawn = || {
        let mut cmd = std::process::Command::new(sealant_bin());
        scrub_git_env(&mut cmd)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .current_dir(r.path())
            .args(["history", "--all", "--format", "jsonl", "--show-secrets"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("sealant starts")
    };
    let runs: Vec<_> = (0..4).map(|_| spawn()).collect();
    for run in runs {
        let out = run.wait_with_output().expect("sealant runs");
        out.assert_exit(1);
        assert_eq!(stdout(&out), stdout(&expected));
    }
    let after = history(r.path(), &["--all"]);
    assert_eq!(stdout(&after), stdout(&expected));
    assert_eq!(scanned(&after), 1, "{}", stderr(&after));
    assert!(!stderr(&after).contains("ignored"), "{}", stderr(&after));
}

#[test]
fn an_unusable_cache_folder_changes_nothing_but_a_note() {
    let r = repo_with_history();
    let expected = history(r.path(), &["--all", "--no-cache"]);
    let dir = TestDir::new();
    dir.write("a-file", "not a folder");
    let arg = dir.join("a-file");
    let out = history(
        r.path(),
        &["--all", "--cache", arg.to_str().expect("UTF-8")],
    );
    out.assert_exit(1);
    assert_eq!(stdout(&out), stdout(&expected));
    assert!(
        stderr(&out).contains("cannot write the cache"),
        "{}",
        stderr(&out)
    );
    // And a clean repository stays exit 0.
    let clean = TestRepo::new();
    clean.write("a.txt", "hello\n");
    clean.commit_all("a");
    history(
        clean.path(),
        &["--all", "--cache", arg.to_str().expect("UTF-8")],
    )
    .assert_exit(0);
}

#[test]
fn linked_worktrees_share_the_common_cache() {
    let r = repo_with_history();
    history(r.path(), &["--all"]).assert_exit(1);
    let wt = r.add_worktree("side");
    let out = history(wt.path(), &["--all"]);
    out.assert_exit(1);
    assert_eq!(scanned(&out), 1, "{}", stderr(&out));
}

#[test]
fn pre_push_uses_the_cache_and_pre_receive_does_not() {
    let r = repo_with_history();
    let head = r.head();
    let zero = "0".repeat(40);
    let line = format!("refs/heads/main {head} refs/heads/main {zero}\n");
    let pre_push = |extra: &[&str]| {
        r.sealant()
            .args(["pre-push", "origin", "file:///nowhere", "--format", "jsonl"])
            .args(extra)
            .write_stdin(line.clone())
            .output()
            .expect("sealant runs")
    };
    pre_push(&["--no-cache"]).assert_exit(1);
    assert!(!r.join(".git/sealant").exists());
    pre_push(&[]).assert_exit(1);
    let again = pre_push(&[]);
    again.assert_exit(1);
    assert_eq!(scanned(&again), 1, "{}", stderr(&again));
    assert_eq!(stdout(&again), stdout(&pre_push(&["--no-cache"])));

    let server = TestRepo::new_bare();
    // The objects on the server, no ref pointing at them: new to it, as under quarantine.
    r.git(&[
        "push",
        "-q",
        server.path().to_str().expect("UTF-8"),
        "main:refs/heads/tmp",
    ]);
    server.git(&["update-ref", "-d", "refs/heads/tmp"]);
    let out = server
        .sealant()
        .args(["pre-receive", "--format", "jsonl"])
        .write_stdin(format!("{zero} {head} refs/heads/main\n"))
        .output()
        .expect("sealant runs");
    out.assert_exit(1);
    assert!(!server.join("sealant").exists());
}

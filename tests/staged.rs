//! `sealant staged` and `sealant install`: the pre-commit gate on real repositories, including a
//! real installed hook under `git commit`, `git commit -a`, `git commit <paths>` and `git add -p`.

use crate::util::*;

/// A repo with one commit holding a clean README and a config with one known secret.
fn repo_with_history() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("README.md", "# demo\n");
    repo.write("config/app.env", format!("DEBUG=1\n{}", env_line(1)));
    repo.commit_all("initial");
    repo
}

#[test]
fn staged_secret_blocks_with_a_helpful_message() {
    let repo = repo_with_history();
    repo.write("src/settings.py", format!("X = 1\n{}", env_line(2)));
    repo.git(&["add", "src/settings.py"]);
    let out = repo.run(&["staged"]);
    out.assert_exit(1);
    let report = stdout(&out);
    assert!(report.contains("src/settings.py:2:14"), "{report}");
    assert!(report.contains(GITHUB_RULE), "{report}");
    assert!(
        report.contains("sealant:allow")
            && report.contains("baseline")
            && report.contains("environment variable"),
        "{report}"
    );
    assert!(
        !report.contains(&secrets::github(2)),
        "secret leaked: {report}"
    );
    assert!(!stderr(&out).contains(&secrets::github(2)));
}

#[test]
fn clean_change_passes() {
    let repo = repo_with_history();
    repo.write("README.md", "# demo\nmore docs\n");
    repo.git(&["add", "README.md"]);
    repo.sealant().arg("staged").assert().code(0);
}

#[test]
fn staged_content_is_judged_not_the_work_tree() {
    let repo = repo_with_history();
    // Staged secret, removed again in the work tree only: still blocked.
    repo.write("a.env", env_line(3));
    repo.git(&["add", "a.env"]);
    repo.write("a.env", "A=clean\n");
    let out = repo.run(&["staged", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "a.env", 1)]);
    // Staged clean, secret only in the work tree: passes.
    repo.git(&["add", "a.env"]);
    repo.write("a.env", env_line(4));
    repo.sealant().arg("staged").assert().code(0);
}

#[test]
fn secrets_already_in_head_are_not_new_but_added_ones_are() {
    let repo = repo_with_history();
    repo.write(
        "config/app.env",
        format!("DEBUG=0\nEXTRA=1\n{}", env_line(1)),
    );
    repo.git(&["add", "-A"]);
    repo.sealant().arg("staged").assert().code(0);
    repo.write(
        "config/app.env",
        format!("DEBUG=0\n{}{}", env_line(1), env_line(5)),
    );
    repo.git(&["add", "-A"]);
    let out = repo.run(&["staged", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "config/app.env", 3)]);
}

#[test]
fn renames_and_deletions_add_nothing() {
    let repo = repo_with_history();
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    repo.git(&["mv", "config/app.env", "deploy/prod.env"]);
    repo.sealant().arg("staged").assert().code(0);
    repo.git(&["rm", "-q", "-f", "deploy/prod.env"]);
    repo.sealant().arg("staged").assert().code(0);
}

#[test]
fn moved_secret_with_edits_is_not_new() {
    let repo = repo_with_history();
    repo.git(&["rm", "-q", "config/app.env"]);
    repo.write("settings/local.env", format!("# moved\n{}", env_line(1)));
    repo.git(&["add", "settings/local.env"]);
    repo.sealant().arg("staged").assert().code(0);
}

#[test]
fn first_commit_in_an_empty_repository() {
    let repo = TestRepo::new();
    // Nothing staged, no HEAD, no index file yet.
    repo.sealant().arg("staged").assert().code(0);
    repo.write("deep/nested/dir/.env", env_line(6));
    repo.git(&["add", "-A"]);
    let out = repo.run(&["staged", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(
        &out.stdout,
        &[
            (GITHUB_RULE, "deep/nested/dir/.env", 1),
            ("env-file", "deep/nested/dir/.env", 1),
        ],
    );
}

#[test]
fn inline_allow_passes_unless_disabled() {
    let repo = repo_with_history();
    repo.write(
        "t.env",
        format!("TOKEN={} # sealant:allow\n", secrets::github(7)),
    );
    repo.git(&["add", "t.env"]);
    repo.sealant().arg("staged").assert().code(0);
    repo.sealant()
        .args(["staged", "--no-inline-allow"])
        .assert()
        .code(1);
}

#[test]
fn outside_a_repository_is_a_usage_error() {
    let dir = TestDir::new();
    let out = dir
        .sealant()
        .env("GIT_CEILING_DIRECTORIES", dir.path())
        .arg("staged")
        .output()
        .unwrap();
    out.assert_exit(2);
    let err = stderr(&out);
    assert!(err.contains("not a git repository"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

// --- the real hook -------------------------------------------------------------------------

fn install(repo: &TestRepo) {
    repo.sealant().arg("install").assert().code(0);
}

#[test]
fn hook_blocks_plain_commit() {
    let repo = repo_with_history();
    install(&repo);
    repo.write("b.env", env_line(8));
    repo.git(&["add", "b.env"]);
    let text = repo.git_refused(&["commit", "-q", "-m", "add b"]);
    assert!(
        text.contains("b.env:1:14") && text.contains("sealant blocked this commit"),
        "{text}"
    );
    repo.git(&["rm", "-q", "--cached", "b.env"]);
    repo.write("README.md", "# demo\nclean\n");
    repo.git(&["commit", "-q", "-am", "clean"]);
}

#[test]
fn hook_honours_the_temporary_index_of_commit_all() {
    let repo = repo_with_history();
    install(&repo);
    // Tracked file edited in the work tree only: `git commit -a` stages it into a temporary
    // index (GIT_INDEX_FILE) that the hook must read.
    repo.write("README.md", format!("# demo\n{}", env_line(9)));
    let text = repo.git_refused(&["commit", "-q", "-a", "-m", "all"]);
    assert!(text.contains("README.md:2"), "{text}");
}

#[test]
fn hook_honours_the_temporary_index_of_commit_paths() {
    let repo = repo_with_history();
    install(&repo);
    // A secret staged in another file is not part of `git commit README.md`.
    repo.write("other.env", env_line(10));
    repo.git(&["add", "other.env"]);
    repo.write("README.md", "# demo\nfine\n");
    repo.git(&["commit", "-q", "-m", "only readme", "README.md"]);
    // ...but a secret in the named path is.
    repo.write("README.md", format!("# demo\n{}", env_line(11)));
    let text = repo.git_refused(&["commit", "-q", "-m", "readme", "README.md"]);
    assert!(text.contains("README.md:2"), "{text}");
    assert!(!text.contains("other.env"), "{text}");
}

#[test]
fn hook_judges_partial_staging_with_add_p() {
    let repo = TestRepo::new();
    let body: String = (1..=20).map(|i| format!("line{i}=ok\n")).collect();
    repo.write("app.env", &body);
    repo.commit_all("base");
    install(&repo);
    // Two hunks far apart: a clean edit at the top, a secret at the bottom.
    let edited = body.replacen("line1=ok", "line1=changed", 1).replacen(
        "line20=ok\n",
        &format!("line20=ok\n{}", env_line(12)),
        1,
    );
    repo.write("app.env", &edited);
    let mut add = repo.git_cmd(&["add", "-p", "app.env"]);
    add.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = add.spawn().unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"y\nn\n").unwrap();
    }
    assert!(child.wait().unwrap().success());
    // Only the clean hunk is staged: the commit passes although the work tree has a secret.
    repo.git(&["commit", "-q", "-m", "clean hunk"]);
    repo.git(&["add", "app.env"]);
    let text = repo.git_refused(&["commit", "-q", "-m", "secret hunk"]);
    assert!(text.contains("app.env:21"), "{text}");
}

#[test]
fn install_refuses_to_replace_a_hook_without_force() {
    let repo = repo_with_history();
    repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho mine\n");
    let out = repo.run(&["install"]);
    out.assert_exit(2);
    assert!(stderr(&out).contains("--force"));
    assert_eq!(
        repo.read_text(".git/hooks/pre-commit"),
        "#!/bin/sh\necho mine\n"
    );
    repo.sealant().args(["install", "--force"]).assert().code(0);
    assert!(repo.read_text(".git/hooks/pre-commit").contains("staged"));
}

#[test]
fn install_honours_core_hooks_path() {
    let repo = repo_with_history();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    install(&repo);
    assert!(repo.join(".githooks/pre-commit").is_file());
    repo.write("c.env", env_line(13));
    repo.git(&["add", "c.env"]);
    repo.git_refused(&["commit", "-q", "-m", "c"]);
}

#[test]
fn install_and_gate_work_in_a_linked_worktree() {
    let repo = repo_with_history();
    let wt = repo.add_worktree("feature");
    wt.sealant().arg("install").assert().code(0);
    assert!(
        repo.join(".git/hooks/pre-commit").is_file(),
        "hook belongs in the common dir"
    );
    wt.write("d.env", env_line(14));
    repo.git_in(wt.path(), &["add", "d.env"]);
    let out = repo
        .git_cmd(&["commit", "-q", "-m", "d"])
        .current_dir(wt.path())
        .output()
        .unwrap();
    let text = combined(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("d.env:1"), "{text}");
}

#[test]
fn a_corrupt_index_is_a_clear_error() {
    let repo = repo_with_history();
    repo.write(
        ".git/index",
        b"DIRC\x00\x00\x00\x02garbage that is not an index",
    );
    let out = repo.run(&["staged"]);
    out.assert_exit(2);
    let err = stderr(&out);
    assert!(
        err.starts_with("sealant: error: cannot read the index"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

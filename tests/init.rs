//! `sealant init` on fresh repositories: what it writes, what it leaves alone, and that a second
//! run changes nothing.

use crate::util::*;

fn snapshot(repo: &TestRepo, files: &[&str]) -> Vec<Option<Vec<u8>>> {
    files
        .iter()
        .map(|f| std::fs::read(repo.join(f)).ok())
        .collect()
}

#[test]
fn init_sets_a_repository_up_and_a_second_run_changes_nothing() {
    let repo = TestRepo::new();
    repo.write("README.md", "# app\n");
    repo.write("config/app.env", env_line(41));
    repo.commit_all("initial");
    let out = repo.run(&["init"]);
    out.assert_exit(0);
    let said = stderr(&out);
    assert!(said.contains("wrote .sealant.toml"), "{said}");
    assert!(said.contains("accepting 1 current finding"), "{said}");
    assert!(said.contains("installed the git pre-commit hook"), "{said}");
    assert!(said.contains(".gitignore does not ignore .env"), "{said}");
    assert!(
        !said.contains(&secrets::github(41)),
        "secret leaked: {said}"
    );
    // The config is valid and the baseline accepts what is there.
    repo.run(&["config", "check"]).assert_exit(0);
    repo.run(&["scan", "."]).assert_exit(0);
    let hook = repo.read_text(".git/hooks/pre-commit");
    assert!(hook.contains("sealant staged"), "{hook}");

    let files = [
        ".sealant.toml",
        ".sealant-baseline.json",
        ".git/hooks/pre-commit",
        ".gitignore",
    ];
    let before = snapshot(&repo, &files);
    let again = repo.run(&["init"]);
    again.assert_exit(0);
    assert!(
        stderr(&again).contains("nothing to do"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        snapshot(&repo, &files),
        before,
        "a second run changed files"
    );
}

#[test]
fn fix_gitignore_adds_the_missing_patterns_and_keeps_examples_tracked() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "target/\n*.pem\n");
    repo.write("README.md", "# app\n");
    repo.commit_all("initial");
    let out = repo.run(&["init", "--fix-gitignore"]);
    out.assert_exit(0);
    let gitignore = repo.read_text(".gitignore");
    assert!(gitignore.starts_with("target/\n*.pem\n"), "{gitignore}");
    assert!(
        gitignore.contains("\n.env\n") && gitignore.contains("\n.env.*\n"),
        "{gitignore}"
    );
    assert_eq!(gitignore.matches("*.pem").count(), 1, "{gitignore}");
    // git itself agrees: .env.local is ignored, .env.example is not.
    repo.write(".env.local", "X=1\n");
    repo.write(".env.example", "X=\n");
    let status = repo.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(
        status.contains(".env.example") && !status.contains(".env.local"),
        "{status}"
    );
    let again = repo.run(&["init", "--fix-gitignore"]);
    again.assert_exit(0);
    assert!(
        stderr(&again).contains(".gitignore covers"),
        "{}",
        stderr(&again)
    );
    assert_eq!(repo.read_text(".gitignore"), gitignore);
}

#[test]
fn an_existing_pre_commit_config_gets_the_hook_with_its_comments_kept() {
    let repo = TestRepo::new();
    let config = "# our hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0  # pinned\n    hooks:\n      - id: black\n\nci:\n  autofix_prs: false\n";
    repo.write(".pre-commit-config.yaml", config);
    repo.commit_all("initial");
    repo.run(&["init"]).assert_exit(0);
    let updated = repo.read_text(".pre-commit-config.yaml");
    assert!(updated.starts_with("# our hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0  # pinned\n"), "{updated}");
    assert!(updated.contains("      - id: sealant\n"), "{updated}");
    assert!(
        updated.ends_with("\nci:\n  autofix_prs: false\n"),
        "{updated}"
    );
    assert!(
        !repo.join(".git/hooks/pre-commit").exists(),
        "installed a git hook too"
    );
    repo.run(&["init"]).assert_exit(0);
    assert_eq!(repo.read_text(".pre-commit-config.yaml"), updated);
}

#[test]
fn many_findings_need_a_yes() {
    let repo = TestRepo::new();
    let lines: String = (50..57)
        .map(|n| format!("T{n}={}\n", secrets::github(n)))
        .collect();
    repo.write("config/app.env", lines);
    repo.commit_all("initial");
    let out = repo.run(&["init"]);
    out.assert_exit(1);
    assert!(stderr(&out).contains("7 findings"), "{}", stderr(&out));
    assert!(!repo.join(".sealant-baseline.json").exists());
    // The other steps were done; --yes accepts the findings.
    assert!(repo.join(".sealant.toml").exists());
    let out = repo.run(&["init", "--yes"]);
    out.assert_exit(0);
    repo.run(&["scan", "."]).assert_exit(0);
}

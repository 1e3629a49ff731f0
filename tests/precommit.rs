//! The published `.pre-commit-hooks.yaml`, run by the real `pre-commit` framework on a throw-away
//! repository: pre-commit builds sealant from this repository's HEAD (`language: rust`), a commit
//! with a secret is refused and a clean one passes. scripts/test.sh installs `pre-commit`.

use crate::util::*;
use std::path::PathBuf;

fn pre_commit_available() -> bool {
    std::process::Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What a test needs to run the real framework: this checkout's path and HEAD, and the
/// environment (caches that survive between runs, so only the first run pays for the release
/// build). `None` (and a note) when the framework or a git checkout is missing outside CI.
struct Framework {
    src: PathBuf,
    rev: String,
    deps: PathBuf,
    cargo_home: PathBuf,
    rustup_home: PathBuf,
}

impl Framework {
    fn get() -> Option<Framework> {
        if !pre_commit_available() {
            assert!(
                std::env::var_os("CI").is_none(),
                "pre-commit is missing under CI: run the tests via scripts/test.sh"
            );
            eprintln!("note: pre-commit not installed; skipping (scripts/test.sh installs it)");
            return None;
        }
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let head = std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&src)
            .output()
            .unwrap();
        if !head.status.success() {
            eprintln!("note: the source tree is not a git checkout; skipping");
            return None;
        }
        let rev = stdout(&head).trim().to_string();
        let deps = std::env::var_os("SEALANT_TEST_DEPS")
            .map(PathBuf::from)
            .unwrap_or_else(|| src.join("target/test-deps"));
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".cargo"));
        let rustup_home = std::env::var_os("RUSTUP_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".rustup"));
        Some(Framework {
            src,
            rev,
            deps,
            cargo_home,
            rustup_home,
        })
    }

    /// `cmd` with the framework's caches.
    fn env(&self, mut cmd: std::process::Command) -> std::process::Command {
        cmd.env("PRE_COMMIT_HOME", self.deps.join("pre-commit-home"))
            .env("CARGO_HOME", &self.cargo_home)
            .env("RUSTUP_HOME", &self.rustup_home)
            .env("CARGO_TARGET_DIR", self.deps.join("pre-commit-target"));
        cmd
    }

    /// `pre-commit install ARGS` in `repo`.
    fn install(&self, repo: &TestRepo, args: &[&str]) {
        let mut install = self.env(std::process::Command::new("pre-commit"));
        scrub_git_env(&mut install)
            .arg("install")
            .args(args)
            .current_dir(repo.path());
        assert!(install.status().unwrap().success());
    }
}

#[test]
fn pre_commit_framework_blocks_a_secret_and_passes_a_clean_commit() {
    let Some(fw) = Framework::get() else {
        return;
    };
    let (src, rev) = (&fw.src, &fw.rev);
    let repo = TestRepo::new();
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: sealant\n",
            src.display()
        ),
    );
    repo.write("README.md", "# app\n");
    repo.commit_all("initial");
    let with_env = |cmd: std::process::Command| fw.env(cmd);
    let out = with_env(repo.git_cmd(&["status"]))
        .arg("--short")
        .output()
        .unwrap();
    assert!(out.status.success());
    fw.install(&repo, &[]);

    repo.write("app.env", env_line(77));
    repo.git(&["add", "app.env"]);
    let before = repo.head();
    let out = with_env(repo.git_cmd(&["commit", "-m", "add secret"]))
        .output()
        .unwrap();
    let text = combined(&out);
    assert!(!out.status.success(), "commit with a secret passed: {text}");
    assert!(
        text.contains("app.env:1") && text.contains(GITHUB_RULE),
        "{text}"
    );
    assert_eq!(repo.head(), before);

    repo.write("app.env", "GITHUB_TOKEN=${GITHUB_TOKEN}\n");
    repo.git(&["add", "app.env"]);
    let out = with_env(repo.git_cmd(&["commit", "-m", "clean"]))
        .output()
        .unwrap();
    let text = combined(&out);
    assert!(out.status.success(), "clean commit refused: {text}");
}

#[test]
fn pre_commit_framework_push_hook_blocks_a_pushed_secret() {
    let Some(fw) = Framework::get() else {
        return;
    };
    let server = TestRepo::new_bare();
    let repo = TestRepo::new();
    repo.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: sealant-push\n",
            fw.src.display(),
            fw.rev
        ),
    );
    repo.write("README.md", "# app\n");
    repo.commit_all("initial");
    fw.install(&repo, &["--hook-type", "pre-push"]);
    let push = |branch: &str| {
        fw.env(repo.git_cmd(&["push", "origin", branch]))
            .output()
            .unwrap()
    };
    // A whole new history (pre-commit passes no range): every commit is scanned.
    let out = push("main");
    assert!(
        out.status.success(),
        "clean push refused: {}",
        combined(&out)
    );

    repo.write("app.env", env_line(78));
    repo.commit_all("add secret");
    let out = push("main");
    let text = combined(&out);
    assert!(!out.status.success(), "push with a secret passed: {text}");
    assert!(
        text.contains("app.env:1") && text.contains(GITHUB_RULE),
        "{text}"
    );
    assert!(
        !text.contains(&secrets::github(78)),
        "secret leaked: {text}"
    );
}

//! The test harness: throw-away git repositories built with the real `git` CLI under a scrubbed
//! environment (no user/system config, fixed identities and dates), and a `sealant` command
//! pointed at the built binary. Test secrets are assembled at run time so the sources never hold
//! a literal that looks live.

#![allow(dead_code)]

use assert_cmd::Command;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Variables that would make git (or gix) look at another repository or index.
pub const GIT_ENV_SCRUB: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_PREFIX",
];

/// A `sealant` command with git's environment scrubbed, run in `dir`.
pub fn sealant_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("sealant").expect("sealant binary is built");
    for v in GIT_ENV_SCRUB {
        cmd.env_remove(v);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .current_dir(dir);
    cmd
}

/// Exit code of `sealant ARGS` run in `dir`.
pub fn exit_code(dir: &Path, args: &[&str]) -> Option<i32> {
    sealant_in(dir)
        .args(args)
        .output()
        .expect("sealant runs")
        .status
        .code()
}

/// Path of the built binary (for hooks that call it by absolute path).
pub fn sealant_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("sealant")
}

/// Synthetic, high-entropy test secrets, assembled at run time.
pub mod secrets {
    /// A GitHub classic PAT shape (`ghp_` + 36 alphanumerics), distinct per `n`.
    pub fn github(n: u32) -> String {
        let body = format!("R8x2Kq9LmZ4vT7wN3pB6yC1dF5hJ0sA2{n:04}");
        format!("{}{}", "ghp_", &body[body.len() - 36..])
    }

    /// An AWS access key id shape (`AKIA` + 16 of [A-Z2-7]), distinct per `n` (0..26).
    pub fn aws_key_id(n: u32) -> String {
        let c = (b'A' + (n % 26) as u8) as char;
        format!("{}{}Q7ZK4M2XW6RJ3T{c}", "AK", "IA")
    }

    /// A Stripe live secret key shape.
    pub fn stripe(n: u32) -> String {
        format!("{}{}{:04}", "sk_li", "ve_4fR8x2Kq9LmZ4vT7wN3pB6yC", n)
    }
}

/// A throw-away repository.
pub struct TestRepo {
    dir: TempDir,
    clock: Cell<u64>,
}

impl TestRepo {
    /// `git init` on branch `main` in a fresh temp dir.
    pub fn new() -> Self {
        let repo = TestRepo {
            dir: TempDir::new().expect("temp dir"),
            clock: Cell::new(0),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// A bare repository.
    pub fn new_bare() -> Self {
        let repo = TestRepo {
            dir: TempDir::new().expect("temp dir"),
            clock: Cell::new(0),
        };
        repo.git(&["init", "-q", "--bare", "-b", "main"]);
        repo
    }

    /// The work tree (or bare git dir).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the work tree.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// Deletes a file.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.dir.path().join(rel)).expect("remove");
    }

    /// A `git` command in this repo with a scrubbed environment and the next fixed date.
    pub fn git_cmd(&self, args: &[&str]) -> std::process::Command {
        let t = self.clock.get() + 1;
        self.clock.set(t);
        let date = format!("{} +0000", 1_700_000_000 + t * 60);
        let mut cmd = std::process::Command::new("git");
        for v in GIT_ENV_SCRUB {
            cmd.env_remove(v);
        }
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.dir.path())
            .env("GIT_AUTHOR_NAME", "Ada Tester")
            .env("GIT_AUTHOR_EMAIL", "ada@example.test")
            .env("GIT_COMMITTER_NAME", "Ada Tester")
            .env("GIT_COMMITTER_EMAIL", "ada@example.test")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        cmd
    }

    /// Runs git; panics with its stderr on failure; returns trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(args).output().expect("git runs");
        assert!(
            out.status.success(),
            "git {:?} failed: {}",
            args,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// `git add -A && git commit -m msg`; returns the new commit id.
    pub fn commit_all(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.head()
    }

    /// The current HEAD commit id.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// `sealant` run in this repo.
    pub fn sealant(&self) -> Command {
        sealant_in(self.dir.path())
    }
}

/// Parses JSON Lines output into values.
pub fn jsonl(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// (rule, path, line) of each JSONL finding, sorted: the shape most tests assert on.
pub fn summary(stdout: &[u8]) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = jsonl(stdout)
        .into_iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

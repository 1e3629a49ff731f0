//! The test harness every module shares.
//!
//! - Where a test runs: [`TestDir`], a plain temp dir outside git, and [`TestRepo`], a throw-away
//!   repository built with the real `git` CLI under a scrubbed environment (no user/system
//!   config, fixed identities and dates), with its linked [`Worktree`]s. All have the shape of
//!   [`Sandbox`]: `path`, `join`, `write`, `read`, `read_text`, `remove`, `symlink`, and
//!   `sealant`/`run` for the binary run inside them.
//! - How it checks exit codes: [`OutputExt::assert_exit`], which shows the command's stderr and
//!   stdout when the code is wrong.
//! - Runners and readers: [`run`], [`history`], [`scan`]; [`stderr`], [`stdout`], [`combined`],
//!   [`jsonl`], [`summary`], [`assert_findings`].
//! - Test secrets ([`secrets`], [`token`], [`env_line`]), assembled at run time so the sources
//!   never hold a literal that looks live.

#![allow(dead_code)]

use assert_cmd::Command;
use std::cell::Cell;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::Output;
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

/// Removes [`GIT_ENV_SCRUB`] from `cmd`'s environment.
pub fn scrub_git_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    for v in GIT_ENV_SCRUB {
        cmd.env_remove(v);
    }
    cmd
}

/// [`scrub_git_env`], and no system or global git config either.
fn isolate_git(cmd: &mut std::process::Command) -> &mut std::process::Command {
    scrub_git_env(cmd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
}

// --- the binary --------------------------------------------------------------------------------

/// Path of the built binary (for hooks that call it by absolute path).
pub fn sealant_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("sealant")
}

/// A `sealant` command with git's environment scrubbed, run in `dir`.
pub fn sealant_in(dir: &Path) -> Command {
    let mut cmd = std::process::Command::new(sealant_bin());
    isolate_git(&mut cmd).env("NO_COLOR", "1").current_dir(dir);
    Command::from_std(cmd)
}

/// `sealant ARGS`, run to completion in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    sealant_in(dir).args(args).output().expect("sealant runs")
}

/// `sealant history ARGS --format jsonl --show-secrets` in `dir`.
pub fn history(dir: &Path, args: &[&str]) -> Output {
    sealant_in(dir)
        .arg("history")
        .args(args)
        .args(["--format", "jsonl", "--show-secrets"])
        .output()
        .expect("sealant runs")
}

/// `sealant scan . --format jsonl --no-baseline` in `dir`, plus any extra arguments.
pub fn scan(dir: &Path, extra: &[&str]) -> Output {
    sealant_in(dir)
        .args(["scan", ".", "--format", "jsonl", "--no-baseline"])
        .args(extra)
        .output()
        .expect("sealant runs")
}

// --- exit codes and output ---------------------------------------------------------------------

/// Assertions on a finished command.
pub trait OutputExt {
    /// Asserts the command exited with `code`; otherwise panics showing its stderr and stdout.
    fn assert_exit(&self, code: i32) -> &Self;

    /// [`assert_exit`](Self::assert_exit), naming `case` (a loop's current case) in the panic.
    fn assert_exit_for(&self, code: i32, case: impl Display) -> &Self;
}

impl OutputExt for Output {
    #[track_caller]
    fn assert_exit(&self, code: i32) -> &Self {
        check_exit(self, code, None)
    }

    #[track_caller]
    fn assert_exit_for(&self, code: i32, case: impl Display) -> &Self {
        check_exit(self, code, Some(&case))
    }
}

#[track_caller]
fn check_exit<'a>(out: &'a Output, code: i32, case: Option<&dyn Display>) -> &'a Output {
    if out.status.code() != Some(code) {
        let case = case.map(|c| format!("{c}: ")).unwrap_or_default();
        panic!(
            "{case}expected exit code {code}, got {}\n--- stderr ---\n{}\n--- stdout ---\n{}",
            out.status,
            clip(&stderr(out)),
            clip(&stdout(out)),
        );
    }
    out
}

/// `s`, cut to its first 8 KiB so a panic message stays readable.
fn clip(s: &str) -> String {
    const MAX: usize = 8 * 1024;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[... {} more bytes]", &s[..end], s.len() - end)
}

/// The command's stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command's stdout, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stdout then stderr, as text: what a user sees of `git commit` (git hands a hook's stdout to
/// its own stderr).
pub fn combined(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
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

/// Asserts the JSONL report's (rule, path, line) rows are exactly `expected` (in any order); on a
/// mismatch, lists what is missing and what is unexpected.
#[track_caller]
pub fn assert_findings(stdout: &[u8], expected: &[(&str, &str, u64)]) {
    let actual = summary(stdout);
    let mut expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), *l))
        .collect();
    expected.sort();
    if actual != expected {
        let show = |v: Vec<&(String, String, u64)>| {
            v.iter()
                .map(|(r, p, l)| format!("\n    {r} {p}:{l}"))
                .collect::<String>()
        };
        let missing = show(expected.iter().filter(|e| !actual.contains(e)).collect());
        let unexpected = show(actual.iter().filter(|a| !expected.contains(a)).collect());
        panic!("findings differ\n  missing:{missing}\n  unexpected:{unexpected}");
    }
}

// --- test secrets ------------------------------------------------------------------------------

/// Synthetic, high-entropy test secrets, assembled at run time.
pub mod secrets {
    /// A GitHub classic PAT (`ghp_` + 30 alphanumerics + their 6-character CRC32 checksum, so
    /// it is `high` confidence), distinct per `n`.
    pub fn github(n: u32) -> String {
        let body = format!("R8x2Kq9LmZ4vT7wN3pB6yC1dF5hJ0s{n:04}");
        github_with(&body[body.len() - 30..])
    }

    /// A GitHub classic PAT with random part `random` (30 alphanumerics) and a valid checksum.
    pub fn github_with(random: &str) -> String {
        format!(
            "{}{random}{}",
            "ghp_",
            sealant::validate::github_checksum(random)
        )
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

/// The id of the rule that fires on [`secrets::github`].
pub const GITHUB_RULE: &str = "github-classic-pat";

/// A line holding secret `n` with no assignment around it (so only [`GITHUB_RULE`] fires).
pub fn token(n: u32) -> String {
    format!("see {}\n", secrets::github(n))
}

/// An env-file line assigning secret `n`: `GITHUB_TOKEN=...`.
pub fn env_line(n: u32) -> String {
    format!("GITHUB_TOKEN={}\n", secrets::github(n))
}

// --- where tests run ---------------------------------------------------------------------------

/// What [`TestDir`] and [`TestRepo`] share: a throw-away folder to write files in and to run
/// `sealant` in. Relative paths are relative to [`path`](Self::path).
pub trait Sandbox {
    /// The folder (a repository's work tree, or a bare repository's git dir).
    fn path(&self) -> &Path;

    /// `rel` inside the folder.
    fn join(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    /// Writes a file, creating its folders.
    fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// A file's bytes.
    fn read(&self, rel: &str) -> Vec<u8> {
        let p = self.join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// A file's text (it must be UTF-8).
    fn read_text(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Deletes a file.
    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.join(rel)).expect("remove");
    }

    /// Creates a symbolic link at `rel` pointing at `target` (taken as is, so relative targets
    /// resolve from the link's folder).
    fn symlink(&self, target: &str, rel: &str) {
        std::os::unix::fs::symlink(target, self.join(rel)).expect("symlink");
    }

    /// A `sealant` command run in the folder, git's environment scrubbed.
    fn sealant(&self) -> Command {
        sealant_in(self.path())
    }

    /// `sealant ARGS`, run to completion in the folder.
    fn run(&self, args: &[&str]) -> Output {
        run(self.path(), args)
    }
}

/// A plain temp dir, not a git repository.
pub struct TestDir {
    dir: TempDir,
}

impl TestDir {
    /// An empty temp dir.
    pub fn new() -> Self {
        TestDir {
            dir: TempDir::new().expect("temp dir"),
        }
    }

    /// A temp dir holding `files`, (path, content) pairs.
    pub fn with(files: &[(&str, &[u8])]) -> Self {
        let dir = TestDir::new();
        for (rel, content) in files {
            dir.write(rel, content);
        }
        dir
    }

    /// A fresh copy of `fixtures/<name>`, dotfiles included.
    pub fn fixture(name: &str) -> Self {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        let dir = TestDir::new();
        copy_tree(&src, dir.path());
        dir
    }
}

impl Sandbox for TestDir {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A throw-away git repository.
pub struct TestRepo {
    dir: TempDir,
    clock: Cell<u64>,
}

impl TestRepo {
    /// `git init` on branch `main` in a fresh temp dir.
    pub fn new() -> Self {
        TestRepo::init(&["init", "-q", "-b", "main"])
    }

    /// A bare repository.
    pub fn new_bare() -> Self {
        TestRepo::init(&["init", "-q", "--bare", "-b", "main"])
    }

    fn init(args: &[&str]) -> Self {
        let repo = TestRepo {
            dir: TempDir::new().expect("temp dir"),
            clock: Cell::new(0),
        };
        repo.git(args);
        repo
    }

    /// A `git` command in this repo with a scrubbed environment and the next fixed date.
    pub fn git_cmd(&self, args: &[&str]) -> std::process::Command {
        let t = self.clock.get() + 1;
        self.clock.set(t);
        let date = format!("{} +0000", 1_700_000_000 + t * 60);
        let mut cmd = std::process::Command::new("git");
        isolate_git(&mut cmd)
            .args(args)
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("GIT_AUTHOR_NAME", "Ada Tester")
            .env("GIT_AUTHOR_EMAIL", "ada@example.test")
            .env("GIT_COMMITTER_NAME", "Ada Tester")
            .env("GIT_COMMITTER_EMAIL", "ada@example.test")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        cmd
    }

    /// Runs git; panics with its stderr on failure; returns trimmed stdout.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(self.path(), args)
    }

    /// [`git`](Self::git) with this repo's environment, run in another folder (a linked
    /// worktree, a clone).
    #[track_caller]
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = self
            .git_cmd(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {:?} failed: {}",
            args,
            stderr(&out)
        );
        stdout(&out).trim().to_string()
    }

    /// Runs git expecting it to fail (a hook refusing a commit); asserts HEAD did not move and
    /// returns what git printed, stdout then stderr.
    #[track_caller]
    pub fn git_refused(&self, args: &[&str]) -> String {
        let before = self.head();
        let out = self.git_cmd(args).output().expect("git runs");
        let text = combined(&out);
        assert!(
            !out.status.success(),
            "git {args:?} should be refused: {text}"
        );
        assert_eq!(self.head(), before, "HEAD moved");
        text
    }

    /// `git worktree add -q -b BRANCH` into a fresh temp dir outside this repository.
    pub fn add_worktree(&self, branch: &str) -> Worktree {
        let parent = TempDir::new().expect("temp dir");
        let path = parent.path().join("wt");
        self.git(&[
            "worktree",
            "add",
            "-q",
            "-b",
            branch,
            path.to_str().expect("UTF-8 temp path"),
        ]);
        Worktree {
            _parent: parent,
            path,
        }
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
}

impl Sandbox for TestRepo {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A linked worktree of a [`TestRepo`] (see [`TestRepo::add_worktree`]); run git in it with
/// [`TestRepo::git_in`].
pub struct Worktree {
    _parent: TempDir,
    path: PathBuf,
}

impl Sandbox for Worktree {
    fn path(&self) -> &Path {
        &self.path
    }
}

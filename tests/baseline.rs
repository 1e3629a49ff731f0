//! The baseline: create/update/check/import, line-independent matching, renames, expiry,
//! deterministic bytes, atomic writes, malformed files, and the team's pre-commit flow.

use crate::util::*;
use std::path::Path;

const BASELINE: &str = ".sealant-baseline.json";

fn token_line(n: u32) -> String {
    format!("GITHUB_TOKEN={}\n", secrets::github(n))
}

/// A project with two files holding secrets.
fn project() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/app.env"),
        format!("DEBUG=1\n{}", token_line(1)),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("legacy.py"),
        format!("X = 1\nSTRIPE = \"{}\"\n", secrets::stripe(1)),
    )
    .unwrap();
    dir
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    sealant_in(dir).args(args).output().unwrap()
}

#[test]
fn create_writes_hashes_not_secrets_and_suppresses() {
    let dir = project();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(1));
    let out = run(dir.path(), &["baseline", "create"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(read(&dir.path().join(BASELINE))).unwrap();
    assert!(
        !text.contains(&secrets::github(1)) && !text.contains(&secrets::stripe(1)),
        "secret stored: {text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["hash"]["algorithm"], "argon2id");
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    assert_eq!(v["entries"][0]["path"], "config/app.env");
    let out = run(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 baselined"));
    // --no-baseline reports everything again.
    assert_eq!(
        run(dir.path(), &["scan", "--no-baseline"]).status.code(),
        Some(1)
    );
}

#[test]
fn create_refuses_to_overwrite_and_force_keeps_salt_and_labels() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    let path = dir.path().join(BASELINE);
    // A reviewer labels an entry by hand.
    let labeled = String::from_utf8(read(&path)).unwrap().replacen(
        "\"line\": 2",
        "\"line\": 2,\n      \"label\": \"rotated\",\n      \"note\": \"rotated 2026-01\"",
        1,
    );
    std::fs::write(&path, &labeled).unwrap();
    let out = run(dir.path(), &["baseline", "create"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(read(&path), labeled.as_bytes());
    assert_eq!(
        run(dir.path(), &["baseline", "create", "--force"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        String::from_utf8(read(&path)).unwrap(),
        labeled,
        "create --force must give the same bytes"
    );
}

#[test]
fn update_on_an_unchanged_tree_changes_no_byte() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    let path = dir.path().join(BASELINE);
    let before = read(&path);
    let out = run(dir.path(), &["baseline", "update"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("up to date"));
    assert_eq!(read(&path), before);
}

#[test]
fn line_moves_crlf_and_reindentation_do_not_reopen_entries() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    let env = dir.path().join("config/app.env");
    // Lines inserted above.
    std::fs::write(&env, format!("A=1\nB=2\nC=3\nDEBUG=1\n{}", token_line(1))).unwrap();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(0));
    // CRLF.
    std::fs::write(
        &env,
        format!("DEBUG=1\r\n{}", token_line(1).replace('\n', "\r\n")),
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(0));
    // Re-indented.
    std::fs::write(
        dir.path().join("legacy.py"),
        format!("if True:\n        STRIPE = \"{}\"\n", secrets::stripe(1)),
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(0));
    // And update leaves the file alone (line hints are hints).
    let before = read(&dir.path().join(BASELINE));
    run(dir.path(), &["baseline", "update"]);
    assert_eq!(read(&dir.path().join(BASELINE)), before);
}

#[test]
fn a_renamed_file_keeps_its_entries_and_update_reports_the_move() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    std::fs::create_dir_all(dir.path().join("deploy")).unwrap();
    std::fs::rename(
        dir.path().join("config/app.env"),
        dir.path().join("deploy/prod.env"),
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(0));
    let out = run(dir.path(), &["baseline", "update"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("~ github-classic-pat  config/app.env -> deploy/prod.env"),
        "{stdout}"
    );
    let text = String::from_utf8(read(&dir.path().join(BASELINE))).unwrap();
    assert!(text.contains("deploy/prod.env") && !text.contains("config/app.env"));
}

#[test]
fn the_same_secret_pasted_into_a_second_file_is_new() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    std::fs::write(dir.path().join("copy.env"), token_line(1)).unwrap();
    let out = run(dir.path(), &["scan", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        summary(&out.stdout),
        vec![("github-classic-pat".into(), "copy.env".into(), 1)]
    );
}

#[test]
fn stale_entries_fail_check_and_update_drops_them() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    assert_eq!(
        run(dir.path(), &["baseline", "check"]).status.code(),
        Some(0)
    );
    std::fs::write(dir.path().join("legacy.py"), "X = 1\n").unwrap();
    let out = run(dir.path(), &["baseline", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("legacy.py:2  stripe-secret-key  stale"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&run(dir.path(), &["scan"]).stderr).contains("1 stale"));
    let out = run(dir.path(), &["baseline", "update"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("- stripe-secret-key  legacy.py:2"));
    assert_eq!(
        run(dir.path(), &["baseline", "check"]).status.code(),
        Some(0)
    );
}

#[test]
fn expired_entries_stop_suppressing_and_labels_can_be_required() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    assert_eq!(
        run(dir.path(), &["baseline", "check", "--require-labels"])
            .status
            .code(),
        Some(1)
    );
    let path = dir.path().join(BASELINE);
    let text = String::from_utf8(read(&path)).unwrap();
    let text = text.replacen(
        "\"line\": 2",
        "\"line\": 2,\n      \"label\": \"accepted\",\n      \"expires\": \"2001-01-01\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let out = run(dir.path(), &["scan", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        summary(&out.stdout),
        vec![("github-classic-pat".into(), "config/app.env".into(), 2)]
    );
    let out = run(dir.path(), &["baseline", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired"));
}

#[test]
fn writes_are_atomic_renames() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    let path = dir.path().join(BASELINE);
    // A hard link keeps the old inode: a rename-based write leaves it untouched.
    let link = dir.path().join("old-link.json");
    std::fs::hard_link(&path, &link).unwrap();
    let before = read(&path);
    std::fs::write(dir.path().join("new.env"), token_line(2)).unwrap();
    assert_eq!(
        run(dir.path(), &["baseline", "update"]).status.code(),
        Some(0)
    );
    assert_ne!(read(&path), before);
    assert_eq!(
        read(&link),
        before,
        "the file was rewritten in place, not replaced"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn malformed_or_newer_baselines_are_clear_errors_and_untouched() {
    let dir = project();
    let path = dir.path().join(BASELINE);
    for (content, needle) in [
        ("{ not json", "malformed baseline"),
        (
            "{\"version\": 99, \"hash\": {}, \"entries\": []}",
            "format version 99",
        ),
        ("{\"version\": 1, \"entries\": []}", "malformed baseline"),
    ] {
        std::fs::write(&path, content).unwrap();
        for args in [
            &["scan"][..],
            &["baseline", "update"][..],
            &["baseline", "check"][..],
        ] {
            let out = run(dir.path(), args);
            assert_eq!(out.status.code(), Some(2), "{args:?} {content}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(needle), "{stderr}");
            assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
            assert_eq!(read(&path), content.as_bytes());
        }
    }
}

#[test]
fn config_can_disable_inline_allows_for_gates() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("a.env"),
        format!("T={} # sealant:allow\n", secrets::github(3)),
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(0));
    assert_eq!(
        run(dir.path(), &["scan", "--no-inline-allow"])
            .status
            .code(),
        Some(1)
    );
    std::fs::write(
        dir.path().join(".sealant.toml"),
        "[scan]\ninline_allow = false\n",
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(1));
}

#[test]
fn import_from_detect_secrets() {
    use sha1::Digest;
    let dir = project();
    let sha = |s: &str| hex::encode(sha1::Sha1::digest(s.as_bytes()));
    let ds = serde_json::json!({
        "version": "1.5.0",
        "plugins_used": [{"name": "GitHubTokenDetector"}],
        "results": {
            "config/app.env": [{"type": "GitHub Token", "filename": "config/app.env", "hashed_secret": sha(&secrets::github(1)), "is_verified": false, "line_number": 2, "is_secret": false}],
            "gone.txt": [{"type": "Secret Keyword", "filename": "gone.txt", "hashed_secret": sha("nothing"), "is_verified": false, "line_number": 1}]
        },
        "generated_at": "2024-01-01T00:00:00Z"
    });
    std::fs::write(
        dir.path().join(".secrets.baseline"),
        serde_json::to_string_pretty(&ds).unwrap(),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "baseline",
            "import",
            "--from",
            "detect-secrets",
            ".secrets.baseline",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 records matched nothing"));
    let text = String::from_utf8(read(&dir.path().join(BASELINE))).unwrap();
    assert!(text.contains("\"label\": \"false-positive\""), "{text}");
    let out = run(dir.path(), &["scan", "--format", "jsonl"]);
    assert_eq!(
        summary(&out.stdout),
        vec![("stripe-secret-key".into(), "legacy.py".into(), 2)]
    );
}

#[test]
fn import_from_a_gitleaks_report_and_gitleaksignore() {
    let dir = project();
    let report = serde_json::json!([{
        "RuleID": "stripe-access-token", "File": "legacy.py", "StartLine": 2, "EndLine": 2,
        "Secret": "REDACTED", "Fingerprint": "legacy.py:stripe-access-token:2"
    }]);
    std::fs::write(dir.path().join("gitleaks-report.json"), report.to_string()).unwrap();
    let out = run(
        dir.path(),
        &[
            "baseline",
            "import",
            "--from",
            "gitleaks",
            "gitleaks-report.json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(dir.path(), &["scan", "--format", "jsonl"]);
    assert_eq!(
        summary(&out.stdout),
        vec![("github-classic-pat".into(), "config/app.env".into(), 2)]
    );
    // .gitleaksignore, merged into the existing baseline with --force.
    std::fs::write(
        dir.path().join(".gitleaksignore"),
        "# accepted\n0123456789abcdef0123456789abcdef01234567:config/app.env:github-pat:2\n",
    )
    .unwrap();
    assert_eq!(
        run(
            dir.path(),
            &[
                "baseline",
                "import",
                "--from",
                "gitleaks",
                ".gitleaksignore"
            ]
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(
            dir.path(),
            &[
                "baseline",
                "import",
                "--from",
                "gitleaks",
                ".gitleaksignore",
                "--force"
            ]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(run(dir.path(), &["scan"]).status.code(), Some(0));
    // A malformed foreign file is a clear error.
    std::fs::write(dir.path().join("bad.json"), "[{").unwrap();
    let out = run(
        dir.path(),
        &[
            "baseline", "import", "--from", "gitleaks", "bad.json", "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a gitleaks report"));
}

#[test]
fn audit_needs_a_terminal() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    let out = sealant_in(dir.path())
        .args(["baseline", "audit"])
        .write_stdin("f\n\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}

#[test]
fn audit_labels_entries_on_a_terminal() {
    let dir = project();
    run(dir.path(), &["baseline", "create"]);
    // `script` gives sealant a pseudo-terminal; answers come from the pipe.
    let cmd = format!("{} baseline audit", sealant_bin().display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"f\ntest fixture\nr\n\n").unwrap();
        // Keep the terminal open until the labels are written (or give up after 20 s).
        let path = dir.path().join(BASELINE);
        for _ in 0..200 {
            if String::from_utf8_lossy(&read(&path)).contains("rotated") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    let _ = child.wait_with_output().unwrap();
    let text = String::from_utf8(read(&dir.path().join(BASELINE))).unwrap();
    assert!(text.contains("\"label\": \"false-positive\""), "{text}");
    assert!(text.contains("\"note\": \"test fixture\""), "{text}");
    assert!(text.contains("\"label\": \"rotated\""), "{text}");
}

#[test]
fn pre_commit_flow_on_an_old_repository() {
    let repo = TestRepo::new();
    for i in 0..12 {
        repo.write(
            &format!("services/svc{i}/.env"),
            format!("PORT=80{i:02}\n{}", token_line(100 + i)),
        );
    }
    repo.commit_all("old project with secrets");
    repo.sealant().arg("scan").assert().code(1);
    repo.sealant().args(["baseline", "create"]).assert().code(0);
    repo.sealant().arg("install").assert().code(0);
    repo.git(&["add", BASELINE]);
    repo.git(&["commit", "-q", "-m", "adopt sealant baseline"]);
    // An unrelated edit in a file that holds a baselined secret commits cleanly.
    repo.write(
        "services/svc3/.env",
        format!("# staging\nPORT=9000\n{}", token_line(103)),
    );
    repo.git(&["commit", "-q", "-am", "edit"]);
    repo.sealant().arg("scan").assert().code(0);
    // A new secret is blocked.
    repo.write(
        "services/svc4/.env",
        format!("PORT=8004\n{}{}", token_line(104), token_line(999)),
    );
    let out = repo
        .git_cmd(&["commit", "-q", "-am", "new secret"])
        .output()
        .unwrap();
    // git hands a hook's stdout to its own stderr.
    let stdout = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("services/svc4/.env:3"), "{stdout}");
    assert!(!stdout.contains("services/svc4/.env:2"), "{stdout}");
}

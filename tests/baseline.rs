//! The baseline: create/update/check/import, line-independent matching, renames, expiry,
//! deterministic bytes, atomic writes, malformed files, and the team's pre-commit flow.

use crate::util::*;

const BASELINE: &str = ".sealant-baseline.json";

/// A project with two files holding secrets.
fn project() -> TestDir {
    TestDir::with(&[
        (
            "config/app.env",
            format!("DEBUG=1\n{}", env_line(1)).as_bytes(),
        ),
        (
            "legacy.py",
            format!("X = 1\nSTRIPE = \"{}\"\n", secrets::stripe(1)).as_bytes(),
        ),
    ])
}

/// Adds `fields` to the first baseline entry on line 2, as a reviewer editing the file by hand
/// would; returns the new text.
fn edit_entry(dir: &TestDir, fields: &[(&str, &str)]) -> String {
    let added: String = fields
        .iter()
        .map(|(k, v)| format!(",\n      \"{k}\": \"{v}\""))
        .collect();
    let text = dir
        .read_text(BASELINE)
        .replacen("\"line\": 2", &format!("\"line\": 2{added}"), 1);
    dir.write(BASELINE, &text);
    text
}

#[test]
fn create_writes_hashes_not_secrets_and_suppresses() {
    let dir = project();
    dir.run(&["scan"]).assert_exit(1);
    let out = dir.run(&["baseline", "create"]);
    out.assert_exit(0);
    let text = dir.read_text(BASELINE);
    assert!(
        !text.contains(&secrets::github(1)) && !text.contains(&secrets::stripe(1)),
        "secret stored: {text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["hash"]["algorithm"], "argon2id");
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    assert_eq!(v["entries"][0]["path"], "config/app.env");
    let out = dir.run(&["scan"]);
    out.assert_exit(0);
    assert!(stderr(&out).contains("2 baselined"));
    // --no-baseline reports everything again.
    dir.run(&["scan", "--no-baseline"]).assert_exit(1);
}

#[test]
fn create_refuses_to_overwrite_and_force_keeps_salt_and_labels() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    // A reviewer labels an entry by hand.
    let labeled = edit_entry(&dir, &[("label", "rotated"), ("note", "rotated 2026-01")]);
    let out = dir.run(&["baseline", "create"]);
    out.assert_exit(2);
    assert!(stderr(&out).contains("already exists"));
    assert_eq!(dir.read(BASELINE), labeled.as_bytes());
    dir.run(&["baseline", "create", "--force"]).assert_exit(0);
    assert_eq!(
        dir.read_text(BASELINE),
        labeled,
        "create --force must give the same bytes"
    );
}

#[test]
fn update_on_an_unchanged_tree_changes_no_byte() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    let before = dir.read(BASELINE);
    let out = dir.run(&["baseline", "update"]);
    out.assert_exit(0);
    assert!(stderr(&out).contains("up to date"));
    assert_eq!(dir.read(BASELINE), before);
}

#[test]
fn line_moves_crlf_and_reindentation_do_not_reopen_entries() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    // Lines inserted above.
    dir.write(
        "config/app.env",
        format!("A=1\nB=2\nC=3\nDEBUG=1\n{}", env_line(1)),
    );
    dir.run(&["scan"]).assert_exit(0);
    // CRLF.
    dir.write(
        "config/app.env",
        format!("DEBUG=1\r\n{}", env_line(1).replace('\n', "\r\n")),
    );
    dir.run(&["scan"]).assert_exit(0);
    // Re-indented.
    dir.write(
        "legacy.py",
        format!("if True:\n        STRIPE = \"{}\"\n", secrets::stripe(1)),
    );
    dir.run(&["scan"]).assert_exit(0);
    // And update leaves the file alone (line hints are hints).
    let before = dir.read(BASELINE);
    dir.run(&["baseline", "update"]);
    assert_eq!(dir.read(BASELINE), before);
}

#[test]
fn a_renamed_file_keeps_its_entries_and_update_reports_the_move() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    std::fs::rename(dir.join("config/app.env"), dir.join("deploy/prod.env")).unwrap();
    dir.run(&["scan"]).assert_exit(0);
    let out = dir.run(&["baseline", "update"]);
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "~ {GITHUB_RULE}  config/app.env -> deploy/prod.env"
        )),
        "{report}"
    );
    let text = dir.read_text(BASELINE);
    assert!(text.contains("deploy/prod.env") && !text.contains("config/app.env"));
}

#[test]
fn the_same_secret_pasted_into_a_second_file_is_new() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    dir.write("copy.env", env_line(1));
    let out = dir.run(&["scan", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "copy.env", 1)]);
}

#[test]
fn stale_entries_fail_check_and_update_drops_them() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    dir.run(&["baseline", "check"]).assert_exit(0);
    dir.write("legacy.py", "X = 1\n");
    let out = dir.run(&["baseline", "check"]);
    out.assert_exit(1);
    assert!(
        stdout(&out).contains("legacy.py:2  stripe-secret-key  stale"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&dir.run(&["scan"])).contains("1 stale"));
    let out = dir.run(&["baseline", "update"]);
    assert!(stdout(&out).contains("- stripe-secret-key  legacy.py:2"));
    dir.run(&["baseline", "check"]).assert_exit(0);
}

#[test]
fn expired_entries_stop_suppressing_and_labels_can_be_required() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    dir.run(&["baseline", "check", "--require-labels"])
        .assert_exit(1);
    edit_entry(&dir, &[("label", "accepted"), ("expires", "2001-01-01")]);
    let out = dir.run(&["scan", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "config/app.env", 2)]);
    let out = dir.run(&["baseline", "check"]);
    out.assert_exit(1);
    assert!(stdout(&out).contains("expired"));
}

#[test]
fn writes_are_atomic_renames() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    // A hard link keeps the old inode: a rename-based write leaves it untouched.
    std::fs::hard_link(dir.join(BASELINE), dir.join("old-link.json")).unwrap();
    let before = dir.read(BASELINE);
    dir.write("new.env", env_line(2));
    dir.run(&["baseline", "update"]).assert_exit(0);
    assert_ne!(dir.read(BASELINE), before);
    assert_eq!(
        dir.read("old-link.json"),
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
    for (content, needle) in [
        ("{ not json", "malformed baseline"),
        (
            "{\"version\": 99, \"hash\": {}, \"entries\": []}",
            "format version 99",
        ),
        ("{\"version\": 1, \"entries\": []}", "malformed baseline"),
    ] {
        dir.write(BASELINE, content);
        for args in [
            &["scan"][..],
            &["baseline", "update"][..],
            &["baseline", "check"][..],
        ] {
            let out = dir.run(args);
            out.assert_exit_for(2, format!("{args:?} {content}"));
            let err = stderr(&out);
            assert!(err.contains(needle), "{err}");
            assert_eq!(err.trim().lines().count(), 1, "{err}");
            assert_eq!(dir.read(BASELINE), content.as_bytes());
        }
    }
}

#[test]
fn config_can_disable_inline_allows_for_gates() {
    let dir = TestDir::with(&[(
        "a.env",
        format!("T={} # sealant:allow\n", secrets::github(3)).as_bytes(),
    )]);
    dir.run(&["scan"]).assert_exit(0);
    dir.run(&["scan", "--no-inline-allow"]).assert_exit(1);
    dir.write(".sealant.toml", "[scan]\ninline_allow = false\n");
    dir.run(&["scan"]).assert_exit(1);
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
    dir.write(
        ".secrets.baseline",
        serde_json::to_string_pretty(&ds).unwrap(),
    );
    let out = dir.run(&[
        "baseline",
        "import",
        "--from",
        "detect-secrets",
        ".secrets.baseline",
    ]);
    out.assert_exit(0);
    assert!(stderr(&out).contains("1 records matched nothing"));
    let text = dir.read_text(BASELINE);
    assert!(text.contains("\"label\": \"false-positive\""), "{text}");
    let out = dir.run(&["scan", "--format", "jsonl"]);
    assert_findings(&out.stdout, &[("stripe-secret-key", "legacy.py", 2)]);
}

#[test]
fn import_from_a_gitleaks_report_and_gitleaksignore() {
    let dir = project();
    let report = serde_json::json!([{
        "RuleID": "stripe-access-token", "File": "legacy.py", "StartLine": 2, "EndLine": 2,
        "Secret": "REDACTED", "Fingerprint": "legacy.py:stripe-access-token:2"
    }]);
    dir.write("gitleaks-report.json", report.to_string());
    let out = dir.run(&[
        "baseline",
        "import",
        "--from",
        "gitleaks",
        "gitleaks-report.json",
    ]);
    out.assert_exit(0);
    let out = dir.run(&["scan", "--format", "jsonl"]);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "config/app.env", 2)]);
    // .gitleaksignore, merged into the existing baseline with --force.
    dir.write(
        ".gitleaksignore",
        "# accepted\n0123456789abcdef0123456789abcdef01234567:config/app.env:github-pat:2\n",
    );
    let import = [
        "baseline",
        "import",
        "--from",
        "gitleaks",
        ".gitleaksignore",
    ];
    dir.run(&import).assert_exit(2);
    dir.run(&[&import[..], &["--force"]].concat())
        .assert_exit(0);
    dir.run(&["scan"]).assert_exit(0);
    // A malformed foreign file is a clear error.
    dir.write("bad.json", "[{");
    let out = dir.run(&[
        "baseline", "import", "--from", "gitleaks", "bad.json", "--force",
    ]);
    out.assert_exit(2);
    assert!(stderr(&out).contains("not a gitleaks report"));
}

#[test]
fn audit_needs_a_terminal() {
    let dir = project();
    dir.run(&["baseline", "create"]);
    let out = dir
        .sealant()
        .args(["baseline", "audit"])
        .write_stdin("f\n\n")
        .output()
        .unwrap();
    out.assert_exit(2);
    assert!(stderr(&out).contains("needs a terminal"));
}

#[test]
fn audit_labels_entries_on_a_terminal() {
    let dir = project();
    dir.run(&["baseline", "create"]);
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
        for _ in 0..200 {
            if String::from_utf8_lossy(&dir.read(BASELINE)).contains("rotated") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    let _ = child.wait_with_output().unwrap();
    let text = dir.read_text(BASELINE);
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
            format!("PORT=80{i:02}\n{}", env_line(100 + i)),
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
        format!("# staging\nPORT=9000\n{}", env_line(103)),
    );
    repo.git(&["commit", "-q", "-am", "edit"]);
    repo.sealant().arg("scan").assert().code(0);
    // A new secret is blocked.
    repo.write(
        "services/svc4/.env",
        format!("PORT=8004\n{}{}", env_line(104), env_line(999)),
    );
    let text = repo.git_refused(&["commit", "-q", "-am", "new secret"]);
    assert!(text.contains("services/svc4/.env:3"), "{text}");
    assert!(!text.contains("services/svc4/.env:2"), "{text}");
}

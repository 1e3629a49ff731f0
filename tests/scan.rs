//! `sealant scan` on plain folders and stdin.

use crate::util::*;

#[test]
fn stdin_scan_finds_a_token_and_exits_1() {
    let dir = tempfile::TempDir::new().unwrap();
    let input = format!("token = \"{}\"\n", secrets::github(1));
    let out = sealant_in(dir.path())
        .args(["scan", "-", "--format", "jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = jsonl(&out.stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "-");
    assert_eq!(f[0]["line"], 1);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(&secrets::github(1)),
        "secret leaked"
    );
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    for (rel, content) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

#[test]
fn clean_folder_exits_0_with_a_summary() {
    let dir = dir_with(&[
        ("src/main.py", b"print('hello')\n"),
        (
            ".env.example",
            b"API_KEY=your-api-key-here\nDB_PASSWORD=CHANGEME_DB_PASSWORD\n",
        ),
    ]);
    let out = sealant_in(dir.path()).arg("scan").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scanned 2 files") && stderr.contains("0 findings"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn hidden_files_are_scanned_gitignored_and_git_dirs_are_not() {
    let tok = secrets::github(2);
    let dir = dir_with(&[
        (".env", format!("T={tok}\n").as_bytes()),
        (".aws/credentials", format!("T={tok}\n").as_bytes()),
        ("ignored.log", format!("T={tok}\n").as_bytes()),
        (".gitignore", b"ignored.log\n"),
        (".git/config", format!("T={tok}\n").as_bytes()),
    ]);
    let out = sealant_in(dir.path())
        .args(["scan", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let paths: Vec<String> = summary(&out.stdout)
        .into_iter()
        .map(|(_, p, _)| p)
        .collect();
    assert_eq!(
        paths,
        vec![".aws/credentials".to_string(), ".env".to_string()]
    );
}

#[test]
fn bad_input_is_handled_and_counted() {
    let tok = secrets::github(3);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in format!("KEY={tok}\r\n").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let mut invalid = b"junk \xff\xfe\xc3 ".to_vec();
    invalid.extend_from_slice(format!("TOKEN={tok}\n").as_bytes());
    let long_line = format!("var a=\"{}\";t=\"{tok}\";", "x".repeat(200_000));
    let dir = dir_with(&[
        ("bin.dat", b"\x00\x01\x02 binary with ghp_ keyword"),
        ("utf16.env", &utf16),
        ("invalid.txt", &invalid),
        ("crlf.env", format!("A=1\r\nTOKEN={tok}\r\n").as_bytes()),
        ("min.js", long_line.as_bytes()),
        ("big.txt", &vec![b'a'; 2 * 1024 * 1024]),
    ]);
    std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
    let out = sealant_in(dir.path())
        .args(["scan", "--format", "jsonl", "--max-file-size", "1M"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        summary(&out.stdout),
        vec![
            ("github-classic-pat".into(), "crlf.env".into(), 2),
            ("github-classic-pat".into(), "invalid.txt".into(), 1),
            ("github-classic-pat".into(), "min.js".into(), 1),
            ("github-classic-pat".into(), "utf16.env".into(), 1),
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 binary")
            && stderr.contains("1 too large")
            && stderr.contains("1 symlinks"),
        "{stderr}"
    );
    // The CRLF line's secret ends before the '\r'.
    let crlf = jsonl(&out.stdout)
        .into_iter()
        .find(|f| f["path"] == "crlf.env")
        .unwrap();
    assert_eq!(crlf["column"], 7);
    assert_eq!(crlf["end_column"], 47);
}

#[test]
fn symlink_loops_are_reported_when_following_links() {
    let dir = dir_with(&[("a/file.txt", b"clean\n")]);
    std::os::unix::fs::symlink("..", dir.path().join("a/up")).unwrap();
    std::os::unix::fs::symlink("missing-target", dir.path().join("dangling")).unwrap();
    let out = sealant_in(dir.path())
        .args(["scan", "-L"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sealant: error: a/up"), "{stderr}");
    assert!(stderr.contains("sealant: error: dangling"), "{stderr}");
}

#[test]
fn findings_win_over_errors_for_the_exit_code() {
    let dir = dir_with(&[("a.env", format!("T={}\n", secrets::github(4)).as_bytes())]);
    std::os::unix::fs::symlink("missing-target", dir.path().join("dangling")).unwrap();
    let out = sealant_in(dir.path())
        .args(["scan", "-L"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn missing_path_and_bad_flags_are_usage_errors() {
    let dir = dir_with(&[]);
    let out = sealant_in(dir.path())
        .args(["scan", "nope/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "sealant: error: nope/: no such file or directory"
    );
    assert_eq!(exit_code(dir.path(), &["scan", "--format", "xml"]), Some(2));
    assert_eq!(
        exit_code(dir.path(), &["scan", "--max-file-size", "lots"]),
        Some(2)
    );
    assert_eq!(exit_code(dir.path(), &["--version"]), Some(0));
}

#[test]
fn malformed_config_is_a_one_line_error() {
    let dir = dir_with(&[
        (".sealant.toml", b"[allowlist\npaths = 3\n"),
        ("a.txt", b"x"),
    ]);
    let out = sealant_in(dir.path()).arg("scan").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("sealant: error: malformed config"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let dir = dir_with(&[(".sealant.toml", b"[rules]\ndisable = [\"no-such-rule\"]\n")]);
    let out = sealant_in(dir.path()).arg("scan").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule`"));
}

#[test]
fn config_adds_rules_disables_rules_and_allowlists() {
    let config = r#"
[allowlist]
paths = ["vendor/"]
stopwords = ["R8x2Kq9LmZ4vT7wN3pB6yC1dF5hJ0sA20009"]

[rules]
disable = ["stripe-secret-key"]

[[rule]]
id = "acme-token"
description = "ACME internal token"
keywords = ["acme_"]
regex = '''\b(acme_[a-z0-9]{24})\b'''
examples = ["acme_k3j9x0p2m8q7w1e5r4t6y2u9"]
negative_examples = ["acme_short"]
"#;
    let dir = dir_with(&[
        (".sealant.toml", config.as_bytes()),
        (
            "a.txt",
            format!(
                "x = acme_k3j9x0p2m8q7w1e5r4t6y2u9\nS = \"{}\"\n",
                secrets::stripe(1)
            )
            .as_bytes(),
        ),
        (
            "vendor/lib.txt",
            format!("T={}\n", secrets::github(5)).as_bytes(),
        ),
        ("b.txt", format!("T={}\n", secrets::github(9)).as_bytes()),
    ]);
    let out = sealant_in(dir.path())
        .args(["scan", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        summary(&out.stdout),
        vec![("acme-token".into(), "a.txt".into(), 1)]
    );
    let out = sealant_in(dir.path())
        .args(["rules", "check", ".sealant.toml"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn show_secrets_is_opt_in_and_output_files_work() {
    let tok = secrets::github(6);
    let dir = dir_with(&[("a.env", format!("T={tok}\n").as_bytes())]);
    let out = sealant_in(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&tok));
    let out = sealant_in(dir.path())
        .args(["scan", "--format", "json", "--show-secrets"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["secret"], tok.as_str());
    let report = dir.path().join("out/report.json");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let out = sealant_in(dir.path())
        .args(["scan", "a.env", "--format", "json", "-o", "out/report.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    let f = &v[0];
    for key in [
        "rule",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "fingerprint",
        "secret",
        "entropy",
    ] {
        assert!(!f[key].is_null(), "missing {key}");
    }
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
}

#[test]
fn fingerprints_do_not_depend_on_the_line() {
    let tok = secrets::github(7);
    let a = dir_with(&[("x.env", format!("T={tok}\n").as_bytes())]);
    let b = dir_with(&[("x.env", format!("\n\n\nT={tok}\n").as_bytes())]);
    let fp = |d: &tempfile::TempDir| {
        jsonl(
            &sealant_in(d.path())
                .args(["scan", "--format", "jsonl"])
                .output()
                .unwrap()
                .stdout,
        )[0]["fingerprint"]
            .clone()
    };
    assert_eq!(fp(&a), fp(&b));
}

#[test]
fn sarif_output_is_valid_against_the_2_1_0_schema() {
    let dir = dir_with(&[(
        "deploy/app.env",
        format!("T={}\nS={}\n", secrets::github(8), secrets::stripe(2)).as_bytes(),
    )]);
    let report = dir.path().join("report.sarif");
    let out = sealant_in(dir.path())
        .args(["scan", "deploy", "--format", "sarif", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/app.env"
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    let idx = results[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
        results[0]["ruleId"]
    );
    validate_sarif(&report);
}

/// Validates with Python's jsonschema against the official schema that scripts/test.sh fetches.
pub fn validate_sarif(report: &std::path::Path) {
    let Some(schema) =
        std::env::var_os("SEALANT_SARIF_SCHEMA").filter(|s| std::path::Path::new(s).is_file())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "SARIF schema missing under CI: run tests via scripts/test.sh"
        );
        eprintln!(
            "note: SEALANT_SARIF_SCHEMA not set; skipping schema validation (use scripts/test.sh)"
        );
        return;
    };
    let script = "import json,sys,jsonschema\nschema=json.load(open(sys.argv[1]))\ndoc=json.load(open(sys.argv[2]))\njsonschema.Draft4Validator(schema).validate(doc)\nprint('valid')";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(schema)
        .arg(report)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "SARIF invalid: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_list_and_check() {
    let dir = dir_with(&[]);
    let out = sealant_in(dir.path())
        .args(["rules", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listed = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(listed >= 60, "{listed} rules");
    let out = sealant_in(dir.path())
        .args(["rules", "check"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad = dir_with(&[("r.toml", b"[[rule]]\nid = \"x\"\nkeywords = [\"zz_\"]\nregex = '''zz_[a-z]{4}'''\nexamples = [\"zz_ab\"]\nnegative_examples = [\"nothing\"]\n")]);
    let out = sealant_in(bad.path())
        .args(["rules", "check", "r.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rule `x`: example #1 does not match"));
}

#[test]
fn junit_report_has_one_failed_case_per_finding() {
    let dir = dir_with(&[(
        "a.env",
        format!("T={}\nS={}\n", secrets::github(10), secrets::stripe(3)).as_bytes(),
    )]);
    let out = sealant_in(dir.path())
        .args(["scan", "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 2, "{xml}");
    assert!(xml.contains(r#"name="a.env:1:3""#), "{xml}");
    assert!(!xml.contains(&secrets::github(10)));
    let clean = dir_with(&[("a.txt", b"nothing\n")]);
    let out = sealant_in(clean.path())
        .args(["scan", "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(r#"failures="0""#));
}

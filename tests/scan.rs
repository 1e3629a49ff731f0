//! `sealant scan` on plain folders and stdin.

use crate::util::*;

#[test]
fn stdin_scan_finds_a_token_and_exits_1() {
    let dir = TestDir::new();
    let input = format!("token = \"{}\"\n", secrets::github(1));
    let out = dir
        .sealant()
        .args(["scan", "-", "--format", "jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "-");
    assert_eq!(f[0]["line"], 1);
    assert!(!stdout(&out).contains(&secrets::github(1)), "secret leaked");
}

#[test]
fn clean_folder_exits_0_with_a_summary() {
    let dir = TestDir::with(&[
        ("src/main.py", b"print('hello')\n"),
        (
            ".env.example",
            b"API_KEY=your-api-key-here\nDB_PASSWORD=CHANGEME_DB_PASSWORD\n",
        ),
    ]);
    let out = dir.run(&["scan"]);
    out.assert_exit(0);
    let err = stderr(&out);
    assert!(
        err.contains("scanned 2 files") && err.contains("0 findings"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn hidden_files_are_scanned_gitignored_and_git_dirs_are_not() {
    let tok = secrets::github(2);
    let dir = TestDir::with(&[
        (".env", format!("T={tok}\n").as_bytes()),
        (".aws/credentials", format!("T={tok}\n").as_bytes()),
        ("ignored.log", format!("T={tok}\n").as_bytes()),
        (".gitignore", b"ignored.log\n"),
        (".git/config", format!("T={tok}\n").as_bytes()),
    ]);
    let out = dir.run(&["scan", "--format", "jsonl"]);
    out.assert_exit(1);
    let mut paths: Vec<String> = summary(&out.stdout)
        .into_iter()
        .map(|(_, p, _)| p)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        // Each twice: the token, and the file itself (credentials-file, env-file).
        [".aws/credentials", ".aws/credentials", ".env", ".env"].map(String::from)
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
    let dir = TestDir::with(&[
        ("bin.dat", b"\x00\x01\x02 binary with ghp_ keyword"),
        ("utf16.env", &utf16),
        ("invalid.txt", &invalid),
        ("crlf.env", format!("A=1\r\nTOKEN={tok}\r\n").as_bytes()),
        ("min.js", long_line.as_bytes()),
        ("big.txt", &vec![b'a'; 2 * 1024 * 1024]),
    ]);
    dir.symlink("loop", "loop");
    let out = dir.run(&["scan", "--format", "jsonl", "--max-file-size", "1M"]);
    out.assert_exit(1);
    assert_findings(
        &out.stdout,
        &[
            (GITHUB_RULE, "crlf.env", 2),
            (GITHUB_RULE, "invalid.txt", 1),
            (GITHUB_RULE, "min.js", 1),
            (GITHUB_RULE, "utf16.env", 1),
        ],
    );
    let err = stderr(&out);
    assert!(
        err.contains("1 binary") && err.contains("1 too large") && err.contains("1 symlinks"),
        "{err}"
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
    let dir = TestDir::with(&[("a/file.txt", b"clean\n")]);
    dir.symlink("..", "a/up");
    dir.symlink("missing-target", "dangling");
    let out = dir.run(&["scan", "-L"]);
    out.assert_exit(2);
    let err = stderr(&out);
    assert!(err.contains("sealant: error: a/up"), "{err}");
    assert!(err.contains("sealant: error: dangling"), "{err}");
}

#[test]
fn findings_win_over_errors_for_the_exit_code() {
    let dir = TestDir::with(&[("a.env", format!("T={}\n", secrets::github(4)).as_bytes())]);
    dir.symlink("missing-target", "dangling");
    dir.run(&["scan", "-L"]).assert_exit(1);
}

#[test]
fn missing_path_and_bad_flags_are_usage_errors() {
    let dir = TestDir::new();
    let out = dir.run(&["scan", "nope/"]);
    out.assert_exit(2);
    assert_eq!(
        stderr(&out).trim(),
        "sealant: error: nope/: no such file or directory"
    );
    dir.run(&["scan", "--format", "xml"]).assert_exit(2);
    dir.run(&["scan", "--max-file-size", "lots"]).assert_exit(2);
    dir.run(&["--version"]).assert_exit(0);
}

#[test]
fn malformed_config_is_a_one_line_error() {
    let dir = TestDir::with(&[
        (".sealant.toml", b"[allowlist\npaths = 3\n"),
        ("a.txt", b"x"),
    ]);
    let out = dir.run(&["scan"]);
    out.assert_exit(2);
    let err = stderr(&out);
    assert!(err.starts_with("sealant: error: malformed config"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let dir = TestDir::with(&[(".sealant.toml", b"[rules]\ndisable = [\"no-such-rule\"]\n")]);
    let out = dir.run(&["scan"]);
    out.assert_exit(2);
    assert!(stderr(&out).contains("unknown rule `no-such-rule`"));
}

#[test]
fn config_adds_rules_disables_rules_and_allowlists() {
    let config = r#"
[allowlist]
paths = ["vendor/"]
stopwords = ["Kq9LmZ4vT7wN3pB6yC1dF5hJ0s0009"]

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
    let dir = TestDir::with(&[
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
    let out = dir.run(&["scan", "--format", "jsonl"]);
    assert_findings(&out.stdout, &[("acme-token", "a.txt", 1)]);
    dir.run(&["rules", "check", ".sealant.toml"]).assert_exit(0);
}

#[test]
fn show_secrets_is_opt_in_and_output_files_work() {
    let tok = secrets::github(6);
    let dir = TestDir::with(&[("a.env", format!("T={tok}\n").as_bytes())]);
    let out = dir.run(&["scan", "--format", "json"]);
    assert!(!stdout(&out).contains(&tok));
    let out = dir.run(&["scan", "--format", "json", "--show-secrets"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["secret"], tok.as_str());
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let out = dir.run(&["scan", "a.env", "--format", "json", "-o", "out/report.json"]);
    out.assert_exit(1);
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&dir.read("out/report.json")).unwrap();
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
    let a = TestDir::with(&[("x.env", format!("T={tok}\n").as_bytes())]);
    let b = TestDir::with(&[("x.env", format!("\n\n\nT={tok}\n").as_bytes())]);
    // Two folders: the same key (fingerprints are keyed, see `fingerprints_are_keyed`).
    let fp = |d: &TestDir| {
        let out = d
            .sealant()
            .args(["scan", "--format", "jsonl"])
            .env("SEALANT_FINGERPRINT_KEY", "shared-key")
            .output()
            .unwrap();
        jsonl(&out.stdout)[0]["fingerprint"].clone()
    };
    assert_eq!(fp(&a), fp(&b));
}

#[test]
fn sarif_output_is_valid_against_the_2_1_0_schema() {
    let dir = TestDir::with(&[(
        "deploy/app.env",
        format!("T={}\nS={}\n", secrets::github(8), secrets::stripe(2)).as_bytes(),
    )]);
    let report = dir.join("report.sarif");
    let out = dir
        .sealant()
        .args(["scan", "deploy", "--format", "sarif", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    out.assert_exit(1);
    let v: serde_json::Value = serde_json::from_slice(&dir.read("report.sarif")).unwrap();
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
    assert!(out.status.success(), "SARIF invalid: {}", stderr(&out));
}

#[test]
fn rules_list_and_check() {
    let dir = TestDir::new();
    let out = dir.run(&["rules", "list"]);
    out.assert_exit(0);
    let listed = stdout(&out).lines().count();
    assert!(listed >= 60, "{listed} rules");
    dir.run(&["rules", "check"]).assert_exit(0);
    let bad = TestDir::with(&[("r.toml", b"[[rule]]\nid = \"x\"\nkeywords = [\"zz_\"]\nregex = '''zz_[a-z]{4}'''\nexamples = [\"zz_ab\"]\nnegative_examples = [\"nothing\"]\n")]);
    let out = bad.run(&["rules", "check", "r.toml"]);
    out.assert_exit(1);
    assert!(stderr(&out).contains("rule `x`: example #1 does not match"));
}

#[test]
fn junit_report_has_one_failed_case_per_finding() {
    let dir = TestDir::with(&[(
        "a.env",
        format!("T={}\nS={}\n", secrets::github(10), secrets::stripe(3)).as_bytes(),
    )]);
    let out = dir.run(&["scan", "--format", "junit"]);
    out.assert_exit(1);
    let xml = stdout(&out);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 2, "{xml}");
    // The counts Jenkins and GitLab read, on both levels.
    assert!(
        xml.contains(r#"<testsuites name="sealant" tests="2" failures="2">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="sealant" tests="2" failures="2">"#),
        "{xml}"
    );
    assert!(xml.contains(r#"name="a.env:1:3""#), "{xml}");
    assert!(!xml.contains(&secrets::github(10)));
    let clean = TestDir::with(&[("a.txt", b"nothing\n")]);
    let out = clean.run(&["scan", "--format", "junit"]);
    out.assert_exit(0);
    assert!(stdout(&out).contains(r#"failures="0""#));
}

#[test]
fn the_project_passes_its_own_scanner() {
    // README's first command, on our own checkout: test values in `src/` are assembled at run
    // time, and rules/, fixtures/, tests/, benches/ and fuzz/ are allowlisted in .sealant.toml.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = sealant_in(root)
        .args(["scan", "--format", "jsonl"])
        .output()
        .unwrap();
    out.assert_exit(0);
    assert!(jsonl(&out.stdout).is_empty());
}

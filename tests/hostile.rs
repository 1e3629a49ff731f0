//! Fail closed (issue 8): exit 0 only for content that was read and found clean. Large files,
//! hostile names, tracked-but-ignored files, unbounded inputs, lying timestamps, renames out of
//! allowlisted folders, a branch that tries to switch the gate off, keyed fingerprints, and the
//! smaller leaks: each test here failed before the change.

use crate::util::*;

/// A file of `size` bytes of harmless text lines with `line` spliced in at `at` (a line start).
fn big_text(size: usize, inserts: &[(usize, &str)]) -> Vec<u8> {
    let filler = b"just some harmless configuration text, nothing to see\n";
    let mut out = Vec::with_capacity(size + 1024);
    let mut inserts = inserts.iter().peekable();
    while out.len() < size {
        if let Some((at, line)) = inserts.peek() {
            if out.len() >= *at {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
                inserts.next();
                continue;
            }
        }
        out.extend_from_slice(filler);
    }
    for (_, line) in inserts {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

fn lines_of(stdout: &[u8]) -> Vec<u64> {
    let mut v: Vec<u64> = jsonl(stdout)
        .iter()
        .filter(|f| f["rule"] == GITHUB_RULE)
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn large_files_are_scanned_in_every_mode() {
    let r = TestRepo::new();
    r.write("README.md", "docs\n");
    let base = r.commit_all("base");
    // 20 MiB: over the old default limit; a token on line 1.
    r.write("big.env", big_text(20 << 20, &[(0, &env_line(1))]));
    r.git(&["add", "big.env"]);
    let out = r.run(&["staged", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_eq!(lines_of(&out.stdout), vec![1]);
    r.run(&["scan", "--format", "jsonl"]).assert_exit(1);
    r.commit_all("big");
    r.run(&["history", &format!("{base}..HEAD")]).assert_exit(1);
    // The user may still choose to skip large files: listed, not silent.
    let out = r.run(&["scan", "--max-file-size", "1M"]);
    out.assert_exit(0);
    let err = stderr(&out);
    assert!(
        err.contains("not scanned (larger than the size limit you set): big.env"),
        "{err}"
    );
    // 0 would skip everything: refused.
    r.run(&["scan", "--max-file-size", "0"]).assert_exit(2);
}

#[test]
fn files_too_large_for_memory_are_streamed_with_exact_positions() {
    let dir = TestDir::new();
    // 70 MiB (over the 64 MiB in-memory limit), tokens on the first line, near 8 MiB step
    // edges, and on the last line.
    let size = 70 << 20;
    let t = |n| env_line(n).trim_end().to_string();
    let (a, b, c, d) = (t(1), t(2), t(3), t(4));
    let content = big_text(
        size,
        &[
            (0, &a),
            ((8 << 20) - 20, &b),
            ((16 << 20) - 3, &c),
            (size, &d),
        ],
    );
    let expected: Vec<u64> = {
        let text = String::from_utf8_lossy(&content);
        let mut v: Vec<u64> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with("GITHUB_TOKEN="))
            .map(|(i, _)| i as u64 + 1)
            .collect();
        v.sort();
        v
    };
    assert_eq!(expected.len(), 4);
    dir.write("huge.env", &content);
    let out = dir.run(&["scan", "--format", "jsonl", "-j", "2"]);
    out.assert_exit(1);
    assert_eq!(lines_of(&out.stdout), expected);
    // Standard input is streamed the same way.
    let out = dir
        .sealant()
        .args(["scan", "-", "--format", "jsonl"])
        .write_stdin(content)
        .output()
        .unwrap();
    out.assert_exit(1);
    assert_eq!(lines_of(&out.stdout), expected);
}

#[test]
fn control_characters_in_names_and_commits_are_escaped() {
    let r = TestRepo::new();
    let evil = "a\x1b[2Jb\rBLOCKED\nok.env";
    r.write(evil, env_line(1));
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "leak \x1b[31mred\x1b[0m"]);
    for args in [&["scan"][..], &["history"], &["scan", "--show-secrets"]] {
        let out = r.run(args);
        out.assert_exit_for(1, format!("{args:?}"));
        let all = combined(&out);
        assert!(
            !all.contains('\x1b') && !all.contains('\r'),
            "{args:?}: {all:?}"
        );
        assert!(
            all.contains("a\\x1b[2Jb\\rBLOCKED\\nok.env"),
            "{args:?}: {all}"
        );
    }
    let out = r.run(&["history"]);
    assert!(
        stdout(&out).contains("leak \\x1b[31mred"),
        "{}",
        stdout(&out)
    );
    // Machine formats escape per their own specs.
    let out = r.run(&["scan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["path"], evil);
    let out = r.run(&["scan", "--format", "junit"]);
    assert!(!stdout(&out).contains('\x1b'));
}

#[test]
fn tracked_files_that_ignore_rules_exclude_are_scanned() {
    let r = TestRepo::new();
    r.write(".gitignore", "*.env\n");
    r.write("forced.env", env_line(1));
    r.git(&["add", "-f", "forced.env"]);
    r.write("excluded.txt", format!("token {}\n", secrets::github(2)));
    r.git(&["add", "excluded.txt"]);
    r.commit_all("force-added");
    r.write(".git/info/exclude", "excluded.txt\n");
    // Untracked and ignored: still skipped.
    r.write("local.env", env_line(3));
    let out = r.run(&["scan", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(
        &out.stdout,
        &[
            (GITHUB_RULE, "excluded.txt", 1),
            (GITHUB_RULE, "forced.env", 1),
        ],
    );
    r.run(&["baseline", "create"]).assert_exit(0);
    let baseline = r.read_text(".sealant-baseline.json");
    assert!(baseline.contains("forced.env") && baseline.contains("excluded.txt"));
    assert!(!baseline.contains("local.env"));
}

#[test]
fn a_baseline_with_absurd_hash_parameters_is_a_clear_error() {
    for (field, value) in [("memory_kib", "4000000000"), ("iterations", "4000000000")] {
        let dir = TestDir::with(&[("a.env", env_line(1).as_bytes())]);
        dir.run(&["baseline", "create"]).assert_exit(0);
        let text = dir.read_text(".sealant-baseline.json");
        let edited = regex_replace(&text, field, value);
        dir.write(".sealant-baseline.json", edited);
        let out = dir.run(&["scan"]);
        out.assert_exit_for(2, field);
        let err = stderr(&out);
        assert!(err.contains(&format!("hash.{field}")), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

/// Replaces the number after `"field":` in pretty JSON.
fn regex_replace(text: &str, field: &str, value: &str) -> String {
    let key = format!("\"{field}\": ");
    let start = text.find(&key).expect("field present") + key.len();
    let end = start + text[start..].find(|c: char| !c.is_ascii_digit()).unwrap();
    format!("{}{value}{}", &text[..start], &text[end..])
}

#[test]
fn a_file_with_millions_of_matches_reports_a_capped_list() {
    let dir = TestDir::new();
    let mut line = String::with_capacity(6 << 20);
    for i in 0..200_000u32 {
        line.push_str(&format!("password=Zq8xK2vR{i:07}w;"));
    }
    line.push('\n');
    dir.write("dump.env", &line);
    let out = dir.run(&["scan", "--format", "jsonl"]);
    out.assert_exit(1);
    let n = jsonl(&out.stdout).len();
    assert!((1..=1000).contains(&n), "{n} findings");
    let err = stderr(&out);
    assert!(err.contains("dump.env: and about"), "{err}");
}

#[test]
fn fifos_and_devices_named_as_arguments_are_errors() {
    let dir = TestDir::new();
    let fifo = dir.join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    for arg in [fifo.to_str().unwrap(), "/dev/zero"] {
        let out = dir.run(&["scan", arg]);
        out.assert_exit_for(2, arg);
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
    // Met during a walk, a FIFO is skipped and counted.
    dir.write("a.txt", "hello\n");
    let out = dir.run(&["scan"]);
    out.assert_exit(0);
    assert!(
        stderr(&out).contains("FIFOs, sockets or devices"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn attribution_follows_ancestry_when_timestamps_lie() {
    let r = TestRepo::new();
    // Each commit is dated *earlier* than its parent (a rebase, a skewed clock).
    let commit = |msg: &str, date: &str| {
        r.git(&["add", "-A"]);
        let out = r
            .git_cmd(&["commit", "-q", "--allow-empty", "-m", msg])
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_DATE", date)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        r.head()
    };
    r.write("a.env", env_line(1));
    let first = commit("add", "1700003000 +0000");
    r.write("a.env", "X=1\n");
    commit("remove", "1700002000 +0000");
    r.write("a.env", env_line(1));
    let again = commit("re-add", "1700001000 +0000");
    for _ in 0..3 {
        let out = r.run(&["history", "--all", "--format", "jsonl"]);
        out.assert_exit(1);
        let f = &jsonl(&out.stdout)[0];
        assert_eq!(
            f["commit"],
            first.as_str(),
            "attributed to the re-adding commit"
        );
        assert_eq!(f["occurrences"][0]["commit"], again.as_str());
    }
}

#[test]
fn a_rename_out_of_an_allowlisted_folder_is_new_in_a_ci_range() {
    let r = TestRepo::new();
    r.write(".sealant.toml", "[allowlist]\npaths = [\"fixtures/\"]\n");
    r.write("fixtures/t.env", env_line(1));
    let base = r.commit_all("fixture");
    r.git(&["mv", "fixtures/t.env", "prod.env"]);
    r.git(&["add", "-A"]);
    r.run(&["staged"]).assert_exit(1);
    r.git(&["commit", "-q", "--no-verify", "-m", "promote"]);
    let out = r.run(&["history", &format!("{base}..HEAD"), "--format", "jsonl"]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "prod.env", 1)]);
}

#[test]
fn config_rev_keeps_a_branch_from_switching_the_gate_off() {
    let r = TestRepo::new();
    r.write("README.md", "docs\n");
    let base = r.commit_all("base");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(".sealant.toml", "[allowlist]\npaths = [\"**\"]\n");
    r.write("leak.env", env_line(1));
    r.commit_all("switch the scanner off and leak");
    let range = format!("{base}..HEAD");
    // The branch's own config hides the leak ...
    r.run(&["history", "--no-inline-allow", &range])
        .assert_exit(0);
    // ... the base branch's does not.
    let out = r.run(&[
        "history",
        "--config-rev",
        "main",
        &range,
        "--format",
        "jsonl",
    ]);
    out.assert_exit(1);
    assert_findings(&out.stdout, &[(GITHUB_RULE, "leak.env", 1)]);
    // A baseline the branch adds is ignored too.
    r.write(".sealant.toml", "");
    r.run(&["baseline", "create", "--force"]).assert_exit(0);
    r.commit_all("baseline the leak");
    r.run(&["history", &range]).assert_exit(0);
    r.run(&["history", "--config-rev", "main", &range])
        .assert_exit(1);
    // A revision that does not exist is a usage error.
    r.run(&["history", "--config-rev", "nope", &range])
        .assert_exit(2);
}

#[test]
fn a_range_whose_base_a_shallow_clone_lacks_is_an_error_with_a_hint() {
    let origin = TestRepo::new();
    for i in 0..3 {
        origin.write("f.txt", format!("{i}\n"));
        origin.commit_all(&format!("c{i}"));
    }
    let first = origin.git(&["rev-list", "--max-parents=0", "HEAD"]);
    let clone = TestDir::new();
    let url = format!("file://{}", origin.path().display());
    origin.git_in(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let out = sealant_in(&clone.join("shallow"))
        .args(["history", &format!("{first}..HEAD")])
        .output()
        .unwrap();
    out.assert_exit(2);
    let err = stderr(&out);
    assert!(
        err.contains("shallow clone") && err.contains("fetch-depth: 0"),
        "{err}"
    );
    // A scan that works says how many commits it covered, even none.
    let out = sealant_in(&clone.join("shallow"))
        .args(["history", "HEAD..HEAD"])
        .output()
        .unwrap();
    out.assert_exit(0);
    assert!(stderr(&out).contains("0 commits"), "{}", stderr(&out));
}

#[test]
fn fingerprints_are_keyed() {
    let dir = TestDir::with(&[("x.env", env_line(1).as_bytes())]);
    let fingerprint = |key: Option<&str>| {
        let mut cmd = dir.sealant();
        cmd.args(["scan", "--format", "jsonl", "--no-baseline"]);
        if let Some(k) = key {
            cmd.env("SEALANT_FINGERPRINT_KEY", k);
        }
        let out = cmd.output().unwrap();
        jsonl(&out.stdout)[0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The old, unkeyed construction anyone could compute from the secret.
    let unkeyed = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(format!(
            "sealant-fp-v1\0github-classic-pat\0x.env\0{}",
            secrets::github(1)
        ));
        hex::encode(&h.finalize()[..16])
    };
    let a = fingerprint(Some("key-a"));
    assert_eq!(a, fingerprint(Some("key-a")), "stable for one key");
    assert_ne!(a, fingerprint(Some("key-b")));
    assert_ne!(fingerprint(None), unkeyed);
    // With a baseline, its salt keys them: stable run after run without the variable.
    dir.write("y.env", env_line(2));
    dir.run(&["baseline", "create"]).assert_exit(0);
    dir.remove("x.env");
    dir.write("x.env", env_line(1));
    let b = fingerprint(None);
    assert_eq!(b, fingerprint(None));
}

#[test]
fn smaller_leaks() {
    // SARIF declares how it counts columns.
    let dir = TestDir::with(&[("a.env", env_line(1).as_bytes())]);
    let out = dir.run(&["scan", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"][0]["columnKind"], "unicodeCodePoints");

    // `baseline update` writes through a symlinked baseline.
    let shared = TestDir::new();
    let target = shared.join("baseline.json");
    dir.run(&["baseline", "create", "--baseline", target.to_str().unwrap()])
        .assert_exit(0);
    std::os::unix::fs::symlink(&target, dir.join(".sealant-baseline.json")).unwrap();
    dir.write("b.env", env_line(2));
    dir.run(&["baseline", "update"]).assert_exit(0);
    let link = std::fs::symlink_metadata(dir.join(".sealant-baseline.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(&target).unwrap().contains("b.env"));

    // gitleaks records with non-numeric lines are rejected; nothing matched writes nothing.
    let fresh = TestDir::with(&[("a.env", env_line(1).as_bytes())]);
    fresh.write(
        "report.json",
        r#"[{"File": "a.env", "StartLine": "one", "RuleID": "github-pat"}]"#,
    );
    fresh
        .run(&["baseline", "import", "--from", "gitleaks", "report.json"])
        .assert_exit(2);
    fresh.write("ignore", "a.env:github-pat:99\n");
    let out = fresh.run(&["baseline", "import", "--from", "gitleaks", "ignore"]);
    out.assert_exit(2);
    assert!(!fresh.join(".sealant-baseline.json").exists());
}

#[test]
fn commit_messages_are_scanned_on_request() {
    let r = TestRepo::new();
    r.write("a.txt", "clean\n");
    r.git(&["add", "-A"]);
    let msg = format!("deploy with {}", secrets::github(5));
    r.git(&["commit", "-q", "-m", &msg]);
    r.run(&["history"]).assert_exit(0);
    let out = r.run(&["history", "--include-messages", "--format", "jsonl"]);
    out.assert_exit(1);
    let f = &jsonl(&out.stdout)[0];
    assert_eq!(f["path"], "<commit message>");
    assert_eq!(f["commit"], r.head().as_str());
}

/// An index entry nested thousands of directories deep (`git update-index --cacheinfo` needs no
/// file on disk) is a clear error, not a stack overflow; a deep but checkout-able path is
/// scanned. Found by the `index` fuzz target (fuzz/regressions/index/).
#[test]
fn an_index_nested_absurdly_deep_is_an_error_not_a_crash() {
    let r = TestRepo::new();
    r.write("a.txt", "hello\n");
    r.commit_all("first");
    r.write("secret.env", env_line(4));
    let blob = r.git(&["hash-object", "-w", "secret.env"]);
    std::fs::remove_file(r.path().join("secret.env")).expect("remove");
    let add = |depth: usize| {
        let path = format!("{}s.env", "d/".repeat(depth));
        r.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{blob},{path}"),
        ]);
    };
    add(300);
    let out = r.run(&["staged"]);
    out.assert_exit(1);
    assert!(stdout(&out).contains("s.env"), "{}", combined(&out));
    // Index version 4 stores long paths that version 2's 12-bit length cannot.
    r.git(&["update-index", "--index-version", "4"]);
    add(2000);
    r.run(&["staged"]).assert_exit_for(1, "2000-deep index");
    add(5000);
    let out = r.run(&["staged"]);
    out.assert_exit_for(2, "5000-deep index");
    let err = stderr(&out);
    assert!(err.contains("deeper than 2048"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

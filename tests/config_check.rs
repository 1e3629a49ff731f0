//! `sealant config check`: what a valid config gives, and the configs it rejects (exit 2, one
//! line) or warns about.

use crate::util::*;

const CUSTOM: &str = r#"[scan]
min_confidence = "high"

[allowlist]
paths = ["docs/", "*.lock"]
regexes = ["^EXAMPLE"]

[rules]
disable = ["stripe-secret-key"]

[[rule]]
id = "acme-token"
description = "ACME internal token"
keywords = ["acme_"]
regex = '''\b(acme_[a-z0-9]{24})\b'''
examples = ["acme_k3j9x0p2m8q7w1e5r4t6y2u9"]
"#;

/// The built-in rule count, as `rules list` prints it on stderr (`N rules`).
fn builtin_count() -> usize {
    let out = TestDir::new().run(&["rules", "list"]);
    out.assert_exit(0);
    stdout(&out).lines().count()
}

/// The error line of a rejected config: exit 2, one `sealant: error:` line on stderr.
#[track_caller]
fn rejected(dir: &TestDir, args: &[&str]) -> String {
    let out = dir.run(args);
    out.assert_exit(2);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("sealant: error: "), "{err}");
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    lines[0].to_string()
}

#[test]
fn no_config_means_built_in_defaults() {
    let dir = TestDir::new();
    let out = dir.run(&["config", "check"]);
    out.assert_exit(0);
    let text = stdout(&out);
    let n = builtin_count();
    assert!(
        text.contains("config: no .sealant.toml: built-in defaults"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "rules: {n} enabled ({n} built-in, 0 disabled, 0 custom)"
        )),
        "{text}"
    );
    assert!(text.contains("allowlist: 0 paths, 0 regexes"), "{text}");
    for line in [
        "scan.max_file_size: none (every file is scanned) (default)",
        "scan.inline_allow: true (default)",
        "scan.min_confidence: medium (default)",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}

#[test]
fn discovered_config_shows_counts_entries_and_origins() {
    let dir = TestDir::with(&[(".sealant.toml", CUSTOM.as_bytes())]);
    let out = dir.run(&["config", "check"]);
    out.assert_exit(0);
    let text = stdout(&out);
    let n = builtin_count();
    assert!(text.contains(".sealant.toml\n"), "{text}");
    assert!(
        text.contains(&format!(
            "rules: {n} enabled ({n} built-in, 1 disabled, 1 custom)"
        )),
        "{text}"
    );
    assert!(text.contains("  disabled: stripe-secret-key"), "{text}");
    assert!(text.contains("  custom: acme-token"), "{text}");
    assert!(
        text.contains("allowlist: 2 paths, 1 regexes, 0 stopwords, 0 match regexes"),
        "{text}"
    );
    assert!(text.contains("  path: docs/\n  path: *.lock\n"), "{text}");
    assert!(
        text.contains("scan.min_confidence: high (.sealant.toml)"),
        "{text}"
    );
    assert!(text.contains("scan.inline_allow: true (default)"), "{text}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn config_flag_names_the_file() {
    let dir = TestDir::with(&[
        (
            "conf/strict.toml",
            b"[scan]\nmax_file_size = 1000\ninline_allow = false\n",
        ),
        // The discovered file is bad: --config must not read it.
        (".sealant.toml", b"[scan\n"),
    ]);
    for flag in ["--config", "-c"] {
        let out = dir.run(&["config", "check", flag, "conf/strict.toml"]);
        out.assert_exit(0);
        let text = stdout(&out);
        assert!(text.contains("config: conf/strict.toml"), "{text}");
        assert!(
            text.contains("scan.max_file_size: 1000 bytes (.sealant.toml)"),
            "{text}"
        );
        assert!(
            text.contains("scan.inline_allow: false (.sealant.toml)"),
            "{text}"
        );
    }
    let line = rejected(&dir, &["config", "check", "--config", "missing.toml"]);
    assert!(line.contains("cannot read config missing.toml"), "{line}");
}

#[test]
fn malformed_toml_typos_and_unknown_rules_exit_2_with_one_line() {
    let cases: &[(&str, &str)] = &[
        ("[scan\nmax_file_size = 1\n", "malformed config"),
        ("[scan]\nmax_file_sise = 1000\n", "max_file_sise"),
        ("[allowlist]\npath = [\"docs/\"]\n", "`path`"),
        ("[scna]\n", "scna"),
        (
            "[rules]\ndisable = [\"no-such-rule\"]\n",
            "[rules] disable names unknown rule `no-such-rule`",
        ),
        ("[allowlist]\nregexes = [\"(unclosed\"]\n", "(unclosed"),
        ("[scan]\nmin_confidence = \"hihg\"\n", "hihg"),
    ];
    for (toml, expect) in cases {
        let dir = TestDir::with(&[(".sealant.toml", toml.as_bytes())]);
        let line = rejected(&dir, &["config", "check"]);
        assert!(line.contains(".sealant.toml"), "{toml}: {line}");
        assert!(line.contains(expect), "{toml}: {line}");
    }
}

#[test]
fn disabling_every_rule_is_rejected() {
    let ids: Vec<String> = stdout(&TestDir::new().run(&["rules", "list"]))
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(|id| format!("\"{id}\"")))
        .collect();
    let all = format!("[rules]\ndisable = [{}]\n", ids.join(", "));
    let dir = TestDir::with(&[(".sealant.toml", all.as_bytes())]);
    let line = rejected(&dir, &["config", "check"]);
    assert!(line.contains("no rules left enabled"), "{line}");

    // One custom rule left is a valid (if narrow) config.
    let one = format!("{all}\n{}", &CUSTOM[CUSTOM.find("[[rule]]").unwrap()..]);
    let dir = TestDir::with(&[(".sealant.toml", one.as_bytes())]);
    let out = dir.run(&["config", "check"]);
    out.assert_exit(0);
    assert!(
        stdout(&out).contains("rules: 1 enabled"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_allowlist_that_allows_everything_is_rejected() {
    let cases: &[(&str, &str)] = &[
        (
            "paths = [\"docs/\", \"**\"]",
            "path `**` matches every file",
        ),
        ("paths = [\"*\"]", "path `*` matches every file"),
        ("regexes = [\".*\"]", "regex `.*` matches every secret"),
        ("regexes = [\"^\"]", "regex `^` matches every secret"),
        ("stopwords = [\"\"]", "empty stopword"),
        ("matches = [\"(?s).*\"]", "match regex `(?s).*`"),
    ];
    for (entry, expect) in cases {
        let toml = format!("[allowlist]\n{entry}\n");
        let dir = TestDir::with(&[(".sealant.toml", toml.as_bytes())]);
        let line = rejected(&dir, &["config", "check"]);
        assert!(line.contains(expect), "{entry}: {line}");
        assert!(line.contains("nothing would be scanned"), "{entry}: {line}");
    }
    // Narrow entries are fine.
    let dir = TestDir::with(&[(
        ".sealant.toml",
        b"[allowlist]\npaths = [\"*.md\", \"tests/**\"]\nregexes = [\"^EXAMPLE\", \"(?i)dummy\"]\nstopwords = [\"placeholder\"]\n",
    )]);
    dir.run(&["config", "check"]).assert_exit(0);
}

#[test]
fn a_custom_rule_without_examples_is_a_warning() {
    let toml = "[[rule]]\nid = \"acme-token\"\ndescription = \"ACME\"\nkeywords = [\"acme_\"]\nregex = '''acme_[a-z0-9]{24}'''\n";
    let dir = TestDir::with(&[(".sealant.toml", toml.as_bytes())]);
    let out = dir.run(&["config", "check"]);
    out.assert_exit(0);
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("rule `acme-token` has no examples"),
        "{err}"
    );
    assert!(stdout(&out).contains("  custom: acme-token"));
}

#[test]
fn a_custom_rule_whose_allowlist_allows_everything_is_a_warning() {
    let toml = format!(
        "{}\n[rule.allowlist]\nregexes = [\".*\"]\n",
        &CUSTOM[CUSTOM.find("[[rule]]").unwrap()..]
    );
    let dir = TestDir::with(&[(".sealant.toml", toml.as_bytes())]);
    let out = dir.run(&["config", "check"]);
    out.assert_exit(0);
    let err = stderr(&out);
    assert!(
        err.contains("rule `acme-token`: its allowlist's regex `.*` matches every secret"),
        "{err}"
    );
}

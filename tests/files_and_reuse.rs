//! Sensitive files as findings (file rules: a committed `.env`, key, keystore, state file) and
//! one secret reused across environments, in every mode, allowlistable and baselinable.

use crate::util::*;

fn rules_of(out: &std::process::Output) -> Vec<(String, String)> {
    jsonl(&out.stdout)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(out: &std::process::Output, rule: &str, path: &str) -> bool {
    rules_of(out).iter().any(|(r, p)| r == rule && p == path)
}

#[test]
fn sensitive_files_are_findings_whatever_they_hold() {
    let dir = TestDir::with(&[
        (".env", b"DEBUG=1\n"),
        (".env.example", b"API_KEY=your-key-here\n"),
        ("certs/client.p12", b"\x30\x82\x01\x00\x00binary keystore"),
        (
            "certs/ca.pem",
            b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        ),
        ("infra/terraform.tfstate", b"{\"version\": 4}\n"),
        ("deploy/.ssh/id_ed25519", b"not really a key\n"),
        (".venv-named/.env/lib/site.py", b"print(1)\n"),
        ("tests/fixtures/.env", b"DEBUG=1\n"),
    ]);
    let out = scan(dir.path(), &[]);
    out.assert_exit(1);
    assert_findings(
        &out.stdout,
        &[
            ("env-file", ".env", 1),
            ("keystore-file", "certs/client.p12", 1),
            ("ssh-private-key-file", "deploy/.ssh/id_ed25519", 1),
            ("terraform-state-file", "infra/terraform.tfstate", 1),
        ],
    );
    // A path-only finding: no secret to show, and the text report says so.
    let text = stdout(&dir.run(&["scan", ".", "--no-baseline"]));
    assert!(text.contains(".env:1:1  env-file  (file)"), "{text}");
    // Under a test path it is low confidence: shown with --min-confidence low.
    let low = scan(dir.path(), &["--min-confidence", "low"]);
    assert!(has(&low, "env-file", "tests/fixtures/.env"));
}

#[test]
fn file_rules_can_be_disabled_allowlisted_and_baselined() {
    let dir = TestDir::with(&[(".env", b"DEBUG=1\n"), ("certs/client.p12", b"\x00\x01")]);
    dir.write(
        ".sealant.toml",
        "[rules]\ndisable = [\"keystore-file\"]\n[allowlist]\npaths = [\".env\"]\n",
    );
    scan(dir.path(), &[]).assert_exit(0);
    dir.write(".sealant.toml", "");
    dir.run(&["baseline", "update"]).assert_exit(0);
    dir.run(&["scan", "."]).assert_exit(0);
    dir.write("web/.env.production", "DEBUG=0\n");
    let out = dir.run(&["scan", ".", "--format", "jsonl"]);
    out.assert_exit(1);
    assert_eq!(
        rules_of(&out),
        [("env-file".to_string(), "web/.env.production".to_string())]
    );
}

#[test]
fn a_staged_keystore_and_dotenv_block_the_commit() {
    let repo = TestRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit_all("initial");
    repo.write("android/release.jks", b"\xfe\xed\xfe\xed\x00binary");
    repo.write("backend/.env.staging", "DEBUG=1\n");
    repo.git(&["add", "."]);
    let out = repo.run(&["staged", "--format", "jsonl"]);
    out.assert_exit(1);
    assert!(has(&out, "keystore-file", "android/release.jks"));
    assert!(has(&out, "env-file", "backend/.env.staging"));
}

#[test]
fn history_finds_a_removed_state_file() {
    let repo = TestRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit_all("initial");
    repo.write("infra/terraform.tfstate", "{\"version\": 4}\n");
    let added = repo.commit_all("oops, state");
    repo.remove("infra/terraform.tfstate");
    repo.commit_all("remove state");
    let out = history(repo.path(), &[]);
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    let state = f
        .iter()
        .find(|f| f["rule"] == "terraform-state-file")
        .unwrap_or_else(|| panic!("{}", stdout(&out)));
    assert_eq!(state["commit"], added.as_str());
    assert_eq!(state["presence"], "history-only");
}

const SHARED: &str = "Zq8xK2vRw9LmT4pB";

#[test]
fn one_secret_in_two_environments_is_reported_once_naming_both() {
    let dir = TestDir::with(&[
        (
            "deploy/values-staging.yaml",
            format!("db:\n  password: {SHARED}\n").as_bytes(),
        ),
        (
            "deploy/values-prod.yaml",
            format!("db:\n  password: {SHARED}\n").as_bytes(),
        ),
        (
            "config/development.yml",
            b"db:\n  password: Hq7vR2xK9mPz4Lw8\n",
        ),
        (
            "config/production.yml",
            b"db:\n  password: Pz9wQ4xL7mK2vR8n\n",
        ),
        // The same value twice in one environment is not reuse across environments.
        (
            "docker-compose.prod.yml",
            b"x:\n  DB_PASSWORD: Lk8vQ2xZ7mP4wR9n\n",
        ),
        ("ops/prod/app.yml", b"x:\n  DB_PASSWORD: Lk8vQ2xZ7mP4wR9n\n"),
    ]);
    let out = scan(dir.path(), &["--show-secrets"]);
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    let reused: Vec<&serde_json::Value> = f
        .iter()
        .filter(|f| f["rule"] == "secret-reused-across-environments")
        .collect();
    assert_eq!(reused.len(), 1, "{}", stdout(&out));
    assert_eq!(reused[0]["path"], "deploy/values-prod.yaml");
    let description = reused[0]["description"].as_str().unwrap();
    assert!(
        description.contains("production (deploy/values-prod.yaml:2)")
            && description.contains("staging (deploy/values-staging.yaml:2)"),
        "{description}"
    );
    // The text report names both places and never the value.
    let text = stdout(&dir.run(&["scan", ".", "--no-baseline"]));
    assert!(text.contains("secret-reused-across-environments"), "{text}");
    assert!(!text.contains(SHARED), "secret leaked: {text}");
    // Baselined, it stays quiet; rotated in one environment, it goes away.
    dir.run(&["baseline", "update"]).assert_exit(0);
    dir.run(&["scan", "."]).assert_exit(0);
}

#[test]
fn history_reports_reuse_across_environments_across_commits() {
    let repo = TestRepo::new();
    repo.write(".env.dev", format!("DB_PASSWORD={SHARED}\n"));
    repo.commit_all("dev env");
    repo.write(".env.prod", format!("DB_PASSWORD={SHARED}\n"));
    repo.commit_all("prod env");
    let out = history(repo.path(), &[]);
    out.assert_exit(1);
    // One blob at two paths is scanned once, yet each path is its own committed .env.
    assert!(has(&out, "env-file", ".env.dev") && has(&out, "env-file", ".env.prod"));
    let reused: Vec<serde_json::Value> = jsonl(&out.stdout)
        .into_iter()
        .filter(|f| f["rule"] == "secret-reused-across-environments")
        .collect();
    assert_eq!(reused.len(), 1, "{}", stdout(&out));
    let description = reused[0]["description"].as_str().unwrap();
    assert!(
        description.contains(".env.dev:1") && description.contains(".env.prod:1"),
        "{description}"
    );
}

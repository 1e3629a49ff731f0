//! Decode and rescan: secrets inside base64, percent-encoding and string escapes, in every mode
//! (scan, stdin, staged, history), placed on the encoded value and naming the decoding chain.

use crate::util::*;
use base64::Engine as _;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

const DB_URL: &str = "postgres://app:Vq8xLr2mNp4TzK9w@db.internal:5432/app";

/// A Kubernetes `Secret` with a base64 `DATABASE_URL`, a short base64 password and a decoded
/// placeholder.
fn k8s_secret() -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  DATABASE_URL: {}\n  password: {}\n  api-key: {}\n",
        b64(DB_URL),
        b64("Tr0ub4dor&3xQz7"),
        b64("changeme"),
    )
}

fn chain(f: &serde_json::Value) -> Vec<String> {
    f["decoded"]
        .as_array()
        .map(|a| a.iter().map(|e| e.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn carriers_are_decoded_and_findings_sit_on_the_encoded_value() {
    let docker = format!(
        "{{\n  \"auths\": {{\n    \"registry.acme.io\": {{ \"auth\": \"{}\" }}\n  }}\n}}\n",
        b64("deploy:Hq7vR2xK9mPz4Lw8")
    );
    let pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDq0QJ8r0m6cXb1G2YVn7v5sA1kOmV5rS4tqVn9ZJb9nAAAAJg3pLxUN6S8\n-----END OPENSSH PRIVATE KEY-----\n";
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: {}\n",
        b64(pem)
    );
    let dir = TestDir::with(&[
        ("k8s/secret.yaml", k8s_secret().as_bytes()),
        (".docker/config.json", docker.as_bytes()),
        ("kubeconfig", kubeconfig.as_bytes()),
        (
            "scripts/call.sh",
            format!(
                "curl -H \"Authorization: Basic {}\" https://api.acme.io\n",
                b64("svc:Pz9wQ4xL7mK2vR8n")
            )
            .as_bytes(),
        ),
        (
            ".npmrc",
            format!(
                "//registry.acme.io/:_auth={}\n",
                b64("bot:Xv8qL3mZ9wK2pR7t")
            )
            .as_bytes(),
        ),
        (
            "config/redirect.env",
            b"NEXT=https%3A%2F%2Fadmin%3AQm7xV2pL9zK4wR8t%40db.acme.io%2Fadmin\n",
        ),
        (
            "config/nested.json",
            b"{\"settings\": \"{\\\"db_password\\\": \\\"Lk8vQ2xZ7mP4wR9n\\\"}\"}\n",
        ),
    ]);
    let out = scan(dir.path(), &["--show-secrets"]);
    out.assert_exit(1);
    assert_findings(
        &out.stdout,
        &[
            ("npmrc-auth-credentials", ".npmrc", 1),
            ("docker-registry-auth", ".docker/config.json", 3),
            ("generic-password", "config/nested.json", 1),
            ("url-basic-auth", "config/redirect.env", 1),
            ("postgres-connection-url", "k8s/secret.yaml", 6),
            ("generic-password", "k8s/secret.yaml", 7),
            ("private-key-openssh", "kubeconfig", 6),
            ("kubeconfig-file", "kubeconfig", 1),
            ("basic-auth-credentials", "scripts/call.sh", 1),
        ],
    );
    let findings = jsonl(&out.stdout);
    let by_path = |p: &str| findings.iter().find(|f| f["path"] == p).unwrap();
    // The decoded secret is reported, at the encoded value's column, with its chain.
    let db = by_path("k8s/secret.yaml");
    assert_eq!(db["secret"], "Vq8xLr2mNp4TzK9w");
    assert_eq!(db["column"], 17);
    assert_eq!(chain(db), ["base64"]);
    assert_eq!(by_path(".docker/config.json")["secret"], "Hq7vR2xK9mPz4Lw8");
    assert_eq!(chain(by_path("config/redirect.env")), ["percent"]);
    assert_eq!(by_path("config/redirect.env")["column"], 6);
    assert_eq!(chain(by_path("config/nested.json")), ["escape"]);
    assert_eq!(by_path("config/nested.json")["secret"], "Lk8vQ2xZ7mP4wR9n");
    // Text output says what was decoded and never shows the secret.
    let text = dir.run(&["scan", ".", "--no-baseline"]);
    let report = stdout(&text);
    assert!(report.contains("inside a base64 value"), "{report}");
    assert!(
        !report.contains("Vq8xLr2mNp4TzK9w"),
        "secret leaked: {report}"
    );
    assert!(
        !report.contains("Hq7vR2xK9mPz4Lw8"),
        "secret leaked: {report}"
    );
}

#[test]
fn nested_encodings_report_the_whole_chain() {
    let twice = b64(&b64(DB_URL));
    let dir = TestDir::with(&[(
        "deploy/values.yaml",
        format!("bootstrap: {twice}\n").as_bytes(),
    )]);
    let out = scan(dir.path(), &["--show-secrets"]);
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    assert_eq!(f.len(), 1, "{}", stdout(&out));
    assert_eq!(f[0]["rule"], "postgres-connection-url");
    assert_eq!(chain(&f[0]), ["base64", "base64"]);
    assert_eq!(f[0]["column"], 12);
}

#[test]
fn decoded_placeholders_and_binary_values_are_silent() {
    let key = base64::engine::general_purpose::STANDARD.encode([0xA7u8; 32]);
    let dir = TestDir::with(&[
        (
            "k8s/secret.yaml",
            format!(
                "kind: Secret\ndata:\n  password: {}\n  token: {}\n  region: {}\n",
                b64("changeme"),
                b64("${DB_TOKEN}"),
                b64("eu-west-1")
            )
            .as_bytes(),
        ),
        (
            "config.json",
            format!(
                "{{\"auths\": {{\"r.io\": {{\"auth\": \"{}\"}}}}}}\n",
                b64("user:")
            )
            .as_bytes(),
        ),
        (
            "static/logo.txt",
            format!("data:image/png;base64,{key}{key}\n").as_bytes(),
        ),
    ]);
    let out = scan(dir.path(), &[]);
    out.assert_exit(0);
}

#[test]
fn an_allow_comment_on_the_encoded_line_holds() {
    let dir = TestDir::with(&[(
        "k8s/secret.yaml",
        format!(
            "kind: Secret\ndata:\n  DATABASE_URL: {}  # sealant:allow rotated in INC-42\n",
            b64(DB_URL)
        )
        .as_bytes(),
    )]);
    scan(dir.path(), &[]).assert_exit(0);
}

#[test]
fn stdin_is_decoded_too() {
    let dir = TestDir::new();
    let out = dir
        .sealant()
        .args(["scan", "-", "--format", "jsonl"])
        .write_stdin(k8s_secret())
        .output()
        .unwrap();
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    let rules: Vec<&str> = f.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["postgres-connection-url", "generic-password"]);
    assert!(f.iter().all(|f| chain(f) == ["base64"]));
    assert_eq!(f[0]["line"], 6);
}

#[test]
fn staged_gate_blocks_an_encoded_secret_and_the_baseline_accepts_it() {
    let repo = TestRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit_all("initial");
    repo.write("k8s/secret.yaml", k8s_secret());
    repo.git(&["add", "k8s/secret.yaml"]);
    let out = repo.run(&["staged"]);
    out.assert_exit(1);
    let report = stdout(&out);
    assert!(report.contains("k8s/secret.yaml:6:17"), "{report}");
    assert!(report.contains("postgres-connection-url"), "{report}");
    assert!(report.contains("base64"), "{report}");
    // Accepted in the baseline, the same decoded findings no longer block.
    repo.run(&["baseline", "update"]).assert_exit(0);
    let baseline = repo.read_text(".sealant-baseline.json");
    assert!(
        !baseline.contains("Vq8xLr2mNp4TzK9w"),
        "baseline holds a secret"
    );
    repo.run(&["staged"]).assert_exit(0);
}

#[test]
fn history_attributes_a_decoded_secret_to_its_commit() {
    let repo = TestRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit_all("initial");
    repo.write("k8s/secret.yaml", k8s_secret());
    let added = repo.commit_all("add the app secret");
    repo.remove("k8s/secret.yaml");
    repo.commit_all("remove it");
    let out = history(repo.path(), &[]);
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    let db = f
        .iter()
        .find(|f| f["rule"] == "postgres-connection-url")
        .unwrap_or_else(|| panic!("{}", stdout(&out)));
    assert_eq!(db["commit"], added.as_str());
    assert_eq!(db["presence"], "history-only");
    assert_eq!(chain(db), ["base64"]);
    assert_eq!(db["line"], 6);
}

#[test]
fn sarif_names_the_decoding() {
    let dir = TestDir::with(&[("k8s/secret.yaml", k8s_secret().as_bytes())]);
    let out = dir.run(&["scan", ".", "--no-baseline", "--format", "sarif"]);
    out.assert_exit(1);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results
        .iter()
        .all(|r| r["properties"]["decoded"] == serde_json::json!(["base64"])));
}

//! The projects under `fixtures/`, scanned end to end: a FastAPI/React app with the usual places
//! secrets leak (`.env`, docker-compose, a Dockerfile, a notebook, a CI workflow, a Kubernetes
//! Secret, Terraform), a secret-management playbook full of placeholders, and files in unusual
//! encodings. Each test pins the exact (rule, path, line) list, so a rule change that gains or
//! loses a finding shows up here as a readable diff.
//!
//! Fixtures are copied into a temp dir first: this repository's `.sealant.toml` allowlists
//! `fixtures/`, and the copy keeps each fixture's own `.gitignore` in charge of what is skipped.

use crate::util::*;
use std::path::Path;

/// A file's text as the scanner sees it: UTF-16 with a BOM transcoded, invalid UTF-8 replaced.
fn text_of(path: &Path) -> String {
    let raw = std::fs::read(path).unwrap();
    match raw.strip_prefix(&[0xFF, 0xFE]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(&raw).into_owned(),
    }
}

/// Checks the unredacted findings against the files: each secret sits on its reported line
/// (or, for PEM blocks, spans the reported lines) and never swallows a line ending. Returns the
/// secrets.
fn secrets_where_reported(dir: &Path) -> Vec<String> {
    let out = scan(dir, &["--show-secrets"]);
    let mut secrets = Vec::new();
    for f in jsonl(&out.stdout) {
        let secret = f["secret"]
            .as_str()
            .expect("--show-secrets prints the secret");
        let path = f["path"].as_str().unwrap();
        if secret == "(file)" {
            // A file rule's finding: the file itself, at 1:1.
            assert_eq!(
                (f["line"].as_u64(), f["column"].as_u64()),
                (Some(1), Some(1))
            );
            continue;
        }
        let (line, end_line) = (f["line"].as_u64().unwrap(), f["end_line"].as_u64().unwrap());
        let text = text_of(&dir.join(path));
        let lines: Vec<&str> = text.split('\n').collect();
        let span = lines[line as usize - 1..end_line as usize].join("\n");
        if f["decoded"]
            .as_array()
            .is_some_and(|chain| !chain.is_empty())
        {
            // Found in decoded content: the encoded value sits on the reported lines.
            let column = f["column"].as_u64().unwrap() as usize;
            let encoded: String = lines[line as usize - 1].chars().skip(column - 1).collect();
            assert!(
                decodes_to_contain(&encoded, secret),
                "{path}:{line}:{column}: no encoded value holding the secret there"
            );
            secrets.push(secret.to_string());
            continue;
        }
        assert!(
            span.contains(secret),
            "{path}:{line}-{end_line}: {secret:?} not in {span:?}"
        );
        assert!(!secret.contains('\r'), "{path}:{line}: secret includes CR");
        assert_eq!(
            secret.lines().count() as u64,
            end_line - line + 1,
            "{path}:{line}: end_line"
        );
        secrets.push(secret.to_string());
    }
    assert!(!secrets.is_empty());
    secrets
}

/// The default (redacted) report shows no 8-character run of any secret (rule descriptions, which
/// name token prefixes such as `sk_live_`, aside).
fn assert_redacted(stdout: &[u8], secrets: &[String]) {
    let report: String = jsonl(stdout)
        .into_iter()
        .map(|mut f| {
            f.as_object_mut().unwrap().remove("description");
            f.to_string()
        })
        .collect();
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for w in chars.windows(8) {
            let run: String = w.iter().collect();
            assert!(!report.contains(&run), "report leaks {run:?} of a secret");
        }
    }
}

#[test]
fn fastapi_react_app_reports_exactly_its_leaks() {
    let dir = TestDir::fixture("fastapi-react-app");
    // Ignored by the fixture's .gitignore (`*.tfstate`): holds a password, is never reported.
    assert!(dir.join("terraform/terraform.tfstate").is_file());
    let out = scan(dir.path(), &[]);
    out.assert_exit(1);
    let err = stderr(&out);
    assert!(err.contains("scanned 21 files"), "{err}");
    assert_findings(
        &out.stdout,
        &[
            // `CODECOV_TOKEN:` hard-coded in a step's env block; every `${{ secrets.X }}` is silent,
            // and so is the service container's `postgres:postgres`.
            ("codecov-upload-token", ".github/workflows/ci.yml", 40),
            // backend/.env: every secret in it is live. Where a specific rule and a key=value rule both
            // match (STRIPE_SECRET_KEY, AWS_SECRET_ACCESS_KEY, FERNET_KEY ...) only the specific
            // one is reported.
            // The committed dotenv files themselves.
            ("env-file", "backend/.env", 1),
            ("env-file", "frontend/.env.local", 1),
            ("aws-access-key-id", "backend/.env", 19),
            ("aws-secret-access-key", "backend/.env", 20),
            ("fernet-key", "backend/.env", 29),
            ("generic-password", "backend/.env", 27), // SMTP_PASSWORD
            ("generic-secret", "backend/.env", 9),    // JWT_SECRET
            ("generic-secret", "backend/.env", 12),   // SECRET_KEY (not hex)
            ("hex-encryption-key", "backend/.env", 30), // ENCRYPTION_KEY, 64 hex
            ("openai-project-key", "backend/.env", 16),
            ("postgres-connection-url", "backend/.env", 6),
            ("redis-connection-url", "backend/.env", 7), // rediss://:<pw>@ (no user)
            ("stripe-secret-key", "backend/.env", 14),
            ("stripe-webhook-secret", "backend/.env", 15),
            // `ENV SENTRY_AUTH_TOKEN=sntryu_...`; `${BUILD_TOKEN}` in a URL is a reference.
            ("sentry-user-auth-token", "backend/Dockerfile", 16),
            // POSTGRES_PASSWORD (map form), MINIO_ROOT_PASSWORD (quoted list item),
            // RABBITMQ_DEFAULT_PASS (list form); the `${VAR}` entries are silent.
            ("generic-password", "docker-compose.yml", 31),
            ("generic-password", "docker-compose.yml", 48),
            ("generic-password", "docker-compose.yml", 54),
            // The leaked VITE_ key; src/api.ts only reads import.meta.env.
            ("gcp-api-key", "frontend/.env.local", 2),
            // stringData: the plain password.
            ("generic-password", "k8s/secret.yaml", 9),
            // data: base64 values, decoded: the Stripe key is found as itself, the Redis
            // password by its key name, and the decoded S3_REGION (`eu-west-1`) is, rightly,
            // silent.
            ("stripe-secret-key", "k8s/secret.yaml", 12),
            ("generic-password", "k8s/secret.yaml", 13),
            // tls.key: a base64-encoded PEM private key, decoded to its PEM block; tls.crt (a
            // certificate) is silent.
            ("private-key-rsa", "k8s/secret.yaml", 24),
            // Lines of the notebook's JSON: the cell sources with the OpenAI key and HF_TOKEN.
            // The base64 PNG output and the os.environ lookups are silent.
            ("openai-project-key", "notebooks/explore.ipynb", 25),
            ("huggingface-access-token", "notebooks/explore.ipynb", 36),
            // provider "aws": access_key and secret_key; `var.db_password` is a reference.
            ("aws-access-key-id", "terraform/main.tf", 13),
            ("generic-secret", "terraform/main.tf", 14),
            ("generic-password", "terraform/terraform.tfvars", 3),
        ],
    );
    let secrets = secrets_where_reported(dir.path());
    assert_redacted(&out.stdout, &secrets);
}

#[test]
fn env_example_next_to_a_leaky_env_has_no_findings() {
    let dir = TestDir::fixture("fastapi-react-app");
    let out = dir.run(&[
        "scan",
        "backend/.env.example",
        "--format",
        "jsonl",
        "--no-baseline",
    ]);
    out.assert_exit(0);
    assert!(out.stdout.is_empty());
    // Same keys as backend/.env, each with a placeholder, so the file is not trivially empty.
    let example = dir.read_text("backend/.env.example");
    let env = dir.read_text("backend/.env");
    let keys = |s: &str| -> Vec<String> {
        s.lines()
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.to_string()))
            .filter(|k| !k.starts_with('#'))
            .collect()
    };
    assert_eq!(keys(&example), keys(&env));
}

#[test]
fn secret_management_docs_full_of_placeholders_have_no_findings() {
    let dir = TestDir::fixture("docs-placeholders");
    let out = scan(dir.path(), &[]);
    out.assert_exit(0);
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("scanned 2 files") && err.contains("0 findings"),
        "{err}"
    );
}

#[test]
fn mixed_encodings_are_decoded_and_located() {
    let dir = TestDir::fixture("mixed-encodings");
    let out = scan(dir.path(), &[]);
    out.assert_exit(1);
    let err = stderr(&out);
    assert!(err.contains("scanned 7 files"), "{err}");
    assert_findings(
        &out.stdout,
        &[
            // PKCS#1 PEM block: reported at the first body line; server.crt and the .pub key
            // next to it are public and silent.
            ("private-key-rsa", "certs/server.key", 2),
            // The key file itself.
            ("private-key-file", "certs/server.key", 1),
            // A GCP key file: the JSON-escaped PEM (one finding, not a second private-key-pkcs8
            // one for the same span) and its private_key_id.
            ("gcp-service-account-key-id", "gcp/service-account.json", 4),
            ("gcp-service-account-key", "gcp/service-account.json", 5),
            // Latin-1 (invalid UTF-8) INI file.
            ("slack-bot-token", "legacy/deploy-bot.ini", 4),
            // CRLF line endings.
            ("sendgrid-api-key", "windows/mailer.env", 4),
            // UTF-16LE with a BOM (Windows PowerShell 5 "Unicode").
            ("gitlab-pat", "windows/sync-mirror.ps1", 4),
        ],
    );
    let pem = jsonl(&out.stdout)
        .into_iter()
        .find(|f| f["path"] == "certs/server.key" && f["rule"] == "private-key-rsa")
        .unwrap();
    assert_eq!(
        (pem["line"].as_u64(), pem["end_line"].as_u64()),
        (Some(2), Some(26))
    );
    let secrets = secrets_where_reported(dir.path());
    assert_redacted(&out.stdout, &secrets);
}

#[test]
fn the_playbooks_our_users_write_scan_clean() {
    // Copies of ../shared/seeds: documentation full of placeholders (`generate-a-32-char-random-
    // string`, `sk-abc123...`) and documented local-dev credentials.
    let dir = TestDir::fixture("playbooks");
    let out = scan(dir.path(), &[]);
    out.assert_exit(0);
    assert!(jsonl(&out.stdout).is_empty(), "{}", stdout(&out));
    assert!(stderr(&out).contains("scanned 5 files"), "{}", stderr(&out));
    // The same assignments with random values in a real .env are all reported.
    let env = TestDir::with(&[(
        "deploy/.env",
        b"GRAFANA_ADMIN_PASSWORD=Zq8xK2vRw9LmT4pB\nSECRET_KEY=q7Vb2XkP9mLw4RtZ8nHc3JsD\nOPENAI_API_KEY = \"sk-Kq9LmZ4vT7wN3pB6yC1dF5hJ0sA2eG4u\"\n",
    )]);
    let out = scan(env.path(), &[]);
    out.assert_exit(1);
    let mut lines: Vec<u64> = summary(&out.stdout).iter().map(|(_, _, l)| *l).collect();
    lines.sort();
    // Line 1 twice: the password, and the committed .env itself (env-file).
    assert_eq!(lines, vec![1, 1, 2, 3], "{}", stdout(&out));
}

/// Whether the base64 value at the start of `encoded` decodes to text containing `secret`.
fn decodes_to_contain(encoded: &str, secret: &str) -> bool {
    use base64::Engine as _;
    let value: String = encoded
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "+/=-_".contains(*c))
        .collect();
    let body = value.trim_end_matches('=');
    [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ]
    .iter()
    .filter_map(|e| e.decode(body).ok())
    .any(|d| String::from_utf8_lossy(&d).contains(secret))
}

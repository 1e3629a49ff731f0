//! Converts the built-in rules (`rules/*.toml`) to JSON at compile time: parsing JSON at start-up
//! is several times cheaper than TOML, and every millisecond counts in a pre-commit hook. A TOML
//! syntax error in a rules file fails the build with the file named.

use std::path::Path;

/// The built-in rules files, in load order.
const FILES: &[&str] = &[
    "aws.toml",
    "gcp.toml",
    "azure.toml",
    "github.toml",
    "gitlab.toml",
    "slack.toml",
    "payments.toml",
    "ai.toml",
    "monitoring.toml",
    "packages.toml",
    "messaging.toml",
    "vault.toml",
    "cloud.toml",
    "cicd.toml",
    "saas.toml",
    "observability.toml",
    "dbsaas.toml",
    "infra.toml",
    "crypto.toml",
    "database.toml",
    "generic.toml",
    "carriers.toml",
    "files.toml",
];

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut out = Vec::new();
    for name in FILES {
        let path = Path::new("rules").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push(serde_json::json!([name, value]));
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_rules.json");
    std::fs::write(&dest, serde_json::to_string(&out).expect("serializable"))
        .expect("write builtin_rules.json");
}

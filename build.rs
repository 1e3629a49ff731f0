//! Converts the built-in rules (`rules/*.toml`) to JSON at compile time: parsing JSON at start-up
//! is several times cheaper than TOML, and every millisecond counts in a pre-commit hook. A TOML
//! syntax error in a rules file fails the build with the file named.
//!
//! It also sets `SEALANT_BUILD_ID`, a digest of the sources, the rules and `Cargo.lock`: two
//! builds that could judge a blob differently (a dev build with a changed rule or matcher, under
//! the same version number) have different ids, so the incremental-audit cache (`src/cache.rs`)
//! of one is never trusted by the other.

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
    for input in BUILD_ID_INPUTS {
        println!("cargo:rerun-if-changed={input}");
    }
    println!("cargo:rustc-env=SEALANT_BUILD_ID={}", build_id());
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

/// What the build id digests: everything that can change what a blob yields.
const BUILD_ID_INPUTS: &[&str] = &["src", "rules", "Cargo.lock", "build.rs"];

/// FNV-1a (64-bit) over every input file's path, length and bytes, in sorted path order: an
/// identity, not a security boundary (the cache key adds the version and the config with SHA-256).
fn build_id() -> String {
    let mut files = Vec::new();
    for input in BUILD_ID_INPUTS {
        collect(Path::new(input), &mut files);
    }
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_default();
        feed(path.to_string_lossy().as_bytes());
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    format!("{h:016x}")
}

fn collect(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for entry in entries.flatten() {
                collect(&entry.path(), out);
            }
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

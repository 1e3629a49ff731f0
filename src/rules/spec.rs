//! Rules as written in TOML (`rules/*.toml`, and `[[rule]]` tables in `.sealant.toml`). See
//! `rules/README.md` for the format. Nothing here is validated; [`super::Rule::from_spec`] does that.

pub use crate::allow::AllowlistSpec;
use serde::Deserialize;

/// A rules file: a list of `[[rule]]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// The rules.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// One rule as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id.
    pub id: String,
    /// Human description.
    #[serde(default)]
    pub description: String,
    /// Case-insensitive prefilter literals.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Rust regex (content rules; empty for a file rule).
    #[serde(default)]
    pub regex: String,
    /// File rule: path globs (`.env`, `*.p12`, `.kube/config`) that make a file itself a
    /// finding, whatever it holds. A glob without `/` matches the file name in any folder.
    #[serde(default)]
    pub files: Vec<String>,
    /// File rule: the file is a finding only if it contains this text (`PRIVATE KEY-----`).
    pub file_contains: Option<String>,
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// Whether a match may span lines.
    #[serde(default)]
    pub multiline: bool,
    /// Path globs the rule is limited to.
    pub paths: Option<Vec<String>>,
    /// Key=value style rule: stricter placeholder checks.
    #[serde(default)]
    pub generic: bool,
    /// A credential with no provider shape (a URL's password, a Basic or Bearer header, a JWT):
    /// low confidence in documentation, tests, examples and comments.
    #[serde(default)]
    pub contextual: bool,
    /// Whether to run the placeholder detector (default true).
    pub check_placeholder: Option<bool>,
    /// The rule's allowlist.
    pub allowlist: Option<AllowlistSpec>,
    /// Strings that must produce a finding.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Strings that must not.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

//! The built-in rules from `rules/*.toml`, embedded at compile time (`build.rs` converts them to
//! JSON, which parses several times faster than TOML at start-up).

use super::spec::RulesFile;
use super::{merge_unique, parse_builtin_file, Rule, RuleError};

/// `[[file name, rules file], ...]` as JSON, produced by `build.rs`.
const EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin_rules.json"));

/// Parses and validates all built-in rules.
pub fn rules() -> Result<Vec<Rule>, RuleError> {
    let files: Vec<(String, RulesFile)> =
        serde_json::from_str(EMBEDDED).map_err(|e| RuleError::Parse {
            origin: "built-in rules".into(),
            message: e.to_string(),
        })?;
    let lists = files
        .into_iter()
        .map(|(name, file)| parse_builtin_file(file, &format!("rules/{name}")))
        .collect::<Result<Vec<_>, _>>()?;
    merge_unique(lists)
}

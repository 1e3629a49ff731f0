//! The built-in rules, embedded from `rules/*.toml` at compile time.

use super::{merge_unique, parse_builtin_rules, Rule, RuleError};

/// (file name, contents) of every built-in rules file.
pub const FILES: &[(&str, &str)] = &[
    ("aws.toml", include_str!("../../rules/aws.toml")),
    ("gcp.toml", include_str!("../../rules/gcp.toml")),
    ("azure.toml", include_str!("../../rules/azure.toml")),
    ("github.toml", include_str!("../../rules/github.toml")),
    ("gitlab.toml", include_str!("../../rules/gitlab.toml")),
    ("slack.toml", include_str!("../../rules/slack.toml")),
    ("payments.toml", include_str!("../../rules/payments.toml")),
    ("ai.toml", include_str!("../../rules/ai.toml")),
    (
        "monitoring.toml",
        include_str!("../../rules/monitoring.toml"),
    ),
    ("packages.toml", include_str!("../../rules/packages.toml")),
    ("messaging.toml", include_str!("../../rules/messaging.toml")),
    ("vault.toml", include_str!("../../rules/vault.toml")),
    ("crypto.toml", include_str!("../../rules/crypto.toml")),
    ("database.toml", include_str!("../../rules/database.toml")),
    ("generic.toml", include_str!("../../rules/generic.toml")),
];

/// Parses and validates all built-in rules.
pub fn rules() -> Result<Vec<Rule>, RuleError> {
    let lists = FILES
        .iter()
        .map(|(name, text)| parse_builtin_rules(text, &format!("rules/{name}")))
        .collect::<Result<Vec<_>, _>>()?;
    merge_unique(lists)
}

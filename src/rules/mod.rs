//! Rules: as written ([`spec::RuleSpec`], serde) and validated ([`Rule`]). Compilation into a
//! searchable set lives in `matcher`, and so does the example checker shared by `sealant rules
//! check` and the test suite (`matcher::check`): this module never imports the matcher.
//!
//! User-written rules (`.sealant.toml`, `rules check FILE`) are compiled when they are validated,
//! so a regex that does not parse or exceeds the size limit is an error naming the rule before
//! anything is scanned. Built-in rules, which the test suite compiles, are compiled on first use:
//! a pre-commit scan touching five files compiles only the rules whose keywords occur in them.

pub mod builtin;
pub mod spec;

use crate::allow::Allowlist;
use crate::error::one_line;
use globset::GlobSet;
use regex::bytes::Regex;
use spec::RuleSpec;
use std::sync::{Arc, OnceLock};
use thiserror::Error;

/// An invalid rule, named by id and origin.
#[derive(Debug, Error)]
pub enum RuleError {
    /// The TOML did not parse.
    #[error("{origin}: invalid rules file: {message}")]
    Parse {
        /// File the rules came from.
        origin: String,
        /// Parser message.
        message: String,
    },
    /// A rule's regex, glob or field is invalid.
    #[error("{origin}: rule `{id}`: {message}")]
    Invalid {
        /// File the rule came from.
        origin: String,
        /// Rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// Two rules share an id.
    #[error("{origin}: rule id `{id}` is defined twice")]
    Duplicate {
        /// File of the second definition.
        origin: String,
        /// Rule id.
        id: String,
    },
}

/// Which capture of a rule's regex holds the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretGroup {
    /// The group named `secret`.
    Named(usize),
    /// Group 1.
    First,
    /// The whole match.
    Whole,
}

/// How strictly the placeholder detector judges a rule's secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceholderPolicy {
    /// No placeholder check (the rule's token shape is proof enough).
    Off,
    /// The standard detector.
    Standard,
    /// Standard plus reference/identifier checks for key=value rules.
    Generic,
}

/// What a rule recognises: a provider's token shape, a credential in a generic structure, or a
/// secret-named assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A specific credential format (a provider prefix, a PEM block).
    Specific,
    /// A credential in a generic structure (a URL with a password, a Basic or Bearer header, a
    /// JWT): as likely a test vector or documentation as a secret, so context decides.
    Contextual,
    /// A key=value assignment under a secret-like name (`password = …`).
    Generic,
}

/// A validated rule, ready to be compiled into a `RuleSet`.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// Human description.
    pub description: String,
    /// Lowercased prefilter keywords (may be empty: the rule then scans whole files).
    pub keywords: Vec<String>,
    /// The regex as written (syntax-checked at load).
    pub pattern: String,
    /// The compiled regex program, built once per process (at validation for user-written
    /// rules, on first use for built-in ones) and shared by clones. Matching threads do not use
    /// it directly: each `matcher::Matcher` clones it once, so each thread has its own cache.
    compiled: Arc<OnceLock<Result<CompiledRegex, String>>>,
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// Whether matches may span lines.
    pub multiline: bool,
    /// Only files matching these globs (none = all files).
    pub paths: Option<GlobSet>,
    /// Placeholder strictness.
    pub placeholder: PlaceholderPolicy,
    /// Specific or generic.
    pub kind: RuleKind,
    /// The rule's own allowlist.
    pub allowlist: Allowlist,
    /// Strings that must produce a finding of this rule.
    pub examples: Vec<String>,
    /// Strings that must not.
    pub negative_examples: Vec<String>,
    /// Where the rule was defined (file name), for messages.
    pub origin: String,
    /// A file rule's target: which files are findings by themselves (`None`: a content rule).
    pub files: Option<FileTarget>,
}

/// Which files a file rule flags: paths matching its globs (and not its allowlist), holding
/// `contains` if it is set.
#[derive(Clone, Debug)]
pub struct FileTarget {
    /// The globs, each anchored anywhere in the tree (`**/`), `*` not crossing `/`.
    pub globs: GlobSet,
    /// Text the file must contain.
    pub contains: Option<String>,
}

impl FileTarget {
    fn build(globs: &[String], contains: Option<String>) -> Result<Self, String> {
        let mut builder = globset::GlobSetBuilder::new();
        for g in globs {
            let g = g.trim_start_matches("./");
            let anchored = if g.starts_with("**/") {
                g.to_string()
            } else {
                format!("**/{g}")
            };
            let glob = globset::GlobBuilder::new(&anchored)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("invalid file glob `{g}`: {}", e.kind()))?;
            builder.add(glob);
        }
        let globs = builder
            .build()
            .map_err(|e| format!("invalid file globs: {e}"))?;
        Ok(FileTarget { globs, contains })
    }

    /// Whether `path` is one of the rule's files by name (content aside).
    pub fn names(&self, path: &str) -> bool {
        self.globs.is_match(path)
    }
}

/// A rule's regex, compiled, with where its secret sits.
#[derive(Debug)]
pub struct CompiledRegex {
    /// The regex (multi-line mode, bytes).
    pub regex: Regex,
    /// Where the secret sits in a match.
    pub secret_group: SecretGroup,
}

/// Compiled-program size limit for built-in rules' regexes.
const BUILTIN_REGEX_SIZE_LIMIT: usize = 16 << 20;
/// Compiled-program and lazy-DFA cache limits for user-written rules: a config is input, and
/// hundreds of custom rules must stay cheap per thread.
pub const CUSTOM_REGEX_SIZE_LIMIT: usize = 4 << 20;
/// See [`CUSTOM_REGEX_SIZE_LIMIT`].
pub const CUSTOM_REGEX_DFA_LIMIT: usize = 1 << 20;
/// Most custom rules a config may define.
pub const MAX_CUSTOM_RULES: usize = 1000;

fn compile(pattern: &str, syntax: Syntax) -> Result<CompiledRegex, String> {
    let mut builder = regex::bytes::RegexBuilder::new(pattern);
    builder.multi_line(true);
    match syntax {
        Syntax::Trusted => builder.size_limit(BUILTIN_REGEX_SIZE_LIMIT),
        Syntax::Check => builder
            .size_limit(CUSTOM_REGEX_SIZE_LIMIT)
            .dfa_size_limit(CUSTOM_REGEX_DFA_LIMIT),
    };
    let regex = builder
        .build()
        .map_err(|e| format!("invalid regex: {}", one_line(&e.to_string())))?;
    let secret_group = match regex.capture_names().position(|n| n == Some("secret")) {
        Some(i) => SecretGroup::Named(i),
        None if regex.captures_len() > 1 => SecretGroup::First,
        None => SecretGroup::Whole,
    };
    Ok(CompiledRegex {
        regex,
        secret_group,
    })
}

impl Rule {
    /// The compiled regex (compiled on first call). `Err` only for a built-in regex that exceeds
    /// the size limit (user-written rules fail validation instead); the test suite and
    /// `sealant rules check` report those.
    pub fn compiled(&self) -> Result<&CompiledRegex, &str> {
        if self.files.is_some() {
            return Err("a file rule has no regex");
        }
        self.compiled
            .get_or_init(|| compile(&self.pattern, Syntax::Trusted))
            .as_ref()
            .map_err(String::as_str)
    }

    /// Validates a user-written spec: checks the id, compiles the regex (syntax and size limit),
    /// the globs and the allowlist. `Err` names the rule and its origin.
    pub fn from_spec(spec: RuleSpec, origin: &str) -> Result<Rule, RuleError> {
        Rule::build(spec, origin, Syntax::Check)
    }

    fn build(spec: RuleSpec, origin: &str, syntax: Syntax) -> Result<Rule, RuleError> {
        let invalid = |message: String| RuleError::Invalid {
            origin: origin.to_string(),
            id: spec.id.clone(),
            message,
        };
        if spec.id.is_empty()
            || !spec
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(invalid("id must be non-empty [A-Za-z0-9._-]".into()));
        }
        // User-written regexes are compiled now; built-in ones wait until a keyword hit needs
        // them (the test suite compiles every one of them).
        let compiled = Arc::new(OnceLock::new());
        let files = match (spec.files.is_empty(), spec.regex.is_empty()) {
            (true, true) => {
                return Err(invalid(
                    "needs a `regex` (or `files` for a file rule)".into(),
                ))
            }
            (false, false) => {
                return Err(invalid(
                    "has both `regex` and `files`: a rule matches content or names files".into(),
                ))
            }
            (true, false) => {
                if spec.file_contains.is_some() {
                    return Err(invalid("`file_contains` needs `files`".into()));
                }
                None
            }
            (false, true) => {
                if !spec.keywords.is_empty() {
                    return Err(invalid("a file rule takes no `keywords`".into()));
                }
                Some(FileTarget::build(&spec.files, spec.file_contains.clone()).map_err(&invalid)?)
            }
        };
        if syntax == Syntax::Check && files.is_none() {
            let _ = compiled.set(Ok(compile(&spec.regex, syntax).map_err(&invalid)?));
        }
        let keywords: Vec<String> = spec
            .keywords
            .iter()
            .map(|k| k.to_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        let paths = match &spec.paths {
            Some(globs) if !globs.is_empty() => {
                Some(crate::allow::build_globs(globs).map_err(|e| invalid(e.to_string()))?)
            }
            _ => None,
        };
        let allowlist = Allowlist::from_spec(&spec.allowlist.unwrap_or_default())
            .map_err(|e| invalid(e.to_string()))?;
        if syntax == Syntax::Check {
            allowlist
                .compile_now()
                .map_err(|e| invalid(e.to_string()))?;
        }
        let placeholder = match (spec.check_placeholder.unwrap_or(true), spec.generic) {
            (false, _) => PlaceholderPolicy::Off,
            (true, true) => PlaceholderPolicy::Generic,
            (true, false) => PlaceholderPolicy::Standard,
        };
        if let Some(e) = spec.entropy {
            if !(0.0..=8.0).contains(&e) {
                return Err(invalid(format!("entropy {e} is outside 0..8")));
            }
        }
        Ok(Rule {
            id: spec.id,
            description: spec.description,
            keywords,
            pattern: spec.regex,
            compiled,
            entropy: spec.entropy,
            multiline: spec.multiline,
            paths,
            placeholder,
            kind: if spec.generic {
                RuleKind::Generic
            } else if spec.contextual {
                RuleKind::Contextual
            } else {
                RuleKind::Specific
            },
            allowlist,
            examples: spec.examples,
            negative_examples: spec.negative_examples,
            origin: origin.to_string(),
            files,
        })
    }
}

/// Whether a rule's regex syntax is checked at load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    Check,
    Trusted,
}

/// Validates the built-in rules, whose regexes the test suite has already compiled.
pub(crate) fn parse_builtin_file(
    file: spec::RulesFile,
    origin: &str,
) -> Result<Vec<Rule>, RuleError> {
    file.rule
        .into_iter()
        .map(|spec| Rule::build(spec, origin, Syntax::Trusted))
        .collect()
}

/// Parses a rules file and validates every rule in it.
pub fn parse_rules(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    let file: spec::RulesFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        origin: origin.to_string(),
        message: one_line(e.message()),
    })?;
    file.rule
        .into_iter()
        .map(|spec| Rule::build(spec, origin, Syntax::Check))
        .collect()
}

/// Merges rule lists, rejecting duplicate ids.
pub fn merge_unique(lists: impl IntoIterator<Item = Vec<Rule>>) -> Result<Vec<Rule>, RuleError> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for rule in lists.into_iter().flatten() {
        if !seen.insert(rule.id.clone()) {
            return Err(RuleError::Duplicate {
                origin: rule.origin.clone(),
                id: rule.id,
            });
        }
        out.push(rule);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_rule_over_the_regex_size_limit_fails_validation_naming_it() {
        let err = parse_rules(
            r#"
[[rule]]
id = "huge"
keywords = ["x"]
regex = '''(?:\w{100}){1000}'''
"#,
            "custom.toml",
        )
        .expect_err("exceeds the size limit");
        let msg = err.to_string();
        assert!(
            msg.contains("custom.toml") && msg.contains("`huge`"),
            "{msg}"
        );
    }
}

//! Allowlists: path globs, regexes on the secret and stopwords (global from `.sealant.toml`, or a
//! rule's own), plus inline allow comments on the finding's line. `rules` builds a rule's
//! allowlist from here and `matcher` consults it; this module knows neither.

use crate::error::one_line;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;
use std::sync::{Arc, OnceLock};
use thiserror::Error;

/// An allowlist as written (global in `.sealant.toml`, or per rule).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSpec {
    /// Regexes on the secret.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Case-insensitive substrings of the secret.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Regexes on the whole regex match (the secret plus its context, e.g. a URL's host).
    #[serde(default)]
    pub matches: Vec<String>,
    /// Path globs.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// An invalid allowlist entry.
#[derive(Debug, Error)]
pub enum AllowError {
    /// A glob did not parse.
    #[error("invalid path glob `{glob}`: {message}")]
    Glob {
        /// The glob.
        glob: String,
        /// Why.
        message: String,
    },
    /// A regex did not parse.
    #[error("invalid allowlist regex `{regex}`: {message}")]
    Regex {
        /// The regex.
        regex: String,
        /// Why.
        message: String,
    },
}

/// Inline markers that allow a finding on their line. `gitleaks:allow` and
/// `pragma: allowlist secret` (detect-secrets) are honoured so teams can migrate.
pub const INLINE_MARKERS: &[&str] = &[
    "sealant:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// Whether `line` carries an inline allow marker.
pub fn has_inline_marker(line: &[u8]) -> bool {
    INLINE_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m.as_bytes()).is_some())
}

/// Compiles path globs. A glob without `/` matches at any depth (`*.pem` = `**/*.pem`); a glob
/// naming a directory (`docs/`, or `docs` matching a directory prefix) covers everything under it.
pub fn build_globs(globs: &[String]) -> Result<GlobSet, AllowError> {
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        let trimmed = g.trim_start_matches("./").trim_end_matches('/');
        let mut variants = vec![trimmed.to_string()];
        if !trimmed.contains('/') && !trimmed.starts_with("**") {
            variants.push(format!("**/{trimmed}"));
        }
        let base = variants.clone();
        for v in base {
            if !v.ends_with("/**") {
                variants.push(format!("{v}/**"));
            }
        }
        for v in variants {
            let glob = Glob::new(&v).map_err(|e| AllowError::Glob {
                glob: g.clone(),
                message: e.kind().to_string(),
            })?;
            builder.add(glob);
        }
    }
    builder.build().map_err(|e| AllowError::Glob {
        glob: globs.join(", "),
        message: e.to_string(),
    })
}

/// A compiled allowlist. Secret regexes are syntax-checked at load and compiled on first use
/// (most allowlists are never consulted in a pre-commit scan); [`Allowlist::compile_now`]
/// compiles them at once for user-written allowlists, so a regex over the size limit is an error
/// before scanning instead of an entry silently dropped.
#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    patterns: Vec<String>,
    regexes: Arc<OnceLock<Vec<Regex>>>,
    match_patterns: Vec<String>,
    match_regexes: Arc<OnceLock<Vec<Regex>>>,
    stopwords: Vec<String>,
    paths: Option<GlobSet>,
}

/// Compiles every pattern; `Err` names the first that fails (syntax or size limit).
fn compile_all(patterns: &[String]) -> Result<Vec<Regex>, AllowError> {
    patterns
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|e| AllowError::Regex {
                regex: p.clone(),
                message: one_line(&e.to_string()),
            })
        })
        .collect()
}

/// The compiled patterns of a lazily compiled list. Patterns that fail are left out: only
/// built-in allowlists (compiled by the test suite) are compiled lazily.
fn lazily<'a>(cell: &'a OnceLock<Vec<Regex>>, patterns: &[String]) -> &'a [Regex] {
    cell.get_or_init(|| patterns.iter().filter_map(|p| Regex::new(p).ok()).collect())
}

impl Allowlist {
    /// Compiles an allowlist spec.
    pub fn from_spec(spec: &AllowlistSpec) -> Result<Self, AllowError> {
        for r in spec.regexes.iter().chain(&spec.matches) {
            regex_syntax::parse(r).map_err(|e| AllowError::Regex {
                regex: r.clone(),
                message: one_line(&e.to_string()),
            })?;
        }
        let paths = if spec.paths.is_empty() {
            None
        } else {
            Some(build_globs(&spec.paths)?)
        };
        Ok(Allowlist {
            patterns: spec.regexes.clone(),
            regexes: Default::default(),
            match_patterns: spec.matches.clone(),
            match_regexes: Default::default(),
            stopwords: spec.stopwords.iter().map(|s| s.to_lowercase()).collect(),
            paths,
        })
    }

    /// Compiles every regex now. `Err` names the first that does not compile.
    pub fn compile_now(&self) -> Result<(), AllowError> {
        if self.regexes.get().is_none() {
            let _ = self.regexes.set(compile_all(&self.patterns)?);
        }
        if self.match_regexes.get().is_none() {
            let _ = self.match_regexes.set(compile_all(&self.match_patterns)?);
        }
        Ok(())
    }

    /// Whether every finding in `path` is allowed.
    pub fn allows_path(&self, path: &str) -> bool {
        self.paths.as_ref().is_some_and(|p| p.is_match(path))
    }

    /// Whether the whole regex match (secret plus context) is allowed.
    pub fn allows_match(&self, whole: &str) -> bool {
        if self.match_patterns.is_empty() {
            return false;
        }
        lazily(&self.match_regexes, &self.match_patterns)
            .iter()
            .any(|r| r.is_match(whole))
    }

    /// Whether this secret value is allowed.
    pub fn allows_secret(&self, secret: &str) -> bool {
        if lazily(&self.regexes, &self.patterns)
            .iter()
            .any(|r| r.is_match(secret))
        {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_cover_directories_and_any_depth() {
        let set =
            build_globs(&["fixtures/".into(), "*.pem".into(), "docs/**/*.md".into()]).unwrap();
        assert!(set.is_match("fixtures/app/.env"));
        assert!(set.is_match("a/b/key.pem"));
        assert!(set.is_match("docs/x/y.md"));
        assert!(!set.is_match("src/main.rs"));
    }

    #[test]
    fn compile_now_names_a_regex_over_the_size_limit() {
        let spec = AllowlistSpec {
            regexes: vec!["(?:a{1000}){1000}".into()],
            ..Default::default()
        };
        let list = Allowlist::from_spec(&spec).expect("syntax is fine");
        let err = list.compile_now().expect_err("too big to compile");
        assert!(err.to_string().contains("a{1000}"), "{err}");
    }

    #[test]
    fn inline_markers() {
        assert!(has_inline_marker(b"x = 'abc' # sealant:allow"));
        assert!(has_inline_marker(b"x = 'abc' # gitleaks:allow"));
        assert!(has_inline_marker(b"x = 'abc' # pragma: allowlist secret"));
        assert!(!has_inline_marker(b"x = 'abc'"));
    }
}

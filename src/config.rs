//! The user's `.sealant.toml`, as written: extra rules, disabled rules, a global allowlist and
//! scan settings, plus the effective rule list it implies. `plan` compiles it into a rule set and
//! layers the command line on top.

use crate::allow::AllowlistSpec;
use crate::error::one_line;
use crate::finding::Confidence;
use crate::matcher::InlineAllow;
use crate::rules::spec::RuleSpec;
use crate::rules::{builtin, merge_unique, Rule, RuleError};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The file name looked for at the scan root / repository root.
pub const CONFIG_FILE_NAME: &str = ".sealant.toml";

/// A config problem; every variant names the file.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// Could not read the file.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown keys.
    #[error("malformed config {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Parser message.
        message: String,
    },
    /// A rule in the config (or a built-in one) is invalid.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A global allowlist entry is invalid (syntax, or a regex over the size limit).
    #[error("{path}: {source}")]
    Allow {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: crate::allow::AllowError,
    },
    /// `disable` names a rule that does not exist.
    #[error("{path}: [rules] disable names unknown rule `{id}`")]
    UnknownRule {
        /// The file.
        path: PathBuf,
        /// The id.
        id: String,
    },
}

/// `.sealant.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Scan settings.
    #[serde(default)]
    pub scan: ScanSection,
    /// Global allowlist.
    #[serde(default)]
    pub allowlist: AllowlistSpec,
    /// Built-in rule selection.
    #[serde(default)]
    pub rules: RulesSection,
    /// Custom rules, same format as `rules/*.toml`.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// `[scan]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Skip files larger than this many bytes (default: scan everything).
    pub max_file_size: Option<u64>,
    /// Honour inline `sealant:allow` comments (default true).
    pub inline_allow: Option<bool>,
    /// Report findings of at least this confidence: `low`, `medium` (default) or `high`.
    pub min_confidence: Option<ConfidenceSetting>,
}

/// `min_confidence` as written.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ConfidenceSetting {
    /// Everything, illustrative generic assignments included.
    Low,
    /// The default.
    Medium,
    /// Only tokens whose structure checks out.
    High,
}

impl From<ConfidenceSetting> for Confidence {
    fn from(c: ConfidenceSetting) -> Self {
        match c {
            ConfidenceSetting::Low => Confidence::Low,
            ConfidenceSetting::Medium => Confidence::Medium,
            ConfidenceSetting::High => Confidence::High,
        }
    }
}

/// `[rules]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Built-in rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// Settings that come from the config file, before CLI overrides.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    /// Files above this size are skipped and listed (`None`: everything is read).
    pub max_file_size: Option<u64>,
    /// Inline allow policy.
    pub inline_allow: InlineAllow,
    /// Findings below this confidence are counted, not reported.
    pub min_confidence: Confidence,
}

/// A loaded configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it came from (None = built-in defaults only).
    pub path: Option<PathBuf>,
    /// The parsed file.
    pub file: ConfigFile,
}

impl Config {
    /// Loads `path`. A missing file is an error (the caller decides whether to look at all).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses config text; `path` names it in messages (a file, or `REV:.sealant.toml`).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.into(),
            message: one_line(e.message()),
        })?;
        Ok(Config {
            path: Some(path.into()),
            file,
        })
    }

    /// Loads `.sealant.toml` from `dir` if it exists, else defaults.
    pub fn discover(dir: &Path) -> Result<Config, ConfigError> {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            Config::load(&candidate)
        } else {
            Ok(Config::default())
        }
    }

    /// The file's path for messages (`.sealant.toml` when there is none).
    pub fn display_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(CONFIG_FILE_NAME))
    }

    /// The effective rules: built-ins minus disabled, plus custom ones.
    pub fn rules(&self) -> Result<Vec<Rule>, ConfigError> {
        let mut builtin = builtin::rules()?;
        for id in &self.file.rules.disable {
            if !builtin.iter().any(|r| &r.id == id) {
                return Err(ConfigError::UnknownRule {
                    path: self.display_path(),
                    id: id.clone(),
                });
            }
        }
        builtin.retain(|r| !self.file.rules.disable.contains(&r.id));
        if self.file.rule.len() > crate::rules::MAX_CUSTOM_RULES {
            return Err(ConfigError::Parse {
                path: self.display_path(),
                message: format!(
                    "{} custom rules; at most {} are allowed",
                    self.file.rule.len(),
                    crate::rules::MAX_CUSTOM_RULES
                ),
            });
        }
        let origin = self.display_path().display().to_string();
        let custom = self
            .file
            .rule
            .iter()
            .cloned()
            .map(|spec| Rule::from_spec(spec, &origin))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(merge_unique([builtin, custom])?)
    }

    /// Scan settings, before CLI overrides.
    pub fn settings(&self) -> ScanSettings {
        ScanSettings {
            max_file_size: self.file.scan.max_file_size,
            inline_allow: if self.file.scan.inline_allow.unwrap_or(true) {
                InlineAllow::Honour
            } else {
                InlineAllow::Ignore
            },
            min_confidence: self
                .file
                .scan
                .min_confidence
                .map_or(Confidence::Medium, Confidence::from),
        }
    }
}

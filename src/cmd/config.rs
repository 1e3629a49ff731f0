//! `sealant config check [--config FILE]`: load the config the way a scan would (same discovery,
//! same rule and allowlist compilation, `plan::compile_rules`), then print what it gives: the
//! file, the effective rule count, the allowlist and each `[scan]` setting with its origin.
//!
//! Besides what a scan already rejects (malformed TOML, unknown keys, unknown disabled rules,
//! invalid custom rules or allowlist regexes), it rejects configs that are valid but would make
//! every scan pass without looking: no rules left enabled, or a global allowlist entry that allows
//! every path or every secret. A custom rule without examples, or whose own allowlist allows
//! everything, is a warning.

use crate::allow::{Allowlist, AllowlistSpec};
use crate::cli::ConfigCommand;
use crate::config::{Config, ConfigFile};
use crate::exit::ExitStatus;
use crate::plan::{compile_rules, project_root};
use anyhow::{bail, Context, Result};
use std::io::Write;

/// Runs a config subcommand.
pub(super) fn run(cmd: ConfigCommand) -> Result<ExitStatus> {
    match cmd {
        ConfigCommand::Check { config } => check(config),
    }
}

fn check(path: Option<std::path::PathBuf>) -> Result<ExitStatus> {
    let config = match path {
        Some(p) => Config::load(&p)?,
        None => {
            let cwd = std::env::current_dir().context("cannot determine the current directory")?;
            Config::discover(&project_root(&cwd))?
        }
    };
    let where_ = config.display_path().display().to_string();
    let file = &config.file;

    let builtin = crate::rules::builtin::rules()?.len();
    let effective = config.rules()?.len();
    if effective == 0 {
        bail!("{where_}: no rules left enabled: [rules] disable turns off every rule and there are no [[rule]] tables, so every scan would pass");
    }
    if let Some(problem) = allows_everything(&file.allowlist) {
        bail!(
            "{where_}: [allowlist] {problem}: nothing would be scanned, so every scan would pass"
        );
    }
    let settings = config.settings();
    compile_rules(&config, settings.inline_allow)?;

    for r in &file.rule {
        if let Some(problem) = r.allowlist.as_ref().and_then(allows_everything) {
            super::say_fmt!(
                "warning: {where_}: rule `{}`: its allowlist's {problem}, so the rule never reports anything",
                r.id
            );
        }
        if r.examples.is_empty() {
            super::say_fmt!(
                "warning: {where_}: rule `{}` has no examples (add `examples = [...]` so `sealant rules check {where_}` can show it matches)",
                r.id
            );
        }
    }

    let mut out = String::new();
    match &config.path {
        Some(p) => out.push_str(&format!("config: {}\n", p.display())),
        None => out.push_str("config: no .sealant.toml: built-in defaults\n"),
    }
    let mut disabled = file.rules.disable.clone();
    disabled.sort();
    disabled.dedup();
    out.push_str(&format!(
        "rules: {effective} enabled ({builtin} built-in, {} disabled, {} custom)\n",
        disabled.len(),
        file.rule.len()
    ));
    for id in &disabled {
        out.push_str(&format!("  disabled: {id}\n"));
    }
    for r in &file.rule {
        out.push_str(&format!("  custom: {}\n", r.id));
    }
    out.push_str(&allowlist_summary(&file.allowlist));
    out.push_str(&scan_settings(file));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush());
    super::say_fmt!("{where_}: valid");
    Ok(ExitStatus::Clean)
}

/// The global allowlist: path globs in full, the secret patterns as counts (they may quote
/// secrets).
fn allowlist_summary(a: &AllowlistSpec) -> String {
    let mut s = format!(
        "allowlist: {} paths, {} regexes, {} stopwords, {} match regexes\n",
        a.paths.len(),
        a.regexes.len(),
        a.stopwords.len(),
        a.matches.len()
    );
    for p in &a.paths {
        s.push_str(&format!("  path: {p}\n"));
    }
    s
}

/// Each `[scan]` setting, its value and where it came from.
fn scan_settings(file: &ConfigFile) -> String {
    let scan = &file.scan;
    let origin = |set: bool| if set { ".sealant.toml" } else { "default" };
    let size = match scan.max_file_size {
        Some(n) => format!("{n} bytes"),
        None => "none (every file is scanned)".into(),
    };
    let confidence = match scan.min_confidence {
        Some(c) => format!("{c:?}").to_lowercase(),
        None => "medium".into(),
    };
    format!(
        "scan.max_file_size: {size} ({})\nscan.inline_allow: {} ({})\nscan.min_confidence: {confidence} ({})\n",
        origin(scan.max_file_size.is_some()),
        scan.inline_allow.unwrap_or(true),
        origin(scan.inline_allow.is_some()),
        origin(scan.min_confidence.is_some()),
    )
}

/// Paths of every shape: top level, nested, dotfiles, no extension.
const PROBE_PATHS: &[&str] = &[
    "README",
    "main.rs",
    ".env",
    "src/lib/config.py",
    "deploy/prod/values.yaml",
    ".github/workflows/ci.yml",
];

/// Secrets of every shape (never empty: a finding always has a value).
const PROBE_SECRETS: &[&str] = &[
    "x",
    "0",
    "Q",
    "-",
    "0123456789abcdefABCDEF",
    "Zm9vYmFyYmF6cXV4",
    "s3cr3t+/=:@!#",
    "multi\nline",
];

/// The first global allowlist entry that allows every path or every secret, described; `None`
/// when each entry leaves something to report. Each entry is tried alone on [`PROBE_PATHS`] or
/// [`PROBE_SECRETS`]: `**`, `*`, `.*`, `.`, `^` or an empty stopword allow them all.
pub(crate) fn allows_everything(a: &AllowlistSpec) -> Option<String> {
    let one = |spec: AllowlistSpec| Allowlist::from_spec(&spec).ok();
    for p in &a.paths {
        let spec = AllowlistSpec {
            paths: vec![p.clone()],
            ..Default::default()
        };
        if one(spec).is_some_and(|al| PROBE_PATHS.iter().all(|x| al.allows_path(x))) {
            return Some(format!("path `{p}` matches every file"));
        }
    }
    for r in &a.regexes {
        let spec = AllowlistSpec {
            regexes: vec![r.clone()],
            ..Default::default()
        };
        if one(spec).is_some_and(|al| PROBE_SECRETS.iter().all(|x| al.allows_secret(x))) {
            return Some(format!("regex `{r}` matches every secret"));
        }
    }
    for w in &a.stopwords {
        if w.is_empty() {
            return Some("an empty stopword matches every secret".into());
        }
    }
    for m in &a.matches {
        let spec = AllowlistSpec {
            matches: vec![m.clone()],
            ..Default::default()
        };
        if one(spec).is_some_and(|al| PROBE_SECRETS.iter().all(|x| al.allows_match(x))) {
            return Some(format!("match regex `{m}` matches every finding"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(paths: &[&str], regexes: &[&str]) -> AllowlistSpec {
        AllowlistSpec {
            paths: paths.iter().map(|s| s.to_string()).collect(),
            regexes: regexes.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn allow_all_entries_are_caught() {
        for p in ["**", "*", "**/*", "./"] {
            assert!(allows_everything(&spec(&[p], &[])).is_some(), "{p}");
        }
        for r in [".*", ".", "^", "", "(?s).*", "x*"] {
            assert!(allows_everything(&spec(&[], &[r])).is_some(), "{r}");
        }
        let empty_word = AllowlistSpec {
            stopwords: vec![String::new()],
            ..Default::default()
        };
        assert!(allows_everything(&empty_word).is_some());
    }

    #[test]
    fn ordinary_entries_pass() {
        let s = spec(
            &["docs/", "*.md", "tests/**", "**/*.lock", ".env"],
            &["^EXAMPLE", "(?i)dummy", "[0-9a-f]{40}", "^x$"],
        );
        assert_eq!(allows_everything(&s), None);
    }
}

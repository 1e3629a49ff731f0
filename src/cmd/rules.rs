//! `sealant rules list` (the effective rules: built-in minus disabled, plus custom) and `sealant
//! rules check [FILE]` (run rules' examples through the real matcher, `matcher::check`).

use crate::cli::RulesCommand;
use crate::config::Config;
use crate::exit::ExitStatus;
use crate::matcher::check::check_examples;
use crate::plan::project_root;
use crate::rules::Rule;
use anyhow::{Context, Result};
use std::io::Write;

/// Runs a rules subcommand.
pub(super) fn run(cmd: RulesCommand) -> Result<ExitStatus> {
    match cmd {
        RulesCommand::List { config } => {
            let cwd = std::env::current_dir().context("cannot determine the current directory")?;
            let config = match config {
                Some(p) => Config::load(&p)?,
                None => Config::discover(&project_root(&cwd))?,
            };
            let rules = config.rules()?;
            let mut out = std::io::stdout().lock();
            for r in &rules {
                let _ = writeln!(out, "{:<36} {}", r.id, r.description);
            }
            super::say_fmt!("{} rules", rules.len());
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Check { file } => {
            let rules = match &file {
                None => crate::rules::builtin::rules()?,
                Some(p) => {
                    // A rules file is a config file with only `[[rule]]` tables.
                    let config = Config::load(p)?;
                    let origin = p.display().to_string();
                    config
                        .file
                        .rule
                        .into_iter()
                        .map(|spec| Rule::from_spec(spec, &origin))
                        .collect::<Result<Vec<_>, _>>()?
                }
            };
            let failures = check_examples(&rules);
            for f in &failures {
                super::say_fmt!("rule `{}`: {}", f.rule, f.problem);
            }
            let examples: usize = rules
                .iter()
                .map(|r| r.examples.len() + r.negative_examples.len())
                .sum();
            super::say_fmt!(
                "{} rules, {} examples, {} failure(s)",
                rules.len(),
                examples,
                failures.len()
            );
            Ok(if failures.is_empty() {
                ExitStatus::Clean
            } else {
                ExitStatus::Findings
            })
        }
    }
}

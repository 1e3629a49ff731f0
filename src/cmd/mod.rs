//! The command-line edge: one module per command, each turning its [`Cli`] arguments into a plan
//! request (`plan`), running the pipeline (`scan`) on the resolved source, comparing with the
//! baseline and reporting. This module dispatches, converts the options every command shares, and
//! writes the report and the summary line ([`finish`]). Only `main` and `cmd` see `cli`; errors
//! here are `anyhow` with context, and `main` prints them.

/// [`say`] with `format!` arguments.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cmd::say(&format!($($arg)*))
    };
}
pub(crate) use say as say_fmt;

mod baseline;
mod config;
mod docs;
mod history;
mod init;
mod install;
mod progress;
mod push;
mod rules;
mod scan;
mod staged;

use crate::baseline::Comparison;
use crate::cli::{Cli, ColorArg, Command, CommonArgs, ConfidenceArg, FormatArg};
use crate::error::one_line;
use crate::exit::ExitStatus;
use crate::finding::Confidence;
use crate::matcher::{InlineAllow, MAX_FINDINGS_PER_RULE};
use crate::plan::{BaselineChoice, Options, Plan, ReportRequest};
use crate::report::{self, ColorChoice, Format, LayoutChoice, Mode, ReportContext, SecretDisplay};
use crate::scan::Outcome;
use crate::terminal::printable;
use anyhow::{Context, Result};
use std::io::Write;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitStatus> {
    match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Staged(args) => staged::run(args),
        Command::History(args) => history::run(args),
        Command::PrePush(args) => push::run_pre_push(args),
        Command::PreReceive(args) => push::run_pre_receive(args),
        Command::Init(args) => init::run(args),
        Command::Install(args) => install::run(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Baseline(cmd) => baseline::run(cmd),
        Command::Config(cmd) => config::run(cmd),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    }
}

/// The one-line form of an error chain: `context: cause: cause`.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = one_line(&cause.to_string());
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

/// The plan options of the flags every scanning command shares.
fn options(common: &CommonArgs) -> Options {
    Options {
        config: common.config.clone(),
        baseline: if common.no_baseline {
            BaselineChoice::Ignore
        } else {
            match &common.baseline {
                Some(p) => BaselineChoice::File(p.clone()),
                None => BaselineChoice::Discover,
            }
        },
        inline_allow: common.no_inline_allow.then_some(InlineAllow::Ignore),
        max_file_size: common.max_file_size,
        min_confidence: common.min_confidence.map(|c| match c {
            ConfidenceArg::Low => Confidence::Low,
            ConfidenceArg::Medium => Confidence::Medium,
            ConfidenceArg::High => Confidence::High,
        }),
        threads: common.threads,
        config_rev: None,
        report: ReportRequest {
            format: match common.format {
                FormatArg::Text => Format::Text,
                FormatArg::Json => Format::Json,
                FormatArg::Jsonl => Format::Jsonl,
                FormatArg::Sarif => Format::Sarif,
                FormatArg::Junit => Format::Junit,
                FormatArg::Gitlab => Format::Gitlab,
                FormatArg::Github => Format::Github,
                FormatArg::Csv => Format::Csv,
                FormatArg::Html => Format::Html,
            },
            output: common.output.clone(),
            secrets: if common.show_secrets {
                SecretDisplay::Plain
            } else {
                SecretDisplay::Redacted
            },
            color: match common.color {
                ColorArg::Auto => ColorChoice::Auto,
                ColorArg::Always => ColorChoice::Always,
                ColorArg::Never => ColorChoice::Never,
            },
            layout: if common.heading {
                LayoutChoice::Grouped
            } else if common.no_heading {
                LayoutChoice::Flat
            } else {
                LayoutChoice::Auto
            },
            quiet: common.quiet,
            verbose: common.verbose,
        },
    }
}

/// Compares the outcome with the baseline, writes the report and the summary, and returns the
/// exit status. `notes` are appended to the summary after the plan's own.
fn finish(plan: &Plan, mode: Mode, mut outcome: Outcome, notes: &[String]) -> Result<ExitStatus> {
    let findings = std::mem::take(&mut outcome.findings);
    let cmp = plan.compare(findings, &outcome.scope);
    plan.phases.mark("baseline");
    outcome.stats.elapsed = plan.started.elapsed();
    let finished = std::time::SystemTime::now();
    let ctx = ReportContext {
        secrets: plan.report.secrets,
        color: plan.report.color,
        layout: plan.report.layout,
        mode,
        rules: plan
            .rules
            .rules()
            .iter()
            .map(|r| report::RuleInfo {
                id: r.id.clone(),
                description: r.description.clone(),
                kind: r.kind,
                file: r.files.is_some(),
            })
            .collect(),
        started: finished
            .checked_sub(outcome.stats.elapsed)
            .unwrap_or(finished),
        finished,
        read_errors: outcome.errors.len(),
        // Only the HTML report shows baselined findings: no copy for the others.
        baselined: if plan.report.format == Format::Html {
            cmp.baselined.clone()
        } else {
            Vec::new()
        },
    };
    match &plan.report.output {
        Some(path) => {
            let mut buf = Vec::new();
            report::write(plan.report.format, &cmp.new, &ctx, &mut buf)?;
            crate::baseline::write_atomically(path, &buf)
                .with_context(|| format!("cannot write report {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            let res = report::write(plan.report.format, &cmp.new, &ctx, &mut lock)
                .and_then(|_| lock.flush());
            if let Err(e) = res {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).context("cannot write report to standard output");
                }
            }
        }
    }
    plan.phases.mark("report");
    for e in &outcome.errors {
        say(&format!("error: {}: {}", e.path, e.message));
    }
    for t in &outcome.truncated {
        say(&format!(
            "{}: and about {} more `{}` matches (only the first {MAX_FINDINGS_PER_RULE} findings per rule and file are reported)",
            t.path, t.more, t.rule
        ));
    }
    for s in &outcome.size_skips {
        say(&format!(
            "not scanned (larger than the size limit you set): {} ({})",
            s.path,
            human_bytes(s.size)
        ));
    }
    if !plan.report.quiet {
        let all_notes: Vec<String> = plan.notes.iter().chain(notes).cloned().collect();
        eprintln!(
            "{}",
            printable(&summary(
                &outcome,
                &cmp,
                plan.baseline.is_some(),
                &all_notes
            ))
        );
    }
    if plan.report.verbose {
        say(&format!("timing: {}", plan.phases.line()));
    }
    Ok(status(
        cmp.new.len() + outcome.truncated.len(),
        outcome.errors.len(),
    ))
}

/// One line on stderr, `sealant: ` first, with control characters escaped.
pub fn say(line: &str) {
    eprintln!("sealant: {}", printable(line));
}

/// Exit status from counts: findings win over errors.
pub fn status(new_findings: usize, errors: usize) -> ExitStatus {
    if new_findings > 0 {
        ExitStatus::Findings
    } else if errors > 0 {
        ExitStatus::Error
    } else {
        ExitStatus::Clean
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < 3 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary for stderr.
pub fn summary(
    outcome: &Outcome,
    cmp: &Comparison,
    has_baseline: bool,
    notes: &[String],
) -> String {
    let s = &outcome.stats;
    let mut parts = vec![format!(
        "scanned {} ({}) in {:.2}s",
        plural(s.scanned as usize, "file", "files"),
        human_bytes(s.bytes),
        s.elapsed.as_secs_f64()
    )];
    if let Some(commits) = s.commits {
        parts.push(plural(commits as usize, "commit", "commits"));
    }
    let skipped: u64 = s.skipped.values().sum();
    if skipped > 0 {
        let detail: Vec<String> = s
            .skipped
            .iter()
            .map(|(k, v)| format!("{v} {}", k.label()))
            .collect();
        parts.push(format!("skipped {skipped} ({})", detail.join(", ")));
    }
    parts.push(plural(cmp.new.len(), "finding", "findings"));
    if s.below_confidence > 0 {
        parts.push(format!(
            "{} below --min-confidence (not shown)",
            s.below_confidence
        ));
    }
    if has_baseline {
        parts.push(format!("{} baselined", cmp.baselined.len()));
        if !cmp.stale.is_empty() {
            parts.push(format!("{} stale baseline entries", cmp.stale.len()));
        }
        if !cmp.expired.is_empty() {
            parts.push(format!("{} expired baseline entries", cmp.expired.len()));
        }
    }
    if !outcome.errors.is_empty() {
        parts.push(plural(outcome.errors.len(), "error", "errors"));
    }
    parts.extend(notes.iter().cloned());
    format!("sealant: {}", parts.join("; "))
}

//! The command-line edge: turns [`Cli`] into a plan (root found, config loaded, rules compiled,
//! baseline loaded), runs the right source through `scan`, compares with the baseline, reports,
//! and returns an [`ExitStatus`]. Errors here are `anyhow` with context; `main` prints them.

use crate::baseline::{self, Baseline, Comparison, Scope, SecretHasher, BASELINE_FILE_NAME};
use crate::cli::*;
use crate::config::{Config, ScanSettings};
use crate::exit::ExitStatus;
use crate::finding::Finding;
use crate::matcher::{InlineAllow, RuleSet};
use crate::report::{self, Color, Format, Mode, ReportContext, SecretDisplay};
use crate::scan::{self, Outcome};
use crate::source::worktree::{IgnoreFiles, WalkOptions};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitStatus> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Staged(args) => crate::hooks::run_staged(args),
        Command::History(args) => crate::history_cmd::run_history(args),
        Command::PrePush(args) => crate::history_cmd::run_pre_push(args),
        Command::PreReceive(args) => crate::history_cmd::run_pre_receive(args),
        Command::Install(args) => crate::hooks::run_install(args),
        Command::Rules(cmd) => run_rules(cmd),
        Command::Baseline(cmd) => crate::baseline_cmd::run(cmd),
    }
}

/// The one-line form of an error chain: `context: cause: cause`.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = crate::rules::one_line(&cause.to_string());
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

/// The folder paths are reported relative to (and `.sealant.toml` and the baseline are looked
/// up in): the enclosing git work tree; outside git, the current directory when `start` is under
/// it, else `start` itself (or its folder).
pub fn project_root(start: &Path) -> PathBuf {
    let abs = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let start_dir = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
    };
    let mut dir = start_dir.clone();
    loop {
        if dir.join(".git").exists() {
            return dir;
        }
        if !dir.pop() {
            break;
        }
    }
    match std::env::current_dir() {
        Ok(cwd) if start_dir.starts_with(&cwd) => cwd,
        _ => start_dir,
    }
}

/// Config, rules and baseline resolved for a scan.
pub struct Plan {
    /// Root that paths are relative to.
    pub root: PathBuf,
    /// Compiled rules.
    pub rules: RuleSet,
    /// Settings after CLI overrides.
    pub settings: ScanSettings,
    /// The baseline, if one applies.
    pub baseline: Option<(PathBuf, Baseline)>,
    /// Report options.
    pub report: ReportOptions,
}

/// How to write the report.
pub struct ReportOptions {
    /// Format.
    pub format: Format,
    /// File or stdout.
    pub output: Option<PathBuf>,
    /// Secret display.
    pub secrets: SecretDisplay,
    /// Colour.
    pub color: Color,
    /// Summary on stderr.
    pub quiet: bool,
}

impl Plan {
    /// Resolves config, rules and baseline for a scan rooted at `root`.
    pub fn resolve(root: PathBuf, common: &CommonArgs) -> Result<Plan> {
        if let Some(n) = common.threads {
            // Git modes scan blobs on rayon's global pool; the walker takes its own count.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global();
        }
        let config = match &common.config {
            Some(p) => Config::load(p)?,
            None => Config::discover(&root)?,
        };
        let mut settings = config.settings();
        if let Some(max) = common.max_file_size {
            settings.max_file_size = max;
        }
        if common.no_inline_allow {
            settings.inline_allow = InlineAllow::Ignore;
        }
        let rules = config.rule_set(settings.inline_allow)?;
        let baseline = if common.no_baseline {
            None
        } else {
            match &common.baseline {
                Some(p) => Some((p.clone(), Baseline::load(p)?)),
                None => {
                    let p = root.join(BASELINE_FILE_NAME);
                    if p.is_file() {
                        Some((p.clone(), Baseline::load(&p)?))
                    } else {
                        None
                    }
                }
            }
        };
        let format = match common.format {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
        };
        let color = match common.color {
            ColorArg::Always => Color::Always,
            ColorArg::Never => Color::Never,
            ColorArg::Auto => {
                if common.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
                {
                    Color::Always
                } else {
                    Color::Never
                }
            }
        };
        Ok(Plan {
            root,
            rules,
            settings,
            baseline,
            report: ReportOptions {
                format,
                output: common.output.clone(),
                secrets: if common.show_secrets {
                    SecretDisplay::Plain
                } else {
                    SecretDisplay::Redacted
                },
                color,
                quiet: common.quiet,
            },
        })
    }

    /// Compares findings with the baseline (if any).
    pub fn compare(&self, findings: Vec<Finding>, scope: Scope<'_>) -> Result<Comparison> {
        match &self.baseline {
            None => Ok(Comparison {
                new: findings,
                ..Default::default()
            }),
            Some((path, b)) => {
                let hasher = SecretHasher::new(&b.hash)
                    .map_err(|m| anyhow!("baseline {}: {m}", path.display()))?;
                Ok(baseline::compare(
                    b,
                    &hasher,
                    findings,
                    scope,
                    &baseline::today(),
                ))
            }
        }
    }

    /// Writes the report and the summary; returns the exit status.
    pub fn finish(
        &self,
        mode: Mode,
        outcome: &Outcome,
        cmp: &Comparison,
        extra_summary: &[String],
    ) -> Result<ExitStatus> {
        let ctx = ReportContext {
            secrets: self.report.secrets,
            color: self.report.color,
            mode,
            rules: self
                .rules
                .rules()
                .iter()
                .map(|r| (r.id.clone(), r.description.clone()))
                .collect(),
        };
        match &self.report.output {
            Some(path) => {
                let mut buf = Vec::new();
                report::write(self.report.format, &cmp.new, &ctx, &mut buf)?;
                baseline::write_atomically(path, &buf)
                    .with_context(|| format!("cannot write report {}", path.display()))?;
            }
            None => {
                let stdout = std::io::stdout();
                let mut lock = std::io::BufWriter::new(stdout.lock());
                let res = report::write(self.report.format, &cmp.new, &ctx, &mut lock)
                    .and_then(|_| lock.flush());
                if let Err(e) = res {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        return Err(e).context("cannot write report to standard output");
                    }
                }
            }
        }
        for e in &outcome.errors {
            eprintln!("sealant: error: {}: {}", e.path, e.message);
        }
        if !self.report.quiet {
            eprintln!(
                "{}",
                summary(outcome, cmp, self.baseline.is_some(), extra_summary)
            );
        }
        Ok(status(cmp.new.len(), outcome.errors.len()))
    }
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

/// The one-line summary for stderr.
pub fn summary(
    outcome: &Outcome,
    cmp: &Comparison,
    has_baseline: bool,
    extra: &[String],
) -> String {
    let s = &outcome.stats;
    let mut parts = vec![format!(
        "scanned {} file{} ({}) in {:.2}s",
        s.scanned,
        if s.scanned == 1 { "" } else { "s" },
        human_bytes(s.bytes),
        s.elapsed.as_secs_f64()
    )];
    if s.commits > 0 {
        parts.push(format!(
            "{} commit{}",
            s.commits,
            if s.commits == 1 { "" } else { "s" }
        ));
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
    parts.push(format!(
        "{} finding{}",
        cmp.new.len(),
        if cmp.new.len() == 1 { "" } else { "s" }
    ));
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
        parts.push(format!(
            "{} error{}",
            outcome.errors.len(),
            if outcome.errors.len() == 1 { "" } else { "s" }
        ));
    }
    parts.extend(extra.iter().cloned());
    format!("sealant: {}", parts.join("; "))
}

fn run_scan(args: ScanArgs) -> Result<ExitStatus> {
    let stdin_only = args.paths.len() == 1 && args.paths[0] == Path::new("-");
    if args.paths.iter().any(|p| p == Path::new("-")) && !stdin_only {
        bail!("`-` (standard input) cannot be combined with other paths");
    }
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let root = if stdin_only {
        project_root(&cwd)
    } else {
        project_root(&roots[0])
    };
    let plan = Plan::resolve(root.clone(), &args.common)?;
    if stdin_only {
        let bytes = crate::source::stdin::read_all().context("cannot read standard input")?;
        let outcome = scan::scan_buffer(&plan.rules, crate::source::stdin::STDIN_PATH, &bytes);
        let scanned = HashSet::from([crate::source::stdin::STDIN_PATH.to_string()]);
        let exists = |_: &str| true;
        let cmp = plan.compare(
            outcome.findings.clone(),
            Scope::Partial {
                scanned: &scanned,
                exists: &exists,
            },
        )?;
        return plan.finish(Mode::Files, &outcome, &cmp, &[]);
    }
    for r in &roots {
        if std::fs::symlink_metadata(r).is_err() {
            bail!("{}: no such file or directory", r.display());
        }
    }
    let whole_root =
        roots.len() == 1 && std::path::absolute(&roots[0]).ok() == std::path::absolute(&root).ok();
    let opts = WalkOptions {
        roots: roots
            .iter()
            .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()))
            .collect(),
        base: root.clone(),
        max_file_size: plan.settings.max_file_size,
        follow_symlinks: args.follow_symlinks,
        ignore_files: if args.no_ignore {
            IgnoreFiles::Disregard
        } else {
            IgnoreFiles::Respect
        },
        threads: args.common.threads.unwrap_or(0),
    };
    let outcome = scan::scan_worktree(&plan.rules, &opts);
    let cmp = if whole_root {
        plan.compare(outcome.findings.clone(), Scope::Complete)?
    } else {
        let scanned: HashSet<String> = outcome.findings.iter().map(|f| f.path.clone()).collect();
        let root2 = root.clone();
        let exists = move |p: &str| root2.join(p).exists();
        let mut c = plan.compare(
            outcome.findings.clone(),
            Scope::Partial {
                scanned: &scanned,
                exists: &exists,
            },
        )?;
        c.stale.clear(); // a partial scan cannot tell whether entries elsewhere are stale
        c
    };
    plan.finish(Mode::Files, &outcome, &cmp, &[])
}

fn run_rules(cmd: RulesCommand) -> Result<ExitStatus> {
    match cmd {
        RulesCommand::List { config } => {
            let cwd = std::env::current_dir()?;
            let config = match config {
                Some(p) => Config::load(&p)?,
                None => Config::discover(&project_root(&cwd))?,
            };
            let rules = config.rules()?;
            let mut out = std::io::stdout().lock();
            for r in &rules {
                let _ = writeln!(out, "{:<36} {}", r.id, r.description);
            }
            eprintln!("sealant: {} rules", rules.len());
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
                        .map(|spec| crate::rules::Rule::from_spec(spec, &origin))
                        .collect::<Result<Vec<_>, _>>()?
                }
            };
            let failures = crate::rules::check::check_examples(&rules);
            for f in &failures {
                eprintln!("sealant: rule `{}`: {}", f.rule, f.problem);
            }
            let examples: usize = rules
                .iter()
                .map(|r| r.examples.len() + r.negative_examples.len())
                .sum();
            eprintln!(
                "sealant: {} rules, {} examples, {} failure(s)",
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

//! Reporters: turn findings into text, JSON, JSON Lines, SARIF, JUnit XML, a GitLab
//! secret-detection report, GitHub workflow commands, CSV or a self-contained HTML audit page. They know findings and a little
//! context ([`ReportContext`]); they never scan, filter or decide exit codes.

pub mod csv;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::finding::Finding;
use crate::rules::RuleKind;
use std::io::{self, Write};
use std::time::SystemTime;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, one finding per line plus hints.
    Text,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitLab secret-detection report (schema 15.x).
    Gitlab,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// CSV (RFC 4180), one row per finding.
    Csv,
    /// One self-contained HTML page: summary, sortable table, timeline.
    Html,
}

/// Whether secrets are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretDisplay {
    /// Short prefix/suffix only (default).
    Redacted,
    /// The full value (`--show-secrets`).
    Plain,
}

/// Whether text output may use ANSI colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// Plain text.
    Never,
    /// ANSI colours.
    Always,
}

/// Whether text output may use colour, as asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How the text report lays findings out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One `path:line:col` line per finding (for pipes, logs and editors' "go to").
    Flat,
    /// A heading per file, then `line:col` lines under it (for a terminal).
    Grouped,
}

/// The layout as asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutChoice {
    /// Grouped on a terminal, flat otherwise.
    Auto,
    /// Grouped (`--heading`).
    Grouped,
    /// Flat (`--no-heading`).
    Flat,
}

/// How to write the report and the summary.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Format.
    pub format: Format,
    /// File, or standard output.
    pub output: Option<std::path::PathBuf>,
    /// Secret display.
    pub secrets: SecretDisplay,
    /// Colour, resolved.
    pub color: Color,
    /// Text layout, resolved.
    pub layout: Layout,
    /// No summary or progress on stderr.
    pub quiet: bool,
    /// Timing per phase on stderr (`--verbose`).
    pub verbose: bool,
}

/// Which scan mode produced the findings: changes the wording of text hints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Working tree or stdin.
    Files,
    /// The pre-commit gate.
    Staged,
    /// History, CI range or push hooks.
    History,
}

/// Everything a reporter needs besides the findings.
#[derive(Clone, Debug)]
pub struct ReportContext {
    /// Secret display.
    pub secrets: SecretDisplay,
    /// Colour for text.
    pub color: Color,
    /// Layout for text.
    pub layout: Layout,
    /// Mode.
    pub mode: Mode,
    /// All rules, for SARIF's rule table.
    pub rules: Vec<RuleInfo>,
    /// When the scan started (wall clock).
    pub started: SystemTime,
    /// When it finished (wall clock).
    pub finished: SystemTime,
    /// How many paths or objects could not be read: the run did not see everything.
    pub read_errors: usize,
    /// Findings the baseline suppressed (not in the report's findings). Only the HTML report
    /// shows them, as their own category; the others report new findings only.
    pub baselined: Vec<Finding>,
}

/// What a report says about a rule besides its findings.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    /// Rule id.
    pub id: String,
    /// Description (may be empty).
    pub description: String,
    /// Specific, contextual or generic.
    pub kind: RuleKind,
    /// A file rule: the file itself is the finding.
    pub file: bool,
}

impl Mode {
    /// The lowercase name (`files`, `staged`, `history`), as in SARIF's `automationDetails`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Files => "files",
            Mode::Staged => "staged",
            Mode::History => "history",
        }
    }
}

impl ReportContext {
    /// The secret as it may be printed.
    /// A file rule's finding (a committed `.env`) has no secret: it shows `(file)`.
    pub fn show(&self, f: &Finding) -> String {
        if f.is_file_finding() {
            return "(file)".to_string();
        }
        match self.secrets {
            SecretDisplay::Redacted => f.secret.redacted(),
            SecretDisplay::Plain => f.secret.expose().to_string(),
        }
    }
}

/// Writes `findings` in `format`.
pub fn write(
    format: Format,
    findings: &[Finding],
    ctx: &ReportContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(findings, ctx, out),
        Format::Json => json::write_array(findings, ctx, out),
        Format::Jsonl => json::write_lines(findings, ctx, out),
        Format::Sarif => sarif::write(findings, ctx, out),
        Format::Junit => junit::write(findings, ctx, out),
        Format::Gitlab => gitlab::write(findings, ctx, out),
        Format::Github => github::write(findings, ctx, out),
        Format::Csv => csv::write(findings, ctx, out),
        Format::Html => html::write(findings, ctx, out),
    }
}

/// A finding's decoding chain, outermost first: `base64`, `escape → base64`.
pub fn chain(f: &Finding) -> String {
    f.decoded
        .iter()
        .map(|e| e.name())
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The description, or the rule id when the rule has none.
pub fn what(f: &Finding) -> &str {
    if f.description.is_empty() {
        &f.rule
    } else {
        &f.description
    }
}

/// A UTC time as `YYYY-MM-DDTHH:MM:SS` (what GitLab's report schema requires; no zone, no
/// fraction). Times before 1970 print as the epoch.
pub fn utc_timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (year, month, day) = crate::baseline::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc_civil_time() {
        let at = |s| utc_timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00");
        assert_eq!(at(1_709_210_096), "2024-02-29T12:34:56");
        assert_eq!(at(4_102_444_799), "2099-12-31T23:59:59");
    }
}

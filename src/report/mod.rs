//! Reporters: turn findings into text, JSON, JSON Lines, SARIF or JUnit XML. They know findings and a little
//! context ([`ReportContext`]); they never scan, filter or decide exit codes.

pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::finding::Finding;
use std::io::{self, Write};

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
    /// No summary or progress on stderr.
    pub quiet: bool,
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
    /// Mode.
    pub mode: Mode,
    /// All rules (id, description) for SARIF's rule table.
    pub rules: Vec<(String, String)>,
}

impl ReportContext {
    /// The secret as it may be printed.
    /// A file rule's finding (a committed `.env`) has no secret: it shows `(file)`.
    pub fn show(&self, f: &Finding) -> String {
        if f.secret.expose().is_empty() {
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

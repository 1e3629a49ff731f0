//! The human report: `path:line:col  rule  redacted-secret` and the redacted line under it (or,
//! on a terminal, a heading per file and `line:col` under it), split into "still at HEAD" and
//! "history only" for history, then the ways out.
//! Every value that comes from the scanned content or repository (paths, secrets, commit
//! authors and summaries) goes through `terminal::printable`: a name cannot drive the terminal.

use super::{Color, Layout, Mode, ReportContext};
use crate::finding::{Confidence, Finding, Presence};
use crate::terminal::printable;
use std::io::{self, Write};

fn paint(ctx: &ReportContext, code: &str, s: &str) -> String {
    match ctx.color {
        Color::Always => format!("\x1b[{code}m{s}\x1b[0m"),
        Color::Never => s.to_string(),
    }
}

/// How a finding's first line starts: the full location (flat), or `line:col` under its file's
/// heading (grouped).
#[derive(Clone, Copy)]
enum Lead {
    Location,
    Position,
}

fn line(f: &Finding, ctx: &ReportContext, lead: Lead, out: &mut dyn Write) -> io::Result<()> {
    let (loc, indent) = match lead {
        Lead::Location => (
            format!(
                "{}:{}:{}",
                printable(&f.path),
                f.location.start.line,
                f.location.start.column
            ),
            "    ",
        ),
        Lead::Position => (
            format!("  {}:{}", f.location.start.line, f.location.start.column),
            "      ",
        ),
    };
    writeln!(
        out,
        "{}  {}  {}  ({})",
        paint(ctx, "1", &loc),
        paint(ctx, "31", &f.rule),
        paint(ctx, "33", &printable(&ctx.show(f))),
        super::what(f)
    )?;
    if let Some(excerpt) = &f.excerpt {
        writeln!(
            out,
            "{indent}{} {}",
            paint(ctx, "2", "|"),
            printable(excerpt)
        )?;
    }
    if !f.decoded.is_empty() {
        writeln!(
            out,
            "{indent}decoded: the secret is inside a {} value at this position",
            super::chain(f)
        )?;
    }
    if f.confidence == Confidence::Low {
        writeln!(
            out,
            "{indent}low confidence: an example-like value (documentation, test, comment, classic credential, identifier-shaped)"
        )?;
    }
    if let Some(c) = &f.commit {
        let short = &c.commit[..c.commit.len().min(12)];
        writeln!(
            out,
            "{indent}introduced in {short} by {} <{}> on {}: {}",
            printable(&c.author),
            printable(&c.email),
            printable(&c.date),
            printable(&c.summary)
        )?;
        if let Some(r) = &f.removed {
            writeln!(
                out,
                "{indent}removed in {} by {} <{}> on {}: {}",
                &r.commit[..r.commit.len().min(12)],
                printable(&r.author),
                printable(&r.email),
                printable(&r.date),
                printable(&r.summary)
            )?;
        }
        for o in f.occurrences.iter().take(5) {
            writeln!(
                out,
                "{indent}also in {} at {}",
                &o.commit[..o.commit.len().min(12)],
                printable(&o.path)
            )?;
        }
        if f.occurrences.len() > 5 {
            writeln!(out, "{indent}… and {} more places", f.occurrences.len() - 5)?;
        }
    }
    Ok(())
}

/// Writes `findings` (sorted by path) in the context's layout: flat lines, or a heading per
/// file with its findings under it.
fn block(findings: &[&Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    match ctx.layout {
        Layout::Flat => {
            for f in findings {
                line(f, ctx, Lead::Location, out)?;
            }
        }
        Layout::Grouped => {
            for group in findings.chunk_by(|a, b| a.path == b.path) {
                let heading = format!(
                    "{} ({})",
                    printable(&group[0].path),
                    if group.len() == 1 {
                        "1 finding".to_string()
                    } else {
                        format!("{} findings", group.len())
                    }
                );
                writeln!(out, "{}", paint(ctx, "35;1", &heading))?;
                for f in group {
                    line(f, ctx, Lead::Position, out)?;
                }
            }
        }
    }
    Ok(())
}

/// Writes the findings and, if there are any, how to resolve them.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    if ctx.mode == Mode::History && findings.iter().any(|f| f.presence.is_some()) {
        let at_head: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.presence == Some(Presence::AtHead))
            .collect();
        let gone: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.presence != Some(Presence::AtHead))
            .collect();
        if !at_head.is_empty() {
            writeln!(
                out,
                "{}",
                paint(
                    ctx,
                    "1",
                    &format!(
                        "Still present at HEAD ({}): remove and rotate",
                        at_head.len()
                    )
                )
            )?;
            block(&at_head, ctx, out)?;
        }
        if !gone.is_empty() {
            writeln!(
                out,
                "{}",
                paint(ctx, "1", &format!("Removed, in history only ({}): still exposed to anyone with a clone, rotate", gone.len()))
            )?;
            block(&gone, ctx, out)?;
        }
    } else {
        block(&findings.iter().collect::<Vec<_>>(), ctx, out)?;
    }
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    match ctx.mode {
        Mode::Staged => {
            writeln!(
                out,
                "sealant blocked this commit: {} new secret(s) staged. Ways out:",
                findings.len()
            )?;
            writeln!(out, "  1. Remove the secret: keep it in an environment variable or a secret manager, `git add` the fix.")?;
            writeln!(
                out,
                "  2. A false positive? Add `sealant:allow` in a comment on the same line."
            )?;
            writeln!(out, "  3. Accept it (e.g. already rotated): `sealant baseline update`, then commit .sealant-baseline.json.")?;
        }
        Mode::Files | Mode::History => {
            writeln!(out, "{} secret(s) found. To resolve each:", findings.len())?;
            writeln!(
                out,
                "  - remove it (use an environment variable or a secret manager) and rotate it;"
            )?;
            writeln!(
                out,
                "  - or mark a false positive with a `sealant:allow` comment on its line;"
            )?;
            writeln!(
                out,
                "  - or accept it in the baseline: `sealant baseline update`."
            )?;
        }
    }
    Ok(())
}

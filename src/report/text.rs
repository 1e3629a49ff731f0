//! The human report: `path:line:col  rule  redacted-secret`, grouped for history, then the ways out.
//! Every value that comes from the scanned content or repository (paths, secrets, commit
//! authors and summaries) goes through `terminal::printable`: a name cannot drive the terminal.

use super::{Color, Mode, ReportContext};
use crate::finding::{Confidence, Finding, Presence};
use crate::terminal::printable;
use std::io::{self, Write};

fn paint(ctx: &ReportContext, code: &str, s: &str) -> String {
    match ctx.color {
        Color::Always => format!("\x1b[{code}m{s}\x1b[0m"),
        Color::Never => s.to_string(),
    }
}

fn line(f: &Finding, ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let loc = format!(
        "{}:{}:{}",
        printable(&f.path),
        f.location.start.line,
        f.location.start.column
    );
    writeln!(
        out,
        "{}  {}  {}  ({})",
        paint(ctx, "1", &loc),
        paint(ctx, "31", &f.rule),
        paint(ctx, "33", &printable(&ctx.show(f))),
        if f.description.is_empty() {
            &f.rule
        } else {
            &f.description
        }
    )?;
    if !f.decoded.is_empty() {
        writeln!(
            out,
            "    decoded: the secret is inside a {} value at this position",
            super::chain(f)
        )?;
    }
    if f.confidence == Confidence::Low {
        writeln!(
            out,
            "    low confidence: an example-like value (documentation, test, comment, classic credential, identifier-shaped)"
        )?;
    }
    if let Some(c) = &f.commit {
        let short = &c.commit[..c.commit.len().min(12)];
        writeln!(
            out,
            "    introduced in {short} by {} <{}> on {}: {}",
            printable(&c.author),
            printable(&c.email),
            printable(&c.date),
            printable(&c.summary)
        )?;
        if let Some(r) = &f.removed {
            writeln!(
                out,
                "    removed in {} by {} <{}> on {}: {}",
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
                "    also in {} at {}",
                &o.commit[..o.commit.len().min(12)],
                printable(&o.path)
            )?;
        }
        if f.occurrences.len() > 5 {
            writeln!(out, "    … and {} more places", f.occurrences.len() - 5)?;
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
            for f in at_head {
                line(f, ctx, out)?;
            }
        }
        if !gone.is_empty() {
            writeln!(
                out,
                "{}",
                paint(ctx, "1", &format!("Removed, in history only ({}): still exposed to anyone with a clone, rotate", gone.len()))
            )?;
            for f in gone {
                line(f, ctx, out)?;
            }
        }
    } else {
        for f in findings {
            line(f, ctx, out)?;
        }
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

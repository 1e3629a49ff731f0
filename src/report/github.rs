//! GitHub Actions workflow commands: one annotation per finding, which the runner shows on the
//! pull request's diff and in the job summary. `::error` for medium and high confidence,
//! `::warning` for low. Property values and the message are escaped as GitHub's runner expects.

use super::{what, ReportContext};
use crate::finding::{Confidence, Finding};
use std::io::{self, Write};

/// Escapes a message (the data after `::`): `%`, `\r`, `\n` as GitHub documents. Other control
/// characters and bidirectional overrides (a hostile file name) would reach the log as they are,
/// so they are shown as `\u{…}` instead.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: the message's escapes plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation of one finding, without the newline.
pub fn command(f: &Finding, ctx: &ReportContext) -> String {
    let level = match f.confidence {
        Confidence::Low => "warning",
        Confidence::Medium | Confidence::High => "error",
    };
    // A file rule's finding is the file: its description says what is wrong.
    let mut message = if f.is_file_finding() {
        format!("{} ", what(f))
    } else {
        format!("{} detected: {} ", what(f), ctx.show(f))
    };
    message.push_str(&format!(
        "(rule {}, confidence {})",
        f.rule,
        f.confidence.name()
    ));
    if !f.decoded.is_empty() {
        message.push_str(&format!("; found after decoding {}", super::chain(f)));
    }
    if let Some(c) = &f.commit {
        let short = c.commit.get(..12).unwrap_or(&c.commit);
        message.push_str(&format!(
            "; introduced in {short} by {} on {}",
            c.author, c.date
        ));
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&f.path),
        f.location.start.line,
        f.location.start.column,
        f.location.end.line,
        f.location.end.column,
        escape_property(&f.rule),
        escape_data(&message)
    )
}

/// Writes one command per finding.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        writeln!(out, "{}", command(f, ctx))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a%b:c,d\ne"), "a%25b%3Ac%2Cd%0Ae");
        assert_eq!(
            escape_data("a\u{1b}[31m\u{202e}b"),
            "a\\u{1b}[31m\\u{202e}b"
        );
    }
}

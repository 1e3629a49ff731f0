//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines): one test
//! case per finding, failed; a single passing case when there is nothing to report.

use super::ReportContext;
use crate::finding::Finding;
use std::io::{self, Write};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry other controls even as references: show them escaped.
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes one `<testsuites>` document.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let cases = findings.len().max(1);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sealant" tests="{cases}" failures="{}">"#,
        findings.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="sealant" tests="{cases}" failures="{}">"#,
        findings.len()
    )?;
    if findings.is_empty() {
        writeln!(
            out,
            r#"    <testcase classname="sealant" name="no new secrets"/>"#
        )?;
    }
    for f in findings {
        let loc = format!(
            "{}:{}:{}",
            f.path, f.location.start.line, f.location.start.column
        );
        let what = if f.description.is_empty() {
            &f.rule
        } else {
            &f.description
        };
        let mut detail = format!(
            "{loc} {} {} (confidence: {})",
            f.rule,
            ctx.show(f),
            f.confidence.name()
        );
        if !f.decoded.is_empty() {
            detail.push_str(&format!("\ndecoded: {}", super::chain(f)));
        }
        if let Some(c) = &f.commit {
            detail.push_str(&format!(
                "\nintroduced in {} by {} <{}> on {}",
                c.commit, c.author, c.email, c.date
            ));
        }
        writeln!(
            out,
            r#"    <testcase classname="{}" name="{}" file="{}" line="{}">"#,
            escape(&f.rule),
            escape(&loc),
            escape(&f.path),
            f.location.start.line
        )?;
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            escape(what),
            escape(&f.rule),
            escape(&detail)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

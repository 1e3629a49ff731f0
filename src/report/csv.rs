//! CSV (RFC 4180: CRLF row ends, fields quoted when they hold a comma, quote or line break,
//! quotes doubled), written by the `csv` crate, for spreadsheets and ad-hoc tooling. One header row, then one row per finding.

use super::ReportContext;
use crate::finding::Finding;
use std::io::{self, Write};

/// The header row.
pub const HEADER: [&str; 14] = [
    "rule",
    "description",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "fingerprint",
    "confidence",
    "decoded",
    "commit",
    "author",
    "date",
];

/// Writes the header and one row per finding.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    for f in findings {
        let (commit, author, date) = match &f.commit {
            Some(c) => (c.commit.as_str(), c.author.as_str(), c.date.as_str()),
            None => ("", "", ""),
        };
        w.write_record([
            f.rule.as_str(),
            f.description.as_str(),
            f.path.as_str(),
            &f.location.start.line.to_string(),
            &f.location.start.column.to_string(),
            &f.location.end.line.to_string(),
            &f.location.end.column.to_string(),
            &ctx.show(f),
            f.fingerprint.as_str(),
            f.confidence.name(),
            &super::chain(f),
            commit,
            author,
            date,
        ])?;
    }
    w.flush()
}

//! JSON and JSON Lines. One record per finding; the schema is documented in README.

use super::ReportContext;
use crate::finding::Finding;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// The JSON record of one finding.
pub fn record(f: &Finding, ctx: &ReportContext) -> Value {
    let mut m = Map::new();
    m.insert("rule".into(), json!(f.rule));
    m.insert("description".into(), json!(f.description));
    m.insert("path".into(), json!(f.path));
    m.insert("line".into(), json!(f.location.start.line));
    m.insert("column".into(), json!(f.location.start.column));
    m.insert("end_line".into(), json!(f.location.end.line));
    m.insert("end_column".into(), json!(f.location.end.column));
    m.insert("secret".into(), json!(ctx.show(f)));
    m.insert("fingerprint".into(), json!(f.fingerprint));
    m.insert("confidence".into(), json!(f.confidence));
    m.insert("decoded".into(), json!(f.decoded));
    m.insert(
        "entropy".into(),
        json!((f.entropy * 1000.0).round() / 1000.0),
    );
    if let Some(c) = &f.commit {
        m.insert("commit".into(), json!(c.commit));
        m.insert("author".into(), json!(c.author));
        m.insert("email".into(), json!(c.email));
        m.insert("date".into(), json!(c.date));
        m.insert("summary".into(), json!(c.summary));
    }
    if let Some(p) = f.presence {
        m.insert("presence".into(), json!(p));
    }
    if f.commit.is_some() {
        m.insert("occurrences".into(), json!(f.occurrences));
    }
    if let Some(r) = &f.removed {
        m.insert("removed".into(), json!(r));
    }
    Value::Object(m)
}

/// One JSON array, pretty-printed.
pub fn write_array(
    findings: &[Finding],
    ctx: &ReportContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let all: Vec<Value> = findings.iter().map(|f| record(f, ctx)).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// One compact JSON object per line.
pub fn write_lines(
    findings: &[Finding],
    ctx: &ReportContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    for f in findings {
        serde_json::to_writer(&mut *out, &record(f, ctx))?;
        writeln!(out)?;
    }
    Ok(())
}

//! SARIF 2.1.0, as GitHub code scanning ingests it. History findings carry their commit in
//! `properties` and a `partialFingerprints` entry so alerts stay stable across runs.

use super::ReportContext;
use crate::finding::Finding;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The schema URI written into the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes one SARIF log with one run.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = ctx
        .rules
        .iter()
        .map(|(id, desc)| {
            json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": if desc.is_empty() { id } else { desc } },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["security", "secret"] }
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = ctx.rules.iter().position(|(id, _)| id == &f.rule);
            let mut result = json!({
                "ruleId": f.rule,
                "level": "error",
                "message": { "text": format!("{} detected: {}", if f.description.is_empty() { &f.rule } else { &f.description }, ctx.show(f)) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path) },
                        "region": {
                            "startLine": f.location.start.line,
                            "startColumn": f.location.start.column,
                            "endLine": f.location.end.line,
                            "endColumn": f.location.end.column.max(1),
                        }
                    }
                }],
                "partialFingerprints": { "sealant/v1": f.fingerprint },
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            let mut props = serde_json::Map::new();
            props.insert("confidence".into(), json!(f.confidence));
            if !f.decoded.is_empty() {
                props.insert("decoded".into(), json!(f.decoded));
            }
            if let Some(c) = &f.commit {
                props.insert("commit".into(), json!(c.commit));
                props.insert("author".into(), json!(c.author));
                props.insert("email".into(), json!(c.email));
                props.insert("date".into(), json!(c.date));
                props.insert("summary".into(), json!(c.summary));
            }
            if let Some(p) = f.presence {
                props.insert("presence".into(), json!(p));
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sealant",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/sealant-scanner/sealant",
                "rules": rules,
            }},
            // Columns count characters (Unicode scalar values), as every other format does.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A relative URI reference for a path (percent-encodes what URIs cannot hold).
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

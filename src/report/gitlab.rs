//! GitLab's secret-detection report (security report schema 15.x), the artifact a job declares
//! under `artifacts: reports: secret_detection`. The secret's value is never written: no
//! `raw_source_code_extract`, and the message carries only the redacted form (or the value with
//! `--show-secrets`).

use super::{utc_timestamp, what, ReportContext};
use crate::finding::{Confidence, Finding};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// The schema version the report declares.
pub const SCHEMA_VERSION: &str = "15.0.6";

/// The commit id written when the finding has none (a working-tree or staged scan): the schema
/// requires `location.commit.sha`, and GitLab's own analyzer writes this placeholder.
pub const NO_COMMIT: &str = "0000000";

/// GitLab's severity for a finding: file rules `Medium`; otherwise by confidence, high
/// `Critical`, medium `High`, low `Low`.
pub fn severity(f: &Finding) -> &'static str {
    if f.is_file_finding() {
        return "Medium";
    }
    match f.confidence {
        Confidence::High => "Critical",
        Confidence::Medium => "High",
        Confidence::Low => "Low",
    }
}

/// A stable UUID-shaped id for one finding: the same secret at the same place in the same commit
/// keeps its id across runs (GitLab tracks vulnerabilities by it).
pub fn id(f: &Finding) -> String {
    let mut h = Sha256::new();
    h.update(b"sealant-gitlab-v1\0");
    h.update(f.fingerprint.as_str().as_bytes());
    h.update(b"\0");
    h.update(f.location.start.line.to_string().as_bytes());
    h.update(b"\0");
    h.update(f.location.start.column.to_string().as_bytes());
    h.update(b"\0");
    if let Some(c) = &f.commit {
        h.update(c.commit.as_bytes());
    }
    let mut b: [u8; 16] = h.finalize()[..16].try_into().expect("16 bytes");
    // RFC 9562 version 8 (custom), variant 10.
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

fn vulnerability(f: &Finding, ctx: &ReportContext) -> Value {
    let name = what(f);
    let mut description = if f.is_file_finding() {
        format!("{name} (`{}`)", f.path)
    } else {
        format!("{name} detected: {}", ctx.show(f))
    };
    description.push_str(&format!(
        " (rule `{}`, confidence {})",
        f.rule,
        f.confidence.name()
    ));
    if !f.decoded.is_empty() {
        description.push_str(&format!("; found after decoding {}", super::chain(f)));
    }
    let commit = match &f.commit {
        Some(c) => json!({
            "sha": c.commit,
            "author": c.author,
            "date": c.date,
            "message": c.summary,
        }),
        None => json!({ "sha": NO_COMMIT }),
    };
    json!({
        // No `category`, `cve`, `confidence`, `message` or `scanner` here: schema 15 removed
        // them from vulnerabilities, and a report that still has them fails its validation.
        // The report's kind is `scan.type`.
        "id": id(f),
        "name": truncate(name, 255),
        "description": description,
        "severity": severity(f),
        "location": {
            "file": f.path,
            "start_line": f.location.start.line,
            "end_line": f.location.end.line,
            "commit": commit,
        },
        "identifiers": [
            { "type": "sealant_rule_id", "name": format!("sealant rule {}", f.rule), "value": f.rule },
            { "type": "cwe", "name": "CWE-798", "value": "798", "url": "https://cwe.mitre.org/data/definitions/798.html" },
        ],
    })
}

/// At most `max` characters (the schema bounds `name`).
fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Writes one report.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let tool = json!({
        "id": "sealant",
        "name": "sealant",
        "url": "https://github.com/sealant-scanner/sealant",
        "vendor": { "name": "sealant" },
        "version": env!("CARGO_PKG_VERSION"),
    });
    let report = json!({
        "version": SCHEMA_VERSION,
        "scan": {
            "scanner": tool,
            "analyzer": tool,
            "type": "secret_detection",
            "start_time": utc_timestamp(ctx.started),
            "end_time": utc_timestamp(ctx.finished),
            "status": "success",
        },
        "vulnerabilities": findings.iter().map(|f| vulnerability(f, ctx)).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

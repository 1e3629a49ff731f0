//! SARIF 2.1.0, as GitHub code scanning ingests it. History findings carry their commit in
//! `properties` and a `partialFingerprints` entry so alerts stay stable across runs. Rules carry
//! descriptions, help (the three ways out), `CWE-798` tags, `security-severity` and `precision`,
//! which GitHub code scanning and GitLab's SARIF ingestion read.

use super::{ReportContext, RuleInfo};
use crate::finding::{Confidence, Finding};
use crate::rules::RuleKind;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The schema URI written into the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The help every rule carries: the three ways out of a finding.
pub const HELP_TEXT: &str = "A secret in the repository is readable by everyone who can clone it, \
in every commit that holds it. Three ways out: (1) a real secret: remove it from the code, load \
it from the environment or a secret store, and rotate it at its provider (deleting the line does \
not revoke it; the old value stays in history); (2) not a secret (a test value, an example): add \
a `sealant:allow` comment on its line; (3) a known finding you accept for now: record it with \
`sealant baseline create` or `sealant baseline update`, so only new secrets fail the check.";

const HELP_MARKDOWN: &str = "A secret in the repository is readable by everyone who can clone it, \
in every commit that holds it.\n\n\
**Three ways out:**\n\n\
1. **A real secret:** remove it from the code, load it from the environment or a secret store, \
and **rotate it** at its provider. Deleting the line does not revoke it; the old value stays in \
the history.\n\
2. **Not a secret** (a test value, an example): add a `sealant:allow` comment on its line.\n\
3. **A known finding you accept for now:** record it in the baseline (`sealant baseline create` \
or `sealant baseline update`), so only new secrets fail the check.\n";

/// `security-severity` and `precision` of a rule: specific formats `9.0`/`high`; contextual
/// `7.0`/`medium`; generic assignments `7.0`/`low`; file rules `7.0`/`high`.
pub fn rule_severity(rule: &RuleInfo) -> (&'static str, &'static str) {
    if rule.file {
        return ("7.0", "high");
    }
    match rule.kind {
        RuleKind::Specific => ("9.0", "high"),
        RuleKind::Contextual => ("7.0", "medium"),
        RuleKind::Generic => ("7.0", "low"),
    }
}

/// A result's `security-severity` from its confidence: high `9.0`, medium `7.0`, low `3.0`.
pub fn finding_severity(f: &Finding) -> &'static str {
    match f.confidence {
        Confidence::High => "9.0",
        Confidence::Medium => "7.0",
        Confidence::Low => "3.0",
    }
}

fn full_description(rule: &RuleInfo) -> String {
    let what = if rule.description.is_empty() {
        rule.id.as_str()
    } else {
        rule.description.as_str()
    };
    let how = if rule.file {
        "a file that holds secrets by its nature (a committed environment file, a key store); the file itself is the finding"
    } else {
        match rule.kind {
            RuleKind::Specific => "a credential in its provider's own format (a literal prefix, a checksum or a PEM block)",
            RuleKind::Contextual => "a credential in a generic structure (a URL with a password, an authorization header, a JWT); its context decides whether it is reported",
            RuleKind::Generic => "a value that looks real, assigned to a secret-like name",
        }
    };
    format!("{what}: {how}. Hard-coded credentials (CWE-798).")
}

fn rule(rule: &RuleInfo) -> Value {
    let (severity, precision) = rule_severity(rule);
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": if rule.description.is_empty() { &rule.id } else { &rule.description } },
        "fullDescription": { "text": full_description(rule) },
        "help": { "text": HELP_TEXT, "markdown": HELP_MARKDOWN },
        "defaultConfiguration": { "level": "error" },
        "properties": {
            "tags": ["security", "secret", "CWE-798", "external/cwe/cwe-798"],
            "security-severity": severity,
            "precision": precision,
        }
    })
}

/// Writes one SARIF log with one run.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = ctx.rules.iter().map(rule).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = ctx.rules.iter().position(|r| r.id == f.rule);
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
            props.insert("security-severity".into(), json!(finding_severity(f)));
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
            // One category per mode, so a history audit and a pull-request scan of the same
            // repository do not close each other's alerts.
            "automationDetails": { "id": format!("sealant/{}/", ctx.mode.name()) },
            "invocations": [{
                // False when some paths or objects could not be read: the results may be partial.
                // No start and end times: a report is the same bytes for the same findings.
                "executionSuccessful": ctx.read_errors == 0,
            }],
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

//! Reading other scanners' baselines: detect-secrets' `.secrets.baseline` (SHA-1 of each secret
//! plus its file and line) and gitleaks' JSON report or `.gitleaksignore` (fingerprints
//! `[commit:]file:rule:line`). Records are matched to sealant's own findings on the same tree.

use crate::baseline::Label;
use crate::finding::Finding;
use serde_json::Value;
use sha1::{Digest, Sha1};

/// One foreign record.
#[derive(Debug, Clone)]
pub struct Record {
    /// File path.
    pub path: String,
    /// Line, if known.
    pub line: Option<usize>,
    /// How to identify the secret.
    pub secret: SecretRef,
    /// Label to give the entry.
    pub label: Option<Label>,
    /// Note to give the entry.
    pub note: String,
}

/// How a record names its secret.
#[derive(Debug, Clone)]
pub enum SecretRef {
    /// SHA-1 hex of the secret (detect-secrets).
    Sha1(String),
    /// The secret itself (gitleaks report without redaction).
    Plain(String),
    /// Only the location is known.
    Location,
}

/// Parses a detect-secrets baseline.
pub fn detect_secrets(text: &str) -> Result<Vec<Record>, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("not a detect-secrets baseline: {e}"))?;
    let results = v
        .get("results")
        .and_then(Value::as_object)
        .ok_or("not a detect-secrets baseline: no `results` object")?;
    let mut out = Vec::new();
    for (file, items) in results {
        for item in items.as_array().into_iter().flatten() {
            let Some(hash) = item.get("hashed_secret").and_then(Value::as_str) else {
                continue;
            };
            let label = match item.get("is_secret").and_then(Value::as_bool) {
                Some(false) => Some(Label::FalsePositive),
                Some(true) => Some(Label::Accepted),
                None => None,
            };
            let kind = item.get("type").and_then(Value::as_str).unwrap_or("secret");
            out.push(Record {
                path: item
                    .get("filename")
                    .and_then(Value::as_str)
                    .unwrap_or(file)
                    .to_string(),
                line: item
                    .get("line_number")
                    .and_then(Value::as_u64)
                    .map(|l| l as usize),
                secret: SecretRef::Sha1(hash.to_lowercase()),
                label,
                note: format!("imported from detect-secrets ({kind})"),
            });
        }
    }
    Ok(out)
}

/// Parses a gitleaks JSON report, or a `.gitleaksignore` file (one fingerprint per line).
pub fn gitleaks(text: &str) -> Result<Vec<Record>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let v: Value =
            serde_json::from_str(text).map_err(|e| format!("not a gitleaks report: {e}"))?;
        let items = v
            .as_array()
            .ok_or("not a gitleaks report: expected an array")?;
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let bad = |what: &str| format!("record #{}: {what}", i + 1);
                let path = item
                    .get("File")
                    .and_then(Value::as_str)
                    .filter(|p| !p.is_empty())
                    .ok_or_else(|| bad("no `File`"))?
                    .to_string();
                // A record without a usable line would match every finding in its file.
                let line = match item.get("StartLine") {
                    Some(v) => Some(
                        v.as_u64()
                            .filter(|&l| l >= 1)
                            .ok_or_else(|| bad("`StartLine` is not a line number"))?
                            as usize,
                    ),
                    None => None,
                };
                let rule = item
                    .get("RuleID")
                    .and_then(Value::as_str)
                    .unwrap_or("secret");
                let secret = match item.get("Secret").and_then(Value::as_str) {
                    Some(s) if !s.is_empty() && s != "REDACTED" => SecretRef::Plain(s.to_string()),
                    _ => SecretRef::Location,
                };
                if line.is_none() && matches!(secret, SecretRef::Location) {
                    return Err(bad(
                        "neither `StartLine` nor `Secret`: it would match anything",
                    ));
                }
                Ok(Record {
                    path,
                    line,
                    secret,
                    label: None,
                    note: format!("imported from gitleaks ({rule})"),
                })
            })
            .collect();
    }
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        // [commit:]file:rule:line; the file may itself contain ':'.
        let mut parts: Vec<&str> = l.rsplitn(3, ':').collect();
        if parts.len() != 3 {
            return Err(format!(
                "line {}: not a gitleaks fingerprint (expected [commit:]file:rule:line)",
                n + 1
            ));
        }
        parts.reverse();
        let line: usize = parts[2]
            .parse()
            .ok()
            .filter(|&l: &usize| l >= 1)
            .ok_or_else(|| format!("line {}: the last field is not a line number", n + 1))?;
        let mut file = parts[0];
        if let Some((commit, rest)) = file.split_once(':') {
            if commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit()) {
                file = rest;
            }
        }
        out.push(Record {
            path: file.to_string(),
            line: Some(line),
            secret: SecretRef::Location,
            label: None,
            note: format!("imported from .gitleaksignore ({})", parts[1]),
        });
    }
    Ok(out)
}

/// Pairs records with findings (by path and secret, or by path and line). Returns
/// (finding index, record) pairs and the records that matched nothing.
pub fn match_records<'r>(
    records: &'r [Record],
    findings: &[Finding],
) -> (Vec<(usize, &'r Record)>, Vec<&'r Record>) {
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for r in records {
        let hits: Vec<usize> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.path == r.path)
            .filter(|(_, f)| match &r.secret {
                SecretRef::Sha1(h) => hex::encode(Sha1::digest(f.secret.expose().as_bytes())) == *h,
                SecretRef::Plain(s) => f.secret.expose() == s || (s.contains(f.secret.expose())),
                SecretRef::Location => r
                    .line
                    .is_some_and(|l| f.location.start.line <= l && l <= f.location.end.line),
            })
            .map(|(i, _)| i)
            .collect();
        if hits.is_empty() {
            unmatched.push(r);
        }
        matched.extend(hits.into_iter().map(|i| (i, r)));
    }
    (matched, unmatched)
}

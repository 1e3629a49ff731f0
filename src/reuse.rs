//! Reuse across environments: the same secret value in files that belong to different
//! deployment environments (`.env.dev` and `.env.prod`, `values-staging.yaml` and
//! `values-prod.yaml`, `config/development.yml` and `config/production.yml`,
//! `docker-compose.override.yml` and `docker-compose.prod.yml`, `overlays/staging/…` and
//! `overlays/prod/…`). The playbooks say "do not reuse the same secrets between environments":
//! a leak of the weakest environment's copy then opens production.
//!
//! [`detect`] runs on a scan's findings (after matching, before the baseline): values are compared
//! in memory only, and the one [`Finding`] per reused value names every location and environment,
//! never the value (its secret is the value, redacted like any other, so the baseline can hold
//! it by hash).

use crate::finding::{Confidence, Finding, Secret};
use std::collections::BTreeMap;

/// The rule id of a reuse finding.
pub const RULE_ID: &str = "secret-reused-across-environments";

/// The environment a path belongs to, by the first environment name among its file name's and
/// folders' words (file name first): `.env.prod` → `production`, `values-staging.yaml` →
/// `staging`, `overlays/dev/secret.yaml` → `development`, `docker-compose.override.yml` →
/// `development` (Compose's local override). `None` for a path that names no environment.
pub fn environment(path: &str) -> Option<&'static str> {
    let mut parts = path.rsplit('/');
    let name = parts.next()?;
    let words = |s: &str| -> Option<&'static str> {
        s.split(['.', '-', '_'])
            .filter(|w| !w.is_empty())
            .find_map(|w| canonical(&w.to_ascii_lowercase()))
    };
    if let Some(env) = words(name) {
        return Some(env);
    }
    parts.find_map(|dir| {
        let dir = dir.to_ascii_lowercase();
        // A folder names an environment only as a whole word (`prod/`, `env-staging/`), and
        // test folders (`tests/`) are not an environment.
        words(&dir).filter(|_| !matches!(dir.as_str(), "test" | "tests"))
    })
}

/// The canonical environment name for a word.
fn canonical(word: &str) -> Option<&'static str> {
    Some(match word {
        "dev" | "develop" | "development" | "override" => "development",
        "prod" | "production" | "prd" | "live" => "production",
        "staging" | "stage" | "stg" => "staging",
        "qa" => "qa",
        "uat" => "uat",
        "test" | "testing" => "test",
        "preprod" | "preproduction" => "preproduction",
        "sandbox" => "sandbox",
        "demo" => "demo",
        _ => return None,
    })
}

/// Where a value was seen: a finding, at its path or (history) at one of its occurrences' paths,
/// which hold the same blob.
#[derive(Clone, Copy)]
struct Seen<'a> {
    finding: &'a Finding,
    path: &'a str,
    environment: &'static str,
}

impl Seen<'_> {
    fn key(&self) -> (&str, usize) {
        (self.path, self.finding.location.start.line)
    }
}

/// One finding per secret value that findings show in files of two or more environments. The
/// finding sits at the value's first location (by path and line) and its description lists
/// every environment with its first location there; `fingerprint` makes its fingerprint.
/// File findings (no value) are never compared.
pub fn detect(
    findings: &[Finding],
    fingerprint: impl Fn(&str, &str, &Secret) -> crate::finding::Fingerprint,
) -> Vec<Finding> {
    let mut by_value: BTreeMap<&str, Vec<Seen<'_>>> = BTreeMap::new();
    for f in findings {
        let value = f.secret.expose();
        if f.is_file_finding() || f.rule == RULE_ID {
            continue;
        }
        let paths =
            std::iter::once(f.path.as_str()).chain(f.occurrences.iter().map(|o| o.path.as_str()));
        for path in paths {
            if let Some(environment) = environment(path) {
                by_value.entry(value).or_default().push(Seen {
                    finding: f,
                    path,
                    environment,
                });
            }
        }
    }
    let mut out = Vec::new();
    for seen in by_value.into_values() {
        // First location per environment, environments in path order.
        let mut first: BTreeMap<&'static str, Seen<'_>> = BTreeMap::new();
        for s in &seen {
            let slot = first.entry(s.environment).or_insert(*s);
            if s.key() < slot.key() {
                *slot = *s;
            }
        }
        if first.len() < 2 {
            continue;
        }
        let mut places: Vec<Seen<'_>> = first.into_values().collect();
        places.sort_by(|a, b| a.key().cmp(&b.key()));
        let at = places[0];
        let list: Vec<String> = places
            .iter()
            .map(|s| {
                format!(
                    "{} ({}:{})",
                    s.environment, s.path, s.finding.location.start.line
                )
            })
            .collect();
        let mut reused = at.finding.clone();
        reused.path = at.path.to_string();
        reused.rule = RULE_ID.to_string();
        let (last, rest) = list.split_last().expect("two places or more");
        reused.description = format!(
            "The same secret is used in {} and {last}: give each environment its own secret",
            rest.join(", ")
        );
        reused.fingerprint = fingerprint(RULE_ID, at.path, &at.finding.secret);
        reused.confidence = places
            .iter()
            .map(|s| s.finding.confidence)
            .min()
            .unwrap_or(Confidence::Medium);
        reused.occurrences = Vec::new();
        out.push(reused);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_come_from_file_names_then_folders() {
        for (path, env) in [
            (".env.dev", Some("development")),
            ("app/.env.prod", Some("production")),
            ("deploy/values-staging.yaml", Some("staging")),
            ("charts/app/values.prod.yaml", Some("production")),
            ("config/development.yml", Some("development")),
            ("config/production.yml", Some("production")),
            ("docker-compose.override.yml", Some("development")),
            ("docker-compose.prod.yml", Some("production")),
            ("k8s/overlays/staging/secret.yaml", Some("staging")),
            ("envs/uat/terraform.tfvars", Some("uat")),
            (".env", None),
            ("config/settings.yml", None),
            ("tests/fixtures/config.yml", None),
            ("src/product.rs", None),
            ("devices/list.yml", None),
        ] {
            assert_eq!(environment(path), env, "{path}");
        }
    }
}

//! Runs every rule's `examples` and `negative_examples` through the real matcher (entropy gate,
//! placeholder detector and allowlists included). Shared by `sealant rules check` and `cargo test`.
//! An example must give a finding the default gate reports (`medium` or above); a negative
//! example must give none (a `low` finding, shown only with `--min-confidence low`, passes).

use super::{InlineAllow, RuleSet};
use crate::allow::Allowlist;
use crate::finding::Confidence;
use crate::rules::Rule;

/// One failed example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Rule id.
    pub rule: String,
    /// What went wrong, without echoing the example (it may be a live-looking secret).
    pub problem: String,
}

/// Checks every rule's examples; returns the failures (empty = all good).
pub fn check_examples(rules: &[Rule]) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    for rule in rules {
        if rule.files.is_some() {
            failures.extend(check_file_rule(rule));
            continue;
        }
        if let Err(e) = rule.compiled() {
            failures.push(ExampleFailure {
                rule: rule.id.clone(),
                problem: e.to_string(),
            });
            continue;
        }
        let mut solo = rule.clone();
        solo.paths = None; // examples are judged on content alone
        let set = match RuleSet::new(vec![solo], Allowlist::default(), InlineAllow::Honour) {
            Ok(s) => s,
            Err(e) => {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    problem: e.to_string(),
                });
                continue;
            }
        };
        let mut matcher = set.matcher();
        if rule.examples.is_empty() {
            failures.push(ExampleFailure {
                rule: rule.id.clone(),
                problem: "has no examples".into(),
            });
        }
        if rule.negative_examples.is_empty() {
            failures.push(ExampleFailure {
                rule: rule.id.clone(),
                problem: "has no negative_examples".into(),
            });
        }
        for (i, ex) in rule.examples.iter().enumerate() {
            if !gated(&matcher.find(ex.as_bytes(), "example")) {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    problem: format!("example #{} does not match", i + 1),
                });
            }
        }
        for (i, ex) in rule.negative_examples.iter().enumerate() {
            if gated(&matcher.find(ex.as_bytes(), "example")) {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    problem: format!("negative example #{} matches", i + 1),
                });
            }
        }
    }
    failures
}

/// A file rule's examples are paths: each example must be flagged (with the rule's
/// `file_contains` text as its content), each negative example must not.
fn check_file_rule(rule: &Rule) -> Vec<ExampleFailure> {
    let fail = |problem: String| ExampleFailure {
        rule: rule.id.clone(),
        problem,
    };
    let mut failures = Vec::new();
    let mut solo = rule.clone();
    solo.paths = None;
    let set = match RuleSet::new(vec![solo], Allowlist::default(), InlineAllow::Honour) {
        Ok(s) => s,
        Err(e) => return vec![fail(e.to_string())],
    };
    let matcher = set.matcher();
    let content = rule
        .files
        .as_ref()
        .and_then(|t| t.contains.clone())
        .unwrap_or_default();
    if rule.examples.is_empty() {
        failures.push(fail("has no examples".into()));
    }
    if rule.negative_examples.is_empty() {
        failures.push(fail("has no negative_examples".into()));
    }
    for (i, path) in rule.examples.iter().enumerate() {
        if !gated(&matcher.find_files(path, Some(content.as_bytes()))) {
            failures.push(fail(format!("example #{} (a path) is not flagged", i + 1)));
        }
    }
    for (i, path) in rule.negative_examples.iter().enumerate() {
        if gated(&matcher.find_files(path, Some(content.as_bytes()))) {
            failures.push(fail(format!(
                "negative example #{} (a path) is flagged",
                i + 1
            )));
        }
    }
    failures
}

/// Whether the default gate reports any of `findings`.
fn gated(findings: &[crate::finding::Finding]) -> bool {
    findings.iter().any(|f| f.confidence >= Confidence::Medium)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_pass_their_examples() {
        let rules = crate::rules::builtin::rules().expect("built-in rules parse");
        assert!(rules.len() >= 60, "only {} built-in rules", rules.len());
        let failures = check_examples(&rules);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_broken_example_is_reported() {
        let rules = crate::rules::parse_rules(
            r#"
[[rule]]
id = "t"
keywords = ["tok_"]
regex = '''tok_[a-z]{5}'''
examples = ["tok_ab"]
negative_examples = ["tok_abcde"]
"#,
            "t",
        )
        .unwrap();
        let f = check_examples(&rules);
        assert_eq!(f.len(), 2, "{f:?}");
    }
}

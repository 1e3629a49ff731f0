//! The config and rule parsers: `.sealant.toml` (`Config::parse`, `Config::rules`, the global
//! allowlist) and rules files (`rules::parse_rules`), on the same text. Whatever validates is then
//! used as a scan would: custom rules and the global allowlist compiled into a `RuleSet`, every
//! rule's examples checked (`matcher::check`), and the examples plus a fixed sample matched.
//! Errors are fine; panics (and runaway time or memory) are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealant::allow::Allowlist;
use sealant::config::Config;
use sealant::matcher::check::check_examples;
use sealant::matcher::{InlineAllow, RuleSet};
use sealant::rules::{parse_rules, Rule};
use std::path::Path;

const CONFIG_PATH: &str = "fuzz/.sealant.toml";
const SAMPLE: &[u8] = b"password = \"hunter2-R8x2Kq9LmZ4vT7wN\"\nAKIAIOSFODNN7EXAMPLF\ntoken: ghp_R8x2Kq9LmZ4vT7wN3pB6yH1sD5fG0jK2lQ9x\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rules) = parse_rules(text, "fuzz/rules.toml") {
        exercise(rules, Allowlist::default(), InlineAllow::Honour);
    }
    let Ok(config) = Config::parse(text, Path::new(CONFIG_PATH)) else {
        return;
    };
    let settings = config.settings();
    let Ok(global) = Allowlist::from_spec(&config.file.allowlist) else {
        return;
    };
    if global.compile_now().is_err() {
        return;
    }
    let Ok(rules) = config.rules() else {
        return;
    };
    // The built-in rules are fuzzed by the `matcher` target; keep the custom ones (compiling
    // every built-in regex per input would make this target crawl).
    let custom: Vec<Rule> = rules
        .into_iter()
        .filter(|r| r.origin == CONFIG_PATH)
        .collect();
    exercise(custom, global, settings.inline_allow);
});

fn exercise(rules: Vec<Rule>, global: Allowlist, inline: InlineAllow) {
    let _ = check_examples(&rules);
    let examples: Vec<Vec<u8>> = rules
        .iter()
        .flat_map(|r| r.examples.iter().chain(&r.negative_examples))
        .map(|e| e.as_bytes().to_vec())
        .collect();
    let Ok(set) = RuleSet::new(rules, global, inline) else {
        return;
    };
    let mut m = set.matcher();
    for path in ["fuzz/file.txt", "src/main.rs", ".env"] {
        let _ = set.path_allowed(path);
        for e in &examples {
            let _ = m.find(e, path);
        }
        let _ = m.find(SAMPLE, path);
        let _ = m.truncated();
    }
}

//! The baseline parser: `Baseline::parse` on arbitrary text. What parses must build its hasher
//! (`BaselineFile::with`: the parameters were validated), survive a write/read round trip
//! (`to_bytes` then `parse` gives the normalised baseline back), and, when its Argon2 cost is
//! small enough to keep the fuzzer fast, hash and `compare` findings against its entries: an
//! entry whose `hash` is the literal `"match"` gets the real hash of the finding's secret, so
//! exact matches and renames are reached. Invariants of the comparison are checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealant::baseline::{compare, Baseline, BaselineFile, Scope};
use sealant::finding::{Finding, Fingerprint, FingerprintKey, Location, Position, Secret};
use std::collections::HashSet;
use std::path::Path;

const SECRET: &str = "R8x2Kq9LmZ4vT7wN3pB6";

fn finding(rule: &str, path: &str) -> Finding {
    let secret = Secret::new(SECRET);
    let at = Position { line: 1, column: 1 };
    Finding {
        rule: rule.to_string(),
        description: String::new(),
        path: path.to_string(),
        location: Location {
            start: at,
            end: at,
            offset: 0,
        },
        fingerprint: Fingerprint::compute(&FingerprintKey::new(*b"fuzz"), rule, path, &secret),
        secret,
        entropy: 4.0,
        commit: None,
        occurrences: Vec::new(),
        presence: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz/.sealant-baseline.json");
    let Ok(baseline) = Baseline::parse(text, path) else {
        return;
    };
    for e in &baseline.entries {
        let _ = e.is_expired("2026-01-01");
    }
    // Round trip: what we write we read back, normalised.
    let bytes = baseline.to_bytes();
    let written = std::str::from_utf8(&bytes).expect("baselines are written as UTF-8");
    let reread = Baseline::parse(written, path).expect("a written baseline parses");
    let mut normal = baseline.clone();
    normal.normalize();
    assert_eq!(reread, normal, "round trip changed the baseline");
    assert_eq!(reread.to_bytes(), bytes, "writing is not deterministic");

    let cheap = baseline.hash.memory_kib <= 1024 && baseline.hash.iterations <= 2;
    let file = BaselineFile::with(path, baseline).expect("a parsed baseline builds its hasher");
    if !cheap {
        return;
    }
    let mut baseline = file.baseline.clone();
    let real = file.hasher.hash(SECRET);
    assert_eq!(real.len(), 64);
    assert_eq!(file.hasher.hash(SECRET), real, "hash is cached and stable");
    for e in &mut baseline.entries {
        if e.hash == "match" {
            e.hash = real.clone();
        }
    }
    // Findings at each entry's path and at a renamed one (first few entries only).
    let mut findings = Vec::new();
    for e in baseline.entries.iter().take(4) {
        findings.push(finding(&e.rule, &e.path));
        findings.push(finding(&e.rule, &format!("renamed/{}", e.path)));
    }
    let scanned: HashSet<String> = findings.iter().map(|f| f.path.clone()).collect();
    let scopes = [
        Scope::Complete,
        Scope::History,
        Scope::partial(scanned, Some(&baseline), |p| p.len() % 2 == 0),
    ];
    for scope in &scopes {
        let n = findings.len();
        let c = compare(&baseline, &file.hasher, findings.clone(), scope, "2026-01-01");
        assert_eq!(c.new.len() + c.baselined.len(), n);
        assert_eq!(c.baselined.len(), c.matched_entry.len());
        let used: HashSet<usize> = c.matched_entry.iter().copied().collect();
        assert_eq!(used.len(), c.matched_entry.len(), "an entry matched twice");
        for &i in c.matched_entry.iter().chain(&c.stale).chain(&c.expired) {
            assert!(i < baseline.entries.len());
        }
        for &i in &c.stale {
            assert!(!used.contains(&i), "a matched entry is stale");
            assert!(!c.expired.contains(&i), "an expired entry is stale");
        }
        for (i, _) in &c.moved {
            assert!(used.contains(i), "a moved entry matched nothing");
        }
        if !matches!(scope, Scope::Complete) {
            assert!(c.stale.is_empty());
        }
    }
});

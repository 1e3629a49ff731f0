//! Shared by the fuzz targets: the built-in rule set (compiled once per process), a matcher per
//! thread, and the text-scanning check used by `matcher`, `blob` and `index`: the in-memory path
//! (`content::decode` + `Matcher::find`) and the streaming path (`stream::scan`, fed whole and
//! in trickles) must classify alike and report the same findings. Also the `baseline` target's
//! check, so the main test suite can replay saved crash inputs (tests/fuzz_regressions.rs).
#![allow(dead_code)]

use sealant::allow::Allowlist;
use sealant::baseline::{compare, Baseline, BaselineFile, Scope};
use sealant::config::Config;
use sealant::content::{decode, Content, SkipReason};
use sealant::finding::{
    Confidence, Finding, Fingerprint, FingerprintKey, Location, Position, Secret,
};
use sealant::matcher::{InlineAllow, Matcher, RuleSet};
use sealant::stream::{self, Streamed};
use std::cell::RefCell;
use std::collections::HashSet;
use std::io::{self, Read};
use std::path::Path;
use std::sync::OnceLock;

/// The built-in rules with default filters, compiled once.
pub fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = Config::default().rules().expect("built-in rules are valid");
        RuleSet::new(rules, Allowlist::default(), InlineAllow::Honour).expect("keywords compile")
    })
}

thread_local! {
    static MATCHER: RefCell<Matcher> = RefCell::new(rule_set().matcher());
}

/// Runs `f` with this thread's matcher (regex caches survive between inputs; per-file state is
/// reset by `find` / `stream::scan` themselves).
pub fn with_matcher<T>(f: impl FnOnce(&mut Matcher) -> T) -> T {
    MATCHER.with(|m| f(&mut m.borrow_mut()))
}

/// Paths some rules and filters care about; the first input byte picks one.
pub const PATHS: &[&str] = &[
    "fuzz/path.env",
    "src/config.py",
    "k8s/secret.yaml",
    "deploy/id_rsa",
    "app/settings.json",
    "terraform/main.tf",
    "docs/README.md",
    "web/min.js",
];

/// Splits a fuzz input into (path, content): the first byte picks the path.
pub fn split_path(data: &[u8]) -> (&'static str, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) => (PATHS[b as usize % PATHS.len()], rest),
        None => (PATHS[0], data),
    }
}

/// What a finding is compared by.
pub type Key = (String, Location, String);

pub fn keys(findings: &[Finding]) -> Vec<Key> {
    findings
        .iter()
        .map(|f| (f.rule.clone(), f.location, f.secret.expose().to_string()))
        .collect()
}

/// A reader handing out at most a few bytes per read (sizes cycle), to split UTF-16 units,
/// surrogate pairs and BOMs across reads.
pub struct Trickle<'a> {
    data: &'a [u8],
    turn: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Trickle { data, turn: 0 }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Small and odd sizes to split units; some large ones, as each read costs `stream`
        // a pass over its step buffer.
        const SIZES: [usize; 8] = [1, 3, 2, 7, 64, 5, 509, 4093];
        let n = SIZES[self.turn % SIZES.len()]
            .min(buf.len())
            .min(self.data.len());
        self.turn += 1;
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Invariants of one finding in decoded `text`.
fn check_finding(f: &Finding, text: &[u8], path: &str) {
    assert_eq!(f.path, path);
    assert!(
        f.location.offset < text.len(),
        "offset {} past the end ({} bytes)",
        f.location.offset,
        text.len()
    );
    assert!(f.location.start <= f.location.end, "{:?}", f.location);
    assert!(f.location.start.line >= 1 && f.location.start.column >= 1);
    assert!(
        !f.secret.expose().is_empty(),
        "empty secret from {}",
        f.rule
    );
}

/// The pipeline's in-memory path (`scan::Pipeline` for files and blobs): decode, then match.
/// Returns the findings (None if `decode` skipped the content).
pub fn scan_in_memory(raw: &[u8], path: &str) -> Option<Vec<Finding>> {
    with_matcher(|m| in_memory(m, &decode(raw), path))
}

fn in_memory(m: &mut Matcher, decoded: &Content<'_>, path: &str) -> Option<Vec<Finding>> {
    match decoded {
        Content::Text(text) => {
            let findings = m.find(text, path);
            for f in &findings {
                check_finding(f, text, path);
            }
            let _ = m.truncated();
            Some(findings)
        }
        Content::Skipped(_) => None,
    }
}

/// Scans raw file bytes in memory and streaming (`stream::scan`, as for standard input and
/// files over 64 MiB; fed whole and in small reads) and checks they agree. Returns the in-memory
/// findings (None if `decode` skipped the content). Streaming allocates its 8 MiB step buffer
/// per call, which dominates this check's cost.
pub fn check_text(raw: &[u8], path: &str) -> Option<Vec<Finding>> {
    with_matcher(|m| {
        let decoded = decode(raw);
        let whole = in_memory(m, &decoded, path);
        let streamed = stream::scan(m, raw, path).expect("reading a slice cannot fail");
        let trickled =
            stream::scan(m, Trickle::new(raw), path).expect("reading a slice cannot fail");
        match (&streamed, &trickled) {
            (
                Streamed::Text {
                    findings: a,
                    bytes: n,
                },
                Streamed::Text {
                    findings: b,
                    bytes: k,
                },
            ) => {
                assert_eq!(*n, raw.len() as u64, "streamed byte count");
                assert_eq!(*k, raw.len() as u64, "trickled byte count");
                assert_eq!(keys(a), keys(b), "streamed whole vs in small reads");
            }
            (Streamed::Skipped(a), Streamed::Skipped(b)) => assert_eq!(a, b),
            (a, b) => panic!("classification depends on read sizes: {a:?} vs {b:?}"),
        }
        match (&decoded, &whole, &streamed) {
            (_, Some(w), Streamed::Text { findings, .. }) => {
                assert_eq!(keys(w), keys(findings), "in-memory vs streamed findings");
            }
            (Content::Skipped(_), None, Streamed::Skipped(_)) => {}
            // An LFS pointer is recognised only on whole content (a streamed file is > 64 MiB).
            (Content::Skipped(SkipReason::LfsPointer), None, Streamed::Text { .. }) => {}
            (d, _, s) => panic!("decode says {d:?}, stream says {s:?}"),
        }
        whole
    })
}

/// Runs `git` in `dir` with a fixed identity and dates (so object ids are the same every run),
/// panicking if it fails: only used to set fixtures up, once per process.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=fuzz",
            "-c",
            "user.email=fuzz@sealant.invalid",
        ])
        .args(["-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// A fresh directory for this process's fixture repository (left behind on exit: libFuzzer
/// exits without running destructors; it is a few KiB under the temp dir).
pub fn fixture_dir(name: &str) -> std::path::PathBuf {
    // The repository is opened the way hooks open it; none of git's variables may redirect it.
    for var in [
        "GIT_DIR",
        "GIT_INDEX_FILE",
        "GIT_WORK_TREE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        std::env::remove_var(var);
    }
    let dir = std::env::temp_dir().join(format!("sealant-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

// ---- the `baseline` target ----

const BASELINE_SECRET: &str = "R8x2Kq9LmZ4vT7wN3pB6";

fn finding(rule: &str, path: &str) -> Finding {
    let secret = Secret::new(BASELINE_SECRET);
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
        removed: None,
        decoded: Vec::new(),
        excerpt: None,
        confidence: Confidence::Medium,
    }
}

/// The `baseline` target's check (see fuzz_targets/baseline.rs).
pub fn check_baseline(data: &[u8]) {
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
    let real = file.hasher.hash(BASELINE_SECRET);
    assert_eq!(real.len(), 64);
    assert_eq!(
        file.hasher.hash(BASELINE_SECRET),
        real,
        "hash is cached and stable"
    );
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
        let c = compare(
            &baseline,
            &file.hasher,
            findings.clone(),
            scope,
            "2026-01-01",
        );
        assert_eq!(c.new.len() + c.baselined.len(), n);
        assert_eq!(c.baselined.len(), c.matched_entry.len());
        // One entry covers every finding of its (rule, path, secret): the same secret twice in
        // a file, or duplicate entries in a hand-edited baseline. It never covers another rule.
        for (f, &i) in c.baselined.iter().zip(&c.matched_entry) {
            assert_eq!(
                f.rule, baseline.entries[i].rule,
                "an entry matched another rule"
            );
        }
        let used: HashSet<usize> = c.matched_entry.iter().copied().collect();
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
}

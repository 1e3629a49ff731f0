//! [`RuleSet`]: the compiled rules and the two-stage match. One Aho-Corasick pass over the content
//! finds every keyword (case-insensitive); only the regions around hits are handed to the rules'
//! regexes, each region at most once per rule. Matches then pass the entropy gate, the placeholder
//! detector, the allowlists and inline allow comments before they become [`Finding`]s.
//!
//! A `RuleSet` is shared by every thread; matching goes through a [`Matcher`], one per worker
//! thread, which owns its clones of the rules' regexes (the program stays shared behind the regex
//! crate's `Arc`, each clone gets its own cache: sharing one `Regex` across threads makes them
//! contend for its cache pool) and its buffers.
//!
//! Cost is linear in the content: regions are clipped to [`LINE_WINDOW`] around a hit and merged
//! per rule, so a megabyte-long minified line with many hits is still read a bounded number of times.
//!
//! Neighbours: `rules` (validated rules in), `allow` and `placeholder` (filters), `finding` (out);
//! [`check`] runs rules' examples through this matcher.

pub mod check;
mod lines;
mod nearby;

pub use lines::Origin;

use crate::allow::{has_inline_marker, Allowlist};
use crate::context::{self, PathKind};
use crate::encoded::Encoding;
use crate::finding::{Confidence, Finding, Fingerprint, FingerprintKey, Location, Secret};
use crate::placeholder::{
    is_classic_credential, is_dashed_fragments, is_placeholder, is_uuid_like,
};
use crate::rules::{PlaceholderPolicy, Rule, RuleKind, SecretGroup};
use crate::validate::Structure;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use lines::LineCounter;
use regex::bytes::Regex;
use std::ops::Range;
use std::sync::Arc;

/// How far around a keyword hit a single-line rule looks on very long lines.
pub const LINE_WINDOW: usize = 4096;
/// How far after a keyword hit a multi-line rule (PEM blocks) looks.
pub const MULTILINE_WINDOW: usize = 64 * 1024;
/// How deep decodings nest (base64 inside base64 inside a JSON string).
pub const MAX_DECODE_DEPTH: usize = 3;
/// Decoded bytes a window may produce, on top of twice its own length.
pub const DECODE_BUDGET_BASE: usize = 64 * 1024;
/// At most this many findings per rule in one file; the rest are only counted
/// ([`Matcher::truncated`]), so a file of three million `password=` lines costs flat memory.
pub const MAX_FINDINGS_PER_RULE: u32 = 1000;

/// A window of a file to match: the bytes handed to [`Matcher::find_window`] start at `origin`
/// in the file, and only secrets starting in `report` (offsets into the window) are reported;
/// the rest of the window is context shared with the neighbouring windows.
#[derive(Clone, Debug)]
pub struct Window {
    /// Where the window starts in its file.
    pub origin: Origin,
    /// Offsets (into the window) whose secrets this window reports.
    pub report: Range<usize>,
}

/// Whether inline `sealant:allow` comments suppress findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineAllow {
    /// Honour inline markers (default).
    Honour,
    /// Ignore them: only the baseline and config suppress (for CI gates).
    Ignore,
}

#[derive(Debug)]
struct Compiled {
    rules: Vec<Rule>,
    keywords: Option<AhoCorasick>,
    /// keyword pattern id -> rules that own it.
    keyword_rules: Vec<Vec<u32>>,
    /// Rules without keywords: scanned over the whole content.
    keywordless: Vec<u32>,
    /// File rules: matched on paths ([`Matcher::find_files`]).
    file_rules: Vec<u32>,
    global: Allowlist,
    inline: InlineAllow,
}

/// The compiled rules plus global filters. Cheap to clone (shared behind an `Arc`); match with a
/// [`Matcher`] per thread.
#[derive(Clone, Debug)]
pub struct RuleSet {
    inner: Arc<Compiled>,
    /// The key findings' fingerprints are computed with.
    key: Arc<FingerprintKey>,
}

/// One thread's matching state: the rule set, this thread's regex clones (made on a rule's first
/// use in this thread) and reusable buffers. Not `Sync` by intent: make one per worker.
pub struct Matcher {
    rules: RuleSet,
    /// Per rule: this thread's clone of the compiled regex (`None` until first used).
    regexes: Vec<Option<Regex>>,
    regions: Vec<(u32, usize, usize)>,
    /// Per rule: its latest region while keyword hits are collected (0 = none, else index + 1).
    open: Vec<usize>,
    raw: Vec<RawMatch>,
    /// Per rule: matches kept in the current file (capped at [`MAX_FINDINGS_PER_RULE`]).
    kept: Vec<u32>,
    /// Per rule: matches past the cap in the current file.
    dropped: Vec<u64>,
}

struct RawMatch {
    rule: u32,
    start: usize,
    end: usize,
    secret: String,
    entropy: f64,
    /// A specific rule matched here but its filters rejected the value: kept only to silence
    /// generic rules on the same span (a docs key a specific rule allows must not resurface as
    /// `generic-secret`).
    rejected: bool,
    /// The match (or its secret) starts with one of the rule's keywords: the provider's literal
    /// prefix (`ghp_`, `pypi-`, a PEM header) is there.
    anchored: bool,
}

impl RuleSet {
    /// Compiles rules with a global allowlist.
    pub fn new(
        rules: Vec<Rule>,
        global: Allowlist,
        inline: InlineAllow,
    ) -> Result<Self, aho_corasick::BuildError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut keywordless = Vec::new();
        let mut file_rules = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.files.is_some() {
                file_rules.push(i as u32);
                continue;
            }
            if rule.keywords.is_empty() {
                keywordless.push(i as u32);
            }
            for kw in &rule.keywords {
                let id = *index.entry(kw.clone()).or_insert_with(|| {
                    patterns.push(kw.clone());
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[id].contains(&(i as u32)) {
                    keyword_rules[id].push(i as u32);
                }
            }
        }
        let keywords = if patterns.is_empty() {
            None
        } else {
            Some(
                // A DFA: with hundreds of keywords the default (an NFA) makes the keyword pass
                // about 3x slower, and it is most of the cost on ordinary code (benches/RESULTS.md).
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)?,
            )
        };
        Ok(RuleSet {
            key: Arc::new(FingerprintKey::random()),
            inner: Arc::new(Compiled {
                rules,
                keywords,
                keyword_rules,
                keywordless,
                file_rules,
                global,
                inline,
            }),
        })
    }

    /// The same rules computing fingerprints with `key` (the default key is random per process).
    pub fn with_fingerprint_key(mut self, key: FingerprintKey) -> Self {
        self.key = Arc::new(key);
        self
    }

    /// The rules, in definition order.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.rules
    }

    /// The fingerprint of (rule, path, secret) under this set's key: what a finding made outside
    /// the matcher (a reuse finding) is identified by.
    pub fn fingerprint(&self, rule: &str, path: &str, secret: &Secret) -> Fingerprint {
        Fingerprint::compute(&self.key, rule, path, secret)
    }

    /// Whether the rule `id` is a key=value (generic) rule.
    fn is_generic(&self, id: &str) -> bool {
        self.kind_of(id) == Some(RuleKind::Generic)
    }

    /// Whether the rule `id` is a generic or contextual rule (judged by where it is found).
    fn is_generic_or_contextual(&self, id: &str) -> bool {
        matches!(
            self.kind_of(id),
            Some(RuleKind::Generic | RuleKind::Contextual)
        )
    }

    fn kind_of(&self, id: &str) -> Option<RuleKind> {
        self.inner.rules.iter().find(|r| r.id == id).map(|r| r.kind)
    }

    /// Whether the global allowlist excludes this path entirely.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.inner.global.allows_path(path)
    }

    /// A matcher for one thread.
    pub fn matcher(&self) -> Matcher {
        Matcher {
            rules: self.clone(),
            regexes: vec![None; self.inner.rules.len()],
            regions: Vec::new(),
            open: vec![0; self.inner.rules.len()],
            raw: Vec::new(),
            kept: vec![0; self.inner.rules.len()],
            dropped: vec![0; self.inner.rules.len()],
        }
    }
}

impl Matcher {
    /// The rule set this matcher runs.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Finds secrets in `content` (already decoded text) of the file at `path` (used for path
    /// filters and fingerprints). Findings come out sorted by offset, at most one per (rule, span)
    /// and at most [`MAX_FINDINGS_PER_RULE`] per rule; [`Matcher::truncated`] counts the rest.
    pub fn find(&mut self, content: &[u8], path: &str) -> Vec<Finding> {
        self.start_file();
        let window = Window {
            origin: Origin::START,
            report: 0..content.len(),
        };
        self.find_window(content, path, &window)
    }

    /// The file rules that flag `path` by itself: a tracked `.env`, an `id_rsa`, a keystore.
    /// `content` is the file's text when it was read as text; a rule that needs a text in the
    /// file (`file_contains`) flags it only then. Findings sit at 1:1 and carry no secret (the
    /// file is the finding); they are `low` under test, example and documentation paths.
    pub fn find_files(&self, path: &str, content: Option<&[u8]>) -> Vec<Finding> {
        let c = &*self.rules.inner;
        if c.file_rules.is_empty() || c.global.allows_path(path) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &r in &c.file_rules {
            let rule = &c.rules[r as usize];
            let Some(target) = &rule.files else { continue };
            if !target.names(path) || !rule_applies(rule, path) || rule.allowlist.allows_path(path)
            {
                continue;
            }
            if let Some(needle) = &target.contains {
                match content {
                    Some(text) if memchr::memmem::find(text, needle.as_bytes()).is_some() => {}
                    _ => continue,
                }
            }
            let secret = Secret::new(String::new());
            let start = crate::finding::Position { line: 1, column: 1 };
            out.push(Finding {
                rule: rule.id.clone(),
                description: rule.description.clone(),
                path: path.to_string(),
                location: Location {
                    start,
                    end: start,
                    offset: 0,
                },
                fingerprint: Fingerprint::compute(&self.rules.key, &rule.id, path, &secret),
                secret,
                entropy: 0.0,
                commit: None,
                occurrences: Vec::new(),
                presence: None,
                removed: None,
                confidence: if context::classify(path).is_illustrative() {
                    Confidence::Low
                } else {
                    Confidence::Medium
                },
                decoded: Vec::new(),
                excerpt: None,
            });
        }
        out
    }

    /// Whether any file rule needs the file's text to decide (`file_contains`).
    pub fn file_rules_read_content(&self, path: &str) -> bool {
        let c = &*self.rules.inner;
        c.file_rules.iter().any(|&r| {
            let rule = &c.rules[r as usize];
            rule.files
                .as_ref()
                .is_some_and(|t| t.contains.is_some() && t.names(path))
        })
    }

    /// Forgets the per-file finding counts: the next [`Matcher::find_window`] starts a new file.
    pub fn start_file(&mut self) {
        self.kept.fill(0);
        self.dropped.fill(0);
    }

    /// Rules whose findings in the current file went past [`MAX_FINDINGS_PER_RULE`], with how
    /// many more matches they had (before shadowing by other rules: an upper bound).
    pub fn truncated(&self) -> Vec<(String, u64)> {
        let rules = &self.rules.inner.rules;
        self.dropped
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(r, &n)| (rules[r].id.clone(), n))
            .collect()
    }

    /// Finds the secrets of one window of a file (see [`Window`]); per-rule caps carry over
    /// from the previous windows since [`Matcher::start_file`]. Positions and offsets are the
    /// file's.
    pub fn find_window(&mut self, content: &[u8], path: &str, window: &Window) -> Vec<Finding> {
        let mut budget = DECODE_BUDGET_BASE + 2 * window.report.len();
        let mut findings = self.find_decoding(content, path, window, 0, &mut budget);
        crate::excerpt::attach(content, window.origin.offset, &mut findings);
        findings
    }

    /// [`Matcher::find_plain`], then the same over every encoded span's decoded line
    /// (`encoded`), nested up to [`MAX_DECODE_DEPTH`] and within `budget` decoded bytes. A
    /// finding in decoded content is placed on its encoded span and names the decoding chain.
    /// Where a span decodes, a key=value rule's finding on the encoded value gives way to what
    /// the decoded line holds (the decoded secret, or nothing for a decoded placeholder); other
    /// rules' findings stay, and a percent-decoded line adds only what overlaps no finding.
    fn find_decoding(
        &mut self,
        content: &[u8],
        path: &str,
        window: &Window,
        depth: usize,
        budget: &mut usize,
    ) -> Vec<Finding> {
        let mut findings = self.find_plain(content, path, window);
        if depth >= MAX_DECODE_DEPTH || *budget == 0 || self.rules.inner.global.allows_path(path) {
            return findings;
        }
        let spans = crate::encoded::find(content, window.report.clone(), budget, line_bounds);
        if spans.is_empty() {
            return findings;
        }
        let mut lines = LineCounter::new(content, window.origin);
        let mut illustrative = None;
        let mut added = Vec::new();
        for d in spans {
            let inner = Window {
                origin: Origin::START,
                report: d.decoded.clone(),
            };
            let mut revealed = self.find_decoding(&d.text, path, &inner, depth + 1, budget);
            let overlaps = |f: &Finding| {
                let a = f.location.offset - window.origin.offset;
                a < d.span.end && a + f.secret.expose().len() > d.span.start
            };
            match d.encoding {
                Encoding::Percent => {
                    if findings.iter().any(overlaps) {
                        continue;
                    }
                }
                Encoding::Base64 | Encoding::Escape => {
                    let set = &self.rules;
                    let (replaced, kept): (Vec<Finding>, Vec<Finding>) =
                        findings.into_iter().partition(|f| {
                            let a = f.location.offset - window.origin.offset;
                            d.span.contains(&a) && set.is_generic(&f.rule)
                        });
                    findings = kept;
                    // What the decoded line shows as written stays where it was written.
                    for f in replaced {
                        let before = revealed.len();
                        revealed.retain(|r| !(r.rule == f.rule && r.secret == f.secret));
                        if revealed.len() < before {
                            findings.push(f);
                        }
                    }
                }
            }
            if revealed.is_empty() {
                continue;
            }
            // A rule that matched the encoded value itself gives way to the decoded secret.
            findings.retain(|f| {
                let a = f.location.offset - window.origin.offset;
                !(a == d.span.start && f.secret.expose().len() == d.span.len())
            });
            let start = lines.position(d.span.start);
            let end = lines.position_after(d.span.end);
            // The decoded line lost the file around it: a docstring or test module the encoded
            // value sits in makes a key=value or contextual finding illustrative, as it would
            // make one written in the clear.
            let line = line_bounds(content, d.span.start);
            let documented = nearby::is_comment(&content[line.0..line.1])
                || illustrative
                    .get_or_insert_with(|| nearby::illustrative_spans(content, path))
                    .iter()
                    .any(|s: &Range<usize>| s.contains(&d.span.start));
            for f in &mut revealed {
                if documented && self.rules.is_generic_or_contextual(&f.rule) {
                    f.confidence = Confidence::Low;
                }
                f.location = Location {
                    start,
                    end,
                    offset: window.origin.offset + d.span.start,
                };
                f.decoded.insert(0, d.encoding);
            }
            added.append(&mut revealed);
        }
        findings.append(&mut added);
        // One secret, one finding: the same rule and secret on one line, revealed by two
        // decodings (a base64 value inside an escaped JSON string), is kept once, with the
        // shortest chain.
        findings.sort_by(|a, b| {
            (
                a.location.start.line,
                &a.rule,
                &a.secret,
                a.decoded.len(),
                a.location.offset,
            )
                .cmp(&(
                    b.location.start.line,
                    &b.rule,
                    &b.secret,
                    b.decoded.len(),
                    b.location.offset,
                ))
        });
        findings.dedup_by(|later, first| {
            later.rule == first.rule
                && later.secret == first.secret
                && later.location.start.line == first.location.start.line
                && !later.decoded.is_empty()
        });
        findings.sort_by(|a, b| (a.location.offset, &a.rule).cmp(&(b.location.offset, &b.rule)));
        findings
    }

    /// Finds the secrets of one window as written (no decoding).
    fn find_plain(&mut self, content: &[u8], path: &str, window: &Window) -> Vec<Finding> {
        let Matcher {
            rules: set,
            regexes,
            regions,
            open,
            raw,
            kept,
            dropped,
        } = self;
        let c = &*set.inner;
        if c.global.allows_path(path) {
            return Vec::new();
        }
        regions.clear();
        raw.clear();
        if let Some(ac) = &c.keywords {
            // Per rule, the index of its latest region: a hit inside it extends it instead of
            // adding one, so a dense line (millions of hits) costs one region, and its line
            // bounds are searched once, not once per hit.
            open.fill(0);
            for hit in ac.find_overlapping_iter(content) {
                for &r in &c.keyword_rules[hit.pattern().as_usize()] {
                    let rule = &c.rules[r as usize];
                    let slot = &mut open[r as usize];
                    if let Some(last) = regions.get_mut(slot.wrapping_sub(1)) {
                        if hit.start() <= last.2 {
                            last.2 = extend_region(content, last.2, hit.end(), rule.multiline);
                            continue;
                        }
                    }
                    let (a, b) = region(content, hit.start(), hit.end(), rule.multiline);
                    regions.push((r, a, b));
                    *slot = regions.len();
                }
            }
        }
        for &r in &c.keywordless {
            regions.push((r, 0, content.len()));
        }
        if regions.is_empty() {
            return Vec::new();
        }
        regions.sort_unstable();
        let mut i = 0;
        while i < regions.len() {
            let (r, a, mut b) = regions[i];
            let mut j = i + 1;
            while j < regions.len() && regions[j].0 == r && regions[j].1 <= b {
                b = b.max(regions[j].2);
                j += 1;
            }
            let rule = &c.rules[r as usize];
            if !rule_applies(rule, path) {
                i = j;
                continue;
            }
            if let Some(regex) = thread_regex(&mut regexes[r as usize], rule) {
                let mut budget = Budget {
                    report: &window.report,
                    kept: &mut kept[r as usize],
                    dropped: &mut dropped[r as usize],
                };
                set.run_rule(r, rule, regex, content, a, b, path, &mut budget, raw);
            }
            i = j;
        }
        raw.sort_by_key(|m| (m.start, m.rule));
        raw.dedup_by_key(|m| (m.start, m.end, m.rule));
        set.drop_shadowed(raw);
        raw.retain(|m| window.report.contains(&m.start));
        let origin = window.origin;
        let kind = context::classify(path);
        let spans = if raw.is_empty() {
            Vec::new()
        } else {
            nearby::illustrative_spans(content, path)
        };
        let mut lines = LineCounter::new(content, origin);
        raw.drain(..)
            .map(|m| {
                let rule = &c.rules[m.rule as usize];
                let start = lines.position(m.start);
                let end = lines.position_after(m.end);
                let line = line_bounds(content, m.start);
                let documented = nearby::is_comment(&content[line.0..line.1])
                    || spans.iter().any(|s| s.contains(&m.start));
                let confidence = confidence(rule, &m, kind, documented);
                let secret = Secret::new(m.secret);
                Finding {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    path: path.to_string(),
                    location: Location {
                        start,
                        end,
                        offset: origin.offset + m.start,
                    },
                    fingerprint: Fingerprint::compute(&set.key, &rule.id, path, &secret),
                    secret,
                    entropy: m.entropy,
                    commit: None,
                    occurrences: Vec::new(),
                    presence: None,
                    removed: None,
                    confidence,
                    decoded: Vec::new(),
                    excerpt: None,
                }
            })
            .collect()
    }
}

/// One rule's share of the per-file cap while it runs over a region: matches whose secret starts
/// in `report` count against `kept`; once [`MAX_FINDINGS_PER_RULE`] are kept, further ones are
/// only counted in `dropped` (before filters: an upper bound), never stored.
struct Budget<'a> {
    report: &'a Range<usize>,
    kept: &'a mut u32,
    dropped: &'a mut u64,
}

impl Budget<'_> {
    /// Whether a match starting at `start` is over the cap (and so was counted, not kept).
    fn exhausted(&mut self, start: usize) -> bool {
        if !self.report.contains(&start) || *self.kept < MAX_FINDINGS_PER_RULE {
            return false;
        }
        *self.dropped += 1;
        true
    }

    /// Whether this file's cap for the rule is reached.
    fn full(&self) -> bool {
        *self.kept >= MAX_FINDINGS_PER_RULE
    }

    /// Counts the matches of `regex` in `hay` (which starts at offset `a` of the window) from
    /// `from` on that start in the reported range, without captures: several times cheaper
    /// than resolving each one (a 200 MB line of `password=` pairs).
    fn count_rest(&mut self, regex: &Regex, hay: &[u8], a: usize, from: usize) {
        let mut pos = from;
        while pos <= hay.len() {
            let Some(m) = regex.find_at(hay, pos) else {
                break;
            };
            if self.report.contains(&(a + m.start())) {
                *self.dropped += 1;
            }
            pos = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
        }
    }

    /// Records a kept match starting at `start`.
    fn keep(&mut self, start: usize) {
        if self.report.contains(&start) {
            *self.kept += 1;
        }
    }
}

/// How sure a finding is (`documented`: the match is in a comment, a docstring or a Rust test
/// module): a generic assignment or a contextual credential (a URL's password, a Basic header, a
/// JWT) in documentation, tests, examples or documented code is low, and so is a
/// classic example credential (`scott:tiger`) outside configuration files, and a UUID or dashed
/// fragment under a generic name; a
/// specific rule's token that starts with the rule's own literal prefix (`ghp_`, `AKIA`,
/// `-----BEGIN`) is high; the rest medium.
fn confidence(rule: &Rule, m: &RawMatch, kind: PathKind, documented: bool) -> Confidence {
    let secret = m.secret.as_str();
    let illustrative = kind.is_illustrative() || documented;
    // A classic credential (`scott:tiger`) is an example anywhere but configuration.
    if is_classic_credential(secret) && (illustrative || kind != PathKind::Config) {
        return Confidence::Low;
    }
    match crate::validate::check(&rule.id, secret) {
        Structure::Invalid => return Confidence::Low,
        Structure::Valid if !illustrative => return Confidence::High,
        _ => {}
    }
    match rule.kind {
        RuleKind::Generic | RuleKind::Contextual if illustrative => Confidence::Low,
        RuleKind::Generic if is_uuid_like(secret) || is_dashed_fragments(secret) => Confidence::Low,
        RuleKind::Generic => Confidence::Medium,
        RuleKind::Specific | RuleKind::Contextual if m.anchored => Confidence::High,
        RuleKind::Specific | RuleKind::Contextual => Confidence::Medium,
    }
}

/// Whether `text` starts with one of `rule`'s keywords (case-insensitive, at least 3 bytes).
fn starts_with_keyword(rule: &Rule, text: &[u8]) -> bool {
    rule.keywords.iter().any(|k| {
        k.len() >= 3 && text.len() >= k.len() && text[..k.len()].eq_ignore_ascii_case(k.as_bytes())
    })
}

/// Whether the text after a match elides the rest of the value (`sk-abc123...`, `ghp_…`): a
/// documentation example, not a secret.
fn elided(after: &[u8]) -> bool {
    after.starts_with(b"...") || after.starts_with("…".as_bytes())
}

/// This thread's clone of `rule`'s regex, made on first use. `None` if the (built-in) regex does
/// not compile; the test suite and `rules check` report that, and user-written rules cannot get
/// here (they are compiled when validated).
fn thread_regex<'a>(slot: &'a mut Option<Regex>, rule: &Rule) -> Option<&'a Regex> {
    if slot.is_none() {
        *slot = Some(rule.compiled().ok()?.regex.clone());
    }
    slot.as_ref()
}

impl RuleSet {
    /// One secret, one finding: a key=value (generic) match that overlaps a match of a specific
    /// rule is dropped, and of several matches with the same span only the first rule's is kept.
    fn drop_shadowed(&self, raw: &mut Vec<RawMatch>) {
        if raw.len() < 2 {
            raw.retain(|m| !m.rejected);
            return;
        }
        let rules = &self.inner.rules;
        let is_generic =
            |m: &RawMatch| rules[m.rule as usize].placeholder == PlaceholderPolicy::Generic;
        let mut keep = vec![true; raw.len()];
        for i in 0..raw.len() {
            for j in (i + 1)..raw.len() {
                if raw[j].start >= raw[i].end {
                    break;
                }
                // raw[i] and raw[j] overlap.
                match (is_generic(&raw[i]), is_generic(&raw[j])) {
                    (true, false) => keep[i] = false,
                    (false, true) => keep[j] = false,
                    _ if raw[i].start == raw[j].start && raw[i].end == raw[j].end => {
                        // Same span, two specific rules: keep the first that was not rejected.
                        if raw[i].rejected {
                            keep[i] = false;
                        } else {
                            keep[j] = false;
                        }
                    }
                    (true, true) => keep[j] = false,
                    _ => {}
                }
            }
        }
        let mut k = 0;
        raw.retain(|m| {
            k += 1;
            keep[k - 1] && !m.rejected
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        r: u32,
        rule: &Rule,
        regex: &Regex,
        content: &[u8],
        a: usize,
        b: usize,
        path: &str,
        budget: &mut Budget<'_>,
        out: &mut Vec<RawMatch>,
    ) {
        let hay = &content[a..b];
        let Ok(compiled) = rule.compiled() else {
            return;
        };
        for caps in regex.captures_iter(hay) {
            if budget.full() {
                // Past the cap: count the rest with the cheaper match-only search.
                let from = caps.get(0).map_or(hay.len(), |w| w.start());
                budget.count_rest(regex, hay, a, from);
                return;
            }
            let m = match compiled.secret_group {
                SecretGroup::Named(i) => caps.get(i),
                SecretGroup::First => caps.get(1),
                SecretGroup::Whole => caps.get(0),
            };
            let Some(m) = m else { continue };
            if m.is_empty() {
                continue;
            }
            let mut secret = m.as_bytes();
            if rule.kind == RuleKind::Generic {
                secret = nearby::up_to_next_parameter(secret);
            }
            let (start, end) = (a + m.start(), a + m.start() + secret.len());
            if budget.exhausted(start) {
                continue;
            }
            let value = String::from_utf8_lossy(secret).into_owned();
            let entropy = f64::from(entropy::shannon_entropy(value.as_bytes()));
            let whole = caps.get(0).map(|w| w.as_bytes()).unwrap_or_default();
            let key = &hay[caps.get(0).map_or(m.start(), |w| w.start())..m.start()];
            let rejected = rule.entropy.is_some_and(|min| entropy < min)
                || self
                    .reject(rule, &value, content, start, end, path)
                    .is_some()
                || rule.kind == RuleKind::Generic && public_value(key, content, start)
                || rule.allowlist.allows_match(&String::from_utf8_lossy(whole));
            if rejected && rule.placeholder == PlaceholderPolicy::Generic {
                continue;
            }
            if !rejected {
                budget.keep(start);
            }
            let anchored = starts_with_keyword(rule, whole) || starts_with_keyword(rule, secret);
            out.push(RawMatch {
                rule: r,
                start,
                end,
                secret: value,
                entropy,
                rejected,
                anchored,
            });
        }
    }

    /// Why a match is suppressed, if it is.
    fn reject(
        &self,
        rule: &Rule,
        value: &str,
        content: &[u8],
        start: usize,
        end: usize,
        path: &str,
    ) -> Option<&'static str> {
        let c = &*self.inner;
        if is_placeholder(value, rule.placeholder) {
            return Some("placeholder");
        }
        if rule.placeholder != PlaceholderPolicy::Off && elided(&content[end..]) {
            return Some("elided placeholder");
        }
        if rule.allowlist.allows_path(path) || rule.allowlist.allows_secret(value) {
            return Some("rule allowlist");
        }
        if c.global.allows_secret(value) {
            return Some("global allowlist");
        }
        if c.inline == InlineAllow::Honour {
            let first = line_bounds(content, start);
            let last = line_bounds(content, end.saturating_sub(1).max(start));
            if has_inline_marker(&content[first.0..first.1])
                || has_inline_marker(&content[last.0..last.1])
            {
                return Some("inline allow");
            }
        }
        None
    }
}

/// Whether a generic rule's value is no plaintext secret by its context: its key names a public
/// value (`STRIPE_PUBLISHABLE_KEY`, `RECAPTCHA_SITE_KEY`), it sits in a coverage badge URL, or
/// inside a template expression (a lookup's argument).
fn public_value(key: &[u8], content: &[u8], start: usize) -> bool {
    let (a, b) = line_bounds(content, start);
    let line = &content[a..b];
    nearby::names_public_value(key)
        || nearby::is_badge_url(line)
        || nearby::inside_template(line, start - a)
}

fn rule_applies(rule: &Rule, path: &str) -> bool {
    rule.paths.as_ref().is_none_or(|p| p.is_match(path))
}

/// The line around `[start, end)`, clipped to [`LINE_WINDOW`] either side.
fn line_bounds(content: &[u8], pos: usize) -> (usize, usize) {
    let lo = pos.saturating_sub(LINE_WINDOW);
    let a = memchr::memrchr(b'\n', &content[lo..pos]).map_or(lo, |i| lo + i + 1);
    let hi = (pos + LINE_WINDOW).min(content.len());
    let b = memchr::memchr(b'\n', &content[pos..hi]).map_or(hi, |i| pos + i);
    (a, b)
}

/// The new end of a region ending at `b` that a hit ending at `end` falls into: the region
/// [`region`] would give that hit, searched from `b` on (the bytes before it are known to hold no
/// line end past the old hit's, or the region already ends at one).
fn extend_region(content: &[u8], b: usize, end: usize, multiline: bool) -> usize {
    let end = end.min(content.len());
    if multiline {
        return b.max((end + MULTILINE_WINDOW).min(content.len()));
    }
    if b >= content.len() || content[b] == b'\n' || b >= end + LINE_WINDOW {
        return b.max(end);
    }
    let hi = (end + LINE_WINDOW).min(content.len());
    let from = b.max(end);
    if from >= hi {
        return b.max(end);
    }
    match memchr::memchr(b'\n', &content[from..hi]) {
        Some(i) => from + i,
        None => hi,
    }
}

fn region(content: &[u8], start: usize, end: usize, multiline: bool) -> (usize, usize) {
    let (a, _) = line_bounds(content, start);
    let b = if multiline {
        (end + MULTILINE_WINDOW).min(content.len())
    } else {
        line_bounds(content, end.min(content.len())).1
    };
    (a, b.max(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Position;
    use crate::rules::parse_rules;

    fn set(toml: &str) -> Matcher {
        RuleSet::new(
            parse_rules(toml, "test").unwrap(),
            Allowlist::default(),
            InlineAllow::Honour,
        )
        .unwrap()
        .matcher()
    }

    const TOKEN_RULE: &str = r#"
[[rule]]
id = "tok"
keywords = ["tok_"]
regex = '''\b(tok_[A-Za-z0-9]{20})\b'''
entropy = 3.0
"#;

    #[test]
    fn finds_with_positions() {
        let mut rs = set(TOKEN_RULE);
        let text = "a\nb = \"tok_R8x2Kq9LmZ4vT7wN3pB6\"\n";
        let f = rs.find(text.as_bytes(), "x");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.start, Position { line: 2, column: 6 });
        assert_eq!(
            f[0].location.end,
            Position {
                line: 2,
                column: 30
            }
        );
        assert_eq!(f[0].secret.expose(), "tok_R8x2Kq9LmZ4vT7wN3pB6");
    }

    #[test]
    fn inline_allow_and_entropy() {
        let mut rs = set(TOKEN_RULE);
        let text = "tok_R8x2Kq9LmZ4vT7wN3pB6 # sealant:allow\ntok_abababababababababab\n";
        assert!(rs.find(text.as_bytes(), "x").is_empty());
    }

    #[test]
    fn long_lines_stay_linear_and_find_everything() {
        let mut rs = set(TOKEN_RULE);
        let mut text = String::new();
        // As many tokens as the per-file cap lets through.
        for i in 0..MAX_FINDINGS_PER_RULE {
            text.push_str(&format!("var a{i}=\"tok_R8x2Kq9LmZ4vT7wN{:04}\";", i));
        }
        let f = rs.find(text.as_bytes(), "min.js");
        assert_eq!(f.len(), MAX_FINDINGS_PER_RULE as usize);
        assert!(rs.truncated().is_empty());
        assert!(f.iter().all(|f| f.location.start.line == 1));
        // Columns are exact although counted incrementally.
        for (i, f) in f.iter().enumerate().step_by(397) {
            let expected = text[..f.location.offset].chars().count() + 1;
            assert_eq!(f.location.start.column, expected, "finding {i}");
        }
    }

    /// Merges sorted `(start, end)` regions that overlap or touch, as `find_window` does.
    fn merged(mut v: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        v.sort_unstable();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    }

    #[test]
    fn extending_regions_per_hit_equals_one_region_per_hit() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..300 {
            let len = 1 + next(40_000);
            let newline_every = 1 + next(12_000);
            let content: Vec<u8> = (0..len)
                .map(|i| {
                    if next(newline_every) == 0 && i > 0 {
                        b'\n'
                    } else {
                        b'x'
                    }
                })
                .collect();
            // Keyword hits, like keywords, never hold a line end.
            let mut hits: Vec<(usize, usize)> = (0..next(60))
                .map(|_| {
                    let s = next(len);
                    (s, (s + 4).min(len))
                })
                .filter(|&(s, e)| !content[s..e].contains(&b'\n'))
                .collect();
            hits.sort_unstable();
            for multiline in [false, true] {
                let reference: Vec<(usize, usize)> = hits
                    .iter()
                    .map(|&(s, e)| region(&content, s, e, multiline))
                    .collect();
                let mut incremental: Vec<(usize, usize)> = Vec::new();
                for &(s, e) in &hits {
                    if let Some(last) = incremental.last_mut() {
                        if s <= last.1 {
                            last.1 = extend_region(&content, last.1, e, multiline);
                            continue;
                        }
                    }
                    incremental.push(region(&content, s, e, multiline));
                }
                assert_eq!(
                    merged(reference),
                    merged(incremental),
                    "round {round}, multiline {multiline}"
                );
            }
        }
    }

    #[test]
    fn findings_past_the_per_file_cap_are_counted_not_kept() {
        let mut rs = set(TOKEN_RULE);
        let extra = 2500;
        let mut text = String::new();
        for i in 0..MAX_FINDINGS_PER_RULE + extra {
            text.push_str(&format!("k=tok_R8x2Kq9LmZ4vT7w{:05};", i));
        }
        let f = rs.find(text.as_bytes(), "dump.txt");
        assert_eq!(f.len(), MAX_FINDINGS_PER_RULE as usize);
        assert_eq!(rs.truncated(), vec![("tok".to_string(), u64::from(extra))]);
        // The next file starts afresh.
        assert_eq!(rs.find(b"k=tok_R8x2Kq9LmZ4vT7wN3pB6;", "b").len(), 1);
        assert!(rs.truncated().is_empty());
    }

    #[test]
    fn columns_count_characters_across_lines() {
        let mut rs = set(TOKEN_RULE);
        let text = "é\nxé tok_R8x2Kq9LmZ4vT7wN3pB6 ééé tok_R8x2Kq9LmZ4vT7wN3pB7\n\ntok_R8x2Kq9LmZ4vT7wN3pB8";
        let f = rs.find(text.as_bytes(), "x");
        let pos: Vec<(usize, usize, usize)> = f
            .iter()
            .map(|f| {
                (
                    f.location.start.line,
                    f.location.start.column,
                    f.location.end.column,
                )
            })
            .collect();
        assert_eq!(pos, vec![(2, 4, 28), (2, 33, 57), (4, 1, 25)]);
    }

    #[test]
    fn a_value_a_specific_rule_rejects_does_not_resurface_as_generic() {
        let mut rs = set(r#"
[[rule]]
id = "tok"
keywords = ["tok_"]
regex = '''\b(tok_[A-Za-z0-9]{20})\b'''
[rule.allowlist]
regexes = ['''^tok_DocsOnlyKq9LmZ4vT7wX$''']

[[rule]]
id = "generic"
generic = true
keywords = ["token"]
regex = '''(?i)token\s*=\s*(?P<secret>[A-Za-z0-9_]{8,})'''
"#);
        // Assembled at run time: the project passes its own scanner (`sealant scan .`).
        let assign = |value: &str| format!("{} = {value}", "TOKEN");
        assert!(rs
            .find(assign("tok_DocsOnlyKq9LmZ4vT7wX").as_bytes(), "x")
            .is_empty());
        let f = rs.find(assign("tok_R8x2Kq9LmZ4vT7wN3pB6").as_bytes(), "x");
        assert_eq!(
            f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
            ["tok"]
        );
        let f = rs.find(assign("R8x2Kq9LmZ4vT7wN3pB6").as_bytes(), "x");
        assert_eq!(
            f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
            ["generic"]
        );
    }

    #[test]
    fn multiline_rule_spans_lines() {
        let mut rs = set(r#"
[[rule]]
id = "pem"
keywords = ["-----begin"]
multiline = true
check_placeholder = false
regex = '''-----BEGIN PRIVATE KEY-----[\s\S]{10,}?-----END PRIVATE KEY-----'''
"#);
        let text =
            "x\n-----BEGIN PRIVATE KEY-----\nMIIEv0AB\nQ2Fkjd93\n-----END PRIVATE KEY-----\n";
        let f = rs.find(text.as_bytes(), "k.pem");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].location.start.line, f[0].location.end.line), (2, 5));
    }
}

//! Criterion benchmarks of [`Matcher::find`], the matcher's hot path, on corpora generated at bench
//! time from a fixed seed (nothing is downloaded, nothing is read from disk). Every matcher
//! measurement has a yardstick in the same run: `keywords-only` is the Aho-Corasick keyword pass
//! alone, built as the matcher builds its prefilter, so `find` can be no faster than it;
//! `keywords-only-dfa` is the same keyword set compiled to a DFA, to show the prefilter's headroom.
//!
//! - `corpus/source`: ~4 MiB of Rust/Python/JS/Go-like code in files of 2–64 KiB, with the sparse
//!   keyword hits real code has (`github` in URLs, `task`/`disk` matching `sk`, `both` matching
//!   `bot`, ...). The hit rate is printed at start-up, to compare with a real tree's.
//! - `corpus/config`: ~2 MiB of `.env`, YAML and properties files where most lines name a secret;
//!   values are mostly placeholders and references, some generic strings and provider-shaped tokens.
//! - `minified_line/{512K,1M,2M}`: one line with a keyword hit every ~50 bytes and a token every
//!   16 KiB. Throughput that stays flat as the line grows shows the matcher is linear in its input.
//! - `minified_tokens/{64K,128K,256K}`: one line with a token every ~200 bytes: the cost of
//!   findings on a long line (positions are computed per finding).
//! - `prefilter/{source,config}/{builtin,builtin+450}`: the same corpora with 450 synthetic extra
//!   rules (`vendorN_` keywords), to show the keyword prefilter keeps its speed at ~600 rules.
//!
//! Run with `cargo bench --bench matcher`; see `benches/README.md`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use sealant::allow::Allowlist;
use sealant::config::Config;
use sealant::matcher::{InlineAllow, Matcher, RuleSet};
use sealant::rules::{parse_rules, Rule};
use std::hint::black_box;
use std::time::Duration;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;
/// Number of synthetic rules added in the prefilter benchmark.
const EXTRA_RULES: usize = 450;

/// splitmix64: tiny, deterministic across platforms and crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";

/// A named set of (path, content) files.
struct Corpus {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
}

impl Corpus {
    fn bytes(&self) -> usize {
        self.files.iter().map(|(_, c)| c.len()).sum()
    }
}

/// Identifiers that match no built-in keyword.
const WORDS: &[&str] = &[
    "buffer", "config", "request", "response", "handler", "index", "count", "value", "result",
    "error", "state", "path", "name", "item", "node", "parser", "reader", "writer", "client",
    "server", "cache", "queue", "worker", "thread", "offset", "length", "header", "body", "stream",
    "entry", "schema", "table", "column", "record", "event", "message", "channel", "sender",
    "receiver", "future", "context", "options", "builder", "layout", "widget", "window", "frame",
    "pixel", "vector", "matrix", "digest", "input", "output", "source", "target", "module",
    "package", "version", "timeout", "retry", "limit", "total", "width", "height", "span", "token",
    "scope", "field", "visitor", "walker", "format", "display", "range", "slice", "chunk", "block",
    "flag", "mode", "kind", "id", "len", "pos", "ptr", "data", "meta", "info", "debug", "trace",
];

/// Words that real code uses and that contain a built-in keyword (`sk`, `bot`, `storage`, `key-`,
/// `cio`, `github`, ...): the prefilter's false hits.
const KEYWORDY: &[&str] = &[
    "task",
    "tasks",
    "disk",
    "mask",
    "risk",
    "desk",
    "ask",
    "skip",
    "sky",
    "both",
    "bottom",
    "robot",
    "storage",
    "local_storage",
    "precious",
    "github",
    "crypto",
    "encrypt",
    "master",
    "cipher",
    "signing",
    "hmac",
];

const COMMENT_URLS: &[&str] = &[
    "// See https://github.com/@w/@w/issues/@n",
    "# https://github.com/@w/@w/blob/main/@w.md",
    "/// Ported from https://github.com/@w/@w (MIT).",
];

const RUST: &[&str] = &[
    "    let @w_@w = @w.@w(@w, @n);",
    "    if @w.is_empty() { return Err(Error::@W); }",
    "pub fn @w_@w(&self, @w: &@W) -> Result<@W, @WError> {",
    "    // Keep the @w before the @w is moved into the @w.",
    "    assert_eq!(@w.@w(), @n);",
    "#[derive(Debug, Clone, PartialEq, Eq)]",
    "pub struct @W@W { @w: Vec<@W>, @w: usize }",
    "    match @w { @W::@W => @n, @W::@W(@w) => @w.len(), _ => 0 }",
    "        self.@w.insert(@w.clone(), @W::new(@n));",
    "impl @W for @W@W {",
    "    }",
    "}",
    "",
    "use crate::@w::{@W, @W};",
    "    /// Returns the @w of the @w, or `None` if the @w is empty.",
];

const PYTHON: &[&str] = &[
    "def @w_@w(self, @w, @w=@n):",
    "    \"\"\"Return the @w for @w.\"\"\"",
    "        return self.@w[@w] + @n",
    "    for @w in self.@w_@w:",
    "        if @w is None:",
    "            raise @WError(f\"bad @w: {@w}\")",
    "import @w.@w as @w",
    "from @w import @W, @W",
    "class @W@W(@W):",
    "",
    "    @w = [@w for @w in @w if @w.@w]",
    "    # TODO: handle @w when @w is missing",
];

const JS: &[&str] = &[
    "const @w@W = require('./@w/@w');",
    "  for (let i = 0; i < @w.length; i++) { @w.push(@w[i]); }",
    "export function @w@W(@w, @w) {",
    "  return @w.@w(@w => @w.@w === @n);",
    "  if (!@w) { throw new Error('@w is required'); }",
    "};",
    "",
    "  const { @w, @w } = await @w.@w(@n);",
    "  // @w the @w before rendering",
];

const GO: &[&str] = &[
    "func (@w *@W) @W(@w string) error {",
    "\tif err := @w.@W(@w); err != nil {",
    "\t\treturn fmt.Errorf(\"@w: %w\", err)",
    "\t}",
    "}",
    "",
    "\t@w := make([]@W, 0, @n)",
    "type @W@W struct {",
    "\t@W  int    `json:\"@w\"`",
    "\t@W string `json:\"@w,omitempty\"`",
];

/// Expands `@w` (identifier), `@W` (capitalised identifier) and `@n` (number) in `template`.
/// One identifier in ~120 is a [`KEYWORDY`] word, the rate that puts the corpus near a real tree's
/// keyword density.
fn expand(rng: &mut Rng, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(i) = rest.find('@') {
        out.push_str(&rest[..i]);
        let kind = rest.as_bytes().get(i + 1).copied();
        match kind {
            Some(b'w') | Some(b'W') => {
                let word = if rng.chance(120) {
                    rng.pick(KEYWORDY)
                } else {
                    rng.pick(WORDS)
                };
                if kind == Some(b'W') {
                    let mut cs = word.chars();
                    if let Some(c) = cs.next() {
                        out.extend(c.to_uppercase());
                        out.push_str(cs.as_str());
                    }
                } else {
                    out.push_str(word);
                }
            }
            Some(b'n') => out.push_str(&rng.below(100_000).to_string()),
            _ => {
                out.push('@');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
}

/// (a) Typical source code, about `target` bytes, in files of 2–64 KiB.
fn source_corpus(target: usize) -> Corpus {
    let mut rng = Rng(0x05EA_1A17);
    let langs: [(&str, &[&str]); 4] = [("rs", RUST), ("py", PYTHON), ("js", JS), ("go", GO)];
    let mut files = Vec::new();
    let mut total = 0;
    while total < target {
        let (ext, templates) = langs[files.len() % langs.len()];
        let size = 2 * KIB + rng.below(62 * KIB);
        let mut text = String::with_capacity(size + 256);
        while text.len() < size {
            let template = if rng.chance(400) {
                rng.pick(COMMENT_URLS)
            } else {
                rng.pick(templates)
            };
            expand(&mut rng, template, &mut text);
            text.push('\n');
        }
        total += text.len();
        let path = format!(
            "src/{}/{}_{}.{ext}",
            rng.pick(WORDS),
            rng.pick(WORDS),
            files.len()
        );
        files.push((path, text.into_bytes()));
    }
    Corpus {
        name: "source",
        files,
    }
}

/// A synthetic token shaped like a real provider's (assembled here so no literal looks live).
fn provider_token(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => checksummed("ghp_", rng),
        1 => format!("AKIA{}", rng.chars(16, UPPER_B32)),
        2 => format!(
            "xoxb-{}-{}-{}",
            rng.chars(11, DIGITS),
            rng.chars(12, DIGITS),
            rng.chars(24, ALNUM)
        ),
        3 => format!("sk_live_{}", rng.chars(24, ALNUM)),
        4 => format!("glpat-{}", rng.chars(20, ALNUM)),
        5 => format!("AIza{}", rng.chars(35, ALNUM)),
        6 => checksummed("npm_", rng),
        7 => format!("SG.{}.{}", rng.chars(22, ALNUM), rng.chars(43, ALNUM)),
        8 => rng.chars(40, B64),
        _ => format!("vendor{}_{}", rng.below(EXTRA_RULES), rng.chars(32, ALNUM)),
    }
}

/// A GitHub- or npm-style token: `prefix` + 30 random characters + their checksum (so the
/// structural check passes, as it does for a real token).
fn checksummed(prefix: &str, rng: &mut Rng) -> String {
    let random = rng.chars(30, ALNUM);
    let checksum = sealant::validate::github_checksum(&random);
    format!("{prefix}{random}{checksum}")
}

/// The value half of a secret-named assignment: mostly placeholders and references, as in real
/// config files; one in eight a generic random string, one in eight a provider-shaped token.
fn secret_value(rng: &mut Rng) -> String {
    match rng.below(16) {
        0..=2 => format!("${{{}_{}}}", rng.pick(WORDS).to_uppercase(), rng.below(100)),
        3 => "changeme".to_string(),
        4 | 5 => String::new(),
        6 | 7 => format!("{{{{ .Values.{}.{} }}}}", rng.pick(WORDS), rng.pick(WORDS)),
        8 => format!("os.environ[\"{}\"]", rng.pick(WORDS).to_uppercase()),
        9..=11 => rng
            .pick(&["true", "localhost", "info", "none", "default"])
            .to_string(),
        12 => {
            let n = 16 + rng.below(24);
            rng.chars(n, ALNUM)
        }
        13 => rng.chars(32, HEX),
        _ => provider_token(rng),
    }
}

const SERVICES: &[&str] = &[
    "aws",
    "github",
    "gitlab",
    "slack",
    "stripe",
    "sendgrid",
    "datadog",
    "sentry",
    "postgres",
    "redis",
    "mailgun",
    "twilio",
    "npm",
    "vault",
    "azure_storage",
    "openai",
    "db",
    "smtp",
    "app",
];
const SECRET_NAMES: &[&str] = &[
    "password",
    "secret",
    "api_key",
    "token",
    "access_token",
    "auth_token",
    "secret_access_key",
    "access_key_id",
    "client_secret",
    "private_key_id",
    "webhook_url",
    "session_token",
    "dsn",
];

/// (b) Keyword-dense config files: `.env`, YAML and properties, about `target` bytes.
fn config_corpus(target: usize) -> Corpus {
    let mut rng = Rng(0x00C0_FF1C);
    let mut files = Vec::new();
    let mut total = 0;
    while total < target {
        let kind = files.len() % 3;
        let size = KIB + rng.below(7 * KIB);
        let mut text = String::with_capacity(size + 256);
        while text.len() < size {
            let service = rng.pick(SERVICES);
            let secret = rng.pick(SECRET_NAMES);
            match kind {
                0 => {
                    if rng.chance(4) {
                        let plain = ["LOG_LEVEL=info", "PORT=8080", "NODE_ENV=production"];
                        text.push_str(rng.pick(&plain));
                    } else {
                        text.push_str(&format!(
                            "{}_{}={}",
                            service.to_uppercase(),
                            secret.to_uppercase(),
                            secret_value(&mut rng)
                        ));
                    }
                    text.push('\n');
                }
                1 => {
                    text.push_str(&format!(
                        "{service}:\n  host: {}.internal\n  port: {}\n  {secret}: \"{}\"\n  {}: {}\n",
                        rng.pick(WORDS),
                        1024 + rng.below(60_000),
                        secret_value(&mut rng),
                        rng.pick(SECRET_NAMES),
                        secret_value(&mut rng),
                    ));
                }
                _ => {
                    text.push_str(&format!(
                        "{service}.{}.{}={}\n",
                        rng.pick(WORDS),
                        secret.replace('_', "-"),
                        secret_value(&mut rng)
                    ));
                }
            }
        }
        total += text.len();
        let path = match kind {
            0 => format!("deploy/{}/.env", files.len()),
            1 => format!("charts/{}/values.yaml", files.len()),
            _ => format!("conf/{}/application.properties", files.len()),
        };
        files.push((path, text.into_bytes()));
    }
    Corpus {
        name: "config",
        files,
    }
}

/// (c) A minified-JS-like single line of about `target` bytes: a keyword hit every ~50 bytes
/// (`github.com` URLs, `task`, `mask`, `apiKey`), and a provider-shaped token about every
/// `token_every` bytes.
fn minified_line(target: usize, token_every: usize) -> Vec<u8> {
    let mut rng = Rng(0x3141_5926);
    let mut text = String::with_capacity(target + 256);
    let mut next_token = token_every;
    let mut i = 0usize;
    while text.len() < target {
        i += 1;
        if text.len() >= next_token {
            next_token += token_every;
            text.push_str(&format!("const t{i}=\"{}\";", provider_token(&mut rng)));
            continue;
        }
        match rng.below(4) {
            0 => text.push_str(&format!(
                "var a{i}={{apiKey:e.apiKey,{}Token:process.env.{}_TOKEN}};",
                rng.pick(WORDS),
                rng.pick(WORDS).to_uppercase()
            )),
            1 => text.push_str(&format!(
                "fetch(\"https://github.com/{}/{i}\");",
                rng.pick(WORDS)
            )),
            2 => text.push_str(&format!(
                "function {}{i}(e){{return e.task&&e.mask}}",
                rng.pick(WORDS)
            )),
            _ => text.push_str(&format!(
                "function {}{i}(e,t){{return e.{}(t)+{}}}",
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.below(1000)
            )),
        }
    }
    text.into_bytes()
}

/// `EXTRA_RULES` synthetic rules with distinct keywords (`vendor0_` … `vendor449_`).
fn vendor_rules() -> Vec<Rule> {
    let mut toml = String::new();
    for i in 0..EXTRA_RULES {
        toml.push_str(&format!(
            "[[rule]]\nid = \"vendor{i}-token\"\ndescription = \"Synthetic vendor {i} token\"\n\
             keywords = [\"vendor{i}_\"]\nregex = '''\\b(?P<secret>vendor{i}_[A-Za-z0-9]{{32}})\\b'''\n\
             entropy = 3.0\n\n"
        ));
    }
    parse_rules(&toml, "bench/vendor.toml").expect("synthetic rules are valid")
}

fn builtin_rules() -> Vec<Rule> {
    Config::default().rules().expect("built-in rules load")
}

fn rule_set(rules: Vec<Rule>) -> RuleSet {
    RuleSet::new(rules, Allowlist::default(), InlineAllow::Honour).expect("keywords compile")
}

/// Findings over every file of a corpus (the measured operation), with one thread's matcher.
fn scan(matcher: &mut Matcher, corpus: &Corpus) -> usize {
    corpus
        .files
        .iter()
        .map(|(path, content)| matcher.find(black_box(content), path).len())
        .sum()
}

/// The yardstick: the keyword pass alone, built as the matcher builds its prefilter (same
/// keywords, ASCII case-insensitive, overlapping). `find` can be no faster than this.
struct Keywords(AhoCorasick);

impl Keywords {
    fn new(rules: &RuleSet) -> Self {
        Keywords::with_kind(rules, None)
    }

    /// The same automaton forced to `kind` (`None`: the crate's choice, as the matcher builds it).
    fn with_kind(rules: &RuleSet, kind: Option<AhoCorasickKind>) -> Self {
        let mut keywords: Vec<&str> = rules
            .rules()
            .iter()
            .flat_map(|r| r.keywords.iter().map(String::as_str))
            .collect();
        keywords.sort_unstable();
        keywords.dedup();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&keywords)
            .expect("keywords compile");
        Keywords(ac)
    }

    fn count(&self, corpus: &Corpus) -> usize {
        corpus
            .files
            .iter()
            .map(|(_, c)| self.0.find_overlapping_iter(black_box(c)).count())
            .sum()
    }
}

/// Prints size, keyword density and findings, so the numbers can be judged against a real tree.
fn describe(rules: &RuleSet, corpus: &Corpus) {
    let hits = Keywords::new(rules).count(corpus);
    let mib = corpus.bytes() as f64 / MIB as f64;
    let findings = scan(&mut rules.matcher(), corpus);
    eprintln!(
        "corpus {}: {:.2} MiB in {} files, {} rules, {} keyword hits ({:.0}/MiB), {} findings",
        corpus.name,
        mib,
        corpus.files.len(),
        rules.rules().len(),
        hits,
        hits as f64 / mib,
        findings
    );
}

/// Benchmarks `find` over `corpus` as `group/name/matcher`, and the keyword pass alone as
/// `group/name/keywords-only` (and `keywords-only-dfa`, the same keywords in a DFA).
fn matcher_and_yardstick(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rules: &RuleSet,
    name: &str,
    corpus: &Corpus,
) {
    describe(rules, corpus);
    group.throughput(Throughput::Bytes(corpus.bytes() as u64));
    let mut matcher = rules.matcher();
    group.bench_function(BenchmarkId::new(name, "matcher"), |b| {
        b.iter(|| scan(&mut matcher, corpus))
    });
    let keywords = Keywords::new(rules);
    group.bench_function(BenchmarkId::new(name, "keywords-only"), |b| {
        b.iter(|| keywords.count(corpus))
    });
    // With ~270 keywords the crate picks a contiguous NFA; a DFA shows the prefilter's headroom.
    let dfa = Keywords::with_kind(rules, Some(AhoCorasickKind::DFA));
    group.bench_function(BenchmarkId::new(name, "keywords-only-dfa"), |b| {
        b.iter(|| dfa.count(corpus))
    });
}

fn single_file(size: usize, token_every: usize) -> Corpus {
    Corpus {
        name: "minified_line",
        files: vec![(
            "dist/app.min.js".to_string(),
            minified_line(size, token_every),
        )],
    }
}

/// (a) and (b) with the built-in rules.
fn corpora(c: &mut Criterion) {
    let rules = rule_set(builtin_rules());
    let mut group = c.benchmark_group("corpus");
    matcher_and_yardstick(&mut group, &rules, "source", &source_corpus(4 * MIB));
    matcher_and_yardstick(&mut group, &rules, "config", &config_corpus(2 * MIB));
    group.finish();
}

/// (c) One long line: flat throughput across sizes means linear time. `minified_line` has a
/// keyword hit every ~50 bytes and a token every 16 KiB; `minified_tokens` a token every ~200
/// bytes, so it also shows what each finding costs on a long line.
fn long_line(c: &mut Criterion) {
    let rules = rule_set(builtin_rules());
    let mut group = c.benchmark_group("minified_line");
    for (label, size) in [("512K", 512 * KIB), ("1M", MIB), ("2M", 2 * MIB)] {
        matcher_and_yardstick(&mut group, &rules, label, &single_file(size, 16 * KIB));
    }
    group.finish();
    let mut group = c.benchmark_group("minified_tokens");
    for (label, size) in [("64K", 64 * KIB), ("128K", 128 * KIB), ("256K", 256 * KIB)] {
        let corpus = single_file(size, 200);
        describe(&rules, &corpus);
        group.throughput(Throughput::Bytes(corpus.bytes() as u64));
        let mut matcher = rules.matcher();
        group.bench_function(label, |b| b.iter(|| scan(&mut matcher, &corpus)));
    }
    group.finish();
}

/// (d) The built-in rules against the built-in rules plus [`EXTRA_RULES`] synthetic ones.
fn prefilter(c: &mut Criterion) {
    let builtin = builtin_rules();
    let small = rule_set(builtin.clone());
    let mut all = builtin;
    all.extend(vendor_rules());
    let large = rule_set(all);
    let extended = format!("builtin+{EXTRA_RULES}");
    let mut group = c.benchmark_group("prefilter");
    for corpus in [source_corpus(4 * MIB), config_corpus(2 * MIB)] {
        group.throughput(Throughput::Bytes(corpus.bytes() as u64));
        for (label, rules) in [("builtin", &small), (extended.as_str(), &large)] {
            describe(rules, &corpus);
            let mut matcher = rules.matcher();
            group.bench_with_input(
                BenchmarkId::new(corpus.name, label),
                &corpus,
                |b, corpus| b.iter(|| scan(&mut matcher, corpus)),
            );
        }
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = corpora, long_line, prefilter
}
criterion_main!(benches);

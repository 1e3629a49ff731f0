//! Encoded values inside text: base64 (standard and url-safe, padded or not), percent-encoding
//! and JSON/YAML string escapes. [`find`] lists the encoded spans of a text that decode to text,
//! each with a [`Decoded`] line to rescan: the encoded span's line with the span replaced by its
//! decoding, so the rules see the key next to the decoded value (`password: aHVudGVy…` becomes
//! `password: hunter2…`, a Kubernetes `Secret`'s `DATABASE_URL` becomes a URL with a password).
//!
//! A run must be at least [`MIN_BASE64_RUN`] characters (12 decoded bytes), so that ordinary
//! words and identifiers are not tried; in a Kubernetes `Secret`, whose `data:` values are
//! base64 by definition, any `key: value` entry is decoded however short (a base64 `hunter2` is
//! 12 characters). Whatever decodes to binary (a random key, an image, a DER blob) is
//! left alone: only text is rescanned.
//!
//! The other carriers of base64 credentials (kubeconfig `*-data`, Docker `"auth"`,
//! `Authorization: Basic`, `.npmrc` `_auth`) need no special case here: their values are long
//! enough, and the rules in `rules/carriers.toml` match the decoded lines.
//!
//! Cost is bounded: the span search is one pass over the text, 16 bytes at a time, a run is rejected on its first decoded bytes when they are not text, and the
//! caller gives a byte budget for decoded output ([`find`]).
//!
//! Neighbours: the matcher rescans the [`Decoded`] lines and maps findings back to the span;
//! nothing here knows about rules.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::Serialize;
use std::ops::Range;

/// A base64 run outside a known carrier must be at least this long (12 decoded bytes).
pub const MIN_BASE64_RUN: usize = 16;
/// A Kubernetes `Secret`'s value must be at least this long (`a:b` is 4 characters).
pub const MIN_CARRIER_RUN: usize = 4;
/// Runs longer than this are not decoded (a kubeconfig certificate is a few KiB).
pub const MAX_RUN: usize = 1024 * 1024;

/// One decoding step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Base64, standard or url-safe alphabet, padded or not.
    Base64,
    /// Percent-encoding (`%3A%2F%2F`).
    Percent,
    /// JSON/YAML string escapes (`\"`, `\u0041`, `\/`).
    Escape,
}

impl Encoding {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Percent => "percent",
            Encoding::Escape => "escape",
        }
    }
}

/// An encoded span and the line to rescan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// How the span was encoded.
    pub encoding: Encoding,
    /// The encoded span, as offsets into the text searched.
    pub span: Range<usize>,
    /// The span's line with the span replaced by its decoding.
    pub text: Vec<u8>,
    /// Where the decoding sits in `text`.
    pub decoded: Range<usize>,
}

/// The encoded spans of `text` that start in `within` and decode to text, in order, until
/// `budget` bytes of decoded output are used up (the budget is decremented). `line_of` gives the
/// bounds of the line around an offset (the matcher's, clipped on very long lines).
pub fn find(
    text: &[u8],
    within: Range<usize>,
    budget: &mut usize,
    line_of: impl Fn(&[u8], usize) -> (usize, usize),
) -> Vec<Decoded> {
    let k8s_secret = is_kubernetes_secret(text);
    let mut found: Vec<(Encoding, Range<usize>, Vec<u8>)> = Vec::new();
    let mut runs = base64_runs(text, within.clone(), MIN_BASE64_RUN);
    if k8s_secret {
        let long: std::collections::HashSet<usize> = runs.iter().map(|r| r.start).collect();
        for run in secret_data_values(text, within.clone()) {
            let (a, _) = line_of(text, run.start);
            if !long.contains(&run.start) && is_data_entry(&text[a..run.start]) {
                runs.push(run);
            }
        }
        runs.sort_by_key(|r| r.start);
    }
    for run in runs {
        if let Some(decoded) = decode_base64(&text[run.clone()]) {
            found.push((Encoding::Base64, run, decoded));
        }
    }
    for (span, decoded) in percent_spans(text, within.clone()) {
        found.push((Encoding::Percent, span, decoded));
    }
    for (span, decoded) in escaped_lines(text, within, &line_of) {
        found.push((Encoding::Escape, span, decoded));
    }
    found.sort_by_key(|(_, span, _)| span.start);
    let mut out = Vec::new();
    for (encoding, span, decoded) in found {
        if decoded.len() > *budget {
            *budget = 0;
            break;
        }
        *budget -= decoded.len();
        let (a, b) = line_of(text, span.start);
        let b = b.max(span.end);
        let mut line = Vec::with_capacity(b - a + decoded.len());
        line.extend_from_slice(&text[a..span.start]);
        let at = line.len();
        line.extend_from_slice(&decoded);
        let decoded_range = at..line.len();
        line.extend_from_slice(&text[span.end..b]);
        out.push(Decoded {
            encoding,
            span,
            text: line,
            decoded: decoded_range,
        });
    }
    out
}

/// Base64 alphabet membership (both alphabets), as a table.
const B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'-' || b == b'_';
        c += 1;
    }
    t
};

/// Maximal runs of base64 characters (plus trailing `=` padding) at least `min` long that start
/// in `within`. The text is classified 16 bytes at a time into a mask of non-base64 bytes,
/// without a branch per byte: a run is the gap between two non-base64 bytes, so only a block's
/// first and last non-base64 byte matter (a gap inside one block is shorter than 16).
fn base64_runs(text: &[u8], within: Range<usize>, min: usize) -> Vec<Range<usize>> {
    const BLOCK: usize = 16;
    let end = within.end.min(text.len());
    let mut runs = Vec::new();
    if within.start >= end {
        return runs;
    }
    // The run in progress starts here; `inherited` when it began before `within` (not ours).
    let mut start = within.start;
    let mut inherited = within.start > 0 && B64[text[within.start - 1] as usize];
    let close = |at: usize, start: usize, inherited: bool, runs: &mut Vec<Range<usize>>| {
        if !inherited && start < end && at - start >= min {
            let mut padded = at;
            while padded < text.len() && padded - at < 2 && text[padded] == b'=' {
                padded += 1;
            }
            runs.push(start..padded);
        }
    };
    let mut o = within.start;
    while o + BLOCK <= text.len() && o < end {
        let block = &text[o..o + BLOCK];
        let mut mask = 0u32;
        for (j, &b) in block.iter().enumerate() {
            mask |= u32::from(!B64[b as usize]) << j;
        }
        if mask != 0 {
            let first = o + mask.trailing_zeros() as usize;
            close(first, start, inherited, &mut runs);
            inherited = false;
            start = o + (31 - mask.leading_zeros() as usize) + 1;
        }
        o += BLOCK;
    }
    while o < text.len() && start < end {
        if !B64[text[o] as usize] {
            close(o, start, inherited, &mut runs);
            inherited = false;
            start = o + 1;
        }
        o += 1;
    }
    if o == text.len() {
        close(o, start, inherited, &mut runs);
    }
    runs
}

/// The values of a Kubernetes `Secret`'s `key: value` lines, however short (a base64
/// `hunter2` is 12 characters): found line by line, only in `Secret` manifests.
fn secret_data_values(text: &[u8], within: Range<usize>) -> Vec<Range<usize>> {
    let end = within.end.min(text.len());
    let mut starts = Vec::new();
    {
        let mut line = within.start;
        while line < end {
            let stop = memchr::memchr(b'\n', &text[line..end]).map_or(end, |i| line + i);
            if let Some(colon) = memchr::memchr(b':', &text[line..stop]) {
                let mut i = line + colon + 1;
                while i < stop && matches!(text[i], b' ' | b'\t' | b'"' | b'\'') {
                    i += 1;
                }
                starts.push(i);
            }
            line = stop + 1;
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
        .into_iter()
        .filter_map(|a| {
            let mut b = a;
            while b < text.len() && B64[text[b] as usize] {
                b += 1;
            }
            let body = b - a;
            while b < text.len() && b - a - body < 2 && text[b] == b'=' {
                b += 1;
            }
            (body >= MIN_CARRIER_RUN && (a == 0 || !B64[text[a - 1] as usize])).then_some(a..b)
        })
        .collect()
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// The engine for a run: url-safe if it uses `-`/`_`, else standard; padding optional.
fn engine_for(run: &[u8]) -> Option<&'static GeneralPurpose> {
    let url = run.iter().any(|&b| b == b'-' || b == b'_');
    let std = run.iter().any(|&b| b == b'+' || b == b'/');
    match (url, std) {
        (true, true) => None,
        (true, false) => Some(&URL_SAFE),
        _ => Some(&STANDARD),
    }
}

/// The decoding of a base64 run, if it is text.
fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    if run.len() > MAX_RUN {
        return None;
    }
    let engine = engine_for(run)?;
    let body = {
        let unpadded = run.len() - run.iter().rev().take_while(|&&b| b == b'=').count();
        &run[..unpadded]
    };
    if body.len() % 4 == 1 {
        return None;
    }
    // Reject on the first 6 bytes before decoding the whole run: almost every identifier,
    // path and random key fails here.
    if body.len() >= 8 {
        let mut head = [0u8; 6];
        let n = engine.decode_slice(&body[..8], &mut head).ok()?;
        if !head[..n].iter().all(|&b| is_text_byte(b)) {
            return None;
        }
    }
    let decoded = engine.decode(body).ok()?;
    is_text(&decoded).then_some(decoded)
}

/// Printable ASCII, whitespace, or part of a UTF-8 sequence.
fn is_text_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e | 0x80..)
}

/// Valid UTF-8 with no control characters but whitespace, and not blank.
fn is_text(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            s.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
                && s.chars().any(|c| !c.is_whitespace())
        }
        Err(_) => false,
    }
}

/// Whether `text` is a Kubernetes `Secret` manifest (whose `data:` values are base64).
fn is_kubernetes_secret(text: &[u8]) -> bool {
    let head = &text[..text.len().min(64 * 1024)];
    memchr::memmem::find(head, b"kind: Secret").is_some()
        || memchr::memmem::find(head, b"\"kind\": \"Secret\"").is_some()
        || memchr::memmem::find(head, b"\"kind\":\"Secret\"").is_some()
}

/// Whether a line so far is an indented YAML key (`  password: `), as in a `Secret`'s `data:`.
fn is_data_entry(prefix: &[u8]) -> bool {
    let Some(rest) = prefix
        .strip_prefix(b" ")
        .or_else(|| prefix.strip_prefix(b"\t"))
    else {
        return false;
    };
    let rest = rest.trim_ascii();
    let rest = rest
        .strip_suffix(b"\"")
        .or_else(|| rest.strip_suffix(b"'"))
        .map_or(rest, <[u8]>::trim_ascii_end);
    let Some(key) = rest.strip_suffix(b":") else {
        return false;
    };
    let key = key.trim_ascii_start();
    !key.is_empty()
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Whether a byte can be part of a percent-encoded token (a URL, a query string, a form body).
fn url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"%-._~+:/@=&?!$*,;#[]".contains(&b)
}

/// Percent-encoded tokens that start in `within` and encode URL structure (`%3A`, `%2F`, `%40`):
/// a URL or credential as a whole, not a password with one escaped character inside a URL
/// (that is the URL's own syntax, matched as is).
fn percent_spans(text: &[u8], within: Range<usize>) -> Vec<(Range<usize>, Vec<u8>)> {
    let mut out = Vec::new();
    let end = within.end.min(text.len());
    let mut from = within.start;
    while from < end {
        let Some(i) = memchr::memchr(b'%', &text[from..end]).map(|i| from + i) else {
            break;
        };
        let mut a = i;
        while a > 0 && url_byte(text[a - 1]) && text[a - 1] != b'=' {
            a -= 1;
        }
        let mut b = i;
        while b < text.len() && url_byte(text[b]) {
            b += 1;
        }
        from = b.max(i + 1);
        if a < within.start {
            continue;
        }
        let token = &text[a..b];
        if !encodes_structure(token) {
            continue;
        }
        if let Some(decoded) = percent_decode(token) {
            out.push((a..b, decoded));
        }
    }
    out
}

fn encodes_structure(token: &[u8]) -> bool {
    token.windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1].to_ascii_uppercase(), w[2].to_ascii_uppercase()),
                (b'3', b'A') | (b'2', b'F') | (b'4', b'0')
            )
    })
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn percent_decode(token: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(token.len());
    let mut i = 0;
    while i < token.len() {
        if token[i] == b'%' && i + 2 < token.len() {
            if let (Some(h), Some(l)) = (hex_digit(token[i + 1]), hex_digit(token[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(token[i]);
        i += 1;
    }
    is_text(&out).then_some(out)
}

/// Lines (from the first escape on) that hold JSON/YAML string escapes a rule could not see
/// through (`\"`, `\'`, `\/`, `\uXXXX`, `\xXX`), unescaped.
fn escaped_lines(
    text: &[u8],
    within: Range<usize>,
    line_of: &impl Fn(&[u8], usize) -> (usize, usize),
) -> Vec<(Range<usize>, Vec<u8>)> {
    let mut out = Vec::new();
    let end = within.end.min(text.len());
    let mut from = within.start;
    while from < end {
        let Some(i) = memchr::memchr(b'\\', &text[from..end]).map(|i| from + i) else {
            break;
        };
        if !matches!(text.get(i + 1), Some(b'"' | b'\'' | b'/' | b'u' | b'x')) {
            from = i + 1;
            continue;
        }
        let (a, b) = line_of(text, i);
        let span = string_start(text, a, i)..b;
        from = b.max(i + 1);
        if let Some(decoded) = unescape(&text[span.clone()]) {
            out.push((span, decoded));
        }
    }
    out
}

/// Where the string literal holding the escape at `escape` starts on its line (which starts at
/// `line`): just past the nearest unescaped quote before it, else the line's first non-blank
/// character. The decoded span runs from there to the line's end.
fn string_start(text: &[u8], line: usize, escape: usize) -> usize {
    let mut q = escape;
    while q > line {
        q -= 1;
        if matches!(text[q], b'"' | b'\'') && (q == line || text[q - 1] != b'\\') {
            return q + 1;
        }
    }
    line + (text[line..escape].len() - text[line..escape].trim_ascii_start().len())
}

/// The unescaped form of a line, if it differs and is text.
fn unescape(line: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    let mut changed = false;
    while i < line.len() {
        if line[i] != b'\\' || i + 1 >= line.len() {
            out.push(line[i]);
            i += 1;
            continue;
        }
        let next = line[i + 1];
        let (bytes, used): (Vec<u8>, usize) = match next {
            b'"' | b'\'' | b'/' | b'\\' => (vec![next], 2),
            b'n' => (b"\n".to_vec(), 2),
            b't' => (b"\t".to_vec(), 2),
            b'r' => (b"\r".to_vec(), 2),
            b'u' => match line.get(i + 2..i + 6).and_then(hex4) {
                Some(c) => {
                    let mut buf = [0u8; 4];
                    (
                        char::from_u32(c)
                            .unwrap_or('\u{FFFD}')
                            .encode_utf8(&mut buf)
                            .as_bytes()
                            .to_vec(),
                        6,
                    )
                }
                None => (vec![b'\\'], 1),
            },
            b'x' => match line.get(i + 2..i + 4) {
                Some(h) => match (hex_digit(h[0]), hex_digit(h[1])) {
                    (Some(hi), Some(lo)) if (hi << 4 | lo) < 0x80 => (vec![hi << 4 | lo], 4),
                    _ => (vec![b'\\'], 1),
                },
                None => (vec![b'\\'], 1),
            },
            _ => (vec![b'\\'], 1),
        };
        changed |= used > 1;
        out.extend_from_slice(&bytes);
        i += used;
    }
    (changed && is_text(&out)).then_some(out)
}

fn hex4(h: &[u8]) -> Option<u32> {
    std::str::from_utf8(h)
        .ok()
        .and_then(|s| u32::from_str_radix(s, 16).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &[u8], pos: usize) -> (usize, usize) {
        let a = text[..pos]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let b = text[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| pos + i);
        (a, b)
    }

    fn decode_all(text: &str) -> Vec<(Encoding, String, String)> {
        let mut budget = usize::MAX;
        find(text.as_bytes(), 0..text.len(), &mut budget, line_of)
            .into_iter()
            .map(|d| {
                let decoded = String::from_utf8(d.text[d.decoded.clone()].to_vec()).unwrap();
                let line = String::from_utf8(d.text).unwrap();
                (d.encoding, decoded, line)
            })
            .collect()
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn base64_in_both_alphabets_with_or_without_padding_decodes_in_place() {
        let url = "postgres://app:Vq8xLr2mNp4TzK9w@db/app";
        let text = format!("  DATABASE_URL: {}  # note\n", b64(url));
        let found = decode_all(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Encoding::Base64);
        assert_eq!(found[0].1, url);
        assert_eq!(found[0].2, format!("  DATABASE_URL: {url}  # note"));
        let unpadded =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("a?b>c~~~ password=x");
        assert!(
            unpadded.contains('_') || unpadded.contains('-'),
            "{unpadded}"
        );
        let found = decode_all(&format!("v={unpadded}\n"));
        assert_eq!(found[0].1, "a?b>c~~~ password=x");
    }

    #[test]
    fn binary_identifiers_and_short_runs_are_left_alone() {
        let key = base64::engine::general_purpose::STANDARD.encode([0x9fu8; 32]);
        assert!(decode_all(&format!("KEY={key}\n")).is_empty());
        assert!(decode_all("getElementByIdentifierName(x)\n").is_empty());
        assert!(decode_all("path: /usr/local/lib/python3/site-packages\n").is_empty());
        // `user:pass` is 12 characters: decoded only in a carrier.
        assert!(decode_all(&format!("value: {}\n", b64("user:pass"))).is_empty());
    }

    #[test]
    fn carriers_are_decoded() {
        let short = b64("u:pw12345678");
        assert_eq!(short.len(), 16);
        for line in [
            format!(r#"{{"auth": "{short}"}}"#),
            format!("Authorization: Basic {short}"),
            format!("//registry.acme.io/:_auth={short}"),
            format!("    client-key-data: {short}"),
        ] {
            let found = decode_all(&format!("{line}\n"));
            assert_eq!(found.len(), 1, "{line}");
            assert_eq!(found[0].1, "u:pw12345678");
        }
        let secret = format!("kind: Secret\ndata:\n  password: {}\n", b64("hunter2"));
        let found = decode_all(&secret);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, "  password: hunter2");
        let quoted = format!("kind: Secret\ndata:\n  password: \"{}\"\n", b64("hunter2"));
        assert_eq!(decode_all(&quoted)[0].2, "  password: \"hunter2\"");
        // Not a Secret: the same entry is not a carrier.
        assert!(decode_all(&format!("data:\n  password: {}\n", b64("hunter2"))).is_empty());
    }

    #[test]
    fn percent_encoding_of_url_structure_decodes_a_url_with_one_escape_does_not() {
        let found = decode_all("next=https%3A%2F%2Fadmin%3AQm7x%40db.acme.io%2F\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "https://admin:Qm7x@db.acme.io/");
        assert_eq!(found[0].2, "next=https://admin:Qm7x@db.acme.io/");
        assert!(decode_all("postgres://u:p%21ss@db/app\n").is_empty());
    }

    #[test]
    fn string_escapes_are_undone_for_the_line() {
        let found = decode_all("  \"cfg\": \"{\\\"db_password\\\": \\\"Lk8v\\u0051x\\\"}\"\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Encoding::Escape);
        assert_eq!(found[0].2, "  \"cfg\": \"{\"db_password\": \"Lk8vQx\"}\"");
        // The span starts inside the string literal that holds the escapes.
        let text = "  \"cfg\": \"{\\\"k\\\": 1}\"\n";
        let mut budget = usize::MAX;
        let spans = find(text.as_bytes(), 0..text.len(), &mut budget, line_of);
        assert_eq!(spans[0].span.start, 10);
        assert!(decode_all("printf(\"hello\\n\");\n").is_empty());
    }

    #[test]
    fn spans_past_the_searched_range_end_the_search() {
        let text = "x \\u0041 then more text after the range\n%3A%2F%2F tail";
        for end in 0..text.len() {
            let mut budget = usize::MAX;
            find(text.as_bytes(), 0..end, &mut budget, line_of);
        }
    }

    #[test]
    fn runs_are_found_across_blocks_and_window_edges() {
        let body = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo";
        for pad in 0..40 {
            let text = format!("{}{body}== tail {body}", " ".repeat(pad));
            let runs = base64_runs(text.as_bytes(), 0..text.len(), MIN_BASE64_RUN);
            let got: Vec<&str> = runs.iter().map(|r| &text[r.clone()]).collect();
            assert_eq!(got, [format!("{body}=="), body.to_string()], "pad {pad}");
            // A window starting inside the first run does not report it.
            let inside = base64_runs(text.as_bytes(), pad + 3..text.len(), MIN_BASE64_RUN);
            assert_eq!(inside.len(), 1, "pad {pad}");
            // A window ending before the second run does not report it.
            let before = base64_runs(text.as_bytes(), 0..pad + 40, MIN_BASE64_RUN);
            assert_eq!(before.len(), 1, "pad {pad}");
        }
        assert!(base64_runs(b"short words only here", 0..21, MIN_BASE64_RUN).is_empty());
    }

    #[test]
    fn the_budget_bounds_decoded_output() {
        let one = b64("postgres://app:Vq8xLr2mNp4TzK9w@db/app");
        let text = format!("a: {one}\nb: {one}\nc: {one}\n");
        let mut budget = 80;
        let found = find(text.as_bytes(), 0..text.len(), &mut budget, line_of);
        assert_eq!(found.len(), 2);
        assert_eq!(budget, 0);
    }
}

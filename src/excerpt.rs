//! The one line of context a text report shows under a finding, already redacted: every
//! finding's span on the line becomes its redacted form, and any other long token-shaped run
//! (a second key the rules did not report, a hash) is cut to its first characters. Long lines are
//! cut to a window around the secret. A leaf: it knows findings and bytes, nothing else.
//!
//! The excerpt never holds more of a secret than [`Secret::redacted`] shows, so it is safe for
//! the same outputs as the redacted secret (terminal, CI logs); reports that are parsed (JSON,
//! SARIF) leave it out.

use crate::finding::Finding;

/// Bytes looked at on either side of a secret for its line.
const LOOK: usize = 2048;
/// Characters of context kept before the secret on a long line.
const BEFORE: usize = 40;
/// Longest excerpt, in characters, before the `…` marks.
const WIDTH: usize = 120;
/// A token of this many characters or more that is not a finding is cut (it may be a secret the
/// rules did not report).
const LONG_TOKEN: usize = 20;
/// How many characters of such a token stay.
const TOKEN_KEEP: usize = 4;

/// Sets [`Finding::excerpt`] on each of `findings` (all from one scan of `content`, a window of
/// a file whose first byte is at file offset `origin`). File findings (no secret) get none.
pub fn attach(content: &[u8], origin: usize, findings: &mut [Finding]) {
    if findings.is_empty() {
        return;
    }
    // Every finding's span, as (line, first char column, end column) in the file, for redacting
    // the others on the same line.
    let spans: Vec<Span> = findings
        .iter()
        .filter(|f| !f.is_file_finding())
        .map(Span::of)
        .collect();
    for f in findings.iter_mut() {
        if f.is_file_finding() {
            continue;
        }
        let Some(start) = f.location.offset.checked_sub(origin) else {
            continue;
        };
        if start > content.len() {
            continue;
        }
        // Look no further than LOOK bytes either way: a minified file's one line can be
        // megabytes long, and only a window of it is shown.
        let floor = floor_char_boundary(content, start.saturating_sub(LOOK));
        let line_start = content[floor..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(floor, |i| floor + i + 1);
        let ceiling = (start + LOOK).min(content.len());
        let line_end = content[start..ceiling]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(ceiling, |i| start + i);
        let before = String::from_utf8_lossy(&content[line_start..start])
            .chars()
            .count();
        // The 1-based column of the first character shown.
        let Some(first) = f.location.start.column.checked_sub(before) else {
            continue;
        };
        let line = String::from_utf8_lossy(&content[line_start..line_end]);
        let line = line.trim_end_matches('\r');
        let on_line: Vec<&Span> = spans
            .iter()
            .filter(|s| s.line == f.location.start.line)
            .collect();
        f.excerpt = Some(render(line, first, &on_line, f.location.start.column));
    }
}

/// A finding's place on its first line, in 1-based character columns, and its redacted form.
struct Span {
    line: usize,
    from: usize,
    /// Column just past the end on the same line, or `None` when the secret runs past the line.
    to: Option<usize>,
    redacted: String,
}

impl Span {
    fn of(f: &Finding) -> Self {
        Span {
            line: f.location.start.line,
            from: f.location.start.column,
            to: (f.location.end.line == f.location.start.line).then_some(f.location.end.column),
            redacted: f.secret.redacted(),
        }
    }
}

/// The first byte at or before `i` that starts a UTF-8 character (or any byte of invalid text).
fn floor_char_boundary(content: &[u8], mut i: usize) -> usize {
    while i > 0 && i < content.len() && (content[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

/// `line` (whose first character is at column `first`) with `spans` redacted and other long
/// tokens cut, windowed around `column`.
fn render(line: &str, first: usize, spans: &[&Span], column: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    // Where the secret of interest starts in `out`, for the window.
    let mut anchor = 0;
    let mut i = 0;
    let col_of = |i: usize| i + first;
    while i < chars.len() {
        let col = col_of(i);
        if let Some(s) = spans.iter().find(|s| s.from == col) {
            if s.from == column {
                anchor = out.len();
            }
            out.extend(s.redacted.chars());
            i =
                s.to.map_or(chars.len(), |to| to.saturating_sub(first))
                    .max(i + 1);
            continue;
        }
        if is_token_char(chars[i]) {
            let end = (i..chars.len())
                .find(|&j| !is_token_char(chars[j]) || spans.iter().any(|s| s.from == col_of(j)))
                .unwrap_or(chars.len());
            let token = &chars[i..end];
            if token.len() >= LONG_TOKEN && looks_random(token) {
                out.extend(&token[..TOKEN_KEEP]);
                out.push('…');
            } else {
                out.extend(token);
            }
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    let lead = out.iter().take_while(|c| c.is_whitespace()).count();
    let anchor = anchor.saturating_sub(lead);
    let out = &out[lead..];
    if out.len() <= WIDTH {
        return out.iter().collect();
    }
    let from = anchor.saturating_sub(BEFORE).min(out.len() - WIDTH);
    let to = from + WIDTH;
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    s.extend(&out[from..to]);
    if to < out.len() {
        s.push('…');
    }
    s
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '_' | '-')
}

/// Letters and digits mixed: a key, a hash, base64; not a long word or an identifier like
/// `configure_default_logging`.
fn looks_random(token: &[char]) -> bool {
    let digits = token.iter().filter(|c| c.is_ascii_digit()).count();
    let letters = token.iter().filter(|c| c.is_ascii_alphabetic()).count();
    digits >= 2 && letters >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Secret;

    fn span(from: usize, to: usize, secret: &str) -> Span {
        Span {
            line: 1,
            from,
            to: Some(to),
            redacted: Secret::new(secret).redacted(),
        }
    }

    #[test]
    fn the_secret_is_redacted_in_its_line() {
        let line = "  TOKEN = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\" # prod";
        let s = span(12, 52, "ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        let out = render(line, 1, &[&s], 12);
        assert_eq!(out, "TOKEN = \"ghp_…89\" # prod");
    }

    #[test]
    fn other_long_random_tokens_are_cut_but_words_stay() {
        let line = "a=SECRETVALUE1234567890abcdefXYZ b=Zq81mN0pLr72TsVw93kXb4 configure_default_logging_now";
        let s = span(3, 33, "SECRETVALUE1234567890abcdefXYZ");
        let out = render(line, 1, &[&s], 3);
        assert_eq!(out, "a=SECR…YZ b=Zq81… configure_default_logging_now");
    }

    #[test]
    fn long_lines_are_windowed_around_the_secret() {
        let line = format!(
            "{}KEY=sk_live_0123456789abcdefghijklmn{}",
            "x ".repeat(200),
            " y".repeat(200)
        );
        let from = 400 + 5;
        let s = span(from, from + 32, "sk_live_0123456789abcdefghijklmn");
        let out = render(&line, 1, &[&s], from);
        assert!(out.starts_with('…') && out.ends_with('…'), "{out}");
        assert!(out.contains("KEY=sk_l…mn"), "{out}");
        assert!(out.chars().count() <= WIDTH + 2);
    }

    #[test]
    fn a_huge_line_is_read_only_around_the_secret() {
        let pad = "ab ".repeat(400_000);
        let line = format!("{pad}KEY=Zq81mN0pLr72TsVw93kXb4 {pad}\n");
        let mut f = vec![finding(1, pad.len() + 5, pad.len() + 4, 22)];
        attach(line.as_bytes(), 0, &mut f);
        let excerpt = f[0].excerpt.as_deref().unwrap_or_default();
        assert!(excerpt.contains("KEY=Zq81…b4 ab"), "{excerpt}");
        assert!(
            excerpt.starts_with('…') && excerpt.ends_with('…'),
            "{excerpt}"
        );
    }

    fn finding(line: usize, column: usize, offset: usize, len: usize) -> Finding {
        use crate::finding::{Confidence, Fingerprint, FingerprintKey, Location, Position};
        let secret = Secret::new("Zq81mN0pLr72TsVw93kXb4");
        Finding {
            rule: "r".into(),
            description: String::new(),
            path: "p".into(),
            location: Location {
                start: Position { line, column },
                end: Position {
                    line,
                    column: column + len,
                },
                offset,
            },
            fingerprint: Fingerprint::compute(&FingerprintKey::new(*b"k"), "r", "p", &secret),
            secret,
            entropy: 4.0,
            commit: None,
            occurrences: Vec::new(),
            presence: None,
            removed: None,
            confidence: Confidence::Medium,
            decoded: Vec::new(),
            excerpt: None,
        }
    }

    #[test]
    fn excerpts_come_from_the_content() {
        let content = b"first\nexport API_TOKEN=Zq81mN0pLr72TsVw93kXb4\r\nlast\n";
        let mut f = vec![finding(2, 18, 6 + 17, 22)];
        attach(content, 0, &mut f);
        assert_eq!(f[0].excerpt.as_deref(), Some("export API_TOKEN=Zq81…b4"));
    }
}

//! Content too large to hold in memory, matched in bounded memory: overlapping windows over a
//! reader. Each step reads [`STEP`] new bytes and keeps [`BEFORE`] bytes of context before them
//! and [`AFTER`] bytes after (the longest look-back and look-ahead of any rule: a line window
//! back, a multi-line window plus a line window forward), and reports only the secrets that
//! start in its own step. A secret across a step edge is found once, by the step it starts in,
//! with whole-file line, column and offset.
//!
//! Classification is that of `content::decode` on the first bytes: a NUL in the first 8 KiB is
//! binary, a UTF-16 BOM turns on transcoding (streamed too), a UTF-8 BOM is dropped.
//! Neighbours: `scan` calls this for files over [`IN_MEMORY_LIMIT`] and for standard input;
//! `matcher` does the matching.

use crate::content::{SkipReason, BINARY_SNIFF_LEN};
use crate::finding::Finding;
use crate::matcher::{Matcher, Origin, Window, LINE_WINDOW, MULTILINE_WINDOW};
use std::io::{self, Read};

/// Files up to this size are read whole; larger ones are streamed.
pub const IN_MEMORY_LIMIT: u64 = 64 * 1024 * 1024;
/// New bytes per step.
pub const STEP: usize = 8 * 1024 * 1024;
/// Context kept before each step.
pub const BEFORE: usize = LINE_WINDOW;
/// Context read after each step.
pub const AFTER: usize = MULTILINE_WINDOW + LINE_WINDOW;

/// What streaming produced.
#[derive(Debug)]
pub enum Streamed {
    /// Matched: the findings and the raw bytes read.
    Text {
        /// Findings, in file order.
        findings: Vec<Finding>,
        /// Raw bytes read.
        bytes: u64,
    },
    /// Not matched (binary).
    Skipped(SkipReason),
}

/// Matches everything `reader` yields as the file at `path`, in windows of [`STEP`] bytes plus
/// context; memory stays under `BEFORE + STEP + AFTER` bytes of content (plus transcoding
/// buffers) whatever the size. `matcher`'s per-file caps start afresh. `Err` is a read error.
pub fn scan(matcher: &mut Matcher, reader: impl Read, path: &str) -> io::Result<Streamed> {
    scan_in_steps(matcher, reader, path, STEP)
}

fn scan_in_steps(
    matcher: &mut Matcher,
    reader: impl Read,
    path: &str,
    step: usize,
) -> io::Result<Streamed> {
    let mut raw = Counting {
        inner: reader,
        bytes: 0,
    };
    let mut head = Vec::with_capacity(BINARY_SNIFF_LEN);
    (&mut raw)
        .take(BINARY_SNIFF_LEN as u64)
        .read_to_end(&mut head)?;
    let mut decoded: Box<dyn Read + '_> = if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        let rest = rest.to_vec();
        Box::new(Utf16::new(
            io::Cursor::new(rest).chain(&mut raw),
            u16::from_le_bytes,
        ))
    } else if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        let rest = rest.to_vec();
        Box::new(Utf16::new(
            io::Cursor::new(rest).chain(&mut raw),
            u16::from_be_bytes,
        ))
    } else if memchr::memchr(0, &head).is_some() {
        return Ok(Streamed::Skipped(SkipReason::Binary));
    } else {
        let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
        Box::new(io::Cursor::new(rest).chain(&mut raw))
    };
    let findings = windows(matcher, &mut decoded, path, step)?;
    drop(decoded);
    Ok(Streamed::Text {
        findings,
        bytes: raw.bytes,
    })
}

/// The window loop over decoded content.
fn windows(
    matcher: &mut Matcher,
    reader: &mut dyn Read,
    path: &str,
    step: usize,
) -> io::Result<Vec<Finding>> {
    matcher.start_file();
    let mut findings = Vec::new();
    let mut buf: Vec<u8> = Vec::with_capacity(BEFORE + step + AFTER);
    let mut origin = Origin::START;
    let mut report_from = 0;
    loop {
        let want = report_from + step + AFTER;
        let eof = fill(reader, &mut buf, want)?;
        let report_to = if eof { buf.len() } else { report_from + step };
        let window = Window {
            origin,
            report: report_from..report_to,
        };
        findings.extend(matcher.find_window(&buf, path, &window));
        if eof {
            return Ok(findings);
        }
        let drop = report_to - BEFORE;
        origin.advance(&buf[..drop]);
        buf.drain(..drop);
        report_from = BEFORE;
    }
}

/// Reads until `buf` holds `want` bytes or the reader ends; `true` at the end.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    while buf.len() < want {
        let len = buf.len();
        buf.resize(want, 0);
        match reader.read(&mut buf[len..]) {
            Ok(0) => {
                buf.truncate(len);
                return Ok(true);
            }
            Ok(n) => buf.truncate(len + n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(len),
            Err(e) => {
                buf.truncate(len);
                return Err(e);
            }
        }
    }
    Ok(false)
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// UTF-16 (after its BOM) to UTF-8, incrementally; unpaired surrogates become U+FFFD, as in
/// `content::decode`.
struct Utf16<R> {
    inner: R,
    from: fn([u8; 2]) -> u16,
    /// Raw bytes not yet decoded (an odd byte, or a high surrogate waiting for its pair).
    pending: Vec<u8>,
    /// Decoded bytes not yet handed out.
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Utf16<R> {
    fn new(inner: R, from: fn([u8; 2]) -> u16) -> Self {
        Utf16 {
            inner,
            from,
            pending: Vec::new(),
            out: Vec::new(),
            pos: 0,
            done: false,
        }
    }

    /// Decodes the next chunk into `out`.
    fn refill(&mut self) -> io::Result<()> {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = loop {
            match self.inner.read(&mut chunk) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        self.pending.extend_from_slice(&chunk[..n]);
        if n == 0 {
            self.done = true;
        }
        // Decode whole units; keep an odd byte, and a trailing high surrogate unless at the end.
        let mut units: Vec<u16> = self
            .pending
            .chunks_exact(2)
            .map(|c| (self.from)([c[0], c[1]]))
            .collect();
        let mut keep = self.pending.len() % 2;
        if !self.done && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            units.pop();
            keep += 2;
        }
        let text: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        self.out.clear();
        self.out.extend_from_slice(text.as_bytes());
        self.pos = 0;
        let tail = self.pending.len() - keep;
        self.pending.drain(..tail);
        if self.done && !self.pending.is_empty() {
            // A lone trailing byte: not a whole unit.
            self.out
                .extend_from_slice(char::REPLACEMENT_CHARACTER.to_string().as_bytes());
            self.pending.clear();
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allow::Allowlist;
    use crate::matcher::{InlineAllow, RuleSet};
    use crate::rules::parse_rules;

    fn matcher() -> Matcher {
        let rules = parse_rules(
            r#"
[[rule]]
id = "tok"
keywords = ["tok_"]
regex = '''\b(tok_[A-Za-z0-9]{20})\b'''
"#,
            "test",
        )
        .unwrap();
        RuleSet::new(rules, Allowlist::default(), InlineAllow::Honour)
            .unwrap()
            .matcher()
    }

    fn token(i: usize) -> String {
        format!("tok_R8x2Kq9LmZ4vT7wN{i:04}")
    }

    /// A reader that hands out at most 7 bytes per read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streaming_finds_what_a_whole_read_finds_across_step_edges() {
        const STEP: usize = 16 * 1024;
        // Three tokens straddling every step edge, on long lines and short ones.
        let mut text = Vec::new();
        let mut n = 0;
        for edge in 1..=12 {
            while text.len() + 40 < edge * STEP - 20 {
                if edge % 2 == 0 {
                    text.extend_from_slice(b"filler line of text with words\n");
                } else {
                    text.extend_from_slice(b"minified;"); // one long line
                }
            }
            for _ in 0..3 {
                text.extend_from_slice(format!("k={} ", token(n)).as_bytes());
                n += 1;
            }
            text.extend_from_slice("é\n".as_bytes());
        }
        let whole = matcher().find(&text, "f");
        assert_eq!(whole.len(), 36);
        let key = |f: &Finding| (f.location, f.secret.expose().to_string());
        let readers: Vec<Box<dyn Read>> = vec![Box::new(&text[..]), Box::new(Trickle(&text))];
        for reader in readers {
            let streamed = match scan_in_steps(&mut matcher(), reader, "f", STEP).unwrap() {
                Streamed::Text { findings, bytes } => {
                    assert_eq!(bytes, text.len() as u64);
                    findings
                }
                other => panic!("{other:?}"),
            };
            assert_eq!(
                whole.iter().map(key).collect::<Vec<_>>(),
                streamed.iter().map(key).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn utf16_and_binary_are_classified_on_the_first_bytes() {
        let mut raw = vec![0xFF, 0xFE];
        for u in format!("x\nkey = {}\n", token(1)).encode_utf16() {
            raw.extend_from_slice(&u.to_le_bytes());
        }
        match scan(&mut matcher(), &raw[..], "f").unwrap() {
            Streamed::Text { findings, .. } => {
                assert_eq!(findings.len(), 1);
                assert_eq!(findings[0].location.start.line, 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            scan(&mut matcher(), &b"ab\0cd"[..], "f").unwrap(),
            Streamed::Skipped(SkipReason::Binary)
        ));
    }

    #[test]
    fn utf16_surrogate_pairs_split_across_reads_survive() {
        let text = "😀".repeat(50_000);
        let mut raw = Vec::new();
        for u in text.encode_utf16() {
            raw.extend_from_slice(&u.to_le_bytes());
        }
        let mut out = String::new();
        Utf16::new(Trickle(&raw), u16::from_le_bytes)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }
}

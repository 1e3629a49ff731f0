//! Text bound for a terminal (the text report, every line on stderr, git's `remote:` lines):
//! control characters and bidirectional overrides are escaped visibly, so a file name, ref,
//! commit summary or secret cannot clear the screen, move the cursor, overwrite the "blocked"
//! message or fake a line of output. A leaf: it imports nothing from the crate.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal raw: C0 and C1 controls, DEL, and the Unicode
/// bidirectional embeddings, overrides and isolates ("Trojan Source").
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character that could drive a terminal escaped: `\n`, `\r`, `\t`, `\x1b`,
/// `\u{202e}`; a backslash that would make an escape ambiguous stays as it is (paths on Windows
/// hold backslashes; the escapes are for eyes, not for parsing back).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(printable("src/app.env"), Cow::Borrowed(_)));
        assert_eq!(printable("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(printable("x\rblocked\nok\t"), "x\\rblocked\\nok\\t");
        assert_eq!(printable("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(printable("\u{7f}\u{9b}"), "\\x7f\\x9b");
        assert_eq!(printable("é 😀"), "é 😀");
    }
}

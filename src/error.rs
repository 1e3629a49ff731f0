//! How errors read: every message sealant prints is one line, and I/O errors drop the OS error
//! number noise. Each concern keeps its own error type (`ConfigError`, `RuleError`, `GitError`,
//! `BaselineError`, ...); this module only holds the text rules they share. A leaf: it imports
//! nothing from the crate.

/// Collapses a multi-line message (parsers and gix print several) into one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A one-line I/O message without the `(os error N)` suffix.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_without_os_numbers() {
        assert_eq!(one_line("a\n  b\tc "), "a b c");
        let e = std::io::Error::from_raw_os_error(2);
        assert!(!io_message(&e).contains("os error"), "{}", io_message(&e));
    }
}

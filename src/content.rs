//! Turning raw bytes into something the matcher can scan: binary detection, UTF-16 transcoding,
//! Git LFS pointers. Sources hand bytes here; the matcher only ever sees [`Content::Text`].

use std::borrow::Cow;

/// How far into a file binary detection looks (git and ripgrep use the same heuristic).
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Why a file was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// A Git LFS pointer file: the content lives elsewhere.
    LfsPointer,
    /// A git submodule (gitlink).
    Submodule,
    /// A symbolic link (not followed).
    Symlink,
    /// A FIFO, socket or device met during a walk (never read: it may block or never end).
    Special,
}

impl SkipReason {
    /// Plural noun for summaries.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::LfsPointer => "LFS pointers",
            SkipReason::Submodule => "submodules",
            SkipReason::Symlink => "symlinks",
            SkipReason::Special => "FIFOs, sockets or devices",
        }
    }
}

/// Decoded content.
#[derive(Debug)]
pub enum Content<'a> {
    /// Scannable text (UTF-8, or bytes that are mostly text).
    Text(Cow<'a, [u8]>),
    /// Not scanned.
    Skipped(SkipReason),
}

const LFS_HEADER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// Classifies and, where needed, transcodes raw file bytes.
pub fn decode(raw: &[u8]) -> Content<'_> {
    if let Some(rest) = raw.strip_prefix(&[0xFF, 0xFE]) {
        return Content::Text(Cow::Owned(utf16_to_utf8(rest, u16::from_le_bytes)));
    }
    if let Some(rest) = raw.strip_prefix(&[0xFE, 0xFF]) {
        return Content::Text(Cow::Owned(utf16_to_utf8(rest, u16::from_be_bytes)));
    }
    let sniff = &raw[..raw.len().min(BINARY_SNIFF_LEN)];
    if memchr::memchr(0, sniff).is_some() {
        return Content::Skipped(SkipReason::Binary);
    }
    if raw.starts_with(LFS_HEADER) && raw.len() < 1024 {
        return Content::Skipped(SkipReason::LfsPointer);
    }
    Content::Text(Cow::Borrowed(
        raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw),
    ))
}

/// UTF-16 to UTF-8; unpaired surrogates and a trailing odd byte become U+FFFD (as the streaming
/// decoder in `stream.rs` does: both paths must see the same text).
fn utf16_to_utf8(bytes: &[u8], from: fn([u8; 2]) -> u16) -> Vec<u8> {
    let units = bytes.chunks_exact(2).map(|c| from([c[0], c[1]]));
    let mut text: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if bytes.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_odd_byte_of_utf16_is_a_replacement_character() {
        let mut raw = b"\xFF\xFE".to_vec();
        for u in "K=v".encode_utf16() {
            raw.extend_from_slice(&u.to_le_bytes());
        }
        raw.push(b'x');
        match decode(&raw) {
            Content::Text(t) => assert_eq!(&*t, "K=v\u{FFFD}".as_bytes()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn utf16_is_transcoded() {
        let mut raw = vec![0xFF, 0xFE];
        for u in "KEY=value".encode_utf16() {
            raw.extend_from_slice(&u.to_le_bytes());
        }
        match decode(&raw) {
            Content::Text(t) => assert_eq!(&*t, b"KEY=value"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nul_means_binary_and_lfs_is_skipped() {
        assert!(matches!(
            decode(b"ab\0cd"),
            Content::Skipped(SkipReason::Binary)
        ));
        let lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n";
        assert!(matches!(
            decode(lfs),
            Content::Skipped(SkipReason::LfsPointer)
        ));
        assert!(matches!(
            decode(b"\xff\xfeinvalid utf8 \xc3"),
            Content::Text(_)
        ));
    }
}

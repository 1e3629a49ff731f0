//! Byte offsets to line and column positions, for findings; [`Origin`] says where a window of
//! content starts in its file, so findings in a streamed window get whole-file positions.

use crate::finding::Position;

/// Where a window of content starts in its whole file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Byte offset of the window's first byte.
    pub offset: usize,
    /// 1-based line of that byte.
    pub line: usize,
    /// 0-based character column of that byte.
    pub column: usize,
}

impl Origin {
    /// The start of a file.
    pub const START: Origin = Origin {
        offset: 0,
        line: 1,
        column: 0,
    };

    /// Moves the origin past `bytes` (the part of the window being dropped).
    pub fn advance(&mut self, bytes: &[u8]) {
        self.offset += bytes.len();
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count();
                self.column = chars(&bytes[last + 1..]);
            }
            None => self.column += chars(bytes),
        }
    }
}

/// Converts increasing byte offsets into line/column positions in one forward pass: each byte
/// of the content is looked at a bounded number of times, however long its lines (columns are
/// counted incrementally, not from the start of the line for every finding).
#[derive(Clone)]
pub(super) struct LineCounter<'a> {
    content: &'a [u8],
    /// Where `content` starts in its file.
    origin: Origin,
    /// Offset in `content` the counters describe.
    pos: usize,
    /// 1-based line of `pos`.
    line: usize,
    /// 0-based character column of `pos`.
    col: usize,
}

/// Characters in `bytes` (UTF-8 lead bytes; invalid bytes count as one each).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl<'a> LineCounter<'a> {
    /// A counter over `content`, which starts at `origin` in its file.
    pub(super) fn new(content: &'a [u8], origin: Origin) -> Self {
        LineCounter {
            content,
            origin,
            pos: 0,
            line: origin.line,
            col: origin.column,
        }
    }

    fn advance(&mut self, offset: usize) {
        if offset < self.pos {
            *self = LineCounter::new(self.content, self.origin);
        }
        let span = &self.content[self.pos..offset];
        match memchr::memrchr(b'\n', span) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', span).count();
                self.col = chars(&span[last + 1..]);
            }
            None => self.col += chars(span),
        }
        self.pos = offset;
    }

    /// Position of the character at `offset`.
    pub(super) fn position(&mut self, offset: usize) -> Position {
        self.advance(offset);
        Position {
            line: self.line,
            column: self.col + 1,
        }
    }

    /// Position just past the character ending at `offset` (does not move the cursor).
    pub(super) fn position_after(&self, offset: usize) -> Position {
        let mut probe = self.clone();
        probe.advance(offset);
        Position {
            line: probe.line,
            column: probe.col + 1,
        }
    }
}

//! Positions as the client counts them. pullcheck works in byte offsets; LSP positions are a
//! line and a character offset in the negotiated encoding: UTF-16 code units unless client and
//! server agree on `utf-8` (bytes, no conversion) or `utf-32` (characters).

use lsp_types::{Position, PositionEncodingKind, Range};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's preferred encoding among those it offers that we count cheaply: UTF-8 is
    /// our own, UTF-32 the next cheapest; UTF-16 is what LSP assumes when nothing is offered.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Where the lines of a text start, by LSP's rules: `\n`, `\r\n` and a lone `\r` end a line.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let crlf = bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n');
            if !crlf {
                starts.push(i + 1);
            }
        }
        Lines {
            text,
            starts,
            encoding,
        }
    }

    /// The position of a byte offset (clamped to the text, and back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = match self.encoding {
            Encoding::Utf8 => offset - start,
            encoding => self.text[start..offset]
                .chars()
                .map(|c| encoding.width(c))
                .sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a position. A character past the line's end means its end (LSP's
    /// rule), a line past the text's end the text's end; a position inside a character is
    /// taken to its start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self.line_end(position.line as usize);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (i, c) in self.text[start..end].char_indices() {
            let width = self.encoding.width(c);
            if counted + width > wanted {
                return start + i;
            }
            counted += width;
        }
        end
    }

    /// Where a line's text ends, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let text = &self.text[self.starts[line]..next];
        self.starts[line] + text.trim_end_matches(['\n', '\r']).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // "é" is 2 bytes and 1 UTF-16 unit, "日本" 3 bytes and 1 unit each, "🐳" 4 bytes and 2 units.
    const TEXT: &str = "# 🐳 whale\r\nlabels: {team: 日本é}\n  image: nginx\rlast";

    fn image(text: &str) -> usize {
        text.find("nginx").unwrap()
    }

    #[test]
    fn each_encoding_counts_its_own_units() {
        let at = TEXT.find("}").unwrap();
        for (encoding, character) in [
            (Encoding::Utf8, 23),
            (Encoding::Utf16, 18),
            (Encoding::Utf32, 18),
        ] {
            let lines = Lines::new(TEXT, encoding);
            assert_eq!(
                lines.position(at),
                Position::new(1, character),
                "{encoding:?}"
            );
            assert_eq!(
                lines.offset(Position::new(1, character)),
                at,
                "{encoding:?}"
            );
        }
        let emoji_end = TEXT.find(" whale").unwrap();
        assert_eq!(
            Lines::new(TEXT, Encoding::Utf16)
                .position(emoji_end)
                .character,
            4
        );
        assert_eq!(
            Lines::new(TEXT, Encoding::Utf32)
                .position(emoji_end)
                .character,
            3
        );
        assert_eq!(
            Lines::new(TEXT, Encoding::Utf8)
                .position(emoji_end)
                .character,
            6
        );
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let lines = Lines::new(TEXT, Encoding::Utf16);
        assert_eq!(lines.position(image(TEXT)), Position::new(2, 9));
        assert_eq!(lines.position(TEXT.len()), Position::new(3, 4));
        // Past the end of a line is its end, before the break.
        assert_eq!(lines.offset(Position::new(0, 99)), TEXT.find('\r').unwrap());
        assert_eq!(lines.offset(Position::new(9, 0)), TEXT.len());
    }

    #[test]
    fn a_position_inside_a_surrogate_pair_is_taken_to_the_character_start() {
        let lines = Lines::new(TEXT, Encoding::Utf16);
        assert_eq!(lines.offset(Position::new(0, 3)), 2);
        // A byte offset inside a character goes back to its start.
        assert_eq!(lines.position(3), Position::new(0, 2));
    }

    proptest::proptest! {
        /// Every offset at a character boundary (but inside a `\r\n`) survives the trip to a
        /// position and back, in every encoding.
        #[test]
        fn offsets_round_trip(text in "[a\u{e9}\u{65e5}\u{1f433} \r\n]{0,40}") {
            for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let lines = Lines::new(&text, encoding);
                for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                    if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                        continue;
                    }
                    proptest::prop_assert_eq!(lines.offset(lines.position(offset)), offset);
                }
            }
        }
    }
}

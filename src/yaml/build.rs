//! Builds [`Document`] trees from saphyr-parser's event stream, iteratively: nesting depth costs
//! heap, never stack, and is capped.

mod builder;

use builder::*;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle};

use super::goyaml;
use super::lenient::Padded;
use super::tree::{Document, Node, NodeId, NodeKind, ScalarStyle};
use crate::source::Span;

const INVALID_MAP_KEY: &str =
    "invalid map key: a mapping or sequence as a key has no JSON form (go-yaml refuses it)";

/// Deeper nesting is a parse error. go-yaml, which Kubernetes decodes with, stops at 10,000.
pub const MAX_DEPTH: usize = 10_000;

/// A syntax error at a byte offset of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// What one piece of a stream (see [`super::split`]) parsed into. A piece holds one document
/// in practice, but `...` markers can make more.
#[derive(Debug, Default)]
pub struct ParsedPiece {
    pub documents: Vec<Document>,
    pub error: Option<SyntaxError>,
}

/// Parses a piece of a stream that starts at byte `base` of its file; every span in the result
/// is a byte offset into the file. When the piece is a repaired copy, `padding` maps its offsets
/// back to the original text.
#[cfg(any(test, feature = "testing"))]
pub fn parse_piece(piece: &str, base: usize, padding: Option<&Padded>) -> ParsedPiece {
    parse_piece_to_depth(piece, base, padding, usize::MAX)
}

/// Like [`parse_piece`], keeping only the nodes at most `keep_depth` collections deep: deeper
/// subtrees are parsed (so every syntax error is still found) but become nulls.
pub fn parse_piece_to_depth(
    piece: &str,
    base: usize,
    padding: Option<&Padded>,
    keep_depth: usize,
) -> ParsedPiece {
    let mut offsets = CharOffsets::new(piece, base, padding);
    let mut parser = Parser::new_from_str(piece);
    let mut out = ParsedPiece::default();
    let mut builder: Option<Builder> = None;

    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ok) => ok,
            Err(err) => {
                // After a complete root node the document has ended for go-yaml, which decodes
                // the first document and never reads on: what follows cannot fail it.
                if let Some(b) = builder.take_if(|b| b.is_complete()) {
                    out.documents.push(b.finish());
                    return out;
                }
                out.error = Some(SyntaxError {
                    offset: offsets.byte(err.marker().index()),
                    message: goyaml::explain(err.info()),
                });
                // Keep what was built: the document is still reported as broken, but the count
                // of documents stays right.
                if let Some(b) = builder.take() {
                    out.documents.push(b.finish());
                }
                return out;
            }
        };
        let mut start = offsets.byte_in_piece(span.start.index());
        if matches!(event, Event::Scalar(..)) {
            // saphyr starts a scalar at its anchor or tag; a finding should point at the value.
            start = skip_properties(piece, start);
        }
        let piece_start = start;
        let start = offsets.to_file(start);
        let node_span = Span::new(start, offsets.byte(span.end.index()).max(start));
        match event {
            Event::DocumentStart(_) => builder = Some(Builder::new(keep_depth)),
            Event::DocumentEnd => {
                if let Some(b) = builder.take() {
                    let document = b.finish();
                    if document.has_excessive_aliasing() {
                        out.error = Some(SyntaxError {
                            offset: document.first_alias_offset().unwrap_or(node_span.start),
                            message: "document contains excessive aliasing (an alias bomb): \
                                      Kubernetes' YAML decoder refuses it"
                                .to_string(),
                        });
                        out.documents.push(Document::default());
                        return out;
                    }
                    out.documents.push(document);
                    // go-yaml v2 decodes the first document of what apimachinery's reader
                    // hands it and never reads on: what follows a `...` is ignored, errors and
                    // all.
                    return out;
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            other => {
                let b = builder.get_or_insert_with(|| Builder::new(keep_depth));
                // `: value` with nothing before the colon: libyaml finds no key there.
                let empty_implicit_key = matches!(&other, Event::Scalar(v, SaphyrStyle::Plain, _, None) if v.is_empty())
                    && b.expects_key()
                    && piece.as_bytes().get(piece_start) == Some(&b':');
                let result = if empty_implicit_key {
                    Err("did not find expected key: a mapping entry has no key (go-yaml refuses it)".to_string())
                } else {
                    b.event(other, node_span)
                };
                if let Err(message) = result {
                    out.error = Some(SyntaxError {
                        offset: node_span.start,
                        message,
                    });
                    out.documents
                        .push(builder.take().unwrap_or_default().finish());
                    return out;
                }
            }
        }
    }
    out
}

/// Skips node properties (`&anchor`, `!tag`) and the white space after them.
fn skip_properties(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while matches!(bytes.get(at), Some(b'&' | b'!')) {
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    at.min(text.len())
}

fn convert_style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}

/// Turns saphyr's character indices into byte offsets. Events arrive in nearly increasing order,
/// so a cursor that walks from the last answer costs O(text) per piece overall.
struct CharOffsets<'a> {
    piece: &'a str,
    base: usize,
    padding: Option<&'a Padded>,
    ascii: bool,
    char_index: usize,
    byte_index: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(piece: &'a str, base: usize, padding: Option<&'a Padded>) -> Self {
        CharOffsets {
            piece,
            base,
            padding,
            ascii: piece.is_ascii(),
            char_index: 0,
            byte_index: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        let in_piece = self.byte_in_piece(char_index);
        self.to_file(in_piece)
    }

    fn to_file(&self, in_piece: usize) -> usize {
        self.base + self.padding.map_or(in_piece, |p| p.original(in_piece))
    }

    fn byte_in_piece(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.piece.len());
        }
        while self.char_index > char_index {
            self.byte_index -= 1;
            while !self.piece.is_char_boundary(self.byte_index) {
                self.byte_index -= 1;
            }
            self.char_index -= 1;
        }
        let mut chars = self.piece[self.byte_index..].chars();
        while self.char_index < char_index {
            match chars.next() {
                Some(c) => {
                    self.byte_index += c.len_utf8();
                    self.char_index += 1;
                }
                None => break,
            }
        }
        self.byte_index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_walk_both_ways() {
        let mut o = CharOffsets::new("aé€b", 10, None);
        assert_eq!(o.byte(3), 10 + 1 + 2 + 3);
        assert_eq!(o.byte(1), 11);
        assert_eq!(o.byte(2), 13);
        assert_eq!(o.byte(99), 17);
    }
}

//! Builds [`Document`] trees from saphyr-parser's event stream, iteratively: nesting depth costs
//! heap, never stack, and is capped.

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle};

use super::lenient::Padded;
use super::tree::{Document, Node, NodeId, NodeKind, ScalarStyle};
use crate::source::Span;

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
pub fn parse_piece(piece: &str, base: usize, padding: Option<&Padded>) -> ParsedPiece {
    let mut offsets = CharOffsets::new(piece, base, padding);
    let mut parser = Parser::new_from_str(piece);
    let mut out = ParsedPiece::default();
    let mut builder: Option<Builder> = None;

    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ok) => ok,
            Err(err) => {
                out.error = Some(SyntaxError {
                    offset: offsets.byte(err.marker().index()),
                    message: err.info().to_string(),
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
        let start = offsets.to_file(start);
        let node_span = Span::new(start, offsets.byte(span.end.index()).max(start));
        match event {
            Event::DocumentStart(_) => builder = Some(Builder::default()),
            Event::DocumentEnd => {
                if let Some(b) = builder.take() {
                    out.documents.push(b.finish());
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            other => {
                let b = builder.get_or_insert_with(Builder::default);
                if let Err(message) = b.event(other, node_span) {
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

#[derive(Default)]
struct Builder {
    doc: Document,
    /// Open collections, innermost last.
    open: Vec<Open>,
    /// Node of each anchor id (saphyr numbers anchors from 1).
    anchors: Vec<Option<NodeId>>,
}

struct Open {
    id: NodeId,
    children: Vec<NodeId>,
    is_mapping: bool,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        match event {
            Event::Scalar(value, style, anchor, _tag) => {
                let kind = NodeKind::Scalar {
                    value: value.into_owned(),
                    style: convert_style(style),
                };
                let id = self.push(kind, span);
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let target = self
                    .anchors
                    .get(anchor)
                    .copied()
                    .flatten()
                    .ok_or_else(|| "alias to an unknown anchor".to_string())?;
                let id = self.push(NodeKind::Alias(target), span);
                self.attach(id);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                let is_mapping = matches!(event, Event::MappingStart(..));
                let placeholder = NodeKind::Sequence(Vec::new());
                let id = self.push(placeholder, span);
                self.anchor(anchor, id);
                self.open.push(Open {
                    id,
                    children: Vec::new(),
                    is_mapping,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.open.pop() {
                    self.close(open, span.end);
                }
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
        Ok(())
    }

    fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        let id = self.doc.nodes.len() as NodeId;
        self.doc.nodes.push(Node { kind, span });
        id
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some(id);
    }

    fn attach(&mut self, id: NodeId) {
        match self.open.last_mut() {
            Some(open) => open.children.push(id),
            None => {
                if self.doc.root.is_none() {
                    self.doc.root = Some(id);
                }
            }
        }
    }

    fn close(&mut self, open: Open, end: usize) {
        // Block collections start where their first entry starts; widen to cover the entries.
        let first_start = open
            .children
            .first()
            .map(|&c| self.doc.nodes[c as usize].span.start);
        let kind = if open.is_mapping {
            let entries = open
                .children
                .chunks_exact(2)
                .map(|pair| (pair[0], pair[1]))
                .collect();
            NodeKind::Mapping(entries)
        } else {
            NodeKind::Sequence(open.children)
        };
        let node = &mut self.doc.nodes[open.id as usize];
        if let Some(first_start) = first_start {
            node.span.start = node.span.start.min(first_start);
        }
        node.span.end = end.max(node.span.start);
        node.kind = kind;
        self.attach(open.id);
    }

    fn finish(mut self) -> Document {
        // An error can leave collections open: close them so the tree stays well formed.
        while let Some(open) = self.open.pop() {
            let end = self.doc.nodes.last().map_or(0, |n| n.span.end);
            self.close(open, end);
        }
        self.doc
    }
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

//! Builds [`Document`] trees from saphyr-parser's event stream, iteratively: nesting depth costs
//! heap, never stack, and is capped.

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

struct Builder {
    doc: Document,
    /// Open collections, innermost last.
    open: Vec<Open>,
    /// Node of each anchor id (saphyr numbers anchors from 1); `Some(None)` for an anchor in
    /// a subtree that was not kept.
    anchors: Vec<Option<Option<NodeId>>>,
    /// Nodes deeper than this are not kept (a shallow tree); their events are still checked.
    keep_depth: usize,
    /// How many collections deep we are inside a subtree that is not kept.
    skipping: usize,
    /// For each collection open in a skipped subtree: whether it is a mapping, and how many
    /// nodes it holds so far (so that a collection in key position is found there too).
    skipped: Vec<(bool, usize)>,
    /// The null standing in for the skipped subtree: its span grows to cover the subtree.
    placeholder: Option<NodeId>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new(usize::MAX)
    }
}

struct Open {
    id: NodeId,
    children: Vec<NodeId>,
    is_mapping: bool,
}

impl Builder {
    fn new(keep_depth: usize) -> Self {
        Builder {
            doc: Document::default(),
            open: Vec::new(),
            anchors: Vec::new(),
            keep_depth,
            skipping: 0,
            skipped: Vec::new(),
            placeholder: None,
        }
    }

    /// Follows events inside a subtree that is not kept: depth and anchors only.
    fn skip(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        let in_key_position = self
            .skipped
            .last()
            .is_some_and(|&(mapping, count)| mapping && count % 2 == 0);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_ref().map(|t| (t.handle.as_str(), t.suffix.as_str()));
                goyaml::check_scalar(&value, style == SaphyrStyle::Plain, tag)?;
                self.anchor_skipped(anchor);
                self.count_skipped();
            }
            Event::Alias(anchor) if self.anchors.get(anchor).copied().flatten().is_none() => {
                return Err("alias to an unknown anchor".to_string());
            }
            Event::Alias(_) => self.count_skipped(),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() + self.skipping >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                if in_key_position {
                    return Err(INVALID_MAP_KEY.to_string());
                }
                self.anchor_skipped(anchor);
                self.skipping += 1;
                self.skipped
                    .push((matches!(event, Event::MappingStart(..)), 0));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.skipping -= 1;
                self.skipped.pop();
                self.count_skipped();
                if self.skipping == 0
                    && let Some(id) = self.placeholder.take()
                {
                    let node = &mut self.doc.nodes[id as usize];
                    node.span.end = node.span.end.max(span.end);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn count_skipped(&mut self) {
        if let Some((_, count)) = self.skipped.last_mut() {
            *count += 1;
        }
    }

    fn anchor_skipped(&mut self, anchor: usize) {
        if anchor != 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(None);
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        if self.skipping > 0 {
            return self.skip(event, span);
        }
        if self.open.len() >= self.keep_depth
            && matches!(event, Event::SequenceStart(..) | Event::MappingStart(..))
        {
            // Too deep to keep: a null stands in, so that mapping entries stay paired.
            if self.expects_key() {
                return Err(INVALID_MAP_KEY.to_string());
            }
            let id = self.push(
                NodeKind::Scalar {
                    value: String::new(),
                    style: ScalarStyle::Plain,
                },
                span,
            );
            self.attach(id);
            self.placeholder = Some(id);
            return self.skip(event, span);
        }
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_ref().map(|t| (t.handle.as_str(), t.suffix.as_str()));
                goyaml::check_scalar(&value, style == SaphyrStyle::Plain, tag)?;
                let kind = NodeKind::Scalar {
                    value: value.into_owned(),
                    style: convert_style(style),
                };
                let id = self.push(kind, span);
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let id = match self.anchors.get(anchor).copied().flatten() {
                    // `&a [*a]`: go-yaml refuses an anchor whose value contains itself.
                    Some(Some(target)) if self.open.iter().any(|o| o.id == target) => {
                        return Err("anchor's value contains an alias to itself".to_string());
                    }
                    Some(Some(target)) => {
                        let collection = matches!(
                            self.doc.nodes[target as usize].kind,
                            NodeKind::Mapping(_) | NodeKind::Sequence(_)
                        );
                        if collection && self.expects_key() {
                            return Err(INVALID_MAP_KEY.to_string());
                        }
                        self.push(NodeKind::Alias(target), span)
                    }
                    // The anchored subtree was not kept.
                    Some(None) => self.push(
                        NodeKind::Scalar {
                            value: String::new(),
                            style: ScalarStyle::Plain,
                        },
                        span,
                    ),
                    None => return Err("alias to an unknown anchor".to_string()),
                };
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
                    // JSON keys are strings: go-yaml's YAMLToJSON refuses a collection as a key.
                    if self.expects_key_before_last() {
                        return Err(INVALID_MAP_KEY.to_string());
                    }
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

    /// Whether a root node was read and closed.
    fn is_complete(&self) -> bool {
        self.doc.root.is_some() && self.open.is_empty() && self.skipping == 0
    }

    /// Whether the next node is a key of the innermost open mapping.
    fn expects_key(&self) -> bool {
        self.skipping == 0
            && self
                .open
                .last()
                .is_some_and(|o| o.is_mapping && o.children.len() % 2 == 0)
    }

    /// Whether the node just attached is a key of the innermost open mapping.
    fn expects_key_before_last(&self) -> bool {
        self.open
            .last()
            .is_some_and(|o| o.is_mapping && o.children.len() % 2 == 1)
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
        self.anchors[anchor] = Some(Some(id));
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

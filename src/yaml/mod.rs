//! YAML with source positions: a stream is cut into documents ([`split`]), each parsed on its own
//! into an arena tree ([`tree`]) by an iterative builder over saphyr-parser's events ([`build`]).
//! Documents of which the caller needs only a few fields go first to a fast recognizer
//! ([`skim`]) that either vouches for them or hands them to the full parse. This layer knows
//! YAML only: which documents and fields those are is the caller's (`k8s::kinds`).

pub mod build;
pub mod goyaml;
pub mod lenient;
pub mod skim;
pub mod split;
pub mod tree;

pub use build::SyntaxError;
pub use skim::{Keep, Key, Unlisted};
pub use tree::{Document, NodeId, NodeKind};

use crate::source::{SourceFile, Span};

/// One document of a stream, or the syntax error that stopped it.
#[derive(Debug)]
pub struct ParsedDocument {
    pub document: Document,
    pub error: Option<SyntaxError>,
    /// The bytes of the stream this document was parsed from.
    pub span: Span,
}

/// Parses every document of a file. A syntax error spoils only the piece it is in.
pub fn parse_stream(source: &SourceFile) -> Vec<ParsedDocument> {
    pieces(source)
        .into_iter()
        .flat_map(|(start, end)| parse_one_piece(source, start, end, usize::MAX))
        .collect()
}

/// The byte ranges of a file's documents (see [`split`]).
pub fn pieces(source: &SourceFile) -> Vec<(usize, usize)> {
    split::document_ranges(&source.text, source.content_start())
}

/// How deep a shallow tree goes: the root, its values, and the nested mapping's values.
pub(crate) const SHALLOW_DEPTH: usize = 2;

/// How to read a document of which the caller needs only part.
#[derive(Debug, Clone, Copy)]
pub struct Partial<'a> {
    /// What the fast path ([`skim`]) keeps.
    pub keep: &'static Keep,
    /// The root's `key: value` that `keep` was chosen for (from a glance at the text): a tree
    /// that reads otherwise goes to the full parse.
    pub chosen_for: (&'static str, &'a str),
    /// How deep the full parse keeps the tree when the fast path declines.
    pub depth: usize,
}

impl Partial<'_> {
    /// The fast path's tree of `text` (a piece starting at byte `base` of its file), when it
    /// takes the piece and the tree reads `chosen_for` as the glance did.
    pub fn skim(&self, text: &str, base: usize) -> Option<Document> {
        let (key, value) = self.chosen_for;
        skim::skim(text, base, self.keep).filter(|document| {
            let root = document.root();
            root.and_then(|r| document.get(r, key))
                .and_then(|v| document.str(v))
                == Some(value)
        })
    }
}

/// Parses one document piece; with `partial`, the fast path ([`skim`]) is tried first.
pub fn parse_document(
    source: &SourceFile,
    start: usize,
    end: usize,
    partial: Option<Partial<'_>>,
) -> Vec<ParsedDocument> {
    let text = &source.text[start..end];
    let keep_depth = match partial {
        Some(partial) => {
            if let Some(document) = partial.skim(text, start) {
                return vec![ParsedDocument {
                    document,
                    error: None,
                    span: Span::new(start, end),
                }];
            }
            partial.depth
        }
        None => usize::MAX,
    };
    parse_one_piece(source, start, end, keep_depth)
}

/// What [`parse_document`] gives without the fast path: the reference it is tested against.
#[cfg(any(test, feature = "testing"))]
pub fn parse_document_in_full(
    source: &SourceFile,
    start: usize,
    end: usize,
    partial: Option<Partial<'_>>,
) -> Vec<ParsedDocument> {
    parse_one_piece(source, start, end, partial.map_or(usize::MAX, |p| p.depth))
}

/// A glance, without parsing, at the value of a root key written `KEY:` at column 0 in block
/// style (`key` is plain ASCII), unquoted. `None` when there is no such line, or more than one:
/// the decoder keeps the last. `None` too when a root key is written in any other form that
/// could also spell `key` (`key : X`, `"key": X`, an escape such as `"k\u0069nd"`, `? key`, an
/// alias, anchor or tag on a key): the decoder keeps the last, whatever its spelling, and a
/// caller must not decide on an earlier one.
pub fn glance_at_root_key<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let line_start = format!("{key}:");
    let after_newline = format!("\n{key}:");
    let at_start = text.starts_with(&line_start).then_some(0);
    let after_break =
        memchr::memmem::find_iter(text.as_bytes(), after_newline.as_bytes()).map(|i| i + 1);
    let mut lines = at_start.into_iter().chain(after_break);
    let line = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let bytes = text.as_bytes();
    let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    let other_key_form = line_starts.filter(|&at| at != line).any(|at| {
        let rest = &bytes[at.min(bytes.len())..];
        matches!(rest.first(), Some(b'"' | b'\'' | b'?' | b'*' | b'&' | b'!'))
            || (rest.starts_with(key.as_bytes()) && !rest.starts_with(line_start.as_bytes()))
    });
    if other_key_form {
        return None;
    }
    let value = &text[line + line_start.len()..];
    let value = value.split(['\n', '#']).next().unwrap_or("");
    Some(value.trim().trim_matches(['"', '\'']))
}

/// How many quoted scalars of one document [`lenient`] repairs before giving up.
const MAX_REPAIRS: usize = 64;

fn parse_one_piece(
    source: &SourceFile,
    start: usize,
    end: usize,
    keep_depth: usize,
) -> Vec<ParsedDocument> {
    let original = &source.text[start..end];
    if let Some(error) = goyaml::check_text(original, start) {
        return vec![ParsedDocument {
            document: Document::default(),
            error: Some(error),
            span: Span::new(start, end),
        }];
    }
    // Read as go-yaml reads it: same length, so every offset stays the file's.
    let mut text = goyaml::rewrite(original);
    let mut piece = build::parse_piece_to_depth(&text, start, None, keep_depth);
    let mut rewrites = 0;
    while let Some(error) = &piece.error {
        let Some(fixed) = goyaml::repair(&text, error.offset - start, &error.message)
            .filter(|_| rewrites < MAX_REPAIRS)
        else {
            break;
        };
        rewrites += 1;
        text = std::borrow::Cow::Owned(fixed);
        piece = build::parse_piece_to_depth(&text, start, None, keep_depth);
    }
    let text = &*text;
    // Continuation lines go-yaml accepts at any indentation: of quoted scalars, and of flow
    // collections. Each repair pads more lines of a copy; positions map back.
    let mut repaired: Vec<usize> = Vec::new();
    let mut flow_pads: Vec<(usize, usize)> = Vec::new();
    while let Some(error) = &piece.error {
        let at = error.offset - start;
        if repaired.len() + flow_pads.len() >= MAX_REPAIRS {
            break;
        }
        if error.message == lenient::QUOTED_SCALAR_INDENTATION && !repaired.contains(&at) {
            repaired.push(at);
        } else if error.message == goyaml::INVALID_INDENTATION
            && let Some(pads) = goyaml::flow_continuation(text, at)
                .filter(|pads| pads.iter().any(|p| !flow_pads.contains(p)))
        {
            flow_pads.extend(pads);
        } else {
            break;
        }
        let Some(padded) = lenient::pad(text, &repaired, &flow_pads) else {
            break;
        };
        piece = build::parse_piece_to_depth(&padded.text, start, Some(&padded), keep_depth);
    }
    if piece.error.is_none() && goyaml::may_have_tab_after_indicator(text) {
        // Scalars, and the nulls standing in for subtrees too deep to keep: text, not syntax.
        let scalars: Vec<(usize, usize)> = piece
            .documents
            .iter()
            .flat_map(|d| &d.nodes)
            .filter(|n| matches!(n.kind, tree::NodeKind::Scalar { .. }))
            .map(|n| (n.span.start, n.span.end))
            .collect();
        piece.error = goyaml::check_tabs_after_indicators(text, start, &scalars);
    }
    let mut out: Vec<ParsedDocument> = piece
        .documents
        .into_iter()
        .map(|document| ParsedDocument {
            document,
            error: None,
            span: Span::new(start, end),
        })
        .collect();
    if let Some(mut error) = piece.error {
        // A document cut short ("did not find expected '}'") fails at its very end, which is the
        // next document's `---`: point at its last character instead.
        let content_end = start + text.trim_end().len();
        if error.offset >= content_end && content_end > start {
            let last = source.text[..content_end]
                .chars()
                .next_back()
                .map_or(1, char::len_utf8);
            error.offset = content_end - last;
        }
        match out.last_mut() {
            Some(last) => last.error = Some(error),
            None => out.push(ParsedDocument {
                document: Document::default(),
                error: Some(error),
                span: Span::new(start, end),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests;

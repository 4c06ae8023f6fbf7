//! YAML with source positions: a stream is cut into documents ([`split`]), each parsed on its own
//! into an arena tree ([`tree`]) by an iterative builder over saphyr-parser's events ([`build`]).

pub mod build;
pub mod lenient;
pub mod split;
pub mod tree;

pub use build::SyntaxError;
pub use tree::{Document, NodeId, NodeKind, ScalarStyle};

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
    split::document_ranges(&source.text, source.content_start())
        .into_iter()
        .flat_map(|(start, end)| parse_one_piece(source, start, end))
        .collect()
}

/// How many quoted scalars of one document [`lenient`] repairs before giving up.
const MAX_REPAIRS: usize = 64;

fn parse_one_piece(source: &SourceFile, start: usize, end: usize) -> Vec<ParsedDocument> {
    let text = &source.text[start..end];
    let mut piece = build::parse_piece(text, start, None);
    let mut repaired: Vec<usize> = Vec::new();
    while let Some(error) = &piece.error {
        let quote = error.offset - start;
        if error.message != lenient::QUOTED_SCALAR_INDENTATION
            || repaired.contains(&quote)
            || repaired.len() >= MAX_REPAIRS
        {
            break;
        }
        repaired.push(quote);
        let Some(padded) = lenient::pad_quoted_scalars(text, &repaired) else {
            break;
        };
        piece = build::parse_piece(&padded.text, start, Some(&padded));
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

//! The text of one input, with a line index so that byte offsets turn into the line and column an
//! editor shows, in O(log lines).

use std::path::PathBuf;

/// A byte range into a [`SourceFile`]'s text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

const BOM: &str = "\u{feff}";

/// One input: a file on disk or standard input.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in output: the path as the user gave or as the walk found it, or the stdin name.
    pub name: String,
    /// Where it was read from; `None` for standard input.
    pub path: Option<PathBuf>,
    pub text: String,
    /// Byte offset at which each line starts. A line ends at `\n`, so CRLF files count the same
    /// lines an editor does.
    line_starts: LineStarts,
    /// `(document start, template)` for each document that `helm template` marked with a
    /// `# Source: chart/templates/x.yaml` comment, in order.
    pub helm_sources: Vec<(usize, String)>,
    /// `(byte offset, characters since its line's start)` every [`COLUMN_CHECKPOINT`] bytes of
    /// long lines, so that a column on a 40 MB one-line JSON document costs a few KiB of
    /// counting, not the line. Built on first use, after redaction (masking changes counts).
    column_checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// How far apart column checkpoints are on a long line.
const COLUMN_CHECKPOINT: usize = 4096;

impl SourceFile {
    /// The Helm template the document holding `offset` was rendered from, if known.
    pub fn helm_source(&self, offset: usize) -> Option<&str> {
        let after = self
            .helm_sources
            .partition_point(|(start, _)| *start <= offset);
        after
            .checked_sub(1)
            .map(|i| self.helm_sources[i].1.as_str())
    }

    pub fn new(name: String, path: Option<PathBuf>, text: String) -> Self {
        let line_starts = LineStarts::of(text.as_bytes());
        SourceFile {
            name,
            path,
            text,
            line_starts,
            helm_sources: Vec::new(),
            column_checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// Byte offset where YAML content starts: after a UTF-8 byte-order mark, if any.
    pub fn content_start(&self) -> usize {
        if self.text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts.line_of(offset)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn line_start(&self, line_index: usize) -> usize {
        self.line_starts.at(line_index)
    }

    /// Byte offset just past the end of a line, its line break included.
    pub fn line_end_with_break(&self, line_index: usize) -> usize {
        self.line_starts
            .get(line_index + 1)
            .unwrap_or(self.text.len())
    }

    /// Byte offset of the end of a line's text, before `\r\n` or `\n`.
    pub fn line_end(&self, line_index: usize) -> usize {
        let text = &self.text[self.line_start(line_index)..self.line_end_with_break(line_index)];
        let trimmed = text
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(text);
        self.line_start(line_index) + trimmed.len()
    }

    /// The line and column an editor shows for a byte offset (a BOM takes no column).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_index(offset);
        let line_start = self.line_starts.at(line);
        let mut start = line_start;
        if line == 0 {
            start = start.max(self.content_start()).min(offset);
        }
        let mut column = 0;
        if offset - start > COLUMN_CHECKPOINT {
            let checkpoints = self.column_checkpoints();
            let after = checkpoints.partition_point(|(o, _)| *o <= offset);
            if let Some(&(at, chars)) = after.checked_sub(1).map(|i| &checkpoints[i])
                && at > start
            {
                // Checkpoints count from the line's start, a byte-order mark included.
                column = chars - self.text[line_start..start].chars().count();
                start = at;
            }
        }
        column += self.text[start..offset].chars().count();
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    fn column_checkpoints(&self) -> &[(usize, usize)] {
        self.column_checkpoints.get_or_init(|| {
            let mut checkpoints = Vec::new();
            for line in 0..self.line_count() {
                let (start, end) = (self.line_start(line), self.line_end_with_break(line));
                if end - start <= COLUMN_CHECKPOINT {
                    continue;
                }
                let (mut at, mut chars) = (start, 0);
                loop {
                    let next = self.floor_char_boundary((at + COLUMN_CHECKPOINT).min(end));
                    if next >= end || next <= at {
                        break;
                    }
                    chars += self.text[at..next].chars().count();
                    checkpoints.push((next, chars));
                    at = next;
                }
            }
            checkpoints
        })
    }

    /// The position just past the last character of a span (still on the span's last line).
    pub fn end_position(&self, span: Span) -> Position {
        self.position(span.end.max(span.start))
    }

    /// The text of a line, without its line break.
    pub fn line_text(&self, line_index: usize) -> &str {
        &self.text[self.line_start(line_index)..self.line_end(line_index)]
    }

    /// Masks the bytes of `spans` with `*`, line breaks kept, so that no output can show them.
    /// Byte offsets, and so every position, stay valid: a character the span cuts is masked
    /// whole, one `*` per byte. Costs the spans' length, not the file's.
    pub fn redact(&mut self, spans: &[Span]) {
        if !spans.is_empty() {
            self.column_checkpoints = std::sync::OnceLock::new();
        }
        for span in spans {
            let end = self.ceil_char_boundary(span.end.min(self.text.len()));
            let start = self.floor_char_boundary(span.start.min(end));
            let mask: String = self.text.as_bytes()[start..end]
                .iter()
                .map(|&b| match b {
                    b'\n' | b'\r' => char::from(b),
                    _ => '*',
                })
                .collect();
            // Same length: the bytes are overwritten in place.
            self.text.replace_range(start..end, &mask);
        }
    }

    /// Masks every value in the lines of `span`, keeping indentation, `- ` and `key:` prefixes:
    /// for documents that may hold secrets but could not be parsed to find them exactly.
    pub fn redact_values(&mut self, span: Span) {
        let mut masks = Vec::new();
        let first = self.line_index(span.start);
        let last = self.line_index(span.end.saturating_sub(1).max(span.start));
        for line in first..=last {
            let start = self.line_start(line);
            let text = self.line_text(line);
            let keep = text.len() - text.trim_start_matches([' ', '\t', '-']).len();
            let rest = &text[keep..];
            // Keep `key: ` (the mask starts after the space) or a bare `key:`, when the key is a
            // plain word: anything else (`{"a":"x", "b": 1}`) may hold values before the colon.
            let key = match rest.find(": ") {
                Some(colon) if is_plain_key(&rest[..colon]) => colon + 2,
                _ if rest.ends_with(':') && is_plain_key(&rest[..rest.len() - 1]) => rest.len(),
                _ => 0,
            };
            masks.push(Span::new(start + keep + key, start + text.len()));
        }
        self.redact(&masks);
    }

    fn ceil_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset += 1;
        }
        offset
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// A key that holds no value: letters, digits and `-_./`, optionally in quotes.
fn is_plain_key(key: &str) -> bool {
    let bare = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    !bare.is_empty()
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

mod lines;
#[cfg(test)]
use lines::INDEX_PIECE;
use lines::LineStarts;
#[cfg(test)]
use lines::line_starts;

#[cfg(test)]
mod tests;

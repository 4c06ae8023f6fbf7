//! The code a report shows: the lines around its spans, windowed when a line is long, with
//! control characters escaped.

use super::*;

/// Lines longer than this many bytes are shown as a window around what is flagged.
pub(super) const MAX_LINE_BYTES: usize = 200;

/// How much of a line a window shows on each side of what is flagged.
pub(super) const WINDOW_MARGIN: usize = 60;

/// How much of one flagged value a window shows.
pub(super) const MAX_LABEL_BYTES: usize = 80;

/// How many lines of one flagged value are shown.
pub(super) const MAX_LABEL_LINES: usize = 6;

/// The lines a report shows: copied out of the file with their real line numbers, long lines
/// cut to a window around the flagged columns, control characters escaped, and the labels
/// moved into the copy. The output stays bounded whatever the input's line lengths (miette
/// cannot render a column past 65,535), and no terminal control sequence of the input reaches
/// the terminal.
pub(super) struct Snippet {
    pub(super) name: String,
    /// The shown lines, joined by `\n`; a line that is not shown is empty.
    pub(super) text: String,
    /// Where each line of `text` starts.
    pub(super) line_starts: Vec<usize>,
    /// The file's 0-based line number of the first line of `text`.
    pub(super) first_line: usize,
    pub(super) labels: Vec<SnippetLabel>,
}

pub(super) struct SnippetLabel {
    /// Byte range in the snippet's text.
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: Option<String>,
    pub(super) primary: bool,
    /// Where the label starts in the file (0-based line and character column).
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Snippet {
    pub(super) fn new(file: &SourceFile, d: &Diagnostic, context: usize) -> Snippet {
        let clamp = |span: Span| {
            let end = span.end.min(file.text.len());
            Span::new(span.start.min(end), end)
        };
        let wanted: Vec<(Span, Option<String>, bool)> =
            std::iter::once((clamp(d.span), d.label.clone(), true))
                .chain(
                    d.related
                        .iter()
                        .filter(|r| r.file == d.file)
                        .map(|r| (clamp(r.span), Some(r.label.clone()), false)),
                )
                .map(|(span, text, primary)| {
                    // A value over many lines is shown by its first few; without context, by
                    // its first line only.
                    let most = if context == 0 { 1 } else { MAX_LABEL_LINES };
                    let first = file.line_index(span.start);
                    let last = file.line_index(span.end.saturating_sub(1).max(span.start));
                    let end = if last - first >= most {
                        file.line_end(first + most - 1)
                    } else {
                        span.end
                    };
                    (Span::new(span.start, end.max(span.start)), text, primary)
                })
                .collect();
        let shown = |line: usize| {
            wanted.iter().any(|(span, _, _)| {
                let first = file.line_index(span.start);
                let last = file.line_index(span.end.saturating_sub(1).max(span.start));
                line + context >= first && line <= last + context
            })
        };
        let first_line = wanted
            .iter()
            .map(|(s, _, _)| file.line_index(s.start))
            .min()
            .unwrap_or(0)
            .saturating_sub(context);
        let last_line = wanted
            .iter()
            .map(|(s, _, _)| file.line_index(s.end.saturating_sub(1).max(s.start)))
            .max()
            .unwrap_or(0)
            .saturating_add(context)
            .min(file.line_count().saturating_sub(1));
        let mut text = String::new();
        let mut line_starts = Vec::new();
        // For each shown line: its number, and (offset in the file, offset in `text`) at every
        // character boundary of its window, the window's end included.
        let mut maps: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
        for line in first_line..=last_line.max(first_line) {
            if line > first_line {
                text.push('\n');
            }
            line_starts.push(text.len());
            if !shown(line) || line >= file.line_count() {
                continue;
            }
            let (start, end) = (file.line_start(line), file.line_end(line));
            let (from, to) = window(file, start, end, &wanted);
            if from > start {
                text.push('…');
            }
            let mut map = Vec::with_capacity(to - from + 1);
            let mut offset = from;
            for c in file.text[from..to].chars() {
                map.push((offset, text.len()));
                if escape::is_control(c) {
                    text.push_str(&escape::controls(c.encode_utf8(&mut [0; 4])));
                } else {
                    text.push(c);
                }
                offset += c.len_utf8();
            }
            map.push((to, text.len()));
            if to < end {
                text.push('…');
            }
            maps.push((line, map));
        }
        // An offset of the file in `text`: clamped to the window of its line.
        let place = |offset: usize| -> Option<usize> {
            let line = file.line_index(offset);
            let (_, map) = maps.iter().find(|(l, _)| *l == line)?;
            let i = map.partition_point(|(o, _)| *o <= offset).saturating_sub(1);
            Some(map[i].1)
        };
        let labels = wanted
            .into_iter()
            .map(|(span, label, primary)| {
                let start = place(span.start).unwrap_or(0);
                let end = place(span.end).unwrap_or(start).max(start);
                let position = file.position(span.start);
                SnippetLabel {
                    start,
                    end,
                    text: label,
                    primary,
                    line: position.line - 1,
                    column: position.column - 1,
                }
            })
            .collect();
        Snippet {
            name: escape::controls(&file.name).into_owned(),
            text,
            line_starts,
            first_line,
            labels,
        }
    }

    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    pub(super) fn line_end(&self, line: usize) -> usize {
        self.line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1)
    }
}

/// The byte range of a line to show: all of it when it is short, else a window around the
/// labels on it (or its start, for a line that only gives context).
pub(super) fn window(
    file: &SourceFile,
    start: usize,
    end: usize,
    labels: &[(Span, Option<String>, bool)],
) -> (usize, usize) {
    if end - start <= MAX_LINE_BYTES {
        return (start, end);
    }
    let on_line: Vec<Span> = labels
        .iter()
        .map(|(s, _, _)| *s)
        .filter(|s| s.start <= end && s.end >= start)
        .collect();
    let floor = |mut o: usize| {
        while !file.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let Some(low) = on_line.iter().map(|s| s.start.max(start)).min() else {
        return (start, floor(start + MAX_LINE_BYTES));
    };
    let high = on_line
        .iter()
        .map(|s| s.end.min(end))
        .max()
        .unwrap_or(low)
        .min(low + MAX_LABEL_BYTES);
    let from = floor(low.saturating_sub(WINDOW_MARGIN).max(start));
    let to = floor((high + WINDOW_MARGIN).min(end));
    (from, to.max(from))
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start));
        let context_first = first.saturating_sub(context_lines_before);
        let context_last = (last + context_lines_after).min(self.line_starts.len() - 1);
        // Without context miette wants the span's own position: that is the header's
        // `file:line:column`, so it is the label's place in the file, not in the window.
        let (data_start, line, column) = if context_lines_before == 0 {
            let label = self.labels.iter().find(|l| l.start == start);
            match label {
                Some(l) => (start, l.line, l.column),
                None => (
                    start,
                    self.first_line + first,
                    start - self.line_starts[first],
                ),
            }
        } else {
            (
                self.line_starts[context_first],
                self.first_line + context_first,
                0,
            )
        };
        let data_end = (self.line_end(context_last) + 1)
            .min(self.text.len())
            .max(end);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            line,
            column,
            context_last - context_first + 1,
        )))
    }
}

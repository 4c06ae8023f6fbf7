//! Human output: miette's graphical reports over a line-indexed source, then a summary line.
//!
//! Each report gets its own [`Snippet`]: the few lines it shows, copied out of the file. miette's
//! `SourceCode` for strings would rescan the text from the start for every span (quadratic over
//! a large stream), show whole lines however long, and pass control characters through.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Style, escape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::run::{Run, Summary};
use crate::source::{SourceFile, Span};

pub fn write(run: &Run, style: Style, out: &mut dyn Write) -> io::Result<()> {
    write_diagnostics(&run.files, &run.diagnostics, style, 1, out)?;
    writeln!(out, "{}", summary_line(&run.summary))
}

/// Renders diagnostics as miette reports, each followed by a blank line, with `context` lines
/// around each flagged line (none for a configuration file, which may not be YAML at all:
/// `--config ~/.ssh/id_rsa` shows nothing but the line that failed).
pub fn write_diagnostics(
    files: &[SourceFile],
    diagnostics: &[Diagnostic],
    style: Style,
    context: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_context_lines(context)
        .with_links(false);
    let mut text = String::new();
    for d in diagnostics {
        text.clear();
        let report = Report {
            diagnostic: d,
            snippet: Snippet::new(&files[d.file], d, context),
        };
        // Rendering into a String cannot fail but for a broken Display impl.
        handler
            .render_report(&mut text, &report)
            .map_err(|_| io::Error::other("could not render a diagnostic"))?;
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}

/// `3 files, 5 objects, 7 containers: 1 error, 2 warnings`.
pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = format!(
        "{}, {}, {}: {}, {}",
        plural(s.files, "file"),
        plural(s.objects, "object"),
        plural(s.containers, "container"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
    );
    if s.infos > 0 {
        line.push_str(&format!(", {} info", s.infos));
    }
    if s.suppressed > 0 {
        line.push_str(&format!(" ({} suppressed)", s.suppressed));
    }
    line
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    snippet: Snippet,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        f.write_str(&escape::controls(&d.message))?;
        if let Some(object) = &d.object {
            write!(f, "\n  in {}", escape::controls(&object.kind))?;
            if let Some(name) = &object.name {
                write!(
                    f,
                    " {}/{}",
                    escape::controls(&object.namespace),
                    escape::controls(name)
                )?;
            }
            if let Some(container) = &d.container {
                write!(f, ", container `{}`", escape::controls(container))?;
            }
            if let Some(volume) = &d.volume {
                write!(f, ", image volume `{}`", escape::controls(volume))?;
            }
        }
        if let Some(template) = &d.helm_source {
            write!(f, "\n  rendered from {}", escape::controls(template))?;
        }
        if let Some(suppression) = &d.suppression {
            write!(f, "\n  suppressed by {}", suppression.kind.as_str())?;
            if let Some(reason) = &suppression.justification {
                write!(f, ": {}", escape::controls(reason))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.rule.name))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(escape::controls_but_newlines(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.snippet)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.snippet.labels.iter().map(|label| {
            let span = SourceSpan::new(label.start.into(), label.end - label.start);
            let text = label
                .text
                .as_ref()
                .map(|t| escape::controls(t).into_owned());
            if label.primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })))
    }
}

/// Lines longer than this many bytes are shown as a window around what is flagged.
const MAX_LINE_BYTES: usize = 200;
/// How much of a line a window shows on each side of what is flagged.
const WINDOW_MARGIN: usize = 60;
/// How much of one flagged value a window shows.
const MAX_LABEL_BYTES: usize = 80;
/// How many lines of one flagged value are shown.
const MAX_LABEL_LINES: usize = 6;

/// The lines a report shows: copied out of the file with their real line numbers, long lines
/// cut to a window around the flagged columns, control characters escaped, and the labels
/// moved into the copy. The output stays bounded whatever the input's line lengths (miette
/// cannot render a column past 65,535), and no terminal control sequence of the input reaches
/// the terminal.
struct Snippet {
    name: String,
    /// The shown lines, joined by `\n`; a line that is not shown is empty.
    text: String,
    /// Where each line of `text` starts.
    line_starts: Vec<usize>,
    /// The file's 0-based line number of the first line of `text`.
    first_line: usize,
    labels: Vec<SnippetLabel>,
}

struct SnippetLabel {
    /// Byte range in the snippet's text.
    start: usize,
    end: usize,
    text: Option<String>,
    primary: bool,
    /// Where the label starts in the file (0-based line and character column).
    line: usize,
    column: usize,
}

impl Snippet {
    fn new(file: &SourceFile, d: &Diagnostic, context: usize) -> Snippet {
        let clamp = |span: Span| {
            let end = span.end.min(file.text.len());
            Span::new(span.start.min(end), end)
        };
        let wanted: Vec<(Span, Option<String>, bool)> =
            std::iter::once((clamp(d.span), d.label.clone(), true))
                .chain(
                    d.related
                        .iter()
                        .map(|(span, text)| (clamp(*span), Some(text.clone()), false)),
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

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    fn line_end(&self, line: usize) -> usize {
        self.line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1)
    }
}

/// The byte range of a line to show: all of it when it is short, else a window around the
/// labels on it (or its start, for a line that only gives context).
fn window(
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

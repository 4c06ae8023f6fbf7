//! Human output: miette's graphical reports over a line-indexed source, then a summary line.
//!
//! miette's own `SourceCode` for strings rescans the text from the start for every span, which
//! is quadratic over a large stream; [`IndexedSource`] answers from the line index instead.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::Style;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Run, Summary};
use crate::source::SourceFile;

pub fn write(run: &Run, style: Style, out: &mut dyn Write) -> io::Result<()> {
    write_diagnostics(&run.files, &run.diagnostics, style, out)?;
    writeln!(out, "{}", summary_line(&run.summary))
}

/// Renders diagnostics as miette reports, each followed by a blank line.
pub fn write_diagnostics(
    files: &[SourceFile],
    diagnostics: &[Diagnostic],
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut text = String::new();
    for d in diagnostics {
        text.clear();
        let report = Report {
            diagnostic: d,
            source: IndexedSource(&files[d.file]),
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
    source: IndexedSource<'a>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        f.write_str(&d.message)?;
        if let Some(object) = &d.object {
            write!(f, "\n  in {}", object.kind)?;
            if let Some(name) = &object.name {
                write!(f, " {}/{name}", object.namespace)?;
            }
            if let Some(container) = &d.container {
                write!(f, ", container `{container}`")?;
            }
            if let Some(volume) = &d.volume {
                write!(f, ", image volume `{volume}`")?;
            }
        }
        if let Some(template) = &d.helm_source {
            write!(f, "\n  rendered from {template}")?;
        }
        if let Some(suppression) = &d.suppression {
            write!(f, "\n  suppressed by {}", suppression.kind.as_str())?;
            if let Some(reason) = &suppression.justification {
                write!(f, ": {reason}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.rule))
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
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diagnostic.span;
        let label = LabeledSpan::new_primary_with_span(
            self.diagnostic.label.clone(),
            SourceSpan::new(span.start.into(), span.len()),
        );
        let related = self.diagnostic.related.iter().map(|(span, text)| {
            LabeledSpan::new_with_span(
                Some(text.clone()),
                SourceSpan::new(span.start.into(), span.len()),
            )
        });
        Some(Box::new(std::iter::once(label).chain(related)))
    }
}

/// A [`SourceCode`] that finds lines by binary search in the file's line index.
pub struct IndexedSource<'a>(pub &'a SourceFile);

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.0;
        let start = span.offset();
        let end = start + span.len();
        if end > file.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = file.line_index(start);
        let last_span_line = file.line_index(end.saturating_sub(1).max(start));
        let context_first = first_line.saturating_sub(context_lines_before);
        let context_last = (last_span_line + context_lines_after).min(file.line_count() - 1);
        // Like miette's own implementation: without leading context, the data starts at the span.
        let (data_start, column) = if context_lines_before == 0 {
            (start, file.position(start).column - 1)
        } else {
            (file.line_start(context_first), 0)
        };
        let data_end = file.line_end_with_break(context_last).max(end);
        let data = &file.text.as_bytes()[data_start..data_end];
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            data,
            SourceSpan::new(data_start.into(), data_end - data_start),
            if context_lines_before == 0 {
                first_line
            } else {
                context_first
            },
            column,
            context_last - context_first + 1,
        )))
    }
}

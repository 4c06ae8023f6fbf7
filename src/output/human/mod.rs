//! Human output: miette's graphical reports over a line-indexed source, then a summary line.
//!
//! Each report gets its own [`Snippet`]: the few lines it shows, copied out of the file. miette's
//! `SourceCode` for strings would rescan the text from the start for every span (quadratic over
//! a large stream), show whole lines however long, and pass control characters through.

mod snippet;

use snippet::*;

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

/// The reports, then (for two findings or more) the findings per rule, then the summary line.
pub fn write(run: &Run, style: Style, out: &mut dyn Write) -> io::Result<()> {
    write_diagnostics(&run.files, &run.diagnostics, style, 1, out)?;
    if run.diagnostics.len() >= 2 {
        let counts = super::statistics::per_rule(&run.diagnostics);
        super::statistics::write_table(&counts, 2, Some(style.width), out)?;
        writeln!(out)?;
    }
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
    super::write_each(diagnostics, out, |d| {
        let elsewhere = d
            .related
            .iter()
            .filter(|r| r.file != d.file)
            .map(|r| {
                let file = &files[r.file];
                let at = file.position(r.span.start);
                format!("{}: {}:{}:{}", r.label, file.name, at.line, at.column)
            })
            .collect();
        let report = Report {
            diagnostic: d,
            snippet: Snippet::new(&files[d.file], d, context),
            elsewhere,
        };
        let mut text = String::new();
        // Rendering into a String cannot fail but for a broken Display impl.
        handler
            .render_report(&mut text, &report)
            .map_err(|_| io::Error::other("could not render a diagnostic"))?;
        text.push('\n');
        Ok(text.into_bytes())
    })
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
    let builds = match s.kustomize_builds {
        0 => String::new(),
        n => format!(" in {}", plural(n, "kustomize build")),
    };
    let mut line = format!(
        "{}, {}, {}{builds}: {}, {}",
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
    if s.not_shown > 0 {
        line.push_str(&format!(
            " ({} below --min-severity not shown)",
            s.not_shown
        ));
    }
    line
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    snippet: Snippet,
    /// The related places in other files, as `label: file:line:column`.
    elsewhere: Vec<String>,
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
        if !d.roots.is_empty() {
            let roots: Vec<_> = d.roots.iter().map(|r| escape::controls(r)).collect();
            write!(f, "\n  in the kustomize build of {}", roots.join(", "))?;
        }
        for place in &self.elsewhere {
            write!(f, "\n  {}", escape::controls(place))?;
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

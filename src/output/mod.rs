//! Output formats. Every format lists every diagnostic; `--fail-on` only decides the exit code.

pub mod checkstyle;
pub mod compact;
pub mod escape;
pub mod github;
pub mod human;
pub mod images;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod rules;
pub mod sarif;
pub mod statistics;
mod table;
mod summary;
mod xml;

use std::io::{self, Write};

use crate::run::Run;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Reports with the code snippet, a label under the value and a help line.
    Human,
    /// One JSON object: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
    Json,
    /// `file:line:col: severity[rule] message`, one line each, for editors and grep.
    Compact,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// Checkstyle XML, for Jenkins and reviewdog.
    Checkstyle,
    /// JUnit XML, one test case per object, for GitLab and other CI test reports.
    Junit,
    /// A Markdown report (totals, findings per rule, the first findings), for a CI job summary
    /// or a pull-request comment.
    Markdown,
}

/// Options that change how human output looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn write(run: &Run, format: Format, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(run, style, out),
        Format::Json => json::write(run, out),
        Format::Compact => compact::write(run, out),
        Format::Github => github::write(run, out),
        Format::Sarif => sarif::write(run, out),
        Format::Checkstyle => checkstyle::write(run, out),
        Format::Junit => junit::write(run, out),
        Format::Markdown => summary::write(run, out),
    }
}

/// Writes each item's text, in order. The texts are made on every thread of the pool the caller
/// runs on (see [`crate::parallel`]), a batch at a time, so that only a batch's text is held:
/// reports are independent, and rendering them was the one stage of a run left on one thread.
pub(crate) fn write_each<T: Sync>(
    items: &[T],
    out: &mut dyn Write,
    render: impl Fn(&T) -> io::Result<Vec<u8>> + Sync + Send,
) -> io::Result<()> {
    const BATCH: usize = 2048;
    for batch in items.chunks(BATCH) {
        for text in crate::parallel::map_each(batch, &render) {
            out.write_all(&text?)?;
        }
    }
    Ok(())
}

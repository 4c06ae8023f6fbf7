//! Output formats. Every format lists every diagnostic; `--fail-on` only decides the exit code.

pub mod human;
pub mod images;
pub mod json;

use std::io::{self, Write};

use crate::lint::Run;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Reports with the code snippet, a label under the value and a help line.
    Human,
    /// One JSON object: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
    Json,
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
    }
}

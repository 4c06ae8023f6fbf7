//! A lint run over some of the workspace's texts, and its findings as LSP diagnostics.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use super::position::{Encoding, Lines};
use super::uri;
use super::workspace::is_template;
use crate::diagnostic::{Diagnostic, Severity};
use crate::settings::Settings;

/// A finding, as the editor is shown it and as the fix engine knows it.
pub struct Finding {
    pub shown: lsp_types::Diagnostic,
    pub found: Diagnostic,
}

/// A file's findings and the text they were found in.
pub struct Linted {
    pub text: Arc<str>,
    pub findings: Vec<Finding>,
}

/// A text to lint: reported on, or read for what it defines only.
pub struct Input {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub reported: bool,
}

/// Lints the inputs as one run (as `pullcheck` does the files of a folder) and gives every
/// reported input its findings, an empty list included. Template text is not linted.
pub fn lint(
    inputs: &[Input],
    settings: &Settings,
    root: Option<&Path>,
    encoding: Encoding,
) -> BTreeMap<PathBuf, Linted> {
    let mut results: BTreeMap<PathBuf, Linted> = inputs
        .iter()
        .filter(|i| i.reported)
        .map(|i| {
            let linted = Linted {
                text: i.text.clone(),
                findings: Vec::new(),
            };
            (i.path.clone(), linted)
        })
        .collect();
    let loaded = load(inputs, root);
    if loaded.is_empty() {
        return results;
    }
    let run = crate::lint::lint(loaded, settings);
    let texts: HashMap<&Path, &str> = inputs
        .iter()
        .map(|i| (i.path.as_path(), &*i.text))
        .collect();
    // Positions are counted in the editor's text, not the masked one (a masked Secret value
    // keeps its length in bytes, not in UTF-16 units).
    let lines: Vec<Option<(Uri, Lines)>> = run
        .files
        .iter()
        .map(|file| {
            let path = file.path.as_deref()?;
            let text = texts.get(path).copied().unwrap_or(file.text.as_str());
            Some((uri::from_path(path)?, Lines::new(text, encoding)))
        })
        .collect();
    for d in run.diagnostics {
        let Some(path) = run.files[d.file].path.as_deref() else {
            continue;
        };
        let (Some(linted), Some((_, here))) = (results.get_mut(path), &lines[d.file]) else {
            continue;
        };
        let shown = to_lsp(&d, here, |file, span| {
            let (uri, lines) = lines.get(file)?.as_ref()?;
            Some(Location::new(
                uri.clone(),
                lines.range(span.start, span.end),
            ))
        });
        linted.findings.push(Finding { shown, found: d });
    }
    results
}

/// The inputs as the pipeline takes them, named relative to the workspace; template text is
/// left out.
pub fn load(inputs: &[Input], root: Option<&Path>) -> Vec<crate::input::LoadedInput> {
    let mut loaded = Vec::with_capacity(inputs.len());
    for input in inputs {
        if is_template(&input.path, &input.text) {
            continue;
        }
        let name = root
            .and_then(|root| input.path.strip_prefix(root).ok())
            .unwrap_or(&input.path)
            .display()
            .to_string();
        let mut decoded = crate::input::decode(
            name,
            Some(input.path.clone()),
            input.text.as_bytes().to_vec(),
        );
        decoded.context = !input.reported;
        loaded.push(decoded);
    }
    loaded
}

/// A finding as an LSP diagnostic: the rule's name as its code, linked to its documentation.
pub fn to_lsp(
    d: &Diagnostic,
    lines: &Lines,
    locate: impl Fn(usize, crate::source::Span) -> Option<Location>,
) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if !d.roots.is_empty() {
        message.push_str(&format!(" (in the build of {})", d.roots.join(", ")));
    }
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(DiagnosticRelatedInformation {
                location: locate(r.file, r.span)?,
                message: r.label.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: lines.range(d.span.start, d.span.end),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.name.to_string())),
        code_description: Uri::from_str(&d.rule.url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("pullcheck".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

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
use crate::definitions::Definitions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::run::{Collected, Run};
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

/// What the other files of the workspace hold, for positions in them (related places).
pub type Texts<'a> = &'a dyn Fn(&Path) -> Option<Arc<str>>;

/// Lints the inputs as one run (as `pullcheck` does the files of a folder), with the
/// definitions of other files when given, and gives every reported input its findings, an
/// empty list included. Template text is not linted.
pub fn lint(
    inputs: &[Input],
    definitions: Option<&Definitions>,
    settings: &Settings,
    root: Option<&Path>,
    encoding: Encoding,
    texts: Texts<'_>,
) -> BTreeMap<PathBuf, Linted> {
    let collected = collect(inputs, definitions, settings, root);
    let run = crate::lint::lint_collected(collected, settings);
    findings(inputs, &run, encoding, texts)
}

/// The parse stage over the inputs, with the definitions of other files added.
pub fn collect(
    inputs: &[Input],
    definitions: Option<&Definitions>,
    settings: &Settings,
    root: Option<&Path>,
) -> Collected {
    let mut collected = crate::lint::collect(load(inputs, root), settings);
    if let Some(definitions) = definitions {
        let own: Vec<&Path> = inputs.iter().map(|i| i.path.as_path()).collect();
        definitions.add_to(&mut collected, &own);
    }
    collected
}

/// The findings of a run per reported input, as the editor is shown them.
pub fn findings(
    inputs: &[Input],
    run: &Run,
    encoding: Encoding,
    texts: Texts<'_>,
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
    let own: HashMap<&Path, &Arc<str>> =
        inputs.iter().map(|i| (i.path.as_path(), &i.text)).collect();
    // Positions are counted in the editor's text, not the masked one (a masked Secret value
    // keeps its length in bytes, not in UTF-16 units), nor the empty text of a file known by
    // its definitions only. Lines of other files are counted when a finding points there.
    let text_of = |file: usize| -> Option<(Uri, Arc<str>)> {
        let path = run.files[file].path.as_deref()?;
        let text = match own.get(path) {
            Some(text) => Arc::clone(text),
            None => texts(path)?,
        };
        Some((uri::from_path(path)?, text))
    };
    let mut counted: HashMap<usize, Option<(Uri, Arc<str>)>> = HashMap::new();
    // Diagnostics come sorted by file: each file's lines are counted once.
    for found in run.diagnostics.chunk_by(|a, b| a.file == b.file) {
        let Some(path) = run.files[found[0].file].path.as_deref() else {
            continue;
        };
        let Some(linted) = results.get_mut(path) else {
            continue;
        };
        let text = linted.text.clone();
        let here = Lines::new(&text, encoding);
        for d in found {
            for r in &d.related {
                counted.entry(r.file).or_insert_with(|| text_of(r.file));
            }
            let shown = to_lsp(d, &here, |file, span| {
                let (uri, text) = counted.get(&file)?.as_ref()?;
                let lines = Lines::new(text, encoding);
                Some(Location::new(
                    uri.clone(),
                    lines.range(span.start, span.end),
                ))
            });
            linted.findings.push(Finding {
                shown,
                found: d.clone(),
            });
        }
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

//! `pullcheck fix`: the edits the rules offer, applied as splices of the original bytes — every
//! byte outside an edited value stays as it was (comments, quotes, indentation, key order, CRLF,
//! a BOM) — and kept only when the edited file re-lints without the finding and without any new
//! one. A document is never re-serialised.

use std::path::Path;

use crate::definitions::Definitions;
use crate::diagnostic::{Diagnostic, Fix, FixKind};

mod edit;
use crate::run::Run;
use crate::settings::Settings;
use crate::source::Span;
pub use edit::edit;

/// The fixes of one file.
#[derive(Debug)]
pub struct FileFixes {
    /// Index of the file in the run.
    pub file: usize,
    /// The edits, sorted and apart: span and the text written there.
    pub edits: Vec<(Span, String)>,
    /// The findings the edits remove: rule and message.
    pub fixed: Vec<(&'static str, String)>,
    /// Fixes left out, and why (two in one value, a finding that stays).
    pub skipped: Vec<String>,
}

/// Digests to pin images to (`fix --pins FILE`): lines `IMAGE: DIGEST` or `IMAGE DIGEST`, the
/// image as written or normalised — what `pullcheck images --online --format plain` prints.
#[derive(Debug, Default)]
pub struct Pins(Vec<(String, String)>);

impl Pins {
    /// Reads a pins file's text; a line that is not `IMAGE: sha256:…` is an error naming it.
    pub fn parse(text: &str) -> Result<Pins, String> {
        let mut pins = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some(at) = line.rfind("sha256:") else {
                return Err(format!("line {}: no `sha256:` digest", number + 1));
            };
            let image = line[..at].trim_end().trim_end_matches(':').trim_end();
            let digest = &line[at..];
            let hex = &digest["sha256:".len()..];
            if image.is_empty()
                || hex.len() != 64
                || !hex
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            {
                return Err(format!(
                    "line {}: not `IMAGE: sha256:<64 hex digits>`",
                    number + 1
                ));
            }
            pins.push((image.to_string(), digest.to_string()));
        }
        Ok(Pins(pins))
    }

    /// The digest for an image as written, by the written or the normalised name.
    fn digest_for(&self, written: &str) -> Option<&str> {
        let normalized = crate::image::ImageRef::parse(written).ok()?.normalized();
        self.0
            .iter()
            .find(|(image, _)| image == written || *image == normalized)
            .map(|(_, digest)| digest.as_str())
    }
}

/// The rules a pin fixes: an image that is not pinned.
const PINNED_BY: [&str; 3] = ["missing-tag", "latest-tag", "digest-not-pinned"];

/// Fixes from pins for the findings of `PINNED_BY`: the image written with `@DIGEST` after it.
/// The pins file decides; with `--online`, what the registry resolved pins the rest.
pub fn pin(run: &mut Run, pins: &Pins) {
    let mut pins = Pins(pins.0.clone());
    for (image, digest) in &run.resolved {
        if pins.digest_for(image).is_none() {
            pins.0.push((image.clone(), digest.clone()));
        }
    }
    for d in &mut run.diagnostics {
        // Not in a kustomize build: the value may come from an overlay, which a pin of the
        // base would not change.
        if d.fix.is_some() || !PINNED_BY.contains(&d.rule.name) || !d.roots.is_empty() {
            continue;
        }
        let Some(image) = d.image.clone().filter(|i| !i.contains('@')) else {
            continue;
        };
        if let Some(digest) = pins.digest_for(&image) {
            d.fix = Some(Fix {
                span: d.span,
                value: format!("{image}@{digest}"),
                kind: FixKind::Replace,
                title: format!("pin {image} to {digest}"),
            });
        }
    }
}

/// The fixes a run offers, per file, for the findings of `only` (a rule name) or of all rules.
/// A file that did not parse, and findings about a kustomize build that an overlay set, are
/// not fixed (the rules offer none for them).
pub fn plan(run: &Run, only: Option<&str>) -> Vec<FileFixes> {
    let wanted = |d: &&Diagnostic| only.is_none_or(|rule| d.rule.name == rule) && d.fix.is_some();
    let mut files: Vec<usize> = run
        .diagnostics
        .iter()
        .filter(wanted)
        .map(|d| d.file)
        .collect();
    files.dedup();
    files
        .into_iter()
        .map(|file| {
            let found = run
                .diagnostics
                .iter()
                .filter(|d| d.file == file)
                .filter(wanted);
            plan_file(file, &run.files[file].text, found)
        })
        .filter(|fixes| !fixes.edits.is_empty() || !fixes.skipped.is_empty())
        .collect()
}

/// The fixes of one file's findings (`text` is the file's text): the editor's "fix all".
pub fn plan_file<'a>(
    file: usize,
    text: &str,
    found: impl Iterator<Item = &'a Diagnostic>,
) -> FileFixes {
    let mut fixes = FileFixes {
        file,
        edits: Vec::new(),
        fixed: Vec::new(),
        skipped: Vec::new(),
    };
    for d in found {
        let Some(fix) = &d.fix else {
            continue;
        };
        let Some((span, replacement)) = edit(text, fix) else {
            continue;
        };
        // The same edit offered twice (missing-tag and digest-not-pinned on one image).
        if fixes
            .edits
            .iter()
            .any(|e| *e == (span, replacement.clone()))
        {
            fixes.fixed.push((d.rule.name, d.message.clone()));
            continue;
        }
        let overlaps = fixes.edits.iter().any(|(other, _)| {
            (other.start < span.end && span.start < other.end)
                || (span.start == span.end && other.start == span.start)
        });
        if overlaps {
            fixes.skipped.push(format!(
                "{}: two fixes for one value; applied one ({})",
                d.rule.name, fix.title
            ));
            continue;
        }
        fixes.edits.push((span, replacement));
        fixes.fixed.push((d.rule.name, d.message.clone()));
    }
    fixes.edits.sort_by_key(|(span, _)| span.start);
    fixes
}

/// `text` with the edits spliced in (sorted, apart).
pub fn apply(text: &str, edits: &[(Span, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, replacement) in edits {
        out.push_str(&text[at..span.start]);
        out.push_str(replacement);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Whether the edits keep their promise: the file, linted before and after — alone, or against
/// the definitions of the other files when given (where a pull secret's Secret is) — has none
/// of the `fixed` findings left and no finding it did not have.
pub fn verify(
    file: (&str, Option<&Path>),
    before: &str,
    after: &str,
    fixed: &[(&'static str, String)],
    settings: &Settings,
    definitions: Option<&Definitions>,
) -> bool {
    let (name, path) = file;
    let findings = |text: &str| {
        let input = crate::input::decode(
            name.to_string(),
            path.map(Path::to_path_buf),
            text.as_bytes().to_vec(),
        );
        let mut collected = crate::lint::collect(vec![input], settings);
        if let Some(definitions) = definitions {
            definitions.add_to(&mut collected, &path.into_iter().collect::<Vec<_>>());
        }
        let mut found: Vec<(&'static str, String)> =
            crate::lint::lint_collected(collected, settings)
                .diagnostics
                .into_iter()
                .map(|d| (d.rule.name, d.message))
                .collect();
        found.sort();
        found
    };
    let (old, new) = (findings(before), findings(after));
    let count = |list: &[(&'static str, String)], f: &(&'static str, String)| {
        list.iter().filter(|x| *x == f).count()
    };
    new.iter().all(|f| count(&new, f) <= count(&old, f))
        && fixed
            .iter()
            .all(|f| count(&new, f) + count(fixed, f) <= count(&old, f))
}

/// A unified diff of a file's fix (`--- a/NAME`, `+++ b/NAME`), empty when nothing changes.
pub fn diff(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

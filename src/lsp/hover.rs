//! Hover: on an `image:` value, what Kubernetes makes of it — the normalised reference, the pull
//! policy on creation, the registry class and the Secret that reaches it (by name and `auths`
//! key, never a value); on a finding, its rule's documentation (`pullcheck explain`).

use std::path::Path;

use super::linting::{Input, Linted, collect};
use crate::definitions::Definitions;
use crate::settings::Settings;

/// The hover text at byte `offset` of `path`, in Markdown.
pub fn hover(
    inputs: &[Input],
    definitions: Option<&Definitions>,
    settings: &Settings,
    root: Option<&Path>,
    path: &Path,
    offset: usize,
    linted: Option<&Linted>,
) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(image) = image_at(inputs, definitions, settings, root, path, offset) {
        parts.push(image);
    }
    let mut explained = Vec::new();
    for finding in linted.iter().flat_map(|l| &l.findings) {
        let span = finding.found.span;
        let rule = finding.found.rule;
        if span.start <= offset && offset <= span.end && !explained.contains(&rule.name) {
            explained.push(rule.name);
            parts.push(rule.markdown());
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n---\n\n"))
}

fn image_at(
    inputs: &[Input],
    definitions: Option<&Definitions>,
    settings: &Settings,
    root: Option<&Path>,
    path: &Path,
    offset: usize,
) -> Option<String> {
    let collected = collect(inputs, definitions, settings, root);
    let file = collected
        .files
        .iter()
        .position(|f| f.path.as_deref() == Some(path))?;
    let planned = crate::plan::plan_with(&collected, settings, false);
    planned.iter().find_map(|image| {
        let used = image
            .used_by
            .iter()
            .find(|u| u.file == file && u.span.start <= offset && offset <= u.span.end)?;
        let mut text = format!(
            "**{}**\n\n- registry: `{}` ({})\n- pull policy on creation: `{}`\n- credentials: {}\n",
            image.reference,
            image.registry,
            image.class.as_str(),
            used.policy.as_str(),
            used.credentials
        );
        if image.used_by.len() > 1 {
            text.push_str(&format!(
                "- used by {} containers in the workspace\n",
                image.used_by.len()
            ));
        }
        Some(text)
    })
}

//! Hover: on an `image:` value, what Kubernetes makes of it — the normalised reference, the pull
//! policy on creation, the registry class and the Secret that reaches it (by name and `auths`
//! key, never a value); on a finding, its rule's documentation (`pullcheck explain`).

use std::path::Path;

use super::linting::{Input, Linted, collect};
use crate::definitions::Definitions;
use crate::settings::Settings;

/// Where a hover is asked, and what to lint to answer it.
pub struct Asked<'a> {
    /// The file, and the files a kustomize build of it needs.
    pub inputs: &'a [Input],
    pub definitions: Option<&'a Definitions>,
    pub settings: &'a Settings,
    pub root: Option<&'a Path>,
    pub path: &'a Path,
    /// The byte offset hovered.
    pub offset: usize,
}

/// The hover text, in Markdown; `linted` holds the file's current findings.
pub fn hover(asked: &Asked<'_>, linted: Option<&Linted>) -> Option<String> {
    let offset = asked.offset;
    let mut parts = Vec::new();
    if let Some(image) = image_at(asked) {
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

fn image_at(asked: &Asked<'_>) -> Option<String> {
    let Asked {
        inputs,
        definitions,
        settings,
        root,
        path,
        offset,
    } = *asked;
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
